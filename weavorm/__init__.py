"""weavorm: a typed object-document mapper for Weaviate, on a client engine of its own.

Importing weavorm has no side effects: nothing connects, starts or reads files
until you call something.
"""

from weavorm import errors, schema
from weavorm.engine import (
    AsyncWeaviateClient,
    RetryPolicy,
    Timeout,
    WeaviateClient,
    connect,
    connect_async,
    connect_embedded,
)
from weavorm.odm import Field, Model, Q, Ref, Refs, configure
from weavorm.odm.repository import AsyncRepository, Repository
from weavorm.odm.session import AsyncSession, Session

__version__ = "0.1.0"

__all__ = [
    "AsyncRepository",
    "AsyncSession",
    "AsyncWeaviateClient",
    "Field",
    "Model",
    "Q",
    "Ref",
    "Refs",
    "Repository",
    "RetryPolicy",
    "Session",
    "Timeout",
    "WeaviateClient",
    "__version__",
    "configure",
    "connect",
    "connect_async",
    "connect_embedded",
    "errors",
    "schema",
]
