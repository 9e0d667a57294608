"""Factories of the ``text2vec-*`` modules backed by local inference services.

These modules call a service the operator runs next to Weaviate (transformers,
Ollama, GPT4All, Model2Vec, Contextionary) or need no service at all (``text2vec-bigram``,
a test module). Setting keys are read from each module's ``class_settings.go`` in
Weaviate 1.39.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from weavorm.config._common import choice, fail, opt_int, opt_str, opt_url
from weavorm.config._modules import VectorizerConfig
from weavorm.config._text2vec import text_vectorizer
from weavorm.config._vector_index import VectorIndexConfig

__all__ = ["LocalText2VecFactories"]


class LocalText2VecFactories:
    """``text2vec-*`` factories for local inference services (mixed into ``Vectorizer``)."""

    @staticmethod
    def text2vec_transformers(
        *,
        inference_url: str | None = None,
        passage_inference_url: str | None = None,
        query_inference_url: str | None = None,
        pooling_strategy: Literal["masked_mean", "cls"] | None = None,
        dimensions: int | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """A local transformers inference service, ``text2vec-transformers``.

        Args:
            inference_url: The service URL (default: ``TRANSFORMERS_INFERENCE_API``).
            passage_inference_url: Service for documents (with ``query_inference_url``).
            query_inference_url: Service for queries (with ``passage_inference_url``).
            pooling_strategy: ``"masked_mean"`` (default) or ``"cls"``.
            dimensions: Output dimensions (Matryoshka models).
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: Both ``inference_url`` and the passage/query pair, or only half of
                the pair, or an invalid URL or pooling strategy.
        """
        url = opt_url(inference_url, "inference_url")
        passage = opt_url(passage_inference_url, "passage_inference_url")
        query = opt_url(query_inference_url, "query_inference_url")
        if url is not None and (passage is not None or query is not None):
            raise fail(
                "set either inference_url or passage_inference_url + query_inference_url, not both",
                field="inference_url",
                value=url,
            )
        if (passage is None) != (query is None):
            raise fail(
                "passage_inference_url and query_inference_url must be set together",
                field="passage_inference_url" if passage is None else "query_inference_url",
                value=None,
            )
        return text_vectorizer(
            "text2vec-transformers",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            inferenceUrl=url,
            passageInferenceUrl=passage,
            queryInferenceUrl=query,
            poolingStrategy=None
            if pooling_strategy is None
            else choice(pooling_strategy, ("masked_mean", "cls"), "pooling_strategy"),
            dimensions=opt_int(dimensions, "dimensions", minimum=1),
        )

    @staticmethod
    def text2vec_ollama(
        *,
        api_endpoint: str | None = None,
        model: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Ollama embeddings, ``text2vec-ollama``.

        Args:
            api_endpoint: The Ollama URL (server default ``http://localhost:11434``).
            model: Model name (server default ``nomic-embed-text``).
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: An invalid URL or an empty model.
        """
        return text_vectorizer(
            "text2vec-ollama",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            apiEndpoint=opt_url(api_endpoint, "api_endpoint"),
            model=opt_str(model, "model"),
        )

    @staticmethod
    def text2vec_contextionary(
        *,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """The Contextionary word-vector service, ``text2vec-contextionary``.

        Args:
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.
        """
        return text_vectorizer(
            "text2vec-contextionary",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
        )

    @staticmethod
    def text2vec_gpt4all(
        *,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """A local GPT4All inference service, ``text2vec-gpt4all``.

        Args:
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.
        """
        return text_vectorizer(
            "text2vec-gpt4all",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
        )

    @staticmethod
    def text2vec_model2vec(
        *,
        inference_url: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """A local Model2Vec inference service, ``text2vec-model2vec``.

        Args:
            inference_url: The service URL (default: ``MODEL2VEC_INFERENCE_API``).
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: An invalid URL.
        """
        return text_vectorizer(
            "text2vec-model2vec",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            inferenceUrl=opt_url(inference_url, "inference_url"),
        )

    @staticmethod
    def text2vec_bigram(
        *,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """The built-in test vectorizer ``text2vec-bigram`` (no inference service needed).

        Args:
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.
        """
        return text_vectorizer(
            "text2vec-bigram",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
        )
