"""The repository pattern with weavorm: a typed ``Repository[Note]`` in a service.

The service only sees ``NoteRepository``: get, find, search, add, remove, inside a unit
of work. The same repository shape runs async (``AsyncRepository``). Embeddings come
from weavorm's local inference service (no model download, no internet).
"""

from __future__ import annotations

import asyncio

import weavorm
from weavorm import AsyncRepository, AsyncSession, Field, Model, Repository, Session
from weavorm.config import Vectorizer
from weavorm.server import WeaviateServer
from weavorm.testing.inference import InferenceServer


class Note(Model):
    title: str = Field(tokenization="word")  # embedded by the vectorizer module
    topic: str = Field(tokenization="field", vectorize=False)
    year: int = Field(vectorize=False)

    class Meta:
        vectorizer = Vectorizer.text2vec_transformers(vectorize_collection_name=False)


class NoteRepository(Repository[Note]):
    """Domain queries live here; callers never build QuerySets."""

    def by_topic(self, topic: str) -> list[Note]:
        return self.find(topic=topic, order_by=["year"])

    def related(self, text: str, *, since: int) -> list[Note]:
        return self.search(text, mode="near_text", limit=3, year__gte=since)


def sync_service(client: weavorm.WeaviateClient) -> None:
    with Session(client) as session:
        notes = NoteRepository(session)
        notes.add_all(
            [
                Note(title="red sports cars are fast", topic="cars", year=2020),
                Note(title="a red car on the road", topic="cars", year=2021),
                Note(title="quantum physics lecture notes", topic="physics", year=2019),
                Note(title="physics of black holes", topic="physics", year=2022),
            ]
        )
        session.commit()  # one batched write
        print("physics:", [n.title for n in notes.by_topic("physics")])
        print("related:", [n.title for n in notes.related("black holes", since=2020)])
        print("keyword:", [n.title for n in notes.search("quantum", mode="bm25")])
        old = notes.find_one(year=2019)
        assert old is not None
        notes.remove(old)
        session.commit()
        print("after remove:", notes.count(), "notes")


async def async_service(client: weavorm.AsyncWeaviateClient) -> None:
    async with AsyncSession(client) as session:
        notes = AsyncRepository(session, model=Note)
        notes.add(Note(title="electric cars and batteries", topic="cars", year=2024))
        await session.commit()
        hits = await notes.search("car batteries", limit=2)  # hybrid by default
        print("async hybrid:", [n.title for n in hits])
        print("async cars:", await notes.count(topic="cars"))


def main() -> None:
    with (
        InferenceServer() as inference,
        WeaviateServer(
            modules=["text2vec-transformers"],
            env={"TRANSFORMERS_INFERENCE_API": inference.url},
        ) as server,
        server.client() as client,
    ):
        weavorm.schema.create_all(client, [Note])
        sync_service(client)
        asyncio.run(run_async(server))


async def run_async(server: WeaviateServer) -> None:
    async with weavorm.connect_async(server.url, grpc_url=server.grpc_url) as client:
        await async_service(client)


if __name__ == "__main__":
    main()
