"""Connection settings, re-exported for the protocol and transport layers.

The definitions are public and live in :mod:`weavorm.engine.connection`.
"""

from weavorm.engine.connection import (
    DEFAULT_GRPC_MAX_MESSAGE,
    DEFAULT_GRPC_PORT,
    MAX_SECONDS,
    Auth,
    ConnectionConfig,
    GrpcSettings,
    Timeout,
    build_config,
    is_secret_header,
    redact_headers,
)

__all__ = [
    "DEFAULT_GRPC_MAX_MESSAGE",
    "DEFAULT_GRPC_PORT",
    "MAX_SECONDS",
    "Auth",
    "ConnectionConfig",
    "GrpcSettings",
    "Timeout",
    "build_config",
    "is_secret_header",
    "redact_headers",
]
