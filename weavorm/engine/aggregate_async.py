"""``collection.aggregate``: metrics over all objects or over a search's matches.

The options and results are in :mod:`weavorm.engine.aggregate_types`; the requests
are built in :mod:`weavorm.engine._protocol.aggregate`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload
from uuid import UUID

from weavorm.engine._protocol import aggregate as ops
from weavorm.engine._protocol.aggregate import AggregateOutcome, FilterArg, GroupBy, Metric
from weavorm.engine._protocol.aggregate_search import Bm25Operator, Number, TargetVector
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.media import MediaInput
from weavorm.engine._transport.driver import AsyncDriver
from weavorm.engine.aggregate_types import (
    AggregateGroupByResult,
    AggregateResult,
    GroupByAggregate,
)
from weavorm.engine.options import Move

__all__ = ["AsyncAggregateNamespace"]


class AsyncAggregateNamespace:
    """``collection.aggregate``: metrics over all objects or over a search's matches.

    Without ``group_by`` each method returns an :class:`AggregateResult`; with it, an
    :class:`AggregateGroupByResult`. Near-searches need at least one of ``certainty``,
    ``distance`` or ``object_limit`` to bound the matches.

    Every method raises :class:`~weavorm.errors.QueryError` for invalid options before
    anything is sent, and a :class:`~weavorm.errors.ServerError` subclass when the server
    refuses the aggregation.
    """

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx

    @overload
    async def over_all(
        self,
        *,
        filters: FilterArg = None,
        group_by: None = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateResult: ...
    @overload
    async def over_all(
        self,
        *,
        filters: FilterArg = None,
        group_by: str | GroupByAggregate,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateGroupByResult: ...
    async def over_all(
        self,
        *,
        filters: FilterArg = None,
        group_by: GroupBy = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateOutcome:
        """Aggregate over every object of the collection (or those ``filters`` match).

        Args:
            filters: Only objects matching this filter.
            group_by: A property name or :class:`GroupByAggregate` to group by.
            total_count: Whether to return the number of objects.
            return_metrics: Metrics built with :class:`Metrics` (one or a list).

        Returns:
            An :class:`AggregateResult`, or with ``group_by`` an :class:`AggregateGroupByResult`.
        """
        return await self._driver.run(
            ops.over_all(
                self._ctx,
                filters=filters,
                group_by=group_by,
                total_count=total_count,
                return_metrics=return_metrics,
            )
        )

    @overload
    async def near_vector(
        self,
        near_vector: Any,
        *,
        certainty: Number | None = None,
        distance: Number | None = None,
        object_limit: int | None = None,
        filters: FilterArg = None,
        group_by: None = None,
        target_vector: TargetVector = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateResult: ...
    @overload
    async def near_vector(
        self,
        near_vector: Any,
        *,
        certainty: Number | None = None,
        distance: Number | None = None,
        object_limit: int | None = None,
        filters: FilterArg = None,
        group_by: str | GroupByAggregate,
        target_vector: TargetVector = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateGroupByResult: ...
    async def near_vector(
        self,
        near_vector: Any,
        *,
        certainty: Number | None = None,
        distance: Number | None = None,
        object_limit: int | None = None,
        filters: FilterArg = None,
        group_by: GroupBy = None,
        target_vector: TargetVector = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateOutcome:
        """Aggregate over the objects a near-vector search finds.

        Args:
            near_vector: The vector (a list, tuple, array or multi-vector), or
                ``{vector_name: vector}`` for named vectors.
            certainty: Only matches at least this certain (0..1).
            distance: Only matches at most this far.
            object_limit: At most this many nearest objects are aggregated.
            filters: Only objects matching this filter.
            group_by: A property name or :class:`GroupByAggregate` to group by.
            target_vector: The named vector(s) to search.
            total_count: Whether to return the number of objects.
            return_metrics: Metrics built with :class:`Metrics` (one or a list).

        Returns:
            An :class:`AggregateResult`, or with ``group_by`` an :class:`AggregateGroupByResult`.
        """
        return await self._driver.run(
            ops.near_vector(
                self._ctx,
                near_vector,
                certainty=certainty,
                distance=distance,
                object_limit=object_limit,
                filters=filters,
                group_by=group_by,
                target_vector=target_vector,
                total_count=total_count,
                return_metrics=return_metrics,
            )
        )

    @overload
    async def near_text(
        self,
        query: str | Sequence[str],
        *,
        certainty: Number | None = None,
        distance: Number | None = None,
        move_to: Move | None = None,
        move_away: Move | None = None,
        object_limit: int | None = None,
        filters: FilterArg = None,
        group_by: None = None,
        target_vector: TargetVector = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateResult: ...
    @overload
    async def near_text(
        self,
        query: str | Sequence[str],
        *,
        certainty: Number | None = None,
        distance: Number | None = None,
        move_to: Move | None = None,
        move_away: Move | None = None,
        object_limit: int | None = None,
        filters: FilterArg = None,
        group_by: str | GroupByAggregate,
        target_vector: TargetVector = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateGroupByResult: ...
    async def near_text(
        self,
        query: str | Sequence[str],
        *,
        certainty: Number | None = None,
        distance: Number | None = None,
        move_to: Move | None = None,
        move_away: Move | None = None,
        object_limit: int | None = None,
        filters: FilterArg = None,
        group_by: GroupBy = None,
        target_vector: TargetVector = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateOutcome:
        """Aggregate over the objects a near-text search finds (needs a text vectorizer).

        Args:
            query: The text, or several concepts.
            certainty: Only matches at least this certain (0..1).
            distance: Only matches at most this far.
            move_to: Move the search towards ``concepts`` / ``objects`` by ``force``.
            move_away: Move the search away from concepts/objects.
            object_limit: At most this many nearest objects are aggregated.
            filters: Only objects matching this filter.
            group_by: A property name or :class:`GroupByAggregate` to group by.
            target_vector: The named vector(s) to search.
            total_count: Whether to return the number of objects.
            return_metrics: Metrics built with :class:`Metrics` (one or a list).

        Returns:
            An :class:`AggregateResult`, or with ``group_by`` an :class:`AggregateGroupByResult`.
        """
        return await self._driver.run(
            ops.near_text(
                self._ctx,
                query,
                certainty=certainty,
                distance=distance,
                move_to=move_to,
                move_away=move_away,
                object_limit=object_limit,
                filters=filters,
                group_by=group_by,
                target_vector=target_vector,
                total_count=total_count,
                return_metrics=return_metrics,
            )
        )

    @overload
    async def near_object(
        self,
        near_object: UUID | str,
        *,
        certainty: Number | None = None,
        distance: Number | None = None,
        object_limit: int | None = None,
        filters: FilterArg = None,
        group_by: None = None,
        target_vector: TargetVector = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateResult: ...
    @overload
    async def near_object(
        self,
        near_object: UUID | str,
        *,
        certainty: Number | None = None,
        distance: Number | None = None,
        object_limit: int | None = None,
        filters: FilterArg = None,
        group_by: str | GroupByAggregate,
        target_vector: TargetVector = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateGroupByResult: ...
    async def near_object(
        self,
        near_object: UUID | str,
        *,
        certainty: Number | None = None,
        distance: Number | None = None,
        object_limit: int | None = None,
        filters: FilterArg = None,
        group_by: GroupBy = None,
        target_vector: TargetVector = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateOutcome:
        """Aggregate over the objects near an existing object.

        Args:
            near_object: The id of the object to search around.
            certainty: Only matches at least this certain (0..1).
            distance: Only matches at most this far.
            object_limit: At most this many nearest objects are aggregated.
            filters: Only objects matching this filter.
            group_by: A property name or :class:`GroupByAggregate` to group by.
            target_vector: The named vector(s) to search.
            total_count: Whether to return the number of objects.
            return_metrics: Metrics built with :class:`Metrics` (one or a list).

        Returns:
            An :class:`AggregateResult`, or with ``group_by`` an :class:`AggregateGroupByResult`.
        """
        return await self._driver.run(
            ops.near_object(
                self._ctx,
                near_object,
                certainty=certainty,
                distance=distance,
                object_limit=object_limit,
                filters=filters,
                group_by=group_by,
                target_vector=target_vector,
                total_count=total_count,
                return_metrics=return_metrics,
            )
        )

    @overload
    async def near_image(
        self,
        near_image: MediaInput,
        *,
        certainty: Number | None = None,
        distance: Number | None = None,
        object_limit: int | None = None,
        filters: FilterArg = None,
        group_by: None = None,
        target_vector: TargetVector = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateResult: ...
    @overload
    async def near_image(
        self,
        near_image: MediaInput,
        *,
        certainty: Number | None = None,
        distance: Number | None = None,
        object_limit: int | None = None,
        filters: FilterArg = None,
        group_by: str | GroupByAggregate,
        target_vector: TargetVector = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateGroupByResult: ...
    async def near_image(
        self,
        near_image: MediaInput,
        *,
        certainty: Number | None = None,
        distance: Number | None = None,
        object_limit: int | None = None,
        filters: FilterArg = None,
        group_by: GroupBy = None,
        target_vector: TargetVector = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateOutcome:
        """Aggregate over the objects a near-image search finds (needs an image vectorizer).

        Args:
            near_image: The image: base64 text, bytes, a file path or a binary file.
            certainty: Only matches at least this certain (0..1).
            distance: Only matches at most this far.
            object_limit: At most this many nearest objects are aggregated.
            filters: Only objects matching this filter.
            group_by: A property name or :class:`GroupByAggregate` to group by.
            target_vector: The named vector(s) to search.
            total_count: Whether to return the number of objects.
            return_metrics: Metrics built with :class:`Metrics` (one or a list).

        Returns:
            An :class:`AggregateResult`, or with ``group_by`` an :class:`AggregateGroupByResult`.
        """
        return await self._driver.run(
            ops.near_image(
                self._ctx,
                near_image,
                certainty=certainty,
                distance=distance,
                object_limit=object_limit,
                filters=filters,
                group_by=group_by,
                target_vector=target_vector,
                total_count=total_count,
                return_metrics=return_metrics,
            )
        )

    @overload
    async def hybrid(
        self,
        query: str | None,
        *,
        alpha: Number | None = None,
        vector: Any = None,
        query_properties: Sequence[str] | None = None,
        object_limit: int | None = None,
        bm25_operator: Bm25Operator = None,
        filters: FilterArg = None,
        group_by: None = None,
        target_vector: TargetVector = None,
        max_vector_distance: Number | None = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateResult: ...
    @overload
    async def hybrid(
        self,
        query: str | None,
        *,
        alpha: Number | None = None,
        vector: Any = None,
        query_properties: Sequence[str] | None = None,
        object_limit: int | None = None,
        bm25_operator: Bm25Operator = None,
        filters: FilterArg = None,
        group_by: str | GroupByAggregate,
        target_vector: TargetVector = None,
        max_vector_distance: Number | None = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateGroupByResult: ...
    async def hybrid(
        self,
        query: str | None,
        *,
        alpha: Number | None = None,
        vector: Any = None,
        query_properties: Sequence[str] | None = None,
        object_limit: int | None = None,
        bm25_operator: Bm25Operator = None,
        filters: FilterArg = None,
        group_by: GroupBy = None,
        target_vector: TargetVector = None,
        max_vector_distance: Number | None = None,
        total_count: bool = True,
        return_metrics: Metric = None,
    ) -> AggregateOutcome:
        """Aggregate over the objects a hybrid (BM25 + vector) search finds.

        Args:
            query: The keyword query (None for a pure vector search).
            alpha: The weight of the vector search (0 = BM25 only, 1 = vector only).
            vector: The vector to search with instead of vectorizing ``query``, or a
                ``HybridVector.near_vector(...)`` / ``.near_text(...)`` sub-search.
            query_properties: The properties BM25 searches (default: all text).
            object_limit: At most this many best matches are aggregated.
            bm25_operator: ``"or"`` (default) or ``"and"`` for the query's tokens.
            filters: Only objects matching this filter.
            group_by: A property name or :class:`GroupByAggregate` to group by.
            target_vector: The named vector(s) to search.
            max_vector_distance: Only vector matches at most this far.
            total_count: Whether to return the number of objects.
            return_metrics: Metrics built with :class:`Metrics` (one or a list).

        Returns:
            An :class:`AggregateResult`, or with ``group_by`` an :class:`AggregateGroupByResult`.
        """
        return await self._driver.run(
            ops.hybrid(
                self._ctx,
                query,
                alpha=alpha,
                vector=vector,
                query_properties=query_properties,
                object_limit=object_limit,
                bm25_operator=bm25_operator,
                filters=filters,
                group_by=group_by,
                target_vector=target_vector,
                max_vector_distance=max_vector_distance,
                total_count=total_count,
                return_metrics=return_metrics,
            )
        )
