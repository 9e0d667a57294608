"""``GenerativeConfig``: one generative provider configuration for collections and queries.

The same value configures a collection's RAG module and overrides the provider of one
search::

    from weavorm.config import GenerativeConfig

    client.collections.create("Article", generative=GenerativeConfig.openai(model="gpt-4o"))
    articles.generate.near_text("vector databases", single_prompt="Summarise {title}",
                                generative_provider=GenerativeConfig.openai(model="o4", n=2))

Each factory takes the union of what the server accepts for that provider: the
module's collection settings (written to the class JSON with their camelCase keys) and
the options only the per-query gRPC ``GenerativeProvider`` message has (``n``,
``stop``, ...; kept apart in :attr:`GenerativeConfig.query_options`). A per-query
override may leave out what a collection needs (the collection's value is used);
creating a collection with such a value, or with a per-query-only option, raises
:class:`~weavorm.errors.ConfigError` naming it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from weavorm.config._common import fail
from weavorm.config._generative import _GenerativeFactoriesA
from weavorm.config._generative_more import _GenerativeFactoriesB
from weavorm.config._modules import ModuleConfig

__all__ = ["Generative", "GenerativeConfig"]


@dataclass(frozen=True, init=False)
class GenerativeConfig(ModuleConfig, _GenerativeFactoriesA, _GenerativeFactoriesB):
    """A generative (RAG) module and its settings; its static methods are the providers.

    Attributes:
        query_options: Options only a per-query override sends, by the server's gRPC
            field name (e.g. ``("n", 2)``); never written to a collection.
        incomplete: What a collection would still need (e.g. a region); empty when
            the value can configure a collection.
    """

    query_options: tuple[tuple[str, Any], ...] = ()
    incomplete: tuple[str, ...] = ()

    def __init__(
        self,
        module: str,
        settings: Mapping[str, Any] | None = None,
        *,
        query_options: Mapping[str, Any] | None = None,
        incomplete: Sequence[str] = (),
    ) -> None:
        """Create a generative module configuration.

        Args:
            module: The module name, e.g. ``"generative-openai"``.
            settings: The module settings as they appear in the class JSON.
            query_options: Options only a per-query override sends (gRPC field names).
            incomplete: What a collection would still need, one message each.
        """
        super().__init__(module, settings)
        object.__setattr__(self, "query_options", tuple(sorted((query_options or {}).items())))
        object.__setattr__(self, "incomplete", tuple(incomplete))

    def check_collection_use(self, field: str = "generative") -> None:
        """Raise unless this value can configure a collection.

        Raises:
            ConfigError: A per-query-only option is set, or a required setting is missing.
        """
        if self.incomplete:
            raise fail(self.incomplete[0], field=field, value=self.module)
        if self.query_options:
            names = ", ".join(name for name, _ in self.query_options)
            raise fail(
                f"{self.module}: {names} can only be set per query (generative_provider=), "
                "not on a collection",
                field=field,
                value=names,
            )


class Generative(_GenerativeFactoriesA, _GenerativeFactoriesB):
    """Factories of generative module configurations (method names = module names).

    The same factories as :class:`GenerativeConfig`'s: ``Generative.openai(...)`` and
    ``GenerativeConfig.openai(...)`` return the same :class:`GenerativeConfig`.
    """
