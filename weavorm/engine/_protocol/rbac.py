"""RBAC over REST: roles, DB users, and role assignments of users and groups.

Roles live at ``/v1/authz/roles``, DB users at ``/v1/users``, assignments at
``/v1/authz/users`` and ``/v1/authz/groups``.

They need a server with ``AUTHORIZATION_RBAC_ENABLED=true`` (DB users also
``AUTHENTICATION_DB_USERS_ENABLED=true``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from weavorm.engine._protocol.calls import HttpCall, HttpReply, Operation, http, parallel
from weavorm.engine._protocol.ops_common import (
    bool_param,
    parse_datetime,
    reply_dict,
    reply_list,
    require_name,
    segment,
)
from weavorm.engine._protocol.rbac_models import (
    PermissionsInput,
    flatten_permissions,
    merge_permissions,
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
    role_from_weaviate,
)
from weavorm.errors import ConfigError, WeavormError

__all__ = [
    "UserType",
    "activate_user",
    "add_permissions",
    "assign_roles_to_group",
    "assign_roles_to_user",
    "create_role",
    "create_user",
    "deactivate_user",
    "delete_role",
    "delete_user",
    "get_assigned_user_ids",
    "get_group_assignments",
    "get_my_user",
    "get_role",
    "get_roles_of_group",
    "get_roles_of_user",
    "get_user",
    "get_user_assignments",
    "has_permissions",
    "known_group_names",
    "list_roles",
    "list_users",
    "remove_permissions",
    "revoke_roles_from_group",
    "revoke_roles_from_user",
    "role_exists",
    "rotate_user_key",
]

UserType = Literal["db", "oidc"]


def _role_path(role_name: str, suffix: str = "") -> str:
    return f"/v1/authz/roles/{segment(role_name, 'role_name')}{suffix}"


def _permission_bodies(permissions: PermissionsInput) -> list[dict[str, Any]]:
    bodies = [body for p in flatten_permissions(permissions) for body in p.to_weaviate()]
    if not bodies:
        raise ConfigError(
            "no permissions given (a builder with no action switched on returns none)",
            field="permissions",
        )
    return bodies


def _role_names(role_names: str | Sequence[str]) -> list[str]:
    names = [role_names] if isinstance(role_names, str) else list(role_names)
    if not names:
        raise ConfigError("role_names must not be empty", field="role_names")
    return [require_name(n, "role_names") for n in names]


def _user_type(user_type: str, field: str = "user_type") -> str:
    if user_type not in ("db", "oidc"):
        raise ConfigError(
            f"{field} must be 'db' or 'oidc', got {user_type!r}", field=field, value=user_type
        )
    return user_type


# -- roles -------------------------------------------------------------------------------


def list_roles() -> Operation[dict[str, Role]]:
    """``GET /v1/authz/roles``: every role the caller may see, by name."""
    reply = yield from http("GET", "/v1/authz/roles", operation="roles.list_all")
    roles = [role_from_weaviate(r) for r in reply_list(reply) if isinstance(r, dict)]
    return {r.name: r for r in roles}


def get_role(role_name: str) -> Operation[Role | None]:
    """``GET /v1/authz/roles/{name}``; None when there is no such role."""
    reply = yield from http(
        "GET", _role_path(role_name), operation="roles.get", accept=frozenset({404})
    )
    if reply.status == 404:
        return None
    return role_from_weaviate(reply_dict(reply))


def role_exists(role_name: str) -> Operation[bool]:
    """Whether a role exists."""
    reply = yield from http(
        "GET", _role_path(role_name), operation="roles.exists", accept=frozenset({404})
    )
    return reply.status == 200


def create_role(*, role_name: str, permissions: PermissionsInput) -> Operation[Role]:
    """``POST /v1/authz/roles``; returns the role as created."""
    name = require_name(role_name, "role_name")
    perms = flatten_permissions(permissions)
    bodies = _permission_bodies(perms)
    yield from http(
        "POST",
        "/v1/authz/roles",
        operation="roles.create",
        json={"name": name, "permissions": bodies},
        idempotent=False,
    )
    return Role(name, merge_permissions(perms))


def delete_role(role_name: str) -> Operation[None]:
    """``DELETE /v1/authz/roles/{name}`` (no error when it does not exist)."""
    yield from http("DELETE", _role_path(role_name), operation="roles.delete")


def add_permissions(*, permissions: PermissionsInput, role_name: str) -> Operation[None]:
    """``POST /v1/authz/roles/{name}/add-permissions`` (an upsert)."""
    bodies = _permission_bodies(permissions)
    yield from http(
        "POST",
        _role_path(role_name, "/add-permissions"),
        operation="roles.add_permissions",
        json={"permissions": bodies},
        idempotent=True,
    )


def remove_permissions(*, permissions: PermissionsInput, role_name: str) -> Operation[None]:
    """``POST /v1/authz/roles/{name}/remove-permissions``.

    Removing a role's last permissions leaves it empty (Weaviate 1.30+ keeps it).
    """
    bodies = _permission_bodies(permissions)
    yield from http(
        "POST",
        _role_path(role_name, "/remove-permissions"),
        operation="roles.remove_permissions",
        json={"permissions": bodies},
        idempotent=True,
    )


def has_permissions(*, permissions: PermissionsInput, role: str) -> Operation[bool]:
    """Whether ``role`` holds every given permission (one check per action, concurrently)."""
    path = _role_path(role, "/has-permission")
    bodies = _permission_bodies(permissions)
    calls = [
        HttpCall(
            method="POST",
            path=path,
            operation="roles.has_permissions",
            json=body,
            idempotent=True,
            accept=frozenset({404}),
        )
        for body in bodies
    ]
    replies = yield from parallel(calls, concurrency=8)
    result = True
    for reply in replies:
        if isinstance(reply, WeavormError):
            raise reply
        if not isinstance(reply, HttpReply) or reply.status == 404 or reply.json is not True:
            result = False
    return result


def get_user_assignments(role_name: str) -> Operation[list[UserAssignment]]:
    """``GET /v1/authz/roles/{name}/user-assignments``."""
    reply = yield from http(
        "GET", _role_path(role_name, "/user-assignments"), operation="roles.get_user_assignments"
    )
    return [
        UserAssignment(str(a.get("userId") or ""), UserTypes(str(a.get("userType") or "db_user")))
        for a in reply_list(reply)
        if isinstance(a, dict)
    ]


def get_group_assignments(role_name: str) -> Operation[list[GroupAssignment]]:
    """``GET /v1/authz/roles/{name}/group-assignments``."""
    reply = yield from http(
        "GET",
        _role_path(role_name, "/group-assignments"),
        operation="roles.get_group_assignments",
    )
    return [
        GroupAssignment(str(a.get("groupId") or ""), GroupTypes(str(a.get("groupType") or "oidc")))
        for a in reply_list(reply)
        if isinstance(a, dict)
    ]


def get_assigned_user_ids(role_name: str) -> Operation[list[str]]:
    """``GET /v1/authz/roles/{name}/users`` (deprecated by the server; ids only)."""
    reply = yield from http(
        "GET", _role_path(role_name, "/users"), operation="roles.get_assigned_user_ids"
    )
    return [str(u) for u in reply_list(reply)]


# -- users -------------------------------------------------------------------------------


def _user_path(user_id: str, suffix: str = "") -> str:
    return f"/v1/users/db/{segment(user_id, 'user_id')}{suffix}"


def _user_db(data: dict[str, Any]) -> UserDB:
    try:
        user_type = UserTypes(str(data.get("dbUserType") or "db_user"))
    except ValueError:
        user_type = UserTypes.DB_DYNAMIC
    return UserDB(
        user_id=str(data.get("userId") or ""),
        role_names=[str(r) for r in data.get("roles") or []],
        user_type=user_type,
        active=bool(data.get("active")),
        created_at=parse_datetime(data.get("createdAt")),
        last_used_time=parse_datetime(data.get("lastUsedAt")),
        api_key_first_letters=data.get("apiKeyFirstLetters") or None,
    )


def get_my_user() -> Operation[OwnUser]:
    """``GET /v1/users/own-info``: the authenticated user, its roles and groups."""
    reply = yield from http("GET", "/v1/users/own-info", operation="users.get_my_user")
    data = reply_dict(reply)
    roles = [role_from_weaviate(r) for r in data.get("roles") or [] if isinstance(r, dict)]
    return OwnUser(
        user_id=str(data.get("username") or data.get("user_id") or ""),
        roles={r.name: r for r in roles},
        groups=[str(g) for g in data.get("groups") or []],
    )


def create_user(*, user_id: str) -> Operation[str]:
    """``POST /v1/users/db/{id}``; returns the new user's API key (shown only once)."""
    reply = yield from http(
        "POST", _user_path(user_id), operation="users.db.create", json={}, idempotent=False
    )
    return str(reply_dict(reply).get("apikey") or "")


def delete_user(*, user_id: str) -> Operation[bool]:
    """``DELETE /v1/users/db/{id}``; False when there was no such user."""
    reply = yield from http(
        "DELETE", _user_path(user_id), operation="users.db.delete", accept=frozenset({404})
    )
    return reply.status == 204


def rotate_user_key(*, user_id: str) -> Operation[str]:
    """``POST /v1/users/db/{id}/rotate-key``; returns the new API key."""
    reply = yield from http(
        "POST",
        _user_path(user_id, "/rotate-key"),
        operation="users.db.rotate_key",
        json={},
        idempotent=False,
    )
    return str(reply_dict(reply).get("apikey") or "")


def activate_user(*, user_id: str) -> Operation[bool]:
    """``POST /v1/users/db/{id}/activate``; False when it was already active."""
    reply = yield from http(
        "POST",
        _user_path(user_id, "/activate"),
        operation="users.db.activate",
        json={},
        idempotent=True,
        accept=frozenset({409}),
    )
    return reply.status == 200


def deactivate_user(*, user_id: str, revoke_key: bool = False) -> Operation[bool]:
    """``POST /v1/users/db/{id}/deactivate``; False when it was already inactive."""
    reply = yield from http(
        "POST",
        _user_path(user_id, "/deactivate"),
        operation="users.db.deactivate",
        json={"revoke_key": bool(revoke_key)},
        idempotent=True,
        accept=frozenset({409}),
    )
    return reply.status == 200


def get_user(*, user_id: str, include_last_used_time: bool = False) -> Operation[UserDB | None]:
    """``GET /v1/users/db/{id}``; None when there is no such user."""
    reply = yield from http(
        "GET",
        _user_path(user_id),
        operation="users.db.get",
        params={"includeLastUsedTime": bool_param(include_last_used_time)},
        accept=frozenset({404}),
    )
    if reply.status == 404:
        return None
    return _user_db(reply_dict(reply))


def list_users(*, include_last_used_time: bool = False) -> Operation[list[UserDB]]:
    """``GET /v1/users/db``: every DB user (API-created and configured)."""
    reply = yield from http(
        "GET",
        "/v1/users/db",
        operation="users.db.list_all",
        params={"includeLastUsedTime": bool_param(include_last_used_time)},
    )
    return [_user_db(u) for u in reply_list(reply) if isinstance(u, dict)]


def _roles_reply(
    reply: HttpReply, include_permissions: bool
) -> dict[str, Role] | dict[str, RoleBase]:
    items = [r for r in reply_list(reply) if isinstance(r, dict)]
    if include_permissions:
        return {role.name: role for role in (role_from_weaviate(r) for r in items)}
    return {str(r.get("name")): RoleBase(str(r.get("name"))) for r in items}


def get_roles_of_user(
    user_id: str, user_type: UserType, *, include_permissions: bool = False
) -> Operation[dict[str, Role] | dict[str, RoleBase]]:
    """``GET /v1/authz/users/{id}/roles/{userType}``."""
    kind = _user_type(user_type)
    reply = yield from http(
        "GET",
        f"/v1/authz/users/{segment(user_id, 'user_id')}/roles/{kind}",
        operation=f"users.{kind}.get_assigned_roles",
        params={"includeFullRoles": bool_param(include_permissions)},
    )
    return _roles_reply(reply, include_permissions)


def assign_roles_to_user(
    user_id: str, role_names: str | Sequence[str], user_type: UserType
) -> Operation[None]:
    """``POST /v1/authz/users/{id}/assign``."""
    kind = _user_type(user_type)
    yield from http(
        "POST",
        f"/v1/authz/users/{segment(user_id, 'user_id')}/assign",
        operation=f"users.{kind}.assign_roles",
        json={"roles": _role_names(role_names), "userType": kind},
        idempotent=True,
    )


def revoke_roles_from_user(
    user_id: str, role_names: str | Sequence[str], user_type: UserType
) -> Operation[None]:
    """``POST /v1/authz/users/{id}/revoke``."""
    kind = _user_type(user_type)
    yield from http(
        "POST",
        f"/v1/authz/users/{segment(user_id, 'user_id')}/revoke",
        operation=f"users.{kind}.revoke_roles",
        json={"roles": _role_names(role_names), "userType": kind},
        idempotent=True,
    )


# -- groups ------------------------------------------------------------------------------


def get_roles_of_group(
    group_id: str, *, include_permissions: bool = False
) -> Operation[dict[str, Role] | dict[str, RoleBase]]:
    """``GET /v1/authz/groups/{id}/roles/oidc``."""
    reply = yield from http(
        "GET",
        f"/v1/authz/groups/{segment(group_id, 'group_id')}/roles/oidc",
        operation="groups.oidc.get_assigned_roles",
        params={"includeFullRoles": bool_param(include_permissions)},
    )
    return _roles_reply(reply, include_permissions)


def assign_roles_to_group(group_id: str, role_names: str | Sequence[str]) -> Operation[None]:
    """``POST /v1/authz/groups/{id}/assign`` (OIDC groups)."""
    yield from http(
        "POST",
        f"/v1/authz/groups/{segment(group_id, 'group_id')}/assign",
        operation="groups.oidc.assign_roles",
        json={"roles": _role_names(role_names), "groupType": "oidc"},
        idempotent=True,
    )


def revoke_roles_from_group(group_id: str, role_names: str | Sequence[str]) -> Operation[None]:
    """``POST /v1/authz/groups/{id}/revoke`` (OIDC groups)."""
    yield from http(
        "POST",
        f"/v1/authz/groups/{segment(group_id, 'group_id')}/revoke",
        operation="groups.oidc.revoke_roles",
        json={"roles": _role_names(role_names), "groupType": "oidc"},
        idempotent=True,
    )


def known_group_names() -> Operation[list[str]]:
    """``GET /v1/authz/groups/oidc``: OIDC groups that hold a role."""
    reply = yield from http("GET", "/v1/authz/groups/oidc", operation="groups.oidc.known_names")
    return [str(g) for g in reply_list(reply)]
