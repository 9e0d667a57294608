"""A small Flask app on weavorm: notes with CRUD and keyword search.

Run: ``flask --app notes_app:create_app weavorm migrate --yes`` then
``gunicorn --preload --workers 2 "notes_app:create_app()"`` (WEAVIATE_URL names the server).
"""

import os
from typing import Any
from uuid import UUID

from flask import Flask, abort, request
from notes import Note, Notebook

from weavorm.contrib.flask import Weavorm

db = Weavorm(models=[Notebook, Note], error_handlers=True)

WRITABLE = ("title", "text", "tags")


def _out(note: Note) -> dict[str, Any]:
    return {**note.model_dump(mode="json"), "pid": os.getpid()}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(WEAVORM_TIMEOUT=30, **(config or {}))
    db.init_app(app)

    if os.environ.get("NOTES_CREATE_ALL") == "1":
        # Runs in the gunicorn master under --preload: the workers forked from it
        # must not reuse this client (each makes its own on first use).
        from weavorm.schema import create_all

        with app.app_context():
            create_all(db.client, db.models())

    @app.post("/notes")
    def create_note() -> tuple[dict[str, Any], int]:
        body = request.get_json()
        note = Note(**{k: body[k] for k in WRITABLE if k in body})
        if body.get("notebook"):
            notebook = Notebook(name=body["notebook"])
            db.session.add(db.session.get(Notebook, notebook.id) or notebook)
            note.notebook = notebook
        if "embedding" in body:
            note.vector = body["embedding"]
        db.session.add(note)
        if not body.get("draft"):
            db.session.commit()  # a draft is never committed: teardown discards it
        return _out(note), 201

    @app.get("/notes")
    def list_notes() -> dict[str, Any]:
        query = Note.objects.using(db.session).order_by(request.args.get("order", "title"))
        if "tag" in request.args:
            query = query.filter(tags__contains_any=[request.args["tag"]])
        if "notebook" in request.args:
            query = query.filter(notebook__name=request.args["notebook"])
        return {"notes": [_out(n) for n in query[:100]]}

    @app.get("/notes/<uuid:note_id>")
    def get_note(note_id: UUID) -> dict[str, Any]:
        return _out(Note.objects.using(db.session).get(id=note_id))  # 404 when missing

    @app.patch("/notes/<uuid:note_id>")
    def update_note(note_id: UUID) -> dict[str, Any]:
        note = db.session.get(Note, note_id) or abort(404)
        for key, value in request.get_json().items():
            if key not in WRITABLE:
                abort(400, f"{key} cannot be changed")
            setattr(note, key, value)  # validated: a bad value is a 422
        db.session.commit()
        return _out(note)

    @app.delete("/notes/<uuid:note_id>")
    def delete_note(note_id: UUID) -> tuple[str, int]:
        note = db.session.get(Note, note_id) or abort(404)
        db.session.delete(note)
        db.session.commit()
        return "", 204

    @app.get("/search")
    def search() -> dict[str, Any]:
        q = request.args.get("q", "")
        hits = Note.objects.using(db.session).bm25(q, properties=["title", "text"]).limit(10)
        return {"q": q, "notes": [{**_out(n), "score": n.meta.score} for n in hits]}

    return app
