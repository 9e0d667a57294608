"""The state of a client-side batch (``batch.fixed_size()``, ``dynamic()``, ``rate_limit()``).

:class:`BatchCore` is pure: it encodes added objects and references, decides which
request to send next (by count, by size and, for references, only once the objects
they point from or to have an outcome), adapts the batch size (dynamic mode), paces
requests (rate-limit mode) and records outcomes. The runners in
:mod:`weavorm.engine.batching.namespaces` only move requests between this core and a driver.
"""

from __future__ import annotations

import time
import uuid as uuid_lib
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from weavorm.engine._protocol import collections as collection_ops
from weavorm.engine._protocol.calls import GrpcCall, Operation, sleep
from weavorm.engine._protocol.encode import reference_targets
from weavorm.engine.batching.requests import (
    PendingObjects,
    PendingReferences,
    apply_objects_reply,
    apply_references_reply,
    objects_call,
    oversized_message,
    references_call,
)
from weavorm.engine.types import (
    BatchObjectError,
    BatchReferenceError,
    BatchReferenceResult,
    BatchResult,
    BatchResults,
)
from weavorm.errors import (
    ConfigError,
    ConnectError,
    TimeoutError,
    UnavailableError,
    WeavormError,
)

__all__ = [
    "BatchCore",
    "BatchMode",
    "CoreBase",
    "Request",
    "run_request",
    "wait_for_indexing",
]

ModeKind = Literal["fixed_size", "dynamic", "rate_limit", "stream"]

#: Dynamic mode: bounds and the request duration it aims for.
DYNAMIC_MIN_BATCH = 10
DYNAMIC_MAX_BATCH = 1000
DYNAMIC_MAX_CONCURRENCY = 6
DYNAMIC_TARGET_SECONDS = 2.0
#: References per request.
REFERENCE_BATCH_SIZE = 500


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{name} must be an integer >= 1, got {value!r}", field=name, value=value)
    return value


@dataclass(frozen=True, slots=True)
class BatchMode:
    """How a batch sends its requests.

    Attributes:
        kind: ``fixed_size``, ``dynamic``, ``rate_limit`` or ``stream`` (server-side).
        batch_size: Objects per request (the starting size in dynamic mode).
        concurrency: Requests in flight at once.
        requests_per_minute: Objects per minute in rate-limit mode.
    """

    kind: ModeKind
    batch_size: int = 100
    concurrency: int = 2
    requests_per_minute: int | None = None

    @classmethod
    def fixed_size(cls, batch_size: int = 100, concurrent_requests: int = 2) -> BatchMode:
        """Requests of ``batch_size`` objects, ``concurrent_requests`` in flight."""
        return cls(
            "fixed_size",
            batch_size=_positive_int("batch_size", batch_size),
            concurrency=_positive_int("concurrent_requests", concurrent_requests),
        )

    @classmethod
    def dynamic(cls) -> BatchMode:
        """Batch size and concurrency adapt to how long the server takes per request."""
        return cls("dynamic", batch_size=100, concurrency=2)

    @classmethod
    def rate_limit(cls, requests_per_minute: int) -> BatchMode:
        """At most ``requests_per_minute`` objects per minute, spread evenly."""
        rpm = _positive_int("requests_per_minute", requests_per_minute)
        return cls(
            "rate_limit",
            batch_size=max(1, min(DYNAMIC_MAX_BATCH, rpm // 6)),
            concurrency=2,
            requests_per_minute=rpm,
        )

    @classmethod
    def stream(cls) -> BatchMode:
        """Server-side batching over one gRPC ``BatchStream``."""
        return cls("stream", batch_size=100, concurrency=1)


@dataclass(slots=True)
class Request:
    """One request a batch wants sent.

    Attributes:
        call: The gRPC call.
        objects: The objects it carries (object requests).
        references: The references it carries (reference requests).
        sent_at: Clock reading when it was handed to a driver.
    """

    call: GrpcCall
    objects: PendingObjects | None = None
    references: PendingReferences | None = None
    sent_at: float = 0.0

    @property
    def size(self) -> int:
        """Number of items carried."""
        if self.objects is not None:
            return len(self.objects)
        return len(self.references) if self.references is not None else 0


def run_request(request: Request) -> Operation[Any]:
    """Make the request's call; return the reply, or the error instead of raising it."""
    try:
        reply = yield request.call
    except WeavormError as error:
        return error
    return reply


@dataclass(slots=True)
class CoreBase:
    """Encoding, indexes and outcomes shared by client-side and server-side batches."""

    consistency: str | None
    max_bytes: int
    clock: Callable[[], float] = time.monotonic
    objects: PendingObjects = field(default_factory=PendingObjects)
    references: PendingReferences = field(default_factory=PendingReferences)
    results: BatchResults = field(default_factory=BatchResults)
    failed_objects: list[BatchObjectError] = field(default_factory=list)
    failed_references: list[BatchReferenceError] = field(default_factory=list)
    unresolved: Counter[str] = field(default_factory=Counter)
    object_count: int = 0
    reference_count: int = 0
    started: float = 0.0
    targets: set[tuple[str, str | None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def add_object(
        self,
        collection: str,
        properties: Mapping[str, Any] | None = None,
        *,
        uuid: Any = None,
        vector: Any = None,
        references: Mapping[str, Any] | None = None,
        tenant: str | None = None,
    ) -> uuid_lib.UUID:
        """Encode and queue one object; returns its UUID."""
        uid = self.objects.add(
            self.object_count,
            collection,
            properties,
            uuid=uuid,
            vector=vector,
            references=references,
            tenant=tenant,
        )
        self.object_count += 1
        self.unresolved[uid] += 1
        self.targets.add((collection, tenant))
        return uuid_lib.UUID(uid)

    def add_reference(
        self,
        *,
        from_collection: str,
        from_uuid: Any,
        from_property: str,
        to: Any,
        tenant: str | None = None,
    ) -> None:
        """Encode and queue a reference (one per target UUID)."""
        targets = reference_targets(to, field="to")
        for target, to_collection in targets:
            self.references.add(
                self.reference_count,
                from_collection=from_collection,
                from_uuid=from_uuid,
                from_property=from_property,
                to_uuid=target,
                to_collection=to_collection,
                tenant=tenant,
            )
            self.reference_count += 1

    @property
    def number_errors(self) -> int:
        """Failed objects plus failed references so far."""
        return len(self.failed_objects) + len(self.failed_references)

    def record_objects(self, pending: PendingObjects, reply: Any) -> None:
        """Record the outcome of an objects request."""
        part = BatchResult()
        apply_objects_reply(part, pending, range(len(pending)), reply)
        self.results.objs.merge(part)
        self.failed_objects.extend(part.failed_objects)
        for message in pending.messages:
            self._resolve(message.uuid)

    def record_references(self, pending: PendingReferences, reply: Any) -> None:
        """Record the outcome of a references request."""
        part = BatchReferenceResult()
        apply_references_reply(part, pending, range(len(pending)), reply)
        self.results.refs.merge(part)
        self.failed_references.extend(part.failed_references)

    def _resolve(self, uid: str) -> None:
        left = self.unresolved[uid] - 1
        if left > 0:
            self.unresolved[uid] = left
        else:
            del self.unresolved[uid]

    def abandon(self, message: str) -> None:
        """Record everything still queued as failed with ``message`` (nothing is dropped)."""
        if len(self.objects):
            self.record_objects(self.objects, WeavormError(message))
            self.objects = PendingObjects()
        if len(self.references):
            self.record_references(self.references, WeavormError(message))
            self.references = PendingReferences()

    def finish(self) -> None:
        """Stamp the elapsed time on the results."""
        elapsed = self.clock() - self.started
        self.results.objs.elapsed = elapsed
        self.results.refs.elapsed = elapsed


@dataclass(slots=True)
class BatchCore(CoreBase):
    """A client-side batch: which request goes next, pacing, adaptation, outcomes."""

    mode: BatchMode = field(default_factory=BatchMode.dynamic)
    batch_size: int = 100
    concurrency: int = 2
    next_allowed: float = 0.0

    def __post_init__(self) -> None:
        CoreBase.__post_init__(self)
        self.batch_size = self.mode.batch_size
        self.concurrency = self.mode.concurrency

    def next_request(self, *, final: bool, inflight: int) -> Request | None:
        """The next request to send now, if any.

        Objects go out in full batches (or all that is left when ``final``);
        references once the objects they name have an outcome (or when ``final``
        and nothing is in flight any more).
        """
        while len(self.objects) and (final or len(self.objects) >= self.batch_size):
            chunk, oversized = self.objects.take(self.batch_size, self.max_bytes)
            if oversized:
                self.record_objects(
                    chunk, WeavormError(oversized_message(chunk.sizes[0], self.max_bytes))
                )
                continue
            call = objects_call(chunk.messages, consistency=self.consistency)
            return Request(call=call, objects=chunk)
        if not len(self.references):
            return None
        if not final and len(self.references) < REFERENCE_BATCH_SIZE:
            return None
        unresolved = self.unresolved
        ready = [
            i
            for i, m in enumerate(self.references.messages)
            if m.from_uuid not in unresolved and m.to_uuid not in unresolved
        ][:REFERENCE_BATCH_SIZE]
        if not ready and final and inflight == 0 and not len(self.objects):
            ready = list(range(min(len(self.references), REFERENCE_BATCH_SIZE)))
        if not ready or (not final and len(ready) < REFERENCE_BATCH_SIZE):
            return None
        chunk_refs = self.references.take_positions(ready)
        call = references_call(chunk_refs.messages, consistency=self.consistency)
        return Request(call=call, references=chunk_refs)

    def wait_time(self, request: Request, now: float) -> float:
        """Seconds to wait before ``request`` may go (objects in rate-limit mode)."""
        if self.mode.kind != "rate_limit" or request.objects is None:
            return 0.0
        return max(0.0, self.next_allowed - now)

    def mark_sent(self, request: Request, now: float) -> None:
        """Note that ``request`` was handed to the driver at ``now``."""
        request.sent_at = now
        rpm = self.mode.requests_per_minute
        if self.mode.kind == "rate_limit" and rpm and request.objects is not None:
            self.next_allowed = max(now, self.next_allowed) + request.size * 60.0 / rpm

    def complete(self, request: Request, reply: Any, *, now: float) -> None:
        """Record the reply (or error) of a request and adapt (dynamic mode).

        In dynamic mode a request that failed transiently (after the driver's
        retries) and carried more than the smallest batch is not recorded as failed:
        its objects are queued again at the front and go out in smaller requests (a
        connection that keeps breaking lets only short requests through).
        """
        if request.objects is not None:
            if (
                self.mode.kind == "dynamic"
                and isinstance(reply, ConnectError | UnavailableError | TimeoutError)
                and len(request.objects) > DYNAMIC_MIN_BATCH
            ):
                self.batch_size = max(DYNAMIC_MIN_BATCH, min(self.batch_size, request.size) // 2)
                self.concurrency = max(1, self.concurrency - 1)
                self._requeue(request.objects)
                return
            self.record_objects(request.objects, reply)
            if self.mode.kind == "dynamic":
                self._adapt(request, reply, now - request.sent_at)
        elif request.references is not None:
            self.record_references(request.references, reply)

    def _requeue(self, chunk: PendingObjects) -> None:
        again = PendingObjects()
        for position in range(len(chunk)):
            again.append_from(chunk, position)
        again.extend(self.objects)
        self.objects = again

    def _adapt(self, request: Request, reply: Any, took: float) -> None:
        if isinstance(reply, UnavailableError | TimeoutError | ConnectError):
            self.batch_size = max(DYNAMIC_MIN_BATCH, self.batch_size // 2)
            self.concurrency = max(1, self.concurrency - 1)
            return
        if isinstance(reply, BaseException):
            return
        if took > 2 * DYNAMIC_TARGET_SECONDS:
            self.batch_size = max(DYNAMIC_MIN_BATCH, self.batch_size // 2)
            if self.concurrency > 2:
                self.concurrency -= 1
        elif took < DYNAMIC_TARGET_SECONDS / 2 and request.size >= self.batch_size:
            if self.batch_size < DYNAMIC_MAX_BATCH:
                self.batch_size = min(DYNAMIC_MAX_BATCH, self.batch_size * 3 // 2 + 1)
            elif self.concurrency < DYNAMIC_MAX_CONCURRENCY:
                self.concurrency += 1


def wait_for_indexing(
    targets: Sequence[tuple[str, str | None]],
    *,
    poll_interval: float = 0.5,
    timeout: float | None = None,
) -> Operation[bool]:
    """Poll the shards of ``targets`` until every vector queue is empty and shards are READY.

    Args:
        targets: ``(collection, tenant)`` pairs (tenant None for all shards).
        poll_interval: Seconds between polls.
        timeout: Give up after this many seconds (None: wait as long as it takes).

    Returns:
        True when indexing finished, False when ``timeout`` passed first.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    remaining = list(dict.fromkeys(targets))
    while remaining:
        still: list[tuple[str, str | None]] = []
        for collection, tenant in remaining:
            shards = yield from collection_ops.shards(collection, tenant=tenant)
            if any(
                int(s.get("vectorQueueSize") or 0) > 0 or s.get("status") not in (None, "READY")
                for s in shards
            ):
                still.append((collection, tenant))
        remaining = still
        if not remaining:
            break
        if deadline is not None and time.monotonic() >= deadline:
            return False
        yield from sleep(poll_interval)
    return True
