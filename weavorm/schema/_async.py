"""The async schema API: ``acreate_all``, ``adrop_all``, ``adiff``, ``amigrate``.

Schema changes are rare, multi-step and not latency sensitive, so the async functions
run the one sync implementation in a worker thread (``asyncio.to_thread``), on a sync
client built from the async client's own connection settings (same URL, gRPC target,
auth, headers, timeouts and retry policy) and closed afterwards. The event loop is never
blocked, and there is no second copy of the planning and migration logic to drift.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from weavorm.errors import ConfigError

if TYPE_CHECKING:
    from weavorm.engine import AsyncWeaviateClient, WeaviateClient
    from weavorm.odm.model import Model
    from weavorm.schema._plan import Plan

__all__ = ["acreate_all", "adiff", "adrop_all", "amigrate"]

T = TypeVar("T")


def _sync_twin(client: AsyncWeaviateClient) -> WeaviateClient:
    from weavorm.engine import AsyncWeaviateClient, WeaviateClient

    if not isinstance(client, AsyncWeaviateClient):
        raise ConfigError(
            f"the a* schema functions take an AsyncWeaviateClient, got {type(client).__name__}; "
            "with a WeaviateClient call create_all / drop_all / diff / migrate"
        )
    return WeaviateClient(client.config)


async def _in_thread(client: AsyncWeaviateClient, fn: Callable[[WeaviateClient], T]) -> T:
    twin = _sync_twin(client)

    def run() -> T:
        try:
            return fn(twin)
        finally:
            twin.close()

    return await asyncio.to_thread(run)


async def acreate_all(
    client: AsyncWeaviateClient, models: Sequence[type[Model]] | None = None
) -> list[str]:
    """Async :func:`~weavorm.schema.create_all`.

    Args:
        client: An async client.
        models: The models (default: every registered model).

    Returns:
        The names of the collections created.
    """
    from weavorm.schema._build import create_all

    return await _in_thread(client, lambda c: create_all(c, models))


async def adrop_all(
    client: AsyncWeaviateClient, models: Sequence[type[Model]] | None = None
) -> None:
    """Async :func:`~weavorm.schema.drop_all` (no undo).

    Args:
        client: An async client.
        models: The models (default: every registered model).
    """
    from weavorm.schema._build import drop_all

    await _in_thread(client, lambda c: drop_all(c, models))


async def adiff(client: AsyncWeaviateClient, models: Sequence[type[Model]] | None = None) -> Plan:
    """Async :func:`~weavorm.schema.diff`.

    Args:
        client: An async client.
        models: The models (default: every registered model).

    Returns:
        The plan (an empty plan is falsy).
    """
    from weavorm.schema._diff import diff

    return await _in_thread(client, lambda c: diff(c, models))


async def amigrate(
    client: AsyncWeaviateClient,
    models: Sequence[type[Model]] | None = None,
    *,
    allow_breaking: bool = False,
    batch_size: int = 1000,
    converters: Mapping[str, Callable[[Any], Any]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Plan:
    """Async :func:`~weavorm.schema.migrate` (same options and errors).

    Args:
        client: An async client.
        models: The models (default: every registered model).
        allow_breaking: Run shadow-collection migrations for breaking changes.
        batch_size: Objects per page read and per batch written.
        converters: Value converters for data type changes (see ``migrate``).
        progress: Called with a line of text at each step (from the worker thread).

    Returns:
        The plan that was applied.

    Raises:
        MigrationError: breaking changes without ``allow_breaking``, or a failed
            shadow migration (undone).
    """
    from weavorm.schema._migrate import migrate

    return await _in_thread(
        client,
        lambda c: migrate(
            c,
            models,
            allow_breaking=allow_breaking,
            batch_size=batch_size,
            converters=converters,
            progress=progress,
        ),
    )
