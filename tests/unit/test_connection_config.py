import pytest

from weavorm.engine import RetryPolicy, Timeout
from weavorm.engine._protocol.connection import build_config
from weavorm.errors import ConfigError


def test_defaults_from_nothing() -> None:
    config = build_config(environ={})
    assert config.http_url == "http://localhost:8080"
    assert config.grpc_target == "localhost:50051"
    assert config.auth is None


def test_environment_is_read_when_no_url() -> None:
    env = {
        "WEAVIATE_URL": "http://db.local:9000",
        "WEAVIATE_GRPC_URL": "db.local:6000",
        "WEAVIATE_API_KEY": "k-123",
    }
    config = build_config(environ=env)
    assert config.http_url == "http://db.local:9000"
    assert config.grpc_target == "db.local:6000"
    assert config.auth is not None and config.auth.kind == "api_key"


def test_grpc_defaults_to_same_host() -> None:
    config = build_config("https://example.org", environ={})
    assert config.grpc_target == "example.org:50051"
    assert config.grpc_secure


@pytest.mark.parametrize(
    ("kwargs", "field", "needle"),
    [
        ({"url": "ftp://x"}, "url", "http://"),
        ({"url": "localhost:8080"}, "url", "http://"),
        ({"url": "http://"}, "url", "no host"),
        ({"url": "http://h:99999"}, "url", "port"),
        ({"url": "http://h:8080?x=1"}, "url", "query"),
        ({"url": "http://h", "grpc_url": "h"}, "grpc_url", "host:port"),
        ({"url": "http://h", "grpc_url": "h:abc"}, "grpc_url", "invalid port"),
        ({"url": "http://h", "grpc_url": "h:0"}, "grpc_port", "between 1 and 65535"),
        ({"url": "http://h", "grpc_url": "tcp://h:1"}, "grpc_url", "scheme"),
        ({"url": "http://h", "timeout": -1}, "timeout", "positive"),
        ({"url": "http://h", "timeout": float("nan")}, "timeout", "positive"),
        ({"url": "http://h", "pool_size": 0}, "pool_size", "between 1 and 1000"),
        ({"url": "http://h", "pool_size": "3"}, "pool_size", "integer"),
        ({"url": "http://h", "headers": {"Bad Header": "x"}}, "headers", "invalid header"),
        ({"url": "http://h", "headers": {"X-A": "a\nb"}}, "headers", "single-line"),
        ({"url": "http://h", "headers": {"Authorization": "x"}}, "headers", "api_key"),
        ({"url": "http://h", "api_key": ""}, "api_key", "non-empty"),
        ({"url": "http://h", "api_key": "a", "bearer_token": "b"}, "api_key", "not both"),
    ],
)
def test_invalid_settings_name_the_bad_value(kwargs: dict, field: str, needle: str) -> None:
    url = kwargs.pop("url")
    with pytest.raises(ConfigError) as info:
        build_config(url, environ={}, **kwargs)
    assert info.value.field == field
    assert needle in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_attempts": 0}, "retry.max_attempts"),
        ({"initial_backoff": -1}, "retry.initial_backoff"),
        ({"max_backoff": float("inf")}, "retry.max_backoff"),
        ({"multiplier": 0.5}, "retry.multiplier"),
        ({"jitter": 2}, "retry.jitter"),
    ],
)
def test_invalid_retry_policy(kwargs: dict, field: str) -> None:
    with pytest.raises(ConfigError) as info:
        RetryPolicy(**kwargs)
    assert info.value.field == field


def test_timeout_parts_validated() -> None:
    with pytest.raises(ConfigError, match=r"timeout\.read"):
        Timeout(read=0)
    assert Timeout.coerce(3).connect == 3.0


def test_retry_must_be_a_policy() -> None:
    with pytest.raises(ConfigError, match="RetryPolicy"):
        build_config("http://h", retry=3, environ={})  # type: ignore[arg-type]
