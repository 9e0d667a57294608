"""Bad input is refused before anything is sent, with a typed error naming the culprit."""

from __future__ import annotations

import math
import struct
from typing import Any

import pytest

from weavorm.engine import Filter
from weavorm.engine._protocol import collections as collection_ops
from weavorm.engine._protocol import search as build
from weavorm.engine._protocol.connection import ConnectionConfig, build_config
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.encode import encode_rest_properties, encode_rest_vectors
from weavorm.engine._protocol.ops_common import segment
from weavorm.engine._protocol.retry import RetryPolicy
from weavorm.engine._protocol.validate import MAX_NESTING, f32_finite
from weavorm.engine.batching.requests import PendingObjects
from weavorm.engine.options import TargetVectors
from weavorm.engine.tenants_types import Tenant
from weavorm.errors import ConfigError, QueryError
from weavorm.server import WeaviateServer

SURROGATE = "\ud800"
CANARY = "sk-canary-4f1c9e"


def _grpc(properties: Any = None, vector: Any = None, index: int = 7) -> None:
    PendingObjects().add(index, "Article", properties, vector=vector)


def _rest(properties: Any = None, vector: Any = None) -> None:
    encode_rest_properties(properties)
    encode_rest_vectors(vector)


def _deep(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(levels):
        value = {"inner": value}
    return value


ENCODERS = [pytest.param(_grpc, id="grpc"), pytest.param(_rest, id="rest")]


@pytest.mark.parametrize("encode", ENCODERS)
@pytest.mark.parametrize(
    ("properties", "culprit"),
    [
        ({"title": SURROGATE}, "'title'"),
        ({"title": "ok", "tags": ["a", "b" + SURROGATE]}, "'tags'"),
        ({"meta": {"note": "x" + SURROGATE}}, "'meta.note'"),
        ({"meta": {SURROGATE: "x"}}, "\\ud800"),
        ({"x": math.nan}, "'x'"),
        ({"x": -math.inf}, "'x'"),
        ({"nums": [1.5, math.inf]}, "'nums'"),
        ({"meta": _deep(50)}, "'meta"),
        ({"meta": _deep(5000)}, "'meta"),
    ],
)
def test_bad_property_values_name_the_property(
    encode: Any, properties: dict[str, Any], culprit: str
) -> None:
    with pytest.raises(ConfigError) as info:
        encode(properties)
    assert culprit in str(info.value)


@pytest.mark.parametrize("encode", ENCODERS)
def test_a_cyclic_value_is_refused(encode: Any) -> None:
    cyclic: dict[str, Any] = {"a": 1}
    cyclic["self"] = cyclic
    with pytest.raises(ConfigError, match="contains itself"):
        encode({"meta": cyclic})
    items: list[Any] = [{"a": 1}]
    items.append({"b": items})
    with pytest.raises(ConfigError):
        encode({"items": items})


@pytest.mark.parametrize("encode", ENCODERS)
def test_nesting_up_to_the_limit_is_accepted(encode: Any) -> None:
    encode({"meta": _deep(MAX_NESTING - 1)})


def test_grpc_errors_name_the_object_index() -> None:
    with pytest.raises(ConfigError, match=r"^object 7: property 'title'"):
        _grpc({"title": SURROGATE})


@pytest.mark.parametrize("encode", ENCODERS)
@pytest.mark.parametrize(
    ("vector", "culprit"),
    [
        ([1e39, 0.0], "float32"),
        ([math.nan, 0.0], "finite"),
        ([0.0, math.inf], "finite"),
        ({"body": [0.0, -math.inf]}, "vector 'body'"),
        ({"colbert": [[0.0, 1.0], [math.nan, 1.0]]}, "vector 'colbert'"),
        (5, "sequence of numbers"),
        ("abc", "sequence of numbers"),
        ([1.0, "x"], "numbers"),
        ([], "empty"),
    ],
)
def test_bad_vectors_are_refused(encode: Any, vector: Any, culprit: str) -> None:
    with pytest.raises(ConfigError) as info:
        encode(vector=vector)
    assert culprit in str(info.value)


def test_numpy_vectors_beyond_float32_are_refused_without_warnings() -> None:
    numpy = pytest.importorskip("numpy")
    for encode in (_grpc, _rest):
        with pytest.raises(ConfigError, match="finite"):
            encode(vector=numpy.array([1e39, 0.0]))
        with pytest.raises(ConfigError, match="finite"):
            encode(vector={"a": numpy.array([math.nan, 0.0])})


def test_f32_finite_reads_the_exponent() -> None:
    assert f32_finite(struct.pack("<3f", 1.0, -2.5, 3.0e38))
    assert f32_finite(struct.pack("<f", 2.0**127))  # top byte 0x7f, still finite
    for bad in (math.nan, math.inf, -math.inf):
        assert not f32_finite(struct.pack("<2f", 0.0, bad))


@pytest.mark.parametrize(
    "vector", [[math.nan, 1.0], [1e39, 1.0], {"a": [math.inf]}, {"a": [[1.0], [math.nan]]}]
)
def test_near_vector_refuses_non_finite_vectors(vector: Any) -> None:
    with pytest.raises(QueryError, match="finite"):
        build.near_vector_message(vector)
    with pytest.raises(QueryError, match="finite"):
        build.hybrid_message("q", vector=vector)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Filter.by_property("title").equal(SURROGATE),
        lambda: Filter.by_property("title").contains_any(["a", SURROGATE]),
        lambda: Filter.by_property("title").like("a" + SURROGATE),
        lambda: Filter.by_property("ti" + SURROGATE).equal("x"),
        lambda: build.bm25_message(SURROGATE),
        lambda: build.near_text_message(["ok", SURROGATE]),
        lambda: build.hybrid_message(SURROGATE),
        lambda: build.near_vector_message([1.0], distance=math.nan),
    ],
)
def test_queries_refuse_invalid_text_and_numbers(make: Any) -> None:
    with pytest.raises(QueryError):
        make()


def test_filter_errors_name_the_property() -> None:
    with pytest.raises(QueryError, match="'title'"):
        Filter.by_property("title").equal("x" + SURROGATE)


@pytest.mark.parametrize(
    "name", [".", "..", "", "a/b", "A b", "A" * 256, SURROGATE, "Ä", "_A", "1A", None, 5]
)
def test_collection_names_follow_weaviates_rule(name: Any) -> None:
    with pytest.raises(ConfigError, match="collection"):
        CollectionContext(name)
    with pytest.raises(ConfigError, match="collection"):
        next(collection_ops.exists(name))


@pytest.mark.parametrize("tenant", [".", "..", "", "a/b", "t" * 65, SURROGATE, "a b"])
def test_tenant_names_follow_weaviates_rule(tenant: str) -> None:
    with pytest.raises(ConfigError, match="tenant"):
        CollectionContext("Article").with_tenant(tenant)


def test_with_tenant_takes_a_tenant_object() -> None:
    assert CollectionContext("Article").with_tenant(Tenant("t1")).tenant == "t1"


@pytest.mark.parametrize("name", [".", "..", "a\nb", "x" + SURROGATE, "", "  "])
def test_path_segments_are_never_dot_segments(name: str) -> None:
    with pytest.raises(ConfigError, match="role_name"):
        segment(name, "role_name")
    assert segment("a/b c", "role_name") == "a%2Fb%20c"


def test_manual_weights_follow_the_order_of_the_vectors() -> None:
    msg = build.near_vector_message(
        {"first": [1.0], "second": [2.0]},
        target_vector=TargetVectors.manual_weights({"second": 0.2, "first": 0.8}),
    )
    assert list(msg.targets.target_vectors) == ["first", "second"]
    assert [(w.target, round(w.weight, 3)) for w in msg.targets.weights_for_targets] == [
        ("first", 0.8),
        ("second", 0.2),
    ]


def test_bm25_and_hybrid_without_query_search_nothing() -> None:
    assert build.bm25_message(None) is None
    assert build.hybrid_message(None, vector=None) is None


# -- configuration ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"url": "http://[::1"}, "url"),
        ({"url": "http://user:pw@localhost:8080"}, "url"),
        ({"url": "http://local host:8080"}, "url"),
        ({"headers": "x"}, "headers"),
        ({"headers": ["x"]}, "headers"),
        ({"headers": {"X-Api-Key": "caf\u00e9"}}, "headers"),
        ({"headers": {"X-Api-Key": "a\nb"}}, "headers"),
        ({"timeout": 1e10}, "timeout"),
        ({"timeout": math.nan}, "timeout"),
        ({"timeout": -1}, "timeout"),
        ({"grpc_url": "h\u00f6st:50051"}, "grpc_url"),
        ({"api_key": CANARY + "\n"}, "api_key"),
        ({"api_key": CANARY + "\u00e9"}, "api_key"),
        ({"api_key": " " + CANARY}, "api_key"),
        ({"bearer_token": CANARY + "\t"}, "bearer_token"),
    ],
)
def test_invalid_settings_raise_config_error_naming_the_setting(
    kwargs: dict[str, Any], field: str
) -> None:
    url = kwargs.pop("url", "http://localhost:8080")
    with pytest.raises(ConfigError) as info:
        build_config(url, environ={}, **kwargs)
    assert info.value.field == field
    assert field.split("_")[0].rstrip("s") in str(info.value)
    shown = f"{info.value} {info.value!r} {info.value.args} {info.value.value!r}"
    assert CANARY not in shown
    assert "pw@" not in shown


def test_repr_and_str_redact_secret_headers() -> None:
    config = build_config(
        "http://localhost:8080",
        api_key=CANARY,
        headers={
            "X-OpenAI-Api-Key": CANARY,
            "X-Cohere-Token": CANARY,
            "Cookie": CANARY,
            "X-Trace": "visible",
        },
        environ={},
    )
    for text in (repr(config), str(config), repr(config.auth)):
        assert CANARY not in text
    assert "'X-Trace': 'visible'" in repr(config)
    assert "'X-OpenAI-Api-Key': '***'" in repr(config)


def test_https_with_plaintext_grpc_needs_an_explicit_opt_in() -> None:
    with pytest.raises(ConfigError, match="allow_plaintext_grpc") as info:
        build_config(
            "https://db.example.com", grpc_url="db.example.com:50051", api_key=CANARY, environ={}
        )
    assert info.value.field == "grpc_url" and CANARY not in str(info.value)
    with pytest.raises(ConfigError):
        build_config(
            "https://db.example.com",
            grpc_url="grpc://db.example.com:50051",
            headers={"X-OpenAI-Api-Key": CANARY},
            environ={},
        )
    ok = build_config(
        "https://db.example.com",
        grpc_url="db.example.com:50051",
        api_key=CANARY,
        allow_plaintext_grpc=True,
        environ={},
    )
    assert not ok.grpc_secure
    # TLS on both, or no credentials at all, needs no opt-in
    assert build_config("https://db.example.com", api_key=CANARY, environ={}).grpc_secure
    build_config("https://db.example.com", grpc_url="db.example.com:50051", environ={})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"multiplier": math.nan},
        {"multiplier": math.inf},
        {"jitter": math.nan},
        {"initial_backoff": math.inf},
        {"max_backoff": math.nan},
        {"max_backoff": 1e300},
        {"max_attempts": True},
        {"max_attempts": 0},
    ],
)
def test_retry_policy_refuses_non_finite_values(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigError) as info:
        RetryPolicy(**kwargs)
    assert info.value.field == f"retry.{next(iter(kwargs))}"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"http_port": "abc"}, "http_port"),
        ({"grpc_port": 1.5}, "grpc_port"),
        ({"startup_timeout": math.nan}, "startup_timeout"),
        ({"env": "x"}, "env"),
    ],
)
def test_server_options_are_checked(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigError) as info:
        WeaviateServer(**kwargs)
    assert info.value.field == field


def test_connection_config_checks_its_own_fields() -> None:
    with pytest.raises(ConfigError):
        ConnectionConfig(http_url="http://[::1", grpc_host="localhost", grpc_port=50051)


def test_deeply_nested_filters_are_refused() -> None:
    condition = Filter.by_property("a").equal(1)
    nested = condition
    for i in range(200):
        nested = (nested | Filter.by_property("a").equal(i)) & condition
    with pytest.raises(QueryError, match="nest more than"):
        build.build_request(CollectionContext("Article"), filters=nested)
    flat = Filter.all_of([Filter.by_property("a").equal(i) for i in range(3000)])
    build.build_request(CollectionContext("Article"), filters=flat)


def test_unchecked_text_reaching_protobuf_is_typed() -> None:
    from weavorm.engine._facade import _guarded
    from weavorm.engine._protocol import query as query_ops

    operation = _guarded(
        query_ops.fetch_objects, CollectionContext("Article"), (), {"return_properties": ["\ud800"]}
    )
    with pytest.raises(QueryError, match="fetch_objects"):
        next(operation)
