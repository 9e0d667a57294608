"""Cluster operations over REST: nodes, RAFT statistics, shard replication.

Replica movement (``/v1/replication/...``) needs ``REPLICA_MOVEMENT_ENABLED=true`` on
the server; otherwise it answers 501 for every replication call.
"""

from __future__ import annotations

import uuid as uuid_lib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

from weavorm.engine._protocol.calls import Operation, http
from weavorm.engine._protocol.ops_common import (
    as_int,
    bool_param,
    capitalize_first,
    reply_dict,
    reply_list,
    require_name,
    segment,
)
from weavorm.errors import ConfigError

__all__ = [
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
    "apply_scale_plan",
    "cancel_replication",
    "delete_all_replications",
    "delete_replication",
    "force_delete_replications",
    "get_replication",
    "get_scale_plan",
    "list_replications",
    "nodes",
    "query_sharding_state",
    "replicate",
    "statistics",
]

Verbosity = Literal["minimal", "verbose"]
UUIDLike = uuid_lib.UUID | str


class ReplicationType(str, Enum):
    """How a shard replica is moved: ``COPY`` keeps the source, ``MOVE`` drops it."""

    COPY = "COPY"
    MOVE = "MOVE"


class ReplicateOperationState(str, Enum):
    """The state of a replication operation."""

    REGISTERED = "REGISTERED"
    HYDRATING = "HYDRATING"
    FINALIZING = "FINALIZING"
    DEHYDRATING = "DEHYDRATING"
    INTEGRATING = "INTEGRATING"
    READY = "READY"
    CANCELLED = "CANCELLED"


# -- nodes -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class Shard:
    """One shard on one node (``output="verbose"``).

    Attributes:
        collection: The collection.
        name: The shard name.
        node: The node holding it.
        object_count: Objects in the shard.
        vector_indexing_status: ``READY``, ``INDEXING``, ``READONLY`` or ``LAZY_LOADING``.
        vector_queue_length: Vectors waiting to be indexed.
        compressed: Whether its vectors are compressed.
        loaded: Whether it is loaded (lazy loading), when reported.
        replication_factor: The collection's replication factor, when reported.
        number_of_replicas: Replicas of this shard, when reported.
    """

    collection: str
    name: str
    node: str
    object_count: int = 0
    vector_indexing_status: str = ""
    vector_queue_length: int = 0
    compressed: bool = False
    loaded: bool | None = None
    replication_factor: int | None = None
    number_of_replicas: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeStats:
    """Object and shard counts of a node (``output="verbose"``).

    Attributes:
        object_count: Objects on the node.
        shard_count: Shards on the node.
    """

    object_count: int = 0
    shard_count: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """One node of the cluster.

    Attributes:
        name: The node name (``CLUSTER_HOSTNAME``).
        status: ``HEALTHY``, ``UNHEALTHY``, ``UNAVAILABLE`` or ``TIMEOUT``.
        version: The server version.
        git_hash: The build's git hash.
        shards: Its shards (``output="verbose"`` only, else None).
        stats: Its counts (``output="verbose"`` only, else None).
        batch_queue_length: Batch queue length, when reported.
        batch_rate_per_second: Batch rate, when reported.
        operational_mode: ``ReadWrite``, ``ReadOnly``, ..., when reported.
    """

    name: str
    status: str
    version: str = ""
    git_hash: str = ""
    shards: list[Shard] | None = None
    stats: NodeStats | None = None
    batch_queue_length: int | None = None
    batch_rate_per_second: int | None = None
    operational_mode: str | None = None


def _node(data: Mapping[str, Any], verbose: bool) -> Node:
    name = str(data.get("name") or "")
    shards: list[Shard] | None = None
    stats: NodeStats | None = None
    if verbose:
        shards = [
            Shard(
                collection=str(s.get("class") or ""),
                name=str(s.get("name") or ""),
                node=name,
                object_count=as_int(s.get("objectCount")),
                vector_indexing_status=str(s.get("vectorIndexingStatus") or ""),
                vector_queue_length=as_int(s.get("vectorQueueLength")),
                compressed=bool(s.get("compressed")),
                loaded=s.get("loaded"),
                replication_factor=s.get("replicationFactor"),
                number_of_replicas=s.get("numberOfReplicas"),
            )
            for s in data.get("shards") or []
            if isinstance(s, dict)
        ]
        raw_stats = data.get("stats") or {}
        stats = NodeStats(
            object_count=as_int(raw_stats.get("objectCount")),
            shard_count=as_int(raw_stats.get("shardCount")),
        )
    batch = data.get("batchStats") if isinstance(data.get("batchStats"), dict) else None
    return Node(
        name=name,
        status=str(data.get("status") or ""),
        version=str(data.get("version") or ""),
        git_hash=str(data.get("gitHash") or ""),
        shards=shards,
        stats=stats,
        batch_queue_length=as_int(batch.get("queueLength")) if batch else None,
        batch_rate_per_second=as_int(batch.get("ratePerSecond")) if batch else None,
        operational_mode=data.get("operationalMode") or None,
    )


def nodes(
    collection: str | None = None,
    shard: str | None = None,
    *,
    output: Verbosity | None = None,
) -> Operation[list[Node]]:
    """``GET /v1/nodes[/{collection}]``: the nodes and, verbose, their shards."""
    if output is not None and output not in ("minimal", "verbose"):
        raise ConfigError(
            f"output must be 'minimal' or 'verbose', got {output!r}", field="output", value=output
        )
    path = "/v1/nodes"
    if collection is not None:
        path += "/" + segment(
            capitalize_first(require_name(collection, "collection")), "collection"
        )
    params: dict[str, str] = {}
    if shard is not None:
        params["shardName"] = require_name(shard, "shard")
    if output is not None:
        params["output"] = output
    reply = yield from http("GET", path, operation="cluster.nodes", params=params or None)
    return [
        _node(n, output == "verbose")
        for n in reply_dict(reply).get("nodes") or []
        if isinstance(n, dict)
    ]


# -- RAFT statistics ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class RaftConfigurationMember:
    """A member of the RAFT configuration.

    Attributes:
        address: Its RAFT address.
        node_id: Its node name.
        suffrage: 0 voter, 1 non-voter, 2 staging.
    """

    address: str
    node_id: str
    suffrage: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RaftStats:
    """RAFT state of a node (numbers come as strings, as the server sends them).

    Attributes:
        state: ``Leader``, ``Follower`` or ``Candidate``.
        term: The current term.
        applied_index: Last applied log index.
        commit_index: Last committed log index.
        last_log_index: Last log index.
        last_contact: Time since the leader was heard from.
        num_peers: Peers of this node.
        latest_configuration: The RAFT members.
        raw: Every field as the server sent it.
    """

    state: str = ""
    term: str = ""
    applied_index: str = ""
    commit_index: str = ""
    last_log_index: str = ""
    last_contact: str = ""
    num_peers: str = ""
    latest_configuration: list[RaftConfigurationMember] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeStatistics:
    """RAFT statistics of one node.

    Attributes:
        name: The node.
        status: ``HEALTHY`` etc.
        ready: Whether it is ready.
        is_open: Whether its store is open.
        db_loaded: Whether its database is loaded.
        is_voter: Whether it votes.
        leader_id: The leader's node name.
        leader_address: The leader's RAFT address.
        initial_last_applied_index: Applied index at start.
        candidates: Election candidates, when any.
        raft: The RAFT state.
    """

    name: str
    status: str = ""
    ready: bool = False
    is_open: bool = False
    db_loaded: bool = False
    is_voter: bool = False
    leader_id: str = ""
    leader_address: str = ""
    initial_last_applied_index: int = 0
    candidates: dict[str, Any] = field(default_factory=dict)
    raft: RaftStats = field(default_factory=RaftStats)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClusterStatistics:
    """``GET /v1/cluster/statistics``.

    Attributes:
        statistics: One entry per node.
        synchronized: Whether every node applied the same RAFT index.
    """

    statistics: list[NodeStatistics]
    synchronized: bool


def _members(value: Any) -> list[RaftConfigurationMember]:
    items = value if isinstance(value, list) else []
    return [
        RaftConfigurationMember(
            address=str(m.get("address") or ""),
            node_id=str(m.get("id") or m.get("nodeId") or ""),
            suffrage=as_int(m.get("suffrage")),
        )
        for m in items
        if isinstance(m, dict)
    ]


def _node_statistics(data: Mapping[str, Any]) -> NodeStatistics:
    raft_raw = data.get("raft")
    raft: dict[str, Any] = raft_raw if isinstance(raft_raw, dict) else {}
    return NodeStatistics(
        name=str(data.get("name") or ""),
        status=str(data.get("status") or ""),
        ready=bool(data.get("ready")),
        is_open=bool(data.get("open")),
        db_loaded=bool(data.get("dbLoaded")),
        is_voter=bool(data.get("isVoter")),
        leader_id=str(data.get("leaderId") or ""),
        leader_address=str(data.get("leaderAddress") or ""),
        initial_last_applied_index=as_int(data.get("initialLastAppliedIndex")),
        candidates=dict(data.get("candidates") or {}),
        raft=RaftStats(
            state=str(raft.get("state") or ""),
            term=str(raft.get("term") or ""),
            applied_index=str(raft.get("appliedIndex") or ""),
            commit_index=str(raft.get("commitIndex") or ""),
            last_log_index=str(raft.get("lastLogIndex") or ""),
            last_contact=str(raft.get("lastContact") or ""),
            num_peers=str(raft.get("numPeers") or ""),
            latest_configuration=_members(raft.get("latestConfiguration")),
            raw=dict(raft),
        ),
    )


def statistics() -> Operation[ClusterStatistics]:
    """``GET /v1/cluster/statistics``: RAFT state of every node."""
    reply = yield from http("GET", "/v1/cluster/statistics", operation="cluster.statistics")
    body = reply_dict(reply)
    return ClusterStatistics(
        statistics=[
            _node_statistics(s) for s in body.get("statistics") or [] if isinstance(s, dict)
        ],
        synchronized=bool(body.get("synchronized")),
    )


# -- replication -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplicateOperationStatus:
    """A state a replication operation is (or was) in.

    Attributes:
        state: The state.
        errors: Error messages met in this state.
        when_started_ms: Unix milliseconds the state began, when reported.
    """

    state: ReplicateOperationState
    errors: list[str] = field(default_factory=list)
    when_started_ms: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplicateOperation:
    """One shard replica copy or move.

    Attributes:
        uuid: The operation id.
        collection: The collection.
        shard: The shard.
        source_node: Where the replica comes from.
        target_node: Where it goes.
        transfer_type: COPY or MOVE.
        status: The current state.
        status_history: Earlier states (only when asked with ``include_history``).
        uncancelable: Whether it is past the point of cancelling.
        scheduled_for_cancel: Whether a cancel is pending.
        scheduled_for_delete: Whether a delete is pending.
        when_started_ms: Unix milliseconds it started, when reported.
    """

    uuid: uuid_lib.UUID
    collection: str
    shard: str
    source_node: str
    target_node: str
    transfer_type: ReplicationType
    status: ReplicateOperationStatus
    status_history: list[ReplicateOperationStatus] | None = None
    uncancelable: bool = False
    scheduled_for_cancel: bool = False
    scheduled_for_delete: bool = False
    when_started_ms: int | None = None


def _state(value: Any) -> ReplicateOperationState:
    try:
        return ReplicateOperationState(str(value))
    except ValueError:
        return ReplicateOperationState.REGISTERED


def _op_status(data: Any) -> ReplicateOperationStatus:
    data = data if isinstance(data, dict) else {}
    errors: list[str] = []
    for err in data.get("errors") or []:
        errors.append(str(err.get("message", err)) if isinstance(err, dict) else str(err))
    started = data.get("whenStartedUnixMs")
    return ReplicateOperationStatus(
        state=_state(data.get("state")),
        errors=errors,
        when_started_ms=as_int(started) if started is not None else None,
    )


def _operation(data: Mapping[str, Any], include_history: bool) -> ReplicateOperation:
    history = data.get("statusHistory")
    started = data.get("whenStartedUnixMs")
    return ReplicateOperation(
        uuid=uuid_lib.UUID(str(data.get("id"))),
        collection=str(data.get("collection") or ""),
        shard=str(data.get("shard") or ""),
        source_node=str(data.get("sourceNode") or ""),
        target_node=str(data.get("targetNode") or ""),
        transfer_type=ReplicationType(str(data.get("type") or "COPY")),
        status=_op_status(data.get("status")),
        status_history=([_op_status(h) for h in history or []] if include_history else None),
        uncancelable=bool(data.get("uncancelable")),
        scheduled_for_cancel=bool(data.get("scheduledForCancel")),
        scheduled_for_delete=bool(data.get("scheduledForDelete")),
        when_started_ms=as_int(started) if started is not None else None,
    )


def _uuid(value: Any, name: str = "uuid") -> uuid_lib.UUID:
    if isinstance(value, uuid_lib.UUID):
        return value
    try:
        return uuid_lib.UUID(str(value))
    except ValueError as exc:
        raise ConfigError(f"{name} must be a UUID, got {value!r}", field=name, value=value) from exc


def _replication_type(value: Any) -> ReplicationType:
    try:
        return ReplicationType(str(value.value if isinstance(value, Enum) else value).upper())
    except ValueError as exc:
        raise ConfigError(
            f"replication_type must be COPY or MOVE, got {value!r}",
            field="replication_type",
            value=value,
        ) from exc


def replicate(
    collection: str,
    shard: str,
    source_node: str,
    target_node: str,
    *,
    replication_type: ReplicationType | Literal["COPY", "MOVE"] = ReplicationType.COPY,
) -> Operation[uuid_lib.UUID]:
    """``POST /v1/replication/replicate``: start copying or moving a shard replica."""
    body = {
        "collection": capitalize_first(require_name(collection, "collection")),
        "shard": require_name(shard, "shard"),
        "sourceNode": require_name(source_node, "source_node"),
        "targetNode": require_name(target_node, "target_node"),
        "type": _replication_type(replication_type).value,
    }
    reply = yield from http(
        "POST",
        "/v1/replication/replicate",
        operation="cluster.replicate",
        json=body,
        idempotent=False,
    )
    return _uuid(reply_dict(reply).get("id"), "id")


def get_replication(
    uuid: UUIDLike, *, include_history: bool = False
) -> Operation[ReplicateOperation | None]:
    """``GET /v1/replication/replicate/{id}``; None when unknown."""
    op_id = _uuid(uuid)
    reply = yield from http(
        "GET",
        f"/v1/replication/replicate/{op_id}",
        operation="cluster.replications.get",
        params={"includeHistory": bool_param(include_history)},
        accept=frozenset({404}),
    )
    if reply.status == 404:
        return None
    return _operation(reply_dict(reply), include_history)


def list_replications(
    *,
    collection: str | None = None,
    shard: str | None = None,
    target_node: str | None = None,
    include_history: bool = False,
) -> Operation[list[ReplicateOperation]]:
    """``GET /v1/replication/replicate/list``, filtered by collection / shard / node."""
    if shard and not collection:
        raise ConfigError("a shard filter needs the collection too", field="shard", value=shard)
    params: dict[str, str] = {"includeHistory": bool_param(include_history)}
    if collection:
        params["collection"] = capitalize_first(collection)
    if shard:
        params["shard"] = shard
    if target_node:
        params["targetNode"] = target_node
    reply = yield from http(
        "GET",
        "/v1/replication/replicate/list",
        operation="cluster.replications.query",
        params=params,
    )
    return [
        _operation(item, include_history) for item in reply_list(reply) if isinstance(item, dict)
    ]


def cancel_replication(uuid: UUIDLike) -> Operation[None]:
    """``POST /v1/replication/replicate/{id}/cancel``."""
    op_id = _uuid(uuid)
    yield from http(
        "POST",
        f"/v1/replication/replicate/{op_id}/cancel",
        operation="cluster.replications.cancel",
        idempotent=True,
    )


def delete_replication(uuid: UUIDLike) -> Operation[None]:
    """``DELETE /v1/replication/replicate/{id}`` (cancels it first when running)."""
    op_id = _uuid(uuid)
    yield from http(
        "DELETE",
        f"/v1/replication/replicate/{op_id}",
        operation="cluster.replications.delete",
    )


def delete_all_replications() -> Operation[None]:
    """``DELETE /v1/replication/replicate``: every operation."""
    yield from http(
        "DELETE", "/v1/replication/replicate", operation="cluster.replications.delete_all"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ForceDeleteResult:
    """The answer to a forced delete of replication operations.

    Attributes:
        deleted: The ids deleted (or that would be, on a dry run).
        dry_run: Whether nothing was actually deleted.
    """

    deleted: list[uuid_lib.UUID]
    dry_run: bool


def force_delete_replications(
    *,
    uuid: UUIDLike | None = None,
    collection: str | None = None,
    shard: str | None = None,
    node: str | None = None,
    dry_run: bool = False,
) -> Operation[ForceDeleteResult]:
    """``POST /v1/replication/replicate/force-delete``: drop operations from the FSM."""
    body: dict[str, Any] = {"dryRun": bool(dry_run)}
    if uuid is not None:
        body["id"] = str(_uuid(uuid))
    if collection is not None:
        body["collection"] = capitalize_first(require_name(collection, "collection"))
    if shard is not None:
        body["shard"] = require_name(shard, "shard")
    if node is not None:
        body["node"] = require_name(node, "node")
    reply = yield from http(
        "POST",
        "/v1/replication/replicate/force-delete",
        operation="cluster.replications.force_delete",
        json=body,
        idempotent=True,
    )
    data = reply_dict(reply)
    return ForceDeleteResult(
        deleted=[_uuid(d, "id") for d in data.get("deleted") or []],
        dry_run=bool(data.get("dryRun")),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ShardReplicas:
    """Which nodes hold a shard.

    Attributes:
        name: The shard.
        replicas: The nodes holding a replica.
    """

    name: str
    replicas: list[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class ShardingState:
    """The shards of a collection and their replicas.

    Attributes:
        collection: The collection.
        shards: One entry per shard.
    """

    collection: str
    shards: list[ShardReplicas]


def query_sharding_state(
    collection: str, *, shard: str | None = None
) -> Operation[ShardingState | None]:
    """``GET /v1/replication/sharding-state``; None when the collection is unknown."""
    params = {"collection": capitalize_first(require_name(collection, "collection"))}
    if shard is not None:
        params["shard"] = require_name(shard, "shard")
    reply = yield from http(
        "GET",
        "/v1/replication/sharding-state",
        operation="cluster.query_sharding_state",
        params=params,
        accept=frozenset({404}),
    )
    if reply.status == 404:
        return None
    state = reply_dict(reply).get("shardingState") or {}
    return ShardingState(
        collection=str(state.get("collection") or params["collection"]),
        shards=[
            ShardReplicas(name=str(s.get("shard") or ""), replicas=list(s.get("replicas") or []))
            for s in state.get("shards") or []
            if isinstance(s, dict)
        ],
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ShardScaleAction:
    """Replica changes of one shard in a scale plan.

    Attributes:
        remove_nodes: Nodes to drop a replica from.
        add_nodes: Target node -> source node to copy from (None: an empty replica).
    """

    remove_nodes: list[str] = field(default_factory=list)
    add_nodes: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplicationScalePlan:
    """A plan to change a collection's replication factor, shard by shard.

    Attributes:
        plan_id: The plan's id.
        collection: The collection.
        shard_scale_actions: Shard name -> its changes.
    """

    plan_id: uuid_lib.UUID
    collection: str
    shard_scale_actions: dict[str, ShardScaleAction]

    def to_dict(self) -> dict[str, Any]:
        """The plan as the server's JSON."""
        return {
            "planId": str(self.plan_id),
            "collection": self.collection,
            "shardScaleActions": {
                shard: {"removeNodes": list(a.remove_nodes), "addNodes": dict(a.add_nodes)}
                for shard, a in self.shard_scale_actions.items()
            },
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplicationScaleApplyResult:
    """The operations started by applying a scale plan.

    Attributes:
        plan_id: The plan's id.
        collection: The collection.
        operation_ids: The replication operations started.
    """

    plan_id: uuid_lib.UUID
    collection: str
    operation_ids: list[uuid_lib.UUID]


def get_scale_plan(collection: str, *, replication_factor: int) -> Operation[ReplicationScalePlan]:
    """``GET /v1/replication/scale``: the changes that reach ``replication_factor``."""
    if (
        isinstance(replication_factor, bool)
        or not isinstance(replication_factor, int)
        or (replication_factor < 1)
    ):
        raise ConfigError(
            f"replication_factor must be a positive integer, got {replication_factor!r}",
            field="replication_factor",
            value=replication_factor,
        )
    name = capitalize_first(require_name(collection, "collection"))
    reply = yield from http(
        "GET",
        "/v1/replication/scale",
        operation="cluster.get_scale_plan",
        params={"collection": name, "replicationFactor": str(replication_factor)},
    )
    data = reply_dict(reply)
    actions: dict[str, ShardScaleAction] = {}
    for shard, action in (data.get("shardScaleActions") or {}).items():
        action = action if isinstance(action, dict) else {}
        actions[str(shard)] = ShardScaleAction(
            remove_nodes=[str(n) for n in action.get("removeNodes") or []],
            add_nodes={str(k): v for k, v in (action.get("addNodes") or {}).items()},
        )
    return ReplicationScalePlan(
        plan_id=_uuid(data.get("planId"), "planId"),
        collection=str(data.get("collection") or name),
        shard_scale_actions=actions,
    )


def apply_scale_plan(plan: ReplicationScalePlan) -> Operation[ReplicationScaleApplyResult]:
    """``POST /v1/replication/scale``: start the operations of a plan."""
    if not isinstance(plan, ReplicationScalePlan):
        raise ConfigError("plan must be a ReplicationScalePlan", field="plan")
    reply = yield from http(
        "POST",
        "/v1/replication/scale",
        operation="cluster.apply_scale_plan",
        json=plan.to_dict(),
        idempotent=False,
    )
    data = reply_dict(reply)
    return ReplicationScaleApplyResult(
        plan_id=_uuid(data.get("planId") or plan.plan_id, "planId"),
        collection=str(data.get("collection") or plan.collection),
        operation_ids=[_uuid(i, "operationIds") for i in data.get("operationIds") or []],
    )
