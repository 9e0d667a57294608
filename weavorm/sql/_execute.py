"""Run and explain SQL statements on a client, an async client or a session.

A statement is parsed and planned eagerly (syntax and unsupported constructs raise
:class:`~weavorm.errors.SQLError` before any I/O). The rest is one protocol operation,
written once and run by the sync or the async client: without a registered model it
first reads the collection's schema, then compiles and sends the request and turns the
reply into an :class:`~weavorm.sql.SQLResult`.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from weavorm.engine._protocol import aggregate as agg_ops
from weavorm.engine._protocol import collections as collection_ops
from weavorm.engine._protocol import data as data_ops
from weavorm.engine._protocol import query as query_ops
from weavorm.engine._protocol.calls import Call, GrpcCall
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.filters import filter_to_grpc
from weavorm.engine.aggregate_types import AggregateGroupByResult
from weavorm.errors import NotFoundError, QueryError, SQLError
from weavorm.odm.binding import Binding, resolve
from weavorm.sql._result import Row, SQLResult

if TYPE_CHECKING:
    from weavorm.odm.model import Model
    from weavorm.sql._compile import CompiledSQL, ResultColumn
    from weavorm.sql._plan import DeletePlan, Predicate, SelectPlan

__all__ = ["aexecute", "aexplain", "check", "compile_sql", "execute", "explain"]

Op = Generator[Call, Any, Any]


def _frontend() -> Any:
    try:
        from weavorm.sql import _compile, _parse, _select
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
        if exc.name == "sqlglot":
            raise SQLError("the SQL front end needs sqlglot: pip install 'weavorm[sql]'") from None
        raise
    return _parse, _select, _compile


def _rows(max_rows: Any) -> int:
    if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
        raise QueryError(f"max_rows must be an integer >= 1, got {max_rows!r}")
    return max_rows


def _plan(sql: str, params: Any, allow_writes: bool) -> SelectPlan | DeletePlan:
    parse, select, _ = _frontend()
    try:
        statement = parse.parse(sql)
        plan: SelectPlan | DeletePlan = select.plan_statement(
            statement, params, allow_writes=allow_writes
        )
    except RecursionError:
        raise _too_deep() from None
    return plan


def _too_deep() -> SQLError:
    return SQLError(
        "the statement nests too deeply to compile (thousands of AND/OR terms or "
        "parentheses); use IN (...) for many values of one column, or split the statement",
        construct="nesting",
    )


def check(
    sql: str,
    params: Mapping[str, Any] | Sequence[Any] | None = None,
    *,
    allow_writes: bool = False,
) -> None:
    """Parse and plan ``sql`` without a server (raises what :func:`execute` would first).

    Raises:
        SQLError: a syntax error, an unsupported construct or a missing parameter.
    """
    _plan(sql, params, allow_writes)


def model_for(collection: str) -> type[Model] | None:
    """The registered model of ``collection`` (Weaviate capitalizes the first letter)."""
    from weavorm.odm.registry import registry

    model = registry.get(collection)
    if model is None and collection:
        model = registry.get(collection[0].upper() + collection[1:])
    return model


def _fields_op(plan: SelectPlan | DeletePlan, use_models: bool) -> Op:
    from weavorm.sql._schema import Fields, reference_candidates

    model = model_for(plan.collection) if use_models else None
    if model is not None:
        return Fields.from_model(model)
    name = plan.collection[:1].upper() + plan.collection[1:]  # Weaviate's class names
    try:
        data = yield from collection_ops.get(name)
    except NotFoundError:
        raise SQLError(
            f"no collection {plan.collection!r} on the server",
            position=plan.collection_position,
            construct=f"collection {plan.collection}",
        ) from None
    existing: set[str] = set()
    for target in sorted(reference_candidates(data)):
        if (yield from collection_ops.exists(target)):
            existing.add(target)
    return Fields.from_class_json(data, collections=existing)


def _compile_op(plan: SelectPlan | DeletePlan, sql: str, *, use_models: bool, max_rows: int) -> Op:
    _, _, compile_module = _frontend()
    fields = yield from _fields_op(plan, use_models)
    try:
        compiled: CompiledSQL = compile_module.compile_plan(
            plan, fields, sql=sql, max_rows=max_rows
        )
    except RecursionError:
        raise _too_deep() from None
    return compiled


def compile_sql(
    sql: str,
    params: Mapping[str, Any] | Sequence[Any] | None = None,
    *,
    model: type[Model] | None = None,
    schema: Mapping[str, Any] | None = None,
    allow_writes: bool = False,
    max_rows: int | None = None,
) -> CompiledSQL:
    """Compile a statement without any I/O (for tests and tools).

    Args:
        sql: The statement.
        params: Values for ``:name`` / ``?`` placeholders.
        model: Compile with this model's QuerySet.
        schema: Else, the collection's class JSON (as ``GET /v1/schema/X`` returns it).
        allow_writes: Accept ``DELETE``.
        max_rows: Rows asked for when there is no LIMIT (default 10,000).

    Raises:
        SQLError: a statement weavorm cannot run.
        QueryError: a condition a field cannot answer as meant.
    """
    from weavorm.sql._schema import Fields

    _, _, compile_module = _frontend()
    plan = _plan(sql, params, allow_writes)
    if model is not None:
        fields = Fields.from_model(model)
    elif schema is not None:
        fields = Fields.from_class_json(schema)
    else:
        raise SQLError("compile_sql() needs model= or schema=")
    rows = compile_module.MAX_ROWS if max_rows is None else _rows(max_rows)
    try:
        compiled: CompiledSQL = compile_module.compile_plan(plan, fields, sql=sql, max_rows=rows)
    except RecursionError:
        raise _too_deep() from None
    return compiled


# --- contexts -------------------------------------------------------------------------------


def _context(
    compiled: CompiledSQL, binding: Binding, client: Any, tenant: str | None
) -> CollectionContext:
    session = binding.session
    size = getattr(client, "grpc_max_message_size", None)
    ctx = CollectionContext(name=compiled.collection)
    if isinstance(size, int):
        ctx = CollectionContext(name=compiled.collection, grpc_max_message_size=size)
    chosen = tenant or (session.tenant if session is not None else None)
    consistency = session.consistency if session is not None else None
    return ctx.with_tenant(chosen).with_consistency(consistency)


# --- rows -----------------------------------------------------------------------------------


def _model_value(obj: Any, column: ResultColumn) -> Any:
    if column.source == "property":
        return getattr(obj, column.key, None)
    key = column.key
    if key == "_id":
        return obj.id
    if key == "_vector":
        return obj.vector if obj.vector is not None else (obj.vectors or None)
    return getattr(obj.meta, key.lstrip("_"), None)


def _object_value(obj: Any, column: ResultColumn) -> Any:
    if column.source == "property":
        return obj.properties.get(column.key)
    key = column.key
    if key == "_id":
        return obj.uuid
    if key == "_vector":
        vectors = obj.vector or {}
        return vectors.get("default", vectors or None)
    return getattr(obj.metadata, key.lstrip("_"), None)


_OPERATORS = {
    "exact": "=",
    "ne": "!=",
    "gt": ">",
    "gte": ">=",
    "lt": "<",
    "lte": "<=",
    "in": "IN",
    "like": "LIKE",
}


def describe_predicate(predicate: Predicate) -> str:
    """A predicate as readable SQL-like text (values shown as Python literals)."""
    from weavorm.sql._plan import Junction, Negation

    if isinstance(predicate, Junction):
        joiner = f" {predicate.connector.upper()} "
        return "(" + joiner.join(describe_predicate(i) for i in predicate.items) + ")"
    if isinstance(predicate, Negation):
        return f"NOT {describe_predicate(predicate.item)}"
    name = predicate.column.text.lstrip("\x00")
    if predicate.lookup == "isnull":
        return f"{name} IS {'' if predicate.value else 'NOT '}NULL"
    return f"{name} {_OPERATORS.get(predicate.lookup, predicate.lookup)} {predicate.value!r}"


def _holds(predicate: Predicate, row: dict[str, Any]) -> bool:
    from weavorm.sql._plan import Comparison, Junction, Negation

    if isinstance(predicate, Junction):
        results = (_holds(item, row) for item in predicate.items)
        return all(results) if predicate.connector == "and" else any(results)
    if isinstance(predicate, Negation):
        return not _holds(predicate.item, row)
    assert isinstance(predicate, Comparison)
    value = row.get(predicate.column.path[0])
    target = predicate.value
    if predicate.lookup == "isnull":
        return (value is None) == bool(target)
    if value is None:
        return False
    if predicate.lookup == "in":
        return bool(value in target)
    try:
        return bool(
            {
                "exact": lambda: value == target,
                "ne": lambda: value != target,
                "gt": lambda: value > target,
                "gte": lambda: value >= target,
                "lt": lambda: value < target,
                "lte": lambda: value <= target,
            }[predicate.lookup]()
        )
    except TypeError as exc:
        raise QueryError(f"HAVING cannot compare {value!r} with {target!r}") from exc


def _aggregate_rows(compiled: CompiledSQL, outcome: Any) -> list[Row]:
    if isinstance(outcome, AggregateGroupByResult):
        groups = [(g.grouped_by.value, g.total_count, g.properties) for g in outcome.groups]
    else:
        groups = [(None, outcome.total_count, outcome.properties)]
    full: list[dict[str, Any]] = []
    for value, total, props in groups:
        row: dict[str, Any] = {}
        for column in compiled.columns:
            if column.source == "group":
                row[column.name] = value
            elif column.source == "total":
                row[column.name] = total
            else:
                metric = props.get(column.key)
                row[column.name] = getattr(metric, column.metric or "", None)
        full.append(row)
    post = compiled.post
    if post is not None:
        if post.having is not None:
            full = [row for row in full if _holds(post.having, row)]
        for key in reversed(post.order):
            name = key.output or ""
            present = [r for r in full if r.get(name) is not None]
            missing = [r for r in full if r.get(name) is None]
            try:
                present.sort(key=lambda r: r[name], reverse=not key.ascending)
            except TypeError as exc:
                raise QueryError(f"ORDER BY {name}: values cannot be compared") from exc
            full = present + missing if key.ascending else missing + present
        start = post.offset or 0
        end = start + post.limit if post.limit is not None else None
        full = full[start:end]
    names = compiled.column_names
    return [Row(names, [row[n] for n in names]) for row in full]


# --- running --------------------------------------------------------------------------------


def _run_op(compiled: CompiledSQL, binding: Binding, client: Any, tenant: str | None) -> Op:
    names = compiled.column_names
    visible = [c for c in compiled.columns if not c.hidden]
    if compiled.kind == "empty":
        kind = "aggregate" if compiled.post is not None else "select"
        return SQLResult(names, [], [], compiled.model, kind)
    call = compiled.call
    assert call is not None
    if compiled.kind == "select":
        if compiled.queryset is not None:
            qs = compiled.queryset.tenant(tenant) if tenant else compiled.queryset
            ctx = qs._ctx(binding, client)
            objects = yield from qs._list_op()(ctx, binding)
            rows = [Row(names, [_model_value(o, c) for c in visible]) for o in objects]
        else:
            ctx = _context(compiled, binding, client, tenant)
            op = getattr(query_ops, call.operation)(ctx, *call.args, **call.kwargs)
            result = yield from op
            objects = list(result.objects)
            rows = [Row(names, [_object_value(o, c) for c in visible]) for o in objects]
        return SQLResult(names, rows, list(objects), compiled.model, "select")
    ctx = _context(compiled, binding, client, tenant)
    if compiled.kind == "aggregate":
        outcome = yield from agg_ops.over_all(ctx, **call.kwargs)
        return SQLResult(names, _aggregate_rows(compiled, outcome), [], compiled.model, "aggregate")
    if compiled.queryset is not None:
        qs = compiled.queryset.tenant(tenant) if tenant else compiled.queryset
        done = yield from qs._delete_op(False)(qs._ctx(binding, client), binding)
    else:
        where = filter_to_grpc(call.kwargs["where"])
        done = yield from data_ops.delete_many(ctx, where, dry_run=False, verbose=False)
    row = Row(names, [done.matches, done.successful, done.failed])
    return SQLResult(names, [row], [], compiled.model, "delete")


def _statement_op(
    plan: SelectPlan | DeletePlan,
    sql: str,
    binding: Binding,
    client: Any,
    *,
    tenant: str | None,
    use_models: bool,
    max_rows: int,
) -> Op:
    compiled = yield from _compile_op(plan, sql, use_models=use_models, max_rows=max_rows)
    result = yield from _run_op(compiled, binding, client, tenant)
    return result


def execute(
    client_or_session: Any,
    sql: str,
    params: Mapping[str, Any] | Sequence[Any] | None = None,
    *,
    allow_writes: bool = False,
    tenant: str | None = None,
    use_models: bool = True,
    max_rows: int = 10_000,
) -> SQLResult:
    """Run one SQL statement.

    Args:
        client_or_session: A :class:`~weavorm.engine.WeaviateClient`, a
            :class:`~weavorm.Session` (results go through its identity map) or None
            for the client set with :func:`weavorm.configure`.
        sql: The statement, e.g. ``SELECT title FROM Article WHERE year > :y LIMIT 5``.
        params: Values for ``:name`` placeholders (a mapping) or ``?`` (a sequence).
            Values are bound, never put into the SQL text.
        allow_writes: Allow ``DELETE FROM ... WHERE ...``.
        tenant: The tenant of a multi-tenant collection.
        use_models: Compile through the registered model of the collection, if any
            (``False``: use the live schema).
        max_rows: How many rows a statement without LIMIT asks for.

    Returns:
        The rows (and, for searches, the objects).

    Raises:
        SQLError: a syntax error or a construct weavorm cannot run, with its position.
        QueryError: a condition a field cannot answer as meant.
        ServerError: the server refused the request.
    """
    plan = _plan(sql, params, allow_writes)
    max_rows = _rows(max_rows)
    binding = resolve(client_or_session)
    client = binding.sync_client
    if client is None:
        raise SQLError("execute() needs a sync client or session; use aexecute() for async")
    op = _statement_op(
        plan, sql, binding, client, tenant=tenant, use_models=use_models, max_rows=max_rows
    )
    result: SQLResult = client.run(op)
    return result


async def aexecute(
    client_or_session: Any,
    sql: str,
    params: Mapping[str, Any] | Sequence[Any] | None = None,
    *,
    allow_writes: bool = False,
    tenant: str | None = None,
    use_models: bool = True,
    max_rows: int = 10_000,
) -> SQLResult:
    """Async :func:`execute` for an :class:`~weavorm.engine.AsyncWeaviateClient`."""
    plan = _plan(sql, params, allow_writes)
    max_rows = _rows(max_rows)
    binding = resolve(client_or_session)
    client = binding.async_client
    if client is None:
        raise SQLError("aexecute() needs an async client or session; use execute() for sync")
    op = _statement_op(
        plan, sql, binding, client, tenant=tenant, use_models=use_models, max_rows=max_rows
    )
    result: SQLResult = await client.run(op)
    return result


# --- explain --------------------------------------------------------------------------------


def _request_text(op: Op) -> tuple[str, str]:
    from google.protobuf import text_format

    call = next(op)
    op.close()
    if isinstance(call, GrpcCall):
        return call.method, text_format.MessageToString(call.request, as_one_line=False)
    return type(call).__name__, repr(call)


def render_explain(compiled: CompiledSQL, *, tenant: str | None = None) -> str:
    """The compiled request of ``compiled``, readable, built without sending anything."""
    head = " ".join(compiled.sql.split())
    source = (
        f"model {compiled.model.__module__}.{compiled.model.__qualname__}"
        if compiled.model is not None
        else "live schema (no registered model)"
    )
    lines = [f"-- SQL: {head}", f"-- collection {compiled.collection}, compiled with {source}"]
    if compiled.kind == "empty":
        lines.append("-- LIMIT 0: no request is sent")
        return "\n".join(lines)
    call = compiled.call
    assert call is not None
    ctx = CollectionContext(name=compiled.collection).with_tenant(tenant)
    if compiled.kind == "select" and compiled.queryset is not None:
        qs = compiled.queryset.tenant(tenant) if tenant else compiled.queryset
        lines.append(f"-- QuerySet of {compiled.model.__name__ if compiled.model else '?'}:")
        lines.append(qs.explain().rstrip("\n"))
        return "\n".join(lines)
    if compiled.kind == "select":
        op = getattr(query_ops, call.operation)(ctx, *call.args, **call.kwargs)
    elif compiled.kind == "aggregate":
        op = agg_ops.over_all(ctx, **call.kwargs)
    else:
        where = filter_to_grpc(call.kwargs["where"])
        op = data_ops.delete_many(ctx, where, dry_run=False, verbose=False)
    method, body = _request_text(op)
    lines.append(call.describe())
    lines.append(f"-- gRPC {method} --")
    lines.append(body.rstrip("\n"))
    post = compiled.post
    if compiled.kind == "aggregate" and post is not None:
        steps = []
        if post.having is not None:
            steps.append(f"HAVING {describe_predicate(post.having)}")
        if post.order:
            keys = ", ".join(
                f"{(k.output or '').lstrip(chr(0))} {'ASC' if k.ascending else 'DESC'}"
                for k in post.order
            )
            steps.append(f"ORDER BY {keys}")
        if post.offset:
            steps.append(f"OFFSET {post.offset}")
        if post.limit is not None and (post.having is not None or post.order or post.offset):
            steps.append(f"LIMIT {post.limit}")
        if steps:
            lines.append("-- then in Python: " + "; ".join(steps))
    return "\n".join(lines)


def _explain_op(
    plan: SelectPlan | DeletePlan,
    sql: str,
    *,
    tenant: str | None,
    use_models: bool,
    max_rows: int,
) -> Op:
    compiled = yield from _compile_op(plan, sql, use_models=use_models, max_rows=max_rows)
    return render_explain(compiled, tenant=tenant)


def explain(
    client_or_session: Any,
    sql: str,
    params: Mapping[str, Any] | Sequence[Any] | None = None,
    *,
    allow_writes: bool = False,
    tenant: str | None = None,
    use_models: bool = True,
    max_rows: int = 10_000,
) -> str:
    """The engine request a statement compiles to, readable; nothing is sent.

    With a registered model this is the QuerySet's :meth:`explain`; without one, the
    collection's schema is read (the only request) and the gRPC request is shown as
    protobuf text. Takes the options of :func:`execute`.

    Raises:
        SQLError: a syntax error or a construct weavorm cannot run, with its position.
        QueryError: a condition a field cannot answer as meant.
    """
    plan = _plan(sql, params, allow_writes)
    max_rows = _rows(max_rows)
    op = _explain_op(plan, sql, tenant=tenant, use_models=use_models, max_rows=max_rows)
    if use_models and model_for(plan.collection) is not None:
        return _drain(op)
    binding = resolve(client_or_session)
    if binding.sync_client is None:
        raise SQLError("explain() needs a sync client here; use aexplain() for async")
    text: str = binding.sync_client.run(op)
    return text


async def aexplain(
    client_or_session: Any,
    sql: str,
    params: Mapping[str, Any] | Sequence[Any] | None = None,
    *,
    allow_writes: bool = False,
    tenant: str | None = None,
    use_models: bool = True,
    max_rows: int = 10_000,
) -> str:
    """Async :func:`explain` for an :class:`~weavorm.engine.AsyncWeaviateClient`."""
    plan = _plan(sql, params, allow_writes)
    max_rows = _rows(max_rows)
    op = _explain_op(plan, sql, tenant=tenant, use_models=use_models, max_rows=max_rows)
    if use_models and model_for(plan.collection) is not None:
        return _drain(op)
    binding = resolve(client_or_session)
    if binding.async_client is None:
        raise SQLError("aexplain() needs an async client or session; use explain() for sync")
    text: str = await binding.async_client.run(op)
    return text


def _drain(op: Op) -> str:
    """Run an operation that makes no calls."""
    try:
        call = next(op)
    except StopIteration as stop:
        text: str = stop.value
        return text
    op.close()
    raise SQLError(f"internal error: explain tried to send {type(call).__name__}")
