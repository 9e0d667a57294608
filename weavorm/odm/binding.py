"""Where queries run: an explicit client/session (``using``) or the configured default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from weavorm.errors import QueryError

__all__ = ["Binding", "configure", "release", "resolve"]

_default: dict[str, Any] = {"sync": None, "async": None, "sync_factory": None}


def configure(
    client: Any = None,
    *,
    async_client: Any = None,
    client_factory: Callable[[], Any] | None = None,
) -> None:
    """Set the default client(s) managers use when not given ``using(...)``.

    Args:
        client: A :class:`~weavorm.engine.WeaviateClient` (or an async client, which is
            then used for the ``a*`` methods).
        async_client: An :class:`~weavorm.engine.AsyncWeaviateClient`.
        client_factory: Called for the sync client each time an unbound query runs
            and no ``client`` is configured (the web integrations pass a getter of
            their per-process client, so nothing connects before it is used).
    """
    from weavorm.engine import AsyncWeaviateClient

    if isinstance(client, AsyncWeaviateClient):
        _default["async"] = client
    elif client is not None:
        _default["sync"] = client
    if async_client is not None:
        _default["async"] = async_client
    if client_factory is not None:
        _default["sync_factory"] = client_factory


def release(target: Any) -> None:
    """Forget ``target`` (a client or a client factory) where it is a configured default.

    Integrations call it when they close a client they configured.
    """
    for key, value in _default.items():
        if value is not None and value == target:  # bound methods compare equal, not same
            _default[key] = None


class Binding:
    """The clients (and session, if any) a QuerySet runs on.

    Operations run through the engine's entry point ``client.run(operation)``
    (:meth:`~weavorm.engine.WeaviateClient.run`); the ODM never touches a driver.
    """

    __slots__ = ("async_client", "session", "sync_client")

    def __init__(self, sync_client: Any, async_client: Any, session: Any) -> None:
        self.sync_client = sync_client
        self.async_client = async_client
        self.session = session


def resolve(target: Any) -> Binding:
    """The binding for ``target``: a client, an async client, a session or None (default)."""
    from weavorm.engine import AsyncWeaviateClient, WeaviateClient

    session = None
    if target is not None and hasattr(target, "_weavorm_session_client"):
        session = target
        target = target._weavorm_session_client()
    if target is None:
        sync, asyn = _default["sync"], _default["async"]
        if sync is None and _default["sync_factory"] is not None:
            sync = _default["sync_factory"]()
        return Binding(sync, asyn, None)
    if isinstance(target, WeaviateClient):
        return Binding(target, None, session)
    if isinstance(target, AsyncWeaviateClient):
        return Binding(None, target, session)
    raise QueryError(f"using() takes a client or a session, got {type(target).__name__}")
