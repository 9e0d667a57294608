"""A client per process, created on first use: safe under pre-fork servers.

A web server started with ``gunicorn --preload --workers N`` imports the app in the
master and forks the workers. :class:`ProcessClient` creates its client on first use
in each process (the process id is checked on every access), so a client made in the
master is never shared with a worker, and closes it at interpreter exit.
"""

from __future__ import annotations

import atexit
import os
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weavorm.engine import WeaviateClient

__all__ = ["ClientSettings", "ProcessClient"]


@dataclass(frozen=True)
class ClientSettings:
    """Connection settings of an integration (``None``: the ``WEAVIATE_*`` environment).

    Attributes:
        url: REST base URL.
        grpc_url: gRPC address ``host:port``.
        api_key: API key.
        headers: Extra headers for every call.
        timeout: Seconds for every part of a call.
    """

    url: str | None = None
    grpc_url: str | None = None
    api_key: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float | None = None

    def connect(self) -> WeaviateClient:
        """A new connected sync client."""
        from weavorm.engine import connect

        return connect(
            self.url,
            grpc_url=self.grpc_url,
            api_key=self.api_key,
            headers=dict(self.headers) or None,
            timeout=self.timeout,
        )

    def connect_async(self) -> Any:
        """A new (not yet checked) :class:`~weavorm.engine.AsyncWeaviateClient`."""
        from weavorm.engine import connect_async

        return connect_async(
            self.url,
            grpc_url=self.grpc_url,
            api_key=self.api_key,
            headers=dict(self.headers) or None,
            timeout=self.timeout,
        )


_live: weakref.WeakSet[ProcessClient] = weakref.WeakSet()


class ProcessClient:
    """Holds one sync client per process, made by ``factory`` on first use."""

    def __init__(self, factory: Callable[[], WeaviateClient]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._client: WeaviateClient | None = None
        self._pid = 0
        _live.add(self)

    def get(self) -> WeaviateClient:
        """This process's client (created now if this process has none yet)."""
        client, pid = self._client, os.getpid()
        if client is not None and self._pid == pid:
            return client
        with self._lock:
            if self._client is None or self._pid != pid:
                # A client inherited from the parent process is left alone (closing it
                # here would act on the parent's connections); this process gets its own.
                self._client = self._factory()
                self._pid = pid
            return self._client

    @property
    def started(self) -> bool:
        """Whether this process has made its client."""
        return self._client is not None and self._pid == os.getpid()

    def close(self) -> None:
        """Close this process's client (the next :meth:`get` makes a new one)."""
        with self._lock:
            client, self._client = self._client, None
            if client is not None and self._pid == os.getpid():
                client.close()


def _close_all() -> None:
    for holder in list(_live):
        holder.close()


def _after_fork_in_child() -> None:
    # A lock held by another thread at fork time would never be released in the child.
    for holder in list(_live):
        holder._lock = threading.Lock()


atexit.register(_close_all)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
