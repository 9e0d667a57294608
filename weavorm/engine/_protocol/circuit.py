"""Circuit breaker: when to stop sending to an endpoint, as a pure state machine.

One :class:`Circuit` per transport of a client (REST and gRPC). It counts
connection-level failures (nothing answered: :class:`~weavorm.errors.ConnectError`,
:class:`~weavorm.errors.TimeoutError`, gRPC ``UNAVAILABLE``) within a sliding window;
after ``failures`` of them it *opens*: calls are refused at once for ``open_for``
seconds. Then it *half-opens*: one call (the probe) is let through; an answer closes
the circuit, a connection failure opens it again. Any answer from the server, an
error answer (4xx, a typed server error) included, proves the link works and counts
as a success. No I/O, no clock of its own: every method takes ``now``.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

from weavorm.errors import (
    CircuitOpenError,
    ConfigError,
    ConnectError,
    TimeoutError,
    UnavailableError,
)

__all__ = ["Circuit", "CircuitBreaker", "CircuitState", "Transition", "is_link_failure"]

CircuitState = Literal["closed", "open", "half_open"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CircuitBreaker:
    """Settings of the circuit breaker of each transport (REST, gRPC).

    The default half-opens after 1 s, like the other recovery intervals (the
    longest retry wait is 2 s, gRPC reconnects at least once a second), so a server
    that is back is used again within about a second; while open, calls fail in
    microseconds instead of each waiting for its timeout.

    Attributes:
        failures: Connection failures within ``window`` that open the circuit.
        window: Seconds over which failures are counted.
        open_for: Seconds the circuit stays open before a probe is let through.
    """

    failures: int = 5
    window: float = 10.0
    open_for: float = 1.0

    def __post_init__(self) -> None:
        if isinstance(self.failures, bool) or not isinstance(self.failures, int):
            raise ConfigError(
                f"circuit failures must be an integer >= 1, got {self.failures!r}",
                field="circuit.failures",
                value=self.failures,
            )
        if self.failures < 1:
            raise ConfigError(
                f"circuit failures must be an integer >= 1, got {self.failures!r}",
                field="circuit.failures",
                value=self.failures,
            )
        for name in ("window", "open_for"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
                or value <= 0
            ):
                raise ConfigError(
                    f"circuit {name} must be a finite number of seconds > 0, got {value!r}",
                    field=f"circuit.{name}",
                    value=value,
                )


def is_link_failure(error: BaseException) -> bool:
    """Whether ``error`` says nothing answered (as opposed to an error answer)."""
    if isinstance(error, CircuitOpenError):
        return False
    if isinstance(error, ConnectError | TimeoutError):
        return True
    return isinstance(error, UnavailableError) and error.grpc_code == "UNAVAILABLE"


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of state, to be reported (telemetry event, log line).

    Attributes:
        old: The state before.
        new: The state after.
        reason: Why, in words.
        open_for: For ``new == "open"``, seconds until the probe.
    """

    old: CircuitState
    new: CircuitState
    reason: str
    open_for: float = 0.0


class Circuit:
    """The state of one endpoint's circuit. Not thread-safe: callers hold a lock."""

    def __init__(self, settings: CircuitBreaker) -> None:
        self.settings = settings
        self.state: CircuitState = "closed"
        self.opened_until = 0.0
        self.opens = 0
        self._failures: deque[float] = deque()
        self._probing = False

    def admit(self, now: float) -> tuple[bool, Transition | None]:
        """Whether a call may be sent now (and the transition that admitting made)."""
        if self.state == "closed":
            return True, None
        if self.state == "open":
            if now < self.opened_until:
                return False, None
            self.state, self._probing = "half_open", True
            return True, Transition("open", "half_open", "probing with one call")
        if self._probing:
            return False, None
        self._probing = True  # the previous probe was abandoned
        return True, None

    def remaining(self, now: float) -> float:
        """Seconds until the circuit half-opens (0 when it is not open)."""
        if self.state != "open":
            return 0.0
        return max(0.0, self.opened_until - now)

    def record(self, error: BaseException | None, now: float) -> Transition | None:
        """Record the outcome of an admitted call (``None``: it got an answer)."""
        if error is not None and is_link_failure(error):
            return self._failure(error, now)
        return self._success()

    def trip(self, now: float, reason: str) -> Transition | None:
        """Open the circuit now (a check found the endpoint unreachable)."""
        if self.state == "open":
            return None
        self._failures.clear()
        self._probing = False
        return self._open(now, reason)

    def release(self) -> None:
        """An admitted call ended without an outcome (cancelled, a bug): free the probe."""
        self._probing = False

    def _success(self) -> Transition | None:
        self._failures.clear()
        self._probing = False
        if self.state == "closed":
            return None
        old, self.state = self.state, "closed"
        return Transition(old, "closed", "the probe got an answer")

    def _failure(self, error: BaseException, now: float) -> Transition | None:
        settings = self.settings
        if self.state == "half_open":
            self._probing = False
            return self._open(now, f"the probe failed: {type(error).__name__}")
        if self.state == "open":
            return None  # a call admitted before the circuit opened
        failures = self._failures
        failures.append(now)
        while failures and failures[0] < now - settings.window:
            failures.popleft()
        if len(failures) < settings.failures:
            return None
        failures.clear()
        return self._open(
            now,
            f"{settings.failures} connection failures within {settings.window:g} s, "
            f"the last {type(error).__name__}",
        )

    def _open(self, now: float, reason: str) -> Transition:
        old, self.state = self.state, "open"
        self.opened_until = now + self.settings.open_for
        self.opens += 1
        return Transition(old, "open", reason, open_for=self.settings.open_for)
