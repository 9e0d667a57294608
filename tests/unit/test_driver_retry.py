"""Retries and events through the real driver, with a scripted HTTP transport.

A real server cannot be made to answer 503 on demand, so this uses httpx's mock
transport: the one place a fake server is the right tool.
"""

import httpx
import pytest

from weavorm import errors
from weavorm.engine import RequestEvent, RetryPolicy, connect


def _client(responses: list[httpx.Response], retry: RetryPolicy):  # type: ignore[no-untyped-def]
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return responses.pop(0)

    client = connect("http://mock.invalid", retry=retry, skip_init_checks=True)
    client._driver.http._client._transport = httpx.MockTransport(handler)
    return client, calls


def test_transient_503_is_retried_with_backoff() -> None:
    policy = RetryPolicy(max_attempts=4, initial_backoff=0.01, jitter=0)
    client, calls = _client(
        [
            httpx.Response(503, json={"message": "busy"}),
            httpx.Response(429, json={"message": "slow down"}),
            httpx.Response(200, json={"version": "1.39.3"}),
        ],
        policy,
    )
    events: list[RequestEvent] = []
    client.telemetry.subscribe(events.append)
    with client:
        assert client.meta()["version"] == "1.39.3"
    assert len(calls) == 3
    assert [(e.kind, e.attempt) for e in events] == [
        ("start", 1),
        ("error", 1),
        ("start", 2),
        ("error", 2),
        ("start", 3),
        ("stop", 3),
    ]
    assert events[1].will_retry and events[1].status == 503


def test_gives_up_after_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=2, initial_backoff=0.01)
    client, calls = _client([httpx.Response(503, text="down")] * 2, policy)
    with client, pytest.raises(errors.UnavailableError, match="down"):
        client.meta()
    assert len(calls) == 2


def test_non_idempotent_post_not_retried_unless_opted_in() -> None:
    client, calls = _client(
        [httpx.Response(503, text="x"), httpx.Response(200, json={})],
        RetryPolicy(initial_backoff=0.01),
    )
    with client, pytest.raises(errors.UnavailableError):
        client.raw.request("POST", "/v1/objects", json={})
    assert len(calls) == 1
    client, calls = _client(
        [httpx.Response(503, text="x"), httpx.Response(200, json={})],
        RetryPolicy(initial_backoff=0.01, retry_non_idempotent=True),
    )
    with client:
        assert client.raw.request("POST", "/v1/objects", json={}).status == 200
    assert len(calls) == 2


def test_client_errors_are_not_retried() -> None:
    client, calls = _client(
        [httpx.Response(422, json={"error": [{"message": "bad"}]})], RetryPolicy()
    )
    with client, pytest.raises(errors.UnprocessableError, match="bad"):
        client.raw.request("GET", "/v1/schema")
    assert len(calls) == 1
