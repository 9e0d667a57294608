"""Tenants of a multi-tenant collection."""

from __future__ import annotations

from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._transport.driver import AsyncDriver, SyncDriver

__all__ = ["AsyncTenantsNamespace", "TenantsNamespace"]


class TenantsNamespace:
    """Tenants of a multi-tenant collection."""

    def __init__(self, driver: SyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx


class AsyncTenantsNamespace:
    """Tenants of a multi-tenant collection. (async)"""

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx
