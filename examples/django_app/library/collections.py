"""The app's weavorm models (found by weavorm.contrib.django: ``collections.py``)."""

from pydantic import field_validator

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

    @field_validator("tags")
    @classmethod
    def _lowercase(cls, tags: list[str]) -> list[str]:
        if any(tag != tag.lower() for tag in tags):
            raise ValueError("tags must be lowercase")
        return tags
