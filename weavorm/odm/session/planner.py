"""The flush planner: pending changes -> an ordered plan of requests. Pure (no I/O).

Order: object upserts (gRPC ``BatchObjects``, grouped by collection and tenant, split by
count and by the server's gRPC message size), merges of partly loaded objects (REST
``PATCH`` with only the changed fields), references (gRPC ``BatchReferences``), then
deletes (gRPC ``BatchDelete``). It also says which vectors the server will compute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from weavorm.engine._protocol.batch import PendingObjects, plan_batches
from weavorm.engine._protocol.encode import paused_gc
from weavorm.engine.types import DataReference
from weavorm.odm import persist

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["Change", "ChangeKind", "FlushPlan", "ObjectWrite", "plan_flush"]


class ChangeKind(str, Enum):
    """What happens to one object."""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Change:
    """One pending change handed to the planner.

    Attributes:
        obj: The model instance.
        kind: Insert, update or delete.
        tenant: The tenant it belongs to.
        changed: Attributes changed since load (updates only).
        fully_loaded: Every stored field and every vector of it is in memory.
    """

    obj: Model
    kind: ChangeKind
    tenant: str | None = None
    changed: frozenset[str] = frozenset()
    fully_loaded: bool = False


@dataclass(slots=True)
class ObjectWrite:
    """One object in the plan and what the server will do with its vectors."""

    obj: Model
    kind: ChangeKind
    mode: str
    fields: tuple[str, ...]
    recomputed_vectors: tuple[str, ...] = ()


@dataclass(slots=True)
class UpsertGroup:
    """Objects of one collection and tenant sent with ``BatchObjects``."""

    collection: str
    tenant: str | None
    writes: list[ObjectWrite] = field(default_factory=list)
    requests: list[list[int]] = field(default_factory=list)
    oversized: list[int] = field(default_factory=list)
    pending: PendingObjects = field(default_factory=PendingObjects)


@dataclass(slots=True)
class ReferenceGroup:
    """References from objects of one collection and tenant (``BatchReferences``)."""

    collection: str
    tenant: str | None
    references: list[tuple[Model, DataReference]] = field(default_factory=list)


@dataclass(slots=True)
class DeleteGroup:
    """Objects of one collection and tenant deleted with ``BatchDelete``."""

    collection: str
    tenant: str | None
    objects: list[Model] = field(default_factory=list)


@dataclass(slots=True)
class FlushPlan:
    """A dry run of a flush: what is sent, in which requests, and what is re-vectorized."""

    upserts: list[UpsertGroup] = field(default_factory=list)
    merges: list[ObjectWrite] = field(default_factory=list)
    references: list[ReferenceGroup] = field(default_factory=list)
    deletes: list[DeleteGroup] = field(default_factory=list)

    @property
    def request_count(self) -> int:
        """Requests the flush will make (batches, merges, reference batches, deletes)."""
        upserts = sum(len(g.requests) for g in self.upserts)
        refs = sum(1 for g in self.references if g.references)
        return upserts + len(self.merges) + refs + len(self.deletes)

    @property
    def recomputed(self) -> dict[Any, tuple[str, ...]]:
        """Object id -> names of the vectors the server will compute for it."""
        out: dict[Any, tuple[str, ...]] = {}
        for group in self.upserts:
            for write in group.writes:
                if write.recomputed_vectors:
                    out[write.obj.id] = write.recomputed_vectors
        for write in self.merges:
            if write.recomputed_vectors:
                out[write.obj.id] = write.recomputed_vectors
        return out

    def counts(self) -> dict[str, int]:
        """Objects per operation."""
        return {
            "insert": sum(1 for g in self.upserts for w in g.writes if w.kind is ChangeKind.INSERT),
            "update": sum(1 for g in self.upserts for w in g.writes if w.kind is ChangeKind.UPDATE)
            + len(self.merges),
            "references": sum(len(g.references) for g in self.references),
            "delete": sum(len(g.objects) for g in self.deletes),
        }

    def __bool__(self) -> bool:
        return bool(self.upserts or self.merges or self.references or self.deletes)

    def __str__(self) -> str:
        lines = [f"flush plan: {self.counts()} in {self.request_count} requests"]
        for g in self.upserts:
            where = f"{g.collection}" + (f" (tenant {g.tenant})" if g.tenant else "")
            lines.append(
                f"  BatchObjects {where}: {len(g.writes)} objects, {len(g.requests)} requests"
            )
        for w in self.merges:
            lines.append(
                f"  PATCH {type(w.obj).collection_name()}/{w.obj.id}: {', '.join(w.fields)}"
            )
        for r in self.references:
            lines.append(f"  BatchReferences {r.collection}: {len(r.references)} references")
        for d in self.deletes:
            lines.append(f"  BatchDelete {d.collection}: {len(d.objects)} objects")
        for oid, names in self.recomputed.items():
            lines.append(f"  re-vectorize {oid}: {', '.join(names)}")
        return "\n".join(lines)


_SOURCES: dict[type[Any], dict[str, frozenset[str] | None]] = {}


def vector_sources(model: type[Model]) -> dict[str, frozenset[str] | None]:
    """Cached :func:`compute_vector_sources`."""
    found = _SOURCES.get(model)
    if found is None:
        found = compute_vector_sources(model)
        _SOURCES[model] = found
    return found


def compute_vector_sources(model: type[Model]) -> dict[str, frozenset[str] | None]:
    """Vectors the server computes for ``model`` -> attributes feeding them.

    ``None`` means "every text field" (a module vectorizer with default sources).
    Self-provided vectors are not listed: the server never computes them.
    """
    info = model.weavorm_info()
    options = info.options
    out: dict[str, frozenset[str] | None] = {}
    module = getattr(options.vectorizer, "module", None)
    if module not in (None, "none"):
        out["default"] = frozenset(
            a
            for a, p in info.properties.items()
            if p.data_type in ("text", "text[]") and p.spec.vectorize is not False
        )
    for named in options.vectors:
        name = getattr(named, "name", None)
        vectorizer = getattr(named, "vectorizer", None)
        vmodule = getattr(vectorizer, "module", None) or getattr(named, "module", None)
        if not name or vmodule in (None, "none"):
            continue
        sources = frozenset(a for a, p in info.properties.items() if name in p.spec.named_vectors())
        out[name] = sources or frozenset(
            a for a, p in info.properties.items() if p.data_type in ("text", "text[]")
        )
    return out


def _recomputed(change: Change) -> tuple[str, ...]:
    obj = change.obj
    sources = vector_sources(type(obj))
    if not sources:
        return ()
    given = set(obj.vectors)
    if obj.vector is not None:
        given.add("default")
    names = []
    for name, feeds in sources.items():
        if change.kind is ChangeKind.INSERT:
            if name not in given:
                names.append(name)
        elif feeds is None or feeds & change.changed:
            names.append(name)
    return tuple(names)


def plan_flush(
    changes: Sequence[Change],
    *,
    max_bytes: int,
    batch_size: int = 100,
) -> FlushPlan:
    """Plan a flush of ``changes``.

    Inserts and updates of fully loaded objects are full upserts in ``BatchObjects``
    (vectors the change does not touch are sent along, so they are kept and not
    recomputed); updates of partly loaded objects are merges that send only the
    changed fields. References of inserted objects follow the upserts, so targets
    created in the same flush exist. Deletes come last.
    """
    plan = FlushPlan()
    upserts: dict[tuple[str, str | None], UpsertGroup] = {}
    refs: dict[tuple[str, str | None], ReferenceGroup] = {}
    deletes: dict[tuple[str, str | None], DeleteGroup] = {}
    with paused_gc():
        _plan_changes(changes, plan, upserts, refs, deletes)
    for group in upserts.values():
        batch = plan_batches(group.pending.sizes, max_count=batch_size, max_bytes=max_bytes)
        group.requests = batch.chunks
        group.oversized = batch.oversized
        plan.upserts.append(group)
    plan.references = list(refs.values())
    plan.deletes = list(deletes.values())
    return plan


def _plan_changes(
    changes: Sequence[Change],
    plan: FlushPlan,
    upserts: dict[tuple[str, str | None], UpsertGroup],
    refs: dict[tuple[str, str | None], ReferenceGroup],
    deletes: dict[tuple[str, str | None], DeleteGroup],
) -> None:
    for change in changes:
        obj = change.obj
        collection = type(obj).collection_name()
        key = (collection, change.tenant)
        if change.kind is ChangeKind.DELETE:
            deletes.setdefault(key, DeleteGroup(collection, change.tenant)).objects.append(obj)
            continue
        recomputed = _recomputed(change)
        if change.kind is ChangeKind.UPDATE and not change.fully_loaded:
            plan.merges.append(
                ObjectWrite(obj, change.kind, "merge", tuple(sorted(change.changed)), recomputed)
            )
            continue
        group = upserts.setdefault(key, UpsertGroup(collection, change.tenant))
        fields = tuple(type(obj).weavorm_info().properties)
        group.writes.append(ObjectWrite(obj, change.kind, "upsert", fields, recomputed))
        data = persist.data_object(obj, references=change.kind is ChangeKind.UPDATE)
        vector = data.vector
        if recomputed and isinstance(vector, dict):
            vector = {k: v for k, v in vector.items() if k not in recomputed} or None
        elif recomputed and "default" in recomputed:
            vector = None
        group.pending.add(
            len(group.writes) - 1,
            collection,
            data.properties,
            uuid=obj.id,
            vector=vector,
            references=data.references,
            tenant=change.tenant,
        )
        if change.kind is ChangeKind.INSERT:
            for name, targets in persist.reference_values(obj).items():
                group_refs = refs.setdefault(key, ReferenceGroup(collection, change.tenant))
                for target in targets:
                    multi = getattr(target, "target_collection", None)
                    uuids = getattr(target, "uuids", target)
                    group_refs.references.append(
                        (
                            obj,
                            DataReference(
                                from_uuid=obj.id,
                                from_property=name,
                                to_uuid=uuids,
                                target_collection=multi or None,
                            ),
                        )
                    )
