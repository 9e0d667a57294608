"""Every docs page is in the mkdocs nav, every nav entry exists, and the API reference
covers the public packages (``mkdocs build --strict`` in scripts/dev.sh renders them)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"


class _Loader(yaml.SafeLoader):  # type: ignore[misc,name-defined]
    """Safe loading that skips mkdocs' ``!!python/name:`` tags."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _nav_pages(items: Any) -> list[str]:
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                out.extend(_nav_pages(value) if isinstance(value, list) else [value])
    return out


def _config() -> dict[str, Any]:
    return dict(yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=_Loader))


def test_every_page_is_in_the_nav_once() -> None:
    nav = _nav_pages(_config()["nav"])
    pages = sorted(str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md"))
    missing = [p for p in pages if p not in nav]
    assert missing == [], f"add these pages to the nav in mkdocs.yml: {missing}"
    dangling = [p for p in nav if not (DOCS / p).is_file()]
    assert dangling == [], f"nav entries without a page: {dangling}"
    assert len(nav) == len(set(nav)), sorted(p for p in nav if nav.count(p) > 1)


def test_mermaid_fences_are_enabled() -> None:
    extensions = _config()["markdown_extensions"]
    fences = next(e for e in extensions if isinstance(e, dict) and "pymdownx.superfences" in e)
    names = [f["name"] for f in fences["pymdownx.superfences"]["custom_fences"]]
    assert "mermaid" in names


@pytest.mark.parametrize(
    "package",
    [
        "weavorm",
        "weavorm.engine",
        "weavorm.errors",
        "weavorm.config",
        "weavorm.odm",
        "weavorm.odm.session",
        "weavorm.schema",
        "weavorm.sql",
        "weavorm.server",
        "weavorm.testing",
        "weavorm.contrib.django",
        "weavorm.contrib.flask",
        "weavorm.contrib.fastapi",
    ],
)
def test_the_api_reference_covers_the_public_packages(package: str) -> None:
    targets = {
        m.group(1)
        for page in (DOCS / "reference").glob("*.md")
        for m in re.finditer(r"^::: ([\w.]+)$", page.read_text(), re.MULTILINE)
    }
    assert package in targets
    for target in targets:
        importlib.import_module(target)
