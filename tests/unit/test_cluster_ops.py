"""Cluster operations: request building and reply parsing, without a server."""

from __future__ import annotations

import uuid

import pytest

from tests.unit._scripted import reply, run
from weavorm import errors
from weavorm.engine._protocol import cluster as ops
from weavorm.engine._protocol.calls import HttpCall
from weavorm.engine.cluster import (
    ReplicateOperationState,
    ReplicationScalePlan,
    ReplicationType,
    ShardScaleAction,
)

NODE = {
    "name": "node0",
    "status": "HEALTHY",
    "version": "1.39.3",
    "gitHash": "abc",
    "batchStats": {"queueLength": 0, "ratePerSecond": 3},
    "operationalMode": "ReadWrite",
    "stats": {"objectCount": 5, "shardCount": 1},
    "shards": [
        {
            "class": "Book",
            "name": "s1",
            "objectCount": 5,
            "vectorIndexingStatus": "READY",
            "vectorQueueLength": 0,
            "compressed": False,
            "loaded": True,
            "replicationFactor": 1,
            "numberOfReplicas": 1,
        }
    ],
}
OP_ID = "b436110f-3236-42c9-aa3b-5ab030dc864c"
OPERATION = {
    "id": OP_ID,
    "collection": "Book",
    "shard": "s1",
    "sourceNode": "node1",
    "targetNode": "node0",
    "type": "COPY",
    "uncancelable": True,
    "scheduledForCancel": False,
    "scheduledForDelete": False,
    "status": {"state": "HYDRATING", "errors": [{"message": "slow", "whenErroredUnixMs": 1}]},
    "statusHistory": [{"state": "REGISTERED", "errors": [], "whenStartedUnixMs": 10}],
    "whenStartedUnixMs": 10,
}


def test_nodes_minimal_and_verbose() -> None:
    calls, nodes = run(ops.nodes(), [reply(200, {"nodes": [NODE]})])
    assert isinstance(calls[0], HttpCall)
    assert (calls[0].path, calls[0].params) == ("/v1/nodes", None)
    assert nodes[0].name == "node0"
    assert nodes[0].shards is None
    assert nodes[0].stats is None
    calls, nodes = run(ops.nodes("book", "s1", output="verbose"), [reply(200, {"nodes": [NODE]})])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/nodes/Book"
    assert calls[0].params == {"shardName": "s1", "output": "verbose"}
    (node,) = nodes
    assert node.stats is not None
    assert node.stats.object_count == 5
    assert node.shards is not None
    assert node.shards[0].collection == "Book"
    assert node.shards[0].node == "node0"
    assert node.shards[0].loaded is True
    assert node.batch_rate_per_second == 3
    with pytest.raises(errors.ConfigError):
        next(ops.nodes(output="full"))  # type: ignore[arg-type]


def test_statistics() -> None:
    body = {
        "synchronized": True,
        "statistics": [
            {
                "name": "node0",
                "status": "HEALTHY",
                "ready": True,
                "open": True,
                "dbLoaded": True,
                "isVoter": True,
                "leaderId": "node0",
                "leaderAddress": "127.0.0.1:1",
                "raft": {
                    "state": "Leader",
                    "appliedIndex": "5",
                    "latestConfiguration": [{"address": "a", "id": "node0", "suffrage": 0}],
                },
            }
        ],
    }
    calls, stats = run(ops.statistics(), [reply(200, body)])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/cluster/statistics"
    assert stats.synchronized is True
    (node,) = stats.statistics
    assert (node.name, node.is_open, node.leader_id) == ("node0", True, "node0")
    assert node.raft.state == "Leader"
    assert node.raft.applied_index == "5"
    assert node.raft.latest_configuration[0].node_id == "node0"


def test_replicate() -> None:
    calls, op_id = run(
        ops.replicate("book", "s1", "node1", "node2", replication_type="move"),  # type: ignore[arg-type]
        [reply(200, {"id": OP_ID})],
    )
    assert isinstance(calls[0], HttpCall)
    assert (calls[0].method, calls[0].path) == ("POST", "/v1/replication/replicate")
    assert calls[0].json == {
        "collection": "Book",
        "shard": "s1",
        "sourceNode": "node1",
        "targetNode": "node2",
        "type": "MOVE",
    }
    assert op_id == uuid.UUID(OP_ID)
    with pytest.raises(errors.ConfigError):
        next(ops.replicate("Book", "s1", "a", "b", replication_type="CLONE"))  # type: ignore[arg-type]
    with pytest.raises(errors.ConfigError):
        next(ops.replicate("Book", "", "a", "b"))


def test_get_replication() -> None:
    calls, op = run(ops.get_replication(OP_ID, include_history=True), [reply(200, OPERATION)])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == f"/v1/replication/replicate/{OP_ID}"
    assert calls[0].params == {"includeHistory": "true"}
    assert op is not None
    assert op.uuid == uuid.UUID(OP_ID)
    assert op.transfer_type is ReplicationType.COPY
    assert op.status.state is ReplicateOperationState.HYDRATING
    assert op.status.errors == ["slow"]
    assert op.status_history is not None
    assert op.status_history[0].state is ReplicateOperationState.REGISTERED
    assert op.uncancelable is True
    _, missing = run(ops.get_replication(uuid.UUID(OP_ID)), [reply(404)])
    assert missing is None
    with pytest.raises(errors.ConfigError):
        next(ops.get_replication("not-a-uuid"))


def test_list_and_query_replications() -> None:
    calls, ops_list = run(
        ops.list_replications(collection="book", shard="s1", target_node="node0"),
        [reply(200, [OPERATION])],
    )
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/replication/replicate/list"
    assert calls[0].params == {
        "includeHistory": "false",
        "collection": "Book",
        "shard": "s1",
        "targetNode": "node0",
    }
    assert ops_list[0].status_history is None


def test_cancel_delete_delete_all_force_delete() -> None:
    calls, _ = run(ops.cancel_replication(OP_ID), [reply(204)])
    assert isinstance(calls[0], HttpCall)
    assert (calls[0].method, calls[0].path) == (
        "POST",
        f"/v1/replication/replicate/{OP_ID}/cancel",
    )
    calls, _ = run(ops.delete_replication(OP_ID), [reply(204)])
    assert isinstance(calls[0], HttpCall)
    assert (calls[0].method, calls[0].path) == ("DELETE", f"/v1/replication/replicate/{OP_ID}")
    calls, _ = run(ops.delete_all_replications(), [reply(204)])
    assert isinstance(calls[0], HttpCall)
    assert (calls[0].method, calls[0].path) == ("DELETE", "/v1/replication/replicate")
    calls, result = run(
        ops.force_delete_replications(collection="book", dry_run=True),
        [reply(200, {"deleted": [OP_ID], "dryRun": True})],
    )
    assert isinstance(calls[0], HttpCall)
    assert calls[0].json == {"dryRun": True, "collection": "Book"}
    assert result.deleted == [uuid.UUID(OP_ID)]
    assert result.dry_run is True


def test_sharding_state() -> None:
    body = {"shardingState": {"collection": "Book", "shards": [{"shard": "s1", "replicas": ["n"]}]}}
    calls, state = run(ops.query_sharding_state("book", shard="s1"), [reply(200, body)])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].params == {"collection": "Book", "shard": "s1"}
    assert state is not None
    assert state.shards[0].name == "s1"
    assert state.shards[0].replicas == ["n"]
    _, missing = run(ops.query_sharding_state("Nope"), [reply(404)])
    assert missing is None


def test_scale_plan_round_trip() -> None:
    plan_id = str(uuid.uuid4())
    body = {
        "planId": plan_id,
        "collection": "Book",
        "shardScaleActions": {"s1": {"removeNodes": ["n1"], "addNodes": {"n2": "n1", "n3": None}}},
    }
    calls, plan = run(ops.get_scale_plan("book", replication_factor=2), [reply(200, body)])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].params == {"collection": "Book", "replicationFactor": "2"}
    assert plan.shard_scale_actions["s1"] == ShardScaleAction(
        remove_nodes=["n1"], add_nodes={"n2": "n1", "n3": None}
    )
    assert plan.to_dict() == body
    calls, applied = run(
        ops.apply_scale_plan(plan), [reply(200, {"planId": plan_id, "operationIds": [OP_ID]})]
    )
    assert isinstance(calls[0], HttpCall)
    assert calls[0].json == body
    assert applied.operation_ids == [uuid.UUID(OP_ID)]
    with pytest.raises(errors.ConfigError):
        next(ops.get_scale_plan("Book", replication_factor=0))
    with pytest.raises(errors.ConfigError):
        next(ops.apply_scale_plan({"planId": plan_id}))  # type: ignore[arg-type]
    assert isinstance(plan, ReplicationScalePlan)


def test_query_shard_needs_collection() -> None:
    with pytest.raises(errors.ConfigError):
        next(ops.list_replications(shard="s1"))
