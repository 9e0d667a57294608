"""collection.generate against a real server with generative-openai on the local service."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.query_data import ARTICLE_IDS, ARTICLES, PNG_1PX, create_library
from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.engine.collection import Collection
from weavorm.engine.filters import Filter
from weavorm.engine.generative_config import GenerativeConfig, GenerativeParameters
from weavorm.engine.options import GroupBy, Sort
from weavorm.engine.results import GroupByResult, QueryResult
from weavorm.errors import QueryError, UnprocessableError
from weavorm.testing.inference import ECHO_PREFIX

pytestmark = pytest.mark.integration

TITLES = {a[0] for a in ARTICLES}


@pytest.fixture
def articles(
    weaviate_client: WeaviateClient, collection_name: str, inference_server: Any
) -> Collection:
    _, article = create_library(weaviate_client, collection_name, inference_server.url)
    return weaviate_client.collections.get(article)


def _vector(col: Collection) -> list[float]:
    obj = col.query.fetch_object_by_id(ARTICLE_IDS[0], include_vector=True)
    assert obj is not None
    return obj.vector["default"]  # type: ignore[return-value]


SEARCHES: dict[str, Callable[[Collection, dict[str, Any]], QueryResult]] = {
    "fetch_objects": lambda c, kw: c.generate.fetch_objects(limit=2, **kw),
    "fetch_objects_by_ids": lambda c, kw: c.generate.fetch_objects_by_ids(ARTICLE_IDS[:2], **kw),
    "near_text": lambda c, kw: c.generate.near_text("pasta", limit=2, **kw),
    "near_vector": lambda c, kw: c.generate.near_vector(_vector(c), limit=2, **kw),
    "near_object": lambda c, kw: c.generate.near_object(ARTICLE_IDS[0], limit=2, **kw),
    "bm25": lambda c, kw: c.generate.bm25("pasta", **kw),
    "hybrid": lambda c, kw: c.generate.hybrid("pasta", limit=2, **kw),
}


@pytest.mark.parametrize("search", list(SEARCHES))
def test_every_search_generates(articles: Collection, search: str) -> None:
    result = SEARCHES[search](
        articles, {"single_prompt": "Title: {title}", "grouped_task": "Summarise"}
    )
    assert len(result.objects) == 2
    for obj in result.objects:
        assert obj.generated == f"{ECHO_PREFIX}Title: {obj.properties['title']}"
        assert obj.generative is not None and obj.generative.text == obj.generated
    assert result.generated is not None and result.generated.startswith(f"{ECHO_PREFIX}Summarise")
    assert result.generative is not None and result.generative.text == result.generated


def test_grouped_task_properties(articles: Collection) -> None:
    result = articles.generate.fetch_objects(
        limit=3, grouped_task="List", grouped_properties=["title"]
    )
    assert all(o.generated is None for o in result.objects)
    assert result.generated is not None
    payload = json.loads(result.generated.split("List: ", 1)[1])
    assert payload == [{"title": o.properties["title"]} for o in result.objects]


def test_provider_override_with_debug_and_metadata(
    weaviate_client: WeaviateClient, articles: Collection, inference_server: Any
) -> None:
    # Point the collection's module somewhere unreachable; the override must win.
    broken = articles.generate.bm25("pasta", single_prompt="x {title}")
    assert broken.objects  # still reachable before the change
    weaviate_client.raw.request(
        "PUT",
        f"/v1/schema/{articles.name}",
        json={
            **articles.config.get_dict(),
            "moduleConfig": {
                **articles.config.get_dict()["moduleConfig"],
                "generative-openai": {"baseURL": "http://127.0.0.1:9", "model": "weavorm-echo"},
            },
        },
    )
    with pytest.raises(UnprocessableError) as info:
        articles.generate.bm25("pasta", single_prompt="x {title}")
    assert "127.0.0.1:9" in info.value.message
    provider = GenerativeConfig.openai(base_url=inference_server.url, model="weavorm-echo")
    single = articles.generate.bm25(
        "pasta",
        single_prompt=GenerativeParameters.single_prompt(
            "About {title}", debug=True, metadata=True
        ),
        generative_provider=provider,
    )
    obj = single.objects[0]
    assert obj.generative is not None
    assert obj.generative.debug == f"About {obj.properties['title']}"
    assert obj.generative.metadata is not None
    assert obj.generative.metadata["openai"]["usage"]["total_tokens"] > 0
    # The server leaves out debug output when a grouped task runs in the same search.
    result = articles.generate.bm25(
        "pasta",
        single_prompt="About {title}",
        grouped_task=GenerativeParameters.grouped_task(
            "Compare", non_blob_properties=["year"], metadata=True
        ),
        generative_provider=provider,
    )
    assert all(o.generated for o in result.objects)
    assert result.generative is not None
    assert json.loads(result.generative.text.split("Compare: ", 1)[1]) == [
        {"year": str(o.properties["year"])} for o in result.objects
    ]
    assert result.generative.metadata is not None


def test_group_by_generates_per_group(articles: Collection) -> None:
    result = articles.generate.near_text(
        "food",
        group_by=GroupBy("published", number_of_groups=2, objects_per_group=2),
        grouped_task="Group summary",
        single_prompt="One {title}",
    )
    assert isinstance(result, GroupByResult)
    assert set(result.groups) == {"true", "false"}
    # Grouped: single_prompt runs once per group, grouped_task once over all groups.
    for group in result.groups.values():
        assert group.generated == f"{ECHO_PREFIX}One {group.objects[0].properties['title']}"
    assert result.generated is not None and result.generated.startswith(
        f"{ECHO_PREFIX}Group summary"
    )


def test_sort_is_refused_with_generation(articles: Collection) -> None:
    with pytest.raises(UnprocessableError) as info:
        articles.generate.fetch_objects(sort=Sort.by_property("year"), single_prompt="{title}")
    assert "sort" in info.value.message


def test_filters_and_errors(articles: Collection) -> None:
    result = articles.generate.fetch_objects(
        filters=Filter.by_property("year").equal(2003), single_prompt="{body}"
    )
    assert [o.generated for o in result.objects] == [f"{ECHO_PREFIX}boil water then add pasta"]
    with pytest.raises(QueryError):
        articles.generate.fetch_objects()
    with pytest.raises(QueryError):
        articles.generate.fetch_objects(single_prompt="x", grouped_properties=["title"])
    with pytest.raises(UnprocessableError):
        articles.generate.near_text(
            "x",
            single_prompt="{title}",
            generative_provider=GenerativeConfig.openai(base_url="http://127.0.0.1:9"),
        )


def test_generate_media_reaches_the_server(articles: Collection) -> None:
    # No multi2vec module on the test server: the server refuses the media search itself.
    with pytest.raises(UnprocessableError) as info:
        articles.generate.near_image(PNG_1PX, single_prompt="{title}")
    assert "nearImage" in info.value.message
    with pytest.raises(UnprocessableError) as info:
        articles.generate.near_media(PNG_1PX, "thermal", grouped_task="x")
    assert "nearThermal" in info.value.message


async def test_generate_async(
    async_weaviate_client: AsyncWeaviateClient,
    weaviate_client: WeaviateClient,
    collection_name: str,
    inference_server: Any,
) -> None:
    _, name = create_library(weaviate_client, collection_name, inference_server.url)
    col = async_weaviate_client.collections.get(name)
    result = await col.generate.near_text(
        "pasta", limit=2, single_prompt="T {title}", grouped_task="Summarise"
    )
    assert {o.properties["title"] for o in result.objects} <= TITLES
    assert all(o.generated == f"{ECHO_PREFIX}T {o.properties['title']}" for o in result.objects)
    assert result.generated is not None
    hybrid = await col.generate.hybrid(
        "pasta",
        limit=1,
        single_prompt="H {title}",
        generative_provider=GenerativeConfig.openai(
            base_url=inference_server.url, model="weavorm-echo"
        ),
    )
    assert hybrid.objects[0].generated is not None
    with pytest.raises(UnprocessableError):
        await col.generate.bm25(
            "pasta",
            grouped_task="x",
            generative_provider=GenerativeConfig.openai(base_url="http://127.0.0.1:9"),
        )
