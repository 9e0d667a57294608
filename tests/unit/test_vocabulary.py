"""One vocabulary of data types and tokenizations, read by config, schema, inspect, ODM and SQL."""

from __future__ import annotations

from typing import Any

import pytest

from weavorm import Field, Model
from weavorm.config import DataType, Property, Tokenization
from weavorm.config import vocabulary as vocab
from weavorm.engine._protocol import tokenize as tokenize_ops
from weavorm.errors import ConfigError, SchemaError, UnknownDataTypeError
from weavorm.odm import lookups
from weavorm.schema._inspect import render_models
from weavorm.sql._execute import compile_sql
from weavorm.sql._schema import PRIMITIVE_TYPES, Fields


def _class(*props: dict[str, Any]) -> dict[str, Any]:
    return {"class": "Doc", "properties": list(props)}


def test_the_lists_are_weaviates() -> None:
    assert {t.value for t in DataType} == {
        "text", "text[]", "int", "int[]", "number", "number[]", "boolean", "boolean[]",
        "date", "date[]", "uuid", "uuid[]", "geoCoordinates", "phoneNumber", "blob",
        "blobHash", "object", "object[]",
    }  # fmt: skip
    assert vocab.TOKENIZATIONS == (
        "word", "lowercase", "whitespace", "field", "trigram", "gse", "kagome_kr",
        "kagome_ja", "gse_ch",
    )  # fmt: skip
    assert set(vocab.TOKENIZATIONS) - {"field"} == vocab.SPLITTING_TOKENIZATIONS
    assert vocab.element_type(DataType.UUID_ARRAY) is DataType.UUID
    assert vocab.element_type(DataType.BLOB_HASH) is DataType.BLOB_HASH


def test_every_consumer_reads_the_same_names() -> None:
    import weavorm.config._common as common
    import weavorm.odm.fields as fields

    assert not hasattr(common, "DataType")  # defined once, in the vocabulary
    assert DataType is vocab.DataType and Tokenization is vocab.Tokenization
    assert tokenize_ops.TOKENIZATIONS is vocab.TOKENIZATIONS
    assert fields._TOKENIZATIONS is vocab.TOKENIZATIONS
    assert lookups._TOKENIZED is vocab.SPLITTING_TOKENIZATIONS
    assert vocab.DATA_TYPES | {"string", "string[]"} == PRIMITIVE_TYPES


def test_unknown_names_raise_typed_errors() -> None:
    with pytest.raises(UnknownDataTypeError) as info:
        vocab.data_type("txt")
    assert info.value.data_type == "txt" and "'blobHash'" in str(info.value)
    assert isinstance(info.value, ConfigError) and isinstance(info.value, SchemaError)
    with pytest.raises(UnknownDataTypeError, match="deprecated: use 'text'"):
        vocab.data_type("string")
    assert vocab.data_type("string[]", deprecated=True) is DataType.TEXT_ARRAY
    with pytest.raises(ConfigError, match="'gse_ch'"):
        vocab.tokenization("words")


def test_config_uses_the_vocabulary() -> None:
    assert Property("h", "blobHash").to_dict()["dataType"] == ["blobHash"]
    with pytest.raises(UnknownDataTypeError, match="'txt'"):
        Property("p", "txt")  # type: ignore[arg-type]
    old = Property.from_dict({"name": "t", "dataType": ["string"], "tokenization": "field"})
    assert old.data_type is DataType.TEXT and old.tokenization is Tokenization.FIELD
    with pytest.raises(UnknownDataTypeError):
        Property.from_dict({"name": "t", "dataType": ["wat"]})


@pytest.mark.parametrize("name", vocab.TOKENIZATIONS)
def test_odm_fields_accept_every_tokenization(name: str) -> None:
    Field(tokenization=name)


def test_odm_fields_refuse_others_listing_them() -> None:
    with pytest.raises(SchemaError, match="kagome_ja"):
        Field(tokenization="words")


def test_schema_build_uses_the_vocabulary() -> None:
    from weavorm.schema import collection_config

    class VocabDoc(Model):
        title: str = Field(tokenization="trigram")

    prop = collection_config(VocabDoc)["properties"][0]
    assert prop["dataType"] == ["text"] and prop["tokenization"] == "trigram"


def test_inspect_knows_every_data_type() -> None:
    props = [{"name": f"p{i}", "dataType": [t.value]} for i, t in enumerate(DataType)]
    for p in props:
        if p["dataType"][0].startswith("object"):
            p["nestedProperties"] = [{"name": "x", "dataType": ["int"]}]
    source = render_models([("Doc", _class(*props))])
    declared = {line.split(":")[0].strip() for line in source.splitlines() if ": " in line}
    cannot = [line for line in source.splitlines() if "cannot be declared" in line]
    assert cannot == ["    # p15: 'blobHash' cannot be declared in a model"]
    assert {f"p{i}" for i in range(len(DataType))} - {"p15"} <= declared
    assert "p0: str | None" in source and "p11: list[uuid.UUID] | None" in source


def test_inspect_refuses_an_unknown_data_type() -> None:
    with pytest.raises(UnknownDataTypeError, match="dataType 'txt'"):
        render_models([("Doc", _class({"name": "odd", "dataType": ["txt"]}))])
    old = render_models([("Doc", _class({"name": "s", "dataType": ["string"]}))])
    assert "s: str | None" in old


def test_sql_schema_knows_blob_hash_and_refuses_unknown_types() -> None:
    data = _class(
        {"name": "h", "dataType": ["blobHash"]},
        {"name": "title", "dataType": ["text"], "tokenization": "field"},
        {"name": "author", "dataType": ["Author"]},
    )
    fields = Fields.from_class_json(data)
    assert fields.properties["h"].data_type == "blobHash"
    assert fields.references == {"author": "author"}
    assert Fields.from_class_json(data, collections={"Author"}).references == {"author": "author"}
    with pytest.raises(UnknownDataTypeError, match="nor an existing collection"):
        Fields.from_class_json(data, collections={"Other"})
    with pytest.raises(UnknownDataTypeError, match="'txt'"):
        Fields.from_class_json(_class({"name": "odd", "dataType": ["txt"]}))
    with pytest.raises(UnknownDataTypeError):
        compile_sql("SELECT odd FROM Doc", schema=_class({"name": "odd", "dataType": ["txt"]}))
    compiled = compile_sql("SELECT title FROM Doc WHERE title = 'a'", schema=data)
    assert compiled is not None
