"""Build ``weaviate.v1.GenerativeSearch`` (RAG prompts, provider overrides) with no I/O."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from google.protobuf.message import Message

from weavorm._proto.v1 import base_pb2, generative_pb2
from weavorm.config import GenerativeConfig
from weavorm.engine.generative_config import GenerativeProvider, GroupedTask, SinglePrompt
from weavorm.errors import QueryError

__all__ = ["generative_search", "provider_message", "provider_of"]

_G = generative_pb2
_PROVIDERS: dict[str, type[Message]] = {
    "anthropic": _G.GenerativeAnthropic,
    "anyscale": _G.GenerativeAnyscale,
    "aws": _G.GenerativeAWS,
    "cohere": _G.GenerativeCohere,
    "dummy": _G.GenerativeDummy,
    "mistral": _G.GenerativeMistral,
    "ollama": _G.GenerativeOllama,
    "openai": _G.GenerativeOpenAI,
    "google": _G.GenerativeGoogle,
    "databricks": _G.GenerativeDatabricks,
    "friendliai": _G.GenerativeFriendliAI,
    "nvidia": _G.GenerativeNvidia,
    "xai": _G.GenerativeXAI,
    "contextualai": _G.GenerativeContextualAI,
    "deepseek": _G.GenerativeDeepseek,
    "digitalocean": _G.GenerativeDigitalOcean,
    "meta": _G.GenerativeMeta,
}
#: Collection setting keys whose gRPC name is not their snake_case spelling.
_RENAMED = {"baseURL": "base_url", "tokenLimit": "max_tokens", "isAzure": "is_azure"}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_ENUMS: dict[tuple[str, str], dict[str, int]] = {
    ("openai", "reasoning_effort"): {
        "minimal": _G.GenerativeOpenAI.REASONING_EFFORT_MINIMAL,
        "low": _G.GenerativeOpenAI.REASONING_EFFORT_LOW,
        "medium": _G.GenerativeOpenAI.REASONING_EFFORT_MEDIUM,
        "high": _G.GenerativeOpenAI.REASONING_EFFORT_HIGH,
    },
    ("meta", "reasoning_effort"): {
        name: getattr(_G.GenerativeMeta, f"REASONING_EFFORT_{name.upper()}")
        for name in ("none", "minimal", "low", "medium", "high", "xhigh")
    },
    ("openai", "verbosity"): {
        "low": _G.GenerativeOpenAI.VERBOSITY_LOW,
        "medium": _G.GenerativeOpenAI.VERBOSITY_MEDIUM,
        "high": _G.GenerativeOpenAI.VERBOSITY_HIGH,
    },
}


def provider_of(config: GenerativeConfig) -> GenerativeProvider:
    """The wire form of a :class:`~weavorm.config.GenerativeConfig` used per query.

    Collection settings go under their gRPC names (``maxTokens`` -> ``max_tokens``,
    ``tokenLimit`` -> ``max_tokens``), then the per-query-only options.

    Raises:
        QueryError: The module cannot be chosen per query, or a setting has no
            per-query counterpart on the server.
    """
    kind = config.canonical_module.removeprefix("generative-")
    message = _PROVIDERS.get(kind)
    if message is None:
        raise QueryError(f"{config.module} cannot be chosen per query (generative_provider=)")
    fields = message.DESCRIPTOR.fields_by_name
    options: dict[str, Any] = {}
    for key, value in config.settings.items():
        name = _RENAMED.get(key) or _CAMEL.sub("_", key).lower()
        if name not in fields:
            raise QueryError(
                f"{config.module}: {key!r} is a collection setting the server does not "
                "take per query; leave it out of generative_provider="
            )
        options[name] = tuple(value) if isinstance(value, list) else value
    options.update(config.query_options)
    return GenerativeProvider(kind, tuple(options.items()))


def provider_message(
    provider: GenerativeProvider | GenerativeConfig,
    *,
    return_metadata: bool = False,
    images: Sequence[str] | None = None,
    image_properties: Sequence[str] | None = None,
) -> generative_pb2.GenerativeProvider:
    """The ``GenerativeProvider`` message of a per-query provider override."""
    if isinstance(provider, GenerativeConfig):
        provider = provider_of(provider)
    if not isinstance(provider, GenerativeProvider):
        raise QueryError(
            f"generative_provider must come from GenerativeConfig (e.g. GenerativeConfig.openai()),"
            f" got {provider!r}"
        )
    cls = _PROVIDERS[provider.kind]
    fields: dict[str, Any] = {}
    for name, value in provider.options:
        enum = _ENUMS.get((provider.kind, name))
        if enum is not None:
            fields[name] = enum[value]
        elif isinstance(value, tuple):
            fields[name] = base_pb2.TextArray(values=value)
        else:
            fields[name] = value
    if images is not None or image_properties is not None:
        if not provider.multimodal:
            raise QueryError(f"the {provider.kind} provider does not accept images")
        if images is not None:
            fields["images"] = base_pb2.TextArray(values=images)
        if image_properties is not None:
            fields["image_properties"] = base_pb2.TextArray(values=image_properties)
    try:
        inner = cls(**fields)
    except (TypeError, ValueError) as exc:
        raise QueryError(f"invalid {provider.kind} generative provider options: {exc}") from exc
    msg = generative_pb2.GenerativeProvider(return_metadata=return_metadata)
    getattr(msg, provider.kind).CopyFrom(inner)
    return msg


def _text_array(where: str, values: Sequence[str] | None) -> base_pb2.TextArray | None:
    if values is None:
        return None
    items = [values] if isinstance(values, str) else list(values)
    if not all(isinstance(v, str) and v for v in items):
        raise QueryError(f"{where} must be property names, got {values!r}")
    return base_pb2.TextArray(values=items)


def generative_search(
    *,
    single_prompt: str | SinglePrompt | None,
    grouped_task: str | GroupedTask | None,
    grouped_properties: Sequence[str] | None,
    generative_provider: GenerativeProvider | GenerativeConfig | None,
) -> generative_pb2.GenerativeSearch:
    """The ``GenerativeSearch`` of a generate call.

    Raises:
        QueryError: neither a single prompt nor a grouped task was given, or a bad option.
    """
    if single_prompt is None and grouped_task is None:
        raise QueryError("generate needs single_prompt, grouped_task or both")
    msg = generative_pb2.GenerativeSearch()
    if single_prompt is not None:
        if isinstance(single_prompt, str):
            single_prompt = SinglePrompt(single_prompt)
        if not isinstance(single_prompt, SinglePrompt) or not single_prompt.prompt:
            raise QueryError(f"single_prompt must be a non-empty prompt, got {single_prompt!r}")
        msg.single.prompt = single_prompt.prompt
        msg.single.debug = single_prompt.debug
        wants_provider = generative_provider is not None or single_prompt.metadata
        if single_prompt.images is not None or single_prompt.image_properties is not None:
            wants_provider = True
        if wants_provider:
            if generative_provider is None:
                raise QueryError(
                    "single_prompt metadata or images need generative_provider (the server "
                    "only returns them for an explicit provider)"
                )
            msg.single.queries.append(
                provider_message(
                    generative_provider,
                    return_metadata=single_prompt.metadata,
                    images=single_prompt.images,
                    image_properties=single_prompt.image_properties,
                )
            )
    if grouped_task is not None:
        if isinstance(grouped_task, str):
            grouped_task = GroupedTask(
                grouped_task,
                non_blob_properties=None
                if grouped_properties is None
                else tuple(grouped_properties),
            )
        elif grouped_properties is not None:
            raise QueryError(
                "give grouped_properties inside GenerativeParameters.grouped_task(...) "
                "(non_blob_properties=) when grouped_task is not a plain string"
            )
        if not isinstance(grouped_task, GroupedTask) or not grouped_task.prompt:
            raise QueryError(f"grouped_task must be a non-empty task, got {grouped_task!r}")
        msg.grouped.task = grouped_task.prompt
        msg.grouped.debug = grouped_task.debug
        props = _text_array("grouped_properties", grouped_task.non_blob_properties)
        if props is not None:
            msg.grouped.properties.CopyFrom(props)
        wants_provider = generative_provider is not None or grouped_task.metadata
        if grouped_task.images is not None or grouped_task.image_properties is not None:
            wants_provider = True
        if wants_provider:
            if generative_provider is None:
                raise QueryError(
                    "grouped_task metadata or images need generative_provider (the server "
                    "only returns them for an explicit provider)"
                )
            msg.grouped.queries.append(
                provider_message(
                    generative_provider,
                    return_metadata=grouped_task.metadata,
                    images=grouped_task.images,
                    image_properties=grouped_task.image_properties,
                )
            )
    elif grouped_properties is not None:
        raise QueryError("grouped_properties needs grouped_task")
    return msg
