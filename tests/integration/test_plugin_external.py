"""Issue 10: the pytest plugin on an external server drops only what the tests created."""

from __future__ import annotations

import pytest

from weavorm.config import DataType, Property
from weavorm.engine import WeaviateClient

pytestmark = pytest.mark.integration
pytest_plugins = ("pytester",)

INNER = """
import pytest

def test_creates(weaviate_client):
    weaviate_client.collections.create("InnerMade")
    weaviate_client.aliases.create("InnerAlias", "InnerMade")
    assert weaviate_client.collections.exists("InnerMade")

def test_sees_only_outer(weaviate_client):
    assert not weaviate_client.collections.exists("InnerMade")
    assert weaviate_client.collections.exists("OuterKept")
"""


@pytest.fixture
def external(
    weaviate_server: object, weaviate_client: WeaviateClient, monkeypatch: pytest.MonkeyPatch
) -> WeaviateClient:
    monkeypatch.setenv("WEAVORM_TEST_URL", weaviate_server.url)  # type: ignore[attr-defined]
    monkeypatch.setenv("WEAVORM_TEST_GRPC_URL", weaviate_server.grpc_url)  # type: ignore[attr-defined]
    monkeypatch.setenv("WEAVORM_REQUIRE_SERVER", "1")
    monkeypatch.delenv("WEAVORM_TEST_ALLOW_DIRTY", raising=False)
    return weaviate_client


def _outer_state(client: WeaviateClient) -> tuple[bool, bool, list[str]]:
    rows = client.collections.get("OuterKept").query.fetch_objects().objects
    return (
        client.collections.exists("OuterKept"),
        client.collections.exists("InnerMade"),
        [str(o.properties["name"]) for o in rows],
    )


def test_empty_external_server_is_used(external: WeaviateClient, pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
def test_creates(weaviate_client):
    weaviate_client.collections.create("InnerOnly")

def test_cleaned(weaviate_client):
    assert not weaviate_client.collections.exists("InnerOnly")
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2)
    assert not external.collections.exists("InnerOnly")


def test_dirty_server_is_refused_without_opt_in(
    external: WeaviateClient, pytester: pytest.Pytester
) -> None:
    external.collections.create("OuterKept", properties=[Property("name", DataType.TEXT)])
    external.collections.get("OuterKept").data.insert({"name": "mine"})
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(["*holds 1 collection(s)*OuterKept*WEAVORM_TEST_ALLOW_DIRTY=1*"])
    assert _outer_state(external) == (True, False, ["mine"])


@pytest.mark.parametrize("how", ["env", "ini"])
def test_opt_in_drops_only_what_the_tests_created(
    external: WeaviateClient,
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    external.collections.create("OuterKept", properties=[Property("name", DataType.TEXT)])
    external.collections.get("OuterKept").data.insert({"name": "mine"})
    external.collections.create("OuterTarget")
    external.aliases.create("OuterAlias", "OuterTarget")
    if how == "env":
        monkeypatch.setenv("WEAVORM_TEST_ALLOW_DIRTY", "1")
    else:
        pytester.makeini("[pytest]\nweavorm_allow_dirty = true\n")
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2)
    assert _outer_state(external) == (True, False, ["mine"])
    assert "OuterAlias" in external.aliases.list_all()
    assert "InnerAlias" not in external.aliases.list_all()
