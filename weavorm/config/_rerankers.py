"""Factories of the ``reranker-*`` modules of Weaviate 1.39.

Setting keys are read from each module's ``config/class_settings.go``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from weavorm.config._common import fail, opt_int, opt_str, opt_url
from weavorm.config._modules import RerankerConfig, settings

__all__ = ["Reranker"]


def _rerank(module: str, **values: Any) -> RerankerConfig:
    return RerankerConfig(module, settings(**values))


class Reranker:
    """Factories of reranker module configurations (method names = module names)."""

    @staticmethod
    def transformers() -> RerankerConfig:
        """A local cross-encoder service, ``reranker-transformers``.

        The service URL comes from the server's ``RERANKER_INFERENCE_API``.
        """
        return _rerank("reranker-transformers")

    @staticmethod
    def cohere(*, model: str | None = None, base_url: str | None = None) -> RerankerConfig:
        """Cohere rerank, ``reranker-cohere``.

        Args:
            model: Model name (server default ``rerank-v3.5``).
            base_url: API base URL.

        Raises:
            ConfigError: An invalid value.
        """
        return _rerank(
            "reranker-cohere", model=opt_str(model, "model"), baseURL=opt_url(base_url, "base_url")
        )

    @staticmethod
    def contextualai(
        *,
        model: str | None = None,
        instruction: str | None = None,
        top_n: int | None = None,
    ) -> RerankerConfig:
        """Contextual AI instruction-following rerank, ``reranker-contextualai``.

        Args:
            model: Model name (server default ``ctxl-rerank-v2-instruct-multilingual``).
            instruction: Ranking instruction, e.g. recency preferences.
            top_n: Number of results to return.

        Raises:
            ConfigError: An invalid value.
        """
        return _rerank(
            "reranker-contextualai",
            model=opt_str(model, "model"),
            instruction=opt_str(instruction, "instruction"),
            topN=opt_int(top_n, "top_n", minimum=1),
        )

    @staticmethod
    def jinaai(*, model: str | None = None) -> RerankerConfig:
        """Jina AI rerank, ``reranker-jinaai``.

        Args:
            model: Model name (server default ``jina-reranker-v2-base-multilingual``).

        Raises:
            ConfigError: An empty model.
        """
        return _rerank("reranker-jinaai", model=opt_str(model, "model"))

    @staticmethod
    def nvidia(*, model: str | None = None, base_url: str | None = None) -> RerankerConfig:
        """NVIDIA NIM rerank, ``reranker-nvidia``.

        Args:
            model: Model name (server default ``nvidia/rerank-qa-mistral-4b``).
            base_url: API base URL.

        Raises:
            ConfigError: An invalid value.
        """
        return _rerank(
            "reranker-nvidia", model=opt_str(model, "model"), baseURL=opt_url(base_url, "base_url")
        )

    @staticmethod
    def voyageai(*, model: str | None = None) -> RerankerConfig:
        """Voyage AI rerank, ``reranker-voyageai``.

        Args:
            model: Model name (server default ``rerank-lite-1``).

        Raises:
            ConfigError: An empty model.
        """
        return _rerank("reranker-voyageai", model=opt_str(model, "model"))

    @staticmethod
    def dummy() -> RerankerConfig:
        """The built-in test module ``reranker-dummy``."""
        return _rerank("reranker-dummy")

    @staticmethod
    def custom(module: str, settings: Mapping[str, Any] | None = None) -> RerankerConfig:
        """Any reranker module, with its settings as they appear in the class JSON.

        Args:
            module: The module name, e.g. ``"reranker-cohere"``.
            settings: The module settings (camelCase keys).

        Raises:
            ConfigError: A module name that is not ``reranker-*``.
        """
        if not isinstance(module, str) or not module.startswith("reranker-"):
            raise fail(
                f"invalid reranker module {module!r}; it must start with 'reranker-'",
                field="module",
                value=module,
            )
        return RerankerConfig(module, settings)
