"""``weaviate.v1.Filters`` -> the REST / GraphQL ``where`` object (no I/O).

One builder serves both: REST sends the dict as JSON, GraphQL renders it with
:func:`~weavorm.engine._protocol.graphql_common.literal` (the operator is an
:class:`~weavorm.engine._protocol.graphql_common.Enum`, bare in GraphQL). gRPC leaves
value types to the server; REST does not, so with the collection's schema a text
value on a ``date`` property (and on the creation / update times) becomes
``valueDate`` and an integer on a ``number`` property ``valueNumber``. A filter
through a reference names the target collection in its path, read from the schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from weavorm._proto.v1 import base_pb2
from weavorm.engine._protocol.graphql_common import ClassSchema, Enum, NoRestForm, PropSchema

__all__ = ["where_of"]

_OPERATORS = {
    "OPERATOR_EQUAL": "Equal",
    "OPERATOR_NOT_EQUAL": "NotEqual",
    "OPERATOR_GREATER_THAN": "GreaterThan",
    "OPERATOR_GREATER_THAN_EQUAL": "GreaterThanEqual",
    "OPERATOR_LESS_THAN": "LessThan",
    "OPERATOR_LESS_THAN_EQUAL": "LessThanEqual",
    "OPERATOR_AND": "And",
    "OPERATOR_OR": "Or",
    "OPERATOR_LIKE": "Like",
    "OPERATOR_IS_NULL": "IsNull",
    "OPERATOR_CONTAINS_ANY": "ContainsAny",
    "OPERATOR_CONTAINS_ALL": "ContainsAll",
    "OPERATOR_CONTAINS_NONE": "ContainsNone",
    "OPERATOR_WITHIN_GEO_RANGE": "WithinGeoRange",
    "OPERATOR_NOT": "Not",
}

_VALUES = {
    "value_text": "valueText",
    "value_int": "valueInt",
    "value_boolean": "valueBoolean",
    "value_number": "valueNumber",
    "value_text_array": "valueText",
    "value_int_array": "valueInt",
    "value_boolean_array": "valueBoolean",
    "value_number_array": "valueNumber",
}

_TIMES = frozenset({"_creationTimeUnix", "_lastUpdateTimeUnix"})

#: Collection name -> its schema (None when unknown).
SchemaLookup = Callable[[str], ClassSchema | None]


def _no_schema(name: str) -> ClassSchema | None:
    return None


def _target_path(
    target: base_pb2.FilterTarget, schema: ClassSchema | None, lookup: SchemaLookup
) -> tuple[list[str], PropSchema | None, str | None]:
    """The REST path, the schema of the last property, and its name."""
    kind = target.WhichOneof("target")
    if kind == "property":
        name = target.property
        return [name], schema.prop(name) if schema is not None else None, name
    if kind == "count":
        return [target.count.on], None, None
    if kind == "single_target":
        hop = target.single_target
        ref = schema.prop(hop.on) if schema is not None else None
        if ref is None or len(ref.targets) != 1:
            raise NoRestForm(
                f"a filter through the reference {hop.on!r} (its target collection is not known)"
            )
        collection = ref.targets[0]
        inner, prop, leaf = _target_path(hop.target, lookup(collection), lookup)
        return [hop.on, collection, *inner], prop, leaf
    if kind == "multi_target":
        multi = target.multi_target
        inner, prop, leaf = _target_path(multi.target, lookup(multi.target_collection), lookup)
        return [multi.on, multi.target_collection, *inner], prop, leaf
    raise NoRestForm("a filter without a target")


def _key(kind: str, prop: PropSchema | None, name: str | None) -> str:
    key = _VALUES[kind]
    if key == "valueText" and (name in _TIMES or (prop is not None and prop.base == "date")):
        return "valueDate"
    if key == "valueInt" and prop is not None and prop.base == "number":
        return "valueNumber"
    return key


def where_of(
    filters: base_pb2.Filters,
    *,
    schema: ClassSchema | None = None,
    lookup: SchemaLookup = _no_schema,
    graphql: bool = True,
) -> dict[str, Any]:
    """The ``where`` object for a gRPC ``Filters`` message.

    Args:
        filters: The gRPC filter.
        schema: The collection's schema (value types, reference targets).
        lookup: The schema of another collection (for paths through references).
        graphql: GraphQL form (a list goes in ``valueText``); else the REST form
            (``valueTextArray``).

    Raises:
        NoRestForm: the filter uses what REST cannot express here.
    """
    name = base_pb2.Filters.Operator.Name(filters.operator)
    operator = _OPERATORS.get(name)
    if operator is None:
        raise NoRestForm(f"the filter operator {name}")
    out: dict[str, Any] = {"operator": Enum(operator)}
    if operator in ("And", "Or", "Not"):
        out["operands"] = [
            where_of(f, schema=schema, lookup=lookup, graphql=graphql) for f in filters.filters
        ]
        return out
    prop: PropSchema | None = None
    prop_name: str | None = None
    if filters.HasField("target"):
        out["path"], prop, prop_name = _target_path(filters.target, schema, lookup)
    elif filters.on:
        out["path"] = list(filters.on)
        prop_name = filters.on[-1]
        if len(filters.on) == 1 and schema is not None:
            prop = schema.prop(prop_name)
    kind = filters.WhichOneof("test_value")
    if kind == "value_geo":
        geo = filters.value_geo
        out["valueGeoRange"] = {
            "geoCoordinates": {"latitude": geo.latitude, "longitude": geo.longitude},
            "distance": {"max": geo.distance},
        }
        return out
    if kind not in _VALUES:
        raise NoRestForm(f"the filter value {kind}")
    value: Any = getattr(filters, kind)
    key = _key(kind, prop, prop_name)
    if kind.endswith("_array"):
        items = list(value.values)
        if key == "valueNumber":
            items = [float(v) for v in items]
        out[key if graphql else key + "Array"] = items
    else:
        out[key] = float(value) if key == "valueNumber" else value
    return out
