"""Dirty tracking of a session: snapshots, what changed, and reverting to a snapshot.

A snapshot is a cheap comparable copy of an object's loaded fields: immutables as they
are, sequences as tuples, references by id. The default vector of an object whose
flush sent it is kept as the float32 bytes that were sent (:class:`PackedVector`):
no second copy of its floats, and it compares at the precision Weaviate stores.
"""

from __future__ import annotations

import copy
import datetime as dt
import struct
import types
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin
from uuid import UUID

from weavorm.engine._protocol.encode import pack_vector
from weavorm.errors import ConfigError
from weavorm.odm.refs import Ref

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["PackedVector", "changed_fields", "restore", "snapshot"]


class PackedVector:
    """A snapshotted default vector: the little-endian float32 bytes that were sent."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def matches(self, value: Any) -> bool:
        """Whether ``value`` (a live vector) packs to the same float32 bytes."""
        if value is None or isinstance(value, PackedVector):
            return isinstance(value, PackedVector) and value.data == self.data
        try:
            return pack_vector(value) == self.data
        except ConfigError:
            return False

    def __eq__(self, other: object) -> bool:
        return self.matches(other)

    def __ne__(self, other: object) -> bool:
        return not self.matches(other)

    __hash__ = None  # type: ignore[assignment]

    def unpacked(self) -> list[float]:
        """The vector as floats (float32 precision)."""
        return list(struct.unpack(f"<{len(self.data) // 4}f", self.data))


_IMMUTABLE = (str, int, float, bool, bytes, UUID, dt.datetime, type(None))
_SEQUENCES = (list, tuple)
_SETS = (set, frozenset)


def _ref_copy(ref: Any) -> Any:
    """A new :class:`Ref` to the same target (compares equal by id, keeps the loaded object)."""
    return type(ref)(ref.id, obj=ref._obj, collection=ref.collection)


def _value_snapshot(value: Any) -> Any:
    """A cheap comparable copy: immutables as they are, sequences as tuples."""
    if isinstance(value, _IMMUTABLE):
        return value
    if isinstance(value, Ref):
        return _ref_copy(value)
    if isinstance(value, _SEQUENCES):
        if value and isinstance(value[0], Ref):
            return tuple(_ref_copy(r) if isinstance(r, Ref) else r for r in value)
        if not value or isinstance(value[0], _IMMUTABLE):
            return tuple(value)
        return tuple(_value_snapshot(v) for v in value)
    if isinstance(value, dict):
        return {k: _value_snapshot(v) for k, v in value.items()}
    if isinstance(value, _SETS):
        return frozenset(value)
    return copy.deepcopy(value)


_PLAIN = frozenset({str, int, float, bool, bytes, UUID, dt.datetime, type(None)})
_FIELDS: dict[type[Any], frozenset[str]] = {}


def snapshot(obj: Model, vector_bytes: bytes | None = None) -> dict[str, Any]:
    """The comparable state of ``obj``: loaded fields, references by id, vectors.

    ``vector_bytes``: the float32 bytes of ``obj.vector`` as just sent, kept instead
    of a copy of the vector.
    """
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
            if vector_bytes and key == "vector":
                out[key] = PackedVector(vector_bytes)
            else:
                out[key] = tuple(value)
        elif kind is dict and not value:
            out[key] = {}
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
    if isinstance(saved, _IMMUTABLE):
        return saved
    if isinstance(saved, PackedVector):
        return saved.unpacked()
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


def restore(obj: Model, before: dict[str, Any]) -> None:
    """Put every changed field of ``obj`` back to its snapshotted value."""
    model = type(obj)
    for name in changed_fields(obj, before):
        if name in before:
            obj.__dict__[name] = _restored(before[name], _container(model, name))
