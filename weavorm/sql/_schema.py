"""What the compiler knows of a collection: from a registered model or the live schema.

Both sources are described with the ODM's :class:`~weavorm.odm.mapping.PropertyInfo`,
so the same tokenization- and index-aware lookup checks apply with or without a model.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from weavorm.config import vocabulary
from weavorm.config.vocabulary import DATA_TYPES, DEPRECATED_DATA_TYPES, is_collection_name
from weavorm.errors import UnknownDataTypeError
from weavorm.odm.fields import FieldSpec
from weavorm.odm.mapping import PropertyInfo, ReferenceInfo

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["PRIMITIVE_TYPES", "Fields", "reference_candidates"]

#: Weaviate data types that are properties, with the deprecated ``string`` spellings
#: (anything else in ``dataType`` is a reference, when it names a collection).
PRIMITIVE_TYPES = DATA_TYPES | frozenset(DEPRECATED_DATA_TYPES)


def _is_reference(data: Mapping[str, Any], collections: Collection[str] | None) -> bool:
    """Whether a property JSON object is a reference (its types name collections)."""
    types = data.get("dataType") or []
    if not types or not all(is_collection_name(t) for t in types):
        return False
    return collections is None or all(t in collections for t in types)


def _property(data: Mapping[str, Any]) -> PropertyInfo:
    types = data.get("dataType") or []
    where = f"property {data.get('name')!r} dataType"
    missing = [t for t in types if is_collection_name(t)]
    if missing:
        raise UnknownDataTypeError(
            f"{where} {missing[0]!r} is neither a Weaviate data type nor an existing collection",
            data_type=str(missing[0]),
            field=where,
        )
    data_type = str(
        vocabulary.data_type(str(types[0]) if types else "", field=where, deprecated=True)
    )
    spec = FieldSpec(
        tokenization=data.get("tokenization"),
        index_filterable=data.get("indexFilterable"),
        index_searchable=data.get("indexSearchable"),
        index_range_filters=data.get("indexRangeFilters"),
    )
    nested = tuple(_property(n) for n in data.get("nestedProperties") or [])
    name = str(data["name"])
    return PropertyInfo(attr=name, name=name, data_type=data_type, spec=spec, nested=nested)


def reference_candidates(data: Mapping[str, Any]) -> set[str]:
    """The names in a class JSON's ``dataType`` lists that would be collections."""
    out: set[str] = set()
    for item in data.get("properties") or []:
        types = item.get("dataType") or []
        if types and all(is_collection_name(t) for t in types):
            out.update(str(t) for t in types)
    return out


@dataclass(slots=True)
class Fields:
    """The properties and references of one collection.

    Attributes:
        collection: The collection name.
        properties: Stored properties by key (attribute name for a model, property
            name for a live schema), in declaration order.
        references: Reference property keys.
        model: The model, when there is one.
        index_null_state: The collection indexes null state (``IS NULL``).
        index_property_length: The collection indexes property length.
        index_timestamps: The collection indexes creation/update times.
    """

    collection: str
    properties: dict[str, PropertyInfo] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)
    model: type[Model] | None = None
    index_null_state: bool = False
    index_property_length: bool = False
    index_timestamps: bool = False

    @classmethod
    def from_model(cls, model: type[Model]) -> Fields:
        """The fields of a registered model."""
        info = model.weavorm_info()
        inverted = info.options.inverted_index

        def flag(name: str) -> bool:
            return bool(getattr(inverted, name, False)) if inverted is not None else False

        refs: dict[str, str] = {}
        for attr, ref in info.references.items():
            assert isinstance(ref, ReferenceInfo)
            refs[attr] = ref.name
        return cls(
            collection=model.collection_name(),
            properties=dict(info.properties),
            references=refs,
            model=model,
            index_null_state=flag("index_null_state"),
            index_property_length=flag("index_property_length"),
            index_timestamps=flag("index_timestamps"),
        )

    @classmethod
    def from_class_json(
        cls, data: Mapping[str, Any], *, collections: Collection[str] | None = None
    ) -> Fields:
        """The fields of a collection as the server describes it (``GET /v1/schema/X``).

        Args:
            data: The class JSON.
            collections: The collections that exist; a ``dataType`` naming one of them
                is a reference. ``None``: any name spelled as a collection (upper-case
                first letter) is taken for one.

        Raises:
            UnknownDataTypeError: A ``dataType`` that is neither a Weaviate data type nor
                an existing collection.
        """
        props: dict[str, PropertyInfo] = {}
        refs: dict[str, str] = {}
        for item in data.get("properties") or []:
            if _is_reference(item, collections):
                refs[str(item["name"])] = str(item["name"])
            else:
                prop = _property(item)
                props[prop.name] = prop
        inverted = data.get("invertedIndexConfig") or {}
        return cls(
            collection=str(data.get("class") or data.get("name") or ""),
            properties=props,
            references=refs,
            index_null_state=bool(inverted.get("indexNullState")),
            index_property_length=bool(inverted.get("indexPropertyLength")),
            index_timestamps=bool(inverted.get("indexTimestamps")),
        )

    def resolve(self, name: str) -> tuple[str, PropertyInfo] | None:
        """``(key, property)`` for an attribute or property name (case-insensitively)."""
        if name in self.properties:
            return name, self.properties[name]
        for key, prop in self.properties.items():
            if prop.name == name:
                return key, prop
        lowered = name.lower()
        matches = [
            (key, prop)
            for key, prop in self.properties.items()
            if key.lower() == lowered or prop.name.lower() == lowered
        ]
        return matches[0] if len(matches) == 1 else None

    def reference(self, name: str) -> str | None:
        """The key of reference ``name`` (attribute or property name), or None."""
        if name in self.references:
            return name
        for key, stored in self.references.items():
            if stored == name or key.lower() == name.lower() or stored.lower() == name.lower():
                return key
        return None

    def describe(self) -> str:
        """The column names, for error messages."""
        return ", ".join(self.properties) or "(no properties)"
