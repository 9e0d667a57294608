"""The app's weavorm models (found by weavorm.contrib.django: ``collections.py``)."""

from weavorm import Field, Model, Ref
from weavorm.config import Vectorizer


class Author(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class Book(Model):
    title: str = Field(min_length=1, max_length=200, tokenization="word")
    summary: str = Field(default="", index_searchable=True)
    year: int = Field(default=2024, ge=1450, le=2100, index_range_filters=True)
    tags: list[str] = Field(default_factory=list, tokenization="field")
    author: Ref[Author] | None = None

    class Meta:
        vectorizer = Vectorizer.none()
