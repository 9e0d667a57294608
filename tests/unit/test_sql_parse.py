"""SQL front end: syntax errors and every unsupported construct -> SQLError at its position."""

from __future__ import annotations

import pytest

from weavorm.errors import SQLError
from weavorm.sql._execute import compile_sql
from weavorm.sql._parse import parse
from weavorm.sql._select import plan_statement

SCHEMA = {
    "class": "Plain",
    "properties": [
        {"name": "title", "dataType": ["text"], "tokenization": "word"},
        {"name": "slug", "dataType": ["text"], "tokenization": "field"},
        {"name": "year", "dataType": ["int"]},
        {"name": "published", "dataType": ["boolean"]},
        {"name": "author", "dataType": ["Author"]},
    ],
}


def _error(sql: str, params: object = None, *, allow_writes: bool = False) -> SQLError:
    with pytest.raises(SQLError) as info:
        plan_statement(parse(sql), params, allow_writes=allow_writes)
    return info.value


# (statement, construct, the text found at the reported position)
UNSUPPORTED = [
    ("SELECT a FROM A JOIN B ON A.x = B.y", "JOIN", "JOIN B"),
    ("SELECT a FROM A LEFT OUTER JOIN B ON A.x = B.y", "JOIN", "LEFT OUTER"),
    ("SELECT a FROM A, B", "JOIN", "B"),
    ("SELECT * FROM (SELECT * FROM A)", "subquery", "(SELECT"),
    ("SELECT a FROM A WHERE a IN (SELECT b FROM B)", "subquery", "(SELECT b"),
    ("SELECT (SELECT 1) FROM A", "subquery", "(SELECT 1)"),
    ("SELECT a FROM A WHERE EXISTS (SELECT 1 FROM B)", "subquery", "SELECT 1"),
    ("SELECT ROW_NUMBER() OVER (ORDER BY a) FROM A", "window function", "ROW_NUMBER()"),
    ("SELECT a, SUM(b) OVER (PARTITION BY a) FROM A", "window function", "SUM(b) OVER"),
    ("SELECT a FROM A UNION SELECT a FROM B", "UNION", "UNION SELECT"),
    ("SELECT a FROM A UNION ALL SELECT a FROM B", "UNION", "UNION ALL"),
    ("SELECT a FROM A INTERSECT SELECT a FROM B", "INTERSECT", "INTERSECT"),
    ("SELECT a FROM A EXCEPT SELECT a FROM B", "EXCEPT", "EXCEPT"),
    ("WITH t AS (SELECT a FROM A) SELECT a FROM t", "WITH (common table expression)", "WITH t"),
    ("SELECT a FROM A HAVING a > 1", "HAVING without GROUP BY", "HAVING"),
    ("SELECT a FROM A WHERE UPPER(a) = 'X'", "function UPPER", "UPPER(a)"),
    ("SELECT LOWER(a) FROM A", "function LOWER", "LOWER(a)"),
    ("SELECT a FROM A WHERE my_func(a) = 1", "function MY_FUNC", "my_func(a)"),
    ("SELECT a FROM A WHERE a + 1 > 2", "operator ADD", "a + 1"),
    ("SELECT CASE WHEN a = 1 THEN 1 END FROM A", "CASE", "CASE WHEN"),
    ("SELECT CAST(a AS INT) FROM A", "CAST", "CAST(a"),
    ("SELECT DISTINCT a, b FROM A", "DISTINCT", "DISTINCT a, b"),
    ("SELECT DISTINCT ON (a) a FROM A", "DISTINCT ON", "DISTINCT ON"),
    ("SELECT COUNT(DISTINCT a) FROM A", "DISTINCT", "DISTINCT a)"),
    ("INSERT INTO A (a) VALUES (1)", "INSERT", "INSERT INTO"),
    ("UPDATE A SET a = 1", "UPDATE", "UPDATE A"),
    ("DELETE FROM A WHERE a = 1", "DELETE", "DELETE FROM"),
    ("CREATE TABLE A (a INT)", "CREATE", "CREATE TABLE"),
    ("DROP TABLE A", "DROP", "DROP TABLE"),
    ("SHOW TABLES", "SHOW", "SHOW"),
    ("SELECT a FROM A WHERE a ILIKE 'x%'", "ILIKE", "a ILIKE"),
    ("SELECT a FROM A WHERE a LIKE 'x*'", "LIKE escape", "a LIKE 'x*'"),
    ("SELECT a FROM A WHERE a LIKE 'x!?' ESCAPE '!'", "LIKE escape", "a LIKE"),
    ("SELECT a FROM A WHERE a LIKE 'x!' ESCAPE '!'", "LIKE escape", "a LIKE"),
    ("SELECT a FROM A WHERE a LIKE 'x' ESCAPE '!!'", "ESCAPE", "'!!'"),
    ("SELECT a FROM A WHERE bm25('x') ORDER BY a", "ORDER BY", "a"),
    ("SELECT a FROM A WHERE bm25('x') AND near_text('y')", "near_text", "near_text('y')"),
    ("SELECT a FROM A WHERE bm25('x') OR a = 1", "bm25", "bm25('x')"),
    ("SELECT a FROM A WHERE NOT near_text('x')", "near_text", "near_text('x')"),
    ("SELECT a FROM A WHERE bm25('x') ORDER BY near_text('y')", "near_text", "near_text('y')"),
    ("SELECT near_text('x') FROM A", "near_text", "near_text('x')"),
    ("SELECT a FROM A ORDER BY bm25('x') ASC", "ORDER BY ASC", "bm25('x') ASC"),
    ("SELECT a FROM A ORDER BY near_text('x') DESC", "ORDER BY DESC", "near_text('x') DESC"),
    ("SELECT a FROM A ORDER BY bm25('x'), a", "ORDER BY", "a"),
    ("SELECT a FROM A WHERE near_text('x') ORDER BY _distance DESC", "ORDER BY _distance", "_dist"),
    ("SELECT a FROM A ORDER BY _score DESC", "ORDER BY _score", "_score"),
    ("SELECT a FROM A WHERE bm25('x') ORDER BY _score", "ORDER BY _score", "_score"),
    ("SELECT a FROM A WHERE near_text('x') ORDER BY _score DESC", "ORDER BY _score", "_score"),
    ("SELECT a FROM A ORDER BY _vector", "ORDER BY _vector", "_vector"),
    ("SELECT a FROM A WHERE near_text('x', 0.3)", "near_text", "0.3"),
    ("SELECT a FROM A WHERE near_text('x', foo => 1)", "near_text option foo", "foo => 1"),
    (
        "SELECT a FROM A WHERE near_text('x', distance => 1, distance => 2)",
        "near_text option distance",
        "distance => 2",
    ),
    ("SELECT a FROM A WHERE near_text(distance => 1)", "near_text", "near_text("),
    ("SELECT a FROM A WHERE near_text(1)", "near_text", "near_text(1)"),
    ("SELECT a FROM A WHERE near_vector('notavector')", "near_vector", "near_vector("),
    ("SELECT a FROM A WHERE bm25('x', operator => 'xor')", "bm25", "bm25("),
    ("SELECT a FROM A WHERE hybrid('x', fusion => 'best')", "hybrid", "hybrid("),
    ("SELECT a FROM A WHERE hybrid('x', alpha => 'high')", "hybrid", "hybrid("),
    ("SELECT a FROM A WHERE _distance < 0.3", "_distance", "_distance"),
    ("SELECT a FROM A WHERE bm25('x') AND _distance < 0.3", "_distance", "_distance"),
    ("SELECT a FROM A WHERE near_text('x') AND _distance > 0.3", "_distance", "_distance"),
    ("SELECT a FROM A WHERE near_text('x') AND (_distance < 0.2 OR a = 1)", "_distance", "_dist"),
    ("SELECT a FROM A WHERE _score > 1", "_score", "_score"),
    ("SELECT a, b FROM A GROUP BY a, b", "GROUP BY", "b"),
    ("SELECT a, b FROM A GROUP BY a", "column b", "b FROM"),
    ("SELECT a, COUNT(*) FROM A", "column a", "a, COUNT"),
    ("SELECT * FROM A GROUP BY a", "*", "*"),
    ("SELECT a FROM A GROUP BY ROLLUP (a)", "ROLLUP", "ROLLUP (a)"),
    ("SELECT MAX(a) FROM A GROUP BY a ORDER BY b", "column b", "b"),
    ("SELECT COUNT(*) FROM A HAVING LOWER(a) = 'x'", "function LOWER", "LOWER(a)"),
    ("SELECT COUNT(*) FROM A WHERE bm25('x')", "bm25", "WHERE"),
    ("SELECT a FROM A GROUP BY _id", "GROUP BY", "_id"),
    ("SELECT SUM(_score) FROM A", "function SUM", "_score"),
    ("SELECT SUM(*) FROM A", "function SUM", "SUM(*)"),
    ("SELECT a FROM db.A", "qualified table name", "db.A"),
    ("SELECT * FROM A AS x(y)", "alias", "x(y)"),
    ("SELECT 1", "SELECT without FROM", "SELECT 1"),
    ("SELECT a FROM A WHERE a = NULL", "= NULL", "NULL"),
    ("SELECT a FROM A WHERE a = b", "column comparison", "a = b"),
    ("SELECT a FROM A WHERE a = 1 AND 1 = 1", "constant condition", "1 = 1"),
    ("SELECT a FROM A WHERE TRUE", "constant condition", "TRUE"),
    ("SELECT a FROM A WHERE COUNT(*) > 1", "function COUNT", "COUNT(*)"),
    ("SELECT a FROM A WHERE a BETWEEN 1 AND b", "column b", "b"),
    ("SELECT a FROM A WHERE a IS TRUE", "IS", "a IS TRUE"),
    ("SELECT a FROM A WHERE a IN ()", "IN", "a IN ()"),
    ("SELECT a FROM A WHERE a = ANY(:x)", "ANY", "ANY(:x)"),
    ("SELECT a FROM A LIMIT -1", "LIMIT", "-1"),
    ("SELECT a FROM A LIMIT 'x'", "LIMIT", "'x'"),
    ("SELECT a FROM A OFFSET 1.5", "OFFSET", "1.5"),
    ("SELECT a FROM A FETCH FIRST 3 ROWS ONLY", "FETCH", "FETCH FIRST"),
    ("SELECT a FROM A FOR UPDATE", "FOR UPDATE", "FOR UPDATE"),
    ("SELECT a FROM A ORDER BY a NULLS LAST DESC", None, None),
    ("SELECT a FROM A ORDER BY a DESC NULLS FIRST", "NULLS FIRST/LAST", "a DESC"),
    ("SELECT a FROM A ORDER BY a NULLS LAST", "NULLS FIRST/LAST", "a NULLS"),
    ("SELECT _foo FROM A", "column _foo", "_foo"),
    ("SELECT a.b._id FROM A", "column b._id", "a.b._id"),
    ("SELECT x.a FROM A AS t", "column x.a", "x.a"),
    ("SELECT * AS everything FROM A", "*", "* AS"),
]


@pytest.mark.parametrize(("sql", "construct", "at"), UNSUPPORTED)
def test_unsupported_construct_is_named_with_its_position(
    sql: str, construct: str | None, at: str | None
) -> None:
    if construct is None:  # a syntax error in this dialect: still positioned
        err = _error(sql)
        assert err.construct == "syntax" and err.position is not None
        return
    err = _error(sql)
    assert err.construct == construct, str(err)
    assert err.position is not None, str(err)
    assert sql[err.position :].startswith(at), (sql[err.position :], str(err))
    assert f"at position {err.position}" in str(err)


@pytest.mark.parametrize(
    ("sql", "at"),
    [
        ("SELECT FROM WHERE", "WHERE"),
        ("SELECT a FROM A WHERE (x = 1", "1"),
        ("SELECT a FROM A WHERE", "WHERE"),
        ("SELECT a FROM A WHERE x == = 2", "="),
        ("SELEC a FROM A", "FROM"),
        ("SELECT a,\nFROM A WHERE", "WHERE"),
        ("SELECT a FROM A WHERE a = 'unterminated", "'unterminated"),
        ('SELECT "a FROM A', '"a FROM'),
        ("SELECT a FROM A /* never closed", "/* never"),
    ],
)
def test_syntax_errors_have_a_position(sql: str, at: str) -> None:
    with pytest.raises(SQLError) as info:
        parse(sql)
    err = info.value
    assert err.construct == "syntax"
    assert err.position is not None
    assert sql[err.position :].startswith(at), (sql[err.position :], str(err))
    assert "<Token" not in str(err) and "<class" not in str(err)


def test_empty_and_multiple_statements() -> None:
    with pytest.raises(SQLError) as info:
        parse("   ")
    assert info.value.construct == "statement"
    with pytest.raises(SQLError) as info:
        parse("SELECT a FROM A; SELECT b FROM B")
    assert info.value.construct == "multiple statements"
    assert info.value.position == len("SELECT a FROM A; ")
    parse("SELECT a FROM A;")  # one statement with a trailing semicolon is fine


def test_not_a_string() -> None:
    with pytest.raises(SQLError):
        parse(b"SELECT a FROM A")  # type: ignore[arg-type]


def test_parameter_errors_name_the_parameter() -> None:
    sql = "SELECT a FROM A WHERE a = :y AND b = :z"
    err = _error(sql, {"y": 1})
    assert err.construct == "parameter :z" and sql[err.position or 0 :].startswith(":z")
    err = _error(sql)
    assert err.construct == "parameter :y" and "no params" in str(err)
    err = _error(sql, [1, 2])
    assert err.construct == "parameter :y" and "mapping" in str(err)
    err = _error("SELECT a FROM A WHERE a = ? AND b = ?", [1])
    assert err.construct == "parameter ?" and err.position == len(
        "SELECT a FROM A WHERE a = ? AND b = "
    )
    err = _error("SELECT a FROM A WHERE a = ?", {"a": 1})
    assert err.construct == "parameter ?"
    with pytest.raises(SQLError):
        plan_statement(parse("SELECT a FROM A"), "not params")
    with pytest.raises(SQLError):
        plan_statement(parse("SELECT a FROM A"), 42)


def test_null_parameter_is_refused_like_null() -> None:
    err = _error("SELECT a FROM A WHERE a = :v", {"v": None})
    assert err.construct == "= NULL"


def test_delete_needs_allow_writes_and_refuses_extras() -> None:
    plan_statement(parse("DELETE FROM A WHERE a = 1"), allow_writes=True)
    err = _error("DELETE FROM A WHERE a = 1 RETURNING a", allow_writes=True)
    assert err.construct == "RETURNING"


@pytest.mark.parametrize(
    ("sql", "construct", "at"),
    [
        ("SELECT nope FROM Plain", "column nope", "nope"),
        ("SELECT title FROM Plain WHERE nope = 1", "column nope", "nope"),
        ("SELECT title FROM Plain ORDER BY nope", "column nope", "nope"),
        ("SELECT author FROM Plain", "column author", "author"),
        ("SELECT title FROM Plain WHERE author.name = 'x'", "column author.name", "author"),
        ("SELECT AVG(title) FROM Plain", "AVG", "AVG(title)"),
        ("SELECT MIN(published) FROM Plain", "MIN", "MIN(published)"),
        ("SELECT SUM(nope) FROM Plain", "column nope", "nope"),
        ("SELECT nope, COUNT(*) FROM Plain GROUP BY nope", "column nope", "nope"),
        ("SELECT title FROM Plain WHERE bm25('x', 'nope')", "bm25", "bm25("),
        ("SELECT title FROM Plain WHERE _creation_time > 'yesterday'", "_creation_time", "_creat"),
        (
            "SELECT title FROM Plain WHERE _creation_time > '2020-01-01T00:00:00'",
            "_creation_time",
            "_creat",
        ),
    ],
)
def test_compile_errors_have_positions(sql: str, construct: str, at: str) -> None:
    with pytest.raises(SQLError) as info:
        compile_sql(sql, schema=SCHEMA)
    err = info.value
    assert err.construct == construct, str(err)
    assert err.position is not None and sql[err.position :].startswith(at), str(err)


def test_compile_sql_needs_a_model_or_schema() -> None:
    with pytest.raises(SQLError):
        compile_sql("SELECT a FROM A")
