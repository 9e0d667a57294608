"""Batch writes, all in one package: encoding, planning, the batch state machines, runners.

Layers, top to bottom (imports point downward):

- :mod:`~weavorm.engine.batching.namespaces`: ``client.batch`` and ``collection.batch``
  (modes ``fixed_size``, ``dynamic``, ``rate_limit``, ``stream``) and the batch context
  managers users add objects to.
- :mod:`~weavorm.engine.batching.runners`: move requests between a batch's state
  machine and a driver (threads for the sync client, tasks for the async one); the
  server-side mode runs over the bidirectional gRPC stream of
  :mod:`weavorm.engine._transport.stream` (the transport, where gRPC errors are
  translated).
- :mod:`~weavorm.engine.batching.core` and :mod:`~weavorm.engine.batching.stream_core`:
  pure state machines of a client-side and a server-side batch (what to send next,
  adapting, pacing, outcomes).
- :mod:`~weavorm.engine.batching.requests`: pure encoding of objects and references
  into ``BatchObjects`` / ``BatchReferences`` requests, splitting by count and by the
  server's gRPC message size (:func:`~weavorm.engine.batching.requests.plan_batches`),
  and the one-shot ``send_objects`` / ``send_references`` operations used by
  ``insert_many``.

The session's flush planner (:mod:`weavorm.odm.session.planner`) builds on
:mod:`~weavorm.engine.batching.requests` too.
"""

from weavorm.engine.batching.core import BatchMode
from weavorm.engine.batching.namespaces import (
    AsyncBatchClient,
    AsyncBatchCollection,
    AsyncClientBatchNamespace,
    AsyncCollectionBatchNamespace,
    BatchClient,
    BatchCollection,
    ClientBatchNamespace,
    CollectionBatchNamespace,
)

__all__ = [
    "AsyncBatchClient",
    "AsyncBatchCollection",
    "AsyncClientBatchNamespace",
    "AsyncCollectionBatchNamespace",
    "BatchClient",
    "BatchCollection",
    "BatchMode",
    "ClientBatchNamespace",
    "CollectionBatchNamespace",
]
