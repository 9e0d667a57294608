"""Collection configuration builders: the class JSON of the Weaviate REST schema API.

Build a collection configuration with typed, validating factories and turn it into the
JSON object ``POST /v1/schema`` takes; parse the JSON the server returns back into
frozen, typed views; prepare updates for ``PUT /v1/schema/{name}``. Everything here is
pure (no I/O) and targets Weaviate 1.39.

Example::

    from weavorm.config import (
        DataType, Property, Quantizer, VectorIndex, Vectors, collection_to_dict,
    )

    class_json = collection_to_dict(
        "Article",
        properties=[Property("title", DataType.TEXT, tokenization="word")],
        vectors=[
            Vectors.text2vec_transformers(
                "title_vec",
                source_properties=["title"],
                vector_index=VectorIndex.hnsw(quantizer=Quantizer.rq()),
            )
        ],
    )

Invalid values raise :class:`weavorm.errors.ConfigError` naming the value and the valid
choices.
"""

from weavorm.config._collection import CollectionConfig, collection_to_dict
from weavorm.config._common import (
    DeletionStrategy,
    FilterStrategy,
    StopwordsPreset,
    VectorDistance,
    VectorIndexType,
)
from weavorm.config._generative_config import Generative, GenerativeConfig
from weavorm.config._modules import (
    ModuleConfig,
    RerankerConfig,
    VectorizerConfig,
)
from weavorm.config._parse import CollectionConfigView, parse_collection_config
from weavorm.config._properties import (
    RESERVED_PROPERTY_NAMES,
    Property,
    ReferenceProperty,
    TextAnalyzer,
    validate_collection_name,
    validate_property_name,
)
from weavorm.config._quantizers import (
    BQConfig,
    NoQuantization,
    PQConfig,
    Quantizer,
    QuantizerConfig,
    RQConfig,
    SQConfig,
)
from weavorm.config._rerankers import Reranker
from weavorm.config._settings import (
    AsyncReplication,
    InvertedIndex,
    MultiTenancy,
    ObjectTTL,
    Replication,
    Sharding,
    TokenizerUserDict,
)
from weavorm.config._update import (
    InvertedIndexUpdate,
    MultiTenancyUpdate,
    Reconfigure,
    ReplicationUpdate,
    VectorIndexUpdate,
    merge_update,
)
from weavorm.config._vector_index import (
    DynamicIndex,
    FlatIndex,
    HFreshIndex,
    HnswIndex,
    MultiVector,
    Muvera,
    VectorIndex,
    VectorIndexConfig,
)
from weavorm.config._vectorizers import NamedVector, Vectorizer, Vectors
from weavorm.config.vocabulary import DataType, Tokenization

__all__ = [
    "RESERVED_PROPERTY_NAMES",
    "AsyncReplication",
    "BQConfig",
    "CollectionConfig",
    "CollectionConfigView",
    "DataType",
    "DeletionStrategy",
    "DynamicIndex",
    "FilterStrategy",
    "FlatIndex",
    "Generative",
    "GenerativeConfig",
    "HFreshIndex",
    "HnswIndex",
    "InvertedIndex",
    "InvertedIndexUpdate",
    "ModuleConfig",
    "MultiTenancy",
    "MultiTenancyUpdate",
    "MultiVector",
    "Muvera",
    "NamedVector",
    "NoQuantization",
    "ObjectTTL",
    "PQConfig",
    "Property",
    "Quantizer",
    "QuantizerConfig",
    "RQConfig",
    "Reconfigure",
    "ReferenceProperty",
    "Replication",
    "ReplicationUpdate",
    "Reranker",
    "RerankerConfig",
    "SQConfig",
    "Sharding",
    "StopwordsPreset",
    "TextAnalyzer",
    "Tokenization",
    "TokenizerUserDict",
    "VectorDistance",
    "VectorIndex",
    "VectorIndexConfig",
    "VectorIndexType",
    "VectorIndexUpdate",
    "Vectorizer",
    "VectorizerConfig",
    "Vectors",
    "collection_to_dict",
    "merge_update",
    "parse_collection_config",
    "validate_collection_name",
    "validate_property_name",
]
