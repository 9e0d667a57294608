"""The one exception tree of weavorm.

Every error weavorm raises derives from :class:`WeavormError`. Transport libraries'
exceptions (httpx, grpcio) never escape: they are translated at the transport
boundary and chained with ``raise ... from exc``.

::

    WeavormError
    ├── ConfigError                 invalid client, server or collection configuration
    ├── TransportError              the request did not get a server answer
    │   ├── ConnectError            nothing listening, DNS, refused, TLS
    │   ├── TimeoutError            a deadline passed
    │   └── CircuitOpenError        not sent: the endpoint's circuit breaker is open
    │       └── NoFallbackError     gRPC is down and this operation has no REST fallback
    ├── ServerError(status, message) the server answered with an error
    │   ├── AuthenticationError     401 / UNAUTHENTICATED
    │   ├── PermissionDeniedError   403 / PERMISSION_DENIED
    │   ├── NotFoundError           404 / NOT_FOUND
    │   ├── ConflictError           409 / ALREADY_EXISTS
    │   ├── UnprocessableError      422 / INVALID_ARGUMENT
    │   └── UnavailableError        429, 5xx / UNAVAILABLE, RESOURCE_EXHAUSTED (transient)
    ├── ServerVersionError          the server is older than weavorm supports
    ├── ServerStartError            a local weaviate-server could not be installed or started
    ├── QueryError                  a query that cannot be compiled (unknown field, lookup)
    ├── BatchError                  objects of a batch failed (carries every failure)
    │   ├── BatchDeadlineError      a batch's total deadline passed (lists what did not land)
    │   └── FlushError              a session flush left failed objects pending
    ├── SchemaError                 an invalid model or schema
    │   ├── StoredObjectError       a stored object does not fit its model (missing field)
    │   └── UnknownDataTypeError    a data type Weaviate does not have (also a ConfigError)
    ├── MigrationError              a migration that would break data, or failed
    ├── NotLoadedError              a reference was read that was not loaded
    └── SQLError                    an SQL statement weavorm cannot run (with position)

Per model, ``Model.DoesNotExist`` derives from :class:`ObjectDoesNotExist` and
``Model.MultipleObjectsReturned`` from :class:`MultipleObjectsReturned`; both are
:class:`QueryError` subclasses.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "AuthenticationError",
    "BatchDeadlineError",
    "BatchError",
    "CircuitOpenError",
    "ConfigError",
    "ConflictError",
    "ConnectError",
    "FlushError",
    "MigrationError",
    "MultipleObjectsReturned",
    "NoFallbackError",
    "NotFoundError",
    "NotLoadedError",
    "ObjectDoesNotExist",
    "PermissionDeniedError",
    "QueryError",
    "SQLError",
    "SchemaError",
    "ServerError",
    "ServerStartError",
    "ServerVersionError",
    "StoredObjectError",
    "TimeoutError",
    "TransportError",
    "UnavailableError",
    "UnknownDataTypeError",
    "UnprocessableError",
    "WeavormError",
]


class WeavormError(Exception):
    """Base class of every error raised by weavorm."""


class ConfigError(WeavormError, ValueError):
    """An invalid configuration value.

    Attributes:
        field: The name of the offending setting, when known.
        value: The offending value (secrets are never stored here).
    """

    def __init__(self, message: str, *, field: str | None = None, value: Any = None) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class TransportError(WeavormError):
    """The request did not reach the server or got no answer."""


class ConnectError(TransportError):
    """No connection could be made (refused, unreachable, DNS, TLS)."""


class TimeoutError(TransportError, builtins.TimeoutError):
    """A deadline passed before the server answered."""


class CircuitOpenError(TransportError):
    """The call was not sent: the endpoint's circuit breaker is open.

    Raised at once (no I/O) after a run of connection failures to the endpoint,
    until the circuit half-opens and a probe call gets an answer.

    Attributes:
        transport: ``"http"`` or ``"grpc"``.
        endpoint: The REST base URL or the gRPC ``host:port``.
        until: Wall-clock time (``time.time()``) when the circuit half-opens.
    """

    def __init__(self, message: str, *, transport: str, endpoint: str, until: float) -> None:
        super().__init__(message)
        self.transport = transport
        self.endpoint = endpoint
        self.until = until


class NoFallbackError(CircuitOpenError):
    """gRPC is unreachable and the operation has no REST equivalent to fall back to.

    Raised with ``grpc_fallback="rest"`` for what only gRPC serves (generative
    searches, rerank, grouped searches, media searches, ...), at once, without I/O.

    Attributes:
        operation: The weavorm operation, e.g. ``"query.near_image"``.
        feature: What has no REST form, e.g. ``"rerank"`` (or the gRPC method).
    """

    def __init__(
        self,
        message: str,
        *,
        transport: str,
        endpoint: str,
        until: float,
        operation: str,
        feature: str,
    ) -> None:
        super().__init__(message, transport=transport, endpoint=endpoint, until=until)
        self.operation = operation
        self.feature = feature


class ServerError(WeavormError):
    """The server answered with an error.

    Attributes:
        status: The HTTP status, or the HTTP status equivalent of the gRPC code.
        message: The server's own error message.
        grpc_code: The gRPC status code name (e.g. ``"NOT_FOUND"``) for gRPC calls.
        operation: The weavorm operation name, e.g. ``"collections.create"``.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        grpc_code: str | None = None,
        operation: str | None = None,
    ) -> None:
        self.status = status
        self.message = message
        self.grpc_code = grpc_code
        self.operation = operation
        where = f"{operation}: " if operation else ""
        code = f" ({grpc_code})" if grpc_code else ""
        super().__init__(f"{where}server answered {status}{code}: {message}")


class AuthenticationError(ServerError):
    """The server rejected the credentials (missing or wrong API key / token)."""


class PermissionDeniedError(ServerError):
    """The credentials are valid but lack permission for the operation."""


class NotFoundError(ServerError):
    """The addressed collection, object, tenant or resource does not exist."""


class ConflictError(ServerError):
    """The resource already exists or the change conflicts with the current state."""


class UnprocessableError(ServerError):
    """The server refused the request as invalid (bad schema, bad filter, bad value)."""


class UnavailableError(ServerError):
    """The server is overloaded or temporarily unavailable; the call may be retried."""


class ServerVersionError(WeavormError):
    """The server's version is older than the oldest weavorm supports."""


class ServerStartError(WeavormError):
    """A local weaviate-server could not be installed or started.

    The message quotes the last lines of the server's log when there is one.
    """


class QueryError(WeavormError):
    """A query that cannot be compiled: unknown field or lookup, invalid combination."""


class ObjectDoesNotExist(QueryError):
    """``get()`` found no object. Each model has its own ``Model.DoesNotExist``."""


class MultipleObjectsReturned(QueryError):
    """``get()`` found more than one object. Each model has its own subclass."""


class BatchError(WeavormError):
    """Some objects or references of a batch failed.

    Attributes:
        errors: Index in the submitted sequence -> the server's message.
        failed: The failed items (objects or references) in submission order.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: Mapping[int, str] | None = None,
        failed: Sequence[Any] = (),
    ) -> None:
        super().__init__(message)
        self.errors: dict[int, str] = dict(errors or {})
        self.failed: list[Any] = list(failed)


class BatchDeadlineError(BatchError):
    """A batch's total ``deadline`` passed before every object had an outcome.

    Nothing more is sent. ``errors`` and ``failed`` list every object that did not
    land: the unsent ones, and those in flight when the deadline passed (the server
    may or may not have stored those; their UUIDs make sending them again safe).
    """


class FlushError(BatchError):
    """A session flush left objects pending; each failure carries the server's message."""


class SchemaError(WeavormError):
    """An invalid model declaration or schema."""


class StoredObjectError(SchemaError):
    """A stored object does not fit its model: a required field is missing or invalid.

    Attributes:
        collection: The collection the object was read from.
        object_id: The object's id.
        field: The Python path of the offending field (``"address.city"``).
    """

    def __init__(
        self, message: str, *, collection: str, object_id: Any, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.collection = collection
        self.object_id = object_id
        self.field = field


class UnknownDataTypeError(SchemaError, ConfigError):
    """A ``dataType`` that is neither one of Weaviate's data types nor a known collection.

    Raised wherever a data type is read (configuration builders, schema building and
    inspection, the SQL front end); the message lists the valid data types.

    Attributes:
        data_type: The unknown name.
    """

    def __init__(self, message: str, *, data_type: str, field: str | None = None) -> None:
        super().__init__(message, field=field, value=data_type)
        self.data_type = data_type


class MigrationError(WeavormError):
    """A migration that would break data without ``allow_breaking=True``, or that failed."""


class NotLoadedError(WeavormError, AttributeError):
    """A field of a reference that was not loaded with ``select_related`` was read."""


class SQLError(WeavormError):
    """An SQL statement that weavorm cannot parse or run.

    Attributes:
        position: 0-based character offset of the construct in the statement, if known.
        construct: The offending construct, e.g. ``"JOIN"``.
    """

    def __init__(
        self, message: str, *, position: int | None = None, construct: str | None = None
    ) -> None:
        self.position = position
        self.construct = construct
        where = f" at position {position}" if position is not None else ""
        super().__init__(f"{message}{where}")
