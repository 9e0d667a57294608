"""Vector index configurations: HNSW, flat, dynamic and hfresh (+ multi-vector).

JSON keys follow ``entities/vectorindex/{hnsw,flat,dynamic,hfresh}/config.go`` of
Weaviate 1.39. Notes on the server side of things:

* ``dynamic`` is only accepted when the server runs with ``ASYNC_INDEXING=true``.
* ``hfresh`` keys are ``maxPostingSizeKB`` (8..1024), ``replicas`` (at most 10),
  ``searchProbe`` and ``distance`` (``cosine`` or ``l2-squared``); it always quantizes
  with 1-bit ``rq`` (``rescoreLimit`` default 350).
* Multi-vectors (``multivector``) are only supported by HNSW on named vectors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from weavorm.config._common import (
    FilterStrategy,
    FilterStrategyName,
    JSONDict,
    VectorDistance,
    VectorDistanceName,
    build,
    check_int,
    enum_value,
    fail,
    json_bool,
    json_int,
    json_str,
    opt_bool,
    opt_int,
)
from weavorm.config._quantizers import QuantizerConfig, RQConfig, quantizer_from_index_json

__all__ = [
    "DynamicIndex",
    "FlatIndex",
    "HFreshIndex",
    "HnswIndex",
    "MultiVector",
    "Muvera",
    "VectorIndex",
    "VectorIndexConfig",
    "vector_index_from_json",
]

_HFRESH_DISTANCES = (VectorDistance.COSINE, VectorDistance.L2_SQUARED)


def _distance(value: Any) -> VectorDistance | None:
    return None if value is None else enum_value(value, VectorDistance, "distance")


def _quantizer(value: Any, index_type: str) -> QuantizerConfig | None:
    if value is None:
        return None
    if not isinstance(value, QuantizerConfig):
        raise fail(
            f"quantizer must be built with Quantizer.pq/bq/sq/rq/none, got {value!r}",
            field="quantizer",
            value=value,
        )
    value.fragment(index_type)  # raises if the index does not support it
    return value


class VectorIndexConfig:
    """Base class of the vector index configurations."""

    index_type: ClassVar[str] = ""

    @property
    def multi_vector_enabled(self) -> bool:
        """Whether the index stores multi-vectors."""
        return False

    def to_dict(self) -> JSONDict:
        """Return the ``vectorIndexConfig`` JSON object."""
        raise NotImplementedError


@dataclass(frozen=True, init=False)
class Muvera:
    """MUVERA encoding of multi-vectors into single fixed-size vectors.

    Attributes:
        ksim: Number of SimHash bits, at most 10 (server default 4).
        dprojections: Dimensions of each projection (server default 16).
        repetitions: Number of repetitions (server default 10).
    """

    ksim: int | None
    dprojections: int | None
    repetitions: int | None

    def __init__(
        self,
        *,
        ksim: int | None = None,
        dprojections: int | None = None,
        repetitions: int | None = None,
    ) -> None:
        """Create a MUVERA encoding.

        Args:
            ksim: Number of SimHash bits, 0..10.
            dprojections: Dimensions of each projection, at least 1.
            repetitions: Number of repetitions, at least 1.

        Raises:
            ConfigError: A value out of range.
        """
        object.__setattr__(self, "ksim", opt_int(ksim, "muvera ksim", minimum=0, maximum=10))
        object.__setattr__(
            self, "dprojections", opt_int(dprojections, "muvera dprojections", minimum=1)
        )
        object.__setattr__(
            self, "repetitions", opt_int(repetitions, "muvera repetitions", minimum=1)
        )

    def to_dict(self) -> JSONDict:
        """Return the ``muvera`` JSON object."""
        out: JSONDict = {"enabled": True}
        for key in ("ksim", "dprojections", "repetitions"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True, init=False)
class MultiVector:
    """Multi-vector (late interaction, ColBERT style) storage of an HNSW index.

    Attributes:
        aggregation: How per-token similarities are combined (only ``"maxSim"``).
        muvera: MUVERA encoding, or ``None`` to index every token vector.
    """

    aggregation: str
    muvera: Muvera | None

    def __init__(self, *, aggregation: str = "maxSim", muvera: Muvera | None = None) -> None:
        """Create a multi-vector configuration.

        Args:
            aggregation: The aggregation; ``"maxSim"`` is the only one.
            muvera: Optional MUVERA encoding.

        Raises:
            ConfigError: An unknown aggregation.
        """
        if aggregation != "maxSim":
            raise fail(
                f"invalid multi-vector aggregation {aggregation!r}; valid choices are 'maxSim'",
                field="aggregation",
                value=aggregation,
            )
        if muvera is not None and not isinstance(muvera, Muvera):
            raise fail(f"muvera must be a Muvera, got {muvera!r}", field="muvera", value=muvera)
        object.__setattr__(self, "aggregation", aggregation)
        object.__setattr__(self, "muvera", muvera)

    def to_dict(self) -> JSONDict:
        """Return the ``multivector`` JSON object."""
        out: JSONDict = {"enabled": True, "aggregation": self.aggregation}
        if self.muvera is not None:
            out["muvera"] = self.muvera.to_dict()
        return out


_HNSW_KEYS = (
    ("ef", "ef"),
    ("ef_construction", "efConstruction"),
    ("max_connections", "maxConnections"),
    ("dynamic_ef_min", "dynamicEfMin"),
    ("dynamic_ef_max", "dynamicEfMax"),
    ("dynamic_ef_factor", "dynamicEfFactor"),
    ("flat_search_cutoff", "flatSearchCutoff"),
    ("cleanup_interval_seconds", "cleanupIntervalSeconds"),
    ("vector_cache_max_objects", "vectorCacheMaxObjects"),
)


@dataclass(frozen=True, init=False)
class HnswIndex(VectorIndexConfig):
    """An HNSW vector index (the default). ``None`` fields keep the server default.

    Attributes:
        distance: Distance metric.
        ef: Search list size; ``-1`` makes it dynamic.
        ef_construction: Build-time search list size (>= 4).
        max_connections: Graph degree (4..2047).
        dynamic_ef_min: Lower bound of the dynamic ef.
        dynamic_ef_max: Upper bound of the dynamic ef.
        dynamic_ef_factor: Multiplier of the limit for the dynamic ef.
        flat_search_cutoff: Filter match count below which a flat search is used.
        cleanup_interval_seconds: Tombstone cleanup interval.
        vector_cache_max_objects: Vectors kept in memory.
        filter_strategy: ``"sweeping"`` or ``"acorn"``.
        skip: Do not index vectors at all.
        quantizer: The quantizer.
        multi_vector: Multi-vector storage.
    """

    index_type: ClassVar[str] = "hnsw"
    distance: VectorDistance | None
    ef: int | None
    ef_construction: int | None
    max_connections: int | None
    dynamic_ef_min: int | None
    dynamic_ef_max: int | None
    dynamic_ef_factor: int | None
    flat_search_cutoff: int | None
    cleanup_interval_seconds: int | None
    vector_cache_max_objects: int | None
    filter_strategy: FilterStrategy | None
    skip: bool | None
    quantizer: QuantizerConfig | None
    multi_vector: MultiVector | None

    def __init__(
        self,
        *,
        distance: VectorDistance | VectorDistanceName | None = None,
        ef: int | None = None,
        ef_construction: int | None = None,
        max_connections: int | None = None,
        dynamic_ef_min: int | None = None,
        dynamic_ef_max: int | None = None,
        dynamic_ef_factor: int | None = None,
        flat_search_cutoff: int | None = None,
        cleanup_interval_seconds: int | None = None,
        vector_cache_max_objects: int | None = None,
        filter_strategy: FilterStrategy | FilterStrategyName | None = None,
        skip: bool | None = None,
        quantizer: QuantizerConfig | None = None,
        multi_vector: MultiVector | None = None,
    ) -> None:
        """Create an HNSW index configuration (see :meth:`VectorIndex.hnsw`)."""
        if ef is not None and check_int(ef, "ef", minimum=-1) == 0:
            raise fail("ef must be -1 (dynamic) or >= 1, got 0", field="ef", value=ef)
        ef_min = opt_int(dynamic_ef_min, "dynamic_ef_min", minimum=0)
        ef_max = opt_int(dynamic_ef_max, "dynamic_ef_max", minimum=0)
        if ef_min is not None and ef_max is not None and ef_min > ef_max:
            raise fail(
                f"dynamic_ef_min ({ef_min}) must not exceed dynamic_ef_max ({ef_max})",
                field="dynamic_ef_min",
                value=ef_min,
            )
        if multi_vector is not None and not isinstance(multi_vector, MultiVector):
            raise fail(
                f"multi_vector must be a MultiVector, got {multi_vector!r}",
                field="multi_vector",
                value=multi_vector,
            )
        values = {
            "distance": _distance(distance),
            "ef": ef,
            "ef_construction": opt_int(ef_construction, "ef_construction", minimum=4),
            "max_connections": opt_int(max_connections, "max_connections", minimum=4, maximum=2047),
            "dynamic_ef_min": ef_min,
            "dynamic_ef_max": ef_max,
            "dynamic_ef_factor": opt_int(dynamic_ef_factor, "dynamic_ef_factor", minimum=0),
            "flat_search_cutoff": opt_int(flat_search_cutoff, "flat_search_cutoff", minimum=0),
            "cleanup_interval_seconds": opt_int(
                cleanup_interval_seconds, "cleanup_interval_seconds", minimum=0
            ),
            "vector_cache_max_objects": opt_int(
                vector_cache_max_objects, "vector_cache_max_objects", minimum=0
            ),
            "filter_strategy": None
            if filter_strategy is None
            else enum_value(filter_strategy, FilterStrategy, "filter_strategy"),
            "skip": opt_bool(skip, "skip"),
            "quantizer": _quantizer(quantizer, "hnsw"),
            "multi_vector": multi_vector,
        }
        for key, value in values.items():
            object.__setattr__(self, key, value)

    @property
    def multi_vector_enabled(self) -> bool:
        """Whether the index stores multi-vectors."""
        return self.multi_vector is not None

    def to_dict(self) -> JSONDict:
        """Return the HNSW ``vectorIndexConfig`` JSON object."""
        out: JSONDict = {}
        if self.distance is not None:
            out["distance"] = self.distance.value
        for attr, key in _HNSW_KEYS:
            value = getattr(self, attr)
            if value is not None:
                out[key] = value
        if self.filter_strategy is not None:
            out["filterStrategy"] = self.filter_strategy.value
        if self.skip is not None:
            out["skip"] = self.skip
        if self.quantizer is not None:
            out.update(self.quantizer.fragment("hnsw"))
        if self.multi_vector is not None:
            out["multivector"] = self.multi_vector.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HnswIndex:
        """Parse an HNSW ``vectorIndexConfig`` JSON object (lenient)."""
        values: dict[str, Any] = {attr: json_int(data.get(key)) for attr, key in _HNSW_KEYS}
        distance = json_str(data.get("distance"))
        strategy = json_str(data.get("filterStrategy"))
        values["distance"] = None if distance is None else _distance(distance)
        values["filter_strategy"] = (
            None if strategy is None else enum_value(strategy, FilterStrategy, "filterStrategy")
        )
        values["skip"] = json_bool(data.get("skip"))
        values["quantizer"] = quantizer_from_index_json("hnsw", data)
        values["multi_vector"] = _multi_vector_from_json(data.get("multivector"))
        return build(cls, **values)


def _multi_vector_from_json(data: Any) -> MultiVector | None:
    if not isinstance(data, Mapping) or data.get("enabled") is not True:
        return None
    muvera_raw = data.get("muvera")
    muvera = None
    if isinstance(muvera_raw, Mapping) and muvera_raw.get("enabled") is True:
        muvera = build(
            Muvera,
            ksim=json_int(muvera_raw.get("ksim")),
            dprojections=json_int(muvera_raw.get("dprojections")),
            repetitions=json_int(muvera_raw.get("repetitions")),
        )
    return build(
        MultiVector, aggregation=json_str(data.get("aggregation")) or "maxSim", muvera=muvera
    )


@dataclass(frozen=True, init=False)
class FlatIndex(VectorIndexConfig):
    """A flat (brute force) vector index, for small or per-tenant collections.

    Attributes:
        distance: Distance metric.
        vector_cache_max_objects: Vectors kept in memory (with a cached quantizer).
        quantizer: ``Quantizer.bq()`` or ``Quantizer.rq(bits=1|8)``.
    """

    index_type: ClassVar[str] = "flat"
    distance: VectorDistance | None
    vector_cache_max_objects: int | None
    quantizer: QuantizerConfig | None

    def __init__(
        self,
        *,
        distance: VectorDistance | VectorDistanceName | None = None,
        vector_cache_max_objects: int | None = None,
        quantizer: QuantizerConfig | None = None,
    ) -> None:
        """Create a flat index configuration (see :meth:`VectorIndex.flat`)."""
        object.__setattr__(self, "distance", _distance(distance))
        object.__setattr__(
            self,
            "vector_cache_max_objects",
            opt_int(vector_cache_max_objects, "vector_cache_max_objects", minimum=0),
        )
        object.__setattr__(self, "quantizer", _quantizer(quantizer, "flat"))

    def to_dict(self) -> JSONDict:
        """Return the flat ``vectorIndexConfig`` JSON object."""
        out: JSONDict = {}
        if self.distance is not None:
            out["distance"] = self.distance.value
        if self.vector_cache_max_objects is not None:
            out["vectorCacheMaxObjects"] = self.vector_cache_max_objects
        if self.quantizer is not None:
            out.update(self.quantizer.fragment("flat"))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FlatIndex:
        """Parse a flat ``vectorIndexConfig`` JSON object (lenient)."""
        distance = json_str(data.get("distance"))
        return build(
            cls,
            distance=None if distance is None else _distance(distance),
            vector_cache_max_objects=json_int(data.get("vectorCacheMaxObjects")),
            quantizer=quantizer_from_index_json("flat", data),
        )


@dataclass(frozen=True, init=False)
class DynamicIndex(VectorIndexConfig):
    """A dynamic index: flat until ``threshold`` objects, then HNSW.

    Needs a server running with ``ASYNC_INDEXING=true``.

    Attributes:
        distance: Distance metric (shared by both stages).
        threshold: Object count at which the index switches to HNSW.
        hnsw: Configuration of the HNSW stage.
        flat: Configuration of the flat stage.
    """

    index_type: ClassVar[str] = "dynamic"
    distance: VectorDistance | None
    threshold: int | None
    hnsw: HnswIndex | None
    flat: FlatIndex | None

    def __init__(
        self,
        *,
        distance: VectorDistance | VectorDistanceName | None = None,
        threshold: int | None = None,
        hnsw: HnswIndex | None = None,
        flat: FlatIndex | None = None,
    ) -> None:
        """Create a dynamic index configuration (see :meth:`VectorIndex.dynamic`)."""
        dist = _distance(distance)
        if hnsw is not None:
            if not isinstance(hnsw, HnswIndex):
                raise fail(
                    f"hnsw must be built with VectorIndex.hnsw(), got {hnsw!r}",
                    field="hnsw",
                    value=hnsw,
                )
            if hnsw.multi_vector is not None:
                raise fail(
                    "multi-vectors are not supported by the 'dynamic' index (use 'hnsw')",
                    field="multi_vector",
                    value=hnsw.multi_vector,
                )
        if flat is not None and not isinstance(flat, FlatIndex):
            raise fail(
                f"flat must be built with VectorIndex.flat(), got {flat!r}",
                field="flat",
                value=flat,
            )
        for stage in (hnsw, flat):
            if stage is not None and dist is not None and stage.distance not in (None, dist):
                raise fail(
                    f"the {stage.index_type} stage distance {stage.distance!s} differs from the "
                    f"dynamic index distance {dist!s}",
                    field="distance",
                    value=str(stage.distance),
                )
        object.__setattr__(self, "distance", dist)
        object.__setattr__(self, "threshold", opt_int(threshold, "threshold", minimum=0))
        object.__setattr__(self, "hnsw", hnsw)
        object.__setattr__(self, "flat", flat)

    def to_dict(self) -> JSONDict:
        """Return the dynamic ``vectorIndexConfig`` JSON object."""
        out: JSONDict = {}
        if self.distance is not None:
            out["distance"] = self.distance.value
        if self.threshold is not None:
            out["threshold"] = self.threshold
        for stage in (self.hnsw, self.flat):
            if stage is None:
                continue
            body = stage.to_dict()
            if self.distance is not None:
                body.setdefault("distance", self.distance.value)
            out[stage.index_type] = body
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DynamicIndex:
        """Parse a dynamic ``vectorIndexConfig`` JSON object (lenient)."""
        distance = json_str(data.get("distance"))
        hnsw_raw = data.get("hnsw")
        flat_raw = data.get("flat")
        return build(
            cls,
            distance=None if distance is None else _distance(distance),
            threshold=json_int(data.get("threshold")),
            hnsw=HnswIndex.from_dict(hnsw_raw) if isinstance(hnsw_raw, Mapping) else None,
            flat=FlatIndex.from_dict(flat_raw) if isinstance(flat_raw, Mapping) else None,
        )


@dataclass(frozen=True, init=False)
class HFreshIndex(VectorIndexConfig):
    """An hfresh (SPFresh-style, disk-friendly) vector index.

    Attributes:
        distance: ``"cosine"`` or ``"l2-squared"``.
        max_posting_size_kb: Maximum posting list size in KiB (8..1024, default 48).
        replicas: Postings each vector is assigned to (at most 10, default 4; immutable).
        search_probe: Postings probed per search (default 256).
        quantizer: ``Quantizer.rq(bits=1, rescore_limit=...)``; hfresh always uses 1-bit RQ.
    """

    index_type: ClassVar[str] = "hfresh"
    distance: VectorDistance | None
    max_posting_size_kb: int | None
    replicas: int | None
    search_probe: int | None
    quantizer: RQConfig | None

    def __init__(
        self,
        *,
        distance: VectorDistance | VectorDistanceName | None = None,
        max_posting_size_kb: int | None = None,
        replicas: int | None = None,
        search_probe: int | None = None,
        quantizer: RQConfig | None = None,
    ) -> None:
        """Create an hfresh index configuration (see :meth:`VectorIndex.hfresh`)."""
        dist = _distance(distance)
        if dist is not None and dist not in _HFRESH_DISTANCES:
            raise fail(
                f"invalid distance {dist.value!r} for the 'hfresh' index; valid choices are "
                "'cosine', 'l2-squared'",
                field="distance",
                value=dist.value,
            )
        if quantizer is not None and not isinstance(quantizer, RQConfig):
            raise fail(
                "the 'hfresh' index only supports Quantizer.rq(bits=1), got "
                f"{getattr(quantizer, 'kind', quantizer)!r}",
                field="quantizer",
                value=quantizer,
            )
        object.__setattr__(self, "distance", dist)
        object.__setattr__(
            self,
            "max_posting_size_kb",
            opt_int(max_posting_size_kb, "max_posting_size_kb", minimum=8, maximum=1024),
        )
        object.__setattr__(self, "replicas", opt_int(replicas, "replicas", minimum=1, maximum=10))
        object.__setattr__(self, "search_probe", opt_int(search_probe, "search_probe", minimum=1))
        object.__setattr__(self, "quantizer", _quantizer(quantizer, "hfresh"))

    def to_dict(self) -> JSONDict:
        """Return the hfresh ``vectorIndexConfig`` JSON object."""
        out: JSONDict = {}
        if self.distance is not None:
            out["distance"] = self.distance.value
        if self.max_posting_size_kb is not None:
            out["maxPostingSizeKB"] = self.max_posting_size_kb
        if self.replicas is not None:
            out["replicas"] = self.replicas
        if self.search_probe is not None:
            out["searchProbe"] = self.search_probe
        if self.quantizer is not None:
            out.update(self.quantizer.fragment("hfresh"))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HFreshIndex:
        """Parse an hfresh ``vectorIndexConfig`` JSON object (lenient)."""
        distance = json_str(data.get("distance"))
        quantizer = quantizer_from_index_json("hfresh", data)
        return build(
            cls,
            distance=None if distance is None else _distance(distance),
            max_posting_size_kb=json_int(data.get("maxPostingSizeKB")),
            replicas=json_int(data.get("replicas")),
            search_probe=json_int(data.get("searchProbe")),
            quantizer=quantizer if isinstance(quantizer, RQConfig) else None,
        )


class VectorIndex:
    """Factories of vector index configurations."""

    @staticmethod
    def hnsw(
        *,
        distance: VectorDistance | VectorDistanceName | None = None,
        ef: int | None = None,
        ef_construction: int | None = None,
        max_connections: int | None = None,
        dynamic_ef_min: int | None = None,
        dynamic_ef_max: int | None = None,
        dynamic_ef_factor: int | None = None,
        flat_search_cutoff: int | None = None,
        cleanup_interval_seconds: int | None = None,
        vector_cache_max_objects: int | None = None,
        filter_strategy: FilterStrategy | FilterStrategyName | None = None,
        skip: bool | None = None,
        quantizer: QuantizerConfig | None = None,
        multi_vector: MultiVector | None = None,
    ) -> HnswIndex:
        """An HNSW index. Options left at ``None`` keep the server default.

        Args:
            distance: ``"cosine"`` (default), ``"dot"``, ``"l2-squared"``, ``"hamming"``
                or ``"manhattan"``.
            ef: Search list size; ``-1`` (default) picks it dynamically.
            ef_construction: Build-time search list size, >= 4 (default 128).
            max_connections: Graph degree, 4..2047 (default 32).
            dynamic_ef_min: Lower bound of the dynamic ef (default 100).
            dynamic_ef_max: Upper bound of the dynamic ef (default 500).
            dynamic_ef_factor: Limit multiplier of the dynamic ef (default 8).
            flat_search_cutoff: Filter matches below which search goes flat (default 40000).
            cleanup_interval_seconds: Tombstone cleanup interval (default 300).
            vector_cache_max_objects: Vectors cached in memory (default 1e12).
            filter_strategy: ``"acorn"`` (default) or ``"sweeping"``.
            skip: Skip indexing entirely.
            quantizer: ``Quantizer.pq()``, ``.bq()``, ``.sq()``, ``.rq()`` or ``.none()``.
            multi_vector: Store multi-vectors (named vectors only).

        Raises:
            ConfigError: An unknown distance or strategy, a value out of range, or a
                quantizer option HNSW does not support.
        """
        return HnswIndex(
            distance=distance,
            ef=ef,
            ef_construction=ef_construction,
            max_connections=max_connections,
            dynamic_ef_min=dynamic_ef_min,
            dynamic_ef_max=dynamic_ef_max,
            dynamic_ef_factor=dynamic_ef_factor,
            flat_search_cutoff=flat_search_cutoff,
            cleanup_interval_seconds=cleanup_interval_seconds,
            vector_cache_max_objects=vector_cache_max_objects,
            filter_strategy=filter_strategy,
            skip=skip,
            quantizer=quantizer,
            multi_vector=multi_vector,
        )

    @staticmethod
    def flat(
        *,
        distance: VectorDistance | VectorDistanceName | None = None,
        vector_cache_max_objects: int | None = None,
        quantizer: QuantizerConfig | None = None,
    ) -> FlatIndex:
        """A flat (brute force) index.

        Args:
            distance: The distance metric (default ``"cosine"``).
            vector_cache_max_objects: Vectors cached in memory.
            quantizer: ``Quantizer.bq()``, ``Quantizer.rq(bits=1|8)`` or ``Quantizer.none()``.

        Raises:
            ConfigError: An unknown distance or an unsupported quantizer.
        """
        return FlatIndex(
            distance=distance,
            vector_cache_max_objects=vector_cache_max_objects,
            quantizer=quantizer,
        )

    @staticmethod
    def dynamic(
        *,
        distance: VectorDistance | VectorDistanceName | None = None,
        threshold: int | None = None,
        hnsw: HnswIndex | None = None,
        flat: FlatIndex | None = None,
    ) -> DynamicIndex:
        """A dynamic index: flat until ``threshold`` objects, then HNSW.

        Args:
            distance: The distance metric of both stages.
            threshold: Object count that triggers the switch (default 10000).
            hnsw: Configuration of the HNSW stage.
            flat: Configuration of the flat stage.

        Raises:
            ConfigError: Conflicting distances or a multi-vector HNSW stage.
        """
        return DynamicIndex(distance=distance, threshold=threshold, hnsw=hnsw, flat=flat)

    @staticmethod
    def hfresh(
        *,
        distance: VectorDistance | VectorDistanceName | None = None,
        max_posting_size_kb: int | None = None,
        replicas: int | None = None,
        search_probe: int | None = None,
        quantizer: RQConfig | None = None,
    ) -> HFreshIndex:
        """An hfresh index (disk-based posting lists with 1-bit RQ).

        Args:
            distance: ``"cosine"`` (default) or ``"l2-squared"``.
            max_posting_size_kb: Maximum posting size in KiB, 8..1024 (default 48).
            replicas: Postings per vector, 1..10 (default 4).
            search_probe: Postings probed per search (default 256).
            quantizer: ``Quantizer.rq(bits=1, rescore_limit=...)`` (default rescore 350).

        Raises:
            ConfigError: An unsupported distance or quantizer, or a value out of range.
        """
        return HFreshIndex(
            distance=distance,
            max_posting_size_kb=max_posting_size_kb,
            replicas=replicas,
            search_probe=search_probe,
            quantizer=quantizer,
        )


def vector_index_from_json(index_type: str | None, data: Any) -> VectorIndexConfig | None:
    """Parse a ``vectorIndexType`` + ``vectorIndexConfig`` pair; unknown types give ``None``."""
    config: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
    kind = index_type or ("hnsw" if config else None)
    if kind == "hnsw":
        return HnswIndex.from_dict(config)
    if kind == "flat":
        return FlatIndex.from_dict(config)
    if kind == "dynamic":
        return DynamicIndex.from_dict(config)
    if kind == "hfresh":
        return HFreshIndex.from_dict(config)
    return None
