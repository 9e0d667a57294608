"""Shared data for the query / filters / generate integration tests.

Collections are created with class JSON and filled over REST batch, so these tests
depend only on ``client.collections.create_from_dict`` and ``client.raw``.
"""

from __future__ import annotations

import base64
from typing import Any
from uuid import UUID

from weavorm.engine import WeaviateClient

AUTHOR_IDS = [UUID(int=0xA000 + i) for i in range(3)]
ARTICLE_IDS = [UUID(int=0xB000 + i) for i in range(6)]

AUTHORS = ["Ada Lovelace", "Alan Turing", "Grace Hopper"]

# title, body, year, score, published, tags, author index, cites (article indexes)
ARTICLES: list[tuple[str, str, int, float, bool, list[str], int, list[int]]] = [
    ("Vector databases", "vectors and search engines", 2019, 4.5, True, ["db", "ml"], 0, []),
    ("Cooking pasta", "boil water then add pasta", 2003, 3.0, False, ["food"], 1, []),
    ("Neural search", "vectors for semantic search", 2021, 4.9, True, ["ml", "search"], 0, [0]),
    ("Garden tips", "water the plants daily", 1999, 2.5, True, ["home"], 2, []),
    ("Graph databases", "nodes edges and search", 2015, 3.8, False, ["db"], 1, [0, 2]),
    ("Pasta sauces", "tomato basil and garlic", 2010, 4.1, True, ["food", "italian"], 2, [1]),
]

PNG_1PX = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201e2216bc500"
        "00000049454e44ae426082"
    )
).decode()


def module_config(inference_url: str) -> dict[str, Any]:
    """moduleConfig pointing generative-openai at the local inference service."""
    # The model name must be unknown to tiktoken: known OpenAI names make the server
    # download a tokenizer file, which fails offline.
    return {
        "generative-openai": {"baseURL": inference_url, "model": "weavorm-echo"},
        "reranker-transformers": {},
    }


def create_library(client: WeaviateClient, prefix: str, inference_url: str) -> tuple[str, str]:
    """Create ``<prefix>Author`` and ``<prefix>Article`` with data; return their names."""
    author, article = f"{prefix}Author", f"{prefix}Article"
    client.collections.create_from_dict(
        {
            "class": author,
            "vectorizer": "none",
            "properties": [
                {"name": "name", "dataType": ["text"], "tokenization": "field"},
                {"name": "born", "dataType": ["int"]},
            ],
        }
    )
    client.collections.create_from_dict(
        {
            "class": article,
            "vectorizer": "text2vec-transformers",
            "moduleConfig": module_config(inference_url),
            "invertedIndexConfig": {
                "indexTimestamps": True,
                "indexNullState": True,
                "indexPropertyLength": True,
            },
            "properties": [
                {"name": "title", "dataType": ["text"]},
                {"name": "body", "dataType": ["text"]},
                {"name": "year", "dataType": ["int"]},
                {"name": "score", "dataType": ["number"]},
                {"name": "published", "dataType": ["boolean"]},
                {"name": "tags", "dataType": ["text[]"], "tokenization": "field"},
                {"name": "when", "dataType": ["date"]},
                {"name": "ref_id", "dataType": ["uuid"]},
                {"name": "place", "dataType": ["geoCoordinates"]},
                {"name": "phone", "dataType": ["phoneNumber"]},
                {"name": "counts", "dataType": ["int[]"]},
                {"name": "ratios", "dataType": ["number[]"]},
                {"name": "flags", "dataType": ["boolean[]"]},
                {"name": "days", "dataType": ["date[]"]},
                {"name": "subtitle", "dataType": ["text"]},
                {
                    "name": "meta",
                    "dataType": ["object"],
                    "nestedProperties": [
                        {"name": "pages", "dataType": ["int"]},
                        {"name": "lang", "dataType": ["text"]},
                        {
                            "name": "source",
                            "dataType": ["object"],
                            "nestedProperties": [{"name": "name", "dataType": ["text"]}],
                        },
                    ],
                },
                {
                    "name": "sections",
                    "dataType": ["object[]"],
                    "nestedProperties": [{"name": "heading", "dataType": ["text"]}],
                },
                {"name": "author", "dataType": [author]},
                {"name": "cites", "dataType": [article, author]},
            ],
        }
    )
    objects: list[dict[str, Any]] = [
        {
            "class": author,
            "id": str(AUTHOR_IDS[i]),
            "properties": {"name": name, "born": 1815 + 50 * i},
            "vector": [1.0, float(i), 0.5],
        }
        for i, name in enumerate(AUTHORS)
    ]
    references: list[dict[str, str]] = []
    for i, (title, body, year, score, published, tags, who, cites) in enumerate(ARTICLES):
        props: dict[str, Any] = {
            "title": title,
            "body": body,
            "year": year,
            "score": score,
            "published": published,
            "tags": tags,
            "when": f"{year}-0{1 + i % 9}-1{i}T12:00:00Z",
            "ref_id": str(AUTHOR_IDS[who]),
            "place": {"latitude": 52.5 + i, "longitude": 13.4},
            "phone": {"input": "+49 30 1234567"},
            "counts": [i, i + 1],
            "ratios": [i / 2, 0.25],
            "flags": [i % 2 == 0],
            "days": [f"{year}-01-01T00:00:00Z"],
            "meta": {"pages": 10 * (i + 1), "lang": "en", "source": {"name": f"src{i}"}},
            "sections": [{"heading": f"intro {i}"}, {"heading": "end"}],
            "author": [{"beacon": f"weaviate://localhost/{author}/{AUTHOR_IDS[who]}"}],
        }
        source = f"weaviate://localhost/{article}/{ARTICLE_IDS[i]}/cites"
        references.extend(
            {"from": source, "to": f"weaviate://localhost/{article}/{ARTICLE_IDS[c]}"}
            for c in cites
        )
        if i == 5:
            references.append(
                {"from": source, "to": f"weaviate://localhost/{author}/{AUTHOR_IDS[2]}"}
            )
        if i != 3:
            props["subtitle"] = f"sub {i}"
        objects.append({"class": article, "id": str(ARTICLE_IDS[i]), "properties": props})
    # Authors first (articles reference them), then articles, then the references
    # between articles (adding references does not re-vectorise the objects).
    insert(client, objects[: len(AUTHORS)])
    insert(client, objects[len(AUTHORS) :])
    reply = client.raw.request("POST", "/v1/batch/references", json=references)
    failed = [r["result"]["errors"] for r in reply.json or [] if r.get("result", {}).get("errors")]
    assert not failed, failed
    return author, article


def insert(client: WeaviateClient, objects: list[dict[str, Any]]) -> None:
    """Insert (or overwrite) objects with REST batch; fail on any per-object error."""
    reply = client.raw.request("POST", "/v1/batch/objects", json={"objects": objects})
    errors = [
        o.get("result", {}).get("errors")
        for o in reply.json or []
        if o.get("result", {}).get("errors")
    ]
    assert not errors, errors


def create_vectors(client: WeaviateClient, name: str) -> None:
    """A collection with named vectors ``a`` (3-d), ``b`` (3-d) and multi-vector ``m``."""
    client.collections.create_from_dict(
        {
            "class": name,
            "properties": [{"name": "label", "dataType": ["text"]}],
            "vectorConfig": {
                "a": {"vectorizer": {"none": {}}, "vectorIndexType": "hnsw"},
                "b": {"vectorizer": {"none": {}}, "vectorIndexType": "hnsw"},
                "m": {
                    "vectorizer": {"none": {}},
                    "vectorIndexType": "hnsw",
                    "vectorIndexConfig": {"multivector": {"enabled": True}},
                },
            },
        }
    )
    objects = []
    for i, label in enumerate(["x", "y", "z"]):
        a = [0.0, 0.0, 0.0]
        a[i] = 1.0
        b = [1.0 - a[0], 1.0 - a[1], 1.0 - a[2]]
        m = [a, [0.5, 0.5, 0.5]]
        objects.append(
            {
                "class": name,
                "id": str(UUID(int=0xC000 + i)),
                "properties": {"label": label},
                "vectors": {"a": a, "b": b, "m": m},
            }
        )
    insert(client, objects)
