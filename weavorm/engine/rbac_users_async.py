"""Users and groups: ``client.users`` (``.db``, ``.oidc``) and ``client.groups`` (``.oidc``).

DB users are created through the API and log in with the API key it returns;
their roles come from ``client.roles``. OIDC users and groups come from the
identity provider; only their role assignments live in Weaviate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, overload

from weavorm.engine._protocol import rbac as ops
from weavorm.engine._protocol.rbac_roles import OwnUser, Role, RoleBase, UserDB
from weavorm.engine._transport.driver import AsyncDriver

__all__ = [
    "AsyncDBUsersNamespace",
    "AsyncGroupsNamespace",
    "AsyncOIDCGroupsNamespace",
    "AsyncOIDCUsersNamespace",
    "AsyncUsersNamespace",
]

RoleNames = str | Sequence[str]


class AsyncDBUsersNamespace:
    """Database users (``client.users.db``): created through the API, with API keys."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    async def create(self, *, user_id: str) -> str:
        """Create a user.

        Args:
            user_id: Its id.

        Returns:
            Its API key (it cannot be read again; rotate it to get a new one).

        Raises:
            ConflictError: the user exists.
        """
        return await self._driver.run(ops.create_user(user_id=user_id))

    async def delete(self, *, user_id: str) -> bool:
        """Delete a user.

        Args:
            user_id: Its id.

        Returns:
            False when there was no such user.
        """
        return await self._driver.run(ops.delete_user(user_id=user_id))

    async def rotate_key(self, *, user_id: str) -> str:
        """Give a user a new API key (the old one stops working).

        Args:
            user_id: Its id.

        Returns:
            The new API key.
        """
        return await self._driver.run(ops.rotate_user_key(user_id=user_id))

    async def activate(self, *, user_id: str) -> bool:
        """Let a deactivated user log in again.

        Args:
            user_id: Its id.

        Returns:
            False when it was already active.
        """
        return await self._driver.run(ops.activate_user(user_id=user_id))

    async def deactivate(self, *, user_id: str, revoke_key: bool = False) -> bool:
        """Stop a user from logging in.

        Args:
            user_id: Its id.
            revoke_key: Also invalidate its key (it needs a rotated one afterwards).

        Returns:
            False when it was already inactive.
        """
        return await self._driver.run(ops.deactivate_user(user_id=user_id, revoke_key=revoke_key))

    async def get(self, *, user_id: str, include_last_used_time: bool = False) -> UserDB | None:
        """A user.

        Args:
            user_id: Its id.
            include_last_used_time: Also report when it last logged in.

        Returns:
            The user, or None when there is none.
        """
        return await self._driver.run(
            ops.get_user(user_id=user_id, include_last_used_time=include_last_used_time)
        )

    async def list_all(self, *, include_last_used_time: bool = False) -> list[UserDB]:
        """Every DB user (created ones and those configured on the server).

        Args:
            include_last_used_time: Also report when each last logged in.
        """
        return await self._driver.run(ops.list_users(include_last_used_time=include_last_used_time))

    @overload
    async def get_assigned_roles(
        self, *, user_id: str, include_permissions: Literal[False] = False
    ) -> dict[str, RoleBase]: ...

    @overload
    async def get_assigned_roles(
        self, *, user_id: str, include_permissions: Literal[True]
    ) -> dict[str, Role]: ...

    async def get_assigned_roles(
        self, *, user_id: str, include_permissions: bool = False
    ) -> dict[str, Role] | dict[str, RoleBase]:
        """The roles of a DB user.

        Args:
            user_id: Its id.
            include_permissions: Return full :class:`Role` objects, not just names.

        Returns:
            Role name -> role.
        """
        return await self._driver.run(
            ops.get_roles_of_user(user_id, "db", include_permissions=include_permissions)
        )

    async def assign_roles(self, *, user_id: str, role_names: RoleNames) -> None:
        """Give a DB user roles.

        Args:
            user_id: Its id.
            role_names: One role or several.

        Raises:
            NotFoundError: an unknown user or role.
        """
        await self._driver.run(ops.assign_roles_to_user(user_id, role_names, "db"))

    async def revoke_roles(self, *, user_id: str, role_names: RoleNames) -> None:
        """Take roles from a DB user.

        Args:
            user_id: Its id.
            role_names: One role or several.
        """
        await self._driver.run(ops.revoke_roles_from_user(user_id, role_names, "db"))


class AsyncOIDCUsersNamespace:
    """Role assignments of OIDC users (``client.users.oidc``)."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    @overload
    async def get_assigned_roles(
        self, *, user_id: str, include_permissions: Literal[False] = False
    ) -> dict[str, RoleBase]: ...

    @overload
    async def get_assigned_roles(
        self, *, user_id: str, include_permissions: Literal[True]
    ) -> dict[str, Role]: ...

    async def get_assigned_roles(
        self, *, user_id: str, include_permissions: bool = False
    ) -> dict[str, Role] | dict[str, RoleBase]:
        """The roles of an OIDC user.

        Args:
            user_id: The user as the identity provider names it.
            include_permissions: Return full :class:`Role` objects.

        Returns:
            Role name -> role.
        """
        return await self._driver.run(
            ops.get_roles_of_user(user_id, "oidc", include_permissions=include_permissions)
        )

    async def assign_roles(self, *, user_id: str, role_names: RoleNames) -> None:
        """Give an OIDC user roles.

        Args:
            user_id: The user.
            role_names: One role or several.
        """
        await self._driver.run(ops.assign_roles_to_user(user_id, role_names, "oidc"))

    async def revoke_roles(self, *, user_id: str, role_names: RoleNames) -> None:
        """Take roles from an OIDC user.

        Args:
            user_id: The user.
            role_names: One role or several.
        """
        await self._driver.run(ops.revoke_roles_from_user(user_id, role_names, "oidc"))


class AsyncUsersNamespace:
    """Users (``client.users``): the current user, ``.db`` users and ``.oidc`` users."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver
        self.db = AsyncDBUsersNamespace(driver)
        self.oidc = AsyncOIDCUsersNamespace(driver)

    async def get_my_user(self) -> OwnUser:
        """The user this client is authenticated as, with its roles and groups."""
        return await self._driver.run(ops.get_my_user())


class AsyncOIDCGroupsNamespace:
    """Role assignments of OIDC groups (``client.groups.oidc``)."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    @overload
    async def get_assigned_roles(
        self, *, group_id: str, include_permissions: Literal[False] = False
    ) -> dict[str, RoleBase]: ...

    @overload
    async def get_assigned_roles(
        self, *, group_id: str, include_permissions: Literal[True]
    ) -> dict[str, Role]: ...

    async def get_assigned_roles(
        self, *, group_id: str, include_permissions: bool = False
    ) -> dict[str, Role] | dict[str, RoleBase]:
        """The roles of a group.

        Args:
            group_id: The group as the identity provider names it.
            include_permissions: Return full :class:`Role` objects.

        Returns:
            Role name -> role.
        """
        return await self._driver.run(
            ops.get_roles_of_group(group_id, include_permissions=include_permissions)
        )

    async def assign_roles(self, *, group_id: str, role_names: RoleNames) -> None:
        """Give a group roles (every member gets them).

        Args:
            group_id: The group.
            role_names: One role or several.
        """
        await self._driver.run(ops.assign_roles_to_group(group_id, role_names))

    async def revoke_roles(self, *, group_id: str, role_names: RoleNames) -> None:
        """Take roles from a group.

        Args:
            group_id: The group.
            role_names: One role or several.
        """
        await self._driver.run(ops.revoke_roles_from_group(group_id, role_names))

    async def get_known_group_names(self) -> list[str]:
        """The groups that hold at least one role."""
        return await self._driver.run(ops.known_group_names())


class AsyncGroupsNamespace:
    """Groups (``client.groups``); Weaviate knows OIDC groups only (``.oidc``)."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver
        self.oidc = AsyncOIDCGroupsNamespace(driver)
