"""Role-based access control: ``client.roles`` and the permission builders.

Example::

    from weavorm.engine.rbac import Permissions

    client.roles.create(
        role_name="article-reader",
        permissions=[
            Permissions.collections(collection="Article", read_config=True),
            Permissions.data(collection="Article", read=True),
        ],
    )
    client.users.db.assign_roles(user_id="ada", role_names="article-reader")

Users and groups are in :mod:`weavorm.engine.rbac_users`.
"""

from __future__ import annotations

from weavorm.engine._protocol import rbac as ops
from weavorm.engine._protocol.rbac_models import (
    Action,
    Actions,
    AliasAction,
    BackupsAction,
    ClusterAction,
    CollectionsAction,
    DataAction,
    GroupAction,
    MCPAction,
    NamespacesAction,
    NodesAction,
    Permission,
    Permissions,
    PermissionsInput,
    ReplicateAction,
    RolesAction,
    RoleScope,
    TenantsAction,
    UsersAction,
)
from weavorm.engine._protocol.rbac_roles import (
    GroupAssignment,
    GroupTypes,
    OwnUser,
    Role,
    RoleBase,
    UserAssignment,
    UserDB,
    UserTypes,
)
from weavorm.engine._transport.driver import AsyncDriver

__all__ = [
    "Action",
    "Actions",
    "AliasAction",
    "AsyncRolesNamespace",
    "BackupsAction",
    "ClusterAction",
    "CollectionsAction",
    "DataAction",
    "GroupAction",
    "GroupAssignment",
    "GroupTypes",
    "MCPAction",
    "NamespacesAction",
    "NodesAction",
    "OwnUser",
    "Permission",
    "Permissions",
    "PermissionsInput",
    "ReplicateAction",
    "Role",
    "RoleBase",
    "RoleScope",
    "RolesAction",
    "TenantsAction",
    "UserAssignment",
    "UserDB",
    "UserTypes",
    "UsersAction",
]


class AsyncRolesNamespace:
    """Roles and their permissions (``client.roles``)."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    async def list_all(self) -> dict[str, Role]:
        """Every role the caller may read, by name (built-in ones included)."""
        return await self._driver.run(ops.list_roles())

    async def get(self, role_name: str) -> Role | None:
        """A role and its permissions.

        Args:
            role_name: The role.

        Returns:
            The role, or None when there is none of that name.
        """
        return await self._driver.run(ops.get_role(role_name))

    async def exists(self, role_name: str) -> bool:
        """Whether a role exists.

        Args:
            role_name: The role.
        """
        return await self._driver.run(ops.role_exists(role_name))

    async def create(self, *, role_name: str, permissions: PermissionsInput) -> Role:
        """Create a role.

        Args:
            role_name: Its name.
            permissions: Permissions from the ``Permissions.*`` builders (lists may nest).

        Returns:
            The role as created.

        Raises:
            ConfigError: no permission given.
            ConflictError: a role of that name exists.
            UnprocessableError: the server refused a permission.
        """
        return await self._driver.run(ops.create_role(role_name=role_name, permissions=permissions))

    async def delete(self, role_name: str) -> None:
        """Delete a role (nothing happens when it does not exist).

        Args:
            role_name: The role.
        """
        await self._driver.run(ops.delete_role(role_name))

    async def add_permissions(self, *, permissions: PermissionsInput, role_name: str) -> None:
        """Grant a role more permissions (existing ones are kept).

        Args:
            permissions: The permissions to add.
            role_name: The role.
        """
        await self._driver.run(ops.add_permissions(permissions=permissions, role_name=role_name))

    async def remove_permissions(self, *, permissions: PermissionsInput, role_name: str) -> None:
        """Take permissions away from a role (missing ones are ignored).

        Args:
            permissions: The permissions to remove.
            role_name: The role.
        """
        await self._driver.run(ops.remove_permissions(permissions=permissions, role_name=role_name))

    async def has_permissions(self, *, permissions: PermissionsInput, role: str) -> bool:
        """Whether a role holds every one of the given permissions.

        Args:
            permissions: The permissions to check (each action is checked).
            role: The role.

        Returns:
            True only when all are held (False for an unknown role).
        """
        return await self._driver.run(ops.has_permissions(permissions=permissions, role=role))

    async def get_user_assignments(self, role_name: str) -> list[UserAssignment]:
        """The users holding a role, with their user type.

        Args:
            role_name: The role.
        """
        return await self._driver.run(ops.get_user_assignments(role_name))

    async def get_group_assignments(self, role_name: str) -> list[GroupAssignment]:
        """The groups holding a role, with their group type.

        Args:
            role_name: The role.
        """
        return await self._driver.run(ops.get_group_assignments(role_name))

    async def get_assigned_user_ids(self, role_name: str) -> list[str]:
        """The ids of users holding a role (deprecated: use :meth:`get_user_assignments`).

        Args:
            role_name: The role.
        """
        return await self._driver.run(ops.get_assigned_user_ids(role_name))
