"""``AggregateRequest`` -> GraphQL ``Aggregate`` query, reply -> ``AggregateReply`` (no I/O).

The REST fallback runs aggregations through GraphQL ``Aggregate`` and hands back an
``AggregateReply`` message, so the aggregate code parses it as it parses the gRPC
reply: the object count (``meta { count }``), per-property metrics (integer,
number, text with top occurrences, boolean, date, reference), ``groupBy`` with each
group's value typed by the schema, filters, tenant, object limit, and the searches
``nearVector``, ``nearObject``, ``nearText`` and ``hybrid``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weavorm._proto.v1 import aggregate_pb2
from weavorm.engine._protocol.graphql_common import ClassSchema, NoRestForm, literal
from weavorm.engine._protocol.graphql_get import (
    Lookup,
    hybrid_args,
    near_object_args,
    near_text_args,
    near_vector_args,
)
from weavorm.engine._protocol.graphql_where import where_of

__all__ = ["aggregate_query", "aggregate_reply"]

Req = aggregate_pb2.AggregateRequest
Agg = aggregate_pb2.AggregateRequest.Aggregation
Reply = aggregate_pb2.AggregateReply
ReplyAgg = aggregate_pb2.AggregateReply.Aggregations.Aggregation

#: Proto flag -> GraphQL field, per metric kind.
_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "int": (
        ("count", "count"),
        ("type", "type"),
        ("sum", "sum"),
        ("mean", "mean"),
        ("mode", "mode"),
        ("median", "median"),
        ("maximum", "maximum"),
        ("minimum", "minimum"),
    ),
    "text": (("count", "count"), ("type", "type")),
    "boolean": (
        ("count", "count"),
        ("type", "type"),
        ("total_true", "totalTrue"),
        ("total_false", "totalFalse"),
        ("percentage_true", "percentageTrue"),
        ("percentage_false", "percentageFalse"),
    ),
    "date": (
        ("count", "count"),
        ("type", "type"),
        ("median", "median"),
        ("mode", "mode"),
        ("maximum", "maximum"),
        ("minimum", "minimum"),
    ),
    "reference": (("type", "type"), ("pointing_to", "pointingTo")),
}
_FIELDS["number"] = _FIELDS["int"]

#: Metric kinds whose gRPC reply carries every field, asked for or not.
_ALL_FIELDS = frozenset({"boolean"})
#: Fields the gRPC reply carries for a kind whether asked for or not.
_ALWAYS = {"text": frozenset({"count"}), "boolean": frozenset(f for f, _ in _FIELDS["boolean"])}

_SEARCHES = (
    ("near_vector", "nearVector", near_vector_args),
    ("near_object", "nearObject", near_object_args),
    ("near_text", "nearText", near_text_args),
    ("hybrid", "hybrid", hybrid_args),
)


def _metric_fields(agg: Agg) -> str:
    kind = agg.WhichOneof("aggregation")
    if kind is None:
        return ""
    flags = getattr(agg, kind)
    fields = [gql for flag, gql in _FIELDS[kind] if getattr(flags, flag) or kind in _ALL_FIELDS]
    if kind == "text" and "count" not in fields:
        fields.insert(0, "count")
    if kind == "text" and flags.top_occurences:
        limit = (
            f"(limit: {flags.top_occurences_limit})"
            if flags.HasField("top_occurences_limit")
            else ""
        )
        fields.append(f"topOccurrences{limit} {{ value occurs }}")
    if not fields:
        fields = ["type"]
    return f"{agg.property} {{ {' '.join(fields)} }}"


def aggregate_query(req: Req, schema: ClassSchema, lookup: Lookup) -> str:
    """The GraphQL ``Aggregate`` query doing what ``req`` does.

    Raises:
        NoRestForm: ``req`` uses what GraphQL ``Aggregate`` cannot express here.
    """
    args: dict[str, Any] = {}
    if req.tenant:
        args["tenant"] = req.tenant
    if req.HasField("filters"):
        args["where"] = where_of(req.filters, schema=schema, lookup=lookup)
    if req.HasField("group_by"):
        args["groupBy"] = [req.group_by.property]
    if req.HasField("limit"):
        args["limit"] = req.limit
    if req.HasField("object_limit"):
        args["objectLimit"] = req.object_limit
    search = req.WhichOneof("search")
    if search is not None:
        for name, gql, build in _SEARCHES:
            if search == name:
                args[gql] = build(getattr(req, name))
                break
        else:
            raise NoRestForm(f"an aggregation with {search}")
    fields = [f for f in (_metric_fields(a) for a in req.aggregations) if f]
    if req.objects_count or not fields:
        fields.insert(0, "meta { count }")
    if req.HasField("group_by"):
        fields.insert(0, "groupedBy { value path }")
    arguments = "(" + ", ".join(f"{k}: {literal(v)}" for k, v in args.items()) + ")" if args else ""
    return f"{{ Aggregate {{ {req.collection}{arguments} {{ {' '.join(fields)} }} }} }}"


def _int(value: Any) -> int:
    return int(float(value))


def _fill_numeric(target: Any, flags: Any, data: Mapping[str, Any], *, integer: bool) -> None:
    for flag, gql in _FIELDS["int"]:
        value = data.get(gql)
        if not getattr(flags, flag) or value is None:
            continue
        if gql == "type":
            target.type = str(value)
        elif gql in ("count",):
            target.count = _int(value)
        elif gql in ("mean", "median"):
            setattr(target, gql, float(value))
        else:
            setattr(target, gql, _int(value) if integer else float(value))


def _aggregation(agg: Agg, data: Mapping[str, Any]) -> ReplyAgg:
    kind = agg.WhichOneof("aggregation")
    out = ReplyAgg(property=agg.property)
    if kind is None:
        return out
    flags = getattr(agg, kind)
    if kind in ("int", "number"):
        _fill_numeric(getattr(out, kind), flags, data, integer=kind == "int")
        return out
    target = getattr(out, kind)
    target.SetInParent()
    if kind == "text":
        if data.get("count") is not None:
            target.count = _int(data["count"])
        if flags.type and data.get("type") is not None:
            target.type = str(data["type"])
        if flags.top_occurences:
            target.top_occurences.SetInParent()
            for item in data.get("topOccurrences") or []:
                target.top_occurences.items.add(
                    value=str(item.get("value")), occurs=_int(item.get("occurs") or 0)
                )
        return out
    if kind == "reference":
        if flags.type and data.get("type") is not None:
            target.type = str(data["type"])
        if flags.pointing_to:
            target.pointing_to.extend(str(p) for p in data.get("pointingTo") or [])
        return out
    always = _ALWAYS.get(kind, frozenset())
    for flag, gql in _FIELDS[kind]:
        value = data.get(gql)
        if not (getattr(flags, flag) or flag in always) or value is None:
            continue
        if flag == "type":
            target.type = str(value)
        elif flag in ("count", "total_true", "total_false"):
            setattr(target, flag, _int(value))
        elif flag.startswith("percentage"):
            setattr(target, flag, float(value))
        else:
            setattr(target, flag, str(value))
    return out


def _fill(target: Any, req: Req, data: Mapping[str, Any]) -> None:
    if req.objects_count:
        count = (data.get("meta") or {}).get("count")
        target.objects_count = _int(count or 0)
    if req.aggregations:
        target.aggregations.SetInParent()
        for agg in req.aggregations:
            target.aggregations.aggregations.append(_aggregation(agg, data.get(agg.property) or {}))


def _grouped_by(
    grouped: Reply.Group.GroupedBy, value: Any, path: list[str], schema: ClassSchema
) -> None:
    grouped.path.extend(path)
    prop = schema.prop(path[0]) if path else None
    base = prop.base if prop is not None else "text"
    if value is None:
        return
    if base == "int":
        grouped.int = _int(value)
    elif base == "number":
        grouped.number = float(value)
    elif base == "boolean":
        grouped.boolean = value if isinstance(value, bool) else str(value).lower() == "true"
    elif base == "geoCoordinates":
        raise NoRestForm("group_by on a geo property")
    else:
        grouped.text = str(value)


def aggregate_reply(data: Mapping[str, Any], req: Req, schema: ClassSchema) -> Reply:
    """The ``AggregateReply`` for the ``data`` of a reply to :func:`aggregate_query`."""
    found = (data.get("Aggregate") or {}).get(req.collection)
    if found is None:
        found = next(iter((data.get("Aggregate") or {}).values()), None) or []
    reply = Reply()
    if not req.HasField("group_by"):
        single = reply.single_result
        single.SetInParent()
        _fill(single, req, found[0] if found else {})
        return reply
    reply.grouped_results.SetInParent()
    for item in found:
        group = reply.grouped_results.groups.add()
        grouped = item.get("groupedBy") or {}
        _grouped_by(group.grouped_by, grouped.get("value"), list(grouped.get("path") or []), schema)
        _fill(group, req, item)
    return reply
