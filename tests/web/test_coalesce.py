"""One write system call a response (axiskg.web.coalesce): uvicorn's headers and body reach the socket
together, and nothing is lost, reordered or held back when a connection closes or a response is large."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import httpx
import pytest
import uvloop
from servers import start_server, stop_server

from axiskg.web.coalesce import FLUSH_AT, CoalescingTransport


def _write_calls(pid: int) -> int:
    """The write-like system calls (write, writev...) process `pid` has made (/proc/PID/io, syscw)."""
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("syscw:"):
            return int(line.split()[1])
    raise AssertionError("no syscw in /proc/PID/io")


def test_the_server_writes_each_response_in_one_system_call(release_out: Path) -> None:
    # Linked Data answers go through ASGI (GET /sparql takes web.protocol's direct path, tested there)
    proc, url = start_server(release_out, "--no-access-log", "--workers", "1")
    try:
        n = 200
        turtle = {"Accept": "text/turtle"}
        with httpx.Client(base_url=url, timeout=30) as client:
            warm = client.get("/id/org/axis-of-resistance", headers=turtle)
            assert warm.status_code == 200 and "Axis of Resistance" in warm.text
            assert "server" not in warm.headers  # uvicorn's `server: uvicorn` is turned off
            before = _write_calls(proc.pid)
            for _ in range(n):
                r = client.get("/id/org/axis-of-resistance", headers=turtle)
                assert r.status_code == 200 and r.headers["etag"] == warm.headers["etag"]
                assert r.text == warm.text  # headers and body complete, in order
            writes = _write_calls(proc.pid) - before
    finally:
        stop_server(proc)
    # uvicorn's own protocol writes headers and body separately: 2 * n
    assert n <= writes < 1.2 * n, f"{writes} write calls for {n} responses"


async def _pair() -> tuple[asyncio.Transport, socket.socket]:
    """A real uvloop transport on one end of a socket pair, and the other end."""
    ours, theirs = socket.socketpair()
    transport, _ = await asyncio.get_running_loop().connect_accepted_socket(asyncio.Protocol, sock=ours)
    theirs.setblocking(False)
    return transport, theirs


async def _read_all(sock: socket.socket) -> bytes:
    loop = asyncio.get_running_loop()
    chunks = []
    while chunk := await loop.sock_recv(sock, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def test_writes_of_one_loop_turn_are_sent_together_and_in_order() -> None:
    async def main() -> None:
        real, peer = await _pair()
        t = CoalescingTransport(real, asyncio.get_running_loop())
        t.write(b"HTTP/1.1 200 OK\r\n\r\n")
        t.write(b"")
        t.write(b"body")
        assert real.get_write_buffer_size() == 0 and t.get_write_buffer_size() == 23  # held, not sent yet
        await asyncio.sleep(0)  # the end of this turn
        assert t.get_write_buffer_size() == 0
        t.writelines([b"second ", b"answer"])
        t.close()  # held data goes out before the connection closes
        assert await _read_all(peer) == b"HTTP/1.1 200 OK\r\n\r\nbodysecond answer"
        peer.close()

    uvloop.run(main())


def test_a_large_response_is_not_held_back() -> None:
    """Beyond FLUSH_AT held bytes the real transport gets the data at once, so its flow control (which pauses
    uvicorn's writer when the client reads slowly) sees a large response as it is written."""

    async def main() -> None:
        real, peer = await _pair()
        t = CoalescingTransport(real, asyncio.get_running_loop())
        sent = 0
        for _ in range(4):
            t.write(b"x" * (FLUSH_AT // 2))
            sent += FLUSH_AT // 2
        assert t.get_write_buffer_size() < FLUSH_AT  # at most one chunk held
        t.abort()  # drops what is held, like a transport's abort
        received = await _read_all(peer)
        assert 0 < len(received) <= sent and set(received) == {ord("x")}
        peer.close()

    uvloop.run(main())


@pytest.mark.parametrize("close", ["close", "write_eof"])
def test_held_data_is_written_before_the_end_of_the_stream(close: str) -> None:
    async def main() -> None:
        real, peer = await _pair()
        t = CoalescingTransport(real, asyncio.get_running_loop())
        t.write(b"last words")
        getattr(t, close)()
        assert await _read_all(peer) == b"last words"
        if close == "write_eof":
            t.close()
        peer.close()

    uvloop.run(main())
