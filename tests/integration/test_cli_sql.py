"""``weavorm sql`` in a subprocess against the test server (one-shot and interactive)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from weavorm.config import Property
from weavorm.engine import WeaviateClient

pytestmark = pytest.mark.integration


@pytest.fixture
def server(weaviate_client: WeaviateClient, weaviate_server: Any) -> list[str]:
    weaviate_client.collections.create(
        "CliThing",
        properties=[
            Property(name="name", data_type="text", tokenization="field"),
            Property(name="size", data_type="int"),
            Property(name="note", data_type="text"),
        ],
    )
    result = weaviate_client.collections.get("CliThing").data.insert_many(
        [{"name": f"thing {i}", "size": i % 3, "note": f"note {i}\nline two"} for i in range(9)]
    )
    assert not result.has_errors
    return ["--url", weaviate_server.url, "--grpc-url", weaviate_server.grpc_url]


def run(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Any = None
) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "weavorm", "sql", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def test_statement_prints_an_aligned_table(server: list[str]) -> None:
    out = run(
        *server, "SELECT name, size FROM CliThing WHERE size = :s ORDER BY name", "--param", "s=1"
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["name", "|", "size"]
    assert set(lines[1]) <= {"-", "+"}
    assert [line.split("|")[0].strip() for line in lines[2:5]] == ["thing 1", "thing 4", "thing 7"]
    assert lines[-1] == "(3 rows)"
    widths = {len(line) for line in lines[:5]}
    assert len(widths) == 1, lines  # aligned columns


def test_json_output_and_params(server: list[str]) -> None:
    out = run(
        *server,
        "--json",
        "--param",
        'names=["thing 2", "thing 5"]',
        "SELECT name, size, note FROM CliThing WHERE name IN (:names) ORDER BY name",
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data == [
        {"name": "thing 2", "size": 2, "note": "note 2\nline two"},
        {"name": "thing 5", "size": 2, "note": "note 5\nline two"},
    ]
    grouped = run(*server, "--json", "SELECT size, COUNT(*) AS n FROM CliThing GROUP BY size")
    assert sorted((r["size"], r["n"]) for r in json.loads(grouped.stdout)) == [
        (0, 3),
        (1, 3),
        (2, 3),
    ]


def test_injection_through_param_matches_literally(server: list[str]) -> None:
    out = run(
        *server, "--json", "--param", "t=x' OR '1'='1", "SELECT name FROM CliThing WHERE name = :t"
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_explain(server: list[str]) -> None:
    out = run(*server, "--explain", "SELECT name FROM CliThing WHERE size > 1 LIMIT 2")
    assert out.returncode == 0, out.stderr
    assert "-- gRPC Search --" in out.stdout and 'collection: "CliThing"' in out.stdout
    assert "limit: 2" in out.stdout


def test_errors_exit_1_with_one_line(server: list[str]) -> None:
    for statement in (
        "SELECT nope FROM CliThing",
        "SELECT name FROM CliThing JOIN Other ON a = b",
        "SELECT name FROM Missing",
        "SELECT name FROM CliThing WHERE note = 'x'",
    ):
        out = run(*server, statement)
        assert out.returncode == 1, (statement, out.stdout, out.stderr)
        assert out.stdout == ""
        assert out.stderr.startswith("error: ") and out.stderr.count("\n") == 1, out.stderr
    assert "at position 26" in run(*server, "SELECT name FROM CliThing JOIN X").stderr


def test_usage_errors_exit_2(server: list[str]) -> None:
    assert run(*server, "--no-such-flag").returncode == 2
    assert run(*server, "--param", "missing-equals", "SELECT 1").returncode == 2


def test_connection_from_the_environment(server: list[str], weaviate_server: Any) -> None:
    env = {"WEAVIATE_URL": weaviate_server.url, "WEAVIATE_GRPC_URL": weaviate_server.grpc_url}
    out = run("SELECT COUNT(*) FROM CliThing", env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[2].strip() == "9"


def test_delete_needs_allow_writes(server: list[str]) -> None:
    refused = run(*server, "DELETE FROM CliThing WHERE size = 0")
    assert refused.returncode == 1 and "allow_writes" in refused.stderr
    done = run(*server, "--allow-writes", "--json", "DELETE FROM CliThing WHERE size = 0")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"matches": 3, "successful": 3, "failed": 0}]


def test_interactive_prompt_reads_statements_until_semicolon(server: list[str]) -> None:
    script = "\n".join(
        [
            "SELECT name",
            "  FROM CliThing",
            "  WHERE size = 2 ORDER BY name LIMIT 2;",
            "SELECT nope FROM CliThing;",
            "",
            "EXPLAIN SELECT COUNT(*) FROM CliThing;",
            "SELECT COUNT(*) AS n FROM CliThing WHERE size = :s;",
            "\\q",
            "SELECT name FROM CliThing;",
        ]
    )
    out = run(*server, "--param", "s=0", stdin=script + "\n")
    assert out.returncode == 0, out.stderr
    assert "thing 2" in out.stdout and "thing 5" in out.stdout and "(2 rows)" in out.stdout
    assert "-- gRPC Aggregate --" in out.stdout
    assert "(1 row)" in out.stdout
    assert out.stdout.count("rows)") + out.stdout.count("row)") == 2  # nothing after \q
    errors = out.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith("error: unknown column 'nope'")
    assert "weavorm>" not in out.stdout  # no prompt when stdin is not a terminal


def test_interactive_runs_a_last_statement_without_semicolon_at_eof(server: list[str]) -> None:
    out = run(*server, stdin="SELECT COUNT(*) FROM CliThing")
    assert out.returncode == 0, out.stderr
    assert "(1 row)" in out.stdout and " 9" in out.stdout


MODELS = """
from weavorm import Field, Model
from weavorm.config import Vectorizer


class CliThing(Model):
    name: str = Field(tokenization="field")
    size: int = 0
    note: str = ""

    class Meta:
        vectorizer = Vectorizer.none()
"""


def test_models_option_compiles_through_the_model(server: list[str], tmp_path: Any) -> None:
    (tmp_path / "cli_models.py").write_text(MODELS)
    explained = run(
        *server,
        "--models",
        "cli_models",
        "--explain",
        "SELECT name FROM CliThing LIMIT 1",
        cwd=tmp_path,
    )
    assert explained.returncode == 0, explained.stderr
    assert "compiled with model cli_models.CliThing" in explained.stdout
    rows = run(
        *server,
        "--models",
        "cli_models",
        "--json",
        "SELECT name FROM CliThing WHERE size = 2 ORDER BY name",
        cwd=tmp_path,
    )
    assert rows.returncode == 0, rows.stderr
    assert [r["name"] for r in json.loads(rows.stdout)] == ["thing 2", "thing 5", "thing 8"]
    missing = run(*server, "--models", "no_such_module", "SELECT name FROM CliThing")
    assert missing.returncode == 2 and "no_such_module" in missing.stderr
