"""Factories of the ``generative-*`` modules, ``deepseek`` to ``xai`` (see ``_generative``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from weavorm.config._common import (
    choice,
    fail,
    opt_float,
    opt_int,
    opt_str,
    opt_url,
    str_tuple,
)
from weavorm.config._generative import (
    MetaReasoningEffort,
    _gen,
    _gen_raw,
    _n,
    _query,
    _stops,
)
from weavorm.config._text2vec import GOOGLE_AI_STUDIO_ENDPOINT, google_endpoint, google_location

if TYPE_CHECKING:
    from weavorm.config._generative_config import GenerativeConfig

__all__ = ["_GenerativeFactoriesB"]


def _chat_settings(
    model: str | None,
    base_url: str | None,
    max_tokens: int | None,
    temperature: float | None,
    top_p: float | None,
    frequency_penalty: float | None,
    presence_penalty: float | None,
) -> dict[str, Any]:
    """The checked settings OpenAI-style chat providers share (DeepSeek, DigitalOcean, Meta)."""
    return {
        "model": opt_str(model, "model"),
        "baseURL": opt_url(base_url, "base_url"),
        "maxTokens": opt_int(max_tokens, "max_tokens", minimum=1),
        "temperature": opt_float(temperature, "temperature", minimum=0.0, maximum=2.0),
        "topP": opt_float(top_p, "top_p", minimum=0.0, maximum=1.0),
        "frequencyPenalty": opt_float(
            frequency_penalty, "frequency_penalty", minimum=-2.0, maximum=2.0
        ),
        "presencePenalty": opt_float(
            presence_penalty, "presence_penalty", minimum=-2.0, maximum=2.0
        ),
    }


class _GenerativeFactoriesB:
    """Generative module factories, ``deepseek`` to ``custom``."""

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
            **_chat_settings(
                model, base_url, max_tokens, temperature, top_p, frequency_penalty, presence_penalty
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
            **_chat_settings(
                model, base_url, max_tokens, temperature, top_p, frequency_penalty, presence_penalty
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
        top_p: float | None = None,
        n: int | None = None,
    ) -> GenerativeConfig:
        """FriendliAI, ``generative-friendliai``.

        Args:
            model: Model name (server default ``meta-llama-3.1-70b-instruct``).
            base_url: API base URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature.
            top_p: Nucleus sampling (per query only).
            n: Completions per prompt (per query only).

        Raises:
            ConfigError: An invalid value.
        """
        return _gen(
            "generative-friendliai",
            query=_query(top_p=opt_float(top_p, "top_p", minimum=0.0, maximum=1.0), n=_n(n)),
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
        max_tokens: int | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
        stop_sequences: Sequence[str] | None = None,
    ) -> GenerativeConfig:
        """Google Vertex AI / AI Studio (Gemini), ``generative-google`` (formerly ``-palm``).

        Args:
            project_id: Google Cloud project (required for a Vertex AI collection).
            location: Vertex AI location (server default ``us-central1``).
            region: Vertex AI region of a custom endpoint.
            api_endpoint: API host; ``generativelanguage.googleapis.com`` for AI Studio.
            endpoint_id: Vertex AI custom endpoint ID.
            model: Model name.
            temperature: Sampling temperature, 0..1.
            token_limit: Maximum output tokens.
            top_k: Top-k sampling, >= 1.
            top_p: Nucleus sampling, 0..1.
            max_tokens: The same as ``token_limit`` (the name of the per-query option).
            frequency_penalty: Frequency penalty (per query only).
            presence_penalty: Presence penalty (per query only).
            stop_sequences: Sequences that stop generation (per query only).

        Raises:
            ConfigError: A non-Google host, a value out of range, or ``token_limit`` and
                ``max_tokens`` that differ.
        """
        if token_limit is not None and max_tokens is not None and token_limit != max_tokens:
            raise fail(
                "token_limit and max_tokens are the same setting; give one",
                field="max_tokens",
                value=max_tokens,
            )
        limit = token_limit if token_limit is not None else max_tokens
        endpoint = google_endpoint(api_endpoint)
        project = opt_str(project_id, "project_id")
        vertex = project is None and endpoint not in (None, GOOGLE_AI_STUDIO_ENDPOINT)
        return _gen(
            "generative-google",
            query=_query(
                frequency_penalty=opt_float(frequency_penalty, "frequency_penalty"),
                presence_penalty=opt_float(presence_penalty, "presence_penalty"),
                stop_sequences=_stops(stop_sequences, "stop_sequences"),
            ),
            incomplete=("generative-google: project_id is required for Vertex AI",)
            if vertex
            else (),
            projectId=project,
            location=google_location(location),
            region=google_location(region, "region"),
            apiEndpoint=endpoint,
            endpointId=opt_str(endpoint_id, "endpoint_id"),
            model=opt_str(model, "model"),
            temperature=opt_float(temperature, "temperature", minimum=0.0, maximum=1.0),
            tokenLimit=opt_int(limit, "token_limit", minimum=1),
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
        return _GenerativeFactoriesB.google(
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
            **_chat_settings(
                model, base_url, max_tokens, temperature, top_p, frequency_penalty, presence_penalty
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
        top_p: float | None = None,
    ) -> GenerativeConfig:
        """Mistral, ``generative-mistral``.

        Args:
            model: Model name (server default ``open-mistral-7b``).
            base_url: API base URL.
            max_tokens: Maximum tokens to generate.
            temperature: Sampling temperature.
            top_p: Nucleus sampling (per query only).

        Raises:
            ConfigError: An invalid value.
        """
        return _gen(
            "generative-mistral",
            query=_query(top_p=opt_float(top_p, "top_p", minimum=0.0, maximum=1.0)),
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
    def ollama(
        *,
        api_endpoint: str | None = None,
        model: str | None = None,
        temperature: float | None = None,
    ) -> GenerativeConfig:
        """Ollama, ``generative-ollama``.

        Args:
            api_endpoint: The Ollama URL (server default ``http://localhost:11434``).
            model: Model name (server default ``llama3``).
            temperature: Sampling temperature (per query only).

        Raises:
            ConfigError: An invalid URL or an empty model.
        """
        return _gen(
            "generative-ollama",
            query=_query(temperature=opt_float(temperature, "temperature", minimum=0.0)),
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
        return _gen_raw(module, settings)
