"""Drivers: run protocol operations (generators of calls) over the transports.

The protocol core yields :class:`~weavorm.engine._protocol.calls.Call` objects; a
driver executes each (with retries, deadlines and telemetry) and sends the reply back
in, or throws the translated error in. The sync and async drivers differ only in
how they wait.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import logging
import os
import random
import threading
import time
from collections.abc import Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar

from weavorm._proto.grpc.health.v1 import health_pb2
from weavorm.engine._protocol.calls import Call, GrpcCall, HttpCall, Operation, Parallel, Sleep
from weavorm.engine._protocol.circuit import Circuit, Transition, is_link_failure
from weavorm.engine._protocol.connection import ConnectionConfig
from weavorm.engine._protocol.graphql_common import NoRestForm, SchemaCache
from weavorm.engine._protocol.rest_fallback import FALLBACK_METHODS, rest_operation
from weavorm.engine._transport.grpc import AsyncGrpcTransport, GrpcTransport
from weavorm.engine._transport.http import AsyncHttpTransport, HttpTransport, encode_body
from weavorm.engine.telemetry import RequestEvent, Span, Telemetry
from weavorm.errors import (
    CircuitOpenError,
    ConnectError,
    NoFallbackError,
    ServerError,
    TransportError,
    WeavormError,
)

__all__ = ["AsyncDriver", "SyncDriver"]

T = TypeVar("T")

_log = logging.getLogger("weavorm")

#: Seconds a retrying call waits while another call probes a half-open circuit.
_PROBE_POLL = 0.05

#: Longest deadline of the gRPC health check that probes a half-open gRPC circuit
#: when a REST fallback is configured (capped by the connect timeout).
PROBE_TIMEOUT = 2.0


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
        #: Collection schemas read by the REST fallback's GraphQL builders.
        self.schemas = SchemaCache()
        #: Why the gRPC circuit last changed state (for ``weavorm doctor``).
        self.grpc_reason = "no gRPC call yet"

    # -- data path ----------------------------------------------------------------------

    def data_path(self) -> tuple[str, str]:
        """Which path gRPC-backed operations take now, and why.

        Returns:
            ``("grpc", why)``, ``("rest", why)`` (the REST fallback serves them) or
            ``("none", why)`` (the gRPC circuit is open and no fallback is configured).
        """
        circuit = self.circuit("grpc")
        endpoint = self.endpoint("grpc")
        if circuit is None or circuit.state == "closed":
            return "grpc", f"the gRPC circuit to {endpoint} is closed ({self.grpc_reason})"
        state = circuit.state.replace("_", "-")
        why = f"the gRPC circuit to {endpoint} is {state}: {self.grpc_reason}"
        if self.config.grpc_fallback == "rest":
            return "rest", why
        return "none", why

    def grpc_unreachable(self, reason: str) -> None:
        """Open the gRPC circuit now (with a fallback: use REST from the next call on)."""
        circuit = self.circuit("grpc")
        if circuit is None:
            return
        with self._circuit_lock:
            transition = circuit.trip(time.monotonic(), reason)
        if transition is not None:
            self._report("grpc", transition)

    def _health_call(self) -> GrpcCall:
        return GrpcCall(
            method="Check",
            request=health_pb2.HealthCheckRequest(),
            reply_type=health_pb2.HealthCheckResponse,
            operation="circuit.probe",
            idempotent=False,
            timeout=min(PROBE_TIMEOUT, self.config.timeout.connect),
            service="grpc.health.v1.Health",
        )

    def _has_fallback(self, call: HttpCall | GrpcCall) -> bool:
        return (
            isinstance(call, GrpcCall)
            and self.config.grpc_fallback == "rest"
            and call.method in FALLBACK_METHODS
        )

    def _falls_back_after(self, call: HttpCall | GrpcCall, error: WeavormError) -> bool:
        """Whether a gRPC call that failed for good is run over REST instead.

        Only link failures; and a call that may have reached the server (a timeout)
        only when it is safe to repeat.
        """
        return (
            self._has_fallback(call)
            and is_link_failure(error)
            and (call.retryable or isinstance(error, ConnectError))
        )

    def _no_fallback(
        self, call: HttpCall | GrpcCall, feature: str, remaining: float
    ) -> NoFallbackError:
        endpoint = self.endpoint("grpc")
        until = time.time() + remaining
        return NoFallbackError(
            f"{call.operation}: not sent: gRPC at {endpoint} is unreachable (its circuit is "
            f"open) and {feature} has no REST equivalent (grpc_fallback='rest' covers "
            "fetches, searches, aggregations, batch writes, references and deletes)",
            transport="grpc",
            endpoint=endpoint,
            until=until,
            operation=call.operation,
            feature=feature,
        )

    def _fallback_op(self, call: GrpcCall) -> Operation[Any]:
        """The REST operation doing what ``call`` does (with its gRPC deadline)."""
        timeout = call.timeout if call.timeout is not None else _grpc_timeout(call, self.config)
        op = rest_operation(dataclasses.replace(call, timeout=timeout), self.schemas)
        if op is None:  # pragma: no cover - callers check FALLBACK_METHODS first
            raise self._no_fallback(call, f"gRPC {call.method}", 0.0)
        return op

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

    def _admit(
        self, call: HttpCall | GrpcCall, transport: str, circuit: Circuit
    ) -> tuple[float | None, bool]:
        """Whether ``call`` may go out now.

        Returns:
            ``(None, probe)`` when it may (``probe``: it is the half-open circuit's
            probe), else ``(seconds until the circuit half-opens, False)``.
        """
        now = time.monotonic()
        with self._circuit_lock:
            admitted, transition = circuit.admit(now)
            remaining = circuit.remaining(now)
            probe = admitted and circuit.state == "half_open"
        if transition is not None:
            self._report(transport, transition)
        return (None, probe) if admitted else (remaining, False)

    def _open_now(self, circuit: Circuit) -> bool:
        with self._circuit_lock:
            return circuit.state == "open"

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
        if transport == "grpc":
            self.grpc_reason = transition.reason
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
                remaining, probe = self._admit(call, transport, circuit)
                if remaining is not None:
                    if self._has_fallback(call):
                        return self._run_fallback(call, remaining)
                    denied = self._open_error(call, transport, remaining)
                    wait = self._denied_wait(call, last, remaining, attempt, started)
                    if wait < 0:
                        if self.config.grpc_fallback == "rest" and isinstance(call, GrpcCall):
                            raise self._no_fallback(
                                call, f"gRPC {call.method}", remaining
                            ) from last
                        raise denied from last
                    time.sleep(wait)
                    attempt += 1 if remaining > 0 else 0
                    continue
                if probe and self._has_fallback(call) and not self._probe(circuit):
                    return self._run_fallback(call, circuit.remaining(time.monotonic()))
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
                if self._falls_back_after(call, error):
                    # the link failed: this call goes over REST instead of retrying
                    span.fail(error, status=_status_of(error), will_retry=False)
                    return self._run_fallback(call, 0.0, failed=error)
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

    def check_grpc(self) -> None:
        """With a REST fallback: health-check gRPC once; unreachable opens its circuit.

        Called by ``connect()``: a client that cannot reach gRPC then serves its
        first query over REST instead of waiting for failures to open the circuit.
        """
        if self.config.grpc_fallback != "rest" or self.circuit("grpc") is None:
            return
        health = self._health_call()
        span = self._span(health, 1, None)
        try:
            self.grpc.call_once(health, health.timeout or PROBE_TIMEOUT)
        except WeavormError as error:
            span.fail(error, status=_status_of(error), will_retry=False)
            if is_link_failure(error):
                self.grpc_unreachable(f"unreachable at connect ({type(error).__name__})")
        else:
            span.stop("OK")
            self.grpc_reason = "the health check at connect answered"

    def _run_fallback(
        self, call: HttpCall | GrpcCall, remaining: float, *, failed: WeavormError | None = None
    ) -> Any:
        """Run ``call`` over REST (``failed``: the gRPC error that sent it there)."""
        assert isinstance(call, GrpcCall)
        try:
            return self.run(self._fallback_op(call))
        except NoRestForm as exc:
            if failed is not None:  # no REST form: the gRPC failure stands
                raise failed from failed.__cause__
            raise self._no_fallback(call, str(exc), remaining) from None

    def _probe(self, circuit: Circuit) -> bool:
        """Probe the half-open gRPC circuit with a health check; True when it closed."""
        health = self._health_call()
        span = self._span(health, 1, None)
        try:
            self.grpc.call_once(health, health.timeout or PROBE_TIMEOUT)
        except WeavormError as error:
            span.fail(error, status=_status_of(error), will_retry=False)
            self._settle("grpc", circuit, error)
        except BaseException:
            self._release(circuit)
            raise
        else:
            span.stop("OK")
            self._settle("grpc", circuit, None)
        return not self._open_now(circuit)

    def _parallel(self, call: Parallel) -> list[Any]:
        few = isinstance(call.calls, Sequence) and len(call.calls) <= 1
        if few or call.concurrency <= 1:
            return [self._capture(c) for c in call.calls]
        if self._pid != os.getpid():
            # A forked child has none of the parent's worker threads.
            self._pool, self._pid = None, os.getpid()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                max_workers=max(4, min(32, self.config.pool_size)),
                thread_name_prefix="weavorm",
            )
        # a sliding window (like the async driver): a call starts as soon as one ends;
        # a lazy ``calls`` is pulled here, between the waits
        results: dict[int, Any] = {}
        window = max(1, call.concurrency)
        pending: dict[Future[Any], int] = {}
        calls = enumerate(call.calls)
        try:
            for i, c in itertools.islice(calls, window):
                pending[self._pool.submit(self._capture, c)] = i
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    results[pending.pop(future)] = future.result()
                    for i, c in itertools.islice(calls, 1):
                        pending[self._pool.submit(self._capture, c)] = i
        except BaseException:
            wait(pending)  # building a call failed: let the calls in flight end first
            raise
        return [results[i] for i in range(len(results))]

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
                remaining, probe = self._admit(call, transport, circuit)
                if remaining is not None:
                    if self._has_fallback(call):
                        return await self._run_fallback(call, remaining)
                    denied = self._open_error(call, transport, remaining)
                    wait = self._denied_wait(call, last, remaining, attempt, started)
                    if wait < 0:
                        if self.config.grpc_fallback == "rest" and isinstance(call, GrpcCall):
                            raise self._no_fallback(
                                call, f"gRPC {call.method}", remaining
                            ) from last
                        raise denied from last
                    await asyncio.sleep(wait)
                    attempt += 1 if remaining > 0 else 0
                    continue
                if probe and self._has_fallback(call) and not await self._probe(circuit):
                    return await self._run_fallback(call, circuit.remaining(time.monotonic()))
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
                if self._falls_back_after(call, error):
                    # the link failed: this call goes over REST instead of retrying
                    span.fail(error, status=_status_of(error), will_retry=False)
                    return await self._run_fallback(call, 0.0, failed=error)
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

    async def check_grpc(self) -> None:
        """With a REST fallback: health-check gRPC once; unreachable opens its circuit.

        Called by ``connect()``: a client that cannot reach gRPC then serves its
        first query over REST instead of waiting for failures to open the circuit.
        """
        if self.config.grpc_fallback != "rest" or self.circuit("grpc") is None:
            return
        health = self._health_call()
        span = self._span(health, 1, None)
        try:
            await self.grpc.call_once(health, health.timeout or PROBE_TIMEOUT)
        except WeavormError as error:
            span.fail(error, status=_status_of(error), will_retry=False)
            if is_link_failure(error):
                self.grpc_unreachable(f"unreachable at connect ({type(error).__name__})")
        else:
            span.stop("OK")
            self.grpc_reason = "the health check at connect answered"

    async def _run_fallback(
        self, call: HttpCall | GrpcCall, remaining: float, *, failed: WeavormError | None = None
    ) -> Any:
        """Run ``call`` over REST (``failed``: the gRPC error that sent it there)."""
        assert isinstance(call, GrpcCall)
        try:
            return await self.run(self._fallback_op(call))
        except NoRestForm as exc:
            if failed is not None:  # no REST form: the gRPC failure stands
                raise failed from failed.__cause__
            raise self._no_fallback(call, str(exc), remaining) from None

    async def _probe(self, circuit: Circuit) -> bool:
        """Probe the half-open gRPC circuit with a health check; True when it closed."""
        health = self._health_call()
        span = self._span(health, 1, None)
        try:
            await self.grpc.call_once(health, health.timeout or PROBE_TIMEOUT)
        except WeavormError as error:
            span.fail(error, status=_status_of(error), will_retry=False)
            self._settle("grpc", circuit, error)
        except BaseException:
            self._release(circuit)
            raise
        else:
            span.stop("OK")
            self._settle("grpc", circuit, None)
        return not self._open_now(circuit)

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
