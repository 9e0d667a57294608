"""Build ``weaviate.v1.SearchRequest`` messages from typed search options (no I/O).

Each ``*_message`` function turns the options of one search operator into its
message; :func:`build_request` assembles the request with what every search shares
(paging, filters, sort, group_by, rerank, boost, return shape, tenant, consistency).
Invalid input raises :class:`~weavorm.errors.QueryError` before anything is sent.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import Any, cast
from uuid import UUID

from google.protobuf.message import Message

from weavorm._proto.v1 import base_pb2, base_search_pb2, generative_pb2, search_get_pb2
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.filters import filter_to_grpc
from weavorm.engine._protocol.media import MediaInput, to_base64
from weavorm.engine._protocol.validate import text_problem
from weavorm.engine._protocol.vectors import to_vectors_message
from weavorm.engine.boost import BoostCurve, BoostModifier, BoostSpec
from weavorm.engine.filters import FilterExpression
from weavorm.engine.options import (
    MMR,
    BM25OperatorOptions,
    GroupBy,
    HybridFusion,
    HybridNearText,
    HybridNearVector,
    ListOfVectors,
    MetadataQuery,
    Move,
    NearMediaType,
    QueryNested,
    QueryReference,
    Rerank,
    Sorting,
    TargetVectorJoin,
)
from weavorm.errors import QueryError

__all__ = [
    "TargetVector",
    "bm25_message",
    "build_request",
    "hybrid_message",
    "metadata_request",
    "near_media_message",
    "near_object_message",
    "near_text_message",
    "near_vector_message",
    "properties_request",
    "targets_message",
]

TargetVector = str | Sequence[str] | TargetVectorJoin

_CONSISTENCY = {
    "ONE": base_pb2.CONSISTENCY_LEVEL_ONE,
    "QUORUM": base_pb2.CONSISTENCY_LEVEL_QUORUM,
    "ALL": base_pb2.CONSISTENCY_LEVEL_ALL,
}
_COMBINATION = {
    "sum": base_search_pb2.COMBINATION_METHOD_TYPE_SUM,
    "average": base_search_pb2.COMBINATION_METHOD_TYPE_AVERAGE,
    "minimum": base_search_pb2.COMBINATION_METHOD_TYPE_MIN,
    "manual_weights": base_search_pb2.COMBINATION_METHOD_TYPE_MANUAL,
    "relative_score": base_search_pb2.COMBINATION_METHOD_TYPE_RELATIVE_SCORE,
}
_BM25_OPERATOR = {
    "or": base_search_pb2.SearchOperatorOptions.OPERATOR_OR,
    "and": base_search_pb2.SearchOperatorOptions.OPERATOR_AND,
    "and_cross": base_search_pb2.SearchOperatorOptions.OPERATOR_AND_CROSS,
}
_MEDIA_FIELD = {
    NearMediaType.AUDIO: ("near_audio", base_search_pb2.NearAudioSearch, "audio"),
    NearMediaType.DEPTH: ("near_depth", base_search_pb2.NearDepthSearch, "depth"),
    NearMediaType.IMAGE: ("near_image", base_search_pb2.NearImageSearch, "image"),
    NearMediaType.IMU: ("near_imu", base_search_pb2.NearIMUSearch, "imu"),
    NearMediaType.THERMAL: ("near_thermal", base_search_pb2.NearThermalSearch, "thermal"),
    NearMediaType.VIDEO: ("near_video", base_search_pb2.NearVideoSearch, "video"),
}
_B = search_get_pb2.Boost
_CURVE = {
    BoostCurve.EXPONENTIAL: _B.DECAY_CURVE_EXPONENTIAL,
    BoostCurve.GAUSSIAN: _B.DECAY_CURVE_GAUSS,
    BoostCurve.LINEAR: _B.DECAY_CURVE_LINEAR,
}
_MODIFIER = {
    BoostModifier.LOG1P: _B.PROPERTY_VALUE_MODIFIER_LOG1P,
    BoostModifier.SQRT: _B.PROPERTY_VALUE_MODIFIER_SQRT,
}


# ----------------------------------------------------------------------------- scalars


def _uint(where: str, value: object, *, allow_zero: bool = True) -> int:
    low = 0 if allow_zero else 1
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < low:
        raise QueryError(f"{where} must be an integer >= {low}, got {value!r}")
    if int(value) > 0xFFFFFFFF:
        raise QueryError(f"{where} is too large: {value!r}")
    return int(value)


def _float(where: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise QueryError(f"{where} must be a number, got {value!r}")
    if not math.isfinite(float(value)):
        raise QueryError(f"{where} must be a finite number, got {value!r}")
    return float(value)


def _uuid(where: str, value: object) -> str:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, str):
        try:
            return str(UUID(value))
        except ValueError:
            pass
    raise QueryError(f"{where} must be a UUID, got {value!r}")


def _strings(where: str, value: object) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, Sequence) or not all(isinstance(v, str) and v for v in items):
        raise QueryError(f"{where} must be a list of names, got {value!r}")
    return list(items)


# ----------------------------------------------------------------------------- return shape


def _metadata_query(value: object) -> MetadataQuery:
    if value is None:
        return _NO_METADATA
    if isinstance(value, MetadataQuery):
        return value
    if isinstance(value, str):
        return MetadataQuery.of([value])
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return MetadataQuery.of(list(value))
    raise QueryError(f"return_metadata must be a MetadataQuery or a list of names, got {value!r}")


_NO_METADATA = MetadataQuery()


def metadata_request(
    return_metadata: MetadataQuery | Sequence[str] | None, include_vector: object
) -> search_get_pb2.MetadataRequest:
    """The ``MetadataRequest`` for ``return_metadata`` and ``include_vector``."""
    meta = _metadata_query(return_metadata)
    msg = search_get_pb2.MetadataRequest(
        uuid=True,
        creation_time_unix=meta.creation_time,
        last_update_time_unix=meta.last_update_time,
        distance=meta.distance,
        certainty=meta.certainty,
        score=meta.score,
        explain_score=meta.explain_score,
        is_consistent=meta.is_consistent,
        query_profile=meta.query_profile,
    )
    if isinstance(include_vector, bool):
        msg.vector = include_vector
    elif include_vector is not None:
        msg.vectors.extend(_strings("include_vector", include_vector))
    return msg


def _nested(prop: QueryNested) -> search_get_pb2.ObjectPropertiesRequest:
    props = prop.properties
    items = [props] if isinstance(props, str | QueryNested) else list(props)
    return search_get_pb2.ObjectPropertiesRequest(
        prop_name=prop.name,
        primitive_properties=[p for p in items if isinstance(p, str)],
        object_properties=[_nested(p) for p in items if isinstance(p, QueryNested)],
    )


def _references(value: object) -> list[QueryReference]:
    if value is None:
        return []
    items = [value] if isinstance(value, QueryReference) else value
    if not isinstance(items, Sequence) or not all(isinstance(r, QueryReference) for r in items):
        raise QueryError(
            f"return_references must be a QueryReference or a list of them, got {value!r}"
        )
    return list(items)


def properties_request(
    return_properties: object, return_references: object
) -> search_get_pb2.PropertiesRequest | None:
    """The ``PropertiesRequest``, or None when the server default (all properties) fits.

    ``return_properties``: None/True -> all non-reference properties; False or ``[]`` ->
    none; names and :class:`QueryNested` selections -> those.
    """
    refs = _references(return_references)
    if return_properties is None or return_properties is True:
        if not refs:
            return None
        msg = search_get_pb2.PropertiesRequest(return_all_nonref_properties=True)
    else:
        if return_properties is False:
            items: list[Any] = []
        elif isinstance(return_properties, str | QueryNested):
            items = [return_properties]
        elif isinstance(return_properties, Sequence):
            items = list(return_properties)
        else:
            raise QueryError(
                "return_properties must be property names, QueryNested or a list of "
                f"them, got {return_properties!r}"
            )
        for item in items:
            if not (isinstance(item, QueryNested) or (isinstance(item, str) and item)):
                raise QueryError(f"return_properties: {item!r} is not a property name")
        msg = search_get_pb2.PropertiesRequest(
            non_ref_properties=[p for p in items if isinstance(p, str)],
            object_properties=[_nested(p) for p in items if isinstance(p, QueryNested)],
        )
    for ref in refs:
        sub = properties_request(ref.return_properties, ref.return_references)
        if sub is None:
            sub = search_get_pb2.PropertiesRequest(return_all_nonref_properties=True)
        msg.ref_properties.append(
            search_get_pb2.RefPropertiesRequest(
                reference_property=ref.link_on,
                properties=sub,
                metadata=metadata_request(ref.return_metadata, ref.include_vector),
                target_collection=ref.target_collection or "",
            )
        )
    return msg


# ----------------------------------------------------------------------------- vectors


def targets_message(
    target_vector: TargetVector | None, *, vector_names: Sequence[str] | None = None
) -> base_search_pb2.Targets | None:
    """The ``Targets`` of a search, checked against the names of per-target vectors."""
    if target_vector is None:
        if vector_names is None:
            return None
        return base_search_pb2.Targets(target_vectors=list(vector_names))
    if isinstance(target_vector, TargetVectorJoin):
        join = target_vector
        if vector_names is not None and set(join.target_vectors) != set(vector_names):
            raise QueryError(
                f"target_vector names {sorted(set(join.target_vectors))} do not match the "
                f"vectors given for {sorted(set(vector_names))}"
            )
        if join.weights:
            # Like the official client, targets and weights follow the order of the
            # vectors given (the server pairs them by position).
            by_name: dict[str, list[float]] = {}
            for t, w in zip(join.target_vectors, join.weights, strict=True):
                by_name.setdefault(t, []).append(w)
            order = list(dict.fromkeys(vector_names)) if vector_names is not None else by_name
            pairs = [(t, w) for t in order for w in by_name[t]]
            targets = [t for t, _ in pairs]
            weights = [base_search_pb2.WeightsForTarget(target=t, weight=w) for t, w in pairs]
        else:
            targets = list(vector_names) if vector_names is not None else list(join.target_vectors)
            weights = []
        return base_search_pb2.Targets(
            target_vectors=targets,
            combination=_COMBINATION[join.combination],
            weights_for_targets=weights,
        )
    names = _strings("target_vector", target_vector)
    if vector_names is not None and set(names) != set(vector_names):
        raise QueryError(
            f"target_vector {names} does not match the vectors given for {list(vector_names)}"
        )
    return base_search_pb2.Targets(target_vectors=list(vector_names or names))


def _vector_for_targets(
    vectors: Mapping[str, Any],
) -> list[base_search_pb2.VectorForTarget]:
    out = []
    for name, value in vectors.items():
        if not isinstance(name, str) or not name:
            raise QueryError(f"near_vector: target vector names must be strings, got {name!r}")
        where = f"near_vector[{name!r}]"
        items = value.vectors if isinstance(value, ListOfVectors) else (value,)
        out.append(
            base_search_pb2.VectorForTarget(
                name=name,
                vectors=[to_vectors_message(v, name=name, where=where) for v in items],
            )
        )
    return out


def _selection(diversity: MMR | None) -> base_search_pb2.Selection | None:
    if diversity is None:
        return None
    if not isinstance(diversity, MMR):
        raise QueryError(f"diversity_selection must come from Diversity.mmr(), got {diversity!r}")
    mmr = base_search_pb2.Selection.MMR()
    if diversity.limit is not None:
        mmr.limit = diversity.limit
    if diversity.balance is not None:
        mmr.balance = diversity.balance
    return base_search_pb2.Selection(mmr=mmr)


def near_vector_message(
    near_vector: Any,
    *,
    certainty: float | None = None,
    distance: float | None = None,
    target_vector: TargetVector | None = None,
    diversity_selection: MMR | None = None,
) -> base_search_pb2.NearVector:
    """``NearVector`` for a vector, a multi-vector or a dict of target -> vector(s)."""
    msg = base_search_pb2.NearVector(
        certainty=_float("certainty", certainty),
        distance=_float("distance", distance),
        selection=_selection(diversity_selection),
    )
    if isinstance(near_vector, Mapping):
        if not near_vector:
            raise QueryError("near_vector: the dict of target vectors is empty")
        msg.vector_for_targets.extend(_vector_for_targets(near_vector))
        targets = targets_message(target_vector, vector_names=list(near_vector))
    else:
        msg.vectors.append(to_vectors_message(near_vector, where="near_vector"))
        targets = targets_message(target_vector)
    if targets is not None:
        msg.targets.CopyFrom(targets)
    return msg


def _move(where: str, move: Move | None) -> base_search_pb2.NearTextSearch.Move | None:
    if move is None:
        return None
    if not isinstance(move, Move):
        raise QueryError(f"{where} must be a Move, got {move!r}")
    return base_search_pb2.NearTextSearch.Move(
        force=move.force, concepts=list(move.concepts), uuids=list(move.objects)
    )


def _texts(where: str, query: object) -> list[str]:
    items = [query] if isinstance(query, str) else query
    if (
        not isinstance(items, Sequence)
        or not items
        or not all(isinstance(q, str) and q for q in items)
    ):
        raise QueryError(f"{where} must be a non-empty text or list of texts, got {query!r}")
    return [_text(where, q) for q in items]


def _text(where: str, value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise QueryError(f"{where} {problem}")
    return value


def near_text_message(
    query: str | Sequence[str],
    *,
    certainty: float | None = None,
    distance: float | None = None,
    move_to: Move | None = None,
    move_away: Move | None = None,
    target_vector: TargetVector | None = None,
    diversity_selection: MMR | None = None,
) -> base_search_pb2.NearTextSearch:
    """``NearTextSearch`` for concept text(s)."""
    return base_search_pb2.NearTextSearch(
        query=_texts("near_text query", query),
        certainty=_float("certainty", certainty),
        distance=_float("distance", distance),
        move_to=_move("move_to", move_to),
        move_away=_move("move_away", move_away),
        targets=targets_message(target_vector),
        selection=_selection(diversity_selection),
    )


def near_object_message(
    near_object: UUID | str,
    *,
    certainty: float | None = None,
    distance: float | None = None,
    target_vector: TargetVector | None = None,
    diversity_selection: MMR | None = None,
) -> base_search_pb2.NearObject:
    """``NearObject`` for the id of a stored object."""
    return base_search_pb2.NearObject(
        id=_uuid("near_object", near_object),
        certainty=_float("certainty", certainty),
        distance=_float("distance", distance),
        targets=targets_message(target_vector),
        selection=_selection(diversity_selection),
    )


def near_media_message(
    media: MediaInput,
    media_type: NearMediaType | str,
    *,
    certainty: float | None = None,
    distance: float | None = None,
    target_vector: TargetVector | None = None,
    diversity_selection: MMR | None = None,
) -> tuple[str, Message]:
    """(request field, message) for a near-media search of ``media_type``."""
    try:
        kind = NearMediaType(media_type)
    except ValueError as exc:
        raise QueryError(
            f"media_type must be one of {[m.value for m in NearMediaType]}, got {media_type!r}"
        ) from exc
    field, cls, attr = _MEDIA_FIELD[kind]
    message = cls(
        certainty=_float("certainty", certainty),
        distance=_float("distance", distance),
        targets=targets_message(target_vector),
        selection=_selection(diversity_selection),
    )
    setattr(message, attr, to_base64(media, where=f"near_{kind.value}"))
    return field, message


# ----------------------------------------------------------------------------- keyword / hybrid


def _operator(where: str, value: BM25OperatorOptions | None) -> Any:
    if value is None:
        return None
    if not isinstance(value, BM25OperatorOptions):
        raise QueryError(f"{where} must come from BM25Operator.or_() / and_(), got {value!r}")
    msg = base_search_pb2.SearchOperatorOptions(operator=_BM25_OPERATOR[value.operator])
    if value.minimum_match is not None:
        msg.minimum_or_tokens_match = value.minimum_match
    return msg


def bm25_message(
    query: str | None,
    *,
    query_properties: Sequence[str] | None = None,
    operator: BM25OperatorOptions | None = None,
) -> base_search_pb2.BM25 | None:
    """``BM25`` keyword search; None for a None query (every object, score 0)."""
    if query is None:
        return None
    if not isinstance(query, str):
        raise QueryError(f"bm25 query must be a string, got {query!r}")
    return base_search_pb2.BM25(
        query=_text("bm25 query", query),
        properties=[]
        if query_properties is None
        else _strings("query_properties", query_properties),
        search_operator=_operator("operator", operator),
    )


def hybrid_message(
    query: str | None,
    *,
    alpha: float | None = None,
    vector: Any = None,
    query_properties: Sequence[str] | None = None,
    fusion_type: HybridFusion | str | None = None,
    max_vector_distance: float | None = None,
    bm25_operator: BM25OperatorOptions | None = None,
    target_vector: TargetVector | None = None,
    diversity_selection: MMR | None = None,
) -> base_search_pb2.Hybrid | None:
    """``Hybrid`` search: keyword ``query`` fused with a vector search.

    With neither a query nor a vector there is no search (None): every object matches,
    with score 0, as with the official client.
    """
    if query is not None and not isinstance(query, str):
        raise QueryError(f"hybrid query must be a string or None, got {query!r}")
    if query is None and vector is None:
        return None
    if query is None:
        alpha = 1.0
    msg = base_search_pb2.Hybrid(
        query=_text("hybrid query", query) if query else "",
        properties=[]
        if query_properties is None
        else _strings("query_properties", query_properties),
        bm25_search_operator=_operator("bm25_operator", bm25_operator),
        selection=_selection(diversity_selection),
    )
    # use_alpha_param must always be set: without it the server reads the deprecated
    # ``alpha`` field (0 = pure keyword search) instead of its default of 0.75.
    msg.use_alpha_param = True
    if alpha is not None:
        a = _float("alpha", alpha)
        assert a is not None
        if not 0.0 <= a <= 1.0:
            raise QueryError(f"alpha must be between 0 and 1, got {alpha!r}")
        msg.alpha_param = a
        msg.use_alpha_param = True
    if fusion_type is not None:
        try:
            fusion = base_search_pb2.Hybrid.FusionType.Value(HybridFusion(fusion_type).value)
            msg.fusion_type = cast(base_search_pb2.Hybrid.FusionType, fusion)
        except ValueError as exc:
            raise QueryError(f"fusion_type must be a HybridFusion, got {fusion_type!r}") from exc
    if max_vector_distance is not None:
        distance = _float("max_vector_distance", max_vector_distance)
        assert distance is not None
        msg.vector_distance = distance
    targets = targets_message(target_vector)
    if vector is None:
        pass
    elif isinstance(vector, HybridNearText):
        msg.near_text.CopyFrom(
            near_text_message(
                vector.text,
                certainty=vector.certainty,
                distance=vector.distance,
                move_to=vector.move_to,
                move_away=vector.move_away,
            )
        )
    elif isinstance(vector, HybridNearVector | Mapping):
        inner = vector.vector if isinstance(vector, HybridNearVector) else vector
        sub = near_vector_message(
            inner,
            certainty=vector.certainty if isinstance(vector, HybridNearVector) else None,
            distance=vector.distance if isinstance(vector, HybridNearVector) else None,
            target_vector=target_vector,
        )
        if sub.HasField("targets"):
            targets = sub.targets
            sub.ClearField("targets")
        msg.near_vector.CopyFrom(sub)
    else:
        msg.vectors.append(to_vectors_message(vector, where="hybrid vector"))
    if targets is not None:
        msg.targets.CopyFrom(targets)
    return msg


# ----------------------------------------------------------------------------- request


def _sort(sort: object) -> list[search_get_pb2.SortBy]:
    if not isinstance(sort, Sorting):
        raise QueryError(f"sort must come from Sort.by_property(...) etc., got {sort!r}")
    return [search_get_pb2.SortBy(ascending=s.ascending, path=[s.prop]) for s in sort.sorts]


def _boost(boost: object) -> search_get_pb2.Boost:
    if not isinstance(boost, BoostSpec):
        raise QueryError(f"boost must come from Boost.filter(...) etc., got {boost!r}")
    msg = search_get_pb2.Boost()
    if boost.weight is not None:
        msg.weight = boost.weight
    if boost.depth is not None:
        msg.depth = boost.depth
    for cond in boost.conditions:
        c = msg.conditions.add()
        if cond.weight is not None:
            c.weight = cond.weight
        if cond.filter is not None:
            c.filter.CopyFrom(filter_to_grpc(cond.filter))
        elif cond.time_decay is not None:
            t = cond.time_decay
            c.time_decay.CopyFrom(
                _B.TimeDecayFunction(
                    property=t.property,
                    origin=t.origin,
                    scale=t.scale,
                    offset=t.offset,
                    curve=None if t.curve is None else _CURVE[t.curve],
                    decay_value=t.decay_value,
                )
            )
        elif cond.numeric_decay is not None:
            n = cond.numeric_decay
            c.numeric_decay.CopyFrom(
                _B.NumericDecayFunction(
                    property=n.property,
                    origin=n.origin,
                    scale=n.scale,
                    offset=n.offset,
                    curve=None if n.curve is None else _CURVE[n.curve],
                    decay_value=n.decay_value,
                )
            )
        elif cond.property_value is not None:
            p = cond.property_value
            c.property_value.CopyFrom(
                _B.PropertyValueFunction(
                    property=p.property,
                    modifier=None if p.modifier is None else _MODIFIER[p.modifier],
                )
            )
    return msg


def build_request(
    ctx: CollectionContext,
    *,
    operator: tuple[str, Message] | None = None,
    limit: int | None = None,
    offset: int | None = None,
    after: UUID | str | None = None,
    auto_limit: int | None = None,
    filters: FilterExpression | None = None,
    sort: Sorting | None = None,
    group_by: GroupBy | None = None,
    rerank: Rerank | None = None,
    boost: BoostSpec | None = None,
    include_vector: bool | str | Sequence[str] = False,
    return_metadata: MetadataQuery | Sequence[str] | None = None,
    return_properties: Any = None,
    return_references: QueryReference | Sequence[QueryReference] | None = None,
    generative: generative_pb2.GenerativeSearch | None = None,
) -> search_get_pb2.SearchRequest:
    """The ``SearchRequest`` for collection ``ctx`` with ``operator = (field, message)``."""
    req = search_get_pb2.SearchRequest(
        collection=ctx.name,
        uses_127_api=True,
        metadata=metadata_request(return_metadata, include_vector),
        properties=properties_request(return_properties, return_references),
        generative=generative,
    )
    if ctx.tenant:
        req.tenant = ctx.tenant
    if ctx.consistency:
        req.consistency_level = _CONSISTENCY[ctx.consistency]
    if limit is not None:
        req.limit = _uint("limit", limit)
    if offset is not None:
        req.offset = _uint("offset", offset)
    if auto_limit is not None:
        autocut = _uint("auto_limit", auto_limit)
        if autocut:  # 0 means off, as in the official client
            req.autocut = autocut
    if after is not None:
        req.after = _uuid("after", after)
    if filters is not None:
        req.filters.CopyFrom(filter_to_grpc(filters))
    if sort is not None:
        req.sort_by.extend(_sort(sort))
    if group_by is not None:
        if not isinstance(group_by, GroupBy):
            raise QueryError(f"group_by must be a GroupBy, got {group_by!r}")
        req.group_by.CopyFrom(
            search_get_pb2.GroupBy(
                path=[group_by.prop],
                number_of_groups=group_by.number_of_groups,
                objects_per_group=group_by.objects_per_group,
            )
        )
    if rerank is not None:
        if not isinstance(rerank, Rerank):
            raise QueryError(f"rerank must be a Rerank, got {rerank!r}")
        req.rerank.CopyFrom(search_get_pb2.Rerank(property=rerank.prop, query=rerank.query))
    if boost is not None:
        req.boost.CopyFrom(_boost(boost))
    if operator is not None:
        field, message = operator
        getattr(req, field).CopyFrom(message)
    return req
