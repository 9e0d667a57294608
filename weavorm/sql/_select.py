"""``SELECT`` and ``DELETE`` statements -> plans (see :mod:`weavorm.sql._plan`)."""

from __future__ import annotations

from typing import Any, Literal

from sqlglot import exp

from weavorm.errors import SQLError
from weavorm.sql._parse import Statement
from weavorm.sql._plan import (
    AGGREGATES,
    CLAUSE_NAMES,
    COMPARISONS,
    FILTERABLE_PSEUDO,
    FLIPPED,
    SEARCH_FUNCTIONS,
    SELECT_CLAUSES,
    SORTABLE_PSEUDO,
    VECTOR_SEARCHES,
    AggregateCall,
    ColumnRef,
    Comparison,
    DeletePlan,
    Junction,
    Negation,
    OrderKey,
    Output,
    Predicate,
    SelectPlan,
    construct_name,
)
from weavorm.sql._where import PredicatePlanner

__all__ = ["plan_statement"]


class StatementPlanner(PredicatePlanner):
    """Plans SELECT and DELETE statements."""

    # -- SELECT ----------------------------------------------------------------------------

    def select(self) -> SelectPlan:
        tree = self.stmt.tree
        for key, value in tree.args.items():
            if value in (None, False, [], "") or key in SELECT_CLAUSES or key == "distinct":
                continue
            name = CLAUSE_NAMES.get(key, key.upper())
            raise self.error(f"{name} is not supported", value, name)
        source = tree.args.get("from_") or tree.args.get("from")
        if source is None:
            raise self.error("SELECT needs FROM <collection>", tree, "SELECT without FROM")
        collection, position = self.table(source.this, "FROM")
        plan = SelectPlan(collection, position, outputs=self.outputs(tree.expressions))
        where = tree.args.get("where")
        if where is not None:
            self.where(plan, where.this)
        self.group(plan, tree)
        if plan.aggregate:
            self.aggregate_checks(plan, tree)
        else:
            having = tree.args.get("having")
            if having is not None:
                raise self.error(
                    "HAVING needs GROUP BY or aggregates", having, "HAVING without GROUP BY"
                )
            self.order(plan, tree.args.get("order"))
        self.limits(plan, tree)
        self.search_checks(plan)
        return plan

    def outputs(self, expressions: list[Any]) -> list[Output]:
        outputs: list[Output] = []
        names: set[str] = set()

        def unique(name: str) -> str:
            base, n = name, 2
            while name in names:
                name, n = f"{base}_{n}", n + 1
            names.add(name)
            return name

        for item in expressions:
            node, alias = item, None
            if isinstance(item, exp.Alias):
                node, alias = item.this, item.alias
            position = self.stmt.position(item)
            if isinstance(node, exp.Star) or (
                isinstance(node, exp.Column) and isinstance(node.this, exp.Star)
            ):
                if alias:
                    raise self.error("* cannot be aliased", item, "*")
                outputs.append(Output("*", star=True, position=position))
            elif self.is_column(node):
                column = self.column(node)
                if len(column.path) > 1:
                    raise self.error(
                        f"{column.text}: reference paths are supported in WHERE only",
                        node,
                        f"column {column.text}",
                    )
                outputs.append(
                    Output(unique(alias or column.path[-1]), column=column, position=position)
                )
            elif self.aggregate_of(node) is not None:
                call = self.aggregate_call(node)
                outputs.append(
                    Output(unique(alias or call.text), aggregate=call, position=position)
                )
            elif isinstance(node, exp.Anonymous) and node.name.lower() in SEARCH_FUNCTIONS:
                raise self.error(
                    f"{node.name.lower()}() belongs in WHERE or ORDER BY; select _distance or "
                    "_score to see how well each object matched",
                    node,
                    node.name.lower(),
                )
            else:
                raise self.unsupported(node, "SELECT")
        return outputs

    @staticmethod
    def aggregate_of(node: Any) -> str | None:
        for cls, name in AGGREGATES:
            if isinstance(node, cls):
                return name
        return None

    def aggregate_call(self, node: Any) -> AggregateCall:
        function = self.aggregate_of(node)
        assert function is not None
        arg = node.this
        if isinstance(arg, exp.Distinct):
            raise self.error(
                f"{node.sql()}: DISTINCT inside aggregates is not supported", arg, "DISTINCT"
            )
        if node.expressions:
            raise self.error(
                f"{node.sql()} takes one column", node.expressions[0], construct_name(node)
            )
        column: ColumnRef | None = None
        if isinstance(arg, exp.Star):
            if function != "count":
                raise self.error(f"{node.sql()}: only COUNT takes *", node, construct_name(node))
        elif self.is_column(arg):
            column = self.column(arg)
            if column.pseudo is not None or len(column.path) > 1:
                raise self.error(
                    f"{node.sql()}: aggregates work on properties of the collection",
                    arg,
                    construct_name(node),
                )
        else:
            raise self.unsupported(arg, node.sql())
        return AggregateCall(function, column, node.sql(), self.stmt.position(node))

    def where(self, plan: SelectPlan, node: Any) -> None:
        conditions: list[Predicate] = []
        thresholds: dict[str, tuple[Any, float]] = {}
        for part in self.conjuncts(node):
            inner = part
            while isinstance(inner, exp.Paren):
                inner = inner.this
            if isinstance(inner, exp.Anonymous) and inner.name.lower() in SEARCH_FUNCTIONS:
                if plan.search is not None:
                    raise self.error(
                        "one search function per statement (Weaviate runs one search)",
                        inner,
                        inner.name.lower(),
                    )
                plan.search = self.search(inner, "WHERE")
                continue
            condition = self.predicate(inner, "WHERE")
            if isinstance(condition, Comparison) and condition.column.pseudo in (
                "_distance",
                "_certainty",
            ):
                thresholds[condition.column.pseudo] = (inner, self.threshold(condition, inner))
                continue
            conditions.append(condition)
        for condition in conditions:
            self.check_filterable(condition)
        if conditions:
            plan.where = (
                conditions[0] if len(conditions) == 1 else Junction("and", tuple(conditions))
            )
        for pseudo, (node_, value) in thresholds.items():
            key = pseudo.lstrip("_")
            search = plan.search
            if search is None or search.kind not in VECTOR_SEARCHES:
                raise self.error(
                    f"a condition on {pseudo} needs near_text, near_vector or near_object in WHERE",
                    node_,
                    pseudo,
                )
            if key in search.options:
                raise self.error(f"{key} given twice", node_, pseudo)
            search.options[key] = value

    def threshold(self, condition: Comparison, node: Any) -> float:
        pseudo = condition.column.pseudo
        wanted = ("lt", "lte") if pseudo == "_distance" else ("gt", "gte")
        if condition.lookup not in wanted or isinstance(condition.value, bool):
            sign = "<" if pseudo == "_distance" else ">"
            raise self.error(
                f"{pseudo} can only be bounded ({pseudo} {sign} number): Weaviate applies it as "
                "the search's threshold",
                node,
                pseudo or "",
            )
        if not isinstance(condition.value, int | float):
            raise self.error(f"{pseudo} needs a number, got {condition.value!r}", node, "value")
        return float(condition.value)

    def check_filterable(self, predicate: Predicate) -> None:
        if isinstance(predicate, Junction):
            for item in predicate.items:
                self.check_filterable(item)
        elif isinstance(predicate, Negation):
            self.check_filterable(predicate.item)
        else:
            pseudo = predicate.column.pseudo
            if pseudo is not None and pseudo not in FILTERABLE_PSEUDO:
                raise SQLError(
                    f"{pseudo} cannot be filtered on here; bound it with a top-level "
                    f"AND condition next to a vector search (e.g. {pseudo} < 0.3)",
                    position=predicate.position,
                    construct=pseudo,
                )

    def group(self, plan: SelectPlan, tree: Any) -> None:
        group = tree.args.get("group")
        distinct = tree.args.get("distinct")
        if distinct is not None:
            if distinct.args.get("on") is not None:
                raise self.error("DISTINCT ON is not supported", distinct, "DISTINCT ON")
            columns = [o for o in plan.outputs if o.column is not None]
            if group is not None or len(plan.outputs) != 1 or len(columns) != 1:
                raise self.error(
                    "DISTINCT works with exactly one column and no GROUP BY "
                    "(SELECT DISTINCT category FROM ...)",
                    distinct,
                    "DISTINCT",
                )
            column = columns[0].column
            assert column is not None
            if column.pseudo is not None:
                raise self.error(f"DISTINCT {column.text} is not supported", distinct, "DISTINCT")
            plan.group_by = column
            plan.distinct = True
        if group is not None:
            for arg in ("grouping_sets", "cube", "rollup", "totals"):
                if group.args.get(arg):
                    raise self.error(
                        f"GROUP BY {arg.upper()} is not supported", group, f"GROUP BY {arg}"
                    )
            keys = list(group.expressions)
            if len(keys) != 1:
                raise self.error(
                    "GROUP BY takes one column (Weaviate groups by one property)",
                    keys[1] if len(keys) > 1 else group,
                    "GROUP BY",
                )
            plan.group_by = self.group_key(plan, keys[0])
        plan.aggregate = plan.group_by is not None or any(
            o.aggregate is not None for o in plan.outputs
        )

    def group_key(self, plan: SelectPlan, node: Any) -> ColumnRef:
        output = self.output_ref(plan, node)
        if output is not None and output.column is not None:
            column = output.column
        elif self.is_column(node):
            column = self.column(node)
        else:
            raise self.unsupported(node, "GROUP BY")
        if column.pseudo is not None or len(column.path) > 1:
            raise self.error(
                f"GROUP BY {column.text}: group by a property of the collection",
                node,
                "GROUP BY",
            )
        return column

    def output_ref(self, plan: SelectPlan, node: Any) -> Output | None:
        """The output an ordinal (``1``) or an alias names, if any."""
        if isinstance(node, exp.Literal) and not node.is_string:
            index = self.value(node, "position")
            visible = [o for o in plan.outputs if not o.hidden]
            if (
                not isinstance(index, int)
                or not 1 <= index <= len(visible)
                or visible[index - 1].star
            ):
                raise self.error(
                    f"{node.sql()} is not a position in the select list", node, "ordinal"
                )
            return visible[index - 1]
        if self.is_column(node) and len(node.parts) == 1:
            for output in plan.outputs:
                if output.name == node.name and (
                    output.aggregate is not None
                    or (output.column is not None and output.column.text != node.name)
                ):
                    return output
        return None

    def aggregate_checks(self, plan: SelectPlan, tree: Any) -> None:
        if plan.search is not None:
            raise self.error(
                "aggregates with a search function are not supported; filter with WHERE",
                tree.args["where"],
                plan.search.kind,
            )
        for output in plan.outputs:
            if output.star:
                raise self.error("SELECT * with GROUP BY or aggregates", tree.expressions[0], "*")
            if output.column is not None and (
                plan.group_by is None or output.column.path != plan.group_by.path
            ):
                raise SQLError(
                    f"column {output.column.text} must appear in GROUP BY or be used in an "
                    "aggregate",
                    position=output.position,
                    construct=f"column {output.column.text}",
                )
        having = tree.args.get("having")
        if having is not None:
            plan.having = self.having(plan, having.this)
        order = tree.args.get("order")
        if order is not None:
            for ordered in order.expressions:
                name = self.result_name(plan, ordered.this, "ORDER BY")
                desc = ordered.args.get("desc")
                plan.order.append(
                    OrderKey(
                        None,
                        name,
                        not desc,
                        desc is not None,
                        self.stmt.position(ordered),
                    )
                )

    def result_name(self, plan: SelectPlan, node: Any, where: str) -> str:
        """The output an aggregation's HAVING / ORDER BY operand refers to (added if hidden)."""
        output = self.output_ref(plan, node)
        if output is not None:
            return output.name
        if self.aggregate_of(node) is not None:
            call = self.aggregate_call(node)
            for existing in plan.outputs:
                if existing.aggregate is not None and existing.aggregate.text == call.text:
                    return existing.name
            name = f"\x00{call.text}"
            plan.outputs.append(Output(name, aggregate=call, hidden=True))
            return name
        if self.is_column(node):
            column = self.column(node)
            if plan.group_by is not None and column.path == plan.group_by.path:
                for existing in plan.outputs:
                    if existing.column is not None and existing.column.path == column.path:
                        return existing.name
                name = f"\x00{column.text}"
                plan.outputs.append(Output(name, column=column, hidden=True))
                return name
            raise self.error(
                f"{where} {column.text}: only the GROUP BY column, aggregates and select "
                "aliases can be used here",
                node,
                f"column {column.text}",
            )
        raise self.unsupported(node, where)

    def having(self, plan: SelectPlan, node: Any) -> Predicate:
        if isinstance(node, exp.Paren):
            return self.having(plan, node.this)
        if isinstance(node, exp.And | exp.Or):
            connector: Literal["and", "or"] = "and" if isinstance(node, exp.And) else "or"
            return Junction(
                connector, (self.having(plan, node.this), self.having(plan, node.expression))
            )
        if isinstance(node, exp.Not):
            if isinstance(node.this, exp.Is):
                name = self.result_name(plan, node.this.this, "HAVING")
                return Comparison(ColumnRef((name,), name), "isnull", False)
            return Negation(self.having(plan, node.this))
        position = self.stmt.position(node)
        if isinstance(node, exp.In | exp.Between | exp.Is) and node.args.get("negate"):
            copy = node.copy()
            copy.set("negate", None)
            return Negation(self.having(plan, copy))
        for cls, lookup in COMPARISONS:
            if isinstance(node, cls):
                left, right = node.this, node.expression
                if self.is_value(left) and not self.is_value(right):
                    left, right = right, left
                    lookup = FLIPPED[lookup]
                name = self.result_name(plan, left, "HAVING")
                value = self.plain_value(right, "HAVING")
                return Comparison(ColumnRef((name,), name), lookup, value, position)
        if isinstance(node, exp.Between):
            name = self.result_name(plan, node.this, "HAVING")
            ref = ColumnRef((name,), name)
            low = self.plain_value(node.args["low"], "HAVING")
            high = self.plain_value(node.args["high"], "HAVING")
            return Junction(
                "and",
                (Comparison(ref, "gte", low, position), Comparison(ref, "lte", high, position)),
            )
        if isinstance(node, exp.In):
            name = self.result_name(plan, node.this, "HAVING")
            values = [self.plain_value(v, "HAVING") for v in node.expressions]
            return Comparison(ColumnRef((name,), name), "in", values, position)
        if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
            name = self.result_name(plan, node.this, "HAVING")
            return Comparison(ColumnRef((name,), name), "isnull", True, position)
        raise self.unsupported(node, "HAVING")

    @staticmethod
    def is_value(node: Any) -> bool:
        return isinstance(node, exp.Literal | exp.Placeholder | exp.Neg | exp.Boolean)

    def order(self, plan: SelectPlan, order: Any) -> None:
        if order is None:
            return
        for ordered in order.expressions:
            node = ordered.this
            desc = ordered.args.get("desc")
            explicit = desc is not None
            position = self.stmt.position(ordered)
            if isinstance(node, exp.Anonymous) and node.name.lower() in SEARCH_FUNCTIONS:
                if plan.search is not None:
                    raise self.error(
                        "one search function per statement (Weaviate runs one search)",
                        node,
                        node.name.lower(),
                    )
                call = self.search(node, "ORDER BY")
                natural_desc = call.kind in ("bm25", "hybrid")
                if explicit and bool(desc) != natural_desc:
                    word = "DESC" if desc else "ASC"
                    raise self.error(
                        f"ORDER BY {call.kind}(...) {word}: Weaviate returns the best matches "
                        "first only",
                        ordered,
                        f"ORDER BY {word}",
                    )
                plan.search = call
                plan.order.append(OrderKey(None, call.kind, not natural_desc, explicit, position))
                continue
            nulls_first = ordered.args.get("nulls_first")
            if nulls_first is not None and bool(nulls_first) != (not desc):
                raise self.error(
                    "NULLS FIRST / NULLS LAST: Weaviate sorts missing values its own way",
                    ordered,
                    "NULLS FIRST/LAST",
                )
            output = self.output_ref(plan, node)
            if output is not None:
                if output.column is None:
                    raise self.unsupported(node, "ORDER BY")
                column = output.column
            elif self.is_column(node):
                column = self.column(node)
            else:
                raise self.unsupported(node, "ORDER BY")
            plan.order.append(OrderKey(column, None, not desc, explicit, position))

    def limits(self, plan: SelectPlan, tree: Any) -> None:
        limit = tree.args.get("limit")
        if limit is not None:
            if isinstance(limit, exp.Fetch):
                raise self.error("FETCH FIRST is not supported; use LIMIT", limit, "FETCH")
            plan.limit = self.integer(limit.expression, "LIMIT")
        offset = tree.args.get("offset")
        if offset is not None:
            plan.offset = self.integer(offset.expression, "OFFSET")

    def search_checks(self, plan: SelectPlan) -> None:
        """ORDER BY next to a search may only restate the search's own order."""
        if plan.aggregate:
            return
        natural = {"_distance": True, "_certainty": False, "_score": False}
        for key in plan.order:
            if key.column is None:
                continue
            pseudo = key.column.pseudo
            if pseudo in natural:
                search = plan.search
                if search is None:
                    raise SQLError(
                        f"ORDER BY {pseudo} needs a search function",
                        position=key.position,
                        construct=f"ORDER BY {pseudo}",
                    )
                asc = natural[pseudo]
                if pseudo == "_score" and search.kind not in ("bm25", "hybrid"):
                    raise SQLError(
                        f"ORDER BY _score needs bm25 or hybrid (this is {search.kind})",
                        position=key.position,
                        construct="ORDER BY _score",
                    )
                if pseudo != "_score" and search.kind not in VECTOR_SEARCHES | {"hybrid"}:
                    raise SQLError(
                        f"ORDER BY {pseudo} needs a vector search (this is {search.kind})",
                        position=key.position,
                        construct=f"ORDER BY {pseudo}",
                    )
                if key.ascending != asc:
                    want = "ASC" if asc else "DESC"
                    raise SQLError(
                        f"ORDER BY {pseudo}: Weaviate returns the best matches first; write "
                        f"ORDER BY {pseudo} {want} (or leave ORDER BY out)",
                        position=key.position,
                        construct=f"ORDER BY {pseudo}",
                    )
                continue
            if pseudo is not None and pseudo not in SORTABLE_PSEUDO:
                raise SQLError(
                    f"ORDER BY {pseudo} is not supported",
                    position=key.position,
                    construct=f"ORDER BY {pseudo}",
                )
            if plan.search is not None:
                raise SQLError(
                    f"ORDER BY {key.column.text} cannot be combined with {plan.search.kind}(): "
                    "Weaviate orders search results by relevance",
                    position=key.position,
                    construct="ORDER BY",
                )
            if len(key.column.path) > 1:
                raise SQLError(
                    f"ORDER BY {key.column.text}: sorting on reference paths is not supported",
                    position=key.position,
                    construct="ORDER BY",
                )
        searches = [k for k in plan.order if k.column is None]
        if searches and len(plan.order) > 1:
            raise SQLError(
                "ORDER BY with a search function takes no other keys",
                position=plan.order[1].position,
                construct="ORDER BY",
            )

    # -- DELETE ----------------------------------------------------------------------------

    def delete(self) -> DeletePlan:
        tree = self.stmt.tree
        for key, value in tree.args.items():
            if value in (None, False, [], "") or key in ("this", "where"):
                continue
            name = {"using": "DELETE ... USING", "returning": "RETURNING"}.get(key, key.upper())
            raise self.error(f"{name} is not supported", value, name)
        collection, position = self.table(tree.this, "DELETE FROM")
        plan = DeletePlan(collection, position)
        where = tree.args.get("where")
        if where is not None:
            condition = self.predicate(where.this, "WHERE")
            self.check_filterable(condition)
            plan.where = condition
        return plan


def plan_statement(
    statement: Statement, params: Any = None, *, allow_writes: bool = False
) -> SelectPlan | DeletePlan:
    """The plan of a parsed statement with ``params`` bound.

    Args:
        statement: The parsed statement.
        params: Values for ``:name`` (a mapping) or ``?`` (a sequence) placeholders.
        allow_writes: Accept ``DELETE FROM ... [WHERE ...]``.

    Raises:
        SQLError: an unsupported construct or a missing parameter, with its position.
    """
    planner = StatementPlanner(statement, params)
    planner.check_structure()
    tree = statement.tree
    if isinstance(tree, exp.Select):
        return planner.select()
    if isinstance(tree, exp.Delete):
        if not allow_writes:
            raise statement.error(
                "DELETE changes data: pass allow_writes=True (CLI: --allow-writes) to run it",
                tree,
                construct="DELETE",
            )
        return planner.delete()
    if isinstance(tree, exp.Insert | exp.Update | exp.Merge):
        name = type(tree).__name__.upper()
        raise statement.error(
            f"{name} is not supported (weavorm's SQL is read-only, plus DELETE with "
            "allow_writes=True)",
            tree,
            construct=name,
        )
    first = statement.tokens[0].text.upper() if statement.tokens else "statement"
    raise statement.error(
        f"{first} is not supported: expected SELECT ... FROM <collection>",
        tree,
        construct=first,
    )
