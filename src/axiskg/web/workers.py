"""Query workers: separate processes that open the release store read-only and run one query at a time.

pyoxigraph cannot interrupt a query, so the deadline is enforced from outside: the web process kills a
worker whose query passes the deadline and starts a fresh one, while the other workers keep answering.
A worker that dies (stack overflow, out of memory) is replaced the same way.

Protocol on a socketpair: frames of a 4-byte big-endian length then the payload. Request: one JSON frame.
Answer: one JSON header frame ({"ok", "status", "message", "rows", "truncated"}) then one body frame.
Run as a program: `python -m axiskg.web.workers STORE_DIR FD [MEMORY_MB]` (MEMORY_MB caps its address space).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_LEN = struct.Struct(">I")


class QueryTimeoutError(Exception):
    """The query passed its deadline; the worker that ran it was killed."""


class WorkerCrashedError(Exception):
    """The worker died while running the query (it has been replaced)."""


class PoolClosedError(Exception):
    """The pool was closed (a new release replaced it) before the query could start."""


@dataclass
class Answer:
    ok: bool
    status: int
    message: str
    rows: int
    truncated: bool
    body: bytes
    elapsed: float
    reason: str = ""


# ---------------------------------------------------------------- worker side (separate process)


def _read_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def _send(sock: socket.socket, header: dict[str, Any], body: bytes) -> None:
    h = json.dumps(header).encode()
    sock.sendall(_LEN.pack(len(h)) + h + _LEN.pack(len(body)) + body)


def run_worker(store_dir: str, fd: int, memory_mb: int = 0) -> None:
    if memory_mb > 0:  # an allocation beyond it aborts the worker, which is then replaced
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    import pyoxigraph as ox

    from axiskg.web.limits import QueryRefusedError
    from axiskg.web.results import run_query

    sock = socket.socket(fileno=fd)
    store = ox.Store.read_only(store_dir)
    parent = os.getppid()

    def orphan_watch() -> None:  # pyoxigraph releases the GIL while it runs, so this thread keeps running
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=orphan_watch, daemon=True).start()
    while True:
        try:
            (n,) = _LEN.unpack(_read_exact(sock, 4))
            req = json.loads(_read_exact(sock, n))
        except EOFError:
            return
        try:
            body, rows, truncated = run_query(store, req)
            _send(
                sock, {"ok": True, "status": 200, "message": "", "rows": rows, "truncated": truncated}, body
            )
        except QueryRefusedError as exc:
            _send(
                sock,
                {
                    "ok": False,
                    "status": exc.status,
                    "message": exc.message,
                    "rows": 0,
                    "truncated": False,
                    "reason": exc.reason,
                },
                b"",
            )
        except SyntaxError as exc:
            _send(
                sock,
                {
                    "ok": False,
                    "status": 400,
                    "message": f"SPARQL syntax error: {exc}",
                    "rows": 0,
                    "truncated": False,
                },
                b"",
            )
        except (ValueError, TypeError, OSError, RuntimeError) as exc:
            _send(
                sock,
                {
                    "ok": False,
                    "status": 500,
                    "message": f"query failed: {exc}",
                    "rows": 0,
                    "truncated": False,
                },
                b"",
            )


# ---------------------------------------------------------------- web side


class _Worker:
    def __init__(self, store_dir: str, memory_mb: int = 0) -> None:
        parent, child = socket.socketpair()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "axiskg.web.workers", store_dir, str(child.fileno()), str(memory_mb)],
            pass_fds=[child.fileno()],
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        child.close()
        parent.setblocking(False)
        self.sock = parent
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def connect(self) -> None:
        self.reader, self.writer = await asyncio.open_unix_connection(sock=self.sock)

    async def call(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        assert self.reader is not None and self.writer is not None
        payload = json.dumps(request).encode()
        self.writer.write(_LEN.pack(len(payload)) + payload)
        await self.writer.drain()
        (n,) = _LEN.unpack(await self.reader.readexactly(4))
        header = json.loads(await self.reader.readexactly(n))
        (m,) = _LEN.unpack(await self.reader.readexactly(4))
        body = await self.reader.readexactly(m)
        return header, body

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            if self.writer is not None:
                self.writer.close()
            else:
                self.sock.close()
        # reap without blocking the event loop
        threading.Thread(target=self.proc.wait, daemon=True).start()


class WorkerPool:
    """N query worker processes over one store; `run()` gives a query to a free worker under a deadline."""

    def __init__(self, store_dir: str, size: int, on_restart: Any = None, memory_mb: int = 0) -> None:
        self.store_dir = store_dir
        self.memory_mb = memory_mb
        self.size = max(1, size)
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[asyncio.Future[_Worker]] = deque()
        self._all: set[_Worker] = set()
        self._closed = False
        self.restarts = 0
        self._on_restart = on_restart
        self.in_flight = 0

    async def start(self) -> None:
        for _ in range(self.size):
            await self._spawn()

    async def _spawn(self) -> None:
        w = _Worker(self.store_dir, self.memory_mb)
        await w.connect()
        self._all.add(w)
        self._release(w)

    def _release(self, w: _Worker) -> None:
        if self._closed:
            self._discard(w)
            return
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(w)
                return
        self._idle.append(w)

    def _discard(self, w: _Worker) -> None:
        self._all.discard(w)
        w.kill()

    async def _acquire(self, timeout: float) -> _Worker:
        if self._closed:
            raise PoolClosedError
        if self._idle:
            return self._idle.popleft()
        fut: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            return await asyncio.wait_for(fut, timeout)
        except (TimeoutError, asyncio.CancelledError):
            if fut.done() and not fut.cancelled():
                self._release(fut.result())
            raise

    async def _replace(self, w: _Worker) -> None:
        self._discard(w)
        self.restarts += 1
        if self._on_restart:
            self._on_restart()
        if not self._closed:
            await self._spawn()

    async def run(self, request: dict[str, Any], timeout: float) -> Answer:
        """Run one query; the deadline covers the wait for a free worker and the execution."""
        start = time.monotonic()
        self.in_flight += 1
        try:
            try:
                w = await self._acquire(timeout)
            except TimeoutError as exc:
                raise QueryTimeoutError("no query worker became free before the deadline") from exc
            left = max(0.001, timeout - (time.monotonic() - start))
            try:
                header, body = await asyncio.wait_for(w.call(request), left)
            except TimeoutError as exc:
                await self._replace(w)
                raise QueryTimeoutError(f"query stopped at the {timeout:g} s deadline") from exc
            except (asyncio.IncompleteReadError, ConnectionError, OSError) as exc:
                await self._replace(w)
                raise WorkerCrashedError("the query worker died while running the query") from exc
            except asyncio.CancelledError:
                # the client went away: the worker may still be busy, so it cannot be reused
                asyncio.ensure_future(self._replace(w))
                raise
            self._release(w)
            return Answer(
                header["ok"],
                header["status"],
                header["message"],
                header["rows"],
                header["truncated"],
                body,
                time.monotonic() - start,
                header.get("reason", ""),
            )
        finally:
            self.in_flight -= 1

    def close(self) -> None:
        """Stop idle workers now; busy ones are stopped when they finish (see _release)."""
        self._closed = True
        for fut in self._waiters:
            if not fut.done():
                fut.set_exception(PoolClosedError())
        while self._idle:
            self._discard(self._idle.popleft())

    def kill_all(self) -> None:
        self._closed = True
        for w in list(self._all):
            self._discard(w)

    @property
    def pids(self) -> Iterable[int]:
        return [w.proc.pid for w in self._all]


if __name__ == "__main__":
    run_worker(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
