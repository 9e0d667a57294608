"""Run a flush plan: the one write path of sessions, managers and querysets."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any

from weavorm.engine._protocol import batch as batch_ops
from weavorm.engine._protocol import data as data_ops
from weavorm.engine._protocol.batch import error_message
from weavorm.engine._protocol.calls import Call, parallel
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._protocol.filters import filter_to_grpc
from weavorm.engine.filters import Filter
from weavorm.errors import WeavormError
from weavorm.odm import writes
from weavorm.odm.session.planner import Change, FlushPlan

__all__ = ["Outcome", "execute_plan"]


@dataclass(slots=True)
class Outcome:
    """What failed in a flush: change index -> the server's message."""

    failed: dict[int, str] = field(default_factory=dict)
    ref_failed: set[int] = field(default_factory=set)


def execute_plan(
    changes: list[Change],
    plan: FlushPlan,
    *,
    consistency: str | None = None,
    max_bytes: int = 104_858_000,
    batch_size: int | None = None,
    concurrency: int | None = None,
) -> Generator[Call, Any, Outcome]:
    """Execute ``plan``; failures are recorded per change index, never dropped.

    Used by sessions, ``create``/``bulk_create`` and queryset writes alike.
    """

    def ctx_for(collection: str, tenant: str | None) -> CollectionContext:
        ctx = CollectionContext(name=collection, grpc_max_message_size=max_bytes)
        return ctx.with_tenant(tenant).with_consistency(consistency)

    outcome = Outcome()
    position = {id(c.obj): i for i, c in enumerate(changes)}
    for group in plan.upserts:
        ctx = ctx_for(group.collection, group.tenant)
        try:
            result = yield from batch_ops.send_objects(
                group.pending,
                consistency=consistency,
                max_bytes=max_bytes,
                batch_size=batch_size or batch_ops.DEFAULT_BATCH_SIZE,
                concurrency=concurrency or batch_ops.DEFAULT_CONCURRENCY,
            )
        except WeavormError as exc:
            for write in group.writes:
                outcome.failed[position[id(write.obj)]] = str(exc)
            continue
        for index, error in result.errors.items():
            outcome.failed[position[id(group.writes[index].obj)]] = error.message
    if plan.merges:
        calls = [
            writes.merge_call(
                ctx_for(type(w.obj).collection_name(), changes[position[id(w.obj)]].tenant),
                w.obj,
                w.fields,
            )
            for w in plan.merges
        ]
        replies = yield from parallel(calls, concurrency=8)
        for write, reply in zip(plan.merges, replies, strict=True):
            if isinstance(reply, WeavormError):
                outcome.failed[position[id(write.obj)]] = error_message(reply)
    for refs in plan.references:
        ctx = ctx_for(refs.collection, refs.tenant)
        todo = [
            (obj, ref) for obj, ref in refs.references if position[id(obj)] not in outcome.failed
        ]
        if not todo:
            continue
        try:
            ref_result = yield from data_ops.reference_add_many(ctx, [r for _, r in todo])
        except WeavormError as exc:
            for obj, _ in todo:
                outcome.ref_failed.add(position[id(obj)])
                outcome.failed.setdefault(position[id(obj)], f"references: {exc}")
            continue
        for index, ref_error in ref_result.errors.items():
            obj = todo[index][0]
            outcome.ref_failed.add(position[id(obj)])
            outcome.failed.setdefault(position[id(obj)], f"reference: {ref_error.message}")
    for deletion in plan.deletes:
        ctx = ctx_for(deletion.collection, deletion.tenant)
        writes.fire("pre_delete", deletion.objects)
        where = Filter.by_id().contains_any([o.id for o in deletion.objects])
        try:
            deleted = yield from data_ops.delete_many(ctx, filter_to_grpc(where), verbose=True)
        except WeavormError as exc:
            for obj in deletion.objects:
                outcome.failed[position[id(obj)]] = str(exc)
            continue
        bad = {str(o.uuid): o.error for o in deleted.objects if not o.successful}
        for obj in deletion.objects:
            if str(obj.id) in bad:
                outcome.failed[position[id(obj)]] = bad[str(obj.id)] or "not deleted"
        writes.fire("post_delete", [o for o in deletion.objects if str(o.id) not in bad])
    return outcome
