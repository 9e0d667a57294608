"""FastAPI integration: a lifespan owning the async client, sessions, schemas.

::

    from weavorm.contrib.fastapi import Weavorm, schemas

    db = Weavorm(url="http://localhost:8080", models=[Article], create_all=True)
    app = FastAPI(lifespan=db.lifespan)
    SessionDep = Annotated[AsyncSession, Depends(db.session)]
    ArticleIn, ArticleOut = schemas(Article)

    @app.post("/articles", response_model=ArticleOut, status_code=201)
    async def create(body: ArticleIn, session: SessionDep) -> Article:
        article = body.to_model()
        session.add(article)
        await session.commit()
        return article

The lifespan makes one :class:`~weavorm.AsyncWeaviateClient` per process (each
``uvicorn --workers N`` worker runs its own lifespan), optionally creates the models'
collections or refuses to start while schema changes are pending, binds unbound
managers' ``a*`` methods to it, and closes it at shutdown. :meth:`Weavorm.session`
yields an :class:`~weavorm.AsyncSession` per request: the handler commits; whatever it
did not commit is discarded when the request ends.
"""

from __future__ import annotations

import copy
import types
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, Union, get_args, get_origin
from uuid import UUID

import pydantic
from fastapi import FastAPI, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict

from weavorm.contrib._process import ClientSettings
from weavorm.errors import ConfigError, MigrationError
from weavorm.odm.refs import Ref

if TYPE_CHECKING:
    from weavorm.engine import AsyncWeaviateClient
    from weavorm.odm.model import Model
    from weavorm.odm.session import AsyncSession

__all__ = [
    "ModelIn",
    "ModelOut",
    "ModelPatch",
    "Schemas",
    "Weavorm",
    "get_client",
    "register_error_handlers",
    "schemas",
]

_STATE_KEY = "weavorm_client"


class Weavorm:
    """The app's weavorm wiring: lifespan, client and session dependencies.

    Args:
        url: REST URL (default: ``WEAVIATE_URL``, then ``http://localhost:8080``).
        grpc_url: gRPC address (default: ``WEAVIATE_GRPC_URL`` or derived from ``url``).
        api_key: API key (default: ``WEAVIATE_API_KEY``).
        headers: Extra headers for every call.
        timeout: Seconds for every part of a call.
        models: The models ``create_all`` / ``check_schema`` concern (default: all).
        create_all: Create missing collections at startup.
        check_schema: Refuse to start (``MigrationError``) while the server's schema
            differs from the models (run ``weavorm schema migrate`` first).
        bind_managers: Make unbound managers' ``a*`` methods use the client.
    """

    def __init__(
        self,
        *,
        url: str | None = None,
        grpc_url: str | None = None,
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        models: Sequence[type[Model]] | None = None,
        create_all: bool = False,
        check_schema: bool = False,
        bind_managers: bool = True,
    ) -> None:
        self.settings = ClientSettings(
            url=url,
            grpc_url=grpc_url,
            api_key=api_key,
            headers=dict(headers or {}),
            timeout=timeout,
        )
        self.models = list(models) if models is not None else None
        self.create_all = create_all
        self.check_schema = check_schema
        self.bind_managers = bind_managers

    @asynccontextmanager
    async def lifespan(self, app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        """Connect, prepare the schema, serve, close (``FastAPI(lifespan=db.lifespan)``).

        Raises:
            MigrationError: ``check_schema`` and the schema differs from the models.
        """
        from weavorm.schema import acreate_all, adiff

        client: AsyncWeaviateClient = self.settings.connect_async()
        try:
            await client.connect()
            if self.create_all:
                await acreate_all(client, self.models)
            if self.check_schema:
                plan = await adiff(client, self.models)
                if plan:
                    raise MigrationError(
                        f"the server's schema differs from the models:\n{plan}\n"
                        "apply it with `weavorm schema migrate` before starting the app"
                    )
            if self.bind_managers:
                import weavorm

                weavorm.configure(async_client=client)
            app.state.weavorm_client = client
            yield {_STATE_KEY: client}
        finally:
            from weavorm.odm.binding import release

            release(client)
            if getattr(app.state, _STATE_KEY, None) is client:
                del app.state.weavorm_client
            await client.close()

    async def client(self, request: Request) -> AsyncWeaviateClient:
        """Dependency: the process's async client."""
        return get_client(request)

    async def session(self, request: Request) -> AsyncIterator[AsyncSession]:
        """Dependency: an :class:`~weavorm.AsyncSession` for this request.

        The handler commits (``await session.commit()``); pending changes it did not
        commit are discarded when the request ends.
        """
        from weavorm.odm.session import AsyncSession

        session = AsyncSession(get_client(request))
        try:
            yield session
        finally:
            await session.close()


def register_error_handlers(app: FastAPI) -> None:
    """JSON errors like the Flask integration's (``{"error": ..., "detail": ...}``).

    ``DoesNotExist`` -> 404, ``QueryError`` -> 400, a pydantic ``ValidationError``
    raised in a handler (e.g. by ``body.to_model()``) -> 422, ``FlushError`` -> 503.
    """
    from fastapi.responses import JSONResponse

    from weavorm.errors import FlushError, ObjectDoesNotExist, QueryError

    def reply(status: int, error: str, detail: Any) -> JSONResponse:
        return JSONResponse({"error": error, "detail": detail}, status_code=status)

    async def not_found(request: Request, exc: Exception) -> JSONResponse:
        return reply(404, "not_found", str(exc))

    async def bad_query(request: Request, exc: Exception) -> JSONResponse:
        return reply(400, "bad_query", str(exc))

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, pydantic.ValidationError)
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
            for e in exc.errors()
        ]
        return reply(422, "validation_error", errors)

    async def flush_failed(request: Request, exc: Exception) -> JSONResponse:
        return reply(503, "write_failed", str(exc))

    app.add_exception_handler(ObjectDoesNotExist, not_found)
    app.add_exception_handler(QueryError, bad_query)
    app.add_exception_handler(pydantic.ValidationError, invalid)
    app.add_exception_handler(FlushError, flush_failed)


def get_client(request: Request) -> AsyncWeaviateClient:
    """The async client the app's :meth:`Weavorm.lifespan` made.

    Raises:
        ConfigError: the app was not started with the lifespan.
    """
    client = getattr(request.state, _STATE_KEY, None)
    if client is None:
        client = getattr(request.app.state, _STATE_KEY, None)
    if client is None:
        raise ConfigError("no weavorm client: create the app with FastAPI(lifespan=db.lifespan)")
    return client  # type: ignore[no-any-return]


# -- schemas --------------------------------------------------------------------------

_SKIP = ("id", "vector", "vectors")
_VectorType = list[float] | list[list[float]] | None
_VectorsType = dict[str, list[float] | list[list[float]]]


class ModelIn(BaseModel):
    """Base of request bodies made by :func:`schemas`: the fields, no id, no vector."""

    model_config = ConfigDict(extra="forbid")
    __weavorm_model__: Any = None

    def to_model(self, **values: Any) -> Model:
        """A new model instance from this body (``values`` add or override fields).

        Raises:
            pydantic.ValidationError: the model refuses the values.
        """
        data = {k: getattr(self, k) for k in type(self).model_fields}
        data.update(values)
        return self.__weavorm_model__.model_validate(data)  # type: ignore[no-any-return]

    def apply_to(self, obj: Model) -> Model:
        """Set every field of this body on ``obj`` (a full update, validated)."""
        for name in type(self).model_fields:
            setattr(obj, name, getattr(self, name))
        return obj


class ModelPatch(ModelIn):
    """Base of partial-update bodies: every field optional; only given ones are set."""

    def apply_to(self, obj: Model) -> Model:
        """Set the fields given in the body on ``obj``."""
        for name in self.model_fields_set:
            setattr(obj, name, getattr(self, name))
        return obj


class ModelOut(BaseModel):
    """Base of response schemas made by :func:`schemas`: id (read-only) and fields."""

    model_config = ConfigDict(from_attributes=True)


class Schemas(NamedTuple):
    """The request and response schemas of a model.

    Attributes:
        In: Request body for creating (and replacing) an object.
        Out: Response body.
        Patch: Request body for a partial update.
    """

    In: type[ModelIn]
    Out: type[ModelOut]
    Patch: type[ModelPatch]


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def _ref_target(annotation: Any) -> tuple[Any, bool] | None:
    """``(target model, many)`` for ``Ref[T]`` / ``Refs[T]``, else None."""
    if get_origin(annotation) is Ref:
        return get_args(annotation)[0], False
    if get_origin(annotation) is list and get_args(annotation):
        item = get_args(annotation)[0]
        if get_origin(item) is Ref:
            return get_args(item)[0], True
    return None


def _ref_out(value: Any) -> Any:
    if isinstance(value, Ref):
        return value.obj if value.loaded else value.id
    return value


def _resolve(target: Any) -> type[Model] | None:
    from weavorm.odm.model import Model
    from weavorm.odm.registry import registry

    if isinstance(target, type) and issubclass(target, Model):
        return target
    name = getattr(target, "__forward_arg__", target)
    if isinstance(name, str):
        found = registry.get(name)
        if found is not None:
            return found
        for model in registry.models():
            if model.__name__ == name:
                return model
    return None


def _field(finfo: Any, **changes: Any) -> Any:
    out = copy.copy(finfo)
    for key, value in changes.items():
        setattr(out, key, value)
    return out


_cache: dict[tuple[Any, ...], Schemas] = {}
_flat_cache: dict[type[Any], type[ModelOut]] = {}


def _out_fields(model: type[Model], *, nested: bool, vectors: bool) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": (UUID, pydantic.Field(json_schema_extra={"readOnly": True})),
    }
    for name, finfo in model.model_fields.items():
        if name in _SKIP:
            continue
        annotation, optional = _unwrap(finfo.annotation)
        ref = _ref_target(annotation)
        if ref is not None:
            target, many = ref
            target_model = _resolve(target) if nested else None
            item: Any = UUID
            if target_model is not None:
                item = Union[UUID, _flat_out(target_model)]  # noqa: UP007 (built at runtime)
            item = Annotated[item, BeforeValidator(_ref_out)]
            new: Any = list[item] if many else item
            if optional:
                new = new | None
            fields[name] = (new, _field(finfo))
        else:
            fields[name] = (finfo.annotation, _field(finfo))
    if vectors:
        fields["vector"] = (_VectorType, None)
        fields["vectors"] = (_VectorsType, pydantic.Field(default_factory=dict))
    return fields


def _flat_out(model: type[Model]) -> type[ModelOut]:
    """A loaded reference's schema: the target's fields, its own references as ids."""
    found = _flat_cache.get(model)
    if found is None:
        found = pydantic.create_model(
            f"{model.__name__}Ref",
            __base__=ModelOut,
            __module__=model.__module__,
            **_out_fields(model, nested=False, vectors=False),
        )
        _flat_cache[model] = found
    return found


def schemas(
    model: type[Model],
    *,
    vectors: bool = False,
    exclude: Sequence[str] = (),
    name: str | None = None,
) -> Schemas:
    """Request and response schemas derived from ``model``.

    ``In`` has the model's fields without ``id`` (the server or ``Meta.id_fields``
    gives it) and without vectors; a reference is the target's id. ``Out`` adds a
    read-only ``id``; a reference is the target's id, or the target object (its
    fields, its own references as ids) when it was loaded with ``select_related``.
    ``Patch`` is ``In`` with every field optional. All render in OpenAPI.

    Args:
        model: The model.
        vectors: Also accept and return ``vector`` / ``vectors``.
        exclude: Fields left out of all three.
        name: Base name of the schemas (default: the model's class name).

    Returns:
        ``Schemas(In, Out, Patch)``; unpack ``ArticleIn, ArticleOut, ArticlePatch``.
    """
    key = (model, vectors, tuple(exclude), name)
    found = _cache.get(key)
    if found is not None:
        return found
    base = name or model.__name__
    in_fields: dict[str, Any] = {}
    patch_fields: dict[str, Any] = {}
    for attr, finfo in model.model_fields.items():
        if attr in _SKIP or attr in exclude:
            continue
        annotation, optional = _unwrap(finfo.annotation)
        ref = _ref_target(annotation)
        new: Any = finfo.annotation
        if ref is not None:
            new = list[UUID] if ref[1] else UUID
            if optional:
                new = new | None
        in_fields[attr] = (new, _field(finfo))
        # Optional to send, but a value sent must be valid (null only where the model
        # allows it): an omitted field keeps the object's value.
        patch_fields[attr] = (new, _field(finfo, default=None, default_factory=None))
    if vectors:
        in_fields["vector"] = (_VectorType, None)
        in_fields["vectors"] = (_VectorsType, pydantic.Field(default_factory=dict))
        patch_fields["vector"] = (_VectorType, None)
        patch_fields["vectors"] = (_VectorsType, None)
    out_fields = {
        k: v
        for k, v in _out_fields(model, nested=True, vectors=vectors).items()
        if k not in exclude
    }
    module = model.__module__
    model_in = pydantic.create_model(f"{base}In", __base__=ModelIn, __module__=module, **in_fields)
    model_patch = pydantic.create_model(
        f"{base}Patch", __base__=ModelPatch, __module__=module, **patch_fields
    )
    model_out = pydantic.create_model(
        f"{base}Out", __base__=ModelOut, __module__=module, **out_fields
    )
    model_in.__weavorm_model__ = model
    model_patch.__weavorm_model__ = model
    result = Schemas(model_in, model_out, model_patch)
    _cache[key] = result
    return result
