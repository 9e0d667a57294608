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
    A client of that server. After each test the collections and aliases the test
    created are dropped, so tests are isolated from each other (on the server the
    plugin started itself: every collection and alias).
``weaviate_cluster``
    Session-scoped 3-node :class:`~weavorm.server.WeaviateCluster` (started on first use).
``collection_name``
    A collection name unique to the test.

When the server cannot start, tests that need it are skipped, except under
``CI=true`` (or ``WEAVORM_REQUIRE_SERVER=1``) where that is a failure.

An external server (``WEAVORM_TEST_URL``) must be empty: a server that holds
collections or aliases is refused (the tests needing it fail, naming what is there),
because tests create and drop collections. To run against such a server anyway, opt in
with ``WEAVORM_TEST_ALLOW_DIRTY=1`` or the ini option ``weavorm_allow_dirty = true``:
then each test records the collections and aliases that exist before it and drops only
the ones it created. Data a test writes into collections that existed before is not
undone.
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


#: Environment variable that lets the tests use an external server holding other data.
ALLOW_DIRTY_ENV = "WEAVORM_TEST_ALLOW_DIRTY"
#: The ini option with the same meaning.
ALLOW_DIRTY_INI = "weavorm_allow_dirty"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``weavorm_allow_dirty`` ini option."""
    parser.addini(
        ALLOW_DIRTY_INI,
        help=(
            "allow WEAVORM_TEST_URL to name a server that holds other collections; tests "
            "then drop only the collections and aliases they create"
        ),
        type="bool",
        default=False,
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


def _names(client: WeaviateClient) -> tuple[set[str], set[str]]:
    """The collections and the aliases on the server."""
    reply = client.raw.request("GET", "/v1/schema")
    classes = {str(c["class"]) for c in (reply.json or {}).get("classes", []) or []}
    aliases = client.raw.request("GET", "/v1/aliases", accept=frozenset({404}))
    found = {str(a["alias"]) for a in (aliases.json or {}).get("aliases", []) or []}
    return classes, found


def _drop_collections(
    client: WeaviateClient, keep: tuple[set[str], set[str]] | None = None
) -> None:
    """Drop every collection and alias, or only those not in ``keep``."""
    classes, aliases = _names(client)
    keep_classes, keep_aliases = keep or (set(), set())
    for alias in sorted(aliases - keep_aliases):
        client.raw.request("DELETE", f"/v1/aliases/{alias}", accept=frozenset({404}))
    for name in sorted(classes - keep_classes):
        client.raw.request("DELETE", f"/v1/schema/{name}", accept=frozenset({404}))


def _allow_dirty(config: pytest.Config) -> bool:
    env = os.environ.get(ALLOW_DIRTY_ENV, "").strip().lower()
    return env in ("1", "true", "yes") or bool(config.getini(ALLOW_DIRTY_INI))


def _check_external(client: WeaviateClient, url: str, config: pytest.Config) -> None:
    classes, aliases = _names(client)
    if (classes or aliases) and not _allow_dirty(config):
        shown = ", ".join(sorted(classes | aliases)[:10])
        more = len(classes | aliases) - 10
        pytest.fail(
            f"WEAVORM_TEST_URL={url} holds {len(classes)} collection(s) and {len(aliases)} "
            f"alias(es) ({shown}{f', and {more} more' if more > 0 else ''}); the weavorm "
            "test plugin creates and drops collections, so it refuses a server with other "
            f"data. Use an empty server, or set {ALLOW_DIRTY_ENV}=1 (or the ini option "
            f"{ALLOW_DIRTY_INI} = true) to run anyway: each test then drops only the "
            "collections and aliases it created.",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def _session_client(weaviate_server: Any, pytestconfig: pytest.Config) -> Iterator[WeaviateClient]:
    from weavorm.engine import connect

    client = connect(weaviate_server.url, grpc_url=weaviate_server.grpc_url)
    try:
        if isinstance(weaviate_server, _External):
            _check_external(client, weaviate_server.url, pytestconfig)
        yield client
    finally:
        client.close()


def _before(weaviate_server: Any, client: WeaviateClient) -> tuple[set[str], set[str]] | None:
    """What must survive the test: on an external server, what exists now."""
    return _names(client) if isinstance(weaviate_server, _External) else None


@pytest.fixture
def weaviate_client(
    weaviate_server: Any, _session_client: WeaviateClient
) -> Iterator[WeaviateClient]:
    """A client of the session's server; collections the test created are dropped after it."""
    keep = _before(weaviate_server, _session_client)
    yield _session_client
    _drop_collections(_session_client, keep)


@pytest.fixture
async def async_weaviate_client(
    weaviate_server: Any, _session_client: WeaviateClient
) -> AsyncIterator[AsyncWeaviateClient]:
    """An async client of the session's server; the test's collections are dropped after it."""
    from weavorm.engine import connect_async

    keep = _before(weaviate_server, _session_client)
    async with connect_async(weaviate_server.url, grpc_url=weaviate_server.grpc_url) as client:
        yield client
    _drop_collections(_session_client, keep)


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
