"""weavorm.contrib.flask: the notes example through Flask's test client and CLI runner,
and under gunicorn --preload with 2 workers."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.webservers import EXAMPLES, free_port, hammer, serve, server_env
from weavorm.odm.binding import release

pytestmark = pytest.mark.integration

APP_DIR = EXAMPLES / "flask_app"
sys.path.insert(0, str(APP_DIR))

from notes import Note, Notebook  # noqa: E402
from notes_app import create_app, db  # noqa: E402


@pytest.fixture
def app(weaviate_server: Any, weaviate_client: Any) -> Iterator[Any]:
    app = create_app(
        {"WEAVORM_URL": weaviate_server.url, "WEAVORM_GRPC_URL": weaviate_server.grpc_url}
    )
    app.config["TESTING"] = True
    yield app
    app.extensions["weavorm"].client.close()
    release(db.client_factory)


@pytest.fixture
def client(app: Any) -> Any:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["weavorm", "migrate", "--yes"]).exit_code == 0
    return app.test_client()


def test_cli_commands(app: Any, weaviate_client: Any) -> None:
    runner = app.test_cli_runner()
    diff = runner.invoke(args=["weavorm", "diff", "--check"])
    assert diff.exit_code == 1 and "Note" in diff.output and "Notebook" in diff.output
    check = runner.invoke(args=["weavorm", "migrate", "--check"])
    assert check.exit_code == 1 and not weaviate_client.collections.exists("Note")
    refused = runner.invoke(args=["weavorm", "migrate"])  # no terminal to ask on
    assert refused.exit_code == 1 and "--yes" in refused.output
    done = runner.invoke(args=["weavorm", "migrate", "--yes"])
    assert done.exit_code == 0, done.output
    assert weaviate_client.collections.exists("Note")
    assert runner.invoke(args=["weavorm", "diff", "--check"]).exit_code == 0
    inspect = runner.invoke(args=["weavorm", "inspect", "Note"])
    assert inspect.exit_code == 0 and "class Note(Model):" in inspect.output
    doctor = runner.invoke(args=["weavorm", "doctor"])
    assert doctor.exit_code == 0 and "verdict: OK" in doctor.output


def test_crud_search_and_session_per_request(client: Any) -> None:
    made = client.post(
        "/notes", json={"title": "Groceries", "text": "milk and eggs", "tags": ["home"]}
    )
    assert made.status_code == 201
    note = made.get_json()
    assert "vector" not in note and note["tags"] == ["home"]
    client.post("/notes", json={"title": "Ideas", "text": "a vector database ODM"})

    got = client.get(f"/notes/{note['id']}").get_json()
    assert got["text"] == "milk and eggs"
    assert [n["title"] for n in client.get("/notes").get_json()["notes"]] == ["Groceries", "Ideas"]
    assert [n["title"] for n in client.get("/notes?tag=home").get_json()["notes"]] == ["Groceries"]

    patched = client.patch(f"/notes/{note['id']}", json={"text": "milk, eggs, bread"})
    assert patched.get_json()["text"] == "milk, eggs, bread"
    stored = Note.objects.using(db.client).get(id=note["id"])
    assert (stored.title, stored.tags, stored.text) == ("Groceries", ["home"], "milk, eggs, bread")

    hits = client.get("/search?q=bread").get_json()["notes"]
    assert [h["title"] for h in hits] == ["Groceries"]

    assert client.delete(f"/notes/{note['id']}").status_code == 204
    assert client.get(f"/notes/{note['id']}").status_code == 404


def test_uncommitted_changes_are_discarded_at_teardown(client: Any, app: Any) -> None:
    draft = client.post("/notes", json={"title": "Draft", "draft": True})
    assert draft.status_code == 201
    assert client.get(f"/notes/{draft.get_json()['id']}").status_code == 404
    assert Note.objects.using(db.client).count() == 0
    with app.test_request_context():
        first = db.session
        assert db.session is first
    with app.test_request_context():
        assert db.session is not first


def test_references_and_derived_ids(client: Any) -> None:
    client.post("/notes", json={"title": "Plan", "notebook": "work"})
    client.post("/notes", json={"title": "Retro", "notebook": "work"})
    client.post("/notes", json={"title": "Recipe", "notebook": "home"})
    assert Notebook.objects.using(db.client).count() == 2  # id derived from the name
    titles = [n["title"] for n in client.get("/notes?notebook=work").get_json()["notes"]]
    assert titles == ["Plan", "Retro"]


def test_error_handlers(client: Any) -> None:
    missing = client.get(f"/notes/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"

    bad_query = client.get("/notes?order=colour")
    assert bad_query.status_code == 400 and "colour" in bad_query.get_json()["detail"]

    invalid = client.post("/notes", json={"title": ""})
    assert invalid.status_code == 422
    assert invalid.get_json()["detail"][0]["loc"] == ["title"]

    ok = client.post("/notes", json={"title": "three", "embedding": [0.1, 0.2, 0.3]})
    assert ok.status_code == 201
    refused = client.post("/notes", json={"title": "four", "embedding": [0.1, 0.2, 0.3, 0.4]})
    assert refused.status_code == 503  # the server refused the write (vector length)
    body = refused.get_json()
    assert body["error"] == "write_failed" and "length" in body["detail"]


def test_under_gunicorn_with_two_workers(weaviate_server: Any, weaviate_client: Any) -> None:
    port = free_port()
    env = server_env(weaviate_server, NOTES_CREATE_ALL="1")  # the master connects first
    args = ["gunicorn", "--preload", "--workers", "2", "-b", f"127.0.0.1:{port}"]
    args += ["notes_app:create_app()"]

    def job(client: httpx.Client, i: int) -> int:
        title = f"note {i} {uuid.uuid4().hex[:8]}"
        made = client.post("/notes", json={"title": title, "tags": [f"t{i}"]})
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["title"] == title
        again = client.get(f"/notes/{body['id']}").json()
        assert (again["id"], again["title"], again["tags"]) == (body["id"], title, [f"t{i}"])
        return int(body["pid"])

    with serve(args, cwd=APP_DIR, env=env, port=port, ready_path="/notes") as base:
        pids = hammer(base, job, requests=64, threads=16)
        tagged = httpx.get(base + "/notes?tag=t7", timeout=30).json()["notes"]
    assert [n["tags"] for n in tagged] == [["t7"]]
    assert len(pids) == 64
    print(f"64 requests served by {len({str(pid) for pid in pids})} worker process(es)")
    assert weaviate_client.collections.get("Note").aggregate.over_all().total_count == 64
