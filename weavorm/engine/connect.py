"""Entry points: :func:`connect`, :func:`connect_async`, :func:`connect_embedded`."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from weavorm.engine._protocol.circuit import CircuitBreaker
from weavorm.engine.client import WeaviateClient
from weavorm.engine.client_async import AsyncWeaviateClient
from weavorm.engine.connection import Timeout, build_config
from weavorm.engine.retry import RetryPolicy
from weavorm.errors import WeavormError

if TYPE_CHECKING:
    from weavorm.server import WeaviateServer

__all__ = ["connect", "connect_async", "connect_embedded"]


def connect(
    url: str | None = None,
    *,
    grpc_url: str | None = None,
    api_key: str | None = None,
    bearer_token: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | Timeout | None = None,
    retry: RetryPolicy | None = None,
    pool_size: int = 20,
    skip_init_checks: bool = False,
    circuit: CircuitBreaker | Literal["default"] | None = "default",
    grpc_fallback: Literal["rest"] | None = None,
    allow_plaintext_grpc: bool = False,
) -> WeaviateClient:
    """Connect to a Weaviate server.

    With no ``url``, ``WEAVIATE_URL``, ``WEAVIATE_GRPC_URL`` and ``WEAVIATE_API_KEY``
    are read; then ``http://localhost:8080`` with gRPC on the same host at 50051.

    Args:
        url: REST base URL, e.g. ``http://localhost:8080``.
        grpc_url: gRPC address ``host:port`` (``grpcs://host:port`` for TLS).
        api_key: A Weaviate API key.
        bearer_token: An OIDC access token (instead of an API key).
        headers: Extra headers for every call, e.g. ``{"X-OpenAI-Api-Key": ...}``.
        timeout: Seconds for every part, or a :class:`Timeout`.
        retry: Retry policy for transient failures.
        pool_size: Maximum pooled HTTP connections.
        skip_init_checks: Do not contact the server now.
        circuit: Circuit breaker of each transport (``"default"``: a
            :class:`CircuitBreaker` with its defaults; None: no circuit breaker).
        grpc_fallback: ``"rest"``: when gRPC is unreachable at connect or its
            circuit is open, fetches, searches and aggregations run over GraphQL,
            batch writes, references and deletes over ``/v1/batch/...``, with the
            same results; what has no REST form raises ``NoFallbackError``. Back on
            gRPC once a health-check probe answers (see ``docs/failures.md``).
        allow_plaintext_grpc: With an ``https://`` url and a plaintext ``grpc_url``
            (``host:port`` or ``grpc://``), send the credentials over plaintext gRPC
            anyway. Without it that combination raises ConfigError, since the API key
            would travel unencrypted.

    Returns:
        A connected :class:`WeaviateClient`.

    Raises:
        ConfigError: an invalid setting (named in the message).
        ConnectError: nothing answers at ``url``.
        ServerVersionError: the server is too old.
    """
    config = build_config(
        url,
        grpc_url=grpc_url,
        api_key=api_key,
        bearer_token=bearer_token,
        headers=headers,
        timeout=timeout,
        retry=retry,
        pool_size=pool_size,
        skip_init_checks=skip_init_checks,
        circuit=circuit,
        grpc_fallback=grpc_fallback,
        allow_plaintext_grpc=allow_plaintext_grpc,
    )
    client = WeaviateClient(config)
    if not skip_init_checks:
        try:
            client.connect()
        except BaseException:
            client.close()
            raise
    return client


def connect_async(
    url: str | None = None,
    *,
    grpc_url: str | None = None,
    api_key: str | None = None,
    bearer_token: str | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | Timeout | None = None,
    retry: RetryPolicy | None = None,
    pool_size: int = 20,
    skip_init_checks: bool = False,
    circuit: CircuitBreaker | Literal["default"] | None = "default",
    grpc_fallback: Literal["rest"] | None = None,
    allow_plaintext_grpc: bool = False,
) -> AsyncWeaviateClient:
    """Create an async client; checks run on ``async with`` or ``await client.connect()``.

    Takes the same options as :func:`connect`.
    """
    config = build_config(
        url,
        grpc_url=grpc_url,
        api_key=api_key,
        bearer_token=bearer_token,
        headers=headers,
        timeout=timeout,
        retry=retry,
        pool_size=pool_size,
        skip_init_checks=skip_init_checks,
        circuit=circuit,
        grpc_fallback=grpc_fallback,
        allow_plaintext_grpc=allow_plaintext_grpc,
    )
    return AsyncWeaviateClient(config)


_embedded_lock = threading.Lock()
_embedded: dict[tuple[object, ...], tuple[WeaviateServer, int]] = {}


def connect_embedded(
    *,
    version: str | None = None,
    data_path: str | None = None,
    http_port: int | None = None,
    grpc_port: int | None = None,
    modules: Sequence[str] | str | None = None,
    env: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> WeaviateClient:
    """Start (or reuse) a real local ``weaviate-server`` and connect to it.

    Servers started with the same options in this process are shared; the server
    stops when the last client using it is closed (and at interpreter exit).

    Raises:
        ServerStartError: the server could not be installed or started (the message
            quotes the end of its log).
    """
    from weavorm.server import WeaviateServer

    modules_key = modules if isinstance(modules, str) or modules is None else ",".join(modules)
    key: tuple[object, ...] = (
        version,
        data_path,
        http_port,
        grpc_port,
        modules_key,
        tuple(sorted((env or {}).items())),
    )
    with _embedded_lock:
        entry = _embedded.get(key)
        if entry is not None and entry[0].is_ready():
            server, users = entry
            _embedded[key] = (server, users + 1)
        else:
            server = WeaviateServer(
                version=version,
                data_path=data_path,
                http_port=http_port,
                grpc_port=grpc_port,
                modules=modules,
                env=env,
            )
            server.start()
            _embedded[key] = (server, 1)

    def release() -> None:
        with _embedded_lock:
            current = _embedded.get(key)
            if current is None:
                return
            srv, count = current
            if count <= 1:
                del _embedded[key]
                srv.stop()
            else:
                _embedded[key] = (srv, count - 1)

    config = build_config(server.url, grpc_url=server.grpc_url, headers=headers)
    client = WeaviateClient(config, on_close=release)
    try:
        client.connect()
    except WeavormError:
        client.close()
        raise
    return client
