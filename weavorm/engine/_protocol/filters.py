"""Filters -> ``weaviate.v1.Filters`` (used by Search, Aggregate and BatchDelete)."""

from __future__ import annotations

from typing import Any

from weavorm._proto.v1 import base_pb2
from weavorm.engine.filters import (
    CountTarget,
    FilterAnd,
    FilterCondition,
    FilterExpression,
    FilterNot,
    FilterOperator,
    FilterOr,
    FilterTarget,
    PropertyTarget,
)
from weavorm.errors import QueryError

__all__ = ["MAX_FILTER_DEPTH", "filter_to_grpc", "target_to_grpc"]

_F = base_pb2.Filters

_OPERATORS: dict[FilterOperator, Any] = {
    FilterOperator.EQUAL: _F.OPERATOR_EQUAL,
    FilterOperator.NOT_EQUAL: _F.OPERATOR_NOT_EQUAL,
    FilterOperator.LESS_THAN: _F.OPERATOR_LESS_THAN,
    FilterOperator.LESS_THAN_EQUAL: _F.OPERATOR_LESS_THAN_EQUAL,
    FilterOperator.GREATER_THAN: _F.OPERATOR_GREATER_THAN,
    FilterOperator.GREATER_THAN_EQUAL: _F.OPERATOR_GREATER_THAN_EQUAL,
    FilterOperator.LIKE: _F.OPERATOR_LIKE,
    FilterOperator.IS_NULL: _F.OPERATOR_IS_NULL,
    FilterOperator.CONTAINS_ANY: _F.OPERATOR_CONTAINS_ANY,
    FilterOperator.CONTAINS_ALL: _F.OPERATOR_CONTAINS_ALL,
    FilterOperator.CONTAINS_NONE: _F.OPERATOR_CONTAINS_NONE,
    FilterOperator.WITHIN_GEO_RANGE: _F.OPERATOR_WITHIN_GEO_RANGE,
    FilterOperator.AND: _F.OPERATOR_AND,
    FilterOperator.OR: _F.OPERATOR_OR,
    FilterOperator.NOT: _F.OPERATOR_NOT,
}


def target_to_grpc(target: FilterTarget) -> base_pb2.FilterTarget:
    """The ``FilterTarget`` message for a property, reference path or count."""
    if isinstance(target, PropertyTarget):
        return base_pb2.FilterTarget(property=target.name)
    if isinstance(target, CountTarget):
        return base_pb2.FilterTarget(count=base_pb2.FilterReferenceCount(on=target.link_on))
    inner = target_to_grpc(target.target)
    if target.target_collection:
        return base_pb2.FilterTarget(
            multi_target=base_pb2.FilterReferenceMultiTarget(
                on=target.link_on, target=inner, target_collection=target.target_collection
            )
        )
    return base_pb2.FilterTarget(
        single_target=base_pb2.FilterReferenceSingleTarget(on=target.link_on, target=inner)
    )


def _condition(cond: FilterCondition) -> base_pb2.Filters:
    msg = base_pb2.Filters(operator=_OPERATORS[cond.operator], target=target_to_grpc(cond.target))
    kind, value = cond.kind, cond.value
    if kind == "text":
        msg.value_text = value
    elif kind == "int":
        msg.value_int = value
    elif kind == "number":
        msg.value_number = value
    elif kind == "boolean":
        msg.value_boolean = value
    elif kind == "text_array":
        msg.value_text_array.values.extend(value)
    elif kind == "int_array":
        msg.value_int_array.values.extend(value)
    elif kind == "number_array":
        msg.value_number_array.values.extend(value)
    elif kind == "boolean_array":
        msg.value_boolean_array.values.extend(value)
    elif kind == "geo":
        latitude, longitude, distance = value
        msg.value_geo.latitude = latitude
        msg.value_geo.longitude = longitude
        msg.value_geo.distance = distance
    else:  # pragma: no cover - FilterCondition is only built by the builders
        raise QueryError(f"unknown filter value kind {kind!r}")
    return msg


#: Deepest nesting of ``&``, ``|`` and ``~`` accepted in one filter; the server's
#: protobuf decoder and Python's recursion limit both stop far below a few thousand.
MAX_FILTER_DEPTH = 64


def filter_to_grpc(expr: FilterExpression, *, _depth: int = 0) -> base_pb2.Filters:
    """The ``Filters`` message for a filter expression.

    Raises:
        QueryError: ``expr`` is not a filter built with :class:`weavorm.engine.Filter`,
            or it nests more than :data:`MAX_FILTER_DEPTH` levels of ``&``/``|``/``~``.
    """
    if isinstance(expr, FilterCondition):
        return _condition(expr)
    if _depth >= MAX_FILTER_DEPTH:
        raise QueryError(
            f"filters nest more than {MAX_FILTER_DEPTH} levels of &, | and ~; "
            "combine conditions with Filter.all_of / any_of (flat lists) instead"
        )
    inner = _depth + 1
    if isinstance(expr, FilterAnd):
        return base_pb2.Filters(
            operator=_F.OPERATOR_AND,
            filters=[filter_to_grpc(f, _depth=inner) for f in expr.filters],
        )
    if isinstance(expr, FilterOr):
        return base_pb2.Filters(
            operator=_F.OPERATOR_OR,
            filters=[filter_to_grpc(f, _depth=inner) for f in expr.filters],
        )
    if isinstance(expr, FilterNot):
        return base_pb2.Filters(
            operator=_F.OPERATOR_NOT, filters=[filter_to_grpc(expr.filter, _depth=inner)]
        )
    raise QueryError(
        f"filters must be built with weavorm.engine.Filter (e.g. "
        f"Filter.by_property('year').greater_than(2000)), got {expr!r}"
    )
