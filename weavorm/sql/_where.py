"""Conditions, values, columns and search functions of a statement (``WHERE``)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from sqlglot import exp

from weavorm.errors import SQLError
from weavorm.sql._parse import Statement
from weavorm.sql._plan import (
    AGGREGATES,
    COMPARISONS,
    FLIPPED,
    PSEUDO_COLUMNS,
    SEARCH_FUNCTIONS,
    ColumnRef,
    Comparison,
    Junction,
    Negation,
    Predicate,
    SearchCall,
    construct_name,
)

__all__ = ["PredicatePlanner"]


class PredicatePlanner:
    """Turns WHERE-like expressions into plan predicates, binding parameters."""

    def __init__(self, statement: Statement, params: Any) -> None:
        self.stmt = statement
        if params is not None and (
            isinstance(params, str | bytes) or not isinstance(params, Mapping | Sequence)
        ):
            raise SQLError(
                f"params must be a mapping (for :name) or a sequence (for ?), got "
                f"{type(params).__name__}"
            )
        self.params = params
        self._next_positional = 0
        self.collection = ""
        self.qualifiers: set[str] = set()

    def error(self, message: str, node: Any, construct: str) -> SQLError:
        return self.stmt.error(message, node, construct=construct)

    def unsupported(self, node: Any, where: str = "") -> SQLError:
        name = construct_name(node)
        place = f" in {where}" if where else ""
        return self.error(f"{name} is not supported{place}", node, name)

    # -- structure -------------------------------------------------------------------------

    def check_structure(self) -> None:
        """Refuse joins, subqueries, set operations, CTEs and window functions."""
        found: list[tuple[int, str, Any]] = []
        root = self.stmt.tree
        for node in root.walk():
            name: str | None = None
            if isinstance(node, exp.Join):
                name = "JOIN"
            elif isinstance(node, exp.Window):
                name = "window function"
            elif isinstance(node, exp.With):
                name = "WITH (common table expression)"
            elif isinstance(node, exp.Union | exp.Intersect | exp.Except):
                name = construct_name(node)
            elif isinstance(node, exp.Subquery) or (
                isinstance(node, exp.Select)
                and node is not root
                and not isinstance(node.parent, exp.Union | exp.Intersect | exp.Except | exp.CTE)
            ):
                name = "subquery"
            elif isinstance(node, exp.Lateral):
                name = "LATERAL"
            if name is not None:
                pos = self.stmt.position(node)
                found.append((pos if pos is not None else len(self.stmt.sql), name, node))
        if found:
            found.sort(key=lambda item: item[0])
            _, name, node = found[0]
            raise self.error(f"{name} is not supported", node, name)

    # -- values ----------------------------------------------------------------------------

    def param(self, node: Any) -> Any:
        name = "" if node.name == "?" else node.name
        if name:
            if self.params is None:
                raise self.error(
                    f"parameter :{name} is not bound (no params given)",
                    node,
                    f"parameter :{name}",
                )
            if not isinstance(self.params, Mapping):
                raise self.error(
                    f"parameter :{name} needs params as a mapping (dict)",
                    node,
                    f"parameter :{name}",
                )
            if name not in self.params:
                given = ", ".join(sorted(map(str, self.params))) or "(none)"
                raise self.error(
                    f"parameter :{name} is not bound; params given: {given}",
                    node,
                    f"parameter :{name}",
                )
            return self.params[name]
        index = self._next_positional
        self._next_positional += 1
        if self.params is None or isinstance(self.params, Mapping):
            raise self.error("positional parameter ? needs params as a list", node, "parameter ?")
        if index >= len(self.params):
            raise self.error(
                f"positional parameter {index + 1} is not bound ({len(self.params)} given)",
                node,
                "parameter ?",
            )
        return self.params[index]

    def value(self, node: Any, what: str) -> Any:
        """The Python value of a literal, parameter, array or negated number."""
        if isinstance(node, exp.Paren):
            return self.value(node.this, what)
        if isinstance(node, exp.Literal):
            text = str(node.this)
            if node.is_string:
                return text
            if re.fullmatch(r"[+-]?\d+", text):
                return int(text)
            try:
                return float(text)
            except ValueError:
                raise self.error(f"{what}: not a number: {text}", node, "literal") from None
        if isinstance(node, exp.Neg):
            inner = self.value(node.this, what)
            if isinstance(inner, bool) or not isinstance(inner, int | float):
                raise self.error(f"{what}: only numbers can be negated", node, "operator -")
            return -inner
        if isinstance(node, exp.Boolean):
            return bool(node.this)
        if isinstance(node, exp.Null):
            return None
        if isinstance(node, exp.Placeholder):
            return self.param(node)
        if isinstance(node, exp.Array | exp.Tuple):
            return [self.value(item, what) for item in node.expressions]
        raise self.error(
            f"{what}: expected a literal or a :parameter, got {construct_name(node)}",
            node,
            construct_name(node),
        )

    def integer(self, node: Any, what: str) -> int:
        value = self.value(node, what)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(f"{what} must be an integer >= 0, got {value!r}", node, what)
        return value

    # -- columns ---------------------------------------------------------------------------

    def column(self, node: Any) -> ColumnRef:
        parts = [p.name for p in node.parts]
        if len(parts) > 1 and parts[0].lower() in self.qualifiers:
            parts = parts[1:]
        ref = ColumnRef(tuple(parts), ".".join(parts), self.stmt.position(node))
        first = parts[0]
        if first.startswith("_") and ref.pseudo is None:
            raise self.error(
                f"unknown pseudo-column {first!r}; pseudo-columns: {', '.join(PSEUDO_COLUMNS)}",
                node,
                f"column {first}",
            )
        if len(parts) > 1 and any(p.lower() in PSEUDO_COLUMNS for p in parts[1:]):
            raise self.error(
                f"{ref.text}: pseudo-columns of referenced objects are not supported",
                node,
                f"column {ref.text}",
            )
        return ref

    def is_column(self, node: Any) -> bool:
        return isinstance(node, exp.Column) and not isinstance(node.this, exp.Star)

    # -- FROM ------------------------------------------------------------------------------

    def table(self, node: Any, where: str) -> tuple[str, int | None]:
        if not isinstance(node, exp.Table) or not isinstance(node.this, exp.Identifier):
            raise self.error(
                f"{where} takes one collection name, got {construct_name(node)}",
                node,
                construct_name(node),
            )
        for arg in ("db", "catalog"):
            if node.args.get(arg):
                raise self.error(
                    f"{where}: qualified names ({node.sql()}) are not supported; give the "
                    "collection name",
                    node,
                    "qualified table name",
                )
        for arg, value in node.args.items():
            if value and arg not in ("this", "alias", "db", "catalog"):
                raise self.error(f"{where}: {arg} on a table is not supported", node, arg.upper())
        name = node.name
        self.collection = name
        self.qualifiers = {name.lower()}
        alias = node.args.get("alias")
        if alias is not None:
            if alias.args.get("columns"):
                raise self.error("column aliases on a table are not supported", alias, "alias")
            self.qualifiers.add(alias.name.lower())
        return name, self.stmt.position(node)

    # -- predicates ------------------------------------------------------------------------

    def conjuncts(self, node: Any) -> list[Any]:
        if isinstance(node, exp.And):
            return [*self.conjuncts(node.this), *self.conjuncts(node.expression)]
        if isinstance(node, exp.Paren) and isinstance(node.this, exp.And):
            return self.conjuncts(node.this)
        return [node]

    def predicate(self, node: Any, where: str) -> Predicate:
        if isinstance(node, exp.Paren):
            return self.predicate(node.this, where)
        if isinstance(node, exp.And | exp.Or):
            connector: Literal["and", "or"] = "and" if isinstance(node, exp.And) else "or"
            items: list[Predicate] = []
            for side in (node.this, node.expression):
                sub = self.predicate(side, where)
                if isinstance(sub, Junction) and sub.connector == connector:
                    items.extend(sub.items)
                else:
                    items.append(sub)
            return Junction(connector, tuple(items))
        if isinstance(node, exp.Not):
            inner = node.this
            while isinstance(inner, exp.Paren):
                inner = inner.this
            if isinstance(inner, exp.Is):
                return self.is_null(inner, negated=True)
            return Negation(self.predicate(inner, where))
        for cls, lookup in COMPARISONS:
            if isinstance(node, cls):
                return self.comparison(node, lookup, where)
        if isinstance(node, exp.Escape | exp.Like | exp.In | exp.Is | exp.Between):
            negated = bool(node.args.get("negate")) or (
                isinstance(node, exp.Escape) and bool(node.this.args.get("negate"))
            )
            if isinstance(node, exp.Is):
                return self.is_null(node, negated=negated)
            result = self.infix(node)
            return Negation(result) if negated else result
        if self.is_column(node):
            column = self.column(node)
            return Comparison(column, "exact", True, column.position)
        if isinstance(node, exp.Anonymous) and node.name.lower() in SEARCH_FUNCTIONS:
            name = node.name.lower()
            raise self.error(
                f"{name}() must be a condition of its own joined with AND at the top of "
                "WHERE (not under OR or NOT), or the ORDER BY key",
                node,
                name,
            )
        if isinstance(node, exp.Boolean | exp.Literal | exp.Null | exp.Placeholder):
            raise self.error(
                f"a constant condition ({node.sql()}) is not supported", node, "constant condition"
            )
        if any(isinstance(node, cls) for cls, _ in AGGREGATES):
            raise self.error(
                f"aggregate {node.sql()} in {where}; use HAVING for conditions on aggregates",
                node,
                construct_name(node),
            )
        raise self.unsupported(node, where)

    def infix(self, node: Any) -> Predicate:
        """``LIKE`` (with ``ESCAPE``), ``IN`` and ``BETWEEN``, without their ``NOT``."""
        if isinstance(node, exp.Escape):
            if not isinstance(node.this, exp.Like):
                raise self.unsupported(node.this, "WHERE")
            escape = self.value(node.expression, "ESCAPE")
            if not isinstance(escape, str) or len(escape) != 1:
                raise self.error(
                    f"ESCAPE takes one character, got {escape!r}", node.expression, "ESCAPE"
                )
            return self.like(node.this, escape)
        if isinstance(node, exp.Like):
            return self.like(node, None)
        if isinstance(node, exp.In):
            return self.in_(node)
        column = self.operand_column(node.this, node, "BETWEEN")
        low = self.plain_value(node.args["low"], f"{column.text} BETWEEN")
        high = self.plain_value(node.args["high"], f"{column.text} BETWEEN")
        pos = self.stmt.position(node)
        return Junction(
            "and", (Comparison(column, "gte", low, pos), Comparison(column, "lte", high, pos))
        )

    def operand_column(self, node: Any, parent: Any, what: str) -> ColumnRef:
        if self.is_column(node):
            return self.column(node)
        if isinstance(node, exp.Func) or not isinstance(
            node, exp.Literal | exp.Placeholder | exp.Neg | exp.Boolean | exp.Null
        ):
            raise self.unsupported(node, what)
        raise self.error(
            f"{what} needs a column on its left, got {node.sql()}", parent, "constant condition"
        )

    def plain_value(self, node: Any, what: str) -> Any:
        value = self.value(node, what)
        if value is None:
            raise self.error(f"{what}: NULL compares to nothing; use IS NULL", node, "NULL")
        return value

    def comparison(self, node: Any, lookup: str, where: str) -> Comparison:
        left, right = node.this, node.expression
        if self.is_column(left) and self.is_column(right):
            raise self.error(
                f"comparing two columns ({node.sql()}) is not supported",
                node,
                "column comparison",
            )
        if not self.is_column(left) and self.is_column(right):
            left, right = right, left
            lookup = FLIPPED[lookup]
        column = self.operand_column(left, node, where)
        if isinstance(right, exp.Null):
            raise self.error(
                f"{node.sql()}: = NULL is never true in SQL; use IS NULL / IS NOT NULL",
                right,
                "= NULL",
            )
        if not isinstance(
            right, exp.Literal | exp.Placeholder | exp.Neg | exp.Boolean | exp.Paren | exp.Array
        ):
            raise self.unsupported(right, where)
        value = self.value(right, column.text)
        if value is None:
            raise self.error(
                f"{column.text}: the value is NULL (None); use IS NULL / IS NOT NULL",
                right,
                "= NULL",
            )
        return Comparison(column, lookup, value, self.stmt.position(node))

    def like(self, node: Any, escape: str | None) -> Comparison:
        column = self.operand_column(node.this, node, "LIKE")
        pattern = self.plain_value(node.expression, f"{column.text} LIKE")
        if not isinstance(pattern, str):
            raise self.error(
                f"{column.text} LIKE needs a text pattern, got {pattern!r}", node.expression, "LIKE"
            )
        return Comparison(
            column, "like", self.like_pattern(pattern, escape, node), self.stmt.position(node)
        )

    def like_pattern(self, pattern: str, escape: str | None, node: Any) -> str:
        """SQL ``%``/``_`` -> Weaviate ``*``/``?``; refuse what Weaviate cannot express."""
        out: list[str] = []
        i = 0
        while i < len(pattern):
            ch = pattern[i]
            if escape is not None and ch == escape:
                if i + 1 >= len(pattern):
                    raise self.error(
                        f"LIKE pattern {pattern!r} ends with the escape character",
                        node,
                        "LIKE escape",
                    )
                ch = pattern[i + 1]
                if ch in "*?":
                    raise self.error(
                        f"LIKE pattern {pattern!r}: Weaviate's like has no escape, so a "
                        f"literal {ch!r} cannot be matched",
                        node,
                        "LIKE escape",
                    )
                out.append(ch)
                i += 2
                continue
            if ch == "%":
                out.append("*")
            elif ch == "_":
                out.append("?")
            elif ch in "*?":
                raise self.error(
                    f"LIKE pattern {pattern!r}: {ch!r} is a wildcard in Weaviate and cannot "
                    "be matched literally",
                    node,
                    "LIKE escape",
                )
            else:
                out.append(ch)
            i += 1
        return "".join(out)

    def in_(self, node: Any) -> Comparison:
        column = self.operand_column(node.this, node, "IN")
        for arg in ("query", "unnest"):
            if node.args.get(arg):
                raise self.unsupported(node.args[arg], "IN")
        values: list[Any] = []
        items = list(node.expressions)
        if node.args.get("field") is not None:
            items.append(node.args["field"])
        for item in items:
            value = self.plain_value(item, f"{column.text} IN")
            if isinstance(value, list | tuple | set | frozenset):
                values.extend(value)
            else:
                values.append(value)
        if not values:
            raise self.error(f"{column.text} IN (): needs at least one value", node, "IN")
        return Comparison(column, "in", values, self.stmt.position(node))

    def is_null(self, node: Any, *, negated: bool) -> Comparison:
        column = self.operand_column(node.this, node, "IS")
        if not isinstance(node.expression, exp.Null):
            raise self.error(f"{node.sql()}: only IS NULL / IS NOT NULL are supported", node, "IS")
        return Comparison(column, "isnull", not negated, self.stmt.position(node))

    # -- search functions ------------------------------------------------------------------

    def search(self, node: Any, clause: str) -> SearchCall:
        kind = node.name.lower()
        allowed = SEARCH_FUNCTIONS[kind]
        positional: list[Any] = []
        named: dict[str, Any] = {}
        for arg in node.expressions:
            if isinstance(arg, exp.Kwarg | exp.PropertyEQ | exp.EQ) and isinstance(
                arg.this, exp.Var | exp.Identifier | exp.Column
            ):
                key = arg.this.name.lower()
                if key not in allowed:
                    raise self.error(
                        f"{kind}(): unknown option {key!r}; options: {', '.join(sorted(allowed))}",
                        arg,
                        f"{kind} option {key}",
                    )
                if key in named:
                    raise self.error(f"{kind}(): {key} given twice", arg, f"{kind} option {key}")
                named[key] = self.value(arg.expression, f"{kind}({key})")
            else:
                if named:
                    raise self.error(
                        f"{kind}(): positional arguments must come before named ones",
                        arg,
                        kind,
                    )
                positional.append((arg, self.value(arg, f"{kind}()")))
        if not positional:
            raise self.error(f"{kind}() needs the query as its first argument", node, kind)
        extra = {"bm25": "properties", "hybrid": "alpha"}.get(kind)
        limit = 2 if extra else 1
        if len(positional) > limit:
            hint = f"; name options, e.g. {kind}(..., distance => 0.3)" if not extra else ""
            raise self.error(
                f"{kind}() takes at most {limit} positional argument(s){hint}",
                positional[limit][0],
                kind,
            )
        if len(positional) == 2 and extra is not None:
            if extra in named:
                raise self.error(f"{kind}(): {extra} given twice", node, kind)
            named[extra] = positional[1][1]
        query = positional[0][1]
        options = self.search_options(kind, query, named, node)
        return SearchCall(kind, query, options, self.stmt.position(node), clause)

    def search_options(
        self, kind: str, query: Any, named: dict[str, Any], node: Any
    ) -> dict[str, Any]:
        def bad(message: str) -> SQLError:
            return self.error(f"{kind}(): {message}", node, kind)

        if kind in ("near_text", "bm25", "hybrid"):
            texts = query if kind == "near_text" and isinstance(query, list) else [query]
            if not all(isinstance(t, str) for t in texts):
                raise bad(f"the query must be text, got {query!r}")
        if kind == "near_vector" and (
            isinstance(query, str | bytes | bool | int | float) or query is None
        ):
            raise bad(f"the vector must be a list of numbers (bind it as :param), got {query!r}")
        if kind == "near_object" and not isinstance(query, str) and not hasattr(query, "hex"):
            raise bad(f"the object id must be a UUID, got {query!r}")
        for key in ("distance", "certainty", "alpha"):
            if key in named and (
                isinstance(named[key], bool) or not isinstance(named[key], int | float)
            ):
                raise bad(f"{key} must be a number, got {named[key]!r}")
        if "target_vector" in named and not isinstance(named["target_vector"], str | list):
            raise bad(f"target_vector must be a name, got {named['target_vector']!r}")
        if "properties" in named:
            props = named["properties"]
            if isinstance(props, str):
                props = [p.strip() for p in props.split(",") if p.strip()]
            if not isinstance(props, list) or not all(isinstance(p, str) for p in props):
                raise bad(f"properties must be 'a,b' or a list of names, got {props!r}")
            named["properties"] = props
        if "operator" in named:
            operator = str(named["operator"]).lower()
            if operator not in ("and", "or"):
                raise bad(f"operator must be 'and' or 'or', got {named['operator']!r}")
            named["operator"] = operator
        if "fusion" in named and named["fusion"] not in ("relative_score", "ranked"):
            raise bad(f"fusion must be 'relative_score' or 'ranked', got {named['fusion']!r}")
        return named
