"""The SERVICE allowlist reads a query's SERVICE clauses off the lexer's tokens (limits.service_endpoints), so
the lexer must never miss a clause that pyoxigraph runs. Differential check: queries built from fragments that
are easy to lex wrongly (escaped quotes in names and strings, \\u escapes, comments, IRIs holding '#',
operators that look like IRIs...) around a SERVICE clause aimed at a listener on 127.0.0.1; whenever
pyoxigraph (the real engine, in-process) calls the listener, the lexer must have named the listener's URL."""

from __future__ import annotations

import http.server
import random
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest

from axiskg.iris import PREFIXES
from axiskg.web.limits import service_endpoints

EMPTY = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'

# fragments that may stand around the SERVICE clause (each is valid where it is put, or makes the query
# invalid, which is fine: an invalid query calls nobody)
FRAGMENTS = [
    "?s ?p ex:a\\' .",
    "?s ?p ex:a\\'b .",
    '?s ?p "a\\u0022" .',
    "?s ?p 'a\\u0027' .",
    "?s ?p 'it''s' .",
    "?s ?p '''a''b''' .",
    '?s ?p """a"b""" .',
    "?s ?p <http://example.org/\\u0041#x> .",
    "?s ?p <http://example.org/a#b> .",
    "?s ?p 'x # not a comment' .",
    "# a comment with SERVICE <http://127.0.0.1:9/> in it\n",
    "?s ?p ex:a#comment\n",
    "FILTER(?s<?p&&?p>?s)",
    "FILTER(?s != 'SERVICE')",
    "?s ?p ex:a\\#b .",
    "?s ?p ex:a\\. .",
    "?s ?p ?o .",
    "OPTIONAL { ?s ?p ?o }",
    "BIND('\\'' AS ?q)",
    '?s ?p "\\\\" .',
    "?s ?p 'a\\\\' .",
]


class Listener(http.server.ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Answer)
        self.calls = 0
        self.url = f"http://127.0.0.1:{self.server_address[1]}/sparql"


class _Answer(http.server.BaseHTTPRequestHandler):
    server: Listener

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.do_GET()

    def do_GET(self) -> None:
        self.server.calls += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(EMPTY)))
        self.end_headers()
        self.wfile.write(EMPTY)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _service(url: str, rng: random.Random) -> str:
    keyword = rng.choice(["SERVICE", "service", "Service"])
    silent = rng.choice(["", " SILENT", " silent"])
    escaped = url.replace("sparql", "sp\\u0061rql")  # the same IRI with a \u escape
    target = rng.choice([f"<{url}>", "srv:sparql", f"<{escaped}>"])
    return f"{keyword}{silent} {target} {{ ?a ?b ?c }}"


def test_the_lexer_names_every_endpoint_pyoxigraph_calls(listener: Listener) -> None:
    rng = random.Random(20261205)
    store = ox.Store()
    prefixes = {"ex": "http://example.org/", "srv": listener.url.removesuffix("sparql")}
    called = named = 0
    for _ in range(600):
        # each fragment in an OPTIONAL group, so that no fragment leaves the SERVICE clause without a row to
        # join (pyoxigraph then skips the call)
        before = [f"OPTIONAL {{ {rng.choice(FRAGMENTS)} }}" for _ in range(rng.randint(0, 3))]
        after = [f"OPTIONAL {{ {rng.choice(FRAGMENTS)} }}" for _ in range(rng.randint(0, 3))]
        body = " ".join([*before, _service(listener.url, rng), *after])
        query = (
            f"PREFIX ex: <http://example.org/> PREFIX srv: <{prefixes['srv']}> SELECT * WHERE {{ {body} }}"
        )
        calls = listener.calls
        try:
            result = store.query(query)
            if isinstance(result, ox.QuerySolutions):
                list(result)
        except (SyntaxError, OSError, RuntimeError):
            pass
        endpoints = service_endpoints(query, PREFIXES)
        if listener.calls > calls:
            called += 1
            assert listener.url in endpoints, f"pyoxigraph called it, the lexer saw {endpoints}: {query}"
        named += listener.url in endpoints
    assert called > 200  # the generator does reach pyoxigraph's SERVICE calls
    assert named >= called
