"""gRPC over grpcio (sync channel and ``grpc.aio``), errors translated at the boundary.

A transport owns one channel at a time and replaces it when it cannot be trusted:

- after ``fork()``: the child never uses (nor closes) the parent's channel; it builds
  its own on first use (the parent's is kept referenced, so no finaliser touches the
  sockets the parent still uses);
- after a streak of ``DEADLINE_EXCEEDED`` / ``UNAVAILABLE`` failures: a silent peer
  (a load balancer's idle drop, a blackhole) would otherwise keep every call on the
  dead connection. The old channel is closed once its in-flight calls are done;
- for the async transport, when the event loop changes (a new ``asyncio.run()``):
  a ``grpc.aio`` channel belongs to the loop it was made on.

Every channel has its own subchannel pool (``grpc.use_local_subchannel_pool``): grpc
otherwise shares connections between channels with identical arguments, so a new
client (or a reset channel) would inherit the stuck connection.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from typing import Any

import grpc
import grpc.aio
from google.protobuf.message import Message

from weavorm.engine._protocol.calls import GrpcCall
from weavorm.engine._protocol.connection import ConnectionConfig
from weavorm.engine._protocol.errormap import error_for_grpc
from weavorm.errors import ConnectError, TimeoutError, UnavailableError, WeavormError

__all__ = [
    "ABANDONED",
    "AsyncGrpcTransport",
    "ChannelHealth",
    "GrpcTransport",
    "translate_rpc_error",
]

_CONNECT_HINTS = (
    "failed to connect",
    "connection refused",
    "connect failed",
    "dns resolution failed",
    "socket closed",
    "connection reset",
    "no connection",
    "channel is closing",
    "ssl",
)

#: Objects inherited from a parent process: kept referenced in the child so that no
#: finaliser closes what the parent still uses (one entry per fork and transport).
ABANDONED: list[Any] = []


def channel_options(config: ConnectionConfig) -> list[tuple[str, Any]]:
    """The grpcio channel arguments for ``config`` (see ``docs/processes.md``)."""
    size = config.grpc_max_message_size
    g = config.grpc
    return [
        ("grpc.max_send_message_length", size),
        ("grpc.max_receive_message_length", size),
        ("grpc.enable_retries", 0),
        ("grpc.use_local_subchannel_pool", 1),
        ("grpc.keepalive_time_ms", int(g.keepalive_time * 1000)),
        ("grpc.keepalive_timeout_ms", int(g.keepalive_timeout * 1000)),
        ("grpc.keepalive_permit_without_calls", 0),
        ("grpc.http2.max_pings_without_data", 2),
        ("grpc.initial_reconnect_backoff_ms", int(g.initial_reconnect_backoff * 1000)),
        ("grpc.max_reconnect_backoff_ms", int(g.max_reconnect_backoff * 1000)),
    ]


def translate_rpc_error(exc: grpc.RpcError, call: GrpcCall, target: str) -> WeavormError:
    """The :mod:`weavorm.errors` exception for a grpcio error."""
    code_obj = exc.code() if hasattr(exc, "code") else None
    code = code_obj.name if code_obj is not None else "UNKNOWN"
    details = (exc.details() if hasattr(exc, "details") else None) or str(exc)
    if code == "DEADLINE_EXCEEDED":
        return TimeoutError(f"{call.operation}: gRPC {call.method} at {target}: deadline exceeded")
    if code == "UNAVAILABLE" and any(h in details.lower() for h in _CONNECT_HINTS):
        return ConnectError(
            f"{call.operation}: gRPC {call.method} at {target}: cannot reach the server ({details})"
        )
    return error_for_grpc(code, details, operation=call.operation)


def grpc_code(error: BaseException) -> str | None:
    """The gRPC code name carried by a translated error, if any."""
    return getattr(error, "grpc_code", None)


def is_channel_failure(error: BaseException) -> bool:
    """Whether ``error`` says the connection (not the request) is in trouble."""
    if isinstance(error, TimeoutError | ConnectError):
        return True
    return isinstance(error, UnavailableError) and grpc_code(error) == "UNAVAILABLE"


class ChannelHealth:
    """Counts consecutive connection failures; says when to replace the channel.

    Pure bookkeeping (no I/O): a success clears the streak; ``reset_after``
    consecutive failures ask for a reset, at most one per ``min_interval`` seconds.
    The streak is kept across a reset, so a channel that fails again at once is
    replaced again (a fault that outlasts one reset is retried on fresh connections).
    """

    def __init__(self, *, reset_after: int, min_interval: float = 1.0) -> None:
        self.reset_after = reset_after
        self.min_interval = min_interval
        self.streak = 0
        self.resets = 0
        self._last_reset = -1e9

    def success(self) -> None:
        """A call got an answer from the server."""
        self.streak = 0

    def failure(self, error: BaseException, *, now: float) -> bool:
        """Record a failed call; True when the channel should be replaced now."""
        if not is_channel_failure(error):
            self.streak = 0
            return False
        self.streak += 1
        if self.reset_after <= 0 or self.streak < self.reset_after:
            return False
        if now - self._last_reset < self.min_interval:
            return False
        self._last_reset = now
        self.resets += 1
        return True


class _Channel:
    """One channel with its method cache and in-flight count."""

    __slots__ = ("channel", "inflight", "methods", "retired")

    def __init__(self, channel: Any) -> None:
        self.channel = channel
        self.methods: dict[tuple[str, type[Message]], Any] = {}
        self.inflight = 0
        self.retired = False

    def method(self, call: GrpcCall) -> Any:
        fn = self.methods.get((call.path, call.reply_type))
        if fn is None:
            fn = self.channel.unary_unary(
                call.path,
                request_serializer=_serialize,
                response_deserializer=call.reply_type.FromString,
            )
            self.methods[(call.path, call.reply_type)] = fn
        return fn


def _serialize(message: Message) -> bytes:
    return message.SerializeToString()


class GrpcTransport:
    """Synchronous gRPC transport: one channel per process, replaced when stuck."""

    def __init__(self, config: ConnectionConfig) -> None:
        self._config = config
        self._metadata = config.grpc_metadata()
        self.health = ChannelHealth(reset_after=config.grpc.reset_after)
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._closed = False
        self._current = self._build()

    def _build(self) -> _Channel:
        config = self._config
        if config.grpc_secure:
            channel = grpc.secure_channel(
                config.grpc_target, grpc.ssl_channel_credentials(), options=channel_options(config)
            )
        else:
            channel = grpc.insecure_channel(config.grpc_target, options=channel_options(config))
        return _Channel(channel)

    def _after_fork(self) -> None:
        # The lock may have been held by a thread that does not exist here.
        self._lock = threading.Lock()
        ABANDONED.append(self._current)
        self._pid = os.getpid()
        self.health = ChannelHealth(reset_after=self._config.grpc.reset_after)
        self._current = self._build()

    def _acquire(self) -> _Channel:
        if self._pid != os.getpid():
            self._after_fork()
        with self._lock:
            current = self._current
            current.inflight += 1
            return current

    def _release(self, chan: _Channel, error: WeavormError | None) -> None:
        with self._lock:
            chan.inflight -= 1
            if error is None:
                if chan is self._current:
                    self.health.success()
            elif chan is self._current and self.health.failure(error, now=time.monotonic()):
                chan.retired = True
                self._current = self._build()
            close = chan.retired and chan.inflight == 0
        if close:
            chan.channel.close()

    def call_once(self, call: GrpcCall, timeout: float) -> Message:
        """Make ``call`` once; raise a :mod:`weavorm.errors` exception on failure."""
        chan = self._acquire()
        error: WeavormError | None = None
        try:
            reply: Message = chan.method(call)(
                call.request, timeout=timeout, metadata=self._metadata
            )
        except grpc.RpcError as exc:
            error = translate_rpc_error(exc, call, self._config.grpc_target)
            raise error from exc
        except ValueError as exc:  # grpcio: "Cannot invoke RPC on closed channel!"
            error = ConnectError(f"{call.operation}: the client is closed ({exc})")
            raise error from exc
        finally:
            self._release(chan, error)
        return reply

    @property
    def channel(self) -> grpc.Channel:
        """The current channel (for streaming calls); rebuilt in a forked child."""
        if self._pid != os.getpid():
            self._after_fork()
        channel: grpc.Channel = self._current.channel
        return channel

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        """Metadata sent with every call (contains credentials: never log it)."""
        return self._metadata

    def close(self) -> None:
        """Close the channel (in a forked child: only drop the inherited one)."""
        if self._pid != os.getpid():
            ABANDONED.append(self._current)
            return
        self._current.channel.close()


class AsyncGrpcTransport:
    """Asynchronous gRPC transport on a ``grpc.aio`` channel created on first use.

    The channel belongs to the event loop that made it: used from another loop (a
    second ``asyncio.run()``, say) or in a forked child, a new one is made.
    """

    def __init__(self, config: ConnectionConfig) -> None:
        self._config = config
        self._metadata = config.grpc_metadata()
        self.health = ChannelHealth(reset_after=config.grpc.reset_after)
        self._current: _Channel | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = os.getpid()

    def _build(self) -> _Channel:
        config = self._config
        if config.grpc_secure:
            channel = grpc.aio.secure_channel(
                config.grpc_target, grpc.ssl_channel_credentials(), options=channel_options(config)
            )
        else:
            channel = grpc.aio.insecure_channel(config.grpc_target, options=channel_options(config))
        return _Channel(channel)

    def _chan(self) -> _Channel:
        loop = asyncio.get_running_loop()
        current = self._current
        if current is not None and self._pid != os.getpid():
            ABANDONED.append(current)
            self._pid = os.getpid()
            current = None
        elif current is not None and self._loop is not loop:
            current = None  # made on a loop that is gone or not this one
        if current is None:
            current = self._build()
            self._current, self._loop = current, loop
            self.health = ChannelHealth(reset_after=self._config.grpc.reset_after)
        return current

    @property
    def channel(self) -> grpc.aio.Channel:
        """The ``grpc.aio`` channel of the running loop, created on first use."""
        channel: grpc.aio.Channel = self._chan().channel
        return channel

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        """Metadata sent with every call (contains credentials: never log it)."""
        return self._metadata

    async def call_once(self, call: GrpcCall, timeout: float) -> Message:
        """Make ``call`` once; raise a :mod:`weavorm.errors` exception on failure."""
        chan = self._chan()
        chan.inflight += 1
        error: WeavormError | None = None
        try:
            reply: Message = await chan.method(call)(
                call.request, timeout=timeout, metadata=self._metadata
            )
        except grpc.RpcError as exc:
            error = translate_rpc_error(exc, call, self._config.grpc_target)
            raise error from exc
        finally:
            chan.inflight -= 1
            await self._settle(chan, error)
        return reply

    async def _settle(self, chan: _Channel, error: WeavormError | None) -> None:
        if chan is self._current:
            if error is None:
                self.health.success()
            elif self.health.failure(error, now=time.monotonic()):
                chan.retired = True
                self._current = self._build()
        if chan.retired and chan.inflight == 0:
            await chan.channel.close(None)

    async def close(self) -> None:
        """Close the channel (when it belongs to the running loop and process)."""
        current, self._current = self._current, None
        if current is None:
            return
        if self._pid != os.getpid():
            ABANDONED.append(current)
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._loop is loop:
            await current.channel.close(None)
