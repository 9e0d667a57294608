"""Retrieval-augmented generation on top of every search."""

from __future__ import annotations

from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._transport.driver import AsyncDriver, SyncDriver

__all__ = ["AsyncGenerateNamespace", "GenerateNamespace"]


class GenerateNamespace:
    """Retrieval-augmented generation on top of every search."""

    def __init__(self, driver: SyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx


class AsyncGenerateNamespace:
    """Retrieval-augmented generation on top of every search. (async)"""

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx
