"""``Q`` objects: lookups combined with ``&``, ``|`` and ``~``."""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["Q"]


class Q:
    """A filter condition tree: ``Q(year__gt=2000) | ~Q(tags__contains_any=["x"])``.

    Keyword lookups inside one ``Q`` are combined with AND.
    """

    __slots__ = ("children", "connector", "negated")

    def __init__(self, *children: Q, **lookups: Any) -> None:
        self.connector: Literal["AND", "OR"] = "AND"
        self.negated = False
        self.children: list[Q | tuple[str, Any]] = [*children, *sorted(lookups.items())]

    @classmethod
    def _make(cls, connector: Literal["AND", "OR"], children: list[Q | tuple[str, Any]]) -> Q:
        q: Q = Q()
        q.connector = connector
        q.children = children
        return q

    def _combine(self, other: object, connector: Literal["AND", "OR"]) -> Q:
        if not isinstance(other, Q):
            raise TypeError(f"cannot combine Q with {type(other).__name__}")
        if not other.children:
            return self
        if not self.children:
            return other
        return Q._make(connector, [self, other])

    def __and__(self, other: Q) -> Q:
        return self._combine(other, "AND")

    def __or__(self, other: Q) -> Q:
        return self._combine(other, "OR")

    def __invert__(self) -> Q:
        q = Q._make(self.connector, list(self.children))
        q.negated = not self.negated
        return q

    def __bool__(self) -> bool:
        return bool(self.children)

    def __repr__(self) -> str:
        inner = f" {self.connector} ".join(
            repr(c) if isinstance(c, Q) else f"{c[0]}={c[1]!r}" for c in self.children
        )
        return f"{'NOT ' if self.negated else ''}Q({inner})"
