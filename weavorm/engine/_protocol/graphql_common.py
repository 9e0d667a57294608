"""What the GraphQL fallback builders share: literals, collection schemas, the call (no I/O).

GraphQL needs what gRPC leaves to the server: the properties to return are listed
one by one (nested objects and references included), and a reply's JSON does not
say whether ``2`` is an ``int`` or a ``number`` or whether a string is a ``date``.
So the fallback reads the collection's schema (``GET /v1/schema/{name}``, kept for a
while in a :class:`SchemaCache`) and builds and reads GraphQL with it.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from weavorm.engine._protocol.calls import HttpCall, HttpReply, Operation
from weavorm.errors import NotFoundError, UnprocessableError

__all__ = [
    "ClassSchema",
    "Enum",
    "NoRestForm",
    "PropSchema",
    "SchemaCache",
    "graphql_data",
    "literal",
    "parse_class",
    "schema_of",
]

#: Seconds a fetched collection schema is trusted.
SCHEMA_TTL = 30.0


class NoRestForm(Exception):
    """A gRPC request uses something the REST/GraphQL fallback cannot express.

    Raised by the pure builders; the driver turns it into
    :class:`weavorm.errors.NoFallbackError` naming the operation.
    """


class Enum(str):
    """A GraphQL enum value (rendered bare, e.g. ``Equal``); JSON sees a plain string."""

    __slots__ = ()


def literal(value: Any) -> str:
    """The GraphQL literal of a Python value (dicts are input objects)."""
    if isinstance(value, Enum):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NoRestForm(f"the number {value!r}")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise NoRestForm(f"the value {value!r}")  # pragma: no cover - builders pass plain data


@dataclass(frozen=True, slots=True)
class PropSchema:
    """One property of a collection (or of a nested object).

    Attributes:
        name: The property name.
        data_type: The first entry of ``dataType`` (``"text"``, ``"int[]"``,
            ``"object"``, or a target collection for a reference).
        targets: For a reference, every target collection.
        nested: For ``object`` / ``object[]``, the nested properties.
    """

    name: str
    data_type: str
    targets: tuple[str, ...] = ()
    nested: Mapping[str, PropSchema] = field(default_factory=dict)

    @property
    def is_ref(self) -> bool:
        """Whether the property is a cross-reference."""
        return bool(self.targets)

    @property
    def base(self) -> str:
        """The data type without ``[]``."""
        return self.data_type.removesuffix("[]")

    @property
    def is_array(self) -> bool:
        """Whether the property holds a list."""
        return self.data_type.endswith("[]")


@dataclass(frozen=True, slots=True)
class ClassSchema:
    """What the fallback needs to know of a collection.

    Attributes:
        name: The collection name as the server spells it.
        props: Property name -> :class:`PropSchema`.
        named_vectors: Names of its named vectors (empty for a single default vector).
        multi_vectors: Names of named vectors that hold multi-vectors.
        replicated: Whether it has more than one replica: GraphQL offers
            ``consistencyLevel`` and ``isConsistent`` only then.
    """

    name: str
    props: Mapping[str, PropSchema]
    named_vectors: tuple[str, ...] = ()
    multi_vectors: frozenset[str] = frozenset()
    replicated: bool = False

    def prop(self, name: str) -> PropSchema | None:
        """The property ``name``, or None."""
        return self.props.get(name)


def _props(items: Any) -> dict[str, PropSchema]:
    out: dict[str, PropSchema] = {}
    for item in items or []:
        types = list(item.get("dataType") or ["text"])
        first = str(types[0])
        is_ref = first[:1].isupper()
        out[item["name"]] = PropSchema(
            name=item["name"],
            data_type=first,
            targets=tuple(types) if is_ref else (),
            nested=_props(item.get("nestedProperties")),
        )
    return out


def parse_class(class_json: Mapping[str, Any]) -> ClassSchema:
    """A :class:`ClassSchema` from a ``/v1/schema/{name}`` reply."""
    configs = class_json.get("vectorConfig") or {}
    multi = frozenset(
        name
        for name, cfg in configs.items()
        if ((cfg.get("vectorIndexConfig") or {}).get("multivector") or {}).get("enabled")
    )
    return ClassSchema(
        name=str(class_json.get("class") or ""),
        props=_props(class_json.get("properties")),
        named_vectors=tuple(configs),
        multi_vectors=multi,
        replicated=int((class_json.get("replicationConfig") or {}).get("factor") or 1) > 1,
    )


class SchemaCache:
    """Collection schemas by name, each trusted for :data:`SCHEMA_TTL` seconds.

    Not locked: a race only fetches a schema twice.
    """

    def __init__(self, ttl: float = SCHEMA_TTL) -> None:
        self.ttl = ttl
        self._items: dict[str, tuple[float, ClassSchema]] = {}

    def get(self, name: str, now: float) -> ClassSchema | None:
        """The cached schema of ``name`` if still fresh."""
        item = self._items.get(name)
        if item is None or now - item[0] > self.ttl:
            return None
        return item[1]

    def put(self, name: str, schema: ClassSchema, now: float) -> None:
        """Remember ``schema`` for ``name``."""
        self._items[name] = (now, schema)

    def forget(self, name: str) -> None:
        """Drop ``name`` (e.g. a property was missing: the schema changed)."""
        self._items.pop(name, None)


def schema_of(
    name: str, cache: SchemaCache, *, operation: str, timeout: float | None = None
) -> Operation[ClassSchema]:
    """The schema of collection ``name`` (from ``cache`` or ``GET /v1/schema/{name}``)."""
    cached = cache.get(name, time.monotonic())
    if cached is not None:
        return cached
    reply: HttpReply = yield HttpCall(
        method="GET",
        path=f"/v1/schema/{name}",
        operation=operation,
        timeout=timeout,
    )
    schema = parse_class(reply.json or {})
    cache.put(name, schema, time.monotonic())
    return schema


def graphql_call(query: str, *, operation: str, timeout: float | None) -> HttpCall:
    """The ``POST /v1/graphql`` call for ``query`` (a read: retried like one)."""
    return HttpCall(
        method="POST",
        path="/v1/graphql",
        json={"query": query},
        operation=operation,
        idempotent=True,
        timeout=timeout,
    )


def graphql_data(reply: HttpReply, *, operation: str) -> dict[str, Any]:
    """The ``data`` of a GraphQL reply; its ``errors`` raised as a server error."""
    body = reply.json if isinstance(reply.json, dict) else {}
    errors = body.get("errors") or []
    if errors:
        message = "; ".join(str(e.get("message", e)) for e in errors if isinstance(e, dict))
        message = message or str(errors)
        if "does not exist" in message or "Cannot query field" in message:
            raise NotFoundError(404, message, operation=operation)
        raise UnprocessableError(422, message, operation=operation)
    data = body.get("data")
    return data if isinstance(data, dict) else {}
