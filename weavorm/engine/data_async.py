"""Object writes of one collection: ``collection.data``.

Insert, replace, update and delete objects, check existence, and manage references.
Single-object calls use REST; ``insert_many``, ``reference_add_many`` and
``delete_many`` use gRPC batch calls. Every call addresses the handle's tenant and
uses its consistency level (``collection.with_tenant(...)``,
``collection.with_consistency_level(...)``).
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from weavorm.engine._protocol import data as ops
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._transport.driver import AsyncDriver
from weavorm.engine.batching.namespaces import AsyncCollectionBatchNamespace
from weavorm.engine.batching.requests import DEFAULT_BATCH_SIZE, DEFAULT_CONCURRENCY
from weavorm.engine.types import (
    BatchReferenceResult,
    BatchResult,
    DataObject,
    DataReference,
    DeleteManyResult,
    ReferenceInput,
    ReferenceInputs,
    UUIDLike,
    VectorInput,
)
from weavorm.errors import BatchDeadlineError

if TYPE_CHECKING:
    from weavorm.engine.filters import FilterExpression

__all__ = ["AsyncDataNamespace"]


def _check_objects(ctx: CollectionContext, objects: Any) -> None:
    """Encode every object once, so invalid input raises before anything is sent."""
    gen = ops.insert_many(ctx, objects)
    try:
        next(gen)  # raises ConfigError while encoding, or yields the first call
    except StopIteration:
        pass
    finally:
        gen.close()


def _batch_kwargs(obj: Mapping[str, Any] | DataObject) -> dict[str, Any]:
    if isinstance(obj, DataObject):
        return {
            "properties": obj.properties,
            "uuid": obj.uuid,
            "vector": obj.vector,
            "references": obj.references,
        }
    return {"properties": obj}


def _filters_message(where: FilterExpression) -> Any:
    """The ``Filters`` protobuf message for a :class:`weavorm.engine.Filter`."""
    from weavorm.engine._protocol.filters import filter_to_grpc

    return filter_to_grpc(where)


class AsyncDataNamespace:
    """Insert, replace, update and delete objects; references (``collection.data``)."""

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx

    async def insert(
        self,
        properties: Mapping[str, Any] | None = None,
        *,
        uuid: UUIDLike | None = None,
        vector: VectorInput | None = None,
        references: ReferenceInputs | None = None,
    ) -> uuid_lib.UUID:
        """Insert one object (REST ``POST /v1/objects``).

        Args:
            properties: Property values by name (see
                :mod:`weavorm.engine._protocol.encode` for the accepted Python types).
            uuid: The object's id; a random UUID when not given.
            vector: The default vector, or named vectors ``{name: vector}`` (a named
                vector may be a multi-vector, a list of vectors).
            references: Reference properties: a UUID, a list of UUIDs, or
                :class:`~weavorm.engine.types.ReferenceToMulti`.

        Returns:
            The object's UUID.

        Raises:
            ConfigError: invalid input (nothing was sent).
            UnprocessableError: the server refused the object (e.g. the id exists).
        """
        return await self._driver.run(
            ops.insert(self._ctx, properties, uuid=uuid, vector=vector, references=references)
        )

    async def insert_many(
        self,
        objects: Sequence[Mapping[str, Any] | DataObject],
        *,
        batch_size: int | None = None,
        concurrency: int | None = None,
        deadline: float | None = None,
    ) -> BatchResult:
        """Insert many objects with gRPC ``BatchObjects``.

        Objects are split into requests by count and by size (below the server's
        gRPC message limit), sent concurrently, and retried on transient failures
        (every object gets its UUID before sending, so retries are safe). Failures
        do not raise: they are reported per index.

        Args:
            objects: Property mappings, or :class:`~weavorm.engine.types.DataObject`
                for a uuid, vector or references.
            batch_size: Objects per request (default 500).
            concurrency: Requests in flight at once (default 4).
            deadline: Seconds for the whole call; when they pass nothing more is
                sent and :class:`~weavorm.errors.BatchDeadlineError` lists every
                object that did not land.

        Returns:
            ``uuids`` (index -> UUID of stored objects) and ``errors`` (index -> the
            server's message and the object); ``raise_for_errors()`` raises
            :class:`~weavorm.errors.BatchError` when something failed.

        Raises:
            ConfigError: an object is invalid (nothing was sent).
            BatchDeadlineError: ``deadline`` passed first.
        """
        if deadline is not None:
            _check_objects(self._ctx, objects)
            batch = AsyncCollectionBatchNamespace(self._driver, self._ctx).fixed_size(
                batch_size or DEFAULT_BATCH_SIZE,
                concurrency or DEFAULT_CONCURRENCY,
                deadline=deadline,
            )
            added = 0
            try:
                async with batch:
                    for obj in objects:
                        added += 1
                        await batch.add_object(**_batch_kwargs(obj))
            except BatchDeadlineError:
                rest = [_batch_kwargs(o) for o in objects[added:]]
                raise batch._runner.abandon_rest(self._ctx.name, self._ctx.tenant, rest) from None
            return batch.result
        return await self._driver.run(
            ops.insert_many(self._ctx, objects, batch_size=batch_size, concurrency=concurrency)
        )

    async def ingest(self, objects: Iterable[Mapping[str, Any] | DataObject]) -> BatchResult:
        """Insert any number of objects through server-side batching (gRPC ``BatchStream``).

        Unlike :meth:`insert_many`, ``objects`` may be any iterable (a generator over
        a file, say): they are encoded and streamed as they come, and the server
        decides how fast. Failures are reported per index, not raised.

        Returns:
            ``uuids`` and ``errors`` by index, like :meth:`insert_many`.
        """
        async with AsyncCollectionBatchNamespace(self._driver, self._ctx).stream() as batch:
            for obj in objects:
                if isinstance(obj, DataObject):
                    await batch.add_object(
                        obj.properties,
                        uuid=obj.uuid,
                        vector=obj.vector,
                        references=obj.references,
                    )
                else:
                    await batch.add_object(obj)
        return batch.result

    async def replace(
        self,
        uuid: UUIDLike,
        properties: Mapping[str, Any] | None = None,
        *,
        vector: VectorInput | None = None,
        references: ReferenceInputs | None = None,
    ) -> None:
        """Replace an object entirely (REST ``PUT``): unspecified properties are removed.

        Args:
            uuid: The object's id.
            properties: The new property values.
            vector: The new vector(s); when omitted a vectorizer re-vectorizes.
            references: The new reference properties.

        Raises:
            NotFoundError: there is no such object.
            UnprocessableError: the server refused the object.
        """
        await self._driver.run(
            ops.replace(self._ctx, uuid, properties, vector=vector, references=references)
        )

    async def update(
        self,
        uuid: UUIDLike,
        properties: Mapping[str, Any] | None = None,
        *,
        vector: VectorInput | None = None,
        references: ReferenceInputs | None = None,
    ) -> None:
        """Merge properties into an object (REST ``PATCH``); others are kept.

        Args:
            uuid: The object's id.
            properties: The properties to change.
            vector: New vector(s), if any.
            references: Reference properties to set.

        Raises:
            NotFoundError: there is no such object.
        """
        await self._driver.run(
            ops.update(self._ctx, uuid, properties, vector=vector, references=references)
        )

    async def delete_by_id(self, uuid: UUIDLike) -> bool:
        """Delete one object; returns False when it did not exist."""
        return await self._driver.run(ops.delete_by_id(self._ctx, uuid))

    async def delete_many(
        self, where: FilterExpression, *, dry_run: bool = False, verbose: bool = False
    ) -> DeleteManyResult:
        """Delete every object matching a filter (gRPC ``BatchDelete``).

        Args:
            where: A :class:`weavorm.engine.Filter` expression.
            dry_run: Only count (and with ``verbose`` list) what would be deleted.
            verbose: Report each matched object in ``objects``.

        Returns:
            ``matches``, ``successful``, ``failed`` and, when verbose, ``objects``.
        """
        return await self._driver.run(
            ops.delete_many(self._ctx, _filters_message(where), dry_run=dry_run, verbose=verbose)
        )

    async def exists(self, uuid: UUIDLike) -> bool:
        """Whether an object with this id exists."""
        return await self._driver.run(ops.exists(self._ctx, uuid))

    async def reference_add(
        self, from_uuid: UUIDLike, from_property: str, to: ReferenceInput
    ) -> None:
        """Add one reference from an object of this collection.

        Args:
            from_uuid: The source object.
            from_property: Its reference property.
            to: The target UUID, or ``ReferenceToMulti(uuid, target_collection=...)``
                for a multi-target property.
        """
        await self._driver.run(ops.reference_add(self._ctx, from_uuid, from_property, to))

    async def reference_add_many(
        self,
        references: Sequence[DataReference],
        *,
        batch_size: int | None = None,
        concurrency: int | None = None,
    ) -> BatchReferenceResult:
        """Add many references with gRPC ``BatchReferences``; failures are per index.

        Args:
            references: :class:`~weavorm.engine.types.DataReference` items.
            batch_size: References per request (default 1000).
            concurrency: Requests in flight at once (default 4).
        """
        return await self._driver.run(
            ops.reference_add_many(
                self._ctx, references, batch_size=batch_size, concurrency=concurrency
            )
        )

    async def reference_replace(
        self, from_uuid: UUIDLike, from_property: str, to: ReferenceInput
    ) -> None:
        """Set a reference property to exactly ``to`` (one UUID, a list, or multi-target)."""
        await self._driver.run(ops.reference_replace(self._ctx, from_uuid, from_property, to))

    async def reference_delete(
        self, from_uuid: UUIDLike, from_property: str, to: ReferenceInput
    ) -> None:
        """Remove one reference from an object of this collection."""
        await self._driver.run(ops.reference_delete(self._ctx, from_uuid, from_property, to))
