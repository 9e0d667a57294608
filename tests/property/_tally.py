"""Counts of the fuzz suite: inputs tried, refused with a typed error, and the failures.

Every example of the property-based tests goes through :func:`attempt`, which sorts the
outcome into ``typed`` (a :mod:`weavorm.errors` exception), ``accepted`` (a valid input
that went through), ``untyped`` (any other exception: a bug) and ``wrongly_accepted`` (an
input built to be invalid that went through: a bug). The conftest prints the counts at
the end of the run and writes them as JSON to ``$WEAVORM_FUZZ_REPORT`` when it is set.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from weavorm.errors import WeavormError

__all__ = ["TALLY", "LogCapture", "attempt"]

T = TypeVar("T")
TALLY: Counter[str] = Counter()
BY_AREA: dict[str, Counter[str]] = {}


def _count(area: str, outcome: str) -> None:
    TALLY[outcome] += 1
    BY_AREA.setdefault(area, Counter())[outcome] += 1


def attempt(
    area: str,
    fn: Callable[[], T],
    *,
    bad: bool | None,
    culprit: str | Iterable[str] | None = None,
    secrets: Iterable[str] = (),
) -> T | WeavormError:
    """Run ``fn`` once and check its outcome.

    Args:
        area: Where the input goes (``"insert/grpc"``, ``"config"``, ...), for the counts.
        fn: The call.
        bad: True: the input was built to be invalid and must be refused; False: it is
            valid and must be accepted; None: either outcome is right (random settings).
        culprit: Text the error message must contain (one of several, when a sequence).
        secrets: Strings that must not appear in the error's message, repr or args.

    Returns:
        What ``fn`` returned, or the typed error it raised.
    """
    TALLY["tried"] += 1
    BY_AREA.setdefault(area, Counter())["tried"] += 1
    try:
        result = fn()
    except WeavormError as exc:
        _count(area, "typed")
        text = f"{exc}\n{exc!r}\n{exc.args!r}\n{vars(exc)!r}"
        for secret in secrets:
            if secret in text:
                _count(area, "secret_shown")
                raise AssertionError(f"{area}: a secret is shown in {type(exc).__name__}") from exc
        if culprit is not None:
            needles = [culprit] if isinstance(culprit, str) else list(culprit)
            if not any(n in str(exc) for n in needles):
                _count(area, "culprit_unnamed")
                raise AssertionError(f"{area}: {exc!s} does not name any of {needles}") from exc
        if bad is False:
            _count(area, "valid_refused")
            raise AssertionError(f"{area}: a valid input was refused: {exc}") from exc
        return exc
    except Exception as exc:
        _count(area, "untyped")
        raise AssertionError(f"{area}: untyped {type(exc).__name__}: {exc!r}"[:500]) from exc
    if bad:
        _count(area, "wrongly_accepted")
        raise AssertionError(f"{area}: an invalid input was accepted")
    _count(area, "accepted")
    return result


class LogCapture(logging.Handler):
    """Every record of the loggers below, formatted, at DEBUG (httpx, httpcore, grpc...)."""

    LOGGERS = ("", "weavorm", "httpx", "httpcore", "grpc", "hpack", "h11")

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self._saved: list[tuple[logging.Logger, int]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(record.getMessage() + repr(record.args) + repr(record.__dict__))
        except Exception:  # pragma: no cover - a broken record is still a line
            self.lines.append(repr(record.__dict__))

    def __enter__(self) -> LogCapture:
        for name in self.LOGGERS:
            logger = logging.getLogger(name)
            self._saved.append((logger, logger.level))
            logger.setLevel(logging.DEBUG)
            logger.addHandler(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        for logger, level in self._saved:
            logger.removeHandler(self)
            logger.setLevel(level)
        self._saved.clear()
