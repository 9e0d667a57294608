"""A small JSON API over weavorm models, plus an HTML form (Django forms from a model)."""

import json
import os
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from library.collections import Book
from library.forms import BookForm
from weavorm.contrib.django import session


def _json(book: Book, **extra: Any) -> dict[str, Any]:
    return {**book.model_dump(mode="json"), "pid": os.getpid(), **extra}


def _body(request: HttpRequest) -> dict[str, Any]:
    data = json.loads(request.body or b"{}")
    if isinstance(data.get("tags"), list):
        data["tags"] = ", ".join(data["tags"])  # the form edits a list as text
    return data


@csrf_exempt
def books(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = BookForm(_body(request))
        if not form.is_valid():
            return JsonResponse({"errors": form.errors}, status=422)
        return JsonResponse(_json(form.save()), status=201)
    query = Book.objects.order_by("title")
    if "year" in request.GET:
        query = query.filter(year=int(request.GET["year"]))
    return JsonResponse({"books": [_json(b) for b in query[:100]]})


@csrf_exempt
def book(request: HttpRequest, book_id: Any) -> HttpResponse:
    with session() as s:
        found = s.get(Book, book_id)
        if found is None:
            return JsonResponse({"error": "not found"}, status=404)
        if request.method == "DELETE":
            s.delete(found)
            s.commit()
            return HttpResponse(status=204)
        if request.method in ("PUT", "PATCH"):
            data = {**BookForm(instance=found).initial, **_body(request)}
            form = BookForm(data, instance=found)
            if not form.is_valid():
                return JsonResponse({"errors": form.errors}, status=422)
            form.save(session=s)
        return JsonResponse(_json(found))


def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    hits = Book.objects.bm25(q, properties=["title", "summary"]).limit(10)
    return JsonResponse({"q": q, "books": [_json(b, score=b.meta.score) for b in hits]})


@csrf_exempt
def new_book(request: HttpRequest) -> HttpResponse:
    form = BookForm(request.POST) if request.method == "POST" else BookForm()
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        return HttpResponse(f"<p>saved {saved.title} ({saved.id})</p>", status=201)
    return HttpResponse(f"<form method='post'>{form.as_p()}</form>")
