"""Option types of searches: validation and immutability."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import pytest

from weavorm.engine import (
    BM25Operator,
    Boost,
    Diversity,
    Filter,
    GenerativeConfig,
    GroupBy,
    HybridVector,
    MetadataQuery,
    Move,
    NearVector,
    QueryNested,
    QueryReference,
    Rerank,
    Sort,
    TargetVectors,
)
from weavorm.engine.boost import BoostCurve
from weavorm.errors import QueryError


def test_metadata_query() -> None:
    assert MetadataQuery.of(["distance", "score"]) == MetadataQuery(distance=True, score=True)
    full = MetadataQuery.full()
    assert full.distance and full.is_consistent and not full.query_profile
    with pytest.raises(QueryError):
        MetadataQuery.of(["distance", "colour"])
    with pytest.raises(QueryError):
        MetadataQuery(distance="yes")  # type: ignore[arg-type]


def test_sorting_chains_are_immutable() -> None:
    base = Sort.by_property("a")
    longer = base.by_property("b", ascending=False)
    assert [s.prop for s in base.sorts] == ["a"]
    assert [(s.prop, s.ascending) for s in longer.sorts] == [("a", True), ("b", False)]
    assert [s.prop for s in Sort.by_id().by_update_time().by_creation_time().sorts] == [
        "_id",
        "_lastUpdateTimeUnix",
        "_creationTimeUnix",
    ]
    with pytest.raises(QueryError):
        Sort.by_property("")
    with pytest.raises(QueryError):
        Sort.by_property("a", ascending="desc")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Sort()


@pytest.mark.parametrize(
    "build",
    [
        lambda: GroupBy("", number_of_groups=1, objects_per_group=1),
        lambda: GroupBy("p", number_of_groups=0, objects_per_group=1),
        lambda: GroupBy("p", number_of_groups=1, objects_per_group=True),
        lambda: Rerank(""),
        lambda: Rerank("p", query=3),
        lambda: QueryNested("meta", []),
        lambda: QueryNested("meta", [3]),
        lambda: QueryReference(""),
        lambda: QueryReference("r", target_collection=""),
        lambda: Move(0.5),
        lambda: Move("strong", concepts="x"),
        lambda: Move(0.5, objects=["nope"]),
        lambda: TargetVectors.sum([]),
        lambda: TargetVectors.manual_weights({}),
        lambda: TargetVectors.relative_score({"a": "heavy"}),
        lambda: NearVector.list_of_vectors(),
        lambda: HybridVector.near_text(""),
        lambda: Diversity.mmr(balance=2),
        lambda: Diversity.mmr(limit=0),
        lambda: BM25Operator.or_(minimum_match=-1),
        lambda: Boost.time_decay("d", scale=""),
        lambda: Boost.time_decay("d", scale=timedelta(0)),
        lambda: Boost.numeric_decay("n", origin="x", scale=1),
        lambda: Boost.numeric_property("n", weight=float("inf")),
        lambda: Boost.filter(Filter.by_property("a").equal(1), depth=0),
        lambda: Boost.blend([]),
    ],
)
def test_invalid_options(build: object) -> None:
    with pytest.raises(QueryError):
        build()  # type: ignore[operator]


def test_move_and_targets() -> None:
    move = Move(0.5, objects=UUID(int=1), concepts="x")
    assert move.objects == (str(UUID(int=1)),) and move.concepts == ("x",)
    weights = TargetVectors.manual_weights({"a": [1, 2], "b": 3})
    assert weights.target_vectors == ("a", "a", "b") and weights.weights == (1.0, 2.0, 3.0)
    assert TargetVectors.minimum("a").target_vectors == ("a",)


def test_boost_durations_and_origins() -> None:
    spec = Boost.time_decay(
        "when",
        scale=timedelta(hours=36),
        offset=timedelta(minutes=90),
        origin=datetime(2020, 1, 1),
        curve=BoostCurve.LINEAR,
    )
    decay = spec.conditions[0].time_decay
    assert decay is not None
    assert (decay.scale, decay.offset) == ("36h", "90m")
    assert decay.origin == "2020-01-01T00:00:00+00:00"
    assert Boost.time_decay("w", scale=timedelta(days=2)).conditions[0].time_decay.scale == "2d"  # type: ignore[union-attr]
    assert Boost.time_decay("w", scale=timedelta(seconds=5)).conditions[0].time_decay.scale == "5s"  # type: ignore[union-attr]
    blend = Boost.blend([Boost.numeric_property("a", weight=2.0), Boost.numeric_property("b")])
    assert [c.weight for c in blend.conditions] == [2.0, None]


def test_namespaces_cannot_be_instantiated() -> None:
    for cls in (Filter, Sort, TargetVectors, HybridVector, BM25Operator, Boost, GenerativeConfig):
        with pytest.raises(TypeError):
            cls()
