"""The tokenize endpoints (Weaviate 1.37+): how text is split for the inverted index.

``POST /v1/tokenize`` takes a tokenization method (and optional analyzer and
stopword settings); ``POST /v1/schema/{collection}/properties/{property}/tokenize``
uses a property's own configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

from weavorm.config.vocabulary import TOKENIZATIONS as _VOCABULARY_TOKENIZATIONS
from weavorm.engine._protocol.calls import Operation, http
from weavorm.engine._protocol.ops_common import capitalize_first, reply_dict, require_name, segment
from weavorm.engine._protocol.validate import check_property_name
from weavorm.errors import ConfigError

__all__ = [
    "TOKENIZATIONS",
    "SupportsToDict",
    "TokenizeResult",
    "for_property",
    "text",
]

#: Tokenization methods the server knows (:mod:`weavorm.config.vocabulary`).
TOKENIZATIONS = _VOCABULARY_TOKENIZATIONS


class SupportsToDict(Protocol):
    """A settings object with ``to_dict()`` (e.g. :class:`weavorm.config.TextAnalyzer`)."""

    def to_dict(self) -> Mapping[str, Any]:
        """The settings as the server's JSON."""
        ...


@dataclass(frozen=True, slots=True)
class TokenizeResult:
    """Tokens of a text.

    Attributes:
        indexed: Tokens as stored in the inverted index.
        query: Tokens as used in a query (stopwords removed).
    """

    indexed: list[str] = field(default_factory=list)
    query: list[str] = field(default_factory=list)


def _settings(value: Mapping[str, Any] | SupportsToDict | None, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return dict(to_dict())
    raise ConfigError(
        f"{name} must be a mapping or have to_dict(), got {type(value).__name__}", field=name
    )


def _result(body: Mapping[str, Any]) -> TokenizeResult:
    return TokenizeResult(
        indexed=[str(t) for t in body.get("indexed") or []],
        query=[str(t) for t in body.get("query") or []],
    )


def text(
    text: str,
    tokenization: str,
    *,
    analyzer_config: Mapping[str, Any] | SupportsToDict | None = None,
    stopwords: Mapping[str, Any] | SupportsToDict | None = None,
    stopword_presets: Mapping[str, Sequence[str]] | None = None,
) -> Operation[TokenizeResult]:
    """``POST /v1/tokenize``."""
    if not isinstance(text, str):
        raise ConfigError(f"text must be a string, got {type(text).__name__}", field="text")
    method = str(tokenization.value if isinstance(tokenization, Enum) else tokenization)
    if method not in TOKENIZATIONS:
        raise ConfigError(
            f"tokenization must be one of {', '.join(TOKENIZATIONS)}, got {tokenization!r}",
            field="tokenization",
            value=tokenization,
        )
    if stopwords is not None and stopword_presets is not None:
        raise ConfigError(
            "stopwords and stopword_presets exclude each other; pass one", field="stopwords"
        )
    payload: dict[str, Any] = {"text": text, "tokenization": method}
    analyzer = _settings(analyzer_config, "analyzer_config")
    if analyzer:
        payload["analyzerConfig"] = analyzer
    words = _settings(stopwords, "stopwords")
    if words:
        payload["stopwords"] = words
    if stopword_presets is not None:
        presets: dict[str, list[str]] = {}
        for name, items in stopword_presets.items():
            if isinstance(items, (str, bytes)) or not all(isinstance(w, str) for w in items):
                raise ConfigError(
                    f"stopword_presets[{name!r}] must be a list of strings",
                    field="stopword_presets",
                    value=items,
                )
            presets[str(name)] = list(items)
        payload["stopwordPresets"] = presets
    reply = yield from http(
        "POST", "/v1/tokenize", operation="tokenization.text", json=payload, idempotent=True
    )
    return _result(reply_dict(reply))


def for_property(collection: str, property_name: str, text: str) -> Operation[TokenizeResult]:
    """``POST /v1/schema/{collection}/properties/{property}/tokenize``."""
    if not isinstance(text, str):
        raise ConfigError(f"text must be a string, got {type(text).__name__}", field="text")
    name = segment(capitalize_first(require_name(collection, "collection")), "collection")
    prop = segment(check_property_name(property_name, "property_name"), "property_name")
    reply = yield from http(
        "POST",
        f"/v1/schema/{name}/properties/{prop}/tokenize",
        operation="tokenization.for_property",
        json={"text": text},
        idempotent=True,
    )
    return _result(reply_dict(reply))
