"""The server's log lines are written in batches (serve.BatchedStreamHandler) and its access-log lines skip
logging's LogRecord (http.access_sink), with the same text as before."""

from __future__ import annotations

import io
import logging
import re
import time
from pathlib import Path

import httpx
from servers import server_log, start_server, stop_server

from axiskg.serve import BatchedStreamHandler

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} axiskg\.access (.*)$", re.M)


class CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def _logger(handler: logging.Handler, name: str) -> logging.Logger:
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger


def test_lines_are_written_in_one_batch_and_warnings_at_once() -> None:
    stream = CountingStream()
    handler = BatchedStreamHandler(stream, interval=3600)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    logger = _logger(handler, "axiskg.test.batch")
    for i in range(100):
        logger.info("line %d", i)
    assert stream.writes == 0
    handler.flush()
    assert stream.writes == 1
    assert stream.getvalue().splitlines() == [f"axiskg.test.batch line {i}" for i in range(100)]
    logger.info("held")
    logger.warning("at once")
    assert stream.writes == 2 and stream.getvalue().endswith("held\naxiskg.test.batch at once\n")


def test_a_pending_line_waits_at_most_the_interval() -> None:
    stream = CountingStream()
    logger = _logger(BatchedStreamHandler(stream, interval=0.05), "axiskg.test.interval")
    logger.info("soon")
    deadline = time.monotonic() + 10
    while "soon" not in stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert stream.getvalue() == "soon\n"


def test_a_line_added_directly_reads_as_the_formatter_would_write_it() -> None:
    stream = CountingStream()
    handler = BatchedStreamHandler(stream, interval=3600)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logger = _logger(handler, "axiskg.access")
    logger.info('127.0.0.1 "GET /a" 200 5 1.0ms')
    handler.add("axiskg.access", '127.0.0.1 "GET /b" 200 5 1.0ms')
    handler.flush()
    expected = ['127.0.0.1 "GET /a" 200 5 1.0ms', '127.0.0.1 "GET /b" 200 5 1.0ms']
    assert LINE.findall(stream.getvalue()) == expected


def test_the_server_writes_an_access_log_line_per_request(release_out: Path) -> None:
    proc, url = start_server(release_out)
    try:
        r = httpx.get(url + "/sparql", params={"query": "ASK {}"})
        assert r.status_code == 200
        assert httpx.get(url + "/id/nothing/here", headers={"Accept": "text/turtle"}).status_code == 404
        log = server_log(proc, lambda text: '"GET /id/nothing/here" 404' in text)
        lines = LINE.findall(log)
        sparql = r'127\.0\.0\.1 "GET /sparql\?query=ASK\+%7B%7D" 200 \d+ [\d.]+ms'
        assert any(re.fullmatch(sparql, x) for x in lines)
        assert any(re.fullmatch(r'127\.0\.0\.1 "GET /id/nothing/here" 404 \d+ [\d.]+ms', x) for x in lines)
    finally:
        stop_server(proc)
