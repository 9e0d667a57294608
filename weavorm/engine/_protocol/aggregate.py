"""Aggregations over gRPC ``Aggregate``: request building, reply parsing, operations.

Every operation validates its input before any I/O (``QueryError`` naming the bad
option), builds one ``AggregateRequest`` and turns the ``AggregateReply`` into an
:class:`~weavorm.engine.aggregate_types.AggregateResult` or, with ``group_by``, an
:class:`~weavorm.engine.aggregate_types.AggregateGroupByResult`.

The Aggregate RPC has no consistency level: aggregations read whatever the local
replicas hold. The tenant comes from the collection handle.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias
from uuid import UUID

from weavorm._proto.v1 import aggregate_pb2, base_pb2
from weavorm.engine._protocol.aggregate_search import (
    Bm25Operator,
    Number,
    TargetVector,
    hybrid_proto,
    near_image_proto,
    near_object_proto,
    near_text_proto,
    near_vector_proto,
)
from weavorm.engine._protocol.calls import Operation, grpc
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.filters import filter_to_grpc
from weavorm.engine._protocol.media import MediaInput
from weavorm.engine._protocol.ops_common import parse_datetime
from weavorm.engine.aggregate_types import (
    METRICS_TYPES,
    AggregateBoolean,
    AggregateDate,
    AggregateGroup,
    AggregateGroupByResult,
    AggregateInteger,
    AggregateNumber,
    AggregatePropertyResult,
    AggregateReference,
    AggregateResult,
    AggregateText,
    BooleanMetrics,
    DateMetrics,
    GroupByAggregate,
    GroupedBy,
    GroupedByGeo,
    GroupedByValue,
    IntegerMetrics,
    NumberMetrics,
    PropertyMetrics,
    ReferenceMetrics,
    TextMetrics,
    TopOccurrence,
)
from weavorm.engine.filters import FilterExpression
from weavorm.engine.options import Move
from weavorm.errors import QueryError

__all__ = [
    "AggregateOutcome",
    "FilterArg",
    "GroupBy",
    "Metric",
    "aggregations_proto",
    "build_request",
    "count",
    "filters_proto",
    "group_by_option",
    "match_all_filter",
    "hybrid",
    "metrics_list",
    "near_image",
    "near_object",
    "near_text",
    "near_vector",
    "over_all",
    "parse_reply",
]

Req = aggregate_pb2.AggregateRequest
Agg = aggregate_pb2.AggregateRequest.Aggregation
Reply = aggregate_pb2.AggregateReply
ReplyAgg = aggregate_pb2.AggregateReply.Aggregations.Aggregation

AggregateOutcome: TypeAlias = AggregateResult | AggregateGroupByResult
Metric: TypeAlias = PropertyMetrics | Sequence[PropertyMetrics] | None
GroupBy: TypeAlias = str | GroupByAggregate | None
FilterArg: TypeAlias = FilterExpression | base_pb2.Filters | None


# --- validation of options ----------------------------------------------------------------


def metrics_list(return_metrics: Metric) -> list[PropertyMetrics]:
    """Normalise ``return_metrics`` to a list, rejecting anything that is not metrics.

    Raises:
        QueryError: for an entry that was not built with :class:`Metrics`.
    """
    if return_metrics is None:
        return []
    if isinstance(return_metrics, METRICS_TYPES):
        return [return_metrics]
    if isinstance(return_metrics, (str, bytes)) or not isinstance(return_metrics, Sequence):
        raise QueryError(
            "return_metrics must be metrics built with Metrics(...) or a list of them, "
            f"got {return_metrics!r}"
        )
    out: list[PropertyMetrics] = []
    for item in return_metrics:
        if not isinstance(item, METRICS_TYPES):
            raise QueryError(
                f"return_metrics entries must be built with Metrics(...), got {item!r}"
            )
        out.append(item)
    return out


def group_by_option(group_by: GroupBy) -> GroupByAggregate | None:
    """``group_by`` as a :class:`GroupByAggregate` (a string names the property)."""
    if group_by is None or isinstance(group_by, GroupByAggregate):
        return group_by
    if isinstance(group_by, str):
        return GroupByAggregate(prop=group_by)
    raise QueryError(f"group_by must be a property name or GroupByAggregate, got {group_by!r}")


def _limit(value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise QueryError(f"{name} must be a positive integer, got {value!r}")
    return value


def _require_vector_bound(certainty: Any, distance: Any, object_limit: Any) -> None:
    if certainty is None and distance is None and object_limit is None:
        raise QueryError(
            "a vector-search aggregation needs at least one of certainty, distance or "
            "object_limit (otherwise every object would match)"
        )


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise QueryError(f"{name} must be True or False, got {value!r}")
    return value


# --- request pieces ---------------------------------------------------------------------------


def aggregations_proto(metrics: Sequence[PropertyMetrics]) -> list[Agg]:
    """The ``Aggregation`` messages for a list of metrics requests."""
    out: list[Agg] = []
    for m in metrics:
        if isinstance(m, TextMetrics):
            text = Agg.Text(
                count=m.count, top_occurences=m.top_occurrences_count or m.top_occurrences_value
            )
            if m.limit is not None:
                text.top_occurences_limit = m.limit
            out.append(Agg(property=m.property_name, text=text))
        elif isinstance(m, IntegerMetrics):
            out.append(Agg(property=m.property_name, int=Agg.Integer(**_num_flags(m))))
        elif isinstance(m, NumberMetrics):
            out.append(Agg(property=m.property_name, number=Agg.Number(**_num_flags(m))))
        elif isinstance(m, BooleanMetrics):
            boolean = Agg.Boolean(
                count=m.count,
                percentage_false=m.percentage_false,
                percentage_true=m.percentage_true,
                total_false=m.total_false,
                total_true=m.total_true,
            )
            out.append(Agg(property=m.property_name, boolean=boolean))
        elif isinstance(m, DateMetrics):
            date = Agg.Date(
                count=m.count, maximum=m.maximum, median=m.median, minimum=m.minimum, mode=m.mode
            )
            out.append(Agg(property=m.property_name, date=date))
        elif isinstance(m, ReferenceMetrics):
            reference = Agg.Reference(pointing_to=m.pointing_to)
            out.append(Agg(property=m.property_name, reference=reference))
    return out


def _num_flags(m: IntegerMetrics | NumberMetrics) -> dict[str, bool]:
    return {
        "count": m.count,
        "maximum": m.maximum,
        "mean": m.mean,
        "median": m.median,
        "minimum": m.minimum,
        "mode": m.mode,
        "sum": m.sum_,
    }


def filters_proto(filters: FilterArg) -> base_pb2.Filters | None:
    """The ``Filters`` message of a filter (a ``Filters`` message passes through).

    Raises:
        QueryError: for anything that is not a filter.
    """
    if filters is None:
        return None
    if isinstance(filters, base_pb2.Filters):
        return filters
    return filter_to_grpc(filters)


_NIL_UUID = "00000000-0000-0000-0000-000000000000"


def match_all_filter() -> base_pb2.Filters:
    """A filter every object matches: ``id != NIL or id == NIL``.

    Weaviate computes reference metrics (the distinct beacons the matched objects point
    to) only on its filtered, searched or grouped paths; its unfiltered path leaves them
    out. A reference aggregation over all objects therefore sends this filter.
    """
    target = base_pb2.FilterTarget(property="_id")
    return base_pb2.Filters(
        operator=base_pb2.Filters.OPERATOR_OR,
        filters=[
            base_pb2.Filters(
                operator=base_pb2.Filters.OPERATOR_NOT_EQUAL, value_text=_NIL_UUID, target=target
            ),
            base_pb2.Filters(
                operator=base_pb2.Filters.OPERATOR_EQUAL, value_text=_NIL_UUID, target=target
            ),
        ],
    )


def build_request(
    ctx: CollectionContext,
    *,
    return_metrics: Metric = None,
    filters: FilterArg = None,
    group_by: GroupBy = None,
    total_count: bool = True,
    object_limit: int | None = None,
    search: tuple[str, Any] | None = None,
) -> Req:
    """The ``AggregateRequest``; ``search`` is ``(oneof field name, message)`` or None."""
    metrics = metrics_list(return_metrics)
    group = group_by_option(group_by)
    request = Req(
        collection=ctx.name,
        objects_count=_bool(total_count, "total_count"),
        aggregations=aggregations_proto(metrics),
    )
    if ctx.tenant:
        request.tenant = ctx.tenant
    limit = _limit(object_limit, "object_limit")
    if limit is not None:
        request.object_limit = limit
    if group is not None:
        request.group_by.CopyFrom(Req.GroupBy(collection=ctx.name, property=group.prop))
        if group.limit is not None:
            request.limit = group.limit
    converted = filters_proto(filters)
    unfiltered = converted is None and group is None and search is None
    if unfiltered and any(isinstance(m, ReferenceMetrics) for m in metrics):
        converted = match_all_filter()
    if converted is not None:
        request.filters.CopyFrom(converted)
    if search is not None:
        getattr(request, search[0]).CopyFrom(search[1])
    return request


# --- reply parsing ----------------------------------------------------------------------------


def _opt(message: Any, name: str) -> Any:
    return getattr(message, name) if message.HasField(name) else None


def _date(message: Any, name: str) -> Any:
    return parse_datetime(getattr(message, name)) if message.HasField(name) else None


def _property_result(agg: ReplyAgg) -> AggregatePropertyResult:
    kind = agg.WhichOneof("aggregation")
    if kind == "text":
        t = agg.text
        return AggregateText(
            count=_opt(t, "count"),
            top_occurrences=[
                TopOccurrence(value=item.value, count=item.occurs)
                for item in t.top_occurences.items
            ],
        )
    if kind in ("int", "number"):
        n = agg.int if kind == "int" else agg.number
        cls = AggregateInteger if kind == "int" else AggregateNumber
        return cls(
            count=_opt(n, "count"),
            maximum=_opt(n, "maximum"),
            mean=_opt(n, "mean"),
            median=_opt(n, "median"),
            minimum=_opt(n, "minimum"),
            mode=_opt(n, "mode"),
            sum_=_opt(n, "sum"),
        )
    if kind == "boolean":
        b = agg.boolean
        return AggregateBoolean(
            count=_opt(b, "count"),
            percentage_false=_opt(b, "percentage_false"),
            percentage_true=_opt(b, "percentage_true"),
            total_false=_opt(b, "total_false"),
            total_true=_opt(b, "total_true"),
        )
    if kind == "date":
        d = agg.date
        return AggregateDate(
            count=_opt(d, "count"),
            maximum=_date(d, "maximum"),
            median=_date(d, "median"),
            minimum=_date(d, "minimum"),
            mode=_date(d, "mode"),
        )
    if kind == "reference":
        return AggregateReference(pointing_to=sorted(agg.reference.pointing_to))
    raise QueryError(f"aggregate: the server sent an unknown metric kind for {agg.property!r}")


def _properties(message: Any) -> dict[str, AggregatePropertyResult]:
    if not message.HasField("aggregations"):
        return {}
    return {a.property: _property_result(a) for a in message.aggregations.aggregations}


def _grouped_value(grouped_by: Reply.Group.GroupedBy) -> GroupedByValue:
    kind = grouped_by.WhichOneof("value")
    if kind is None:
        return None
    if kind == "geo":
        return GroupedByGeo(latitude=grouped_by.geo.latitude, longitude=grouped_by.geo.longitude)
    if kind in ("texts", "ints", "numbers", "booleans"):
        return list(getattr(grouped_by, kind).values)
    value: GroupedByValue = getattr(grouped_by, kind)
    return value


def parse_reply(reply: Reply, *, grouped: bool) -> AggregateOutcome:
    """Turn an ``AggregateReply`` into a typed result."""
    if not grouped:
        single = reply.single_result
        return AggregateResult(
            total_count=_opt(single, "objects_count"), properties=_properties(single)
        )
    groups = []
    for group in reply.grouped_results.groups:
        path = list(group.grouped_by.path)
        groups.append(
            AggregateGroup(
                grouped_by=GroupedBy(path[0] if path else "", _grouped_value(group.grouped_by)),
                total_count=_opt(group, "objects_count"),
                properties=_properties(group),
            )
        )
    return AggregateGroupByResult(groups=groups)


# --- operations -------------------------------------------------------------------------------


def _run(request: Req, grouped: bool) -> Operation[AggregateOutcome]:
    reply = yield from grpc("Aggregate", request, Reply, operation="aggregate")
    return parse_reply(reply, grouped=grouped)


def count(ctx: CollectionContext) -> Operation[int]:
    """The number of objects in the collection (of the handle's tenant)."""
    request = build_request(ctx)
    reply = yield from grpc("Aggregate", request, Reply, operation="aggregate.count")
    return int(reply.single_result.objects_count)


def over_all(
    ctx: CollectionContext,
    *,
    filters: FilterArg = None,
    group_by: GroupBy = None,
    total_count: bool = True,
    return_metrics: Metric = None,
) -> Operation[AggregateOutcome]:
    """Aggregate over every (filtered) object of the collection."""
    request = build_request(
        ctx,
        return_metrics=return_metrics,
        filters=filters,
        group_by=group_by,
        total_count=total_count,
    )
    return _run(request, group_by is not None)


def near_vector(
    ctx: CollectionContext,
    vector: Any,
    *,
    certainty: Number | None = None,
    distance: Number | None = None,
    object_limit: int | None = None,
    filters: FilterArg = None,
    group_by: GroupBy = None,
    target_vector: TargetVector = None,
    total_count: bool = True,
    return_metrics: Metric = None,
) -> Operation[AggregateOutcome]:
    """Aggregate over the objects a near-vector search finds."""
    _require_vector_bound(certainty, distance, object_limit)
    search = near_vector_proto(
        vector, certainty=certainty, distance=distance, target_vector=target_vector
    )
    request = build_request(
        ctx,
        return_metrics=return_metrics,
        filters=filters,
        group_by=group_by,
        total_count=total_count,
        object_limit=object_limit,
        search=("near_vector", search),
    )
    return _run(request, group_by is not None)


def near_object(
    ctx: CollectionContext,
    near_object_id: UUID | str,
    *,
    certainty: Number | None = None,
    distance: Number | None = None,
    object_limit: int | None = None,
    filters: FilterArg = None,
    group_by: GroupBy = None,
    target_vector: TargetVector = None,
    total_count: bool = True,
    return_metrics: Metric = None,
) -> Operation[AggregateOutcome]:
    """Aggregate over the objects near an existing object."""
    _require_vector_bound(certainty, distance, object_limit)
    search = near_object_proto(
        near_object_id, certainty=certainty, distance=distance, target_vector=target_vector
    )
    request = build_request(
        ctx,
        return_metrics=return_metrics,
        filters=filters,
        group_by=group_by,
        total_count=total_count,
        object_limit=object_limit,
        search=("near_object", search),
    )
    return _run(request, group_by is not None)


def near_text(
    ctx: CollectionContext,
    query: str | Sequence[str],
    *,
    certainty: Number | None = None,
    distance: Number | None = None,
    move_to: Move | None = None,
    move_away: Move | None = None,
    object_limit: int | None = None,
    filters: FilterArg = None,
    group_by: GroupBy = None,
    target_vector: TargetVector = None,
    total_count: bool = True,
    return_metrics: Metric = None,
) -> Operation[AggregateOutcome]:
    """Aggregate over the objects a near-text search finds (needs a text vectorizer)."""
    _require_vector_bound(certainty, distance, object_limit)
    search = near_text_proto(
        query,
        certainty=certainty,
        distance=distance,
        move_to=move_to,
        move_away=move_away,
        target_vector=target_vector,
    )
    request = build_request(
        ctx,
        return_metrics=return_metrics,
        filters=filters,
        group_by=group_by,
        total_count=total_count,
        object_limit=object_limit,
        search=("near_text", search),
    )
    return _run(request, group_by is not None)


def near_image(
    ctx: CollectionContext,
    image: MediaInput,
    *,
    certainty: Number | None = None,
    distance: Number | None = None,
    object_limit: int | None = None,
    filters: FilterArg = None,
    group_by: GroupBy = None,
    target_vector: TargetVector = None,
    total_count: bool = True,
    return_metrics: Metric = None,
) -> Operation[AggregateOutcome]:
    """Aggregate over the objects a near-image search finds (needs an image vectorizer)."""
    _require_vector_bound(certainty, distance, object_limit)
    search = near_image_proto(
        image, certainty=certainty, distance=distance, target_vector=target_vector
    )
    request = build_request(
        ctx,
        return_metrics=return_metrics,
        filters=filters,
        group_by=group_by,
        total_count=total_count,
        object_limit=object_limit,
        search=("near_image", search),
    )
    return _run(request, group_by is not None)


def hybrid(
    ctx: CollectionContext,
    query: str | None,
    *,
    alpha: Number | None = None,
    vector: Any = None,
    query_properties: Sequence[str] | None = None,
    object_limit: int | None = None,
    bm25_operator: Bm25Operator = None,
    filters: FilterArg = None,
    group_by: GroupBy = None,
    target_vector: TargetVector = None,
    max_vector_distance: Number | None = None,
    total_count: bool = True,
    return_metrics: Metric = None,
) -> Operation[AggregateOutcome]:
    """Aggregate over the objects a hybrid (BM25 + vector) search finds."""
    if object_limit is None and max_vector_distance is None:
        raise QueryError(
            "a hybrid aggregation needs object_limit or max_vector_distance "
            "(the server refuses an unbounded hybrid search)"
        )
    search = hybrid_proto(
        query,
        alpha=alpha,
        vector=vector,
        query_properties=query_properties,
        bm25_operator=bm25_operator,
        target_vector=target_vector,
        max_vector_distance=max_vector_distance,
    )
    request = build_request(
        ctx,
        return_metrics=return_metrics,
        filters=filters,
        group_by=group_by,
        total_count=total_count,
        object_limit=object_limit,
        search=("hybrid", search),
    )
    return _run(request, group_by is not None)
