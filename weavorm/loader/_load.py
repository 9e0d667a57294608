"""``load_file``: bulk-load a JSONL / CSV / Parquet file into a collection.

Decisions:

- **Ids are deterministic**, so loading is idempotent: a row's id is its ``id`` column
  (``id_field``) when it has one, else ``uuid5`` of the collection name and the row's
  content. Loading the same file twice writes the same objects again (an upsert), never
  duplicates. Rows with identical content become one object (give them an ``id`` column
  to keep both).
- **Resume** skips work instead of repeating it: progress is saved after every batch in a
  state file (default ``FILE.weavorm-load.json``): the file's size and mtime, the
  collection and the number of rows done. ``resume=True`` skips those rows; a changed
  file or another collection is refused (rerun without resume: the ids make that safe).
- **Failed rows** (the server refused them, or they could not be parsed or converted)
  are written as JSON lines ``{"row": N, "error": "...", "data": {...}}`` with the
  server's message, and counted; they do not stop the load.
- Values are converted to the collection's data types when the file does not carry
  them (CSV text: ``int``, ``number``, ``boolean``, arrays and objects as JSON); the
  ``vector`` column (``vector_field``) is the object's vector.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from weavorm.errors import ConfigError, NotFoundError
from weavorm.loader._readers import count_rows, detect_format, read_rows

if TYPE_CHECKING:
    from weavorm._progress import Progress
    from weavorm.engine import WeaviateClient

__all__ = ["LoadReport", "load_file", "row_id"]

_NAMESPACE = uuid.UUID("6f0b2c1e-9a53-4c5e-8f7e-2f1d6f4b7a10")


@dataclass
class LoadReport:
    """What a load did.

    Attributes:
        total: Rows in the file.
        skipped: Rows skipped because an earlier run loaded them (resume).
        loaded: Rows stored in this run.
        failed: Rows that failed in this run (see the failed-rows file).
        errors: The first few failure messages.
    """

    total: int = 0
    skipped: int = 0
    loaded: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def row_id(collection: str, values: Mapping[str, Any]) -> uuid.UUID:
    """The deterministic id of a row without an id column."""
    canonical = json.dumps(values, sort_keys=True, default=str, separators=(",", ":"))
    return uuid.uuid5(_NAMESPACE, f"{collection}\n{canonical}")


def _coerce(value: Any, data_type: str) -> Any:
    if not isinstance(value, str):
        return value
    base = data_type.removesuffix("[]")
    if data_type.endswith("[]") or base in ("object", "geoCoordinates", "phoneNumber"):
        if value.lstrip().startswith(("[", "{")):
            parsed = json.loads(value)
            return [_coerce(v, base) for v in parsed] if isinstance(parsed, list) else parsed
        return [_coerce(value, base)] if data_type.endswith("[]") else value
    if base == "int":
        return int(value)
    if base == "number":
        return float(value)
    if base == "boolean":
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes", "t", "y"):
            return True
        if lowered in ("false", "0", "no", "f", "n"):
            return False
        raise ValueError(f"not a boolean: {value!r}")
    return value


def _vector(value: Any) -> Any:
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, list | dict):
        raise ValueError("the vector must be a list of numbers (or named vectors)")
    return value


class _State:
    def __init__(self, path: Path, source: Path, collection: str) -> None:
        self.path = path
        stat = source.stat()
        self.key = {
            "file": str(source.resolve()),
            "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns,
            "collection": collection,
        }

    def read_done(self) -> int:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return 0
        changed = [k for k, v in self.key.items() if data.get(k) != v]
        if changed:
            raise ConfigError(
                f"cannot resume: the saved progress in {self.path} was for another "
                f"{' / '.join(changed)}; rerun without --resume (ids are deterministic, "
                "so rows loaded before are overwritten, not duplicated)"
            )
        return int(data.get("rows_done", 0))

    def write(self, rows_done: int, *, complete: bool) -> None:
        data = {**self.key, "rows_done": rows_done, "complete": complete}
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, self.path)


def load_file(
    client: WeaviateClient,
    path: str | Path,
    *,
    collection: str,
    fmt: str | None = None,
    tenant: str | None = None,
    batch_size: int = 500,
    id_field: str = "id",
    vector_field: str = "vector",
    failed_path: str | Path | None = None,
    resume: bool = False,
    state_path: str | Path | None = None,
    progress: Progress | None = None,
    on_progress: Callable[[LoadReport], None] | None = None,
) -> LoadReport:
    """Load every row of ``path`` into ``collection`` (see the module notes).

    Args:
        client: A connected client.
        path: The file (``.jsonl``, ``.csv`` or ``.parquet``, or give ``fmt``).
        collection: The target collection (it must exist).
        fmt: ``jsonl``, ``csv`` or ``parquet``; default: from the suffix.
        tenant: The tenant to load into (multi-tenant collections).
        batch_size: Rows per gRPC batch.
        id_field: The column holding each row's id, when present.
        vector_field: The column holding each row's vector, when present.
        failed_path: Where to write failed rows (JSON lines); default: not written.
        resume: Skip the rows the saved progress says are done.
        state_path: The progress file; default ``<path>.weavorm-load.json``.
        progress: A :class:`~weavorm._progress.Progress` to advance.
        on_progress: Called with the report after every batch.

    Returns:
        The :class:`LoadReport`.

    Raises:
        ConfigError: bad options, unreadable file, or a refused resume.
        NotFoundError: the collection does not exist.
    """
    from weavorm.engine.types import DataObject

    source = Path(path)
    if not source.is_file():
        raise ConfigError(f"no such file: {source}")
    if batch_size < 1:
        raise ConfigError(f"--batch-size must be at least 1, got {batch_size}")
    fmt = detect_format(source, fmt)
    if not client.collections.exists(collection):
        raise NotFoundError(
            404,
            f"collection {collection!r} does not exist: create it first (for example "
            "weavorm schema migrate --models PKG.MOD)",
        )
    handle = client.collections.get(collection)
    class_json = handle.config.get_dict()
    types = {
        str(p["name"]): str((p.get("dataType") or ["text"])[0])
        for p in class_json.get("properties") or []
    }
    name = str(class_json.get("class") or collection)
    if tenant is not None:
        handle = handle.with_tenant(tenant)
    state = _State(
        Path(state_path) if state_path else source.with_name(source.name + ".weavorm-load.json"),
        source,
        name,
    )
    done_before = state.read_done() if resume else 0
    report = LoadReport(total=count_rows(source, fmt))
    if progress is not None:
        progress.total = report.total
    failed_out: TextIO | None = None
    if failed_path is not None:
        failed_out = Path(failed_path).open("a" if resume else "w", encoding="utf-8")  # noqa: SIM115

    def fail(number: int, values: Any, message: str) -> None:
        report.failed += 1
        if len(report.errors) < 5:
            report.errors.append(f"row {number}: {message}")
        if failed_out is not None:
            record = {"row": number, "error": message, "data": values}
            failed_out.write(json.dumps(record, default=str) + "\n")

    def send(batch: list[tuple[int, dict[str, Any], DataObject]], last: int) -> None:
        if batch:
            result = handle.data.insert_many([obj for _, _, obj in batch])
            for index, error in result.errors.items():
                number, values, _ = batch[index]
                fail(number, values, error.message)
            report.loaded += len(batch) - len(result.errors)
        if failed_out is not None:
            failed_out.flush()
        state.write(last, complete=False)
        if progress is not None:
            progress.done = report.skipped + report.loaded + report.failed
            progress.failed = report.failed
            progress.advance()
        if on_progress is not None:
            on_progress(report)

    try:
        batch: list[tuple[int, dict[str, Any], DataObject]] = []
        last = done_before
        for number, values, error in read_rows(source, fmt, batch_size=batch_size):
            if number <= done_before:
                report.skipped += 1
                continue
            last = number
            if values is None:
                fail(number, None, error or "unreadable row")
            else:
                try:
                    batch.append(
                        (number, values, _object(name, values, types, id_field, vector_field))
                    )
                except (ValueError, TypeError) as exc:
                    fail(number, values, str(exc))
            if len(batch) >= batch_size:
                send(batch, last)
                batch = []
        send(batch, last)
        state.write(last, complete=True)
    finally:
        if failed_out is not None:
            failed_out.close()
    return report


def _object(
    collection: str,
    values: dict[str, Any],
    types: Mapping[str, str],
    id_field: str,
    vector_field: str,
) -> Any:
    from weavorm.engine.types import DataObject

    props: dict[str, Any] = {}
    given_id: Any = None
    vector: Any = None
    for key, value in values.items():
        if key == id_field:
            given_id = uuid.UUID(str(value))
        elif key == vector_field:
            vector = _vector(value)
        else:
            data_type = types.get(key)
            try:
                props[key] = _coerce(value, data_type) if data_type else value
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{key}: cannot convert {value!r} to {data_type}: {exc}") from exc
    object_id = given_id if given_id is not None else row_id(collection, props)
    return DataObject(properties=props, uuid=object_id, vector=vector)
