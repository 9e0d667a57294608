"""client.batch and collection.batch against a real Weaviate server (sync and async)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.engine.batching.namespaces import (
    AsyncClientBatchNamespace,
    AsyncCollectionBatchNamespace,
    ClientBatchNamespace,
    CollectionBatchNamespace,
)
from weavorm.engine.types import ReferenceToMulti
from weavorm.errors import ConfigError

pytestmark = pytest.mark.integration

MODES = ["fixed_size", "dynamic", "rate_limit", "stream"]


def _client_batch(client: Any) -> Any:
    ns = getattr(client, "batch", None)
    if ns is not None:
        return ns
    if isinstance(client, WeaviateClient):
        return ClientBatchNamespace(client._driver)
    return AsyncClientBatchNamespace(client._driver)


def _collection_batch(col: Any) -> Any:
    ns = getattr(col, "batch", None)
    if ns is not None:
        return ns
    if hasattr(col, "__class__") and col.__class__.__name__ == "Collection":
        return CollectionBatchNamespace(col._driver, col._ctx)
    return AsyncCollectionBatchNamespace(col._driver, col._ctx)


def _start(ns: Any, mode: str, **options: Any) -> Any:
    if mode == "fixed_size":
        return ns.fixed_size(batch_size=20, concurrent_requests=2, **options)
    if mode == "rate_limit":
        return ns.rate_limit(requests_per_minute=60_000, **options)
    return getattr(ns, mode)(**options)


def _schema(name: str, target: str) -> dict[str, Any]:
    return {
        "class": name,
        "vectorizer": "none",
        "properties": [
            {"name": "title", "dataType": ["text"]},
            {"name": "n", "dataType": ["int"]},
            {"name": "single", "dataType": [name]},
            {"name": "multi", "dataType": [name, target]},
        ],
    }


def _target(name: str) -> dict[str, Any]:
    return {
        "class": name,
        "vectorizer": "none",
        "properties": [{"name": "label", "dataType": ["text"]}],
    }


def _count(client: WeaviateClient, name: str, tenant: str | None = None) -> int:
    tenant_arg = f'(tenant: "{tenant}")' if tenant else ""
    result = client.graphql_raw_query(f"{{Aggregate{{{name}{tenant_arg}{{meta{{count}}}}}}}}")
    assert not result.errors, result.errors
    return int(result.data["Aggregate"][name][0]["meta"]["count"])


def _beacons(client: WeaviateClient, name: str, uid: Any, prop: str) -> list[str]:
    reply = client.raw.request("GET", f"/v1/objects/{name}/{uid}")
    return sorted(ref["beacon"] for ref in reply.json["properties"].get(prop) or [])


def _seed(client: WeaviateClient, name: str) -> None:
    client.collections.get(name).data.insert({"title": "seed"}, vector=[0.0, 0.0, 1.0])


def _objects() -> list[dict[str, Any]]:
    """Fifty objects; 13 has a wrong data type, 41 a vector of the wrong length."""
    out = []
    for i in range(50):
        props: dict[str, Any] = {"title": f"t{i}", "n": i}
        vector = [1.0, float(i), 0.5]
        if i == 13:
            props["n"] = "thirteen"
        if i == 41:
            vector = [1.0, 2.0, 3.0, 4.0]
        out.append({"properties": props, "vector": vector})
    return out


def _check_outcome(batch: Any, ids: list[uuid.UUID]) -> None:
    failed = batch.failed_objects
    assert [e.index for e in failed] == [13, 41]
    assert "thirteen" in failed[0].message and "requires an integer" in failed[0].message
    assert "dimensions do not match" in failed[1].message
    assert failed[0].object.uuid == ids[13]
    result = batch.results.objs
    assert sorted(result.errors) == [13, 41]
    assert len(result.uuids) == 48
    assert all(result.uuids[i] == ids[i] for i in result.uuids)
    assert batch.result is result
    assert [e.message for e in batch.failed_references] == [batch.failed_references[0].message]
    assert batch.failed_references[0].reference.from_property == "nope"
    assert batch.results.refs.count == 4
    assert batch.number_errors == 3


@pytest.mark.parametrize("mode", MODES)
def test_client_batch_two_invalid_among_fifty(
    weaviate_client: WeaviateClient, collection_name: str, mode: str
) -> None:
    name, tgt = collection_name, f"{collection_name}Tgt"
    weaviate_client.collections.create_from_dict(_target(tgt))
    weaviate_client.collections.create_from_dict(_schema(name, tgt))
    _seed(weaviate_client, name)
    t1 = weaviate_client.collections.get(tgt).data.insert({"label": "x"})
    ns = _client_batch(weaviate_client)
    with _start(ns, mode) as batch:
        ids = [batch.add_object(name, o["properties"], vector=o["vector"]) for o in _objects()]
        batch.add_reference(ids[1], name, "single", ids[0])
        batch.add_reference(ids[2], name, "multi", ReferenceToMulti([t1], tgt))
        batch.add_reference(ids[2], name, "multi", ReferenceToMulti(ids[3], name))
        batch.add_reference(ids[1], name, "nope", ids[0])
    _check_outcome(batch, ids)
    assert ns.failed_objects == batch.failed_objects
    assert _count(weaviate_client, name) == 49
    assert _beacons(weaviate_client, name, ids[1], "single") == [
        f"weaviate://localhost/{name}/{ids[0]}"
    ]
    assert _beacons(weaviate_client, name, ids[2], "multi") == sorted(
        [f"weaviate://localhost/{tgt}/{t1}", f"weaviate://localhost/{name}/{ids[3]}"]
    )
    with pytest.raises(ConfigError, match="closed"):
        batch.add_object(name, {"title": "late"})


@pytest.mark.parametrize("mode", MODES)
def test_collection_batch_with_tenant(
    weaviate_client: WeaviateClient, collection_name: str, mode: str
) -> None:
    col = weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "none",
            "multiTenancyConfig": {"enabled": True},
            "properties": [
                {"name": "n", "dataType": ["int"]},
                {"name": "next", "dataType": [collection_name]},
            ],
        }
    )
    weaviate_client.raw.request(
        "POST", f"/v1/schema/{collection_name}/tenants", json=[{"name": "a"}, {"name": "b"}]
    )
    tenant_a = col.with_tenant("a").with_consistency_level("ONE")
    with _start(_collection_batch(tenant_a), mode) as batch:
        ids = [batch.add_object({"n": i}, vector=[0.1, float(i)]) for i in range(30)]
        batch.add_object({"n": "bad"})
        for i in range(1, 30):
            batch.add_reference(ids[i], "next", ids[i - 1])
    assert batch.number_errors == 1
    assert batch.failed_objects[0].index == 30
    assert batch.results.refs.count == 29
    assert _count(weaviate_client, collection_name, "a") == 30
    assert _count(weaviate_client, collection_name, "b") == 0
    reply = weaviate_client.raw.request(
        "GET", f"/v1/objects/{collection_name}/{ids[5]}", params={"tenant": "a"}
    )
    assert [r["beacon"] for r in reply.json["properties"]["next"]] == [
        f"weaviate://localhost/{collection_name}/{ids[4]}"
    ]


def test_batch_without_tenant_on_multi_tenant_collection_reports_errors(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "none",
            "multiTenancyConfig": {"enabled": True},
            "properties": [{"name": "n", "dataType": ["int"]}],
        }
    )
    weaviate_client.raw.request(
        "POST", f"/v1/schema/{collection_name}/tenants", json=[{"name": "a"}]
    )
    with _client_batch(weaviate_client).fixed_size(batch_size=5) as batch:
        for i in range(3):
            batch.add_object(collection_name, {"n": i}, tenant="a")
        batch.add_object(collection_name, {"n": 3})
    assert [e.index for e in batch.failed_objects] == [3]
    assert "tenant" in batch.failed_objects[0].message


def test_large_batch_is_split_and_indexed(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    weaviate_client.collections.create_from_dict(_schema(collection_name, collection_name))
    events: list[Any] = []
    unsubscribe = weaviate_client.telemetry.subscribe(events.append)
    ns = _client_batch(weaviate_client)
    try:
        with ns.dynamic() as batch:
            for i in range(3000):
                batch.add_object(collection_name, {"n": i}, vector=[0.1, 0.2, i / 3000])
    finally:
        unsubscribe()
    starts = [e for e in events if e.kind == "start" and e.target == "BatchObjects"]
    assert len(starts) > 1
    assert batch.number_errors == 0
    assert len(batch.results.objs.uuids) == 3000
    assert ns.wait_for_vector_indexing(timeout=60)
    assert _count(weaviate_client, collection_name) == 3000


def test_stream_batch_large(weaviate_client: WeaviateClient, collection_name: str) -> None:
    weaviate_client.collections.create_from_dict(_schema(collection_name, collection_name))
    events: list[Any] = []
    unsubscribe = weaviate_client.telemetry.subscribe(events.append)
    try:
        with _client_batch(weaviate_client).stream() as batch:
            for i in range(3000):
                batch.add_object(collection_name, {"n": i}, vector=[0.1, 0.2, i / 3000])
    finally:
        unsubscribe()
    assert batch.number_errors == 0
    assert len(batch.results.objs.uuids) == 3000
    assert {e.target for e in events if e.kind == "start"} == {"BatchStream"}
    assert [e.kind for e in events] == ["start", "stop"]
    assert _count(weaviate_client, collection_name) == 3000


def test_exception_in_block_still_sends_queued_objects(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    weaviate_client.collections.create_from_dict(_schema(collection_name, collection_name))
    with (
        pytest.raises(RuntimeError, match="parse error"),
        _client_batch(weaviate_client).fixed_size(batch_size=100) as batch,
    ):
        for i in range(10):
            batch.add_object(collection_name, {"n": i})
        raise RuntimeError("parse error")
    assert len(batch.results.objs.uuids) == 10
    assert _count(weaviate_client, collection_name) == 10


def test_flush_inside_block(weaviate_client: WeaviateClient, collection_name: str) -> None:
    col = weaviate_client.collections.create_from_dict(_schema(collection_name, collection_name))
    with _collection_batch(col).fixed_size(batch_size=100) as batch:
        first = batch.add_object({"n": 1})
        batch.flush()
        assert batch.results.objs.uuids == {0: first}
        assert _count(weaviate_client, collection_name) == 1
        batch.add_object({"n": 2})
    assert len(batch.results.objs.uuids) == 2


# -- async ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
async def test_async_client_batch_two_invalid_among_fifty(
    async_weaviate_client: AsyncWeaviateClient,
    weaviate_client: WeaviateClient,
    collection_name: str,
    mode: str,
) -> None:
    name, tgt = collection_name, f"{collection_name}Tgt"
    await async_weaviate_client.collections.create_from_dict(_target(tgt))
    await async_weaviate_client.collections.create_from_dict(_schema(name, tgt))
    _seed(weaviate_client, name)
    t1 = weaviate_client.collections.get(tgt).data.insert({"label": "x"})
    ns = _client_batch(async_weaviate_client)
    async with _start(ns, mode) as batch:
        ids = [
            await batch.add_object(name, o["properties"], vector=o["vector"]) for o in _objects()
        ]
        await batch.add_reference(ids[1], name, "single", ids[0])
        await batch.add_reference(ids[2], name, "multi", ReferenceToMulti([t1], tgt))
        await batch.add_reference(ids[2], name, "multi", ReferenceToMulti(ids[3], name))
        await batch.add_reference(ids[1], name, "nope", ids[0])
    _check_outcome(batch, ids)
    assert _count(weaviate_client, name) == 49


@pytest.mark.parametrize("mode", MODES)
async def test_async_collection_batch(
    async_weaviate_client: AsyncWeaviateClient,
    weaviate_client: WeaviateClient,
    collection_name: str,
    mode: str,
) -> None:
    col = await async_weaviate_client.collections.create_from_dict(
        _schema(collection_name, collection_name)
    )
    ns = _collection_batch(col)
    async with _start(ns, mode) as batch:
        ids = [await batch.add_object({"n": i}) for i in range(120)]
        await batch.add_object({"n": "x"})
        await batch.add_reference(ids[0], "single", ids[1])
    assert batch.number_errors == 1
    assert ns.failed_objects[0].index == 120
    assert batch.results.refs.count == 1
    assert await ns.wait_for_vector_indexing(timeout=60)
    assert _count(weaviate_client, collection_name) == 120
