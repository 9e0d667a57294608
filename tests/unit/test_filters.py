"""Filter builders and their translation to weaviate.v1.Filters."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from weavorm._proto.v1 import base_pb2
from weavorm.engine._protocol.filters import filter_to_grpc
from weavorm.engine.filters import (
    CountTarget,
    Filter,
    FilterAnd,
    FilterCondition,
    FilterNot,
    FilterOperator,
    FilterOr,
    PropertyTarget,
    ReferenceTarget,
)
from weavorm.errors import QueryError

F = base_pb2.Filters
U1 = UUID("12345678-1234-5678-1234-567812345678")
U2 = UUID(int=2)


def grpc(expr: Any) -> base_pb2.Filters:
    return filter_to_grpc(expr)


@pytest.mark.parametrize(
    ("method", "operator"),
    [
        ("equal", F.OPERATOR_EQUAL),
        ("not_equal", F.OPERATOR_NOT_EQUAL),
        ("less_than", F.OPERATOR_LESS_THAN),
        ("less_or_equal", F.OPERATOR_LESS_THAN_EQUAL),
        ("greater_than", F.OPERATOR_GREATER_THAN),
        ("greater_or_equal", F.OPERATOR_GREATER_THAN_EQUAL),
    ],
)
def test_comparison_operators(method: str, operator: int) -> None:
    msg = grpc(getattr(Filter.by_property("year"), method)(2000))
    assert msg.operator == operator
    assert msg.target.property == "year"
    assert msg.WhichOneof("test_value") == "value_int"
    assert msg.value_int == 2000


@pytest.mark.parametrize(
    ("value", "field", "expected"),
    [
        (7, "value_int", 7),
        (-(2**63), "value_int", -(2**63)),
        (2.5, "value_number", 2.5),
        (True, "value_boolean", True),
        (False, "value_boolean", False),
        ("text", "value_text", "text"),
        (U1, "value_text", str(U1)),
        (
            datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
            "value_text",
            "2024-01-02T03:04:05.000000+00:00",
        ),
        (datetime(2024, 1, 2, 3, 4, 5), "value_text", "2024-01-02T03:04:05.000000+00:00"),
        (
            datetime(2024, 1, 2, tzinfo=timezone(timedelta(hours=2))),
            "value_text",
            "2024-01-02T00:00:00.000000+02:00",
        ),
    ],
)
def test_scalar_values(value: Any, field: str, expected: Any) -> None:
    msg = grpc(Filter.by_property("p").equal(value))
    assert msg.WhichOneof("test_value") == field
    assert getattr(msg, field) == expected


@pytest.mark.parametrize(
    ("values", "field", "expected"),
    [
        ([1, 2], "value_int_array", [1, 2]),
        ([1, 2.5], "value_number_array", [1.0, 2.5]),
        ([0.5], "value_number_array", [0.5]),
        ([True, False], "value_boolean_array", [True, False]),
        (["a", "b"], "value_text_array", ["a", "b"]),
        ((U1, str(U2)), "value_text_array", [str(U1), str(U2)]),
        (
            [datetime(2020, 1, 1), datetime(2021, 1, 1, tzinfo=timezone.utc)],
            "value_text_array",
            ["2020-01-01T00:00:00.000000+00:00", "2021-01-01T00:00:00.000000+00:00"],
        ),
    ],
)
def test_list_values(values: Any, field: str, expected: list[Any]) -> None:
    msg = grpc(Filter.by_property("p").contains_any(values))
    assert msg.operator == F.OPERATOR_CONTAINS_ANY
    assert msg.WhichOneof("test_value") == field
    assert list(getattr(msg, field).values) == expected
    assert grpc(Filter.by_property("p").equal(values)).WhichOneof("test_value") == field


def test_contains_and_other_operators() -> None:
    assert grpc(Filter.by_property("t").contains_all(["a"])).operator == F.OPERATOR_CONTAINS_ALL
    assert grpc(Filter.by_property("t").contains_none(["a"])).operator == F.OPERATOR_CONTAINS_NONE
    like = grpc(Filter.by_property("t").like("ab*"))
    assert (like.operator, like.value_text) == (F.OPERATOR_LIKE, "ab*")
    null = grpc(Filter.by_property("t").is_none())
    assert (null.operator, null.value_boolean) == (F.OPERATOR_IS_NULL, True)
    assert grpc(Filter.by_property("t").is_none(False)).value_boolean is False
    geo = grpc(Filter.by_property("place").within_geo_range(52.5, 13.25, 1000))
    assert geo.operator == F.OPERATOR_WITHIN_GEO_RANGE
    assert (geo.value_geo.latitude, geo.value_geo.longitude, geo.value_geo.distance) == (
        52.5,
        13.25,
        1000.0,
    )


def test_length_id_time_and_count_targets() -> None:
    assert grpc(Filter.by_property("tags", length=True).equal(0)).target.property == "len(tags)"
    by_id = grpc(Filter.by_id().equal(str(U1)))
    assert (by_id.target.property, by_id.value_text) == ("_id", str(U1))
    ids = grpc(Filter.by_id().contains_any([U1, U2]))
    assert list(ids.value_text_array.values) == [str(U1), str(U2)]
    assert grpc(Filter.by_id().contains_none([U1])).operator == F.OPERATOR_CONTAINS_NONE
    assert grpc(Filter.by_id().not_equal(U1)).operator == F.OPERATOR_NOT_EQUAL
    when = datetime(2020, 5, 6, tzinfo=timezone.utc)
    created = grpc(Filter.by_creation_time().greater_than(when))
    assert created.target.property == "_creationTimeUnix"
    assert created.value_text == "2020-05-06T00:00:00.000000+00:00"
    updated = grpc(Filter.by_update_time().contains_any([when]))
    assert updated.target.property == "_lastUpdateTimeUnix"
    assert list(updated.value_text_array.values) == ["2020-05-06T00:00:00.000000+00:00"]
    for method in ("equal", "not_equal", "less_than", "less_or_equal", "greater_or_equal"):
        assert grpc(getattr(Filter.by_update_time(), method)(when)).value_text
    assert grpc(Filter.by_creation_time().contains_none([when])).operator == (
        F.OPERATOR_CONTAINS_NONE
    )
    count = grpc(Filter.by_ref_count("cites").greater_than(1))
    assert count.target.count.on == "cites"
    assert (count.operator, count.value_int) == (F.OPERATOR_GREATER_THAN, 1)
    for method in ("equal", "not_equal", "less_than", "less_or_equal", "greater_or_equal"):
        assert grpc(getattr(Filter.by_ref_count("c"), method)(2)).value_int == 2


def test_reference_paths() -> None:
    single = grpc(Filter.by_ref("author").by_property("name").equal("Ada"))
    assert single.target.single_target.on == "author"
    assert single.target.single_target.target.property == "name"
    multi = grpc(Filter.by_ref_multi_target("cites", "article").by_property("year").equal(1))
    assert multi.target.multi_target.on == "cites"
    assert multi.target.multi_target.target_collection == "Article"
    assert multi.target.multi_target.target.property == "year"
    hops = grpc(
        Filter.by_ref("a").by_ref_multi_target("b", "C").by_ref("d").by_id().equal(U1)
    ).target
    assert hops.single_target.on == "a"
    assert hops.single_target.target.multi_target.on == "b"
    assert hops.single_target.target.multi_target.target.single_target.on == "d"
    assert hops.single_target.target.multi_target.target.single_target.target.property == "_id"
    count = grpc(Filter.by_ref("a").by_ref_count("b").equal(0)).target
    assert count.single_target.target.count.on == "b"
    times = grpc(Filter.by_ref("a").by_creation_time().less_than(datetime(2020, 1, 1))).target
    assert times.single_target.target.property == "_creationTimeUnix"
    upd = grpc(Filter.by_ref("a").by_update_time().less_than(datetime(2020, 1, 1))).target
    assert upd.single_target.target.property == "_lastUpdateTimeUnix"
    length = grpc(Filter.by_ref("a").by_property("t", length=True).equal(3)).target
    assert length.single_target.target.property == "len(t)"


def test_builders_are_immutable() -> None:
    base = Filter.by_ref("a")
    one = base.by_property("x").equal(1)
    two = base.by_ref("b").by_property("y").equal(2)
    assert grpc(one).target.single_target.target.property == "x"
    assert grpc(two).target.single_target.target.single_target.target.property == "y"
    prop = Filter.by_property("p")
    assert prop.equal(1) == prop.equal(1)
    assert prop.equal(1) != prop.equal(2)
    assert hash(prop.equal(1)) == hash(prop.equal(1))


def test_combinators() -> None:
    a = Filter.by_property("a").equal(1)
    b = Filter.by_property("b").equal(2)
    c = Filter.by_property("c").equal(3)
    both = a & b & c
    assert isinstance(both, FilterAnd) and len(both.filters) == 3
    msg = grpc(both)
    assert msg.operator == F.OPERATOR_AND
    assert [f.target.property for f in msg.filters] == ["a", "b", "c"]
    either = grpc((a | b) | c)
    assert either.operator == F.OPERATOR_OR and len(either.filters) == 3
    negated = grpc(~(a | b))
    assert negated.operator == F.OPERATOR_NOT
    assert negated.filters[0].operator == F.OPERATOR_OR
    mixed = grpc(a & (b | ~c))
    assert [f.operator for f in mixed.filters] == [F.OPERATOR_EQUAL, F.OPERATOR_OR]
    assert Filter.all_of([a]) is a
    assert isinstance(Filter.all_of([a, b]), FilterAnd)
    assert isinstance(Filter.any_of([a, b]), FilterOr)
    assert isinstance(Filter.not_(a), FilterNot)
    assert "year" in repr(Filter.by_property("year").greater_than(2000) & ~a)


def test_condition_fields() -> None:
    cond = Filter.by_ref_count("r").equal(1)
    assert isinstance(cond, FilterCondition)
    assert cond.target == CountTarget("r")
    assert cond.operator is FilterOperator.EQUAL
    ref = Filter.by_ref("r").by_property("p").equal("x")
    assert ref.target == ReferenceTarget("r", PropertyTarget("p"))


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: Filter.by_property("p").equal({"a": 1}), "equal: unsupported value {'a': 1}"),
        (lambda: Filter.by_property("p").greater_than(object()), "greater_than"),
        (lambda: Filter.by_property("p").less_than(None), "less_than: unsupported value None"),
        (lambda: Filter.by_property("p").equal([1, "a"]), "mixes kinds"),
        (lambda: Filter.by_property("p").equal([True, 1]), "mixes kinds"),
        (lambda: Filter.by_property("p").equal([]), "empty list"),
        (lambda: Filter.by_property("p").equal(float("nan")), "finite"),
        (lambda: Filter.by_property("p").equal(2**64), "64 bits"),
        (lambda: Filter.by_property("p").equal(b"x"), "bytes"),
        (lambda: Filter.by_property("p").equal({1, 2}), "set"),
        (lambda: Filter.by_property("p").contains_any([]), "at least one value"),
        (lambda: Filter.by_property("p").contains_all("abc"), "expected a list"),
        (lambda: Filter.by_property("p").like(3), "like: expected a str"),
        (lambda: Filter.by_property("p").is_none("yes"), "is_none"),
        (lambda: Filter.by_property("p").within_geo_range(91, 0, 1), "latitude"),
        (lambda: Filter.by_property("p").within_geo_range(0, 0, "far"), "distance"),
        (lambda: Filter.by_property(""), "property name"),
        (lambda: Filter.by_property("p", length="yes"), "length"),  # type: ignore[arg-type]
        (lambda: Filter.by_id().equal("not-a-uuid"), "not a UUID"),
        (lambda: Filter.by_id().contains_any(["x"]), "not a UUID"),
        (lambda: Filter.by_creation_time().equal("2020-01-01"), "expected a datetime"),
        (lambda: Filter.by_update_time().contains_any(["2020"]), "expected datetimes"),
        (lambda: Filter.by_ref_count("r").equal(-1), "count >= 0"),
        (lambda: Filter.by_ref(""), "link_on"),
        (lambda: Filter.by_ref_multi_target("r", ""), "target_collection"),
        (lambda: Filter.by_property("p").equal(1) & 3, "both sides must be filters"),
        (lambda: Filter.all_of([]), "at least one value"),
        (lambda: Filter.any_of([1]), "any_of"),
        (lambda: Filter.by_property("p").equal(Path("x")), "PosixPath"),
    ],
)
def test_bad_values_raise_query_error(build: Any, fragment: str) -> None:
    with pytest.raises(QueryError) as info:
        build()
    assert fragment in str(info.value)


def test_error_names_the_full_builder() -> None:
    with pytest.raises(QueryError) as info:
        Filter.by_ref("author").by_property("born").greater_than({"x": 1})
    assert "Filter.by_ref('author').by_property('born').greater_than" in str(info.value)


def test_not_a_filter() -> None:
    with pytest.raises(QueryError):
        filter_to_grpc("year > 2000")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Filter()
