"""The live schema of a server: collections by name, aliases, and name resolution."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from weavorm.config.vocabulary import is_collection_name

if TYPE_CHECKING:
    from weavorm.engine import WeaviateClient

__all__ = [
    "VERSION_RE",
    "LiveSchema",
    "is_reference",
    "prop_key",
    "require_sync_client",
    "version_name",
]

#: A versioned collection made by a shadow migration: ``Article_v2``.
VERSION_RE = re.compile(r"^(?P<base>[A-Z][_0-9A-Za-z]*?)_v(?P<n>\d+)$")


def version_name(base: str, number: int) -> str:
    """The name of version ``number`` of collection ``base`` (``Article_v2``)."""
    return f"{base}_v{number}"


def prop_key(name: str) -> str:
    """A property name as the server stores it (first letter lower-cased)."""
    return name[:1].lower() + name[1:]


def is_reference(prop: Mapping[str, Any]) -> bool:
    """Whether a property JSON object is a cross-reference."""
    types = prop.get("dataType") or []
    return bool(types) and all(is_collection_name(t) for t in types)


def require_sync_client(client: Any, function: str) -> None:
    """Refuse an async client with a message naming the async twin.

    Raises:
        ConfigError: ``client`` is an :class:`~weavorm.engine.AsyncWeaviateClient`.
    """
    from weavorm.engine import AsyncWeaviateClient
    from weavorm.errors import ConfigError

    if isinstance(client, AsyncWeaviateClient):
        raise ConfigError(
            f"{function}() takes a WeaviateClient; with an AsyncWeaviateClient use "
            f"await weavorm.schema.a{function}(client, ...)"
        )


@dataclass
class LiveSchema:
    """Every collection's class JSON and every alias, read once.

    Attributes:
        classes: Collection name -> class JSON.
        aliases: Alias name -> the collection it points to.
    """

    classes: dict[str, dict[str, Any]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, client: WeaviateClient) -> LiveSchema:
        """Read the schema and the aliases of the server ``client`` talks to."""
        from weavorm.errors import NotFoundError

        classes = client.collections.list_dicts()
        try:
            found = client.aliases.list_all()
        except NotFoundError:  # a server without aliases (before 1.32)
            found = {}
        aliases = {name: a.collection for name, a in found.items()}
        return cls(classes=dict(classes), aliases=aliases)

    def resolve(self, name: str) -> str | None:
        """The collection behind ``name`` (itself, or an alias's target), or None."""
        if name in self.classes:
            return name
        if name in self.aliases:
            return self.aliases[name]
        lower = name.lower()
        for known in self.classes:
            if known.lower() == lower:
                return known
        for alias, target in self.aliases.items():
            if alias.lower() == lower:
                return target
        return None

    def get(self, name: str) -> dict[str, Any] | None:
        """The class JSON behind ``name`` (alias resolved), or None."""
        real = self.resolve(name)
        return self.classes.get(real) if real is not None else None

    def alias_for(self, collection: str) -> str | None:
        """The alias pointing at ``collection``, if any."""
        for alias, target in self.aliases.items():
            if target == collection:
                return alias
        return None

    def public_name(self, collection: str) -> str:
        """The name users know ``collection`` by: its alias, else itself."""
        return self.alias_for(collection) or collection

    def is_old_version(self, collection: str) -> bool:
        """Whether ``collection`` is a kept version no alias points at (``Article_v1``)."""
        match = VERSION_RE.match(collection)
        if match is None:
            return False
        base = match.group("base")
        target = self.aliases.get(base)
        return target is not None and target != collection

    def current(self) -> list[str]:
        """Collections in use: every collection except kept old versions."""
        return [name for name in self.classes if not self.is_old_version(name)]

    def versions(self, base: str) -> dict[int, str]:
        """Existing versions of ``base``: number -> collection name."""
        out: dict[int, str] = {}
        for name in self.classes:
            match = VERSION_RE.match(name)
            if match is not None and match.group("base") == base:
                out[int(match.group("n"))] = name
        return out

    def resolve_targets(self, class_json: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``class_json`` whose reference targets name real collections.

        Weaviate refuses a reference to an alias, so a model's ``Ref[Article]`` must
        name the collection the ``Article`` alias points at (after a migration).
        """
        out = copy.deepcopy(dict(class_json))
        for prop in out.get("properties") or []:
            if is_reference(prop):
                prop["dataType"] = [self.resolve(t) or t for t in prop["dataType"]]
        return out
