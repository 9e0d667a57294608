"""Collections: ``client.collections`` and one :class:`Collection` with its namespaces."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any
from uuid import UUID

from weavorm.config import (
    GenerativeConfig,
    InvertedIndex,
    MultiTenancy,
    NamedVector,
    ObjectTTL,
    Property,
    ReferenceProperty,
    Replication,
    RerankerConfig,
    Sharding,
    VectorIndexConfig,
    VectorizerConfig,
    collection_to_dict,
)
from weavorm.engine._protocol import aggregate as aggregate_ops
from weavorm.engine._protocol import collections as ops
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._transport.driver import AsyncDriver
from weavorm.engine.aggregate_async import AsyncAggregateNamespace
from weavorm.engine.backup_async import AsyncCollectionBackupNamespace
from weavorm.engine.batching.namespaces import AsyncCollectionBatchNamespace
from weavorm.engine.collection_config_async import AsyncConfigNamespace
from weavorm.engine.data_async import AsyncDataNamespace
from weavorm.engine.generate_async import AsyncGenerateNamespace
from weavorm.engine.options import MetadataQuery, QueryReference
from weavorm.engine.query_async import AsyncQueryNamespace
from weavorm.engine.results import Object
from weavorm.engine.tenants_async import AsyncTenantsNamespace
from weavorm.engine.tenants_types import Tenant

__all__ = ["AsyncCollection", "AsyncCollections"]


class AsyncCollection:
    """One collection and its namespaces.

    Namespaces: ``data``, ``query``, ``generate``, ``aggregate``, ``batch``,
    ``tenants``, ``config`` and ``backup``.

    Get one with ``client.collections.get(name)``; it does no I/O until used.
    """

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx
        self.data = AsyncDataNamespace(driver, ctx)
        self.query = AsyncQueryNamespace(driver, ctx)
        self.generate = AsyncGenerateNamespace(driver, ctx)
        self.aggregate = AsyncAggregateNamespace(driver, ctx)
        self.tenants = AsyncTenantsNamespace(driver, ctx)
        self.config = AsyncConfigNamespace(driver, ctx)
        self.batch = AsyncCollectionBatchNamespace(driver, ctx)
        self.backup = AsyncCollectionBackupNamespace(driver, ctx)

    @property
    def name(self) -> str:
        """The collection name."""
        return self._ctx.name

    @property
    def tenant(self) -> str | None:
        """The tenant this handle addresses, if any."""
        return self._ctx.tenant

    @property
    def consistency_level(self) -> str | None:
        """The consistency level this handle uses, if set."""
        return self._ctx.consistency

    def with_tenant(self, tenant: str | Tenant | None) -> AsyncCollection:
        """A handle on the same collection addressing ``tenant`` (a name or a Tenant)."""
        return type(self)(self._driver, self._ctx.with_tenant(tenant))

    def with_consistency_level(self, level: str | None) -> AsyncCollection:
        """A handle on the same collection with consistency ``ONE``/``QUORUM``/``ALL``."""
        return type(self)(self._driver, self._ctx.with_consistency(level))

    async def exists(self) -> bool:
        """Whether the collection exists on the server."""
        return await self._driver.run(ops.exists(self._ctx.name))

    def iterator(
        self,
        *,
        include_vector: bool | str | Sequence[str] = False,
        return_properties: Any = None,
        return_metadata: MetadataQuery | Sequence[str] | None = None,
        return_references: QueryReference | Sequence[QueryReference] | None = None,
        cache_size: int | None = None,
        after: UUID | str | None = None,
    ) -> AsyncIterator[Object]:
        """Every object, fetched page by page with a cursor (constant memory).

        Takes the options of :meth:`QueryNamespace.iterator
        <weavorm.engine.query.QueryNamespace.iterator>`.
        """
        return self.query.iterator(
            include_vector=include_vector,
            return_properties=return_properties,
            return_metadata=return_metadata,
            return_references=return_references,
            cache_size=cache_size,
            after=after,
        )

    async def length(self) -> int:
        """The number of objects (of this handle's tenant); ``len(collection)`` too."""
        return await self._driver.run(aggregate_ops.count(self._ctx))

    if False:  # ASYNC

        def __len__(self) -> int:
            return self.length()

    def __repr__(self) -> str:
        extra = f", tenant={self._ctx.tenant!r}" if self._ctx.tenant else ""
        return f"AsyncCollection({self._ctx.name!r}{extra})"


class AsyncCollections:
    """``client.collections``: create, get, list, exists, delete."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    def _ctx(self, name: str) -> CollectionContext:
        return CollectionContext(
            name=name, grpc_max_message_size=self._driver.grpc_max_message_size
        )

    def get(self, name: str) -> AsyncCollection:
        """A handle on collection ``name`` (no I/O)."""
        return AsyncCollection(self._driver, self._ctx(name))

    async def create(
        self,
        name: str,
        *,
        description: str | None = None,
        properties: Sequence[Property | ReferenceProperty] = (),
        references: Sequence[ReferenceProperty] = (),
        vectorizer: VectorizerConfig | None = None,
        vectors: NamedVector | Sequence[NamedVector] | None = None,
        generative: GenerativeConfig | None = None,
        reranker: RerankerConfig | None = None,
        vector_index: VectorIndexConfig | None = None,
        inverted_index: InvertedIndex | None = None,
        multi_tenancy: MultiTenancy | None = None,
        replication: Replication | None = None,
        sharding: Sharding | None = None,
        object_ttl: ObjectTTL | None = None,
    ) -> AsyncCollection:
        """Create a collection from configuration builders.

        The options are the builders of :mod:`weavorm.config` (see
        :func:`weavorm.config.collection_to_dict`).

        Raises:
            ConfigError: an invalid setting, before anything is sent.
            ConflictError / UnprocessableError: the server refused it.
        """
        return await self.create_from_dict(
            collection_to_dict(
                name,
                description=description,
                properties=properties,
                references=references,
                vectorizer=vectorizer,
                vectors=vectors,
                generative=generative,
                reranker=reranker,
                vector_index=vector_index,
                inverted_index=inverted_index,
                multi_tenancy=multi_tenancy,
                replication=replication,
                sharding=sharding,
                object_ttl=object_ttl,
            )
        )

    async def create_from_dict(self, class_json: dict[str, Any]) -> AsyncCollection:
        """Create a collection from Weaviate class JSON."""
        stored = await self._driver.run(ops.create(class_json))
        return self.get(str(stored.get("class", class_json["class"])))

    async def exists(self, name: str) -> bool:
        """Whether collection ``name`` exists."""
        return await self._driver.run(ops.exists(name))

    async def list_dicts(self) -> dict[str, dict[str, Any]]:
        """Every collection's class JSON by name."""
        return {c["class"]: c for c in await self._driver.run(ops.list_all())}

    async def list_all(self) -> dict[str, dict[str, Any]]:
        """Every collection's class JSON by name (the official client's name).

        The same as :meth:`list_dicts`; the official client returns config objects
        (``simple=True``) where weavorm returns the server's class JSON.
        """
        return await self.list_dicts()

    async def export_dict(self, name: str) -> dict[str, Any]:
        """The class JSON of ``name`` (suitable for :meth:`create_from_dict`)."""
        return await self._driver.run(ops.get(name))

    async def delete(self, name: str | Sequence[str]) -> None:
        """Delete one or more collections (missing ones are ignored)."""
        for one in [name] if isinstance(name, str) else list(name):
            await self._driver.run(ops.delete(one))

    async def delete_all(self) -> None:
        """Delete every collection. There is no undo."""
        for one in await self._driver.run(ops.list_all()):
            await self._driver.run(ops.delete(one["class"]))
