"""weavorm end to end on an embedded local Weaviate: models, schema, writes, searches.

Run with ``bash scripts/dev.sh example`` (or ``.venv/bin/python examples/quickstart.py``).
"""

from __future__ import annotations

import weavorm
from weavorm import Field, Model, Ref, Session
from weavorm.config import Vectorizer
from weavorm.odm import Count, Max
from weavorm.testing.inference import LexicalEmbedder

embed = LexicalEmbedder(dimensions=64)  # deterministic, lexical: no model download


class Author(Model):
    name: str = Field(tokenization="field")

    class Meta:
        vectorizer = Vectorizer.none()


class Article(Model):
    title: str = Field(tokenization="word")
    year: int = Field(index_range_filters=True, vectorize=False)
    tags: list[str] = Field(default_factory=list, tokenization="field")
    author: Ref[Author] | None = None

    class Meta:
        vectorizer = Vectorizer.none()  # we bring our own vectors


TITLES = [
    ("A red sports car on the open road", 2019, ["cars"]),
    ("Why red cars look fast", 2021, ["cars", "design"]),
    ("Quantum physics for beginners", 2018, ["science"]),
    ("Black holes and the physics of light", 2022, ["science", "space"]),
    ("Designing fast electric cars", 2023, ["cars", "design"]),
]


def main() -> None:
    with weavorm.connect_embedded() as client:
        print(f"Weaviate {client.meta()['version']} running at {client.config.http_url}")
        weavorm.schema.drop_all(client, [Article, Author])
        weavorm.schema.create_all(client, [Author, Article])
        weavorm.configure(client)

        with Session.begin(client) as session:  # commits at the end of the block
            ada = Author(name="Ada")
            session.add(ada)
            for title, year, tags in TITLES:
                vector = embed([title])[0]
                session.add(Article(title=title, year=year, tags=tags, author=ada, vector=vector))

        print(f"\nstored {Article.objects.count()} articles")

        print("\nnear_vector('red car'), published after 2018:")
        query = embed(["red car"])[0]
        for article in Article.objects.near_vector(query).filter(year__gt=2018).limit(3):
            print(f"  {article.meta.distance:.3f}  {article.year}  {article.title}")

        print("\nbm25('physics'):")
        for article in Article.objects.bm25("physics").limit(3):
            print(f"  {article.meta.score:.3f}  {article.title}")

        print("\ntagged 'design', with their author loaded in the same request:")
        for article in Article.objects.filter(tags__contains_any=["design"]).select_related(
            "author"
        ):
            assert article.author is not None
            print(f"  {article.title} (by {article.author.name})")

        stats = Article.objects.aggregate(n=Count(), newest=Max("year"))
        print(f"\n{stats['n']} articles, the newest from {stats['newest']}")


if __name__ == "__main__":
    main()
