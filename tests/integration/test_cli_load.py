"""``weavorm load``: JSONL, CSV and Parquet into a real server, run through subprocess."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from weavorm.config import Property, Vectorizer
from weavorm.engine import WeaviateClient
from weavorm.loader import row_id

pytestmark = pytest.mark.integration


def _load(server: Any, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("WEAVIATE_URL", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "weavorm",
            "load",
            *args,
            "--url",
            server.url,
            "--grpc-url",
            server.grpc_url,
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.fixture
def books(weaviate_client: WeaviateClient, collection_name: str) -> str:
    weaviate_client.collections.create(
        collection_name,
        properties=[
            Property("title", "text"),
            Property("year", "int"),
            Property("rating", "number"),
            Property("in_print", "boolean"),
            Property("tags", "text[]"),
        ],
        vectorizer=Vectorizer.none(),
    )
    return collection_name


def _rows(n: int) -> list[dict[str, Any]]:
    return [
        {"title": f"book {i}", "year": 1900 + i, "rating": i / 10, "in_print": i % 2 == 0}
        for i in range(n)
    ]


def test_load_jsonl_with_failures_and_resume(
    weaviate_server: Any, weaviate_client: WeaviateClient, books: str, tmp_path: Path
) -> None:
    rows = _rows(30)
    rows[4]["year"] = 1.5  # the server refuses a fraction for an int property
    rows[9]["vector"] = [0.1, 0.2, 0.3]
    lines = [json.dumps(r) for r in rows]
    lines.insert(12, "{not json")
    source = tmp_path / "books.jsonl"
    source.write_text("\n".join(lines) + "\n")
    failed = tmp_path / "failed.jsonl"

    out = _load(weaviate_server, str(source), "--collection", books, "--batch-size", "7",
                "--failed", str(failed))  # fmt: skip
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"loaded 29 of 31 rows into {books}" in out.stdout
    assert "2 rows failed; they are in" in out.stderr
    assert f"loading {source} into {books}: 31/31 rows (100%), 2 failed" in out.stderr
    records = [json.loads(line) for line in failed.read_text().splitlines()]
    assert [r["row"] for r in records] == [5, 13]
    assert records[0]["data"]["title"] == "book 4" and "year" in records[0]["error"]
    assert "not valid JSON" in records[1]["error"]
    handle = weaviate_client.collections.get(books)
    assert handle.aggregate.over_all(total_count=True).total_count == 29
    obj = handle.query.fetch_object_by_id(row_id(books, rows[1]))
    assert obj is not None and obj.properties["title"] == "book 1"
    with_vector = handle.query.fetch_objects(limit=50, include_vector=True)
    assert sum(1 for o in with_vector.objects if o.vector.get("default")) == 1

    again = _load(weaviate_server, str(source), "--collection", books, "--resume")
    assert "loaded 0 of 31 rows" in again.stdout and "31 skipped" in again.stdout
    rerun = _load(weaviate_server, str(source), "--collection", books)
    assert "loaded 29 of 31 rows" in rerun.stdout
    assert handle.aggregate.over_all(total_count=True).total_count == 29  # idempotent

    # An interrupted run: the state file says 20 rows were done.
    state = Path(str(source) + ".weavorm-load.json")
    saved = json.loads(state.read_text())
    assert saved["complete"] is True and saved["collection"] == books
    saved.update(rows_done=20, complete=False)
    state.write_text(json.dumps(saved))
    resumed = _load(weaviate_server, str(source), "--collection", books, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    assert "loaded 11 of 31 rows" in resumed.stdout and "20 skipped" in resumed.stdout

    source.write_text(source.read_text() + json.dumps({"title": "new"}) + "\n")
    changed = _load(weaviate_server, str(source), "--collection", books, "--resume")
    assert changed.returncode == 1 and "cannot resume" in changed.stderr


def test_load_csv_converts_types(
    weaviate_server: Any, weaviate_client: WeaviateClient, books: str, tmp_path: Path
) -> None:
    source = tmp_path / "books.csv"
    with source.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "year", "rating", "in_print", "tags"])
        writer.writerow(["6f9619ff-8b86-d011-b42d-00c04fc964ff", "Dune", "1965", "4.5",
                         "true", '["sf", "classic"]'])  # fmt: skip
        writer.writerow(["", "Emma", "1815", "", "no", "romance"])
        writer.writerow(["", "Bad", "year one", "1", "yes", ""])
    out = _load(weaviate_server, str(source), "--collection", books)
    assert out.returncode == 1
    assert "loaded 2 of 3 rows" in out.stdout
    assert "row 3: year: cannot convert 'year one' to int" in out.stderr
    assert "pass --failed FILE" in out.stderr
    handle = weaviate_client.collections.get(books)
    dune = handle.query.fetch_object_by_id("6f9619ff-8b86-d011-b42d-00c04fc964ff")
    assert dune is not None
    assert dune.properties["year"] == 1965 and dune.properties["rating"] == 4.5
    assert dune.properties["in_print"] is True and dune.properties["tags"] == ["sf", "classic"]
    emma = handle.query.fetch_objects(limit=5).objects
    emma_props = next(o.properties for o in emma if o.properties["title"] == "Emma")
    assert emma_props["in_print"] is False and emma_props["tags"] == ["romance"]


def test_load_parquet(
    weaviate_server: Any, weaviate_client: WeaviateClient, books: str, tmp_path: Path
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = _rows(12)
    source = tmp_path / "books.parquet"
    pq.write_table(pa.Table.from_pylist(rows), source)
    out = _load(weaviate_server, str(source), "--collection", books, "--batch-size", "5")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "loaded 12 of 12 rows" in out.stdout
    handle = weaviate_client.collections.get(books)
    assert handle.aggregate.over_all(total_count=True).total_count == 12
    got = handle.query.fetch_object_by_id(row_id(books, rows[3]))
    assert got is not None and got.properties["year"] == 1903


def test_load_errors_name_flags(weaviate_server: Any, tmp_path: Path) -> None:
    source = tmp_path / "x.txt"
    source.write_text("a\n")
    out = _load(weaviate_server, str(source), "--collection", "Nope")
    assert out.returncode == 1 and "pass --format" in out.stderr
    jsonl = tmp_path / "x.jsonl"
    jsonl.write_text("{}\n")
    missing = _load(weaviate_server, str(jsonl), "--collection", "NoSuchCollection")
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    usage = subprocess.run(
        [sys.executable, "-m", "weavorm", "load", str(jsonl)], capture_output=True, text=True
    )
    assert usage.returncode == 2 and "--collection" in usage.stderr
