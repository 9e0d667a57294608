"""The cluster: ``client.cluster`` and ``client.cluster.replications``.

Nodes, RAFT statistics, sharding state and replica movement (replication operations).
"""

from __future__ import annotations

import uuid as uuid_lib
from typing import Literal

from weavorm.engine._protocol import cluster as ops
from weavorm.engine._protocol.cluster import (
    ClusterStatistics,
    ForceDeleteResult,
    Node,
    NodeStatistics,
    NodeStats,
    RaftConfigurationMember,
    RaftStats,
    ReplicateOperation,
    ReplicateOperationState,
    ReplicateOperationStatus,
    ReplicationScaleApplyResult,
    ReplicationScalePlan,
    ReplicationType,
    Shard,
    ShardingState,
    ShardReplicas,
    ShardScaleAction,
    UUIDLike,
    Verbosity,
)
from weavorm.engine._transport.driver import AsyncDriver

__all__ = [
    "AsyncClusterNamespace",
    "AsyncReplicationsNamespace",
    "ClusterStatistics",
    "ForceDeleteResult",
    "Node",
    "NodeStatistics",
    "NodeStats",
    "RaftConfigurationMember",
    "RaftStats",
    "ReplicateOperation",
    "ReplicateOperationState",
    "ReplicateOperationStatus",
    "ReplicationScaleApplyResult",
    "ReplicationScalePlan",
    "ReplicationType",
    "Shard",
    "ShardReplicas",
    "ShardScaleAction",
    "ShardingState",
    "Verbosity",
]

ReplicationTypeLike = ReplicationType | Literal["COPY", "MOVE"]


class AsyncReplicationsNamespace:
    """Replication operations (``client.cluster.replications``).

    They need ``REPLICA_MOVEMENT_ENABLED=true`` on the server (else 501).
    """

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    async def get(
        self, uuid: UUIDLike, *, include_history: bool = False
    ) -> ReplicateOperation | None:
        """One operation.

        Args:
            uuid: The operation's id (from :meth:`AsyncClusterNamespace.replicate`).
            include_history: Also return its earlier states.

        Returns:
            The operation, or None when the server does not know it.
        """
        return await self._driver.run(ops.get_replication(uuid, include_history=include_history))

    async def list_all(self) -> list[ReplicateOperation]:
        """Every operation, with its history."""
        return await self._driver.run(ops.list_replications(include_history=True))

    async def query(
        self,
        *,
        collection: str | None = None,
        shard: str | None = None,
        target_node: str | None = None,
        include_history: bool = False,
    ) -> list[ReplicateOperation]:
        """The operations of a collection, shard and/or target node.

        Args:
            collection: Only this collection's.
            shard: Only this shard's (needs ``collection``).
            target_node: Only those moving to this node.
            include_history: Also return their earlier states.

        Returns:
            The matching operations.
        """
        return await self._driver.run(
            ops.list_replications(
                collection=collection,
                shard=shard,
                target_node=target_node,
                include_history=include_history,
            )
        )

    async def cancel(self, uuid: UUIDLike) -> None:
        """Cancel an operation (it stays listed, CANCELLED).

        Args:
            uuid: The operation's id.

        Raises:
            NotFoundError: no such operation.
            ConflictError: it can no longer be cancelled.
        """
        await self._driver.run(ops.cancel_replication(uuid))

    async def delete(self, uuid: UUIDLike) -> None:
        """Delete an operation (cancelling it first when it runs).

        Args:
            uuid: The operation's id.
        """
        await self._driver.run(ops.delete_replication(uuid))

    async def delete_all(self) -> None:
        """Delete every operation."""
        await self._driver.run(ops.delete_all_replications())

    async def force_delete(
        self,
        *,
        uuid: UUIDLike | None = None,
        collection: str | None = None,
        shard: str | None = None,
        node: str | None = None,
        dry_run: bool = False,
    ) -> ForceDeleteResult:
        """Drop operations from the cluster state without any checks (use at own risk).

        Args:
            uuid: Only this operation.
            collection: Only this collection's.
            shard: Only this shard's (with ``collection``).
            node: Only those targeting this node.
            dry_run: Only report what would be deleted.

        Returns:
            The deleted ids.
        """
        return await self._driver.run(
            ops.force_delete_replications(
                uuid=uuid, collection=collection, shard=shard, node=node, dry_run=dry_run
            )
        )


class AsyncClusterNamespace:
    """Nodes, RAFT statistics, sharding state and replica movement (``client.cluster``)."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver
        self.replications = AsyncReplicationsNamespace(driver)

    async def nodes(
        self,
        collection: str | None = None,
        shard: str | None = None,
        *,
        output: Verbosity | None = None,
    ) -> list[Node]:
        """The nodes of the cluster.

        Args:
            collection: Only the nodes (and shards) of this collection.
            shard: Only this shard.
            output: ``"minimal"`` (the server's default) or ``"verbose"`` (with
                shards and object counts).

        Returns:
            One :class:`Node` per node; ``shards`` and ``stats`` are set when verbose.

        Raises:
            NotFoundError: an unknown collection.
        """
        return await self._driver.run(ops.nodes(collection, shard, output=output))

    async def statistics(self) -> ClusterStatistics:
        """RAFT consensus statistics of every node (leader, indices, members)."""
        return await self._driver.run(ops.statistics())

    async def replicate(
        self,
        collection: str,
        shard: str,
        source_node: str,
        target_node: str,
        *,
        replication_type: ReplicationTypeLike = ReplicationType.COPY,
    ) -> uuid_lib.UUID:
        """Start copying (or moving) a shard replica to another node.

        Args:
            collection: The collection.
            shard: The shard.
            source_node: A node holding the shard.
            target_node: The node to put a replica on.
            replication_type: ``"COPY"`` (keep the source) or ``"MOVE"``.

        Returns:
            The operation's id; follow it with ``replications.get(id)``.

        Raises:
            UnprocessableError: the server refused (e.g. the target holds the shard).
            ServerError: 501 when replica movement is disabled on the server.
        """
        return await self._driver.run(
            ops.replicate(
                collection, shard, source_node, target_node, replication_type=replication_type
            )
        )

    async def query_sharding_state(
        self, collection: str, *, shard: str | None = None
    ) -> ShardingState | None:
        """Which nodes hold each shard of a collection.

        Args:
            collection: The collection.
            shard: Only this shard.

        Returns:
            The sharding state, or None when the collection (or shard) is unknown.
        """
        return await self._driver.run(ops.query_sharding_state(collection, shard=shard))

    async def get_scale_plan(
        self, collection: str, *, replication_factor: int
    ) -> ReplicationScalePlan:
        """The replica changes that bring a collection to ``replication_factor``.

        Args:
            collection: The collection.
            replication_factor: The wanted number of replicas per shard.

        Returns:
            The plan (apply it with :meth:`apply_scale_plan`).
        """
        return await self._driver.run(
            ops.get_scale_plan(collection, replication_factor=replication_factor)
        )

    async def apply_scale_plan(self, plan: ReplicationScalePlan) -> ReplicationScaleApplyResult:
        """Start the replication operations of a scale plan.

        Args:
            plan: From :meth:`get_scale_plan`.

        Returns:
            The ids of the operations started.
        """
        return await self._driver.run(ops.apply_scale_plan(plan))
