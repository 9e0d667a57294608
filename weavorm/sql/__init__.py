"""SQL front end: run ``SELECT`` statements (and, explicitly, ``DELETE``) on Weaviate.

::

    from weavorm import sql

    result = sql.execute(client, "SELECT title, year FROM Article WHERE year > :y "
                                 "ORDER BY year DESC LIMIT 5", {"y": 2000})
    for row in result.rows:
        print(row.title, row["year"])
    print(sql.explain(client, "SELECT title FROM Article WHERE bm25('red car') LIMIT 3"))

Statements are parsed with sqlglot (``pip install 'weavorm[sql]'``) and compiled to
engine requests: through the collection's registered model (its QuerySet) when there
is one, else against the live schema. See ``docs/sql.md`` for the supported subset.
"""

from weavorm.errors import SQLError
from weavorm.sql._execute import aexecute, aexplain, execute, explain
from weavorm.sql._result import Row, SQLResult

__all__ = ["Row", "SQLError", "SQLResult", "aexecute", "aexplain", "execute", "explain"]
