"""The code of docs/testing.md, run as a user's test module would run it.

Each block between ``# --- doc: NAME`` markers is quoted verbatim by the guide
(``tests/unit/test_docs_snippets.py`` checks that they stay identical).
"""

from __future__ import annotations

# --- doc: models
import factory
import pytest

from weavorm import AsyncSession, Field, Model, Ref, Session
from weavorm.config import Vectorizer
from weavorm.engine import AsyncWeaviateClient, WeaviateClient
from weavorm.schema import create_all
from weavorm.testing.factories import ModelFactory


class Customer(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class Ticket(Model):
    subject: str
    customer: Ref[Customer] | None = None

    class Meta:
        vectorizer = Vectorizer.none()


class CustomerFactory(ModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"customer {n}")


class TicketFactory(ModelFactory):
    class Meta:
        model = Ticket

    subject = factory.Sequence(lambda n: f"ticket {n}")
    customer = factory.SubFactory(CustomerFactory)


@pytest.fixture
def schema(weaviate_client: WeaviateClient) -> None:
    create_all(weaviate_client, [Customer, Ticket])  # dropped again after each test


# --- end


# --- doc: sync
def test_tickets_have_customers(schema: None, weaviate_client: WeaviateClient) -> None:
    ticket = TicketFactory.create(using=weaviate_client)  # the customer is stored too
    TicketFactory.create_batch(10, using=weaviate_client)  # one batch per model

    tickets = Ticket.objects.using(weaviate_client)
    assert tickets.count() == 11
    loaded = tickets.select_related("customer").get(id=ticket.id)
    assert loaded.customer is not None
    assert loaded.customer.name == ticket.customer.name


# --- end


# --- doc: session
def test_factories_in_a_session(schema: None, weaviate_client: WeaviateClient) -> None:
    with Session(weaviate_client) as session:
        TicketFactory.create(using=session)  # added, not stored yet
        assert len(session.new) == 2  # the ticket and its customer
        session.commit()
    assert Customer.objects.using(weaviate_client).count() == 1


# --- end


# --- doc: async
async def test_async_factories(schema: None, async_weaviate_client: AsyncWeaviateClient) -> None:
    await TicketFactory.acreate_batch(3, using=async_weaviate_client)
    assert await Ticket.objects.using(async_weaviate_client).acount() == 3
    async with AsyncSession(async_weaviate_client) as session:
        await CustomerFactory.acreate(using=session, name="Ada")
        await session.commit()
    ada = await Customer.objects.using(async_weaviate_client).aget(name="Ada")
    assert ada.name == "Ada"


# --- end


# --- doc: engine
def test_engine_level(weaviate_client: WeaviateClient, collection_name: str) -> None:
    weaviate_client.collections.create(collection_name)  # unique to this test
    handle = weaviate_client.collections.get(collection_name)
    handle.data.insert({"title": "hello"})
    assert handle.aggregate.over_all(total_count=True).total_count == 1


# --- end


# --- doc: inference
def test_vectorizer_module(weaviate_client: WeaviateClient, inference_server: object) -> None:
    class SearchDoc(Model):
        title: str

        class Meta:
            vectorizer = Vectorizer.text2vec_transformers()

    create_all(weaviate_client, [SearchDoc])
    docs = SearchDoc.objects.using(weaviate_client)
    docs.bulk_create([SearchDoc(title="red cars"), SearchDoc(title="black holes")])
    assert docs.near_text("a red car").first().title == "red cars"  # type: ignore[union-attr]


# --- end
