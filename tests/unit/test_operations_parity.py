"""Each client-level namespace and its async twin have the same methods and parameters."""

from __future__ import annotations

import inspect

import pytest

from weavorm.engine import aliases, backup, cluster, rbac, rbac_users, tokenize

PAIRS = [
    (backup.BackupNamespace, backup.AsyncBackupNamespace),
    (backup.CollectionBackupNamespace, backup.AsyncCollectionBackupNamespace),
    (cluster.ClusterNamespace, cluster.AsyncClusterNamespace),
    (cluster.ReplicationsNamespace, cluster.AsyncReplicationsNamespace),
    (rbac.RolesNamespace, rbac.AsyncRolesNamespace),
    (rbac_users.UsersNamespace, rbac_users.AsyncUsersNamespace),
    (rbac_users.DBUsersNamespace, rbac_users.AsyncDBUsersNamespace),
    (rbac_users.OIDCUsersNamespace, rbac_users.AsyncOIDCUsersNamespace),
    (rbac_users.GroupsNamespace, rbac_users.AsyncGroupsNamespace),
    (rbac_users.OIDCGroupsNamespace, rbac_users.AsyncOIDCGroupsNamespace),
    (aliases.AliasesNamespace, aliases.AsyncAliasesNamespace),
    (tokenize.TokenizationNamespace, tokenize.AsyncTokenizationNamespace),
]


def _methods(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


@pytest.mark.parametrize(("sync", "asyn"), PAIRS, ids=lambda c: c.__name__)
def test_async_twin_mirrors_sync(sync: type, asyn: type) -> None:
    s, a = _methods(sync), _methods(asyn)
    assert s.keys() == a.keys()
    for name, sig in s.items():
        other = a[name]
        assert [(p.name, p.kind, p.default) for p in sig.parameters.values()] == [
            (p.name, p.kind, p.default) for p in other.parameters.values()
        ], name
        assert inspect.iscoroutinefunction(getattr(asyn, name)), name
        assert not inspect.iscoroutinefunction(getattr(sync, name)), name
        assert getattr(sync, name).__doc__, f"{sync.__name__}.{name} has no docstring"


def test_options_are_keyword_only() -> None:
    for sync, _ in PAIRS:
        for name, sig in _methods(sync).items():
            for param in sig.parameters.values():
                if param.default is not inspect.Parameter.empty and param.name not in (
                    "backend",
                    "collection",
                    "shard",
                ):
                    assert param.kind is inspect.Parameter.KEYWORD_ONLY, (sync, name, param)


def test_clients_expose_the_namespaces() -> None:
    import weavorm

    client = weavorm.connect("http://127.0.0.1:9", skip_init_checks=True)
    try:
        assert isinstance(client.backup, backup.BackupNamespace)
        assert isinstance(client.cluster.replications, cluster.ReplicationsNamespace)
        assert isinstance(client.roles, rbac.RolesNamespace)
        assert isinstance(client.users.db, rbac_users.DBUsersNamespace)
        assert isinstance(client.users.oidc, rbac_users.OIDCUsersNamespace)
        assert isinstance(client.groups.oidc, rbac_users.OIDCGroupsNamespace)
        assert isinstance(client.aliases, aliases.AliasesNamespace)
        assert isinstance(client.tokenization, tokenize.TokenizationNamespace)
    finally:
        client.close()
