"""``QuerySet.explain(analyze=True)``: the server's query profile under the compiled request."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

import weavorm
from weavorm import Field, Model
from weavorm.config import Vectorizer
from weavorm.engine import AsyncWeaviateClient, RequestEvent, WeaviateClient
from weavorm.schema import create_all

pytestmark = pytest.mark.integration

#: A Go duration as the server prints it: 12.3µs, 1.5ms, 2s, 1m2.5s
DURATION = re.compile(r"^\d+(\.\d+)?(ns|µs|us|ms|s|m\d.*)$")


class ExplainDoc(Model):
    title: str = Field(tokenization="word")
    year: int = Field(index_range_filters=True)

    class Meta:
        vectorizer = Vectorizer.none()


@pytest.fixture
def docs(weaviate_client: WeaviateClient) -> Iterator[WeaviateClient]:
    create_all(weaviate_client, [ExplainDoc])
    weavorm.configure(weaviate_client)
    objs = [
        ExplainDoc(title=f"red car {i}" if i % 2 else f"blue tree {i}", year=2000 + i)
        for i in range(20)
    ]
    for i, obj in enumerate(objs):
        obj.vector = [1.0, float(i), 0.5]
    ExplainDoc.objects.bulk_create(objs)
    yield weaviate_client
    weavorm.configure(None)


def _stages(text: str) -> dict[str, dict[str, str]]:
    """search kind -> {stage: duration} parsed back from the printed profile."""
    out: dict[str, dict[str, str]] = {}
    current = None
    for line in text.split("-- server query profile", 1)[1].splitlines()[1:]:
        if line.startswith("    "):
            key, value = line.split()
            assert current is not None
            out[current][key] = value
        elif line.startswith("  "):
            current = line.strip()
            out[current] = {}
    return out


def test_explain_without_analyze_sends_nothing(docs: WeaviateClient) -> None:
    events: list[RequestEvent] = []
    unsubscribe = docs.telemetry.subscribe(events.append)
    try:
        text = ExplainDoc.objects.filter(year__gt=2005).explain()
    finally:
        unsubscribe()
    assert not events
    assert "fetch_objects" in text and "OPERATOR_GREATER_THAN" in text
    assert "server query profile" not in text


def test_explain_analyze_prints_request_then_server_stages(docs: WeaviateClient) -> None:
    qs = ExplainDoc.objects.bm25("red").limit(3)
    plain = qs.explain()
    text = qs.explain(analyze=True)
    assert text.startswith(plain)  # the compiled request, unchanged, then the profile
    assert "bm25" in plain and "limit: 3" in plain
    assert "(3 objects, round trip" in text
    stages = _stages(text)
    assert "keyword" in stages, text
    keyword = stages["keyword"]
    assert "total_took" in keyword and "kwd_method" in keyword
    assert DURATION.match(keyword["total_took"]), keyword
    assert list(keyword)[-1] == "total_took"  # stages by name, the total last


def test_explain_analyze_vector_and_hybrid(docs: WeaviateClient) -> None:
    near = _stages(ExplainDoc.objects.near_vector([1.0, 3.0, 0.5]).limit(2).explain(analyze=True))
    assert "vector" in near
    assert DURATION.match(near["vector"]["vector_search_took"])
    hybrid = _stages(
        ExplainDoc.objects.hybrid("car", vector=[1.0, 3.0, 0.5]).limit(2).explain(analyze=True)
    )
    assert {"vector", "keyword"} <= set(hybrid)
    fetch = _stages(ExplainDoc.objects.filter(year__gte=2010).explain(analyze=True))
    assert DURATION.match(fetch["object"]["total_took"])


def test_explain_analyze_sends_one_search_with_the_profile(docs: WeaviateClient) -> None:
    events: list[RequestEvent] = []
    unsubscribe = docs.telemetry.subscribe(events.append)
    try:
        ExplainDoc.objects.filter(year__lt=2003).explain(analyze=True)
    finally:
        unsubscribe()
    assert [(e.kind, e.target) for e in events] == [("start", "Search"), ("stop", "Search")]


async def test_aexplain_analyze(
    docs: WeaviateClient, async_weaviate_client: AsyncWeaviateClient
) -> None:
    qs = ExplainDoc.objects.using(async_weaviate_client).bm25("blue").limit(2)
    plain = await qs.aexplain()
    text = await qs.aexplain(analyze=True)
    assert text.startswith(plain)
    assert DURATION.match(_stages(text)["keyword"]["total_took"])
