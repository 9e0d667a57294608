"""A multi-node Weaviate cluster on one host: :class:`WeaviateCluster`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weavorm.engine.client import WeaviateClient

import os
import shutil
import tempfile
import time
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from weavorm.errors import ConfigError, ServerStartError
from weavorm.server._ports import free_port
from weavorm.server._server import HOST, WeaviateServer

__all__ = ["WeaviateCluster"]

_POLL_INTERVAL = 0.2


class WeaviateCluster:
    """A real Weaviate cluster of ``nodes`` processes on the loopback interface.

    Each node has its own ports and directory (``<data_path>/node<i>``); filesystem
    backups go to one shared ``<data_path>/backups`` so that a backup taken on the
    cluster can be restored on it. The nodes are named ``node0`` … ``node<n-1>``; every
    node lists the others in ``CLUSTER_JOIN`` so that any one of them (node 0 included)
    can be stopped and started again with :meth:`stop_node` / :meth:`start_node`.

    Example::

        with WeaviateCluster(nodes=3) as cluster:
            cluster.stop_node(2)
            cluster.start_node(2)

    Args:
        nodes: How many nodes (at least 1).
        version: The Weaviate version; ``None`` means the pinned ``WEAVIATE_VERSION``.
        binary: An explicit ``weaviate-server`` executable (skips the lookup).
        modules: Modules to enable on every node, a list or a comma-separated string.
        env: Settings for every node, overriding weavorm's; ``None`` removes one.
        data_path: The cluster's directory, kept after ``stop()``; a temporary one is
            created on start and removed on ``stop()`` otherwise.
        startup_timeout: Seconds ``start()`` waits for every node to be ready and
            healthy (also used per :meth:`start_node`).
        stop_timeout: Seconds a node gets after SIGTERM before SIGKILL.
    """

    def __init__(
        self,
        *,
        nodes: int = 3,
        version: str | None = None,
        binary: str | os.PathLike[str] | None = None,
        modules: str | Iterable[str] | None = None,
        env: Mapping[str, str | None] | None = None,
        data_path: str | os.PathLike[str] | None = None,
        startup_timeout: float = 120.0,
        stop_timeout: float = 15.0,
    ) -> None:
        if nodes < 1:
            raise ConfigError(f"a cluster needs at least 1 node, not {nodes}", field="nodes")
        self.startup_timeout = startup_timeout
        self._user_env: dict[str, str | None] = dict(env or {})
        self._given_path = Path(data_path).resolve() if data_path is not None else None
        self._root: Path | None = self._given_path
        self._owned_dir: weakref.finalize[Any, Any] | None = None
        gossip = [free_port(udp=True) for _ in range(nodes)]
        raft = [free_port(pair=True) for _ in range(nodes)]
        raft_join = ",".join(f"node{i}:{port}" for i, port in enumerate(raft))
        self.nodes: list[WeaviateServer] = []
        """The nodes, each a :class:`WeaviateServer`; node 0 serves :attr:`url`."""
        for i in range(nodes):
            join = ",".join(f"{HOST}:{gossip[j]}" for j in range(nodes) if j != i)
            cluster_env: dict[str, str | None] = {
                "RAFT_JOIN": raft_join,
                "RAFT_BOOTSTRAP_EXPECT": str(nodes),
                "CLUSTER_JOIN": join or None,
            }
            cluster_env.update(self._user_env)
            self.nodes.append(
                WeaviateServer(
                    version=version,
                    binary=binary,
                    http_port=free_port(),
                    grpc_port=free_port(),
                    gossip_port=gossip[i],
                    data_port=free_port(),
                    raft_port=raft[i],
                    hostname=f"node{i}",
                    modules=modules,
                    env=cluster_env,
                    startup_timeout=startup_timeout,
                    stop_timeout=stop_timeout,
                )
            )

    @property
    def url(self) -> str:
        """The REST base URL of node 0."""
        return self.nodes[0].url

    @property
    def grpc_url(self) -> str:
        """The gRPC address of node 0."""
        return self.nodes[0].grpc_url

    @property
    def data_path(self) -> Path | None:
        """The cluster's directory; ``None`` before a temporary one is created."""
        return self._root

    def client(self) -> WeaviateClient:
        """Return ``weavorm.connect(...)`` for node 0.

        Returns:
            A weavorm client connected to node 0.
        """
        return self.nodes[0].client()

    def _prepare(self) -> None:
        if self._root is None:
            root = Path(tempfile.mkdtemp(prefix="weavorm-cluster-"))
            self._owned_dir = weakref.finalize(self, shutil.rmtree, str(root), ignore_errors=True)
            self._root = root
        backups = self._root / "backups"
        backups.mkdir(parents=True, exist_ok=True)
        for i, node in enumerate(self.nodes):
            node._data_path = self._root / f"node{i}"
            if "BACKUP_FILESYSTEM_PATH" not in self._user_env:
                node.env["BACKUP_FILESYSTEM_PATH"] = str(backups)

    def start(self) -> None:
        """Start every node at once and wait until all report each other HEALTHY.

        Raises:
            ServerStartError: A node did not start, or the cluster did not become
                healthy within ``startup_timeout``; every node is stopped.
        """
        self._prepare()
        deadline = time.monotonic() + self.startup_timeout
        try:
            self.nodes[0].install()  # one lookup or build, shared by all nodes
            for node in self.nodes:
                node._binary = self.nodes[0]._binary
                node.launch()
            self._wait_all_ready(deadline)
            self.wait_healthy(deadline=deadline)
        except BaseException:
            self.stop()
            raise

    def _wait_all_ready(self, deadline: float) -> None:
        started = time.monotonic()
        pending = list(self.nodes)
        with httpx.Client(timeout=2.0, trust_env=False) as http:
            while pending:
                pending = [n for n in pending if not n.check_ready(http, started=started)]
                if pending and time.monotonic() >= deadline:
                    raise pending[0].timeout_error(started)
                if pending:
                    time.sleep(_POLL_INTERVAL)

    def stop(self) -> None:
        """Stop every node, last first; remove the directory the cluster created.

        One at a time is faster than all at once: a node stopping alone leaves the
        cluster gracefully, while nodes stopping together wait for Raft timeouts.
        """
        for node in reversed(self.nodes):
            node.stop()
        if self._owned_dir is not None:
            self._owned_dir()
            self._owned_dir = None
            self._root = None

    def stop_node(self, index: int) -> None:
        """Stop one node, keeping its ports and data for :meth:`start_node`.

        Args:
            index: The node's position in :attr:`nodes`.
        """
        self.nodes[index].stop()

    def start_node(self, index: int) -> None:
        """Start one stopped node again (same ports, same data) and wait until healthy.

        Args:
            index: The node's position in :attr:`nodes`.

        Raises:
            ServerStartError: The node did not come back within ``startup_timeout``.
        """
        if self._root is None:
            self._prepare()
        self.nodes[index].start()
        self.wait_healthy(deadline=time.monotonic() + self.startup_timeout)

    def wait_healthy(self, *, deadline: float | None = None) -> None:
        """Wait until a running node's ``GET /v1/nodes`` lists every running node HEALTHY.

        Args:
            deadline: A :func:`time.monotonic` time to give up at; default
                ``startup_timeout`` from now.

        Raises:
            ServerStartError: The deadline passed (the message has the last answer).
        """
        if deadline is None:
            deadline = time.monotonic() + self.startup_timeout
        running = [node for node in self.nodes if node.running]
        if not running:
            raise ServerStartError("no node of the cluster is running")
        wanted = {node.hostname for node in running}
        last: object = None
        with httpx.Client(timeout=5.0, trust_env=False) as http:
            while True:
                try:
                    answer = http.get(f"{running[0].url}/v1/nodes")
                    last = answer.text[:2000]
                    if answer.status_code == 200:
                        statuses = {
                            str(n.get("name")): n.get("status")
                            for n in answer.json().get("nodes", [])
                        }
                        if all(statuses.get(name) == "HEALTHY" for name in wanted):
                            return
                except (httpx.HTTPError, ValueError) as exc:
                    last = exc
                if time.monotonic() >= deadline:
                    raise ServerStartError(
                        f"the cluster did not report nodes {sorted(wanted)} HEALTHY in time; "
                        f"last GET {running[0].url}/v1/nodes: {last}"
                    )
                time.sleep(_POLL_INTERVAL)

    def __enter__(self) -> WeaviateCluster:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        up = sum(node.running for node in self.nodes)
        return f"<WeaviateCluster {up}/{len(self.nodes)} nodes running>"
