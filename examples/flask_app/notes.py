"""The notes app's weavorm models."""

from weavorm import Field, Model, Ref
from weavorm.config import Vectorizer


class Notebook(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()
        id_fields = ("name",)  # one notebook per name: its id is derived from it


class Note(Model):
    title: str = Field(min_length=1, tokenization="word")
    text: str = Field(default="", index_searchable=True)
    tags: list[str] = Field(default_factory=list, tokenization="field")
    notebook: Ref[Notebook] | None = None

    class Meta:
        vectorizer = Vectorizer.none()  # clients may send their own embedding
