"""Schema commands shared by the Django and Flask integrations (framework-neutral).

Each function prints through ``echo`` and returns an exit status; the framework's
command wrapper turns a non-zero status into its own failure (``CommandError``,
``click`` exit code).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weavorm.contrib._process import ClientSettings
    from weavorm.engine import WeaviateClient
    from weavorm.odm.model import Model

__all__ = ["run_diff", "run_doctor", "run_inspect", "run_migrate"]


def run_diff(
    client: WeaviateClient,
    models: Sequence[type[Model]],
    *,
    check: bool,
    echo: Callable[[str], None],
) -> int:
    """Print the plan; with ``check``, status 1 when there are changes."""
    from weavorm.schema import diff

    plan = diff(client, models)
    echo(str(plan) if plan else "No changes: the server matches the models.")
    return 1 if (check and plan) else 0


def run_migrate(
    client: WeaviateClient,
    models: Sequence[type[Model]],
    *,
    check: bool,
    allow_breaking: bool,
    yes: bool,
    confirm: Callable[[str], bool],
    echo: Callable[[str], None],
    flag_check: str = "--check",
    flag_yes: str = "--yes",
) -> int:
    """Show the plan and apply it (after confirmation unless ``yes``).

    With ``check`` nothing is applied and the status is 1 when changes are pending
    (for CI and deploy scripts). Breaking changes need ``allow_breaking``.
    """
    from weavorm.schema import diff, migrate

    plan = diff(client, models)
    if not plan:
        echo("No changes: the server matches the models.")
        return 0
    echo(str(plan))
    if check:
        echo(f"{len(plan)} change(s) not applied (run without {flag_check} to apply them)")
        return 1
    if plan.breaking and not allow_breaking:
        echo(
            "error: breaking changes need a shadow-collection migration (every object of "
            "those collections is copied into a new version); review them and rerun with "
            "--allow-breaking"
        )
        return 1
    if not yes and not confirm(f"Apply {len(plan)} change(s)?"):
        echo(f"not applied (pass {flag_yes} to apply without asking)")
        return 1
    applied = migrate(client, models, allow_breaking=allow_breaking)
    echo(f"applied {len(applied)} change(s)")
    for name, version in applied.migrated.items():
        echo(f"{name} now points at {version}; the previous version is kept")
    return 0


def run_inspect(
    client: WeaviateClient,
    collections: Sequence[str],
    *,
    output: str | None,
    echo: Callable[[str], None],
) -> int:
    """Print (or write to ``output``) model source for the server's collections."""
    from weavorm.schema import inspect

    source = inspect(client, list(collections) or None)
    if output:
        Path(output).write_text(source)
        echo(f"wrote {source.count('(Model):')} model(s) to {output}")
    else:
        echo(source.rstrip("\n"))
    return 0


def run_doctor(settings: ClientSettings, *, echo: Callable[[str], None]) -> int:
    """Check the configured server end to end; status 1 when a check failed."""
    from weavorm.doctor import run_doctor as doctor

    report = doctor(
        url=settings.url,
        grpc_url=settings.grpc_url,
        api_key=settings.api_key,
        timeout=settings.timeout or 5.0,
    )
    echo(report.render())
    return 0 if report.ok else 1
