"""Tenant operations: REST ``/v1/schema/{collection}/tenants`` and gRPC ``TenantsGet``.

Names are validated before any I/O (``ConfigError`` naming the bad tenant or status).
Listing uses gRPC (one compact message); reading one tenant, existence checks and all
writes use REST. Updates go in chunks of :data:`UPDATE_CHUNK` tenants, like the
official client, so one request never carries thousands of tenants.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias
from urllib.parse import quote

from weavorm._proto.v1 import tenants_pb2
from weavorm.engine._protocol.calls import Operation, grpc, http
from weavorm.engine._protocol.validate import check_collection_name, check_tenant_name
from weavorm.engine.tenants_types import (
    CREATE_STATUSES,
    UPDATE_STATUSES,
    Tenant,
    TenantActivityStatus,
)
from weavorm.errors import ConfigError, WeavormError

__all__ = [
    "UPDATE_CHUNK",
    "TenantInput",
    "create",
    "create_body",
    "exists",
    "get",
    "get_by_name",
    "get_by_names",
    "parse_tenants_reply",
    "remove",
    "set_status",
    "status_from_proto",
    "tenant_names",
    "update",
    "update_bodies",
]

#: At most this many tenants per update request.
UPDATE_CHUNK = 100

TenantInput: TypeAlias = str | Tenant
"""A tenant given by name or as a :class:`Tenant`."""

_PROTO_STATUS: dict[int, TenantActivityStatus] = {
    tenants_pb2.TENANT_ACTIVITY_STATUS_HOT: TenantActivityStatus.ACTIVE,
    tenants_pb2.TENANT_ACTIVITY_STATUS_ACTIVE: TenantActivityStatus.ACTIVE,
    tenants_pb2.TENANT_ACTIVITY_STATUS_COLD: TenantActivityStatus.INACTIVE,
    tenants_pb2.TENANT_ACTIVITY_STATUS_INACTIVE: TenantActivityStatus.INACTIVE,
    tenants_pb2.TENANT_ACTIVITY_STATUS_FROZEN: TenantActivityStatus.OFFLOADED,
    tenants_pb2.TENANT_ACTIVITY_STATUS_OFFLOADED: TenantActivityStatus.OFFLOADED,
    tenants_pb2.TENANT_ACTIVITY_STATUS_FREEZING: TenantActivityStatus.OFFLOADING,
    tenants_pb2.TENANT_ACTIVITY_STATUS_OFFLOADING: TenantActivityStatus.OFFLOADING,
    tenants_pb2.TENANT_ACTIVITY_STATUS_UNFREEZING: TenantActivityStatus.ONLOADING,
    tenants_pb2.TENANT_ACTIVITY_STATUS_ONLOADING: TenantActivityStatus.ONLOADING,
}


def _collection_path(collection: str) -> str:
    check_collection_name(collection, "collection name")
    return f"/v1/schema/{quote(collection, safe='')}/tenants"


def _tenant_path(collection: str, tenant: TenantInput) -> str:
    name = check_tenant_name(_name(tenant, "tenant"))
    return f"{_collection_path(collection)}/{quote(name, safe='')}"


def _as_list(tenants: Any, field: str) -> list[Any]:
    if isinstance(tenants, (str, Tenant)):
        return [tenants]
    if isinstance(tenants, Sequence) and not isinstance(tenants, (bytes, bytearray)):
        items = list(tenants)
        if not items:
            raise ConfigError(f"{field} must not be empty", field=field, value=tenants)
        return items
    raise ConfigError(
        f"{field} must be a tenant name, a Tenant or a list of them, got {tenants!r}",
        field=field,
        value=tenants,
    )


def _name(tenant: Any, field: str) -> str:
    if isinstance(tenant, Tenant):
        return tenant.name
    if isinstance(tenant, str) and tenant.strip():
        return tenant
    raise ConfigError(
        f"a tenant name must be a non-empty string, got {tenant!r}", field=field, value=tenant
    )


def tenant_names(tenants: TenantInput | Sequence[TenantInput], field: str = "tenants") -> list[str]:
    """The names of one tenant or a list of tenants, validated."""
    return [_name(t, field) for t in _as_list(tenants, field)]


def _checked(item: Any, allowed: frozenset[TenantActivityStatus], verb: str) -> Tenant:
    tenant = item if isinstance(item, Tenant) else Tenant(_name(item, "tenants"))
    if tenant.activity_status not in allowed:
        names = " or ".join(sorted(s.value for s in allowed))
        raise ConfigError(
            f"tenant {tenant.name!r}: a tenant can be {verb} {names}, "
            f"not {tenant.activity_status.value}",
            field="activity_status",
            value=tenant.activity_status.value,
        )
    return tenant


def create_body(tenants: TenantInput | Sequence[TenantInput]) -> list[dict[str, str]]:
    """The REST body creating ``tenants`` (names become ACTIVE tenants)."""
    return [_checked(t, CREATE_STATUSES, "created").to_json() for t in _as_list(tenants, "tenants")]


def update_bodies(tenants: Tenant | Sequence[Tenant]) -> list[list[dict[str, str]]]:
    """The REST bodies (chunks of :data:`UPDATE_CHUNK`) updating ``tenants``."""
    items = _as_list(tenants, "tenants")
    for item in items:
        if not isinstance(item, Tenant):
            raise ConfigError(
                f"update needs Tenant objects with an activity_status, got {item!r}",
                field="tenants",
                value=item,
            )
    bodies = [_checked(t, UPDATE_STATUSES, "set to").to_json() for t in items]
    return [bodies[i : i + UPDATE_CHUNK] for i in range(0, len(bodies), UPDATE_CHUNK)]


def status_from_proto(status: int) -> TenantActivityStatus:
    """The status for a gRPC ``TenantActivityStatus`` value."""
    try:
        return _PROTO_STATUS[status]
    except KeyError:
        raise WeavormError(
            f"the server sent an unknown tenant activity status {status} "
            "(a newer server than this weavorm knows?)"
        ) from None


def parse_tenants_reply(reply: tenants_pb2.TenantsGetReply) -> dict[str, Tenant]:
    """Tenants by name from a ``TenantsGetReply``."""
    return {t.name: Tenant(t.name, status_from_proto(t.activity_status)) for t in reply.tenants}


def _tenant_from_json(body: Any) -> Tenant | None:
    if not isinstance(body, dict) or not body.get("name"):
        return None
    status = TenantActivityStatus.parse(body.get("activityStatus") or "ACTIVE")
    return Tenant(str(body["name"]), status)


# --- operations -------------------------------------------------------------------------------


def create(collection: str, tenants: TenantInput | Sequence[TenantInput]) -> Operation[None]:
    """``POST /v1/schema/{collection}/tenants``."""
    path, body = _collection_path(collection), create_body(tenants)
    yield from http("POST", path, operation="tenants.create", json=body)


def remove(collection: str, tenants: TenantInput | Sequence[TenantInput]) -> Operation[None]:
    """``DELETE /v1/schema/{collection}/tenants`` (missing names are ignored)."""
    path, names = _collection_path(collection), tenant_names(tenants)
    yield from http("DELETE", path, operation="tenants.remove", json=names)


def update(collection: str, tenants: Tenant | Sequence[Tenant]) -> Operation[None]:
    """``PUT /v1/schema/{collection}/tenants``, chunk by chunk."""
    path, bodies = _collection_path(collection), update_bodies(tenants)
    for body in bodies:
        yield from http("PUT", path, operation="tenants.update", json=body)


def set_status(
    collection: str,
    tenants: TenantInput | Sequence[TenantInput],
    status: TenantActivityStatus,
) -> Operation[None]:
    """Set every tenant in ``tenants`` to ``status``."""
    targets = [Tenant(name, status) for name in tenant_names(tenants)]
    return update(collection, targets)


def get(collection: str) -> Operation[dict[str, Tenant]]:
    """Every tenant by name (gRPC ``TenantsGet``)."""
    _collection_path(collection)
    request = tenants_pb2.TenantsGetRequest(collection=collection)
    reply = yield from grpc(
        "TenantsGet", request, tenants_pb2.TenantsGetReply, operation="tenants.get"
    )
    return parse_tenants_reply(reply)


def get_by_names(collection: str, tenants: Sequence[TenantInput]) -> Operation[dict[str, Tenant]]:
    """The named tenants that exist, by name (gRPC ``TenantsGet``)."""
    _collection_path(collection)
    if isinstance(tenants, (str, Tenant)):
        raise ConfigError(
            "get_by_names takes a list of tenants (use get_by_name for one)",
            field="tenants",
            value=tenants,
        )
    names = tenant_names(tenants)
    request = tenants_pb2.TenantsGetRequest(
        collection=collection, names=tenants_pb2.TenantNames(values=names)
    )
    reply = yield from grpc(
        "TenantsGet", request, tenants_pb2.TenantsGetReply, operation="tenants.get_by_names"
    )
    return parse_tenants_reply(reply)


def get_by_name(collection: str, tenant: TenantInput) -> Operation[Tenant | None]:
    """``GET /v1/schema/{collection}/tenants/{name}``; None when it does not exist."""
    path = _tenant_path(collection, tenant)
    reply = yield from http("GET", path, operation="tenants.get_by_name", accept=frozenset({404}))
    if reply.status == 404:
        return None
    return _tenant_from_json(reply.json)


def exists(collection: str, tenant: TenantInput) -> Operation[bool]:
    """``HEAD /v1/schema/{collection}/tenants/{name}``."""
    path = _tenant_path(collection, tenant)
    reply = yield from http("HEAD", path, operation="tenants.exists", accept=frozenset({404}))
    return reply.status == 200
