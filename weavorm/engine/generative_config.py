"""Per-query generative (RAG) options: provider overrides and prompt parameters.

``GenerativeConfig`` overrides the collection's generative module for one search;
``GenerativeParameters`` adds options to a prompt (debug output, provider metadata,
images)::

    from weavorm.engine import GenerativeConfig, GenerativeParameters

    articles.generate.near_text(
        "vector databases",
        single_prompt=GenerativeParameters.single_prompt("Summarise {title}", debug=True),
        grouped_task="What do these have in common?",
        generative_provider=GenerativeConfig.openai(base_url="http://localhost:8000",
                                                    model="my-model"),
    )

Every provider option left as ``None`` falls back to the collection's configuration
and then to the server's default.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from weavorm.engine._protocol.media import MediaInput, to_base64
from weavorm.errors import QueryError

__all__ = [
    "GenerativeConfig",
    "GenerativeParameters",
    "GenerativeProvider",
    "GroupedTask",
    "SinglePrompt",
]


@dataclass(frozen=True, slots=True)
class GenerativeProvider:
    """A generative provider override for one search.

    Attributes:
        kind: The provider (the ``GenerativeProvider`` oneof name, e.g. ``"openai"``).
        options: Provider options by wire field name (``None`` values are left out).
    """

    kind: str
    options: tuple[tuple[str, Any], ...] = ()

    @property
    def multimodal(self) -> bool:
        """Whether the provider accepts ``images`` / ``image_properties``."""
        return self.kind in _MULTIMODAL


_MULTIMODAL = frozenset({"anthropic", "aws", "cohere", "ollama", "openai", "google", "xai"})


def _provider(kind: str, **options: Any) -> GenerativeProvider:
    return GenerativeProvider(kind, tuple((k, v) for k, v in options.items() if v is not None))


def _texts(where: str, values: Sequence[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    items = [values] if isinstance(values, str) else list(values)
    if not all(isinstance(v, str) for v in items):
        raise QueryError(f"{where} must be strings, got {values!r}")
    return tuple(items)


class GenerativeConfig:
    """Entry points for per-query provider overrides (``generative_provider=``)."""

    def __init__(self) -> None:
        raise TypeError("GenerativeConfig is a namespace of static methods")

    @staticmethod
    def openai(
        *,
        base_url: str | None = None,
        model: str | None = None,
        api_version: str | None = None,
        deployment_id: str | None = None,
        resource_name: str | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
        max_tokens: int | None = None,
        n: int | None = None,
        stop: Sequence[str] | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        reasoning_effort: str | None = None,
        verbosity: str | None = None,
    ) -> GenerativeProvider:
        """OpenAI (or any OpenAI-compatible endpoint at ``base_url``).

        ``reasoning_effort`` is ``minimal``/``low``/``medium``/``high``; ``verbosity`` is
        ``low``/``medium``/``high``.
        """
        if reasoning_effort is not None and reasoning_effort not in _EFFORTS:
            raise QueryError(
                f"reasoning_effort must be one of {_EFFORTS}, got {reasoning_effort!r}"
            )
        if verbosity is not None and verbosity not in _VERBOSITY:
            raise QueryError(f"verbosity must be one of {_VERBOSITY}, got {verbosity!r}")
        return _provider(
            "openai",
            base_url=base_url,
            model=model,
            api_version=api_version,
            deployment_id=deployment_id,
            resource_name=resource_name,
            frequency_penalty=frequency_penalty,
            presence_penalty=presence_penalty,
            max_tokens=max_tokens,
            n=n,
            stop=_texts("stop", stop),
            temperature=temperature,
            top_p=top_p,
            is_azure=False,
            reasoning_effort=reasoning_effort,
            verbosity=verbosity,
        )

    @staticmethod
    def azure_openai(
        *,
        resource_name: str | None = None,
        deployment_id: str | None = None,
        base_url: str | None = None,
        api_version: str | None = None,
        model: str | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
        max_tokens: int | None = None,
        n: int | None = None,
        stop: Sequence[str] | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
    ) -> GenerativeProvider:
        """Azure OpenAI (the ``generative-openai`` module with ``isAzure``)."""
        return _provider(
            "openai",
            resource_name=resource_name,
            deployment_id=deployment_id,
            base_url=base_url,
            api_version=api_version,
            model=model,
            frequency_penalty=frequency_penalty,
            presence_penalty=presence_penalty,
            max_tokens=max_tokens,
            n=n,
            stop=_texts("stop", stop),
            temperature=temperature,
            top_p=top_p,
            is_azure=True,
        )

    @staticmethod
    def anthropic(
        *,
        base_url: str | None = None,
        model: str | None = None,
        max_tokens: int | None = None,
        stop_sequences: Sequence[str] | None = None,
        temperature: float | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
    ) -> GenerativeProvider:
        """Anthropic (``generative-anthropic``)."""
        return _provider(
            "anthropic",
            base_url=base_url,
            model=model,
            max_tokens=max_tokens,
            stop_sequences=_texts("stop_sequences", stop_sequences),
            temperature=temperature,
            top_k=top_k,
            top_p=top_p,
        )

    @staticmethod
    def anyscale(
        *, base_url: str | None = None, model: str | None = None, temperature: float | None = None
    ) -> GenerativeProvider:
        """Anyscale (``generative-anyscale``)."""
        return _provider("anyscale", base_url=base_url, model=model, temperature=temperature)

    @staticmethod
    def aws(
        *,
        model: str | None = None,
        service: str | None = None,
        region: str | None = None,
        endpoint: str | None = None,
        target_model: str | None = None,
        target_variant: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        stop_sequences: Sequence[str] | None = None,
    ) -> GenerativeProvider:
        """AWS Bedrock or SageMaker (``generative-aws``; ``service``: bedrock / sagemaker)."""
        return _provider(
            "aws",
            model=model,
            service=service,
            region=region,
            endpoint=endpoint,
            target_model=target_model,
            target_variant=target_variant,
            temperature=temperature,
            max_tokens=max_tokens,
            stop_sequences=_texts("stop_sequences", stop_sequences),
        )

    @staticmethod
    def cohere(
        *,
        base_url: str | None = None,
        model: str | None = None,
        k: int | None = None,
        p: float | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
        max_tokens: int | None = None,
        stop_sequences: Sequence[str] | None = None,
        temperature: float | None = None,
    ) -> GenerativeProvider:
        """Cohere (``generative-cohere``)."""
        return _provider(
            "cohere",
            base_url=base_url,
            model=model,
            k=k,
            p=p,
            frequency_penalty=frequency_penalty,
            presence_penalty=presence_penalty,
            max_tokens=max_tokens,
            stop_sequences=_texts("stop_sequences", stop_sequences),
            temperature=temperature,
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
    ) -> GenerativeProvider:
        """Contextual AI (``generative-contextualai``)."""
        return _provider(
            "contextualai",
            model=model,
            temperature=temperature,
            top_p=top_p,
            max_new_tokens=max_new_tokens,
            system_prompt=system_prompt,
            avoid_commentary=avoid_commentary,
            knowledge=_texts("knowledge", knowledge),
        )

    @staticmethod
    def databricks(
        *,
        endpoint: str | None = None,
        model: str | None = None,
        frequency_penalty: float | None = None,
        log_probs: bool | None = None,
        top_log_probs: int | None = None,
        max_tokens: int | None = None,
        n: int | None = None,
        presence_penalty: float | None = None,
        stop: Sequence[str] | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
    ) -> GenerativeProvider:
        """Databricks (``generative-databricks``)."""
        return _provider(
            "databricks",
            endpoint=endpoint,
            model=model,
            frequency_penalty=frequency_penalty,
            log_probs=log_probs,
            top_log_probs=top_log_probs,
            max_tokens=max_tokens,
            n=n,
            presence_penalty=presence_penalty,
            stop=_texts("stop", stop),
            temperature=temperature,
            top_p=top_p,
        )

    @staticmethod
    def deepseek(
        *,
        base_url: str | None = None,
        model: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
        top_p: float | None = None,
        stop: Sequence[str] | None = None,
    ) -> GenerativeProvider:
        """DeepSeek (``generative-deepseek``)."""
        return _provider(
            "deepseek",
            base_url=base_url,
            model=model,
            temperature=temperature,
            max_tokens=max_tokens,
            frequency_penalty=frequency_penalty,
            presence_penalty=presence_penalty,
            top_p=top_p,
            stop=_texts("stop", stop),
        )

    @staticmethod
    def dummy() -> GenerativeProvider:
        """The ``generative-dummy`` test module."""
        return _provider("dummy")

    @staticmethod
    def friendliai(
        *,
        base_url: str | None = None,
        model: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        n: int | None = None,
        top_p: float | None = None,
    ) -> GenerativeProvider:
        """FriendliAI (``generative-friendliai``)."""
        return _provider(
            "friendliai",
            base_url=base_url,
            model=model,
            max_tokens=max_tokens,
            temperature=temperature,
            n=n,
            top_p=top_p,
        )

    @staticmethod
    def google(
        *,
        model: str | None = None,
        api_endpoint: str | None = None,
        project_id: str | None = None,
        endpoint_id: str | None = None,
        region: str | None = None,
        location: str | None = None,
        frequency_penalty: float | None = None,
        presence_penalty: float | None = None,
        max_tokens: int | None = None,
        stop_sequences: Sequence[str] | None = None,
        temperature: float | None = None,
        top_k: int | None = None,
        top_p: float | None = None,
    ) -> GenerativeProvider:
        """Google Vertex AI / Gemini (``generative-google``)."""
        return _provider(
            "google",
            model=model,
            api_endpoint=api_endpoint,
            project_id=project_id,
            endpoint_id=endpoint_id,
            region=region,
            location=location,
            frequency_penalty=frequency_penalty,
            presence_penalty=presence_penalty,
            max_tokens=max_tokens,
            stop_sequences=_texts("stop_sequences", stop_sequences),
            temperature=temperature,
            top_k=top_k,
            top_p=top_p,
        )

    @staticmethod
    def mistral(
        *,
        base_url: str | None = None,
        model: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
    ) -> GenerativeProvider:
        """Mistral (``generative-mistral``)."""
        return _provider(
            "mistral",
            base_url=base_url,
            model=model,
            max_tokens=max_tokens,
            temperature=temperature,
            top_p=top_p,
        )

    @staticmethod
    def nvidia(
        *,
        base_url: str | None = None,
        model: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
    ) -> GenerativeProvider:
        """NVIDIA NIM (``generative-nvidia``)."""
        return _provider(
            "nvidia",
            base_url=base_url,
            model=model,
            max_tokens=max_tokens,
            temperature=temperature,
            top_p=top_p,
        )

    @staticmethod
    def ollama(
        *,
        api_endpoint: str | None = None,
        model: str | None = None,
        temperature: float | None = None,
    ) -> GenerativeProvider:
        """Ollama (``generative-ollama``)."""
        return _provider("ollama", api_endpoint=api_endpoint, model=model, temperature=temperature)

    @staticmethod
    def xai(
        *,
        base_url: str | None = None,
        model: str | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
    ) -> GenerativeProvider:
        """XAI (``generative-xai``)."""
        return _provider(
            "xai",
            base_url=base_url,
            model=model,
            max_tokens=max_tokens,
            temperature=temperature,
            top_p=top_p,
        )


_EFFORTS = ("minimal", "low", "medium", "high")
_VERBOSITY = ("low", "medium", "high")


@dataclass(frozen=True, slots=True)
class SinglePrompt:
    """A prompt run once per object; ``{property}`` placeholders are filled in.

    Attributes:
        prompt: The prompt template.
        metadata: Return provider metadata (e.g. token usage) with each result.
        debug: Return the full prompt sent for each object.
        images: Base64 images sent with the prompt (multimodal providers).
        image_properties: Blob properties sent as images.
    """

    prompt: str
    metadata: bool = False
    debug: bool = False
    images: tuple[str, ...] | None = None
    image_properties: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class GroupedTask:
    """A task run once over all results (or each group).

    Attributes:
        prompt: The task.
        non_blob_properties: Properties of the objects passed to the model (default: all).
        metadata: Return provider metadata with the result.
        debug: Ask the server for debug output.
        images: Base64 images sent with the task (multimodal providers).
        image_properties: Blob properties sent as images.
    """

    prompt: str
    non_blob_properties: tuple[str, ...] | None = None
    metadata: bool = False
    debug: bool = False
    images: tuple[str, ...] | None = None
    image_properties: tuple[str, ...] | None = None


def _images(where: str, images: MediaInput | Iterable[MediaInput] | None) -> tuple[str, ...] | None:
    if images is None:
        return None
    if isinstance(images, str | bytes | bytearray | Path) or hasattr(images, "read"):
        return (to_base64(cast(MediaInput, images), where=where),)
    return tuple(to_base64(i, where=where) for i in images)


def _prompt(where: str, prompt: object) -> str:
    if not isinstance(prompt, str) or not prompt.strip():
        raise QueryError(f"{where} needs a non-empty prompt, got {prompt!r}")
    return prompt


class GenerativeParameters:
    """Entry points for prompts with options (``single_prompt=`` / ``grouped_task=``)."""

    def __init__(self) -> None:
        raise TypeError("GenerativeParameters is a namespace of static methods")

    @staticmethod
    def single_prompt(
        prompt: str,
        *,
        metadata: bool = False,
        debug: bool = False,
        images: MediaInput | Iterable[MediaInput] | None = None,
        image_properties: Sequence[str] | None = None,
    ) -> SinglePrompt:
        """A per-object prompt with options."""
        where = "GenerativeParameters.single_prompt"
        return SinglePrompt(
            prompt=_prompt(where, prompt),
            metadata=bool(metadata),
            debug=bool(debug),
            images=_images(f"{where} images", images),
            image_properties=_texts(f"{where} image_properties", image_properties),
        )

    @staticmethod
    def grouped_task(
        prompt: str,
        *,
        non_blob_properties: Sequence[str] | None = None,
        metadata: bool = False,
        debug: bool = False,
        images: MediaInput | Iterable[MediaInput] | None = None,
        image_properties: Sequence[str] | None = None,
    ) -> GroupedTask:
        """A task over all results with options."""
        where = "GenerativeParameters.grouped_task"
        return GroupedTask(
            prompt=_prompt(where, prompt),
            non_blob_properties=_texts(f"{where} non_blob_properties", non_blob_properties),
            metadata=bool(metadata),
            debug=bool(debug),
            images=_images(f"{where} images", images),
            image_properties=_texts(f"{where} image_properties", image_properties),
        )
