"""One local ``weaviate-server`` process: :class:`WeaviateServer`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weavorm.engine.client import WeaviateClient

import contextlib
import math
import os
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

from weavorm.errors import ConfigError, ServerStartError
from weavorm.server._binary import _tail, find_binary, install_binary, normalize_version
from weavorm.server._ports import free_port, port_is_free, reserve_ports

__all__ = ["INFERENCE_WAIT_FOR_STARTUP", "WeaviateServer", "parse_modules", "terminate_process"]

HOST = "127.0.0.1"
BACKUP_MODULE = "backup-filesystem"
INFERENCE_WAIT_FOR_STARTUP = (
    "CLIP_WAIT_FOR_STARTUP",
    "GPT4ALL_WAIT_FOR_STARTUP",
    "MODEL2VEC_WAIT_FOR_STARTUP",
    "NER_WAIT_FOR_STARTUP",
    "QNA_WAIT_FOR_STARTUP",
    "RERANKER_WAIT_FOR_STARTUP",
    "SUM_WAIT_FOR_STARTUP",
    "TRANSFORMERS_WAIT_FOR_STARTUP",
)
"""Settings that make inference modules skip waiting for their service at startup."""

_AUTH_SWITCHES = ("AUTHENTICATION_APIKEY_ENABLED", "AUTHENTICATION_OIDC_ENABLED")
_TRUE = frozenset({"1", "true", "on", "yes", "enabled"})
_POLL_INTERVAL = 0.1


def parse_modules(modules: str | Iterable[str] | None) -> list[str]:
    """Return module names from a comma-separated string or an iterable, deduplicated.

    Args:
        modules: ``"text2vec-transformers,reranker-transformers"``, a list of names,
            or ``None``.

    Returns:
        The names in their first-seen order, without blanks.
    """
    if modules is None:
        return []
    items = modules.split(",") if isinstance(modules, str) else list(modules)
    seen: dict[str, None] = {}
    for item in items:
        name = item.strip()
        if name:
            seen.setdefault(name, None)
    return list(seen)


def terminate_process(proc: subprocess.Popen[bytes], grace: float) -> None:
    """Stop one child process: SIGTERM to its own process group, SIGKILL after ``grace``.

    Only the process started through ``proc`` (and its process group, which it leads
    because it was started in a session of its own) is signalled.

    Args:
        proc: The handle of a process this module started.
        grace: Seconds to wait after SIGTERM before SIGKILL.
    """
    for sig in (signal.SIGTERM, getattr(signal, "SIGKILL", signal.SIGTERM)):
        if proc.poll() is not None:  # reaped: the pid may no longer be ours
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if hasattr(os, "killpg"):
                os.killpg(proc.pid, sig)
            else:  # pragma: no cover - Windows
                proc.terminate() if sig == signal.SIGTERM else proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
            return
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)


def _validate_port(name: str, port: int | None) -> int | None:
    if port is None:
        return None
    if isinstance(port, bool) or not isinstance(port, int) or not (1024 <= port <= 65535):
        raise ConfigError(
            f"{name} must be an integer in 1024-65535, not {port!r}", field=name, value=port
        )
    return port


def _validate_seconds(name: str, value: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ConfigError(
            f"{name} must be a positive number of seconds, not {value!r}", field=name, value=value
        )
    return float(value)


class WeaviateServer:
    """A real ``weaviate-server`` on the loopback interface, for tests and local work.

    Free ports are picked on first use when none are given and then kept, so that a
    ``stop()`` / ``start()`` cycle brings the node back on the same addresses with the
    same data. Without ``data_path`` a temporary directory is created on start and
    removed by ``stop()`` (unless ``stop(keep_data=True)``); a given ``data_path`` is
    kept. The process is also stopped when the object is garbage-collected and at
    interpreter exit. Its layout is
    ``data/`` (``PERSISTENCE_DATA_PATH``), ``backups/`` (``BACKUP_FILESYSTEM_PATH``) and
    ``weaviate.log`` (the server's output).

    Example::

        with WeaviateServer() as server:
            client = server.client()

    Args:
        version: The Weaviate version; ``None`` means the pinned ``WEAVIATE_VERSION``.
        binary: An explicit ``weaviate-server`` executable (skips the lookup).
        data_path: The server's directory, kept after ``stop()``.
        http_port: The REST port.
        grpc_port: The gRPC port.
        gossip_port: The memberlist port (TCP and UDP).
        data_port: The internal cluster-API port.
        raft_port: The Raft port; Raft's internal RPC port is ``raft_port + 1``.
        hostname: The node name (``CLUSTER_HOSTNAME``); it must not change between
            restarts of one data directory.
        modules: Modules to enable, as a list or a comma-separated string;
            ``backup-filesystem`` is always added unless ``env`` sets ``ENABLE_MODULES``.
        env: Settings that override weavorm's defaults; a ``None`` value removes one.
        startup_timeout: Seconds ``start()`` waits for readiness.
        stop_timeout: Seconds ``stop()`` waits after SIGTERM before SIGKILL.
    """

    def __init__(
        self,
        *,
        version: str | None = None,
        binary: str | os.PathLike[str] | None = None,
        data_path: str | os.PathLike[str] | None = None,
        http_port: int | None = None,
        grpc_port: int | None = None,
        gossip_port: int | None = None,
        data_port: int | None = None,
        raft_port: int | None = None,
        hostname: str = "node0",
        modules: str | Iterable[str] | None = None,
        env: Mapping[str, str | None] | None = None,
        startup_timeout: float = 60.0,
        stop_timeout: float = 15.0,
    ) -> None:
        self.version = normalize_version(version)
        self._binary = Path(binary) if binary is not None else None
        self._data_path = Path(data_path).resolve() if data_path is not None else None
        self._owned_dir: weakref.finalize[Any, Any] | None = None
        self._http_port = _validate_port("http_port", http_port)
        self._grpc_port = _validate_port("grpc_port", grpc_port)
        self._gossip_port = _validate_port("gossip_port", gossip_port)
        self._data_port = _validate_port("data_port", data_port)
        self._raft_port = _validate_port("raft_port", raft_port)
        reserve_ports(*(p for p in (http_port, grpc_port, gossip_port, data_port) if p))
        if raft_port:
            reserve_ports(raft_port, raft_port + 1)
        if not isinstance(hostname, str) or not hostname or any(c in hostname for c in ",: \t"):
            raise ConfigError(f"invalid hostname {hostname!r}", field="hostname", value=hostname)
        self.hostname = hostname
        self.modules = parse_modules(modules)
        if env is not None and not isinstance(env, Mapping):
            raise ConfigError("env must be a mapping of str to str", field="env")
        self.env: dict[str, str | None] = dict(env or {})
        for key, val in self.env.items():
            if not isinstance(key, str) or not (val is None or isinstance(val, str)):
                raise ConfigError(
                    f"env must map names to strings, got a {type(val).__name__} for {key!r}",
                    field="env",
                )
        self.startup_timeout = _validate_seconds("startup_timeout", startup_timeout)
        self.stop_timeout = _validate_seconds("stop_timeout", stop_timeout)
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_offset = 0
        self._reaper: weakref.finalize[Any, Any] | None = None

    # -- addresses -------------------------------------------------------------------

    @property
    def http_port(self) -> int:
        """The REST port (picked on first access when not given)."""
        if self._http_port is None:
            self._http_port = free_port()
        return self._http_port

    @property
    def grpc_port(self) -> int:
        """The gRPC port (picked on first access when not given)."""
        if self._grpc_port is None:
            self._grpc_port = free_port()
        return self._grpc_port

    @property
    def gossip_port(self) -> int:
        """The memberlist gossip port, TCP and UDP (picked on first access)."""
        if self._gossip_port is None:
            self._gossip_port = free_port(udp=True)
        return self._gossip_port

    @property
    def data_port(self) -> int:
        """The internal cluster-API port (picked on first access)."""
        if self._data_port is None:
            self._data_port = free_port()
        return self._data_port

    @property
    def raft_port(self) -> int:
        """The Raft port; the internal RPC port is this plus one (picked on first access)."""
        if self._raft_port is None:
            self._raft_port = free_port(pair=True)
        return self._raft_port

    @property
    def url(self) -> str:
        """The REST base URL, ``http://127.0.0.1:PORT``."""
        return f"http://{HOST}:{self.http_port}"

    @property
    def grpc_url(self) -> str:
        """The gRPC address, ``127.0.0.1:PORT``."""
        return f"{HOST}:{self.grpc_port}"

    @property
    def data_path(self) -> Path | None:
        """The server's directory; ``None`` before a temporary one is created."""
        return self._data_path

    @property
    def log_path(self) -> Path | None:
        """The server's output log (``<data_path>/weaviate.log``), once there is a directory."""
        return None if self._data_path is None else self._data_path / "weaviate.log"

    @property
    def pid(self) -> int | None:
        """The process id while the server runs."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    @property
    def running(self) -> bool:
        """Whether the process this object started is alive."""
        return self._proc is not None and self._proc.poll() is None

    # -- configuration -----------------------------------------------------------------

    def environment(self) -> dict[str, str]:
        """Return the Weaviate settings this server is started with.

        weavorm's defaults, overridden by ``env`` (a ``None`` value there removes a
        default). The process also inherits the rest of ``os.environ``.

        Returns:
            The settings, variable name to value.
        """
        root = self._require_data_path()
        modules = list(self.modules)
        if BACKUP_MODULE not in modules:
            modules.append(BACKUP_MODULE)
        settings: dict[str, str] = {
            "PERSISTENCE_DATA_PATH": str(root / "data"),
            "BACKUP_FILESYSTEM_PATH": str(root / "backups"),
            "ENABLE_MODULES": ",".join(modules),
            "DEFAULT_VECTORIZER_MODULE": "none",
            "GRPC_PORT": str(self.grpc_port),
            "CLUSTER_HOSTNAME": self.hostname,
            "CLUSTER_IN_LOCALHOST": "true",
            "CLUSTER_BIND_ADDR": HOST,
            "CLUSTER_GOSSIP_BIND_PORT": str(self.gossip_port),
            "CLUSTER_DATA_BIND_PORT": str(self.data_port),
            "RAFT_PORT": str(self.raft_port),
            "RAFT_INTERNAL_RPC_PORT": str(self.raft_port + 1),
            "RAFT_JOIN": f"{self.hostname}:{self.raft_port}",
            "RAFT_BOOTSTRAP_EXPECT": "1",
            "RAFT_TIMEOUTS_MULTIPLIER": "1",
            "RAFT_DRAIN_SLEEP": "1ms",
            "MEMBERLIST_FAST_FAILURE_DETECTION": "true",
            "DISABLE_TELEMETRY": "true",
            "GO_PROFILING_DISABLE": "true",
            "LOG_LEVEL": "info",
        }
        if not any(str(self.env.get(k) or "").lower() in _TRUE for k in _AUTH_SWITCHES):
            settings["AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED"] = "true"
        settings.update(dict.fromkeys(INFERENCE_WAIT_FOR_STARTUP, "false"))
        for key, value in self.env.items():
            if value is None:
                settings.pop(key, None)
            else:
                settings[key] = str(value)
        return settings

    def command(self) -> list[str]:
        """Return the command line the server is started with.

        Returns:
            ``[binary, "--scheme", "http", "--host", "127.0.0.1", "--port", PORT]``.
        """
        binary = self._binary if self._binary is not None else find_binary(self.version)
        return [
            str(binary if binary is not None else "weaviate-server"),
            "--scheme",
            "http",
            "--host",
            HOST,
            "--port",
            str(self.http_port),
        ]

    # -- lifecycle -----------------------------------------------------------------------

    def install(self) -> Path:
        """Find the binary, building it with Go when there is none.

        Returns:
            The executable's path.

        Raises:
            ConfigError: ``WEAVORM_WEAVIATE_BIN`` names no executable.
            ServerStartError: There is no binary and it cannot be built.
        """
        if self._binary is None:
            self._binary = find_binary(self.version) or install_binary(self.version)
        return self._binary

    def start(self) -> None:
        """Start the server and wait until it is ready (no-op while it runs).

        Raises:
            ServerStartError: The process exited or was not ready within
                ``startup_timeout``; the message quotes the last log lines.
        """
        if self.running:
            return
        self.launch()
        try:
            self.wait_ready(time.monotonic() + self.startup_timeout)
        except BaseException:
            self.stop()
            raise

    def launch(self) -> None:
        """Start the process without waiting for readiness (see :meth:`wait_ready`).

        Raises:
            ServerStartError: The binary is missing or the process could not be spawned.
        """
        if self.running:
            return
        self.install()
        root = self._require_data_path()
        (root / "data").mkdir(parents=True, exist_ok=True)
        command = self.command()
        full_env = {**os.environ, **self.environment()}
        for key, value in self.env.items():
            if value is None:
                full_env.pop(key, None)
        self._check_ports_free()
        log_path = root / "weaviate.log"
        with log_path.open("ab") as log:  # the child keeps its own descriptor
            self._log_offset = log.tell()
            log.write(f"--- weavorm: starting {shlex.join(command)}\n".encode())
            log.flush()
            try:
                proc = subprocess.Popen(
                    command,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=full_env,
                    cwd=root,
                    start_new_session=True,
                )
            except OSError as exc:
                self._cleanup_dir()
                raise ServerStartError(f"could not run {shlex.join(command)}: {exc}") from exc
        self._proc = proc
        self._reaper = weakref.finalize(self, terminate_process, proc, self.stop_timeout)

    def wait_ready(self, deadline: float) -> None:
        """Wait until the launched server answers ``GET /v1/.well-known/ready``.

        Args:
            deadline: A :func:`time.monotonic` time to give up at.

        Raises:
            ServerStartError: The process exited or the deadline passed; the server is
                stopped and the message quotes the last log lines.
        """
        started = time.monotonic()
        with httpx.Client(timeout=2.0, trust_env=False) as http:
            while not self.check_ready(http, started=started):
                if time.monotonic() >= deadline:
                    raise self.timeout_error(started)
                time.sleep(_POLL_INTERVAL)

    def check_ready(self, http: httpx.Client, *, started: float) -> bool:
        """Check once whether the launched server is ready.

        Args:
            http: The HTTP client to ask with.
            started: The :func:`time.monotonic` time waiting began (for the message).

        Returns:
            Whether ``GET /v1/.well-known/ready`` answered 200.

        Raises:
            ServerStartError: The process is not running (it exited or was never
                launched); the server is stopped and the message quotes its log.
        """
        proc = self._proc
        if proc is None:
            raise ServerStartError(f"{self.hostname} was not launched")
        code = proc.poll()
        if code is not None:
            raise self._start_error(
                f"weaviate-server ({self.hostname}) exited with code {code} before it was "
                f"ready (after {time.monotonic() - started:.1f} s)."
            )
        return self._ready(http)

    def timeout_error(self, started: float) -> ServerStartError:
        """Stop the server and return the error for not being ready in time.

        Args:
            started: The :func:`time.monotonic` time waiting began.

        Returns:
            The error, quoting the last log lines.
        """
        return self._start_error(
            f"weaviate-server ({self.hostname}) was not ready after "
            f"{time.monotonic() - started:.1f} s (GET {self.url}/v1/.well-known/ready)."
        )

    def _ready(self, http: httpx.Client) -> bool:
        try:
            return http.get(f"{self.url}/v1/.well-known/ready").status_code == 200
        except httpx.HTTPError:
            return False

    def _start_error(self, reason: str) -> ServerStartError:
        command = shlex.join(self.command())
        log_path = self.log_path
        self.stop(keep_data=True)
        tail = _tail(log_path, offset=self._log_offset) if log_path else "  (no log)"
        where = f"log: {log_path}"
        if self._owned_dir is not None:
            where += " (removed with its temporary directory; pass data_path= to keep it)"
        error = ServerStartError(f"{reason}\ncommand: {command}\n{where}\nlast log lines:\n{tail}")
        self._cleanup_dir()
        return error

    def is_ready(self) -> bool:
        """Return whether this server's process runs and reports ready."""
        if not self.running:
            return False
        with httpx.Client(timeout=2.0, trust_env=False) as http:
            return self._ready(http)

    def stop(self, *, keep_data: bool = False) -> None:
        """Stop the process (SIGTERM, then SIGKILL after ``stop_timeout``).

        A temporary directory this server created is removed unless ``keep_data``;
        a given ``data_path`` is always kept, so ``start()`` resumes with its data.

        Args:
            keep_data: Keep a temporary directory for a later ``start()``.
        """
        if self._reaper is not None:
            self._reaper()  # runs terminate_process once
            self._reaper = None
        self._proc = None
        if not keep_data:
            self._cleanup_dir()

    def client(self) -> WeaviateClient:
        """Return ``weavorm.connect(url, grpc_url=...)`` for this server.

        Returns:
            A weavorm client connected to this server.
        """
        from weavorm.engine.connect import connect

        return connect(self.url, grpc_url=self.grpc_url)

    # -- helpers -------------------------------------------------------------------------

    def _require_data_path(self) -> Path:
        if self._data_path is None:
            path = Path(tempfile.mkdtemp(prefix="weavorm-weaviate-"))
            self._owned_dir = weakref.finalize(self, shutil.rmtree, str(path), ignore_errors=True)
            self._data_path = path
        self._data_path.mkdir(parents=True, exist_ok=True)
        return self._data_path

    def _cleanup_dir(self) -> None:
        if self._owned_dir is not None:
            self._owned_dir()
            self._owned_dir = None
            self._data_path = None

    def _check_ports_free(self) -> None:
        ports = {
            "http_port": self.http_port,
            "grpc_port": self.grpc_port,
            "gossip_port": self.gossip_port,
            "data_port": self.data_port,
            "raft_port": self.raft_port,
            "raft_port + 1": self.raft_port + 1,
        }
        for name, port in ports.items():
            if not port_is_free(port, udp=name == "gossip_port", host=HOST):
                self._cleanup_dir()
                raise ServerStartError(
                    f"cannot start {self.hostname}: {name} {port} on {HOST} is already in use"
                )

    def __enter__(self) -> WeaviateServer:
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
        state = f"running pid={self.pid}" if self.running else "stopped"
        return f"<WeaviateServer {self.hostname} http_port={self._http_port} {state}>"
