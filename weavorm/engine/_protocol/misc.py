"""Server-level operations: liveness, readiness, meta, version check, GraphQL, raw calls."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from weavorm.engine._protocol.calls import HttpReply, Operation, http
from weavorm.engine.raw import GraphQLResult
from weavorm.errors import QueryError, ServerVersionError, TransportError

__all__ = [
    "MIN_SERVER_VERSION",
    "GraphQLResult",
    "check_server_version",
    "graphql",
    "live",
    "meta",
    "parse_version",
    "raw_request",
    "ready",
]

#: The oldest Weaviate server weavorm works with.
MIN_SERVER_VERSION = (1, 27, 0)
_VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)")


def parse_version(text: str) -> tuple[int, int, int]:
    """Parse ``"1.39.3"`` (or ``"v1.39.3-rc.1"``) into a tuple.

    Raises:
        ServerVersionError: when the text is not a version.
    """
    match = _VERSION.match(text.strip())
    if match is None:
        raise ServerVersionError(f"cannot read the server version {text!r}")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def check_server_version(version: str, minimum: tuple[int, int, int] = MIN_SERVER_VERSION) -> None:
    """Raise :class:`ServerVersionError` when ``version`` is older than ``minimum``."""
    if parse_version(version) < minimum:
        wanted = ".".join(map(str, minimum))
        raise ServerVersionError(
            f"Weaviate server {version} is too old: weavorm needs {wanted} or newer "
            "(upgrade the server, or run `weavorm server start` for a local one)"
        )


def _probe(path: str, operation: str) -> Operation[bool]:
    try:
        reply = yield from http(
            "GET", path, operation=operation, idempotent=False, accept=frozenset({503})
        )
    except TransportError:
        return False
    return reply.status < 300


def live() -> Operation[bool]:
    """``GET /v1/.well-known/live``: False when unreachable or not live."""
    return _probe("/v1/.well-known/live", "is_live")


def ready() -> Operation[bool]:
    """``GET /v1/.well-known/ready``: False when unreachable or not ready."""
    return _probe("/v1/.well-known/ready", "is_ready")


def meta() -> Operation[dict[str, Any]]:
    """``GET /v1/meta``: version, hostname, enabled modules, gRPC message size."""
    reply = yield from http("GET", "/v1/meta", operation="meta")
    body: dict[str, Any] = reply.json if isinstance(reply.json, dict) else {}
    return body


def graphql(query: str, variables: Mapping[str, Any] | None = None) -> Operation[GraphQLResult]:
    """``POST /v1/graphql``. Read-only GraphQL queries are idempotent and retried."""
    if not isinstance(query, str) or not query.strip():
        raise QueryError("a GraphQL query must be a non-empty string")
    body: dict[str, Any] = {"query": query}
    if variables:
        body["variables"] = dict(variables)
    reply = yield from http("POST", "/v1/graphql", operation="graphql", json=body, idempotent=True)
    payload = reply.json if isinstance(reply.json, dict) else {}
    return GraphQLResult(data=payload.get("data") or {}, errors=list(payload.get("errors") or []))


def raw_request(
    method: str,
    path: str,
    *,
    json: Any = None,
    params: Mapping[str, str] | None = None,
    idempotent: bool | None = None,
    accept: frozenset[int] = frozenset(),
) -> Operation[HttpReply]:
    """Any REST call, with auth, retries, telemetry and typed errors."""
    if not path.startswith("/"):
        path = "/" + path
    if not path.startswith("/v1/"):
        path = "/v1" + path
    reply = yield from http(
        method.upper(),
        path,
        operation=f"raw {method.upper()}",
        json=json,
        params=params,
        idempotent=idempotent,
        accept=accept,
    )
    return reply


def grpc_health() -> Operation[bool]:
    """The standard gRPC health check (``grpc.health.v1.Health/Check``)."""
    from weavorm._proto.grpc.health.v1 import health_pb2
    from weavorm.engine._protocol.calls import grpc
    from weavorm.errors import WeavormError

    try:
        reply = yield from grpc(
            "Check",
            health_pb2.HealthCheckRequest(),
            health_pb2.HealthCheckResponse,
            operation="grpc_health",
            service="grpc.health.v1.Health",
            idempotent=False,
            timeout=5.0,
        )
    except WeavormError:
        return False
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)
