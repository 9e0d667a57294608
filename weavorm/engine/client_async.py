"""The client: :class:`AsyncWeaviateClient` and its namespaces.

The sync and async clients run the same protocol operations; only the driver differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, TypeVar

from google.protobuf.message import Message

from weavorm.engine._protocol import misc
from weavorm.engine._protocol.calls import HttpReply, Operation, grpc
from weavorm.engine._protocol.connection import ConnectionConfig
from weavorm.engine._transport.driver import AsyncDriver
from weavorm.engine.telemetry import Telemetry

__all__ = ["AsyncRawNamespace", "AsyncWeaviateClient"]

T = TypeVar("T")
M = TypeVar("M", bound=Message)


class AsyncRawNamespace:
    """Escape hatches that keep auth, retries, telemetry and typed errors."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        accept: frozenset[int] = frozenset(),
    ) -> HttpReply:
        """Send any REST request below ``/v1``.

        Args:
            method: HTTP method.
            path: Path such as ``/v1/schema`` (``/v1`` is prepended when missing).
            json: JSON body.
            params: Query parameters.
            idempotent: Whether retries are allowed (default: by method).
            accept: Error statuses to return instead of raising.

        Returns:
            The reply with ``status``, ``json`` and ``text``.

        Raises:
            ServerError: a typed subclass for error statuses not in ``accept``.
            TransportError: the server could not be reached.
        """
        return await self._driver.run(
            misc.raw_request(
                method, path, json=json, params=params, idempotent=idempotent, accept=accept
            )
        )

    async def grpc(
        self,
        method: str,
        request: Message,
        reply_type: type[M],
        *,
        idempotent: bool = True,
        timeout: float | None = None,
    ) -> M:
        """Make a unary call on the ``weaviate.v1.Weaviate`` service.

        Args:
            method: RPC name, e.g. ``"Search"``.
            request: The request message (from ``weavorm._proto.v1``).
            reply_type: The reply message class.
            idempotent: Whether retries are allowed.
            timeout: Deadline in seconds.
        """
        return await self._driver.run(
            grpc(
                method,
                request,
                reply_type,
                operation=f"raw grpc {method}",
                idempotent=idempotent,
                timeout=timeout,
            )
        )


class AsyncWeaviateClient:
    """A connection to one Weaviate server (REST + gRPC), usable without models.

    Create it with :func:`weavorm.connect_async` and use it as a context manager;
    :meth:`close` releases connections.
    """

    def __init__(
        self, config: ConnectionConfig, *, on_close: Callable[[], None] | None = None
    ) -> None:
        self.config = config
        self.telemetry = Telemetry()
        self._driver = AsyncDriver(config, self.telemetry)
        self._on_close = on_close
        self._closed = False
        self._meta: dict[str, Any] | None = None
        self.raw = AsyncRawNamespace(self._driver)
        self._init_namespaces()

    def _init_namespaces(self) -> None:
        """Attach the engine namespaces (collections, batch, backup, ...)."""
        from weavorm.engine.aliases_async import AsyncAliasesNamespace
        from weavorm.engine.backup_async import AsyncBackupNamespace
        from weavorm.engine.cluster_async import AsyncClusterNamespace
        from weavorm.engine.collection_async import AsyncCollections
        from weavorm.engine.rbac_async import AsyncRolesNamespace
        from weavorm.engine.rbac_users_async import AsyncGroupsNamespace, AsyncUsersNamespace
        from weavorm.engine.tokenize_async import AsyncTokenizationNamespace

        self.collections = AsyncCollections(self._driver)
        from weavorm.engine.batching.namespaces import AsyncClientBatchNamespace

        self.batch = AsyncClientBatchNamespace(self._driver)
        self.backup = AsyncBackupNamespace(self._driver)
        self.cluster = AsyncClusterNamespace(self._driver)
        self.roles = AsyncRolesNamespace(self._driver)
        self.users = AsyncUsersNamespace(self._driver)
        self.groups = AsyncGroupsNamespace(self._driver)
        self.aliases = AsyncAliasesNamespace(self._driver)
        self.tokenization = AsyncTokenizationNamespace(self._driver)

    async def _run(self, op: Operation[T]) -> T:
        return await self._driver.run(op)

    async def run(self, operation: Operation[T]) -> T:
        """Run a protocol operation: the one entry point of the layers above the engine.

        Advanced: the ODM, the SQL front end and the session hand their operations
        (generators of calls from ``weavorm.engine._protocol``) to this method, which
        runs them on the client's driver with its retries, deadlines, circuit breaker,
        REST fallback and telemetry. See ``docs/dev/engine-conventions.md``.

        Args:
            operation: A generator that yields calls and returns the result.

        Returns:
            What the operation returns.
        """
        return await self._driver.run(operation)

    @property
    def grpc_max_message_size(self) -> int:
        """The largest gRPC message the server takes, in bytes (learnt on connect)."""
        return self._driver.grpc_max_message_size

    async def connect(self) -> AsyncWeaviateClient:
        """Check the server once: reachable, version supported; learn its limits.

        Raises:
            ConnectError: nothing answers at the configured URL.
            ServerVersionError: the server is too old.
        """
        info = await self._run(misc.meta())
        self._meta = info
        misc.check_server_version(str(info.get("version", "0.0.0")))
        size = info.get("grpcMaxMessageSize")
        if isinstance(size, int) and size > 0:
            self._driver.grpc_max_message_size = size
        await self._driver.check_grpc()  # with grpc_fallback="rest": REST at once if gRPC is down
        return self

    async def is_live(self) -> bool:
        """Whether the server answers its liveness probe."""
        return await self._run(misc.live())

    async def is_ready(self) -> bool:
        """Whether the server is ready to serve requests."""
        return await self._run(misc.ready())

    async def meta(self) -> dict[str, Any]:
        """The server's ``/v1/meta``: ``version``, ``hostname``, ``modules``, ..."""
        info = await self._run(misc.meta())
        self._meta = info
        return info

    async def grpc_health(self) -> bool:
        """Whether the gRPC health service reports SERVING."""
        return await self._run(misc.grpc_health())

    async def graphql_raw_query(
        self, query: str, *, variables: Mapping[str, Any] | None = None
    ) -> misc.GraphQLResult:
        """Run a raw GraphQL query; the result carries ``data`` and ``errors``."""
        return await self._run(misc.graphql(query, variables))

    async def close(self) -> None:
        """Close connections (and stop an embedded server this client started)."""
        if self._closed:
            return
        self._closed = True
        await self._driver.close()
        if self._on_close is not None:
            self._on_close()

    async def __aenter__(self) -> AsyncWeaviateClient:
        if True:  # ASYNC
            if not self.config.skip_init_checks and self._meta is None:
                await self.connect()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        auth = self.config.auth.kind if self.config.auth else "anonymous"
        return (
            f"AsyncWeaviateClient(url={self.config.http_url!r}, "
            f"grpc={self.config.grpc_target!r}, auth={auth})"
        )
