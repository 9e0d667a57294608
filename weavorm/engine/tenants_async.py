"""``collection.tenants``: the tenants of a multi-tenant collection.

The collection must have been created with multi-tenancy enabled. Tenants are named
by a string or given as :class:`~weavorm.engine.tenants_types.Tenant`; methods that
take several accept one or a list.
"""

from __future__ import annotations

from collections.abc import Sequence

from weavorm.engine._protocol import tenants as ops
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.tenants import TenantInput
from weavorm.engine._transport.driver import AsyncDriver
from weavorm.engine.tenants_types import Tenant, TenantActivityStatus

__all__ = ["AsyncTenantsNamespace"]

_ACTIVE = TenantActivityStatus.ACTIVE
_INACTIVE = TenantActivityStatus.INACTIVE
_OFFLOADED = TenantActivityStatus.OFFLOADED


class AsyncTenantsNamespace:
    """``collection.tenants``: create, list, update and remove tenants.

    Every method raises :class:`~weavorm.errors.ConfigError` for an empty name or a
    status that cannot be set, before anything is sent, and a
    :class:`~weavorm.errors.ServerError` subclass when the server refuses (e.g.
    :class:`~weavorm.errors.UnprocessableError` for a collection without
    multi-tenancy).
    """

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx

    async def create(self, tenants: TenantInput | Sequence[TenantInput]) -> None:
        """Create tenants.

        Args:
            tenants: A name, a :class:`Tenant` (status ``ACTIVE`` or ``INACTIVE``) or
                a list of them. Names create ``ACTIVE`` tenants.
        """
        return await self._driver.run(ops.create(self._ctx.name, tenants))

    async def remove(self, tenants: TenantInput | Sequence[TenantInput]) -> None:
        """Remove tenants and all their objects (unknown names are ignored).

        Args:
            tenants: A name, a :class:`Tenant` or a list of them.
        """
        return await self._driver.run(ops.remove(self._ctx.name, tenants))

    async def get(self) -> dict[str, Tenant]:
        """Every tenant of the collection, by name."""
        return await self._driver.run(ops.get(self._ctx.name))

    async def get_by_names(self, tenants: Sequence[TenantInput]) -> dict[str, Tenant]:
        """The given tenants that exist, by name.

        Args:
            tenants: Names or :class:`Tenant` objects.
        """
        return await self._driver.run(ops.get_by_names(self._ctx.name, tenants))

    async def get_by_name(self, tenant: TenantInput) -> Tenant | None:
        """One tenant, or None when it does not exist.

        Args:
            tenant: A name or a :class:`Tenant`.
        """
        return await self._driver.run(ops.get_by_name(self._ctx.name, tenant))

    async def exists(self, tenant: TenantInput) -> bool:
        """Whether the tenant exists.

        Args:
            tenant: A name or a :class:`Tenant`.
        """
        return await self._driver.run(ops.exists(self._ctx.name, tenant))

    async def update(self, tenants: Tenant | Sequence[Tenant]) -> None:
        """Set the activity status of tenants (``ACTIVE``, ``INACTIVE`` or ``OFFLOADED``).

        Args:
            tenants: A :class:`Tenant` or a list of them.
        """
        return await self._driver.run(ops.update(self._ctx.name, tenants))

    async def activate(self, tenants: TenantInput | Sequence[TenantInput]) -> None:
        """Set tenants ``ACTIVE``.

        Args:
            tenants: A name, a :class:`Tenant` or a list of them.
        """
        return await self._driver.run(ops.set_status(self._ctx.name, tenants, _ACTIVE))

    async def deactivate(self, tenants: TenantInput | Sequence[TenantInput]) -> None:
        """Set tenants ``INACTIVE`` (unloaded; files stay on disk).

        Args:
            tenants: A name, a :class:`Tenant` or a list of them.
        """
        return await self._driver.run(ops.set_status(self._ctx.name, tenants, _INACTIVE))

    async def offload(self, tenants: TenantInput | Sequence[TenantInput]) -> None:
        """Set tenants ``OFFLOADED`` (needs an offload module such as ``offload-s3``).

        Args:
            tenants: A name, a :class:`Tenant` or a list of them.
        """
        return await self._driver.run(ops.set_status(self._ctx.name, tenants, _OFFLOADED))
