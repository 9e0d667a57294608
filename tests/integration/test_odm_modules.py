"""ODM searches through real modules: text2vec-transformers, reranker-transformers,
generative-openai, all served by the local inference service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import weavorm
from weavorm import Field, Model
from weavorm.config import Generative, Reranker, Vectorizer
from weavorm.engine import WeaviateClient
from weavorm.schema import create_all

pytestmark = pytest.mark.integration


@pytest.fixture
def Doc(weaviate_client: WeaviateClient, inference_server: Any) -> Iterator[type[Model]]:
    class ModDoc(Model):
        title: str
        category: str = Field(tokenization="field", vectorize=False)

        class Meta:
            vectorizer = Vectorizer.text2vec_transformers(vectorize_collection_name=False)
            generative = Generative.openai(base_url=inference_server.url, model="weavorm-echo")
            reranker = Reranker.transformers()

    create_all(weaviate_client, [ModDoc])
    weavorm.configure(weaviate_client)
    ModDoc.objects.bulk_create(
        [
            ModDoc(title="a red sports car", category="cars"),
            ModDoc(title="red cars are fast", category="cars"),
            ModDoc(title="quantum physics lecture", category="science"),
            ModDoc(title="physics of black holes", category="science"),
        ]
    )
    yield ModDoc
    weavorm.configure(None)


def test_near_text(Doc: Any, inference_server: Any) -> None:
    found = list(Doc.objects.near_text("red car").limit(2))
    assert {d.category for d in found} == {"cars"}
    assert found[0].meta.distance < found[1].meta.distance + 1e-9
    assert inference_server.calls["vectors"] >= 5


def test_rerank(Doc: Any) -> None:
    found = list(Doc.objects.near_text("physics").rerank("title", "black holes").limit(4))
    assert found[0].title == "physics of black holes"
    assert all(d.meta.rerank_score is not None for d in found)


def test_generate(Doc: Any, inference_server: Any) -> None:
    result = (
        Doc.objects.near_text("cars")
        .limit(2)
        .generate(single_prompt="Describe {title}", grouped_task="Summarize")
    )
    assert len(result.objects) == 2
    for obj in result.objects:
        assert obj.meta.generated.startswith("weavorm-echo: Describe ")
        assert obj.title in obj.meta.generated
    assert result.text is not None and result.text.startswith("weavorm-echo:")
    assert inference_server.calls["chat"] >= 3


def test_hybrid_with_vectorizer(Doc: Any) -> None:
    found = list(Doc.objects.hybrid("black holes", alpha=0.5).limit(1))
    assert found[0].title == "physics of black holes"
