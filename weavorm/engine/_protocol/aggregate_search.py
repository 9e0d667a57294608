"""Search operators of aggregations: near vector/object/text/image and hybrid.

Sans-IO builders of the ``base_search`` messages the Aggregate RPC embeds, with input
validation (``ConfigError`` naming the option) before anything is sent.
"""

from __future__ import annotations

import base64
import math
import os
import struct
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, TypeAlias
from uuid import UUID

from weavorm._proto.v1 import base_pb2, base_search_pb2
from weavorm.errors import ConfigError

__all__ = [
    "BlobInput",
    "Bm25Operator",
    "MoveLike",
    "Number",
    "TargetVector",
    "blob_base64",
    "certainty_value",
    "hybrid_proto",
    "near_image_proto",
    "near_object_proto",
    "near_text_proto",
    "near_vector_proto",
    "number_value",
    "pack_vector",
]

TargetVector: TypeAlias = str | Sequence[str] | None
Number: TypeAlias = int | float
BlobInput: TypeAlias = str | bytes | Path | Any
Bm25Operator: TypeAlias = Literal["or", "and"] | None


class MoveLike(Protocol):
    """What ``move_to`` / ``move_away`` need: a force and concepts and/or objects."""

    @property
    def force(self) -> float:
        """The strength of the move (0..1)."""
        ...

    @property
    def concepts(self) -> Sequence[str] | str | None:
        """Concepts to move towards / away from."""
        ...

    @property
    def objects(self) -> Sequence[UUID | str] | UUID | str | None:
        """Object ids to move towards / away from."""
        ...


def number_value(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ConfigError(f"{name} must be a number, got {value!r}", field=name, value=value)
    return float(value)


def certainty_value(value: Any) -> float | None:
    certainty = number_value(value, "certainty")
    if certainty is not None and not 0.0 <= certainty <= 1.0:
        raise ConfigError(
            f"certainty must be between 0 and 1, got {value!r}", field="certainty", value=value
        )
    return certainty


def _floats(values: Any, name: str) -> list[float]:
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name} must be a sequence of numbers", field=name) from exc
    if not out:
        raise ConfigError(f"{name} must not be empty", field=name)
    return out


def pack_vector(vector: Any, *, name: str = "near_vector") -> base_pb2.Vectors:
    """Pack a vector (1-D) or multi-vector (2-D) as little-endian float32 ``Vectors``.

    Accepts lists, tuples, ``array.array`` and array-likes with ``tolist()`` (numpy).

    Raises:
        ConfigError: for an empty vector, ragged multi-vectors or non-numbers.
    """
    if hasattr(vector, "tolist") and not isinstance(vector, (list, tuple)):
        vector = vector.tolist()
    if isinstance(vector, (str, bytes, Mapping)) or not isinstance(vector, Sequence):
        try:
            vector = list(vector)
        except TypeError as exc:
            raise ConfigError(f"{name} must be a sequence of numbers", field=name) from exc
    if len(vector) == 0:
        raise ConfigError(f"{name} must not be empty", field=name)
    first = vector[0]
    if isinstance(first, (Sequence,)) and not isinstance(first, (str, bytes)):
        rows = [_floats(row, name) for row in vector]
        dim = len(rows[0])
        if any(len(row) != dim for row in rows):
            raise ConfigError(
                f"{name}: every row of a multi-vector needs the same length", field=name
            )
        flat = [x for row in rows for x in row]
        packed = struct.pack("<H", dim) + struct.pack(f"<{len(flat)}f", *flat)
        return base_pb2.Vectors(vector_bytes=packed, type=base_pb2.Vectors.VECTOR_TYPE_MULTI_FP32)
    floats = _floats(vector, name)
    return base_pb2.Vectors(
        vector_bytes=struct.pack(f"<{len(floats)}f", *floats),
        type=base_pb2.Vectors.VECTOR_TYPE_SINGLE_FP32,
    )


def _targets(target_vector: TargetVector) -> base_search_pb2.Targets | None:
    if target_vector is None:
        return None
    names = [target_vector] if isinstance(target_vector, str) else list(target_vector)
    if not names or any(not isinstance(n, str) or not n for n in names):
        raise ConfigError(
            f"target_vector must be a vector name or a list of names, got {target_vector!r}",
            field="target_vector",
            value=target_vector,
        )
    return base_search_pb2.Targets(target_vectors=names)


def near_vector_proto(
    vector: Any,
    *,
    certainty: Number | None = None,
    distance: Number | None = None,
    target_vector: TargetVector = None,
) -> base_search_pb2.NearVector:
    """A ``NearVector``; a mapping ``{name: vector}`` searches those named vectors."""
    message = base_search_pb2.NearVector(targets=_targets(target_vector))
    if isinstance(vector, Mapping):
        if not vector:
            raise ConfigError("near_vector must not be an empty mapping", field="near_vector")
        for key, value in vector.items():
            if not isinstance(key, str) or not key:
                raise ConfigError(
                    f"near_vector keys must be vector names, got {key!r}", field="near_vector"
                )
            message.vector_for_targets.add(name=key, vectors=[pack_vector(value)])
        if target_vector is None:
            message.targets.CopyFrom(base_search_pb2.Targets(target_vectors=list(vector)))
    else:
        message.vectors.append(pack_vector(vector))
    _set_bounds(message, certainty, distance)
    return message


def _set_bounds(message: Any, certainty: Any, distance: Any) -> None:
    value = certainty_value(certainty)
    if value is not None:
        message.certainty = value
    value = number_value(distance, "distance")
    if value is not None:
        message.distance = value


def near_object_proto(
    near_object: UUID | str,
    *,
    certainty: Number | None = None,
    distance: Number | None = None,
    target_vector: TargetVector = None,
) -> base_search_pb2.NearObject:
    """A ``NearObject`` for an object id."""
    try:
        object_id = str(UUID(str(near_object)))
    except ValueError as exc:
        raise ConfigError(
            f"near_object must be a UUID, got {near_object!r}",
            field="near_object",
            value=near_object,
        ) from exc
    message = base_search_pb2.NearObject(id=object_id, targets=_targets(target_vector))
    _set_bounds(message, certainty, distance)
    return message


def _move(move: MoveLike | None, name: str) -> base_search_pb2.NearTextSearch.Move | None:
    if move is None:
        return None
    force = number_value(getattr(move, "force", None), f"{name}.force")
    concepts = getattr(move, "concepts", None)
    objects = getattr(move, "objects", None)
    concept_list = [concepts] if isinstance(concepts, str) else list(concepts or [])
    object_list = [objects] if isinstance(objects, (str, UUID)) else list(objects or [])
    if force is None or (not concept_list and not object_list):
        raise ConfigError(f"{name} needs a force and concepts or objects", field=name)
    return base_search_pb2.NearTextSearch.Move(
        force=force, concepts=concept_list, uuids=[str(o) for o in object_list]
    )


def near_text_proto(
    query: str | Sequence[str],
    *,
    certainty: Number | None = None,
    distance: Number | None = None,
    move_to: MoveLike | None = None,
    move_away: MoveLike | None = None,
    target_vector: TargetVector = None,
) -> base_search_pb2.NearTextSearch:
    """A ``NearTextSearch`` for one text or several concepts."""
    texts = [query] if isinstance(query, str) else list(query)
    if not texts or any(not isinstance(t, str) or not t for t in texts):
        raise ConfigError(
            f"near_text query must be a non-empty text or list of texts, got {query!r}",
            field="query",
            value=query,
        )
    message = base_search_pb2.NearTextSearch(
        query=texts,
        targets=_targets(target_vector),
        move_to=_move(move_to, "move_to"),
        move_away=_move(move_away, "move_away"),
    )
    _set_bounds(message, certainty, distance)
    return message


def blob_base64(blob: BlobInput, name: str) -> str:
    """Base64 text of a blob given as base64 text, bytes, a file path or a binary file."""
    if isinstance(blob, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(blob)).decode("ascii")
    if isinstance(blob, Path):
        return base64.b64encode(blob.read_bytes()).decode("ascii")
    if isinstance(blob, str):
        if not blob:
            raise ConfigError(f"{name} must not be empty", field=name)
        if len(blob) < 4096 and os.path.isfile(blob):
            return base64.b64encode(Path(blob).read_bytes()).decode("ascii")
        return blob
    read = getattr(blob, "read", None)
    if callable(read):
        data = read()
        if isinstance(data, (bytes, bytearray)):
            return base64.b64encode(bytes(data)).decode("ascii")
    raise ConfigError(
        f"{name} must be base64 text, bytes, a path or a binary file, got {type(blob).__name__}",
        field=name,
    )


def near_image_proto(
    image: BlobInput,
    *,
    certainty: Number | None = None,
    distance: Number | None = None,
    target_vector: TargetVector = None,
) -> base_search_pb2.NearImageSearch:
    """A ``NearImageSearch`` (the image as base64 text, bytes, a path or a file)."""
    message = base_search_pb2.NearImageSearch(
        image=blob_base64(image, "near_image"), targets=_targets(target_vector)
    )
    _set_bounds(message, certainty, distance)
    return message


def hybrid_proto(
    query: str | None,
    *,
    alpha: Number | None = None,
    vector: Any = None,
    query_properties: Sequence[str] | None = None,
    bm25_operator: Bm25Operator = None,
    target_vector: TargetVector = None,
    max_vector_distance: Number | None = None,
) -> base_search_pb2.Hybrid:
    """A ``Hybrid`` search (BM25 on ``query`` blended with a vector search)."""
    if query is not None and not isinstance(query, str):
        raise ConfigError(f"hybrid query must be text, got {query!r}", field="query", value=query)
    if query is None and vector is None:
        raise ConfigError("hybrid needs a query, a vector, or both", field="query")
    alpha_value = number_value(alpha, "alpha")
    if alpha_value is not None and not 0.0 <= alpha_value <= 1.0:
        raise ConfigError(
            f"alpha must be between 0 and 1, got {alpha!r}", field="alpha", value=alpha
        )
    if query is None:
        alpha_value = 1.0
    message = base_search_pb2.Hybrid(query=query or "", targets=_targets(target_vector))
    if alpha_value is not None:
        message.alpha_param = alpha_value
        message.use_alpha_param = True
    if query_properties is not None:
        if isinstance(query_properties, str):
            query_properties = [query_properties]
        message.properties.extend(query_properties)
    if vector is not None:
        message.near_vector.CopyFrom(near_vector_proto(vector, target_vector=target_vector))
    if bm25_operator is not None:
        op = str(bm25_operator).lower()
        if op not in ("or", "and"):
            raise ConfigError(
                f"bm25_operator must be 'or' or 'and', got {bm25_operator!r}",
                field="bm25_operator",
                value=bm25_operator,
            )
        enum = base_search_pb2.SearchOperatorOptions
        message.bm25_search_operator.CopyFrom(
            enum(operator=enum.OPERATOR_OR if op == "or" else enum.OPERATOR_AND)
        )
    distance = number_value(max_vector_distance, "max_vector_distance")
    if distance is not None:
        message.vector_distance = distance
    return message
