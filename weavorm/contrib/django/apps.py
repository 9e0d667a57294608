"""The Django app: ``INSTALLED_APPS += ["weavorm.contrib.django"]``."""

from __future__ import annotations

from django.apps import AppConfig

__all__ = ["WeavormConfig"]


class WeavormConfig(AppConfig):
    """Finds the apps' weavorm models and binds their managers to the default alias.

    Nothing connects here: the client of each process is made on first use.
    """

    name = "weavorm.contrib.django"
    label = "weavorm"
    verbose_name = "weavorm"

    def ready(self) -> None:
        """Discover models; point unbound managers at ``get_client("default")``."""
        import weavorm
        from weavorm.contrib.django.conf import connect_signals, get_client
        from weavorm.contrib.django.discovery import discovered_models

        discovered_models()
        connect_signals()
        weavorm.configure(client_factory=get_client)
