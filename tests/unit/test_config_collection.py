"""collection_to_dict and the collection-wide settings of weavorm.config."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from weavorm.config import (
    AsyncReplication,
    CollectionConfig,
    Generative,
    InvertedIndex,
    MultiTenancy,
    MultiVector,
    ObjectTTL,
    Property,
    Quantizer,
    ReferenceProperty,
    Replication,
    Reranker,
    Sharding,
    TextAnalyzer,
    TokenizerUserDict,
    VectorIndex,
    Vectorizer,
    Vectors,
    collection_to_dict,
)
from weavorm.errors import ConfigError


def test_minimal_collection() -> None:
    assert collection_to_dict("Thing") == {"class": "Thing", "properties": []}


def test_legacy_vectorizer_collection() -> None:
    out = collection_to_dict(
        "Article",
        description="news",
        properties=[Property("title", "text"), Property("body", "text", skip_vectorization=True)],
        references=[ReferenceProperty("author", "Author")],
        vectorizer=Vectorizer.text2vec_openai(model="text-embedding-3-small"),
        vector_index=VectorIndex.hnsw(distance="cosine", quantizer=Quantizer.bq()),
        generative=Generative.openai(model="gpt-4o"),
        reranker=Reranker.cohere(),
    )
    assert out == {
        "class": "Article",
        "description": "news",
        "properties": [
            {
                "name": "title",
                "dataType": ["text"],
                "moduleConfig": {
                    "text2vec-openai": {"skip": False, "vectorizePropertyName": False}
                },
            },
            {
                "name": "body",
                "dataType": ["text"],
                "moduleConfig": {"text2vec-openai": {"skip": True, "vectorizePropertyName": False}},
            },
            {"name": "author", "dataType": ["Author"]},
        ],
        "vectorizer": "text2vec-openai",
        "vectorIndexType": "hnsw",
        "vectorIndexConfig": {"distance": "cosine", "bq": {"enabled": True}},
        "moduleConfig": {
            "text2vec-openai": {"model": "text-embedding-3-small", "vectorizeClassName": False},
            "generative-openai": {"model": "gpt-4o"},
            "reranker-cohere": {},
        },
    }


def test_vector_index_may_travel_with_the_vectorizer() -> None:
    a = collection_to_dict("A", vectorizer=Vectorizer.none(vector_index=VectorIndex.flat()))
    b = collection_to_dict("A", vectorizer=Vectorizer.none(), vector_index=VectorIndex.flat())
    assert (
        a
        == b
        == {
            "class": "A",
            "properties": [],
            "vectorizer": "none",
            "vectorIndexType": "flat",
            "vectorIndexConfig": {},
        }
    )


def test_named_vectors_collection() -> None:
    out = collection_to_dict(
        "Doc",
        properties=[Property("title", "text"), Property("img", "blob")],
        vectors=[
            Vectors.text2vec_transformers("title_vec", source_properties=["title"]),
            Vectors.multi2vec_clip(
                "img_vec", image_fields=["img"], vector_index=VectorIndex.flat()
            ),
            Vectors.self_provided("own", vector_index=VectorIndex.hnsw(multi_vector=MultiVector())),
        ],
    )
    assert "vectorizer" not in out
    assert out["vectorConfig"] == {
        "title_vec": {
            "vectorizer": {
                "text2vec-transformers": {"properties": ["title"], "vectorizeClassName": False}
            }
        },
        "img_vec": {
            "vectorizer": {"multi2vec-clip": {"imageFields": ["img"]}},
            "vectorIndexType": "flat",
            "vectorIndexConfig": {},
        },
        "own": {
            "vectorizer": {"none": {}},
            "vectorIndexType": "hnsw",
            "vectorIndexConfig": {"multivector": {"enabled": True, "aggregation": "maxSim"}},
        },
    }
    # per-property vectorizer settings only for text modules
    assert out["properties"][0]["moduleConfig"] == {
        "text2vec-transformers": {"skip": False, "vectorizePropertyName": False}
    }


def test_single_named_vector_is_accepted() -> None:
    out = collection_to_dict("A", vectors=Vectors.self_provided("v"))
    assert out["vectorConfig"] == {"v": {"vectorizer": {"none": {}}}}


def test_inverted_index_settings() -> None:
    inverted = InvertedIndex(
        bm25_b=0.7,
        bm25_k1=1.1,
        stopwords_preset="en",
        stopwords_additions=["foo"],
        stopwords_removals=["a"],
        stopword_presets={"mine": ["bar", "baz"]},
        index_timestamps=True,
        index_null_state=True,
        index_property_length=True,
        cleanup_interval_seconds=30,
        tokenizer_user_dict=[TokenizerUserDict("kagome_ja", {"東京": "Tokyo"})],
    )
    assert inverted.to_dict() == {
        "bm25": {"b": 0.7, "k1": 1.1},
        "stopwords": {"preset": "en", "additions": ["foo"], "removals": ["a"]},
        "stopwordPresets": {"mine": ["bar", "baz"]},
        "indexTimestamps": True,
        "indexNullState": True,
        "indexPropertyLength": True,
        "cleanupIntervalSeconds": 30,
        "tokenizerUserDict": [
            {"tokenizer": "kagome_ja", "replacements": [{"source": "東京", "target": "Tokyo"}]}
        ],
    }
    assert InvertedIndex.from_dict(inverted.to_dict()) == inverted
    # a lone bm25 parameter is completed with the server default of the other
    assert InvertedIndex(bm25_b=0.5).to_dict() == {"bm25": {"b": 0.5, "k1": 1.2}}
    assert InvertedIndex(bm25_k1=2).to_dict() == {"bm25": {"b": 0.75, "k1": 2.0}}


def test_multi_tenancy_replication_sharding() -> None:
    assert MultiTenancy().to_dict() == {"enabled": True}
    assert MultiTenancy(auto_tenant_creation=True, auto_tenant_activation=False).to_dict() == {
        "enabled": True,
        "autoTenantCreation": True,
        "autoTenantActivation": False,
    }
    replication = Replication(
        factor=3,
        deletion_strategy="TimeBasedResolution",
        async_config=AsyncReplication(hashtree_height=10, propagation_limit=1000, frequency=500),
    )
    assert replication.to_dict() == {
        "factor": 3,
        "deletionStrategy": "TimeBasedResolution",
        "asyncConfig": {"hashtreeHeight": 10, "frequency": 500, "propagationLimit": 1000},
    }
    assert Replication.from_dict(replication.to_dict()) == replication
    assert Sharding(virtual_per_physical=64, desired_count=2).to_dict() == {
        "virtualPerPhysical": 64,
        "desiredCount": 2,
    }


def test_object_ttl() -> None:
    assert ObjectTTL.delete_by_creation_time(datetime.timedelta(hours=1)).to_dict() == {
        "enabled": True,
        "deleteOn": "_creationTimeUnix",
        "defaultTtl": 3600,
        "filterExpiredObjects": False,
    }
    assert ObjectTTL.delete_by_update_time(120, filter_expired_objects=True).to_dict()[
        "filterExpiredObjects"
    ]
    assert ObjectTTL.disabled().to_dict() == {"enabled": False}
    out = collection_to_dict(
        "A",
        properties=[Property("until", "date")],
        object_ttl=ObjectTTL.delete_by_date_property("until", offset=-60),
    )
    assert out["objectTtlConfig"] == {
        "enabled": True,
        "deleteOn": "until",
        "defaultTtl": -60,
        "filterExpiredObjects": False,
    }
    assert "invertedIndexConfig" not in out
    # timestamp-based TTL turns the timestamp index on
    out = collection_to_dict("A", object_ttl=ObjectTTL.delete_by_creation_time(60))
    assert out["invertedIndexConfig"] == {"indexTimestamps": True}


def test_collection_config_object() -> None:
    config = CollectionConfig(
        "A",
        properties=[Property("t", "text"), ReferenceProperty("r", "B")],
        vectors=[Vectors.text2vec_ollama("v", model="m")],
    )
    assert [p.name for p in config.properties] == ["t"]
    assert [r.name for r in config.references] == ["r"]
    assert config.vectorizer_modules == ("text2vec-ollama",)
    assert config.get_vector("v").module == "text2vec-ollama"
    assert config.get_property("r") == ReferenceProperty("r", "B")
    with pytest.raises(KeyError):
        config.get_vector("w")


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"name": "article"}, "invalid collection name 'article'"),
        (
            {"properties": [Property("a", "text"), Property("A", "int")]},
            "duplicate property name 'A'",
        ),
        (
            {"properties": [Property("a", "text")], "references": [ReferenceProperty("a", "B")]},
            "duplicate",
        ),
        ({"properties": [Property("id", "text")]}, "'id' is reserved"),
        ({"properties": ["title"]}, "Property or ReferenceProperty"),
        (
            {"vectorizer": Vectorizer.none(), "vectors": [Vectors.self_provided("v")]},
            "not both",
        ),
        ({"vector_index": VectorIndex.hnsw(), "vectors": [Vectors.self_provided("v")]}, "not both"),
        (
            {"vectors": [Vectors.self_provided("v"), Vectors.self_provided("v")]},
            "duplicate vector name 'v'",
        ),
        ({"vectors": []}, "at least one named vector"),
        (
            {"vectorizer": Vectorizer.text2multivec_jinaai()},
            "only supported on named vectors",
        ),
        (
            {"vector_index": VectorIndex.hnsw(multi_vector=MultiVector())},
            "only supported on named vectors",
        ),
        (
            {
                "vectorizer": Vectorizer.none(vector_index=VectorIndex.flat()),
                "vector_index": VectorIndex.hnsw(),
            },
            "differs",
        ),
        (
            {
                "properties": [Property("title", "text")],
                "vectors": [Vectors.text2vec_ollama("v", source_properties=["titel"])],
            },
            "source property 'titel' is not a property of the collection; "
            "valid choices are 'title'",
        ),
        ({"generative": Reranker.cohere()}, "must be a GenerativeConfig"),
        ({"reranker": Generative.openai()}, "must be a RerankerConfig"),
        (
            {"multi_tenancy": MultiTenancy(), "sharding": Sharding(desired_count=2)},
            "cannot be combined with multi-tenancy",
        ),
        ({"inverted_index": {"bm25_b": 1}}, "must be an InvertedIndex"),
        (
            {
                "properties": [
                    Property("t", "text", text_analyzer=TextAnalyzer(stopword_preset="mine"))
                ]
            },
            "unknown stopword preset 'mine'; valid choices are 'en', 'none'",
        ),
        ({"object_ttl": ObjectTTL.delete_by_date_property("until")}, "date properties: none"),
        (
            {
                "properties": [Property("until", "text")],
                "object_ttl": ObjectTTL.delete_by_date_property("until"),
            },
            "must have data type 'date'",
        ),
        (
            {
                "properties": [Property("until", "date", index_filterable=False)],
                "object_ttl": ObjectTTL.delete_by_date_property("until"),
            },
            "needs index_filterable or index_range_filters",
        ),
        (
            {
                "inverted_index": InvertedIndex(index_timestamps=False),
                "object_ttl": ObjectTTL.delete_by_update_time(60),
            },
            "needs indexed timestamps",
        ),
    ],
)
def test_collection_validation(kwargs: dict[str, Any], needle: str) -> None:
    name = kwargs.pop("name", "Coll")
    with pytest.raises(ConfigError) as info:
        collection_to_dict(name, **kwargs)
    assert needle in str(info.value)


def test_user_stopword_preset_is_accepted() -> None:
    out = collection_to_dict(
        "A",
        properties=[Property("t", "text", text_analyzer=TextAnalyzer(stopword_preset="mine"))],
        inverted_index=InvertedIndex(stopword_presets={"mine": ["x"]}),
    )
    assert out["properties"][0]["textAnalyzer"] == {"stopwordPreset": "mine"}


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: InvertedIndex(bm25_b=1.5), "bm25_b must be <= 1.0"),
        (lambda: InvertedIndex(bm25_b=-0.1), "bm25_b must be >= 0.0"),
        (lambda: InvertedIndex(bm25_k1=-1), "bm25_k1 must be >= 0.0"),
        (lambda: InvertedIndex(stopwords_preset="de"), "'en', 'none'"),  # type: ignore[arg-type]
        (lambda: InvertedIndex(stopwords_additions=["a"], stopwords_removals=["a"]), "in both"),
        (lambda: InvertedIndex(stopword_presets={"p": []}), "at least one"),
        (lambda: InvertedIndex(stopword_presets={"p": [" "]}), "must not be empty"),
        (lambda: InvertedIndex(cleanup_interval_seconds=0), ">= 1"),
        (lambda: TokenizerUserDict("gse", {"a": "b"}), "'kagome_ja', 'kagome_kr'"),
        (
            lambda: InvertedIndex(
                tokenizer_user_dict=[
                    TokenizerUserDict("kagome_ja", {}),
                    TokenizerUserDict("kagome_ja", {}),
                ]
            ),
            "duplicate user dictionary",
        ),
        (lambda: MultiTenancy(False, auto_tenant_creation=True), "needs enabled=True"),
        (lambda: Replication(factor=0), "replication factor must be >= 1"),
        (lambda: Replication(deletion_strategy="Never"), "'TimeBasedResolution'"),  # type: ignore[arg-type]
        (lambda: AsyncReplication(hashtree_height=21), "hashtree_height must be <= 20"),
        (
            lambda: AsyncReplication(propagation_concurrency=0),
            "propagation_concurrency must be >= 1",
        ),
        (lambda: Sharding(desired_count=0), "desired_count must be >= 1"),
        (lambda: ObjectTTL.delete_by_creation_time(0), "must be positive"),
        (lambda: ObjectTTL(delete_on=""), "delete_on must not be empty"),
    ],
)
def test_settings_validation(call: Any, needle: str) -> None:
    with pytest.raises(ConfigError) as info:
        call()
    assert needle in str(info.value)


def test_error_carries_field_and_value() -> None:
    with pytest.raises(ConfigError) as info:
        VectorIndex.hnsw(distance="euclid")  # type: ignore[arg-type]
    assert info.value.field == "distance"
    assert info.value.value == "euclid"
    assert isinstance(info.value, ValueError)
