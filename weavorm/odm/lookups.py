"""Lookups (``year__gt=2000``) as registered classes that know Weaviate's indexes.

Each lookup class has a ``lookup_name``, checks that the field can answer it the way
the user means (tokenization, index flags, inverted index options) and produces a
:class:`Condition` that the compiler turns into an engine filter. A lookup that
would silently mean something else is refused with an explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from weavorm.config.vocabulary import SPLITTING_TOKENIZATIONS
from weavorm.errors import QueryError
from weavorm.odm.mapping import PropertyInfo

__all__ = ["LOOKUPS", "Condition", "FieldTarget", "Lookup", "register_lookup"]

_TOKENIZED = SPLITTING_TOKENIZATIONS


@dataclass(frozen=True, slots=True)
class FieldTarget:
    """What a lookup applies to.

    Attributes:
        path: Reference hops then the property: ``(("author", ("Author",)), ...)`` as
            a tuple of (reference name, target collections) pairs.
        prop: The property (None for ids, timestamps).
        special: ``"id"``, ``"created_at"``, ``"updated_at"`` or None.
        index_null_state: The collection indexes null state.
        index_property_length: The collection indexes property length.
        index_timestamps: The collection indexes timestamps.
    """

    path: tuple[tuple[str, tuple[str, ...]], ...]
    prop: PropertyInfo | None
    special: str | None = None
    index_null_state: bool = False
    index_property_length: bool = False
    index_timestamps: bool = False
    label: str = ""


@dataclass(frozen=True, slots=True)
class Condition:
    """One compiled condition: an engine filter operator applied to a target."""

    target: FieldTarget
    operator: str
    value: Any
    length: bool = False


class Lookup:
    """Base class of lookups. Subclass, set ``lookup_name`` and register."""

    lookup_name: ClassVar[str] = ""
    operator: ClassVar[str] = ""
    needs_filterable: ClassVar[bool] = True

    def condition(self, target: FieldTarget, value: Any) -> Condition:
        """Check the lookup against the field and build its condition.

        Raises:
            QueryError: the lookup cannot mean what it says on this field.
        """
        self.check(target, value)
        return Condition(target, self.operator, self.prepare(target, value))

    def check(self, target: FieldTarget, value: Any) -> None:
        """Refuse lookups the field's indexes cannot answer as meant."""
        prop = target.prop
        if prop is None or not self.needs_filterable:
            return
        spec = prop.spec
        if spec.index_filterable is False and not (
            self.operator in _RANGE_OPS and spec.index_range_filters
        ):
            raise QueryError(
                f"{target.label}__{self.lookup_name}: field {prop.attr!r} is declared with "
                "index_filterable=False, so Weaviate cannot filter on it; set "
                "index_filterable=True (or index_range_filters=True for ranges)"
            )

    def prepare(self, target: FieldTarget, value: Any) -> Any:
        """Convert the user's value (hook for subclasses)."""
        return value


_RANGE_OPS = frozenset({"greater_than", "greater_or_equal", "less_than", "less_or_equal"})

LOOKUPS: dict[str, type[Lookup]] = {}


def register_lookup(cls: type[Lookup]) -> type[Lookup]:
    """Class decorator: make ``cls`` available as ``field__<lookup_name>``."""
    if not cls.lookup_name:
        raise TypeError(f"{cls.__name__} needs a lookup_name")
    LOOKUPS[cls.lookup_name] = cls
    return cls


def _is_text(prop: PropertyInfo | None) -> bool:
    return prop is not None and prop.data_type in ("text", "text[]")


def _tokenization(prop: PropertyInfo) -> str:
    return prop.spec.tokenization or "word"


@register_lookup
class Exact(Lookup):
    """Equality. On text it requires ``tokenization="field"`` to mean whole-value equality."""

    lookup_name = "exact"
    operator = "equal"

    def check(self, target: FieldTarget, value: Any) -> None:
        super().check(target, value)
        prop = target.prop
        if _is_text(prop) and prop is not None and _tokenization(prop) in _TOKENIZED:
            raise QueryError(
                f"{target.label}={value!r}: field {prop.attr!r} is tokenized with "
                f"{_tokenization(prop)!r}, so Weaviate's equal matches objects whose text "
                "contains those tokens, not the exact value. Declare the field with "
                "tokenization='field' for exact matching, or use the explicit "
                f"{target.label}__match lookup for token matching"
            )
        if (
            isinstance(value, list | tuple | set)
            and prop is not None
            and not prop.data_type.endswith("[]")
        ):
            raise QueryError(f"{target.label}: exact takes one value; use __in for several")


@register_lookup
class Match(Lookup):
    """Token match on tokenized text (Weaviate's equal on a tokenized field)."""

    lookup_name = "match"
    operator = "equal"

    def check(self, target: FieldTarget, value: Any) -> None:
        super().check(target, value)
        if not _is_text(target.prop):
            raise QueryError(f"{target.label}__match works on text fields only")


@register_lookup
class NotEqual(Exact):
    """Inequality (same tokenization rules as ``exact``)."""

    lookup_name = "ne"
    operator = "not_equal"


class _Range(Lookup):
    def check(self, target: FieldTarget, value: Any) -> None:
        super().check(target, value)
        prop = target.prop
        if prop is None:
            return
        if _is_text(prop) and _tokenization(prop) in _TOKENIZED:
            raise QueryError(
                f"{target.label}__{self.lookup_name}: field {prop.attr!r} is tokenized with "
                f"{_tokenization(prop)!r}, so a range compares single tokens, not whole "
                "values; declare it with tokenization='field' to compare whole strings"
            )
        if prop.data_type in ("boolean", "boolean[]", "geoCoordinates", "phoneNumber", "blob"):
            raise QueryError(
                f"{target.label}__{self.lookup_name}: no ordering on {prop.data_type} fields"
            )
        if prop.spec.index_filterable is False and prop.spec.index_range_filters is not True:
            raise QueryError(
                f"{target.label}__{self.lookup_name}: field {prop.attr!r} has neither a "
                "filterable nor a range index; declare index_range_filters=True"
            )


@register_lookup
class GreaterThan(_Range):
    """``>``."""

    lookup_name = "gt"
    operator = "greater_than"


@register_lookup
class GreaterOrEqual(_Range):
    """``>=``."""

    lookup_name = "gte"
    operator = "greater_or_equal"


@register_lookup
class LessThan(_Range):
    """``<``."""

    lookup_name = "lt"
    operator = "less_than"


@register_lookup
class LessOrEqual(_Range):
    """``<=``."""

    lookup_name = "lte"
    operator = "less_or_equal"


@register_lookup
class Like(Lookup):
    """Wildcard match (``*`` any run, ``?`` one character) on text or uuid."""

    lookup_name = "like"
    operator = "like"

    def check(self, target: FieldTarget, value: Any) -> None:
        super().check(target, value)
        if target.prop is not None and not _is_text(target.prop) and target.special != "id":
            raise QueryError(f"{target.label}__like works on text fields only")
        if not isinstance(value, str):
            raise QueryError(f"{target.label}__like needs a string pattern, got {value!r}")


class _Many(Lookup):
    def prepare(self, target: FieldTarget, value: Any) -> Any:
        if isinstance(value, str | bytes) or not isinstance(value, Sequence | set | frozenset):
            raise QueryError(f"{target.label}__{self.lookup_name} needs a list of values")
        values = list(value)
        if not values:
            raise QueryError(f"{target.label}__{self.lookup_name} needs at least one value")
        return values


@register_lookup
class In(_Many):
    """The value is one of the given values (``contains_any`` on a scalar)."""

    lookup_name = "in"
    operator = "contains_any"

    def check(self, target: FieldTarget, value: Any) -> None:
        super().check(target, value)
        prop = target.prop
        if _is_text(prop) and prop is not None and _tokenization(prop) in _TOKENIZED:
            raise QueryError(
                f"{target.label}__in: field {prop.attr!r} is tokenized with "
                f"{_tokenization(prop)!r}, so __in would match single tokens; declare it "
                "with tokenization='field' or use __contains_any for token matching"
            )


@register_lookup
class ContainsAny(_Many):
    """Any of the values is present (arrays: any element; text: any token)."""

    lookup_name = "contains_any"
    operator = "contains_any"


@register_lookup
class ContainsAll(_Many):
    """All of the values are present."""

    lookup_name = "contains_all"
    operator = "contains_all"


@register_lookup
class ContainsNone(_Many):
    """None of the values is present."""

    lookup_name = "contains_none"
    operator = "contains_none"


@register_lookup
class IsNull(Lookup):
    """``isnull=True`` / ``False``: needs ``InvertedIndex(index_null_state=True)``."""

    lookup_name = "isnull"
    operator = "is_none"
    needs_filterable = False

    def check(self, target: FieldTarget, value: Any) -> None:
        if not isinstance(value, bool):
            raise QueryError(f"{target.label}__isnull takes True or False, got {value!r}")
        if not target.index_null_state:
            raise QueryError(
                f"{target.label}__isnull: the collection does not index null state, so "
                "Weaviate cannot answer it; set Meta.inverted_index = "
                "InvertedIndex(index_null_state=True)"
            )


@register_lookup
class WithinGeo(Lookup):
    """``within_geo=(latitude, longitude, distance_in_meters)`` on a GeoCoordinate field."""

    lookup_name = "within_geo"
    operator = "within_geo_range"

    def check(self, target: FieldTarget, value: Any) -> None:
        super().check(target, value)
        if target.prop is None or target.prop.data_type != "geoCoordinates":
            raise QueryError(f"{target.label}__within_geo works on GeoCoordinate fields only")
        if not (isinstance(value, tuple | list) and len(value) == 3):
            raise QueryError(f"{target.label}__within_geo takes (latitude, longitude, distance_m)")


#: Operators a ``len__`` lookup may use.
LENGTH_OPERATORS: dict[str, str] = {
    "exact": "equal",
    "ne": "not_equal",
    "gt": "greater_than",
    "gte": "greater_or_equal",
    "lt": "less_than",
    "lte": "less_or_equal",
}


def length_condition(target: FieldTarget, op: str, value: Any) -> Condition:
    """``field__len__gt=3``: needs ``InvertedIndex(index_property_length=True)``."""
    if op not in LENGTH_OPERATORS:
        raise QueryError(
            f"{target.label}__len__{op}: unknown; use one of {', '.join(LENGTH_OPERATORS)}"
        )
    if not target.index_property_length:
        raise QueryError(
            f"{target.label}__len: the collection does not index property length; set "
            "Meta.inverted_index = InvertedIndex(index_property_length=True)"
        )
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise QueryError(f"{target.label}__len takes a non-negative int, got {value!r}")
    return Condition(target, LENGTH_OPERATORS[op], value, length=True)
