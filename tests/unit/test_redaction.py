import logging

import httpx
import pytest

from weavorm.engine import RequestEvent, connect
from weavorm.engine._protocol.connection import build_config
from weavorm.engine.telemetry import log_events

SECRET = "sk-very-secret-123"


def test_secret_not_in_config_or_client_repr() -> None:
    config = build_config("http://127.0.0.1:1", api_key=SECRET, environ={})
    assert SECRET not in repr(config)
    assert SECRET not in str(config.auth)
    assert SECRET not in repr(config.redacted_headers())
    client = connect("http://127.0.0.1:1", api_key=SECRET, skip_init_checks=True)
    try:
        assert SECRET not in repr(client)
    finally:
        client.close()


def test_secret_not_in_events_logs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    events: list[RequestEvent] = []
    client = connect(
        "http://127.0.0.1:1",
        api_key=SECRET,
        headers={"X-OpenAI-Api-Key": SECRET + "-module"},
        timeout=1,
        skip_init_checks=True,
    )
    unsubscribe = client.telemetry.subscribe(events.append)
    stop_logging = log_events()
    try:
        with caplog.at_level(logging.DEBUG, logger="weavorm"):
            assert client.is_live() is False
            with pytest.raises(Exception) as info:
                client.meta()
    finally:
        stop_logging()
        unsubscribe()
        client.close()
    assert events, "every request emits events"
    text = " ".join(repr(e) for e in events) + caplog.text + str(info.value)
    assert SECRET not in text
    # the secret really was sent: it is in the client's headers, not in what is shown
    assert client.config.base_headers()["Authorization"] == f"Bearer {SECRET}"


def test_auth_header_reaches_the_wire() -> None:
    seen: dict[str, str] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(request.headers)
        return httpx.Response(200, json={"version": "1.39.3"})

    client = connect("http://example.invalid", api_key=SECRET, skip_init_checks=True)
    try:
        client._driver.http._client._transport = httpx.MockTransport(handler)
        assert client.meta()["version"] == "1.39.3"
    finally:
        client.close()
    assert seen["authorization"] == f"Bearer {SECRET}"
