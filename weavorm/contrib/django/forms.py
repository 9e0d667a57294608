"""Django forms built from weavorm models.

::

    from weavorm.contrib.django.forms import ModelForm

    class ArticleForm(ModelForm):
        class Meta:
            model = Article
            fields = ["title", "body", "year", "tags"]   # or "__all__", or exclude = [...]

    form = ArticleForm(request.POST)
    if form.is_valid():
        article = form.save()          # through a Session on the "default" alias

Form fields follow the model's fields (``str`` -> ``CharField``, ``int`` ->
``IntegerField``, ``list[...]`` -> comma-separated text, ``Ref`` -> ``UUIDField``,
``Refs`` -> comma-separated ids, other types -> ``JSONField``). After the form's own
cleaning the model validates the data (pydantic), and each error is reported on the
form field it concerns (model-level errors are non-field errors).
``modelform_factory(Article, fields=[...])`` makes the same class without a declaration.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin
from uuid import UUID

import pydantic
from django import forms
from django.forms.forms import DeclarativeFieldsMetaclass

from weavorm.odm.refs import Ref

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

    from weavorm.odm.model import Model
    from weavorm.odm.session import Session

__all__ = ["CommaSeparatedField", "ModelForm", "formfield_for", "modelform_factory"]

_SKIP = ("id", "vector", "vectors")


class CommaSeparatedField(forms.CharField):
    """A list edited as comma-separated text (the model converts each item)."""

    def to_python(self, value: Any) -> list[str]:
        """Split on commas, strip blanks."""
        if isinstance(value, list | tuple):
            return [str(v) for v in value]
        text = super().to_python(value) or ""
        return [part.strip() for part in text.split(",") if part.strip()]

    def prepare_value(self, value: Any) -> Any:
        """Show a list as ``a, b, c``."""
        if isinstance(value, list | tuple):
            return ", ".join(str(getattr(v, "id", v)) for v in value)
        return value


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def formfield_for(attr: str, finfo: FieldInfo) -> forms.Field:
    """The Django form field for one model field."""
    annotation, optional = _unwrap_optional(finfo.annotation)
    required = finfo.is_required() and not optional
    options: dict[str, Any] = {
        "required": required,
        "label": finfo.title or attr.replace("_", " ").capitalize(),
        "help_text": finfo.description or "",
    }
    if not finfo.is_required() and finfo.default_factory is None:
        default = finfo.default
        if default is not None and not isinstance(default, Ref):
            options["initial"] = default
    limits = _limits(finfo)
    origin = get_origin(annotation)
    if annotation is bool:
        options["required"] = False
        return forms.BooleanField(**options)
    if annotation is str:
        lengths = {k: limits[k] for k in ("max_length", "min_length") if k in limits}
        return forms.CharField(empty_value=None if optional else "", **lengths, **options)
    if annotation in (int, float):
        bounds = {k: limits[k] for k in ("max_value", "min_value") if k in limits}
        field = forms.IntegerField if annotation is int else forms.FloatField
        return field(**bounds, **options)
    if annotation is dt.datetime:
        return forms.DateTimeField(**options)
    if annotation is dt.date:
        return forms.DateField(**options)
    if annotation is UUID or origin is Ref or annotation is Ref:
        return forms.UUIDField(**options)
    if origin is list and get_args(annotation):
        item = get_args(annotation)[0]
        if item in (str, int, float, UUID, dt.datetime) or get_origin(item) is Ref:
            return CommaSeparatedField(**options)
    return forms.JSONField(**options)


def _limits(finfo: FieldInfo) -> dict[str, Any]:
    """Length and range constraints of a pydantic field, as Django field options."""
    out: dict[str, Any] = {}
    for item in finfo.metadata:
        for attr, option in (
            ("max_length", "max_length"),
            ("min_length", "min_length"),
            ("le", "max_value"),
            ("ge", "min_value"),
        ):
            value = getattr(item, attr, None)
            if value is not None:
                out[option] = value
    return out


def _initial(value: Any) -> Any:
    if isinstance(value, Ref):
        return value.id
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list) and value and isinstance(value[0], pydantic.BaseModel):
        return [v.model_dump(mode="json") for v in value]
    return value


def fields_for_model(
    model: type[Model],
    *,
    fields: Sequence[str] | str | None = None,
    exclude: Sequence[str] | None = None,
) -> dict[str, forms.Field]:
    """Form fields for ``model``'s fields (all but id and vectors by default)."""
    names = [n for n in model.model_fields if n not in _SKIP]
    if fields is not None and fields != "__all__":
        unknown = [f for f in fields if f not in model.model_fields]
        if unknown:
            raise pydantic.PydanticUserError(
                f"{model.__name__} has no field(s) {', '.join(unknown)}", code=None
            )
        names = list(fields)
    if exclude:
        names = [n for n in names if n not in exclude]
    return {name: formfield_for(name, model.model_fields[name]) for name in names}


class ModelFormMetaclass(DeclarativeFieldsMetaclass):
    """Adds the fields of ``Meta.model`` (declared fields override them)."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        new_class = super().__new__(mcs, name, bases, attrs)
        meta = getattr(new_class, "Meta", None)
        model = getattr(meta, "model", None)
        if model is not None:
            generated = fields_for_model(
                model, fields=getattr(meta, "fields", None), exclude=getattr(meta, "exclude", None)
            )
            generated.update(new_class.declared_fields)
            new_class.base_fields = generated
        return new_class


class ModelForm(forms.Form, metaclass=ModelFormMetaclass):
    """A form for a weavorm model: ``class Meta: model = Article; fields = [...]``.

    Args:
        data: The submitted data (``request.POST``).
        instance: An existing object to edit (its values are the initial values).
        alias: The ``settings.WEAVORM`` alias :meth:`save` writes to.
        **kwargs: Django ``Form`` options (``initial``, ``prefix``, ...).
    """

    class Meta:
        """Set ``model`` (and ``fields`` or ``exclude``) in subclasses."""

        model: type[Model] | None = None

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        instance: Model | None = None,
        alias: str = "default",
        **kwargs: Any,
    ) -> None:
        model = self._model()
        self.instance = instance
        self.alias = alias
        self._validated: Model | None = None
        self._changes: dict[str, Any] = {}
        if instance is not None:
            if not isinstance(instance, model):
                raise TypeError(f"instance must be a {model.__name__}, got {type(instance)}")
            initial = {
                name: _initial(getattr(instance, name))
                for name in self.base_fields
                if name in model.model_fields
            }
            initial.update(kwargs.pop("initial", None) or {})
            kwargs["initial"] = initial
        super().__init__(data, files, **kwargs)

    @classmethod
    def _model(cls) -> type[Model]:
        model = getattr(getattr(cls, "Meta", None), "model", None)
        if model is None:
            raise TypeError(f"{cls.__name__}.Meta.model is not set")
        return model  # type: ignore[no-any-return]

    def _model_data(self) -> dict[str, Any]:
        model = self._model()
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            finfo = model.model_fields.get(name)
            if finfo is None:
                continue
            _, optional = _unwrap_optional(finfo.annotation)
            if value is None and not optional and not finfo.is_required():
                continue  # left empty: the model's default applies
            data[name] = value
        return data

    def _post_clean(self) -> None:
        model = self._model()
        data = self._model_data()
        try:
            if self.instance is None:
                self._validated = model(**data)
            else:
                current = {
                    name: getattr(self.instance, name)
                    for name in model.model_fields
                    if name not in ("vector", "vectors")
                }
                self._validated = model.model_validate({**current, **data})
                self._changes = {
                    k: getattr(self._validated, k)
                    for k in data
                    if getattr(self.instance, k) != getattr(self._validated, k)
                }
        except pydantic.ValidationError as exc:
            for error in exc.errors():
                loc = error.get("loc") or ()
                field = loc[0] if loc and loc[0] in self.fields else None
                message = error.get("msg", "invalid")
                if field is not None and field in self.errors:
                    continue  # the form field's own check already reported it
                self.add_error(str(field) if field is not None else None, message)

    def save(self, *, session: Session | None = None, commit: bool = True) -> Model:
        """Write the object: a new one is added, an edited one gets only the changes.

        Args:
            session: Add to (and commit) this session; default: a new
                :class:`~weavorm.Session` on the form's alias, committed and closed.
            commit: Commit now (with ``False`` and a session, the caller commits;
                without a session nothing is written and the object is returned).

        Returns:
            The saved object (for an edit: the session's copy, with the changes).

        Raises:
            ValueError: the form is not valid.
            FlushError: the server refused the write.
        """
        if self.errors or self._validated is None:
            raise ValueError(f"{type(self).__name__} did not validate: {self.errors.as_text()}")
        if session is None and not commit:
            return self._result()
        own = session is None
        if session is None:
            from weavorm.contrib.django.conf import get_client
            from weavorm.odm.session import Session

            session = Session(get_client(self.alias))
        try:
            if self.instance is None:
                obj = self._validated
                session.add(obj)
            else:
                obj = self._tracked(session)
                for name, value in self._changes.items():
                    setattr(obj, name, value)
            if commit:
                session.commit()
        finally:
            if own:
                session.close()
        if self.instance is not None and self.instance is not obj:
            for name, value in self._changes.items():
                setattr(self.instance, name, value)
        return obj

    def _result(self) -> Model:
        assert self._validated is not None
        if self.instance is None:
            return self._validated
        for name, value in self._changes.items():
            setattr(self.instance, name, value)
        return self.instance

    def _tracked(self, session: Session) -> Model:
        assert self.instance is not None
        if self.instance in session:
            return self.instance
        model = self._model()
        found = session.get(model, self.instance.id)
        if found is None:
            raise model.DoesNotExist(f"{model.__name__} {self.instance.id} no longer exists")
        return found


def modelform_factory(
    model: type[Model],
    *,
    fields: Sequence[str] | str | None = None,
    exclude: Sequence[str] | None = None,
    form: type[ModelForm] = ModelForm,
) -> type[ModelForm]:
    """A :class:`ModelForm` subclass for ``model`` (like Django's ``modelform_factory``)."""
    meta = type("Meta", (), {"model": model, "fields": fields, "exclude": exclude})
    return type(f"{model.__name__}Form", (form,), {"Meta": meta})
