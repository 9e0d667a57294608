"""weavorm.contrib.fastapi: the blog example through httpx's ASGI transport (lifespan
included), its OpenAPI document, and the app under uvicorn with 2 workers."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.integration.webservers import EXAMPLES, free_port, hammer, serve, server_env
from weavorm import AsyncSession
from weavorm.contrib.fastapi import Weavorm, get_client, schemas
from weavorm.errors import MigrationError

pytestmark = pytest.mark.integration

APP_DIR = EXAMPLES / "fastapi_app"
sys.path.insert(0, str(APP_DIR))

import blog_app  # noqa: E402
from blog import Post, Writer  # noqa: E402


@pytest.fixture
async def api(
    weaviate_server: Any, weaviate_client: Any, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("WEAVIATE_URL", weaviate_server.url)  # the example reads the env
    monkeypatch.setenv("WEAVIATE_GRPC_URL", weaviate_server.grpc_url)
    monkeypatch.delenv("WEAVIATE_API_KEY", raising=False)
    app = blog_app.app
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://blog") as client:
            yield client


async def test_openapi_renders_models_and_schemas(api: httpx.AsyncClient) -> None:
    reply = await api.get("/openapi.json")
    assert reply.status_code == 200
    components = reply.json()["components"]["schemas"]
    post_in, post_out, post = components["PostIn"], components["PostOut"], components["Post"]
    assert "id" not in post_in["properties"] and "vector" not in post_in["properties"]
    assert post_in["properties"]["writer"]["anyOf"][0] == {"type": "string", "format": "uuid"}
    assert post_out["properties"]["id"]["readOnly"] is True
    assert {"$ref": "#/components/schemas/WriterRef"} in post_out["properties"]["writer"]["anyOf"]
    assert post["properties"]["writer"]["anyOf"][0]["format"] == "uuid"  # Ref's JSON schema
    assert "vector" not in post["properties"]  # serialization schema: no vectors
    assert post_out["properties"]["title"]["description"] == "The headline"


async def test_crud_search_and_references(api: httpx.AsyncClient) -> None:
    writer = (await api.post("/writers", json={"name": "Ursula"})).json()
    made = await api.post(
        "/posts",
        json={
            "title": "The Dispossessed",
            "body": "an ambiguous utopia",
            "year": 1974,
            "writer": writer["id"],
        },
    )
    assert made.status_code == 201, made.text
    post = made.json()
    assert post["writer"] == writer["id"] and "vector" not in post
    await api.post("/posts", json={"title": "Earthsea", "body": "a wizard's school"})

    detail = (await api.get(f"/posts/{post['id']}")).json()
    assert detail["writer"] == {"id": writer["id"], "name": "Ursula"}  # loaded: nested
    raw = (await api.get(f"/posts/{post['id']}/raw")).json()
    assert raw["writer"] == writer["id"]  # the model itself: a reference is its id

    assert [p["title"] for p in (await api.get("/posts")).json()] == [
        "Earthsea",
        "The Dispossessed",
    ]
    assert [p["title"] for p in (await api.get("/posts?year=1974")).json()] == ["The Dispossessed"]

    patched = await api.patch(f"/posts/{post['id']}", json={"year": 1975})
    assert patched.json()["year"] == 1975
    stored = await Post.objects.aget(id=post["id"])  # unbound manager: the lifespan's client
    assert (stored.year, stored.body, stored.writer.id) == (
        1975,
        "an ambiguous utopia",
        uuid.UUID(writer["id"]),
    )

    hits = (await api.get("/search", params={"q": "wizard"})).json()
    assert [h["title"] for h in hits] == ["Earthsea"]

    assert (await api.delete(f"/posts/{post['id']}")).status_code == 204
    gone = await api.get(f"/posts/{post['id']}")
    assert gone.status_code == 404 and gone.json()["error"] == "not_found"


async def test_request_bodies_refuse_ids_and_bad_values(api: httpx.AsyncClient) -> None:
    with_id = await api.post("/posts", json={"title": "x", "id": str(uuid.uuid4())})
    assert with_id.status_code == 422 and with_id.json()["detail"][0]["loc"] == ["body", "id"]
    bad_year = await api.post("/posts", json={"title": "x", "year": 3000})
    assert bad_year.status_code == 422 and bad_year.json()["detail"][0]["loc"] == ["body", "year"]
    assert await Post.objects.acount() == 0


async def test_session_is_discarded_unless_committed(weaviate_server: Any, weaviate_client: Any):
    db = Weavorm(
        url=weaviate_server.url,
        grpc_url=weaviate_server.grpc_url,
        models=[Writer],
        create_all=True,
        bind_managers=False,
    )
    app = FastAPI(lifespan=db.lifespan)
    from fastapi import Depends

    @app.post("/writers")
    async def add(
        name: str,
        commit: bool,
        session: AsyncSession = Depends(db.session),  # noqa: B008 (a local app)
    ) -> dict[str, str]:
        writer = Writer(name=name)
        session.add(writer)
        if commit:
            await session.commit()
        return {"id": str(writer.id)}

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            for name, commit in (("kept", True), ("dropped", False)):
                reply = await client.post("/writers", params={"name": name, "commit": commit})
                assert reply.status_code == 200, reply.text
        names = [w.name async for w in Writer.objects.using(app.state.weavorm_client)]
    assert names == ["kept"]
    assert not hasattr(app.state, "weavorm_client")  # released at shutdown


async def test_lifespan_schema_check(weaviate_server: Any, weaviate_client: Any) -> None:
    db = Weavorm(
        url=weaviate_server.url,
        grpc_url=weaviate_server.grpc_url,
        models=[Writer],
        check_schema=True,
    )
    app = FastAPI(lifespan=db.lifespan)
    with pytest.raises(MigrationError, match="Writer"):
        async with app.router.lifespan_context(app):
            pass
    weaviate_client.collections.create_from_dict(
        {
            "class": "Writer",
            "properties": [{"name": "name", "dataType": ["text"], "tokenization": "field"}],
            "vectorizer": "none",
        }
    )
    async with app.router.lifespan_context(app):
        assert app.state.weavorm_client is not None


def test_schemas_are_cached_and_vectors_opt_in() -> None:
    assert schemas(Post) is schemas(Post)
    with_vectors = schemas(Post, vectors=True, name="PostWithVector")
    assert "vector" in with_vectors.In.model_fields and "vector" in with_vectors.Out.model_fields
    post = with_vectors.In(title="t", vector=[0.5, 0.5]).to_model()
    assert post.vector == [0.5, 0.5]
    assert get_client is not None


def test_under_uvicorn_with_two_workers(weaviate_server: Any, weaviate_client: Any) -> None:
    port = free_port()
    env = server_env(weaviate_server)
    from weavorm.schema import create_all

    create_all(weaviate_client, [Writer, Post])  # the workers' create_all then finds them
    args = ["uvicorn", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--log-level", "warning", "blog_app:app"]

    def job(client: httpx.Client, i: int) -> str:
        title = f"post {i} {uuid.uuid4().hex[:8]}"
        made = client.post("/posts", json={"title": title, "year": 1950 + i})
        assert made.status_code == 201, made.text
        body = made.json()
        assert (body["title"], body["year"]) == (title, 1950 + i)
        again = client.get(f"/posts/{body['id']}")
        assert (again.json()["id"], again.json()["title"]) == (body["id"], title)
        return again.headers["X-Worker-Pid"]

    with serve(args, cwd=APP_DIR, env=env, port=port, ready_path="/openapi.json") as base:
        pids = hammer(base, job, requests=64, threads=16)
        by_year = httpx.get(base + "/posts", params={"year": 1990}, timeout=30).json()
    assert [p["year"] for p in by_year] == [1990]
    assert len(pids) == 64
    print(f"64 requests served by {len({str(pid) for pid in pids})} worker process(es)")
    assert weaviate_client.collections.get("Post").aggregate.over_all().total_count == 64
