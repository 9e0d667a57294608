"""The ODM's direct reply decoding gives the same models as the general path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest

import weavorm
from weavorm import Field, Model, Ref, Refs, errors
from weavorm.config import Vectorizer
from weavorm.engine import DataObject, WeaviateClient
from weavorm.odm import compiler, decode
from weavorm.schema import create_all

pytestmark = pytest.mark.integration

UTC = dt.timezone.utc


class DecodeDoc(Model):
    title: str = Field(tokenization="word")
    count: int = 0
    price: float | None = None
    active: bool = False
    tags: list[str] = Field(default_factory=list)
    when: dt.datetime | None = None
    other: UUID | None = None

    class Meta:
        vectorizer = Vectorizer.none()


class DecodeAuthor(Model):
    name: str

    class Meta:
        vectorizer = Vectorizer.none()


class DecodeBook(Model):
    title: str
    author: Ref[DecodeAuthor] | None = None
    cites: Refs[DecodeAuthor] = Field(default_factory=list)

    class Meta:
        vectorizer = Vectorizer.none()


class Required(Model):
    title: str
    count: int

    class Meta:
        vectorizer = Vectorizer.none()


@pytest.fixture
def db(weaviate_client: WeaviateClient) -> Iterator[WeaviateClient]:
    create_all(weaviate_client, [DecodeDoc, Required, DecodeAuthor, DecodeBook])
    weavorm.configure(weaviate_client)
    docs = [
        DecodeDoc(
            title=f"red car {i}",
            count=i,
            price=None if i % 3 == 0 else i / 2,
            active=bool(i % 2),
            tags=["a", f"t{i}"] if i % 2 else [],
            when=dt.datetime(2024, 1, 1 + i, 12, tzinfo=UTC) if i % 4 else None,
            other=UUID(int=i) if i % 5 == 0 else None,
            vector=[1.0, float(i), 0.25],
        )
        for i in range(12)
    ]
    DecodeDoc.objects.bulk_create(docs)
    yield weaviate_client
    weavorm.configure(None)


def _general(client: WeaviateClient, qs: Any) -> list[Model]:
    """The same query through the engine's Object values and compiler.to_instance."""
    compiled = qs._compiled()
    query = client.collections.get(qs.model.collection_name()).query
    result = getattr(query, compiled.operation)(*compiled.args, **compiled.kwargs)
    return [compiler.to_instance(qs.model, o) for o in result.objects]


@pytest.mark.parametrize(
    "make",
    [
        lambda: DecodeDoc.objects.filter(count__gte=0).limit(12),
        lambda: DecodeDoc.objects.near_vector([1.0, 4.0, 0.25]).limit(5),
        lambda: DecodeDoc.objects.bm25("car").limit(5),
        lambda: DecodeDoc.objects.hybrid("red", vector=[1.0, 2.0, 0.25]).limit(5),
        lambda: DecodeDoc.objects.with_vector().filter(count__lt=4),
        lambda: DecodeDoc.objects.with_metadata("explain_score").bm25("red").limit(3),
    ],
)
def test_fast_path_matches_general_path(db: WeaviateClient, make: Any) -> None:
    qs = make()
    assert decode.applies(qs.model, qs._query, qs._compiled())
    fast = list(qs)
    general = _general(db, qs)
    assert fast and [o.id for o in fast] == [o.id for o in general]
    for a, b in zip(fast, general, strict=True):
        assert a.model_dump(vectors=True) == b.model_dump(vectors=True)
        assert a.model_fields_set == b.model_fields_set
        # the server lists explain_score's parts in no fixed order
        assert a.meta._replace(explain_score=None) == b.meta._replace(explain_score=None)
        assert sorted((a.meta.explain_score or "").split(", ")) == sorted(
            (b.meta.explain_score or "").split(", ")
        )
        assert a.meta.creation_time is not None and a.meta.creation_time.tzinfo is not None


def test_fast_path_values_and_types(db: WeaviateClient) -> None:
    found = {o.count: o for o in DecodeDoc.objects.filter(count__gte=0).limit(12)}
    five = found[5]
    assert five.title == "red car 5" and five.price == 2.5 and five.active is True
    assert five.tags == ["a", "t5"] and five.other == UUID(int=5)
    assert five.when == dt.datetime(2024, 1, 6, 12, tzinfo=UTC)
    assert found[0].price is None and found[0].tags == [] and found[0].when is None
    assert found[3].vector is None  # not asked for
    five.title = "changed"  # a normal, mutable model instance
    assert five.title == "changed"


def test_missing_required_value_is_a_stored_object_error(db: WeaviateClient) -> None:
    db.collections.get(Required.collection_name()).data.insert_many(
        [DataObject(properties={"title": "no count"})]
    )
    with pytest.raises(errors.StoredObjectError, match=r"Required\.count"):
        list(Required.objects.all())


def test_select_related_fast_path_matches_general_path(db: WeaviateClient) -> None:
    ada, bob = DecodeAuthor(name="Ada"), DecodeAuthor(name="Bob")
    DecodeAuthor.objects.bulk_create([ada, bob])
    DecodeBook.objects.bulk_create(
        [
            DecodeBook(title=f"book {i}", author=Ref.to(ada if i % 2 else bob), cites=[Ref.to(ada)])
            for i in range(6)
        ]
        + [DecodeBook(title="anonymous")]
    )
    qs = DecodeBook.objects.select_related("author").limit(10)
    assert decode.applies(qs.model, qs._query, qs._compiled())
    fast = sorted(qs, key=lambda b: b.title)
    general = sorted(_general(db, qs), key=lambda b: b.title)
    assert len(fast) == 7
    for a, b in zip(fast, general, strict=True):
        assert a.id == b.id and a.title == b.title and a.meta == b.meta
        assert (a.author is None) == (b.author is None)
        if a.author is not None and b.author is not None:
            assert a.author.id == b.author.id and a.author.loaded and b.author.loaded
            assert a.author.obj.name == b.author.obj.name
            assert a.author.obj.meta == b.author.obj.meta
            assert a.author.collection == b.author.collection == "DecodeAuthor"
        # not selected: ids only, not loaded, on both paths
        assert [r.id for r in a.cites] == [r.id for r in b.cites]
        assert not any(r.loaded for r in a.cites)
    by_title = {b.title: b for b in fast}
    assert by_title["book 1"].author is not None and by_title["book 1"].author.obj.name == "Ada"
    assert by_title["anonymous"].author is None
