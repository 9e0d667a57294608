"""Tenants: types, request building and reply parsing (no server)."""

from __future__ import annotations

import inspect
from collections.abc import Generator
from typing import Any

import pytest

from weavorm._proto.v1 import tenants_pb2
from weavorm.engine._protocol import tenants as ops
from weavorm.engine._protocol.calls import GrpcCall, HttpCall, HttpReply
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine.tenants import AsyncTenantsNamespace, TenantsNamespace
from weavorm.engine.tenants_types import Tenant, TenantActivityStatus
from weavorm.errors import ConfigError, WeavormError

S = TenantActivityStatus


# --- types -------------------------------------------------------------------------------------


def test_old_status_names_are_aliases() -> None:
    aliases = {"HOT": "ACTIVE", "COLD": "INACTIVE", "FROZEN": "OFFLOADED"}
    aliases |= {"FREEZING": "OFFLOADING", "UNFREEZING": "ONLOADING"}
    for old, new in aliases.items():
        assert S.__members__[old] is S.__members__[new]
    assert S("HOT") is S.ACTIVE
    assert S("cold") is S.INACTIVE
    assert S.parse("offloaded") is S.OFFLOADED
    assert S.ACTIVE == "ACTIVE"


def test_unknown_status_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="activity_status must be one of") as err:
        S.parse("WARM")
    assert err.value.field == "activity_status" and err.value.value == "WARM"
    with pytest.raises(ConfigError, match="WARM"):
        Tenant("a", "WARM")  # type: ignore[arg-type]


def test_tenant_normalises_status() -> None:
    assert Tenant("a").activity_status is S.ACTIVE
    assert Tenant("a", "HOT").activity_status is S.ACTIVE  # type: ignore[arg-type]
    assert Tenant("a", S.COLD) == Tenant("a", S.INACTIVE)
    assert Tenant("b", S.INACTIVE).to_json() == {"name": "b", "activityStatus": "INACTIVE"}


@pytest.mark.parametrize("name", ["", "  ", None, 3])
def test_tenant_needs_a_name(name: Any) -> None:
    with pytest.raises(ConfigError, match="tenant name") as err:
        Tenant(name)
    assert err.value.field == "tenant"


# --- request building ----------------------------------------------------------------------------


def test_create_body() -> None:
    body = ops.create_body(["a", Tenant("b", S.INACTIVE), Tenant("c", S.HOT)])
    assert body == [
        {"name": "a", "activityStatus": "ACTIVE"},
        {"name": "b", "activityStatus": "INACTIVE"},
        {"name": "c", "activityStatus": "ACTIVE"},
    ]
    assert ops.create_body("x") == [{"name": "x", "activityStatus": "ACTIVE"}]


@pytest.mark.parametrize(
    ("tenants", "match"),
    [
        ("", "non-empty"),
        ([], "must not be empty"),
        (["ok", ""], "non-empty"),
        ([Tenant("a", S.OFFLOADED)], "created ACTIVE or INACTIVE, not OFFLOADED"),
        (Tenant("a", S.ONLOADING), "not ONLOADING"),
        (42, "tenant name, a Tenant or a list"),
        (b"raw", "tenant name, a Tenant or a list"),
    ],
)
def test_create_body_rejects(tenants: Any, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        ops.create_body(tenants)


def test_update_bodies_are_chunked() -> None:
    tenants = [Tenant(f"t{i}", S.INACTIVE) for i in range(ops.UPDATE_CHUNK * 2 + 5)]
    bodies = ops.update_bodies(tenants)
    assert [len(b) for b in bodies] == [ops.UPDATE_CHUNK, ops.UPDATE_CHUNK, 5]
    assert bodies[2][-1] == {"name": f"t{ops.UPDATE_CHUNK * 2 + 4}", "activityStatus": "INACTIVE"}
    assert ops.update_bodies(Tenant("x", S.OFFLOADED)) == [
        [{"name": "x", "activityStatus": "OFFLOADED"}]
    ]


def test_update_needs_tenants_with_a_settable_status() -> None:
    with pytest.raises(ConfigError, match="Tenant objects"):
        ops.update_bodies(["a"])  # type: ignore[list-item]
    with pytest.raises(ConfigError, match="set to ACTIVE or INACTIVE or OFFLOADED"):
        ops.update_bodies([Tenant("a", S.OFFLOADING)])


def test_tenant_names() -> None:
    assert ops.tenant_names(["a", Tenant("b")]) == ["a", "b"]
    assert ops.tenant_names("a") == ["a"]
    assert ops.tenant_names(Tenant("z")) == ["z"]


def test_status_from_proto_covers_every_server_value() -> None:
    expected = {
        "HOT": S.ACTIVE,
        "ACTIVE": S.ACTIVE,
        "COLD": S.INACTIVE,
        "INACTIVE": S.INACTIVE,
        "FROZEN": S.OFFLOADED,
        "OFFLOADED": S.OFFLOADED,
        "FREEZING": S.OFFLOADING,
        "OFFLOADING": S.OFFLOADING,
        "UNFREEZING": S.ONLOADING,
        "ONLOADING": S.ONLOADING,
    }
    for name, status in expected.items():
        value = tenants_pb2.TenantActivityStatus.Value(f"TENANT_ACTIVITY_STATUS_{name}")
        assert ops.status_from_proto(value) is status
    with pytest.raises(WeavormError, match="unknown tenant activity status 0"):
        ops.status_from_proto(tenants_pb2.TENANT_ACTIVITY_STATUS_UNSPECIFIED)


def test_parse_tenants_reply() -> None:
    reply = tenants_pb2.TenantsGetReply(
        tenants=[
            tenants_pb2.Tenant(name="a", activity_status=tenants_pb2.TENANT_ACTIVITY_STATUS_HOT),
            tenants_pb2.Tenant(
                name="b", activity_status=tenants_pb2.TENANT_ACTIVITY_STATUS_INACTIVE
            ),
        ]
    )
    assert ops.parse_tenants_reply(reply) == {"a": Tenant("a"), "b": Tenant("b", S.INACTIVE)}


# --- operations --------------------------------------------------------------------------------


def _drive(op: Generator[Any, Any, Any], *replies: Any) -> tuple[list[Any], Any]:
    calls: list[Any] = []
    pending = list(replies)
    try:
        call = next(op)
        while True:
            calls.append(call)
            call = op.send(pending.pop(0))
    except StopIteration as stop:
        return calls, stop.value


OK = HttpReply(status=200, json=None, text="")


def test_create_remove_update_calls() -> None:
    calls, _ = _drive(ops.create("My_Coll", ["a", Tenant("b", S.COLD)]), OK)
    (call,) = calls
    assert isinstance(call, HttpCall)
    assert (call.method, call.path) == ("POST", "/v1/schema/My_Coll/tenants")
    assert call.json == [
        {"name": "a", "activityStatus": "ACTIVE"},
        {"name": "b", "activityStatus": "INACTIVE"},
    ]
    assert not call.retryable
    calls, _ = _drive(ops.remove("C", ["a", Tenant("b")]), OK)
    assert (calls[0].method, calls[0].json) == ("DELETE", ["a", "b"])
    many = [Tenant(f"t{i}", S.ACTIVE) for i in range(ops.UPDATE_CHUNK + 1)]
    calls, _ = _drive(ops.update("C", many), OK, OK)
    assert [c.method for c in calls] == ["PUT", "PUT"]
    assert [len(c.json) for c in calls] == [ops.UPDATE_CHUNK, 1]
    calls, _ = _drive(ops.set_status("C", ["a", "b"], S.INACTIVE), OK)
    assert calls[0].json == [
        {"name": "a", "activityStatus": "INACTIVE"},
        {"name": "b", "activityStatus": "INACTIVE"},
    ]


def test_get_and_get_by_names_use_grpc() -> None:
    reply = tenants_pb2.TenantsGetReply(
        tenants=[
            tenants_pb2.Tenant(name="a", activity_status=tenants_pb2.TENANT_ACTIVITY_STATUS_COLD)
        ]
    )
    calls, result = _drive(ops.get("C"), reply)
    (call,) = calls
    assert isinstance(call, GrpcCall) and call.method == "TenantsGet"
    assert call.request == tenants_pb2.TenantsGetRequest(collection="C")
    assert result == {"a": Tenant("a", S.INACTIVE)}
    calls, _ = _drive(ops.get_by_names("C", ["a", Tenant("b")]), reply)
    assert list(calls[0].request.names.values) == ["a", "b"]
    with pytest.raises(ConfigError, match="get_by_name for one"):
        _drive(ops.get_by_names("C", "a"))


def test_get_by_name_and_exists() -> None:
    found = HttpReply(status=200, json={"name": "a", "activityStatus": "COLD"}, text="")
    calls, tenant = _drive(ops.get_by_name("C", "a"), found)
    assert (calls[0].method, calls[0].path) == ("GET", "/v1/schema/C/tenants/a")
    assert 404 in calls[0].accept
    assert tenant == Tenant("a", S.INACTIVE)
    _, missing = _drive(ops.get_by_name("C", Tenant("zz")), HttpReply(404, None, ""))
    assert missing is None
    calls, yes = _drive(ops.exists("C", "a"), OK)
    assert calls[0].method == "HEAD" and yes is True
    _, no = _drive(ops.exists("C", "a"), HttpReply(404, None, ""))
    assert no is False


@pytest.mark.parametrize(
    "op",
    [
        lambda: ops.exists("C", ""),
        lambda: ops.get_by_name("C", "  "),
        lambda: ops.remove("C", [""]),
        lambda: ops.get(""),
        lambda: ops.create("", "a"),
    ],
)
def test_bad_names_fail_before_io(op: Any) -> None:
    with pytest.raises(ConfigError):
        next(op())


# --- facades -----------------------------------------------------------------------------------


def _public(cls: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def test_async_namespace_mirrors_sync() -> None:
    sync, asyn = _public(TenantsNamespace), _public(AsyncTenantsNamespace)
    assert set(sync) == {
        "activate",
        "create",
        "deactivate",
        "exists",
        "get",
        "get_by_name",
        "get_by_names",
        "offload",
        "remove",
        "update",
    }
    assert sync.keys() == asyn.keys()
    for name, sig in sync.items():
        assert list(sig.parameters) == list(asyn[name].parameters), name
        assert inspect.iscoroutinefunction(getattr(AsyncTenantsNamespace, name)), name


class _FakeDriver:
    def __init__(self, *replies: Any) -> None:
        self.replies = list(replies)
        self.calls: list[Any] = []

    def run(self, op: Generator[Any, Any, Any]) -> Any:
        calls, result = _drive(op, *self.replies)
        self.calls.extend(calls)
        return result


def test_sync_facade() -> None:
    driver = _FakeDriver(OK)
    ns = TenantsNamespace(driver, CollectionContext("C"))  # type: ignore[arg-type]
    ns.offload(["a"])
    assert driver.calls[0].json == [{"name": "a", "activityStatus": "OFFLOADED"}]
    with pytest.raises(ConfigError):
        ns.activate([])
