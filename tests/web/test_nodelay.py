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
from servers import socket_fds, start_server, stop_server, tcp_sockets

SYS_PIDFD_GETFD = 438  # the same number on x86_64 and aarch64


def _server_socket_nodelay(pid: int, server_port: int, client_port: int) -> int | None:
    """TCP_NODELAY of the server end of the connection 127.0.0.1:client_port -> server_port."""
    fds = socket_fds(pid)
    libc = ctypes.CDLL(None, use_errno=True)
    for _, remote, inode in tcp_sockets(server_port):
        if remote != client_port or inode not in fds:
            continue
        owner, fd = fds[inode]
        pidfd = os.pidfd_open(owner)
        try:
            copy = libc.syscall(SYS_PIDFD_GETFD, pidfd, fd, 0)
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
            conns = [remote for state, remote, _ in tcp_sockets(port) if state == "01"]  # server ends
            assert conns, "no established client connection to the server"
            values = {_server_socket_nodelay(proc.pid, port, c) for c in conns}
        assert values == {1}
    finally:
        stop_server(proc)
