"""Cluster operations on a real server.

Nodes and statistics on one node; replica movement on a 3-node cluster with
``REPLICA_MOVEMENT_ENABLED=true`` (``weaviate_cluster`` when it has it, else our own).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from weavorm import errors
from weavorm.engine import AsyncWeaviateClient, WeaviateClient, connect, connect_async
from weavorm.engine.cluster import (
    ReplicateOperation,
    ReplicateOperationState,
    ReplicationType,
)

pytestmark = pytest.mark.integration

TERMINAL = (ReplicateOperationState.READY, ReplicateOperationState.CANCELLED)


def _collection(client: WeaviateClient, name: str, *, count: int = 5, **extra: Any) -> None:
    client.collections.create_from_dict(
        {
            "class": name,
            "vectorizer": "none",
            "properties": [{"name": "title", "dataType": ["text"]}],
            **extra,
        }
    )
    objects = [
        {"class": name, "properties": {"title": f"t{i}"}, "vector": [0.1, 0.2, float(i)]}
        for i in range(count)
    ]
    client.raw.request("POST", "/v1/batch/objects", json={"objects": objects})


# -- one node ----------------------------------------------------------------------------


def test_nodes_minimal_and_verbose(weaviate_client: WeaviateClient, collection_name: str) -> None:
    _collection(weaviate_client, collection_name, count=5)
    minimal = weaviate_client.cluster.nodes()
    assert len(minimal) == 1
    node = minimal[0]
    assert node.status == "HEALTHY"
    assert node.version.startswith("1.39.")
    assert node.shards is None
    assert node.stats is None

    explicit = weaviate_client.cluster.nodes(output="minimal")
    assert [n.name for n in explicit] == [node.name]

    (verbose,) = weaviate_client.cluster.nodes(collection_name, output="verbose")
    assert verbose.shards is not None
    assert verbose.stats is not None
    (shard,) = verbose.shards
    assert shard.object_count >= 0  # the server refreshes counts lazily
    assert shard.loaded is True
    assert shard.collection == collection_name
    assert shard.node == node.name
    assert shard.vector_indexing_status in ("READY", "INDEXING")
    assert verbose.stats.shard_count == 1

    (by_shard,) = weaviate_client.cluster.nodes(collection_name, shard.name, output="verbose")
    assert by_shard.shards is not None
    assert [s.name for s in by_shard.shards] == [shard.name]
    with pytest.raises(errors.ConfigError):
        weaviate_client.cluster.nodes(output="everything")  # type: ignore[arg-type]


def test_statistics_single_node(weaviate_client: WeaviateClient) -> None:
    stats = weaviate_client.cluster.statistics()
    assert stats.synchronized is True
    (node,) = stats.statistics
    assert node.ready is True
    assert node.is_voter is True
    assert node.leader_id == node.name
    assert node.raft.state == "Leader"
    assert [m.node_id for m in node.raft.latest_configuration] == [node.name]


def test_replication_disabled_answers_501(
    weaviate_client: WeaviateClient, collection_name: str
) -> None:
    _collection(weaviate_client, collection_name, count=1)
    with pytest.raises(errors.ServerError) as info:
        weaviate_client.cluster.query_sharding_state(collection_name)
    assert info.value.status == 501


async def test_async_nodes_and_statistics(
    async_weaviate_client: AsyncWeaviateClient,
    weaviate_client: WeaviateClient,
    collection_name: str,
) -> None:
    _collection(weaviate_client, collection_name, count=2)
    nodes = await async_weaviate_client.cluster.nodes(output="verbose")
    assert nodes[0].shards is not None
    assert collection_name in {s.collection for s in nodes[0].shards}
    minimal = await async_weaviate_client.cluster.nodes()
    assert minimal[0].shards is None
    stats = await async_weaviate_client.cluster.statistics()
    assert stats.synchronized is True


# -- three nodes, replica movement ----------------------------------------------------------


def _replica_movement_on(cluster: Any) -> bool:
    client = connect(cluster.url, grpc_url=cluster.grpc_url)
    try:
        reply = client.raw.request("GET", "/v1/replication/replicate/list", accept=frozenset({501}))
        return reply.status == 200
    finally:
        client.close()


@pytest.fixture(scope="module")
def replication_cluster(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The shared 3-node cluster when it has replica movement on, else one of our own
    started with ``REPLICA_MOVEMENT_ENABLED=true`` (the server's default is off).
    """
    from weavorm.errors import WeavormError
    from weavorm.server import WeaviateCluster

    shared = request.getfixturevalue("weaviate_cluster")
    if _replica_movement_on(shared):
        yield shared
        return
    cluster = WeaviateCluster(nodes=3, env={"REPLICA_MOVEMENT_ENABLED": "true"})
    try:
        cluster.start()
    except WeavormError as exc:
        cluster.stop()
        pytest.skip(f"cannot start a 3-node cluster: {exc}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def rc_client(replication_cluster: Any, collection_name: str) -> Iterator[WeaviateClient]:
    """A client of the replication cluster; drops this test's operations and collections."""
    client = connect(replication_cluster.url, grpc_url=replication_cluster.grpc_url)
    try:
        yield client
    finally:
        for op in client.cluster.replications.list_all():
            if op.collection.startswith(collection_name):
                client.cluster.replications.delete(op.uuid)
        for cls in client.raw.request("GET", "/v1/schema").json.get("classes") or []:
            if cls["class"].startswith(collection_name):
                client.raw.request("DELETE", f"/v1/schema/{cls['class']}")
        client.close()


def _one_shard(client: WeaviateClient, name: str) -> tuple[str, str, list[str]]:
    _collection(
        client,
        name,
        count=20,
        replicationConfig={"factor": 1},
        shardingConfig={"desiredCount": 1},
    )
    state = client.cluster.query_sharding_state(name)
    assert state is not None
    assert state.collection == name
    (shard,) = state.shards
    (source,) = shard.replicas
    others = [n.name for n in client.cluster.nodes() if n.name != source]
    assert len(others) == 2
    return shard.name, source, others


def _wait_op(client: WeaviateClient, op_id: uuid.UUID, timeout: float = 120) -> ReplicateOperation:
    deadline = time.monotonic() + timeout
    while True:
        op = client.cluster.replications.get(op_id)
        assert op is not None
        if op.status.state in TERMINAL:
            return op
        assert time.monotonic() < deadline, op
        time.sleep(0.5)


@pytest.mark.cluster
def test_cluster_nodes_and_statistics(rc_client: WeaviateClient, collection_name: str) -> None:
    _collection(rc_client, collection_name, count=3, shardingConfig={"desiredCount": 3})
    deadline = time.monotonic() + 30
    while True:  # nodes report a new collection's shards once they have loaded them
        nodes = rc_client.cluster.nodes(output="verbose")
        shards = [s for n in nodes for s in n.shards or [] if s.collection == collection_name]
        if len(shards) == 3 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert sorted(n.name for n in nodes) == ["node0", "node1", "node2"]
    assert all(n.status == "HEALTHY" for n in nodes)
    assert len(shards) == 3
    stats = rc_client.cluster.statistics()
    assert len(stats.statistics) == 3
    leaders = {s.leader_id for s in stats.statistics}
    assert len(leaders) == 1
    assert sum(1 for s in stats.statistics if s.raft.state == "Leader") == 1


@pytest.mark.cluster
def test_replicate_copy_query_get_delete(rc_client: WeaviateClient, collection_name: str) -> None:
    shard, source, (target, _) = _one_shard(rc_client, collection_name)
    op_id = rc_client.cluster.replicate(
        collection=collection_name,
        shard=shard,
        source_node=source,
        target_node=target,
        replication_type=ReplicationType.COPY,
    )
    assert isinstance(op_id, uuid.UUID)
    op = _wait_op(rc_client, op_id)
    assert op.status.state is ReplicateOperationState.READY
    assert (op.collection, op.shard, op.source_node, op.target_node) == (
        collection_name,
        shard,
        source,
        target,
    )
    assert op.transfer_type is ReplicationType.COPY

    with_history = rc_client.cluster.replications.get(op_id, include_history=True)
    assert with_history is not None
    assert with_history.status_history is not None
    assert ReplicateOperationState.REGISTERED in {s.state for s in with_history.status_history}

    state = rc_client.cluster.query_sharding_state(collection_name, shard=shard)
    assert state is not None
    assert sorted(state.shards[0].replicas) == sorted([source, target])

    found = rc_client.cluster.replications.query(collection=collection_name, target_node=target)
    assert [o.uuid for o in found] == [op_id]
    assert found[0].status_history is None
    assert rc_client.cluster.replications.query(collection=collection_name, shard="nope") == []
    assert op_id in {o.uuid for o in rc_client.cluster.replications.list_all()}
    assert all(o.status_history is not None for o in rc_client.cluster.replications.list_all())

    dry = rc_client.cluster.replications.force_delete(collection=collection_name, dry_run=True)
    assert dry.dry_run is True
    assert op_id in dry.deleted

    rc_client.cluster.replications.delete(op_id)
    deadline = time.monotonic() + 60
    while rc_client.cluster.replications.get(op_id) is not None:
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert rc_client.cluster.replications.get(uuid.uuid4()) is None


@pytest.mark.cluster
def test_replicate_move_cancel_and_delete_all(
    rc_client: WeaviateClient, collection_name: str
) -> None:
    shard, source, (target, _) = _one_shard(rc_client, collection_name)
    op_id = rc_client.cluster.replicate(
        collection_name, shard, source, target, replication_type="MOVE"
    )
    rc_client.cluster.replications.cancel(op_id)
    op = _wait_op(rc_client, op_id)
    assert op.transfer_type is ReplicationType.MOVE
    # The cancel normally lands while the operation waits in REGISTERED.
    assert op.status.state is ReplicateOperationState.CANCELLED
    state = rc_client.cluster.query_sharding_state(collection_name)
    assert state is not None
    assert state.shards[0].replicas == [source]

    rc_client.cluster.replications.delete_all()
    deadline = time.monotonic() + 60
    while rc_client.cluster.replications.list_all():
        assert time.monotonic() < deadline
        time.sleep(0.5)


@pytest.mark.cluster
def test_scale_plan(rc_client: WeaviateClient, collection_name: str) -> None:
    shard, source, others = _one_shard(rc_client, collection_name)
    plan = rc_client.cluster.get_scale_plan(collection_name, replication_factor=2)
    assert plan.collection == collection_name
    action = plan.shard_scale_actions[shard]
    assert action.remove_nodes == []
    ((added, from_node),) = action.add_nodes.items()
    assert added in others
    assert from_node == source
    applied = rc_client.cluster.apply_scale_plan(plan)
    assert applied.plan_id == plan.plan_id
    (op_id,) = applied.operation_ids
    assert _wait_op(rc_client, op_id).status.state is ReplicateOperationState.READY
    state = rc_client.cluster.query_sharding_state(collection_name)
    assert state is not None
    assert sorted(state.shards[0].replicas) == sorted([source, added])
    assert rc_client.cluster.query_sharding_state("NoSuchCollection") is None


@pytest.mark.cluster
async def test_async_replication(
    replication_cluster: Any, rc_client: WeaviateClient, collection_name: str
) -> None:
    shard, source, (target, _) = _one_shard(rc_client, collection_name)
    async with connect_async(
        replication_cluster.url, grpc_url=replication_cluster.grpc_url
    ) as client:
        state = await client.cluster.query_sharding_state(collection_name)
        assert state is not None
        op_id = await client.cluster.replicate(collection_name, shard, source, target)
        op = await client.cluster.replications.get(op_id, include_history=True)
        assert op is not None
        assert op.target_node == target
        assert [
            o.uuid
            for o in await client.cluster.replications.query(
                collection=collection_name, shard=shard
            )
        ] == [op_id]
        assert op_id in {o.uuid for o in await client.cluster.replications.list_all()}
        await client.cluster.replications.cancel(op_id)
        forced = await client.cluster.replications.force_delete(uuid=op_id, dry_run=True)
        assert forced.deleted == [op_id]
        await client.cluster.replications.delete(op_id)
        await client.cluster.replications.delete_all()
        plan = await client.cluster.get_scale_plan(collection_name, replication_factor=1)
        assert plan.collection == collection_name
        assert len(await client.cluster.nodes()) == 3
        assert len((await client.cluster.statistics()).statistics) == 3
