"""The ``weavorm`` command (also ``python -m weavorm``).

Commands::

    weavorm server install [--version V]     build/find the weaviate-server binary
    weavorm server start [options]           start a local server in the background
                 [--modules M1,M2] [--env KEY=VALUE ...] [--foreground]
    weavorm server stop                      stop it
    weavorm server status                    show whether it runs and where
    weavorm doctor [--url U] [--grpc-url G]  check a server and give a verdict
    weavorm inference serve [--host H] [--port P]
                                             run the local inference services until Ctrl-C
    weavorm load FILE --collection NAME      bulk-load JSONL / CSV / Parquet (see ``--help``)

Exit codes: 0 success, 1 a check or command failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from weavorm.errors import ConfigError, WeavormError

__all__ = ["main"]


def _state_file() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "weavorm" / "run" / "server.json"


def _read_state() -> dict[str, Any] | None:
    path = _state_file()
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _parse_env(pairs: Sequence[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    env: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ConfigError(f"--env takes KEY=VALUE, got {pair!r}")
        env[key] = value
    return env


def _server_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "version": args.version,
        "data_path": args.data_path,
        "http_port": args.http_port,
        "grpc_port": args.grpc_port,
        "modules": args.modules.split(",") if args.modules else None,
        "env": _parse_env(args.env),
    }


def _cmd_install(args: argparse.Namespace) -> int:
    from weavorm.server import WeaviateServer

    server = WeaviateServer(version=args.version)
    path = server.install()
    print(path)
    return 0


def _cmd_start(args: argparse.Namespace) -> int:
    state = _read_state()
    if state and _pid_alive(int(state["pid"])):
        print(f"a server is already running: {state['url']} (gRPC {state['grpc_url']})")
        return 0
    if args.foreground:
        return _run_foreground(args)
    _parse_env(args.env)  # bad --env values fail here, not in the background process
    command = [sys.executable, "-m", "weavorm", "server", "start", "--foreground"]
    for flag in ("version", "data_path", "http_port", "grpc_port", "modules"):
        value = getattr(args, flag)
        if value is not None:
            command += [f"--{flag.replace('_', '-')}", str(value)]
    for pair in args.env or ():
        command += ["--env", pair]
    state_path = _state_file()
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state_path.unlink(missing_ok=True)
    log = state_path.with_suffix(".log")
    with log.open("ab") as out:
        offset = out.tell()  # quote only this run's lines, not an earlier run's
        proc = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        state = _read_state()
        if state is not None and state.get("pid") == proc.pid:
            print(f"weaviate {state['version']} running: {state['url']} (gRPC {state['grpc_url']})")
            print(f"data: {state['data_path']}  log: {state['log_path']}")
            return 0
        if proc.poll() is not None:
            from weavorm.server._binary import _tail

            tail = _tail(log, offset=offset)
            print(f"the server did not start (log: {log}):\n{tail}", file=sys.stderr)
            return 1
        time.sleep(0.3)
    proc.terminate()
    print(f"the server did not become ready within {args.timeout}s; see {log}", file=sys.stderr)
    return 1


def _run_foreground(args: argparse.Namespace) -> int:
    from weavorm.server import WeaviateServer

    server = WeaviateServer(**_server_kwargs(args))
    stop = False

    def _on_signal(signum: int, frame: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    server.start()
    state_path = _state_file()
    state_path.parent.mkdir(parents=True, exist_ok=True)
    state = {
        "pid": os.getpid(),
        "url": server.url,
        "grpc_url": server.grpc_url,
        "version": server.version,
        "data_path": str(server.data_path),
        "log_path": str(server.log_path),
    }
    tmp = state_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state))
    tmp.replace(state_path)
    print(f"weaviate running at {server.url} (gRPC {server.grpc_url}); Ctrl-C stops it")
    try:
        while not stop and server.running:
            time.sleep(0.5)
    finally:
        server.stop()
        state_path.unlink(missing_ok=True)
    return 0


def _cmd_stop(args: argparse.Namespace) -> int:
    state = _read_state()
    if state is None or not _pid_alive(int(state["pid"])):
        print("no weavorm-started server is running")
        _state_file().unlink(missing_ok=True)
        return 0
    pid = int(state["pid"])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _pid_alive(pid):
        time.sleep(0.2)
    if _pid_alive(pid):
        print(f"server process {pid} did not stop within 30s", file=sys.stderr)
        return 1
    print(f"stopped the server at {state['url']}")
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    state = _read_state()
    if state is None or not _pid_alive(int(state["pid"])):
        print("not running")
        return 1
    print(f"running: {state['url']} (gRPC {state['grpc_url']}), version {state['version']}")
    print(f"data: {state['data_path']}  log: {state['log_path']}")
    return 0


def _cmd_doctor(args: argparse.Namespace) -> int:
    from weavorm.doctor import run_doctor

    url = args.url
    grpc_url = args.grpc_url
    if url is None:
        state = _read_state()
        if (
            state is not None
            and _pid_alive(int(state["pid"]))
            and not os.environ.get("WEAVIATE_URL")
        ):
            url, grpc_url = state["url"], grpc_url or state["grpc_url"]
    report = run_doctor(url=url, grpc_url=grpc_url, api_key=args.api_key, timeout=args.timeout)
    print(report.render())
    return 0 if report.ok else 1


def _cmd_inference_serve(args: argparse.Namespace) -> int:
    from weavorm.testing.inference import InferenceServer

    options: dict[str, Any] = {"host": args.host, "port": args.port}
    if args.dimensions is not None:
        options["dimensions"] = args.dimensions
    stop = False

    def _on_signal(signum: int, frame: Any) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    with InferenceServer(**options) as server:
        url = server.url
        print(f"inference services at {url}; Ctrl-C stops them", flush=True)
        print(
            "point weaviate at them: weavorm server start "
            "--modules text2vec-transformers,reranker-transformers,generative-openai "
            f"--env TRANSFORMERS_INFERENCE_API={url} --env RERANKER_INFERENCE_API={url} "
            "--env OPENAI_APIKEY=sk-local (and Generative.openai(base_url=URL))",
            flush=True,
        )
        while not stop:
            time.sleep(0.2)
    print("stopped", flush=True)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="weavorm", description="weavorm: a typed ODM and client for Weaviate."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    server = sub.add_parser("server", help="manage a local weaviate-server")
    server_sub = server.add_subparsers(dest="action", required=True)
    install = server_sub.add_parser("install", help="find or build the server binary")
    install.add_argument("--version", default=None)
    install.set_defaults(func=_cmd_install)
    start = server_sub.add_parser("start", help="start a local server")
    start.add_argument("--version", default=None)
    start.add_argument("--data-path", default=None)
    start.add_argument("--http-port", type=int, default=None)
    start.add_argument("--grpc-port", type=int, default=None)
    start.add_argument(
        "--modules",
        default=None,
        help="comma-separated modules to enable, e.g. text2vec-transformers,generative-openai",
    )
    start.add_argument(
        "--env",
        action="append",
        default=None,
        metavar="KEY=VALUE",
        help="extra server environment (repeat), e.g. TRANSFORMERS_INFERENCE_API=http://...",
    )
    start.add_argument("--foreground", action="store_true", help="run until interrupted")
    start.add_argument("--timeout", type=float, default=600.0)
    start.set_defaults(func=_cmd_start)
    stop = server_sub.add_parser("stop", help="stop the server started by `server start`")
    stop.set_defaults(func=_cmd_stop)
    status = server_sub.add_parser("status", help="is a weavorm-started server running?")
    status.set_defaults(func=_cmd_status)

    doctor = sub.add_parser("doctor", help="check a Weaviate server and give a verdict")
    doctor.add_argument("--url", default=None, help="REST URL (default: WEAVIATE_URL or local)")
    doctor.add_argument("--grpc-url", default=None)
    doctor.add_argument("--api-key", default=None)
    doctor.add_argument("--timeout", type=float, default=5.0)
    doctor.set_defaults(func=_cmd_doctor)

    inference = sub.add_parser("inference", help="local inference services for development")
    inference_sub = inference.add_subparsers(dest="action", required=True)
    serve = inference_sub.add_parser(
        "serve",
        help="serve text2vec-transformers, reranker, OpenAI- and Ollama-compatible endpoints",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="default: a free port")
    serve.add_argument("--dimensions", type=int, default=None, help="embedding size")
    serve.set_defaults(func=_cmd_inference_serve)
    _add_later_commands(sub)
    return parser


def _add_later_commands(sub: Any) -> None:
    """Commands defined next to their features: ``schema``/``inspect`` and ``sql``."""
    import importlib

    for module_name in ("weavorm.schema._cli", "weavorm.sql._cli", "weavorm.loader._cli"):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(sub)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except WeavormError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code
