r"""Checks of values and names before anything is sent (no I/O).

Weaviate's own rules (``entities/schema/validation.go``): collection and alias names
``[A-Z][_0-9A-Za-z]{0,254}`` (weavorm also takes a lower-case first letter: the server
capitalizes it), tenant names ``[A-Za-z0-9_-]{1,64}``, property names
``[_A-Za-z][_0-9A-Za-z]{0,230}``. Every other name that goes into a URL path (role,
user, group, backup id, ...) must be a non-empty string without control characters
and must not be ``.`` or ``..`` (which a URL path would normalise away).

Text must be encodable as UTF-8: a lone surrogate such as ``"\ud800"`` is refused
(REST would silently turn it into U+FFFD, gRPC cannot encode it at all). Numbers must
be finite: Weaviate cannot store NaN or infinity, and a NaN vector would be ranked
with distance ``nan``. Nested objects may be at most :data:`MAX_NESTING` levels deep,
and must not contain themselves.
"""

from __future__ import annotations

import math
import re
from array import array
from typing import Any

from weavorm.errors import ConfigError

__all__ = [
    "MAX_NESTING",
    "check_collection_name",
    "check_path_name",
    "check_property_name",
    "check_tenant_name",
    "f32_finite",
    "text_problem",
]

#: Deepest nesting of objects (and arrays) in one property value. Deeper values do not
#: survive a gRPC round trip (protobuf's recursion limit is 100 messages, and every
#: level of a search reply costs three).
MAX_NESTING = 24

_COLLECTION = re.compile(r"[A-Za-z][_0-9A-Za-z]{0,254}")
_TENANT = re.compile(r"[A-Za-z0-9_\-]{1,64}")
_PROPERTY = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,230}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be sent as text (None when it can)."""
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"holds a lone surrogate {value[exc.start]!r} at position {exc.start}, "
            "which is not valid UTF-8"
        )
    return None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_collection_name(value: Any, field: str = "collection") -> str:
    """``value`` when it is a valid collection or alias name, else ConfigError."""
    if isinstance(value, str) and _COLLECTION.fullmatch(value):
        return value
    raise ConfigError(
        f"{field} must be a collection name (a letter, then letters, digits or '_', "
        f"at most 255 characters), got {_shown(value)}",
        field=field,
        value=value,
    )


def check_tenant_name(value: Any, field: str = "tenant") -> str:
    """``value`` when it is a valid tenant name, else ConfigError."""
    if isinstance(value, str) and _TENANT.fullmatch(value):
        return value
    raise ConfigError(
        f"{field} must be a tenant name (1 to 64 letters, digits, '_' or '-'), got {_shown(value)}",
        field=field,
        value=value,
    )


def check_property_name(value: Any, field: str = "property") -> str:
    """``value`` when it is a valid (top-level) property name, else ConfigError."""
    if isinstance(value, str) and _PROPERTY.fullmatch(value):
        return value
    raise ConfigError(
        f"{field} must be a property name (a letter or '_', then letters, digits or '_', "
        f"at most 231 characters), got {_shown(value)}",
        field=field,
        value=value,
    )


def check_path_name(value: Any, field: str) -> str:
    """``value`` when it can be one URL path segment (before quoting), else ConfigError."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            f"{field} must be a non-empty string, got {_shown(value)}", field=field, value=value
        )
    if value in (".", "..") or _CONTROL.search(value):
        raise ConfigError(
            f"{field} must not be '.' or '..' nor hold control characters, got {_shown(value)}",
            field=field,
            value=value,
        )
    problem = text_problem(value)
    if problem is not None:
        raise ConfigError(f"{field} {problem}", field=field, value=value)
    return value


def f32_finite(data: bytes) -> bool:
    """Whether little-endian float32 ``data`` holds only finite values.

    A float32 is NaN or infinite when its 8 exponent bits are all set; its top byte
    is then ``0x7f`` or ``0xff``. That byte is rare in real vectors, so the common
    case is two C-level scans; only when it appears are the values read.
    """
    top = data[3::4]
    if b"\x7f" not in top and b"\xff" not in top:
        return True
    values = array("f")
    values.frombytes(data[: len(data) - len(data) % 4])
    return math.isfinite(sum(values))
