"""Python annotations -> Weaviate data types, and each model's collection description."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import types
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from weavorm.engine.values import BlobType, GeoCoordinate, PhoneNumber
from weavorm.errors import SchemaError
from weavorm.odm.fields import FieldSpec
from weavorm.odm.refs import Ref

__all__ = ["MetaOptions", "ModelInfo", "PropertyInfo", "ReferenceInfo", "map_annotation"]

_SCALARS: dict[type, str] = {
    str: "text",
    int: "int",
    float: "number",
    bool: "boolean",
    dt.datetime: "date",
    UUID: "uuid",
}


@dataclass(frozen=True, slots=True)
class Mapped:
    """What one annotation maps to."""

    data_type: str | None
    nested_model: type[BaseModel] | None = None
    ref_targets: tuple[Any, ...] = ()
    many: bool = False
    optional: bool = False
    choices: bool = False  # an Enum or Literal: whole values, so field tokenization

    @property
    def is_reference(self) -> bool:
        """Whether this is a cross-reference."""
        return bool(self.ref_targets)


def _strip(annotation: Any) -> tuple[Any, bool, list[Any]]:
    """Remove ``Annotated`` and ``Optional``; return (core, optional, metadata)."""
    optional = False
    metadata: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            args = get_args(annotation)
            metadata.extend(args[1:])
            annotation = args[0]
            continue
        if origin is Union or origin is types.UnionType:
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) < len(get_args(annotation)):
                optional = True
            if len(members) == 1:
                annotation = members[0]
                continue
            if all(get_origin(a) is Ref for a in members):
                return annotation, optional, metadata
        return annotation, optional, metadata


def map_annotation(annotation: Any, *, where: str) -> Mapped:
    """Map a field annotation to a Weaviate data type (or a reference).

    Raises:
        SchemaError: for types Weaviate cannot store, naming the field.
    """
    core, optional, metadata = _strip(annotation)
    if any(isinstance(m, BlobType) for m in metadata):
        return Mapped("blob", optional=optional)
    origin = get_origin(core)
    if origin is Ref:
        return Mapped(None, ref_targets=_ref_targets(core), optional=optional)
    if origin in (Union, types.UnionType):
        refs: list[Any] = []
        for arg in get_args(core):
            refs.extend(_ref_targets(arg))
        return Mapped(None, ref_targets=tuple(refs), optional=optional)
    if origin in (list, tuple, set, frozenset) or core in (list, tuple, set, frozenset):
        args = get_args(core)
        if not args:
            raise SchemaError(f"{where}: give the item type, e.g. list[str]")
        item = args[0]
        item_core, _, item_meta = _strip(item)
        if get_origin(item_core) is Ref:
            return Mapped(None, ref_targets=_ref_targets(item_core), many=True, optional=optional)
        if any(isinstance(m, BlobType) for m in item_meta):
            raise SchemaError(f"{where}: Weaviate has no blob[] type")
        inner = map_annotation(item, where=where)
        if inner.data_type is None or inner.data_type.endswith("[]"):
            raise SchemaError(f"{where}: nested lists are not supported by Weaviate")
        if inner.data_type in ("geoCoordinates", "phoneNumber", "blob"):
            raise SchemaError(f"{where}: Weaviate has no {inner.data_type}[] type")
        return Mapped(
            inner.data_type + "[]",
            nested_model=inner.nested_model,
            many=True,
            optional=optional,
            choices=inner.choices,
        )
    if origin is Literal:
        values = get_args(core)
        if all(isinstance(v, str) for v in values):
            return Mapped("text", optional=optional, choices=True)
        if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return Mapped("int", optional=optional)
        raise SchemaError(f"{where}: Literal values must all be str or all int")
    if isinstance(core, type):
        if core is GeoCoordinate:
            return Mapped("geoCoordinates", optional=optional)
        if core is PhoneNumber:
            return Mapped("phoneNumber", optional=optional)
        if issubclass(core, enum.Enum):
            if issubclass(core, str):
                return Mapped("text", optional=optional, choices=True)
            if issubclass(core, int):
                return Mapped("int", optional=optional)
            raise SchemaError(f"{where}: only str or int enums can be stored")
        if core is dt.date:
            raise SchemaError(
                f"{where}: Weaviate stores dates as timestamps; use datetime.datetime"
            )
        for py, name in _SCALARS.items():
            if core is py:
                return Mapped(name, optional=optional)
        if issubclass(core, BaseModel):
            if hasattr(core, "__weavorm_model__"):
                raise SchemaError(
                    f"{where}: a Model is a collection of its own; use Ref[{core.__name__}] "
                    "for a reference or a plain pydantic BaseModel for a nested object"
                )
            return Mapped("object", nested_model=core, optional=optional)
        for py, name in _SCALARS.items():
            if issubclass(core, py):
                return Mapped(name, optional=optional)
    raise SchemaError(
        f"{where}: cannot store {annotation!r} in Weaviate; use str, int, float, bool, "
        "datetime, UUID, lists of those, a nested pydantic model, GeoCoordinate, "
        "PhoneNumber, Blob or Ref[...]"
    )


def _ref_targets(ref: Any) -> tuple[Any, ...]:
    args = get_args(ref)
    if not args:
        raise SchemaError("Ref needs a target model: Ref[Author]")
    target = args[0]
    if get_origin(target) in (Union, types.UnionType):
        return tuple(get_args(target))
    return (target,)


def field_spec(info: FieldInfo, mapped: Mapped | None = None) -> FieldSpec:
    """The :class:`FieldSpec` of a pydantic field (defaults when none was given).

    An Enum or ``Literal`` text field (``mapped.choices``) without an explicit
    tokenization gets ``"field"``: its values are whole words to compare, not prose.
    """
    spec = next((item for item in info.metadata if isinstance(item, FieldSpec)), FieldSpec())
    if mapped is not None and mapped.choices and spec.tokenization is None:
        spec = dataclasses.replace(spec, tokenization="field")
    return spec


@dataclass(frozen=True, slots=True)
class PropertyInfo:
    """One stored property of a model (or of a nested object).

    Attributes:
        attr: The Python attribute name.
        name: The Weaviate property name.
        data_type: The Weaviate data type, e.g. ``"text[]"``.
        spec: The field's Weaviate options.
        nested: Properties of a nested ``object`` / ``object[]``.
        nested_model: The pydantic model of a nested object.
        optional: Whether ``None`` is allowed.
    """

    attr: str
    name: str
    data_type: str
    spec: FieldSpec
    nested: tuple[PropertyInfo, ...] = ()
    nested_model: type[BaseModel] | None = None
    optional: bool = False


@dataclass(frozen=True, slots=True)
class ReferenceInfo:
    """One reference field.

    Attributes:
        attr: The Python attribute name.
        name: The Weaviate reference property name.
        targets: Target model classes (more than one for multi-target references).
        many: ``Refs[...]`` (a list) rather than ``Ref[...]``.
        description: Schema description.
    """

    attr: str
    name: str
    targets: tuple[type[Any], ...]
    many: bool
    description: str | None = None

    @property
    def target_collections(self) -> tuple[str, ...]:
        """Target collection names."""
        return tuple(t.collection_name() for t in self.targets)


@dataclass(frozen=True, slots=True)
class MetaOptions:
    """The options of a model's ``class Meta``."""

    collection: str
    description: str | None = None
    vectorizer: Any = None
    vectors: tuple[Any, ...] = ()
    generative: Any = None
    reranker: Any = None
    vector_index: Any = None
    inverted_index: Any = None
    multi_tenancy: Any = None
    replication: Any = None
    sharding: Any = None
    id_fields: tuple[str, ...] = ()
    abstract: bool = False
    naive_datetime: Literal["error", "utc"] = "error"


_META_KEYS = frozenset(MetaOptions.__dataclass_fields__) - {"collection"} | {"collection"}


@dataclass(slots=True)
class ModelInfo:
    """Everything weavorm knows about one model class.

    Attributes:
        model: The class.
        options: Its ``Meta`` options.
        properties: Stored properties by Python attribute name.
        references: Reference fields by Python attribute name.
    """

    model: type[Any]
    options: MetaOptions
    properties: dict[str, PropertyInfo] = field(default_factory=dict)
    references: dict[str, ReferenceInfo] = field(default_factory=dict)

    @property
    def collection(self) -> str:
        """The collection name."""
        return self.options.collection

    def by_name(self, name: str) -> PropertyInfo | ReferenceInfo | None:
        """The property or reference with Weaviate name or attribute ``name``."""
        if name in self.properties:
            return self.properties[name]
        if name in self.references:
            return self.references[name]
        for prop in self.properties.values():
            if prop.name == name:
                return prop
        for ref in self.references.values():
            if ref.name == name:
                return ref
        return None

    def field_names(self) -> list[str]:
        """Every queryable attribute name (for error messages)."""
        return [*self.properties, *self.references]


def read_meta(model: type[Any], meta: Any) -> MetaOptions:
    """Read a ``class Meta`` into :class:`MetaOptions`.

    Raises:
        SchemaError: an unknown option or a bad value.
    """
    values: dict[str, Any] = {}
    if meta is not None:
        for key in vars(meta):
            if key.startswith("_"):
                continue
            if key not in _META_KEYS:
                raise SchemaError(
                    f"{model.__name__}.Meta: unknown option {key!r}; valid options: "
                    f"{', '.join(sorted(_META_KEYS))}"
                )
            values[key] = getattr(meta, key)
    collection = values.pop("collection", None) or model.__name__
    if not isinstance(collection, str) or not collection[:1].isupper():
        raise SchemaError(
            f"{model.__name__}.Meta.collection must start with an upper-case letter, "
            f"got {collection!r}"
        )
    if "vectors" in values:
        vectors = values["vectors"]
        values["vectors"] = tuple(vectors) if isinstance(vectors, list | tuple) else (vectors,)
    if "id_fields" in values:
        id_fields = values["id_fields"]
        values["id_fields"] = (id_fields,) if isinstance(id_fields, str) else tuple(id_fields)
    naive = values.get("naive_datetime", "error")
    if naive not in ("error", "utc"):
        raise SchemaError(f"{model.__name__}.Meta.naive_datetime must be 'error' or 'utc'")
    return MetaOptions(collection=collection, **values)


def nested_properties(model: type[BaseModel], *, where: str) -> tuple[PropertyInfo, ...]:
    """Properties of a nested pydantic model (for ``object`` / ``object[]``)."""
    out: list[PropertyInfo] = []
    for attr, info in model.model_fields.items():
        here = f"{where}.{attr}"
        mapped = map_annotation(info.annotation, where=here)
        if mapped.is_reference:
            raise SchemaError(f"{here}: nested objects cannot hold references")
        assert mapped.data_type is not None
        nested: tuple[PropertyInfo, ...] = ()
        if mapped.nested_model is not None:
            nested = nested_properties(mapped.nested_model, where=here)
        spec = field_spec(info, mapped)
        out.append(
            PropertyInfo(
                attr=attr,
                name=spec.name or attr,
                data_type=mapped.data_type,
                spec=spec,
                nested=nested,
                nested_model=mapped.nested_model,
                optional=mapped.optional,
            )
        )
    return tuple(out)
