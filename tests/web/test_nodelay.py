"""TCP_NODELAY on the server's accepted connections, with several HTTP worker processes: without it a response
written in two parts waits for the client's delayed ACK (~40 ms a keep-alive request), as `uvicorn --workers`
once did here. Read from the server's own socket (pidfd_getfd): the client cannot see the option."""

from __future__ import annotations

import ctypes
import os
import socket
from pathlib import Path

import httpx
import pytest
from servers import start_server, stop_server

SYS_PIDFD_GETFD = 438  # the same number on x86_64 and aarch64


def _tree(pid: int) -> list[int]:
    """pid and its descendants (threads and processes may end while we look: those are skipped)."""
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        try:
            tasks = list(Path(f"/proc/{p}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                stack += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return out


def _server_socket_nodelay(pids: list[int], server_port: int, client_port: int) -> int | None:
    """TCP_NODELAY of the server end of the connection 127.0.0.1:client_port -> server_port."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        f = line.split()
        local, remote = int(f[1].split(":")[1], 16), int(f[2].split(":")[1], 16)
        if (local, remote) == (server_port, client_port):
            inodes.add(f[9])
    libc = ctypes.CDLL(None, use_errno=True)
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:  # gone
            continue
        for fd in fds:
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if not (link.startswith("socket:[") and link[8:-1] in inodes):
                continue
            pidfd = os.pidfd_open(pid)
            try:
                copy = libc.syscall(SYS_PIDFD_GETFD, pidfd, int(fd), 0)
                if copy < 0:
                    pytest.skip(f"pidfd_getfd refused: {os.strerror(ctypes.get_errno())}")
                sock = socket.socket(fileno=copy)
                try:
                    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                finally:
                    sock.close()
            finally:
                os.close(pidfd)
    return None


@pytest.mark.parametrize("server", ["uvicorn", "granian"])
def test_accepted_connections_have_tcp_nodelay(tiny_out: Path, server: str) -> None:
    proc, url = start_server(tiny_out, "--server", server, "--workers", "2")
    try:
        port = int(url.rsplit(":", 1)[1])
        with httpx.Client() as client:  # a keep-alive connection, held open while we look at it
            assert client.get(url + "/health").status_code == 200
            streams = [client.get(url + "/health") for _ in range(3)]
            assert all(r.status_code == 200 for r in streams)
            conns = [
                int(line.split()[1].split(":")[1], 16)
                for line in Path("/proc/net/tcp").read_text().splitlines()[1:]
                if int(line.split()[2].split(":")[1], 16) == port and line.split()[3] == "01"
            ]
            assert conns, "no established client connection to the server"
            values = {_server_socket_nodelay(_tree(proc.pid), port, c) for c in conns}
        assert values == {1}
    finally:
        stop_server(proc)
