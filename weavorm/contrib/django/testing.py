"""Test support: the apps' collections on the real test server, made and dropped.

Django's runner::

    TEST_RUNNER = "weavorm.contrib.django.testing.WeavormTestRunner"

switches every alias to its ``TEST`` settings (``WEAVORM["default"]["TEST"] =
{"URL": ...}``, falling back to the alias's own), creates the discovered models'
collections before the tests and drops them after. For isolation per test, mix
:class:`WeavormTestCase` into a test case (collections are dropped and created again
around each test). pytest-django: see :mod:`weavorm.contrib.django.pytest_plugin`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.test.runner import DiscoverRunner

from weavorm.contrib.django.conf import get_client, use_test_settings
from weavorm.contrib.django.discovery import discovered_models

if TYPE_CHECKING:
    from weavorm.engine import WeaviateClient
    from weavorm.odm.model import Model

__all__ = ["WeavormTestCase", "WeavormTestRunner", "create_collections", "drop_collections"]


def create_collections(
    alias: str = "default", models: Sequence[type[Model]] | None = None
) -> WeaviateClient:
    """Drop (leftovers of an earlier run) and create the models' collections.

    Args:
        alias: The ``settings.WEAVORM`` alias.
        models: The models (default: every discovered model).

    Returns:
        The alias's client.
    """
    from weavorm.schema import create_all, drop_all

    client = get_client(alias)
    chosen = list(models) if models is not None else discovered_models()
    drop_all(client, chosen)
    create_all(client, chosen)
    return client


def drop_collections(alias: str = "default", models: Sequence[type[Model]] | None = None) -> None:
    """Drop the models' collections (default: every discovered model's)."""
    from weavorm.schema import drop_all

    drop_all(get_client(alias), list(models) if models is not None else discovered_models())


class WeavormTestRunner(DiscoverRunner):
    """Django's runner plus the apps' collections on the test server."""

    #: The aliases whose collections are created.
    weavorm_aliases: Sequence[str] = ("default",)

    def setup_databases(self, **kwargs: Any) -> Any:
        """Set up Django's databases, then the collections."""
        old = super().setup_databases(**kwargs)
        use_test_settings(True)
        for alias in self.weavorm_aliases:
            create_collections(alias)
        return old

    def teardown_databases(self, old_config: Any, **kwargs: Any) -> None:
        """Drop the collections, then tear down Django's databases."""
        try:
            for alias in self.weavorm_aliases:
                drop_collections(alias)
        finally:
            use_test_settings(False)
            super().teardown_databases(old_config, **kwargs)


class WeavormTestCase:
    """Mixin for ``django.test.SimpleTestCase`` (or ``TestCase``): fresh collections per test.

    Attributes:
        weavorm_alias: The alias to use.
        weavorm_models: The models (default: every discovered model).
    """

    weavorm_alias: str = "default"
    weavorm_models: Sequence[type[Model]] | None = None

    def setUp(self) -> None:
        """Create the collections (empty) and drop them when the test ends."""
        super().setUp()  # type: ignore[misc]
        use_test_settings(True)
        self.weavorm_client = create_collections(self.weavorm_alias, self.weavorm_models)
        self.addCleanup(drop_collections, self.weavorm_alias, self.weavorm_models)  # type: ignore[attr-defined]
