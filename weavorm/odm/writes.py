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
    from weavorm.odm.session.planner import Change, ChangeKind, plan_flush

    def op(ctx: CollectionContext, binding: Binding) -> Generator[Call, Any, BatchResult]:
        fire("pre_save", objs, created=created)
        changes = [Change(o, ChangeKind.INSERT, ctx.tenant) for o in objs]
        plan = plan_flush(
            changes, max_bytes=ctx.grpc_max_message_size, batch_size=batch_size or 100
        )
        outcome = yield from execute_plan(
            changes,
            plan,
            consistency=ctx.consistency,
            max_bytes=ctx.grpc_max_message_size,
            batch_size=batch_size,
            concurrency=concurrency,
        )
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


def merge_call(ctx: CollectionContext, obj: Model, fields: Collection[str]) -> Any:
    """A REST PATCH sending only ``fields`` of ``obj`` (a merge: nothing else changes)."""
    from weavorm.engine._protocol.calls import HttpCall

    info = type(obj).weavorm_info()
    props = persist.property_values(obj, only=[f for f in fields if f in info.properties])
    body: dict[str, Any] = {"class": ctx.name, "properties": props}
    refs = persist.reference_values(obj, only=[f for f in fields if f in info.references])
    for name, targets in refs.items():
        body["properties"][name] = [
            {"beacon": f"weaviate://localhost/{_target_collection(obj, name, t)}/{_uuid(t)}"}
            for t in targets
        ]
    if "vector" in fields and obj.vector is not None:
        body["vector"] = obj.vector
    if "vectors" in fields and obj.vectors:
        body["vectors"] = obj.vectors
    params = ctx.rest_params()
    return HttpCall(
        "PATCH",
        f"/v1/objects/{ctx.name}/{obj.id}",
        operation="odm.update",
        json=_jsonable(body),
        params=params or None,
        idempotent=True,
    )


def _uuid(target: Any) -> Any:
    uuids = getattr(target, "uuids", None)
    if uuids is not None:
        return uuids[0] if isinstance(uuids, list | tuple) else uuids
    return target


def _target_collection(obj: Model, ref_name: str, target: Any) -> str:
    collection = getattr(target, "target_collection", None)
    if collection:
        return str(collection)
    for ref in type(obj).weavorm_info().references.values():
        if ref.name == ref_name:
            return ref.target_collections[0]
    return ""


def _jsonable(value: Any) -> Any:
    import datetime as dt
    from uuid import UUID

    from weavorm.engine.values import GeoCoordinate, PhoneNumber

    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, GeoCoordinate | PhoneNumber):
        return value.to_json()
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode()
    return value


def update_op(objs: Sequence[Model], fields: Collection[str], *, concurrency: int = 8) -> Any:
    """An operation merging ``fields`` of each object (REST PATCH, concurrent), with hooks."""

    def op(ctx: CollectionContext, binding: Binding) -> Generator[Call, Any, int]:
        if not objs:
            return 0
        fire("pre_save", objs, created=False)
        replies = yield from parallel(
            [merge_call(ctx, o, fields) for o in objs], concurrency=concurrency
        )
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
