"""Canned-query pages run their query like /sparql does: in a killable worker, under the server's row cap,
deadline, fairness budget and SERVICE policy (not in the web process, where nothing could stop it)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyoxigraph as ox
import pytest

from axiskg.queries import load_queries
from axiskg.query import query as run_query
from axiskg.release import Release
from conftest import start_server, stop_server

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_canned_query_page_obeys_the_servers_row_cap(release_out: Path) -> None:
    proc, url = start_server(release_out, "--max-rows", "2")
    try:
        r = httpx.get(url + "/queries/claims-per-report", timeout=30)
    finally:
        stop_server(proc)
    assert r.status_code == 200, r.text[:500]
    # five reports, but the server caps every answer at two rows, and says so
    assert "2 rows (first 2 shown)" in r.text
    tbody = re.search(r"<tbody>(.*?)</tbody>", r.text, re.S)
    assert tbody is not None and tbody.group(1).count("<tr>") == 2


def test_canned_federated_query_page_obeys_the_service_policy(server_url: str) -> None:
    # SERVICE is refused by default (no --allow-service): the page says so instead of calling Wikidata (a
    # page the site links to: 200, with the refusal and how an operator allows the endpoint)
    r = httpx.get(server_url + "/queries/wikidata-links-federated", timeout=30)
    assert r.status_code == 200
    assert "SERVICE &lt;https://query.wikidata.org" in r.text and "--allow-service" in r.text
    assert "Open in editor" in r.text
    assert "<tbody>" not in r.text
    # and it does not send the reader to this site's editor, which this server refuses the same way
    assert "editor sends it to this server, which refuses it too" in r.text
    assert "wikidata-links query" in r.text  # where the local rows alone are


# ---------------------------------------------------------------- the same rows as `axiskg query --name`

QUERIES = {q.name: q for q in load_queries(REPO_ROOT / "queries")}
LOCAL_QUERIES = sorted(name for name, q in QUERIES.items() if "SERVICE" not in q.text.upper())


def _cli_rows(release: Release, text: str, bindings: dict[Any, Any] | None = None) -> list[tuple[str, ...]]:
    """The rows `axiskg query` prints for a query (run as the CLI runs it), one tuple a row: an IRI as
    `<iri>`, any other term as its value, an unbound cell as ''."""
    columns, rows = run_query(release, text, bindings).table()
    return sorted(
        tuple("" if t is None else f"<{t.value}>" if isinstance(t, ox.NamedNode) else t.value for t in row)
        for row in rows
    )


def _page_rows(page: str) -> list[tuple[str, ...]]:
    """The rows of a canned-query page's result table in the form of `_cli_rows` (a link's title is the IRI
    it shows the label of)."""
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    assert body is not None, page[:2000]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S):
        row = []
        for td in re.findall(r"<td>(.*?)</td>", tr, re.S):
            link = re.match(r'<a href="[^"]*" title="([^"]*)">', td)
            iri_list = re.match(r'<span class="iri-list" title="([^"]*)">', td)  # a string of IRIs, as links
            if iri_list:
                row.append(html.unescape(iri_list.group(1)))
            elif link:
                row.append(f"<{html.unescape(link.group(1))}>")
            else:
                text = re.match(r"<span[^>]*>(.*)</span>$", td, re.S)
                assert text is not None, td
                row.append(html.unescape(text.group(1)))
        rows.append(tuple(row))
    return sorted(rows)


def _sparql_rows(url: str, text: str) -> list[tuple[str, ...]]:
    r = httpx.post(
        url + "/sparql",
        data={"query": text},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    assert r.status_code == 200, r.text[:500]
    result = ox.parse_query_results(r.content, format=ox.QueryResultsFormat.JSON)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return sorted(
        tuple(
            "" if s[n] is None else f"<{s[n].value}>" if isinstance(s[n], ox.NamedNode) else s[n].value
            for n in names
        )
        for s in result
    )


@pytest.mark.parametrize("name", LOCAL_QUERIES)
def test_canned_query_page_and_editor_answer_what_the_cli_answers(
    server_url: str, release: Release, name: str
) -> None:
    """Every named query, at its defaults, gives on its page the rows `axiskg query --name NAME` gives (the
    parameters bound the CLI's way; a VALUES clause after the WHERE group left ?start, ?min, ?text unbound in
    the FILTERs and HAVING: 0 rows), and so do the text "Open in editor" carries and the editor's example."""
    q = QUERIES[name]
    expected = _cli_rows(release, q.text, q.bindings())
    if q.params:
        assert expected, f"{name}: its defaults should find something"
    page = httpx.get(server_url + f"/queries/{name}", timeout=60)
    assert page.status_code == 200, page.text[:500]
    assert _page_rows(page.text) == expected
    href = re.search(r'<a class="button" href="(/query\?[^"]*)">Open in editor</a>', page.text)
    assert href is not None
    editor_text = parse_qs(urlsplit(html.unescape(href.group(1))).query)["query"][0]
    assert _sparql_rows(server_url, editor_text) == expected
    editor = httpx.get(server_url + "/query", timeout=60).text
    config = re.search(r'id="axiskg-editor-config">(.*?)</script>', editor, re.S)
    assert config is not None
    examples = {e["name"]: e["query"] for e in json.loads(config.group(1))["examples"]}
    assert examples[name] == editor_text


def test_a_named_query_pages_rows_can_be_downloaded(server_url: str) -> None:
    """Researchers asked for the rows as files: CSV, TSV and JSON links run the same bound query."""
    page = httpx.get(server_url + "/queries/claims-per-report", timeout=30).text
    links = dict(re.findall(r'<a href="(/sparql\?[^"]+)" download="claims-per-report\.(\w+)">', page))
    links = {fmt: html.unescape(url) for url, fmt in links.items()}
    assert set(links) == {"csv", "tsv", "json"}
    shown = int(re.search(r"(\d+) rows?", page).group(1))  # type: ignore[union-attr]
    csv = httpx.get(server_url + links["csv"], timeout=30)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) == shown + 1  # the header line
    body = httpx.get(server_url + links["json"], timeout=30).json()
    assert len(body["results"]["bindings"]) == shown
