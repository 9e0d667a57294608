"""Parsing server class JSON into typed views (round trips), with real 1.39.3 responses."""

from __future__ import annotations

import pytest

from weavorm.config import (
    BQConfig,
    CollectionConfigView,
    DataType,
    DeletionStrategy,
    DynamicIndex,
    FlatIndex,
    Generative,
    HFreshIndex,
    HnswIndex,
    InvertedIndex,
    MultiTenancy,
    MultiVector,
    Muvera,
    ObjectTTL,
    Property,
    Quantizer,
    ReferenceProperty,
    Replication,
    Reranker,
    Tokenization,
    VectorDistance,
    VectorIndex,
    Vectorizer,
    Vectors,
    collection_to_dict,
    parse_collection_config,
)
from weavorm.errors import ConfigError

# GET /v1/schema/{name} answers of a weaviate-server 1.39.3, for collections created from
# collection_to_dict(...) (see test_real_server_article_response below).
SERVER_ARTICLE = {
    "class": "Article",
    "description": "news",
    "invertedIndexConfig": {
        "bm25": {"b": 0.7, "k1": 1.2},
        "cleanupIntervalSeconds": 60,
        "indexTimestamps": True,
        "stopwords": {"additions": ["foo"], "preset": "en", "removals": None},
        "usingBlockMaxWAND": True,
    },
    "moduleConfig": {
        "generative-openai": {"baseURL": "http://127.0.0.1:8000", "model": "m"},
        "reranker-transformers": {},
    },
    "multiTenancyConfig": {
        "autoTenantActivation": False,
        "autoTenantCreation": False,
        "enabled": False,
    },
    "objectTtlConfig": {
        "defaultTtl": 3600,
        "deleteOn": "_creationTimeUnix",
        "enabled": True,
        "filterExpiredObjects": False,
    },
    "properties": [
        {
            "dataType": ["text"],
            "indexFilterable": True,
            "indexRangeFilters": False,
            "indexSearchable": True,
            "moduleConfig": {
                "text2vec-transformers": {"skip": False, "vectorizePropertyName": False}
            },
            "name": "title",
            "tokenization": "word",
        },
        {
            "dataType": ["text"],
            "indexFilterable": True,
            "indexRangeFilters": False,
            "indexSearchable": True,
            "moduleConfig": {
                "text2vec-transformers": {"skip": True, "vectorizePropertyName": False}
            },
            "name": "body",
            "tokenization": "word",
        },
        {
            "dataType": ["int"],
            "indexFilterable": True,
            "indexRangeFilters": True,
            "indexSearchable": False,
            "moduleConfig": {
                "text2vec-transformers": {"skip": False, "vectorizePropertyName": False}
            },
            "name": "year",
        },
        {
            "dataType": ["text[]"],
            "indexFilterable": True,
            "indexRangeFilters": False,
            "indexSearchable": True,
            "moduleConfig": {
                "text2vec-transformers": {"skip": False, "vectorizePropertyName": False}
            },
            "name": "tags",
            "tokenization": "field",
        },
        {
            "dataType": ["object"],
            "indexFilterable": True,
            "indexRangeFilters": False,
            "indexSearchable": False,
            "moduleConfig": {
                "text2vec-transformers": {"skip": False, "vectorizePropertyName": False}
            },
            "name": "meta",
            "nestedProperties": [
                {
                    "dataType": ["text"],
                    "indexFilterable": True,
                    "indexRangeFilters": False,
                    "indexSearchable": True,
                    "name": "source",
                    "tokenization": "word",
                }
            ],
        },
        {
            "dataType": ["Article"],
            "indexFilterable": True,
            "indexRangeFilters": False,
            "indexSearchable": False,
            "moduleConfig": {
                "text2vec-transformers": {"skip": False, "vectorizePropertyName": False}
            },
            "name": "author",
        },
    ],
    "replicationConfig": {
        "asyncEnabled": False,
        "deletionStrategy": "DeleteOnConflict",
        "factor": 1,
    },
    "shardingConfig": {
        "actualCount": 1,
        "actualVirtualCount": 128,
        "desiredCount": 1,
        "desiredVirtualCount": 128,
        "function": "murmur3",
        "key": "_id",
        "strategy": "hash",
        "virtualPerPhysical": 128,
    },
    "vectorConfig": {
        "colbert": {
            "vectorIndexConfig": {
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
                "multivector": {
                    "aggregation": "maxSim",
                    "enabled": True,
                    "muvera": {"dprojections": 16, "enabled": True, "ksim": 3, "repetitions": 10},
                },
                "pq": {
                    "bitCompression": False,
                    "centroids": 256,
                    "enabled": False,
                    "encoder": {"distribution": "log-normal", "type": "kmeans"},
                    "segments": 0,
                    "trainingLimit": 100000,
                },
                "rq": {
                    "bits": 8,
                    "centering": False,
                    "enabled": False,
                    "rescoreLimit": 20,
                    "trainingLimit": 10000,
                },
                "skip": False,
                "skipDefaultQuantization": False,
                "sq": {"enabled": False, "rescoreLimit": 20, "trainingLimit": 100000},
                "trackDefaultQuantization": False,
                "vectorCacheMaxObjects": 1000000000000,
            },
            "vectorIndexType": "hnsw",
            "vectorizer": {"none": {}},
        },
        "dyn": {
            "vectorIndexConfig": {
                "distance": "cosine",
                "flat": {
                    "bq": {"cache": False, "enabled": False, "rescoreLimit": -1},
                    "distance": "cosine",
                    "pq": {"cache": False, "enabled": False, "rescoreLimit": -1},
                    "rq": {"bits": 8, "cache": False, "enabled": False, "rescoreLimit": -1},
                    "skipDefaultQuantization": False,
                    "sq": {"cache": False, "enabled": False, "rescoreLimit": -1},
                    "trackDefaultQuantization": False,
                    "vectorCacheMaxObjects": 1000000000000,
                },
                "hnsw": {
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
                    "multivector": {
                        "aggregation": "maxSim",
                        "enabled": False,
                        "muvera": {
                            "dprojections": 16,
                            "enabled": False,
                            "ksim": 4,
                            "repetitions": 10,
                        },
                    },
                    "pq": {
                        "bitCompression": False,
                        "centroids": 256,
                        "enabled": False,
                        "encoder": {"distribution": "log-normal", "type": "kmeans"},
                        "segments": 0,
                        "trainingLimit": 100000,
                    },
                    "rq": {
                        "bits": 8,
                        "centering": False,
                        "enabled": False,
                        "rescoreLimit": 20,
                        "trainingLimit": 10000,
                    },
                    "skip": False,
                    "skipDefaultQuantization": False,
                    "sq": {"enabled": False, "rescoreLimit": 20, "trainingLimit": 100000},
                    "trackDefaultQuantization": False,
                    "vectorCacheMaxObjects": 1000000000000,
                },
                "threshold": 100,
            },
            "vectorIndexType": "dynamic",
            "vectorizer": {"none": {}},
        },
        "flat_vec": {
            "vectorIndexConfig": {
                "bq": {"cache": True, "enabled": True, "rescoreLimit": -1},
                "distance": "cosine",
                "pq": {"cache": False, "enabled": False, "rescoreLimit": -1},
                "rq": {"bits": 8, "cache": False, "enabled": False, "rescoreLimit": -1},
                "skipDefaultQuantization": False,
                "sq": {"cache": False, "enabled": False, "rescoreLimit": -1},
                "trackDefaultQuantization": False,
                "vectorCacheMaxObjects": 1000000000000,
            },
            "vectorIndexType": "flat",
            "vectorizer": {"none": {}},
        },
        "fresh": {
            "vectorIndexConfig": {
                "distance": "cosine",
                "maxPostingSizeKB": 48,
                "replicas": 4,
                "rq": {
                    "bits": 1,
                    "centering": False,
                    "enabled": True,
                    "rescoreLimit": 350,
                    "trainingLimit": 0,
                },
                "searchProbe": 256,
            },
            "vectorIndexType": "hfresh",
            "vectorizer": {"none": {}},
        },
        "title_vec": {
            "vectorIndexConfig": {
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
                "multivector": {
                    "aggregation": "maxSim",
                    "enabled": False,
                    "muvera": {"dprojections": 16, "enabled": False, "ksim": 4, "repetitions": 10},
                },
                "pq": {
                    "bitCompression": False,
                    "centroids": 256,
                    "enabled": False,
                    "encoder": {"distribution": "log-normal", "type": "kmeans"},
                    "segments": 0,
                    "trainingLimit": 100000,
                },
                "rq": {
                    "bits": 8,
                    "centering": False,
                    "enabled": True,
                    "rescoreLimit": 20,
                    "trainingLimit": 10000,
                },
                "skip": False,
                "skipDefaultQuantization": False,
                "sq": {"enabled": False, "rescoreLimit": 20, "trainingLimit": 100000},
                "trackDefaultQuantization": False,
                "vectorCacheMaxObjects": 1000000000000,
            },
            "vectorIndexType": "hnsw",
            "vectorizer": {
                "text2vec-transformers": {
                    "poolingStrategy": "masked_mean",
                    "properties": ["title"],
                    "vectorizeClassName": False,
                }
            },
        },
    },
}

SERVER_TENANTED = {
    "class": "Tenanted",
    "invertedIndexConfig": {
        "bm25": {"b": 0.75, "k1": 1.2},
        "cleanupIntervalSeconds": 60,
        "stopwords": {"additions": None, "preset": "en", "removals": None},
        "usingBlockMaxWAND": True,
    },
    "multiTenancyConfig": {
        "autoTenantActivation": False,
        "autoTenantCreation": True,
        "enabled": True,
    },
    "properties": [
        {
            "dataType": ["text"],
            "indexFilterable": True,
            "indexRangeFilters": False,
            "indexSearchable": True,
            "name": "name",
            "tokenization": "word",
        }
    ],
    "replicationConfig": {
        "asyncEnabled": False,
        "deletionStrategy": "TimeBasedResolution",
        "factor": 1,
    },
    "shardingConfig": {
        "actualCount": 0,
        "actualVirtualCount": 0,
        "desiredCount": 0,
        "desiredVirtualCount": 0,
        "function": "",
        "key": "",
        "strategy": "",
        "virtualPerPhysical": 0,
    },
    "vectorIndexConfig": {
        "bq": {"enabled": False},
        "cleanupIntervalSeconds": 300,
        "distance": "dot",
        "dynamicEfFactor": 8,
        "dynamicEfMax": 500,
        "dynamicEfMin": 100,
        "ef": -1,
        "efConstruction": 128,
        "filterStrategy": "acorn",
        "flatSearchCutoff": 40000,
        "maxConnections": 32,
        "multivector": {
            "aggregation": "maxSim",
            "enabled": False,
            "muvera": {"dprojections": 16, "enabled": False, "ksim": 4, "repetitions": 10},
        },
        "pq": {
            "bitCompression": False,
            "centroids": 256,
            "enabled": False,
            "encoder": {"distribution": "log-normal", "type": "kmeans"},
            "segments": 0,
            "trainingLimit": 100000,
        },
        "rq": {
            "bits": 8,
            "centering": False,
            "enabled": False,
            "rescoreLimit": 20,
            "trainingLimit": 10000,
        },
        "skip": False,
        "skipDefaultQuantization": False,
        "sq": {"enabled": False, "rescoreLimit": 20, "trainingLimit": 100000},
        "trackDefaultQuantization": False,
        "vectorCacheMaxObjects": 1000000000000,
    },
    "vectorIndexType": "hnsw",
    "vectorizer": "none",
}


def test_round_trip_named_vectors() -> None:
    properties = [
        Property("title", "text", tokenization="word"),
        Property("body", "text", skip_vectorization=True),
        Property("year", "int", index_range_filters=True),
        Property("meta", "object", nested_properties=[Property("source", "text")]),
    ]
    vectors = [
        Vectors.text2vec_transformers(
            "title_vec",
            source_properties=["title"],
            vector_index=VectorIndex.hnsw(quantizer=Quantizer.rq(bits=8)),
        ),
        Vectors.self_provided(
            "flat_vec", vector_index=VectorIndex.flat(quantizer=Quantizer.bq(cache=True))
        ),
        Vectors.self_provided("dyn", vector_index=VectorIndex.dynamic(threshold=100)),
        Vectors.self_provided("fresh", vector_index=VectorIndex.hfresh()),
    ]
    refs = [ReferenceProperty("author", "Article")]
    data = collection_to_dict(
        "Article",
        description="news",
        properties=properties,
        references=refs,
        vectors=vectors,
        generative=Generative.openai(model="m"),
        reranker=Reranker.transformers(),
        inverted_index=InvertedIndex(bm25_b=0.7, bm25_k1=1.2),
        multi_tenancy=MultiTenancy(auto_tenant_creation=True),
        replication=Replication(factor=2, deletion_strategy="DeleteOnConflict"),
        object_ttl=ObjectTTL.delete_by_creation_time(3600),
    )
    view = parse_collection_config(data)
    assert isinstance(view, CollectionConfigView)
    assert view.name == "Article"
    assert view.description == "news"
    assert view.properties == tuple(properties)
    assert view.references == tuple(refs)
    assert view.vectors == tuple(vectors)
    assert view.vectorizer is None and view.vector_index is None
    assert view.generative == Generative.openai(model="m")
    assert view.reranker == Reranker.transformers()
    assert view.inverted_index == InvertedIndex(bm25_b=0.7, bm25_k1=1.2, index_timestamps=True)
    assert view.multi_tenancy == MultiTenancy(auto_tenant_creation=True)
    assert view.replication == Replication(factor=2, deletion_strategy="DeleteOnConflict")
    assert view.object_ttl == ObjectTTL.delete_by_creation_time(3600)
    assert view.to_dict() == data
    assert view.raw["class"] == "Article"
    assert CollectionConfigView(data) == view


def test_round_trip_legacy_vectorizer() -> None:
    data = collection_to_dict(
        "Legacy",
        properties=[Property("t", "text")],
        vectorizer=Vectorizer.text2vec_openai(model="text-embedding-3-small"),
        vector_index=VectorIndex.hnsw(distance="dot"),
        module_config={"qna-openai": {"model": "x"}},
    )
    view = parse_collection_config(data)
    assert view.vectorizer is not None
    assert view.vectorizer.module == "text2vec-openai"
    assert view.vectorizer.get("model") == "text-embedding-3-small"
    assert view.vector_index == VectorIndex.hnsw(distance="dot")
    assert view.vectorizer.vector_index == view.vector_index
    assert view.module_config == {"qna-openai": {"model": "x"}}
    assert view.to_dict() == data


def test_real_server_article_response() -> None:
    view = parse_collection_config(SERVER_ARTICLE)
    title = view.get_property("title")
    assert isinstance(title, Property)
    assert title.data_type is DataType.TEXT
    assert title.tokenization is Tokenization.WORD
    assert title.index_filterable and title.index_searchable and not title.index_range_filters
    body = view.get_property("body")
    assert isinstance(body, Property) and body.skip_vectorization
    assert body.skips("text2vec-transformers")
    year = view.get_property("year")
    assert isinstance(year, Property) and year.index_range_filters
    meta = view.get_property("meta")
    assert isinstance(meta, Property) and meta.nested_properties is not None
    assert meta.nested_properties[0].tokenization is Tokenization.WORD
    assert view.references == (ReferenceProperty("author", "Article"),)

    title_vec = view.get_vector("title_vec")
    assert title_vec.module == "text2vec-transformers"
    assert title_vec.vectorizer.source_properties == ("title",)
    assert title_vec.vectorizer.vectorize_collection_name is False
    hnsw = title_vec.vector_index
    assert isinstance(hnsw, HnswIndex)
    assert hnsw.distance is VectorDistance.COSINE
    assert hnsw.ef == -1 and hnsw.ef_construction == 128 and hnsw.max_connections == 32
    assert hnsw.quantizer == Quantizer.rq(
        bits=8, rescore_limit=20, centering=False, training_limit=10000
    )
    flat = view.get_vector("flat_vec").vector_index
    assert isinstance(flat, FlatIndex)
    assert isinstance(flat.quantizer, BQConfig)
    assert flat.quantizer.cache is True
    assert flat.quantizer.rescore_limit == -1  # server default: "let Weaviate pick"
    dyn = view.get_vector("dyn").vector_index
    assert isinstance(dyn, DynamicIndex)
    assert (
        dyn.threshold == 100 and isinstance(dyn.hnsw, HnswIndex) and isinstance(dyn.flat, FlatIndex)
    )
    fresh = view.get_vector("fresh").vector_index
    assert isinstance(fresh, HFreshIndex)
    assert fresh.max_posting_size_kb == 48 and fresh.replicas == 4 and fresh.search_probe == 256
    assert fresh.quantizer == Quantizer.rq(bits=1, rescore_limit=350)
    colbert = view.get_vector("colbert").vector_index
    assert isinstance(colbert, HnswIndex)
    assert colbert.multi_vector == MultiVector(
        muvera=Muvera(ksim=3, dprojections=16, repetitions=10)
    )

    assert view.generative == Generative.openai(base_url="http://127.0.0.1:8000", model="m")
    assert view.reranker == Reranker.transformers()
    assert view.inverted_index is not None
    assert view.inverted_index.bm25_b == 0.7 and view.inverted_index.index_timestamps
    assert view.inverted_index.stopwords_additions == ("foo",)
    assert view.multi_tenancy == MultiTenancy(
        False, auto_tenant_creation=False, auto_tenant_activation=False
    )
    assert view.replication is not None
    assert view.replication.deletion_strategy is DeletionStrategy.DELETE_ON_CONFLICT
    assert view.replication.async_enabled is False
    assert view.sharding is not None and view.sharding.desired_count == 1
    assert view.sharding.key == "_id"
    assert view.object_ttl == ObjectTTL.delete_by_creation_time(3600)
    # the view re-emits valid creation JSON (verified against the server too)
    again = parse_collection_config(view.to_dict())
    assert again.vectors == view.vectors
    assert again.properties == view.properties


def test_real_server_multi_tenant_response() -> None:
    view = parse_collection_config(SERVER_TENANTED)
    assert view.multi_tenancy == MultiTenancy(
        auto_tenant_creation=True, auto_tenant_activation=False
    )
    assert view.sharding is None  # multi-tenant collections report an all-zero sharding config
    assert view.vectorizer is not None and view.vectorizer.is_none
    assert isinstance(view.vector_index, HnswIndex)
    assert view.vector_index.distance is VectorDistance.DOT
    assert "shardingConfig" not in view.to_dict()


def test_parse_is_lenient_about_legacy_and_unknown_things() -> None:
    view = parse_collection_config(
        {
            "class": "Old",
            "properties": [
                {"name": "s", "dataType": ["string"], "tokenization": "word"},
                {"name": "r", "dataType": ["Other", "Third"]},
            ],
            "moduleConfig": {"my-module": {"x": 1}, "generative-custom": {"y": 2}},
            "vectorConfig": {
                "v": {"vectorizer": {"text2vec-new": {"k": [1, 2]}}, "vectorIndexType": "hnsw"}
            },
        }
    )
    assert view.properties[0].data_type is DataType.TEXT
    assert view.references[0].target_collections == ("Other", "Third")
    assert view.module_config == {"my-module": {"x": 1}}
    assert view.generative is not None and view.generative.module == "generative-custom"
    assert view.get_vector("v").vectorizer.get("k") == [1, 2]


@pytest.mark.parametrize("bad", [{}, {"class": 3}, [], "Article"])
def test_parse_rejects_non_class_json(bad: object) -> None:
    with pytest.raises(ConfigError, match="'class' name"):
        parse_collection_config(bad)  # type: ignore[arg-type]
