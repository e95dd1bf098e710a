"""HTTP semantics the same on every path (protocol.py's direct path, the ASGI stack, the fast-path cache):
Vary, CORS, repeated header fields, conditional requests (RFC 9110 section 13), OPTIONS, content coding of
downloads."""

from __future__ import annotations

import gzip
import hashlib
import socket
import subprocess
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import httpx
import pytest
from servers import AX, server_log, start_server, stop_server

LOOKUP = f"SELECT ?label WHERE {{ <{AX}person/alice> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
# an answer over GZIP_MINIMUM bytes (gzip applies) and one under it
BIG = "SELECT ?x WHERE { VALUES ?x { " + " ".join(f"<urn:x:{'y' * 40}{i}>" for i in range(40)) + " } }"
DIRECT = {"Content-Type": "application/sparql-query"}
ASGI = {"Connection": "close"}  # a request that does not keep its connection takes uvicorn's own path


@pytest.fixture(scope="module")
def two_origins(tiny_out: Path) -> Iterator[str]:
    """A server whose CORS allows two origins: Access-Control-Allow-Origin names the request's."""
    proc, url = start_server(
        tiny_out, "--cors-origin", "http://a.example", "--cors-origin", "http://b.example"
    )
    try:
        yield url
    finally:
        stop_server(proc)


def _vary(r: httpx.Response) -> list[str]:
    return [v.strip() for v in r.headers.get("vary", "").split(",") if v.strip()]


@pytest.mark.parametrize("query", [LOOKUP, BIG], ids=["small", "gzipped"])
@pytest.mark.parametrize("path", ["direct", "asgi"])
def test_vary_is_complete_and_the_same_first_and_from_the_cache(
    two_origins: str, query: str, path: str
) -> None:
    """The cached answer dropped `Origin` while Access-Control-Allow-Origin named each request's origin (a
    shared cache could give one origin's answer to the other), and the first answer to a URL lacked
    Accept-Encoding when the client did not ask for gzip."""
    query += f" # vary {path}"  # a URL of its own: its first answer is computed
    extra = ASGI if path == "asgi" else {}
    answers = []
    for origin, encoding in (("http://a.example", "identity"), ("http://b.example", "gzip"), (None, "gzip")):
        headers = {"Accept-Encoding": encoding, **extra, **({"Origin": origin} if origin else {})}
        r = httpx.get(two_origins + "/sparql", params={"query": query}, headers=headers)
        assert r.status_code == 200
        assert r.headers.get("access-control-allow-origin") == origin
        answers.append(r)
    assert [_vary(r) for r in answers] == [["Accept", "Accept-Encoding", "Origin"]] * 3
    if query.startswith(BIG):
        assert [r.headers.get("content-encoding") for r in answers] == [None, "gzip", "gzip"]


@pytest.mark.parametrize(
    "target, vary",
    [
        ("/id/person/alice", ["Accept", "Accept-Encoding", "Origin"]),
        ("/id/person/alice.ttl", ["Accept-Encoding", "Origin"]),  # the format by extension: not negotiated
        ("/sparql", ["Accept", "Accept-Encoding", "Origin"]),  # the service description
        ("/.well-known/void", ["Accept", "Accept-Encoding", "Origin"]),
        ("/downloads/dumps/axiskg.nq", ["Accept-Encoding", "Origin"]),
        ("/id/person/nobody", ["Accept", "Accept-Encoding", "Origin"]),  # a 404 in the format asked
        ("/sparql?query=SELECT", ["Accept", "Accept-Encoding", "Origin"]),  # a 400: text, or JSON if asked
    ],
)
def test_vary_of_every_kind_of_answer(tiny_url: str, target: str, vary: list[str]) -> None:
    for _ in range(2):  # first, then from the cache where it keeps answers
        for headers in ({}, {"Accept-Encoding": "gzip"}, {"Origin": "http://x.example"}, ASGI):
            assert _vary(httpx.get(tiny_url + target, headers=headers)) == vary, headers


def test_repeated_accept_fields_are_one_list(tiny_url: str) -> None:
    """The query used the first Accept line, the fast-path cache the last: the answer hung on the cache."""
    query = {"query": LOOKUP + " # two accepts"}
    lines = [("Accept", "text/csv;q=0.5"), ("Accept", "application/sparql-results+xml")]
    for _ in range(2):
        r = httpx.get(tiny_url + "/sparql", params=query, headers=lines)
        assert r.headers["content-type"].startswith("application/sparql-results+xml")
    r = httpx.get(tiny_url + "/sparql", params=query, headers={"Accept": "text/csv;q=0.5"})
    assert r.headers["content-type"].startswith("text/csv")
    for headers in ([], [("Connection", "close")]):
        lines = [("Accept", "text/html;q=0.1"), ("Accept", "text/turtle"), *headers]
        r = httpx.get(tiny_url + "/id/person/alice", headers=lines)
        assert r.headers["content-type"].startswith("text/turtle")
        r = httpx.post(tiny_url + "/sparql", data={"query": "ASK {}"}, headers=lines[::-1])  # turtle: a 406
        assert r.status_code == 406


def test_conditional_requests_on_sparql(tiny_url: str) -> None:
    query = "ASK { ?s ?p ?o } # conditional"
    r = httpx.get(tiny_url + "/sparql", params={"query": query})
    tag = r.headers["etag"]
    for headers in ({}, ASGI):
        conditions = {"If-None-Match": tag, **headers}
        get = httpx.get(tiny_url + "/sparql", params={"query": query}, headers=conditions)
        assert get.status_code == 304 and get.headers["etag"] == tag
        for condition in (tag, "*"):  # a POST does not get a 304 (RFC 9110 13.1.2): its precondition fails
            for post in (
                httpx.post(tiny_url + "/sparql", data={"query": query}, headers={"If-None-Match": condition}),
                httpx.post(
                    tiny_url + "/sparql",
                    content=query.encode(),
                    headers={**DIRECT, **headers, "If-None-Match": condition},
                ),
            ):
                assert post.status_code == 412, (condition, post.text)
        r = httpx.get(tiny_url + "/sparql", params={"query": query}, headers={"If-Match": tag, **headers})
        assert r.status_code == 412  # a weak ETag never matches If-Match (strong comparison)
        r = httpx.get(tiny_url + "/sparql", params={"query": query}, headers={"If-Match": "*", **headers})
        assert r.status_code == 200
    # an answer that would not be a 2xx ignores the conditions (RFC 9110 13.2.1)
    r = httpx.get(tiny_url + "/sparql", params={"query": "ASK {"}, headers={"If-None-Match": "*"})
    assert r.status_code == 400


@pytest.mark.parametrize("accept", ["text/turtle", "text/html"])
def test_conditional_requests_on_linked_data(tiny_url: str, accept: str) -> None:
    alice, nobody = tiny_url + "/id/person/alice", tiny_url + "/id/person/nobody"
    assert httpx.get(nobody, headers={"Accept": accept, "If-None-Match": "*"}).status_code == 404
    assert httpx.get(nobody, headers={"Accept": accept, "If-Match": "*"}).status_code == 404
    assert httpx.get(alice, headers={"Accept": accept, "If-None-Match": "*"}).status_code == 304
    assert httpx.get(alice, headers={"Accept": accept, "If-Match": '"nope"'}).status_code == 412
    assert httpx.get(alice, headers={"Accept": accept, "If-Match": "*"}).status_code == 200


def test_conditional_requests_on_downloads(tiny_url: str) -> None:
    url = tiny_url + "/downloads/dumps/axiskg.nq"
    r = httpx.get(url)
    modified = r.headers["last-modified"]
    assert httpx.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    assert httpx.get(url, headers={"If-Modified-Since": formatdate(0, usegmt=True)}).status_code == 200
    assert httpx.get(url, headers={"If-Unmodified-Since": formatdate(0, usegmt=True)}).status_code == 412
    assert httpx.get(url, headers={"If-Modified-Since": "not a date"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)
    assert httpx.get(url, headers={"If-Modified-Since": modified, "If-None-Match": '"x"'}).status_code == 200


def test_a_gzipped_download_has_its_own_etag_and_no_digest_of_other_bytes(tiny_url: str) -> None:
    url = tiny_url + "/downloads/dumps/axiskg.nq"
    plain = httpx.get(url, headers={"Accept-Encoding": "identity"})
    sha = hashlib.sha256(plain.content).hexdigest()
    assert plain.headers["etag"] == f'"{sha}"' and "content-encoding" not in plain.headers
    assert plain.headers["digest"].startswith("sha-256=")
    with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())
        assert r.headers["content-encoding"] == "gzip" and r.headers["etag"] == f'"{sha}-gzip"'
        assert "digest" not in r.headers
        assert _vary(r) == ["Accept-Encoding", "Origin"]
    assert hashlib.sha256(gzip.decompress(raw)).hexdigest() == sha
    # compressed once and then sent as a file: its length is known, and every client gets the same bytes
    assert r.headers["content-length"] == str(len(raw))
    with httpx.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as again:
        assert b"".join(again.iter_raw()) == raw
    for encoding, tag, status in (
        ("gzip", f'"{sha}-gzip"', 304),
        ("identity", f'"{sha}"', 304),
        ("gzip", f'"{sha}"', 200),  # another representation: the client has not got this one
        ("identity", f'"{sha}-gzip"', 200),
    ):
        r = httpx.get(url, headers={"Accept-Encoding": encoding, "If-None-Match": tag})
        assert r.status_code == status, (encoding, tag)
    assert httpx.get(url, headers={"Accept-Encoding": "gzip;q=0"}).headers.get("content-encoding") is None
    # a range of the identity bytes (a range of gzip would depend on how it was compressed)
    r = httpx.get(
        url, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9", "Origin": "http://x.example"}
    )
    assert r.status_code == 206 and r.content == plain.content[:10]
    assert r.headers["etag"] == f'"{sha}"' and _vary(r) == ["Accept-Encoding", "Origin"]
    assert httpx.head(url, headers={"Accept-Encoding": "gzip"}).headers["etag"] == f'"{sha}-gzip"'


@pytest.mark.parametrize(
    "target, methods",
    [("/id/person/alice", "GET, HEAD"), ("/sparql", "GET, HEAD, POST"), ("/ontology", "GET, HEAD")],
)
def test_options_and_preflights_name_the_resources_methods(tiny_url: str, target: str, methods: str) -> None:
    r = httpx.options(tiny_url + target)
    assert (r.status_code, r.headers["allow"]) == (204, methods + ", OPTIONS")  # it was a 405
    preflight = {"Origin": "http://x.example", "Access-Control-Request-Method": "GET"}
    r = httpx.options(tiny_url + target, headers=preflight)
    assert r.status_code == 200 and r.headers["access-control-allow-methods"] == methods
    r = httpx.options(tiny_url + target, headers={**preflight, "Access-Control-Request-Method": "POST"})
    assert r.status_code == (200 if "POST" in methods else 400)  # /id/ has no POST to advertise
    conditional = {**preflight, "Access-Control-Request-Headers": "If-Match, If-Modified-Since, Range"}
    assert httpx.options(tiny_url + target, headers=conditional).status_code == 200  # as answered
    # a method the resource does not allow: a 405 whose Allow is the one OPTIONS gives (OPTIONS included)
    r = httpx.request("PATCH", tiny_url + target)
    allowed = set((methods + ", OPTIONS").split(", "))
    assert (r.status_code, set(r.headers["allow"].split(", "))) == (405, allowed)
    assert "PATCH" in r.text
    assert httpx.options(tiny_url + "/no/such/path").status_code == 404


def test_options_asterisk_asks_about_the_server(tiny_url: str) -> None:
    """RFC 9110 9.3.7: `OPTIONS *` applies to the server in general (it was a 404)."""
    host, port = tiny_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"OPTIONS * HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        head = b""
        while chunk := sock.recv(4096):
            head += chunk
    status, *lines = head.split(b"\r\n\r\n")[0].decode().split("\r\n")
    fields = dict(line.lower().split(": ", 1) for line in lines)
    assert status.split()[1] == "204" and fields["allow"] == "get, head, post, options"
    r = httpx.get(tiny_url + "/sparql", params={"query": "ASK {}"})
    assert r.status_code == 200  # the server goes on


@pytest.mark.parametrize("coding", ["gzip;q=0", "identity, gzip;q=0", "*;q=0"])
def test_sparql_answers_are_not_gzipped_for_a_client_that_refuses_gzip(tiny_url: str, coding: str) -> None:
    """RFC 9110 12.5.3: q=0 means "not acceptable"; on the first answer and on the cached one alike."""
    params = {"query": "SELECT * WHERE { ?s ?p ?o }"}
    accept = {"Accept": "application/sparql-results+json"}
    for _ in range(2):  # computed, then from the response cache
        r = httpx.get(tiny_url + "/sparql", params=params, headers={**accept, "Accept-Encoding": coding})
        assert r.status_code == 200 and len(r.content) >= 1000
        assert r.headers.get("content-encoding") is None
    r = httpx.get(tiny_url + "/sparql", params=params, headers={**accept, "Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"


def test_an_entity_tag_changes_with_the_code_that_writes_the_representation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same release and request, served by other code (an upgrade: JSON-LD compacted, prefixes pruned),
    may have another representation: a client's copy of the earlier one must not get a 304."""
    from axiskg.web import http

    before = http.etag("20261122T000000Z-00000001", "ld", "https://w3id.org/axiskg/id/person/x", "jsonld")
    assert before == http.etag(
        "20261122T000000Z-00000001", "ld", "https://w3id.org/axiskg/id/person/x", "jsonld"
    )
    monkeypatch.setattr(http, "code_digest", lambda: b"other code")
    after = http.etag("20261122T000000Z-00000001", "ld", "https://w3id.org/axiskg/id/person/x", "jsonld")
    assert after != before and after.startswith('W/"20261122T000000Z-00000001-')


def test_the_log_says_where_the_server_listens(tiny_server: tuple[subprocess.Popen[bytes], str]) -> None:
    """A new user had to take the README's word for the port: nothing printed the address."""
    proc, url = tiny_server
    log = server_log(proc, lambda text: f"on {url}/" in text)
    assert f"query workers on {url}/" in log
