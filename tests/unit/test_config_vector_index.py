"""Vector index and quantizer builders of weavorm.config."""

from __future__ import annotations

from typing import Any

import pytest

from weavorm.config import (
    DynamicIndex,
    FlatIndex,
    HFreshIndex,
    HnswIndex,
    MultiVector,
    Muvera,
    Quantizer,
    VectorDistance,
    VectorIndex,
)
from weavorm.config._vector_index import vector_index_from_json
from weavorm.errors import ConfigError

VI, Q = VectorIndex, Quantizer


def test_hnsw_all_options() -> None:
    index = VI.hnsw(
        distance="dot",
        ef=64,
        ef_construction=256,
        max_connections=16,
        dynamic_ef_min=50,
        dynamic_ef_max=300,
        dynamic_ef_factor=4,
        flat_search_cutoff=1000,
        cleanup_interval_seconds=60,
        vector_cache_max_objects=5000,
        filter_strategy="sweeping",
        skip=False,
    )
    assert index.index_type == "hnsw"
    assert index.to_dict() == {
        "distance": "dot",
        "ef": 64,
        "efConstruction": 256,
        "maxConnections": 16,
        "dynamicEfMin": 50,
        "dynamicEfMax": 300,
        "dynamicEfFactor": 4,
        "flatSearchCutoff": 1000,
        "cleanupIntervalSeconds": 60,
        "vectorCacheMaxObjects": 5000,
        "filterStrategy": "sweeping",
        "skip": False,
    }
    assert HnswIndex.from_dict(index.to_dict()) == index
    assert VI.hnsw().to_dict() == {}


@pytest.mark.parametrize(
    ("quantizer", "expected"),
    [
        (
            Q.pq(
                segments=4,
                centroids=128,
                training_limit=5000,
                encoder_type="tile",
                encoder_distribution="normal",
            ),
            {
                "pq": {
                    "enabled": True,
                    "segments": 4,
                    "centroids": 128,
                    "trainingLimit": 5000,
                    "encoder": {"type": "tile", "distribution": "normal"},
                }
            },
        ),
        (Q.bq(), {"bq": {"enabled": True}}),
        (
            Q.sq(training_limit=1000, rescore_limit=50),
            {"sq": {"enabled": True, "trainingLimit": 1000, "rescoreLimit": 50}},
        ),
        (Q.rq(), {"rq": {"enabled": True}}),
        (
            Q.rq(bits=1, rescore_limit=256),
            {"rq": {"enabled": True, "bits": 1, "rescoreLimit": 256}},
        ),
        (
            Q.rq(bits=4, centering=True, training_limit=500),
            {"rq": {"enabled": True, "bits": 4, "centering": True, "trainingLimit": 500}},
        ),
        (Q.none(), {"skipDefaultQuantization": True}),
    ],
)
def test_hnsw_quantizers(quantizer: Any, expected: dict[str, Any]) -> None:
    index = VI.hnsw(quantizer=quantizer)
    assert index.to_dict() == expected
    assert HnswIndex.from_dict(index.to_dict()) == index


def test_flat() -> None:
    index = VI.flat(
        distance="l2-squared",
        vector_cache_max_objects=10,
        quantizer=Q.bq(cache=True, rescore_limit=100),
    )
    assert index.to_dict() == {
        "distance": "l2-squared",
        "vectorCacheMaxObjects": 10,
        "bq": {"enabled": True, "cache": True, "rescoreLimit": 100},
    }
    assert FlatIndex.from_dict(index.to_dict()) == index
    rq = VI.flat(quantizer=Q.rq(bits=1, cache=True))
    assert rq.to_dict() == {"rq": {"enabled": True, "bits": 1, "cache": True}}
    assert FlatIndex.from_dict(rq.to_dict()) == rq


def test_dynamic() -> None:
    index = VI.dynamic(
        distance="dot",
        threshold=500,
        hnsw=VI.hnsw(ef_construction=64, quantizer=Q.pq()),
        flat=VI.flat(quantizer=Q.bq(cache=True)),
    )
    assert index.to_dict() == {
        "distance": "dot",
        "threshold": 500,
        "hnsw": {"distance": "dot", "efConstruction": 64, "pq": {"enabled": True}},
        "flat": {"distance": "dot", "bq": {"enabled": True, "cache": True}},
    }
    parsed = DynamicIndex.from_dict(index.to_dict())
    assert parsed.threshold == 500
    assert parsed.hnsw is not None and parsed.hnsw.quantizer == Q.pq()


def test_hfresh() -> None:
    index = VI.hfresh(
        distance="l2-squared",
        max_posting_size_kb=64,
        replicas=3,
        search_probe=100,
        quantizer=Q.rq(bits=1, rescore_limit=200),
    )
    assert index.to_dict() == {
        "distance": "l2-squared",
        "maxPostingSizeKB": 64,
        "replicas": 3,
        "searchProbe": 100,
        "rq": {"enabled": True, "bits": 1, "rescoreLimit": 200},
    }
    assert HFreshIndex.from_dict(index.to_dict()) == index


def test_multi_vector() -> None:
    index = VI.hnsw(multi_vector=MultiVector(muvera=Muvera(ksim=3, dprojections=8, repetitions=5)))
    assert index.multi_vector_enabled
    assert index.to_dict() == {
        "multivector": {
            "enabled": True,
            "aggregation": "maxSim",
            "muvera": {"enabled": True, "ksim": 3, "dprojections": 8, "repetitions": 5},
        }
    }
    assert HnswIndex.from_dict(index.to_dict()) == index
    assert VI.hnsw(multi_vector=MultiVector()).to_dict() == {
        "multivector": {"enabled": True, "aggregation": "maxSim"}
    }


@pytest.mark.parametrize("distance", list(VectorDistance))
def test_distances(distance: VectorDistance) -> None:
    assert VI.hnsw(distance=distance).to_dict() == {"distance": distance.value}
    assert VI.flat(distance=distance.value).distance is distance


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (
            lambda: VI.hnsw(distance="euclid"),  # type: ignore[arg-type]
            "invalid distance 'euclid'; valid choices are "
            "'cosine', 'dot', 'l2-squared', 'hamming', 'manhattan'",
        ),
        (lambda: VI.hnsw(ef=0), "ef must be -1"),
        (lambda: VI.hnsw(ef=-5), "ef must be >= -1"),
        (lambda: VI.hnsw(ef_construction=2), "ef_construction must be >= 4"),
        (lambda: VI.hnsw(max_connections=3000), "max_connections must be <= 2047"),
        (lambda: VI.hnsw(dynamic_ef_min=10, dynamic_ef_max=5), "must not exceed"),
        (lambda: VI.hnsw(vector_cache_max_objects=-1), ">= 0"),
        (lambda: VI.hnsw(filter_strategy="fast"), "'sweeping', 'acorn'"),  # type: ignore[arg-type]
        (
            lambda: VI.hnsw(quantizer=Q.bq(cache=True)),
            "'cache' option of the 'bq' quantizer is not supported by the 'hnsw'",
        ),
        (lambda: VI.hnsw(quantizer=Q.rq(cache=True)), "'cache' option"),
        (lambda: VI.hnsw(quantizer="pq"), "Quantizer.pq/bq/sq/rq/none"),  # type: ignore[arg-type]
        (lambda: VI.flat(quantizer=Q.pq()), "'pq' quantizer is not supported by the 'flat'"),
        (lambda: VI.flat(quantizer=Q.sq()), "quantizers it supports: bq, rq"),
        (lambda: VI.flat(quantizer=Q.rq(bits=4)), "rq bits=4 is not supported by the 'flat'"),
        (lambda: VI.flat(quantizer=Q.rq(bits=4, centering=True)), "bits=4"),
        (lambda: VI.hfresh(distance="dot"), "'cosine', 'l2-squared'"),
        (lambda: VI.hfresh(quantizer=Q.bq()), "only supports Quantizer.rq(bits=1)"),  # type: ignore[arg-type]
        (lambda: VI.hfresh(quantizer=Q.rq(bits=8)), "valid choices are 1"),
        (lambda: VI.hfresh(max_posting_size_kb=4), "max_posting_size_kb must be >= 8"),
        (lambda: VI.hfresh(replicas=11), "replicas must be <= 10"),
        (lambda: VI.hfresh(quantizer=Q.none()), "only supports"),  # type: ignore[arg-type]
        (
            lambda: VI.dynamic(hnsw=VI.hnsw(multi_vector=MultiVector())),
            "not supported by the 'dynamic'",
        ),
        (lambda: VI.dynamic(distance="dot", flat=VI.flat(distance="cosine")), "differs"),
        (lambda: Q.pq(segments=-1), "pq segments must be >= 0"),
        (lambda: Q.pq(centroids=300), "pq centroids must be <= 256"),
        (lambda: Q.pq(encoder_type="x"), "'kmeans', 'tile'"),  # type: ignore[arg-type]
        (lambda: Q.pq(encoder_distribution="x"), "'log-normal', 'normal'"),  # type: ignore[arg-type]
        (lambda: Q.rq(bits=2), "valid choices are 1, 4, 8"),
        (lambda: Q.rq(bits=8, centering=True), "needs bits=4"),
        (lambda: Q.sq(rescore_limit=-1), "sq rescore_limit must be >= 0"),
        (lambda: Muvera(ksim=11), "muvera ksim must be <= 10"),
        (lambda: MultiVector(aggregation="sum"), "'maxSim'"),
    ],
)
def test_index_validation(call: Any, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        call()
    assert needle in str(info.value)


def test_parse_server_defaults() -> None:
    server = {
        "bq": {"enabled": False},
        "cleanupIntervalSeconds": 300,
        "distance": "cosine",
        "dynamicEfFactor": 8,
        "dynamicEfMax": 500,
        "dynamicEfMin": 100,
        "ef": -1,
        "efConstruction": 128,
        "filterStrategy": "acorn",
        "flatSearchCutoff": 40000,
        "maxConnections": 32,
        "multivector": {"aggregation": "maxSim", "enabled": False, "muvera": {"enabled": False}},
        "pq": {"enabled": False, "segments": 0},
        "rq": {
            "bits": 8,
            "centering": False,
            "enabled": True,
            "rescoreLimit": 20,
            "trainingLimit": 10000,
        },
        "skip": False,
        "skipDefaultQuantization": False,
        "sq": {"enabled": False},
        "trackDefaultQuantization": False,
        "vectorCacheMaxObjects": 1000000000000,
    }
    index = vector_index_from_json("hnsw", server)
    assert isinstance(index, HnswIndex)
    assert index.ef == -1 and index.max_connections == 32
    assert index.quantizer == Q.rq(bits=8, rescore_limit=20, centering=False, training_limit=10000)
    assert index.multi_vector is None
    flat = vector_index_from_json(
        "flat", {"bq": {"cache": False, "enabled": False, "rescoreLimit": -1}}
    )
    assert isinstance(flat, FlatIndex) and flat.quantizer is None
    fresh = vector_index_from_json(
        "hfresh",
        {
            "rq": {
                "bits": 1,
                "centering": False,
                "enabled": True,
                "rescoreLimit": 350,
                "trainingLimit": 0,
            }
        },
    )
    assert isinstance(fresh, HFreshIndex)
    assert fresh.quantizer == Q.rq(bits=1, rescore_limit=350)
    assert vector_index_from_json("unknown", {}) is None
