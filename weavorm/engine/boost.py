"""Soft ranking of search results: promote or demote objects without removing them.

A boost re-scores the candidates of a vector, hybrid or BM25 search against its
conditions and re-sorts them (Weaviate 1.38+)::

    from weavorm.engine import Boost, Filter

    articles.query.bm25("vector", boost=Boost.blend([
        Boost.filter(Filter.by_property("featured").equal(True), weight=2.0),
        Boost.time_decay("published", scale=timedelta(days=7)),
    ], weight=0.5))
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from enum import Enum

from weavorm.engine.filters import FilterExpression
from weavorm.errors import QueryError

__all__ = [
    "Boost",
    "BoostCondition",
    "BoostCurve",
    "BoostModifier",
    "BoostSpec",
    "NumericDecay",
    "PropertyValue",
    "TimeDecay",
]


class BoostCurve(str, Enum):
    """Decay curve of ``time_decay`` / ``numeric_decay`` (the server default is exponential)."""

    EXPONENTIAL = "exp"
    GAUSSIAN = "gauss"
    LINEAR = "linear"


class BoostModifier(str, Enum):
    """Transform of a numeric property's value in ``numeric_property``."""

    LOG1P = "log1p"
    SQRT = "sqrt"


@dataclass(frozen=True, slots=True)
class TimeDecay:
    """Score decaying with the distance of a date property from ``origin``.

    Attributes:
        property: The date property.
        origin: ``"now"`` or an RFC 3339 time.
        scale: Duration at which the score equals ``decay_value`` (e.g. ``"7d"``).
        offset: Duration around the origin that keeps the full score.
        curve: The decay curve.
        decay_value: Score at ``scale`` from the origin.
    """

    property: str
    origin: str
    scale: str
    offset: str | None = None
    curve: BoostCurve | None = None
    decay_value: float | None = None


@dataclass(frozen=True, slots=True)
class NumericDecay:
    """Score decaying with the distance of a numeric property from ``origin``.

    Attributes:
        property: The int/number property.
        origin: The target value.
        scale: Distance at which the score equals ``decay_value``.
        offset: Distance around the origin that keeps the full score.
        curve: The decay curve.
        decay_value: Score at ``scale`` from the origin.
    """

    property: str
    origin: float
    scale: float
    offset: float | None = None
    curve: BoostCurve | None = None
    decay_value: float | None = None


@dataclass(frozen=True, slots=True)
class PropertyValue:
    """Score proportional to a numeric property's value.

    Attributes:
        property: The int/number property.
        modifier: A transform dampening large values.
    """

    property: str
    modifier: BoostModifier | None = None


@dataclass(frozen=True, slots=True)
class BoostCondition:
    """One condition of a boost: exactly one of the fields besides ``weight`` is set.

    Attributes:
        filter: Matching objects score 1, others 0.
        time_decay: Recency-style decay.
        numeric_decay: Closeness to a value.
        property_value: The value itself.
        weight: The condition's weight relative to the other conditions of a blend.
    """

    filter: FilterExpression | None = None
    time_decay: TimeDecay | None = None
    numeric_decay: NumericDecay | None = None
    property_value: PropertyValue | None = None
    weight: float | None = None


@dataclass(frozen=True, slots=True)
class BoostSpec:
    """A boost: its conditions, overall weight and candidate depth.

    Attributes:
        conditions: The conditions.
        weight: Share of the boost in the final score, in [0, 1] (server default 0.5).
        depth: How many candidates the search fetches for re-scoring (server default 100).
    """

    conditions: tuple[BoostCondition, ...]
    weight: float | None = None
    depth: int | None = None


def _opt_number(where: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise QueryError(f"{where} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise QueryError(f"{where} must be finite, got {value!r}")
    return number


def _check_common(where: str, weight: object, depth: object) -> tuple[float | None, int | None]:
    w = _opt_number(f"{where} weight", weight)
    if depth is not None and (
        isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or depth < 1
    ):
        raise QueryError(f"{where} depth must be an integer >= 1, got {depth!r}")
    return w, None if depth is None else int(depth)


def _duration(where: str, value: str | timedelta) -> str:
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        if seconds <= 0:
            raise QueryError(f"{where} must be positive, got {value!r}")
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
            if seconds % size == 0:
                return f"{int(seconds // size)}{unit}"
        return f"{int(seconds)}s" if seconds == int(seconds) else f"{seconds}s"
    if not isinstance(value, str) or not value:
        raise QueryError(f"{where} must be a timedelta or a duration like '7d', got {value!r}")
    return value


def _origin(value: str | datetime | None) -> str:
    if value is None:
        return "now"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat()
    if not isinstance(value, str) or not value:
        raise QueryError(f"Boost.time_decay origin must be 'now' or a datetime, got {value!r}")
    return value


def _prop(where: str, name: object) -> str:
    if not isinstance(name, str) or not name:
        raise QueryError(f"{where} needs a property name, got {name!r}")
    return name


class Boost:
    """Entry points for boosts; pass the result as ``boost=`` to a search."""

    Curve = BoostCurve
    Modifier = BoostModifier

    def __init__(self) -> None:
        raise TypeError("Boost is a namespace of static methods")

    @staticmethod
    def filter(
        filter: FilterExpression,
        *,
        weight: float | None = None,
        depth: int | None = None,
    ) -> BoostSpec:
        """Promote objects matching ``filter`` (a soft WHERE)."""
        if not isinstance(filter, FilterExpression):
            raise QueryError(f"Boost.filter needs a Filter, got {filter!r}")
        w, d = _check_common("Boost.filter", weight, depth)
        return BoostSpec((BoostCondition(filter=filter),), w, d)

    @staticmethod
    def time_decay(
        property: str,
        *,
        scale: str | timedelta,
        origin: str | datetime | None = None,
        offset: str | timedelta | None = None,
        curve: BoostCurve | None = None,
        decay: float | None = None,
        weight: float | None = None,
        depth: int | None = None,
    ) -> BoostSpec:
        """Favour objects whose date ``property`` is near ``origin`` (default: now)."""
        where = "Boost.time_decay"
        w, d = _check_common(where, weight, depth)
        fn = TimeDecay(
            property=_prop(where, property),
            origin=_origin(origin),
            scale=_duration(f"{where} scale", scale),
            offset=None if offset is None else _duration(f"{where} offset", offset),
            curve=None if curve is None else BoostCurve(curve),
            decay_value=_opt_number(f"{where} decay", decay),
        )
        return BoostSpec((BoostCondition(time_decay=fn),), w, d)

    @staticmethod
    def numeric_decay(
        property: str,
        *,
        origin: float,
        scale: float,
        offset: float | None = None,
        curve: BoostCurve | None = None,
        decay: float | None = None,
        weight: float | None = None,
        depth: int | None = None,
    ) -> BoostSpec:
        """Favour objects whose numeric ``property`` is close to ``origin``."""
        where = "Boost.numeric_decay"
        w, d = _check_common(where, weight, depth)
        o = _opt_number(f"{where} origin", origin)
        s = _opt_number(f"{where} scale", scale)
        assert o is not None and s is not None
        fn = NumericDecay(
            property=_prop(where, property),
            origin=o,
            scale=s,
            offset=_opt_number(f"{where} offset", offset),
            curve=None if curve is None else BoostCurve(curve),
            decay_value=_opt_number(f"{where} decay", decay),
        )
        return BoostSpec((BoostCondition(numeric_decay=fn),), w, d)

    @staticmethod
    def numeric_property(
        name: str,
        *,
        modifier: BoostModifier | None = None,
        weight: float | None = None,
        depth: int | None = None,
    ) -> BoostSpec:
        """Favour objects with larger values of numeric property ``name``."""
        where = "Boost.numeric_property"
        w, d = _check_common(where, weight, depth)
        fn = PropertyValue(
            _prop(where, name), None if modifier is None else BoostModifier(modifier)
        )
        return BoostSpec((BoostCondition(property_value=fn),), w, d)

    @staticmethod
    def blend(
        boosts: BoostSpec | Sequence[BoostSpec],
        *,
        weight: float | None = None,
        depth: int | None = None,
    ) -> BoostSpec:
        """Combine boosts; each input's ``weight`` becomes its condition weight (default 1)."""
        items = [boosts] if isinstance(boosts, BoostSpec) else list(boosts)
        if not items or not all(isinstance(b, BoostSpec) for b in items):
            raise QueryError("Boost.blend needs one or more boosts")
        if any(b.depth is not None for b in items):
            raise QueryError("Boost.blend: set depth on blend(), not on the boosts it combines")
        w, d = _check_common("Boost.blend", weight, depth)
        conditions: list[BoostCondition] = []
        for b in items:
            for cond in b.conditions:
                if cond.weight is None and b.weight is not None:
                    cond = replace(cond, weight=b.weight)
                conditions.append(cond)
        if len(conditions) > 20:
            raise QueryError(f"a boost may carry at most 20 conditions, got {len(conditions)}")
        return BoostSpec(tuple(conditions), w, d)
