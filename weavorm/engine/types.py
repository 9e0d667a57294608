"""Public data types for writes: objects, references, special values and batch results.

These are plain, immutable-where-possible dataclasses with no I/O. The engine turns
them into REST JSON or gRPC messages in :mod:`weavorm.engine._protocol.encode`.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from weavorm.engine.values import GeoCoordinate, PhoneNumber
from weavorm.errors import BatchError, ConfigError

__all__ = [
    "BatchObject",
    "BatchObjectError",
    "BatchReference",
    "BatchReferenceError",
    "BatchReferenceResult",
    "BatchResult",
    "BatchResults",
    "DataObject",
    "DataReference",
    "DataReferenceMulti",
    "DeleteManyObject",
    "DeleteManyResult",
    "GeoCoordinate",
    "PhoneNumber",
    "ReferenceInput",
    "ReferenceInputs",
    "ReferenceToMulti",
    "UUIDLike",
    "VectorInput",
]

#: A UUID or its string form.
UUIDLike: TypeAlias = "uuid_lib.UUID | str"

#: A vector: a sequence of floats (list, tuple, ``array('f')``, numpy array, ...),
#: a multi-vector (a sequence of such), or named vectors by name.
VectorInput: TypeAlias = "Sequence[float] | Sequence[Sequence[float]] | Mapping[str, Any] | Any"


@dataclass(frozen=True, slots=True)
class ReferenceToMulti:
    """Targets of a multi-target reference property, all in ``target_collection``.

    Attributes:
        uuids: One target UUID or several.
        target_collection: The collection the targets belong to.
    """

    uuids: UUIDLike | Sequence[UUIDLike]
    target_collection: str

    @property
    def uuid_strings(self) -> list[str]:
        """The target UUIDs as strings."""
        if isinstance(self.uuids, str | uuid_lib.UUID):
            return [str(self.uuids)]
        return [str(u) for u in self.uuids]


#: What a reference property accepts: one UUID, several, or targets in a named collection.
ReferenceInput: TypeAlias = "UUIDLike | Sequence[UUIDLike] | ReferenceToMulti"
#: References of one object by property name.
ReferenceInputs: TypeAlias = "Mapping[str, ReferenceInput]"


@dataclass(slots=True)
class DataObject:
    """One object for :meth:`~weavorm.engine.data.DataNamespace.insert_many`.

    Attributes:
        properties: Property values by name.
        uuid: The object's id; a random one is assigned when missing.
        vector: The default vector, a multi-vector, or named vectors by name.
        references: Reference property values by property name.
    """

    properties: Mapping[str, Any] | None = None
    uuid: UUIDLike | None = None
    vector: VectorInput | None = None
    references: ReferenceInputs | None = None


@dataclass(frozen=True, slots=True)
class DataReference:
    """A reference to add with ``reference_add_many``.

    Attributes:
        from_uuid: The source object (in the collection the call is made on).
        from_property: The reference property of the source object.
        to_uuid: One target UUID or several.
        target_collection: The targets' collection, for multi-target properties.
    """

    from_uuid: UUIDLike
    from_property: str
    to_uuid: UUIDLike | Sequence[UUIDLike]
    target_collection: str | None = None

    @property
    def to_uuid_strings(self) -> list[str]:
        """The target UUIDs as strings."""
        if isinstance(self.to_uuid, str | uuid_lib.UUID):
            return [str(self.to_uuid)]
        return [str(u) for u in self.to_uuid]


@dataclass(frozen=True, slots=True)
class DataReferenceMulti(DataReference):
    """A :class:`DataReference` to a multi-target property (``target_collection`` set)."""

    def __post_init__(self) -> None:
        if not self.target_collection:
            raise ConfigError(
                "DataReferenceMulti needs a target_collection", field="target_collection"
            )


@dataclass(slots=True)
class BatchObject:
    """An object as it was submitted to a batch (reported back with its error).

    Attributes:
        collection: The collection.
        properties: The property values as given.
        uuid: The object's id (assigned client-side when it was not given).
        vector: The vector(s) as given.
        references: The references as given.
        tenant: The tenant, for multi-tenant collections.
        index: Position in the submitted sequence (or order of ``add_object`` calls).
    """

    collection: str
    properties: Mapping[str, Any] | None
    uuid: uuid_lib.UUID
    vector: Any = None
    references: ReferenceInputs | None = None
    tenant: str | None = None
    index: int = 0


@dataclass(frozen=True, slots=True)
class BatchReference:
    """A reference as it was submitted to a batch.

    Attributes:
        from_collection: The source collection.
        from_uuid: The source object.
        from_property: The reference property.
        to_uuid: The target object.
        to_collection: The target collection (multi-target properties).
        tenant: The tenant, for multi-tenant collections.
        index: Position in the submitted sequence (or order of ``add_reference`` calls).
    """

    from_collection: str
    from_uuid: uuid_lib.UUID
    from_property: str
    to_uuid: uuid_lib.UUID
    to_collection: str | None = None
    tenant: str | None = None
    index: int = 0

    @property
    def beacon(self) -> str:
        """The source beacon ``weaviate://localhost/<collection>/<uuid>/<property>``."""
        return f"weaviate://localhost/{self.from_collection}/{self.from_uuid}/{self.from_property}"


@dataclass(frozen=True, slots=True)
class BatchObjectError:
    """Why one object of a batch was not stored.

    Attributes:
        message: The server's message (or the transport error when no answer came).
        object: The object as submitted.
    """

    message: str
    object: BatchObject

    @property
    def index(self) -> int:
        """The object's index."""
        return self.object.index

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class BatchReferenceError:
    """Why one reference of a batch was not stored.

    Attributes:
        message: The server's message (or the transport error when no answer came).
        reference: The reference as submitted.
    """

    message: str
    reference: BatchReference

    @property
    def index(self) -> int:
        """The reference's index."""
        return self.reference.index

    def __str__(self) -> str:
        return self.message


@dataclass(slots=True)
class BatchResult:
    """The outcome of ``insert_many`` or of the objects of a batch.

    Attributes:
        uuids: Index -> UUID of every stored object.
        errors: Index -> error of every object that was not stored.
        elapsed: Seconds the operation took.
    """

    uuids: dict[int, uuid_lib.UUID] = field(default_factory=dict)
    errors: dict[int, BatchObjectError] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def has_errors(self) -> bool:
        """Whether any object failed."""
        return bool(self.errors)

    @property
    def elapsed_seconds(self) -> float:
        """Alias of :attr:`elapsed` (the official client's name)."""
        return self.elapsed

    @property
    def failed_objects(self) -> list[BatchObjectError]:
        """The errors in index order."""
        return [self.errors[i] for i in sorted(self.errors)]

    def merge(self, other: BatchResult) -> None:
        """Add ``other``'s outcomes (indexes are kept as they are)."""
        self.uuids.update(other.uuids)
        self.errors.update(other.errors)
        for index in other.errors:
            self.uuids.pop(index, None)

    def raise_for_errors(self) -> BatchResult:
        """Raise :class:`~weavorm.errors.BatchError` listing every failure, if any.

        Returns:
            This result, when nothing failed.
        """
        if self.errors:
            failed = self.failed_objects
            head = "; ".join(f"object {e.index} ({e.object.uuid}): {e.message}" for e in failed[:5])
            more = f" (and {len(failed) - 5} more)" if len(failed) > 5 else ""
            raise BatchError(
                f"{len(failed)} of {len(failed) + len(self.uuids)} objects failed: {head}{more}",
                errors={e.index: e.message for e in failed},
                failed=[e.object for e in failed],
            )
        return self

    def __repr__(self) -> str:
        return (
            f"BatchResult(stored={len(self.uuids)}, errors={len(self.errors)}, "
            f"elapsed={self.elapsed:.3f})"
        )


@dataclass(slots=True)
class BatchReferenceResult:
    """The outcome of ``reference_add_many`` or of the references of a batch.

    Attributes:
        errors: Index -> error of every reference that was not stored.
        elapsed: Seconds the operation took.
        count: How many references were submitted.
    """

    errors: dict[int, BatchReferenceError] = field(default_factory=dict)
    elapsed: float = 0.0
    count: int = 0

    @property
    def has_errors(self) -> bool:
        """Whether any reference failed."""
        return bool(self.errors)

    @property
    def elapsed_seconds(self) -> float:
        """Alias of :attr:`elapsed` (the official client's name)."""
        return self.elapsed

    @property
    def failed_references(self) -> list[BatchReferenceError]:
        """The errors in index order."""
        return [self.errors[i] for i in sorted(self.errors)]

    def merge(self, other: BatchReferenceResult) -> None:
        """Add ``other``'s outcomes."""
        self.errors.update(other.errors)
        self.count += other.count

    def raise_for_errors(self) -> BatchReferenceResult:
        """Raise :class:`~weavorm.errors.BatchError` listing every failure, if any."""
        if self.errors:
            failed = self.failed_references
            head = "; ".join(
                f"reference {e.index} ({e.reference.beacon} -> {e.reference.to_uuid}): {e.message}"
                for e in failed[:5]
            )
            raise BatchError(
                f"{len(failed)} references failed: {head}",
                errors={e.index: e.message for e in failed},
                failed=[e.reference for e in failed],
            )
        return self


@dataclass(slots=True)
class BatchResults:
    """Everything a batch context reports: ``objs`` and ``refs``.

    Attributes:
        objs: Objects' outcome.
        refs: References' outcome.
    """

    objs: BatchResult = field(default_factory=BatchResult)
    refs: BatchReferenceResult = field(default_factory=BatchReferenceResult)


@dataclass(frozen=True, slots=True)
class DeleteManyObject:
    """One object matched by ``delete_many(..., verbose=True)``.

    Attributes:
        uuid: The object's id.
        successful: Whether it was deleted (or would be, for a dry run).
        error: The server's message when it was not.
    """

    uuid: uuid_lib.UUID
    successful: bool
    error: str | None = None


@dataclass(frozen=True, slots=True)
class DeleteManyResult:
    """The outcome of ``delete_many``.

    Attributes:
        matches: How many objects matched the filter.
        successful: How many were deleted (for a dry run: would be).
        failed: How many could not be deleted.
        objects: Per object details when ``verbose=True`` (else empty).
        elapsed: Seconds the server took.
    """

    matches: int
    successful: int
    failed: int
    objects: list[DeleteManyObject] = field(default_factory=list)
    elapsed: float = 0.0
