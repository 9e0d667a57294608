"""Issue 2: the engine core against a real Weaviate server."""

from __future__ import annotations

import time
from typing import Any

import pytest

import weavorm
from weavorm import errors
from weavorm.engine import RequestEvent, RetryPolicy, WeaviateClient
from weavorm.server import WeaviateServer

pytestmark = pytest.mark.integration


def test_live_ready_meta(weaviate_client: WeaviateClient) -> None:
    assert weaviate_client.is_live()
    assert weaviate_client.is_ready()
    meta = weaviate_client.meta()
    assert meta["version"].startswith("1.39.")
    assert "text2vec-transformers" in meta["modules"]


def test_grpc_health(weaviate_client: WeaviateClient) -> None:
    assert weaviate_client.grpc_health() is True


def test_raw_rest_and_graphql(weaviate_client: WeaviateClient, collection_name: str) -> None:
    raw = weaviate_client.raw
    raw.request(
        "POST",
        "/v1/schema",
        json={
            "class": collection_name,
            "vectorizer": "none",
            "properties": [{"name": "title", "dataType": ["text"]}],
        },
    )
    created = raw.request(
        "POST",
        "/v1/objects",
        json={"class": collection_name, "properties": {"title": "hello"}, "vector": [0.1, 0.2]},
    )
    assert created.status == 200
    result = weaviate_client.graphql_raw_query(f"{{ Get {{ {collection_name} {{ title }} }} }}")
    assert result.errors == []
    assert result.data["Get"][collection_name] == [{"title": "hello"}]
    bad = weaviate_client.graphql_raw_query(f"{{ Get {{ {collection_name} {{ nope }} }} }}")
    assert bad.errors
    with pytest.raises(errors.QueryError, match="nope"):
        bad.raise_for_errors()


def test_not_found_and_unprocessable_are_typed(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    with pytest.raises(errors.NotFoundError) as not_found:
        weaviate_client.raw.request("GET", f"/v1/schema/{collection_name}")
    assert not_found.value.status == 404
    with pytest.raises(errors.UnprocessableError) as bad:
        weaviate_client.raw.request(
            "POST",
            "/v1/schema",
            json={"class": collection_name, "properties": [{"name": "x", "dataType": ["nope"]}]},
        )
    assert bad.value.status == 422
    assert "nope" in bad.value.message


def test_grpc_error_is_typed(weaviate_client: WeaviateClient, collection_name: str) -> None:
    from weavorm._proto.v1 import search_get_pb2

    request = search_get_pb2.SearchRequest(collection=collection_name, limit=1, uses_127_api=True)
    with pytest.raises(errors.ServerError) as info:
        weaviate_client.raw.grpc("Search", request, search_get_pb2.SearchReply)
    assert collection_name in info.value.message
    assert info.value.grpc_code is not None


def test_telemetry_events_for_every_request(weaviate_client: WeaviateClient) -> None:
    events: list[RequestEvent] = []
    unsubscribe = weaviate_client.telemetry.subscribe(events.append)
    try:
        weaviate_client.meta()
        with pytest.raises(errors.NotFoundError):
            weaviate_client.raw.request("GET", "/v1/schema/Missing")
    finally:
        unsubscribe()
    kinds = [(e.kind, e.operation) for e in events]
    assert kinds == [
        ("start", "meta"),
        ("stop", "meta"),
        ("start", "raw GET"),
        ("error", "raw GET"),
    ]
    assert events[1].status == 200 and events[1].duration > 0
    assert events[3].status == 404 and not events[3].will_retry


def test_closed_port_gives_connect_error_quickly() -> None:
    from weavorm.server import free_port

    port = free_port()
    started = time.monotonic()
    with pytest.raises(errors.ConnectError):
        weavorm.connect(
            f"http://127.0.0.1:{port}",
            grpc_url=f"127.0.0.1:{free_port()}",
            timeout=2,
            retry=RetryPolicy(max_attempts=2, initial_backoff=0.05),
        )
    assert time.monotonic() - started < 5


def test_closed_grpc_port_gives_connect_error(weaviate_server: Any) -> None:
    from weavorm._proto.v1 import search_get_pb2
    from weavorm.server import free_port

    client = weavorm.connect(
        weaviate_server.url,
        grpc_url=f"127.0.0.1:{free_port()}",
        timeout=2,
        retry=RetryPolicy.none(),
    )
    with client:
        assert client.grpc_health() is False
        with pytest.raises(errors.ConnectError):
            client.raw.grpc(
                "Search", search_get_pb2.SearchRequest(collection="X"), search_get_pb2.SearchReply
            )


async def test_async_client(weaviate_server: Any) -> None:
    async with weavorm.connect_async(weaviate_server.url, grpc_url=weaviate_server.grpc_url) as c:
        assert await c.is_live()
        assert await c.is_ready()
        assert (await c.meta())["version"].startswith("1.39.")
        assert await c.grpc_health()
        with pytest.raises(errors.NotFoundError):
            await c.raw.request("GET", "/v1/schema/Missing")


@pytest.fixture(scope="module")
def api_key_server() -> Any:
    server = WeaviateServer(
        env={
            "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED": "false",
            "AUTHENTICATION_APIKEY_ENABLED": "true",
            "AUTHENTICATION_APIKEY_ALLOWED_KEYS": "right-key",
            "AUTHENTICATION_APIKEY_USERS": "alice",
        }
    )
    server.start()
    yield server
    server.stop()


def test_api_key_server(api_key_server: Any) -> None:
    url, grpc_url = api_key_server.url, api_key_server.grpc_url
    with pytest.raises(errors.AuthenticationError) as missing:
        weavorm.connect(url, grpc_url=grpc_url)
    assert missing.value.status == 401
    with pytest.raises(errors.AuthenticationError):
        weavorm.connect(url, grpc_url=grpc_url, api_key="wrong-key")
    from weavorm._proto.v1 import search_get_pb2

    anonymous = weavorm.connect(url, grpc_url=grpc_url, skip_init_checks=True)
    with anonymous, pytest.raises(errors.AuthenticationError):
        anonymous.raw.grpc(
            "Search", search_get_pb2.SearchRequest(collection="X"), search_get_pb2.SearchReply
        )
    with weavorm.connect(url, grpc_url=grpc_url, api_key="right-key") as client:
        assert client.meta()["version"].startswith("1.39.")
        assert client.raw.request("GET", "/v1/schema").status == 200


def test_text2vec_transformers_vectorizes_through_local_inference(
    weaviate_client: WeaviateClient, collection_name: str, inference_server: Any
) -> None:
    inference_server.reset_counters()
    weaviate_client.raw.request(
        "POST",
        "/v1/schema",
        json={
            "class": collection_name,
            "vectorizer": "text2vec-transformers",
            "properties": [{"name": "title", "dataType": ["text"]}],
        },
    )
    reply = weaviate_client.raw.request(
        "POST",
        "/v1/objects",
        json={"class": collection_name, "properties": {"title": "a red sports car"}},
    )
    uuid = reply.json["id"]
    stored = weaviate_client.raw.request(
        "GET", f"/v1/objects/{collection_name}/{uuid}", params={"include": "vector"}
    )
    vector = stored.json["vector"]
    assert len(vector) == inference_server.dimensions
    assert inference_server.calls["vectors"] >= 1
    assert any("red sports car" in t for t in inference_server.embedded_texts)
    expected = inference_server.embedder(["a red sports car"])[0]
    # Weaviate embeds the property text (lower-cased, maybe with the class name)
    assert len(expected) == len(vector)


def test_three_node_cluster_reports_three_nodes(weaviate_cluster: Any) -> None:
    with weavorm.connect(weaviate_cluster.url, grpc_url=weaviate_cluster.grpc_url) as client:
        nodes = client.raw.request("GET", "/v1/nodes").json["nodes"]
    assert len(nodes) == 3
    assert {n["status"] for n in nodes} == {"HEALTHY"}
