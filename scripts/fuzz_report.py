"""Run the property-based suite (tests/property) and print what it tried and found.

python scripts/fuzz_report.py                    # the CI examples (deterministic)
python scripts/fuzz_report.py --examples 300     # more examples per test, random seeds

Counts: ``tried`` inputs, refused with a ``typed`` weavorm error, ``accepted`` valid
inputs, ``untyped`` exceptions (goal 0) and invalid inputs ``wrongly_accepted`` (goal 0),
in total and per area. The server tests need ``WEAVORM_WEAVIATE_BIN`` (or a server
on ``WEAVORM_TEST_URL``); without one only the server-free tests run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = ("tried", "typed", "accepted", "untyped", "wrongly_accepted")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=None, help="examples per test")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "fuzz.json"
        env = dict(os.environ, WEAVORM_FUZZ_REPORT=str(report))
        if args.examples:
            env["WEAVORM_FUZZ_EXAMPLES"] = str(args.examples)
            env["WEAVORM_FUZZ_RANDOM"] = "1"
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "tests/property", "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            env=env,
            check=False,
        )
        if not report.exists():
            print("no fuzz counts were written", file=sys.stderr)
            return run.returncode or 1
        data = json.loads(report.read_text())
    width = max(len(a) for a in [*data["by_area"], "total"])
    print(f"\n{'area':<{width}}  " + "  ".join(f"{c:>16}" for c in COLUMNS))
    for area, counts in sorted(data["by_area"].items()):
        print(f"{area:<{width}}  " + "  ".join(f"{counts.get(c, 0):>16}" for c in COLUMNS))
    total = data["total"]
    print(f"{'total':<{width}}  " + "  ".join(f"{total.get(c, 0):>16}" for c in COLUMNS))
    return run.returncode


if __name__ == "__main__":
    raise SystemExit(main())
