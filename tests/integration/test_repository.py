"""``Repository[M]`` / ``AsyncRepository[M]`` inside sessions, against a real server."""

from __future__ import annotations

from typing import Any

import pytest

from weavorm import AsyncRepository, AsyncSession, Field, Model, Q, Repository, Session
from weavorm.config import Vectorizer
from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.errors import QueryError
from weavorm.schema import create_all

pytestmark = pytest.mark.integration


class RepoNote(Model):
    title: str = Field(tokenization="word")
    topic: str = Field(tokenization="field", vectorize=False)
    year: int = Field(vectorize=False)

    class Meta:
        vectorizer = Vectorizer.text2vec_transformers(vectorize_collection_name=False)


class NoteRepository(Repository[RepoNote]):
    def by_topic(self, topic: str) -> list[RepoNote]:
        return self.find(topic=topic, order_by=["year"])


NOTES = [
    ("red sports cars are fast", "cars", 2020),
    ("a red car on the road", "cars", 2021),
    ("quantum physics lecture notes", "physics", 2019),
    ("physics of black holes", "physics", 2022),
]


@pytest.fixture
def schema(weaviate_client: WeaviateClient, inference_server: Any) -> None:
    create_all(weaviate_client, [RepoNote])


def test_repository_in_a_session(schema: None, weaviate_client: WeaviateClient) -> None:
    with Session(weaviate_client) as session:
        notes = NoteRepository(session)
        assert notes.model is RepoNote
        added = notes.add_all([RepoNote(title=t, topic=c, year=y) for t, c, y in NOTES])
        assert notes.count() == 0  # pending until commit
        session.commit()
        assert notes.count() == 4
        assert notes.get(added[0].id) is added[0]  # identity map
        assert [n.year for n in notes.by_topic("physics")] == [2019, 2022]
        assert notes.count(year__gte=2021) == 2
        assert notes.find_one(Q(topic="cars") & Q(year=2021)) is added[1]
        assert [n.title for n in notes.find(topic="cars", limit=1, order_by=["-year"])] == [
            "a red car on the road"
        ]
        hybrid = notes.search("red car", limit=2)
        assert {n.topic for n in hybrid} == {"cars"}
        near = notes.search("black holes physics", mode="near_text", limit=1)
        assert near[0].title == "physics of black holes"
        assert near[0].meta is not None and near[0].meta.distance is not None
        keyword = notes.search("quantum", mode="bm25")
        assert [n.title for n in keyword] == ["quantum physics lecture notes"]
        filtered = notes.search("physics", mode="bm25", year__gt=2020)
        assert [n.year for n in filtered] == [2022]
        vector = RepoNote.objects.using(weaviate_client).with_vector().get(id=added[3].id).vector
        assert vector is not None
        assert notes.search(vector=vector, limit=1)[0].id == added[3].id
        notes.remove(added[2])
        session.commit()
        assert notes.get(added[2].id) is None
    assert RepoNote.objects.using(weaviate_client).count() == 3
    with pytest.raises(QueryError, match="needs vector="):
        Repository(Session(weaviate_client), model=RepoNote).search(mode="near_vector")
    with pytest.raises(QueryError, match="has no model"):
        Repository(Session(weaviate_client))  # type: ignore[var-annotated]


async def test_async_repository(schema: None, async_weaviate_client: AsyncWeaviateClient) -> None:
    async with AsyncSession(async_weaviate_client) as session:
        notes = AsyncRepository(session, model=RepoNote)
        added = notes.add_all([RepoNote(title=t, topic=c, year=y) for t, c, y in NOTES])
        await session.commit()
        assert await notes.count() == 4
        assert await notes.get(added[1].id) is added[1]
        assert [n.year for n in await notes.find(topic="cars", order_by=["year"])] == [2020, 2021]
        assert (await notes.find_one(year=2019)) is added[2]
        hits = await notes.search("black holes", mode="near_text", limit=1)
        assert hits[0].title == "physics of black holes"
        notes.remove(added[0])
        await session.commit()
        assert await notes.count(topic="cars") == 1
