"""Issue 13: the circuit breaker against the real server, through the fault proxy.

The gRPC port is blackholed (silent) or refusing (nothing listening) while REST
works: the gRPC circuit opens after the configured failures, refuses calls in well
under 5 ms each while open, half-opens with one probe and closes once the fault has
ended; REST is unaffected; a 4xx never opens it; a Session commit that meets an open
circuit keeps every unsent object pending and a later commit stores each exactly once.

Figures are printed as ``CIRCUIT ...`` (run with ``-s``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

import weavorm
from weavorm import errors
from weavorm.engine import CircuitBreaker, RequestEvent, RetryPolicy, Timeout, WeaviateClient
from weavorm.testing.faultproxy import FaultProxy

pytestmark = pytest.mark.integration

FAST_FAIL_BOUND = 0.005  # seconds per refused call (the upper bound)


def _grpc_port(server: Any) -> int:
    return int(server.grpc_url.rsplit(":", 1)[1])


@pytest.fixture
def grpc_proxy(weaviate_server: Any) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", _grpc_port(weaviate_server), max_lifetime=120) as proxy:
        yield proxy


def _create(client: WeaviateClient, name: str) -> None:
    client.collections.create_from_dict(
        {"class": name, "vectorizer": "none", "properties": [{"name": "n", "dataType": ["int"]}]}
    )


def _count(client: WeaviateClient, name: str) -> int:
    result = client.graphql_raw_query(f"{{Aggregate{{{name}{{meta{{count}}}}}}}}")
    assert not result.errors, result.errors
    return int(result.data["Aggregate"][name][0]["meta"]["count"])


def _client(server: Any, proxy: FaultProxy, **options: Any) -> WeaviateClient:
    return weavorm.connect(server.url, grpc_url=proxy.address, **options)


class _Refusing:
    """Stops a proxy (its port refuses connections) and starts one again on that port."""

    def __init__(self, proxy: FaultProxy) -> None:
        self.proxy = proxy

    def start(self) -> None:
        self.proxy.stop()

    def end(self) -> FaultProxy:
        target_host, target_port = self.proxy.target
        self.proxy = FaultProxy(
            target_host, target_port, port=self.proxy.port, max_lifetime=120
        ).start()
        return self.proxy


@pytest.mark.parametrize("fault", ["blackhole", "refusing"])
def test_grpc_circuit_opens_fails_fast_probes_and_closes(
    weaviate_server: Any,
    weaviate_client: WeaviateClient,
    collection_name: str,
    grpc_proxy: FaultProxy,
    fault: str,
) -> None:
    _create(weaviate_client, collection_name)
    weaviate_client.collections.get(collection_name).data.insert({"n": 1})
    breaker = CircuitBreaker(failures=3, window=30.0, open_for=1.5)
    client = _client(
        weaviate_server,
        grpc_proxy,
        timeout=Timeout.coerce(0.5),
        retry=RetryPolicy.none(),
        circuit=breaker,
    )
    events: list[RequestEvent] = []
    client.telemetry.subscribe(events.append)
    refusing = _Refusing(grpc_proxy)
    try:
        with client:
            collection = client.collections.get(collection_name)
            assert collection.query.fetch_objects().objects
            if fault == "blackhole":
                grpc_proxy.blackhole(60.0)
            else:
                refusing.start()
            failures: list[str] = []
            for _ in range(breaker.failures):
                with pytest.raises(errors.TransportError) as info:
                    collection.query.fetch_objects()
                assert not isinstance(info.value, errors.CircuitOpenError)
                failures.append(type(info.value).__name__)
            opened = [e for e in events if e.kind == "circuit"]
            assert [(e.transport, e.status) for e in opened] == [("grpc", "open")]
            assert opened[0].target == grpc_proxy.address
            # open: refused at once, typed, naming the endpoint and until when
            worst = 0.0
            for _ in range(50):
                started = time.perf_counter()
                with pytest.raises(errors.CircuitOpenError) as refused:
                    collection.query.fetch_objects()
                worst = max(worst, time.perf_counter() - started)
            assert worst < FAST_FAIL_BOUND
            error = refused.value
            assert error.transport == "grpc" and error.endpoint == grpc_proxy.address
            assert grpc_proxy.address in str(error) and "UTC" in str(error)
            assert time.time() < error.until <= time.time() + breaker.open_for
            # REST is unaffected
            assert client.meta()["version"]
            assert client.collections.exists(collection_name)
            # the fault ends; the next call after open_for is the probe, and closes it
            if fault == "blackhole":
                grpc_proxy.pass_through()
            else:
                refusing.end()
            fault_end = time.monotonic()
            recovered = None
            while time.monotonic() - fault_end < 15:
                try:
                    assert collection.query.fetch_objects().objects
                except errors.TransportError:
                    time.sleep(0.02)
                    continue
                recovered = time.monotonic() - fault_end
                break
            assert recovered is not None, "the gRPC circuit never closed"
            states = [e.status for e in events if e.kind == "circuit"]
            assert states[0] == "open" and states[-2:] == ["half_open", "closed"]
            print(
                f"CIRCUIT {fault}: opened after {failures}, fast-fail worst "
                f"{worst * 1e6:.0f} us per call, back on gRPC {recovered:.2f} s after "
                f"the fault ended (open_for={breaker.open_for} s), states {states}"
            )
    finally:
        refusing.proxy.stop()


def test_error_answers_never_open_the_circuit(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    events: list[RequestEvent] = []
    breaker = CircuitBreaker(failures=2, window=30.0, open_for=30.0)
    client = weavorm.connect(
        weaviate_client._driver.config.http_url,
        grpc_url=weaviate_client._driver.config.grpc_target,
        circuit=breaker,
    )
    client.telemetry.subscribe(events.append)
    with client:
        missing = client.collections.get("NoSuchCollection" + collection_name)
        for _ in range(6):
            with pytest.raises(errors.ServerError):  # gRPC: the class does not exist
                missing.query.fetch_objects()
            with pytest.raises(errors.NotFoundError):  # REST 404
                missing.config.get()
        assert [e for e in events if e.kind == "circuit"] == []
        assert client.meta()["version"]


def test_session_commit_keeps_unsent_objects_pending_when_the_circuit_opens(
    weaviate_server: Any, weaviate_client: WeaviateClient, grpc_proxy: FaultProxy
) -> None:
    from weavorm import Model, Session
    from weavorm.config import Vectorizer
    from weavorm.schema import create_all

    class CircuitItem(Model):
        n: int

        class Meta:
            vectorizer = Vectorizer.none()
            id_fields = ("n",)

    n = 2_000
    client = _client(
        weaviate_server,
        grpc_proxy,
        timeout=Timeout(read=1.0, batch=1.0),
        retry=RetryPolicy.none(),
        circuit=CircuitBreaker(failures=1, window=30.0, open_for=60.0),
    )
    with client:
        create_all(client, [CircuitItem])
        session = Session(client)
        session.add_all(CircuitItem(n=i, vector=[1.0, float(i), 0.0]) for i in range(n))
        grpc_proxy.blackhole(60.0)
        with pytest.raises(errors.FlushError):
            session.commit()  # the batches time out; the circuit opens
        assert len(session.new) == n  # nothing acknowledged: everything pending
        started = time.perf_counter()
        with pytest.raises(errors.FlushError) as info:
            session.commit()  # now nothing is even sent
        refused_in = time.perf_counter() - started
        assert info.value.errors
        assert all("circuit" in message for message in info.value.errors.values())
        assert len(session.new) == n
        print(f"CIRCUIT session commit of {n} refused by the open circuit in {refused_in:.3f} s")
    grpc_proxy.pass_through()
    retry_client = _client(weaviate_server, grpc_proxy)
    with retry_client:
        session.client = retry_client
        session.commit()
        assert session.new == []
    assert _count(weaviate_client, "CircuitItem") == n  # 0 lost, 0 duplicated (ids fixed)
    session.close()


def test_session_commit_of_5000_runs_over_rest_while_grpc_is_blackholed(
    weaviate_server: Any, weaviate_client: WeaviateClient, grpc_proxy: FaultProxy
) -> None:
    from weavorm import Model, Session
    from weavorm.config import Vectorizer
    from weavorm.schema import create_all

    class OverRest(Model):
        n: int
        name: str
        score: float
        tags: list[str]

        class Meta:
            vectorizer = Vectorizer.none()
            id_fields = ("n",)

    class OverGrpc(Model):
        n: int
        name: str
        score: float
        tags: list[str]

        class Meta:
            vectorizer = Vectorizer.none()
            id_fields = ("n",)

    n = 5_000

    def rows(model: type[Any]) -> list[Any]:
        return [
            model(
                n=i,
                name=f"item {i}",
                score=i / 7,
                tags=[f"t{i % 3}", "all"],
                vector=[1.0, float(i), 0.5],
            )
            for i in range(n)
        ]

    create_all(weaviate_client, [OverRest, OverGrpc])
    started = time.perf_counter()
    with Session(weaviate_client) as session:
        session.add_all(rows(OverGrpc))
        session.commit()
    grpc_seconds = time.perf_counter() - started

    events: list[RequestEvent] = []
    client = _client(
        weaviate_server,
        grpc_proxy,
        timeout=Timeout(read=1.0, batch=10.0),
        circuit=CircuitBreaker(failures=2, window=30.0, open_for=30.0),
        grpc_fallback="rest",
    )
    client.telemetry.subscribe(events.append)
    with client:
        grpc_proxy.blackhole(60.0)
        started = time.perf_counter()
        with Session(client) as session:
            session.add_all(rows(OverRest))
            session.commit()
            assert session.new == []
        rest_seconds = time.perf_counter() - started
    assert [e.status for e in events if e.kind == "circuit"] == ["open"]
    assert any(e.target == "POST /v1/batch/objects" and e.kind == "stop" for e in events)
    assert _count(weaviate_client, "OverRest") == n  # 0 lost, 0 duplicated (fixed ids)
    assert _count(weaviate_client, "OverGrpc") == n

    def stored(name: str) -> dict[int, tuple[Any, ...]]:
        collection = weaviate_client.collections.get(name)
        out: dict[int, tuple[Any, ...]] = {}
        for obj in collection.iterator(include_vector=True):
            p = obj.properties
            out[p["n"]] = (obj.uuid, p["name"], p["score"], sorted(p["tags"]), obj.vector)
        return out

    over_rest, over_grpc = stored("OverRest"), stored("OverGrpc")
    assert len(over_rest) == n
    for i in (0, 1, 2, 999, n - 1):
        rest_row, grpc_row = over_rest[i], over_grpc[i]
        assert rest_row[1:] == grpc_row[1:]  # same properties and vectors
    assert {k: v[1:] for k, v in over_rest.items()} == {k: v[1:] for k, v in over_grpc.items()}
    print(
        f"CIRCUIT session commit of {n}: gRPC {grpc_seconds:.2f} s ({n / grpc_seconds:.0f}/s); "
        f"REST fallback with gRPC blackholed {rest_seconds:.2f} s ({n / rest_seconds:.0f}/s, "
        "including the 10 s batch timeouts that opened the circuit)"
    )


def test_doctor_reports_the_data_path(weaviate_server: Any) -> None:
    import subprocess
    import sys

    from weavorm.server import free_port

    def doctor(grpc_url: str) -> str:
        args = ["doctor", "--url", weaviate_server.url, "--grpc-url", grpc_url, "--timeout", "2"]
        out = subprocess.run(
            [sys.executable, "-m", "weavorm", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        return out.stdout

    assert "data path: gRPC (searches, aggregates and batches): the gRPC circuit to" in doctor(
        weaviate_server.grpc_url
    )
    port = free_port()
    report = doctor(f"127.0.0.1:{port}")  # nothing listens there
    assert (
        f"data path: REST fallback: the gRPC circuit to 127.0.0.1:{port} is open: "
        "unreachable at connect (ConnectError)"
    ) in report
    assert "grpc_fallback='rest'" in report and "NoFallbackError" in report
    assert "[FAIL] gRPC health" in report and "verdict: NOT OK" in report


async def test_async_client_with_grpc_refused_at_connect_runs_over_rest(
    weaviate_server: Any, weaviate_client: WeaviateClient, collection_name: str
) -> None:
    from weavorm.engine import DataObject, Filter, Rerank
    from weavorm.server import free_port

    _create(weaviate_client, collection_name)
    client = weavorm.connect_async(
        weaviate_server.url,
        grpc_url=f"127.0.0.1:{free_port()}",  # nothing listens: gRPC refused
        retry=RetryPolicy(max_attempts=3, budget=5.0),
        circuit=CircuitBreaker(failures=2, window=30.0, open_for=30.0),
        grpc_fallback="rest",
    )
    async with client:  # its gRPC health check finds gRPC refused: the circuit opens
        collection = client.collections.get(collection_name)
        assert (await collection.query.fetch_objects()).objects == []  # over GraphQL
        started = time.perf_counter()
        with pytest.raises(errors.NoFallbackError) as info:  # no REST form: refused at once
            await collection.query.near_vector([1.0], rerank=Rerank(prop="n", query="x"))
        assert time.perf_counter() - started < FAST_FAIL_BOUND
        assert info.value.operation == "query.near_vector" and info.value.feature == "rerank"
        result = await collection.data.insert_many(
            [DataObject(properties={"n": i}, uuid=uuid_for(i)) for i in range(20)]
        )
        assert not result.errors
        where = Filter.by_property("n").less_than(5) | Filter.by_property("n").equal(19)
        dry = await collection.data.delete_many(where, dry_run=True, verbose=True)
        assert (dry.matches, dry.successful) == (6, 0)
        assert sorted(str(o.uuid) for o in dry.objects) == sorted(
            uuid_for(i) for i in (0, 1, 2, 3, 4, 19)
        )
        deleted = await collection.data.delete_many(where)
        assert (deleted.matches, deleted.successful, deleted.failed) == (6, 6, 0)
        assert await collection.data.delete_by_id(uuid_for(7))
        assert not await collection.data.delete_by_id(uuid_for(7))
        assert (await collection.aggregate.over_all(total_count=True)).total_count == 13
    assert _count(weaviate_client, collection_name) == 13


def uuid_for(i: int) -> str:
    import uuid

    return str(uuid.UUID(int=i + 1))
