#!/usr/bin/env bash
# One entry point for developers and CI.
#   bash scripts/dev.sh example   set up, then run examples/quickstart.py on an embedded server
#   bash scripts/dev.sh test      set up, then run lint, types, proto/sync drift, docs build, unit + integration tests
#   bash scripts/dev.sh setup     only set up (.venv, dependencies, weaviate-server build)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for candidate in python3.13 python3.12 python3.11 python3.10 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' >/dev/null 2>&1; then
      PY=$candidate; break
    fi
  done
fi
[ -n "$PY" ] || { echo "weavorm needs Python >= 3.10" >&2; exit 1; }

setup() {
  if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
  fi
  local stamp=.venv/.weavorm-deps
  local want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e ".[dev,sql]"
    echo "$want" > "$stamp"
  fi
  # Find or build the pinned weaviate-server (cached under ~/.cache/weavorm/weaviate/).
  .venv/bin/python -m weavorm server install
}

case "${1:-}" in
  setup)
    setup
    ;;
  example)
    setup
    .venv/bin/python examples/quickstart.py
    ;;
  test)
    setup
    shift || true
    lint_paths=()
    for path in weavorm tests examples benchmarks scripts; do
      [ -e "$path" ] && lint_paths+=("$path")
    done
    echo "== ruff"; .venv/bin/ruff check "${lint_paths[@]}"
    .venv/bin/ruff format --check "${lint_paths[@]}"
    echo "== mypy --strict"; .venv/bin/mypy
    if [ -d tests/typing ] && ls tests/typing/*.py >/dev/null 2>&1; then
      .venv/bin/mypy --strict tests/typing
    fi
    echo "== proto drift"; .venv/bin/python scripts/gen_proto.py --check
    echo "== sync drift"; .venv/bin/python scripts/gen_sync.py --check
    echo "== docs (mkdocs build --strict)"
    site=$(mktemp -d)
    NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet -d "$site"
    rm -rf "$site"
    echo "== pytest"
    WEAVORM_REQUIRE_SERVER=1 .venv/bin/python -m pytest "$@"
    ;;
  *)
    echo "usage: bash scripts/dev.sh {example|test|setup}" >&2
    exit 2
    ;;
esac
