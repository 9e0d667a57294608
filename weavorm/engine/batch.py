"""Batch imports: ``client.batch`` and ``collection.batch``.

Pick a mode, use the batch as a context manager, add objects and references::

    with client.batch.dynamic() as batch:
        for row in rows:
            batch.add_object("Article", {"title": row.title}, vector=row.vector)
        batch.add_reference(a_id, "Article", "cites", b_id)
    print(batch.number_errors, batch.failed_objects, batch.results.objs.uuids)

    async with collection.batch.fixed_size(batch_size=200) as batch:
        await batch.add_object({"title": "..."})

Modes:

- ``fixed_size(batch_size=100, concurrent_requests=2)``: requests of that many objects,
  that many in flight.
- ``dynamic()``: starts at 100 objects and 2 requests in flight; grows the batch size
  (up to 1000) and then the concurrency (up to 6) while requests take under a second,
  and shrinks them when requests take over four seconds or the server is overloaded.
- ``rate_limit(requests_per_minute)``: at most that many objects per minute, spread
  evenly (for vectorizers with a rate limit).
- ``stream()``: server-side batching over one gRPC ``BatchStream`` (Weaviate >= 1.36);
  the server tells the client how much to send.

Every mode takes ``deadline=`` (seconds): a bound on the whole run. When it passes,
nothing more is sent and :class:`~weavorm.errors.BatchDeadlineError` lists every object
that did not land (unsent, or in flight and perhaps stored); nothing is dropped
silently.

Objects get their UUID client-side before sending, so requests are retried safely on
transient failures (with backoff); whatever still fails is reported per index in
``failed_objects`` / ``failed_references`` / ``results``, with the server's message.
Objects go out when a batch is full and at the end of the block (or on ``flush()``);
references are sent once the objects they point from/to have an outcome. When the
block raises an ordinary exception, the queued objects are still sent (as the
official client does) and the exception propagates; when it is interrupted
(``KeyboardInterrupt``, task cancellation), nothing more is sent and every unsent
object is recorded as failed with a message saying so.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Mapping
from types import TracebackType
from typing import Any, TypeVar

from weavorm.engine._protocol.batch_stream import StreamCore
from weavorm.engine._protocol.batching import BatchCore, BatchMode, CoreBase, wait_for_indexing
from weavorm.engine._protocol.context import CONSISTENCY_LEVELS, CollectionContext
from weavorm.engine._transport.batch_runner import (
    AsyncBatchRunner,
    AsyncStreamRunner,
    SyncBatchRunner,
    SyncStreamRunner,
)
from weavorm.engine._transport.driver import AsyncDriver, SyncDriver
from weavorm.engine.types import (
    BatchObjectError,
    BatchReferenceError,
    BatchResult,
    BatchResults,
    ReferenceInput,
    ReferenceInputs,
    UUIDLike,
    VectorInput,
)
from weavorm.errors import ConfigError

__all__ = [
    "AsyncBatchClient",
    "AsyncBatchCollection",
    "AsyncClientBatchNamespace",
    "AsyncCollectionBatchNamespace",
    "BatchClient",
    "BatchCollection",
    "BatchMode",
    "ClientBatchNamespace",
    "CollectionBatchNamespace",
]

SyncRunner = SyncBatchRunner | SyncStreamRunner
AsyncRunner = AsyncBatchRunner | AsyncStreamRunner


def _level(level: str | None) -> str | None:
    if level is None:
        return None
    value = str(getattr(level, "value", level)).upper()
    if value not in CONSISTENCY_LEVELS:
        raise ConfigError(
            f"consistency_level must be one of {', '.join(CONSISTENCY_LEVELS)}, got {level!r}",
            field="consistency_level",
            value=level,
        )
    return value


def _core(mode: BatchMode, *, consistency: str | None, max_bytes: int) -> CoreBase:
    if mode.kind == "stream":
        return StreamCore(consistency=consistency, max_bytes=max_bytes)
    return BatchCore(consistency=consistency, max_bytes=max_bytes, mode=mode)


def _interruption(exc_type: type[BaseException] | None) -> str | None:
    if exc_type is None or issubclass(exc_type, Exception):
        return None
    return exc_type.__name__


class _Outcome:
    """What every batch reports, during and after its block."""

    _runner: SyncRunner | AsyncRunner

    def __init__(self, runner: SyncRunner | AsyncRunner, mode: BatchMode) -> None:
        self._runner = runner
        self.mode = mode

    @property
    def _state(self) -> CoreBase:
        return self._runner.core

    @property
    def number_errors(self) -> int:
        """Failed objects plus failed references so far."""
        return self._state.number_errors

    @property
    def failed_objects(self) -> list[BatchObjectError]:
        """Every object that was not stored, with the server's message (by index)."""
        return sorted(self._state.failed_objects, key=lambda e: e.index)

    @property
    def failed_references(self) -> list[BatchReferenceError]:
        """Every reference that was not stored, with the server's message (by index)."""
        return sorted(self._state.failed_references, key=lambda e: e.index)

    @property
    def results(self) -> BatchResults:
        """``objs`` (a :class:`BatchResult`) and ``refs`` outcomes so far."""
        return self._state.results

    @property
    def result(self) -> BatchResult:
        """The objects' :class:`BatchResult` (``uuids``, ``errors``, ``elapsed``)."""
        return self._state.results.objs

    @property
    def targets(self) -> set[tuple[str, str | None]]:
        """The ``(collection, tenant)`` pairs objects were added to."""
        return set(self._state.targets)


class _SyncBatch(_Outcome):
    _runner: SyncRunner

    def __init__(self, runner: SyncRunner, mode: BatchMode) -> None:
        super().__init__(runner, mode)

    def __enter__(self: _SB) -> _SB:
        self._runner.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._runner.close(interrupted=_interruption(exc_type))

    def flush(self) -> None:
        """Send everything added so far and wait for the outcomes."""
        self._runner.flush()


_SB = TypeVar("_SB", bound=_SyncBatch)


class BatchClient(_SyncBatch):
    """A client-level batch: objects and references of any collection."""

    def add_object(
        self,
        collection: str,
        properties: Mapping[str, Any] | None = None,
        *,
        references: ReferenceInputs | None = None,
        uuid: UUIDLike | None = None,
        vector: VectorInput | None = None,
        tenant: str | None = None,
    ) -> uuid_lib.UUID:
        """Add one object; returns its UUID (assigned now when not given).

        Args:
            collection: The collection.
            properties: Property values by name.
            references: Reference properties by name.
            uuid: The object's id.
            vector: Default vector, or named vectors by name.
            tenant: The tenant, for multi-tenant collections.

        Raises:
            ConfigError: invalid input (the object is not added).
        """
        return self._runner.add_object(
            collection, properties, uuid=uuid, vector=vector, references=references, tenant=tenant
        )

    def add_reference(
        self,
        from_uuid: UUIDLike,
        from_collection: str,
        from_property: str,
        to: ReferenceInput,
        *,
        tenant: str | None = None,
    ) -> None:
        """Add a reference (one per target when ``to`` lists several).

        Args:
            from_uuid: The source object.
            from_collection: Its collection.
            from_property: Its reference property.
            to: Target UUID(s), or ``ReferenceToMulti`` for multi-target properties.
            tenant: The tenant, for multi-tenant collections.
        """
        self._runner.add_reference(
            from_collection=from_collection,
            from_uuid=from_uuid,
            from_property=from_property,
            to=to,
            tenant=tenant,
        )


class BatchCollection(_SyncBatch):
    """A collection-level batch (the collection handle's tenant and consistency)."""

    def __init__(self, runner: SyncRunner, mode: BatchMode, ctx: CollectionContext) -> None:
        super().__init__(runner, mode)
        self._ctx = ctx

    def add_object(
        self,
        properties: Mapping[str, Any] | None = None,
        *,
        references: ReferenceInputs | None = None,
        uuid: UUIDLike | None = None,
        vector: VectorInput | None = None,
    ) -> uuid_lib.UUID:
        """Add one object to this collection; returns its UUID."""
        return self._runner.add_object(
            self._ctx.name,
            properties,
            uuid=uuid,
            vector=vector,
            references=references,
            tenant=self._ctx.tenant,
        )

    def add_reference(self, from_uuid: UUIDLike, from_property: str, to: ReferenceInput) -> None:
        """Add a reference from an object of this collection."""
        self._runner.add_reference(
            from_collection=self._ctx.name,
            from_uuid=from_uuid,
            from_property=from_property,
            to=to,
            tenant=self._ctx.tenant,
        )


class _AsyncBatch(_Outcome):
    _runner: AsyncRunner

    def __init__(self, runner: AsyncRunner, mode: BatchMode) -> None:
        super().__init__(runner, mode)

    async def __aenter__(self: _AB) -> _AB:
        await self._runner.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._runner.close(interrupted=_interruption(exc_type))

    async def flush(self) -> None:
        """Send everything added so far and wait for the outcomes."""
        await self._runner.flush()


_AB = TypeVar("_AB", bound=_AsyncBatch)


class AsyncBatchClient(_AsyncBatch):
    """The async twin of :class:`BatchClient` (``await batch.add_object(...)``)."""

    async def add_object(
        self,
        collection: str,
        properties: Mapping[str, Any] | None = None,
        *,
        references: ReferenceInputs | None = None,
        uuid: UUIDLike | None = None,
        vector: VectorInput | None = None,
        tenant: str | None = None,
    ) -> uuid_lib.UUID:
        """Add one object (see :meth:`BatchClient.add_object`); waits only when full."""
        return await self._runner.add_object(
            collection, properties, uuid=uuid, vector=vector, references=references, tenant=tenant
        )

    async def add_reference(
        self,
        from_uuid: UUIDLike,
        from_collection: str,
        from_property: str,
        to: ReferenceInput,
        *,
        tenant: str | None = None,
    ) -> None:
        """Add a reference (see :meth:`BatchClient.add_reference`)."""
        await self._runner.add_reference(
            from_collection=from_collection,
            from_uuid=from_uuid,
            from_property=from_property,
            to=to,
            tenant=tenant,
        )


class AsyncBatchCollection(_AsyncBatch):
    """The async twin of :class:`BatchCollection`."""

    def __init__(self, runner: AsyncRunner, mode: BatchMode, ctx: CollectionContext) -> None:
        super().__init__(runner, mode)
        self._ctx = ctx

    async def add_object(
        self,
        properties: Mapping[str, Any] | None = None,
        *,
        references: ReferenceInputs | None = None,
        uuid: UUIDLike | None = None,
        vector: VectorInput | None = None,
    ) -> uuid_lib.UUID:
        """Add one object to this collection; returns its UUID."""
        return await self._runner.add_object(
            self._ctx.name,
            properties,
            uuid=uuid,
            vector=vector,
            references=references,
            tenant=self._ctx.tenant,
        )

    async def add_reference(
        self, from_uuid: UUIDLike, from_property: str, to: ReferenceInput
    ) -> None:
        """Add a reference from an object of this collection."""
        await self._runner.add_reference(
            from_collection=self._ctx.name,
            from_uuid=from_uuid,
            from_property=from_property,
            to=to,
            tenant=self._ctx.tenant,
        )


def _sync_runner(
    driver: SyncDriver, mode: BatchMode, level: str | None, size: int, deadline: float | None
) -> SyncRunner:
    core = _core(mode, consistency=level, max_bytes=size)
    if isinstance(core, StreamCore):
        return SyncStreamRunner(driver, core, deadline=deadline)
    assert isinstance(core, BatchCore)
    return SyncBatchRunner(driver, core, deadline=deadline)


def _async_runner(
    driver: AsyncDriver, mode: BatchMode, level: str | None, size: int, deadline: float | None
) -> AsyncRunner:
    core = _core(mode, consistency=level, max_bytes=size)
    if isinstance(core, StreamCore):
        return AsyncStreamRunner(driver, core, deadline=deadline)
    assert isinstance(core, BatchCore)
    return AsyncBatchRunner(driver, core, deadline=deadline)


class _LastBatch:
    """The namespace's view of the most recent batch it created."""

    _last: _Outcome | None = None

    @property
    def failed_objects(self) -> list[BatchObjectError]:
        """Failed objects of the most recent batch."""
        return self._last.failed_objects if self._last is not None else []

    @property
    def failed_references(self) -> list[BatchReferenceError]:
        """Failed references of the most recent batch."""
        return self._last.failed_references if self._last is not None else []

    @property
    def results(self) -> BatchResults:
        """Outcomes of the most recent batch."""
        return self._last.results if self._last is not None else BatchResults()

    def _targets(self) -> list[tuple[str, str | None]]:
        return sorted(self._last.targets, key=str) if self._last is not None else []


class ClientBatchNamespace(_LastBatch):
    """``client.batch``: start a batch over any collections."""

    def __init__(self, driver: SyncDriver) -> None:
        self._driver = driver

    def _make(
        self, mode: BatchMode, consistency_level: str | None, deadline: float | None
    ) -> BatchClient:
        runner = _sync_runner(
            self._driver,
            mode,
            _level(consistency_level),
            self._driver.grpc_max_message_size,
            deadline,
        )
        batch = BatchClient(runner, mode)
        self._last = batch
        return batch

    def dynamic(
        self, *, consistency_level: str | None = None, deadline: float | None = None
    ) -> BatchClient:
        """A batch whose size and concurrency adapt to the server (see the module doc)."""
        return self._make(BatchMode.dynamic(), consistency_level, deadline)

    def fixed_size(
        self,
        batch_size: int = 100,
        concurrent_requests: int = 2,
        *,
        consistency_level: str | None = None,
        deadline: float | None = None,
    ) -> BatchClient:
        """A batch sending ``batch_size`` objects per request, ``concurrent_requests`` at once."""
        return self._make(
            BatchMode.fixed_size(batch_size, concurrent_requests), consistency_level, deadline
        )

    def rate_limit(
        self,
        requests_per_minute: int,
        *,
        consistency_level: str | None = None,
        deadline: float | None = None,
    ) -> BatchClient:
        """A batch sending at most ``requests_per_minute`` objects per minute."""
        return self._make(BatchMode.rate_limit(requests_per_minute), consistency_level, deadline)

    def stream(
        self, *, consistency_level: str | None = None, deadline: float | None = None
    ) -> BatchClient:
        """A server-side batch over one gRPC ``BatchStream`` (Weaviate >= 1.36)."""
        return self._make(BatchMode.stream(), consistency_level, deadline)

    def wait_for_vector_indexing(
        self, *, poll_interval: float = 0.5, timeout: float | None = None
    ) -> bool:
        """Wait until the shards the last batch wrote to have empty vector queues.

        Returns:
            True when indexing finished, False when ``timeout`` passed first.
        """
        return self._driver.run(
            wait_for_indexing(self._targets(), poll_interval=poll_interval, timeout=timeout)
        )


class AsyncClientBatchNamespace(_LastBatch):
    """The async twin of :class:`ClientBatchNamespace`."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    def _make(
        self, mode: BatchMode, consistency_level: str | None, deadline: float | None
    ) -> AsyncBatchClient:
        runner = _async_runner(
            self._driver,
            mode,
            _level(consistency_level),
            self._driver.grpc_max_message_size,
            deadline,
        )
        batch = AsyncBatchClient(runner, mode)
        self._last = batch
        return batch

    def dynamic(
        self, *, consistency_level: str | None = None, deadline: float | None = None
    ) -> AsyncBatchClient:
        """A batch whose size and concurrency adapt to the server."""
        return self._make(BatchMode.dynamic(), consistency_level, deadline)

    def fixed_size(
        self,
        batch_size: int = 100,
        concurrent_requests: int = 2,
        *,
        consistency_level: str | None = None,
        deadline: float | None = None,
    ) -> AsyncBatchClient:
        """A batch sending ``batch_size`` objects per request, ``concurrent_requests`` at once."""
        return self._make(
            BatchMode.fixed_size(batch_size, concurrent_requests), consistency_level, deadline
        )

    def rate_limit(
        self,
        requests_per_minute: int,
        *,
        consistency_level: str | None = None,
        deadline: float | None = None,
    ) -> AsyncBatchClient:
        """A batch sending at most ``requests_per_minute`` objects per minute."""
        return self._make(BatchMode.rate_limit(requests_per_minute), consistency_level, deadline)

    def stream(
        self, *, consistency_level: str | None = None, deadline: float | None = None
    ) -> AsyncBatchClient:
        """A server-side batch over one gRPC ``BatchStream``."""
        return self._make(BatchMode.stream(), consistency_level, deadline)

    async def wait_for_vector_indexing(
        self, *, poll_interval: float = 0.5, timeout: float | None = None
    ) -> bool:
        """Wait until the shards the last batch wrote to have empty vector queues."""
        return await self._driver.run(
            wait_for_indexing(self._targets(), poll_interval=poll_interval, timeout=timeout)
        )


class CollectionBatchNamespace(_LastBatch):
    """``collection.batch``: batches into one collection (its tenant and consistency)."""

    def __init__(self, driver: SyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx

    def _make(self, mode: BatchMode, deadline: float | None) -> BatchCollection:
        runner = _sync_runner(
            self._driver, mode, self._ctx.consistency, self._ctx.grpc_max_message_size, deadline
        )
        batch = BatchCollection(runner, mode, self._ctx)
        self._last = batch
        return batch

    def dynamic(self, *, deadline: float | None = None) -> BatchCollection:
        """A batch whose size and concurrency adapt to the server."""
        return self._make(BatchMode.dynamic(), deadline)

    def fixed_size(
        self, batch_size: int = 100, concurrent_requests: int = 2, *, deadline: float | None = None
    ) -> BatchCollection:
        """A batch sending ``batch_size`` objects per request, ``concurrent_requests`` at once."""
        return self._make(BatchMode.fixed_size(batch_size, concurrent_requests), deadline)

    def rate_limit(
        self, requests_per_minute: int, *, deadline: float | None = None
    ) -> BatchCollection:
        """A batch sending at most ``requests_per_minute`` objects per minute."""
        return self._make(BatchMode.rate_limit(requests_per_minute), deadline)

    def stream(self, *, deadline: float | None = None) -> BatchCollection:
        """A server-side batch over one gRPC ``BatchStream``."""
        return self._make(BatchMode.stream(), deadline)

    def wait_for_vector_indexing(
        self, *, poll_interval: float = 0.5, timeout: float | None = None
    ) -> bool:
        """Wait until this collection's shards have empty vector queues."""
        return self._driver.run(
            wait_for_indexing(
                [(self._ctx.name, self._ctx.tenant)], poll_interval=poll_interval, timeout=timeout
            )
        )


class AsyncCollectionBatchNamespace(_LastBatch):
    """The async twin of :class:`CollectionBatchNamespace`."""

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx

    def _make(self, mode: BatchMode, deadline: float | None) -> AsyncBatchCollection:
        runner = _async_runner(
            self._driver, mode, self._ctx.consistency, self._ctx.grpc_max_message_size, deadline
        )
        batch = AsyncBatchCollection(runner, mode, self._ctx)
        self._last = batch
        return batch

    def dynamic(self, *, deadline: float | None = None) -> AsyncBatchCollection:
        """A batch whose size and concurrency adapt to the server."""
        return self._make(BatchMode.dynamic(), deadline)

    def fixed_size(
        self, batch_size: int = 100, concurrent_requests: int = 2, *, deadline: float | None = None
    ) -> AsyncBatchCollection:
        """A batch sending ``batch_size`` objects per request, ``concurrent_requests`` at once."""
        return self._make(BatchMode.fixed_size(batch_size, concurrent_requests), deadline)

    def rate_limit(
        self, requests_per_minute: int, *, deadline: float | None = None
    ) -> AsyncBatchCollection:
        """A batch sending at most ``requests_per_minute`` objects per minute."""
        return self._make(BatchMode.rate_limit(requests_per_minute), deadline)

    def stream(self, *, deadline: float | None = None) -> AsyncBatchCollection:
        """A server-side batch over one gRPC ``BatchStream``."""
        return self._make(BatchMode.stream(), deadline)

    async def wait_for_vector_indexing(
        self, *, poll_interval: float = 0.5, timeout: float | None = None
    ) -> bool:
        """Wait until this collection's shards have empty vector queues."""
        return await self._driver.run(
            wait_for_indexing(
                [(self._ctx.name, self._ctx.tenant)], poll_interval=poll_interval, timeout=timeout
            )
        )
