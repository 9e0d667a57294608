"""The state of a server-side batch over the gRPC ``BatchStream`` call (Weaviate >= 1.36).

Protocol, as the server implements it: the client opens the bidirectional stream and
sends ``Start`` (with the consistency level), then ``Data`` messages with objects and
references, then ``Stop``, and half-closes. The server answers ``Started``, then
``Acks`` (items received, by UUID and by source beacon), ``Results`` (errors and
successes, by UUID / beacon), periodic ``Backoff`` (the batch size it wants), and may
send ``OutOfMemory`` (items it could not take; the stream then ends) or
``ShuttingDown`` (the node is draining). Once the client half-closes, the server
finishes the queued work, sends the remaining results and ends the stream.

:class:`StreamCore` is pure: it builds the messages, reads the replies, knows what is
in flight, re-queues items after an out-of-memory or shutdown (objects carry their
UUIDs, so sending them again is safe) and records every item's outcome.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from weavorm._proto.v1 import batch_pb2
from weavorm.engine._protocol.encode import consistency_enum
from weavorm.engine.batching.core import REFERENCE_BATCH_SIZE, CoreBase
from weavorm.engine.batching.requests import (
    PendingObjects,
    PendingReferences,
    item_wire_size,
    oversized_message,
)
from weavorm.engine.types import BatchObjectError, BatchReferenceError
from weavorm.errors import (
    ConnectError,
    TimeoutError,
    UnavailableError,
    WeavormError,
)

__all__ = ["StreamCore", "StreamEnd"]

StreamEnd = Literal["done", "reopen"]
_HEADROOM = 1024
_NO_RESULT = "the server ended the batch stream without a result for this item"


def _beacon(ref: batch_pb2.BatchReference) -> str:
    return f"weaviate://localhost/{ref.from_collection}/{ref.from_uuid}/{ref.name}"


@dataclass(slots=True)
class StreamCore(CoreBase):
    """A server-side batch: messages to send, replies read, outcomes recorded.

    The stream is reopened after a shutdown, an overload or a transient connection
    failure as long as the batch makes progress: it gives up once ``reopen_budget``
    seconds passed without any result from the server, or after ``reopen_limit``
    reopens within ``reopen_window`` seconds (a hot loop), whichever comes first.

    Attributes:
        batch_size: Items per ``Data`` message (the server adjusts it with ``Backoff``).
        reopen_budget: Seconds without progress after which the stream is not
            reopened any more.
        reopen_limit: Most reopens within ``reopen_window`` seconds.
        reopen_window: The window of ``reopen_limit``, in seconds.
        reopen_backoff: Seconds to wait before reopening, by the number of reopens
            since the last progress (1-based).
    """

    batch_size: int = 100
    reopen_budget: float = 20.0
    reopen_limit: int = 100
    reopen_window: float = 10.0
    reopen_backoff: Callable[[int], float] = field(default=lambda n: min(2.0, 0.2 * 2 ** (n - 1)))
    started_ok: bool = False
    reopen_count: int = 0
    fruitless_reopens: int = 0
    last_progress: float = 0.0
    reopen_times: deque[float] = field(default_factory=deque)
    wait_before_reopen: float = 0.0
    shutting_down: bool = False
    out_of_memory: bool = False
    sent_objects: dict[str, deque[tuple[PendingObjects, int]]] = field(default_factory=dict)
    sent_references: dict[str, deque[tuple[PendingReferences, int]]] = field(default_factory=dict)
    unacked_objects: set[str] = field(default_factory=set)
    unacked_references: set[str] = field(default_factory=set)

    def progress(self) -> None:
        """Note that the server answered something (a result, an acknowledgement)."""
        self.last_progress = self.clock()
        self.fruitless_reopens = 0

    def may_reopen(self) -> bool:
        """Whether the reopen budget allows one more reopen now."""
        now = self.clock()
        if self.last_progress == 0.0:
            self.last_progress = self.started
        if now - self.last_progress > self.reopen_budget:
            return False
        window = self.reopen_times
        while window and now - window[0] > self.reopen_window:
            window.popleft()
        return len(window) < self.reopen_limit

    def start_message(self) -> batch_pb2.BatchStreamRequest:
        """The opening ``Start`` message."""
        start = batch_pb2.BatchStreamRequest.Start()
        level = consistency_enum(self.consistency)
        if level is not None:
            start.consistency_level = level  # type: ignore[assignment]
        return batch_pb2.BatchStreamRequest(start=start)

    @staticmethod
    def stop_message() -> batch_pb2.BatchStreamRequest:
        """The closing ``Stop`` message."""
        return batch_pb2.BatchStreamRequest(stop=batch_pb2.BatchStreamRequest.Stop())

    @property
    def blocked(self) -> bool:
        """Whether adding must wait: too much sent but not yet acknowledged."""
        return (
            len(self.unacked_objects) >= max(self.batch_size, 1) * 2
            or len(self.unacked_references) >= max(self.batch_size, 1) * 4
            or self.out_of_memory
            or self.shutting_down
        )

    @property
    def awaiting(self) -> int:
        """Items sent whose result has not arrived."""
        return sum(len(q) for q in self.sent_objects.values()) + sum(
            len(q) for q in self.sent_references.values()
        )

    @property
    def queued(self) -> int:
        """Items not sent yet."""
        return len(self.objects) + len(self.references)

    def take_messages(self, *, final: bool) -> list[batch_pb2.BatchStreamRequest]:
        """``Data`` messages to send now (full ones, or everything sendable if ``final``)."""
        out: list[batch_pb2.BatchStreamRequest] = []
        size = max(self.batch_size, 1)
        while len(self.objects) and (final or len(self.objects) >= size):
            chunk, oversized = self.objects.take(size, self.max_bytes)
            if oversized:
                self.record_objects(
                    chunk, WeavormError(oversized_message(chunk.sizes[0], self.max_bytes))
                )
                continue
            message = batch_pb2.BatchStreamRequest()
            message.data.objects.values.extend(chunk.messages)
            for position, obj in enumerate(chunk.messages):
                self.sent_objects.setdefault(obj.uuid, deque()).append((chunk, position))
                self.unacked_objects.add(obj.uuid)
            out.append(message)
        refs = self._ready_references(final=final)
        if refs is not None:
            budget, used, start = self.max_bytes - _HEADROOM, 0, 0
            for position, size_ in enumerate(refs.sizes):
                wire = item_wire_size(size_)
                if position > start and (
                    position - start >= REFERENCE_BATCH_SIZE or used + wire > budget
                ):
                    out.append(self._references_message(refs, start, position))
                    start, used = position, 0
                used += wire
            out.append(self._references_message(refs, start, len(refs)))
        return out

    def _ready_references(self, *, final: bool) -> PendingReferences | None:
        if not len(self.references):
            return None
        if not final and len(self.references) < REFERENCE_BATCH_SIZE:
            return None
        unresolved = self.unresolved
        ready = [
            i
            for i, m in enumerate(self.references.messages)
            if m.from_uuid not in unresolved and m.to_uuid not in unresolved
        ]
        if not ready or (not final and len(ready) < REFERENCE_BATCH_SIZE):
            return None
        return self.references.take_positions(ready)

    def _references_message(
        self, refs: PendingReferences, start: int, stop: int
    ) -> batch_pb2.BatchStreamRequest:
        message = batch_pb2.BatchStreamRequest()
        message.data.references.values.extend(refs.messages[start:stop])
        for position in range(start, stop):
            key = _beacon(refs.messages[position])
            self.sent_references.setdefault(key, deque()).append((refs, position))
            self.unacked_references.add(key)
        return message

    def on_reply(self, reply: batch_pb2.BatchStreamReply) -> None:
        """Take one server message into account."""
        kind = reply.WhichOneof("message")
        if kind in ("results", "acks"):
            self.progress()
        if kind == "results":
            self._on_results(reply.results)
        elif kind == "acks":
            self.unacked_objects.difference_update(reply.acks.uuids)
            self.unacked_references.difference_update(reply.acks.beacons)
        elif kind == "backoff":
            if reply.backoff.batch_size > 0:
                self.batch_size = int(reply.backoff.batch_size)
        elif kind == "started":
            self.started_ok = True
        elif kind == "out_of_memory":
            self.out_of_memory = True
            self.wait_before_reopen = float(max(reply.out_of_memory.wait_time, 1))
            self._requeue(set(reply.out_of_memory.uuids), set(reply.out_of_memory.beacons))
        elif kind == "shutting_down":
            self.shutting_down = True

    def _on_results(self, results: batch_pb2.BatchStreamReply.Results) -> None:
        objs, refs = self.results.objs, self.results.refs
        for error in results.errors:
            detail = error.WhichOneof("detail")
            if detail == "uuid":
                obj_entry = self._pop_object(error.uuid)
                if obj_entry is not None:
                    chunk, position = obj_entry
                    failure = BatchObjectError(error.error, chunk.describe(position))
                    objs.errors[failure.index] = failure
                    objs.uuids.pop(failure.index, None)
                    self.failed_objects.append(failure)
            elif detail == "beacon":
                ref_entry = self._pop_reference(error.beacon)
                if ref_entry is not None:
                    refs_chunk, position = ref_entry
                    ref_failure = BatchReferenceError(error.error, refs_chunk.describe(position))
                    refs.errors[ref_failure.index] = ref_failure
                    refs.count += 1
                    self.failed_references.append(ref_failure)
        for success in results.successes:
            detail = success.WhichOneof("detail")
            if detail == "uuid":
                obj_entry = self._pop_object(success.uuid)
                if obj_entry is not None:
                    chunk, position = obj_entry
                    objs.uuids[chunk.indexes[position]] = uuid_lib.UUID(success.uuid)
            elif detail == "beacon" and self._pop_reference(success.beacon) is not None:
                refs.count += 1

    def _pop_object(self, uid: str) -> tuple[PendingObjects, int] | None:
        queue = self.sent_objects.get(uid)
        if not queue:
            return None
        entry = queue.popleft()
        if not queue:
            del self.sent_objects[uid]
        self.unacked_objects.discard(uid)
        self._resolve(uid)
        return entry

    def _pop_reference(self, key: str) -> tuple[PendingReferences, int] | None:
        queue = self.sent_references.get(key)
        if not queue:
            return None
        entry = queue.popleft()
        if not queue:
            del self.sent_references[key]
            self.unacked_references.discard(key)
        return entry

    def _requeue(self, uuids: set[str], beacons: set[str]) -> None:
        """Put sent items back at the front of the queues (they will be sent again)."""
        objects = PendingObjects()
        for uid in list(self.sent_objects):
            if uid in uuids:
                for chunk, position in self.sent_objects.pop(uid):
                    objects.append_from(chunk, position)
                self.unacked_objects.discard(uid)
        objects.extend(self.objects)
        self.objects = objects
        references = PendingReferences()
        for key in list(self.sent_references):
            if key in beacons:
                for refs_chunk, position in self.sent_references.pop(key):
                    references.append_from(refs_chunk, position)
                self.unacked_references.discard(key)
        references.extend(self.references)
        self.references = references

    def on_end(self, error: WeavormError | None, *, expected: bool) -> StreamEnd:
        """The stream ended (``error`` when it failed): reopen it, or finish.

        Args:
            error: Why the stream failed, or None when the server ended it normally.
            expected: Whether this side had stopped (sent ``Stop`` and half-closed).

        Returns:
            ``"reopen"`` when the server shut down or was overloaded (or the connection
            failed transiently) and items are still unresolved: they are queued again.
            ``"done"`` otherwise; then every unresolved item is recorded as failed.
        """
        transient = isinstance(error, UnavailableError | ConnectError | TimeoutError)
        unexpected_end = error is None and not expected
        retry = self.shutting_down or self.out_of_memory or transient or unexpected_end
        if retry and (self.awaiting or self.queued) and self.may_reopen():
            self.reopen_count += 1
            self.fruitless_reopens += 1
            self.reopen_times.append(self.clock())
            # Objects without a result are sent again (they carry their UUIDs, so that
            # is safe); references only when the server never acknowledged them (a
            # reference added twice would be stored twice).
            self._requeue(set(self.sent_objects), set(self.unacked_references))
            if not self.out_of_memory:
                self.wait_before_reopen = self.reopen_backoff(self.fruitless_reopens)
            self.shutting_down = self.out_of_memory = False
            self.started_ok = False
            return "reopen"
        self.fail_unresolved(str(error) if error is not None else _NO_RESULT)
        return "done"

    def fail_unresolved(self, message: str) -> None:
        """Record every sent-but-unanswered and every queued item as failed."""
        for uid in list(self.sent_objects):
            while (entry := self._pop_object(uid)) is not None:
                chunk, position = entry
                failure = BatchObjectError(message, chunk.describe(position))
                self.results.objs.errors[failure.index] = failure
                self.failed_objects.append(failure)
        for key in list(self.sent_references):
            while (ref_entry := self._pop_reference(key)) is not None:
                refs_chunk, position = ref_entry
                ref_failure = BatchReferenceError(message, refs_chunk.describe(position))
                self.results.refs.errors[ref_failure.index] = ref_failure
                self.results.refs.count += 1
                self.failed_references.append(ref_failure)
        self.abandon(message)
