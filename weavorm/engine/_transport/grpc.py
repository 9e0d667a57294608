"""gRPC over grpcio (sync channel and ``grpc.aio``), errors translated at the boundary."""

from __future__ import annotations

from typing import Any

import grpc
import grpc.aio
from google.protobuf.message import Message

from weavorm.engine._protocol.calls import GrpcCall
from weavorm.engine._protocol.connection import ConnectionConfig
from weavorm.engine._protocol.errormap import error_for_grpc
from weavorm.errors import ConnectError, TimeoutError, WeavormError

__all__ = ["AsyncGrpcTransport", "GrpcTransport", "translate_rpc_error"]

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


def _options(config: ConnectionConfig) -> list[tuple[str, Any]]:
    size = config.grpc_max_message_size
    return [
        ("grpc.max_send_message_length", size),
        ("grpc.max_receive_message_length", size),
        ("grpc.enable_retries", 0),
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


class GrpcTransport:
    """Synchronous gRPC transport on one channel."""

    def __init__(self, config: ConnectionConfig) -> None:
        self._config = config
        if config.grpc_secure:
            self._channel = grpc.secure_channel(
                config.grpc_target, grpc.ssl_channel_credentials(), options=_options(config)
            )
        else:
            self._channel = grpc.insecure_channel(config.grpc_target, options=_options(config))
        self._metadata = config.grpc_metadata()
        self._methods: dict[tuple[str, type[Message]], Any] = {}

    def _method(self, call: GrpcCall) -> Any:
        fn = self._methods.get((call.path, call.reply_type))
        if fn is None:
            fn = self._channel.unary_unary(
                call.path,
                request_serializer=lambda m: m.SerializeToString(),
                response_deserializer=call.reply_type.FromString,
            )
            self._methods[(call.path, call.reply_type)] = fn
        return fn

    def call_once(self, call: GrpcCall, timeout: float) -> Message:
        """Make ``call`` once; raise a :mod:`weavorm.errors` exception on failure."""
        try:
            reply: Message = self._method(call)(
                call.request, timeout=timeout, metadata=self._metadata
            )
        except grpc.RpcError as exc:
            raise translate_rpc_error(exc, call, self._config.grpc_target) from exc
        return reply

    @property
    def channel(self) -> grpc.Channel:
        """The underlying channel (for ``client.raw.grpc`` streaming calls)."""
        return self._channel

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        """Metadata sent with every call (contains credentials: never log it)."""
        return self._metadata

    def close(self) -> None:
        """Close the channel."""
        self._channel.close()


class AsyncGrpcTransport:
    """Asynchronous gRPC transport on a ``grpc.aio`` channel created on first use.

    The channel belongs to the event loop that first used it.
    """

    def __init__(self, config: ConnectionConfig) -> None:
        self._config = config
        self._channel: grpc.aio.Channel | None = None
        self._metadata = config.grpc_metadata()
        self._methods: dict[tuple[str, type[Message]], Any] = {}

    @property
    def channel(self) -> grpc.aio.Channel:
        """The ``grpc.aio`` channel, created on first use."""
        if self._channel is None:
            config = self._config
            if config.grpc_secure:
                self._channel = grpc.aio.secure_channel(
                    config.grpc_target, grpc.ssl_channel_credentials(), options=_options(config)
                )
            else:
                self._channel = grpc.aio.insecure_channel(
                    config.grpc_target, options=_options(config)
                )
        return self._channel

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        """Metadata sent with every call (contains credentials: never log it)."""
        return self._metadata

    def _method(self, call: GrpcCall) -> Any:
        fn = self._methods.get((call.path, call.reply_type))
        if fn is None:
            fn = self.channel.unary_unary(
                call.path,
                request_serializer=lambda m: m.SerializeToString(),
                response_deserializer=call.reply_type.FromString,
            )
            self._methods[(call.path, call.reply_type)] = fn
        return fn

    async def call_once(self, call: GrpcCall, timeout: float) -> Message:
        """Make ``call`` once; raise a :mod:`weavorm.errors` exception on failure."""
        try:
            reply: Message = await self._method(call)(
                call.request, timeout=timeout, metadata=self._metadata
            )
        except grpc.RpcError as exc:
            raise translate_rpc_error(exc, call, self._config.grpc_target) from exc
        return reply

    async def close(self) -> None:
        """Close the channel."""
        if self._channel is not None:
            await self._channel.close(None)
            self._channel = None
            self._methods.clear()
