"""Properties and references of a collection: builders, validation and parsing."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from weavorm.config import vocabulary
from weavorm.config._common import (
    COLLECTION_NAME_RE,
    NESTED_PROPERTY_NAME_RE,
    PROPERTY_NAME_RE,
    JSONDict,
    as_mapping,
    fail,
    freeze,
    json_bool,
    json_str,
    opt_bool,
    opt_str,
    str_tuple,
    thaw,
)
from weavorm.config.vocabulary import (
    BLOB_TYPES,
    OBJECT_TYPES,
    RANGE_TYPES,
    TEXT_TYPES,
    DataType,
    DataTypeName,
    Tokenization,
    TokenizationName,
)

__all__ = [
    "RESERVED_PROPERTY_NAMES",
    "Property",
    "ReferenceProperty",
    "TextAnalyzer",
    "validate_collection_name",
    "validate_property_name",
]

RESERVED_PROPERTY_NAMES: frozenset[str] = frozenset({"_additional", "_id", "id"})
"""Property names the server refuses (``entities/schema/validation.go``)."""

_RESERVED_SUFFIXES = (
    "_searchable",
    "_rangeable",
    "_temp",
    "__meta_count",
    "_propertyLength",
    "_nullState",
)
_SIDECAR_WORDS = ("reindex", "ingest", "backup", "map")

_NOT_NESTABLE = frozenset({DataType.GEO_COORDINATES, DataType.PHONE_NUMBER})
_BLOB_TYPES = BLOB_TYPES
_NESTED_TOKENIZATIONS = (
    Tokenization.WORD,
    Tokenization.LOWERCASE,
    Tokenization.WHITESPACE,
    Tokenization.FIELD,
)
_ANALYZER_TOKENIZATIONS = (*_NESTED_TOKENIZATIONS, Tokenization.TRIGRAM)
_BUILTIN_STOPWORD_PRESETS = ("en", "none")


def validate_collection_name(name: Any, field: str = "collection name") -> str:
    """Check a collection (class) name against the server's rules and return it.

    Args:
        name: The candidate name.
        field: How to call the value in an error message.

    Raises:
        ConfigError: The name does not match ``^[A-Z][_0-9A-Za-z]{0,254}$`` or is reserved.
    """
    if not isinstance(name, str) or COLLECTION_NAME_RE.match(name) is None:
        raise fail(
            f"invalid {field} {name!r}: it must match /^[A-Z][_0-9A-Za-z]{{0,254}}$/ "
            "(start with an uppercase letter, then letters, digits or '_')",
            field=field,
            value=name,
        )
    if name.lower() == "raft":
        raise fail(f"invalid {field} {name!r}: 'raft' is reserved", field=field, value=name)
    return name


def validate_property_name(name: Any, *, nested: bool = False) -> str:
    """Check a property name against the server's rules and return it.

    Args:
        name: The candidate name.
        nested: Whether the property is nested in an ``object`` property (looser rules).

    Raises:
        ConfigError: The name is malformed, reserved or ends in a reserved suffix.
    """
    if nested:
        if not isinstance(name, str) or NESTED_PROPERTY_NAME_RE.match(name) is None:
            raise fail(
                f"invalid nested property name {name!r}: it must match /^[_A-Za-z][_0-9A-Za-z]*$/",
                field="name",
                value=name,
            )
        return name
    if not isinstance(name, str) or PROPERTY_NAME_RE.match(name) is None:
        raise fail(
            f"invalid property name {name!r}: it must match /^[_A-Za-z][_0-9A-Za-z]{{0,230}}$/",
            field="name",
            value=name,
        )
    if name in RESERVED_PROPERTY_NAMES:
        reserved = ", ".join(repr(n) for n in sorted(RESERVED_PROPERTY_NAMES))
        raise fail(
            f"property name {name!r} is reserved (reserved names: {reserved})",
            field="name",
            value=name,
        )
    for suffix in _RESERVED_SUFFIXES:
        if name.endswith(suffix):
            raise fail(
                f"invalid property name {name!r}: the suffix {suffix!r} is reserved for "
                f"internal indexes (reserved suffixes: {', '.join(_RESERVED_SUFFIXES)})",
                field="name",
                value=name,
            )
    if "__" in name:
        tail = name[name.index("__") + 2 :]
        head, sep, gen = tail.rpartition("_")
        if sep and gen.isdigit():
            tail = head
        if tail.rpartition("_")[2] in _SIDECAR_WORDS:
            raise fail(
                f"invalid property name {name!r}: it reads as a migration working directory "
                f"('__...' ending in one of {', '.join(_SIDECAR_WORDS)})",
                field="name",
                value=name,
            )
    return name


@dataclass(frozen=True, init=False)
class TextAnalyzer:
    """Text analysis options of a ``text`` / ``text[]`` property (immutable after creation).

    Attributes:
        ascii_fold: Fold accents and diacritics (``école`` matches ``ecole``).
        ascii_fold_ignore: Single characters excluded from folding.
        stopword_preset: A stopword preset for this property (``"en"``, ``"none"`` or a
            preset defined in ``InvertedIndex(stopword_presets=...)``); needs ``word``
            tokenization.
    """

    ascii_fold: bool
    ascii_fold_ignore: tuple[str, ...] | None
    stopword_preset: str | None

    def __init__(
        self,
        *,
        ascii_fold: bool = False,
        ascii_fold_ignore: Sequence[str] | None = None,
        stopword_preset: str | None = None,
    ) -> None:
        """Create text analysis options.

        Args:
            ascii_fold: Fold accents and diacritics during indexing and search.
            ascii_fold_ignore: Characters (one each) that are not folded; needs ``ascii_fold``.
            stopword_preset: Stopword preset name for this property.

        Raises:
            ConfigError: An invalid combination or value.
        """
        fold = opt_bool(ascii_fold, "ascii_fold") or False
        ignore = str_tuple(ascii_fold_ignore, "ascii_fold_ignore")
        if ignore is not None:
            if not fold:
                raise fail(
                    "ascii_fold_ignore requires ascii_fold=True",
                    field="ascii_fold_ignore",
                    value=ignore,
                )
            for entry in ignore:
                if len(unicodedata.normalize("NFC", entry)) != 1:
                    raise fail(
                        f"each ascii_fold_ignore entry must be a single character, got {entry!r}",
                        field="ascii_fold_ignore",
                        value=entry,
                    )
        object.__setattr__(self, "ascii_fold", fold)
        object.__setattr__(self, "ascii_fold_ignore", ignore)
        object.__setattr__(self, "stopword_preset", opt_str(stopword_preset, "stopword_preset"))

    def to_dict(self) -> JSONDict:
        """Return the ``textAnalyzer`` JSON object."""
        out: JSONDict = {}
        if self.ascii_fold:
            out["asciiFold"] = True
        if self.ascii_fold_ignore is not None:
            out["asciiFoldIgnore"] = list(self.ascii_fold_ignore)
        if self.stopword_preset is not None:
            out["stopwordPreset"] = self.stopword_preset
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TextAnalyzer | None:
        """Parse a ``textAnalyzer`` JSON object; an empty one gives ``None``."""
        fold = bool(json_bool(data.get("asciiFold")))
        ignore = data.get("asciiFoldIgnore")
        preset = json_str(data.get("stopwordPreset"))
        if not fold and not ignore and preset is None:
            return None
        out = cls.__new__(cls)
        object.__setattr__(out, "ascii_fold", fold)
        object.__setattr__(
            out, "ascii_fold_ignore", tuple(str(i) for i in ignore) if ignore else None
        )
        object.__setattr__(out, "stopword_preset", preset)
        return out


@dataclass(frozen=True, init=False)
class Property:
    """A property of a collection (or a nested property of an ``object`` property).

    Attributes:
        name: The property name.
        data_type: The data type.
        description: Free-text description.
        tokenization: Tokenization of ``text`` / ``text[]`` values (``None``: server default).
        index_filterable: Build the filterable (roaring bitmap) index (``None``: default).
        index_searchable: Build the BM25 searchable index, text types only.
        index_range_filters: Build the range index, ``int`` / ``number`` / ``date`` only.
        skip_vectorization: Leave the property out of module vectorization.
        vectorize_property_name: Include the property name in module vectorization.
        nested_properties: The nested properties of an ``object`` / ``object[]`` property.
        text_analyzer: Text analysis options.
        module_config: Extra per-module property settings, by module name; they override
            ``skip_vectorization`` / ``vectorize_property_name`` for that module.
    """

    name: str
    data_type: DataType
    description: str | None
    tokenization: Tokenization | None
    index_filterable: bool | None
    index_searchable: bool | None
    index_range_filters: bool | None
    skip_vectorization: bool
    vectorize_property_name: bool
    nested_properties: tuple[Property, ...] | None
    text_analyzer: TextAnalyzer | None
    module_config: Mapping[str, Mapping[str, Any]] | None

    def __init__(
        self,
        name: str,
        data_type: DataType | DataTypeName,
        *,
        description: str | None = None,
        tokenization: Tokenization | TokenizationName | None = None,
        index_filterable: bool | None = None,
        index_searchable: bool | None = None,
        index_range_filters: bool | None = None,
        skip_vectorization: bool = False,
        vectorize_property_name: bool = False,
        nested_properties: Iterable[Property] | None = None,
        text_analyzer: TextAnalyzer | None = None,
        module_config: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """Create a property.

        Args:
            name: The property name (``/[_A-Za-z][_0-9A-Za-z]{0,230}/``, not reserved).
            data_type: One of the 18 data types, e.g. ``DataType.TEXT`` or ``"int[]"``.
            description: Free-text description.
            tokenization: Tokenization; only for ``text`` and ``text[]``.
            index_filterable: Build the filterable index.
            index_searchable: Build the searchable index; ``True`` only for text types.
            index_range_filters: Build the range index; ``True`` only for int/number/date.
            skip_vectorization: Leave the property out of module vectorization.
            vectorize_property_name: Include the property name in module vectorization.
            nested_properties: Nested properties; required for ``object`` / ``object[]``.
            text_analyzer: Text analysis options; only for indexed text properties.
            module_config: Extra per-module settings, e.g.
                ``{"text2vec-openai": {"skip": True}}``.

        Raises:
            ConfigError: An invalid name, value or combination.
        """
        name = validate_property_name(name, nested=True)
        dtype = vocabulary.data_type(data_type, field="data_type")
        tok = None if tokenization is None else vocabulary.tokenization(tokenization)
        filterable = opt_bool(index_filterable, "index_filterable")
        searchable = opt_bool(index_searchable, "index_searchable")
        ranged = opt_bool(index_range_filters, "index_range_filters")
        where = f"property {name!r}"
        if tok is not None and dtype not in TEXT_TYPES:
            raise fail(
                f"{where}: tokenization {tok.value!r} is not allowed for data type "
                f"{dtype.value!r}; only 'text' and 'text[]' are tokenized",
                field="tokenization",
                value=tok.value,
            )
        if searchable and dtype not in TEXT_TYPES:
            raise fail(
                f"{where}: index_searchable=True is not allowed for data type {dtype.value!r}; "
                "only 'text' and 'text[]' are searchable",
                field="index_searchable",
                value=True,
            )
        if ranged and dtype not in RANGE_TYPES:
            raise fail(
                f"{where}: index_range_filters=True is not allowed for data type "
                f"{dtype.value!r}; valid data types are 'int', 'number', 'date'",
                field="index_range_filters",
                value=True,
            )
        nested: tuple[Property, ...] | None = None
        if dtype in OBJECT_TYPES:
            nested = tuple(nested_properties or ())
            if not nested:
                raise fail(
                    f"{where}: data type {dtype.value!r} needs at least one nested property",
                    field="nested_properties",
                    value=nested_properties,
                )
            _check_nested(name, nested)
        elif nested_properties is not None:
            raise fail(
                f"{where}: nested_properties are only allowed for 'object' and 'object[]', "
                f"not {dtype.value!r}",
                field="nested_properties",
                value=nested_properties,
            )
        if text_analyzer is not None:
            _check_analyzer(where, dtype, tok, filterable, searchable, text_analyzer)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "data_type", dtype)
        object.__setattr__(self, "description", opt_str(description, "description"))
        object.__setattr__(self, "tokenization", tok)
        object.__setattr__(self, "index_filterable", filterable)
        object.__setattr__(self, "index_searchable", searchable)
        object.__setattr__(self, "index_range_filters", ranged)
        object.__setattr__(
            self, "skip_vectorization", bool(opt_bool(skip_vectorization, "skip_vectorization"))
        )
        object.__setattr__(
            self,
            "vectorize_property_name",
            bool(opt_bool(vectorize_property_name, "vectorize_property_name")),
        )
        object.__setattr__(self, "nested_properties", nested)
        object.__setattr__(self, "text_analyzer", text_analyzer)
        object.__setattr__(self, "module_config", _module_config(module_config))

    def skips(self, module: str) -> bool:
        """Whether the property is skipped by vectorizer ``module``."""
        cfg = (self.module_config or {}).get(module, {})
        return bool(cfg.get("skip", self.skip_vectorization))

    def to_dict(self, *, vectorizer_modules: Sequence[str] = ()) -> JSONDict:
        """Return the property JSON for ``POST /v1/schema`` or ``.../properties``.

        Args:
            vectorizer_modules: The vectorizer modules of the collection; each gets the
                property's ``skip`` / ``vectorizePropertyName`` settings.

        Raises:
            ConfigError: The name is not valid for a top-level property.
        """
        validate_property_name(self.name)
        out = self._base_dict()
        modules: dict[str, JSONDict] = {}
        for module in vectorizer_modules:
            if module == "none":
                continue
            modules[module] = {
                "skip": self.skip_vectorization,
                "vectorizePropertyName": self.vectorize_property_name,
            }
        for module, cfg in (self.module_config or {}).items():
            modules.setdefault(module, {}).update(thaw(cfg))
        if modules:
            out["moduleConfig"] = modules
        return out

    def _base_dict(self) -> JSONDict:
        out: JSONDict = {"name": self.name, "dataType": [self.data_type.value]}
        if self.description is not None:
            out["description"] = self.description
        if self.tokenization is not None:
            out["tokenization"] = self.tokenization.value
        if self.index_filterable is not None:
            out["indexFilterable"] = self.index_filterable
        if self.index_searchable is not None:
            out["indexSearchable"] = self.index_searchable
        if self.index_range_filters is not None:
            out["indexRangeFilters"] = self.index_range_filters
        if self.nested_properties is not None:
            out["nestedProperties"] = [p._base_dict() for p in self.nested_properties]
        if self.text_analyzer is not None:
            analyzer = self.text_analyzer.to_dict()
            if analyzer:
                out["textAnalyzer"] = analyzer
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Property:
        """Parse a property JSON object as returned by the server (lenient)."""
        raw_type = data.get("dataType") or ["text"]
        type_name = str(raw_type[0])
        dtype = vocabulary.data_type(type_name, field="dataType", deprecated=True)
        tok_name = json_str(data.get("tokenization"))
        nested_raw = data.get("nestedProperties") or ()
        nested = tuple(cls.from_dict(n) for n in nested_raw) if nested_raw else None
        analyzer_raw = data.get("textAnalyzer")
        analyzer = (
            TextAnalyzer.from_dict(analyzer_raw) if isinstance(analyzer_raw, Mapping) else None
        )
        skip, vpn, extra = _split_module_config(
            as_mapping(data.get("moduleConfig"), "moduleConfig")
        )
        out = cls.__new__(cls)
        values: dict[str, Any] = {
            "name": str(data.get("name", "")),
            "data_type": dtype,
            "description": json_str(data.get("description")),
            "tokenization": None
            if tok_name is None or dtype not in TEXT_TYPES
            else vocabulary.tokenization(tok_name),
            "index_filterable": json_bool(data.get("indexFilterable")),
            "index_searchable": json_bool(data.get("indexSearchable")),
            "index_range_filters": json_bool(data.get("indexRangeFilters")),
            "skip_vectorization": skip,
            "vectorize_property_name": vpn,
            "nested_properties": nested,
            "text_analyzer": analyzer,
            "module_config": extra,
        }
        for key, value in values.items():
            object.__setattr__(out, key, value)
        return out


def _module_config(
    value: Mapping[str, Mapping[str, Any]] | None,
) -> Mapping[str, Mapping[str, Any]] | None:
    if value is None:
        return None
    for module, cfg in as_mapping(value, "module_config").items():
        as_mapping(cfg, f"module_config[{module!r}]")
    frozen: Mapping[str, Mapping[str, Any]] = freeze(value)
    return frozen or None


def _split_module_config(
    raw: Mapping[str, Any],
) -> tuple[bool, bool, Mapping[str, Mapping[str, Any]] | None]:
    """Split a property ``moduleConfig`` into the common skip / name flags and the rest."""
    configs = {m: as_mapping(c, f"moduleConfig[{m!r}]") for m, c in raw.items()}
    skips = [bool(c.get("skip", False)) for c in configs.values()]
    names = [bool(c.get("vectorizePropertyName", False)) for c in configs.values()]
    skip = bool(skips) and all(skips)
    vpn = bool(names) and all(names)
    rest: dict[str, dict[str, Any]] = {}
    for module, cfg in configs.items():
        residual = dict(cfg)
        if bool(residual.get("skip", False)) == skip:
            residual.pop("skip", None)
        if bool(residual.get("vectorizePropertyName", False)) == vpn:
            residual.pop("vectorizePropertyName", None)
        if residual:
            rest[module] = residual
    frozen: Mapping[str, Mapping[str, Any]] | None = freeze(rest) if rest else None
    return skip, vpn, frozen


def _check_nested(parent: str, nested: tuple[Property, ...]) -> None:
    seen: set[str] = set()
    for child in nested:
        if not isinstance(child, Property):
            raise fail(
                f"nested properties of {parent!r} must be Property objects, got {child!r}",
                field="nested_properties",
                value=child,
            )
        path = f"{parent}.{child.name}"
        key = child.name.lower()
        if key in seen:
            raise fail(
                f"duplicate nested property name {path!r}", field="nested_properties", value=path
            )
        seen.add(key)
        if child.data_type in _NOT_NESTABLE:
            raise fail(
                f"property {path!r}: data type {child.data_type.value!r} is not allowed for a "
                "nested property",
                field="data_type",
                value=child.data_type.value,
            )
        if child.tokenization is not None and child.tokenization not in _NESTED_TOKENIZATIONS:
            valid = ", ".join(repr(t.value) for t in _NESTED_TOKENIZATIONS)
            raise fail(
                f"property {path!r}: tokenization {child.tokenization.value!r} is not allowed "
                f"for a nested property; valid choices are {valid}",
                field="tokenization",
                value=child.tokenization.value,
            )
        if child.data_type in _BLOB_TYPES and child.index_filterable:
            raise fail(
                f"property {path!r}: index_filterable=True is not allowed for nested "
                f"{child.data_type.value!r} properties",
                field="index_filterable",
                value=True,
            )
        if child.skip_vectorization or child.vectorize_property_name or child.module_config:
            raise fail(
                f"property {path!r}: vectorization settings are not supported on nested "
                "properties (set them on the top-level property)",
                field="skip_vectorization",
                value=child.skip_vectorization,
            )


def _check_analyzer(
    where: str,
    dtype: DataType,
    tok: Tokenization | None,
    filterable: bool | None,
    searchable: bool | None,
    analyzer: TextAnalyzer,
) -> None:
    if not isinstance(analyzer, TextAnalyzer):
        raise fail(
            f"{where}: text_analyzer must be a TextAnalyzer, got {analyzer!r}",
            field="text_analyzer",
            value=analyzer,
        )
    if dtype not in TEXT_TYPES:
        raise fail(
            f"{where}: text_analyzer is only allowed for 'text' and 'text[]', not {dtype.value!r}",
            field="text_analyzer",
            value=analyzer,
        )
    if filterable is False and searchable is False:
        raise fail(
            f"{where}: text_analyzer needs an inverted index (index_filterable or "
            "index_searchable)",
            field="text_analyzer",
            value=analyzer,
        )
    if tok is not None and tok not in _ANALYZER_TOKENIZATIONS:
        valid = ", ".join(repr(t.value) for t in _ANALYZER_TOKENIZATIONS)
        raise fail(
            f"{where}: text_analyzer does not support tokenization {tok.value!r}; valid "
            f"choices are {valid}",
            field="tokenization",
            value=tok.value,
        )
    if analyzer.stopword_preset is not None and tok not in (None, Tokenization.WORD):
        raise fail(
            f"{where}: a stopword_preset needs tokenization 'word', got {tok.value!r}",
            field="tokenization",
            value=tok.value,
        )


@dataclass(frozen=True, init=False)
class ReferenceProperty:
    """A cross-reference property to one or more target collections.

    Attributes:
        name: The property name.
        target_collections: The target collection names.
        description: Free-text description.
        disable_duplicated_references: ``False`` allows the same target more than once
            (``None``: server default, which forbids duplicates).
    """

    name: str
    target_collections: tuple[str, ...]
    description: str | None
    disable_duplicated_references: bool | None

    def __init__(
        self,
        name: str,
        target_collection: str | Sequence[str],
        *,
        description: str | None = None,
        disable_duplicated_references: bool | None = None,
    ) -> None:
        """Create a reference property.

        Args:
            name: The property name.
            target_collection: The target collection, or several for a multi-target reference.
            description: Free-text description.
            disable_duplicated_references: ``False`` allows duplicate references.

        Raises:
            ConfigError: An invalid name or target.
        """
        targets = (
            (target_collection,) if isinstance(target_collection, str) else tuple(target_collection)
        )
        if not targets:
            raise fail(
                f"reference {name!r} needs at least one target collection",
                field="target_collection",
                value=target_collection,
            )
        for target in targets:
            validate_collection_name(target, "target collection")
        object.__setattr__(self, "name", validate_property_name(name))
        object.__setattr__(self, "target_collections", targets)
        object.__setattr__(self, "description", opt_str(description, "description"))
        object.__setattr__(
            self,
            "disable_duplicated_references",
            opt_bool(disable_duplicated_references, "disable_duplicated_references"),
        )

    @property
    def target_collection(self) -> str:
        """The first (for single-target references: the only) target collection."""
        return self.target_collections[0]

    def to_dict(self) -> JSONDict:
        """Return the property JSON of the reference."""
        out: JSONDict = {"name": self.name, "dataType": list(self.target_collections)}
        if self.description is not None:
            out["description"] = self.description
        if self.disable_duplicated_references is not None:
            out["disableDuplicatedReferences"] = self.disable_duplicated_references
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReferenceProperty:
        """Parse a reference property JSON object as returned by the server."""
        out = cls.__new__(cls)
        object.__setattr__(out, "name", str(data.get("name", "")))
        object.__setattr__(
            out, "target_collections", tuple(str(t) for t in data.get("dataType") or ())
        )
        object.__setattr__(out, "description", json_str(data.get("description")))
        object.__setattr__(
            out, "disable_duplicated_references", json_bool(data.get("disableDuplicatedReferences"))
        )
        return out


def is_reference_json(data: Mapping[str, Any]) -> bool:
    """Whether a property JSON object describes a cross-reference."""
    types = list(data.get("dataType") or ())
    return bool(types) and isinstance(types[0], str) and types[0][:1].isupper()


def check_stopword_presets(
    properties: Iterable[Property], user_presets: Mapping[str, Any] | None
) -> None:
    """Check that every property stopword preset is built in or user-defined."""
    known = set(_BUILTIN_STOPWORD_PRESETS) | set(user_presets or {})

    def walk(props: Iterable[Property], prefix: str) -> None:
        for prop in props:
            path = f"{prefix}{prop.name}"
            preset = prop.text_analyzer.stopword_preset if prop.text_analyzer else None
            if preset is not None and preset not in known:
                choices = ", ".join(repr(k) for k in sorted(known))
                raise fail(
                    f"property {path!r}: unknown stopword preset {preset!r}; valid choices "
                    f"are {choices} (define more in InvertedIndex(stopword_presets=...))",
                    field="stopword_preset",
                    value=preset,
                )
            walk(prop.nested_properties or (), f"{path}.")

    walk(properties, "")
