"""Generative and reranker module builders of weavorm.config."""

from __future__ import annotations

from typing import Any

import pytest

from weavorm.config import Generative, GenerativeConfig, Reranker, RerankerConfig
from weavorm.errors import ConfigError

G, R = Generative, Reranker

GENERATIVE: list[tuple[str, GenerativeConfig, str, dict[str, Any]]] = [
    (
        "openai",
        G.openai(
            model="gpt-4o",
            base_url="http://127.0.0.1:8000",
            max_tokens=100,
            temperature=0.5,
            top_p=1.0,
            frequency_penalty=0.1,
            presence_penalty=0.2,
            reasoning_effort="low",
            verbosity="high",
        ),
        "generative-openai",
        {
            "baseURL": "http://127.0.0.1:8000",
            "model": "gpt-4o",
            "maxTokens": 100,
            "temperature": 0.5,
            "topP": 1.0,
            "frequencyPenalty": 0.1,
            "presencePenalty": 0.2,
            "reasoningEffort": "low",
            "verbosity": "high",
        },
    ),
    (
        "azure",
        G.azure_openai(resource_name="r", deployment_id="d", api_version="2024-06-01"),
        "generative-openai",
        {"isAzure": True, "resourceName": "r", "deploymentId": "d", "apiVersion": "2024-06-01"},
    ),
    (
        "anthropic",
        G.anthropic(model="claude-haiku-4-5", max_tokens=5, top_k=3, stop_sequences=["\n\n"]),
        "generative-anthropic",
        {"model": "claude-haiku-4-5", "maxTokens": 5, "topK": 3, "stopSequences": ["\n\n"]},
    ),
    ("anyscale", G.anyscale(temperature=0.1), "generative-anyscale", {"temperature": 0.1}),
    (
        "aws",
        G.aws(region="us-east-1", model="anthropic.claude-3", max_tokens=8, temperature=0.5),
        "generative-aws",
        {
            "region": "us-east-1",
            "service": "bedrock",
            "model": "anthropic.claude-3",
            "maxTokens": 8,
            "temperature": 0.5,
        },
    ),
    (
        "cohere",
        G.cohere(model="command-r", k=5, stop_sequences=["a"]),
        "generative-cohere",
        {"model": "command-r", "k": 5, "stopSequences": ["a"]},
    ),
    (
        "contextualai",
        G.contextualai(
            max_new_tokens=10, system_prompt="s", avoid_commentary=True, knowledge=["k"]
        ),
        "generative-contextualai",
        {"maxNewTokens": 10, "systemPrompt": "s", "avoidCommentary": True, "knowledge": ["k"]},
    ),
    (
        "databricks",
        G.databricks(endpoint="https://db/x", top_k=2),
        "generative-databricks",
        {"endpoint": "https://db/x", "topK": 2},
    ),
    (
        "deepseek",
        G.deepseek(temperature=1.5, frequency_penalty=-1, stop=["x"]),
        "generative-deepseek",
        {"temperature": 1.5, "frequencyPenalty": -1.0, "stop": ["x"]},
    ),
    (
        "digitalocean",
        G.digitalocean(model="llama", presence_penalty=-0.5),
        "generative-digitalocean",
        {"model": "llama", "presencePenalty": -0.5},
    ),
    ("friendliai", G.friendliai(max_tokens=10), "generative-friendliai", {"maxTokens": 10}),
    (
        "google",
        G.google(project_id="p", model="gemini-2.0-flash", token_limit=512, top_k=5),
        "generative-google",
        {"projectId": "p", "model": "gemini-2.0-flash", "tokenLimit": 512, "topK": 5},
    ),
    (
        "google-aistudio",
        G.google_aistudio(model="gemini-2.0-flash"),
        "generative-google",
        {"apiEndpoint": "generativelanguage.googleapis.com", "model": "gemini-2.0-flash"},
    ),
    (
        "meta",
        G.meta(reasoning_effort="xhigh", temperature=1.2),
        "generative-meta",
        {"reasoningEffort": "xhigh", "temperature": 1.2},
    ),
    ("mistral", G.mistral(model="mistral-large"), "generative-mistral", {"model": "mistral-large"}),
    ("nvidia", G.nvidia(top_p=0.5), "generative-nvidia", {"topP": 0.5}),
    (
        "ollama",
        G.ollama(api_endpoint="http://o:11434", model="llama3"),
        "generative-ollama",
        {"apiEndpoint": "http://o:11434", "model": "llama3"},
    ),
    ("xai", G.xai(model="grok-2"), "generative-xai", {"model": "grok-2"}),
    ("dummy", G.dummy(), "generative-dummy", {}),
    ("custom", G.custom("generative-x", {"a": 1}), "generative-x", {"a": 1}),
]


@pytest.mark.parametrize(
    ("label", "config", "module", "settings"), GENERATIVE, ids=[g[0] for g in GENERATIVE]
)
def test_generative_json(
    label: str, config: GenerativeConfig, module: str, settings: dict[str, Any]
) -> None:
    assert isinstance(config, GenerativeConfig)
    assert config.module == module
    assert config.settings_dict() == settings


RERANKERS: list[tuple[RerankerConfig, str, dict[str, Any]]] = [
    (R.transformers(), "reranker-transformers", {}),
    (
        R.cohere(model="rerank-v3.5", base_url="https://c"),
        "reranker-cohere",
        {"model": "rerank-v3.5", "baseURL": "https://c"},
    ),
    (
        R.contextualai(instruction="recent first", top_n=5),
        "reranker-contextualai",
        {"instruction": "recent first", "topN": 5},
    ),
    (
        R.jinaai(model="jina-reranker-v2-base-multilingual"),
        "reranker-jinaai",
        {"model": "jina-reranker-v2-base-multilingual"},
    ),
    (
        R.nvidia(model="nvidia/rerank-qa-mistral-4b"),
        "reranker-nvidia",
        {"model": "nvidia/rerank-qa-mistral-4b"},
    ),
    (R.voyageai(model="rerank-2"), "reranker-voyageai", {"model": "rerank-2"}),
    (R.dummy(), "reranker-dummy", {}),
    (R.custom("reranker-x"), "reranker-x", {}),
]


@pytest.mark.parametrize(("config", "module", "settings"), RERANKERS, ids=[r[1] for r in RERANKERS])
def test_reranker_json(config: RerankerConfig, module: str, settings: dict[str, Any]) -> None:
    assert isinstance(config, RerankerConfig)
    assert config.module == module
    assert config.settings_dict() == settings


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: G.openai(temperature=1.5), "temperature must be <= 1.0"),
        (lambda: G.openai(reasoning_effort="max"), "'minimal', 'low', 'medium', 'high'"),  # type: ignore[arg-type]
        (lambda: G.openai(verbosity="loud"), "'low', 'medium', 'high'"),  # type: ignore[arg-type]
        (lambda: G.openai(max_tokens=0), "max_tokens must be >= 1"),
        (lambda: G.openai(base_url="localhost:8000"), "http:// or https://"),
        (
            lambda: G.azure_openai(resource_name="r", deployment_id="d", api_version="x"),
            "'2024-06-01'",
        ),
        (lambda: G.aws(region="r", model="m", max_tokens=9000), "<= 8192"),
        (lambda: G.deepseek(temperature=3), "<= 2.0"),
        (lambda: G.google(project_id="p", top_k=0), "top_k must be >= 1"),
        (lambda: G.meta(reasoning_effort="ultra"), "'xhigh'"),  # type: ignore[arg-type]
        (lambda: G.databricks(endpoint="https://x", temperature=2), "<= 1.0"),
        (lambda: G.custom("text2vec-openai"), "must start with 'generative-'"),
        (lambda: R.custom("generative-openai"), "must start with 'reranker-'"),
        (lambda: R.contextualai(top_n=0), "top_n must be >= 1"),
        (lambda: G.anthropic(stop_sequences="stop"), "not a single string"),
    ],
)
def test_module_validation(call: Any, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        call()
    assert needle in str(info.value)


# --- one GenerativeConfig for collections and queries ------------------------------------


def test_one_generative_config_class() -> None:
    import weavorm.engine
    from weavorm.engine import generative_config

    assert weavorm.engine.GenerativeConfig is GenerativeConfig
    assert generative_config.GenerativeConfig is GenerativeConfig
    assert G.openai is GenerativeConfig.openai and G.google is GenerativeConfig.google
    assert isinstance(G.openai(model="m"), GenerativeConfig)


@pytest.mark.parametrize(
    ("config", "needle"),
    [
        (G.aws(region="r"), "needs model="),
        (G.aws(service="sagemaker", endpoint="e"), "region= is required"),
        (G.azure_openai(resource_name="r"), "deployment_id= is required"),
        (G.databricks(), "endpoint= is required"),
        (G.google(api_endpoint="x.googleapis.com"), "project_id is required"),
        (G.openai(n=2), "n can only be set per query"),
        (G.cohere(p=0.5, presence_penalty=0.1), "p, presence_penalty can only be set per query"),
        (G.ollama(temperature=0.2), "temperature can only be set per query"),
    ],
)
def test_a_collection_refuses_query_only_or_incomplete_configs(
    config: GenerativeConfig, needle: str
) -> None:
    from weavorm.config import CollectionConfig

    with pytest.raises(ConfigError) as info:
        CollectionConfig("Doc", generative=config)
    assert needle in str(info.value)


def test_settings_and_query_options_reach_the_grpc_message() -> None:
    from weavorm.engine._protocol.generative import provider_message

    google = G.google(project_id="p", token_limit=5, stop_sequences=["x"], top_k=2)
    assert google.settings["tokenLimit"] == 5 and dict(google.query_options) == {
        "stop_sequences": ("x",)
    }
    msg = provider_message(google).google
    assert (msg.max_tokens, msg.top_k, msg.project_id) == (5, 2, "p")
    assert list(msg.stop_sequences.values) == ["x"]
    assert provider_message(G.google(max_tokens=7)).google.max_tokens == 7
    with pytest.raises(ConfigError, match="same setting"):
        G.google(token_limit=1, max_tokens=2)
    azure = provider_message(G.azure_openai(resource_name="r", deployment_id="d", n=3)).openai
    assert (azure.is_azure, azure.resource_name, azure.deployment_id, azure.n) == (
        True,
        "r",
        "d",
        3,
    )
    meta = provider_message(G.meta(model="m", reasoning_effort="xhigh")).meta
    assert meta.model == "m" and meta.reasoning_effort == meta.REASONING_EFFORT_XHIGH


def test_collection_only_settings_are_refused_per_query() -> None:
    from weavorm.engine._protocol.generative import provider_message
    from weavorm.errors import QueryError

    with pytest.raises(QueryError, match="'topK' is a collection setting"):
        provider_message(G.aws(region="r", model="m", top_k=3))
    with pytest.raises(QueryError, match="cannot be chosen per query"):
        provider_message(G.custom("generative-unknown"))
