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


@pytest.mark.parametrize("method", ["Search", "Aggregate", "Tenants"])
def test_methods_needing_more_than_one_call_have_no_single_rest_equivalent(method: str) -> None:
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
    assert where_of(filter_to_grpc(where), graphql=False) == {
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


def test_batch_references_become_post_batch_references() -> None:
    from weavorm._proto.v1 import batch_pb2

    request = batch_pb2.BatchReferencesRequest(
        references=[
            batch_pb2.BatchReference(
                name="author", from_collection="Book", from_uuid=UID, to_uuid=TARGET
            ),
            batch_pb2.BatchReference(
                name="cites",
                from_collection="Book",
                from_uuid=UID,
                to_collection="Paper",
                to_uuid=TARGET,
                tenant="t1",
            ),
        ],
        consistency_level=2,
    )
    call = GrpcCall(
        method="BatchReferences",
        request=request,
        reply_type=batch_pb2.BatchReferencesReply,
        operation="data.reference_add_many",
        idempotent=False,
    )
    found = rest_equivalent(call)
    assert found is not None
    http, convert = found
    assert (http.method, http.path, http.params) == (
        "POST",
        "/v1/batch/references",
        {"consistency_level": "QUORUM"},
    )
    assert not http.retryable  # adding a reference twice would duplicate it
    assert http.json == [
        {
            "from": f"weaviate://localhost/Book/{UID}/author",
            "to": f"weaviate://localhost/{TARGET}",
        },
        {
            "from": f"weaviate://localhost/Book/{UID}/cites",
            "to": f"weaviate://localhost/Paper/{TARGET}",
            "tenant": "t1",
        },
    ]
    reply = convert(
        HttpReply(
            status=200,
            json=[{"result": {}}, {"result": {"errors": {"error": [{"message": "no such"}]}}}],
            text="",
        )
    )
    assert [(e.index, e.error) for e in reply.errors] == [(1, "no such")]


def test_rest_operation_covers_the_data_methods_only() -> None:
    from weavorm._proto.v1 import batch_pb2
    from weavorm.engine._protocol.graphql_common import SchemaCache
    from weavorm.engine._protocol.rest_fallback import FALLBACK_METHODS, rest_operation

    assert {
        "Aggregate",
        "BatchDelete",
        "BatchObjects",
        "BatchReferences",
        "Search",
        "TenantsGet",
    } == FALLBACK_METHODS
    call = GrpcCall(
        method="TenantsForget",
        request=batch_pb2.BatchObjectsRequest(),
        reply_type=batch_pb2.BatchObjectsReply,
        operation="x",
    )
    assert rest_operation(call, SchemaCache()) is None


def test_search_over_rest_reads_the_schema_once_then_queries_graphql() -> None:
    from tests.unit._scripted import reply, run
    from weavorm._proto.v1 import search_get_pb2
    from weavorm.engine._protocol.graphql_common import SchemaCache
    from weavorm.engine._protocol.rest_fallback import rest_operation

    schema = {"class": "Item", "properties": [{"name": "n", "dataType": ["int"]}]}
    graphql = {"data": {"Get": {"Item": [{"n": 3, "_additional": {"id": UID}}]}}}
    cache = SchemaCache()
    call = GrpcCall(
        method="Search",
        request=search_get_pb2.SearchRequest(collection="Item", limit=5),
        reply_type=search_get_pb2.SearchReply,
        operation="query.fetch_objects",
        timeout=7.0,
    )
    op = rest_operation(call, cache)
    assert op is not None
    calls, result = run(op, [reply(json=schema), reply(json=graphql)])
    assert [(c.method, c.path) for c in calls] == [  # type: ignore[union-attr]
        ("GET", "/v1/schema/Item"),
        ("POST", "/v1/graphql"),
    ]
    assert calls[1].json == {  # type: ignore[union-attr]
        "query": "{ Get { Item(limit: 5) { n _additional { id } } } }"
    }
    assert all(c.timeout == 7.0 for c in calls)  # type: ignore[union-attr]
    assert result.results[0].properties.non_ref_props.fields["n"].int_value == 3
    again = rest_operation(call, cache)
    assert again is not None
    calls, _ = run(again, [reply(json=graphql)])
    assert [c.path for c in calls] == ["/v1/graphql"]  # type: ignore[union-attr]


def test_graphql_errors_are_server_errors() -> None:
    from tests.unit._scripted import reply, run
    from weavorm._proto.v1 import aggregate_pb2
    from weavorm.engine._protocol.graphql_common import SchemaCache
    from weavorm.engine._protocol.rest_fallback import rest_operation
    from weavorm.errors import UnprocessableError

    call = GrpcCall(
        method="Aggregate",
        request=aggregate_pb2.AggregateRequest(collection="Item", objects_count=True),
        reply_type=aggregate_pb2.AggregateReply,
        operation="aggregate",
    )
    op = rest_operation(call, SchemaCache())
    assert op is not None
    with pytest.raises(UnprocessableError, match="bad where"):
        run(op, [reply(json={"class": "Item"}), reply(json={"errors": [{"message": "bad where"}]})])


def test_only_link_failures_of_repeatable_calls_fall_back_after_failing() -> None:
    from weavorm._proto.v1 import batch_pb2
    from weavorm.engine import connect
    from weavorm.errors import ConnectError, NotFoundError, TimeoutError

    client = connect("http://127.0.0.1:9", grpc_fallback="rest", skip_init_checks=True)
    driver = client._driver

    def call(method: str, *, idempotent: bool) -> GrpcCall:
        return GrpcCall(
            method=method,
            request=batch_pb2.BatchReferencesRequest(),
            reply_type=batch_pb2.BatchReferencesReply,
            operation="x",
            idempotent=idempotent,
        )

    refs = call("BatchReferences", idempotent=False)
    search = call("Search", idempotent=True)
    assert driver._falls_back_after(refs, ConnectError("refused"))  # never sent
    assert not driver._falls_back_after(refs, TimeoutError("late"))  # may have landed
    assert driver._falls_back_after(search, TimeoutError("late"))
    assert not driver._falls_back_after(search, NotFoundError(404, "no such"))  # an answer
    assert not driver._falls_back_after(call("Raw", idempotent=True), ConnectError("x"))
    client.close()
