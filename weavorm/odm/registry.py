"""The model registry: collection name -> model class."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from weavorm.errors import SchemaError

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["ModelRegistry", "registry"]


class ModelRegistry:
    """Every concrete model class by collection name (the last definition wins)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._models: dict[str, type[Model]] = {}

    def register(self, model: type[Model]) -> None:
        """Register ``model`` under its collection name."""
        with self._lock:
            self._models[model.collection_name()] = model

    def unregister(self, model: type[Model]) -> None:
        """Forget ``model`` (if it is the registered one)."""
        with self._lock:
            if self._models.get(model.collection_name()) is model:
                del self._models[model.collection_name()]

    def model_for(self, collection: str) -> type[Model]:
        """The model of ``collection``.

        Raises:
            SchemaError: no model is registered for it.
        """
        with self._lock:
            model = self._models.get(collection)
            if model is None:
                for name, candidate in self._models.items():
                    if name.lower() == collection.lower():
                        return candidate
                known = ", ".join(sorted(self._models)) or "(none)"
                raise SchemaError(f"no model for collection {collection!r}; known: {known}")
            return model

    def get(self, collection: str) -> type[Model] | None:
        """The model of ``collection`` or None."""
        with self._lock:
            return self._models.get(collection)

    def models(self) -> list[type[Model]]:
        """All registered models, in definition order."""
        with self._lock:
            return list(self._models.values())


#: The process-wide registry used by ``create_all`` and reference resolution.
registry = ModelRegistry()
