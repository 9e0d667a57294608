"""``Model.objects``: a class-only manager returning fresh QuerySets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, overload

from weavorm.odm.queryset import QuerySet

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["Manager", "ManagerDescriptor"]

M = TypeVar("M", bound="Model")


class Manager(QuerySet[M]):
    """The entry point of queries: ``Article.objects.filter(...)``.

    Every attribute access of ``Article.objects`` gives a new manager, so nothing is
    cached between uses. Bind it with ``using(client_or_session)`` or
    :func:`weavorm.configure`.
    """

    def __repr__(self) -> str:
        return f"<Manager {self.model.__name__}>"


class ManagerDescriptor:
    """Makes ``objects`` reachable from the class only (not from instances)."""

    @overload
    def __get__(self, instance: None, owner: type[M]) -> Manager[M]: ...
    @overload
    def __get__(self, instance: object, owner: type[Any]) -> Any: ...
    def __get__(self, instance: object, owner: type[Any]) -> Any:
        if instance is not None:
            raise AttributeError(
                f"the manager is reachable from the class only: use {owner.__name__}.objects"
            )
        return Manager(owner)
