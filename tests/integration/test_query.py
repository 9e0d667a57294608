"""collection.query against a real Weaviate server (sync)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import pytest

from tests.integration.query_data import (
    ARTICLE_IDS,
    ARTICLES,
    AUTHOR_IDS,
    create_library,
    insert,
)
from weavorm.engine import WeaviateClient
from weavorm.engine.boost import Boost
from weavorm.engine.collection import Collection
from weavorm.engine.filters import Filter
from weavorm.engine.options import (
    BM25Operator,
    Diversity,
    GroupBy,
    HybridFusion,
    HybridVector,
    MetadataQuery,
    Move,
    QueryNested,
    QueryReference,
    Rerank,
    Sort,
)
from weavorm.engine.results import GeoCoordinate, GroupByResult, PhoneNumber
from weavorm.errors import NotFoundError, QueryError, UnprocessableError

pytestmark = pytest.mark.integration


@pytest.fixture
def articles(
    weaviate_client: WeaviateClient, collection_name: str, inference_server: Any
) -> Collection:
    _, article = create_library(weaviate_client, collection_name, inference_server.url)
    return weaviate_client.collections.get(article)


def titles(result: Any) -> list[str]:
    return [o.properties["title"] for o in result.objects]


# ----------------------------------------------------------------------------- fetch


def test_fetch_objects_limit_offset(articles: Collection) -> None:
    everything = articles.query.fetch_objects()
    assert len(everything.objects) == len(ARTICLES)
    assert {o.uuid for o in everything.objects} == set(ARTICLE_IDS)
    assert all(o.collection == articles.name for o in everything.objects)
    page = articles.query.fetch_objects(limit=2, offset=1, sort=Sort.by_property("year"))
    assert [o.properties["year"] for o in page.objects] == [2003, 2010]


def test_fetch_objects_sort(articles: Collection) -> None:
    down = articles.query.fetch_objects(sort=Sort.by_property("year", ascending=False))
    assert [o.properties["year"] for o in down.objects] == sorted(
        (a[2] for a in ARTICLES), reverse=True
    )
    multi = articles.query.fetch_objects(
        sort=Sort.by_property("published").by_property("score", ascending=False)
    )
    keys = [(o.properties["published"], -o.properties["score"]) for o in multi.objects]
    assert keys == sorted(keys)
    by_id = articles.query.fetch_objects(sort=Sort.by_id(ascending=False))
    assert [o.uuid for o in by_id.objects] == sorted(ARTICLE_IDS, reverse=True)


def test_fetch_objects_after_cursor(articles: Collection) -> None:
    first = articles.query.fetch_objects(limit=2, after=None)
    ordered = sorted(ARTICLE_IDS)
    assert [o.uuid for o in first.objects] == ordered[:2]
    rest = articles.query.fetch_objects(limit=10, after=first.objects[-1].uuid)
    assert [o.uuid for o in rest.objects] == ordered[2:]


def test_fetch_object_by_id(articles: Collection) -> None:
    obj = articles.query.fetch_object_by_id(ARTICLE_IDS[2], include_vector=True)
    assert obj is not None
    assert obj.uuid == ARTICLE_IDS[2]
    assert obj.properties["title"] == "Neural search"
    assert isinstance(obj.metadata.creation_time, datetime)
    assert obj.metadata.last_update_time is not None
    assert len(obj.vector["default"]) == 64
    assert articles.query.fetch_object_by_id(UUID(int=1)) is None
    assert articles.query.fetch_object_by_id(str(ARTICLE_IDS[0])) is not None


def test_fetch_objects_by_ids(articles: Collection) -> None:
    wanted = [ARTICLE_IDS[0], ARTICLE_IDS[4], UUID(int=7)]
    result = articles.query.fetch_objects_by_ids(wanted)
    assert {o.uuid for o in result.objects} == {ARTICLE_IDS[0], ARTICLE_IDS[4]}
    assert articles.query.fetch_objects_by_ids([]).objects == []
    limited = articles.query.fetch_objects_by_ids(ARTICLE_IDS, limit=2, sort=Sort.by_id())
    assert [o.uuid for o in limited.objects] == sorted(ARTICLE_IDS)[:2]


# ----------------------------------------------------------------------------- return shape


def test_property_types_are_decoded(articles: Collection) -> None:
    obj = articles.query.fetch_object_by_id(ARTICLE_IDS[1])
    assert obj is not None
    p = obj.properties
    assert p["year"] == 2003 and isinstance(p["year"], int)
    assert p["score"] == 3.0 and isinstance(p["score"], float)
    assert p["published"] is False
    assert p["tags"] == ["food"]
    assert p["when"] == datetime.fromisoformat("2003-02-11T12:00:00+00:00")
    assert p["ref_id"] == AUTHOR_IDS[1]
    assert p["place"] == GeoCoordinate(latitude=53.5, longitude=13.4)
    assert isinstance(p["phone"], PhoneNumber) and p["phone"].input == "+49 30 1234567"
    assert p["counts"] == [1, 2]
    assert p["ratios"] == [0.5, 0.25]
    assert p["flags"] == [False]
    assert p["days"] == [datetime.fromisoformat("2003-01-01T00:00:00+00:00")]
    assert p["meta"] == {"pages": 20, "lang": "en", "source": {"name": "src1"}}
    assert p["sections"] == [{"heading": "intro 1"}, {"heading": "end"}]
    assert "author" not in p and "cites" not in p


def test_return_properties_subset_nested_and_none(articles: Collection) -> None:
    some = articles.query.fetch_objects(
        limit=1,
        return_properties=["title", QueryNested("meta", ["lang", QueryNested("source", "name")])],
    )
    assert some.objects[0].properties.keys() == {"title", "meta"}
    assert some.objects[0].properties["meta"].keys() == {"lang", "source"}
    none = articles.query.fetch_objects(limit=1, return_properties=False)
    assert none.objects[0].properties == {}
    assert articles.query.fetch_objects(limit=1, return_properties=[]).objects[0].properties == {}


def test_return_metadata(articles: Collection) -> None:
    result = articles.query.near_text(
        "vector search", limit=2, return_metadata=MetadataQuery.full()
    )
    meta = result.objects[0].metadata
    assert meta.distance is not None and 0 <= meta.distance < 1
    assert meta.certainty is not None and 0 < meta.certainty <= 1
    assert meta.creation_time is not None and meta.last_update_time is not None
    listed = articles.query.bm25("pasta", return_metadata=["score", "explain_score"])
    assert listed.objects[0].metadata.score is not None
    assert listed.objects[0].metadata.explain_score
    assert listed.objects[0].metadata.distance is None
    profiled = articles.query.near_text(
        "pasta", limit=1, return_metadata=MetadataQuery(query_profile=True)
    )
    assert profiled.query_profile is not None
    assert profiled.query_profile.shards[0].searches


def test_include_vector(articles: Collection) -> None:
    with_vec = articles.query.fetch_objects(limit=1, include_vector=True)
    assert list(with_vec.objects[0].vector) == ["default"]
    without = articles.query.fetch_objects(limit=1)
    assert without.objects[0].vector == {}


def test_return_references(weaviate_client: WeaviateClient, articles: Collection) -> None:
    author = articles.name.replace("Article", "Author")
    result = articles.query.fetch_objects(
        filters=Filter.by_id().equal(ARTICLE_IDS[4]),
        return_properties=["title"],
        return_references=[
            QueryReference(
                "author",
                return_properties=["name"],
                return_metadata=MetadataQuery(creation_time=True),
            ),
            QueryReference(
                "cites",
                target_collection=articles.name,
                return_properties=["title"],
                return_references=QueryReference("author", return_properties=["name"]),
            ),
        ],
    )
    obj = result.objects[0]
    (writer,) = obj.references["author"].objects
    assert writer.uuid == AUTHOR_IDS[1]
    assert writer.properties == {"name": "Alan Turing"}
    assert writer.collection == author
    assert writer.metadata.creation_time is not None
    cited = {o.properties["title"]: o for o in obj.references["cites"].objects}
    assert set(cited) == {"Vector databases", "Neural search"}
    assert cited["Neural search"].references["author"].objects[0].properties == {
        "name": "Ada Lovelace"
    }
    multi = articles.query.fetch_object_by_id(
        ARTICLE_IDS[5],
        return_references=QueryReference.multi_target("cites", author, include_vector=True),
    )
    assert multi is not None
    (ref,) = multi.references["cites"].objects
    assert ref.uuid == AUTHOR_IDS[2] and ref.collection == author
    assert ref.vector["default"] == [1.0, 2.0, 0.5]


# ----------------------------------------------------------------------------- searches


def test_near_text(articles: Collection) -> None:
    result = articles.query.near_text("pasta", limit=2)
    assert set(titles(result)) == {"Cooking pasta", "Pasta sauces"}
    close = articles.query.near_text(
        "pasta", distance=0.5, return_metadata=MetadataQuery(distance=True)
    )
    assert close.objects and all(o.metadata.distance <= 0.5 for o in close.objects)  # type: ignore[operator]
    sure = articles.query.near_text(
        "pasta", certainty=0.75, return_metadata=MetadataQuery(certainty=True)
    )
    assert all(o.metadata.certainty >= 0.75 for o in sure.objects)  # type: ignore[operator]

    def distances(**moves: Move) -> dict[str, float]:
        found = articles.query.near_text("search", return_metadata=["distance"], **moves)
        return {o.properties["title"]: o.metadata.distance for o in found.objects}  # type: ignore[misc]

    plain = distances()
    towards = distances(move_to=Move(1.0, concepts=["garden plants water"]))
    assert towards["Garden tips"] < plain["Garden tips"]
    away = distances(move_away=Move(0.5, objects=[ARTICLE_IDS[2]]))
    assert away["Neural search"] > plain["Neural search"]


def test_near_object(articles: Collection) -> None:
    result = articles.query.near_object(
        ARTICLE_IDS[1], limit=2, return_metadata=MetadataQuery(distance=True)
    )
    assert result.objects[0].uuid == ARTICLE_IDS[1]
    assert result.objects[0].metadata.distance == pytest.approx(0, abs=1e-5)


def test_bm25(articles: Collection) -> None:
    result = articles.query.bm25("pasta", return_metadata=MetadataQuery(score=True))
    assert set(titles(result)) == {"Cooking pasta", "Pasta sauces"}
    assert result.objects[0].metadata.score is not None
    only_body = articles.query.bm25("pasta", query_properties=["body"])
    assert titles(only_body) == ["Cooking pasta"]
    both = articles.query.bm25("vectors search", operator=BM25Operator.and_())
    assert set(titles(both)) == {"Vector databases", "Neural search"}
    any_two = articles.query.bm25(
        "vectors search nodes", operator=BM25Operator.or_(minimum_match=2)
    )
    assert set(titles(any_two)) == {"Vector databases", "Neural search", "Graph databases"}


def test_hybrid(articles: Collection) -> None:
    result = articles.query.hybrid("pasta", alpha=0.5, limit=2, return_metadata=["score"])
    assert set(titles(result)) == {"Cooking pasta", "Pasta sauces"}
    assert result.objects[0].metadata.score is not None
    ranked = articles.query.hybrid("pasta", fusion_type=HybridFusion.RANKED, limit=2)
    assert set(titles(ranked)) == {"Cooking pasta", "Pasta sauces"}
    keyword_only = articles.query.hybrid("water", alpha=0.0, query_properties=["body"])
    assert set(titles(keyword_only)) == {"Cooking pasta", "Garden tips"}
    sub_text = articles.query.hybrid(
        "databases", vector=HybridVector.near_text("garden plants"), alpha=1.0, limit=1
    )
    assert titles(sub_text) == ["Garden tips"]
    target = articles.query.fetch_object_by_id(ARTICLE_IDS[3], include_vector=True)
    assert target is not None
    sub_vector = articles.query.hybrid(
        None, vector=HybridVector.near_vector(target.vector["default"]), limit=1
    )
    assert sub_vector.objects[0].uuid == ARTICLE_IDS[3]
    raw_vector = articles.query.hybrid("", vector=target.vector["default"], alpha=1.0, limit=1)
    assert raw_vector.objects[0].uuid == ARTICLE_IDS[3]
    capped = articles.query.hybrid(
        "pasta", alpha=0.9, max_vector_distance=0.01, return_metadata=["score"]
    )
    assert len(capped.objects) < len(ARTICLES)


def test_group_by(articles: Collection) -> None:
    result = articles.query.near_text(
        "food",
        group_by=GroupBy("published", number_of_groups=2, objects_per_group=2),
        return_metadata=MetadataQuery(distance=True),
    )
    assert isinstance(result, GroupByResult)
    assert set(result.groups) == {"true", "false"}
    for name, group in result.groups.items():
        assert group.name == name
        assert 1 <= len(group.objects) <= 2
        assert group.number_of_objects == len(group.objects)
        assert group.min_distance <= group.max_distance
        assert all(o.belongs_to_group == name for o in group.objects)
    assert len(result.objects) == sum(len(g.objects) for g in result.groups.values())


def test_rerank(articles: Collection) -> None:
    result = articles.query.near_text(
        "databases", limit=3, rerank=Rerank("title", query="graph databases")
    )
    scores = [o.metadata.rerank_score for o in result.objects]
    assert all(s is not None for s in scores)
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert titles(result)[0] == "Graph databases"
    own_query = articles.query.bm25("pasta", rerank=Rerank("body"))
    assert all(o.metadata.rerank_score is not None for o in own_query.objects)


def test_auto_limit(articles: Collection) -> None:
    result = articles.query.near_text("pasta", auto_limit=1)
    assert 1 <= len(result.objects) < len(ARTICLES)


def test_boost_and_diversity(articles: Collection) -> None:
    boosted = articles.query.bm25(
        "databases",
        boost=Boost.filter(Filter.by_property("year").less_than(2016), weight=0.9),
    )
    assert titles(boosted)[0] == "Graph databases"
    blended = articles.query.near_text(
        "databases",
        limit=3,
        boost=Boost.blend(
            [Boost.numeric_property("score"), Boost.numeric_decay("year", origin=2000, scale=5)],
            weight=0.5,
            depth=10,
        ),
    )
    assert len(blended.objects) == 3
    diverse = articles.query.near_text(
        "databases", limit=3, diversity_selection=Diversity.mmr(limit=2, balance=0.5)
    )
    assert len(diverse.objects) == 2


def test_iterator(articles: Collection) -> None:
    seen = [o.uuid for o in articles.query.iterator(cache_size=4)]
    assert seen == sorted(ARTICLE_IDS)
    rest = list(articles.query.iterator(after=sorted(ARTICLE_IDS)[3], return_properties=["year"]))
    assert [o.uuid for o in rest] == sorted(ARTICLE_IDS)[4:]
    assert all(o.properties.keys() == {"year"} for o in rest)
    with pytest.raises(QueryError):
        articles.query.iterator(cache_size=0)


# ----------------------------------------------------------------------------- scope and errors


def test_missing_collection_is_not_found(weaviate_client: WeaviateClient) -> None:
    with pytest.raises(NotFoundError) as info:
        weaviate_client.collections.get("NoSuchCollection").query.fetch_objects()
    assert "NoSuchCollection" in info.value.message


def test_bad_filter_is_unprocessable(articles: Collection) -> None:
    with pytest.raises(UnprocessableError) as info:
        articles.query.fetch_objects(filters=Filter.by_property("nope").equal(1))
    assert "nope" in info.value.message
    with pytest.raises(UnprocessableError):
        articles.query.fetch_objects(filters=Filter.by_property("year").equal("x"))


def test_invalid_options_fail_before_sending(articles: Collection) -> None:
    with pytest.raises(QueryError):
        articles.query.fetch_objects(limit=-1)
    with pytest.raises(QueryError):
        articles.query.near_vector([])
    with pytest.raises(QueryError):
        articles.query.fetch_objects(return_metadata=["nope"])


def test_tenant_and_consistency(weaviate_client: WeaviateClient, collection_name: str) -> None:
    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "none",
            "multiTenancyConfig": {"enabled": True},
            "properties": [{"name": "n", "dataType": ["int"]}],
        }
    )
    weaviate_client.raw.request(
        "POST",
        f"/v1/schema/{collection_name}/tenants",
        json=[{"name": "t1"}, {"name": "t2"}],
    )
    insert(
        weaviate_client,
        [{"class": collection_name, "tenant": "t1", "properties": {"n": i}} for i in range(3)]
        + [{"class": collection_name, "tenant": "t2", "properties": {"n": 9}}],
    )
    col = weaviate_client.collections.get(collection_name)
    t1 = col.with_tenant("t1").with_consistency_level("ALL")
    assert sorted(o.properties["n"] for o in t1.query.fetch_objects().objects) == [0, 1, 2]
    quorum = col.with_tenant("t2").with_consistency_level("QUORUM")
    assert [o.properties["n"] for o in quorum.query.fetch_objects().objects] == [9]
    assert len(list(col.with_tenant("t1").query.iterator(cache_size=2))) == 3
    with pytest.raises(NotFoundError):
        col.with_tenant("nobody").query.fetch_objects()
    with pytest.raises(UnprocessableError):
        col.query.fetch_objects()
