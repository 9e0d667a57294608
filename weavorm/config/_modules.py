"""Module configurations: the typed carriers of vectorizer, generative and reranker settings.

Every module factory (``Vectorizer.text2vec_openai(...)``, ``Generative.openai(...)``,
``Reranker.cohere(...)``) validates its arguments and returns one of the frozen carriers
below: the Weaviate module name plus its settings exactly as they appear in the class
JSON (camelCase keys). Parsing a class JSON gives the same carriers back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from weavorm.config._common import JSONDict, check_str, drop_none, fail, freeze, thaw
from weavorm.config._vector_index import VectorIndexConfig

__all__ = [
    "MULTI_VECTOR_MODULES",
    "ModuleConfig",
    "RerankerConfig",
    "VectorizerConfig",
    "settings",
]

MULTI_VECTOR_MODULES: frozenset[str] = frozenset(
    {
        "text2multivec-jinaai",
        "text2colbert-jinaai",
        "multi2multivec-jinaai",
        "multi2multivec-weaviate",
    }
)
"""Vectorizer modules that produce multi-vectors (ColBERT style)."""

MODULE_ALIASES: Mapping[str, str] = {
    "text2vec-palm": "text2vec-google",
    "multi2vec-palm": "multi2vec-google",
    "generative-palm": "generative-google",
    "text2colbert-jinaai": "text2multivec-jinaai",
}
"""Legacy module names the server still accepts, mapped to their 1.39 names."""


def settings(**values: Any) -> JSONDict:
    """Collect module settings, dropping the ones left at ``None``."""
    return drop_none(values)


@dataclass(frozen=True, init=False)
class ModuleConfig:
    """A Weaviate module and its settings.

    Attributes:
        module: The module name, e.g. ``"text2vec-openai"``.
        settings: The module settings, keyed as in the class JSON (read-only).
    """

    module: str
    settings: Mapping[str, Any]

    def __init__(self, module: str, settings: Mapping[str, Any] | None = None) -> None:
        """Create a module configuration.

        Args:
            module: The module name.
            settings: The module settings as they appear in the class JSON.

        Raises:
            ConfigError: An empty module name or non-object settings.
        """
        check_str(module, "module")
        if settings is not None and not isinstance(settings, Mapping):
            raise fail(
                f"settings of module {module!r} must be a mapping, got {settings!r}",
                field="settings",
                value=settings,
            )
        object.__setattr__(self, "module", module)
        object.__setattr__(self, "settings", freeze(dict(settings or {})))

    def get(self, key: str, default: Any = None) -> Any:
        """Return one setting (plain JSON containers), or ``default``."""
        if key in self.settings:
            return thaw(self.settings[key])
        return default

    def settings_dict(self) -> JSONDict:
        """Return the settings as a plain (mutable) JSON object."""
        result: JSONDict = thaw(self.settings)
        return result

    @property
    def canonical_module(self) -> str:
        """The module name with legacy aliases (``*-palm``, ``text2colbert-*``) resolved."""
        return MODULE_ALIASES.get(self.module, self.module)


@dataclass(frozen=True, init=False)
class VectorizerConfig(ModuleConfig):
    """A vectorizer module, its settings and (optionally) the vector index it feeds.

    Attributes:
        vector_index: The vector index configuration (``None``: server default).
    """

    vector_index: VectorIndexConfig | None

    def __init__(
        self,
        module: str,
        settings: Mapping[str, Any] | None = None,
        *,
        vector_index: VectorIndexConfig | None = None,
    ) -> None:
        """Create a vectorizer configuration.

        Args:
            module: The module name, or ``"none"`` for self-provided vectors.
            settings: The module settings as they appear in the class JSON.
            vector_index: The vector index configuration.

        Raises:
            ConfigError: An invalid module name, settings or vector index.
        """
        super().__init__(module, settings)
        if vector_index is not None:
            if not isinstance(vector_index, VectorIndexConfig):
                raise fail(
                    "vector_index must be built with VectorIndex.hnsw/flat/dynamic/hfresh, "
                    f"got {vector_index!r}",
                    field="vector_index",
                    value=vector_index,
                )
            if vector_index.multi_vector_enabled and module not in ("none", *MULTI_VECTOR_MODULES):
                raise fail(
                    f"module {module!r} produces single vectors; a multi-vector index needs "
                    f"'none' (self-provided) or one of {', '.join(sorted(MULTI_VECTOR_MODULES))}",
                    field="vector_index",
                    value=vector_index,
                )
            if module in MULTI_VECTOR_MODULES and vector_index.index_type != "hnsw":
                raise fail(
                    f"module {module!r} produces multi-vectors, which only the 'hnsw' index "
                    f"supports, not {vector_index.index_type!r}",
                    field="vector_index",
                    value=vector_index,
                )
        object.__setattr__(self, "vector_index", vector_index)

    @property
    def is_none(self) -> bool:
        """Whether vectors are self-provided (module ``"none"``)."""
        return self.module == "none"

    @property
    def is_multi_vector(self) -> bool:
        """Whether the vectorizer (or its index) produces multi-vectors."""
        if self.module in MULTI_VECTOR_MODULES:
            return True
        return self.vector_index is not None and self.vector_index.multi_vector_enabled

    @property
    def source_properties(self) -> tuple[str, ...] | None:
        """The properties the vectorizer reads (``properties`` setting), if restricted."""
        value = self.settings.get("properties")
        return tuple(value) if value is not None else None

    @property
    def vectorize_collection_name(self) -> bool | None:
        """The ``vectorizeClassName`` setting, if present."""
        value = self.settings.get("vectorizeClassName")
        return value if isinstance(value, bool) else None

    def with_vector_index(self, vector_index: VectorIndexConfig | None) -> VectorizerConfig:
        """Return a copy that feeds ``vector_index``."""
        return VectorizerConfig(self.module, self.settings, vector_index=vector_index)

    def module_dict(self) -> JSONDict:
        """Return ``{module: settings}`` as used in ``vectorConfig[...].vectorizer``."""
        return {self.module: self.settings_dict()}


@dataclass(frozen=True, init=False)
class RerankerConfig(ModuleConfig):
    """A reranker module and its settings."""

    def __init__(self, module: str, settings: Mapping[str, Any] | None = None) -> None:
        """Create a reranker module configuration.

        Args:
            module: The module name, e.g. ``"reranker-cohere"``.
            settings: The module settings as they appear in the class JSON.
        """
        super().__init__(module, settings)


def check_module_kind(config: Any, cls: type[ModuleConfig], prefix: str, field: str) -> None:
    """Raise unless ``config`` is an instance of ``cls`` for a ``prefix*`` module."""
    if not isinstance(config, cls):
        raise fail(
            f"{field} must be a {cls.__name__} (built by the matching factory), got {config!r}",
            field=field,
            value=config,
        )
    if not config.module.startswith(prefix):
        raise fail(
            f"{field} module {config.module!r} is not a {prefix}* module",
            field=field,
            value=config.module,
        )


def multimodal_fields(
    kind: str, fields: Sequence[str] | Mapping[str, float] | None
) -> tuple[list[str] | None, list[float] | None]:
    """Split a multimodal field spec into names and (optional) weights.

    ``fields`` is a list of property names, or a mapping of property name to weight.
    """
    if fields is None:
        return None, None
    field = f"{kind}_fields"
    if isinstance(fields, str):
        raise fail(
            f"{field} must be a list of property names or a mapping of name to weight, "
            f"not a single string ({fields!r})",
            field=field,
            value=fields,
        )
    if isinstance(fields, Mapping):
        names = [check_str(n, field) for n in fields]
        weights: list[float] = []
        for name, weight in fields.items():
            if isinstance(weight, bool) or not isinstance(weight, (int, float)):
                raise fail(
                    f"{field}: weight of {name!r} must be a number, got {weight!r}",
                    field=field,
                    value=weight,
                )
            weights.append(float(weight))
    else:
        names = [check_str(n, field) for n in fields]
        weights = []
    if not names:
        raise fail(f"{field} must name at least one property", field=field, value=fields)
    return names, (weights or None)
