"""Translate server answers (HTTP statuses, gRPC codes) into :mod:`weavorm.errors`."""

from __future__ import annotations

import json
from typing import Any

from weavorm.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    UnavailableError,
    UnprocessableError,
)

__all__ = ["GRPC_TO_HTTP", "error_for_grpc", "error_for_status", "server_message"]

_BY_STATUS: dict[int, type[ServerError]] = {
    400: UnprocessableError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableError,
    429: UnavailableError,
    502: UnavailableError,
    503: UnavailableError,
    504: UnavailableError,
}

#: gRPC status code name -> the HTTP status it corresponds to.
GRPC_TO_HTTP: dict[str, int] = {
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INVALID_ARGUMENT": 422,
    "DEADLINE_EXCEEDED": 504,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "PERMISSION_DENIED": 403,
    "RESOURCE_EXHAUSTED": 429,
    "FAILED_PRECONDITION": 422,
    "ABORTED": 409,
    "OUT_OF_RANGE": 422,
    "UNIMPLEMENTED": 501,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
    "DATA_LOSS": 500,
    "UNAUTHENTICATED": 401,
}


def server_message(body: Any, text: str = "") -> str:
    """Extract the human message from a Weaviate error body.

    Weaviate answers ``{"error": [{"message": ...}]}``, ``{"message": ...}`` or
    ``{"code": ..., "message": ...}``; anything else is returned as text.
    """
    if isinstance(body, dict):
        errors = body.get("error")
        if isinstance(errors, list):
            messages = [str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors]
            if messages:
                return "; ".join(messages)
        if isinstance(errors, str):
            return errors
        if "message" in body:
            return str(body["message"])
    if isinstance(body, list) and body:
        return "; ".join(server_message(item) for item in body)
    if body is not None and not text:
        return json.dumps(body)
    return text.strip() or "(no message)"


def error_for_status(
    status: int, body: Any, text: str = "", *, operation: str | None = None
) -> ServerError:
    """The typed error for an HTTP error status."""
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = UnavailableError if status in (502, 503, 504) else ServerError
    return cls(status, server_message(body, text), operation=operation)


def error_for_grpc(code: str, details: str, *, operation: str | None = None) -> ServerError:
    """The typed error for a gRPC status code name and its details."""
    if code in ("UNKNOWN", "INTERNAL"):
        # Weaviate answers auth failures on gRPC as UNKNOWN with the REST wording.
        lowered = details.lower()
        if "unauthorized" in lowered or "invalid api key" in lowered:
            code = "UNAUTHENTICATED"
        elif "forbidden" in lowered:
            code = "PERMISSION_DENIED"
    status = GRPC_TO_HTTP.get(code, 500)
    cls: type[ServerError]
    if code in ("UNAVAILABLE", "RESOURCE_EXHAUSTED"):
        cls = UnavailableError
    else:
        cls = _BY_STATUS.get(status, ServerError)
        if cls is UnavailableError:
            cls = ServerError
    return cls(status, details or "(no message)", grpc_code=code, operation=operation)
