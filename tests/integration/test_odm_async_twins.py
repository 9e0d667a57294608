"""Async twins of every QuerySet evaluation, QuerySet repr, and async factories."""

from __future__ import annotations

import factory
import pytest

from weavorm import AsyncSession, Field, Model, Ref, Session
from weavorm.config import Vectorizer
from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.errors import QueryError
from weavorm.schema import create_all
from weavorm.testing.factories import ModelFactory

pytestmark = pytest.mark.integration


class TwinShelf(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class TwinBook(Model):
    title: str = Field(tokenization="field")
    year: int = 2000
    shelf: Ref[TwinShelf] | None = None

    class Meta:
        vectorizer = Vectorizer.none()


class TwinShelfFactory(ModelFactory):
    class Meta:
        model = TwinShelf

    name = factory.Sequence(lambda n: f"shelf {n}")


class TwinBookFactory(ModelFactory):
    class Meta:
        model = TwinBook

    title = factory.Sequence(lambda n: f"book {n:03d}")
    shelf = factory.SubFactory(TwinShelfFactory)


@pytest.fixture
def schema(weaviate_client: WeaviateClient) -> None:
    create_all(weaviate_client, [TwinShelf, TwinBook])


async def test_async_twins_match_sync(
    schema: None, weaviate_client: WeaviateClient, async_weaviate_client: AsyncWeaviateClient
) -> None:
    books = TwinBook.objects.using(async_weaviate_client)
    await books.abulk_create([TwinBook(title=f"b{i}", year=2000 + i) for i in range(7)])

    obj, created = await books.aget_or_create(title="new", defaults={"year": 1999})
    assert created and obj.year == 1999
    again, created = await books.aget_or_create(title="new", defaults={"year": 1})
    assert not created and again.id == obj.id and again.year == 1999
    obj, created = await books.aupdate_or_create(title="new", defaults={"year": 1998})
    assert not created and obj.year == 1998
    obj, created = await books.aupdate_or_create(title="other", defaults={"year": 1997})
    assert created
    sync = TwinBook.objects.using(weaviate_client)
    assert sync.get(title="new").year == 1998
    assert sync.get(title="other").year == 1997

    assert await books.filter(year__gte=2005).aupdate(year=3000) == 2
    assert sorted(sync.filter(year=3000).values_list("title", flat=True)) == ["b5", "b6"]

    rows = await books.filter(title="b1").avalues("title", "year")
    assert rows == [{"title": "b1", "year": 2001}]
    assert await books.filter(title="b2").avalues_list("id", "year") == [
        (sync.get(title="b2").id, 2002)
    ]
    flat = await books.filter(year__lt=2003).avalues_list("title", flat=True)
    assert sorted(flat) == sorted(sync.filter(year__lt=2003).values_list("title", flat=True))
    assert await books.filter(title="b3").aexists()
    assert not await books.filter(title="nope").aexists()

    seen = [b.title async for b in books.aiterator(chunk_size=3)]
    assert sorted(seen) == sorted(b.title for b in sync.iterator(chunk_size=4))
    assert len(seen) == 9 == await books.acount()
    with pytest.raises(QueryError, match="aiterator"):
        [b async for b in books.filter(year=1).aiterator()]

    with pytest.raises(QueryError, match=r"aupdate\(") as info:
        books.update(year=1)
    assert "async" in str(info.value)
    with pytest.raises(QueryError, match="aget_or_create"):
        books.get_or_create(title="x")
    with pytest.raises(QueryError, match="async for"):
        list(books)


async def test_async_session_twins(
    schema: None, async_weaviate_client: AsyncWeaviateClient
) -> None:
    async with AsyncSession(async_weaviate_client) as session:
        books = session.query(TwinBook)
        obj, created = await books.aget_or_create(title="s", defaults={"year": 5})
        assert created
        same = await books.aget(title="s")
        assert same is await session.get(TwinBook, obj.id)


def test_queryset_repr(
    schema: None, weaviate_client: WeaviateClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from weavorm.odm import binding

    # No default client, whatever earlier tests configured: "unbound" means unbound.
    monkeypatch.setitem(binding._default, "sync", None)
    monkeypatch.setitem(binding._default, "async", None)
    TwinBook.objects.using(weaviate_client).bulk_create(
        [TwinBook(title=f"r{i:02d}", year=i) for i in range(25)]
    )
    assert repr(TwinBook.objects) == "<Manager TwinBook>"
    unbound = TwinBook.objects.filter(year__gt=3).order_by("-year")[:5]
    assert repr(unbound) == (
        "<QuerySet TwinBook filter=Q(year__gt=3) order_by=(-year) limit=5 (unevaluated)>"
    )
    bound = TwinBook.objects.using(weaviate_client)
    few = repr(bound.filter(year__lt=2).order_by("year"))
    assert few.startswith("<QuerySet [TwinBook(id=UUID(") and few.endswith(")]>")
    assert "title='r00'" in few and "title='r01'" in few and "truncated" not in few
    many = repr(bound.all())
    assert many.count("TwinBook(") == 20
    assert many.endswith("'...(remaining elements truncated)...']>")
    assert repr(bound.filter(title="none")) == "<QuerySet []>"
    with Session(weaviate_client) as session:
        assert repr(session.query(TwinBook).filter(title="r03")).count("TwinBook(") == 1


def test_factory_using_reaches_subfactory(schema: None, weaviate_client: WeaviateClient) -> None:
    book = TwinBookFactory.create(using=weaviate_client)
    assert book.shelf is not None
    stored = TwinBook.objects.using(weaviate_client).select_related("shelf").get(id=book.id)
    assert stored.shelf is not None and stored.shelf.name == book.shelf.name
    TwinBookFactory.create_batch(4, using=weaviate_client)
    assert TwinShelf.objects.using(weaviate_client).count() == 5
    with Session(weaviate_client) as session:
        pending = TwinBookFactory.create(using=session)
        assert {type(o).__name__ for o in session.new} == {"TwinBook", "TwinShelf"}
        session.commit()
    assert TwinShelf.objects.using(weaviate_client).count() == 6
    assert pending.shelf is not None
    assert TwinShelf.objects.using(weaviate_client).get(id=pending.shelf.id)


async def test_async_factories(
    schema: None, weaviate_client: WeaviateClient, async_weaviate_client: AsyncWeaviateClient
) -> None:
    book = await TwinBookFactory.acreate(using=async_weaviate_client, year=1900)
    batch = await TwinBookFactory.acreate_batch(3, using=async_weaviate_client)
    sync = TwinBook.objects.using(weaviate_client)
    assert sync.get(id=book.id).year == 1900
    assert sync.count() == 4 and TwinShelf.objects.using(weaviate_client).count() == 4
    loaded = sync.select_related("shelf").get(id=batch[0].id)
    assert loaded.shelf is not None and loaded.shelf.name == batch[0].shelf.name
    async with AsyncSession(async_weaviate_client) as session:
        await TwinShelfFactory.acreate_batch(2, using=session)
        assert len(session.new) == 2
        await session.commit()
    assert TwinShelf.objects.using(weaviate_client).count() == 6
