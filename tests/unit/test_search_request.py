"""SearchRequest building: every option lands in the right proto field."""

from __future__ import annotations

import base64
import struct
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from weavorm._proto.v1 import base_pb2, base_search_pb2, search_get_pb2
from weavorm.engine._protocol import search as build
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.vectors import pack_multi, pack_single
from weavorm.engine.boost import Boost
from weavorm.engine.filters import Filter
from weavorm.engine.options import (
    BM25Operator,
    Diversity,
    GroupBy,
    HybridFusion,
    HybridVector,
    MetadataQuery,
    Move,
    NearMediaType,
    NearVector,
    QueryNested,
    QueryReference,
    Rerank,
    Sort,
    TargetVectors,
)
from weavorm.errors import QueryError

CTX = CollectionContext(name="Article")
U1 = UUID(int=1)
V = base_pb2.Vectors


def request(**kwargs: Any) -> search_get_pb2.SearchRequest:
    return build.build_request(CTX, **kwargs)


def test_defaults() -> None:
    req = request()
    assert req.collection == "Article"
    assert req.uses_127_api is True
    assert req.tenant == ""
    assert not req.HasField("consistency_level")
    assert not req.HasField("properties")  # server default: all non-reference properties
    assert req.metadata.uuid is True and req.metadata.vector is False
    assert (req.limit, req.offset, req.autocut, req.after) == (0, 0, 0, "")
    assert not req.HasField("filters") and not req.HasField("group_by")


def test_scope_from_context() -> None:
    ctx = CTX.with_tenant("t1").with_consistency("quorum")
    req = build.build_request(ctx)
    assert req.tenant == "t1"
    assert req.consistency_level == base_pb2.CONSISTENCY_LEVEL_QUORUM
    for level, value in (("ONE", base_pb2.CONSISTENCY_LEVEL_ONE), ("ALL", 3)):
        assert build.build_request(CTX.with_consistency(level)).consistency_level == value


def test_paging_sort_filters_group_rerank() -> None:
    req = request(
        limit=5,
        offset=2,
        auto_limit=1,
        after=str(U1),
        sort=Sort.by_property("year", ascending=False).by_id().by_creation_time(),
        filters=Filter.by_property("year").greater_than(2000),
        group_by=GroupBy("tags", number_of_groups=3, objects_per_group=2),
        rerank=Rerank("title", query="q"),
    )
    assert (req.limit, req.offset, req.autocut, req.after) == (5, 2, 1, str(U1))
    assert [(s.path[0], s.ascending) for s in req.sort_by] == [
        ("year", False),
        ("_id", True),
        ("_creationTimeUnix", True),
    ]
    assert req.filters.target.property == "year"
    assert (list(req.group_by.path), req.group_by.number_of_groups) == (["tags"], 3)
    assert req.group_by.objects_per_group == 2
    assert (req.rerank.property, req.rerank.query) == ("title", "q")
    assert not request(rerank=Rerank("body")).rerank.HasField("query")
    assert request(sort=Sort.by_update_time()).sort_by[0].path == ["_lastUpdateTimeUnix"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"limit": -1},
        {"limit": 1.5},
        {"offset": True},
        {"auto_limit": -1},
        {"after": "nope"},
        {"sort": "year"},
        {"group_by": "tags"},
        {"rerank": "title"},
        {"boost": 1},
        {"filters": "x"},
        {"return_metadata": ["nope"]},
        {"return_metadata": 3},
        {"return_properties": 3},
        {"return_properties": [""]},
        {"return_references": ["author"]},
        {"include_vector": [1]},
    ],
)
def test_invalid_options(kwargs: dict[str, Any]) -> None:
    with pytest.raises(QueryError):
        request(**kwargs)


def test_metadata_request() -> None:
    full = request(return_metadata=MetadataQuery.full()).metadata
    assert full.creation_time_unix and full.last_update_time_unix
    assert full.distance and full.certainty and full.score
    assert full.explain_score and full.is_consistent and not full.query_profile
    listed = request(return_metadata=["distance", "query_profile"]).metadata
    assert listed.distance and listed.query_profile and not listed.score
    assert request(return_metadata="score").metadata.score
    assert request(include_vector=True).metadata.vector
    named = request(include_vector=["a", "b"]).metadata
    assert list(named.vectors) == ["a", "b"] and not named.vector
    assert list(request(include_vector="a").metadata.vectors) == ["a"]


def test_properties_request() -> None:
    props = request(
        return_properties=[
            "title",
            QueryNested("meta", ["lang", QueryNested("source", "name")]),
        ]
    ).properties
    assert list(props.non_ref_properties) == ["title"]
    assert not props.return_all_nonref_properties
    (meta,) = props.object_properties
    assert meta.prop_name == "meta" and list(meta.primitive_properties) == ["lang"]
    assert meta.object_properties[0].prop_name == "source"
    assert list(meta.object_properties[0].primitive_properties) == ["name"]
    assert request(return_properties="title").properties.non_ref_properties == ["title"]
    for nothing in (False, []):
        empty = request(return_properties=nothing).properties
        assert empty == search_get_pb2.PropertiesRequest()
    assert not request(return_properties=True).HasField("properties")


def test_reference_request() -> None:
    props = request(
        return_references=[
            QueryReference("author", return_properties=["name"], include_vector=True),
            QueryReference.multi_target(
                "cites",
                "Article",
                return_metadata=MetadataQuery(distance=True),
                return_references=QueryReference("author"),
            ),
        ]
    ).properties
    assert props.return_all_nonref_properties
    author, cites = props.ref_properties
    assert author.reference_property == "author"
    assert list(author.properties.non_ref_properties) == ["name"]
    assert author.metadata.uuid and author.metadata.vector
    assert author.target_collection == ""
    assert cites.target_collection == "Article"
    assert cites.metadata.distance
    assert cites.properties.return_all_nonref_properties
    assert cites.properties.ref_properties[0].reference_property == "author"
    assert cites.properties.ref_properties[0].properties.return_all_nonref_properties
    none_props = request(
        return_properties=False, return_references=QueryReference("a", return_properties=False)
    ).properties
    assert not none_props.return_all_nonref_properties
    assert not none_props.ref_properties[0].properties.return_all_nonref_properties


# ----------------------------------------------------------------------------- near_vector


def test_near_vector_single_and_multi() -> None:
    single = build.near_vector_message([1.0, 2.0], certainty=0.5)
    (vec,) = single.vectors
    assert vec.type == V.VECTOR_TYPE_SINGLE_FP32
    assert vec.vector_bytes == struct.pack("<2f", 1.0, 2.0)
    assert single.certainty == 0.5 and not single.HasField("distance")
    assert not single.HasField("targets")
    named = build.near_vector_message([1, 2], target_vector="a", distance=0.3)
    assert list(named.targets.target_vectors) == ["a"]
    assert named.distance == pytest.approx(0.3)
    multi = build.near_vector_message([[1.0, 2.0], [3.0, 4.0]], target_vector="m")
    assert multi.vectors[0].type == V.VECTOR_TYPE_MULTI_FP32
    assert multi.vectors[0].vector_bytes == struct.pack("<H4f", 2, 1.0, 2.0, 3.0, 4.0)


def test_near_vector_per_target() -> None:
    msg = build.near_vector_message(
        {"a": [1.0], "b": [[1.0, 2.0]], "c": NearVector.list_of_vectors([1.0], [2.0])}
    )
    assert [v.name for v in msg.vector_for_targets] == ["a", "b", "c"]
    assert msg.vector_for_targets[0].vectors[0].name == "a"
    assert msg.vector_for_targets[1].vectors[0].type == V.VECTOR_TYPE_MULTI_FP32
    assert len(msg.vector_for_targets[2].vectors) == 2
    assert list(msg.targets.target_vectors) == ["a", "b", "c"]
    assert not msg.vectors


@pytest.mark.parametrize(
    ("join", "combination", "targets", "weights"),
    [
        (TargetVectors.sum(["a", "b"]), "COMBINATION_METHOD_TYPE_SUM", ["a", "b"], []),
        (TargetVectors.average(["a", "b"]), "COMBINATION_METHOD_TYPE_AVERAGE", ["a", "b"], []),
        (TargetVectors.minimum(["a", "b"]), "COMBINATION_METHOD_TYPE_MIN", ["a", "b"], []),
        (
            TargetVectors.manual_weights({"a": 0.5, "b": [1.0, 2.0]}),
            "COMBINATION_METHOD_TYPE_MANUAL",
            ["a", "b", "b"],
            [0.5, 1.0, 2.0],
        ),
        (
            TargetVectors.relative_score({"a": 1, "b": 2}),
            "COMBINATION_METHOD_TYPE_RELATIVE_SCORE",
            ["a", "b"],
            [1.0, 2.0],
        ),
    ],
)
def test_target_vector_joins(
    join: Any, combination: str, targets: list[str], weights: list[float]
) -> None:
    msg = build.near_vector_message([1.0, 2.0], target_vector=join)
    assert msg.targets.combination == base_search_pb2.CombinationMethod.Value(combination)
    assert list(msg.targets.target_vectors) == targets
    assert [w.weight for w in msg.targets.weights_for_targets] == weights
    assert [w.target for w in msg.targets.weights_for_targets] == (targets if weights else [])
    per_target = build.near_vector_message({"a": [1.0], "b": [2.0]}, target_vector=join)
    assert per_target.targets.combination == msg.targets.combination


@pytest.mark.parametrize(
    ("vector", "target"),
    [
        ([], None),
        ("abc", None),
        ([1.0, "x"], None),
        ([[1.0], [1.0, 2.0]], None),
        ({}, None),
        ({"a": [1.0]}, "b"),
        ({"a": [1.0]}, TargetVectors.sum(["a", "b"])),
        ({"": [1.0]}, None),
        ([1.0], [3]),
    ],
)
def test_near_vector_invalid(vector: Any, target: Any) -> None:
    with pytest.raises(QueryError):
        build.near_vector_message(vector, target_vector=target)


def test_numpy_like_vectors_are_packed_without_loops() -> None:
    class FakeArray:
        def __init__(self, rows: list[list[float]] | list[float], ndim: int) -> None:
            self.rows, self.ndim = rows, ndim
            self.size = len(rows)
            self.shape = (len(rows), len(rows[0])) if ndim == 2 else (len(rows),)  # type: ignore[arg-type]

        def astype(self, dtype: str) -> FakeArray:
            assert dtype == "<f4"
            return self

        def tobytes(self) -> bytes:
            flat = [x for r in self.rows for x in r] if self.ndim == 2 else self.rows  # type: ignore[union-attr]
            return struct.pack(f"<{len(flat)}f", *flat)

        def __len__(self) -> int:
            return len(self.rows)

    assert pack_single(FakeArray([1.0, 2.0], 1)) == struct.pack("<2f", 1.0, 2.0)
    assert pack_multi(FakeArray([[1.0, 2.0]], 2)) == struct.pack("<H2f", 2, 1.0, 2.0)
    msg = build.near_vector_message(FakeArray([[1.0, 2.0]], 2))
    assert msg.vectors[0].type == V.VECTOR_TYPE_MULTI_FP32


# ----------------------------------------------------------------------------- other operators


def test_near_text_object_media() -> None:
    text = build.near_text_message(
        "cats",
        distance=0.2,
        move_to=Move(0.5, concepts="dogs"),
        move_away=Move(0.25, objects=[U1], concepts=["fish"]),
        target_vector=["a", "b"],
        diversity_selection=Diversity.mmr(limit=3, balance=0.2),
    )
    assert list(text.query) == ["cats"]
    assert (text.move_to.force, list(text.move_to.concepts)) == (0.5, ["dogs"])
    assert list(text.move_away.uuids) == [str(U1)]
    assert list(text.targets.target_vectors) == ["a", "b"]
    assert text.selection.mmr.limit == 3
    assert text.selection.mmr.balance == pytest.approx(0.2)
    assert list(build.near_text_message(["a", "b"]).query) == ["a", "b"]
    obj = build.near_object_message(str(U1), certainty=0.9)
    assert obj.id == str(U1) and obj.certainty == pytest.approx(0.9)
    field, image = build.near_media_message(b"\x89PNG", NearMediaType.IMAGE, target_vector="v")
    assert field == "near_image"
    assert image.image == base64.b64encode(b"\x89PNG").decode()  # type: ignore[attr-defined]
    for kind in ("audio", "video", "depth", "thermal", "imu"):
        name, message = build.near_media_message("aGk=", kind)
        assert name == f"near_{kind}"
        assert getattr(message, kind) == "aGk="


def test_media_inputs(tmp_path: Path) -> None:
    path = tmp_path / "x.bin"
    path.write_bytes(b"data")
    _, from_path = build.near_media_message(path, "image")
    assert from_path.image == base64.b64encode(b"data").decode()  # type: ignore[attr-defined]
    with path.open("rb") as handle:
        _, from_file = build.near_media_message(handle, "audio")
    assert from_file.audio == base64.b64encode(b"data").decode()  # type: ignore[attr-defined]
    for bad in ("not base64!", "", b"", tmp_path / "missing"):
        with pytest.raises(QueryError):
            build.near_media_message(bad, "image")
    with pytest.raises(QueryError):
        build.near_media_message("aGk=", "smell")


def test_bm25_and_operators() -> None:
    msg = build.bm25_message("q", query_properties=["title^2"], operator=BM25Operator.and_())
    assert (msg.query, list(msg.properties)) == ("q", ["title^2"])
    assert msg.search_operator.operator == base_search_pb2.SearchOperatorOptions.OPERATOR_AND
    or_ = build.bm25_message("q", operator=BM25Operator.or_(minimum_match=2)).search_operator
    assert or_.operator == base_search_pb2.SearchOperatorOptions.OPERATOR_OR
    assert or_.minimum_or_tokens_match == 2
    cross = build.bm25_message("q", operator=BM25Operator.and_cross()).search_operator
    assert cross.operator == base_search_pb2.SearchOperatorOptions.OPERATOR_AND_CROSS
    assert not build.bm25_message("q").HasField("search_operator")
    with pytest.raises(QueryError):
        build.bm25_message(3)  # type: ignore[arg-type]
    with pytest.raises(QueryError):
        BM25Operator.or_(minimum_match=0)


def test_hybrid() -> None:
    msg = build.hybrid_message(
        "q",
        alpha=0.25,
        query_properties=["title"],
        fusion_type=HybridFusion.RANKED,
        max_vector_distance=0.4,
        bm25_operator=BM25Operator.or_(minimum_match=1),
        target_vector="a",
    )
    assert (msg.query, list(msg.properties)) == ("q", ["title"])
    assert msg.alpha_param == 0.25 and msg.use_alpha_param
    assert msg.fusion_type == base_search_pb2.Hybrid.FUSION_TYPE_RANKED
    assert msg.vector_distance == pytest.approx(0.4)
    assert msg.bm25_search_operator.minimum_or_tokens_match == 1
    assert list(msg.targets.target_vectors) == ["a"]
    default = build.hybrid_message("q")
    # the server's default alpha (0.75) applies only when use_alpha_param is set
    assert not default.HasField("alpha_param") and default.use_alpha_param
    vector_only = build.hybrid_message(None, vector=[1.0, 2.0])
    assert vector_only.query == "" and vector_only.alpha_param == 1.0
    assert vector_only.vectors[0].vector_bytes == struct.pack("<2f", 1.0, 2.0)
    colbert = build.hybrid_message("q", vector=[[1.0], [2.0]])
    assert colbert.vectors[0].type == V.VECTOR_TYPE_MULTI_FP32
    near_text = build.hybrid_message(
        "q", vector=HybridVector.near_text("x", distance=0.5, move_to=Move(1, concepts="y"))
    )
    assert list(near_text.near_text.query) == ["x"]
    assert near_text.near_text.move_to.concepts == ["y"]
    near_vec = build.hybrid_message(
        "q",
        vector=HybridVector.near_vector({"a": [1.0], "b": [2.0]}, certainty=0.7),
        target_vector=TargetVectors.average(["a", "b"]),
    )
    assert [v.name for v in near_vec.near_vector.vector_for_targets] == ["a", "b"]
    assert near_vec.near_vector.certainty == pytest.approx(0.7)
    assert not near_vec.near_vector.HasField("targets")
    assert near_vec.targets.combination == base_search_pb2.COMBINATION_METHOD_TYPE_AVERAGE
    plain_dict = build.hybrid_message("q", vector={"a": [1.0]})
    assert list(plain_dict.targets.target_vectors) == ["a"]
    fusion = build.hybrid_message("q", fusion_type="FUSION_TYPE_RELATIVE_SCORE")  # type: ignore[arg-type]
    assert fusion.fusion_type == base_search_pb2.Hybrid.FUSION_TYPE_RELATIVE_SCORE
    assert build.hybrid_message(None) is None  # no query, no vector: no search (official)
    for bad in ({"alpha": 2.0}, {"fusion_type": "x"}, {"query": 1}, {"query": "\ud800"}):
        kwargs: dict[str, Any] = {"query": "q", **bad}
        with pytest.raises(QueryError):
            build.hybrid_message(**kwargs)


def test_boost() -> None:
    req = request(
        boost=Boost.blend(
            [
                Boost.filter(Filter.by_property("f").equal(True), weight=2.0),
                Boost.time_decay("when", scale="7d", offset="1d", curve=Boost.Curve.GAUSSIAN),
                Boost.numeric_decay("n", origin=5, scale=2, decay=0.3),
                Boost.numeric_property("pop", modifier=Boost.Modifier.LOG1P),
            ],
            weight=0.4,
            depth=50,
        )
    )
    boost = req.boost
    assert boost.weight == pytest.approx(0.4) and boost.depth == 50
    f, t, n, p = boost.conditions
    assert f.filter.target.property == "f" and f.weight == 2.0
    assert (t.time_decay.property, t.time_decay.origin, t.time_decay.scale) == ("when", "now", "7d")
    assert t.time_decay.offset == "1d"
    assert t.time_decay.curve == search_get_pb2.Boost.DECAY_CURVE_GAUSS
    assert (n.numeric_decay.origin, n.numeric_decay.scale) == (5.0, 2.0)
    assert n.numeric_decay.decay_value == pytest.approx(0.3)
    assert p.property_value.modifier == search_get_pb2.Boost.PROPERTY_VALUE_MODIFIER_LOG1P
    assert not p.HasField("weight")
    with pytest.raises(QueryError):
        Boost.blend([Boost.numeric_property("x", depth=3)])
    with pytest.raises(QueryError):
        Boost.filter("x")  # type: ignore[arg-type]
