"""weavorm.schema diff and inspect on a real server: round trips through the live schema."""

from __future__ import annotations

import datetime as dt
import sys
import types

import pydantic
import pytest

from weavorm import Field, Model, Ref, Refs
from weavorm.config import (
    Generative,
    InvertedIndex,
    MultiTenancy,
    MultiVector,
    Quantizer,
    Replication,
    Reranker,
    VectorIndex,
    Vectorizer,
    Vectors,
)
from weavorm.engine import WeaviateClient
from weavorm.errors import SchemaError
from weavorm.odm import Blob, GeoCoordinate, PhoneNumber
from weavorm.odm.registry import registry
from weavorm.schema import create_all, diff, inspect, migrate

pytestmark = pytest.mark.integration


class SiDimensions(pydantic.BaseModel):
    width: float
    height: float | None = None


class SiSpec(pydantic.BaseModel):
    label: str = Field(tokenization="field")
    count: int | None = None
    dims: SiDimensions | None = None
    raw: Blob | None = None
    tags: list[str] = []


class SiPublisher(Model):
    name: str = Field(tokenization="field", description="Trading name")
    founded: dt.datetime | None = None

    class Meta:
        description = "Publishing houses"
        vectorizer = Vectorizer.text2vec_transformers(
            vector_index=VectorIndex.hnsw(ef=64, quantizer=Quantizer.sq())
        )
        generative = Generative.openai(model="gpt-4o-mini")
        reranker = Reranker.transformers()
        inverted_index = InvertedIndex(bm25_b=0.6, bm25_k1=1.1, index_timestamps=True)


class SiBook(Model):
    title: str = Field(tokenization="word", vectorize="text_vec")
    blurb: str = Field(vectorize=["text_vec", "blurb_vec"], index_filterable=False)
    isbn: str = Field(tokenization="field", vectorize=False, index_searchable=False)
    pages: int = Field(0, index_range_filters=True)
    price: float | None = None
    in_print: bool = True
    released: dt.datetime | None = None
    ratings: list[float] = Field(default_factory=list)
    store: GeoCoordinate | None = None
    phone: PhoneNumber | None = None
    spec: SiSpec | None = None
    variants: list[SiSpec] = Field(default_factory=list)
    publisher: Ref[SiPublisher] | None = None
    sequels: Refs[SiBook] = Field(default_factory=list)

    class Meta:
        vectors = (
            Vectors.text2vec_transformers(
                "text_vec", vector_index=VectorIndex.hnsw(quantizer=Quantizer.rq(bits=8))
            ),
            Vectors.text2vec_transformers("blurb_vec", vector_index=VectorIndex.flat()),
            Vectors.self_provided("cover", vector_index=VectorIndex.hnsw(distance="dot")),
            Vectors.self_provided(
                "tokens", vector_index=VectorIndex.hnsw(multi_vector=MultiVector())
            ),
        )
        inverted_index = InvertedIndex(index_null_state=True, stopwords_additions=["weavorm"])
        replication = Replication(deletion_strategy="DeleteOnConflict")


class SiTenantNote(Model):
    text: str = ""
    owner: Refs[SiBook | SiPublisher] = Field(default_factory=list)  # type: ignore[type-arg]

    class Meta:
        vectorizer = Vectorizer.none(vector_index=VectorIndex.flat(quantizer=Quantizer.bq()))
        multi_tenancy = MultiTenancy(True, auto_tenant_creation=True)


MODELS: list[type[Model]] = [SiPublisher, SiBook, SiTenantNote]


def _load(source: str, name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    sys.modules[name] = module
    exec(compile(source, f"{name}.py", "exec"), module.__dict__)
    return module


@pytest.fixture
def restore_registry() -> object:
    yield None
    for model in MODELS:
        registry.register(model)


def test_created_models_have_no_changes(weaviate_client: WeaviateClient) -> None:
    assert diff(weaviate_client, MODELS).operations[0].kind == "create_collection"
    assert create_all(weaviate_client, MODELS) == ["SiPublisher", "SiBook", "SiTenantNote"]
    plan = diff(weaviate_client, MODELS)
    assert not plan, str(plan)
    assert migrate(weaviate_client, MODELS).operations == []


def test_inspect_round_trip(weaviate_client: WeaviateClient, restore_registry: object) -> None:
    create_all(weaviate_client, MODELS)
    source = inspect(weaviate_client)
    module = _load(source, "si_inspected")
    loaded = [getattr(module, m.__name__) for m in MODELS]
    plan = diff(weaviate_client, loaded)
    assert not plan, f"{plan}\n\n{source}"
    assert "class SiBookSpec(pydantic.BaseModel):" in source
    assert "class SiBookSpecDims(pydantic.BaseModel):" in source
    assert 'publisher: Refs["SiPublisher"] = Field(default_factory=list)' in source
    assert 'owner: Refs[Union["SiBook", "SiPublisher"]]' in source
    assert 'vectorize=["blurb_vec", "text_vec"]' in source
    assert "index_filterable=False" in source and "index_range_filters=True" in source
    assert "multi_tenancy = MultiTenancy(True, auto_tenant_creation=True)" in source
    assert "vector_index=VectorIndex.hnsw(multi_vector=MultiVector())" in source
    assert "Quantizer.sq(" in source and "Quantizer.bq(" in source
    assert '"""Publishing houses"""' in source
    only = inspect(weaviate_client, ["SiPublisher"])
    assert "class SiPublisher(Model):" in only and "class SiBook(" not in only
    with pytest.raises(SchemaError, match="no collection or alias 'Nope'"):
        inspect(weaviate_client, ["Nope"])


def test_inspect_after_a_migration_uses_the_alias(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    name = collection_name

    class Thing(Model):
        n: int = 0

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    create_all(weaviate_client, [Thing])
    weaviate_client.collections.get(name).data.insert_many([{"n": 1}])

    class Thing2(Model):
        n: float = 0.0

        class Meta:
            collection = name
            vectorizer = Vectorizer.none()

    migrate(weaviate_client, [Thing2], allow_breaking=True)
    source = inspect(weaviate_client)
    assert f"class {name}(Model):" in source
    assert f'collection = "{name}"' in source
    assert "n: float | None = None" in source
    assert f"{name}_v1" not in source and f"{name}_v2" not in source
    old = inspect(weaviate_client, [f"{name}_v1"])
    assert f'collection = "{name}_v1"' in old and "n: int | None = None" in old
    try:
        module = _load(source, "si_after_migration")
        assert not diff(weaviate_client, [getattr(module, name)])
    finally:
        registry.register(Thing2)
