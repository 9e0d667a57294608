"""SQL front end on the real server: statements compared with the equivalent QuerySets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

import weavorm
from weavorm import Field, Model, Q, Ref
from weavorm import sql as wsql
from weavorm.config import InvertedIndex, Property, Vectorizer
from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.engine.aggregate_types import GroupByAggregate, Metrics
from weavorm.engine.results import Object
from weavorm.errors import QueryError, SQLError
from weavorm.odm import Avg, Count, Max, Min, Sum
from weavorm.schema import create_all

pytestmark = pytest.mark.integration

UTC = dt.timezone.utc
CATEGORIES = ("cars", "boats", "planes")


class SqlAuthor(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class SqlArticle(Model):
    title: str = Field(tokenization="word")
    slug: str = Field(tokenization="field")
    category: str = Field(tokenization="field")
    year: int = Field(index_range_filters=True)
    rating: float = 0.0
    published: bool = False
    tags: list[str] = Field(default_factory=list, tokenization="field")
    body: str | None = Field(default=None, tokenization="field")
    when: dt.datetime | None = None
    author: Ref[SqlAuthor] | None = None

    class Meta:
        vectorizer = Vectorizer.none()
        inverted_index = InvertedIndex(index_null_state=True, index_timestamps=True)


def _vec(i: int) -> list[float]:
    return [1.0, float(i) / 10, 0.5 + (i % 3) / 10]


TITLES = ("a red car on the road", "a blue boat at sea", "a silver plane in the sky")


@pytest.fixture
def articles(weaviate_client: WeaviateClient) -> Iterator[list[SqlArticle]]:
    create_all(weaviate_client, [SqlAuthor, SqlArticle])
    ada = SqlAuthor.objects.using(weaviate_client).create(name="Ada")
    bob = SqlAuthor.objects.using(weaviate_client).create(name="Bob")
    objs = [
        SqlArticle(
            title=f"{TITLES[i % 3]} number {i}",
            slug=f"s-{i:02d}",
            category=CATEGORIES[i % 3],
            year=1995 + i,
            rating=round(i * 0.37 % 5, 2),
            published=i % 2 == 0,
            tags=["even"] if i % 2 == 0 else ["odd", "x"],
            body=None if i % 5 == 0 else f"body {i}",
            when=dt.datetime(2020, 1, 1, tzinfo=UTC) + dt.timedelta(days=i),
            author=ada if i < 12 else bob,
            vector=_vec(i),
        )
        for i in range(30)
    ]
    result = SqlArticle.objects.using(weaviate_client).bulk_create(objs)
    assert not result.has_errors, result.errors
    yield objs


def _ids(items: list[Any]) -> list[Any]:
    return [o.id for o in items]


def _both(client: WeaviateClient, sql: str, params: Any = None) -> tuple[Any, Any]:
    with_model = wsql.execute(client, sql, params)
    without = wsql.execute(client, sql, params, use_models=False)
    assert with_model.model is SqlArticle and without.model is None
    assert with_model.columns == without.columns
    assert [_rounded(r.as_dict()) for r in with_model.rows] == [
        _rounded(r.as_dict()) for r in without.rows
    ]
    return with_model, without


def _rounded(row: dict[str, Any]) -> dict[str, Any]:
    """Floats summed in a different order differ in the last bits; compare 9 digits."""
    return {k: round(v, 9) if isinstance(v, float) else v for k, v in row.items()}


CASES = [
    (
        "SELECT slug, year FROM SqlArticle WHERE year > 2010 ORDER BY year DESC LIMIT 5",
        None,
        lambda qs: qs.filter(year__gt=2010).order_by("-year")[:5],
    ),
    (
        "SELECT * FROM SqlArticle WHERE category IN ('cars', 'boats') AND NOT published "
        "ORDER BY slug",
        None,
        lambda qs: (
            qs.filter(category__in=["cars", "boats"]).exclude(published=True).order_by("slug")[:100]
        ),
    ),
    (
        "SELECT slug FROM SqlArticle WHERE slug LIKE 's-1_' OR year BETWEEN :lo AND :hi "
        "ORDER BY slug",
        {"lo": 2020, "hi": 2022},
        lambda qs: qs.filter(Q(slug__like="s-1?") | Q(year__gte=2020, year__lte=2022)).order_by(
            "slug"
        )[:100],
    ),
    (
        "SELECT slug, body FROM SqlArticle WHERE body IS NULL ORDER BY slug",
        None,
        lambda qs: qs.filter(body__isnull=True).order_by("slug")[:100],
    ),
    (
        "SELECT slug FROM SqlArticle WHERE body IS NOT NULL AND slug NOT IN (?, ?) "
        "AND tags = 'odd' ORDER BY year LIMIT 4 OFFSET 2",
        ["s-01", "s-03"],
        lambda qs: (
            qs.filter(body__isnull=False, tags="odd")
            .exclude(slug__in=["s-01", "s-03"])
            .order_by("year")[2:6]
        ),
    ),
    (
        "SELECT slug, rating FROM SqlArticle WHERE rating >= 2 AND NOT slug LIKE '%5' "
        "ORDER BY rating DESC, slug",
        None,
        lambda qs: (
            qs.filter(rating__gte=2.0).exclude(slug__like="*5").order_by("-rating", "slug")[:100]
        ),
    ),
    (
        "SELECT slug FROM SqlArticle WHERE \"when\" < '2020-01-05T00:00:00Z' ORDER BY slug",
        None,
        lambda qs: qs.filter(when__lt=dt.datetime(2020, 1, 5, tzinfo=UTC)).order_by("slug")[:100],
    ),
]


@pytest.mark.parametrize(("sql", "params", "queryset"), CASES)
def test_select_matches_the_queryset(
    weaviate_client: WeaviateClient,
    articles: list[SqlArticle],
    sql: str,
    params: Any,
    queryset: Any,
) -> None:
    with_model, without = _both(weaviate_client, sql, params)
    expected = list(queryset(SqlArticle.objects.using(weaviate_client)))
    assert expected, "the case should match something"
    assert _ids(with_model.objects) == _ids(expected)
    assert [o.uuid for o in without.objects] == _ids(expected)
    assert all(isinstance(o, SqlArticle) for o in with_model.objects)
    assert all(isinstance(o, Object) for o in without.objects)
    first = with_model.rows[0]
    for column in with_model.columns:
        assert first[column] == getattr(expected[0], column)


def test_rows_objects_and_pseudo_columns(
    weaviate_client: WeaviateClient, articles: list[SqlArticle]
) -> None:
    target = articles[7]
    result = wsql.execute(
        weaviate_client,
        "SELECT slug AS s, year, _id, _creation_time, _vector FROM SqlArticle WHERE _id = :id",
        {"id": target.id},
    )
    assert result.columns == ["s", "year", "_id", "_creation_time", "_vector"]
    (row,) = result.rows
    assert row.s == "s-07" and row["year"] == 2002 and row._id == target.id
    assert isinstance(row._creation_time, dt.datetime)
    assert row._vector == pytest.approx(_vec(7))
    (obj,) = result.objects
    assert isinstance(obj, SqlArticle) and obj.id == target.id and obj.slug == "s-07"
    star = wsql.execute(weaviate_client, "SELECT * FROM SqlArticle WHERE slug = 's-07'")
    assert star.columns == [
        "title",
        "slug",
        "category",
        "year",
        "rating",
        "published",
        "tags",
        "body",
        "when",
    ]
    assert star.objects[0].author is not None and star.objects[0].author.id == articles[0].author.id
    assert star.rows[0].when == dt.datetime(2020, 1, 8, tzinfo=UTC)


def test_no_limit_returns_every_row(
    weaviate_client: WeaviateClient, articles: list[SqlArticle]
) -> None:
    assert len(wsql.execute(weaviate_client, "SELECT _id FROM SqlArticle")) == 30
    assert len(wsql.execute(weaviate_client, "SELECT _id FROM SqlArticle OFFSET 25")) == 5
    empty = wsql.execute(weaviate_client, "SELECT slug FROM SqlArticle LIMIT 0")
    assert empty.rows == [] and empty.columns == ["slug"]


def test_reference_paths_with_a_model(
    weaviate_client: WeaviateClient, articles: list[SqlArticle]
) -> None:
    result = wsql.execute(
        weaviate_client,
        "SELECT slug FROM SqlArticle a WHERE a.author.name = 'Bob' ORDER BY slug",
    )
    expected = SqlArticle.objects.using(weaviate_client).filter(author__name="Bob").order_by("slug")
    assert _ids(result.objects) == _ids(list(expected[:100])) and len(result) == 18
    with pytest.raises(SQLError, match="need a registered model"):
        wsql.execute(
            weaviate_client,
            "SELECT slug FROM SqlArticle WHERE author.name = 'Bob'",
            use_models=False,
        )


def test_tokenization_checks_apply_on_both_paths(
    weaviate_client: WeaviateClient, articles: list[SqlArticle]
) -> None:
    with pytest.raises(QueryError) as with_model:
        wsql.execute(weaviate_client, "SELECT slug FROM SqlArticle WHERE title = 'red'")
    with pytest.raises(QueryError) as without:
        wsql.execute(
            weaviate_client, "SELECT slug FROM SqlArticle WHERE title = 'red'", use_models=False
        )
    assert str(with_model.value) == str(without.value)
    like = wsql.execute(weaviate_client, "SELECT slug FROM SqlArticle WHERE title LIKE 'red'")
    assert len(like) == 10


# --- aggregations ------------------------------------------------------------------------------


def test_group_by_matches_queryset_aggregate(
    weaviate_client: WeaviateClient, articles: list[SqlArticle]
) -> None:
    sql = (
        "SELECT category, COUNT(*) AS n, AVG(year), SUM(year), MIN(rating), MAX(year), "
        'COUNT(body), MIN("when") FROM SqlArticle WHERE published GROUP BY category '
        "ORDER BY category"
    )
    result, _ = _both(weaviate_client, sql)
    assert result.kind == "aggregate"
    assert [r.category for r in result.rows] == sorted(CATEGORIES)
    qs = SqlArticle.objects.using(weaviate_client)
    for row in result.rows:
        expected = qs.filter(category=row.category, published=True).aggregate(
            n=Count(), avg=Avg("year"), sum=Sum("year"), low=Min("rating"), high=Max("year")
        )
        assert row.n == expected["n"]
        assert row["AVG(year)"] == pytest.approx(expected["avg"])
        assert row["SUM(year)"] == expected["sum"]
        assert row["MIN(rating)"] == pytest.approx(expected["low"])
        assert row["MAX(year)"] == expected["high"]
        assert (
            row["COUNT(body)"]
            == qs.filter(category=row.category, published=True, body__isnull=False).count()
        )
        assert isinstance(row['MIN("when")'], dt.datetime)
    engine = weaviate_client.collections.get("SqlArticle").aggregate.over_all(
        filters=weavorm.engine.Filter.by_property("published").equal(True),
        group_by=GroupByAggregate(prop="category"),
        return_metrics=[Metrics("year").integer(mean=True)],
    )
    by_engine = {g.grouped_by.value: g.properties["year"].mean for g in engine.groups}
    assert {r.category: r["AVG(year)"] for r in result.rows} == pytest.approx(by_engine)


def test_aggregates_without_group_by(
    weaviate_client: WeaviateClient, articles: list[SqlArticle]
) -> None:
    result, _ = _both(
        weaviate_client,
        "SELECT COUNT(*), AVG(rating), MAX(year) FROM SqlArticle WHERE year >= 2010",
    )
    expected = (
        SqlArticle.objects.using(weaviate_client)
        .filter(year__gte=2010)
        .aggregate(n=Count(), avg=Avg("rating"), top=Max("year"))
    )
    (row,) = result.rows
    assert row.as_tuple() == (expected["n"], pytest.approx(expected["avg"]), expected["top"])
    assert wsql.execute(weaviate_client, "SELECT COUNT(*) FROM SqlArticle").scalar() == 30


def test_having_distinct_and_ordering_of_groups(
    weaviate_client: WeaviateClient, articles: list[SqlArticle]
) -> None:
    result = wsql.execute(
        weaviate_client,
        "SELECT category, COUNT(*) AS n FROM SqlArticle WHERE year < :y GROUP BY category "
        "HAVING COUNT(*) >= 4 ORDER BY n DESC, category LIMIT 2",
        {"y": 2006},
    )
    # years 1995..2005 -> i = 0..10: cars 4, boats 4, planes 3
    assert [r.as_tuple() for r in result.rows] == [("boats", 4), ("cars", 4)]
    distinct = wsql.execute(weaviate_client, "SELECT DISTINCT category FROM SqlArticle")
    assert sorted(r.category for r in distinct.rows) == sorted(CATEGORIES)
    limited = wsql.execute(
        weaviate_client, "SELECT category, COUNT(*) FROM SqlArticle GROUP BY category LIMIT 2"
    )
    assert len(limited) == 2


# --- search functions --------------------------------------------------------------------------


def test_bm25_matches_the_queryset(
    weaviate_client: WeaviateClient, articles: list[SqlArticle]
) -> None:
    qs = SqlArticle.objects.using(weaviate_client)
    where, _ = _both(
        weaviate_client, "SELECT slug, _score FROM SqlArticle WHERE bm25('red car') LIMIT 5"
    )
    expected = list(qs.bm25("red car")[:5])
    assert _ids(where.objects) == _ids(expected)
    assert [r._score for r in where.rows] == pytest.approx([o.meta.score for o in expected])
    ordered = wsql.execute(
        weaviate_client,
        "SELECT slug, category FROM SqlArticle WHERE year > 2000 "
        "ORDER BY bm25('boat', 'title') LIMIT 3",
    )
    assert _ids(ordered.objects) == _ids(
        list(qs.filter(year__gt=2000).bm25("boat", properties=["title"])[:3])
    )
    assert all(r.category == "boats" for r in ordered.rows)
    anded = wsql.execute(
        weaviate_client,
        "SELECT slug FROM SqlArticle WHERE bm25('red sea', operator => 'and')",
    )
    assert anded.rows == []


def test_near_vector_with_a_bound_vector(
    weaviate_client: WeaviateClient, articles: list[SqlArticle]
) -> None:
    vec = _vec(12)
    result, _ = _both(
        weaviate_client,
        "SELECT slug, _distance FROM SqlArticle WHERE near_vector(:v) AND year < 2015 LIMIT 4",
        {"v": vec},
    )
    expected = list(
        SqlArticle.objects.using(weaviate_client).filter(year__lt=2015).near_vector(vec)[:4]
    )
    assert _ids(result.objects) == _ids(expected)
    assert result.rows[0].slug == "s-12" and result.rows[0]._distance == pytest.approx(0, abs=1e-6)
    distances = [r._distance for r in result.rows]
    assert distances == sorted(distances)
    bounded = wsql.execute(
        weaviate_client,
        "SELECT slug, _distance FROM SqlArticle WHERE near_vector(:v) AND _distance < :d",
        {"v": vec, "d": distances[1] + 1e-7},
    )
    assert len(bounded) >= 2 and all(r._distance <= distances[1] + 1e-6 for r in bounded.rows)
    ordered = wsql.execute(
        weaviate_client,
        "SELECT slug FROM SqlArticle ORDER BY near_vector(:v, distance => 0.5) LIMIT 2",
        {"v": vec},
    )
    assert ordered.rows[0].slug == "s-12"


@pytest.fixture
def docs(weaviate_client: WeaviateClient, inference_server: Any) -> Iterator[type[Model]]:
    class SqlDoc(Model):
        title: str
        category: str = Field(tokenization="field", vectorize=False)

        class Meta:
            vectorizer = Vectorizer.text2vec_transformers(vectorize_collection_name=False)

    create_all(weaviate_client, [SqlDoc])
    result = SqlDoc.objects.using(weaviate_client).bulk_create(
        [
            SqlDoc(title="a red sports car", category="cars"),
            SqlDoc(title="red cars are fast", category="cars"),
            SqlDoc(title="quantum physics lecture", category="science"),
            SqlDoc(title="physics of black holes", category="science"),
        ]
    )
    assert not result.has_errors, result.errors
    yield SqlDoc


def test_near_text_and_hybrid_with_a_vectorizer(
    weaviate_client: WeaviateClient, docs: type[Model]
) -> None:
    result = wsql.execute(
        weaviate_client,
        "SELECT title, category, _distance FROM SqlDoc WHERE near_text('red car') LIMIT 2",
    )
    assert {r.category for r in result.rows} == {"cars"}
    expected = list(docs.objects.using(weaviate_client).near_text("red car")[:2])
    assert _ids(result.objects) == _ids(expected)
    assert result.rows[0]._distance <= result.rows[1]._distance
    filtered = wsql.execute(
        weaviate_client,
        "SELECT title FROM SqlDoc WHERE near_text('red car') AND category = 'science' LIMIT 1",
        use_models=False,
    )
    assert filtered.rows[0].title in ("quantum physics lecture", "physics of black holes")
    hybrid = wsql.execute(
        weaviate_client, "SELECT title, _score FROM SqlDoc WHERE hybrid('black holes', 0.5) LIMIT 1"
    )
    assert hybrid.rows[0].title == "physics of black holes"


# --- parameters are values, never SQL -----------------------------------------------------------


INJECTIONS = ["x' OR '1'='1", "1 OR 1=1", "s-01' --", "'; DELETE FROM SqlArticle; --", "%"]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_attempts_through_params_return_nothing(
    weaviate_client: WeaviateClient, articles: list[SqlArticle], payload: str
) -> None:
    for use_models in (True, False):
        result = wsql.execute(
            weaviate_client,
            "SELECT slug FROM SqlArticle WHERE slug = :t OR category = :t OR tags = :t",
            {"t": payload},
            use_models=use_models,
        )
        assert result.rows == [] and result.objects == []
        listed = wsql.execute(
            weaviate_client,
            "SELECT slug FROM SqlArticle WHERE slug IN (:t) AND year > 0",
            {"t": [payload, f"{payload} "]},
            use_models=use_models,
        )
        assert listed.rows == []
    assert len(wsql.execute(weaviate_client, "SELECT _id FROM SqlArticle")) == 30


# --- a collection without a model, sessions, async, explain, DELETE -------------------------------


@pytest.fixture
def plain(weaviate_client: WeaviateClient) -> WeaviateClient:
    weaviate_client.collections.create(
        "SqlPlain",
        properties=[
            Property(name="name", data_type="text", tokenization="field"),
            Property(name="size", data_type="int"),
            Property(name="price", data_type="number"),
            Property(name="note", data_type="text"),
        ],
    )
    result = weaviate_client.collections.get("SqlPlain").data.insert_many(
        [
            {"name": f"n{i}", "size": i % 4, "price": i * 1.5, "note": f"plain note {i}"}
            for i in range(12)
        ]
    )
    assert not result.has_errors
    return weaviate_client


def test_collection_without_model_returns_rows(plain: WeaviateClient) -> None:
    result = wsql.execute(
        plain, "SELECT name, size FROM sqlPlain WHERE size >= 2 AND price > 3 ORDER BY name"
    )
    assert result.model is None
    assert result.columns == ["name", "size"]
    assert [r.name for r in result.rows] == ["n10", "n11", "n3", "n6", "n7"]
    assert all(isinstance(o, Object) for o in result.objects)
    grouped = wsql.execute(
        plain, "SELECT size, COUNT(*), SUM(price) FROM SqlPlain GROUP BY size ORDER BY size"
    )
    assert [r.as_tuple()[:2] for r in grouped.rows] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert grouped.rows[0]["SUM(price)"] == pytest.approx(1.5 * (0 + 4 + 8))
    star = wsql.execute(plain, "SELECT * FROM SqlPlain WHERE name = :n", {"n": "n5"})
    assert star.columns == ["name", "size", "price", "note"]
    assert star.rows[0].as_dict() == {"name": "n5", "size": 1, "price": 7.5, "note": "plain note 5"}
    bm25 = wsql.execute(plain, "SELECT name FROM SqlPlain WHERE bm25('note 7', 'note') LIMIT 1")
    assert bm25.rows[0].name == "n7"
    with pytest.raises(SQLError) as info:
        wsql.execute(plain, "SELECT x FROM Nowhere")
    assert info.value.construct == "collection Nowhere" and info.value.position == 14
    with pytest.raises(SQLError, match="unknown column 'nope'"):
        wsql.execute(plain, "SELECT nope FROM SqlPlain")


def test_explain_without_and_with_a_model(
    plain: WeaviateClient, articles: list[SqlArticle]
) -> None:
    text = wsql.explain(plain, "SELECT name FROM SqlPlain WHERE size = :s LIMIT 2", {"s": 1})
    assert "live schema" in text and "-- gRPC Search --" in text
    assert 'collection: "SqlPlain"' in text and "value_int: 1" in text
    modeled = wsql.explain(plain, "SELECT slug FROM SqlArticle WHERE year > 2000 LIMIT 2")
    qs = SqlArticle.objects.filter(year__gt=2000).only("slug")[:2]
    assert qs.explain().strip() in modeled
    agg = wsql.explain(plain, "SELECT size, AVG(price) FROM SqlPlain GROUP BY size")
    assert "-- gRPC Aggregate --" in agg and 'property: "price"' in agg
    assert len(wsql.execute(plain, "SELECT _id FROM SqlPlain")) == 12  # nothing was sent


def test_delete_needs_allow_writes(plain: WeaviateClient, articles: list[SqlArticle]) -> None:
    with pytest.raises(SQLError, match="allow_writes"):
        wsql.execute(plain, "DELETE FROM SqlPlain WHERE size = 0")
    done = wsql.execute(plain, "DELETE FROM SqlPlain WHERE size = 0", allow_writes=True)
    assert done.kind == "delete" and done.rows[0].as_dict() == {
        "matches": 3,
        "successful": 3,
        "failed": 0,
    }
    assert wsql.execute(plain, "SELECT COUNT(*) FROM SqlPlain").scalar() == 9
    modeled = wsql.execute(
        plain, "DELETE FROM SqlArticle WHERE category = 'cars'", allow_writes=True
    )
    assert modeled.rows[0].successful == 10
    assert SqlArticle.objects.using(plain).count() == 20


def test_session_results_use_the_identity_map(
    weaviate_client: WeaviateClient, articles: list[SqlArticle]
) -> None:
    with weavorm.Session(weaviate_client) as session:
        loaded = session.get(SqlArticle, articles[3].id)
        result = wsql.execute(session, "SELECT * FROM SqlArticle WHERE slug = 's-03'")
        assert result.objects[0] is loaded


async def test_aexecute_on_the_async_client(
    weaviate_client: WeaviateClient,
    async_weaviate_client: AsyncWeaviateClient,
    articles: list[SqlArticle],
    plain: WeaviateClient,
) -> None:
    result = await wsql.aexecute(
        async_weaviate_client,
        "SELECT slug FROM SqlArticle WHERE year > :y ORDER BY year LIMIT 3",
        {"y": 2015},
    )
    assert [r.slug for r in result.rows] == ["s-21", "s-22", "s-23"]
    assert all(isinstance(o, SqlArticle) for o in result.objects)
    rows = await wsql.aexecute(async_weaviate_client, "SELECT COUNT(*) FROM SqlPlain")
    assert rows.scalar() == 12
    text = await wsql.aexplain(async_weaviate_client, "SELECT name FROM SqlPlain LIMIT 1")
    assert "-- gRPC Search --" in text
    with pytest.raises(SQLError, match="aexecute"):
        wsql.execute(async_weaviate_client, "SELECT name FROM SqlPlain")
    with pytest.raises(SQLError, match="execute"):
        await wsql.aexecute(weaviate_client, "SELECT name FROM SqlPlain")
