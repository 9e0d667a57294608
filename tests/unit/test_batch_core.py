"""Batch planning, result mapping, batch state and runners, with no server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Generator
from typing import Any

import pytest

from weavorm._proto.v1 import batch_pb2
from weavorm.engine._protocol import data as data_ops
from weavorm.engine._protocol.calls import GrpcCall, HttpCall, HttpReply, Parallel, Sleep
from weavorm.engine._protocol.connection import build_config
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.retry import RetryPolicy
from weavorm.engine._transport.driver import SyncDriver
from weavorm.engine.batching.core import (
    DYNAMIC_MAX_BATCH,
    BatchCore,
    BatchMode,
    wait_for_indexing,
)
from weavorm.engine.batching.requests import (
    PendingObjects,
    PendingReferences,
    item_wire_size,
    plan_batches,
    send_objects,
    send_references,
)
from weavorm.engine.batching.runners import AsyncBatchRunner, SyncBatchRunner
from weavorm.engine.telemetry import Telemetry
from weavorm.engine.types import BatchResult, DataObject, DataReference
from weavorm.errors import BatchError, ConfigError, UnavailableError, WeavormError

LIMIT = 100_000


# -- planner -------------------------------------------------------------------------


def test_plan_splits_by_count() -> None:
    plan = plan_batches([10] * 7, max_count=3, max_bytes=LIMIT)
    assert plan.chunks == [[0, 1, 2], [3, 4, 5], [6]]
    assert plan.oversized == []


def test_plan_splits_by_size() -> None:
    budget = 10_000 - 1024
    size = budget // 3  # three fit only when the per-item overhead is ignored
    plan = plan_batches([size] * 5, max_count=100, max_bytes=10_000)
    assert plan.chunks == [[0, 1], [2, 3], [4]]
    for chunk in plan.chunks:
        assert sum(item_wire_size(size) for _ in chunk) <= budget


def test_plan_reports_oversized_items_and_keeps_order() -> None:
    plan = plan_batches([10, 50_000, 10, 10], max_count=10, max_bytes=20_000)
    assert plan.oversized == [1]
    assert plan.chunks == [[0, 2, 3]]


def test_plan_validates_limits() -> None:
    with pytest.raises(ConfigError):
        plan_batches([1], max_count=0, max_bytes=LIMIT)
    with pytest.raises(ConfigError):
        plan_batches([1], max_count=1, max_bytes=10)


def test_item_wire_size_counts_tag_and_length() -> None:
    assert item_wire_size(10) == 12
    assert item_wire_size(200) == 203
    message = batch_pb2.BatchObjectsRequest()
    obj = batch_pb2.BatchObject(uuid=str(uuid.uuid4()), collection="A" * 150)
    message.objects.append(obj)
    assert message.ByteSize() == item_wire_size(obj.ByteSize())


# -- sending and result mapping ------------------------------------------------------


def _pending(n: int, *, collection: str = "A") -> PendingObjects:
    pending = PendingObjects()
    for i in range(n):
        pending.add(i, collection, {"n": i}, vector=[float(i), 1.0])
    return pending


def _drive(op: Generator[Any, Any, Any], answer: Any) -> Any:
    """Run an operation, answering each call with ``answer(call)``."""
    try:
        call = next(op)
        while True:
            if isinstance(call, Parallel):
                reply: Any = [answer(c) for c in call.calls]
            else:
                reply = answer(call)
            call = op.send(reply)
    except StopIteration as stop:
        return stop.value


def test_send_objects_maps_errors_to_submitted_indexes() -> None:
    pending = _pending(10)
    seen: list[int] = []

    def answer(call: GrpcCall) -> Any:
        assert call.idempotent and call.method == "BatchObjects"
        request = call.request
        assert isinstance(request, batch_pb2.BatchObjectsRequest)
        seen.append(len(request.objects))
        errors = [
            batch_pb2.BatchObjectsReply.BatchError(index=i, error=f"bad {obj.properties}")
            for i, obj in enumerate(request.objects)
            if obj.properties.non_ref_properties.fields["n"].number_value in (2, 7)
        ]
        return batch_pb2.BatchObjectsReply(errors=errors)

    result = _drive(send_objects(pending, consistency=None, max_bytes=LIMIT, batch_size=4), answer)
    assert seen == [4, 4, 2]
    assert sorted(result.errors) == [2, 7]
    assert sorted(result.uuids) == [0, 1, 3, 4, 5, 6, 8, 9]
    assert result.errors[7].object.index == 7
    assert result.errors[7].object.properties == {"n": 7}
    assert result.has_errors


def test_send_objects_failed_request_fails_exactly_its_objects() -> None:
    pending = _pending(6)

    def answer(call: GrpcCall) -> Any:
        request = call.request
        assert isinstance(request, batch_pb2.BatchObjectsRequest)
        first = int(request.objects[0].properties.non_ref_properties.fields["n"].number_value)
        if first == 2:
            return UnavailableError(503, "node is shutting down", grpc_code="UNAVAILABLE")
        return batch_pb2.BatchObjectsReply()

    result = _drive(send_objects(pending, consistency="ALL", max_bytes=LIMIT, batch_size=2), answer)
    assert sorted(result.errors) == [2, 3]
    assert result.errors[2].message == "node is shutting down"
    assert sorted(result.uuids) == [0, 1, 4, 5]


def test_send_objects_reports_oversized_without_sending() -> None:
    pending = PendingObjects()
    pending.add(0, "A", {"text": "x" * 5000})
    pending.add(1, "A", {"text": "y"})
    calls: list[GrpcCall] = []

    def answer(call: GrpcCall) -> Any:
        calls.append(call)
        return batch_pb2.BatchObjectsReply()

    result = _drive(send_objects(pending, consistency=None, max_bytes=2000), answer)
    assert list(result.errors) == [0]
    assert "gRPC message limit" in result.errors[0].message
    assert list(result.uuids) == [1]
    assert len(calls) == 1


def test_consistency_level_goes_on_the_request() -> None:
    pending = _pending(1)
    levels: list[int] = []

    def answer(call: GrpcCall) -> Any:
        assert isinstance(call.request, batch_pb2.BatchObjectsRequest)
        levels.append(call.request.consistency_level)
        return batch_pb2.BatchObjectsReply()

    _drive(send_objects(pending, consistency="QUORUM", max_bytes=LIMIT), answer)
    assert levels == [2]


def test_send_references_maps_errors() -> None:
    pending = PendingReferences()
    a, b = uuid.uuid4(), uuid.uuid4()
    for i in range(3):
        pending.add(i, from_collection="A", from_uuid=a, from_property="r", to_uuid=b)

    def answer(call: GrpcCall) -> Any:
        return batch_pb2.BatchReferencesReply(
            errors=[batch_pb2.BatchReferencesReply.BatchError(index=1, error="no such prop")]
        )

    result = _drive(send_references(pending, consistency=None, max_bytes=LIMIT), answer)
    assert list(result.errors) == [1]
    assert result.errors[1].reference.to_uuid == b
    assert result.count == 3


def test_insert_many_accepts_dicts_and_data_objects() -> None:
    ctx = CollectionContext("Article", tenant="t1")
    given = uuid.uuid4()
    objects: list[Any] = [{"a": 1}, DataObject({"a": 2}, uuid=given, vector=[1.0])]
    sent: list[batch_pb2.BatchObject] = []

    def answer(call: GrpcCall) -> Any:
        assert isinstance(call.request, batch_pb2.BatchObjectsRequest)
        sent.extend(call.request.objects)
        return batch_pb2.BatchObjectsReply()

    result = _drive(data_ops.insert_many(ctx, objects), answer)
    assert result.uuids[1] == given
    assert [o.tenant for o in sent] == ["t1", "t1"]
    assert sent[1].vector_bytes


def test_insert_many_rejects_bad_input_before_sending() -> None:
    ctx = CollectionContext("Article")
    with pytest.raises(ConfigError, match="object 1"):
        next(data_ops.insert_many(ctx, [{"a": 1}, {"id": 3}]))
    with pytest.raises(ConfigError):
        next(data_ops.insert_many(ctx, {"a": 1}))  # type: ignore[arg-type]


def test_reference_add_many_counts_one_per_target() -> None:
    ctx = CollectionContext("Article")
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    sent: list[batch_pb2.BatchReference] = []

    def answer(call: GrpcCall) -> Any:
        assert isinstance(call.request, batch_pb2.BatchReferencesRequest)
        sent.extend(call.request.references)
        return batch_pb2.BatchReferencesReply()

    result = _drive(
        data_ops.reference_add_many(
            ctx, [DataReference(a, "r", [b, c]), DataReference(a, "m", b, target_collection="X")]
        ),
        answer,
    )
    assert result.count == 3
    assert [r.to_uuid for r in sent] == [str(b), str(c), str(b)]
    assert sent[2].to_collection == "X"


def test_batch_result_raise_for_errors() -> None:
    result = _drive(
        send_objects(_pending(2), consistency=None, max_bytes=LIMIT),
        lambda call: batch_pb2.BatchObjectsReply(
            errors=[batch_pb2.BatchObjectsReply.BatchError(index=0, error="boom")]
        ),
    )
    with pytest.raises(BatchError) as info:
        result.raise_for_errors()
    assert info.value.errors == {0: "boom"}
    assert BatchResult().raise_for_errors().uuids == {}


# -- batch state ---------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _core(mode: BatchMode, clock: Clock | None = None) -> BatchCore:
    return BatchCore(consistency=None, max_bytes=LIMIT, mode=mode, clock=clock or Clock())


def test_fixed_size_sends_full_batches_then_the_rest() -> None:
    core = _core(BatchMode.fixed_size(batch_size=3, concurrent_requests=2))
    for i in range(7):
        core.add_object("A", {"n": i})
    sizes = []
    while (request := core.next_request(final=False, inflight=0)) is not None:
        sizes.append(request.size)
    assert sizes == [3, 3]
    final = core.next_request(final=True, inflight=0)
    assert final is not None and final.size == 1


def test_references_wait_for_their_objects() -> None:
    core = _core(BatchMode.fixed_size(batch_size=10))
    a = core.add_object("A", {})
    b = core.add_object("A", {})
    core.add_reference(from_collection="A", from_uuid=a, from_property="r", to=b)
    first = core.next_request(final=True, inflight=0)
    assert first is not None and first.objects is not None
    assert core.next_request(final=True, inflight=1) is None  # objects still in flight
    core.complete(first, batch_pb2.BatchObjectsReply(), now=1.0)
    refs = core.next_request(final=True, inflight=0)
    assert refs is not None and refs.references is not None and refs.size == 1
    core.complete(refs, batch_pb2.BatchReferencesReply(), now=2.0)
    assert core.results.refs.count == 1 and not core.number_errors


def test_reference_to_several_targets_gets_one_index_each() -> None:
    core = _core(BatchMode.fixed_size())
    core.add_reference(
        from_collection="A", from_uuid=uuid.uuid4(), from_property="r", to=[uuid.uuid4()] * 3
    )
    assert core.reference_count == 3
    with pytest.raises(ConfigError):
        core.add_reference(from_collection="A", from_uuid=uuid.uuid4(), from_property="r", to=5)


def test_dynamic_mode_grows_when_fast_and_shrinks_when_slow() -> None:
    clock = Clock()
    core = _core(BatchMode.dynamic(), clock)
    assert (core.batch_size, core.concurrency) == (100, 2)
    for _ in range(100):
        core.add_object("A", {})
    request = core.next_request(final=False, inflight=0)
    assert request is not None
    core.mark_sent(request, 0.0)
    core.complete(request, batch_pb2.BatchObjectsReply(), now=0.1)
    assert core.batch_size > 100
    grown = core.batch_size
    for _ in range(grown):
        core.add_object("A", {})
    request = core.next_request(final=False, inflight=0)
    assert request is not None
    core.mark_sent(request, 0.0)
    core.complete(request, batch_pb2.BatchObjectsReply(), now=30.0)
    assert core.batch_size == grown // 2
    core.complete(request, UnavailableError(503, "busy"), now=31.0)
    assert core.concurrency == 1


def test_dynamic_mode_caps_batch_size_then_raises_concurrency() -> None:
    core = _core(BatchMode.dynamic())
    core.batch_size = DYNAMIC_MAX_BATCH
    for _ in range(DYNAMIC_MAX_BATCH):
        core.add_object("A", {})
    request = core.next_request(final=False, inflight=0)
    assert request is not None
    core.mark_sent(request, 0.0)
    core.complete(request, batch_pb2.BatchObjectsReply(), now=0.1)
    assert (core.batch_size, core.concurrency) == (DYNAMIC_MAX_BATCH, 3)


def test_rate_limit_spreads_objects_over_the_minute() -> None:
    core = _core(BatchMode.rate_limit(600))
    assert core.batch_size == 100
    for _ in range(300):
        core.add_object("A", {})
    first = core.next_request(final=False, inflight=0)
    assert first is not None and core.wait_time(first, 0.0) == 0
    core.mark_sent(first, 0.0)
    second = core.next_request(final=False, inflight=1)
    assert second is not None
    assert core.wait_time(second, 0.0) == pytest.approx(10.0)
    assert core.wait_time(second, 4.0) == pytest.approx(6.0)
    with pytest.raises(ConfigError):
        BatchMode.rate_limit(0)


def test_oversized_object_is_recorded_not_sent() -> None:
    core = BatchCore(consistency=None, max_bytes=2000, mode=BatchMode.fixed_size(batch_size=5))
    core.add_object("A", {"t": "x" * 5000})
    core.add_object("A", {"t": "y"})
    request = core.next_request(final=True, inflight=0)
    assert request is not None and request.size == 1
    assert [e.index for e in core.failed_objects] == [0]


def test_abandon_records_everything_queued() -> None:
    core = _core(BatchMode.fixed_size(batch_size=50))
    for _ in range(3):
        core.add_object("A", {})
    core.add_reference(
        from_collection="A", from_uuid=uuid.uuid4(), from_property="r", to=uuid.uuid4()
    )
    core.abandon("interrupted")
    assert sorted(core.results.objs.errors) == [0, 1, 2]
    assert list(core.results.refs.errors) == [0]
    assert core.number_errors == 4


def test_mode_validation() -> None:
    with pytest.raises(ConfigError, match="batch_size"):
        BatchMode.fixed_size(batch_size=0)
    with pytest.raises(ConfigError, match="concurrent_requests"):
        BatchMode.fixed_size(concurrent_requests=True)  # type: ignore[arg-type]


# -- runners with a fake driver ------------------------------------------------------


class FakeDriver:
    """Answers BatchObjects / BatchReferences.

    Objects whose property ``n`` is in ``fail`` get an error; a request whose first
    object has ``n`` in ``fail_request`` fails as a whole.
    """

    def __init__(self, fail: set[int] | None = None, fail_request: set[int] | None = None) -> None:
        self.fail = fail or set()
        self.fail_request = fail_request or set()
        self.calls: list[GrpcCall] = []

    def answer(self, call: GrpcCall) -> Any:
        self.calls.append(call)
        if isinstance(call.request, batch_pb2.BatchObjectsRequest):
            first = call.request.objects[0].properties.non_ref_properties.fields["n"]
            if int(first.number_value) in self.fail_request:
                raise UnavailableError(503, "overloaded")
            errors = [
                batch_pb2.BatchObjectsReply.BatchError(index=i, error=f"invalid n {n}")
                for i, o in enumerate(call.request.objects)
                if (n := int(o.properties.non_ref_properties.fields["n"].number_value)) in self.fail
            ]
            return batch_pb2.BatchObjectsReply(errors=errors)
        return batch_pb2.BatchReferencesReply()

    def run(self, op: Generator[Any, Any, Any]) -> Any:
        try:
            call = next(op)
            while True:
                try:
                    reply = self.answer(call)
                except WeavormError as error:
                    call = op.throw(error)
                else:
                    call = op.send(reply)
        except StopIteration as stop:
            return stop.value


class AsyncFakeDriver(FakeDriver):
    async def run(self, op: Generator[Any, Any, Any]) -> Any:  # type: ignore[override]
        await asyncio.sleep(0)
        return FakeDriver.run(self, op)


def test_sync_runner_reports_every_index() -> None:
    driver = FakeDriver(fail={3, 17}, fail_request={15})
    core = _core(BatchMode.fixed_size(batch_size=5, concurrent_requests=2))
    runner = SyncBatchRunner(driver, core)  # type: ignore[arg-type]
    ids = [runner.add_object("A", {"n": i}) for i in range(23)]
    runner.add_reference(from_collection="A", from_uuid=ids[0], from_property="r", to=ids[1])
    runner.close()
    objs = core.results.objs
    assert sorted(objs.uuids) + sorted(objs.errors) != []
    assert set(objs.uuids) | set(objs.errors) == set(range(23))
    assert not set(objs.uuids) & set(objs.errors)
    # the 4th request failed as a whole (objects 15..19) and 3 failed on its own
    assert {3, 15, 16, 17, 18, 19} == set(objs.errors)
    assert objs.errors[15].message == "overloaded"
    assert objs.errors[3].message == "invalid n 3"
    assert objs.uuids[0] == ids[0]
    assert core.results.refs.count == 1
    with pytest.raises(ConfigError, match="closed"):
        runner.add_object("A", {"n": 1})


def test_sync_runner_interrupted_records_unsent() -> None:
    driver = FakeDriver()
    core = _core(BatchMode.fixed_size(batch_size=10))
    runner = SyncBatchRunner(driver, core)  # type: ignore[arg-type]
    for i in range(15):
        runner.add_object("A", {"n": i})
    runner.close(interrupted="KeyboardInterrupt")
    assert sorted(core.results.objs.uuids) == list(range(10))
    assert sorted(core.results.objs.errors) == list(range(10, 15))
    assert "interrupted" in core.results.objs.errors[10].message


async def test_async_runner_reports_every_index() -> None:
    driver = AsyncFakeDriver(fail={0})
    core = _core(BatchMode.fixed_size(batch_size=4, concurrent_requests=3))
    runner = AsyncBatchRunner(driver, core)  # type: ignore[arg-type]
    for i in range(10):
        await runner.add_object("A", {"n": i})
    await runner.close()
    assert sorted(core.results.objs.uuids) == list(range(1, 10))
    assert list(core.results.objs.errors) == [0]
    assert len(driver.calls) == 3


# -- retries through the real driver -------------------------------------------------


def test_batch_objects_are_retried_on_transient_failures() -> None:
    config = build_config(
        "http://127.0.0.1:9",
        grpc_url="127.0.0.1:9",
        retry=RetryPolicy(max_attempts=4, initial_backoff=0.0, jitter=0.0),
        skip_init_checks=True,
    )
    driver = SyncDriver(config, Telemetry())
    attempts: list[int] = []

    def call_once(call: GrpcCall, timeout: float) -> Any:
        attempts.append(len(call.request.objects))  # type: ignore[attr-defined]
        if len(attempts) < 3:
            raise UnavailableError(503, "try later", grpc_code="UNAVAILABLE")
        return batch_pb2.BatchObjectsReply()

    driver.grpc.call_once = call_once  # type: ignore[method-assign]
    try:
        result = driver.run(send_objects(_pending(3), consistency=None, max_bytes=LIMIT))
    finally:
        driver.close()
    assert attempts == [3, 3, 3]
    assert sorted(result.uuids) == [0, 1, 2]


def test_wait_for_indexing_polls_until_queues_are_empty() -> None:
    op = wait_for_indexing([("A", None)], poll_interval=0.1)
    replies = iter(
        [
            [{"name": "s", "status": "INDEXING", "vectorQueueSize": 5}],
            [{"name": "s", "status": "READY", "vectorQueueSize": 0}],
        ]
    )
    kinds = []
    result = None
    try:
        call = next(op)
        while True:
            kinds.append(type(call).__name__)
            if isinstance(call, HttpCall):
                call = op.send(HttpReply(200, next(replies), ""))
            else:
                assert isinstance(call, Sleep)
                call = op.send(None)
    except StopIteration as stop:
        result = stop.value
    assert result is True
    assert kinds == ["HttpCall", "Sleep", "HttpCall"]


# -- server-side batching state ------------------------------------------------------


def _reply(**kwargs: Any) -> batch_pb2.BatchStreamReply:
    return batch_pb2.BatchStreamReply(**kwargs)


def _results(errors: dict[str, str] = {}, ok: list[str] = (), beacons: list[str] = ()) -> Any:  # noqa: B006
    R = batch_pb2.BatchStreamReply.Results
    return _reply(
        results=R(
            errors=[R.Error(error=m, uuid=u) for u, m in errors.items()],
            successes=[R.Success(uuid=u) for u in ok] + [R.Success(beacon=b) for b in beacons],
        )
    )


def test_stream_core_messages_results_and_backoff() -> None:
    from weavorm.engine.batching.stream_core import StreamCore

    core = StreamCore(consistency="QUORUM", max_bytes=LIMIT)
    assert core.start_message().start.consistency_level == 2
    ids = [str(core.add_object("A", {"n": i})) for i in range(5)]
    core.add_reference(from_collection="A", from_uuid=ids[0], from_property="r", to=ids[1])
    core.on_reply(_reply(backoff=batch_pb2.BatchStreamReply.Backoff(batch_size=2)))
    assert core.batch_size == 2
    messages = core.take_messages(final=False)
    assert [len(m.data.objects.values) for m in messages] == [2, 2]
    final = core.take_messages(final=True)
    assert [len(m.data.objects.values) for m in final] == [1]  # the reference waits
    core.on_reply(_reply(acks=batch_pb2.BatchStreamReply.Acks(uuids=ids)))
    assert not core.unacked_objects
    core.on_reply(_results(errors={ids[3]: "bad n"}, ok=[ids[0], ids[1], ids[2], ids[4]]))
    refs = core.take_messages(final=True)
    assert len(refs) == 1 and len(refs[0].data.references.values) == 1
    beacon = f"weaviate://localhost/A/{ids[0]}/r"
    core.on_reply(_results(beacons=[beacon]))
    assert core.on_end(None, expected=True) == "done"
    assert sorted(core.results.objs.uuids) == [0, 1, 2, 4]
    assert core.results.objs.errors[3].message == "bad n"
    assert core.results.refs.count == 1 and not core.results.refs.errors
    assert core.stop_message().HasField("stop")


def test_stream_core_out_of_memory_requeues_and_reopens() -> None:
    from weavorm.engine.batching.stream_core import StreamCore

    core = StreamCore(consistency=None, max_bytes=LIMIT, batch_size=10)
    ids = [str(core.add_object("A", {"n": i})) for i in range(3)]
    core.take_messages(final=True)
    core.on_reply(_results(ok=[ids[0]]))
    oom = batch_pb2.BatchStreamReply.OutOfMemory(uuids=ids[1:], wait_time=3)
    core.on_reply(_reply(out_of_memory=oom))
    assert core.blocked and len(core.objects) == 2
    assert core.on_end(None, expected=False) == "reopen"
    assert core.wait_before_reopen == 3.0 and not core.blocked
    again = core.take_messages(final=True)
    assert [o.uuid for o in again[0].data.objects.values] == ids[1:]
    core.on_reply(_results(ok=ids[1:]))
    assert core.on_end(None, expected=True) == "done"
    assert sorted(core.results.objs.uuids) == [0, 1, 2]


def test_stream_core_failure_records_every_unresolved_item() -> None:
    from weavorm.engine.batching.stream_core import StreamCore
    from weavorm.errors import PermissionDeniedError

    core = StreamCore(consistency=None, max_bytes=LIMIT, batch_size=2)
    for i in range(3):
        core.add_object("A", {"n": i})
    core.take_messages(final=False)
    error = PermissionDeniedError(403, "forbidden")
    assert core.on_end(error, expected=False) == "done"
    assert sorted(core.results.objs.errors) == [0, 1, 2]
    assert "forbidden" in core.results.objs.errors[2].message


def test_stream_core_transient_failure_reopens_limited_times() -> None:
    from weavorm.engine.batching.stream_core import StreamCore

    core = StreamCore(consistency=None, max_bytes=LIMIT, batch_size=1, reopen_limit=2)
    core.add_object("A", {"n": 1})
    for _ in range(2):
        core.take_messages(final=True)
        assert core.on_end(UnavailableError(503, "gone"), expected=False) == "reopen"
    core.take_messages(final=True)
    assert core.on_end(UnavailableError(503, "gone"), expected=False) == "done"
    assert list(core.results.objs.errors) == [0]


def test_stream_core_reopen_budget_is_per_window_and_progress() -> None:
    from weavorm.engine.batching.stream_core import StreamCore

    now = [0.0]
    core = StreamCore(
        consistency=None,
        max_bytes=LIMIT,
        batch_size=1,
        clock=lambda: now[0],
        reopen_budget=5.0,
        reopen_limit=3,
        reopen_window=1.0,
    )
    for i in range(20):
        core.add_object("A", {"n": i})
    # many reopens spread over time, with results in between: never exhausted
    for step in range(20):
        now[0] += 0.5
        message = core.take_messages(final=False)[0]
        uid = message.data.objects.values[0].uuid
        results = batch_pb2.BatchStreamReply.Results(
            successes=[batch_pb2.BatchStreamReply.Results.Success(uuid=uid)]
        )
        core.on_reply(_reply(results=results))
        if step < 19:
            assert core.on_end(UnavailableError(503, "reset"), expected=False) == "reopen"
            assert core.wait_before_reopen <= 0.2
    assert len(core.results.objs.uuids) == 20
    # no progress: reopens continue only until the budget has passed
    core.add_object("A", {"n": 99})
    outcomes = []
    for _ in range(10):
        now[0] += 2.0
        core.take_messages(final=True)
        outcomes.append(core.on_end(UnavailableError(503, "gone"), expected=False))
        if outcomes[-1] == "done":
            break
    assert outcomes[:2] == ["reopen", "reopen"] and outcomes[-1] == "done"
    assert 20 in core.results.objs.errors
