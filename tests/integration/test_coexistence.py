"""weavorm beside the official ``weaviate-client`` and ``grpcio-health-checking`` in one process.

Every check runs in a fresh interpreter (``python -c``), because protobuf's default
descriptor pool is process-wide and the pytest process has weavorm imported already.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.integration

# The official client warns about its own dependencies (authlib's httpx module) on import;
# those warnings are not ours to fix, and a fresh interpreter does not use `-W error`.
_TIMEOUT = 120


def _run(code: str, **env: str) -> str:
    """Run ``code`` in a fresh interpreter; its stdout (fails the test on a non-zero exit)."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=_TIMEOUT,
        env={**os.environ, **env},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _server_env(server: Any) -> dict[str, str]:
    http = urlsplit(server.url)
    grpc_host, _, grpc_port = server.grpc_url.rpartition(":")
    return {
        "T_URL": server.url,
        "T_GRPC": server.grpc_url,
        "T_HOST": http.hostname or "127.0.0.1",
        "T_PORT": str(http.port or 80),
        "T_GRPC_HOST": grpc_host,
        "T_GRPC_PORT": grpc_port,
    }


_IMPORTS = {
    "weavorm": "import weavorm, weavorm.engine._protocol.encode\n"
    "import weavorm._proto.v1.weaviate_pb2, weavorm._proto.grpc.health.v1.health_pb2",
    "weaviate": "import weaviate, weaviate.classes",
    "health": "from grpc_health.v1 import health_pb2, health_pb2_grpc",
}


@pytest.mark.parametrize(
    ("order", "implementation"),
    [
        (("weavorm", "weaviate", "health"), "upb"),
        (("weaviate", "weavorm", "health"), "upb"),
        (("health", "weavorm", "weaviate"), "upb"),
        (("weaviate", "health", "weavorm"), "upb"),
        # protobuf's pure-Python runtime (platforms without wheels) registers differently
        (("weavorm", "weaviate", "health"), "python"),
        (("health", "weaviate", "weavorm"), "python"),
    ],
    ids=lambda v: "-then-".join(v) if isinstance(v, tuple) else v,
)
def test_import_orders(order: tuple[str, ...], implementation: str) -> None:
    imports = "\n".join(_IMPORTS[name] for name in order)
    out = _run(
        "import os\n"
        + imports
        + """
from google.protobuf import descriptor_pool
from weavorm._proto import _pool
from weavorm._proto.v1 import base_pb2
ours = _pool.POOL.FindFileByName("v1/base.proto")
theirs = descriptor_pool.Default().FindFileByName("v1/base.proto")
assert ours is base_pb2.DESCRIPTOR and ours is not theirs
# grpcio-health-checking names its file grpc_health/v1/health.proto, with the same symbols
request = descriptor_pool.Default().FindMessageTypeByName("grpc.health.v1.HealthCheckRequest")
assert request is health_pb2.HealthCheckRequest.DESCRIPTOR
assert _pool.POOL.FindMessageTypeByName("grpc.health.v1.HealthCheckRequest") is not request
from google.protobuf.internal import api_implementation
assert api_implementation.Type() == os.environ["PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION"]
props = base_pb2.ObjectPropertiesValue()
props.non_ref_properties.update({"k": [1, None, "x"]})
assert base_pb2.ObjectPropertiesValue.FromString(props.SerializeToString()) == props
print("ok")
""",
        PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=implementation,
    )
    assert out.strip().endswith("ok")


def test_weavorm_leaves_the_default_pool_empty_after_use(weaviate_server: Any) -> None:
    out = _run(
        """
import os, sys
import weavorm
from weavorm.engine import connect
from weavorm.engine.types import DataObject
from google.protobuf import descriptor_pool

with connect(os.environ["T_URL"], grpc_url=os.environ["T_GRPC"]) as client:
    assert client.grpc_health()
    client.collections.create_from_dict({
        "class": "CoexistDefaultPool", "vectorizer": "none",
        "properties": [{"name": "title", "dataType": ["text"]},
                       {"name": "extra", "dataType": ["object"],
                        "nestedProperties": [{"name": "k", "dataType": ["text"]}]}],
    })
    try:
        col = client.collections.get("CoexistDefaultPool")
        result = col.data.insert_many([
            DataObject({"title": f"t{i}", "extra": {"k": str(i)}}, vector=[float(i), 1.0])
            for i in range(5)
        ])
        assert not result.has_errors, result.errors
        hits = col.query.near_vector([4.0, 1.0], limit=2)
        assert [o.properties["title"] for o in hits.objects] == ["t4", "t3"]
    finally:
        client.collections.delete("CoexistDefaultPool")

default = descriptor_pool.Default()
for name in ("v1/base.proto", "v1/weaviate.proto", "v1/batch.proto",
             "grpc/health/v1/health.proto"):
    try:
        default.FindFileByName(name)
    except KeyError:
        continue
    raise AssertionError(f"weavorm registered {name} in the default pool")
for symbol in ("weaviate.v1.SearchRequest", "weaviate.v1.BatchObject",
               "grpc.health.v1.HealthCheckRequest"):
    try:
        default.FindMessageTypeByName(symbol)
    except KeyError:
        continue
    raise AssertionError(f"weavorm registered {symbol} in the default pool")
assert "google.protobuf.struct_pb2" not in sys.modules
print("ok")
""",
        **_server_env(weaviate_server),
    )
    assert out.strip().endswith("ok")


def test_both_clients_share_one_process_and_one_server(weaviate_server: Any) -> None:
    out = _run(
        """
import os, uuid
import grpc
import weaviate
from weaviate.classes.data import DataObject as OfficialObject
from grpc_health.v1 import health_pb2, health_pb2_grpc
import weavorm
from weavorm.engine import connect
from weavorm.engine.types import DataObject

env = os.environ
NAME = "CoexistBoth"
official = weaviate.connect_to_custom(
    http_host=env["T_HOST"], http_port=int(env["T_PORT"]), http_secure=False,
    grpc_host=env["T_GRPC_HOST"], grpc_port=int(env["T_GRPC_PORT"]), grpc_secure=False,
)
ours = connect(env["T_URL"], grpc_url=env["T_GRPC"])
try:
    official.collections.create_from_dict({
        "class": NAME, "vectorizer": "none",
        "properties": [{"name": "title", "dataType": ["text"]},
                       {"name": "n", "dataType": ["int"]}],
    })
    theirs = official.collections.get(NAME)
    mine = ours.collections.get(NAME)

    # official client writes over gRPC, weavorm reads back over gRPC
    official_ids = [uuid.UUID(int=0xA000 + i) for i in range(3)]
    batch = theirs.data.insert_many([
        OfficialObject(properties={"title": f"official {i}", "n": i}, uuid=u,
                       vector=[float(i), 1.0, 0.0])
        for i, u in enumerate(official_ids)
    ])
    assert not batch.has_errors, batch.errors
    hits = mine.query.near_vector([2.0, 1.0, 0.0], limit=1)
    assert hits.objects[0].properties == {"title": "official 2", "n": 2}, hits.objects
    got = mine.query.fetch_object_by_id(official_ids[0], include_vector=True)
    assert got is not None and got.vector == {"default": [0.0, 1.0, 0.0]}

    # weavorm writes over gRPC, the official client reads back over gRPC
    our_ids = [uuid.UUID(int=0xB000 + i) for i in range(3)]
    result = mine.data.insert_many([
        DataObject({"title": f"weavorm {i}", "n": 10 + i}, uuid=u, vector=[0.0, 1.0, float(i)])
        for i, u in enumerate(our_ids)
    ])
    assert not result.has_errors, result.errors
    near = theirs.query.near_vector([0.0, 1.0, 2.0], limit=1)
    assert near.objects[0].uuid == our_ids[2]
    assert near.objects[0].properties == {"title": "weavorm 2", "n": 12}
    assert theirs.aggregate.over_all(total_count=True).total_count == 6
    assert len(mine.query.fetch_objects(limit=10).objects) == 6

    # both health services and grpcio-health-checking's own stub, same process
    with grpc.insecure_channel(env["T_GRPC"]) as channel:
        reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(),
                                                          timeout=10)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
    assert ours.grpc_health()
    assert official.is_ready()
finally:
    try:
        ours.collections.delete(NAME)
    finally:
        ours.close()
        official.close()
print("ok")
""",
        **_server_env(weaviate_server),
    )
    assert out.strip().endswith("ok")


def test_pip_check_passes_with_the_official_client_installed() -> None:
    assert metadata.version("weaviate-client")
    assert metadata.version("grpcio-health-checking")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=_TIMEOUT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
