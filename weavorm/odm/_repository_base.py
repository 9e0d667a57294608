"""What ``Repository`` and ``AsyncRepository`` share: the model, the session, the queries.

See :mod:`weavorm.odm.repository`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, get_args, get_origin

from weavorm.errors import QueryError
from weavorm.odm.q import Q

if TYPE_CHECKING:
    from weavorm.odm.model import Model
    from weavorm.odm.queryset import QuerySet
    from weavorm.odm.session._session import _SessionBase

__all__ = ["SearchMode"]

M = TypeVar("M", bound="Model")
S = TypeVar("S", bound="_SessionBase")

#: How :meth:`Repository.search` ranks: ``hybrid`` (keyword + vector, the default for
#: text), ``near_text`` (vector of the text), ``bm25`` (keyword) or ``near_vector``
#: (the default when only a vector is given).
SearchMode = Literal["hybrid", "near_text", "bm25", "near_vector"]


class _RepositoryBase(Generic[M, S]):
    """What both repositories share: the model, the session and the queries."""

    model: type[M]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for base in getattr(cls, "__orig_bases__", ()):
            args = get_args(base)
            origin = get_origin(base)
            if (
                args
                and isinstance(args[0], type)
                and isinstance(origin, type)
                and issubclass(origin, _RepositoryBase)
            ):
                cls.model = args[0]

    def __init__(self, session: S, *, model: type[M] | None = None) -> None:
        if model is not None:
            self.model = model
        elif not hasattr(self, "model"):
            raise QueryError(
                f"{type(self).__name__} has no model: subclass {type(self).__name__}[MyModel] "
                "or pass model=MyModel"
            )
        self.session = session

    # -- queries (no I/O) ---------------------------------------------------------------

    def query(self) -> QuerySet[M]:
        """A QuerySet of this model bound to the session (for anything not covered here)."""
        return self.model.objects.using(self.session)

    def query_find(
        self, *q: Q, order_by: Sequence[str] = (), limit: int | None = None, **lookups: Any
    ) -> QuerySet[M]:
        """The QuerySet :meth:`find` evaluates."""
        qs = self.query().filter(*q, **lookups)
        if order_by:
            qs = qs.order_by(*order_by)
        return qs.limit(limit) if limit is not None else qs

    def query_search(
        self,
        text: str | None = None,
        *,
        vector: Sequence[float] | None = None,
        mode: SearchMode | None = None,
        limit: int = 10,
        where: Q | None = None,
        **lookups: Any,
    ) -> QuerySet[M]:
        """The QuerySet :meth:`search` evaluates."""
        chosen = mode or ("hybrid" if text is not None else "near_vector")
        qs = self.query()
        if chosen == "near_vector":
            if vector is None:
                raise QueryError("search(mode='near_vector') needs vector=")
            qs = qs.near_vector(list(vector))
        elif text is None:
            raise QueryError(f"search(mode={chosen!r}) needs the text to search for")
        elif chosen == "hybrid":
            qs = qs.hybrid(text, vector=list(vector) if vector is not None else None)
        elif chosen == "near_text":
            qs = qs.near_text(text)
        elif chosen == "bm25":
            qs = qs.bm25(text)
        else:
            raise QueryError(
                f"search mode must be hybrid, near_text, bm25 or near_vector, got {chosen!r}"
            )
        if where is not None or lookups:
            qs = qs.filter(*(() if where is None else (where,)), **lookups)
        return qs.limit(limit)

    # -- writes (pending until the session commits) ---------------------------------------

    def add(self, obj: M) -> M:
        """Add a new or changed object to the session; returns it."""
        self.session.add(obj)
        return obj

    def add_all(self, objs: Sequence[M]) -> list[M]:
        """Add many objects to the session."""
        self.session.add_all(objs)
        return list(objs)

    def remove(self, obj: M) -> None:
        """Delete ``obj`` when the session commits."""
        self.session.delete(obj)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model.__name__}>"
