"""Rows from JSONL, CSV and Parquet files, with their row numbers (no I/O beyond the file)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from weavorm.errors import ConfigError

__all__ = ["FORMATS", "Row", "count_rows", "detect_format", "read_rows"]

FORMATS = ("jsonl", "csv", "parquet")

#: ``(row number, values or None, error)``: numbers start at 1 (JSONL: the line;
#: CSV: the record after the header; Parquet: the row). A row that cannot be parsed
#: has ``values=None`` and the reason in ``error``.
Row = tuple[int, dict[str, Any] | None, str | None]


def detect_format(path: Path, given: str | None) -> str:
    """The file format: ``given``, else from the suffix.

    ``.jsonl`` / ``.ndjson`` / ``.json`` (one object per line), ``.csv``, ``.parquet`` /
    ``.pq``.

    Raises:
        ConfigError: unknown format.
    """
    if given is not None:
        if given not in FORMATS:
            raise ConfigError(f"--format must be one of {', '.join(FORMATS)}, got {given!r}")
        return given
    suffix = path.suffix.lower()
    by_suffix = {
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".json": "jsonl",
        ".csv": "csv",
        ".parquet": "parquet",
        ".pq": "parquet",
    }
    if suffix not in by_suffix:
        raise ConfigError(
            f"cannot tell the format of {path.name} from its suffix; pass --format "
            f"({', '.join(FORMATS)})"
        )
    return by_suffix[suffix]


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ConfigError("reading Parquet needs pyarrow: pip install 'weavorm[parquet]'") from exc
    return pq


def count_rows(path: Path, fmt: str) -> int:
    """How many rows ``read_rows`` will yield (one quick pass; Parquet: its metadata)."""
    if fmt == "parquet":
        return int(_pyarrow_parquet().ParquetFile(path).metadata.num_rows)
    if fmt == "csv":
        with path.open(newline="", encoding="utf-8") as fh:
            return max(0, sum(1 for _ in csv.reader(fh)) - 1)
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def read_rows(path: Path, fmt: str, *, batch_size: int = 1000) -> Iterator[Row]:
    """Every row of the file, in order."""
    if fmt == "jsonl":
        yield from _jsonl(path)
    elif fmt == "csv":
        yield from _csv(path)
    else:
        yield from _parquet(path, batch_size)


def _jsonl(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:
                yield number, None, f"line {number} is not valid JSON: {exc}"
                continue
            if not isinstance(value, dict):
                yield number, None, f"line {number} is not a JSON object"
                continue
            yield number, value, None


def _csv(path: Path) -> Iterator[Row]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        for number, record in enumerate(reader, start=1):
            if None in record:
                yield number, None, f"row {number} has more values than the header has columns"
                continue
            yield number, {k: v for k, v in record.items() if v not in ("", None)}, None


def _parquet(path: Path, batch_size: int) -> Iterator[Row]:
    pq = _pyarrow_parquet()
    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size):
        for record in batch.to_pylist():
            number += 1
            yield number, {k: v for k, v in record.items() if v is not None}, None
