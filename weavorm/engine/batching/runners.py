"""Runners that move a batch's requests between its pure core and a driver.

Client-side batches (:class:`SyncBatchRunner`, :class:`AsyncBatchRunner`) keep up to
``concurrency`` requests in flight: the sync runner hands each request to a small
thread pool (each request is one driver ``run``, with the driver's retries), the async
runner to tasks on the running loop. Nothing runs in the background between calls:
outcomes are collected whenever the caller adds, flushes or closes.

Server-side batches (:class:`SyncStreamRunner`, :class:`AsyncStreamRunner`) keep one
``BatchStream`` open, send ``Data`` messages as objects are added and feed every
server message into the :class:`~weavorm.engine.batching.stream_core.StreamCore`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
import uuid as uuid_lib
from collections.abc import Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from weavorm._proto.v1 import batch_pb2
from weavorm.engine._transport.driver import AsyncDriver, SyncDriver
from weavorm.engine._transport.stream import AsyncBidiStream, SyncBidiStream
from weavorm.engine.batching.core import (
    DYNAMIC_MAX_CONCURRENCY,
    BatchCore,
    CoreBase,
    Request,
    run_request,
)
from weavorm.engine.batching.stream_core import StreamCore
from weavorm.errors import BatchDeadlineError, ConfigError, TimeoutError, WeavormError

__all__ = ["AsyncBatchRunner", "AsyncStreamRunner", "SyncBatchRunner", "SyncStreamRunner"]

INTERRUPTED = "not sent: the batch block was interrupted ({reason}) before this item was sent"
CANCELLED = (
    "the batch was cancelled while this request was in flight; the server may or may not "
    "have stored it"
)


DEADLINE_UNSENT = "not sent: the batch deadline of {deadline:g}s passed before this item was sent"
DEADLINE_INFLIGHT = (
    "the batch deadline of {deadline:g}s passed while this item was in flight; the server "
    "may or may not have stored it"
)


class _Closed:
    closed = False
    core: CoreBase
    deadline: float | None = None
    _deadline_at: float | None = None
    _expired: BatchDeadlineError | None = None

    def check_open(self) -> None:
        """Raise :class:`ConfigError` when the batch was closed (or its deadline error)."""
        if self._expired is not None:
            raise self._expired
        if self.closed:
            raise ConfigError("this batch is closed; start a new one with client.batch.<mode>()")

    def _set_deadline(self, deadline: float | None) -> None:
        if deadline is not None and (
            isinstance(deadline, bool) or not isinstance(deadline, int | float) or deadline <= 0
        ):
            raise ConfigError(
                f"deadline must be a positive number of seconds, got {deadline!r}",
                field="deadline",
                value=deadline,
            )
        self.deadline = deadline
        self._deadline_at = None if deadline is None else self.core.clock() + deadline

    def remaining(self) -> float | None:
        """Seconds left before the batch deadline (None: no deadline)."""
        if self._deadline_at is None:
            return None
        return self._deadline_at - self.core.clock()

    def _deadline_error(self) -> BatchDeadlineError:
        """Record every unsent item as failed and build the error listing what did not land."""
        assert self.deadline is not None
        self.core.abandon(DEADLINE_UNSENT.format(deadline=self.deadline))
        failed = sorted(self.core.failed_objects, key=lambda e: e.index)
        error = BatchDeadlineError(
            f"the batch deadline of {self.deadline:g}s passed: {len(failed)} object(s) and "
            f"{len(self.core.failed_references)} reference(s) did not land (see .failed)",
            errors={e.index: e.message for e in failed},
            failed=failed,
        )
        self._expired = error
        return error

    def abandon_rest(
        self, collection: str, tenant: str | None, rest: Iterable[Mapping[str, Any]]
    ) -> BatchDeadlineError:
        """After the deadline: record objects never added as failed too; the full error."""
        for item in rest:
            self.core.add_object(collection, tenant=tenant, **item)
        return self._deadline_error()

    def _capped(self, request: Request, batch_timeout: float) -> Request:
        left = self.remaining()
        if left is not None:
            timeout = max(0.05, min(request.call.timeout or batch_timeout, left))
            request.call = dataclasses.replace(request.call, timeout=timeout)
        return request


class SyncBatchRunner(_Closed):
    """Runs a :class:`BatchCore` with blocking calls and a small thread pool."""

    core: BatchCore

    def __init__(
        self, driver: SyncDriver, core: BatchCore, *, deadline: float | None = None
    ) -> None:
        self.driver = driver
        self.core = core
        self._pool: ThreadPoolExecutor | None = None
        self._inflight: dict[Future[Any], Request] = {}
        self._lock = threading.RLock()
        self._set_deadline(deadline)

    def open(self) -> None:
        """Nothing to open for client-side batches."""

    def add_object(self, collection: str, properties: Any, **options: Any) -> uuid_lib.UUID:
        """Queue one object and send what is ready."""
        with self._lock:
            self.check_open()
            uid = self.core.add_object(collection, properties, **options)
            self._pump(final=False)
            return uid

    def add_reference(self, **options: Any) -> None:
        """Queue references and send what is ready."""
        with self._lock:
            self.check_open()
            self.core.add_reference(**options)
            self._pump(final=False)

    def flush(self) -> None:
        """Send everything queued and wait for every outcome."""
        with self._lock:
            self.check_open()
            self._pump(final=True)

    def close(self, *, interrupted: str | None = None) -> None:
        """Flush (or, when interrupted, record what is unsent) and release the pool."""
        with self._lock:
            self._close(interrupted)

    def _close(self, interrupted: str | None) -> None:
        if self.closed:
            return
        try:
            if self._expired is not None:
                return
            if interrupted is None:
                self._pump(final=True)
            else:
                self._drain()
                self.core.abandon(INTERRUPTED.format(reason=interrupted))
        finally:
            self.closed = True
            self.core.finish()
            if self._pool is not None:
                # after a deadline, requests still in flight are not waited for
                self._pool.shutdown(wait=self._expired is None, cancel_futures=True)
                self._pool = None

    def _submit(self, request: Request) -> None:
        if self._pool is None:
            workers = max(self.core.mode.concurrency, DYNAMIC_MAX_CONCURRENCY)
            self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="weavorm-batch")
        self.core.mark_sent(request, self.core.clock())
        if self._deadline_at is not None:
            self._capped(request, self.driver.config.timeout.batch)
        future = self._pool.submit(self.driver.run, run_request(request))
        self._inflight[future] = request

    def _expire(self) -> BatchDeadlineError:
        assert self.deadline is not None
        message = DEADLINE_INFLIGHT.format(deadline=self.deadline)
        for future, request in list(self._inflight.items()):
            reply = future.result() if future.done() else WeavormError(message)
            self.core.complete(request, reply, now=self.core.clock())
        self._inflight.clear()
        return self._deadline_error()

    def _reap(self, *, block: bool) -> None:
        if not self._inflight:
            return
        if block:
            left = self.remaining()
            done, _ = wait(
                list(self._inflight),
                timeout=None if left is None else max(left, 0.0),
                return_when=FIRST_COMPLETED,
            )
            if not done:
                raise self._expire()
        else:
            done = {f for f in self._inflight if f.done()}
        for future in done:
            request = self._inflight.pop(future)
            self.core.complete(request, future.result(), now=self.core.clock())

    def _drain(self) -> None:
        while self._inflight:
            self._reap(block=True)

    def _pump(self, *, final: bool) -> None:
        core = self.core
        self._reap(block=False)
        while True:
            left = self.remaining()
            if left is not None and left <= 0:
                raise self._expire()
            # wait for room before taking a request, so that a deadline passing
            # meanwhile never strands a request that was taken but not sent
            while len(self._inflight) >= core.concurrency:
                self._reap(block=True)
            request = core.next_request(final=final, inflight=len(self._inflight))
            if request is None:
                if final and self._inflight:
                    self._reap(block=True)
                    continue
                return
            delay = core.wait_time(request, core.clock())
            if delay > 0:
                time.sleep(delay)
            self._submit(request)


class AsyncBatchRunner(_Closed):
    """Runs a :class:`BatchCore` with tasks on the running event loop."""

    core: BatchCore

    def __init__(
        self, driver: AsyncDriver, core: BatchCore, *, deadline: float | None = None
    ) -> None:
        self.driver = driver
        self.core = core
        self._inflight: dict[asyncio.Future[Any], Request] = {}
        self._set_deadline(deadline)

    async def open(self) -> None:
        """Nothing to open for client-side batches."""

    async def add_object(self, collection: str, properties: Any, **options: Any) -> uuid_lib.UUID:
        """Queue one object and send what is ready."""
        self.check_open()
        uid = self.core.add_object(collection, properties, **options)
        await self._pump(final=False)
        return uid

    async def add_reference(self, **options: Any) -> None:
        """Queue references and send what is ready."""
        self.check_open()
        self.core.add_reference(**options)
        await self._pump(final=False)

    async def flush(self) -> None:
        """Send everything queued and wait for every outcome."""
        self.check_open()
        await self._pump(final=True)

    async def close(self, *, interrupted: str | None = None) -> None:
        """Flush (or record what is unsent when interrupted)."""
        if self.closed:
            return
        try:
            if self._expired is not None:
                return
            if interrupted is None:
                await self._pump(final=True)
            else:
                self._cancel_inflight()
                self.core.abandon(INTERRUPTED.format(reason=interrupted))
        finally:
            self.closed = True
            self.core.finish()

    def _cancel_inflight(self) -> None:
        for task, request in list(self._inflight.items()):
            if task.done() and not task.cancelled():
                self.core.complete(request, task.result(), now=self.core.clock())
            else:
                task.cancel()
                self.core.complete(request, WeavormError(CANCELLED), now=self.core.clock())
        self._inflight.clear()

    def _submit(self, request: Request) -> None:
        self.core.mark_sent(request, self.core.clock())
        if self._deadline_at is not None:
            self._capped(request, self.driver.config.timeout.batch)
        task = asyncio.ensure_future(self.driver.run(run_request(request)))
        self._inflight[task] = request

    def _expire(self) -> BatchDeadlineError:
        assert self.deadline is not None
        message = DEADLINE_INFLIGHT.format(deadline=self.deadline)
        for task, request in list(self._inflight.items()):
            if task.done() and not task.cancelled():
                reply: Any = task.result()
            else:
                task.cancel()
                reply = WeavormError(message)
            self.core.complete(request, reply, now=self.core.clock())
        self._inflight.clear()
        return self._deadline_error()

    async def _reap(self, *, block: bool) -> None:
        if not self._inflight:
            return
        if block:
            left = self.remaining()
            done, _ = await asyncio.wait(
                list(self._inflight),
                timeout=None if left is None else max(left, 0.0),
                return_when=asyncio.FIRST_COMPLETED,
            )
            if not done:
                raise self._expire()
        else:
            done = {t for t in self._inflight if t.done()}
        for task in done:
            request = self._inflight.pop(task)
            self.core.complete(request, task.result(), now=self.core.clock())

    async def _pump(self, *, final: bool) -> None:
        core = self.core
        await self._reap(block=False)
        while True:
            left = self.remaining()
            if left is not None and left <= 0:
                raise self._expire()
            # wait for room before taking a request, so that a deadline passing
            # meanwhile never strands a request that was taken but not sent
            while len(self._inflight) >= core.concurrency:
                await self._reap(block=True)
            request = core.next_request(final=final, inflight=len(self._inflight))
            if request is None:
                if final and self._inflight:
                    await self._reap(block=True)
                    continue
                return
            delay = core.wait_time(request, core.clock())
            if delay > 0:
                await asyncio.sleep(delay)
            self._submit(request)


def _stream_kwargs() -> dict[str, Any]:
    return {
        "method": "BatchStream",
        "request_type": batch_pb2.BatchStreamRequest,
        "reply_type": batch_pb2.BatchStreamReply,
        "operation": "batch.stream",
    }


class SyncStreamRunner(_Closed):
    """Runs a :class:`StreamCore` over one ``BatchStream`` on the sync channel."""

    core: StreamCore

    def __init__(
        self, driver: SyncDriver, core: StreamCore, *, deadline: float | None = None
    ) -> None:
        self.driver = driver
        self.core = core
        self._set_deadline(deadline)
        self._cond = threading.Condition()
        self._stream: SyncBidiStream | None = None
        self._ended = False
        self._end_error: WeavormError | None = None
        self._closing = False
        self._timeout = driver.config.timeout.batch
        retry = driver.config.retry
        core.reopen_budget = retry.budget if retry.budget is not None else 20.0
        core.reopen_backoff = retry.backoff

    def open(self) -> None:
        """Open the stream (done on first use when not entered as a context)."""
        with self._cond:
            if self._stream is None:
                self._open()

    def _open(self) -> None:
        self._ended, self._end_error = False, None
        stream = SyncBidiStream(
            self.driver.grpc,
            self.driver.telemetry,
            self.driver.config.grpc_target,
            **_stream_kwargs(),
        )
        self._stream = stream
        stream.start(self._on_reply, self._on_end)
        stream.send(self.core.start_message())

    def _on_reply(self, reply: Any) -> None:
        with self._cond:
            self.core.on_reply(reply)
            self._cond.notify_all()

    def _on_end(self, error: WeavormError | None) -> None:
        with self._cond:
            self._ended = True
            if self._end_error is None:
                self._end_error = error
            self._cond.notify_all()

    def _handle_end(self) -> None:
        """The stream ended: reopen it, or raise its error when it cannot be."""
        self._check_deadline()
        outcome = self.core.on_end(self._end_error, expected=self._closing)
        error = self._end_error
        self._stream = None
        if outcome == "reopen":
            delay = self.core.wait_before_reopen
            self._cond.release()
            try:
                time.sleep(delay)
            finally:
                self._cond.acquire()
            self._open()
        elif not self._closing:
            self.closed = True
            raise error or WeavormError("the server ended the batch stream")

    def _check_deadline(self) -> None:
        left = self.remaining()
        if left is None or left > 0:
            return
        if self._stream is not None:
            self._stream.cancel()
            self._stream = None
        self.core.abandon(DEADLINE_UNSENT.format(deadline=self.deadline))
        self.core.fail_unresolved(DEADLINE_INFLIGHT.format(deadline=self.deadline))
        raise self._deadline_error()

    def _wait(self) -> None:
        self._check_deadline()
        left = self.remaining()
        timeout = self._timeout if left is None else max(0.0, min(self._timeout, left))
        if not self._cond.wait(timeout):
            self._check_deadline()
            if self._stream is not None:
                self._stream.cancel()
            self._end_error = TimeoutError(
                f"batch.stream: no message from the server for {self._timeout:g}s"
            )

    def _send_ready(self, *, final: bool) -> None:
        assert self._stream is not None
        for message in self.core.take_messages(final=final):
            self._stream.send(message)

    def add_object(self, collection: str, properties: Any, **options: Any) -> uuid_lib.UUID:
        """Queue one object, send full messages, wait while too much is unacknowledged."""
        self.check_open()
        with self._cond:
            uid = self.core.add_object(collection, properties, **options)
            self._after_add()
        return uid

    def add_reference(self, **options: Any) -> None:
        """Queue references, send full messages."""
        self.check_open()
        with self._cond:
            self.core.add_reference(**options)
            self._after_add()

    def _after_add(self) -> None:
        if self._stream is None or self._ended:
            self._ensure_stream()
        self._send_ready(final=False)
        while self.core.blocked:
            if self._ended:
                self._ensure_stream()
                self._send_ready(final=False)
                continue
            self._wait()

    def _ensure_stream(self) -> None:
        if self._stream is None:
            self._open()
        elif self._ended:
            self._handle_end()

    def flush(self) -> None:
        """Send everything queued (waiting for objects before their references)."""
        self.check_open()
        with self._cond:
            self._flush_locked()

    def _flush_locked(self) -> None:
        self._ensure_stream()
        while True:
            if self._ended:
                self._handle_end()
                if self._stream is None:
                    return
            self._send_ready(final=True)
            if not self.core.queued:
                return
            self._wait()

    def close(self, *, interrupted: str | None = None) -> None:
        """Send the rest, stop, wait for every result, close the stream."""
        if self.closed:
            return
        with self._cond:
            try:
                if self._expired is not None:
                    return
                if interrupted is not None:
                    self.core.abandon(INTERRUPTED.format(reason=interrupted))
                    if self._stream is not None:
                        self._stream.cancel()
                        self._cond.wait(5.0)
                    self.core.fail_unresolved(CANCELLED)
                    return
                if self._stream is None and not self.core.queued:
                    return
                self._closing = True
                while True:
                    self._flush_locked()
                    if self._stream is None:
                        return
                    self._stream.send(self.core.stop_message())
                    self._stream.close_send()
                    while not self._ended:
                        self._wait()
                    self._handle_end()
                    if self._stream is None:
                        return
            finally:
                self.closed = True
                self.core.finish()


class AsyncStreamRunner(_Closed):
    """Runs a :class:`StreamCore` over one ``BatchStream`` on the ``grpc.aio`` channel."""

    core: StreamCore

    def __init__(
        self, driver: AsyncDriver, core: StreamCore, *, deadline: float | None = None
    ) -> None:
        self.driver = driver
        self.core = core
        self._set_deadline(deadline)
        self._progress = asyncio.Event()
        self._stream: AsyncBidiStream | None = None
        self._ended = False
        self._end_error: WeavormError | None = None
        self._closing = False
        self._timeout = driver.config.timeout.batch
        retry = driver.config.retry
        core.reopen_budget = retry.budget if retry.budget is not None else 20.0
        core.reopen_backoff = retry.backoff

    async def open(self) -> None:
        """Open the stream (done on first use when not entered as a context)."""
        if self._stream is None:
            await self._open()

    async def _open(self) -> None:
        self._ended, self._end_error = False, None
        stream = AsyncBidiStream(
            self.driver.grpc,
            self.driver.telemetry,
            self.driver.config.grpc_target,
            **_stream_kwargs(),
        )
        self._stream = stream
        await stream.start(self._on_reply, self._on_end)
        await stream.send(self.core.start_message())

    def _on_reply(self, reply: Any) -> None:
        self.core.on_reply(reply)
        self._progress.set()

    def _on_end(self, error: WeavormError | None) -> None:
        self._ended = True
        if self._end_error is None:
            self._end_error = error
        self._progress.set()

    async def _handle_end(self) -> None:
        self._check_deadline()
        outcome = self.core.on_end(self._end_error, expected=self._closing)
        error = self._end_error
        self._stream = None
        if outcome == "reopen":
            await asyncio.sleep(self.core.wait_before_reopen)
            await self._open()
        elif not self._closing:
            self.closed = True
            raise error or WeavormError("the server ended the batch stream")

    def _check_deadline(self) -> None:
        left = self.remaining()
        if left is None or left > 0:
            return
        if self._stream is not None:
            self._stream.cancel()
            self._stream = None
        self.core.abandon(DEADLINE_UNSENT.format(deadline=self.deadline))
        self.core.fail_unresolved(DEADLINE_INFLIGHT.format(deadline=self.deadline))
        raise self._deadline_error()

    async def _wait(self) -> None:
        self._check_deadline()
        left = self.remaining()
        timeout = self._timeout if left is None else max(0.0, min(self._timeout, left))
        self._progress.clear()
        try:
            await asyncio.wait_for(self._progress.wait(), timeout)
        except asyncio.TimeoutError:
            self._check_deadline()
            if self._stream is not None:
                self._stream.cancel()
            self._end_error = TimeoutError(
                f"batch.stream: no message from the server for {self._timeout:g}s"
            )

    async def _send_ready(self, *, final: bool) -> None:
        assert self._stream is not None
        for message in self.core.take_messages(final=final):
            await self._stream.send(message)

    async def _ensure_stream(self) -> None:
        if self._stream is None:
            await self._open()
        elif self._ended:
            await self._handle_end()

    async def add_object(self, collection: str, properties: Any, **options: Any) -> uuid_lib.UUID:
        """Queue one object, send full messages, wait while too much is unacknowledged."""
        self.check_open()
        uid = self.core.add_object(collection, properties, **options)
        await self._after_add()
        return uid

    async def add_reference(self, **options: Any) -> None:
        """Queue references, send full messages."""
        self.check_open()
        self.core.add_reference(**options)
        await self._after_add()

    async def _after_add(self) -> None:
        if self._stream is None or self._ended:
            await self._ensure_stream()
        await self._send_ready(final=False)
        while self.core.blocked:
            if self._ended:
                await self._ensure_stream()
                await self._send_ready(final=False)
                continue
            await self._wait()

    async def flush(self) -> None:
        """Send everything queued (waiting for objects before their references)."""
        self.check_open()
        await self._flush()

    async def _flush(self) -> None:
        await self._ensure_stream()
        while True:
            if self._ended:
                await self._handle_end()
                if self._stream is None:
                    return
            await self._send_ready(final=True)
            if not self.core.queued:
                return
            await self._wait()

    async def close(self, *, interrupted: str | None = None) -> None:
        """Send the rest, stop, wait for every result, close the stream."""
        if self.closed:
            return
        try:
            if self._expired is not None:
                return
            if interrupted is not None:
                self.core.abandon(INTERRUPTED.format(reason=interrupted))
                if self._stream is not None:
                    self._stream.cancel()
                self.core.fail_unresolved(CANCELLED)
                return
            if self._stream is None and not self.core.queued:
                return
            self._closing = True
            while True:
                await self._flush()
                if self._stream is None:
                    return
                await self._stream.send(self.core.stop_message())
                await self._stream.close_send()
                while not self._ended:
                    await self._wait()
                await self._handle_end()
                if self._stream is None:
                    return
        finally:
            self.closed = True
            self.core.finish()
