"""Vector quantizers (compression) of the vector indexes.

JSON keys follow ``entities/vectorindex/hnsw/{pq,bq,sq,rq}_config.go``,
``entities/vectorindex/flat/config.go`` and ``entities/vectorindex/hfresh/config.go``
of Weaviate 1.39. Which quantizer (and which of its options) an index accepts is
checked when the quantizer is attached to an index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from weavorm.config._common import (
    JSONDict,
    build,
    choice,
    fail,
    json_bool,
    json_int,
    json_str,
    opt_bool,
    opt_int,
)

__all__ = [
    "BQConfig",
    "NoQuantization",
    "PQConfig",
    "Quantizer",
    "QuantizerConfig",
    "RQConfig",
    "SQConfig",
    "quantizer_from_index_json",
]

PQEncoderTypeName = Literal["kmeans", "tile"]
PQEncoderDistributionName = Literal["log-normal", "normal"]
_ENCODER_TYPES = ("kmeans", "tile")
_ENCODER_DISTRIBUTIONS = ("log-normal", "normal")
_INDEX_BITS = {"hnsw": (1, 4, 8), "flat": (1, 8), "hfresh": (1,)}


class QuantizerConfig:
    """Base class of the quantizer configurations."""

    kind: ClassVar[str] = ""

    def fragment(self, index_type: str) -> JSONDict:
        """Return the keys this quantizer adds to a ``vectorIndexConfig`` of ``index_type``.

        Raises:
            ConfigError: The quantizer, or one of its options, is not supported by the index.
        """
        raise NotImplementedError

    def _unsupported(self, index_type: str, option: str | None = None) -> Exception:
        what = (
            f"the {option!r} option of the {self.kind!r} quantizer"
            if option
            else (f"the {self.kind!r} quantizer")
        )
        allowed = {
            "hnsw": "pq, bq, sq, rq",
            "flat": "bq, rq",
            "hfresh": "rq (bits=1)",
        }.get(index_type, "none")
        return fail(
            f"{what} is not supported by the {index_type!r} vector index "
            f"(quantizers it supports: {allowed})",
            field="quantizer",
            value=self.kind,
        )


@dataclass(frozen=True, init=False)
class PQConfig(QuantizerConfig):
    """Product quantization (HNSW only).

    Attributes:
        segments: Number of segments (``0``: derived from the dimensions).
        centroids: Centroids per segment (at most 256).
        training_limit: Objects per shard used to train the codebook.
        encoder_type: ``"kmeans"`` or ``"tile"``.
        encoder_distribution: ``"log-normal"`` or ``"normal"`` (tile encoder).
    """

    kind: ClassVar[str] = "pq"
    segments: int | None
    centroids: int | None
    training_limit: int | None
    encoder_type: str | None
    encoder_distribution: str | None

    def __init__(
        self,
        *,
        segments: int | None = None,
        centroids: int | None = None,
        training_limit: int | None = None,
        encoder_type: PQEncoderTypeName | None = None,
        encoder_distribution: PQEncoderDistributionName | None = None,
    ) -> None:
        """Create a PQ configuration (see :meth:`Quantizer.pq`)."""
        object.__setattr__(self, "segments", opt_int(segments, "pq segments", minimum=0))
        object.__setattr__(
            self, "centroids", opt_int(centroids, "pq centroids", minimum=1, maximum=256)
        )
        object.__setattr__(
            self, "training_limit", opt_int(training_limit, "pq training_limit", minimum=1)
        )
        object.__setattr__(
            self,
            "encoder_type",
            None
            if encoder_type is None
            else choice(encoder_type, _ENCODER_TYPES, "pq encoder_type"),
        )
        object.__setattr__(
            self,
            "encoder_distribution",
            None
            if encoder_distribution is None
            else choice(encoder_distribution, _ENCODER_DISTRIBUTIONS, "pq encoder_distribution"),
        )

    def fragment(self, index_type: str) -> JSONDict:
        """Return ``{"pq": {...}}`` (HNSW only)."""
        if index_type != "hnsw":
            raise self._unsupported(index_type)
        body: JSONDict = {"enabled": True}
        if self.segments is not None:
            body["segments"] = self.segments
        if self.centroids is not None:
            body["centroids"] = self.centroids
        if self.training_limit is not None:
            body["trainingLimit"] = self.training_limit
        encoder: JSONDict = {}
        if self.encoder_type is not None:
            encoder["type"] = self.encoder_type
        if self.encoder_distribution is not None:
            encoder["distribution"] = self.encoder_distribution
        if encoder:
            body["encoder"] = encoder
        return {"pq": body}


@dataclass(frozen=True, init=False)
class BQConfig(QuantizerConfig):
    """Binary quantization.

    Attributes:
        cache: Keep the compressed vectors in memory (flat index only).
        rescore_limit: Candidates rescored with the full vectors (flat index only).
    """

    kind: ClassVar[str] = "bq"
    cache: bool | None
    rescore_limit: int | None

    def __init__(self, *, cache: bool | None = None, rescore_limit: int | None = None) -> None:
        """Create a BQ configuration (see :meth:`Quantizer.bq`)."""
        object.__setattr__(self, "cache", opt_bool(cache, "bq cache"))
        object.__setattr__(
            self, "rescore_limit", opt_int(rescore_limit, "bq rescore_limit", minimum=0)
        )

    def fragment(self, index_type: str) -> JSONDict:
        """Return ``{"bq": {...}}`` (HNSW: no options; flat: cache and rescore limit)."""
        if index_type not in ("hnsw", "flat"):
            raise self._unsupported(index_type)
        body: JSONDict = {"enabled": True}
        if index_type == "hnsw":
            if self.cache is not None:
                raise self._unsupported(index_type, "cache")
            if self.rescore_limit is not None:
                raise self._unsupported(index_type, "rescore_limit")
            return {"bq": body}
        if self.cache is not None:
            body["cache"] = self.cache
        if self.rescore_limit is not None:
            body["rescoreLimit"] = self.rescore_limit
        return {"bq": body}


@dataclass(frozen=True, init=False)
class SQConfig(QuantizerConfig):
    """Scalar quantization (HNSW only).

    Attributes:
        training_limit: Objects per shard used to fit the quantizer.
        rescore_limit: Candidates rescored with the full vectors.
    """

    kind: ClassVar[str] = "sq"
    training_limit: int | None
    rescore_limit: int | None

    def __init__(
        self, *, training_limit: int | None = None, rescore_limit: int | None = None
    ) -> None:
        """Create an SQ configuration (see :meth:`Quantizer.sq`)."""
        object.__setattr__(
            self, "training_limit", opt_int(training_limit, "sq training_limit", minimum=1)
        )
        object.__setattr__(
            self, "rescore_limit", opt_int(rescore_limit, "sq rescore_limit", minimum=0)
        )

    def fragment(self, index_type: str) -> JSONDict:
        """Return ``{"sq": {...}}`` (HNSW only)."""
        if index_type != "hnsw":
            raise self._unsupported(index_type)
        body: JSONDict = {"enabled": True}
        if self.training_limit is not None:
            body["trainingLimit"] = self.training_limit
        if self.rescore_limit is not None:
            body["rescoreLimit"] = self.rescore_limit
        return {"sq": body}


@dataclass(frozen=True, init=False)
class RQConfig(QuantizerConfig):
    """Rotational quantization.

    Attributes:
        bits: Bits per dimension: HNSW 1, 4 or 8; flat 1 or 8; hfresh 1.
        rescore_limit: Candidates rescored with the full vectors.
        cache: Keep the compressed vectors in memory (flat index only).
        centering: Center the vectors before rotating (HNSW, ``bits=4`` only).
        training_limit: Objects used to fit the centering (HNSW only).
    """

    kind: ClassVar[str] = "rq"
    bits: int | None
    rescore_limit: int | None
    cache: bool | None
    centering: bool | None
    training_limit: int | None

    def __init__(
        self,
        *,
        bits: int | None = None,
        rescore_limit: int | None = None,
        cache: bool | None = None,
        centering: bool | None = None,
        training_limit: int | None = None,
    ) -> None:
        """Create an RQ configuration (see :meth:`Quantizer.rq`)."""
        if bits is not None and bits not in (1, 4, 8):
            raise fail(
                f"invalid rq bits {bits!r}; valid choices are 1, 4, 8", field="bits", value=bits
            )
        centered = opt_bool(centering, "rq centering")
        if centered and bits != 4:
            raise fail(
                f"rq centering=True needs bits=4, got bits={bits!r}", field="centering", value=True
            )
        object.__setattr__(self, "bits", bits)
        object.__setattr__(
            self, "rescore_limit", opt_int(rescore_limit, "rq rescore_limit", minimum=0)
        )
        object.__setattr__(self, "cache", opt_bool(cache, "rq cache"))
        object.__setattr__(self, "centering", centered)
        object.__setattr__(
            self, "training_limit", opt_int(training_limit, "rq training_limit", minimum=1)
        )

    def fragment(self, index_type: str) -> JSONDict:
        """Return ``{"rq": {...}}`` for an HNSW, flat or hfresh index."""
        allowed_bits = _INDEX_BITS.get(index_type)
        if allowed_bits is None:
            raise self._unsupported(index_type)
        if self.bits is not None and self.bits not in allowed_bits:
            valid = ", ".join(str(b) for b in allowed_bits)
            raise fail(
                f"rq bits={self.bits} is not supported by the {index_type!r} vector index; "
                f"valid choices are {valid}",
                field="bits",
                value=self.bits,
            )
        if index_type != "flat" and self.cache is not None:
            raise self._unsupported(index_type, "cache")
        if index_type != "hnsw":
            if self.centering:
                raise self._unsupported(index_type, "centering")
            if self.training_limit is not None:
                raise self._unsupported(index_type, "training_limit")
        body: JSONDict = {"enabled": True}
        if self.bits is not None:
            body["bits"] = self.bits
        if self.rescore_limit is not None:
            body["rescoreLimit"] = self.rescore_limit
        if self.cache is not None:
            body["cache"] = self.cache
        if self.centering is not None and index_type == "hnsw":
            body["centering"] = self.centering
        if self.training_limit is not None:
            body["trainingLimit"] = self.training_limit
        return {"rq": body}


@dataclass(frozen=True, init=False)
class NoQuantization(QuantizerConfig):
    """No quantization, even if the server has a ``DEFAULT_QUANTIZATION``.

    Emitted as ``skipDefaultQuantization: true``.
    """

    kind: ClassVar[str] = "none"

    def __init__(self) -> None:
        """Create the explicit no-quantization marker (see :meth:`Quantizer.none`)."""

    def fragment(self, index_type: str) -> JSONDict:
        """Return ``{"skipDefaultQuantization": true}`` (HNSW and flat)."""
        if index_type not in ("hnsw", "flat"):
            raise fail(
                f"Quantizer.none() is not supported by the {index_type!r} vector index "
                "(hfresh always uses rq)",
                field="quantizer",
                value="none",
            )
        return {"skipDefaultQuantization": True}


class Quantizer:
    """Factories of vector quantizers for ``VectorIndex.*(quantizer=...)``."""

    @staticmethod
    def pq(
        *,
        segments: int | None = None,
        centroids: int | None = None,
        training_limit: int | None = None,
        encoder_type: PQEncoderTypeName | None = None,
        encoder_distribution: PQEncoderDistributionName | None = None,
    ) -> PQConfig:
        """Product quantization (HNSW only).

        Args:
            segments: Number of segments; must divide the vector dimensions (``0``: auto).
            centroids: Centroids per segment, 1..256 (server default 256).
            training_limit: Objects per shard used for training (server default 100000).
            encoder_type: ``"kmeans"`` (default) or ``"tile"``.
            encoder_distribution: ``"log-normal"`` (default) or ``"normal"``.

        Raises:
            ConfigError: A value out of range or not among the choices.
        """
        return PQConfig(
            segments=segments,
            centroids=centroids,
            training_limit=training_limit,
            encoder_type=encoder_type,
            encoder_distribution=encoder_distribution,
        )

    @staticmethod
    def bq(*, cache: bool | None = None, rescore_limit: int | None = None) -> BQConfig:
        """Binary quantization (HNSW and flat).

        Args:
            cache: Keep compressed vectors in memory (flat index only).
            rescore_limit: Candidates rescored with full vectors (flat index only).

        Raises:
            ConfigError: A negative rescore limit.
        """
        return BQConfig(cache=cache, rescore_limit=rescore_limit)

    @staticmethod
    def sq(*, training_limit: int | None = None, rescore_limit: int | None = None) -> SQConfig:
        """Scalar quantization (HNSW only).

        Args:
            training_limit: Objects per shard used for training (server default 100000).
            rescore_limit: Candidates rescored with full vectors (server default 20).

        Raises:
            ConfigError: A value out of range.
        """
        return SQConfig(training_limit=training_limit, rescore_limit=rescore_limit)

    @staticmethod
    def rq(
        *,
        bits: int | None = None,
        rescore_limit: int | None = None,
        cache: bool | None = None,
        centering: bool | None = None,
        training_limit: int | None = None,
    ) -> RQConfig:
        """Rotational quantization (HNSW, flat and hfresh).

        Args:
            bits: Bits per dimension: 8 (default), 4 (HNSW) or 1.
            rescore_limit: Candidates rescored with full vectors.
            cache: Keep compressed vectors in memory (flat index only).
            centering: Center vectors before rotating (HNSW with ``bits=4`` only).
            training_limit: Objects used to fit the centering (HNSW only).

        Raises:
            ConfigError: Invalid bits or an invalid combination.
        """
        return RQConfig(
            bits=bits,
            rescore_limit=rescore_limit,
            cache=cache,
            centering=centering,
            training_limit=training_limit,
        )

    @staticmethod
    def none() -> NoQuantization:
        """No quantization, overriding a server-wide ``DEFAULT_QUANTIZATION``."""
        return NoQuantization()


def quantizer_from_index_json(index_type: str, data: Mapping[str, Any]) -> QuantizerConfig | None:
    """Return the enabled quantizer of a ``vectorIndexConfig`` JSON object, if any."""

    def section(key: str) -> Mapping[str, Any] | None:
        value = data.get(key)
        if isinstance(value, Mapping) and value.get("enabled") is True:
            return value
        if index_type == "hfresh" and key == "rq" and isinstance(value, Mapping):
            return value
        return None

    pq = section("pq")
    if pq is not None:
        encoder_raw = pq.get("encoder")
        encoder: Mapping[str, Any] = encoder_raw if isinstance(encoder_raw, Mapping) else {}
        return build(
            PQConfig,
            segments=json_int(pq.get("segments")),
            centroids=json_int(pq.get("centroids")),
            training_limit=json_int(pq.get("trainingLimit")),
            encoder_type=json_str(encoder.get("type")),
            encoder_distribution=json_str(encoder.get("distribution")),
        )
    bq = section("bq")
    if bq is not None:
        flat = index_type == "flat"
        return build(
            BQConfig,
            cache=json_bool(bq.get("cache")) if flat else None,
            rescore_limit=json_int(bq.get("rescoreLimit")) if flat else None,
        )
    sq = section("sq")
    if sq is not None:
        return build(
            SQConfig,
            training_limit=json_int(sq.get("trainingLimit")),
            rescore_limit=json_int(sq.get("rescoreLimit")),
        )
    rq = section("rq")
    if rq is not None:
        hnsw = index_type == "hnsw"
        return build(
            RQConfig,
            bits=json_int(rq.get("bits")),
            rescore_limit=json_int(rq.get("rescoreLimit")),
            cache=json_bool(rq.get("cache")) if index_type == "flat" else None,
            centering=json_bool(rq.get("centering")) if hnsw else None,
            training_limit=json_int(rq.get("trainingLimit")) if hnsw else None,
        )
    if data.get("skipDefaultQuantization") is True:
        return NoQuantization()
    return None
