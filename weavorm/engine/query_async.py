"""``collection.query``: gRPC searches with filters, sort, group_by, rerank and typed results.

Every method sends one ``Search`` request and returns a
:class:`~weavorm.engine.results.QueryResult`::

    articles = client.collections.get("Article")
    result = articles.query.near_vector([0.1, 0.2, 0.3], limit=5,
                                        filters=Filter.by_property("year").greater_than(2000),
                                        return_metadata=MetadataQuery(distance=True))

The methods and their parameters are defined once, by the protocol operations in
:mod:`weavorm.engine._protocol.query`; the sync and async namespaces run them on their
driver. Tenant and consistency level come from the collection handle
(``collection.with_tenant(...)``, ``.with_consistency_level(...)``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from uuid import UUID

from weavorm.engine._facade import async_method, facade
from weavorm.engine._protocol import query as ops
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._transport.driver import AsyncDriver
from weavorm.engine.options import MetadataQuery, QueryReference, ReturnProperties
from weavorm.engine.results import Object

__all__ = ["AsyncQueryNamespace"]


async def _apages(driver: AsyncDriver, cursor: ops.ObjectCursor) -> AsyncIterator[Object]:
    while not cursor.done:
        for obj in await driver.run(cursor.next_page()):
            yield obj


@facade
class AsyncQueryNamespace:
    """Searches over gRPC, one request per call.

    Methods: ``fetch_objects``, ``fetch_object_by_id``, ``fetch_objects_by_ids``,
    ``near_vector``, ``near_text``, ``near_object``, ``near_image``, ``near_media``,
    ``bm25``, ``hybrid`` and ``iterator``.
    """

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx

    fetch_objects = async_method(ops.fetch_objects)
    fetch_object_by_id = async_method(ops.fetch_object_by_id)
    fetch_objects_by_ids = async_method(ops.fetch_objects_by_ids)
    near_vector = async_method(ops.near_vector)
    near_text = async_method(ops.near_text)
    near_object = async_method(ops.near_object)
    near_image = async_method(ops.near_image)
    near_media = async_method(ops.near_media)
    bm25 = async_method(ops.bm25)
    hybrid = async_method(ops.hybrid)

    def iterator(
        self,
        *,
        include_vector: bool | str | Sequence[str] = False,
        return_properties: ReturnProperties | None = None,
        return_metadata: MetadataQuery | Sequence[str] | None = None,
        return_references: QueryReference | Sequence[QueryReference] | None = None,
        cache_size: int | None = None,
        after: UUID | str | None = None,
    ) -> AsyncIterator[Object]:
        """Every object of the collection in id order, fetched page by page.

        Memory stays constant however large the collection: one page of
        ``cache_size`` objects is held at a time (cursor paging with ``after``).

        Args:
            include_vector: Return vectors: True for all, or a name / list of names.
            return_properties: Properties to return (default: all).
            return_metadata: Metadata to return.
            return_references: References to return.
            cache_size: Objects fetched per request (None: 100).
            after: Start after this object id.

        Returns:
            An iterator of objects.

        Raises:
            QueryError: an invalid option (raised at once, not on first iteration).
        """
        cursor = ops.ObjectCursor(
            self._ctx,
            include_vector=include_vector,
            return_properties=return_properties,
            return_metadata=return_metadata,
            return_references=return_references,
            cache_size=cache_size,
            after=after,
        )
        return _apages(self._driver, cursor)
