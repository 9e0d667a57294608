"""Python values -> gRPC batch messages and REST JSON (no server)."""

from __future__ import annotations

import datetime as dt
import struct
import uuid
from array import array

import pytest

from weavorm._proto.v1 import base_pb2
from weavorm.engine._protocol import data as data_ops
from weavorm.engine._protocol.calls import HttpCall, HttpReply
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.encode import (
    datetime_to_rfc3339,
    encode_batch_object,
    encode_grpc_properties,
    encode_rest_properties,
    encode_rest_references,
    encode_rest_vectors,
    encode_vectors,
    is_multi_vector,
    pack_multi_vector,
    pack_vector,
    to_json_value,
    uuid_str,
)
from weavorm.engine.types import GeoCoordinate, PhoneNumber, ReferenceToMulti
from weavorm.errors import ConfigError

U1 = uuid.UUID("11111111-1111-4111-8111-111111111111")
U2 = uuid.UUID("22222222-2222-4222-8222-222222222222")


# -- values --------------------------------------------------------------------------


def test_datetime_aware_keeps_offset() -> None:
    value = dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert datetime_to_rfc3339(value) == "2024-05-06T07:08:09.123456+02:00"


def test_datetime_naive_is_utc() -> None:
    assert datetime_to_rfc3339(dt.datetime(2024, 5, 6, 7, 8, 9)) == "2024-05-06T07:08:09.000000Z"


def test_date_is_midnight_utc() -> None:
    assert datetime_to_rfc3339(dt.date(2024, 5, 6)) == "2024-05-06T00:00:00Z"


def test_json_values() -> None:
    assert to_json_value(U1) == str(U1)
    assert to_json_value(b"\x00\x01") == "AAE="
    assert to_json_value(bytearray(b"ab")) == "YWI="
    assert to_json_value(GeoCoordinate(1.5, -2)) == {"latitude": 1.5, "longitude": -2.0}
    assert to_json_value(PhoneNumber("0301234", "DE")) == {
        "input": "0301234",
        "defaultCountry": "DE",
    }
    assert to_json_value({"a": [1, {"b": U2}]}) == {"a": [1, {"b": str(U2)}]}
    assert to_json_value((1, 2)) == [1, 2]


def test_values_read_back_from_queries_can_be_written_again() -> None:
    from weavorm.engine import results

    geo = results.GeoCoordinate(latitude=1.0, longitude=2.0)
    phone = results.PhoneNumber(input="030 1234567", default_country="DE", valid=True)
    expected_geo = {"latitude": 1.0, "longitude": 2.0}
    expected_phone = {"input": "030 1234567", "defaultCountry": "DE"}
    assert encode_rest_properties({"g": geo, "p": phone}) == {
        "g": expected_geo,
        "p": expected_phone,
    }
    fields = encode_grpc_properties({"g": geo, "p": phone}).non_ref_properties.fields
    assert fields["g"].struct_value.fields["longitude"].number_value == 2.0
    assert fields["p"].struct_value.fields["input"].string_value == "030 1234567"


def test_unknown_value_type_names_the_property() -> None:
    with pytest.raises(ConfigError, match="'weird'"):
        encode_rest_properties({"weird": object()})
    with pytest.raises(ConfigError, match="'weird'"):
        encode_grpc_properties({"weird": object()})


@pytest.mark.parametrize("name", ["id", "vector"])
def test_reserved_names_are_refused(name: str) -> None:
    with pytest.raises(ConfigError, match="reserved"):
        encode_rest_properties({name: 1})
    with pytest.raises(ConfigError, match="reserved"):
        encode_grpc_properties({name: 1})


def test_reserved_names_allowed_nested() -> None:
    props = encode_grpc_properties({"obj": {"id": "x"}})
    assert props.object_properties[0].value.non_ref_properties.fields["id"].string_value == "x"


def test_geo_and_phone_validation() -> None:
    with pytest.raises(ConfigError, match="latitude"):
        GeoCoordinate(91, 0)
    with pytest.raises(ConfigError, match="longitude"):
        GeoCoordinate(0, float("nan"))
    with pytest.raises(ConfigError, match="number"):
        PhoneNumber("  ")


def test_uuid_str() -> None:
    assert uuid_str(U1) == str(U1)
    assert uuid_str(str(U1).upper()) == str(U1)
    with pytest.raises(ConfigError, match="uuid"):
        uuid_str("not-a-uuid")
    with pytest.raises(ConfigError):
        uuid_str(12)


# -- gRPC properties -----------------------------------------------------------------


def test_grpc_scalars_and_arrays() -> None:
    when = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    props = encode_grpc_properties(
        {
            "title": "t",
            "n": 3,
            "x": 1.5,
            "flag": True,
            "none": None,
            "when": when,
            "u": U1,
            "geo": GeoCoordinate(52.5, 13.4),
            "phone": PhoneNumber("030 1234567", "DE"),
            "blob": b"\x00\x01",
            "tags": ["a", "b"],
            "ints": [1, 2],
            "nums": [1.5, 2],
            "flags": [True, False],
            "dates": [when],
            "uuids": [U1, U2],
            "empty": [],
            "tuple": ("a",),
        }
    )
    fields = props.non_ref_properties.fields
    assert fields["title"].string_value == "t"
    assert fields["n"].number_value == 3
    assert fields["x"].number_value == 1.5
    assert fields["flag"].bool_value is True
    assert fields["none"].WhichOneof("kind") == "null_value"
    assert fields["when"].string_value == "2024-01-02T03:04:05.000000+00:00"
    assert fields["u"].string_value == str(U1)
    assert fields["geo"].struct_value.fields["latitude"].number_value == 52.5
    assert fields["phone"].struct_value.fields["defaultCountry"].string_value == "DE"
    assert fields["blob"].string_value == "AAE="
    texts = {t.prop_name: list(t.values) for t in props.text_array_properties}
    assert texts == {
        "tags": ["a", "b"],
        "dates": ["2024-01-02T03:04:05.000000+00:00"],
        "uuids": [str(U1), str(U2)],
        "tuple": ["a"],
    }
    assert [(i.prop_name, list(i.values)) for i in props.int_array_properties] == [("ints", [1, 2])]
    (nums,) = props.number_array_properties
    assert nums.prop_name == "nums"
    assert struct.unpack("<2d", nums.values_bytes) == (1.5, 2.0)
    assert [list(b.values) for b in props.boolean_array_properties] == [[True, False]]
    assert list(props.empty_list_props) == ["empty"]


def test_grpc_refuses_integers_a_double_cannot_hold() -> None:
    assert encode_grpc_properties({"n": 2**53}).non_ref_properties.fields["n"].number_value == 2**53
    with pytest.raises(ConfigError, match="2\\*\\*53"):
        encode_grpc_properties({"n": 2**53 + 1})
    props = encode_grpc_properties({"ints": [2**62]})  # int arrays are int64: exact
    assert list(props.int_array_properties[0].values) == [2**62]


def test_grpc_nested_objects() -> None:
    props = encode_grpc_properties(
        {"obj": {"a": "x", "b": [1, 2], "c": {"d": 1.5}}, "objs": [{"a": "1"}, {"a": "2"}]}
    )
    (obj,) = props.object_properties
    assert obj.prop_name == "obj"
    assert obj.value.non_ref_properties.fields["a"].string_value == "x"
    assert list(obj.value.int_array_properties[0].values) == [1, 2]
    inner = obj.value.object_properties[0]
    assert inner.prop_name == "c"
    assert inner.value.non_ref_properties.fields["d"].number_value == 1.5
    (arr,) = props.object_array_properties
    assert [v.non_ref_properties.fields["a"].string_value for v in arr.values] == ["1", "2"]


def test_grpc_object_array_must_hold_mappings() -> None:
    with pytest.raises(ConfigError, match="mappings"):
        encode_grpc_properties({"objs": [{"a": 1}, 2]})


def test_grpc_references() -> None:
    props = encode_grpc_properties(
        None,
        {"one": U1, "many": [U1, str(U2)], "multi": ReferenceToMulti([U2], "Other")},
    )
    single = {r.prop_name: list(r.uuids) for r in props.single_target_ref_props}
    assert single == {"one": [str(U1)], "many": [str(U1), str(U2)]}
    (multi,) = props.multi_target_ref_props
    assert (multi.prop_name, list(multi.uuids), multi.target_collection) == (
        "multi",
        [str(U2)],
        "Other",
    )
    with pytest.raises(ConfigError, match="reference 'bad'"):
        encode_grpc_properties(None, {"bad": 3})


def test_grpc_references_list_of_multi_targets() -> None:
    props = encode_grpc_properties(
        None,
        {
            "multi": [
                ReferenceToMulti(U1, "A"),
                ReferenceToMulti(U2, "B"),
                ReferenceToMulti(U2, "A"),
            ]
        },
    )
    got = {(m.target_collection, tuple(m.uuids)) for m in props.multi_target_ref_props}
    assert got == {("A", (str(U1), str(U2))), ("B", (str(U2),))}
    with pytest.raises(ConfigError, match="ReferenceToMulti"):
        encode_grpc_properties(None, {"multi": [U1, ReferenceToMulti(U2, "B")]})
    assert encode_rest_references({"m": [ReferenceToMulti(U1, "A"), U2]}) == {
        "m": [
            {"beacon": f"weaviate://localhost/A/{U1}"},
            {"beacon": f"weaviate://localhost/{U2}"},
        ]
    }


def test_batch_object_fields() -> None:
    obj = encode_batch_object(
        "Article", {"title": "t"}, uuid=str(U1), vector=[1.0, 2.0], tenant="tenantA"
    )
    assert (obj.collection, obj.uuid, obj.tenant) == ("Article", str(U1), "tenantA")
    assert obj.vector_bytes == struct.pack("<2f", 1.0, 2.0)
    assert not obj.vectors


def test_batch_object_named_and_multi_vectors() -> None:
    obj = encode_batch_object(
        "Article",
        {},
        uuid=str(U1),
        vector={"title": [1.0, 2.0], "colbert": [[1.0, 2.0], [3.0, 4.0]]},
    )
    assert obj.vector_bytes == b""
    by_name = {v.name: v for v in obj.vectors}
    assert by_name["title"].type == base_pb2.Vectors.VECTOR_TYPE_SINGLE_FP32
    assert by_name["colbert"].type == base_pb2.Vectors.VECTOR_TYPE_MULTI_FP32
    assert by_name["colbert"].vector_bytes == struct.pack("<H4f", 2, 1, 2, 3, 4)


def test_unnamed_multi_vector_is_refused() -> None:
    with pytest.raises(ConfigError, match="by name"):
        encode_batch_object("A", {}, uuid=str(U1), vector=[[1.0], [2.0]])


# -- vectors -------------------------------------------------------------------------


def test_pack_vector_list_tuple_array() -> None:
    expected = struct.pack("<3f", 1.0, 2.5, -3.0)
    assert pack_vector([1, 2.5, -3]) == expected
    assert pack_vector((1.0, 2.5, -3.0)) == expected
    assert pack_vector(array("f", [1.0, 2.5, -3.0])) == expected
    assert pack_vector(array("d", [1.0, 2.5, -3.0])) == expected


def test_pack_vector_errors() -> None:
    with pytest.raises(ConfigError, match="empty"):
        pack_vector([])
    with pytest.raises(ConfigError, match="numbers"):
        pack_vector([1.0, "x"])


def test_pack_multi_vector() -> None:
    assert pack_multi_vector([[1.0, 2.0], [3.0, 4.0]]) == struct.pack("<H4f", 2, 1, 2, 3, 4)
    with pytest.raises(ConfigError, match="same length"):
        pack_multi_vector([[1.0, 2.0], [3.0]])
    with pytest.raises(ConfigError, match="empty"):
        pack_multi_vector([])


def test_is_multi_vector() -> None:
    assert is_multi_vector([[1.0], [2.0]])
    assert not is_multi_vector([1.0, 2.0])
    assert not is_multi_vector(array("f", [1.0]))
    assert not is_multi_vector([])


def test_encode_vectors_default_and_named() -> None:
    raw, named = encode_vectors([1.0])
    assert raw == struct.pack("<f", 1.0) and named == []
    raw, named = encode_vectors({"a": [1.0]})
    assert raw == b"" and named[0].name == "a"
    assert encode_vectors(None) == (b"", [])


def test_numpy_vectors_when_available() -> None:
    numpy = pytest.importorskip("numpy")
    vec = numpy.array([1.0, 2.0], dtype=numpy.float64)
    assert pack_vector(vec) == struct.pack("<2f", 1.0, 2.0)
    multi = numpy.array([[1.0, 2.0], [3.0, 4.0]])
    assert is_multi_vector(multi)
    assert pack_multi_vector(multi) == struct.pack("<H4f", 2, 1, 2, 3, 4)
    assert encode_rest_vectors(vec) == {"vector": [1.0, 2.0]}
    props = encode_grpc_properties(
        {"i": numpy.int64(3), "ints": numpy.array([1, 2]), "nums": numpy.array([0.5])}
    )
    assert props.non_ref_properties.fields["i"].number_value == 3
    assert list(props.int_array_properties[0].values) == [1, 2]
    assert struct.unpack("<d", props.number_array_properties[0].values_bytes) == (0.5,)
    assert to_json_value(numpy.float32(0.5)) == 0.5


# -- REST ----------------------------------------------------------------------------


def test_rest_vectors() -> None:
    assert encode_rest_vectors([1, 2]) == {"vector": [1.0, 2.0]}
    assert encode_rest_vectors(array("f", [1.0])) == {"vector": [1.0]}
    assert encode_rest_vectors({"a": [1.0], "m": [[1.0], [2.0]]}) == {
        "vectors": {"a": [1.0], "m": [[1.0], [2.0]]}
    }
    assert encode_rest_vectors(None) == {}


def test_rest_references() -> None:
    assert encode_rest_references({"r": U1, "m": ReferenceToMulti(U2, "Other")}) == {
        "r": [{"beacon": f"weaviate://localhost/{U1}"}],
        "m": [{"beacon": f"weaviate://localhost/Other/{U2}"}],
    }


def _first_call(op: object) -> HttpCall:
    call = next(op)  # type: ignore[call-overload]
    assert isinstance(call, HttpCall)
    return call


def test_insert_request_carries_tenant_and_consistency() -> None:
    ctx = CollectionContext("Article", tenant="t1", consistency="QUORUM")
    op = data_ops.insert(ctx, {"title": "x"}, uuid=U1, vector=[1.0])
    call = _first_call(op)
    assert (call.method, call.path) == ("POST", "/v1/objects")
    assert call.params == {"consistency_level": "QUORUM"}
    assert call.json == {
        "class": "Article",
        "properties": {"title": "x"},
        "vector": [1.0],
        "tenant": "t1",
        "id": str(U1),
    }
    with pytest.raises(StopIteration) as stop:
        op.send(HttpReply(200, {}, ""))
    assert stop.value.value == U1


def test_exists_and_reference_paths() -> None:
    ctx = CollectionContext("Article", tenant="t1")
    call = _first_call(data_ops.exists(ctx, U1))
    assert (call.method, call.path, call.params) == (
        "HEAD",
        f"/v1/objects/Article/{U1}",
        {"tenant": "t1"},
    )
    call = _first_call(data_ops.reference_add(ctx, U1, "cites", ReferenceToMulti(U2, "Other")))
    assert call.path == f"/v1/objects/Article/{U1}/references/cites"
    assert call.json == {"beacon": f"weaviate://localhost/Other/{U2}"}
    call = _first_call(data_ops.reference_replace(ctx, U1, "cites", [U1, U2]))
    assert (call.method, len(call.json)) == ("PUT", 2)


def test_reference_add_refuses_several_targets() -> None:
    ctx = CollectionContext("Article")
    with pytest.raises(ConfigError, match="one target"):
        next(data_ops.reference_add(ctx, U1, "cites", [U1, U2]))


def test_property_and_reference_with_same_name_is_refused() -> None:
    ctx = CollectionContext("Article")
    with pytest.raises(ConfigError, match="both"):
        next(data_ops.replace(ctx, U1, {"cites": "x"}, references={"cites": U2}))
