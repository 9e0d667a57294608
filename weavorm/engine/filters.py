"""Filters for searches, aggregations and deletes: ``Filter.by_property("year").equal(2000)``.

Build a condition with one of the :class:`Filter` entry points, then combine
conditions with ``&`` (and), ``|`` (or) and ``~`` (not)::

    from weavorm.engine import Filter

    recent = Filter.by_property("year").greater_or_equal(2000)
    by_ada = Filter.by_ref("author").by_property("name").equal("Ada")
    where = recent & ~by_ada | Filter.by_id().contains_any([some_uuid])

Values may be ``str``, ``int``, ``float``, ``bool``, :class:`~datetime.datetime`,
:class:`~uuid.UUID` or a list of one of these kinds (``int`` and ``float`` may be
mixed). Datetimes are sent as RFC 3339 text; a naive datetime (no ``tzinfo``) is
taken to be UTC. A value of the wrong kind raises :class:`~weavorm.errors.QueryError`
naming the operator and the value, before anything is sent. Filters are immutable
values: building one never changes another.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Any, TypeAlias, TypeGuard
from uuid import UUID

from weavorm.engine._protocol.validate import text_problem
from weavorm.errors import QueryError

__all__ = [
    "CountTarget",
    "Filter",
    "FilterAnd",
    "FilterByCount",
    "FilterById",
    "FilterByProperty",
    "FilterByRef",
    "FilterByTime",
    "FilterCondition",
    "FilterExpression",
    "FilterNot",
    "FilterOperator",
    "FilterOr",
    "FilterTarget",
    "FilterValue",
    "PropertyTarget",
    "ReferenceTarget",
]

FilterScalar: TypeAlias = str | int | float | bool | datetime | UUID
"""One value a condition compares against."""
FilterValue: TypeAlias = FilterScalar | Sequence[FilterScalar]
"""A value or a list of values of one kind."""

_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


class FilterOperator(str, Enum):
    """The operators of a condition (values are Weaviate's REST/GraphQL names)."""

    EQUAL = "Equal"
    NOT_EQUAL = "NotEqual"
    LESS_THAN = "LessThan"
    LESS_THAN_EQUAL = "LessThanEqual"
    GREATER_THAN = "GreaterThan"
    GREATER_THAN_EQUAL = "GreaterThanEqual"
    LIKE = "Like"
    IS_NULL = "IsNull"
    CONTAINS_ANY = "ContainsAny"
    CONTAINS_ALL = "ContainsAll"
    CONTAINS_NONE = "ContainsNone"
    WITHIN_GEO_RANGE = "WithinGeoRange"
    AND = "And"
    OR = "Or"
    NOT = "Not"


# ----------------------------------------------------------------------------- targets


@dataclass(frozen=True, slots=True)
class PropertyTarget:
    """A property of the searched collection (or of the collection a reference leads to).

    Attributes:
        name: The property name; ``len(name)`` for its length, ``_id``,
            ``_creationTimeUnix`` or ``_lastUpdateTimeUnix`` for object metadata.
    """

    name: str


@dataclass(frozen=True, slots=True)
class CountTarget:
    """The number of objects a reference property points to.

    Attributes:
        link_on: The reference property.
    """

    link_on: str


@dataclass(frozen=True, slots=True)
class ReferenceTarget:
    """A hop through a reference property to ``target`` in the referenced collection.

    Attributes:
        link_on: The reference property.
        target: What to test in the referenced objects.
        target_collection: For multi-target references, the collection to follow.
    """

    link_on: str
    target: FilterTarget
    target_collection: str | None = None


FilterTarget: TypeAlias = PropertyTarget | CountTarget | ReferenceTarget
"""What a condition tests."""


# ----------------------------------------------------------------------------- expressions


class FilterExpression:
    """Base of every filter; combine filters with ``&``, ``|`` and ``~``."""

    __slots__ = ()

    def __and__(self, other: FilterExpression) -> FilterExpression:
        return FilterAnd(_flatten(FilterAnd, (self, _check_expr(other, "&"))))

    def __or__(self, other: FilterExpression) -> FilterExpression:
        return FilterOr(_flatten(FilterOr, (self, _check_expr(other, "|"))))

    def __invert__(self) -> FilterExpression:
        return FilterNot(self)


@dataclass(frozen=True, slots=True, eq=True)
class FilterCondition(FilterExpression):
    """One condition: ``target operator value``.

    Attributes:
        target: What is tested.
        operator: How it is tested.
        kind: The wire kind of ``value``: ``text``, ``int``, ``number``, ``boolean``,
            ``text_array``, ``int_array``, ``number_array``, ``boolean_array`` or ``geo``.
        value: The normalised value (text for datetimes and UUIDs, a tuple for lists,
            ``(latitude, longitude, distance)`` for geo ranges).
    """

    target: FilterTarget
    operator: FilterOperator
    kind: str
    value: Any

    def __repr__(self) -> str:
        return f"<Filter {_describe_target(self.target)} {self.operator.value} {self.value!r}>"


@dataclass(frozen=True, slots=True, eq=True)
class FilterAnd(FilterExpression):
    """All of ``filters`` hold."""

    filters: tuple[FilterExpression, ...]

    def __repr__(self) -> str:
        return "(" + " & ".join(repr(f) for f in self.filters) + ")"


@dataclass(frozen=True, slots=True, eq=True)
class FilterOr(FilterExpression):
    """At least one of ``filters`` holds."""

    filters: tuple[FilterExpression, ...]

    def __repr__(self) -> str:
        return "(" + " | ".join(repr(f) for f in self.filters) + ")"


@dataclass(frozen=True, slots=True, eq=True)
class FilterNot(FilterExpression):
    """``filter`` does not hold."""

    filter: FilterExpression

    def __repr__(self) -> str:
        return f"~{self.filter!r}"


def _check_expr(value: object, op: str) -> FilterExpression:
    if not isinstance(value, FilterExpression):
        raise QueryError(
            f"cannot combine a filter with {value!r} using {op!r}: both sides must be filters"
        )
    return value


def _flatten(
    cls: type[FilterAnd] | type[FilterOr], items: Iterable[FilterExpression]
) -> tuple[FilterExpression, ...]:
    out: list[FilterExpression] = []
    for item in items:
        if isinstance(item, cls):
            out.extend(item.filters)
        else:
            out.append(item)
    return tuple(out)


def _describe_target(target: FilterTarget) -> str:
    if isinstance(target, PropertyTarget):
        return target.name
    if isinstance(target, CountTarget):
        return f"count({target.link_on})"
    via = (
        f"{target.link_on}<{target.target_collection}>"
        if target.target_collection
        else (target.link_on)
    )
    return f"{via}.{_describe_target(target.target)}"


# ----------------------------------------------------------------------------- values


def _rfc3339(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat(timespec="microseconds")


def _scalar(where: str, value: object) -> tuple[str, Any]:
    """(kind, wire value) of one scalar, or QueryError naming ``where`` and the value."""
    if isinstance(value, bool):
        return "boolean", value
    if isinstance(value, numbers.Integral):
        number = int(value)
        if not _INT64_MIN <= number <= _INT64_MAX:
            raise QueryError(f"{where}: integer {value!r} does not fit in 64 bits")
        return "int", number
    if isinstance(value, numbers.Real):
        real = float(value)
        if not math.isfinite(real):
            raise QueryError(f"{where}: {value!r} is not a finite number")
        return "number", real
    if isinstance(value, str):
        return "text", _text(where, value)
    if isinstance(value, UUID):
        return "text", str(value)
    if isinstance(value, datetime):
        return "text", _rfc3339(value)
    raise QueryError(
        f"{where}: unsupported value {value!r} (type {type(value).__name__}); expected str, "
        "int, float, bool, datetime, UUID or a list of one of these"
    )


def _text(where: str, value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise QueryError(f"{where}: the value {problem}")
    return str(value)


def _is_list(value: object) -> TypeGuard[Iterable[Any]]:
    return isinstance(value, Iterable) and not isinstance(value, str | bytes | bytearray | dict)


def _values(where: str, value: object) -> tuple[str, Any]:
    """(kind, wire value) of a scalar or a list of scalars of one kind."""
    if isinstance(value, dict | set | frozenset):
        raise QueryError(
            f"{where}: unsupported value {value!r} (type {type(value).__name__}); expected a "
            "value or a list"
        )
    if not _is_list(value):
        return _scalar(where, value)
    values = list(value)
    items = [_scalar(where, v) for v in values]
    if not items:
        raise QueryError(
            f"{where}: an empty list cannot be filtered on; to test for an empty array use "
            "Filter.by_property(name, length=True).equal(0)"
        )
    kinds = {k for k, _ in items}
    if kinds == {"boolean"}:
        return "boolean_array", tuple(v for _, v in items)
    if kinds == {"int"}:
        return "int_array", tuple(v for _, v in items)
    if kinds <= {"int", "number"}:
        return "number_array", tuple(float(v) for _, v in items)
    if kinds == {"text"}:
        return "text_array", tuple(v for _, v in items)
    raise QueryError(
        f"{where}: the list {values!r} mixes kinds ({', '.join(sorted(kinds))}); "
        "all values must be of one kind"
    )


def _uuid_text(where: str, value: object) -> str:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(UUID(value))
        except ValueError:
            pass
    raise QueryError(f"{where}: {value!r} is not a UUID")


def _non_empty_list(where: str, value: object) -> list[Any]:
    if not _is_list(value):
        raise QueryError(f"{where}: expected a list of values, got {value!r}")
    items = list(value)
    if not items:
        raise QueryError(f"{where}: needs at least one value")
    return items


# ----------------------------------------------------------------------------- builders


Hop: TypeAlias = tuple[str, str | None]


def _wrap(hops: tuple[Hop, ...], inner: FilterTarget) -> FilterTarget:
    target = inner
    for link_on, collection in reversed(hops):
        target = ReferenceTarget(link_on=link_on, target=target, target_collection=collection)
    return target


class _Builder:
    __slots__ = ("_hops", "_label", "_target")

    def __init__(self, hops: tuple[Hop, ...], inner: FilterTarget, label: str) -> None:
        self._hops = hops
        self._target = _wrap(hops, inner)
        self._label = label

    def _where(self, method: str) -> str:
        return f"{self._label}.{method}"

    def _make(self, op: FilterOperator, kind: str, value: Any) -> FilterCondition:
        return FilterCondition(target=self._target, operator=op, kind=kind, value=value)

    def _compare(self, method: str, op: FilterOperator, value: object) -> FilterCondition:
        kind, wire = _values(self._where(method), value)
        return self._make(op, kind, wire)

    def _contains(self, method: str, op: FilterOperator, values: object) -> FilterCondition:
        where = self._where(method)
        kind, wire = _values(where, _non_empty_list(where, values))
        return self._make(op, kind, wire)


class FilterByProperty(_Builder):
    """Conditions on a property (or its length, with ``length=True``)."""

    __slots__ = ()

    def equal(self, value: FilterValue) -> FilterCondition:
        """The property equals ``value`` (a list compares array properties)."""
        return self._compare("equal", FilterOperator.EQUAL, value)

    def not_equal(self, value: FilterValue) -> FilterCondition:
        """The property does not equal ``value``."""
        return self._compare("not_equal", FilterOperator.NOT_EQUAL, value)

    def less_than(self, value: FilterValue) -> FilterCondition:
        """The property is less than ``value``."""
        return self._compare("less_than", FilterOperator.LESS_THAN, value)

    def less_or_equal(self, value: FilterValue) -> FilterCondition:
        """The property is less than or equal to ``value``."""
        return self._compare("less_or_equal", FilterOperator.LESS_THAN_EQUAL, value)

    def greater_than(self, value: FilterValue) -> FilterCondition:
        """The property is greater than ``value``."""
        return self._compare("greater_than", FilterOperator.GREATER_THAN, value)

    def greater_or_equal(self, value: FilterValue) -> FilterCondition:
        """The property is greater than or equal to ``value``."""
        return self._compare("greater_or_equal", FilterOperator.GREATER_THAN_EQUAL, value)

    def like(self, pattern: str) -> FilterCondition:
        """The text property matches ``pattern``: ``*`` any characters, ``?`` exactly one."""
        if not isinstance(pattern, str):
            raise QueryError(f"{self._where('like')}: expected a str pattern, got {pattern!r}")
        return self._make(FilterOperator.LIKE, "text", _text(self._where("like"), pattern))

    def is_none(self, value: bool = True) -> FilterCondition:
        """The property is missing/null (``True``) or present (``False``).

        Needs ``indexNullState`` in the collection's inverted index configuration.
        """
        if not isinstance(value, bool):
            raise QueryError(f"{self._where('is_none')}: expected True or False, got {value!r}")
        return self._make(FilterOperator.IS_NULL, "boolean", value)

    def contains_any(self, values: Sequence[FilterScalar]) -> FilterCondition:
        """The (array or text) property contains at least one of ``values``."""
        return self._contains("contains_any", FilterOperator.CONTAINS_ANY, values)

    def contains_all(self, values: Sequence[FilterScalar]) -> FilterCondition:
        """The (array or text) property contains every one of ``values``."""
        return self._contains("contains_all", FilterOperator.CONTAINS_ALL, values)

    def contains_none(self, values: Sequence[FilterScalar]) -> FilterCondition:
        """The (array or text) property contains none of ``values``."""
        return self._contains("contains_none", FilterOperator.CONTAINS_NONE, values)

    def within_geo_range(
        self, latitude: float, longitude: float, distance: float
    ) -> FilterCondition:
        """The geoCoordinates property lies within ``distance`` metres of a point.

        Args:
            latitude: Latitude of the centre in degrees.
            longitude: Longitude of the centre in degrees.
            distance: Radius in metres.
        """
        where = self._where("within_geo_range")
        parts: list[float] = []
        for name, value in (
            ("latitude", latitude),
            ("longitude", longitude),
            ("distance", distance),
        ):
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise QueryError(f"{where}: {name} must be a number, got {value!r}")
            if not math.isfinite(float(value)):
                raise QueryError(f"{where}: {name} must be finite, got {value!r}")
            parts.append(float(value))
        if not -90 <= parts[0] <= 90 or not -180 <= parts[1] <= 180 or parts[2] < 0:
            raise QueryError(
                f"{where}: expected latitude in [-90, 90], longitude in [-180, 180] and a "
                f"distance >= 0, got {latitude!r}, {longitude!r}, {distance!r}"
            )
        return self._make(FilterOperator.WITHIN_GEO_RANGE, "geo", tuple(parts))


class FilterById(_Builder):
    """Conditions on the object id."""

    __slots__ = ()

    def equal(self, uuid: UUID | str) -> FilterCondition:
        """The object has id ``uuid``."""
        return self._make(FilterOperator.EQUAL, "text", _uuid_text(self._where("equal"), uuid))

    def not_equal(self, uuid: UUID | str) -> FilterCondition:
        """The object does not have id ``uuid``."""
        where = self._where("not_equal")
        return self._make(FilterOperator.NOT_EQUAL, "text", _uuid_text(where, uuid))

    def contains_any(self, uuids: Sequence[UUID | str]) -> FilterCondition:
        """The object has one of the ids ``uuids``."""
        where = self._where("contains_any")
        values = tuple(_uuid_text(where, u) for u in _non_empty_list(where, uuids))
        return self._make(FilterOperator.CONTAINS_ANY, "text_array", values)

    def contains_none(self, uuids: Sequence[UUID | str]) -> FilterCondition:
        """The object has none of the ids ``uuids``."""
        where = self._where("contains_none")
        values = tuple(_uuid_text(where, u) for u in _non_empty_list(where, uuids))
        return self._make(FilterOperator.CONTAINS_NONE, "text_array", values)


class FilterByTime(_Builder):
    """Conditions on the creation or last-update time of objects.

    Needs ``indexTimestamps`` in the collection's inverted index configuration.
    """

    __slots__ = ()

    def _time(self, method: str, op: FilterOperator, value: object) -> FilterCondition:
        if not isinstance(value, datetime):
            raise QueryError(f"{self._where(method)}: expected a datetime, got {value!r}")
        return self._make(op, "text", _rfc3339(value))

    def _times(self, method: str, op: FilterOperator, values: object) -> FilterCondition:
        where = self._where(method)
        items = _non_empty_list(where, values)
        for item in items:
            if not isinstance(item, datetime):
                raise QueryError(f"{where}: expected datetimes, got {item!r}")
        return self._make(op, "text_array", tuple(_rfc3339(v) for v in items))

    def equal(self, value: datetime) -> FilterCondition:
        """The time equals ``value``."""
        return self._time("equal", FilterOperator.EQUAL, value)

    def not_equal(self, value: datetime) -> FilterCondition:
        """The time differs from ``value``."""
        return self._time("not_equal", FilterOperator.NOT_EQUAL, value)

    def less_than(self, value: datetime) -> FilterCondition:
        """The time is before ``value``."""
        return self._time("less_than", FilterOperator.LESS_THAN, value)

    def less_or_equal(self, value: datetime) -> FilterCondition:
        """The time is at or before ``value``."""
        return self._time("less_or_equal", FilterOperator.LESS_THAN_EQUAL, value)

    def greater_than(self, value: datetime) -> FilterCondition:
        """The time is after ``value``."""
        return self._time("greater_than", FilterOperator.GREATER_THAN, value)

    def greater_or_equal(self, value: datetime) -> FilterCondition:
        """The time is at or after ``value``."""
        return self._time("greater_or_equal", FilterOperator.GREATER_THAN_EQUAL, value)

    def contains_any(self, values: Sequence[datetime]) -> FilterCondition:
        """The time is one of ``values``."""
        return self._times("contains_any", FilterOperator.CONTAINS_ANY, values)

    def contains_none(self, values: Sequence[datetime]) -> FilterCondition:
        """The time is none of ``values``."""
        return self._times("contains_none", FilterOperator.CONTAINS_NONE, values)


class FilterByCount(_Builder):
    """Conditions on how many objects a reference property points to."""

    __slots__ = ()

    def _count(self, method: str, op: FilterOperator, count: object) -> FilterCondition:
        if isinstance(count, bool) or not isinstance(count, numbers.Integral) or int(count) < 0:
            raise QueryError(f"{self._where(method)}: expected a count >= 0, got {count!r}")
        return self._make(op, "int", int(count))

    def equal(self, count: int) -> FilterCondition:
        """Exactly ``count`` references."""
        return self._count("equal", FilterOperator.EQUAL, count)

    def not_equal(self, count: int) -> FilterCondition:
        """Not exactly ``count`` references."""
        return self._count("not_equal", FilterOperator.NOT_EQUAL, count)

    def less_than(self, count: int) -> FilterCondition:
        """Fewer than ``count`` references."""
        return self._count("less_than", FilterOperator.LESS_THAN, count)

    def less_or_equal(self, count: int) -> FilterCondition:
        """At most ``count`` references."""
        return self._count("less_or_equal", FilterOperator.LESS_THAN_EQUAL, count)

    def greater_than(self, count: int) -> FilterCondition:
        """More than ``count`` references."""
        return self._count("greater_than", FilterOperator.GREATER_THAN, count)

    def greater_or_equal(self, count: int) -> FilterCondition:
        """At least ``count`` references."""
        return self._count("greater_or_equal", FilterOperator.GREATER_THAN_EQUAL, count)


def _name(where: str, value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise QueryError(f"{where}: {what} must be a non-empty string, got {value!r}")
    problem = text_problem(value)
    if problem is not None:
        raise QueryError(f"{where}: {what} {problem}")
    return value


class FilterByRef:
    """A path through reference properties; end it with a condition builder."""

    __slots__ = ("_hops", "_label")

    def __init__(self, hops: tuple[Hop, ...], label: str) -> None:
        self._hops = hops
        self._label = label

    def by_ref(self, link_on: str) -> FilterByRef:
        """Follow another single-target reference property ``link_on``."""
        _name(f"{self._label}.by_ref", link_on, "link_on")
        return FilterByRef((*self._hops, (link_on, None)), f"{self._label}.by_ref({link_on!r})")

    def by_ref_multi_target(self, link_on: str, target_collection: str) -> FilterByRef:
        """Follow multi-target reference property ``link_on`` into ``target_collection``."""
        where = f"{self._label}.by_ref_multi_target"
        _name(where, link_on, "link_on")
        _name(where, target_collection, "target_collection")
        collection = target_collection[0].upper() + target_collection[1:]
        return FilterByRef(
            (*self._hops, (link_on, collection)),
            f"{where}({link_on!r}, {target_collection!r})",
        )

    def by_property(self, name: str, *, length: bool = False) -> FilterByProperty:
        """Conditions on property ``name`` of the referenced objects."""
        return _by_property(self._hops, self._label, name, length)

    def by_id(self) -> FilterById:
        """Conditions on the ids of the referenced objects."""
        return FilterById(self._hops, PropertyTarget("_id"), f"{self._label}.by_id()")

    def by_ref_count(self, link_on: str) -> FilterByCount:
        """Conditions on the number of references in ``link_on`` of the referenced objects."""
        _name(f"{self._label}.by_ref_count", link_on, "link_on")
        label = f"{self._label}.by_ref_count({link_on!r})"
        return FilterByCount(self._hops, CountTarget(link_on), label)

    def by_creation_time(self) -> FilterByTime:
        """Conditions on the creation time of the referenced objects."""
        label = f"{self._label}.by_creation_time()"
        return FilterByTime(self._hops, PropertyTarget("_creationTimeUnix"), label)

    def by_update_time(self) -> FilterByTime:
        """Conditions on the last-update time of the referenced objects."""
        label = f"{self._label}.by_update_time()"
        return FilterByTime(self._hops, PropertyTarget("_lastUpdateTimeUnix"), label)


def _by_property(hops: tuple[Hop, ...], label: str, name: str, length: bool) -> FilterByProperty:
    where = f"{label}.by_property"
    _name(where, name, "the property name")
    if not isinstance(length, bool):
        raise QueryError(f"{where}: length must be True or False, got {length!r}")
    prop = f"len({name})" if length else name
    suffix = ", length=True" if length else ""
    return FilterByProperty(hops, PropertyTarget(prop), f"{where}({name!r}{suffix})")


class Filter:
    """Entry points for building filters (all static; never instantiated)."""

    def __init__(self) -> None:
        raise TypeError("Filter is a namespace of static methods; use Filter.by_property(...)")

    @staticmethod
    def by_property(name: str, *, length: bool = False) -> FilterByProperty:
        """Conditions on property ``name``.

        Args:
            name: The property name.
            length: Test the length of the property (text length or array size) instead
                of its value; needs ``indexPropertyLength`` in the inverted index config.
        """
        return _by_property((), "Filter", name, length)

    @staticmethod
    def by_id() -> FilterById:
        """Conditions on the object id."""
        return FilterById((), PropertyTarget("_id"), "Filter.by_id()")

    @staticmethod
    def by_ref(link_on: str) -> FilterByRef:
        """Follow single-target reference property ``link_on`` (then chain a condition)."""
        _name("Filter.by_ref", link_on, "link_on")
        return FilterByRef(((link_on, None),), f"Filter.by_ref({link_on!r})")

    @staticmethod
    def by_ref_multi_target(link_on: str, target_collection: str) -> FilterByRef:
        """Follow multi-target reference property ``link_on`` into ``target_collection``."""
        return FilterByRef((), "Filter").by_ref_multi_target(link_on, target_collection)

    @staticmethod
    def by_ref_count(link_on: str) -> FilterByCount:
        """Conditions on the number of references in property ``link_on``."""
        _name("Filter.by_ref_count", link_on, "link_on")
        return FilterByCount((), CountTarget(link_on), f"Filter.by_ref_count({link_on!r})")

    @staticmethod
    def by_creation_time() -> FilterByTime:
        """Conditions on the creation time (needs ``indexTimestamps``)."""
        return FilterByTime((), PropertyTarget("_creationTimeUnix"), "Filter.by_creation_time()")

    @staticmethod
    def by_update_time() -> FilterByTime:
        """Conditions on the last-update time (needs ``indexTimestamps``)."""
        return FilterByTime((), PropertyTarget("_lastUpdateTimeUnix"), "Filter.by_update_time()")

    @staticmethod
    def all_of(filters: Sequence[FilterExpression]) -> FilterExpression:
        """Every filter of ``filters`` holds (``f1 & f2 & ...``)."""
        items = [_check_expr(f, "all_of") for f in _non_empty_list("Filter.all_of", filters)]
        return items[0] if len(items) == 1 else FilterAnd(_flatten(FilterAnd, items))

    @staticmethod
    def any_of(filters: Sequence[FilterExpression]) -> FilterExpression:
        """At least one filter of ``filters`` holds (``f1 | f2 | ...``)."""
        items = [_check_expr(f, "any_of") for f in _non_empty_list("Filter.any_of", filters)]
        return items[0] if len(items) == 1 else FilterOr(_flatten(FilterOr, items))

    @staticmethod
    def not_(filter: FilterExpression) -> FilterExpression:
        """``filter`` does not hold (``~filter``)."""
        return FilterNot(_check_expr(filter, "not_"))
