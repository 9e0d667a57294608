"""What the compiler knows of a collection: from a registered model or the live schema.

Both sources are described with the ODM's :class:`~weavorm.odm.mapping.PropertyInfo`,
so the same tokenization- and index-aware lookup checks apply with or without a model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from weavorm.odm.fields import FieldSpec
from weavorm.odm.mapping import PropertyInfo, ReferenceInfo

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["Fields", "PRIMITIVE_TYPES"]

#: Weaviate data types that are properties (anything else in ``dataType`` is a reference).
PRIMITIVE_TYPES = frozenset(
    {
        "text",
        "text[]",
        "int",
        "int[]",
        "number",
        "number[]",
        "boolean",
        "boolean[]",
        "date",
        "date[]",
        "uuid",
        "uuid[]",
        "geoCoordinates",
        "phoneNumber",
        "blob",
        "object",
        "object[]",
        "string",
        "string[]",
    }
)


def _property(data: Mapping[str, Any]) -> PropertyInfo | None:
    types = data.get("dataType") or []
    data_type = str(types[0]) if types else ""
    if data_type not in PRIMITIVE_TYPES:
        return None
    data_type = data_type.replace("string", "text")
    spec = FieldSpec(
        tokenization=data.get("tokenization"),
        index_filterable=data.get("indexFilterable"),
        index_searchable=data.get("indexSearchable"),
        index_range_filters=data.get("indexRangeFilters"),
    )
    nested = tuple(
        p for p in (_property(n) for n in data.get("nestedProperties") or []) if p is not None
    )
    name = str(data["name"])
    return PropertyInfo(attr=name, name=name, data_type=data_type, spec=spec, nested=nested)


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
    def from_class_json(cls, data: Mapping[str, Any]) -> Fields:
        """The fields of a collection as the server describes it (``GET /v1/schema/X``)."""
        props: dict[str, PropertyInfo] = {}
        refs: dict[str, str] = {}
        for item in data.get("properties") or []:
            prop = _property(item)
            if prop is None:
                refs[str(item["name"])] = str(item["name"])
            else:
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
