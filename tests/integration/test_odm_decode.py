"""The ODM's direct reply decoding gives the same models as the general path."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest

import weavorm
from weavorm import Field, Model, errors
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


class Required(Model):
    title: str
    count: int

    class Meta:
        vectorizer = Vectorizer.none()


@pytest.fixture
def db(weaviate_client: WeaviateClient) -> Iterator[WeaviateClient]:
    create_all(weaviate_client, [DecodeDoc, Required])
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
