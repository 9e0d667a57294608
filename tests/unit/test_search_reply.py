"""SearchReply parsing on synthetic replies, and vector packing round trips."""

from __future__ import annotations

import struct
from datetime import datetime, timezone
from uuid import UUID

import pytest

from weavorm._proto.v1 import (
    base_pb2,
    generative_pb2,
    properties_pb2,
    search_get_pb2,
)
from weavorm.engine._protocol.replies import decode_properties, parse_date, parse_reply
from weavorm.engine._protocol.vectors import (
    decode_float64s,
    decode_int64s,
    pack_multi,
    pack_single,
    unpack_multi,
    unpack_single,
)
from weavorm.engine.results import (
    GeoCoordinate,
    GroupByResult,
    PhoneNumber,
    QueryResult,
)

P = properties_pb2
U1 = UUID("12345678-1234-5678-1234-567812345678")
U2 = UUID(int=2)


def value(**kwargs: object) -> P.Value:
    return P.Value(**kwargs)  # type: ignore[arg-type]


def props(**fields: P.Value) -> P.Properties:
    return P.Properties(fields=fields)


def result(
    uuid: UUID = U1, *, properties: P.Properties | None = None, **meta: object
) -> search_get_pb2.SearchResult:
    return search_get_pb2.SearchResult(
        properties=search_get_pb2.PropertiesResult(
            non_ref_props=properties or P.Properties(), target_collection="Article"
        ),
        metadata=search_get_pb2.MetadataResult(id_as_bytes=uuid.bytes, **meta),  # type: ignore[arg-type]
    )


def test_scalar_property_values() -> None:
    decoded = decode_properties(
        props(
            text=value(text_value="hi"),
            int=value(int_value=-3),
            number=value(number_value=1.5),
            bool=value(bool_value=True),
            date=value(date_value="2024-01-02T03:04:05.123456789Z"),
            uuid=value(uuid_value=str(U1)),
            geo=value(geo_value=P.GeoCoordinate(latitude=52.52, longitude=13.405)),
            phone=value(
                phone_value=P.PhoneNumber(
                    input="030 123",
                    default_country="DE",
                    country_code=49,
                    national=30123,
                    valid=True,
                    international_formatted="+49 30 123",
                    national_formatted="030 123",
                )
            ),
            blob=value(blob_value="aGk="),
            null=value(null_value=0),
            empty=P.Value(),
            obj=value(
                object_value=props(inner=value(int_value=1), deeper=value(object_value=props()))
            ),
        )
    )
    assert decoded["text"] == "hi"
    assert decoded["int"] == -3
    assert decoded["number"] == 1.5
    assert decoded["bool"] is True
    assert decoded["date"] == datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=timezone.utc)
    assert decoded["uuid"] == U1
    assert decoded["geo"] == GeoCoordinate(latitude=52.52, longitude=13.405)
    assert decoded["phone"] == PhoneNumber(
        input="030 123",
        default_country="DE",
        country_code=49,
        national=30123,
        national_formatted="030 123",
        international_formatted="+49 30 123",
        valid=True,
    )
    assert decoded["blob"] == "aGk="
    assert decoded["null"] is None and decoded["empty"] is None
    assert decoded["obj"] == {"inner": 1, "deeper": {}}


def test_list_property_values() -> None:
    lv = P.ListValue
    decoded = decode_properties(
        props(
            texts=value(list_value=lv(text_values=P.TextValues(values=["a", "b"]))),
            ints=value(list_value=lv(int_values=P.IntValues(values=struct.pack("<2q", 1, -2)))),
            numbers=value(
                list_value=lv(number_values=P.NumberValues(values=struct.pack("<2d", 0.5, 2.0)))
            ),
            bools=value(list_value=lv(bool_values=P.BoolValues(values=[True, False]))),
            dates=value(list_value=lv(date_values=P.DateValues(values=["2020-01-01T00:00:00Z"]))),
            uuids=value(list_value=lv(uuid_values=P.UuidValues(values=[str(U2)]))),
            objects=value(
                list_value=lv(object_values=P.ObjectValues(values=[props(h=value(text_value="x"))]))
            ),
            nothing=value(list_value=lv()),
        )
    )
    assert decoded == {
        "texts": ["a", "b"],
        "ints": [1, -2],
        "numbers": [0.5, 2.0],
        "bools": [True, False],
        "dates": [datetime(2020, 1, 1, tzinfo=timezone.utc)],
        "uuids": [U2],
        "objects": [{"h": "x"}],
        "nothing": [],
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02T03:04:05Z", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("2024-01-02T03:04:05.1Z", datetime(2024, 1, 2, 3, 4, 5, 100000, tzinfo=timezone.utc)),
        (
            "2024-01-02T03:04:05.123+02:00",
            datetime.fromisoformat("2024-01-02T03:04:05.123000+02:00"),
        ),
        ("2024-01-02T03:04:05", datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)),
        ("garbage", "garbage"),
    ],
)
def test_parse_date(text: str, expected: object) -> None:
    assert parse_date(text) == expected


def test_metadata_and_vectors() -> None:
    reply = search_get_pb2.SearchReply(
        results=[
            result(
                distance=0.25,
                distance_present=True,
                certainty=0.75,
                certainty_present=True,
                score=1.5,
                score_present=True,
                explain_score="why",
                explain_score_present=True,
                is_consistent=True,
                is_consistent_present=True,
                rerank_score=0.5,
                rerank_score_present=True,
                creation_time_unix=1_700_000_000_000,
                creation_time_unix_present=True,
                last_update_time_unix=1_700_000_000_000_000_000,
                last_update_time_unix_present=True,
                vector_bytes=pack_single([1.0, 2.0]),
            ),
            result(
                U2,
                distance=0.5,
                vectors=[
                    base_pb2.Vectors(
                        name="a",
                        vector_bytes=pack_single([0.5]),
                        type=base_pb2.Vectors.VECTOR_TYPE_SINGLE_FP32,
                    ),
                    base_pb2.Vectors(
                        name="m",
                        vector_bytes=pack_multi([[1.0, 2.0], [3.0, 4.0]]),
                        type=base_pb2.Vectors.VECTOR_TYPE_MULTI_FP32,
                    ),
                    base_pb2.Vectors(name="", vector_bytes=pack_single([9.0])),
                ],
            ),
        ]
    )
    parsed = parse_reply(reply)
    assert type(parsed) is QueryResult and parsed.groups == {}
    first, second = parsed.objects
    assert first.uuid == U1 and first.collection == "Article"
    m = first.metadata
    assert (m.distance, m.certainty, m.score, m.explain_score) == (0.25, 0.75, 1.5, "why")
    assert (m.is_consistent, m.rerank_score) == (True, 0.5)
    expected_time = datetime.fromtimestamp(1_700_000_000, tz=timezone.utc)
    assert m.creation_time == expected_time and m.last_update_time == expected_time
    assert first.vector == {"default": [1.0, 2.0]}
    assert second.metadata.distance is None  # not marked present
    assert second.vector == {"a": [0.5], "m": [[1.0, 2.0], [3.0, 4.0]], "default": [9.0]}
    assert first.references == {} and first.generated is None
    assert len(parsed) == 2 and list(parsed) == parsed.objects


def test_uuid_from_text_when_bytes_are_missing() -> None:
    res = search_get_pb2.SearchResult(metadata=search_get_pb2.MetadataResult(id=str(U2)))
    assert parse_reply(search_get_pb2.SearchReply(results=[res])).objects[0].uuid == U2


def test_references_nested() -> None:
    inner = search_get_pb2.PropertiesResult(
        target_collection="Author",
        non_ref_props=props(name=value(text_value="Ada")),
        metadata=search_get_pb2.MetadataResult(id_as_bytes=U2.bytes),
    )
    middle = search_get_pb2.PropertiesResult(
        target_collection="Article",
        non_ref_props=props(title=value(text_value="B")),
        metadata=search_get_pb2.MetadataResult(
            id_as_bytes=U1.bytes, distance=0.1, distance_present=True
        ),
        ref_props=[search_get_pb2.RefPropertiesResult(prop_name="author", properties=[inner])],
    )
    top = result()
    top.properties.ref_props.append(
        search_get_pb2.RefPropertiesResult(prop_name="cites", properties=[middle])
    )
    top.properties.ref_props_requested = True
    obj = parse_reply(search_get_pb2.SearchReply(results=[top])).objects[0]
    (cited,) = obj.references["cites"].objects
    assert cited.collection == "Article" and cited.properties == {"title": "B"}
    assert cited.metadata.distance == pytest.approx(0.1)
    assert obj.references["cites"].uuids == [U1] and len(obj.references["cites"]) == 1
    assert cited.references["author"].objects[0].properties == {"name": "Ada"}


def test_generative_single_and_grouped() -> None:
    res = result()
    res.generative.values.append(
        generative_pb2.GenerativeReply(
            result="hello",
            debug=generative_pb2.GenerativeDebug(full_prompt="say hello"),
            metadata=generative_pb2.GenerativeMetadata(
                openai=generative_pb2.GenerativeOpenAIMetadata(
                    usage=generative_pb2.GenerativeOpenAIMetadata.Usage(total_tokens=7)
                )
            ),
        )
    )
    reply = search_get_pb2.SearchReply(
        results=[res],
        generative_grouped_results=generative_pb2.GenerativeResult(
            values=[generative_pb2.GenerativeReply(result="all")]
        ),
    )
    parsed = parse_reply(reply)
    obj = parsed.objects[0]
    assert obj.generated == "hello"
    assert obj.generative is not None and obj.generative.debug == "say hello"
    assert obj.generative.metadata == {"openai": {"usage": {"total_tokens": 7}}}
    assert parsed.generated == "all"
    assert parsed.generative is not None and parsed.generative.metadata is None
    grouped_only = parse_reply(reply, single_prompt=False)
    assert grouped_only.objects[0].generated is None
    legacy = search_get_pb2.SearchReply(
        results=[result(generative="old", generative_present=True)],
        generative_grouped_result="old all",
    )
    parsed_legacy = parse_reply(legacy)
    assert parsed_legacy.objects[0].generated == "old"
    assert parsed_legacy.generated == "old all"
    assert parse_reply(search_get_pb2.SearchReply()).generated is None


def test_group_by_reply() -> None:
    group = search_get_pb2.GroupByResult(
        name="db",
        min_distance=0.1,
        max_distance=0.5,
        number_of_objects=2,
        objects=[result(U1), result(U2)],
        rerank=search_get_pb2.RerankReply(score=0.9),
        generative=generative_pb2.GenerativeReply(result="group text"),
    )
    other = search_get_pb2.GroupByResult(
        name="ml",
        objects=[result(UUID(int=3))],
        generative_result=generative_pb2.GenerativeResult(
            values=[generative_pb2.GenerativeReply(result="ml text")]
        ),
    )
    parsed = parse_reply(search_get_pb2.SearchReply(group_by_results=[group, other]), group_by=True)
    assert isinstance(parsed, GroupByResult)
    db = parsed.groups["db"]
    assert (db.name, db.number_of_objects, db.rerank_score) == ("db", 2, pytest.approx(0.9))
    assert db.min_distance == pytest.approx(0.1) and db.max_distance == pytest.approx(0.5)
    assert [o.uuid for o in db.objects] == [U1, U2]
    assert all(o.belongs_to_group == "db" for o in db.objects)
    assert db.generated == "group text"
    assert parsed.groups["ml"].generated == "ml text"
    assert parsed.groups["ml"].rerank_score is None
    assert [o.uuid for o in parsed.objects] == [U1, U2, UUID(int=3)]


def test_query_profile() -> None:
    profile = search_get_pb2.QueryProfile(
        shards=[
            search_get_pb2.QueryProfile.ShardProfile(
                name="s1",
                node="n1",
                searches={
                    "vector": search_get_pb2.QueryProfile.SearchProfile(details={"took": "1ms"})
                },
            )
        ]
    )
    parsed = parse_reply(search_get_pb2.SearchReply(query_profile=profile))
    assert parsed.query_profile is not None
    (shard,) = parsed.query_profile.shards
    assert (shard.name, shard.node, shard.searches) == ("s1", "n1", {"vector": {"took": "1ms"}})
    assert parse_reply(search_get_pb2.SearchReply()).query_profile is None


def test_vector_round_trips() -> None:
    vec = [0.5, -1.25, 3.0]
    assert unpack_single(pack_single(vec)) == vec
    assert pack_single((1, 2)) == struct.pack("<2f", 1.0, 2.0)
    rows = [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
    assert unpack_multi(pack_multi(rows)) == rows
    assert unpack_multi(b"") == []
    assert decode_float64s(struct.pack("<2d", 1.5, -2.0)) == [1.5, -2.0]
    assert decode_int64s(struct.pack("<q", -(2**62))) == [-(2**62)]
