"""Print the fuzz counts at the end of the run (and write them to $WEAVORM_FUZZ_REPORT)."""

from __future__ import annotations

import json
import os
from typing import Any

from tests.property._tally import BY_AREA, TALLY


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TALLY:
        return
    keys = ("tried", "typed", "accepted", "untyped", "wrongly_accepted")
    terminalreporter.write_line(
        "fuzz: "
        + ", ".join(f"{k}={TALLY.get(k, 0)}" for k in keys)
        + "".join(f", {k}={v}" for k, v in sorted(TALLY.items()) if k not in keys and v)
    )
    path = os.environ.get("WEAVORM_FUZZ_REPORT")
    if path:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(
                {"total": dict(TALLY), "by_area": {a: dict(c) for a, c in BY_AREA.items()}},
                fh,
                indent=2,
                sort_keys=True,
            )
