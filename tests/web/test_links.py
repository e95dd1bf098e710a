"""Every link a researcher can follow from the site answers: a crawl of a real `axiskg serve` over the
repository's release, from the home page and the lists to one page of each kind, checks each internal link,
stylesheet, script and schema.org contentUrl they carry (a federated named query's page among them: a 200
that explains the SERVICE policy, test_pages_guarded). And the dataset's own IRI dereferences."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
import rdflib
from servers import start_server, stop_server

from axiskg.web.views import links

START = (
    "/",
    "/queries",
    "/downloads",
    "/ontology",
    "/search?q=khazali",
    "/network",
    "/timeline",
    "/disagreements",
    "/query",
)
_ATTR = re.compile(r'(?:href|src)="([^"]+)"')
_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def site(release_out: Path) -> Iterator[httpx.Client]:
    proc, url = start_server(release_out, "--no-access-log")
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            yield client
    finally:
        stop_server(proc)


def _internal_links(page: str, body: str, base: str) -> set[str]:
    found = {html.unescape(v) for v in _ATTR.findall(body)}
    for block in _JSON_LD.findall(body):
        data = json.loads(block.replace("<\\/", "</"))
        for item in data.get("distribution", []) if isinstance(data, dict) else []:
            found.add(item["contentUrl"])
    out = set()
    for link in found:
        absolute = urljoin(base + page, link)
        if not absolute.startswith(base + "/"):
            continue  # another site (Wikidata, a vocabulary): not ours to answer
        parts = urlsplit(absolute)
        out.add(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def _section(path: str) -> str:
    """Pages of one kind share it: /id/person/x -> /id/person/, /queries/x -> /queries/."""
    return path.split("?")[0].rsplit("/", 1)[0] + "/"


def test_every_internal_link_of_the_pages_answers(site: httpx.Client) -> None:
    base = str(site.base_url).rstrip("/")
    pages: dict[str, str] = {}
    for path in START:
        r = site.get(path)
        assert r.status_code == 200, path
        pages[path] = r.text
    # one page of each kind linked from the start pages (an entity of each type, a report, a query...)
    sampled: dict[str, str] = {}
    for path, body in list(pages.items()):
        for link in sorted(_internal_links(path, body, base)):
            if not link.startswith(("/static/", "/downloads/")) and _section(link) not in sampled:
                sampled[_section(link)] = link
    for link in sampled.values():
        r = site.get(link, headers={"Accept": "text/html"})
        if r.status_code == 200 and r.headers["content-type"].startswith("text/html"):
            pages[link] = r.text
    links = {link: page for page, body in pages.items() for link in _internal_links(page, body, base)}
    assert len(links) > 100 and any(link.startswith("/downloads/dumps/") for link in links)
    broken = []
    for link, page in sorted(links.items()):
        r = site.get(link, headers={"Accept": "text/html,*/*;q=0.8"}, follow_redirects=True)
        if r.status_code != 200:
            broken.append(f"{link} (on {page}): {r.status_code}")
    assert broken == []


def test_the_dataset_iri_dereferences_to_its_void_description(site: httpx.Client) -> None:
    r = site.get("/dataset", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert "Accept" in r.headers["vary"].split(", ")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    datasets = {str(s) for s in g.subjects(rdflib.RDF.type, void.Dataset) if str(s).endswith("/dataset")}
    assert datasets and all(g.value(rdflib.URIRef(d), void.sparqlEndpoint) is not None for d in datasets)
    r = site.get("/dataset.jsonld")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    assert "Accept" not in r.headers.get("vary", "").split(", ")  # the extension names the format
    json.loads(r.text)
    r = site.get("/dataset", headers={"Accept": "text/html"})
    assert (r.status_code, r.headers["location"]) == (303, "/")  # people get the home page's description
    assert site.get("/dataset", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize(
    ("iri", "expected"),
    [
        ("javascript:alert(document.domain)", "#"),
        ("JavaScript:alert(1)", "#"),
        ("data:text/html,<script>alert(1)</script>", "#"),
        ("vbscript:msgbox", "#"),
        ("https://www.memri.org/reports/x", "https://www.memri.org/reports/x"),
        ("http://example.org/a", "http://example.org/a"),
        ("mailto:someone@example.org", "mailto:someone@example.org"),
        ("https://w3id.org/axiskg/id/person/qais-al-khazali", "/id/person/qais-al-khazali"),
        # `<base>/` + `/other.host/x` is not a local path: `//other.host/x` would name another host
        ("https://w3id.org/axiskg//example.org/x", "https://w3id.org/axiskg//example.org/x"),
    ],
)
def test_links_to_the_iris_of_the_data_are_http_or_none(iri: str, expected: str) -> None:
    """An IRI of the data or of a query's answer becomes a link as it is only for http(s), mailto and ftp:
    pyoxigraph accepts javascript: and data: IRIs, which result cells and report URLs linked as they were."""
    assert links.href(iri) == expected
    assert links.linkable(iri) == (expected != "#")


def test_json_for_a_script_element_holds_no_markup() -> None:
    value = {"q": "<!--<script></script>&amp;", "n": [1, "é"]}
    text = links.script_json(value, ensure_ascii=False)
    assert not {"<", ">", "&"} & set(text) and json.loads(text) == value


def test_a_reports_url_is_shown_as_a_link_only_when_linkable() -> None:
    from axiskg.web.views.report import _linkable_or_none

    assert _linkable_or_none("https://www.memri.org/reports/x") == "https://www.memri.org/reports/x"
    assert _linkable_or_none("javascript:alert(1)") is None and _linkable_or_none(None) is None
