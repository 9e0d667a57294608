"""Value conversion for shadow-collection migrations (no I/O).

A converter turns a value as the gRPC reader returns it (``datetime``, ``UUID``,
:class:`weavorm.engine.values.GeoCoordinate`, dicts for objects, ...) into a value the
batch writer accepts for the destination property's data type.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from weavorm.engine.values import PhoneNumber

__all__ = ["ConversionError", "Converter", "build_converter", "normalize"]

#: A function from a source value to a destination value.
Converter = Callable[[Any], Any]


class ConversionError(ValueError):
    """A value cannot be converted to the destination data type."""


def normalize(value: Any) -> Any:
    """A read value in the form the batch writer accepts (``None`` dropped from objects)."""
    if isinstance(value, PhoneNumber):  # only what is written; the server fills the rest
        return PhoneNumber(value.number, value.default_country)
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 2**53 else repr(value)
    return str(value)


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return int(value)
        raise ConversionError(f"{value!r} is not a whole number")
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            try:
                return _int(float(value.strip()))
            except ValueError:
                raise ConversionError(f"{value!r} is not an integer") from None
    raise ConversionError(f"{value!r} is not an integer")


def _number(value: Any) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            raise ConversionError(f"{value!r} is not a number") from None
    raise ConversionError(f"{value!r} is not a number")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ConversionError(f"{value!r} is not true or false")


def _uuid(value: Any) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value).strip())
    except ValueError:
        raise ConversionError(f"{value!r} is not a UUID") from None


def _date(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ConversionError(f"{value!r} is not an RFC 3339 date") from None
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.timezone.utc)
    raise ConversionError(f"{value!r} is not a date")


def _same(value: Any) -> Any:
    return value


_SCALAR: dict[tuple[str, str], Converter] = {
    ("int", "number"): _number,
    ("number", "int"): _int,
    ("boolean", "int"): _int,
    ("int", "text"): _text,
    ("number", "text"): _text,
    ("boolean", "text"): _text,
    ("date", "text"): _text,
    ("uuid", "text"): _text,
    ("text", "int"): _int,
    ("text", "number"): _number,
    ("text", "boolean"): _bool,
    ("text", "uuid"): _uuid,
    ("text", "date"): _date,
    ("blob", "text"): _same,
    ("text", "blob"): _same,
}


def _scalar(old: str, new: str) -> Converter | None:
    if old == new:
        return _same
    return _SCALAR.get((old, new))


def _object(
    old_nested: Sequence[Mapping[str, Any]], new_nested: Sequence[Mapping[str, Any]], where: str
) -> Converter:
    old_map = {p["name"]: p for p in old_nested}
    parts: list[tuple[str, Converter]] = []
    for prop in new_nested:
        source = old_map.get(prop["name"])
        if source is not None:
            parts.append((prop["name"], build_converter(source, prop, f"{where}.{prop['name']}")))

    def convert(value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise ConversionError(f"{value!r} is not an object")
        out: dict[str, Any] = {}
        for name, conv in parts:
            item = value.get(name)
            if item is not None:
                converted = conv(item)
                if converted is not None:
                    out[name] = converted
        return out

    return convert


def build_converter(old: Mapping[str, Any], new: Mapping[str, Any], where: str) -> Converter:
    """A converter from property ``old``'s data type to property ``new``'s.

    Args:
        old: The source property JSON.
        new: The destination property JSON.
        where: ``Collection.property`` for messages.

    Raises:
        ConversionError: no conversion exists between the two data types.
    """
    old_type = str((old.get("dataType") or ["text"])[0])
    new_type = str((new.get("dataType") or ["text"])[0])
    old_base, old_many = old_type.removesuffix("[]"), old_type.endswith("[]")
    new_base, new_many = new_type.removesuffix("[]"), new_type.endswith("[]")
    item: Converter | None
    if old_base == "object" and new_base == "object":
        item = _object(old.get("nestedProperties") or [], new.get("nestedProperties") or [], where)
    else:
        item = _scalar(old_base, new_base)
    if item is None:
        raise ConversionError(
            f"{where}: no conversion from {old_type!r} to {new_type!r}; pass "
            f"converters={{{where!r}: function}} to migrate()"
        )
    conv: Converter = item
    if old_many and new_many:
        return lambda value: [conv(v) for v in value]
    if new_many:
        return lambda value: [conv(value)]
    if old_many:

        def single(value: Any) -> Any:
            if len(value) > 1:
                raise ConversionError(f"{len(value)} values cannot become one {new_type!r}")
            return conv(value[0]) if value else None

        return single
    return conv
