from __future__ import annotations

import factory
import pytest

from weavorm import Field, Model, Session
from weavorm.config import Vectorizer
from weavorm.engine import WeaviateClient
from weavorm.schema import create_all
from weavorm.testing.factories import ModelFactory

pytestmark = pytest.mark.integration


class FacAuthor(Model):
    name: str = Field(tokenization="field")
    age: int = 30

    class Meta:
        vectorizer = Vectorizer.none()


class FacAuthorFactory(ModelFactory):
    class Meta:
        model = FacAuthor

    name = factory.Sequence(lambda n: f"author {n}")
    age = 40


def test_factories_build_create_and_batch(weaviate_client: WeaviateClient) -> None:
    create_all(weaviate_client, [FacAuthor])
    built = FacAuthorFactory.build()
    assert built.name.startswith("author ") and built.age == 40
    created = FacAuthorFactory.create(using=weaviate_client, age=50)
    stored = FacAuthor.objects.using(weaviate_client).get(id=created.id)
    assert stored.age == 50
    FacAuthorFactory.create_batch(25, using=weaviate_client)
    assert FacAuthor.objects.using(weaviate_client).count() == 26
    with Session(weaviate_client) as session:
        pending = FacAuthorFactory.create(using=session)
        assert session.new == [pending]
        session.commit()
    assert FacAuthor.objects.using(weaviate_client).count() == 27
