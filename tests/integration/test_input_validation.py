"""Bad input against a real server: typed errors, nothing sent, nothing lost, no secret shown."""

from __future__ import annotations

import math
from typing import Any

import pytest
from google.protobuf import empty_pb2

from tests.property._tally import LogCapture
from weavorm._proto.v1 import search_get_pb2
from weavorm.engine import WeaviateClient, connect
from weavorm.engine._protocol.validate import MAX_NESTING
from weavorm.engine.options import MetadataQuery, TargetVectors
from weavorm.engine.tenants_types import Tenant
from weavorm.engine.types import DataObject
from weavorm.errors import ConfigError, QueryError

pytestmark = pytest.mark.integration

CANARY = "sk-canary-5be0c7d2"
SURROGATE = "\ud800"


def _nested(levels: int) -> list[dict[str, Any]]:
    """``nestedProperties`` for ``levels`` objects inside each other, ending in a text."""
    props: list[dict[str, Any]] = [{"name": "leaf", "dataType": ["text"]}]
    for _ in range(levels):
        props = [{"name": "inner", "dataType": ["object"], "nestedProperties": props}]
    return props


def _deep_value(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": "bottom"}
    for _ in range(levels):
        value = {"inner": value}
    return value


def _create(client: WeaviateClient, name: str, **extra: Any) -> Any:
    return client.collections.create_from_dict(
        {
            "class": name,
            "vectorizer": "none",
            "properties": [
                {"name": "title", "dataType": ["text"]},
                {"name": "x", "dataType": ["number"]},
                {"name": "tags", "dataType": ["text[]"]},
            ],
            **extra,
        }
    )


def test_invalid_text_and_numbers_are_refused_and_nothing_is_sent(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    articles = _create(weaviate_client, collection_name)
    good = [{"title": f"t{i}", "x": float(i)} for i in range(5)]
    for bad, culprit in (
        ({"title": "a" + SURROGATE}, "object 3: property 'title'"),
        ({"tags": ["ok", SURROGATE]}, "object 3: property 'tags'"),
        ({"x": math.nan}, "object 3: property 'x'"),
    ):
        with pytest.raises(ConfigError) as info:
            articles.data.insert_many([*good[:3], bad, *good[3:]])
        assert str(info.value).startswith(culprit)
        with pytest.raises(ConfigError, match=culprit.split(": ", 1)[1]):
            articles.data.insert(bad)
    assert len(articles) == 0  # nothing of the refused batches was sent
    result = articles.data.insert_many(good)
    assert not result.has_errors and len(articles) == 5


def test_non_finite_vectors_are_refused_on_every_path(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    articles = _create(weaviate_client, collection_name)
    ok = articles.data.insert({"title": "fine"}, vector=[0.1, 0.2, 0.3])
    for bad in ([math.nan, 0.0, 1.0], [math.inf, 0.0, 1.0], [1e39, 0.0, 1.0], 5, "abc"):
        with pytest.raises(ConfigError, match="object 1: vector"):
            articles.data.insert_many(
                [DataObject({"title": "a"}, vector=[1.0, 0, 0]), DataObject({}, vector=bad)]
            )
        with pytest.raises(ConfigError, match="vector"):
            articles.data.insert({"title": "b"}, vector=bad)
        with pytest.raises(QueryError, match="near_vector"):
            articles.query.near_vector(bad)
    assert len(articles) == 1
    (hit,) = articles.query.near_vector([0.1, 0.2, 0.3]).objects
    assert hit.uuid == ok


def test_named_vector_errors_name_the_vector(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    articles = weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "properties": [{"name": "title", "dataType": ["text"]}],
            "vectorConfig": {
                "first": {"vectorizer": {"none": {}}, "vectorIndexType": "hnsw"},
                "second": {"vectorizer": {"none": {}}, "vectorIndexType": "hnsw"},
            },
        }
    )
    with pytest.raises(ConfigError, match="object 0: vector 'second'"):
        articles.data.insert_many(
            [DataObject({"title": "a"}, vector={"first": [1.0, 0.0], "second": [math.nan, 1]})]
        )
    with pytest.raises(ConfigError, match="vector 'second'"):
        articles.data.insert({"title": "a"}, vector={"first": [1.0, 0.0], "second": [math.inf]})
    assert len(articles) == 0
    # manual weights in another order than the vectors (the official client accepts it)
    uid = articles.data.insert({"title": "a"}, vector={"first": [1.0, 0.0], "second": [0.0, 1.0]})
    result = articles.query.near_vector(
        {"first": [1.0, 0.0], "second": [0.0, 1.0]},
        target_vector=TargetVectors.manual_weights({"second": 0.2, "first": 0.8}),
        return_metadata=MetadataQuery(distance=True),
    )
    assert [o.uuid for o in result.objects] == [uid]


def test_nesting_is_bounded_and_what_is_accepted_reads_back(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    deepest = MAX_NESTING - 1
    articles = weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "none",
            "properties": [
                {"name": "meta", "dataType": ["object"], "nestedProperties": _nested(deepest)}
            ],
        }
    )
    cyclic: dict[str, Any] = {"leaf": "x"}
    cyclic["inner"] = cyclic
    for bad, message in ((_deep_value(50), "nested more than"), (cyclic, "contains itself")):
        with pytest.raises(ConfigError, match=message):
            articles.data.insert_many([{"meta": bad}])
        with pytest.raises(ConfigError, match=message):
            articles.data.insert({"meta": bad})
    grpc_id = articles.data.insert_many([{"meta": _deep_value(deepest)}]).uuids[0]
    rest_id = articles.data.insert({"meta": _deep_value(deepest)})
    for uid in (grpc_id, rest_id):
        found = articles.query.fetch_object_by_id(uid)  # a gRPC search reply
        assert found is not None
        assert found.properties["meta"] == _deep_value(deepest)


def test_names_that_a_url_would_normalise_are_refused(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    other = _create(weaviate_client, collection_name)
    uid = other.data.insert({"title": "secret of another collection"})
    for name in (".", "..", "", "a/b", f"../{collection_name}", f"{collection_name}/..", "A b"):
        with pytest.raises(ConfigError, match="collection"):
            weaviate_client.collections.exists(name)
        with pytest.raises(ConfigError, match="collection"):
            weaviate_client.collections.get(name).data.exists(uid)
        with pytest.raises(ConfigError, match="collection"):
            weaviate_client.collections.export_dict(name)
    with pytest.raises(ConfigError, match="tenant"):
        other.with_tenant("..")
    with pytest.raises(ConfigError, match="alias_name"):
        weaviate_client.aliases.get("..")
    assert other.data.exists(uid)
    assert weaviate_client.collections.exists(collection_name)


def test_official_client_shapes_are_accepted(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    articles = _create(weaviate_client, collection_name)
    ids = articles.data.insert_many(
        [DataObject({"title": f"alpha {i}"}, vector=[1.0, float(i), 0.0]) for i in range(7)]
    ).uuids
    assert len(articles.query.near_vector([1.0, 0.0, 0.0], auto_limit=0).objects) == 7  # off
    assert len(articles.query.bm25("alpha", auto_limit=0).objects) == 7
    for result in (
        articles.query.bm25(None, return_metadata=MetadataQuery(score=True)),
        articles.query.hybrid(None, vector=None, return_metadata=MetadataQuery(score=True)),
    ):
        assert len(result.objects) == 7
        assert all(not o.metadata.score for o in result.objects)
    listed = list(
        articles.iterator(cache_size=None, return_metadata=MetadataQuery(creation_time=True))
    )
    assert sorted(o.uuid for o in listed) == sorted(ids.values())
    assert all(o.metadata.creation_time is not None for o in listed)
    first = min(ids.values(), key=str)
    rest = list(articles.iterator(after=first, cache_size=2))
    assert len(rest) == 6 and first not in {o.uuid for o in rest}
    assert collection_name in weaviate_client.collections.list_all()


def test_with_tenant_takes_a_tenant(weaviate_client: WeaviateClient, collection_name: str) -> None:
    articles = _create(weaviate_client, collection_name, multiTenancyConfig={"enabled": True})
    articles.tenants.create([Tenant("t1")])
    scoped = articles.with_tenant(Tenant("t1"))
    scoped.data.insert({"title": "x"})
    assert scoped.tenant == "t1" and len(scoped) == 1


def test_raw_grpc_parses_each_reply_type_as_asked(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    _create(weaviate_client, collection_name).data.insert({"title": "x"})
    request = search_get_pb2.SearchRequest(collection=collection_name, limit=5, uses_127_api=True)
    full = weaviate_client.raw.grpc("Search", request, search_get_pb2.SearchReply)
    assert isinstance(full, search_get_pb2.SearchReply) and len(full.results) == 1
    bare = weaviate_client.raw.grpc("Search", request, empty_pb2.Empty)
    assert type(bare) is empty_pb2.Empty
    again = weaviate_client.raw.grpc("Search", request, search_get_pb2.SearchReply)
    assert isinstance(again, search_get_pb2.SearchReply)


def test_no_secret_in_logs_events_or_reprs(weaviate_server: Any, collection_name: str) -> None:
    events: list[Any] = []
    with LogCapture() as logs:
        with pytest.raises(ConfigError) as info:
            connect(weaviate_server.url, grpc_url=weaviate_server.grpc_url, api_key=CANARY + "\n")
        assert info.value.field == "api_key"
        assert CANARY not in f"{info.value} {info.value!r} {info.value.args}"
        with pytest.raises(ConfigError):
            connect(weaviate_server.url, headers={"X-OpenAI-Api-Key": CANARY + "\u00e9"})
        with connect(
            weaviate_server.url,
            grpc_url=weaviate_server.grpc_url,
            headers={"X-OpenAI-Api-Key": CANARY, "X-Cohere-Api-Key": CANARY},
        ) as client:
            client.telemetry.subscribe(events.append)
            assert CANARY not in repr(client.config) and CANARY not in str(client.config)
            assert CANARY not in repr(client)
            articles = _create(client, collection_name)
            articles.data.insert({"title": "a"})
            articles.data.insert_many([{"title": "b"}])
            articles.query.bm25("a")
            with pytest.raises(Exception) as failed:
                client.collections.export_dict("Missing")
            assert CANARY not in str(failed.value)
            client.collections.delete(collection_name)
    assert events and logs.lines
    for event in events:
        assert CANARY not in repr(event)
    for line in logs.lines:
        assert CANARY not in line
