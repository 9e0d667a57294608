"""The Weaviate client engine: usable on its own, and what the ODM compiles to."""

from weavorm.engine._protocol.calls import HttpReply
from weavorm.engine._protocol.connection import Auth, ConnectionConfig, Timeout
from weavorm.engine._protocol.misc import GraphQLResult
from weavorm.engine._protocol.retry import RetryPolicy
from weavorm.engine.client import WeaviateClient
from weavorm.engine.client_async import AsyncWeaviateClient
from weavorm.engine.connect import connect, connect_async, connect_embedded
from weavorm.engine.telemetry import RequestEvent

__all__ = [
    "AsyncWeaviateClient",
    "Auth",
    "ConnectionConfig",
    "GraphQLResult",
    "HttpReply",
    "RequestEvent",
    "RetryPolicy",
    "Timeout",
    "WeaviateClient",
    "connect",
    "connect_async",
    "connect_embedded",
]
