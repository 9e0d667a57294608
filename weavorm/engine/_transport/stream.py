"""Bidirectional gRPC streams (``BatchStream``) on the sync and ``grpc.aio`` channels.

A stream delivers each server message to ``on_reply`` and finally calls ``on_end``
with ``None`` (the server ended the stream normally) or the translated
:mod:`weavorm.errors` exception. The sync stream reads on one daemon thread (grpcio's
blocking iterator offers no other way to read while the caller keeps writing); the
async stream reads on a task of the running loop. Telemetry gets one span per stream.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

import grpc
import grpc.aio
from google.protobuf.message import Message

from weavorm.engine._protocol.calls import GrpcCall
from weavorm.engine._transport.grpc import (
    AsyncGrpcTransport,
    GrpcTransport,
    translate_rpc_error,
)
from weavorm.engine.telemetry import Span, Telemetry
from weavorm.errors import ConnectError, WeavormError

__all__ = ["AsyncBidiStream", "SyncBidiStream"]

_AIO_EOF: Any = getattr(grpc.aio, "EOF", None)
OnReply = Callable[[Any], None]
OnEnd = Callable[[WeavormError | None], None]


class _Base:
    def __init__(
        self,
        telemetry: Telemetry,
        target: str,
        *,
        method: str,
        request: Message,
        reply_type: type[Message],
        operation: str,
        service: str = "weaviate.v1.Weaviate",
    ) -> None:
        self._telemetry = telemetry
        self._target = target
        self._call_info = GrpcCall(
            method=method,
            request=request,
            reply_type=reply_type,
            operation=operation,
            idempotent=False,
            service=service,
        )
        self._span: Span | None = None
        self.error: WeavormError | None = None

    def _open_span(self) -> None:
        info = self._call_info
        self._span = Span(
            self._telemetry,
            operation=info.operation,
            transport="grpc",
            target=info.method,
            attempt=1,
        )

    def _close_span(self, error: WeavormError | None) -> None:
        if self._span is None:
            return
        if error is None:
            self._span.stop("OK")
        else:
            self._span.fail(error, status=getattr(error, "grpc_code", None), will_retry=False)
        self._span = None

    def _translate(self, exc: BaseException) -> WeavormError:
        if isinstance(exc, grpc.RpcError):
            return translate_rpc_error(exc, self._call_info, self._target)
        if isinstance(exc, WeavormError):
            return exc
        return ConnectError(
            f"{self._call_info.operation}: gRPC {self._call_info.method} at {self._target}: "
            f"stream failed ({type(exc).__name__}: {exc})"
        )


class SyncBidiStream(_Base):
    """A bidirectional stream on the sync channel; replies are read on a thread."""

    def __init__(
        self,
        transport: GrpcTransport,
        telemetry: Telemetry,
        target: str,
        *,
        method: str,
        request_type: type[Message],
        reply_type: type[Message],
        operation: str,
    ) -> None:
        super().__init__(
            telemetry,
            target,
            method=method,
            request=request_type(),
            reply_type=reply_type,
            operation=operation,
        )
        self._transport = transport
        self._outbox: queue.Queue[Message | None] = queue.Queue()
        self._call: Any = None
        self._reader: threading.Thread | None = None
        self._closed_send = False

    def _requests(self) -> Iterator[Message]:
        while True:
            message = self._outbox.get()
            if message is None:
                return
            yield message

    def start(self, on_reply: OnReply, on_end: OnEnd) -> None:
        """Open the stream and start reading."""
        multi = self._transport.channel.stream_stream(
            self._call_info.path,
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=self._call_info.reply_type.FromString,
        )
        self._open_span()
        self._call = multi(self._requests(), metadata=self._transport.metadata)

        def read() -> None:
            error: WeavormError | None = None
            try:
                for reply in self._call:
                    on_reply(reply)
            except Exception as exc:
                error = self._translate(exc)
            self.error = error
            self._close_span(error)
            on_end(error)

        self._reader = threading.Thread(target=read, name="weavorm-batch-stream", daemon=True)
        self._reader.start()

    def send(self, message: Message) -> None:
        """Queue ``message`` for sending."""
        if not self._closed_send:
            self._outbox.put(message)

    def close_send(self) -> None:
        """Half-close: no more messages from this side."""
        if not self._closed_send:
            self._closed_send = True
            self._outbox.put(None)

    def cancel(self) -> None:
        """Abort the stream."""
        self.close_send()
        if self._call is not None:
            self._call.cancel()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the reader to finish; False on timeout."""
        if self._reader is None:
            return True
        self._reader.join(timeout)
        return not self._reader.is_alive()


class AsyncBidiStream(_Base):
    """A bidirectional stream on the ``grpc.aio`` channel; replies are read on a task."""

    def __init__(
        self,
        transport: AsyncGrpcTransport,
        telemetry: Telemetry,
        target: str,
        *,
        method: str,
        request_type: type[Message],
        reply_type: type[Message],
        operation: str,
    ) -> None:
        super().__init__(
            telemetry,
            target,
            method=method,
            request=request_type(),
            reply_type=reply_type,
            operation=operation,
        )
        self._transport = transport
        self._call: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._closed_send = False

    async def start(self, on_reply: OnReply, on_end: OnEnd) -> None:
        """Open the stream and start reading."""
        multi: Any = self._transport.channel.stream_stream(
            self._call_info.path,
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=self._call_info.reply_type.FromString,
        )
        self._open_span()
        self._call = multi(metadata=self._transport.metadata)

        async def read() -> None:
            error: WeavormError | None = None
            try:
                while True:
                    reply = await self._call.read()
                    if reply is _AIO_EOF:
                        break
                    on_reply(reply)
            except asyncio.CancelledError:
                error = ConnectError(f"{self._call_info.operation}: the stream was cancelled")
                raise
            except Exception as exc:
                error = self._translate(exc)
            finally:
                self.error = error
                self._close_span(error)
                on_end(error)

        self._reader = asyncio.ensure_future(read())

    async def send(self, message: Message) -> None:
        """Send ``message`` (waits for flow control)."""
        if self._closed_send or self._call is None:
            return
        try:
            await self._call.write(message)
        except Exception as exc:  # the stream already ended; the reader reports why
            if self.error is None:
                self.error = self._translate(exc)

    async def close_send(self) -> None:
        """Half-close: no more messages from this side."""
        if self._closed_send or self._call is None:
            return
        self._closed_send = True
        try:
            await self._call.done_writing()
        except Exception as exc:
            if self.error is None:
                self.error = self._translate(exc)

    def cancel(self) -> None:
        """Abort the stream."""
        self._closed_send = True
        if self._call is not None:
            self._call.cancel()

    async def join(self, timeout: float | None = None) -> bool:
        """Wait for the reader to finish; False on timeout."""
        if self._reader is None:
            return True
        done, _ = await asyncio.wait({self._reader}, timeout=timeout)
        return bool(done)
