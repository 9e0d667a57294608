"""Factories of the multimodal, image and reference vectorizer modules.

Multimodal modules take ``*_fields``: a list of property names, or a mapping of
property name to weight (emitted as ``weights.<kind>Fields``). Setting keys are read
from each module's ``class_settings.go`` in Weaviate 1.39 (note that ``multi2vec-bind``
reads ``imuFields``, lower case).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias

from weavorm.config._common import (
    JSONDict,
    check_str,
    choice,
    fail,
    opt_bool,
    opt_int,
    opt_str,
    opt_url,
    str_tuple,
)
from weavorm.config._modules import VectorizerConfig, multimodal_fields, settings
from weavorm.config._text2vec import (
    GOOGLE_AI_STUDIO_ENDPOINT,
    CohereTruncate,
    google_endpoint,
    google_location,
)
from weavorm.config._vector_index import VectorIndexConfig

__all__ = ["Multi2VecFactories"]

Fields: TypeAlias = Sequence[str] | Mapping[str, float]
"""Property names, or property name -> weight."""

_GOOGLE_LEGACY_MODEL = "multimodalembedding@001"


def multimodal(
    module: str,
    fields: Mapping[str, Fields | None],
    vector_index: VectorIndexConfig | None,
    *,
    required: bool = True,
    **values: Any,
) -> VectorizerConfig:
    """Build a multimodal vectorizer configuration from ``{kind: fields}``."""
    out: JSONDict = {}
    weights: JSONDict = {}
    for kind, spec in fields.items():
        names, kind_weights = multimodal_fields(kind, spec)
        if names is None:
            continue
        key = f"{kind}Fields"
        out[key] = names
        if kind_weights is not None:
            weights[key] = kind_weights
    if required and not out:
        kinds = ", ".join(f"{k}_fields" for k in fields)
        raise fail(f"module {module!r} needs at least one of {kinds}", field="fields", value=None)
    if weights:
        out["weights"] = weights
    out.update(settings(**values))
    return VectorizerConfig(module, out, vector_index=vector_index)


class Multi2VecFactories:
    """``multi2vec-*``, ``multi2multivec-*``, ``img2vec-*`` and ``ref2vec-*`` factories."""

    @staticmethod
    def multi2vec_clip(
        *,
        image_fields: Fields | None = None,
        text_fields: Fields | None = None,
        inference_url: str | None = None,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """A local CLIP inference service, ``multi2vec-clip``.

        Args:
            image_fields: ``blob`` properties to vectorize (names, or name -> weight).
            text_fields: Text properties to vectorize (names, or name -> weight).
            inference_url: The service URL (default: ``CLIP_INFERENCE_API``).
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: No fields, or an invalid URL or weight.
        """
        return multimodal(
            "multi2vec-clip",
            {"image": image_fields, "text": text_fields},
            vector_index,
            inferenceUrl=opt_url(inference_url, "inference_url"),
        )

    @staticmethod
    def multi2vec_bind(
        *,
        image_fields: Fields | None = None,
        text_fields: Fields | None = None,
        audio_fields: Fields | None = None,
        video_fields: Fields | None = None,
        imu_fields: Fields | None = None,
        thermal_fields: Fields | None = None,
        depth_fields: Fields | None = None,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """A local ImageBind inference service, ``multi2vec-bind``.

        Args:
            image_fields: Image properties.
            text_fields: Text properties.
            audio_fields: Audio properties.
            video_fields: Video properties.
            imu_fields: IMU (motion sensor) properties.
            thermal_fields: Thermal image properties.
            depth_fields: Depth image properties.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: No fields, or an invalid weight.
        """
        return multimodal(
            "multi2vec-bind",
            {
                "image": image_fields,
                "text": text_fields,
                "audio": audio_fields,
                "video": video_fields,
                "imu": imu_fields,
                "thermal": thermal_fields,
                "depth": depth_fields,
            },
            vector_index,
        )

    @staticmethod
    def multi2vec_cohere(
        *,
        image_fields: Fields | None = None,
        text_fields: Fields | None = None,
        model: str | None = None,
        dimensions: int | None = None,
        truncate: CohereTruncate | None = None,
        base_url: str | None = None,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Cohere multimodal embeddings, ``multi2vec-cohere``.

        Args:
            image_fields: Image properties.
            text_fields: Text properties.
            model: Model name (server default ``embed-multilingual-v3.0``).
            dimensions: Output dimensions.
            truncate: ``"NONE"``, ``"START"``, ``"END"`` (default), ``"LEFT"``, ``"RIGHT"``.
            base_url: API base URL.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: No fields or an invalid value.
        """
        return multimodal(
            "multi2vec-cohere",
            {"image": image_fields, "text": text_fields},
            vector_index,
            model=opt_str(model, "model"),
            dimensions=opt_int(dimensions, "dimensions", minimum=1),
            truncate=None
            if truncate is None
            else choice(truncate, ("NONE", "START", "END", "LEFT", "RIGHT"), "truncate"),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def multi2vec_jinaai(
        *,
        image_fields: Fields | None = None,
        text_fields: Fields | None = None,
        model: str | None = None,
        dimensions: int | None = None,
        base_url: str | None = None,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Jina AI multimodal embeddings, ``multi2vec-jinaai``.

        Args:
            image_fields: Image properties.
            text_fields: Text properties.
            model: Model name (server default ``jina-clip-v2``).
            dimensions: Output dimensions.
            base_url: API base URL.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: No fields or an invalid value.
        """
        return multimodal(
            "multi2vec-jinaai",
            {"image": image_fields, "text": text_fields},
            vector_index,
            model=opt_str(model, "model"),
            dimensions=opt_int(dimensions, "dimensions", minimum=1),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def multi2vec_voyageai(
        *,
        image_fields: Fields | None = None,
        text_fields: Fields | None = None,
        video_fields: Fields | None = None,
        model: str | None = None,
        truncate: bool | None = None,
        base_url: str | None = None,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Voyage AI multimodal embeddings, ``multi2vec-voyageai``.

        Args:
            image_fields: Image properties.
            text_fields: Text properties.
            video_fields: Video properties.
            model: Model name (server default ``voyage-multimodal-3``).
            truncate: Truncate over-long input (server default true).
            base_url: API base URL.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: No fields or an invalid value.
        """
        return multimodal(
            "multi2vec-voyageai",
            {"image": image_fields, "text": text_fields, "video": video_fields},
            vector_index,
            model=opt_str(model, "model"),
            truncate=opt_bool(truncate, "truncate"),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def multi2vec_nvidia(
        *,
        image_fields: Fields | None = None,
        text_fields: Fields | None = None,
        model: str | None = None,
        base_url: str | None = None,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """NVIDIA multimodal embeddings, ``multi2vec-nvidia``.

        Args:
            image_fields: Image properties.
            text_fields: Text properties.
            model: Model name (server default ``nvidia/nvclip``).
            base_url: API base URL.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: No fields or an invalid value.
        """
        return multimodal(
            "multi2vec-nvidia",
            {"image": image_fields, "text": text_fields},
            vector_index,
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def multi2vec_aws(
        *,
        region: str,
        image_fields: Fields | None = None,
        text_fields: Fields | None = None,
        model: str | None = None,
        dimensions: int | None = None,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """AWS Bedrock multimodal embeddings, ``multi2vec-aws``.

        Args:
            region: AWS region.
            image_fields: Image properties.
            text_fields: Text properties.
            model: Model ID (server default ``amazon.titan-embed-image-v1``).
            dimensions: Output dimensions.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: No fields, or a missing region.
        """
        return multimodal(
            "multi2vec-aws",
            {"image": image_fields, "text": text_fields},
            vector_index,
            region=check_str(region, "region"),
            model=opt_str(model, "model"),
            dimensions=opt_int(dimensions, "dimensions", minimum=1),
        )

    @staticmethod
    def multi2vec_google(
        *,
        project_id: str | None = None,
        location: str | None = None,
        api_endpoint: str | None = None,
        image_fields: Fields | None = None,
        text_fields: Fields | None = None,
        video_fields: Fields | None = None,
        audio_fields: Fields | None = None,
        model: str | None = None,
        dimensions: int | None = None,
        video_interval_seconds: int | None = None,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Google multimodal embeddings, ``multi2vec-google`` (formerly ``multi2vec-palm``).

        Args:
            project_id: Google Cloud project (required for Vertex AI).
            location: Vertex AI region, e.g. ``"us-central1"`` (required for Vertex AI).
            api_endpoint: API host (``generativelanguage.googleapis.com`` for AI Studio).
            image_fields: Image properties.
            text_fields: Text properties.
            video_fields: Video properties.
            audio_fields: Audio properties.
            model: Model name (server default ``multimodalembedding@001``).
            dimensions: Output dimensions (legacy model: 128, 256, 512 or 1408).
            video_interval_seconds: Video embedding interval (legacy model: 4, 8, 15, 120).
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: No fields, missing Vertex settings, or values the model rejects.
        """
        endpoint = google_endpoint(api_endpoint)
        project = opt_str(project_id, "project_id")
        loc = google_location(location)
        if endpoint != GOOGLE_AI_STUDIO_ENDPOINT and (project is None or loc is None):
            raise fail(
                "project_id and location are required for Vertex AI",
                field="project_id" if project is None else "location",
                value=None,
            )
        dims = opt_int(dimensions, "dimensions", minimum=1)
        interval = opt_int(video_interval_seconds, "video_interval_seconds", minimum=1)
        if model in (None, _GOOGLE_LEGACY_MODEL):
            if dims is not None and dims not in (128, 256, 512, 1408):
                raise fail(
                    f"invalid dimensions {dims} for {_GOOGLE_LEGACY_MODEL!r}; valid choices "
                    "are 128, 256, 512, 1408",
                    field="dimensions",
                    value=dims,
                )
            if interval is not None and interval not in (4, 8, 15, 120):
                raise fail(
                    f"invalid video_interval_seconds {interval} for {_GOOGLE_LEGACY_MODEL!r}; "
                    "valid choices are 4, 8, 15, 120",
                    field="video_interval_seconds",
                    value=interval,
                )
        return multimodal(
            "multi2vec-google",
            {
                "image": image_fields,
                "text": text_fields,
                "video": video_fields,
                "audio": audio_fields,
            },
            vector_index,
            projectId=project,
            location=loc,
            apiEndpoint=endpoint,
            model=opt_str(model, "model"),
            dimensions=dims,
            videoIntervalSeconds=interval,
        )

    @staticmethod
    def multi2vec_twelvelabs(
        *,
        image_fields: Fields | None = None,
        text_fields: Fields | None = None,
        model: str | None = None,
        base_url: str | None = None,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """TwelveLabs multimodal embeddings, ``multi2vec-twelvelabs``.

        Args:
            image_fields: Image properties.
            text_fields: Text properties.
            model: Model name (server default ``marengo3.0``).
            base_url: API base URL.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: No fields or an invalid value.
        """
        return multimodal(
            "multi2vec-twelvelabs",
            {"image": image_fields, "text": text_fields},
            vector_index,
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def multi2multivec_jinaai(
        *,
        image_fields: Sequence[str] | None = None,
        text_fields: Sequence[str] | None = None,
        model: str | None = None,
        base_url: str | None = None,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Jina AI multimodal multi-vectors, ``multi2multivec-jinaai``.

        Exactly one property, image or text, is vectorized.

        Args:
            image_fields: One image property.
            text_fields: One text property.
            model: Model name (server default ``jina-embeddings-v4``).
            base_url: API base URL.
            vector_index: The (HNSW) vector index the vectorizer feeds.

        Raises:
            ConfigError: Not exactly one field.
        """
        images = str_tuple(image_fields, "image_fields")
        texts = str_tuple(text_fields, "text_fields")
        if (images is None) == (texts is None) or len(images or texts or ()) != 1:
            raise fail(
                "multi2multivec_jinaai needs exactly one field, in image_fields or text_fields",
                field="image_fields",
                value=images or texts,
            )
        return multimodal(
            "multi2multivec-jinaai",
            {"image": images, "text": texts},
            vector_index,
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def multi2multivec_weaviate(
        *,
        image_fields: Sequence[str],
        model: str | None = None,
        base_url: str | None = None,
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """Weaviate Embeddings multimodal multi-vectors, ``multi2multivec-weaviate``.

        Args:
            image_fields: Image properties.
            model: Model name (server default ``ModernVBERT/colmodernvbert``).
            base_url: API base URL.
            vector_index: The (HNSW) vector index the vectorizer feeds.

        Raises:
            ConfigError: No image fields or an invalid value.
        """
        return multimodal(
            "multi2multivec-weaviate",
            {"image": str_tuple(image_fields, "image_fields")},
            vector_index,
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
        )

    @staticmethod
    def img2vec_neural(
        *,
        image_fields: Sequence[str],
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """A local ResNet-50 image inference service, ``img2vec-neural``.

        Args:
            image_fields: ``blob`` properties holding the images.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: No image fields.
        """
        return VectorizerConfig(
            "img2vec-neural",
            {"imageFields": list(str_tuple(image_fields, "image_fields") or ())},
            vector_index=vector_index,
        )

    @staticmethod
    def ref2vec_centroid(
        *,
        reference_properties: Sequence[str],
        method: Literal["mean"] = "mean",
        vector_index: VectorIndexConfig | None = None,
    ) -> VectorizerConfig:
        """The centroid of referenced objects' vectors, ``ref2vec-centroid``.

        Args:
            reference_properties: Reference properties whose targets are averaged.
            method: The calculation method; ``"mean"`` is the only one.
            vector_index: The vector index the vectorizer feeds.

        Raises:
            ConfigError: No reference properties or an unknown method.
        """
        return VectorizerConfig(
            "ref2vec-centroid",
            {
                "referenceProperties": list(
                    str_tuple(reference_properties, "reference_properties") or ()
                ),
                "method": choice(method, ("mean",), "method"),
            },
            vector_index=vector_index,
        )
