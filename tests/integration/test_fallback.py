"""Issue 13: ``grpc_fallback="rest"`` against the real server, gRPC refused or blackholed.

The same queries run over gRPC (a client with a working gRPC port) and over the
REST/GraphQL fallback (a client whose gRPC port refuses, or is blackholed through the
fault proxy), and their results are compared value for value. Telemetry says which
path served each call (``transport`` of the stop events). Then the fault ends and
the client goes back to gRPC once its circuit closes.

Figures are printed as ``FALLBACK ...`` (run with ``-s``).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

import weavorm
from weavorm import errors
from weavorm.engine import (
    CircuitBreaker,
    DataObject,
    DataReference,
    Filter,
    GroupBy,
    MetadataQuery,
    Metrics,
    QueryNested,
    QueryReference,
    RequestEvent,
    Rerank,
    Sort,
    Timeout,
    WeaviateClient,
)
from weavorm.server import free_port
from weavorm.testing.faultproxy import FaultProxy

pytestmark = pytest.mark.integration

FAST_FAIL_BOUND = 0.005  # seconds per refused call (the upper bound)
N = 40


def _uid(i: int) -> str:
    return str(uuid.UUID(int=i + 1))


def _author_uid(i: int) -> str:
    return str(uuid.UUID(int=10_000 + i))


class _Paths:
    """Counts which transport served the data calls (telemetry stop events)."""

    def __init__(self, client: Any) -> None:
        self.events: list[RequestEvent] = []
        client.telemetry.subscribe(self.events.append)

    def clear(self) -> None:
        self.events.clear()

    def served(self) -> set[str]:
        return {
            f"{e.transport} {e.target}"
            for e in self.events
            if e.kind == "stop" and e.target not in ("Check", "GET /v1/meta")
        }


@pytest.fixture
def dataset(weaviate_client: WeaviateClient, collection_name: str) -> Iterator[str]:
    author = collection_name + "Author"
    weaviate_client.collections.create_from_dict(
        {
            "class": author,
            "vectorizer": "none",
            "properties": [
                {"name": "name", "dataType": ["text"], "tokenization": "field"},
                {"name": "born", "dataType": ["int"]},
            ],
        }
    )
    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "none",
            "invertedIndexConfig": {"indexTimestamps": True},
            "properties": [
                {"name": "title", "dataType": ["text"]},
                {"name": "n", "dataType": ["int"]},
                {"name": "score", "dataType": ["number"]},
                {"name": "ok", "dataType": ["boolean"]},
                {"name": "when", "dataType": ["date"]},
                {"name": "ref_id", "dataType": ["uuid"]},
                {"name": "tags", "dataType": ["text[]"], "tokenization": "field"},
                {"name": "counts", "dataType": ["int[]"]},
                {"name": "weights", "dataType": ["number[]"]},
                {
                    "name": "info",
                    "dataType": ["object"],
                    "nestedProperties": [
                        {"name": "k", "dataType": ["text"]},
                        {
                            "name": "inner",
                            "dataType": ["object"],
                            "nestedProperties": [{"name": "m", "dataType": ["int"]}],
                        },
                    ],
                },
                {"name": "author", "dataType": [author]},
            ],
        }
    )
    authors = weaviate_client.collections.get(author)
    result = authors.data.insert_many(
        [
            DataObject(properties={"name": f"author {i}", "born": 1900 + i}, uuid=_author_uid(i))
            for i in range(3)
        ]
    )
    assert not result.errors
    words = ["apple pie", "banana split", "cherry tart", "apple crumble", "plum jam"]
    items = weaviate_client.collections.get(collection_name)
    result = items.data.insert_many(
        [
            DataObject(
                properties={
                    "title": f"{words[i % 5]} number {i}",
                    "n": i,
                    "score": i / 4 if i % 3 else float(i),
                    "ok": i % 2 == 0,
                    "when": datetime(2024, 1, 1 + i % 28, 12, 30, i % 60, tzinfo=timezone.utc),
                    "ref_id": _author_uid(i),
                    "tags": [f"t{i % 3}", "all"],
                    "counts": [i, i * 2],
                    "weights": [i / 2, 1.0],
                    "info": {"k": f"k{i}", "inner": {"m": i}},
                },
                uuid=_uid(i),
                vector=[1.0, float(i) / N, (i % 7) / 7.0],
                references={"author": _author_uid(i % 3)},
            )
            for i in range(N)
        ]
    )
    assert not result.errors
    yield collection_name


def _rest_client(server: Any, **options: Any) -> WeaviateClient:
    return weavorm.connect(
        server.url,
        grpc_url=f"127.0.0.1:{free_port()}",  # nothing listens: gRPC refused
        grpc_fallback="rest",
        **options,
    )


def _queries(client: WeaviateClient, name: str) -> dict[str, Any]:
    c = client.collections.get(name)
    meta = MetadataQuery(distance=True, creation_time=True, last_update_time=True)
    out: dict[str, Any] = {}
    out["fetch_all"] = c.query.fetch_objects(limit=100)
    out["fetch_by_id"] = c.query.fetch_object_by_id(_uid(7), include_vector=True)
    out["fetch_missing"] = c.query.fetch_object_by_id(_uid(9999))
    out["filter_int"] = c.query.fetch_objects(
        filters=Filter.by_property("n").greater_than(30) & Filter.by_property("ok").equal(True)
    )
    out["filter_text_number"] = c.query.fetch_objects(
        filters=Filter.by_property("title").like("apple*")
        | Filter.by_property("score").less_than(1)
    )
    out["filter_date"] = c.query.fetch_objects(
        filters=Filter.by_property("when").greater_or_equal(
            datetime(2024, 1, 20, tzinfo=timezone.utc)
        )
    )
    out["filter_array"] = c.query.fetch_objects(
        filters=Filter.by_property("tags").contains_any(["t1"])
        & Filter.by_property("counts").contains_any([4, 6, 8])
    )
    out["filter_id_time"] = c.query.fetch_objects(
        filters=Filter.by_id().contains_any([_uid(1), _uid(2)])
        & Filter.by_creation_time().greater_than(datetime(2000, 1, 1, tzinfo=timezone.utc))
    )
    out["filter_ref"] = c.query.fetch_objects(
        filters=Filter.by_ref("author").by_property("name").equal("author 1")
    )
    out["sort_page"] = c.query.fetch_objects(
        sort=Sort.by_property("score", ascending=False), limit=5, offset=3
    )
    out["after"] = c.query.fetch_objects(after=_uid(10), limit=4)
    out["props_nested_refs"] = c.query.fetch_objects(
        limit=5,
        return_properties=["title", QueryNested(name="info", properties=["k"])],
        return_references=QueryReference(link_on="author", return_properties=["name"]),
        return_metadata=meta,
    )
    out["near_vector"] = c.query.near_vector(
        [1.0, 0.5, 0.2], limit=6, return_metadata=MetadataQuery(distance=True, certainty=True)
    )
    out["near_vector_distance"] = c.query.near_vector(
        [1.0, 0.5, 0.2], distance=0.01, include_vector=True, return_metadata=meta
    )
    out["near_object"] = c.query.near_object(
        _uid(3), limit=5, return_metadata=MetadataQuery(distance=True)
    )
    out["bm25"] = c.query.bm25(
        "apple", limit=10, return_metadata=MetadataQuery(score=True, explain_score=True)
    )
    out["bm25_props_filter"] = c.query.bm25(
        "apple pie",
        query_properties=["title"],
        filters=Filter.by_property("n").less_than(20),
        return_metadata=MetadataQuery(score=True),
    )
    out["hybrid"] = c.query.hybrid(
        "banana", vector=[1.0, 0.2, 0.1], alpha=0.5, limit=8, return_metadata=["score"]
    )
    out["hybrid_ranked"] = c.query.hybrid(
        "cherry",
        vector=[0.5, 0.5, 0.5],
        fusion_type="FUSION_TYPE_RANKED",
        limit=5,
        return_metadata=["score"],
    )
    out["autocut"] = c.query.bm25("plum", auto_limit=1, return_metadata=["score"])
    out["group_by"] = c.query.near_vector(
        [1.0, 0.5, 0.2],
        limit=20,
        group_by=GroupBy(prop="ok", number_of_groups=2, objects_per_group=3),
        return_metadata=MetadataQuery(distance=True),
    )
    out["count"] = c.aggregate.over_all(total_count=True)
    out["metrics"] = c.aggregate.over_all(
        return_metrics=[
            Metrics("n").integer(sum_=True, mean=True, minimum=True, maximum=True, median=True),
            Metrics("score").number(mean=True, maximum=True, mode=True),
            Metrics("ok").boolean(total_true=True, percentage_true=True),
            Metrics("tags").text(top_occurrences_count=True, top_occurrences_value=True),
            Metrics("when").date_(minimum=True, maximum=True, count=True),
        ]
    )
    out["aggregate_filtered"] = c.aggregate.over_all(
        filters=Filter.by_property("n").less_than(10),
        return_metrics=Metrics("n").integer(count=True, sum_=True),
    )
    out["group_by"] = c.aggregate.over_all(
        group_by="ok", return_metrics=Metrics("n").integer(sum_=True, maximum=True)
    )
    out["aggregate_near_vector"] = c.aggregate.near_vector(
        [1.0, 0.5, 0.2], object_limit=5, return_metrics=Metrics("n").integer(sum_=True)
    )
    return out


def _same(got: Any, expected: Any, key: str) -> None:
    """``got == expected``, failing on the first differing object (readable)."""
    objects = getattr(expected, "objects", None)
    for obj in [*(objects or []), *getattr(got, "objects", [])]:
        if obj.metadata.explain_score:  # built from a Go map: its order varies per call
            obj.metadata.explain_score = ",".join(sorted(obj.metadata.explain_score.split(",")))
    if objects is not None and got != expected:
        assert [o.uuid for o in got.objects] == [o.uuid for o in objects], key
        for mine, theirs in zip(got.objects, objects, strict=True):
            assert mine.properties == theirs.properties, (key, mine.uuid)
            assert mine.metadata == theirs.metadata, (key, mine.uuid)
            assert mine.vector == theirs.vector, (key, mine.uuid)
            assert mine.references == theirs.references, (key, mine.uuid)
            assert mine == theirs, (key, mine.uuid)
    groups = getattr(expected, "groups", None)
    if isinstance(groups, list):  # groups of equal size come in any order
        assert sorted(map(repr, got.groups)) == sorted(map(repr, groups)), key
        return
    if got != expected:
        print("GOT", got)
        print("EXPECTED", expected)
    assert got == expected, key


def test_queries_over_rest_equal_the_grpc_results(
    weaviate_server: Any, weaviate_client: WeaviateClient, dataset: str
) -> None:
    over_grpc = _queries(weaviate_client, dataset)
    client = _rest_client(weaviate_server)
    paths = _Paths(client)
    with client:
        assert client._driver.data_path()[0] == "rest"
        over_rest = _queries(client, dataset)
    assert paths.served() <= {"http GET /v1/schema/" + dataset, "http POST /v1/graphql"} | {
        f"http GET /v1/schema/{dataset}Author"
    }
    assert "http POST /v1/graphql" in paths.served()
    assert over_rest.keys() == over_grpc.keys()
    for key, expected in over_grpc.items():
        _same(over_rest[key], expected, key)
    assert over_grpc["fetch_all"].objects and len(over_grpc["fetch_all"].objects) == N
    assert over_grpc["filter_ref"].objects
    assert over_grpc["near_vector_distance"].objects
    assert over_grpc["props_nested_refs"].objects[0].references["author"].objects


def _grpc_port(server: Any) -> int:
    return int(server.grpc_url.rsplit(":", 1)[1])


def _count(client: WeaviateClient, name: str) -> int:
    result = client.graphql_raw_query(f"{{Aggregate{{{name}{{meta{{count}}}}}}}}")
    assert not result.errors, result.errors
    return int(result.data["Aggregate"][name][0]["meta"]["count"])


def _odm_queries(client: WeaviateClient, item: Any) -> dict[str, Any]:
    from weavorm.odm import Count, Max, Sum

    items = item.objects.using(client)

    def rows(qs: Any) -> list[Any]:
        return [(o.id, o.model_dump(mode="json"), o.meta.distance, o.meta.score) for o in qs]

    return {
        "filter": rows(items.filter(n__gte=4990, tags__contains_any=["t1"]).order_by("-n")),
        "exclude_slice": rows(items.exclude(n__lt=100).order_by("score")[10:15]),
        "near_vector": rows(items.near_vector([1.0, 0.25, 0.5]).limit(7)),
        "bm25": rows(items.bm25("item 42").limit(5)),
        "hybrid": rows(items.hybrid("item 7", vector=[1.0, 0.1, 0.5], alpha=0.5).limit(5)),
        "count": items.count(),
        "count_filtered": items.filter(n__lt=1234).count(),
        "aggregate": items.filter(n__lt=100).aggregate(
            n=Count(), total=Sum("n"), high=Max("score")
        ),
        "select_related": [
            (o.id, o.author.name if o.author is not None else None)
            for o in items.filter(n__lt=6).select_related("author").order_by("n")
        ],
        "get": items.get(n=17).model_dump(mode="json"),
    }


def test_odm_session_commit_and_queries_over_rest_then_back_to_grpc(
    weaviate_server: Any, weaviate_client: WeaviateClient
) -> None:
    from weavorm import Model, Ref, Session
    from weavorm.config import Vectorizer
    from weavorm.schema import create_all

    class FbAuthor(Model):
        name: str

        class Meta:
            vectorizer = Vectorizer.none()
            id_fields = ("name",)

    class FbItem(Model):
        n: int
        name: str
        score: float
        tags: list[str]
        author: Ref[FbAuthor] | None = None

        class Meta:
            vectorizer = Vectorizer.none()
            id_fields = ("n",)

    class FbItemGrpc(Model):
        n: int
        name: str
        score: float
        tags: list[str]
        author: Ref[FbAuthor] | None = None

        class Meta:
            vectorizer = Vectorizer.none()
            id_fields = ("n",)

    n = 5_000
    authors = [FbAuthor(name=f"author {i}") for i in range(5)]

    def rows(model: type[Any]) -> list[Any]:
        return [
            model(
                n=i,
                name=f"item {i}",
                score=i / 7,
                tags=[f"t{i % 3}", "all"],
                author=authors[i % 5],
                vector=[1.0, i / n, (i % 11) / 11],
            )
            for i in range(n)
        ]

    create_all(weaviate_client, [FbAuthor, FbItem, FbItemGrpc])
    started = time.perf_counter()
    with Session(weaviate_client) as session:
        session.add_all(authors)
        session.add_all(rows(FbItemGrpc))
        session.commit()
    grpc_seconds = time.perf_counter() - started

    breaker = CircuitBreaker(failures=3, window=30.0, open_for=1.0)
    with FaultProxy("127.0.0.1", _grpc_port(weaviate_server), max_lifetime=300) as proxy:
        proxy.blackhole(300.0)
        client = weavorm.connect(
            weaviate_server.url,
            grpc_url=proxy.address,
            timeout=Timeout(connect=1.0, read=5.0, batch=10.0),
            circuit=breaker,
            grpc_fallback="rest",
        )
        paths = _Paths(client)
        circuit_events: list[RequestEvent] = []
        client.telemetry.subscribe(
            lambda e: circuit_events.append(e) if e.kind == "circuit" else None
        )
        with client:
            assert client._driver.data_path()[0] == "rest"  # the health check at connect
            started = time.perf_counter()
            with Session(client) as session:
                session.add_all(rows(FbItem))
                session.commit()
                assert session.new == []
            rest_seconds = time.perf_counter() - started
            served = paths.served()
            assert "http POST /v1/batch/objects" in served
            assert "http POST /v1/batch/references" in served
            assert not any(s.startswith("grpc") for s in served)
            assert _count(weaviate_client, "FbItem") == n  # 0 lost, 0 duplicated (fixed ids)
            paths.clear()
            over_rest = _odm_queries(client, FbItem)
            assert not any(s.startswith("grpc") for s in paths.served())
            assert "http POST /v1/graphql" in paths.served()
            # no REST form: a typed error naming the operation, at once
            took: list[float] = []
            for _ in range(20):
                began = time.perf_counter()
                with pytest.raises(errors.NoFallbackError) as info:
                    client.collections.get("FbItem").query.near_vector(
                        [1.0, 0.0, 0.0], rerank=Rerank(prop="name", query="x")
                    )
                took.append(time.perf_counter() - began)
            worst, mean = max(took), sum(took) / len(took)
            assert info.value.operation == "query.near_vector"
            assert "rerank" in str(info.value) and isinstance(info.value, errors.TransportError)
            with pytest.raises(errors.NoFallbackError, match="group_by with certainty"):
                FbItem.objects.using(client).near_vector([1.0, 0.0, 0.0]).group_by(
                    "n", groups=2, per_group=1
                ).groups()  # the ODM asks for metadata GraphQL's grouped hits lack
            # the fault ends: the half-open probe succeeds and calls go over gRPC again
            proxy.pass_through()
            healed = time.monotonic()
            back: float | None = None
            while time.monotonic() - healed < 20:
                paths.clear()
                FbItem.objects.using(client).filter(n=3).count()
                if any(s.startswith("grpc Aggregate") for s in paths.served()):
                    back = time.monotonic() - healed
                    break
                time.sleep(0.05)
            assert back is not None, "the client never returned to gRPC"
            assert client._driver.data_path()[0] == "grpc"
            paths.clear()
            over_grpc_after = _odm_queries(client, FbItem)
            assert not any(s.startswith("http POST /v1/graphql") for s in paths.served())
            states = [e.status for e in circuit_events]
            assert states[-2:] == ["half_open", "closed"]
    over_grpc = _odm_queries(weaviate_client, FbItem)
    for key, expected in over_grpc.items():
        assert over_rest[key] == expected, key
        assert over_grpc_after[key] == expected, key
    assert over_grpc["count"] == n and len(over_grpc["select_related"]) == 6
    assert all(name is not None for _, name in over_grpc["select_related"])

    def stored(name: str) -> dict[int, tuple[Any, ...]]:
        collection = weaviate_client.collections.get(name)
        out: dict[int, tuple[Any, ...]] = {}
        refs = QueryReference(link_on="author", return_properties=["name"])
        for obj in collection.iterator(include_vector=True, return_references=refs):
            p = obj.properties
            authors = [a.properties["name"] for a in obj.references["author"].objects]
            out[p["n"]] = (p["name"], p["score"], sorted(p["tags"]), obj.vector, authors)
        return out

    over_rest_rows = stored("FbItem")
    assert over_rest_rows == stored("FbItemGrpc")
    assert all(len(row[4]) == 1 for row in over_rest_rows.values())  # no reference twice
    print(
        f"FALLBACK session commit of {n} objects + {n} references: gRPC {grpc_seconds:.2f} s "
        f"({n / grpc_seconds:.0f} objects/s); REST fallback, gRPC blackholed "
        f"{rest_seconds:.2f} s ({n / rest_seconds:.0f} objects/s); unsupported call refused "
        f"in {mean * 1e6:.0f} us on average, {worst * 1e6:.0f} us worst; "
        f"back on gRPC {back:.2f} s after the fault ended "
        f"(open_for={breaker.open_for} s); circuit states while healing {states}"
    )
    assert mean < FAST_FAIL_BOUND  # per call (the worst is printed: the machine is shared)


def _tenant_queries(client: WeaviateClient, name: str) -> dict[str, Any]:
    base = client.collections.get(name)
    out: dict[str, Any] = {"tenants": base.tenants.get()}
    for tenant in ("a", "b"):
        c = base.with_tenant(tenant).with_consistency_level("QUORUM")
        out[f"{tenant} fetch"] = c.query.fetch_objects(limit=50)
        out[f"{tenant} near_vector"] = c.query.near_vector(
            [1.0, 0.5], limit=3, return_metadata=MetadataQuery(distance=True)
        )
        out[f"{tenant} count"] = c.aggregate.over_all(total_count=True).total_count
    return out


def test_tenants_consistency_and_reference_writes_over_rest(
    weaviate_server: Any, weaviate_client: WeaviateClient, collection_name: str
) -> None:
    weaviate_client.collections.create_from_dict(
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
    weaviate_client.collections.get(collection_name).tenants.create(["a", "b"])
    client = _rest_client(weaviate_server)
    paths = _Paths(client)
    with client:
        for k, tenant in enumerate(("a", "b")):
            c = client.collections.get(collection_name).with_tenant(tenant)
            result = c.data.insert_many(
                [
                    DataObject(properties={"n": i}, uuid=_uid(i), vector=[1.0, i / 10])
                    for i in range(5 + k)
                ]
            )
            assert not result.errors
            refs = c.data.reference_add_many(
                [
                    DataReference(from_property="next", from_uuid=_uid(i), to_uuid=_uid(i + 1))
                    for i in range(3)
                ]
            )
            assert not refs.errors
        over_rest = _tenant_queries(client, collection_name)
    served = paths.served()
    assert "http POST /v1/batch/references" in served and "http POST /v1/graphql" in served
    assert f"http GET /v1/schema/{collection_name}/tenants" in served
    assert not any(s.startswith("grpc") for s in served)
    assert over_rest == _tenant_queries(weaviate_client, collection_name)
    assert over_rest["a count"] == 5 and over_rest["b count"] == 6
    linked = (
        weaviate_client.collections.get(collection_name)
        .with_tenant("b")
        .query.fetch_object_by_id(_uid(0), return_references=QueryReference(link_on="next"))
    )
    assert linked is not None
    assert [o.uuid for o in linked.references["next"].objects] == [uuid.UUID(_uid(1))]


def test_named_vectors_over_rest_equal_grpc(
    weaviate_server: Any, weaviate_client: WeaviateClient, collection_name: str
) -> None:
    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "properties": [{"name": "title", "dataType": ["text"]}],
            "vectorConfig": {
                "a": {"vectorizer": {"none": {}}, "vectorIndexType": "hnsw"},
                "b": {"vectorizer": {"none": {}}, "vectorIndexType": "flat"},
            },
        }
    )
    items = weaviate_client.collections.get(collection_name)
    result = items.data.insert_many(
        [
            DataObject(
                properties={"title": f"doc {i} {'red' if i % 2 else 'blue'}"},
                uuid=_uid(i),
                vector={"a": [1.0, i / 10], "b": [0.5, 1.0 - i / 10, 0.25]},
            )
            for i in range(10)
        ]
    )
    assert not result.errors

    def queries(client: WeaviateClient) -> dict[str, Any]:
        c = client.collections.get(collection_name)
        meta = MetadataQuery(distance=True)
        return {
            "all_vectors": c.query.fetch_objects(include_vector=True),
            "one_vector": c.query.fetch_objects(include_vector=["b"]),
            "near_a": c.query.near_vector(
                [1.0, 0.3], target_vector="a", limit=4, return_metadata=meta
            ),
            "near_b": c.query.near_vector(
                [0.5, 0.5, 0.25], target_vector="b", limit=4, return_metadata=meta
            ),
            "near_object_b": c.query.near_object(
                _uid(2), target_vector="b", limit=3, return_metadata=meta
            ),
            "hybrid_a": c.query.hybrid(
                "red", vector=[1.0, 0.6], target_vector="a", limit=4, return_metadata=["score"]
            ),
            "by_id": c.query.fetch_object_by_id(_uid(4), include_vector=True),
        }

    expected = queries(weaviate_client)
    client = _rest_client(weaviate_server)
    paths = _Paths(client)
    with client:
        got = queries(client)
    assert not any(s.startswith("grpc") for s in paths.served())
    for key, value in expected.items():
        _same(got[key], value, key)
    assert set(expected["all_vectors"].objects[0].vector) == {"a", "b"}
    assert set(expected["one_vector"].objects[0].vector) == {"b"}


async def test_async_client_returns_to_grpc_when_the_fault_ends(
    weaviate_server: Any, weaviate_client: WeaviateClient, collection_name: str
) -> None:
    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "none",
            "properties": [{"name": "n", "dataType": ["int"]}],
        }
    )
    weaviate_client.collections.get(collection_name).data.insert_many(
        [DataObject(properties={"n": i}, uuid=_uid(i), vector=[1.0, i]) for i in range(5)]
    )
    with FaultProxy("127.0.0.1", _grpc_port(weaviate_server), max_lifetime=120) as proxy:
        proxy.blackhole(120.0)
        client = weavorm.connect_async(
            weaviate_server.url,
            grpc_url=proxy.address,
            timeout=Timeout(connect=1.0, read=5.0),
            circuit=CircuitBreaker(failures=3, window=30.0, open_for=0.5),
            grpc_fallback="rest",
        )
        paths = _Paths(client)
        async with client:
            c = client.collections.get(collection_name)
            expected = weaviate_client.collections.get(collection_name).query.fetch_objects()
            assert await c.query.fetch_objects() == expected
            assert "http POST /v1/graphql" in paths.served()
            proxy.pass_through()
            served: set[str] = set()
            for _ in range(200):
                paths.clear()
                assert await c.query.fetch_objects() == expected
                served = paths.served()
                if "grpc Search" in served:
                    break
                await asyncio.sleep(0.05)
            assert "grpc Search" in served and client._driver.data_path()[0] == "grpc"


def test_near_text_with_a_vectorizer_over_rest_equals_grpc(
    weaviate_server: Any, weaviate_client: WeaviateClient, collection_name: str
) -> None:
    from weavorm.engine.options import HybridVector, Move

    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "text2vec-transformers",
            "properties": [
                {"name": "title", "dataType": ["text"]},
                {"name": "kind", "dataType": ["text"], "tokenization": "field"},
            ],
        }
    )
    rows = [
        ("a red sports car", "car"),
        ("a fast red racing car", "car"),
        ("a green garden salad", "food"),
        ("fresh vegetable soup", "food"),
    ]
    result = weaviate_client.collections.get(collection_name).data.insert_many(
        [
            DataObject(properties={"title": t, "kind": k}, uuid=_uid(i))
            for i, (t, k) in enumerate(rows)
        ]
    )
    assert not result.errors

    def queries(client: WeaviateClient) -> dict[str, Any]:
        c = client.collections.get(collection_name)
        meta = MetadataQuery(distance=True, certainty=True)
        return {
            "near_text": c.query.near_text("red car", limit=3, return_metadata=meta),
            "near_text_moved": c.query.near_text(
                "red car",
                limit=3,
                move_to=Move(0.8, concepts="salad soup"),
                move_away=Move(0.2, objects=[_uid(0)]),
                return_metadata=meta,
            ),
            "hybrid_near_text": c.query.hybrid(
                "car",
                vector=HybridVector.near_text("vegetable soup"),
                alpha=0.7,
                limit=3,
                return_metadata=["score"],
            ),
            "hybrid_text_only": c.query.hybrid("soup", limit=3, return_metadata=["score"]),
            "aggregate_near_text": c.aggregate.near_text(
                "red car", object_limit=2, return_metrics=Metrics("kind").text()
            ),
        }

    expected = queries(weaviate_client)
    client = _rest_client(weaviate_server)
    paths = _Paths(client)
    with client:
        got = queries(client)
    assert not any(s.startswith("grpc") for s in paths.served())
    for key, value in expected.items():
        _same(got[key], value, key)
    assert expected["near_text"].objects[0].properties["kind"] == "car"
