"""The ``weavorm schema`` and ``weavorm inspect`` commands.

Commands::

    weavorm schema show --models PKG.MOD               print each model's class JSON
    weavorm schema diff --models PKG.MOD [--check]     compare models with the server
    weavorm schema migrate --models PKG.MOD [--allow-breaking] [--yes]
                                                       apply the changes
    weavorm schema rollback COLLECTION [COLLECTION...] point aliases back one version
    weavorm inspect [COLLECTION...] [-o FILE.py]       write models for collections

``--models`` names an importable module (repeat it for several); the models are the
concrete :class:`~weavorm.Model` classes in its namespace. The current directory is
importable. Connection options (``diff``, ``migrate``, ``rollback``, ``inspect``):
``--url``, ``--grpc-url``, ``--api-key``; by default ``WEAVIATE_URL`` (and
``WEAVIATE_GRPC_URL`` / ``WEAVIATE_API_KEY``), else the server started by
``weavorm server start``, else ``http://localhost:8080``.

``migrate`` prints the plan and asks before applying it; ``--yes`` skips the question
(needed when stdin is not a terminal). Breaking changes need ``--allow-breaking``.

Exit codes: 0 success (``diff``: also when there are changes, unless ``--check``);
1 a command failed (the message says why and what to do), ``diff --check`` found
changes, or ``migrate`` was declined; 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from weavorm.errors import SchemaError

if TYPE_CHECKING:
    from weavorm.engine import WeaviateClient
    from weavorm.odm.model import Model

__all__ = ["load_models", "register"]

#: How a CLI user allows breaking changes (messages name flags, not Python arguments).
_BREAKING_HINT = "--allow-breaking"


def load_models(modules: Sequence[str]) -> list[type[Model]]:
    """The concrete models defined in (or imported into) the named modules.

    Raises:
        SchemaError: a module cannot be imported or holds no models.
    """
    from weavorm.odm.model import Model

    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    found: list[type[Model]] = []
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise SchemaError(
                f"cannot import the models module {name!r}: {exc} (give an importable "
                "module path such as myapp.models, from the project directory)"
            ) from exc
        mine = [
            obj
            for obj in vars(module).values()
            if isinstance(obj, type)
            and issubclass(obj, Model)
            and obj is not Model
            and not obj.__weavorm_meta__.abstract
        ]
        if not mine:
            raise SchemaError(f"module {name!r} defines no weavorm models")
        found.extend(m for m in mine if m not in found)
    return found


def _connect(args: argparse.Namespace) -> WeaviateClient:
    from weavorm.cli import _pid_alive, _read_state
    from weavorm.engine import connect

    url, grpc_url = args.url, args.grpc_url
    if url is None and not os.environ.get("WEAVIATE_URL"):
        state = _read_state()
        if state is not None and _pid_alive(int(state["pid"])):
            url, grpc_url = state["url"], grpc_url or state["grpc_url"]
    return connect(url, grpc_url=grpc_url, api_key=args.api_key)


def _cmd_show(args: argparse.Namespace) -> int:
    from weavorm.schema._build import collection_config

    models = load_models(args.models)
    print(json.dumps([collection_config(m) for m in models], indent=2))
    return 0


def _cmd_diff(args: argparse.Namespace) -> int:
    from weavorm.schema._diff import diff

    models = load_models(args.models)
    with _connect(args) as client:
        plan = diff(client, models)
    print(plan.render(breaking_hint=_BREAKING_HINT))
    return 1 if (args.check and plan) else 0


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        print(
            "error: not applying without confirmation; pass --yes to apply from a script",
            file=sys.stderr,
        )
        return False
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in ("y", "yes")


def _cmd_migrate(args: argparse.Namespace) -> int:
    from weavorm.schema._diff import diff
    from weavorm.schema._migrate import migrate

    models = load_models(args.models)
    with _connect(args) as client:
        plan = diff(client, models)
        print(plan.render(breaking_hint=_BREAKING_HINT))
        if not plan:
            return 0
        if plan.breaking and not args.allow_breaking:
            print(
                "error: breaking changes need a shadow-collection migration (every object "
                "of those collections is copied into a new version); review them and rerun "
                "with --allow-breaking",
                file=sys.stderr,
            )
            return 1
        if not args.yes and not _confirm(f"Apply {len(plan)} change(s)?"):
            return 1
        applied = migrate(
            client,
            models,
            allow_breaking=args.allow_breaking,
            batch_size=args.batch_size,
            progress=print if args.verbose else _copy_progress,
        )
    print(f"applied {len(applied)} change(s)")
    for name, version in applied.migrated.items():
        print(
            f"{name} now points at {version}; the previous version is kept "
            f"(undo with: weavorm schema rollback {name})"
        )
    return 0


def _copy_progress(line: str) -> None:
    """Without ``--verbose``, only the copy progress of shadow migrations (to stderr)."""
    if "objects copied" in line:
        print(line, file=sys.stderr, flush=True)


def _cmd_rollback(args: argparse.Namespace) -> int:
    from weavorm.schema._live import LiveSchema
    from weavorm.schema._migrate import rollback

    with _connect(args) as client:
        for name in args.collections:
            before = LiveSchema.read(client).aliases.get(name)
            now = rollback(client, name)
            print(f"{name} now points at {now} (was {before}); {before} is kept")
    return 0


def _cmd_inspect(args: argparse.Namespace) -> int:
    from weavorm.schema._inspect import inspect

    with _connect(args) as client:
        source = inspect(client, args.collections or None)
    if args.output:
        path = Path(args.output)
        path.write_text(source)
        count = source.count("(Model):")
        print(f"wrote {count} model{'s' if count != 1 else ''} to {path}")
    else:
        sys.stdout.write(source)
    return 0


def _connection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--url", default=None, help="REST URL (default: WEAVIATE_URL, or the local server)"
    )
    parser.add_argument("--grpc-url", default=None, help="gRPC address host:port")
    parser.add_argument("--api-key", default=None, help="API key (default: WEAVIATE_API_KEY)")


def _models(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--models",
        action="append",
        required=True,
        metavar="PKG.MOD",
        help="module defining the models (repeat for several)",
    )


def register(subparsers: Any) -> None:
    """Add ``schema`` and ``inspect`` to the ``weavorm`` command.

    Args:
        subparsers: The top-level ``add_subparsers()`` object.
    """
    schema = subparsers.add_parser("schema", help="compare, migrate and show model schemas")
    sub = schema.add_subparsers(dest="action", required=True)

    show = sub.add_parser("show", help="print each model's class JSON")
    _models(show)
    show.set_defaults(func=_cmd_show)

    diff = sub.add_parser("diff", help="compare models with the live schema")
    _models(diff)
    _connection(diff)
    diff.add_argument("--check", action="store_true", help="exit 1 when there are changes")
    diff.set_defaults(func=_cmd_diff)

    migrate = sub.add_parser("migrate", help="apply the changes to the server")
    _models(migrate)
    _connection(migrate)
    migrate.add_argument(
        "--allow-breaking",
        action="store_true",
        help="run shadow-collection migrations for breaking changes",
    )
    migrate.add_argument("--yes", "-y", action="store_true", help="apply without asking")
    migrate.add_argument("--batch-size", type=int, default=1000, help="objects per batch")
    migrate.add_argument("--verbose", "-v", action="store_true", help="print each step")
    migrate.set_defaults(func=_cmd_migrate)

    rollback = sub.add_parser("rollback", help="point aliases back at the previous version")
    rollback.add_argument("collections", nargs="+", metavar="COLLECTION")
    _connection(rollback)
    rollback.set_defaults(func=_cmd_rollback)

    inspect = subparsers.add_parser("inspect", help="write models for existing collections")
    inspect.add_argument("collections", nargs="*", metavar="COLLECTION")
    inspect.add_argument("-o", "--output", default=None, help="write to this file")
    _connection(inspect)
    inspect.set_defaults(func=_cmd_inspect)
