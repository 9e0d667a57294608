"""weavorm.schema migrate / rollback on a real server: in-place changes and shadow copies."""

from __future__ import annotations

import random
import time
import uuid
from typing import Any

import pytest

from weavorm import Field, Model, Ref, Refs
from weavorm.config import (
    Generative,
    MultiTenancy,
    Quantizer,
    VectorIndex,
    Vectorizer,
    Vectors,
)
from weavorm.engine import WeaviateClient
from weavorm.engine.options import QueryReference
from weavorm.engine.types import DataObject, DataReference
from weavorm.errors import MigrationError, SchemaError
from weavorm.schema import create_all, diff, drop_all, migrate, rollback

pytestmark = pytest.mark.integration


def _names(client: WeaviateClient) -> list[str]:
    return sorted(client.collections.list_dicts())


def _aliases(client: WeaviateClient) -> dict[str, str]:
    return {k: v.collection for k, v in client.aliases.list_all().items()}


def test_safe_changes_are_applied_in_place(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    name = collection_name

    class Note(Model):
        title: str = Field(vectorize="tv")
        body: str = Field(vectorize=False)

        class Meta:
            collection = name
            vectors = (Vectors.text2vec_transformers("tv"),)

    create_all(weaviate_client, [Note])
    col = weaviate_client.collections.get(name)
    assert not col.data.insert_many([{"title": f"t{i}", "body": "b"} for i in range(5)]).errors

    class Note2(Model):
        title: str = Field(vectorize=["tv", "tv2"])
        body: str = Field(vectorize=False, index_filterable=False, description="The text")
        extra: int | None = None
        other: Refs[Note] = Field(default_factory=list)

        class Meta:
            collection = name
            description = "Notes"
            vectors = (
                Vectors.text2vec_transformers(
                    "tv", vector_index=VectorIndex.hnsw(ef=77, quantizer=Quantizer.bq())
                ),
                Vectors.text2vec_transformers("tv2"),
            )
            generative = Generative.openai(model="gpt-4o")

    plan = diff(weaviate_client, [Note2])
    assert plan.safe
    assert sorted(op.kind for op in plan) == [
        "add_named_vector",
        "add_property",
        "add_reference",
        "drop_index",
        "update_config",
        "update_config",
        "update_config",
        "update_description",
        "update_description",
    ]
    applied = migrate(weaviate_client, [Note2])
    assert applied.operations == plan.operations
    assert not applied.migrated
    assert not diff(weaviate_client, [Note2])
    assert _aliases(weaviate_client) == {}
    live = weaviate_client.collections.export_dict(name)
    assert live["description"] == "Notes"
    assert live["vectorConfig"]["tv"]["vectorIndexConfig"]["ef"] == 77
    assert live["vectorConfig"]["tv"]["vectorIndexConfig"]["bq"]["enabled"] is True
    assert set(live["vectorConfig"]) == {"tv", "tv2"}
    assert live["moduleConfig"]["generative-openai"]["model"] == "gpt-4o"
    body = next(p for p in live["properties"] if p["name"] == "body")
    assert body["indexFilterable"] is False and body["description"] == "The text"
    assert len(col) == 5


def test_breaking_changes_are_refused_without_permission(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    name = collection_name

    class Item(Model):
        n: int = 0

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    create_all(weaviate_client, [Item])

    class Item2(Model):
        n: str = ""
        m: int = 0

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    with pytest.raises(MigrationError) as info:
        migrate(weaviate_client, [Item2])
    message = str(info.value)
    assert "1 breaking change(s)" in message
    assert "change data type of 'n': 'int' -> 'text'" in message
    assert "allow_breaking=True" in message
    # nothing was applied, not even the safe part
    props = weaviate_client.collections.export_dict(name)["properties"]
    assert [p["name"] for p in props] == ["n"]


class SmBook(Model):
    title: str = Field(tokenization="word")
    year: int = 0
    cites: Refs[SmBook] = Field(default_factory=list)

    class Meta:
        vectorizer = Vectorizer.none()


class SmShelf(Model):
    label: str = Field("", tokenization="field")
    books: Refs[SmBook] = Field(default_factory=list)

    class Meta:
        vectorizer = Vectorizer.none()


class SmBook2(Model):
    title: str = Field(tokenization="field")
    year: float = 0.0
    pages: int | None = None
    cites: Refs[SmBook2] = Field(default_factory=list)

    class Meta:
        collection = "SmBook"
        vectorizer = Vectorizer.none()


def test_shadow_migration_of_10000_objects_loses_none(
    weaviate_client: WeaviateClient, capsys: pytest.CaptureFixture[str]
) -> None:
    Book, Shelf, Book2 = SmBook, SmShelf, SmBook2
    book_name, shelf_name = "SmBook", "SmShelf"
    create_all(weaviate_client, [Book, Shelf])
    count = 10_000
    rng = random.Random(7)
    ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(count)]
    vectors = {u: [rng.random() for _ in range(16)] for u in ids}
    books = weaviate_client.collections.get(book_name)
    result = books.data.insert_many(
        [
            DataObject(
                properties={"title": f"book {i}", "year": 1900 + i % 120},
                uuid=u,
                vector=vectors[u],
            )
            for i, u in enumerate(ids)
        ]
    )
    assert not result.errors
    refs = books.data.reference_add_many(
        [DataReference(u, "cites", [ids[(i + 1) % count]]) for i, u in enumerate(ids)]
    )
    assert not refs.errors
    shelf_id = uuid.uuid4()
    shelves = weaviate_client.collections.get(shelf_name)
    shelves.data.insert_many([DataObject(properties={"label": "top"}, uuid=shelf_id)])
    shelves.data.reference_add_many([DataReference(shelf_id, "books", ids[:3])])

    plan = diff(weaviate_client, [Book2, Shelf])
    assert [(op.collection, op.kind) for op in plan.breaking] == [
        (book_name, "change_tokenization"),
        (book_name, "change_data_type"),
        (shelf_name, "retarget_references"),
    ]
    started = time.perf_counter()
    applied = migrate(weaviate_client, [Book2, Shelf], allow_breaking=True)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nshadow migration of {count} objects (+ v1 copy): {elapsed:.1f}s")
    assert applied.migrated == {book_name: f"{book_name}_v2", shelf_name: f"{shelf_name}_v2"}
    assert _aliases(weaviate_client) == {
        book_name: f"{book_name}_v2",
        shelf_name: f"{shelf_name}_v2",
    }
    assert _names(weaviate_client) == sorted(
        [f"{book_name}_v1", f"{book_name}_v2", f"{shelf_name}_v1", f"{shelf_name}_v2"]
    )
    assert not diff(weaviate_client, [Book2, Shelf])

    new = weaviate_client.collections.get(book_name)
    assert len(new) == count
    assert len(weaviate_client.collections.get(f"{book_name}_v1")) == count
    seen = 0
    next_of = {u: ids[(i + 1) % count] for i, u in enumerate(ids)}
    for obj in new.query.iterator(
        include_vector=True,
        return_references=QueryReference("cites", return_properties=[]),
        cache_size=1000,
    ):
        seen += 1
        assert isinstance(obj.properties["year"], float)
        assert obj.vector["default"] == pytest.approx(vectors[obj.uuid], abs=1e-6)
        assert [o.uuid for o in obj.references["cites"].objects] == [next_of[obj.uuid]]
        assert obj.references["cites"].objects[0].collection == f"{book_name}_v2"
    assert seen == count

    # the ODM reads through the aliases; references from the other collection resolve
    shelf = Shelf.objects.using(weaviate_client).select_related("books").get(label="top")
    assert sorted(str(b.id) for b in shelf.books) == sorted(str(u) for u in ids[:3])
    assert {b.obj.year for b in shelf.books} <= {1900.0, 1901.0, 1902.0}
    assert Book2.objects.using(weaviate_client).filter(year__gte=2019.0).count() == (count // 120)

    # rollback points the aliases at the kept originals
    assert rollback(weaviate_client, book_name) == f"{book_name}_v1"
    assert rollback(weaviate_client, shelf_name) == f"{shelf_name}_v1"
    old = weaviate_client.collections.get(book_name)
    first = next(iter(old.query.iterator(return_properties=["year"])))
    assert isinstance(first.properties["year"], int)
    with pytest.raises(SchemaError, match="no earlier version"):
        rollback(weaviate_client, book_name)
    assert diff(weaviate_client, [Book2, Shelf]).breaking

    # migrating again makes a third version next to the kept ones
    applied = migrate(weaviate_client, [Book2, Shelf], allow_breaking=True)
    assert applied.migrated == {book_name: f"{book_name}_v3", shelf_name: f"{shelf_name}_v3"}
    assert len(weaviate_client.collections.get(book_name)) == count
    assert rollback(weaviate_client, book_name) == f"{book_name}_v2"

    drop_all(weaviate_client, [Book2, Shelf])
    assert _names(weaviate_client) == []
    assert _aliases(weaviate_client) == {}


def test_failed_conversion_changes_nothing(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    name = collection_name

    class Code(Model):
        value: str = ""

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    create_all(weaviate_client, [Code])
    col = weaviate_client.collections.get(name)
    col.data.insert_many([{"value": str(i)} for i in range(50)] + [{"value": "x-1"}])

    class Code2(Model):
        value: int = 0

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    with pytest.raises(MigrationError, match=r"cannot convert value='x-1'"):
        migrate(weaviate_client, [Code2], allow_breaking=True)
    assert _names(weaviate_client) == [name]
    assert _aliases(weaviate_client) == {}
    assert len(col) == 51
    # the source was made writable again
    assert not col.data.insert_many([{"value": "99"}]).errors

    applied = migrate(
        weaviate_client,
        [Code2],
        allow_breaking=True,
        converters={f"{name}.value": lambda v: int(v.replace("x", ""))},
    )
    assert applied.migrated == {name: f"{name}_v2"}
    values = sorted(o.properties["value"] for o in col.query.iterator() if o.properties)
    assert -1 in values and len(values) == 52


def test_impossible_type_change_is_reported_before_copying(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    name = collection_name

    weaviate_client.collections.create_from_dict(
        {
            "class": name,
            "vectorizer": "none",
            "properties": [{"name": "where", "dataType": ["geoCoordinates"]}],
        }
    )

    class Place2(Model):
        where: int = 0

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    with pytest.raises(MigrationError, match=f"{name}.where: no conversion from 'geoCoordinates'"):
        migrate(weaviate_client, [Place2], allow_breaking=True)
    assert _names(weaviate_client) == [name]


def test_vectors_are_kept_or_recomputed(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    name = collection_name

    class Doc(Model):
        title: str = Field(vectorize="tv")
        body: str = Field(vectorize="bv")
        n: int = 0

        class Meta:
            collection = name
            vectors = (
                Vectors.text2vec_transformers("tv"),
                Vectors.text2vec_transformers("bv"),
            )

    create_all(weaviate_client, [Doc])
    col = weaviate_client.collections.get(name)
    col.data.insert_many([{"title": f"title {i}", "body": f"{i}", "n": i} for i in range(10)])
    before = {o.uuid: o.vector for o in col.query.iterator(include_vector=True)}

    class Doc2(Model):
        title: str = Field(vectorize="tv")
        body: list[str] = Field(vectorize="bv", default_factory=list)
        n: str = ""

        class Meta:
            collection = name
            vectors = (
                Vectors.text2vec_transformers("tv"),
                Vectors.text2vec_transformers("bv"),
            )

    migrate(weaviate_client, [Doc2], allow_breaking=True)
    after = {o.uuid: o for o in col.query.iterator(include_vector=True)}
    assert after.keys() == before.keys()
    for uid, obj in after.items():
        assert obj.vector["tv"] == before[uid]["tv"]  # carried over untouched
        assert len(obj.vector["bv"]) == len(before[uid]["bv"])  # re-vectorized by the server
        assert obj.properties["body"] == [obj.properties["n"]]  # int -> text, text -> text[]


def test_multi_tenant_collection(weaviate_client: WeaviateClient, collection_name: str) -> None:
    name = collection_name

    class Entry(Model):
        n: int = 0

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()
            multi_tenancy = MultiTenancy(True)

    create_all(weaviate_client, [Entry])
    col = weaviate_client.collections.get(name)
    col.tenants.create(["a", "b"])
    col.with_tenant("a").data.insert_many([{"n": i} for i in range(30)])
    col.with_tenant("b").data.insert_many([{"n": i} for i in range(7)])

    class Entry2(Model):
        n: float = 0.0

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()
            multi_tenancy = MultiTenancy(True)

    applied = migrate(weaviate_client, [Entry2], allow_breaking=True)
    assert applied.migrated == {name: f"{name}_v2"}
    assert len(col.with_tenant("a")) == 30
    assert len(col.with_tenant("b")) == 7
    assert sorted(weaviate_client.collections.get(name).tenants.get()) == ["a", "b"]
    values = {o.properties["n"] for o in col.with_tenant("b").query.iterator()}
    assert values == {float(i) for i in range(7)}


def test_references_from_a_collection_without_a_model_block_the_migration(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    name, other = collection_name, f"{collection_name}Other"

    class Target(Model):
        n: int = 0

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    create_all(weaviate_client, [Target])
    weaviate_client.collections.create_from_dict(
        {
            "class": other,
            "vectorizer": "none",
            "properties": [{"name": "to", "dataType": [name]}],
        }
    )

    class Target2(Model):
        n: str = ""

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    plan = diff(weaviate_client, [Target2])
    assert [op.kind for op in plan] == ["change_data_type", "inbound_references"]
    with pytest.raises(MigrationError, match="other collections reference"):
        migrate(weaviate_client, [Target2], allow_breaking=True)
    assert _names(weaviate_client) == sorted([name, other])


def test_multi_target_references_and_new_models_after_a_migration(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    a_name, b_name, c_name = (f"{collection_name}{x}" for x in "ABC")

    class A(Model):
        n: int = 0

        class Meta:
            collection = a_name
            vectorizer = Vectorizer.none()

    class B(Model):
        label: str = ""

        class Meta:
            collection = b_name
            vectorizer = Vectorizer.none()

    class C(Model):
        to: Refs[A | B] = Field(default_factory=list)  # type: ignore[type-arg]

        class Meta:
            collection = c_name
            vectorizer = Vectorizer.none()

    create_all(weaviate_client, [A, B, C])
    ua, ub, uc = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    weaviate_client.collections.get(a_name).data.insert_many([DataObject({"n": 1}, ua)])
    weaviate_client.collections.get(b_name).data.insert_many([DataObject({"label": "b"}, ub)])
    cc = weaviate_client.collections.get(c_name)
    cc.data.insert_many([DataObject({}, uc)])
    added = cc.data.reference_add_many(
        [DataReference(uc, "to", [ua], a_name), DataReference(uc, "to", [ub], b_name)]
    )
    assert not added.errors

    class A2(Model):
        n: float = 0.0

        class Meta:
            collection = a_name
            vectorizer = Vectorizer.none()

    class D(Model):
        a: Ref[A2] | None = None

        class Meta:
            collection = f"{collection_name}D"
            vectorizer = Vectorizer.none()

    plan = migrate(weaviate_client, [A2, B, C, D], allow_breaking=True)
    assert plan.migrated == {a_name: f"{a_name}_v2", c_name: f"{c_name}_v2"}
    assert not diff(weaviate_client, [A2, B, C, D])
    new_c = weaviate_client.collections.get(c_name)
    for target, expected in ((f"{a_name}_v2", ua), (b_name, ub)):
        obj = next(
            iter(
                new_c.query.iterator(
                    return_references=QueryReference.multi_target(
                        "to", target, return_properties=[]
                    )
                )
            )
        )
        assert [o.uuid for o in obj.references["to"].objects] == [expected]
    # a new model referencing the migrated collection points at its current version
    d_props = weaviate_client.collections.export_dict(f"{collection_name}D")["properties"]
    assert d_props[0]["dataType"] == [f"{a_name}_v2"]


def test_rollback_needs_a_migrated_collection(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    weaviate_client.collections.create_from_dict({"class": collection_name})
    with pytest.raises(SchemaError, match="it is a plain collection"):
        rollback(weaviate_client, collection_name)
    with pytest.raises(SchemaError, match="no such collection or alias"):
        rollback(weaviate_client, collection_name + "Nope")


def test_count_mismatch_undoes_the_migration(
    weaviate_client: WeaviateClient, collection_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weavorm.schema import _copy

    name = collection_name

    class Row(Model):
        n: int = 0

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    create_all(weaviate_client, [Row])
    col = weaviate_client.collections.get(name)
    col.data.insert_many([{"n": i} for i in range(40)])

    real_write = _copy._write

    def lossy(handle: Any, objects: list[Any], *, what: str) -> int:
        if what.endswith("_v2"):
            real_write(handle, objects[:-1], what=what)  # one object goes missing
            return len(objects)
        return real_write(handle, objects, what=what)

    monkeypatch.setattr(_copy, "_write", lossy)

    class Row2(Model):
        n: float = 0.0

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    with pytest.raises(MigrationError, match=f"the source has 40 objects but {name}_v2 has 39"):
        migrate(weaviate_client, [Row2], allow_breaking=True)
    assert _names(weaviate_client) == [name]
    assert _aliases(weaviate_client) == {}
    assert len(col) == 40
    assert not col.data.insert_many([{"n": 41}]).errors  # writable again
    assert diff(weaviate_client, [Row2]).breaking
