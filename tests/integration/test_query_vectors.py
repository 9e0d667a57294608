"""Vector searches against a real server: named vectors, multi-target, multi-vector, media."""

from __future__ import annotations

from uuid import UUID

import pytest

from tests.integration.query_data import PNG_1PX, create_vectors, insert
from weavorm.engine import WeaviateClient
from weavorm.engine.collection import Collection
from weavorm.engine.filters import Filter
from weavorm.engine.options import (
    HybridVector,
    MetadataQuery,
    NearMediaType,
    NearVector,
    TargetVectors,
)
from weavorm.errors import UnprocessableError

pytestmark = pytest.mark.integration

X, Y, Z = (UUID(int=0xC000 + i) for i in range(3))


@pytest.fixture
def vectors(weaviate_client: WeaviateClient, collection_name: str) -> Collection:
    create_vectors(weaviate_client, collection_name)
    return weaviate_client.collections.get(collection_name)


def labels(result: object) -> list[str]:
    return [o.properties["label"] for o in result.objects]  # type: ignore[attr-defined]


def test_near_vector_unnamed(weaviate_client: WeaviateClient, collection_name: str) -> None:
    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "none",
            "properties": [{"name": "n", "dataType": ["int"]}],
        }
    )
    insert(
        weaviate_client,
        [
            {"class": collection_name, "properties": {"n": i}, "vector": [float(i), 1.0]}
            for i in range(1, 4)
        ],
    )
    col = weaviate_client.collections.get(collection_name)
    result = col.query.near_vector(
        [3.0, 1.0], limit=1, include_vector=True, return_metadata=MetadataQuery(distance=True)
    )
    assert result.objects[0].properties == {"n": 3}
    assert result.objects[0].vector == {"default": [3.0, 1.0]}
    assert result.objects[0].metadata.distance == pytest.approx(0, abs=1e-6)
    filtered = col.query.near_vector(
        [3.0, 1.0], filters=Filter.by_property("n").less_than(3), limit=1
    )
    assert filtered.objects[0].properties == {"n": 2}


def test_near_vector_named_target(vectors: Collection) -> None:
    result = vectors.query.near_vector([0.0, 1.0, 0.0], target_vector="a", limit=1)
    assert labels(result) == ["y"]
    other = vectors.query.near_vector([1.0, 0.0, 1.0], target_vector="b", limit=1)
    assert labels(other) == ["y"]
    far = vectors.query.near_vector(
        [0.0, 0.0, 1.0], target_vector="a", distance=0.5, return_metadata=["distance"]
    )
    assert labels(far) == ["z"]


def test_include_named_vectors(vectors: Collection) -> None:
    everything = vectors.query.fetch_object_by_id(X, include_vector=True)
    assert everything is not None
    assert everything.vector["a"] == [1.0, 0.0, 0.0]
    assert everything.vector["b"] == [0.0, 1.0, 1.0]
    assert everything.vector["m"] == [[1.0, 0.0, 0.0], [0.5, 0.5, 0.5]]
    only_b = vectors.query.fetch_objects(include_vector=["b"], limit=1)
    assert list(only_b.objects[0].vector) == ["b"]
    only_m = vectors.query.fetch_objects(include_vector="m", limit=1)
    assert list(only_m.objects[0].vector) == ["m"]


@pytest.mark.parametrize(
    "join",
    [
        TargetVectors.sum(["a", "b"]),
        TargetVectors.minimum(["a", "b"]),
        TargetVectors.average(["a", "b"]),
        TargetVectors.manual_weights({"a": 1.0, "b": 0.2}),
        TargetVectors.relative_score({"a": 0.7, "b": 0.3}),
    ],
    ids=["sum", "minimum", "average", "manual_weights", "relative_score"],
)
def test_near_vector_multi_target(vectors: Collection, join: object) -> None:
    same = vectors.query.near_vector(
        [0.0, 0.0, 1.0],
        target_vector=join,
        limit=3,
        return_metadata=["distance"],  # type: ignore[arg-type]
    )
    assert len(same.objects) == 3
    per_target = vectors.query.near_vector(
        {"a": [0.0, 0.0, 1.0], "b": [1.0, 1.0, 0.0]},
        target_vector=join,  # type: ignore[arg-type]
        limit=1,
        return_metadata=["distance"],
    )
    assert labels(per_target) == ["z"]
    assert per_target.objects[0].metadata.distance is not None


def test_near_vector_dict_targets_default_to_its_keys(vectors: Collection) -> None:
    result = vectors.query.near_vector({"a": [0.0, 1.0, 0.0], "b": [1.0, 0.0, 1.0]}, limit=1)
    assert labels(result) == ["y"]
    listed = vectors.query.near_vector(
        {"a": NearVector.list_of_vectors([0.0, 1.0, 0.0], [0.0, 0.9, 0.1])},
        target_vector=TargetVectors.sum(["a"]),
        limit=1,
    )
    assert labels(listed) == ["y"]


def test_near_vector_multi_vector(vectors: Collection) -> None:
    result = vectors.query.near_vector(
        [[0.0, 0.0, 1.0], [0.5, 0.5, 0.5]],
        target_vector="m",
        limit=1,
        return_metadata=MetadataQuery(distance=True),
    )
    assert labels(result) == ["z"]
    via_dict = vectors.query.near_vector({"m": [[0.0, 1.0, 0.0]]}, limit=1)
    assert labels(via_dict) == ["y"]


def test_near_object_named(vectors: Collection) -> None:
    result = vectors.query.near_object(Z, target_vector="a", limit=1)
    assert result.objects[0].uuid == Z


def test_hybrid_with_named_vectors(vectors: Collection) -> None:
    result = vectors.query.hybrid(None, vector=[0.0, 1.0, 0.0], target_vector="a", limit=1)
    assert labels(result) == ["y"]
    multi = vectors.query.hybrid(
        "x",
        vector=HybridVector.near_vector({"a": [0.0, 0.0, 1.0], "b": [1.0, 1.0, 0.0]}),
        target_vector=TargetVectors.average(["a", "b"]),
        alpha=1.0,
        limit=1,
    )
    assert labels(multi) == ["z"]
    colbert = vectors.query.hybrid(
        "", vector=[[1.0, 0.0, 0.0]], target_vector="m", alpha=1.0, limit=1
    )
    assert labels(colbert) == ["x"]


def test_near_image_and_media_reach_the_server(vectors: Collection) -> None:
    # No multi2vec module is enabled on the test server: the request is built and sent,
    # and the server's refusal comes back as UnprocessableError with its message.
    with pytest.raises(UnprocessableError) as info:
        vectors.query.near_image(PNG_1PX, target_vector="a")
    assert "nearImage" in info.value.message
    with pytest.raises(UnprocessableError) as info:
        vectors.query.near_media(PNG_1PX.encode(), NearMediaType.AUDIO, target_vector="a")
    assert "nearAudio" in info.value.message
