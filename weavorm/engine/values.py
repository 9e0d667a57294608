"""Property values with a Weaviate data type of their own: geo coordinates, phone numbers, blobs.

One definition serves every layer: the engine writes and decodes these classes
(``collection.data.insert(...)``, ``QueryResult.objects[i].properties``), and the ODM
uses the very same classes as field types (``place: GeoCoordinate | None = None``)::

    from weavorm.engine import GeoCoordinate, PhoneNumber

    articles.data.insert({"place": GeoCoordinate(52.52, 13.405),
                          "phone": PhoneNumber("030 1234567", default_country="DE")})

Both are frozen pydantic models, so they validate as model fields and compare by value.
Built directly, an invalid value raises :class:`~weavorm.errors.ConfigError` naming the
field; inside a model, pydantic reports it as a ``ValidationError`` like any field.
"""

from __future__ import annotations

import base64
import math
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, PlainSerializer
from pydantic import Field as PydanticField

from weavorm.errors import ConfigError

__all__ = ["Blob", "BlobType", "GeoCoordinate", "PhoneNumber"]


def _degrees(name: str, value: object, bound: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or abs(value) > bound
    ):
        raise ConfigError(
            f"GeoCoordinate {name} must be a number between -{bound:g} and {bound:g}, "
            f"got {value!r}",
            field=name,
            value=value,
        )
    return float(value)


class GeoCoordinate(BaseModel):
    """A point on Earth (Weaviate ``geoCoordinates``).

    ``GeoCoordinate(52.52, 13.405)`` and ``GeoCoordinate(latitude=52.52, longitude=13.405)``
    are the same value.

    Attributes:
        latitude: Degrees north, -90 to 90.
        longitude: Degrees east, -180 to 180.
    """

    model_config = ConfigDict(frozen=True)

    latitude: float = PydanticField(ge=-90, le=90, allow_inf_nan=False, strict=True)
    longitude: float = PydanticField(ge=-180, le=180, allow_inf_nan=False, strict=True)

    def __init__(
        self, latitude: float | None = None, longitude: float | None = None, **extra: Any
    ) -> None:
        """Create a point (pydantic validation of a field calls this too).

        Args:
            latitude: Degrees north, -90 to 90.
            longitude: Degrees east, -180 to 180.
            extra: Ignored, as pydantic ignores unknown keys.

        Raises:
            ConfigError: A coordinate is missing, or not a finite number in range.
        """
        super().__init__(
            latitude=_degrees("latitude", latitude, 90.0),
            longitude=_degrees("longitude", longitude, 180.0),
        )

    def to_json(self) -> dict[str, float]:
        """The REST/Struct form ``{"latitude": ..., "longitude": ...}``."""
        return {"latitude": float(self.latitude), "longitude": float(self.longitude)}


class PhoneNumber(BaseModel):
    """A phone number (Weaviate ``phoneNumber``); the server parses it and fills the rest.

    ``number`` is the number as typed; the server calls it ``input`` (the wire name), and
    ``PhoneNumber(input=...)`` / ``phone.input`` are accepted as that same field. The
    other fields are filled by the server and are ``None`` in a value you build.

    Attributes:
        number: The number as entered, e.g. ``"+31 20 123 4567"`` or ``"020 123 4567"``.
        default_country: ISO 3166-1 alpha-2 country used when ``number`` has no ``+``
            prefix, e.g. ``"DE"``.
        country_code: The numeric country calling code (filled by the server).
        national: The national number (filled by the server).
        national_formatted: The national number, formatted (filled by the server).
        international_formatted: The number in international format (filled by the server).
        valid: Whether the server considers the number valid (filled by the server).
    """

    model_config = ConfigDict(frozen=True)

    number: str = PydanticField(
        min_length=1, pattern=r"\S", validation_alias=AliasChoices("number", "input")
    )
    default_country: str | None = None
    country_code: int | None = None
    national: int | None = None
    national_formatted: str | None = None
    international_formatted: str | None = None
    valid: bool | None = None

    def __init__(
        self,
        number: str | None = None,
        default_country: str | None = None,
        *,
        input: str | None = None,
        country_code: int | None = None,
        national: int | None = None,
        national_formatted: str | None = None,
        international_formatted: str | None = None,
        valid: bool | None = None,
        **extra: Any,
    ) -> None:
        """Create a phone number.

        Args:
            number: The number as typed.
            default_country: ISO country used for numbers without a ``+`` prefix.
            input: The server's name for ``number`` (give one of the two).
            country_code: Filled by the server.
            national: Filled by the server.
            national_formatted: Filled by the server.
            international_formatted: Filled by the server.
            valid: Filled by the server.
            extra: Ignored, as pydantic ignores unknown keys.

        Raises:
            ConfigError: The number is missing or blank, or given twice.
        """
        if number is not None and input is not None and number != input:
            raise ConfigError("PhoneNumber takes number or input (the same field), not both")
        value = number if number is not None else input
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                f"PhoneNumber number must be a non-empty string, got {value!r}", field="number"
            )
        super().__init__(
            number=value,
            default_country=default_country or None,
            country_code=country_code,
            national=national,
            national_formatted=national_formatted,
            international_formatted=international_formatted,
            valid=valid,
        )

    @property
    def input(self) -> str:
        """The number as typed, under the server's name for it (same as ``number``)."""
        return self.number

    def to_json(self) -> dict[str, str]:
        """The REST/Struct form ``{"input": ..., "defaultCountry": ...}`` (what is written)."""
        out = {"input": self.number}
        if self.default_country:
            out["defaultCountry"] = self.default_country
        return out


class BlobType:
    """Marker for :data:`Blob` fields (Weaviate ``blob``, base64 on the wire)."""


def _blob_validator(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError as exc:
            raise ValueError("a blob given as str must be base64") from exc
    raise ValueError(f"a blob must be bytes or base64 str, got {type(value).__name__}")


#: Binary data stored as a Weaviate ``blob`` (accepts bytes or base64 text).
Blob = Annotated[
    bytes,
    BeforeValidator(_blob_validator),
    PlainSerializer(lambda b: base64.b64encode(b).decode(), return_type=str, when_used="json"),
    BlobType(),
]
