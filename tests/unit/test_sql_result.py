"""SQL front end: rows, results, aggregation post-processing and CLI helpers (no server)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from uuid import UUID

import pytest

import weavorm.sql
from weavorm.cli import main
from weavorm.engine.aggregate_types import (
    AggregateGroup,
    AggregateGroupByResult,
    AggregateInteger,
    AggregateResult,
    GroupedBy,
)
from weavorm.sql import Row, SQLResult
from weavorm.sql._cli import _params, format_table
from weavorm.sql._execute import _aggregate_rows, compile_sql

SCHEMA = {
    "class": "Plain",
    "properties": [
        {"name": "slug", "dataType": ["text"], "tokenization": "field"},
        {"name": "year", "dataType": ["int"]},
    ],
}


def test_public_api() -> None:
    assert weavorm.sql.__all__ == sorted(weavorm.sql.__all__)
    assert weavorm.sql.__all__ == [
        "Row",
        "SQLError",
        "SQLResult",
        "aexecute",
        "aexplain",
        "execute",
        "explain",
    ]


def test_row_access() -> None:
    row = Row(["title", "year"], ["A", 2001])
    assert row["title"] == "A" and row.year == 2001 and row[1] == 2001
    assert row == {"title": "A", "year": 2001}
    assert list(row) == ["title", "year"] and len(row) == 2
    assert row.as_dict() == {"title": "A", "year": 2001}
    assert row.as_tuple() == ("A", 2001)
    assert dict(row.items()) == {"title": "A", "year": 2001}
    assert repr(row) == "Row(title='A', year=2001)"
    with pytest.raises(KeyError, match="columns: title, year"):
        row["nope"]
    with pytest.raises(AttributeError, match="no column 'nope'"):
        _ = row.nope


def test_result() -> None:
    rows = [Row(["n"], [3]), Row(["n"], [4])]
    result = SQLResult(["n"], rows)
    assert len(result) == 2 and list(result) == rows and result[1].n == 4
    assert result.scalar() == 3
    assert result.dicts() == [{"n": 3}, {"n": 4}]
    assert SQLResult(["n"]).scalar() is None


def _groups(*items: tuple[str, int, float]) -> AggregateGroupByResult:
    return AggregateGroupByResult(
        groups=[
            AggregateGroup(
                grouped_by=GroupedBy("slug", slug),
                total_count=count,
                properties={"year": AggregateInteger(mean=mean)},
            )
            for slug, count, mean in items
        ]
    )


def test_aggregate_rows_having_order_limit() -> None:
    compiled = compile_sql(
        "SELECT slug, COUNT(*) AS n FROM Plain GROUP BY slug "
        "HAVING AVG(year) > 1 AND slug NOT IN ('d') ORDER BY n DESC, slug LIMIT 2 OFFSET 1",
        schema=SCHEMA,
    )
    outcome = _groups(("a", 5, 2.0), ("b", 7, 3.0), ("c", 5, 9.0), ("d", 9, 9.0), ("e", 1, 0.5))
    rows = _aggregate_rows(compiled, outcome)
    assert [r.as_tuple() for r in rows] == [("a", 5), ("c", 5)]
    assert rows[0].as_dict() == {"slug": "a", "n": 5}


def test_aggregate_rows_nulls_sort_last_ascending() -> None:
    compiled = compile_sql(
        "SELECT slug, AVG(year) FROM Plain GROUP BY slug ORDER BY AVG(year)", schema=SCHEMA
    )
    outcome = AggregateGroupByResult(
        groups=[
            AggregateGroup(GroupedBy("slug", "x"), 1, {"year": AggregateInteger(mean=None)}),
            AggregateGroup(GroupedBy("slug", "y"), 1, {"year": AggregateInteger(mean=2.0)}),
            AggregateGroup(GroupedBy("slug", "z"), 1, {"year": AggregateInteger(mean=1.0)}),
        ]
    )
    assert [r["slug"] for r in _aggregate_rows(compiled, outcome)] == ["z", "y", "x"]


def test_aggregate_without_group_by_is_one_row() -> None:
    compiled = compile_sql("SELECT COUNT(*), SUM(year) FROM Plain", schema=SCHEMA)
    outcome = AggregateResult(total_count=4, properties={"year": AggregateInteger(sum_=8000)})
    rows = _aggregate_rows(compiled, outcome)
    assert [r.as_tuple() for r in rows] == [(4, 8000)]
    having = compile_sql("SELECT COUNT(*) FROM Plain HAVING COUNT(*) > 10", schema=SCHEMA)
    assert _aggregate_rows(having, outcome) == []


def test_params_parse_json_when_possible() -> None:
    assert _params(["y=2000", "t=foo", "v=[0.1, 0.2]", ":b=true", 's="2000"', "e="]) == {
        "y": 2000,
        "t": "foo",
        "v": [0.1, 0.2],
        "b": True,
        "s": "2000",
        "e": "",
    }
    with pytest.raises(ValueError, match="NAME=VALUE"):
        _params(["novalue"])


def test_format_table_aligns() -> None:
    text = format_table(
        ["title", "n", "when", "id"],
        [
            ("a", 1, dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc), UUID(int=1)),
            ("longer title", 100, None, None),
        ],
    )
    lines = text.splitlines()
    assert lines[0].startswith("title        | ")
    assert lines[1].startswith("-------------+-")
    assert "  1 |" in lines[2] and "100 |" in lines[3]
    assert "NULL" in lines[3]
    assert lines[-1] == "(2 rows)"
    assert format_table(["x"], []).splitlines()[-1] == "(0 rows)"
    long = format_table(["x"], [("y" * 200,)])
    assert "…" in long and max(len(line) for line in long.splitlines()) <= 60


def test_cli_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["sql", "--bogus"])
    assert info.value.code == 2
    assert main(["sql", "--param", "novalue", "SELECT a FROM A"]) == 2
    assert "NAME=VALUE" in capsys.readouterr().err


def test_cli_sql_error_exits_1_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # the statement is refused before any request, so no server is needed
    code = main(
        [
            "sql",
            "--url",
            "http://127.0.0.1:9",
            "--grpc-url",
            "127.0.0.1:9",
            "SELECT a FROM A JOIN B",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("error: JOIN is not supported at position")


def test_cli_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    from weavorm.sql._cli import _print_result

    result = SQLResult(
        ["id", "when", "n"],
        [Row(["id", "when", "n"], [UUID(int=1), dt.datetime(2020, 1, 1), 3])],
    )
    import sys

    _print_result(result, True, sys.stdout)
    data: Any = json.loads(capsys.readouterr().out)
    assert data == [
        {"id": "00000000-0000-0000-0000-000000000001", "when": "2020-01-01T00:00:00", "n": 3}
    ]


def test_max_rows_is_checked() -> None:
    from weavorm.errors import QueryError

    with pytest.raises(QueryError, match="max_rows"):
        compile_sql("SELECT slug FROM Plain", schema=SCHEMA, max_rows=0)
    with pytest.raises(QueryError, match="max_rows"):
        weavorm.sql.execute(None, "SELECT slug FROM Plain", max_rows=-1)
