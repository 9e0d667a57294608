"""The flush planner is pure: ordering, grouping, splitting, references, re-vectorization."""

from __future__ import annotations

from weavorm import Field, Model, Ref
from weavorm.config import Vectorizer, Vectors
from weavorm.odm.session import Change, ChangeKind, FlushPlan, plan_flush


class PlanAuthor(Model):
    name: str

    class Meta:
        vectorizer = Vectorizer.none()


class PlanBook(Model):
    title: str
    blurb: str = ""
    year: int = Field(default=0, vectorize=False)
    author: Ref[PlanAuthor] | None = None

    class Meta:
        vectorizer = Vectorizer.text2vec_transformers()


class PlanNamed(Model):
    title: str = Field(vectorize="title_vec")
    body: str = Field(default="", vectorize="body_vec")
    year: int = 0

    class Meta:
        vectors = (
            Vectors.text2vec_transformers("title_vec"),
            Vectors.text2vec_transformers("body_vec"),
            Vectors.self_provided("own"),
        )


def test_groups_by_collection_and_tenant_and_orders_operations() -> None:
    a = PlanAuthor(name="a")
    b1 = PlanBook(title="t1", author=a)
    b2 = PlanBook(title="t2")
    gone = PlanAuthor(name="old")
    changes = [
        Change(a, ChangeKind.INSERT),
        Change(b1, ChangeKind.INSERT),
        Change(b2, ChangeKind.INSERT, tenant="t1"),
        Change(gone, ChangeKind.DELETE),
    ]
    plan = plan_flush(changes, max_bytes=10_000_000)
    assert [(g.collection, g.tenant, len(g.writes)) for g in plan.upserts] == [
        ("PlanAuthor", None, 1),
        ("PlanBook", None, 1),
        ("PlanBook", "t1", 1),
    ]
    # the reference to an object created in the same flush goes after the upserts
    assert len(plan.references) == 1
    obj, ref = plan.references[0].references[0]
    assert obj is b1 and ref.to_uuid == str(a.id) and ref.name == "author"
    assert [(d.collection, len(d.objects)) for d in plan.deletes] == [("PlanAuthor", 1)]
    assert plan.counts() == {"insert": 3, "update": 0, "references": 1, "delete": 1}
    assert plan.request_count == 3 + 1 + 1
    # the plan holds the encoded requests, in the order they are sent
    assert [(r.kind, r.collection, r.tenant, r.changes) for r in plan.requests] == [
        ("BatchObjects", "PlanAuthor", None, [0]),
        ("BatchObjects", "PlanBook", None, [1]),
        ("BatchObjects", "PlanBook", "t1", [2]),
        ("BatchReferences", "PlanBook", None, [1]),
        ("BatchDelete", "PlanAuthor", None, [3]),
    ]
    sent = plan.requests[1].call.request
    assert [o.uuid for o in sent.objects] == [str(b1.id)]  # type: ignore[attr-defined]
    assert not sent.objects[0].properties.single_target_ref_props  # type: ignore[attr-defined]
    assert "BatchDelete PlanAuthor: 1 items" in str(plan)


def test_splits_by_count_and_by_message_size() -> None:
    many = [Change(PlanAuthor(name=f"n{i}"), ChangeKind.INSERT) for i in range(250)]
    plan = plan_flush(many, max_bytes=10_000_000, batch_size=100)
    assert [len(r) for r in plan.upserts[0].requests] == [100, 100, 50]
    big = [
        Change(PlanAuthor(name="x" * 5000, vector=[0.1] * 256), ChangeKind.INSERT)
        for _ in range(20)
    ]
    plan = plan_flush(big, max_bytes=30_000, batch_size=100)
    requests = plan.upserts[0].requests
    assert len(requests) >= 4 and sum(len(r) for r in requests) == 20
    huge = [Change(PlanAuthor(name="y" * 50_000), ChangeKind.INSERT)]
    assert plan_flush(huge, max_bytes=20_000).upserts[0].oversized == [0]


def test_what_is_revectorized() -> None:
    new = PlanBook(title="t")
    given = PlanBook(title="t", vector=[0.1, 0.2])
    changed_title = PlanBook(title="t")
    changed_year = PlanBook(title="t")
    plan = plan_flush(
        [
            Change(new, ChangeKind.INSERT),
            Change(given, ChangeKind.INSERT),
            Change(changed_title, ChangeKind.UPDATE, changed=frozenset({"title"})),
            Change(changed_year, ChangeKind.UPDATE, changed=frozenset({"year"})),
        ],
        max_bytes=10_000_000,
    )
    assert plan.recomputed == {new.id: ("default",), changed_title.id: ("default",)}
    # partly loaded updates are merges of the changed fields only
    assert [(w.obj, w.fields) for w in plan.merges] == [
        (changed_title, ("title",)),
        (changed_year, ("year",)),
    ]


def test_named_vectors_recomputed_only_for_their_sources() -> None:
    obj = PlanNamed(title="a", body="b", vectors={"own": [1.0, 2.0]})
    plan = plan_flush(
        [Change(obj, ChangeKind.UPDATE, changed=frozenset({"body"}), fully_loaded=True)],
        max_bytes=10_000_000,
    )
    write = plan.upserts[0].writes[0]
    assert write.mode == "upsert" and write.recomputed_vectors == ("body_vec",)
    plan = plan_flush(
        [Change(obj, ChangeKind.UPDATE, changed=frozenset({"year"}), fully_loaded=True)],
        max_bytes=10_000_000,
    )
    assert plan.recomputed == {}
    fresh = PlanNamed(title="a")
    plan = plan_flush([Change(fresh, ChangeKind.INSERT)], max_bytes=10_000_000)
    assert plan.recomputed == {fresh.id: ("title_vec", "body_vec")}


def test_every_request_fits_the_message_limit_and_count() -> None:
    objs = [PlanAuthor(name="x" * (1000 + 37 * i)) for i in range(60)]
    limit = 12_000
    plan = plan_flush([Change(o, ChangeKind.INSERT) for o in objs], max_bytes=limit, batch_size=7)
    sizes = [r.size for r in plan.requests]
    assert all(size <= limit for size in sizes)
    assert all(r.items <= 7 for r in plan.requests)
    carried = [i for r in plan.requests for i in r.changes]
    assert carried == list(range(60))  # every object once, in order
    # the size split happens: some requests are below the count limit
    assert any(r.items < 7 for r in plan.requests[:-1])


def test_consistency_is_written_into_every_request() -> None:
    from weavorm._proto.v1 import base_pb2

    a = PlanAuthor(name="a")
    book = PlanBook(title="t", author=a)
    plan = plan_flush(
        [
            Change(a, ChangeKind.INSERT),
            Change(book, ChangeKind.INSERT),
            Change(PlanAuthor(name="gone"), ChangeKind.DELETE),
        ],
        max_bytes=10_000_000,
        consistency="QUORUM",
    )
    kinds = [r.kind for r in plan.requests]
    assert kinds == ["BatchObjects", "BatchObjects", "BatchReferences", "BatchDelete"]
    for request in plan.requests:
        level = request.call.request.consistency_level  # type: ignore[attr-defined]
        assert level == base_pb2.CONSISTENCY_LEVEL_QUORUM


def test_merges_are_the_engines_patch_with_only_the_changed_fields() -> None:
    book = PlanBook(title="t", blurb="b", year=3)
    plan = plan_flush(
        [Change(book, ChangeKind.UPDATE, tenant="t-1", changed=frozenset({"year"}))],
        max_bytes=10_000_000,
    )
    (request,) = plan.requests
    assert request.kind == "PATCH"
    call = request.call
    assert call.method == "PATCH"  # type: ignore[union-attr]
    assert call.path == f"/v1/objects/PlanBook/{book.id}"  # type: ignore[union-attr]
    assert call.json["properties"] == {"year": 3}  # type: ignore[union-attr]
    assert call.json["tenant"] == "t-1"  # type: ignore[union-attr]


def test_the_streamed_plan_is_the_plan() -> None:
    from weavorm.odm.session.planner import stream_flush

    authors = [PlanAuthor(name=f"a{i}") for i in range(5)]
    changes = [Change(a, ChangeKind.INSERT) for a in authors]
    changes += [
        Change(PlanBook(title=f"b{i}", author=authors[i % 5]), ChangeKind.INSERT) for i in range(23)
    ]
    changes.append(Change(PlanBook(title="m"), ChangeKind.UPDATE, changed=frozenset({"year"})))
    changes.append(Change(PlanAuthor(name="gone"), ChangeKind.DELETE))
    eager = plan_flush(changes, max_bytes=10_000_000, batch_size=4)
    plan, stream = stream_flush(changes, max_bytes=10_000_000, batch_size=4)
    streamed = list(stream)
    assert [r.kind for r in streamed] == ["BatchObjects"] * len(streamed)

    def shape(p: FlushPlan) -> list[tuple[str, list[int], bytes]]:
        return [
            (r.kind, r.changes, r.call.request.SerializeToString())  # type: ignore[union-attr]
            if r.kind != "PATCH"
            else (r.kind, r.changes, b"")
            for r in p.requests
        ]

    assert shape(plan) == shape(eager)
    assert streamed == [r for r in plan.requests if r.kind == "BatchObjects"]
