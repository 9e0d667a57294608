"""Search metadata attached to model instances returned by queries."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

__all__ = ["STORED_CONTEXT", "SearchMeta"]

#: Validation context key marking values read from the server (their stored id wins).
STORED_CONTEXT = "weavorm_stored"


class SearchMeta(NamedTuple):
    """Search metadata of an object returned by a query (read-only).

    Attributes:
        distance: Vector distance to the query.
        certainty: Normalised similarity (cosine only).
        score: BM25 / hybrid score.
        explain_score: The server's explanation of the score.
        rerank_score: Score from the reranker.
        creation_time: When the object was created.
        last_update_time: When it was last updated.
        generated: Text generated for this object by ``generate(single_prompt=...)``.
        is_consistent: Whether replicas agreed (replicated collections).
        group: The group name in a group-by query.
    """

    distance: float | None = None
    certainty: float | None = None
    score: float | None = None
    explain_score: str | None = None
    rerank_score: float | None = None
    creation_time: dt.datetime | None = None
    last_update_time: dt.datetime | None = None
    generated: str | None = None
    is_consistent: bool | None = None
    group: str | None = None
