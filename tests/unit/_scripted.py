"""Drive a protocol operation with scripted replies, recording the calls it makes."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from typing import Any

from weavorm.engine._protocol.calls import Call, HttpCall, HttpReply, Parallel, Sleep
from weavorm.errors import WeavormError

Reply = HttpReply | WeavormError | list[Any] | Callable[[Call], Any] | None


def reply(status: int = 200, json: Any = None) -> HttpReply:
    """An HTTP reply."""
    return HttpReply(status=status, json=json, text="" if json is None else str(json))


def run(op: Generator[Call, Any, Any], replies: Iterable[Reply] = ()) -> tuple[list[Call], Any]:
    """Run ``op``: each call gets the next scripted reply (a Sleep gets None).

    A WeavormError reply is thrown into the operation; a callable is called with the
    call and its result is sent. Returns the calls made and the result.
    """
    script = list(replies)
    calls: list[Call] = []
    try:
        call = next(op)
        while True:
            calls.append(call)
            if isinstance(call, Sleep):
                call = op.send(None)
                continue
            item = script.pop(0)
            if callable(item) and not isinstance(item, (HttpReply, WeavormError)):
                item = item(call)
            call = op.throw(item) if isinstance(item, WeavormError) else op.send(item)
    except StopIteration as stop:
        return calls, stop.value


def http_calls(calls: list[Call]) -> list[HttpCall]:
    """The REST calls among ``calls`` (Parallel calls expanded)."""
    out: list[HttpCall] = []
    for call in calls:
        if isinstance(call, HttpCall):
            out.append(call)
        elif isinstance(call, Parallel):
            out.extend(c for c in call.calls if isinstance(c, HttpCall))
    return out
