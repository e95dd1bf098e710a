"""`axiskg serve --workers N` (uvicorn): each HTTP worker listens on its own SO_REUSEPORT socket, so the
kernel spreads a client's connections over the workers (axiskg.web.reuseport)."""

from __future__ import annotations

import socket
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import httpx
import pytest
from servers import socket_fds, start_server, stop_server, tcp_sockets

from axiskg.web import reuseport


def _owners(pid: int) -> dict[str, int]:
    return {inode: p for inode, (p, _) in socket_fds(pid).items()}


def test_a_pickled_socket_becomes_a_new_listener_on_the_same_port() -> None:
    held = reuseport.bound("127.0.0.1", 0)
    try:
        copy = ForkingPickler.loads(ForkingPickler.dumps(held))  # what a worker process gets
        try:
            assert type(copy) is socket.socket and copy.fileno() != held.fileno()
            assert copy.getsockname() == held.getsockname()
            assert copy.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
            copy.listen()
            with socket.create_connection(held.getsockname(), timeout=5) as client:  # reaches the copy
                conn, _ = copy.accept()
                conn.close()
                assert client.getpeername() == held.getsockname()
        finally:
            copy.close()
    finally:
        held.close()


@pytest.mark.parametrize("reuse_port", [False, True])
def test_a_port_in_use_is_refused_even_to_another_reuseport_server(reuse_port: bool) -> None:
    with socket.socket() as other:
        if reuse_port:  # another `axiskg serve --workers N`, say
            other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        other.bind(("127.0.0.1", 0))
        other.listen()
        with pytest.raises(OSError):
            reuseport.bound("127.0.0.1", other.getsockname()[1]).close()


def test_a_worker_tells_whether_it_listens_on_its_sockets() -> None:
    held = reuseport.bound("127.0.0.1", 0)
    sock = reuseport.listener(held.family, *held.getsockname()[:2])
    try:
        assert not reuseport.listening()  # bound: connections to the port do not reach it yet
        sock.listen()
        assert reuseport.listening()
    finally:
        sock.close()
        held.close()
    assert reuseport.listening()  # a closed one is not waited for


def test_each_worker_listens_on_its_own_socket_and_gets_connections(release_out: Path) -> None:
    proc, url = start_server(release_out, "--workers", "2", "--no-access-log")
    port = int(url.rsplit(":", 1)[1])
    clients = []
    try:
        # /health said ready: every worker listens (before, the first one up answered it alone and got
        # all the connections opened in that moment)
        owners = _owners(proc.pid)
        listening = {owners[i] for state, _, i in tcp_sockets(port) if state == "0A" and i in owners}
        assert len(listening) == 2 and proc.pid not in listening  # the two workers, not the supervisor
        assert httpx.get(url + "/health").json()["workers"] == {"ready": 2, "of": 2}
        for _ in range(24):
            c = socket.create_connection(("127.0.0.1", port), timeout=10)
            c.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert c.recv(65536).startswith(b"HTTP/1.1 200")
            clients.append(c)
        owners = _owners(proc.pid)
        sockets = tcp_sockets(port)
        mine = {c.getsockname()[1] for c in clients}
        serving = {owners[inode] for state, remote, inode in sockets if remote in mine and inode in owners}
        assert serving == listening  # 24 connections: both workers have some (all on one: p = 2**-23)
    finally:
        for c in clients:
            c.close()
        stop_server(proc)
