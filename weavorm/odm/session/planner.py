"""The flush planner: pending changes -> the ordered, encoded requests of a flush. Pure (no I/O).

The plan *is* what is sent: :func:`plan_flush` encodes every object, reference and
delete once, straight into the request that will carry it, and splits requests by
count and by the server's gRPC message size. The executor
(:mod:`weavorm.odm.session.executor`) only sends :attr:`FlushPlan.requests` in order
(with the driver's retry policy) and maps the replies back to the changes.

Order: object upserts (gRPC ``BatchObjects``, grouped by collection and tenant),
merges of partly loaded objects (REST ``PATCH`` with only the changed fields, built by
the engine's :func:`~weavorm.engine._protocol.data.update_call`), references (gRPC
``BatchReferences``), then deletes (gRPC ``BatchDelete``). It also says which vectors
the server will compute.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from weavorm._proto.v1 import batch_pb2
from weavorm.engine._protocol import data as data_ops
from weavorm.engine._protocol.calls import GrpcCall, HttpCall
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.encode import consistency_enum, fill_batch_object, paused_gc
from weavorm.engine._protocol.filters import filter_to_grpc
from weavorm.engine.batching.requests import (
    DEFAULT_REFERENCE_BATCH_SIZE,
    item_wire_size,
    oversized_message,
)
from weavorm.engine.filters import Filter
from weavorm.errors import ConfigError
from weavorm.odm import persist

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = [
    "DEFAULT_DELETE_BATCH_SIZE",
    "DEFAULT_FLUSH_BATCH_SIZE",
    "Change",
    "ChangeKind",
    "FlushPlan",
    "ObjectWrite",
    "PlannedRequest",
    "plan_flush",
    "stream_flush",
]

#: Objects per ``BatchObjects`` request of a flush (then split further by size).
DEFAULT_FLUSH_BATCH_SIZE = 500
#: Object ids per ``BatchDelete`` request: Weaviate deletes at most
#: ``QUERY_MAXIMUM_RESULTS`` (10,000 by default) objects per request.
DEFAULT_DELETE_BATCH_SIZE = 10_000
#: Bytes kept free below the server's limit for the request envelope.
_HEADROOM = 1024


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


RequestKind = Literal["BatchObjects", "PATCH", "BatchReferences", "BatchDelete"]


@dataclass(slots=True)
class PlannedRequest:
    """One request of a flush, encoded: exactly what the executor sends.

    Attributes:
        kind: ``BatchObjects``, ``PATCH`` (a merge), ``BatchReferences`` or ``BatchDelete``.
        collection: The collection written to.
        tenant: The tenant, or None.
        call: The encoded call (a :class:`GrpcCall` or, for merges, an :class:`HttpCall`).
        changes: For each item of the request, in order, the index of its change.
    """

    kind: RequestKind
    collection: str
    tenant: str | None
    call: GrpcCall | HttpCall
    changes: list[int] = field(default_factory=list)

    @property
    def items(self) -> int:
        """Objects, references or ids carried."""
        return len(self.changes)

    @property
    def size(self) -> int:
        """The encoded request size in bytes (the gRPC message; 0 for REST merges)."""
        if isinstance(self.call, GrpcCall):
            return int(self.call.request.ByteSize())
        return 0

    def __str__(self) -> str:
        where = self.collection + (f" (tenant {self.tenant})" if self.tenant else "")
        if isinstance(self.call, HttpCall):
            return f"{self.call.method} {self.call.path}"
        return f"{self.kind} {where}: {self.items} items, {self.size} bytes"


@dataclass(slots=True)
class UpsertGroup:
    """Objects of one collection and tenant sent with ``BatchObjects``.

    ``requests`` holds, per request, the positions in ``writes`` it carries;
    ``oversized`` the positions too large for any request (never sent).
    """

    collection: str
    tenant: str | None
    writes: list[ObjectWrite] = field(default_factory=list)
    requests: list[list[int]] = field(default_factory=list)
    oversized: list[int] = field(default_factory=list)


@dataclass(slots=True)
class ReferenceGroup:
    """References from objects of one collection and tenant (``BatchReferences``).

    Each reference is the source object and the encoded ``BatchReference`` message.
    """

    collection: str
    tenant: str | None
    references: list[tuple[Model, batch_pb2.BatchReference]] = field(default_factory=list)


@dataclass(slots=True)
class DeleteGroup:
    """Objects of one collection and tenant deleted with ``BatchDelete``."""

    collection: str
    tenant: str | None
    objects: list[Model] = field(default_factory=list)


@dataclass(slots=True)
class FlushPlan:
    """A flush, encoded: the requests it sends in order, and what is re-vectorized.

    Attributes:
        requests: Every request, in the order they are sent.
        upserts: ``BatchObjects`` groups (collection, tenant) with their writes.
        merges: Partly loaded objects merged with ``PATCH``.
        references: ``BatchReferences`` groups.
        deletes: ``BatchDelete`` groups.
        rejected: Change index -> why it is not sent at all (an object larger than
            the server's gRPC message limit).
    """

    requests: list[PlannedRequest] = field(default_factory=list)
    upserts: list[UpsertGroup] = field(default_factory=list)
    merges: list[ObjectWrite] = field(default_factory=list)
    references: list[ReferenceGroup] = field(default_factory=list)
    deletes: list[DeleteGroup] = field(default_factory=list)
    rejected: dict[int, str] = field(default_factory=dict)

    @property
    def request_count(self) -> int:
        """Requests the flush makes (when every object lands)."""
        return len(self.requests)

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
        return bool(self.requests or self.rejected)

    def __str__(self) -> str:
        lines = [f"flush plan: {self.counts()} in {self.request_count} requests"]
        for request in self.requests:
            lines.append(f"  {request}")
        for index, why in self.rejected.items():
            lines.append(f"  not sent (change {index}): {why}")
        for oid, names in self.recomputed.items():
            lines.append(f"  re-vectorize {oid}: {', '.join(names)}")
        return "\n".join(lines)


_SOURCES: dict[type[Any], dict[str, frozenset[str] | None]] = {}
_FIELDS: dict[type[Any], tuple[str, ...]] = {}


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


def _fields(model: type[Model]) -> tuple[str, ...]:
    found = _FIELDS.get(model)
    if found is None:
        found = _FIELDS[model] = tuple(model.weavorm_info().properties)
    return found


def _recomputed(change: Change, sources: dict[str, frozenset[str] | None]) -> tuple[str, ...]:
    obj = change.obj
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
    batch_size: int = DEFAULT_FLUSH_BATCH_SIZE,
    consistency: str | None = None,
    reference_batch_size: int = DEFAULT_REFERENCE_BATCH_SIZE,
    delete_batch_size: int = DEFAULT_DELETE_BATCH_SIZE,
) -> FlushPlan:
    """Plan (and encode) a flush of ``changes``.

    Inserts and updates of fully loaded objects are full upserts in ``BatchObjects``
    (vectors the change does not touch are sent along, so they are kept and not
    recomputed); updates of partly loaded objects are merges that send only the
    changed fields. References of inserted objects follow the upserts, so targets
    created in the same flush exist. Deletes come last.

    Args:
        changes: The changes, in the order they were made.
        max_bytes: The server's gRPC message limit (no request exceeds it).
        batch_size: Most objects per ``BatchObjects`` request.
        consistency: The consistency level written into every request.
        reference_batch_size: Most references per ``BatchReferences`` request.
        delete_batch_size: Most ids per ``BatchDelete`` request.

    Raises:
        ConfigError: a value that cannot be encoded (naming the object), or a
            non-positive batch size or message limit.
    """
    planner = _checked_planner(
        max_bytes, batch_size, consistency, reference_batch_size, delete_batch_size
    )
    with paused_gc():
        planner.add_all(changes)
        planner.finish(reference_batch_size, delete_batch_size)
    return planner.plan


def stream_flush(
    changes: Sequence[Change],
    *,
    max_bytes: int,
    batch_size: int = DEFAULT_FLUSH_BATCH_SIZE,
    consistency: str | None = None,
    reference_batch_size: int = DEFAULT_REFERENCE_BATCH_SIZE,
    delete_batch_size: int = DEFAULT_DELETE_BATCH_SIZE,
) -> tuple[FlushPlan, Iterator[PlannedRequest]]:
    """:func:`plan_flush`, lazily: the plan, and an iterator of its ``BatchObjects`` requests.

    Iterating encodes the objects and yields each request as soon as it is full, so a
    flush sends the first requests while it encodes the next. Once the iterator is
    exhausted, the plan is complete and equal to what :func:`plan_flush` returns for
    the same changes (the same requests in the same order).

    Raises:
        ConfigError: as :func:`plan_flush` (while iterating, for an object that cannot
            be encoded).
    """
    planner = _checked_planner(
        max_bytes, batch_size, consistency, reference_batch_size, delete_batch_size
    )
    return planner.plan, planner.stream(changes, reference_batch_size, delete_batch_size)


def _checked_planner(
    max_bytes: int,
    batch_size: int,
    consistency: str | None,
    reference_batch_size: int,
    delete_batch_size: int,
) -> _Planner:
    for name, value in (
        ("batch_size", batch_size),
        ("reference_batch_size", reference_batch_size),
        ("delete_batch_size", delete_batch_size),
    ):
        if value < 1:
            raise ConfigError(f"{name} must be >= 1, got {value}", field=name)
    if max_bytes <= _HEADROOM:
        raise ConfigError(
            f"gRPC message limit must exceed {_HEADROOM} bytes, got {max_bytes}",
            field="grpc_max_message_size",
        )
    return _Planner(max_bytes - _HEADROOM, max_bytes, batch_size, consistency)


class _Open:
    """The ``BatchObjects`` request being filled for one (collection, tenant)."""

    __slots__ = ("changes", "group", "positions", "request", "used")

    def __init__(self, group: UpsertGroup) -> None:
        self.group = group
        self.request = batch_pb2.BatchObjectsRequest()
        self.changes: list[int] = []
        self.positions: list[int] = []
        self.used = 0


class _Planner:
    def __init__(self, budget: int, max_bytes: int, batch_size: int, consistency: str | None):
        self.plan = FlushPlan()
        self.budget = budget
        self.max_bytes = max_bytes
        self.batch_size = batch_size
        self.consistency = consistency
        self.level = consistency_enum(consistency)
        self.open: dict[tuple[str, str | None], _Open] = {}
        self.ready: list[PlannedRequest] = []
        self.merges: list[PlannedRequest] = []
        self.refs: dict[tuple[str, str | None], ReferenceGroup] = {}
        self.ref_changes: dict[tuple[str, str | None], list[int]] = {}
        self.deletes: dict[tuple[str, str | None], DeleteGroup] = {}
        self.delete_changes: dict[tuple[str, str | None], list[int]] = {}

    # -- objects ----------------------------------------------------------------------

    def stream(
        self, changes: Sequence[Change], reference_batch_size: int, delete_batch_size: int
    ) -> Iterator[PlannedRequest]:
        """Plan ``changes``, yielding each ``BatchObjects`` request as soon as it is full.

        When the iterator is exhausted the plan is complete (merges, references and
        deletes included), and ``plan.requests`` holds the same requests in the same
        order as :func:`plan_flush` gives.
        """
        ready = self.ready
        for _ in self._add(changes):
            if ready:
                yield from ready
                ready.clear()
        self.finish(reference_batch_size, delete_batch_size)
        yield from ready
        ready.clear()

    def add_all(self, changes: Sequence[Change]) -> None:
        for _ in self._add(changes):
            pass
        self.ready.clear()

    def _add(self, changes: Sequence[Change]) -> Iterator[None]:
        """Add each change; yields after every change that closed a request."""
        model: Any = None
        ready = self.ready
        collection = ""
        sources: dict[str, frozenset[str] | None] = {}
        for index, change in enumerate(changes):
            obj = change.obj
            if type(obj) is not model:
                model = type(obj)
                collection = model.collection_name()
                sources = vector_sources(model)
            key = (collection, change.tenant)
            kind = change.kind
            if kind is ChangeKind.DELETE:
                group = self.deletes.get(key)
                if group is None:
                    group = self.deletes[key] = DeleteGroup(collection, change.tenant)
                    self.delete_changes[key] = []
                group.objects.append(obj)
                self.delete_changes[key].append(index)
                continue
            recomputed = _recomputed(change, sources) if sources else ()
            if kind is ChangeKind.UPDATE and not change.fully_loaded:
                self._merge(index, change, collection, recomputed)
                continue
            self._upsert(index, change, key, recomputed)
            if ready:
                yield None

    def _upsert(
        self,
        index: int,
        change: Change,
        key: tuple[str, str | None],
        recomputed: tuple[str, ...],
    ) -> None:
        obj = change.obj
        current = self.open.get(key)
        if current is None:
            group = UpsertGroup(key[0], key[1])
            self.plan.upserts.append(group)
            current = self.open[key] = _Open(group)
        group = current.group
        insert = change.kind is ChangeKind.INSERT
        position = len(group.writes)
        group.writes.append(ObjectWrite(obj, change.kind, "upsert", _fields(type(obj)), recomputed))
        vector = persist.vector_value(obj)
        if recomputed and vector is not None:
            if isinstance(vector, dict):
                vector = {k: v for k, v in vector.items() if k not in recomputed} or None
            elif "default" in recomputed:
                vector = None
        message = current.request.objects.add(uuid=str(obj.id), collection=key[0])
        try:
            fill_batch_object(
                message,
                persist.property_values(obj),
                vector=vector,
                references=None if insert else persist.reference_values(obj),
                tenant=key[1],
            )
        except ConfigError as exc:
            raise ConfigError(
                f"{type(obj).__name__} {obj.id}: {exc}", field=exc.field, value=exc.value
            ) from exc
        except (TypeError, ValueError, OverflowError, RecursionError) as exc:
            raise ConfigError(
                f"{type(obj).__name__} {obj.id}: cannot be encoded ({type(exc).__name__}: {exc})"
            ) from exc
        wire = item_wire_size(message.ByteSize())
        if wire > self.budget:
            del current.request.objects[-1]
            group.oversized.append(position)
            self.plan.rejected[index] = oversized_message(wire, self.max_bytes)
        else:
            if current.changes and (
                len(current.changes) >= self.batch_size or current.used + wire > self.budget
            ):
                moved = current.request.objects.pop()
                self._close(current)
                current.request.objects.append(moved)
            current.changes.append(index)
            current.positions.append(position)
            current.used += wire
        if insert:
            self._references(index, obj, key)

    def _close(self, current: _Open) -> None:
        """Turn the filled request into a planned one and start the next."""
        if not current.changes:
            return
        request = current.request
        if self.level is not None:
            request.consistency_level = self.level  # type: ignore[assignment]
        call = GrpcCall(
            method="BatchObjects",
            request=request,
            reply_type=batch_pb2.BatchObjectsReply,
            operation="odm.flush",
            idempotent=True,
        )
        group = current.group
        planned = PlannedRequest(
            "BatchObjects", group.collection, group.tenant, call, current.changes
        )
        self.plan.requests.append(planned)
        self.ready.append(planned)
        group.requests.append(current.positions)
        current.request = batch_pb2.BatchObjectsRequest()
        current.changes, current.positions, current.used = [], [], 0

    # -- merges -----------------------------------------------------------------------

    def _merge(
        self, index: int, change: Change, collection: str, recomputed: tuple[str, ...]
    ) -> None:
        obj = change.obj
        fields = tuple(sorted(change.changed))
        self.plan.merges.append(ObjectWrite(obj, change.kind, "merge", fields, recomputed))
        info = type(obj).weavorm_info()
        names: set[str] = set()
        if "vector" in fields:
            names.add("default")
        if "vectors" in fields:
            names.update(obj.vectors)
        ctx = CollectionContext(name=collection).with_tenant(change.tenant)
        ctx = ctx.with_consistency(self.consistency)
        try:
            call = data_ops.update_call(
                ctx,
                obj.id,
                persist.property_values(obj, only=[f for f in fields if f in info.properties]),
                vector=persist.vector_value(obj, names) if names else None,
                references=persist.reference_values(
                    obj, only=[f for f in fields if f in info.references]
                ),
                operation="odm.update",
            )
        except ConfigError as exc:
            raise ConfigError(
                f"{type(obj).__name__} {obj.id}: {exc}", field=exc.field, value=exc.value
            ) from exc
        self.merges.append(PlannedRequest("PATCH", collection, change.tenant, call, [index]))

    # -- references -------------------------------------------------------------------

    def _references(self, index: int, obj: Model, key: tuple[str, str | None]) -> None:
        values = persist.reference_values(obj)
        if not values:
            return
        group = self.refs.get(key)
        if group is None:
            group = self.refs[key] = ReferenceGroup(key[0], key[1])
            self.ref_changes[key] = []
        source = str(obj.id)
        tenant = key[1] or ""
        for name, targets in values.items():
            for target in targets:
                to_collection = getattr(target, "target_collection", None) or None
                uuids = getattr(target, "uuids", None)
                for to in uuids if uuids is not None else (target,):
                    message = batch_pb2.BatchReference(
                        name=name,
                        from_collection=key[0],
                        from_uuid=source,
                        to_uuid=str(to),
                        tenant=tenant,
                    )
                    if to_collection:
                        message.to_collection = to_collection
                    group.references.append((obj, message))
                    self.ref_changes[key].append(index)

    # -- finish -----------------------------------------------------------------------

    def finish(self, reference_batch_size: int, delete_batch_size: int) -> None:
        requests = self.plan.requests
        for current in self.open.values():  # the partly filled requests, as first seen
            self._close(current)
        requests.extend(self.merges)
        for key, group in self.refs.items():
            self.plan.references.append(group)
            requests.extend(
                self._reference_requests(group, self.ref_changes[key], reference_batch_size)
            )
        for key, deletion in self.deletes.items():
            self.plan.deletes.append(deletion)
            requests.extend(
                self._delete_requests(deletion, self.delete_changes[key], delete_batch_size)
            )

    def _reference_requests(
        self, group: ReferenceGroup, changes: list[int], limit: int
    ) -> list[PlannedRequest]:
        out: list[PlannedRequest] = []
        messages: list[batch_pb2.BatchReference] = []
        owners: list[int] = []
        used = 0
        for (_, message), index in zip(group.references, changes, strict=True):
            wire = item_wire_size(message.ByteSize())
            if messages and (len(messages) >= limit or used + wire > self.budget):
                out.append(self._reference_request(group, messages, owners))
                messages, owners, used = [], [], 0
            messages.append(message)
            owners.append(index)
            used += wire
        if messages:
            out.append(self._reference_request(group, messages, owners))
        return out

    def _reference_request(
        self, group: ReferenceGroup, messages: list[batch_pb2.BatchReference], owners: list[int]
    ) -> PlannedRequest:
        request = batch_pb2.BatchReferencesRequest(references=messages)
        if self.level is not None:
            request.consistency_level = self.level  # type: ignore[assignment]
        call = GrpcCall(
            method="BatchReferences",
            request=request,
            reply_type=batch_pb2.BatchReferencesReply,
            operation="odm.flush.references",
            idempotent=True,
        )
        return PlannedRequest("BatchReferences", group.collection, group.tenant, call, owners)

    def _delete_requests(
        self, group: DeleteGroup, changes: list[int], limit: int
    ) -> list[PlannedRequest]:
        ctx = CollectionContext(name=group.collection).with_tenant(group.tenant)
        ctx = ctx.with_consistency(self.consistency)
        # a UUID in the filter's text array costs 36 bytes plus tag and length
        per_request = max(1, min(limit, (self.budget - 512) // 38))
        out: list[PlannedRequest] = []
        for start in range(0, len(group.objects), per_request):
            chunk = group.objects[start : start + per_request]
            where = filter_to_grpc(Filter.by_id().contains_any([o.id for o in chunk]))
            call = data_ops.delete_many_call(ctx, where, verbose=True, operation="odm.delete")
            out.append(
                PlannedRequest(
                    "BatchDelete",
                    group.collection,
                    group.tenant,
                    call,
                    changes[start : start + per_request],
                )
            )
        return out
