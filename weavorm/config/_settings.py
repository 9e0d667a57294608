"""Collection-wide settings: inverted index, multi-tenancy, replication, sharding, TTL.

JSON keys follow ``entities/models`` of Weaviate 1.39 (``InvertedIndexConfig``,
``MultiTenancyConfig``, ``ReplicationConfig``, ``ReplicationAsyncConfig``,
``ObjectTtlConfig``) and ``usecases/sharding/config``. Note: 1.38 removed the
``asyncEnabled`` flag of ``replicationConfig``; asynchronous replication is tuned with
``asyncConfig`` (:class:`AsyncReplication`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from weavorm.config._common import (
    DeletionStrategy,
    DeletionStrategyName,
    JSONDict,
    StopwordsPreset,
    StopwordsPresetName,
    as_mapping,
    build,
    check_str,
    enum_value,
    fail,
    json_bool,
    json_float,
    json_int,
    json_str,
    json_strs,
    opt_bool,
    opt_float,
    opt_int,
    str_tuple,
)

__all__ = [
    "CREATION_TIME",
    "LAST_UPDATE_TIME",
    "AsyncReplication",
    "InvertedIndex",
    "MultiTenancy",
    "ObjectTTL",
    "Replication",
    "Sharding",
    "TokenizerUserDict",
]

DEFAULT_BM25_B = 0.75
DEFAULT_BM25_K1 = 1.2
CREATION_TIME = "_creationTimeUnix"
LAST_UPDATE_TIME = "_lastUpdateTimeUnix"


@dataclass(frozen=True, init=False)
class TokenizerUserDict:
    """Replacements applied before a Kagome tokenizer splits text.

    Attributes:
        tokenizer: ``"kagome_ja"`` or ``"kagome_kr"``.
        replacements: ``(source, target)`` pairs.
    """

    tokenizer: str
    replacements: tuple[tuple[str, str], ...]

    def __init__(self, tokenizer: str, replacements: Mapping[str, str]) -> None:
        """Create a user dictionary.

        Args:
            tokenizer: ``"kagome_ja"`` or ``"kagome_kr"``.
            replacements: Mapping of source string to replacement.

        Raises:
            ConfigError: An unsupported tokenizer or an empty source.
        """
        if tokenizer not in ("kagome_ja", "kagome_kr"):
            raise fail(
                f"invalid user dictionary tokenizer {tokenizer!r}; valid choices are "
                "'kagome_ja', 'kagome_kr'",
                field="tokenizer",
                value=tokenizer,
            )
        pairs = tuple(
            (
                check_str(s, "replacement source"),
                check_str(t, "replacement target", allow_empty=True),
            )
            for s, t in replacements.items()
        )
        object.__setattr__(self, "tokenizer", tokenizer)
        object.__setattr__(self, "replacements", pairs)

    def to_dict(self) -> JSONDict:
        """Return the ``tokenizerUserDict`` entry."""
        return {
            "tokenizer": self.tokenizer,
            "replacements": [{"source": s, "target": t} for s, t in self.replacements],
        }


@dataclass(frozen=True, init=False)
class InvertedIndex:
    """Inverted index (keyword search and filtering) settings of a collection.

    Attributes:
        bm25_b: BM25 length normalization, 0..1 (server default 0.75).
        bm25_k1: BM25 term-frequency saturation, >= 0 (server default 1.2).
        stopwords_preset: ``"en"`` (default) or ``"none"``.
        stopwords_additions: Extra stopwords.
        stopwords_removals: Words removed from the preset.
        stopword_presets: User-defined named stopword lists for ``TextAnalyzer``.
        index_timestamps: Index creation/update times (immutable).
        index_null_state: Index null state for ``is_null`` filters (immutable).
        index_property_length: Index property lengths for ``len()`` filters (immutable).
        cleanup_interval_seconds: Asynchronous cleanup interval (server default 60).
        tokenizer_user_dict: Kagome user dictionaries.
        using_block_max_wand: BlockMax WAND in use (set by the server for new collections).
    """

    bm25_b: float | None
    bm25_k1: float | None
    stopwords_preset: StopwordsPreset | None
    stopwords_additions: tuple[str, ...] | None
    stopwords_removals: tuple[str, ...] | None
    stopword_presets: Mapping[str, tuple[str, ...]] | None
    index_timestamps: bool | None
    index_null_state: bool | None
    index_property_length: bool | None
    cleanup_interval_seconds: int | None
    tokenizer_user_dict: tuple[TokenizerUserDict, ...] | None
    using_block_max_wand: bool | None

    def __init__(
        self,
        *,
        bm25_b: float | None = None,
        bm25_k1: float | None = None,
        stopwords_preset: StopwordsPreset | StopwordsPresetName | None = None,
        stopwords_additions: Sequence[str] | None = None,
        stopwords_removals: Sequence[str] | None = None,
        stopword_presets: Mapping[str, Sequence[str]] | None = None,
        index_timestamps: bool | None = None,
        index_null_state: bool | None = None,
        index_property_length: bool | None = None,
        cleanup_interval_seconds: int | None = None,
        tokenizer_user_dict: Sequence[TokenizerUserDict] | None = None,
        using_block_max_wand: bool | None = None,
    ) -> None:
        """Create inverted index settings. ``None`` keeps the server default.

        Args:
            bm25_b: BM25 ``b``, 0..1.
            bm25_k1: BM25 ``k1``, >= 0.
            stopwords_preset: ``"en"`` or ``"none"``.
            stopwords_additions: Extra stopwords.
            stopwords_removals: Words removed from the preset.
            stopword_presets: Named stopword lists usable by ``TextAnalyzer``.
            index_timestamps: Index creation/update times.
            index_null_state: Index null state.
            index_property_length: Index property lengths.
            cleanup_interval_seconds: Cleanup interval, >= 1.
            tokenizer_user_dict: Kagome user dictionaries (one per tokenizer).
            using_block_max_wand: Request BlockMax WAND (the server default is on).

        Raises:
            ConfigError: A value out of range, a word in both additions and removals, an
                empty preset, or two dictionaries for one tokenizer.
        """
        additions = str_tuple(stopwords_additions, "stopwords_additions", allow_empty=True)
        removals = str_tuple(stopwords_removals, "stopwords_removals", allow_empty=True)
        both = sorted(set(additions or ()) & set(removals or ()))
        if both:
            raise fail(
                f"stopword {both[0]!r} is in both stopwords_additions and stopwords_removals",
                field="stopwords_additions",
                value=both[0],
            )
        presets: dict[str, tuple[str, ...]] | None = None
        if stopword_presets is not None:
            presets = {}
            for name, words in stopword_presets.items():
                check_str(name, "stopword_presets name")
                presets[name] = str_tuple(words, f"stopword_presets[{name!r}]") or ()
        dicts = tuple(tokenizer_user_dict) if tokenizer_user_dict is not None else None
        seen: set[str] = set()
        for entry in dicts or ():
            if not isinstance(entry, TokenizerUserDict):
                raise fail(
                    f"tokenizer_user_dict entries must be TokenizerUserDict, got {entry!r}",
                    field="tokenizer_user_dict",
                    value=entry,
                )
            if entry.tokenizer in seen:
                raise fail(
                    f"duplicate user dictionary for tokenizer {entry.tokenizer!r}",
                    field="tokenizer_user_dict",
                    value=entry.tokenizer,
                )
            seen.add(entry.tokenizer)
        values = {
            "bm25_b": opt_float(bm25_b, "bm25_b", minimum=0.0, maximum=1.0),
            "bm25_k1": opt_float(bm25_k1, "bm25_k1", minimum=0.0),
            "stopwords_preset": None
            if stopwords_preset is None
            else enum_value(stopwords_preset, StopwordsPreset, "stopwords_preset"),
            "stopwords_additions": additions,
            "stopwords_removals": removals,
            "stopword_presets": presets,
            "index_timestamps": opt_bool(index_timestamps, "index_timestamps"),
            "index_null_state": opt_bool(index_null_state, "index_null_state"),
            "index_property_length": opt_bool(index_property_length, "index_property_length"),
            "cleanup_interval_seconds": opt_int(
                cleanup_interval_seconds, "cleanup_interval_seconds", minimum=1
            ),
            "tokenizer_user_dict": dicts,
            "using_block_max_wand": opt_bool(using_block_max_wand, "using_block_max_wand"),
        }
        for key, value in values.items():
            object.__setattr__(self, key, value)

    def to_dict(self) -> JSONDict:
        """Return the ``invertedIndexConfig`` JSON object.

        A lone ``bm25_b`` or ``bm25_k1`` is completed with the server default of the
        other (the server would otherwise read the missing one as 0).
        """
        out: JSONDict = {}
        if self.bm25_b is not None or self.bm25_k1 is not None:
            out["bm25"] = {
                "b": DEFAULT_BM25_B if self.bm25_b is None else self.bm25_b,
                "k1": DEFAULT_BM25_K1 if self.bm25_k1 is None else self.bm25_k1,
            }
        stopwords: JSONDict = {}
        if self.stopwords_preset is not None:
            stopwords["preset"] = self.stopwords_preset.value
        if self.stopwords_additions is not None:
            stopwords["additions"] = list(self.stopwords_additions)
        if self.stopwords_removals is not None:
            stopwords["removals"] = list(self.stopwords_removals)
        if stopwords:
            out["stopwords"] = stopwords
        if self.stopword_presets is not None:
            out["stopwordPresets"] = {k: list(v) for k, v in self.stopword_presets.items()}
        for attr, key in (
            ("index_timestamps", "indexTimestamps"),
            ("index_null_state", "indexNullState"),
            ("index_property_length", "indexPropertyLength"),
            ("cleanup_interval_seconds", "cleanupIntervalSeconds"),
            ("using_block_max_wand", "usingBlockMaxWAND"),
        ):
            value = getattr(self, attr)
            if value is not None:
                out[key] = value
        if self.tokenizer_user_dict is not None:
            out["tokenizerUserDict"] = [d.to_dict() for d in self.tokenizer_user_dict]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InvertedIndex:
        """Parse an ``invertedIndexConfig`` JSON object (lenient)."""
        bm25 = as_mapping(data.get("bm25"), "bm25")
        stop = as_mapping(data.get("stopwords"), "stopwords")
        preset = json_str(stop.get("preset"))
        presets_raw = data.get("stopwordPresets")
        presets = (
            {str(k): json_strs(v) or () for k, v in presets_raw.items()}
            if isinstance(presets_raw, Mapping)
            else None
        )
        dicts_raw = data.get("tokenizerUserDict")
        dicts = None
        if isinstance(dicts_raw, list):
            dicts = tuple(
                build(
                    TokenizerUserDict,
                    tokenizer=str(d.get("tokenizer", "")),
                    replacements=tuple(
                        (str(r.get("source", "")), str(r.get("target", "")))
                        for r in d.get("replacements") or ()
                    ),
                )
                for d in dicts_raw
                if isinstance(d, Mapping)
            )
        return build(
            cls,
            bm25_b=json_float(bm25.get("b")),
            bm25_k1=json_float(bm25.get("k1")),
            stopwords_preset=None
            if preset is None
            else enum_value(preset, StopwordsPreset, "stopwords.preset"),
            stopwords_additions=json_strs(stop.get("additions")),
            stopwords_removals=json_strs(stop.get("removals")),
            stopword_presets=presets,
            index_timestamps=json_bool(data.get("indexTimestamps")),
            index_null_state=json_bool(data.get("indexNullState")),
            index_property_length=json_bool(data.get("indexPropertyLength")),
            cleanup_interval_seconds=json_int(data.get("cleanupIntervalSeconds")),
            tokenizer_user_dict=dicts,
            using_block_max_wand=json_bool(data.get("usingBlockMaxWAND")),
        )


@dataclass(frozen=True, init=False)
class MultiTenancy:
    """Multi-tenancy settings.

    Attributes:
        enabled: Whether the collection is multi-tenant (immutable).
        auto_tenant_creation: Create unknown tenants on insert.
        auto_tenant_activation: Activate inactive tenants on access.
    """

    enabled: bool
    auto_tenant_creation: bool | None
    auto_tenant_activation: bool | None

    def __init__(
        self,
        enabled: bool = True,
        *,
        auto_tenant_creation: bool | None = None,
        auto_tenant_activation: bool | None = None,
    ) -> None:
        """Create multi-tenancy settings.

        Args:
            enabled: Enable multi-tenancy.
            auto_tenant_creation: Create unknown tenants on insert.
            auto_tenant_activation: Activate inactive tenants on access.

        Raises:
            ConfigError: An auto flag set on a collection that is not multi-tenant.
        """
        enabled = bool(opt_bool(enabled, "enabled"))
        creation = opt_bool(auto_tenant_creation, "auto_tenant_creation")
        activation = opt_bool(auto_tenant_activation, "auto_tenant_activation")
        if not enabled and (creation or activation):
            flag = "auto_tenant_creation" if creation else "auto_tenant_activation"
            raise fail(f"{flag}=True needs enabled=True", field=flag, value=True)
        object.__setattr__(self, "enabled", enabled)
        object.__setattr__(self, "auto_tenant_creation", creation)
        object.__setattr__(self, "auto_tenant_activation", activation)

    def to_dict(self) -> JSONDict:
        """Return the ``multiTenancyConfig`` JSON object."""
        out: JSONDict = {"enabled": self.enabled}
        if self.auto_tenant_creation is not None:
            out["autoTenantCreation"] = self.auto_tenant_creation
        if self.auto_tenant_activation is not None:
            out["autoTenantActivation"] = self.auto_tenant_activation
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MultiTenancy:
        """Parse a ``multiTenancyConfig`` JSON object (lenient)."""
        return build(
            cls,
            enabled=bool(json_bool(data.get("enabled"))),
            auto_tenant_creation=json_bool(data.get("autoTenantCreation")),
            auto_tenant_activation=json_bool(data.get("autoTenantActivation")),
        )


_ASYNC_FIELDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("hashtree_height", "hashtreeHeight", 0, 20),
    ("frequency", "frequency", 0, None),
    ("frequency_while_propagating", "frequencyWhilePropagating", 0, None),
    ("logging_frequency", "loggingFrequency", 1, None),
    ("diff_batch_size", "diffBatchSize", 1, 10_000),
    ("diff_per_node_timeout", "diffPerNodeTimeout", 1, None),
    ("pre_propagation_timeout", "prePropagationTimeout", 1, None),
    ("propagation_timeout", "propagationTimeout", 1, None),
    ("propagation_limit", "propagationLimit", 1, 100_000),
    ("propagation_delay", "propagationDelay", 0, None),
    ("propagation_concurrency", "propagationConcurrency", 1, 20),
    ("propagation_batch_size", "propagationBatchSize", 1, 1_000),
)


@dataclass(frozen=True, init=False)
class AsyncReplication:
    """Per-collection tuning of asynchronous replication (``replicationConfig.asyncConfig``).

    Attributes:
        hashtree_height: Hash tree height, 0..20.
        frequency: Diff frequency in milliseconds.
        frequency_while_propagating: Diff frequency while propagating, in milliseconds.
        logging_frequency: Status log interval in seconds.
        diff_batch_size: Keys per diff batch, 1..10000.
        diff_per_node_timeout: Diff timeout per node in seconds.
        pre_propagation_timeout: Pre-propagation timeout in seconds.
        propagation_timeout: Propagation timeout per batch in seconds.
        propagation_limit: Objects propagated per run, 1..100000.
        propagation_delay: Delay before propagating new objects, in milliseconds.
        propagation_concurrency: Concurrent propagation workers, 1..20.
        propagation_batch_size: Objects per propagation batch, 1..1000.
    """

    hashtree_height: int | None
    frequency: int | None
    frequency_while_propagating: int | None
    logging_frequency: int | None
    diff_batch_size: int | None
    diff_per_node_timeout: int | None
    pre_propagation_timeout: int | None
    propagation_timeout: int | None
    propagation_limit: int | None
    propagation_delay: int | None
    propagation_concurrency: int | None
    propagation_batch_size: int | None

    def __init__(
        self,
        *,
        hashtree_height: int | None = None,
        frequency: int | None = None,
        frequency_while_propagating: int | None = None,
        logging_frequency: int | None = None,
        diff_batch_size: int | None = None,
        diff_per_node_timeout: int | None = None,
        pre_propagation_timeout: int | None = None,
        propagation_timeout: int | None = None,
        propagation_limit: int | None = None,
        propagation_delay: int | None = None,
        propagation_concurrency: int | None = None,
        propagation_batch_size: int | None = None,
    ) -> None:
        """Create asynchronous replication settings (see the attributes for units).

        Args:
            hashtree_height: Hash tree height, 0..20.
            frequency: Diff frequency (ms).
            frequency_while_propagating: Diff frequency while propagating (ms).
            logging_frequency: Status log interval (s).
            diff_batch_size: Keys per diff batch, 1..10000.
            diff_per_node_timeout: Diff timeout per node (s).
            pre_propagation_timeout: Pre-propagation timeout (s).
            propagation_timeout: Propagation timeout per batch (s).
            propagation_limit: Objects per run, 1..100000.
            propagation_delay: Propagation delay (ms).
            propagation_concurrency: Workers, 1..20.
            propagation_batch_size: Objects per batch, 1..1000.

        Raises:
            ConfigError: A value out of range.
        """
        given = dict(locals())
        for attr, _key, low, high in _ASYNC_FIELDS:
            object.__setattr__(self, attr, opt_int(given[attr], attr, minimum=low, maximum=high))

    def to_dict(self) -> JSONDict:
        """Return the ``asyncConfig`` JSON object."""
        return {
            key: getattr(self, attr)
            for attr, key, _low, _high in _ASYNC_FIELDS
            if getattr(self, attr) is not None
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AsyncReplication:
        """Parse an ``asyncConfig`` JSON object (lenient)."""
        return build(
            cls, **{attr: json_int(data.get(key)) for attr, key, _low, _high in _ASYNC_FIELDS}
        )


@dataclass(frozen=True, init=False)
class Replication:
    """Replication settings.

    Attributes:
        factor: Number of replicas (at most the number of nodes).
        deletion_strategy: ``"NoAutomatedResolution"``, ``"DeleteOnConflict"`` or
            ``"TimeBasedResolution"`` (server default).
        async_config: Tuning of asynchronous replication.
        async_enabled: Read-only: whether async replication runs (the server derives it
            from its ``ASYNC_REPLICATION_DISABLED`` setting; it is not sent on create).
    """

    factor: int | None
    deletion_strategy: DeletionStrategy | None
    async_config: AsyncReplication | None
    async_enabled: bool | None

    def __init__(
        self,
        *,
        factor: int | None = None,
        deletion_strategy: DeletionStrategy | DeletionStrategyName | None = None,
        async_config: AsyncReplication | None = None,
    ) -> None:
        """Create replication settings.

        Args:
            factor: Number of replicas, >= 1.
            deletion_strategy: How conflicting deletes are resolved.
            async_config: Asynchronous replication tuning.

        Raises:
            ConfigError: A factor below 1 or an unknown strategy.
        """
        if async_config is not None and not isinstance(async_config, AsyncReplication):
            raise fail(
                f"async_config must be an AsyncReplication, got {async_config!r}",
                field="async_config",
                value=async_config,
            )
        object.__setattr__(self, "factor", opt_int(factor, "replication factor", minimum=1))
        object.__setattr__(
            self,
            "deletion_strategy",
            None
            if deletion_strategy is None
            else enum_value(deletion_strategy, DeletionStrategy, "deletion_strategy"),
        )
        object.__setattr__(self, "async_config", async_config)
        object.__setattr__(self, "async_enabled", None)

    def to_dict(self) -> JSONDict:
        """Return the ``replicationConfig`` JSON object."""
        out: JSONDict = {}
        if self.factor is not None:
            out["factor"] = self.factor
        if self.deletion_strategy is not None:
            out["deletionStrategy"] = self.deletion_strategy.value
        if self.async_config is not None:
            out["asyncConfig"] = self.async_config.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Replication:
        """Parse a ``replicationConfig`` JSON object (lenient)."""
        strategy = json_str(data.get("deletionStrategy"))
        async_raw = data.get("asyncConfig")
        return build(
            cls,
            factor=json_int(data.get("factor")),
            deletion_strategy=None
            if strategy is None
            else enum_value(strategy, DeletionStrategy, "deletionStrategy"),
            async_config=AsyncReplication.from_dict(async_raw)
            if isinstance(async_raw, Mapping)
            else None,
            async_enabled=json_bool(data.get("asyncEnabled")),
        )


@dataclass(frozen=True, init=False)
class Sharding:
    """Sharding settings of a single-tenant collection (immutable after creation).

    Attributes:
        virtual_per_physical: Virtual shards per physical shard (server default 128).
        desired_count: Number of physical shards (server default: number of nodes).
        desired_virtual_count: Server-computed number of virtual shards (read-only).
        actual_count: Server-reported number of physical shards (read-only).
        actual_virtual_count: Server-reported number of virtual shards (read-only).
        key: Sharding key (always ``"_id"``).
        strategy: Sharding strategy (always ``"hash"``).
        function: Hash function (always ``"murmur3"``).
    """

    virtual_per_physical: int | None
    desired_count: int | None
    desired_virtual_count: int | None
    actual_count: int | None
    actual_virtual_count: int | None
    key: str | None
    strategy: str | None
    function: str | None

    def __init__(
        self, *, virtual_per_physical: int | None = None, desired_count: int | None = None
    ) -> None:
        """Create sharding settings.

        Args:
            virtual_per_physical: Virtual shards per physical shard, >= 1.
            desired_count: Number of physical shards, >= 1.

        Raises:
            ConfigError: A value below 1.
        """
        object.__setattr__(
            self,
            "virtual_per_physical",
            opt_int(virtual_per_physical, "virtual_per_physical", minimum=1),
        )
        object.__setattr__(
            self, "desired_count", opt_int(desired_count, "desired_count", minimum=1)
        )
        for attr in (
            "desired_virtual_count",
            "actual_count",
            "actual_virtual_count",
            "key",
            "strategy",
            "function",
        ):
            object.__setattr__(self, attr, None)

    def to_dict(self) -> JSONDict:
        """Return the ``shardingConfig`` JSON object (only the settable keys)."""
        out: JSONDict = {}
        if self.virtual_per_physical is not None:
            out["virtualPerPhysical"] = self.virtual_per_physical
        if self.desired_count is not None:
            out["desiredCount"] = self.desired_count
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Sharding:
        """Parse a ``shardingConfig`` JSON object (lenient)."""
        return build(
            cls,
            virtual_per_physical=json_int(data.get("virtualPerPhysical")),
            desired_count=json_int(data.get("desiredCount")),
            desired_virtual_count=json_int(data.get("desiredVirtualCount")),
            actual_count=json_int(data.get("actualCount")),
            actual_virtual_count=json_int(data.get("actualVirtualCount")),
            key=json_str(data.get("key")),
            strategy=json_str(data.get("strategy")),
            function=json_str(data.get("function")),
        )


def _seconds(value: int | datetime.timedelta, field: str) -> int:
    if isinstance(value, datetime.timedelta):
        return int(value.total_seconds())
    result = opt_int(value, field)
    return 0 if result is None else result


@dataclass(frozen=True, init=False)
class ObjectTTL:
    """Object time-to-live: objects expire ``default_ttl`` seconds after ``delete_on``.

    Use the constructors :meth:`delete_by_creation_time`, :meth:`delete_by_update_time`,
    :meth:`delete_by_date_property` or :meth:`disabled`. The server needs
    ``OBJECTS_TTL_DELETE_SCHEDULE`` set to enable TTL, and accepts ``default_ttl`` of at
    least 60 s for the time-based variants (``OBJECTS_TTL_MINIMUM_DEFAULT_TTL``).

    Attributes:
        enabled: Whether TTL is enabled.
        delete_on: ``"_creationTimeUnix"``, ``"_lastUpdateTimeUnix"`` or a ``date`` property.
        default_ttl: Seconds added to the ``delete_on`` time (may be negative for a property).
        filter_expired_objects: Hide expired objects before the background deletion.
    """

    enabled: bool
    delete_on: str | None
    default_ttl: int
    filter_expired_objects: bool

    def __init__(
        self,
        *,
        delete_on: str | None,
        default_ttl: int | datetime.timedelta = 0,
        filter_expired_objects: bool = False,
        enabled: bool = True,
    ) -> None:
        """Create a TTL configuration (prefer the named constructors).

        Args:
            delete_on: ``"_creationTimeUnix"``, ``"_lastUpdateTimeUnix"`` or a property name.
            default_ttl: Seconds (or a ``timedelta``) added to the ``delete_on`` time.
            filter_expired_objects: Hide expired objects from results.
            enabled: Whether TTL is enabled.

        Raises:
            ConfigError: A missing ``delete_on`` or a non-positive TTL on a timestamp.
        """
        enabled = bool(opt_bool(enabled, "enabled"))
        ttl = _seconds(default_ttl, "default_ttl")
        if enabled:
            delete_on = check_str(delete_on, "delete_on").strip()
            if delete_on in (CREATION_TIME, LAST_UPDATE_TIME) and ttl <= 0:
                raise fail(
                    f"default_ttl must be positive for delete_on={delete_on!r}, got {ttl}",
                    field="default_ttl",
                    value=ttl,
                )
        object.__setattr__(self, "enabled", enabled)
        object.__setattr__(self, "delete_on", delete_on)
        object.__setattr__(self, "default_ttl", ttl)
        object.__setattr__(
            self,
            "filter_expired_objects",
            bool(opt_bool(filter_expired_objects, "filter_expired_objects")),
        )

    @classmethod
    def delete_by_creation_time(
        cls, ttl: int | datetime.timedelta, *, filter_expired_objects: bool = False
    ) -> ObjectTTL:
        """Expire objects ``ttl`` after their creation.

        Args:
            ttl: Seconds or a ``timedelta`` (positive; the server minimum is 60 s).
            filter_expired_objects: Hide expired objects from results.
        """
        return cls(
            delete_on=CREATION_TIME, default_ttl=ttl, filter_expired_objects=filter_expired_objects
        )

    @classmethod
    def delete_by_update_time(
        cls, ttl: int | datetime.timedelta, *, filter_expired_objects: bool = False
    ) -> ObjectTTL:
        """Expire objects ``ttl`` after their last update.

        Args:
            ttl: Seconds or a ``timedelta`` (positive; the server minimum is 60 s).
            filter_expired_objects: Hide expired objects from results.
        """
        return cls(
            delete_on=LAST_UPDATE_TIME,
            default_ttl=ttl,
            filter_expired_objects=filter_expired_objects,
        )

    @classmethod
    def delete_by_date_property(
        cls,
        property_name: str,
        *,
        offset: int | datetime.timedelta = 0,
        filter_expired_objects: bool = False,
    ) -> ObjectTTL:
        """Expire objects at the time in a ``date`` property plus ``offset``.

        Args:
            property_name: A filterable or range-indexed ``date`` property.
            offset: Seconds or a ``timedelta`` added to the date (may be negative).
            filter_expired_objects: Hide expired objects from results.
        """
        return cls(
            delete_on=property_name,
            default_ttl=offset,
            filter_expired_objects=filter_expired_objects,
        )

    @classmethod
    def disabled(cls) -> ObjectTTL:
        """No object expiry (use it to switch TTL off in an update)."""
        return cls(delete_on=None, enabled=False)

    @property
    def uses_timestamps(self) -> bool:
        """Whether expiry is computed from the object timestamps."""
        return self.enabled and self.delete_on in (CREATION_TIME, LAST_UPDATE_TIME)

    def to_dict(self) -> JSONDict:
        """Return the ``objectTtlConfig`` JSON object."""
        if not self.enabled:
            return {"enabled": False}
        return {
            "enabled": True,
            "deleteOn": self.delete_on,
            "defaultTtl": self.default_ttl,
            "filterExpiredObjects": self.filter_expired_objects,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ObjectTTL:
        """Parse an ``objectTtlConfig`` JSON object (lenient)."""
        return build(
            cls,
            enabled=bool(json_bool(data.get("enabled"))),
            delete_on=json_str(data.get("deleteOn")),
            default_ttl=json_int(data.get("defaultTtl")) or 0,
            filter_expired_objects=bool(json_bool(data.get("filterExpiredObjects"))),
        )
