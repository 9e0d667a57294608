"""Compile a :class:`~weavorm.odm.query.Query` into an engine search operation.

Pure: it builds the arguments of a :mod:`weavorm.engine._protocol.query` (or
``generate``) operation and converts server objects back into model instances.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import ValidationError

from weavorm.engine.filters import Filter, FilterExpression
from weavorm.engine.options import GroupBy, MetadataQuery, QueryReference, Rerank, Sort, Sorting
from weavorm.engine.results import Object
from weavorm.engine.values import GeoCoordinate, PhoneNumber
from weavorm.errors import QueryError, StoredObjectError
from weavorm.odm.lookups import LOOKUPS, Condition, FieldTarget, length_condition
from weavorm.odm.mapping import ModelInfo, PropertyInfo, ReferenceInfo
from weavorm.odm.meta import STORED_CONTEXT, SearchMeta
from weavorm.odm.q import Q
from weavorm.odm.query import GenerateSpec, Query
from weavorm.odm.refs import Ref

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["Compiled", "compile_filter", "compile_query", "to_instance"]

_SPECIAL = {"id": "id", "created_at": "created_at", "updated_at": "updated_at"}
_ALL_METADATA = MetadataQuery(
    creation_time=True,
    last_update_time=True,
    distance=True,
    certainty=True,
    score=True,
    explain_score=True,
    is_consistent=True,
)


_META_FETCH = MetadataQuery(creation_time=True, last_update_time=True)
_META_VECTOR = MetadataQuery(
    creation_time=True, last_update_time=True, distance=True, certainty=True
)
_META_KEYWORD = MetadataQuery(creation_time=True, last_update_time=True, score=True)
_EXTRA_METADATA = ("explain_score", "is_consistent", "distance", "certainty", "score")


def _metadata_for(query: Query) -> MetadataQuery:
    """The metadata a search kind produces, plus what ``with_metadata()`` asked for.

    Other fields would only cost server time (``explain_score`` is built as text).
    """
    kind = query.search.kind if query.search is not None else None
    if kind is None:
        base = _META_FETCH
    elif kind in ("bm25", "hybrid"):
        base = _META_KEYWORD
    else:
        base = _META_VECTOR
    extra = set(query.metadata)
    if query.consistency is not None:
        extra.add("is_consistent")
    if not extra:
        return base
    unknown = extra - set(_EXTRA_METADATA)
    if unknown:
        raise QueryError(
            f"with_metadata(): unknown {', '.join(sorted(unknown))}; valid: "
            f"{', '.join(_EXTRA_METADATA)}"
        )
    return replace(base, **{name: True for name in extra})


@dataclass(slots=True)
class Compiled:
    """One engine operation: ``operation`` in ``module`` (``query`` or ``generate``)."""

    module: str
    operation: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    extra_references: list[QueryReference] = field(default_factory=list)

    def describe(self) -> str:
        """A readable one-line summary."""
        parts = [repr(a) for a in self.args]
        parts += [f"{k}={v!r}" for k, v in self.kwargs.items() if v not in (None, False, ())]
        return f"{self.module}.{self.operation}({', '.join(parts)})"


def _index_flags(info: ModelInfo) -> tuple[bool, bool, bool]:
    inverted = info.options.inverted_index

    def flag(name: str) -> bool:
        return bool(getattr(inverted, name, False)) if inverted is not None else False

    return flag("index_null_state"), flag("index_property_length"), flag("index_timestamps")


def _target(info: ModelInfo, parts: list[str], label: str) -> tuple[FieldTarget, list[str]]:
    """Walk reference hops; return the target and the remaining parts (lookup name)."""
    hops: list[tuple[str, tuple[str, ...]]] = []
    current = info
    while parts:
        name = parts[0]
        if name in _SPECIAL:
            null, length, stamps = _index_flags(current)
            return (
                FieldTarget(tuple(hops), None, _SPECIAL[name], null, length, stamps, label),
                parts[1:],
            )
        found = current.by_name(name)
        if found is None:
            valid = ", ".join([*current.field_names(), "id", "created_at", "updated_at"])
            raise QueryError(
                f"{label}: {current.model.__name__} has no field {name!r}; valid fields: {valid}"
            )
        if isinstance(found, ReferenceInfo):
            rest = parts[1:]
            if not rest or rest[0] in LOOKUPS:
                # author=<obj or id> means author__id
                hops.append((found.name, found.target_collections))
                null, length, stamps = _index_flags(current)
                return FieldTarget(tuple(hops), None, "id", null, length, stamps, label), rest
            hops.append((found.name, found.target_collections))
            targets = [t.weavorm_info() for t in found.targets]
            nxt = rest[0]
            matching = [t for t in targets if t.by_name(nxt) is not None or nxt in _SPECIAL]
            if not matching:
                names = ", ".join(t.model.__name__ for t in targets)
                raise QueryError(f"{label}: reference {name!r} ({names}) has no field {nxt!r}")
            if len(found.targets) > 1:
                chosen = matching[0].collection
                others = tuple(c for c in found.target_collections if c != chosen)
                hops[-1] = (found.name, (chosen, *others))
            current = matching[0]
            parts = rest
            continue
        null, length, stamps = _index_flags(current)
        return FieldTarget(tuple(hops), found, None, null, length, stamps, label), parts[1:]
    raise QueryError(f"{label}: empty lookup")


def _condition(info: ModelInfo, key: str, value: Any) -> Condition:
    parts = key.split("__")
    target, rest = _target(info, parts, key)
    # lookups append their own name to the label: keep only the field path here
    target = replace(target, label="__".join(parts[: len(parts) - len(rest)]))
    _check_text(key, value)
    if rest[:1] == ["len"]:
        op = rest[1] if len(rest) > 1 else "exact"
        if target.prop is None:
            raise QueryError(f"{key}: len works on properties only")
        return length_condition(target, op, value)
    name = rest[0] if rest else "exact"
    if len(rest) > 1 or name not in LOOKUPS:
        raise QueryError(
            f"{key}: unknown lookup {'__'.join(rest)!r}; valid lookups: "
            f"{', '.join(sorted(LOOKUPS))}, len__<op>"
        )
    if target.special == "id" and not target.path and name not in ("exact", "ne", "in"):
        raise QueryError(f"{key}: ids support exact, ne and in")
    return LOOKUPS[name]().condition(target, _plain(value))


def _check_text(key: str, value: Any, depth: int = 0) -> None:
    """Refuse text Weaviate cannot receive (lone surrogates are not UTF-8)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise QueryError(
                f"{key}: the value has a lone surrogate ({value[exc.start : exc.end]!r} at "
                f"{exc.start}), which is not valid UTF-8 text"
            ) from None
    elif isinstance(value, list | tuple | set | frozenset) and depth < 2:
        for item in value:
            _check_text(key, item, depth + 1)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    model_id = getattr(value, "id", None)
    if isinstance(model_id, UUID) and hasattr(type(value), "collection_name"):
        return model_id
    return value


def _engine_filter(cond: Condition) -> FilterExpression:
    target = cond.target
    builder: Any
    if target.special == "id":
        if target.path:
            builder = _ref_chain(target.path[:-1])
            link, cols = target.path[-1]
            if builder is None:
                builder = (
                    Filter.by_ref_multi_target(link, cols[0])
                    if len(cols) > 1
                    else Filter.by_ref(link)
                )
            else:
                builder = builder.by_ref(link)
            builder = builder.by_id()
        else:
            builder = Filter.by_id()
    elif target.special in ("created_at", "updated_at"):
        chain = _ref_chain(target.path)
        if target.special == "created_at":
            builder = chain.by_creation_time() if chain else Filter.by_creation_time()
        else:
            builder = chain.by_update_time() if chain else Filter.by_update_time()
    else:
        assert target.prop is not None
        chain = _ref_chain(target.path)
        name = target.prop.name
        if chain is None:
            builder = Filter.by_property(name, length=cond.length)
        else:
            builder = (
                chain.by_property(name, length=cond.length)
                if cond.length
                else chain.by_property(name)
            )
    method = getattr(builder, cond.operator, None)
    if method is None:
        raise QueryError(f"{target.label}: this field does not support {cond.operator}")
    value = cond.value
    if target.special == "id" and isinstance(value, list) and cond.operator == "contains_any":
        return method(value)  # type: ignore[no-any-return]
    if cond.operator == "within_geo_range":
        lat, lon, dist = value
        return method(latitude=lat, longitude=lon, distance=dist)  # type: ignore[no-any-return]
    if cond.operator == "is_none":
        return method(bool(value))  # type: ignore[no-any-return]
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        raise QueryError(f"{target.label}: compare with a timezone-aware datetime")
    return method(value)  # type: ignore[no-any-return]


def _ref_chain(path: Sequence[tuple[str, tuple[str, ...]]]) -> Any:
    chain: Any = None
    for link, cols in path:
        if chain is None:
            chain = (
                Filter.by_ref_multi_target(link, cols[0]) if len(cols) > 1 else Filter.by_ref(link)
            )
        else:
            chain = chain.by_ref(link)
    return chain


def compile_filter(info: ModelInfo, q: Q) -> FilterExpression | None:
    """The engine filter of a ``Q`` tree (None when empty).

    Raises:
        QueryError: unknown field or lookup (naming it and the valid ones), or a lookup
            the field's tokenization or indexes cannot answer as meant.
    """
    if not q.children:
        return None
    parts: list[FilterExpression] = []
    for child in q.children:
        if isinstance(child, Q):
            sub = compile_filter(info, child)
            if sub is not None:
                parts.append(sub)
        else:
            parts.append(_engine_filter(_condition(info, child[0], child[1])))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined = (combined & part) if q.connector == "AND" else (combined | part)
    return ~combined if q.negated else combined


def _property_names(info: ModelInfo, only: tuple[str, ...] | None) -> list[Any]:
    from weavorm.engine.options import QueryNested

    props = info.properties.values()
    if only is not None:
        chosen = []
        for name in only:
            found = info.by_name(name)
            if not isinstance(found, PropertyInfo):
                raise QueryError(
                    f"only({name!r}): {info.model.__name__} has no stored field {name!r}; "
                    f"valid: {', '.join(info.properties)}"
                )
            chosen.append(found)
        props = chosen  # type: ignore[assignment]
    out: list[Any] = []
    for prop in props:
        if prop.nested:
            out.append(QueryNested(prop.name, _nested_names(prop)))
        else:
            out.append(prop.name)
    return out


def _nested_names(prop: PropertyInfo) -> list[Any]:
    from weavorm.engine.options import QueryNested

    return [QueryNested(p.name, _nested_names(p)) if p.nested else p.name for p in prop.nested]


def _references(
    info: ModelInfo,
    related: tuple[str, ...],
    prefix: str = "",
    extras: list[QueryReference] | None = None,
) -> list[QueryReference]:
    refs: list[QueryReference] = []
    wanted = {r.split("__", 1)[0]: r for r in related}
    for name in related:
        head = name.split("__", 1)[0]
        if info.by_name(head) is None or not isinstance(info.by_name(head), ReferenceInfo):
            valid = ", ".join(info.references) or "(none)"
            raise QueryError(
                f"select_related({prefix}{name!r}): {info.model.__name__} has no reference "
                f"{head!r}; references: {valid}"
            )
    for ref in info.references.values():
        deeper = tuple(
            r.split("__", 1)[1]
            for r in related
            if r.startswith(ref.attr + "__") or r.startswith(ref.name + "__")
        )
        loaded = ref.attr in wanted or ref.name in wanted or bool(deeper)
        for position, target in enumerate(ref.targets):
            tinfo = target.weavorm_info()
            # Weaviate returns one linked collection per reference property and search:
            # further targets of a multi-target reference need searches of their own.
            sink = refs if position == 0 or extras is None else extras
            if position > 0 and extras is None:
                continue
            sink.append(
                QueryReference(
                    ref.name,
                    return_properties=_property_names(tinfo, None) if loaded else [],
                    return_metadata=MetadataQuery(creation_time=True, last_update_time=True)
                    if loaded
                    else None,
                    return_references=_references(tinfo, deeper, prefix=f"{prefix}{ref.attr}__")
                    if loaded
                    else None,
                    target_collection=tinfo.collection if len(ref.targets) > 1 else None,
                )
            )
    return refs


_RETURNS: dict[
    tuple[int, tuple[str, ...] | None, tuple[str, ...]],
    tuple[list[Any], list[QueryReference], list[QueryReference]],
] = {}


def _returns(
    info: ModelInfo, only: tuple[str, ...] | None, related: tuple[str, ...]
) -> tuple[list[Any], list[QueryReference], list[QueryReference]]:
    """Return properties, references and extra references, cached per model and shape."""
    key = (id(info), only, related)
    cached = _RETURNS.get(key)
    if cached is None:
        extras: list[QueryReference] = []
        refs = _references(info, related, extras=extras) if only is None or related else []
        cached = (_property_names(info, only), refs, extras)
        if len(_RETURNS) > 4096:
            _RETURNS.clear()
        _RETURNS[key] = cached
    props, refs, extras = cached
    return list(props), list(refs), list(extras)


def _sorting(info: ModelInfo, order: tuple[tuple[str, bool], ...]) -> Sorting | None:
    sorting: Sorting | None = None
    for name, ascending in order:
        if name == "id":
            step = (
                Sort.by_id(ascending=ascending)
                if sorting is None
                else sorting.by_id(ascending=ascending)
            )
        elif name in ("created_at", "updated_at"):
            meth = "by_creation_time" if name == "created_at" else "by_update_time"
            step = getattr(Sort if sorting is None else sorting, meth)(ascending=ascending)
        else:
            found = info.by_name(name)
            if not isinstance(found, PropertyInfo):
                raise QueryError(
                    f"order_by({name!r}): {info.model.__name__} has no stored field {name!r}; "
                    f"valid: {', '.join(info.properties)}, id, created_at, updated_at"
                )
            step = (
                Sort.by_property(found.name, ascending=ascending)
                if sorting is None
                else sorting.by_property(found.name, ascending=ascending)
            )
        sorting = step
    return sorting


def compile_query(
    model: type[Model], query: Query, *, generate: GenerateSpec | None = None
) -> Compiled:
    """The engine operation answering ``query``.

    Raises:
        QueryError: a combination Weaviate cannot run, named and explained.
    """
    info = model.weavorm_info()
    kwargs: dict[str, Any] = {}
    filters = compile_filter(info, query.where)
    if filters is not None:
        kwargs["filters"] = filters
    if query.limit is not None:
        kwargs["limit"] = query.limit
    if query.offset:
        kwargs["offset"] = query.offset
    kwargs["return_properties"], refs, extras = _returns(info, query.only, query.related)
    kwargs["return_metadata"] = _metadata_for(query)
    if refs:
        kwargs["return_references"] = refs
    if query.vectors is True:
        kwargs["include_vector"] = True
    elif query.vectors:
        kwargs["include_vector"] = list(query.vectors)
    if query.group is not None:
        kwargs["group_by"] = GroupBy(
            _stored_name(info, query.group.prop, "group_by"),
            number_of_groups=query.group.groups,
            objects_per_group=query.group.per_group,
        )
    if query.rerank is not None:
        prop, rq = query.rerank
        kwargs["rerank"] = Rerank(_stored_name(info, prop, "rerank"), rq)
    if query.autocut is not None:
        if query.search is None:
            raise QueryError("autocut() needs a search: near_text, near_vector, bm25 or hybrid")
        kwargs["auto_limit"] = query.autocut
    module = "query"
    if generate is not None:
        module = "generate"
        if generate.single_prompt is not None:
            kwargs["single_prompt"] = generate.single_prompt
        if generate.grouped_task is not None:
            kwargs["grouped_task"] = generate.grouped_task
        if generate.grouped_properties is not None:
            kwargs["grouped_properties"] = [
                _stored_name(info, p, "grouped_properties") for p in generate.grouped_properties
            ]
    if query.search is None:
        if query.group is not None or query.rerank is not None:
            raise QueryError(
                "group_by() and rerank() need a search: near_text, near_vector, bm25 or hybrid"
            )
        sorting = _sorting(info, query.order)
        if sorting is not None:
            kwargs["sort"] = sorting
        if query.after is not None:
            kwargs["after"] = query.after
        return Compiled(module, "fetch_objects", (), kwargs, extras)
    if query.order:
        raise QueryError(
            "order_by() cannot be combined with a similarity or keyword search: Weaviate "
            "orders search results by relevance"
        )
    search = query.search
    kwargs.update(dict(search.kwargs))
    if "query_properties" in kwargs and kwargs["query_properties"] is not None:
        kwargs["query_properties"] = [
            _stored_name(info, p.split("^", 1)[0], search.kind)
            + (("^" + p.split("^", 1)[1]) if "^" in p else "")
            for p in kwargs["query_properties"]
        ]
    return Compiled(module, search.kind, search.args, kwargs, extras)


def _stored_name(info: ModelInfo, name: str, where: str) -> str:
    found = info.by_name(name)
    if not isinstance(found, PropertyInfo):
        raise QueryError(
            f"{where}({name!r}): {info.model.__name__} has no stored field {name!r}; "
            f"valid: {', '.join(info.properties)}"
        )
    return found.name


def _convert(value: Any, prop: PropertyInfo) -> Any:
    if value is None:
        return None
    if isinstance(value, GeoCoordinate | PhoneNumber):  # one class in engine and ODM
        return value
    if prop.nested:
        if isinstance(value, list):
            return [_convert_nested(v, prop) for v in value]
        return _convert_nested(value, prop)
    return value


def _convert_nested(value: Any, prop: PropertyInfo) -> Any:
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    fields = prop.nested_model.model_fields if prop.nested_model is not None else {}
    for nested in prop.nested:
        item = value.get(nested.name)
        if item is not None:
            out[nested.attr] = _convert(item, nested)
        elif nested.optional and nested.attr in fields and fields[nested.attr].is_required():
            out[nested.attr] = None
        # else: absent, so the field's default applies (or validation names it)
    return out


_PLAIN_TYPES = frozenset(
    {"text", "int", "number", "boolean", "date", "uuid", "blob"}
    | {f"{t}[]" for t in ("text", "int", "number", "boolean", "date", "uuid")}
)
_INSTANCE_PLANS: dict[int, list[tuple[str, str, PropertyInfo, bool, bool]]] = {}


def _instance_plan(info: ModelInfo) -> list[tuple[str, str, PropertyInfo, bool, bool]]:
    """Per property: attr, Weaviate name, info, plain (no conversion), required (no default)."""
    plan = _INSTANCE_PLANS.get(id(info))
    if plan is None:
        fields = info.model.model_fields
        plan = [
            (
                attr,
                prop.name,
                prop,
                prop.data_type in _PLAIN_TYPES and not prop.nested,
                fields[attr].is_required(),
            )
            for attr, prop in info.properties.items()
        ]
        _INSTANCE_PLANS[id(info)] = plan
    return plan


def _missing(model: type[Model], uuid: UUID, attr: str) -> StoredObjectError:
    name = model.collection_name()
    return StoredObjectError(
        f"{name} object {uuid}: stored object has no value for required field "
        f"{model.__name__}.{attr} (no default); give the field a default, make it Optional, "
        "or fill the stored objects",
        collection=name,
        object_id=uuid,
        field=attr,
    )


def _invalid(model: type[Model], obj: Object, exc: ValidationError) -> StoredObjectError:
    name = model.collection_name()
    errors = exc.errors()
    loc = ".".join(str(part) for part in errors[0]["loc"]) if errors else ""
    msg = errors[0]["msg"] if errors else str(exc)
    return StoredObjectError(
        f"{name} object {obj.uuid}: stored value of {model.__name__}.{loc or '?'} does not "
        f"fit the model: {msg}",
        collection=name,
        object_id=obj.uuid,
        field=loc or None,
    )


_TRUSTED: dict[type[Any], tuple[tuple[str, Any, Any], ...] | None] = {}
_PLAIN_PY = (str, int, float, bool, dt.datetime, UUID)


def _trusted(model: type[Model]) -> bool:
    """Whether server values fit ``model`` as decoded, so validation can be skipped.

    True when every field is a plain str/int/float/bool/datetime/UUID, a list of one,
    an optional of one, or a reference/vector field weavorm builds itself: the engine
    decodes those to exactly these types. Anything else is validated by pydantic.
    """
    return _defaults(model) is not None


def _defaults(model: type[Model]) -> tuple[tuple[str, Any, Any], ...] | None:
    if model in _TRUSTED:
        return _TRUSTED[model]
    import typing

    info = model.weavorm_info()
    out: list[tuple[str, Any, Any]] = []
    decorators = model.__pydantic_decorators__
    ok = (
        len(decorators.model_validators) <= 1  # weavorm's own (ids, naive datetimes)
        and not decorators.field_validators
        and not decorators.validators
        and not any(  # a user-defined model_post_init must run
            getattr(vars(k).get("model_post_init"), "__name__", "") == "model_post_init"
            for k in model.__mro__
            if k.__module__.split(".")[0] != "pydantic"
        )
    )
    for attr, finfo in model.model_fields.items():
        if attr in info.properties:
            annotation = finfo.annotation
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            core = (
                args[0]
                if typing.get_origin(annotation) is not list and len(args) == 1
                else annotation
            )
            if typing.get_origin(core) is list:
                inner = typing.get_args(core)
                core = inner[0] if inner else None
            if core not in _PLAIN_PY or info.properties[attr].data_type not in _PLAIN_TYPES:
                ok = False
                break
            if len(finfo.metadata) > 1 or (
                finfo.metadata and not hasattr(finfo.metadata[0], "tokenization")
            ):
                ok = False  # constraints (ge=, max_length=, ...) need validation
                break
        out.append((attr, finfo.default, finfo.default_factory))
    result = tuple(out) if ok else None
    _TRUSTED[model] = result
    return result


def _fast_construct(
    model: type[Model], values: dict[str, Any], meta: SearchMeta | None = None
) -> Model:
    """Build ``model`` from already-typed server values without re-validation.

    Uses pydantic's documented instance attributes (``__pydantic_fields_set__``,
    ``__pydantic_extra__``, ``__pydantic_private__``), as ``model_construct`` does.
    """
    defaults = _TRUSTED[model]
    assert defaults is not None
    data: dict[str, Any] = {}
    for attr, default, factory in defaults:
        if attr in values:
            data[attr] = values[attr]
        elif factory is not None:
            data[attr] = factory()
        else:
            data[attr] = default
    instance = model.__new__(model)
    object.__setattr__(instance, "__dict__", data)
    object.__setattr__(instance, "__pydantic_fields_set__", set(values))
    object.__setattr__(instance, "__pydantic_extra__", None)
    object.__setattr__(instance, "__pydantic_private__", {"_search_meta": meta})
    return instance


def to_instance(model: type[Model], obj: Object, *, partial: bool = False) -> Model:
    """A model instance from a server object (references become :class:`Ref` objects)."""
    info = model.weavorm_info()
    values: dict[str, Any] = {"id": obj.uuid}
    props = obj.properties
    for attr, name, prop, plain, required in _instance_plan(info):
        value = props.get(name)
        if value is not None:
            values[attr] = value if plain else _convert(value, prop)
        elif partial or not required:
            continue  # Weaviate stores no nulls: an absent value takes the field's default
        elif prop.optional:
            values[attr] = None
        else:
            raise _missing(model, obj.uuid, attr)
    for attr, ref in info.references.items():
        cross = obj.references.get(ref.name)
        if cross is None:
            continue
        items: list[Ref[Any]] = []
        for target_obj in cross.objects:
            target_model = _target_model(ref, target_obj)
            loaded = bool(target_obj.properties) or bool(target_obj.references)
            items.append(
                Ref(
                    target_obj.uuid,
                    obj=to_instance(target_model, target_obj) if loaded else None,
                    collection=target_model.collection_name(),
                )
            )
        values[attr] = items if ref.many else (items[0] if items else None)
    if obj.vector:
        default = obj.vector.get("default")
        if default is not None:
            values["vector"] = list(default)
        named = {k: v for k, v in obj.vector.items() if k != "default"}
        if named:
            values["vectors"] = named
    if partial:
        instance = model.model_construct(**values)
    elif _trusted(model):
        instance = _fast_construct(model, values)
    else:
        try:
            instance = model.model_validate(values, context={STORED_CONTEXT: True})
        except ValidationError as exc:
            raise _invalid(model, obj, exc) from exc
    md = obj.metadata
    instance._search_meta = SearchMeta(
        distance=md.distance,
        certainty=md.certainty,
        score=md.score,
        explain_score=md.explain_score or None,
        rerank_score=md.rerank_score,
        creation_time=md.creation_time,
        last_update_time=md.last_update_time,
        generated=obj.generated,
        is_consistent=md.is_consistent,
        group=obj.belongs_to_group,
    )
    return instance


def _target_model(ref: ReferenceInfo, obj: Object) -> type[Model]:
    if len(ref.targets) == 1 or not obj.collection:
        return ref.targets[0]
    for target in ref.targets:
        if target.collection_name() == obj.collection:
            return target
    return ref.targets[0]
