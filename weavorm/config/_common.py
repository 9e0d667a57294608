"""Shared enums, type aliases and validation helpers of the configuration builders.

Everything here is pure: no I/O, no import-time side effects. Validation helpers raise
:class:`weavorm.errors.ConfigError` with a message that names the offending value and,
for enumerated settings, every valid choice.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from weavorm.errors import ConfigError

JSONDict = dict[str, Any]
"""A JSON object as produced for the Weaviate REST API."""


class _StrEnum(str, Enum):
    """A str enum whose ``str()`` is its value (``enum.StrEnum`` needs Python 3.11)."""

    def __str__(self) -> str:
        return str(self.value)


class VectorDistance(_StrEnum):
    """Distance metrics of the vector indexes."""

    COSINE = "cosine"
    DOT = "dot"
    L2_SQUARED = "l2-squared"
    HAMMING = "hamming"
    MANHATTAN = "manhattan"


VectorDistanceName = Literal["cosine", "dot", "l2-squared", "hamming", "manhattan"]


class VectorIndexType(_StrEnum):
    """Vector index types accepted on creation."""

    HNSW = "hnsw"
    FLAT = "flat"
    DYNAMIC = "dynamic"
    HFRESH = "hfresh"


class FilterStrategy(_StrEnum):
    """Filtered-search strategies of the HNSW index."""

    SWEEPING = "sweeping"
    ACORN = "acorn"


FilterStrategyName = Literal["sweeping", "acorn"]


class StopwordsPreset(_StrEnum):
    """Built-in stopword presets."""

    EN = "en"
    NONE = "none"


StopwordsPresetName = Literal["en", "none"]


class DeletionStrategy(_StrEnum):
    """Conflict resolution strategies for deleted objects in replicated collections."""

    NO_AUTOMATED_RESOLUTION = "NoAutomatedResolution"
    DELETE_ON_CONFLICT = "DeleteOnConflict"
    TIME_BASED_RESOLUTION = "TimeBasedResolution"


DeletionStrategyName = Literal["NoAutomatedResolution", "DeleteOnConflict", "TimeBasedResolution"]

_E = TypeVar("_E", bound=_StrEnum)
_T = TypeVar("_T")

COLLECTION_NAME_RE = re.compile(r"^[A-Z][_0-9A-Za-z]{0,254}$")
PROPERTY_NAME_RE = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,230}$")
NESTED_PROPERTY_NAME_RE = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")
VECTOR_NAME_RE = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,229}$")


def build(cls: type[_T], **values: Any) -> _T:
    """Create an instance of a frozen class without running its validating ``__init__``.

    Parsers use it for values the server already accepted (they may hold server defaults
    that the builders would not let a user write, e.g. ``rescoreLimit: -1``).
    """
    obj = object.__new__(cls)
    for key, value in values.items():
        object.__setattr__(obj, key, value)
    return obj


def fail(message: str, *, field: str, value: Any) -> ConfigError:
    """Build a :class:`ConfigError` (the caller raises it)."""
    return ConfigError(message, field=field, value=value)


def enum_value(value: Any, enum: type[_E], field: str) -> _E:
    """Return ``value`` as a member of ``enum``, or raise naming the valid choices."""
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        for member in enum:
            if member.value == value:
                return member
    choices = ", ".join(repr(m.value) for m in enum)
    raise fail(f"invalid {field} {value!r}; valid choices are {choices}", field=field, value=value)


def choice(value: Any, choices: Sequence[str], field: str) -> str:
    """Return ``value`` if it is one of ``choices``, else raise naming all of them."""
    if isinstance(value, str) and value in choices:
        return value
    listed = ", ".join(repr(c) for c in choices)
    raise fail(f"invalid {field} {value!r}; valid choices are {listed}", field=field, value=value)


def check_int(
    value: Any,
    field: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """Return ``value`` if it is an int within the bounds, else raise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(f"{field} must be an integer, got {value!r}", field=field, value=value)
    if minimum is not None and value < minimum:
        raise fail(f"{field} must be >= {minimum}, got {value!r}", field=field, value=value)
    if maximum is not None and value > maximum:
        raise fail(f"{field} must be <= {maximum}, got {value!r}", field=field, value=value)
    return value


def opt_int(
    value: Any,
    field: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """Like :func:`check_int` but lets ``None`` through."""
    if value is None:
        return None
    return check_int(value, field, minimum=minimum, maximum=maximum)


def check_float(
    value: Any,
    field: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float:
    """Return ``value`` as a float if it is a finite number within the bounds, else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise fail(f"{field} must be a finite number, got {value!r}", field=field, value=value)
    if minimum is not None and value < minimum:
        raise fail(f"{field} must be >= {minimum}, got {value!r}", field=field, value=value)
    if maximum is not None and value > maximum:
        raise fail(f"{field} must be <= {maximum}, got {value!r}", field=field, value=value)
    return float(value)


def opt_float(
    value: Any,
    field: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float | None:
    """Like :func:`check_float` but lets ``None`` through."""
    if value is None:
        return None
    return check_float(value, field, minimum=minimum, maximum=maximum)


def opt_bool(value: Any, field: str) -> bool | None:
    """Return ``value`` if it is a bool or ``None``, else raise."""
    if value is None or isinstance(value, bool):
        return value
    raise fail(f"{field} must be a bool, got {value!r}", field=field, value=value)


def check_str(value: Any, field: str, *, allow_empty: bool = False) -> str:
    """Return ``value`` if it is a (non-empty unless allowed) string, else raise."""
    if not isinstance(value, str):
        raise fail(f"{field} must be a string, got {value!r}", field=field, value=value)
    if not allow_empty and not value.strip():
        raise fail(f"{field} must not be empty", field=field, value=value)
    return value


def opt_str(value: Any, field: str) -> str | None:
    """Like :func:`check_str` but lets ``None`` through."""
    if value is None:
        return None
    return check_str(value, field)


def opt_url(value: Any, field: str) -> str | None:
    """Return ``value`` if it is ``None`` or an ``http(s)://`` URL with a host, else raise."""
    if value is None:
        return None
    text = check_str(value, field)
    match = re.match(r"^(https?)://([^/?#\s]+)", text)
    if match is None:
        raise fail(
            f"{field} must be an http:// or https:// URL with a host, got {value!r}",
            field=field,
            value=value,
        )
    return text


def str_tuple(
    values: Iterable[str] | None,
    field: str,
    *,
    allow_empty: bool = False,
    allow_blank_items: bool = False,
) -> tuple[str, ...] | None:
    """Return the strings as a tuple (``None`` stays ``None``); reject a bare string.

    Items must be non-blank strings, or (``allow_blank_items``) non-empty ones.
    """
    if values is None:
        return None
    if isinstance(values, (str, bytes)):
        raise fail(
            f"{field} must be a sequence of strings, not a single string ({values!r})",
            field=field,
            value=values,
        )
    out = tuple(values)
    for item in out:
        if allow_blank_items and isinstance(item, str) and item:
            continue
        check_str(item, field)
    if not out and not allow_empty:
        raise fail(f"{field} must contain at least one entry", field=field, value=values)
    return out


def freeze(value: Any) -> Any:
    """Deep-copy JSON-like data into immutable containers (tuples, mapping proxies)."""
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): freeze(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, Enum):
        return value.value
    return value


def thaw(value: Any) -> Any:
    """Deep-copy frozen data back into plain JSON containers (dicts and lists)."""
    if isinstance(value, Mapping):
        return {str(k): thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [thaw(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    return value


def drop_none(items: Mapping[str, Any]) -> JSONDict:
    """Return a plain dict of the items whose value is not ``None`` (enums as values)."""
    return {k: thaw(v) for k, v in items.items() if v is not None}


def as_mapping(value: Any, where: str) -> Mapping[str, Any]:
    """Return ``value`` if it is a mapping (``None`` becomes empty), else raise."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise fail(f"{where} must be a JSON object, got {value!r}", field=where, value=value)
    return value


def json_int(value: Any) -> int | None:
    """Read an integer from server JSON (which may carry it as a float)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def json_float(value: Any) -> float | None:
    """Read a number from server JSON."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def json_bool(value: Any) -> bool | None:
    """Read a boolean from server JSON."""
    return value if isinstance(value, bool) else None


def json_str(value: Any) -> str | None:
    """Read a non-empty string from server JSON."""
    return value if isinstance(value, str) and value != "" else None


def json_strs(value: Any) -> tuple[str, ...] | None:
    """Read a list of strings from server JSON."""
    if not isinstance(value, (list, tuple)):
        return None
    return tuple(v for v in value if isinstance(v, str))
