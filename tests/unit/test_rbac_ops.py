"""RBAC: permission builders, role parsing, request building, without a server."""

from __future__ import annotations

import pytest

from tests.unit._scripted import http_calls, reply, run
from weavorm import errors
from weavorm.engine._protocol import rbac as ops
from weavorm.engine._protocol.calls import HttpCall, Parallel
from weavorm.engine._protocol.rbac_roles import role_from_weaviate
from weavorm.engine.rbac import (
    Actions,
    CollectionsAction,
    DataAction,
    Permission,
    Permissions,
    RoleBase,
    RoleScope,
    UserTypes,
)


def _bodies(perms: list[Permission]) -> list[dict[str, object]]:
    return [b for p in perms for b in p.to_weaviate()]


def test_collections_builder() -> None:
    perms = Permissions.collections(
        collection=["article", "Author"], create_collection=True, read_config=True
    )
    assert len(perms) == 2
    assert perms[0].actions == {CollectionsAction.CREATE, CollectionsAction.READ}
    assert _bodies(perms[:1]) == [
        {"action": "create_collections", "collections": {"collection": "Article"}},
        {"action": "read_collections", "collections": {"collection": "Article"}},
    ]
    assert Permissions.collections(collection="A") == []


def test_every_builder_serialises() -> None:
    cases: list[tuple[list[Permission], dict[str, object]]] = [
        (
            Permissions.data(collection="A", tenant="t1", read=True),
            {"action": "read_data", "data": {"collection": "A", "tenant": "t1"}},
        ),
        (
            Permissions.data(collection="A", delete=True),
            {"action": "delete_data", "data": {"collection": "A", "tenant": "*"}},
        ),
        (
            Permissions.tenants(collection="A", create=True),
            {"action": "create_tenants", "tenants": {"collection": "A", "tenant": "*"}},
        ),
        (
            Permissions.nodes(read=True),
            {"action": "read_nodes", "nodes": {"collection": "*", "verbosity": "minimal"}},
        ),
        (
            Permissions.Nodes.verbose(collection="a", read=True),
            {"action": "read_nodes", "nodes": {"collection": "A", "verbosity": "verbose"}},
        ),
        (
            Permissions.backup(collection="A", manage=True),
            {"action": "manage_backups", "backups": {"collection": "A"}},
        ),
        (Permissions.cluster(read=True), {"action": "read_cluster"}),
        (
            Permissions.roles(role="r", read=True, scope=RoleScope.ALL),
            {"action": "read_roles", "roles": {"role": "r", "scope": "all"}},
        ),
        (
            Permissions.users(user="u", assign_and_revoke=True),
            {"action": "assign_and_revoke_users", "users": {"users": "u"}},
        ),
        (
            Permissions.groups(group="g", read=True),
            {"action": "read_groups", "groups": {"group": "g", "groupType": "oidc"}},
        ),
        (
            Permissions.replicate(collection="A", shard="s", update=True),
            {"action": "update_replicate", "replicate": {"collection": "A", "shard": "s"}},
        ),
        (
            Permissions.alias(alias="books", collection="Book", create=True),
            {"action": "create_aliases", "aliases": {"alias": "Books", "collection": "Book"}},
        ),
        (Permissions.mcp(read=True), {"action": "read_mcp"}),
    ]
    for perms, expected in cases:
        assert _bodies(perms) == [expected]


def test_builders_multiply_resources() -> None:
    perms = Permissions.data(collection=["A", "B"], tenant=["t1", "t2"], read=True)
    assert [(p.collection, p.tenant) for p in perms] == [
        ("A", "t1"),
        ("A", "t2"),
        ("B", "t1"),
        ("B", "t2"),
    ]
    with pytest.raises(errors.ConfigError):
        Permissions.data(collection=[], read=True)
    with pytest.raises(errors.ConfigError):
        Permissions.nodes(verbosity="full", read=True)  # type: ignore[arg-type]


def test_role_parsing_merges_actions_and_skips_unknown() -> None:
    role = role_from_weaviate(
        {
            "name": "r",
            "permissions": [
                {"action": "read_data", "data": {"collection": "A", "tenant": "*", "object": "*"}},
                {"action": "update_data", "data": {"collection": "A", "tenant": "*"}},
                {"action": "read_collections", "collections": {"collection": "A"}},
                {"action": "read_cluster"},
                {"action": "future_action", "future": {}},
            ],
        }
    )
    assert role.name == "r"
    (data,) = role.data_permissions
    assert data.actions == {DataAction.READ, DataAction.UPDATE}
    assert data.object is None
    assert len(role.collections_permissions) == 1
    assert role.cluster_permissions[0].actions == {Actions.Cluster.READ}
    assert len(role.permissions) == 3
    assert "read_data" in repr(data)


def test_create_role() -> None:
    calls, role = run(
        ops.create_role(
            role_name="reader",
            permissions=[
                Permissions.collections(collection="A", read_config=True),
                Permissions.data(collection="A", read=True),
            ],
        ),
        [reply(201)],
    )
    (call,) = calls
    assert isinstance(call, HttpCall)
    assert (call.method, call.path) == ("POST", "/v1/authz/roles")
    assert call.json == {
        "name": "reader",
        "permissions": [
            {"action": "read_collections", "collections": {"collection": "A"}},
            {"action": "read_data", "data": {"collection": "A", "tenant": "*"}},
        ],
    }
    assert role.name == "reader"
    assert len(role.permissions) == 2
    with pytest.raises(errors.ConfigError):
        next(ops.create_role(role_name="x", permissions=[]))
    with pytest.raises(errors.ConfigError):
        next(ops.create_role(role_name="x", permissions=["read_data"]))  # type: ignore[list-item]


def test_role_reads() -> None:
    _, roles = run(ops.list_roles(), [reply(200, [{"name": "a", "permissions": []}])])
    assert list(roles) == ["a"]
    calls, role = run(ops.get_role("my role"), [reply(404)])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/authz/roles/my%20role"
    assert role is None
    _, exists = run(ops.role_exists("a"), [reply(200, {"name": "a"})])
    assert exists is True


def test_add_remove_permissions() -> None:
    perm = Permissions.data(collection="A", delete=True)
    calls, _ = run(ops.add_permissions(permissions=perm, role_name="r"), [reply(200)])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/authz/roles/r/add-permissions"
    assert calls[0].json == {"permissions": _bodies(perm)}
    calls, _ = run(ops.remove_permissions(permissions=perm[0], role_name="r"), [reply(200)])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/authz/roles/r/remove-permissions"


def test_has_permissions_checks_each_action_concurrently() -> None:
    perms = Permissions.data(collection="A", read=True, update=True)
    calls, result = run(
        ops.has_permissions(permissions=perms, role="r"), [[reply(200, True), reply(200, True)]]
    )
    assert isinstance(calls[0], Parallel)
    assert [c.path for c in http_calls(calls)] == ["/v1/authz/roles/r/has-permission"] * 2
    assert result is True
    _, result = run(
        ops.has_permissions(permissions=perms, role="r"), [[reply(200, True), reply(200, False)]]
    )
    assert result is False
    _, result = run(ops.has_permissions(permissions=perms[0], role="r"), [[reply(404)]])
    assert result is False
    with pytest.raises(errors.PermissionDeniedError):
        run(
            ops.has_permissions(permissions=perms[0], role="r"),
            [[errors.PermissionDeniedError(403, "no")]],
        )


def test_assignments() -> None:
    _, users = run(
        ops.get_user_assignments("r"),
        [
            reply(
                200,
                [{"userId": "ada", "userType": "db_user"}, {"userId": "bob", "userType": "oidc"}],
            )
        ],
    )
    assert [(u.user_id, u.user_type) for u in users] == [
        ("ada", UserTypes.DB_DYNAMIC),
        ("bob", UserTypes.OIDC),
    ]
    _, groups = run(
        ops.get_group_assignments("r"), [reply(200, [{"groupId": "g", "groupType": "oidc"}])]
    )
    assert groups[0].group_id == "g"


def test_db_users() -> None:
    calls, key = run(ops.create_user(user_id="ada"), [reply(201, {"apikey": "k1"})])
    assert isinstance(calls[0], HttpCall)
    assert (calls[0].method, calls[0].path) == ("POST", "/v1/users/db/ada")
    assert key == "k1"
    calls, _ = run(ops.deactivate_user(user_id="ada", revoke_key=True), [reply(200)])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].json == {"revoke_key": True}
    _, changed = run(ops.activate_user(user_id="ada"), [reply(409)])
    assert changed is False
    _, deleted = run(ops.delete_user(user_id="ada"), [reply(404)])
    assert deleted is False
    _, user = run(
        ops.get_user(user_id="ada", include_last_used_time=True),
        [
            reply(
                200,
                {
                    "userId": "ada",
                    "roles": ["r"],
                    "active": True,
                    "dbUserType": "db_user",
                    "createdAt": "2025-03-01T10:00:00.5Z",
                    "lastUsedAt": "0001-01-01T00:00:00.000Z",
                    "apiKeyFirstLetters": "abc",
                },
            )
        ],
    )
    assert user is not None
    assert user.role_names == ["r"]
    assert user.created_at is not None
    assert user.created_at.microsecond == 500000
    assert user.last_used_time is None
    _, nobody = run(ops.get_user(user_id="x"), [reply(404)])
    assert nobody is None


def test_user_and_group_role_assignment_requests() -> None:
    calls, _ = run(ops.assign_roles_to_user("ada", "r", "db"), [reply(200)])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/authz/users/ada/assign"
    assert calls[0].json == {"roles": ["r"], "userType": "db"}
    calls, _ = run(ops.revoke_roles_from_user("bob", ["r", "s"], "oidc"), [reply(200)])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].json == {"roles": ["r", "s"], "userType": "oidc"}
    calls, roles = run(
        ops.get_roles_of_user("ada", "db"), [reply(200, [{"name": "r", "permissions": []}])]
    )
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/authz/users/ada/roles/db"
    assert calls[0].params == {"includeFullRoles": "false"}
    assert roles == {"r": RoleBase("r")}
    calls, _ = run(ops.assign_roles_to_group("team", "r"), [reply(200)])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].json == {"roles": ["r"], "groupType": "oidc"}
    _, names = run(ops.known_group_names(), [reply(200, ["team"])])
    assert names == ["team"]
    with pytest.raises(errors.ConfigError):
        next(ops.assign_roles_to_user("ada", [], "db"))
    with pytest.raises(errors.ConfigError):
        next(ops.assign_roles_to_user("ada", "r", "ldap"))  # type: ignore[arg-type]


def test_own_user() -> None:
    _, me = run(
        ops.get_my_user(),
        [
            reply(
                200,
                {"username": "ada", "roles": [{"name": "r", "permissions": []}], "groups": ["g"]},
            )
        ],
    )
    assert me.user_id == "ada"
    assert list(me.roles) == ["r"]
    assert me.groups == ["g"]
