"""Weaviate's vocabulary of property data types and tokenizations, defined once.

Configuration builders (:mod:`weavorm.config`), schema building, diffing and
inspection (:mod:`weavorm.schema`), the ODM's field options and lookups, the tokenize
endpoint and the SQL front end all read these names from here::

    from weavorm.config.vocabulary import DataType, Tokenization, data_type

    data_type("text[]")            # DataType.TEXT_ARRAY
    data_type("string", deprecated=True)  # DataType.TEXT (old collections still have it)
    data_type("txt")               # UnknownDataTypeError listing the valid names

The lists follow Weaviate 1.39: ``entities/schema/data_types.go`` for data types and
``entities/models/property.go`` / ``usecases/schema/validation.go`` for tokenizations.
In a ``dataType`` list, a name starting with an upper-case letter is a collection (a
cross-reference) rather than a data type.
"""

from __future__ import annotations

from enum import Enum
from types import MappingProxyType
from typing import Literal

from weavorm.errors import ConfigError, UnknownDataTypeError

__all__ = [
    "ARRAY_TYPES",
    "BLOB_TYPES",
    "DATA_TYPES",
    "DEPRECATED_DATA_TYPES",
    "OBJECT_TYPES",
    "RANGE_TYPES",
    "SPLITTING_TOKENIZATIONS",
    "TEXT_TYPES",
    "TOKENIZATIONS",
    "DataType",
    "DataTypeName",
    "Tokenization",
    "TokenizationName",
    "data_type",
    "element_type",
    "is_collection_name",
    "tokenization",
]


class _StrEnum(str, Enum):
    """A str enum whose ``str()`` is its value (``enum.StrEnum`` needs Python 3.11)."""

    def __str__(self) -> str:
        return str(self.value)


class DataType(_StrEnum):
    """The 18 property data types of Weaviate 1.39 (``entities/schema/data_types.go``)."""

    TEXT = "text"
    TEXT_ARRAY = "text[]"
    INT = "int"
    INT_ARRAY = "int[]"
    NUMBER = "number"
    NUMBER_ARRAY = "number[]"
    BOOL = "boolean"
    BOOL_ARRAY = "boolean[]"
    DATE = "date"
    DATE_ARRAY = "date[]"
    UUID = "uuid"
    UUID_ARRAY = "uuid[]"
    GEO_COORDINATES = "geoCoordinates"
    PHONE_NUMBER = "phoneNumber"
    BLOB = "blob"
    BLOB_HASH = "blobHash"
    OBJECT = "object"
    OBJECT_ARRAY = "object[]"


#: The data type names, for ``Literal``-typed arguments.
DataTypeName = Literal[
    "text",
    "text[]",
    "int",
    "int[]",
    "number",
    "number[]",
    "boolean",
    "boolean[]",
    "date",
    "date[]",
    "uuid",
    "uuid[]",
    "geoCoordinates",
    "phoneNumber",
    "blob",
    "blobHash",
    "object",
    "object[]",
]


class Tokenization(_StrEnum):
    """Tokenizations of ``text`` / ``text[]`` properties (``entities/models/property.go``).

    ``gse``, ``gse_ch``, ``kagome_ja`` and ``kagome_kr`` are only accepted by a server
    started with the matching ``ENABLE_TOKENIZER_*`` variable.
    """

    WORD = "word"
    LOWERCASE = "lowercase"
    WHITESPACE = "whitespace"
    FIELD = "field"
    TRIGRAM = "trigram"
    GSE = "gse"
    KAGOME_KR = "kagome_kr"
    KAGOME_JA = "kagome_ja"
    GSE_CH = "gse_ch"


#: The tokenization names, for ``Literal``-typed arguments.
TokenizationName = Literal[
    "word",
    "lowercase",
    "whitespace",
    "field",
    "trigram",
    "gse",
    "kagome_kr",
    "kagome_ja",
    "gse_ch",
]

#: Every data type name.
DATA_TYPES: frozenset[str] = frozenset(t.value for t in DataType)
#: Names the server still serves for old collections, and the type they mean.
DEPRECATED_DATA_TYPES = MappingProxyType({"string": DataType.TEXT, "string[]": DataType.TEXT_ARRAY})
#: Tokenized (BM25-searchable) types.
TEXT_TYPES: frozenset[DataType] = frozenset({DataType.TEXT, DataType.TEXT_ARRAY})
#: Types with a range index (``index_range_filters``).
RANGE_TYPES: frozenset[DataType] = frozenset({DataType.INT, DataType.NUMBER, DataType.DATE})
#: Nested-object types (with ``nestedProperties``).
OBJECT_TYPES: frozenset[DataType] = frozenset({DataType.OBJECT, DataType.OBJECT_ARRAY})
#: Binary types.
BLOB_TYPES: frozenset[DataType] = frozenset({DataType.BLOB, DataType.BLOB_HASH})
#: Array types (``name[]``).
ARRAY_TYPES: frozenset[DataType] = frozenset(t for t in DataType if t.value.endswith("[]"))
#: Every tokenization name, in the server's order.
TOKENIZATIONS: tuple[str, ...] = tuple(t.value for t in Tokenization)
#: Tokenizations that split a value into several tokens (all but ``field``): an
#: ``equal`` filter on such a property matches any token, not the whole value.
SPLITTING_TOKENIZATIONS: frozenset[str] = frozenset(TOKENIZATIONS) - {Tokenization.FIELD.value}


def is_collection_name(name: object) -> bool:
    """Whether a ``dataType`` entry names a collection (a reference) by its spelling.

    Weaviate tells them apart by the first letter: data types start lower-case,
    collection names upper-case.
    """
    return isinstance(name, str) and name[:1].isupper()


def data_type(name: object, *, field: str = "data_type", deprecated: bool = False) -> DataType:
    """The :class:`DataType` a name stands for.

    Args:
        name: A :class:`DataType` or its name, e.g. ``"int[]"``.
        field: The setting named in the error message.
        deprecated: Accept the deprecated ``string`` / ``string[]`` (as ``text`` /
            ``text[]``), as the server still serves them for old collections; new
            properties cannot use them.

    Raises:
        UnknownDataTypeError: ``name`` is none of Weaviate's data types.
    """
    if isinstance(name, DataType):
        return name
    if isinstance(name, str):
        if name in DATA_TYPES:
            return DataType(name)
        if name in DEPRECATED_DATA_TYPES and deprecated:
            return DEPRECATED_DATA_TYPES[name]
    valid = ", ".join(repr(t.value) for t in DataType)
    if isinstance(name, str) and name in DEPRECATED_DATA_TYPES:
        hint = f" ({name!r} is deprecated: use {DEPRECATED_DATA_TYPES[name].value!r})"
    else:
        hint = " (a reference names a collection, which starts upper-case)" if name else ""
    raise UnknownDataTypeError(
        f"unknown {field} {name!r}; valid data types are {valid}{hint}",
        data_type=str(name),
        field=field,
    )


def element_type(kind: DataType) -> DataType:
    """The element type of an array type (``text[]`` -> ``text``); others unchanged."""
    return DataType(kind.value[:-2]) if kind in ARRAY_TYPES else kind


def tokenization(name: object, *, field: str = "tokenization") -> Tokenization:
    """The :class:`Tokenization` a name stands for.

    Args:
        name: A :class:`Tokenization` or its name, e.g. ``"field"``.
        field: The setting named in the error message.

    Raises:
        ConfigError: ``name`` is none of Weaviate's tokenizations.
    """
    if isinstance(name, Tokenization):
        return name
    if isinstance(name, str) and name in TOKENIZATIONS:
        return Tokenization(name)
    valid = ", ".join(repr(t) for t in TOKENIZATIONS)
    raise ConfigError(
        f"unknown {field} {name!r}; valid tokenizations are {valid}", field=field, value=name
    )
