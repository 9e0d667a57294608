"""RBAC result types: roles, users, groups and their assignments, parsed from the server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from weavorm.engine._protocol.rbac_models import (
    Permission,
    merge_permissions,
    permission_from_weaviate,
)

__all__ = [
    "GroupAssignment",
    "GroupTypes",
    "OwnUser",
    "Role",
    "RoleBase",
    "UserAssignment",
    "UserDB",
    "UserTypes",
    "role_from_weaviate",
]


@dataclass(frozen=True, slots=True)
class RoleBase:
    """A role known by name only.

    Attributes:
        name: The role's name.
    """

    name: str


@dataclass(frozen=True, slots=True)
class Role(RoleBase):
    """A role and its permissions (same resource merged into one entry).

    Attributes:
        permissions: The permissions.
    """

    permissions: list[Permission] = field(default_factory=list)

    def _of(self, domain: str) -> list[Permission]:
        return [p for p in self.permissions if p.domain == domain]

    @property
    def alias_permissions(self) -> list[Permission]:
        """Permissions on aliases."""
        return self._of("aliases")

    @property
    def backups_permissions(self) -> list[Permission]:
        """Permissions on backups."""
        return self._of("backups")

    @property
    def cluster_permissions(self) -> list[Permission]:
        """Permissions on the cluster."""
        return self._of("cluster")

    @property
    def collections_permissions(self) -> list[Permission]:
        """Permissions on collection definitions."""
        return self._of("collections")

    @property
    def data_permissions(self) -> list[Permission]:
        """Permissions on objects."""
        return self._of("data")

    @property
    def groups_permissions(self) -> list[Permission]:
        """Permissions on groups."""
        return self._of("groups")

    @property
    def mcp_permissions(self) -> list[Permission]:
        """Permissions on the MCP endpoint."""
        return self._of("mcp")

    @property
    def nodes_permissions(self) -> list[Permission]:
        """Permissions on nodes."""
        return self._of("nodes")

    @property
    def replicate_permissions(self) -> list[Permission]:
        """Permissions on replica movement."""
        return self._of("replicate")

    @property
    def roles_permissions(self) -> list[Permission]:
        """Permissions on roles."""
        return self._of("roles")

    @property
    def tenants_permissions(self) -> list[Permission]:
        """Permissions on tenants."""
        return self._of("tenants")

    @property
    def users_permissions(self) -> list[Permission]:
        """Permissions on users."""
        return self._of("users")


def role_from_weaviate(data: Mapping[str, Any]) -> Role:
    """A :class:`Role` from the server's role JSON (unknown actions are skipped)."""
    perms = [
        p
        for p in (
            permission_from_weaviate(item)
            for item in data.get("permissions") or []
            if isinstance(item, dict)
        )
        if p is not None
    ]
    return Role(str(data.get("name") or ""), merge_permissions(perms))


class UserTypes(str, Enum):
    """Where a user comes from."""

    DB_DYNAMIC = "db_user"
    DB_STATIC = "db_env_user"
    OIDC = "oidc"


class GroupTypes(str, Enum):
    """Where a group comes from."""

    OIDC = "oidc"


@dataclass(frozen=True, slots=True)
class UserAssignment:
    """A user holding a role.

    Attributes:
        user_id: The user.
        user_type: Its kind.
    """

    user_id: str
    user_type: UserTypes


@dataclass(frozen=True, slots=True)
class GroupAssignment:
    """A group holding a role.

    Attributes:
        group_id: The group.
        group_type: Its kind.
    """

    group_id: str
    group_type: GroupTypes


@dataclass(frozen=True, slots=True, kw_only=True)
class OwnUser:
    """The user the client is authenticated as.

    Attributes:
        user_id: Its id.
        roles: Its roles by name.
        groups: Its groups.
    """

    user_id: str
    roles: dict[str, Role]
    groups: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class UserDB:
    """A database user.

    ``db_user``: created through the API; ``db_env_user``: configured with
    ``AUTHENTICATION_APIKEY_USERS``.

    Attributes:
        user_id: Its id.
        role_names: The roles it holds.
        user_type: ``db_user`` or ``db_env_user``.
        active: Whether it may log in.
        created_at: When it was created, when reported.
        last_used_time: When it last authenticated, when asked for and known.
        api_key_first_letters: The start of its API key, when reported.
    """

    user_id: str
    role_names: list[str]
    user_type: UserTypes
    active: bool
    created_at: datetime | None = None
    last_used_time: datetime | None = None
    api_key_first_letters: str | None = None
