"""Side-by-side benchmarks of weavorm and the official weaviate-client on one server.

Usage::

    python benchmarks/run.py [--quick] [--only NAME ...] [--json out.json]

Both clients come from one venv (the repository's ``.venv``: the ``dev`` and ``bench``
extras install ``weaviate-client``; weavorm's protobuf modules live in a private
descriptor pool, so the two import side by side). It starts one real local Weaviate
with ``weavorm.server.WeaviateServer()``, runs every benchmark once with weavorm and
once with the official client (each in a fresh subprocess by default, against that same
server, each creating and dropping its own collections), prints a table of ratios
against the budgets of DESIGN.md and writes the full results as JSON to
``benchmarks/results/``.

``--in-process`` runs the encode, ingest and iterator workers inside this process
instead (both clients imported into one interpreter; query stays in served
subprocesses); docs/benchmarks.md says why subprocesses are the default.

Benchmarks: ``encode``, ``ingest``, ``query``, ``iterator`` (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common
from _common import PROTOCOL_PREFIX

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WEAVORM_PYTHON = REPO / ".venv" / "bin" / "python"
RESULTS = HERE / "results"

BENCHMARKS = ("encode", "ingest", "memory", "query", "iterator", "concurrency")

#: Sizes and repetitions: the default run, and ``--quick``. Ingest runs once per
#: vector index: ``flat`` (cheap for the server, so the clients' own cost shows: the
#: budget's case) and ``hnsw`` (Weaviate's default; on 2 cores the server's graph
#: building dominates, so it is run smaller).
SETTINGS: dict[str, dict[str, Any]] = {
    "full": {
        "encode": {"n": 20_000, "repeats": 3},
        "ingest": [{"index": "flat", "n": 50_000}, {"index": "hnsw", "n": 10_000}],
        "memory": {"n": 100_000},
        "query": {"n": 20_000, "runs": 300, "warmup": 30},
        "iterator": {"n": 200_000},
        "concurrency": {"n": 20_000, "seconds": 5.0, "rounds": 4},
    },
    "quick": {
        "encode": {"n": 5_000, "repeats": 3},
        "ingest": [{"index": "flat", "n": 10_000}, {"index": "hnsw", "n": 3_000}],
        "memory": {"n": 20_000},
        "query": {"n": 5_000, "runs": 100, "warmup": 10},
        "iterator": {"n": 20_000},
        "concurrency": {"n": 5_000, "seconds": 3.0, "rounds": 3},
    },
}

#: Ingest modes, interleaved weavorm / official so that both see the same server.
INGEST_ORDER = (
    ("weavorm", "session"),
    ("official", "batch_fixed"),
    ("weavorm", "insert_many"),
    ("official", "batch_dynamic"),
    ("weavorm", "batch_fixed"),
    ("official", "insert_many"),
    ("weavorm", "batch_dynamic"),
    ("official", "batch_stream"),
    ("weavorm", "batch_stream"),
)
#: weavorm mode -> the official mode it is compared with.
INGEST_PAIRS = {
    "insert_many": "insert_many",
    "batch_fixed": "batch_fixed",
    "batch_dynamic": "batch_dynamic",
    "batch_stream": "batch_stream",
}

ENCODE_BUDGET_US = 35.0
INGEST_BUDGET = 1.5
#: Session commit against weavorm's own best engine mode (bookkeeping <= 15%).
INGEST_ENGINE_BUDGET = 0.85
QUERY_ODM_BUDGET = 1.00
QUERY_ENGINE_BUDGET = 0.95
#: Query kinds the p50 budgets apply to (``references`` is reported, not budgeted).
BUDGETED_KINDS = ("near_vector", "bm25", "hybrid", "fetch_filtered")
#: An iterator is "flat" when its peak at 100% is within this of its peak at 10%.
FLAT_TOLERANCE = 1.10
FLAT_SLACK_KIB = 256.0
WORKER_TIMEOUT = 1200
#: Query iterations per block; blocks alternate between the two clients.
QUERY_BLOCK = 25


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- environment -----------------------------------------------------------------------


def ensure_weavorm_python() -> None:
    """Re-run this script with weavorm's venv when started with another Python."""
    try:
        import weavorm.server  # noqa: F401
    except ImportError:
        if WEAVORM_PYTHON.exists() and Path(sys.executable) != WEAVORM_PYTHON:
            os.execv(str(WEAVORM_PYTHON), [str(WEAVORM_PYTHON), __file__, *sys.argv[1:]])
        raise SystemExit(
            "weavorm is not importable: run with the project's venv (.venv/bin/python)"
        ) from None


def official_version(python: str) -> str:
    """The ``weaviate-client`` version importable by ``python`` (exits when there is none)."""
    probe = subprocess.run(
        [python, "-c", "import importlib.metadata as m;print(m.version('weaviate-client'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        raise SystemExit(
            f"weaviate-client is not installed for {python}: "
            'pip install -e ".[dev]" (or ".[bench]")'
        )
    return probe.stdout.strip()


# -- workers ---------------------------------------------------------------------------


WORKER_ENV = dict(os.environ, PYTHONWARNINGS="ignore", PYTHONHASHSEED="0")


class WorkerError(RuntimeError):
    """A served worker died or answered nonsense."""


class Served:
    """A running worker process spoken to in JSON lines (see ``_common.serve_queries``)."""

    def __init__(self, label: str, command: list[str]) -> None:
        self.label = label
        self._stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed in close()
        fd, out = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        self._out = Path(out)
        log(f"{label}: starting (loading data) ...")
        self.proc = subprocess.Popen(
            [*command, "--out", str(self._out)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env=WORKER_ENV,
        )

    def read(self) -> dict[str, Any]:
        """The next protocol message of the worker."""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith(PROTOCOL_PREFIX):
                message: dict[str, Any] = json.loads(line[len(PROTOCOL_PREFIX) :])
                return message
        self.proc.wait()
        raise WorkerError(f"{self.label} exited ({self.proc.returncode}):\n{self._tail()}")

    def ask(self, command: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        return self.read()

    def close(self) -> dict[str, Any]:
        """Tell the worker to clean up and stop; its final result."""
        try:
            if self.proc.poll() is None and self.proc.stdin is not None:
                self.proc.stdin.write(json.dumps({"quit": True}) + "\n")
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            if self.proc.returncode != 0:
                return {"error": self._tail() or f"exit {self.proc.returncode}"}
            result: dict[str, Any] = json.loads(self._out.read_text(encoding="utf-8"))
            return result
        finally:
            self._out.unlink(missing_ok=True)
            self._stderr.close()

    def _tail(self) -> str:
        self._stderr.seek(0)
        return "\n".join(self._stderr.read().strip().splitlines()[-15:])


class Workers:
    """Runs the two worker scripts against one server."""

    def __init__(
        self,
        http_port: int,
        grpc_port: int,
        weavorm_python: str | None,
        official_python: str | None = None,
        *,
        in_process: bool = False,
    ) -> None:
        self.ports = ["--http-port", str(http_port), "--grpc-port", str(grpc_port)]
        if weavorm_python is None:
            weavorm_python = str(WEAVORM_PYTHON if WEAVORM_PYTHON.exists() else sys.executable)
        self.python = {"weavorm": weavorm_python, "official": official_python or weavorm_python}
        self.script = {
            "weavorm": str(HERE / "bench_weavorm.py"),
            "official": str(HERE / "bench_official.py"),
        }
        self.in_process = in_process

    def arguments(self, bench: str, options: dict[str, Any]) -> list[str]:
        args = [f"--{key.replace('_', '-')}={value}" for key, value in options.items()]
        return [bench, *self.ports, *args]

    def command(self, side: str, bench: str, options: dict[str, Any]) -> list[str]:
        return [self.python[side], self.script[side], *self.arguments(bench, options)]

    def serve(self, side: str, bench: str, options: dict[str, Any]) -> Served:
        """Start a worker that answers commands on stdin (the query benchmark)."""
        return Served(f"{side} {bench}", self.command(side, bench, options))

    def run(self, side: str, bench: str, options: dict[str, Any]) -> dict[str, Any]:
        """Run one worker; its result, or ``{"error": ...}`` when it failed."""
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
            out = Path(fh.name)
        label = f"{side} {bench} {options.get('mode') or ''}".strip()
        log(f"{label} ...{' (in process)' if self.in_process else ''}")
        started = time.perf_counter()
        try:
            if self.in_process:
                failure = self._run_here(side, [*self.arguments(bench, options), "--out", str(out)])
                if failure is not None:
                    log(f"{label} FAILED:\n{failure}")
                    return {"error": failure}
            else:
                command = [*self.command(side, bench, options), "--out", str(out)]
                try:
                    proc = subprocess.run(
                        command,
                        capture_output=True,
                        text=True,
                        env=WORKER_ENV,
                        timeout=WORKER_TIMEOUT,
                    )
                except subprocess.TimeoutExpired:
                    return {"error": f"timed out after {WORKER_TIMEOUT} s"}
                if proc.returncode != 0:
                    tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
                    log(f"{label} FAILED (exit {proc.returncode}):\n{tail}")
                    return {"error": tail or f"exit {proc.returncode}"}
            result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
        finally:
            out.unlink(missing_ok=True)
        log(f"{label} done in {time.perf_counter() - started:.1f} s")
        return result

    def _run_here(self, side: str, argv: list[str]) -> str | None:
        """Run a worker's ``main(argv)`` in this interpreter; the traceback on failure."""
        module = importlib.import_module(f"bench_{side}")
        gc.collect()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                module.main(argv)
        except Exception:
            return "\n".join(traceback.format_exc().strip().splitlines()[-15:])
        finally:
            gc.collect()
        return None


# -- benchmarks ------------------------------------------------------------------------


def run_encode(workers: Workers, settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "weavorm": workers.run("weavorm", "encode", settings),
        "official": workers.run("official", "encode", settings),
    }


def run_ingest(workers: Workers, settings: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for variant in settings:
        runs: dict[str, dict[str, Any]] = {"weavorm": {}, "official": {}}
        # One untimed run first: the first ingest of a block (fresh server, or right after
        # the previous index's block) is often the slowest whatever the mode or client, which
        # penalised whichever mode came first (the session).
        workers.run("weavorm", "ingest", {**variant, "mode": "insert_many"})
        for side, mode in INGEST_ORDER:
            runs[side][mode] = workers.run(side, "ingest", {**variant, "mode": mode})
        out[variant["index"]] = runs
    return out


def run_memory(workers: Workers, settings: dict[str, Any]) -> dict[str, Any]:
    return {"weavorm": workers.run("weavorm", "memory", settings)}


def run_query(workers: Workers, settings: dict[str, Any]) -> dict[str, Any]:
    """Both workers load their collection, then query both collections in turn.

    Blocks of ``QUERY_BLOCK`` iterations alternate between the two clients (and which
    goes first), and every client queries both collections equally, so that both are
    measured under the same server conditions and the same collection states.
    """
    options = {"n": settings["n"]}
    served = {
        "weavorm": workers.serve("weavorm", "query", options),
        "official": workers.serve("official", "query", options),
    }
    out: dict[str, Any] = {"weavorm": {}, "official": {}}
    targets = list(common.QUERY_COLLECTIONS)
    try:
        for worker in served.values():
            worker.read()  # loaded
        replies = [worker.ask({"prepare": True}) for worker in served.values()]
        kinds = replies[0]["kinds"]
        log("query: both collections loaded")
        for kind in kinds:
            wall: dict[tuple[str, str], list[float]] = {}
            cpu: dict[tuple[str, str], list[float]] = {}
            for worker in served.values():
                for target in targets:
                    command = {"target": target, "kind": kind, "start": 0}
                    worker.ask({**command, "count": settings["warmup"]})
            blocks = -(-settings["runs"] // QUERY_BLOCK)
            for block in range(blocks):
                order = list(served.items())
                if block % 2:
                    order.reverse()
                target = targets[(block // 2) % len(targets)]
                for owner, worker in order:
                    reply = worker.ask(
                        {
                            "target": target,
                            "kind": kind,
                            "start": block * QUERY_BLOCK,
                            "count": QUERY_BLOCK,
                        }
                    )
                    for side, samples in reply["wall"].items():
                        wall.setdefault((owner, side), []).extend(samples)
                        cpu.setdefault((owner, side), []).extend(reply["cpu"][side])
            for (owner, side), samples in wall.items():
                stats = common.latency_stats(samples, cpu[(owner, side)])
                out[owner].setdefault("kinds", {}).setdefault(kind, {})[side] = stats
            log(f"query {kind} done")
    except WorkerError as exc:
        log(f"query FAILED: {exc}")
        for owner in out:
            out[owner]["error"] = str(exc)
    finally:
        for owner, worker in served.items():
            final = worker.close()
            out[owner].update({k: v for k, v in final.items() if k != "kinds"})
    return out


def run_iterator(workers: Workers, settings: dict[str, Any]) -> dict[str, Any]:
    return {
        "weavorm": workers.run("weavorm", "iterator", settings),
        "official": workers.run("official", "iterator", settings),
    }


#: Concurrency lanes in run order: (worker, lane). The limit lanes replay the engine's
#: pre-encoded requests over bare grpcio at the same concurrency.
CONCURRENCY_LANES = (
    ("weavorm", "limit_threads"),
    ("weavorm", "engine_threads"),
    ("official", "official_threads"),
    ("weavorm", "odm_threads"),
    ("weavorm", "limit_tasks"),
    ("weavorm", "engine_tasks"),
    ("official", "official_tasks"),
    ("weavorm", "odm_tasks"),
)


def run_concurrency(workers: Workers, settings: dict[str, Any]) -> dict[str, Any]:
    """8 threads on one sync client and 64 tasks on one async client, queries/s.

    The weavorm worker loads one collection that both workers query; every lane runs
    ``rounds`` times, the order reversed every other round; the median rate is reported.
    """
    options = {"n": settings["n"]}
    served: dict[str, Served] = {}
    out: dict[str, Any] = {"lanes": {}}
    try:
        served["weavorm"] = workers.serve("weavorm", "concurrency", options)
        served["weavorm"].read()  # loaded
        served["official"] = workers.serve("official", "concurrency", options)
        served["official"].read()
        log("concurrency: collection loaded")
        samples: dict[str, list[dict[str, Any]]] = {}
        for round_ in range(settings["rounds"]):
            order = list(CONCURRENCY_LANES)
            if round_ % 2:
                order.reverse()
            for side, lane in order:
                reply = served[side].ask({"lane": lane, "seconds": settings["seconds"]})
                samples.setdefault(lane, []).append(reply)
                log(f"concurrency {lane}: {reply['queries_per_s']:.0f} queries/s")
        for lane, runs in samples.items():
            rates = [r["queries_per_s"] for r in runs]
            cpus = [r["cpu_us_per_query"] for r in runs if r["cpu_us_per_query"] is not None]
            out["lanes"][lane] = {
                "queries_per_s": statistics.median(rates),
                "runs": rates,
                "errors": sum(r["errors"] for r in runs),
                "first_errors": [e for r in runs for e in r.get("first_errors", [])][:3],
                "cpu_us_per_query": sum(cpus) / len(cpus) if cpus else None,
            }
    except WorkerError as exc:
        log(f"concurrency FAILED: {exc}")
        out["error"] = str(exc)
    finally:
        for side in ("official", "weavorm"):  # the weavorm worker drops the collection
            if side in served:
                final = served[side].close()
                if "error" in final:
                    out.setdefault("error", final["error"])
    return out


RUNNERS = {
    "encode": run_encode,
    "ingest": run_ingest,
    "memory": run_memory,
    "query": run_query,
    "iterator": run_iterator,
    "concurrency": run_concurrency,
}


# -- report ----------------------------------------------------------------------------


def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "obj/s":
        return f"{value:,.0f}"
    if unit in ("KiB", "n"):
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 100 else f"{value:,.0f}"


def _row(
    name: str,
    unit: str,
    weavorm: float | None,
    official: float | None,
    *,
    budget: str = "",
    ok: bool | None = None,
    compare: bool = True,
) -> dict[str, Any]:
    ratio = weavorm / official if compare and weavorm is not None and official else None
    if not budget:
        verdict = "info"
    elif ok is None:
        verdict = "n/a"
    else:
        verdict = "PASS" if ok else "FAIL"
    return {
        "benchmark": name,
        "unit": unit,
        "weavorm": weavorm,
        "official": official,
        "ratio": ratio,
        "budget": budget,
        "verdict": verdict,
    }


def encode_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    w, o = result["weavorm"], result["official"]
    rows = []
    for variant, ref in (
        ("model_list", "insert_many_list"),
        ("model_numpy", "insert_many_numpy"),
    ):
        value = _get(w, "variants", variant, "best_us")
        rows.append(
            _row(
                f"encode {variant.replace('_', ', ')} vs insert_many path",
                "us/obj",
                value,
                _get(o, "variants", ref, "best_us"),
                budget=f"<= {ENCODE_BUDGET_US:.0f} us",
                ok=None if value is None else value <= ENCODE_BUDGET_US,
            )
        )
    for variant, ref in (("dict_list", "insert_many_list"), ("dict_numpy", "insert_many_numpy")):
        rows.append(
            _row(
                f"encode {variant.replace('_', ', ')} (engine) vs insert_many path",
                "us/obj",
                _get(w, "variants", variant, "best_us"),
                _get(o, "variants", ref, "best_us"),
            )
        )
    for vec in ("list", "numpy"):
        rows.append(
            _row(
                f"encode model, {vec} vs official batch.add_object path",
                "us/obj",
                _get(w, "variants", f"model_{vec}", "best_us"),
                _get(o, "variants", f"batch_{vec}", "best_us"),
            )
        )
    for vec in ("list", "numpy"):
        rows.append(
            _row(
                f"encode model, {vec} vs hand-built protobuf floor",
                "us/obj",
                _get(w, "variants", f"model_{vec}", "best_us"),
                _get(o, "variants", f"hand_built_{vec}", "best_us"),
            )
        )
    for vec in ("list", "numpy"):
        rows.append(
            _row(
                f"model construction from a {vec} vector (not encode)",
                "us/obj",
                _get(w, "info", f"model_construct_{vec}_us"),
                None,
            )
        )
    return rows


def _official_best(official: dict[str, Any]) -> tuple[str | None, float | None]:
    best: tuple[str | None, float | None] = (None, None)
    for mode, res in official.items():
        rate = _get(res, "objects_per_s")
        if rate is not None and (best[1] is None or rate > best[1]):
            best = (mode, rate)
    return best


def ingest_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for index, runs in result.items():
        rows.extend(_ingest_rows(index, runs))
    return rows


def _ingest_rows(index: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    w, o = result["weavorm"], result["official"]
    best_mode, best_rate = _official_best(o)
    session = _get(w, "session", "objects_per_s")
    n = _get(w, "session", "n")
    tag = f"ingest {index} {n // 1000 if n else '?'}k"
    rows = [
        _row(
            f"{tag}: session commit vs official best ({best_mode})",
            "obj/s",
            session,
            best_rate,
            budget=f">= {INGEST_BUDGET}x",
            ok=None
            if session is None or not best_rate
            else round(session / best_rate, 2) >= INGEST_BUDGET,
        )
    ]
    engine = {m: _get(w, m, "objects_per_s") for m in INGEST_PAIRS}
    engine_mode = max((m for m in engine if engine[m]), key=lambda m: engine[m], default=None)
    engine_rate = engine[engine_mode] if engine_mode else None
    rows.append(
        _row(
            f"{tag}: session commit vs weavorm's best engine mode ({engine_mode})",
            "obj/s",
            session,
            engine_rate,
            budget=f">= {INGEST_ENGINE_BUDGET}x",
            ok=None
            if session is None or not engine_rate
            else round(session / engine_rate, 2) >= INGEST_ENGINE_BUDGET,
        )
    )
    commit = _get(w, "session", "commit_seconds")
    rows.append(
        _row(
            f"{tag}: session add_all+commit only (block not left)",
            "obj/s",
            n / commit if commit and n else None,
            best_rate,
        )
    )
    for mode, ref in INGEST_PAIRS.items():
        rows.append(
            _row(
                f"{tag}: {mode} vs official {ref}",
                "obj/s",
                _get(w, mode, "objects_per_s"),
                _get(o, ref, "objects_per_s"),
            )
        )
    for mode in ("session", *INGEST_PAIRS):
        ref = INGEST_PAIRS.get(mode, best_mode or "")
        w_cpu, o_cpu = _get(w, mode, "cpu_seconds"), _get(o, ref, "cpu_seconds")
        n_w, n_o = _get(w, mode, "n"), _get(o, ref, "n")
        rows.append(
            _row(
                f"{tag}: client CPU, {mode} vs official {ref}",
                "us/obj",
                None if w_cpu is None or not n_w else w_cpu / n_w * 1e6,
                None if o_cpu is None or not n_o else o_cpu / n_o * 1e6,
            )
        )
    return rows


def memory_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    w = result.get("weavorm", {})
    return [
        _row(f"session memory: {label} (RSS per 100k objects)", "MiB", _get(w, key), None)
        for label, key in (
            ("the model objects", "objects_mib_per_100k"),
            ("the session tracking them after commit", "session_mib_per_100k"),
        )
    ]


def query_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    w, o = result["weavorm"], result["official"]
    rows = []
    kinds = _get(w, "kinds") or _get(o, "kinds") or {}
    for kind in kinds:
        official = _get(o, "kinds", kind, "official", "p50_ms")
        for side, budget in (("engine", QUERY_ENGINE_BUDGET), ("odm", QUERY_ODM_BUDGET)):
            value = _get(w, "kinds", kind, side, "p50_ms")
            ok = None if value is None or not official else round(value / official, 2) <= budget
            budgeted = kind in BUDGETED_KINDS
            rows.append(
                _row(
                    f"query {kind} p50, {side}",
                    "ms",
                    value,
                    official,
                    budget=f"<= {budget:.2f}x" if budgeted else "",
                    ok=ok if budgeted else None,
                )
            )
        official95 = _get(o, "kinds", kind, "official", "p95_ms")
        for side in ("engine", "odm"):
            rows.append(
                _row(
                    f"query {kind} p95, {side}",
                    "ms",
                    _get(w, "kinds", kind, side, "p95_ms"),
                    official95,
                )
            )
        official_cpu = _get(o, "kinds", kind, "official", "cpu_us")
        for side in ("engine", "odm"):
            rows.append(
                _row(
                    f"query {kind} client CPU/call, {side}",
                    "us",
                    _get(w, "kinds", kind, side, "cpu_us"),
                    official_cpu,
                )
            )
        rows.append(
            _row(
                f"query {kind} p50, bare grpcio floor (own venv)",
                "ms",
                _get(w, "kinds", kind, "grpc_floor", "p50_ms"),
                _get(o, "kinds", kind, "grpc_floor", "p50_ms"),
            )
        )
        o_over = _over_floor(o, kind, "official")
        for side in ("engine", "odm"):
            w_over = _over_floor(w, kind, side)
            rows.append(
                _row(
                    f"query {kind} client CPU/call above floor, {side}",
                    "us",
                    w_over,
                    o_over,
                )
            )
    return rows


def limit_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every client's p50 as a fraction of the limit (bare grpcio, one call at a time).

    ``fraction = limit p50 / client p50``: 1.0 is the ceiling, the server-bound speed.
    """
    w, o = result["weavorm"], result["official"]
    rows = []
    for kind in _get(w, "kinds") or {}:
        for side, data, key in (
            ("engine", w, "engine"),
            ("odm", w, "odm"),
            ("official", o, "official"),
        ):
            # each client against its own requests replayed (its worker's floor)
            limit = _get(data, "kinds", kind, "grpc_floor", "p50_ms")
            mine = _get(data, "kinds", kind, key, "p50_ms")
            rows.append(
                _row(
                    f"query {kind}: {side} as a fraction of the limit",
                    "x",
                    limit / mine if limit and mine else None,
                    None,
                )
            )
    return rows


def concurrency_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    lanes = result.get("lanes") or {}

    def rate(lane: str) -> float | None:
        value: float | None = _get(lanes, lane, "queries_per_s")
        return value

    rows = []
    for mode, label in (
        ("threads", "8 threads, one sync client"),
        ("tasks", "64 tasks, one async client"),
    ):
        official, limit = rate(f"official_{mode}"), rate(f"limit_{mode}")
        for side in ("engine", "odm"):
            rows.append(
                _row(
                    f"concurrency {label}: {side} vs official",
                    "q/s",
                    rate(f"{side}_{mode}"),
                    official,
                )
            )
        for side in ("engine", "odm", "official"):
            mine = rate(f"{side}_{mode}")
            rows.append(
                _row(
                    f"concurrency {label}: {side} as a fraction of the limit",
                    "x",
                    mine / limit if mine and limit else None,
                    None,
                )
            )
        rows.append(_row(f"concurrency {label}: limit (bare grpcio)", "q/s", limit, None))
        for side in ("limit", "engine", "odm", "official"):
            # failed queries (e.g. the server shedding load: RESOURCE_EXHAUSTED) are not
            # counted as done; weavorm retries them, the others report them
            rows.append(
                _row(
                    f"concurrency {label}: failed queries, {side}",
                    "n",
                    _get(lanes, f"{side}_{mode}", "errors"),
                    None,
                )
            )
        official_cpu = _get(lanes, f"official_{mode}", "cpu_us_per_query")
        for side in ("engine", "odm"):
            rows.append(
                _row(
                    f"concurrency {label}: client CPU/query, {side} vs official",
                    "us",
                    _get(lanes, f"{side}_{mode}", "cpu_us_per_query"),
                    official_cpu,
                )
            )
    return rows


def _over_floor(result: dict[str, Any], kind: str, side: str) -> float | None:
    """Client CPU per call minus that of the bare grpcio stub: the client's own code."""
    mine = _get(result, "kinds", kind, side, "cpu_us")
    floor = _get(result, "kinds", kind, "grpc_floor", "cpu_us")
    return None if mine is None or floor is None else mine - floor


def _flat(measure: dict[str, Any] | None) -> bool | None:
    if not measure:
        return None
    tenth, end = measure["traced_peak_10pct_kib"], measure["traced_peak_100pct_kib"]
    return bool(end <= tenth * FLAT_TOLERANCE + FLAT_SLACK_KIB)


def iterator_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    w, o = result["weavorm"], result["official"]
    official = _get(o, "variants", "official")
    rows = []
    for side in ("engine", "odm"):
        mine = _get(w, "variants", side)
        for point in ("10pct", "100pct"):
            rows.append(
                _row(
                    f"iterator {side}: tracemalloc peak at {point.replace('pct', '%')}",
                    "KiB",
                    _get(mine, f"traced_peak_{point}_kib"),
                    _get(official, f"traced_peak_{point}_kib"),
                    budget="flat" if point == "100pct" else "",
                    ok=_flat(mine) if point == "100pct" else None,
                )
            )
        rows.append(
            _row(
                f"iterator {side}: RSS growth 10% -> 100%",
                "KiB",
                None
                if mine is None
                else mine["rss_growth_100pct_kib"] - mine["rss_growth_10pct_kib"],
                None
                if official is None
                else official["rss_growth_100pct_kib"] - official["rss_growth_10pct_kib"],
                compare=False,
            )
        )
        rows.append(
            _row(
                f"iterator {side}: throughput",
                "obj/s",
                _get(mine, "objects_per_s"),
                _get(official, "objects_per_s"),
            )
        )
    return rows


ROWS = {
    "encode": encode_rows,
    "ingest": ingest_rows,
    "memory": memory_rows,
    "query": lambda result: [*query_rows(result), *limit_rows(result)],
    "iterator": iterator_rows,
    "concurrency": concurrency_rows,
}


def table(rows: list[dict[str, Any]]) -> str:
    headers = ["benchmark", "unit", "weavorm", "official", "ratio", "budget", "verdict"]
    cells = [
        [
            r["benchmark"],
            r["unit"],
            _fmt(r["weavorm"], r["unit"]),
            _fmt(r["official"], r["unit"]),
            "-" if r["ratio"] is None else f"{r['ratio']:.2f}x",
            r["budget"] or "-",
            r["verdict"],
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    right = {2, 3, 4}

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(widths[i]) if i in right else v.ljust(widths[i]) for i, v in enumerate(values)
        ).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(c) for c in cells]
    return "\n".join(out)


# -- main ------------------------------------------------------------------------------


def _failures(data: Any, path: str = "") -> Iterator[str]:
    """The paths of the worker results that hold an ``error``."""
    if isinstance(data, dict):
        if "error" in data:
            yield path.strip("/") or "?"
            return
        for key, value in data.items():
            yield from _failures(value, f"{path}/{key}")


def redraw(sources: list[Path], chart: Path | None) -> int:
    """Merge the results of earlier runs (later files win per benchmark) and draw them."""
    import _chart

    report: dict[str, Any] = {}
    for source in sources:
        data = json.loads(source.read_text(encoding="utf-8"))
        results = {**report.get("results", {}), **data.get("results", {})}
        report = {**data, "results": results}
    target = chart or RESULTS / "chart.png"
    budgets = {"engine": QUERY_ENGINE_BUDGET, "ODM": QUERY_ODM_BUDGET}
    if not _chart.draw(report, target, budgets=budgets):
        print("nothing to draw (no query or concurrency results)", file=sys.stderr)
        return 1
    print(f"chart: {target}")
    return 0


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a few minutes)")
    parser.add_argument(
        "--only", action="append", choices=BENCHMARKS, help="run only this benchmark (repeatable)"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--chart",
        type=Path,
        help="also draw the chart here (png or svg; e.g. docs/img/benchmarks.png); one is "
        "always drawn to benchmarks/results/latest-<profile>.png for query/concurrency runs",
    )
    parser.add_argument(
        "--weavorm-python",
        help="run the weavorm worker with this interpreter (default: the repo's .venv); "
        "e.g. a scratch venv with another grpcio, with PYTHONPATH pointing at the repo",
    )
    parser.add_argument(
        "--official-python",
        help="run the official worker with this interpreter (default: the weavorm worker's), "
        "e.g. a scratch venv with another weaviate-client version",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the encode, ingest and iterator workers in this process, both clients "
        "imported side by side (default: a fresh subprocess per run)",
    )
    parser.add_argument(
        "--from",
        dest="sources",
        action="append",
        type=Path,
        help="draw --chart from these result files (merged; repeatable) and run nothing",
    )
    args = parser.parse_args()
    if args.sources:
        return redraw(args.sources, args.chart)

    ensure_weavorm_python()
    # SIGTERM unwinds like Ctrl-C, so the server and the workers are always stopped.
    signal.signal(signal.SIGTERM, _terminate)
    import weavorm
    from weavorm.server import WeaviateServer

    started = time.perf_counter()
    weavorm_python = args.weavorm_python or str(
        WEAVORM_PYTHON if WEAVORM_PYTHON.exists() else sys.executable
    )
    official_python = args.official_python or weavorm_python
    if args.in_process:
        weavorm_python = official_python = sys.executable
    official = official_version(official_python)
    profile = "quick" if args.quick else "full"
    selected = [b for b in BENCHMARKS if not args.only or b in args.only]
    report: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "profile": profile,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "load_average_at_start": os.getloadavg(),
        },
        "clients": {
            "weavorm": weavorm.__version__,
            "weaviate-client": official,
            "weavorm_python": weavorm_python,
            "official_python": official_python,
            "isolation": "in-process" if args.in_process else "subprocess",
        },
        "settings": {b: SETTINGS[profile][b] for b in selected},
        "results": {},
        "rows": [],
    }
    log(f"starting Weaviate ({profile} run: {', '.join(selected)}) ...")
    with WeaviateServer() as server:
        with server.client() as client:
            meta = client.meta()
        report["server"] = {"version": meta.get("version"), "url": server.url}
        log(f"Weaviate {meta.get('version')} at {server.url}, gRPC {server.grpc_url}")
        workers = Workers(
            server.http_port,
            server.grpc_port,
            weavorm_python,
            official_python,
            in_process=args.in_process,
        )
        for bench in selected:
            result = RUNNERS[bench](workers, SETTINGS[profile][bench])
            report["results"][bench] = result
            report["rows"].extend(ROWS[bench](result))
    report["seconds"] = time.perf_counter() - started
    report["machine"]["load_average_at_end"] = os.getloadavg()

    load = report["machine"]["load_average_at_start"]
    print(
        f"\nweavorm {weavorm.__version__} vs weaviate-client {official}, "
        f"Weaviate {report['server']['version']}, {os.cpu_count()} CPUs, {profile} run, "
        f"{report['clients']['isolation']}, "
        f"{report['seconds']:.0f} s, load average at start {load[0]:.2f}"
    )
    print("ratio = weavorm / official (us, ms: lower is better; obj/s: higher is better)\n")
    print(table(report["rows"]))

    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    paths = [RESULTS / f"{stamp}-{profile}.json", RESULTS / f"latest-{profile}.json"]
    if args.json:
        paths.append(args.json)
    text = json.dumps(report, indent=2)
    for path in paths:
        path.write_text(text, encoding="utf-8")
    print(f"\nresults: {paths[0]}")
    charts = [RESULTS / f"latest-{profile}.png", *([args.chart] if args.chart else [])]
    for chart in charts:
        try:
            import _chart

            budgets = {"engine": QUERY_ENGINE_BUDGET, "ODM": QUERY_ODM_BUDGET}
            if _chart.draw(report, chart, budgets=budgets):
                print(f"chart: {chart}")
        except ImportError:
            print("no chart: matplotlib is not installed (the bench/dev extras have it)")
            break
    errors = list(_failures(report["results"]))
    if errors:
        print(f"workers failed: {', '.join(errors)}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
