"""Local stand-ins for the inference services that Weaviate's modules call.

:class:`InferenceServer` is a small HTTP server that speaks the wire contracts
used by Weaviate's ``text2vec-transformers``, ``reranker-transformers``,
``generative-openai``, ``text2vec-openai``, ``text2vec-ollama`` and
``generative-ollama`` modules, so vectorizer, reranker and generative features
run end to end against a real Weaviate server without internet access or model
downloads::

    from weavorm.testing.inference import InferenceServer

    with InferenceServer() as server:
        env = {
            "ENABLE_MODULES": "text2vec-transformers,reranker-transformers,generative-openai",
            "TRANSFORMERS_INFERENCE_API": server.url,
            "RERANKER_INFERENCE_API": server.url,
            "OPENAI_APIKEY": "dummy",
        }
        ...  # start Weaviate with env, use baseURL=server.url for generative-openai
        assert server.calls["vectors"] > 0

Everything is deterministic. Embeddings come from :class:`LexicalEmbedder` (hashed
character n-grams, so texts sharing words get near vectors) unless another
:class:`Embedder` is plugged in; rerank scores are cosine similarities of those
embeddings; generated text echoes the prompt as ``"weavorm-echo: <prompt>"``.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import json
import math
import re
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, cast, runtime_checkable

__all__ = [
    "ECHO_PREFIX",
    "CallCounter",
    "Embedder",
    "InferenceServer",
    "LexicalEmbedder",
    "cosine_similarity",
]

ECHO_PREFIX = "weavorm-echo: "
"""Prefix of every generated reply; the rest is the (truncated) prompt."""

_MAX_ECHO_CHARS = 1000
_MODEL_NAME = "weavorm-lexical"
_CHAT_MODEL_NAME = "weavorm-echo"
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_SLASHES_RE = re.compile(r"/{2,}")
_MAX_BODY_BYTES = 64 * 1024 * 1024


# --------------------------------------------------------------------------- embedders


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into fixed-size vectors.

    Plug a real model into :class:`InferenceServer` by passing an object with a
    ``dimensions`` attribute and a ``__call__`` that embeds a batch of texts.
    Calls are serialised by the server, so the embedder need not be thread-safe.
    """

    @property
    def dimensions(self) -> int:
        """The length of every vector the embedder returns."""
        ...

    def __call__(self, texts: list[str]) -> list[list[float]]:
        """Embed ``texts``, returning one vector per text, in order."""
        ...


class LexicalEmbedder:
    """A deterministic, dependency-free embedder based on hashed character n-grams.

    Each text is lowercased and split into words; every word contributes its
    boundary-marked character n-grams (``"<car>"`` gives ``"<ca"``, ``"car"``,
    ``"ar>"`` for n=3) plus the whole word as a feature. Features are hashed with
    BLAKE2b (stable across processes, unlike :func:`hash`) into ``dimensions``
    signed buckets and the result is L2-normalised. Texts that share words or
    word stems therefore get near vectors (high cosine similarity), while
    unrelated texts land close to orthogonal. A text with no words maps to a fixed
    unit vector, so no vector is ever all zeros.

    Args:
        dimensions: Length of the produced vectors (at least 1).
        ngram: Character n-gram size (at least 1).
    """

    def __init__(self, *, dimensions: int = 64, ngram: int = 3) -> None:
        if isinstance(dimensions, bool) or not isinstance(dimensions, int) or dimensions < 1:
            raise ValueError(f"dimensions must be a positive integer, got {dimensions!r}")
        if isinstance(ngram, bool) or not isinstance(ngram, int) or ngram < 1:
            raise ValueError(f"ngram must be a positive integer, got {ngram!r}")
        self._dimensions = dimensions
        self._ngram = ngram

    @property
    def dimensions(self) -> int:
        """The length of every produced vector."""
        return self._dimensions

    @property
    def ngram(self) -> int:
        """The character n-gram size."""
        return self._ngram

    def __repr__(self) -> str:
        return f"LexicalEmbedder(dimensions={self._dimensions}, ngram={self._ngram})"

    def __call__(self, texts: list[str]) -> list[list[float]]:
        """Embed each text; see the class docstring for the method."""
        return [self.embed(text) for text in texts]

    def embed(self, text: str) -> list[float]:
        """Embed a single text into a unit-length vector."""
        vector = [0.0] * self._dimensions
        for feature in self._features(text):
            digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            bucket = (value >> 1) % self._dimensions
            vector[bucket] += 1.0 if value & 1 else -1.0
        norm = math.sqrt(sum(x * x for x in vector))
        if norm == 0.0:
            # No words, or features that cancelled out: a fixed, non-zero unit vector.
            return [1.0 / math.sqrt(self._dimensions)] * self._dimensions
        return [x / norm for x in vector]

    def _features(self, text: str) -> Iterator[str]:
        n = self._ngram
        for word in _WORD_RE.findall(text.lower()):
            yield "w:" + word
            marked = f"<{word}>"
            if len(marked) <= n:
                yield "g:" + marked
                continue
            for i in range(len(marked) - n + 1):
                yield "g:" + marked[i : i + n]


def cosine_similarity(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two equally long vectors (0.0 if either is all zeros).

    Raises:
        ValueError: If the vectors differ in length.
    """
    if len(a) != len(b):
        raise ValueError(f"vector lengths differ: {len(a)} != {len(b)}")
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return 0.0 if norm == 0.0 else dot / norm


def _resize(vector: list[float], dimensions: int) -> list[float]:
    """Truncate (and re-normalise) or zero-pad ``vector`` to ``dimensions``."""
    if len(vector) == dimensions:
        return vector
    if len(vector) > dimensions:
        head = vector[:dimensions]
        norm = math.sqrt(sum(x * x for x in head))
        if norm == 0.0:
            return [1.0 / math.sqrt(dimensions)] * dimensions
        return [x / norm for x in head]
    return vector + [0.0] * (dimensions - len(vector))


# --------------------------------------------------------------------------- counters


class CallCounter(Mapping[str, int]):
    """A thread-safe, read-only :class:`collections.Counter`-like view of call counts.

    Missing keys read as 0 (``server.calls["rerank"] == 0`` before any rerank),
    and the counter compares equal to a plain mapping with the same non-zero
    counts (``server.calls == {"vectors": 2}``).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: collections.Counter[str] = collections.Counter()

    def __getitem__(self, key: str) -> int:
        with self._lock:
            return self._counts[key]

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._counts

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._counts))

    def __len__(self) -> int:
        with self._lock:
            return len(self._counts)

    def __repr__(self) -> str:
        return f"CallCounter({dict(self.snapshot())!r})"

    def get(self, key: str, default: Any = None) -> Any:
        """Return the count for ``key``, or ``default`` if it was never counted."""
        with self._lock:
            return self._counts.get(key, default)

    def total(self) -> int:
        """The sum of all counts."""
        with self._lock:
            return sum(self._counts.values())

    def snapshot(self) -> collections.Counter[str]:
        """A consistent copy of the counts as a plain :class:`collections.Counter`."""
        with self._lock:
            return collections.Counter(self._counts)

    def _increment(self, key: str, amount: int = 1) -> None:
        with self._lock:
            self._counts[key] += amount

    def _clear(self) -> None:
        with self._lock:
            self._counts.clear()


# --------------------------------------------------------------------------- HTTP plumbing


class _HTTPError(Exception):
    """Raised by handlers to answer with an error status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Response:
    """A complete response: status, body bytes and content type."""

    __slots__ = ("body", "content_type", "status")

    def __init__(self, status: int, body: bytes, content_type: str) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type


def _json(payload: object, status: int = 200) -> _Response:
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return _Response(status, body, "application/json")


def _ndjson(lines: list[dict[str, Any]]) -> _Response:
    body = b"".join(json.dumps(line, separators=(",", ":")).encode() + b"\n" for line in lines)
    return _Response(200, body, "application/x-ndjson")


def _no_content() -> _Response:
    return _Response(204, b"", "")


def _word_count(text: str) -> int:
    return len(text.split())


def _echo(prompt: str) -> str:
    prompt = prompt.strip()
    if len(prompt) > _MAX_ECHO_CHARS:
        prompt = prompt[:_MAX_ECHO_CHARS].rstrip() + "..."
    return ECHO_PREFIX + prompt


def _require_str(body: Mapping[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise _HTTPError(400, f"field {key!r} must be a string")
    return value


def _require_str_list(body: Mapping[str, Any], key: str, *, allow_str: bool) -> list[str]:
    value = body.get(key)
    if allow_str and isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        kind = "a string or a list of strings" if allow_str else "a list of strings"
        raise _HTTPError(400, f"field {key!r} must be {kind}")
    return cast("list[str]", value)


def _optional_dimensions(value: object, key: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _HTTPError(400, f"field {key!r} must be a positive integer")
    return value


def _message_text(content: object) -> str:
    """The text of an OpenAI/Ollama message ``content`` (a string or a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        ]
        return "\n".join(parts)
    return ""


def _last_user_message(body: Mapping[str, Any]) -> tuple[str, int]:
    """The last user message of a chat request and the word count of all messages."""
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise _HTTPError(400, "field 'messages' must be a non-empty list")
    last_user: str | None = None
    words = 0
    for message in messages:
        if not isinstance(message, dict):
            raise _HTTPError(400, "every message must be an object")
        text = _message_text(message.get("content"))
        words += _word_count(text)
        if message.get("role") == "user":
            last_user = text
    if last_user is None:
        # No user turn: echo whatever the last message said.
        last_user = _message_text(messages[-1].get("content"))
    return last_user, words


# Routes are matched on the tail of the path so that base URLs carrying a prefix
# (``/v1``, ``/passage``, an Azure ``/openai/deployments/<id>``) still work.
# Longer tails are tried first.
_ROUTES: tuple[tuple[str, str, str], ...] = (
    ("/.well-known/ready", "GET", "ready"),
    ("/.well-known/live", "GET", "live"),
    ("/chat/completions", "POST", "chat"),
    ("/api/embeddings", "POST", "ollama_embeddings"),
    ("/api/generate", "POST", "ollama_generate"),
    ("/api/version", "GET", "ollama_version"),
    ("/api/embed", "POST", "ollama_embed"),
    ("/api/chat", "POST", "ollama_chat"),
    ("/api/tags", "GET", "ollama_tags"),
    ("/completions", "POST", "completions"),
    ("/embeddings", "POST", "embeddings"),
    ("/vectors", "POST", "vectors"),
    ("/rerank", "POST", "rerank"),
    ("/models", "GET", "models"),
    ("/meta", "GET", "meta"),
)


def _normalise_path(raw: str) -> str:
    path = raw.split("?", 1)[0].split("#", 1)[0]
    path = _SLASHES_RE.sub("/", path)
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return path or "/"


def _match_route(path: str) -> list[tuple[str, str]]:
    """``(method, endpoint)`` pairs whose tail matches ``path``; empty if none."""
    for tail, _method, _endpoint in _ROUTES:
        if path.endswith(tail):
            return [(m, e) for t, m, e in _ROUTES if t == tail]
    return []


def _openai_style(path: str) -> bool:
    """Whether errors on ``path`` should use OpenAI's ``{"error": {"message": ...}}`` shape."""
    if path.startswith("/api/") or path.endswith("/api/embeddings"):
        return False
    return path.startswith(("/v1/", "/openai/")) or path.endswith(
        ("/completions", "/embeddings", "/models")
    )


class _App:
    """The request handlers and shared state behind an :class:`InferenceServer`."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.calls = CallCounter()
        self._texts_lock = threading.Lock()
        self._embedded_texts: list[str] = []
        self._embed_lock = threading.Lock()
        self._resized: dict[int, LexicalEmbedder] = {}

    # ---- state

    def embedded_texts(self) -> list[str]:
        with self._texts_lock:
            return list(self._embedded_texts)

    def reset(self) -> None:
        self.calls._clear()
        with self._texts_lock:
            self._embedded_texts.clear()

    def embed(self, texts: list[str], *, dimensions: int | None, record: bool) -> list[list[float]]:
        """Embed ``texts``, honouring a requested output size."""
        if record:
            with self._texts_lock:
                self._embedded_texts.extend(texts)
        if not texts:
            return []
        with self._embed_lock:
            if (
                dimensions is not None
                and dimensions != self.embedder.dimensions
                and isinstance(self.embedder, LexicalEmbedder)
            ):
                # The lexical embedder can natively produce any size.
                embedder = self._resized.get(dimensions)
                if embedder is None:
                    embedder = LexicalEmbedder(dimensions=dimensions, ngram=self.embedder.ngram)
                    self._resized[dimensions] = embedder
                vectors = embedder(texts)
            else:
                vectors = self.embedder(list(texts))
        if len(vectors) != len(texts):
            raise _HTTPError(
                500, f"embedder returned {len(vectors)} vectors for {len(texts)} texts"
            )
        result = [[float(x) for x in vector] for vector in vectors]
        if dimensions is not None:
            result = [_resize(vector, dimensions) for vector in result]
        return result

    # ---- dispatch

    def handle(self, method: str, raw_path: str, body: bytes) -> _Response:
        path = _normalise_path(raw_path)
        openai_style = _openai_style(path)
        try:
            routes = _match_route(path)
            if not routes:
                self.calls._increment("not_found")
                raise _HTTPError(404, f"no such endpoint: {method} {path}")
            endpoint = next((e for m, e in routes if m == method), None)
            if endpoint is None:
                allowed = ", ".join(sorted({m for m, _ in routes}))
                self.calls._increment("method_not_allowed")
                raise _HTTPError(405, f"method {method} not allowed on {path} (use {allowed})")
            payload: dict[str, Any] = self._parse(body) if method == "POST" else {}
            response = getattr(self, "_" + endpoint)(payload)
            self.calls._increment(endpoint)
            return cast("_Response", response)
        except _HTTPError as exc:
            if exc.status == 400:
                self.calls._increment("bad_request")
            if openai_style:
                kind = "invalid_request_error" if exc.status < 500 else "server_error"
                error: object = {"message": exc.message, "type": kind, "param": None, "code": None}
            else:
                error = exc.message
            return _json({"error": error}, exc.status)

    @staticmethod
    def _parse(body: bytes) -> dict[str, Any]:
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise _HTTPError(400, f"request body is not valid JSON: {exc}") from None
        if not isinstance(payload, dict):
            raise _HTTPError(400, "request body must be a JSON object")
        return payload

    # ---- health and metadata

    def _ready(self, _: dict[str, Any]) -> _Response:
        return _no_content()

    def _live(self, _: dict[str, Any]) -> _Response:
        return _no_content()

    def _meta(self, _: dict[str, Any]) -> _Response:
        return _json(
            {
                "model": {
                    "_name_or_path": f"weavorm/{_MODEL_NAME}",
                    "model_type": "weavorm-test-double",
                    "embedder": type(self.embedder).__name__,
                    "dimensions": self.embedder.dimensions,
                },
                "service": "weavorm.testing.inference",
            }
        )

    def _models(self, _: dict[str, Any]) -> _Response:
        data = [
            {"id": name, "object": "model", "created": 0, "owned_by": "weavorm"}
            for name in (_CHAT_MODEL_NAME, _MODEL_NAME)
        ]
        return _json({"object": "list", "data": data})

    def _ollama_tags(self, _: dict[str, Any]) -> _Response:
        models = [
            {"name": f"{name}:latest", "model": f"{name}:latest", "size": 0, "details": {}}
            for name in (_CHAT_MODEL_NAME, _MODEL_NAME)
        ]
        return _json({"models": models})

    def _ollama_version(self, _: dict[str, Any]) -> _Response:
        return _json({"version": "0.0.0-weavorm"})

    # ---- embeddings

    def _vectors(self, body: dict[str, Any]) -> _Response:
        """text2vec-transformers: ``{"text", "config"}`` -> ``{"text", "vector", "dim"}``."""
        text = _require_str(body, "text")
        config = body.get("config") or {}
        if not isinstance(config, dict):
            raise _HTTPError(400, "field 'config' must be an object")
        dimensions = _optional_dimensions(config.get("dimensions"), "config.dimensions")
        [vector] = self.embed([text], dimensions=dimensions, record=True)
        return _json({"text": text, "vector": vector, "dim": len(vector), "dims": len(vector)})

    def _embeddings(self, body: dict[str, Any]) -> _Response:
        """OpenAI ``/v1/embeddings``: ``{"input", "model"}`` -> ``{"data": [...]}``."""
        texts = _require_str_list(body, "input", allow_str=True)
        dimensions = _optional_dimensions(body.get("dimensions"), "dimensions")
        encoding = body.get("encoding_format", "float")
        if encoding not in ("float", "base64", None):
            raise _HTTPError(400, "field 'encoding_format' must be 'float' or 'base64'")
        vectors = self.embed(texts, dimensions=dimensions, record=True)
        data: list[dict[str, Any]] = []
        for index, vector in enumerate(vectors):
            embedding: object = vector
            if encoding == "base64":
                packed = struct.pack(f"<{len(vector)}f", *vector)
                embedding = base64.b64encode(packed).decode("ascii")
            data.append({"object": "embedding", "index": index, "embedding": embedding})
        tokens = sum(_word_count(t) for t in texts)
        return _json(
            {
                "object": "list",
                "data": data,
                "model": body.get("model") or _MODEL_NAME,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )

    def _ollama_embed(self, body: dict[str, Any]) -> _Response:
        """Ollama ``/api/embed``: ``{"model", "input"}`` -> ``{"embeddings": [...]}``."""
        texts = _require_str_list(body, "input", allow_str=True)
        dimensions = _optional_dimensions(body.get("dimensions"), "dimensions")
        vectors = self.embed(texts, dimensions=dimensions, record=True)
        return _json(
            {
                "model": body.get("model") or _MODEL_NAME,
                "embeddings": vectors,
                "total_duration": 0,
                "load_duration": 0,
                "prompt_eval_count": sum(_word_count(t) for t in texts),
            }
        )

    def _ollama_embeddings(self, body: dict[str, Any]) -> _Response:
        """Legacy Ollama ``/api/embeddings``: ``{"model", "prompt"}`` -> ``{"embedding"}``."""
        text = _require_str(body, "prompt")
        [vector] = self.embed([text], dimensions=None, record=True)
        return _json({"embedding": vector})

    # ---- reranking

    def _rerank(self, body: dict[str, Any]) -> _Response:
        """reranker-transformers: ``{"query", "documents"}`` -> ``{"scores": [...]}``.

        Scores keep the order of ``documents`` (Weaviate maps them back by index).
        """
        query = _require_str(body, "query")
        documents = _require_str_list(body, "documents", allow_str=False)
        vectors = self.embed([query, *documents], dimensions=None, record=False)
        query_vector = vectors[0]
        scores = [
            {"document": document, "score": cosine_similarity(query_vector, vector)}
            for document, vector in zip(documents, vectors[1:], strict=True)
        ]
        return _json({"query": query, "scores": scores})

    # ---- generation

    def _chat(self, body: dict[str, Any]) -> _Response:
        """OpenAI ``/v1/chat/completions`` with a deterministic echo reply."""
        if body.get("stream"):
            raise _HTTPError(400, "streaming is not supported by the weavorm test server")
        prompt, prompt_tokens = _last_user_message(body)
        reply = _echo(prompt)
        n = body.get("n")
        count = n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 1
        choices = [
            {
                "index": i,
                "message": {"role": "assistant", "content": reply},
                "logprobs": None,
                "finish_reason": "stop",
            }
            for i in range(count)
        ]
        return _json(
            {
                "id": "chatcmpl-" + hashlib.blake2b(reply.encode(), digest_size=8).hexdigest(),
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model") or _CHAT_MODEL_NAME,
                "choices": choices,
                "usage": self._usage(prompt_tokens, reply, count),
            }
        )

    def _completions(self, body: dict[str, Any]) -> _Response:
        """Legacy OpenAI ``/v1/completions`` (``{"prompt"}`` -> ``choices[].text``)."""
        if body.get("stream"):
            raise _HTTPError(400, "streaming is not supported by the weavorm test server")
        prompt = body.get("prompt")
        if isinstance(prompt, list) and prompt and all(isinstance(p, str) for p in prompt):
            prompt = prompt[-1]
        if not isinstance(prompt, str):
            raise _HTTPError(400, "field 'prompt' must be a string")
        reply = _echo(prompt)
        return _json(
            {
                "id": "cmpl-" + hashlib.blake2b(reply.encode(), digest_size=8).hexdigest(),
                "object": "text_completion",
                "created": int(time.time()),
                "model": body.get("model") or _CHAT_MODEL_NAME,
                "choices": [{"index": 0, "text": reply, "logprobs": None, "finish_reason": "stop"}],
                "usage": self._usage(_word_count(prompt), reply, 1),
            }
        )

    @staticmethod
    def _usage(prompt_tokens: int, reply: str, count: int) -> dict[str, int]:
        completion_tokens = _word_count(reply) * count
        return {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }

    def _ollama_generate(self, body: dict[str, Any]) -> _Response:
        """Ollama ``/api/generate``: ``{"model", "prompt"}`` -> ``{"response", "done"}``."""
        prompt = _require_str(body, "prompt")
        reply = _echo(prompt)
        return self._ollama_reply(body, {"response": reply}, {"response": ""}, prompt, reply)

    def _ollama_chat(self, body: dict[str, Any]) -> _Response:
        """Ollama ``/api/chat``: ``{"model", "messages"}`` -> ``{"message", "done"}``."""
        prompt, _ = _last_user_message(body)
        reply = _echo(prompt)
        message = {"role": "assistant", "content": reply}
        empty = {"role": "assistant", "content": ""}
        return self._ollama_reply(body, {"message": message}, {"message": empty}, prompt, reply)

    @staticmethod
    def _ollama_reply(
        body: dict[str, Any],
        content: dict[str, Any],
        empty: dict[str, Any],
        prompt: str,
        reply: str,
    ) -> _Response:
        head = {
            "model": body.get("model") or _CHAT_MODEL_NAME,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        final = {
            "done": True,
            "done_reason": "stop",
            "total_duration": 0,
            "load_duration": 0,
            "prompt_eval_count": _word_count(prompt),
            "eval_count": _word_count(reply),
        }
        if body.get("stream", True) is False:
            return _json({**head, **content, **final})
        # Ollama streams newline-delimited JSON unless told ``"stream": false``.
        return _ndjson([{**head, **content, "done": False}, {**head, **empty, **final}])


class _Handler(BaseHTTPRequestHandler):
    """Adapts :mod:`http.server` requests to :class:`_App`."""

    protocol_version = "HTTP/1.1"
    server_version = "weavorm-inference/1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay silent: test output should not be littered with access logs."""

    def _app(self) -> _App:
        return cast("_Server", self.server).app

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            size = 0
            while True:
                line = self.rfile.readline(1024)
                length = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if length == 0:
                    # Skip trailers up to the blank line.
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                size += length
                if size > _MAX_BODY_BYTES:
                    raise ValueError("request body too large")
                chunks.append(self.rfile.read(length))
                self.rfile.readline(1024)
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > _MAX_BODY_BYTES:
            raise ValueError("bad Content-Length")
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(_json({"error": "malformed request body"}, 400))
            return
        try:
            response = self._app().handle(self.command, self.path, body)
        except Exception as exc:  # a faulty plugged-in embedder must not kill the thread
            response = _json({"error": f"internal error: {type(exc).__name__}: {exc}"}, 500)
        self._send(response)

    def _send(self, response: _Response) -> None:
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if response.body and self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = _dispatch
    do_POST = _dispatch
    do_PUT = _dispatch
    do_PATCH = _dispatch
    do_DELETE = _dispatch
    do_HEAD = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # idle keep-alive connections must not block stop()

    def __init__(self, address: tuple[str, int], app: _App, family: socket.AddressFamily) -> None:
        self.address_family = family
        self.app = app
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which can stall on DNS.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay silent: a client dropping its connection is not worth a traceback."""


# --------------------------------------------------------------------------- public server


class InferenceServer:
    """A local HTTP server impersonating the inference services Weaviate's modules call.

    All services share one port:

    * ``text2vec-transformers``: ``POST /vectors``, ``GET /meta``,
      ``GET /.well-known/ready`` and ``/.well-known/live``
      (``TRANSFORMERS_INFERENCE_API=<url>``).
    * ``reranker-transformers``: ``POST /rerank`` (``RERANKER_INFERENCE_API=<url>``).
    * OpenAI-compatible: ``POST /v1/chat/completions``, ``/v1/completions``,
      ``/v1/embeddings``, ``GET /v1/models`` (``baseURL=<url>`` in the
      ``generative-openai`` or ``text2vec-openai`` module config).
    * Ollama: ``POST /api/embed``, ``/api/embeddings``, ``/api/generate``,
      ``/api/chat``, ``GET /api/tags`` (``apiEndpoint=<url>``).

    Routes match on the tail of the path, so base URLs with a prefix (for example
    ``<url>/v1`` or separate ``<url>/passage`` and ``<url>/query``) also work.
    Unknown paths get a 404 and malformed JSON a 400, both with a JSON ``error``.

    Args:
        embedder: The embedder behind every embedding and rerank endpoint;
            defaults to ``LexicalEmbedder(dimensions=dimensions)``.
        dimensions: Vector size of the default embedder; ignored when
            ``embedder`` is given.
        host: Interface to bind; keep the loopback default in tests.
        port: Port to bind; 0 picks a free one (read it back from :attr:`url`).
    """

    def __init__(
        self,
        *,
        embedder: Embedder | None = None,
        dimensions: int = 64,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if embedder is None:
            embedder = LexicalEmbedder(dimensions=dimensions)
        elif not isinstance(embedder, Embedder):
            raise TypeError("embedder must be callable and have a 'dimensions' attribute")
        self._app = _App(embedder)
        self._host = host
        self._port = port
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lifecycle = threading.Lock()

    # ---- lifecycle

    def start(self) -> InferenceServer:
        """Bind the port and serve in a daemon thread; returns ``self``.

        Raises:
            RuntimeError: If the server is already running.
            OSError: If the address cannot be bound.
        """
        with self._lifecycle:
            if self._httpd is not None:
                raise RuntimeError("InferenceServer is already running")
            family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
            httpd = _Server((self._host, self._port), self._app, family)
            thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"weavorm-inference-{httpd.server_address[1]}",
                daemon=True,
            )
            thread.start()
            self._httpd, self._thread = httpd, thread
        return self

    def stop(self) -> None:
        """Stop serving, close the socket and join the thread (a no-op if not running)."""
        with self._lifecycle:
            httpd, thread = self._httpd, self._thread
            self._httpd = self._thread = None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        if thread is not None:
            thread.join()

    def __enter__(self) -> InferenceServer:
        if not self.running:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self.running else "stopped"
        return f"InferenceServer({where}, embedder={self._app.embedder!r})"

    # ---- introspection

    @property
    def running(self) -> bool:
        """Whether the server is currently serving."""
        return self._httpd is not None

    @property
    def port(self) -> int:
        """The bound port.

        Raises:
            RuntimeError: If the server is not running.
        """
        httpd = self._httpd
        if httpd is None:
            raise RuntimeError("InferenceServer is not running; call start() first")
        return int(httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``"http://127.0.0.1:8123"``.

        Raises:
            RuntimeError: If the server is not running.
        """
        port = self.port
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{port}"

    @property
    def embedder(self) -> Embedder:
        """The embedder serving every embedding and rerank endpoint."""
        return self._app.embedder

    @property
    def dimensions(self) -> int:
        """The embedder's vector size (the size returned unless a request asks otherwise)."""
        return self._app.embedder.dimensions

    @property
    def calls(self) -> CallCounter:
        """Successful calls per endpoint name.

        Names: ``"vectors"``, ``"meta"``, ``"ready"``, ``"live"``, ``"rerank"``,
        ``"chat"``, ``"completions"``, ``"embeddings"``, ``"models"``,
        ``"ollama_embed"``, ``"ollama_embeddings"``, ``"ollama_generate"``,
        ``"ollama_chat"``, ``"ollama_tags"``, ``"ollama_version"``; failures count
        under ``"not_found"``, ``"method_not_allowed"`` and ``"bad_request"``.
        """
        return self._app.calls

    @property
    def embedded_texts(self) -> list[str]:
        """A copy of every text sent to an embedding endpoint, in arrival order.

        Texts scored by ``/rerank`` are not included.
        """
        return self._app.embedded_texts()

    def reset_counters(self) -> None:
        """Clear :attr:`calls` and :attr:`embedded_texts`."""
        self._app.reset()
