"""Issue 9: a client made before ``fork()`` works in the children, never shared.

Real processes against the real server: gunicorn ``--preload`` (sync and gthread
workers), a ``multiprocessing`` pool (fork context), and a fork while another
thread is inside a gRPC call. Every reply is checked to belong to its request.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import weavorm
from weavorm.engine import WeaviateClient

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
N_OBJECTS = 32


def _seed(client: WeaviateClient, name: str) -> list[str]:
    client.collections.create_from_dict(
        {
            "class": name,
            "vectorizer": "none",
            "properties": [{"name": "tag", "dataType": ["text"]}],
        }
    )
    result = client.collections.get(name).data.insert_many(
        [{"tag": f"tag-{i}"} for i in range(N_OBJECTS)]
    )
    assert not result.errors
    ids = [str(result.uuids[i]) for i in range(N_OBJECTS)]
    return ids


@pytest.fixture
def seeded(weaviate_client: WeaviateClient, collection_name: str) -> Iterator[list[str]]:
    yield _seed(weaviate_client, collection_name)


def _free_port() -> int:
    from weavorm.server import free_port

    return free_port()


def _get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


@pytest.mark.parametrize("worker_class", ["sync", "gthread"])
def test_gunicorn_preload_workers_never_share_connections(
    weaviate_server: Any,
    collection_name: str,
    seeded: list[str],
    worker_class: str,
    tmp_path: Path,
) -> None:
    port = _free_port()
    env = dict(
        os.environ,
        WEAVIATE_URL=weaviate_server.url,
        WEAVIATE_GRPC_URL=weaviate_server.grpc_url,
        FORK_APP_COLLECTION=collection_name,
        PYTHONPATH=str(ROOT),
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--preload",
        "--workers",
        "2",
        "--worker-class",
        worker_class,
        "--threads",
        "4" if worker_class == "gthread" else "1",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "tests.integration.apps.fork_app:application",
    ]
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _ = _get(f"{base}/meta")
                if status == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)

        asks = []
        for i in range(64):
            kind = ("rest", "grpc", "meta")[i % 3]
            asks.append((kind, i % N_OBJECTS))

        def one(ask: tuple[str, int]) -> tuple[tuple[str, int], int, dict[str, Any]]:
            kind, index = ask
            status, body = _get(f"{base}/{kind}?id={seeded[index]}")
            return ask, status, body

        with ThreadPoolExecutor(16) as pool:
            replies = list(pool.map(one, asks, timeout=120))
        pids = set()
        for (kind, index), status, body in replies:
            assert status == 200, body
            assert body["path"] == f"/{kind}" and body["asked"] == seeded[index]
            pids.add(body["pid"])
            if kind == "meta":
                assert body["version"].startswith("1.") and "modules" in body["keys"]
            else:
                assert body["id"] == seeded[index]
                assert body["tag"] == f"tag-{index}"
        assert len(pids) >= 1
        assert "Traceback" not in log_path.read_text(), log_path.read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


_POOL_CLIENT: WeaviateClient | None = None
_POOL_NAME = ""


def _pool_task(args: tuple[int, str]) -> tuple[int, str, str, str, int]:
    index, uid = args
    client = _POOL_CLIENT
    assert client is not None
    rest = client.raw.request("GET", f"/v1/objects/{_POOL_NAME}/{uid}").json
    obj = client.collections.get(_POOL_NAME).query.fetch_object_by_id(uid)
    assert obj is not None
    assert client.meta()["version"]
    return index, rest["properties"]["tag"], str(obj.uuid), obj.properties["tag"], os.getpid()


def test_multiprocessing_pool_uses_the_parents_client(
    weaviate_server: Any, collection_name: str, seeded: list[str]
) -> None:
    global _POOL_CLIENT, _POOL_NAME
    client = weavorm.connect(weaviate_server.url, grpc_url=weaviate_server.grpc_url)
    try:
        # used before the fork, over both transports
        assert client.meta()["version"]
        assert client.collections.get(collection_name).query.fetch_object_by_id(seeded[0])
        _POOL_CLIENT, _POOL_NAME = client, collection_name
        context = multiprocessing.get_context("fork")
        with context.Pool(4) as pool:
            results = pool.map_async(_pool_task, list(enumerate(seeded))).get(timeout=120)
        for index, rest_tag, grpc_id, grpc_tag, _pid in results:
            assert rest_tag == grpc_tag == f"tag-{index}"
            assert grpc_id == seeded[index]
        # the parent's own connections still work after the children used theirs
        assert client.meta()["version"]
        obj = client.collections.get(collection_name).query.fetch_object_by_id(seeded[1])
        assert obj is not None and obj.properties["tag"] == "tag-1"
    finally:
        _POOL_CLIENT = None
        client.close()


_INFLIGHT_SCRIPT = textwrap.dedent(
    """
    import os, sys, threading, time
    import weavorm

    url, grpc_url, name, uid = sys.argv[1:5]
    client = weavorm.connect(url, grpc_url=grpc_url)
    col = client.collections.get(name)
    assert col.query.fetch_object_by_id(uid) is not None
    stop = threading.Event()

    def busy():
        while not stop.is_set():
            col.query.fetch_objects(limit=50)

    threads = [threading.Thread(target=busy) for _ in range(2)]
    for t in threads:
        t.start()
    outcomes = []
    for attempt in range(int(sys.argv[5])):
        time.sleep(0.05)
        pid = os.fork()
        if pid == 0:
            try:
                obj = client.collections.get(name).query.fetch_object_by_id(uid)
                ok = obj is not None and str(obj.uuid) == uid
                ok = ok and bool(client.meta()["version"])
                os._exit(0 if ok else 3)
            except BaseException:
                os._exit(4)
        deadline = time.monotonic() + 20
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                outcomes.append(os.waitstatus_to_exitcode(status))
                break
            if time.monotonic() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                outcomes.append("hung")
                break
            time.sleep(0.02)
    stop.set()
    for t in threads:
        t.join()
    assert col.query.fetch_object_by_id(uid) is not None  # the parent still works
    client.close()
    print("OUTCOMES", outcomes)
    """
)


def test_fork_during_an_inflight_grpc_call_does_not_hang_the_child(
    weaviate_server: Any, collection_name: str, seeded: list[str]
) -> None:
    # GRPC_POLL_STRATEGY=poll is the setting docs/processes.md gives for processes
    # that fork while threads are inside gRPC calls (grpc's epoll poller is shared
    # with the child then).
    env = dict(os.environ, PYTHONPATH=str(ROOT), GRPC_POLL_STRATEGY="poll")
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            _INFLIGHT_SCRIPT,
            weaviate_server.url,
            weaviate_server.grpc_url,
            collection_name,
            seeded[3],
            "5",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "OUTCOMES [0, 0, 0, 0, 0]" in run.stdout, run.stdout + run.stderr
