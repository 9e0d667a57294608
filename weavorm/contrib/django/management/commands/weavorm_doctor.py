"""``manage.py weavorm_doctor``."""

from __future__ import annotations

from typing import Any

from weavorm.contrib.django.management._base import WeavormCommand

__all__ = ["Command"]


class Command(WeavormCommand):
    """Check the alias's server end to end (reachable, ready, version, gRPC)."""

    help = "Check the configured Weaviate server and give a verdict."

    def run(self, **options: Any) -> int:
        """Print the report."""
        from weavorm.contrib._commands import run_doctor
        from weavorm.contrib.django import alias_settings

        return run_doctor(alias_settings(options["alias"]), echo=self.echo)
