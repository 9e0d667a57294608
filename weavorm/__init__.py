"""weavorm: a typed object-document mapper for Weaviate, on a client engine of its own.

Importing weavorm has no side effects: nothing connects, starts or reads files
until you call something.
"""

from weavorm import errors
from weavorm.engine import (
    AsyncWeaviateClient,
    RetryPolicy,
    Timeout,
    WeaviateClient,
    connect,
    connect_async,
    connect_embedded,
)

__version__ = "0.1.0"

__all__ = [
    "AsyncWeaviateClient",
    "RetryPolicy",
    "Timeout",
    "WeaviateClient",
    "__version__",
    "connect",
    "connect_async",
    "connect_embedded",
    "errors",
]
