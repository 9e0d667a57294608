"""Issue 5: the session / unit of work on the real server."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import weavorm
from weavorm import Field, Model, Ref, Session, errors
from weavorm.config import Vectorizer
from weavorm.engine import WeaviateClient
from weavorm.odm.session import ObjectState
from weavorm.odm.signals import post_save, pre_delete
from weavorm.schema import create_all
from weavorm.server import WeaviateServer

pytestmark = pytest.mark.integration


class SesAuthor(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class SesNote(Model):
    title: str = Field(tokenization="field")
    body: str = ""
    stars: int = 0
    author: Ref[SesAuthor] | None = None

    class Meta:
        vectorizer = Vectorizer.none()

    def pre_save(self, *, created: bool) -> None:
        if not self.body:
            self.body = "(empty)"


@pytest.fixture
def db(weaviate_client: WeaviateClient) -> Iterator[WeaviateClient]:
    create_all(weaviate_client, [SesAuthor, SesNote])
    yield weaviate_client


def test_identity_map_and_states(db: WeaviateClient) -> None:
    note = SesNote(title="a", vector=[1.0, 0.0])
    with Session(db) as s:
        assert s.state_of(note) is ObjectState.TRANSIENT
        s.add(note)
        assert s.state_of(note) is ObjectState.PENDING and s.new == [note]
        s.commit()
        assert s.state_of(note) is ObjectState.PERSISTENT and s.new == []
        assert note.body == "(empty)"  # the model's pre_save hook ran
        assert s.get(SesNote, note.id) is note
        assert s.query(SesNote).get(title="a") is note
    assert SesNote.objects.using(db).get(title="a").body == "(empty)"
    with Session(db) as s:
        one = s.get(SesNote, note.id)
        two = s.query(SesNote).filter(title="a").first()
        assert one is not None and one is two
        s.expunge(one)
        assert s.state_of(one) is ObjectState.DETACHED
    assert s.state_of(one) is ObjectState.DETACHED


def test_partial_update_keeps_vector_and_other_properties(db: WeaviateClient) -> None:
    with Session(db) as s:
        s.add(SesNote(title="keep", body="original", stars=1, vector=[0.3, 0.4]))
        s.commit()
    with Session(db) as s:
        loaded = s.query(SesNote).get(title="keep")  # loaded without its vector
        loaded.stars = 5
        assert s.dirty == [loaded]
        plan = s.plan()
        assert [w.fields for w in plan.merges] == [("stars",)]
        s.commit()
        assert s.dirty == []
    stored = SesNote.objects.using(db).with_vector().get(title="keep")
    assert stored.stars == 5 and stored.body == "original"
    assert stored.vector == pytest.approx([0.3, 0.4])
    with Session(db) as s:
        full = s.query(SesNote).with_vector().get(title="keep")
        full.body = "changed"
        assert s.plan().upserts[0].writes[0].mode == "upsert"
        s.commit()
    stored = SesNote.objects.using(db).with_vector().get(title="keep")
    assert stored.body == "changed" and stored.vector == pytest.approx([0.3, 0.4])


def test_revectorize_only_when_a_vectorized_field_changes(
    weaviate_client: WeaviateClient, inference_server: Any
) -> None:
    class SesDoc(Model):
        text: str
        tag: str = Field(default="", vectorize=False, tokenization="field")

        class Meta:
            vectorizer = Vectorizer.text2vec_transformers()

    create_all(weaviate_client, [SesDoc])
    with Session(weaviate_client) as s:
        s.add(SesDoc(text="hello world", tag="x"))
        s.commit()
    before = SesDoc.objects.using(weaviate_client).with_vector().get(tag="x")
    for fully in (False, True):
        inference_server.reset_counters()
        with Session(weaviate_client) as s:
            qs = s.query(SesDoc).with_vector() if fully else s.query(SesDoc)
            doc = qs.get(tag="x" if not fully else "y")
            doc.tag = "y" if not fully else "x"
            assert s.plan().recomputed == {}
            s.commit()
        assert inference_server.calls["vectors"] == 0, f"re-vectorized (fully_loaded={fully})"
    after = SesDoc.objects.using(weaviate_client).with_vector().get(tag="x")
    assert after.vector == pytest.approx(before.vector)
    inference_server.reset_counters()
    with Session(weaviate_client) as s:
        doc = s.query(SesDoc).get(tag="x")
        doc.text = "completely different words"
        assert s.plan().recomputed == {doc.id: ("default",)}
        s.commit()
    assert inference_server.calls["vectors"] >= 1
    changed = SesDoc.objects.using(weaviate_client).with_vector().get(tag="x")
    assert changed.vector != pytest.approx(before.vector)


def test_flush_error_names_the_bad_object_and_keeps_it_pending(db: WeaviateClient) -> None:
    with Session(db) as s:
        s.add(SesNote(title="seed", vector=[1.0, 1.0]))
        s.commit()
        good = [SesNote(title=f"g{i}", vector=[float(i), 1.0]) for i in range(5)]
        bad = SesNote(title="bad", vector=[1.0, 2.0, 3.0])
        s.add_all([*good[:3], bad, *good[3:]])
        with pytest.raises(errors.FlushError) as info:
            s.commit()
        err = info.value
        assert err.failed == [bad]
        assert len(err.errors) == 1 and "length" in next(iter(err.errors.values())).lower()
        assert s.new == [bad]
        assert all(s.state_of(g) is ObjectState.PERSISTENT for g in good)
        assert SesNote.objects.using(db).count() == 6
        bad.vector = [2.0, 2.0]
        s.commit()
        assert s.new == []
    assert SesNote.objects.using(db).count() == 7


def test_rollback_and_leaving_without_commit(db: WeaviateClient) -> None:
    with Session(db) as s:
        s.add(SesNote(title="never"))
    assert SesNote.objects.using(db).count() == 0
    with Session(db) as s:
        s.add(SesNote(title="kept", stars=1))
        s.commit()
        kept = s.query(SesNote).get(title="kept")
        kept.stars = 9
        s.rollback()
        assert kept.stars == 1 and s.dirty == []
    with pytest.raises(RuntimeError), Session.begin(db) as s:
        s.add(SesNote(title="boom"))
        raise RuntimeError("fail")
    assert not SesNote.objects.using(db).filter(title="boom").exists()
    with Session.begin(db) as s:
        s.add(SesNote(title="auto"))
    assert SesNote.objects.using(db).filter(title="auto").exists()


def test_references_created_in_the_same_flush_and_deletes(db: WeaviateClient) -> None:
    saved: list[Any] = []
    deleted: list[Any] = []
    post_save.connect(lambda sender, instance, created: saved.append(instance), sender=SesNote)
    pre_delete.connect(lambda sender, instance: deleted.append(instance), sender=SesNote)
    try:
        with Session(db) as s:
            author = SesAuthor(name="Ada")
            note = SesNote(title="n", author=author)
            s.add_all([note, author])
            plan = s.plan()
            assert plan.counts()["references"] == 1
            s.commit()
            assert saved == [note]
        loaded = SesNote.objects.using(db).select_related("author").get(title="n")
        assert loaded.author is not None and loaded.author.name == "Ada"
        with Session(db) as s:
            victim = s.query(SesNote).get(title="n")
            s.delete(victim)
            assert s.deleted == [victim]
            s.commit()
            assert victim not in s
        assert deleted and deleted[0].id == note.id
        assert SesNote.objects.using(db).count() == 0
    finally:
        post_save._receivers.clear()
        pre_delete._receivers.clear()


async def test_async_session(db: WeaviateClient, async_weaviate_client: Any) -> None:
    async with weavorm.AsyncSession(async_weaviate_client) as s:
        note = SesNote(title="async", vector=[0.5, 0.5])
        s.add(note)
        await s.commit()
        assert await s.get(SesNote, note.id) is note
        found = await s.query(SesNote).aget(title="async")
        assert found is note
        note.stars = 3
        await s.commit()
    assert SesNote.objects.using(db).get(title="async").stars == 3


def test_server_stopped_mid_commit_loses_nothing(tmp_path: Path) -> None:
    """The fault test: stop the server during a 20,000-object commit, restart, commit again."""

    class FaultItem(Model):
        n: int
        label: str

        class Meta:
            vectorizer = Vectorizer.none()
            id_fields = ("n",)

    server = WeaviateServer(data_path=tmp_path / "node")
    server.start()
    try:
        client = weavorm.connect(
            server.url,
            grpc_url=server.grpc_url,
            retry=weavorm.RetryPolicy(max_attempts=2, initial_backoff=0.1),
        )
        create_all(client, [FaultItem])
        session = Session(client)
        session.add_all(
            FaultItem(n=i, label=f"item {i}", vector=[float(i % 7), 1.0, 0.5])
            for i in range(20_000)
        )
        failure: list[BaseException] = []

        def commit() -> None:
            try:
                session.commit()
            except BaseException as exc:
                failure.append(exc)

        sent: list[Any] = []
        client.telemetry.subscribe(
            lambda e: sent.append(e) if e.kind == "stop" and e.target == "BatchObjects" else None
        )
        worker = threading.Thread(target=commit)
        worker.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.is_alive() and len(sent) < 20:
            time.sleep(0.01)
        assert worker.is_alive(), "the commit finished before the server could be stopped"
        server.stop(keep_data=True)
        worker.join(timeout=300)
        assert not worker.is_alive()
        assert failure, "the commit should fail while the server is down"
        assert isinstance(failure[0], errors.WeavormError)
        pending = len(session.new)
        assert 0 < pending <= 20_000
        server.start()
        client.close()
        client = weavorm.connect(server.url, grpc_url=server.grpc_url)
        session.client = client
        session.commit()
        assert session.new == []
        assert FaultItem.objects.using(client).count() == 20_000
        ids = {o.id for o in FaultItem.objects.using(client).iterator(chunk_size=1000)}
        assert len(ids) == 20_000
        client.close()
    finally:
        server.stop()
