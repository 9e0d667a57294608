"""Typed generic repositories over a session: ``Repository[M]`` and ``AsyncRepository[M]``.

A repository is the persistence boundary of one model for services written in the
repository pattern: callers get, find, search, add and remove domain objects and never
see a client, a QuerySet or a filter language. It works inside a unit of work (a
:class:`~weavorm.Session` / :class:`~weavorm.AsyncSession`): reads go through the
session's identity map, ``add`` / ``remove`` are pending until the session commits.

::

    class ArticleRepository(Repository[Article]):
        def by_year(self, year: int) -> list[Article]:
            return self.find(year=year)

    with Session(client) as session:
        articles = ArticleRepository(session)
        articles.add(Article(title="Vectors", year=2024))
        session.commit()
        hits = articles.search("vector databases", limit=5)

``Repository(session, model=Article)`` works without a subclass. Queries are built
once (the ``query_*`` methods, plain QuerySets) and evaluated by the sync or the async
class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, get_args, get_origin
from uuid import UUID

from weavorm.errors import QueryError
from weavorm.odm.q import Q
from weavorm.odm.session import AsyncSession, Session

if TYPE_CHECKING:
    from weavorm.odm.model import Model
    from weavorm.odm.queryset import QuerySet
    from weavorm.odm.session._session import _SessionBase

__all__ = ["AsyncRepository", "Repository", "SearchMode"]

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


class Repository(_RepositoryBase[M, Session]):
    """A typed repository of model ``M`` inside a :class:`~weavorm.Session`.

    Args:
        session: The unit of work the repository reads and writes through.
        model: The model, unless the class is a ``Repository[Model]`` subclass.
    """

    def get(self, id: UUID | str) -> M | None:
        """The object with ``id`` (the session's identity map first), or None."""
        return self.session.get(self.model, id)

    def find(
        self, *q: Q, order_by: Sequence[str] = (), limit: int | None = None, **lookups: Any
    ) -> list[M]:
        """Objects matching Django-style lookups (``year__gte=2020``) and ``Q`` objects."""
        return list(self.query_find(*q, order_by=order_by, limit=limit, **lookups))

    def find_one(self, *q: Q, **lookups: Any) -> M | None:
        """The first object matching the lookups, or None."""
        return self.query_find(*q, **lookups).first()

    def search(
        self,
        text: str | None = None,
        *,
        vector: Sequence[float] | None = None,
        mode: SearchMode | None = None,
        limit: int = 10,
        where: Q | None = None,
        **lookups: Any,
    ) -> list[M]:
        """The best matches for ``text`` (or ``vector``), best first.

        Args:
            text: What to search for (``hybrid``, ``near_text`` and ``bm25``).
            vector: A query vector (``near_vector``; optional for ``hybrid``).
            mode: See :data:`SearchMode`; default ``hybrid`` with text, else ``near_vector``.
            limit: At most this many objects.
            where: A ``Q`` filter applied with the search.
            **lookups: Filter lookups applied with the search.
        """
        qs = self.query_search(text, vector=vector, mode=mode, limit=limit, where=where, **lookups)
        return list(qs)

    def count(self, *q: Q, **lookups: Any) -> int:
        """How many objects match (all of them without lookups)."""
        return self.query_find(*q, **lookups).count()


class AsyncRepository(_RepositoryBase[M, AsyncSession]):
    """The async twin of :class:`Repository`, inside an :class:`~weavorm.AsyncSession`.

    Reads are awaited (``await repo.get(id)``); ``add`` / ``remove`` only record the
    change, as on the session.
    """

    async def get(self, id: UUID | str) -> M | None:
        """Async :meth:`Repository.get`."""
        return await self.session.get(self.model, id)

    async def find(
        self, *q: Q, order_by: Sequence[str] = (), limit: int | None = None, **lookups: Any
    ) -> list[M]:
        """Async :meth:`Repository.find`."""
        return await self.query_find(*q, order_by=order_by, limit=limit, **lookups).alist()

    async def find_one(self, *q: Q, **lookups: Any) -> M | None:
        """Async :meth:`Repository.find_one`."""
        return await self.query_find(*q, **lookups).afirst()

    async def search(
        self,
        text: str | None = None,
        *,
        vector: Sequence[float] | None = None,
        mode: SearchMode | None = None,
        limit: int = 10,
        where: Q | None = None,
        **lookups: Any,
    ) -> list[M]:
        """Async :meth:`Repository.search`."""
        qs = self.query_search(text, vector=vector, mode=mode, limit=limit, where=where, **lookups)
        return await qs.alist()

    async def count(self, *q: Q, **lookups: Any) -> int:
        """Async :meth:`Repository.count`."""
        return await self.query_find(*q, **lookups).acount()
