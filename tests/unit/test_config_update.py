"""Reconfigure + merge_update: updates of an existing class JSON (pure)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from weavorm.config import (
    AsyncReplication,
    Generative,
    ObjectTTL,
    Quantizer,
    Reconfigure,
    Reranker,
    VectorIndex,
    Vectors,
    merge_update,
)
from weavorm.errors import ConfigError

RC, Q = Reconfigure, Quantizer

HNSW_DEFAULTS: dict[str, Any] = {
    "bq": {"enabled": False},
    "distance": "cosine",
    "dynamicEfFactor": 8,
    "dynamicEfMax": 500,
    "dynamicEfMin": 100,
    "ef": -1,
    "efConstruction": 128,
    "filterStrategy": "acorn",
    "flatSearchCutoff": 40000,
    "maxConnections": 32,
    "pq": {"enabled": False, "segments": 0},
    "rq": {"bits": 8, "centering": False, "enabled": False, "rescoreLimit": 20},
    "skip": False,
    "sq": {"enabled": False, "rescoreLimit": 20, "trainingLimit": 100000},
    "vectorCacheMaxObjects": 1000000000000,
}
FLAT_DEFAULTS: dict[str, Any] = {
    "bq": {"cache": False, "enabled": True, "rescoreLimit": -1},
    "distance": "cosine",
    "rq": {"bits": 8, "cache": False, "enabled": False, "rescoreLimit": -1},
    "vectorCacheMaxObjects": 1000000000000,
}


def existing() -> dict[str, Any]:
    rq_hnsw = copy.deepcopy(HNSW_DEFAULTS)
    rq_hnsw["rq"]["enabled"] = True
    return {
        "class": "Doc",
        "description": "old",
        "properties": [
            {"name": "title", "dataType": ["text"], "description": "t"},
            {
                "name": "meta",
                "dataType": ["object"],
                "nestedProperties": [{"name": "a", "dataType": ["text"]}],
            },
            {"name": "when", "dataType": ["date"], "indexFilterable": True},
        ],
        "invertedIndexConfig": {
            "bm25": {"b": 0.75, "k1": 1.2},
            "cleanupIntervalSeconds": 60,
            "indexTimestamps": False,
            "stopwords": {"additions": None, "preset": "en", "removals": ["a"]},
        },
        "multiTenancyConfig": {
            "enabled": False,
            "autoTenantCreation": False,
            "autoTenantActivation": False,
        },
        "replicationConfig": {"factor": 1, "deletionStrategy": "TimeBasedResolution"},
        "moduleConfig": {"generative-openai": {"model": "a"}, "reranker-cohere": {}},
        "vectorConfig": {
            "h": {
                "vectorizer": {"none": {}},
                "vectorIndexType": "hnsw",
                "vectorIndexConfig": copy.deepcopy(HNSW_DEFAULTS),
            },
            "r": {
                "vectorizer": {"none": {}},
                "vectorIndexType": "hnsw",
                "vectorIndexConfig": rq_hnsw,
            },
            "f": {
                "vectorizer": {"none": {}},
                "vectorIndexType": "flat",
                "vectorIndexConfig": copy.deepcopy(FLAT_DEFAULTS),
            },
            "d": {
                "vectorizer": {"none": {}},
                "vectorIndexType": "dynamic",
                "vectorIndexConfig": {
                    "distance": "cosine",
                    "threshold": 10000,
                    "hnsw": copy.deepcopy(HNSW_DEFAULTS),
                    "flat": copy.deepcopy(FLAT_DEFAULTS),
                },
            },
            "x": {
                "vectorizer": {"none": {}},
                "vectorIndexType": "hfresh",
                "vectorIndexConfig": {
                    "distance": "cosine",
                    "maxPostingSizeKB": 48,
                    "replicas": 4,
                    "rq": {"bits": 1, "enabled": True, "rescoreLimit": 350},
                    "searchProbe": 256,
                },
            },
        },
    }


def test_input_is_not_modified_and_nothing_changes_without_changes() -> None:
    before = existing()
    out = merge_update(before)
    assert out == existing()
    assert before == existing()


def test_descriptions() -> None:
    out = merge_update(
        existing(), description="new", property_descriptions={"title": "T", "meta.a": "A"}
    )
    assert out["description"] == "new"
    assert out["properties"][0]["description"] == "T"
    assert out["properties"][1]["nestedProperties"][0]["description"] == "A"
    with pytest.raises(
        ConfigError, match="unknown property 'titel'; valid choices are 'title', 'meta', 'when'"
    ):
        merge_update(existing(), property_descriptions={"titel": "x"})


def test_inverted_index() -> None:
    out = merge_update(
        existing(),
        inverted_index=RC.inverted_index(
            bm25_k1=1.5,
            stopwords_preset="none",
            stopwords_additions=["x"],
            stopword_presets={"p": ["w"]},
            cleanup_interval_seconds=30,
        ),
    )
    inverted = out["invertedIndexConfig"]
    assert inverted["bm25"] == {"b": 0.75, "k1": 1.5}
    assert inverted["stopwords"] == {"additions": ["x"], "preset": "none", "removals": ["a"]}
    assert inverted["stopwordPresets"] == {"p": ["w"]}
    assert inverted["cleanupIntervalSeconds"] == 30
    with pytest.raises(ConfigError, match="stopword 'a' would be in both"):
        merge_update(existing(), inverted_index=RC.inverted_index(stopwords_additions=["a"]))
    with pytest.raises(ConfigError, match=r"bm25_b must be <= 1\.0"):
        RC.inverted_index(bm25_b=3)


def test_hnsw_update_and_quantizer_enabling() -> None:
    out = merge_update(
        existing(),
        vectors={
            "h": RC.vector_index(
                ef=77,
                dynamic_ef_min=10,
                dynamic_ef_max=20,
                flat_search_cutoff=5,
                vector_cache_max_objects=10,
                filter_strategy="sweeping",
                skip=True,
                quantizer=Q.sq(rescore_limit=7),
            ),
            "r": RC.vector_index(quantizer=Q.rq(bits=8, rescore_limit=99)),
        },
    )
    h = out["vectorConfig"]["h"]["vectorIndexConfig"]
    assert (h["ef"], h["dynamicEfMin"], h["dynamicEfMax"], h["filterStrategy"], h["skip"]) == (
        77,
        10,
        20,
        "sweeping",
        True,
    )
    assert h["sq"] == {"enabled": True, "rescoreLimit": 7, "trainingLimit": 100000}
    assert h["efConstruction"] == 128  # untouched
    assert out["vectorConfig"]["r"]["vectorIndexConfig"]["rq"]["rescoreLimit"] == 99


def test_flat_dynamic_hfresh_updates() -> None:
    out = merge_update(
        existing(),
        vectors={
            "f": RC.vector_index(
                vector_cache_max_objects=5, quantizer=Q.bq(cache=True, rescore_limit=9)
            ),
            "d": RC.vector_index(
                threshold=42,
                hnsw=RC.vector_index(ef=33, quantizer=Q.pq()),
                flat=RC.vector_index(vector_cache_max_objects=5),
            ),
            "x": RC.vector_index(
                search_probe=64, max_posting_size_kb=32, quantizer=Q.rq(bits=1, rescore_limit=100)
            ),
        },
    )
    f = out["vectorConfig"]["f"]["vectorIndexConfig"]
    assert (
        f["bq"] == {"cache": True, "enabled": True, "rescoreLimit": 9}
        and f["vectorCacheMaxObjects"] == 5
    )
    d = out["vectorConfig"]["d"]["vectorIndexConfig"]
    assert d["threshold"] == 42 and d["hnsw"]["ef"] == 33 and d["hnsw"]["pq"]["enabled"] is True
    assert d["flat"]["vectorCacheMaxObjects"] == 5
    x = out["vectorConfig"]["x"]["vectorIndexConfig"]
    assert (x["searchProbe"], x["maxPostingSizeKB"], x["rq"]["rescoreLimit"]) == (64, 32, 100)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        (
            {"vectors": {"r": RC.vector_index(quantizer=Q.pq())}},
            "already uses the 'rq' quantizer; it cannot be switched to 'pq'",
        ),
        (
            {"vectors": {"r": RC.vector_index(quantizer=Q.rq(bits=1))}},
            "rq bits is immutable: the index has 8, got 1",
        ),
        ({"vectors": {"f": RC.vector_index(quantizer=Q.rq())}}, "already uses the 'bq' quantizer"),
        (
            {"vectors": {"f": RC.vector_index(ef=5)}},
            "ef cannot be changed on a 'flat' index; "
            "changeable settings are vector_cache_max_objects",
        ),
        (
            {"vectors": {"x": RC.vector_index(ef=5)}},
            "changeable settings are search_probe, max_posting_size_kb",
        ),
        (
            {"vectors": {"h": RC.vector_index(threshold=5)}},
            "threshold cannot be changed on a 'hnsw' index",
        ),
        (
            {"vectors": {"h": RC.vector_index(hnsw=RC.vector_index(ef=3))}},
            "only apply to a 'dynamic' index",
        ),
        (
            {"vectors": {"d": RC.vector_index(quantizer=Q.bq())}},
            "set the quantizer of a dynamic index on its stages",
        ),
        (
            {"vectors": {"h": RC.vector_index(dynamic_ef_min=600)}},
            "must not exceed dynamic_ef_max (500)",
        ),
        (
            {"vectors": {"nope": RC.vector_index(ef=5)}},
            "no named vector 'nope'; valid choices are 'h', 'r', 'f', 'd', 'x'",
        ),
        ({"vector_index": RC.vector_index(ef=5)}, "has no collection-level vector index"),
        ({"add_vectors": [Vectors.self_provided("h")]}, "already has a named vector 'h'"),
        ({"multi_tenancy": RC.multi_tenancy(auto_tenant_creation=True)}, "is not multi-tenant"),
        ({"object_ttl": ObjectTTL.delete_by_update_time(60)}, "needs indexed timestamps"),
        ({"object_ttl": ObjectTTL.delete_by_date_property("title")}, "date properties: 'when'"),
        ({"generative": Reranker.cohere()}, "must be a GenerativeConfig"),
    ],
)
def test_refused_updates(kwargs: dict[str, Any], needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        merge_update(existing(), **kwargs)
    assert needle in str(info.value)


def test_reconfigure_validation() -> None:
    with pytest.raises(ConfigError, match=r"Quantizer\.none"):
        RC.vector_index(quantizer=Q.none())
    with pytest.raises(ConfigError, match="ef must be -1"):
        RC.vector_index(ef=0)
    with pytest.raises(ConfigError, match="search_probe must be an integer >= 1"):
        RC.vector_index(search_probe=0)
    with pytest.raises(ConfigError, match="replication factor must be >= 1"):
        RC.replication(factor=0)
    with pytest.raises(ConfigError, match="auto_tenant_creation must be a bool"):
        RC.multi_tenancy(auto_tenant_creation="yes")  # type: ignore[arg-type]


def test_add_vectors_replication_ttl_modules() -> None:
    out = merge_update(
        existing(),
        add_vectors=[
            Vectors.text2vec_transformers(
                "new", source_properties=["title"], vector_index=VectorIndex.flat()
            )
        ],
        replication=RC.replication(
            factor=2,
            deletion_strategy="NoAutomatedResolution",
            async_config=AsyncReplication(propagation_limit=10),
        ),
        object_ttl=ObjectTTL.delete_by_date_property("when", offset=30),
        generative=Generative.ollama(model="llama3"),
        reranker=Reranker.voyageai(),
    )
    assert out["vectorConfig"]["new"] == {
        "vectorizer": {
            "text2vec-transformers": {"properties": ["title"], "vectorizeClassName": False}
        },
        "vectorIndexType": "flat",
        "vectorIndexConfig": {},
    }
    assert out["replicationConfig"] == {
        "factor": 2,
        "deletionStrategy": "NoAutomatedResolution",
        "asyncConfig": {"propagationLimit": 10},
    }
    assert out["objectTtlConfig"] == {
        "enabled": True,
        "deleteOn": "when",
        "defaultTtl": 30,
        "filterExpiredObjects": False,
    }
    assert out["moduleConfig"] == {
        "generative-ollama": {"model": "llama3"},
        "reranker-voyageai": {},
    }
    off = merge_update(out, object_ttl=ObjectTTL.disabled())
    assert off["objectTtlConfig"] == {"enabled": False}


def test_multi_tenancy_and_legacy_index_updates() -> None:
    mt = existing()
    mt["multiTenancyConfig"]["enabled"] = True
    out = merge_update(
        mt, multi_tenancy=RC.multi_tenancy(auto_tenant_creation=True, auto_tenant_activation=True)
    )
    assert out["multiTenancyConfig"] == {
        "enabled": True,
        "autoTenantCreation": True,
        "autoTenantActivation": True,
    }

    legacy = {
        "class": "L",
        "vectorizer": "none",
        "vectorIndexType": "hnsw",
        "vectorIndexConfig": copy.deepcopy(HNSW_DEFAULTS),
    }
    out = merge_update(legacy, vector_index=RC.vector_index(ef=11, quantizer=Q.bq()))
    assert out["vectorIndexConfig"]["ef"] == 11 and out["vectorIndexConfig"]["bq"] == {
        "enabled": True
    }
    with pytest.raises(ConfigError, match="'default' cannot be added"):
        merge_update(legacy, add_vectors=[Vectors.self_provided("default")])
    assert (
        "extra"
        in merge_update(legacy, add_vectors=[Vectors.self_provided("extra")])["vectorConfig"]
    )


def test_existing_must_be_class_json() -> None:
    with pytest.raises(ConfigError, match="class JSON"):
        merge_update({"name": "x"})
