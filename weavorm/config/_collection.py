"""The collection configuration: validation of the whole and the class JSON.

:func:`collection_to_dict` produces the Weaviate "class" object that
``POST /v1/schema`` takes. Everything is pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from weavorm.config._common import JSONDict, fail, freeze, opt_str, thaw
from weavorm.config._generative_config import GenerativeConfig
from weavorm.config._modules import (
    RerankerConfig,
    VectorizerConfig,
    check_module_kind,
)
from weavorm.config._properties import (
    Property,
    ReferenceProperty,
    check_stopword_presets,
    validate_collection_name,
)
from weavorm.config._settings import (
    InvertedIndex,
    MultiTenancy,
    ObjectTTL,
    Replication,
    Sharding,
)
from weavorm.config._vector_index import VectorIndexConfig
from weavorm.config._vectorizers import NamedVector

__all__ = ["CollectionConfig", "collection_to_dict"]

_PER_PROPERTY_PREFIXES = ("text2vec-", "text2multivec-", "text2colbert-")


def _typed(value: Any, cls: type, field: str, hint: str) -> Any:
    if value is not None and not isinstance(value, cls):
        raise fail(f"{field} must be {hint}, got {value!r}", field=field, value=value)
    return value


@dataclass(frozen=True, init=False)
class CollectionConfig:
    """A complete collection (class) configuration.

    Attributes:
        name: The collection name.
        description: Free-text description.
        properties: The data properties.
        references: The cross-reference properties.
        vectorizer: The collection-level vectorizer (legacy single vector), if any.
        vector_index: The collection-level vector index, if any.
        vectors: The named vectors, if any.
        generative: The generative module.
        reranker: The reranker module.
        inverted_index: Inverted index settings.
        multi_tenancy: Multi-tenancy settings.
        replication: Replication settings.
        sharding: Sharding settings.
        object_ttl: Object time-to-live.
        module_config: Other collection-level module settings, by module name.
    """

    name: str
    description: str | None
    properties: tuple[Property, ...]
    references: tuple[ReferenceProperty, ...]
    vectorizer: VectorizerConfig | None
    vector_index: VectorIndexConfig | None
    vectors: tuple[NamedVector, ...] | None
    generative: GenerativeConfig | None
    reranker: RerankerConfig | None
    inverted_index: InvertedIndex | None
    multi_tenancy: MultiTenancy | None
    replication: Replication | None
    sharding: Sharding | None
    object_ttl: ObjectTTL | None
    module_config: Mapping[str, Mapping[str, Any]] | None

    def __init__(
        self,
        name: str,
        *,
        description: str | None = None,
        properties: Iterable[Property | ReferenceProperty] = (),
        references: Iterable[ReferenceProperty] = (),
        vectorizer: VectorizerConfig | None = None,
        vectors: NamedVector | Iterable[NamedVector] | None = None,
        generative: GenerativeConfig | None = None,
        reranker: RerankerConfig | None = None,
        vector_index: VectorIndexConfig | None = None,
        inverted_index: InvertedIndex | None = None,
        multi_tenancy: MultiTenancy | None = None,
        replication: Replication | None = None,
        sharding: Sharding | None = None,
        object_ttl: ObjectTTL | None = None,
        module_config: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """Create and validate a collection configuration.

        Args:
            name: The collection name (``/^[A-Z][_0-9A-Za-z]{0,254}$/``).
            description: Free-text description.
            properties: Data properties (``ReferenceProperty`` items are accepted too).
            references: Cross-reference properties.
            vectorizer: A collection-level vectorizer (not together with ``vectors``).
            vectors: Named vectors.
            generative: A generative module from ``Generative``.
            reranker: A reranker module from ``Reranker``.
            vector_index: The collection-level vector index (not with ``vectors``).
            inverted_index: Inverted index settings.
            multi_tenancy: Multi-tenancy settings.
            replication: Replication settings.
            sharding: Sharding settings (not with multi-tenancy).
            object_ttl: Object time-to-live.
            module_config: Other collection-level module settings (escape hatch).

        Raises:
            ConfigError: Any invalid value or combination; the message names it.
        """
        validate_collection_name(name)
        props: list[Property] = []
        refs: list[ReferenceProperty] = []
        for item in properties:
            if isinstance(item, ReferenceProperty):
                refs.append(item)
            elif isinstance(item, Property):
                props.append(item)
            else:
                raise fail(
                    f"properties must be Property or ReferenceProperty objects, got {item!r}",
                    field="properties",
                    value=item,
                )
        for ref in references:
            _typed(ref, ReferenceProperty, "references", "a ReferenceProperty")
            refs.append(ref)
        seen: dict[str, str] = {}
        for item_name in [p.name for p in props] + [r.name for r in refs]:
            key = item_name.lower()
            if key in seen:
                raise fail(
                    f"duplicate property name {item_name!r} in collection {name!r} (names are "
                    f"compared case-insensitively; {seen[key]!r} is already defined)",
                    field="properties",
                    value=item_name,
                )
            seen[key] = item_name
        for prop in props:
            prop.to_dict()  # top-level name rules (reserved names, suffixes)

        _typed(vectorizer, VectorizerConfig, "vectorizer", "a VectorizerConfig (Vectorizer.*)")
        _typed(vector_index, VectorIndexConfig, "vector_index", "built with VectorIndex.*")
        named = _named_vectors(vectors)
        if named is not None and (vectorizer is not None or vector_index is not None):
            raise fail(
                "use either vectors= (named vectors) or vectorizer=/vector_index= (one "
                "collection-level vector), not both",
                field="vectors",
                value=[v.name for v in named],
            )
        if vectorizer is not None:
            if vector_index is not None and vectorizer.vector_index not in (None, vector_index):
                raise fail(
                    "vector_index= differs from the vector index given to the vectorizer",
                    field="vector_index",
                    value=vector_index,
                )
            vector_index = vector_index or vectorizer.vector_index
            vectorizer = vectorizer.with_vector_index(vector_index)
            if vectorizer.is_multi_vector:
                raise fail(
                    "multi-vectors are only supported on named vectors; use vectors=[Vectors."
                    f"{vectorizer.module.replace('-', '_')}(...)]",
                    field="vectorizer",
                    value=vectorizer.module,
                )
        elif vector_index is not None and vector_index.multi_vector_enabled:
            raise fail(
                "multi-vectors are only supported on named vectors",
                field="vector_index",
                value=vector_index,
            )
        if named is not None and props:
            _check_sources(named, props)

        if generative is not None:
            check_module_kind(generative, GenerativeConfig, "generative-", "generative")
            generative.check_collection_use()
        if reranker is not None:
            check_module_kind(reranker, RerankerConfig, "reranker-", "reranker")
        _typed(inverted_index, InvertedIndex, "inverted_index", "an InvertedIndex")
        _typed(multi_tenancy, MultiTenancy, "multi_tenancy", "a MultiTenancy")
        _typed(replication, Replication, "replication", "a Replication")
        _typed(sharding, Sharding, "sharding", "a Sharding")
        _typed(object_ttl, ObjectTTL, "object_ttl", "an ObjectTTL")
        if sharding is not None and multi_tenancy is not None and multi_tenancy.enabled:
            raise fail(
                "sharding= cannot be combined with multi-tenancy (tenants are the shards)",
                field="sharding",
                value=sharding,
            )
        check_stopword_presets(props, inverted_index.stopword_presets if inverted_index else None)
        if object_ttl is not None:
            _check_ttl(object_ttl, props, inverted_index)
        extra = None
        if module_config is not None:
            extra = freeze({str(k): dict(v) for k, v in module_config.items()})

        values: dict[str, Any] = {
            "name": name,
            "description": opt_str(description, "description"),
            "properties": tuple(props),
            "references": tuple(refs),
            "vectorizer": vectorizer,
            "vector_index": vector_index,
            "vectors": named,
            "generative": generative,
            "reranker": reranker,
            "inverted_index": inverted_index,
            "multi_tenancy": multi_tenancy,
            "replication": replication,
            "sharding": sharding,
            "object_ttl": object_ttl,
            "module_config": extra,
        }
        for key, value in values.items():
            object.__setattr__(self, key, value)

    @property
    def vectorizer_modules(self) -> tuple[str, ...]:
        """The vectorizer modules in use (collection-level and named), without duplicates."""
        modules: list[str] = []
        if self.vectorizer is not None:
            modules.append(self.vectorizer.module)
        for vector in self.vectors or ():
            if vector.module not in modules:
                modules.append(vector.module)
        return tuple(modules)

    def property_modules(self) -> tuple[str, ...]:
        """The vectorizer modules that take per-property settings (``skip`` etc.)."""
        return tuple(m for m in self.vectorizer_modules if m.startswith(_PER_PROPERTY_PREFIXES))

    def to_dict(self) -> JSONDict:
        """Return the class JSON for ``POST /v1/schema``."""
        out: JSONDict = {"class": self.name}
        if self.description is not None:
            out["description"] = self.description
        per_property = self.property_modules()
        out["properties"] = [p.to_dict(vectorizer_modules=per_property) for p in self.properties]
        out["properties"].extend(r.to_dict() for r in self.references)
        module_config: JSONDict = {}
        if self.vectorizer is not None:
            out["vectorizer"] = self.vectorizer.module
            if not self.vectorizer.is_none or self.vectorizer.settings:
                module_config[self.vectorizer.module] = self.vectorizer.settings_dict()
        if self.vector_index is not None:
            out["vectorIndexType"] = self.vector_index.index_type
            out["vectorIndexConfig"] = self.vector_index.to_dict()
        if self.vectors is not None:
            out["vectorConfig"] = {v.name: v.to_dict() for v in self.vectors}
        for module in (self.generative, self.reranker):
            if module is not None:
                module_config[module.module] = module.settings_dict()
        for key, value in (self.module_config or {}).items():
            module_config.setdefault(key, {}).update(thaw(value))
        if module_config:
            out["moduleConfig"] = module_config
        inverted = self.inverted_index.to_dict() if self.inverted_index is not None else {}
        if self.object_ttl is not None and self.object_ttl.uses_timestamps:
            inverted["indexTimestamps"] = True
        if inverted:
            out["invertedIndexConfig"] = inverted
        if self.multi_tenancy is not None:
            out["multiTenancyConfig"] = self.multi_tenancy.to_dict()
        if self.replication is not None:
            out["replicationConfig"] = self.replication.to_dict()
        if self.sharding is not None:
            out["shardingConfig"] = self.sharding.to_dict()
        if self.object_ttl is not None:
            out["objectTtlConfig"] = self.object_ttl.to_dict()
        return out

    def get_property(self, name: str) -> Property | ReferenceProperty:
        """Return the property or reference called ``name``.

        Raises:
            KeyError: There is none.
        """
        for prop in self.properties:
            if prop.name == name:
                return prop
        for ref in self.references:
            if ref.name == name:
                return ref
        raise KeyError(name)

    def get_vector(self, name: str) -> NamedVector:
        """Return the named vector called ``name``.

        Raises:
            KeyError: There is none.
        """
        for vector in self.vectors or ():
            if vector.name == name:
                return vector
        raise KeyError(name)


def _named_vectors(
    vectors: NamedVector | Iterable[NamedVector] | None,
) -> tuple[NamedVector, ...] | None:
    if vectors is None:
        return None
    items = (vectors,) if isinstance(vectors, NamedVector) else tuple(vectors)
    if not items:
        raise fail("vectors= must contain at least one named vector", field="vectors", value=())
    names: set[str] = set()
    for item in items:
        _typed(item, NamedVector, "vectors", "NamedVector objects (Vectors.*)")
        if item.name in names:
            raise fail(f"duplicate vector name {item.name!r}", field="vectors", value=item.name)
        names.add(item.name)
    return items


def _check_sources(vectors: Sequence[NamedVector], props: Sequence[Property]) -> None:
    known = [p.name for p in props]
    for vector in vectors:
        for source in vector.vectorizer.source_properties or ():
            if source not in known:
                raise fail(
                    f"vector {vector.name!r}: source property {source!r} is not a property of "
                    f"the collection; valid choices are {', '.join(repr(k) for k in known)}",
                    field="source_properties",
                    value=source,
                )


def _check_ttl(ttl: ObjectTTL, props: Sequence[Property], inverted: InvertedIndex | None) -> None:
    if not ttl.enabled:
        return
    if ttl.uses_timestamps:
        if inverted is not None and inverted.index_timestamps is False:
            raise fail(
                f"object_ttl with delete_on={ttl.delete_on!r} needs indexed timestamps; "
                "remove index_timestamps=False from the inverted index",
                field="index_timestamps",
                value=False,
            )
        return
    for prop in props:
        if prop.name == ttl.delete_on:
            if prop.data_type.value != "date":
                raise fail(
                    f"object_ttl delete_on property {prop.name!r} must have data type 'date', "
                    f"not {prop.data_type.value!r}",
                    field="delete_on",
                    value=prop.name,
                )
            if prop.index_filterable is False and not prop.index_range_filters:
                raise fail(
                    f"object_ttl delete_on property {prop.name!r} needs index_filterable or "
                    "index_range_filters",
                    field="delete_on",
                    value=prop.name,
                )
            return
    dates = [p.name for p in props if p.data_type.value == "date"]
    raise fail(
        f"object_ttl delete_on {ttl.delete_on!r} is neither '_creationTimeUnix', "
        "'_lastUpdateTimeUnix' nor a property of the collection; date properties: "
        f"{', '.join(repr(d) for d in dates) or 'none'}",
        field="delete_on",
        value=ttl.delete_on,
    )


def collection_to_dict(
    name: str,
    *,
    description: str | None = None,
    properties: Iterable[Property | ReferenceProperty] = (),
    references: Iterable[ReferenceProperty] = (),
    vectorizer: VectorizerConfig | None = None,
    vectors: NamedVector | Iterable[NamedVector] | None = None,
    generative: GenerativeConfig | None = None,
    reranker: RerankerConfig | None = None,
    vector_index: VectorIndexConfig | None = None,
    inverted_index: InvertedIndex | None = None,
    multi_tenancy: MultiTenancy | None = None,
    replication: Replication | None = None,
    sharding: Sharding | None = None,
    object_ttl: ObjectTTL | None = None,
    module_config: Mapping[str, Mapping[str, Any]] | None = None,
) -> JSONDict:
    """Validate a collection configuration and return its class JSON.

    Args:
        name: The collection name (``/^[A-Z][_0-9A-Za-z]{0,254}$/``).
        description: Free-text description.
        properties: Data properties (``ReferenceProperty`` items are accepted too).
        references: Cross-reference properties.
        vectorizer: A collection-level vectorizer (not together with ``vectors``).
        vectors: Named vectors.
        generative: A generative module from ``Generative``.
        reranker: A reranker module from ``Reranker``.
        vector_index: The collection-level vector index.
        inverted_index: Inverted index settings.
        multi_tenancy: Multi-tenancy settings.
        replication: Replication settings.
        sharding: Sharding settings.
        object_ttl: Object time-to-live.
        module_config: Other collection-level module settings (escape hatch).

    Returns:
        The class JSON object for ``POST /v1/schema``.

    Raises:
        ConfigError: Any invalid value or combination; the message names it.
    """
    return CollectionConfig(
        name,
        description=description,
        properties=properties,
        references=references,
        vectorizer=vectorizer,
        vectors=vectors,
        generative=generative,
        reranker=reranker,
        vector_index=vector_index,
        inverted_index=inverted_index,
        multi_tenancy=multi_tenancy,
        replication=replication,
        sharding=sharding,
        object_ttl=object_ttl,
        module_config=module_config,
    ).to_dict()
