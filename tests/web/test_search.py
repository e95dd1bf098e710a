"""Search: name normalisation, ranking, kind filters, HTML and JSON, over the repository's release."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from axiskg.release import Release
from axiskg.web.pages import ROUTES
from axiskg.web.search import normalize, search_index
from axiskg.web.views import links
from axiskg.web.views.snapshot import snapshot

KH = "https://w3id.org/axiskg/id/org/kataib-hezbollah"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kata’ib Hezbollah", "kataib hezbollah"),
        ("Kata'ib Hezbollah", "kataib hezbollah"),
        ("KATAIB  HEZBOLLAH", "kataib hezbollah"),
        ("Qa‘ani", "qaani"),
        ("Esmaïl Qāʼānī", "esmail qaani"),
        ("Al-Khazali", "al khazali"),
        ("Asa`ib Ahl al-Haq", "asaib ahl al haq"),
        ("“Hamed”", "hamed"),
    ],
)
def test_normalize_ignores_case_accents_apostrophes_and_hyphens(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.fixture(scope="module")
def client(release: Release) -> Iterator[TestClient]:
    app = Starlette(routes=ROUTES)
    app.state.release = release
    with TestClient(app) as c:
        yield c


def _require(release: Release, iri: str) -> None:
    if not snapshot(release).has(iri):
        pytest.skip(f"the repository's data has no {iri} yet")


@pytest.mark.parametrize(
    "variant", ["kataib hezbollah", "Kata'ib", "hizbullah brigades", "KATA’IB HEZBOLLAH"]
)
def test_variant_spellings_find_kataib_hezbollah_first(release: Release, variant: str) -> None:
    _require(release, KH)
    hits = search_index(release).search(variant)
    assert hits and hits[0].entry.iri == KH


def test_kind_filter_keeps_only_that_kind(release: Release) -> None:
    _require(release, KH)
    index = search_index(release)
    assert all(h.entry.kind == "person" for h in index.search("al", kind="person"))
    assert not index.search("kataib hezbollah", kind="place")


def test_empty_query_with_a_kind_lists_that_kind(release: Release) -> None:
    hits = search_index(release).search("", kind="report", limit=500)
    assert hits and all(h.entry.kind == "report" for h in hits)
    assert search_index(release).search("") == []


def test_search_json(client: TestClient, release: Release) -> None:
    _require(release, KH)
    r = client.get("/search.json", params={"q": "hizbullah brigades", "kind": "org"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["kind"] == "org"
    first = body["results"][0]
    assert first["iri"] == KH and first["url"] == "/id/org/kataib-hezbollah"
    assert first["matched"] == "Hizbullah Brigades"
    assert all(x["kind"] == "org" for x in body["results"])


def test_search_page_lists_hits_with_links(client: TestClient, release: Release) -> None:
    _require(release, KH)
    r = client.get("/search", params={"q": "Kata'ib"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert 'href="/id/org/kataib-hezbollah"' in r.text
    assert 'value="Kata&#39;ib"' in r.text  # the query stays in the box, escaped


def test_unknown_kind_is_ignored(client: TestClient) -> None:
    r = client.get("/search.json", params={"q": "x", "kind": "<script>"})
    assert r.status_code == 200 and r.json()["kind"] is None


@pytest.mark.parametrize(
    ("q", "iri", "matched"),
    [
        ("Washington", "https://w3id.org/axiskg/id/org/united-states", "Washington"),
        ("Iraqi Hizbullah Brigades", KH, "Iraqi Hizbullah Brigades"),
    ],
)
def test_the_matched_spelling_is_the_one_that_matched(
    client: TestClient, release: Release, q: str, iri: str, matched: str
) -> None:
    """Two spellings of a name that normalise alike ("US", "U.S.") once made the list of keys shorter than
    the list of names, and every later name was paired with the key of the next one: 'matched "US"' for
    Washington, 'matched "Kata’ib Hezbollah"' for Iraqi Hizbullah Brigades."""
    _require(release, iri)
    first = client.get("/search.json", params={"q": q}).json()["results"][0]
    assert first["iri"] == iri and first["matched"] == matched
    page = client.get("/search", params={"q": q}).text
    hit = re.search(rf'href="{re.escape(links.href(iri))}".*?</li>', page, re.S)
    assert hit is not None and f"matched “{matched}”" in hit.group(0)


def test_every_spelling_is_reported_as_itself(release: Release) -> None:
    """Searching any name of any entry finds the entry through that very spelling (or one that normalises
    alike, e.g. "U.S." for "US")."""
    index = search_index(release)
    for e in index.entries:
        for name in e.names:
            if not normalize(name):
                continue
            hit = next(h for h in index.search(name, e.kind, limit=10_000) if h.entry.iri == e.iri)
            assert normalize(hit.matched) == normalize(name), (e.iri, name, hit.matched)


def test_long_search_text_is_cut(client: TestClient, release: Release) -> None:
    """Only the first MAX_QUERY_CHARS characters are searched, and the answer says so: every word was matched
    against every spelling in the web process (a 300 KB `q` held an HTTP worker for 24 s)."""
    _require(release, KH)
    q = "hizbullah brigades" + " " * 300 + "nowhere " * 2_000
    body = client.get("/search.json", params={"q": q}).json()
    assert body["query"] == q[:200] and body["cut"] is True and body["results"][0]["iri"] == KH
    page = client.get("/search", params={"q": q}).text
    assert "Only the first 200 characters were searched." in page
    assert 'href="/id/org/kataib-hezbollah"' in page
    assert "nowhere" not in page and len(page) < 50_000  # what was searched is echoed, not the whole text
    assert "cut" not in client.get("/search.json", params={"q": "hizbullah brigades"}).json()


AX = "https://w3id.org/axiskg/id/"


@pytest.mark.parametrize(
    ("q", "iri"),
    [
        ("Kata'ib Hizballah", KH),
        ("Kataeb Hezbollah", KH),
        ("Hizballah", AX + "org/hezbollah"),
        ("Suleimani", AX + "person/qasem-soleimani"),
        ("Esmail Ghaani", AX + "person/esmail-qaani"),
        ("Mohandes", AX + "person/abu-mahdi-al-muhandis"),
        # the article assimilated or spelt otherwise, the words broken elsewhere
        ("Deir ez-Zor", AX + "place/deir-al-zour"),
        ("Dayr az Zawr", AX + "place/deir-al-zour"),
        ("Abu Kamal", AX + "place/al-bukamal"),
    ],
)
def test_a_transliteration_the_reports_do_not_print_finds_the_name(
    client: TestClient, release: Release, q: str, iri: str
) -> None:
    """Researchers type the spelling they know (Hizballah, Suleimani, Ghaani): each found nothing. Words are
    compared by their consonants, ranked below every printed spelling and marked as a similar spelling."""
    _require(release, iri)
    results = client.get("/search.json", params={"q": q}).json()["results"]
    first = next(r for r in results if r["iri"] == iri)
    assert first["similar"] is True and first["matched"] in first["names"]
    assert results.index(first) < 3
    page = client.get("/search", params={"q": q}).text
    hit = re.search(rf'href="{re.escape(links.href(iri))}".*?</li>', page, re.S)
    assert hit is not None and "similar to" in hit.group(0)


def test_printed_spellings_rank_before_similar_ones(release: Release) -> None:
    """The printed "Hezbollah": its exact matches come first, not marked similar; "Ali" (one consonant)
    finds nothing by similarity (every name with an l would)."""
    hits = search_index(release).search("Hezbollah")
    assert hits[0].entry.iri == AX + "org/hezbollah" and not hits[0].similar
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert not any(h.similar for h in search_index(release).search("Ali"))
    # a vowel-only word ("a", "u") has no consonants: it is left out, not required to be a vowel-only word
    similar = [h.entry.iri for h in search_index(release).search("Esmail u Ghaani") if h.similar]
    assert AX + "person/esmail-qaani" in similar


def test_the_result_count_and_the_json_link_are_two_sentences(client: TestClient) -> None:
    page = client.get("/search", params={"q": "Khazali"}).text
    text = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "”. As JSON" in text
