"""Collection (schema) operations over REST: create, get, list, delete, update, shards."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from weavorm.engine._protocol.calls import Operation, http
from weavorm.engine._protocol.validate import check_collection_name, check_path_name
from weavorm.errors import ConfigError, ConflictError, UnprocessableError

__all__ = [
    "add_property",
    "create",
    "delete",
    "exists",
    "get",
    "list_all",
    "shards",
    "update",
    "update_shard",
]


def _path(name: str) -> str:
    return f"/v1/schema/{quote(check_collection_name(name, 'collection name'), safe='')}"


def create(class_json: dict[str, Any]) -> Operation[dict[str, Any]]:
    """``POST /v1/schema``; returns the class as the server stored it."""
    if not isinstance(class_json, dict) or not class_json.get("class"):
        raise ConfigError("a collection definition needs a 'class' name", field="class")
    check_collection_name(class_json["class"], "class")
    try:
        reply = yield from http(
            "POST", "/v1/schema", operation="collections.create", json=class_json, idempotent=False
        )
    except UnprocessableError as exc:
        if "already exists" in exc.message:
            raise ConflictError(409, exc.message, operation=exc.operation) from exc
        raise
    stored: dict[str, Any] = reply.json if isinstance(reply.json, dict) else class_json
    return stored


def get(name: str) -> Operation[dict[str, Any]]:
    """``GET /v1/schema/{name}``; raises NotFoundError when missing."""
    reply = yield from http("GET", _path(name), operation="collections.get")
    body: dict[str, Any] = reply.json
    return body


def exists(name: str) -> Operation[bool]:
    """Whether the collection (or alias) exists."""
    reply = yield from http(
        "GET", _path(name), operation="collections.exists", accept=frozenset({404})
    )
    return reply.status == 200 and bool(reply.json)


def list_all() -> Operation[list[dict[str, Any]]]:
    """``GET /v1/schema``: every collection's class JSON."""
    reply = yield from http("GET", "/v1/schema", operation="collections.list")
    classes: list[dict[str, Any]] = (reply.json or {}).get("classes") or []
    return classes


def delete(name: str) -> Operation[None]:
    """``DELETE /v1/schema/{name}`` (no error when it does not exist)."""
    yield from http("DELETE", _path(name), operation="collections.delete", accept=frozenset({404}))


def update(name: str, class_json: dict[str, Any]) -> Operation[dict[str, Any]]:
    """``PUT /v1/schema/{name}`` with the complete new class JSON."""
    reply = yield from http("PUT", _path(name), operation="collections.update", json=class_json)
    body: dict[str, Any] = reply.json if isinstance(reply.json, dict) else class_json
    return body


def add_property(name: str, prop_json: dict[str, Any]) -> Operation[dict[str, Any]]:
    """``POST /v1/schema/{name}/properties``."""
    reply = yield from http(
        "POST",
        _path(name) + "/properties",
        operation="collections.add_property",
        json=prop_json,
        idempotent=False,
    )
    body: dict[str, Any] = reply.json if isinstance(reply.json, dict) else prop_json
    return body


def shards(name: str, *, tenant: str | None = None) -> Operation[list[dict[str, Any]]]:
    """``GET /v1/schema/{name}/shards``: name, status, vectorQueueSize per shard."""
    params = {"tenant": tenant} if tenant else None
    reply = yield from http(
        "GET", _path(name) + "/shards", operation="collections.shards", params=params
    )
    body: list[dict[str, Any]] = reply.json or []
    return body


def update_shard(name: str, shard: str, status: str) -> Operation[dict[str, Any]]:
    """``PUT /v1/schema/{name}/shards/{shard}`` with ``{"status": "READY"|"READONLY"}``."""
    status = status.upper()
    if status not in ("READY", "READONLY"):
        raise ConfigError(f"shard status must be READY or READONLY, got {status!r}", field="status")
    reply = yield from http(
        "PUT",
        _path(name) + f"/shards/{quote(check_path_name(shard, 'shard'), safe='')}",
        operation="collections.update_shard",
        json={"status": status},
    )
    body: dict[str, Any] = reply.json or {}
    return body


def update_config(name: str, **changes: Any) -> Operation[dict[str, Any]]:
    """Fetch the class, apply ``merge_update(**changes)`` and ``PUT`` it back."""
    from weavorm.config import merge_update

    current = yield from get(name)
    body = merge_update(current, **changes)
    stored = yield from update(name, body)
    return stored


def add_property_obj(name: str, prop: Any) -> Operation[dict[str, Any]]:
    """Add a :class:`~weavorm.config.Property` or ``ReferenceProperty``."""
    from weavorm.config import ReferenceProperty, parse_collection_config

    if isinstance(prop, ReferenceProperty):
        body = prop.to_dict()
    else:
        current = yield from get(name)
        modules = parse_collection_config(current).property_modules()
        body = prop.to_dict(vectorizer_modules=modules)
    stored = yield from add_property(name, body)
    return stored
