"""REST equivalents of gRPC calls, for when gRPC is unreachable (no I/O).

:func:`rest_operation` turns a :class:`GrpcCall` into a protocol operation that does
the same over REST and GraphQL and returns the gRPC call's reply message, so
everything above the driver (result parsing included) is the same on both paths.
Covered:

- ``Search`` -> GraphQL ``Get`` (:mod:`.graphql_get`);
- ``Aggregate`` -> GraphQL ``Aggregate`` (:mod:`.graphql_aggregate`);
- ``BatchObjects`` -> ``POST /v1/batch/objects``;
- ``BatchReferences`` -> ``POST /v1/batch/references``;
- ``BatchDelete`` -> ``DELETE /v1/batch/objects`` (the filter as a REST ``where``);
- ``TenantsGet`` -> ``GET /v1/schema/{collection}/tenants``.

The GraphQL and delete forms read the collection's schema first (cached).
A request that uses what REST cannot express raises
:class:`~weavorm.engine._protocol.graphql_common.NoRestForm`; other gRPC methods
have no REST equivalent (None).
"""

from __future__ import annotations

import struct
import uuid as uuid_lib
from collections.abc import Callable
from typing import Any

from google.protobuf.message import Message

from weavorm._proto.google.protobuf import struct_pb2
from weavorm._proto.v1 import (
    aggregate_pb2,
    base_pb2,
    batch_delete_pb2,
    batch_pb2,
    search_get_pb2,
    tenants_pb2,
)
from weavorm.engine._protocol.calls import GrpcCall, HttpCall, HttpReply, Operation
from weavorm.engine._protocol.graphql_aggregate import aggregate_query, aggregate_reply
from weavorm.engine._protocol.graphql_common import (
    ClassSchema,
    NoRestForm,
    SchemaCache,
    graphql_call,
    graphql_data,
    schema_of,
)
from weavorm.engine._protocol.graphql_get import (
    check_search,
    get_query,
    ref_targets,
    search_reply,
)
from weavorm.engine._protocol.graphql_where import where_of

__all__ = ["FALLBACK_METHODS", "NoRestForm", "rest_equivalent", "rest_operation", "where_of"]

#: gRPC methods that can run over REST instead.
FALLBACK_METHODS = frozenset(
    {"Aggregate", "BatchDelete", "BatchObjects", "BatchReferences", "Search", "TenantsGet"}
)

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
                raise NoRestForm("a multi-vector")
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


def _batch_delete(
    call: GrpcCall, schema: ClassSchema | None = None
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
            "where": where_of(request.filters, schema=schema, graphql=False),
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


def _batch_references(
    call: GrpcCall,
) -> tuple[HttpCall, Callable[[HttpReply], batch_pb2.BatchReferencesReply]]:
    request: Any = call.request
    params: dict[str, Any] | None = None
    level = _CONSISTENCY.get(int(request.consistency_level or 0))
    if request.HasField("consistency_level") and level is not None:
        params = {"consistency_level": level}
    body = []
    for ref in request.references:
        to = (
            f"weaviate://localhost/{ref.to_collection}/{ref.to_uuid}"
            if ref.HasField("to_collection") and ref.to_collection
            else f"weaviate://localhost/{ref.to_uuid}"
        )
        item = {
            "from": f"weaviate://localhost/{ref.from_collection}/{ref.from_uuid}/{ref.name}",
            "to": to,
        }
        if ref.tenant:
            item["tenant"] = ref.tenant
        body.append(item)
    http = HttpCall(
        method="POST",
        path="/v1/batch/references",
        json=body,
        params=params,
        operation=call.operation,
        idempotent=call.idempotent,
        timeout=call.timeout,
    )

    def convert(reply: HttpReply) -> batch_pb2.BatchReferencesReply:
        out = batch_pb2.BatchReferencesReply()
        for index, item in enumerate(reply.json or []):
            errors = ((item or {}).get("result") or {}).get("errors") or {}
            messages = [e.get("message", "") for e in errors.get("error") or []]
            if messages:
                out.errors.add(index=index, error="; ".join(messages))
        return out

    return http, convert


def _tenants_get(
    call: GrpcCall,
) -> tuple[HttpCall, Callable[[HttpReply], tenants_pb2.TenantsGetReply]]:
    request: Any = call.request
    names = set(request.names.values) if request.HasField("names") else None
    http = HttpCall(
        method="GET",
        path=f"/v1/schema/{request.collection}/tenants",
        operation=call.operation,
        timeout=call.timeout,
    )

    def convert(reply: HttpReply) -> tenants_pb2.TenantsGetReply:
        out = tenants_pb2.TenantsGetReply()
        for item in reply.json or []:
            name = str(item.get("name") or "")
            if names is not None and name not in names:
                continue
            status = str(item.get("activityStatus") or "ACTIVE").upper()
            try:
                value = tenants_pb2.TenantActivityStatus.Value(f"TENANT_ACTIVITY_STATUS_{status}")
            except ValueError:
                value = tenants_pb2.TENANT_ACTIVITY_STATUS_UNSPECIFIED
            out.tenants.add(name=name, activity_status=value)
        return out

    return http, convert


def rest_equivalent(
    call: GrpcCall,
) -> tuple[HttpCall, Callable[[HttpReply], Any]] | None:
    """The one REST call doing what a batch ``call`` does, and its reply converter.

    None for methods that need more than one call (searches, aggregations: see
    :func:`rest_operation`) or have no REST equivalent.
    """
    if call.method == "BatchObjects":
        return _batch_objects(call)
    if call.method == "BatchDelete":
        return _batch_delete(call)
    if call.method == "BatchReferences":
        return _batch_references(call)
    if call.method == "TenantsGet":
        return _tenants_get(call)
    return None


def _schemas(
    names: list[str], cache: SchemaCache, found: dict[str, ClassSchema], call: GrpcCall
) -> Operation[None]:
    for name in names:
        if name not in found:
            found[name] = yield from schema_of(
                name, cache, operation=call.operation, timeout=call.timeout
            )


def _ref_schemas(
    props: search_get_pb2.PropertiesRequest | None,
    schema: ClassSchema,
    cache: SchemaCache,
    found: dict[str, ClassSchema],
    call: GrpcCall,
) -> Operation[None]:
    """Fetch the schema of every collection a request's references reach."""
    for ref, targets in ref_targets(props, schema):
        yield from _schemas(targets, cache, found, call)
        inner = ref.properties if ref.HasField("properties") else None
        for target in targets:
            yield from _ref_schemas(inner, found[target], cache, found, call)


def _filter_schemas(
    filters: base_pb2.Filters, cache: SchemaCache, found: dict[str, ClassSchema], call: GrpcCall
) -> Operation[None]:
    """Fetch the schema of every collection a filter's reference paths reach."""
    for item in filters.filters:
        yield from _filter_schemas(item, cache, found, call)
    target = filters.target if filters.HasField("target") else None
    while target is not None:
        kind = target.WhichOneof("target")
        if kind == "multi_target":
            yield from _schemas([target.multi_target.target_collection], cache, found, call)
            target = target.multi_target.target
        elif kind == "single_target":
            for schema in list(found.values()):
                prop = schema.prop(target.single_target.on)
                if prop is not None and len(prop.targets) == 1:
                    yield from _schemas([prop.targets[0]], cache, found, call)
            target = target.single_target.target
        else:
            target = None


def _search(call: GrpcCall, cache: SchemaCache) -> Operation[search_get_pb2.SearchReply]:
    req: Any = call.request
    check_search(req)  # before any I/O
    found: dict[str, ClassSchema] = {}
    yield from _schemas([req.collection], cache, found, call)
    schema = found[req.collection]
    props = req.properties if req.HasField("properties") else None
    yield from _ref_schemas(props, schema, cache, found, call)
    if req.HasField("filters"):
        yield from _filter_schemas(req.filters, cache, found, call)
    query = get_query(req, schema, found.get)
    reply: HttpReply = yield graphql_call(query, operation=call.operation, timeout=call.timeout)
    data = graphql_data(reply, operation=call.operation)
    return search_reply(data, req, schema, found.get)


def _aggregate(call: GrpcCall, cache: SchemaCache) -> Operation[aggregate_pb2.AggregateReply]:
    req: Any = call.request
    found: dict[str, ClassSchema] = {}
    yield from _schemas([req.collection], cache, found, call)
    schema = found[req.collection]
    if req.HasField("filters"):
        yield from _filter_schemas(req.filters, cache, found, call)
    query = aggregate_query(req, schema, found.get)
    reply: HttpReply = yield graphql_call(query, operation=call.operation, timeout=call.timeout)
    data = graphql_data(reply, operation=call.operation)
    return aggregate_reply(data, req, schema)


def _single(http: HttpCall, convert: Callable[[HttpReply], Message]) -> Operation[Message]:
    reply: HttpReply = yield http
    return convert(reply)


def _delete(call: GrpcCall, cache: SchemaCache) -> Operation[Message]:
    req: Any = call.request
    found: dict[str, ClassSchema] = {}
    yield from _schemas([req.collection], cache, found, call)
    yield from _filter_schemas(req.filters, cache, found, call)
    http, convert = _batch_delete(call, found[req.collection])
    reply: HttpReply = yield http
    return convert(reply)


def rest_operation(call: GrpcCall, cache: SchemaCache) -> Operation[Message] | None:
    """An operation doing over REST what ``call`` does; it returns the gRPC reply message.

    None when the gRPC method has no REST equivalent. The operation raises
    :class:`NoRestForm` when the request uses what REST cannot express.
    """
    if call.method == "Search":
        return _search(call, cache)
    if call.method == "Aggregate":
        return _aggregate(call, cache)
    if call.method == "BatchDelete":
        return _delete(call, cache)
    found = rest_equivalent(call)
    if found is None:
        return None
    return _single(*found)
