"""REST equivalents of gRPC calls, for when gRPC is unreachable (no I/O).

:func:`rest_equivalent` turns a :class:`GrpcCall` into the :class:`HttpCall` that does
the same over REST, with a function that turns the REST reply into the gRPC reply
type, or returns None when the call has no REST equivalent here. Covered so far:
``BatchObjects`` (``POST /v1/batch/objects``) and ``BatchDelete`` (``DELETE
/v1/batch/objects``, with the filter as a REST ``where``; filters on references,
counts and geo ranges have no REST form here and raise).
"""

from __future__ import annotations

import struct
import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from weavorm._proto.google.protobuf import struct_pb2
from weavorm._proto.v1 import base_pb2, batch_delete_pb2, batch_pb2
from weavorm.engine._protocol.calls import GrpcCall, HttpCall, HttpReply
from weavorm.errors import ConfigError

__all__ = ["FALLBACK_METHODS", "rest_equivalent"]

#: gRPC methods that can run over REST instead.
FALLBACK_METHODS = frozenset({"BatchDelete", "BatchObjects"})

_CONSISTENCY = {1: "ONE", 2: "QUORUM", 3: "ALL"}


def _value(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        number = value.number_value
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return {k: _value(v) for k, v in value.struct_value.fields.items()}
    if kind == "list_value":
        return [_value(v) for v in value.list_value.values]
    return None


def _floats64(raw: bytes) -> list[float]:
    return list(struct.unpack(f"<{len(raw) // 8}d", raw))


def _floats32(raw: bytes) -> list[float]:
    return list(struct.unpack(f"<{len(raw) // 4}f", raw))


def _properties(props: Any) -> dict[str, Any]:
    """Properties of a ``BatchObject.Properties`` or an ``ObjectPropertiesValue``."""
    out: dict[str, Any] = {k: _value(v) for k, v in props.non_ref_properties.fields.items()}
    for p in props.number_array_properties:
        out[p.prop_name] = _floats64(p.values_bytes) if p.values_bytes else list(p.values)
    for p in props.int_array_properties:
        out[p.prop_name] = list(p.values)
    for p in props.text_array_properties:
        out[p.prop_name] = list(p.values)
    for p in props.boolean_array_properties:
        out[p.prop_name] = list(p.values)
    for p in props.object_properties:
        out[p.prop_name] = _properties(p.value)
    for p in props.object_array_properties:
        out[p.prop_name] = [_properties(v) for v in p.values]
    for name in props.empty_list_props:
        out[name] = []
    return out


def _object_json(message: batch_pb2.BatchObject) -> dict[str, Any]:
    props = message.properties
    properties = _properties(props)
    for ref in props.single_target_ref_props:
        properties[ref.prop_name] = [{"beacon": f"weaviate://localhost/{u}"} for u in ref.uuids]
    for multi in props.multi_target_ref_props:
        properties[multi.prop_name] = [
            {"beacon": f"weaviate://localhost/{multi.target_collection}/{u}"} for u in multi.uuids
        ]
    body: dict[str, Any] = {
        "class": message.collection,
        "id": message.uuid,
        "properties": properties,
    }
    if message.tenant:
        body["tenant"] = message.tenant
    if message.vector_bytes:
        body["vector"] = _floats32(message.vector_bytes)
    elif message.vector:
        body["vector"] = list(message.vector)
    if message.vectors:
        named: dict[str, Any] = {}
        for v in message.vectors:
            if v.type == base_pb2.Vectors.VECTOR_TYPE_MULTI_FP32:
                raise ConfigError(
                    "batch.objects over REST: multi-vectors cannot be sent over REST "
                    "by weavorm yet",
                    field="vector",
                )
            named[v.name] = _floats32(v.vector_bytes)
        body["vectors"] = named
    return body


def _batch_objects(
    call: GrpcCall,
) -> tuple[HttpCall, Callable[[HttpReply], batch_pb2.BatchObjectsReply]]:
    request: Any = call.request
    params: dict[str, Any] | None = None
    level = _CONSISTENCY.get(int(request.consistency_level or 0))
    if request.HasField("consistency_level") and level is not None:
        params = {"consistency_level": level}
    objects = [_object_json(m) for m in request.objects]
    http = HttpCall(
        method="POST",
        path="/v1/batch/objects",
        json={"objects": objects},
        params=params,
        operation=call.operation,
        idempotent=True,
        timeout=call.timeout,
    )

    def convert(reply: HttpReply) -> batch_pb2.BatchObjectsReply:
        out = batch_pb2.BatchObjectsReply()
        for index, item in enumerate(reply.json or []):
            errors = ((item or {}).get("result") or {}).get("errors") or {}
            messages = [e.get("message", "") for e in errors.get("error") or []]
            if messages:
                out.errors.add(index=index, error="; ".join(messages))
        return out

    return http, convert


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
    "OPERATOR_NOT": "Not",
}

_VALUES = {
    "value_text": "valueText",
    "value_int": "valueInt",
    "value_boolean": "valueBoolean",
    "value_number": "valueNumber",
    "value_text_array": "valueTextArray",
    "value_int_array": "valueIntArray",
    "value_boolean_array": "valueBooleanArray",
    "value_number_array": "valueNumberArray",
}


def _no_rest(operation: str, what: str) -> ConfigError:
    return ConfigError(f"{operation} over REST: {what} has no REST form in weavorm yet")


def where_of(filters: base_pb2.Filters, *, operation: str) -> dict[str, Any]:
    """The REST ``where`` object for a gRPC ``Filters`` message."""
    name = base_pb2.Filters.Operator.Name(filters.operator)
    operator = _OPERATORS.get(name)
    if operator is None:
        raise _no_rest(operation, f"the filter operator {name}")
    out: dict[str, Any] = {"operator": operator}
    if operator in ("And", "Or", "Not"):
        out["operands"] = [where_of(f, operation=operation) for f in filters.filters]
        return out
    if filters.HasField("target"):
        if filters.target.WhichOneof("target") != "property":
            raise _no_rest(operation, "a filter on a reference or a count")
        out["path"] = [filters.target.property]
    elif filters.on:
        out["path"] = list(filters.on)
    kind = filters.WhichOneof("test_value")
    key = _VALUES.get(kind or "")
    if key is None:
        raise _no_rest(operation, f"the filter value {kind}")
    value: Any = getattr(filters, kind or "")
    out[key] = list(value.values) if key.endswith("Array") else value
    return out


def _batch_delete(
    call: GrpcCall,
) -> tuple[HttpCall, Callable[[HttpReply], batch_delete_pb2.BatchDeleteReply]]:
    request: Any = call.request
    params: dict[str, Any] = {}
    level = _CONSISTENCY.get(int(request.consistency_level or 0))
    if request.HasField("consistency_level") and level is not None:
        params["consistency_level"] = level
    if request.HasField("tenant") and request.tenant:
        params["tenant"] = request.tenant
    body = {
        "match": {
            "class": request.collection,
            "where": where_of(request.filters, operation=call.operation),
        },
        "output": "verbose" if request.verbose else "minimal",
        "dryRun": bool(request.dry_run),
    }
    http = HttpCall(
        method="DELETE",
        path="/v1/batch/objects",
        json=body,
        params=params or None,
        operation=call.operation,
        idempotent=True,
        timeout=call.timeout,
    )

    def convert(reply: HttpReply) -> batch_delete_pb2.BatchDeleteReply:
        results = (reply.json or {}).get("results") or {}
        out = batch_delete_pb2.BatchDeleteReply(
            matches=int(results.get("matches") or 0),
            successful=int(results.get("successful") or 0),
            failed=int(results.get("failed") or 0),
        )
        for item in results.get("objects") or []:
            errors = (item.get("errors") or {}).get("error") or []
            obj = out.objects.add(
                uuid=uuid_lib.UUID(item["id"]).bytes,
                successful=item.get("status") == "SUCCESS",
            )
            if errors:
                obj.error = "; ".join(e.get("message", "") for e in errors)
        return out

    return http, convert


def rest_equivalent(
    call: GrpcCall,
) -> tuple[HttpCall, Callable[[HttpReply], Any]] | None:
    """The REST call doing what ``call`` does, and its reply converter, or None."""
    if call.method == "BatchObjects":
        return _batch_objects(call)
    if call.method == "BatchDelete":
        return _batch_delete(call)
    return None
