"""Throughput lanes shared by both workers: threads, tasks and the bare-grpcio limit.

Like ``_common`` this imports neither client (only the standard library and grpcio,
which both clients bring). A *lane* is a callable ``lane(seconds) -> stats`` that keeps
a fixed number of concurrent callers busy for ``seconds`` and counts completed queries;
:func:`serve_lanes` answers ``run.py``'s ``{"lane": name, "seconds": s}`` commands so
that the orchestrator can alternate the lanes of the two clients.

The *limit* lanes replay requests a client built (pre-encoded, captured once) over a
plain grpcio channel at the same concurrency: what the server and grpcio allow with no
client code at all, the ceiling every client is measured against.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from _common import PROTOCOL_PREFIX, cpu_seconds

Lane = Callable[[float], dict[str, Any]]
SEARCH = "/weaviate.v1.Weaviate/Search"
#: Seconds each lane runs before its clock starts (connections, caches).
WARMUP = 0.5
_SIZE = 104_858_000


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(PROTOCOL_PREFIX + json.dumps(message) + "\n")
    sys.stdout.flush()


_ERRORS: list[str] = []


def _first_error(exc: Exception) -> None:
    """Keep the first few failures (reported with the lane's stats, on stderr too)."""
    if len(_ERRORS) < 3:
        _ERRORS.append(f"{type(exc).__name__}: {exc}"[:300])
        print(f"lane error: {_ERRORS[-1]}", file=sys.stderr)


def _stats(done: int, errors: int, seconds: float, cpu: float) -> dict[str, Any]:
    first = list(_ERRORS)
    _ERRORS.clear()
    return {
        "first_errors": first,
        "queries": done,
        "errors": errors,
        "seconds": seconds,
        "queries_per_s": done / seconds if seconds else 0.0,
        "cpu_us_per_query": cpu / done * 1e6 if done else None,
    }


def threads_lane(fn: Callable[[int], Any], threads: int) -> Lane:
    """``threads`` threads calling ``fn(i)`` (i = the thread's running count) in a loop."""

    def lane(seconds: float) -> dict[str, Any]:
        counts = [0] * threads
        errors = [0] * threads
        state = {"counting": False, "stop": False}
        start_barrier = threading.Barrier(threads + 1)

        def worker(slot: int) -> None:
            i = slot
            start_barrier.wait()
            while not state["stop"]:
                try:
                    fn(i % 64)
                except Exception as exc:
                    if state["counting"]:
                        errors[slot] += 1
                        _first_error(exc)
                else:
                    if state["counting"]:
                        counts[slot] += 1
                i += threads

        pool = [threading.Thread(target=worker, args=(s,), daemon=True) for s in range(threads)]
        for t in pool:
            t.start()
        start_barrier.wait()
        time.sleep(WARMUP)
        state["counting"] = True
        wall, cpu = time.perf_counter(), cpu_seconds()
        time.sleep(seconds)
        state["counting"] = False
        elapsed, used = time.perf_counter() - wall, cpu_seconds() - cpu
        state["stop"] = True
        for t in pool:
            t.join(timeout=60)
        return _stats(sum(counts), sum(errors), elapsed, used)

    return lane


async def run_tasks(
    fn: Callable[[int], Awaitable[Any]], tasks: int, seconds: float
) -> dict[str, Any]:
    """``tasks`` tasks awaiting ``fn(i)`` in a loop on the running event loop."""
    counts = [0] * tasks
    errors = [0] * tasks
    state = {"counting": False, "stop": False}

    async def worker(slot: int) -> None:
        i = slot
        while not state["stop"]:
            try:
                await fn(i % 64)
            except Exception as exc:
                if state["counting"]:
                    errors[slot] += 1
                    _first_error(exc)
            else:
                if state["counting"]:
                    counts[slot] += 1
            i += tasks

    running = [asyncio.ensure_future(worker(s)) for s in range(tasks)]
    await asyncio.sleep(WARMUP)
    state["counting"] = True
    wall, cpu = time.perf_counter(), cpu_seconds()
    await asyncio.sleep(seconds)
    state["counting"] = False
    elapsed, used = time.perf_counter() - wall, cpu_seconds() - cpu
    state["stop"] = True
    await asyncio.gather(*running)
    return _stats(sum(counts), sum(errors), elapsed, used)


def replay_threads_lane(target: str, requests: list[Any], reply_type: Any, threads: int) -> Lane:
    """The limit at ``threads`` threads: ``requests`` replayed on one plain grpcio channel."""
    import grpc

    channel = grpc.insecure_channel(
        target,
        options=[
            ("grpc.max_send_message_length", _SIZE),
            ("grpc.max_receive_message_length", _SIZE),
        ],
    )
    stub = channel.unary_unary(
        SEARCH,
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=reply_type.FromString,
    )
    return threads_lane(lambda i: stub(requests[i % len(requests)], timeout=60), threads)


def replay_tasks_lane(target: str, requests: list[Any], reply_type: Any, tasks: int) -> Lane:
    """The limit at ``tasks`` tasks: ``requests`` replayed on one ``grpc.aio`` channel."""

    def lane(seconds: float) -> dict[str, Any]:
        async def main() -> dict[str, Any]:
            import grpc.aio

            channel = grpc.aio.insecure_channel(
                target,
                options=[
                    ("grpc.max_send_message_length", _SIZE),
                    ("grpc.max_receive_message_length", _SIZE),
                ],
            )
            stub = channel.unary_unary(
                SEARCH,
                request_serializer=lambda m: m.SerializeToString(),
                response_deserializer=reply_type.FromString,
            )
            try:
                return await run_tasks(
                    lambda i: stub(requests[i % len(requests)], timeout=60), tasks, seconds
                )
            finally:
                await channel.close()

        return asyncio.run(main())

    return lane


def serve_lanes(lanes: dict[str, Lane]) -> None:
    """Answer ``{"lane": name, "seconds": s}`` commands on stdin until ``quit``."""
    _say({"loaded": True, "lanes": list(lanes)})
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("quit"):
            return
        _say(lanes[command["lane"]](float(command["seconds"])))
