"""Object writes of one collection: insert, replace, update, delete, exists, references.

Single-object operations use REST (``/v1/objects``); many-object operations use the
gRPC batch calls in :mod:`weavorm.engine.batching.requests`. Tenant and consistency
level come from the :class:`~weavorm.engine._protocol.context.CollectionContext`.
"""

from __future__ import annotations

import time
import uuid as uuid_lib
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from weavorm._proto.v1 import base_pb2, batch_delete_pb2
from weavorm.engine._protocol.calls import GrpcCall, HttpCall, Operation, http
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.encode import (
    beacon,
    consistency_enum,
    encode_rest_properties,
    encode_rest_references,
    encode_rest_vectors,
    paused_gc,
    uuid_str,
)
from weavorm.engine._protocol.validate import check_property_name
from weavorm.engine.batching import requests as batch_ops
from weavorm.engine.types import (
    BatchReferenceResult,
    BatchResult,
    DataObject,
    DataReference,
    DeleteManyObject,
    DeleteManyResult,
    ReferenceToMulti,
)
from weavorm.errors import ConfigError

__all__ = [
    "delete_by_id",
    "delete_many",
    "delete_many_call",
    "delete_many_result",
    "exists",
    "insert",
    "insert_many",
    "reference_add",
    "reference_add_many",
    "reference_delete",
    "reference_replace",
    "replace",
    "update",
    "update_call",
]


def _object_path(ctx: CollectionContext, uuid: str) -> str:
    return f"/v1/objects/{quote(ctx.name, safe='')}/{uuid}"


def _ref_path(ctx: CollectionContext, uuid: str, prop: str) -> str:
    if not isinstance(prop, str) or not prop:
        raise ConfigError(f"from_property must be a non-empty string, got {prop!r}")
    check_property_name(prop, "from_property")
    return f"{_object_path(ctx, uuid)}/references/{quote(prop, safe='')}"


def _consistency_params(ctx: CollectionContext) -> dict[str, str]:
    return {"consistency_level": ctx.consistency} if ctx.consistency else {}


def _body(
    ctx: CollectionContext,
    properties: Mapping[str, Any] | None,
    references: Mapping[str, Any] | None,
    vector: Any,
) -> dict[str, Any]:
    props = encode_rest_properties(properties)
    refs = encode_rest_references(references)
    overlap = props.keys() & refs.keys()
    if overlap:
        raise ConfigError(
            f"{sorted(overlap)[0]!r} is given both as a property and as a reference",
            field=sorted(overlap)[0],
        )
    body: dict[str, Any] = {"class": ctx.name, "properties": {**props, **refs}}
    body.update(encode_rest_vectors(vector))
    if ctx.tenant:
        body["tenant"] = ctx.tenant
    return body


def insert(
    ctx: CollectionContext,
    properties: Mapping[str, Any] | None,
    *,
    uuid: Any = None,
    vector: Any = None,
    references: Mapping[str, Any] | None = None,
) -> Operation[uuid_lib.UUID]:
    """``POST /v1/objects``; returns the object's UUID (a random one when not given)."""
    body = _body(ctx, properties, references, vector)
    body["id"] = uuid_str(uuid) if uuid is not None else str(uuid_lib.uuid4())
    yield from http(
        "POST",
        "/v1/objects",
        operation="data.insert",
        json=body,
        params=_consistency_params(ctx),
        idempotent=False,
    )
    return uuid_lib.UUID(body["id"])


def replace(
    ctx: CollectionContext,
    uuid: Any,
    properties: Mapping[str, Any] | None,
    *,
    vector: Any = None,
    references: Mapping[str, Any] | None = None,
) -> Operation[None]:
    """``PUT /v1/objects/{class}/{id}``: the object becomes exactly what is given."""
    uid = uuid_str(uuid)
    body = _body(ctx, properties, references, vector)
    body["id"] = uid
    yield from http(
        "PUT",
        _object_path(ctx, uid),
        operation="data.replace",
        json=body,
        params=_consistency_params(ctx),
    )


def update_call(
    ctx: CollectionContext,
    uuid: Any,
    properties: Mapping[str, Any] | None = None,
    *,
    vector: Any = None,
    references: Mapping[str, Any] | None = None,
    operation: str = "data.update",
) -> HttpCall:
    """The ``PATCH /v1/objects/{class}/{id}`` call of :func:`update` (encoded, not sent)."""
    uid = uuid_str(uuid)
    body = _body(ctx, properties, references, vector)
    body["id"] = uid
    return HttpCall(
        "PATCH",
        _object_path(ctx, uid),
        operation=operation,
        json=body,
        params=_consistency_params(ctx) or None,
        idempotent=True,
    )


def update(
    ctx: CollectionContext,
    uuid: Any,
    properties: Mapping[str, Any] | None = None,
    *,
    vector: Any = None,
    references: Mapping[str, Any] | None = None,
) -> Operation[None]:
    """``PATCH /v1/objects/{class}/{id}``: merge the given properties into the object."""
    yield update_call(ctx, uuid, properties, vector=vector, references=references)


def _id_filter(uuid: str) -> base_pb2.Filters:
    return base_pb2.Filters(
        operator=base_pb2.Filters.OPERATOR_EQUAL,
        target=base_pb2.FilterTarget(property="_id"),
        value_text=uuid,
    )


def delete_by_id(ctx: CollectionContext, uuid: Any) -> Operation[bool]:
    """Delete one object; True when an object was deleted.

    Uses gRPC ``BatchDelete`` with an id filter rather than REST ``DELETE``, because
    the server answers ``DELETE /v1/objects/{class}/{id}`` with 204 even when there
    is no such object; the batch reply says how many objects were deleted.
    """
    result = yield from _batch_delete(
        ctx, _id_filter(uuid_str(uuid)), dry_run=False, verbose=False, operation="data.delete_by_id"
    )
    return result.successful > 0


def exists(ctx: CollectionContext, uuid: Any) -> Operation[bool]:
    """``HEAD /v1/objects/{class}/{id}``: whether the object exists."""
    reply = yield from http(
        "HEAD",
        _object_path(ctx, uuid_str(uuid)),
        operation="data.exists",
        params=ctx.rest_params(),
        accept=frozenset({404}),
    )
    return reply.status == 204


def _single_beacon(to: Any) -> str:
    if isinstance(to, ReferenceToMulti):
        targets = to.uuid_strings
        if len(targets) != 1:
            raise ConfigError(
                "reference_add / reference_delete take one target; use reference_add_many "
                "or reference_replace for several",
                field="to",
            )
        return beacon(uuid_str(targets[0], field="to"), to.target_collection)
    if isinstance(to, str | uuid_lib.UUID):
        return beacon(uuid_str(to, field="to"))
    raise ConfigError(
        "reference_add / reference_delete take one target UUID (or ReferenceToMulti with "
        f"one UUID); got {type(to).__name__} - use reference_add_many or reference_replace "
        "for several",
        field="to",
    )


def reference_add(
    ctx: CollectionContext, from_uuid: Any, from_property: str, to: Any
) -> Operation[None]:
    """``POST .../references/{property}``: add one reference."""
    path = _ref_path(ctx, uuid_str(from_uuid, field="from_uuid"), from_property)
    yield from http(
        "POST",
        path,
        operation="data.reference_add",
        json={"beacon": _single_beacon(to)},
        params=ctx.rest_params(),
        idempotent=False,
    )


def reference_delete(
    ctx: CollectionContext, from_uuid: Any, from_property: str, to: Any
) -> Operation[None]:
    """``DELETE .../references/{property}``: remove one reference."""
    path = _ref_path(ctx, uuid_str(from_uuid, field="from_uuid"), from_property)
    yield from http(
        "DELETE",
        path,
        operation="data.reference_delete",
        json={"beacon": _single_beacon(to)},
        params=ctx.rest_params(),
    )


def reference_replace(
    ctx: CollectionContext, from_uuid: Any, from_property: str, to: Any
) -> Operation[None]:
    """``PUT .../references/{property}``: the property then holds exactly ``to``."""
    path = _ref_path(ctx, uuid_str(from_uuid, field="from_uuid"), from_property)
    beacons = encode_rest_references({from_property: to})[from_property]
    yield from http(
        "PUT",
        path,
        operation="data.reference_replace",
        json=beacons,
        params=ctx.rest_params(),
    )


def insert_many(
    ctx: CollectionContext,
    objects: Sequence[Mapping[str, Any] | DataObject],
    *,
    batch_size: int | None = None,
    concurrency: int | None = None,
) -> Operation[BatchResult]:
    """Encode ``objects`` and send them with gRPC ``BatchObjects`` (split and concurrent)."""
    started = time.perf_counter()
    if isinstance(objects, Mapping | DataObject) or not isinstance(objects, Sequence):
        raise ConfigError(
            "insert_many takes a sequence of property mappings or DataObject", field="objects"
        )
    pending = batch_ops.PendingObjects()
    with paused_gc():
        for index, obj in enumerate(objects):
            if isinstance(obj, DataObject):
                pending.add(
                    index,
                    ctx.name,
                    obj.properties,
                    uuid=obj.uuid,
                    vector=obj.vector,
                    references=obj.references,
                    tenant=ctx.tenant,
                )
            elif isinstance(obj, Mapping):
                pending.add(index, ctx.name, obj, tenant=ctx.tenant)
            else:
                raise ConfigError(
                    f"insert_many: object {index} must be a mapping of properties or a DataObject, "
                    f"got {type(obj).__name__}",
                    field="objects",
                )
    result = yield from batch_ops.send_objects(
        pending,
        consistency=ctx.consistency,
        max_bytes=ctx.grpc_max_message_size,
        batch_size=batch_size or batch_ops.DEFAULT_BATCH_SIZE,
        concurrency=concurrency or batch_ops.DEFAULT_CONCURRENCY,
    )
    result.elapsed = time.perf_counter() - started
    return result


def reference_add_many(
    ctx: CollectionContext,
    references: Sequence[DataReference],
    *,
    batch_size: int | None = None,
    concurrency: int | None = None,
) -> Operation[BatchReferenceResult]:
    """Add many references with gRPC ``BatchReferences``.

    A :class:`DataReference` with several target UUIDs counts as one reference per
    target; indexes in the result count those.
    """
    started = time.perf_counter()
    pending = batch_ops.PendingReferences()
    index = 0
    for ref in references:
        if not isinstance(ref, DataReference):
            raise ConfigError(
                f"reference_add_many takes DataReference items, got {type(ref).__name__}",
                field="references",
            )
        for target in ref.to_uuid_strings:
            pending.add(
                index,
                from_collection=ctx.name,
                from_uuid=ref.from_uuid,
                from_property=ref.from_property,
                to_uuid=target,
                to_collection=ref.target_collection,
                tenant=ctx.tenant,
            )
            index += 1
    result = yield from batch_ops.send_references(
        pending,
        consistency=ctx.consistency,
        max_bytes=ctx.grpc_max_message_size,
        batch_size=batch_size or batch_ops.DEFAULT_REFERENCE_BATCH_SIZE,
        concurrency=concurrency or batch_ops.DEFAULT_CONCURRENCY,
    )
    result.elapsed = time.perf_counter() - started
    return result


def delete_many(
    ctx: CollectionContext,
    filters: base_pb2.Filters,
    *,
    dry_run: bool = False,
    verbose: bool = False,
) -> Operation[DeleteManyResult]:
    """Delete every object matching ``filters`` (a ``Filters`` message) with ``BatchDelete``."""
    result = yield from _batch_delete(
        ctx, filters, dry_run=dry_run, verbose=verbose, operation="data.delete_many"
    )
    return result


def delete_many_call(
    ctx: CollectionContext,
    filters: base_pb2.Filters,
    *,
    dry_run: bool = False,
    verbose: bool = False,
    operation: str = "data.delete_many",
) -> GrpcCall:
    """The ``BatchDelete`` call of :func:`delete_many` (encoded, not sent)."""
    if not isinstance(filters, base_pb2.Filters):
        raise ConfigError(
            f"delete_many needs a filter, got {type(filters).__name__}", field="where"
        )
    request = batch_delete_pb2.BatchDeleteRequest(
        collection=ctx.name, filters=filters, dry_run=bool(dry_run), verbose=bool(verbose)
    )
    level = consistency_enum(ctx.consistency)
    if level is not None:
        request.consistency_level = level  # type: ignore[assignment]
    if ctx.tenant:
        request.tenant = ctx.tenant
    return GrpcCall(
        method="BatchDelete",
        request=request,
        reply_type=batch_delete_pb2.BatchDeleteReply,
        operation=operation,
        idempotent=True,
    )


def delete_many_result(reply: batch_delete_pb2.BatchDeleteReply) -> DeleteManyResult:
    """The typed result of a ``BatchDelete`` reply."""
    objects = [
        DeleteManyObject(
            uuid=_uuid_from_bytes(o.uuid),
            successful=o.successful,
            error=(o.error or None) if o.HasField("error") else None,
        )
        for o in reply.objects
    ]
    return DeleteManyResult(
        matches=int(reply.matches),
        successful=int(reply.successful),
        failed=int(reply.failed),
        objects=objects,
        elapsed=float(reply.took),
    )


def _batch_delete(
    ctx: CollectionContext,
    filters: base_pb2.Filters,
    *,
    dry_run: bool,
    verbose: bool,
    operation: str,
) -> Operation[DeleteManyResult]:
    call = delete_many_call(ctx, filters, dry_run=dry_run, verbose=verbose, operation=operation)
    reply: batch_delete_pb2.BatchDeleteReply = yield call
    return delete_many_result(reply)


def _uuid_from_bytes(raw: bytes) -> uuid_lib.UUID:
    if len(raw) == 16:
        return uuid_lib.UUID(bytes=bytes(raw))
    return uuid_lib.UUID(raw.decode())
