"""The server build reports progress while the Go build runs.

A real build takes minutes and is not run by tests; a stand-in ``go`` on PATH writes
what ``go mod tidy`` and ``go build -v`` write, slowly, and produces the executable.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from weavorm.errors import ServerStartError
from weavorm.server import _binary

FAKE_GO = """#!/bin/sh
case "$1 $2" in
  "mod download") echo '{"Path": "github.com/weaviate/weaviate", "Version": "v1.0.0"}'; exit 0;;
  "mod tidy") echo "go: downloading github.com/weaviate/weaviate v1.0.0"
              echo "go: downloading github.com/go-openapi/runtime v0.1.0"; exit 0;;
esac
out=""
while [ $# -gt 0 ]; do
  if [ "$1" = "-o" ]; then out="$2"; fi
  shift
done
i=0
while [ $i -lt 6 ]; do
  echo "github.com/weaviate/weaviate/pkg$i"
  sleep 0.2
  i=$((i+1))
done
if [ -n "$FAIL" ]; then echo "compile error: boom"; exit 3; fi
printf '#!/bin/sh\\necho fake\\n' > "$out"
"""


@pytest.fixture
def fake_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    go = bin_dir / "go"
    go.write_text(FAKE_GO)
    go.chmod(go.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(_binary, "_BUILD_PROGRESS_EVERY", 0.3)
    return go


def test_build_reports_progress(fake_go: Path) -> None:
    lines: list[str] = []
    path = _binary.install_binary("1.30.0", progress=lines.append)
    assert path.is_file() and path == _binary.binary_cache_path("1.30.0")
    assert "with Go" in lines[0] and "build.log" in lines[0]
    middle = [line for line in lines[1:-1] if "so far" in line]
    assert middle, lines
    assert "2 modules downloaded" in middle[-1] and "packages compiled" in middle[-1]
    assert lines[-1].startswith("building weaviate-server 1.30.0: done after")


def test_failed_build_says_so(fake_go: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAIL", "1")
    lines: list[str] = []
    with pytest.raises(ServerStartError, match="compile error: boom"):
        _binary.install_binary("1.30.1", progress=lines.append)
    assert "failed (exit code 3)" in lines[-1]
