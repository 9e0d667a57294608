"""Issue 9: retry budget, channel reset bookkeeping and the fault proxy (no server)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest

from weavorm import errors
from weavorm.engine import RetryPolicy
from weavorm.engine._protocol.connection import GrpcSettings, build_config
from weavorm.engine._transport.grpc import ChannelHealth, channel_options
from weavorm.testing.faultproxy import FaultProxy


def test_default_retries_ride_out_a_fifteen_second_restart() -> None:
    policy = RetryPolicy(jitter=0)
    elapsed, attempt = 0.0, 1
    error = errors.ConnectError("refused")
    while (
        delay := policy.next_delay(error, attempt=attempt, idempotent=True, elapsed=elapsed)
    ) is not None:
        elapsed += delay
        attempt += 1
    assert elapsed >= 15.0  # still retrying after a 15 s outage
    assert elapsed <= policy.budget  # type: ignore[operator]
    assert max(policy.backoff(n) for n in range(1, 30)) <= 2.0  # noticed within 2 s


def test_budget_and_unreached_server_stop_retries() -> None:
    policy = RetryPolicy(budget=1.0, jitter=0)
    error = errors.TimeoutError("slow")
    assert policy.next_delay(error, attempt=1, idempotent=True, elapsed=0.0) == 0.2
    assert policy.next_delay(error, attempt=1, idempotent=True, elapsed=0.9) is None
    # a server that never answered: a wrong URL fails after unreached_attempts
    assert policy.next_delay(error, attempt=3, idempotent=True, elapsed=0, reached=False)
    assert policy.next_delay(error, attempt=4, idempotent=True, elapsed=0, reached=False) is None
    assert policy.next_delay(error, attempt=1, idempotent=False, elapsed=0.0) is None
    with pytest.raises(errors.ConfigError, match="retry budget"):
        RetryPolicy(budget=-1)


def test_channel_health_resets_after_a_streak_and_keeps_resetting() -> None:
    health = ChannelHealth(reset_after=2, min_interval=1.0)
    timeout = errors.TimeoutError("deadline exceeded")
    assert not health.failure(timeout, now=0.0)
    assert health.failure(timeout, now=0.1)
    assert not health.failure(timeout, now=0.5)  # at most one reset per second
    assert health.failure(timeout, now=1.2)  # the fault outlasted the first reset
    health.success()
    assert not health.failure(timeout, now=5.0)
    # a server error that is not about the connection clears the streak
    assert not health.failure(errors.NotFoundError(404, "nope"), now=6.0)
    assert health.streak == 0 and health.resets == 2


def test_channel_options_suit_weaviates_keepalive_policy() -> None:
    options = dict(channel_options(build_config("http://localhost:8080", environ={})))
    # no pings without a call in flight, at most two without data: grpc-go's default
    # enforcement (5 min, no pings without streams) never sends GOAWAY too_many_pings
    assert options["grpc.keepalive_permit_without_calls"] == 0
    assert options["grpc.http2.max_pings_without_data"] == 2
    assert options["grpc.keepalive_time_ms"] == 20_000
    assert options["grpc.use_local_subchannel_pool"] == 1
    assert options["grpc.max_reconnect_backoff_ms"] <= 2000
    with pytest.raises(errors.ConfigError, match=r"grpc\.reset_after"):
        GrpcSettings(reset_after=-1)


class _Echo:
    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.2)
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    @staticmethod
    def _serve(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):
            while data := conn.recv(4096):
                conn.sendall(data)

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


def _roundtrip(port: int, payload: bytes = b"ping", timeout: float = 2.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as conn:
        conn.sendall(payload)
        return conn.recv(4096)


def test_fault_proxy_modes() -> None:
    echo = _Echo()
    try:
        with FaultProxy("127.0.0.1", echo.port, max_lifetime=30) as proxy:
            assert _roundtrip(proxy.port) == b"ping"
            proxy.latency(0.2)
            started = time.monotonic()
            assert _roundtrip(proxy.port) == b"ping"
            assert time.monotonic() - started >= 0.4  # both directions delayed
            proxy.pass_through()
            # reset: an open connection is aborted
            conn = socket.create_connection(("127.0.0.1", proxy.port), timeout=2)
            conn.sendall(b"a")
            assert conn.recv(10) == b"a"
            proxy.reset_every(0.05, duration=0.5)
            time.sleep(0.3)
            with pytest.raises(OSError):
                conn.sendall(b"b")
                if not conn.recv(10):
                    raise ConnectionResetError
            conn.close()
            assert proxy.resets >= 1
            time.sleep(0.5)
            # blackhole: accepted, silent; afterwards new connections pass again
            proxy.blackhole(0.5)
            with pytest.raises(TimeoutError):
                _roundtrip(proxy.port, timeout=0.3)
            time.sleep(0.5)
            assert _roundtrip(proxy.port) == b"ping"
    finally:
        echo.close()
