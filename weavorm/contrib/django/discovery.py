"""Find the weavorm models of the installed apps (``collections.py``, else ``models.py``)."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["discovered_models", "models_of_module"]

_found: dict[str, list[type[Model]]] = {}


def models_of_module(module: ModuleType) -> list[type[Model]]:
    """The concrete weavorm models defined in ``module`` (not ones it imports)."""
    from weavorm.odm.model import Model

    return [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, Model)
        and obj is not Model
        and obj.__module__ == module.__name__
        and not obj.__weavorm_meta__.abstract
    ]


def _app_module(app_name: str) -> ModuleType | None:
    for leaf in ("collections", "models"):
        name = f"{app_name}.{leaf}"
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # the app is a module, not a package
            return None
        if spec is not None:
            return importlib.import_module(name)
    return None


def discovered_models(app_label: str | None = None) -> list[type[Model]]:
    """The weavorm models of every installed app (or of ``app_label``), in app order.

    Each app's ``collections.py`` is used when it exists, else its ``models.py``.
    """
    from django.apps import apps

    if not _found:
        for config in apps.get_app_configs():
            if config.name == "weavorm.contrib.django":
                continue
            module = _app_module(config.name)
            _found[config.label] = models_of_module(module) if module is not None else []
    if app_label is not None:
        return list(_found.get(app_label, []))
    out: list[type[Model]] = []
    for models in _found.values():
        out.extend(m for m in models if m not in out)
    return out
