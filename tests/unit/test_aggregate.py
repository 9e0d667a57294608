"""Aggregate: metrics builders, request building and reply parsing (no server)."""

from __future__ import annotations

import base64
import inspect
import struct
import uuid
from collections.abc import Generator
from datetime import datetime, timezone
from typing import Any

import pytest

from weavorm._proto.v1 import aggregate_pb2, base_pb2, base_search_pb2
from weavorm.engine._protocol import aggregate as ops
from weavorm.engine._protocol.aggregate_search import (
    hybrid_proto,
    near_image_proto,
    near_object_proto,
    near_text_proto,
    near_vector_proto,
)
from weavorm.engine._protocol.calls import GrpcCall
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine.aggregate import AggregateNamespace, AsyncAggregateNamespace
from weavorm.engine.aggregate_types import (
    AggregateBoolean,
    AggregateDate,
    AggregateGroupByResult,
    AggregateInteger,
    AggregateNumber,
    AggregateReference,
    AggregateResult,
    AggregateReturn,
    AggregateText,
    BooleanMetrics,
    DateMetrics,
    GroupByAggregate,
    GroupedBy,
    GroupedByGeo,
    IntegerMetrics,
    Metrics,
    NumberMetrics,
    ReferenceMetrics,
    TextMetrics,
    TopOccurrence,
)
from weavorm.engine.filters import Filter
from weavorm.engine.options import BM25Operator, HybridVector, Move
from weavorm.errors import QueryError

Req = aggregate_pb2.AggregateRequest
Reply = aggregate_pb2.AggregateReply
RAgg = aggregate_pb2.AggregateReply.Aggregations.Aggregation
CTX = CollectionContext("Book")


# --- metrics builders --------------------------------------------------------------------------


def test_metrics_with_no_flags_request_everything() -> None:
    assert Metrics("t").text() == TextMetrics("t", True, True, True, None)
    assert Metrics("i").integer() == IntegerMetrics("i", *(True,) * 7)
    assert Metrics("n").number() == NumberMetrics("n", *(True,) * 7)
    assert Metrics("b").boolean() == BooleanMetrics("b", *(True,) * 5)
    assert Metrics("d").date_() == DateMetrics("d", *(True,) * 5)
    assert Metrics("d").date() == Metrics("d").date_()
    assert Metrics("r").reference() == ReferenceMetrics("r", pointing_to=True)


def test_metrics_flags_are_kept() -> None:
    m = Metrics("year").integer(sum_=True, mean=True)
    assert (m.sum_, m.mean, m.count, m.maximum) == (True, True, False, False)
    t = Metrics("title").text(top_occurrences_value=True, limit=3)
    assert (t.count, t.top_occurrences_value, t.limit) == (False, True, 3)
    assert Metrics("x").property_name == "x"


@pytest.mark.parametrize("limit", [0, -1, 1.5, True, "3"])
def test_text_limit_must_be_positive_int(limit: Any) -> None:
    with pytest.raises(QueryError, match="limit"):
        Metrics("t").text(limit=limit)


def test_metrics_need_a_property_name() -> None:
    with pytest.raises(QueryError, match="property name"):
        Metrics("")


def test_metrics_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        Metrics("y").integer(True)  # type: ignore[call-arg]


def test_group_by_aggregate_validates() -> None:
    assert GroupByAggregate(prop="genre", limit=2).limit == 2
    with pytest.raises(QueryError, match="group_by"):
        GroupByAggregate(prop="")
    with pytest.raises(QueryError, match=r"group_by\.limit"):
        GroupByAggregate(prop="g", limit=0)


# --- request building --------------------------------------------------------------------------


def test_aggregations_proto_for_every_kind() -> None:
    aggs = ops.aggregations_proto(
        [
            Metrics("title").text(count=True, limit=4),
            Metrics("year").integer(sum_=True, mode=True),
            Metrics("price").number(mean=True, median=True, minimum=True, maximum=True),
            Metrics("ok").boolean(total_true=True, percentage_false=True),
            Metrics("at").date_(median=True, minimum=True),
            Metrics("author").reference(),
        ]
    )
    kinds = [a.WhichOneof("aggregation") for a in aggs]
    assert kinds == ["text", "int", "number", "boolean", "date", "reference"]
    assert [a.property for a in aggs] == ["title", "year", "price", "ok", "at", "author"]
    text, integer, number, boolean, date, ref = aggs
    assert text.text.count and not text.text.top_occurences
    assert text.text.top_occurences_limit == 4
    assert integer.int.sum and integer.int.mode and not integer.int.mean
    assert number.number.mean and number.number.median and number.number.minimum
    assert number.number.maximum and not number.number.sum
    assert boolean.boolean.total_true and boolean.boolean.percentage_false
    assert not boolean.boolean.count
    assert date.date.median and date.date.minimum and not date.date.maximum
    assert ref.reference.pointing_to


def test_text_without_limit_leaves_it_unset() -> None:
    (agg,) = ops.aggregations_proto([Metrics("t").text(top_occurrences_count=True)])
    assert agg.text.top_occurences and not agg.text.HasField("top_occurences_limit")


def test_build_request_over_all() -> None:
    ctx = CTX.with_tenant("tenantA")
    request = ops.build_request(
        ctx,
        return_metrics=Metrics("year").integer(),
        filters=Filter.by_property("year").greater_than(2000),
        group_by=GroupByAggregate(prop="genre", limit=7),
        total_count=True,
    )
    assert request.collection == "Book"
    assert request.tenant == "tenantA"
    assert request.objects_count is True
    assert len(request.aggregations) == 1
    assert request.group_by.property == "genre"
    assert request.group_by.collection == "Book"
    assert request.limit == 7
    assert request.filters.operator == base_pb2.Filters.OPERATOR_GREATER_THAN
    assert request.filters.value_int == 2000
    assert request.WhichOneof("search") is None
    assert not request.HasField("object_limit")


def test_build_request_defaults() -> None:
    request = ops.build_request(CTX)
    assert request.objects_count and not request.aggregations
    assert not request.HasField("group_by") and not request.HasField("filters")
    assert not request.HasField("limit") and request.tenant == ""


def test_build_request_group_by_string_and_filters_proto_passthrough() -> None:
    raw = base_pb2.Filters(operator=base_pb2.Filters.OPERATOR_EQUAL, value_text="x")
    request = ops.build_request(CTX, group_by="genre", filters=raw, total_count=False)
    assert request.group_by.property == "genre" and not request.HasField("limit")
    assert request.filters == raw
    assert request.objects_count is False


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"return_metrics": "year"}, "return_metrics"),
        ({"return_metrics": ["year"]}, "return_metrics"),
        ({"group_by": 3}, "group_by"),
        ({"total_count": "yes"}, "total_count"),
        ({"object_limit": 0}, "object_limit"),
        ({"filters": "year > 3"}, "Filter"),
    ],
)
def test_build_request_rejects_bad_options(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(QueryError, match=match):
        ops.build_request(CTX, **kwargs)


def _floats(data: bytes) -> list[float]:
    return list(struct.unpack(f"<{len(data) // 4}f", data))


def test_near_vector_proto_packs_float32() -> None:
    message = near_vector_proto([1.0, 0.5], certainty=0.7)
    (vec,) = message.vectors
    assert vec.type == base_pb2.Vectors.VECTOR_TYPE_SINGLE_FP32
    assert _floats(vec.vector_bytes) == [1.0, 0.5]
    assert message.certainty == pytest.approx(0.7)
    assert not message.HasField("distance") and not message.HasField("targets")


def test_near_vector_proto_multi_and_named() -> None:
    multi = near_vector_proto([[1.0, 2.0], [3.0, 4.0]], distance=0.3)
    assert multi.vectors[0].type == base_pb2.Vectors.VECTOR_TYPE_MULTI_FP32
    assert struct.unpack("<H", multi.vectors[0].vector_bytes[:2]) == (2,)
    assert multi.distance == pytest.approx(0.3)
    named = near_vector_proto({"title_vec": [0.1, 0.2]})
    assert list(named.targets.target_vectors) == ["title_vec"]
    assert named.vector_for_targets[0].name == "title_vec"
    targeted = near_vector_proto([0.1], target_vector=["body"])
    assert list(targeted.targets.target_vectors) == ["body"]


@pytest.mark.parametrize(
    ("vector", "kwargs", "match"),
    [
        ([], {}, "empty"),
        ("abc", {}, "near_vector"),
        ({"a": [1.0], "b": [2.0]}, {}, "one named vector"),
        ([1.0], {"target_vector": ["a", "b"]}, "one named vector"),
        ([1.0], {"certainty": 1.5}, "certainty"),
        ([1.0], {"distance": "far"}, "distance"),
    ],
)
def test_near_vector_proto_rejects(vector: Any, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(QueryError, match=match):
        near_vector_proto(vector, **kwargs)


def test_near_object_text_image_protos() -> None:
    oid = uuid.uuid4()
    obj = near_object_proto(oid, distance=0.1, target_vector="v")
    assert obj.id == str(oid) and list(obj.targets.target_vectors) == ["v"]
    with pytest.raises(QueryError, match="UUID"):
        near_object_proto("not-a-uuid")
    text = near_text_proto(
        ["space", "opera"],
        certainty=0.5,
        move_to=Move(0.5, concepts="war"),
        move_away=Move(0.25, objects=[oid]),
    )
    assert list(text.query) == ["space", "opera"]
    assert list(text.move_to.concepts) == ["war"] and text.move_to.force == 0.5
    assert list(text.move_away.uuids) == [str(oid)]
    assert list(near_text_proto("one").query) == ["one"]
    with pytest.raises(QueryError, match="near_text"):
        near_text_proto([])
    with pytest.raises(QueryError, match="move_to"):
        near_text_proto("x", move_to={"force": 1})  # type: ignore[arg-type]
    image = near_image_proto(b"\x89PNG", certainty=0.5)
    assert base64.b64decode(image.image) == b"\x89PNG"


def test_hybrid_proto() -> None:
    message = hybrid_proto(
        "space",
        alpha=0.25,
        vector=[1.0, 0.0],
        query_properties=["title"],
        bm25_operator=BM25Operator.or_(minimum_match=2),
        target_vector="v",
        max_vector_distance=0.4,
    )
    assert message.query == "space" and message.use_alpha_param
    assert message.alpha_param == pytest.approx(0.25)
    assert list(message.properties) == ["title"]
    assert _floats(message.near_vector.vectors[0].vector_bytes) == [1.0, 0.0]
    assert list(message.targets.target_vectors) == ["v"]
    assert (
        message.bm25_search_operator.operator == base_search_pb2.SearchOperatorOptions.OPERATOR_OR
    )
    assert message.bm25_search_operator.minimum_or_tokens_match == 2
    assert message.vector_distance == pytest.approx(0.4)
    vector_only = hybrid_proto(None, vector={"v": [1.0]}, bm25_operator="and")
    assert vector_only.alpha_param == 1.0 and list(vector_only.targets.target_vectors) == ["v"]
    assert (
        vector_only.bm25_search_operator.operator
        == base_search_pb2.SearchOperatorOptions.OPERATOR_AND
    )
    plain = hybrid_proto("q")
    assert not plain.HasField("alpha_param") and not plain.HasField("near_vector")


def test_hybrid_proto_sub_searches() -> None:
    text = hybrid_proto("q", vector=HybridVector.near_text("space", distance=0.5))
    assert list(text.near_text.query) == ["space"] and text.near_text.distance == 0.5
    assert not text.HasField("near_vector")
    vec = hybrid_proto(None, vector=HybridVector.near_vector({"v": [1.0]}, certainty=0.25))
    assert vec.near_vector.certainty == 0.25
    assert list(vec.targets.target_vectors) == ["v"]


def test_count_op() -> None:
    op = ops.count(CTX.with_tenant("t"))
    call = next(op)
    assert isinstance(call, GrpcCall) and isinstance(call.request, Req)
    assert call.request.objects_count and call.request.tenant == "t"
    with pytest.raises(StopIteration) as stop:
        op.send(Reply(single_result=Reply.Single(objects_count=12)))
    assert stop.value.value == 12


@pytest.mark.parametrize(
    ("query", "kwargs", "match"),
    [
        (None, {}, "query, a vector"),
        (3, {}, "text"),
        ("q", {"alpha": 2}, "alpha"),
        ("q", {"bm25_operator": "xor"}, "bm25_operator"),
        ("q", {"query_properties": [""]}, "query_properties"),
    ],
)
def test_hybrid_proto_rejects(query: Any, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(QueryError, match=match):
        hybrid_proto(query, **kwargs)


def test_vector_searches_need_a_bound_before_io() -> None:
    with pytest.raises(QueryError, match="certainty, distance or object_limit"):
        ops.near_vector(CTX, [1.0])
    with pytest.raises(QueryError, match="certainty, distance or object_limit"):
        ops.near_text(CTX, "x")
    with pytest.raises(QueryError, match="certainty, distance or object_limit"):
        ops.near_object(CTX, uuid.uuid4())
    with pytest.raises(QueryError, match="certainty, distance or object_limit"):
        ops.near_image(CTX, b"x")
    with pytest.raises(QueryError, match="object_limit or max_vector_distance"):
        ops.hybrid(CTX, "x")


def _first_call(op: Generator[Any, Any, Any]) -> Any:
    call = next(op)
    op.close()
    return call


def test_ops_yield_one_aggregate_call_with_the_search() -> None:
    oid = uuid.uuid4()
    cases = {
        "near_vector": ops.near_vector(CTX, [1.0], object_limit=3, group_by="g"),
        "near_text": ops.near_text(CTX, "x", certainty=0.5),
        "near_object": ops.near_object(CTX, oid, distance=0.2),
        "near_image": ops.near_image(CTX, b"img", object_limit=1),
        "hybrid": ops.hybrid(CTX, "x", object_limit=5),
    }
    for field, op in cases.items():
        call = _first_call(op)
        assert isinstance(call, GrpcCall)
        assert call.method == "Aggregate" and call.reply_type is Reply
        assert call.request.WhichOneof("search") == field
    call = _first_call(ops.near_vector(CTX, [1.0], object_limit=3, group_by="g"))
    assert call.request.object_limit == 3 and call.request.group_by.property == "g"
    over = _first_call(ops.over_all(CTX))
    assert over.request.WhichOneof("search") is None


# --- reply parsing ---------------------------------------------------------------------------


def _aggregations(*aggs: RAgg) -> Reply.Aggregations:
    return Reply.Aggregations(aggregations=list(aggs))


def _all_kinds() -> Reply.Aggregations:
    text = RAgg.Text(count=3)
    text.top_occurences.items.add(value="Dune", occurs=2)
    text.top_occurences.items.add(value="Emma", occurs=1)
    return _aggregations(
        RAgg(property="title", text=text),
        RAgg(property="year", int=RAgg.Integer(count=3, sum=6000, mean=2000.5, median=2000)),
        RAgg(property="price", number=RAgg.Number(maximum=9.5, minimum=1.25, mode=1.25)),
        RAgg(
            property="ok",
            boolean=RAgg.Boolean(total_true=2, total_false=1, percentage_true=2 / 3),
        ),
        RAgg(
            property="at",
            date=RAgg.Date(count=2, minimum="2001-02-03T04:05:06.123456789Z", maximum="bad"),
        ),
        RAgg(property="author", reference=RAgg.Reference(pointing_to=["Author"])),
    )


def test_parse_single_result_every_kind() -> None:
    reply = Reply(single_result=Reply.Single(objects_count=3, aggregations=_all_kinds()))
    result = ops.parse_reply(reply, grouped=False)
    assert isinstance(result, AggregateResult) and AggregateReturn is AggregateResult
    assert result.total_count == 3
    props = result.properties
    assert props["title"] == AggregateText(
        count=3, top_occurrences=[TopOccurrence("Dune", 2), TopOccurrence("Emma", 1)]
    )
    assert props["year"] == AggregateInteger(count=3, sum_=6000, mean=2000.5, median=2000.0)
    assert props["price"] == AggregateNumber(maximum=9.5, minimum=1.25, mode=1.25)
    ok = props["ok"]
    assert isinstance(ok, AggregateBoolean) and ok.total_true == 2 and ok.total_false == 1
    assert ok.percentage_true == pytest.approx(2 / 3) and ok.percentage_false is None
    at = props["at"]
    assert isinstance(at, AggregateDate)
    assert at.minimum == datetime(2001, 2, 3, 4, 5, 6, 123456, tzinfo=timezone.utc)
    assert at.maximum is None and at.median is None and at.count == 2
    assert props["author"] == AggregateReference(pointing_to=["Author"])


def test_parse_single_without_count_or_metrics() -> None:
    result = ops.parse_reply(Reply(single_result=Reply.Single()), grouped=False)
    assert result == AggregateResult(total_count=None, properties={})


def test_unknown_metric_kind_is_a_query_error() -> None:
    reply = Reply(single_result=Reply.Single(aggregations=_aggregations(RAgg(property="x"))))
    with pytest.raises(QueryError, match="'x'"):
        ops.parse_reply(reply, grouped=False)


def _group(value: dict[str, Any], count: int | None = 1) -> Reply.Group:
    grouped_by = Reply.Group.GroupedBy(path=["p"], **value)
    group = Reply.Group(grouped_by=grouped_by, aggregations=_all_kinds())
    if count is not None:
        group.objects_count = count
    return group


def test_parse_grouped_values_of_every_kind() -> None:
    values: list[tuple[dict[str, Any], Any]] = [
        ({"text": "scifi"}, "scifi"),
        ({"int": 7}, 7),
        ({"boolean": False}, False),
        ({"number": 1.5}, 1.5),
        ({"texts": base_pb2.TextArray(values=["a", "b"])}, ["a", "b"]),
        ({"ints": base_pb2.IntArray(values=[1, 2])}, [1, 2]),
        ({"numbers": base_pb2.NumberArray(values=[0.5])}, [0.5]),
        ({"booleans": base_pb2.BooleanArray(values=[True])}, [True]),
        ({"geo": base_pb2.GeoCoordinatesFilter(latitude=1.5, longitude=2.5)}, None),
        ({}, None),
    ]
    reply = Reply(grouped_results=Reply.Grouped(groups=[_group(v) for v, _ in values]))
    result = ops.parse_reply(reply, grouped=True)
    assert isinstance(result, AggregateGroupByResult)
    assert len(result.groups) == len(values)
    for group, (_, expected) in zip(result.groups, values, strict=True):
        assert group.total_count == 1
        assert group.grouped_by.prop == "p"
        if expected is not None:
            assert group.grouped_by == GroupedBy("p", expected)
        assert set(group.properties) == {"title", "year", "price", "ok", "at", "author"}
    assert result.groups[8].grouped_by.value == GroupedByGeo(latitude=1.5, longitude=2.5)
    assert result.groups[9].grouped_by.value is None
    prop, value = result.groups[0].grouped_by
    assert (prop, value) == ("p", "scifi")


def test_parse_grouped_without_counts() -> None:
    reply = Reply(grouped_results=Reply.Grouped(groups=[_group({"text": "x"}, count=None)]))
    result = ops.parse_reply(reply, grouped=True)
    assert isinstance(result, AggregateGroupByResult)
    assert result.groups[0].total_count is None


# --- reference metrics -------------------------------------------------------------------------


def test_unfiltered_reference_metrics_send_a_match_all_filter() -> None:
    request = ops.build_request(CTX, return_metrics=[Metrics("writtenBy").reference()])
    assert request.filters == ops.match_all_filter()
    assert request.filters.operator == base_pb2.Filters.OPERATOR_OR
    assert {f.target.property for f in request.filters.filters} == {"_id"}
    # with a filter, a search or a grouping the server computes them itself
    own = Filter.by_property("year").greater_than(1)
    filtered = ops.build_request(CTX, return_metrics=Metrics("r").reference(), filters=own)
    assert filtered.filters.operator == base_pb2.Filters.OPERATOR_GREATER_THAN
    grouped = ops.build_request(CTX, return_metrics=Metrics("r").reference(), group_by="g")
    assert not grouped.HasField("filters")
    searched = ops.build_request(
        CTX,
        return_metrics=Metrics("r").reference(),
        search=("near_vector", near_vector_proto([1.0])),
        object_limit=1,
    )
    assert not searched.HasField("filters")
    assert not ops.build_request(CTX, return_metrics=Metrics("y").integer()).HasField("filters")


def test_reference_beacons_are_sorted() -> None:
    ref = RAgg.Reference(pointing_to=["weaviate://localhost/A/2", "weaviate://localhost/A/1"])
    reply = Reply(
        single_result=Reply.Single(aggregations=_aggregations(RAgg(property="r", reference=ref)))
    )
    result = ops.parse_reply(reply, grouped=False)
    assert isinstance(result, AggregateResult)
    assert result.properties["r"] == AggregateReference(
        pointing_to=["weaviate://localhost/A/1", "weaviate://localhost/A/2"]
    )


# --- facades ---------------------------------------------------------------------------------


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def test_async_namespace_mirrors_sync() -> None:
    sync, asyn = _public(AggregateNamespace), _public(AsyncAggregateNamespace)
    assert set(sync) == {
        "over_all",
        "near_vector",
        "near_text",
        "near_object",
        "near_image",
        "hybrid",
    }
    assert sync.keys() == asyn.keys()
    for name, sig in sync.items():
        assert list(sig.parameters) == list(asyn[name].parameters), name
        assert inspect.iscoroutinefunction(getattr(AsyncAggregateNamespace, name)), name
        options = [p for p in sig.parameters.values() if p.default is not inspect.Parameter.empty]
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in options), name


class _FakeDriver:
    """Runs an operation against canned replies (one per call)."""

    grpc_max_message_size = 1 << 20

    def __init__(self, *replies: Any) -> None:
        self.replies = list(replies)
        self.calls: list[Any] = []

    def run(self, op: Generator[Any, Any, Any]) -> Any:
        try:
            call = next(op)
            while True:
                self.calls.append(call)
                call = op.send(self.replies.pop(0))
        except StopIteration as stop:
            return stop.value


def test_sync_facade_runs_the_operation() -> None:
    reply = Reply(single_result=Reply.Single(objects_count=4))
    driver = _FakeDriver(reply)
    ns = AggregateNamespace(driver, CTX.with_tenant("t1"))  # type: ignore[arg-type]
    result = ns.near_vector([0.5, 0.5], object_limit=2)
    assert result == AggregateResult(total_count=4)
    assert driver.calls[0].request.tenant == "t1"
    assert driver.calls[0].request.object_limit == 2
