"""Decode a search reply straight into model instances (the ODM's fast read path).

``compiler.to_instance`` converts the engine's :class:`~weavorm.engine.results.Object`
values into models; for the common query (models whose fields are all plain types,
no partial selection, no grouping, no generation) that first conversion is pure
overhead. :func:`instances` reads the ``SearchReply`` once: property values go to the
model's attributes (loaded references become :class:`~weavorm.odm.refs.Ref` objects
holding their instances), the metadata to :class:`~weavorm.odm.meta.SearchMeta`, and the
instance is built without re-validation (the server's types are the model's types:
see ``compiler._trusted``). It answers None when any result needs the general path.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from weavorm._proto.v1 import search_get_pb2
from weavorm.engine._protocol import query as query_ops
from weavorm.engine._protocol.calls import Call
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.replies import (
    decode_uuid,
    decode_value,
    object_vectors,
    parse_reply,
    timestamp,
)
from weavorm.odm import compiler
from weavorm.odm.mapping import ReferenceInfo
from weavorm.odm.meta import SearchMeta
from weavorm.odm.query import Query
from weavorm.odm.refs import Ref

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["applies", "instances", "list_op", "search_meta"]

_SCALARS = frozenset({"text_value", "int_value", "number_value", "bool_value", "blob_value"})


class _Plan:
    """How to build one model from a reply: computed once per model."""

    __slots__ = ("by_name", "factories", "references", "required", "template")

    def __init__(self, model: type[Model]) -> None:
        rows = compiler._instance_plan(model.weavorm_info())
        #: Weaviate name -> (attr, plain, property info)
        self.by_name = {name: (attr, plain, prop) for attr, name, prop, plain, _ in rows}
        #: attrs without a default, with their info
        self.required = tuple((attr, prop) for attr, _, prop, _, req in rows if req)
        defaults = compiler._defaults(model) or ()
        #: every field in order with its default (the instance's ``__dict__`` to be)
        self.template = {attr: default for attr, default, _ in defaults}
        self.factories = tuple((attr, f) for attr, _, f in defaults if f is not None)
        #: Weaviate reference name -> (attr, info)
        self.references = {
            ref.name: (attr, ref) for attr, ref in model.weavorm_info().references.items()
        }


_PLANS: dict[type[Any], _Plan] = {}
_new = object.__new__
_set = object.__setattr__


def search_meta(m: search_get_pb2.MetadataResult) -> SearchMeta:
    """The :class:`SearchMeta` of one result's metadata."""
    created = timestamp(m.creation_time_unix) if m.creation_time_unix_present else None
    updated = None
    if m.last_update_time_unix_present:
        updated = timestamp(m.last_update_time_unix)
    # positional through tuple.__new__: the field order of SearchMeta
    return _tuple_new(
        SearchMeta,
        (
            m.distance if m.distance_present else None,
            m.certainty if m.certainty_present else None,
            m.score if m.score_present else None,
            (m.explain_score or None) if m.explain_score_present else None,
            m.rerank_score if m.rerank_score_present else None,
            created,
            updated,
            None,  # generated: generation takes the general path
            m.is_consistent if m.is_consistent_present else None,
            None,  # group: group_by takes the general path
        ),
    )


_tuple_new = tuple.__new__
assert SearchMeta._fields == (
    "distance",
    "certainty",
    "score",
    "explain_score",
    "rerank_score",
    "creation_time",
    "last_update_time",
    "generated",
    "is_consistent",
    "group",
)


def instances(model: type[Model], reply: search_get_pb2.SearchReply) -> list[Model] | None:
    """Model instances of a (non-grouped) reply, or None when the general path must run.

    Raises:
        StoredObjectError: a stored object lacks a required field.
    """
    out: list[Model] = []
    for result in reply.results:
        if result.HasField("generative"):
            return None
        instance = _build(model, result.properties, result.metadata)
        if instance is None:
            return None
        out.append(instance)
    return out


def _build(
    model: type[Model],
    props: search_get_pb2.PropertiesResult,
    meta: search_get_pb2.MetadataResult,
) -> Model | None:
    """One instance (its loaded references too); None when a target needs validation."""
    plan = _PLANS.get(model)
    if plan is None:
        plan = _PLANS[model] = _Plan(model)
    by_name = plan.by_name
    scalars = _SCALARS
    uuid = decode_uuid(meta)
    values: dict[str, Any] = {"id": uuid}
    fields = props.non_ref_props.fields
    for name in fields:
        entry = by_name.get(name)
        if entry is None:
            continue
        v = fields[name]
        kind = v.WhichOneof("kind")
        value = getattr(v, kind) if kind in scalars else decode_value(v)
        if value is not None:
            attr, plain, prop = entry
            values[attr] = value if plain else compiler._convert(value, prop)
    for attr, prop in plan.required:
        if attr not in values:
            if not prop.optional:
                raise compiler._missing(model, uuid, attr)
            values[attr] = None
    if props.ref_props:
        for linked in props.ref_props:
            found = plan.references.get(linked.prop_name)
            if found is None:
                continue
            attr, ref = found
            items: list[Ref[Any]] = []
            for target in linked.properties:
                target_model = _target_model(ref, target.target_collection)
                loaded = None
                if target.non_ref_props.fields or target.ref_props:
                    if not compiler._trusted(target_model):
                        return None
                    loaded = _build(target_model, target, target.metadata)
                    if loaded is None:
                        return None
                items.append(
                    Ref(
                        decode_uuid(target.metadata),
                        obj=loaded,
                        collection=target_model.collection_name(),
                    )
                )
            values[attr] = items if ref.many else (items[0] if items else None)
    if meta.vector_bytes or meta.vectors or meta.vector:
        vectors = object_vectors(meta)
        default = vectors.pop("default", None)
        if default is not None:
            values["vector"] = list(default)
        if vectors:
            values["vectors"] = vectors
    # what compiler._fast_construct does, with the plan computed once
    data = plan.template.copy()
    data.update(values)
    for attr, factory in plan.factories:
        if attr not in values:
            data[attr] = factory()
    instance = _new(model)
    _set(instance, "__dict__", data)
    _set(instance, "__pydantic_fields_set__", set(values))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", {"_search_meta": search_meta(meta)})
    return instance


def _target_model(ref: ReferenceInfo, collection: str) -> type[Model]:
    if len(ref.targets) == 1 or not collection:
        return ref.targets[0]
    for target in ref.targets:
        if target.collection_name() == collection:
            return target
    return ref.targets[0]


def applies(model: type[Model], query: Query, compiled: compiler.Compiled) -> bool:
    """Whether ``compiled`` (of ``query``) can be answered by :func:`list_op`."""
    return (
        compiled.module == "query"
        and not compiled.extra_references
        and query.group is None
        and query.only is None
        and compiler._trusted(model)
    )


def list_op(
    model: type[Model], compiled: compiler.Compiled, ctx: CollectionContext
) -> Generator[Call, Any, list[Model]]:
    """Run ``compiled`` and build the models from the reply (see :func:`applies`)."""
    op = getattr(query_ops, compiled.operation)(ctx, *compiled.args, **compiled.kwargs)
    reply = yield from query_ops.raw_reply(op)
    found = instances(model, reply)
    if found is None:  # something only the general path reads: decode it that way
        found = [compiler.to_instance(model, o) for o in parse_reply(reply).objects]
    return found
