"""Aggregate expressions for ``QuerySet.aggregate(**metrics)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from weavorm.errors import QueryError

__all__ = [
    "Aggregate",
    "Avg",
    "Count",
    "Max",
    "Median",
    "Min",
    "Mode",
    "PercentageTrue",
    "Sum",
    "TopOccurrences",
]


@dataclass(frozen=True, slots=True)
class Aggregate:
    """Base class: one metric of one field."""

    field: str | None = None
    kinds: ClassVar[tuple[str, ...]] = ()
    metric: ClassVar[str] = ""

    def check(self, data_type: str) -> None:
        """Refuse a metric the field's type has no answer for."""
        base = data_type.removesuffix("[]")
        if self.kinds and base not in self.kinds:
            raise QueryError(
                f"{type(self).__name__}({self.field!r}): not available for {data_type} "
                f"fields (works on {', '.join(self.kinds)})"
            )


class Count(Aggregate):
    """Number of objects (no field) or of values of a field."""

    metric = "count"


class Sum(Aggregate):
    """Sum of an int or float field."""

    kinds = ("int", "number")
    metric = "sum_"


class Avg(Aggregate):
    """Mean of an int or float field."""

    kinds = ("int", "number")
    metric = "mean"


class Min(Aggregate):
    """Smallest value of an int, float or datetime field."""

    kinds = ("int", "number", "date")
    metric = "minimum"


class Max(Aggregate):
    """Largest value of an int, float or datetime field."""

    kinds = ("int", "number", "date")
    metric = "maximum"


class Median(Aggregate):
    """Median of an int, float or datetime field."""

    kinds = ("int", "number", "date")
    metric = "median"


class Mode(Aggregate):
    """Most common value of an int, float or datetime field."""

    kinds = ("int", "number", "date")
    metric = "mode"


@dataclass(frozen=True, slots=True)
class TopOccurrences(Aggregate):
    """Most common values of a text field: a list of (value, count)."""

    limit: int = 5
    kinds: ClassVar[tuple[str, ...]] = ("text",)
    metric: ClassVar[str] = "top_occurrences"


class PercentageTrue(Aggregate):
    """Share of ``True`` values of a bool field (0 to 1)."""

    kinds = ("boolean",)
    metric = "percentage_true"


def metric_value(agg: Aggregate, result: Any) -> Any:
    """Pick the requested value from an engine metric result."""
    if isinstance(agg, TopOccurrences):
        items = getattr(result, "top_occurrences", None) or []
        return [(t.value, t.count) for t in items]
    name = agg.metric.rstrip("_")
    if name == "sum":
        name = "sum_" if hasattr(result, "sum_") else "sum"
    return getattr(result, name, None)
