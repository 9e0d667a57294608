"""Property-based: bad values thrown at the encoders, filters, queries, names and config.

No server here (see ``test_fuzz_server.py`` for what needs one). Every example must end
in a :mod:`weavorm.errors` exception that names the culprit, or be valid and accepted.
"""

from __future__ import annotations

import math
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.property._tally import attempt
from tests.property.strategies import (
    CANARY,
    FUZZ,
    bad_names,
    bad_property_values,
    bad_vectors,
    good_vectors,
    property_names,
    surrogate_text,
    valid_text,
)
from weavorm.engine import Filter
from weavorm.engine._protocol import search as build
from weavorm.engine._protocol.connection import Timeout, build_config
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.encode import encode_rest_properties, encode_rest_vectors
from weavorm.engine._protocol.ops_common import segment
from weavorm.engine._protocol.retry import RetryPolicy
from weavorm.engine.batching.requests import PendingObjects

_TENANT = re.compile(r"[A-Za-z0-9_\-]{1,64}")
_COLLECTION = re.compile(r"[A-Za-z][_0-9A-Za-z]{0,254}")


@FUZZ
@given(name=property_names, value=bad_property_values, index=st.integers(0, 999))
def test_bad_property_values_are_refused_naming_property_and_object(
    name: str, value: Any, index: int
) -> None:
    attempt(
        "encode/grpc",
        lambda: PendingObjects().add(index, "Article", {"ok": "fine", name: value}),
        bad=True,
        culprit=f"object {index}: ",
    )
    attempt(
        "encode/grpc",
        lambda: PendingObjects().add(index, "Article", {name: value}),
        bad=True,
        culprit=repr(name)[:-1],  # 'name or 'name.inner...
    )
    attempt(
        "encode/rest",
        lambda: encode_rest_properties({"ok": "fine", name: value}),
        bad=True,
        culprit=repr(name)[:-1],
    )


@FUZZ
@given(vector=bad_vectors, named=st.booleans(), index=st.integers(0, 999))
def test_bad_vectors_are_refused_naming_vector_and_object(
    vector: Any, named: bool, index: int
) -> None:
    given_vector = {"body": vector} if named else vector
    culprit = "vector 'body'" if named else "vector"
    attempt(
        "vector/grpc",
        lambda: PendingObjects().add(index, "Article", {}, vector=given_vector),
        bad=True,
        culprit=f"object {index}: {culprit}",
    )
    attempt("vector/rest", lambda: encode_rest_vectors(given_vector), bad=True, culprit=culprit)
    attempt(
        "vector/near_vector",
        lambda: build.near_vector_message(given_vector),
        bad=True,
        culprit="near_vector",
    )


@FUZZ
@given(vector=good_vectors)
def test_finite_vectors_are_accepted(vector: list[float]) -> None:
    attempt("vector/grpc", lambda: PendingObjects().add(0, "A", {}, vector=vector), bad=False)
    attempt("vector/rest", lambda: encode_rest_vectors({"a": vector}), bad=False)
    attempt("vector/near_vector", lambda: build.near_vector_message(vector), bad=False)


@FUZZ
@given(
    name=property_names,
    value=st.one_of(
        surrogate_text,
        st.sampled_from([math.nan, math.inf, -math.inf, 2**70, -(2**70)]),
        st.lists(surrogate_text, min_size=1, max_size=2),
        st.sampled_from([object(), {"a": 1}, [], [1, "a"]]),
    ),
    op=st.sampled_from(["equal", "not_equal", "less_than", "contains_any", "like"]),
)
def test_bad_filter_values_are_refused_naming_property(name: str, value: Any, op: str) -> None:
    attempt(
        "filter",
        lambda: getattr(Filter.by_property(name), op)(value),
        bad=True,
        culprit=repr(name),
    )


@FUZZ
@given(query=surrogate_text, kind=st.sampled_from(["bm25", "near_text", "hybrid"]))
def test_text_queries_refuse_invalid_text(query: str, kind: str) -> None:
    make = {
        "bm25": lambda: build.bm25_message(query),
        "near_text": lambda: build.near_text_message(query),
        "hybrid": lambda: build.hybrid_message(query),
    }[kind]
    attempt(f"query/{kind}", make, bad=True, culprit=kind)


@FUZZ
@given(name=bad_names)
def test_names_outside_weaviates_rules_never_reach_a_path(name: str) -> None:
    attempt("names/collection", lambda: CollectionContext(name), bad=True, culprit="collection")
    attempt(
        "names/tenant",
        lambda: CollectionContext("Article").with_tenant(name),
        bad=_TENANT.fullmatch(name) is None,
        culprit="tenant",
    )
    dot_like = name in (".", "..") or not name.strip() or bool(re.search(r"[\x00-\x1f\x7f]", name))
    attempt(
        "names/segment",
        lambda: segment(name, "role_name"),
        bad=dot_like or name.encode("utf-8", "surrogatepass") != name.encode("utf-8", "replace"),
        culprit="role_name",
    )


@FUZZ
@given(
    url=st.one_of(
        st.text(max_size=30),
        st.sampled_from(["http://[::1", "http://a:b@host", "ftp://x", "http://h:99999"]),
        st.builds(lambda h: f"http://{h}:8080", st.text(min_size=1, max_size=10)),
    ),
    headers=st.one_of(
        st.none(),
        st.text(max_size=5),
        st.lists(st.text(max_size=3), max_size=2),
        st.dictionaries(st.text(max_size=12), st.text(max_size=12), max_size=2),
        st.builds(lambda s: {"X-OpenAI-Api-Key": CANARY + s}, st.text(max_size=3)),
    ),
    timeout=st.one_of(st.none(), st.floats(), st.integers(-5, 10**12), st.text(max_size=3)),
    key_suffix=st.one_of(st.none(), st.text(max_size=3)),
)
def test_connect_settings_raise_config_errors_without_secrets(
    url: str, headers: Any, timeout: Any, key_suffix: str | None
) -> None:
    api_key = None if key_suffix is None else CANARY + key_suffix
    attempt(
        "config/connect",
        lambda: repr(
            build_config(url, headers=headers, timeout=timeout, api_key=api_key, environ={})
        ),
        bad=None,  # random settings may be valid; only the error type and secrets matter
        secrets=[CANARY],
    )
    # whatever was accepted never prints a secret
    try:
        config = build_config(url, headers=headers, timeout=timeout, api_key=api_key, environ={})
    except Exception:
        return
    assert CANARY not in repr(config) and CANARY not in str(config)


@FUZZ
@given(
    values=st.fixed_dictionaries(
        {},
        optional={
            "max_attempts": st.one_of(st.integers(-2, 10), st.booleans(), st.floats()),
            "initial_backoff": st.one_of(st.floats(), st.integers(-2, 10**6)),
            "max_backoff": st.one_of(st.floats(), st.integers(-2, 10**6)),
            "multiplier": st.floats(),
            "jitter": st.floats(),
        },
    )
)
def test_retry_policy_values_are_checked(values: dict[str, Any]) -> None:
    def finite_in(v: Any, low: float, high: float) -> bool:
        return (
            isinstance(v, int | float)
            and not isinstance(v, bool)
            and math.isfinite(v)
            and low <= v <= high
        )

    valid = all(
        {
            "max_attempts": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 1,
            "initial_backoff": lambda v: finite_in(v, 0, 86400),
            "max_backoff": lambda v: finite_in(v, 0, 86400),
            "multiplier": lambda v: finite_in(v, 1, math.inf),
            "jitter": lambda v: finite_in(v, 0, 1),
        }[k](v)
        for k, v in values.items()
    )
    culprit = [f"retry {k}" for k in values] or None
    attempt("config/retry", lambda: RetryPolicy(**values), bad=not valid, culprit=culprit)


@FUZZ
@given(value=st.one_of(st.floats(), st.integers(-5, 10**12), st.booleans()))
def test_timeouts_are_checked(value: Any) -> None:
    valid = not isinstance(value, bool) and math.isfinite(value) and 0 < value <= 30 * 24 * 3600
    attempt("config/timeout", lambda: Timeout.coerce(value), bad=not valid, culprit="timeout")
    attempt("config/timeout", lambda: Timeout(read=value), bad=not valid, culprit="timeout.read")


@FUZZ
@given(text=valid_text, name=property_names)
def test_valid_text_is_accepted_everywhere(text: str, name: str) -> None:
    attempt("encode/grpc", lambda: PendingObjects().add(0, "A", {name: text}), bad=False)
    attempt("encode/rest", lambda: encode_rest_properties({name: [text]}), bad=False)
    if text:
        attempt("filter", lambda: Filter.by_property(name).equal(text), bad=False)
        attempt("query/bm25", lambda: build.bm25_message(text), bad=False)
