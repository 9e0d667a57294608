"""``manage.py weavorm_migrate [--check] [--allow-breaking] [--yes]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from weavorm.contrib.django.management._base import WeavormCommand

__all__ = ["Command"]


class Command(WeavormCommand):
    """Bring the server's collections in line with the apps' weavorm models."""

    help = "Create or migrate the collections of the installed apps' weavorm models."

    def add_arguments(self, parser: CommandParser) -> None:
        """``--check``, ``--allow-breaking``, ``--yes`` / ``--no-input``."""
        super().add_arguments(parser)
        parser.add_argument(
            "--check", action="store_true", help="apply nothing; exit 1 when changes are pending"
        )
        parser.add_argument(
            "--allow-breaking",
            action="store_true",
            help="run shadow-collection migrations for breaking changes",
        )
        parser.add_argument(
            "--yes", "--no-input", "--noinput", action="store_true", help="apply without asking"
        )

    def run(self, **options: Any) -> int:
        """Diff, then apply."""
        from weavorm.contrib._commands import run_migrate
        from weavorm.contrib.django import discovered_models, get_client

        return run_migrate(
            get_client(options["alias"]),
            discovered_models(),
            check=options["check"],
            allow_breaking=options["allow_breaking"],
            yes=options["yes"],
            confirm=self.confirm,
            echo=self.echo,
        )
