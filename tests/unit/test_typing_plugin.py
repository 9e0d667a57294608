"""The mypy plugin (``weavorm.mypy``) rejects what validation would reject.

``tests/typing/check_models.py`` shows what mypy accepts; these run mypy on snippets
that must fail, and check the message names the problem.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy")

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = """
from weavorm import Model, Ref, Refs, Field

class Customer(Model):
    name: str

class Author(Model):
    name: str

class Ticket(Model):
    customer: Ref[Customer]
    watchers: Refs[Customer] = Field(default_factory=list)

author = Author(name="x")
ticket = Ticket(customer=author)          # line 15: wrong target model
ticket.customer = author                  # line 16: wrong target on assignment
ticket.customer.nope                      # line 17: no such field on the target
ticket.customer = 3                       # line 18: not a reference
Ticket(customer=Customer(name="y"), watchers=[author])  # line 19
reveal_type(ticket.customer.name)         # line 20
"""


def test_mypy_plugin_rejects_wrong_references(tmp_path: Path) -> None:
    source = tmp_path / "snippet.py"
    source.write_text(SNIPPET)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "plugin-test"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    lines = {int(line.split(":")[1]): line for line in out.splitlines() if ": " in line}
    assert 'incompatible type "Author"' in lines[15]
    assert '"Author"' in lines[16] and "assignment" in lines[16]
    assert '"Customer" (the target of this Ref) has no attribute "nope"' in lines[17]
    assert '"int"' in lines[18]
    assert 'List item 0 has incompatible type "Author"' in lines[19]
    assert 'Revealed type is "str"' in lines[20]
