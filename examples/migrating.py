"""The weavorm side of docs/migrating.md ("Migrating from the official client").

Each ``# --- doc: NAME`` block is quoted verbatim by the guide; this script runs them
all against a real local server (with weavorm's local inference service), so the guide
shows code that works.
"""

from __future__ import annotations

from weavorm.server import WeaviateServer
from weavorm.testing.inference import InferenceServer


def run(url: str, grpc_url: str) -> None:
    # --- doc: connect
    import weavorm

    client = weavorm.connect(url, grpc_url=grpc_url)  # no url: WEAVIATE_URL, then localhost
    assert client.is_ready()
    # --- end

    # --- doc: models
    from weavorm import Field, Model, Ref
    from weavorm.config import Vectorizer

    class Author(Model):
        name: str = Field(tokenization="field")

        class Meta:
            vectorizer = Vectorizer.none()

    class Article(Model):
        title: str = Field(tokenization="word")  # vectorized
        year: int = Field(index_range_filters=True, vectorize=False)
        author: Ref[Author] | None = None

        class Meta:
            vectorizer = Vectorizer.text2vec_transformers()

    weavorm.schema.create_all(client, [Author, Article])  # collections + references
    weavorm.configure(client)  # the default for Model.objects
    # --- end

    # --- doc: insert
    ada = Author.objects.create(name="Ada")
    first = Article.objects.create(title="Notes on the analytical engine", year=1843, author=ada)
    # --- end

    # --- doc: batch
    from weavorm import Session

    with Session.begin(client) as session:  # one batched commit (objects, then references)
        session.add_all(
            [Article(title=f"Lecture {i} on engines", year=1850 + i, author=ada) for i in range(20)]
        )
    # --- end

    # --- doc: fetch
    recent = Article.objects.filter(year__gt=1860).order_by("-year")[:5]
    assert [a.year for a in recent] == [1869, 1868, 1867, 1866, 1865]
    by_ada = Article.objects.filter(author__name="Ada").count()
    assert by_ada == 21
    # --- end

    # --- doc: by-id
    same = Article.objects.get(id=first.id)  # Article.DoesNotExist when missing
    assert same.title == first.title
    # --- end

    # --- doc: search
    hits = Article.objects.near_text("analytical engine")[:3]
    print([(round(a.meta.distance or 0, 3), a.title) for a in hits])
    keyword = Article.objects.bm25("analytical", properties=["title"]).first()
    assert keyword is not None and keyword.id == first.id
    mixed = Article.objects.hybrid("engine lecture", alpha=0.5).filter(year__lt=1855)[:3]
    assert all(a.year < 1855 for a in mixed)
    # --- end

    # --- doc: references
    article = Article.objects.select_related("author").get(id=first.id)
    assert article.author is not None and article.author.name == "Ada"  # loaded, no N+1
    # --- end

    # --- doc: update
    with Session(client) as session:
        article = session.query(Article).get(id=first.id)
        article.year = 1842
        session.commit()  # sends only what changed; the vector is kept
    Article.objects.filter(year__gte=1865).update(year=1900)  # merge updates
    # --- end

    # --- doc: aggregate
    from weavorm.odm import Count, Max

    stats = Article.objects.aggregate(n=Count(), newest=Max("year"))
    assert stats == {"n": 21, "newest": 1900}
    # --- end

    # --- doc: iterate
    titles = [a.title for a in Article.objects.iterator(chunk_size=10)]  # cursor paging
    assert len(titles) == 21
    # --- end

    # --- doc: delete
    result = Article.objects.filter(year=1900).delete()
    assert result.successful == 5
    # --- end

    # --- doc: engine
    from weavorm.engine import Filter
    from weavorm.engine.options import MetadataQuery

    articles = client.collections.get("Article")
    page = articles.query.fetch_objects(
        filters=Filter.by_property("year").greater_than(1860), limit=3
    )
    near = articles.query.near_text("engine", limit=2, return_metadata=MetadataQuery(distance=True))
    print(len(page.objects), [o.metadata.distance for o in near.objects])
    # --- end

    print("every migrating.md snippet ran")
    client.close()
    weavorm.configure(None)


def main() -> None:
    with (
        InferenceServer() as inference,
        WeaviateServer(
            modules=["text2vec-transformers"],
            env={"TRANSFORMERS_INFERENCE_API": inference.url},
        ) as server,
    ):
        run(server.url, server.grpc_url)


if __name__ == "__main__":
    main()
