"""Model instances -> engine write objects (shared by managers and sessions)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from weavorm.engine.types import DataObject, ReferenceToMulti
from weavorm.engine.values import GeoCoordinate, PhoneNumber
from weavorm.odm.mapping import PropertyInfo

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["data_object", "property_values", "reference_values", "vector_value"]


def _engine_value(value: Any, prop: PropertyInfo) -> Any:
    if value is None:
        return None
    if isinstance(value, GeoCoordinate | PhoneNumber):  # one class in engine and ODM
        return value
    if prop.nested:
        if isinstance(value, list):
            return [_nested(v, prop) for v in value]
        return _nested(value, prop)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return value


def _nested(value: Any, prop: PropertyInfo) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for nested in prop.nested:
        raw = (
            getattr(value, nested.attr, None)
            if not isinstance(value, dict)
            else value.get(nested.attr)
        )
        if raw is not None:
            out[nested.name] = _engine_value(raw, nested)
    return out


_SIMPLE = frozenset(
    {"text", "int", "number", "boolean", "date", "uuid", "blob"}
    | {f"{t}[]" for t in ("text", "int", "number", "boolean", "date", "uuid")}
)
_PLANS: dict[type[Any], list[tuple[str, str, PropertyInfo, bool]]] = {}


def _plan(model: type[Model]) -> list[tuple[str, str, PropertyInfo, bool]]:
    plan = _PLANS.get(model)
    if plan is None:
        plan = [
            (attr, prop.name, prop, prop.data_type in _SIMPLE and not prop.nested)
            for attr, prop in model.weavorm_info().properties.items()
        ]
        _PLANS[model] = plan
    return plan


def property_values(obj: Model, only: Collection[str] | None = None) -> dict[str, Any]:
    """Property values by Weaviate name (all, or the attributes in ``only``)."""
    values = obj.__dict__
    out: dict[str, Any] = {}
    for attr, name, prop, simple in _plan(type(obj)):
        if attr not in values or (only is not None and attr not in only):
            continue  # not loaded (only()) or not asked for
        value = values[attr]
        out[name] = value if simple or value is None else _engine_value(value, prop)
    return out


def reference_values(obj: Model, only: Collection[str] | None = None) -> dict[str, Any]:
    """Reference targets by Weaviate name: uuids, or ReferenceToMulti for multi-target."""
    info = type(obj).weavorm_info()
    out: dict[str, Any] = {}
    for attr, ref in info.references.items():
        if only is not None and attr not in only:
            continue
        value = obj.__dict__.get(attr)
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        if not items:
            continue
        if len(ref.targets) > 1:
            out[ref.name] = [
                ReferenceToMulti(uuids=[r.id], target_collection=r.collection or "") for r in items
            ]
        else:
            out[ref.name] = [r.id for r in items]
    return out


def vector_value(obj: Model, names: Collection[str] | None = None) -> Any:
    """The vector input for the engine: default vector and/or named vectors."""
    vectors: dict[str, Any] = dict(obj.vectors)
    if names is not None:
        vectors = {k: v for k, v in vectors.items() if k in names}
    if obj.vector is not None and (names is None or "default" in names):
        if not vectors:
            return obj.vector
        vectors["default"] = obj.vector
    return vectors or None


def data_object(obj: Model, *, references: bool = True) -> DataObject:
    """The engine :class:`DataObject` of ``obj`` (all properties, vectors, references)."""
    return DataObject(
        properties=property_values(obj),
        uuid=obj.id,
        vector=vector_value(obj),
        references=reference_values(obj) if references else None,
    )
