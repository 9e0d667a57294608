"""What the escape hatches return: raw REST replies and raw GraphQL answers.

``client.raw.request(method, path, json=None)`` returns an :class:`HttpReply`;
``client.graphql_raw_query(query)`` returns a :class:`GraphQLResult`. Both calls still
get the client's auth, retries, telemetry and typed errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from weavorm.errors import QueryError

__all__ = ["GraphQLResult", "HttpReply"]


@dataclass(frozen=True, slots=True)
class HttpReply:
    """A REST reply: status, decoded JSON body (or None) and the raw text.

    Attributes:
        status: The HTTP status code.
        json: The decoded JSON body, or ``None`` when the body is not JSON.
        text: The body as text.
        headers: The response headers.
    """

    status: int
    json: Any
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GraphQLResult:
    """The answer to a raw GraphQL query.

    Attributes:
        data: The ``data`` member.
        errors: The ``errors`` member (a list of error objects; empty when none).
    """

    data: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def raise_for_errors(self) -> GraphQLResult:
        """Raise :class:`~weavorm.errors.QueryError` listing the errors, if any.

        Returns:
            This result, when it has no errors.

        Raises:
            QueryError: The server reported errors.
        """
        if self.errors:
            messages = "; ".join(str(e.get("message", e)) for e in self.errors)
            raise QueryError(f"GraphQL query failed: {messages}")
        return self
