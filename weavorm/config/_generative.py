"""Factories of the ``generative-*`` (RAG) modules of Weaviate 1.39.

Setting keys and value ranges are read from each module's ``config/class_settings.go``.
Options left at ``None`` are not sent, so the module (or a per-query option) decides.
``generative-octoai`` is not offered: the OctoAI service is shut down and the 1.39
module only returns errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from weavorm.config._common import (
    choice,
    fail,
    opt_bool,
    opt_float,
    opt_int,
    opt_str,
    opt_url,
    str_tuple,
)
from weavorm.config._modules import settings

if TYPE_CHECKING:
    from weavorm.config._generative_config import GenerativeConfig

__all__ = ["_GenerativeFactoriesA"]

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


def _gen(
    module: str,
    *,
    query: Mapping[str, Any] | None = None,
    incomplete: Sequence[str] = (),
    **values: Any,
) -> GenerativeConfig:
    """Settings (camelCase), per-query-only options (gRPC names) and what a collection needs."""
    from weavorm.config._generative_config import GenerativeConfig

    return GenerativeConfig(
        module, settings(**values), query_options=query, incomplete=tuple(incomplete)
    )


def _gen_raw(module: str, values: Mapping[str, Any] | None) -> GenerativeConfig:
    from weavorm.config._generative_config import GenerativeConfig

    return GenerativeConfig(module, values)


def _query(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _needs(provider: str, **values: Any) -> tuple[str, ...]:
    return tuple(
        f"generative-{provider.replace('_', '-')}: {name}= is required for a collection"
        for name, value in values.items()
        if value is None
    )


def _n(n: int | None) -> int | None:
    return opt_int(n, "n", minimum=1)


def _stops(values: Sequence[str] | None, field: str) -> tuple[str, ...] | None:
    return str_tuple(values, field, allow_empty=True, allow_blank_items=True)


def _api_version(api_version: str | None) -> str | None:
    if api_version is None:
        return None
    return choice(api_version, OPENAI_GENERATIVE_API_VERSIONS, "api_version")


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


class _GenerativeFactoriesA:
    """Generative module factories, ``openai`` to ``databricks``."""

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
        api_version: str | None = None,
        resource_name: str | None = None,
        deployment_id: str | None = None,
        n: int | None = None,
        stop: Sequence[str] | None = None,
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
            api_version: API version (an Azure setting, see :meth:`azure_openai`).
            resource_name: Azure resource name (see :meth:`azure_openai`).
            deployment_id: Azure deployment ID (see :meth:`azure_openai`).
            n: Completions per prompt (per query only).
            stop: Sequences that stop generation (per query only).

        Raises:
            ConfigError: A value out of range or not among the choices.
        """
        return _gen(
            "generative-openai",
            query=_query(n=_n(n), stop=_stops(stop, "stop")),
            baseURL=opt_url(base_url, "base_url"),
            resourceName=opt_str(resource_name, "resource_name"),
            deploymentId=opt_str(deployment_id, "deployment_id"),
            apiVersion=_api_version(api_version),
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
        resource_name: str | None = None,
        deployment_id: str | None = None,
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
        n: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> GenerativeConfig:
        """Azure OpenAI (module ``generative-openai`` with ``isAzure``).

        Args:
            resource_name: The Azure resource name (required for a collection).
            deployment_id: The deployment ID (required for a collection).
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
            n: Completions per prompt (per query only).
            stop: Sequences that stop generation (per query only).

        Raises:
            ConfigError: An invalid value.
        """
        return _gen(
            "generative-openai",
            query=_query(n=_n(n), stop=_stops(stop, "stop")),
            incomplete=_needs(
                "azure_openai", resource_name=resource_name, deployment_id=deployment_id
            ),
            isAzure=True,
            resourceName=opt_str(resource_name, "resource_name"),
            deploymentId=opt_str(deployment_id, "deployment_id"),
            baseURL=opt_url(base_url, "base_url"),
            apiVersion=_api_version(api_version),
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
        region: str | None = None,
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
            region: AWS region (required for a collection).
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
            ConfigError: An unknown service, or a model/endpoint given to the other service.
        """
        svc = choice(service, ("bedrock", "sagemaker"), "service")
        if svc == "bedrock" and endpoint is not None:
            raise fail("service 'bedrock' takes no endpoint=", field="endpoint", value=endpoint)
        if svc == "sagemaker" and model is not None:
            raise fail(
                "service 'sagemaker' takes no model= (use target_model=)",
                field="model",
                value=model,
            )
        incomplete = list(_needs("aws", region=region))
        if svc == "bedrock" and model is None:
            incomplete.append("generative-aws: service 'bedrock' needs model=")
        if svc == "sagemaker" and endpoint is None:
            incomplete.append(
                "generative-aws: service 'sagemaker' needs endpoint= for a collection"
            )
        bedrock = svc == "bedrock"
        return _gen(
            "generative-aws",
            incomplete=incomplete,
            region=opt_str(region, "region"),
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
        p: float | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
    ) -> GenerativeConfig:
        """Cohere, ``generative-cohere``.

        Args:
            model: Model name (server default ``command-a-03-2025``).
            base_url: API base URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature.
            k: Top-k sampling.
            stop_sequences: Sequences that stop generation.
            p: Nucleus sampling (per query only).
            frequency_penalty: Frequency penalty (per query only).
            presence_penalty: Presence penalty (per query only).

        Raises:
            ConfigError: An invalid value.
        """
        return _gen(
            "generative-cohere",
            query=_query(
                p=opt_float(p, "p", minimum=0.0, maximum=1.0),
                frequency_penalty=opt_float(frequency_penalty, "frequency_penalty"),
                presence_penalty=opt_float(presence_penalty, "presence_penalty"),
            ),
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
        endpoint: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
        model: str | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
        log_probs: bool | None = None,
        top_log_probs: int | None = None,
        n: int | None = None,
        stop: Sequence[str] | None = None,
    ) -> GenerativeConfig:
        """Databricks model serving, ``generative-databricks``.

        Args:
            endpoint: The serving endpoint URL (required for a collection).
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature, 0..1.
            top_k: Top-k sampling, >= 1.
            top_p: Nucleus sampling, 0..5.
            model: Model name (per query only).
            frequency_penalty: Frequency penalty (per query only).
            presence_penalty: Presence penalty (per query only).
            log_probs: Return log probabilities (per query only).
            top_log_probs: How many top log probabilities to return (per query only).
            n: Completions per prompt (per query only).
            stop: Sequences that stop generation (per query only).

        Raises:
            ConfigError: A value out of range.
        """
        return _gen(
            "generative-databricks",
            query=_query(
                model=opt_str(model, "model"),
                frequency_penalty=opt_float(frequency_penalty, "frequency_penalty"),
                presence_penalty=opt_float(presence_penalty, "presence_penalty"),
                log_probs=opt_bool(log_probs, "log_probs"),
                top_log_probs=opt_int(top_log_probs, "top_log_probs", minimum=0),
                n=_n(n),
                stop=_stops(stop, "stop"),
            ),
            incomplete=_needs("databricks", endpoint=endpoint),
            endpoint=opt_url(endpoint, "endpoint"),
            maxTokens=opt_int(max_tokens, "max_tokens", minimum=1),
            temperature=opt_float(temperature, "temperature", minimum=0.0, maximum=1.0),
            topK=opt_int(top_k, "top_k", minimum=1),
            topP=opt_float(top_p, "top_p", minimum=0.0, maximum=5.0),
        )
