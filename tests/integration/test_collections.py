"""Collections and their configuration, created from builders, on the real server."""

from __future__ import annotations

import pytest

from weavorm import errors
from weavorm.config import (
    DataType,
    InvertedIndex,
    MultiTenancy,
    Property,
    Reconfigure,
    ReferenceProperty,
    Tokenization,
    VectorIndex,
    Vectorizer,
    Vectors,
)
from weavorm.engine import AsyncWeaviateClient, WeaviateClient

pytestmark = pytest.mark.integration


def test_create_with_builders_round_trip(weaviate_client: WeaviateClient) -> None:
    weaviate_client.collections.create(
        "ColTarget", properties=[Property("name", DataType.TEXT)], vectorizer=Vectorizer.none()
    )
    articles = weaviate_client.collections.create(
        "ColArticle",
        description="articles",
        properties=[
            Property("title", DataType.TEXT, tokenization=Tokenization.WORD),
            Property("slug", DataType.TEXT, tokenization=Tokenization.FIELD),
            Property("year", DataType.INT, index_range_filters=True),
            Property(
                "meta",
                DataType.OBJECT,
                nested_properties=[Property("source", DataType.TEXT)],
            ),
        ],
        references=[ReferenceProperty("target", "ColTarget")],
        vectorizer=Vectorizer.none(),
        vector_index=VectorIndex.hnsw(distance="dot", ef_construction=64),
        inverted_index=InvertedIndex(index_timestamps=True, bm25_b=0.7),
    )
    view = articles.config.get()
    props = {p.name: p for p in view.properties}
    assert props["slug"].tokenization == Tokenization.FIELD
    assert props["year"].index_range_filters is True
    assert props["meta"].nested_properties is not None
    assert view.description == "articles"
    assert view.inverted_index is not None and view.inverted_index.bm25_b == pytest.approx(0.7)
    with pytest.raises(errors.ConflictError):
        weaviate_client.collections.create("ColTarget", vectorizer=Vectorizer.none())
    with pytest.raises(errors.ConfigError, match="tokenization"):
        weaviate_client.collections.create(
            "ColBad", properties=[Property("n", DataType.INT, tokenization=Tokenization.WORD)]
        )


def test_collections_lifecycle(weaviate_client: WeaviateClient) -> None:
    cols = weaviate_client.collections
    cols.create("ColOne", vectorizer=Vectorizer.none())
    cols.create("ColTwo", vectorizer=Vectorizer.none())
    assert cols.exists("ColOne") and cols.get("ColOne").exists()
    assert {"ColOne", "ColTwo"} <= set(cols.list_dicts())
    exported = cols.export_dict("ColOne")
    cols.delete("ColOne")
    assert not cols.exists("ColOne")
    exported["class"] = "ColOneCopy"
    cols.create_from_dict(exported)
    assert cols.exists("ColOneCopy")
    cols.delete_all()
    assert cols.list_dicts() == {}


def test_config_update_add_property_reference_vector(weaviate_client: WeaviateClient) -> None:
    col = weaviate_client.collections.create(
        "ColConf",
        properties=[Property("title", DataType.TEXT)],
        vectors=[Vectors.self_provided("main")],
        inverted_index=InvertedIndex(bm25_b=0.75),
        multi_tenancy=None,
    )
    col.config.update(inverted_index=Reconfigure.inverted_index(bm25_b=0.5, bm25_k1=1.1))
    col.config.add_property(Property("year", DataType.INT))
    col.config.add_reference(ReferenceProperty("self_ref", "ColConf"))
    col.config.add_vector(Vectors.self_provided("extra"))
    view = col.config.get()
    assert view.inverted_index is not None
    assert view.inverted_index.bm25_b == pytest.approx(0.5)
    assert {p.name for p in view.properties} >= {"title", "year"}
    assert {r.name for r in view.references} == {"self_ref"}
    assert {v.name for v in view.vectors or ()} == {"main", "extra"}


def test_shards(weaviate_client: WeaviateClient) -> None:
    col = weaviate_client.collections.create("ColShards", vectorizer=Vectorizer.none())
    shards = col.config.get_shards()
    assert shards and shards[0]["status"] == "READY"
    col.config.update_shards("READONLY")
    assert {s["status"] for s in col.config.get_shards()} == {"READONLY"}
    col.config.update_shards("READY")
    assert {s["status"] for s in col.config.get_shards()} == {"READY"}


def test_iterator(weaviate_client: WeaviateClient) -> None:
    col = weaviate_client.collections.create(
        "ColIter", properties=[Property("n", DataType.INT)], vectorizer=Vectorizer.none()
    )
    result = col.data.insert_many([{"n": i} for i in range(333)])
    assert not result.has_errors
    seen = [o.properties["n"] for o in col.iterator(cache_size=50)]
    assert sorted(seen) == list(range(333))


async def test_async_collections(async_weaviate_client: AsyncWeaviateClient) -> None:
    col = await async_weaviate_client.collections.create(
        "ColAsync",
        properties=[Property("n", DataType.INT)],
        vectorizer=Vectorizer.none(),
        multi_tenancy=MultiTenancy(enabled=False),
    )
    assert await col.exists()
    await col.config.add_property(Property("m", DataType.TEXT))
    view = await col.config.get()
    assert {p.name for p in view.properties} == {"n", "m"}
    await col.data.insert_many([{"n": i} for i in range(120)])
    seen = [o.properties["n"] async for o in col.iterator(cache_size=50)]
    assert sorted(seen) == list(range(120))
