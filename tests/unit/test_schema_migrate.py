"""Migration building blocks without a server: conversions, copy plans, updates, versions."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID, uuid4

import pytest

from weavorm.engine import results, types
from weavorm.errors import MigrationError
from weavorm.schema._convert import ConversionError, build_converter, normalize
from weavorm.schema._copy import Destination, _object, plan_destination
from weavorm.schema._live import LiveSchema
from weavorm.schema._migrate import _apply_update, _next_versions, _old_copy_json, _set_path
from weavorm.schema._plan import Operation

UTC = dt.timezone.utc


def prop(name: str, data_type: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "dataType": [data_type], **extra}


def conv(old: str, new: str, value: Any) -> Any:
    return build_converter(prop("p", old), prop("p", new), "C.p")(value)


# ---------------------------------------------------------------------- conversions


@pytest.mark.parametrize(
    ("old", "new", "value", "expected"),
    [
        ("int", "number", 3, 3.0),
        ("number", "int", 4.0, 4),
        ("int", "text", 12, "12"),
        ("number", "text", 2.5, "2.5"),
        ("number", "text", 2.0, "2"),
        ("boolean", "text", True, "true"),
        ("text", "int", " 42 ", 42),
        ("text", "number", "1.5", 1.5),
        ("text", "boolean", "False", False),
        (
            "text",
            "uuid",
            "6b1b3a4e-8f0c-5d3e-9a57-7765617661f1",
            UUID("6b1b3a4e-8f0c-5d3e-9a57-7765617661f1"),
        ),
        (
            "uuid",
            "text",
            UUID("6b1b3a4e-8f0c-5d3e-9a57-7765617661f1"),
            "6b1b3a4e-8f0c-5d3e-9a57-7765617661f1",
        ),
        ("text", "date", "2024-01-02T03:04:05Z", dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("date", "text", dt.datetime(2024, 1, 2, tzinfo=UTC), "2024-01-02T00:00:00+00:00"),
        ("text", "text[]", "a", ["a"]),
        ("int", "number[]", 1, [1.0]),
        ("int[]", "number[]", [1, 2], [1.0, 2.0]),
        ("text[]", "text", ["only"], "only"),
        ("text[]", "text", [], None),
        ("int[]", "text[]", [1, 2], ["1", "2"]),
    ],
)
def test_conversions(old: str, new: str, value: Any, expected: Any) -> None:
    assert conv(old, new, value) == expected


@pytest.mark.parametrize(
    ("old", "new", "value", "message"),
    [
        ("number", "int", 1.5, "not a whole number"),
        ("text", "int", "abc", "not an integer"),
        ("text", "number", "x", "not a number"),
        ("text", "boolean", "maybe", "not true or false"),
        ("text", "uuid", "nope", "not a UUID"),
        ("text", "date", "yesterday", "RFC 3339"),
        ("text[]", "text", ["a", "b"], "2 values"),
    ],
)
def test_value_failures(old: str, new: str, value: Any, message: str) -> None:
    with pytest.raises(ConversionError, match=message):
        conv(old, new, value)


def test_impossible_type_change() -> None:
    with pytest.raises(ConversionError, match="no conversion from 'geoCoordinates' to 'int'"):
        build_converter(prop("p", "geoCoordinates"), prop("p", "int"), "C.p")


def test_object_conversion_follows_nested_properties() -> None:
    old = prop("o", "object[]", nestedProperties=[prop("a", "int"), prop("gone", "text")])
    new = prop("o", "object[]", nestedProperties=[prop("a", "text"), prop("new", "int")])
    convert = build_converter(old, new, "C.o")
    assert convert([{"a": 1, "gone": "x"}, {"a": 2}]) == [{"a": "1"}, {"a": "2"}]
    single = build_converter(prop("o", "object", nestedProperties=[prop("a", "int")]), new, "C.o")
    assert single({"a": 5}) == [{"a": "5"}]


def test_normalize_read_values() -> None:
    phone = results.PhoneNumber(
        input="+31 20 123 4567",
        default_country="",
        country_code=31,
        national=201234567,
        national_formatted="020",
        international_formatted="+31",
        valid=True,
    )
    geo = results.GeoCoordinate(latitude=1.5, longitude=2.5)
    out = normalize({"p": phone, "g": geo, "n": None, "l": [{"x": None, "y": 1}]})
    assert out == {
        "p": types.PhoneNumber("+31 20 123 4567", None),
        "g": types.GeoCoordinate(1.5, 2.5),
        "l": [{"y": 1}],
    }


# ---------------------------------------------------------------------- copy plans


def klass(name: str, props: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"class": name, "properties": props, **extra}


def named(module: str, **settings: Any) -> dict[str, Any]:
    return {"vectorizer": {module: settings}, "vectorIndexType": "hnsw"}


def test_plan_destination_keeps_vectors_that_stay_valid() -> None:
    source = klass(
        "Doc",
        [prop("title", "text"), prop("body", "text"), prop("n", "int"), prop("r", "Doc")],
        vectorConfig={
            "t": named("text2vec-transformers", properties=["title"], vectorizeClassName=True),
            "b": named("text2vec-transformers", properties=["body"]),
            "all": named("text2vec-transformers"),
            "own": named("none"),
        },
    )
    dest = klass(
        "Doc_v2",
        [prop("title", "text"), prop("body", "text[]"), prop("n", "number"), prop("r", "Doc_v2")],
        vectorConfig={
            "t": named("text2vec-transformers", properties=["title"]),
            "b": named("text2vec-transformers", properties=["body"]),
            "all": named("text2vec-transformers"),
            "own": named("none"),
            "new": named("text2vec-transformers"),
        },
    )
    plan = plan_destination(source, dest, collection="Doc", target_names={"Doc": "Doc_v2"})
    assert plan.vectors == {"t", "own"}
    assert not plan.legacy
    assert [(s, d) for s, d, _ in plan.properties] == [
        ("title", "title"),
        ("body", "body"),
        ("n", "n"),
    ]
    assert plan.references == [("r", "r", {"Doc": "Doc_v2"}, False)]
    everything = plan_destination(
        source, dest, collection="Doc", target_names={}, keep_all_vectors=True
    )
    assert everything.vectors == {"t", "b", "all", "own"}


def test_plan_destination_changed_vectorizer_drops_the_vector() -> None:
    source = klass("Doc", [prop("title", "text")], vectorizer="text2vec-transformers")
    dest = klass("Doc_v2", [prop("title", "text")], vectorizer="text2vec-ollama")
    plan = plan_destination(source, dest, collection="Doc", target_names={})
    assert plan.legacy and plan.vectors == set()
    same = klass("Doc_v2", [prop("title", "text")], vectorizer="text2vec-transformers")
    assert plan_destination(source, same, collection="Doc", target_names={}).vectors == {"default"}


def test_plan_destination_refuses_impossible_conversions() -> None:
    source = klass("Doc", [prop("g", "geoCoordinates"), prop("x", "phoneNumber")])
    dest = klass("Doc_v2", [prop("g", "int"), prop("x", "text")])
    with pytest.raises(MigrationError, match=r"Doc\.g: no conversion") as info:
        plan_destination(source, dest, collection="Doc", target_names={})
    assert "Doc.x" in str(info.value)
    custom = plan_destination(
        source,
        dest,
        collection="Doc",
        target_names={},
        converters={"Doc.g": lambda v: 1, "Doc.x": lambda v: v.number},
    )
    assert len(custom.properties) == 2


def test_multi_target_references_are_mapped() -> None:
    source = klass("Doc", [prop("r", "A"), {"name": "m", "dataType": ["A", "B"]}])
    dest = klass("Doc_v2", [prop("r", "A_v2"), {"name": "m", "dataType": ["A_v2", "B"]}])
    plan = plan_destination(source, dest, collection="Doc", target_names={"A": "A_v2"})
    assert plan.references == [
        ("r", "r", {"A": "A_v2"}, False),
        ("m", "m", {"A": "A_v2", "B": "B"}, True),
    ]


def test_object_building_converts_and_reports_bad_values() -> None:
    dest = Destination(
        name="Doc_v2",
        properties=[("n", "n", build_converter(prop("n", "text"), prop("n", "int"), "Doc.n"))],
        vectors={"default"},
        legacy=True,
    )
    uid = uuid4()
    obj = results.Object(uuid=uid, properties={"n": "7", "x": 1}, vector={"default": [0.5]})
    built = _object(obj, dest, "Doc")
    assert built.properties == {"n": 7}
    assert built.uuid == uid
    assert built.vector == [0.5]
    bad = results.Object(uuid=uid, properties={"n": "seven"})
    with pytest.raises(MigrationError, match=f"object {uid} of Doc: cannot convert n='seven'"):
        _object(bad, dest, "Doc")
    named_dest = Destination(name="D", vectors={"a"})
    obj = results.Object(uuid=uid, vector={"a": [1.0], "b": [2.0]})
    assert _object(obj, named_dest, "Doc").vector == {"a": [1.0]}


# ---------------------------------------------------------------------- in-place updates


def test_set_path_merges_mappings() -> None:
    target: dict[str, Any] = {"a": {"rq": {"enabled": False, "bits": 8}}}
    _set_path(target, ("a", "rq"), {"enabled": True})
    _set_path(target, ("b", "c"), 3)
    assert target == {"a": {"rq": {"enabled": True, "bits": 8}}, "b": {"c": 3}}


def test_apply_update_operations() -> None:
    class_json: dict[str, Any] = {
        "class": "Doc",
        "properties": [{"name": "title", "dataType": ["text"]}],
        "moduleConfig": {"generative-openai": {"model": "a"}, "text2vec-x": {}},
    }
    ops = [
        Operation("add_named_vector", "Doc", "", True, payload={"vector": "v", "config": {"x": 1}}),
        Operation("update_config", "Doc", "", True, payload={"set": [(("p", "q"), 1)]}),
        Operation(
            "update_config",
            "Doc",
            "",
            True,
            payload={"module": ("generative-", "generative-cohere", {"model": "c"})},
        ),
        Operation("update_description", "Doc", "", True, payload={"description": "D"}),
        Operation(
            "update_description", "Doc", "", True, payload={"property_description": ("title", "T")}
        ),
    ]
    for op in ops:
        _apply_update(class_json, op)
    assert class_json["vectorConfig"] == {"v": {"x": 1}}
    assert class_json["p"] == {"q": 1}
    assert class_json["moduleConfig"] == {"text2vec-x": {}, "generative-cohere": {"model": "c"}}
    assert class_json["description"] == "D"
    assert class_json["properties"][0]["description"] == "T"


def test_version_numbers() -> None:
    live = LiveSchema(classes={"Doc": {}}, aliases={})
    assert _next_versions(live, "Doc", True) == ("Doc_v1", "Doc_v2")
    live = LiveSchema(classes={"Doc_v1": {}, "Doc_v2": {}}, aliases={"Doc": "Doc_v2"})
    assert _next_versions(live, "Doc", False) == (None, "Doc_v3")
    live = LiveSchema(classes={"Doc_v1": {}, "Doc_v5": {}}, aliases={"Doc": "Doc_v1"})
    assert _next_versions(live, "Doc", False) == (None, "Doc_v6")


def test_old_copy_json_drops_server_fields() -> None:
    source = {
        "class": "Doc",
        "shardingConfig": {"actualCount": 1, "desiredCount": 1, "virtualPerPhysical": 128},
        "replicationConfig": {"factor": 1, "asyncEnabled": False},
        "multiTenancyConfig": {"enabled": False},
    }
    out = _old_copy_json(source, "Doc_v1")
    assert out["class"] == "Doc_v1"
    assert out["shardingConfig"] == {"virtualPerPhysical": 128, "desiredCount": 1}
    assert out["replicationConfig"] == {"factor": 1}
    mt = _old_copy_json({**source, "multiTenancyConfig": {"enabled": True}}, "Doc_v1")
    assert "shardingConfig" not in mt
