"""Request telemetry: an event for the start, the end and the failure of every call.

Subscribe per client or for every client in the process::

    events = []
    unsubscribe = client.telemetry.subscribe(events.append)
    client.meta()
    unsubscribe()

    weavorm.engine.telemetry.subscribe(my_metrics_hook)   # process-wide

Events never carry headers, credentials or bodies: only the operation name, the
transport, the path or RPC name, the attempt number, the duration and the status.
:func:`log_events` routes events to the ``weavorm.requests`` logger.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = ["RequestEvent", "Subscriber", "Telemetry", "log_events", "subscribe"]

EventKind = Literal["start", "stop", "error", "circuit"]


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """One telemetry event.

    Attributes:
        kind: ``"start"`` before a call, ``"stop"`` after a reply, ``"error"`` after a
            failure, ``"circuit"`` when a circuit breaker changes state (then
            ``operation`` is ``"circuit.open"``, ``"circuit.half_open"`` or
            ``"circuit.closed"``, ``target`` the endpoint, ``status`` the new state,
            ``error`` the reason and ``duration`` the seconds it stays open).
        operation: weavorm's operation name, e.g. ``"query.near_vector"``.
        transport: ``"http"`` or ``"grpc"``.
        target: REST ``METHOD /path`` or the gRPC method name.
        attempt: 1 for the first try, 2+ for retries.
        duration: Seconds since the start of this attempt (0 for ``start``).
        status: HTTP status or gRPC code name, when there is one.
        error: The error's type name and message for ``error`` events.
        will_retry: For ``error`` events, whether another attempt follows.
        request_bytes: Size of the serialized request body, when known.
    """

    kind: EventKind
    operation: str
    transport: str
    target: str
    attempt: int
    duration: float = 0.0
    status: int | str | None = None
    error: str | None = None
    will_retry: bool = False
    request_bytes: int | None = None


Subscriber = Callable[[RequestEvent], None]

_global_lock = threading.Lock()
_global_subscribers: list[Subscriber] = []
_log = logging.getLogger("weavorm.requests")


def subscribe(subscriber: Subscriber) -> Callable[[], None]:
    """Subscribe to events of every client in this process.

    Returns:
        A function that unsubscribes.
    """
    with _global_lock:
        _global_subscribers.append(subscriber)

    def unsubscribe() -> None:
        with _global_lock:
            if subscriber in _global_subscribers:
                _global_subscribers.remove(subscriber)

    return unsubscribe


class Telemetry:
    """The event hub of one client. Subscribers must be quick and must not raise."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        """Subscribe to this client's events; returns a function that unsubscribes."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    @property
    def listening(self) -> bool:
        """Whether anyone subscribed (to this client or process-wide)."""
        return bool(self._subscribers or _global_subscribers)

    def emit(self, event: RequestEvent) -> None:
        """Deliver ``event`` to this client's and the process-wide subscribers."""
        if not (self._subscribers or _global_subscribers):
            return
        with self._lock:
            subscribers = list(self._subscribers)
        with _global_lock:
            subscribers.extend(_global_subscribers)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:  # a broken subscriber must not break requests
                _log.exception("telemetry subscriber %r raised", subscriber)


class Span:
    """Times one attempt of one call and emits its events."""

    __slots__ = ("_hub", "_started", "attempt", "operation", "request_bytes", "target", "transport")

    def __init__(
        self,
        hub: Telemetry,
        *,
        operation: str,
        transport: str,
        target: str,
        attempt: int,
        request_bytes: int | None = None,
    ) -> None:
        self._hub = hub
        self.operation = operation
        self.transport = transport
        self.target = target
        self.attempt = attempt
        self.request_bytes = request_bytes
        self._started = time.perf_counter()
        if hub.listening:  # no event objects at all when nobody listens
            hub.emit(
                RequestEvent(
                    "start", operation, transport, target, attempt, request_bytes=request_bytes
                )
            )

    def stop(self, status: int | str | None) -> None:
        """Emit the ``stop`` event."""
        if not self._hub.listening:
            return
        self._hub.emit(
            RequestEvent(
                "stop",
                self.operation,
                self.transport,
                self.target,
                self.attempt,
                duration=time.perf_counter() - self._started,
                status=status,
                request_bytes=self.request_bytes,
            )
        )

    def fail(self, error: BaseException, *, status: int | str | None, will_retry: bool) -> None:
        """Emit the ``error`` event."""
        self._hub.emit(
            RequestEvent(
                "error",
                self.operation,
                self.transport,
                self.target,
                self.attempt,
                duration=time.perf_counter() - self._started,
                status=status,
                error=f"{type(error).__name__}: {error}",
                will_retry=will_retry,
                request_bytes=self.request_bytes,
            )
        )


def log_events(
    *, logger: logging.Logger | None = None, level: int = logging.DEBUG
) -> Callable[[], None]:
    """Log every ``stop`` and ``error`` event (errors at WARNING) to ``weavorm.requests``.

    Returns:
        A function that stops the logging.
    """
    target = logger or _log

    def _on_event(event: RequestEvent) -> None:
        if event.kind == "stop":
            target.log(
                level,
                "%s %s %s attempt=%d status=%s %.1fms",
                event.operation,
                event.transport,
                event.target,
                event.attempt,
                event.status,
                event.duration * 1000,
            )
        elif event.kind == "error":
            target.log(
                logging.INFO if event.will_retry else logging.WARNING,
                "%s %s %s attempt=%d failed%s: %s",
                event.operation,
                event.transport,
                event.target,
                event.attempt,
                " (retrying)" if event.will_retry else "",
                event.error,
            )

    return subscribe(_on_event)
