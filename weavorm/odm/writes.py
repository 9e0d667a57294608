"""Write operations shared by managers, querysets and sessions (with hooks)."""

from __future__ import annotations

from collections.abc import Collection, Generator, Sequence
from typing import TYPE_CHECKING, Any

from weavorm.engine._protocol.calls import Call, parallel
from weavorm.engine._protocol.context import CollectionContext
from weavorm.errors import BatchError, WeavormError
from weavorm.odm import persist
from weavorm.odm.signals import post_delete, post_save, pre_delete, pre_save

if TYPE_CHECKING:
    from weavorm.odm.binding import Binding
    from weavorm.odm.model import Model

__all__ = ["fire", "has_delete_hooks", "save_op", "update_op"]


_SIGNALS = {
    "pre_save": pre_save,
    "post_save": post_save,
    "pre_delete": pre_delete,
    "post_delete": post_delete,
}


def fire(signal_name: str, objs: Sequence[Model], **kwargs: Any) -> None:
    """Fire ``pre_save`` / ``post_save`` / ``pre_delete`` / ``post_delete`` for ``objs``.

    Models without the hook method and without receivers are skipped in one check.
    """
    signal = _SIGNALS[signal_name]
    hooked: dict[type[Any], bool] = {}
    for obj in objs:
        model = type(obj)
        wanted = hooked.get(model)
        if wanted is None:
            wanted = callable(getattr(model, signal_name, None)) or signal.has_receivers(model)
            hooked[model] = wanted
        if wanted:
            signal.send(model, instance=obj, **kwargs)


def has_delete_hooks(model: type[Model]) -> bool:
    """Whether deleting ``model`` objects has hooks to fire (so instances are needed)."""
    own = any(callable(getattr(model, n, None)) for n in ("pre_delete", "post_delete"))
    return own or bool(pre_delete._receivers) or bool(post_delete._receivers)


def save_op(
    objs: Sequence[Model],
    *,
    created: bool,
    batch_size: int | None = None,
    concurrency: int | None = None,
    raise_errors: bool = True,
) -> Any:
    """An operation storing ``objs`` through the session's flush path, with hooks.

    Objects are full upserts (``BatchObjects``), then their references
    (``BatchReferences``); the result reports every failure by index.
    """
    from weavorm.engine.types import BatchObjectError, BatchResult
    from weavorm.odm.session.executor import execute_plan
    from weavorm.odm.session.planner import DEFAULT_FLUSH_BATCH_SIZE, Change, ChangeKind, plan_flush

    def op(ctx: CollectionContext, binding: Binding) -> Generator[Call, Any, BatchResult]:
        fire("pre_save", objs, created=created)
        changes = [Change(o, ChangeKind.INSERT, ctx.tenant) for o in objs]
        plan = plan_flush(
            changes,
            max_bytes=ctx.grpc_max_message_size,
            batch_size=batch_size or DEFAULT_FLUSH_BATCH_SIZE,
            consistency=ctx.consistency,
        )
        outcome = yield from execute_plan(changes, plan, concurrency=concurrency)
        result = BatchResult()
        for index, obj in enumerate(objs):
            if index in outcome.failed:
                encoded = persist.data_object(obj)
                result.errors[index] = BatchObjectError(outcome.failed[index], encoded)  # type: ignore[arg-type]
            else:
                result.uuids[index] = obj.id
        fire(
            "post_save", [o for i, o in enumerate(objs) if i not in outcome.failed], created=created
        )
        if raise_errors and result.has_errors:
            first = next(iter(result.errors.values()))
            raise BatchError(
                f"{len(result.errors)} of {len(objs)} objects failed: {first.message}",
                errors={i: e.message for i, e in result.errors.items()},
                failed=[objs[i] for i in result.errors],
            )
        return result

    return op


def update_op(objs: Sequence[Model], fields: Collection[str], *, concurrency: int = 8) -> Any:
    """An operation merging ``fields`` of each object (REST PATCH, concurrent), with hooks.

    The merges are planned like a session's (:func:`~weavorm.odm.session.planner.plan_flush`):
    the engine's data operation encodes each ``PATCH``.
    """
    from weavorm.odm.session.planner import Change, ChangeKind, plan_flush

    def op(ctx: CollectionContext, binding: Binding) -> Generator[Call, Any, int]:
        if not objs:
            return 0
        fire("pre_save", objs, created=False)
        changed = frozenset(fields)
        changes = [Change(o, ChangeKind.UPDATE, ctx.tenant, changed) for o in objs]
        plan = plan_flush(changes, max_bytes=ctx.grpc_max_message_size, consistency=ctx.consistency)
        replies = yield from parallel([r.call for r in plan.requests], concurrency=concurrency)
        failed = {i: r for i, r in enumerate(replies) if isinstance(r, WeavormError)}
        fire("post_save", [o for i, o in enumerate(objs) if i not in failed], created=False)
        if failed:
            raise BatchError(
                f"{len(failed)} of {len(objs)} updates failed: {next(iter(failed.values()))}",
                errors={i: str(e) for i, e in failed.items()},
                failed=[objs[i] for i in failed],
            )
        return len(objs)

    return op
