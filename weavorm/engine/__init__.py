"""The Weaviate client engine: usable on its own, and what the ODM compiles to.

Everything a user of the engine names is importable from here: the clients and their
``connect*`` functions, a collection handle (:class:`Collection` /
:class:`AsyncCollection`, what ``client.collections.get(name)`` returns), the query
options, filters, write and result types, and the connection settings::

    from weavorm.engine import Filter, MetadataQuery, connect

    with connect() as client:
        articles = client.collections.get("Article")
        result = articles.query.near_text("vector databases", limit=3,
                                          filters=Filter.by_property("year").greater_than(2000),
                                          return_metadata=MetadataQuery(distance=True))

The layout below this package is described in ``docs/dev/architecture.md``.
"""

from weavorm.engine._protocol.circuit import CircuitBreaker
from weavorm.engine.aggregate_types import (
    AggregateGroupByResult,
    AggregateResult,
    GroupByAggregate,
    Metrics,
)
from weavorm.engine.boost import Boost
from weavorm.engine.client import WeaviateClient
from weavorm.engine.client_async import AsyncWeaviateClient
from weavorm.engine.collection import AsyncCollection, AsyncCollections, Collection, Collections
from weavorm.engine.connect import connect, connect_async, connect_embedded
from weavorm.engine.connection import Auth, ConnectionConfig, Timeout
from weavorm.engine.filters import Filter
from weavorm.engine.generative_config import (
    GenerativeConfig,
    GenerativeParameters,
    GenerativeProvider,
    GroupedTask,
    SinglePrompt,
)
from weavorm.engine.options import (
    BM25Operator,
    Diversity,
    GroupBy,
    HybridFusion,
    HybridVector,
    MetadataQuery,
    Move,
    NearMediaType,
    NearVector,
    QueryNested,
    QueryReference,
    Rerank,
    Sort,
    TargetVectors,
)
from weavorm.engine.raw import GraphQLResult, HttpReply
from weavorm.engine.results import (
    CrossReference,
    GenerativeGrouped,
    GenerativeSingle,
    Group,
    GroupByResult,
    Metadata,
    Object,
    QueryProfile,
    QueryResult,
    ShardProfile,
)
from weavorm.engine.retry import RetryPolicy
from weavorm.engine.telemetry import RequestEvent
from weavorm.engine.tenants_types import Tenant, TenantActivityStatus
from weavorm.engine.types import (
    BatchObject,
    BatchReference,
    BatchResult,
    DataObject,
    DataReference,
    DataReferenceMulti,
    DeleteManyResult,
    ReferenceToMulti,
)
from weavorm.engine.values import Blob, GeoCoordinate, PhoneNumber

__all__ = [
    "AggregateGroupByResult",
    "AggregateResult",
    "AsyncCollection",
    "AsyncCollections",
    "AsyncWeaviateClient",
    "Auth",
    "BM25Operator",
    "BatchObject",
    "BatchReference",
    "BatchResult",
    "Blob",
    "Boost",
    "CircuitBreaker",
    "Collection",
    "Collections",
    "ConnectionConfig",
    "CrossReference",
    "DataObject",
    "DataReference",
    "DataReferenceMulti",
    "DeleteManyResult",
    "Diversity",
    "Filter",
    "GenerativeConfig",
    "GenerativeGrouped",
    "GenerativeParameters",
    "GenerativeProvider",
    "GenerativeSingle",
    "GeoCoordinate",
    "GraphQLResult",
    "Group",
    "GroupBy",
    "GroupByAggregate",
    "GroupByResult",
    "GroupedTask",
    "HttpReply",
    "HybridFusion",
    "HybridVector",
    "Metadata",
    "MetadataQuery",
    "Metrics",
    "Move",
    "NearMediaType",
    "NearVector",
    "Object",
    "PhoneNumber",
    "QueryNested",
    "QueryProfile",
    "QueryReference",
    "QueryResult",
    "ReferenceToMulti",
    "RequestEvent",
    "Rerank",
    "RetryPolicy",
    "ShardProfile",
    "SinglePrompt",
    "Sort",
    "TargetVectors",
    "Tenant",
    "TenantActivityStatus",
    "Timeout",
    "WeaviateClient",
    "connect",
    "connect_async",
    "connect_embedded",
]
