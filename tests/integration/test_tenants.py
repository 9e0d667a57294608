"""collection.tenants against a real Weaviate server (sync and async)."""

from __future__ import annotations

from typing import Any

import pytest

from weavorm import errors
from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.engine.aggregate_types import Metrics
from weavorm.engine.tenants_types import Tenant, TenantActivityStatus

pytestmark = pytest.mark.integration

ACTIVE = TenantActivityStatus.ACTIVE
INACTIVE = TenantActivityStatus.INACTIVE


def _mt_class(name: str, *, auto: bool = False) -> dict[str, Any]:
    return {
        "class": name,
        "vectorizer": "none",
        "multiTenancyConfig": {
            "enabled": True,
            "autoTenantCreation": auto,
            "autoTenantActivation": auto,
        },
        "properties": [{"name": "n", "dataType": ["int"]}],
    }


def test_tenant_lifecycle(weaviate_client: WeaviateClient, collection_name: str) -> None:
    coll = weaviate_client.collections.create_from_dict(_mt_class(collection_name))
    tenants = coll.tenants
    assert tenants.get() == {}
    tenants.create("alpha")
    tenants.create([Tenant("beta", INACTIVE), Tenant("gamma", TenantActivityStatus.HOT), "delta"])
    assert tenants.get() == {
        "alpha": Tenant("alpha"),
        "beta": Tenant("beta", INACTIVE),
        "gamma": Tenant("gamma", ACTIVE),
        "delta": Tenant("delta"),
    }
    assert tenants.get_by_names(["alpha", Tenant("beta"), "nope"]) == {
        "alpha": Tenant("alpha"),
        "beta": Tenant("beta", INACTIVE),
    }
    assert tenants.get_by_name("beta") == Tenant("beta", INACTIVE)
    assert tenants.get_by_name(Tenant("alpha")) == Tenant("alpha", ACTIVE)
    assert tenants.get_by_name("nope") is None
    assert tenants.exists("alpha") is True
    assert tenants.exists(Tenant("nope")) is False

    tenants.remove(["delta", "nope"])
    tenants.remove(Tenant("gamma"))
    assert sorted(tenants.get()) == ["alpha", "beta"]


def test_activity_status_changes(weaviate_client: WeaviateClient, collection_name: str) -> None:
    coll = weaviate_client.collections.create_from_dict(_mt_class(collection_name))
    coll.tenants.create(["a", "b", "c"])
    weaviate_client.raw.request(
        "POST",
        "/v1/batch/objects",
        json={"objects": [{"class": collection_name, "tenant": "a", "properties": {"n": 1}}]},
    )
    coll.tenants.update([Tenant("a", INACTIVE), Tenant("b", TenantActivityStatus.COLD)])
    assert coll.tenants.get_by_names(["a", "b", "c"]) == {
        "a": Tenant("a", INACTIVE),
        "b": Tenant("b", INACTIVE),
        "c": Tenant("c", ACTIVE),
    }
    with pytest.raises(errors.ServerError):
        coll.with_tenant("a").aggregate.over_all()  # an inactive tenant cannot be read
    coll.tenants.activate("a")
    assert coll.tenants.get_by_name("a") == Tenant("a", ACTIVE)
    assert coll.with_tenant("a").aggregate.over_all().total_count == 1  # data kept
    coll.tenants.deactivate(["a", "c"])
    assert {t.activity_status for t in coll.tenants.get().values()} == {INACTIVE}
    many = [Tenant(f"t{i}", INACTIVE) for i in range(120)]
    coll.tenants.create(many)
    coll.tenants.update([Tenant(t.name, ACTIVE) for t in many])  # two PUT requests
    assert all(
        t.activity_status is ACTIVE
        for t in coll.tenants.get_by_names([f"t{i}" for i in range(120)]).values()
    )


def test_offload_needs_an_offload_module(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    coll = weaviate_client.collections.create_from_dict(_mt_class(collection_name))
    coll.tenants.create("a")
    with pytest.raises(errors.UnprocessableError, match="offload"):
        coll.tenants.offload("a")
    with pytest.raises(errors.UnprocessableError, match="offload"):
        coll.tenants.update(Tenant("a", TenantActivityStatus.OFFLOADED))
    assert coll.tenants.get_by_name("a") == Tenant("a", ACTIVE)


def test_auto_tenant_creation_and_activation(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    coll = weaviate_client.collections.create_from_dict(_mt_class(collection_name, auto=True))
    assert not coll.tenants.exists("fresh")
    reply = weaviate_client.raw.request(
        "POST",
        "/v1/objects",
        json={"class": collection_name, "tenant": "fresh", "properties": {"n": 1}},
    )
    assert reply.status == 200
    assert coll.tenants.get_by_name("fresh") == Tenant("fresh", ACTIVE)
    coll.tenants.deactivate("fresh")
    batch = weaviate_client.raw.request(
        "POST",
        "/v1/batch/objects",
        json={
            "objects": [
                {"class": collection_name, "tenant": "fresh", "properties": {"n": 2}},
                {"class": collection_name, "tenant": "other", "properties": {"n": 3}},
            ]
        },
    )
    assert all("errors" not in (o.get("result") or {}) for o in batch.json)
    assert coll.tenants.get() == {"fresh": Tenant("fresh"), "other": Tenant("other")}
    counted = coll.with_tenant("fresh").aggregate.over_all(return_metrics=Metrics("n").integer())
    assert counted.total_count == 2


def test_auto_tenant_creation_off_refuses_unknown_tenants(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    weaviate_client.collections.create_from_dict(_mt_class(collection_name))
    with pytest.raises(errors.ServerError, match="tenant"):
        weaviate_client.raw.request(
            "POST",
            "/v1/objects",
            json={"class": collection_name, "tenant": "ghost", "properties": {"n": 1}},
        )


def test_bad_input_and_server_refusals(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    coll = weaviate_client.collections.create_from_dict(_mt_class(collection_name))
    with pytest.raises(errors.ConfigError, match="tenant name"):
        coll.tenants.create("")
    with pytest.raises(errors.ConfigError, match="activity_status"):
        coll.tenants.create(Tenant("x", "WARM"))  # type: ignore[arg-type]
    with pytest.raises(errors.ConfigError, match="created ACTIVE or INACTIVE"):
        coll.tenants.create(Tenant("x", TenantActivityStatus.OFFLOADED))
    with pytest.raises(errors.ConfigError, match="Tenant objects"):
        coll.tenants.update("x")  # type: ignore[arg-type]
    with pytest.raises(errors.UnprocessableError, match="not a valid tenant name"):
        coll.tenants.create("bad name!")
    with pytest.raises(errors.UnprocessableError):
        coll.tenants.update(Tenant("missing", INACTIVE))
    weaviate_client.collections.create_from_dict(
        {"class": f"{collection_name}Plain", "vectorizer": "none"}
    )
    plain = weaviate_client.collections.get(f"{collection_name}Plain")
    with pytest.raises(errors.UnprocessableError, match="multi-tenancy is not enabled"):
        plain.tenants.create("a")
    with pytest.raises(errors.ServerError, match="multi-tenancy is not enabled"):
        plain.tenants.get()


async def test_async_tenants(
    async_weaviate_client: AsyncWeaviateClient, collection_name: str
) -> None:
    coll = await async_weaviate_client.collections.create_from_dict(
        _mt_class(collection_name, auto=True)
    )
    await coll.tenants.create(["a", Tenant("b", INACTIVE)])
    assert await coll.tenants.get() == {"a": Tenant("a"), "b": Tenant("b", INACTIVE)}
    assert await coll.tenants.get_by_names(["b"]) == {"b": Tenant("b", INACTIVE)}
    assert await coll.tenants.get_by_name("a") == Tenant("a")
    assert await coll.tenants.get_by_name("zz") is None
    assert await coll.tenants.exists("b") and not await coll.tenants.exists("zz")
    await coll.tenants.activate(["b"])
    await coll.tenants.deactivate("a")
    await coll.tenants.update([Tenant("a", ACTIVE)])
    assert {t.activity_status for t in (await coll.tenants.get()).values()} == {ACTIVE}
    with pytest.raises(errors.UnprocessableError, match="offload"):
        await coll.tenants.offload("a")
    reply = await async_weaviate_client.raw.request(
        "POST", "/v1/objects", json={"class": collection_name, "tenant": "c", "properties": {}}
    )
    assert reply.status == 200
    assert await coll.tenants.exists("c")
    await coll.tenants.remove(["a", "b", "c"])
    assert await coll.tenants.get() == {}
    with pytest.raises(errors.ConfigError):
        await coll.tenants.remove([])
