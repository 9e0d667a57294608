"""A loopback TCP proxy that injects network faults, for tests.

:class:`FaultProxy` listens on ``127.0.0.1`` and forwards every connection to a
target (a Weaviate server's HTTP or gRPC port). Faults, switched at any time:

- :meth:`FaultProxy.latency`: delay every chunk by some seconds, both ways;
- :meth:`FaultProxy.reset_every`: abort every open connection with a TCP reset every
  ``interval`` seconds (mid-request, mid-stream), for ``duration`` seconds;
- :meth:`FaultProxy.blackhole`: for ``duration`` seconds the peer goes silent, as
  when a load balancer drops a connection: open connections and connections made
  meanwhile are kept but every byte is dropped, for good (they never come back);
  connections made after the fault pass again;
- :meth:`FaultProxy.pass_through`: no fault.

It uses threads and the standard library only, and stops by itself after
``max_lifetime`` seconds::

    with FaultProxy("127.0.0.1", server.grpc_port) as proxy:
        client = weavorm.connect(server.url, grpc_url=proxy.address)
        proxy.blackhole(8.0)
"""

from __future__ import annotations

import contextlib
import select
import socket
import struct
import threading
import time
from types import TracebackType

__all__ = ["FaultProxy"]


class _Conn:
    def __init__(self, client: socket.socket, upstream: socket.socket | None, black: bool) -> None:
        self.client = client
        self.upstream = upstream
        self.black = black
        self.closed = False

    def close(self, *, reset: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        for sock in (self.client, self.upstream):
            if sock is None:
                continue
            with contextlib.suppress(OSError):
                if reset:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.close()


class FaultProxy:
    """Forward ``127.0.0.1:port`` to ``target_host:target_port``, with faults on demand.

    Args:
        target_host: Where to forward to.
        target_port: Its port.
        port: Port to listen on (0 picks a free one).
        max_lifetime: Seconds after which the proxy stops by itself.

    Attributes:
        connections: Connections accepted so far.
        resets: Connections aborted with a reset so far.
    """

    def __init__(
        self,
        target_host: str,
        target_port: int,
        *,
        port: int = 0,
        max_lifetime: float = 600.0,
    ) -> None:
        self.target = (target_host, target_port)
        self.max_lifetime = max_lifetime
        self.connections = 0
        self.resets = 0
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", port))
        self._listener.listen(128)
        self.port: int = self._listener.getsockname()[1]
        self._conns: list[_Conn] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._latency = 0.0
        self._black_until = 0.0
        self._reset_interval = 0.0
        self._reset_until = 0.0
        self._threads: list[threading.Thread] = []
        self._started = 0.0

    @property
    def address(self) -> str:
        """``127.0.0.1:PORT``, for ``grpc_url=``."""
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, for a REST URL."""
        return f"http://127.0.0.1:{self.port}"

    # -- faults -----------------------------------------------------------------------

    def pass_through(self) -> None:
        """Forward everything, at once (ends latency and resets; blackholed stay dead)."""
        self._latency = 0.0
        self._reset_interval = 0.0
        self._black_until = 0.0

    def latency(self, seconds: float) -> None:
        """Delay every forwarded chunk by ``seconds``, in both directions."""
        self._latency = max(0.0, seconds)

    def reset_every(self, interval: float, *, duration: float = 60.0) -> None:
        """Abort every open connection with a TCP reset every ``interval`` seconds."""
        self._reset_interval = interval
        self._reset_until = time.monotonic() + duration

    def blackhole(self, duration: float) -> None:
        """Go silent for ``duration`` seconds: open and new connections drop every byte."""
        self._black_until = time.monotonic() + duration
        with self._lock:
            for conn in self._conns:
                conn.black = True

    @property
    def blackholed(self) -> bool:
        """Whether a blackhole is in force now."""
        return time.monotonic() < self._black_until

    # -- life cycle -------------------------------------------------------------------

    def start(self) -> FaultProxy:
        """Start accepting connections (in threads)."""
        self._started = time.monotonic()
        for target in (self._accept_loop, self._reset_loop):
            thread = threading.Thread(target=target, name="faultproxy", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Close the listener and every connection."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            conn.close()
        for thread in self._threads:
            thread.join(2.0)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _expired(self) -> bool:
        return self._stop.is_set() or time.monotonic() - self._started > self.max_lifetime

    def _accept_loop(self) -> None:
        self._listener.settimeout(0.1)
        while not self._expired():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            self.connections += 1
            black = self.blackholed
            upstream = None
            if not black:
                try:
                    upstream = socket.create_connection(self.target, timeout=5.0)
                except OSError:
                    client.close()
                    continue
            for sock in (client, upstream):
                if sock is not None:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = _Conn(client, upstream, black)
            with self._lock:
                self._conns.append(conn)
            thread = threading.Thread(target=self._pump, args=(conn,), daemon=True)
            thread.start()
        if not self._stop.is_set():
            self.stop_async()

    def stop_async(self) -> None:
        """Stop from a proxy thread (max lifetime reached)."""
        threading.Thread(target=self.stop, daemon=True).start()

    def _reset_loop(self) -> None:
        last = time.monotonic()
        while not self._expired():
            time.sleep(0.02)
            interval = self._reset_interval
            now = time.monotonic()
            if interval <= 0 or now > self._reset_until or now - last < interval:
                continue
            last = now
            with self._lock:
                conns, self._conns = self._conns, []
            for conn in conns:
                if not conn.closed:
                    self.resets += 1
                conn.close(reset=True)

    def _pump(self, conn: _Conn) -> None:
        sockets = [conn.client] + ([conn.upstream] if conn.upstream is not None else [])
        try:
            while not conn.closed and not self._expired():
                try:
                    readable, _, _ = select.select(sockets, [], [], 0.1)
                except (OSError, ValueError):
                    break
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if conn.black or conn.upstream is None:
                        continue  # silently dropped
                    if self._latency > 0:
                        time.sleep(self._latency)
                    other = conn.upstream if sock is conn.client else conn.client
                    other.sendall(data)
        except OSError:
            pass
        finally:
            conn.close()
            with self._lock:
                if conn in self._conns:
                    self._conns.remove(conn)
