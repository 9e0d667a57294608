"""``QuerySet``: lazy, chainable queries over one model (Django's split).

Refinements return a new QuerySet (the :class:`~weavorm.odm.query.Query` is
immutable). Evaluation compiles the query to one engine operation
(:mod:`weavorm.odm._qs_core`); every evaluation method is written once, in
:mod:`weavorm.odm._qs_methods_async` (``aget``, ``afirst``, ...), and its sync twin
(``get``, ``first``, ...) is generated from it by ``scripts/gen_sync.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar, overload

from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine.options import BM25Operator, HybridFusion
from weavorm.errors import QueryError
from weavorm.odm import _qs_repr as _repr
from weavorm.odm._qs_core import GenerateResult, ModelGroup
from weavorm.odm._qs_methods import AsyncQuerySetMethods, QuerySetMethods
from weavorm.odm.q import Q
from weavorm.odm.query import GroupSpec, SearchSpec

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["GenerateResult", "ModelGroup", "QuerySet"]

M = TypeVar("M", bound="Model")


class QuerySet(QuerySetMethods[M], AsyncQuerySetMethods[M]):
    """A lazy query over the collection of model ``M``."""

    def _clone(self, **changes: Any) -> QuerySet[M]:
        # Always a plain QuerySet: refining a Manager gives a QuerySet (Django's split).
        return QuerySet(self.model, query=self._query.evolve(**changes), using=self._using)

    # -- refine --------------------------------------------------------------------------

    def all(self) -> QuerySet[M]:
        """A copy of this QuerySet (evaluate it by iterating or calling ``list``)."""
        return self._clone()

    def filter(self, *q: Q, **lookups: Any) -> QuerySet[M]:
        """Keep objects matching every condition (``year__gt=2000``, ``Q(...) | Q(...)``)."""
        _check_q("filter", q)
        return self._clone(where=self._query.where & Q(*q, **lookups))

    def exclude(self, *q: Q, **lookups: Any) -> QuerySet[M]:
        """Drop objects matching the conditions."""
        _check_q("exclude", q)
        return self._clone(where=self._query.where & ~Q(*q, **lookups))

    def order_by(self, *fields: str) -> QuerySet[M]:
        """Sort by fields; ``-field`` for descending (not combinable with a search)."""
        _check_names("order_by", fields)
        order = tuple((f.lstrip("-"), not f.startswith("-")) for f in fields)
        return self._clone(order=order)

    def limit(self, n: int) -> QuerySet[M]:
        """At most ``n`` objects."""
        if not isinstance(n, int) or n < 0:
            raise QueryError(f"limit must be a non-negative int, got {n!r}")
        return self._clone(limit=n)

    def offset(self, n: int) -> QuerySet[M]:
        """Skip ``n`` objects."""
        if not isinstance(n, int) or n < 0:
            raise QueryError(f"offset must be a non-negative int, got {n!r}")
        return self._clone(offset=n)

    def only(self, *fields: str) -> QuerySet[M]:
        """Return only these stored fields (others are not loaded)."""
        _check_names("only", fields)
        return self._clone(only=tuple(fields))

    def select_related(self, *refs: str) -> QuerySet[M]:
        """Load these references (``"author"``, ``"author__org"``) in the same request."""
        _check_names("select_related", refs)
        return self._clone(related=self._query.related + tuple(refs))

    def with_vector(self, *names: str) -> QuerySet[M]:
        """Return vectors: all, or the named ones (``"default"`` for the default)."""
        _check_names("with_vector", names)
        return self._clone(vectors=tuple(names) if names else True)

    def with_metadata(self, *names: str) -> QuerySet[M]:
        """Ask for more search metadata in ``obj.meta``.

        Each search already returns what it produces (distance for vector searches,
        score for keyword searches, timestamps always); add ``explain_score``,
        ``is_consistent``, ``distance``, ``certainty`` or ``score`` here.
        """
        _check_names("with_metadata", names)
        return self._clone(metadata=self._query.metadata + tuple(names))

    def tenant(self, name: str) -> QuerySet[M]:
        """Address tenant ``name`` of a multi-tenant collection."""
        return self._clone(tenant=name)

    def consistency(self, level: str) -> QuerySet[M]:
        """Replication consistency: ``ONE``, ``QUORUM`` or ``ALL``."""
        CollectionContext(name="X").with_consistency(level)
        return self._clone(consistency=str(level).upper())

    def using(self, target: Any) -> QuerySet[M]:
        """Run on ``target``: a client, an async client or a session."""
        clone = self._clone()
        clone._using = target
        return clone

    def _search(self, kind: str, *args: Any, **kwargs: Any) -> QuerySet[M]:
        if self._query.search is not None:
            raise QueryError(
                f"{kind}(): this QuerySet already has {self._query.search.kind}(); "
                "Weaviate runs one search per request"
            )
        clean = tuple((k, v) for k, v in kwargs.items() if v is not None)
        return self._clone(search=SearchSpec(kind, args, clean))

    def near_text(
        self,
        text: str | Sequence[str],
        *,
        distance: float | None = None,
        certainty: float | None = None,
        target_vector: str | None = None,
    ) -> QuerySet[M]:
        """Objects whose vector is near the embedding of ``text``."""
        return self._search(
            "near_text", text, distance=distance, certainty=certainty, target_vector=target_vector
        )

    def near_vector(
        self,
        vector: Any,
        *,
        distance: float | None = None,
        certainty: float | None = None,
        target_vector: str | None = None,
    ) -> QuerySet[M]:
        """Objects whose vector is near ``vector``."""
        return self._search(
            "near_vector",
            vector,
            distance=distance,
            certainty=certainty,
            target_vector=target_vector,
        )

    def near_object(
        self,
        obj: Any,
        *,
        distance: float | None = None,
        certainty: float | None = None,
        target_vector: str | None = None,
    ) -> QuerySet[M]:
        """Objects near another object (a model instance or an id)."""
        uuid = getattr(obj, "id", obj)
        return self._search(
            "near_object",
            uuid,
            distance=distance,
            certainty=certainty,
            target_vector=target_vector,
        )

    def near_image(
        self,
        data: Any,
        *,
        distance: float | None = None,
        certainty: float | None = None,
        target_vector: str | None = None,
    ) -> QuerySet[M]:
        """Objects near an image (bytes, base64 text or a path); needs an image vectorizer."""
        return self._search(
            "near_image", data, distance=distance, certainty=certainty, target_vector=target_vector
        )

    def bm25(
        self, query: str, *, properties: Sequence[str] | None = None, operator: str = "or"
    ) -> QuerySet[M]:
        """Keyword search; ``operator="and"`` needs every token."""
        if operator not in ("or", "and"):
            raise QueryError(f"bm25 operator must be 'or' or 'and', got {operator!r}")
        op = BM25Operator.and_() if operator == "and" else None
        return self._search(
            "bm25",
            query,
            query_properties=_names_list("bm25", properties),
            operator=op,
        )

    def hybrid(
        self,
        query: str,
        *,
        alpha: float = 0.5,
        vector: Any = None,
        properties: Sequence[str] | None = None,
        fusion: str = "relative_score",
        target_vector: str | None = None,
    ) -> QuerySet[M]:
        """Keyword and vector search fused; ``alpha=1`` is pure vector."""
        fusions = {"relative_score": HybridFusion.RELATIVE_SCORE, "ranked": HybridFusion.RANKED}
        if fusion not in fusions:
            raise QueryError(f"hybrid fusion must be one of {', '.join(fusions)}, got {fusion!r}")
        return self._search(
            "hybrid",
            query,
            alpha=alpha,
            vector=vector,
            query_properties=_names_list("hybrid", properties),
            fusion_type=fusions[fusion],
            target_vector=target_vector,
        )

    def rerank(self, property: str, query: str | None = None) -> QuerySet[M]:
        """Rerank search results on ``property`` with the collection's reranker."""
        _check_names("rerank", [property])
        return self._clone(rerank=(property, query))

    def autocut(self, n: int) -> QuerySet[M]:
        """Cut results after ``n`` jumps in distance/score."""
        return self._clone(autocut=n)

    def group_by(self, prop: str, *, groups: int, per_group: int) -> QuerySet[M]:
        """Group search results by ``prop`` (see :meth:`groups`)."""
        return self._clone(group=GroupSpec(prop, groups, per_group))

    @overload
    def __getitem__(self, key: int) -> M: ...
    @overload
    def __getitem__(self, key: slice) -> QuerySet[M]: ...
    def __getitem__(self, key: int | slice) -> M | QuerySet[M]:
        if isinstance(key, slice):
            for part, value in (("start", key.start), ("stop", key.stop), ("step", key.step)):
                if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                    raise QueryError(
                        f"QuerySet slice {part} must be an int or None, got {value!r}; "
                        "allowed: qs[n], qs[a:b], qs[a:], qs[:b] with n, a, b >= 0"
                    )
            if key.step not in (None, 1):
                raise QueryError(
                    f"QuerySet slices with a step are not supported (got step {key.step}); "
                    "allowed: qs[a:b], qs[a:], qs[:b]"
                )
            start = key.start or 0
            if start < 0 or (key.stop is not None and key.stop < 0):
                raise QueryError(
                    f"negative slice indexes are not supported (got {key.start}:{key.stop}); "
                    "Weaviate cannot count from the end: use order_by('-field')[:n]"
                )
            base = self._query.offset or 0
            changes: dict[str, Any] = {"offset": base + start}
            if key.stop is not None:
                changes["limit"] = max(0, key.stop - start)
            return self._clone(**changes)
        if not isinstance(key, int) or isinstance(key, bool):
            raise QueryError(
                f"QuerySet indexes must be an int >= 0 or a slice, got {type(key).__name__} "
                f"{key!r}; allowed: qs[n], qs[a:b], qs[a:], qs[:b]"
            )
        if key < 0:
            raise QueryError(
                f"negative indexes are not supported (got {key}); Weaviate cannot count from "
                "the end: use order_by('-field')[0]"
            )
        one = self[key : key + 1]
        found = one._run(one._list_op(), method="__getitem__")
        if not found:
            raise IndexError(key)
        return found[0]  # type: ignore[no-any-return]

    # -- inspect ---------------------------------------------------------------------------

    def __repr__(self) -> str:
        return _repr.queryset_repr(self)


def _check_q(method: str, items: Sequence[Any]) -> None:
    for item in items:
        if not isinstance(item, Q):
            raise QueryError(
                f"{method}() takes Q objects and field=value lookups, got "
                f"{type(item).__name__} {item!r:.40}"
            )


def _check_names(method: str, names: Sequence[Any]) -> None:
    for name in names:
        if not isinstance(name, str) or not name.isprintable() or _lone_surrogate(name):
            raise QueryError(
                f"{method}() takes names as printable strings, got {type(name).__name__} "
                f"{name!r:.40}"
            )


def _lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _names_list(method: str, names: Sequence[str] | str | None) -> list[str] | None:
    if not names:
        return None
    items = [names] if isinstance(names, str) else list(names)
    _check_names(method, items)
    return items
