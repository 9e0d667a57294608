"""The integrations' per-process client holder: one client per process id."""

from __future__ import annotations

import os

import pytest

import weavorm
from weavorm.contrib._process import ClientSettings, ProcessClient


def test_one_client_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[weavorm.WeaviateClient] = []

    def factory() -> weavorm.WeaviateClient:
        client = weavorm.connect("http://127.0.0.1:9", skip_init_checks=True)
        made.append(client)
        return client

    holder = ProcessClient(factory)
    assert not holder.started
    first = holder.get()
    assert holder.get() is first and holder.started

    parent = os.getpid()
    monkeypatch.setattr(os, "getpid", lambda: parent + 1)  # as in a forked worker
    child = holder.get()
    assert child is not first and holder.get() is child
    assert not first._closed  # the parent's client is left alone

    monkeypatch.setattr(os, "getpid", lambda: parent)
    holder.close()
    first.close()
    child.close()
    assert len(made) == 2


async def test_settings_connect_with_their_values() -> None:
    settings = ClientSettings(
        url="http://127.0.0.1:9", grpc_url="127.0.0.1:10", headers={"X-A": "1"}, timeout=3
    )
    client = settings.connect_async()
    assert client.config.http_url.startswith("http://127.0.0.1:9")
    assert client.config.grpc_target == "127.0.0.1:10"
    await client.close()
