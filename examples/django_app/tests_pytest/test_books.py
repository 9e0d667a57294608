"""The same site under pytest-django: ``pytest tests_pytest`` (see pytest.ini)."""

from library.collections import Book

from weavorm import Session


def test_create_and_search(client, weavorm_collections) -> None:
    reply = client.post(
        "/books/", {"title": "Solaris", "summary": "an ocean that thinks"}, "application/json"
    )
    assert reply.status_code == 201
    with Session(weavorm_collections) as s:
        s.add(Book(title="Ubik", summary="time runs backwards"))
        s.commit()
    hits = client.get("/books/search/?q=ocean").json()["books"]
    assert [b["title"] for b in hits] == ["Solaris"]
    assert Book.objects.count() == 2


def test_collections_are_fresh_per_test(weavorm_collections) -> None:
    assert Book.objects.count() == 0
