"""One listening socket per HTTP worker process (SO_REUSEPORT) for `axiskg serve --workers N` on uvicorn.

uvicorn's `--workers` has every worker wait on one shared listening socket; whichever is scheduled first
accepts every pending connection. When the CPUs are busy that is often one worker for all of a client's
connections (measured: wrk's 8 connections split 8/0 after a run that left queries running), and since query
capacity is per HTTP worker, heavy queries then ran at half speed. With SO_REUSEPORT each worker listens on
a socket of its own and the kernel spreads new connections over them by their addresses, whoever is awake.

The supervisor holds a bound, not listening, socket (`bound`): it keeps the port and, pickled by
multiprocessing for a worker process, becomes that worker's own listening socket on the same address
(`listener`). A socket that is not listening receives no connections.
"""

from __future__ import annotations

import socket
import sys
from typing import Any


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


_listeners: list[socket.socket] = []  # this process's (a worker's), made by `listener`


def listener(family: int, host: str, port: int) -> socket.socket:
    """A socket bound to (host, port) with SO_REUSEPORT; the server calls listen() on it."""
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    _listeners.append(sock)
    return sock


def listening() -> bool:
    """Whether this process listens on its sockets from `listener` (True when it has none: then it gets its
    connections some other way). Until it does, connections to the port go to the workers that already
    listen: /health waits for every worker (web.app.Server.workers_ready)."""
    return all(
        sock.fileno() == -1 or sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN) for sock in _listeners
    )


class ReusePortSocket(socket.socket):
    """The supervisor's socket: pickled (multiprocessing's spawn), it is rebuilt as a new `listener`."""

    def __reduce__(self) -> tuple[Any, ...]:  # multiprocessing looks up socket.socket's reducer by exact type
        host, port = self.getsockname()[:2]
        return (listener, (self.family, host, port))


def bound(host: str, port: int) -> ReusePortSocket:
    """The supervisor's socket on (host, port) (port 0: a free port, the same for every worker). OSError when
    something listens there already, even with SO_REUSEPORT (another `axiskg serve`, which would otherwise
    silently share the port): a plain bind is tried first."""
    with socket.socket(_family(host), socket.SOCK_STREAM, socket.IPPROTO_TCP) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
        port = probe.getsockname()[1]
    sock = ReusePortSocket(_family(host), socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def available() -> bool:
    """Linux only: there SO_REUSEPORT spreads connections over the listening sockets; on macOS and the BSDs
    (without SO_REUSEPORT_LB) one socket would get them all."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")
