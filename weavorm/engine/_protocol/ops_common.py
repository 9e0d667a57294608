"""Small helpers shared by the client-level operations (backup, cluster, RBAC, aliases).

Validation of names before any I/O, path segments, and reading the server's JSON
(RFC 3339 times with nanoseconds, Go zero times, numbers sent as strings).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from weavorm.engine._protocol.calls import HttpReply
from weavorm.engine._protocol.validate import check_path_name
from weavorm.errors import ConfigError

__all__ = [
    "as_int",
    "bool_param",
    "capitalize_first",
    "name_list",
    "parse_datetime",
    "reply_dict",
    "reply_list",
    "require_name",
    "segment",
]

_TIME = re.compile(
    r"^(?P<base>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})"
    r"(?:\.(?P<frac>\d+))?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_GO_ZERO_YEAR = 1


def require_name(value: Any, field: str) -> str:
    """Return ``value`` when it is a non-empty string, else raise ConfigError."""
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(
            f"{field} must be a non-empty string, got {value!r}", field=field, value=value
        )
    return value


def segment(value: Any, field: str) -> str:
    """A validated, percent-encoded path segment (never ``.`` or ``..``)."""
    return quote(check_path_name(value, field), safe="")


def capitalize_first(name: str) -> str:
    """Weaviate collection names start upper-case; ``article`` addresses ``Article``."""
    return name[:1].upper() + name[1:]


def name_list(value: str | Sequence[str] | None, field: str) -> list[str]:
    """One name or a sequence of names as a list (empty for None), each validated."""
    if value is None:
        return []
    if isinstance(value, str):
        return [require_name(value, field)]
    if not isinstance(value, Sequence):
        raise ConfigError(
            f"{field} must be a string or a sequence of strings, got {type(value).__name__}",
            field=field,
            value=value,
        )
    return [require_name(item, field) for item in value]


def bool_param(value: bool) -> str:
    """A query-string boolean."""
    return "true" if value else "false"


def reply_dict(reply: HttpReply) -> dict[str, Any]:
    """The reply's JSON object (empty when the body is not an object)."""
    return reply.json if isinstance(reply.json, dict) else {}


def reply_list(reply: HttpReply) -> list[Any]:
    """The reply's JSON array (empty when the body is not an array)."""
    return reply.json if isinstance(reply.json, list) else []


def as_int(value: Any, default: int = 0) -> int:
    """An integer from a JSON number or numeric string (``default`` otherwise)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return default
    return default


def parse_datetime(value: Any) -> datetime | None:
    """Parse an RFC 3339 time as Weaviate sends it (nanoseconds, ``Z``).

    Returns ``None`` for missing values, unparsable text and Go's zero time
    (``0001-01-01T00:00:00Z``, which the server uses for "never").
    """
    if not isinstance(value, str) or not value:
        return None
    match = _TIME.match(value.strip())
    if match is None:
        return None
    frac = (match.group("frac") or "")[:6].ljust(6, "0")
    tz = match.group("tz") or "Z"
    if tz == "Z":
        tz = "+00:00"
    elif ":" not in tz:
        tz = f"{tz[:3]}:{tz[3:]}"
    try:
        parsed = datetime.fromisoformat(f"{match.group('base').replace(' ', 'T')}.{frac}{tz}")
    except ValueError:
        return None
    if parsed.year == _GO_ZERO_YEAR:
        return None
    return parsed.astimezone(timezone.utc)
