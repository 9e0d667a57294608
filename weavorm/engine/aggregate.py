"""Aggregations: over_all, near_*, hybrid, group_by."""

from __future__ import annotations

from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._transport.driver import AsyncDriver, SyncDriver

__all__ = ["AsyncAggregateNamespace", "AggregateNamespace"]


class AggregateNamespace:
    """Aggregations: over_all, near_*, hybrid, group_by."""

    def __init__(self, driver: SyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx


class AsyncAggregateNamespace:
    """Aggregations: over_all, near_*, hybrid, group_by. (async)"""

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx
