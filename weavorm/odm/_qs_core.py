"""The engine side of a ``QuerySet``: plumbing, and one operation per evaluation.

Every evaluation (``get``/``aget``, ``count``/``acount``, ...) is written once here as
an operation factory (``_get_op``, ``_count_op``, ...) and run on the sync driver
(``_run``) or the async driver (``_arun``) by the methods of
:mod:`weavorm.odm._qs_methods_async` and of the sync module generated from it. The
refinements (``filter``, ``order_by``, ...) are in :mod:`weavorm.odm.queryset`.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast
from uuid import UUID

from weavorm.engine._protocol import aggregate as agg_ops
from weavorm.engine._protocol import generate as gen_ops
from weavorm.engine._protocol import query as query_ops
from weavorm.engine._protocol.calls import Call
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine.aggregate_types import Metrics
from weavorm.engine.results import Object, QueryResult
from weavorm.errors import QueryError
from weavorm.odm import _explain, compiler, decode
from weavorm.odm.aggregates import Aggregate, Count, TopOccurrences, metric_value
from weavorm.odm.binding import Binding, resolve
from weavorm.odm.mapping import PropertyInfo
from weavorm.odm.q import Q
from weavorm.odm.query import GenerateSpec, Query

if TYPE_CHECKING:
    from weavorm.odm.model import Model
    from weavorm.odm.queryset import QuerySet

__all__ = ["GenerateResult", "ModelGroup", "QuerySetCore"]

M = TypeVar("M", bound="Model")
T = TypeVar("T")
Op = Generator[Call, Any, T]


@dataclass(slots=True)
class ModelGroup(Generic[M]):
    """One group of a ``group_by`` query."""

    name: str
    objects: list[M]
    min_distance: float
    max_distance: float
    number_of_objects: int
    rerank_score: float | None = None


@dataclass(slots=True)
class GenerateResult(Generic[M]):
    """Objects with ``obj.meta.generated`` and, for grouped tasks, ``text``."""

    objects: list[M] = field(default_factory=list)
    text: str | None = None


class QuerySetCore(Generic[M]):
    """What every ``QuerySet`` method builds on: the query, its binding and operations."""

    if TYPE_CHECKING:
        # refinements (weavorm.odm.queryset.QuerySet) the operations use

        def _clone(self, **changes: Any) -> QuerySet[M]: ...
        def filter(self, *q: Q, **lookups: Any) -> QuerySet[M]: ...
        def only(self, *fields: str) -> QuerySet[M]: ...

    def __init__(self, model: type[M], *, query: Query | None = None, using: Any = None) -> None:
        self.model = model
        self._query = query or Query()
        self._using = using
        self._cache: list[M] | None = None

    def _binding(self) -> Binding:
        return resolve(self._using)

    def _ctx(self, binding: Binding, driver: Any) -> CollectionContext:
        q = self._query
        tenant = q.tenant
        consistency = q.consistency
        session = binding.session
        if session is not None:
            tenant = tenant or session.tenant
            consistency = consistency or session.consistency
        ctx = CollectionContext(
            name=self.model.collection_name(),
            grpc_max_message_size=driver.grpc_max_message_size,
        )
        if tenant is not None:
            ctx = ctx.with_tenant(tenant)
        if consistency is not None:
            ctx = ctx.with_consistency(consistency)
        return ctx

    def _run(self, op_factory: Any, *, method: str) -> Any:
        binding = self._binding()
        if binding.sync_client is None:
            raise QueryError(_no_sync_client(self.model.__name__, binding, method))
        ctx = self._ctx(binding, binding.sync_client)
        return binding.sync_client.run(op_factory(ctx, binding))

    async def _arun(self, op_factory: Any, *, method: str) -> Any:
        binding = self._binding()
        if binding.async_client is None:
            raise QueryError(
                f"{self.model.__name__}.objects has no async client: call "
                "weavorm.configure(async_client=...) or .using(async_client)"
            )
        ctx = self._ctx(binding, binding.async_client)
        return await binding.async_client.run(op_factory(ctx, binding))

    def _compiled(self, *, generate: GenerateSpec | None = None) -> compiler.Compiled:
        return compiler.compile_query(self.model, self._query, generate=generate)

    def _explain_request(self) -> str:
        compiled = self._compiled()
        ctx = CollectionContext(name=self.model.collection_name())
        ctx = ctx.with_tenant(self._query.tenant).with_consistency(self._query.consistency)
        op = self._search_op(ctx, compiled)
        call = next(op)
        op.close()
        return _explain.request_text(compiled, call)

    def _search_op(self, ctx: CollectionContext, compiled: compiler.Compiled) -> Op[QueryResult]:
        module = gen_ops if compiled.module == "generate" else query_ops
        op = getattr(module, compiled.operation)
        result: QueryResult = yield from op(ctx, *compiled.args, **compiled.kwargs)
        if compiled.extra_references:
            objects = [*result.objects, *(o for g in result.groups.values() for o in g.objects)]
            yield from _load_extra_references(ctx, objects, compiled.extra_references)
        return result

    def _adopt(self, binding: Binding, objs: list[M]) -> list[M]:
        if binding.session is not None:
            fully = self._query.only is None and self._query.vectors is True
            return binding.session._weavorm_adopt(objs, fully_loaded=fully)  # type: ignore[no-any-return]
        return objs

    def _to_models(self, objects: Iterable[Object]) -> list[M]:
        partial = self._query.only is not None
        return [
            compiler.to_instance(self.model, o, partial=partial)  # type: ignore[misc]
            for o in objects
        ]

    def _list_op(self) -> Any:
        compiled = self._compiled()
        if decode.applies(self.model, self._query, compiled):

            def fast(ctx: CollectionContext, binding: Binding) -> Op[list[M]]:
                found = yield from decode.list_op(self.model, compiled, ctx)
                return self._adopt(binding, found)  # type: ignore[arg-type]

            return fast

        def op(ctx: CollectionContext, binding: Binding) -> Op[list[M]]:
            result = yield from self._search_op(ctx, compiled)
            objects = result.objects
            if self._query.group is not None and not objects:
                objects = [o for g in result.groups.values() for o in g.objects]
            return self._adopt(binding, self._to_models(objects))

        return op

    # -- one operation per evaluation (run by the sync and async methods) --------------

    def _get_op(self, lookups: dict[str, Any]) -> Any:
        qs = self.filter(**lookups) if lookups else self
        limited = qs._clone(limit=2)
        inner = limited._list_op()
        model = self.model

        def op(ctx: CollectionContext, binding: Binding) -> Op[M]:
            found: list[M] = yield from inner(ctx, binding)
            if not found:
                raise model.DoesNotExist(f"{model.__name__} matching {lookups!r} does not exist")
            if len(found) > 1:
                raise model.MultipleObjectsReturned(
                    f"more than one {model.__name__} matches {lookups!r}"
                )
            return found[0]

        return op

    def _count_op(self) -> Any:
        if self._query.search is not None:
            inner = self._list_op()

            def search_count(ctx: CollectionContext, binding: Binding) -> Op[int]:
                found = yield from inner(ctx, binding)
                return len(found)

            return search_count
        filters = compiler.compile_filter(self.model.weavorm_info(), self._query.where)
        q = self._query

        def op(ctx: CollectionContext, binding: Binding) -> Op[int]:
            outcome = yield from agg_ops.over_all(ctx, filters=filters, total_count=True)
            total = int(getattr(outcome, "total_count", 0) or 0)
            total = max(0, total - (q.offset or 0))
            return min(total, q.limit) if q.limit is not None else total

        return op

    def _exists_op(self) -> Any:
        inner = self._clone(limit=1)._list_op()

        def op(ctx: CollectionContext, binding: Binding) -> Op[bool]:
            found = yield from inner(ctx, binding)
            return bool(found)

        return op

    def _values_op(self, fields: tuple[str, ...]) -> Any:
        names = fields or ("id", *self.model.weavorm_info().properties)
        stored = tuple(f for f in names if f != "id")
        inner = (self.only(*stored) if stored else self.only())._list_op()

        def op(ctx: CollectionContext, binding: Binding) -> Op[list[dict[str, Any]]]:
            objs = yield from inner(ctx, binding)
            return [{f: getattr(o, f, None) for f in names} for o in objs]

        return op

    def _values_list_op(self, fields: tuple[str, ...], flat: bool) -> Any:
        if flat and len(fields) != 1:
            raise QueryError("values_list(flat=True) takes exactly one field")
        inner = self._values_op(fields)

        def op(ctx: CollectionContext, binding: Binding) -> Op[list[Any]]:
            rows: list[dict[str, Any]] = yield from inner(ctx, binding)
            if flat:
                return [row[fields[0]] for row in rows]
            return [tuple(row[f] for f in (fields or row.keys())) for row in rows]

        return op

    def _in_bulk_op(self, ids: Iterable[UUID | str]) -> Any:
        wanted = [_uuid("in_bulk", i) for i in ids]
        inner = self.filter(id__in=wanted)._clone(limit=len(wanted))._list_op() if wanted else None

        def op(ctx: CollectionContext, binding: Binding) -> Op[dict[UUID, M]]:
            if inner is None:
                return {}
            found = yield from inner(ctx, binding)
            return {o.id: o for o in found}

        return op

    def _check_cursor(self, name: str) -> None:
        q = self._query
        if q.where or q.search is not None or q.order or q.group is not None:
            raise QueryError(
                f"{name}() pages with Weaviate's cursor, which cannot be combined with "
                "filter(), searches, order_by() or group_by(); use slicing ([a:b]) instead"
            )

    def _page_op(self, chunk_size: int, after: Any) -> Any:
        if not isinstance(chunk_size, int) or chunk_size < 1:
            raise QueryError(f"chunk_size must be a positive int, got {chunk_size!r}")
        return self._clone(limit=chunk_size, offset=None, after=after)._list_op()

    def _groups_op(self) -> Any:
        if self._query.group is None:
            raise QueryError("groups() needs group_by(...)")
        compiled = self._compiled()

        def op(ctx: CollectionContext, binding: Binding) -> Op[list[ModelGroup[M]]]:
            result = yield from self._search_op(ctx, compiled)
            out: list[ModelGroup[M]] = []
            for name, group in result.groups.items():
                out.append(
                    ModelGroup(
                        name=name,
                        objects=self._adopt(binding, self._to_models(group.objects)),
                        min_distance=group.min_distance,
                        max_distance=group.max_distance,
                        number_of_objects=group.number_of_objects,
                        rerank_score=group.rerank_score,
                    )
                )
            return out

        return op

    def _aggregate_op(self, metrics: dict[str, Aggregate]) -> Any:
        info = self.model.weavorm_info()
        if self._query.search is not None:
            raise QueryError("aggregate() with a search is not supported; filter instead")
        filters = compiler.compile_filter(info, self._query.where)
        by_field: dict[str, list[tuple[str, Aggregate]]] = {}
        for alias, agg in metrics.items():
            if agg.field is None:
                if not isinstance(agg, Count):
                    raise QueryError(f"{alias}: {type(agg).__name__} needs a field")
                continue
            prop = info.by_name(agg.field)
            if not isinstance(prop, PropertyInfo):
                raise QueryError(
                    f"{alias}: {self.model.__name__} has no stored field {agg.field!r}; "
                    f"valid: {', '.join(info.properties)}"
                )
            agg.check(prop.data_type)
            by_field.setdefault(prop.name, []).append((alias, agg))
        requests = []
        types = {p.name: p.data_type for p in info.properties.values()}
        for name, items in by_field.items():
            requests.append(_metric_request(name, types[name], [a for _, a in items]))

        def op(ctx: CollectionContext, binding: Binding) -> Op[dict[str, Any]]:
            outcome: Any = yield from agg_ops.over_all(
                ctx, filters=filters, total_count=True, return_metrics=requests or None
            )
            out: dict[str, Any] = {}
            for alias, agg in metrics.items():
                if agg.field is None:
                    out[alias] = outcome.total_count
                    continue
                prop = info.by_name(agg.field)
                assert isinstance(prop, PropertyInfo)
                out[alias] = metric_value(agg, outcome.properties.get(prop.name))
            return out

        return op

    def _generate_op(
        self,
        single_prompt: str | None,
        grouped_task: str | None,
        grouped_properties: Sequence[str] | None,
    ) -> Any:
        if single_prompt is None and grouped_task is None:
            raise QueryError("generate() needs single_prompt= or grouped_task=")
        spec = GenerateSpec(
            single_prompt,
            grouped_task,
            tuple(grouped_properties) if grouped_properties is not None else None,
        )
        compiled = self._compiled(generate=spec)

        def op(ctx: CollectionContext, binding: Binding) -> Op[GenerateResult[M]]:
            result = yield from self._search_op(ctx, compiled)
            objs = self._adopt(binding, self._to_models(result.objects))
            text = result.generative.text if result.generative is not None else None
            return GenerateResult(objects=objs, text=text)

        return op

    def _get_or_create_op(
        self, defaults: dict[str, Any] | None, lookups: dict[str, Any], *, update: bool
    ) -> Any:
        from weavorm.odm import writes

        getter = self._get_op(lookups)
        model = self.model
        values = defaults or {}

        def op(ctx: CollectionContext, binding: Binding) -> Op[tuple[M, bool]]:
            try:
                obj: M = yield from getter(ctx, binding)
            except model.DoesNotExist:
                new = model(**_plain_lookups(lookups), **values)
                yield from writes.save_op([new], created=True)(ctx, binding)
                return new, True
            if update:
                for key, value in values.items():
                    setattr(obj, key, value)
                yield from writes.update_op([obj], set(values))(ctx, binding)
            return obj, False

        return op

    def _update_op(self, values: dict[str, Any]) -> Any:
        from weavorm.odm import bulk

        return bulk.update_op(cast("QuerySet[M]", self), values)

    def _delete_op(self, dry_run: bool) -> Any:
        from weavorm.odm import bulk

        return bulk.delete_op(cast("QuerySet[M]", self), dry_run)


def _load_extra_references(
    ctx: CollectionContext, objects: list[Object], extras: list[Any]
) -> Op[None]:
    """Fetch further target collections of multi-target references and merge them in."""
    from weavorm.engine.filters import Filter
    from weavorm.engine.results import CrossReference

    if not objects:
        return
    by_id = {o.uuid: o for o in objects}
    for extra in extras:
        found = yield from query_ops.fetch_objects(
            ctx,
            filters=Filter.by_id().contains_any(list(by_id)),
            limit=len(by_id),
            return_properties=[],
            return_references=[extra],
        )
        for other in found.objects:
            target = by_id.get(other.uuid)
            cross = other.references.get(extra.link_on)
            if target is None or cross is None:
                continue
            existing = target.references.get(extra.link_on)
            if existing is None:
                target.references[extra.link_on] = CrossReference(list(cross.objects))
            else:
                existing.objects.extend(cross.objects)


def _uuid(method: str, value: Any) -> UUID:
    if isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        raise QueryError(f"{method}(): {value!r:.60} is not a UUID") from None


def _plain_lookups(lookups: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in lookups.items() if "__" not in k or k.endswith("__exact")}


def _metric_request(name: str, data_type: str, aggs: list[Aggregate]) -> Any:
    base = data_type.removesuffix("[]")
    wanted = {a.metric for a in aggs}
    metrics = Metrics(name)
    if base == "text":
        limit = max((a.limit for a in aggs if isinstance(a, TopOccurrences)), default=5)
        return metrics.text(
            count="count" in wanted,
            top_occurrences_count=True,
            top_occurrences_value=True,
            limit=limit,
        )
    if base in ("int", "number"):
        kwargs = {
            k: (k in wanted)
            for k in ("count", "sum_", "mean", "median", "mode", "minimum", "maximum")
        }
        return metrics.integer(**kwargs) if base == "int" else metrics.number(**kwargs)
    if base == "date":
        kwargs = {k: (k in wanted) for k in ("count", "median", "mode", "minimum", "maximum")}
        return metrics.date_(**kwargs)
    if base == "boolean":
        return metrics.boolean(count="count" in wanted, percentage_true=True)
    if base == "uuid":
        return metrics.text(count=True)
    raise QueryError(f"cannot aggregate {data_type} field {name!r}")


#: What to call instead of a sync method on a QuerySet bound to an async client.
_ASYNC_TWINS = {
    "__iter__": ("iteration", "`async for obj in qs` or `await qs.alist()`"),
    "__getitem__": ("qs[i]", "`await qs[i : i + 1].afirst()`"),
    "iterator": ("iterator()", "`async for obj in qs.aiterator()`"),
}


def _no_sync_client(model: str, binding: Binding, method: str) -> str:
    if binding.async_client is None:
        return (
            f"{model}.objects has no client: call weavorm.configure(client) or "
            ".using(client_or_session)"
        )
    shown, twin = _ASYNC_TWINS.get(method, (f"{method}()", f"`await qs.a{method}(...)`"))
    return (
        f"{model}: {shown} needs a sync client, but this QuerySet runs on an async client "
        f"or AsyncSession: use {twin}"
    )
