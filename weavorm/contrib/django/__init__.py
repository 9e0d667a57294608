"""Django integration: settings, per-process clients, model discovery, commands, forms.

Setup::

    INSTALLED_APPS = [..., "weavorm.contrib.django"]
    WEAVORM = {
        "default": {"URL": "http://localhost:8080", "GRPC_URL": "localhost:50051",
                    "API_KEY": None, "HEADERS": {}, "TIMEOUT": 10},
        "archive": {"URL": "http://archive:8080"},
    }

Without ``WEAVORM`` (or without a ``default`` entry) the default alias reads
``WEAVIATE_URL``, ``WEAVIATE_GRPC_URL`` and ``WEAVIATE_API_KEY`` (then
``http://localhost:8080``). Models are the :class:`~weavorm.Model` subclasses of each
installed app's ``collections.py`` (else its ``models.py``). Their managers use the
``default`` alias's client, made on first use in each process; other aliases through
``Article.objects.using(get_client("archive"))``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from weavorm.contrib.django.conf import alias_settings, get_client, reset_clients
from weavorm.contrib.django.discovery import discovered_models

if TYPE_CHECKING:
    from weavorm.odm.session import Session

__all__ = ["alias_settings", "discovered_models", "get_client", "reset_clients", "session"]


def session(alias: str = "default") -> Session:
    """A new :class:`~weavorm.Session` on ``alias``'s client (use it in a ``with``)."""
    from weavorm.odm.session import Session

    return Session(get_client(alias))
