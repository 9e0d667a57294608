"""Issue 11: the plan is what is sent. ``s.plan()`` against the requests the engine sent.

Requests are counted through the client's telemetry (one ``start`` event of attempt 1
per request), on the real server, for a mixed commit and for a split driven by the
server's gRPC message size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import weavorm
from weavorm import AsyncSession, Field, Model, Ref, Session
from weavorm.config import Vectorizer
from weavorm.engine import AsyncWeaviateClient, RequestEvent, WeaviateClient
from weavorm.odm.session import FlushPlan
from weavorm.schema import create_all
from weavorm.server import WeaviateServer

pytestmark = pytest.mark.integration


class PlanWriter(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class PlanPost(Model):
    title: str = Field(tokenization="field")
    stars: int = 0
    writer: Ref[PlanWriter] | None = None

    class Meta:
        vectorizer = Vectorizer.none()


class PlanBlob(Model):
    payload: str = Field(index_searchable=False, index_filterable=False)

    class Meta:
        vectorizer = Vectorizer.none()


def _target(request: Any) -> str:
    call = request.call
    return f"{call.method} {call.path}" if request.kind == "PATCH" else call.method


def _recorder(client: Any) -> tuple[list[str], Callable[[], None]]:
    sent: list[str] = []

    def on_event(event: RequestEvent) -> None:
        if event.kind == "start" and event.attempt == 1:
            sent.append(event.target)

    return sent, client.telemetry.subscribe(on_event)


def _commit_and_count(s: Session, client: WeaviateClient) -> tuple[FlushPlan, list[str]]:
    plan = s.plan()
    sent, unsubscribe = _recorder(client)
    try:
        s.commit()
    finally:
        unsubscribe()
    return plan, sent


@pytest.fixture
def db(weaviate_client: WeaviateClient) -> Iterator[WeaviateClient]:
    create_all(weaviate_client, [PlanWriter, PlanPost])
    yield weaviate_client


def test_mixed_commit_sends_exactly_the_plan(db: WeaviateClient) -> None:
    writers = [PlanWriter(name=f"w{i}") for i in range(3)]
    posts = [PlanPost(title=f"t{i}", writer=writers[i % 3]) for i in range(1100)]
    with Session(db) as s:
        s.add_all([*writers, *posts])
        plan, sent = _commit_and_count(s, db)
    # inserts in one request (writers) and in several (1,100 posts at 500 per request),
    # then the posts' references (1,000 per request)
    assert [r.kind for r in plan.requests] == ["BatchObjects"] * 4 + ["BatchReferences"] * 2
    assert [r.items for r in plan.requests] == [500, 500, 3, 100, 1000, 100]
    assert len(sent) == plan.request_count == 6
    assert Counter(sent) == Counter(_target(r) for r in plan.requests)
    assert db.collections.get("PlanPost").aggregate.over_all(total_count=True).total_count == 1100

    with Session(db) as s:
        full = [s.get(PlanPost, posts[i].id) for i in range(3)]  # fully loaded: upserts
        partial = s.query(PlanPost).only("title").filter(title__in=["t10", "t11"]).all()
        assert len(partial) == 2
        for obj in full:
            assert obj is not None
            obj.stars = 5
        for obj in partial:
            obj.stars = 7  # partly loaded: merges (PATCH)
        gone = [s.get(PlanPost, posts[i].id) for i in range(20, 25)]
        for obj in gone:
            assert obj is not None
            s.delete(obj)
        fresh = PlanPost(title="new", writer=writers[0])
        s.add(fresh)
        plan, sent = _commit_and_count(s, db)
    kinds = [r.kind for r in plan.requests]
    assert kinds == ["BatchObjects", "PATCH", "PATCH", "BatchReferences", "BatchDelete"]
    assert plan.requests[0].items == 4  # three updates and the new post
    assert len(sent) == plan.request_count
    assert Counter(sent) == Counter(_target(r) for r in plan.requests)
    # and the server holds what was planned
    check = PlanPost.objects.using(db)
    assert check.filter(stars=5).count() == 3
    assert check.filter(stars=7).count() == 2
    assert check.count() == 1100 - 5 + 1
    stored = check.select_related("writer").get(id=fresh.id)
    assert stored.writer is not None and stored.writer.id == writers[0].id


def test_reattached_objects_plan_and_flush_agree(db: WeaviateClient) -> None:
    post = PlanPost(title="re", stars=1)
    with Session(db) as s:
        s.add(post)
        s.commit()
    # the session closed: post is detached; a new session re-attaches it
    post.stars = 2
    with Session(db) as s:
        s.add(post)
        assert s.dirty == [post]
        plan, sent = _commit_and_count(s, db)
    assert [r.kind for r in plan.requests] == ["PATCH"]
    assert len(sent) == 1
    assert PlanPost.objects.using(db).get(id=post.id).stars == 2


async def test_async_session_plan_is_what_is_sent(
    async_weaviate_client: AsyncWeaviateClient,
) -> None:
    from weavorm.schema import acreate_all

    await acreate_all(async_weaviate_client, [PlanWriter, PlanPost])
    writer = PlanWriter(name="aw")
    posts = [PlanPost(title=f"a{i}", writer=writer) for i in range(700)]
    async with AsyncSession(async_weaviate_client) as s:
        s.add_all([writer, *posts])
        plan = s.plan()
        sent, unsubscribe = _recorder(async_weaviate_client)
        try:
            await s.commit()
        finally:
            unsubscribe()
    assert [r.items for r in plan.requests] == [500, 1, 200, 700]
    assert Counter(sent) == Counter(_target(r) for r in plan.requests)


#: The server's gRPC message limit for the size test (Weaviate's default: 104,858,000).
SMALL_LIMIT = 2_000_000


@pytest.fixture(scope="module")
def small_message_server() -> Iterator[Any]:
    server = WeaviateServer(env={"GRPC_MAX_MESSAGE_SIZE": str(SMALL_LIMIT)})
    server.start()
    yield server
    server.stop()


def test_size_driven_split_follows_the_servers_limit(small_message_server: Any) -> None:
    with weavorm.connect(
        small_message_server.url, grpc_url=small_message_server.grpc_url
    ) as client:
        assert client.grpc_max_message_size == SMALL_LIMIT  # learnt from /v1/meta
        create_all(client, [PlanBlob])
        blobs = [PlanBlob(payload=chr(65 + i % 26) * 300_000) for i in range(20)]
        with Session(client) as s:
            s.add_all(blobs)
            plan, sent = _commit_and_count(s, client)
        # 20 objects of ~300 kB: far below 500 per request, so the size splits them
        assert plan.request_count >= 4
        assert all(r.items <= SMALL_LIMIT // 300_000 for r in plan.requests)
        assert all(r.size <= SMALL_LIMIT for r in plan.requests)
        assert len(sent) == plan.request_count
        assert sent == ["BatchObjects"] * plan.request_count
        count = client.collections.get("PlanBlob").aggregate.over_all(total_count=True)
        assert count.total_count == 20
