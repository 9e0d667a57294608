"""Drivers: run protocol operations (generators of calls) over the transports.

The protocol core yields :class:`~weavorm.engine._protocol.calls.Call` objects; a
driver executes each (with retries, deadlines and telemetry) and sends the reply back
in, or throws the translated error in. The sync and async drivers differ only in
how they wait.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import random
import threading
import time
from collections.abc import Generator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from weavorm.engine._protocol.calls import Call, GrpcCall, HttpCall, Parallel, Sleep
from weavorm.engine._protocol.circuit import Circuit, Transition
from weavorm.engine._protocol.connection import ConnectionConfig
from weavorm.engine._protocol.rest_fallback import rest_equivalent
from weavorm.engine._transport.grpc import AsyncGrpcTransport, GrpcTransport
from weavorm.engine._transport.http import AsyncHttpTransport, HttpTransport, encode_body
from weavorm.engine.telemetry import RequestEvent, Span, Telemetry
from weavorm.errors import CircuitOpenError, ServerError, TransportError, WeavormError

__all__ = ["AsyncDriver", "SyncDriver"]

T = TypeVar("T")

_log = logging.getLogger("weavorm")

#: Seconds a retrying call waits while another call probes a half-open circuit.
_PROBE_POLL = 0.05


def _status_of(error: WeavormError) -> int | str | None:
    if isinstance(error, ServerError):
        return error.grpc_code or error.status
    return None


def _grpc_timeout(call: GrpcCall, config: ConnectionConfig) -> float:
    if call.timeout is not None:
        return call.timeout
    if call.method.startswith("Batch"):
        return config.timeout.batch
    return config.timeout.read


class _DriverBase:
    def __init__(self, config: ConnectionConfig, telemetry: Telemetry) -> None:
        self.config = config
        self.telemetry = telemetry
        self.grpc_max_message_size = config.grpc_max_message_size
        self._rng = random.Random()
        #: Whether the server ever answered (then retries use the whole budget).
        self.reached = False
        self._circuits: dict[str, Circuit] = {}
        self._circuit_lock = threading.Lock()
        self._circuit_pid = os.getpid()

    # -- circuit breaker ----------------------------------------------------------------

    def circuit(self, transport: str) -> Circuit | None:
        """The circuit of ``transport`` (``"http"`` or ``"grpc"``), or None if disabled."""
        settings = self.config.circuit
        if settings is None:
            return None
        if self._circuit_pid != os.getpid():
            # a forked child: its own circuits, and a lock no other thread can hold
            self._circuits, self._circuit_lock = {}, threading.Lock()
            self._circuit_pid = os.getpid()
        current = self._circuits.get(transport)
        if current is None:
            current = self._circuits.setdefault(transport, Circuit(settings))
        return current

    def endpoint(self, transport: str) -> str:
        """The REST base URL or the gRPC ``host:port``."""
        return self.config.http_url if transport == "http" else self.config.grpc_target

    def _admit(self, call: HttpCall | GrpcCall, transport: str, circuit: Circuit) -> float | None:
        """None when ``call`` may go out; else seconds until the circuit half-opens."""
        now = time.monotonic()
        with self._circuit_lock:
            admitted, transition = circuit.admit(now)
            remaining = circuit.remaining(now)
        if transition is not None:
            self._report(transport, transition)
        return None if admitted else remaining

    def _open_error(
        self, call: HttpCall | GrpcCall, transport: str, remaining: float
    ) -> CircuitOpenError:
        endpoint = self.endpoint(transport)
        until = time.time() + remaining
        stamp = time.strftime("%H:%M:%S", time.gmtime(until)) + f".{int(until % 1 * 1000):03d} UTC"
        if remaining > 0:
            when = f"open until {stamp} (in {remaining:.2f} s)"
        else:
            when = "half-open with a probe in flight"
        name = "REST" if transport == "http" else "gRPC"
        return CircuitOpenError(
            f"{call.operation}: not sent: the {name} circuit to {endpoint} is {when} after "
            "repeated connection failures",
            transport=transport,
            endpoint=endpoint,
            until=until,
        )

    def _settle(self, transport: str, circuit: Circuit, error: BaseException | None) -> None:
        with self._circuit_lock:
            transition = circuit.record(error, time.monotonic())
        if transition is not None:
            self._report(transport, transition)

    def _release(self, circuit: Circuit) -> None:
        with self._circuit_lock:
            circuit.release()

    def _report(self, transport: str, transition: Transition) -> None:
        endpoint = self.endpoint(transport)
        name = "REST" if transport == "http" else "gRPC"
        if transition.new == "open":
            _log.warning(
                "%s circuit to %s opened for %.2f s: %s",
                name,
                endpoint,
                transition.open_for,
                transition.reason,
            )
        else:
            _log.info(
                "%s circuit to %s is %s: %s",
                name,
                endpoint,
                transition.new.replace("_", "-"),
                transition.reason,
            )
        self.telemetry.emit(
            RequestEvent(
                "circuit",
                f"circuit.{transition.new}",
                transport,
                endpoint,
                0,
                duration=transition.open_for,
                status=transition.new,
                error=transition.reason,
            )
        )

    def _fallback(self, call: HttpCall | GrpcCall) -> tuple[HttpCall, Any] | None:
        """The REST call to make instead of ``call`` (open gRPC circuit), if any."""
        if not isinstance(call, GrpcCall) or self.config.grpc_fallback != "rest":
            return None
        found = rest_equivalent(call)
        if found is None:
            return None
        http_call, convert = found
        # a batch over REST gets the batch timeout, like its gRPC original
        timeout = (
            http_call.timeout if http_call.timeout is not None else _grpc_timeout(call, self.config)
        )
        return dataclasses.replace(http_call, timeout=timeout), convert

    def _denied_wait(
        self,
        call: HttpCall | GrpcCall,
        last: WeavormError | None,
        remaining: float,
        attempt: int,
        started: float,
    ) -> float:
        """Seconds a retrying call waits for the circuit to half-open, or -1 to give up.

        A call's first attempt fails fast; a call already retrying waits until the
        circuit half-opens (never spinning against it) while its retry policy allows.
        """
        if last is None:
            return -1.0
        if self._next_delay(last, call, attempt, started) < 0:
            return -1.0
        wait = max(remaining, _PROBE_POLL)
        budget = self.config.retry.budget
        if budget is not None and time.monotonic() - started + wait > budget:
            return -1.0
        return wait

    def _span(self, call: HttpCall | GrpcCall, attempt: int, size: int | None) -> Span:
        if isinstance(call, HttpCall):
            return Span(
                self.telemetry,
                operation=call.operation,
                transport="http",
                target=f"{call.method} {call.path}",
                attempt=attempt,
                request_bytes=size,
            )
        return Span(
            self.telemetry,
            operation=call.operation,
            transport="grpc",
            target=call.method,
            attempt=attempt,
            request_bytes=size,
        )

    def _next_delay(
        self, error: WeavormError, call: HttpCall | GrpcCall, attempt: int, started: float
    ) -> float:
        """Seconds to wait before retrying, or -1 to give up (attempts or budget spent)."""
        delay = self.config.retry.next_delay(
            error,
            attempt=attempt,
            idempotent=call.retryable,
            elapsed=time.monotonic() - started,
            reached=self.reached,
            rng=self._rng,
        )
        return -1.0 if delay is None else delay


class SyncDriver(_DriverBase):
    """Runs operations with blocking I/O; ``Parallel`` calls use a thread pool."""

    def __init__(self, config: ConnectionConfig, telemetry: Telemetry) -> None:
        super().__init__(config, telemetry)
        self.http = HttpTransport(config)
        self.grpc = GrpcTransport(config)
        self._pool: ThreadPoolExecutor | None = None
        self._pid = os.getpid()

    def run(self, op: Generator[Call, Any, T]) -> T:
        """Run a protocol operation to completion and return its result."""
        try:
            call = next(op)
            while True:
                try:
                    reply = self.execute(call)
                except WeavormError as error:
                    call = op.throw(error)
                else:
                    call = op.send(reply)
        except StopIteration as stop:
            result: T = stop.value
            return result
        finally:
            op.close()

    def execute(self, call: Call) -> Any:
        """Execute one call (with retries) and return its reply."""
        if isinstance(call, Parallel):
            return self._parallel(call)
        if isinstance(call, Sleep):
            time.sleep(call.seconds)
            return None
        return self._with_retry(call)

    def _with_retry(self, call: HttpCall | GrpcCall) -> Any:
        body = encode_body(call) if isinstance(call, HttpCall) else None
        size = len(body) if body is not None else None
        if isinstance(call, GrpcCall) and self.telemetry.listening:
            size = call.request.ByteSize()  # only events carry it
        attempt = 1
        started = time.monotonic()
        transport = "http" if isinstance(call, HttpCall) else "grpc"
        circuit = self.circuit(transport)
        last: WeavormError | None = None
        while True:
            if circuit is not None:
                remaining = self._admit(call, transport, circuit)
                if remaining is not None:
                    fallback = self._fallback(call)
                    if fallback is not None:
                        http_call, convert = fallback
                        return convert(self._with_retry(http_call))
                    denied = self._open_error(call, transport, remaining)
                    wait = self._denied_wait(call, last, remaining, attempt, started)
                    if wait < 0:
                        raise denied from last
                    time.sleep(wait)
                    attempt += 1 if remaining > 0 else 0
                    continue
            span = self._span(call, attempt, size)
            try:
                if isinstance(call, HttpCall):
                    reply: Any = self.http.send_once(call, body)
                    span.stop(reply.status)
                else:
                    reply = self.grpc.call_once(call, _grpc_timeout(call, self.config))
                    span.stop("OK")
                self.reached = True
                if circuit is not None:
                    self._settle(transport, circuit, None)
                return reply
            except WeavormError as error:
                if circuit is not None:
                    self._settle(transport, circuit, error)
                if not isinstance(error, TransportError):
                    self.reached = True
                delay = self._next_delay(error, call, attempt, started)
                span.fail(error, status=_status_of(error), will_retry=delay >= 0)
                if delay < 0:
                    raise
                last = error
                time.sleep(delay)
                attempt += 1
            except BaseException:
                if circuit is not None:
                    self._release(circuit)
                raise

    def _parallel(self, call: Parallel) -> list[Any]:
        if len(call.calls) <= 1 or call.concurrency <= 1:
            return [self._capture(c) for c in call.calls]
        if self._pid != os.getpid():
            # A forked child has none of the parent's worker threads.
            self._pool, self._pid = None, os.getpid()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=max(4, min(32, self.config.pool_size)),
                thread_name_prefix="weavorm",
            )
        results: list[Any] = [None] * len(call.calls)
        window = max(1, call.concurrency)
        for start in range(0, len(call.calls), window):
            chunk = list(enumerate(call.calls))[start : start + window]
            futures = [(i, self._pool.submit(self._capture, c)) for i, c in chunk]
            for i, future in futures:
                results[i] = future.result()
        return results

    def _capture(self, call: HttpCall | GrpcCall) -> Any:
        try:
            return self._with_retry(call)
        except WeavormError as error:
            return error

    def close(self) -> None:
        """Close transports and the worker pool."""
        self.http.close()
        self.grpc.close()
        if self._pool is not None and self._pid == os.getpid():
            self._pool.shutdown(wait=True)
        self._pool = None


class AsyncDriver(_DriverBase):
    """Runs operations on the running event loop; ``Parallel`` calls are gathered."""

    def __init__(self, config: ConnectionConfig, telemetry: Telemetry) -> None:
        super().__init__(config, telemetry)
        self.http = AsyncHttpTransport(config)
        self.grpc = AsyncGrpcTransport(config)

    async def run(self, op: Generator[Call, Any, T]) -> T:
        """Run a protocol operation to completion and return its result."""
        try:
            call = next(op)
            while True:
                try:
                    reply = await self.execute(call)
                except WeavormError as error:
                    call = op.throw(error)
                else:
                    call = op.send(reply)
        except StopIteration as stop:
            result: T = stop.value
            return result
        finally:
            op.close()

    async def execute(self, call: Call) -> Any:
        """Execute one call (with retries) and return its reply."""
        if isinstance(call, Parallel):
            return await self._parallel(call)
        if isinstance(call, Sleep):
            await asyncio.sleep(call.seconds)
            return None
        return await self._with_retry(call)

    async def _with_retry(self, call: HttpCall | GrpcCall) -> Any:
        body = encode_body(call) if isinstance(call, HttpCall) else None
        size = len(body) if body is not None else None
        if isinstance(call, GrpcCall) and self.telemetry.listening:
            size = call.request.ByteSize()  # only events carry it
        attempt = 1
        started = time.monotonic()
        transport = "http" if isinstance(call, HttpCall) else "grpc"
        circuit = self.circuit(transport)
        last: WeavormError | None = None
        while True:
            if circuit is not None:
                remaining = self._admit(call, transport, circuit)
                if remaining is not None:
                    fallback = self._fallback(call)
                    if fallback is not None:
                        http_call, convert = fallback
                        return convert(await self._with_retry(http_call))
                    denied = self._open_error(call, transport, remaining)
                    wait = self._denied_wait(call, last, remaining, attempt, started)
                    if wait < 0:
                        raise denied from last
                    await asyncio.sleep(wait)
                    attempt += 1 if remaining > 0 else 0
                    continue
            span = self._span(call, attempt, size)
            try:
                if isinstance(call, HttpCall):
                    reply: Any = await self.http.send_once(call, body)
                    span.stop(reply.status)
                else:
                    reply = await self.grpc.call_once(call, _grpc_timeout(call, self.config))
                    span.stop("OK")
                self.reached = True
                if circuit is not None:
                    self._settle(transport, circuit, None)
                return reply
            except WeavormError as error:
                if circuit is not None:
                    self._settle(transport, circuit, error)
                if not isinstance(error, TransportError):
                    self.reached = True
                delay = self._next_delay(error, call, attempt, started)
                span.fail(error, status=_status_of(error), will_retry=delay >= 0)
                if delay < 0:
                    raise
                last = error
                await asyncio.sleep(delay)
                attempt += 1
            except BaseException:
                if circuit is not None:
                    self._release(circuit)
                raise

    async def _parallel(self, call: Parallel) -> list[Any]:
        semaphore = asyncio.Semaphore(max(1, call.concurrency))

        async def one(c: HttpCall | GrpcCall) -> Any:
            async with semaphore:
                try:
                    return await self._with_retry(c)
                except WeavormError as error:
                    return error

        return list(await asyncio.gather(*(one(c) for c in call.calls)))

    async def close(self) -> None:
        """Close transports."""
        await self.http.close()
        await self.grpc.close()
