"""Search operations (gRPC ``Search``): one request per call, typed results.

Each function checks its options, builds the request eagerly (a bad option raises
:class:`~weavorm.errors.QueryError` at call time, before any I/O) and returns the
operation for a driver to run. ``collection.query`` exposes them as methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias
from uuid import UUID

from google.protobuf.message import Message

from weavorm._proto.v1 import generative_pb2, search_get_pb2
from weavorm.engine._protocol import search as build
from weavorm.engine._protocol.calls import GrpcCall, Operation, grpc
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.media import MediaInput
from weavorm.engine._protocol.replies import parse_reply
from weavorm.engine._protocol.searchdocs import documented
from weavorm.engine.boost import BoostSpec
from weavorm.engine.filters import Filter, FilterExpression
from weavorm.engine.options import (
    MMR,
    BM25OperatorOptions,
    GroupBy,
    HybridFusion,
    MetadataQuery,
    Move,
    NearMediaType,
    QueryReference,
    Rerank,
    ReturnProperties,
    Sorting,
)
from weavorm.engine.results import Object, QueryResult
from weavorm.errors import (
    NotFoundError,
    QueryError,
    ServerError,
    UnprocessableError,
    WeavormError,
)

__all__ = [
    "ObjectCursor",
    "bm25",
    "empty_result",
    "fetch_object_by_id",
    "fetch_objects",
    "fetch_objects_by_ids",
    "hybrid",
    "map_search_error",
    "near_image",
    "near_media",
    "near_object",
    "near_text",
    "near_vector",
    "raw_reply",
    "run_search",
    "search",
]

MetadataOption: TypeAlias = MetadataQuery | Sequence[str] | None
References: TypeAlias = QueryReference | Sequence[QueryReference] | None
IncludeVector: TypeAlias = bool | str | Sequence[str]
_RESULT = "A QueryResult (a GroupByResult with ``groups`` when ``group_by`` is given)."
_NOT_FOUND_HINTS = ("could not find class", "tenant not found", "no tenant found")


def map_search_error(error: ServerError) -> WeavormError:
    """The typed error for a failed Search.

    The server answers most failures with gRPC ``UNKNOWN``; a missing collection or
    tenant becomes :class:`NotFoundError`, anything else it refused
    :class:`UnprocessableError`, both with the server's message.
    """
    if type(error) is not ServerError or error.grpc_code not in ("UNKNOWN", None):
        return error
    message = error.message
    kwargs: dict[str, Any] = {"grpc_code": error.grpc_code, "operation": error.operation}
    if any(hint in message.lower() for hint in _NOT_FOUND_HINTS):
        return NotFoundError(404, message, **kwargs)
    return UnprocessableError(422, message, **kwargs)


def run_search(
    request: search_get_pb2.SearchRequest, *, operation: str, group_by: bool = False
) -> Operation[QueryResult]:
    """Send ``request`` and parse the reply."""
    try:
        reply = yield from grpc("Search", request, search_get_pb2.SearchReply, operation=operation)
    except ServerError as exc:
        mapped = map_search_error(exc)
        if mapped is exc:
            raise
        raise mapped from exc
    single = request.HasField("generative") and request.generative.HasField("single")
    return parse_reply(reply, group_by=group_by, single_prompt=single)


def raw_reply(op: Operation[QueryResult]) -> Operation[search_get_pb2.SearchReply]:
    """Run a one-request search operation and return the raw ``SearchReply``.

    For layers that decode replies into their own types (the ODM builds model
    instances straight from the reply): ``op`` builds and checks its request as usual,
    and a failure is mapped by it (:func:`map_search_error`), but its reply is not
    parsed into :class:`~weavorm.engine.results.Object` values.

    Raises:
        QueryError: ``op`` is not a single ``Search`` request.
    """
    call = next(op)
    if not (isinstance(call, GrpcCall) and call.method == "Search"):
        op.close()
        raise QueryError(f"raw_reply: expected a Search call, got {call!r}")
    try:
        reply: search_get_pb2.SearchReply = yield call
    except WeavormError as exc:
        op.throw(exc)  # raises the mapped error
        raise  # pragma: no cover - run_search always re-raises
    finally:
        op.close()
    return reply


def search(
    ctx: CollectionContext,
    operation: str,
    *,
    operator: tuple[str, Message] | None = None,
    group_by: GroupBy | None = None,
    generative: generative_pb2.GenerativeSearch | None = None,
    **options: Any,
) -> Operation[QueryResult]:
    """Build a request with ``operator`` and the shared ``options`` and return the operation."""
    request = build.build_request(
        ctx, operator=operator, group_by=group_by, generative=generative, **options
    )
    return run_search(request, operation=operation, group_by=group_by is not None)


@documented(_RESULT)
def fetch_objects(
    ctx: CollectionContext,
    *,
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
    """Fetch objects, optionally filtered and sorted, without a similarity search."""
    return search(
        ctx,
        "query.fetch_objects",
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


@documented("The object, or None when there is no object with that id.")
def fetch_object_by_id(
    ctx: CollectionContext,
    uuid: UUID | str,
    *,
    include_vector: IncludeVector = False,
    return_properties: ReturnProperties | None = None,
    return_references: References = None,
) -> Operation[Object | None]:
    """Fetch one object by id, with its creation and update times."""
    request = build.build_request(
        ctx,
        limit=1,
        filters=Filter.by_id().equal(uuid),
        include_vector=include_vector,
        return_metadata=MetadataQuery(
            creation_time=True, last_update_time=True, is_consistent=True
        ),
        return_properties=return_properties,
        return_references=return_references,
    )
    return _first(run_search(request, operation="query.fetch_object_by_id"))


def _first(op: Operation[QueryResult]) -> Operation[Object | None]:
    result = yield from op
    return result.objects[0] if result.objects else None


def empty_result() -> Operation[QueryResult]:
    """An operation that returns an empty result without any request."""
    return QueryResult()
    yield  # pragma: no cover - makes this a generator


@documented(_RESULT)
def fetch_objects_by_ids(
    ctx: CollectionContext,
    ids: Iterable[UUID | str],
    *,
    limit: int | None = None,
    offset: int | None = None,
    after: UUID | str | None = None,
    sort: Sorting | None = None,
    include_vector: IncludeVector = False,
    return_metadata: MetadataOption = None,
    return_properties: ReturnProperties | None = None,
    return_references: References = None,
) -> Operation[QueryResult]:
    """Fetch the objects with the given ids (missing ids are skipped).

    Without ``limit`` every found object is returned (the limit is the number of ids).
    """
    if isinstance(ids, str | UUID) or not isinstance(ids, Iterable):
        raise QueryError(f"ids must be a list of UUIDs, got {ids!r}")
    unique = list(dict.fromkeys(ids))
    if not unique:
        return empty_result()
    return search(
        ctx,
        "query.fetch_objects_by_ids",
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
    """Vector search: the objects nearest to a query vector."""
    message = build.near_vector_message(
        near_vector,
        certainty=certainty,
        distance=distance,
        target_vector=target_vector,
        diversity_selection=diversity_selection,
    )
    return search(
        ctx,
        "query.near_vector",
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
    """Semantic search: the objects nearest to text vectorised by the collection's module."""
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
        "query.near_text",
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
    """Similarity search: the objects nearest to a stored object."""
    message = build.near_object_message(
        near_object,
        certainty=certainty,
        distance=distance,
        target_vector=target_vector,
        diversity_selection=diversity_selection,
    )
    return search(
        ctx,
        "query.near_object",
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
    """Image search (multi2vec-* / img2vec-* modules): the objects nearest to an image."""
    return near_media(
        ctx,
        near_image,
        NearMediaType.IMAGE,
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
    """Media search (audio, depth, image, imu, thermal, video) with a multi2vec module."""
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
        f"query.{operator[0]}",
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
    """Keyword search ranked by BM25F."""
    message = build.bm25_message(query, query_properties=query_properties, operator=operator)
    return search(
        ctx,
        "query.bm25",
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
    """Hybrid search: keyword (BM25) and vector search fused into one ranking."""
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
        "query.hybrid",
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


#: Objects per page of an iterator when ``cache_size`` is not given (the official
#: client's default too).
DEFAULT_CACHE_SIZE = 100


class ObjectCursor:
    """Cursor paging over a whole collection (in id order), one page per request.

    Holds only the current position, so iterating any number of objects needs
    constant memory. ``next_page()`` is an operation returning the next page; after a
    short page :attr:`done` is set.
    """

    def __init__(
        self,
        ctx: CollectionContext,
        *,
        include_vector: IncludeVector = False,
        return_metadata: MetadataOption = None,
        return_properties: ReturnProperties | None = None,
        return_references: References = None,
        cache_size: int | None = None,
        after: UUID | str | None = None,
    ) -> None:
        if cache_size is None:
            cache_size = DEFAULT_CACHE_SIZE
        if isinstance(cache_size, bool) or not isinstance(cache_size, int) or cache_size < 1:
            raise QueryError(f"cache_size must be an integer >= 1, got {cache_size!r}")
        self._ctx = ctx
        self._size = cache_size
        self._after = None if after is None else build._uuid("after", after)
        self._options: dict[str, Any] = {
            "include_vector": include_vector,
            "return_metadata": return_metadata,
            "return_properties": return_properties,
            "return_references": return_references,
        }
        # Validate every option now rather than on the first page.
        build.build_request(ctx, limit=cache_size, after=self._after, **self._options)
        self.done = False

    def next_page(self) -> Operation[list[Object]]:
        """The next page of objects (empty when the collection is exhausted)."""
        if self.done:
            return []
        result = yield from fetch_objects(
            self._ctx, limit=self._size, after=self._after, **self._options
        )
        objects = result.objects
        if len(objects) < self._size:
            self.done = True
        if objects:
            self._after = str(objects[-1].uuid)
        return objects
