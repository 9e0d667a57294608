"""``QuerySet.update()`` and ``QuerySet.delete()`` over every match, however many.

Weaviate returns at most ``QUERY_MAXIMUM_RESULTS`` (10,000 by default) objects per
request, and its BatchDelete removes at most as many per call. These operations act on
every match all the same: BatchDelete is repeated until nothing matches, listings for
hooks and searches are repeated after each round of deletes, and ``update()`` past the
maximum walks the collection with Weaviate's cursor (by id) and keeps each page's
matches. A search (a ranking) without a slice cannot be walked: past the maximum it
raises :class:`~weavorm.errors.QueryError` before anything is written.

Each function returns an operation (a generator of engine calls) that the sync and the
async drivers both run.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from weavorm.engine._protocol import data as data_ops
from weavorm.engine._protocol import query as query_ops
from weavorm.engine._protocol.calls import Call
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.filters import filter_to_grpc
from weavorm.engine.types import DeleteManyObject, DeleteManyResult
from weavorm.errors import QueryError
from weavorm.odm import compiler, writes

if TYPE_CHECKING:
    from weavorm.odm.binding import Binding
    from weavorm.odm.model import Model
    from weavorm.odm.queryset import QuerySet

__all__ = ["MAX_RESULTS", "delete_op", "update_op"]

Op = Generator[Call, Any, Any]

#: Weaviate's default ``QUERY_MAXIMUM_RESULTS``: the most objects one request returns.
MAX_RESULTS = 10_000
#: Page size of the id walk ``update()`` uses past ``MAX_RESULTS`` matches.
PAGE = 2_000


def bounded_listing(qs: QuerySet[Any], what: str) -> Any:
    """A list op for a sliced, offset or searched QuerySet that refuses to cut short."""
    q = qs._query
    if q.limit is not None:
        return qs._list_op()
    cap = MAX_RESULTS - (q.offset or 0)
    if cap <= 0:
        raise QueryError(
            f"{what}: offset {q.offset} leaves nothing within Weaviate's "
            f"{MAX_RESULTS:,}-object query limit"
        )
    inner = qs._clone(limit=cap)._list_op()

    def op(ctx: CollectionContext, binding: Binding) -> Op:
        found: list[Model] = yield from inner(ctx, binding)
        if len(found) >= cap:
            raise QueryError(
                f"{what}: the search (or offset) matches {cap:,} objects or more, the most "
                "Weaviate returns at once; nothing was changed. Slice the QuerySet ([:n]) or "
                "filter instead of searching to act on every match"
            )
        return found

    return op


def update_op(qs: QuerySet[Any], values: dict[str, Any]) -> Any:
    """Set ``values`` on every match of ``qs`` and merge them into the stored objects."""
    q = qs._query
    fields = set(values)

    def apply(objs: list[Model]) -> list[Model]:
        for obj in objs:
            for key, value in values.items():
                setattr(obj, key, value)
        return objs

    if q.limit is not None or q.search is not None or q.offset:
        listing = bounded_listing(qs, "update()")

        def listed(ctx: CollectionContext, binding: Binding) -> Op:
            objs = yield from listing(ctx, binding)
            done: int = yield from writes.update_op(apply(objs), fields)(ctx, binding)
            return done

        return listed
    unordered = qs._clone(order=())
    first = unordered._clone(limit=MAX_RESULTS)._list_op()

    def op(ctx: CollectionContext, binding: Binding) -> Op:
        objs: list[Model] = yield from first(ctx, binding)
        if len(objs) < MAX_RESULTS:  # the common case: one listing holds every match
            done: int = yield from writes.update_op(apply(objs), fields)(ctx, binding)
            return done
        # more than one request returns: walk the collection by id (Weaviate's cursor,
        # which takes no filter) and keep the matches of each page
        total = 0
        after: UUID | None = None
        while True:
            if q.where:
                page = yield from query_ops.fetch_objects(
                    ctx, limit=PAGE, after=after, return_properties=[]
                )
                ids = [o.uuid for o in page.objects]
                if not ids:
                    return total
                matching = unordered.filter(id__in=ids)._clone(limit=len(ids))
                objs = yield from matching._list_op()(ctx, binding)
            else:
                objs = yield from unordered._clone(limit=PAGE, after=after)._list_op()(ctx, binding)
                ids = [o.id for o in objs]
                if not ids:
                    return total
            after = ids[-1]
            done = yield from writes.update_op(apply(objs), fields)(ctx, binding)
            total += done
            if len(ids) < PAGE:
                return total

    return op


def delete_op(qs: QuerySet[Any], dry_run: bool) -> Any:
    """Delete every match of ``qs`` (or, with ``dry_run``, count them)."""
    from weavorm.engine.filters import Filter

    model = qs.model
    q = qs._query
    filters = compiler.compile_filter(model.weavorm_info(), q.where)
    hooks = writes.has_delete_hooks(model) and not dry_run
    needs_objects = hooks or q.search is not None or q.limit is not None or bool(q.offset)
    once = q.limit is not None or dry_run  # a slice, or a count: one listing
    listing: Any = None
    if needs_objects:
        listing = (
            bounded_listing(qs, "delete(dry_run=True)" if dry_run else "delete()")
            if once
            else qs._clone(limit=max(1, MAX_RESULTS - (q.offset or 0)))._list_op()
        )
    count = qs._count_op() if dry_run and not needs_objects else None

    def by_ids(ctx: CollectionContext, found: list[Model]) -> Op:
        if hooks:
            writes.fire("pre_delete", found)
        where = Filter.by_id().contains_any([o.id for o in found])
        result: DeleteManyResult = yield from data_ops.delete_many(
            ctx, filter_to_grpc(where), dry_run=dry_run, verbose=True
        )
        if hooks:
            gone = {o.uuid for o in result.objects if o.successful}
            writes.fire("post_delete", [o for o in found if o.id in gone])
        return result

    def op(ctx: CollectionContext, binding: Binding) -> Op:
        total = _DeleteTally()
        if listing is not None:
            while True:  # deleted objects stop matching, so each listing moves on
                found: list[Model] = yield from listing(ctx, binding)
                if not found:
                    break
                result = yield from by_ids(ctx, found)
                total.add(result)
                if once or result.successful == 0:
                    break
            return total.result()
        where = filters if filters is not None else Filter.by_id().not_equal(UUID(int=0))
        message = filter_to_grpc(where)
        if dry_run:
            result = yield from data_ops.delete_many(ctx, message, dry_run=True, verbose=True)
            assert count is not None
            matches = max(int((yield from count(ctx, binding))), result.matches)
            return replace(result, matches=matches, successful=matches - result.failed)
        while True:  # BatchDelete stops at QUERY_MAXIMUM_RESULTS per request
            result = yield from data_ops.delete_many(ctx, message, verbose=True)
            total.add(result)
            if result.successful == 0:
                return total.result()

    return op


class _DeleteTally:
    """Sums the rounds of a repeated BatchDelete, counting each object once."""

    def __init__(self) -> None:
        self.deleted: list[DeleteManyObject] = []
        self.failed: dict[UUID, DeleteManyObject] = {}
        self.successful = 0
        self.elapsed = 0.0
        self.unlisted_failures = 0

    def add(self, result: DeleteManyResult) -> None:
        self.successful += result.successful
        self.elapsed += result.elapsed
        listed_failures = 0
        for item in result.objects:
            if item.successful:
                self.deleted.append(item)
                self.failed.pop(item.uuid, None)
            else:
                listed_failures += 1
                self.failed[item.uuid] = item
        self.unlisted_failures = max(self.unlisted_failures, result.failed - listed_failures)

    def result(self) -> DeleteManyResult:
        failed = len(self.failed) + self.unlisted_failures
        return DeleteManyResult(
            matches=self.successful + failed,
            successful=self.successful,
            failed=failed,
            objects=[*self.deleted, *self.failed.values()],
            elapsed=self.elapsed,
        )
