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

Vectors are packed as little-endian float32 bytes: ``array('f')`` and numpy arrays
without per-float Python work, lists and tuples with one ``struct.pack`` call.
Multi-vectors (a sequence of vectors) are prefixed by their dimension as ``uint16``.
"""

from __future__ import annotations

import base64
import datetime as dt
import struct
import sys
import uuid as uuid_lib
from array import array
from collections.abc import Mapping, Sequence
from typing import Any

from google.protobuf.struct_pb2 import ListValue, Struct, Value

from weavorm._proto.v1 import base_pb2, batch_pb2
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
    "is_multi_vector",
    "pack_multi_vector",
    "pack_vector",
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


def _numpy_like(value: Any) -> bool:
    return hasattr(value, "__array__") and not isinstance(value, list | tuple | array)


def _as_numpy(value: Any) -> Any:
    numpy = sys.modules.get("numpy")
    if numpy is None:  # pragma: no cover - numpy objects imply numpy is imported
        import numpy
    return numpy.asarray(value, dtype="<f4")


def pack_vector(vector: Any, *, field: str = "vector") -> bytes:
    """One vector as little-endian float32 bytes.

    Raises:
        ConfigError: ``vector`` is empty or not numeric.
    """
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


def is_multi_vector(vector: Any) -> bool:
    """Whether ``vector`` is a sequence of vectors (a ColBERT-style multi-vector)."""
    if isinstance(vector, array) or isinstance(vector, str | bytes):
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
        data: bytes = arr.tobytes()
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


def _vector_list(value: Any) -> list[Any]:
    if _numpy_like(value):
        out: list[Any] = _as_numpy(value).tolist()
        return out
    if isinstance(value, array):
        return value.tolist()
    if is_multi_vector(value):
        return [_vector_list(v) for v in value]
    return [float(x) for x in value]


def encode_rest_vectors(vector: Any) -> dict[str, Any]:
    """The REST object members for ``vector``: ``{"vector": [...]}`` or ``{"vectors": {...}}``."""
    if vector is None:
        return {}
    if isinstance(vector, Mapping):
        return {"vectors": {name: _vector_list(v) for name, v in vector.items()}}
    if is_multi_vector(vector):
        raise ConfigError(
            "a multi-vector must be given by name, e.g. vector={'colbert': [[...], [...]]}",
            field="vector",
        )
    return {"vector": _vector_list(vector)}


# -- REST properties -------------------------------------------------------------------


def _check_name(name: Any, *, nested: bool) -> None:
    if not isinstance(name, str) or not name:
        raise ConfigError(f"property names must be non-empty strings, got {name!r}")
    if not nested and name in RESERVED_PROPERTIES:
        raise ConfigError(
            f"{name!r} is reserved for object metadata and cannot be a property "
            "(pass the id as uuid= and vectors as vector=)",
            field=name,
        )


def to_json_value(value: Any, *, field: str = "value") -> Any:
    """A JSON-compatible form of one property value (see the module docstring)."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, str | bool | int | float):
        return value if not isinstance(value, bool) else bool(value)
    if isinstance(value, dt.datetime | dt.date):
        return datetime_to_rfc3339(value)
    if isinstance(value, uuid_lib.UUID):
        return str(value)
    if isinstance(value, GeoCoordinate | PhoneNumber):
        return value.to_json()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            _check_name(key, nested=True)
            out[key] = to_json_value(item, field=f"{field}.{key}")
        return out
    if _numpy_like(value):
        return value.tolist()
    if isinstance(value, Sequence | set | frozenset):
        return [to_json_value(item, field=field) for item in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalar
        return value.item()
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


def _reference_beacons(value: Any, *, field: str) -> list[dict[str, str]]:
    if isinstance(value, ReferenceToMulti):
        return [
            {"beacon": beacon(uuid_str(u, field=field), value.target_collection)}
            for u in value.uuid_strings
        ]
    if isinstance(value, str | uuid_lib.UUID):
        return [{"beacon": beacon(uuid_str(value, field=field))}]
    if isinstance(value, Sequence):
        return [{"beacon": beacon(uuid_str(u, field=field))} for u in value]
    raise ConfigError(
        f"reference {field!r} must be a UUID, a list of UUIDs or ReferenceToMulti, "
        f"got {type(value).__name__}",
        field=field,
    )


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


def _set_struct_value(target: Value, value: Any, field: str) -> None:
    kind = type(value)
    if kind is str:
        target.string_value = value
    elif kind is bool:
        target.bool_value = value
    elif kind is int or kind is float:
        target.number_value = value
    elif value is None:
        target.null_value = 0
    else:
        converted = to_json_value(value, field=field)
        if isinstance(converted, dict):
            target.struct_value.update(converted)
        elif isinstance(converted, list):
            target.list_value.extend(converted)
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


class _Props:
    """Accumulates the typed parts of ``BatchObject.Properties`` / ``ObjectPropertiesValue``."""

    __slots__ = (
        "bools",
        "empty",
        "ints",
        "numbers",
        "object_arrays",
        "objects",
        "struct",
        "texts",
    )

    def __init__(self) -> None:
        self.struct = Struct()
        self.texts: list[base_pb2.TextArrayProperties] = []
        self.ints: list[base_pb2.IntArrayProperties] = []
        self.numbers: list[base_pb2.NumberArrayProperties] = []
        self.bools: list[base_pb2.BooleanArrayProperties] = []
        self.objects: list[base_pb2.ObjectProperties] = []
        self.object_arrays: list[base_pb2.ObjectArrayProperties] = []
        self.empty: list[str] = []

    def add(self, key: str, value: Any) -> None:
        kind = type(value)
        fields = self.struct.fields
        if kind is str:
            fields[key].string_value = value
        elif kind is int or kind is float:
            fields[key].number_value = value
        elif kind is bool:
            fields[key].bool_value = value
        elif kind is list or kind is tuple:
            self.add_list(key, value)
        elif value is None:
            fields[key].null_value = 0
        elif isinstance(value, Mapping):
            self.objects.append(
                base_pb2.ObjectProperties(prop_name=key, value=_nested_value(value, key))
            )
        elif isinstance(value, GeoCoordinate | PhoneNumber):
            fields[key].struct_value.update(value.to_json())
        elif _numpy_like(value) and int(getattr(value, "ndim", 0)) == 1:
            self.add_list(key, value.tolist())
        elif isinstance(value, array):
            self.add_list(key, value.tolist())
        elif isinstance(value, Sequence | set | frozenset) and not isinstance(
            value, str | bytes | bytearray | memoryview
        ):
            self.add_list(key, list(value))
        else:
            _set_struct_value(fields[key], value, key)

    def add_list(self, key: str, values: Sequence[Any]) -> None:
        if not values:
            self.empty.append(key)
            return
        first = values[0]
        kind = type(first)
        if kind is str:
            self.texts.append(base_pb2.TextArrayProperties(prop_name=key, values=values))
        elif kind is bool:
            self.bools.append(base_pb2.BooleanArrayProperties(prop_name=key, values=values))
        elif kind is int or kind is float:
            if all(type(v) is int for v in values):
                self.ints.append(base_pb2.IntArrayProperties(prop_name=key, values=values))
            else:
                try:
                    packed = _pack_doubles(values)
                except struct.error as exc:
                    raise ConfigError(
                        f"property {key!r}: a number array must hold only numbers ({exc})",
                        field=key,
                    ) from exc
                self.numbers.append(
                    base_pb2.NumberArrayProperties(prop_name=key, values_bytes=packed)
                )
        elif isinstance(first, Mapping):
            self.object_arrays.append(
                base_pb2.ObjectArrayProperties(
                    prop_name=key, values=[_nested_value(v, key) for v in values]
                )
            )
        else:
            converted = [to_json_value(v, field=key) for v in values]
            head = converted[0]
            if isinstance(head, str):
                self.texts.append(base_pb2.TextArrayProperties(prop_name=key, values=converted))
            elif isinstance(head, bool | int | float):
                self.add_list(key, converted)
            else:
                self.struct.fields[key].list_value.CopyFrom(_list_value(converted))


def _list_value(values: list[Any]) -> ListValue:
    out = ListValue()
    out.extend(values)
    return out


def _nested_value(value: Mapping[str, Any], field: str) -> base_pb2.ObjectPropertiesValue:
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"property {field!r}: object arrays must hold only mappings", field=field
        )
    props = _Props()
    for key, item in value.items():
        _check_name(key, nested=True)
        props.add(key, item)
    return base_pb2.ObjectPropertiesValue(
        non_ref_properties=props.struct,
        text_array_properties=props.texts,
        int_array_properties=props.ints,
        number_array_properties=props.numbers,
        boolean_array_properties=props.bools,
        object_properties=props.objects,
        object_array_properties=props.object_arrays,
        empty_list_props=props.empty,
    )


def _grpc_references(
    references: Mapping[str, Any],
) -> tuple[list[batch_pb2.BatchObject.SingleTargetRefProps], list[Any]]:
    single: list[batch_pb2.BatchObject.SingleTargetRefProps] = []
    multi: list[batch_pb2.BatchObject.MultiTargetRefProps] = []
    for key, value in references.items():
        _check_name(key, nested=False)
        if isinstance(value, ReferenceToMulti):
            multi.append(
                batch_pb2.BatchObject.MultiTargetRefProps(
                    prop_name=key,
                    uuids=[uuid_str(u, field=key) for u in value.uuid_strings],
                    target_collection=value.target_collection,
                )
            )
        elif isinstance(value, str | uuid_lib.UUID):
            single.append(
                batch_pb2.BatchObject.SingleTargetRefProps(
                    prop_name=key, uuids=[uuid_str(value, field=key)]
                )
            )
        elif isinstance(value, Sequence):
            single.append(
                batch_pb2.BatchObject.SingleTargetRefProps(
                    prop_name=key, uuids=[uuid_str(u, field=key) for u in value]
                )
            )
        else:
            raise ConfigError(
                f"reference {key!r} must be a UUID, a list of UUIDs or ReferenceToMulti, "
                f"got {type(value).__name__}",
                field=key,
            )
    return single, multi


def encode_grpc_properties(
    properties: Mapping[str, Any] | None, references: Mapping[str, Any] | None = None
) -> batch_pb2.BatchObject.Properties:
    """``BatchObject.Properties`` for property values and references."""
    props = _Props()
    if properties:
        if not isinstance(properties, Mapping):
            raise ConfigError(
                f"properties must be a mapping, got {type(properties).__name__}",
                field="properties",
            )
        for key, value in properties.items():
            if key in RESERVED_PROPERTIES or type(key) is not str:
                _check_name(key, nested=False)
            props.add(key, value)
    single, multi = _grpc_references(references) if references else ([], [])
    return batch_pb2.BatchObject.Properties(
        non_ref_properties=props.struct,
        single_target_ref_props=single,
        multi_target_ref_props=multi,
        text_array_properties=props.texts,
        int_array_properties=props.ints,
        number_array_properties=props.numbers,
        boolean_array_properties=props.bools,
        object_properties=props.objects,
        object_array_properties=props.object_arrays,
        empty_list_props=props.empty,
    )


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
    vector_bytes, named = encode_vectors(vector) if vector is not None else (b"", [])
    return batch_pb2.BatchObject(
        uuid=uuid,
        collection=collection,
        tenant=tenant or "",
        properties=encode_grpc_properties(properties, references),
        vector_bytes=vector_bytes,
        vectors=named,
    )


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

