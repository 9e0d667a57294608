"""Backups: request building, reply parsing and the waiting loop, without a server."""

from __future__ import annotations

from datetime import timezone

import pytest

from tests.unit._scripted import reply, run
from weavorm import errors
from weavorm.engine._protocol import backup as ops
from weavorm.engine._protocol.calls import HttpCall, Sleep
from weavorm.engine.backup import (
    BackupCanceledError,
    BackupCompressionLevel,
    BackupConfigCreate,
    BackupConfigRestore,
    BackupFailedError,
    BackupLocation,
    BackupStatus,
    BackupStorage,
)


def _status(status: str, **extra: object) -> dict[str, object]:
    return {"id": "b1", "backend": "filesystem", "path": "/b/b1", "status": status, **extra}


def test_create_builds_the_request() -> None:
    calls, result = run(
        ops.create(
            "Nightly-1",
            "filesystem",
            include_collections=["article", "Author"],
            config=BackupConfigCreate(
                cpu_percentage=40, compression_level=BackupCompressionLevel.BEST_SPEED
            ),
            backup_location=BackupLocation.filesystem(path="/mnt/b"),
        ),
        [reply(200, {**_status("STARTED"), "id": "nightly-1", "classes": ["Article", "Author"]})],
    )
    (call,) = calls
    assert isinstance(call, HttpCall)
    assert (call.method, call.path) == ("POST", "/v1/backups/filesystem")
    assert call.json == {
        "id": "nightly-1",
        "include": ["Article", "Author"],
        "config": {"CPUPercentage": 40, "CompressionLevel": "BestSpeed", "path": "/mnt/b"},
    }
    assert call.retryable is False
    assert result.backup_id == "nightly-1"
    assert result.status is BackupStatus.STARTED
    assert result.collections == ["Article", "Author"]


def test_create_exclude_and_incremental() -> None:
    calls, _ = run(
        ops.create(
            "b2", BackupStorage.S3, exclude_collections="Secret", incremental_base_backup_id="B1"
        ),
        [reply(200, _status("STARTED"))],
    )
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/backups/s3"
    assert calls[0].json == {
        "id": "b2",
        "exclude": ["Secret"],
        "incremental_base_backup_id": "b1",
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"backup_id": "has space"}, "backup_id"),
        ({"backup_id": ""}, "backup_id"),
        ({"backend": "ftp"}, "backend"),
        ({"include_collections": "A", "exclude_collections": "B"}, "include_collections"),
        ({"config": BackupConfigCreate(cpu_percentage=95)}, "cpu_percentage"),
        ({"config": BackupConfigCreate(compression_level="zip")}, "compression_level"),
        ({"wait_timeout": 0, "wait_for_completion": True}, "wait_timeout"),
        ({"poll_interval": 0}, "poll_interval"),
    ],
)
def test_create_rejects_bad_input_before_io(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"backup_id": "ok", **kwargs}
    with pytest.raises(errors.ConfigError) as info:
        next(ops.create(**args))  # type: ignore[arg-type]
    assert info.value.field == field


def test_create_waits_until_success() -> None:
    times = iter([0.0, 0.1, 0.2, 0.3, 0.4])
    calls, result = run(
        ops.create(
            "b1",
            wait_for_completion=True,
            poll_interval=0.5,
            wait_timeout=30,
            clock=lambda: next(times),
        ),
        [
            reply(200, {**_status("STARTED"), "classes": ["A"]}),
            reply(200, _status("TRANSFERRING")),
            reply(200, _status("TRANSFERRED")),
            reply(
                200,
                _status(
                    "SUCCESS",
                    size=1.5,
                    startedAt="2025-01-02T03:04:05.123456789Z",
                    completedAt="2025-01-02T03:04:06Z",
                ),
            ),
        ],
    )
    polls = [c for c in calls if isinstance(c, HttpCall) and c.method == "GET"]
    assert [c.path for c in polls] == ["/v1/backups/filesystem/b1"] * 3
    sleeps = [c.seconds for c in calls if isinstance(c, Sleep)]
    assert sleeps == [0.05, 0.1]
    assert result.status is BackupStatus.SUCCESS
    assert result.collections == ["A"]
    assert result.size == 1.5
    assert result.started_at is not None
    assert result.started_at.tzinfo == timezone.utc
    assert result.started_at.microsecond == 123456


def test_sleeps_grow_to_the_poll_interval() -> None:
    replies = [reply(200, _status("STARTED"))] + [reply(200, _status("STARTED"))] * 6
    replies.append(reply(200, _status("SUCCESS")))
    calls, _ = run(ops.create("b1", wait_for_completion=True, poll_interval=0.3), replies)
    assert [c.seconds for c in calls if isinstance(c, Sleep)] == [
        0.05,
        0.1,
        0.2,
        0.3,
        0.3,
        0.3,
    ]


@pytest.mark.parametrize(
    ("status", "error_type"),
    [("FAILED", BackupFailedError), ("CANCELED", BackupCanceledError)],
)
def test_wait_raises_on_failure(status: str, error_type: type[BackupFailedError]) -> None:
    with pytest.raises(error_type) as info:
        run(
            ops.create("b1", wait_for_completion=True),
            [reply(200, _status("STARTED")), reply(200, _status(status, error="disk full"))],
        )
    assert info.value.backup_id == "b1"
    assert info.value.status is BackupStatus(status)
    assert info.value.error == "disk full"
    assert "disk full" in str(info.value)


def test_wait_times_out() -> None:
    clock = iter([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0])
    with pytest.raises(errors.TimeoutError, match=r"within 1\.0 s \(last status STARTED\)"):
        run(
            ops.create(
                "b1",
                wait_for_completion=True,
                wait_timeout=1.0,
                poll_interval=0.4,
                clock=lambda: next(clock),
            ),
            [reply(200, _status("STARTED"))] * 10,
        )


def test_restore_builds_the_request_and_waits() -> None:
    calls, result = run(
        ops.restore(
            "b1",
            include_collections="article",
            roles_restore="all",
            users_restore="noRestore",
            config=BackupConfigRestore(cpu_percentage=10),
            overwrite_alias=True,
            wait_for_completion=True,
        ),
        [
            reply(200, {**_status("STARTED"), "classes": ["Article"]}),
            reply(200, _status("SUCCESS")),
        ],
    )
    first = calls[0]
    assert isinstance(first, HttpCall)
    assert (first.method, first.path) == ("POST", "/v1/backups/filesystem/b1/restore")
    assert first.json == {
        "overwriteAlias": True,
        "include": ["Article"],
        "config": {"CPUPercentage": 10, "rolesOptions": "all", "usersOptions": "noRestore"},
    }
    poll = calls[1]
    assert isinstance(poll, HttpCall)
    assert poll.path == "/v1/backups/filesystem/b1/restore"
    assert result.status is BackupStatus.SUCCESS
    assert result.collections == ["Article"]


def test_restore_rejects_bad_roles_option() -> None:
    with pytest.raises(errors.ConfigError):
        next(ops.restore("b1", roles_restore="some"))  # type: ignore[arg-type]


def test_status_calls_pass_the_location() -> None:
    loc = BackupLocation.s3(path="p", bucket="bk")
    calls, result = run(
        ops.get_create_status("B1", "s3", backup_location=loc), [reply(200, _status("STARTED"))]
    )
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/backups/s3/b1"
    assert calls[0].params == {"path": "p", "bucket": "bk"}
    assert result.status is BackupStatus.STARTED
    calls, _ = run(ops.get_restore_status("b1"), [reply(200, _status("SUCCESS"))])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/backups/filesystem/b1/restore"


def test_cancel() -> None:
    calls, ok = run(ops.cancel("b1"), [reply(204)])
    assert isinstance(calls[0], HttpCall)
    assert (calls[0].method, calls[0].path) == ("DELETE", "/v1/backups/filesystem/b1")
    assert ok is True
    calls, ok = run(ops.cancel("b1", operation="restore"), [reply(404)])
    assert isinstance(calls[0], HttpCall)
    assert calls[0].path == "/v1/backups/filesystem/b1/restore"
    assert 404 in calls[0].accept
    assert ok is False
    with pytest.raises(errors.ConfigError):
        next(ops.cancel("b1", operation="other"))  # type: ignore[arg-type]


def test_list_backups() -> None:
    calls, items = run(
        ops.list_backups("filesystem", sort_by_starting_time_asc=True),
        [
            reply(
                200,
                [
                    {
                        "id": "b1",
                        "classes": ["A"],
                        "status": "SUCCESS",
                        "startedAt": "2025-01-01T00:00:00Z",
                        "completedAt": "0001-01-01T00:00:00Z",
                        "size": 0.25,
                        "incremental_base_backup_id": "",
                    },
                    {"id": "b2", "status": "WEIRD"},
                ],
            )
        ],
    )
    assert isinstance(calls[0], HttpCall)
    assert calls[0].params == {"order": "asc"}
    assert [b.backup_id for b in items] == ["b1", "b2"]
    assert items[0].collections == ["A"]
    assert items[0].completed_at is None  # Go's zero time
    assert items[0].incremental_base_backup_id is None
    assert items[1].status is BackupStatus.STARTED


def test_server_errors_pass_through() -> None:
    with pytest.raises(errors.UnprocessableError):
        run(ops.create("b1"), [errors.UnprocessableError(422, "class X does not exist")])
