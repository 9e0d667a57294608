"""Shared options of the ``weavorm_*`` management commands."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from weavorm.errors import WeavormError

__all__ = ["WeavormCommand"]


class WeavormCommand(BaseCommand):
    """A command with ``--alias`` that reports weavorm errors as ``CommandError``."""

    requires_system_checks: list[str] = []  # noqa: RUF012 (Django's own declaration)

    def add_arguments(self, parser: CommandParser) -> None:
        """``--alias`` (default ``default``) picks the ``settings.WEAVORM`` entry."""
        parser.add_argument(
            "--alias", default="default", help="the settings.WEAVORM alias (default: default)"
        )

    def echo(self, text: str) -> None:
        """Write a line to the command's stdout."""
        self.stdout.write(text)

    def confirm(self, question: str) -> bool:
        """Ask on a terminal; refuse (False) when stdin is not one."""
        if not sys.stdin.isatty():
            return False
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run :meth:`run`; a non-zero status or a weavorm error fails the command."""
        try:
            status = self.run(**options)
        except WeavormError as exc:
            raise CommandError(str(exc)) from exc
        if status:
            raise CommandError(f"{self.__module__.rsplit('.', 1)[-1]} failed", returncode=status)

    def run(self, **options: Any) -> int:
        """The command's work; returns an exit status."""
        raise NotImplementedError
