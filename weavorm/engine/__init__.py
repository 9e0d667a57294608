"""The Weaviate client engine: usable on its own, and what the ODM compiles to."""

from weavorm.engine._protocol.calls import HttpReply
from weavorm.engine._protocol.circuit import CircuitBreaker
from weavorm.engine._protocol.connection import Auth, ConnectionConfig, Timeout
from weavorm.engine._protocol.misc import GraphQLResult
from weavorm.engine._protocol.retry import RetryPolicy
from weavorm.engine.aggregate_types import (
    AggregateGroupByResult,
    AggregateResult,
    GroupByAggregate,
    Metrics,
)
from weavorm.engine.boost import Boost
from weavorm.engine.client import WeaviateClient
from weavorm.engine.client_async import AsyncWeaviateClient
from weavorm.engine.connect import connect, connect_async, connect_embedded
from weavorm.engine.filters import Filter
from weavorm.engine.generative_config import GenerativeConfig, GenerativeParameters
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
from weavorm.engine.results import GroupByResult, Object, QueryResult
from weavorm.engine.telemetry import RequestEvent
from weavorm.engine.tenants_types import Tenant, TenantActivityStatus
from weavorm.engine.types import (
    BatchResult,
    DataObject,
    DataReference,
    DeleteManyResult,
    GeoCoordinate,
    PhoneNumber,
    ReferenceToMulti,
)

__all__ = [
    "AggregateGroupByResult",
    "AggregateResult",
    "AsyncWeaviateClient",
    "Auth",
    "BM25Operator",
    "BatchResult",
    "Boost",
    "CircuitBreaker",
    "ConnectionConfig",
    "DataObject",
    "DataReference",
    "DeleteManyResult",
    "Diversity",
    "Filter",
    "GenerativeConfig",
    "GenerativeParameters",
    "GeoCoordinate",
    "GraphQLResult",
    "GroupBy",
    "GroupByAggregate",
    "GroupByResult",
    "HttpReply",
    "HybridFusion",
    "HybridVector",
    "MetadataQuery",
    "Metrics",
    "Move",
    "NearMediaType",
    "NearVector",
    "Object",
    "PhoneNumber",
    "QueryNested",
    "QueryReference",
    "QueryResult",
    "ReferenceToMulti",
    "RequestEvent",
    "Rerank",
    "RetryPolicy",
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
