"""factory-boy support: factories that build and store weavorm models.

::

    import factory
    from weavorm.testing.factories import ModelFactory

    class AuthorFactory(ModelFactory):
        class Meta:
            model = Author

        name = factory.Sequence(lambda n: f"author {n}")

    AuthorFactory.build()                 # an unsaved instance
    AuthorFactory.create()                # stored with the configured client
    AuthorFactory.create(using=session)   # added to a session (stored on commit)
    AuthorFactory.create_batch(100, using=client)  # one gRPC batch per call

Needs the ``factory-boy`` package (in weavorm's ``dev`` extra).
"""

from __future__ import annotations

from typing import Any

from factory.base import Factory

from weavorm.errors import BatchError

__all__ = ["ModelFactory"]


class ModelFactory(Factory[Any]):
    """Base factory for :class:`weavorm.Model` subclasses.

    ``create()`` stores through ``Model.objects`` (the whole write path with hooks);
    ``using=`` picks a client or a session (a session only adds; commit it yourself).
    """

    class Meta:
        """factory-boy options: this base has no model of its own."""

        abstract = True

    @classmethod
    def _build(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        kwargs.pop("using", None)
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        using = kwargs.pop("using", None)
        obj = model_class(*args, **kwargs)
        if using is not None and hasattr(using, "_weavorm_session_client"):
            using.add(obj)
            return obj
        manager = model_class.objects.using(using) if using is not None else model_class.objects
        result = manager.bulk_create([obj])
        if result.has_errors:
            message = next(iter(result.errors.values())).message
            raise BatchError(f"{model_class.__name__} factory: {message}", failed=[obj])
        return obj

    @classmethod
    def create_batch(cls, size: int, **kwargs: Any) -> list[Any]:
        """Build ``size`` objects and store them in one batch (not one request each)."""
        using = kwargs.pop("using", None)
        objs = [cls.build(**kwargs) for _ in range(size)]
        if not objs:
            return objs
        model_class = type(objs[0])
        if using is not None and hasattr(using, "_weavorm_session_client"):
            using.add_all(objs)
            return objs
        manager = model_class.objects.using(using) if using is not None else model_class.objects
        result = manager.bulk_create(objs)
        if result.has_errors:
            raise BatchError(
                f"{len(result.errors)} of {size} {model_class.__name__} objects failed",
                errors={i: e.message for i, e in result.errors.items()},
                failed=[objs[i] for i in result.errors],
            )
        return objs
