"""``settings.WEAVORM``: named aliases (like ``DATABASES``) and their per-process clients."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from weavorm.contrib._process import ClientSettings, ProcessClient
from weavorm.errors import ConfigError

if TYPE_CHECKING:
    from weavorm.engine import WeaviateClient

__all__ = ["alias_settings", "get_client", "reset_clients", "use_test_settings"]

_KEYS = frozenset({"URL", "GRPC_URL", "API_KEY", "HEADERS", "TIMEOUT", "TEST"})
_lock = threading.Lock()
_holders: dict[str, ProcessClient] = {}
_testing = {"on": False}


def _config() -> Mapping[str, Any]:
    from django.conf import settings

    value = getattr(settings, "WEAVORM", None) or {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"settings.WEAVORM must be a dict of aliases, got {value!r}")
    return value


def alias_settings(alias: str = "default") -> ClientSettings:
    """The connection settings of ``alias`` (its ``TEST`` entries while tests run).

    Raises:
        ConfigError: an unknown alias or setting key (named in the message).
    """
    config = _config()
    entry = config.get(alias)
    if entry is None:
        if alias != "default":
            known = ", ".join(sorted(config)) or "(none)"
            raise ConfigError(f"no WEAVORM alias {alias!r} in settings; aliases: {known}")
        entry = {}
    if not isinstance(entry, Mapping):
        raise ConfigError(f"settings.WEAVORM[{alias!r}] must be a dict, got {entry!r}")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise ConfigError(
            f"settings.WEAVORM[{alias!r}]: unknown key(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(_KEYS))}"
        )
    merged = dict(entry)
    if _testing["on"]:
        merged.update(entry.get("TEST") or {})
    timeout = merged.get("TIMEOUT")
    return ClientSettings(
        url=merged.get("URL"),
        grpc_url=merged.get("GRPC_URL"),
        api_key=merged.get("API_KEY"),
        headers=dict(merged.get("HEADERS") or {}),
        timeout=float(timeout) if timeout is not None else None,
    )


def get_client(alias: str = "default") -> WeaviateClient:
    """The client of ``alias`` for this process (connected on first use).

    A process forked after a client was made (``gunicorn --preload``) gets its own.

    Raises:
        ConfigError: an unknown alias or an invalid setting.
        ConnectError: the server does not answer.
    """
    holder = _holders.get(alias)
    if holder is None:
        alias_settings(alias)  # an unknown alias or key fails here, before it is kept
        with _lock:
            holder = _holders.get(alias)
            if holder is None:
                holder = ProcessClient(lambda: alias_settings(alias).connect())
                _holders[alias] = holder
    return holder.get()


def reset_clients() -> None:
    """Close this process's clients; the next :func:`get_client` reconnects."""
    with _lock:
        holders = list(_holders.values())
        _holders.clear()
    for holder in holders:
        holder.close()


def use_test_settings(on: bool) -> None:
    """Switch every alias to its ``TEST`` settings (or back); clients reconnect."""
    _testing["on"] = on
    reset_clients()


def _setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "WEAVORM":
        reset_clients()


def connect_signals() -> None:
    """Reconnect when ``settings.WEAVORM`` changes (``override_settings`` in tests)."""
    from django.core.signals import setting_changed

    setting_changed.connect(_setting_changed, dispatch_uid="weavorm-setting-changed")
