"""Issue 9: connections that heal, through a loopback fault proxy and a real restart.

REST and gRPC go through :class:`~weavorm.testing.faultproxy.FaultProxy` in front of
the real server: latency, connection resets every 0.2 s during 10,000-object batches
(every object stored once), a silent blackhole of 8 s and 30 s (typed errors, no
hang, recovery within 2 s after the fault ends), and a SIGKILL + restart of a server
of the test's own (idempotent calls and a session commit retried across it).

Each measurement is printed as ``RECOVERY ...`` (run with ``-s`` to see them).
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import weavorm
from weavorm import errors
from weavorm.engine import RetryPolicy, Timeout, WeaviateClient
from weavorm.testing.faultproxy import FaultProxy

pytestmark = pytest.mark.integration

N_BATCH = 10_000


def _ports(server: Any) -> tuple[int, int]:
    http_port = urlsplit(server.url).port
    grpc_port = int(server.grpc_url.rsplit(":", 1)[1])
    assert http_port is not None
    return http_port, grpc_port


@pytest.fixture
def proxies(weaviate_server: Any) -> Iterator[tuple[FaultProxy, FaultProxy]]:
    http_port, grpc_port = _ports(weaviate_server)
    with (
        FaultProxy("127.0.0.1", http_port, max_lifetime=300) as http_proxy,
        FaultProxy("127.0.0.1", grpc_port, max_lifetime=300) as grpc_proxy,
    ):
        yield http_proxy, grpc_proxy


def _through(proxies: tuple[FaultProxy, FaultProxy], **options: Any) -> WeaviateClient:
    http_proxy, grpc_proxy = proxies
    return weavorm.connect(http_proxy.url, grpc_url=grpc_proxy.address, **options)


def _create(client: WeaviateClient, name: str) -> None:
    client.collections.create_from_dict(
        {
            "class": name,
            "vectorizer": "none",
            "properties": [{"name": "n", "dataType": ["int"]}],
        }
    )


def _count(client: WeaviateClient, name: str) -> int:
    result = client.graphql_raw_query(f"{{Aggregate{{{name}{{meta{{count}}}}}}}}")
    assert not result.errors, result.errors
    return int(result.data["Aggregate"][name][0]["meta"]["count"])


def test_latency_rest_and_grpc(
    weaviate_client: WeaviateClient, collection_name: str, proxies: tuple[FaultProxy, FaultProxy]
) -> None:
    _create(weaviate_client, collection_name)
    weaviate_client.collections.get(collection_name).data.insert({"n": 1})
    client = _through(proxies)
    with client:
        for proxy in proxies:
            proxy.latency(0.05)
        assert client.meta()["version"]
        objects = client.collections.get(collection_name).query.fetch_objects().objects
        assert [o.properties["n"] for o in objects] == [1]


@pytest.mark.parametrize(
    "mode",
    [
        "fixed_size",
        "dynamic",
        pytest.param(
            "stream",
            marks=pytest.mark.xfail(
                reason="known: with grpcio 1.78 the stream can fail to reopen under resets "
                "every 0.2 s (ConnectError on reconnect); passes on grpcio 1.85",
                strict=False,
            ),
        ),
    ],
)
def test_resets_every_200ms_during_a_10k_batch_lose_and_duplicate_nothing(
    weaviate_client: WeaviateClient,
    collection_name: str,
    proxies: tuple[FaultProxy, FaultProxy],
    mode: str,
) -> None:
    _create(weaviate_client, collection_name)
    client = _through(proxies)
    _, grpc_proxy = proxies
    ids: list[uuid.UUID] = []
    with client:
        grpc_proxy.reset_every(0.2, duration=240)
        started = time.monotonic()
        collection = client.collections.get(collection_name)
        with getattr(collection.batch, mode)(deadline=240) as batch:
            for i in range(N_BATCH):
                ids.append(batch.add_object({"n": i}, vector=[1.0, float(i % 13), 0.5]))
        took = time.monotonic() - started
        grpc_proxy.pass_through()
    assert batch.failed_objects == []
    assert len(set(ids)) == N_BATCH
    assert len(batch.results.objs.uuids) == N_BATCH
    stored = _count(weaviate_client, collection_name)
    print(
        f"RECOVERY resets/0.2s batch.{mode}: stored {stored}/{N_BATCH}, "
        f"lost {N_BATCH - stored}, resets {grpc_proxy.resets}, {took:.1f}s"
    )
    assert stored == N_BATCH  # nothing lost; fixed UUIDs: a resend cannot duplicate
    assert grpc_proxy.resets > 0


def _probe(
    name: str, call: Callable[[], Any], fault_end: float, stop_at: float, out: dict[str, Any]
) -> None:
    """Call ``call`` in a loop; record errors, the longest call and the first success."""
    worst = 0.0
    kinds: set[str] = set()
    untyped: list[str] = []
    recovered: float | None = None
    while time.monotonic() < stop_at:
        started = time.monotonic()
        try:
            call()
        except errors.WeavormError as exc:
            kinds.add(type(exc).__name__)
        except Exception as exc:  # would be a bug: everything is translated
            untyped.append(repr(exc))
        else:
            if started >= fault_end and recovered is None:
                recovered = time.monotonic() - fault_end
                out[name] = {"recovered": recovered, "worst": worst, "kinds": kinds}
                break
        worst = max(worst, time.monotonic() - started)
        time.sleep(0.05)
    out.setdefault(name, {"recovered": None, "worst": worst, "kinds": kinds})
    out[name]["untyped"] = untyped


def _blackhole(
    weaviate_client: WeaviateClient,
    collection_name: str,
    proxies: tuple[FaultProxy, FaultProxy],
    duration: float,
) -> None:
    _create(weaviate_client, collection_name)
    weaviate_client.collections.get(collection_name).data.insert({"n": 7})
    # short deadlines, no retries: the probe sees each failure and the first success
    client = _through(proxies, timeout=Timeout.coerce(1.0), retry=RetryPolicy.none())
    with client:
        collection = client.collections.get(collection_name)
        assert client.meta()["version"]
        assert collection.query.fetch_objects().objects
        for proxy in proxies:
            proxy.blackhole(duration)
        fault_end = time.monotonic() + duration
        out: dict[str, Any] = {}
        probes = [
            threading.Thread(
                target=_probe,
                args=("rest", client.meta, fault_end, fault_end + 20, out),
            ),
            threading.Thread(
                target=_probe,
                args=("grpc", collection.query.fetch_objects, fault_end, fault_end + 20, out),
            ),
        ]
        for probe in probes:
            probe.start()
        for probe in probes:
            probe.join(duration + 40)
            assert not probe.is_alive(), "a call hung"
    for kind in ("rest", "grpc"):
        result = out[kind]
        print(
            f"RECOVERY blackhole {duration:g}s {kind}: recovered "
            f"{result['recovered']!r}s after the fault, longest failing call "
            f"{result['worst']:.2f}s, errors {sorted(result['kinds'])}"
        )
        assert result["untyped"] == []
        # CircuitOpenError: the circuit breaker (on by default) refused calls at once
        allowed = {"TimeoutError", "ConnectError", "UnavailableError", "CircuitOpenError"}
        assert result["kinds"] <= allowed
        assert result["worst"] < 3.0  # every call failed within its 1 s timeout (+ slack)
        assert result["recovered"] is not None and result["recovered"] <= 2.0


def test_blackhole_8s_typed_errors_and_recovery(
    weaviate_client: WeaviateClient, collection_name: str, proxies: tuple[FaultProxy, FaultProxy]
) -> None:
    _blackhole(weaviate_client, collection_name, proxies, 8.0)


def test_blackhole_30s_typed_errors_and_recovery(
    weaviate_client: WeaviateClient, collection_name: str, proxies: tuple[FaultProxy, FaultProxy]
) -> None:
    _blackhole(weaviate_client, collection_name, proxies, 30.0)


def test_blackhole_with_default_settings_heals_a_new_client_too(
    weaviate_client: WeaviateClient, collection_name: str, proxies: tuple[FaultProxy, FaultProxy]
) -> None:
    """A dead connection does not leak into a new client (no shared subchannel)."""
    _create(weaviate_client, collection_name)
    weaviate_client.collections.get(collection_name).data.insert({"n": 3})
    _, grpc_proxy = proxies
    first = _through(proxies, timeout=Timeout.coerce(1.0), retry=RetryPolicy.none())
    with first:
        assert first.collections.get(collection_name).query.fetch_objects().objects
        grpc_proxy.blackhole(2.0)
        with pytest.raises(errors.TimeoutError):
            first.collections.get(collection_name).query.fetch_objects()
        time.sleep(2.1)
        # the first client's connection stays dead for good; a new client is fine at once
        second = _through(proxies, timeout=Timeout.coerce(2.0), retry=RetryPolicy.none())
        with second:
            assert second.collections.get(collection_name).query.fetch_objects().objects
        # and the first one heals by itself (its channel is replaced after the streak)
        deadline = time.monotonic() + 10
        while True:
            try:
                assert first.collections.get(collection_name).query.fetch_objects().objects
                break
            except errors.TimeoutError:
                assert time.monotonic() < deadline


@pytest.mark.parametrize("mode", ["fixed_size", "dynamic", "stream"])
def test_batch_deadline_raises_and_lists_what_did_not_land(
    weaviate_client: WeaviateClient,
    collection_name: str,
    proxies: tuple[FaultProxy, FaultProxy],
    mode: str,
) -> None:
    _create(weaviate_client, collection_name)
    _, grpc_proxy = proxies
    client = _through(proxies, timeout=Timeout(batch=2.0))
    ids: list[uuid.UUID] = []
    with client:
        collection = client.collections.get(collection_name)
        started = time.monotonic()
        batch = getattr(collection.batch, mode)(deadline=4.0)
        with pytest.raises(errors.BatchDeadlineError) as info, batch:
            for i in range(3000):
                if i == 500:
                    grpc_proxy.blackhole(30.0)
                ids.append(batch.add_object({"n": i}, vector=[1.0, float(i % 13), 0.5]))
        took = time.monotonic() - started
    assert took < 4.0 + 8.0  # bounded by the deadline (plus one request's slack)
    failed = {e.object.uuid for e in info.value.failed}
    assert failed and set(info.value.errors) == {e.index for e in info.value.failed}
    assert all("deadline" in e.message for e in info.value.failed)
    # every object either landed or is listed: nothing is lost silently
    landed = {o.uuid for o in weaviate_client.collections.get(collection_name).iterator()}
    assert failed | landed >= set(ids)
    assert not (landed - set(ids))


def test_insert_many_deadline(
    weaviate_client: WeaviateClient, collection_name: str, proxies: tuple[FaultProxy, FaultProxy]
) -> None:
    _create(weaviate_client, collection_name)
    _, grpc_proxy = proxies
    client = _through(proxies, timeout=Timeout(batch=2.0))
    with client:
        data = client.collections.get(collection_name).data
        rows = [{"n": i} for i in range(300)]
        ok = data.insert_many(rows, batch_size=50, deadline=60)
        assert not ok.errors and len(ok.uuids) == 300
        with pytest.raises(errors.ConfigError):
            data.insert_many([{"n": 1}, 5], deadline=60)  # type: ignore[list-item]
        grpc_proxy.blackhole(30.0)
        started = time.monotonic()
        with pytest.raises(errors.BatchDeadlineError) as info:
            data.insert_many(rows, batch_size=50, deadline=3.0)
        assert time.monotonic() - started < 3.0 + 8.0
    assert sorted(info.value.errors) == list(range(300))  # none of them landed anew
    assert _count(weaviate_client, collection_name) == 300


def _free_ports(n: int) -> list[int]:
    from weavorm.server import free_port

    return [free_port() for _ in range(n)]


def test_sigkill_and_restart_idempotent_calls_and_session_commit_ride_it_out(
    tmp_path: Path,
) -> None:
    from weavorm import Model, Session
    from weavorm.config import Vectorizer
    from weavorm.schema import create_all
    from weavorm.server import WeaviateServer

    class RestartItem(Model):
        n: int

        class Meta:
            vectorizer = Vectorizer.none()
            id_fields = ("n",)

    http_port, grpc_port, gossip, data, raft = _free_ports(5)
    server = WeaviateServer(
        data_path=tmp_path / "node",
        http_port=http_port,
        grpc_port=grpc_port,
        gossip_port=gossip,
        data_port=data,
        raft_port=raft,
    )
    server.start()
    try:
        client = weavorm.connect(server.url, grpc_url=server.grpc_url)  # default retries
        with client:
            create_all(client, [RestartItem])
            with Session(client) as session:
                session.add_all(RestartItem(n=i, vector=[1.0, float(i), 0.0]) for i in range(50))
                session.commit()
            collection = client.collections.get("RestartItem")
            assert len(collection.query.fetch_objects(limit=100).objects) == 50

            assert server.pid is not None
            os.killpg(server.pid, signal.SIGKILL)
            server.stop(keep_data=True)
            killed = time.monotonic()
            ready: list[float] = []

            def restart() -> None:
                time.sleep(11.0)  # with the start-up: an outage of about 15 s
                server.start()
                ready.append(time.monotonic())

            restarter = threading.Thread(target=restart)
            restarter.start()
            results: dict[str, float] = {}

            def grpc_call() -> None:
                objects = collection.query.fetch_objects(limit=100).objects
                assert len(objects) >= 50  # the concurrent commit may have landed first
                results["grpc"] = time.monotonic()

            def rest_call() -> None:
                assert client.meta()["version"]
                results["rest"] = time.monotonic()

            def commit() -> None:
                with Session(client) as session:
                    session.add_all(
                        RestartItem(n=i, vector=[1.0, float(i), 0.0]) for i in range(50, 80)
                    )
                    session.commit()
                results["session"] = time.monotonic()

            callers = [threading.Thread(target=f) for f in (grpc_call, rest_call, commit)]
            for caller in callers:
                caller.start()
            for caller in callers:
                caller.join(90)
                assert not caller.is_alive(), "a call hung across the restart"
            restarter.join(90)
            assert ready, "the server did not come back"
            for kind in ("rest", "grpc", "session"):
                assert kind in results, f"{kind} call failed across the restart"
                after = results[kind] - ready[0]
                print(
                    f"RECOVERY sigkill+restart {kind}: answered {after:+.2f}s after the "
                    f"server was ready ({ready[0] - killed:.1f}s outage)"
                )
                assert after <= 2.0
            assert len(collection.query.fetch_objects(limit=100).objects) == 80
    finally:
        server.stop()
