"""Results of SQL statements: :class:`SQLResult` with its :class:`Row` objects."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weavorm.odm.model import Model

__all__ = ["Row", "SQLResult"]


class Row(Mapping[str, Any]):
    """One result row: a read-only mapping with attribute and key access.

    ``row["title"]``, ``row.title`` and ``row[0]`` (by position) all work; a row
    compares equal to a dict with the same items.
    """

    __slots__ = ("_columns", "_index", "_values")

    def __init__(self, columns: Sequence[str], values: Sequence[Any]) -> None:
        self._columns = tuple(columns)
        self._values = tuple(values)
        self._index = {name: i for i, name in enumerate(self._columns)}

    def __getitem__(self, key: str | int) -> Any:
        if isinstance(key, int):
            return self._values[key]
        try:
            return self._values[self._index[key]]
        except KeyError:
            raise KeyError(f"{key!r}; columns: {', '.join(self._columns)}") from None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._values[self._index[name]]
        except KeyError:
            raise AttributeError(
                f"row has no column {name!r}; columns: {', '.join(self._columns)}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in zip(self._columns, self._values, strict=True))
        return f"Row({inner})"

    def as_dict(self) -> dict[str, Any]:
        """The row as a plain dict."""
        return dict(zip(self._columns, self._values, strict=True))

    def as_tuple(self) -> tuple[Any, ...]:
        """The values in column order."""
        return self._values


@dataclass(slots=True)
class SQLResult:
    """The result of :func:`weavorm.sql.execute`.

    Attributes:
        columns: The result column names, in ``SELECT`` order.
        rows: The rows (:class:`Row`).
        objects: For searches, the model instances when the collection has a registered
            model, else the engine's :class:`~weavorm.engine.results.Object` values;
            empty for aggregations and deletes.
        model: The model the statement was compiled with, or None.
        kind: ``"select"``, ``"aggregate"`` or ``"delete"``.
    """

    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    objects: list[Any] = field(default_factory=list)
    model: type[Model] | None = None
    kind: str = "select"

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> Row:
        return self.rows[index]

    def scalar(self) -> Any:
        """The first column of the first row (None when there are no rows)."""
        return self.rows[0][0] if self.rows and self.columns else None

    def dicts(self) -> list[dict[str, Any]]:
        """The rows as plain dicts."""
        return [row.as_dict() for row in self.rows]
