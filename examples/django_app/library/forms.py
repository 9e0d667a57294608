from library.collections import Book
from weavorm.contrib.django.forms import ModelForm


class BookForm(ModelForm):
    class Meta:
        model = Book
        fields = ("title", "summary", "year", "tags", "author")
