"""What every collection-scoped operation needs to know: name, tenant, consistency."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

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

    def with_tenant(self, tenant: str | None) -> CollectionContext:
        """A copy addressing ``tenant``."""
        if tenant is not None and (not isinstance(tenant, str) or not tenant):
            raise ConfigError(f"tenant must be a non-empty string, got {tenant!r}", field="tenant")
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
