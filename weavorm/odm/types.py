"""Value types with a Weaviate data type of their own: geo coordinates, phone numbers, blobs.

They are defined once, in :mod:`weavorm.engine.values`, and shared by the engine and the
ODM: a ``GeoCoordinate`` read from a query result is the same class as the one a model
field declares.
"""

from __future__ import annotations

from weavorm.engine.values import Blob, BlobType, GeoCoordinate, PhoneNumber

__all__ = ["Blob", "BlobType", "GeoCoordinate", "PhoneNumber"]
