"""``Model``: a pydantic model that is also a Weaviate collection."""

from __future__ import annotations

import datetime as dt
import inspect
import json
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID, uuid4, uuid5

import pydantic
import pydantic_core
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationInfo, model_validator
from typing_extensions import Self, dataclass_transform

from weavorm import errors
from weavorm.errors import SchemaError
from weavorm.odm.fields import Field
from weavorm.odm.mapping import (
    MetaOptions,
    ModelInfo,
    PropertyInfo,
    ReferenceInfo,
    field_spec,
    map_annotation,
    nested_properties,
    read_meta,
)
from weavorm.odm.meta import STORED_CONTEXT, SearchMeta
from weavorm.odm.registry import registry

if TYPE_CHECKING:
    from weavorm.odm.manager import ManagerDescriptor

__all__ = ["ID_NAMESPACE", "RESERVED_NAMES", "Model", "SearchMeta"]

#: Names a model may not declare as fields.
RESERVED_NAMES = frozenset(
    {
        "id",
        "_id",
        "_additional",
        "vector",
        "vectors",
        "meta",
        "objects",
        "DoesNotExist",
        "MultipleObjectsReturned",
    }
)
#: Namespace of deterministic ids built from ``Meta.id_fields``.
ID_NAMESPACE = UUID("6b1b3a4e-8f0c-5d3e-9a57-7765617661f1")


_EMPTY_META = SearchMeta()


@dataclass_transform(kw_only_default=True, field_specifiers=(pydantic.Field, Field, PrivateAttr))
class Model(BaseModel):
    """Base class of weavorm models: each subclass is a Weaviate collection.

    Every instance has ``id`` (uuid4 unless given, or uuid5 of ``Meta.id_fields``),
    ``vector`` (the default vector or None), ``vectors`` (named vectors) and, after a
    search, the read-only :attr:`meta`.

    Serialization: ``model_dump()`` / ``model_dump_json()`` (and so FastAPI responses
    and ``model_json_schema(mode="serialization")``) give ``id`` and the fields but not
    ``vector`` / ``vectors``; pass ``vectors=True`` to include them. A reference dumps
    as its target's id.

    Ids: with ``Meta.id_fields`` the id is always the uuid5 of those fields. An explicit
    ``id`` that differs from it, or a change to an id field of an object whose id was
    given (e.g. loaded from the server), raises ``pydantic.ValidationError``: the two
    never disagree silently. Objects read from the server keep their stored id.
    """

    model_config = ConfigDict(
        validate_assignment=True,
        extra="forbid",
        populate_by_name=True,
        validate_default=False,
    )

    id: UUID = pydantic.Field(default_factory=uuid4)
    vector: list[float] | list[list[float]] | None = pydantic.Field(
        default=None, repr=False, exclude=True
    )
    vectors: dict[str, list[float] | list[list[float]]] = pydantic.Field(
        default_factory=dict, repr=False, exclude=True
    )

    _search_meta: SearchMeta | None = PrivateAttr(default=None)

    __weavorm_model__: ClassVar[bool] = True
    __weavorm_meta__: ClassVar[MetaOptions]
    __weavorm_info__: ClassVar[ModelInfo | None] = None
    DoesNotExist: ClassVar[type[errors.ObjectDoesNotExist]] = errors.ObjectDoesNotExist
    MultipleObjectsReturned: ClassVar[type[errors.MultipleObjectsReturned]] = (
        errors.MultipleObjectsReturned
    )
    if TYPE_CHECKING:
        objects: ClassVar[ManagerDescriptor]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        own = inspect.get_annotations(cls)
        for name in own:
            if name in RESERVED_NAMES or name.startswith("_additional"):
                raise SchemaError(
                    f"{cls.__name__}.{name}: {name!r} is reserved by weavorm/Weaviate; "
                    f"reserved names: {', '.join(sorted(RESERVED_NAMES))}"
                )
        cls.__weavorm_meta__ = read_meta(cls, cls.__dict__.get("Meta"))
        cls.__weavorm_info__ = None
        qual = cls.__qualname__
        cls.DoesNotExist = type(
            "DoesNotExist",
            (errors.ObjectDoesNotExist,),
            {"__qualname__": f"{qual}.DoesNotExist", "__module__": cls.__module__},
        )
        cls.MultipleObjectsReturned = type(
            "MultipleObjectsReturned",
            (errors.MultipleObjectsReturned,),
            {"__qualname__": f"{qual}.MultipleObjectsReturned", "__module__": cls.__module__},
        )
        if not cls.__weavorm_meta__.abstract:
            registry.register(cls)

    @classmethod
    def collection_name(cls) -> str:
        """The Weaviate collection name (``Meta.collection``, default the class name)."""
        return cls.__weavorm_meta__.collection

    @classmethod
    def weavorm_info(cls) -> ModelInfo:
        """The model's properties, references and options (built on first use).

        Raises:
            SchemaError: a field type Weaviate cannot store, or an invalid option.
        """
        info = cls.__dict__.get("__weavorm_info__")
        if info is not None:
            return info  # type: ignore[no-any-return]
        if not cls.__pydantic_complete__:
            cls.model_rebuild()
        info = _build_info(cls)
        cls.__weavorm_info__ = info
        return info

    @property
    def meta(self) -> SearchMeta:
        """Search metadata (distance, score, generated, ...); empty when not from a search."""
        return self._search_meta or _EMPTY_META

    @model_validator(mode="after")
    def _weavorm_after(self, info: ValidationInfo) -> Self:
        options = type(self).__weavorm_meta__
        _check_datetimes(self, options)
        if options.id_fields:
            derived = deterministic_id(self)
            if "id" not in self.model_fields_set:
                self.__dict__["id"] = derived
            elif self.id != derived and not (info.context or {}).get(STORED_CONTEXT):
                fields = ", ".join(options.id_fields)
                raise ValueError(
                    f"id {self.id} does not match the id derived from Meta.id_fields "
                    f"({fields}): {derived}; leave id out (it is derived), or create a new "
                    "object instead of changing an id field"
                )
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        id_fields = type(self).__weavorm_meta__.id_fields
        if not id_fields or name not in id_fields:
            super().__setattr__(name, value)
            return
        old = self.__dict__.get(name)
        try:
            super().__setattr__(name, value)
        except pydantic.ValidationError:
            self.__dict__[name] = old  # a refused id-field change leaves the object as it was
            raise

    def model_dump(self, *, vectors: bool = False, **kwargs: Any) -> dict[str, Any]:
        """The fields as a dict (pydantic's ``model_dump``); vectors only when asked.

        Args:
            vectors: Also give ``vector`` and ``vectors``.
            **kwargs: pydantic's ``model_dump`` options (``mode``, ``include``, ...).
        """
        out = super().model_dump(**kwargs)
        if vectors:
            out["vector"] = self.vector
            out["vectors"] = dict(self.vectors)
        return out

    def model_dump_json(self, *, vectors: bool = False, **kwargs: Any) -> str:
        """The fields as JSON (pydantic's ``model_dump_json``); vectors only when asked.

        Args:
            vectors: Also give ``vector`` and ``vectors``.
            **kwargs: pydantic's ``model_dump_json`` options (``indent``, ...).
        """
        if not vectors:
            return super().model_dump_json(**kwargs)
        indent = kwargs.pop("indent", None)
        data = self.model_dump(mode="json", vectors=True, **kwargs)
        return pydantic_core.to_json(data, indent=indent).decode()

    def weaviate_properties(self) -> dict[str, Any]:
        """Stored property values by Weaviate name (references and ids excluded)."""
        info = type(self).weavorm_info()
        out: dict[str, Any] = {}
        for attr, prop in info.properties.items():
            value = getattr(self, attr)
            out[prop.name] = _dump_value(value, prop)
        return out


def object_state(obj: Model) -> str | None:
    """Weavorm's session bookkeeping for ``obj`` (``"session"``, ``"detached"`` or None)."""
    private = obj.__pydantic_private__
    return private.get("_weavorm_state") if private else None


def set_object_state(obj: Model, state: str | None) -> None:
    """Record session bookkeeping without a declared private attribute (kept cheap)."""
    private = obj.__pydantic_private__
    if private is None:
        object.__setattr__(obj, "__pydantic_private__", {"_weavorm_state": state})
    else:
        private["_weavorm_state"] = state


def deterministic_id(obj: Model) -> UUID:
    """uuid5 over the collection name and the ``Meta.id_fields`` values."""
    options = type(obj).__weavorm_meta__
    values = [getattr(obj, name) for name in options.id_fields]
    key = json.dumps([options.collection, *values], default=str, sort_keys=True)
    return uuid5(ID_NAMESPACE, key)


def _dump_value(value: Any, prop: PropertyInfo) -> Any:
    if value is None:
        return None
    if prop.nested_model is not None:
        if isinstance(value, list):
            return [_dump_nested(v, prop) for v in value]
        return _dump_nested(value, prop)
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_none=True)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return value


def _dump_nested(value: Any, prop: PropertyInfo) -> dict[str, Any]:
    if not isinstance(value, BaseModel):
        return dict(value)
    out: dict[str, Any] = {}
    for nested in prop.nested:
        out[nested.name] = _dump_value(getattr(value, nested.attr), nested)
    return out


_DATE_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _date_fields(model: type[Model]) -> tuple[str, ...]:
    names = _DATE_FIELDS.get(model)
    if names is None:
        names = tuple(
            attr
            for attr, finfo in model.model_fields.items()
            if "datetime" in repr(finfo.annotation)
        )
        _DATE_FIELDS[model] = names
    return names


def _check_datetimes(obj: Model, options: MetaOptions) -> None:
    values = obj.__dict__
    for name in _date_fields(type(obj)):
        value = values.get(name)
        if value is None:
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dt.datetime) and item.tzinfo is None:
                if options.naive_datetime == "utc":
                    fixed = [
                        v.replace(tzinfo=dt.timezone.utc)
                        if isinstance(v, dt.datetime) and v.tzinfo is None
                        else v
                        for v in items
                    ]
                    values[name] = fixed if isinstance(value, list) else fixed[0]
                    break
                raise ValueError(
                    f"{name}: naive datetime {item!r}; give a timezone (e.g. "
                    "datetime.now(timezone.utc)) or set Meta.naive_datetime = 'utc'"
                )


def _build_info(model: type[Model]) -> ModelInfo:
    options = model.__weavorm_meta__
    info = ModelInfo(model=model, options=options)
    seen: dict[str, str] = {}
    for attr, finfo in model.model_fields.items():
        if attr in ("id", "vector", "vectors"):
            continue
        where = f"{model.__name__}.{attr}"
        mapped = map_annotation(finfo.annotation, where=where)
        spec = field_spec(finfo, mapped)
        name = spec.name or attr
        if name in seen:
            raise SchemaError(f"{where}: Weaviate name {name!r} is also used by {seen[name]}")
        seen[name] = attr
        if mapped.is_reference:
            targets = tuple(_resolve_target(t, where) for t in mapped.ref_targets)
            info.references[attr] = ReferenceInfo(
                attr=attr,
                name=name,
                targets=targets,
                many=mapped.many,
                description=spec.description,
            )
            continue
        assert mapped.data_type is not None
        nested: tuple[PropertyInfo, ...] = ()
        if mapped.nested_model is not None:
            nested = nested_properties(mapped.nested_model, where=where)
        info.properties[attr] = PropertyInfo(
            attr=attr,
            name=name,
            data_type=mapped.data_type,
            spec=spec,
            nested=nested,
            nested_model=mapped.nested_model,
            optional=mapped.optional,
        )
    for id_field in options.id_fields:
        if id_field not in info.properties:
            raise SchemaError(
                f"{model.__name__}.Meta.id_fields: {id_field!r} is not a stored field; "
                f"fields: {', '.join(info.properties)}"
            )
    return info


def _resolve_target(target: Any, where: str) -> type[Model]:
    if isinstance(target, type) and issubclass(target, Model):
        return target
    name = getattr(target, "__forward_arg__", target)
    if isinstance(name, str):
        found = registry.get(name)
        if found is None:
            for model in registry.models():
                if model.__name__ == name:
                    return model
            raise SchemaError(f"{where}: reference target {name!r} is not a known model")
        return found
    raise SchemaError(f"{where}: a reference target must be a Model, got {target!r}")


def _install_manager() -> None:
    from weavorm.odm.manager import ManagerDescriptor

    type.__setattr__(Model, "objects", ManagerDescriptor())


_install_manager()
