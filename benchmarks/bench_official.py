"""Official ``weaviate-client`` side of the benchmarks (run by ``run.py``).

Usage: ``python benchmarks/bench_official.py BENCH --http-port P --grpc-port G --n N --out F``.
It imports only ``weaviate`` (weavorm could be imported too: its protobuf modules live in
a private descriptor pool) and creates and drops collections of its own.
"""

from __future__ import annotations

import struct
import sys
import uuid as uuid_lib
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common
import _lanes as lanes
import weaviate
from weaviate.classes.config import Configure, DataType, Property, ReferenceProperty
from weaviate.classes.query import Filter, QueryReference
from weaviate.collections.batch.grpc_batch import _BatchGRPC
from weaviate.collections.classes.batch import BatchObject, _BatchObject
from weaviate.collections.classes.data import DataObject
from weaviate.connect.v4 import ConnectionSync
from weaviate.proto.v1 import batch_pb2, search_get_pb2
from weaviate.util import _ServerVersion

BENCHMARKS = ["encode", "ingest", "query", "iterator", "concurrency"]
INGEST_MODES = ["batch_fixed", "batch_dynamic", "batch_stream", "insert_many"]
FIXED_BATCH_SIZE = 200
FIXED_CONCURRENCY = 2
ITERATOR_PAGE = 1000

PROPERTIES = [
    Property(name="title", data_type=DataType.TEXT),
    Property(name="body", data_type=DataType.TEXT),
    Property(name="count", data_type=DataType.INT),
    Property(name="price", data_type=DataType.NUMBER),
    Property(name="active", data_type=DataType.BOOL),
]


def connect(args: Any) -> weaviate.WeaviateClient:
    return weaviate.connect_to_local(
        host=args.http_host, port=args.http_port, grpc_port=args.grpc_port
    )


def recreate(client: weaviate.WeaviateClient, name: str, index: str = "hnsw") -> Any:
    client.collections.delete(name)
    index_config = Configure.VectorIndex.flat() if index == "flat" else None
    return client.collections.create(
        name,
        properties=PROPERTIES,
        vector_config=Configure.Vectors.self_provided(vector_index_config=index_config),
    )


def total(collection: Any) -> int:
    return int(collection.aggregate.over_all(total_count=True).total_count or 0)


# -- encode ----------------------------------------------------------------------------


def bench_encode(args: Any) -> dict[str, Any]:
    n = args.n
    props = common.rows(n)
    arr = common.vectors(n)
    lists = arr.tolist()
    numpy_rows = list(arr)
    collection = "BenchEncode"
    grpc = _BatchGRPC(_ServerVersion(1, 39, 3), None, None)
    pack_format = f"{common.DIM}f"

    def insert_many_path(vecs: list[Any]) -> Any:
        """What ``collection.data.insert_many(DataObject(...))`` does before sending."""

        def run() -> int:
            out = []
            for i, (p, v) in enumerate(zip(props, vecs, strict=True)):
                obj = _BatchObject(
                    collection=collection,
                    vector=v,
                    uuid=str(uuid_lib.uuid4()),
                    properties=p,
                    tenant=None,
                    references=None,
                    index=i,
                )
                out.append(grpc.grpc_object(obj))
            return len(out)

        return run

    def batch_path(vecs: list[Any]) -> Any:
        """What ``batch.add_object(...)`` and the batch's sender do per object."""

        def run() -> int:
            out = []
            for i, (p, v) in enumerate(zip(props, vecs, strict=True)):
                obj = BatchObject(
                    collection=collection,
                    properties=p,
                    references=None,
                    uuid=None,
                    vector=v,
                    tenant=None,
                    index=i,
                )
                out.append(grpc.grpc_object(obj._to_internal()))
            return len(out)

        return run

    def hand_built(vecs: list[Any], numpy: bool) -> Any:
        """The floor: messages built directly with the official client's proto classes."""
        make, props_of = batch_pb2.BatchObject, batch_pb2.BatchObject.Properties

        def run() -> int:
            out = []
            for p, v in zip(props, vecs, strict=True):
                packed = v.tobytes() if numpy else struct.pack(pack_format, *v)
                out.append(
                    make(
                        collection=collection,
                        uuid=str(uuid_lib.uuid4()),
                        vector_bytes=packed,
                        properties=props_of(non_ref_properties=p),
                    )
                )
            return len(out)

        return run

    r = args.repeats
    variants = {
        "batch_list": common.per_object_us(batch_path(lists), repeats=r),
        "batch_numpy": common.per_object_us(batch_path(numpy_rows), repeats=r),
        "insert_many_list": common.per_object_us(insert_many_path(lists), repeats=r),
        "insert_many_numpy": common.per_object_us(insert_many_path(numpy_rows), repeats=r),
        "hand_built_list": common.per_object_us(hand_built(lists, False), repeats=r),
        "hand_built_numpy": common.per_object_us(hand_built(numpy_rows, True), repeats=r),
    }
    return {"n": n, "variants": variants}


# -- ingest ----------------------------------------------------------------------------


def bench_ingest(args: Any) -> dict[str, Any]:
    n, mode = args.n, args.mode
    if mode not in INGEST_MODES:
        raise SystemExit(f"unknown ingest mode {mode!r}; choose from {INGEST_MODES}")
    props = common.rows(n)
    lists = common.vectors(n).tolist()
    name = "BenchIngestO"
    with connect(args) as client:
        collection = recreate(client, name, args.index)
        errors = 0
        if mode == "insert_many":
            data = [DataObject(properties=p, vector=v) for p, v in zip(props, lists, strict=True)]
            with common.stopwatch() as sw:
                result = collection.data.insert_many(data)
            errors = len(result.errors)
        else:
            batch_mode = {
                "batch_fixed": lambda: collection.batch.fixed_size(
                    FIXED_BATCH_SIZE, FIXED_CONCURRENCY
                ),
                "batch_dynamic": collection.batch.dynamic,
                "batch_stream": collection.batch.stream,
            }[mode]()
            with common.stopwatch() as sw, batch_mode as batch:
                for p, v in zip(props, lists, strict=True):
                    batch.add_object(properties=p, vector=v)
            errors = len(collection.batch.failed_objects)
        stored = total(collection)
        client.collections.delete(name)
    return {
        "n": n,
        "mode": mode,
        "seconds": sw["seconds"],
        "cpu_seconds": sw["cpu_seconds"],
        "objects_per_s": n / sw["seconds"],
        "errors": errors,
        "stored": stored,
    }


# -- query -----------------------------------------------------------------------------


def capture_requests(fns: dict[str, Any], inputs: int) -> dict[str, list[Any]]:
    """The gRPC request the official client sends for every kind and input (for the floor)."""
    captured: list[Any] = []
    original = ConnectionSync.grpc_search

    def spy(self: ConnectionSync, request: Any) -> Any:
        captured.append(request)
        return original(self, request)

    ConnectionSync.grpc_search = spy  # type: ignore[method-assign]
    try:
        out = {}
        for kind, fn in fns.items():
            captured.clear()
            for i in range(inputs):
                fn(i)
            if len(captured) != inputs:
                raise SystemExit(f"{kind}: captured {len(captured)} requests, not {inputs}")
            out[kind] = list(captured)
    finally:
        ConnectionSync.grpc_search = original  # type: ignore[method-assign]
    return out


def bench_query(args: Any) -> dict[str, Any]:
    """Load the collection, then answer the orchestrator's query blocks (stdin/stdout)."""
    n = args.n
    name = common.QUERY_COLLECTIONS["official"]
    q = common.query_inputs()
    vecs, texts, limits = q["vectors"], q["texts"], q["thresholds"]
    results: dict[str, Any] = {}
    with connect(args) as client:
        collection = recreate(client, name)
        props, arr = common.rows(n), common.vectors(n)
        data = [DataObject(properties=p, vector=v) for p, v in zip(props, arr, strict=True)]
        with common.stopwatch() as load:
            # in chunks: one 20k call can outlast the deadline on a loaded machine (HNSW)
            for start in range(0, n, common.LOAD_CHUNK):
                loaded = collection.data.insert_many(data[start : start + common.LOAD_CHUNK])
                if loaded.has_errors:
                    raise SystemExit(f"loading failed: {next(iter(loaded.errors.values()))}")
        ref_names = load_references(client, name)
        stub = common.raw_search(f"{args.http_host}:{args.grpc_port}", search_get_pb2.SearchReply)

        def build(target: str) -> common.Kinds:
            """The callables for collection ``target`` (this worker's or the other's)."""
            query = client.collections.get(target).query
            kinds: common.Kinds = {
                "near_vector": {"official": lambda i: query.near_vector(vecs[i], limit=10)},
                "bm25": {"official": lambda i: query.bm25(texts[i], limit=10)},
                "hybrid": {
                    "official": lambda i: query.hybrid(
                        texts[i], vector=vecs[i], alpha=0.5, limit=10
                    )
                },
                "fetch_filtered": {
                    "official": lambda i: query.fetch_objects(
                        filters=Filter.by_property("count").greater_than(limits[i]), limit=10
                    )
                },
            }
            kinds.update(reference_kinds(client, target))
            results[target] = {
                kind: {"official": len(fns["official"](0).objects)} for kind, fns in kinds.items()
            }
            requests = capture_requests({k: f["official"] for k, f in kinds.items()}, len(vecs))
            common.add_grpc_floor(kinds, requests, stub)
            return kinds

        common.serve_queries(build, len(vecs))
        client.collections.delete([name, *ref_names])
    return {"n": n, "load_seconds": load["seconds"], "results": results}


# -- references (a query kind) ------------------------------------------------------------


def load_references(client: weaviate.WeaviateClient, query_collection: str) -> list[str]:
    """Create and fill this worker's authors and articles (the same ids on both sides)."""
    author_name, article_name = common.REF_COLLECTIONS[query_collection]
    client.collections.delete([article_name, author_name])
    authors_col = client.collections.create(
        author_name,
        properties=[Property(name="name", data_type=DataType.TEXT)],
        vector_config=Configure.Vectors.self_provided(),
    )
    articles_col = client.collections.create(
        article_name,
        properties=PROPERTIES[:2],
        references=[ReferenceProperty(name="author", target_collection=author_name)],
        vector_config=Configure.Vectors.self_provided(),
    )
    authors, articles = common.reference_rows()
    res = authors_col.data.insert_many(
        [DataObject(properties=a["properties"], uuid=a["uuid"]) for a in authors]
    )
    res2 = articles_col.data.insert_many(
        [
            DataObject(
                properties=a["properties"], uuid=a["uuid"], references={"author": a["author"]}
            )
            for a in articles
        ]
    )
    if res.has_errors or res2.has_errors:
        raise SystemExit("loading the reference collections failed")
    return [article_name, author_name]


def reference_kinds(client: weaviate.WeaviateClient, query_collection: str) -> common.Kinds:
    """100 articles with their authors (``return_references``)."""
    _, article_name = common.REF_COLLECTIONS[query_collection]
    query = client.collections.get(article_name).query
    ref = QueryReference(link_on="author", return_properties=["name"])
    return {
        "references": {
            "official": lambda i: query.fetch_objects(
                limit=common.REF_ARTICLES, return_references=ref
            )
        }
    }


# -- concurrency ----------------------------------------------------------------------------


def bench_concurrency(args: Any) -> dict[str, Any]:
    """Query the weavorm worker's collection: threads on one client, tasks on an async one."""
    import asyncio

    vecs = common.query_inputs()["vectors"]
    name = common.CONCURRENCY_COLLECTION
    with connect(args) as client:
        query = client.collections.get(name).query

        def official_tasks(seconds: float) -> dict[str, Any]:
            async def main() -> dict[str, Any]:
                async with weaviate.use_async_with_local(
                    host=args.http_host, port=args.http_port, grpc_port=args.grpc_port
                ) as aclient:
                    aquery = aclient.collections.get(name).query
                    return await lanes.run_tasks(
                        lambda i: aquery.near_vector(vecs[i], limit=10),
                        common.CONCURRENCY_TASKS,
                        seconds,
                    )

            return asyncio.run(main())

        lanes.serve_lanes(
            {
                "official_threads": lanes.threads_lane(
                    lambda i: query.near_vector(vecs[i], limit=10), common.CONCURRENCY_THREADS
                ),
                "official_tasks": official_tasks,
            }
        )
    return {"n": args.n}


# -- iterator --------------------------------------------------------------------------


def bench_iterator(args: Any) -> dict[str, Any]:
    n = args.n
    name = "BenchIterO"
    with connect(args) as client:
        collection = recreate(client, name)
        props = common.rows(n)
        with common.stopwatch() as load:
            for start in range(0, n, 20_000):
                res = collection.data.insert_many(props[start : start + 20_000])
                if res.has_errors:
                    raise SystemExit(f"loading failed: {next(iter(res.errors.values()))}")
        del props
        stored = total(collection)
        variants = {
            "official": common.iterator_measure(
                lambda: iter(collection.iterator(cache_size=ITERATOR_PAGE)), stored
            ),
        }
        client.collections.delete(name)
    return {"n": n, "stored": stored, "load_seconds": load["seconds"], "variants": variants}


def main(argv: list[str] | None = None) -> None:
    args = common.worker_args(BENCHMARKS, argv)
    bench = {
        "encode": bench_encode,
        "ingest": bench_ingest,
        "query": bench_query,
        "iterator": bench_iterator,
        "concurrency": bench_concurrency,
    }[args.bench]
    result = bench(args)
    result["client"] = f"weaviate-client {weaviate.__version__}"
    if args.out:
        common.write_result(args.out, result)


if __name__ == "__main__":
    main()
