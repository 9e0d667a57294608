"""Tokenization: ``client.tokenization`` (Weaviate 1.37+).

Shows how text is split into tokens for the inverted index and for queries::

    client.tokenization.text("The Quick fox", "word").query   # ['quick', 'fox']
    client.tokenization.for_property("Article", "title", "The Quick fox")
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from weavorm.engine._protocol import tokenize as ops
from weavorm.engine._protocol.tokenize import SupportsToDict, TokenizeResult
from weavorm.engine._transport.driver import AsyncDriver

__all__ = ["AsyncTokenizationNamespace", "TokenizeResult"]

Settings = Mapping[str, Any] | SupportsToDict


class AsyncTokenizationNamespace:
    """The server's tokenizers (``client.tokenization``)."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    async def text(
        self,
        text: str,
        tokenization: str,
        *,
        analyzer_config: Settings | None = None,
        stopwords: Settings | None = None,
        stopword_presets: Mapping[str, Sequence[str]] | None = None,
    ) -> TokenizeResult:
        """Tokenize text with a tokenization method.

        Args:
            text: The text.
            tokenization: ``word``, ``lowercase``, ``whitespace``, ``field``,
                ``trigram``, ``gse``, ``gse_ch``, ``kagome_kr`` or ``kagome_ja`` (the
                ``weavorm.config.Tokenization`` enum works too).
            analyzer_config: Text analyzer settings (``asciiFold``,
                ``asciiFoldIgnore``, ``stopwordPreset``), a mapping or
                ``weavorm.config.TextAnalyzer``.
            stopwords: A stopwords block (``preset``, ``additions``, ``removals``).
            stopword_presets: Named stopword lists that ``stopwordPreset`` may name.
                Excludes ``stopwords``.

        Returns:
            The indexed and the query tokens. For ``word`` the server removes ``en``
            stopwords from the query tokens unless told otherwise.

        Raises:
            ConfigError: an unknown tokenization or both stopword options.
            UnprocessableError: the server refused (e.g. an unknown preset).
        """
        return await self._driver.run(
            ops.text(
                text,
                tokenization,
                analyzer_config=analyzer_config,
                stopwords=stopwords,
                stopword_presets=stopword_presets,
            )
        )

    async def for_property(self, collection: str, property_name: str, text: str) -> TokenizeResult:
        """Tokenize text the way a property indexes it.

        Args:
            collection: The collection.
            property_name: A text property.
            text: The text.

        Returns:
            The indexed and the query tokens.

        Raises:
            NotFoundError: unknown collection or property.
        """
        return await self._driver.run(ops.for_property(collection, property_name, text))
