"""The tokenize endpoints of a real server (Weaviate 1.37+)."""

from __future__ import annotations

import pytest

from weavorm import errors
from weavorm.config import TextAnalyzer, Tokenization
from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.engine.tokenize import TokenizeResult

pytestmark = pytest.mark.integration


def test_tokenize_text_methods(weaviate_client: WeaviateClient) -> None:
    tok = weaviate_client.tokenization
    word = tok.text("The Quick-brown fox!", "word")
    assert word == TokenizeResult(
        indexed=["the", "quick", "brown", "fox"], query=["quick", "brown", "fox"]
    )
    assert tok.text("The Quick fox", Tokenization.LOWERCASE).indexed == ["the", "quick", "fox"]
    assert tok.text("The Quick fox", "whitespace").indexed == ["The", "Quick", "fox"]
    assert tok.text("  The Quick fox ", "field").indexed == ["The Quick fox"]
    assert tok.text("abcd", "trigram").indexed == ["abc", "bcd"]


def test_tokenize_with_analyzer_and_stopwords(weaviate_client: WeaviateClient) -> None:
    tok = weaviate_client.tokenization
    folded = tok.text("École the fox", "word", analyzer_config=TextAnalyzer(ascii_fold=True))
    assert folded.indexed == ["ecole", "the", "fox"]
    assert folded.query == ["ecole", "fox"]
    none = tok.text("the fox", "word", analyzer_config={"stopwordPreset": "none"})
    assert none.query == ["the", "fox"]
    extra = tok.text("the red fox", "word", stopwords={"preset": "en", "additions": ["red"]})
    assert extra.query == ["fox"]
    custom = tok.text(
        "the red fox",
        "word",
        analyzer_config={"stopwordPreset": "colours"},
        stopword_presets={"colours": ["red"]},
    )
    assert custom.query == ["the", "fox"]
    with pytest.raises(errors.ConfigError):
        tok.text("x", "sentence")
    with pytest.raises(errors.UnprocessableError):
        tok.text("x", "word", analyzer_config={"stopwordPreset": "no-such-preset"})


def test_tokenize_for_property(weaviate_client: WeaviateClient, collection_name: str) -> None:
    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "none",
            "properties": [
                {"name": "title", "dataType": ["text"], "tokenization": "word"},
                {"name": "code", "dataType": ["text"], "tokenization": "field"},
            ],
        }
    )
    tok = weaviate_client.tokenization
    title = tok.for_property(collection_name, "title", "The Quick fox")
    assert title == TokenizeResult(indexed=["the", "quick", "fox"], query=["quick", "fox"])
    assert tok.for_property(collection_name, "code", "AB-12 x").indexed == ["AB-12 x"]
    with pytest.raises(errors.ServerError) as info:
        tok.for_property(collection_name, "missing", "x")
    assert info.value.status in (400, 404, 422)


async def test_async_tokenize(
    async_weaviate_client: AsyncWeaviateClient,
    weaviate_client: WeaviateClient,
    collection_name: str,
) -> None:
    weaviate_client.collections.create_from_dict(
        {
            "class": collection_name,
            "vectorizer": "none",
            "properties": [{"name": "title", "dataType": ["text"], "tokenization": "lowercase"}],
        }
    )
    tok = async_weaviate_client.tokenization
    assert (await tok.text("Hello World", "word")).indexed == ["hello", "world"]
    result = await tok.for_property(collection_name, "title", "Hello, World")
    assert result.indexed == ["hello,", "world"]
