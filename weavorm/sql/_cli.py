r"""``weavorm sql``: run SQL statements from the command line or an interactive prompt.

::

    weavorm sql "SELECT title, year FROM Article WHERE year > :y LIMIT 5" --param y=2000
    weavorm sql --json "SELECT category, COUNT(*) FROM Article GROUP BY category"
    weavorm sql --explain "SELECT title FROM Article ORDER BY bm25('red car') LIMIT 3"
    weavorm sql                      # interactive: end statements with ';', \q quits

The server is ``--url`` / ``--grpc-url``, else ``WEAVIATE_URL``, else the server
started with ``weavorm server start``, else ``http://localhost:8080``.
Exit codes: 0 success, 1 an SQL or server error (one line on stderr), 2 bad usage.

This module is imported by ``weavorm.cli`` for every command, so it imports nothing
heavy at module level.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Sequence
from enum import Enum
from typing import IO, Any
from uuid import UUID

__all__ = ["format_table", "register"]

_PROMPT = "weavorm> "
_CONTINUE = "    ...> "
_MAX_WIDTH = 60


def register(subparsers: Any) -> None:
    """Add the ``sql`` command to the ``weavorm`` command's subparsers."""
    parser = subparsers.add_parser(
        "sql",
        help="run SQL (SELECT ...) against a Weaviate server",
        description="Run an SQL statement, or open an interactive prompt without one.",
    )
    parser.add_argument("statement", nargs="?", default=None, help="the SQL statement")
    parser.add_argument("--url", default=None, help="REST URL (default: WEAVIATE_URL or local)")
    parser.add_argument("--grpc-url", default=None, help="gRPC address host:port")
    parser.add_argument("--api-key", default=None, help="Weaviate API key")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind :NAME (repeatable; VALUE is parsed as JSON when possible)",
    )
    parser.add_argument("--json", action="store_true", help="print rows as JSON")
    parser.add_argument("--explain", action="store_true", help="show the compiled request")
    parser.add_argument(
        "--allow-writes", action="store_true", help="allow DELETE FROM ... WHERE ..."
    )
    parser.add_argument(
        "--models",
        action="append",
        default=[],
        metavar="MODULE",
        help="import MODULE so its models compile the statements (repeatable)",
    )
    parser.add_argument("--tenant", default=None, help="tenant of a multi-tenant collection")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per request")
    parser.set_defaults(func=_cmd_sql)


def _params(items: Sequence[str]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip().lstrip(":")
        if not sep or not name:
            raise ValueError(f"--param takes NAME=VALUE, got {item!r}")
        try:
            params[name] = json.loads(raw)
        except ValueError:
            params[name] = raw
    return params


def _import_models(modules: Sequence[str]) -> None:
    import importlib

    if modules and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            raise ValueError(f"--models {name}: cannot import it ({exc})") from None


def _connection(args: argparse.Namespace) -> tuple[str | None, str | None]:
    url, grpc_url = args.url, args.grpc_url
    if url is None and not os.environ.get("WEAVIATE_URL"):
        from weavorm.cli import _pid_alive, _read_state

        state = _read_state()
        if state is not None and _pid_alive(int(state["pid"])):
            url, grpc_url = state["url"], grpc_url or state["grpc_url"]
    return url, grpc_url


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return _jsonable(dump())
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None:
        return {name: _jsonable(getattr(value, name)) for name in fields}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        text = value
    elif isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, dt.datetime):
        text = value.isoformat()
    else:
        jsonable = _jsonable(value)
        text = jsonable if isinstance(jsonable, str) else json.dumps(jsonable)
    text = " ".join(text.split()) if "\n" in text or "\t" in text else text
    return text if len(text) <= _MAX_WIDTH else text[: _MAX_WIDTH - 1] + "…"


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows as an aligned text table with a header and a row count."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [len(c) for c in columns]
    for row in cells:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], len(text))
    numeric = [
        bool(rows)
        and all(
            isinstance(r[i], int | float) and not isinstance(r[i], bool)
            for r in rows
            if r[i] is not None
        )
        for i in range(len(columns))
    ]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(widths[i]) if numeric[i] else v.ljust(widths[i]) for i, v in enumerate(values)
        ]
        return " | ".join(parts).rstrip()

    out = [line(list(columns)), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    count = len(rows)
    out.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(out)


def _print_result(result: Any, as_json: bool, out: IO[str]) -> None:
    if as_json:
        payload = [{k: _jsonable(v) for k, v in row.items()} for row in result.rows]
        out.write(json.dumps(payload, indent=2) + "\n")
        return
    out.write(format_table(result.columns, [row.as_tuple() for row in result.rows]) + "\n")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _split(statement: str, explain: bool) -> tuple[str, bool]:
    """The statement without a trailing ``;`` or a leading ``EXPLAIN``."""
    text = statement.strip().rstrip(";").strip()
    prefix = re.match(r"explain\s+", text, re.IGNORECASE)
    if prefix is not None:
        return text[prefix.end() :], True
    return text, explain


def _run(client: Any, statement: str, args: argparse.Namespace, params: dict[str, Any]) -> None:
    from weavorm import sql

    text, explain = _split(statement, args.explain)
    options: dict[str, Any] = {"allow_writes": args.allow_writes, "tenant": args.tenant}
    if explain:
        sys.stdout.write(sql.explain(client, text, params or None, **options) + "\n")
        return
    result = sql.execute(client, text, params or None, **options)
    _print_result(result, args.json, sys.stdout)


def _interactive(client: Any, args: argparse.Namespace, params: dict[str, Any]) -> int:
    from weavorm.errors import WeavormError

    tty = sys.stdin.isatty()
    if tty:
        sys.stdout.write("weavorm SQL: end statements with ';', \\q quits\n")
    buffer: list[str] = []
    while True:
        if tty:
            sys.stdout.write(_CONTINUE if buffer else _PROMPT)
            sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            break
        stripped = line.strip()
        if not buffer and stripped in ("\\q", "quit", "exit", "\\quit"):
            break
        if not stripped and not buffer:
            continue
        buffer.append(line.rstrip("\n"))
        if not stripped.endswith(";"):
            continue
        statement, buffer = "\n".join(buffer), []
        if not statement.strip().rstrip(";").strip():
            continue
        try:
            _run(client, statement, args, params)
        except (WeavormError, ValueError) as exc:
            sys.stderr.write(f"error: {_one_line(exc)}\n")
        sys.stdout.flush()
    rest = "\n".join(buffer).strip()
    if rest:
        try:
            _run(client, rest, args, params)
        except (WeavormError, ValueError) as exc:
            sys.stderr.write(f"error: {_one_line(exc)}\n")
    if tty:
        sys.stdout.write("\n")
    return 0


def _cmd_sql(args: argparse.Namespace) -> int:
    from weavorm.errors import WeavormError

    try:
        params = _params(args.param)
        _import_models(args.models)
    except ValueError as exc:
        sys.stderr.write(f"weavorm sql: error: {exc}\n")
        return 2
    try:
        import weavorm
        from weavorm.sql._execute import check

        if args.statement is not None:
            text, _ = _split(args.statement, args.explain)
            check(text, params or None, allow_writes=args.allow_writes)
        url, grpc_url = _connection(args)
        client = weavorm.connect(url, grpc_url=grpc_url, api_key=args.api_key, timeout=args.timeout)
    except WeavormError as exc:
        sys.stderr.write(f"error: {_one_line(exc)}\n")
        return 1
    try:
        if args.statement is None:
            return _interactive(client, args, params)
        _run(client, args.statement, args, params)
        return 0
    except WeavormError as exc:
        sys.stderr.write(f"error: {_one_line(exc)}\n")
        return 1
    finally:
        client.close()
