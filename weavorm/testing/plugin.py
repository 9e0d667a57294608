"""pytest plugin: a real Weaviate server for the test session, clients, isolation.

Installed with weavorm (entry point ``pytest11``). Fixtures:

``inference_server``
    Session-scoped :class:`~weavorm.testing.inference.InferenceServer`.
``weaviate_server``
    Session-scoped real :class:`~weavorm.server.WeaviateServer` with the
    text2vec-transformers, reranker-transformers, generative-openai, text2vec-ollama,
    generative-ollama and backup-filesystem modules pointed at ``inference_server``.
    Set ``WEAVORM_TEST_URL`` (and ``WEAVORM_TEST_GRPC_URL``) to use a running server.
``weaviate_client`` / ``async_weaviate_client``
    A client of that server. After each test every collection is dropped, so tests
    are isolated from each other.
``weaviate_cluster``
    Session-scoped 3-node :class:`~weavorm.server.WeaviateCluster` (started on first use).
``collection_name``
    A collection name unique to the test.

When the server cannot start, tests that need it are skipped, except under
``CI=true`` (or ``WEAVORM_REQUIRE_SERVER=1``) where that is a failure.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from weavorm.engine import AsyncWeaviateClient, WeaviateClient
    from weavorm.server import WeaviateCluster, WeaviateServer
    from weavorm.testing.inference import InferenceServer

#: Modules enabled on the test server.
TEST_MODULES = (
    "text2vec-transformers",
    "reranker-transformers",
    "generative-openai",
    "text2vec-openai",
    "text2vec-ollama",
    "generative-ollama",
    "backup-filesystem",
)


def _server_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get(
        "WEAVORM_REQUIRE_SERVER", ""
    ) in ("1", "true")


def _unavailable(reason: str) -> None:
    if _server_required():
        pytest.fail(f"a real Weaviate server is required here (CI) but: {reason}", pytrace=False)
    pytest.skip(reason)


def module_env(inference_url: str) -> dict[str, str]:
    """Environment that points Weaviate's inference modules at ``inference_url``."""
    return {
        "TRANSFORMERS_INFERENCE_API": inference_url,
        "RERANKER_INFERENCE_API": inference_url,
        "TRANSFORMERS_WAIT_FOR_STARTUP": "false",
        "RERANKER_WAIT_FOR_STARTUP": "false",
        "OPENAI_APIKEY": "sk-weavorm-local",
        "OLLAMA_API_ENDPOINT": inference_url,
    }


@pytest.fixture(scope="session")
def inference_server() -> Iterator[InferenceServer]:
    """A local inference service for the whole test session."""
    from weavorm.testing.inference import InferenceServer

    server = InferenceServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class _External:
    """A server given by ``WEAVORM_TEST_URL`` (not started or stopped by us)."""

    def __init__(self, url: str, grpc_url: str) -> None:
        self.url = url
        self.grpc_url = grpc_url


@pytest.fixture(scope="session")
def weaviate_server(inference_server: InferenceServer) -> Iterator[Any]:
    """A real Weaviate server for the whole test session."""
    external = os.environ.get("WEAVORM_TEST_URL")
    if external:
        yield _External(external, os.environ.get("WEAVORM_TEST_GRPC_URL", "127.0.0.1:50051"))
        return
    from weavorm.errors import WeavormError
    from weavorm.server import WeaviateServer

    server: WeaviateServer = WeaviateServer(
        modules=list(TEST_MODULES), env=module_env(inference_server.url)
    )
    try:
        server.start()
    except WeavormError as exc:
        _unavailable(f"cannot start weaviate-server: {exc}")
    try:
        yield server
    finally:
        server.stop()


def _drop_all_collections(client: WeaviateClient) -> None:
    reply = client.raw.request("GET", "/v1/schema")
    for cls in (reply.json or {}).get("classes", []) or []:
        client.raw.request("DELETE", f"/v1/schema/{cls['class']}", accept=frozenset({404}))
    aliases = client.raw.request("GET", "/v1/aliases", accept=frozenset({404}))
    for alias in (aliases.json or {}).get("aliases", []) or []:
        client.raw.request("DELETE", f"/v1/aliases/{alias['alias']}", accept=frozenset({404}))


@pytest.fixture(scope="session")
def _session_client(weaviate_server: Any) -> Iterator[WeaviateClient]:
    from weavorm.engine import connect

    client = connect(weaviate_server.url, grpc_url=weaviate_server.grpc_url)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def weaviate_client(_session_client: WeaviateClient) -> Iterator[WeaviateClient]:
    """A client of the session's server; every collection is dropped after the test."""
    yield _session_client
    _drop_all_collections(_session_client)


@pytest.fixture
async def async_weaviate_client(
    weaviate_server: Any, _session_client: WeaviateClient
) -> AsyncIterator[AsyncWeaviateClient]:
    """An async client of the session's server; collections are dropped after the test."""
    from weavorm.engine import connect_async

    async with connect_async(weaviate_server.url, grpc_url=weaviate_server.grpc_url) as client:
        yield client
    _drop_all_collections(_session_client)


@pytest.fixture
def collection_name(request: pytest.FixtureRequest) -> str:
    """A valid collection name unique to this test."""
    base = re.sub(r"[^0-9A-Za-z]", "", request.node.name.title())[:40] or "Test"
    return f"T{base}{abs(hash(request.node.nodeid)) % 10**6}"


@pytest.fixture(scope="session")
def weaviate_cluster() -> Iterator[WeaviateCluster]:
    """A real 3-node Weaviate cluster on this host (started on first use)."""
    from weavorm.errors import WeavormError
    from weavorm.server import WeaviateCluster

    cluster = WeaviateCluster(nodes=3, env={"REPLICA_MOVEMENT_ENABLED": "true"})
    try:
        cluster.start()
    except WeavormError as exc:
        cluster.stop()
        _unavailable(f"cannot start a 3-node cluster: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()
