from django.urls import path

from library import views

urlpatterns = [
    path("", views.books, name="books"),
    path("new/", views.new_book, name="new-book"),
    path("search/", views.search, name="search"),
    path("<uuid:book_id>/", views.book, name="book"),
]
