"""Run with ``python manage.py test`` (Django's runner + WeavormTestRunner)."""

import json

from django.test import SimpleTestCase

from library.collections import Author, Book
from library.forms import BookForm
from weavorm.contrib.django import get_client
from weavorm.contrib.django.testing import WeavormTestCase


class BookApiTests(WeavormTestCase, SimpleTestCase):
    def post(self, path: str, data: dict) -> dict:
        reply = self.client.post(path, json.dumps(data), content_type="application/json")
        return {"status": reply.status_code, **reply.json()}

    def test_crud_and_search(self) -> None:
        made = self.post("/books/", {"title": "Dune", "summary": "sand and spice", "year": 1965})
        self.assertEqual(made["status"], 201)
        self.assertNotIn("vector", made)
        self.post("/books/", {"title": "Emma", "summary": "matchmaking in Highbury", "year": 1815})

        listed = self.client.get("/books/").json()["books"]
        self.assertEqual([b["title"] for b in listed], ["Dune", "Emma"])
        self.assertEqual(self.client.get("/books/?year=1815").json()["books"][0]["title"], "Emma")

        url = f"/books/{made['id']}/"
        self.assertEqual(self.client.get(url).json()["summary"], "sand and spice")
        changed = self.client.put(url, json.dumps({"year": 1966}), content_type="application/json")
        self.assertEqual(changed.json()["year"], 1966)
        stored = Book.objects.get(id=made["id"])
        self.assertEqual((stored.year, stored.summary), (1966, "sand and spice"))

        hits = self.client.get("/books/search/?q=spice").json()["books"]
        self.assertEqual([b["title"] for b in hits], ["Dune"])

        self.assertEqual(self.client.delete(url).status_code, 204)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(Book.objects.count(), 1)

    def test_validation_errors_land_on_form_fields(self) -> None:
        reply = self.post("/books/", {"title": "x" * 300, "year": 3000})
        self.assertEqual(reply["status"], 422)
        self.assertIn("title", reply["errors"])  # max_length=200 became a form limit
        self.assertIn("year", reply["errors"])  # so did le=2100
        reply = self.post("/books/", {"title": "Dune", "tags": ["SciFi"]})
        self.assertEqual(reply["status"], 422)  # the model's own validator, on its field:
        self.assertEqual(reply["errors"], {"tags": ["Value error, tags must be lowercase"]})
        self.assertEqual(Book.objects.count(), 0)

    def test_form_with_reference_and_html(self) -> None:
        author = Author(name="Frank Herbert")
        Author.objects.using(get_client()).create(name=author.name, id=author.id)
        form = BookForm({"title": "Dune Messiah", "tags": "sf, sequel", "author": str(author.id)})
        self.assertTrue(form.is_valid(), form.errors)
        book = form.save()
        loaded = Book.objects.select_related("author").get(id=book.id)
        self.assertEqual(loaded.tags, ["sf", "sequel"])
        self.assertEqual(loaded.author.name, "Frank Herbert")
        page = self.client.get("/books/new/").content.decode()
        self.assertIn('name="title"', page)
        self.assertIn('name="year"', page)
