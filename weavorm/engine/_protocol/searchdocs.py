"""One description per search parameter, appended to each search operation's docstring.

Searches share most of their parameters; describing them once keeps the query and
generate methods consistent. :func:`documented` appends a Google-style ``Args`` section
(every parameter but ``ctx``) plus ``Returns``/``Raises`` to a function's docstring and
fails at import when a parameter has no description.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import TypeVar

__all__ = ["ARG_DOCS", "documented"]

F = TypeVar("F", bound=Callable[..., object])

ARG_DOCS: dict[str, str] = {
    # search operators
    "query": "The search text.",
    "near_vector": (
        "The query vector: a list of floats (or a numpy array), a multi-vector (list of "
        "lists) for multi-vector indexes, or a dict of target vector name -> vector (or "
        "NearVector.list_of_vectors(...)) for a multi-target search."
    ),
    "near_object": "The id of a stored object whose vector is the query.",
    "near_image": "The image: base64 text, bytes, a pathlib.Path or a binary file.",
    "media": "The media: base64 text, bytes, a pathlib.Path or a binary file.",
    "media_type": "The kind of media: a NearMediaType or 'image', 'audio', 'video', ...",
    "certainty": "Only objects at least this similar (0..1; cosine distance only).",
    "distance": "Only objects at most this vector distance away.",
    "move_to": "Move the query towards these concepts/objects (Move).",
    "move_away": "Move the query away from these concepts/objects (Move).",
    "target_vector": (
        "The named vector(s) to search: a name, a list of names, or TargetVectors.sum / "
        "average / minimum / manual_weights / relative_score(...) to combine several."
    ),
    "query_properties": "Properties to search (``'title^2'`` boosts a property); default all.",
    "operator": "How query tokens must match: BM25Operator.or_(minimum_match=n) / and_().",
    "alpha": "Balance of vector (1.0) and keyword (0.0) search; server default 0.75.",
    "vector": (
        "The vector part: a vector, a multi-vector, a dict of target -> vector, or "
        "HybridVector.near_text(...) / HybridVector.near_vector(...); default: the query "
        "vectorised by the collection's vectorizer."
    ),
    "fusion_type": "How keyword and vector rankings fuse: HybridFusion.RELATIVE_SCORE or RANKED.",
    "max_vector_distance": "Only objects within this vector distance (vector part of hybrid).",
    "bm25_operator": "Token matching of the keyword part: BM25Operator.or_(...) / and_().",
    # shared options
    "uuid": "The object id.",
    "ids": "The object ids.",
    "limit": "At most this many objects (the server's default limit when None).",
    "offset": "Skip this many objects first.",
    "after": "Cursor: only objects after this id, in id order (no filters or sort).",
    "auto_limit": "Autocut: cut the results after this many jumps in distance/score.",
    "filters": "Only objects matching this Filter.",
    "sort": "Order of the results: Sort.by_property(...), chained for several keys.",
    "group_by": (
        "Group the results by a property: GroupBy(prop, number_of_groups=, objects_per_group=)."
    ),
    "rerank": "Rerank the results with the reranker module: Rerank(prop, query=None).",
    "boost": "Re-score the results softly: Boost.filter / time_decay / numeric_decay / ... .",
    "diversity_selection": "Select diverse results: Diversity.mmr(limit=, balance=).",
    "include_vector": "Return vectors: True for all, or a vector name / list of names.",
    "return_metadata": (
        "Metadata to return: MetadataQuery(distance=True, ...), MetadataQuery.full() or a "
        "list of names."
    ),
    "return_properties": (
        "Properties to return: names and QueryNested(...) selections; None or True for all "
        "(except blobs); False or [] for none."
    ),
    "return_references": "References to return with their objects: QueryReference(...) or a list.",
    # iterator
    "cache_size": "Objects fetched per request (page size).",
    # generative
    "single_prompt": (
        "A prompt run for each object, with {property} placeholders; a string or "
        "GenerativeParameters.single_prompt(...)."
    ),
    "grouped_task": (
        "A task run once over all results (or each group); a string or "
        "GenerativeParameters.grouped_task(...)."
    ),
    "grouped_properties": "Properties passed to the grouped task (default: all).",
    "generative_provider": (
        "Override the collection's generative module for this search, e.g. "
        "GenerativeConfig.openai(base_url=..., model=...)."
    ),
}

_RAISES = (
    "Raises:\n"
    "    QueryError: an invalid option, before anything is sent.\n"
    "    NotFoundError: the collection (or tenant) does not exist.\n"
    "    UnprocessableError: the server refused the search (its message says why, e.g. an\n"
    "        unknown property in a filter, or a failing module).\n"
    "    TransportError: the server could not be reached."
)


def documented(returns: str) -> Callable[[F], F]:
    """Append ``Args``/``Returns``/``Raises`` to the decorated operation's docstring."""

    def decorate(fn: F) -> F:
        names = [n for n in inspect.signature(fn).parameters if n != "ctx"]
        missing = [n for n in names if n not in ARG_DOCS]
        if missing:  # pragma: no cover - caught by any import of the module
            raise RuntimeError(f"{fn.__qualname__}: undocumented parameters {missing}")
        args = "\n".join(f"    {n}: {ARG_DOCS[n]}" for n in names)
        head = inspect.cleandoc(fn.__doc__ or "")
        fn.__doc__ = f"{head}\n\nArgs:\n{args}\n\nReturns:\n    {returns}\n\n{_RAISES}\n"
        return fn

    return decorate
