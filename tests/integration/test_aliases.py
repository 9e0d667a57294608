"""Collection aliases on a real server: lifecycle and querying through an alias."""

from __future__ import annotations

import pytest

from weavorm import errors
from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.engine.aliases import AliasReturn

pytestmark = pytest.mark.integration


def _collection(client: WeaviateClient, name: str, titles: list[str]) -> None:
    client.collections.create_from_dict(
        {
            "class": name,
            "vectorizer": "none",
            "properties": [{"name": "title", "dataType": ["text"]}],
        }
    )
    objects = [
        {"class": name, "properties": {"title": t}, "vector": [1.0, float(i)]}
        for i, t in enumerate(titles)
    ]
    client.raw.request("POST", "/v1/batch/objects", json={"objects": objects})


def _titles_via(client: WeaviateClient, name: str) -> set[str]:
    result = client.graphql_raw_query(f"{{ Get {{ {name} {{ title }} }} }}").raise_for_errors()
    return {o["title"] for o in result.data["Get"][name]}


def test_alias_lifecycle_and_queries(weaviate_client: WeaviateClient, collection_name: str) -> None:
    v1, v2 = collection_name + "V1", collection_name + "V2"
    alias = collection_name + "Live"
    _collection(weaviate_client, v1, ["old"])
    _collection(weaviate_client, v2, ["new", "newer"])
    aliases = weaviate_client.aliases

    assert aliases.get(alias) is None
    assert aliases.exists(alias) is False
    aliases.create(alias, v1)
    assert aliases.get(alias) == AliasReturn(alias=alias, collection=v1)
    assert aliases.exists(alias) is True
    assert aliases.list_all()[alias].collection == v1
    assert list(aliases.list_all(collection=v1)) == [alias]
    assert aliases.list_all(collection=v2) == {}

    # GraphQL and REST reach the target through the alias.
    assert _titles_via(weaviate_client, alias) == {"old"}
    objects = weaviate_client.raw.request("GET", "/v1/objects", params={"class": alias}).json
    assert [o["properties"]["title"] for o in objects["objects"]] == ["old"]
    assert weaviate_client.collections.exists(alias)

    assert aliases.update(alias, v2) is True
    assert aliases.get(alias) == AliasReturn(alias=alias, collection=v2)
    assert _titles_via(weaviate_client, alias) == {"new", "newer"}
    assert aliases.update(collection_name + "Missing", v1) is False

    with pytest.raises(errors.UnprocessableError):
        aliases.create(collection_name + "Other", collection_name + "Missing")
    with pytest.raises(errors.UnprocessableError):
        aliases.create(alias, v1)  # the name is taken

    assert aliases.delete(alias) is True
    assert aliases.get(alias) is None
    assert aliases.delete(alias) is False
    assert _titles_via(weaviate_client, v2) == {"new", "newer"}


def test_alias_names_are_capitalised(weaviate_client: WeaviateClient, collection_name: str) -> None:
    _collection(weaviate_client, collection_name, ["x"])
    lower = "a" + collection_name[1:] + "alias"
    weaviate_client.aliases.create(lower, collection_name)
    upper = lower[0].upper() + lower[1:]
    assert weaviate_client.aliases.get(lower) == AliasReturn(
        alias=upper, collection=collection_name
    )
    assert upper in weaviate_client.aliases.list_all()


async def test_async_aliases(
    async_weaviate_client: AsyncWeaviateClient,
    weaviate_client: WeaviateClient,
    collection_name: str,
) -> None:
    v1, v2 = collection_name + "A", collection_name + "B"
    alias = collection_name + "Cur"
    _collection(weaviate_client, v1, ["a"])
    _collection(weaviate_client, v2, ["b"])
    aliases = async_weaviate_client.aliases
    await aliases.create(alias, v1)
    assert await aliases.exists(alias)
    assert await aliases.get(alias) == AliasReturn(alias=alias, collection=v1)
    assert alias in await aliases.list_all()
    assert list(await aliases.list_all(collection=v1)) == [alias]
    assert await aliases.update(alias, v2)
    result = await async_weaviate_client.graphql_raw_query(f"{{ Get {{ {alias} {{ title }} }} }}")
    assert result.data["Get"][alias] == [{"title": "b"}]
    assert await aliases.delete(alias)
    assert await aliases.get(alias) is None
