"""``manage.py weavorm_diff [--check]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from weavorm.contrib.django.management._base import WeavormCommand

__all__ = ["Command"]


class Command(WeavormCommand):
    """Print how the server's collections differ from the apps' weavorm models."""

    help = "Compare the installed apps' weavorm models with the server's collections."

    def add_arguments(self, parser: CommandParser) -> None:
        """``--check``: exit 1 when there are differences."""
        super().add_arguments(parser)
        parser.add_argument("--check", action="store_true", help="exit 1 when there are changes")

    def run(self, **options: Any) -> int:
        """Print the plan."""
        from weavorm.contrib._commands import run_diff
        from weavorm.contrib.django import discovered_models, get_client

        return run_diff(
            get_client(options["alias"]),
            discovered_models(),
            check=options["check"],
            echo=self.echo,
        )
