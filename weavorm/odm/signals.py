"""Hooks: ``pre_save``, ``post_save``, ``pre_delete``, ``post_delete``.

Each fires on every write path (session flush, ``create``, ``bulk_create``, queryset
``update`` / ``delete``): first the model's method of the same name (if defined), then
the signal's receivers::

    from weavorm.odm.signals import post_save

    @post_save.connect
    def audit(sender, instance, created, **kw): ...

    post_save.connect(audit, sender=Article)   # only for Article
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["Signal", "post_delete", "post_save", "pre_delete", "pre_save"]

Receiver = Callable[..., Any]


class Signal:
    """A named hook with receivers, optionally restricted to one sender model."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._lock = threading.Lock()
        self._receivers: list[tuple[Receiver, type[Any] | None]] = []

    def connect(self, receiver: Receiver, *, sender: type[Any] | None = None) -> Receiver:
        """Add ``receiver`` (usable as a decorator); ``sender`` limits it to one model."""
        with self._lock:
            self._receivers.append((receiver, sender))
        return receiver

    def disconnect(self, receiver: Receiver) -> None:
        """Remove ``receiver``."""
        with self._lock:
            self._receivers = [(r, s) for r, s in self._receivers if r is not receiver]

    def has_receivers(self, sender: type[Any]) -> bool:
        """Whether any receiver listens to ``sender``."""
        with self._lock:
            return any(only is None or issubclass(sender, only) for _, only in self._receivers)

    def send(self, sender: type[Any], **kwargs: Any) -> None:
        """Call the model's own hook method, then every matching receiver."""
        method = getattr(sender, self.name, None)
        instance = kwargs.get("instance")
        if callable(method) and instance is not None:
            bound = getattr(instance, self.name)
            bound(**{k: v for k, v in kwargs.items() if k != "instance"})
        with self._lock:
            receivers = list(self._receivers)
        for receiver, only in receivers:
            if only is None or issubclass(sender, only):
                receiver(sender, **kwargs)


pre_save = Signal("pre_save")
post_save = Signal("post_save")
pre_delete = Signal("pre_delete")
post_delete = Signal("post_delete")
