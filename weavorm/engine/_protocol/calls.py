"""The calls a protocol operation asks a driver to make, and the replies it gets back.

Protocol operations are generators: they ``yield`` a call description and receive the
reply (or have a :mod:`weavorm.errors` exception thrown into them), and finally
``return`` a typed result. They never do I/O themselves, so the same operation runs
under the sync driver and the async driver.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from google.protobuf.message import Message

from weavorm.engine.raw import HttpReply as HttpReply  # public; the reply of an HttpCall

T = TypeVar("T")

_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class HttpCall:
    """One REST request.

    Attributes:
        method: HTTP method.
        path: Path below the base URL, e.g. ``/v1/schema``.
        operation: weavorm's name of the operation, used in errors and telemetry.
        json: A JSON body.
        params: Query parameters.
        idempotent: Whether the call may be retried; by default from the method.
        accept: Statuses that are returned as replies instead of raised (e.g. 404
            for an ``exists`` check).
        timeout: A per-call timeout in seconds overriding the client's.
    """

    method: str
    path: str
    operation: str
    json: Any = None
    params: Mapping[str, str] | None = None
    idempotent: bool | None = None
    accept: frozenset[int] = frozenset()
    timeout: float | None = None

    @property
    def retryable(self) -> bool:
        """Whether the transport may retry this call on a transient failure."""
        if self.idempotent is not None:
            return self.idempotent
        return self.method.upper() in _IDEMPOTENT_METHODS


@dataclass(frozen=True, slots=True)
class GrpcCall:
    """One unary gRPC call on the ``weaviate.v1.Weaviate`` service (or health).

    Attributes:
        method: The RPC name, e.g. ``"Search"``.
        request: The request message.
        reply_type: The reply message class.
        operation: weavorm's name of the operation.
        idempotent: Whether the call may be retried on a transient failure.
        timeout: Deadline in seconds overriding the client's.
        service: The fully qualified gRPC service name.
    """

    method: str
    request: Message
    reply_type: type[Message]
    operation: str
    idempotent: bool = True
    timeout: float | None = None
    service: str = "weaviate.v1.Weaviate"

    @property
    def retryable(self) -> bool:
        """Whether the transport may retry this call on a transient failure."""
        return self.idempotent

    @property
    def path(self) -> str:
        """The full RPC path, e.g. ``/weaviate.v1.Weaviate/Search``."""
        return f"/{self.service}/{self.method}"


@dataclass(frozen=True, slots=True)
class Parallel:
    """Run several calls concurrently; the reply is a list in the same order.

    Each entry of the reply is either the call's reply or the
    :class:`weavorm.errors.WeavormError` it raised (errors are not thrown, so the
    operation can account for every item).

    Attributes:
        calls: The calls: a sequence, or a lazy iterable that the driver pulls the next
            call from when a slot frees (so building a call overlaps with the calls in
            flight; the session's flush streams its encoded requests this way).
        concurrency: At most this many in flight at once.
    """

    calls: Iterable[HttpCall | GrpcCall]
    concurrency: int = 4


@dataclass(frozen=True, slots=True)
class Sleep:
    """Pause for ``seconds`` (used by multi-step flows that wait, e.g. backups)."""

    seconds: float


Call: TypeAlias = HttpCall | GrpcCall | Parallel | Sleep
Operation: TypeAlias = Generator[Call, Any, T]


def http(
    method: str,
    path: str,
    *,
    operation: str,
    json: Any = None,
    params: Mapping[str, str] | None = None,
    idempotent: bool | None = None,
    accept: frozenset[int] = frozenset(),
    timeout: float | None = None,
) -> Generator[Call, Any, HttpReply]:
    """Yield one REST call and return its reply (``yield from`` it)."""
    reply: HttpReply = yield HttpCall(
        method=method,
        path=path,
        operation=operation,
        json=json,
        params=params,
        idempotent=idempotent,
        accept=accept,
        timeout=timeout,
    )
    return reply


M = TypeVar("M", bound=Message)


def grpc(
    method: str,
    request: Message,
    reply_type: type[M],
    *,
    operation: str,
    idempotent: bool = True,
    timeout: float | None = None,
    service: str = "weaviate.v1.Weaviate",
) -> Generator[Call, Any, M]:
    """Yield one gRPC call and return its reply message."""
    reply: M = yield GrpcCall(
        method=method,
        request=request,
        reply_type=reply_type,
        operation=operation,
        idempotent=idempotent,
        timeout=timeout,
        service=service,
    )
    return reply


def parallel(
    calls: Iterable[HttpCall | GrpcCall], *, concurrency: int = 4
) -> Generator[Call, Any, list[Any]]:
    """Yield calls to run concurrently; returns replies or errors in order."""
    replies: list[Any] = yield Parallel(calls=calls, concurrency=concurrency)
    return replies


def sleep(seconds: float) -> Generator[Call, Any, None]:
    """Ask the driver to pause."""
    yield Sleep(seconds)
