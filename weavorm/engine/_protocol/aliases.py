"""Collection aliases over REST (``/v1/aliases``, Weaviate 1.32+).

An alias is a second name for a collection; queries and writes through the alias
reach the collection it points to, and re-pointing it is atomic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from weavorm.engine._protocol.calls import Operation, http
from weavorm.engine._protocol.ops_common import capitalize_first, reply_dict, require_name, segment
from weavorm.engine._protocol.validate import check_collection_name

__all__ = ["AliasReturn", "create", "delete", "exists", "get", "list_all", "update"]


@dataclass(frozen=True, slots=True)
class AliasReturn:
    """An alias and the collection it points to.

    Attributes:
        alias: The alias name.
        collection: The collection.
    """

    alias: str
    collection: str


def _alias(data: Mapping[str, Any]) -> AliasReturn:
    return AliasReturn(alias=str(data.get("alias") or ""), collection=str(data.get("class") or ""))


def _path(alias_name: str) -> str:
    name = capitalize_first(require_name(alias_name, "alias_name"))
    return f"/v1/aliases/{segment(check_collection_name(name, 'alias_name'), 'alias_name')}"


def list_all(*, collection: str | None = None) -> Operation[dict[str, AliasReturn]]:
    """``GET /v1/aliases[?class=...]``: every alias (of one collection), by name."""
    params = (
        {"class": capitalize_first(require_name(collection, "collection"))}
        if collection is not None
        else None
    )
    reply = yield from http("GET", "/v1/aliases", operation="aliases.list_all", params=params)
    aliases = [_alias(a) for a in reply_dict(reply).get("aliases") or [] if isinstance(a, dict)]
    return {a.alias: a for a in aliases}


def get(alias_name: str) -> Operation[AliasReturn | None]:
    """``GET /v1/aliases/{alias}``; None when there is no such alias."""
    reply = yield from http(
        "GET", _path(alias_name), operation="aliases.get", accept=frozenset({404})
    )
    if reply.status == 404:
        return None
    return _alias(reply_dict(reply))


def exists(alias_name: str) -> Operation[bool]:
    """Whether an alias exists."""
    reply = yield from http(
        "GET", _path(alias_name), operation="aliases.exists", accept=frozenset({404})
    )
    return reply.status == 200


def create(alias_name: str, target_collection: str) -> Operation[None]:
    """``POST /v1/aliases``: point a new alias at a collection."""
    body = {
        "alias": capitalize_first(require_name(alias_name, "alias_name")),
        "class": capitalize_first(require_name(target_collection, "target_collection")),
    }
    yield from http("POST", "/v1/aliases", operation="aliases.create", json=body, idempotent=False)


def update(alias_name: str, new_target_collection: str) -> Operation[bool]:
    """``PUT /v1/aliases/{alias}``: re-point an alias; False when it does not exist."""
    body = {"class": capitalize_first(require_name(new_target_collection, "new_target_collection"))}
    reply = yield from http(
        "PUT", _path(alias_name), operation="aliases.update", json=body, accept=frozenset({404})
    )
    return reply.status == 200


def delete(alias_name: str) -> Operation[bool]:
    """``DELETE /v1/aliases/{alias}``; False when it did not exist."""
    reply = yield from http(
        "DELETE", _path(alias_name), operation="aliases.delete", accept=frozenset({404})
    )
    return reply.status == 204
