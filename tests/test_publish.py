"""publish(): push a release to a real Oxigraph server (Graph Store Protocol) and verify the counts."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from typer.testing import CliRunner

from axiskg import iris
from axiskg.build import build
from axiskg.cli import app
from axiskg.errors import PublishError
from axiskg.publish import PROBE_GRAPH, default_query_url, publish, upload_order
from axiskg.release import open_release
from conftest import free_port, native_oxigraph


@pytest.fixture
def oxigraph_url(tmp_path: Path) -> Iterator[str]:
    """Base URL of a real `oxigraph serve` on 127.0.0.1, with its own empty store on disk."""
    with native_oxigraph(tmp_path) as url:
        yield url


def _count(url: str, graph: str) -> int:
    r = httpx.post(
        url + "/query",
        data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_publish_puts_every_graph_and_verifies_counts(tiny_release_out: Path, oxigraph_url: str) -> None:
    rel = open_release(tiny_release_out)
    result = publish(rel, oxigraph_url + "/store")
    assert result.ok
    assert result.query_url == oxigraph_url + "/query"
    assert {g.graph: g.found for g in result.graphs} == rel.graphs
    for graph, n in rel.graphs.items():
        assert _count(oxigraph_url, graph) == n
    ask = httpx.post(
        oxigraph_url + "/query",
        data={"query": f"ASK {{ GRAPH <{iris.GRAPH_DERIVED}> {{ ?m <https://schema.org/attendee> ?p }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert ask.json()["boolean"] is True


def test_publishing_again_replaces_the_graphs(tiny_release_out: Path, oxigraph_url: str) -> None:
    publish(tiny_release_out, oxigraph_url + "/store")
    result = publish(tiny_release_out, oxigraph_url + "/store")
    assert result.ok
    assert (
        _count(oxigraph_url, iris.GRAPH + "report-000")
        == open_release(tiny_release_out).graphs[iris.GRAPH + "report-000"]
    )


def _put_foreign_graph(oxigraph_url: str, graph: str) -> None:
    """A graph of someone else's at the target: one triple."""
    httpx.put(
        oxigraph_url + "/store",
        params={"graph": graph},
        content=b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n",
        headers={"Content-Type": "application/n-triples"},
    ).raise_for_status()


def test_graphs_of_others_at_the_target_are_left_alone(tiny_release_out: Path, oxigraph_url: str) -> None:
    other = "https://example.org/graph/other"
    _put_foreign_graph(oxigraph_url, other)
    publish(tiny_release_out, oxigraph_url + "/store")
    assert _count(oxigraph_url, other) == 1


def test_unreachable_target_is_a_clear_error(tiny_release_out: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"  # nothing listens there
    with pytest.raises(PublishError, match="cannot reach .* Nothing was published"):
        publish(tiny_release_out, url)


def test_a_wrong_endpoint_touches_nothing_already_published(
    tiny_release_out: Path, oxigraph_url: str
) -> None:
    publish(tiny_release_out, oxigraph_url + "/store")
    before = {g: _count(oxigraph_url, g) for g in open_release(tiny_release_out).graphs}
    with pytest.raises(PublishError, match="is not a SPARQL query endpoint"):
        publish(tiny_release_out, oxigraph_url + "/wrong/store", query_url=oxigraph_url + "/wrong/query")
    assert {g: _count(oxigraph_url, g) for g in before} == before


def test_cli_publish(tiny_release_out: Path, oxigraph_url: str) -> None:
    result = CliRunner().invoke(
        app, ["publish", "--to", oxigraph_url + "/store", "--release", str(tiny_release_out)]
    )
    assert result.exit_code == 0, result.output
    assert "counts verified" in result.stdout


def test_cli_publish_unreachable(tiny_release_out: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    result = CliRunner().invoke(app, ["publish", "--to", url, "--release", str(tiny_release_out)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot reach ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_default_query_url() -> None:
    assert default_query_url("http://h:7878/store") == "http://h:7878/query"
    assert default_query_url("http://h:3030/ds/data") == "http://h:3030/ds/query"
    assert default_query_url("http://h:3030/ds") == "http://h:3030/ds/query"


# --- graphs the release no longer has, and failures part-way ---------------------------------------------

EXTRA_REPORT = """\
@prefix axo: <https://w3id.org/axiskg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/axiskg/id/person/extra-person> a axo:Person ; skos:prefLabel "Extra Person"@en .
"""


def _publish_with_extra_report(tiny_project: Path, out: Path, oxigraph_url: str) -> tuple[Path, str]:
    """Build and publish the tiny project with one more report: (its file, its graph)."""
    extra = tiny_project / "data" / "report-005.ttl"
    extra.write_text(EXTRA_REPORT, encoding="utf-8")
    build(tiny_project, out)
    publish(out, oxigraph_url + "/store")
    return extra, iris.GRAPH + "report-005"


def test_a_graph_removed_from_the_release_is_removed_at_the_endpoint(
    tiny_project: Path, tmp_path: Path, oxigraph_url: str
) -> None:
    out = tmp_path / "out"
    extra, gone = _publish_with_extra_report(tiny_project, out, oxigraph_url)
    assert _count(oxigraph_url, gone) == 2  # the extra person's type and label
    other = "https://example.org/graph/report-005"  # not the project's namespace: never touched
    _put_foreign_graph(oxigraph_url, other)

    extra.unlink()
    build(tiny_project, out)
    result = CliRunner().invoke(app, ["publish", "--to", oxigraph_url + "/store", "--release", str(out)])
    assert result.exit_code == 0, result.output
    assert f"removed 1 graph no longer in the release: <{gone}>" in result.stdout
    assert _count(oxigraph_url, gone) == 0
    assert _count(oxigraph_url, other) == 1
    assert _count(oxigraph_url, PROBE_GRAPH) == 0
    for graph, n in open_release(out).graphs.items():
        assert _count(oxigraph_url, graph) == n


@contextlib.contextmanager
def _proxy(target: str, refuse: Callable[[str, str | None], int | None]) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 in front of `target` (an Oxigraph server) that answers
    `refuse(method, graph)` (an HTTP status) instead of forwarding, when that is not None."""

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            graph = parse_qs(urlsplit(self.path).query).get("graph", [None])[0]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = refuse(self.command, graph)
            if status is not None:
                self.send_response(status)
                self.send_header("Content-Length", "6")
                self.end_headers()
                self.wfile.write(b"broken")
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            r = httpx.request(self.command, target + self.path, content=body, headers=headers)
            self.send_response(r.status_code)
            if "Content-Type" in r.headers:
                self.send_header("Content-Type", r.headers["Content-Type"])
            self.send_header("Content-Length", str(len(r.content)))
            self.end_headers()
            self.wfile.write(r.content)

        do_GET = do_POST = do_PUT = do_DELETE = _handle

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_a_publish_that_fails_part_way_says_what_was_replaced_and_how_to_recover(
    tiny_release_out: Path, oxigraph_url: str
) -> None:
    rel = open_release(tiny_release_out)
    failing = iris.GRAPH + "report-000"
    order = upload_order(list(rel.graphs))
    assert order[-2:] == [iris.GRAPH_DERIVED, iris.GRAPH_VOID]  # what is computed from the sources: last
    done, pending = order[: order.index(failing)], order[order.index(failing) :]

    def refuse(method: str, graph: str | None) -> int | None:
        return 500 if method == "PUT" and graph == failing else None

    with _proxy(oxigraph_url, refuse) as proxy:
        args = ["publish", "--to", proxy + "/store", "--query-url", proxy + "/query"]
        result = CliRunner().invoke(app, [*args, "--release", str(tiny_release_out)])
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert f"refused graph <{failing}> (HTTP 500)" in line
    assert f"Already replaced ({len(done)}): " + ", ".join(f"<{g}>" for g in done) in line
    assert f"not replaced ({len(pending)}): " + ", ".join(f"<{g}>" for g in pending) in line
    assert "no transactions" in line and "run `axiskg publish` again" in line
    assert _count(oxigraph_url, iris.GRAPH_DERIVED) == 0  # derived comes after the sources: not replaced
    for graph in done:
        assert _count(oxigraph_url, graph) == rel.graphs[graph]
    assert publish(rel, oxigraph_url + "/store").ok  # running it again completes the update


def test_an_endpoint_that_refuses_writes_is_found_before_any_graph_is_replaced(
    tiny_release_out: Path, oxigraph_url: str
) -> None:
    def refuse(method: str, graph: str | None) -> int | None:
        return 403 if method in ("PUT", "DELETE") else None

    with _proxy(oxigraph_url, refuse) as proxy, pytest.raises(PublishError) as caught:
        publish(tiny_release_out, proxy + "/store", query_url=proxy + "/query")
    message = str(caught.value)
    assert "refused a write (HTTP 403" in message and "Nothing was published" in message
    assert "Already replaced" not in message


def test_an_endpoint_without_delete_gets_its_stale_graphs_and_the_probe_emptied(
    tiny_project: Path, tmp_path: Path, oxigraph_url: str
) -> None:
    """A Graph Store endpoint that accepts PUT but answers DELETE with 405: the probe and a graph the
    release no longer has are emptied by a PUT of no triples, and the publish completes."""
    out = tmp_path / "out"
    extra, gone = _publish_with_extra_report(tiny_project, out, oxigraph_url)
    assert _count(oxigraph_url, gone) == 2
    extra.unlink()
    build(tiny_project, out)

    def refuse(method: str, graph: str | None) -> int | None:
        return 405 if method == "DELETE" else None

    with _proxy(oxigraph_url, refuse) as proxy:
        result = publish(out, proxy + "/store", query_url=proxy + "/query")
    assert result.ok and [g.graph for g in result.removed] == [gone]
    assert _count(oxigraph_url, gone) == 0 and _count(oxigraph_url, PROBE_GRAPH) == 0
