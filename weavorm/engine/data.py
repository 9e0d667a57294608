"""Insert, replace, update, delete and fetch objects; references."""

from __future__ import annotations

from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._transport.driver import AsyncDriver, SyncDriver

__all__ = ["AsyncDataNamespace", "DataNamespace"]


class DataNamespace:
    """Insert, replace, update, delete and fetch objects; references."""

    def __init__(self, driver: SyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx


class AsyncDataNamespace:
    """Insert, replace, update, delete and fetch objects; references. (async)"""

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx
