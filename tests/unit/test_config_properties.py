"""Properties, references, data types and tokenizations of weavorm.config."""

from __future__ import annotations

import pytest

from weavorm.config import (
    RESERVED_PROPERTY_NAMES,
    DataType,
    Property,
    ReferenceProperty,
    TextAnalyzer,
    Tokenization,
    validate_collection_name,
    validate_property_name,
)
from weavorm.errors import ConfigError

ALL_TYPES = [
    "text",
    "text[]",
    "int",
    "int[]",
    "number",
    "number[]",
    "boolean",
    "boolean[]",
    "date",
    "date[]",
    "uuid",
    "uuid[]",
    "geoCoordinates",
    "phoneNumber",
    "blob",
    "blobHash",
    "object",
    "object[]",
]


def test_data_type_enum_has_the_18_server_types() -> None:
    assert sorted(t.value for t in DataType) == sorted(ALL_TYPES)
    assert len(DataType) == 18
    assert str(DataType.TEXT_ARRAY) == "text[]"


def test_tokenization_enum_matches_server() -> None:
    assert {t.value for t in Tokenization} == {
        "word",
        "lowercase",
        "whitespace",
        "field",
        "trigram",
        "gse",
        "kagome_kr",
        "kagome_ja",
        "gse_ch",
    }


@pytest.mark.parametrize("dtype", ALL_TYPES)
def test_every_data_type_serializes(dtype: str) -> None:
    nested = [Property("inner", "text")] if dtype.startswith("object") else None
    prop = Property("field", dtype, nested_properties=nested)  # type: ignore[arg-type]
    out = prop.to_dict()
    assert out["name"] == "field"
    assert out["dataType"] == [dtype]
    if nested:
        assert out["nestedProperties"] == [{"name": "inner", "dataType": ["text"]}]
    assert Property.from_dict(out) == prop


@pytest.mark.parametrize("tok", list(Tokenization))
@pytest.mark.parametrize("dtype", ["text", "text[]"])
def test_every_tokenization_on_text_types(tok: Tokenization, dtype: str) -> None:
    prop = Property("t", dtype, tokenization=tok.value)  # type: ignore[arg-type]
    assert prop.tokenization is tok
    assert prop.to_dict()["tokenization"] == tok.value
    assert Property.from_dict(prop.to_dict()) == prop


def test_full_property_json() -> None:
    prop = Property(
        "title",
        DataType.TEXT,
        description="The title",
        tokenization=Tokenization.LOWERCASE,
        index_filterable=True,
        index_searchable=False,
        index_range_filters=False,
    )
    assert prop.to_dict() == {
        "name": "title",
        "dataType": ["text"],
        "description": "The title",
        "tokenization": "lowercase",
        "indexFilterable": True,
        "indexSearchable": False,
        "indexRangeFilters": False,
    }


def test_vectorizer_module_settings_per_property() -> None:
    prop = Property("body", "text", skip_vectorization=True, vectorize_property_name=True)
    out = prop.to_dict(vectorizer_modules=["text2vec-openai", "none"])
    assert out["moduleConfig"] == {"text2vec-openai": {"skip": True, "vectorizePropertyName": True}}
    assert prop.skips("text2vec-openai")
    parsed = Property.from_dict(out)
    assert parsed.skip_vectorization is True
    assert parsed.vectorize_property_name is True
    assert parsed.module_config is None


def test_module_config_overrides_per_module() -> None:
    prop = Property("body", "text", module_config={"text2vec-cohere": {"skip": True}})
    out = prop.to_dict(vectorizer_modules=["text2vec-openai", "text2vec-cohere"])
    assert out["moduleConfig"] == {
        "text2vec-openai": {"skip": False, "vectorizePropertyName": False},
        "text2vec-cohere": {"skip": True, "vectorizePropertyName": False},
    }
    parsed = Property.from_dict(out)
    assert parsed.skips("text2vec-cohere") and not parsed.skips("text2vec-openai")


def test_nested_object_properties() -> None:
    prop = Property(
        "meta",
        "object[]",
        nested_properties=[
            Property("source", "text", tokenization="field"),
            Property("when", "date", index_range_filters=True),
            Property("deep", "object", nested_properties=[Property("x", "uuid")]),
        ],
    )
    out = prop.to_dict(vectorizer_modules=["text2vec-openai"])
    assert out["nestedProperties"][2] == {
        "name": "deep",
        "dataType": ["object"],
        "nestedProperties": [{"name": "x", "dataType": ["uuid"]}],
    }
    assert "moduleConfig" not in out["nestedProperties"][0]
    assert Property.from_dict(out) == prop


def test_text_analyzer() -> None:
    prop = Property(
        "name",
        "text",
        tokenization="word",
        text_analyzer=TextAnalyzer(ascii_fold=True, ascii_fold_ignore=["é"], stopword_preset="en"),
    )
    assert prop.to_dict()["textAnalyzer"] == {
        "asciiFold": True,
        "asciiFoldIgnore": ["é"],
        "stopwordPreset": "en",
    }
    assert Property.from_dict(prop.to_dict()) == prop


def test_references() -> None:
    single = ReferenceProperty("author", "Author", description="who")
    multi = ReferenceProperty("cites", ["Article", "Book"], disable_duplicated_references=False)
    assert single.to_dict() == {"name": "author", "dataType": ["Author"], "description": "who"}
    assert multi.to_dict() == {
        "name": "cites",
        "dataType": ["Article", "Book"],
        "disableDuplicatedReferences": False,
    }
    assert single.target_collection == "Author"
    assert ReferenceProperty.from_dict(multi.to_dict()) == multi


@pytest.mark.parametrize("dtype", [t for t in ALL_TYPES if t not in ("text", "text[]")])
def test_tokenization_rejected_on_non_text(dtype: str) -> None:
    nested = [Property("i", "text")] if dtype.startswith("object") else None
    with pytest.raises(ConfigError) as info:
        Property("p", dtype, tokenization="word", nested_properties=nested)  # type: ignore[arg-type]
    assert "'word'" in str(info.value)
    assert repr(dtype) in str(info.value)


@pytest.mark.parametrize("dtype", ["text", "text[]", "int[]", "boolean", "uuid", "date[]"])
def test_range_filters_rejected_on_wrong_types(dtype: str) -> None:
    with pytest.raises(ConfigError, match="'int', 'number', 'date'"):
        Property("p", dtype, index_range_filters=True)  # type: ignore[arg-type]


@pytest.mark.parametrize("dtype", ["int", "number", "date"])
def test_range_filters_allowed(dtype: str) -> None:
    assert Property("p", dtype, index_range_filters=True).index_range_filters  # type: ignore[arg-type]


def test_searchable_only_on_text() -> None:
    with pytest.raises(ConfigError, match="index_searchable"):
        Property("p", "int", index_searchable=True)
    assert Property("p", "int", index_searchable=False).index_searchable is False


def test_unknown_data_type_and_tokenization_name_the_choices() -> None:
    with pytest.raises(ConfigError) as info:
        Property("p", "string")  # type: ignore[arg-type]
    assert "'string'" in str(info.value) and "'geoCoordinates'" in str(info.value)
    assert info.value.field == "data_type"
    with pytest.raises(ConfigError) as info:
        Property("p", "text", tokenization="words")  # type: ignore[arg-type]
    assert "'words'" in str(info.value) and "'trigram'" in str(info.value)


@pytest.mark.parametrize("name", ["1abc", "a-b", "", "a b", "x" * 232])
def test_invalid_property_names(name: str) -> None:
    with pytest.raises(ConfigError, match="invalid property name"):
        validate_property_name(name)


@pytest.mark.parametrize("name", sorted(RESERVED_PROPERTY_NAMES))
def test_reserved_property_names(name: str) -> None:
    with pytest.raises(ConfigError, match="reserved"):
        Property(name, "text").to_dict()
    with pytest.raises(ConfigError, match="reserved"):
        ReferenceProperty(name, "Other")


@pytest.mark.parametrize(
    "name",
    ["x_searchable", "x_rangeable", "x_temp", "x__meta_count", "x_nullState", "a__x_reindex_3"],
)
def test_reserved_suffixes(name: str) -> None:
    with pytest.raises(ConfigError, match="invalid property name"):
        validate_property_name(name)


def test_valid_names() -> None:
    assert validate_property_name("_private") == "_private"
    assert validate_property_name("x" * 231) == "x" * 231
    assert validate_property_name("vector") == "vector"  # allowed by the 1.39 server
    assert validate_collection_name("Article_2") == "Article_2"


@pytest.mark.parametrize("name", ["article", "1Article", "Art-icle", "", "Raft", "A" * 256])
def test_invalid_collection_names(name: str) -> None:
    with pytest.raises(ConfigError, match=r"collection name|reserved"):
        validate_collection_name(name)


def test_nested_rules() -> None:
    with pytest.raises(ConfigError, match="needs at least one nested property"):
        Property("o", "object")
    with pytest.raises(ConfigError, match="only allowed for 'object'"):
        Property("t", "text", nested_properties=[Property("a", "text")])
    with pytest.raises(ConfigError, match="'geoCoordinates' is not allowed for a nested"):
        Property("o", "object", nested_properties=[Property("g", "geoCoordinates")])
    with pytest.raises(ConfigError, match="'trigram' is not allowed for a nested"):
        Property("o", "object", nested_properties=[Property("t", "text", tokenization="trigram")])
    with pytest.raises(ConfigError, match="index_filterable=True is not allowed for nested 'blob'"):
        Property("o", "object", nested_properties=[Property("b", "blob", index_filterable=True)])
    with pytest.raises(ConfigError, match=r"duplicate nested property name 'o\.A'"):
        Property("o", "object", nested_properties=[Property("a", "text"), Property("A", "int")])
    with pytest.raises(ConfigError, match="vectorization settings are not supported on nested"):
        Property("o", "object", nested_properties=[Property("a", "text", skip_vectorization=True)])


def test_text_analyzer_rules() -> None:
    with pytest.raises(ConfigError, match="requires ascii_fold=True"):
        TextAnalyzer(ascii_fold_ignore=["é"])
    with pytest.raises(ConfigError, match="single character"):
        TextAnalyzer(ascii_fold=True, ascii_fold_ignore=["ab"])
    with pytest.raises(ConfigError, match="only allowed for 'text'"):
        Property("n", "int", text_analyzer=TextAnalyzer(ascii_fold=True))
    with pytest.raises(ConfigError, match="needs an inverted index"):
        Property(
            "t",
            "text",
            index_filterable=False,
            index_searchable=False,
            text_analyzer=TextAnalyzer(ascii_fold=True),
        )
    with pytest.raises(ConfigError, match="does not support tokenization 'gse'"):
        Property("t", "text", tokenization="gse", text_analyzer=TextAnalyzer(ascii_fold=True))
    with pytest.raises(ConfigError, match="needs tokenization 'word'"):
        Property(
            "t", "text", tokenization="field", text_analyzer=TextAnalyzer(stopword_preset="en")
        )


def test_reference_targets_are_checked() -> None:
    with pytest.raises(ConfigError, match="target collection"):
        ReferenceProperty("r", "lowercase")
    with pytest.raises(ConfigError, match="at least one target"):
        ReferenceProperty("r", [])


def test_properties_are_frozen() -> None:
    prop = Property("p", "text")
    with pytest.raises(AttributeError):
        prop.name = "q"  # type: ignore[misc]
