"""collection.query on the async client against a real server (same rows as the sync tests)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from tests.integration.query_data import (
    ARTICLE_IDS,
    ARTICLES,
    AUTHOR_IDS,
    PNG_1PX,
    create_library,
    create_vectors,
    insert,
)
from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.engine.boost import Boost
from weavorm.engine.collection import AsyncCollection
from weavorm.engine.filters import Filter
from weavorm.engine.options import (
    BM25Operator,
    Diversity,
    GroupBy,
    HybridFusion,
    HybridVector,
    MetadataQuery,
    Move,
    NearMediaType,
    QueryNested,
    QueryReference,
    Rerank,
    Sort,
    TargetVectors,
)
from weavorm.engine.results import GroupByResult
from weavorm.errors import NotFoundError, QueryError, UnprocessableError

pytestmark = pytest.mark.integration


@pytest.fixture
def articles(
    weaviate_client: WeaviateClient,
    async_weaviate_client: AsyncWeaviateClient,
    collection_name: str,
    inference_server: Any,
) -> AsyncCollection:
    _, article = create_library(weaviate_client, collection_name, inference_server.url)
    return async_weaviate_client.collections.get(article)


@pytest.fixture
def vectors(
    weaviate_client: WeaviateClient,
    async_weaviate_client: AsyncWeaviateClient,
    collection_name: str,
) -> AsyncCollection:
    create_vectors(weaviate_client, collection_name)
    return async_weaviate_client.collections.get(collection_name)


def titles(result: Any) -> list[str]:
    return [o.properties["title"] for o in result.objects]


async def test_fetch_objects(articles: AsyncCollection) -> None:
    everything = await articles.query.fetch_objects()
    assert {o.uuid for o in everything.objects} == set(ARTICLE_IDS)
    page = await articles.query.fetch_objects(
        limit=2, offset=1, sort=Sort.by_property("year").by_property("title")
    )
    assert [o.properties["year"] for o in page.objects] == [2003, 2010]
    first = await articles.query.fetch_objects(limit=2)
    rest = await articles.query.fetch_objects(after=first.objects[-1].uuid)
    assert [o.uuid for o in first.objects + rest.objects] == sorted(ARTICLE_IDS)
    filtered = await articles.query.fetch_objects(
        filters=Filter.by_property("tags").contains_any(["food"])
    )
    assert set(titles(filtered)) == {"Cooking pasta", "Pasta sauces"}


async def test_fetch_by_ids(articles: AsyncCollection) -> None:
    obj = await articles.query.fetch_object_by_id(ARTICLE_IDS[0], include_vector=True)
    assert obj is not None and obj.metadata.creation_time is not None
    assert len(obj.vector["default"]) == 64
    assert await articles.query.fetch_object_by_id(UUID(int=5)) is None
    some = await articles.query.fetch_objects_by_ids(ARTICLE_IDS[1:3])
    assert {o.uuid for o in some.objects} == set(ARTICLE_IDS[1:3])
    assert (await articles.query.fetch_objects_by_ids([])).objects == []


async def test_return_shape(articles: AsyncCollection) -> None:
    result = await articles.query.fetch_objects(
        filters=Filter.by_id().equal(ARTICLE_IDS[4]),
        return_properties=["title", QueryNested("meta", "pages")],
        return_metadata=MetadataQuery(creation_time=True),
        return_references=QueryReference("author", return_properties=["name"]),
    )
    (obj,) = result.objects
    assert obj.properties == {"title": "Graph databases", "meta": {"pages": 50}}
    assert obj.metadata.creation_time is not None
    assert obj.references["author"].uuids == [AUTHOR_IDS[1]]


async def test_searches(articles: AsyncCollection) -> None:
    assert set(titles(await articles.query.near_text("pasta", limit=2))) == {
        "Cooking pasta",
        "Pasta sauces",
    }
    plain = await articles.query.near_text("search", return_metadata=["distance"])
    moved = await articles.query.near_text(
        "search",
        return_metadata=["distance"],
        move_to=Move(1.0, concepts="garden plants water"),
        move_away=Move(0.5, objects=ARTICLE_IDS[2]),
    )
    before = {o.properties["title"]: o.metadata.distance for o in plain.objects}
    after = {o.properties["title"]: o.metadata.distance for o in moved.objects}
    assert after["Garden tips"] < before["Garden tips"]  # type: ignore[operator]
    assert after["Neural search"] > before["Neural search"]  # type: ignore[operator]
    near = await articles.query.near_object(ARTICLE_IDS[1], limit=1)
    assert near.objects[0].uuid == ARTICLE_IDS[1]
    keyword = await articles.query.bm25(
        "vectors search", query_properties=["body"], operator=BM25Operator.and_()
    )
    assert set(titles(keyword)) == {"Vector databases", "Neural search"}
    hybrid = await articles.query.hybrid(
        "pasta", alpha=0.5, fusion_type=HybridFusion.RELATIVE_SCORE, limit=2
    )
    assert set(titles(hybrid)) == {"Cooking pasta", "Pasta sauces"}
    sub = await articles.query.hybrid(
        "databases", vector=HybridVector.near_text("garden plants"), alpha=1.0, limit=1
    )
    assert titles(sub) == ["Garden tips"]
    cut = await articles.query.near_text("pasta", auto_limit=1)
    assert 1 <= len(cut.objects) < len(ARTICLES)


async def test_group_by_rerank_boost(articles: AsyncCollection) -> None:
    grouped = await articles.query.near_object(
        ARTICLE_IDS[0],
        group_by=GroupBy("published", number_of_groups=2, objects_per_group=3),
    )
    assert isinstance(grouped, GroupByResult)
    assert set(grouped.groups) == {"true", "false"}
    reranked = await articles.query.near_text(
        "databases", limit=3, rerank=Rerank("title", query="graph databases")
    )
    assert titles(reranked)[0] == "Graph databases"
    assert reranked.objects[0].metadata.rerank_score is not None
    boosted = await articles.query.bm25(
        "databases", boost=Boost.filter(Filter.by_property("year").less_than(2016), weight=0.9)
    )
    assert titles(boosted)[0] == "Graph databases"
    diverse = await articles.query.near_text(
        "databases", limit=3, diversity_selection=Diversity.mmr(limit=2)
    )
    assert len(diverse.objects) == 2


async def test_vectors(vectors: AsyncCollection) -> None:
    named = await vectors.query.near_vector([0.0, 1.0, 0.0], target_vector="a", limit=1)
    assert named.objects[0].properties["label"] == "y"
    multi = await vectors.query.near_vector(
        {"a": [0.0, 0.0, 1.0], "b": [1.0, 1.0, 0.0]},
        target_vector=TargetVectors.manual_weights({"a": 1.0, "b": 0.5}),
        limit=1,
    )
    assert multi.objects[0].properties["label"] == "z"
    colbert = await vectors.query.near_vector(
        [[0.0, 0.0, 1.0], [0.5, 0.5, 0.5]], target_vector="m", limit=1, include_vector=["m"]
    )
    assert colbert.objects[0].vector["m"] == [[0.0, 0.0, 1.0], [0.5, 0.5, 0.5]]
    hybrid = await vectors.query.hybrid(None, vector=[1.0, 0.0, 0.0], target_vector="a", limit=1)
    assert hybrid.objects[0].properties["label"] == "x"
    with pytest.raises(UnprocessableError):
        await vectors.query.near_image(PNG_1PX, target_vector="a")
    with pytest.raises(UnprocessableError):
        await vectors.query.near_media(PNG_1PX, NearMediaType.VIDEO, target_vector="a")


async def test_iterator(articles: AsyncCollection) -> None:
    seen = [o.uuid async for o in articles.query.iterator(cache_size=4, include_vector=True)]
    assert seen == sorted(ARTICLE_IDS)
    rest = [o.uuid async for o in articles.query.iterator(after=sorted(ARTICLE_IDS)[4])]
    assert rest == sorted(ARTICLE_IDS)[5:]
    with pytest.raises(QueryError):
        articles.query.iterator(cache_size=-1)


async def test_errors(
    async_weaviate_client: AsyncWeaviateClient, articles: AsyncCollection
) -> None:
    with pytest.raises(NotFoundError):
        await async_weaviate_client.collections.get("NoSuchThing").query.fetch_objects()
    with pytest.raises(UnprocessableError) as info:
        await articles.query.bm25("x", filters=Filter.by_property("nope").equal(1))
    assert "nope" in info.value.message
    with pytest.raises(QueryError):
        await articles.query.near_text("")


async def test_tenant_and_consistency(
    weaviate_client: WeaviateClient,
    async_weaviate_client: AsyncWeaviateClient,
    collection_name: str,
) -> None:
    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "none",
            "multiTenancyConfig": {"enabled": True},
            "properties": [{"name": "n", "dataType": ["int"]}],
        }
    )
    weaviate_client.raw.request(
        "POST", f"/v1/schema/{collection_name}/tenants", json=[{"name": "a"}, {"name": "b"}]
    )
    insert(
        weaviate_client,
        [{"class": collection_name, "tenant": "a", "properties": {"n": 1}, "vector": [1.0, 0.0]}],
    )
    col = async_weaviate_client.collections.get(collection_name)
    scoped = col.with_tenant("a").with_consistency_level("ONE")
    assert [o.properties["n"] for o in (await scoped.query.fetch_objects()).objects] == [1]
    near = await scoped.query.near_vector([1.0, 0.0])
    assert len(near.objects) == 1
    assert (await col.with_tenant("b").query.fetch_objects()).objects == []
    with pytest.raises(NotFoundError):
        await col.with_tenant("zzz").query.fetch_objects()
