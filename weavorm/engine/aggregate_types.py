"""Options and results of aggregations (``collection.aggregate``).

Say which metrics to compute with :class:`Metrics`::

    collection.aggregate.over_all(
        return_metrics=[
            Metrics("year").integer(sum_=True, mean=True),
            Metrics("title").text(top_occurrences_value=True, limit=3),
        ],
        group_by=GroupByAggregate(prop="genre", limit=10),
    )

An aggregation without ``group_by`` returns an :class:`AggregateResult`; with it, an
:class:`AggregateGroupByResult`. The shapes follow the official Python client v4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, TypeAlias

from weavorm.errors import QueryError

__all__ = [
    "AggregateBoolean",
    "AggregateDate",
    "AggregateGroup",
    "AggregateGroupByResult",
    "AggregateGroupByReturn",
    "AggregateInteger",
    "AggregateNumber",
    "AggregatePropertyResult",
    "AggregateReference",
    "AggregateResult",
    "AggregateReturn",
    "AggregateText",
    "BooleanMetrics",
    "DateMetrics",
    "GroupByAggregate",
    "GroupedBy",
    "GroupedByGeo",
    "GroupedByValue",
    "IntegerMetrics",
    "Metrics",
    "NumberMetrics",
    "PropertyMetrics",
    "ReferenceMetrics",
    "TextMetrics",
    "TopOccurrence",
]


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise QueryError(f"{name} must be a positive integer, got {value!r}")
    return value


# --- what to compute --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextMetrics:
    """Metrics of a ``text`` / ``text[]`` property (build with :meth:`Metrics.text`)."""

    property_name: str
    count: bool = False
    top_occurrences_count: bool = False
    top_occurrences_value: bool = False
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class IntegerMetrics:
    """Metrics of an ``int`` / ``int[]`` property (build with :meth:`Metrics.integer`)."""

    property_name: str
    count: bool = False
    maximum: bool = False
    mean: bool = False
    median: bool = False
    minimum: bool = False
    mode: bool = False
    sum_: bool = False


@dataclass(frozen=True, slots=True)
class NumberMetrics:
    """Metrics of a ``number`` / ``number[]`` property (build with :meth:`Metrics.number`)."""

    property_name: str
    count: bool = False
    maximum: bool = False
    mean: bool = False
    median: bool = False
    minimum: bool = False
    mode: bool = False
    sum_: bool = False


@dataclass(frozen=True, slots=True)
class BooleanMetrics:
    """Metrics of a ``boolean`` / ``boolean[]`` property (:meth:`Metrics.boolean`)."""

    property_name: str
    count: bool = False
    percentage_false: bool = False
    percentage_true: bool = False
    total_false: bool = False
    total_true: bool = False


@dataclass(frozen=True, slots=True)
class DateMetrics:
    """Metrics of a ``date`` / ``date[]`` property (build with :meth:`Metrics.date_`)."""

    property_name: str
    count: bool = False
    maximum: bool = False
    median: bool = False
    minimum: bool = False
    mode: bool = False


@dataclass(frozen=True, slots=True)
class ReferenceMetrics:
    """Metrics of a cross-reference property (build with :meth:`Metrics.reference`)."""

    property_name: str
    pointing_to: bool = True


PropertyMetrics: TypeAlias = (
    TextMetrics | IntegerMetrics | NumberMetrics | BooleanMetrics | DateMetrics | ReferenceMetrics
)
"""Any one property's metrics request."""

METRICS_TYPES = (
    TextMetrics,
    IntegerMetrics,
    NumberMetrics,
    BooleanMetrics,
    DateMetrics,
    ReferenceMetrics,
)


class Metrics:
    """The metrics to compute for one property.

    Name the property, then pick its kind; with no flag set, every metric of that kind
    is returned::

        Metrics("year").integer(sum_=True, mean=True)
        Metrics("title").text(top_occurrences_value=True, limit=5)
        Metrics("published").date_()

    Args:
        property_: The property name.

    Raises:
        QueryError: when the name is empty.
    """

    def __init__(self, property_: str) -> None:
        if not isinstance(property_, str) or not property_:
            raise QueryError(f"Metrics needs a property name, got {property_!r}")
        self._property = property_

    @property
    def property_name(self) -> str:
        """The property these metrics are computed on."""
        return self._property

    def text(
        self,
        *,
        count: bool = False,
        top_occurrences_count: bool = False,
        top_occurrences_value: bool = False,
        limit: int | None = None,
    ) -> TextMetrics:
        """Metrics of a ``text`` or ``text[]`` property.

        Args:
            count: The number of objects with a value.
            top_occurrences_count: How often each of the most frequent values occurs.
            top_occurrences_value: The most frequent values themselves.
            limit: At most this many top occurrences.

        Returns:
            The request; all metrics when no flag is set.
        """
        if limit is not None:
            _positive_int(limit, "limit")
        if not (count or top_occurrences_count or top_occurrences_value):
            count = top_occurrences_count = top_occurrences_value = True
        return TextMetrics(
            self._property,
            count=count,
            top_occurrences_count=top_occurrences_count,
            top_occurrences_value=top_occurrences_value,
            limit=limit,
        )

    def integer(
        self,
        *,
        count: bool = False,
        maximum: bool = False,
        mean: bool = False,
        median: bool = False,
        minimum: bool = False,
        mode: bool = False,
        sum_: bool = False,
    ) -> IntegerMetrics:
        """Metrics of an ``int`` or ``int[]`` property.

        Args:
            count: The number of values.
            maximum: The largest value.
            mean: The arithmetic mean.
            median: The median.
            minimum: The smallest value.
            mode: The most frequent value.
            sum_: The sum of the values.

        Returns:
            The request; all metrics when no flag is set.
        """
        flags = (count, maximum, mean, median, minimum, mode, sum_)
        if not any(flags):
            flags = (True,) * 7
        return IntegerMetrics(self._property, *flags)

    def number(
        self,
        *,
        count: bool = False,
        maximum: bool = False,
        mean: bool = False,
        median: bool = False,
        minimum: bool = False,
        mode: bool = False,
        sum_: bool = False,
    ) -> NumberMetrics:
        """Metrics of a ``number`` or ``number[]`` property.

        Args:
            count: The number of values.
            maximum: The largest value.
            mean: The arithmetic mean.
            median: The median.
            minimum: The smallest value.
            mode: The most frequent value.
            sum_: The sum of the values.

        Returns:
            The request; all metrics when no flag is set.
        """
        flags = (count, maximum, mean, median, minimum, mode, sum_)
        if not any(flags):
            flags = (True,) * 7
        return NumberMetrics(self._property, *flags)

    def boolean(
        self,
        *,
        count: bool = False,
        percentage_false: bool = False,
        percentage_true: bool = False,
        total_false: bool = False,
        total_true: bool = False,
    ) -> BooleanMetrics:
        """Metrics of a ``boolean`` or ``boolean[]`` property.

        Args:
            count: The number of values.
            percentage_false: The share of ``False`` values (0..1).
            percentage_true: The share of ``True`` values (0..1).
            total_false: The number of ``False`` values.
            total_true: The number of ``True`` values.

        Returns:
            The request; all metrics when no flag is set.
        """
        flags = (count, percentage_false, percentage_true, total_false, total_true)
        if not any(flags):
            flags = (True,) * 5
        return BooleanMetrics(self._property, *flags)

    def date_(
        self,
        *,
        count: bool = False,
        maximum: bool = False,
        median: bool = False,
        minimum: bool = False,
        mode: bool = False,
    ) -> DateMetrics:
        """Metrics of a ``date`` or ``date[]`` property.

        Args:
            count: The number of values.
            maximum: The latest date.
            median: The median date.
            minimum: The earliest date.
            mode: The most frequent date.

        Returns:
            The request; all metrics when no flag is set.
        """
        flags = (count, maximum, median, minimum, mode)
        if not any(flags):
            flags = (True,) * 5
        return DateMetrics(self._property, *flags)

    def date(
        self,
        *,
        count: bool = False,
        maximum: bool = False,
        median: bool = False,
        minimum: bool = False,
        mode: bool = False,
    ) -> DateMetrics:
        """The same as :meth:`date_` (the official client's name has the underscore).

        Args:
            count: The number of values.
            maximum: The latest date.
            median: The median date.
            minimum: The earliest date.
            mode: The most frequent date.

        Returns:
            The request; all metrics when no flag is set.
        """
        return self.date_(count=count, maximum=maximum, median=median, minimum=minimum, mode=mode)

    def reference(self, *, pointing_to: bool = True) -> ReferenceMetrics:
        """Metrics of a cross-reference property.

        Args:
            pointing_to: The beacons (``weaviate://localhost/<Collection>/<uuid>``) the
                matched objects' references point to.

        Returns:
            The request.
        """
        del pointing_to  # the only metric of a reference: always returned
        return ReferenceMetrics(self._property, pointing_to=True)


@dataclass(frozen=True, slots=True)
class GroupByAggregate:
    """Group an aggregation by the values of a property.

    Attributes:
        prop: The property to group by.
        limit: At most this many groups.
    """

    prop: str
    limit: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.prop, str) or not self.prop:
            raise QueryError(f"group_by needs a property name, got {self.prop!r}")
        if self.limit is not None:
            _positive_int(self.limit, "group_by.limit")


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TopOccurrence:
    """One of the most frequent values of a text property.

    Attributes:
        value: The value.
        count: How many times it occurs.
    """

    value: str | None
    count: int | None


@dataclass(frozen=True, slots=True)
class AggregateText:
    """The metrics of a text property."""

    count: int | None = None
    top_occurrences: list[TopOccurrence] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AggregateInteger:
    """The metrics of an int property (``mean`` and ``median`` may be fractional)."""

    count: int | None = None
    maximum: int | None = None
    mean: float | None = None
    median: float | None = None
    minimum: int | None = None
    mode: int | None = None
    sum_: int | None = None


@dataclass(frozen=True, slots=True)
class AggregateNumber:
    """The metrics of a number property."""

    count: int | None = None
    maximum: float | None = None
    mean: float | None = None
    median: float | None = None
    minimum: float | None = None
    mode: float | None = None
    sum_: float | None = None


@dataclass(frozen=True, slots=True)
class AggregateBoolean:
    """The metrics of a boolean property (percentages are shares between 0 and 1)."""

    count: int | None = None
    percentage_false: float | None = None
    percentage_true: float | None = None
    total_false: int | None = None
    total_true: int | None = None


@dataclass(frozen=True, slots=True)
class AggregateDate:
    """The metrics of a date property, as timezone-aware datetimes."""

    count: int | None = None
    maximum: datetime | None = None
    median: datetime | None = None
    minimum: datetime | None = None
    mode: datetime | None = None


@dataclass(frozen=True, slots=True)
class AggregateReference:
    """The metrics of a cross-reference property.

    Attributes:
        pointing_to: The distinct beacons (``weaviate://localhost/<Collection>/<uuid>``)
            the matched objects point to, sorted.
    """

    pointing_to: list[str] = field(default_factory=list)


AggregatePropertyResult: TypeAlias = (
    AggregateText
    | AggregateInteger
    | AggregateNumber
    | AggregateBoolean
    | AggregateDate
    | AggregateReference
)
"""The metrics of one property."""


@dataclass(frozen=True, slots=True)
class AggregateResult:
    """The result of an aggregation without grouping.

    Attributes:
        total_count: The number of matching objects (None when not requested).
        properties: The metrics by property name.
    """

    total_count: int | None
    properties: dict[str, AggregatePropertyResult] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GroupedByGeo:
    """A geo-coordinates group value."""

    latitude: float
    longitude: float


GroupedByValue: TypeAlias = (
    str
    | int
    | float
    | bool
    | list[str]
    | list[int]
    | list[float]
    | list[bool]
    | GroupedByGeo
    | None
)
"""The value of the property a group was formed by."""


class GroupedBy(NamedTuple):
    """The property and value a group was formed by (a ``(prop, value)`` tuple)."""

    prop: str
    value: GroupedByValue


@dataclass(frozen=True, slots=True)
class AggregateGroup:
    """One group of a grouped aggregation.

    Attributes:
        grouped_by: The ``(prop, value)`` of the group.
        total_count: The number of objects in the group (None when not requested).
        properties: The metrics by property name.
    """

    grouped_by: GroupedBy
    total_count: int | None
    properties: dict[str, AggregatePropertyResult] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AggregateGroupByResult:
    """The result of an aggregation with ``group_by``.

    Attributes:
        groups: The groups in the server's order.
    """

    groups: list[AggregateGroup] = field(default_factory=list)


#: The official client's name for :class:`AggregateResult`.
AggregateReturn = AggregateResult
#: The official client's name for :class:`AggregateGroupByResult`.
AggregateGroupByReturn = AggregateGroupByResult
