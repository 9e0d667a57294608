"""Python values -> Weaviate wire forms (gRPC batch messages and REST JSON), no I/O.

Value rules (both wire forms):

- ``str``, ``int``, ``float``, ``bool`` and ``None`` pass through.
- ``datetime``: RFC 3339. Timezone-aware values keep their offset; **naive values are
  taken as UTC** (the official client does the same, with a warning). ``date`` is
  midnight UTC.
- ``UUID``: its string. ``bytes`` / ``bytearray`` / ``memoryview``: base64 (``blob``);
  a ``str`` given for a blob is sent as is (it must already be base64).
- :class:`~weavorm.engine.types.GeoCoordinate` and
  :class:`~weavorm.engine.types.PhoneNumber`: their JSON objects.
- Mappings are nested objects; sequences are arrays (``object[]`` when they hold
  mappings). numpy arrays and scalars work when numpy is installed (never required).
- gRPC batches carry scalar numbers as doubles, so an ``int`` beyond +-2**53 is
  refused there (:class:`~weavorm.errors.ConfigError`) rather than silently rounded;
  integer arrays are int64 and exact.

Vectors are packed as little-endian float32 bytes: ``array('f')`` and numpy arrays
without per-float Python work, lists and tuples with one ``struct.pack`` call.
Multi-vectors (a sequence of vectors) are prefixed by their dimension as ``uint16``.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import gc
import importlib
import math
import struct
import sys
import uuid as uuid_lib
from array import array
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from weavorm._proto.google.protobuf.struct_pb2 import NULL_VALUE, Value
from weavorm._proto.v1 import base_pb2, batch_pb2
from weavorm.engine._protocol.validate import MAX_NESTING, f32_finite, text_problem
from weavorm.engine.types import (
    GeoCoordinate,
    PhoneNumber,
    ReferenceToMulti,
)
from weavorm.errors import ConfigError

__all__ = [
    "RESERVED_PROPERTIES",
    "beacon",
    "consistency_enum",
    "datetime_to_rfc3339",
    "encode_batch_object",
    "encode_batch_reference",
    "encode_grpc_properties",
    "encode_rest_properties",
    "encode_rest_references",
    "encode_rest_vectors",
    "encode_vectors",
    "fill_batch_object",
    "is_multi_vector",
    "pack_multi_vector",
    "pack_vector",
    "reference_targets",
    "to_json_value",
    "uuid_str",
]

#: Top-level property names the server reserves for object metadata.
RESERVED_PROPERTIES = frozenset({"id", "vector", "_id", "_additional"})

_LITTLE = sys.byteorder == "little"
_STRUCTS: dict[int, struct.Struct] = {}
_DOUBLE_STRUCTS: dict[int, struct.Struct] = {}
_CONSISTENCY = {
    "ONE": base_pb2.CONSISTENCY_LEVEL_ONE,
    "QUORUM": base_pb2.CONSISTENCY_LEVEL_QUORUM,
    "ALL": base_pb2.CONSISTENCY_LEVEL_ALL,
}
_MAX_EXACT = 2**53
_SINGLE = base_pb2.Vectors.VECTOR_TYPE_SINGLE_FP32
_MULTI = base_pb2.Vectors.VECTOR_TYPE_MULTI_FP32


def consistency_enum(level: str | None) -> int | None:
    """The gRPC ``ConsistencyLevel`` for ``"ONE"``/``"QUORUM"``/``"ALL"`` (None stays None)."""
    if level is None:
        return None
    try:
        return _CONSISTENCY[level.upper()]
    except KeyError:
        raise ConfigError(
            f"consistency level must be ONE, QUORUM or ALL, got {level!r}",
            field="consistency_level",
            value=level,
        ) from None


def uuid_str(value: Any, *, field: str = "uuid") -> str:
    """The canonical string of a UUID given as :class:`uuid.UUID` or string.

    Raises:
        ConfigError: ``value`` is not a UUID.
    """
    if type(value) is uuid_lib.UUID:
        return str(value)
    if isinstance(value, str):
        try:
            return str(uuid_lib.UUID(value))
        except ValueError:
            pass
    elif isinstance(value, uuid_lib.UUID):
        return str(value)
    raise ConfigError(f"{field} must be a UUID, got {value!r}", field=field, value=value)


def beacon(target: str, collection: str | None = None) -> str:
    """``weaviate://localhost/[<collection>/]<uuid>``."""
    if collection:
        return f"weaviate://localhost/{collection}/{target}"
    return f"weaviate://localhost/{target}"


def datetime_to_rfc3339(value: dt.datetime | dt.date) -> str:
    """RFC 3339 text; naive datetimes are taken as UTC, dates as midnight UTC."""
    if not isinstance(value, dt.datetime):
        return f"{value.isoformat()}T00:00:00Z"
    if value.tzinfo is None or value.utcoffset() is None:
        return value.isoformat(timespec="microseconds") + "Z"
    return value.isoformat(timespec="microseconds")


# -- vectors ------------------------------------------------------------------------


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector around a bulk encode loop.

    Encoding allocates many short-lived messages while large vectors are alive; full
    collections would traverse every live vector list again and again. Reference
    counting still frees everything; the collector resumes (if it was on) afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _numpy_like(value: Any) -> bool:
    return hasattr(value, "__array__") and not isinstance(value, list | tuple | array)


def _as_numpy(value: Any) -> Any:
    numpy = sys.modules.get("numpy") or importlib.import_module("numpy")
    with numpy.errstate(over="ignore", invalid="ignore"):  # beyond float32 -> inf, refused
        return numpy.asarray(value, dtype="<f4")


def _checked_f32(data: bytes, field: str) -> bytes:
    if not f32_finite(data):
        raise ConfigError(
            f"{field} must hold only finite numbers within float32 range "
            "(no NaN, no infinity, at most about 3.4e38)",
            field=field,
        )
    return data


def pack_vector(vector: Any, *, field: str = "vector") -> bytes:
    """One vector as little-endian float32 bytes.

    Raises:
        ConfigError: ``vector`` is empty, not numeric, or holds NaN, infinity or a value
            beyond float32 range.
    """
    return _checked_f32(_pack_vector(vector, field), field)


def _pack_vector(vector: Any, field: str) -> bytes:
    if isinstance(vector, array):
        if vector.typecode == "f":
            if not vector:
                raise ConfigError(f"{field} must not be empty", field=field)
            if _LITTLE:
                return vector.tobytes()
            swapped = array("f", vector)
            swapped.byteswap()
            return swapped.tobytes()
        vector = vector.tolist()
    elif _numpy_like(vector):
        arr = _as_numpy(vector)
        if arr.ndim != 1 or arr.size == 0:
            raise ConfigError(
                f"{field} must be a non-empty 1-d array, got shape {arr.shape}", field=field
            )
        data: bytes = arr.tobytes()
        return data
    if isinstance(vector, str | bytes | bytearray | Mapping) or not isinstance(vector, Sequence):
        raise ConfigError(
            f"{field} must be a sequence of numbers, got {type(vector).__name__}", field=field
        )
    n = len(vector)
    if n == 0:
        raise ConfigError(f"{field} must not be empty", field=field)
    packer = _STRUCTS.get(n)
    if packer is None:
        packer = _STRUCTS.setdefault(n, struct.Struct(f"<{n}f"))
    try:
        return packer.pack(*vector)
    except struct.error as exc:
        raise ConfigError(f"{field} must hold only numbers ({exc})", field=field) from exc
    except OverflowError as exc:
        raise ConfigError(
            f"{field} holds a value beyond float32 range (at most about 3.4e38)", field=field
        ) from exc


def is_multi_vector(vector: Any) -> bool:
    """Whether ``vector`` is a sequence of vectors (a ColBERT-style multi-vector)."""
    if isinstance(vector, array | str | bytes):
        return False
    if _numpy_like(vector):
        return int(getattr(vector, "ndim", 1)) == 2
    try:
        first = vector[0]
    except (TypeError, IndexError, KeyError):
        return False
    return not isinstance(first, int | float) and hasattr(first, "__len__")


def pack_multi_vector(vectors: Any, *, field: str = "vector") -> bytes:
    """A multi-vector: ``uint16`` dimension, then every vector as float32.

    Raises:
        ConfigError: the vectors are empty or of different lengths.
    """
    if _numpy_like(vectors):
        arr = _as_numpy(vectors)
        if arr.ndim != 2 or arr.size == 0:
            raise ConfigError(f"{field} must be a non-empty 2-d array", field=field)
        head = struct.pack("<H", int(arr.shape[1]))
        data: bytes = _checked_f32(arr.tobytes(), field)
        return head + data
    rows = [pack_vector(v, field=field) for v in vectors]
    if not rows:
        raise ConfigError(f"{field} must not be empty", field=field)
    width = len(rows[0])
    if any(len(r) != width for r in rows):
        raise ConfigError(f"{field}: all vectors of a multi-vector need the same length")
    return struct.pack("<H", width // 4) + b"".join(rows)


def encode_vectors(vector: Any) -> tuple[bytes, list[base_pb2.Vectors]]:
    """``(vector_bytes, named_vectors)`` for a ``BatchObject``.

    A mapping gives named vectors (each single or multi); anything else is the
    default (unnamed) vector.
    """
    if vector is None:
        return b"", []
    if isinstance(vector, Mapping):
        named: list[base_pb2.Vectors] = []
        for name, value in vector.items():
            if is_multi_vector(value):
                named.append(
                    base_pb2.Vectors(
                        name=name,
                        vector_bytes=pack_multi_vector(value, field=f"vector {name!r}"),
                        type=_MULTI,
                    )
                )
            else:
                named.append(
                    base_pb2.Vectors(
                        name=name,
                        vector_bytes=pack_vector(value, field=f"vector {name!r}"),
                        type=_SINGLE,
                    )
                )
        return b"", named
    if is_multi_vector(vector):
        raise ConfigError(
            "a multi-vector must be given by name, e.g. vector={'colbert': [[...], [...]]}",
            field="vector",
        )
    return pack_vector(vector), []


def _vector_list(value: Any, field: str) -> list[Any]:
    if is_multi_vector(value):
        pack_multi_vector(value, field=field)  # validates
    else:
        pack_vector(value, field=field)  # validates
    return _plain_vector(value)


def _plain_vector(value: Any) -> list[Any]:
    if _numpy_like(value):
        out: list[Any] = _as_numpy(value).tolist()
        return out
    if isinstance(value, array):
        return value.tolist()
    if is_multi_vector(value):
        return [_plain_vector(v) for v in value]
    return [float(x) for x in value]


def encode_rest_vectors(vector: Any) -> dict[str, Any]:
    """The REST object members for ``vector``: ``{"vector": [...]}`` or ``{"vectors": {...}}``."""
    if vector is None:
        return {}
    if isinstance(vector, Mapping):
        return {
            "vectors": {name: _vector_list(v, f"vector {name!r}") for name, v in vector.items()}
        }
    if is_multi_vector(vector):
        raise ConfigError(
            "a multi-vector must be given by name, e.g. vector={'colbert': [[...], [...]]}",
            field="vector",
        )
    return {"vector": _vector_list(vector, "vector")}


# -- REST properties -------------------------------------------------------------------


def _check_name(name: Any, *, nested: bool, field: str | None = None) -> None:
    where = f" (in {field!r})" if field else ""
    if not isinstance(name, str) or not name:
        raise ConfigError(
            f"property names must be non-empty strings, got {name!r}{where}", field=field
        )
    if not name.isascii():
        problem = text_problem(name)
        if problem is not None:
            raise ConfigError(f"property name {name!r}{where} {problem}", field=field or name)
    if not nested and name in RESERVED_PROPERTIES:
        raise ConfigError(
            f"{name!r} is reserved for object metadata and cannot be a property "
            "(pass the id as uuid= and vectors as vector=)",
            field=name,
        )


def _nested_too_deep(field: str) -> ConfigError:
    return ConfigError(
        f"property {field!r} is nested more than {MAX_NESTING} levels deep",
        field=field,
    )


def _cyclic(field: str) -> ConfigError:
    return ConfigError(f"property {field!r} contains itself (a cyclic value)", field=field)


def _bad_text(field: str, problem: str) -> ConfigError:
    return ConfigError(f"property {field!r} {problem}", field=field)


def _not_finite(field: str, value: Any) -> ConfigError:
    return ConfigError(
        f"property {field!r} must be a finite number, got {value!r} "
        "(Weaviate stores neither NaN nor infinity)",
        field=field,
    )


def to_json_value(
    value: Any, *, field: str = "value", _depth: int = 0, _seen: frozenset[int] = frozenset()
) -> Any:
    """A JSON-compatible form of one property value (see the module docstring).

    Raises:
        ConfigError: a value that cannot be sent (naming ``field``): a type weavorm
            does not know, text that is not valid UTF-8, a NaN or infinite number,
            nesting deeper than :data:`~weavorm.engine._protocol.validate.MAX_NESTING`
            or a value that contains itself.
    """
    kind = type(value)
    if kind is str:
        if not value.isascii():
            problem = text_problem(value)
            if problem is not None:
                raise _bad_text(field, problem)
        return value
    if kind is float:
        if not math.isfinite(value):
            raise _not_finite(field, value)
        return value
    if value is None or kind is int or kind is bool:
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        # str.__str__, not str(): a str-based Enum member prints as "Status.OPEN".
        return to_json_value(str.__str__(value), field=field)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return to_json_value(float(value), field=field)
    if isinstance(value, dt.datetime | dt.date):
        return datetime_to_rfc3339(value)
    if isinstance(value, uuid_lib.UUID):
        return str(value)
    if isinstance(value, GeoCoordinate | PhoneNumber):
        return to_json_value(value.to_json(), field=field)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if _numpy_like(value):
        return to_json_value(value.tolist(), field=field, _depth=_depth, _seen=_seen)
    if isinstance(value, Mapping | Sequence | set | frozenset):
        if _depth >= MAX_NESTING:
            raise _nested_too_deep(field)
        marker = id(value)
        if marker in _seen:
            raise _cyclic(field)
        seen = _seen | {marker}
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for key, item in value.items():
                _check_name(key, nested=True, field=field)
                out[key] = to_json_value(
                    item, field=f"{field}.{key}", _depth=_depth + 1, _seen=seen
                )
            return out
        return [to_json_value(item, field=field, _depth=_depth + 1, _seen=seen) for item in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return to_json_value(value.item(), field=field)
    if hasattr(value, "latitude") and hasattr(value, "longitude"):  # e.g. a read result
        return to_json_value(
            {"latitude": float(value.latitude), "longitude": float(value.longitude)}, field=field
        )
    if isinstance(getattr(value, "input", None), str) and hasattr(value, "default_country"):
        phone = {"input": value.input}
        if value.default_country:
            phone["defaultCountry"] = value.default_country
        return to_json_value(phone, field=field)
    raise ConfigError(
        f"cannot send a value of type {type(value).__name__} for {field!r}",
        field=field,
        value=type(value).__name__,
    )


def encode_rest_properties(properties: Mapping[str, Any] | None) -> dict[str, Any]:
    """JSON ``properties`` for REST object calls."""
    if properties is None:
        return {}
    if not isinstance(properties, Mapping):
        raise ConfigError(
            f"properties must be a mapping, got {type(properties).__name__}", field="properties"
        )
    out: dict[str, Any] = {}
    for key, value in properties.items():
        _check_name(key, nested=False)
        out[key] = to_json_value(value, field=key)
    return out


def reference_targets(value: Any, *, field: str = "to") -> list[tuple[str, str | None]]:
    """``(uuid, target_collection)`` pairs of a reference value.

    Accepts one UUID, a :class:`ReferenceToMulti`, or a sequence of UUIDs and/or
    :class:`ReferenceToMulti` items (the collection is None for plain UUIDs).

    Raises:
        ConfigError: anything else.
    """
    if isinstance(value, ReferenceToMulti):
        return [(uuid_str(u, field=field), value.target_collection) for u in value.uuid_strings]
    if isinstance(value, str | uuid_lib.UUID):
        return [(uuid_str(value, field=field), None)]
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out: list[tuple[str, str | None]] = []
        for item in value:
            if isinstance(item, ReferenceToMulti):
                out.extend(reference_targets(item, field=field))
            else:
                out.append((uuid_str(item, field=field), None))
        return out
    raise ConfigError(
        f"reference {field!r} must be a UUID, a list of UUIDs or ReferenceToMulti, "
        f"got {type(value).__name__}",
        field=field,
    )


def _reference_beacons(value: Any, *, field: str) -> list[dict[str, str]]:
    return [{"beacon": beacon(u, c)} for u, c in reference_targets(value, field=field)]


def encode_rest_references(references: Mapping[str, Any] | None) -> dict[str, Any]:
    """JSON reference properties (lists of beacons) for REST object calls."""
    if not references:
        return {}
    out: dict[str, Any] = {}
    for key, value in references.items():
        _check_name(key, nested=False)
        out[key] = _reference_beacons(value, field=key)
    return out


# -- gRPC properties -------------------------------------------------------------------
#
# ``BatchObject.Properties`` and ``ObjectPropertiesValue`` share their field names, so
# one filler writes both, in place (no intermediate messages to copy).


def _set_struct_value(target: Value, value: Any, field: str) -> None:
    converted = to_json_value(value, field=field, _depth=1)
    if isinstance(converted, dict):
        target.struct_value.update(converted)
    elif isinstance(converted, list):
        target.list_value.extend(converted)
    elif converted is None:
        target.null_value = NULL_VALUE
    elif isinstance(converted, bool):
        target.bool_value = converted
    elif isinstance(converted, int | float):
        target.number_value = converted
    else:
        target.string_value = converted


def _pack_doubles(values: Sequence[float]) -> bytes:
    n = len(values)
    packer = _DOUBLE_STRUCTS.get(n)
    if packer is None:
        packer = _DOUBLE_STRUCTS.setdefault(n, struct.Struct(f"<{n}d"))
    return packer.pack(*values)


def _fill(
    target: Any,
    properties: Mapping[str, Any],
    *,
    nested: bool,
    path: str = "",
    depth: int = 0,
    seen: frozenset[int] = frozenset(),
) -> None:
    """Write ``properties`` into a ``Properties`` / ``ObjectPropertiesValue`` message.

    ``path`` is the dotted name of the enclosing property (for messages), ``depth`` the
    nesting level and ``seen`` the ids of the enclosing mappings (to refuse cycles).
    """
    fields = target.non_ref_properties.fields
    for key, value in properties.items():
        field = f"{path}.{key}" if path else key
        try:
            _fill_one(target, fields, key, value, field, depth, seen)
        except UnicodeEncodeError:
            _check_name(key, nested=True, field=path or None)
            raise _bad_text(field, _text_problem_in(value)) from None
        except (TypeError, ValueError) as exc:
            if isinstance(exc, ConfigError):
                raise
            raise ConfigError(f"property {field!r} cannot be encoded: {exc}", field=field) from exc
        if not nested and key in RESERVED_PROPERTIES:
            _check_name(key, nested=False)


def _text_problem_in(value: Any) -> str:
    if isinstance(value, str):
        return text_problem(value) or "is not valid UTF-8"
    if isinstance(value, Sequence):
        for item in value:
            if isinstance(item, str) and text_problem(item):
                return text_problem(item) or ""
    return "holds text that is not valid UTF-8 (a lone surrogate)"


def _fill_one(
    target: Any,
    fields: Any,
    key: str,
    value: Any,
    field: str,
    depth: int,
    seen: frozenset[int],
) -> None:
    kind = type(value)
    if kind is str:
        fields[key].string_value = value
    elif kind is float:
        if not math.isfinite(value):
            raise _not_finite(field, value)
        fields[key].number_value = value
    elif kind is int:
        if not -_MAX_EXACT <= value <= _MAX_EXACT:
            raise ConfigError(
                f"property {field!r}: {value} does not survive the gRPC batch encoding "
                "(a double; exact only up to 2**53); use data.insert() (REST) for it",
                field=field,
                value=value,
            )
        fields[key].number_value = value
    elif kind is bool:
        fields[key].bool_value = value
    elif kind is list or kind is tuple:
        _fill_list(target, key, value, field, depth, seen)
    elif value is None:
        fields[key].null_value = NULL_VALUE
    elif isinstance(value, Mapping):
        inner = _enter(value, field, depth, seen)
        _fill(
            target.object_properties.add(prop_name=key).value,
            _checked(value, field),
            nested=True,
            path=field,
            depth=depth + 1,
            seen=inner,
        )
    elif isinstance(value, GeoCoordinate | PhoneNumber):
        fields[key].struct_value.update(to_json_value(value, field=field))
    elif isinstance(value, array) or (_numpy_like(value) and int(getattr(value, "ndim", 0)) == 1):
        _fill_list(target, key, value.tolist(), field, depth, seen)
    elif isinstance(value, Sequence | set | frozenset) and not isinstance(
        value, str | bytes | bytearray | memoryview
    ):
        _fill_list(target, key, list(value), field, depth, seen)
    else:
        _set_struct_value(fields[key], value, field)


def _enter(value: Any, field: str, depth: int, seen: frozenset[int]) -> frozenset[int]:
    """The ``seen`` set inside ``value``; refuses too deep or cyclic values."""
    if depth >= MAX_NESTING:
        raise _nested_too_deep(field)
    marker = id(value)
    if marker in seen:
        raise _cyclic(field)
    return seen | {marker}


def _checked(value: Mapping[str, Any], field: str | None = None) -> Mapping[str, Any]:
    for key in value:
        if type(key) is not str or not key:
            _check_name(key, nested=True, field=field)
    return value


def _fill_list(
    target: Any,
    key: str,
    values: Sequence[Any],
    field: str,
    depth: int = 0,
    seen: frozenset[int] = frozenset(),
) -> None:
    if not values:
        target.empty_list_props.append(key)
        return
    first = values[0]
    kind = type(first)
    if kind is str:
        target.text_array_properties.add(prop_name=key, values=values)
    elif kind is bool:
        target.boolean_array_properties.add(prop_name=key, values=values)
    elif kind is int or kind is float:
        if all(type(v) is int for v in values):
            target.int_array_properties.add(prop_name=key, values=values)
            return
        try:
            packed = _pack_doubles(values)
        except struct.error as exc:
            raise ConfigError(
                f"property {field!r}: a number array must hold only numbers ({exc})",
                field=field,
            ) from exc
        if not all(map(math.isfinite, values)):
            raise _not_finite(field, next(v for v in values if not math.isfinite(v)))
        target.number_array_properties.add(prop_name=key, values_bytes=packed)
    elif isinstance(first, Mapping):
        inner = _enter(values, field, depth, seen)
        holder = target.object_array_properties.add(prop_name=key)
        for item in values:
            if not isinstance(item, Mapping):
                raise ConfigError(
                    f"property {field!r}: an object array must hold only mappings", field=field
                )
            _fill(
                holder.values.add(),
                _checked(_enter_item(item, field, depth, inner), field),
                nested=True,
                path=field,
                depth=depth + 1,
                seen=inner | {id(item)},
            )
    else:
        converted = [to_json_value(v, field=field, _depth=depth + 1, _seen=seen) for v in values]
        head = converted[0]
        if isinstance(head, str):
            target.text_array_properties.add(prop_name=key, values=converted)
        elif isinstance(head, bool | int | float):
            _fill_list(target, key, converted, field, depth, seen)
        else:
            target.non_ref_properties.fields[key].list_value.extend(converted)


def _enter_item(item: Mapping[str, Any], field: str, depth: int, seen: frozenset[int]) -> Any:
    if id(item) in seen:
        raise _cyclic(field)
    return item


def _fill_references(
    target: batch_pb2.BatchObject.Properties, references: Mapping[str, Any]
) -> None:
    for key, value in references.items():
        _check_name(key, nested=False)
        targets = reference_targets(value, field=key)
        if all(c is None for _, c in targets):
            target.single_target_ref_props.add(prop_name=key, uuids=[u for u, _ in targets])
            continue
        if any(c is None for _, c in targets):
            raise ConfigError(
                f"reference {key!r}: give every target of a multi-target property as "
                "ReferenceToMulti (with its collection)",
                field=key,
            )
        by_collection: dict[str, list[str]] = {}
        for uid, collection in targets:
            by_collection.setdefault(str(collection), []).append(uid)
        for collection, uuids in by_collection.items():
            target.multi_target_ref_props.add(
                prop_name=key, uuids=uuids, target_collection=collection
            )


def encode_grpc_properties(
    properties: Mapping[str, Any] | None, references: Mapping[str, Any] | None = None
) -> batch_pb2.BatchObject.Properties:
    """``BatchObject.Properties`` for property values and references."""
    target = batch_pb2.BatchObject.Properties()
    _write_properties(target, properties, references)
    return target


def _write_properties(
    target: batch_pb2.BatchObject.Properties,
    properties: Mapping[str, Any] | None,
    references: Mapping[str, Any] | None,
) -> None:
    if properties:
        if not isinstance(properties, Mapping):
            raise ConfigError(
                f"properties must be a mapping, got {type(properties).__name__}",
                field="properties",
            )
        _fill(target, properties, nested=False)
    if references:
        _fill_references(target, references)


def encode_batch_object(
    collection: str,
    properties: Mapping[str, Any] | None,
    *,
    uuid: str,
    vector: Any = None,
    references: Mapping[str, Any] | None = None,
    tenant: str | None = None,
) -> batch_pb2.BatchObject:
    """One ``BatchObject`` message. ``uuid`` must already be a canonical UUID string."""
    message = batch_pb2.BatchObject(uuid=uuid, collection=collection)
    fill_batch_object(message, properties, vector=vector, references=references, tenant=tenant)
    return message


def fill_batch_object(
    message: batch_pb2.BatchObject,
    properties: Mapping[str, Any] | None,
    *,
    vector: Any = None,
    references: Mapping[str, Any] | None = None,
    tenant: str | None = None,
) -> None:
    """Write an object into ``message`` in place (``uuid``/``collection`` already set).

    Used to encode objects straight into the repeated field of the request that
    carries them (no copy of a finished message).
    """
    if tenant:
        message.tenant = tenant
    if vector is not None:
        if isinstance(vector, Mapping):
            message.vectors.extend(encode_vectors(vector)[1])
        else:
            if is_multi_vector(vector):
                encode_vectors(vector)  # raises the explanatory error
            message.vector_bytes = pack_vector(vector)
    _write_properties(message.properties, properties, references)


def encode_batch_reference(
    *,
    from_collection: str,
    from_uuid: str,
    from_property: str,
    to_uuid: str,
    to_collection: str | None = None,
    tenant: str | None = None,
) -> batch_pb2.BatchReference:
    """One ``BatchReference`` message (UUIDs already canonical strings)."""
    ref = batch_pb2.BatchReference(
        name=from_property,
        from_collection=from_collection,
        from_uuid=from_uuid,
        to_uuid=to_uuid,
        tenant=tenant or "",
    )
    if to_collection:
        ref.to_collection = to_collection
    return ref
