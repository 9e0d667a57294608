"""Search operations and the query/generate namespaces, run on a scripted driver."""

from __future__ import annotations

import inspect
from collections.abc import Generator
from typing import Any
from uuid import UUID

import pytest

from weavorm._proto.v1 import base_pb2, generative_pb2, search_get_pb2
from weavorm.engine._protocol.calls import GrpcCall
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.generative import generative_search, provider_message
from weavorm.engine.generate import AsyncGenerateNamespace, GenerateNamespace
from weavorm.engine.generative_config import GenerativeConfig, GenerativeParameters
from weavorm.engine.options import GroupBy
from weavorm.engine.query import AsyncQueryNamespace, QueryNamespace
from weavorm.engine.results import GroupByResult
from weavorm.errors import (
    ConfigError,
    NotFoundError,
    PermissionDeniedError,
    QueryError,
    ServerError,
    UnavailableError,
    UnprocessableError,
)

CTX = CollectionContext(name="Article", tenant="t1", consistency="ONE")


class ScriptedDriver:
    """Answers each call with the next scripted reply (or raises the scripted error)."""

    def __init__(self, *replies: Any) -> None:
        self.replies = list(replies)
        self.calls: list[GrpcCall] = []

    def run(self, op: Generator[Any, Any, Any]) -> Any:
        try:
            call = next(op)
            while True:
                self.calls.append(call)
                reply = self.replies.pop(0)
                call = op.throw(reply) if isinstance(reply, Exception) else op.send(reply)
        except StopIteration as stop:
            return stop.value


class AsyncScriptedDriver(ScriptedDriver):
    async def run(self, op: Generator[Any, Any, Any]) -> Any:  # type: ignore[override]
        return ScriptedDriver.run(self, op)


def reply_with(*ids: int) -> search_get_pb2.SearchReply:
    return search_get_pb2.SearchReply(
        results=[
            search_get_pb2.SearchResult(
                metadata=search_get_pb2.MetadataResult(id_as_bytes=UUID(int=i).bytes)
            )
            for i in ids
        ]
    )


def test_namespaces_mirror_each_other() -> None:
    for sync_cls, async_cls in (
        (QueryNamespace, AsyncQueryNamespace),
        (GenerateNamespace, AsyncGenerateNamespace),
    ):
        sync = {n: m for n, m in vars(sync_cls).items() if inspect.isfunction(m) and n[0] != "_"}
        asyn = {n: m for n, m in vars(async_cls).items() if inspect.isfunction(m) and n[0] != "_"}
        assert sync.keys() == asyn.keys()
        for name, method in sync.items():
            params = list(inspect.signature(method).parameters)
            assert params == list(inspect.signature(asyn[name]).parameters), name
            assert params[0] == "self" and "ctx" not in params
            if name != "iterator":
                assert inspect.iscoroutinefunction(asyn[name]), name
                assert "Args:" in (method.__doc__ or "") and "Raises:" in method.__doc__
                assert method.__qualname__ == f"{sync_cls.__name__}.{name}"
    assert set(vars(QueryNamespace)) >= {
        "fetch_objects",
        "fetch_object_by_id",
        "fetch_objects_by_ids",
        "near_vector",
        "near_text",
        "near_object",
        "near_image",
        "near_media",
        "bm25",
        "hybrid",
        "iterator",
    }
    gen = inspect.signature(GenerateNamespace.near_text).parameters
    assert list(gen)[:7] == [
        "self",
        "query",
        "single_prompt",
        "grouped_task",
        "grouped_properties",
        "generative_provider",
        "certainty",
    ]


def test_query_sends_one_search_with_scope() -> None:
    driver = ScriptedDriver(reply_with(1, 2))
    ns = QueryNamespace(driver, CTX)  # type: ignore[arg-type]
    result = ns.near_vector([1.0, 2.0], limit=2)
    assert [o.uuid for o in result.objects] == [UUID(int=1), UUID(int=2)]
    (call,) = driver.calls
    assert (call.method, call.operation, call.idempotent) == ("Search", "query.near_vector", True)
    req = call.request
    assert isinstance(req, search_get_pb2.SearchRequest)
    assert (req.collection, req.tenant, req.limit) == ("Article", "t1", 2)
    assert req.consistency_level == base_pb2.CONSISTENCY_LEVEL_ONE
    assert req.HasField("near_vector")


def test_fetch_object_by_id_and_by_ids() -> None:
    driver = ScriptedDriver(reply_with(5), search_get_pb2.SearchReply())
    ns = QueryNamespace(driver, CTX)  # type: ignore[arg-type]
    obj = ns.fetch_object_by_id(UUID(int=5))
    assert obj is not None and obj.uuid == UUID(int=5)
    assert ns.fetch_object_by_id(str(UUID(int=6))) is None
    first = driver.calls[0].request
    assert first.limit == 1  # type: ignore[attr-defined]
    assert first.filters.target.property == "_id"  # type: ignore[attr-defined]
    assert first.metadata.creation_time_unix and first.metadata.last_update_time_unix  # type: ignore[attr-defined]
    empty = ScriptedDriver()
    assert QueryNamespace(empty, CTX).fetch_objects_by_ids([]).objects == []  # type: ignore[arg-type]
    assert empty.calls == []
    many = ScriptedDriver(reply_with(1))
    QueryNamespace(many, CTX).fetch_objects_by_ids([UUID(int=1), UUID(int=1), UUID(int=2)])  # type: ignore[arg-type]
    req = many.calls[0].request
    assert req.limit == 2  # type: ignore[attr-defined]
    assert len(req.filters.value_text_array.values) == 2  # type: ignore[attr-defined]
    with pytest.raises(QueryError):
        QueryNamespace(many, CTX).fetch_objects_by_ids(str(UUID(int=1)))  # type: ignore[arg-type]


def test_group_by_result_type() -> None:
    reply = search_get_pb2.SearchReply(
        group_by_results=[search_get_pb2.GroupByResult(name="g", number_of_objects=0)]
    )
    ns = QueryNamespace(ScriptedDriver(reply), CTX)  # type: ignore[arg-type]
    result = ns.near_text("x", group_by=GroupBy("p", number_of_groups=1, objects_per_group=1))
    assert isinstance(result, GroupByResult) and list(result.groups) == ["g"]


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            ServerError(500, "could not find class Foo in schema", grpc_code="UNKNOWN"),
            NotFoundError,
        ),
        (ServerError(500, 'tenant not found: "x"', grpc_code="UNKNOWN"), NotFoundError),
        (ServerError(500, "no such prop with name 'x'", grpc_code="UNKNOWN"), UnprocessableError),
        (ServerError(500, "weird", grpc_code="INTERNAL"), ServerError),
        (UnavailableError(503, "busy", grpc_code="UNAVAILABLE"), UnavailableError),
        (PermissionDeniedError(403, "no", grpc_code="PERMISSION_DENIED"), PermissionDeniedError),
    ],
)
def test_error_mapping(error: ServerError, expected: type[Exception]) -> None:
    ns = QueryNamespace(ScriptedDriver(error), CTX)  # type: ignore[arg-type]
    with pytest.raises(expected) as info:
        ns.fetch_objects()
    assert type(info.value) is expected
    assert info.value.message == error.message  # type: ignore[attr-defined]


def test_options_are_checked_before_any_call() -> None:
    driver = ScriptedDriver()
    ns = QueryNamespace(driver, CTX)  # type: ignore[arg-type]
    with pytest.raises(QueryError):
        ns.near_vector([])
    with pytest.raises(QueryError):
        ns.bm25("x", limit=-3)
    with pytest.raises(QueryError):
        ns.iterator(return_metadata=["nope"])
    assert driver.calls == []


def test_iterator_pages_with_cursor() -> None:
    driver = ScriptedDriver(reply_with(1, 2), reply_with(3, 4), reply_with(5))
    ns = QueryNamespace(driver, CTX)  # type: ignore[arg-type]
    it = ns.iterator(cache_size=2, after=UUID(int=0), return_properties=["a"])
    assert driver.calls == []  # lazy
    assert [o.uuid.int for o in it] == [1, 2, 3, 4, 5]
    afters = [c.request.after for c in driver.calls]  # type: ignore[attr-defined]
    assert afters == [str(UUID(int=0)), str(UUID(int=2)), str(UUID(int=4))]
    assert all(c.request.limit == 2 for c in driver.calls)  # type: ignore[attr-defined]
    exact = ScriptedDriver(reply_with(1, 2), search_get_pb2.SearchReply())
    assert len(list(QueryNamespace(exact, CTX).iterator(cache_size=2))) == 2  # type: ignore[arg-type]
    assert exact.calls[1].request.after == str(UUID(int=2))  # type: ignore[attr-defined]


async def test_async_namespace_and_iterator() -> None:
    driver = AsyncScriptedDriver(reply_with(7), reply_with(1), search_get_pb2.SearchReply())
    ns = AsyncQueryNamespace(driver, CTX)  # type: ignore[arg-type]
    result = await ns.bm25("q")
    assert result.objects[0].uuid == UUID(int=7)
    assert [o.uuid async for o in ns.iterator(cache_size=1)] == [UUID(int=1)]


def test_generate_sends_generative_search() -> None:
    driver = ScriptedDriver(reply_with(1))
    ns = GenerateNamespace(driver, CTX)  # type: ignore[arg-type]
    ns.hybrid("q", single_prompt="s {title}", grouped_task="g", grouped_properties=["title"])
    req = driver.calls[0].request
    assert driver.calls[0].operation == "generate.hybrid"
    gen = req.generative  # type: ignore[attr-defined]
    assert gen.single.prompt == "s {title}" and not gen.single.queries
    assert gen.grouped.task == "g" and list(gen.grouped.properties.values) == ["title"]
    with pytest.raises(QueryError):
        ns.bm25("q")


def test_generative_search_builder() -> None:
    provider = GenerativeConfig.openai(
        base_url="http://x", model="m", stop=["a"], reasoning_effort="low", verbosity="high"
    )
    msg = generative_search(
        single_prompt=GenerativeParameters.single_prompt(
            "p", debug=True, metadata=True, images=b"img", image_properties=["pic"]
        ),
        grouped_task=GenerativeParameters.grouped_task("t", non_blob_properties=["a"]),
        grouped_properties=None,
        generative_provider=provider,
    )
    assert msg.single.debug
    (single_provider,) = msg.single.queries
    assert single_provider.return_metadata
    openai = single_provider.openai
    assert (openai.base_url, openai.model, list(openai.stop.values)) == ("http://x", "m", ["a"])
    assert openai.reasoning_effort == generative_pb2.GenerativeOpenAI.REASONING_EFFORT_LOW
    assert openai.verbosity == generative_pb2.GenerativeOpenAI.VERBOSITY_HIGH
    assert list(openai.images.values) == ["aW1n"] and list(openai.image_properties.values) == [
        "pic"
    ]
    assert not openai.is_azure
    assert list(msg.grouped.properties.values) == ["a"]
    assert msg.grouped.queries[0].HasField("openai")
    assert not msg.grouped.queries[0].return_metadata


@pytest.mark.parametrize(
    ("provider", "field"),
    [
        (GenerativeConfig.anthropic(model="c", top_k=3), "anthropic"),
        (GenerativeConfig.anyscale(model="a"), "anyscale"),
        (GenerativeConfig.aws(region="eu", service="bedrock"), "aws"),
        (GenerativeConfig.azure_openai(resource_name="r", deployment_id="d"), "openai"),
        (GenerativeConfig.cohere(k=2), "cohere"),
        (GenerativeConfig.contextualai(knowledge=["k"]), "contextualai"),
        (GenerativeConfig.databricks(endpoint="https://e", n=2), "databricks"),
        (GenerativeConfig.deepseek(model="d"), "deepseek"),
        (GenerativeConfig.dummy(), "dummy"),
        (GenerativeConfig.friendliai(n=2), "friendliai"),
        (GenerativeConfig.google(project_id="p", stop_sequences=["x"]), "google"),
        (GenerativeConfig.mistral(temperature=0.1), "mistral"),
        (GenerativeConfig.nvidia(top_p=0.5), "nvidia"),
        (GenerativeConfig.ollama(api_endpoint="http://o", model="llama"), "ollama"),
        (GenerativeConfig.xai(max_tokens=5), "xai"),
    ],
)
def test_every_provider(provider: Any, field: str) -> None:
    msg = provider_message(provider)
    assert msg.WhichOneof("kind") == field
    if field == "openai":
        assert msg.openai.is_azure and msg.openai.resource_name == "r"


def test_generative_errors() -> None:
    with pytest.raises(QueryError):
        generative_search(
            single_prompt=None, grouped_task=None, grouped_properties=None, generative_provider=None
        )
    with pytest.raises(QueryError):  # metadata needs an explicit provider
        generative_search(
            single_prompt=GenerativeParameters.single_prompt("p", metadata=True),
            grouped_task=None,
            grouped_properties=None,
            generative_provider=None,
        )
    with pytest.raises(QueryError):  # images on a text-only provider
        provider_message(GenerativeConfig.mistral(), images=["aGk="])
    with pytest.raises(QueryError):
        generative_search(
            single_prompt="p",
            grouped_task=GenerativeParameters.grouped_task("t"),
            grouped_properties=["x"],
            generative_provider=None,
        )
    with pytest.raises(ConfigError):  # validated by the one GenerativeConfig factory
        GenerativeConfig.openai(reasoning_effort="max")  # type: ignore[arg-type]
    with pytest.raises(QueryError):
        GenerativeParameters.single_prompt("  ")
    with pytest.raises(QueryError):
        provider_message("openai")  # type: ignore[arg-type]
