"""RBAC on a real server with API keys, RBAC and DB users switched on.

The module starts its own server (the shared one allows anonymous access):
``root-user`` (key ``root-key``) is an RBAC root user; ``plain-user`` (key
``plain-key``) is a configured user without roles.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import weavorm
from weavorm import errors
from weavorm._proto.v1 import search_get_pb2
from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.engine.rbac import (
    Actions,
    CollectionsAction,
    DataAction,
    GroupTypes,
    Permissions,
    Role,
    RoleBase,
    RoleScope,
    UserTypes,
)

pytestmark = pytest.mark.integration

ROOT_KEY = "root-key"
PLAIN_KEY = "plain-key"
AUTH_ENV = {
    "AUTHENTICATION_APIKEY_ENABLED": "true",
    "AUTHENTICATION_APIKEY_ALLOWED_KEYS": f"{ROOT_KEY},{PLAIN_KEY}",
    "AUTHENTICATION_APIKEY_USERS": "root-user,plain-user",
    "AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED": "false",
    "AUTHENTICATION_DB_USERS_ENABLED": "true",
    "AUTHORIZATION_RBAC_ENABLED": "true",
    "AUTHORIZATION_RBAC_ROOT_USERS": "root-user",
}


@pytest.fixture(scope="module")
def rbac_server() -> Iterator[Any]:
    """A real server with API-key authentication and RBAC."""
    from weavorm.errors import WeavormError
    from weavorm.server import WeaviateServer

    server = WeaviateServer(env=AUTH_ENV)
    try:
        server.start()
    except WeavormError as exc:
        pytest.skip(f"cannot start weaviate-server: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def root(rbac_server: Any) -> Iterator[WeaviateClient]:
    client = weavorm.connect(rbac_server.url, grpc_url=rbac_server.grpc_url, api_key=ROOT_KEY)
    try:
        yield client
    finally:
        for user in client.users.db.list_all():
            if user.user_type is UserTypes.DB_DYNAMIC:
                client.users.db.delete(user_id=user.user_id)
        for name in client.roles.list_all():
            if name.startswith("t-"):
                client.roles.delete(name)
        for cls in client.raw.request("GET", "/v1/schema").json.get("classes") or []:
            client.raw.request("DELETE", f"/v1/schema/{cls['class']}")
        client.close()


def _role_name() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


def _books(client: WeaviateClient, name: str = "Book") -> None:
    client.collections.create_from_dict(
        {
            "class": name,
            "vectorizer": "none",
            "properties": [{"name": "title", "dataType": ["text"]}],
        }
    )
    client.raw.request(
        "POST",
        "/v1/batch/objects",
        json={"objects": [{"class": name, "properties": {"title": "Dune"}, "vector": [1.0, 0.0]}]},
    )


def _search(name: str) -> search_get_pb2.SearchRequest:
    return search_get_pb2.SearchRequest(collection=name, limit=1, uses_127_api=True)


# -- authentication ----------------------------------------------------------------------


def test_missing_or_wrong_key_is_rejected_rest_and_grpc(rbac_server: Any) -> None:
    with pytest.raises(errors.AuthenticationError) as info:
        weavorm.connect(rbac_server.url, grpc_url=rbac_server.grpc_url)
    assert info.value.status == 401
    with pytest.raises(errors.AuthenticationError):
        weavorm.connect(rbac_server.url, grpc_url=rbac_server.grpc_url, api_key="wrong")

    anonymous = weavorm.connect(
        rbac_server.url, grpc_url=rbac_server.grpc_url, skip_init_checks=True
    )
    try:
        with pytest.raises(errors.AuthenticationError):
            anonymous.raw.request("GET", "/v1/schema")
        with pytest.raises(errors.AuthenticationError) as grpc_info:
            anonymous.raw.grpc("Search", _search("Book"), search_get_pb2.SearchReply)
        assert grpc_info.value.grpc_code == "UNAUTHENTICATED"
    finally:
        anonymous.close()


def test_right_key_is_accepted_rest_and_grpc(rbac_server: Any, root: WeaviateClient) -> None:
    _books(root)
    client = weavorm.connect(rbac_server.url, grpc_url=rbac_server.grpc_url, api_key=ROOT_KEY)
    try:
        assert client.meta()["version"].startswith("1.39.")
        assert client.grpc_health() is True
        reply = client.raw.grpc("Search", _search("Book"), search_get_pb2.SearchReply)
        assert len(reply.results) == 1
        assert client.users.get_my_user().user_id == "root-user"
    finally:
        client.close()


def test_authenticated_but_not_permitted(rbac_server: Any, root: WeaviateClient) -> None:
    _books(root)
    plain = weavorm.connect(rbac_server.url, grpc_url=rbac_server.grpc_url, api_key=PLAIN_KEY)
    try:
        with pytest.raises(errors.PermissionDeniedError):
            plain.raw.request("GET", "/v1/schema/Book")
        with pytest.raises(errors.PermissionDeniedError):
            plain.raw.grpc("Search", _search("Book"), search_get_pb2.SearchReply)
    finally:
        plain.close()


# -- roles -------------------------------------------------------------------------------


def test_role_lifecycle(root: WeaviateClient) -> None:
    name = _role_name()
    assert root.roles.exists(name) is False
    assert root.roles.get(name) is None
    created = root.roles.create(
        role_name=name,
        permissions=[
            Permissions.collections(collection="Book", create_collection=True, read_config=True),
            Permissions.data(collection="Book", read=True),
            Permissions.tenants(collection="Book", read=True),
            Permissions.nodes(verbosity="verbose", collection="Book", read=True),
            Permissions.Nodes.minimal(read=True),
            Permissions.backup(collection="Book", manage=True),
            Permissions.cluster(read=True),
            Permissions.roles(role="t-*", read=True, scope=RoleScope.MATCH),
            Permissions.users(user="ada", read=True),
            Permissions.groups(group="team", read=True),
            Permissions.replicate(collection="Book", read=True),
            Permissions.alias(alias="Books", collection="Book", read=True),
            Permissions.mcp(read=True),
        ],
    )
    assert isinstance(created, Role)
    assert root.roles.exists(name) is True

    role = root.roles.get(name)
    assert role is not None
    (collections,) = role.collections_permissions
    assert collections.collection == "Book"
    assert collections.actions == {CollectionsAction.CREATE, CollectionsAction.READ}
    assert role.data_permissions[0].actions == {DataAction.READ}
    assert role.data_permissions[0].tenant == "*"
    assert {p.verbosity for p in role.nodes_permissions} == {"minimal", "verbose"}
    assert role.backups_permissions[0].collection == "Book"
    assert role.cluster_permissions[0].actions == {Actions.Cluster.READ}
    assert role.roles_permissions[0].scope == "match"
    assert role.users_permissions[0].user == "ada"
    assert role.groups_permissions[0].group_type == "oidc"
    assert role.replicate_permissions[0].shard == "*"
    assert role.alias_permissions[0].alias == "Books"
    assert role.mcp_permissions[0].actions == {Actions.MCP.READ}
    assert role.tenants_permissions[0].collection == "Book"
    assert name in root.roles.list_all()
    assert {"root", "viewer", "admin"} <= set(root.roles.list_all())

    delete_data = Permissions.data(collection="Book", delete=True)
    assert root.roles.has_permissions(permissions=delete_data, role=name) is False
    root.roles.add_permissions(permissions=delete_data, role_name=name)
    assert root.roles.has_permissions(permissions=delete_data, role=name) is True
    both = [Permissions.data(collection="Book", read=True, delete=True)]
    assert root.roles.has_permissions(permissions=both, role=name) is True
    root.roles.remove_permissions(permissions=delete_data, role_name=name)
    assert root.roles.has_permissions(permissions=both, role=name) is False
    assert root.roles.has_permissions(permissions=delete_data, role="t-nope") is False

    root.roles.delete(name)
    assert root.roles.exists(name) is False
    root.roles.delete(name)  # deleting again is fine


def test_role_errors(root: WeaviateClient) -> None:
    name = _role_name()
    root.roles.create(role_name=name, permissions=Permissions.cluster(read=True))
    with pytest.raises(errors.ConflictError):
        root.roles.create(role_name=name, permissions=Permissions.cluster(read=True))
    with pytest.raises(errors.ConfigError):
        root.roles.create(role_name=_role_name(), permissions=Permissions.cluster())
    with pytest.raises(errors.UnprocessableError):
        root.roles.add_permissions(permissions=Permissions.cluster(read=True), role_name="root")


# -- DB users and role assignment ----------------------------------------------------------


def test_db_user_lifecycle(rbac_server: Any, root: WeaviateClient) -> None:
    _books(root)
    role = _role_name()
    root.roles.create(
        role_name=role,
        permissions=[
            Permissions.collections(collection="Book", read_config=True),
            Permissions.data(collection="Book", read=True),
        ],
    )
    key = root.users.db.create(user_id="ada")
    assert key
    user = root.users.db.get(user_id="ada")
    assert user is not None
    assert (user.user_id, user.user_type, user.active) == ("ada", UserTypes.DB_DYNAMIC, True)
    assert user.role_names == []
    assert user.created_at is not None
    assert user.api_key_first_letters is not None
    assert key.startswith(user.api_key_first_letters)
    assert root.users.db.get(user_id="nobody") is None
    listed = {u.user_id: u for u in root.users.db.list_all(include_last_used_time=True)}
    assert listed["ada"].user_type is UserTypes.DB_DYNAMIC
    assert listed["root-user"].user_type is UserTypes.DB_STATIC
    assert "root" in listed["root-user"].role_names
    with pytest.raises(errors.ConflictError):
        root.users.db.create(user_id="ada")

    ada = weavorm.connect(rbac_server.url, grpc_url=rbac_server.grpc_url, api_key=key)
    try:
        me = ada.users.get_my_user()
        assert (me.user_id, me.roles) == ("ada", {})
        with pytest.raises(errors.PermissionDeniedError):
            ada.raw.request("GET", "/v1/schema/Book")

        root.users.db.assign_roles(user_id="ada", role_names=role)
        assert root.users.db.get_assigned_roles(user_id="ada") == {role: RoleBase(role)}
        full = root.users.db.get_assigned_roles(user_id="ada", include_permissions=True)
        assert full[role].data_permissions[0].collection == "Book"
        assignments = root.roles.get_user_assignments(role)
        assert [(a.user_id, a.user_type) for a in assignments] == [("ada", UserTypes.DB_DYNAMIC)]
        assert root.roles.get_assigned_user_ids(role) == ["ada"]
        assert ada.raw.request("GET", "/v1/schema/Book").json["class"] == "Book"
        assert ada.raw.grpc("Search", _search("Book"), search_get_pb2.SearchReply).results
        assert list(ada.users.get_my_user().roles) == [role]

        root.users.db.revoke_roles(user_id="ada", role_names=[role])
        assert root.users.db.get_assigned_roles(user_id="ada") == {}
        with pytest.raises(errors.PermissionDeniedError):
            ada.raw.request("GET", "/v1/schema/Book")

        assert root.users.db.deactivate(user_id="ada") is True
        assert root.users.db.deactivate(user_id="ada") is False
        assert root.users.db.get(user_id="ada").active is False  # type: ignore[union-attr]
        with pytest.raises(errors.AuthenticationError):
            ada.users.get_my_user()
        assert root.users.db.activate(user_id="ada") is True
        assert root.users.db.activate(user_id="ada") is False
        assert ada.users.get_my_user().user_id == "ada"

        new_key = root.users.db.rotate_key(user_id="ada")
        assert new_key != key
        with pytest.raises(errors.AuthenticationError):
            ada.users.get_my_user()
    finally:
        ada.close()
    rotated = weavorm.connect(rbac_server.url, grpc_url=rbac_server.grpc_url, api_key=new_key)
    try:
        assert rotated.users.get_my_user().user_id == "ada"
    finally:
        rotated.close()

    assert root.users.db.delete(user_id="ada") is True
    assert root.users.db.delete(user_id="ada") is False
    assert root.users.db.get(user_id="ada") is None


def test_oidc_groups_and_users(root: WeaviateClient) -> None:
    role = _role_name()
    root.roles.create(role_name=role, permissions=Permissions.cluster(read=True))
    root.groups.oidc.assign_roles(group_id="team-a", role_names=role)
    assert root.groups.oidc.get_assigned_roles(group_id="team-a") == {role: RoleBase(role)}
    full = root.groups.oidc.get_assigned_roles(group_id="team-a", include_permissions=True)
    assert full[role].cluster_permissions
    assert "team-a" in root.groups.oidc.get_known_group_names()
    assert [(g.group_id, g.group_type) for g in root.roles.get_group_assignments(role)] == [
        ("team-a", GroupTypes.OIDC)
    ]
    root.groups.oidc.revoke_roles(group_id="team-a", role_names=[role])
    assert root.groups.oidc.get_assigned_roles(group_id="team-a") == {}
    assert root.roles.get_group_assignments(role) == []

    # OIDC users exist only when the server has OIDC configured; this one has not.
    with pytest.raises(errors.ServerError, match="oidc is not enabled"):
        root.users.oidc.assign_roles(user_id="bob", role_names=role)
    with pytest.raises(errors.ServerError, match="oidc is not enabled"):
        root.users.oidc.get_assigned_roles(user_id="bob")
    with pytest.raises(errors.ServerError, match="oidc is not enabled"):
        root.users.oidc.revoke_roles(user_id="bob", role_names=role)


# -- async ---------------------------------------------------------------------------------


async def test_async_rbac(rbac_server: Any, root: WeaviateClient) -> None:
    _books(root)
    role = _role_name()
    client: AsyncWeaviateClient
    async with weavorm.connect_async(
        rbac_server.url, grpc_url=rbac_server.grpc_url, api_key=ROOT_KEY
    ) as client:
        assert (await client.users.get_my_user()).user_id == "root-user"
        await client.roles.create(
            role_name=role, permissions=Permissions.data(collection="Book", read=True)
        )
        assert await client.roles.exists(role)
        got = await client.roles.get(role)
        assert got is not None
        assert got.data_permissions[0].actions == {DataAction.READ}
        assert role in await client.roles.list_all()
        more = Permissions.collections(collection="Book", read_config=True)
        await client.roles.add_permissions(permissions=more, role_name=role)
        assert await client.roles.has_permissions(permissions=more, role=role)
        await client.roles.remove_permissions(permissions=more, role_name=role)
        assert not await client.roles.has_permissions(permissions=more, role=role)

        key = await client.users.db.create(user_id="bea")
        assert (await client.users.db.get(user_id="bea")) is not None
        assert "bea" in {u.user_id for u in await client.users.db.list_all()}
        await client.users.db.assign_roles(user_id="bea", role_names=role)
        assert list(await client.users.db.get_assigned_roles(user_id="bea")) == [role]
        full = await client.users.db.get_assigned_roles(user_id="bea", include_permissions=True)
        assert full[role].data_permissions
        assert [a.user_id for a in await client.roles.get_user_assignments(role)] == ["bea"]
        assert await client.roles.get_assigned_user_ids(role) == ["bea"]
        await client.users.db.revoke_roles(user_id="bea", role_names=role)
        assert await client.users.db.deactivate(user_id="bea", revoke_key=True) is True
        assert await client.users.db.activate(user_id="bea") is True
        new_key = await client.users.db.rotate_key(user_id="bea")
        assert new_key and new_key != key

        await client.groups.oidc.assign_roles(group_id="team-b", role_names=role)
        assert list(await client.groups.oidc.get_assigned_roles(group_id="team-b")) == [role]
        assert "team-b" in await client.groups.oidc.get_known_group_names()
        assert [g.group_id for g in await client.roles.get_group_assignments(role)] == ["team-b"]
        roles = await client.groups.oidc.get_assigned_roles(
            group_id="team-b", include_permissions=True
        )
        assert roles[role].data_permissions
        await client.groups.oidc.revoke_roles(group_id="team-b", role_names=role)
        with pytest.raises(errors.ServerError, match="oidc is not enabled"):
            await client.users.oidc.get_assigned_roles(user_id="bob")
        with pytest.raises(errors.ServerError, match="oidc is not enabled"):
            await client.users.oidc.assign_roles(user_id="bob", role_names=role)
        with pytest.raises(errors.ServerError, match="oidc is not enabled"):
            await client.users.oidc.revoke_roles(user_id="bob", role_names=role)

        assert await client.users.db.delete(user_id="bea") is True
        await client.roles.delete(role)
        assert await client.roles.get(role) is None

    anonymous = weavorm.connect_async(
        rbac_server.url, grpc_url=rbac_server.grpc_url, skip_init_checks=True
    )
    async with anonymous:
        with pytest.raises(errors.AuthenticationError):
            await anonymous.roles.list_all()
        with pytest.raises(errors.AuthenticationError):
            await anonymous.raw.grpc("Search", _search("Book"), search_get_pb2.SearchReply)
    assert isinstance(Role("x"), RoleBase)
