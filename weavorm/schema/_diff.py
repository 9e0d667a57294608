"""Compare models with the live schema: ``diff(client, models=None) -> Plan``.

The comparison works on class JSON: the model's (:func:`collection_config`) against
the server's (``GET /v1/schema``, aliases resolved). Rules:

* Properties, references and named vectors are compared both ways (added, removed,
  changed). Property index flags and tokenization the model leaves unset are compared
  with the server's defaults (``word``; filterable on; searchable on for text).
* Every other setting is compared only where the model sets it: a setting left at
  ``None`` means "whatever the server has", and is never reported.
* Which changes are safe follows Weaviate 1.39's update validation
  (``usecases/schema/parser.go``, ``adapters/repos/db/vector/*/config_update.go``,
  ``adapters/repos/db/inverted/config_update.go``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from weavorm.config.vocabulary import TEXT_TYPES
from weavorm.schema._build import collection_config, resolve_models
from weavorm.schema._live import LiveSchema, is_reference, prop_key, require_sync_client
from weavorm.schema._plan import Operation, Plan

if TYPE_CHECKING:
    from weavorm.engine import WeaviateClient
    from weavorm.odm.model import Model

__all__ = ["diff", "diff_schema", "property_default", "same", "subset"]

_TEXT_TYPES = TEXT_TYPES
_FLAGS = (
    ("indexFilterable", "filterable"),
    ("indexSearchable", "searchable"),
    ("indexRangeFilters", "rangeFilters"),
)
_QUANTIZERS = ("pq", "bq", "sq", "rq")
_MUTABLE_INDEX_KEYS = {
    "hnsw": frozenset(
        {
            "ef",
            "dynamicEfMin",
            "dynamicEfMax",
            "dynamicEfFactor",
            "flatSearchCutoff",
            "vectorCacheMaxObjects",
            "filterStrategy",
            "skip",
        }
    ),
    "flat": frozenset({"vectorCacheMaxObjects"}),
    "dynamic": frozenset({"threshold"}),
    "hfresh": frozenset({"searchProbe", "maxPostingSizeKB"}),
}
#: Quantizer settings that cannot change once the quantizer is on.
_FIXED_QUANTIZER_KEYS = frozenset({"bits", "centering", "segments", "centroids", "encoder"})
_INVERTED_IMMUTABLE = ("indexTimestamps", "indexNullState", "indexPropertyLength")
_INVERTED_MUTABLE = ("bm25", "stopwords", "stopwordPresets", "cleanupIntervalSeconds")


def property_default(data_type: str, key: str, *, nested: bool = False) -> Any:
    """Weaviate 1.39's default of an index flag or tokenization for a data type."""
    if key == "tokenization":
        return "word" if data_type in _TEXT_TYPES else None
    if key == "indexFilterable":
        return not (nested and data_type == "blob")
    if key == "indexSearchable":
        return data_type in _TEXT_TYPES
    return False


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def same(a: Any, b: Any) -> bool:
    """JSON equality where ``1 == 1.0`` and ``None``, ``[]`` and ``{}`` are alike."""
    if _empty(a) and _empty(b):
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if _number(a) and _number(b):
        return float(a) == float(b)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        keys = set(a) | set(b)
        return all(same(a.get(k), b.get(k)) for k in keys)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def subset(expected: Any, current: Any) -> bool:
    """Whether every key of ``expected`` (recursively) has the same value in ``current``."""
    if isinstance(expected, Mapping):
        if _empty(expected):
            return True
        if not isinstance(current, Mapping):
            return False
        return all(subset(v, current.get(k)) for k, v in expected.items())
    return same(expected, current)


def _show(value: Any) -> str:
    if isinstance(value, list) and len(value) == 1:
        return repr(value[0])
    return repr(value)


class _Differ:
    """Collects the operations of one collection."""

    def __init__(self, name: str, expected: Mapping[str, Any], current: Mapping[str, Any]):
        self.name = name
        self.exp = expected
        self.cur = current
        self.ops: list[Operation] = []

    def add(
        self,
        kind: str,
        detail: str,
        *,
        safe: bool,
        target: str | None = None,
        **payload: Any,
    ) -> None:
        self.ops.append(Operation(kind, self.name, detail, safe, target, payload))

    def update(self, detail: str, path: tuple[str, ...], value: Any, target: str) -> None:
        self.add("update_config", detail, safe=True, target=target, set=[(path, value)])

    # ------------------------------------------------------------------ properties

    def properties(self) -> None:
        exp = {prop_key(p["name"]): p for p in self.exp.get("properties") or []}
        cur = {prop_key(p["name"]): p for p in self.cur.get("properties") or []}
        for key, prop in exp.items():
            if key not in cur:
                if is_reference(prop):
                    targets = ", ".join(prop["dataType"])
                    self.add(
                        "add_reference",
                        f"add reference {prop['name']!r} -> {targets}",
                        safe=True,
                        target=prop["name"],
                        property=prop,
                    )
                else:
                    self.add(
                        "add_property",
                        f"add property {prop['name']!r} ({prop['dataType'][0]})",
                        safe=True,
                        target=prop["name"],
                        property=prop,
                    )
        for key, prop in cur.items():
            if key not in exp:
                what = "reference" if is_reference(prop) else "property"
                self.add(
                    "remove_property",
                    f"remove {what} {prop['name']!r} (its data is dropped)",
                    safe=False,
                    target=prop["name"],
                )
        for key, prop in exp.items():
            if key in cur:
                self.property(prop, cur[key])

    def property(self, exp: Mapping[str, Any], cur: Mapping[str, Any]) -> None:
        name = str(cur["name"])
        exp_types = list(exp.get("dataType") or [])
        cur_types = list(cur.get("dataType") or [])
        if is_reference(exp) and is_reference(cur):
            if sorted(exp_types) != sorted(cur_types):
                self.add(
                    "change_reference_targets",
                    f"change targets of reference {name!r}: {', '.join(cur_types)} -> "
                    f"{', '.join(exp_types)}",
                    safe=False,
                    target=name,
                )
            self.description(exp, cur)
            return
        if exp_types != cur_types:
            self.add(
                "change_data_type",
                f"change data type of {name!r}: {_show(cur_types)} -> {_show(exp_types)}",
                safe=False,
                target=name,
                old=cur_types,
                new=exp_types,
            )
            return
        data_type = str(cur_types[0])
        self.scalar_settings(name, data_type, exp, cur, nested=False)
        if data_type.startswith("object"):
            problems = _nested_differences(
                exp.get("nestedProperties") or [], cur.get("nestedProperties") or [], name
            )
            if problems:
                self.add(
                    "change_nested_properties",
                    f"change nested properties of {name!r}: {'; '.join(problems)}",
                    safe=False,
                    target=name,
                )
        self.vectorization(name, exp, cur)
        self.description(exp, cur)

    def scalar_settings(
        self,
        name: str,
        data_type: str,
        exp: Mapping[str, Any],
        cur: Mapping[str, Any],
        *,
        nested: bool,
    ) -> None:
        if data_type in _TEXT_TYPES:
            want = exp.get("tokenization") or property_default(data_type, "tokenization")
            have = cur.get("tokenization") or property_default(data_type, "tokenization")
            if want != have:
                self.add(
                    "change_tokenization",
                    f"change tokenization of {name!r}: {have!r} -> {want!r}",
                    safe=False,
                    target=name,
                )
        for key, index in _FLAGS:
            want = exp.get(key)
            want = property_default(data_type, key, nested=nested) if want is None else want
            have = cur.get(key)
            have = property_default(data_type, key, nested=nested) if have is None else have
            if bool(want) == bool(have):
                continue
            if not want:
                self.add(
                    "drop_index",
                    f"drop the {index} index of {name!r}",
                    safe=True,
                    target=name,
                    index=index,
                )
            else:
                self.add(
                    "change_index_flag",
                    f"build the {index} index of {name!r} (Weaviate cannot add an index to "
                    "existing data in place)",
                    safe=False,
                    target=name,
                    index=index,
                )

    def vectorization(self, name: str, exp: Mapping[str, Any], cur: Mapping[str, Any]) -> None:
        exp_modules = exp.get("moduleConfig") or {}
        cur_modules = cur.get("moduleConfig") or {}
        for module, settings in exp_modules.items():
            have = {"skip": False, "vectorizePropertyName": False}
            have.update(cur_modules.get(module) or {})
            for key, value in settings.items():
                if not same(value, have.get(key)):
                    self.add(
                        "change_property_vectorization",
                        f"change {module} {key} of {name!r}: {have.get(key)!r} -> {value!r}",
                        safe=False,
                        target=name,
                    )

    def description(self, exp: Mapping[str, Any], cur: Mapping[str, Any]) -> None:
        want = exp.get("description")
        if want is not None and want != (cur.get("description") or ""):
            name = str(cur["name"])
            self.add(
                "update_description",
                f"set the description of {name!r}",
                safe=True,
                target=name,
                property_description=(name, want),
            )

    # ------------------------------------------------------------------ vectors

    def vectors(self) -> None:
        exp_legacy = "vectorizer" in self.exp or "vectorIndexType" in self.exp
        cur_legacy = bool(self.cur.get("vectorizer")) or bool(self.cur.get("vectorIndexType"))
        exp_named = self.exp.get("vectorConfig") or {}
        cur_named = self.cur.get("vectorConfig") or {}
        if exp_named and cur_legacy:
            self.add(
                "change_vectorizer",
                "switch from the collection-level vector to named vectors "
                f"({', '.join(exp_named)})",
                safe=False,
                target="default",
            )
            return
        if exp_legacy and not cur_legacy:
            self.add(
                "change_vectorizer",
                f"switch from named vectors ({', '.join(cur_named) or 'none'}) to a "
                "collection-level vector",
                safe=False,
                target="default",
            )
            return
        if exp_legacy:
            self.legacy_vector()
            for vector in cur_named:
                self.add(
                    "remove_named_vector",
                    f"remove named vector {vector!r}",
                    safe=False,
                    target=vector,
                )
        if not exp_named:
            return
        for vector, config in exp_named.items():
            if vector not in cur_named:
                module = next(iter(config.get("vectorizer") or {"none": {}}))
                self.add(
                    "add_named_vector",
                    f"add named vector {vector!r} ({module}; existing objects get no "
                    f"{vector!r} vector until they are written again)",
                    safe=True,
                    target=vector,
                    vector=vector,
                    config=config,
                )
        for vector in cur_named:
            if vector not in exp_named:
                self.add(
                    "remove_named_vector",
                    f"remove named vector {vector!r} (its vectors are dropped)",
                    safe=False,
                    target=vector,
                )
        for vector, config in exp_named.items():
            if vector in cur_named:
                self.named_vector(vector, config, cur_named[vector])

    def legacy_vector(self) -> None:
        module = self.exp.get("vectorizer")
        have = self.cur.get("vectorizer")
        if module is not None and module != have:
            self.add(
                "change_vectorizer",
                f"change the vectorizer: {have!r} -> {module!r} (every object is re-vectorized)",
                safe=False,
                target="default",
            )
        elif module is not None:
            exp_settings = (self.exp.get("moduleConfig") or {}).get(module) or {}
            cur_settings = (self.cur.get("moduleConfig") or {}).get(module) or {}
            if not subset(exp_settings, cur_settings):
                self.add(
                    "change_vectorizer",
                    f"change the {module} settings: {_changed(exp_settings, cur_settings)}",
                    safe=False,
                    target="default",
                )
        self.vector_index(
            "the vector index",
            self.exp.get("vectorIndexType"),
            self.exp.get("vectorIndexConfig"),
            self.cur.get("vectorIndexType") or "hnsw",
            self.cur.get("vectorIndexConfig") or {},
            ("vectorIndexConfig",),
        )

    def named_vector(self, vector: str, exp: Mapping[str, Any], cur: Mapping[str, Any]) -> None:
        exp_vec = exp.get("vectorizer") or {}
        cur_vec = cur.get("vectorizer") or {}
        exp_module = next(iter(exp_vec), "none")
        cur_module = next(iter(cur_vec), "none")
        if exp_module != cur_module:
            self.add(
                "change_vectorizer",
                f"change the vectorizer of {vector!r}: {cur_module!r} -> {exp_module!r}",
                safe=False,
                target=vector,
            )
        elif not subset(exp_vec.get(exp_module) or {}, cur_vec.get(cur_module) or {}):
            changed = _changed(exp_vec.get(exp_module) or {}, cur_vec.get(cur_module) or {})
            self.add(
                "change_vectorizer",
                f"change the {exp_module} settings of {vector!r}: {changed}",
                safe=False,
                target=vector,
            )
        self.vector_index(
            f"vector {vector!r}",
            exp.get("vectorIndexType"),
            exp.get("vectorIndexConfig"),
            cur.get("vectorIndexType") or "hnsw",
            cur.get("vectorIndexConfig") or {},
            ("vectorConfig", vector, "vectorIndexConfig"),
        )

    def vector_index(
        self,
        where: str,
        exp_type: str | None,
        exp: Mapping[str, Any] | None,
        cur_type: str,
        cur: Mapping[str, Any],
        path: tuple[str, ...],
    ) -> None:
        if exp_type is not None and exp_type != cur_type:
            self.add(
                "change_vector_index",
                f"change the index type of {where}: {cur_type!r} -> {exp_type!r}",
                safe=False,
                target=where,
            )
            return
        target = path[1] if path[0] == "vectorConfig" else "default"
        enabled = [k for k in _QUANTIZERS if (cur.get(k) or {}).get("enabled")]
        for key, want in (exp or {}).items():
            have = cur.get(key)
            if key in _QUANTIZERS and isinstance(want, Mapping):
                self.quantizer(where, cur_type, key, want, have or {}, enabled, path, target)
            elif key == "skipDefaultQuantization":
                if want and not have and enabled:
                    self.add(
                        "change_vector_index",
                        f"{where}: turn off the {enabled[0]} quantizer (not possible in place)",
                        safe=False,
                        target=target,
                    )
            elif key == "multivector":
                if not subset(want, have or {}):
                    self.add(
                        "change_vector_index",
                        f"{where}: change the multi-vector settings",
                        safe=False,
                        target=target,
                    )
            elif cur_type == "dynamic" and key in ("hnsw", "flat") and isinstance(want, Mapping):
                self.vector_index(
                    f"{where} ({key} stage)", None, want, key, have or {}, (*path, key)
                )
            elif same(want, have):
                continue
            elif key in _MUTABLE_INDEX_KEYS.get(cur_type, frozenset()):
                self.update(f"{where}: set {key} {have!r} -> {want!r}", (*path, key), want, target)
            else:
                self.add(
                    "change_vector_index",
                    f"{where}: change {key} {have!r} -> {want!r} (immutable)",
                    safe=False,
                    target=target,
                )

    def quantizer(
        self,
        where: str,
        index_type: str,
        kind: str,
        want: Mapping[str, Any],
        have: Mapping[str, Any],
        enabled: Sequence[str],
        path: tuple[str, ...],
        target: str,
    ) -> None:
        always_on = index_type == "hfresh"
        if not always_on and enabled and kind not in enabled:
            self.add(
                "change_vector_index",
                f"{where}: switch the quantizer {enabled[0]!r} -> {kind!r}",
                safe=False,
                target=target,
            )
            return
        if not always_on and not have.get("enabled"):
            if index_type == "hnsw":
                self.update(f"{where}: turn on the {kind} quantizer", (*path, kind), want, target)
            else:
                self.add(
                    "change_vector_index",
                    f"{where}: turn on the {kind} quantizer (a {index_type!r} index cannot "
                    "get one in place)",
                    safe=False,
                    target=target,
                )
            return
        fixed = [k for k in want if k in _FIXED_QUANTIZER_KEYS and not same(want[k], have.get(k))]
        if fixed:
            self.add(
                "change_vector_index",
                f"{where}: change {kind} {', '.join(fixed)} (immutable once on)",
                safe=False,
                target=target,
            )
            return
        if not subset(want, have):
            self.update(
                f"{where}: retune the {kind} quantizer: {_changed(want, have)}",
                (*path, kind),
                want,
                target,
            )

    # ------------------------------------------------------------------ collection settings

    def modules(self) -> None:
        exp_modules = self.exp.get("moduleConfig") or {}
        cur_modules = self.cur.get("moduleConfig") or {}
        for prefix, label in (("generative-", "generative"), ("reranker-", "reranker")):
            for module, settings in exp_modules.items():
                if not module.startswith(prefix):
                    continue
                have = cur_modules.get(module)
                if have is not None and subset(settings, have):
                    continue
                current = next((m for m in cur_modules if m.startswith(prefix)), None)
                change = f"{current} -> {module}" if current and current != module else module
                self.add(
                    "update_config",
                    f"set the {label} module: {change}",
                    safe=True,
                    target=label,
                    module=(prefix, module, settings),
                )

    def inverted_index(self) -> None:
        exp = self.exp.get("invertedIndexConfig") or {}
        cur = self.cur.get("invertedIndexConfig") or {}
        for key in _INVERTED_IMMUTABLE:
            if bool(exp.get(key)) != bool(cur.get(key)):
                self.add(
                    "change_inverted_index",
                    f"change {key}: {bool(cur.get(key))} -> {bool(exp.get(key))} (immutable)",
                    safe=False,
                    target=key,
                )
        for key, want in exp.items():
            if key in _INVERTED_IMMUTABLE or subset(want, cur.get(key)):
                continue
            if key in _INVERTED_MUTABLE:
                value = want
                if isinstance(want, Mapping):
                    value = {**(cur.get(key) or {}), **want}
                self.update(
                    f"set inverted index {key}: {_changed(want, cur.get(key))}",
                    ("invertedIndexConfig", key),
                    value,
                    key,
                )
            else:
                self.add(
                    "change_inverted_index",
                    f"change inverted index {key}: {cur.get(key)!r} -> {want!r} (immutable)",
                    safe=False,
                    target=key,
                )

    def settings(self) -> None:
        exp_mt = self.exp.get("multiTenancyConfig") or {}
        cur_mt = self.cur.get("multiTenancyConfig") or {}
        if bool(exp_mt.get("enabled")) != bool(cur_mt.get("enabled")):
            state = "on" if exp_mt.get("enabled") else "off"
            self.add(
                "change_multi_tenancy",
                f"turn multi-tenancy {state} (immutable)",
                safe=False,
                target="multiTenancyConfig",
            )
        elif exp_mt.get("enabled"):
            for key in ("autoTenantCreation", "autoTenantActivation"):
                if key in exp_mt and not same(exp_mt[key], cur_mt.get(key) or False):
                    self.update(
                        f"set {key} -> {exp_mt[key]!r}",
                        ("multiTenancyConfig", key),
                        exp_mt[key],
                        key,
                    )
        exp_rep = self.exp.get("replicationConfig") or {}
        cur_rep = self.cur.get("replicationConfig") or {}
        for key, want in exp_rep.items():
            if not subset(want, cur_rep.get(key)):
                value = {**(cur_rep.get(key) or {}), **want} if isinstance(want, Mapping) else want
                self.update(
                    f"set replication {key}: {_changed(want, cur_rep.get(key))}",
                    ("replicationConfig", key),
                    value,
                    key,
                )
        if not cur_mt.get("enabled"):
            exp_shard = self.exp.get("shardingConfig") or {}
            cur_shard = self.cur.get("shardingConfig") or {}
            for key, want in exp_shard.items():
                if not same(want, cur_shard.get(key)):
                    self.add(
                        "change_sharding",
                        f"change sharding {key}: {cur_shard.get(key)!r} -> {want!r} (immutable)",
                        safe=False,
                        target=key,
                    )
        want_desc = self.exp.get("description")
        if want_desc is not None and want_desc != (self.cur.get("description") or ""):
            self.add(
                "update_description",
                "set the collection description",
                safe=True,
                target="description",
                description=want_desc,
            )

    def run(self) -> list[Operation]:
        self.properties()
        self.vectors()
        self.modules()
        self.inverted_index()
        self.settings()
        return self.ops


def _changed(want: Any, have: Any) -> str:
    if isinstance(want, Mapping):
        have_map = have if isinstance(have, Mapping) else {}
        parts = [
            f"{k} {have_map.get(k)!r} -> {v!r}"
            for k, v in want.items()
            if not subset(v, have_map.get(k))
        ]
        return ", ".join(parts) or "changed"
    return f"{have!r} -> {want!r}"


def _nested_differences(
    exp: Sequence[Mapping[str, Any]], cur: Sequence[Mapping[str, Any]], path: str
) -> list[str]:
    out: list[str] = []
    exp_map = {p["name"]: p for p in exp}
    cur_map = {p["name"]: p for p in cur}
    for name in exp_map:
        if name not in cur_map:
            out.append(f"add {path}.{name}")
    for name in cur_map:
        if name not in exp_map:
            out.append(f"remove {path}.{name}")
    for name, want in exp_map.items():
        have = cur_map.get(name)
        if have is None:
            continue
        here = f"{path}.{name}"
        want_type = list(want.get("dataType") or [])
        have_type = list(have.get("dataType") or [])
        if want_type != have_type:
            out.append(f"{here} data type {_show(have_type)} -> {_show(want_type)}")
            continue
        data_type = str(have_type[0])
        keys = ["tokenization"] if data_type in _TEXT_TYPES else []
        keys += [key for key, _ in _FLAGS]
        for key in keys:
            w = want.get(key)
            w = property_default(data_type, key, nested=True) if w is None else w
            h = have.get(key)
            h = property_default(data_type, key, nested=True) if h is None else h
            if w != h:
                out.append(f"{here} {key} {h!r} -> {w!r}")
        if data_type.startswith("object"):
            out.extend(
                _nested_differences(
                    want.get("nestedProperties") or [], have.get("nestedProperties") or [], here
                )
            )
    return out


def compare_collection(
    name: str, expected: Mapping[str, Any], current: Mapping[str, Any]
) -> list[Operation]:
    """The operations turning the live class JSON ``current`` into ``expected`` (no I/O)."""
    return _Differ(name, expected, current).run()


_compare = compare_collection


def _create(model: type[Model], expected: Mapping[str, Any]) -> Operation:
    props = [p for p in expected.get("properties") or [] if not is_reference(p)]
    refs = [p for p in expected.get("properties") or [] if is_reference(p)]
    vectors = list(expected.get("vectorConfig") or {})
    parts = [f"{len(props)} propert{'y' if len(props) == 1 else 'ies'}"]
    if refs:
        parts.append(f"{len(refs)} reference{'s' if len(refs) != 1 else ''}")
    if vectors:
        parts.append(f"named vectors {', '.join(vectors)}")
    elif expected.get("vectorizer"):
        parts.append(f"vectorizer {expected['vectorizer']}")
    return Operation(
        "create_collection",
        model.collection_name(),
        f"create collection ({'; '.join(parts)})",
        True,
        None,
        {"model": model},
    )


def diff_schema(models: Sequence[type[Model]], live: LiveSchema) -> Plan:
    """Compare ``models`` with an already-read live schema (no I/O).

    Args:
        models: The model classes.
        live: The server's schema and aliases.

    Returns:
        The plan; see :func:`diff`.

    Raises:
        SchemaError: a model cannot be expressed as a collection.
    """
    plan = Plan()
    managed: dict[str, str] = {}
    for model in models:
        name = model.collection_name()
        expected = live.resolve_targets(collection_config(model))
        real = live.resolve(name)
        if real is None:
            plan.operations.append(_create(model, expected))
            continue
        managed[real] = name
        plan.operations.extend(_compare(name, expected, live.classes[real]))
    _cascade(plan, live, managed)
    return plan


def _cascade(plan: Plan, live: LiveSchema, managed: Mapping[str, str]) -> None:
    """Add the collections whose references point into a collection being copied."""
    by_name = {name: real for real, name in managed.items()}
    moving = {by_name[op.collection] for op in plan.operations if not op.safe}
    pending = list(moving)
    while pending:
        real = pending.pop()
        for other in live.current():
            if other in moving:
                continue
            props = [
                p["name"]
                for p in live.classes[other].get("properties") or []
                if is_reference(p) and real in (p.get("dataType") or [])
            ]
            if not props:
                continue
            public = live.public_name(real)
            refs = ", ".join(repr(p) for p in props)
            if other in managed:
                plan.operations.append(
                    Operation(
                        "retarget_references",
                        managed[other],
                        f"copy it too: its references {refs} point into {public}, which is "
                        "copied to a new version",
                        False,
                        ", ".join(props),
                    )
                )
                moving.add(other)
                pending.append(other)
            else:
                plan.operations.append(
                    Operation(
                        "inbound_references",
                        live.public_name(other),
                        f"its references {refs} point into {public}; it has no model here, so "
                        f"migrating {public} would break them (add its model to the migration)",
                        False,
                        ", ".join(props),
                    )
                )
                moving.add(other)


def diff(client: WeaviateClient, models: Sequence[type[Model]] | None = None) -> Plan:
    """Compare models with the live schema of the server ``client`` talks to.

    A collection reached through an alias (after a shadow migration, alias ``Name`` ->
    collection ``Name_v2``) is compared through its alias.

    Args:
        client: A connected client.
        models: The models to compare (default: every registered model).

    Returns:
        The :class:`Plan`: ``plan.operations`` lists each difference with its ``kind``,
        ``collection``, ``detail`` and ``safe`` flag; an empty plan is falsy.

    Raises:
        SchemaError: a model cannot be expressed as a collection.
    """
    require_sync_client(client, "diff")
    return diff_schema(resolve_models(models), LiveSchema.read(client))
