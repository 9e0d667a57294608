"""Typed search results: :class:`QueryResult` with its :class:`Object` list, groups and RAG output.

Every search of ``collection.query`` and ``collection.generate`` returns a
:class:`QueryResult` (a :class:`GroupByResult` when ``group_by`` was given)::

    result = articles.query.near_text("vector databases", limit=3,
                                      return_metadata=MetadataQuery(distance=True))
    for obj in result.objects:
        print(obj.uuid, obj.properties["title"], obj.metadata.distance)

Property values are decoded to Python types: ``date`` -> timezone-aware
:class:`~datetime.datetime`, ``uuid`` -> :class:`~uuid.UUID`, ``geoCoordinates`` ->
:class:`GeoCoordinate`, ``phoneNumber`` -> :class:`PhoneNumber`, ``object`` -> dict,
arrays -> lists, ``blob`` -> base64 text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeAlias
from uuid import UUID

from weavorm.engine.values import GeoCoordinate, PhoneNumber

__all__ = [
    "CrossReference",
    "GenerativeGrouped",
    "GenerativeSingle",
    "GeoCoordinate",
    "Group",
    "GroupByResult",
    "Metadata",
    "Object",
    "PhoneNumber",
    "QueryProfile",
    "QueryResult",
    "ShardProfile",
    "Vector",
]

Vector: TypeAlias = list[float] | list[list[float]]
"""One vector, or a multi-vector (a list of vectors) for ColBERT-style indexes."""


@dataclass(slots=True)
class Metadata:
    """Search metadata of one object; a field is ``None`` unless requested and known.

    Attributes:
        creation_time: When the object was created (UTC).
        last_update_time: When the object was last updated (UTC).
        distance: Vector distance to the query (near_* and hybrid searches).
        certainty: Normalised similarity in [0, 1] (cosine distance only).
        score: BM25 or hybrid score.
        explain_score: The server's explanation of ``score``.
        is_consistent: Whether all replicas agreed on the object.
        rerank_score: The reranker's score, when ``rerank`` was given.
    """

    creation_time: datetime | None = None
    last_update_time: datetime | None = None
    distance: float | None = None
    certainty: float | None = None
    score: float | None = None
    explain_score: str | None = None
    is_consistent: bool | None = None
    rerank_score: float | None = None


@dataclass(frozen=True, slots=True)
class GenerativeSingle:
    """The generated text for one object (``single_prompt``).

    Attributes:
        text: The generated text.
        debug: The full prompt sent to the model, when debugging was asked for.
        metadata: Provider metadata (e.g. token usage) when ``metadata=True`` was asked for.
    """

    text: str
    debug: str | None = None
    metadata: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class GenerativeGrouped:
    """The generated text for a whole result or group (``grouped_task``).

    Attributes:
        text: The generated text.
        metadata: Provider metadata when ``metadata=True`` was asked for.
    """

    text: str
    metadata: dict[str, Any] | None = None


@dataclass(slots=True)
class Object:
    """One object of a search result.

    Attributes:
        uuid: The object id.
        properties: Property name -> decoded value (only those requested).
        metadata: Distance, score, times, ... (only those requested).
        vector: Vector name -> vector; an unnamed vector is under ``"default"``.
        references: Reference property -> the referenced objects (only when requested).
        collection: The collection the object belongs to.
        generated: The text generated for this object (``generate`` with ``single_prompt``).
        generative: ``generated`` with debug output and provider metadata.
        belongs_to_group: The group this object is in (``group_by`` searches).
    """

    uuid: UUID
    properties: dict[str, Any] = field(default_factory=dict)
    metadata: Metadata = field(default_factory=Metadata)
    vector: dict[str, Vector] = field(default_factory=dict)
    references: dict[str, CrossReference] = field(default_factory=dict)
    collection: str = ""
    generated: str | None = None
    generative: GenerativeSingle | None = None
    belongs_to_group: str | None = None


@dataclass(slots=True)
class CrossReference:
    """The objects one reference property points to (as far as they were returned).

    Attributes:
        objects: The referenced objects.
    """

    objects: list[Object] = field(default_factory=list)

    @property
    def uuids(self) -> list[UUID]:
        """The ids of the referenced objects."""
        return [o.uuid for o in self.objects]

    def __len__(self) -> int:
        return len(self.objects)


@dataclass(slots=True)
class Group:
    """One group of a ``group_by`` search.

    Attributes:
        name: The grouped-by property value, as text.
        min_distance: The smallest distance of an object in the group.
        max_distance: The largest distance of an object in the group.
        number_of_objects: How many objects the group holds.
        objects: The group's objects.
        rerank_score: The reranker's score of the group, when ``rerank`` was given.
        generative: The text generated for the group (``generate`` with ``grouped_task``).
    """

    name: str
    min_distance: float
    max_distance: float
    number_of_objects: int
    objects: list[Object] = field(default_factory=list)
    rerank_score: float | None = None
    generative: GenerativeGrouped | None = None

    @property
    def generated(self) -> str | None:
        """The text generated for the group, if any."""
        return self.generative.text if self.generative is not None else None


@dataclass(frozen=True, slots=True)
class ShardProfile:
    """Query profile of one shard (``MetadataQuery(query_profile=True)``).

    Attributes:
        name: The shard name.
        node: The node that served it.
        searches: Search kind -> timing details.
    """

    name: str
    node: str
    searches: dict[str, dict[str, str]]


@dataclass(frozen=True, slots=True)
class QueryProfile:
    """Per-shard execution profile of a search.

    Attributes:
        shards: One profile per shard.
    """

    shards: list[ShardProfile]


@dataclass(slots=True)
class QueryResult:
    """The result of one search.

    Attributes:
        objects: The objects, best first (for ``group_by``: every group's objects).
        groups: Group name -> :class:`Group` (empty unless ``group_by`` was given).
        generative: The text generated for the whole result (``grouped_task``).
        query_profile: The execution profile, when requested.
    """

    objects: list[Object] = field(default_factory=list)
    groups: dict[str, Group] = field(default_factory=dict)
    generative: GenerativeGrouped | None = None
    query_profile: QueryProfile | None = None

    @property
    def generated(self) -> str | None:
        """The text generated for the whole result (``grouped_task``), if any."""
        return self.generative.text if self.generative is not None else None

    def __len__(self) -> int:
        return len(self.objects)

    def __iter__(self) -> Iterator[Object]:
        return iter(self.objects)


@dataclass(slots=True)
class GroupByResult(QueryResult):
    """The result of a ``group_by`` search: ``groups`` by name, plus every object."""
