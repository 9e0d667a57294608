"""RBAC permissions: actions, the :class:`Permission` type and its builders.

A :class:`Permission` is one resource (a collection, a tenant, a role, ...) with a
set of actions on it; builders such as ``Permissions.collections(collection="Article",
read_config=True)`` return lists of them, ready for ``client.roles.create``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Literal

from weavorm.engine._protocol.ops_common import capitalize_first
from weavorm.errors import ConfigError

__all__ = [
    "Action",
    "Actions",
    "AliasAction",
    "BackupsAction",
    "ClusterAction",
    "CollectionsAction",
    "DataAction",
    "GroupAction",
    "MCPAction",
    "NamespacesAction",
    "NodesAction",
    "Permission",
    "Permissions",
    "PermissionsInput",
    "ReplicateAction",
    "RoleScope",
    "RolesAction",
    "TenantsAction",
    "UsersAction",
    "flatten_permissions",
    "merge_permissions",
    "permission_from_weaviate",
]


class Action(str, Enum):
    """Base of every action enum (the values are the server's action names)."""


class AliasAction(Action):
    """Actions on aliases."""

    CREATE = "create_aliases"
    READ = "read_aliases"
    UPDATE = "update_aliases"
    DELETE = "delete_aliases"


class CollectionsAction(Action):
    """Actions on collection definitions."""

    CREATE = "create_collections"
    READ = "read_collections"
    UPDATE = "update_collections"
    DELETE = "delete_collections"
    MANAGE = "manage_collections"


class TenantsAction(Action):
    """Actions on tenants."""

    CREATE = "create_tenants"
    READ = "read_tenants"
    UPDATE = "update_tenants"
    DELETE = "delete_tenants"


class DataAction(Action):
    """Actions on objects."""

    CREATE = "create_data"
    READ = "read_data"
    UPDATE = "update_data"
    DELETE = "delete_data"
    MANAGE = "manage_data"


class RolesAction(Action):
    """Actions on roles."""

    MANAGE = "manage_roles"
    CREATE = "create_roles"
    READ = "read_roles"
    UPDATE = "update_roles"
    DELETE = "delete_roles"


class UsersAction(Action):
    """Actions on users."""

    CREATE = "create_users"
    READ = "read_users"
    UPDATE = "update_users"
    DELETE = "delete_users"
    ASSIGN_AND_REVOKE = "assign_and_revoke_users"


class GroupAction(Action):
    """Actions on groups."""

    READ = "read_groups"
    ASSIGN_AND_REVOKE = "assign_and_revoke_groups"


class ClusterAction(Action):
    """Actions on the cluster."""

    READ = "read_cluster"


class NodesAction(Action):
    """Actions on nodes."""

    READ = "read_nodes"


class BackupsAction(Action):
    """Actions on backups."""

    MANAGE = "manage_backups"


class ReplicateAction(Action):
    """Actions on replica movement."""

    CREATE = "create_replicate"
    READ = "read_replicate"
    UPDATE = "update_replicate"
    DELETE = "delete_replicate"


class MCPAction(Action):
    """Actions on the MCP server."""

    CREATE = "create_mcp"
    READ = "read_mcp"
    UPDATE = "update_mcp"


class NamespacesAction(Action):
    """Actions on namespaces (servers with namespaces enabled)."""

    MANAGE = "manage_namespaces"


class Actions:
    """Every action enum, e.g. ``Actions.Collections.READ``."""

    Alias = AliasAction
    Backups = BackupsAction
    Cluster = ClusterAction
    Collections = CollectionsAction
    Data = DataAction
    Groups = GroupAction
    MCP = MCPAction
    Namespaces = NamespacesAction
    Nodes = NodesAction
    Replicate = ReplicateAction
    Roles = RolesAction
    Tenants = TenantsAction
    Users = UsersAction


class RoleScope(str, Enum):
    """Which roles a role-management permission reaches.

    ``all``: any role; ``match``: only roles with no more than the holder's own
    permissions.
    """

    MATCH = "match"
    ALL = "all"


#: domain -> (JSON member, its action enum, resource fields as (attribute, JSON key)).
_DOMAINS: dict[str, tuple[str | None, type[Action], tuple[tuple[str, str], ...]]] = {
    "aliases": ("aliases", AliasAction, (("alias", "alias"), ("collection", "collection"))),
    "backups": ("backups", BackupsAction, (("collection", "collection"),)),
    "cluster": (None, ClusterAction, ()),
    "collections": ("collections", CollectionsAction, (("collection", "collection"),)),
    "data": (
        "data",
        DataAction,
        (("collection", "collection"), ("tenant", "tenant"), ("object", "object")),
    ),
    "groups": ("groups", GroupAction, (("group", "group"), ("group_type", "groupType"))),
    "mcp": (None, MCPAction, ()),
    "namespaces": ("namespaces", NamespacesAction, (("namespace", "namespace"),)),
    "nodes": ("nodes", NodesAction, (("collection", "collection"), ("verbosity", "verbosity"))),
    "replicate": ("replicate", ReplicateAction, (("collection", "collection"), ("shard", "shard"))),
    "roles": ("roles", RolesAction, (("role", "role"), ("scope", "scope"))),
    "tenants": ("tenants", TenantsAction, (("collection", "collection"), ("tenant", "tenant"))),
    "users": ("users", UsersAction, (("user", "users"),)),
}
_ACTION_DOMAIN: dict[str, str] = {
    action.value: domain for domain, (_, enum, _) in _DOMAINS.items() for action in enum
}
#: Resource fields whose value is a collection name (sent capitalised).
_COLLECTION_FIELDS = frozenset({"collection", "alias"})


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Permission:
    """Actions on one resource.

    Attributes:
        domain: ``"collections"``, ``"data"``, ``"tenants"``, ``"nodes"``,
            ``"backups"``, ``"cluster"``, ``"roles"``, ``"users"``, ``"groups"``,
            ``"aliases"``, ``"replicate"``, ``"mcp"`` or ``"namespaces"``.
        actions: The actions granted (enum members, e.g. ``CollectionsAction.READ``).
        collection: Collection name or regex (collections, data, tenants, nodes,
            backups, replicate, aliases).
        tenant: Tenant name or regex (data, tenants).
        object: Object id or regex (data; None means all).
        shard: Shard name or regex (replicate).
        verbosity: ``minimal`` or ``verbose`` (nodes).
        role: Role name or regex (roles).
        scope: ``match`` or ``all`` (roles).
        user: User name or regex (users).
        group: Group name or regex (groups).
        group_type: ``oidc`` (groups).
        alias: Alias name or regex (aliases).
        namespace: Namespace name or regex (namespaces).
    """

    domain: str
    actions: frozenset[Action]
    collection: str | None = None
    tenant: str | None = None
    object: str | None = None
    shard: str | None = None
    verbosity: str | None = None
    role: str | None = None
    scope: str | None = None
    user: str | None = None
    group: str | None = None
    group_type: str | None = None
    alias: str | None = None
    namespace: str | None = None

    def __repr__(self) -> str:
        actions = ", ".join(repr(a.value) for a in sorted(self.actions, key=lambda a: a.value))
        fields = "".join(f", {k}={v!r}" for k, v in self.resource() if v is not None)
        return f"Permission(domain={self.domain!r}, actions={{{actions}}}{fields})"

    def resource(self) -> tuple[tuple[str, str | None], ...]:
        """The resource fields of this permission's domain, as (name, value) pairs."""
        return tuple((attr, getattr(self, attr)) for attr, _ in _DOMAINS[self.domain][2])

    def to_weaviate(self) -> list[dict[str, Any]]:
        """One server permission object per action."""
        member, _, fields = _DOMAINS[self.domain]
        body: dict[str, str] = {}
        for attr, key in fields:
            value = getattr(self, attr)
            if value is not None:
                body[key] = capitalize_first(value) if attr in _COLLECTION_FIELDS else value
        out: list[dict[str, Any]] = []
        for action in sorted(self.actions, key=lambda a: a.value):
            item: dict[str, Any] = {"action": action.value}
            if member is not None:
                item[member] = dict(body)
            out.append(item)
        return out


PermissionsInput = Permission | Sequence[Permission | Sequence[Permission]]


def flatten_permissions(permissions: PermissionsInput) -> list[Permission]:
    """A flat list from one permission or (nested) sequences of them."""
    if isinstance(permissions, Permission):
        return [permissions]
    out: list[Permission] = []
    for item in permissions:
        if isinstance(item, Permission):
            out.append(item)
        elif isinstance(item, Sequence) and not isinstance(item, str):
            out.extend(flatten_permissions(item))
        else:
            raise ConfigError(
                f"permissions must be Permission objects (from Permissions.*), got {item!r}",
                field="permissions",
            )
    return out


def _names(value: str | Sequence[str], field_name: str) -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    if not items or any(not isinstance(v, str) or not v for v in items):
        raise ConfigError(
            f"{field_name} must be a non-empty string or strings, got {value!r}",
            field=field_name,
            value=value,
        )
    return items


def _perm(
    domain: str, wanted: Iterable[tuple[bool, Action]], **resource: str | None
) -> list[Permission]:
    actions = frozenset(action for on, action in wanted if on)
    return [Permission(domain=domain, actions=actions, **resource)] if actions else []


class _NodesPermissions:
    """``Permissions.Nodes.minimal(...)`` / ``.verbose(...)``."""

    @staticmethod
    def minimal(*, read: bool = False) -> list[Permission]:
        """Reading the node list without shard details (all collections)."""
        return _perm("nodes", [(read, NodesAction.READ)], collection="*", verbosity="minimal")

    @staticmethod
    def verbose(*, collection: str | Sequence[str], read: bool = False) -> list[Permission]:
        """Reading node and shard details of some collections."""
        return [
            p
            for c in _names(collection, "collection")
            for p in _perm("nodes", [(read, NodesAction.READ)], collection=c, verbosity="verbose")
        ]


class _GroupsPermissions:
    """``Permissions.Groups.oidc(...)``."""

    @staticmethod
    def oidc(
        *, group: str | Sequence[str], read: bool = False, assign_and_revoke: bool = False
    ) -> list[Permission]:
        """Reading and (un)assigning roles of OIDC groups."""
        return [
            p
            for g in _names(group, "group")
            for p in _perm(
                "groups",
                [(read, GroupAction.READ), (assign_and_revoke, GroupAction.ASSIGN_AND_REVOKE)],
                group=g,
                group_type="oidc",
            )
        ]


class Permissions:
    """Permission builders. Each returns a list (empty when no action is switched on)."""

    Nodes = _NodesPermissions
    Groups = _GroupsPermissions

    @staticmethod
    def collections(
        *,
        collection: str | Sequence[str],
        create_collection: bool = False,
        read_config: bool = False,
        update_config: bool = False,
        delete_collection: bool = False,
    ) -> list[Permission]:
        """Creating, reading, changing and deleting collection definitions."""
        wanted = [
            (create_collection, CollectionsAction.CREATE),
            (read_config, CollectionsAction.READ),
            (update_config, CollectionsAction.UPDATE),
            (delete_collection, CollectionsAction.DELETE),
        ]
        return [
            p
            for c in _names(collection, "collection")
            for p in _perm("collections", wanted, collection=c)
        ]

    @staticmethod
    def data(
        *,
        collection: str | Sequence[str],
        tenant: str | Sequence[str] | None = None,
        create: bool = False,
        read: bool = False,
        update: bool = False,
        delete: bool = False,
    ) -> list[Permission]:
        """Objects of collections (and tenants; all tenants when None)."""
        wanted = [
            (create, DataAction.CREATE),
            (read, DataAction.READ),
            (update, DataAction.UPDATE),
            (delete, DataAction.DELETE),
        ]
        tenants = _names(tenant, "tenant") if tenant is not None else ["*"]
        return [
            p
            for c in _names(collection, "collection")
            for t in tenants
            for p in _perm("data", wanted, collection=c, tenant=t)
        ]

    @staticmethod
    def tenants(
        *,
        collection: str | Sequence[str],
        tenant: str | Sequence[str] | None = None,
        create: bool = False,
        read: bool = False,
        update: bool = False,
        delete: bool = False,
    ) -> list[Permission]:
        """Tenants of collections (all tenants when None)."""
        wanted = [
            (create, TenantsAction.CREATE),
            (read, TenantsAction.READ),
            (update, TenantsAction.UPDATE),
            (delete, TenantsAction.DELETE),
        ]
        tenants = _names(tenant, "tenant") if tenant is not None else ["*"]
        return [
            p
            for c in _names(collection, "collection")
            for t in tenants
            for p in _perm("tenants", wanted, collection=c, tenant=t)
        ]

    @staticmethod
    def nodes(
        *,
        collection: str | Sequence[str] = "*",
        verbosity: Literal["minimal", "verbose"] = "minimal",
        read: bool = False,
    ) -> list[Permission]:
        """Reading nodes (``verbose`` adds shard details of ``collection``)."""
        if verbosity not in ("minimal", "verbose"):
            raise ConfigError(
                f"verbosity must be 'minimal' or 'verbose', got {verbosity!r}",
                field="verbosity",
                value=verbosity,
            )
        if verbosity == "minimal":
            return _NodesPermissions.minimal(read=read)
        return _NodesPermissions.verbose(collection=collection, read=read)

    @staticmethod
    def backup(*, collection: str | Sequence[str], manage: bool = False) -> list[Permission]:
        """Creating and restoring backups of collections."""
        return [
            p
            for c in _names(collection, "collection")
            for p in _perm("backups", [(manage, BackupsAction.MANAGE)], collection=c)
        ]

    @staticmethod
    def cluster(*, read: bool = False) -> list[Permission]:
        """Reading cluster statistics."""
        return _perm("cluster", [(read, ClusterAction.READ)])

    @staticmethod
    def roles(
        *,
        role: str | Sequence[str],
        create: bool = False,
        read: bool = False,
        update: bool = False,
        delete: bool = False,
        scope: RoleScope | Literal["match", "all"] | None = None,
    ) -> list[Permission]:
        """Managing roles (``scope``: ``match`` limits to roles no stronger than one's own)."""
        wanted = [
            (create, RolesAction.CREATE),
            (read, RolesAction.READ),
            (update, RolesAction.UPDATE),
            (delete, RolesAction.DELETE),
        ]
        scope_value = RoleScope(scope).value if scope is not None else None
        return [
            p
            for r in _names(role, "role")
            for p in _perm("roles", wanted, role=r, scope=scope_value)
        ]

    @staticmethod
    def users(
        *,
        user: str | Sequence[str],
        create: bool = False,
        read: bool = False,
        update: bool = False,
        delete: bool = False,
        assign_and_revoke: bool = False,
    ) -> list[Permission]:
        """Managing users and their role assignments."""
        wanted = [
            (create, UsersAction.CREATE),
            (read, UsersAction.READ),
            (update, UsersAction.UPDATE),
            (delete, UsersAction.DELETE),
            (assign_and_revoke, UsersAction.ASSIGN_AND_REVOKE),
        ]
        return [p for u in _names(user, "user") for p in _perm("users", wanted, user=u)]

    @staticmethod
    def groups(
        *,
        group: str | Sequence[str],
        group_type: Literal["oidc"] = "oidc",
        read: bool = False,
        assign_and_revoke: bool = False,
    ) -> list[Permission]:
        """Reading and (un)assigning roles of groups (OIDC groups only)."""
        if group_type != "oidc":
            raise ConfigError(
                f"group_type must be 'oidc', got {group_type!r}",
                field="group_type",
                value=group_type,
            )
        return _GroupsPermissions.oidc(group=group, read=read, assign_and_revoke=assign_and_revoke)

    @staticmethod
    def replicate(
        *,
        collection: str | Sequence[str],
        shard: str | Sequence[str] | None = None,
        create: bool = False,
        read: bool = False,
        update: bool = False,
        delete: bool = False,
    ) -> list[Permission]:
        """Replica movement of collections' shards (all shards when None)."""
        wanted = [
            (create, ReplicateAction.CREATE),
            (read, ReplicateAction.READ),
            (update, ReplicateAction.UPDATE),
            (delete, ReplicateAction.DELETE),
        ]
        shards = _names(shard, "shard") if shard is not None else ["*"]
        return [
            p
            for c in _names(collection, "collection")
            for s in shards
            for p in _perm("replicate", wanted, collection=c, shard=s)
        ]

    @staticmethod
    def alias(
        *,
        alias: str | Sequence[str],
        collection: str | Sequence[str],
        create: bool = False,
        read: bool = False,
        update: bool = False,
        delete: bool = False,
    ) -> list[Permission]:
        """Managing aliases (of collections)."""
        wanted = [
            (create, AliasAction.CREATE),
            (read, AliasAction.READ),
            (update, AliasAction.UPDATE),
            (delete, AliasAction.DELETE),
        ]
        return [
            p
            for a in _names(alias, "alias")
            for c in _names(collection, "collection")
            for p in _perm("aliases", wanted, alias=a, collection=c)
        ]

    @staticmethod
    def mcp(*, create: bool = False, read: bool = False, update: bool = False) -> list[Permission]:
        """Using the server's MCP endpoint."""
        return _perm(
            "mcp", [(create, MCPAction.CREATE), (read, MCPAction.READ), (update, MCPAction.UPDATE)]
        )


def merge_permissions(permissions: Iterable[Permission]) -> list[Permission]:
    """Join permissions on the same resource into one with all their actions."""
    merged: dict[tuple[str, tuple[tuple[str, str | None], ...]], Permission] = {}
    for perm in permissions:
        key = (perm.domain, perm.resource())
        if key in merged:
            merged[key] = replace(merged[key], actions=merged[key].actions | perm.actions)
        else:
            merged[key] = perm
    return list(merged.values())


def permission_from_weaviate(data: Mapping[str, Any]) -> Permission | None:
    """A :class:`Permission` from one server permission object (None for unknown actions)."""
    action_name = str(data.get("action") or "")
    domain = _ACTION_DOMAIN.get(action_name)
    if domain is None:
        return None
    member, enum, fields = _DOMAINS[domain]
    body = data.get(member) if member is not None else None
    body = body if isinstance(body, dict) else {}
    resource: dict[str, str | None] = {}
    for attr, key in fields:
        value = body.get(key)
        if attr == "object" and value == "*":
            value = None
        resource[attr] = str(value) if value is not None else None
    return Permission(domain=domain, actions=frozenset({enum(action_name)}), **resource)
