"""Plans -> engine requests: a model's QuerySet, or engine operations on the live schema.

With a registered model, a ``SELECT`` becomes a :class:`~weavorm.odm.queryset.QuerySet`
(``filter`` with ``Q`` lookups, ``near_text`` / ``bm25`` / ..., ``order_by``, ``only``,
slicing), so the ODM's compiler and its tokenization-aware lookup checks decide what is
sent. Without one, conditions go through the same lookup classes, described by the
collection's live schema, straight to :class:`~weavorm.engine.filters.Filter` values and
:mod:`weavorm.engine._protocol.query` operations. Aggregations compile to one gRPC
``Aggregate`` request (``group_by`` + metrics) either way. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from weavorm.engine.aggregate_types import GroupByAggregate, Metrics, PropertyMetrics
from weavorm.engine.filters import Filter, FilterExpression
from weavorm.engine.options import (
    BM25Operator,
    HybridFusion,
    MetadataQuery,
    QueryNested,
    Sort,
    Sorting,
)
from weavorm.errors import QueryError, SQLError
from weavorm.odm import compiler
from weavorm.odm.compiler import Compiled
from weavorm.odm.lookups import LOOKUPS, FieldTarget
from weavorm.odm.mapping import PropertyInfo
from weavorm.odm.q import Q
from weavorm.sql._plan import (
    ColumnRef,
    DeletePlan,
    Junction,
    Negation,
    OrderKey,
    Predicate,
    SearchCall,
    SelectPlan,
)
from weavorm.sql._schema import Fields

if TYPE_CHECKING:
    from weavorm.odm.model import Model
    from weavorm.odm.queryset import QuerySet

__all__ = ["MAX_ROWS", "AggregatePost", "CompiledSQL", "ResultColumn", "compile_plan"]

#: Rows asked for when a statement has no LIMIT (Weaviate's default QUERY_MAXIMUM_RESULTS).
MAX_ROWS = 10_000

_SPECIAL = {"_id": "id", "_creation_time": "created_at", "_last_update_time": "updated_at"}
_METADATA = {
    "_distance": "distance",
    "_certainty": "certainty",
    "_score": "score",
    "_explain_score": "explain_score",
    "_creation_time": "creation_time",
    "_last_update_time": "last_update_time",
}
_METRIC = {
    "count": "count",
    "sum": "sum_",
    "avg": "mean",
    "min": "minimum",
    "max": "maximum",
    "median": "median",
    "mode": "mode",
}
_METRIC_TYPES = {
    "count": ("text", "int", "number", "boolean", "date", "uuid"),
    "sum": ("int", "number"),
    "avg": ("int", "number"),
    "min": ("int", "number", "date"),
    "max": ("int", "number", "date"),
    "median": ("int", "number", "date"),
    "mode": ("int", "number", "date"),
}
_NATURAL_ORDER = frozenset({"_distance", "_certainty", "_score"})


@dataclass(frozen=True, slots=True)
class ResultColumn:
    """Where one result column's values come from.

    Attributes:
        name: The column name in the result.
        source: ``property``, ``pseudo``, ``group`` (the GROUP BY value), ``total``
            (``COUNT(*)``) or ``metric``.
        key: The attribute (model) or property name, or the pseudo-column.
        metric: For ``metric``: the field of the engine's metric result (``mean``, ...).
        hidden: Needed by HAVING / ORDER BY only, not returned.
    """

    name: str
    source: str
    key: str = ""
    metric: str | None = None
    hidden: bool = False


@dataclass(slots=True)
class AggregatePost:
    """What happens to aggregation rows in Python: HAVING, ORDER BY, OFFSET, LIMIT."""

    having: Predicate | None = None
    order: list[OrderKey] = field(default_factory=list)
    limit: int | None = None
    offset: int | None = None


@dataclass(slots=True)
class CompiledSQL:
    """A compiled statement, ready to run (or explain) on a collection.

    Attributes:
        sql: The statement.
        kind: ``select``, ``aggregate``, ``delete`` or ``empty`` (``LIMIT 0``: no request).
        collection: The collection name.
        columns: The result columns (hidden ones last).
        model: The registered model, if the statement was compiled with one.
        queryset: The model's QuerySet (model ``SELECT`` / ``DELETE``).
        call: The engine operation (``query.*``, ``aggregate.over_all``,
            ``data.delete_many``); for a model ``SELECT``, the QuerySet's compiled call.
        post: Python-side steps of an aggregation.
    """

    sql: str
    kind: str
    collection: str
    columns: list[ResultColumn]
    model: type[Model] | None = None
    queryset: QuerySet[Any] | None = None
    call: Compiled | None = None
    post: AggregatePost | None = None

    @property
    def column_names(self) -> list[str]:
        """The names of the returned columns."""
        return [c.name for c in self.columns if not c.hidden]


# --- values and columns -------------------------------------------------------------------


def _unknown(fields: Fields, column: ColumnRef, where: str) -> SQLError:
    kind = "model " + fields.model.__name__ if fields.model is not None else "collection"
    return SQLError(
        f"unknown column {column.path[0]!r} in {where} ({kind} {fields.collection}); "
        f"columns: {fields.describe()}",
        position=column.position,
        construct=f"column {column.path[0]}",
    )


def _datetime(value: Any, column: ColumnRef) -> Any:
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise SQLError(
                f"{column.text}: {value!r} is not an ISO 8601 timestamp",
                position=column.position,
                construct=column.text,
            ) from None
        if parsed.tzinfo is None:
            raise SQLError(
                f"{column.text}: give the timestamp with a time zone, e.g. '{value}Z'",
                position=column.position,
                construct=column.text,
            )
        return parsed
    if isinstance(value, list):
        return [_datetime(v, column) for v in value]
    return value


def _prepare(value: Any, prop: PropertyInfo | None, column: ColumnRef) -> Any:
    """Adjust an SQL value to the column: ints for number fields, timestamps for times."""
    if column.pseudo in ("_creation_time", "_last_update_time"):
        return _datetime(value, column)
    if prop is not None and prop.data_type.removesuffix("[]") == "number":
        if isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, list):
            return [
                float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value
            ]
    return value


def _property(fields: Fields, column: ColumnRef, where: str) -> tuple[str, PropertyInfo]:
    found = fields.resolve(column.path[0])
    if found is not None:
        if len(column.path) > 1:
            raise SQLError(
                f"{column.text}: fields of nested objects cannot be used in {where}",
                position=column.position,
                construct=f"column {column.text}",
            )
        return found
    if fields.reference(column.path[0]) is not None:
        raise SQLError(
            f"{column.text} is a reference; {where} takes stored properties",
            position=column.position,
            construct=f"column {column.text}",
        )
    raise _unknown(fields, column, where)


def _result_columns(plan: SelectPlan, fields: Fields) -> list[ResultColumn]:
    columns: list[ResultColumn] = []
    used: set[str] = set()

    def add(name: str, source: str, key: str) -> None:
        base, n = name, 2
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        columns.append(ResultColumn(name, source, key))

    for output in plan.outputs:
        if output.star:
            for key in fields.properties:
                add(key, "property", key)
        elif output.column is not None and output.column.pseudo is not None:
            add(output.name, "pseudo", output.column.pseudo)
        elif output.column is not None:
            key, _ = _property(fields, output.column, "SELECT")
            add(output.name, "property", key)
    return columns


# --- conditions ---------------------------------------------------------------------------


def _model_key(fields: Fields, column: ColumnRef, where: str) -> tuple[str, PropertyInfo | None]:
    """The ODM lookup path of a column (``author__name``) and its property, if any."""
    if column.pseudo is not None:
        return _SPECIAL[column.pseudo], None
    found = fields.resolve(column.path[0])
    if found is not None:
        key, prop = _property(fields, column, where)
        return key, prop
    ref = fields.reference(column.path[0])
    if ref is None:
        raise _unknown(fields, column, where)
    return "__".join([ref, *column.path[1:]]), None


def _q(predicate: Predicate, fields: Fields) -> Q:
    if isinstance(predicate, Junction):
        parts = [_q(item, fields) for item in predicate.items]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part if predicate.connector == "and" else combined | part
        return combined
    if isinstance(predicate, Negation):
        return ~_q(predicate.item, fields)
    key, prop = _model_key(fields, predicate.column, "WHERE")
    value = _prepare(predicate.value, prop, predicate.column)
    lookup = "" if predicate.lookup == "exact" else f"__{predicate.lookup}"
    return Q(**{f"{key}{lookup}": value})


def _filter(predicate: Predicate, fields: Fields) -> FilterExpression:
    """An engine filter, checked by the ODM's lookups against the live schema."""
    if isinstance(predicate, Junction):
        parts = [_filter(item, fields) for item in predicate.items]
        combined = parts[0]
        for part in parts[1:]:
            combined = combined & part if predicate.connector == "and" else combined | part
        return combined
    if isinstance(predicate, Negation):
        return ~_filter(predicate.item, fields)
    column = predicate.column
    flags = (fields.index_null_state, fields.index_property_length, fields.index_timestamps)
    prop: PropertyInfo | None = None
    if column.pseudo is not None:
        special = _SPECIAL[column.pseudo]
        if special == "id" and predicate.lookup not in ("exact", "ne", "in"):
            raise QueryError(f"{column.text}: ids support =, != and IN")
        target = FieldTarget((), None, special, *flags, column.text)
    else:
        if len(column.path) > 1 and fields.reference(column.path[0]) is not None:
            raise SQLError(
                f"{column.text}: conditions through references need a registered model",
                position=column.position,
                construct=f"column {column.text}",
            )
        _, prop = _property(fields, column, "WHERE")
        target = FieldTarget((), prop, None, *flags, column.text)
    value = _prepare(predicate.value, prop, column)
    condition = LOOKUPS[predicate.lookup]().condition(target, value)
    return compiler._engine_filter(condition)


# --- SELECT -------------------------------------------------------------------------------


def _limits(plan: SelectPlan, max_rows: int) -> tuple[int, int | None]:
    offset = plan.offset or None
    limit = plan.limit if plan.limit is not None else max(1, max_rows - (offset or 0))
    return limit, offset


def _model_select(plan: SelectPlan, fields: Fields, sql: str, max_rows: int) -> CompiledSQL:
    model = fields.model
    assert model is not None
    columns = _result_columns(plan, fields)
    qs: QuerySet[Any] = model.objects.all()
    if plan.where is not None:
        qs = qs.filter(_q(plan.where, fields))
    search = plan.search
    if search is not None:
        options = search.options
        if search.kind in ("near_text", "near_vector", "near_object"):
            qs = getattr(qs, search.kind)(
                search.query,
                distance=options.get("distance"),
                certainty=options.get("certainty"),
                target_vector=options.get("target_vector"),
            )
        elif search.kind == "bm25":
            qs = qs.bm25(
                search.query,
                properties=options.get("properties"),
                operator=options.get("operator", "or"),
            )
        else:
            qs = qs.hybrid(
                search.query,
                alpha=float(options.get("alpha", 0.5)),
                vector=options.get("vector"),
                properties=options.get("properties"),
                fusion=options.get("fusion", "relative_score"),
                target_vector=options.get("target_vector"),
            )
    order: list[str] = []
    for key in plan.order:
        if key.column is None or key.column.pseudo in _NATURAL_ORDER:
            continue
        name, _ = _model_key(fields, key.column, "ORDER BY")
        order.append(name if key.ascending else f"-{name}")
    if order:
        qs = qs.order_by(*order)
    if not any(o.star for o in plan.outputs):
        qs = qs.only(*[c.key for c in columns if c.source == "property"])
    if any(c.key == "_vector" for c in columns):
        qs = qs.with_vector()
    limit, offset = _limits(plan, max_rows)
    if offset:
        qs = qs.offset(offset)
    qs = qs.limit(limit)
    call = qs._compiled()  # compile now: lookup errors surface before any I/O
    return CompiledSQL(sql, "select", fields.collection, columns, model, qs, call)


def _return_properties(plan: SelectPlan, columns: list[ResultColumn], fields: Fields) -> Any:
    if any(o.star for o in plan.outputs):
        return None
    out: list[Any] = []
    for column in columns:
        if column.source != "property":
            continue
        prop = fields.properties[column.key]
        out.append(_nested(prop) if prop.nested else prop.name)
    return out


def _nested(prop: PropertyInfo) -> QueryNested:
    return QueryNested(prop.name, [_nested(p) if p.nested else p.name for p in prop.nested])


def _sorting(plan: SelectPlan, fields: Fields) -> Sorting | None:
    sorting: Any = Sort
    used = False
    for key in plan.order:
        column = key.column
        if column is None or column.pseudo in _NATURAL_ORDER:
            continue
        used = True
        if column.pseudo == "_id":
            sorting = sorting.by_id(ascending=key.ascending)
        elif column.pseudo == "_creation_time":
            sorting = sorting.by_creation_time(ascending=key.ascending)
        elif column.pseudo == "_last_update_time":
            sorting = sorting.by_update_time(ascending=key.ascending)
        else:
            _, prop = _property(fields, column, "ORDER BY")
            sorting = sorting.by_property(prop.name, ascending=key.ascending)
    return sorting if used else None


def _query_properties(fields: Fields, names: list[str] | None, search: SearchCall) -> Any:
    if not names:
        return None
    out: list[str] = []
    for name in names:
        base, _, boost = name.partition("^")
        found = fields.resolve(base)
        if found is None:
            raise SQLError(
                f"{search.kind}(): unknown property {base!r}; columns: {fields.describe()}",
                position=search.position,
                construct=search.kind,
            )
        out.append(found[1].name + (f"^{boost}" if boost else ""))
    return out


def _schema_search(
    search: SearchCall, fields: Fields
) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
    options = search.options
    kwargs: dict[str, Any] = {}
    if search.kind in ("near_text", "near_vector", "near_object"):
        for key in ("distance", "certainty", "target_vector"):
            if options.get(key) is not None:
                kwargs[key] = options[key]
    elif search.kind == "bm25":
        kwargs["query_properties"] = _query_properties(fields, options.get("properties"), search)
        kwargs["operator"] = BM25Operator.and_() if options.get("operator") == "and" else None
    else:
        fusion = options.get("fusion", "relative_score")
        kwargs.update(
            alpha=float(options.get("alpha", 0.5)),
            vector=options.get("vector"),
            query_properties=_query_properties(fields, options.get("properties"), search),
            fusion_type=HybridFusion.RANKED if fusion == "ranked" else HybridFusion.RELATIVE_SCORE,
            target_vector=options.get("target_vector"),
        )
    return search.kind, (search.query,), {k: v for k, v in kwargs.items() if v is not None}


def _schema_select(plan: SelectPlan, fields: Fields, sql: str, max_rows: int) -> CompiledSQL:
    columns = _result_columns(plan, fields)
    kwargs: dict[str, Any] = {}
    operation, args = "fetch_objects", ()
    if plan.search is not None:
        operation, args, kwargs = _schema_search(plan.search, fields)
    if plan.where is not None:
        kwargs["filters"] = _filter(plan.where, fields)
    sorting = _sorting(plan, fields)
    if sorting is not None:
        kwargs["sort"] = sorting
    limit, offset = _limits(plan, max_rows)
    kwargs["limit"] = limit
    if offset:
        kwargs["offset"] = offset
    kwargs["return_properties"] = _return_properties(plan, columns, fields)
    wanted = [_METADATA[c.key] for c in columns if c.source == "pseudo" and c.key in _METADATA]
    if wanted:
        kwargs["return_metadata"] = MetadataQuery.of(sorted(set(wanted)))
    if any(c.key == "_vector" for c in columns):
        kwargs["include_vector"] = True
    call = Compiled("query", operation, args, kwargs)
    return CompiledSQL(sql, "select", fields.collection, columns, None, None, call)


# --- aggregations ---------------------------------------------------------------------------


def _metrics(name: str, data_type: str, wanted: set[str]) -> PropertyMetrics:
    base = data_type.removesuffix("[]")
    metrics = Metrics(name)
    if base in ("int", "number"):
        flags = {k: k in wanted for k in ("count", "sum_", "mean", "median", "mode")}
        flags.update(minimum="minimum" in wanted, maximum="maximum" in wanted)
        return metrics.integer(**flags) if base == "int" else metrics.number(**flags)
    if base == "date":
        keys = ("count", "median", "mode", "minimum", "maximum")
        return metrics.date_(**{k: k in wanted for k in keys})
    if base == "boolean":
        return metrics.boolean(count=True)
    return metrics.text(count=True)


def _aggregate(plan: SelectPlan, fields: Fields, sql: str, max_rows: int) -> CompiledSQL:
    group_prop: str | None = None
    if plan.group_by is not None:
        _, prop = _property(fields, plan.group_by, "GROUP BY")
        group_prop = prop.name
    columns: list[ResultColumn] = []
    wanted: dict[str, tuple[str, set[str]]] = {}
    for output in plan.outputs:
        if output.column is not None:
            assert group_prop is not None
            columns.append(ResultColumn(output.name, "group", group_prop, hidden=output.hidden))
            continue
        call = output.aggregate
        assert call is not None
        if call.column is None:
            columns.append(ResultColumn(output.name, "total", hidden=output.hidden))
            continue
        _, prop = _property(fields, call.column, call.text)
        base = prop.data_type.removesuffix("[]")
        if base not in _METRIC_TYPES[call.function]:
            raise SQLError(
                f"{call.text}: {call.function.upper()} is not available for {prop.data_type} "
                f"columns (works on {', '.join(_METRIC_TYPES[call.function])})",
                position=call.position,
                construct=call.function.upper(),
            )
        metric = _METRIC[call.function]
        wanted.setdefault(prop.name, (prop.data_type, set()))[1].add(metric)
        columns.append(
            ResultColumn(output.name, "metric", prop.name, metric=metric, hidden=output.hidden)
        )
    columns.sort(key=lambda c: c.hidden)
    filters: Any = None
    if plan.where is not None:
        if fields.model is not None:
            filters = compiler.compile_filter(fields.model.weavorm_info(), _q(plan.where, fields))
        else:
            filters = _filter(plan.where, fields)
    python_side = plan.having is not None or bool(plan.order) or bool(plan.offset)
    group: GroupByAggregate | None = None
    if group_prop is not None:
        limit = plan.limit if plan.limit is not None and not python_side else max_rows
        group = GroupByAggregate(prop=group_prop, limit=max(1, limit))
    metrics = [_metrics(name, data_type, flags) for name, (data_type, flags) in wanted.items()]
    kwargs: dict[str, Any] = {"filters": filters, "group_by": group, "total_count": True}
    kwargs["return_metrics"] = metrics or None
    post = AggregatePost(plan.having, list(plan.order), plan.limit, plan.offset)
    kind = "empty" if plan.limit == 0 else "aggregate"
    return CompiledSQL(
        sql,
        kind,
        fields.collection,
        columns,
        fields.model,
        None,
        Compiled("aggregate", "over_all", (), kwargs),
        post,
    )


# --- DELETE ---------------------------------------------------------------------------------


def _delete(plan: DeletePlan, fields: Fields, sql: str) -> CompiledSQL:
    columns = [ResultColumn(n, "delete", n) for n in ("matches", "successful", "failed")]
    where: FilterExpression
    if fields.model is not None:
        qs: QuerySet[Any] = fields.model.objects.all()
        if plan.where is not None:
            qs = qs.filter(_q(plan.where, fields))
        compiled = compiler.compile_filter(fields.model.weavorm_info(), qs._query.where)
        where = compiled if compiled is not None else Filter.by_id().not_equal(UUID(int=0))
        call = Compiled("data", "delete_many", (), {"where": where})
        return CompiledSQL(sql, "delete", fields.collection, columns, fields.model, qs, call)
    if plan.where is not None:
        where = _filter(plan.where, fields)
    else:
        where = Filter.by_id().not_equal(UUID(int=0))
    call = Compiled("data", "delete_many", (), {"where": where})
    return CompiledSQL(sql, "delete", fields.collection, columns, None, None, call)


def compile_plan(
    plan: SelectPlan | DeletePlan, fields: Fields, *, sql: str = "", max_rows: int = MAX_ROWS
) -> CompiledSQL:
    """Compile a plan for the collection described by ``fields``.

    Args:
        plan: The statement's plan.
        fields: The collection: from its registered model or its live schema.
        sql: The statement text (for explain output).
        max_rows: Rows asked for when the statement has no LIMIT.

    Raises:
        SQLError: an unknown column or an aggregate on the wrong type, with the position.
        QueryError: a condition the field cannot answer as meant (the ODM's lookup
            checks, e.g. ``=`` on a word-tokenized text).
    """
    if isinstance(plan, DeletePlan):
        return _delete(plan, fields, sql)
    if plan.aggregate:
        return _aggregate(plan, fields, sql, max_rows)
    if fields.model is not None:
        compiled = _model_select(plan, fields, sql, max_rows)
    else:
        compiled = _schema_select(plan, fields, sql, max_rows)
    if plan.limit == 0:
        compiled.kind = "empty"
    return compiled
