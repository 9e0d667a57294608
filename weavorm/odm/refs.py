"""References between models: ``Ref[T]`` (one) and ``Refs[T]`` (many).

A reference holds the target's id. When it was loaded with ``select_related`` it
also holds the target object and exposes its fields; otherwise reading a field raises
:class:`~weavorm.errors.NotLoadedError` (no hidden round trips) and :meth:`Ref.fetch`
loads it explicitly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar, Union, get_args, get_origin
from uuid import UUID

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from weavorm.errors import NotLoadedError, QueryError

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["Ref", "Refs"]

T = TypeVar("T")


class Ref(Generic[T]):
    """A reference to one object of model ``T`` (or of a union of models).

    Attributes:
        id: The target object's id.
        collection: The target collection, when known (needed for multi-target refs).
    """

    __slots__ = ("_obj", "collection", "id")

    def __init__(
        self, id: UUID | str, *, obj: T | None = None, collection: str | None = None
    ) -> None:
        self.id = id if isinstance(id, UUID) else UUID(str(id))
        self._obj = obj
        self.collection = collection

    @classmethod
    def to(cls, obj: T) -> Ref[T]:
        """A reference to a model instance (loaded)."""
        model: Any = obj
        return cls(model.id, obj=obj, collection=type(model).collection_name())

    @property
    def loaded(self) -> bool:
        """Whether the target object is here (no I/O needed to read its fields)."""
        return self._obj is not None

    @property
    def obj(self) -> T:
        """The target object.

        Raises:
            NotLoadedError: it was not loaded; use ``select_related`` or :meth:`fetch`.
        """
        if self._obj is None:
            raise NotLoadedError(
                f"reference {self.id} is not loaded: use .select_related(...) in the query "
                "or call .fetch()"
            )
        return self._obj

    def fetch(self, using: Any = None) -> T:
        """Load the target object (one request) and keep it.

        Args:
            using: A client or session; default: the configured client.
        """
        target = self._target_model()
        manager = target.objects.using(using) if using is not None else target.objects
        obj: Any = manager.get(id=self.id)
        self._obj = obj
        return self._obj

    async def afetch(self, using: Any = None) -> T:
        """Async :meth:`fetch`."""
        target = self._target_model()
        manager = target.objects.using(using) if using is not None else target.objects
        obj: Any = await manager.aget(id=self.id)
        self._obj = obj
        return self._obj

    def _target_model(self) -> type[Model]:
        from weavorm.odm.registry import registry

        if self._obj is not None:
            return type(self._obj)  # type: ignore[return-value]
        if self.collection is None:
            raise QueryError(f"reference {self.id} does not know its target collection")
        return registry.model_for(self.collection)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        obj = object.__getattribute__(self, "_obj")
        if obj is None:
            raise NotLoadedError(
                f"cannot read {name!r} of reference {self.id}: it is not loaded; use "
                ".select_related(...) in the query or call .fetch()"
            )
        return getattr(obj, name)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Ref):
            return self.id == other.id
        if isinstance(other, UUID):
            return self.id == other
        other_id = getattr(other, "id", None)
        return isinstance(other_id, UUID) and other_id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        state = "loaded" if self._obj is not None else "not loaded"
        where = f"{self.collection}/" if self.collection else ""
        return f"Ref({where}{self.id}, {state})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        args = get_args(source)
        targets: tuple[Any, ...] = ()
        if args:
            target = args[0]
            targets = get_args(target) if get_origin(target) is Union else (target,)

        def validate(value: Any) -> Ref[Any]:
            if isinstance(value, Ref):
                return value
            if isinstance(value, UUID | str):
                return cls(value, collection=_single_collection(targets))
            if isinstance(value, dict) and "id" in value:
                return cls(value["id"], collection=value.get("collection"))
            model_id = getattr(value, "id", None)
            if isinstance(model_id, UUID) and hasattr(type(value), "collection_name"):
                allowed = [t for t in targets if isinstance(t, type)]
                if allowed and not isinstance(value, tuple(allowed)):
                    names = ", ".join(t.__name__ for t in allowed)
                    raise ValueError(f"expected a reference to {names}, got {type(value).__name__}")
                return cls(model_id, obj=value, collection=type(value).collection_name())
            raise ValueError(f"a reference must be a model instance or a UUID, got {value!r}")

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda r: str(r.id), when_used="json"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """A reference is its target's id in JSON (both as input and as output)."""
        return {"type": "string", "format": "uuid", "description": "id of the referenced object"}


def _single_collection(targets: tuple[Any, ...]) -> str | None:
    if len(targets) != 1 or not isinstance(targets[0], type):
        return None
    name = getattr(targets[0], "collection_name", None)
    return name() if callable(name) else None


#: Many references: ``cites: Refs["Article"] = Field(default_factory=list)``.
Refs = list[Ref[T]]
