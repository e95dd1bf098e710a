"""Canned-query pages run their query like /sparql does: in a killable worker, under the server's row cap,
deadline, fairness budget and SERVICE policy (not in the web process, where nothing could stop it)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from conftest import start_server, stop_server


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
