"""Shared helpers of the benchmark workers: data, timing, memory, worker CLI.

This module is imported by both workers (which may run with different interpreters,
see ``run.py --official-python``), so it uses only the standard library and numpy,
never weavorm or weaviate.
Both workers build exactly the same objects from the same seeds, so the server does
the same work for either client.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

DIM = 384
SEED = 20240607
QUERY_SEED = 7

#: The five properties of every benchmark object: text, text, int, float, bool.
PROPERTY_NAMES = ("title", "body", "count", "price", "active")

_ADJECTIVES = "red blue green black white quick slow bright dark warm cold soft hard light heavy"
_NOUNS = "car road tree stone river cloud house field sound book paper glass metal water fire"
#: 225 distinct words ("redcar", "bluetree", ...) for titles, bodies and bm25 queries.
_WORDS = [a + b for a in _ADJECTIVES.split() for b in _NOUNS.split()]


def rows(n: int, *, seed: int = SEED) -> list[dict[str, Any]]:
    """``n`` property dicts (title, body: text; count: int; price: float; active: bool)."""
    rng = random.Random(seed)
    words = _WORDS
    out = []
    for i in range(n):
        out.append(
            {
                "title": " ".join(rng.choices(words, k=4)),
                "body": " ".join(rng.choices(words, k=16)),
                "count": i,
                "price": round(rng.random() * 1000.0, 2),
                "active": i % 2 == 0,
            }
        )
    return out


def vectors(n: int, *, seed: int = SEED) -> np.ndarray:
    """An ``n`` x 384 float32 array of unit vectors."""
    import numpy as np  # here, so that run.py can start from any Python

    rng = np.random.default_rng(seed)
    arr = rng.standard_normal((n, DIM), dtype=np.float32)
    arr /= np.linalg.norm(arr, axis=1, keepdims=True)
    return arr


def query_inputs(count: int = 64) -> dict[str, Any]:
    """Query vectors (lists), bm25 queries and filter thresholds, the same for all."""
    rng = random.Random(QUERY_SEED)
    return {
        "vectors": vectors(count, seed=QUERY_SEED).tolist(),
        "texts": [" ".join(rng.choices(_WORDS, k=2)) for _ in range(count)],
        "thresholds": [rng.randrange(0, 1000) for _ in range(count)],
    }


# -- timing ----------------------------------------------------------------------------


def per_object_us(fn: Callable[[], int], *, repeats: int) -> dict[str, float]:
    """Run ``fn`` (which returns how many objects it handled) ``repeats`` times.

    Returns the best and the median time per object in microseconds. The garbage
    collector is collected before each run (but stays enabled while it runs, as in
    real use).
    """
    samples = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        n = fn()
        samples.append((time.perf_counter() - start) / n * 1e6)
    return {"best_us": min(samples), "median_us": statistics.median(samples)}


def cpu_seconds() -> float:
    """User + system CPU time of this process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def stopwatch() -> Iterator[dict[str, float]]:
    """Wall-clock and CPU seconds of the block, filled in on exit."""
    out: dict[str, float] = {}
    gc.collect()
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield out
    out["seconds"] = time.perf_counter() - wall
    out["cpu_seconds"] = cpu_seconds() - cpu


def latency_stats(samples_s: list[float], cpu_s: list[float] | None = None) -> dict[str, float]:
    """p50 / p95 / mean in milliseconds of wall-clock samples in seconds.

    With ``cpu_s`` (the process CPU time of each sample) also the mean client CPU
    per call in microseconds: the client's own cost, whatever the server does.
    """
    ms = sorted(s * 1e3 for s in samples_s)
    out = {
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "min_ms": ms[0],
        "p10_ms": percentile(ms, 10),
        "p90_ms": percentile(ms, 90),
        "mean_ms": statistics.fmean(ms),
        "runs": len(ms),
    }
    if cpu_s:
        out["cpu_us"] = statistics.fmean(cpu_s) * 1e6
    return out


def percentile(sorted_values: list[float], pct: float) -> float:
    """The ``pct`` percentile (linear interpolation) of already sorted values."""
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * pct / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


# -- memory ----------------------------------------------------------------------------


def rss_kib() -> int:
    """Current resident set size of this process in KiB (Linux ``/proc``)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0  # pragma: no cover - not Linux


def iterator_measure(make_iter: Callable[[], Iterator[Any]], total: int) -> dict[str, Any]:
    """Consume an iterator twice: once for speed + RSS, once under tracemalloc.

    Memory is read after 10% of ``total`` objects and at the end. Nothing is kept
    from the objects, so with constant-memory paging the two readings match.
    """
    import tracemalloc

    tenth = max(total // 10, 1)
    out: dict[str, Any] = {}

    gc.collect()
    rss_start = rss_kib()
    start = time.perf_counter()
    n = 0
    rss_tenth = rss_start
    for _ in make_iter():
        n += 1
        if n == tenth:
            rss_tenth = rss_kib()
    seconds = time.perf_counter() - start
    rss_end = rss_kib()
    out.update(
        count=n,
        seconds=seconds,
        objects_per_s=n / seconds if seconds else 0.0,
        rss_growth_10pct_kib=rss_tenth - rss_start,
        rss_growth_100pct_kib=rss_end - rss_start,
    )

    gc.collect()
    tracemalloc.start()
    n = 0
    peak_tenth = 0
    for _ in make_iter():
        n += 1
        if n == tenth:
            peak_tenth = tracemalloc.get_traced_memory()[1]
    peak_end = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    out.update(
        traced_count=n,
        traced_peak_10pct_kib=peak_tenth / 1024,
        traced_peak_100pct_kib=peak_end / 1024,
    )
    return out


# -- served query worker ---------------------------------------------------------------

#: Lines of the query protocol on stdout start with this (anything else is ignored).
PROTOCOL_PREFIX = "@@ "


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(PROTOCOL_PREFIX + json.dumps(message) + "\n")
    sys.stdout.flush()


#: The query collections: each worker loads its own, and both query both, so that
#: differences in the server's state of the two collections cancel out.
QUERY_COLLECTIONS = {"weavorm": "BenchQueryW", "official": "BenchQueryO"}

Kinds = dict[str, dict[str, Callable[[int], Any]]]

#: query collection -> (authors, articles) of the ``references`` query kind.
REF_COLLECTIONS = {
    "BenchQueryW": ("BenchRefAuthorW", "BenchRefArticleW"),
    "BenchQueryO": ("BenchRefAuthorO", "BenchRefArticleO"),
}
REF_AUTHORS = 20
#: Objects per insert_many call when loading the query collections.
LOAD_CHUNK = 2_000
REF_ARTICLES = 100

#: The concurrency benchmark: one collection (loaded by the weavorm worker, queried by
#: both), 8 threads sharing one sync client, 64 tasks on one async client.
CONCURRENCY_COLLECTION = "BenchConc"
CONCURRENCY_THREADS = 8
CONCURRENCY_TASKS = 64


def reference_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Authors and articles (article i by author i % 20), with fixed ids on both sides."""
    import uuid

    ns = uuid.UUID("6f1d2a52-8a0c-4a44-9f57-0c1b0b6e2a10")
    rng = random.Random(SEED)
    authors = [
        {"uuid": str(uuid.uuid5(ns, f"author-{i}")), "properties": {"name": f"author {i}"}}
        for i in range(REF_AUTHORS)
    ]
    articles = [
        {
            "uuid": str(uuid.uuid5(ns, f"article-{i}")),
            "properties": {
                "title": " ".join(rng.choices(_WORDS, k=4)),
                "body": " ".join(rng.choices(_WORDS, k=16)),
            },
            "author": authors[i % REF_AUTHORS]["uuid"],
        }
        for i in range(REF_ARTICLES)
    ]
    return authors, articles


def serve_queries(build: Callable[[str], Kinds], inputs: int) -> None:
    """Answer the orchestrator's query commands on stdin until ``quit``.

    The worker has loaded its own collection. It says ``loaded``; on ``prepare`` (sent
    once both workers have loaded) it calls ``build(collection)`` for each collection
    of :data:`QUERY_COLLECTIONS`, which maps a query kind to its callables by side
    (``engine``/``odm``/``grpc_floor`` or ``official``/``grpc_floor``), each taking
    the index of the query input. A command
    ``{"target": T, "kind": K, "start": s, "count": c}`` runs ``c`` iterations on
    collection ``T``; each iteration calls every side once (in turn, so that the sides
    share the same conditions) and the reply holds the wall-clock and CPU seconds of
    every call. ``run.py`` alternates such blocks between the weavorm and the official
    worker, so both clients are measured interleaved against the same server.
    """
    perf, cpu = time.perf_counter, time.process_time
    _say({"loaded": True})
    targets: dict[str, Kinds] = {}
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("quit"):
            return
        if command.get("prepare"):
            targets = {owner: build(name) for owner, name in QUERY_COLLECTIONS.items()}
            _say({"ready": True, "kinds": list(next(iter(targets.values())))})
            continue
        sides = targets[command["target"]][command["kind"]]
        wall: dict[str, list[float]] = {side: [] for side in sides}
        used: dict[str, list[float]] = {side: [] for side in sides}
        for i in range(command["start"], command["start"] + command["count"]):
            for side, fn in sides.items():
                t, c = perf(), cpu()
                fn(i % inputs)
                used[side].append(cpu() - c)
                wall[side].append(perf() - t)
        _say({"wall": wall, "cpu": used})


def raw_search(target: str, reply_type: Any) -> Callable[..., Any]:
    """A bare grpcio stub for ``Weaviate/Search`` (the transport floor of a client).

    Calling it with a request message the client itself built measures grpcio and the
    server alone, with none of the client's own code.
    """
    import grpc

    size = 104_858_000
    channel = grpc.insecure_channel(
        target,
        options=[("grpc.max_send_message_length", size), ("grpc.max_receive_message_length", size)],
    )
    stub: Callable[..., Any] = channel.unary_unary(
        "/weaviate.v1.Weaviate/Search",
        request_serializer=lambda message: message.SerializeToString(),
        response_deserializer=reply_type.FromString,
    )
    return stub


def add_grpc_floor(
    kinds: dict[str, dict[str, Callable[[int], Any]]],
    requests: dict[str, list[Any]],
    stub: Callable[..., Any],
) -> None:
    """Add a ``grpc_floor`` side to every kind: the captured requests sent by ``stub``."""
    for kind, sides in kinds.items():
        captured = requests[kind]
        sides["grpc_floor"] = lambda i, captured=captured: stub(captured[i], timeout=60)


# -- worker command line ---------------------------------------------------------------


def worker_args(benchmarks: list[str], argv: list[str] | None = None) -> argparse.Namespace:
    """Parse a worker's arguments (the same for the weavorm and the official worker)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("bench", choices=benchmarks)
    parser.add_argument("--http-host", default="127.0.0.1")
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--grpc-port", type=int, required=True)
    parser.add_argument("--n", type=int, required=True, help="objects")
    parser.add_argument("--mode", default=None, help="the variant (ingest)")
    parser.add_argument("--index", default="hnsw", choices=["hnsw", "flat"], help="(ingest)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--runs", type=int, default=300, help="timed queries per kind")
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--out", default=None, help="write the result JSON here")
    return parser.parse_args(argv)


def write_result(path: str, result: dict[str, Any]) -> None:
    """Write a worker's result (adds the Python version)."""
    result.setdefault("python", sys.version.split()[0])
    Path(path).write_text(json.dumps(result, indent=2), encoding="utf-8")
