"""Query workers: separate processes that open the release store read-only and run one query at a time.

pyoxigraph cannot interrupt a query, so the deadline is enforced from outside: the web process kills a
worker whose query passes the deadline and starts a fresh one, while the other workers keep answering.
A worker that dies (stack overflow, out of memory) is replaced the same way.

Protocol on a socketpair (both ends are this program, so `marshal` is safe and the cheapest codec here).
Request: a 4-byte big-endian length then the marshalled request dict. Answer, in one write: a fixed
13-byte head (error length, body length, HTTP status, rows, truncated) then, for a failure only, the
marshalled {"message", "reason"} and then the body. The web side reads answers with an asyncio Protocol
(no StreamReader, no task per query: the deadline is a timer on the answer's future).
Run as a program: `python -m axiskg.web.workers STORE_DIR FD [MEMORY_MB]` (MEMORY_MB caps its address space).
"""

from __future__ import annotations

import asyncio
import contextlib
import marshal
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

import pyoxigraph as ox

from axiskg.iris import PREFIXES
from axiskg.web.limits import QueryRefusedError, syntax_message
from axiskg.web.results import run_query

_LEN = struct.Struct(">I")
_HEAD = struct.Struct(">IIHIB")  # error length, body length, status, rows, truncated


class QueryTimeoutError(Exception):
    """The query passed its deadline; the worker that ran it was killed."""


class NoWorkerFreeError(QueryTimeoutError):
    """No query worker became free before the deadline: the query did not run (the server is busy)."""


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


def _recv(sock: socket.socket) -> bytes:
    chunk = sock.recv(1 << 16)
    if not chunk:
        raise EOFError
    return chunk


def _send(sock: socket.socket, status: int, rows: int, truncated: bool, body: bytes) -> None:
    sock.sendall(_HEAD.pack(0, len(body), status, rows, truncated) + body)


def _send_error(sock: socket.socket, status: int, message: str, reason: str = "") -> None:
    err = marshal.dumps({"message": message, "reason": reason})
    sock.sendall(_HEAD.pack(len(err), 0, status, 0, False) + err)


def execute(store: ox.Store, req: dict[str, Any]) -> tuple[int, int, bool, bytes, tuple[str, str] | None]:
    """Run one request on `store`: (status, rows, truncated, body, (message, reason) of a failure or None).
    What a query worker does with each request; the web process does the same for bounded queries."""
    try:
        body, rows, truncated = run_query(store, req)
        return 200, rows, truncated, body, None
    except QueryRefusedError as exc:
        return exc.status, 0, False, b"", (exc.message, exc.reason)
    except SyntaxError as exc:  # worded as `axiskg query` words it
        message = syntax_message(req["query"], str(exc.msg or exc), PREFIXES)
        return 400, 0, False, b"", (f"SPARQL syntax error: {message}", "")
    except (ValueError, TypeError, OSError, RuntimeError) as exc:
        return 500, 0, False, b"", (f"query failed: {exc}", "")


def run_worker(store_dir: str, fd: int, memory_mb: int = 0) -> None:
    if memory_mb > 0:  # an allocation beyond it aborts the worker, which is then replaced
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sock = socket.socket(fileno=fd)
    store = ox.Store.read_only(store_dir)
    parent = os.getppid()

    def orphan_watch() -> None:  # pyoxigraph releases the GIL while it runs, so this thread keeps running
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=orphan_watch, daemon=True).start()
    pending = b""
    while True:
        try:  # one recv per request in the usual case (the request is one write of the web side)
            while len(pending) < 4:
                pending += _recv(sock)
            (n,) = _LEN.unpack_from(pending)
            while len(pending) < 4 + n:
                pending += _recv(sock)
            req = marshal.loads(pending[4 : 4 + n])
            pending = pending[4 + n :]
        except EOFError:
            return
        status, rows, truncated, body, error = execute(store, req)
        if error is None:
            _send(sock, status, rows, truncated, body)
        else:
            _send_error(sock, status, error[0], error[1])


# ---------------------------------------------------------------- web side


class _Channel(asyncio.Protocol):
    """The web end of a worker's socket: collects one answer at a time into `waiter`."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.need = _HEAD.size
        self.waiter: asyncio.Future[tuple[int, int, bool, bytes, bytes]] | None = None
        self.answers = 0  # complete answers received, waited for or not

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's transports are not asyncio's classes

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        if len(buf) < self.need:
            return
        elen, blen, status, rows, truncated = _HEAD.unpack_from(buf)
        total = _HEAD.size + elen + blen
        if len(buf) < total:
            self.need = total
            return
        err = bytes(buf[_HEAD.size : _HEAD.size + elen]) if elen else b""
        body = bytes(buf[_HEAD.size + elen : total]) if blen else b""
        del buf[:total]
        self.need = _HEAD.size
        self.answers += 1
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((status, rows, bool(truncated), err, body))

    def connection_lost(self, exc: Exception | None) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(ConnectionError("query worker connection lost"))


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
        self.channel = _Channel()

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.connect_accepted_socket(lambda: self.channel, sock=self.sock)

    def expect(self) -> asyncio.Future[tuple[int, int, bool, bytes, bytes]]:
        """A future for the worker's next answer: (status, rows, truncated, error, body)."""
        ch = self.channel
        fut: asyncio.Future[tuple[int, int, bool, bytes, bytes]] = asyncio.get_running_loop().create_future()
        if ch.transport is None or ch.transport.is_closing():
            fut.set_exception(ConnectionError("query worker connection closed"))
        else:
            ch.waiter = fut
        return fut

    def call(self, payload: bytes) -> asyncio.Future[tuple[int, int, bool, bytes, bytes]]:
        """Send a marshalled request; the future gets its answer (see expect)."""
        fut = self.expect()
        if not fut.done():
            self.channel.transport.write(_LEN.pack(len(payload)) + payload)  # type: ignore[union-attr]
        return fut

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            if self.channel.transport is not None:
                self.channel.transport.abort()
            else:
                self.sock.close()
        # reap without blocking the event loop
        threading.Thread(target=self.proc.wait, daemon=True).start()


# a query whose client went away may finish for this long before its worker is killed and replaced
ABANDON_GRACE = 1.0


def _expire(fut: asyncio.Future[Any]) -> None:
    if not fut.done():
        fut.set_exception(TimeoutError())


class WorkerPool:
    """N query worker processes over one store; `run()` gives a query to a free worker under a deadline.

    With several HTTP worker processes each has its own pool, so a query's capacity would depend on which
    HTTP worker holds its connection: two clients on one HTTP worker would share its N query workers while
    the other's idle. `borrow` extra workers (started when first needed) may therefore run queries here
    while `may_borrow()` says the other HTTP workers have none (their metrics snapshots, a second or two
    old), so that busy or not, the server as a whole runs about as many queries at once as it has
    query workers in all."""

    def __init__(
        self,
        store_dir: str,
        size: int,
        on_restart: Any = None,
        memory_mb: int = 0,
        borrow: int = 0,
        may_borrow: Any = None,
    ) -> None:
        self.store_dir = store_dir
        self.memory_mb = memory_mb
        self.size = max(1, size)
        self.borrow = max(0, borrow) if may_borrow is not None else 0
        self._may_borrow = may_borrow
        self._idle: deque[_Worker] = deque()
        self._waiters: deque[asyncio.Future[_Worker]] = deque()
        self._all: set[_Worker] = set()
        self._closed = False
        self.restarts = 0
        self._on_restart = on_restart
        self.in_flight = 0
        self.started_on_loan = 0  # borrowed workers started (they stay, idle, for the next time)

    async def start(self) -> None:
        for _ in range(self.size):
            await self._spawn()

    async def _start_worker(self) -> _Worker:
        """A new worker, counted as handed out (in `_all`, not idle) from the start."""
        w = _Worker(self.store_dir, self.memory_mb)
        self._all.add(w)
        try:
            await w.connect()
        except BaseException:
            self._discard(w)
            raise
        return w

    async def _spawn(self) -> None:
        self._release(await self._start_worker())

    def _release(self, w: _Worker) -> None:
        if self._closed:
            self._discard(w)
            return
        self._idle.append(w)
        self._pump()

    def _discard(self, w: _Worker) -> None:
        self._all.discard(w)
        w.kill()

    def _handed_out(self) -> int:
        """Workers running a query (or being handed one): every live worker that is not idle."""
        return len(self._all) - len(self._idle)

    def _may_hand_out(self, running: int) -> bool:
        """Whether one more query may run here when `running` already do."""
        return running < self.size or (
            running < self.size + self.borrow and bool(self._may_borrow and self._may_borrow())
        )

    def _pump(self) -> None:
        """Hand idle workers to waiting queries while more may run (on a release, and on an acquire: the
        borrowing allowance may have grown since they started waiting)."""
        while self._waiters and self._idle and self._may_hand_out(self._handed_out()):
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(self._idle.popleft())

    async def _acquire(self, timeout: float) -> _Worker:
        if self._closed:
            raise PoolClosedError
        self._pump()  # after it, an idle worker means nobody waits
        if self._may_hand_out(self._handed_out()):
            if self._idle:
                return self._idle.popleft()
            if len(self._all) < self.size + self.borrow:  # borrowed capacity: start one more worker
                w = await self._start_worker()
                self.started_on_loan += 1
                return w
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[_Worker] = loop.create_future()
        self._waiters.append(fut)
        timer = loop.call_later(timeout, _expire, fut)
        try:
            return await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                self._release(fut.result())  # a worker was handed over just as the client went away
            raise
        finally:
            timer.cancel()

    async def _replace(self, w: _Worker) -> None:
        self._discard(w)
        self.restarts += 1
        if self._on_restart:
            self._on_restart()
        if not self._closed:
            await self._spawn()

    async def run(self, request: dict[str, Any], timeout: float, wait: float | None = None) -> Answer:
        """Run one query: it waits at most `wait` seconds (default `timeout`) for a free worker (else
        NoWorkerFreeError: it did not run), then runs for at most `timeout` seconds (else QueryTimeoutError:
        it was stopped). A query stopped at its deadline has had the whole of it, however long the queue
        before it was. With `wait` 0 it runs only if a worker is free at once."""
        payload = marshal.dumps(request)
        wait = timeout if wait is None else max(0.0, wait)
        self.in_flight += 1
        try:
            try:
                w = await self._acquire(wait)
            except TimeoutError as exc:
                raise NoWorkerFreeError(f"no query worker became free within {wait:.3g} s") from exc
            start = time.monotonic()
            answers = w.channel.answers
            fut = w.call(payload)
            timer = asyncio.get_running_loop().call_later(timeout, _expire, fut)
            try:
                status, rows, truncated, err, body = await fut
            except TimeoutError as exc:
                await self._replace(w)
                raise QueryTimeoutError(f"query stopped at the {timeout:g} s deadline") from exc
            except (ConnectionError, OSError) as exc:
                await self._replace(w)
                raise WorkerCrashedError("the query worker died while running the query") from exc
            except asyncio.CancelledError:  # the client went away
                if w.channel.answers > answers:  # its answer came just then, or just after, to nobody
                    self._release(w)
                else:
                    self._abandon(w, start + timeout)
                raise
            finally:
                timer.cancel()
            self._release(w)
            if err:
                e = marshal.loads(err)
                return Answer(
                    False, status, e["message"], 0, False, b"", time.monotonic() - start, e["reason"]
                )
            return Answer(True, status, "", rows, truncated, body, time.monotonic() - start)
        finally:
            self.in_flight -= 1

    def _abandon(self, w: _Worker, deadline: float) -> None:
        """Nobody waits for `w`'s answer any more: reuse the worker if it finishes within ABANDON_GRACE
        seconds (and the deadline), else kill and replace it. Called with no await since run() checked that
        the answer has not come, so the answer cannot slip past the new waiter."""
        loop = asyncio.get_running_loop()
        fut = w.expect()
        timer = loop.call_later(max(0.001, min(ABANDON_GRACE, deadline - time.monotonic())), _expire, fut)

        def done(f: asyncio.Future[Any]) -> None:
            timer.cancel()
            if f.cancelled() or f.exception() is not None:
                asyncio.ensure_future(self._replace(w))
            else:
                self._release(w)

        fut.add_done_callback(done)

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
