"""Run an example app under a real server process and hit it with concurrent requests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

EXAMPLES = Path(__file__).parents[2] / "examples"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(weaviate_server: Any, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        WEAVIATE_URL=weaviate_server.url,
        WEAVIATE_GRPC_URL=weaviate_server.grpc_url,
        PYTHONDONTWRITEBYTECODE="1",
        **extra,
    )
    env.pop("WEAVIATE_API_KEY", None)
    return env


@contextlib.contextmanager
def serve(
    args: list[str], *, cwd: Path, env: Mapping[str, str], port: int, ready_path: str
) -> Iterator[str]:
    """Start ``python -m <args>`` in its own process group; yield its base URL."""
    log = cwd / f".server-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=cwd,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"server exited ({proc.returncode}):\n{log.read_text()}")
            try:
                if httpx.get(base + ready_path, timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"server did not answer in 60 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.unlink(missing_ok=True)


def hammer(
    base: str, job: Callable[[httpx.Client, int], Any], *, requests: int = 64, threads: int = 16
) -> list[Any]:
    """Run ``job(client, i)`` for ``i`` in range(requests), ``threads`` at a time."""
    with (
        httpx.Client(base_url=base, timeout=30) as client,
        ThreadPoolExecutor(max_workers=threads) as pool,
    ):
        return list(pool.map(lambda i: job(client, i), range(requests)))
