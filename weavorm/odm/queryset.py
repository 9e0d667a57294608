"""``QuerySet``: lazy, chainable queries over one model (Django's split).

Refinements return a new QuerySet (the :class:`~weavorm.odm.query.Query` is
immutable). Evaluation compiles the query to one engine operation; every evaluation
method is written once as an operation and run on the sync driver (``get``,
``first``, ...) or the async driver (``aget``, ``afirst``, ...).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload
from uuid import UUID

from weavorm.engine._protocol import aggregate as agg_ops
from weavorm.engine._protocol import generate as gen_ops
from weavorm.engine._protocol import query as query_ops
from weavorm.engine._protocol.calls import Call
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine.aggregate_types import Metrics
from weavorm.engine.options import BM25Operator, HybridFusion
from weavorm.engine.results import Object, QueryResult
from weavorm.engine.types import BatchResult, DeleteManyResult
from weavorm.errors import QueryError
from weavorm.odm import _explain, compiler, decode
from weavorm.odm import _qs_repr as _repr
from weavorm.odm.aggregates import Aggregate, Count, TopOccurrences, metric_value
from weavorm.odm.binding import Binding, resolve
from weavorm.odm.mapping import PropertyInfo
from weavorm.odm.q import Q
from weavorm.odm.query import GenerateSpec, GroupSpec, Query, SearchSpec

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["GenerateResult", "ModelGroup", "QuerySet"]

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


class QuerySet(Generic[M]):
    """A lazy query over the collection of model ``M``."""

    def __init__(self, model: type[M], *, query: Query | None = None, using: Any = None) -> None:
        self.model = model
        self._query = query or Query()
        self._using = using
        self._cache: list[M] | None = None

    # -- plumbing -----------------------------------------------------------------------

    def _clone(self, **changes: Any) -> QuerySet[M]:
        # Always a plain QuerySet: refining a Manager gives a QuerySet (Django's split).
        return QuerySet(self.model, query=self._query.evolve(**changes), using=self._using)

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
        if binding.sync_driver is None:
            raise QueryError(_no_sync_client(self.model.__name__, binding, method))
        ctx = self._ctx(binding, binding.sync_driver)
        return binding.sync_driver.run(op_factory(ctx, binding))

    async def _arun(self, op_factory: Any) -> Any:
        binding = self._binding()
        if binding.async_driver is None:
            raise QueryError(
                f"{self.model.__name__}.objects has no async client: call "
                "weavorm.configure(async_client=...) or .using(async_client)"
            )
        ctx = self._ctx(binding, binding.async_driver)
        return await binding.async_driver.run(op_factory(ctx, binding))

    def _compiled(self, *, generate: GenerateSpec | None = None) -> compiler.Compiled:
        return compiler.compile_query(self.model, self._query, generate=generate)

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

    # -- refine --------------------------------------------------------------------------

    def all(self) -> QuerySet[M]:
        """A copy of this QuerySet (evaluate it by iterating or calling ``list``)."""
        return self._clone()

    def filter(self, *q: Q, **lookups: Any) -> QuerySet[M]:
        """Keep objects matching every condition (``year__gt=2000``, ``Q(...) | Q(...)``)."""
        _check_q("filter", q)
        return self._clone(where=self._query.where & Q(*q, **lookups))

    def exclude(self, *q: Q, **lookups: Any) -> QuerySet[M]:
        """Drop objects matching the conditions."""
        _check_q("exclude", q)
        return self._clone(where=self._query.where & ~Q(*q, **lookups))

    def order_by(self, *fields: str) -> QuerySet[M]:
        """Sort by fields; ``-field`` for descending (not combinable with a search)."""
        _check_names("order_by", fields)
        order = tuple((f.lstrip("-"), not f.startswith("-")) for f in fields)
        return self._clone(order=order)

    def limit(self, n: int) -> QuerySet[M]:
        """At most ``n`` objects."""
        if not isinstance(n, int) or n < 0:
            raise QueryError(f"limit must be a non-negative int, got {n!r}")
        return self._clone(limit=n)

    def offset(self, n: int) -> QuerySet[M]:
        """Skip ``n`` objects."""
        if not isinstance(n, int) or n < 0:
            raise QueryError(f"offset must be a non-negative int, got {n!r}")
        return self._clone(offset=n)

    def only(self, *fields: str) -> QuerySet[M]:
        """Return only these stored fields (others are not loaded)."""
        _check_names("only", fields)
        return self._clone(only=tuple(fields))

    def select_related(self, *refs: str) -> QuerySet[M]:
        """Load these references (``"author"``, ``"author__org"``) in the same request."""
        _check_names("select_related", refs)
        return self._clone(related=self._query.related + tuple(refs))

    def with_vector(self, *names: str) -> QuerySet[M]:
        """Return vectors: all, or the named ones (``"default"`` for the default)."""
        _check_names("with_vector", names)
        return self._clone(vectors=tuple(names) if names else True)

    def with_metadata(self, *names: str) -> QuerySet[M]:
        """Ask for more search metadata in ``obj.meta``.

        Each search already returns what it produces (distance for vector searches,
        score for keyword searches, timestamps always); add ``explain_score``,
        ``is_consistent``, ``distance``, ``certainty`` or ``score`` here.
        """
        _check_names("with_metadata", names)
        return self._clone(metadata=self._query.metadata + tuple(names))

    def tenant(self, name: str) -> QuerySet[M]:
        """Address tenant ``name`` of a multi-tenant collection."""
        return self._clone(tenant=name)

    def consistency(self, level: str) -> QuerySet[M]:
        """Replication consistency: ``ONE``, ``QUORUM`` or ``ALL``."""
        CollectionContext(name="X").with_consistency(level)
        return self._clone(consistency=str(level).upper())

    def using(self, target: Any) -> QuerySet[M]:
        """Run on ``target``: a client, an async client or a session."""
        clone = self._clone()
        clone._using = target
        return clone

    def _search(self, kind: str, *args: Any, **kwargs: Any) -> QuerySet[M]:
        if self._query.search is not None:
            raise QueryError(
                f"{kind}(): this QuerySet already has {self._query.search.kind}(); "
                "Weaviate runs one search per request"
            )
        clean = tuple((k, v) for k, v in kwargs.items() if v is not None)
        return self._clone(search=SearchSpec(kind, args, clean))

    def near_text(
        self,
        text: str | Sequence[str],
        *,
        distance: float | None = None,
        certainty: float | None = None,
        target_vector: str | None = None,
    ) -> QuerySet[M]:
        """Objects whose vector is near the embedding of ``text``."""
        return self._search(
            "near_text", text, distance=distance, certainty=certainty, target_vector=target_vector
        )

    def near_vector(
        self,
        vector: Any,
        *,
        distance: float | None = None,
        certainty: float | None = None,
        target_vector: str | None = None,
    ) -> QuerySet[M]:
        """Objects whose vector is near ``vector``."""
        return self._search(
            "near_vector",
            vector,
            distance=distance,
            certainty=certainty,
            target_vector=target_vector,
        )

    def near_object(
        self,
        obj: Any,
        *,
        distance: float | None = None,
        certainty: float | None = None,
        target_vector: str | None = None,
    ) -> QuerySet[M]:
        """Objects near another object (a model instance or an id)."""
        uuid = getattr(obj, "id", obj)
        return self._search(
            "near_object",
            uuid,
            distance=distance,
            certainty=certainty,
            target_vector=target_vector,
        )

    def near_image(
        self,
        data: Any,
        *,
        distance: float | None = None,
        certainty: float | None = None,
        target_vector: str | None = None,
    ) -> QuerySet[M]:
        """Objects near an image (bytes, base64 text or a path); needs an image vectorizer."""
        return self._search(
            "near_image", data, distance=distance, certainty=certainty, target_vector=target_vector
        )

    def bm25(
        self, query: str, *, properties: Sequence[str] | None = None, operator: str = "or"
    ) -> QuerySet[M]:
        """Keyword search; ``operator="and"`` needs every token."""
        if operator not in ("or", "and"):
            raise QueryError(f"bm25 operator must be 'or' or 'and', got {operator!r}")
        op = BM25Operator.and_() if operator == "and" else None
        return self._search(
            "bm25",
            query,
            query_properties=_names_list("bm25", properties),
            operator=op,
        )

    def hybrid(
        self,
        query: str,
        *,
        alpha: float = 0.5,
        vector: Any = None,
        properties: Sequence[str] | None = None,
        fusion: str = "relative_score",
        target_vector: str | None = None,
    ) -> QuerySet[M]:
        """Keyword and vector search fused; ``alpha=1`` is pure vector."""
        fusions = {"relative_score": HybridFusion.RELATIVE_SCORE, "ranked": HybridFusion.RANKED}
        if fusion not in fusions:
            raise QueryError(f"hybrid fusion must be one of {', '.join(fusions)}, got {fusion!r}")
        return self._search(
            "hybrid",
            query,
            alpha=alpha,
            vector=vector,
            query_properties=_names_list("hybrid", properties),
            fusion_type=fusions[fusion],
            target_vector=target_vector,
        )

    def rerank(self, property: str, query: str | None = None) -> QuerySet[M]:
        """Rerank search results on ``property`` with the collection's reranker."""
        _check_names("rerank", [property])
        return self._clone(rerank=(property, query))

    def autocut(self, n: int) -> QuerySet[M]:
        """Cut results after ``n`` jumps in distance/score."""
        return self._clone(autocut=n)

    def group_by(self, prop: str, *, groups: int, per_group: int) -> QuerySet[M]:
        """Group search results by ``prop`` (see :meth:`groups`)."""
        return self._clone(group=GroupSpec(prop, groups, per_group))

    @overload
    def __getitem__(self, key: int) -> M: ...
    @overload
    def __getitem__(self, key: slice) -> QuerySet[M]: ...
    def __getitem__(self, key: int | slice) -> M | QuerySet[M]:
        if isinstance(key, slice):
            for part, value in (("start", key.start), ("stop", key.stop), ("step", key.step)):
                if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                    raise QueryError(
                        f"QuerySet slice {part} must be an int or None, got {value!r}; "
                        "allowed: qs[n], qs[a:b], qs[a:], qs[:b] with n, a, b >= 0"
                    )
            if key.step not in (None, 1):
                raise QueryError(
                    f"QuerySet slices with a step are not supported (got step {key.step}); "
                    "allowed: qs[a:b], qs[a:], qs[:b]"
                )
            start = key.start or 0
            if start < 0 or (key.stop is not None and key.stop < 0):
                raise QueryError(
                    f"negative slice indexes are not supported (got {key.start}:{key.stop}); "
                    "Weaviate cannot count from the end: use order_by('-field')[:n]"
                )
            base = self._query.offset or 0
            changes: dict[str, Any] = {"offset": base + start}
            if key.stop is not None:
                changes["limit"] = max(0, key.stop - start)
            return self._clone(**changes)
        if not isinstance(key, int) or isinstance(key, bool):
            raise QueryError(
                f"QuerySet indexes must be an int >= 0 or a slice, got {type(key).__name__} "
                f"{key!r}; allowed: qs[n], qs[a:b], qs[a:], qs[:b]"
            )
        if key < 0:
            raise QueryError(
                f"negative indexes are not supported (got {key}); Weaviate cannot count from "
                "the end: use order_by('-field')[0]"
            )
        one = self[key : key + 1]
        found = one._run(one._list_op(), method="__getitem__")
        if not found:
            raise IndexError(key)
        return found[0]  # type: ignore[no-any-return]

    # -- evaluate (sync) ----------------------------------------------------------------

    def _fetch_all(self) -> list[M]:
        if self._cache is None:
            self._cache = self._run(self._list_op(), method="__iter__")
        return self._cache

    def __iter__(self) -> Iterator[M]:
        return iter(self._fetch_all())

    def __len__(self) -> int:
        return len(self._fetch_all())

    def first(self) -> M | None:
        """The first object, or None."""
        found: list[M] = self._run(self._clone(limit=1)._list_op(), method="first")
        return found[0] if found else None

    def get(self, **lookups: Any) -> M:
        """The one object matching ``lookups``.

        Raises:
            Model.DoesNotExist: no object matches.
            Model.MultipleObjectsReturned: more than one matches.
        """
        return self._run(self._get_op(lookups), method="get")  # type: ignore[no-any-return]

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

    def count(self) -> int:
        """The number of matching objects (one aggregate request without a search)."""
        return self._run(self._count_op(), method="count")  # type: ignore[no-any-return]

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

    def exists(self) -> bool:
        """Whether any object matches."""
        return self._run(self._exists_op(), method="exists")  # type: ignore[no-any-return]

    def _exists_op(self) -> Any:
        inner = self._clone(limit=1)._list_op()

        def op(ctx: CollectionContext, binding: Binding) -> Op[bool]:
            found = yield from inner(ctx, binding)
            return bool(found)

        return op

    def values(self, *fields: str) -> list[dict[str, Any]]:
        """Objects as dicts of the given fields (default: all stored fields and ``id``)."""
        return self._run(self._values_op(fields), method="values")  # type: ignore[no-any-return]

    def _values_op(self, fields: tuple[str, ...]) -> Any:
        names = fields or ("id", *self.model.weavorm_info().properties)
        stored = tuple(f for f in names if f != "id")
        inner = (self.only(*stored) if stored else self.only())._list_op()

        def op(ctx: CollectionContext, binding: Binding) -> Op[list[dict[str, Any]]]:
            objs = yield from inner(ctx, binding)
            return [{f: getattr(o, f, None) for f in names} for o in objs]

        return op

    def values_list(self, *fields: str, flat: bool = False) -> list[Any]:
        """Objects as tuples (or bare values with ``flat=True`` and one field)."""
        return self._run(self._values_list_op(fields, flat), method="values_list")  # type: ignore[no-any-return]

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

    def in_bulk(self, ids: Iterable[UUID | str]) -> dict[UUID, M]:
        """Objects by id for the given ids (missing ids are left out)."""
        return self._run(self._in_bulk_op(ids), method="in_bulk")  # type: ignore[no-any-return]

    def _in_bulk_op(self, ids: Iterable[UUID | str]) -> Any:
        wanted = [_uuid("in_bulk", i) for i in ids]
        inner = self.filter(id__in=wanted)._clone(limit=len(wanted))._list_op() if wanted else None

        def op(ctx: CollectionContext, binding: Binding) -> Op[dict[UUID, M]]:
            if inner is None:
                return {}
            found = yield from inner(ctx, binding)
            return {o.id: o for o in found}

        return op

    def iterator(self, chunk_size: int = 100) -> Iterator[M]:
        """All matching objects, fetched page by page with a cursor (constant memory).

        Weaviate's cursor cannot be combined with filters, searches or ordering; use
        slicing for those.
        """
        self._check_cursor("iterator")
        after = self._query.after
        while True:
            page: list[M] = self._run(self._page_op(chunk_size, after), method="iterator")
            yield from page
            if len(page) < chunk_size:
                return
            after = page[-1].id

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

    def explain(self, *, analyze: bool = False) -> str:
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
        profile: str = self._run(_explain.analyze_op(self._search_op, compiled), method="explain")
        return f"{text}{profile}"

    async def aexplain(self, *, analyze: bool = False) -> str:
        """Async :meth:`explain` (``analyze=True`` runs the query on the async client)."""
        text = self._explain_request()
        if not analyze:
            return text
        compiled = self._compiled()
        profile: str = await self._arun(_explain.analyze_op(self._search_op, compiled))
        return f"{text}{profile}"

    def _explain_request(self) -> str:
        compiled = self._compiled()
        ctx = CollectionContext(name=self.model.collection_name())
        ctx = ctx.with_tenant(self._query.tenant).with_consistency(self._query.consistency)
        op = self._search_op(ctx, compiled)
        call = next(op)
        op.close()
        return _explain.request_text(compiled, call)

    def groups(self) -> list[ModelGroup[M]]:
        """Evaluate a ``group_by`` query into groups."""
        return self._run(self._groups_op(), method="groups")  # type: ignore[no-any-return]

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

    def aggregate(self, **metrics: Aggregate) -> dict[str, Any]:
        """Aggregate metrics: ``aggregate(n=Count(), avg_year=Avg("year"))``."""
        return self._run(self._aggregate_op(metrics), method="aggregate")  # type: ignore[no-any-return]

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

    def generate(
        self,
        *,
        single_prompt: str | None = None,
        grouped_task: str | None = None,
        grouped_properties: Sequence[str] | None = None,
    ) -> GenerateResult[M]:
        """Run the search and generate text per object and/or for the whole result."""
        return self._run(  # type: ignore[no-any-return]
            self._generate_op(single_prompt, grouped_task, grouped_properties), method="generate"
        )

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

    # -- write (sync) --------------------------------------------------------------------

    def create(self, **values: Any) -> M:
        """Build, validate and store one object; returns it."""
        from weavorm.odm import writes

        obj = self.model(**values)
        self._run(writes.save_op([obj], created=True), method="create")
        return obj

    def bulk_create(
        self, objs: Sequence[M], *, batch_size: int | None = None, concurrency: int | None = None
    ) -> BatchResult:
        """Store many objects over gRPC batches; the result lists any failures by index."""
        from weavorm.odm import writes

        return self._run(  # type: ignore[no-any-return]
            writes.save_op(
                list(objs),
                created=True,
                batch_size=batch_size,
                concurrency=concurrency,
                raise_errors=False,
            ),
            method="bulk_create",
        )

    def get_or_create(
        self, defaults: dict[str, Any] | None = None, **lookups: Any
    ) -> tuple[M, bool]:
        """The matching object, or a new one built from ``lookups`` and ``defaults``."""
        return self._run(  # type: ignore[no-any-return]
            self._get_or_create_op(defaults, lookups, update=False), method="get_or_create"
        )

    def update_or_create(
        self, defaults: dict[str, Any] | None = None, **lookups: Any
    ) -> tuple[M, bool]:
        """Update the matching object with ``defaults``, or create it."""
        return self._run(  # type: ignore[no-any-return]
            self._get_or_create_op(defaults, lookups, update=True), method="update_or_create"
        )

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

    def update(self, **values: Any) -> int:
        """Set ``values`` on every matching object (merge updates); returns the count.

        Acts on every match, however many: beyond Weaviate's 10,000-object query limit
        (``QUERY_MAXIMUM_RESULTS``) it pages through the collection by id. With a
        search and no ``limit`` more than 10,000 results raise :class:`QueryError`
        before anything is written (a ranking has no "all"); slice to choose.
        """
        return self._run(self._update_op(values), method="update")  # type: ignore[no-any-return]

    def _update_op(self, values: dict[str, Any]) -> Any:
        from weavorm.odm import bulk

        return bulk.update_op(self, values)

    def delete(self, *, dry_run: bool = False) -> DeleteManyResult:
        """Delete every matching object (BatchDelete); ``dry_run`` only counts.

        Acts on every match, however many: BatchDelete removes at most 10,000 objects
        per request (``QUERY_MAXIMUM_RESULTS``), so it repeats until none is left, and
        the result counts them all. Delete hooks, searches and offsets list the objects
        first (10,000 at a time); a slice (``limit``) deletes exactly those.
        """
        return self._run(self._delete_op(dry_run), method="delete")  # type: ignore[no-any-return]

    def _delete_op(self, dry_run: bool) -> Any:
        from weavorm.odm import bulk

        return bulk.delete_op(self, dry_run)

    # -- evaluate (async twins) ----------------------------------------------------------

    async def alist(self) -> list[M]:
        """Async :meth:`list`."""
        return await self._arun(self._list_op())  # type: ignore[no-any-return]

    def __aiter__(self) -> AsyncIterator[M]:
        async def gen() -> AsyncIterator[M]:
            for obj in await self.alist():
                yield obj

        return gen()

    async def afirst(self) -> M | None:
        """Async :meth:`first`."""
        found: list[M] = await self._arun(self._clone(limit=1)._list_op())
        return found[0] if found else None

    async def aget(self, **lookups: Any) -> M:
        """Async :meth:`get`."""
        return await self._arun(self._get_op(lookups))  # type: ignore[no-any-return]

    async def acount(self) -> int:
        """Async :meth:`count`."""
        return await self._arun(self._count_op())  # type: ignore[no-any-return]

    async def aexists(self) -> bool:
        """Async :meth:`exists`."""
        return await self._arun(self._exists_op())  # type: ignore[no-any-return]

    async def avalues(self, *fields: str) -> list[dict[str, Any]]:
        """Async :meth:`values`."""
        return await self._arun(self._values_op(fields))  # type: ignore[no-any-return]

    async def avalues_list(self, *fields: str, flat: bool = False) -> list[Any]:
        """Async :meth:`values_list`."""
        return await self._arun(self._values_list_op(fields, flat))  # type: ignore[no-any-return]

    async def aiterator(self, chunk_size: int = 100) -> AsyncIterator[M]:
        """Async :meth:`iterator`: ``async for obj in qs.aiterator(chunk_size=500)``."""
        self._check_cursor("aiterator")
        after = self._query.after
        while True:
            page: list[M] = await self._arun(self._page_op(chunk_size, after))
            for obj in page:
                yield obj
            if len(page) < chunk_size:
                return
            after = page[-1].id

    async def ain_bulk(self, ids: Iterable[UUID | str]) -> dict[UUID, M]:
        """Async :meth:`in_bulk`."""
        return await self._arun(self._in_bulk_op(ids))  # type: ignore[no-any-return]

    async def aaggregate(self, **metrics: Aggregate) -> dict[str, Any]:
        """Async :meth:`aggregate`."""
        return await self._arun(self._aggregate_op(metrics))  # type: ignore[no-any-return]

    async def agenerate(
        self,
        *,
        single_prompt: str | None = None,
        grouped_task: str | None = None,
        grouped_properties: Sequence[str] | None = None,
    ) -> GenerateResult[M]:
        """Async :meth:`generate`."""
        return await self._arun(  # type: ignore[no-any-return]
            self._generate_op(single_prompt, grouped_task, grouped_properties)
        )

    async def agroups(self) -> list[ModelGroup[M]]:
        """Async :meth:`groups`."""
        return await self._arun(self._groups_op())  # type: ignore[no-any-return]

    async def adelete(self, *, dry_run: bool = False) -> DeleteManyResult:
        """Async :meth:`delete`."""
        return await self._arun(self._delete_op(dry_run))  # type: ignore[no-any-return]

    async def acreate(self, **values: Any) -> M:
        """Async :meth:`create`."""
        from weavorm.odm import writes

        obj = self.model(**values)
        await self._arun(writes.save_op([obj], created=True))
        return obj

    async def abulk_create(
        self, objs: Sequence[M], *, batch_size: int | None = None, concurrency: int | None = None
    ) -> BatchResult:
        """Async :meth:`bulk_create`."""
        from weavorm.odm import writes

        return await self._arun(  # type: ignore[no-any-return]
            writes.save_op(
                list(objs),
                created=True,
                batch_size=batch_size,
                concurrency=concurrency,
                raise_errors=False,
            )
        )

    async def aget_or_create(
        self, defaults: dict[str, Any] | None = None, **lookups: Any
    ) -> tuple[M, bool]:
        """Async :meth:`get_or_create`."""
        return await self._arun(  # type: ignore[no-any-return]
            self._get_or_create_op(defaults, lookups, update=False)
        )

    async def aupdate_or_create(
        self, defaults: dict[str, Any] | None = None, **lookups: Any
    ) -> tuple[M, bool]:
        """Async :meth:`update_or_create`."""
        return await self._arun(  # type: ignore[no-any-return]
            self._get_or_create_op(defaults, lookups, update=True)
        )

    async def aupdate(self, **values: Any) -> int:
        """Async :meth:`update`."""
        return await self._arun(self._update_op(values))  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return _repr.queryset_repr(self)


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


def _check_q(method: str, items: Sequence[Any]) -> None:
    for item in items:
        if not isinstance(item, Q):
            raise QueryError(
                f"{method}() takes Q objects and field=value lookups, got "
                f"{type(item).__name__} {item!r:.40}"
            )


def _check_names(method: str, names: Sequence[Any]) -> None:
    for name in names:
        if not isinstance(name, str) or not name.isprintable() or _lone_surrogate(name):
            raise QueryError(
                f"{method}() takes names as printable strings, got {type(name).__name__} "
                f"{name!r:.40}"
            )


def _lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _names_list(method: str, names: Sequence[str] | str | None) -> list[str] | None:
    if not names:
        return None
    items = [names] if isinstance(names, str) else list(names)
    _check_names(method, items)
    return items


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
    if binding.async_driver is None:
        return (
            f"{model}.objects has no client: call weavorm.configure(client) or "
            ".using(client_or_session)"
        )
    shown, twin = _ASYNC_TWINS.get(method, (f"{method}()", f"`await qs.a{method}(...)`"))
    return (
        f"{model}: {shown} needs a sync client, but this QuerySet runs on an async client "
        f"or AsyncSession: use {twin}"
    )
