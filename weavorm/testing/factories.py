"""factory-boy support: factories that build and store weavorm models.

::

    import factory
    from weavorm.testing.factories import ModelFactory

    class AuthorFactory(ModelFactory):
        class Meta:
            model = Author

        name = factory.Sequence(lambda n: f"author {n}")

    class ArticleFactory(ModelFactory):
        class Meta:
            model = Article

        title = factory.Sequence(lambda n: f"article {n}")
        author = factory.SubFactory(AuthorFactory)

    AuthorFactory.build()                 # an unsaved instance
    AuthorFactory.create()                # stored with the configured client
    AuthorFactory.create(using=session)   # added to a session (stored on commit)
    AuthorFactory.create_batch(100, using=client)  # one gRPC batch per call
    await AuthorFactory.acreate(using=async_client)  # async twins
    await AuthorFactory.acreate_batch(10, using=async_session)

``using=`` reaches every ``SubFactory``: the author of ``ArticleFactory.create(using=s)``
is stored through the same client or added to the same session. The async twins and
``create_batch`` build the whole object graph first and then store it, one batch per
model, sub-objects first.

Needs the ``factory-boy`` package (in weavorm's ``dev`` extra).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from factory import enums
from factory.base import Factory

from weavorm.errors import BatchError

__all__ = ["ModelFactory"]

#: The ``using=`` of the outermost factory call, seen by its sub-factories.
_USING: ContextVar[Any] = ContextVar("weavorm_factory_using", default=None)
#: When set, ``_create`` only collects objects (stored afterwards in batches).
_COLLECT: ContextVar[list[Any] | None] = ContextVar("weavorm_factory_collect", default=None)


def _is_session(using: Any) -> bool:
    return using is not None and hasattr(using, "_weavorm_session_client")


def _by_model(objs: list[Any]) -> list[list[Any]]:
    """Objects grouped by model in order of first appearance (sub-objects come first)."""
    groups: dict[type[Any], list[Any]] = {}
    for obj in objs:
        groups.setdefault(type(obj), []).append(obj)
    return list(groups.values())


def _check(model_class: type[Any], objs: list[Any], result: Any) -> None:
    if result.has_errors:
        first = next(iter(result.errors.values())).message
        raise BatchError(
            f"{len(result.errors)} of {len(objs)} {model_class.__name__} objects failed: {first}",
            errors={i: e.message for i, e in result.errors.items()},
            failed=[objs[i] for i in result.errors],
        )


def _manager(model_class: type[Any], using: Any) -> Any:
    return model_class.objects.using(using) if using is not None else model_class.objects


def _store(objs: list[Any], using: Any) -> None:
    if _is_session(using):
        using.add_all(objs)
        return
    for group in _by_model(objs):
        _check(type(group[0]), group, _manager(type(group[0]), using).bulk_create(group))


async def _astore(objs: list[Any], using: Any) -> None:
    if _is_session(using):
        using.add_all(objs)
        return
    for group in _by_model(objs):
        result = await _manager(type(group[0]), using).abulk_create(group)
        _check(type(group[0]), group, result)


class ModelFactory(Factory[Any]):
    """Base factory for :class:`weavorm.Model` subclasses.

    ``create()`` stores through ``Model.objects`` (the whole write path with hooks);
    ``using=`` picks a client or a session (a session only adds; commit it yourself)
    and applies to the sub-factories too. ``acreate`` / ``acreate_batch`` are the
    async twins (an async client or an ``AsyncSession``).
    """

    class Meta:
        """factory-boy options: this base has no model of its own."""

        abstract = True

    @classmethod
    def _generate(cls, strategy: Any, params: dict[str, Any]) -> Any:
        if "using" not in params:
            return super()._generate(strategy, params)  # type: ignore[no-untyped-call]
        token = _USING.set(params.pop("using"))
        try:
            return super()._generate(strategy, params)  # type: ignore[no-untyped-call]
        finally:
            _USING.reset(token)

    @classmethod
    def _build(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        kwargs.pop("using", None)
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        kwargs.pop("using", None)
        obj = model_class(*args, **kwargs)
        collected = _COLLECT.get()
        if collected is not None:
            collected.append(obj)
        else:
            _store([obj], _USING.get())
        return obj

    @classmethod
    @contextmanager
    def _collecting(cls, using: Any) -> Iterator[list[Any]]:
        objs: list[Any] = []
        token = _COLLECT.set(objs)
        using_token = _USING.set(using if using is not None else _USING.get())
        try:
            yield objs
        finally:
            _USING.reset(using_token)
            _COLLECT.reset(token)

    @classmethod
    def _generate_all(
        cls, size: int, using: Any, kwargs: dict[str, Any]
    ) -> tuple[list[Any], list[Any], Any]:
        """``size`` objects, every object created on the way, and where to store them."""
        with cls._collecting(using) as collected:
            made = [cls._generate(enums.CREATE_STRATEGY, dict(kwargs)) for _ in range(size)]
            target = _USING.get()
        return made, collected, target

    @classmethod
    def create_batch(cls, size: int, **kwargs: Any) -> list[Any]:
        """Build ``size`` objects (and their sub-objects), then store them in batches."""
        made, collected, target = cls._generate_all(size, kwargs.pop("using", None), kwargs)
        if collected:
            _store(collected, target)
        return made

    @classmethod
    async def acreate(cls, **kwargs: Any) -> Any:
        """Async :meth:`create`: ``await ArticleFactory.acreate(using=async_client)``."""
        made = await cls.acreate_batch(1, **kwargs)
        return made[0]

    @classmethod
    async def acreate_batch(cls, size: int, **kwargs: Any) -> list[Any]:
        """Async :meth:`create_batch` (an async client or an ``AsyncSession``)."""
        made, collected, target = cls._generate_all(size, kwargs.pop("using", None), kwargs)
        if collected:
            await _astore(collected, target)
        return made
