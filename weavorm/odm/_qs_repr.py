"""``repr()`` of a QuerySet, the way Django shows one.

Bound to a sync client (``using(client)``, a ``Session`` or ``weavorm.configure``), the
repr evaluates up to :data:`REPR_OUTPUT_SIZE` + 1 objects (one request) and lists
them: ``<QuerySet [Book(...), Book(...)]>``, with ``'...(remaining elements
truncated)...'`` when there are more. An evaluated QuerySet shows its cached objects
(no request). Without a sync client (unbound, or bound to an async client or an
``AsyncSession``, where a repr cannot await) it shows the query itself and does no
I/O: ``<QuerySet Book filter=Q(year__gt=2000) limit=5 (unevaluated)>``. If the
request fails, the lazy form is shown with the error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from weavorm.errors import WeavormError

if TYPE_CHECKING:
    from weavorm.odm.query import Query
    from weavorm.odm.queryset import QuerySet

__all__ = ["REPR_OUTPUT_SIZE", "describe_query", "queryset_repr"]

#: How many objects a repr lists (as in Django).
REPR_OUTPUT_SIZE = 20


def describe_query(query: Query) -> str:
    """The refinements of ``query`` in call order, e.g. ``filter=Q(year__gt=2000) limit=5``."""
    parts: list[str] = []
    if query.search is not None:
        args = [repr(a) for a in query.search.args]
        args += [f"{k}={v!r}" for k, v in query.search.kwargs]
        parts.append(f"{query.search.kind}({', '.join(args)})")
    if query.where:
        parts.append(f"filter={query.where!r}")
    if query.order:
        order = ", ".join(("" if asc else "-") + name for name, asc in query.order)
        parts.append(f"order_by=({order})")
    plain: list[tuple[str, Any]] = [
        ("offset", query.offset or None),
        ("limit", query.limit),
        ("only", query.only),
        ("select_related", query.related or None),
        ("with_vector", query.vectors or None),
        ("with_metadata", query.metadata or None),
        ("tenant", query.tenant),
        ("consistency", query.consistency),
        ("rerank", query.rerank),
        ("autocut", query.autocut),
        ("after", query.after),
    ]
    parts += [f"{name}={value!r}" for name, value in plain if value is not None]
    if query.group is not None:
        g = query.group
        parts.append(f"group_by({g.prop!r}, groups={g.groups}, per_group={g.per_group})")
    return " ".join(parts)


def _lazy(qs: QuerySet[Any], note: str) -> str:
    described = describe_query(qs._query)
    middle = f" {described}" if described else ""
    return f"<QuerySet {qs.model.__name__}{middle} ({note})>"


def queryset_repr(qs: QuerySet[Any]) -> str:
    """Django's QuerySet repr when it can be evaluated, else the lazy form (no I/O)."""
    items: list[Any]
    if qs._cache is not None:
        items = qs._cache[: REPR_OUTPUT_SIZE + 1]
    else:
        try:
            binding = qs._binding()
        except WeavormError:
            return _lazy(qs, "unevaluated")
        if binding.sync_client is None:
            return _lazy(qs, "unevaluated")
        limit = qs._query.limit
        wanted = REPR_OUTPUT_SIZE + 1 if limit is None else min(limit, REPR_OUTPUT_SIZE + 1)
        head = qs._clone(limit=wanted)
        try:
            items = head._run(head._list_op(), method="__iter__")
        except WeavormError as exc:
            return _lazy(qs, f"not evaluated: {type(exc).__name__}: {exc}")
    shown = [repr(o) for o in items[:REPR_OUTPUT_SIZE]]
    if len(items) > REPR_OUTPUT_SIZE:
        shown.append("'...(remaining elements truncated)...'")
    return f"<QuerySet [{', '.join(shown)}]>"
