"""Backups over REST: create, restore, status, cancel, list — and waiting for them.

Waiting is plain code in the operation: poll the status, ``yield from sleep(...)``
with a growing interval, stop at SUCCESS, raise on FAILED / CANCELED, and raise
:class:`weavorm.errors.TimeoutError` when ``wait_timeout`` passes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from weavorm.engine._protocol.calls import Operation, http, sleep
from weavorm.engine._protocol.ops_common import (
    capitalize_first,
    name_list,
    parse_datetime,
    reply_dict,
    reply_list,
)
from weavorm.errors import ConfigError, TimeoutError, WeavormError

__all__ = [
    "BackupCanceledError",
    "BackupCompressionLevel",
    "BackupConfigCreate",
    "BackupConfigRestore",
    "BackupFailedError",
    "BackupListReturn",
    "BackupLocation",
    "BackupReturn",
    "BackupStatus",
    "BackupStatusReturn",
    "BackupStorage",
    "cancel",
    "create",
    "get_create_status",
    "get_restore_status",
    "list_backups",
    "restore",
    "wait",
]

_ID = re.compile(r"^[a-z0-9_-]+$")
_FIRST_POLL = 0.05


class BackupStorage(str, Enum):
    """The backend a backup is written to (the server needs the matching module)."""

    FILESYSTEM = "filesystem"
    S3 = "s3"
    GCS = "gcs"
    AZURE = "azure"


class BackupStatus(str, Enum):
    """The state of a backup or restore."""

    STARTED = "STARTED"
    TRANSFERRING = "TRANSFERRING"
    TRANSFERRED = "TRANSFERRED"
    CANCELLING = "CANCELLING"
    FINALIZING = "FINALIZING"
    SUCCESS = "SUCCESS"
    FAILED = "FAILED"
    CANCELED = "CANCELED"


class BackupCompressionLevel(str, Enum):
    """How a backup is compressed."""

    DEFAULT = "DefaultCompression"
    BEST_SPEED = "BestSpeed"
    BEST_COMPRESSION = "BestCompression"
    ZSTD_BEST_SPEED = "ZstdBestSpeed"
    ZSTD_DEFAULT = "ZstdDefaultCompression"
    ZSTD_BEST_COMPRESSION = "ZstdBestCompression"
    NO_COMPRESSION = "NoCompression"


class BackupFailedError(WeavormError):
    """A backup or restore that was waited for ended FAILED.

    Attributes:
        backup_id: The backup.
        status: The final status.
        error: The server's error text for the backup.
    """

    def __init__(self, message: str, *, backup_id: str, status: BackupStatus, error: str) -> None:
        super().__init__(message)
        self.backup_id = backup_id
        self.status = status
        self.error = error


class BackupCanceledError(BackupFailedError):
    """A backup or restore that was waited for was canceled."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupConfigCreate:
    """Options for creating a backup.

    Attributes:
        cpu_percentage: Share of CPU the backup may use (1-80).
        compression_level: How to compress.
    """

    cpu_percentage: int | None = None
    compression_level: BackupCompressionLevel | str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``config`` JSON object."""
        out: dict[str, Any] = {}
        if self.cpu_percentage is not None:
            out["CPUPercentage"] = _cpu(self.cpu_percentage)
        if self.compression_level is not None:
            try:
                out["CompressionLevel"] = BackupCompressionLevel(self.compression_level).value
            except ValueError as exc:
                raise ConfigError(
                    f"unknown compression_level {self.compression_level!r}",
                    field="compression_level",
                    value=self.compression_level,
                ) from exc
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupConfigRestore:
    """Options for restoring a backup.

    Attributes:
        cpu_percentage: Share of CPU the restore may use (1-80).
    """

    cpu_percentage: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``config`` JSON object."""
        return {} if self.cpu_percentage is None else {"CPUPercentage": _cpu(self.cpu_percentage)}


def _cpu(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 80:
        raise ConfigError(
            f"cpu_percentage must be an integer from 1 to 80, got {value!r}",
            field="cpu_percentage",
            value=value,
        )
    return value


@dataclass(frozen=True, slots=True)
class BackupLocation:
    """Where on the backend a backup lives, instead of the server's default.

    Build one with :meth:`filesystem`, :meth:`s3`, :meth:`gcs` or :meth:`azure`.

    Attributes:
        path: The directory (or key prefix) of the backup.
        bucket: The bucket / container, for cloud backends.
    """

    path: str
    bucket: str | None = None

    @classmethod
    def filesystem(cls, *, path: str) -> BackupLocation:
        """A directory on the server's filesystem."""
        return cls(path)

    @classmethod
    def s3(cls, *, path: str, bucket: str) -> BackupLocation:
        """A bucket and path on S3."""
        return cls(path, bucket)

    @classmethod
    def gcs(cls, *, path: str, bucket: str) -> BackupLocation:
        """A bucket and path on Google Cloud Storage."""
        return cls(path, bucket)

    @classmethod
    def azure(cls, *, path: str, bucket: str) -> BackupLocation:
        """A container and path on Azure Blob Storage."""
        return cls(path, bucket)

    def to_dict(self) -> dict[str, str]:
        """The location as ``config`` members and status query parameters."""
        out = {"path": self.path}
        if self.bucket is not None:
            out["bucket"] = self.bucket
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupStatusReturn:
    """The status of a backup or restore.

    Attributes:
        backup_id: The backup's id (lower case).
        status: Its state.
        path: Where it is stored.
        backend: The backend name.
        error: The server's error text, if any.
        size: Size in GiB, when reported.
        started_at: When it started, when reported.
        completed_at: When it ended, when reported.
    """

    backup_id: str
    status: BackupStatus
    path: str = ""
    backend: str = ""
    error: str | None = None
    size: float = 0.0
    started_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupReturn(BackupStatusReturn):
    """The answer to starting (or waiting for) a backup or restore.

    Attributes:
        collections: The collections in the backup or restore.
    """

    collections: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True, kw_only=True)
class BackupListReturn:
    """One backup on a backend, as listed.

    Attributes:
        backup_id: The backup's id.
        status: Its state.
        collections: The collections it holds.
        started_at: When it started.
        completed_at: When it ended.
        size: Size in GiB.
        incremental_base_backup_id: The base of an incremental backup, if any.
    """

    backup_id: str
    status: BackupStatus
    collections: list[str] = field(default_factory=list)
    started_at: datetime | None = None
    completed_at: datetime | None = None
    size: float = 0.0
    incremental_base_backup_id: str | None = None


BackendLike = BackupStorage | str
Clock = Callable[[], float]


def _backend(value: Any) -> BackupStorage:
    try:
        return BackupStorage(str(value.value if isinstance(value, Enum) else value).lower())
    except ValueError as exc:
        names = ", ".join(b.value for b in BackupStorage)
        raise ConfigError(
            f"backend must be one of {names}, got {value!r}", field="backend", value=value
        ) from exc


def _backup_id(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"backup_id must be a non-empty string, got {value!r}", field="backup_id")
    lowered = value.lower()
    if not _ID.match(lowered):
        raise ConfigError(
            f"backup_id may only hold lower-case letters, digits, '_' and '-', got {value!r}",
            field="backup_id",
            value=value,
        )
    return lowered


def _collections(
    include: str | Sequence[str] | None, exclude: str | Sequence[str] | None
) -> tuple[list[str], list[str]]:
    inc = [capitalize_first(c) for c in name_list(include, "include_collections")]
    exc = [capitalize_first(c) for c in name_list(exclude, "exclude_collections")]
    if inc and exc:
        raise ConfigError(
            "set either include_collections or exclude_collections, not both",
            field="include_collections",
        )
    return inc, exc


def _status(value: Any) -> BackupStatus:
    try:
        return BackupStatus(str(value))
    except ValueError:
        return BackupStatus.STARTED


def _status_return(body: Mapping[str, Any], backup_id: str) -> BackupStatusReturn:
    return BackupStatusReturn(
        backup_id=str(body.get("id") or backup_id),
        status=_status(body.get("status")),
        path=str(body.get("path") or ""),
        backend=str(body.get("backend") or ""),
        error=body.get("error") or None,
        size=float(body.get("size") or 0.0),
        started_at=parse_datetime(body.get("startedAt")),
        completed_at=parse_datetime(body.get("completedAt")),
    )


def _backup_return(body: Mapping[str, Any], backup_id: str) -> BackupReturn:
    base = _status_return(body, backup_id)
    return BackupReturn(
        backup_id=base.backup_id,
        status=base.status,
        path=base.path,
        backend=base.backend,
        error=base.error,
        size=base.size,
        started_at=base.started_at,
        completed_at=base.completed_at,
        collections=[str(c) for c in body.get("classes") or []],
    )


def _with_final(started: BackupReturn, final: BackupStatusReturn) -> BackupReturn:
    return BackupReturn(
        backup_id=started.backup_id,
        status=final.status,
        path=final.path or started.path,
        backend=final.backend or started.backend,
        error=final.error,
        size=final.size or started.size,
        started_at=final.started_at or started.started_at,
        completed_at=final.completed_at,
        collections=started.collections,
    )


def _location_params(location: BackupLocation | None) -> dict[str, str] | None:
    return location.to_dict() if location is not None else None


def _check_wait(poll_interval: float, wait_timeout: float | None) -> None:
    if not poll_interval > 0:
        raise ConfigError(
            f"poll_interval must be positive, got {poll_interval!r}", field="poll_interval"
        )
    if wait_timeout is not None and not wait_timeout > 0:
        raise ConfigError(
            f"wait_timeout must be positive or None, got {wait_timeout!r}", field="wait_timeout"
        )


def create(
    backup_id: str,
    backend: BackendLike = BackupStorage.FILESYSTEM,
    *,
    include_collections: str | Sequence[str] | None = None,
    exclude_collections: str | Sequence[str] | None = None,
    incremental_base_backup_id: str | None = None,
    wait_for_completion: bool = False,
    config: BackupConfigCreate | None = None,
    backup_location: BackupLocation | None = None,
    poll_interval: float = 1.0,
    wait_timeout: float | None = None,
    clock: Clock = time.monotonic,
) -> Operation[BackupReturn]:
    """``POST /v1/backups/{backend}``, then optionally wait for SUCCESS."""
    bid = _backup_id(backup_id)
    storage = _backend(backend)
    include, exclude = _collections(include_collections, exclude_collections)
    _check_wait(poll_interval, wait_timeout)
    payload: dict[str, Any] = {"id": bid}
    if include:
        payload["include"] = include
    if exclude:
        payload["exclude"] = exclude
    if incremental_base_backup_id is not None:
        payload["incremental_base_backup_id"] = _backup_id(incremental_base_backup_id)
    cfg = config.to_dict() if config is not None else {}
    if backup_location is not None:
        cfg.update(backup_location.to_dict())
    if cfg:
        payload["config"] = cfg
    reply = yield from http(
        "POST",
        f"/v1/backups/{storage.value}",
        operation="backup.create",
        json=payload,
        idempotent=False,
    )
    started = _backup_return(reply_dict(reply), bid)
    if not wait_for_completion:
        return started
    final = yield from wait(
        bid,
        storage,
        restore=False,
        backup_location=backup_location,
        poll_interval=poll_interval,
        wait_timeout=wait_timeout,
        clock=clock,
    )
    return _with_final(started, final)


def get_create_status(
    backup_id: str,
    backend: BackendLike = BackupStorage.FILESYSTEM,
    *,
    backup_location: BackupLocation | None = None,
) -> Operation[BackupStatusReturn]:
    """``GET /v1/backups/{backend}/{id}``."""
    bid = _backup_id(backup_id)
    storage = _backend(backend)
    reply = yield from http(
        "GET",
        f"/v1/backups/{storage.value}/{bid}",
        operation="backup.get_create_status",
        params=_location_params(backup_location),
    )
    return _status_return(reply_dict(reply), bid)


def restore(
    backup_id: str,
    backend: BackendLike = BackupStorage.FILESYSTEM,
    *,
    include_collections: str | Sequence[str] | None = None,
    exclude_collections: str | Sequence[str] | None = None,
    roles_restore: Literal["noRestore", "all"] | None = None,
    users_restore: Literal["noRestore", "all"] | None = None,
    wait_for_completion: bool = False,
    config: BackupConfigRestore | None = None,
    backup_location: BackupLocation | None = None,
    overwrite_alias: bool = False,
    poll_interval: float = 1.0,
    wait_timeout: float | None = None,
    clock: Clock = time.monotonic,
) -> Operation[BackupReturn]:
    """``POST /v1/backups/{backend}/{id}/restore``, then optionally wait for SUCCESS."""
    bid = _backup_id(backup_id)
    storage = _backend(backend)
    include, exclude = _collections(include_collections, exclude_collections)
    _check_wait(poll_interval, wait_timeout)
    payload: dict[str, Any] = {"overwriteAlias": bool(overwrite_alias)}
    if include:
        payload["include"] = include
    if exclude:
        payload["exclude"] = exclude
    cfg = config.to_dict() if config is not None else {}
    if backup_location is not None:
        cfg.update(backup_location.to_dict())
    for key, value in (("rolesOptions", roles_restore), ("usersOptions", users_restore)):
        if value is not None:
            if value not in ("noRestore", "all"):
                raise ConfigError(
                    f"{key} must be 'noRestore' or 'all', got {value!r}", field=key, value=value
                )
            cfg[key] = value
    if cfg:
        payload["config"] = cfg
    reply = yield from http(
        "POST",
        f"/v1/backups/{storage.value}/{bid}/restore",
        operation="backup.restore",
        json=payload,
        idempotent=False,
    )
    started = _backup_return(reply_dict(reply), bid)
    if not wait_for_completion:
        return started
    final = yield from wait(
        bid,
        storage,
        restore=True,
        backup_location=backup_location,
        poll_interval=poll_interval,
        wait_timeout=wait_timeout,
        clock=clock,
    )
    return _with_final(started, final)


def get_restore_status(
    backup_id: str,
    backend: BackendLike = BackupStorage.FILESYSTEM,
    *,
    backup_location: BackupLocation | None = None,
) -> Operation[BackupStatusReturn]:
    """``GET /v1/backups/{backend}/{id}/restore``."""
    bid = _backup_id(backup_id)
    storage = _backend(backend)
    reply = yield from http(
        "GET",
        f"/v1/backups/{storage.value}/{bid}/restore",
        operation="backup.get_restore_status",
        params=_location_params(backup_location),
    )
    return _status_return(reply_dict(reply), bid)


def cancel(
    backup_id: str,
    backend: BackendLike = BackupStorage.FILESYSTEM,
    *,
    backup_location: BackupLocation | None = None,
    operation: Literal["create", "restore"] = "create",
) -> Operation[bool]:
    """``DELETE /v1/backups/{backend}/{id}`` (or ``.../restore``).

    Returns True when the server accepted the cancellation (204), False when it
    does not know the backup (404).
    """
    bid = _backup_id(backup_id)
    storage = _backend(backend)
    if operation not in ("create", "restore"):
        raise ConfigError(
            f"operation must be 'create' or 'restore', got {operation!r}",
            field="operation",
            value=operation,
        )
    suffix = "/restore" if operation == "restore" else ""
    reply = yield from http(
        "DELETE",
        f"/v1/backups/{storage.value}/{bid}{suffix}",
        operation="backup.cancel",
        params=_location_params(backup_location),
        accept=frozenset({404}),
    )
    return reply.status == 204


def list_backups(
    backend: BackendLike = BackupStorage.FILESYSTEM,
    *,
    sort_by_starting_time_asc: bool | None = None,
) -> Operation[list[BackupListReturn]]:
    """``GET /v1/backups/{backend}``: the backups on a backend (newest first by default)."""
    storage = _backend(backend)
    params = {"order": "asc"} if sort_by_starting_time_asc else None
    reply = yield from http(
        "GET", f"/v1/backups/{storage.value}", operation="backup.list", params=params
    )
    out: list[BackupListReturn] = []
    for item in reply_list(reply):
        if not isinstance(item, dict):
            continue
        out.append(
            BackupListReturn(
                backup_id=str(item.get("id") or ""),
                status=_status(item.get("status")),
                collections=[str(c) for c in item.get("classes") or []],
                started_at=parse_datetime(item.get("startedAt")),
                completed_at=parse_datetime(item.get("completedAt")),
                size=float(item.get("size") or 0.0),
                incremental_base_backup_id=item.get("incremental_base_backup_id") or None,
            )
        )
    return out


def wait(
    backup_id: str,
    backend: BackendLike = BackupStorage.FILESYSTEM,
    *,
    restore: bool = False,
    backup_location: BackupLocation | None = None,
    poll_interval: float = 1.0,
    wait_timeout: float | None = None,
    clock: Clock = time.monotonic,
) -> Operation[BackupStatusReturn]:
    """Poll a backup (or restore) until it ends.

    The first polls come quickly (50 ms, doubling) and then every ``poll_interval``
    seconds.

    Returns:
        The SUCCESS status.

    Raises:
        BackupFailedError: it ended FAILED.
        BackupCanceledError: it was canceled.
        TimeoutError: ``wait_timeout`` seconds passed first.
    """
    _check_wait(poll_interval, wait_timeout)
    what = "restore of backup" if restore else "backup"
    deadline = None if wait_timeout is None else clock() + wait_timeout
    delay = min(_FIRST_POLL, poll_interval)
    while True:
        if restore:
            status = yield from get_restore_status(
                backup_id, backend, backup_location=backup_location
            )
        else:
            status = yield from get_create_status(
                backup_id, backend, backup_location=backup_location
            )
        if status.status is BackupStatus.SUCCESS:
            return status
        if status.status in (BackupStatus.FAILED, BackupStatus.CANCELED):
            error_type = (
                BackupCanceledError if status.status is BackupStatus.CANCELED else BackupFailedError
            )
            raise error_type(
                f"{what} {status.backup_id!r} ended {status.status.value}: "
                f"{status.error or '(no error given)'}",
                backup_id=status.backup_id,
                status=status.status,
                error=status.error or "",
            )
        if deadline is not None and clock() + delay > deadline:
            raise TimeoutError(
                f"{what} {status.backup_id!r} did not finish within {wait_timeout} s "
                f"(last status {status.status.value})"
            )
        yield from sleep(delay)
        delay = min(delay * 2, poll_interval)
