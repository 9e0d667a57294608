"""Tokenization: request building and reply parsing, without a server."""

from __future__ import annotations

import pytest

from tests.unit._scripted import reply, run
from weavorm import errors
from weavorm.config import TextAnalyzer, Tokenization
from weavorm.engine._protocol import tokenize as ops
from weavorm.engine._protocol.calls import HttpCall
from weavorm.engine.tokenize import TokenizeResult


def test_text() -> None:
    calls, result = run(
        ops.text(
            "École du Monde",
            Tokenization.WORD,
            analyzer_config=TextAnalyzer(ascii_fold=True, stopword_preset="mine"),
            stopword_presets={"mine": ["du"]},
        ),
        [reply(200, {"indexed": ["ecole", "du", "monde"], "query": ["ecole", "monde"]})],
    )
    (call,) = calls
    assert isinstance(call, HttpCall)
    assert (call.method, call.path) == ("POST", "/v1/tokenize")
    assert call.json == {
        "text": "École du Monde",
        "tokenization": "word",
        "analyzerConfig": {"asciiFold": True, "stopwordPreset": "mine"},
        "stopwordPresets": {"mine": ["du"]},
    }
    assert call.retryable is True
    assert result == TokenizeResult(indexed=["ecole", "du", "monde"], query=["ecole", "monde"])


def test_text_with_stopwords_mapping() -> None:
    calls, _ = run(
        ops.text("a b", "field", stopwords={"preset": "none", "additions": ["b"]}),
        [reply(200, {"indexed": ["a b"], "query": ["a b"]})],
    )
    assert isinstance(calls[0], HttpCall)
    assert calls[0].json["stopwords"] == {"preset": "none", "additions": ["b"]}


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tokenization": "words"},
        {"tokenization": "word", "stopwords": {"preset": "en"}, "stopword_presets": {"x": []}},
        {"tokenization": "word", "stopword_presets": {"x": "abc"}},
        {"tokenization": "word", "analyzer_config": 3},
    ],
)
def test_text_rejects_bad_input(kwargs: dict[str, object]) -> None:
    with pytest.raises(errors.ConfigError):
        next(ops.text("t", **kwargs))  # type: ignore[arg-type]


def test_for_property() -> None:
    calls, result = run(
        ops.for_property("article", "title", "Hello World"),
        [reply(200, {"indexed": ["hello", "world"], "query": ["hello", "world"]})],
    )
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/schema/Article/properties/title/tokenize"
    assert calls[0].json == {"text": "Hello World"}
    assert result.indexed == ["hello", "world"]
