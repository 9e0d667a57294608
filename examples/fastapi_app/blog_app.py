"""A small FastAPI app on weavorm: posts and writers, CRUD and keyword search.

Run: ``uvicorn --workers 2 blog_app:app`` (WEAVIATE_URL names the server).
"""

import os
from typing import Annotated, Any
from uuid import UUID

from blog import Post, Writer
from fastapi import Depends, FastAPI, Response

from weavorm import AsyncSession
from weavorm.contrib.fastapi import Weavorm, register_error_handlers, schemas

db = Weavorm(models=[Writer, Post], create_all=True, timeout=30)
app = FastAPI(title="weavorm blog", lifespan=db.lifespan)
register_error_handlers(app)  # DoesNotExist -> 404, ValidationError -> 422, ...
SessionDep = Annotated[AsyncSession, Depends(db.session)]

PostIn, PostOut, PostPatch = schemas(Post)
WriterIn, WriterOut, _ = schemas(Writer)


@app.middleware("http")
async def add_pid(request: Any, call_next: Any) -> Any:
    response = await call_next(request)
    response.headers["X-Worker-Pid"] = str(os.getpid())
    return response


@app.post("/writers", response_model=WriterOut, status_code=201)
async def create_writer(body: WriterIn, session: SessionDep) -> Writer:
    writer = body.to_model()
    session.add(writer)
    await session.commit()
    return writer


@app.post("/posts", response_model=PostOut, status_code=201)
async def create_post(body: PostIn, session: SessionDep) -> Post:
    post = body.to_model()
    session.add(post)
    await session.commit()
    return post


@app.get("/posts", response_model=list[PostOut])
async def list_posts(session: SessionDep, year: int | None = None) -> list[Post]:
    query = session.query(Post).order_by("title")
    if year is not None:
        query = query.filter(year=year)
    return [p async for p in query.limit(100)]


async def _post(session: AsyncSession, post_id: UUID) -> Post:
    return await session.query(Post).select_related("writer").aget(id=post_id)  # or 404


@app.get("/posts/{post_id}", response_model=PostOut)
async def get_post(post_id: UUID, session: SessionDep) -> Post:
    return await _post(session, post_id)


@app.get("/posts/{post_id}/raw", response_model=Post)  # the model itself as response_model
async def get_post_raw(post_id: UUID, session: SessionDep) -> Post:
    return await _post(session, post_id)


@app.patch("/posts/{post_id}", response_model=PostOut)
async def update_post(post_id: UUID, body: PostPatch, session: SessionDep) -> Post:
    post = await _post(session, post_id)
    body.apply_to(post)
    await session.commit()
    return post


@app.delete("/posts/{post_id}", status_code=204)
async def delete_post(post_id: UUID, session: SessionDep) -> Response:
    session.delete(await _post(session, post_id))
    await session.commit()
    return Response(status_code=204)


@app.get("/search", response_model=list[PostOut])
async def search(q: str, session: SessionDep) -> list[Post]:
    return [p async for p in session.query(Post).bm25(q, properties=["title", "body"]).limit(10)]
