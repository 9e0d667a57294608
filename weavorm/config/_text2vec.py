"""Factories of the ``text2vec-*`` (and ``text2multivec-*``) vectorizer modules.

Setting keys are read from each module's ``class_settings.go`` in Weaviate 1.39. Every
factory accepts the common options:

* ``source_properties`` - restrict vectorization to these properties (``properties``);
* ``vectorize_collection_name`` - include the collection name (``vectorizeClassName``);
* ``vector_index`` - the vector index the vectorizer feeds (for named vectors, or the
  collection-level index).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from weavorm.config._common import (
    check_str,
    choice,
    fail,
    opt_bool,
    opt_int,
    opt_str,
    opt_url,
    str_tuple,
)
from weavorm.config._modules import VectorizerConfig, settings
from weavorm.config._vector_index import VectorIndexConfig

__all__ = ["Text2VecFactories"]

OPENAI_AZURE_API_VERSIONS = (
    "2022-12-01",
    "2023-03-15-preview",
    "2023-05-15",
    "2023-06-01-preview",
    "2023-07-01-preview",
    "2023-08-01-preview",
    "2023-09-01-preview",
    "2023-12-01-preview",
    "2024-02-15-preview",
    "2024-03-01-preview",
    "2024-02-01",
)
_OPENAI_V3_DIMENSIONS = {
    "text-embedding-3-small": (512, 1536),
    "text-embedding-3-large": (256, 1024, 3072),
}
GOOGLE_AI_STUDIO_ENDPOINT = "generativelanguage.googleapis.com"
GOOGLE_TASK_TYPES = (
    "RETRIEVAL_QUERY",
    "QUESTION_ANSWERING",
    "FACT_VERIFICATION",
    "CODE_RETRIEVAL_QUERY",
    "CLASSIFICATION",
    "CLUSTERING",
    "SEMANTIC_SIMILARITY",
)
CohereTruncate = Literal["NONE", "START", "END", "LEFT", "RIGHT"]
NvidiaTruncate = Literal["NONE", "START", "END"]
GoogleTaskType = Literal[
    "RETRIEVAL_QUERY",
    "QUESTION_ANSWERING",
    "FACT_VERIFICATION",
    "CODE_RETRIEVAL_QUERY",
    "CLASSIFICATION",
    "CLUSTERING",
    "SEMANTIC_SIMILARITY",
]


def text_vectorizer(
    module: str,
    *,
    source_properties: Sequence[str] | None,
    vectorize_collection_name: bool,
    vector_index: VectorIndexConfig | None,
    **values: Any,
) -> VectorizerConfig:
    """Build a text vectorizer configuration with the common options."""
    return VectorizerConfig(
        module,
        settings(
            properties=str_tuple(source_properties, "source_properties"),
            vectorizeClassName=bool(
                opt_bool(vectorize_collection_name, "vectorize_collection_name")
            ),
            **values,
        ),
        vector_index=vector_index,
    )


def _openai_dimensions(model: str | None, dimensions: int | None, url: str | None) -> int | None:
    """Check ``dimensions`` as the OpenAI module does for OpenAI / Azure endpoints.

    Without ``model`` the server assumes ``text-embedding-3-small``.
    """
    dims = opt_int(dimensions, "dimensions", minimum=1)
    effective = model or "text-embedding-3-small"
    if dims is None or (url is not None and "api.openai.com" not in url):
        return dims
    valid = _OPENAI_V3_DIMENSIONS.get(effective)
    if valid is not None and dims not in valid:
        raise fail(
            f"invalid dimensions {dims} for model {effective!r}; valid choices are "
            f"{', '.join(str(d) for d in valid)}",
            field="dimensions",
            value=dims,
        )
    return dims


def google_endpoint(value: str | None) -> str | None:
    """Validate a Google API host name (must end in ``.googleapis.com``)."""
    host = opt_str(value, "api_endpoint")
    if host is not None and not host.lower().endswith(".googleapis.com"):
        raise fail(
            f"api_endpoint must be a Google API host ending in '.googleapis.com', got {host!r}",
            field="api_endpoint",
            value=host,
        )
    return host


def google_location(value: str | None, field: str = "location") -> str | None:
    """Validate a Google region name such as ``us-central1``."""
    location = opt_str(value, field)
    if location is not None and not all(c.isalnum() or c == "-" for c in location):
        raise fail(
            f"{field} must be a Google region name like 'us-central1', got {location!r}",
            field=field,
            value=location,
        )
    return location


class Text2VecFactories:
    """``text2vec-*`` factories (mixed into :class:`Vectorizer`)."""

    @staticmethod
    def text2vec_openai(
        *,
        model: str | None = None,
        dimensions: int | None = None,
        type: Literal["text", "code"] | None = None,
        model_version: str | None = None,
        base_url: str | None = None,
        endpoint: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """OpenAI (or OpenAI-compatible) embeddings, ``text2vec-openai``.

        Args:
            model: Model name (server default ``text-embedding-3-small``).
            dimensions: Output dimensions (v3 models: small 512/1536, large 256/1024/3072).
            type: ``"text"`` or ``"code"`` (legacy models).
            model_version: Version of a legacy model, e.g. ``"002"``.
            base_url: API base URL, e.g. a local OpenAI-compatible server.
            endpoint: Path of the embeddings endpoint (default ``/v1/embeddings``).
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: An invalid type, URL or dimension count.
        """
        url = opt_url(base_url, "base_url")
        dims = _openai_dimensions(model, dimensions, url)
        return text_vectorizer(
            "text2vec-openai",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            model=opt_str(model, "model"),
            dimensions=dims,
            type=None if type is None else choice(type, ("text", "code"), "type"),
            modelVersion=opt_str(model_version, "model_version"),
            baseURL=url,
            endpoint=opt_str(endpoint, "endpoint"),
        )

    @staticmethod
    def text2vec_azure_openai(
        *,
        resource_name: str,
        deployment_id: str,
        base_url: str | None = None,
        api_version: str | None = None,
        model: str | None = None,
        dimensions: int | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Azure OpenAI embeddings (module ``text2vec-openai`` with ``isAzure``).

        Args:
            resource_name: The Azure resource name.
            deployment_id: The deployment ID.
            base_url: API base URL override.
            api_version: Azure API version (server default ``2024-02-01``).
            model: Model name.
            dimensions: Output dimensions.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: A missing resource or deployment, or an unknown API version.
        """
        return text_vectorizer(
            "text2vec-openai",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            isAzure=True,
            resourceName=check_str(resource_name, "resource_name"),
            deploymentId=check_str(deployment_id, "deployment_id"),
            baseURL=opt_url(base_url, "base_url"),
            apiVersion=None
            if api_version is None
            else choice(api_version, OPENAI_AZURE_API_VERSIONS, "api_version"),
            model=opt_str(model, "model"),
            dimensions=_openai_dimensions(model, dimensions, None),
        )

    @staticmethod
    def text2vec_cohere(
        *,
        model: str | None = None,
        dimensions: int | None = None,
        truncate: CohereTruncate | None = None,
        base_url: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Cohere embeddings, ``text2vec-cohere``.

        Args:
            model: Model name (server default ``embed-multilingual-v3.0``).
            dimensions: Output dimensions (``embed-v4.0``).
            truncate: ``"NONE"``, ``"START"``, ``"END"`` (default), ``"LEFT"``, ``"RIGHT"``.
            base_url: API base URL.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: An unknown truncation or an invalid URL.
        """
        return text_vectorizer(
            "text2vec-cohere",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            model=opt_str(model, "model"),
            dimensions=opt_int(dimensions, "dimensions", minimum=1),
            truncate=None
            if truncate is None
            else choice(truncate, ("NONE", "START", "END", "LEFT", "RIGHT"), "truncate"),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def text2vec_huggingface(
        *,
        model: str | None = None,
        passage_model: str | None = None,
        endpoint_url: str | None = None,
        wait_for_model: bool | None = None,
        use_gpu: bool | None = None,
        use_cache: bool | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Hugging Face inference API embeddings, ``text2vec-huggingface``.

        Args:
            model: Model name (not together with ``passage_model``).
            passage_model: Model for documents.
            endpoint_url: A dedicated inference endpoint URL.
            wait_for_model: Wait for a cold model instead of failing.
            use_gpu: Use a GPU (paid plans).
            use_cache: Use the inference API cache.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: Both ``model`` and ``passage_model`` without an endpoint URL.
        """
        url = opt_url(endpoint_url, "endpoint_url")
        if url is None and model is not None and passage_model is not None:
            raise fail(
                "set either model or passage_model, not both",
                field="passage_model",
                value=passage_model,
            )
        options = settings(
            waitForModel=opt_bool(wait_for_model, "wait_for_model"),
            useGPU=opt_bool(use_gpu, "use_gpu"),
            useCache=opt_bool(use_cache, "use_cache"),
        )
        return text_vectorizer(
            "text2vec-huggingface",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            model=opt_str(model, "model"),
            passageModel=opt_str(passage_model, "passage_model"),
            endpointURL=url,
            options=options or None,
        )

    @staticmethod
    def text2vec_jinaai(
        *,
        model: str | None = None,
        dimensions: int | None = None,
        base_url: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Jina AI embeddings, ``text2vec-jinaai``.

        Args:
            model: Model name (server default ``jina-embeddings-v4``).
            dimensions: Output dimensions.
            base_url: API base URL.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: An invalid value.
        """
        return text_vectorizer(
            "text2vec-jinaai",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            model=opt_str(model, "model"),
            dimensions=opt_int(dimensions, "dimensions", minimum=1),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def text2vec_voyageai(
        *,
        model: str | None = None,
        dimensions: int | None = None,
        truncate: bool | None = None,
        base_url: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Voyage AI embeddings, ``text2vec-voyageai``.

        Args:
            model: Model name (server default ``voyage-3``).
            dimensions: Output dimensions.
            truncate: Truncate over-long input (server default true).
            base_url: API base URL.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: An invalid value.
        """
        return text_vectorizer(
            "text2vec-voyageai",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            model=opt_str(model, "model"),
            dimensions=opt_int(dimensions, "dimensions", minimum=1),
            truncate=opt_bool(truncate, "truncate"),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def text2vec_google(
        *,
        project_id: str | None = None,
        location: str | None = None,
        api_endpoint: str | None = None,
        model: str | None = None,
        title_property: str | None = None,
        task_type: GoogleTaskType | None = None,
        dimensions: int | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Google Vertex AI / AI Studio embeddings, ``text2vec-google`` (formerly ``-palm``).

        Args:
            project_id: Google Cloud project (required for Vertex AI).
            location: Vertex AI region (server default ``us-central1``).
            api_endpoint: API host; ``generativelanguage.googleapis.com`` for AI Studio.
            model: Model name (server default ``gemini-embedding-001``).
            title_property: Property used as document title.
            task_type: Embedding task type (server default ``RETRIEVAL_QUERY``).
            dimensions: Output dimensions.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: A missing project for Vertex AI, an unknown task type or a
                non-Google endpoint.
        """
        endpoint = google_endpoint(api_endpoint)
        project = opt_str(project_id, "project_id")
        if project is None and endpoint != GOOGLE_AI_STUDIO_ENDPOINT:
            raise fail(
                "project_id is required for Vertex AI (or set "
                f"api_endpoint={GOOGLE_AI_STUDIO_ENDPOINT!r} for AI Studio)",
                field="project_id",
                value=None,
            )
        return text_vectorizer(
            "text2vec-google",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            projectId=project,
            location=google_location(location),
            apiEndpoint=endpoint,
            model=opt_str(model, "model"),
            titleProperty=opt_str(title_property, "title_property"),
            taskType=None
            if task_type is None
            else choice(task_type, GOOGLE_TASK_TYPES, "task_type"),
            dimensions=opt_int(dimensions, "dimensions", minimum=1),
        )

    @staticmethod
    def text2vec_google_aistudio(
        *,
        model: str | None = None,
        title_property: str | None = None,
        task_type: GoogleTaskType | None = None,
        dimensions: int | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Google AI Studio embeddings (``text2vec-google`` on the Gemini API host).

        Args:
            model: Model name (server default ``gemini-embedding-001``).
            title_property: Property used as document title.
            task_type: Embedding task type.
            dimensions: Output dimensions.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: An unknown task type.
        """
        return Text2VecFactories.text2vec_google(
            api_endpoint=GOOGLE_AI_STUDIO_ENDPOINT,
            model=model,
            title_property=title_property,
            task_type=task_type,
            dimensions=dimensions,
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
        )

    @staticmethod
    def text2vec_aws(
        *,
        region: str,
        service: Literal["bedrock", "sagemaker"] = "bedrock",
        model: str | None = None,
        endpoint: str | None = None,
        target_model: str | None = None,
        target_variant: str | None = None,
        dimensions: int | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """AWS Bedrock or SageMaker embeddings, ``text2vec-aws``.

        Args:
            region: AWS region, e.g. ``"us-east-1"``.
            service: ``"bedrock"`` (needs ``model``) or ``"sagemaker"`` (needs ``endpoint``).
            model: Bedrock model ID.
            endpoint: SageMaker endpoint name.
            target_model: SageMaker target model.
            target_variant: SageMaker target variant.
            dimensions: Output dimensions.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: A missing region, an unknown service or a model/endpoint mismatch.
        """
        svc = choice(service, ("bedrock", "sagemaker"), "service")
        if svc == "bedrock" and (model is None or endpoint is not None):
            raise fail(
                "service 'bedrock' needs model= and takes no endpoint=", field="model", value=model
            )
        if svc == "sagemaker" and (endpoint is None or model is not None):
            raise fail(
                "service 'sagemaker' needs endpoint= and takes no model= (use target_model=)",
                field="endpoint",
                value=endpoint,
            )
        return text_vectorizer(
            "text2vec-aws",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            region=check_str(region, "region"),
            service=svc,
            model=opt_str(model, "model"),
            endpoint=opt_str(endpoint, "endpoint"),
            targetModel=opt_str(target_model, "target_model"),
            targetVariant=opt_str(target_variant, "target_variant"),
            dimensions=opt_int(dimensions, "dimensions", minimum=1),
        )

    @staticmethod
    def text2vec_mistral(
        *,
        model: str | None = None,
        base_url: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Mistral embeddings, ``text2vec-mistral``.

        Args:
            model: Model name (server default ``mistral-embed``).
            base_url: API base URL.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: An invalid value.
        """
        return text_vectorizer(
            "text2vec-mistral",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def text2vec_nvidia(
        *,
        model: str | None = None,
        truncate: NvidiaTruncate | None = None,
        base_url: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """NVIDIA NIM embeddings, ``text2vec-nvidia``.

        Args:
            model: Model name (server default ``nvidia/nv-embed-v1``).
            truncate: ``"NONE"`` (default), ``"START"`` or ``"END"``.
            base_url: API base URL.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: An unknown truncation or an invalid URL.
        """
        return text_vectorizer(
            "text2vec-nvidia",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            model=opt_str(model, "model"),
            truncate=None
            if truncate is None
            else choice(truncate, ("NONE", "START", "END"), "truncate"),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def text2vec_databricks(
        *,
        endpoint: str,
        instruction: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Databricks model serving embeddings, ``text2vec-databricks``.

        Args:
            endpoint: The serving endpoint URL.
            instruction: Instruction prepended to inputs.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: A missing or invalid endpoint.
        """
        url = opt_url(endpoint, "endpoint")
        return text_vectorizer(
            "text2vec-databricks",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            endpoint=check_str(url, "endpoint"),
            instruction=opt_str(instruction, "instruction"),
        )

    @staticmethod
    def text2vec_weaviate(
        *,
        model: str | None = None,
        dimensions: int | None = None,
        base_url: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Weaviate Embeddings (Weaviate Cloud), ``text2vec-weaviate``.

        Args:
            model: Model name (server default ``Snowflake/snowflake-arctic-embed-l-v2.0``).
            dimensions: Output dimensions.
            base_url: API base URL.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: An invalid value.
        """
        return text_vectorizer(
            "text2vec-weaviate",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            model=opt_str(model, "model"),
            dimensions=opt_int(dimensions, "dimensions", minimum=1),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def text2vec_morph(
        *,
        model: str | None = None,
        base_url: str | None = None,
        endpoint: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Morph embeddings, ``text2vec-morph``.

        Args:
            model: Model name (server default ``morph-embedding-v3``).
            base_url: API base URL (server default ``https://api.morphllm.com``).
            endpoint: Path of the embeddings endpoint (default ``/v1/embeddings``).
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: An invalid value.
        """
        return text_vectorizer(
            "text2vec-morph",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
            endpoint=opt_str(endpoint, "endpoint"),
        )

    @staticmethod
    def text2vec_digitalocean(
        *,
        model: str,
        base_url: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """DigitalOcean Serverless Inference embeddings, ``text2vec-digitalocean``.

        The server checks ``model`` against the models the endpoint lists.

        Args:
            model: Model name (required).
            base_url: API base URL (server default ``https://inference.do-ai.run``).
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: A missing model or an invalid URL.
        """
        return text_vectorizer(
            "text2vec-digitalocean",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            model=check_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def text2multivec_jinaai(
        *,
        model: str | None = None,
        dimensions: int | None = None,
        base_url: str | None = None,
        source_properties: Sequence[str] | None = None,
        vectorize_collection_name: bool = False,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Jina AI ColBERT multi-vectors, ``text2multivec-jinaai`` (formerly ``text2colbert``).

        The HNSW index of this vector stores multi-vectors automatically.

        Args:
            model: Model name (server default ``jina-colbert-v2``).
            dimensions: Per-token dimensions (server default 128).
            base_url: API base URL.
            source_properties: Properties to vectorize.
            vectorize_collection_name: Include the collection name.
            vector_index: The (HNSW) vector index the vectorizer feeds.

        Raises:
            ConfigError: An invalid value or a non-HNSW index.
        """
        return text_vectorizer(
            "text2multivec-jinaai",
            source_properties=source_properties,
            vectorize_collection_name=vectorize_collection_name,
            vector_index=vector_index,
            model=opt_str(model, "model"),
            dimensions=opt_int(dimensions, "dimensions", minimum=1),
            baseURL=opt_url(base_url, "base_url"),
        )

    text2colbert_jinaai = text2multivec_jinaai
