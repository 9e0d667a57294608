"""Send a flush plan: the one write path of sessions, managers and querysets.

The executor encodes nothing: it sends the :attr:`FlushPlan.requests` the planner
built, phase after phase in their order (upserts, merges, references, deletes), up
to ``concurrency`` requests of a phase in flight, each with the driver's retry
policy, and maps every reply back to the changes. A reference whose source object
failed is left out of its request (a request left empty is not sent).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from weavorm._proto.v1 import batch_delete_pb2, batch_pb2
from weavorm.engine._protocol.calls import Call, GrpcCall, HttpCall, parallel
from weavorm.engine._protocol.data import delete_many_result
from weavorm.engine.batching.requests import DEFAULT_CONCURRENCY, error_message
from weavorm.errors import WeavormError
from weavorm.odm import writes
from weavorm.odm.session.planner import Change, FlushPlan, PlannedRequest

__all__ = ["Outcome", "execute_plan"]

#: Merges (one REST ``PATCH`` each) in flight at once.
MERGE_CONCURRENCY = 8


@dataclass(slots=True)
class Outcome:
    """What failed in a flush: change index -> the server's message."""

    failed: dict[int, str] = field(default_factory=dict)
    ref_failed: set[int] = field(default_factory=set)


def _phases(plan: FlushPlan) -> list[list[PlannedRequest]]:
    phases: list[list[PlannedRequest]] = []
    for request in plan.requests:
        if not phases or phases[-1][0].kind != request.kind:
            phases.append([])
        phases[-1].append(request)
    return phases


def execute_plan(
    changes: Sequence[Change],
    plan: FlushPlan,
    *,
    concurrency: int | None = None,
    stream: Iterator[PlannedRequest] | None = None,
) -> Generator[Call, Any, Outcome]:
    """Send ``plan``; failures are recorded per change index, never dropped.

    Used by sessions, ``create``/``bulk_create`` and queryset writes alike.

    Args:
        changes: The planned changes.
        plan: Their plan (from :func:`~weavorm.odm.session.planner.plan_flush`), or the
            plan being filled by ``stream``.
        concurrency: Requests of a phase in flight at once.
        stream: The ``BatchObjects`` requests of ``plan`` as the planner yields them
            (:func:`~weavorm.odm.session.planner.stream_flush`): they are sent as they
            come, and the other phases once it is exhausted (the plan is complete then).
    """
    outcome = Outcome()
    width = concurrency or DEFAULT_CONCURRENCY
    phases = _phases(plan) if stream is None else []
    if stream is not None:
        sent: list[PlannedRequest] = []

        def calls() -> Iterator[GrpcCall | HttpCall]:
            for request in stream:
                sent.append(request)
                yield request.call

        replies = yield from parallel(calls(), concurrency=width)
        _record_objects(sent, replies, outcome)
        phases = [p for p in _phases(plan) if p[0].kind != "BatchObjects"]
    outcome.failed.update(plan.rejected)
    for phase in phases:
        kind = phase[0].kind
        if kind == "BatchObjects":
            yield from _objects(phase, outcome, width)
        elif kind == "PATCH":
            replies = yield from parallel([r.call for r in phase], concurrency=MERGE_CONCURRENCY)
            for request, reply in zip(phase, replies, strict=True):
                if isinstance(reply, WeavormError):
                    outcome.failed[request.changes[0]] = error_message(reply)
        elif kind == "BatchReferences":
            yield from _references(phase, outcome, width)
        else:
            yield from _deletes(changes, phase, outcome)
    return outcome


def _objects(
    phase: list[PlannedRequest], outcome: Outcome, width: int
) -> Generator[Call, Any, None]:
    replies = yield from parallel([r.call for r in phase], concurrency=width)
    _record_objects(phase, replies, outcome)


def _record_objects(phase: list[PlannedRequest], replies: list[Any], outcome: Outcome) -> None:
    failed = outcome.failed
    for request, reply in zip(phase, replies, strict=True):
        if isinstance(reply, batch_pb2.BatchObjectsReply):
            for err in reply.errors:
                if 0 <= err.index < len(request.changes):
                    failed[request.changes[err.index]] = err.error
        else:
            message = error_message(reply) if isinstance(reply, BaseException) else repr(reply)
            for index in request.changes:
                failed[index] = message


def _references(
    phase: list[PlannedRequest], outcome: Outcome, width: int
) -> Generator[Call, Any, None]:
    failed = outcome.failed
    sent: list[tuple[GrpcCall, list[int]]] = []
    for request in phase:
        call = request.call
        assert isinstance(call, GrpcCall)
        owners = request.changes
        if any(i in failed for i in owners):  # leave out references of failed objects
            kept = [p for p, i in enumerate(owners) if i not in failed]
            if not kept:
                continue
            refs = call.request.references  # type: ignore[attr-defined]
            narrowed = batch_pb2.BatchReferencesRequest(references=[refs[p] for p in kept])
            if call.request.HasField("consistency_level"):
                narrowed.consistency_level = call.request.consistency_level  # type: ignore[attr-defined]
            call = GrpcCall(
                method=call.method,
                request=narrowed,
                reply_type=call.reply_type,
                operation=call.operation,
                idempotent=call.idempotent,
            )
            owners = [owners[p] for p in kept]
        sent.append((call, owners))
    if not sent:
        return
    replies = yield from parallel([c for c, _ in sent], concurrency=width)
    for (_, owners), reply in zip(sent, replies, strict=True):
        if isinstance(reply, batch_pb2.BatchReferencesReply):
            for err in reply.errors:
                if 0 <= err.index < len(owners):
                    index = owners[err.index]
                    outcome.ref_failed.add(index)
                    failed.setdefault(index, f"reference: {err.error}")
        else:
            message = error_message(reply) if isinstance(reply, BaseException) else repr(reply)
            for index in owners:
                outcome.ref_failed.add(index)
                failed.setdefault(index, f"references: {message}")


def _deletes(
    changes: Sequence[Change], phase: list[PlannedRequest], outcome: Outcome
) -> Generator[Call, Any, None]:
    for request in phase:
        objs = [changes[i].obj for i in request.changes]
        writes.fire("pre_delete", objs)
        try:
            reply = yield request.call
        except WeavormError as exc:
            for index in request.changes:
                outcome.failed[index] = str(exc)
            continue
        assert isinstance(reply, batch_delete_pb2.BatchDeleteReply)
        deleted = delete_many_result(reply)
        bad = {str(o.uuid): o.error for o in deleted.objects if not o.successful}
        for index, obj in zip(request.changes, objs, strict=True):
            if str(obj.id) in bad:
                outcome.failed[index] = bad[str(obj.id)] or "not deleted"
        writes.fire("post_delete", [o for o in objs if str(o.id) not in bad])
