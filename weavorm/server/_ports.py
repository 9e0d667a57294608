"""Picking free loopback ports for local Weaviate processes."""

from __future__ import annotations

import random
import socket
import sys
import threading

from weavorm.errors import ServerStartError

__all__ = ["free_port", "port_is_free", "reserve_ports"]

# Ports are drawn below the usual ephemeral range (Linux: 32768-60999) so that the
# operating system does not hand them to outgoing connections between picking and binding.
_LOW = 20000
_HIGH = 32000
_ATTEMPTS = 500

_lock = threading.Lock()
_handed_out: set[int] = set()


def _can_bind(port: int, kind: socket.SocketKind, host: str) -> bool:
    with socket.socket(socket.AF_INET, kind) as sock:
        if kind == socket.SOCK_STREAM and sys.platform != "win32":
            # Like Go's listeners: connections in TIME_WAIT do not make a port busy,
            # only another listener does.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _is_free(port: int, *, udp: bool, host: str) -> bool:
    if port in _handed_out or not _can_bind(port, socket.SOCK_STREAM, host):
        return False
    return not udp or _can_bind(port, socket.SOCK_DGRAM, host)


def free_port(*, udp: bool = False, pair: bool = False, host: str = "127.0.0.1") -> int:
    """Return a free TCP port on ``host`` that this process has not handed out before.

    Args:
        udp: Also require the UDP port of the same number to be free (memberlist
            gossips on both).
        pair: Also require ``port + 1`` to be free and reserve it (Raft's internal RPC
            port is the Raft port plus one on a one-host cluster).
        host: The address the port must be free on.

    Returns:
        The port number; it stays reserved for this process so that it is not handed out
        twice (a restarted server keeps its ports).

    Raises:
        ServerStartError: No free port was found.
    """
    rng = random.SystemRandom()
    with _lock:
        for _ in range(_ATTEMPTS):
            port = rng.randrange(_LOW, _HIGH)
            if not _is_free(port, udp=udp, host=host):
                continue
            if pair and not _is_free(port + 1, udp=False, host=host):
                continue
            _handed_out.add(port)
            if pair:
                _handed_out.add(port + 1)
            return port
    raise ServerStartError(f"no free port found on {host} in {_LOW}-{_HIGH}")


def reserve_ports(*ports: int) -> None:
    """Mark ports given explicitly as taken so :func:`free_port` never returns them.

    Args:
        ports: Port numbers in use by a server of this process.
    """
    with _lock:
        _handed_out.update(ports)


def port_is_free(port: int, *, udp: bool = False, host: str = "127.0.0.1") -> bool:
    """Return whether ``port`` can be bound on ``host`` right now.

    Args:
        port: The port number.
        udp: Also check the UDP port of the same number.
        host: The address to bind.

    Returns:
        ``True`` when nothing listens there.
    """
    if not _can_bind(port, socket.SOCK_STREAM, host):
        return False
    return not udp or _can_bind(port, socket.SOCK_DGRAM, host)
