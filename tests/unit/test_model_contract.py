"""What a model serializes (ids, vectors, references) and how ids and id_fields agree."""

from __future__ import annotations

import json
from uuid import UUID, uuid4

import pydantic
import pytest

import weavorm
from weavorm import Field, Model, Ref, Refs
from weavorm.errors import ConfigError


class Person(Model):
    name: str

    class Meta:
        collection = "ContractPerson"


class Paper(Model):
    title: str
    year: int = 2000
    author: Ref[Person] | None = None
    cites: Refs[Person] = Field(default_factory=list)

    class Meta:
        collection = "ContractPaper"


class Keyed(Model):
    isbn: str
    title: str = ""

    class Meta:
        collection = "ContractKeyed"
        id_fields = ("isbn",)


def test_json_schema_with_references_renders_in_both_modes() -> None:
    for mode in ("validation", "serialization"):
        schema = Paper.model_json_schema(mode=mode)
        author = schema["properties"]["author"]["anyOf"][0]
        assert (author["type"], author["format"]) == ("string", "uuid")
        assert schema["properties"]["cites"]["items"]["format"] == "uuid"
    assert "vector" not in Paper.model_json_schema(mode="serialization")["properties"]


def test_model_dump_gives_id_and_fields_not_vectors_unless_asked() -> None:
    person = Person(name="Ada", vector=[0.1, 0.2], vectors={"v": [1.0]})
    assert person.model_dump() == {"id": person.id, "name": "Ada"}
    assert json.loads(person.model_dump_json()) == {"id": str(person.id), "name": "Ada"}
    full = person.model_dump(vectors=True)
    assert full["vector"] == [0.1, 0.2] and full["vectors"] == {"v": [1.0]}
    assert json.loads(person.model_dump_json(vectors=True, indent=2))["vector"] == [0.1, 0.2]
    paper = Paper(title="On computable numbers", author=person, cites=[person])
    dumped = json.loads(paper.model_dump_json())
    assert dumped["author"] == str(person.id) and dumped["cites"] == [str(person.id)]


def test_id_fields_derive_the_id_and_refuse_a_different_one() -> None:
    book = Keyed(isbn="123")
    assert Keyed(isbn="123").id == book.id
    assert Keyed(isbn="123", id=book.id).id == book.id  # the same id is fine
    with pytest.raises(pydantic.ValidationError, match=r"Meta\.id_fields"):
        Keyed(isbn="123", id=uuid4())


def test_changing_an_id_field_of_an_object_with_a_given_id_is_refused() -> None:
    fresh = Keyed(isbn="1")
    fresh.isbn = "2"  # no id given yet: it follows the field
    assert fresh.id == Keyed(isbn="2").id
    stored = Keyed(isbn="1", id=Keyed(isbn="1").id)
    with pytest.raises(pydantic.ValidationError, match=r"Meta\.id_fields"):
        stored.isbn = "2"
    assert stored.isbn == "1" and stored.id == Keyed(isbn="1").id
    stored.title = "fine"  # other fields change freely


def test_values_read_from_the_server_keep_their_stored_id() -> None:
    from weavorm.odm.meta import STORED_CONTEXT

    other = UUID(int=7)
    loaded = Keyed.model_validate({"isbn": "1", "id": other}, context={STORED_CONTEXT: True})
    assert loaded.id == other


async def test_sync_schema_functions_name_their_async_twin() -> None:
    client = weavorm.connect_async("http://127.0.0.1:9", skip_init_checks=True)
    try:
        with pytest.raises(ConfigError, match="acreate_all"):
            weavorm.schema.create_all(client)  # type: ignore[arg-type]
        with pytest.raises(ConfigError, match="adiff"):
            weavorm.schema.diff(client)  # type: ignore[arg-type]
    finally:
        await client.close()
