"""The async schema API against the real server."""

from __future__ import annotations

from typing import Any

import pytest

from weavorm import Field, Model, Ref
from weavorm.config import Vectorizer
from weavorm.errors import MigrationError
from weavorm.schema import acreate_all, adiff, adrop_all, amigrate

pytestmark = pytest.mark.integration


class AsyncShelf(Model):
    label: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class AsyncVolume(Model):
    title: str
    shelf: Ref[AsyncShelf] | None = None

    class Meta:
        vectorizer = Vectorizer.none()
        id_fields = ("title",)


async def test_acreate_adiff_amigrate_adrop(async_weaviate_client: Any, weaviate_client: Any):
    models = [AsyncShelf, AsyncVolume]
    plan = await adiff(async_weaviate_client, models)
    assert {op.collection for op in plan.operations} == {"AsyncShelf", "AsyncVolume"}
    assert await acreate_all(async_weaviate_client, models) == ["AsyncShelf", "AsyncVolume"]
    assert not await adiff(async_weaviate_client, models)
    assert await acreate_all(async_weaviate_client, models) == []

    weaviate_client.collections.get("AsyncVolume").config.add_property_dict(
        {"name": "legacy", "dataType": ["int"]}
    )

    class AsyncVolumeV2(Model):  # a tokenization change: breaking
        title: str = Field(tokenization="field")
        shelf: Ref[AsyncShelf] | None = None

        class Meta:
            collection = "AsyncVolume"
            vectorizer = Vectorizer.none()

    with pytest.raises(MigrationError):
        await amigrate(async_weaviate_client, [AsyncShelf, AsyncVolumeV2])
    applied = await amigrate(
        async_weaviate_client, [AsyncShelf, AsyncVolumeV2], allow_breaking=True
    )
    assert "AsyncVolume" in applied.migrated
    await adrop_all(async_weaviate_client, [AsyncShelf, AsyncVolumeV2])
    assert not weaviate_client.collections.exists("AsyncShelf")
    assert not weaviate_client.collections.exists("AsyncVolume")


async def test_stored_id_wins_over_id_fields_when_reading(
    async_weaviate_client: Any, weaviate_client
):
    await acreate_all(async_weaviate_client, [AsyncShelf, AsyncVolume])
    stored = "11111111-2222-3333-4444-555555555555"
    weaviate_client.collections.get("AsyncVolume").data.insert({"title": "Old"}, uuid=stored)
    found = await AsyncVolume.objects.using(async_weaviate_client).afirst()
    assert found is not None and found.title == "Old"
    assert str(found.id) == stored  # written by someone else: its stored id is kept
