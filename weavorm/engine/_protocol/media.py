"""Media inputs (images, audio, ...) as the base64 text the server expects."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import IO, TypeAlias

from weavorm.errors import QueryError

__all__ = ["MediaInput", "to_base64"]

MediaInput: TypeAlias = str | bytes | bytearray | Path | IO[bytes]
"""Base64 text, raw bytes, a file path or a binary file object."""


def to_base64(value: MediaInput, *, where: str = "media") -> str:
    """Base64 text of ``value``.

    A ``str`` is taken as base64 already (it is checked); bytes and files are encoded.

    Raises:
        QueryError: ``value`` is empty, not valid base64 text, or an unreadable file.
    """
    if isinstance(value, Path):
        try:
            data = value.read_bytes()
        except OSError as exc:
            raise QueryError(f"{where}: cannot read {value}: {exc}") from exc
    elif isinstance(value, bytes | bytearray):
        data = bytes(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            raise QueryError(f"{where}: empty base64 text")
        try:
            base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise QueryError(
                f"{where}: a str must be base64 text (pass a pathlib.Path for a file)"
            ) from exc
        return text
    elif hasattr(value, "read"):
        data = value.read()
        if not isinstance(data, bytes):
            raise QueryError(f"{where}: the file must be opened in binary mode")
    else:
        raise QueryError(
            f"{where}: expected base64 text, bytes, a Path or a binary file, "
            f"got {type(value).__name__}"
        )
    if not data:
        raise QueryError(f"{where}: the media is empty")
    return base64.b64encode(data).decode("ascii")
