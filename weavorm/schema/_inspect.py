"""Existing collections -> Python source of models: ``inspect(client, collections=None)``.

The source defines one :class:`~weavorm.Model` per collection (nested objects become
pydantic models), with ``Field(...)`` options for tokenization, index flags,
vectorization and descriptions, ``Refs[...]`` for references and a ``class Meta``
built with the :mod:`weavorm.config` factories. Settings equal to Weaviate 1.39's
defaults are left out. A collection behind an alias (after a shadow migration) is
written under its alias name; kept old versions are skipped unless named.
"""

from __future__ import annotations

import json
import keyword
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pydantic

from weavorm.config import parse_collection_config
from weavorm.config.vocabulary import ARRAY_TYPES, TEXT_TYPES, DataType, data_type, element_type
from weavorm.errors import SchemaError
from weavorm.schema._diff import property_default
from weavorm.schema._live import LiveSchema, is_reference

if TYPE_CHECKING:
    from weavorm.config import (
        GenerativeConfig,
        InvertedIndex,
        QuantizerConfig,
        Replication,
        RerankerConfig,
        VectorIndexConfig,
    )
    from weavorm.engine import WeaviateClient

__all__ = ["inspect", "render_models"]

#: The Python annotation of each element data type; ``object`` becomes a nested model
#: and the types missing here (``blobHash``) cannot be declared in a model.
_SCALARS = {
    DataType.TEXT: "str",
    DataType.INT: "int",
    DataType.NUMBER: "float",
    DataType.BOOL: "bool",
    DataType.DATE: "datetime.datetime",
    DataType.UUID: "uuid.UUID",
    DataType.GEO_COORDINATES: "GeoCoordinate",
    DataType.PHONE_NUMBER: "PhoneNumber",
    DataType.BLOB: "Blob",
}
_ODM_TYPES = ("Blob", "GeoCoordinate", "PhoneNumber")
_HNSW_DEFAULTS: dict[str, Any] = {
    "distance": "cosine",
    "ef": -1,
    "ef_construction": 128,
    "max_connections": 32,
    "dynamic_ef_min": 100,
    "dynamic_ef_max": 500,
    "dynamic_ef_factor": 8,
    "flat_search_cutoff": 40000,
    "cleanup_interval_seconds": 300,
    "vector_cache_max_objects": 1000000000000,
    "filter_strategy": "acorn",
    "skip": False,
}
_FLAT_DEFAULTS: dict[str, Any] = {"distance": "cosine", "vector_cache_max_objects": 1000000000000}
_INVERTED_DEFAULTS: dict[str, Any] = {
    "bm25_b": 0.75,
    "bm25_k1": 1.2,
    "stopwords_preset": "en",
    "stopwords_additions": None,
    "stopwords_removals": None,
    "stopword_presets": None,
    "index_timestamps": False,
    "index_null_state": False,
    "index_property_length": False,
    "cleanup_interval_seconds": 60,
    "tokenizer_user_dict": None,
    "using_block_max_wand": True,
}
_MODEL_ATTRS = frozenset(
    {
        "id",
        "vector",
        "vectors",
        "meta",
        "objects",
        "collection_name",
        "weavorm_info",
        "weaviate_properties",
        "DoesNotExist",
        "MultipleObjectsReturned",
        "Meta",
    }
)
_LINE = 88
_HEADER = "Models of existing Weaviate collections (written by ``weavorm inspect``)."


def _plain(value: Any) -> Any:
    """Enums -> values, mappings -> dicts, tuples -> lists (for ``repr``)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return getattr(value, "value", value)


def _lit(value: Any) -> str:
    """Python literal of a JSON-like value, with double-quoted strings."""
    value = _plain(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_lit(k)}: {_lit(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_lit(v) for v in value) + "]"
    return repr(value)


def _indent(text: str, spaces: int) -> str:
    """Indent every line of ``text`` but the first by ``spaces``."""
    return text.replace("\n", "\n" + " " * spaces)


def _call(name: str, args: Sequence[str], kwargs: Sequence[tuple[str, str]], column: int) -> str:
    """A call, on one line when it fits from ``column``, else one argument per line.

    The result is relative to column 0: callers indent it with :func:`_indent`.
    """
    parts = [*args, *(f"{k}={v}" for k, v in kwargs)]
    flat = f"{name}({', '.join(parts)})"
    if not parts or (column + len(flat) <= _LINE and "\n" not in flat):
        return flat
    body = "".join(f"    {_indent(p, 4)},\n" for p in parts)
    return f"{name}(\n{body})"


def _kwargs(values: Mapping[str, Any], defaults: Mapping[str, Any]) -> list[tuple[str, str]]:
    out = []
    for key, value in values.items():
        plain = _plain(value)
        if plain is None or (key in defaults and plain == defaults[key]):
            continue
        out.append((key, _lit(plain)))
    return out


class _Emitter:
    """Writes the source of all models; collects the imports they need."""

    def __init__(self, rename: Mapping[str, str]) -> None:
        self.rename = rename
        self.config_names: set[str] = set()
        self.stdlib: set[str] = set()
        self.odm: set[str] = set()
        self.weavorm: set[str] = {"Field", "Model"}
        self.pydantic = False
        self.union = False
        self.taken: set[str] = set()
        self.blocks: list[str] = []

    def cfg(self, name: str) -> str:
        self.config_names.add(name)
        return name

    def class_name(self, wanted: str) -> str:
        name = wanted
        reserved = {"Field", "Model", "Ref", "Refs", "Union", "datetime", "uuid", "pydantic"}
        reserved |= set(_ODM_TYPES)
        if keyword.iskeyword(name) or name in reserved or name in self.taken:
            base = f"{wanted}Model"
            name, n = base, 2
            while name in self.taken:
                name, n = f"{base}{n}", n + 1
        self.taken.add(name)
        return name

    # ------------------------------------------------------------------ fields

    @staticmethod
    def attr_names(props: Sequence[Mapping[str, Any]], *, nested: bool) -> dict[str, str]:
        reserved = set(dir(pydantic.BaseModel)) | ({"model_config"} if nested else _MODEL_ATTRS)
        out: dict[str, str] = {}
        used: set[str] = set()
        for prop in props:
            name = str(prop["name"])
            attr = name.lstrip("_") or "field"
            if keyword.iskeyword(attr) or attr in reserved or attr.startswith("model_"):
                attr += "_"
            while attr in used:
                attr += "_"
            used.add(attr)
            out[name] = attr
        return out

    def annotation(self, prop: Mapping[str, Any], owner: str) -> str | None:
        kind = data_type(
            (prop.get("dataType") or ["text"])[0],
            field=f"{owner}.{prop['name']} dataType",
            deprecated=True,
        )
        base, many = element_type(kind), kind in ARRAY_TYPES
        if base is DataType.OBJECT:
            inner = self.nested(prop, owner)
        elif base in _SCALARS:
            inner = _SCALARS[base]
            if inner.startswith(("datetime", "uuid")):
                self.stdlib.add(inner.split(".")[0])
            if inner in _ODM_TYPES:
                self.odm.add(inner)
        else:
            return None
        return f"list[{inner}]" if many else inner

    def nested(self, prop: Mapping[str, Any], owner: str) -> str:
        self.pydantic = True
        words = str(prop["name"]).replace("_", " ").title().replace(" ", "")
        name = self.class_name(f"{owner}{words}")
        props = list(prop.get("nestedProperties") or [])
        attrs = self.attr_names(props, nested=True)
        lines = [f"class {name}(pydantic.BaseModel):"]
        for child in props:
            lines.extend(self.field(child, attrs[child["name"]], name, nested=True, extra=[]))
        if len(lines) == 1:
            lines.append("    pass")
        self.blocks.append("\n".join(lines))
        return name

    def field(
        self,
        prop: Mapping[str, Any],
        attr: str,
        owner: str,
        *,
        nested: bool,
        extra: Sequence[tuple[str, str]],
    ) -> list[str]:
        annotation = self.annotation(prop, owner)
        raw_type = str((prop.get("dataType") or ["text"])[0])
        if annotation is None:
            return [f"    # {prop['name']}: {raw_type!r} cannot be declared in a model"]
        kwargs: list[tuple[str, str]] = []
        if data_type(raw_type, deprecated=True) in TEXT_TYPES and prop.get("tokenization"):
            kwargs.append(("tokenization", _lit(prop["tokenization"])))
        for key, arg in (
            ("indexFilterable", "index_filterable"),
            ("indexSearchable", "index_searchable"),
            ("indexRangeFilters", "index_range_filters"),
        ):
            value = prop.get(key)
            if value is not None and value != property_default(raw_type, key, nested=nested):
                kwargs.append((arg, _lit(value)))
        kwargs.extend(extra)
        if prop.get("description"):
            kwargs.append(("description", _lit(prop["description"])))
        if attr != prop["name"]:
            kwargs.append(("name", _lit(prop["name"])))
        if kwargs:
            value = _call("Field", ["None"], kwargs, 4 + len(attr) + len(annotation) + 11)
        else:
            value = "None"
        return [f"    {attr}: {annotation} | None = {_indent(value, 4)}"]

    def reference(self, prop: Mapping[str, Any], attr: str) -> list[str]:
        self.weavorm.add("Refs")
        targets = [self.rename.get(t, t) for t in prop.get("dataType") or []]
        if len(targets) == 1:
            annotation = f"Refs[{_lit(targets[0])}]"
        else:
            self.union = True
            annotation = f"Refs[Union[{', '.join(_lit(t) for t in targets)}]]"
        kwargs = [("default_factory", "list")]
        if prop.get("description"):
            kwargs.append(("description", _lit(prop["description"])))
        if attr != prop["name"]:
            kwargs.append(("name", _lit(prop["name"])))
        call = _call("Field", [], kwargs, 8 + len(attr) + len(annotation))
        return [f"    {attr}: {annotation} = {_indent(call, 4)}"]

    # ------------------------------------------------------------------ Meta

    def quantizer(self, quantizer: QuantizerConfig | None) -> str | None:
        if quantizer is None:
            return None
        kind = quantizer.kind
        if kind == "none":
            return f"{self.cfg('Quantizer')}.none()"
        fields = quantizer.__dataclass_fields__  # type: ignore[attr-defined]
        values = {k: getattr(quantizer, k) for k in fields if k != "kind"}
        # The server reports unset limits as -1, which the builders refuse.
        values = {k: v for k, v in values.items() if not (isinstance(v, int) and v < 0)}
        return _call(f"{self.cfg('Quantizer')}.{kind}", [], _kwargs(values, {}), 16)

    def vector_index(self, index: VectorIndexConfig | None, *, stage: bool = False) -> str | None:
        if index is None:
            return None
        kind = index.index_type
        fields = index.__dataclass_fields__  # type: ignore[attr-defined]
        skip = ("index_type", "quantizer", "multi_vector")
        values = {k: getattr(index, k) for k in fields if k not in skip}
        if kind in ("hnsw", "flat", "dynamic") and stage:
            values.pop("distance", None)
        defaults = {"hnsw": _HNSW_DEFAULTS, "flat": _FLAT_DEFAULTS}.get(
            kind, {"distance": "cosine"}
        )
        if kind == "dynamic":
            values.pop("hnsw", None)
            values.pop("flat", None)
        kwargs = _kwargs(values, defaults)
        if kind == "dynamic":
            for key in ("hnsw", "flat"):
                source = self.vector_index(getattr(index, key), stage=True)
                if source is not None and not source.endswith("()"):
                    kwargs.append((key, source))
        quantizer = self.quantizer(getattr(index, "quantizer", None))
        if quantizer is not None and not (kind == "hfresh" and quantizer.endswith("rq()")):
            kwargs.append(("quantizer", quantizer))
        multi = getattr(index, "multi_vector", None)
        if multi is not None:
            muvera = ""
            if multi.muvera is not None:
                muvera_values = {
                    "ksim": multi.muvera.ksim,
                    "dprojections": multi.muvera.dprojections,
                    "repetitions": multi.muvera.repetitions,
                }
                muvera = _call(self.cfg("Muvera"), [], _kwargs(muvera_values, {}), 16)
            args = [("muvera", muvera)] if muvera else []
            kwargs.append(("multi_vector", _call(self.cfg("MultiVector"), [], args, 16)))
        return _call(f"{self.cfg('VectorIndex')}.{kind}", [], kwargs, 12)

    def module_call(
        self,
        factory: str,
        name: str | None,
        module: str,
        settings: Any,
        index: str | None = None,
    ) -> str:
        args = [_lit(name)] if name is not None else []
        kwargs = [("vector_index", index)] if index and index != "VectorIndex.hnsw()" else []
        if module == "none":
            return _call(f"{factory}.none", args, kwargs, 12)
        args += [_lit(module)]
        if settings:
            args.append(_lit(settings))
        return _call(f"{factory}.custom", args, kwargs, 12)

    def vectors_meta(self, class_json: Mapping[str, Any], strip: Mapping[str, bool]) -> list[str]:
        view = parse_collection_config(class_json)
        lines: list[str] = []
        if view.vectorizer is not None:
            call = self.module_call(
                self.cfg("Vectorizer"),
                None,
                view.vectorizer.module,
                view.vectorizer.settings,
                self.vector_index(view.vector_index),
            )
            lines.append(f"        vectorizer = {_indent(call, 8)}")
            if view.vectors:
                names = ", ".join(v.name for v in view.vectors)
                lines.append(
                    f"        # named vectors {names} exist too; a model cannot declare them "
                    "next to a collection-level vector"
                )
            return lines
        if not view.vectors:
            return lines
        items = []
        for vector in view.vectors:
            settings = dict(vector.vectorizer.settings)
            if strip.get(vector.name):
                settings.pop("properties", None)
            call = self.module_call(
                self.cfg("Vectors"),
                vector.name,
                vector.module,
                settings,
                self.vector_index(vector.vector_index),
            )
            items.append(f"            {_indent(call, 12)},")
        lines.append("        vectors = [")
        lines.extend(items)
        lines.append("        ]")
        return lines

    def settings_meta(self, class_json: Mapping[str, Any]) -> list[str]:
        view = parse_collection_config(class_json)
        lines: list[str] = []
        modules: list[tuple[str, GenerativeConfig | RerankerConfig | None, str]] = [
            ("generative", view.generative, "Generative"),
            ("reranker", view.reranker, "Reranker"),
        ]
        for attr, module, factory in modules:
            if module is not None:
                call = self.module_call(self.cfg(factory), None, module.module, module.settings)
                lines.append(f"        {attr} = {_indent(call, 8)}")
        inverted = self.inverted(view.inverted_index)
        if inverted is not None:
            lines.append(f"        inverted_index = {_indent(inverted, 8)}")
        mt = view.multi_tenancy
        if mt is not None and mt.enabled:
            kwargs = _kwargs(
                {
                    "auto_tenant_creation": mt.auto_tenant_creation,
                    "auto_tenant_activation": mt.auto_tenant_activation,
                },
                {"auto_tenant_creation": False, "auto_tenant_activation": False},
            )
            call = _call(self.cfg("MultiTenancy"), ["True"], kwargs, 24)
            lines.append(f"        multi_tenancy = {_indent(call, 8)}")
        replication = self.replication(view.replication)
        if replication is not None:
            lines.append(f"        replication = {_indent(replication, 8)}")
        sharding = view.sharding
        if sharding is not None and not (mt is not None and mt.enabled):
            kwargs = []
            if sharding.virtual_per_physical not in (None, 128):
                kwargs.append(("virtual_per_physical", _lit(sharding.virtual_per_physical)))
            if sharding.desired_count not in (None, 1):
                kwargs.append(("desired_count", _lit(sharding.desired_count)))
            if kwargs:
                call = _call(self.cfg("Sharding"), [], kwargs, 19)
                lines.append(f"        sharding = {_indent(call, 8)}")
        if view.object_ttl is not None and view.object_ttl.enabled:
            lines.append("        # object TTL is set on the collection; models cannot declare it")
        if view.module_config:
            others = ", ".join(sorted(view.module_config))
            lines.append(f"        # settings of other modules cannot be declared here: {others}")
        return lines

    def inverted(self, inverted: InvertedIndex | None) -> str | None:
        if inverted is None:
            return None
        values = {k: getattr(inverted, k) for k in inverted.__dataclass_fields__}
        dicts = values.pop("tokenizer_user_dict", None)
        kwargs = _kwargs(values, _INVERTED_DEFAULTS)
        if dicts:
            items = [
                _call(
                    self.cfg("TokenizerUserDict"),
                    [_lit(d.tokenizer), _lit(dict(d.replacements))],
                    [],
                    16,
                )
                for d in dicts
            ]
            kwargs.append(("tokenizer_user_dict", f"[{', '.join(items)}]"))
        if not kwargs:
            return None
        return _call(self.cfg("InvertedIndex"), [], kwargs, 25)

    def replication(self, replication: Replication | None) -> str | None:
        if replication is None:
            return None
        kwargs = _kwargs(
            {"factor": replication.factor, "deletion_strategy": replication.deletion_strategy},
            {"factor": 1, "deletion_strategy": "TimeBasedResolution"},
        )
        if replication.async_config is not None and replication.async_config.to_dict():
            values = {
                k: getattr(replication.async_config, k)
                for k in replication.async_config.__dataclass_fields__
            }
            call = _call(self.cfg("AsyncReplication"), [], _kwargs(values, {}), 16)
            kwargs.append(("async_config", call))
        if not kwargs:
            return None
        return _call(self.cfg("Replication"), [], kwargs, 22)

    # ------------------------------------------------------------------ model

    def model(self, public: str, class_json: Mapping[str, Any]) -> None:
        name = self.class_name(public)
        props = list(class_json.get("properties") or [])
        attrs = self.attr_names(props, nested=False)
        members, strip = _vector_members(class_json)
        lines = [f"class {name}(Model):"]
        if class_json.get("description"):
            lines.append(f"    {_docstring(str(class_json['description']))}")
            lines.append("")
        modules = _per_property_modules(class_json)
        for prop in props:
            attr = attrs[prop["name"]]
            if is_reference(prop):
                lines.extend(self.reference(prop, attr))
                continue
            extra = _vectorize_args(prop, modules, members.get(str(prop["name"]), []))
            lines.extend(self.field(prop, attr, name, nested=False, extra=extra))
        if len(lines) == 1:
            lines.append("    pass")
        meta = [f"        collection = {_lit(public)}"]
        if class_json.get("description"):
            meta.append(f"        description = {_lit(class_json['description'])}")
        meta.extend(self.vectors_meta(class_json, strip))
        meta.extend(self.settings_meta(class_json))
        lines += ["", "    class Meta:", *meta]
        self.blocks.append("\n".join(lines))

    def source(self) -> str:
        head = [f'"""{_HEADER}"""', ""]
        modules = {m: f"import {m}" for m in self.stdlib}
        if self.union:
            modules["typing"] = "from typing import Union"
        imports = [modules[m] for m in sorted(modules)]
        if imports:
            head += [*imports, ""]
        if self.pydantic:
            head += ["import pydantic", ""]
        head.append(f"from weavorm import {', '.join(sorted(self.weavorm))}")
        body = "\n".join(self.blocks)
        used = sorted(n for n in self.config_names if re.search(rf"\b{n}\b", body))
        if used:
            joined = ", ".join(used)
            if len(joined) + 27 <= _LINE:
                head.append(f"from weavorm.config import {joined}")
            else:
                head += ["from weavorm.config import (", *(f"    {n}," for n in used), ")"]
        if self.odm:
            head.append(f"from weavorm.odm import {', '.join(sorted(self.odm))}")
        return "\n".join(head) + "\n\n\n" + "\n\n\n".join(self.blocks) + "\n"


def _docstring(text: str) -> str:
    return '"""' + text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '"""'


def _per_property_modules(class_json: Mapping[str, Any]) -> list[str]:
    view = parse_collection_config(class_json)
    prefixes = ("text2vec-", "text2multivec-", "text2colbert-")
    return [m for m in view.vectorizer_modules if m.startswith(prefixes)]


def _vector_members(class_json: Mapping[str, Any]) -> tuple[dict[str, list[str]], dict[str, bool]]:
    """Which named vectors each property feeds, as far as ``Field(vectorize=...)`` says it.

    Returns:
        Property -> vector names, and the vectors whose ``properties`` setting the
        fields reproduce exactly (so the setting can be left out).
    """
    props = [p["name"] for p in class_json.get("properties") or [] if not is_reference(p)]
    skipped = {
        p["name"]
        for p in class_json.get("properties") or []
        if any((c or {}).get("skip") for c in (p.get("moduleConfig") or {}).values())
    }
    members: dict[str, list[str]] = {}
    strip: dict[str, bool] = {}
    for name, cfg in (class_json.get("vectorConfig") or {}).items():
        vectorizer = cfg.get("vectorizer") or {}
        module = next(iter(vectorizer), "none")
        listed = (vectorizer.get(module) or {}).get("properties")
        if module == "none" or not listed:
            continue
        ordered = [p for p in props if p in listed]
        if list(listed) == ordered and not (set(listed) & skipped):
            strip[name] = True
            for prop in listed:
                members.setdefault(prop, []).append(name)
    return members, strip


def _vectorize_args(
    prop: Mapping[str, Any], modules: Sequence[str], vectors: Sequence[str]
) -> list[tuple[str, str]]:
    config = prop.get("moduleConfig") or {}
    entries = [config.get(m) or {} for m in modules]
    out: list[tuple[str, str]] = []
    if entries and all(e.get("skip") for e in entries):
        out.append(("vectorize", "False"))
    elif vectors:
        out.append(("vectorize", _lit(vectors[0] if len(vectors) == 1 else list(vectors))))
    if entries and all(e.get("vectorizePropertyName") for e in entries):
        out.append(("vectorize_property_name", "True"))
    return out


def render_models(
    classes: Sequence[tuple[str, Mapping[str, Any]]], *, rename: Mapping[str, str] | None = None
) -> str:
    """Python source of models for class JSON objects (no I/O).

    Args:
        classes: ``(model collection name, class JSON)`` pairs.
        rename: Collection name -> name references should use (alias targets ->
            their alias).

    Returns:
        The source of a module.
    """
    emitter = _Emitter(rename or {})
    for public, class_json in classes:
        emitter.model(public, class_json)
    return emitter.source()


def inspect(client: WeaviateClient, collections: Sequence[str] | None = None) -> str:
    """Python source of models for existing collections.

    Args:
        client: A connected client.
        collections: Collection or alias names (default: every collection in use;
            kept old versions of migrated collections are left out).

    Returns:
        The source of a module defining one model per collection; ``exec`` it (or
        save it) and :func:`~weavorm.schema.diff` against the server is empty.

    Raises:
        SchemaError: a named collection does not exist.
    """
    live = LiveSchema.read(client)
    rename = {target: alias for alias, target in live.aliases.items()}
    chosen: list[tuple[str, Mapping[str, Any]]] = []
    if collections is None:
        for current in sorted(live.current(), key=lambda n: live.public_name(n)):
            chosen.append((live.public_name(current), live.classes[current]))
    else:
        for name in collections:
            real = live.resolve(name)
            if real is None:
                known = ", ".join(sorted([*live.classes, *live.aliases])) or "(none)"
                raise SchemaError(f"no collection or alias {name!r}; known: {known}")
            public = name if name in live.aliases else live.public_name(real)
            chosen.append((public, live.classes[real]))
    return render_models(chosen, rename=rename)
