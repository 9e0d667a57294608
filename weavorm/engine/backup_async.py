"""Backups: ``client.backup`` and, per collection, ``collection.backup``.

Backends are Weaviate modules (``backup-filesystem``, ``backup-s3``, ``backup-gcs``,
``backup-azure``); the server must have the one you name enabled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from weavorm.engine._protocol import backup as ops
from weavorm.engine._protocol.backup import (
    BackendLike,
    BackupCanceledError,
    BackupCompressionLevel,
    BackupConfigCreate,
    BackupConfigRestore,
    BackupFailedError,
    BackupListReturn,
    BackupLocation,
    BackupReturn,
    BackupStatus,
    BackupStatusReturn,
    BackupStorage,
)
from weavorm.engine._protocol.context import CollectionContext
from weavorm.engine._transport.driver import AsyncDriver

__all__ = [
    "AsyncBackupNamespace",
    "AsyncCollectionBackupNamespace",
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
]

_FS = BackupStorage.FILESYSTEM


class AsyncBackupNamespace:
    """Create, restore, watch, cancel and list backups (``client.backup``)."""

    def __init__(self, driver: AsyncDriver) -> None:
        self._driver = driver

    async def create(
        self,
        backup_id: str,
        backend: BackendLike = _FS,
        *,
        include_collections: str | Sequence[str] | None = None,
        exclude_collections: str | Sequence[str] | None = None,
        incremental_base_backup_id: str | None = None,
        wait_for_completion: bool = False,
        config: BackupConfigCreate | None = None,
        backup_location: BackupLocation | None = None,
        poll_interval: float = 1.0,
        wait_timeout: float | None = None,
    ) -> BackupReturn:
        """Start a backup of all (or some) collections.

        Args:
            backup_id: The backup's id: lower-case letters, digits, ``_`` and ``-``
                (upper case is lowered, as the server does).
            backend: ``"filesystem"``, ``"s3"``, ``"gcs"`` or ``"azure"``.
            include_collections: Only these collections.
            exclude_collections: All collections but these.
            incremental_base_backup_id: Make an incremental backup on top of this one.
            wait_for_completion: Wait until the backup ends.
            config: Compression and CPU options.
            backup_location: A path (and bucket) other than the backend's default.
            poll_interval: Longest pause between status checks while waiting, in seconds.
            wait_timeout: Give up waiting after this many seconds (None: no limit).

        Returns:
            The backup as started (``status`` STARTED), or as finished when waiting.

        Raises:
            ConfigError: an invalid id, backend or option (before any request).
            UnprocessableError: the server refused (unknown collection, id in use).
            BackupFailedError: waited for, it failed.
            BackupCanceledError: waited for, it was canceled.
            TimeoutError: waited for, ``wait_timeout`` passed.
        """
        return await self._driver.run(
            ops.create(
                backup_id,
                backend,
                include_collections=include_collections,
                exclude_collections=exclude_collections,
                incremental_base_backup_id=incremental_base_backup_id,
                wait_for_completion=wait_for_completion,
                config=config,
                backup_location=backup_location,
                poll_interval=poll_interval,
                wait_timeout=wait_timeout,
            )
        )

    async def get_create_status(
        self,
        backup_id: str,
        backend: BackendLike = _FS,
        *,
        backup_location: BackupLocation | None = None,
    ) -> BackupStatusReturn:
        """The status of a backup being (or having been) created.

        Args:
            backup_id: The backup's id.
            backend: Its backend.
            backup_location: Its location, when not the default.

        Returns:
            Its status.

        Raises:
            NotFoundError: no such backup.
        """
        return await self._driver.run(
            ops.get_create_status(backup_id, backend, backup_location=backup_location)
        )

    async def restore(
        self,
        backup_id: str,
        backend: BackendLike = _FS,
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
    ) -> BackupReturn:
        """Restore collections from a backup (they must not exist).

        Args:
            backup_id: The backup's id.
            backend: Its backend.
            include_collections: Only these collections.
            exclude_collections: All collections of the backup but these.
            roles_restore: Whether RBAC roles are restored (``"all"``/``"noRestore"``).
            users_restore: Whether DB users are restored (``"all"``/``"noRestore"``).
            wait_for_completion: Wait until the restore ends.
            config: CPU options.
            backup_location: Its location, when not the default.
            overwrite_alias: Replace an existing alias of the same name.
            poll_interval: Longest pause between status checks while waiting, in seconds.
            wait_timeout: Give up waiting after this many seconds (None: no limit).

        Returns:
            The restore as started, or as finished when waiting.

        Raises:
            NotFoundError: no such backup.
            UnprocessableError: the server refused (e.g. a collection exists).
            BackupFailedError: waited for, it failed.
            BackupCanceledError: waited for, it was canceled.
            TimeoutError: waited for, ``wait_timeout`` passed.
        """
        return await self._driver.run(
            ops.restore(
                backup_id,
                backend,
                include_collections=include_collections,
                exclude_collections=exclude_collections,
                roles_restore=roles_restore,
                users_restore=users_restore,
                wait_for_completion=wait_for_completion,
                config=config,
                backup_location=backup_location,
                overwrite_alias=overwrite_alias,
                poll_interval=poll_interval,
                wait_timeout=wait_timeout,
            )
        )

    async def get_restore_status(
        self,
        backup_id: str,
        backend: BackendLike = _FS,
        *,
        backup_location: BackupLocation | None = None,
    ) -> BackupStatusReturn:
        """The status of a restore.

        Args:
            backup_id: The backup's id.
            backend: Its backend.
            backup_location: Its location, when not the default.

        Returns:
            The restore's status.

        Raises:
            NotFoundError: no restore of this backup.
        """
        return await self._driver.run(
            ops.get_restore_status(backup_id, backend, backup_location=backup_location)
        )

    async def cancel(
        self,
        backup_id: str,
        backend: BackendLike = _FS,
        *,
        backup_location: BackupLocation | None = None,
        operation: Literal["create", "restore"] = "create",
    ) -> bool:
        """Cancel a running backup (or restore).

        Args:
            backup_id: The backup's id.
            backend: Its backend.
            backup_location: Its location, when not the default.
            operation: Cancel the backup's ``"create"`` or its ``"restore"``.

        Returns:
            True when the server accepted the cancellation, False when it does not
            know the backup.

        Raises:
            UnprocessableError: it already ended.
        """
        return await self._driver.run(
            ops.cancel(backup_id, backend, backup_location=backup_location, operation=operation)
        )

    async def list_backups(
        self,
        backend: BackendLike = _FS,
        *,
        sort_by_starting_time_asc: bool | None = None,
    ) -> list[BackupListReturn]:
        """The backups on a backend.

        Args:
            backend: The backend.
            sort_by_starting_time_asc: Oldest first (default: newest first).

        Returns:
            One entry per backup.
        """
        return await self._driver.run(
            ops.list_backups(backend, sort_by_starting_time_asc=sort_by_starting_time_asc)
        )


class AsyncCollectionBackupNamespace:
    """Back up and restore one collection (``collection.backup``)."""

    def __init__(self, driver: AsyncDriver, ctx: CollectionContext) -> None:
        self._driver = driver
        self._ctx = ctx

    async def create(
        self,
        backup_id: str,
        backend: BackendLike = _FS,
        *,
        wait_for_completion: bool = False,
        config: BackupConfigCreate | None = None,
        backup_location: BackupLocation | None = None,
        poll_interval: float = 1.0,
        wait_timeout: float | None = None,
    ) -> BackupReturn:
        """Back up this collection only; see :meth:`AsyncBackupNamespace.create`."""
        return await self._driver.run(
            ops.create(
                backup_id,
                backend,
                include_collections=[self._ctx.name],
                wait_for_completion=wait_for_completion,
                config=config,
                backup_location=backup_location,
                poll_interval=poll_interval,
                wait_timeout=wait_timeout,
            )
        )

    async def get_create_status(
        self,
        backup_id: str,
        backend: BackendLike = _FS,
        *,
        backup_location: BackupLocation | None = None,
    ) -> BackupStatusReturn:
        """A backup's status; see :meth:`AsyncBackupNamespace.get_create_status`."""
        return await self._driver.run(
            ops.get_create_status(backup_id, backend, backup_location=backup_location)
        )

    async def restore(
        self,
        backup_id: str,
        backend: BackendLike = _FS,
        *,
        wait_for_completion: bool = False,
        config: BackupConfigRestore | None = None,
        backup_location: BackupLocation | None = None,
        overwrite_alias: bool = False,
        poll_interval: float = 1.0,
        wait_timeout: float | None = None,
    ) -> BackupReturn:
        """Restore this collection only; see :meth:`AsyncBackupNamespace.restore`."""
        return await self._driver.run(
            ops.restore(
                backup_id,
                backend,
                include_collections=[self._ctx.name],
                wait_for_completion=wait_for_completion,
                config=config,
                backup_location=backup_location,
                overwrite_alias=overwrite_alias,
                poll_interval=poll_interval,
                wait_timeout=wait_timeout,
            )
        )

    async def get_restore_status(
        self,
        backup_id: str,
        backend: BackendLike = _FS,
        *,
        backup_location: BackupLocation | None = None,
    ) -> BackupStatusReturn:
        """A restore's status; see :meth:`AsyncBackupNamespace.get_restore_status`."""
        return await self._driver.run(
            ops.get_restore_status(backup_id, backend, backup_location=backup_location)
        )
