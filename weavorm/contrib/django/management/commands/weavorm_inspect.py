"""``manage.py weavorm_inspect [COLLECTION ...] [-o FILE]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from weavorm.contrib.django.management._base import WeavormCommand

__all__ = ["Command"]


class Command(WeavormCommand):
    """Write weavorm models for the server's collections (like ``inspectdb``)."""

    help = "Print weavorm model source for existing collections."

    def add_arguments(self, parser: CommandParser) -> None:
        """Collections (default: all) and ``-o FILE``."""
        super().add_arguments(parser)
        parser.add_argument("collections", nargs="*", metavar="COLLECTION")
        parser.add_argument("-o", "--output", default=None, help="write to this file")

    def run(self, **options: Any) -> int:
        """Print or write the source."""
        from weavorm.contrib._commands import run_inspect
        from weavorm.contrib.django import get_client

        return run_inspect(
            get_client(options["alias"]),
            options["collections"],
            output=options["output"],
            echo=self.echo,
        )
