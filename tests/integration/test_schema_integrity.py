"""Issue 10 (schema): rollback keeps newer writes, create_all is idempotent and race-safe."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from weavorm import Field, Model, Ref
from weavorm.config import Vectorizer
from weavorm.engine import WeaviateClient
from weavorm.engine.options import QueryReference
from weavorm.engine.types import DataObject
from weavorm.errors import MigrationError, SchemaError
from weavorm.schema import create_all, migrate, rollback

pytestmark = pytest.mark.integration


def _models(name: str) -> tuple[type[Model], type[Model], type[Model]]:
    class Author(Model):
        name: str = Field(tokenization="field")

        class Meta:
            collection = f"{name}Author"
            vectorizer = Vectorizer.none()

    class Note(Model):
        title: str = Field(tokenization="word")
        n: int = 0
        author: Ref[Author] | None = None

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    class NoteField(Model):  # breaking: the tokenization changes
        title: str = Field(tokenization="field")
        n: int = 0
        author: Ref[Author] | None = None

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    return Author, Note, NoteField


def _titles(client: WeaviateClient, collection: str) -> list[str]:
    col = client.collections.get(collection)
    return sorted(str(o.properties["title"]) for o in col.query.iterator())


def test_rollback_carries_writes_since_the_migration_back(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    name = collection_name
    author_model, note_model, field_model = _models(name)
    create_all(weaviate_client, [author_model, note_model])
    ada = author_model(name="Ada")
    weaviate_client.collections.get(f"{name}Author").data.insert({"name": "Ada"}, uuid=ada.id)
    col = weaviate_client.collections.get(name)
    rows = [DataObject(properties={"title": f"note {i}", "n": i}) for i in range(27)]
    assert not col.data.insert_many(rows).errors
    migrate(weaviate_client, [author_model, field_model], allow_breaking=True)
    assert weaviate_client.aliases.list_all()[name].collection == f"{name}_v2"
    # written through the alias, so into Name_v2: a new object and a changed one
    alias = weaviate_client.collections.get(name)
    new_id = alias.data.insert({"title": "written after migrate", "n": 99})
    alias.data.reference_add(new_id, "author", ada.id)
    changed = next(o for o in alias.query.iterator() if o.properties["n"] == 3)
    alias.data.update(changed.uuid, {"title": "note 3 changed"})
    assert rollback(weaviate_client, name) == f"{name}_v1"
    titles = _titles(weaviate_client, name)
    assert len(titles) == 28 and "written after migrate" in titles
    assert "note 3 changed" in titles and "note 3" not in titles
    back = weaviate_client.collections.get(name).query.fetch_object_by_id(
        new_id, return_references=QueryReference("author", return_properties=["name"])
    )
    assert back is not None and back.properties["n"] == 99
    assert [o.uuid for o in back.references["author"].objects] == [ada.id]
    # the next migration copies from Name_v1: nothing is lost on the way to Name_v3
    applied = migrate(weaviate_client, [author_model, field_model], allow_breaking=True)
    assert applied.migrated == {name: f"{name}_v3"}
    titles = _titles(weaviate_client, name)
    assert len(titles) == 28 and "written after migrate" in titles


def test_rollback_refuses_writes_it_cannot_carry_back(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    name = collection_name

    class Old(Model):
        value: int = 0

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    class New(Model):  # int -> text converts forward, but "x" has no int to go back to
        value: str = Field("", tokenization="field")

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    create_all(weaviate_client, [Old])
    weaviate_client.collections.get(name).data.insert({"value": 1})
    migrate(weaviate_client, [New], allow_breaking=True)
    weaviate_client.collections.get(name).data.insert({"value": "x"})
    with pytest.raises(MigrationError) as info:
        rollback(weaviate_client, name)
    assert "1 object(s) written" in str(info.value) and "nothing was changed" in str(info.value)
    assert "discard_newer=True" in str(info.value)
    assert weaviate_client.aliases.list_all()[name].collection == f"{name}_v2"  # unchanged
    assert rollback(weaviate_client, name, discard_newer=True) == f"{name}_v1"
    assert len(weaviate_client.collections.get(f"{name}_v2")) == 2  # still kept there


RACE = """
import json, sys, time
from pathlib import Path
from weavorm import Field, Model, Ref
from weavorm.config import Vectorizer
from weavorm.engine import connect
from weavorm.schema import create_all

prefix, url, grpc_url, go = sys.argv[1:5]

class A(Model):
    name: str = Field(tokenization="field")
    class Meta:
        collection = prefix + "A"
        vectorizer = Vectorizer.none()

class B(Model):
    title: str = ""
    a: Ref[A] | None = None
    class Meta:
        collection = prefix + "B"
        vectorizer = Vectorizer.none()

class C(Model):
    n: int = 0
    b: Ref[B] | None = None
    class Meta:
        collection = prefix + "C"
        vectorizer = Vectorizer.none()

with connect(url, grpc_url=grpc_url) as client:
    client.is_ready()
    deadline = time.monotonic() + 60
    while not Path(go).exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    print(json.dumps(create_all(client, [A, B, C])))
"""


def test_create_all_from_four_processes_at_once(
    weaviate_server: object, weaviate_client: WeaviateClient, tmp_path: Path, collection_name: str
) -> None:
    script = tmp_path / "race.py"
    script.write_text(textwrap.dedent(RACE))
    go = tmp_path / "go"
    url = weaviate_server.url  # type: ignore[attr-defined]
    grpc_url = weaviate_server.grpc_url  # type: ignore[attr-defined]
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), collection_name, url, grpc_url, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    time.sleep(2.0)  # let every worker import and connect (no timing is asserted)
    go.write_text("go")
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    created = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    names = sorted(n for c in created for n in c)
    assert names == sorted(f"{collection_name}{s}" for s in "ABC")  # each created once
    live = weaviate_client.collections.export_dict(f"{collection_name}C")
    assert [p["name"] for p in live["properties"]] == ["n", "b"]


def test_create_all_existing_identical_is_fine_different_is_named(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    name = collection_name
    _, note_model, field_model = _models(name)
    author_model = _models(name)[0]
    assert sorted(create_all(weaviate_client, [author_model, note_model])) == sorted(
        [name, f"{name}Author"]
    )
    assert create_all(weaviate_client, [author_model, note_model]) == []
    with pytest.raises(SchemaError) as info:
        create_all(weaviate_client, [author_model, field_model])
    assert name in str(info.value) and "title" in str(info.value)
    assert "tokenization" in str(info.value)
