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

import inspect
import uuid as uuid_lib
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from weavorm.engine._protocol.calls import Operation
from weavorm.engine._protocol.context import CONSISTENCY_LEVELS, CollectionContext
from weavorm.engine._transport.driver import AsyncDriver, SyncDriver
from weavorm.engine.batching.core import BatchCore, BatchMode, CoreBase, wait_for_indexing
from weavorm.engine.batching.runners import (
    AsyncBatchRunner,
    AsyncStreamRunner,
    SyncBatchRunner,
    SyncStreamRunner,
)
from weavorm.engine.batching.stream_core import StreamCore
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


# -- one source for both faces ------------------------------------------------------------
#
# Every method of a batch or a batch namespace is written once, as a *spec*: a function
# with the public signature and docstring that says what to do (:class:`_Ask`: a runner
# method and its arguments, or an operation to run on the driver). ``_sync`` and
# ``_async`` turn a spec into the method of the sync and of the async class, so the two
# faces cannot drift apart (the parity test ``tests/unit/test_data_parity.py`` checks it).

P = ParamSpec("P")
T = TypeVar("T")
C = TypeVar("C", bound=type)


@dataclass(frozen=True, slots=True)
class _Ask(Generic[T]):
    """What a batch method does: call ``runner.<method>(**kwargs)``, or run ``op``."""

    method: str = ""
    kwargs: dict[str, Any] = field(default_factory=dict)
    op: Operation[T] | None = None


def _adopt(method: Callable[..., Any], spec: Callable[..., Any]) -> None:
    method.__signature__ = inspect.signature(spec)  # type: ignore[attr-defined]
    method.__name__ = spec.__name__.lstrip("_")
    method.__qualname__ = method.__name__
    method.__doc__ = spec.__doc__
    method.__module__ = spec.__module__


def _sync(spec: Callable[Concatenate[Any, P], _Ask[T]]) -> Callable[Concatenate[Any, P], T]:
    """The sync method of ``spec`` (on the batch's runner or the namespace's driver)."""

    def method(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        ask = spec(self, *args, **kwargs)
        if ask.op is not None:
            result: T = self._driver.run(ask.op)
            return result
        done: T = getattr(self._runner, ask.method)(**ask.kwargs)
        return done

    _adopt(method, spec)
    return method


def _async(
    spec: Callable[Concatenate[Any, P], _Ask[T]],
) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, T]]:
    """The coroutine twin of :func:`_sync`."""

    async def method(self: Any, /, *args: P.args, **kwargs: P.kwargs) -> T:
        ask = spec(self, *args, **kwargs)
        if ask.op is not None:
            result: T = await self._driver.run(ask.op)
            return result
        done: T = await getattr(self._runner, ask.method)(**ask.kwargs)
        return done

    _adopt(method, spec)
    return method


def _named(cls: C) -> C:
    """Class decorator: class-qualified names for the methods made by ``_sync``/``_async``."""
    for name, member in vars(cls).items():
        if callable(member) and getattr(member, "__qualname__", None) == name:
            member.__qualname__ = f"{cls.__qualname__}.{name}"
    return cls


# -- batches ----------------------------------------------------------------------------


def _flush(self: Any) -> _Ask[None]:
    """Send everything added so far and wait for the outcomes."""
    return _Ask("flush")


def _client_add_object(  # noqa: D417 (self is the batch)
    self: Any,
    collection: str,
    properties: Mapping[str, Any] | None = None,
    *,
    references: ReferenceInputs | None = None,
    uuid: UUIDLike | None = None,
    vector: VectorInput | None = None,
    tenant: str | None = None,
) -> _Ask[uuid_lib.UUID]:
    """Add one object; returns its UUID (assigned now when not given).

    The async batch waits only when the batch is full.

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
    return _Ask(
        "add_object",
        {
            "collection": collection,
            "properties": properties,
            "uuid": uuid,
            "vector": vector,
            "references": references,
            "tenant": tenant,
        },
    )


def _client_add_reference(  # noqa: D417 (self is the batch)
    self: Any,
    from_uuid: UUIDLike,
    from_collection: str,
    from_property: str,
    to: ReferenceInput,
    *,
    tenant: str | None = None,
) -> _Ask[None]:
    """Add a reference (one per target when ``to`` lists several).

    Args:
        from_uuid: The source object.
        from_collection: Its collection.
        from_property: Its reference property.
        to: Target UUID(s), or ``ReferenceToMulti`` for multi-target properties.
        tenant: The tenant, for multi-tenant collections.
    """
    return _Ask(
        "add_reference",
        {
            "from_collection": from_collection,
            "from_uuid": from_uuid,
            "from_property": from_property,
            "to": to,
            "tenant": tenant,
        },
    )


def _collection_add_object(
    self: Any,
    properties: Mapping[str, Any] | None = None,
    *,
    references: ReferenceInputs | None = None,
    uuid: UUIDLike | None = None,
    vector: VectorInput | None = None,
) -> _Ask[uuid_lib.UUID]:
    """Add one object to this collection; returns its UUID."""
    ctx: CollectionContext = self._ctx
    return _client_add_object(
        self,
        ctx.name,
        properties,
        references=references,
        uuid=uuid,
        vector=vector,
        tenant=ctx.tenant,
    )


def _collection_add_reference(
    self: Any, from_uuid: UUIDLike, from_property: str, to: ReferenceInput
) -> _Ask[None]:
    """Add a reference from an object of this collection."""
    ctx: CollectionContext = self._ctx
    return _client_add_reference(self, from_uuid, ctx.name, from_property, to, tenant=ctx.tenant)


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

    flush = _sync(_flush)


_SB = TypeVar("_SB", bound=_SyncBatch)


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

    flush = _async(_flush)


_AB = TypeVar("_AB", bound=_AsyncBatch)


@_named
class BatchClient(_SyncBatch):
    """A client-level batch: objects and references of any collection."""

    add_object = _sync(_client_add_object)
    add_reference = _sync(_client_add_reference)


@_named
class AsyncBatchClient(_AsyncBatch):
    """The async face of :class:`BatchClient` (``await batch.add_object(...)``)."""

    add_object = _async(_client_add_object)
    add_reference = _async(_client_add_reference)


class _InCollection:
    _ctx: CollectionContext

    def _bind(self, ctx: CollectionContext) -> None:
        self._ctx = ctx


@_named
class BatchCollection(_SyncBatch, _InCollection):
    """A collection-level batch (the collection handle's tenant and consistency)."""

    def __init__(self, runner: SyncRunner, mode: BatchMode, ctx: CollectionContext) -> None:
        super().__init__(runner, mode)
        self._bind(ctx)

    add_object = _sync(_collection_add_object)
    add_reference = _sync(_collection_add_reference)


@_named
class AsyncBatchCollection(_AsyncBatch, _InCollection):
    """The async face of :class:`BatchCollection`."""

    def __init__(self, runner: AsyncRunner, mode: BatchMode, ctx: CollectionContext) -> None:
        super().__init__(runner, mode)
        self._bind(ctx)

    add_object = _async(_collection_add_object)
    add_reference = _async(_collection_add_reference)


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


# -- namespaces -------------------------------------------------------------------------

B = TypeVar("B", bound=_Outcome)


class _Namespace(Generic[B]):
    """The modes of ``client.batch`` / ``collection.batch``, written once for both faces.

    A face sets ``_client`` (is it a client-level namespace), ``_batch`` (the batch class
    it creates) and ``_runner_for`` (the sync or async runner factory).
    """

    _last: _Outcome | None = None
    _driver: Any
    _ctx: CollectionContext | None = None
    _batch: Callable[..., B]
    _runner_for: Callable[..., Any]

    def _make(self, mode: BatchMode, consistency_level: str | None, deadline: float | None) -> B:
        ctx = self._ctx
        if ctx is None:
            level = _level(consistency_level)
            size = self._driver.grpc_max_message_size
        else:
            level, size = ctx.consistency, ctx.grpc_max_message_size
        runner = type(self)._runner_for(self._driver, mode, level, size, deadline)
        make = type(self)._batch
        batch = make(runner, mode) if ctx is None else make(runner, mode, ctx)
        self._last = batch
        return batch

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
        if self._ctx is not None:
            return [(self._ctx.name, self._ctx.tenant)]
        return sorted(self._last.targets, key=str) if self._last is not None else []


class _ClientModes(_Namespace[B]):
    def dynamic(self, *, consistency_level: str | None = None, deadline: float | None = None) -> B:
        """A batch whose size and concurrency adapt to the server (see the module doc)."""
        return self._make(BatchMode.dynamic(), consistency_level, deadline)

    def fixed_size(
        self,
        batch_size: int = 100,
        concurrent_requests: int = 2,
        *,
        consistency_level: str | None = None,
        deadline: float | None = None,
    ) -> B:
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
    ) -> B:
        """A batch sending at most ``requests_per_minute`` objects per minute."""
        return self._make(BatchMode.rate_limit(requests_per_minute), consistency_level, deadline)

    def stream(self, *, consistency_level: str | None = None, deadline: float | None = None) -> B:
        """A server-side batch over one gRPC ``BatchStream`` (Weaviate >= 1.36)."""
        return self._make(BatchMode.stream(), consistency_level, deadline)


class _CollectionModes(_Namespace[B]):
    def dynamic(self, *, deadline: float | None = None) -> B:
        """A batch whose size and concurrency adapt to the server."""
        return self._make(BatchMode.dynamic(), None, deadline)

    def fixed_size(
        self, batch_size: int = 100, concurrent_requests: int = 2, *, deadline: float | None = None
    ) -> B:
        """A batch sending ``batch_size`` objects per request, ``concurrent_requests`` at once."""
        return self._make(BatchMode.fixed_size(batch_size, concurrent_requests), None, deadline)

    def rate_limit(self, requests_per_minute: int, *, deadline: float | None = None) -> B:
        """A batch sending at most ``requests_per_minute`` objects per minute."""
        return self._make(BatchMode.rate_limit(requests_per_minute), None, deadline)

    def stream(self, *, deadline: float | None = None) -> B:
        """A server-side batch over one gRPC ``BatchStream``."""
        return self._make(BatchMode.stream(), None, deadline)


def _wait_for_vector_indexing(
    self: Any, *, poll_interval: float = 0.5, timeout: float | None = None
) -> _Ask[bool]:
    """Wait until the shards the last batch (or this collection) wrote to have empty vector queues.

    Returns:
        True when indexing finished, False when ``timeout`` passed first.
    """
    return _Ask(op=wait_for_indexing(self._targets(), poll_interval=poll_interval, timeout=timeout))


@_named
class ClientBatchNamespace(_ClientModes[BatchClient]):
    """``client.batch``: start a batch over any collections."""

    _batch = BatchClient
    _runner_for = staticmethod(_sync_runner)

    def __init__(self, driver: SyncDriver) -> None:
        self._driver = driver

    wait_for_vector_indexing = _sync(_wait_for_vector_indexing)


@_named
class AsyncClientBatchNamespace(_ClientModes[AsyncBatchClient]):
    """The async face of :class:`ClientBatchNamespace`."""

    _batch = AsyncBatchClient
    _runner_for = staticmethod(_async_runner)

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    wait_for_vector_indexing = _async(_wait_for_vector_indexing)


@_named
class CollectionBatchNamespace(_CollectionModes[BatchCollection]):
    """``collection.batch``: batches into one collection (its tenant and consistency)."""

    _batch = BatchCollection
    _runner_for = staticmethod(_sync_runner)

    def __init__(self, driver: SyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx

    wait_for_vector_indexing = _sync(_wait_for_vector_indexing)


@_named
class AsyncCollectionBatchNamespace(_CollectionModes[AsyncBatchCollection]):
    """The async face of :class:`CollectionBatchNamespace`."""

    _batch = AsyncBatchCollection
    _runner_for = staticmethod(_async_runner)

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx

    wait_for_vector_indexing = _async(_wait_for_vector_indexing)
