"""Updates of an existing collection: ``Reconfigure`` and :func:`merge_update`.

Weaviate updates a collection with ``PUT /v1/schema/{name}`` and the *complete* class
JSON. :func:`merge_update` takes the class JSON fetched from the server, applies the
requested changes and returns the new JSON; it refuses (with :class:`ConfigError`) the
changes the server treats as immutable, so the mistake surfaces before the request.

Mutable in Weaviate 1.39: the description and property descriptions; BM25, stopwords,
stopword presets and cleanup interval of the inverted index; ``ef``, the dynamic ef
bounds, ``flatSearchCutoff``, ``vectorCacheMaxObjects``, ``filterStrategy``, ``skip``
and enabling a quantizer of HNSW indexes (RQ bits and centering stay fixed); the
cache / rescore limit of an enabled flat quantizer; ``threshold`` of dynamic indexes;
``searchProbe`` / ``maxPostingSizeKB`` / RQ ``rescoreLimit`` of hfresh; the replication
factor, deletion strategy and async settings; the auto-tenant flags; object TTL; the
generative and reranker modules; new named vectors.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from weavorm.config._common import (
    DeletionStrategy,
    DeletionStrategyName,
    FilterStrategy,
    FilterStrategyName,
    JSONDict,
    StopwordsPreset,
    StopwordsPresetName,
    check_str,
    enum_value,
    fail,
)
from weavorm.config._generative_config import GenerativeConfig
from weavorm.config._modules import RerankerConfig, check_module_kind
from weavorm.config._quantizers import NoQuantization, QuantizerConfig, RQConfig
from weavorm.config._settings import (
    CREATION_TIME,
    LAST_UPDATE_TIME,
    AsyncReplication,
    InvertedIndex,
    ObjectTTL,
    Replication,
)
from weavorm.config._vector_index import HnswIndex
from weavorm.config._vectorizers import NamedVector

__all__ = [
    "InvertedIndexUpdate",
    "MultiTenancyUpdate",
    "Reconfigure",
    "ReplicationUpdate",
    "VectorIndexUpdate",
    "merge_update",
]


@dataclass(frozen=True)
class InvertedIndexUpdate:
    """Changes to the inverted index (build with :meth:`Reconfigure.inverted_index`)."""

    settings: InvertedIndex


@dataclass(frozen=True)
class VectorIndexUpdate:
    """Changes to one vector index (build with :meth:`Reconfigure.vector_index`).

    Attributes:
        values: The changed keys, in ``vectorIndexConfig`` spelling.
        quantizer: A quantizer to enable or retune.
        hnsw: Changes to the HNSW stage of a dynamic index.
        flat: Changes to the flat stage of a dynamic index.
    """

    values: Mapping[str, Any]
    quantizer: QuantizerConfig | None = None
    hnsw: VectorIndexUpdate | None = None
    flat: VectorIndexUpdate | None = None


@dataclass(frozen=True)
class ReplicationUpdate:
    """Changes to replication (build with :meth:`Reconfigure.replication`)."""

    settings: Replication


@dataclass(frozen=True)
class MultiTenancyUpdate:
    """Changes to the auto-tenant flags (build with :meth:`Reconfigure.multi_tenancy`)."""

    auto_tenant_creation: bool | None
    auto_tenant_activation: bool | None


_MUTABLE_KEYS = {
    "hnsw": (
        "ef",
        "dynamicEfMin",
        "dynamicEfMax",
        "dynamicEfFactor",
        "flatSearchCutoff",
        "vectorCacheMaxObjects",
        "filterStrategy",
        "skip",
    ),
    "flat": ("vectorCacheMaxObjects",),
    "dynamic": ("threshold",),
    "hfresh": ("searchProbe", "maxPostingSizeKB"),
}
_ARG_NAMES = {
    "ef": "ef",
    "dynamicEfMin": "dynamic_ef_min",
    "dynamicEfMax": "dynamic_ef_max",
    "dynamicEfFactor": "dynamic_ef_factor",
    "flatSearchCutoff": "flat_search_cutoff",
    "vectorCacheMaxObjects": "vector_cache_max_objects",
    "filterStrategy": "filter_strategy",
    "skip": "skip",
    "threshold": "threshold",
    "searchProbe": "search_probe",
    "maxPostingSizeKB": "max_posting_size_kb",
}


class Reconfigure:
    """Factories of the changes :func:`merge_update` applies to an existing collection."""

    @staticmethod
    def inverted_index(
        *,
        bm25_b: float | None = None,
        bm25_k1: float | None = None,
        cleanup_interval_seconds: int | None = None,
        stopwords_preset: StopwordsPreset | StopwordsPresetName | None = None,
        stopwords_additions: Sequence[str] | None = None,
        stopwords_removals: Sequence[str] | None = None,
        stopword_presets: Mapping[str, Sequence[str]] | None = None,
    ) -> InvertedIndexUpdate:
        """Change the mutable inverted index settings; ``None`` keeps the current value.

        Args:
            bm25_b: BM25 ``b``, 0..1.
            bm25_k1: BM25 ``k1``, >= 0.
            cleanup_interval_seconds: Cleanup interval, >= 1.
            stopwords_preset: ``"en"`` or ``"none"``.
            stopwords_additions: New list of extra stopwords (replaces the current one).
            stopwords_removals: New list of removed stopwords (replaces the current one).
            stopword_presets: New named stopword lists (replace the current ones).

        Raises:
            ConfigError: A value out of range.
        """
        return InvertedIndexUpdate(
            InvertedIndex(
                bm25_b=bm25_b,
                bm25_k1=bm25_k1,
                cleanup_interval_seconds=cleanup_interval_seconds,
                stopwords_preset=stopwords_preset,
                stopwords_additions=stopwords_additions,
                stopwords_removals=stopwords_removals,
                stopword_presets=stopword_presets,
            )
        )

    @staticmethod
    def vector_index(
        *,
        ef: int | None = None,
        dynamic_ef_min: int | None = None,
        dynamic_ef_max: int | None = None,
        dynamic_ef_factor: int | None = None,
        flat_search_cutoff: int | None = None,
        vector_cache_max_objects: int | None = None,
        filter_strategy: FilterStrategy | FilterStrategyName | None = None,
        skip: bool | None = None,
        quantizer: QuantizerConfig | None = None,
        threshold: int | None = None,
        search_probe: int | None = None,
        max_posting_size_kb: int | None = None,
        hnsw: VectorIndexUpdate | None = None,
        flat: VectorIndexUpdate | None = None,
    ) -> VectorIndexUpdate:
        """Change the mutable settings of a vector index; ``None`` keeps the current value.

        Which options apply depends on the index type (checked by :func:`merge_update`):
        HNSW takes ``ef`` .. ``skip`` and ``quantizer``; flat takes
        ``vector_cache_max_objects`` and the cache / rescore limit of its quantizer;
        dynamic takes ``threshold`` and ``hnsw=`` / ``flat=`` stage changes; hfresh takes
        ``search_probe``, ``max_posting_size_kb`` and ``Quantizer.rq(rescore_limit=...)``.

        Args:
            ef: Search list size (``-1``: dynamic).
            dynamic_ef_min: Lower bound of the dynamic ef.
            dynamic_ef_max: Upper bound of the dynamic ef.
            dynamic_ef_factor: Limit multiplier of the dynamic ef.
            flat_search_cutoff: Filter matches below which search goes flat.
            vector_cache_max_objects: Vectors cached in memory.
            filter_strategy: ``"sweeping"`` or ``"acorn"``.
            skip: Skip indexing.
            quantizer: Enable a quantizer (HNSW) or retune the enabled one.
            threshold: Switch-over object count of a dynamic index.
            search_probe: Postings probed per search (hfresh).
            max_posting_size_kb: Maximum posting size (hfresh).
            hnsw: Changes to the HNSW stage of a dynamic index.
            flat: Changes to the flat stage of a dynamic index.

        Raises:
            ConfigError: A value out of range.
        """
        # Validate ranges with the same rules as creation.
        HnswIndex(
            ef=ef,
            dynamic_ef_min=dynamic_ef_min,
            dynamic_ef_max=dynamic_ef_max,
            dynamic_ef_factor=dynamic_ef_factor,
            flat_search_cutoff=flat_search_cutoff,
            vector_cache_max_objects=vector_cache_max_objects,
            filter_strategy=filter_strategy,
            skip=skip,
        )
        if quantizer is not None and not isinstance(quantizer, QuantizerConfig):
            raise fail(
                f"quantizer must be built with Quantizer.*, got {quantizer!r}",
                field="quantizer",
                value=quantizer,
            )
        if isinstance(quantizer, NoQuantization):
            raise fail(
                "Quantizer.none() cannot be applied to an existing index",
                field="quantizer",
                value="none",
            )
        for stage, label in ((hnsw, "hnsw"), (flat, "flat")):
            if stage is not None and not isinstance(stage, VectorIndexUpdate):
                raise fail(
                    f"{label} must be a Reconfigure.vector_index(...), got {stage!r}",
                    field=label,
                    value=stage,
                )
        values = {
            "ef": ef,
            "dynamicEfMin": dynamic_ef_min,
            "dynamicEfMax": dynamic_ef_max,
            "dynamicEfFactor": dynamic_ef_factor,
            "flatSearchCutoff": flat_search_cutoff,
            "vectorCacheMaxObjects": vector_cache_max_objects,
            "filterStrategy": None
            if filter_strategy is None
            else enum_value(filter_strategy, FilterStrategy, "filter_strategy").value,
            "skip": skip,
            "threshold": threshold,
            "searchProbe": search_probe,
            "maxPostingSizeKB": max_posting_size_kb,
        }
        for key, low, high in (
            ("threshold", 0, None),
            ("searchProbe", 1, None),
            ("maxPostingSizeKB", 8, 1024),
        ):
            value = values[key]
            if value is not None and (
                not isinstance(value, int) or value < low or (high is not None and value > high)
            ):
                bounds = f">= {low}" if high is None else f"{low}..{high}"
                raise fail(
                    f"{_ARG_NAMES[key]} must be an integer {bounds}, got {value!r}",
                    field=_ARG_NAMES[key],
                    value=value,
                )
        return VectorIndexUpdate(
            values={k: v for k, v in values.items() if v is not None},
            quantizer=quantizer,
            hnsw=hnsw,
            flat=flat,
        )

    @staticmethod
    def replication(
        *,
        factor: int | None = None,
        deletion_strategy: DeletionStrategy | DeletionStrategyName | None = None,
        async_config: AsyncReplication | None = None,
    ) -> ReplicationUpdate:
        """Change replication; ``None`` keeps the current value.

        Args:
            factor: Number of replicas, >= 1 (at most the number of nodes).
            deletion_strategy: How conflicting deletes are resolved.
            async_config: Async replication settings; given keys replace current ones.

        Raises:
            ConfigError: A factor below 1 or an unknown strategy.
        """
        return ReplicationUpdate(
            Replication(
                factor=factor, deletion_strategy=deletion_strategy, async_config=async_config
            )
        )

    @staticmethod
    def multi_tenancy(
        *,
        auto_tenant_creation: bool | None = None,
        auto_tenant_activation: bool | None = None,
    ) -> MultiTenancyUpdate:
        """Change the auto-tenant flags (multi-tenancy itself cannot be switched).

        Args:
            auto_tenant_creation: Create unknown tenants on insert.
            auto_tenant_activation: Activate inactive tenants on access.

        Raises:
            ConfigError: A non-bool value.
        """
        for label, value in (
            ("auto_tenant_creation", auto_tenant_creation),
            ("auto_tenant_activation", auto_tenant_activation),
        ):
            if value is not None and not isinstance(value, bool):
                raise fail(f"{label} must be a bool, got {value!r}", field=label, value=value)
        return MultiTenancyUpdate(auto_tenant_creation, auto_tenant_activation)


def _apply_quantizer(index_type: str, config: JSONDict, quantizer: QuantizerConfig) -> None:
    fragment = quantizer.fragment(index_type)
    kind = quantizer.kind
    enabled = [
        k
        for k in ("pq", "bq", "sq", "rq")
        if isinstance(config.get(k), Mapping) and config[k].get("enabled")
    ]
    if index_type == "hfresh":
        enabled = ["rq"]
    if enabled and enabled[0] != kind:
        raise fail(
            f"the {index_type!r} index already uses the {enabled[0]!r} quantizer; it cannot be "
            f"switched to {kind!r}",
            field="quantizer",
            value=kind,
        )
    if index_type in ("flat",) and not enabled:
        raise fail(
            "a quantizer cannot be enabled on an existing 'flat' index (only the cache and "
            "rescore limit of its quantizer can change)",
            field="quantizer",
            value=kind,
        )
    current = dict(config.get(kind) or {})
    if isinstance(quantizer, RQConfig) and enabled:
        for key, label in (("bits", "bits"), ("centering", "centering")):
            new = fragment[kind].get(key)
            if new is not None and key in current and current[key] != new:
                raise fail(
                    f"rq {label} is immutable: the index has {current[key]!r}, got {new!r}",
                    field=label,
                    value=new,
                )
    current.update(fragment[kind])
    config[kind] = current


def _apply_vector_index(
    index_type: str, config: JSONDict, update: VectorIndexUpdate, where: str
) -> None:
    allowed = _MUTABLE_KEYS.get(index_type)
    if allowed is None:
        raise fail(
            f"{where}: unknown vector index type {index_type!r}",
            field="vector_index",
            value=index_type,
        )
    for key, value in update.values.items():
        if key not in allowed:
            valid = ", ".join(_ARG_NAMES[k] for k in allowed) or "none"
            raise fail(
                f"{where}: {_ARG_NAMES[key]} cannot be changed on a {index_type!r} index; "
                f"changeable settings are {valid}",
                field=_ARG_NAMES[key],
                value=value,
            )
        config[key] = value
    if index_type == "hnsw":
        ef_min = config.get("dynamicEfMin")
        ef_max = config.get("dynamicEfMax")
        if isinstance(ef_min, int) and isinstance(ef_max, int) and ef_min > ef_max:
            raise fail(
                f"{where}: dynamic_ef_min ({ef_min}) must not exceed dynamic_ef_max ({ef_max})",
                field="dynamic_ef_min",
                value=ef_min,
            )
    if update.quantizer is not None:
        if index_type == "dynamic":
            raise fail(
                f"{where}: set the quantizer of a dynamic index on its stages "
                "(hnsw=Reconfigure.vector_index(quantizer=...))",
                field="quantizer",
                value=update.quantizer.kind,
            )
        _apply_quantizer(index_type, config, update.quantizer)
    for stage, stage_update in (("hnsw", update.hnsw), ("flat", update.flat)):
        if stage_update is None:
            continue
        if index_type != "dynamic":
            raise fail(
                f"{where}: {stage}= stage changes only apply to a 'dynamic' index, not "
                f"{index_type!r}",
                field=stage,
                value=stage_update,
            )
        stage_config = dict(config.get(stage) or {})
        _apply_vector_index(stage, stage_config, stage_update, f"{where} ({stage} stage)")
        config[stage] = stage_config


def _set_property_description(props: list[Any], path: str, description: str) -> None:
    head, _, rest = path.partition(".")
    for prop in props:
        if isinstance(prop, dict) and prop.get("name") == head:
            if rest:
                nested = prop.get("nestedProperties")
                if not isinstance(nested, list):
                    break
                _set_property_description(nested, rest, description)
            else:
                prop["description"] = description
            return
    names = ", ".join(repr(p.get("name")) for p in props if isinstance(p, dict))
    raise fail(
        f"unknown property {path!r}; valid choices are {names}", field="property", value=path
    )


def _replace_module(module_config: JSONDict, prefix: str, module: str, settings: JSONDict) -> None:
    for key in [k for k in module_config if k.startswith(prefix)]:
        del module_config[key]
    module_config[module] = settings


def merge_update(
    existing: Mapping[str, Any],
    *,
    description: str | None = None,
    property_descriptions: Mapping[str, str] | None = None,
    inverted_index: InvertedIndexUpdate | None = None,
    vector_index: VectorIndexUpdate | None = None,
    vectors: Mapping[str, VectorIndexUpdate] | None = None,
    add_vectors: Sequence[NamedVector] = (),
    replication: ReplicationUpdate | None = None,
    multi_tenancy: MultiTenancyUpdate | None = None,
    object_ttl: ObjectTTL | None = None,
    generative: GenerativeConfig | None = None,
    reranker: RerankerConfig | None = None,
) -> JSONDict:
    """Apply changes to a fetched class JSON and return the JSON for ``PUT /v1/schema/{name}``.

    ``existing`` is not modified.

    Args:
        existing: The class JSON as returned by ``GET /v1/schema/{name}``.
        description: New collection description.
        property_descriptions: New property descriptions by name (``"a.b"`` for nested).
        inverted_index: From :meth:`Reconfigure.inverted_index`.
        vector_index: Changes to the collection-level vector index.
        vectors: Changes to named vectors' indexes, by vector name.
        add_vectors: New named vectors to add.
        replication: From :meth:`Reconfigure.replication`.
        multi_tenancy: From :meth:`Reconfigure.multi_tenancy`.
        object_ttl: The new object TTL (``ObjectTTL.disabled()`` switches it off).
        generative: The new generative module (replaces the current one).
        reranker: The new reranker module (replaces the current one).

    Returns:
        The updated class JSON.

    Raises:
        ConfigError: A change the server would refuse, or an unknown name; the message
            names it and the valid choices.
    """
    if not isinstance(existing, Mapping) or not isinstance(existing.get("class"), str):
        raise fail("existing must be a class JSON object", field="existing", value=existing)
    out: JSONDict = copy.deepcopy(dict(existing))
    name = out["class"]
    if description is not None:
        out["description"] = check_str(description, "description", allow_empty=True)
    for path, text in (property_descriptions or {}).items():
        _set_property_description(
            out.setdefault("properties", []), path, check_str(text, "description", allow_empty=True)
        )

    if inverted_index is not None:
        _merge_inverted(out, inverted_index.settings)

    if vector_index is not None:
        if not out.get("vectorIndexType") and not out.get("vectorIndexConfig"):
            names = ", ".join(repr(n) for n in out.get("vectorConfig") or {}) or "none"
            raise fail(
                f"collection {name!r} has no collection-level vector index; use vectors="
                f"{{name: ...}} (named vectors: {names})",
                field="vector_index",
                value=vector_index,
            )
        config = dict(out.get("vectorIndexConfig") or {})
        _apply_vector_index(out.get("vectorIndexType") or "hnsw", config, vector_index, name)
        out["vectorIndexConfig"] = config

    named = out.get("vectorConfig") or {}
    for vector_name, update in (vectors or {}).items():
        if vector_name not in named:
            valid = ", ".join(repr(n) for n in named) or "none"
            raise fail(
                f"collection {name!r} has no named vector {vector_name!r}; "
                f"valid choices are {valid}",
                field="vectors",
                value=vector_name,
            )
        entry = dict(named[vector_name])
        config = dict(entry.get("vectorIndexConfig") or {})
        _apply_vector_index(
            entry.get("vectorIndexType") or "hnsw", config, update, f"vector {vector_name!r}"
        )
        entry["vectorIndexConfig"] = config
        named[vector_name] = entry
    for vector in add_vectors:
        if not isinstance(vector, NamedVector):
            raise fail(
                f"add_vectors items must be NamedVector objects, got {vector!r}",
                field="add_vectors",
                value=vector,
            )
        if vector.name in named:
            raise fail(
                f"collection {name!r} already has a named vector {vector.name!r}",
                field="add_vectors",
                value=vector.name,
            )
        if vector.name == "default" and (out.get("vectorizer") or out.get("vectorIndexType")):
            raise fail(
                "a named vector called 'default' cannot be added to a collection with a "
                "collection-level vector index",
                field="add_vectors",
                value=vector.name,
            )
        named[vector.name] = vector.to_dict()
    if named:
        out["vectorConfig"] = named

    if replication is not None:
        _merge_replication(out, replication.settings)
    if multi_tenancy is not None:
        _merge_multi_tenancy(out, multi_tenancy)
    if object_ttl is not None:
        _merge_ttl(out, object_ttl)
    module_config = dict(out.get("moduleConfig") or {})
    if generative is not None:
        check_module_kind(generative, GenerativeConfig, "generative-", "generative")
        generative.check_collection_use()
        _replace_module(module_config, "generative-", generative.module, generative.settings_dict())
    if reranker is not None:
        check_module_kind(reranker, RerankerConfig, "reranker-", "reranker")
        _replace_module(module_config, "reranker-", reranker.module, reranker.settings_dict())
    if module_config:
        out["moduleConfig"] = module_config
    return out


def _merge_inverted(out: JSONDict, new: InvertedIndex) -> None:
    inverted = dict(out.get("invertedIndexConfig") or {})
    if new.bm25_b is not None or new.bm25_k1 is not None:
        bm25 = dict(inverted.get("bm25") or {"b": 0.75, "k1": 1.2})
        if new.bm25_b is not None:
            bm25["b"] = new.bm25_b
        if new.bm25_k1 is not None:
            bm25["k1"] = new.bm25_k1
        inverted["bm25"] = bm25
    stopwords = dict(inverted.get("stopwords") or {})
    if new.stopwords_preset is not None:
        stopwords["preset"] = new.stopwords_preset.value
    if new.stopwords_additions is not None:
        stopwords["additions"] = list(new.stopwords_additions)
    if new.stopwords_removals is not None:
        stopwords["removals"] = list(new.stopwords_removals)
    clash = set(stopwords.get("additions") or ()) & set(stopwords.get("removals") or ())
    if clash:
        word = sorted(clash)[0]
        raise fail(
            f"stopword {word!r} would be in both additions and removals",
            field="stopwords_additions",
            value=word,
        )
    if stopwords:
        inverted["stopwords"] = stopwords
    if new.stopword_presets is not None:
        inverted["stopwordPresets"] = {k: list(v) for k, v in new.stopword_presets.items()}
    if new.cleanup_interval_seconds is not None:
        inverted["cleanupIntervalSeconds"] = new.cleanup_interval_seconds
    out["invertedIndexConfig"] = inverted


def _merge_replication(out: JSONDict, new: Replication) -> None:
    replication = dict(out.get("replicationConfig") or {})
    if new.factor is not None:
        replication["factor"] = new.factor
    if new.deletion_strategy is not None:
        replication["deletionStrategy"] = new.deletion_strategy.value
    if new.async_config is not None:
        merged = dict(replication.get("asyncConfig") or {})
        merged.update(new.async_config.to_dict())
        replication["asyncConfig"] = merged
    out["replicationConfig"] = replication


def _merge_multi_tenancy(out: JSONDict, update: MultiTenancyUpdate) -> None:
    mt = dict(out.get("multiTenancyConfig") or {})
    if not mt.get("enabled") and (update.auto_tenant_creation or update.auto_tenant_activation):
        raise fail(
            f"collection {out['class']!r} is not multi-tenant; auto-tenant flags need "
            "multi-tenancy, which cannot be enabled on an existing collection",
            field="multi_tenancy",
            value=update,
        )
    if update.auto_tenant_creation is not None:
        mt["autoTenantCreation"] = update.auto_tenant_creation
    if update.auto_tenant_activation is not None:
        mt["autoTenantActivation"] = update.auto_tenant_activation
    out["multiTenancyConfig"] = mt


def _merge_ttl(out: JSONDict, ttl: ObjectTTL) -> None:
    if not isinstance(ttl, ObjectTTL):
        raise fail(f"object_ttl must be an ObjectTTL, got {ttl!r}", field="object_ttl", value=ttl)
    if ttl.enabled and ttl.delete_on in (CREATION_TIME, LAST_UPDATE_TIME):
        inverted = out.get("invertedIndexConfig") or {}
        if not inverted.get("indexTimestamps"):
            raise fail(
                f"object_ttl delete_on={ttl.delete_on!r} needs indexed timestamps, which "
                f"collection {out['class']!r} does not have (indexTimestamps is immutable)",
                field="delete_on",
                value=ttl.delete_on,
            )
    elif ttl.enabled:
        props = [p for p in out.get("properties") or () if isinstance(p, Mapping)]
        match = next((p for p in props if p.get("name") == ttl.delete_on), None)
        dates = [p.get("name") for p in props if (p.get("dataType") or [None])[0] == "date"]
        if match is None or (match.get("dataType") or [None])[0] != "date":
            raise fail(
                f"object_ttl delete_on {ttl.delete_on!r} is not a date property of "
                f"{out['class']!r}; date properties: {', '.join(repr(d) for d in dates) or 'none'}",
                field="delete_on",
                value=ttl.delete_on,
            )
    out["objectTtlConfig"] = ttl.to_dict()
