"""Pages of the site that were bare or misleading: the network's "When" column (the source's words, inferred
bounds marked), /downloads as a page of the site, the styled 404 page for browsers (machines keep theirs),
and distinct names for the search landmarks."""

from __future__ import annotations

import csv
import html as htmllib
import io
import re
from collections.abc import Iterator

import httpx
import pytest
from starlette.testclient import TestClient
from test_pages import _client

from axiskg.release import Release
from axiskg.web.views import links
from axiskg.web.views.claims import claim_index
from axiskg.web.views.disagreements import disagreements
from axiskg.web.views.network import network
from axiskg.web.views.snapshot import snapshot
from axiskg.web.views.timeline import timeline

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}  # what a browser sends


@pytest.fixture(scope="module")
def repo(release: Release) -> Iterator[TestClient]:
    with _client(release) as c:
        yield c


def _text(fragment: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _rows(page: str) -> list[str]:
    body = page.split('id="network-table"', 1)[1]
    return [_text(r) for r in re.findall(r"<tr(?: [^>]*)?>(.*?)</tr>", body, re.S)][1:]


# ---------------------------------------------------------------- network: "When"


def test_network_when_is_the_sources_words_with_inferred_bounds_marked(
    repo: TestClient, release: Release
) -> None:
    page = repo.get("/network").text
    rows = _rows(page)
    data = network(release)
    assert len(rows) == len(data["edges"])
    snap = snapshot(release)
    inferred = 0
    for edge, row in zip(data["edges"], rows, strict=True):
        assert snap.label(edge["source"]) in row or edge["source"] in row
        for d in edge["dates"]:
            if d["label"]:
                assert d["label"] in row, row
            if d["inferred"]:
                inferred += 1
                assert "inferred" in row, row
                # an inferred bound is never shown as a bare date range
                for bound in (d["not_before"], d["not_after"]):
                    if bound:
                        assert f"– {bound}" not in row and f"{bound} –" not in row, row
    assert inferred, "the repository's release has relations dated by an inferred bound"


def test_network_row_of_a_post_held_until_early_2020(repo: TestClient, release: Release) -> None:
    rows = [
        r for r in _rows(repo.get("/network").text) if r.startswith("Qasem Soleimani commander Quds Force")
    ]
    if not rows:
        pytest.skip("no Soleimani command in the data")
    assert "until early 2020" in rows[0] and "inferred" in rows[0]
    assert "– 2020-04-30" not in rows[0]


def test_network_json_keeps_bounds_and_gives_each_date(release: Release) -> None:
    for e in network(release)["edges"]:
        assert {"start", "end", "dates"} <= e.keys()
        for d in e["dates"]:
            assert {"label", "when", "not_before", "not_after", "inferred"} <= d.keys()


def test_network_credits_a_disputed_speaker_only_to_the_report_that_names_him(
    repo: TestClient, release: Release
) -> None:
    """000 names Al-Hamidawi as the one who told Khamenei, 001 Muhammadawi: each link of the proposal is
    that report's alone, marked disputed (both links were credited to both reports, with no mark)."""
    ax = "https://w3id.org/axiskg/id/"
    khamenei, session = ax + "person/ali-khamenei", ax + "meeting/khamenei-iraqi-session-2023"
    r000, r001 = ax + "report/memri-2023-11-10", ax + "report/amwaj-2023-11-07"
    edges = {(e["source"], e["target"], e["label"]): e for e in network(release)["edges"]}
    for who, report in (("ahmad-al-hamidawi", r000), ("abdulaziz-al-muhammadawi", r001)):
        for target, label in ((khamenei, "spoke to"), (session, "spoke at")):
            e = edges[(ax + "person/" + who, target, label)]
            assert e["reports"] == [report], (who, label)
            assert e["disputed"] is True
    assert not any(e["disputed"] for k, e in edges.items() if k[0] == ax + "person/qais-al-khazali")
    rows = [r for r in _rows(repo.get("/network").text) if r.startswith("Ahmad Al-Hamidawi spoke to")]
    assert rows and "disputed" in rows[0] and "Amwaj" not in rows[0]


def test_network_links_show_each_reports_hedge(repo: TestClient, release: Release) -> None:
    """A hedged link read like a fact ("attendee; Amwaj; MEMRI"): each report now carries its hedges."""
    data = network(release)
    rows = _rows(repo.get("/network").text)
    hedged = 0
    for edge, row in zip(data["edges"], rows, strict=True):
        for report, labels in edge["hedges"].items():
            assert report in edge["reports"] and labels
            assert f"({', '.join(labels)})" in row, row
            hedged += 1
    assert hedged > 10
    ax = "https://w3id.org/axiskg/id/"
    hamidawi = ax + "person/ahmad-al-hamidawi"
    session = ax + "meeting/khamenei-iraqi-session-2023"
    edges = {(e["source"], e["target"], e["label"]): e for e in data["edges"]}
    e = edges[(session, hamidawi, "attendee")]
    assert e["hedges"], e  # "implied" (001), "reportedly" (000)


def test_an_undated_link_says_when_its_reports_were_published(repo: TestClient, release: Release) -> None:
    """Roles read "no date": a report's account holds as of its publication, which the row now gives."""
    data = network(release)
    rows = _rows(repo.get("/network").text)
    checked = 0
    for edge, row in zip(data["edges"], rows, strict=True):
        if not edge["dates"] and edge["reported"]:
            assert f"no date; reported {', '.join(edge['reported'])}" in row, row
            checked += 1
    assert checked > 5
    ax = "https://w3id.org/axiskg/id/"
    edges = {(e["source"], e["target"]): e for e in data["edges"]}
    assert "2023-11-07" in edges[(ax + "person/qais-al-khazali", ax + "org/asaib-ahl-al-haq")]["reported"]


def test_network_says_undated_links_are_shown(repo: TestClient) -> None:
    page = repo.get("/network").text
    assert 'name="undated"' in page and "without a date" in _text(page)


# ---------------------------------------------------------------- downloads


def test_downloads_is_a_page_of_the_site(server_url: str) -> None:
    r = httpx.get(server_url + "/downloads", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    assert '<html lang="en">' in page and 'name="viewport"' in page
    assert '<main id="main"' in page and '<nav aria-label="Main">' in page
    assert page.count("<h1") == 1
    files = httpx.get(server_url + "/downloads", headers={"Accept": "application/json"}).json()["files"]
    for f in files:
        assert f["sha256"] in page and f'href="/downloads/{f["name"]}"' in page
    for target in (
        "/downloads/SHA256SUMS",
        "/.well-known/void",
        "/downloads/void.ttl",
        "/downloads/validation.html",
    ):
        assert f'href="{target}"' in page, target
    assert "sha256sum -c --ignore-missing SHA256SUMS" in page


def test_home_links_the_downloads_page(repo: TestClient) -> None:
    assert 'href="/downloads"' in repo.get("/").text


# ---------------------------------------------------------------- 404


def _is_site_page(page: str) -> None:
    assert '<html lang="en">' in page and 'name="viewport"' in page
    assert '<main id="main"' in page and '<nav aria-label="Main">' in page
    assert 'href="/"' in page and 'action="/search"' in page
    assert page.count("<h1") == 1


@pytest.mark.parametrize(
    "path", ["/id/person/nobody", "/nonexistent", "/id/person/a%ZZ", "/ontology/anything", "/downloads/nope"]
)
def test_a_browser_gets_the_sites_404_page(server_url: str, path: str) -> None:
    r = httpx.get(server_url + path, headers=HTML)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    _is_site_page(r.text)
    assert "Not found" in r.text
    assert r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "accept, media", [("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json")]
)
def test_machines_keep_the_404_in_their_format(server_url: str, accept: str, media: str) -> None:
    r = httpx.get(server_url + "/id/person/nobody", headers={"Accept": accept})
    assert r.status_code == 404 and r.headers["content-type"].startswith(media)
    assert "<html" not in r.text


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "text/plain"])
def test_an_unknown_path_is_a_plain_404_for_non_browsers(server_url: str, accept: str | None) -> None:
    r = httpx.get(server_url + "/nonexistent", headers={"Accept": accept} if accept else {})
    assert r.status_code == 404 and "<html" not in r.text


# ---------------------------------------------------------------- search landmarks


@pytest.mark.parametrize("path", ["/", "/search?q=ameri", "/network", "/downloads", "/nonexistent"])
def test_search_landmarks_have_distinct_names(server_url: str, path: str) -> None:
    page = httpx.get(server_url + path, headers=HTML).text
    forms = re.findall(r"<form\b[^>]*\brole=\"search\"[^>]*>", page)
    assert forms, path
    names = [m.group(1) if (m := re.search(r'aria-label="([^"]+)"', f)) else None for f in forms]
    assert len(set(names)) == len(names), f"{path}: {names}"  # (at most one without a name)
    assert names[0] is not None  # the header's quick search is named


# ---------------------------------------------------------------- accessibility (found with axe and by hand)


def test_the_search_box_takes_the_focus_only_on_an_empty_search(repo: TestClient) -> None:
    """With a query, autofocus put the first Tab past the header (skip link and navigation never reached)."""
    assert "autofocus" in repo.get("/search").text
    assert "autofocus" not in repo.get("/search", params={"q": "khazali"}).text


def test_a_search_without_results_says_what_to_try(repo: TestClient) -> None:
    page = repo.get("/search", params={"q": "zzzzqqq", "kind": "person"}).text
    assert "0 results" in page and '<ol class="hits">' not in page
    assert 'href="/search?q=zzzzqqq">every kind</a>' in page


def test_a_bad_parameter_is_marked_on_its_field(repo: TestClient) -> None:
    page = repo.get("/queries/events-in-range", params={"start": "November"}).text
    field = re.search(r'<input id="p-start"[^>]*>', page)
    assert field is not None and 'aria-invalid="true"' in field.group(0)
    assert 'aria-describedby="query-error"' in field.group(0)
    assert re.search(r'<p class="error" id="query-error" role="alert">[^<]*not a date', page)
    other = re.search(r'<input id="p-end"[^>]*>', page)
    assert other is not None and "aria-invalid" not in other.group(0)


@pytest.mark.parametrize("path", ["/queries/claims-per-report", "/network", "/timeline"])
def test_scrolling_tables_can_take_the_focus(repo: TestClient, path: str) -> None:
    """A region that scrolls sideways must be reachable by keyboard (axe: scrollable-region-focusable)."""
    page = repo.get(path).text
    wraps = re.findall(r'<div class="table-wrap"[^>]*>', page)
    assert wraps and all('tabindex="0"' in w and 'role="region"' in w for w in wraps)


@pytest.mark.parametrize("path", ["/", "/search?q=khazali", "/queries/claims-per-report", "/timeline"])
def test_pages_may_not_be_framed_or_sniffed(repo: TestClient, path: str) -> None:
    r = repo.get(path, headers=HTML)
    assert r.headers["x-content-type-options"] == "nosniff"
    policy = r.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in policy and "object-src 'none'" in policy
    assert (
        "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )


def test_the_sparql_endpoints_own_page_may_not_be_framed(server_url: str) -> None:
    """GET /sparql for a browser: the one page with a POST form, built outside the templates."""
    r = httpx.get(server_url + "/sparql", headers=HTML)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "frame-ancestors 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert '<label for="sparql-q">' in r.text and 'id="sparql-q"' in r.text
    # a page of the site: its header and navigation, its style, no favicon request (a 404 in the console)
    assert '<a class="brand" href="/">axiskg</a>' in r.text and '<nav aria-label="Main">' in r.text
    assert 'href="/static/css/site.css"' in r.text and '<link rel="icon" href="data:,">' in r.text
    assert f'<form method="post" action="{server_url}/sparql">' in r.text


# ---------------------------------------------------------------- where the reports disagree


def test_disagreements_page_shows_both_accounts_of_each_conflict(repo: TestClient, release: Release) -> None:
    """Researchers asked for one place that lists where the reports part ways (the conflicts were only in a
    named query and on the pages of the things concerned)."""
    data = disagreements(release)
    index = claim_index(release)
    conflicting = {frozenset(a["iri"] for a in g["accounts"]) for g in data["conflicts"]}
    ax = "https://w3id.org/axiskg/id/claim/"
    assert (
        frozenset({ax + "000-proposal-speaker-hamidawi", ax + "001-proposal-speaker-muhammadawi"})
        in conflicting
    )
    # two counting windows ("since October 7 ... hundreds", "Since mid-October ... nearly 200") both hold
    assert not any(ax + "002-iri-claimed-hundreds-of-attacks" in g for g in conflicting)
    page = repo.get("/disagreements", headers=HTML)
    assert page.status_code == 200
    assert '<a href="/disagreements" aria-current="page">Disagreements</a>' in page.text
    for g in data["conflicts"]:
        for a in g["accounts"]:
            assert f'href="{a["href"]}"' in page.text
            assert index.claims[a["iri"]].report
    text = _text(page.text)
    assert f"Conflicting accounts ({len(data['conflicts'])})" in text
    # MEMRI's account of the speaker is passed on from Amwaj: the page says so
    assert "the accounts came apart in the passing on" in text


def test_disagreements_page_lists_statements_hedged_differently(repo: TestClient, release: Release) -> None:
    data = disagreements(release)
    assert data["hedges"]
    for g in data["hedges"]:
        accounts = g["accounts"]
        assert len({a["report"] for a in accounts}) >= 2 and len({a["hedge"] for a in accounts}) >= 2
    # Amwaj: the chamber "is said to" oppose Israel; MEMRI's summary of Amwaj states it without a hedge
    ax = "https://w3id.org/axiskg/id/claim/"
    group = next(
        g
        for g in data["hedges"]
        if ax + "001-joint-operations-chamber-opposes-israel" in [a["iri"] for a in g["accounts"]]
    )
    by_report = {a["report"].rsplit("/", 1)[-1]: a for a in group["accounts"]}
    assert by_report["amwaj-2023-11-07"]["hedge_label"] == "said to"
    assert by_report["memri-2023-11-10"]["hedge_label"] == "no hedge"
    assert by_report["memri-2023-11-10"]["passes_on"] and not by_report["amwaj-2023-11-07"]["passes_on"]
    text = _text(repo.get("/disagreements", headers=HTML).text)
    assert f"The same statement, hedged differently ({len(data['hedges'])})" in text
    assert "the hedge changed in the passing on" in text
    # where the cited report's claim has the same hedge, nothing changed in the passing on
    for g in data["hedges"]:
        for a in g["accounts"]:
            if a["passes_on"] and a["hedge_changed"]:
                cited = {p["href"] for p in a["passes_on"]}
                same = [
                    o for o in g["accounts"] if links.href(o["report"]) in cited and o["hedge"] == a["hedge"]
                ]
                assert not same, a["iri"]
    assert "one account passed on, not a second witness" in text


def test_only_actors_drawn_in_the_network_link_to_it(repo: TestClient, release: Release) -> None:
    """An actor without links is not drawn: its page offered "... and its direct links", which showed the
    whole network, and the Centre menu listed it."""
    nodes = network(release)["nodes"]
    lonely = [n for n in nodes if not n["linked"]]
    drawn = [n for n in nodes if n["linked"]]
    assert lonely and drawn
    for n, expected in ((lonely[0], False), (drawn[0], True)):
        page = repo.get(n["url"], headers=HTML).text
        assert ('href="/network?focus=' in page) is expected, n["id"]
    menu = repo.get("/network").text.split('id="nf-focus"', 1)[1].split("</select>", 1)[0]
    assert f'value="{drawn[0]["id"]}"' in menu and f'value="{lonely[0]["id"]}"' not in menu


# ---------------------------------------------------------------- who met whom


def test_who_met_whom_page_links_each_report_of_a_pair(repo: TestClient) -> None:
    """The query's list of reports (GROUP_CONCAT of IRIs) is links, one per report, named by publisher and
    date; its page is linked from the entity pages of actors placed at a meeting, and only from those."""
    khazali = "https://w3id.org/axiskg/id/person/qais-al-khazali"
    page = repo.get("/queries/who-met-whom", params={"actor": khazali}).text
    headers = re.findall(r'<th scope="col">([^<]+)</th>', page)
    rows = re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>", 1)[1], re.S)
    cells = [re.findall(r"<td>(.*?)</td>", r, re.S) for r in rows]
    at = headers.index
    session = [
        c
        for c in cells
        if "khamenei-iraqi-session-2023" in c[at("meeting")] and "hadi-al-ameri" in c[at("other")]
    ]
    assert len(session) == 2  # one row per report: Amwaj and MEMRI each place him there
    assert {re.sub(r"<[^>]+>", "", c[at("otherRole")]) for c in session} == {
        "attendee"
    }  # not schema:attendee
    placed_by = session[0][at("actorPlacedBy")]
    assert placed_by.startswith('<span class="iri-list" title="https://w3id.org/axiskg/id/report/')
    assert re.sub(r"<[^>]+>", "", placed_by) in (
        "Amwaj Media, 2023-11-07; MEMRI Jihad and Terrorism Threat Monitor, 2023-11-10",
        "MEMRI Jihad and Terrorism Threat Monitor, 2023-11-10; Amwaj Media, 2023-11-07",
    )
    assert placed_by.count('<a href="/id/report/') == 2
    assert {re.sub(r"<[^>]+>", "", c[at("report")]) for c in session} == {
        "Amwaj Media, 2023-11-07",
        "MEMRI Jihad and Terrorism Threat Monitor, 2023-11-10",
    }
    # a claim without a label of its own reads as its statement (the 000 and 001 claims showed their slugs)
    claims = {re.sub(r"<[^>]+>", "", c[at("otherClaim")]) for c in session}
    assert all(htmllib.unescape(c).endswith(" \u2014 attendee \u2014 Hadi Al-Ameri") for c in claims), claims
    entity = repo.get("/id/person/qais-al-khazali", headers=HTML).text
    link = re.search(r'<dt>Met</dt><dd><a href="([^"]+)">', entity)
    assert link is not None
    assert htmllib.unescape(link.group(1)) == links.query_page("who-met-whom", actor=khazali)
    # a place is at no meeting as attendee, organizer or chair
    assert "<dt>Met</dt>" not in repo.get("/id/place/tehran", headers=HTML).text


def test_a_chain_of_iris_reads_as_links_with_its_arrows(repo: TestClient) -> None:
    """meeting-attendees' ?chain ("report > source") is its links in order, not one long string of IRIs."""
    page = repo.get("/queries/meeting-attendees").text
    headers = re.findall(r'<th scope="col">([^<]+)</th>', page)
    first = re.findall(r"<td>(.*?)</td>", page.split("<tbody>", 1)[1].split("</tr>", 1)[0], re.S)
    chain = first[headers.index("chain")]
    assert (
        chain.count("<a href=") >= 2
        and " &gt; <a href=" in chain
        and "https://w3id.org/axiskg/id/" not in _text(chain)
    )


def test_a_meeting_page_names_who_was_excluded_not_the_meeting(repo: TestClient) -> None:
    """001: "Ameri was last year excluded from the meeting between Khamenei and leaders of the 'Axis of
    Resistance'": the claim is `Ameri excludedFrom meeting`, and the "Excluded" table listed the meeting."""
    page = repo.get("/id/meeting/khamenei-axis-leaders-meeting-2022", headers=HTML).text
    section = page.split(">Excluded", 1)[1].split("</table>", 1)[0]
    who = re.findall(r'<a href="(/id/[^"]+)"', section)
    assert "/id/person/hadi-al-ameri" in who
    assert "/id/meeting/khamenei-axis-leaders-meeting-2022" not in who


def test_an_actors_timeline_names_an_absence_and_keeps_each_reports_hedge(release: Release) -> None:
    """002: "Noticeable for their absence were representatives from the Asa'ib Ahl Al-Haq militia" at the
    Baghdad meeting; 001 names Al-Hamidawi only among the gathering's attendees, so his presence at the
    session with the Iraqis is Amwaj's "implied" (a claim asserting the session must not lend him its own
    unhedged voice), and MEMRI's "reportedly"."""
    ax = "https://w3id.org/axiskg/id/"
    asaib = timeline(release, actor=ax + "org/asaib-ahl-al-haq")
    baghdad = next(i for i in asaib["items"] if i["id"] == ax + "meeting/baghdad-militia-meeting-2024-09-23")
    assert baghdad["roles"] == [{"role": "absentee", "report": ax + "report/memri-2024-09-25", "hedge": None}]
    hamidawi = timeline(release, actor=ax + "person/ahmad-al-hamidawi")
    session = next(i for i in hamidawi["items"] if i["id"] == ax + "meeting/khamenei-iraqi-session-2023")
    attended = {(r["report"], r["hedge"]) for r in session["roles"] if r["role"] == "attendee"}
    assert attended == {
        (ax + "report/amwaj-2023-11-07", "implied"),
        (ax + "report/memri-2023-11-10", "reportedly"),
    }


def test_a_named_query_takes_a_name_for_an_iri(repo: TestClient) -> None:
    """A researcher types "Khazali" where the form asks for an IRI (it was a 400: "not an IRI (No scheme
    found...)"): the one person or organization search ranks first is taken, and the page says which."""
    khazali = "https://w3id.org/axiskg/id/person/qais-al-khazali"
    by_name = repo.get("/queries/who-met-whom", params={"actor": "Khazali"})
    by_iri = repo.get("/queries/who-met-whom", params={"actor": khazali})
    assert by_name.status_code == 200
    assert f"“Khazali” read as Qais Al-Khazali ({khazali})." in htmllib.unescape(by_name.text)
    assert by_name.text.split("<tbody>", 1)[1] == by_iri.text.split("<tbody>", 1)[1]
    assert f'value="{khazali}"' in by_name.text  # the field shows what was run
    # organizations too, as the parameter's label says ("The person or organization")
    form = by_iri.text.split('<datalist id="dl-actor">', 1)[1].split("</datalist>", 1)[0]
    assert 'value="https://w3id.org/axiskg/id/org/asaib-ahl-al-haq"' in form and f'value="{khazali}"' in form
    asaib = repo.get("/queries/who-met-whom", params={"actor": "Asa'ib Ahl Al-Haq"})
    assert asaib.status_code == 200 and "read as Asa'ib Ahl Al-Haq" in htmllib.unescape(asaib.text)
    # a name that picks out no one, or several equally, is refused on its field, with the candidates
    several = repo.get("/queries/who-met-whom", params={"actor": "Hajj"})
    assert several.status_code == 400 and 'aria-invalid="true"' in several.text
    message = htmllib.unescape(several.text.split('id="query-error" role="alert">', 1)[1].split("</p>", 1)[0])
    assert message.startswith("parameter 'actor': 'Hajj' names several: ") and "the Hajj (" in message
    nobody = repo.get("/queries/who-met-whom", params={"actor": "Nobody Atall"})
    assert nobody.status_code == 400
    assert "no organization or person is named 'Nobody Atall'" in htmllib.unescape(nobody.text)


def test_disagreements_of_one_report(repo: TestClient, release: Release) -> None:
    """ "What does report X say that report Y disputes?": /disagreements?report= keeps the groups in which X
    gives one of the accounts, and X's page links there with their number."""
    ax = "https://w3id.org/axiskg/id/report/"
    every = disagreements(release)
    for slug in ("amwaj-2023-11-07", "memri-2024-02-14"):
        report = ax + slug
        mine = [
            g
            for g in every["conflicts"] + every["hedges"]
            if any(a["report"] == report for a in g["accounts"])
        ]
        assert mine, slug
        page = repo.get("/disagreements", params={"report": report}).text
        counts = [int(n) for n in re.findall(r'<span class="count">\((\d+)\)</span>', page)]
        assert sum(counts) == len(mine) < len(every["conflicts"]) + len(every["hedges"])
        assert f'<option value="{report}" selected>' in page
        head = repo.get(links.href(report), headers=HTML).text
        link = re.search(r'<dt>Disagreements</dt><dd><a href="([^"]+)">(\d+) statements? ', head)
        assert link is not None and int(link.group(2)) == len(mine)
        assert htmllib.unescape(link.group(1)) == "/disagreements?report=" + report.replace(
            ":", "%3A"
        ).replace("/", "%2F")
    page = repo.get("/disagreements", params={"report": "https://example.org/other"}).text
    assert (
        '<p class="notice" role="alert">The report <code>https://example.org/other</code> gives no account'
        in page
    )
    counts = [int(n) for n in re.findall(r'<span class="count">\((\d+)\)</span>', page)]
    assert counts == [len(every["conflicts"]), len(every["hedges"])]


def test_the_timeline_rows_download_as_csv(repo: TestClient, release: Release) -> None:
    """Researchers asked for the timeline in a spreadsheet: /timeline.csv has the page's rows, with the
    same filters, and with an actor how each report names them."""
    asaib = "https://w3id.org/axiskg/id/org/asaib-ahl-al-haq"
    page = repo.get("/timeline", params={"actor": asaib}).text
    link = re.search(r'<a href="(/timeline\.csv[^"]*)" download="timeline\.csv">CSV</a>', page)
    assert link is not None
    r = repo.get(htmllib.unescape(link.group(1)))
    assert r.status_code == 200 and r.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(r.text)))
    data = timeline(release, actor=asaib)
    assert [row["id"] for row in rows] == [i["id"] for i in data["items"] + data["undated"]]
    baghdad = next(row for row in rows if row["id"].endswith("/baghdad-militia-meeting-2024-09-23"))
    assert baghdad["roles"] == "absentee, according to MEMRI Jihad and Terrorism Threat Monitor, 2024-09-25"
    assert baghdad["not_before"] == "2024-09-23" and baghdad["inferred"] == "false"
    every = list(csv.DictReader(io.StringIO(repo.get("/timeline.csv").text)))
    assert len(every) == len(timeline(release)["items"]) + len(timeline(release)["undated"])
    assert "roles" not in every[0]


def test_a_name_is_read_only_for_parameters_of_entities_search_knows(repo: TestClient) -> None:
    """A hedge or a class is no entity of the search: "reportedly" was read as a MEMRI report (the page
    said so and ran it, 0 rows). "The entity" takes any kind; a prefixed name is expanded, not run as an
    IRI with the scheme "person"."""
    hedge = repo.get("/queries/claims-by-hedge", params={"hedge": "reportedly"})
    assert (
        hedge.status_code == 400
        and "read as" not in hedge.text
        and "not an IRI" in htmllib.unescape(hedge.text)
    )
    entity = repo.get("/queries/claims-about-entity", params={"entity": "Kataib Hezbollah"})
    assert entity.status_code == 200
    assert "read as Kata'ib Hezbollah (https://w3id.org/axiskg/id/org/kataib-hezbollah)" in htmllib.unescape(
        entity.text
    )
    khazali = "https://w3id.org/axiskg/id/person/qais-al-khazali"
    prefixed = repo.get("/queries/who-met-whom", params={"actor": "person:qais-al-khazali"})
    assert prefixed.status_code == 200 and f"person:qais-al-khazali read as {khazali}." in prefixed.text
    by_iri = repo.get("/queries/who-met-whom", params={"actor": khazali}).text
    assert prefixed.text.split("<tbody>", 1)[1] == by_iri.split("<tbody>", 1)[1]
