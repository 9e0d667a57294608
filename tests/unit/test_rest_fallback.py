"""gRPC batch requests turned into their REST equivalent (no I/O)."""

from __future__ import annotations

import uuid

import pytest

from weavorm.engine._protocol.calls import GrpcCall, HttpReply
from weavorm.engine._protocol.encode import encode_batch_object
from weavorm.engine._protocol.rest_fallback import rest_equivalent
from weavorm.engine.batching.requests import objects_call

UID = str(uuid.UUID(int=1))
TARGET = str(uuid.UUID(int=2))


def test_batch_objects_become_post_batch_objects() -> None:
    message = encode_batch_object(
        "Item",
        {
            "n": 5,
            "score": 2.5,
            "name": "x",
            "ok": True,
            "tags": ["a", "b"],
            "counts": [1, 2],
            "weights": [0.5, 1.5],
            "flags": [True, False],
            "empty": [],
            "nested": {"k": "v", "inner": {"m": 1}},
        },
        uuid=UID,
        vector=[0.25, 0.5],
        references={"owner": TARGET},
        tenant="t1",
    )
    found = rest_equivalent(objects_call([message], consistency="QUORUM", timeout=3.0))
    assert found is not None
    http, convert = found
    assert (http.method, http.path, http.timeout) == ("POST", "/v1/batch/objects", 3.0)
    assert http.params == {"consistency_level": "QUORUM"}
    assert http.retryable
    (body,) = http.json["objects"]
    assert body["class"] == "Item" and body["id"] == UID and body["tenant"] == "t1"
    assert body["vector"] == [0.25, 0.5]
    props = body["properties"]
    assert props["n"] == 5 and isinstance(props["n"], int)
    assert props["score"] == 2.5 and props["name"] == "x" and props["ok"] is True
    assert props["tags"] == ["a", "b"] and props["counts"] == [1, 2]
    assert props["weights"] == [0.5, 1.5] and props["flags"] == [True, False]
    assert props["empty"] == []
    assert props["nested"] == {"k": "v", "inner": {"m": 1}}
    assert props["owner"] == [{"beacon": f"weaviate://localhost/{TARGET}"}]

    reply = convert(
        HttpReply(
            status=200,
            json=[{"result": {}}, {"result": {"errors": {"error": [{"message": "bad"}]}}}],
            text="",
            headers={},
        )
    )
    assert [(e.index, e.error) for e in reply.errors] == [(1, "bad")]


def test_named_vectors() -> None:
    message = encode_batch_object("Item", {}, uuid=UID, vector={"a": [1.0, 2.0]})
    found = rest_equivalent(objects_call([message], consistency=None))
    assert found is not None
    http, _ = found
    assert http.params is None
    assert http.json["objects"][0]["vectors"] == {"a": [1.0, 2.0]}


@pytest.mark.parametrize("method", ["Search", "Aggregate", "BatchReferences"])
def test_other_methods_have_no_rest_equivalent_yet(method: str) -> None:
    from weavorm._proto.v1 import batch_pb2

    call = GrpcCall(
        method=method,
        request=batch_pb2.BatchObjectsRequest(),
        reply_type=batch_pb2.BatchObjectsReply,
        operation="x",
    )
    assert rest_equivalent(call) is None


def test_filters_become_a_rest_where() -> None:
    from weavorm.engine import Filter
    from weavorm.engine._protocol.filters import filter_to_grpc
    from weavorm.engine._protocol.rest_fallback import where_of

    where = (Filter.by_property("n").less_than(5) | Filter.by_property("name").equal("x")) & (
        Filter.by_property("tags").contains_any(["a", "b"])
    )
    assert where_of(filter_to_grpc(where), operation="data.delete_many") == {
        "operator": "And",
        "operands": [
            {
                "operator": "Or",
                "operands": [
                    {"operator": "LessThan", "path": ["n"], "valueInt": 5},
                    {"operator": "Equal", "path": ["name"], "valueText": "x"},
                ],
            },
            {"operator": "ContainsAny", "path": ["tags"], "valueTextArray": ["a", "b"]},
        ],
    }
