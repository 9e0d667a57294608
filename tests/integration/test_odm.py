"""Issue 4: models, schema from models, managers and QuerySets on the real server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import pydantic
import pytest

import weavorm
from weavorm import Field, Model, Q, Ref, Refs, errors
from weavorm.config import InvertedIndex, Vectorizer
from weavorm.engine import RequestEvent, WeaviateClient
from weavorm.odm import (
    Avg,
    Count,
    GeoCoordinate,
    Max,
    Median,
    Min,
    Mode,
    PercentageTrue,
    Sum,
    TopOccurrences,
)
from weavorm.schema import create_all

pytestmark = pytest.mark.integration

UTC = dt.timezone.utc


class OdmOrg(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class OdmAuthor(Model):
    name: str = Field(tokenization="field")
    org: Ref[OdmOrg] | None = None

    class Meta:
        vectorizer = Vectorizer.none()


class Address(pydantic.BaseModel):
    city: str
    zip: str | None = None


class OdmArticle(Model):
    title: str = Field(tokenization="word")
    slug: str = Field(tokenization="field")
    year: int = Field(index_range_filters=True)
    rating: float = 0.0
    published: bool = False
    tags: list[str] = Field(default_factory=list, tokenization="field")
    when: dt.datetime | None = None
    place: GeoCoordinate | None = None
    address: Address | None = None
    body: str | None = Field(default=None, index_filterable=False)
    author: Ref[OdmAuthor] | None = None
    cites: Refs[OdmArticle] = Field(default_factory=list)

    class Meta:
        vectorizer = Vectorizer.none()
        inverted_index = InvertedIndex(
            index_null_state=True, index_property_length=True, index_timestamps=True
        )


@pytest.fixture
def db(weaviate_client: WeaviateClient) -> Iterator[WeaviateClient]:
    create_all(weaviate_client, [OdmOrg, OdmAuthor, OdmArticle])
    weavorm.configure(weaviate_client)
    yield weaviate_client
    weavorm.configure(None)


def _vec(i: int) -> list[float]:
    return [1.0, float(i), 0.5]


@pytest.fixture
def data(db: WeaviateClient) -> dict[str, Any]:
    org = OdmOrg.objects.create(name="Analytical Engines")
    ada = OdmAuthor.objects.create(name="Ada", org=org)
    bob = OdmAuthor.objects.create(name="Bob")
    articles = [
        OdmArticle(
            title=f"Notes on engine number {i}",
            slug=f"notes-{i}",
            year=2000 + i,
            rating=i / 2,
            published=i % 2 == 0,
            tags=["math", "engine"] if i % 2 == 0 else ["poetry"],
            when=dt.datetime(2020, 1, 1 + i, tzinfo=UTC),
            place=GeoCoordinate(latitude=51.5, longitude=-0.12 + i / 100),
            address=Address(city="London" if i < 5 else "Paris", zip=str(i)),
            body=None if i == 9 else f"body {i}",
            author=ada if i < 6 else bob,
            vector=_vec(i),
        )
        for i in range(10)
    ]
    result = OdmArticle.objects.bulk_create(articles)
    assert not result.has_errors, result.errors
    return {"org": org, "ada": ada, "bob": bob, "articles": articles}


def test_schema_from_models(db: WeaviateClient) -> None:
    stored = db.collections.export_dict("OdmArticle")
    props = {p["name"]: p for p in stored["properties"]}
    assert props["slug"]["tokenization"] == "field"
    assert props["year"]["indexRangeFilters"] is True
    assert props["author"]["dataType"] == ["OdmAuthor"]
    assert props["cites"]["dataType"] == ["OdmArticle"]
    assert props["address"]["dataType"] == ["object"]
    assert props["place"]["dataType"] == ["geoCoordinates"]
    assert stored["invertedIndexConfig"]["indexNullState"] is True


def test_create_get_and_errors(data: dict[str, Any]) -> None:
    article = OdmArticle.objects.get(slug="notes-3")
    assert article.year == 2003 and article.tags == ["poetry"]
    assert article.address == Address(city="London", zip="3")
    assert article.place is not None and article.place.latitude == pytest.approx(51.5)
    assert article.when == dt.datetime(2020, 1, 4, tzinfo=UTC)
    assert OdmArticle.objects.get(id=article.id).slug == "notes-3"
    with pytest.raises(OdmArticle.DoesNotExist):
        OdmArticle.objects.get(slug="missing")
    with pytest.raises(OdmArticle.MultipleObjectsReturned):
        OdmArticle.objects.get(year__gte=2000)
    assert issubclass(OdmArticle.DoesNotExist, errors.ObjectDoesNotExist)
    assert OdmArticle.DoesNotExist is not OdmAuthor.DoesNotExist


@pytest.mark.parametrize(
    ("lookups", "expected"),
    [
        ({"year": 2003}, {3}),
        ({"year__gt": 2007}, {8, 9}),
        ({"year__gte": 2008}, {8, 9}),
        ({"year__lt": 2002}, {0, 1}),
        ({"year__lte": 2001}, {0, 1}),
        ({"year__ne": 2000, "year__lt": 2003}, {1, 2}),
        ({"slug__like": "notes-1*"}, {1}),
        ({"slug__in": ["notes-1", "notes-2"]}, {1, 2}),
        ({"tags__contains_any": ["poetry"]}, {1, 3, 5, 7, 9}),
        ({"tags__contains_all": ["math", "engine"], "year__lt": 2004}, {0, 2}),
        ({"tags__contains_none": ["math"], "year__lt": 2004}, {1, 3}),
        ({"body__isnull": True}, {9}),
        ({"published": True, "year__lt": 2003}, {0, 2}),
        ({"rating__gte": 4.0}, {8, 9}),
        ({"title__match": "number 4"}, {4}),
        ({"slug__len__gt": 7}, set()),
        ({"slug__len__exact": 7}, set(range(10))),
        ({"place__within_geo": (51.5, -0.12, 200.0)}, {0}),
        ({"author__name": "Bob"}, {6, 7, 8, 9}),
        ({"author__org__name": "Analytical Engines", "year__lt": 2002}, {0, 1}),
        ({"when__gte": dt.datetime(2020, 1, 9, tzinfo=UTC)}, {8, 9}),
    ],
)
def test_lookups(data: dict[str, Any], lookups: dict[str, Any], expected: set[int]) -> None:
    found = {a.year - 2000 for a in OdmArticle.objects.filter(**lookups).limit(100)}
    assert found == expected


def test_reference_id_lookups_and_timestamps(data: dict[str, Any]) -> None:
    bob: OdmAuthor = data["bob"]
    assert OdmArticle.objects.filter(author=bob).count() == 4
    assert OdmArticle.objects.filter(author__id=bob.id).count() == 4
    first = data["articles"][0]
    assert OdmArticle.objects.filter(id=first.id).get().slug == "notes-0"
    assert OdmArticle.objects.filter(id__in=[first.id, data["articles"][1].id]).count() == 2
    past = dt.datetime.now(UTC) - dt.timedelta(hours=1)
    assert OdmArticle.objects.filter(created_at__gte=past).count() == 10
    assert OdmArticle.objects.filter(updated_at__lt=past).count() == 0


def test_q_objects(data: dict[str, Any]) -> None:
    qs = OdmArticle.objects.filter(Q(year=2001) | Q(year=2002) | Q(slug="notes-9"))
    assert sorted(a.year for a in qs) == [2001, 2002, 2009]
    qs = OdmArticle.objects.filter(~Q(tags__contains_any=["poetry"]) & Q(year__lt=2005))
    assert sorted(a.year for a in qs) == [2000, 2002, 2004]
    assert OdmArticle.objects.exclude(year__lt=2008).count() == 2


def test_order_slicing_only_values(data: dict[str, Any]) -> None:
    years = [a.year for a in OdmArticle.objects.order_by("-year")[2:5]]
    assert years == [2007, 2006, 2005]
    assert OdmArticle.objects.order_by("year")[0].year == 2000
    assert OdmArticle.objects.order_by("-rating").first().year == 2009  # type: ignore[union-attr]
    partial = OdmArticle.objects.only("slug").order_by("year").first()
    assert partial is not None and partial.slug == "notes-0"
    assert "title" not in partial.__dict__
    rows = OdmArticle.objects.order_by("year").limit(2).values("slug", "year")
    assert rows == [{"slug": "notes-0", "year": 2000}, {"slug": "notes-1", "year": 2001}]
    assert OdmArticle.objects.order_by("year").limit(3).values_list("year", flat=True) == [
        2000,
        2001,
        2002,
    ]
    ids = [data["articles"][0].id, data["articles"][5].id, uuid4()]
    bulk = OdmArticle.objects.in_bulk(ids)
    assert set(bulk) == {ids[0], ids[1]}


def test_count_exists_aggregate(data: dict[str, Any]) -> None:
    assert OdmArticle.objects.count() == 10
    assert OdmArticle.objects.filter(year__gte=2005).count() == 5
    assert OdmArticle.objects.filter(year__gte=2005)[:2].count() == 2
    assert OdmArticle.objects.filter(year=2003).exists()
    assert not OdmArticle.objects.filter(year=1999).exists()
    result = OdmArticle.objects.filter(year__lt=2005).aggregate(
        n=Count(),
        total=Sum("year"),
        avg=Avg("rating"),
        low=Min("year"),
        high=Max("year"),
        med=Median("year"),
        mode=Mode("year"),
        top=TopOccurrences("slug", limit=2),
        pub=PercentageTrue("published"),
    )
    assert result["n"] == 5
    assert result["total"] == sum(range(2000, 2005))
    assert result["avg"] == pytest.approx(1.0)
    assert (result["low"], result["high"], result["med"]) == (2000, 2004, 2002)
    assert result["pub"] == pytest.approx(0.6)
    assert len(result["top"]) == 2
    with pytest.raises(errors.QueryError, match="Sum"):
        OdmArticle.objects.aggregate(x=Sum("slug"))


def test_vector_searches_and_group_by(data: dict[str, Any]) -> None:
    near = OdmArticle.objects.near_vector(_vec(3)).limit(3)
    results = list(near)
    assert results[0].year == 2003
    assert results[0].meta.distance is not None and results[0].meta.distance < 1e-5
    obj = data["articles"][4]
    assert OdmArticle.objects.near_object(obj).limit(1)[0].year == 2004
    bm = list(OdmArticle.objects.bm25("number 7", properties=["title"]).limit(3))
    assert bm[0].year == 2007 and bm[0].meta.score is not None
    hybrid = list(OdmArticle.objects.hybrid("number 5", vector=_vec(5), alpha=0.5).limit(2))
    assert hybrid[0].year == 2005
    filtered = OdmArticle.objects.near_vector(_vec(0)).filter(published=False).limit(2)
    assert all(not a.published for a in filtered)
    groups = (
        OdmArticle.objects.near_vector(_vec(0))
        .group_by("published", groups=2, per_group=3)
        .groups()
    )
    assert {g.name for g in groups} == {"true", "false"}
    assert all(len(g.objects) <= 3 for g in groups)
    cut = list(OdmArticle.objects.near_vector(_vec(0)).autocut(1))
    assert 1 <= len(cut) <= 10
    with_vectors = OdmArticle.objects.with_vector().get(slug="notes-2")
    assert with_vectors.vector == pytest.approx(_vec(2))
    with pytest.raises(errors.QueryError, match="order_by"):
        list(OdmArticle.objects.near_vector(_vec(0)).order_by("year"))


def test_select_related_one_request_and_not_loaded(db: WeaviateClient) -> None:
    org = OdmOrg.objects.create(name="Org")
    authors = [OdmAuthor(name=f"A{i}", org=org) for i in range(5)]
    OdmAuthor.objects.bulk_create(authors)
    OdmArticle.objects.bulk_create(
        [
            OdmArticle(title=f"t{i}", slug=f"s{i}", year=i, author=authors[i % 5], vector=_vec(i))
            for i in range(100)
        ]
    )
    events: list[RequestEvent] = []
    unsubscribe = db.telemetry.subscribe(events.append)
    try:
        loaded = list(OdmArticle.objects.select_related("author", "author__org").limit(100))
    finally:
        unsubscribe()
    searches = [e for e in events if e.kind == "start"]
    assert len(searches) == 1 and searches[0].target == "Search"
    assert len(loaded) == 100
    assert all(a.author is not None and a.author.loaded for a in loaded)
    first = loaded[0]
    assert first.author is not None
    assert first.author.name.startswith("A")
    assert first.author.org.name == "Org"
    plain = OdmArticle.objects.filter(slug="s1").get()
    assert plain.author is not None and not plain.author.loaded
    assert plain.author.id == authors[1].id
    with pytest.raises(errors.NotLoadedError, match="select_related"):
        _ = plain.author.name
    fetched = plain.author.fetch()
    assert fetched.name == "A1" and plain.author.name == "A1"


def test_writes(data: dict[str, Any]) -> None:
    obj, created = OdmAuthor.objects.get_or_create(name="Cleo")
    assert created and OdmAuthor.objects.get(name="Cleo").id == obj.id
    again, created = OdmAuthor.objects.get_or_create(name="Cleo")
    assert not created and again.id == obj.id
    _, created = OdmArticle.objects.update_or_create(slug="notes-1", defaults={"rating": 42.0})
    assert not created and OdmArticle.objects.get(slug="notes-1").rating == 42.0
    assert OdmArticle.objects.filter(year__lt=2003).update(published=True) == 3
    assert OdmArticle.objects.filter(year__lt=2003, published=True).count() == 3
    # an update keeps the stored vector and the other properties
    kept = OdmArticle.objects.with_vector().get(slug="notes-1")
    assert kept.vector == pytest.approx(_vec(1)) and kept.title == "Notes on engine number 1"
    dry = OdmArticle.objects.filter(year__gte=2008).delete(dry_run=True)
    assert dry.matches == 2 and OdmArticle.objects.count() == 10
    done = OdmArticle.objects.filter(year__gte=2008).delete()
    assert done.successful == 2 and OdmArticle.objects.count() == 8


def test_bad_input(db: WeaviateClient) -> None:
    with pytest.raises(pydantic.ValidationError):
        OdmArticle(title="t", slug="s", year="not a year")  # type: ignore[arg-type]
    with pytest.raises(pydantic.ValidationError, match="naive datetime"):
        OdmArticle(title="t", slug="s", year=1, when=dt.datetime(2020, 1, 1))
    with pytest.raises(errors.QueryError, match="valid fields"):
        OdmArticle.objects.filter(titel="x").count()
    with pytest.raises(errors.QueryError, match="valid lookups"):
        OdmArticle.objects.filter(year__bigger=1).count()
    with pytest.raises(errors.QueryError, match="tokenization='field'"):
        OdmArticle.objects.filter(title="Notes").count()
    with pytest.raises(errors.QueryError, match="index_filterable=False"):
        OdmArticle.objects.filter(body__like="x*").count()


async def test_async_twins(
    data: dict[str, Any], async_weaviate_client: weavorm.AsyncWeaviateClient
) -> None:
    qs = OdmArticle.objects.using(async_weaviate_client)
    assert await qs.acount() == 10
    assert (await qs.aget(slug="notes-2")).year == 2002
    first = await qs.order_by("year").afirst()
    assert first is not None and first.year == 2000
    assert await qs.filter(year=2005).aexists()
    assert [a.year async for a in qs.filter(year__lt=2002).order_by("year")] == [2000, 2001]
    agg = await qs.aaggregate(n=Count(), top=Max("year"))
    assert agg == {"n": 10, "top": 2009}
    created = await OdmAuthor.objects.using(async_weaviate_client).acreate(name="Async")
    assert isinstance(created.id, UUID)
    result = await OdmAuthor.objects.using(async_weaviate_client).abulk_create(
        [OdmAuthor(name="x1"), OdmAuthor(name="x2")]
    )
    assert not result.has_errors
    deleted = (
        await OdmAuthor.objects.using(async_weaviate_client).filter(name__in=["x1", "x2"]).adelete()
    )
    assert deleted.successful == 2


def test_iterator_pages_with_cursor(db: WeaviateClient) -> None:
    OdmAuthor.objects.bulk_create([OdmAuthor(name=f"n{i}") for i in range(250)])
    seen = [a.name for a in OdmAuthor.objects.iterator(chunk_size=40)]
    assert len(seen) == 250 and len(set(seen)) == 250
    with pytest.raises(errors.QueryError, match="cursor"):
        next(OdmAuthor.objects.filter(name="n1").iterator())


def test_explain_is_readable(db: WeaviateClient) -> None:
    text = OdmArticle.objects.filter(year__gt=2000).order_by("-year")[:5].explain()
    assert "fetch_objects" in text and "OPERATOR_GREATER_THAN" in text and "limit: 5" in text
