"""A real local Weaviate for tests and development: one node or a cluster on one host.

:class:`WeaviateServer` runs one ``weaviate-server`` process on the loopback interface,
:class:`WeaviateCluster` runs several that form a Raft cluster. The binary is found with
:func:`find_binary` (``WEAVORM_WEAVIATE_BIN``, ``PATH``, the cache) or built into the
cache with :func:`install_binary` (``go install``). Nothing happens at import time.
"""

from weavorm.server._binary import (
    BINARY_ENV_VAR,
    WEAVIATE_VERSION,
    binary_cache_path,
    find_binary,
    install_binary,
)
from weavorm.server._cluster import WeaviateCluster
from weavorm.server._ports import free_port
from weavorm.server._server import WeaviateServer

__all__ = [
    "BINARY_ENV_VAR",
    "WEAVIATE_VERSION",
    "WeaviateCluster",
    "WeaviateServer",
    "binary_cache_path",
    "find_binary",
    "free_port",
    "install_binary",
]
