"""publish(): push a release to a real Oxigraph server (Graph Store Protocol) and verify the counts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from axiskg import iris
from axiskg.cli import app
from axiskg.errors import PublishError
from axiskg.publish import default_query_url, publish
from axiskg.release import open_release
from conftest import free_port


def _oxigraph() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        pytest.fail("the `oxigraph` server (PyPI package oxigraph, in the test extra) is not installed")
    return found


@pytest.fixture
def oxigraph_url(tmp_path: Path) -> Iterator[str]:
    """Base URL of a real `oxigraph serve` on 127.0.0.1, with its own empty store on disk."""
    port = free_port()
    log = (tmp_path / "oxigraph.log").open("wb")
    proc = subprocess.Popen(
        [_oxigraph(), "serve", "--location", str(tmp_path / "oxstore"), "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"oxigraph serve exited: {(tmp_path / 'oxigraph.log').read_text()}")
            try:
                httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    pytest.fail("oxigraph serve did not start within 30 s")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


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


def test_graphs_of_others_at_the_target_are_left_alone(tiny_release_out: Path, oxigraph_url: str) -> None:
    other = "https://example.org/graph/other"
    httpx.put(
        oxigraph_url + "/store",
        params={"graph": other},
        content=b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n",
        headers={"Content-Type": "application/n-triples"},
    ).raise_for_status()
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
