"""Vectorizer and named-vector builders of weavorm.config."""

from __future__ import annotations

from typing import Any

import pytest

from weavorm.config import (
    MultiVector,
    NamedVector,
    Quantizer,
    VectorIndex,
    Vectorizer,
    VectorizerConfig,
    Vectors,
)
from weavorm.errors import ConfigError

V = Vectorizer

# (factory call, module, settings) — keys as read by the 1.39 modules' class_settings.go
CASES: list[tuple[str, VectorizerConfig, str, dict[str, Any]]] = [
    ("none", V.none(), "none", {}),
    ("self_provided", V.self_provided(), "none", {}),
    (
        "openai",
        V.text2vec_openai(
            model="text-embedding-3-large",
            dimensions=1024,
            base_url="https://api.openai.com",
            source_properties=["title"],
        ),
        "text2vec-openai",
        {
            "model": "text-embedding-3-large",
            "dimensions": 1024,
            "baseURL": "https://api.openai.com",
            "properties": ["title"],
            "vectorizeClassName": False,
        },
    ),
    (
        "openai-legacy",
        V.text2vec_openai(model="ada", type="text", model_version="002", endpoint="/v1/x"),
        "text2vec-openai",
        {
            "model": "ada",
            "type": "text",
            "modelVersion": "002",
            "endpoint": "/v1/x",
            "vectorizeClassName": False,
        },
    ),
    (
        "azure",
        V.text2vec_azure_openai(
            resource_name="r", deployment_id="d", api_version="2024-02-01", base_url="https://x.io"
        ),
        "text2vec-openai",
        {
            "isAzure": True,
            "resourceName": "r",
            "deploymentId": "d",
            "apiVersion": "2024-02-01",
            "baseURL": "https://x.io",
            "vectorizeClassName": False,
        },
    ),
    (
        "cohere",
        V.text2vec_cohere(model="embed-v4.0", dimensions=512, truncate="LEFT"),
        "text2vec-cohere",
        {"model": "embed-v4.0", "dimensions": 512, "truncate": "LEFT", "vectorizeClassName": False},
    ),
    (
        "transformers",
        V.text2vec_transformers(
            inference_url="http://t:8080", pooling_strategy="cls", vectorize_collection_name=True
        ),
        "text2vec-transformers",
        {"inferenceUrl": "http://t:8080", "poolingStrategy": "cls", "vectorizeClassName": True},
    ),
    (
        "transformers-split",
        V.text2vec_transformers(passage_inference_url="http://p", query_inference_url="http://q"),
        "text2vec-transformers",
        {
            "passageInferenceUrl": "http://p",
            "queryInferenceUrl": "http://q",
            "vectorizeClassName": False,
        },
    ),
    (
        "ollama",
        V.text2vec_ollama(api_endpoint="http://o:11434", model="nomic-embed-text"),
        "text2vec-ollama",
        {"apiEndpoint": "http://o:11434", "model": "nomic-embed-text", "vectorizeClassName": False},
    ),
    (
        "huggingface",
        V.text2vec_huggingface(model="m", wait_for_model=True, use_gpu=False, use_cache=True),
        "text2vec-huggingface",
        {
            "model": "m",
            "options": {"waitForModel": True, "useGPU": False, "useCache": True},
            "vectorizeClassName": False,
        },
    ),
    (
        "jinaai",
        V.text2vec_jinaai(model="jina-embeddings-v3", dimensions=256),
        "text2vec-jinaai",
        {"model": "jina-embeddings-v3", "dimensions": 256, "vectorizeClassName": False},
    ),
    (
        "voyageai",
        V.text2vec_voyageai(model="voyage-3.5", truncate=False),
        "text2vec-voyageai",
        {"model": "voyage-3.5", "truncate": False, "vectorizeClassName": False},
    ),
    (
        "google",
        V.text2vec_google(project_id="p", location="europe-west1", task_type="CLUSTERING"),
        "text2vec-google",
        {
            "projectId": "p",
            "location": "europe-west1",
            "taskType": "CLUSTERING",
            "vectorizeClassName": False,
        },
    ),
    (
        "google-aistudio",
        V.text2vec_google_aistudio(model="gemini-embedding-001", title_property="title"),
        "text2vec-google",
        {
            "apiEndpoint": "generativelanguage.googleapis.com",
            "model": "gemini-embedding-001",
            "titleProperty": "title",
            "vectorizeClassName": False,
        },
    ),
    (
        "aws",
        V.text2vec_aws(region="us-east-1", model="amazon.titan-embed-text-v2:0"),
        "text2vec-aws",
        {
            "region": "us-east-1",
            "service": "bedrock",
            "model": "amazon.titan-embed-text-v2:0",
            "vectorizeClassName": False,
        },
    ),
    (
        "aws-sagemaker",
        V.text2vec_aws(region="eu-west-1", service="sagemaker", endpoint="ep", target_model="tm"),
        "text2vec-aws",
        {
            "region": "eu-west-1",
            "service": "sagemaker",
            "endpoint": "ep",
            "targetModel": "tm",
            "vectorizeClassName": False,
        },
    ),
    (
        "mistral",
        V.text2vec_mistral(model="mistral-embed"),
        "text2vec-mistral",
        {"model": "mistral-embed", "vectorizeClassName": False},
    ),
    (
        "nvidia",
        V.text2vec_nvidia(model="nvidia/nv-embed-v1", truncate="END"),
        "text2vec-nvidia",
        {"model": "nvidia/nv-embed-v1", "truncate": "END", "vectorizeClassName": False},
    ),
    (
        "databricks",
        V.text2vec_databricks(endpoint="https://db/x", instruction="i"),
        "text2vec-databricks",
        {"endpoint": "https://db/x", "instruction": "i", "vectorizeClassName": False},
    ),
    (
        "weaviate",
        V.text2vec_weaviate(model="Snowflake/snowflake-arctic-embed-m-v1.5", dimensions=256),
        "text2vec-weaviate",
        {
            "model": "Snowflake/snowflake-arctic-embed-m-v1.5",
            "dimensions": 256,
            "vectorizeClassName": False,
        },
    ),
    (
        "contextionary",
        V.text2vec_contextionary(),
        "text2vec-contextionary",
        {"vectorizeClassName": False},
    ),
    ("gpt4all", V.text2vec_gpt4all(), "text2vec-gpt4all", {"vectorizeClassName": False}),
    (
        "model2vec",
        V.text2vec_model2vec(inference_url="http://m2v"),
        "text2vec-model2vec",
        {"inferenceUrl": "http://m2v", "vectorizeClassName": False},
    ),
    (
        "morph",
        V.text2vec_morph(model="morph-embedding-v3", endpoint="/v1/embeddings"),
        "text2vec-morph",
        {"model": "morph-embedding-v3", "endpoint": "/v1/embeddings", "vectorizeClassName": False},
    ),
    (
        "digitalocean",
        V.text2vec_digitalocean(model="gte-large"),
        "text2vec-digitalocean",
        {"model": "gte-large", "vectorizeClassName": False},
    ),
    ("bigram", V.text2vec_bigram(), "text2vec-bigram", {"vectorizeClassName": False}),
    (
        "text2multivec-jinaai",
        V.text2multivec_jinaai(model="jina-colbert-v2", dimensions=128),
        "text2multivec-jinaai",
        {"model": "jina-colbert-v2", "dimensions": 128, "vectorizeClassName": False},
    ),
    (
        "clip",
        V.multi2vec_clip(
            image_fields={"img": 0.7}, text_fields={"title": 0.3}, inference_url="http://c"
        ),
        "multi2vec-clip",
        {
            "imageFields": ["img"],
            "textFields": ["title"],
            "weights": {"imageFields": [0.7], "textFields": [0.3]},
            "inferenceUrl": "http://c",
        },
    ),
    (
        "bind",
        V.multi2vec_bind(
            image_fields=["i"], audio_fields=["a"], imu_fields=["m"], depth_fields=["d"]
        ),
        "multi2vec-bind",
        {"imageFields": ["i"], "audioFields": ["a"], "imuFields": ["m"], "depthFields": ["d"]},
    ),
    (
        "m-cohere",
        V.multi2vec_cohere(image_fields=["i"], text_fields=["t"], truncate="END"),
        "multi2vec-cohere",
        {"imageFields": ["i"], "textFields": ["t"], "truncate": "END"},
    ),
    (
        "m-jinaai",
        V.multi2vec_jinaai(image_fields=["i"], dimensions=512),
        "multi2vec-jinaai",
        {"imageFields": ["i"], "dimensions": 512},
    ),
    (
        "m-voyageai",
        V.multi2vec_voyageai(video_fields=["v"], truncate=True),
        "multi2vec-voyageai",
        {"videoFields": ["v"], "truncate": True},
    ),
    (
        "m-nvidia",
        V.multi2vec_nvidia(text_fields=["t"], model="nvidia/nvclip"),
        "multi2vec-nvidia",
        {"textFields": ["t"], "model": "nvidia/nvclip"},
    ),
    (
        "m-aws",
        V.multi2vec_aws(region="us-east-1", image_fields=["i"], dimensions=1024),
        "multi2vec-aws",
        {"imageFields": ["i"], "region": "us-east-1", "dimensions": 1024},
    ),
    (
        "m-google",
        V.multi2vec_google(
            project_id="p",
            location="us-central1",
            video_fields=["v"],
            dimensions=1408,
            video_interval_seconds=15,
        ),
        "multi2vec-google",
        {
            "videoFields": ["v"],
            "projectId": "p",
            "location": "us-central1",
            "dimensions": 1408,
            "videoIntervalSeconds": 15,
        },
    ),
    (
        "m-twelvelabs",
        V.multi2vec_twelvelabs(text_fields=["t"]),
        "multi2vec-twelvelabs",
        {"textFields": ["t"]},
    ),
    (
        "mm-jinaai",
        V.multi2multivec_jinaai(image_fields=["i"]),
        "multi2multivec-jinaai",
        {"imageFields": ["i"]},
    ),
    (
        "mm-weaviate",
        V.multi2multivec_weaviate(image_fields=["i"]),
        "multi2multivec-weaviate",
        {"imageFields": ["i"]},
    ),
    ("img2vec", V.img2vec_neural(image_fields=["i"]), "img2vec-neural", {"imageFields": ["i"]}),
    (
        "ref2vec",
        V.ref2vec_centroid(reference_properties=["cites"]),
        "ref2vec-centroid",
        {"referenceProperties": ["cites"], "method": "mean"},
    ),
    ("custom", V.custom("text2vec-x", {"a": [1]}), "text2vec-x", {"a": [1]}),
]


@pytest.mark.parametrize(
    ("label", "config", "module", "settings"), CASES, ids=[c[0] for c in CASES]
)
def test_vectorizer_json(
    label: str, config: VectorizerConfig, module: str, settings: dict[str, Any]
) -> None:
    assert config.module == module
    assert config.settings_dict() == settings
    assert config.module_dict() == {module: settings}


def test_named_vectors_take_the_same_options() -> None:
    vector = Vectors.text2vec_transformers(
        "title_vec",
        source_properties=["title"],
        vector_index=VectorIndex.hnsw(distance="dot", quantizer=Quantizer.rq()),
    )
    assert isinstance(vector, NamedVector)
    assert vector.name == "title_vec"
    assert vector.module == "text2vec-transformers"
    assert vector.vectorizer.source_properties == ("title",)
    assert vector.to_dict() == {
        "vectorizer": {
            "text2vec-transformers": {"properties": ["title"], "vectorizeClassName": False}
        },
        "vectorIndexType": "hnsw",
        "vectorIndexConfig": {"distance": "dot", "rq": {"enabled": True}},
    }
    assert Vectors.self_provided("v").to_dict() == {"vectorizer": {"none": {}}}
    assert Vectors.text2vec_transformers.__doc__
    assert "text2vec_transformers" in Vectors.text2vec_transformers.__name__


def test_every_vectorizer_factory_has_a_named_twin() -> None:
    factories = {n for n in dir(Vectorizer) if not n.startswith("_")}
    assert factories <= {n for n in dir(Vectors) if not n.startswith("_")}


def test_multi_vector_modules() -> None:
    colbert = Vectors.text2colbert_jinaai("c", vector_index=VectorIndex.hnsw())
    assert colbert.module == "text2multivec-jinaai"
    assert colbert.vectorizer.is_multi_vector
    with pytest.raises(ConfigError, match="only the 'hnsw' index"):
        Vectors.text2multivec_jinaai("c", vector_index=VectorIndex.flat())
    own = Vectors.self_provided("mv", vector_index=VectorIndex.hnsw(multi_vector=MultiVector()))
    assert own.vectorizer.is_multi_vector
    with pytest.raises(ConfigError, match="produces single vectors"):
        Vectors.text2vec_openai("x", vector_index=VectorIndex.hnsw(multi_vector=MultiVector()))


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: V.text2vec_openai(type="json"), "'json'; valid choices are 'text', 'code'"),  # type: ignore[arg-type]
        (lambda: V.text2vec_openai(model="text-embedding-3-small", dimensions=999), "512, 1536"),
        (lambda: V.text2vec_openai(base_url="ftp://x"), "http:// or https://"),
        (
            lambda: V.text2vec_azure_openai(
                resource_name="r", deployment_id="d", api_version="1999"
            ),
            "'2024-02-01'",
        ),
        (
            lambda: V.text2vec_azure_openai(resource_name="r", deployment_id="d", dimensions=7),
            "512, 1536",
        ),
        (lambda: V.text2vec_cohere(truncate="MIDDLE"), "'LEFT'"),  # type: ignore[arg-type]
        (
            lambda: V.text2vec_transformers(
                inference_url="http://a", passage_inference_url="http://b"
            ),
            "not both",
        ),
        (lambda: V.text2vec_transformers(passage_inference_url="http://b"), "must be set together"),
        (lambda: V.text2vec_transformers(pooling_strategy="max"), "'masked_mean', 'cls'"),  # type: ignore[arg-type]
        (lambda: V.text2vec_huggingface(model="a", passage_model="b"), "not both"),
        (lambda: V.text2vec_google(), "project_id is required"),
        (lambda: V.text2vec_google(project_id="p", task_type="X"), "'RETRIEVAL_QUERY'"),  # type: ignore[arg-type]
        (lambda: V.text2vec_google(project_id="p", api_endpoint="evil.com"), "googleapis.com"),
        (lambda: V.text2vec_google(project_id="p", location="a/b"), "region name"),
        (lambda: V.text2vec_aws(region="r"), "needs model="),
        (lambda: V.text2vec_aws(region="r", service="sagemaker", model="m"), "needs endpoint="),
        (lambda: V.text2vec_aws(region="r", service="lambda", model="m"), "'bedrock', 'sagemaker'"),  # type: ignore[arg-type]
        (lambda: V.text2vec_nvidia(truncate="LEFT"), "'NONE', 'START', 'END'"),  # type: ignore[arg-type]
        (lambda: V.text2vec_databricks(endpoint=""), "endpoint"),
        (lambda: V.text2vec_jinaai(dimensions=0), "dimensions must be >= 1"),
        (lambda: V.text2vec_openai(source_properties="title"), "not a single string"),
        (lambda: V.text2vec_openai(source_properties=[]), "at least one"),
        (lambda: V.multi2vec_clip(), "at least one of image_fields, text_fields"),
        (lambda: V.multi2vec_clip(image_fields={"i": "heavy"}), "weight of 'i' must be a number"),  # type: ignore[dict-item]
        (lambda: V.multi2vec_google(image_fields=["i"]), "required for Vertex AI"),
        (
            lambda: V.multi2vec_google(
                project_id="p", location="l", image_fields=["i"], dimensions=100
            ),
            "1408",
        ),
        (
            lambda: V.multi2multivec_jinaai(image_fields=["a"], text_fields=["b"]),
            "exactly one field",
        ),
        (lambda: V.multi2multivec_jinaai(image_fields=["a", "b"]), "exactly one field"),
        (lambda: V.img2vec_neural(image_fields=[]), "at least one"),
        (lambda: V.ref2vec_centroid(reference_properties=["r"], method="median"), "'mean'"),  # type: ignore[arg-type]
        (lambda: V.custom(""), "module must not be empty"),
        (lambda: Vectors.self_provided("1bad"), "invalid vector name '1bad'"),
        (lambda: V.none(vector_index="hnsw"), "VectorIndex.hnsw/flat/dynamic/hfresh"),  # type: ignore[arg-type]
    ],
)
def test_vectorizer_validation(call: Any, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        call()
    assert needle in str(info.value)


def test_vectorizer_configs_are_frozen_and_comparable() -> None:
    a = V.text2vec_ollama(model="m")
    b = V.text2vec_ollama(model="m")
    assert a == b
    with pytest.raises(TypeError):
        a.settings["model"] = "x"  # type: ignore[index]
    assert a.get("model") == "m"
    assert a.vectorize_collection_name is False
