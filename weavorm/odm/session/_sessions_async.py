"""The session classes of the unit of work: what reaches the server.

One of a pair: ``weavorm.odm.session._sessions_async`` (the async session, the
source) and ``weavorm.odm.session._sessions`` (the sync session, generated from it by
``scripts/gen_sync.py``). The bookkeeping both share (identity map, snapshots, change
detection, rollback) is :class:`~weavorm.odm.session._session._SessionBase`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from weavorm.engine._protocol.encode import paused_gc
from weavorm.odm.session._session import ObjectState, _SessionBase
from weavorm.odm.session.executor import execute_plan
from weavorm.odm.session.planner import stream_flush

if TYPE_CHECKING:
    from weavorm.engine import AsyncWeaviateClient
    from weavorm.odm.model import Model
    from weavorm.odm.queryset import QuerySet

__all__ = ["AsyncSession"]

M = TypeVar("M", bound="Model")


class AsyncSession(_SessionBase):
    """A unit of work on a :class:`~weavorm.engine.AsyncWeaviateClient`.

    Use it as a context manager: leaving the block without :meth:`commit` discards
    pending changes (:meth:`begin` commits when the block succeeds).
    """

    def __init__(
        self,
        client: AsyncWeaviateClient,
        *,
        tenant: str | None = None,
        consistency: str | None = None,
    ) -> None:
        super().__init__(client, tenant=tenant, consistency=consistency)

    @classmethod
    @asynccontextmanager
    async def begin(
        cls,
        client: AsyncWeaviateClient,
        *,
        tenant: str | None = None,
        consistency: str | None = None,
    ) -> AsyncIterator[AsyncSession]:
        """A session that commits when the block succeeds and rolls back otherwise."""
        session = cls(client, tenant=tenant, consistency=consistency)
        try:
            yield session
            await session.commit()
        finally:
            await session.close()

    async def get(self, model: type[M], id: UUID | str) -> M | None:
        """The object with ``id`` (from the identity map when already here), or None."""
        uid = id if isinstance(id, UUID) else UUID(str(id))
        entry = self._entries.get((model.collection_name(), self.tenant, uid))
        if entry is not None:
            return entry.obj if entry.state is not ObjectState.DELETED else None  # type: ignore[return-value]
        return await self._query_for_get(model, uid).afirst()

    def query(self, model: type[M]) -> QuerySet[M]:
        """A QuerySet whose results go through this session's identity map."""
        return model.objects.using(self)

    async def refresh(self, obj: Model) -> None:
        """Reload ``obj``'s fields, vectors and search metadata (local changes are lost)."""
        self._refreshed(obj, await self._refresh_query(obj).afirst())

    async def flush(self) -> None:
        """Send pending changes: upserts, merges, references, deletes.

        Raises:
            FlushError: some changes failed (each with the server's message); those stay
                pending, the rest are persistent.
        """
        self._check_open()
        with paused_gc():  # bookkeeping allocates per object while vectors are alive
            changes, entries = self._changes()
            if not changes:
                return
            plan, stream = stream_flush(
                changes,
                max_bytes=self.client.grpc_max_message_size,
                consistency=self.consistency,
            )
            outcome = await self.client.run(execute_plan(changes, plan, stream=stream))
            self._apply(changes, entries, plan, outcome)

    async def commit(self) -> None:
        """Flush everything; Weaviate has no transactions, so what landed stays."""
        await self.flush()

    async def rollback(self) -> None:
        """Discard pending changes: new objects are dropped, changed objects reverted."""
        self._rollback()

    async def close(self) -> None:
        """Discard pending changes (nothing is sent) and detach every object."""
        self._close()

    async def __aenter__(self) -> AsyncSession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
