"""Vectors on the wire: little-endian float32 bytes, packed and unpacked without per-float work.

A single vector is ``n * 4`` bytes. A multi-vector (ColBERT-style, a list of vectors of
one dimension) is a little-endian ``uint16`` dimension followed by the rows. Lists are
converted by :mod:`array` in C; numpy arrays (duck-typed, numpy is not required) by
``astype("<f4").tobytes()``.
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Sequence
from typing import Any

from weavorm._proto.v1 import base_pb2
from weavorm.engine._protocol.validate import f32_finite
from weavorm.errors import QueryError

__all__ = [
    "decode_float64s",
    "decode_int64s",
    "is_multi_vector",
    "pack_multi",
    "pack_single",
    "to_vectors_message",
    "unpack_multi",
    "unpack_single",
]

_BIG_ENDIAN = sys.byteorder == "big"
_UINT16 = struct.Struct("<H")


def _is_array_like(value: Any) -> bool:
    return hasattr(value, "astype") and hasattr(value, "ndim") and hasattr(value, "tobytes")


def _is_row(value: Any) -> bool:
    if _is_array_like(value):
        return bool(value.ndim == 1)
    return isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray)


def is_multi_vector(vector: Any) -> bool:
    """Whether ``vector`` is a list of vectors (2-D) rather than one vector."""
    if _is_array_like(vector):
        return bool(vector.ndim == 2)
    if not isinstance(vector, Sequence) or isinstance(vector, str | bytes) or not vector:
        return False
    return _is_row(vector[0])


def _finite(data: bytes, where: str) -> bytes:
    if not f32_finite(data):
        raise QueryError(
            f"{where}: the vector must hold only finite numbers within float32 range "
            "(no NaN, no infinity, at most about 3.4e38)"
        )
    return data


def _f32_bytes(array_like: Any) -> bytes:
    numpy = sys.modules.get("numpy")
    if numpy is None:  # pragma: no cover - array-likes other than numpy
        data: bytes = array_like.astype("<f4").tobytes()
        return data
    with numpy.errstate(over="ignore", invalid="ignore"):  # beyond float32 -> inf, refused
        out: bytes = array_like.astype("<f4").tobytes()
    return out


def pack_single(vector: Any, *, where: str = "vector") -> bytes:
    """Little-endian float32 bytes of one vector.

    Raises:
        QueryError: ``vector`` is empty, not a sequence of numbers, or holds NaN,
            infinity or a value beyond float32 range.
    """
    if _is_array_like(vector):
        if vector.ndim != 1 or vector.size == 0:
            raise QueryError(f"{where}: expected a non-empty 1-D vector, got shape {vector.shape}")
        return _finite(_f32_bytes(vector), where)
    if isinstance(vector, str | bytes | bytearray) or not isinstance(vector, Sequence):
        raise QueryError(f"{where}: expected a list of numbers, got {type(vector).__name__}")
    try:
        packed = array("f", vector)
    except (TypeError, OverflowError) as exc:
        raise QueryError(f"{where}: expected a list of numbers ({exc})") from exc
    if not packed:
        raise QueryError(f"{where}: the vector is empty")
    if _BIG_ENDIAN:  # pragma: no cover - little-endian hosts
        packed.byteswap()
    return _finite(packed.tobytes(), where)


def pack_multi(vectors: Any, *, where: str = "vector") -> bytes:
    """Bytes of a multi-vector: ``uint16`` dimension, then each row as float32.

    Raises:
        QueryError: ``vectors`` is empty or its rows differ in length.
    """
    if _is_array_like(vectors):
        if vectors.ndim != 2 or vectors.size == 0:
            raise QueryError(f"{where}: expected a non-empty 2-D array, got {vectors.shape}")
        body: bytes = _finite(_f32_bytes(vectors), where)
        return _UINT16.pack(int(vectors.shape[1])) + body
    rows = list(vectors)
    if not rows:
        raise QueryError(f"{where}: the multi-vector is empty")
    packed = [pack_single(row, where=where) for row in rows]
    dims = {len(p) // 4 for p in packed}
    if len(dims) != 1:
        raise QueryError(f"{where}: the rows of a multi-vector must have one length, got {dims}")
    dim = dims.pop()
    if dim > 0xFFFF:
        raise QueryError(f"{where}: dimension {dim} is too large for a multi-vector")
    return _UINT16.pack(dim) + b"".join(packed)


def to_vectors_message(vector: Any, *, name: str = "", where: str = "vector") -> base_pb2.Vectors:
    """A ``Vectors`` message for one vector or one multi-vector."""
    if is_multi_vector(vector):
        return base_pb2.Vectors(
            name=name,
            vector_bytes=pack_multi(vector, where=where),
            type=base_pb2.Vectors.VECTOR_TYPE_MULTI_FP32,
        )
    return base_pb2.Vectors(
        name=name,
        vector_bytes=pack_single(vector, where=where),
        type=base_pb2.Vectors.VECTOR_TYPE_SINGLE_FP32,
    )


def unpack_single(data: bytes) -> list[float]:
    """The floats of little-endian float32 bytes."""
    values = array("f")
    values.frombytes(data[: len(data) - len(data) % 4])
    if _BIG_ENDIAN:  # pragma: no cover
        values.byteswap()
    return values.tolist()


def unpack_multi(data: bytes) -> list[list[float]]:
    """The rows of a multi-vector's bytes."""
    if len(data) < 2:
        return []
    (dim,) = _UINT16.unpack_from(data)
    flat = unpack_single(data[2:])
    if dim == 0:
        return []
    return [flat[i : i + dim] for i in range(0, len(flat), dim)]


def decode_float64s(data: bytes) -> list[float]:
    """The floats of little-endian float64 bytes (number array properties)."""
    values = array("d")
    values.frombytes(data[: len(data) - len(data) % 8])
    if _BIG_ENDIAN:  # pragma: no cover
        values.byteswap()
    return values.tolist()


def decode_int64s(data: bytes) -> list[int]:
    """The integers of little-endian int64 bytes (int array properties)."""
    values = array("q")
    values.frombytes(data[: len(data) - len(data) % 8])
    if _BIG_ENDIAN:  # pragma: no cover
        values.byteswap()
    return values.tolist()
