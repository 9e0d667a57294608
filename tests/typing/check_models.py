"""Checked by ``mypy --strict tests/typing`` (not run by pytest): the types users see."""

from __future__ import annotations

from uuid import UUID

from typing_extensions import assert_type

from weavorm import AsyncRepository, AsyncSession, Field, Model, Ref, Refs, Repository, Session
from weavorm.engine.types import BatchResult
from weavorm.odm import GenerateResult, Manager, QuerySet


class Author(Model):
    name: str = Field(tokenization="field")


class Article(Model):
    title: str = Field(tokenization="word")
    year: int = Field(index_range_filters=True, vectorize=False)
    tags: list[str] = Field(default_factory=list, tokenization="field")
    author: Ref[Author] | None = None
    cites: Refs[Article] = Field(default_factory=list)


def check() -> None:
    article = Article(title="t", year=2000)
    assert_type(article.id, UUID)
    assert_type(article.title, str)
    assert_type(article.tags, list[str])
    assert_type(article.author, Ref[Author] | None)
    assert_type(Article.objects, Manager[Article])
    assert_type(Article.objects.filter(year__gt=2000), QuerySet[Article])
    assert_type(Article.objects.filter(year__gt=2000).first(), Article | None)
    assert_type(Article.objects.get(title="x"), Article)
    assert_type(Article.objects.all()[0], Article)
    assert_type(Article.objects.all()[1:3], QuerySet[Article])
    assert_type(Article.objects.count(), int)
    assert_type(list(Article.objects.near_text("x")), list[Article])
    assert_type(Article.objects.bulk_create([article]), BatchResult)
    assert_type(Article.objects.generate(single_prompt="p"), GenerateResult[Article])
    qs: QuerySet[Article] = Article.objects.all()
    assert_type(qs.in_bulk([article.id]), dict[UUID, Article])
    if article.author is not None:
        assert_type(article.author.obj, Author)
        assert_type(article.author.fetch(), Author)


async def acheck() -> None:
    assert_type(await Article.objects.aget(title="x"), Article)
    assert_type(await Article.objects.afirst(), Article | None)
    assert_type(await Article.objects.acount(), int)
    async for a in Article.objects.all():
        assert_type(a, Article)


# Required fields must be given (a type error for mypy):
Article(title="t")  # type: ignore[call-arg]


class Customer(Model):
    name: str
    tier: int = 0

    def label(self) -> str:
        return self.name


class Ticket(Model):
    subject: str
    customer: Ref[Customer] | None = None
    owner: Ref[Customer]
    watchers: Refs[Customer] = Field(default_factory=list)


def check_refs() -> None:
    customer = Customer(name="Ada")
    ticket = Ticket(subject="s", customer=customer, owner=customer, watchers=[customer])
    Ticket(subject="s", customer=customer.id, owner=Ref.to(customer))
    ticket.customer = customer
    ticket.customer = None
    ticket.watchers = [customer, Ref.to(customer)]
    assert_type(ticket.owner, Ref[Customer])
    assert_type(ticket.owner.id, UUID)
    assert_type(ticket.owner.name, str)
    assert_type(ticket.owner.tier, int)
    assert_type(ticket.owner.label(), str)
    assert_type(ticket.owner.fetch(), Customer)
    assert_type(ticket.owner.loaded, bool)
    assert_type(ticket.watchers[0].name, str)


class ArticleRepository(Repository[Article]):
    def recent(self) -> list[Article]:
        return self.find(year__gte=2020, order_by=["-year"])


def check_repository(session: Session, asession: AsyncSession) -> None:
    articles = ArticleRepository(session)
    assert_type(articles.get(UUID(int=1)), Article | None)
    assert_type(articles.find(year=2000), list[Article])
    assert_type(articles.recent(), list[Article])
    assert_type(articles.search("vectors", mode="bm25"), list[Article])
    assert_type(articles.search(vector=[0.1, 0.2]), list[Article])
    assert_type(articles.add(Article(title="t", year=1)), Article)
    assert_type(articles.count(), int)
    articles.remove(Article(title="t", year=1))
    authors = Repository(session, model=Author)
    assert_type(authors, Repository[Author])
    assert_type(authors.find_one(name="Ada"), Author | None)
    authors.add(Article(title="t", year=1))  # type: ignore[arg-type]
    articles.search("x", mode="fuzzy")  # type: ignore[arg-type]
    Repository(asession, model=Author)  # type: ignore[arg-type]


async def acheck_repository(asession: AsyncSession) -> None:
    authors = AsyncRepository(asession, model=Author)
    assert_type(await authors.get(UUID(int=1)), Author | None)
    assert_type(await authors.find(name="Ada"), list[Author])
    assert_type(await authors.search("ada", mode="near_text", limit=3), list[Author])
    assert_type(authors.add(Author(name="x")), Author)
