"""The weavorm command (server and doctor), run as a person would: through subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from weavorm.server import find_binary, free_port

pytestmark = pytest.mark.integration


def _run(*args: str, env: dict[str, str] | None = None, timeout: float = 180) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "weavorm", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_doctor_ok(weaviate_server: Any) -> None:
    out = _run("doctor", "--url", weaviate_server.url, "--grpc-url", weaviate_server.grpc_url)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "verdict: OK" in out.stdout
    for line in ("reachable and live", "ready", "version", "modules", "gRPC health"):
        assert line in out.stdout
    assert "1.39.7" in out.stdout and "text2vec-transformers" in out.stdout


def test_doctor_not_ok() -> None:
    port = free_port()
    out = _run("doctor", "--url", f"http://127.0.0.1:{port}", "--timeout", "2")
    assert out.returncode == 1
    assert "verdict: NOT OK" in out.stdout and "weavorm server start" in out.stdout
    bad = _run("doctor", "--url", "ftp://nowhere")
    assert bad.returncode == 1 and "http://" in bad.stdout


def test_server_start_status_stop(tmp_path: Path, inference_server: Any) -> None:
    env = {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "WEAVORM_WEAVIATE_BIN": str(find_binary(None)),
    }
    assert _run("server", "status", env=env).returncode == 1
    bad = _run("server", "start", "--env", "NOEQUALS", env=env)
    assert bad.returncode == 1 and "--env takes KEY=VALUE, got 'NOEQUALS'" in bad.stderr
    started = _run(
        "server",
        "start",
        "--data-path",
        str(tmp_path / "data"),
        "--modules",
        "text2vec-transformers",
        "--env",
        f"TRANSFORMERS_INFERENCE_API={inference_server.url}",
        "--env",
        "TRANSFORMERS_WAIT_FOR_STARTUP=false",
        env=env,
    )
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        assert "running: http://127.0.0.1:" in started.stdout or "running at" in started.stdout
        status = _run("server", "status", env=env)
        assert status.returncode == 0 and "1.39.7" in status.stdout
        doctor = _run("doctor", env=env)
        assert doctor.returncode == 0, doctor.stdout
        assert "text2vec-transformers" in doctor.stdout  # --modules and --env reached it
    finally:
        stopped = _run("server", "stop", env=env)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert _run("server", "status", env=env).returncode == 1


def test_server_install_prints_the_binary() -> None:
    out = _run("server", "install")
    assert out.returncode == 0
    assert Path(out.stdout.strip()).name == "weaviate-server"


def test_usage_errors_exit_2() -> None:
    assert _run("nonsense").returncode == 2
    assert _run("server").returncode == 2


def test_failed_start_quotes_only_its_own_log(tmp_path: Path) -> None:
    env = {
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "WEAVORM_WEAVIATE_BIN": str(find_binary(None)),
    }
    first = _run("server", "start", "--version", "bogus-first", env=env, timeout=60)
    assert first.returncode == 1 and "bogus-first" in first.stderr, first.stderr
    second = _run("server", "start", "--env", "A=b", "--version", "bogus-second", env=env)
    assert second.returncode == 1 and "bogus-second" in second.stderr, second.stderr
    assert "bogus-first" not in second.stderr  # the earlier run's lines are not quoted
    log = tmp_path / "cache" / "weavorm" / "run" / "server.log"
    assert "bogus-first" in log.read_text()  # ... although the log keeps them


def test_inference_serve_runs_until_interrupted() -> None:
    import signal

    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "weavorm", "inference", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert f"inference services at http://127.0.0.1:{port}" in first, first
        assert "TRANSFORMERS_INFERENCE_API=" in proc.stdout.readline()
        reply = httpx.post(f"http://127.0.0.1:{port}/vectors", json={"text": "hello"}, timeout=10)
        assert reply.status_code == 200 and len(reply.json()["vector"]) == 64
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "stopped" in out
