"""Value types with a Weaviate data type of their own: geo coordinates, phone numbers, blobs."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer
from pydantic import Field as PydanticField

__all__ = ["Blob", "BlobType", "GeoCoordinate", "PhoneNumber"]


class GeoCoordinate(BaseModel):
    """A point on Earth (Weaviate ``geoCoordinates``).

    Attributes:
        latitude: Degrees north, -90 to 90.
        longitude: Degrees east, -180 to 180.
    """

    model_config = ConfigDict(frozen=True)

    latitude: float = PydanticField(ge=-90, le=90)
    longitude: float = PydanticField(ge=-180, le=180)


class PhoneNumber(BaseModel):
    """A phone number (Weaviate ``phoneNumber``); the server parses and fills the rest.

    Attributes:
        number: The number as entered, e.g. ``"+31 20 123 4567"`` or ``"020 123 4567"``.
        default_country: ISO country code used when ``number`` has no ``+`` prefix.
        country_code: Filled by the server.
        national: Filled by the server.
        national_formatted: Filled by the server.
        international_formatted: Filled by the server.
        valid: Filled by the server.
    """

    model_config = ConfigDict(frozen=True)

    number: str
    default_country: str | None = None
    country_code: int | None = None
    national: int | None = None
    national_formatted: str | None = None
    international_formatted: str | None = None
    valid: bool | None = None


class BlobType:
    """Marker for :data:`Blob` fields (Weaviate ``blob``, base64 on the wire)."""


def _to_bytes(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError as exc:
            raise ValueError("a blob given as str must be base64") from exc
    raise ValueError(f"a blob must be bytes or base64 str, got {type(value).__name__}")


def _blob_validator(value: Any) -> bytes:
    return _to_bytes(value)


#: Binary data stored as a Weaviate ``blob`` (accepts bytes or base64 text).
Blob = Annotated[
    bytes,
    BeforeValidator(_blob_validator),
    PlainSerializer(lambda b: base64.b64encode(b).decode(), return_type=str, when_used="json"),
    BlobType(),
]
