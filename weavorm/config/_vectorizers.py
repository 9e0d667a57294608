"""The ``Vectorizer`` (collection-level) and ``Vectors`` (named vectors) factories."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec

from weavorm.config._common import VECTOR_NAME_RE, JSONDict, fail
from weavorm.config._modules import VectorizerConfig
from weavorm.config._multi2vec import Multi2VecFactories
from weavorm.config._text2vec import Text2VecFactories
from weavorm.config._text2vec_local import LocalText2VecFactories
from weavorm.config._vector_index import VectorIndexConfig

__all__ = ["NamedVector", "Vectorizer", "Vectors"]

_P = ParamSpec("_P")


def validate_vector_name(name: Any) -> str:
    """Check a named-vector name (``/[_A-Za-z][_0-9A-Za-z]{0,229}/``) and return it."""
    if not isinstance(name, str) or VECTOR_NAME_RE.match(name) is None:
        raise fail(
            f"invalid vector name {name!r}: it must match /^[_A-Za-z][_0-9A-Za-z]{{0,229}}$/",
            field="name",
            value=name,
        )
    return name


@dataclass(frozen=True, init=False)
class NamedVector:
    """A named vector of a collection: its vectorizer and vector index.

    Attributes:
        name: The vector name.
        vectorizer: The vectorizer (module ``"none"`` for self-provided vectors), which
            also carries the vector index.
    """

    name: str
    vectorizer: VectorizerConfig

    def __init__(self, name: str, vectorizer: VectorizerConfig) -> None:
        """Create a named vector.

        Args:
            name: The vector name.
            vectorizer: The vectorizer configuration (with its ``vector_index``).

        Raises:
            ConfigError: An invalid name or vectorizer.
        """
        if not isinstance(vectorizer, VectorizerConfig):
            raise fail(
                f"vectorizer of vector {name!r} must be a VectorizerConfig, got {vectorizer!r}",
                field="vectorizer",
                value=vectorizer,
            )
        object.__setattr__(self, "name", validate_vector_name(name))
        object.__setattr__(self, "vectorizer", vectorizer)

    @property
    def module(self) -> str:
        """The vectorizer module name (``"none"`` for self-provided vectors)."""
        return self.vectorizer.module

    @property
    def vector_index(self) -> VectorIndexConfig | None:
        """The vector index configuration (``None``: server default)."""
        return self.vectorizer.vector_index

    def to_dict(self) -> JSONDict:
        """Return the ``vectorConfig[name]`` JSON object."""
        out: JSONDict = {"vectorizer": self.vectorizer.module_dict()}
        index = self.vectorizer.vector_index
        if index is not None:
            out["vectorIndexType"] = index.index_type
            out["vectorIndexConfig"] = index.to_dict()
        return out


class Vectorizer(Text2VecFactories, LocalText2VecFactories, Multi2VecFactories):
    """Factories of vectorizer configurations, one per Weaviate module.

    Method names are module names in snake_case (``text2vec-openai`` ->
    ``text2vec_openai``). Each returns a :class:`VectorizerConfig`; pass it as
    ``vectorizer=`` of a collection, or use the same method on :class:`Vectors` for a
    named vector.
    """

    @staticmethod
    def none(*, vector_index: VectorIndexConfig | None = None) -> VectorizerConfig:
        """No vectorizer: vectors are provided with the objects.

        Args:
            vector_index: The vector index the vectors go into.
        """
        return VectorizerConfig("none", vector_index=vector_index)

    @staticmethod
    def self_provided(*, vector_index: VectorIndexConfig | None = None) -> VectorizerConfig:
        """Alias of :meth:`none`: vectors are provided with the objects.

        Args:
            vector_index: The vector index the vectors go into.
        """
        return VectorizerConfig("none", vector_index=vector_index)

    @staticmethod
    def custom(
        module: str,
        settings: Mapping[str, Any] | None = None,
        *,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Any vectorizer module, with its settings as they appear in the class JSON.

        Args:
            module: The module name, e.g. ``"text2vec-openai"``.
            settings: The module settings (camelCase keys).
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: An empty module name or non-object settings.
        """
        return VectorizerConfig(module, settings, vector_index=vector_index)


def _named(
    factory: Callable[_P, VectorizerConfig],
) -> Callable[Concatenate[str, _P], NamedVector]:
    """Turn a ``Vectorizer`` factory into a named-vector factory taking the name first."""

    def make(name: str, /, *args: _P.args, **kwargs: _P.kwargs) -> NamedVector:
        return NamedVector(name, factory(*args, **kwargs))

    make.__name__ = getattr(factory, "__name__", "named")
    make.__qualname__ = f"Vectors.{make.__name__}"
    make.__doc__ = (
        f"Named vector with the vectorizer of :meth:`Vectorizer.{make.__name__}`.\n\n"
        "The vector name comes first; all other arguments are those of the vectorizer "
        "factory (including ``vector_index=``)."
    )
    return make


class Vectors:
    """Factories of named vectors: ``Vectors.<module>(name, **vectorizer_options)``.

    Example::

        Vectors.text2vec_transformers(
            "title_vec", source_properties=["title"], vector_index=VectorIndex.hnsw()
        )
        Vectors.self_provided("v", vector_index=VectorIndex.flat())
    """

    none = staticmethod(_named(Vectorizer.none))
    self_provided = staticmethod(_named(Vectorizer.self_provided))
    custom = staticmethod(_named(Vectorizer.custom))
    text2vec_openai = staticmethod(_named(Vectorizer.text2vec_openai))
    text2vec_azure_openai = staticmethod(_named(Vectorizer.text2vec_azure_openai))
    text2vec_cohere = staticmethod(_named(Vectorizer.text2vec_cohere))
    text2vec_transformers = staticmethod(_named(Vectorizer.text2vec_transformers))
    text2vec_ollama = staticmethod(_named(Vectorizer.text2vec_ollama))
    text2vec_huggingface = staticmethod(_named(Vectorizer.text2vec_huggingface))
    text2vec_jinaai = staticmethod(_named(Vectorizer.text2vec_jinaai))
    text2vec_voyageai = staticmethod(_named(Vectorizer.text2vec_voyageai))
    text2vec_google = staticmethod(_named(Vectorizer.text2vec_google))
    text2vec_google_aistudio = staticmethod(_named(Vectorizer.text2vec_google_aistudio))
    text2vec_aws = staticmethod(_named(Vectorizer.text2vec_aws))
    text2vec_mistral = staticmethod(_named(Vectorizer.text2vec_mistral))
    text2vec_nvidia = staticmethod(_named(Vectorizer.text2vec_nvidia))
    text2vec_databricks = staticmethod(_named(Vectorizer.text2vec_databricks))
    text2vec_weaviate = staticmethod(_named(Vectorizer.text2vec_weaviate))
    text2vec_contextionary = staticmethod(_named(Vectorizer.text2vec_contextionary))
    text2vec_gpt4all = staticmethod(_named(Vectorizer.text2vec_gpt4all))
    text2vec_model2vec = staticmethod(_named(Vectorizer.text2vec_model2vec))
    text2vec_morph = staticmethod(_named(Vectorizer.text2vec_morph))
    text2vec_digitalocean = staticmethod(_named(Vectorizer.text2vec_digitalocean))
    text2vec_bigram = staticmethod(_named(Vectorizer.text2vec_bigram))
    text2multivec_jinaai = staticmethod(_named(Vectorizer.text2multivec_jinaai))
    text2colbert_jinaai = staticmethod(_named(Vectorizer.text2colbert_jinaai))
    multi2vec_clip = staticmethod(_named(Vectorizer.multi2vec_clip))
    multi2vec_bind = staticmethod(_named(Vectorizer.multi2vec_bind))
    multi2vec_cohere = staticmethod(_named(Vectorizer.multi2vec_cohere))
    multi2vec_jinaai = staticmethod(_named(Vectorizer.multi2vec_jinaai))
    multi2vec_voyageai = staticmethod(_named(Vectorizer.multi2vec_voyageai))
    multi2vec_nvidia = staticmethod(_named(Vectorizer.multi2vec_nvidia))
    multi2vec_aws = staticmethod(_named(Vectorizer.multi2vec_aws))
    multi2vec_google = staticmethod(_named(Vectorizer.multi2vec_google))
    multi2vec_twelvelabs = staticmethod(_named(Vectorizer.multi2vec_twelvelabs))
    multi2multivec_jinaai = staticmethod(_named(Vectorizer.multi2multivec_jinaai))
    multi2multivec_weaviate = staticmethod(_named(Vectorizer.multi2multivec_weaviate))
    img2vec_neural = staticmethod(_named(Vectorizer.img2vec_neural))
    ref2vec_centroid = staticmethod(_named(Vectorizer.ref2vec_centroid))
