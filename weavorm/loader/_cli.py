"""The ``weavorm load`` command.

::

    weavorm load FILE --collection NAME [--format jsonl|csv|parquet] [--tenant T]
                 [--batch-size N] [--failed FAILED.jsonl] [--resume] [--state FILE]
                 [--id-field id] [--vector-field vector] [--url U] [--grpc-url G]

Progress goes to stderr (a bar on a terminal, a plain line every few seconds
otherwise). Exit codes: 0 every row loaded, 1 some rows failed (they are in
``--failed``) or the load could not run, 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

__all__ = ["register"]


def _cmd_load(args: argparse.Namespace) -> int:
    from weavorm._progress import Progress
    from weavorm.loader._load import load_file
    from weavorm.schema._cli import _connect

    progress = Progress(f"loading {args.file} into {args.collection}", unit="rows")
    with _connect(args) as client:
        report = load_file(
            client,
            args.file,
            collection=args.collection,
            fmt=args.format,
            tenant=args.tenant,
            batch_size=args.batch_size,
            id_field=args.id_field,
            vector_field=args.vector_field,
            failed_path=args.failed,
            resume=args.resume,
            state_path=args.state,
            progress=progress,
        )
    progress.finish()
    skipped = f", {report.skipped} skipped (loaded by an earlier run)" if report.skipped else ""
    print(f"loaded {report.loaded} of {report.total} rows into {args.collection}{skipped}")
    if report.failed:
        where = (
            f"; they are in {args.failed}" if args.failed else "; pass --failed FILE to keep them"
        )
        print(f"{report.failed} rows failed{where}:", file=sys.stderr)
        for line in report.errors:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


def register(subparsers: Any) -> None:
    """Add ``load`` to the ``weavorm`` command.

    Args:
        subparsers: The top-level ``add_subparsers()`` object.
    """
    from weavorm.schema._cli import _connection

    load = subparsers.add_parser(
        "load",
        help="bulk-load a JSONL, CSV or Parquet file into a collection",
        description="Load FILE into an existing collection in batches. Ids are the id "
        "column or deterministic (uuid5 of the row), so reruns never duplicate.",
    )
    load.add_argument("file", metavar="FILE")
    load.add_argument("--collection", required=True, metavar="NAME")
    load.add_argument("--format", choices=["jsonl", "csv", "parquet"], default=None)
    load.add_argument("--tenant", default=None)
    load.add_argument("--batch-size", type=int, default=500, help="rows per batch")
    load.add_argument("--failed", default=None, metavar="FILE", help="write failed rows here")
    load.add_argument(
        "--resume", action="store_true", help="skip the rows an earlier run already loaded"
    )
    load.add_argument(
        "--state",
        default=None,
        metavar="FILE",
        help="progress file (default FILE.weavorm-load.json)",
    )
    load.add_argument("--id-field", default="id", help="column with the object id")
    load.add_argument("--vector-field", default="vector", help="column with the vector")
    _connection(load)
    load.set_defaults(func=_cmd_load)
