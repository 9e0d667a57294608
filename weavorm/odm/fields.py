"""``Field(...)``: pydantic's Field plus Weaviate options carried as metadata."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic
from pydantic_core import PydanticUndefined

from weavorm.config.vocabulary import TOKENIZATIONS as _TOKENIZATIONS
from weavorm.errors import SchemaError

__all__ = ["Field", "FieldSpec"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """Weaviate options of one model field (found in the field's pydantic metadata).

    Attributes:
        tokenization: Tokenization of a text field.
        index_filterable: Build the filterable index.
        index_searchable: Build the BM25 index (text only).
        index_range_filters: Build the range index (int, number, date).
        vectorize: ``True`` (default vector), ``False`` (skip vectorization), or the
            named vectors this field feeds.
        vectorize_property_name: Include the property name in the vectorized text.
        description: The property's description in the schema.
        name: The Weaviate property name when it differs from the Python name.
    """

    tokenization: str | None = None
    index_filterable: bool | None = None
    index_searchable: bool | None = None
    index_range_filters: bool | None = None
    vectorize: bool | tuple[str, ...] = True
    vectorize_property_name: bool = False
    description: str | None = None
    name: str | None = None

    @property
    def skip_vectorization(self) -> bool:
        """Whether the default vectorizer skips this field."""
        return self.vectorize is False

    def named_vectors(self) -> tuple[str, ...]:
        """The named vectors this field is a source property of (may be empty)."""
        return self.vectorize if isinstance(self.vectorize, tuple) else ()


def Field(
    default: Any = PydanticUndefined,
    *,
    default_factory: Callable[[], Any] | None = None,
    tokenization: str | None = None,
    index_filterable: bool | None = None,
    index_searchable: bool | None = None,
    index_range_filters: bool | None = None,
    vectorize: bool | str | Sequence[str] = True,
    vectorize_property_name: bool = False,
    description: str | None = None,
    name: str | None = None,
    alias: str | None = None,
    **pydantic_options: Any,
) -> Any:
    """Declare a model field with Weaviate options.

    Args:
        default: Default value (omit for a required field).
        default_factory: Callable producing the default.
        tokenization: ``word``, ``lowercase``, ``whitespace``, ``field``, ``trigram``,
            ``gse``, ``gse_ch``, ``kagome_kr`` or ``kagome_ja`` (text fields only).
        index_filterable: Build the filterable index (``None``: server default).
        index_searchable: Build the BM25 searchable index (text only).
        index_range_filters: Build the range index (int, float, datetime only).
        vectorize: ``False`` skips vectorization; a name or list of names puts the
            field into those named vectors' source properties.
        vectorize_property_name: Include the property name in the vectorized text.
        description: Description stored in the schema.
        name: Weaviate property name when different from the attribute name.
        alias: pydantic alias for input/output.
        **pydantic_options: Passed to :func:`pydantic.Field` (e.g. ``ge``, ``max_length``).

    Returns:
        A pydantic ``FieldInfo`` carrying a :class:`FieldSpec` in its metadata.

    Raises:
        SchemaError: an invalid option.
    """
    if tokenization is not None and tokenization not in _TOKENIZATIONS:
        raise SchemaError(
            f"unknown tokenization {tokenization!r}; choose one of {', '.join(_TOKENIZATIONS)}"
        )
    vec: bool | tuple[str, ...]
    if isinstance(vectorize, bool):
        vec = vectorize
    elif isinstance(vectorize, str):
        vec = (vectorize,)
    else:
        vec = tuple(vectorize)
        if not vec or not all(isinstance(v, str) and v for v in vec):
            raise SchemaError(f"vectorize= takes a bool, a name or names, got {vectorize!r}")
    spec = FieldSpec(
        tokenization=tokenization,
        index_filterable=index_filterable,
        index_searchable=index_searchable,
        index_range_filters=index_range_filters,
        vectorize=vec,
        vectorize_property_name=vectorize_property_name,
        description=description,
        name=name,
    )
    kwargs: dict[str, Any] = dict(pydantic_options)
    if default_factory is not None:
        kwargs["default_factory"] = default_factory
    if alias is not None:
        kwargs["alias"] = alias
    info = pydantic.Field(default, description=description, **kwargs)
    info.metadata.append(spec)
    return info
