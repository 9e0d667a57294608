"""Typed generic repositories over a session, one model each (a sync and an async class).

A repository is the persistence boundary of one model for services written in the
repository pattern: callers get, find, search, add and remove domain objects and never
see a client, a QuerySet or a filter language. It works inside a unit of work (a
session of the same kind, sync or async): reads go through the session's identity
map, ``add`` / ``remove`` are pending until the session commits.

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
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from weavorm.odm._repository_base import SearchMode, _RepositoryBase
from weavorm.odm.q import Q
from weavorm.odm.session import AsyncSession

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["AsyncRepository", "SearchMode"]

M = TypeVar("M", bound="Model")


class AsyncRepository(_RepositoryBase[M, AsyncSession]):
    """A typed repository of model ``M`` inside a :class:`~weavorm.AsyncSession`.

    Args:
        session: The unit of work the repository reads and writes through.
        model: The model, unless the class is a ``Repository[Model]`` subclass.
    """

    async def get(self, id: UUID | str) -> M | None:
        """The object with ``id`` (the session's identity map first), or None."""
        return await self.session.get(self.model, id)

    async def find(
        self, *q: Q, order_by: Sequence[str] = (), limit: int | None = None, **lookups: Any
    ) -> list[M]:
        """Objects matching Django-style lookups (``year__gte=2020``) and ``Q`` objects."""
        qs = self.query_find(*q, order_by=order_by, limit=limit, **lookups)
        if True:  # ASYNC
            return await qs.alist()
        else:
            return list(qs)

    async def find_one(self, *q: Q, **lookups: Any) -> M | None:
        """The first object matching the lookups, or None."""
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
        if True:  # ASYNC
            return await qs.alist()
        else:
            return list(qs)

    async def count(self, *q: Q, **lookups: Any) -> int:
        """How many objects match (all of them without lookups)."""
        return await self.query_find(*q, **lookups).acount()
