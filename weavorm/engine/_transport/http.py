"""REST over httpx: one attempt of one call, with errors translated at the boundary.

The pooled client is never shared across ``fork()``: a child process builds its own
on first use and keeps the parent's referenced without closing it (its keep-alive
sockets are the parent's too). The async client belongs to the event loop that made
it: from another loop (a second ``asyncio.run()``) a new one is built.
"""

from __future__ import annotations

import asyncio
import contextlib
import json as jsonlib
import os
import socket
from typing import Any

import httpx

from weavorm.engine._protocol.calls import HttpCall, HttpReply
from weavorm.engine._protocol.connection import ConnectionConfig
from weavorm.engine._protocol.errormap import error_for_status
from weavorm.errors import ConnectError, TimeoutError, TransportError, WeavormError

__all__ = ["AsyncHttpTransport", "HttpTransport"]


def _limits(config: ConnectionConfig) -> httpx.Limits:
    return httpx.Limits(
        max_connections=config.pool_size, max_keepalive_connections=config.pool_size
    )


def _timeout(config: ConnectionConfig) -> httpx.Timeout:
    t = config.timeout
    return httpx.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool)


def _encode(call: HttpCall) -> bytes | None:
    if call.json is None:
        return None
    return jsonlib.dumps(call.json, separators=(",", ":"), default=str).encode()


def _call_timeout(call: HttpCall, config: ConnectionConfig) -> httpx.Timeout | None:
    if call.timeout is None:
        return None
    t = config.timeout
    return httpx.Timeout(connect=t.connect, read=call.timeout, write=call.timeout, pool=t.pool)


def _reply(call: HttpCall, response: httpx.Response) -> HttpReply:
    text = response.text
    body: Any = None
    if text:
        try:
            body = response.json()
        except ValueError:
            body = None
    if response.status_code >= 400 and response.status_code not in call.accept:
        raise error_for_status(response.status_code, body, text, operation=call.operation)
    return HttpReply(
        status=response.status_code, json=body, text=text, headers=dict(response.headers)
    )


def translate_httpx_error(exc: Exception, call: HttpCall, base_url: str) -> WeavormError:
    """The :mod:`weavorm.errors` exception for an httpx exception."""
    where = f"{call.operation}: {call.method} {base_url}{call.path}"
    if isinstance(exc, httpx.TimeoutException):
        if isinstance(exc, httpx.ConnectTimeout):
            return ConnectError(f"{where}: connection timed out ({exc})")
        return TimeoutError(f"{where}: timed out ({type(exc).__name__})")
    if isinstance(exc, httpx.ConnectError | httpx.RemoteProtocolError | httpx.ReadError):
        return ConnectError(f"{where}: cannot reach the server ({exc})")
    return TransportError(f"{where}: {type(exc).__name__}: {exc}")


def _abandon(client: Any) -> None:
    from weavorm.engine._transport.grpc import ABANDONED

    ABANDONED.append(client)


class HttpTransport:
    """Synchronous REST transport on one pooled :class:`httpx.Client` per process."""

    def __init__(self, config: ConnectionConfig) -> None:
        self._config = config
        self._pid = os.getpid()
        self._client = self._build()

    def _build(self) -> httpx.Client:
        config = self._config
        return httpx.Client(
            base_url=config.http_url,
            headers=config.base_headers(),
            timeout=_timeout(config),
            limits=_limits(config),
        )

    def _pooled(self) -> httpx.Client:
        if self._pid != os.getpid():
            _abandon(self._client)
            self._pid = os.getpid()
            self._client = self._build()
        return self._client

    def send_once(self, call: HttpCall, body: bytes | None) -> HttpReply:
        """Send ``call`` once; raise a :mod:`weavorm.errors` exception on failure."""
        headers = {"Content-Type": "application/json"} if body is not None else None
        timeout = _call_timeout(call, self._config)
        client = self._pooled()
        try:
            response = client.request(
                call.method,
                call.path,
                content=body,
                params=call.params,
                headers=headers,
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            raise translate_httpx_error(exc, call, self._config.http_url) from exc
        return _reply(call, response)

    def close(self) -> None:
        """Close pooled connections (in a forked child: only drop the parent's)."""
        if self._pid != os.getpid():
            _abandon(self._client)
            return
        self._client.close()


class AsyncHttpTransport:
    """Asynchronous REST transport on a pooled :class:`httpx.AsyncClient` per loop."""

    def __init__(self, config: ConnectionConfig) -> None:
        self._config = config
        self._pid = os.getpid()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client = self._build()

    def _build(self) -> httpx.AsyncClient:
        config = self._config
        return httpx.AsyncClient(
            base_url=config.http_url,
            headers=config.base_headers(),
            timeout=_timeout(config),
            limits=_limits(config),
        )

    def _pooled(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._pid != os.getpid():
            _abandon(self._client)
            self._pid = os.getpid()
            self._client, self._loop = self._build(), loop
        elif self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            _drop_closed_loop_client(self._client)
            self._client, self._loop = self._build(), loop
        return self._client

    async def send_once(self, call: HttpCall, body: bytes | None) -> HttpReply:
        """Send ``call`` once; raise a :mod:`weavorm.errors` exception on failure."""
        headers = {"Content-Type": "application/json"} if body is not None else None
        timeout = _call_timeout(call, self._config)
        client = self._pooled()
        try:
            response = await client.request(
                call.method,
                call.path,
                content=body,
                params=call.params,
                headers=headers,
                timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
            )
        except httpx.HTTPError as exc:
            raise translate_httpx_error(exc, call, self._config.http_url) from exc
        return _reply(call, response)

    async def close(self) -> None:
        """Close pooled connections (those of another loop or process are dropped)."""
        if self._pid != os.getpid():
            _abandon(self._client)
            return
        loop = asyncio.get_running_loop()
        if self._loop is None or self._loop is loop:
            await self._client.aclose()
        else:
            _drop_closed_loop_client(self._client)


def _drop_closed_loop_client(client: httpx.AsyncClient) -> None:
    """Release the sockets of a client whose event loop is gone, without that loop."""
    pool = getattr(client, "_transport", None)
    pool = getattr(pool, "_pool", None)
    for connection in list(getattr(pool, "_connections", None) or ()):
        stream = getattr(getattr(connection, "_connection", None), "_network_stream", None)
        transport = getattr(stream, "_transport", None) or getattr(
            getattr(stream, "_stream", None), "_transport", None
        )
        raw = getattr(transport, "_sock", None)
        if transport is not None and isinstance(raw, socket.socket):
            # the transport's loop is closed, so it cannot close itself: close the
            # socket and detach it (the transport's finaliser then has nothing to do)
            with contextlib.suppress(OSError):
                raw.close()
            transport._sock = None


encode_body = _encode
