"""Property-based, against the real server: inserts (REST and gRPC), queries and names.

Invalid input must raise a typed error naming the culprit and send nothing; valid input
must be stored exactly and counted (nothing accepted is lost); no secret given in a
header may show up in a message, a log line (DEBUG, httpx/httpcore included) or a
telemetry event.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.property._tally import LogCapture, attempt
from tests.property.strategies import (
    CANARY,
    FUZZ,
    bad_names,
    bad_property_values,
    bad_vectors,
    good_vectors,
    valid_text,
)
from weavorm.engine import Filter, WeaviateClient, connect
from weavorm.engine.types import DataObject
from weavorm.errors import WeavormError

pytestmark = pytest.mark.integration

PROPERTIES = [
    {"name": "title", "dataType": ["text"], "tokenization": "field"},
    {"name": "n", "dataType": ["int"]},
    {"name": "x", "dataType": ["number"]},
    {"name": "flag", "dataType": ["boolean"]},
    {"name": "tags", "dataType": ["text[]"]},
    {
        "name": "meta",
        "dataType": ["object"],
        "nestedProperties": [{"name": "note", "dataType": ["text"]}],
    },
]
#: Values the server keeps exactly: any text but lone surrogates, finite doubles, ints
#: within 2**53 (gRPC batches carry numbers as doubles).
good_objects = st.fixed_dictionaries(
    {},
    optional={
        "title": valid_text,
        "n": st.integers(-(2**53), 2**53),
        "x": st.floats(allow_nan=False, allow_infinity=False, width=64),
        "flag": st.booleans(),
        "tags": st.lists(valid_text, min_size=1, max_size=3),
        "meta": st.fixed_dictionaries({"note": valid_text}),
    },
)


@pytest.fixture
def fuzz_collection(weaviate_client: WeaviateClient, collection_name: str) -> Any:
    return weaviate_client.collections.create_from_dict(
        {"class": collection_name, "vectorizer": "none", "properties": PROPERTIES}
    )


def _same(stored: dict[str, Any], sent: dict[str, Any]) -> bool:
    for key, value in sent.items():
        got = stored.get(key)
        if isinstance(value, float) and not math.isclose(got or 0.0, value, rel_tol=1e-12):
            if not (value == 0.0 and got in (0, 0.0, None)):
                return False
        elif not isinstance(value, float) and got != value:
            return False
    return True


@FUZZ
@given(
    good=st.lists(good_objects, min_size=1, max_size=4),
    bad=bad_property_values,
    where=st.integers(0, 4),
    key=st.sampled_from(["title", "x", "tags", "meta"]),
)
def test_a_bad_object_stops_the_batch_before_anything_is_sent(
    fuzz_collection: Any, good: list[dict[str, Any]], bad: Any, where: int, key: str
) -> None:
    before = len(fuzz_collection)
    at = min(where, len(good))
    objects = [*good[:at], {key: bad}, *good[at:]]
    attempt(
        "insert/grpc",
        lambda: fuzz_collection.data.insert_many(objects),
        bad=True,
        culprit=f"object {at}: ",
    )
    attempt("insert/rest", lambda: fuzz_collection.data.insert({key: bad}), bad=True, culprit=key)
    assert len(fuzz_collection) == before


@FUZZ
@given(objects=st.lists(good_objects, min_size=1, max_size=4), via_rest=st.booleans())
def test_accepted_objects_are_stored_exactly(
    fuzz_collection: Any, objects: list[dict[str, Any]], via_rest: bool
) -> None:
    before = len(fuzz_collection)
    if via_rest:
        ids = [
            attempt("insert/rest", lambda o=o: fuzz_collection.data.insert(o), bad=False)
            for o in objects
        ]
    else:
        result = attempt(
            "insert/grpc", lambda: fuzz_collection.data.insert_many(objects), bad=False
        )
        assert not result.has_errors, result.errors
        ids = [result.uuids[i] for i in range(len(objects))]
    assert len(fuzz_collection) == before + len(objects)
    for uid, sent in zip(ids, objects, strict=True):
        stored = fuzz_collection.query.fetch_object_by_id(uid)
        assert stored is not None and _same(stored.properties, sent), (stored, sent)
        if sent.get("title", "").strip():
            found = attempt(
                "query/filter",
                lambda s=sent: fuzz_collection.query.fetch_objects(
                    filters=Filter.by_property("title").equal(s["title"]), limit=1000
                ),
                bad=None,  # the server may refuse some texts as search terms (typed)
            )
            if not isinstance(found, WeavormError):
                assert uid in {o.uuid for o in found.objects}, sent


@FUZZ
@given(vector=bad_vectors, good=good_vectors)
def test_bad_vectors_are_refused_on_rest_grpc_and_search(
    fuzz_collection: Any, vector: Any, good: list[float]
) -> None:
    before = len(fuzz_collection)
    attempt(
        "vector/grpc",
        lambda: fuzz_collection.data.insert_many(
            [DataObject({"title": "ok"}, vector=good), DataObject({"title": "x"}, vector=vector)]
        ),
        bad=True,
        culprit="object 1: vector",
    )
    attempt(
        "vector/rest",
        lambda: fuzz_collection.data.insert({"title": "x"}, vector=vector),
        bad=True,
        culprit="vector",
    )
    attempt(
        "vector/near_vector",
        lambda: fuzz_collection.query.near_vector(vector),
        bad=True,
        culprit="near_vector",
    )
    assert len(fuzz_collection) == before
    uid = attempt(
        "vector/rest", lambda: fuzz_collection.data.insert({"title": "v"}, vector=good), bad=False
    )
    assert fuzz_collection.data.exists(uid)


@FUZZ
@given(name=bad_names)
def test_bad_names_never_reach_the_server(
    weaviate_client: WeaviateClient, fuzz_collection: Any, name: str
) -> None:
    attempt(
        "names/exists",
        lambda: weaviate_client.collections.exists(name),
        bad=True,
        culprit="collection",
    )
    attempt(
        "names/data",
        lambda: weaviate_client.collections.get(name).data.exists(
            "00000000-0000-4000-8000-000000000000"
        ),
        bad=True,
        culprit="collection",
    )
    tenant_ok = re.fullmatch(r"[A-Za-z0-9_\-]{1,64}", name) is not None
    attempt(
        "names/tenant",
        lambda: fuzz_collection.with_tenant(name),
        bad=not tenant_ok,
        culprit="tenant",
    )
    attempt(
        "names/role",
        lambda: weaviate_client.roles.exists(name),
        bad=None,  # role names are free text; only the dot segments must be refused
        culprit="role",
    )


@FUZZ
@given(
    suffix=st.one_of(st.just(""), st.text(max_size=3)),
    header=st.sampled_from(["X-OpenAI-Api-Key", "X-Cohere-Api-Key", "X-Custom-Token"]),
)
def test_secrets_never_show(
    weaviate_server: Any, collection_name: str, suffix: str, header: str
) -> None:
    events: list[Any] = []
    secret = CANARY + suffix
    with LogCapture() as logs:
        client = attempt(
            "config/secret",
            lambda: connect(
                weaviate_server.url,
                grpc_url=weaviate_server.grpc_url,
                headers={header: secret},
                api_key=None,
            ),
            bad=None,
            secrets=[CANARY],
        )
        if isinstance(client, WeaviateClient):
            with client:
                client.telemetry.subscribe(events.append)
                assert CANARY not in repr(client.config)
                attempt(
                    "config/secret",
                    lambda: client.collections.export_dict("NoSuchCollection"),
                    bad=None,
                    secrets=[CANARY],
                )
                attempt("config/secret", lambda: client.meta(), bad=False, secrets=[CANARY])
    for line in logs.lines:
        assert CANARY not in line
    for event in events:
        assert CANARY not in repr(event)
