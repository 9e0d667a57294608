"""Retry policy: which failures are retried and how long to wait, with no I/O."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from weavorm.errors import (
    ConfigError,
    ConnectError,
    TimeoutError,
    UnavailableError,
    WeavormError,
)

__all__ = ["RetryPolicy"]

#: Longest single wait accepted (one day); longer ones overflow the sleep timers.
_MAX_BACKOFF = 86400.0


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """Exponential backoff with jitter for transient failures.

    A failure is transient when the server could not be reached
    (:class:`~weavorm.errors.ConnectError`), a deadline passed
    (:class:`~weavorm.errors.TimeoutError`) or the server said it is overloaded
    (:class:`~weavorm.errors.UnavailableError`: 429, 502-504, gRPC UNAVAILABLE /
    RESOURCE_EXHAUSTED). Only idempotent calls are retried unless
    ``retry_non_idempotent`` is set (batch writes with fixed ids are idempotent and
    mark themselves so).

    Retries stop at whichever comes first: ``max_attempts`` attempts, or ``budget``
    seconds since the first attempt started (a retry whose wait would end past the
    budget is not made). The defaults keep retrying for about 20 seconds with waits
    of at most 2 seconds, which rides out a server restart of about 15 seconds and
    notices within about 2 seconds that the server is back.

    Attributes:
        max_attempts: Total attempts including the first (1 disables retries).
        initial_backoff: Seconds before the first retry.
        max_backoff: Upper bound of one wait, in seconds.
        multiplier: Growth factor per attempt.
        jitter: Fraction of each wait that is randomised (0 to 1).
        retry_non_idempotent: Also retry non-idempotent calls.
        budget: Seconds, from the start of the first attempt, after which no retry
            starts (None: only ``max_attempts`` limits retries).
        unreached_attempts: Attempts per call while the server has never answered.
    """

    max_attempts: int = 20
    initial_backoff: float = 0.2
    max_backoff: float = 2.0
    multiplier: float = 2.0
    jitter: float = 0.2
    retry_non_idempotent: bool = False
    budget: float | None = 20.0
    unreached_attempts: int = 4

    def __post_init__(self) -> None:
        if (
            isinstance(self.max_attempts, bool)
            or not isinstance(self.max_attempts, int)
            or self.max_attempts < 1
        ):
            raise ConfigError(
                f"retry max_attempts must be an integer >= 1, got {self.max_attempts!r}",
                field="retry.max_attempts",
                value=self.max_attempts,
            )
        for name in ("initial_backoff", "max_backoff"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or not 0 <= value <= _MAX_BACKOFF
            ):
                raise ConfigError(
                    f"retry {name} must be a number of seconds between 0 and "
                    f"{_MAX_BACKOFF:.0f}, got {value!r}",
                    field=f"retry.{name}",
                    value=value,
                )
        if (
            isinstance(self.unreached_attempts, bool)
            or not isinstance(self.unreached_attempts, int)
            or self.unreached_attempts < 1
        ):
            raise ConfigError(
                "retry unreached_attempts must be an integer >= 1, "
                f"got {self.unreached_attempts!r}",
                field="retry.unreached_attempts",
                value=self.unreached_attempts,
            )
        budget = self.budget
        if budget is not None and (
            isinstance(budget, bool)
            or not isinstance(budget, int | float)
            or not math.isfinite(budget)
            or budget < 0
        ):
            raise ConfigError(
                f"retry budget must be None or a finite number of seconds >= 0, got {budget!r}",
                field="retry.budget",
                value=budget,
            )
        if (
            isinstance(self.multiplier, bool)
            or not isinstance(self.multiplier, int | float)
            or not math.isfinite(self.multiplier)
            or self.multiplier < 1
        ):
            raise ConfigError(
                f"retry multiplier must be a finite number >= 1, got {self.multiplier!r}",
                field="retry.multiplier",
                value=self.multiplier,
            )
        if (
            isinstance(self.jitter, bool)
            or not isinstance(self.jitter, int | float)
            or not 0 <= self.jitter <= 1
        ):
            raise ConfigError(
                f"retry jitter must be between 0 and 1, got {self.jitter!r}",
                field="retry.jitter",
                value=self.jitter,
            )

    @classmethod
    def none(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_attempts=1)

    def is_transient(self, error: BaseException) -> bool:
        """Whether ``error`` is a failure worth retrying."""
        return isinstance(error, ConnectError | TimeoutError | UnavailableError)

    def should_retry(self, error: WeavormError, *, attempt: int, idempotent: bool) -> bool:
        """Whether to retry after ``attempt`` (1-based) failed with ``error``."""
        if attempt >= self.max_attempts:
            return False
        if not (idempotent or self.retry_non_idempotent):
            return False
        return self.is_transient(error)

    def next_delay(
        self,
        error: WeavormError,
        *,
        attempt: int,
        idempotent: bool,
        elapsed: float,
        reached: bool = True,
        rng: random.Random | None = None,
    ) -> float | None:
        """Seconds to wait before the next attempt, or None to give up.

        Args:
            error: Why attempt number ``attempt`` failed.
            attempt: The attempt that failed (1-based).
            idempotent: Whether the call may be sent again safely.
            elapsed: Seconds since the first attempt started.
            reached: Whether the server has ever answered this client.
            rng: Source of jitter.
        """
        if not self.should_retry(error, attempt=attempt, idempotent=idempotent):
            return None
        if not reached and attempt >= self.unreached_attempts:
            return None
        delay = self.backoff(attempt, rng=rng)
        if self.budget is not None and elapsed + delay > self.budget:
            return None
        return delay

    def backoff(self, attempt: int, *, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        base = min(self.max_backoff, self.initial_backoff * self.multiplier ** (attempt - 1))
        if self.jitter <= 0 or base <= 0:
            return base
        r = (rng or random).random()
        low = base * (1 - self.jitter)
        return min(self.max_backoff, low + (base - low) * 2 * r)
