"""Unit tests of weavorm.server that need no real Weaviate (fake binaries only)."""

from __future__ import annotations

import os
import socket
import stat
import sys
import time
from pathlib import Path

import pytest

import weavorm.server as server_pkg
from weavorm.errors import ConfigError, ServerStartError
from weavorm.server import (
    BINARY_ENV_VAR,
    WEAVIATE_VERSION,
    WeaviateCluster,
    WeaviateServer,
    binary_cache_path,
    find_binary,
    free_port,
    install_binary,
)
from weavorm.server._binary import normalize_version
from weavorm.server._server import parse_modules

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX fake executables")


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!{sys.executable}\n{body}")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No WEAVORM_WEAVIATE_BIN, an empty PATH dir and a private cache."""
    monkeypatch.delenv(BINARY_ENV_VAR, raising=False)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    monkeypatch.setenv("PATH", str(bindir))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return bindir


# -- versions and the binary lookup ------------------------------------------------------


def test_normalize_version() -> None:
    assert normalize_version(None) == WEAVIATE_VERSION
    assert normalize_version("v1.2.3") == "1.2.3"
    assert normalize_version(" 1.30.0-rc.1 ") == "1.30.0-rc.1"
    for bad in ("latest", "1.2", "../1.2.3", "1.2.3; rm -rf /"):
        with pytest.raises(ConfigError):
            normalize_version(bad)


def test_cache_path_follows_xdg(clean_env: Path, tmp_path: Path) -> None:
    path = binary_cache_path("v1.2.3")
    assert path == tmp_path / "cache" / "weavorm" / "weaviate" / "1.2.3" / "weaviate-server"


def test_find_binary_none(clean_env: Path) -> None:
    assert find_binary() is None


def test_find_binary_env_var_wins(
    clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    explicit = _script(tmp_path / "explicit" / "my-weaviate", "")
    _script(clean_env / "weaviate-server", "")
    _script(binary_cache_path(), "")
    monkeypatch.setenv(BINARY_ENV_VAR, str(explicit))
    assert find_binary() == explicit.resolve()
    assert find_binary("1.0.0") == explicit.resolve()  # version not checked


def test_find_binary_env_var_not_executable(
    clean_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(BINARY_ENV_VAR, str(tmp_path / "missing"))
    with pytest.raises(ConfigError) as info:
        find_binary()
    assert info.value.field == BINARY_ENV_VAR


def test_find_binary_path_only_for_default_version(clean_env: Path) -> None:
    on_path = _script(clean_env / "weaviate-server", "")
    assert find_binary() == on_path.resolve()
    assert find_binary(WEAVIATE_VERSION) == on_path.resolve()
    assert find_binary("1.0.0") is None
    cached = _script(binary_cache_path("1.0.0"), "")
    assert find_binary("1.0.0") == cached


def test_find_binary_cache(clean_env: Path) -> None:
    cached = _script(binary_cache_path(), "")
    assert find_binary() == cached
    cached.chmod(0o644)  # not executable: ignored
    assert find_binary() is None


# -- building ----------------------------------------------------------------------------


def test_install_without_go_explains_alternatives(clean_env: Path) -> None:
    with pytest.raises(ServerStartError) as info:
        install_binary()
    message = str(info.value)
    assert BINARY_ENV_VAR in message
    assert "https://go.dev/dl/" in message
    assert "docker compose up" in message
    assert str(binary_cache_path()) in message


_FAKE_GO = """
import json, os, pathlib, sys, tempfile
args = sys.argv[1:]
assert os.environ["CGO_ENABLED"] == "0"
scratch = pathlib.Path(tempfile.mkdtemp())
if args[:3] == ["mod", "download", "-json"]:
    module, version = args[3].split("@")
    if module == "github.com/weaviate/weaviate":
        gomod = scratch / "go.mod"
        gomod.write_text("module x\\n\\nrequire (\\n\\tgithub.com/weaviate/sroar SROAR\\n)\\n")
        print(json.dumps({"Path": module, "Version": version, "GoMod": str(gomod)}))
    else:
        assert version == "v0.0.16", version
        (scratch / "bitmap.go").write_text("package sroar\\n")
        print(json.dumps({"Path": module, "Version": version, "Dir": str(scratch)}))
elif args[:2] == ["mod", "tidy"]:
    print("go: tidy", pathlib.Path("go.mod").read_text().splitlines()[4])
elif args[0] == "build":
    gomod = pathlib.Path("go.mod").read_text()
    if "SROAR" in ("v0.0.17", "v0.0.18"):
        assert "replace github.com/weaviate/sroar => ./sroar" in gomod, gomod
        shim = pathlib.Path("sroar/weavorm_compat.go").read_text()
        assert "func (ra *Bitmap) Compacted()" in shim
    else:
        assert "replace" not in gomod, gomod
    print("go: building", args[-1])
    pathlib.Path(args[args.index("-o") + 1]).write_text("#!/bin/sh\\necho fake\\n")
else:
    sys.exit(f"unexpected go command {args}")
"""


@pytest.mark.parametrize("sroar", ["v0.0.16", "v0.0.18"])
def test_install_builds_into_cache(clean_env: Path, sroar: str) -> None:
    _script(clean_env / "go", _FAKE_GO.replace("SROAR", sroar))
    target = install_binary("1.2.3")
    assert target == binary_cache_path("1.2.3")
    assert os.access(target, os.X_OK)
    log = (target.parent / "build.log").read_text()
    assert "go: building github.com/weaviate/weaviate/cmd/weaviate-server" in log
    assert "require github.com/weaviate/weaviate v1.2.3" in log
    assert ("compatibility shim" in log) == (sroar == "v0.0.18")
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".build-")]
    # A second call finds it and does not build again.
    (clean_env / "go").unlink()
    assert install_binary("1.2.3") == target


def test_install_failure_quotes_build_log(clean_env: Path) -> None:
    body = (
        _FAKE_GO.replace("SROAR", "v0.0.16").split("elif args[0] ==")[0]
        + "else:\n    for i in range(50): print(f'build line {i}')\n    sys.exit(2)\n"
    )
    _script(clean_env / "go", body)
    with pytest.raises(ServerStartError) as info:
        install_binary("1.2.3")
    message = str(info.value)
    assert "exit code 2" in message
    assert "build line 49" in message
    assert "build line 5\n" not in message
    assert not binary_cache_path("1.2.3").exists()


# -- ports -------------------------------------------------------------------------------


def test_free_ports_are_distinct_and_bindable() -> None:
    ports = [free_port() for _ in range(20)]
    assert len(set(ports)) == 20
    for port in ports[:3]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_free_port_pair_reserves_the_next_port() -> None:
    raft = free_port(pair=True)
    others = {free_port() for _ in range(50)}
    assert raft not in others
    assert raft + 1 not in others


def test_server_picks_distinct_ports_lazily() -> None:
    server = WeaviateServer(binary=sys.executable)
    ports = [
        server.http_port,
        server.grpc_port,
        server.gossip_port,
        server.data_port,
        server.raft_port,
        server.raft_port + 1,
    ]
    assert len(set(ports)) == 6
    assert server.url == f"http://127.0.0.1:{ports[0]}"
    assert server.grpc_url == f"127.0.0.1:{ports[1]}"
    assert server.http_port == ports[0]  # stable


def test_invalid_port_rejected() -> None:
    with pytest.raises(ConfigError):
        WeaviateServer(http_port=80)


# -- environment -------------------------------------------------------------------------


def test_parse_modules() -> None:
    assert parse_modules(None) == []
    assert parse_modules("a, b,,a") == ["a", "b"]
    assert parse_modules(["x", " y "]) == ["x", "y"]


def test_environment_defaults(tmp_path: Path) -> None:
    server = WeaviateServer(
        binary=sys.executable,
        data_path=tmp_path,
        http_port=21001,
        grpc_port=21002,
        gossip_port=21003,
        data_port=21004,
        raft_port=21005,
        modules="text2vec-transformers, reranker-transformers",
    )
    env = server.environment()
    assert env["PERSISTENCE_DATA_PATH"] == str(tmp_path / "data")
    assert env["BACKUP_FILESYSTEM_PATH"] == str(tmp_path / "backups")
    assert env["ENABLE_MODULES"] == "text2vec-transformers,reranker-transformers,backup-filesystem"
    assert env["GRPC_PORT"] == "21002"
    assert env["CLUSTER_HOSTNAME"] == "node0"
    assert env["CLUSTER_BIND_ADDR"] == "127.0.0.1"
    assert env["CLUSTER_GOSSIP_BIND_PORT"] == "21003"
    assert env["CLUSTER_DATA_BIND_PORT"] == "21004"
    assert env["RAFT_PORT"] == "21005"
    assert env["RAFT_INTERNAL_RPC_PORT"] == "21006"
    assert env["RAFT_JOIN"] == "node0:21005"
    assert env["RAFT_BOOTSTRAP_EXPECT"] == "1"
    assert env["DISABLE_TELEMETRY"] == "true"
    assert env["GO_PROFILING_DISABLE"] == "true"
    assert env["AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED"] == "true"
    assert env["DEFAULT_VECTORIZER_MODULE"] == "none"
    assert env["TRANSFORMERS_WAIT_FOR_STARTUP"] == "false"
    assert env["RERANKER_WAIT_FOR_STARTUP"] == "false"
    assert env["LOG_LEVEL"] == "info"
    assert server.command() == [
        sys.executable,
        "--scheme",
        "http",
        "--host",
        "127.0.0.1",
        "--port",
        "21001",
    ]


def test_environment_user_env_wins(tmp_path: Path) -> None:
    server = WeaviateServer(
        binary=sys.executable,
        data_path=tmp_path,
        modules=["backup-filesystem", "text2vec-ollama"],
        env={
            "LOG_LEVEL": "debug",
            "AUTHENTICATION_APIKEY_ENABLED": "true",
            "DISABLE_TELEMETRY": None,
            "QUERY_DEFAULTS_LIMIT": "25",
        },
    )
    env = server.environment()
    assert env["ENABLE_MODULES"] == "backup-filesystem,text2vec-ollama"
    assert env["LOG_LEVEL"] == "debug"
    assert env["QUERY_DEFAULTS_LIMIT"] == "25"
    assert "DISABLE_TELEMETRY" not in env
    assert "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED" not in env


def test_cluster_node_settings(tmp_path: Path) -> None:
    cluster = WeaviateCluster(nodes=3, binary=sys.executable, data_path=tmp_path)
    cluster._prepare()
    envs = [node.environment() for node in cluster.nodes]
    raft = [node.raft_port for node in cluster.nodes]
    gossip = [node.gossip_port for node in cluster.nodes]
    expected_join = f"node0:{raft[0]},node1:{raft[1]},node2:{raft[2]}"
    all_ports = set()
    for i, (node, env) in enumerate(zip(cluster.nodes, envs, strict=True)):
        assert env["CLUSTER_HOSTNAME"] == f"node{i}"
        assert env["CLUSTER_IN_LOCALHOST"] == "true"
        assert env["RAFT_JOIN"] == expected_join
        assert env["RAFT_BOOTSTRAP_EXPECT"] == "3"
        assert env["RAFT_INTERNAL_RPC_PORT"] == str(raft[i] + 1)
        assert env["CLUSTER_JOIN"] == ",".join(f"127.0.0.1:{gossip[j]}" for j in range(3) if j != i)
        assert env["BACKUP_FILESYSTEM_PATH"] == str(tmp_path / "backups")
        assert env["PERSISTENCE_DATA_PATH"] == str(tmp_path / f"node{i}" / "data")
        all_ports |= {node.http_port, node.grpc_port, node.gossip_port, node.data_port}
        all_ports |= {node.raft_port, node.raft_port + 1}
    assert len(all_ports) == 18
    assert cluster.url == cluster.nodes[0].url


def test_cluster_needs_a_node() -> None:
    with pytest.raises(ConfigError):
        WeaviateCluster(nodes=0)


# -- starting fake binaries --------------------------------------------------------------

_FAILING = """
import sys
for i in range(40):
    print(f"log line {i}", flush=True)
sys.exit(1)
"""


def test_failing_binary_error_quotes_last_log_lines(tmp_path: Path) -> None:
    fake = _script(tmp_path / "fake-weaviate", _FAILING)
    server = WeaviateServer(binary=fake, startup_timeout=10)
    with pytest.raises(ServerStartError) as info:
        server.start()
    message = str(info.value)
    assert "exited with code 1" in message
    assert f"command: {fake} --scheme http --host 127.0.0.1 --port {server.http_port}" in message
    assert "log line 39" in message
    assert "log line 10" in message
    assert "log line 9\n" not in message  # only the last 30 lines
    assert not server.running
    assert server.data_path is None  # its temporary directory was removed


def test_failing_binary_keeps_given_data_path_log(tmp_path: Path) -> None:
    fake = _script(tmp_path / "fake-weaviate", _FAILING)
    server = WeaviateServer(binary=fake, data_path=tmp_path / "srv")
    with pytest.raises(ServerStartError):
        server.start()
    with pytest.raises(ServerStartError) as info:
        server.start()  # a second start quotes only its own output
    assert str(info.value).count("log line 39") == 1
    assert server.log_path is not None
    assert server.log_path.read_text().count("log line 39") == 2


def test_hanging_binary_times_out_and_is_killed(tmp_path: Path) -> None:
    fake = _script(
        tmp_path / "fake-weaviate",
        "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "print('starting', flush=True)\ntime.sleep(600)\n",
    )
    server = WeaviateServer(binary=fake, startup_timeout=1.0, stop_timeout=0.5)
    server.launch()
    proc = server._proc
    assert proc is not None
    started = time.monotonic()
    with pytest.raises(ServerStartError) as info:
        server.wait_ready(time.monotonic() + 1.0)
    assert time.monotonic() - started < 10
    assert "was not ready" in str(info.value)
    assert "starting" in str(info.value)
    assert proc.poll() is not None  # SIGKILLed after ignoring SIGTERM
    assert not server.running


def test_context_manager_stops_on_error(tmp_path: Path) -> None:
    fake = _script(tmp_path / "fake-weaviate", _FAILING)
    with pytest.raises(ServerStartError), WeaviateServer(binary=fake):
        pass  # pragma: no cover


def test_package_exports_sorted() -> None:
    assert server_pkg.__all__ == sorted(server_pkg.__all__)
