import random

import pytest

from weavorm import errors
from weavorm.engine import RetryPolicy
from weavorm.engine._protocol.errormap import error_for_grpc, error_for_status, server_message


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, errors.UnprocessableError),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (422, errors.UnprocessableError),
        (429, errors.UnavailableError),
        (500, errors.ServerError),
        (503, errors.UnavailableError),
    ],
)
def test_http_status_mapping(status: int, cls: type) -> None:
    err = error_for_status(status, {"error": [{"message": "boom"}]}, operation="op")
    assert type(err) is cls
    assert err.status == status
    assert err.message == "boom"
    assert "op" in str(err) and "boom" in str(err)


@pytest.mark.parametrize(
    ("code", "cls", "status"),
    [
        ("UNAUTHENTICATED", errors.AuthenticationError, 401),
        ("PERMISSION_DENIED", errors.PermissionDeniedError, 403),
        ("NOT_FOUND", errors.NotFoundError, 404),
        ("ALREADY_EXISTS", errors.ConflictError, 409),
        ("INVALID_ARGUMENT", errors.UnprocessableError, 422),
        ("UNAVAILABLE", errors.UnavailableError, 503),
        ("RESOURCE_EXHAUSTED", errors.UnavailableError, 429),
        ("INTERNAL", errors.ServerError, 500),
        ("UNKNOWN", errors.ServerError, 500),
    ],
)
def test_grpc_code_mapping(code: str, cls: type, status: int) -> None:
    err = error_for_grpc(code, "details here")
    assert type(err) is cls
    assert err.status == status
    assert err.grpc_code == code


def test_server_message_shapes() -> None:
    assert server_message({"error": [{"message": "a"}, {"message": "b"}]}) == "a; b"
    assert server_message({"code": 601, "message": "m"}) == "m"
    assert server_message(None, "plain text\n") == "plain text"
    assert server_message(None, "") == "(no message)"


def test_error_tree() -> None:
    assert issubclass(errors.ConnectError, errors.TransportError)
    assert issubclass(errors.TimeoutError, errors.TransportError)
    assert issubclass(errors.TimeoutError, TimeoutError)
    assert issubclass(errors.FlushError, errors.BatchError)
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.WeavormError)


def test_retry_only_transient_and_idempotent() -> None:
    policy = RetryPolicy(max_attempts=3)
    unavailable = errors.UnavailableError(503, "x")
    assert policy.should_retry(unavailable, attempt=1, idempotent=True)
    assert policy.should_retry(errors.ConnectError("x"), attempt=2, idempotent=True)
    assert not policy.should_retry(unavailable, attempt=3, idempotent=True)
    assert not policy.should_retry(unavailable, attempt=1, idempotent=False)
    assert not policy.should_retry(errors.NotFoundError(404, "x"), attempt=1, idempotent=True)
    opt_in = RetryPolicy(retry_non_idempotent=True)
    assert opt_in.should_retry(unavailable, attempt=1, idempotent=False)
    assert not RetryPolicy.none().should_retry(unavailable, attempt=1, idempotent=True)


def test_backoff_grows_is_capped_and_jittered() -> None:
    policy = RetryPolicy(initial_backoff=0.1, multiplier=2, max_backoff=1.0, jitter=0.0)
    assert [policy.backoff(n) for n in (1, 2, 3, 4, 5)] == [0.1, 0.2, 0.4, 0.8, 1.0]
    jittered = RetryPolicy(initial_backoff=1.0, multiplier=2, max_backoff=100, jitter=0.5)
    rng = random.Random(7)
    samples = [jittered.backoff(3, rng=rng) for _ in range(200)]
    assert min(samples) >= 2.0 and max(samples) <= 6.0
    assert len({round(s, 6) for s in samples}) > 100


def test_weaviate_grpc_auth_failures_are_typed() -> None:
    err = error_for_grpc("UNKNOWN", "extract auth: unauthorized: invalid api key")
    assert type(err) is errors.AuthenticationError and err.status == 401
    err = error_for_grpc("UNKNOWN", "authorization, forbidden action: read_data")
    assert type(err) is errors.PermissionDeniedError and err.status == 403
