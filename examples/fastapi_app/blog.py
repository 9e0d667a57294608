"""The blog API's weavorm models."""

from weavorm import Field, Model, Ref
from weavorm.config import Vectorizer


class Writer(Model):
    name: str = Field(min_length=1, tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class Post(Model):
    title: str = Field(min_length=1, tokenization="word", description="The headline")
    body: str = Field(default="", index_searchable=True)
    year: int = Field(default=2024, ge=1900, le=2100, index_range_filters=True)
    writer: Ref[Writer] | None = None

    class Meta:
        vectorizer = Vectorizer.none()
