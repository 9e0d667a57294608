"""The REST fallback's GraphQL builders and parsers, without a server (issue 13).

gRPC requests built by weavorm's own search / aggregate code go in; the GraphQL text
that comes out is checked for what the server needs, and GraphQL replies (shaped as
Weaviate sends them) come back as the gRPC reply messages, parsed by the same code as
on the gRPC path into the same Python types.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from weavorm._proto.v1 import aggregate_pb2, search_get_pb2
from weavorm.engine import Filter, MetadataQuery, QueryNested, QueryReference, Sort
from weavorm.engine._protocol import aggregate as aggregate_ops
from weavorm.engine._protocol import search
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.graphql_aggregate import aggregate_query, aggregate_reply
from weavorm.engine._protocol.graphql_common import (
    ClassSchema,
    Enum,
    NoRestForm,
    SchemaCache,
    literal,
    parse_class,
)
from weavorm.engine._protocol.graphql_get import get_query, search_reply
from weavorm.engine._protocol.replies import parse_reply
from weavorm.engine.aggregate_types import Metrics
from weavorm.engine.options import GroupBy, Rerank
from weavorm.engine.results import GeoCoordinate

UID = str(uuid.UUID(int=1))
AUTHOR = str(uuid.UUID(int=2))

BOOK = parse_class(
    {
        "class": "Book",
        "properties": [
            {"name": "title", "dataType": ["text"]},
            {"name": "n", "dataType": ["int"]},
            {"name": "score", "dataType": ["number"]},
            {"name": "ok", "dataType": ["boolean"]},
            {"name": "when", "dataType": ["date"]},
            {"name": "ref_id", "dataType": ["uuid"]},
            {"name": "weights", "dataType": ["number[]"]},
            {"name": "counts", "dataType": ["int[]"]},
            {"name": "where", "dataType": ["geoCoordinates"]},
            {"name": "raw", "dataType": ["blob"]},
            {
                "name": "info",
                "dataType": ["object"],
                "nestedProperties": [
                    {"name": "k", "dataType": ["text"]},
                    {"name": "x", "dataType": ["number"]},
                ],
            },
            {"name": "author", "dataType": ["Author"]},
        ],
    }
)
AUTHOR_SCHEMA = parse_class(
    {"class": "Author", "properties": [{"name": "name", "dataType": ["text"]}]}
)
SCHEMAS = {"Book": BOOK, "Author": AUTHOR_SCHEMA}
CTX = CollectionContext(name="Book")


def _request(**options: object) -> search_get_pb2.SearchRequest:
    return search.build_request(CTX, **options)  # type: ignore[arg-type]


def test_literals_render_graphql_input_values() -> None:
    assert literal({"operator": Enum("Equal"), "path": ["a"], "valueText": 'say "hi"\n'}) == (
        '{operator: Equal, path: ["a"], valueText: "say \\"hi\\"\\n"}'
    )
    assert literal([1, 2.5, True, None]) == "[1, 2.5, true, null]"
    with pytest.raises(NoRestForm):
        literal(float("nan"))


def test_schema_parse_knows_types_references_and_named_vectors() -> None:
    schema = parse_class(
        {
            "class": "V",
            "properties": [{"name": "r", "dataType": ["A", "B"]}],
            "vectorConfig": {
                "a": {"vectorIndexConfig": {}},
                "m": {"vectorIndexConfig": {"multivector": {"enabled": True}}},
            },
        }
    )
    assert schema.props["r"].is_ref and schema.props["r"].targets == ("A", "B")
    assert schema.named_vectors == ("a", "m") and schema.multi_vectors == {"m"}
    cache = SchemaCache(ttl=10)
    cache.put("V", schema, now=0.0)
    assert cache.get("V", now=5.0) is schema and cache.get("V", now=11.0) is None


def test_fetch_lists_every_property_and_spells_out_the_default_limit() -> None:
    query = get_query(_request(), BOOK, SCHEMAS.get)
    assert query.startswith("{ Get { Book(limit: 10) { ")
    for field in ("title", "n", "where { latitude longitude }", "info { k x }"):
        assert field in query
    assert " raw " not in query and "author" not in query  # blobs, references: asked for
    assert query.endswith("_additional { id } } } }")


def test_filters_sort_paging_tenant_and_consistency() -> None:
    ctx = CollectionContext(name="Book", tenant="t1", consistency="QUORUM")
    where = (
        Filter.by_property("when").greater_than(datetime(2024, 1, 1, tzinfo=timezone.utc))
        & Filter.by_property("score").less_than(3)
        & Filter.by_ref("author").by_property("name").equal("Ada")
        & Filter.by_property("counts").contains_any([1, 2])
    )
    req = search.build_request(
        ctx, filters=where, sort=Sort.by_property("n", ascending=False), limit=5, offset=2
    )
    query = get_query(req, BOOK, SCHEMAS.get)
    assert 'tenant: "t1", where' in query  # one replica: no consistencyLevel argument
    replicated = ClassSchema(name="Book", props=BOOK.props, replicated=True)
    assert 'tenant: "t1", consistencyLevel: QUORUM' in get_query(req, replicated, SCHEMAS.get)
    assert '{operator: GreaterThan, path: ["when"], valueDate: "2024-01-01T00:00:00' in query
    assert '{operator: LessThan, path: ["score"], valueNumber: 3.0}' in query
    assert '{operator: Equal, path: ["author", "Author", "name"], valueText: "Ada"}' in query
    assert '{operator: ContainsAny, path: ["counts"], valueInt: [1, 2]}' in query
    assert 'sort: [{path: ["n"], order: desc}], limit: 5, offset: 2' in query


def test_searches_become_graphql_arguments() -> None:
    nv = search.near_vector_message([0.5, 0.25], distance=0.3)
    query = get_query(_request(operator=("near_vector", nv), limit=3), BOOK, SCHEMAS.get)
    assert "nearVector: {vector: [0.5, 0.25], distance: 0.3}" in query
    bm25 = search.bm25_message("apple pie", query_properties=["title^2"])
    query = get_query(
        _request(operator=("bm25_search", bm25), return_metadata=MetadataQuery(score=True)),
        BOOK,
        SCHEMAS.get,
    )
    assert 'bm25: {query: "apple pie", properties: ["title^2"]}' in query
    assert "_additional { id score }" in query
    hybrid = search.hybrid_message(
        "pie", alpha=0.25, vector=[1.0, 0.0], fusion_type="FUSION_TYPE_RANKED"
    )
    query = get_query(_request(operator=("hybrid_search", hybrid)), BOOK, SCHEMAS.get)
    assert (
        'hybrid: {query: "pie", alpha: 0.25, fusionType: rankedFusion, vector: [1.0, 0.0]}' in query
    )
    nt = search.near_text_message(["sea"], certainty=0.7)
    query = get_query(_request(operator=("near_text", nt)), BOOK, SCHEMAS.get)
    assert 'nearText: {concepts: ["sea"], certainty: 0.7}' in query
    no = search.near_object_message(UID, distance=0.2)
    query = get_query(_request(operator=("near_object", no)), BOOK, SCHEMAS.get)
    assert f'nearObject: {{id: "{UID}", distance: 0.2}}' in query


def test_nested_and_reference_selections() -> None:
    req = _request(
        return_properties=["title", QueryNested(name="info", properties=["k"])],
        return_references=QueryReference(link_on="author", return_properties=["name"]),
        return_metadata=MetadataQuery(creation_time=True, distance=True),
        include_vector=True,
    )
    query = get_query(req, BOOK, SCHEMAS.get)
    assert "title info { k } author { ... on Author { __typename name _additional { id } } }" in (
        query
    )
    assert "_additional { id vector creationTimeUnix distance }" in query


@pytest.mark.parametrize(
    ("options", "feature"),
    [
        (
            {
                "group_by": GroupBy(prop="n", number_of_groups=2, objects_per_group=2),
                "return_metadata": MetadataQuery(score=True),
            },
            "group_by with score",
        ),
        ({"rerank": Rerank(prop="title", query="x")}, "rerank"),
        ({"return_metadata": MetadataQuery(query_profile=True)}, "query profile"),
    ],
)
def test_what_graphql_cannot_express_raises(options: dict[str, object], feature: str) -> None:
    with pytest.raises(NoRestForm, match=feature):
        get_query(_request(**options), BOOK, SCHEMAS.get)


def test_reply_values_are_typed_by_the_schema_like_grpc() -> None:
    req = _request(
        return_references=QueryReference(link_on="author", return_properties=["name"]),
        return_metadata=MetadataQuery(distance=True, score=True, creation_time=True),
        include_vector=True,
    )
    data = {
        "Get": {
            "Book": [
                {
                    "title": "t",
                    "n": 2,
                    "score": 2,  # a number that JSON wrote without a point
                    "ok": True,
                    "when": "2024-01-02T03:04:05Z",
                    "ref_id": AUTHOR,
                    "weights": [1, 2.5],
                    "counts": [3, 4],
                    "where": {"latitude": 52.5, "longitude": 13.25},
                    "info": {"k": "v", "x": 1},
                    "author": [
                        {"__typename": "Author", "name": "Ada", "_additional": {"id": AUTHOR}}
                    ],
                    "_additional": {
                        "id": UID,
                        "vector": [0.1, 0.2],
                        "distance": 0.125,
                        "score": "0.5",
                        "creationTimeUnix": "1700000000000",
                    },
                }
            ]
        }
    }
    reply = search_reply(data, req, BOOK, SCHEMAS.get)
    assert isinstance(reply, search_get_pb2.SearchReply)
    (obj,) = parse_reply(reply).objects
    props = obj.properties
    assert props["score"] == 2.0 and isinstance(props["score"], float)
    assert props["n"] == 2 and isinstance(props["n"], int)
    assert props["when"] == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert props["ref_id"] == uuid.UUID(AUTHOR)
    assert props["weights"] == [1.0, 2.5] and isinstance(props["weights"][0], float)
    assert props["counts"] == [3, 4]
    assert props["where"] == GeoCoordinate(latitude=52.5, longitude=13.25)
    assert props["info"] == {"k": "v", "x": 1.0} and isinstance(props["info"]["x"], float)
    assert obj.uuid == uuid.UUID(UID) and obj.collection == "Book"
    assert obj.metadata.distance == 0.125 and obj.metadata.score == 0.5
    assert obj.metadata.creation_time == datetime.fromtimestamp(1_700_000_000, tz=timezone.utc)
    # vectors travel as float32, as over gRPC
    assert obj.vector["default"] == pytest.approx([0.1, 0.2]) and obj.vector["default"][0] != 0.1
    (author,) = obj.references["author"].objects
    assert author.uuid == uuid.UUID(AUTHOR) and author.properties == {"name": "Ada"}
    assert author.collection == "Author"


def test_aggregate_query_and_grouped_reply() -> None:
    req = aggregate_ops.build_request(
        CTX,
        group_by="ok",
        filters=Filter.by_property("n").less_than(10),
        return_metrics=[
            Metrics("n").integer(sum_=True, mean=True),
            Metrics("title").text(top_occurrences_count=True, top_occurrences_value=True),
        ],
    )
    assert isinstance(req, aggregate_pb2.AggregateRequest)
    query = aggregate_query(req, BOOK, SCHEMAS.get)
    assert query.startswith('{ Aggregate { Book(where: {operator: LessThan, path: ["n"]')
    assert 'groupBy: ["ok"]' in query
    assert "groupedBy { value path } meta { count } n { sum mean }" in query
    assert "title { count topOccurrences { value occurs } }" in query
    data = {
        "Aggregate": {
            "Book": [
                {
                    "groupedBy": {"value": "true", "path": ["ok"]},
                    "meta": {"count": 3},
                    "n": {"sum": 6, "mean": 2},
                    "title": {"count": 3, "topOccurrences": [{"value": "a", "occurs": 2}]},
                }
            ]
        }
    }
    result = aggregate_ops.parse_reply(aggregate_reply(data, req, BOOK), grouped=True)
    (group,) = result.groups  # type: ignore[union-attr]
    assert group.grouped_by.value is True and group.total_count == 3
    n = group.properties["n"]
    assert n.sum_ == 6 and isinstance(n.sum_, int) and n.mean == 2.0  # type: ignore[union-attr]
    assert group.properties["title"].top_occurrences[0].count == 2  # type: ignore[union-attr]


def test_count_only_aggregate() -> None:
    req = aggregate_ops.build_request(CTX)
    assert aggregate_query(req, BOOK, SCHEMAS.get) == "{ Aggregate { Book { meta { count } } } }"
    reply = aggregate_reply({"Aggregate": {"Book": [{"meta": {"count": 7}}]}}, req, BOOK)
    assert reply.single_result.objects_count == 7


def test_unknown_schema_is_an_empty_class() -> None:
    assert parse_class({}) == ClassSchema(name="", props={})


def test_group_by_query_and_reply() -> None:
    nv = search.near_vector_message([1.0, 0.0])
    req = _request(
        operator=("near_vector", nv),
        group_by=GroupBy(prop="ok", number_of_groups=2, objects_per_group=1),
        return_properties=["title"],
        return_metadata=MetadataQuery(distance=True),
    )
    query = get_query(req, BOOK, SCHEMAS.get)
    assert 'groupBy: {path: ["ok"], groups: 2, objectsPerGroup: 1}' in query
    assert (
        "{ _additional { group { id groupedBy { value path } count maxDistance minDistance "
        "hits { title _additional { id distance } } } } }"
    ) in query
    group = {
        "groupedBy": {"value": "true", "path": ["ok"]},
        "count": 1,
        "minDistance": 0.25,
        "maxDistance": 0.25,
        "hits": [{"title": "x", "_additional": {"id": UID, "distance": 0.25}}],
    }
    data = {"Get": {"Book": [{"_additional": {"group": group}}]}}
    result = parse_reply(search_reply(data, req, BOOK, SCHEMAS.get), group_by=True)
    (only,) = result.groups.values()
    assert (only.name, only.number_of_objects, only.min_distance) == ("true", 1, 0.25)
    (obj,) = only.objects
    assert obj.properties == {"title": "x"} and obj.metadata.distance == 0.25
    assert obj.belongs_to_group == "true"
