"""``SearchRequest`` -> GraphQL ``Get`` query, and its reply -> ``SearchReply`` (no I/O).

The REST fallback runs fetches and searches through GraphQL ``Get`` and hands the
search code a ``SearchReply`` message built from the GraphQL reply, so the results
are parsed by the same code as the gRPC path and have the same types and values:
properties are typed by the collection's schema, vectors and scores go through the
same float32 fields as on gRPC.

Covered: fetch (by id through a filter), filters, sort, limit, offset, after, autocut,
tenant, consistency level, nearVector, nearObject, nearText, bm25, hybrid (with a
vector or a nearText / nearVector sub-search), target vectors, return properties
(nested objects and references, all levels), metadata and vectors, and group by (when
only ids, distances and the default vector are asked for: all GraphQL's grouped hits
carry). The rest (rerank, generative, boost, media searches, multi-vectors, query
profiles, target vector combinations) raises :class:`NoRestForm`.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from typing import Any

from weavorm._proto.google.protobuf import struct_pb2
from weavorm._proto.v1 import base_pb2, base_search_pb2, properties_pb2, search_get_pb2
from weavorm.engine._protocol.graphql_common import (
    ClassSchema,
    Enum,
    NoRestForm,
    PropSchema,
    literal,
)
from weavorm.engine._protocol.graphql_where import where_of
from weavorm.engine._protocol.vectors import unpack_single

__all__ = [
    "check_search",
    "get_query",
    "hybrid_args",
    "near_object_args",
    "near_text_args",
    "near_vector_args",
    "ref_targets",
    "search_reply",
]

Lookup = Callable[[str], ClassSchema | None]

_CONSISTENCY = {1: "ONE", 2: "QUORUM", 3: "ALL"}
#: Weaviate's default ``QUERY_DEFAULTS_LIMIT``: what a gRPC search without a limit gets.
DEFAULT_LIMIT = 10
_FUSION = {1: "rankedFusion", 2: "relativeScoreFusion"}
_BM25_OPERATOR = {1: "Or", 2: "And"}
_MULTI = base_pb2.Vectors.VECTOR_TYPE_MULTI_FP32
_REF_META = search_get_pb2.MetadataRequest(uuid=True)

# ----------------------------------------------------------------------------- request


def ref_targets(
    props: search_get_pb2.PropertiesRequest | None, schema: ClassSchema
) -> list[tuple[search_get_pb2.RefPropertiesRequest, list[str]]]:
    """Each reference a request returns, with the collections it points to."""
    if props is None:
        return []
    out = []
    for ref in props.ref_properties:
        if ref.target_collection:
            out.append((ref, [ref.target_collection]))
            continue
        prop = schema.prop(ref.reference_property)
        if prop is None or not prop.is_ref:
            raise NoRestForm(f"the reference {ref.reference_property!r} (not in the schema)")
        out.append((ref, list(prop.targets)))
    return out


def _field(prop: PropSchema) -> str:
    """A property's selection: objects list all their nested properties."""
    if prop.base == "object":
        inner = " ".join(_field(p) for p in prop.nested.values())
        return f"{prop.name} {{ {inner} }}"
    if prop.base == "geoCoordinates":
        return f"{prop.name} {{ latitude longitude }}"
    if prop.base == "phoneNumber":
        return (
            f"{prop.name} {{ input defaultCountry countryCode national nationalFormatted "
            "internationalFormatted valid }"
        )
    return prop.name


def _object_field(request: search_get_pb2.ObjectPropertiesRequest, prop: PropSchema | None) -> str:
    nested = prop.nested if prop is not None else {}
    parts = []
    for name in request.primitive_properties:
        sub = nested.get(name)
        parts.append(_field(sub) if sub is not None else name)
    parts.extend(_object_field(o, nested.get(o.prop_name)) for o in request.object_properties)
    return f"{request.prop_name} {{ {' '.join(parts)} }}"


def _vector_fields(meta: search_get_pb2.MetadataRequest, schema: ClassSchema) -> list[str]:
    names = list(meta.vectors)
    if meta.vector:
        if not schema.named_vectors:
            return ["vector"]
        names = list(schema.named_vectors)
    if not names:
        return []
    for name in names:
        if name in schema.multi_vectors:
            raise NoRestForm(f"the multi-vector {name!r}")
    if not schema.named_vectors and names == ["default"]:
        return ["vector"]
    return ["vectors { " + " ".join(names) + " }"]


def _additional(meta: search_get_pb2.MetadataRequest, schema: ClassSchema) -> str:
    if meta.query_profile:
        raise NoRestForm("a query profile")
    fields = ["id"]
    fields += _vector_fields(meta, schema)
    if meta.is_consistent and schema.replicated:  # GraphQL has it only then
        fields.append("isConsistent")
    for flag, name in (
        (meta.creation_time_unix, "creationTimeUnix"),
        (meta.last_update_time_unix, "lastUpdateTimeUnix"),
        (meta.distance, "distance"),
        (meta.certainty, "certainty"),
        (meta.score, "score"),
        (meta.explain_score, "explainScore"),
    ):
        if flag:
            fields.append(name)
    return "_additional { " + " ".join(fields) + " }"


def _selection(
    props: search_get_pb2.PropertiesRequest | None,
    meta: search_get_pb2.MetadataRequest,
    schema: ClassSchema,
    lookup: Lookup,
    *,
    typename: bool = False,
) -> str:
    parts: list[str] = ["__typename"] if typename else []
    if props is None or props.return_all_nonref_properties:
        parts += [_field(p) for p in schema.props.values() if not p.is_ref and p.base != "blob"]
    if props is not None:
        for name in props.non_ref_properties:
            prop = schema.prop(name)
            parts.append(_field(prop) if prop is not None else name)
        parts += [_object_field(o, schema.prop(o.prop_name)) for o in props.object_properties]
        for ref, targets in ref_targets(props, schema):
            fragments = []
            for target in targets:
                target_schema = lookup(target)
                if target_schema is None:
                    raise NoRestForm(f"the reference target {target!r} (no schema)")
                inner = _selection(
                    ref.properties if ref.HasField("properties") else None,
                    ref.metadata if ref.HasField("metadata") else _REF_META,
                    target_schema,
                    lookup,
                    typename=True,
                )
                fragments.append(f"... on {target} {{ {inner} }}")
            parts.append(f"{ref.reference_property} {{ {' '.join(fragments)} }}")
    parts.append(_additional(meta, schema))
    return " ".join(parts)


def _floats(raw: bytes) -> list[float]:
    return unpack_single(raw)


def _vector_of(vectors: Any, legacy_bytes: bytes, legacy: Any) -> tuple[dict[str, Any], str]:
    """``({"vector": [...]} or {"vectorPerTarget": {...}}, "")`` for a search's vectors."""
    if vectors:
        for v in vectors:
            if v.type == _MULTI:
                raise NoRestForm("a multi-vector query")
        named = [v for v in vectors if v.name]
        if len(vectors) == 1:
            return {"vector": _floats(vectors[0].vector_bytes)}, vectors[0].name
        if len(named) == len(vectors):
            return {"vectorPerTarget": {v.name: _floats(v.vector_bytes) for v in named}}, ""
        raise NoRestForm("several unnamed query vectors")
    if legacy_bytes:
        return {"vector": _floats(legacy_bytes)}, ""
    if len(legacy):
        return {"vector": [float(x) for x in legacy]}, ""
    return {}, ""


def _targets(targets: base_search_pb2.Targets, out: dict[str, Any]) -> None:
    if targets.combination or targets.weights_for_targets:
        raise NoRestForm("a combination of target vectors")
    if targets.target_vectors:
        out["targetVectors"] = list(targets.target_vectors)


def _selection_of(message: Any) -> None:
    if message.HasField("selection"):
        raise NoRestForm("a diversity selection (MMR)")


def near_vector_args(nv: base_search_pb2.NearVector) -> dict[str, Any]:
    """The GraphQL ``nearVector`` argument for a gRPC ``NearVector``."""
    _selection_of(nv)
    if nv.vector_for_targets or nv.vector_per_target:
        per: dict[str, Any] = {}
        for item in nv.vector_for_targets:
            vecs = list(item.vectors)
            if len(vecs) != 1 or vecs[0].type == _MULTI:
                raise NoRestForm("several vectors for one target")
            per[item.name] = _floats(vecs[0].vector_bytes)
        for name, raw in nv.vector_per_target.items():
            per[name] = _floats(raw)
        out: dict[str, Any] = {"vectorPerTarget": per}
    else:
        out, name = _vector_of(nv.vectors, nv.vector_bytes, nv.vector)
        if name and not nv.HasField("targets") and not nv.target_vectors:
            out["targetVectors"] = [name]
    if nv.HasField("certainty"):
        out["certainty"] = nv.certainty
    if nv.HasField("distance"):
        out["distance"] = nv.distance
    if nv.target_vectors:
        out["targetVectors"] = list(nv.target_vectors)
    if nv.HasField("targets"):
        _targets(nv.targets, out)
    return out


def near_object_args(no: base_search_pb2.NearObject) -> dict[str, Any]:
    """The GraphQL ``nearObject`` argument for a gRPC ``NearObject``."""
    _selection_of(no)
    out: dict[str, Any] = {"id": no.id}
    if no.HasField("certainty"):
        out["certainty"] = no.certainty
    if no.HasField("distance"):
        out["distance"] = no.distance
    if no.target_vectors:
        out["targetVectors"] = list(no.target_vectors)
    if no.HasField("targets"):
        _targets(no.targets, out)
    return out


def _move(move: base_search_pb2.NearTextSearch.Move) -> dict[str, Any]:
    out: dict[str, Any] = {"force": move.force}
    if move.concepts:
        out["concepts"] = list(move.concepts)
    if move.uuids:
        out["objects"] = [{"id": u} for u in move.uuids]
    return out


def near_text_args(nt: base_search_pb2.NearTextSearch) -> dict[str, Any]:
    """The GraphQL ``nearText`` argument for a gRPC ``NearTextSearch``."""
    _selection_of(nt)
    out: dict[str, Any] = {"concepts": list(nt.query)}
    if nt.HasField("certainty"):
        out["certainty"] = nt.certainty
    if nt.HasField("distance"):
        out["distance"] = nt.distance
    if nt.HasField("move_to"):
        out["moveTo"] = _move(nt.move_to)
    if nt.HasField("move_away"):
        out["moveAwayFrom"] = _move(nt.move_away)
    if nt.target_vectors:
        out["targetVectors"] = list(nt.target_vectors)
    if nt.HasField("targets"):
        _targets(nt.targets, out)
    return out


def _search_operator(options: base_search_pb2.SearchOperatorOptions) -> dict[str, Any]:
    operator = _BM25_OPERATOR.get(int(options.operator))
    if operator is None:
        raise NoRestForm("this keyword search operator")
    out: dict[str, Any] = {"operator": Enum(operator)}
    if options.HasField("minimum_or_tokens_match"):
        out["minimumOrTokensMatch"] = options.minimum_or_tokens_match
    return out


def _bm25(bm: base_search_pb2.BM25) -> dict[str, Any]:
    out: dict[str, Any] = {"query": bm.query}
    if bm.properties:
        out["properties"] = list(bm.properties)
    if bm.HasField("search_operator"):
        out["searchOperator"] = _search_operator(bm.search_operator)
    return out


def hybrid_args(h: base_search_pb2.Hybrid) -> dict[str, Any]:
    """The GraphQL ``hybrid`` argument for a gRPC ``Hybrid``."""
    _selection_of(h)
    out: dict[str, Any] = {"query": h.query}
    if h.use_alpha_param:
        if h.HasField("alpha_param"):
            out["alpha"] = h.alpha_param
    else:
        out["alpha"] = h.alpha
    if h.properties:
        out["properties"] = list(h.properties)
    if h.fusion_type:
        out["fusionType"] = Enum(_FUSION[int(h.fusion_type)])
    if h.HasField("vector_distance"):
        out["maxVectorDistance"] = h.vector_distance
    if h.HasField("bm25_search_operator"):
        out["bm25SearchOperator"] = _search_operator(h.bm25_search_operator)
    vector, name = _vector_of(h.vectors, h.vector_bytes, h.vector)
    if "vectorPerTarget" in vector:
        raise NoRestForm("per-target vectors in a hybrid search")
    out.update(vector)
    if name and not h.HasField("targets") and not h.target_vectors:
        out["targetVectors"] = [name]
    searches: dict[str, Any] = {}
    if h.HasField("near_text"):
        searches["nearText"] = near_text_args(h.near_text)
    if h.HasField("near_vector"):
        searches["nearVector"] = near_vector_args(h.near_vector)
    if searches:
        out["searches"] = searches
    if h.target_vectors:
        out["targetVectors"] = list(h.target_vectors)
    if h.HasField("targets"):
        _targets(h.targets, out)
    return out


_UNSUPPORTED = (
    ("rerank", "rerank"),
    ("generative", "generative search"),
    ("boost", "boost"),
    ("near_image", "near_image"),
    ("near_audio", "near_audio"),
    ("near_video", "near_video"),
    ("near_depth", "near_depth"),
    ("near_thermal", "near_thermal"),
    ("near_imu", "near_imu"),
)


def check_search(req: search_get_pb2.SearchRequest) -> None:
    """Raise :class:`NoRestForm` at once for what GraphQL ``Get`` cannot do here."""
    for name, what in _UNSUPPORTED:
        if req.HasField(name):
            raise NoRestForm(what)
    if req.HasField("metadata") and req.metadata.query_profile:
        raise NoRestForm("a query profile")
    if req.HasField("group_by"):
        _check_group_by(req)


#: Metadata a grouped GraphQL hit carries (``_additional { id vector distance }``).
_GROUP_META = frozenset({"uuid", "vector", "distance"})


def _check_group_by(req: search_get_pb2.SearchRequest) -> None:
    meta = req.metadata if req.HasField("metadata") else _REF_META
    asked = {f.name for f, v in meta.ListFields() if v}
    if asked - _GROUP_META:
        raise NoRestForm(f"group_by with {', '.join(sorted(asked - _GROUP_META))} metadata")
    if req.HasField("properties") and req.properties.ref_properties:
        raise NoRestForm("group_by with references")


def _arguments(req: search_get_pb2.SearchRequest, schema: ClassSchema, lookup: Lookup) -> str:
    check_search(req)
    args: dict[str, Any] = {}
    if req.tenant:
        args["tenant"] = req.tenant
    level = _CONSISTENCY.get(int(req.consistency_level or 0))
    if req.HasField("consistency_level") and level is not None and schema.replicated:
        # GraphQL has the argument only with replicas (with one, every level is ONE)
        args["consistencyLevel"] = Enum(level)
    if req.HasField("filters"):
        args["where"] = where_of(req.filters, schema=schema, lookup=lookup)
    if req.sort_by:
        args["sort"] = [
            {"path": list(s.path), "order": Enum("asc" if s.ascending else "desc")}
            for s in req.sort_by
        ]
    # gRPC without a limit returns the server's QUERY_DEFAULTS_LIMIT (10 unless
    # configured); GraphQL Get returns more, so the default is spelled out.
    args["limit"] = req.limit or DEFAULT_LIMIT
    if req.offset:
        args["offset"] = req.offset
    if req.after:
        args["after"] = req.after
    if req.autocut:
        args["autocut"] = req.autocut
    if req.HasField("group_by"):
        g = req.group_by
        args["groupBy"] = {
            "path": list(g.path),
            "groups": g.number_of_groups,
            "objectsPerGroup": g.objects_per_group,
        }
    if req.HasField("near_vector"):
        args["nearVector"] = near_vector_args(req.near_vector)
    if req.HasField("near_object"):
        args["nearObject"] = near_object_args(req.near_object)
    if req.HasField("near_text"):
        args["nearText"] = near_text_args(req.near_text)
    if req.HasField("bm25_search"):
        args["bm25"] = _bm25(req.bm25_search)
    if req.HasField("hybrid_search"):
        args["hybrid"] = hybrid_args(req.hybrid_search)
    if not args:
        return ""
    return "(" + ", ".join(f"{k}: {literal(v)}" for k, v in args.items()) + ")"


def get_query(req: search_get_pb2.SearchRequest, schema: ClassSchema, lookup: Lookup) -> str:
    """The GraphQL ``Get`` query doing what ``req`` does.

    Args:
        req: The gRPC request.
        schema: The schema of ``req.collection``.
        lookup: The schema of a reference's target collection.

    Raises:
        NoRestForm: ``req`` uses what GraphQL ``Get`` cannot express here.
    """
    arguments = _arguments(req, schema, lookup)
    meta = req.metadata if req.HasField("metadata") else _REF_META
    props = req.properties if req.HasField("properties") else None
    selection = _selection(props, meta, schema, lookup)
    if req.HasField("group_by"):
        hit = selection.rsplit("_additional {", 1)[0] + _additional(meta, schema)
        selection = (
            "_additional { group { id groupedBy { value path } count maxDistance "
            f"minDistance hits {{ {hit} }} }} }}"
        )
    return f"{{ Get {{ {req.collection}{arguments} {{ {selection} }} }} }}"


# ----------------------------------------------------------------------------- reply

_PV = properties_pb2.Value


def _pack(fmt: str, values: list[Any]) -> bytes:
    return struct.pack(f"<{len(values)}{fmt}", *values)


def _list_value(prop: PropSchema, items: list[Any]) -> properties_pb2.ListValue:
    base = prop.base
    out = properties_pb2.ListValue()
    if base in ("text", "string"):
        out.text_values.values.extend(items)
    elif base == "int":
        out.int_values.values = _pack("q", [int(v) for v in items])
    elif base == "number":
        out.number_values.values = _pack("d", [float(v) for v in items])
    elif base == "boolean":
        out.bool_values.values.extend(items)
    elif base == "date":
        out.date_values.values.extend(items)
    elif base == "uuid":
        out.uuid_values.values.extend(items)
    elif base == "object":
        out.object_values.values.extend(_properties(prop.nested, v) for v in items)
    else:  # pragma: no cover - the server knows no other array types
        out.text_values.values.extend(str(v) for v in items)
    return out


def _value(prop: PropSchema | None, value: Any) -> properties_pb2.Value:
    if value is None:
        return _PV(null_value=struct_pb2.NULL_VALUE)
    if prop is None:  # not in the (cached) schema: best guess from JSON
        if isinstance(value, bool):
            return _PV(bool_value=value)
        if isinstance(value, int):
            return _PV(int_value=value)
        if isinstance(value, float):
            return _PV(number_value=value)
        return _PV(text_value=str(value))
    if prop.is_array:
        return _PV(list_value=_list_value(prop, list(value)))
    base = prop.base
    if base in ("text", "string"):
        return _PV(text_value=value)
    if base == "int":
        return _PV(int_value=int(value))
    if base == "number":
        return _PV(number_value=float(value))
    if base == "boolean":
        return _PV(bool_value=value)
    if base == "date":
        return _PV(date_value=value)
    if base == "uuid":
        return _PV(uuid_value=value)
    if base == "object":
        return _PV(object_value=_properties(prop.nested, value))
    if base == "geoCoordinates":
        return _PV(
            geo_value=properties_pb2.GeoCoordinate(
                latitude=value.get("latitude") or 0.0, longitude=value.get("longitude") or 0.0
            )
        )
    if base == "phoneNumber":
        return _PV(
            phone_value=properties_pb2.PhoneNumber(
                input=value.get("input") or "",
                default_country=value.get("defaultCountry") or "",
                country_code=int(value.get("countryCode") or 0),
                national=int(value.get("national") or 0),
                national_formatted=value.get("nationalFormatted") or "",
                international_formatted=value.get("internationalFormatted") or "",
                valid=bool(value.get("valid")),
            )
        )
    if base == "blob":
        return _PV(blob_value=value)
    return _PV(text_value=str(value))  # pragma: no cover


def _properties(schema: Mapping[str, PropSchema], values: Mapping[str, Any]) -> Any:
    out = properties_pb2.Properties()
    for name, value in values.items():
        if value is None and name not in schema:
            continue
        out.fields[name].CopyFrom(_value(schema.get(name), value))
    return out


def _set_vectors(meta: search_get_pb2.MetadataResult, extra: Mapping[str, Any]) -> None:
    vector = extra.get("vector")
    if vector:
        meta.vector_bytes = _pack("f", [float(x) for x in vector])
    for name, value in (extra.get("vectors") or {}).items():
        if not value:
            continue
        if isinstance(value[0], list):
            raise NoRestForm(f"the multi-vector {name!r}")
        meta.vectors.add(
            name=name,
            vector_bytes=_pack("f", [float(x) for x in value]),
            type=base_pb2.Vectors.VECTOR_TYPE_SINGLE_FP32,
        )


def _metadata(extra: Mapping[str, Any]) -> search_get_pb2.MetadataResult:
    meta = search_get_pb2.MetadataResult(id=str(extra.get("id") or ""))
    _set_vectors(meta, extra)
    if extra.get("creationTimeUnix") is not None:
        meta.creation_time_unix = int(extra["creationTimeUnix"])
        meta.creation_time_unix_present = True
    if extra.get("lastUpdateTimeUnix") is not None:
        meta.last_update_time_unix = int(extra["lastUpdateTimeUnix"])
        meta.last_update_time_unix_present = True
    for key, name in (("distance", "distance"), ("certainty", "certainty"), ("score", "score")):
        if extra.get(key) is not None:
            setattr(meta, name, float(extra[key]))
            setattr(meta, f"{name}_present", True)
    if extra.get("explainScore") is not None:
        meta.explain_score = str(extra["explainScore"])
        meta.explain_score_present = True
    if extra.get("isConsistent") is not None:
        meta.is_consistent = bool(extra["isConsistent"])
        meta.is_consistent_present = True
    return meta


def _result_properties(
    item: Mapping[str, Any],
    collection: str,
    props: search_get_pb2.PropertiesRequest | None,
    schema: ClassSchema,
    lookup: Lookup,
) -> search_get_pb2.PropertiesResult:
    refs = {ref.reference_property: ref for ref, _ in ref_targets(props, schema)}
    values = {k: v for k, v in item.items() if k not in refs and not k.startswith("_")}
    values.pop("__typename", None)
    out = search_get_pb2.PropertiesResult(
        target_collection=collection,
        non_ref_props=_properties(schema.props, values),
        ref_props_requested=bool(refs),
    )
    for name, ref in refs.items():
        ref_result = out.ref_props.add(prop_name=name)
        for target_item in item.get(name) or []:
            target = str(target_item.get("__typename") or "")
            target_schema = lookup(target) or ClassSchema(name=target, props={})
            sub = _result_properties(
                target_item,
                target,
                ref.properties if ref.HasField("properties") else None,
                target_schema,
                lookup,
            )
            sub.metadata.CopyFrom(_metadata(target_item.get("_additional") or {}))
            ref_result.properties.append(sub)
    return out


def search_reply(
    data: Mapping[str, Any],
    req: search_get_pb2.SearchRequest,
    schema: ClassSchema,
    lookup: Lookup,
) -> search_get_pb2.SearchReply:
    """The ``SearchReply`` for the ``data`` of a GraphQL ``Get`` reply to :func:`get_query`."""
    found = (data.get("Get") or {}).get(req.collection)
    if found is None:  # the server may spell the collection differently
        found = next(iter((data.get("Get") or {}).values()), None) or []
    props = req.properties if req.HasField("properties") else None
    reply = search_get_pb2.SearchReply()
    collection = schema.name or req.collection
    if req.HasField("group_by"):
        for item in found:
            group = (item.get("_additional") or {}).get("group") or {}
            out = reply.group_by_results.add(
                name=str((group.get("groupedBy") or {}).get("value") or ""),
                min_distance=float(group.get("minDistance") or 0.0),
                max_distance=float(group.get("maxDistance") or 0.0),
                number_of_objects=int(group.get("count") or 0),
            )
            for hit in group.get("hits") or []:
                result = out.objects.add()
                result.properties.CopyFrom(
                    _result_properties(hit, collection, props, schema, lookup)
                )
                result.metadata.CopyFrom(_metadata(hit.get("_additional") or {}))
        return reply
    for item in found:
        result = reply.results.add()
        result.properties.CopyFrom(
            _result_properties(item, schema.name or req.collection, props, schema, lookup)
        )
        result.metadata.CopyFrom(_metadata(item.get("_additional") or {}))
    return reply
