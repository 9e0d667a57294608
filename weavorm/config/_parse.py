"""Parsing a class JSON (as returned by ``GET /v1/schema/{name}``) into typed views."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from weavorm.config._collection import CollectionConfig
from weavorm.config._common import as_mapping, build, fail, freeze, json_str
from weavorm.config._generative_config import GenerativeConfig
from weavorm.config._modules import RerankerConfig, VectorizerConfig
from weavorm.config._properties import Property, ReferenceProperty, is_reference_json
from weavorm.config._settings import InvertedIndex, MultiTenancy, ObjectTTL, Replication, Sharding
from weavorm.config._vector_index import vector_index_from_json
from weavorm.config._vectorizers import NamedVector

__all__ = ["CollectionConfigView", "parse_collection_config"]


@dataclass(frozen=True, init=False)
class CollectionConfigView(CollectionConfig):
    """A collection configuration read back from the server (frozen).

    It has every field of :class:`CollectionConfig` (server defaults included, e.g. the
    full vector index and inverted index settings), and the JSON it was parsed from.

    Attributes:
        raw: The class JSON this view was parsed from (read-only).
    """

    raw: Mapping[str, Any]

    def __init__(self, data: Mapping[str, Any]) -> None:
        """Parse a class JSON object; same as :func:`parse_collection_config`.

        Args:
            data: The class JSON object.

        Raises:
            ConfigError: ``data`` is not a class JSON object.
        """
        parsed = parse_collection_config(data)
        for key in parsed.__dataclass_fields__:
            object.__setattr__(self, key, getattr(parsed, key))


def _vectorizer(module: str, settings: Any, index_type: Any, index_config: Any) -> VectorizerConfig:
    return build(
        VectorizerConfig,
        module=module,
        settings=freeze(dict(as_mapping(settings, f"moduleConfig[{module!r}]"))),
        vector_index=vector_index_from_json(json_str(index_type), index_config),
    )


def parse_collection_config(data: Mapping[str, Any]) -> CollectionConfigView:
    """Parse a class JSON object into a typed, frozen :class:`CollectionConfigView`.

    Parsing is lenient about server-filled defaults: it never rejects what the server
    returned (unknown modules keep their settings as plain JSON).

    Args:
        data: The class JSON, e.g. from ``GET /v1/schema/{name}``.

    Returns:
        The typed view.

    Raises:
        ConfigError: ``data`` is not a class JSON object (no ``class`` name).
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("class"), str):
        raise fail("a class JSON object needs a 'class' name", field="class", value=data)
    props: list[Property] = []
    refs: list[ReferenceProperty] = []
    for raw_prop in data.get("properties") or ():
        prop = as_mapping(raw_prop, "properties[]")
        if is_reference_json(prop):
            refs.append(ReferenceProperty.from_dict(prop))
        else:
            props.append(Property.from_dict(prop))

    module_config = dict(as_mapping(data.get("moduleConfig"), "moduleConfig"))
    legacy_module = json_str(data.get("vectorizer"))
    vectorizer = None
    vector_index = None
    if legacy_module is not None or data.get("vectorIndexType") or data.get("vectorIndexConfig"):
        vector_index = vector_index_from_json(
            json_str(data.get("vectorIndexType")), data.get("vectorIndexConfig")
        )
    if legacy_module is not None:
        vectorizer = _vectorizer(
            legacy_module,
            module_config.pop(legacy_module, None),
            data.get("vectorIndexType"),
            data.get("vectorIndexConfig"),
        )

    vectors = None
    vector_config = as_mapping(data.get("vectorConfig"), "vectorConfig")
    if vector_config:
        items = []
        for name, raw_cfg in vector_config.items():
            cfg = as_mapping(raw_cfg, f"vectorConfig[{name!r}]")
            modules = as_mapping(cfg.get("vectorizer"), f"vectorConfig[{name!r}].vectorizer")
            module, settings = next(iter(modules.items()), ("none", {}))
            items.append(
                build(
                    NamedVector,
                    name=str(name),
                    vectorizer=_vectorizer(
                        str(module),
                        settings,
                        cfg.get("vectorIndexType"),
                        cfg.get("vectorIndexConfig"),
                    ),
                )
            )
        vectors = tuple(items)

    generative = None
    reranker = None
    for module in list(module_config):
        if module.startswith("generative-") and generative is None:
            settings = as_mapping(module_config.pop(module), f"moduleConfig[{module!r}]")
            generative = build(GenerativeConfig, module=module, settings=freeze(dict(settings)))
        elif module.startswith("reranker-") and reranker is None:
            settings = as_mapping(module_config.pop(module), f"moduleConfig[{module!r}]")
            reranker = build(RerankerConfig, module=module, settings=freeze(dict(settings)))

    def section(key: str) -> Mapping[str, Any] | None:
        value = data.get(key)
        return value if isinstance(value, Mapping) else None

    inverted = section("invertedIndexConfig")
    mt = section("multiTenancyConfig")
    replication = section("replicationConfig")
    # Multi-tenant collections report an all-zero sharding config (tenants are shards).
    sharding = None if mt is not None and mt.get("enabled") else section("shardingConfig")
    ttl = section("objectTtlConfig")
    return build(
        CollectionConfigView,
        name=str(data["class"]),
        description=json_str(data.get("description")),
        properties=tuple(props),
        references=tuple(refs),
        vectorizer=vectorizer,
        vector_index=vector_index,
        vectors=vectors,
        generative=generative,
        reranker=reranker,
        inverted_index=InvertedIndex.from_dict(inverted) if inverted is not None else None,
        multi_tenancy=MultiTenancy.from_dict(mt) if mt is not None else None,
        replication=Replication.from_dict(replication) if replication is not None else None,
        sharding=Sharding.from_dict(sharding) if sharding is not None else None,
        object_ttl=ObjectTTL.from_dict(ttl) if ttl is not None else None,
        module_config=freeze(module_config) if module_config else None,
        raw=freeze(dict(data)),
    )
