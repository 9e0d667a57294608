"""weavorm.schema inspect: class JSON -> model source, and back (pure, no server)."""

from __future__ import annotations

import ast
import datetime as dt
import sys
import types

import pydantic

from weavorm import Field, Model, Refs
from weavorm.config import (
    AsyncReplication,
    Generative,
    InvertedIndex,
    MultiTenancy,
    MultiVector,
    Muvera,
    Quantizer,
    Replication,
    Reranker,
    VectorIndex,
    Vectorizer,
    Vectors,
)
from weavorm.odm import Blob, GeoCoordinate, PhoneNumber
from weavorm.odm.registry import registry
from weavorm.schema import collection_config
from weavorm.schema._diff import diff_schema
from weavorm.schema._inspect import render_models
from weavorm.schema._live import LiveSchema

from .test_schema_diff import served


def load(source: str, name: str) -> types.ModuleType:
    ast.parse(source)
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(compile(source, f"{name}.py", "exec"), module.__dict__)
    return module


def restore(*models: type[Model]) -> None:
    for model in models:
        registry.register(model)


class Part(pydantic.BaseModel):
    label: str = Field(tokenization="field")
    size: int | None = None
    data: Blob | None = None


class Holder(pydantic.BaseModel):
    part: Part | None = None
    parts: list[Part] = []


class InAuthor(Model):
    """Authors."""

    name: str = Field(tokenization="field", description="Full name")
    bio: str = Field(index_searchable=False, index_filterable=False)

    class Meta:
        vectorizer = Vectorizer.text2vec_transformers(
            vector_index=VectorIndex.hnsw(ef=123, quantizer=Quantizer.rq(bits=8))
        )
        description = "People who write"
        generative = Generative.openai(model="gpt-4o")
        reranker = Reranker.transformers()


class InDoc(Model):
    title: str = Field(tokenization="word", vectorize="title_vec")
    summary: str = Field(vectorize=["title_vec", "sum_vec"], vectorize_property_name=True)
    year: int = Field(index_range_filters=True, vectorize=False)
    score: float = 0.0
    ok: bool = True
    when: dt.datetime | None = None
    tags: list[str] = Field(default_factory=list, tokenization="lowercase")
    ids: list[int] = Field(default_factory=list)
    where: GeoCoordinate | None = None
    phone: PhoneNumber | None = None
    holder: Holder | None = None
    author: Refs[InAuthor] = Field(default_factory=list)
    related: Refs[InDoc] = Field(default_factory=list)

    class Meta:
        vectors = (
            Vectors.text2vec_transformers("title_vec"),
            Vectors.text2vec_transformers("sum_vec", pooling_strategy="cls"),
            Vectors.self_provided(
                "colbert",
                vector_index=VectorIndex.hnsw(multi_vector=MultiVector(muvera=Muvera(ksim=3))),
            ),
            Vectors.self_provided("flat", vector_index=VectorIndex.flat(distance="dot")),
        )
        inverted_index = InvertedIndex(
            bm25_b=0.6, stopwords_additions=["foo"], index_null_state=True
        )
        replication = Replication(
            deletion_strategy="DeleteOnConflict", async_config=AsyncReplication(frequency=30)
        )


class InTenant(Model):
    keyword: str = Field(name="class")
    id_: str = Field(name="_id_like")

    class Meta:
        multi_tenancy = MultiTenancy(True, auto_tenant_creation=True)
        vectorizer = Vectorizer.none(vector_index=VectorIndex.flat())


def test_round_trip_has_no_changes() -> None:
    originals = (InAuthor, InDoc, InTenant)
    classes = [(m.collection_name(), served(collection_config(m))) for m in originals]
    source = render_models(classes)
    try:
        module = load(source, "inspected_round_trip")
        loaded = [getattr(module, m.__name__) for m in originals]
        live = LiveSchema(classes=dict(classes))
        plan = diff_schema(loaded, live)
        assert not plan, str(plan)
    finally:
        restore(*originals)
    assert "class InDocHolder(pydantic.BaseModel):" in source
    assert "class InDocHolderPart(pydantic.BaseModel):" in source
    assert 'author: Refs["InAuthor"] = Field(default_factory=list)' in source
    assert 'title: str | None = Field(None, tokenization="word", vectorize="title_vec")' in source
    assert 'vectorize=["title_vec", "sum_vec"]' in source
    assert "vectorize_property_name=True" in source
    assert "year: int | None = Field(None, index_range_filters=True, vectorize=False)" in source
    assert "where: GeoCoordinate | None = None" in source
    assert "when: datetime.datetime | None = None" in source
    assert "data: Blob | None = None" in source
    assert 'description="Full name"' in source
    assert '"""People who write"""' in source
    assert "Quantizer.rq(" in source and "ef=123" in source
    assert 'generative = Generative.custom("generative-openai", {"model": "gpt-4o"})' in source
    assert "MultiVector(muvera=Muvera(" in source
    assert 'VectorIndex.flat(distance="dot")' in source
    assert "multi_tenancy = MultiTenancy(True, auto_tenant_creation=True)" in source
    assert 'class_: str | None = Field(None, tokenization="word", name="class")' in source
    assert 'id_like: str | None = Field(None, tokenization="word", name="_id_like")' in source
    assert "AsyncReplication(frequency=30)" in source


def test_multi_target_references_and_odd_types() -> None:
    classes = [
        (
            "Odd",
            served(
                {
                    "class": "Odd",
                    "vectorizer": "none",
                    "properties": [
                        {"name": "h", "dataType": ["blobHash"]},
                        {"name": "for", "dataType": ["date[]"]},
                        {"name": "u", "dataType": ["uuid"]},
                        {"name": "model_x", "dataType": ["int"]},
                        {"name": "m", "dataType": ["Odd", "Other"]},
                    ],
                }
            ),
        )
    ]
    source = render_models(classes, rename={"Other": "OtherAlias"})
    assert "# h: 'blobHash' cannot be declared in a model" in source
    assert 'for_: list[datetime.datetime] | None = Field(None, name="for")' in source
    assert "u: uuid.UUID | None = None" in source
    assert 'model_x_: int | None = Field(None, name="model_x")' in source
    assert 'm: Refs[Union["Odd", "OtherAlias"]] = Field(default_factory=list)' in source
    assert "from typing import Union" in source
    ast.parse(source)
