"""``Query``: the pure state of a QuerySet (what to search, filter, return)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from weavorm.odm.q import Q

__all__ = ["GenerateSpec", "GroupSpec", "Query", "SearchSpec"]


@dataclass(frozen=True, slots=True)
class SearchSpec:
    """A similarity or keyword search and its options.

    ``kind`` is ``near_text``, ``near_vector``, ``near_object``, ``near_image``,
    ``bm25`` or ``hybrid``.
    """

    kind: str
    args: tuple[Any, ...] = ()
    kwargs: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """``group_by(prop, groups=, per_group=)``."""

    prop: str
    groups: int
    per_group: int


@dataclass(frozen=True, slots=True)
class GenerateSpec:
    """Retrieval-augmented generation options."""

    single_prompt: str | None = None
    grouped_task: str | None = None
    grouped_properties: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Query:
    """Everything a QuerySet has been refined with. Immutable: refinements copy it."""

    where: Q = field(default_factory=Q)
    order: tuple[tuple[str, bool], ...] = ()
    limit: int | None = None
    offset: int | None = None
    only: tuple[str, ...] | None = None
    related: tuple[str, ...] = ()
    vectors: tuple[str, ...] | bool = False
    tenant: str | None = None
    consistency: str | None = None
    search: SearchSpec | None = None
    rerank: tuple[str, str | None] | None = None
    autocut: int | None = None
    group: GroupSpec | None = None
    after: Any = None
    metadata: tuple[str, ...] = ()

    def evolve(self, **changes: Any) -> Query:
        """A copy with ``changes``."""
        unknown = changes.keys() - _QUERY_FIELDS
        if unknown:
            return replace(self, **changes)  # raises the TypeError naming them
        # a field-by-field copy: several times faster than dataclasses.replace
        new = _new(Query)
        for name in _QUERY_FIELDS_ORDER:
            _set(new, name, changes[name] if name in changes else getattr(self, name))
        return new


_QUERY_FIELDS_ORDER = tuple(f.name for f in fields(Query))
_QUERY_FIELDS = frozenset(_QUERY_FIELDS_ORDER)
_new = object.__new__
_set = object.__setattr__
