"""SQL on a collection without a model: data types and references read from the live schema."""

from __future__ import annotations

import pytest

from weavorm import sql as wsql
from weavorm.config import Property, ReferenceProperty
from weavorm.engine import WeaviateClient

pytestmark = pytest.mark.integration


def test_blob_hash_and_references_on_the_live_schema(weaviate_client: WeaviateClient) -> None:
    weaviate_client.collections.create(
        "SqlVocabTarget", properties=[Property("label", "text", tokenization="field")]
    )
    weaviate_client.collections.create(
        "SqlVocabDoc",
        properties=[
            Property("name", "text", tokenization="field"),
            Property("digest", "blobHash"),
        ],
        references=[ReferenceProperty("target", "SqlVocabTarget")],
    )
    docs = weaviate_client.collections.get("SqlVocabDoc")
    assert not docs.data.insert_many([{"name": "a"}, {"name": "b"}]).has_errors
    # The live schema has a blobHash property and a reference to an existing collection:
    # both are understood (before, blobHash was taken for a reference).
    result = wsql.execute(weaviate_client, "SELECT name FROM SqlVocabDoc WHERE name = 'b'")
    assert [r.name for r in result.rows] == ["b"]
    star = wsql.execute(weaviate_client, "SELECT * FROM SqlVocabDoc ORDER BY name")
    assert "digest" in star.columns and "target" not in star.columns
    assert [r.name for r in star.rows] == ["a", "b"]
