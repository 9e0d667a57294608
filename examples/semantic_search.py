"""Semantic search with a vectorizer module, served by weavorm's local inference service.

Weaviate's text2vec-transformers module embeds the articles through
``weavorm.testing.inference.InferenceServer`` (a deterministic lexical embedder: no
model download, no internet). Swap in a real transformers container in production.
"""

from __future__ import annotations

import weavorm
from weavorm import Field, Model, Ref, Session
from weavorm.config import Vectorizer
from weavorm.testing.inference import InferenceServer


class Author(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class Article(Model):
    title: str = Field(tokenization="word")  # vectorized by the module
    year: int = Field(index_range_filters=True, vectorize=False)
    author: Ref[Author] | None = None

    class Meta:
        vectorizer = Vectorizer.text2vec_transformers()


def main() -> None:
    with (
        InferenceServer() as inference,
        weavorm.connect_embedded(
            modules=["text2vec-transformers"],
            env={"TRANSFORMERS_INFERENCE_API": inference.url},
        ) as client,
    ):
        weavorm.schema.create_all(client, [Author, Article])
        weavorm.configure(client)
        with Session.begin(client) as s:  # one batched commit
            ada = Author(name="Ada")
            s.add(ada)
            s.add_all(
                [
                    Article(title="Notes on the analytical engine", year=1843, author=ada),
                    Article(title="Sketch of the analytical engine", year=1842, author=ada),
                    Article(title="A treatise on the steam engine", year=1827),
                    Article(title="Poems of the lake district", year=1807),
                ]
            )
        for a in Article.objects.near_text("analytical engine").filter(year__lt=1900)[:3]:
            by = f" (author {a.author.id})" if a.author else ""
            print(f"{a.meta.distance:.3f}  {a.year}  {a.title}{by}")
        print(f"{inference.calls['vectors']} embedding calls served locally")


if __name__ == "__main__":
    main()
