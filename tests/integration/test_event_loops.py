"""Issue 9: an async client outlives its event loop.

``asyncio.run()`` closes its loop at the end; a client made (and used) there keeps
working in the next ``asyncio.run()``: its transports (``httpx.AsyncClient``, the
``grpc.aio`` channel) are rebuilt on the new loop. Tests run their own loops, so
they are plain functions.
"""

from __future__ import annotations

import asyncio
import gc
from typing import Any

import pytest

import weavorm
from weavorm.engine import AsyncWeaviateClient, WeaviateClient

pytestmark = pytest.mark.integration


def _seed(client: WeaviateClient, name: str, n: int) -> None:
    client.collections.create_from_dict(
        {"class": name, "vectorizer": "none", "properties": [{"name": "n", "dataType": ["int"]}]}
    )
    result = client.collections.get(name).data.insert_many([{"n": i} for i in range(n)])
    assert not result.errors


async def _use(client: AsyncWeaviateClient, name: str) -> tuple[str, list[int], int]:
    meta = await client.meta()
    collection = client.collections.get(name)
    result = await collection.query.fetch_objects(limit=100)
    found = sorted(o.properties["n"] for o in result.objects)
    reply = await client.raw.request("GET", f"/v1/objects?class={name}&limit=100")
    return meta["version"], found, len(reply.json["objects"])


def test_async_client_works_after_its_first_loop_closed(
    weaviate_server: Any, weaviate_client: WeaviateClient, collection_name: str
) -> None:
    _seed(weaviate_client, collection_name, 5)
    client = weavorm.connect_async(weaviate_server.url, grpc_url=weaviate_server.grpc_url)
    for _ in range(3):  # every asyncio.run() makes and closes a loop of its own
        version, found, rest_count = asyncio.run(_use(client, collection_name))
        assert version.startswith("1.")
        assert found == [0, 1, 2, 3, 4]
        assert rest_count == 5
        gc.collect()  # the previous loop's transports are gone without warnings
    asyncio.run(client.close())


def test_async_client_concurrent_use_on_one_loop_and_across_loops(
    weaviate_server: Any, weaviate_client: WeaviateClient, collection_name: str
) -> None:
    _seed(weaviate_client, collection_name, 20)
    client = weavorm.connect_async(weaviate_server.url, grpc_url=weaviate_server.grpc_url)

    async def many() -> None:
        collection = client.collections.get(collection_name)
        replies = await asyncio.gather(
            *(collection.query.fetch_objects(limit=1, offset=i) for i in range(20)),
            *(client.meta() for _ in range(10)),
        )
        seen = sorted(r.objects[0].properties["n"] for r in replies[:20])
        assert seen == list(range(20))
        assert all(m["version"] for m in replies[20:])

    asyncio.run(many())
    asyncio.run(many())  # a new loop, the same client, again concurrently

    async def close() -> None:
        async with client:
            await many()

    asyncio.run(close())
