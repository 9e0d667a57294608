"""The evaluation and write methods of a ``QuerySet``, one operation each.

One of a pair: ``weavorm.odm._qs_methods_async`` (the async methods, ``a`` + the sync
name; the source) and ``weavorm.odm._qs_methods`` (the same methods on the sync driver,
generated from it by ``scripts/gen_sync.py``). :class:`~weavorm.odm.queryset.QuerySet`
inherits both; the operations are those of :class:`~weavorm.odm._qs_core.QuerySetCore`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from weavorm.engine.types import BatchResult, DeleteManyResult
from weavorm.odm import _explain
from weavorm.odm._qs_core import GenerateResult, ModelGroup, QuerySetCore
from weavorm.odm.aggregates import Aggregate

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["AsyncQuerySetMethods"]

M = TypeVar("M", bound="Model")


class AsyncQuerySetMethods(QuerySetCore[M]):
    """Evaluate the query and write through it (``aget``, ``acount``, ``acreate``, ...)."""

    if True:  # ASYNC

        async def alist(self) -> list[M]:
            """All matching objects, as a list."""
            return await self._arun(self._list_op(), method="alist")  # type: ignore[no-any-return]

        def __aiter__(self) -> AsyncIterator[M]:
            async def gen() -> AsyncIterator[M]:
                for obj in await self.alist():
                    yield obj

            return gen()

    else:

        def _fetch_all(self) -> list[M]:
            if self._cache is None:
                self._cache = self._run(self._list_op(), method="__iter__")
            return self._cache

        def __iter__(self) -> Iterator[M]:
            return iter(self._fetch_all())

        def __len__(self) -> int:
            return len(self._fetch_all())

    async def afirst(self) -> M | None:
        """The first object, or None."""
        found: list[M] = await self._arun(self._clone(limit=1)._list_op(), method="afirst")
        return found[0] if found else None

    async def aget(self, **lookups: Any) -> M:
        """The one object matching ``lookups``.

        Raises:
            Model.DoesNotExist: no object matches.
            Model.MultipleObjectsReturned: more than one matches.
        """
        return await self._arun(self._get_op(lookups), method="aget")  # type: ignore[no-any-return]

    async def acount(self) -> int:
        """The number of matching objects (one aggregate request without a search)."""
        return await self._arun(self._count_op(), method="acount")  # type: ignore[no-any-return]

    async def aexists(self) -> bool:
        """Whether any object matches."""
        return await self._arun(self._exists_op(), method="aexists")  # type: ignore[no-any-return]

    async def avalues(self, *fields: str) -> list[dict[str, Any]]:
        """Objects as dicts of the given fields (default: all stored fields and ``id``)."""
        return await self._arun(self._values_op(fields), method="avalues")  # type: ignore[no-any-return]

    async def avalues_list(self, *fields: str, flat: bool = False) -> list[Any]:
        """Objects as tuples (or bare values with ``flat=True`` and one field)."""
        return await self._arun(self._values_list_op(fields, flat), method="avalues_list")  # type: ignore[no-any-return]

    async def ain_bulk(self, ids: Iterable[UUID | str]) -> dict[UUID, M]:
        """Objects by id for the given ids (missing ids are left out)."""
        return await self._arun(self._in_bulk_op(ids), method="ain_bulk")  # type: ignore[no-any-return]

    async def aiterator(self, chunk_size: int = 100) -> AsyncIterator[M]:
        """All matching objects, fetched page by page with a cursor (constant memory).

        Weaviate's cursor cannot be combined with filters, searches or ordering; use
        slicing for those.
        """
        self._check_cursor("aiterator")
        after = self._query.after
        while True:
            page: list[M] = await self._arun(self._page_op(chunk_size, after), method="aiterator")
            for obj in page:
                yield obj
            if len(page) < chunk_size:
                return
            after = page[-1].id

    async def agroups(self) -> list[ModelGroup[M]]:
        """Evaluate a ``group_by`` query into groups."""
        return await self._arun(self._groups_op(), method="agroups")  # type: ignore[no-any-return]

    async def aaggregate(self, **metrics: Aggregate) -> dict[str, Any]:
        """Aggregate metrics: ``aggregate(n=Count(), avg_year=Avg("year"))``."""
        return await self._arun(self._aggregate_op(metrics), method="aaggregate")  # type: ignore[no-any-return]

    async def agenerate(
        self,
        *,
        single_prompt: str | None = None,
        grouped_task: str | None = None,
        grouped_properties: Sequence[str] | None = None,
    ) -> GenerateResult[M]:
        """Run the search and generate text per object and/or for the whole result."""
        return await self._arun(  # type: ignore[no-any-return]
            self._generate_op(single_prompt, grouped_task, grouped_properties), method="agenerate"
        )

    async def acreate(self, **values: Any) -> M:
        """Build, validate and store one object; returns it."""
        from weavorm.odm import writes

        obj = self.model(**values)
        await self._arun(writes.save_op([obj], created=True), method="acreate")
        return obj

    async def abulk_create(
        self, objs: Sequence[M], *, batch_size: int | None = None, concurrency: int | None = None
    ) -> BatchResult:
        """Store many objects over gRPC batches; the result lists any failures by index."""
        from weavorm.odm import writes

        return await self._arun(  # type: ignore[no-any-return]
            writes.save_op(
                list(objs),
                created=True,
                batch_size=batch_size,
                concurrency=concurrency,
                raise_errors=False,
            ),
            method="abulk_create",
        )

    async def aget_or_create(
        self, defaults: dict[str, Any] | None = None, **lookups: Any
    ) -> tuple[M, bool]:
        """The matching object, or a new one built from ``lookups`` and ``defaults``."""
        return await self._arun(  # type: ignore[no-any-return]
            self._get_or_create_op(defaults, lookups, update=False), method="aget_or_create"
        )

    async def aupdate_or_create(
        self, defaults: dict[str, Any] | None = None, **lookups: Any
    ) -> tuple[M, bool]:
        """Update the matching object with ``defaults``, or create it."""
        return await self._arun(  # type: ignore[no-any-return]
            self._get_or_create_op(defaults, lookups, update=True), method="aupdate_or_create"
        )

    async def aupdate(self, **values: Any) -> int:
        """Set ``values`` on every matching object (merge updates); returns the count.

        Acts on every match, however many: beyond Weaviate's 10,000-object query limit
        (``QUERY_MAXIMUM_RESULTS``) it pages through the collection by id. With a
        search and no ``limit`` more than 10,000 results raise :class:`QueryError`
        before anything is written (a ranking has no "all"); slice to choose.
        """
        return await self._arun(self._update_op(values), method="aupdate")  # type: ignore[no-any-return]

    async def adelete(self, *, dry_run: bool = False) -> DeleteManyResult:
        """Delete every matching object (BatchDelete); ``dry_run`` only counts.

        Acts on every match, however many: BatchDelete removes at most 10,000 objects
        per request (``QUERY_MAXIMUM_RESULTS``), so it repeats until none is left, and
        the result counts them all. Delete hooks, searches and offsets list the objects
        first (10,000 at a time); a slice (``limit``) deletes exactly those.
        """
        return await self._arun(self._delete_op(dry_run), method="adelete")  # type: ignore[no-any-return]

    async def aexplain(self, *, analyze: bool = False) -> str:
        """The compiled request, readable: the engine call and the gRPC message.

        Args:
            analyze: Also run the query once with Weaviate's query profile and add,
                under the request, the server's timings of every stage of the search
                per shard (names and durations as the server reports them) and the
                round trip seen by the client. Without it nothing is sent.

        Returns:
            The text (``print`` it).
        """
        text = self._explain_request()
        if not analyze:
            return text
        compiled = self._compiled()
        profile: str = await self._arun(
            _explain.analyze_op(self._search_op, compiled), method="aexplain"
        )
        return f"{text}{profile}"
