"""The result of a schema diff: a :class:`Plan` of :class:`Operation` objects."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BREAKING_KINDS", "SAFE_KINDS", "Operation", "Plan"]

#: Operation kinds Weaviate applies in place (``migrate`` runs them directly).
SAFE_KINDS = frozenset(
    {
        "create_collection",
        "add_property",
        "add_reference",
        "add_named_vector",
        "update_config",
        "update_description",
        "drop_index",
    }
)
#: Operation kinds that need a shadow-collection migration (``allow_breaking=True``).
BREAKING_KINDS = frozenset(
    {
        "remove_property",
        "change_data_type",
        "change_reference_targets",
        "change_nested_properties",
        "change_tokenization",
        "change_index_flag",
        "change_property_vectorization",
        "change_vectorizer",
        "remove_named_vector",
        "change_vector_index",
        "change_inverted_index",
        "change_multi_tenancy",
        "change_sharding",
        "retarget_references",
        "inbound_references",
    }
)

_MARKS = {True: "+", False: "!"}


@dataclass(frozen=True)
class Operation:
    """One difference between a model and the live schema, and how to resolve it.

    Attributes:
        kind: What changes, e.g. ``"create_collection"``, ``"add_property"``,
            ``"change_data_type"`` (see :data:`SAFE_KINDS` and :data:`BREAKING_KINDS`).
        collection: The collection name (the model's name, even when the live
            collection is reached through an alias).
        detail: A sentence a person can read.
        safe: Whether Weaviate can apply it in place (no data copy).
        target: The property, vector or setting the operation is about, if any.
        payload: What ``migrate`` needs to apply it (internal; not compared).
    """

    kind: str
    collection: str
    detail: str
    safe: bool
    target: str | None = None
    payload: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __str__(self) -> str:
        suffix = "" if self.safe else " [breaking]"
        return f"{_MARKS[self.safe]} {self.collection}: {self.detail}{suffix}"


@dataclass
class Plan:
    """The changes that would bring the live schema in line with the models.

    An empty plan is falsy; ``str(plan)`` is a readable list (``"no changes"`` when
    empty).

    Attributes:
        operations: The differences, grouped by collection in model order.
        migrated: After :func:`~weavorm.schema.migrate`: collection name -> the
            versioned collection its alias now points to (shadow migrations only).
    """

    operations: list[Operation] = field(default_factory=list)
    migrated: dict[str, str] = field(default_factory=dict)

    @property
    def safe(self) -> bool:
        """Whether every operation can be applied in place (True for an empty plan)."""
        return all(op.safe for op in self.operations)

    @property
    def breaking(self) -> list[Operation]:
        """The operations that need a shadow-collection migration."""
        return [op for op in self.operations if not op.safe]

    @property
    def collections(self) -> list[str]:
        """The collections with at least one operation, in plan order."""
        return list(dict.fromkeys(op.collection for op in self.operations))

    def for_collection(self, name: str) -> list[Operation]:
        """The operations of one collection."""
        return [op for op in self.operations if op.collection == name]

    def __bool__(self) -> bool:
        return bool(self.operations)

    def __len__(self) -> int:
        return len(self.operations)

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.operations)

    def __str__(self) -> str:
        return self.render()

    def render(self, *, breaking_hint: str = "migrate(..., allow_breaking=True)") -> str:
        """The plan as a list; ``breaking_hint`` says how to apply breaking changes.

        Args:
            breaking_hint: What the caller's user passes to allow them (the CLI says
                ``--allow-breaking``).
        """
        if not self.operations:
            return "no changes"
        count = len(self.operations)
        broken = len(self.breaking)
        head = f"{count} change{'s' if count != 1 else ''}"
        if broken:
            head += f" ({broken} breaking: needs {breaking_hint})"
        lines = [head + ":"]
        lines.extend(f"  {op}" for op in self.operations)
        return "\n".join(lines)
