"""collection.data against a real Weaviate server (sync and async)."""

from __future__ import annotations

import datetime as dt
import struct
import uuid
from array import array
from typing import Any

import pytest

from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.engine.types import (
    DataObject,
    DataReference,
    DataReferenceMulti,
    GeoCoordinate,
    PhoneNumber,
    ReferenceToMulti,
)
from weavorm.errors import ConfigError, NotFoundError, UnprocessableError

pytestmark = pytest.mark.integration

PROPERTIES: list[dict[str, Any]] = [
    {"name": "title", "dataType": ["text"]},
    {"name": "n", "dataType": ["int"]},
    {"name": "x", "dataType": ["number"]},
    {"name": "flag", "dataType": ["boolean"]},
    {"name": "when", "dataType": ["date"]},
    {"name": "u", "dataType": ["uuid"]},
    {"name": "geo", "dataType": ["geoCoordinates"]},
    {"name": "phone", "dataType": ["phoneNumber"]},
    {"name": "blob", "dataType": ["blob"]},
    {"name": "tags", "dataType": ["text[]"]},
    {"name": "ints", "dataType": ["int[]"]},
    {"name": "nums", "dataType": ["number[]"]},
    {"name": "flags", "dataType": ["boolean[]"]},
    {"name": "whens", "dataType": ["date[]"]},
    {"name": "uuids", "dataType": ["uuid[]"]},
    {
        "name": "meta",
        "dataType": ["object"],
        "nestedProperties": [
            {"name": "a", "dataType": ["text"]},
            {"name": "b", "dataType": ["int[]"]},
            {
                "name": "c",
                "dataType": ["object"],
                "nestedProperties": [{"name": "d", "dataType": ["number"]}],
            },
        ],
    },
    {
        "name": "items",
        "dataType": ["object[]"],
        "nestedProperties": [{"name": "a", "dataType": ["text"]}],
    },
]

WHEN = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


def _values() -> dict[str, Any]:
    return {
        "title": "hello",
        "n": 3,
        "x": 2.5,
        "flag": True,
        "when": WHEN,
        "u": uuid.UUID("11111111-1111-4111-8111-111111111111"),
        "geo": GeoCoordinate(52.5, 13.4),
        "phone": PhoneNumber("030 1234567", "DE"),
        "blob": b"\x00\x01binary",
        "tags": ["a", "b"],
        "ints": [1, 2, 3],
        "nums": [1.5, 2],
        "flags": [True, False],
        "whens": [dt.datetime(2024, 1, 2)],  # naive: taken as UTC
        "uuids": [uuid.UUID("22222222-2222-4222-8222-222222222222")],
        "meta": {"a": "x", "b": [1, 2], "c": {"d": 1.5}},
        "items": [{"a": "1"}, {"a": "2"}],
    }


EXPECTED = {
    "title": "hello",
    "n": 3,
    "x": 2.5,
    "flag": True,
    "when": "2024-01-02T03:04:05Z",
    "u": "11111111-1111-4111-8111-111111111111",
    "geo": {"latitude": 52.5, "longitude": 13.4},
    "blob": "AAFiaW5hcnk=",
    "tags": ["a", "b"],
    "ints": [1, 2, 3],
    "nums": [1.5, 2],
    "flags": [True, False],
    "whens": ["2024-01-02T00:00:00Z"],
    "uuids": ["22222222-2222-4222-8222-222222222222"],
    "meta": {"a": "x", "b": [1, 2], "c": {"d": 1.5}},
    "items": [{"a": "1"}, {"a": "2"}],
}


def _create(client: WeaviateClient, name: str, **extra: Any) -> Any:
    return client.collections.create_from_dict(
        {"class": name, "vectorizer": "none", "properties": PROPERTIES, **extra}
    )


def _get(
    client: WeaviateClient, name: str, uid: Any, *, tenant: str | None = None
) -> dict[str, Any] | None:
    params = {"include": "vector"}
    if tenant:
        params["tenant"] = tenant
    reply = client.raw.request(
        "GET", f"/v1/objects/{name}/{uid}", params=params, accept=frozenset({404})
    )
    return reply.json if reply.status == 200 else None


def _count(client: WeaviateClient, name: str) -> int:
    result = client.graphql_raw_query(f"{{Aggregate{{{name}{{meta{{count}}}}}}}}")
    return int(result.data["Aggregate"][name][0]["meta"]["count"])


def _assert_values(stored: dict[str, Any]) -> None:
    props = stored["properties"]
    for key, value in EXPECTED.items():
        assert props[key] == value, key
    assert props["phone"]["internationalFormatted"] == "+49 30 1234567"


def test_insert_exists_update_replace_delete(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    col = _create(weaviate_client, collection_name)
    uid = col.data.insert(_values(), vector=[0.1, 0.2, 0.3])
    assert isinstance(uid, uuid.UUID)
    assert col.data.exists(uid)
    stored = _get(weaviate_client, collection_name, uid)
    assert stored is not None
    _assert_values(stored)
    assert stored["vector"] == pytest.approx([0.1, 0.2, 0.3])

    col.data.update(uid, {"title": "patched"})
    stored = _get(weaviate_client, collection_name, uid)
    assert stored is not None
    assert stored["properties"]["title"] == "patched"
    assert stored["properties"]["n"] == 3  # merge keeps the rest

    col.data.replace(uid, {"title": "replaced"}, vector=array("f", [1.0, 1.0, 1.0]))
    stored = _get(weaviate_client, collection_name, uid)
    assert stored is not None
    assert stored["properties"] == {"title": "replaced"}
    assert stored["vector"] == [1.0, 1.0, 1.0]

    assert col.data.delete_by_id(uid) is True
    assert col.data.delete_by_id(uid) is False
    assert not col.data.exists(uid)


def test_insert_with_given_uuid_twice_is_refused(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    col = _create(weaviate_client, collection_name)
    uid = uuid.uuid4()
    assert col.data.insert({"title": "a"}, uuid=str(uid)) == uid
    with pytest.raises(UnprocessableError, match="already exists"):
        col.data.insert({"title": "b"}, uuid=uid)
    with pytest.raises(NotFoundError):
        col.data.update(uuid.uuid4(), {"title": "nobody"})


def test_insert_refuses_bad_input_before_sending(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    col = _create(weaviate_client, collection_name)
    with pytest.raises(ConfigError, match="reserved"):
        col.data.insert({"id": "x"})
    with pytest.raises(ConfigError, match="uuid"):
        col.data.insert({"title": "x"}, uuid="nope")
    assert _count(weaviate_client, collection_name) == 0


def test_insert_many_with_types_and_vectors(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    col = _create(weaviate_client, collection_name)
    given = uuid.uuid4()
    result = col.data.insert_many(
        [
            _values(),
            DataObject(_values(), uuid=given, vector=[1.0, 2.0, 3.0]),
            {"title": "plain"},
        ]
    )
    assert not result.has_errors, result.errors
    assert sorted(result.uuids) == [0, 1, 2]
    assert result.uuids[1] == given
    assert result.elapsed > 0
    stored = _get(weaviate_client, collection_name, result.uuids[0])
    assert stored is not None
    _assert_values(stored)
    stored = _get(weaviate_client, collection_name, given)
    assert stored is not None
    _assert_values(stored)
    assert stored["vector"] == [1.0, 2.0, 3.0]


def test_insert_many_two_invalid_among_fifty(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    col = _create(weaviate_client, collection_name)
    col.data.insert({"title": "seed"}, vector=[0.0, 0.0, 1.0])  # fixes the dimension at 3
    objects: list[Any] = [
        DataObject({"title": f"t{i}", "n": i}, vector=[1.0, float(i), 0.5]) for i in range(50)
    ]
    objects[13] = DataObject({"title": "bad type", "n": "thirteen"}, vector=[1.0, 1.0, 1.0])
    objects[41] = DataObject({"title": "bad vector", "n": 41}, vector=[1.0, 2.0, 3.0, 4.0])
    result = col.data.insert_many(objects, batch_size=20)
    assert sorted(result.errors) == [13, 41]
    assert "thirteen" in result.errors[13].message
    assert "requires an integer" in result.errors[13].message
    assert "dimensions do not match" in result.errors[41].message
    assert result.errors[41].object.index == 41
    assert len(result.uuids) == 48
    assert _count(weaviate_client, collection_name) == 49


def test_named_and_multi_vectors(weaviate_client: WeaviateClient, collection_name: str) -> None:
    col = weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "properties": [{"name": "title", "dataType": ["text"]}],
            "vectorConfig": {
                "title": {"vectorizer": {"none": {}}, "vectorIndexType": "hnsw"},
                "colbert": {
                    "vectorizer": {"none": {}},
                    "vectorIndexType": "hnsw",
                    "vectorIndexConfig": {"multivector": {"enabled": True}},
                },
            },
        }
    )
    vectors = {"title": [0.1, 0.2], "colbert": [[1.0, 2.0], [3.0, 4.0]]}
    one = col.data.insert({"title": "rest"}, vector=vectors)
    result = col.data.insert_many([DataObject({"title": "grpc"}, vector=vectors)])
    assert not result.has_errors, result.errors
    for uid in (one, result.uuids[0]):
        stored = _get(weaviate_client, collection_name, uid)
        assert stored is not None
        assert stored["vectors"]["title"] == pytest.approx([0.1, 0.2])
        assert stored["vectors"]["colbert"] == [[1.0, 2.0], [3.0, 4.0]]


def _reference_collections(client: WeaviateClient, name: str) -> tuple[Any, Any]:
    target = client.collections.create_from_dict(
        {
            "class": f"{name}Tgt",
            "vectorizer": "none",
            "properties": [{"name": "name", "dataType": ["text"]}],
        }
    )
    source = client.collections.create_from_dict(
        {
            "class": name,
            "vectorizer": "none",
            "properties": [
                {"name": "title", "dataType": ["text"]},
                {"name": "single", "dataType": [f"{name}Tgt"]},
                {"name": "multi", "dataType": [f"{name}Tgt", name]},
            ],
        }
    )
    return source, target


def _beacons(client: WeaviateClient, name: str, uid: Any, prop: str) -> list[str]:
    stored = _get(client, name, uid)
    assert stored is not None
    return [ref["beacon"] for ref in stored["properties"].get(prop) or []]


def test_references_add_replace_delete(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    source, target = _reference_collections(weaviate_client, collection_name)
    tgt = f"{collection_name}Tgt"
    t1 = target.data.insert({"name": "one"})
    t2 = target.data.insert({"name": "two"})
    src = source.data.insert(
        {"title": "src"}, references={"single": t1, "multi": ReferenceToMulti(t1, tgt)}
    )
    assert _beacons(weaviate_client, collection_name, src, "single") == [
        f"weaviate://localhost/{tgt}/{t1}"
    ]
    source.data.reference_add(src, "single", t2)
    source.data.reference_add(src, "multi", ReferenceToMulti(src, collection_name))
    assert _beacons(weaviate_client, collection_name, src, "single") == [
        f"weaviate://localhost/{tgt}/{t1}",
        f"weaviate://localhost/{tgt}/{t2}",
    ]
    assert _beacons(weaviate_client, collection_name, src, "multi") == [
        f"weaviate://localhost/{tgt}/{t1}",
        f"weaviate://localhost/{collection_name}/{src}",
    ]
    source.data.reference_delete(src, "single", t1)
    assert _beacons(weaviate_client, collection_name, src, "single") == [
        f"weaviate://localhost/{tgt}/{t2}"
    ]
    source.data.reference_replace(src, "multi", ReferenceToMulti([t2], tgt))
    assert _beacons(weaviate_client, collection_name, src, "multi") == [
        f"weaviate://localhost/{tgt}/{t2}"
    ]
    source.data.reference_replace(src, "single", [t1, t2])
    assert len(_beacons(weaviate_client, collection_name, src, "single")) == 2
    both = [ReferenceToMulti(t1, tgt), ReferenceToMulti(src, collection_name)]
    source.data.reference_replace(src, "multi", both)
    other = source.data.insert_many([DataObject({"title": "many"}, references={"multi": both})])
    assert not other.has_errors, other.errors
    for uid in (src, other.uuids[0]):
        assert sorted(_beacons(weaviate_client, collection_name, uid, "multi")) == sorted(
            [f"weaviate://localhost/{tgt}/{t1}", f"weaviate://localhost/{collection_name}/{src}"]
        )


def test_reference_add_many(weaviate_client: WeaviateClient, collection_name: str) -> None:
    source, target = _reference_collections(weaviate_client, collection_name)
    tgt = f"{collection_name}Tgt"
    t1 = target.data.insert({"name": "one"})
    t2 = target.data.insert({"name": "two"})
    src = source.data.insert({"title": "src"})
    result = source.data.reference_add_many(
        [
            DataReference(src, "single", [t1, t2]),
            DataReferenceMulti(src, "multi", src, target_collection=collection_name),
            DataReference(src, "missing", t1),
        ]
    )
    assert result.count == 4
    assert list(result.errors) == [3]
    assert "missing" in result.errors[3].message
    assert sorted(_beacons(weaviate_client, collection_name, src, "single")) == sorted(
        [f"weaviate://localhost/{tgt}/{t1}", f"weaviate://localhost/{tgt}/{t2}"]
    )
    assert _beacons(weaviate_client, collection_name, src, "multi") == [
        f"weaviate://localhost/{collection_name}/{src}"
    ]


def test_insert_many_split_into_several_requests(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    col = _create(weaviate_client, collection_name)
    events: list[Any] = []
    unsubscribe = weaviate_client.telemetry.subscribe(events.append)
    try:
        result = col.data.insert_many(
            [DataObject({"n": i}, vector=[0.1, 0.2, float(i)]) for i in range(2500)]
        )
    finally:
        unsubscribe()
    starts = [e for e in events if e.kind == "start" and e.target == "BatchObjects"]
    assert len(starts) > 1
    assert not result.has_errors
    assert sorted(result.uuids) == list(range(2500))
    assert _count(weaviate_client, collection_name) == 2500


def test_insert_many_split_by_message_size(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    _create(weaviate_client, collection_name)
    driver = weaviate_client._driver
    saved = driver.grpc_max_message_size
    driver.grpc_max_message_size = 64_000  # as if the server's GRPC_MAX_MESSAGE_SIZE were small
    try:
        col = weaviate_client.collections.get(collection_name)
        events: list[Any] = []
        unsubscribe = weaviate_client.telemetry.subscribe(events.append)
        try:
            vector = [0.5] * 1536  # ~6 KiB per object: ~10 fit in one request
            result = col.data.insert_many(
                [DataObject({"n": i}, vector=vector) for i in range(100)], batch_size=1000
            )
        finally:
            unsubscribe()
    finally:
        driver.grpc_max_message_size = saved
    starts = [e for e in events if e.kind == "start" and e.target == "BatchObjects"]
    assert len(starts) >= 10
    assert all(e.request_bytes is not None and e.request_bytes <= 64_000 for e in starts)
    assert not result.has_errors and len(result.uuids) == 100


def _filter_n_at_least(value: int) -> Any:
    from weavorm.engine.filters import Filter

    return Filter.by_property("n").greater_or_equal(value)


def test_delete_many_dry_run_and_verbose(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    col = _create(weaviate_client, collection_name)
    result = col.data.insert_many([{"n": i} for i in range(10)])
    assert not result.has_errors
    dry = col.data.delete_many(_filter_n_at_least(6), dry_run=True, verbose=True)
    assert (dry.matches, dry.successful, dry.failed) == (4, 4, 0)
    assert {o.uuid for o in dry.objects} == {result.uuids[i] for i in range(6, 10)}
    assert _count(weaviate_client, collection_name) == 10
    done = col.data.delete_many(_filter_n_at_least(8))
    assert (done.matches, done.successful, done.objects) == (2, 2, [])
    assert _count(weaviate_client, collection_name) == 8
    verbose = col.data.delete_many(_filter_n_at_least(6), verbose=True)
    assert verbose.successful == 2 and all(o.successful for o in verbose.objects)
    assert _count(weaviate_client, collection_name) == 6


def _create_tenants(client: WeaviateClient, name: str, *tenants: str) -> Any:
    col = client.collections.create_from_dict(
        {
            "class": name,
            "vectorizer": "none",
            "multiTenancyConfig": {"enabled": True},
            "properties": [
                {"name": "title", "dataType": ["text"]},
                {"name": "n", "dataType": ["int"]},
            ],
        }
    )
    client.raw.request("POST", f"/v1/schema/{name}/tenants", json=[{"name": t} for t in tenants])
    return col


def test_tenants_and_consistency(weaviate_client: WeaviateClient, collection_name: str) -> None:
    col = _create_tenants(weaviate_client, collection_name, "alpha", "beta")
    alpha = col.with_tenant("alpha").with_consistency_level("ONE")
    beta = col.with_tenant("beta")
    uid = alpha.data.insert({"title": "a", "n": 1})
    assert alpha.data.exists(uid)
    assert not beta.data.exists(uid)
    result = beta.data.insert_many([{"title": "b", "n": i} for i in range(5)])
    assert not result.has_errors and len(result.uuids) == 5
    stored = _get(weaviate_client, collection_name, result.uuids[0], tenant="beta")
    assert stored is not None and stored["tenant"] == "beta"
    with pytest.raises(UnprocessableError):
        col.data.insert({"title": "no tenant"})
    no_tenant = col.data.insert_many([{"title": "no tenant"}])
    assert list(no_tenant.errors) == [0]
    assert "tenant" in no_tenant.errors[0].message
    alpha.data.update(uid, {"title": "a2"})
    deleted = beta.data.delete_many(_filter_n_at_least(3))
    assert deleted.successful == 2
    assert alpha.data.delete_by_id(uid)


# -- async ---------------------------------------------------------------------------


async def test_async_data(async_weaviate_client: AsyncWeaviateClient, collection_name: str) -> None:
    client = async_weaviate_client
    col = await client.collections.create_from_dict(
        {"class": collection_name, "vectorizer": "none", "properties": PROPERTIES}
    )
    await col.data.insert({"title": "seed"}, vector=[0.0, 0.0, 1.0])
    uid = await col.data.insert(_values(), vector=[0.1, 0.2, 0.3])
    assert await col.data.exists(uid)
    await col.data.update(uid, {"title": "patched"})
    await col.data.replace(uid, {"title": "replaced"}, vector=[1.0, 1.0, 1.0])
    reply = await client.raw.request("GET", f"/v1/objects/{collection_name}/{uid}")
    assert reply.json["properties"] == {"title": "replaced"}

    objects: list[Any] = [
        DataObject({"title": f"t{i}", "n": i}, vector=[1.0, float(i), 0.5]) for i in range(50)
    ]
    objects[7] = DataObject({"n": "seven"}, vector=[1.0, 1.0, 1.0])
    objects[30] = DataObject({"n": 30}, vector=[1.0])
    result = await col.data.insert_many(objects, batch_size=16, concurrency=2)
    assert sorted(result.errors) == [7, 30]
    assert "seven" in result.errors[7].message
    assert "dimensions do not match" in result.errors[30].message
    assert len(result.uuids) == 48

    dry = await col.data.delete_many(_filter_n_at_least(45), dry_run=True)
    assert dry.matches == 5 and dry.objects == []
    assert await col.data.delete_by_id(uid)
    assert not await col.data.delete_by_id(uid)
    assert not await col.data.exists(uid)


async def test_async_references(
    async_weaviate_client: AsyncWeaviateClient, collection_name: str
) -> None:
    client = async_weaviate_client
    tgt = f"{collection_name}Tgt"
    target = await client.collections.create_from_dict(
        {"class": tgt, "vectorizer": "none", "properties": [{"name": "name", "dataType": ["text"]}]}
    )
    source = await client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "none",
            "properties": [{"name": "multi", "dataType": [tgt, collection_name]}],
        }
    )
    t1 = await target.data.insert({"name": "one"})
    src = await source.data.insert({})
    await source.data.reference_add(src, "multi", ReferenceToMulti(t1, tgt))
    many = await source.data.reference_add_many(
        [DataReferenceMulti(src, "multi", src, target_collection=collection_name)]
    )
    assert not many.has_errors
    await source.data.reference_delete(src, "multi", ReferenceToMulti(t1, tgt))
    reply = await client.raw.request("GET", f"/v1/objects/{collection_name}/{src}")
    assert [r["beacon"] for r in reply.json["properties"]["multi"]] == [
        f"weaviate://localhost/{collection_name}/{src}"
    ]
    await source.data.reference_replace(src, "multi", ReferenceToMulti([t1], tgt))
    reply = await client.raw.request("GET", f"/v1/objects/{collection_name}/{src}")
    assert [r["beacon"] for r in reply.json["properties"]["multi"]] == [
        f"weaviate://localhost/{tgt}/{t1}"
    ]


def test_vector_bytes_are_float32(weaviate_client: WeaviateClient, collection_name: str) -> None:
    col = _create(weaviate_client, collection_name)
    value = 0.1  # not exact in float32: what comes back is the float32 value
    uid = col.data.insert_many([DataObject({}, vector=[value, 1.0])]).uuids[0]
    stored = _get(weaviate_client, collection_name, uid)
    assert stored is not None
    assert stored["vector"][0] == pytest.approx(struct.unpack("<f", struct.pack("<f", value))[0])


def test_ingest_generator(weaviate_client: WeaviateClient, collection_name: str) -> None:
    col = _create(weaviate_client, collection_name)
    given = uuid.uuid4()

    def rows() -> Any:
        yield DataObject({"title": "first"}, uuid=given, vector=[0.1, 0.2, 0.3])
        for i in range(1, 500):
            yield {"title": f"row {i}", "n": i if i != 250 else "bad"}

    result = col.data.ingest(rows())
    assert list(result.errors) == [250]
    assert "requires an integer" in result.errors[250].message
    assert len(result.uuids) == 499 and result.uuids[0] == given
    assert _count(weaviate_client, collection_name) == 499


async def test_async_ingest(
    async_weaviate_client: AsyncWeaviateClient,
    weaviate_client: WeaviateClient,
    collection_name: str,
) -> None:
    col = await async_weaviate_client.collections.create_from_dict(
        {"class": collection_name, "vectorizer": "none", "properties": PROPERTIES}
    )
    result = await col.data.ingest({"n": i} for i in range(300))
    assert not result.has_errors and len(result.uuids) == 300
    assert _count(weaviate_client, collection_name) == 300
