"""Key facts of weavorm's v1 gRPC description, and freshness of the generated code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import FieldDescriptor

from weavorm._proto import _pool
from weavorm._proto.google.protobuf import struct_pb2
from weavorm._proto.grpc.health.v1 import health_pb2
from weavorm._proto.v1 import (
    aggregate_pb2,
    base_pb2,
    batch_delete_pb2,
    batch_pb2,
    search_get_pb2,
    tenants_pb2,
    weaviate_pb2,
)

ROOT = Path(__file__).resolve().parents[2]


def _method_proto(method: Any) -> descriptor_pb2.MethodDescriptorProto:
    """The method's descriptor proto (older runtimes lack ``MethodDescriptor.client_streaming``)."""
    proto = descriptor_pb2.MethodDescriptorProto()
    method.CopyToProto(proto)
    return proto


def _field(message: Any, name: str) -> Any:
    """Field descriptor by name (typed loosely: upb and pure-Python descriptors differ)."""
    return message.fields_by_name[name]


@pytest.mark.parametrize(
    ("name", "number", "type_name"),
    [
        ("collection", 1, None),
        ("tenant", 10, None),
        ("consistency_level", 11, "weaviate.v1.ConsistencyLevel"),
        ("properties", 20, "weaviate.v1.PropertiesRequest"),
        ("metadata", 21, "weaviate.v1.MetadataRequest"),
        ("limit", 30, None),
        ("offset", 31, None),
        ("after", 33, None),
        ("filters", 40, "weaviate.v1.Filters"),
        ("hybrid_search", 41, "weaviate.v1.Hybrid"),
        ("bm25_search", 42, "weaviate.v1.BM25"),
        ("near_vector", 43, "weaviate.v1.NearVector"),
        ("near_text", 45, "weaviate.v1.NearTextSearch"),
        ("generative", 60, "weaviate.v1.GenerativeSearch"),
        ("boost", 62, "weaviate.v1.Boost"),
        ("uses_127_api", 102, None),
    ],
)
def test_search_request_fields(name: str, number: int, type_name: str | None) -> None:
    field = _field(search_get_pb2.SearchRequest.DESCRIPTOR, name)
    assert field.number == number
    if type_name is not None:
        target = field.message_type or field.enum_type
        assert target is not None
        assert target.full_name == type_name


def test_search_request_scalar_types_and_presence() -> None:
    desc = search_get_pb2.SearchRequest.DESCRIPTOR
    assert _field(desc, "collection").type == FieldDescriptor.TYPE_STRING
    assert _field(desc, "limit").type == FieldDescriptor.TYPE_UINT32
    # proto3 `optional` fields have presence; plain scalars do not.
    assert _field(desc, "near_vector").has_presence
    assert _field(desc, "consistency_level").has_presence
    assert not _field(desc, "limit").has_presence


def test_batch_object_fields() -> None:
    desc = batch_pb2.BatchObject.DESCRIPTOR
    expected = {
        "uuid": (1, FieldDescriptor.TYPE_STRING),
        "vector": (2, FieldDescriptor.TYPE_FLOAT),
        "properties": (3, FieldDescriptor.TYPE_MESSAGE),
        "collection": (4, FieldDescriptor.TYPE_STRING),
        "tenant": (5, FieldDescriptor.TYPE_STRING),
        "vector_bytes": (6, FieldDescriptor.TYPE_BYTES),
        "vectors": (23, FieldDescriptor.TYPE_MESSAGE),
    }
    actual = {f.name: (f.number, f.type) for f in desc.fields}
    assert actual == expected
    assert _field(desc, "vectors").message_type is base_pb2.Vectors.DESCRIPTOR
    assert _field(desc, "vector").GetOptions().deprecated

    props = batch_pb2.BatchObject.Properties.DESCRIPTOR
    assert _field(props, "non_ref_properties").message_type is struct_pb2.Struct.DESCRIPTOR
    assert _field(props, "empty_list_props").number == 10


def test_batch_stream_oneofs() -> None:
    request = batch_pb2.BatchStreamRequest.DESCRIPTOR
    assert [f.name for f in request.oneofs_by_name["message"].fields] == ["start", "data", "stop"]
    reply = batch_pb2.BatchStreamReply.DESCRIPTOR
    assert {f.name: f.number for f in reply.oneofs_by_name["message"].fields} == {
        "results": 1,
        "shutting_down": 2,
        "started": 4,
        "backoff": 5,
        "acks": 6,
        "out_of_memory": 7,
    }


def test_other_messages() -> None:
    assert _field(batch_delete_pb2.BatchDeleteRequest.DESCRIPTOR, "dry_run").number == 4
    assert _field(tenants_pb2.Tenant.DESCRIPTOR, "activity_status").number == 2
    assert tenants_pb2.TENANT_ACTIVITY_STATUS_FROZEN == 4
    agg = aggregate_pb2.AggregateRequest.DESCRIPTOR
    assert [f.name for f in agg.oneofs_by_name["search"].fields][:3] == [
        "hybrid",
        "near_vector",
        "near_object",
    ]
    assert base_pb2.Filters.OPERATOR_NOT == 15


def test_weaviate_service_methods() -> None:
    service = weaviate_pb2.DESCRIPTOR.services_by_name["Weaviate"]
    assert service.full_name == "weaviate.v1.Weaviate"
    methods = {m.name: m for m in service.methods}
    assert list(methods) == [
        "Search",
        "BatchObjects",
        "BatchReferences",
        "BatchDelete",
        "TenantsGet",
        "Aggregate",
        "BatchStream",
    ]
    assert methods["Search"].input_type is search_get_pb2.SearchRequest.DESCRIPTOR
    assert methods["Search"].output_type is search_get_pb2.SearchReply.DESCRIPTOR
    stream = _method_proto(methods["BatchStream"])
    assert stream.client_streaming and stream.server_streaming
    search = _method_proto(methods["Search"])
    assert not search.client_streaming and not search.server_streaming
    # the engine calls `/weaviate.v1.Weaviate/<Method>` through channel.unary_unary/stream_stream
    assert _pool.POOL.FindMethodByName("weaviate.v1.Weaviate.Search") is methods["Search"]


def test_health_service() -> None:
    service = health_pb2.DESCRIPTOR.services_by_name["Health"]
    assert service.full_name == "grpc.health.v1.Health"
    assert [m.name for m in service.methods] == ["Check", "List", "Watch"]
    assert health_pb2.HealthCheckResponse.SERVING == 1
    check = _pool.POOL.FindMethodByName("grpc.health.v1.Health.Check")
    assert check.input_type is health_pb2.HealthCheckRequest.DESCRIPTOR


_MODULES = [
    aggregate_pb2,
    base_pb2,
    batch_delete_pb2,
    batch_pb2,
    health_pb2,
    search_get_pb2,
    struct_pb2,
    tenants_pb2,
    weaviate_pb2,
]


@pytest.mark.parametrize("module", _MODULES, ids=lambda m: m.__name__)
def test_every_file_lives_in_the_private_pool(module: Any) -> None:
    assert module.DESCRIPTOR.pool is _pool.POOL
    assert _pool.POOL.FindFileByName(module.DESCRIPTOR.name) is module.DESCRIPTOR


def test_struct_is_the_private_well_known_type() -> None:
    from weavorm.engine._protocol import encode

    assert encode.Value is struct_pb2.Value
    props = batch_pb2.BatchObject.Properties()
    props.non_ref_properties.update({"n": 1, "list": ["a", None], "obj": {"ok": True}})
    assert props.non_ref_properties["obj"]["ok"] is True
    assert list(props.non_ref_properties["list"]) == ["a", None]
    assert _field(base_pb2.ObjectPropertiesValue.DESCRIPTOR, "non_ref_properties").message_type is (
        struct_pb2.Struct.DESCRIPTOR
    )


def test_generated_tree_has_no_default_pool_grpc_stubs_or_version_pins() -> None:
    generated = ROOT / "weavorm" / "_proto"
    assert not list(generated.rglob("*_pb2_grpc.py"))
    for path in generated.rglob("*_pb2.py"):
        text = path.read_text(encoding="utf-8")
        assert "_pool.POOL.AddSerializedFile(" in text, path
        assert "Default()" not in text, path
        assert "ValidateProtobufRuntimeVersion" not in text, path
    for path in generated.rglob("*.pyi"):
        assert "from google.protobuf import struct_pb2" not in path.read_text(encoding="utf-8")


def test_importing_every_generated_module_leaves_the_default_pool_alone() -> None:
    code = """
import importlib, pathlib, sys
import weavorm
from google.protobuf import descriptor_pool
root = pathlib.Path(weavorm.__file__).parent / "_proto"
names = []
for path in sorted(root.rglob("*_pb2.py")):
    rel = path.relative_to(root).with_suffix("")
    importlib.import_module("weavorm._proto." + ".".join(rel.parts))
    names.append(rel.as_posix().removesuffix("_pb2") + ".proto")
assert "google.protobuf.struct_pb2" not in sys.modules, "imported the default-pool Struct"
found = []
for name in names:
    try:
        descriptor_pool.Default().FindFileByName(name)
        found.append(name)
    except KeyError:
        pass
assert len(names) >= 12, names
assert not found, found
print("ok", len(names))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("ok")


def test_generated_code_is_up_to_date() -> None:
    pytest.importorskip("grpc_tools")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_proto.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
