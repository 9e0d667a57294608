"""SQL front end: each construct compiles to the expected engine filter / op / aggregate."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

import pytest

from weavorm import Field, Model, Q, Ref
from weavorm._proto.v1 import aggregate_pb2, base_pb2
from weavorm.config import InvertedIndex, Vectorizer
from weavorm.engine.aggregate_types import GroupByAggregate, Metrics
from weavorm.engine.filters import Filter
from weavorm.engine.options import BM25Operator, HybridFusion, MetadataQuery, QueryNested, Sort
from weavorm.errors import QueryError, SQLError
from weavorm.odm import compiler
from weavorm.sql._compile import MAX_ROWS
from weavorm.sql._execute import compile_sql, render_explain

UTC = dt.timezone.utc
SCHEMA: dict[str, Any] = {
    "class": "Plain",
    "properties": [
        {"name": "title", "dataType": ["text"], "tokenization": "word"},
        {"name": "slug", "dataType": ["text"], "tokenization": "field"},
        {"name": "year", "dataType": ["int"]},
        {"name": "rating", "dataType": ["number"]},
        {"name": "published", "dataType": ["boolean"]},
        {"name": "when", "dataType": ["date"]},
        {"name": "tags", "dataType": ["text[]"], "tokenization": "field"},
        {"name": "body", "dataType": ["text"], "tokenization": "field", "indexFilterable": False},
        {
            "name": "address",
            "dataType": ["object"],
            "nestedProperties": [{"name": "city", "dataType": ["text"]}],
        },
        {"name": "author", "dataType": ["Author"]},
    ],
    "invertedIndexConfig": {"indexNullState": True, "indexTimestamps": True},
}


class SqlUnitAuthor(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class SqlUnitArticle(Model):
    title: str = Field(tokenization="word")
    slug: str = Field(tokenization="field")
    year: int = Field(index_range_filters=True)
    rating: float = 0.0
    published: bool = False
    tags: list[str] = Field(default_factory=list, tokenization="field")
    author: Ref[SqlUnitAuthor] | None = None
    stored_as: str = Field(default="", tokenization="field", name="storedAs")

    class Meta:
        vectorizer = Vectorizer.none()
        inverted_index = InvertedIndex(index_null_state=True)


def plain(sql: str, params: Any = None, **kw: Any) -> Any:
    return compile_sql(sql, params, schema=SCHEMA, **kw)


def model(sql: str, params: Any = None, **kw: Any) -> Any:
    return compile_sql(sql, params, model=SqlUnitArticle, **kw)


def where(sql: str, params: Any = None) -> Any:
    return plain(f"SELECT slug FROM Plain WHERE {sql}", params).call.kwargs["filters"]


def model_where(sql: str, params: Any = None) -> Any:
    return model(f"SELECT slug FROM SqlUnitArticle WHERE {sql}", params).call.kwargs["filters"]


# --- WHERE -> engine filters -------------------------------------------------------------------

year = Filter.by_property("year")
slug = Filter.by_property("slug")
rating = Filter.by_property("rating")

WHERE = [
    ("year = 2000", None, year.equal(2000)),
    ("year != 2000", None, year.not_equal(2000)),
    ("year <> 2000", None, year.not_equal(2000)),
    ("year < 2000", None, year.less_than(2000)),
    ("year <= 2000", None, year.less_or_equal(2000)),
    ("year > 2000", None, year.greater_than(2000)),
    ("year >= 2000", None, year.greater_or_equal(2000)),
    ("2000 < year", None, year.greater_than(2000)),
    ("2000 >= year", None, year.less_or_equal(2000)),
    ("year > -5", None, year.greater_than(-5)),
    ("rating > 2", None, rating.greater_than(2.0)),
    ("rating IN (1, 2.5)", None, rating.contains_any([1.0, 2.5])),
    ("year > :y", {"y": 1999}, year.greater_than(1999)),
    ("year > ?", [1999], year.greater_than(1999)),
    ("slug = 'a' AND year > 1", None, slug.equal("a") & year.greater_than(1)),
    ("slug = 'a' OR year > 1", None, slug.equal("a") | year.greater_than(1)),
    ("NOT slug = 'a'", None, ~slug.equal("a")),
    (
        "slug = 'a' AND (year = 1 OR year = 2)",
        None,
        slug.equal("a") & (year.equal(1) | year.equal(2)),
    ),
    ("slug IN ('a', 'b')", None, slug.contains_any(["a", "b"])),
    ("slug IN (:many)", {"many": ["a", "b"]}, slug.contains_any(["a", "b"])),
    ("slug IN :many", {"many": ("a", "b")}, slug.contains_any(["a", "b"])),
    ("slug NOT IN ('a', 'b')", None, ~slug.contains_any(["a", "b"])),
    ("slug LIKE 'ab%'", None, slug.like("ab*")),
    ("slug LIKE 'a_c'", None, slug.like("a?c")),
    ("slug NOT LIKE '%x%'", None, ~slug.like("*x*")),
    ("slug LIKE 'a!%b!_c' ESCAPE '!'", None, slug.like("a%b_c")),
    ("slug LIKE 'a!!b' ESCAPE '!'", None, slug.like("a!b")),
    ("slug LIKE :p", {"p": "x%"}, slug.like("x*")),
    ("slug IS NULL", None, slug.is_none(True)),
    ("slug IS NOT NULL", None, slug.is_none(False)),
    ("NOT (slug IS NULL)", None, slug.is_none(False)),
    ("year BETWEEN 1 AND 5", None, year.greater_or_equal(1) & year.less_or_equal(5)),
    ("year NOT BETWEEN 1 AND 5", None, ~(year.greater_or_equal(1) & year.less_or_equal(5))),
    ("published", None, Filter.by_property("published").equal(True)),
    ("NOT published", None, ~Filter.by_property("published").equal(True)),
    ("published = FALSE", None, Filter.by_property("published").equal(False)),
    ("tags = 'x'", None, Filter.by_property("tags").equal("x")),
    (
        "_id = 'd5f6a7b0-0000-4000-8000-000000000001'",
        None,
        Filter.by_id().equal("d5f6a7b0-0000-4000-8000-000000000001"),
    ),
    (
        "_id IN (:a)",
        {"a": [UUID(int=1), UUID(int=2)]},
        Filter.by_id().contains_any([UUID(int=1), UUID(int=2)]),
    ),
    (
        "_creation_time > '2020-01-01T00:00:00Z'",
        None,
        Filter.by_creation_time().greater_than(dt.datetime(2020, 1, 1, tzinfo=UTC)),
    ),
    (
        "_last_update_time <= :t",
        {"t": dt.datetime(2021, 5, 1, tzinfo=UTC)},
        Filter.by_update_time().less_or_equal(dt.datetime(2021, 5, 1, tzinfo=UTC)),
    ),
    ("p.slug = 'a'", None, slug.equal("a")),
    ("Plain.slug = 'a'", None, slug.equal("a")),
    ("\"slug\" = 'a'", None, slug.equal("a")),
    ("SLUG = 'a'", None, slug.equal("a")),
]


@pytest.mark.parametrize(("condition", "params", "expected"), WHERE)
def test_where_compiles_to_engine_filter(condition: str, params: Any, expected: Any) -> None:
    sql = f"SELECT slug FROM Plain p WHERE {condition}"
    compiled = plain(sql, params)
    assert compiled.call.module == "query" and compiled.call.operation == "fetch_objects"
    assert compiled.call.kwargs["filters"] == expected


def test_injection_attempts_stay_values() -> None:
    payload = "x' OR '1'='1"
    assert where("slug = :t", {"t": payload}) == slug.equal(payload)
    assert where("slug = :t", {"t": "1 OR 1=1"}) == slug.equal("1 OR 1=1")
    assert where("year > :y", {"y": "1; DROP TABLE Plain"}) == year.greater_than(
        "1; DROP TABLE Plain"
    )
    assert where("slug = 'it''s'") == slug.equal("it's")


@pytest.mark.parametrize(
    "condition",
    [
        "year > 2000",
        "slug IN ('a', 'b') AND NOT year BETWEEN 1 AND 5",
        "slug LIKE 'a%' OR slug IS NULL",
        "tags = 'x' AND published",
        "rating >= 2",
        "_id = 'd5f6a7b0-0000-4000-8000-000000000001'",
    ],
)
def test_model_and_schema_paths_build_the_same_filter(condition: str) -> None:
    schema_filter = where(condition)
    model_filter = model_where(condition)
    assert model_filter == schema_filter


def test_model_path_compiles_through_the_queryset() -> None:
    compiled = model("SELECT slug FROM SqlUnitArticle WHERE year > 2000 AND slug = 'a' LIMIT 3")
    qs = compiled.queryset
    assert qs is not None and compiled.model is SqlUnitArticle
    expected = SqlUnitArticle.objects.filter(Q(year__gt=2000) & Q(slug="a")).only("slug")[:3]
    assert qs._compiled().kwargs == expected._compiled().kwargs
    assert compiled.call == qs._compiled()


def test_model_path_reference_paths_and_stored_names() -> None:
    assert model_where("author.name = 'Ada'") == Filter.by_ref("author").by_property("name").equal(
        "Ada"
    )
    assert model_where("author = :a", {"a": UUID(int=3)}) == Filter.by_ref("author").by_id().equal(
        UUID(int=3)
    )
    stored = Filter.by_property("storedAs").equal("x")
    assert model_where("stored_as = 'x'") == stored
    assert model_where("storedAs = 'x'") == stored
    with pytest.raises(QueryError):
        model_where("author.nope = 1")


def test_tokenization_checks_raise_the_same_query_error_on_both_paths() -> None:
    with pytest.raises(QueryError) as from_schema:
        where("title = 'red car'")
    with pytest.raises(QueryError) as from_model:
        model_where("title = 'red car'")
    assert str(from_schema.value) == str(from_model.value)
    assert "tokenized with 'word'" in str(from_model.value)
    with pytest.raises(QueryError, match="tokenized"):
        where("title IN ('a')")
    with pytest.raises(QueryError, match="tokenized"):
        model_where("title > 'a'")
    with pytest.raises(QueryError, match="index_filterable=False"):
        where("body = 'x'")
    where("title LIKE 'red%'")  # like is a token match, allowed


def test_isnull_needs_the_null_state_index() -> None:
    schema = {**SCHEMA, "invertedIndexConfig": {}}
    with pytest.raises(QueryError, match="null state"):
        compile_sql("SELECT slug FROM Plain WHERE slug IS NULL", schema=schema)


def test_ids_support_equality_and_in_only() -> None:
    with pytest.raises(QueryError, match="ids support"):
        where("_id > 'd5f6a7b0-0000-4000-8000-000000000001'")


# --- SELECT shape --------------------------------------------------------------------------------


def test_select_star_and_columns() -> None:
    star = plain("SELECT * FROM Plain")
    assert star.call.kwargs["return_properties"] is None
    assert star.column_names == [
        "title",
        "slug",
        "year",
        "rating",
        "published",
        "when",
        "tags",
        "body",
        "address",
    ]
    assert star.call.kwargs["limit"] == MAX_ROWS
    cols = plain("SELECT title AS t, address, _id, _creation_time FROM Plain LIMIT 2 OFFSET 4")
    assert cols.column_names == ["t", "address", "_id", "_creation_time"]
    assert cols.call.kwargs["return_properties"] == ["title", QueryNested("address", ["city"])]
    assert cols.call.kwargs["return_metadata"] == MetadataQuery(creation_time=True)
    assert cols.call.kwargs["limit"] == 2 and cols.call.kwargs["offset"] == 4
    assert plain("SELECT slug, slug FROM Plain").column_names == ["slug", "slug_2"]
    assert plain("SELECT _vector FROM Plain").call.kwargs["include_vector"] is True
    assert plain("SELECT slug FROM Plain OFFSET 10", max_rows=100).call.kwargs["limit"] == 90


def test_model_select_shape() -> None:
    star = model("SELECT * FROM SqlUnitArticle")
    assert star.column_names == [
        "title",
        "slug",
        "year",
        "rating",
        "published",
        "tags",
        "stored_as",
    ]
    assert star.queryset._query.only is None
    some = model("SELECT slug, storedAs, _vector FROM SqlUnitArticle")
    assert some.queryset._query.only == ("slug", "stored_as")
    assert some.queryset._query.vectors is True
    assert some.call.kwargs["return_properties"] == ["slug", "storedAs"]


def test_order_by() -> None:
    compiled = plain("SELECT slug FROM Plain ORDER BY year DESC, slug, _id DESC")
    assert compiled.call.kwargs["sort"] == Sort.by_property("year", ascending=False).by_property(
        "slug"
    ).by_id(ascending=False)
    by_alias = plain("SELECT year AS y FROM Plain ORDER BY y DESC")
    assert by_alias.call.kwargs["sort"] == Sort.by_property("year", ascending=False)
    by_ordinal = plain("SELECT slug, year FROM Plain ORDER BY 2")
    assert by_ordinal.call.kwargs["sort"] == Sort.by_property("year")
    times = plain("SELECT slug FROM Plain ORDER BY _creation_time, _last_update_time DESC")
    assert times.call.kwargs["sort"] == Sort.by_creation_time().by_update_time(ascending=False)
    m = model("SELECT slug FROM SqlUnitArticle ORDER BY year DESC, _id")
    assert m.queryset._query.order == (("year", False), ("id", True))


# --- search functions ----------------------------------------------------------------------------


def test_near_text_in_where_with_filter_and_threshold() -> None:
    compiled = plain(
        "SELECT title, _distance FROM Plain WHERE near_text('red car', target_vector => 'tv') "
        "AND year > 2000 AND _distance < 0.4 LIMIT 5"
    )
    call = compiled.call
    assert (call.operation, call.args) == ("near_text", ("red car",))
    assert call.kwargs["distance"] == 0.4 and call.kwargs["target_vector"] == "tv"
    assert call.kwargs["filters"] == year.greater_than(2000)
    assert call.kwargs["limit"] == 5
    assert call.kwargs["return_metadata"] == MetadataQuery(distance=True)


def test_near_vector_with_bound_vector_and_certainty() -> None:
    vec = [0.1, 0.2, 0.3]
    compiled = plain(
        "SELECT slug, _certainty FROM Plain WHERE near_vector(:v) AND _certainty >= 0.8",
        {"v": vec},
    )
    assert compiled.call.operation == "near_vector"
    assert compiled.call.args == (vec,)
    assert compiled.call.kwargs["certainty"] == 0.8
    literal = plain("SELECT slug FROM Plain WHERE near_vector([1, 2.5], distance := 0.2)")
    assert literal.call.args == ([1, 2.5],) and literal.call.kwargs["distance"] == 0.2


def test_near_object() -> None:
    uid = UUID(int=9)
    compiled = plain("SELECT slug FROM Plain WHERE near_object(:id)", {"id": uid})
    assert compiled.call.operation == "near_object" and compiled.call.args == (uid,)


def test_bm25_in_order_by() -> None:
    compiled = plain("SELECT slug, _score FROM Plain ORDER BY bm25('foo', 'title,slug') LIMIT 5")
    call = compiled.call
    assert (call.operation, call.args) == ("bm25", ("foo",))
    assert call.kwargs["query_properties"] == ["title", "slug"]
    assert "operator" not in call.kwargs
    assert call.kwargs["return_metadata"] == MetadataQuery(score=True)
    anded = plain(
        "SELECT slug FROM Plain WHERE bm25('a b', properties => 'title^2', operator => 'AND')"
    )
    assert anded.call.kwargs["operator"] == BM25Operator.and_()
    assert anded.call.kwargs["query_properties"] == ["title^2"]
    desc = plain("SELECT slug FROM Plain WHERE bm25('foo') ORDER BY _score DESC")
    assert "sort" not in desc.call.kwargs


def test_hybrid_defaults_match_the_queryset() -> None:
    compiled = plain("SELECT slug FROM Plain WHERE hybrid('red car', 0.25) LIMIT 3")
    kwargs = compiled.call.kwargs
    assert compiled.call.operation == "hybrid"
    assert kwargs["alpha"] == 0.25 and kwargs["fusion_type"] == HybridFusion.RELATIVE_SCORE
    ranked = plain(
        "SELECT slug FROM Plain WHERE hybrid('x', fusion => 'ranked', vector => :v)",
        {"v": [1.0, 2.0]},
    )
    assert ranked.call.kwargs["fusion_type"] == HybridFusion.RANKED
    assert ranked.call.kwargs["vector"] == [1.0, 2.0] and ranked.call.kwargs["alpha"] == 0.5
    m = model("SELECT slug FROM SqlUnitArticle WHERE hybrid('red car') LIMIT 3")
    expected = SqlUnitArticle.objects.hybrid("red car").only("slug")[:3]
    assert m.call == expected._compiled()


def test_model_searches_match_queryset_methods() -> None:
    vec = [1.0, 0.0]
    m = model(
        "SELECT slug FROM SqlUnitArticle WHERE near_vector(:v, distance => 0.3) AND year > 1 "
        "LIMIT 4",
        {"v": vec},
    )
    expected = SqlUnitArticle.objects.filter(year__gt=1).near_vector(vec, distance=0.3)
    assert m.call == expected.only("slug")[:4]._compiled()
    b = model("SELECT * FROM SqlUnitArticle ORDER BY bm25('foo', 'title') LIMIT 2")
    assert b.call == SqlUnitArticle.objects.bm25("foo", properties=["title"])[:2]._compiled()


def test_limit_zero_sends_nothing() -> None:
    assert plain("SELECT slug FROM Plain LIMIT 0").kind == "empty"
    assert "no request" in render_explain(plain("SELECT slug FROM Plain LIMIT 0"))
    assert plain("SELECT COUNT(*) FROM Plain LIMIT 0").kind == "empty"


# --- aggregations -------------------------------------------------------------------------------


def _aggregate_request(compiled: Any) -> aggregate_pb2.AggregateRequest:
    from weavorm.engine._protocol import aggregate as agg_ops
    from weavorm.engine._protocol.context import CollectionContext

    op = agg_ops.over_all(CollectionContext(name=compiled.collection), **compiled.call.kwargs)
    call = next(op)
    op.close()
    return call.request  # type: ignore[no-any-return]


def test_group_by_with_aggregates() -> None:
    compiled = plain(
        "SELECT slug, COUNT(*), COUNT(title) AS n, SUM(year), AVG(year), MIN(rating), "
        'MAX("when") FROM Plain WHERE year > 1 GROUP BY slug LIMIT 7'
    )
    assert compiled.kind == "aggregate"
    call = compiled.call
    assert (call.module, call.operation) == ("aggregate", "over_all")
    assert call.kwargs["group_by"] == GroupByAggregate(prop="slug", limit=7)
    assert call.kwargs["filters"] == year.greater_than(1)
    assert call.kwargs["return_metrics"] == [
        Metrics("title").text(count=True),
        Metrics("year").integer(sum_=True, mean=True),
        Metrics("rating").number(minimum=True),
        Metrics("when").date_(maximum=True),
    ]
    assert compiled.column_names == [
        "slug",
        "COUNT(*)",
        "n",
        "SUM(year)",
        "AVG(year)",
        "MIN(rating)",
        'MAX("when")',
    ]
    request = _aggregate_request(compiled)
    assert request.group_by.property == "slug" and request.limit == 7
    assert request.objects_count is True
    assert [a.property for a in request.aggregations] == ["title", "year", "rating", "when"]
    assert request.filters.operator == base_pb2.Filters.OPERATOR_GREATER_THAN


def test_aggregates_without_group_by_use_over_all() -> None:
    compiled = plain("SELECT COUNT(*), MEDIAN(year), MODE(year) FROM Plain WHERE published")
    kwargs = compiled.call.kwargs
    assert kwargs["group_by"] is None
    assert kwargs["return_metrics"] == [Metrics("year").integer(median=True, mode=True)]
    assert kwargs["filters"] == Filter.by_property("published").equal(True)
    count_only = plain("SELECT COUNT(*) AS n FROM Plain")
    assert count_only.call.kwargs["return_metrics"] is None
    assert count_only.column_names == ["n"]


def test_having_order_and_limit_run_in_python_over_all_groups() -> None:
    compiled = plain(
        "SELECT slug, COUNT(*) AS n FROM Plain GROUP BY slug HAVING COUNT(*) > 1 AND "
        "AVG(year) BETWEEN 1 AND 9 ORDER BY n DESC, slug LIMIT 2 OFFSET 1"
    )
    assert compiled.call.kwargs["group_by"] == GroupByAggregate(prop="slug", limit=MAX_ROWS)
    assert compiled.column_names == ["slug", "n"]
    hidden = [c.name for c in compiled.columns if c.hidden]
    assert hidden == ["\x00AVG(year)"]
    post = compiled.post
    assert post.limit == 2 and post.offset == 1
    assert [(k.output, k.ascending) for k in post.order] == [("n", False), ("slug", True)]
    text = render_explain(compiled)
    assert "then in Python: HAVING (n > 1 AND (AVG(year) >= 1 AND AVG(year) <= 9))" in text
    assert "ORDER BY n DESC, slug ASC; OFFSET 1; LIMIT 2" in text


def test_distinct_is_a_group_by() -> None:
    compiled = plain("SELECT DISTINCT slug FROM Plain LIMIT 3")
    assert compiled.kind == "aggregate"
    assert compiled.call.kwargs["group_by"] == GroupByAggregate(prop="slug", limit=3)
    assert compiled.column_names == ["slug"]


def test_model_aggregate_filter_goes_through_the_compiler() -> None:
    compiled = model("SELECT slug, AVG(year) FROM SqlUnitArticle WHERE year > 1 GROUP BY slug")
    expected = compiler.compile_filter(SqlUnitArticle.weavorm_info(), Q(year__gt=1))
    assert compiled.call.kwargs["filters"] == expected
    assert compiled.model is SqlUnitArticle
    with pytest.raises(QueryError, match="tokenized"):
        model("SELECT COUNT(*) FROM SqlUnitArticle WHERE title = 'x'")


# --- DELETE and explain ---------------------------------------------------------------------


def test_delete_compiles_to_batch_delete() -> None:
    with pytest.raises(SQLError, match="allow_writes"):
        plain("DELETE FROM Plain WHERE year < 2000")
    compiled = plain("DELETE FROM Plain WHERE year < 2000", allow_writes=True)
    assert compiled.kind == "delete"
    assert compiled.call.kwargs["where"] == year.less_than(2000)
    everything = plain("DELETE FROM Plain", allow_writes=True)
    assert everything.call.kwargs["where"] == Filter.by_id().not_equal(UUID(int=0))
    text = render_explain(compiled)
    assert "-- gRPC BatchDelete --" in text and "OPERATOR_LESS_THAN" in text
    m = model("DELETE FROM SqlUnitArticle WHERE slug = 'x'", allow_writes=True)
    assert m.queryset is not None and m.call.kwargs["where"] == slug.equal("x")


def test_explain_shows_the_request() -> None:
    text = render_explain(
        plain("SELECT slug FROM Plain WHERE year > :y ORDER BY year LIMIT 3", {"y": 5})
    )
    assert "live schema" in text
    assert "query.fetch_objects(" in text and "-- gRPC Search --" in text
    assert 'collection: "Plain"' in text and "value_int: 5" in text and "limit: 3" in text
    m = render_explain(model("SELECT slug FROM SqlUnitArticle WHERE year > 5 LIMIT 3"))
    assert "model " in m and "SqlUnitArticle" in m
    assert SqlUnitArticle.objects.filter(year__gt=5).only("slug")[:3].explain().strip() in m
    agg = render_explain(plain("SELECT slug, COUNT(*) FROM Plain GROUP BY slug"))
    assert "-- gRPC Aggregate --" in agg and 'property: "slug"' in agg
