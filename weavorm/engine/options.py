"""Option types of searches: what to return, how to sort, group, rerank and combine vectors.

These mirror the official Weaviate Python client v4 (``weaviate.classes.query``), so
code written for it reads the same::

    from weavorm.engine import GroupBy, MetadataQuery, QueryReference, Sort, TargetVectors

    articles.query.fetch_objects(
        sort=Sort.by_property("year", ascending=False).by_property("title"),
        return_metadata=MetadataQuery(creation_time=True),
        return_references=QueryReference("author", return_properties=["name"]),
    )

All option objects are immutable values, validated when built
(:class:`~weavorm.errors.QueryError` on bad input).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any, TypeAlias
from uuid import UUID

from weavorm.errors import QueryError

__all__ = [
    "MMR",
    "BM25Operator",
    "BM25OperatorOptions",
    "Diversity",
    "GroupBy",
    "HybridFusion",
    "HybridNearText",
    "HybridNearVector",
    "HybridVector",
    "ListOfVectors",
    "MetadataQuery",
    "Move",
    "NearMediaType",
    "NearVector",
    "QueryNested",
    "QueryReference",
    "Rerank",
    "Sort",
    "SortSpec",
    "Sorting",
    "TargetVectorJoin",
    "TargetVectors",
]


def _name(where: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise QueryError(f"{where} must be a non-empty string, got {value!r}")
    return value


def _number(where: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise QueryError(f"{where} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise QueryError(f"{where} must be finite, got {value!r}")
    return number


def _count(where: str, value: object, *, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise QueryError(f"{where} must be an integer >= {minimum}, got {value!r}")
    return int(value)


# ----------------------------------------------------------------------------- return shape


@dataclass(frozen=True, slots=True, kw_only=True)
class MetadataQuery:
    """Which metadata to return with each object (all off by default).

    Attributes:
        creation_time: The creation time.
        last_update_time: The last-update time.
        distance: The vector distance to the query.
        certainty: The certainty (cosine distance only).
        score: The BM25 / hybrid score.
        explain_score: The server's explanation of the score.
        is_consistent: Whether replicas agreed.
        query_profile: A per-shard execution profile of the search (has a cost).
    """

    creation_time: bool = False
    last_update_time: bool = False
    distance: bool = False
    certainty: bool = False
    score: bool = False
    explain_score: bool = False
    is_consistent: bool = False
    query_profile: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            if not isinstance(getattr(self, f.name), bool):
                raise QueryError(f"MetadataQuery.{f.name} must be True or False")

    @classmethod
    def full(cls) -> MetadataQuery:
        """Every field except ``query_profile``."""
        return cls(
            creation_time=True,
            last_update_time=True,
            distance=True,
            certainty=True,
            score=True,
            explain_score=True,
            is_consistent=True,
        )

    @classmethod
    def of(cls, names: Sequence[str]) -> MetadataQuery:
        """The fields named in ``names``, e.g. ``["distance", "creation_time"]``."""
        known = {f.name for f in fields(cls)}
        if isinstance(names, str):
            names = [names]
        unknown = [n for n in names if n not in known]
        if unknown:
            raise QueryError(
                f"unknown metadata {unknown!r}; expected some of {', '.join(sorted(known))}"
            )
        return cls(**dict.fromkeys(names, True))


@dataclass(frozen=True, slots=True)
class QueryNested:
    """Which sub-properties of an ``object`` / ``object[]`` property to return.

    Attributes:
        name: The object property.
        properties: Its sub-properties to return (names or nested ``QueryNested``).
    """

    name: str
    properties: str | QueryNested | Sequence[str | QueryNested]

    def __post_init__(self) -> None:
        _name("QueryNested.name", self.name)
        props = self.properties
        items = [props] if isinstance(props, str | QueryNested) else list(props)
        if not items or not all(isinstance(p, str | QueryNested) for p in items):
            raise QueryError(
                f"QueryNested({self.name!r}).properties must name sub-properties, got {props!r}"
            )
        object.__setattr__(self, "properties", tuple(items))


ReturnProperties: TypeAlias = str | QueryNested | Sequence[str | QueryNested] | bool
"""Property names (and nested selections) to return; ``False`` or ``[]`` for none."""


@dataclass(frozen=True, slots=True)
class QueryReference:
    """Return the objects a reference property points to.

    Attributes:
        link_on: The reference property.
        return_properties: Properties of the referenced objects (default: all).
        return_metadata: Metadata of the referenced objects.
        include_vector: Vectors of the referenced objects: ``True`` or vector names.
        return_references: References of the referenced objects (nesting).
        target_collection: For multi-target references, the collection to return.
    """

    link_on: str
    return_properties: ReturnProperties | None = field(default=None, kw_only=True)
    return_metadata: MetadataQuery | Sequence[str] | None = field(default=None, kw_only=True)
    include_vector: bool | str | Sequence[str] = field(default=False, kw_only=True)
    return_references: QueryReference | Sequence[QueryReference] | None = field(
        default=None, kw_only=True
    )
    target_collection: str | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        _name("QueryReference.link_on", self.link_on)
        if self.target_collection is not None:
            _name("QueryReference.target_collection", self.target_collection)

    @classmethod
    def multi_target(
        cls,
        link_on: str,
        target_collection: str,
        *,
        return_properties: ReturnProperties | None = None,
        return_metadata: MetadataQuery | Sequence[str] | None = None,
        include_vector: bool | str | Sequence[str] = False,
        return_references: QueryReference | Sequence[QueryReference] | None = None,
    ) -> QueryReference:
        """A reference of a multi-target property, returning ``target_collection`` objects."""
        return cls(
            link_on,
            return_properties=return_properties,
            return_metadata=return_metadata,
            include_vector=include_vector,
            return_references=return_references,
            target_collection=target_collection,
        )


# ----------------------------------------------------------------------------- ordering


@dataclass(frozen=True, slots=True)
class SortSpec:
    """One sort key.

    Attributes:
        prop: The property (``_id``, ``_creationTimeUnix``, ``_lastUpdateTimeUnix`` for
            metadata).
        ascending: Ascending (default) or descending.
    """

    prop: str
    ascending: bool = True


@dataclass(frozen=True, slots=True)
class Sorting:
    """A chain of sort keys; extend it with more ``by_*`` calls."""

    sorts: tuple[SortSpec, ...] = ()

    def _add(self, prop: str, ascending: bool) -> Sorting:
        if not isinstance(ascending, bool):
            raise QueryError(f"sort ascending must be True or False, got {ascending!r}")
        return Sorting((*self.sorts, SortSpec(prop, ascending)))

    def by_property(self, name: str, *, ascending: bool = True) -> Sorting:
        """Then sort by property ``name``."""
        return self._add(_name("Sort.by_property name", name), ascending)

    def by_id(self, *, ascending: bool = True) -> Sorting:
        """Then sort by object id."""
        return self._add("_id", ascending)

    def by_creation_time(self, *, ascending: bool = True) -> Sorting:
        """Then sort by creation time."""
        return self._add("_creationTimeUnix", ascending)

    def by_update_time(self, *, ascending: bool = True) -> Sorting:
        """Then sort by last-update time."""
        return self._add("_lastUpdateTimeUnix", ascending)


class Sort:
    """Entry points for sort chains: ``Sort.by_property("year", ascending=False)``."""

    def __init__(self) -> None:
        raise TypeError("Sort is a namespace of static methods; use Sort.by_property(...)")

    @staticmethod
    def by_property(name: str, *, ascending: bool = True) -> Sorting:
        """Sort by property ``name``."""
        return Sorting().by_property(name, ascending=ascending)

    @staticmethod
    def by_id(*, ascending: bool = True) -> Sorting:
        """Sort by object id."""
        return Sorting().by_id(ascending=ascending)

    @staticmethod
    def by_creation_time(*, ascending: bool = True) -> Sorting:
        """Sort by creation time."""
        return Sorting().by_creation_time(ascending=ascending)

    @staticmethod
    def by_update_time(*, ascending: bool = True) -> Sorting:
        """Sort by last-update time."""
        return Sorting().by_update_time(ascending=ascending)


@dataclass(frozen=True, slots=True)
class GroupBy:
    """Group results by a property value.

    Attributes:
        prop: The property to group by.
        number_of_groups: At most this many groups.
        objects_per_group: At most this many objects per group.
    """

    prop: str
    number_of_groups: int = field(kw_only=True)
    objects_per_group: int = field(kw_only=True)

    def __post_init__(self) -> None:
        _name("GroupBy.prop", self.prop)
        _count("GroupBy.number_of_groups", self.number_of_groups)
        _count("GroupBy.objects_per_group", self.objects_per_group)


@dataclass(frozen=True, slots=True)
class Rerank:
    """Rerank results with the collection's reranker module.

    Attributes:
        prop: The property whose text the reranker scores.
        query: The query to rerank against (default: the search's own query).
    """

    prop: str
    query: str | None = None

    def __post_init__(self) -> None:
        _name("Rerank.prop", self.prop)
        if self.query is not None and not isinstance(self.query, str):
            raise QueryError(f"Rerank.query must be a string, got {self.query!r}")


@dataclass(frozen=True, slots=True)
class MMR:
    """Maximal-marginal-relevance diversity selection (not for multi-vector indexes).

    Attributes:
        limit: How many objects to select (at most the search's ``limit``).
        balance: 1.0 ranks by relevance only, 0.0 by dissimilarity only.
    """

    limit: int | None = None
    balance: float | None = None


class Diversity:
    """Entry points for diversity selection: ``Diversity.mmr(limit=5, balance=0.5)``."""

    def __init__(self) -> None:
        raise TypeError("Diversity is a namespace of static methods; use Diversity.mmr(...)")

    @staticmethod
    def mmr(*, limit: int | None = None, balance: float | None = None) -> MMR:
        """Select diverse results by maximal marginal relevance."""
        if limit is not None:
            _count("Diversity.mmr limit", limit)
        if balance is not None and not 0.0 <= _number("Diversity.mmr balance", balance) <= 1.0:
            raise QueryError(f"Diversity.mmr balance must be in [0, 1], got {balance!r}")
        return MMR(limit=limit, balance=None if balance is None else float(balance))


# ----------------------------------------------------------------------------- vector search


class NearMediaType(str, Enum):
    """The media kinds of ``near_media`` (multi2vec-* modules)."""

    AUDIO = "audio"
    DEPTH = "depth"
    IMAGE = "image"
    IMU = "imu"
    THERMAL = "thermal"
    VIDEO = "video"


@dataclass(frozen=True, slots=True, init=False)
class Move:
    """Move a near_text query towards or away from concepts and objects.

    Attributes:
        force: Strength of the move, 0 to 1.
        concepts: Concepts (texts) to move relative to.
        objects: Object ids to move relative to.
    """

    force: float
    objects: tuple[str, ...] = field(default=(), kw_only=True)
    concepts: tuple[str, ...] = field(default=(), kw_only=True)

    def __init__(
        self,
        force: float,
        *,
        objects: UUID | str | Sequence[UUID | str] | None = None,
        concepts: str | Sequence[str] | None = None,
    ) -> None:
        object.__setattr__(self, "force", _number("Move.force", force))
        ids = [objects] if isinstance(objects, UUID | str) else list(objects or ())
        texts = [concepts] if isinstance(concepts, str) else list(concepts or ())
        if not ids and not texts:
            raise QueryError("Move needs concepts or objects to move relative to")
        if not all(isinstance(t, str) for t in texts):
            raise QueryError(f"Move.concepts must be strings, got {concepts!r}")
        checked: list[str] = []
        for one in ids:
            try:
                checked.append(str(one if isinstance(one, UUID) else UUID(str(one))))
            except ValueError as exc:
                raise QueryError(f"Move.objects: {one!r} is not a UUID") from exc
        object.__setattr__(self, "objects", tuple(checked))
        object.__setattr__(self, "concepts", tuple(texts))


class HybridFusion(str, Enum):
    """How hybrid search fuses its keyword and vector rankings."""

    RANKED = "FUSION_TYPE_RANKED"
    RELATIVE_SCORE = "FUSION_TYPE_RELATIVE_SCORE"


@dataclass(frozen=True, slots=True)
class TargetVectorJoin:
    """How a search over several named vectors combines their distances.

    Attributes:
        combination: ``sum``, ``average``, ``minimum``, ``manual_weights`` or ``relative_score``.
        target_vectors: The named vectors searched (a name repeats when it has several
            query vectors).
        weights: Per target (in ``target_vectors`` order) the weight, for
            ``manual_weights`` and ``relative_score``.
    """

    combination: str
    target_vectors: tuple[str, ...]
    weights: tuple[float, ...] = ()


def _names(where: str, names: Sequence[str]) -> tuple[str, ...]:
    items = [names] if isinstance(names, str) else list(names)
    if not items:
        raise QueryError(f"{where} needs at least one target vector")
    return tuple(_name(f"{where} target vector", n) for n in items)


def _weighted(
    where: str, combination: str, weights: Mapping[str, float | Sequence[float]]
) -> TargetVectorJoin:
    if not isinstance(weights, Mapping) or not weights:
        raise QueryError(f"{where} needs a dict of target vector -> weight, got {weights!r}")
    targets: list[str] = []
    values: list[float] = []
    for name, weight in weights.items():
        _name(f"{where} target vector", name)
        for one in weight if isinstance(weight, Sequence) else [weight]:
            targets.append(name)
            values.append(_number(f"{where} weight of {name!r}", one))
    return TargetVectorJoin(combination, tuple(targets), tuple(values))


class TargetVectors:
    """Entry points for multi-target vector searches: ``TargetVectors.sum(["a", "b"])``."""

    def __init__(self) -> None:
        raise TypeError("TargetVectors is a namespace of static methods")

    @staticmethod
    def sum(target_vectors: Sequence[str]) -> TargetVectorJoin:
        """Sum the distances of the target vectors."""
        return TargetVectorJoin("sum", _names("TargetVectors.sum", target_vectors))

    @staticmethod
    def average(target_vectors: Sequence[str]) -> TargetVectorJoin:
        """Average the distances of the target vectors."""
        return TargetVectorJoin("average", _names("TargetVectors.average", target_vectors))

    @staticmethod
    def minimum(target_vectors: Sequence[str]) -> TargetVectorJoin:
        """Use the smallest distance among the target vectors."""
        return TargetVectorJoin("minimum", _names("TargetVectors.minimum", target_vectors))

    @staticmethod
    def manual_weights(weights: Mapping[str, float | Sequence[float]]) -> TargetVectorJoin:
        """Sum the distances weighted by ``weights`` (target -> weight, or list per vector)."""
        return _weighted("TargetVectors.manual_weights", "manual_weights", weights)

    @staticmethod
    def relative_score(weights: Mapping[str, float | Sequence[float]]) -> TargetVectorJoin:
        """Fuse the target vectors' normalised scores weighted by ``weights``."""
        return _weighted("TargetVectors.relative_score", "relative_score", weights)


@dataclass(frozen=True, slots=True)
class ListOfVectors:
    """Several query vectors for one named vector (in a ``near_vector`` dict).

    Attributes:
        vectors: The query vectors (each a vector, or each a multi-vector).
    """

    vectors: tuple[Any, ...]


class NearVector:
    """Helpers for ``near_vector`` inputs."""

    def __init__(self) -> None:
        raise TypeError("NearVector is a namespace of static methods")

    @staticmethod
    def list_of_vectors(*vectors: Any) -> ListOfVectors:
        """Several query vectors for one target: ``{"a": NearVector.list_of_vectors(v1, v2)}``."""
        if not vectors:
            raise QueryError("NearVector.list_of_vectors needs at least one vector")
        return ListOfVectors(tuple(vectors))


@dataclass(frozen=True, slots=True)
class HybridNearText:
    """A near_text sub-search for the vector part of a hybrid search.

    Attributes:
        text: The query text(s).
        certainty: Minimum certainty.
        distance: Maximum distance.
        move_to: Move towards these concepts/objects.
        move_away: Move away from these concepts/objects.
    """

    text: str | tuple[str, ...]
    certainty: float | None = None
    distance: float | None = None
    move_to: Move | None = None
    move_away: Move | None = None


@dataclass(frozen=True, slots=True)
class HybridNearVector:
    """A near_vector sub-search for the vector part of a hybrid search.

    Attributes:
        vector: The query vector, multi-vector or dict of target -> vector.
        certainty: Minimum certainty.
        distance: Maximum distance.
    """

    vector: Any
    certainty: float | None = None
    distance: float | None = None


class HybridVector:
    """Entry points for the vector part of hybrid search."""

    def __init__(self) -> None:
        raise TypeError("HybridVector is a namespace of static methods")

    @staticmethod
    def near_text(
        query: str | Sequence[str],
        *,
        certainty: float | None = None,
        distance: float | None = None,
        move_to: Move | None = None,
        move_away: Move | None = None,
    ) -> HybridNearText:
        """Vectorise ``query`` with the collection's vectorizer for the vector part."""
        text = query if isinstance(query, str) else tuple(query)
        if not text or not all(
            isinstance(t, str) for t in ([text] if isinstance(text, str) else text)
        ):
            raise QueryError(f"HybridVector.near_text needs query text, got {query!r}")
        return HybridNearText(text, certainty, distance, move_to, move_away)

    @staticmethod
    def near_vector(
        vector: Any, *, certainty: float | None = None, distance: float | None = None
    ) -> HybridNearVector:
        """Use ``vector`` (or a dict of target -> vector) for the vector part."""
        return HybridNearVector(vector, certainty, distance)


# ----------------------------------------------------------------------------- keyword search


@dataclass(frozen=True, slots=True)
class BM25OperatorOptions:
    """How BM25 matches query tokens.

    Attributes:
        operator: ``or``, ``and`` or ``and_cross``.
        minimum_match: For ``or``: at least this many tokens must match.
    """

    operator: str
    minimum_match: int | None = None


class BM25Operator:
    """Entry points for the BM25 token operator: ``BM25Operator.or_(minimum_match=2)``."""

    def __init__(self) -> None:
        raise TypeError("BM25Operator is a namespace of static methods")

    @staticmethod
    def or_(*, minimum_match: int | None = None) -> BM25OperatorOptions:
        """Objects match when at least ``minimum_match`` query tokens occur."""
        if minimum_match is not None:
            _count("BM25Operator.or_ minimum_match", minimum_match)
        return BM25OperatorOptions("or", minimum_match)

    @staticmethod
    def and_() -> BM25OperatorOptions:
        """Objects match only when every query token occurs in one property."""
        return BM25OperatorOptions("and")

    @staticmethod
    def and_cross() -> BM25OperatorOptions:
        """Every query token must occur, in any of the searched properties (server 1.39+)."""
        return BM25OperatorOptions("and_cross")
