"""Every filter operator against a real server."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from tests.integration.query_data import ARTICLE_IDS, AUTHOR_IDS, create_library
from weavorm.engine import WeaviateClient
from weavorm.engine.collection import Collection
from weavorm.engine.filters import Filter, FilterExpression

pytestmark = pytest.mark.integration


@pytest.fixture
def articles(
    weaviate_client: WeaviateClient, collection_name: str, inference_server: Any
) -> Collection:
    _, article = create_library(weaviate_client, collection_name, inference_server.url)
    return weaviate_client.collections.get(article)


def matching(col: Collection, where: FilterExpression) -> set[int]:
    """Indexes (into ARTICLES) of the objects matching ``where``."""
    result = col.query.fetch_objects(filters=where, return_properties=[])
    return {ARTICLE_IDS.index(o.uuid) for o in result.objects}


CASES: list[tuple[str, Callable[[str], FilterExpression], set[int]]] = [
    ("equal int", lambda c: Filter.by_property("year").equal(2003), {1}),
    ("not_equal", lambda c: Filter.by_property("year").not_equal(2003), {0, 2, 3, 4, 5}),
    ("less_than", lambda c: Filter.by_property("year").less_than(2010), {1, 3}),
    ("less_or_equal", lambda c: Filter.by_property("year").less_or_equal(2010), {1, 3, 5}),
    ("greater_than", lambda c: Filter.by_property("year").greater_than(2015), {0, 2}),
    ("greater_or_equal", lambda c: Filter.by_property("year").greater_or_equal(2015), {0, 2, 4}),
    ("equal float", lambda c: Filter.by_property("score").equal(4.5), {0}),
    ("float vs int", lambda c: Filter.by_property("score").greater_than(4), {0, 2, 5}),
    ("equal bool", lambda c: Filter.by_property("published").equal(False), {1, 4}),
    ("equal text", lambda c: Filter.by_property("title").equal("pasta"), {1, 5}),
    ("like", lambda c: Filter.by_property("title").like("*sauce?"), {5}),
    ("like prefix", lambda c: Filter.by_property("body").like("veC*"), {0, 2}),
    ("is_none", lambda c: Filter.by_property("subtitle").is_none(True), {3}),
    ("is_not_none", lambda c: Filter.by_property("subtitle").is_none(False), {0, 1, 2, 4, 5}),
    (
        "contains_any text[]",
        lambda c: Filter.by_property("tags").contains_any(["ml", "home"]),
        {0, 2, 3},
    ),
    (
        "contains_all text[]",
        lambda c: Filter.by_property("tags").contains_all(["food", "italian"]),
        {5},
    ),
    (
        "contains_none text[]",
        lambda c: Filter.by_property("tags").contains_none(["db", "food"]),
        {2, 3},
    ),
    ("contains_any int[]", lambda c: Filter.by_property("counts").contains_any([5, 6]), {4, 5}),
    (
        "contains_all number[]",
        lambda c: Filter.by_property("ratios").contains_all([0.25, 1.0]),
        {2},
    ),
    ("contains_any bool[]", lambda c: Filter.by_property("flags").contains_any([True]), {0, 2, 4}),
    ("equal uuid", lambda c: Filter.by_property("ref_id").equal(AUTHOR_IDS[2]), {3, 5}),
    (
        "contains_any uuid",
        lambda c: Filter.by_property("ref_id").contains_any([AUTHOR_IDS[0], AUTHOR_IDS[2]]),
        {0, 2, 3, 5},
    ),
    (
        "date greater",
        lambda c: Filter.by_property("when").greater_than(
            datetime(2015, 1, 1, tzinfo=timezone.utc)
        ),
        {0, 2, 4},
    ),
    (
        "naive date is UTC",
        lambda c: Filter.by_property("when").less_than(datetime(2003, 2, 11, 12)),
        {3},
    ),
    (
        "date[] contains",
        lambda c: Filter.by_property("days").contains_any(
            [datetime(2019, 1, 1, tzinfo=timezone.utc), datetime(1999, 1, 1)]
        ),
        {0, 3},
    ),
    ("geo", lambda c: Filter.by_property("place").within_geo_range(52.5, 13.4, 120_000), {0, 1}),
    ("length text", lambda c: Filter.by_property("title", length=True).greater_than(15), {0}),
    ("length array", lambda c: Filter.by_property("tags", length=True).equal(1), {1, 3, 4}),
    ("by_id equal", lambda c: Filter.by_id().equal(ARTICLE_IDS[2]), {2}),
    ("by_id not_equal", lambda c: Filter.by_id().not_equal(str(ARTICLE_IDS[2])), {0, 1, 3, 4, 5}),
    ("by_id contains_any", lambda c: Filter.by_id().contains_any(ARTICLE_IDS[:2]), {0, 1}),
    ("by_id contains_none", lambda c: Filter.by_id().contains_none(ARTICLE_IDS[:5]), {5}),
    ("by_ref", lambda c: Filter.by_ref("author").by_property("name").equal("Ada Lovelace"), {0, 2}),
    ("by_ref id", lambda c: Filter.by_ref("author").by_id().equal(AUTHOR_IDS[1]), {1, 4}),
    ("by_ref_count", lambda c: Filter.by_ref_count("cites").greater_or_equal(2), {4, 5}),
    ("by_ref_count zero", lambda c: Filter.by_ref_count("cites").equal(0), {0, 1, 3}),
    (
        "multi target",
        lambda c: Filter.by_ref_multi_target("cites", c).by_property("year").equal(2019),
        {2, 4},
    ),
    (
        "multi hop",
        lambda c: (
            Filter.by_ref_multi_target("cites", c)
            .by_ref("author")
            .by_property("name")
            .equal("Ada Lovelace")
        ),
        {2, 4},
    ),
    (
        "and",
        lambda c: (
            Filter.by_property("published").equal(True) & Filter.by_property("year").less_than(2015)
        ),
        {3, 5},
    ),
    (
        "or",
        lambda c: Filter.by_property("year").equal(2003) | Filter.by_property("year").equal(1999),
        {1, 3},
    ),
    ("not", lambda c: ~Filter.by_property("published").equal(True), {1, 4}),
    (
        "nested",
        lambda c: (
            (
                Filter.by_property("tags").contains_any(["db"])
                | Filter.by_property("score").less_than(3)
            )
            & ~Filter.by_property("year").equal(2019)
        ),
        {3, 4},
    ),
    (
        "all_of / any_of",
        lambda c: Filter.all_of(
            [
                Filter.any_of([Filter.by_property("year").less_than(2005)]),
                Filter.by_property("published").equal(True),
            ]
        ),
        {3},
    ),
]


@pytest.mark.parametrize(("case", "where", "expected"), CASES, ids=[c[0] for c in CASES])
def test_filter(
    articles: Collection, case: str, where: Callable[[str], FilterExpression], expected: set[int]
) -> None:
    assert matching(articles, where(articles.name)) == expected, case


def test_time_filters(articles: Collection) -> None:
    now = datetime.now(timezone.utc)
    created = articles.query.fetch_objects(filters=Filter.by_creation_time().less_or_equal(now))
    assert len(created.objects) == len(ARTICLE_IDS)
    future = articles.query.fetch_objects(
        filters=Filter.by_update_time().greater_than(now + timedelta(days=1))
    )
    assert future.objects == []
    one = articles.query.fetch_object_by_id(ARTICLE_IDS[0])
    assert one is not None and one.metadata.creation_time is not None
    exact = articles.query.fetch_objects(
        filters=Filter.by_creation_time().equal(one.metadata.creation_time)
    )
    assert ARTICLE_IDS[0] in {o.uuid for o in exact.objects}
    listed = articles.query.fetch_objects(
        filters=Filter.by_creation_time().contains_any([one.metadata.creation_time])
    )
    assert ARTICLE_IDS[0] in {o.uuid for o in listed.objects}


def test_filters_with_searches(articles: Collection) -> None:
    where = Filter.by_property("year").greater_or_equal(2010)
    for result in (
        articles.query.near_text("pasta", filters=where),
        articles.query.bm25("pasta", filters=where),
        articles.query.hybrid("pasta", filters=where),
        articles.query.near_object(ARTICLE_IDS[0], filters=where),
    ):
        assert {o.properties["year"] for o in result.objects} <= {2010, 2015, 2019, 2021}
        assert result.objects
    unknown = UUID(int=42)
    assert articles.query.fetch_objects(filters=Filter.by_id().equal(unknown)).objects == []
