"""weavorm.server against a real weaviate-server binary (single node and a 3-node cluster)."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import httpx
import pytest

from weavorm.errors import ServerStartError
from weavorm.server import (
    BINARY_ENV_VAR,
    WEAVIATE_VERSION,
    WeaviateCluster,
    WeaviateServer,
    find_binary,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        sys.platform == "win32" or (find_binary() is None and shutil.which("go") is None),
        reason="no weaviate-server binary and no Go to build one",
    ),
]


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie still answers kill(0); look at its state.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


def test_start_ready_stop() -> None:
    started = time.monotonic()
    with WeaviateServer() as server:
        elapsed = time.monotonic() - started
        assert server.is_ready()
        assert server.url == f"http://127.0.0.1:{server.http_port}"
        assert server.grpc_url == f"127.0.0.1:{server.grpc_port}"
        meta = httpx.get(f"{server.url}/v1/meta").json()
        if not os.environ.get(BINARY_ENV_VAR):
            assert meta["version"] == WEAVIATE_VERSION
        modules = meta["modules"]
        assert "backup-filesystem" in modules
        nodes = httpx.get(f"{server.url}/v1/nodes").json()["nodes"]
        assert [(n["name"], n["status"]) for n in nodes] == [("node0", "HEALTHY")]
        pid = server.pid
        data_path = server.data_path
        assert pid is not None and data_path is not None and data_path.is_dir()
        assert server.log_path is not None and server.log_path.is_file()
    print(f"single node ready in {elapsed:.2f} s")
    assert not server.running
    assert not server.is_ready()
    assert _process_gone(pid)
    assert not data_path.exists()  # its temporary directory is removed


def test_bad_setting_raises_with_log_lines(tmp_path: Path) -> None:
    server = WeaviateServer(data_path=tmp_path, env={"GRPC_PORT": "not-a-port"})
    with pytest.raises(ServerStartError) as info:
        server.start()
    message = str(info.value)
    assert "exited with code" in message
    assert "--scheme http --host 127.0.0.1 --port" in message
    assert "parse GRPC_PORT" in message
    assert not server.running


def test_port_in_use_raises(tmp_path: Path) -> None:
    with WeaviateServer(data_path=tmp_path / "a") as first:
        clash = WeaviateServer(
            data_path=tmp_path / "b", http_port=first.http_port, startup_timeout=30
        )
        with pytest.raises(ServerStartError) as info:
            clash.start()
        assert f"http_port {first.http_port} on 127.0.0.1 is already in use" in str(info.value)
        assert not clash.running
        assert first.is_ready()  # the other server is untouched


def test_restart_keeps_data(tmp_path: Path) -> None:
    server = WeaviateServer(data_path=tmp_path)
    server.start()
    try:
        answer = httpx.post(f"{server.url}/v1/schema", json={"class": "Kept", "vectorizer": "none"})
        assert answer.status_code == 200, answer.text
        answer = httpx.post(
            f"{server.url}/v1/objects",
            json={"class": "Kept", "properties": {"name": "x"}, "vector": [0.1, 0.2]},
        )
        assert answer.status_code == 200, answer.text
        object_id = answer.json()["id"]
        port = server.http_port
        server.stop()
        assert not server.running
        server.start()
        assert server.http_port == port
        classes = httpx.get(f"{server.url}/v1/schema").json()["classes"]
        assert [c["class"] for c in classes] == ["Kept"]
        found = httpx.get(f"{server.url}/v1/objects/Kept/{object_id}")
        assert found.status_code == 200
    finally:
        server.stop()
    assert (tmp_path / "data").is_dir()  # a given data_path is kept


def test_filesystem_backup_works() -> None:
    with WeaviateServer() as server:
        answer = httpx.post(f"{server.url}/v1/schema", json={"class": "B", "vectorizer": "none"})
        assert answer.status_code == 200, answer.text
        answer = httpx.post(f"{server.url}/v1/backups/filesystem", json={"id": "b1"})
        assert answer.status_code == 200, answer.text
        deadline = time.monotonic() + 30
        status = ""
        while time.monotonic() < deadline:
            status = httpx.get(f"{server.url}/v1/backups/filesystem/b1").json()["status"]
            if status in ("SUCCESS", "FAILED"):
                break
            time.sleep(0.2)
        assert status == "SUCCESS"


def _node_statuses(url: str) -> dict[str, str]:
    nodes = httpx.get(f"{url}/v1/nodes", timeout=10).json()["nodes"]
    return {n["name"]: n["status"] for n in nodes}


@pytest.mark.cluster
def test_three_node_cluster() -> None:
    started = time.monotonic()
    with WeaviateCluster(nodes=3) as cluster:
        elapsed = time.monotonic() - started
        print(f"3-node cluster healthy in {elapsed:.2f} s")
        assert len(cluster.nodes) == 3
        assert cluster.url == cluster.nodes[0].url
        expected = {"node0": "HEALTHY", "node1": "HEALTHY", "node2": "HEALTHY"}
        for node in cluster.nodes:
            assert _node_statuses(node.url) == expected
        answer = httpx.post(
            f"{cluster.url}/v1/schema",
            json={"class": "Replicated", "vectorizer": "none", "replicationConfig": {"factor": 3}},
        )
        assert answer.status_code == 200, answer.text

        cluster.stop_node(2)
        assert not cluster.nodes[2].running
        assert cluster.nodes[0].is_ready()

        cluster.start_node(2)
        assert cluster.nodes[2].is_ready()
        assert _node_statuses(cluster.nodes[2].url) == expected
        classes = httpx.get(f"{cluster.nodes[2].url}/v1/schema").json()["classes"]
        assert [c["class"] for c in classes] == ["Replicated"]
        pids = [node.pid for node in cluster.nodes]
        root = cluster.data_path
    assert all(not node.running for node in cluster.nodes)
    assert all(pid is not None and _process_gone(pid) for pid in pids)
    assert root is not None and not root.exists()
