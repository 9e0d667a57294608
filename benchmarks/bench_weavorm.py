"""weavorm side of the benchmarks (run by ``run.py`` with weavorm's own venv).

Usage: ``python benchmarks/bench_weavorm.py BENCH --http-port P --grpc-port G --n N --out F``.
Each benchmark creates the collections it needs and drops them again.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as common
import _lanes as lanes

import weavorm
from weavorm import Model, Ref, Session
from weavorm._proto.v1 import search_get_pb2
from weavorm.config import VectorIndex, Vectorizer
from weavorm.engine import DataObject, Filter, QueryReference, WeaviateClient
from weavorm.engine._transport.grpc import GrpcTransport
from weavorm.engine.batching.requests import PendingObjects
from weavorm.odm.persist import data_object
from weavorm.schema import create_all, drop_all

BENCHMARKS = ["encode", "ingest", "memory", "query", "iterator", "concurrency"]
INGEST_MODES = ["session", "insert_many", "batch_fixed", "batch_dynamic", "batch_stream"]
#: The fixed-size batch settings, the same for both clients.
FIXED_BATCH_SIZE = 200
FIXED_CONCURRENCY = 2
#: Objects per page of every iterator.
ITERATOR_PAGE = 1000


def doc_model(collection: str, index: str = "hnsw") -> type[Model]:
    """A model of the benchmark shape (five properties, self-provided vector)."""
    name = collection
    vector_index_config = VectorIndex.flat() if index == "flat" else None

    class Doc(Model):
        title: str
        body: str
        count: int
        price: float
        active: bool

        class Meta:
            vectorizer = Vectorizer.none()
            collection = name
            vector_index = vector_index_config

    return Doc


def connect(args: Any) -> WeaviateClient:
    return weavorm.connect(
        f"http://{args.http_host}:{args.http_port}", grpc_url=f"{args.http_host}:{args.grpc_port}"
    )


def recreate(client: WeaviateClient, model: type[Model]) -> None:
    drop_all(client, [model])
    create_all(client, [model])


def total(client: WeaviateClient, collection: str) -> int:
    result = client.collections.get(collection).aggregate.over_all(total_count=True)
    return int(result.total_count or 0)


# -- encode ----------------------------------------------------------------------------


def bench_encode(args: Any) -> dict[str, Any]:
    n = args.n
    props = common.rows(n)
    arr = common.vectors(n)
    lists = arr.tolist()
    numpy_rows = list(arr)
    model = doc_model("BenchEncode")
    collection = model.collection_name()

    start = time.perf_counter()
    models_list = [model(**p, vector=v) for p, v in zip(props, lists, strict=True)]
    construct_list = (time.perf_counter() - start) / n * 1e6
    start = time.perf_counter()
    models_numpy = [model(**p, vector=v) for p, v in zip(props, numpy_rows, strict=True)]
    construct_numpy = (time.perf_counter() - start) / n * 1e6

    def from_models(objs: list[Model]) -> Any:
        def run() -> int:
            pending = PendingObjects()
            add = pending.add
            for i, obj in enumerate(objs):
                d = data_object(obj)
                add(
                    i,
                    collection,
                    d.properties,
                    uuid=d.uuid,
                    vector=d.vector,
                    references=d.references,
                )
            return len(pending)

        return run

    def from_dicts(vecs: list[Any]) -> Any:
        def run() -> int:
            pending = PendingObjects()
            add = pending.add
            for i, (p, v) in enumerate(zip(props, vecs, strict=True)):
                add(i, collection, p, vector=v)
            return len(pending)

        return run

    r = args.repeats
    variants = {
        "model_list": common.per_object_us(from_models(models_list), repeats=r),
        "model_numpy": common.per_object_us(from_models(models_numpy), repeats=r),
        "dict_list": common.per_object_us(from_dicts(lists), repeats=r),
        "dict_numpy": common.per_object_us(from_dicts(numpy_rows), repeats=r),
    }
    info = {
        "model_construct_list_us": construct_list,
        "model_construct_numpy_us": construct_numpy,
        "model_vector_type_after_numpy_input": type(models_numpy[0].vector).__name__,
    }
    return {"n": n, "variants": variants, "info": info}


# -- ingest ----------------------------------------------------------------------------


def bench_ingest(args: Any) -> dict[str, Any]:
    n, mode = args.n, args.mode
    if mode not in INGEST_MODES:
        raise SystemExit(f"unknown ingest mode {mode!r}; choose from {INGEST_MODES}")
    props = common.rows(n)
    lists = common.vectors(n).tolist()
    model = doc_model("BenchIngestW", args.index)
    name = model.collection_name()
    with connect(args) as client:
        recreate(client, model)
        collection = client.collections.get(name)
        errors = 0
        commit_seconds = None
        if mode == "session":
            objs = [model(**p, vector=v) for p, v in zip(props, lists, strict=True)]
            with common.stopwatch() as sw, Session(client) as session:
                started = time.perf_counter()
                session.add_all(objs)
                session.commit()
                commit_seconds = time.perf_counter() - started
        elif mode == "insert_many":
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
                    batch.add_object(p, vector=v)
            errors = batch.number_errors
        stored = total(client, name)
        drop_all(client, [model])
    return {
        "n": n,
        "mode": mode,
        "seconds": sw["seconds"],
        "cpu_seconds": sw["cpu_seconds"],
        "objects_per_s": n / sw["seconds"],
        "errors": errors,
        "stored": stored,
        # add_all + commit only, without leaving the ``with Session`` block
        "commit_seconds": commit_seconds,
    }


# -- session memory --------------------------------------------------------------------


def rss_bytes() -> int:
    """The process's resident set size now (Linux ``/proc/self/statm``)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def bench_memory(args: Any) -> dict[str, Any]:
    """RSS of the objects, and of a session tracking them after a commit, per 100,000."""
    n = args.n
    props = common.rows(n)
    lists = common.vectors(n).tolist()
    model = doc_model("BenchMemoryW", "flat")
    with connect(args) as client:
        recreate(client, model)
        gc.collect()
        base = rss_bytes()
        objs = [model(**p, vector=v) for p, v in zip(props, lists, strict=True)]
        del props, lists
        gc.collect()
        built = rss_bytes()
        session = Session(client)
        session.add_all(objs)
        session.commit()  # every object is now persistent: identity map + snapshot
        gc.collect()
        tracked = rss_bytes()
        assert len(list(session)) == n
        session.close()
        drop_all(client, [model])
    per = 100_000 / n
    return {
        "n": n,
        "objects_mib_per_100k": (built - base) * per / 2**20,
        "session_mib_per_100k": (tracked - built) * per / 2**20,
        "total_mib_per_100k": (tracked - base) * per / 2**20,
    }


# -- query -----------------------------------------------------------------------------


def capture_requests(fns: dict[str, Any], inputs: int) -> dict[str, list[Any]]:
    """The gRPC request the engine sends for every kind and input (for the floor)."""
    captured: list[Any] = []
    original = GrpcTransport.call_once

    def spy(self: GrpcTransport, call: Any, timeout: float) -> Any:
        captured.append(call.request)
        return original(self, call, timeout)

    GrpcTransport.call_once = spy  # type: ignore[method-assign]
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
        GrpcTransport.call_once = original  # type: ignore[method-assign]
    return out


def bench_query(args: Any) -> dict[str, Any]:
    """Load the collection, then answer the orchestrator's query blocks (stdin/stdout)."""
    n = args.n
    model = doc_model(common.QUERY_COLLECTIONS["weavorm"])
    q = common.query_inputs()
    vecs, texts, limits = q["vectors"], q["texts"], q["thresholds"]
    results: dict[str, Any] = {}
    with connect(args) as client:
        recreate(client, model)
        collection = client.collections.get(model.collection_name())
        props, arr = common.rows(n), common.vectors(n)
        data = [DataObject(properties=p, vector=v) for p, v in zip(props, arr, strict=True)]
        with common.stopwatch() as load:
            # in chunks: one 20k call can outlast the deadline on a loaded machine (HNSW)
            for start in range(0, n, common.LOAD_CHUNK):
                loaded = collection.data.insert_many(data[start : start + common.LOAD_CHUNK])
                if loaded.has_errors:
                    raise SystemExit(f"loading failed: {next(iter(loaded.errors.values()))}")
        ref_models = load_references(client, model.collection_name())
        stub = common.raw_search(f"{args.http_host}:{args.grpc_port}", search_get_pb2.SearchReply)

        def build(name: str) -> common.Kinds:
            """The callables for collection ``name`` (this worker's or the other's)."""
            query = client.collections.get(name).query
            objects = doc_model(name).objects.using(client)
            kinds: common.Kinds = {
                "near_vector": {
                    "engine": lambda i: query.near_vector(vecs[i], limit=10),
                    "odm": lambda i: list(objects.near_vector(vecs[i]).limit(10)),
                },
                "bm25": {
                    "engine": lambda i: query.bm25(texts[i], limit=10),
                    "odm": lambda i: list(objects.bm25(texts[i]).limit(10)),
                },
                "hybrid": {
                    # alpha given explicitly: the ODM's default is 0.5 (DESIGN.md)
                    "engine": lambda i: query.hybrid(texts[i], vector=vecs[i], alpha=0.5, limit=10),
                    "odm": lambda i: list(objects.hybrid(texts[i], vector=vecs[i]).limit(10)),
                },
                "fetch_filtered": {
                    "engine": lambda i: query.fetch_objects(
                        filters=Filter.by_property("count").greater_than(limits[i]), limit=10
                    ),
                    "odm": lambda i: list(objects.filter(count__gt=limits[i]).limit(10)),
                },
            }
            kinds.update(reference_kinds(client, name))
            results[name] = {
                kind: {"engine": len(fns["engine"](0).objects), "odm": len(fns["odm"](0))}
                for kind, fns in kinds.items()
            }
            requests = capture_requests({k: f["engine"] for k, f in kinds.items()}, len(vecs))
            common.add_grpc_floor(kinds, requests, stub)
            return kinds

        common.serve_queries(build, len(vecs))
        drop_all(client, [model, *ref_models])
    return {"n": n, "load_seconds": load["seconds"], "results": results}


# -- references (a query kind) ------------------------------------------------------------


def reference_models(query_collection: str) -> tuple[type[Model], type[Model]]:
    """Author and Article models of the reference collections paired with a query one."""
    author_name, article_name = common.REF_COLLECTIONS[query_collection]

    class Author(Model):
        name: str

        class Meta:
            vectorizer = Vectorizer.none()
            collection = author_name

    class Article(Model):
        title: str
        body: str
        author: Ref[Author] | None = None

        class Meta:
            vectorizer = Vectorizer.none()
            collection = article_name

    return Author, Article


def load_references(client: WeaviateClient, query_collection: str) -> list[type[Model]]:
    """Create and fill this worker's authors and articles (the same ids on both sides)."""
    author, article = reference_models(query_collection)
    drop_all(client, [article, author])
    create_all(client, [author, article])
    authors, articles = common.reference_rows()
    res = client.collections.get(author.collection_name()).data.insert_many(
        [DataObject(properties=a["properties"], uuid=a["uuid"]) for a in authors]
    )
    res2 = client.collections.get(article.collection_name()).data.insert_many(
        [
            DataObject(
                properties=a["properties"], uuid=a["uuid"], references={"author": a["author"]}
            )
            for a in articles
        ]
    )
    if res.has_errors or res2.has_errors:
        raise SystemExit("loading the reference collections failed")
    return [article, author]


def reference_kinds(client: WeaviateClient, query_collection: str) -> common.Kinds:
    """100 articles with their authors: engine return_references, ODM select_related."""
    _, article = reference_models(query_collection)
    query = client.collections.get(article.collection_name()).query
    objects = article.objects.using(client)
    ref = QueryReference("author", return_properties=["name"])
    return {
        "references": {
            "engine": lambda i: query.fetch_objects(
                limit=common.REF_ARTICLES, return_references=ref
            ),
            "odm": lambda i: list(objects.select_related("author").limit(common.REF_ARTICLES)),
        }
    }


# -- concurrency ----------------------------------------------------------------------------


def bench_concurrency(args: Any) -> dict[str, Any]:
    """Load the shared collection, then answer run.py's lane commands (stdin/stdout)."""
    import asyncio

    n = args.n
    model = doc_model(common.CONCURRENCY_COLLECTION)
    vecs = common.query_inputs()["vectors"]
    target = f"{args.http_host}:{args.grpc_port}"
    with connect(args) as client:
        recreate(client, model)
        collection = client.collections.get(model.collection_name())
        props, arr = common.rows(n), common.vectors(n)
        data = [DataObject(properties=p, vector=v) for p, v in zip(props, arr, strict=True)]
        for start in range(0, n, common.LOAD_CHUNK):
            loaded = collection.data.insert_many(data[start : start + common.LOAD_CHUNK])
            if loaded.has_errors:
                raise SystemExit(f"loading failed: {next(iter(loaded.errors.values()))}")
        query = collection.query
        objects = model.objects.using(client)
        requests = capture_requests(
            {"near_vector": lambda i: query.near_vector(vecs[i], limit=10)}, len(vecs)
        )["near_vector"]

        def engine_tasks(seconds: float) -> dict[str, Any]:
            async def main() -> dict[str, Any]:
                async with weavorm.connect_async(
                    f"http://{args.http_host}:{args.http_port}", grpc_url=target
                ) as aclient:
                    aquery = aclient.collections.get(model.collection_name()).query
                    return await lanes.run_tasks(
                        lambda i: aquery.near_vector(vecs[i], limit=10),
                        common.CONCURRENCY_TASKS,
                        seconds,
                    )

            return asyncio.run(main())

        def odm_tasks(seconds: float) -> dict[str, Any]:
            async def main() -> dict[str, Any]:
                async with weavorm.connect_async(
                    f"http://{args.http_host}:{args.http_port}", grpc_url=target
                ) as aclient:
                    aobjects = model.objects.using(aclient)
                    return await lanes.run_tasks(
                        lambda i: aobjects.near_vector(vecs[i]).limit(10).alist(),
                        common.CONCURRENCY_TASKS,
                        seconds,
                    )

            return asyncio.run(main())

        threads, tasks = common.CONCURRENCY_THREADS, common.CONCURRENCY_TASKS
        reply = search_get_pb2.SearchReply
        lanes.serve_lanes(
            {
                "limit_threads": lanes.replay_threads_lane(target, requests, reply, threads),
                "engine_threads": lanes.threads_lane(
                    lambda i: query.near_vector(vecs[i], limit=10), threads
                ),
                "odm_threads": lanes.threads_lane(
                    lambda i: list(objects.near_vector(vecs[i]).limit(10)), threads
                ),
                "limit_tasks": lanes.replay_tasks_lane(target, requests, reply, tasks),
                "engine_tasks": engine_tasks,
                "odm_tasks": odm_tasks,
            }
        )
        drop_all(client, [model])
    return {"n": n}


# -- iterator --------------------------------------------------------------------------


def bench_iterator(args: Any) -> dict[str, Any]:
    n = args.n
    model = doc_model("BenchIterW")
    name = model.collection_name()
    with connect(args) as client:
        recreate(client, model)
        collection = client.collections.get(name)
        props = common.rows(n)
        with common.stopwatch() as load:
            for start in range(0, n, 20_000):
                res = collection.data.insert_many(props[start : start + 20_000])
                if res.has_errors:
                    raise SystemExit(f"loading failed: {next(iter(res.errors.values()))}")
        del props
        stored = total(client, name)
        objects = model.objects.using(client)
        variants = {
            "engine": common.iterator_measure(
                lambda: collection.iterator(cache_size=ITERATOR_PAGE), stored
            ),
            "odm": common.iterator_measure(
                lambda: objects.iterator(chunk_size=ITERATOR_PAGE), stored
            ),
        }
        drop_all(client, [model])
    return {"n": n, "stored": stored, "load_seconds": load["seconds"], "variants": variants}


def main(argv: list[str] | None = None) -> None:
    args = common.worker_args(BENCHMARKS, argv)
    bench = {
        "encode": bench_encode,
        "ingest": bench_ingest,
        "memory": bench_memory,
        "query": bench_query,
        "iterator": bench_iterator,
        "concurrency": bench_concurrency,
    }[args.bench]
    result = bench(args)
    result["client"] = f"weavorm {weavorm.__version__}"
    if args.out:
        common.write_result(args.out, result)


if __name__ == "__main__":
    main()
