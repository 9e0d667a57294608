r"""Progress output for long CLI and build steps: a bar on a terminal, plain lines otherwise.

On a TTY the line is redrawn in place (``\r``) at most ten times a second; anywhere else
(CI logs, pipes) a plain line is written every ``every`` seconds and at the end, so
logs stay readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress", "format_duration"]


def format_duration(seconds: float) -> str:
    """``75`` -> ``"1m15s"``; ``9.5`` -> ``"9s"``."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class Progress:
    """Counts work done out of ``total`` and reports it to ``stream`` (default stderr).

    Args:
        label: What is being counted, e.g. ``"Article"``.
        total: The expected count (None when unknown).
        unit: The counted things, e.g. ``"rows"``.
        stream: Where to write; default ``sys.stderr``.
        every: Seconds between plain lines when ``stream`` is not a terminal.
        tty: Force (or disable) the redrawn bar; default: ``stream.isatty()``.
    """

    def __init__(
        self,
        label: str,
        *,
        total: int | None = None,
        unit: str = "items",
        stream: TextIO | None = None,
        every: float = 5.0,
        tty: bool | None = None,
    ) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.done = 0
        self.failed = 0
        self.stream = stream if stream is not None else sys.stderr
        self.every = every
        isatty = getattr(self.stream, "isatty", None)
        self.tty = tty if tty is not None else bool(isatty and isatty())
        self.started = time.monotonic()
        self._last = self.started

    def line(self) -> str:
        """The current state as one line of text."""
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        failed = f", {self.failed} failed" if self.failed else ""
        if self.total:
            pct = min(100.0, 100.0 * self.done / self.total)
            bar = ""
            if self.tty:
                filled = int(pct / 100 * 24)
                bar = "[" + "#" * filled + "-" * (24 - filled) + "] "
            return (
                f"{self.label}: {bar}{self.done}/{self.total} {self.unit} ({pct:.0f}%){failed}, "
                f"{rate:.0f}/s, {format_duration(elapsed)}"
            )
        took = format_duration(elapsed)
        return f"{self.label}: {self.done} {self.unit}{failed}, {rate:.0f}/s, {took}"

    def advance(self, done: int = 0, *, failed: int = 0) -> None:
        """Count ``done`` more (``failed`` of them failed) and report when it is time."""
        self.done += done
        self.failed += failed
        now = time.monotonic()
        interval = 0.1 if self.tty else self.every
        if now - self._last >= interval:
            self._last = now
            self._emit()

    def note(self, text: str) -> None:
        """Write a free-form line (clears the bar on a terminal)."""
        if self.tty:
            self.stream.write("\r\x1b[K")
        self.stream.write(text + "\n")
        self.stream.flush()

    def _emit(self) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def finish(self) -> None:
        """Write the final state (and end the redrawn line)."""
        if self.tty:
            self.stream.write("\r\x1b[K" + self.line() + "\n")
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()
