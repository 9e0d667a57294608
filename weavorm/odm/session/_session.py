"""``Session`` and ``AsyncSession``: a unit of work over one client.

Vocabulary after SQLAlchemy's ORM session: objects are *transient* (never added),
*pending* (added, not yet stored), *persistent* (stored and tracked), *deleted*
(marked for deletion) or *detached* (no longer tracked). The identity map keeps one
instance per (collection, tenant, id). Changes are found by comparing each persistent
object with a snapshot taken when it was loaded or last flushed.

This module holds what both sessions share (:class:`_SessionBase`); ``AsyncSession``
is in :mod:`weavorm.odm.session._sessions_async` and ``Session`` in the sync module
generated from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.encode import paused_gc
from weavorm.errors import FlushError, QueryError
from weavorm.odm import writes
from weavorm.odm.model import object_state, set_object_state
from weavorm.odm.session.executor import Outcome
from weavorm.odm.session.planner import Change, ChangeKind, FlushPlan, plan_flush
from weavorm.odm.session.tracking import changed_fields, restore, snapshot

if TYPE_CHECKING:
    from weavorm.odm.model import Model
    from weavorm.odm.queryset import QuerySet

__all__ = ["ObjectState"]

M = TypeVar("M", bound="Model")
Key = tuple[str, str | None, UUID]


class ObjectState(str, Enum):
    """The life-cycle state of a model instance with respect to a session."""

    TRANSIENT = "transient"
    PENDING = "pending"
    PERSISTENT = "persistent"
    DELETED = "deleted"
    DETACHED = "detached"


@dataclass(slots=True)
class _Entry:
    obj: Model
    state: ObjectState
    tenant: str | None
    snapshot: dict[str, Any] | None = None
    fully_loaded: bool = False


def _changed(entry: _Entry) -> frozenset[str]:
    """The changed attributes of a persistent entry (all loaded ones without a snapshot)."""
    obj = entry.obj
    if entry.snapshot is None:
        names = type(obj).model_fields
        return frozenset(k for k in obj.__dict__ if k in names and k != "id")
    return changed_fields(obj, entry.snapshot)


def _sent_vectors(plan: FlushPlan) -> dict[int, bytes]:
    """Change index -> the default vector's float32 bytes as a ``BatchObjects`` sent them."""
    out: dict[int, bytes] = {}
    for request in plan.requests:
        if request.kind != "BatchObjects":
            continue
        objects = request.call.request.objects  # type: ignore[union-attr]
        for message, index in zip(objects, request.changes, strict=True):
            data = message.vector_bytes
            if data:
                out[index] = data
    return out


class _SessionBase:
    """Everything that needs no I/O; the sync and async sessions add the drivers."""

    def __init__(
        self, client: Any, *, tenant: str | None = None, consistency: str | None = None
    ) -> None:
        ctx = CollectionContext(name="X").with_tenant(tenant).with_consistency(consistency)
        self.client = client
        self.tenant = ctx.tenant
        self.consistency = ctx.consistency
        self._entries: dict[Key, _Entry] = {}
        self._closed = False

    # -- identity map -------------------------------------------------------------------

    def _key(self, obj: Model, tenant: str | None = None) -> Key:
        return (type(obj).collection_name(), tenant or self.tenant, obj.id)

    def _entry(self, obj: Model) -> _Entry | None:
        entry = self._entries.get(self._key(obj))
        return entry if entry is not None and entry.obj is obj else None

    def state_of(self, obj: Model) -> ObjectState:
        """The state of ``obj`` in this session."""
        entry = self._entry(obj)
        if entry is not None:
            return entry.state
        if object_state(obj) == "detached":
            return ObjectState.DETACHED
        return ObjectState.TRANSIENT

    def _weavorm_session_client(self) -> Any:
        return self.client

    def _weavorm_adopt(self, objs: list[M], *, fully_loaded: bool = False) -> list[M]:
        """Put loaded objects into the identity map; known ids give the tracked instance."""
        out: list[M] = []
        for obj in objs:
            key = self._key(obj)
            entry = self._entries.get(key)
            if entry is not None:
                if obj._search_meta is not None:  # this search's distance/score
                    entry.obj._search_meta = obj._search_meta
                out.append(entry.obj)  # type: ignore[arg-type]
                continue
            self._entries[key] = _Entry(
                obj, ObjectState.PERSISTENT, self.tenant, snapshot(obj), fully_loaded
            )
            set_object_state(obj, "session")
            out.append(obj)
        return out

    # -- unit of work -------------------------------------------------------------------

    def add(self, obj: Model) -> None:
        """Add a new object (pending until flushed) or re-attach a detached one."""
        self._check_open()
        key = self._key(obj)
        entry = self._entries.get(key)
        if entry is not None:
            if entry.obj is not obj:
                raise QueryError(
                    f"another {type(obj).__name__} instance with id {obj.id} is already in "
                    "this session; change that instance instead"
                )
            if entry.state is ObjectState.DELETED:
                entry.state = ObjectState.PERSISTENT
            return
        if object_state(obj) == "detached":
            self._entries[key] = _Entry(obj, ObjectState.PERSISTENT, self.tenant, None, False)
        else:
            self._entries[key] = _Entry(obj, ObjectState.PENDING, self.tenant)
        set_object_state(obj, "session")

    def add_all(self, objs: Iterable[Model]) -> None:
        """:meth:`add` each object."""
        with paused_gc():
            for obj in objs:
                self.add(obj)

    def delete(self, obj: Model) -> None:
        """Mark ``obj`` for deletion (a pending object is simply dropped)."""
        self._check_open()
        entry = self._entry(obj)
        if entry is None:
            raise QueryError(
                f"{type(obj).__name__} {obj.id} is not in this session; add() or get() it first"
            )
        if entry.state is ObjectState.PENDING:
            self.expunge(obj)
        else:
            entry.state = ObjectState.DELETED

    def expunge(self, obj: Model) -> None:
        """Stop tracking ``obj`` (it becomes detached; pending changes to it are dropped)."""
        entry = self._entry(obj)
        if entry is not None:
            del self._entries[self._key(obj)]
            set_object_state(obj, "detached" if entry.state is not ObjectState.PENDING else None)

    @property
    def new(self) -> list[Model]:
        """Pending objects (added, not stored yet)."""
        return [e.obj for e in self._entries.values() if e.state is ObjectState.PENDING]

    @property
    def dirty(self) -> list[Model]:
        """Persistent objects changed since they were loaded or flushed."""
        return [
            e.obj
            for e in self._entries.values()
            if e.state is ObjectState.PERSISTENT and _changed(e)
        ]

    @property
    def deleted(self) -> list[Model]:
        """Objects marked for deletion."""
        return [e.obj for e in self._entries.values() if e.state is ObjectState.DELETED]

    def __contains__(self, obj: Model) -> bool:
        return self._entry(obj) is not None

    def __iter__(self) -> Iterator[Model]:
        return iter([e.obj for e in self._entries.values()])

    def _pending(self) -> tuple[list[Change], list[_Entry]]:
        """Every pending change and its entry, without firing hooks.

        A persistent object without a snapshot (re-attached after it was detached)
        counts as changed in every loaded field: nothing is known of what the server
        holds, so all of it is merged. :meth:`plan` and :meth:`flush` both use this
        one function, so the plan is what a flush sends (unless a ``pre_save`` hook
        changes objects).
        """
        changes: list[Change] = []
        entries: list[_Entry] = []
        for entry in self._entries.values():
            state = entry.state
            if state is ObjectState.PENDING:
                changes.append(Change(entry.obj, ChangeKind.INSERT, entry.tenant))
            elif state is ObjectState.DELETED:
                changes.append(Change(entry.obj, ChangeKind.DELETE, entry.tenant))
            elif state is ObjectState.PERSISTENT:
                changed = _changed(entry)
                if not changed:
                    continue
                changes.append(
                    Change(entry.obj, ChangeKind.UPDATE, entry.tenant, changed, entry.fully_loaded)
                )
            else:
                continue
            entries.append(entry)
        return changes, entries

    def _changes(self) -> tuple[list[Change], list[_Entry]]:
        """:meth:`_pending`, after firing ``pre_save`` (a hook's edits are sent too)."""
        changes, entries = self._pending()
        inserts = [c.obj for c in changes if c.kind is ChangeKind.INSERT]
        updates = [c.obj for c in changes if c.kind is ChangeKind.UPDATE]
        writes.fire("pre_save", inserts, created=True)
        writes.fire("pre_save", updates, created=False)
        if updates:  # hooks may have changed more fields
            for position, (change, entry) in enumerate(zip(changes, entries, strict=True)):
                if change.kind is ChangeKind.UPDATE:
                    changes[position] = Change(
                        change.obj,
                        ChangeKind.UPDATE,
                        change.tenant,
                        _changed(entry) | change.changed,
                        change.fully_loaded,
                    )
        return changes, entries

    def plan(self) -> FlushPlan:
        """A dry run of :meth:`flush`: the encoded requests it would send, in order.

        ``plan.requests`` are exactly the requests a flush sends when every object
        lands (``str(plan)`` lists them); hooks are not fired.
        """
        return self._plan(self._pending()[0])

    def _plan(self, changes: list[Change]) -> FlushPlan:
        return plan_flush(
            changes,
            max_bytes=self.client.grpc_max_message_size,
            consistency=self.consistency,
        )

    def _apply(
        self, changes: list[Change], entries: list[_Entry], plan: FlushPlan, outcome: Outcome
    ) -> None:
        sent = _sent_vectors(plan)
        saved: list[Model] = []
        created: list[Model] = []
        for index, (change, entry) in enumerate(zip(changes, entries, strict=True)):
            if index in outcome.failed and index not in outcome.ref_failed:
                continue
            obj = change.obj
            if change.kind is ChangeKind.DELETE:
                self._entries.pop(self._key(obj, entry.tenant), None)
                set_object_state(obj, None)
                continue
            new_snapshot = snapshot(obj, sent.get(index))
            if index in outcome.ref_failed:
                for ref in type(obj).weavorm_info().references:
                    new_snapshot[ref] = None
            entry.snapshot = new_snapshot
            entry.state = ObjectState.PERSISTENT
            if change.kind is ChangeKind.INSERT:
                entry.fully_loaded = True
                created.append(obj)
            else:
                saved.append(obj)
        writes.fire("post_save", created, created=True)
        writes.fire("post_save", saved, created=False)
        if outcome.failed:
            failed = [changes[i].obj for i in sorted(outcome.failed)]
            first = outcome.failed[min(outcome.failed)]
            raise FlushError(
                f"flush failed for {len(outcome.failed)} of {len(changes)} changes "
                f"(they stay pending; commit() again retries only them). First: {first}",
                errors=dict(sorted(outcome.failed.items())),
                failed=failed,
            )

    def _rollback(self) -> None:
        for key, entry in list(self._entries.items()):
            if entry.state is ObjectState.PENDING:
                del self._entries[key]
                set_object_state(entry.obj, None)
            elif entry.state is ObjectState.DELETED:
                entry.state = ObjectState.PERSISTENT
            if entry.state is ObjectState.PERSISTENT and entry.snapshot is not None:
                restore(entry.obj, entry.snapshot)

    def _refreshed(self, obj: Model, fresh: Model | None) -> None:
        """Copy a freshly loaded ``fresh`` into ``obj`` (fields, vectors, search metadata)."""
        if fresh is None:
            raise type(obj).DoesNotExist(f"{type(obj).__name__} {obj.id} no longer exists")
        for name in type(obj).model_fields:
            if name in fresh.__dict__:
                obj.__dict__[name] = fresh.__dict__[name]
        obj._search_meta = fresh._search_meta
        entry = self._entry(obj)
        if entry is not None:
            entry.snapshot = snapshot(obj)
            entry.fully_loaded = True
            entry.state = ObjectState.PERSISTENT

    def _refresh_query(self, obj: Model) -> QuerySet[Model]:
        qs = type(obj).objects.using(self.client).with_vector().filter(id=obj.id)
        entry = self._entry(obj)
        tenant = entry.tenant if entry is not None else self.tenant
        if tenant is not None:
            qs = qs.tenant(tenant)
        return qs.consistency(self.consistency) if self.consistency else qs

    def _close(self) -> None:
        """Drop pending work and detach every object (in-memory values stay as they are)."""
        for entry in self._entries.values():
            set_object_state(entry.obj, "detached")
        self._entries.clear()
        self._closed = True

    def _check_open(self) -> None:
        if self._closed:
            raise QueryError("this session is closed")

    def _query_for_get(self, model: type[M], id: UUID | str) -> QuerySet[M]:
        return model.objects.using(self).with_vector().filter(id=id)
