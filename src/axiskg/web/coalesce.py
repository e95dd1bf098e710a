"""uvicorn's httptools protocol with one write system call per response instead of two.

uvicorn writes a response's status line and headers when the app sends `http.response.start`, and its body
when the app sends `http.response.body`: two writes to the socket, so (with TCP_NODELAY) two TCP segments and
two wake-ups of the client for every small answer. `CoalescingHttpToolsProtocol` (which `axiskg serve` hands
to uvicorn as its `--http` protocol class) gives uvicorn a transport that holds what is written during one
turn of the event loop and writes it at the end of that turn in one call: the same bytes in the same order,
microseconds later. Held data is written at once when it reaches FLUSH_AT bytes (so that the real transport's
flow control still pauses a large response) and before the connection is closed.

Measured on a lookup load (bench/server/README.md): `strace -c` counts one `writev` a request instead of two
`write`s; the server spends ~5% less CPU a request and wrk answers ~10% more requests a second.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

FLUSH_AT = 64 * 1024  # held bytes written at once beyond this (uvloop's default high-water mark)


class CoalescingTransport:
    """Wraps a transport: `write` calls made in one event-loop turn reach the socket as one write. Every
    attribute other than those below is the real transport's."""

    __slots__ = ("_transport", "_loop", "_held", "_size")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        if not data:
            return
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)
        self._size += len(data)
        if self._size >= FLUSH_AT:
            self.flush()

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def flush(self) -> None:
        """Write what is held, in one call (nothing if the connection is closing)."""
        held = self._held
        if not held:
            return
        self._held = []
        self._size = 0
        transport = self._transport
        if transport.is_closing():
            return
        if len(held) == 1:
            transport.write(held[0])
        else:
            transport.writelines(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def abort(self) -> None:
        self._held = []
        self._size = 0
        self._transport.abort()

    def is_closing(self) -> bool:  # asked for every request: defined, not found by __getattr__ (~0.7 us)
        return self._transport.is_closing()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + self._size

    def __getattr__(self, name: str) -> Any:  # is_closing, get_extra_info, pause_reading, set_protocol...
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's HttpToolsProtocol writing through a CoalescingTransport."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # flow control and addresses are the real transport's
        self.transport = CoalescingTransport(transport, self.loop)  # type: ignore[assignment]
