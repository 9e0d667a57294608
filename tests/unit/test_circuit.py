"""The circuit breaker's state machine, on a fake clock (no I/O)."""

from __future__ import annotations

import pytest

from weavorm.engine import CircuitBreaker
from weavorm.engine._protocol.circuit import Circuit, is_link_failure
from weavorm.errors import (
    CircuitOpenError,
    ConfigError,
    ConnectError,
    NotFoundError,
    TimeoutError,
    TransportError,
    UnavailableError,
    UnprocessableError,
)

REFUSED = ConnectError("refused")


def _open(circuit: Circuit, now: float = 0.0) -> None:
    for i in range(circuit.settings.failures):
        assert circuit.admit(now + i * 0.1)[0]
        circuit.record(REFUSED, now + i * 0.1)
    assert circuit.state == "open"


def test_opens_after_the_configured_failures_within_the_window() -> None:
    circuit = Circuit(CircuitBreaker(failures=3, window=10.0, open_for=5.0))
    assert circuit.record(REFUSED, 0.0) is None
    assert circuit.record(TimeoutError("slow"), 1.0) is None
    transition = circuit.record(REFUSED, 2.0)
    assert transition is not None
    assert (transition.old, transition.new, transition.open_for) == ("closed", "open", 5.0)
    assert "3 connection failures" in transition.reason
    assert circuit.admit(2.5) == (False, None)
    assert circuit.remaining(2.5) == pytest.approx(4.5)


def test_failures_outside_the_window_do_not_count() -> None:
    circuit = Circuit(CircuitBreaker(failures=3, window=1.0, open_for=5.0))
    for t in (0.0, 2.0, 4.0, 6.0, 8.0):
        circuit.record(REFUSED, t)
    assert circuit.state == "closed"


def test_an_answer_clears_the_run() -> None:
    circuit = Circuit(CircuitBreaker(failures=3))
    circuit.record(REFUSED, 0.0)
    circuit.record(REFUSED, 0.1)
    circuit.record(None, 0.2)
    circuit.record(REFUSED, 0.3)
    circuit.record(REFUSED, 0.4)
    assert circuit.state == "closed"


@pytest.mark.parametrize(
    "error",
    [
        NotFoundError(404, "gone"),
        UnprocessableError(422, "bad"),
        UnavailableError(503, "overloaded"),
        UnavailableError(429, "overloaded", grpc_code="RESOURCE_EXHAUSTED"),
    ],
)
def test_error_answers_never_open_it(error: Exception) -> None:
    circuit = Circuit(CircuitBreaker(failures=2))
    for t in range(10):
        circuit.record(error, float(t))
    assert circuit.state == "closed"
    assert not is_link_failure(error)


def test_link_failures() -> None:
    assert is_link_failure(REFUSED)
    assert is_link_failure(TimeoutError("x"))
    assert is_link_failure(UnavailableError(503, "x", grpc_code="UNAVAILABLE"))
    assert not is_link_failure(CircuitOpenError("x", transport="grpc", endpoint="h:1", until=0.0))
    assert issubclass(CircuitOpenError, TransportError)


def test_half_opens_with_one_probe_and_closes_on_success() -> None:
    circuit = Circuit(CircuitBreaker(failures=2, open_for=5.0))
    _open(circuit)
    assert circuit.admit(4.0) == (False, None)
    admitted, transition = circuit.admit(5.2)
    assert admitted and transition is not None and transition.new == "half_open"
    assert circuit.admit(5.3) == (False, None)  # one probe at a time
    closed = circuit.record(None, 5.4)
    assert closed is not None and (closed.old, closed.new) == ("half_open", "closed")
    assert circuit.admit(5.5) == (True, None)


def test_a_failed_probe_opens_it_again() -> None:
    circuit = Circuit(CircuitBreaker(failures=2, open_for=5.0))
    _open(circuit)
    assert circuit.admit(6.0)[0]
    transition = circuit.record(TimeoutError("still dead"), 7.0)
    assert transition is not None and (transition.old, transition.new) == ("half_open", "open")
    assert circuit.admit(11.9) == (False, None)
    assert circuit.admit(12.0)[0]
    assert circuit.opens == 2


def test_a_4xx_probe_closes_it() -> None:
    circuit = Circuit(CircuitBreaker(failures=2, open_for=1.0))
    _open(circuit)
    assert circuit.admit(2.0)[0]
    circuit.record(NotFoundError(404, "no such object"), 2.1)
    assert circuit.state == "closed"


def test_an_abandoned_probe_frees_the_slot() -> None:
    circuit = Circuit(CircuitBreaker(failures=2, open_for=1.0))
    _open(circuit)
    assert circuit.admit(2.0)[0]
    assert not circuit.admit(2.1)[0]
    circuit.release()
    assert circuit.admit(2.2)[0]


def test_late_failures_of_calls_admitted_before_it_opened_do_not_extend_it() -> None:
    circuit = Circuit(CircuitBreaker(failures=2, open_for=1.0))
    _open(circuit)
    until = circuit.opened_until
    assert circuit.record(REFUSED, 0.9) is None
    assert circuit.opened_until == until


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"failures": 0}, "circuit.failures"),
        ({"failures": True}, "circuit.failures"),
        ({"window": 0}, "circuit.window"),
        ({"open_for": float("inf")}, "circuit.open_for"),
        ({"open_for": -1}, "circuit.open_for"),
    ],
)
def test_invalid_settings(options: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigError) as info:
        CircuitBreaker(**options)  # type: ignore[arg-type]
    assert info.value.field == field


def test_connect_takes_circuit() -> None:
    import weavorm

    client = weavorm.connect(skip_init_checks=True, circuit=None)
    with client:
        assert client._driver.config.circuit is None
    client = weavorm.connect(skip_init_checks=True)
    with client:
        assert client._driver.config.circuit == CircuitBreaker()
    with pytest.raises(ConfigError):
        weavorm.connect(skip_init_checks=True, circuit=5)  # type: ignore[arg-type]
