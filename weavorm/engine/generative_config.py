"""Per-query generative (RAG) options: provider overrides and prompt parameters.

``GenerativeConfig`` (the one class of :mod:`weavorm.config`, which also configures a
collection's module) overrides the collection's generative module for one search;
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
and then to the server's default. The override is sent as the gRPC
``GenerativeProvider`` message: its settings under their gRPC names
(:class:`GenerativeProvider`), with the per-query-only options (``n``, ``stop``, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from weavorm.config import GenerativeConfig
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
    """A generative provider override for one search, as it goes on the wire.

    :class:`GenerativeConfig` values are turned into this form when a search is built;
    build one directly only for a provider option weavorm has no factory argument for.

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


_MULTIMODAL = frozenset({"anthropic", "aws", "cohere", "ollama", "openai", "google", "xai", "meta"})


def _texts(where: str, values: Sequence[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    items = [values] if isinstance(values, str) else list(values)
    if not all(isinstance(v, str) for v in items):
        raise QueryError(f"{where} must be strings, got {values!r}")
    return tuple(items)


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
