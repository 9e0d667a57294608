"""collection.aggregate against a real Weaviate server (sync and async)."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

import pytest

from weavorm import errors
from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.engine.aggregate_types import (
    AggregateBoolean,
    AggregateDate,
    AggregateGroupByResult,
    AggregateInteger,
    AggregateNumber,
    AggregateReference,
    AggregateResult,
    AggregateText,
    GroupByAggregate,
    Metrics,
    TopOccurrence,
)
from weavorm.engine.filters import Filter
from weavorm.engine.options import HybridVector, Move

pytestmark = pytest.mark.integration

BOOKS: list[dict[str, Any]] = [
    {"title": "Dune", "genre": "scifi", "year": 1965, "price": 9.5, "available": True,
     "published": "1965-08-01T00:00:00Z", "vector": [1.0, 0.0]},
    {"title": "Emma", "genre": "classic", "year": 1815, "price": 5.0, "available": False,
     "published": "1815-12-23T00:00:00Z", "vector": [0.0, 1.0]},
    {"title": "Neuromancer", "genre": "scifi", "year": 1984, "price": 7.25, "available": True,
     "published": "1984-07-01T00:00:00Z", "vector": [0.9, 0.1]},
    {"title": "Persuasion", "genre": "classic", "year": 1817, "price": 4.0, "available": True,
     "published": "1817-12-20T00:00:00Z", "vector": [0.1, 0.9]},
    {"title": "Foundation", "genre": "scifi", "year": 1951, "price": 4.0, "available": False,
     "published": "1951-06-01T00:00:00Z", "vector": [0.8, 0.2]},
]  # fmt: skip
BOOK_IDS = [str(uuid.UUID(int=i + 1)) for i in range(len(BOOKS))]
ADA, BOB = str(uuid.UUID(int=101)), str(uuid.UUID(int=102))


def _beacons(name: str, *ids: str) -> list[str]:
    return sorted(f"weaviate://localhost/{name}Author/{i}" for i in ids)


def _batch(client: WeaviateClient, objects: list[dict[str, Any]]) -> None:
    reply = client.raw.request("POST", "/v1/batch/objects", json={"objects": objects})
    assert all("errors" not in (o.get("result") or {}) for o in reply.json), reply.json


def _create_library(client: WeaviateClient, name: str) -> str:
    """A book collection with one property of every aggregatable kind; returns its name."""
    author = f"{name}Author"
    client.collections.create_from_dict(
        {
            "class": author,
            "vectorizer": "none",
            "properties": [{"name": "name", "dataType": ["text"]}],
        }
    )
    client.collections.create_from_dict(
        {
            "class": name,
            "vectorizer": "none",
            "properties": [
                {"name": "title", "dataType": ["text"]},
                {"name": "genre", "dataType": ["text"], "tokenization": "field"},
                {"name": "tags", "dataType": ["text[]"], "tokenization": "field"},
                {"name": "year", "dataType": ["int"]},
                {"name": "price", "dataType": ["number"]},
                {"name": "available", "dataType": ["boolean"]},
                {"name": "published", "dataType": ["date"]},
                {"name": "writtenBy", "dataType": [author]},
            ],
        }
    )
    ada, bob = ADA, BOB
    _batch(
        client,
        [
            {"class": author, "id": ada, "properties": {"name": "Ada"}},
            {"class": author, "id": bob, "properties": {"name": "Bob"}},
        ],
    )
    objects = []
    for i, book in enumerate(BOOKS):
        props = {k: v for k, v in book.items() if k != "vector"}
        props["tags"] = [book["genre"], "book"]
        target = ada if i % 2 == 0 else bob
        props["writtenBy"] = [{"beacon": f"weaviate://localhost/{author}/{target}"}]
        objects.append(
            {"class": name, "id": BOOK_IDS[i], "properties": props, "vector": book["vector"]}
        )
    _batch(client, objects)
    return name


@pytest.fixture
def library(weaviate_client: WeaviateClient, collection_name: str) -> str:
    return _create_library(weaviate_client, collection_name)


# --- over_all: every metric kind ---------------------------------------------------------------


def test_total_count(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    result = books.aggregate.over_all()
    assert result == AggregateResult(total_count=5, properties={})
    assert len(books) == books.length() == 5
    assert books.aggregate.over_all(total_count=False).total_count in (None, 0)


def test_text_metrics(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    result = books.aggregate.over_all(
        return_metrics=[
            Metrics("genre").text(),
            Metrics("tags").text(top_occurrences_value=True, limit=1),
        ]
    )
    genre = result.properties["genre"]
    assert isinstance(genre, AggregateText)
    assert genre.count == 5
    assert genre.top_occurrences == [TopOccurrence("scifi", 3), TopOccurrence("classic", 2)]
    tags = result.properties["tags"]
    assert isinstance(tags, AggregateText)
    assert [t.value for t in tags.top_occurrences] == ["book"]


def test_integer_metrics(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    result = books.aggregate.over_all(return_metrics=Metrics("year").integer())
    years = sorted(b["year"] for b in BOOKS)
    full = result.properties["year"]
    assert isinstance(full, AggregateInteger)
    assert (full.count, full.maximum, full.minimum, full.sum_) == (5, 1984, 1815, sum(years))
    assert full.mean == sum(years) / 5 and full.median == float(years[2])
    assert full.mode in years  # every year occurs once
    only = books.aggregate.over_all(return_metrics=Metrics("year").integer(sum_=True, mean=True))
    year = only.properties["year"]
    assert isinstance(year, AggregateInteger)
    assert (year.sum_, year.mean, year.maximum, year.count) == (
        sum(years),
        sum(years) / 5,
        None,
        None,
    )


def test_number_metrics(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    result = books.aggregate.over_all(return_metrics=Metrics("price").number())
    price = result.properties["price"]
    assert isinstance(price, AggregateNumber)
    assert price.count == 5 and price.mode == 4.0
    assert (price.minimum, price.maximum, price.median) == (4.0, 9.5, 5.0)
    assert price.sum_ == pytest.approx(29.75) and price.mean == pytest.approx(29.75 / 5)


def test_boolean_metrics(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    result = books.aggregate.over_all(return_metrics=Metrics("available").boolean())
    assert result.properties["available"] == AggregateBoolean(
        count=5, percentage_false=0.4, percentage_true=0.6, total_false=2, total_true=3
    )


def test_date_metrics(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    result = books.aggregate.over_all(return_metrics=Metrics("published").date_())
    published = result.properties["published"]
    assert isinstance(published, AggregateDate)
    assert published.count == 5
    assert published.minimum == datetime(1815, 12, 23, tzinfo=timezone.utc)
    assert published.maximum == datetime(1984, 7, 1, tzinfo=timezone.utc)
    assert published.median == datetime(1951, 6, 1, tzinfo=timezone.utc)
    assert published.mode is not None


def test_reference_metrics(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    result = books.aggregate.over_all(
        return_metrics=[Metrics("writtenBy").reference(), Metrics("year").integer(count=True)]
    )
    assert result.total_count == 5
    assert result.properties["writtenBy"] == AggregateReference(_beacons(library, ADA, BOB))
    assert result.properties["year"] == AggregateInteger(count=5)
    grouped = books.aggregate.over_all(
        group_by="available", return_metrics=Metrics("writtenBy").reference()
    )
    by_value = {g.grouped_by.value: g.properties["writtenBy"] for g in grouped.groups}
    # available: Dune (Ada), Neuromancer (Ada), Persuasion (Bob); not: Emma (Bob), Foundation (Ada)
    assert by_value[True] == AggregateReference(_beacons(library, ADA, BOB))
    assert by_value[False] == AggregateReference(_beacons(library, ADA, BOB))
    only_bob = books.aggregate.over_all(
        filters=Filter.by_property("genre").equal("classic"),
        return_metrics=Metrics("writtenBy").reference(),
    )
    assert only_bob.properties["writtenBy"] == AggregateReference(_beacons(library, BOB))
    near = books.aggregate.near_vector(
        [1.0, 0.0], object_limit=2, return_metrics=Metrics("writtenBy").reference()
    )
    assert near.properties["writtenBy"] == AggregateReference(_beacons(library, ADA))


# --- group_by, filters ---------------------------------------------------------------------------


def test_group_by(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    result = books.aggregate.over_all(
        group_by=GroupByAggregate(prop="genre"),
        return_metrics=Metrics("year").integer(sum_=True),
    )
    assert isinstance(result, AggregateGroupByResult)
    by_genre = {g.grouped_by.value: g for g in result.groups}
    assert set(by_genre) == {"scifi", "classic"}
    assert by_genre["scifi"].total_count == 3
    assert by_genre["scifi"].grouped_by.prop == "genre"
    assert by_genre["scifi"].properties["year"] == AggregateInteger(sum_=1965 + 1984 + 1951)
    assert by_genre["classic"].properties["year"] == AggregateInteger(sum_=1815 + 1817)
    limited = books.aggregate.over_all(group_by=GroupByAggregate(prop="genre", limit=1))
    assert len(limited.groups) == 1
    tags = books.aggregate.over_all(group_by="tags")
    assert {(g.grouped_by.value, g.total_count) for g in tags.groups} == {
        ("book", 5),
        ("scifi", 3),
        ("classic", 2),
    }


def test_filters(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    recent = books.aggregate.over_all(
        filters=Filter.by_property("year").greater_than(1900),
        return_metrics=Metrics("price").number(sum_=True),
    )
    assert recent.total_count == 3
    price = recent.properties["price"]
    assert isinstance(price, AggregateNumber) and price.count is None
    assert price.sum_ == pytest.approx(9.5 + 7.25 + 4.0)
    both = books.aggregate.over_all(
        filters=Filter.by_property("genre").equal("scifi")
        & Filter.by_property("available").equal(True),
        group_by="genre",
    )
    assert [(g.grouped_by.value, g.total_count) for g in both.groups] == [("scifi", 2)]


# --- vector searches ---------------------------------------------------------------------------


def test_near_vector_with_object_limit(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    result = books.aggregate.near_vector(
        [1.0, 0.0], object_limit=3, return_metrics=Metrics("genre").text()
    )
    assert result.total_count == 3
    genre = result.properties["genre"]
    assert isinstance(genre, AggregateText)
    assert genre.top_occurrences == [TopOccurrence("scifi", 3)]
    near = books.aggregate.near_vector([1.0, 0.0], distance=0.05)
    assert near.total_count is not None and 1 <= near.total_count < 5
    grouped = books.aggregate.near_vector([0.0, 1.0], certainty=0.95, group_by="genre")
    assert [g.grouped_by.value for g in grouped.groups] == ["classic"]
    with pytest.raises(errors.QueryError, match="object_limit"):
        books.aggregate.near_vector([1.0, 0.0])


def test_near_object(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    result = books.aggregate.near_object(
        BOOK_IDS[1], object_limit=2, return_metrics=Metrics("genre").text()
    )
    assert result.total_count == 2
    assert result.properties["genre"] == AggregateText(
        count=2, top_occurrences=[TopOccurrence("classic", 2)]
    )


def test_hybrid(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    keyword = books.aggregate.hybrid(
        "dune", alpha=0.0, vector=[0.0, 1.0], object_limit=5, query_properties=["title"]
    )
    assert keyword.total_count == 1
    vector = books.aggregate.hybrid(
        None, vector=[0.0, 1.0], object_limit=2, return_metrics=Metrics("genre").text()
    )
    assert vector.properties["genre"] == AggregateText(
        count=2, top_occurrences=[TopOccurrence("classic", 2)]
    )
    bounded = books.aggregate.hybrid("dune", vector=[1.0, 0.0], max_vector_distance=0.5)
    assert bounded.total_count is not None and bounded.total_count >= 1
    with pytest.raises(errors.QueryError, match="object_limit or max_vector_distance"):
        books.aggregate.hybrid("dune")


def test_named_vectors(weaviate_client: WeaviateClient, collection_name: str) -> None:
    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorConfig": {
                "a": {"vectorizer": {"none": {}}, "vectorIndexType": "hnsw"},
                "b": {"vectorizer": {"none": {}}, "vectorIndexType": "hnsw"},
            },
            "properties": [{"name": "n", "dataType": ["int"]}],
        }
    )
    _batch(
        weaviate_client,
        [
            {
                "class": collection_name,
                "properties": {"n": i},
                "vectors": {"a": [1.0, i], "b": [i, 1.0, 0.0]},
            }
            for i in range(4)
        ],
    )
    coll = weaviate_client.collections.get(collection_name)
    by_name = coll.aggregate.near_vector([1.0, 0.0], target_vector="a", object_limit=2)
    by_dict = coll.aggregate.near_vector({"b": [0.0, 1.0, 0.0]}, object_limit=3)
    hybrid = coll.aggregate.hybrid(None, vector={"a": [1.0, 0.0]}, object_limit=1)
    assert (by_name.total_count, by_dict.total_count, hybrid.total_count) == (2, 3, 1)
    with pytest.raises(errors.QueryError, match="one named vector"):
        coll.aggregate.near_vector([1.0], target_vector=["a", "b"], object_limit=1)


def test_near_text_with_a_vectorizer(weaviate_client: WeaviateClient, collection_name: str) -> None:
    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "text2vec-transformers",
            "properties": [
                {"name": "title", "dataType": ["text"]},
                {"name": "kind", "dataType": ["text"], "tokenization": "field"},
            ],
        }
    )
    rows = [
        ("a red sports car", "car"),
        ("a fast red racing car", "car"),
        ("a green garden salad", "food"),
        ("fresh vegetable soup", "food"),
    ]
    _batch(
        weaviate_client,
        [{"class": collection_name, "properties": {"title": t, "kind": k}} for t, k in rows],
    )
    coll = weaviate_client.collections.get(collection_name)
    result = coll.aggregate.near_text(
        "red car", object_limit=2, return_metrics=Metrics("kind").text()
    )
    assert result.total_count == 2
    assert result.properties["kind"] == AggregateText(
        count=2, top_occurrences=[TopOccurrence("car", 2)]
    )
    moved = coll.aggregate.near_text(
        "red car", object_limit=2, move_to=Move(1.0, concepts="salad soup"), group_by="kind"
    )
    assert sum(g.total_count or 0 for g in moved.groups) == 2
    sub = coll.aggregate.hybrid(
        "car",
        vector=HybridVector.near_text("vegetable soup"),
        alpha=1.0,
        object_limit=1,
        return_metrics=Metrics("kind").text(),
    )
    assert sub.properties["kind"] == AggregateText(
        count=1, top_occurrences=[TopOccurrence("food", 1)]
    )


def test_near_image_needs_an_image_vectorizer(
    weaviate_client: WeaviateClient, library: str
) -> None:
    books = weaviate_client.collections.get(library)
    with pytest.raises(errors.ServerError, match="nearImage"):
        books.aggregate.near_image(b"\x89PNG\r\n", object_limit=2)


# --- tenants, errors -----------------------------------------------------------------------------


def test_aggregate_per_tenant(weaviate_client: WeaviateClient, collection_name: str) -> None:
    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "none",
            "multiTenancyConfig": {"enabled": True},
            "properties": [{"name": "n", "dataType": ["int"]}],
        }
    )
    coll = weaviate_client.collections.get(collection_name)
    coll.tenants.create(["t1", "t2"])
    _batch(
        weaviate_client,
        [{"class": collection_name, "tenant": "t1", "properties": {"n": i}} for i in range(3)]
        + [{"class": collection_name, "tenant": "t2", "properties": {"n": 10}}],
    )
    t1 = coll.with_tenant("t1").aggregate.over_all(return_metrics=Metrics("n").integer(sum_=True))
    assert t1 == AggregateResult(total_count=3, properties={"n": AggregateInteger(sum_=3)})
    assert coll.with_tenant("t2").aggregate.over_all().total_count == 1
    with pytest.raises(errors.ServerError, match="without tenant"):
        coll.aggregate.over_all()


def test_server_errors_are_typed(weaviate_client: WeaviateClient, library: str) -> None:
    books = weaviate_client.collections.get(library)
    with pytest.raises(errors.ServerError, match="nope"):
        books.aggregate.over_all(return_metrics=Metrics("nope").integer())
    with pytest.raises(errors.ServerError, match="vector lengths"):
        books.aggregate.near_vector([1.0, 0.0, 0.0], object_limit=1)
    with pytest.raises(errors.ServerError):
        weaviate_client.collections.get("NoSuchCollection").aggregate.over_all()


# --- async -----------------------------------------------------------------------------------


async def test_async_over_all_group_by_and_filters(
    weaviate_client: WeaviateClient,
    async_weaviate_client: AsyncWeaviateClient,
    collection_name: str,
) -> None:
    name = _create_library(weaviate_client, collection_name)
    books = async_weaviate_client.collections.get(name)
    result = await books.aggregate.over_all(
        return_metrics=[
            Metrics("year").integer(minimum=True, maximum=True),
            Metrics("available").boolean(total_true=True),
            Metrics("published").date_(maximum=True),
            Metrics("writtenBy").reference(),
        ]
    )
    assert result.total_count == 5
    assert result.properties["year"] == AggregateInteger(minimum=1815, maximum=1984)
    available = result.properties["available"]
    assert isinstance(available, AggregateBoolean) and available.total_true == 3
    assert result.properties["published"] == AggregateDate(
        maximum=datetime(1984, 7, 1, tzinfo=timezone.utc)
    )
    assert result.properties["writtenBy"] == AggregateReference(_beacons(name, ADA, BOB))
    grouped = await books.aggregate.over_all(
        group_by="genre", filters=Filter.by_property("price").less_than(5.0)
    )
    assert {(g.grouped_by.value, g.total_count) for g in grouped.groups} == {
        ("classic", 1),
        ("scifi", 1),
    }


async def test_async_vector_searches(
    weaviate_client: WeaviateClient,
    async_weaviate_client: AsyncWeaviateClient,
    collection_name: str,
) -> None:
    name = _create_library(weaviate_client, collection_name)
    books = async_weaviate_client.collections.get(name)
    assert await books.length() == 5
    near = await books.aggregate.near_vector([0.0, 1.0], object_limit=2, group_by="genre")
    assert [(g.grouped_by.value, g.total_count) for g in near.groups] == [("classic", 2)]
    obj = await books.aggregate.near_object(BOOK_IDS[0], object_limit=3)
    assert obj.total_count == 3
    hybrid = await books.aggregate.hybrid("emma", alpha=0.0, vector=[1.0, 0.0], object_limit=5)
    assert hybrid.total_count == 1
    with pytest.raises(errors.ServerError, match="nearText"):
        await books.aggregate.near_text("x", object_limit=1)
    with pytest.raises(errors.QueryError):
        await books.aggregate.near_image(b"x")
