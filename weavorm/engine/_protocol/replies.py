"""Parse ``weaviate.v1.SearchReply`` into typed results (no I/O)."""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any
from uuid import UUID, SafeUUID

from google.protobuf.message import Message

from weavorm._proto.v1 import base_pb2, generative_pb2, properties_pb2, search_get_pb2
from weavorm.engine._protocol.vectors import (
    decode_float64s,
    decode_int64s,
    unpack_multi,
    unpack_single,
)
from weavorm.engine.results import (
    CrossReference,
    GenerativeGrouped,
    GenerativeSingle,
    GeoCoordinate,
    Group,
    GroupByResult,
    Metadata,
    Object,
    PhoneNumber,
    QueryProfile,
    QueryResult,
    ShardProfile,
    Vector,
)

__all__ = [
    "decode_properties",
    "decode_uuid",
    "object_vectors",
    "parse_date",
    "parse_reply",
    "parse_result",
    "timestamp",
]

_UTC = timezone.utc
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:\.(\d+))?(.*)$")
_MULTI = base_pb2.Vectors.VECTOR_TYPE_MULTI_FP32
_F32 = struct.Struct("<f")


def parse_date(text: str) -> datetime | str:
    """A timezone-aware datetime from Weaviate's RFC 3339 text (the text if unparseable)."""
    value = text.strip()
    if value[-1:] in ("Z", "z"):
        value = value[:-1] + "+00:00"
    match = _DATE.match(value)
    if match is not None:
        head, fraction, tail = match.groups()
        value = head + (f".{fraction[:6].ljust(6, '0')}" if fraction else "") + tail
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return text
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=_UTC)


def _float32(value: float) -> float:
    """The shortest decimal that is the same float32 (geo values travel as float32)."""
    packed = _F32.pack(value)
    for digits in range(6, 10):
        candidate = float(f"{value:.{digits}g}")
        if _F32.pack(candidate) == packed:
            return candidate
    return value


_TIMES: dict[int, datetime] = {}


def timestamp(value: int) -> datetime:
    """The UTC datetime of a metadata time (ms since the epoch; old servers sent ns).

    Objects written in one batch share their times, so recent values are cached
    (datetimes are immutable).
    """
    found = _TIMES.get(value)
    if found is None:
        seconds = value / 1e9 if value >= 10**14 else value / 1000
        found = datetime.fromtimestamp(seconds, tz=_UTC)
        if len(_TIMES) >= 4096:
            _TIMES.clear()
        _TIMES[value] = found
    return found


_timestamp = timestamp


# ----------------------------------------------------------------------------- properties


def _list_value(value: properties_pb2.ListValue) -> list[Any]:
    kind = value.WhichOneof("kind")
    if kind == "text_values":
        return list(value.text_values.values)
    if kind == "int_values":
        return decode_int64s(value.int_values.values)
    if kind == "number_values":
        return decode_float64s(value.number_values.values)
    if kind == "bool_values":
        return list(value.bool_values.values)
    if kind == "date_values":
        return [parse_date(v) for v in value.date_values.values]
    if kind == "uuid_values":
        return [UUID(v) for v in value.uuid_values.values]
    if kind == "object_values":
        return [decode_properties(v) for v in value.object_values.values]
    return []


def _phone(p: properties_pb2.PhoneNumber) -> PhoneNumber:
    # model_construct: the server's values are trusted; proto3 "" means "not filled".
    return PhoneNumber.model_construct(
        number=p.input,
        default_country=p.default_country or None,
        country_code=p.country_code,
        national=p.national,
        national_formatted=p.national_formatted or None,
        international_formatted=p.international_formatted or None,
        valid=p.valid,
    )


_DECODERS: dict[str | None, Callable[[properties_pb2.Value], Any]] = {
    None: lambda v: None,
    "text_value": lambda v: v.text_value,
    "int_value": lambda v: v.int_value,
    "number_value": lambda v: v.number_value,
    "bool_value": lambda v: v.bool_value,
    "date_value": lambda v: parse_date(v.date_value),
    "uuid_value": lambda v: UUID(v.uuid_value),
    "list_value": lambda v: _list_value(v.list_value),
    "object_value": lambda v: decode_properties(v.object_value),
    "geo_value": lambda v: GeoCoordinate.model_construct(
        latitude=_float32(v.geo_value.latitude), longitude=_float32(v.geo_value.longitude)
    ),
    "phone_value": lambda v: _phone(v.phone_value),
    "blob_value": lambda v: v.blob_value,
    "null_value": lambda v: None,
}


def decode_value(value: properties_pb2.Value) -> Any:
    """The Python value of one property value."""
    return _DECODERS[value.WhichOneof("kind")](value)


#: Kinds whose value is the field itself (read with getattr, no function call).
_SCALARS = frozenset({"text_value", "int_value", "number_value", "bool_value", "blob_value"})


def decode_properties(props: properties_pb2.Properties) -> dict[str, Any]:
    """Property name -> Python value."""
    decoders, scalars = _DECODERS, _SCALARS
    fields = props.fields
    out: dict[str, Any] = {}
    # Iterating the keys and indexing is faster than the generic ItemsView of upb maps.
    for name in fields:
        v = fields[name]
        kind = v.WhichOneof("kind")
        out[name] = getattr(v, kind) if kind in scalars else decoders[kind](v)
    return out


# ----------------------------------------------------------------------------- objects


def _metadata(m: search_get_pb2.MetadataResult) -> Metadata:
    if not (
        m.distance_present
        or m.score_present
        or m.creation_time_unix_present
        or m.last_update_time_unix_present
        or m.certainty_present
        or m.explain_score_present
        or m.is_consistent_present
        or m.rerank_score_present
    ):
        return Metadata()  # only the id was asked for
    return Metadata(
        creation_time=_timestamp(m.creation_time_unix) if m.creation_time_unix_present else None,
        last_update_time=(
            _timestamp(m.last_update_time_unix) if m.last_update_time_unix_present else None
        ),
        distance=m.distance if m.distance_present else None,
        certainty=m.certainty if m.certainty_present else None,
        score=m.score if m.score_present else None,
        explain_score=m.explain_score if m.explain_score_present else None,
        is_consistent=m.is_consistent if m.is_consistent_present else None,
        rerank_score=m.rerank_score if m.rerank_score_present else None,
    )


def object_vectors(m: search_get_pb2.MetadataResult) -> dict[str, Vector]:
    """Vector name -> vector of one result (``"default"`` for the unnamed one)."""
    if not m.vector_bytes and not m.vectors and not m.vector:
        return {}
    out: dict[str, Vector] = {}
    for vec in m.vectors:
        name = vec.name or "default"
        out[name] = (
            unpack_multi(vec.vector_bytes)
            if vec.type == _MULTI
            else unpack_single(vec.vector_bytes)
        )
    if m.vector_bytes and "default" not in out:
        out["default"] = unpack_single(m.vector_bytes)
    elif not out and len(m.vector):
        out["default"] = list(m.vector)
    return out


_vectors = object_vectors
_new = object.__new__
_set = object.__setattr__
_UNKNOWN = SafeUUID.unknown
_from_bytes = int.from_bytes


def decode_uuid(m: search_get_pb2.MetadataResult) -> UUID:
    """The id of one result (from its 16 bytes when the server sent them)."""
    raw = m.id_as_bytes
    if len(raw) == 16:
        # UUID(bytes=...) without its argument checks: the same object, 3x faster
        value = _new(UUID)
        _set(value, "int", _from_bytes(raw, "big"))
        _set(value, "is_safe", _UNKNOWN)
        return value
    return UUID(m.id)


_uuid = decode_uuid


def _message_dict(message: Message) -> dict[str, Any]:
    """The set fields of ``message`` as plain Python values (int64 stays int)."""
    out: dict[str, Any] = {}
    for field, value in message.ListFields():
        out[field.name] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Message):
        return _message_dict(value)
    if isinstance(value, str | bytes | int | float | bool):
        return value
    return [_plain(v) for v in value]  # a repeated field


def _provider_metadata(meta: generative_pb2.GenerativeMetadata) -> dict[str, Any] | None:
    if meta.WhichOneof("kind") is None:
        return None
    return _message_dict(meta)


def _single(result: generative_pb2.GenerativeResult) -> GenerativeSingle | None:
    if not result.values:
        return None
    reply = result.values[0]
    return GenerativeSingle(
        text=reply.result,
        debug=reply.debug.full_prompt if reply.HasField("debug") else None,
        metadata=_provider_metadata(reply.metadata) if reply.HasField("metadata") else None,
    )


def _grouped(result: generative_pb2.GenerativeResult) -> GenerativeGrouped | None:
    if not result.values:
        return None
    reply = result.values[0]
    return GenerativeGrouped(
        text=reply.result,
        metadata=_provider_metadata(reply.metadata) if reply.HasField("metadata") else None,
    )


def _references(props: search_get_pb2.PropertiesResult) -> dict[str, CrossReference]:
    refs: dict[str, CrossReference] = {}
    for ref in props.ref_props:
        refs[ref.prop_name] = CrossReference([_object(p, p.metadata) for p in ref.properties])
    return refs


def _object(
    props: search_get_pb2.PropertiesResult,
    meta: search_get_pb2.MetadataResult,
    *,
    group: str | None = None,
) -> Object:
    return Object(
        uuid=_uuid(meta),
        properties=decode_properties(props.non_ref_props),
        metadata=_metadata(meta),
        vector=_vectors(meta),
        references=_references(props) if props.ref_props else {},
        collection=props.target_collection,
        belongs_to_group=group,
    )


def parse_result(
    result: search_get_pb2.SearchResult, *, group: str | None = None, generated: bool = True
) -> Object:
    """One object of a reply, with its generated text when ``generated`` and there is one."""
    obj = _object(result.properties, result.metadata, group=group)
    if not generated:
        return obj
    if result.HasField("generative"):
        obj.generative = _single(result.generative)
        obj.generated = obj.generative.text if obj.generative is not None else None
    elif result.metadata.generative_present:
        obj.generated = result.metadata.generative
        obj.generative = GenerativeSingle(text=result.metadata.generative)
    return obj


def _group(g: search_get_pb2.GroupByResult) -> Group:
    generative = None
    if g.HasField("generative_result"):
        generative = _grouped(g.generative_result)
    elif g.HasField("generative") and g.generative.result:
        generative = GenerativeGrouped(text=g.generative.result)
    return Group(
        name=g.name,
        min_distance=g.min_distance,
        max_distance=g.max_distance,
        number_of_objects=g.number_of_objects,
        objects=[parse_result(o, group=g.name) for o in g.objects],
        rerank_score=g.rerank.score if g.HasField("rerank") else None,
        generative=generative,
    )


def _profile(reply: search_get_pb2.SearchReply) -> QueryProfile | None:
    if not reply.HasField("query_profile"):
        return None
    return QueryProfile(
        shards=[
            ShardProfile(
                name=s.name,
                node=s.node,
                searches={k: dict(v.details) for k, v in s.searches.items()},
            )
            for s in reply.query_profile.shards
        ]
    )


def parse_reply(
    reply: search_get_pb2.SearchReply, *, group_by: bool = False, single_prompt: bool = True
) -> QueryResult:
    """The typed result of a Search reply (a :class:`GroupByResult` when grouped).

    Args:
        reply: The reply.
        group_by: Whether the search grouped its results.
        single_prompt: Whether a per-object prompt ran (the server sends empty
            per-object replies when only a grouped task ran).
    """
    generative = None
    if reply.HasField("generative_grouped_results"):
        generative = _grouped(reply.generative_grouped_results)
    elif reply.generative_grouped_result:
        generative = GenerativeGrouped(text=reply.generative_grouped_result)
    if group_by:
        groups = {g.name: _group(g) for g in reply.group_by_results}
        return GroupByResult(
            objects=[o for g in groups.values() for o in g.objects],
            groups=groups,
            generative=generative,
            query_profile=_profile(reply),
        )
    return QueryResult(
        objects=[parse_result(r, generated=single_prompt) for r in reply.results],
        generative=generative,
        query_profile=_profile(reply),
    )
