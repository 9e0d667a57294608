"""gRPC searches: fetch_objects, near_*, bm25, hybrid, with filters, sort, group_by, rerank."""

from __future__ import annotations

from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._transport.driver import AsyncDriver, SyncDriver

__all__ = ["AsyncQueryNamespace", "QueryNamespace"]


class QueryNamespace:
    """gRPC searches: fetch_objects, near_*, bm25, hybrid, with filters, sort, group_by, rerank."""

    def __init__(self, driver: SyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx


class AsyncQueryNamespace:
    """gRPC searches: fetch_objects, near_*, bm25, hybrid, with filters, sort, group_by, rerank. (async)"""

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx
