"""gRPC batch writes: encoded objects/references, the request planner, sending, results.

The planner (:func:`plan_batches`) is pure: it splits items by count and by
serialized size so that no request exceeds the server's gRPC message limit. The
operations :func:`send_objects` and :func:`send_references` send the planned requests
concurrently (``parallel``) and map every reply back to the submitted indexes. Calls
are idempotent (every object carries a client-assigned UUID), so transports retry
transient failures with backoff; a request that still fails turns into one error per
item of it — nothing is dropped silently.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from weavorm._proto.v1 import batch_pb2
from weavorm.engine._protocol.calls import GrpcCall, Operation, parallel
from weavorm.engine._protocol.encode import (
    consistency_enum,
    encode_batch_object,
    encode_batch_reference,
    uuid_str,
)
from weavorm.engine.types import (
    BatchObject,
    BatchObjectError,
    BatchReference,
    BatchReferenceError,
    BatchReferenceResult,
    BatchResult,
)
from weavorm.errors import ConfigError, ServerError, WeavormError

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_REFERENCE_BATCH_SIZE",
    "BatchPlan",
    "PendingObjects",
    "PendingReferences",
    "error_message",
    "objects_call",
    "oversized_message",
    "plan_batches",
    "references_call",
    "send_objects",
    "send_references",
]

#: Objects per ``BatchObjects`` request when nothing else is said.
DEFAULT_BATCH_SIZE = 500
#: References per ``BatchReferences`` request when nothing else is said.
DEFAULT_REFERENCE_BATCH_SIZE = 1000
#: Requests in flight at once when nothing else is said.
DEFAULT_CONCURRENCY = 4
#: Bytes kept free below the server's limit for the request envelope.
_HEADROOM = 1024


def _varint_size(n: int) -> int:
    size = 1
    while n >= 0x80:
        n >>= 7
        size += 1
    return size


def item_wire_size(message_size: int) -> int:
    """Bytes one item of ``message_size`` adds to a repeated field (tag + length + body)."""
    return 1 + _varint_size(message_size) + message_size


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """How items are split into requests.

    Attributes:
        chunks: Positions of the items of each request, in order.
        oversized: Positions of items that alone exceed the size limit (never sent).
    """

    chunks: list[list[int]]
    oversized: list[int] = field(default_factory=list)


def plan_batches(sizes: Sequence[int], *, max_count: int, max_bytes: int) -> BatchPlan:
    """Split items into requests of at most ``max_count`` items and ``max_bytes`` bytes.

    Pure (no I/O): ``sizes`` are the serialized sizes of the items
    (``message.ByteSize()``); the repeated-field overhead of each item and a small
    envelope headroom are accounted for. Items keep their order.

    Args:
        sizes: Serialized size of each item.
        max_count: Largest number of items in one request (>= 1).
        max_bytes: The server's gRPC message limit in bytes.

    Returns:
        The plan; items larger than the limit on their own are in ``oversized``.

    Raises:
        ConfigError: ``max_count`` or ``max_bytes`` is not positive.
    """
    if max_count < 1:
        raise ConfigError(f"batch size must be >= 1, got {max_count}", field="batch_size")
    if max_bytes <= _HEADROOM:
        raise ConfigError(
            f"gRPC message limit must exceed {_HEADROOM} bytes, got {max_bytes}",
            field="grpc_max_message_size",
        )
    budget = max_bytes - _HEADROOM
    chunks: list[list[int]] = []
    oversized: list[int] = []
    current: list[int] = []
    used = 0
    for position, size in enumerate(sizes):
        wire = item_wire_size(size)
        if wire > budget:
            oversized.append(position)
            continue
        if current and (len(current) >= max_count or used + wire > budget):
            chunks.append(current)
            current, used = [], 0
        current.append(position)
        used += wire
    if current:
        chunks.append(current)
    return BatchPlan(chunks=chunks, oversized=oversized)


def error_message(error: BaseException) -> str:
    """The server's own message for a server error, else the error's text."""
    if isinstance(error, ServerError):
        return error.message
    return str(error)


class PendingObjects:
    """Encoded objects waiting to be sent, with what is needed to report them.

    Encoding happens in :meth:`add`, so invalid input raises
    :class:`~weavorm.errors.ConfigError` before anything is sent.
    """

    __slots__ = ("indexes", "messages", "originals", "sizes")

    def __init__(self) -> None:
        self.messages: list[batch_pb2.BatchObject] = []
        self.sizes: list[int] = []
        self.indexes: list[int] = []
        self.originals: list[tuple[Any, Any, Any, Any]] = []

    def __len__(self) -> int:
        return len(self.messages)

    def add(
        self,
        index: int,
        collection: str,
        properties: Mapping[str, Any] | None,
        *,
        uuid: Any = None,
        vector: Any = None,
        references: Mapping[str, Any] | None = None,
        tenant: str | None = None,
    ) -> str:
        """Encode one object; returns its UUID string (a random one when not given)."""
        if not isinstance(collection, str) or not collection:
            raise ConfigError(
                f"object {index}: collection must be a non-empty string, got {collection!r}",
                field="collection",
            )
        try:
            uid = uuid_str(uuid) if uuid is not None else str(uuid_lib.uuid4())
            message = encode_batch_object(
                collection,
                properties,
                uuid=uid,
                vector=vector,
                references=references,
                tenant=tenant,
            )
        except ConfigError as exc:
            raise ConfigError(f"object {index}: {exc}", field=exc.field, value=exc.value) from exc
        except (TypeError, ValueError, OverflowError, RecursionError) as exc:
            raise ConfigError(
                f"object {index}: cannot be encoded ({type(exc).__name__}: {exc})",
                field=f"objects[{index}]",
            ) from exc
        self.messages.append(message)
        self.sizes.append(message.ByteSize())
        self.indexes.append(index)
        self.originals.append((properties, vector, references, uuid))
        return uid

    def describe(self, position: int) -> BatchObject:
        """The public view of the object at ``position`` (for error reports)."""
        message = self.messages[position]
        properties, vector, references, _ = self.originals[position]
        return BatchObject(
            collection=message.collection,
            properties=properties,
            uuid=uuid_lib.UUID(message.uuid),
            vector=vector,
            references=references,
            tenant=message.tenant or None,
            index=self.indexes[position],
        )

    def take(self, count: int, max_bytes: int) -> tuple[PendingObjects, bool]:
        """Remove and return the first items that fit one request.

        Returns:
            The items, and True when that is a single item too large to send at all.
        """
        if not self.sizes:
            return PendingObjects(), False
        budget = max_bytes - _HEADROOM
        if item_wire_size(self.sizes[0]) > budget:
            return self._split(1), True
        n, used, limit = 0, 0, min(max(count, 1), len(self.sizes))
        while n < limit:
            wire = item_wire_size(self.sizes[n])
            if used + wire > budget:
                break
            used += wire
            n += 1
        return self._split(n), False

    def append_from(self, other: PendingObjects, position: int) -> None:
        """Append the item at ``position`` of ``other`` (used to re-queue items)."""
        self.messages.append(other.messages[position])
        self.sizes.append(other.sizes[position])
        self.indexes.append(other.indexes[position])
        self.originals.append(other.originals[position])

    def extend(self, other: PendingObjects) -> None:
        """Append every item of ``other``."""
        self.messages.extend(other.messages)
        self.sizes.extend(other.sizes)
        self.indexes.extend(other.indexes)
        self.originals.extend(other.originals)

    def _split(self, n: int) -> PendingObjects:
        head = PendingObjects()
        head.messages, self.messages = self.messages[:n], self.messages[n:]
        head.sizes, self.sizes = self.sizes[:n], self.sizes[n:]
        head.indexes, self.indexes = self.indexes[:n], self.indexes[n:]
        head.originals, self.originals = self.originals[:n], self.originals[n:]
        return head


class PendingReferences:
    """Encoded references waiting to be sent."""

    __slots__ = ("indexes", "messages", "sizes")

    def __init__(self) -> None:
        self.messages: list[batch_pb2.BatchReference] = []
        self.sizes: list[int] = []
        self.indexes: list[int] = []

    def __len__(self) -> int:
        return len(self.messages)

    def add(
        self,
        index: int,
        *,
        from_collection: str,
        from_uuid: Any,
        from_property: str,
        to_uuid: Any,
        to_collection: str | None = None,
        tenant: str | None = None,
    ) -> batch_pb2.BatchReference:
        """Encode one reference."""
        if not isinstance(from_collection, str) or not from_collection:
            raise ConfigError(
                f"reference {index}: from_collection must be a non-empty string",
                field="from_collection",
            )
        if not isinstance(from_property, str) or not from_property:
            raise ConfigError(
                f"reference {index}: from_property must be a non-empty string",
                field="from_property",
            )
        message = encode_batch_reference(
            from_collection=from_collection,
            from_uuid=uuid_str(from_uuid, field="from_uuid"),
            from_property=from_property,
            to_uuid=uuid_str(to_uuid, field="to"),
            to_collection=to_collection,
            tenant=tenant,
        )
        self.messages.append(message)
        self.sizes.append(message.ByteSize())
        self.indexes.append(index)
        return message

    def describe(self, position: int) -> BatchReference:
        """The public view of the reference at ``position``."""
        m = self.messages[position]
        return BatchReference(
            from_collection=m.from_collection,
            from_uuid=uuid_lib.UUID(m.from_uuid),
            from_property=m.name,
            to_uuid=uuid_lib.UUID(m.to_uuid),
            to_collection=m.to_collection if m.HasField("to_collection") else None,
            tenant=m.tenant or None,
            index=self.indexes[position],
        )

    def append_from(self, other: PendingReferences, position: int) -> None:
        """Append the item at ``position`` of ``other`` (used to re-queue items)."""
        self.messages.append(other.messages[position])
        self.sizes.append(other.sizes[position])
        self.indexes.append(other.indexes[position])

    def extend(self, other: PendingReferences) -> None:
        """Append every item of ``other``."""
        self.messages.extend(other.messages)
        self.sizes.extend(other.sizes)
        self.indexes.extend(other.indexes)

    def take_positions(self, positions: Sequence[int]) -> PendingReferences:
        """Remove and return the references at ``positions`` (ascending)."""
        chosen = set(positions)
        head, rest = PendingReferences(), PendingReferences()
        for i in range(len(self.messages)):
            target = head if i in chosen else rest
            target.messages.append(self.messages[i])
            target.sizes.append(self.sizes[i])
            target.indexes.append(self.indexes[i])
        self.messages, self.sizes, self.indexes = rest.messages, rest.sizes, rest.indexes
        return head


def objects_call(
    messages: Sequence[batch_pb2.BatchObject],
    *,
    consistency: str | None,
    timeout: float | None = None,
    operation: str = "batch.objects",
) -> GrpcCall:
    """One idempotent ``BatchObjects`` call."""
    request = batch_pb2.BatchObjectsRequest(objects=messages)
    level = consistency_enum(consistency)
    if level is not None:
        request.consistency_level = level  # type: ignore[assignment]
    return GrpcCall(
        method="BatchObjects",
        request=request,
        reply_type=batch_pb2.BatchObjectsReply,
        operation=operation,
        idempotent=True,
        timeout=timeout,
    )


def references_call(
    messages: Sequence[batch_pb2.BatchReference],
    *,
    consistency: str | None,
    timeout: float | None = None,
    operation: str = "batch.references",
) -> GrpcCall:
    """One ``BatchReferences`` call (retried: adding a reference twice is harmless)."""
    request = batch_pb2.BatchReferencesRequest(references=messages)
    level = consistency_enum(consistency)
    if level is not None:
        request.consistency_level = level  # type: ignore[assignment]
    return GrpcCall(
        method="BatchReferences",
        request=request,
        reply_type=batch_pb2.BatchReferencesReply,
        operation=operation,
        idempotent=True,
        timeout=timeout,
    )


def apply_objects_reply(
    result: BatchResult,
    pending: PendingObjects,
    positions: Sequence[int],
    reply: batch_pb2.BatchObjectsReply | BaseException,
) -> None:
    """Record the outcome of one ``BatchObjects`` request covering ``positions``."""
    if isinstance(reply, BaseException):
        message = error_message(reply)
        for p in positions:
            result.errors[pending.indexes[p]] = BatchObjectError(message, pending.describe(p))
        return
    failed: dict[int, str] = {}
    for err in reply.errors:
        if 0 <= err.index < len(positions):
            failed[err.index] = err.error
    messages, indexes = pending.messages, pending.indexes
    uuid_of = uuid_lib.UUID
    for local, p in enumerate(positions):
        error = failed.get(local)
        if error is None:
            result.uuids[indexes[p]] = uuid_of(messages[p].uuid)
        else:
            result.errors[indexes[p]] = BatchObjectError(error, pending.describe(p))


def apply_references_reply(
    result: BatchReferenceResult,
    pending: PendingReferences,
    positions: Sequence[int],
    reply: batch_pb2.BatchReferencesReply | BaseException,
) -> None:
    """Record the outcome of one ``BatchReferences`` request covering ``positions``."""
    result.count += len(positions)
    if isinstance(reply, BaseException):
        message = error_message(reply)
        for p in positions:
            result.errors[pending.indexes[p]] = BatchReferenceError(message, pending.describe(p))
        return
    for err in reply.errors:
        if 0 <= err.index < len(positions):
            p = positions[err.index]
            result.errors[pending.indexes[p]] = BatchReferenceError(err.error, pending.describe(p))


def oversized_message(size: int, max_bytes: int) -> str:
    """The error text for an item too large for any request."""
    return (
        f"the object is {size} bytes encoded, more than the server's gRPC message limit of "
        f"{max_bytes} bytes (GRPC_MAX_MESSAGE_SIZE); it was not sent"
    )


def send_objects(
    pending: PendingObjects,
    *,
    consistency: str | None,
    max_bytes: int,
    batch_size: int = DEFAULT_BATCH_SIZE,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float | None = None,
) -> Operation[BatchResult]:
    """Send every pending object with ``BatchObjects``; the result covers each index.

    Requests hold at most ``batch_size`` objects and stay under ``max_bytes``; up
    to ``concurrency`` are in flight at once.
    """
    if concurrency < 1:
        raise ConfigError(f"concurrency must be >= 1, got {concurrency}", field="concurrency")
    result = BatchResult()
    plan = plan_batches(pending.sizes, max_count=batch_size, max_bytes=max_bytes)
    for p in plan.oversized:
        result.errors[pending.indexes[p]] = BatchObjectError(
            oversized_message(pending.sizes[p], max_bytes), pending.describe(p)
        )
    if not plan.chunks:
        return result
    messages = pending.messages
    calls = [
        objects_call([messages[p] for p in chunk], consistency=consistency, timeout=timeout)
        for chunk in plan.chunks
    ]
    replies = yield from parallel(calls, concurrency=concurrency)
    for chunk, reply in zip(plan.chunks, replies, strict=True):
        if isinstance(reply, WeavormError | batch_pb2.BatchObjectsReply):
            apply_objects_reply(result, pending, chunk, reply)
        else:  # pragma: no cover - drivers only return replies or WeavormErrors
            apply_objects_reply(result, pending, chunk, WeavormError(repr(reply)))
    return result


def send_references(
    pending: PendingReferences,
    *,
    consistency: str | None,
    max_bytes: int,
    batch_size: int = DEFAULT_REFERENCE_BATCH_SIZE,
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout: float | None = None,
) -> Operation[BatchReferenceResult]:
    """Send every pending reference with ``BatchReferences``."""
    if concurrency < 1:
        raise ConfigError(f"concurrency must be >= 1, got {concurrency}", field="concurrency")
    result = BatchReferenceResult()
    plan = plan_batches(pending.sizes, max_count=batch_size, max_bytes=max_bytes)
    for p in plan.oversized:  # pragma: no cover - references are tiny
        result.count += 1
        result.errors[pending.indexes[p]] = BatchReferenceError(
            oversized_message(pending.sizes[p], max_bytes), pending.describe(p)
        )
    if not plan.chunks:
        return result
    messages = pending.messages
    calls = [
        references_call([messages[p] for p in chunk], consistency=consistency, timeout=timeout)
        for chunk in plan.chunks
    ]
    replies = yield from parallel(calls, concurrency=concurrency)
    for chunk, reply in zip(plan.chunks, replies, strict=True):
        apply_references_reply(result, pending, chunk, reply)
    return result
