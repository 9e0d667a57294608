"""Factories of the ``generative-*`` (RAG) modules of Weaviate 1.39.

Setting keys and value ranges are read from each module's ``config/class_settings.go``.
Options left at ``None`` are not sent, so the module (or a per-query option) decides.
``generative-octoai`` is not offered: the OctoAI service is shut down and the 1.39
module only returns errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from weavorm.config._common import (
    check_str,
    choice,
    fail,
    opt_bool,
    opt_float,
    opt_int,
    opt_str,
    opt_url,
    str_tuple,
)
from weavorm.config._modules import GenerativeConfig, settings
from weavorm.config._text2vec import GOOGLE_AI_STUDIO_ENDPOINT, google_endpoint, google_location

__all__ = ["Generative"]

OPENAI_GENERATIVE_API_VERSIONS = (
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
    "2024-06-01",
)
OpenAIReasoningEffort = Literal["minimal", "low", "medium", "high"]
OpenAIVerbosity = Literal["low", "medium", "high"]
MetaReasoningEffort = Literal["none", "minimal", "low", "medium", "high", "xhigh"]


def _gen(module: str, **values: Any) -> GenerativeConfig:
    return GenerativeConfig(module, settings(**values))


def _openai_common(
    *,
    model: str | None,
    max_tokens: int | None,
    temperature: float | None,
    top_p: float | None,
    frequency_penalty: float | None,
    presence_penalty: float | None,
    reasoning_effort: str | None,
    verbosity: str | None,
) -> dict[str, Any]:
    return {
        "model": opt_str(model, "model"),
        "maxTokens": opt_int(max_tokens, "max_tokens", minimum=1),
        "temperature": opt_float(temperature, "temperature", minimum=0.0, maximum=1.0),
        "topP": opt_float(top_p, "top_p", minimum=0.0, maximum=5.0),
        "frequencyPenalty": opt_float(
            frequency_penalty, "frequency_penalty", minimum=0.0, maximum=1.0
        ),
        "presencePenalty": opt_float(
            presence_penalty, "presence_penalty", minimum=0.0, maximum=1.0
        ),
        "reasoningEffort": None
        if reasoning_effort is None
        else choice(reasoning_effort, ("minimal", "low", "medium", "high"), "reasoning_effort"),
        "verbosity": None
        if verbosity is None
        else choice(verbosity, ("low", "medium", "high"), "verbosity"),
    }


class Generative:
    """Factories of generative module configurations (method names = module names)."""

    @staticmethod
    def openai(
        *,
        model: str | None = None,
        base_url: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
        reasoning_effort: OpenAIReasoningEffort | None = None,
        verbosity: OpenAIVerbosity | None = None,
    ) -> GenerativeConfig:
        """OpenAI (or any OpenAI-compatible server), ``generative-openai``.

        Args:
            model: Model name (server default ``gpt-5-mini``).
            base_url: API base URL, e.g. a local ``/v1/chat/completions`` server.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature, 0..1.
            top_p: Nucleus sampling, 0..5 (as the module validates it).
            frequency_penalty: Frequency penalty, 0..1.
            presence_penalty: Presence penalty, 0..1.
            reasoning_effort: ``"minimal"``, ``"low"``, ``"medium"`` or ``"high"``.
            verbosity: ``"low"``, ``"medium"`` or ``"high"``.

        Raises:
            ConfigError: A value out of range or not among the choices.
        """
        return _gen(
            "generative-openai",
            baseURL=opt_url(base_url, "base_url"),
            **_openai_common(
                model=model,
                max_tokens=max_tokens,
                temperature=temperature,
                top_p=top_p,
                frequency_penalty=frequency_penalty,
                presence_penalty=presence_penalty,
                reasoning_effort=reasoning_effort,
                verbosity=verbosity,
            ),
        )

    @staticmethod
    def azure_openai(
        *,
        resource_name: str,
        deployment_id: str,
        base_url: str | None = None,
        api_version: str | None = None,
        model: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
        reasoning_effort: OpenAIReasoningEffort | None = None,
        verbosity: OpenAIVerbosity | None = None,
    ) -> GenerativeConfig:
        """Azure OpenAI (module ``generative-openai`` with ``isAzure``).

        Args:
            resource_name: The Azure resource name.
            deployment_id: The deployment ID.
            base_url: API base URL override.
            api_version: Azure API version (server default ``2024-06-01``).
            model: Model name.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature, 0..1.
            top_p: Nucleus sampling, 0..5.
            frequency_penalty: Frequency penalty, 0..1.
            presence_penalty: Presence penalty, 0..1.
            reasoning_effort: ``"minimal"``, ``"low"``, ``"medium"`` or ``"high"``.
            verbosity: ``"low"``, ``"medium"`` or ``"high"``.

        Raises:
            ConfigError: A missing resource or deployment, or an invalid value.
        """
        return _gen(
            "generative-openai",
            isAzure=True,
            resourceName=check_str(resource_name, "resource_name"),
            deploymentId=check_str(deployment_id, "deployment_id"),
            baseURL=opt_url(base_url, "base_url"),
            apiVersion=None
            if api_version is None
            else choice(api_version, OPENAI_GENERATIVE_API_VERSIONS, "api_version"),
            **_openai_common(
                model=model,
                max_tokens=max_tokens,
                temperature=temperature,
                top_p=top_p,
                frequency_penalty=frequency_penalty,
                presence_penalty=presence_penalty,
                reasoning_effort=reasoning_effort,
                verbosity=verbosity,
            ),
        )

    @staticmethod
    def anthropic(
        *,
        model: str | None = None,
        base_url: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        stop_sequences: Sequence[str] | None = None,
    ) -> GenerativeConfig:
        """Anthropic Claude, ``generative-anthropic``.

        Args:
            model: Model name (server default ``claude-haiku-4-5``).
            base_url: API base URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature.
            top_k: Top-k sampling.
            top_p: Nucleus sampling.
            stop_sequences: Sequences that stop generation.

        Raises:
            ConfigError: An invalid value.
        """
        return _gen(
            "generative-anthropic",
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
            maxTokens=opt_int(max_tokens, "max_tokens", minimum=1),
            temperature=opt_float(temperature, "temperature", minimum=0.0),
            topK=opt_int(top_k, "top_k", minimum=1),
            topP=opt_float(top_p, "top_p", minimum=0.0, maximum=1.0),
            stopSequences=str_tuple(
                stop_sequences, "stop_sequences", allow_empty=True, allow_blank_items=True
            ),
        )

    @staticmethod
    def anyscale(
        *,
        model: str | None = None,
        base_url: str | None = None,
        temperature: float | None = None,
    ) -> GenerativeConfig:
        """Anyscale endpoints, ``generative-anyscale``.

        Args:
            model: Model name (server default ``meta-llama/Llama-2-70b-chat-hf``).
            base_url: API base URL.
            temperature: Sampling temperature.

        Raises:
            ConfigError: An invalid value.
        """
        return _gen(
            "generative-anyscale",
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
            temperature=opt_float(temperature, "temperature", minimum=0.0),
        )

    @staticmethod
    def aws(
        *,
        region: str,
        service: Literal["bedrock", "sagemaker"] = "bedrock",
        model: str | None = None,
        endpoint: str | None = None,
        target_model: str | None = None,
        target_variant: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        stop_sequences: Sequence[str] | None = None,
    ) -> GenerativeConfig:
        """AWS Bedrock or SageMaker, ``generative-aws``.

        Args:
            region: AWS region.
            service: ``"bedrock"`` (needs ``model``) or ``"sagemaker"`` (needs ``endpoint``).
            model: Bedrock model ID.
            endpoint: SageMaker endpoint.
            target_model: SageMaker target model.
            target_variant: SageMaker target variant.
            max_tokens: Maximum tokens, 1..8192 on Bedrock.
            temperature: Sampling temperature, 0..1 on Bedrock.
            top_k: Top-k sampling.
            top_p: Nucleus sampling, 0..1 on Bedrock.
            stop_sequences: Sequences that stop generation.

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
        bedrock = svc == "bedrock"
        return _gen(
            "generative-aws",
            region=check_str(region, "region"),
            service=svc,
            model=opt_str(model, "model"),
            endpoint=opt_str(endpoint, "endpoint"),
            targetModel=opt_str(target_model, "target_model"),
            targetVariant=opt_str(target_variant, "target_variant"),
            maxTokens=opt_int(
                max_tokens, "max_tokens", minimum=1, maximum=8192 if bedrock else None
            ),
            temperature=opt_float(
                temperature, "temperature", minimum=0.0, maximum=1.0 if bedrock else None
            ),
            topK=opt_int(top_k, "top_k", minimum=0),
            topP=opt_float(top_p, "top_p", minimum=0.0, maximum=1.0),
            stopSequences=str_tuple(
                stop_sequences, "stop_sequences", allow_empty=True, allow_blank_items=True
            ),
        )

    @staticmethod
    def cohere(
        *,
        model: str | None = None,
        base_url: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        k: int | None = None,
        stop_sequences: Sequence[str] | None = None,
    ) -> GenerativeConfig:
        """Cohere, ``generative-cohere``.

        Args:
            model: Model name (server default ``command-a-03-2025``).
            base_url: API base URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature.
            k: Top-k sampling.
            stop_sequences: Sequences that stop generation.

        Raises:
            ConfigError: An invalid value.
        """
        return _gen(
            "generative-cohere",
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
            maxTokens=opt_int(max_tokens, "max_tokens", minimum=1),
            temperature=opt_float(temperature, "temperature", minimum=0.0),
            k=opt_int(k, "k", minimum=0),
            stopSequences=str_tuple(
                stop_sequences, "stop_sequences", allow_empty=True, allow_blank_items=True
            ),
        )

    @staticmethod
    def contextualai(
        *,
        model: str | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        max_new_tokens: int | None = None,
        system_prompt: str | None = None,
        avoid_commentary: bool | None = None,
        knowledge: Sequence[str] | None = None,
    ) -> GenerativeConfig:
        """Contextual AI grounded generation, ``generative-contextualai``.

        Args:
            model: Model name (server default ``v2``).
            temperature: Sampling temperature.
            top_p: Nucleus sampling.
            max_new_tokens: Maximum tokens to generate.
            system_prompt: System prompt.
            avoid_commentary: Avoid commentary beyond the grounded answer.
            knowledge: Extra knowledge snippets.

        Raises:
            ConfigError: An invalid value.
        """
        return _gen(
            "generative-contextualai",
            model=opt_str(model, "model"),
            temperature=opt_float(temperature, "temperature", minimum=0.0),
            topP=opt_float(top_p, "top_p", minimum=0.0, maximum=1.0),
            maxNewTokens=opt_int(max_new_tokens, "max_new_tokens", minimum=1),
            systemPrompt=opt_str(system_prompt, "system_prompt"),
            avoidCommentary=opt_bool(avoid_commentary, "avoid_commentary"),
            knowledge=str_tuple(knowledge, "knowledge", allow_empty=True),
        )

    @staticmethod
    def databricks(
        *,
        endpoint: str,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
    ) -> GenerativeConfig:
        """Databricks model serving, ``generative-databricks``.

        Args:
            endpoint: The serving endpoint URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature, 0..1.
            top_k: Top-k sampling, >= 1.
            top_p: Nucleus sampling, 0..5.

        Raises:
            ConfigError: A missing endpoint or a value out of range.
        """
        return _gen(
            "generative-databricks",
            endpoint=check_str(opt_url(endpoint, "endpoint"), "endpoint"),
            maxTokens=opt_int(max_tokens, "max_tokens", minimum=1),
            temperature=opt_float(temperature, "temperature", minimum=0.0, maximum=1.0),
            topK=opt_int(top_k, "top_k", minimum=1),
            topP=opt_float(top_p, "top_p", minimum=0.0, maximum=5.0),
        )

    @staticmethod
    def deepseek(
        *,
        model: str | None = None,
        base_url: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
        stop: Sequence[str] | None = None,
    ) -> GenerativeConfig:
        """DeepSeek, ``generative-deepseek``.

        Args:
            model: Model name (server default ``deepseek-chat``).
            base_url: API base URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature, 0..2.
            top_p: Nucleus sampling, 0..1.
            frequency_penalty: Frequency penalty, -2..2.
            presence_penalty: Presence penalty, -2..2.
            stop: Sequences that stop generation.

        Raises:
            ConfigError: A value out of range.
        """
        return _gen(
            "generative-deepseek",
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
            maxTokens=opt_int(max_tokens, "max_tokens", minimum=1),
            temperature=opt_float(temperature, "temperature", minimum=0.0, maximum=2.0),
            topP=opt_float(top_p, "top_p", minimum=0.0, maximum=1.0),
            frequencyPenalty=opt_float(
                frequency_penalty, "frequency_penalty", minimum=-2.0, maximum=2.0
            ),
            presencePenalty=opt_float(
                presence_penalty, "presence_penalty", minimum=-2.0, maximum=2.0
            ),
            stop=str_tuple(stop, "stop", allow_empty=True, allow_blank_items=True),
        )

    @staticmethod
    def digitalocean(
        *,
        model: str | None = None,
        base_url: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
        stop: Sequence[str] | None = None,
    ) -> GenerativeConfig:
        """DigitalOcean Serverless Inference, ``generative-digitalocean``.

        Args:
            model: Model name (server default ``llama-4-maverick``).
            base_url: API base URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature, 0..2.
            top_p: Nucleus sampling, 0..1.
            frequency_penalty: Frequency penalty, -2..2.
            presence_penalty: Presence penalty, -2..2.
            stop: Sequences that stop generation.

        Raises:
            ConfigError: A value out of range.
        """
        return _gen(
            "generative-digitalocean",
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
            maxTokens=opt_int(max_tokens, "max_tokens", minimum=1),
            temperature=opt_float(temperature, "temperature", minimum=0.0, maximum=2.0),
            topP=opt_float(top_p, "top_p", minimum=0.0, maximum=1.0),
            frequencyPenalty=opt_float(
                frequency_penalty, "frequency_penalty", minimum=-2.0, maximum=2.0
            ),
            presencePenalty=opt_float(
                presence_penalty, "presence_penalty", minimum=-2.0, maximum=2.0
            ),
            stop=str_tuple(stop, "stop", allow_empty=True, allow_blank_items=True),
        )

    @staticmethod
    def friendliai(
        *,
        model: str | None = None,
        base_url: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> GenerativeConfig:
        """FriendliAI, ``generative-friendliai``.

        Args:
            model: Model name (server default ``meta-llama-3.1-70b-instruct``).
            base_url: API base URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature.

        Raises:
            ConfigError: An invalid value.
        """
        return _gen(
            "generative-friendliai",
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
            maxTokens=opt_int(max_tokens, "max_tokens", minimum=1),
            temperature=opt_float(temperature, "temperature", minimum=0.0),
        )

    @staticmethod
    def google(
        *,
        project_id: str | None = None,
        location: str | None = None,
        region: str | None = None,
        api_endpoint: str | None = None,
        endpoint_id: str | None = None,
        model: str | None = None,
        temperature: float | None = None,
        token_limit: int | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
    ) -> GenerativeConfig:
        """Google Vertex AI / AI Studio (Gemini), ``generative-google`` (formerly ``-palm``).

        Args:
            project_id: Google Cloud project (required for Vertex AI).
            location: Vertex AI location (server default ``us-central1``).
            region: Vertex AI region of a custom endpoint.
            api_endpoint: API host; ``generativelanguage.googleapis.com`` for AI Studio.
            endpoint_id: Vertex AI custom endpoint ID.
            model: Model name.
            temperature: Sampling temperature, 0..1.
            token_limit: Maximum output tokens.
            top_k: Top-k sampling, >= 1.
            top_p: Nucleus sampling, 0..1.

        Raises:
            ConfigError: A missing project for Vertex AI, a non-Google host or a value out
                of range.
        """
        endpoint = google_endpoint(api_endpoint)
        project = opt_str(project_id, "project_id")
        if project is None and endpoint not in (None, GOOGLE_AI_STUDIO_ENDPOINT):
            raise fail("project_id is required for Vertex AI", field="project_id", value=None)
        return _gen(
            "generative-google",
            projectId=project,
            location=google_location(location),
            region=google_location(region, "region"),
            apiEndpoint=endpoint,
            endpointId=opt_str(endpoint_id, "endpoint_id"),
            model=opt_str(model, "model"),
            temperature=opt_float(temperature, "temperature", minimum=0.0, maximum=1.0),
            tokenLimit=opt_int(token_limit, "token_limit", minimum=1),
            topK=opt_int(top_k, "top_k", minimum=1),
            topP=opt_float(top_p, "top_p", minimum=0.0, maximum=1.0),
        )

    @staticmethod
    def google_aistudio(
        *,
        model: str | None = None,
        temperature: float | None = None,
        token_limit: int | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
    ) -> GenerativeConfig:
        """Google AI Studio (Gemini API), ``generative-google`` on the AI Studio host.

        Args:
            model: Model name.
            temperature: Sampling temperature, 0..1.
            token_limit: Maximum output tokens.
            top_k: Top-k sampling, >= 1.
            top_p: Nucleus sampling, 0..1.

        Raises:
            ConfigError: A value out of range.
        """
        return Generative.google(
            api_endpoint=GOOGLE_AI_STUDIO_ENDPOINT,
            model=model,
            temperature=temperature,
            token_limit=token_limit,
            top_k=top_k,
            top_p=top_p,
        )

    @staticmethod
    def meta(
        *,
        model: str | None = None,
        base_url: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
        reasoning_effort: MetaReasoningEffort | None = None,
    ) -> GenerativeConfig:
        """Meta AI (Llama API), ``generative-meta``.

        Args:
            model: Model name (server default ``muse-spark-1.2``).
            base_url: API base URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature, 0..2.
            top_p: Nucleus sampling, 0..1.
            frequency_penalty: Frequency penalty, -2..2.
            presence_penalty: Presence penalty, -2..2.
            reasoning_effort: ``"none"``, ``"minimal"``, ``"low"``, ``"medium"``,
                ``"high"`` or ``"xhigh"``.

        Raises:
            ConfigError: A value out of range or not among the choices.
        """
        return _gen(
            "generative-meta",
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
            maxTokens=opt_int(max_tokens, "max_tokens", minimum=1),
            temperature=opt_float(temperature, "temperature", minimum=0.0, maximum=2.0),
            topP=opt_float(top_p, "top_p", minimum=0.0, maximum=1.0),
            frequencyPenalty=opt_float(
                frequency_penalty, "frequency_penalty", minimum=-2.0, maximum=2.0
            ),
            presencePenalty=opt_float(
                presence_penalty, "presence_penalty", minimum=-2.0, maximum=2.0
            ),
            reasoningEffort=None
            if reasoning_effort is None
            else choice(
                reasoning_effort,
                ("none", "minimal", "low", "medium", "high", "xhigh"),
                "reasoning_effort",
            ),
        )

    @staticmethod
    def mistral(
        *,
        model: str | None = None,
        base_url: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
    ) -> GenerativeConfig:
        """Mistral, ``generative-mistral``.

        Args:
            model: Model name (server default ``open-mistral-7b``).
            base_url: API base URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature.

        Raises:
            ConfigError: An invalid value.
        """
        return _gen(
            "generative-mistral",
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
            maxTokens=opt_int(max_tokens, "max_tokens", minimum=1),
            temperature=opt_float(temperature, "temperature", minimum=0.0),
        )

    @staticmethod
    def nvidia(
        *,
        model: str | None = None,
        base_url: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
    ) -> GenerativeConfig:
        """NVIDIA NIM, ``generative-nvidia``.

        Args:
            model: Model name (server default ``nvidia/llama-3.1-nemotron-51b-instruct``).
            base_url: API base URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature.
            top_p: Nucleus sampling.

        Raises:
            ConfigError: An invalid value.
        """
        return _gen(
            "generative-nvidia",
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
            maxTokens=opt_int(max_tokens, "max_tokens", minimum=1),
            temperature=opt_float(temperature, "temperature", minimum=0.0),
            topP=opt_float(top_p, "top_p", minimum=0.0, maximum=1.0),
        )

    @staticmethod
    def ollama(*, api_endpoint: str | None = None, model: str | None = None) -> GenerativeConfig:
        """Ollama, ``generative-ollama``.

        Args:
            api_endpoint: The Ollama URL (server default ``http://localhost:11434``).
            model: Model name (server default ``llama3``).

        Raises:
            ConfigError: An invalid URL or an empty model.
        """
        return _gen(
            "generative-ollama",
            apiEndpoint=opt_url(api_endpoint, "api_endpoint"),
            model=opt_str(model, "model"),
        )

    @staticmethod
    def xai(
        *,
        model: str | None = None,
        base_url: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
    ) -> GenerativeConfig:
        """XAI Grok, ``generative-xai``.

        Args:
            model: Model name (server default ``grok-2-latest``).
            base_url: API base URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature.
            top_p: Nucleus sampling.

        Raises:
            ConfigError: An invalid value.
        """
        return _gen(
            "generative-xai",
            model=opt_str(model, "model"),
            baseURL=opt_url(base_url, "base_url"),
            maxTokens=opt_int(max_tokens, "max_tokens", minimum=1),
            temperature=opt_float(temperature, "temperature", minimum=0.0),
            topP=opt_float(top_p, "top_p", minimum=0.0, maximum=1.0),
        )

    @staticmethod
    def dummy() -> GenerativeConfig:
        """The built-in test module ``generative-dummy`` (echoes its input)."""
        return _gen("generative-dummy")

    @staticmethod
    def custom(module: str, settings: Mapping[str, Any] | None = None) -> GenerativeConfig:
        """Any generative module, with its settings as they appear in the class JSON.

        Args:
            module: The module name, e.g. ``"generative-openai"``.
            settings: The module settings (camelCase keys).

        Raises:
            ConfigError: A module name that is not ``generative-*``.
        """
        if not isinstance(module, str) or not module.startswith("generative-"):
            raise fail(
                f"invalid generative module {module!r}; it must start with 'generative-'",
                field="module",
                value=module,
            )
        return GenerativeConfig(module, settings)
