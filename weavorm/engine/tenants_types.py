"""Tenants of multi-tenant collections: :class:`Tenant` and :class:`TenantActivityStatus`.

The server (1.39) speaks two vocabularies for a tenant's activity status: the current
``ACTIVE`` / ``INACTIVE`` / ``OFFLOADED`` (with the transient ``OFFLOADING`` and
``ONLOADING``) and the older ``HOT`` / ``COLD`` / ``FROZEN`` (``FREEZING``,
``UNFREEZING``), which its REST API still returns. weavorm always reports the
current names; the old ones are accepted as aliases (``TenantActivityStatus.HOT is
TenantActivityStatus.ACTIVE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from weavorm.errors import ConfigError

__all__ = ["Tenant", "TenantActivityStatus"]


class TenantActivityStatus(str, Enum):
    """The activity status of a tenant.

    Attributes:
        ACTIVE: Loaded and usable.
        INACTIVE: Not loaded; its files stay on local disk.
        OFFLOADED: Not loaded; its files are in cloud storage (needs an offload module).
        OFFLOADING: Being moved to cloud storage (read-only status).
        ONLOADING: Being brought back from cloud storage (read-only status).
        HOT: Old name of ``ACTIVE``.
        COLD: Old name of ``INACTIVE``.
        FROZEN: Old name of ``OFFLOADED``.
        FREEZING: Old name of ``OFFLOADING``.
        UNFREEZING: Old name of ``ONLOADING``.
    """

    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    OFFLOADED = "OFFLOADED"
    OFFLOADING = "OFFLOADING"
    ONLOADING = "ONLOADING"
    HOT = "ACTIVE"
    COLD = "INACTIVE"
    FROZEN = "OFFLOADED"
    FREEZING = "OFFLOADING"
    UNFREEZING = "ONLOADING"

    @classmethod
    def _missing_(cls, value: object) -> TenantActivityStatus | None:
        if isinstance(value, str):
            key = value.strip().upper()
            if key in cls.__members__:
                return cls.__members__[key]
        return None

    @classmethod
    def parse(cls, value: Any, *, field: str = "activity_status") -> TenantActivityStatus:
        """The status for ``value`` (a member, or its current or old name in any case).

        Raises:
            ConfigError: for anything that is not a tenant activity status.
        """
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(cls.__members__)
            raise ConfigError(
                f"{field} must be one of {names}, got {value!r}", field=field, value=value
            ) from None


#: Statuses a tenant can be created with.
CREATE_STATUSES = frozenset({TenantActivityStatus.ACTIVE, TenantActivityStatus.INACTIVE})
#: Statuses a tenant can be set to with an update.
UPDATE_STATUSES = frozenset(
    {TenantActivityStatus.ACTIVE, TenantActivityStatus.INACTIVE, TenantActivityStatus.OFFLOADED}
)


@dataclass(frozen=True, slots=True)
class Tenant:
    """A tenant: its name and activity status.

    Args:
        name: The tenant name (the server allows letters, digits, ``-`` and ``_``).
        activity_status: A :class:`TenantActivityStatus` or its name; old names
            (``HOT``, ``COLD``, ``FROZEN``) are converted to the current ones.

    Raises:
        ConfigError: for an empty name or an unknown status.
    """

    name: str
    activity_status: TenantActivityStatus = TenantActivityStatus.ACTIVE

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ConfigError(
                f"tenant name must be a non-empty string, got {self.name!r}",
                field="tenant",
                value=self.name,
            )
        status = TenantActivityStatus.parse(self.activity_status)
        object.__setattr__(self, "activity_status", status)

    def to_json(self) -> dict[str, str]:
        """The REST body of this tenant."""
        return {"name": self.name, "activityStatus": self.activity_status.value}
