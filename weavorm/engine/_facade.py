"""Turn collection-scoped protocol operations into facade methods, written once.

A protocol operation ``op(ctx, *args, **kwargs) -> Operation[T]`` carries the
signature and docstring of a method. :func:`sync_method` makes the sync method
``self._driver.run(op(self._ctx, ...))`` and :func:`async_method` its coroutine twin,
so ``QueryNamespace`` and ``AsyncQueryNamespace`` cannot drift apart. The methods are
real functions with the operation's signature (minus ``ctx``) and docstring, so
``help()``, ``inspect.signature`` and type checkers (through ``ParamSpec``) see the
full parameter list.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from weavorm.engine._protocol.calls import Operation
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._transport.driver import AsyncDriver, SyncDriver
from weavorm.errors import ConfigError, QueryError, WeavormError

__all__ = ["async_method", "facade", "sync_method"]

C = TypeVar("C", bound=type)

P = ParamSpec("P")
T = TypeVar("T")


class _SyncHost(Protocol):
    _driver: SyncDriver
    _ctx: CollectionContext


class _AsyncHost(Protocol):
    _driver: AsyncDriver
    _ctx: CollectionContext


def _adopt(method: Callable[..., Any], op: Callable[..., Any], *, is_async: bool) -> None:
    sig = inspect.signature(op)
    params = list(sig.parameters.values())[1:]  # drop ctx
    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    returns = sig.return_annotation
    if isinstance(returns, str) and returns.startswith("Operation[") and returns.endswith("]"):
        returns = returns[len("Operation[") : -1]  # the method returns what the op returns
    method.__signature__ = sig.replace(  # type: ignore[attr-defined]
        parameters=[self_param, *params], return_annotation=returns
    )
    method.__name__ = op.__name__
    method.__qualname__ = op.__name__
    method.__doc__ = op.__doc__
    method.__module__ = op.__module__
    kind = "async" if is_async else "sync"
    method.__weavorm_operation__ = f"{op.__module__}.{op.__name__} ({kind})"  # type: ignore[attr-defined]


_QUERY_MODULES = ("query", "generate", "aggregate", "search")


def _guarded(
    op: Callable[..., Operation[T]], ctx: CollectionContext, args: Any, kwargs: Any
) -> Operation[T]:
    """Run ``op``; text that is not UTF-8 or a too deeply nested argument becomes typed.

    The builders check what they know (and name the culprit); this is the net under
    them for arguments that reach protobuf unchecked (e.g. a property name in
    ``return_properties`` holding a lone surrogate).
    """
    name = op.__name__
    kind = QueryError if op.__module__.rsplit(".", 1)[-1] in _QUERY_MODULES else ConfigError
    try:
        return (yield from op(ctx, *args, **kwargs))
    except WeavormError:
        raise
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else "?"
        raise kind(
            f"{name}: an argument holds text that is not valid UTF-8 ({bad!r}, a lone surrogate)"
        ) from exc
    except RecursionError as exc:
        raise kind(f"{name}: an argument is nested too deeply (or contains itself)") from exc


def sync_method(
    op: Callable[Concatenate[CollectionContext, P], Operation[T]],
) -> Callable[Concatenate[_SyncHost, P], T]:
    """A sync method running ``op`` on the namespace's driver and collection context."""

    def method(self: _SyncHost, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._driver.run(_guarded(op, self._ctx, args, kwargs))

    _adopt(method, op, is_async=False)
    return method


def async_method(
    op: Callable[Concatenate[CollectionContext, P], Operation[T]],
) -> Callable[Concatenate[_AsyncHost, P], Coroutine[Any, Any, T]]:
    """The coroutine twin of :func:`sync_method`."""

    async def method(self: _AsyncHost, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._driver.run(_guarded(op, self._ctx, args, kwargs))

    _adopt(method, op, is_async=True)
    return method


def facade(cls: C) -> C:
    """Class decorator: give the methods made by this module their class-qualified names."""
    for name, member in vars(cls).items():
        if hasattr(member, "__weavorm_operation__"):
            member.__qualname__ = f"{cls.__qualname__}.{name}"
    return cls
