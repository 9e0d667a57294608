"""``collection.config``: read, update and extend a collection's configuration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from weavorm.config import (
    CollectionConfigView,
    NamedVector,
    Property,
    ReferenceProperty,
    parse_collection_config,
)
from weavorm.engine._protocol import collections as ops
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._transport.driver import AsyncDriver

__all__ = ["AsyncConfigNamespace"]


class AsyncConfigNamespace:
    """A collection's configuration.

    ``update(...)`` takes the keyword arguments of :func:`weavorm.config.merge_update`:
    ``description``, ``property_descriptions``, ``inverted_index``, ``vector_index``,
    ``vectors``, ``replication``, ``multi_tenancy``, ``object_ttl``, ``generative``,
    ``reranker`` (build them with :class:`weavorm.config.Reconfigure`).
    """

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx

    async def get(self) -> CollectionConfigView:
        """The configuration, parsed into typed builders."""
        return parse_collection_config(await self.get_dict())

    async def get_dict(self) -> dict[str, Any]:
        """The class JSON as the server reports it."""
        return await self._driver.run(ops.get(self._ctx.name))

    async def update(self, **changes: Any) -> CollectionConfigView:
        """Change mutable settings; returns the new configuration."""
        return parse_collection_config(
            await self._driver.run(ops.update_config(self._ctx.name, **changes))
        )

    async def update_dict(self, class_json: dict[str, Any]) -> dict[str, Any]:
        """Replace the configuration with ``class_json`` (``PUT /v1/schema/{name}``)."""
        return await self._driver.run(ops.update(self._ctx.name, class_json))

    async def add_property(self, prop: Property) -> None:
        """Add a property."""
        await self._driver.run(ops.add_property_obj(self._ctx.name, prop))

    async def add_reference(self, ref: ReferenceProperty) -> None:
        """Add a reference property (single- or multi-target)."""
        await self._driver.run(ops.add_property_obj(self._ctx.name, ref))

    async def add_property_dict(self, prop_json: dict[str, Any]) -> dict[str, Any]:
        """Add a property given as Weaviate property JSON."""
        return await self._driver.run(ops.add_property(self._ctx.name, prop_json))

    async def add_vector(
        self, vectors: NamedVector | Sequence[NamedVector]
    ) -> CollectionConfigView:
        """Add named vectors to the collection."""
        items = [vectors] if isinstance(vectors, NamedVector) else list(vectors)
        return await self.update(add_vectors=items)

    async def get_shards(self) -> list[dict[str, Any]]:
        """Shard name, status and vector queue size of each shard."""
        return await self._driver.run(ops.shards(self._ctx.name, tenant=self._ctx.tenant))

    async def update_shards(self, status: str, *, shard_names: Sequence[str] | None = None) -> None:
        """Set shards ``READY`` or ``READONLY`` (all shards when no names given)."""
        names = (
            list(shard_names)
            if shard_names is not None
            else [s["name"] for s in await self.get_shards()]
        )
        for shard in names:
            await self._driver.run(ops.update_shard(self._ctx.name, shard, status))
