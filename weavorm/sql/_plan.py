"""The plan of a statement: what to search, filter, aggregate and return.

:func:`weavorm.sql._select.plan_statement` walks the sqlglot tree of one statement,
refuses every construct weavorm cannot run (:class:`~weavorm.errors.SQLError` naming
it, with its position) and binds parameters. The plan holds Python values only, never SQL text, so
nothing from ``params`` is ever interpreted as SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from sqlglot import exp

__all__ = [
    "AGGREGATES",
    "AggregateCall",
    "CLAUSE_NAMES",
    "COMPARISONS",
    "ColumnRef",
    "Comparison",
    "DeletePlan",
    "FILTERABLE_PSEUDO",
    "FLIPPED",
    "Junction",
    "Negation",
    "OrderKey",
    "Output",
    "PSEUDO_COLUMNS",
    "Predicate",
    "SEARCH_FUNCTIONS",
    "SELECT_CLAUSES",
    "SORTABLE_PSEUDO",
    "SearchCall",
    "SelectPlan",
    "VECTOR_SEARCHES",
]

#: Pseudo-columns: object metadata readable like columns.
PSEUDO_COLUMNS: dict[str, str] = {
    "_id": "the object id",
    "_distance": "vector distance to the query (near_text, near_vector, near_object, hybrid)",
    "_certainty": "certainty (cosine distance only)",
    "_score": "BM25 / hybrid score",
    "_explain_score": "the server's explanation of _score",
    "_creation_time": "creation time",
    "_last_update_time": "last update time",
    "_vector": "the default vector",
}
#: Pseudo-columns that may be filtered on in WHERE.
FILTERABLE_PSEUDO = frozenset({"_id", "_creation_time", "_last_update_time"})
#: Pseudo-columns that may be sorted on without a search.
SORTABLE_PSEUDO = frozenset({"_id", "_creation_time", "_last_update_time"})

#: Search functions and their named options.
SEARCH_FUNCTIONS: dict[str, frozenset[str]] = {
    "near_text": frozenset({"distance", "certainty", "target_vector"}),
    "near_vector": frozenset({"distance", "certainty", "target_vector"}),
    "near_object": frozenset({"distance", "certainty", "target_vector"}),
    "bm25": frozenset({"properties", "operator"}),
    "hybrid": frozenset({"alpha", "properties", "fusion", "target_vector", "vector"}),
}
VECTOR_SEARCHES = frozenset({"near_text", "near_vector", "near_object"})

AGGREGATES: tuple[tuple[type[Any], str], ...] = (
    (exp.Count, "count"),
    (exp.Sum, "sum"),
    (exp.Avg, "avg"),
    (exp.Min, "min"),
    (exp.Max, "max"),
    (exp.Median, "median"),
    (exp.Mode, "mode"),
)

COMPARISONS: tuple[tuple[type[Any], str], ...] = (
    (exp.EQ, "exact"),
    (exp.NEQ, "ne"),
    (exp.GT, "gt"),
    (exp.GTE, "gte"),
    (exp.LT, "lt"),
    (exp.LTE, "lte"),
)
FLIPPED = {"exact": "exact", "ne": "ne", "gt": "lt", "gte": "lte", "lt": "gt", "lte": "gte"}

#: Select clauses weavorm reads; any other non-empty clause is refused.
SELECT_CLAUSES = frozenset(
    {"expressions", "from_", "from", "where", "group", "having", "order", "limit", "offset"}
)
CLAUSE_NAMES = {
    "joins": "JOIN",
    "with_": "WITH (common table expression)",
    "windows": "WINDOW clause",
    "qualify": "QUALIFY",
    "laterals": "LATERAL",
    "pivots": "PIVOT",
    "into": "SELECT INTO",
    "locks": "FOR UPDATE",
    "sample": "TABLESAMPLE",
    "prewhere": "PREWHERE",
    "connect": "CONNECT BY",
    "distribute": "DISTRIBUTE BY",
    "sort": "SORT BY",
    "cluster": "CLUSTER BY",
    "kind": "SELECT AS",
    "hint": "optimizer hint",
    "settings": "SETTINGS",
    "format": "FORMAT",
    "options": "OPTIONS",
    "match": "MATCH_RECOGNIZE",
    "exclude": "EXCLUDE",
    "operation_modifiers": "SELECT modifier",
    "for_": "FOR clause",
}


# --- the plan ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnRef:
    """A column as written: a property, a reference path or a pseudo-column.

    Attributes:
        path: The names, without a table qualifier: ``("title",)``,
            ``("author", "name")`` for a reference path, ``("_id",)``.
        text: The column as written, for messages.
        position: Its offset in the statement.
    """

    path: tuple[str, ...]
    text: str
    position: int | None = None

    @property
    def pseudo(self) -> str | None:
        """The pseudo-column name (``_id``, ``_distance``, ...) or None."""
        if len(self.path) == 1 and self.path[0].lower() in PSEUDO_COLUMNS:
            return self.path[0].lower()
        return None


@dataclass(frozen=True, slots=True)
class Comparison:
    """``column <lookup> value``; lookups are the ODM's (``exact``, ``gt``, ``in``, ...)."""

    column: ColumnRef
    lookup: str
    value: Any
    position: int | None = None


@dataclass(frozen=True, slots=True)
class Junction:
    """``AND`` / ``OR`` of conditions."""

    connector: Literal["and", "or"]
    items: tuple[Predicate, ...]


@dataclass(frozen=True, slots=True)
class Negation:
    """``NOT`` a condition."""

    item: Predicate


Predicate: TypeAlias = Comparison | Junction | Negation


@dataclass(frozen=True, slots=True)
class SearchCall:
    """One search function with its bound arguments.

    Attributes:
        kind: ``near_text``, ``near_vector``, ``near_object``, ``bm25`` or ``hybrid``.
        query: The text, vector or object id searched for.
        options: Named options: ``distance``, ``certainty``, ``target_vector``,
            ``properties``, ``operator``, ``alpha``, ``fusion``, ``vector``.
        clause: Where it was written: ``WHERE`` or ``ORDER BY``.
    """

    kind: str
    query: Any
    options: dict[str, Any]
    position: int | None
    clause: str


@dataclass(frozen=True, slots=True)
class AggregateCall:
    """``COUNT(*)``, ``COUNT(col)``, ``SUM``, ``AVG``, ``MIN``, ``MAX``, ``MEDIAN``, ``MODE``."""

    function: str
    column: ColumnRef | None
    text: str
    position: int | None


@dataclass(frozen=True, slots=True)
class Output:
    """One result column (``star`` stands for all properties)."""

    name: str
    column: ColumnRef | None = None
    aggregate: AggregateCall | None = None
    star: bool = False
    hidden: bool = False
    position: int | None = None


@dataclass(frozen=True, slots=True)
class OrderKey:
    """One ``ORDER BY`` key: a column (plain queries) or an output (aggregations)."""

    column: ColumnRef | None
    output: str | None
    ascending: bool
    explicit: bool
    position: int | None


@dataclass(slots=True)
class SelectPlan:
    """A ``SELECT``: a search or fetch, or an aggregation when ``aggregate`` is set."""

    collection: str
    collection_position: int | None
    outputs: list[Output]
    where: Predicate | None = None
    search: SearchCall | None = None
    order: list[OrderKey] = field(default_factory=list)
    limit: int | None = None
    offset: int | None = None
    group_by: ColumnRef | None = None
    having: Predicate | None = None
    aggregate: bool = False
    distinct: bool = False


@dataclass(slots=True)
class DeletePlan:
    """A ``DELETE FROM collection [WHERE ...]`` (only with ``allow_writes=True``)."""

    collection: str
    collection_position: int | None
    where: Predicate | None = None


# --- naming constructs --------------------------------------------------------------------


def construct_name(node: Any) -> str:
    """A readable name for an SQL construct (for error messages)."""
    if isinstance(node, exp.Anonymous):
        return f"function {node.name.upper()}"
    if isinstance(node, exp.Column):
        return f"column {node.sql()}"
    if isinstance(node, exp.Window):
        return "window function"
    if isinstance(node, exp.Subquery | exp.Select):
        return "subquery"
    if isinstance(node, exp.Union):
        return "UNION"
    if isinstance(node, exp.Intersect):
        return "INTERSECT"
    if isinstance(node, exp.Except):
        return "EXCEPT"
    if isinstance(node, exp.With | exp.CTE):
        return "WITH (common table expression)"
    if isinstance(node, exp.Join):
        return "JOIN"
    if isinstance(node, exp.Case):
        return "CASE"
    if isinstance(node, exp.Cast):
        return "CAST"
    if isinstance(node, exp.Exists):
        return "EXISTS"
    if isinstance(node, exp.ILike):
        return "ILIKE"
    if isinstance(node, exp.Distinct):
        return "DISTINCT"
    if isinstance(node, exp.Binary) and not isinstance(node, exp.Connector):
        return f"operator {type(node).__name__.upper()}"
    if isinstance(node, exp.Func):
        names = type(node).sql_names()
        return f"function {names[0] if names else node.key.upper()}"
    return str(node.key).upper()
