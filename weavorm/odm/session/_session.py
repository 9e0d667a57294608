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

import copy
import datetime as dt
import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, Union, get_args, get_origin
from uuid import UUID

from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.encode import paused_gc
from weavorm.errors import FlushError, QueryError
from weavorm.odm import writes
from weavorm.odm.model import object_state, set_object_state
from weavorm.odm.session.executor import Outcome
from weavorm.odm.session.planner import Change, ChangeKind, FlushPlan, plan_flush

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


_IMMUTABLE = (str, int, float, bool, bytes, UUID, dt.datetime, type(None))


def _ref_copy(ref: Any) -> Any:
    """A new :class:`Ref` to the same target (compares equal by id, keeps the loaded object)."""
    return type(ref)(ref.id, obj=ref._obj, collection=ref.collection)


def _value_snapshot(value: Any) -> Any:
    """A cheap comparable copy: immutables as they are, sequences as tuples."""
    from weavorm.odm.refs import Ref

    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, Ref):
        return _ref_copy(value)
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], Ref):
            return tuple(_ref_copy(r) if isinstance(r, Ref) else r for r in value)
        if not value or isinstance(value[0], _IMMUTABLE):
            return tuple(value)
        return tuple(_value_snapshot(v) for v in value)
    if isinstance(value, dict):
        return {k: _value_snapshot(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return frozenset(value)
    return copy.deepcopy(value)


_PLAIN = frozenset({str, int, float, bool, bytes, UUID, dt.datetime, type(None)})
_FIELDS: dict[type[Any], frozenset[str]] = {}


def snapshot(obj: Model) -> dict[str, Any]:
    """The comparable state of ``obj``: loaded fields, references by id, vectors."""
    model = type(obj)
    names = _FIELDS.get(model)
    if names is None:
        names = frozenset(n for n in model.model_fields if n != "id")
        _FIELDS[model] = names
    out: dict[str, Any] = {}
    for key, value in obj.__dict__.items():
        if key not in names:
            continue
        kind = type(value)
        if kind in _PLAIN:
            out[key] = value
        elif kind is list and (not value or type(value[0]) in _PLAIN):
            out[key] = tuple(value)
        else:
            out[key] = _value_snapshot(value)
    return out


def changed_fields(obj: Model, before: dict[str, Any]) -> frozenset[str]:
    """Attributes whose value differs from the snapshot ``before``."""
    now = snapshot(obj)
    return frozenset(k for k in set(now) | set(before) if now.get(k) != before.get(k))


_CONTAINERS: dict[tuple[type[Any], str], type[Any]] = {}


def _container(model: type[Model], name: str) -> type[Any]:
    """The Python container a field holds (list, tuple, set or frozenset; list if unsure)."""
    key = (model, name)
    kind = _CONTAINERS.get(key)
    if kind is None:
        annotation: Any = model.model_fields[name].annotation
        while True:
            origin = get_origin(annotation)
            if origin is Annotated:
                annotation = get_args(annotation)[0]
                continue
            if origin in (Union, types.UnionType):
                members = [a for a in get_args(annotation) if a is not type(None)]
                if len(members) == 1:
                    annotation = members[0]
                    continue
            break
        origin = get_origin(annotation) or annotation
        kind = origin if origin in (tuple, set, frozenset) else list
        _CONTAINERS[key] = kind
    return kind


def _restored(saved: Any, container: type[Any] = list) -> Any:
    """A fresh live value from a snapshotted one (the inverse of :func:`_value_snapshot`)."""
    from weavorm.odm.refs import Ref

    if isinstance(saved, _IMMUTABLE):
        return saved
    if isinstance(saved, Ref):
        return _ref_copy(saved)
    if isinstance(saved, tuple):
        items = [_restored(v) for v in saved]
        return items if container is list else container(items)
    if isinstance(saved, frozenset):
        return set(saved) if container is not frozenset else saved
    if isinstance(saved, dict):
        return {k: _restored(v) for k, v in saved.items()}
    return copy.deepcopy(saved)


def _restore(obj: Model, before: dict[str, Any]) -> None:
    """Put every changed field of ``obj`` back to its snapshotted value."""
    model = type(obj)
    for name in changed_fields(obj, before):
        if name in before:
            obj.__dict__[name] = _restored(before[name], _container(model, name))


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
            if e.state is ObjectState.PERSISTENT
            and (e.snapshot is None or changed_fields(e.obj, e.snapshot))
        ]

    @property
    def deleted(self) -> list[Model]:
        """Objects marked for deletion."""
        return [e.obj for e in self._entries.values() if e.state is ObjectState.DELETED]

    def __contains__(self, obj: Model) -> bool:
        return self._entry(obj) is not None

    def __iter__(self) -> Iterator[Model]:
        return iter([e.obj for e in self._entries.values()])

    def _changes(self) -> tuple[list[Change], list[_Entry]]:
        changes: list[Change] = []
        entries: list[_Entry] = []
        for entry in self._entries.values():
            obj = entry.obj
            if entry.state is ObjectState.PENDING:
                writes.fire("pre_save", [obj], created=True)
                changes.append(Change(obj, ChangeKind.INSERT, entry.tenant))
            elif entry.state is ObjectState.DELETED:
                changes.append(Change(obj, ChangeKind.DELETE, entry.tenant))
            elif entry.state is ObjectState.PERSISTENT:
                if entry.snapshot is None:
                    changed = frozenset(
                        k for k in obj.__dict__ if k in type(obj).model_fields and k != "id"
                    )
                else:
                    changed = changed_fields(obj, entry.snapshot)
                if not changed:
                    continue
                writes.fire("pre_save", [obj], created=False)
                changes.append(
                    Change(obj, ChangeKind.UPDATE, entry.tenant, changed, entry.fully_loaded)
                )
            else:
                continue
            entries.append(entry)
        return changes, entries

    def plan(self) -> FlushPlan:
        """A dry run of :meth:`flush`: objects per operation, requests, re-vectorized vectors."""
        return plan_flush(self._changes_without_hooks(), max_bytes=self._max_bytes())

    def _changes_without_hooks(self) -> list[Change]:
        out: list[Change] = []
        for entry in self._entries.values():
            obj = entry.obj
            if entry.state is ObjectState.PENDING:
                out.append(Change(obj, ChangeKind.INSERT, entry.tenant))
            elif entry.state is ObjectState.DELETED:
                out.append(Change(obj, ChangeKind.DELETE, entry.tenant))
            elif entry.state is ObjectState.PERSISTENT and entry.snapshot is not None:
                changed = changed_fields(obj, entry.snapshot)
                if changed:
                    out.append(
                        Change(obj, ChangeKind.UPDATE, entry.tenant, changed, entry.fully_loaded)
                    )
        return out

    def _max_bytes(self) -> int:
        driver = getattr(self.client, "_driver", None)
        return int(getattr(driver, "grpc_max_message_size", 104_858_000))

    def _apply(self, changes: list[Change], entries: list[_Entry], outcome: Outcome) -> None:
        landed: set[int] = set()
        for index, (change, entry) in enumerate(zip(changes, entries, strict=True)):
            if index in outcome.failed and index not in outcome.ref_failed:
                continue
            obj = change.obj
            if change.kind is ChangeKind.DELETE:
                self._entries.pop(self._key(obj, entry.tenant), None)
                set_object_state(obj, None)
                continue
            new_snapshot = snapshot(obj)
            if index in outcome.ref_failed:
                for ref in type(obj).weavorm_info().references:
                    new_snapshot[ref] = None
            entry.snapshot = new_snapshot
            if change.kind is ChangeKind.INSERT:
                entry.fully_loaded = True
            entry.state = ObjectState.PERSISTENT
            landed.add(id(obj))
        for change in changes:
            if id(change.obj) in landed and change.kind is not ChangeKind.DELETE:
                writes.fire("post_save", [change.obj], created=change.kind is ChangeKind.INSERT)
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
                _restore(entry.obj, entry.snapshot)

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
