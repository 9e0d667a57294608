"""pytest-django support: ``pytest_plugins = ["weavorm.contrib.django.pytest_plugin"]``.

Fixtures:

``weavorm_client``
    The ``default`` alias's client, on its ``TEST`` settings.
``weavorm_collections``
    Creates the installed apps' collections on the test server before the test and
    drops them after it; gives the client.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from weavorm.contrib.django.conf import get_client, use_test_settings
from weavorm.contrib.django.testing import create_collections, drop_collections

if TYPE_CHECKING:
    from weavorm.engine import WeaviateClient

__all__ = ["weavorm_client", "weavorm_collections"]


@pytest.fixture(scope="session")
def _weavorm_test_settings() -> Iterator[None]:
    use_test_settings(True)
    try:
        yield
    finally:
        use_test_settings(False)


@pytest.fixture
def weavorm_client(_weavorm_test_settings: None) -> WeaviateClient:
    """The default alias's client on its test settings."""
    return get_client()


@pytest.fixture
def weavorm_collections(_weavorm_test_settings: None) -> Iterator[WeaviateClient]:
    """The apps' collections, created for this test and dropped after it."""
    client = create_collections()
    try:
        yield client
    finally:
        drop_collections()
