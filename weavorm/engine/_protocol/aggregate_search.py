"""Search operators of aggregations: near vector/object/text/image and hybrid.

Sans-IO builders of the ``base_search`` messages the Aggregate RPC embeds, with input
validation (:class:`~weavorm.errors.QueryError` naming the option) before anything is
sent. Vectors are packed by :mod:`weavorm.engine._protocol.vectors` and media encoded
by :mod:`weavorm.engine._protocol.media`, like every other search.

An aggregation searches one vector space: Weaviate refuses several target vectors
("found more than one target vector for aggregation"), so ``target_vector`` is one name.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias
from uuid import UUID

from weavorm._proto.v1 import base_search_pb2
from weavorm.engine._protocol.media import MediaInput, to_base64
from weavorm.engine._protocol.vectors import to_vectors_message
from weavorm.engine.options import BM25OperatorOptions, HybridNearText, HybridNearVector, Move
from weavorm.errors import QueryError

__all__ = [
    "Bm25Operator",
    "Number",
    "TargetVector",
    "certainty_value",
    "hybrid_proto",
    "near_image_proto",
    "near_object_proto",
    "near_text_proto",
    "near_vector_proto",
    "number_value",
]

TargetVector: TypeAlias = str | Sequence[str] | None
"""One named vector (a one-element list is accepted too)."""
Number: TypeAlias = int | float
Bm25Operator: TypeAlias = BM25OperatorOptions | Literal["or", "and"] | None
"""``BM25Operator.or_(minimum_match=...)`` / ``BM25Operator.and_()``, or ``"or"`` / ``"and"``."""

_SearchOp = base_search_pb2.SearchOperatorOptions
_BM25_OPERATORS = {
    "or": _SearchOp.OPERATOR_OR,
    "and": _SearchOp.OPERATOR_AND,
    "and_cross": _SearchOp.OPERATOR_AND_CROSS,
}


def number_value(value: Any, name: str) -> float | None:
    """``value`` as a finite float (None stays None).

    Raises:
        QueryError: for anything that is not a finite number.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise QueryError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise QueryError(f"{name} must be finite, got {value!r}")
    return number


def certainty_value(value: Any) -> float | None:
    """A certainty between 0 and 1 (None stays None)."""
    certainty = number_value(value, "certainty")
    if certainty is not None and not 0.0 <= certainty <= 1.0:
        raise QueryError(f"certainty must be between 0 and 1, got {value!r}")
    return certainty


def _targets(target_vector: TargetVector) -> base_search_pb2.Targets | None:
    if target_vector is None:
        return None
    names = [target_vector] if isinstance(target_vector, str) else list(target_vector)
    if len(names) != 1 or not isinstance(names[0], str) or not names[0]:
        raise QueryError(
            "an aggregation searches exactly one named vector: target_vector must be one "
            f"vector name, got {target_vector!r}"
        )
    return base_search_pb2.Targets(target_vectors=names)


def _set_bounds(message: Any, certainty: Any, distance: Any) -> None:
    value = certainty_value(certainty)
    if value is not None:
        message.certainty = value
    value = number_value(distance, "distance")
    if value is not None:
        message.distance = value


def near_vector_proto(
    vector: Any,
    *,
    certainty: Number | None = None,
    distance: Number | None = None,
    target_vector: TargetVector = None,
) -> base_search_pb2.NearVector:
    """A ``NearVector``; a one-entry mapping ``{name: vector}`` searches that named vector.

    Raises:
        QueryError: for an empty or malformed vector or several vector names.
    """
    message = base_search_pb2.NearVector(targets=_targets(target_vector))
    if isinstance(vector, Mapping):
        if len(vector) != 1:
            raise QueryError(
                "an aggregation searches exactly one named vector: give near_vector as "
                f"{{name: vector}} with one entry, got {len(vector)} entries"
            )
        ((name, value),) = vector.items()
        if not isinstance(name, str) or not name:
            raise QueryError(f"near_vector keys must be vector names, got {name!r}")
        packed = to_vectors_message(value, where=f"near_vector[{name!r}]")
        message.vector_for_targets.add(name=name, vectors=[packed])
        if target_vector is None:
            message.targets.CopyFrom(base_search_pb2.Targets(target_vectors=[name]))
    else:
        message.vectors.append(to_vectors_message(vector, where="near_vector"))
    _set_bounds(message, certainty, distance)
    return message


def near_object_proto(
    near_object: UUID | str,
    *,
    certainty: Number | None = None,
    distance: Number | None = None,
    target_vector: TargetVector = None,
) -> base_search_pb2.NearObject:
    """A ``NearObject`` for an object id."""
    try:
        object_id = str(near_object if isinstance(near_object, UUID) else UUID(str(near_object)))
    except ValueError as exc:
        raise QueryError(f"near_object must be a UUID, got {near_object!r}") from exc
    message = base_search_pb2.NearObject(id=object_id, targets=_targets(target_vector))
    _set_bounds(message, certainty, distance)
    return message


def _move(move: Move | None, name: str) -> base_search_pb2.NearTextSearch.Move | None:
    if move is None:
        return None
    if not isinstance(move, Move):
        raise QueryError(f"{name} must be a Move(force, concepts=..., objects=...), got {move!r}")
    return base_search_pb2.NearTextSearch.Move(
        force=move.force, concepts=list(move.concepts), uuids=list(move.objects)
    )


def near_text_proto(
    query: str | Sequence[str],
    *,
    certainty: Number | None = None,
    distance: Number | None = None,
    move_to: Move | None = None,
    move_away: Move | None = None,
    target_vector: TargetVector = None,
) -> base_search_pb2.NearTextSearch:
    """A ``NearTextSearch`` for one text or several concepts."""
    texts = [query] if isinstance(query, str) else list(query)
    if not texts or any(not isinstance(t, str) or not t for t in texts):
        raise QueryError(
            f"near_text query must be a non-empty text or list of texts, got {query!r}"
        )
    message = base_search_pb2.NearTextSearch(
        query=texts,
        targets=_targets(target_vector),
        move_to=_move(move_to, "move_to"),
        move_away=_move(move_away, "move_away"),
    )
    _set_bounds(message, certainty, distance)
    return message


def near_image_proto(
    image: MediaInput,
    *,
    certainty: Number | None = None,
    distance: Number | None = None,
    target_vector: TargetVector = None,
) -> base_search_pb2.NearImageSearch:
    """A ``NearImageSearch`` (the image as base64 text, bytes, a path or a binary file)."""
    message = base_search_pb2.NearImageSearch(
        image=to_base64(image, where="near_image"), targets=_targets(target_vector)
    )
    _set_bounds(message, certainty, distance)
    return message


def _bm25_operator(value: Bm25Operator) -> base_search_pb2.SearchOperatorOptions | None:
    if value is None:
        return None
    if isinstance(value, BM25OperatorOptions):
        options = _SearchOp(operator=_BM25_OPERATORS[value.operator])
        if value.minimum_match is not None:
            options.minimum_or_tokens_match = value.minimum_match
        return options
    if isinstance(value, str) and value.lower() in ("or", "and"):
        return _SearchOp(operator=_BM25_OPERATORS[value.lower()])
    raise QueryError(
        f"bm25_operator must be BM25Operator.or_()/and_() or 'or'/'and', got {value!r}"
    )


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
    """A ``Hybrid`` search (BM25 on ``query`` blended with a vector search).

    ``vector`` is a raw vector, ``{name: vector}``, or a sub-search built with
    ``HybridVector.near_vector(...)`` / ``HybridVector.near_text(...)``. Without a
    query only the vector side runs (alpha 1), as in the official client.
    """
    if query is not None and not isinstance(query, str):
        raise QueryError(f"hybrid query must be text, got {query!r}")
    if query is None and vector is None:
        raise QueryError("hybrid needs a query, a vector, or both")
    alpha_value = number_value(alpha, "alpha")
    if alpha_value is not None and not 0.0 <= alpha_value <= 1.0:
        raise QueryError(f"alpha must be between 0 and 1, got {alpha!r}")
    if query is None:
        alpha_value = 1.0
    message = base_search_pb2.Hybrid(query=query or "", targets=_targets(target_vector))
    message.use_alpha_param = True  # else the server reads the deprecated alpha (0)
    if alpha_value is not None:
        message.alpha_param = alpha_value
    if query_properties is not None:
        props = [query_properties] if isinstance(query_properties, str) else list(query_properties)
        if any(not isinstance(p, str) or not p for p in props):
            raise QueryError(f"query_properties must be property names, got {query_properties!r}")
        message.properties.extend(props)
    if isinstance(vector, HybridNearText):
        message.near_text.CopyFrom(
            near_text_proto(
                vector.text,
                certainty=vector.certainty,
                distance=vector.distance,
                move_to=vector.move_to,
                move_away=vector.move_away,
                target_vector=target_vector,
            )
        )
    elif vector is not None:
        sub = vector if isinstance(vector, HybridNearVector) else HybridNearVector(vector)
        inner = near_vector_proto(
            sub.vector, certainty=sub.certainty, distance=sub.distance, target_vector=target_vector
        )
        message.near_vector.CopyFrom(inner)
        if target_vector is None and inner.HasField("targets"):
            message.targets.CopyFrom(inner.targets)
    operator = _bm25_operator(bm25_operator)
    if operator is not None:
        message.bm25_search_operator.CopyFrom(operator)
    distance = number_value(max_vector_distance, "max_vector_distance")
    if distance is not None:
        message.vector_distance = distance
    return message
