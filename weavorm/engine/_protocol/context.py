"""What every collection-scoped operation needs to know: name, tenant, consistency."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from weavorm.engine._protocol.validate import check_collection_name, check_tenant_name
from weavorm.engine.tenants_types import Tenant
from weavorm.errors import ConfigError

__all__ = ["CONSISTENCY_LEVELS", "CollectionContext", "ConsistencyLevel"]

ConsistencyLevel = Literal["ONE", "QUORUM", "ALL"]
CONSISTENCY_LEVELS: tuple[str, ...] = ("ONE", "QUORUM", "ALL")


@dataclass(frozen=True, slots=True)
class CollectionContext:
    """The collection an operation addresses.

    Attributes:
        name: The collection name (or an alias).
        tenant: The tenant for multi-tenant collections.
        consistency: Replication consistency level for reads and writes.
        grpc_max_message_size: The server's gRPC message limit in bytes.
    """

    name: str
    tenant: str | None = None
    consistency: str | None = None
    grpc_max_message_size: int = 104_858_000

    def __post_init__(self) -> None:
        check_collection_name(self.name, "collection name")
        if self.tenant is not None:
            check_tenant_name(self.tenant)

    def with_tenant(self, tenant: str | Tenant | None) -> CollectionContext:
        """A copy addressing ``tenant`` (a name or a :class:`Tenant`)."""
        if isinstance(tenant, Tenant):
            tenant = tenant.name
        if tenant is not None:
            check_tenant_name(tenant)
        return replace(self, tenant=tenant)

    def with_consistency(self, level: str | None) -> CollectionContext:
        """A copy with consistency ``level`` (``ONE``, ``QUORUM`` or ``ALL``)."""
        if level is not None:
            level = str(level).upper()
            if level not in CONSISTENCY_LEVELS:
                raise ConfigError(
                    f"consistency level must be one of {', '.join(CONSISTENCY_LEVELS)}, "
                    f"got {level!r}",
                    field="consistency",
                    value=level,
                )
        return replace(self, consistency=level)

    def rest_params(self) -> dict[str, str]:
        """Query parameters for REST object calls."""
        params: dict[str, str] = {}
        if self.tenant:
            params["tenant"] = self.tenant
        if self.consistency:
            params["consistency_level"] = self.consistency
        return params
