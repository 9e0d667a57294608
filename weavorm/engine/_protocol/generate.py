"""Retrieval-augmented generation: every search plus a prompt per object and/or a grouped task.

The operations mirror :mod:`weavorm.engine._protocol.query` with four more options
(``single_prompt``, ``grouped_task``, ``grouped_properties``, ``generative_provider``).
Results carry ``Object.generated`` per object and ``QueryResult.generative.text`` for
the grouped task. When the generative module fails (unreachable provider, bad
model, ...) the server fails the whole search: it raises
:class:`~weavorm.errors.UnprocessableError` with the server's message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from weavorm.config import GenerativeConfig
from weavorm.engine._protocol import search as build
from weavorm.engine._protocol.calls import Operation
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.generative import generative_search
from weavorm.engine._protocol.media import MediaInput
from weavorm.engine._protocol.query import (
    IncludeVector,
    MetadataOption,
    References,
    empty_result,
    search,
)
from weavorm.engine._protocol.searchdocs import documented
from weavorm.engine.boost import BoostSpec
from weavorm.engine.filters import Filter, FilterExpression
from weavorm.engine.generative_config import GenerativeProvider, GroupedTask, SinglePrompt
from weavorm.engine.options import (
    MMR,
    BM25OperatorOptions,
    GroupBy,
    HybridFusion,
    Move,
    NearMediaType,
    Rerank,
    ReturnProperties,
    Sorting,
)
from weavorm.engine.results import QueryResult
from weavorm.errors import QueryError

__all__ = [
    "bm25",
    "fetch_objects",
    "fetch_objects_by_ids",
    "hybrid",
    "near_image",
    "near_media",
    "near_object",
    "near_text",
    "near_vector",
]

_RESULT = (
    "A QueryResult whose objects carry ``generated`` (single_prompt) and whose "
    "``generative.text`` holds the grouped task's answer (per group with ``group_by``)."
)


@documented(_RESULT)
def fetch_objects(
    ctx: CollectionContext,
    *,
    single_prompt: str | SinglePrompt | None = None,
    grouped_task: str | GroupedTask | None = None,
    grouped_properties: Sequence[str] | None = None,
    generative_provider: GenerativeConfig | GenerativeProvider | None = None,
    limit: int | None = None,
    offset: int | None = None,
    after: UUID | str | None = None,
    filters: FilterExpression | None = None,
    sort: Sorting | None = None,
    include_vector: IncludeVector = False,
    return_metadata: MetadataOption = None,
    return_properties: ReturnProperties | None = None,
    return_references: References = None,
) -> Operation[QueryResult]:
    """Generate from objects fetched (optionally filtered and sorted) without similarity search."""
    return search(
        ctx,
        "generate.fetch_objects",
        generative=generative_search(
            single_prompt=single_prompt,
            grouped_task=grouped_task,
            grouped_properties=grouped_properties,
            generative_provider=generative_provider,
        ),
        limit=limit,
        offset=offset,
        after=after,
        filters=filters,
        sort=sort,
        include_vector=include_vector,
        return_metadata=return_metadata,
        return_properties=return_properties,
        return_references=return_references,
    )


@documented(_RESULT)
def fetch_objects_by_ids(
    ctx: CollectionContext,
    ids: Iterable[UUID | str],
    *,
    single_prompt: str | SinglePrompt | None = None,
    grouped_task: str | GroupedTask | None = None,
    grouped_properties: Sequence[str] | None = None,
    generative_provider: GenerativeConfig | GenerativeProvider | None = None,
    limit: int | None = None,
    offset: int | None = None,
    after: UUID | str | None = None,
    sort: Sorting | None = None,
    include_vector: IncludeVector = False,
    return_metadata: MetadataOption = None,
    return_properties: ReturnProperties | None = None,
    return_references: References = None,
) -> Operation[QueryResult]:
    """Generate from the objects with the given ids (missing ids are skipped).

    Without ``limit`` every found object is returned (the limit is the number of ids).
    """
    if isinstance(ids, str | UUID) or not isinstance(ids, Iterable):
        raise QueryError(f"ids must be a list of UUIDs, got {ids!r}")
    unique = list(dict.fromkeys(ids))
    if not unique:
        return empty_result()
    return search(
        ctx,
        "generate.fetch_objects_by_ids",
        generative=generative_search(
            single_prompt=single_prompt,
            grouped_task=grouped_task,
            grouped_properties=grouped_properties,
            generative_provider=generative_provider,
        ),
        limit=len(unique) if limit is None else limit,
        offset=offset,
        after=after,
        filters=Filter.by_id().contains_any(unique),
        sort=sort,
        include_vector=include_vector,
        return_metadata=return_metadata,
        return_properties=return_properties,
        return_references=return_references,
    )


@documented(_RESULT)
def near_vector(
    ctx: CollectionContext,
    near_vector: Any,
    *,
    single_prompt: str | SinglePrompt | None = None,
    grouped_task: str | GroupedTask | None = None,
    grouped_properties: Sequence[str] | None = None,
    generative_provider: GenerativeConfig | GenerativeProvider | None = None,
    certainty: float | None = None,
    distance: float | None = None,
    target_vector: build.TargetVector | None = None,
    limit: int | None = None,
    offset: int | None = None,
    auto_limit: int | None = None,
    filters: FilterExpression | None = None,
    group_by: GroupBy | None = None,
    rerank: Rerank | None = None,
    boost: BoostSpec | None = None,
    diversity_selection: MMR | None = None,
    include_vector: IncludeVector = False,
    return_metadata: MetadataOption = None,
    return_properties: ReturnProperties | None = None,
    return_references: References = None,
) -> Operation[QueryResult]:
    """Vector search: the objects nearest to a query vector, with generation."""
    message = build.near_vector_message(
        near_vector,
        certainty=certainty,
        distance=distance,
        target_vector=target_vector,
        diversity_selection=diversity_selection,
    )
    return search(
        ctx,
        "generate.near_vector",
        generative=generative_search(
            single_prompt=single_prompt,
            grouped_task=grouped_task,
            grouped_properties=grouped_properties,
            generative_provider=generative_provider,
        ),
        operator=("near_vector", message),
        limit=limit,
        offset=offset,
        auto_limit=auto_limit,
        filters=filters,
        group_by=group_by,
        rerank=rerank,
        boost=boost,
        include_vector=include_vector,
        return_metadata=return_metadata,
        return_properties=return_properties,
        return_references=return_references,
    )


@documented(_RESULT)
def near_text(
    ctx: CollectionContext,
    query: str | Sequence[str],
    *,
    single_prompt: str | SinglePrompt | None = None,
    grouped_task: str | GroupedTask | None = None,
    grouped_properties: Sequence[str] | None = None,
    generative_provider: GenerativeConfig | GenerativeProvider | None = None,
    certainty: float | None = None,
    distance: float | None = None,
    move_to: Move | None = None,
    move_away: Move | None = None,
    target_vector: build.TargetVector | None = None,
    limit: int | None = None,
    offset: int | None = None,
    auto_limit: int | None = None,
    filters: FilterExpression | None = None,
    group_by: GroupBy | None = None,
    rerank: Rerank | None = None,
    boost: BoostSpec | None = None,
    diversity_selection: MMR | None = None,
    include_vector: IncludeVector = False,
    return_metadata: MetadataOption = None,
    return_properties: ReturnProperties | None = None,
    return_references: References = None,
) -> Operation[QueryResult]:
    """Semantic search (text vectorised by the collection's module), with generation."""
    message = build.near_text_message(
        query,
        certainty=certainty,
        distance=distance,
        move_to=move_to,
        move_away=move_away,
        target_vector=target_vector,
        diversity_selection=diversity_selection,
    )
    return search(
        ctx,
        "generate.near_text",
        generative=generative_search(
            single_prompt=single_prompt,
            grouped_task=grouped_task,
            grouped_properties=grouped_properties,
            generative_provider=generative_provider,
        ),
        operator=("near_text", message),
        limit=limit,
        offset=offset,
        auto_limit=auto_limit,
        filters=filters,
        group_by=group_by,
        rerank=rerank,
        boost=boost,
        include_vector=include_vector,
        return_metadata=return_metadata,
        return_properties=return_properties,
        return_references=return_references,
    )


@documented(_RESULT)
def near_object(
    ctx: CollectionContext,
    near_object: UUID | str,
    *,
    single_prompt: str | SinglePrompt | None = None,
    grouped_task: str | GroupedTask | None = None,
    grouped_properties: Sequence[str] | None = None,
    generative_provider: GenerativeConfig | GenerativeProvider | None = None,
    certainty: float | None = None,
    distance: float | None = None,
    target_vector: build.TargetVector | None = None,
    limit: int | None = None,
    offset: int | None = None,
    auto_limit: int | None = None,
    filters: FilterExpression | None = None,
    group_by: GroupBy | None = None,
    rerank: Rerank | None = None,
    boost: BoostSpec | None = None,
    diversity_selection: MMR | None = None,
    include_vector: IncludeVector = False,
    return_metadata: MetadataOption = None,
    return_properties: ReturnProperties | None = None,
    return_references: References = None,
) -> Operation[QueryResult]:
    """Similarity search: the objects nearest to a stored object, with generation."""
    message = build.near_object_message(
        near_object,
        certainty=certainty,
        distance=distance,
        target_vector=target_vector,
        diversity_selection=diversity_selection,
    )
    return search(
        ctx,
        "generate.near_object",
        generative=generative_search(
            single_prompt=single_prompt,
            grouped_task=grouped_task,
            grouped_properties=grouped_properties,
            generative_provider=generative_provider,
        ),
        operator=("near_object", message),
        limit=limit,
        offset=offset,
        auto_limit=auto_limit,
        filters=filters,
        group_by=group_by,
        rerank=rerank,
        boost=boost,
        include_vector=include_vector,
        return_metadata=return_metadata,
        return_properties=return_properties,
        return_references=return_references,
    )


@documented(_RESULT)
def near_image(
    ctx: CollectionContext,
    near_image: MediaInput,
    *,
    single_prompt: str | SinglePrompt | None = None,
    grouped_task: str | GroupedTask | None = None,
    grouped_properties: Sequence[str] | None = None,
    generative_provider: GenerativeConfig | GenerativeProvider | None = None,
    certainty: float | None = None,
    distance: float | None = None,
    target_vector: build.TargetVector | None = None,
    limit: int | None = None,
    offset: int | None = None,
    auto_limit: int | None = None,
    filters: FilterExpression | None = None,
    group_by: GroupBy | None = None,
    rerank: Rerank | None = None,
    boost: BoostSpec | None = None,
    diversity_selection: MMR | None = None,
    include_vector: IncludeVector = False,
    return_metadata: MetadataOption = None,
    return_properties: ReturnProperties | None = None,
    return_references: References = None,
) -> Operation[QueryResult]:
    """Image search (multi2vec-* / img2vec-* modules), with generation."""
    return near_media(
        ctx,
        near_image,
        NearMediaType.IMAGE,
        single_prompt=single_prompt,
        grouped_task=grouped_task,
        grouped_properties=grouped_properties,
        generative_provider=generative_provider,
        certainty=certainty,
        distance=distance,
        target_vector=target_vector,
        limit=limit,
        offset=offset,
        auto_limit=auto_limit,
        filters=filters,
        group_by=group_by,
        rerank=rerank,
        boost=boost,
        diversity_selection=diversity_selection,
        include_vector=include_vector,
        return_metadata=return_metadata,
        return_properties=return_properties,
        return_references=return_references,
    )


@documented(_RESULT)
def near_media(
    ctx: CollectionContext,
    media: MediaInput,
    media_type: NearMediaType | str,
    *,
    single_prompt: str | SinglePrompt | None = None,
    grouped_task: str | GroupedTask | None = None,
    grouped_properties: Sequence[str] | None = None,
    generative_provider: GenerativeConfig | GenerativeProvider | None = None,
    certainty: float | None = None,
    distance: float | None = None,
    target_vector: build.TargetVector | None = None,
    limit: int | None = None,
    offset: int | None = None,
    auto_limit: int | None = None,
    filters: FilterExpression | None = None,
    group_by: GroupBy | None = None,
    rerank: Rerank | None = None,
    boost: BoostSpec | None = None,
    diversity_selection: MMR | None = None,
    include_vector: IncludeVector = False,
    return_metadata: MetadataOption = None,
    return_properties: ReturnProperties | None = None,
    return_references: References = None,
) -> Operation[QueryResult]:
    """Media search (audio, depth, image, imu, thermal, video), with generation."""
    operator = build.near_media_message(
        media,
        media_type,
        certainty=certainty,
        distance=distance,
        target_vector=target_vector,
        diversity_selection=diversity_selection,
    )
    return search(
        ctx,
        f"generate.{operator[0]}",
        generative=generative_search(
            single_prompt=single_prompt,
            grouped_task=grouped_task,
            grouped_properties=grouped_properties,
            generative_provider=generative_provider,
        ),
        operator=operator,
        limit=limit,
        offset=offset,
        auto_limit=auto_limit,
        filters=filters,
        group_by=group_by,
        rerank=rerank,
        boost=boost,
        include_vector=include_vector,
        return_metadata=return_metadata,
        return_properties=return_properties,
        return_references=return_references,
    )


@documented(_RESULT)
def bm25(
    ctx: CollectionContext,
    query: str | None,
    *,
    single_prompt: str | SinglePrompt | None = None,
    grouped_task: str | GroupedTask | None = None,
    grouped_properties: Sequence[str] | None = None,
    generative_provider: GenerativeConfig | GenerativeProvider | None = None,
    query_properties: Sequence[str] | None = None,
    operator: BM25OperatorOptions | None = None,
    limit: int | None = None,
    offset: int | None = None,
    auto_limit: int | None = None,
    filters: FilterExpression | None = None,
    group_by: GroupBy | None = None,
    rerank: Rerank | None = None,
    boost: BoostSpec | None = None,
    include_vector: IncludeVector = False,
    return_metadata: MetadataOption = None,
    return_properties: ReturnProperties | None = None,
    return_references: References = None,
) -> Operation[QueryResult]:
    """Keyword search ranked by BM25F, with generation."""
    message = build.bm25_message(query, query_properties=query_properties, operator=operator)
    return search(
        ctx,
        "generate.bm25",
        generative=generative_search(
            single_prompt=single_prompt,
            grouped_task=grouped_task,
            grouped_properties=grouped_properties,
            generative_provider=generative_provider,
        ),
        operator=("bm25_search", message) if message is not None else None,
        limit=limit,
        offset=offset,
        auto_limit=auto_limit,
        filters=filters,
        group_by=group_by,
        rerank=rerank,
        boost=boost,
        include_vector=include_vector,
        return_metadata=return_metadata,
        return_properties=return_properties,
        return_references=return_references,
    )


@documented(_RESULT)
def hybrid(
    ctx: CollectionContext,
    query: str | None,
    *,
    single_prompt: str | SinglePrompt | None = None,
    grouped_task: str | GroupedTask | None = None,
    grouped_properties: Sequence[str] | None = None,
    generative_provider: GenerativeConfig | GenerativeProvider | None = None,
    alpha: float | None = None,
    vector: Any = None,
    query_properties: Sequence[str] | None = None,
    fusion_type: HybridFusion | None = None,
    max_vector_distance: float | None = None,
    bm25_operator: BM25OperatorOptions | None = None,
    target_vector: build.TargetVector | None = None,
    limit: int | None = None,
    offset: int | None = None,
    auto_limit: int | None = None,
    filters: FilterExpression | None = None,
    group_by: GroupBy | None = None,
    rerank: Rerank | None = None,
    boost: BoostSpec | None = None,
    diversity_selection: MMR | None = None,
    include_vector: IncludeVector = False,
    return_metadata: MetadataOption = None,
    return_properties: ReturnProperties | None = None,
    return_references: References = None,
) -> Operation[QueryResult]:
    """Hybrid search: keyword (BM25) and vector search fused into one ranking, with generation."""
    message = build.hybrid_message(
        query,
        alpha=alpha,
        vector=vector,
        query_properties=query_properties,
        fusion_type=fusion_type,
        max_vector_distance=max_vector_distance,
        bm25_operator=bm25_operator,
        target_vector=target_vector,
        diversity_selection=diversity_selection,
    )
    return search(
        ctx,
        "generate.hybrid",
        generative=generative_search(
            single_prompt=single_prompt,
            grouped_task=grouped_task,
            grouped_properties=grouped_properties,
            generative_provider=generative_provider,
        ),
        operator=("hybrid_search", message) if message is not None else None,
        limit=limit,
        offset=offset,
        auto_limit=auto_limit,
        filters=filters,
        group_by=group_by,
        rerank=rerank,
        boost=boost,
        include_vector=include_vector,
        return_metadata=return_metadata,
        return_properties=return_properties,
        return_references=return_references,
    )
