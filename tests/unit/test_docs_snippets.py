"""Code blocks in docs/ that quote runnable code stay identical to it.

A block preceded by ``<!-- from: PATH#NAME -->`` must equal the lines between
``# --- doc: NAME`` and ``# --- end`` in PATH (a test module or an example that the
suite runs against the real server), so the guide cannot drift from code that runs.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(
    r"<!-- from: (?P<path>[^#\s]+)#(?P<name>[\w-]+) -->\n```python\n(?P<code>.*?)```", re.S
)
DOCS = sorted(p for p in (ROOT / "docs").glob("*.md") if "<!-- from:" in p.read_text())


def _section(path: Path, name: str) -> str:
    text = path.read_text()
    start = text.index(f"# --- doc: {name}\n") + len(f"# --- doc: {name}\n")
    end = text.index("# --- end", start)
    return textwrap.dedent(text[start:end]).strip("\n")


def test_some_docs_quote_code() -> None:
    names = {p.name for p in DOCS}
    assert {"testing.md", "migrating.md"} <= names


@pytest.mark.parametrize("doc", DOCS, ids=[p.name for p in DOCS])
def test_quoted_blocks_match_the_code(doc: Path) -> None:
    blocks = list(MARKER.finditer(doc.read_text()))
    assert blocks, f"{doc.name} has markers but no quoted blocks"
    for match in blocks:
        source = ROOT / match["path"]
        expected = _section(source, match["name"])
        assert match["code"].strip("\n") == expected, (
            f"{doc.name}: the block from {match['path']}#{match['name']} differs from the code"
        )
