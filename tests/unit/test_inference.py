from __future__ import annotations

import base64
import math
import os
import struct
import subprocess
import sys
import threading
from collections.abc import Iterator

import httpx
import pytest

from weavorm.testing.inference import (
    ECHO_PREFIX,
    CallCounter,
    Embedder,
    InferenceServer,
    LexicalEmbedder,
    cosine_similarity,
)


@pytest.fixture(scope="module")
def server() -> Iterator[InferenceServer]:
    with InferenceServer() as srv:
        yield srv


@pytest.fixture
def client(server: InferenceServer) -> Iterator[httpx.Client]:
    server.reset_counters()
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def norm(vector: list[float]) -> float:
    return math.sqrt(sum(x * x for x in vector))


# --------------------------------------------------------------------------- LexicalEmbedder


def test_lexical_embedder_is_deterministic_and_normalised() -> None:
    a = LexicalEmbedder(dimensions=48)
    b = LexicalEmbedder(dimensions=48)
    [v1, v2] = a(["Hello world", "Hello world"])
    assert v1 == v2 == b(["Hello world"])[0]
    assert len(v1) == 48
    assert norm(v1) == pytest.approx(1.0)
    assert a.dimensions == 48
    assert isinstance(a, Embedder)


def test_lexical_embedder_is_stable_across_processes() -> None:
    # blake2b, not hash(): a different PYTHONHASHSEED must give the same vector.
    code = (
        "from weavorm.testing.inference import LexicalEmbedder;"
        "print(repr(LexicalEmbedder(dimensions=16).embed('stable hashing check')))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1
    assert outputs == {repr(LexicalEmbedder(dimensions=16).embed("stable hashing check")) + "\n"}


def test_lexical_embedder_similarity_is_lexical() -> None:
    embed = LexicalEmbedder()
    red_car, red_cars, physics = embed(["a red car", "red cars", "quantum physics"])
    assert cosine_similarity(red_car, red_cars) > 0.5
    assert cosine_similarity(red_car, red_cars) > cosine_similarity(red_car, physics) + 0.3
    # Case and punctuation do not matter.
    assert embed(["A RED car!"])[0] == pytest.approx(red_car)


@pytest.mark.parametrize("text", ["", "   ", "!!! ???"])
def test_lexical_embedder_never_returns_zero_vector(text: str) -> None:
    [vector] = LexicalEmbedder(dimensions=8)([text])
    assert norm(vector) == pytest.approx(1.0)
    assert vector == LexicalEmbedder(dimensions=8).embed("")


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_lexical_embedder_rejects_bad_dimensions(bad: object) -> None:
    with pytest.raises(ValueError):
        LexicalEmbedder(dimensions=bad)  # type: ignore[arg-type]


def test_cosine_similarity_edge_cases() -> None:
    assert cosine_similarity([1.0, 0.0], [0.0, 0.0]) == 0.0
    assert cosine_similarity([1.0, 1.0], [2.0, 2.0]) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        cosine_similarity([1.0], [1.0, 2.0])


# --------------------------------------------------------------------------- lifecycle


def test_lifecycle_url_and_restart() -> None:
    srv = InferenceServer()
    assert not srv.running
    with pytest.raises(RuntimeError):
        _ = srv.url
    assert srv.start() is srv
    try:
        assert srv.url.startswith("http://127.0.0.1:")
        assert srv.url == f"http://127.0.0.1:{srv.port}"
        assert srv.port > 0
        with pytest.raises(RuntimeError):
            srv.start()
        assert httpx.get(srv.url + "/.well-known/live").status_code == 204
    finally:
        srv.stop()
    srv.stop()  # idempotent
    assert not srv.running
    with srv:  # can start again after stop
        assert httpx.get(srv.url + "/.well-known/ready").status_code == 204
    assert not srv.running


def test_two_servers_get_distinct_ports() -> None:
    with InferenceServer() as a, InferenceServer() as b:
        assert a.url != b.url


def test_stop_does_not_hang_on_keep_alive_connections() -> None:
    srv = InferenceServer().start()
    client = httpx.Client(base_url=srv.url)
    try:
        assert client.get("/meta").status_code == 200  # leaves an idle keep-alive connection
        stopper = threading.Thread(target=srv.stop)
        stopper.start()
        stopper.join(timeout=5)
        assert not stopper.is_alive()
    finally:
        client.close()


def test_server_is_silent(capfd: pytest.CaptureFixture[str]) -> None:
    with InferenceServer() as srv, httpx.Client(base_url=srv.url) as c:
        c.post("/vectors", json={"text": "x"})
        c.get("/missing")
        c.post("/rerank", content=b"not json")
    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""


# --------------------------------------------------------------------------- text2vec-transformers


def test_vectors_shape(server: InferenceServer, client: httpx.Client) -> None:
    body = {
        "text": "a red car",
        "config": {"pooling_strategy": "masked_mean", "task_type": "passage"},
    }
    r = client.post("/vectors", json=body)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    data = r.json()
    assert data["text"] == "a red car"
    assert data["dim"] == data["dims"] == server.dimensions == 64
    assert data["vector"] == pytest.approx(LexicalEmbedder(dimensions=64).embed("a red car"))
    # Trailing slash and a path prefix (separate passage/query base URLs) route the same.
    assert client.post("/vectors/", json=body).json() == data
    assert client.post("/query/vectors", json={"text": "a red car"}).json() == data


def test_vectors_honours_requested_dimensions(client: httpx.Client) -> None:
    r = client.post("/vectors", json={"text": "hello", "config": {"dimensions": 16}})
    assert r.status_code == 200
    assert r.json()["dim"] == 16
    assert len(r.json()["vector"]) == 16
    assert norm(r.json()["vector"]) == pytest.approx(1.0)


def test_meta_and_health(client: httpx.Client, server: InferenceServer) -> None:
    meta = client.get("/meta").json()
    assert meta["model"]["dimensions"] == 64
    assert client.get("/.well-known/ready").status_code == 204
    assert client.get("/.well-known/live").status_code == 204
    assert server.calls == {"meta": 1, "ready": 1, "live": 1}


# --------------------------------------------------------------------------- reranker


def test_rerank_scores_keep_input_order(client: httpx.Client) -> None:
    documents = ["quantum physics", "red cars", "a red car"]
    r = client.post("/rerank", json={"query": "a red car", "documents": documents})
    assert r.status_code == 200
    data = r.json()
    assert data["query"] == "a red car"
    assert [s["document"] for s in data["scores"]] == documents
    physics, cars, car = (s["score"] for s in data["scores"])
    assert car == pytest.approx(1.0)
    assert car > cars > physics


def test_rerank_empty_documents(client: httpx.Client) -> None:
    r = client.post("/rerank", json={"query": "q", "documents": []})
    assert r.json() == {"query": "q", "scores": []}


def test_rerank_rejects_bad_documents(client: httpx.Client) -> None:
    r = client.post("/rerank", json={"query": "q", "documents": "not a list"})
    assert r.status_code == 400
    assert "documents" in r.json()["error"]


# --------------------------------------------------------------------------- OpenAI-compatible


@pytest.mark.parametrize(
    "path", ["/v1/chat/completions", "/chat/completions", "/v1/v1/chat/completions"]
)
def test_chat_completion_shape(client: httpx.Client, path: str) -> None:
    body = {
        "model": "weavorm-echo",
        "messages": [
            {"role": "system", "content": "be brief"},
            {"role": "user", "content": "say hello"},
        ],
    }
    r = client.post(path, json=body)
    assert r.status_code == 200
    data = r.json()
    assert data["object"] == "chat.completion"
    assert data["model"] == "weavorm-echo"
    [choice] = data["choices"]
    assert choice["message"] == {"role": "assistant", "content": ECHO_PREFIX + "say hello"}
    assert choice["finish_reason"] == "stop"
    assert data["usage"] == {"prompt_tokens": 4, "completion_tokens": 3, "total_tokens": 7}
    assert client.post(path, json=body).json()["choices"] == data["choices"]


def test_chat_completion_content_parts_and_truncation(client: httpx.Client) -> None:
    parts = [{"type": "text", "text": "describe"}, {"type": "image_url", "image_url": {"url": "x"}}]
    r = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": parts}]})
    assert r.json()["choices"][0]["message"]["content"] == ECHO_PREFIX + "describe"
    long = "word " * 1000
    r = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": long}]})
    content = r.json()["choices"][0]["message"]["content"]
    assert content.startswith(ECHO_PREFIX + "word word")
    assert content.endswith("...")
    assert len(content) < 1100


def test_chat_completion_errors_use_openai_shape(client: httpx.Client) -> None:
    r = client.post("/v1/chat/completions", json={"messages": []})
    assert r.status_code == 400
    assert r.json()["error"]["type"] == "invalid_request_error"
    assert "messages" in r.json()["error"]["message"]
    r = client.post("/v1/chat/completions", json={"stream": True, "messages": [{"role": "user"}]})
    assert r.status_code == 400


def test_legacy_completions(client: httpx.Client) -> None:
    r = client.post("/v1/completions", json={"model": "text-davinci-003", "prompt": "say hi"})
    assert r.status_code == 200
    assert r.json()["choices"][0]["text"] == ECHO_PREFIX + "say hi"


def test_openai_embeddings(server: InferenceServer, client: httpx.Client) -> None:
    r = client.post("/v1/embeddings", json={"model": "m", "input": ["a red car", "red cars"]})
    assert r.status_code == 200
    data = r.json()
    assert data["object"] == "list"
    assert data["model"] == "m"
    assert [d["index"] for d in data["data"]] == [0, 1]
    assert all(d["object"] == "embedding" and len(d["embedding"]) == 64 for d in data["data"])
    assert data["usage"] == {"prompt_tokens": 5, "total_tokens": 5}
    single = client.post("/v1/embeddings", json={"input": "a red car"}).json()
    assert single["data"][0]["embedding"] == data["data"][0]["embedding"]
    assert server.embedded_texts == ["a red car", "red cars", "a red car"]


def test_openai_embeddings_dimensions_and_base64(client: httpx.Client) -> None:
    floats = client.post("/v1/embeddings", json={"input": "x y z", "dimensions": 1536}).json()
    vector = floats["data"][0]["embedding"]
    assert len(vector) == 1536
    encoded = client.post("/v1/embeddings", json={"input": "x y z", "encoding_format": "base64"})
    raw = base64.b64decode(encoded.json()["data"][0]["embedding"])
    decoded = struct.unpack(f"<{len(raw) // 4}f", raw)
    assert list(decoded) == pytest.approx(LexicalEmbedder().embed("x y z"), abs=1e-6)


def test_models_listing(client: httpx.Client) -> None:
    assert client.get("/v1/models").json()["object"] == "list"


# --------------------------------------------------------------------------- Ollama


def test_ollama_embed(server: InferenceServer, client: httpx.Client) -> None:
    r = client.post("/api/embed", json={"model": "nomic-embed-text", "input": ["a", "b"]})
    assert r.status_code == 200
    data = r.json()
    assert data["model"] == "nomic-embed-text"
    assert len(data["embeddings"]) == 2
    assert all(len(v) == 64 for v in data["embeddings"])
    assert client.post("/api/embed", json={"input": "a"}).json()["embeddings"] == [
        data["embeddings"][0]
    ]
    legacy = client.post("/api/embeddings", json={"model": "m", "prompt": "a"}).json()
    assert legacy["embedding"] == data["embeddings"][0]
    assert server.calls == {"ollama_embed": 2, "ollama_embeddings": 1}


def test_ollama_generate(client: httpx.Client) -> None:
    r = client.post("/api/generate", json={"model": "llama3", "prompt": "say hi", "stream": False})
    assert r.status_code == 200
    data = r.json()
    assert data["model"] == "llama3"
    assert data["response"] == ECHO_PREFIX + "say hi"
    assert data["done"] is True


def test_ollama_generate_streams_ndjson_by_default(client: httpx.Client) -> None:
    import json

    r = client.post("/api/generate", json={"model": "llama3", "prompt": "say hi"})
    assert r.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert "".join(line["response"] for line in lines) == ECHO_PREFIX + "say hi"
    assert [line["done"] for line in lines] == [False, True]


def test_ollama_chat(client: httpx.Client) -> None:
    body = {"model": "llama3", "stream": False, "messages": [{"role": "user", "content": "hey"}]}
    data = client.post("/api/chat", json=body).json()
    assert data["message"] == {"role": "assistant", "content": ECHO_PREFIX + "hey"}
    assert data["done"] is True


# --------------------------------------------------------------------------- counters


def test_counters_and_reset(server: InferenceServer, client: httpx.Client) -> None:
    client.post("/vectors", json={"text": "one"})
    client.post("/vectors", json={"text": "two"})
    client.post("/rerank", json={"query": "q", "documents": ["d"]})
    client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "c"}]})
    client.post("/api/generate", json={"prompt": "p", "stream": False})
    assert server.calls["vectors"] == 2
    assert server.calls["rerank"] == 1
    assert server.calls["chat"] == 1
    assert server.calls["ollama_generate"] == 1
    assert server.calls["ollama_embed"] == 0
    assert "ollama_embed" not in server.calls
    assert server.calls.get("ollama_embed") is None
    assert server.calls.total() == 5
    assert isinstance(server.calls, CallCounter)
    assert server.embedded_texts == ["one", "two"]  # rerank texts are not recorded
    snapshot = server.embedded_texts
    snapshot.append("mutation does not leak")
    assert server.embedded_texts == ["one", "two"]
    server.reset_counters()
    assert server.calls == {}
    assert server.embedded_texts == []


def test_counters_are_thread_safe(server: InferenceServer, client: httpx.Client) -> None:
    def work(i: int) -> None:
        with httpx.Client(base_url=server.url) as c:
            for j in range(10):
                assert c.post("/vectors", json={"text": f"t{i}-{j}"}).status_code == 200

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert server.calls["vectors"] == 80
    assert sorted(server.embedded_texts) == sorted(f"t{i}-{j}" for i in range(8) for j in range(10))


# --------------------------------------------------------------------------- errors


def test_unknown_path_is_json_404(server: InferenceServer, client: httpx.Client) -> None:
    for r in (client.get("/"), client.post("/nope", json={}), client.get("/vectorsx")):
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/json"
        assert "no such endpoint" in r.json()["error"]
    assert server.calls == {"not_found": 3}


def test_wrong_method_is_405(client: httpx.Client) -> None:
    r = client.get("/vectors")
    assert r.status_code == 405
    assert "POST" in r.json()["error"]


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("/vectors", b"{not json"),
        ("/vectors", b"[1, 2]"),
        ("/vectors", b""),
        ("/vectors", b'{"text": 5}'),
        ("/rerank", b'{"documents": []}'),
        ("/api/embed", b'{"input": [1]}'),
        ("/api/generate", b'{"model": "x"}'),
        ("/vectors", b'{"text": "x", "config": {"dimensions": 0}}'),
    ],
)
def test_bad_requests_are_json_400(
    server: InferenceServer, client: httpx.Client, path: str, content: bytes
) -> None:
    r = client.post(path, content=content, headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert isinstance(r.json()["error"], str)
    assert server.calls == {"bad_request": 1}


def test_chunked_request_body(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": '
        yield b'"chunked"}'

    r = client.post("/vectors", content=chunks())
    assert r.status_code == 200
    assert r.json()["text"] == "chunked"


# --------------------------------------------------------------------------- custom embedders


class FixedEmbedder:
    dimensions = 3

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def __call__(self, texts: list[str]) -> list[list[float]]:
        self.batches.append(list(texts))
        return [[float(len(t)), 1.0, 0.0] for t in texts]


def test_custom_embedder_is_used() -> None:
    embedder = FixedEmbedder()
    with (
        InferenceServer(embedder=embedder, dimensions=999) as srv,
        httpx.Client(base_url=srv.url) as c,
    ):
        assert srv.dimensions == 3
        assert srv.embedder is embedder
        data = c.post("/vectors", json={"text": "abcd"}).json()
        assert data == {"text": "abcd", "vector": [4.0, 1.0, 0.0], "dim": 3, "dims": 3}
        r = c.post("/api/embed", json={"input": ["ab"], "dimensions": 2}).json()
        assert len(r["embeddings"][0]) == 2
        assert norm(r["embeddings"][0]) == pytest.approx(1.0)
        assert c.get("/meta").json()["model"]["embedder"] == "FixedEmbedder"
    assert embedder.batches == [["abcd"], ["ab"]]


def test_failing_embedder_gives_json_500() -> None:
    class Broken:
        dimensions = 2

        def __call__(self, texts: list[str]) -> list[list[float]]:
            raise RuntimeError("model exploded")

    with InferenceServer(embedder=Broken()) as srv, httpx.Client(base_url=srv.url) as c:
        r = c.post("/vectors", json={"text": "x"})
        assert r.status_code == 500
        assert "model exploded" in r.json()["error"]
        # The server survives.
        assert c.get("/.well-known/ready").status_code == 204


def test_rejects_non_embedder() -> None:
    with pytest.raises(TypeError):
        InferenceServer(embedder=object())  # type: ignore[arg-type]
