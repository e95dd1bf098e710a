"""The researchers' pages over a scenario release (inline Turtle: two reports, a citation chain, a conflict)
and over the repository's release (every page type answers, entity pages carry what the issue asks)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from axiskg import iris
from axiskg.derive import derive
from axiskg.queries import load_queries
from axiskg.query import query
from axiskg.release import Release
from axiskg.web import pages
from axiskg.web.views.claims import claim_index, conflict_groups, provenance_text
from axiskg.web.views.links import href, kind_of
from axiskg.web.views.snapshot import snapshot
from axiskg.web.views.timeline import claim_actors

# ruff: noqa: E501  (the inline Turtle scenario keeps one statement per line)

SCENARIO = """
@prefix ax: <https://w3id.org/axiskg/id/> .
@prefix axo: <https://w3id.org/axiskg/ontology#> .
@prefix hedge: <https://w3id.org/axiskg/ontology/hedge#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix schema: <https://schema.org/> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix role: <https://w3id.org/axiskg/ontology/role#> .

axo:Person a owl:Class ; rdfs:label "person"@en ; rdfs:comment "A human being."@en .
axo:Meeting a owl:Class ; rdfs:label "meeting"@en ; rdfs:comment "A gathering of actors."@en .
axo:Claim a owl:Class ; rdfs:label "claim"@en .
axo:Report a owl:Class ; rdfs:label "report"@en .
axo:absentee a owl:ObjectProperty ; rdfs:label "absentee"@en ; rdfs:comment "Noticeably absent."@en .
hedge:none skos:prefLabel "stated as fact"@en .
hedge:reportedly skos:prefLabel "reportedly"@en .

<https://w3id.org/axiskg/id/person/qais-al-khazali> a axo:Person ; skos:prefLabel "Qais al-Khazali"@en ;
  skos:altLabel "Khazali"@en, "Qais Al-Khazali"@en ; skos:exactMatch <http://www.wikidata.org/entity/Q7267512> .
<https://w3id.org/axiskg/id/person/hadi-al-ameri> a axo:Person ; skos:prefLabel "Hadi al-Ameri"@en .
<https://w3id.org/axiskg/id/org/memri> skos:prefLabel "MEMRI"@en .
<https://w3id.org/axiskg/id/org/amwaj-media> skos:prefLabel "Amwaj Media"@en .
<https://w3id.org/axiskg/id/source/amwaj-informed-sources> a axo:Source ; skos:prefLabel "informed sources"@en .
<https://w3id.org/axiskg/id/report/memri-2023-11-10> a axo:Report ; skos:prefLabel "MEMRI report"@en ;
  dcterms:publisher <https://w3id.org/axiskg/id/org/memri> ; dcterms:issued "2023-11-10"^^xsd:date ;
  dcterms:references <https://w3id.org/axiskg/id/report/amwaj-2023-11-07> .
<https://w3id.org/axiskg/id/report/amwaj-2023-11-07> a axo:Report ; skos:prefLabel "Amwaj report"@en ;
  dcterms:publisher <https://w3id.org/axiskg/id/org/amwaj-media> ; dcterms:issued "2023-11-07"^^xsd:date .
<https://w3id.org/axiskg/id/time/early-summer-2023> a axo:DateSpec ; rdfs:label "early summer 2023"@en ;
  axo:notBefore "2023-06-01"^^xsd:date ; axo:notAfter "2023-07-31"^^xsd:date ; axo:precision axo:PrecisionSeason .
<https://w3id.org/axiskg/id/meeting/iraqi-session> a axo:Meeting ; skos:prefLabel "The Iraqi session"@en ;
  time:hasTime <https://w3id.org/axiskg/id/time/early-summer-2023> .
<https://w3id.org/axiskg/id/claim/000-khazali-attended> a axo:Claim ;
  rdf:subject <https://w3id.org/axiskg/id/meeting/iraqi-session> ; rdf:predicate schema:attendee ;
  rdf:object <https://w3id.org/axiskg/id/person/qais-al-khazali> ;
  axo:statedIn <https://w3id.org/axiskg/id/report/memri-2023-11-10> ;
  axo:attributionChain ( <https://w3id.org/axiskg/id/report/amwaj-2023-11-07>
                         <https://w3id.org/axiskg/id/source/amwaj-informed-sources> ) ;
  axo:hedge hedge:reportedly ; axo:quote "Khazali reportedly attended"@en .
<https://w3id.org/axiskg/id/claim/001-ameri-attended> a axo:Claim ;
  rdf:subject <https://w3id.org/axiskg/id/meeting/iraqi-session> ; rdf:predicate schema:attendee ;
  rdf:object <https://w3id.org/axiskg/id/person/hadi-al-ameri> ;
  axo:statedIn <https://w3id.org/axiskg/id/report/amwaj-2023-11-07> ; axo:attributionChain () ;
  axo:hedge hedge:none ; axo:quote "Ameri attended"@en .
<https://w3id.org/axiskg/id/claim/000-ameri-absent> a axo:Claim ;
  rdf:subject <https://w3id.org/axiskg/id/meeting/iraqi-session> ; rdf:predicate axo:absentee ;
  rdf:object <https://w3id.org/axiskg/id/person/hadi-al-ameri> ;
  axo:statedIn <https://w3id.org/axiskg/id/report/memri-2023-11-10> ; axo:attributionChain () ;
  axo:hedge hedge:none ; axo:quote "Ameri was absent"@en .
"""

KHAZALI = "https://w3id.org/axiskg/id/person/qais-al-khazali"
AMERI = "https://w3id.org/axiskg/id/person/hadi-al-ameri"
MEETING = "https://w3id.org/axiskg/id/meeting/iraqi-session"
MEMRI = "https://w3id.org/axiskg/id/report/memri-2023-11-10"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Release:
    store = ox.Store()
    store.load(SCENARIO.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(iris.GRAPH + "scenario"))
    derive(store)
    meta = {
        "id": "test-scenario-0001",
        "created": "2026-11-22T00:00:00+00:00",
        "triples": len(store),
        "graphs": {iris.GRAPH + "scenario": len(store)},
    }
    return Release(tmp_path_factory.mktemp("scenario"), meta, store)


def _client(release: Release) -> TestClient:
    async def entity(request: Request) -> Response:
        return await pages.render_entity(
            request, request.query_params.get("iri") or iris.path_to_iri(request.url.path)
        )

    # The server routes /id/..., /graph/... and the ontology IRIs to render_entity; so does this stand-in.
    app = Starlette(
        routes=[
            *pages.ROUTES,
            Route("/id/{path:path}", entity),
            Route("/graph/{path:path}", entity),
            Route("/render", entity),
        ]
    )
    app.state.release = release
    return TestClient(app)


@pytest.fixture(scope="module")
def client(scenario: Release) -> Iterator[TestClient]:
    with _client(scenario) as c:
        yield c


@pytest.fixture(scope="module")
def repo_client(release: Release) -> Iterator[TestClient]:
    with _client(release) as c:
        yield c


# ---------------------------------------------------------------- scenario: exact expectations


def test_provenance_sentence_follows_report_then_chain(scenario: Release) -> None:
    index = claim_index(scenario)
    claim = index.claims["https://w3id.org/axiskg/id/claim/000-khazali-attended"]
    assert provenance_text(snapshot(scenario), claim) == (
        "according to MEMRI (2023-11-10), citing Amwaj Media (2023-11-07), citing informed sources"
        " [reportedly]: \u2018Khazali reportedly attended\u2019"
    )


def test_entity_page_shows_names_wikidata_claims_and_formats(client: TestClient) -> None:
    r = client.get("/id/person/qais-al-khazali")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<h1>Qais al-Khazali</h1>" in html
    for name in ("Khazali", "Qais Al-Khazali"):
        assert f"<li>{name}</li>" in html
    assert 'href="http://www.wikidata.org/entity/Q7267512"' in html
    text = re.sub(r"<[^>]+>", "", html)
    assert "according to MEMRI (2023-11-10), citing Amwaj Media (2023-11-07), citing informed sources" in text
    assert "Khazali reportedly attended" in text
    assert "hedge: reportedly" in text
    for suffix in (".ttl", ".jsonld", ".nt"):
        assert f'href="/id/person/qais-al-khazali{suffix}"' in html
    assert 'id="meetings"' in html  # grouped by kind: attendance is under Meetings


def test_entity_page_carries_schema_org_json_ld(client: TestClient) -> None:
    html = client.get("/id/person/qais-al-khazali").text
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m
    doc = json.loads(m.group(1))
    assert doc["@type"] == "Person" and doc["@id"] == KHAZALI
    assert "Khazali" in doc["alternateName"]


def test_conflicting_accounts_are_side_by_side(scenario: Release, client: TestClient) -> None:
    index = claim_index(scenario)
    groups = conflict_groups(index, index.about_entity(AMERI))
    assert [sorted(c.iri.rsplit("/", 1)[1] for c in g) for g in groups] == [
        ["000-ameri-absent", "001-ameri-attended"]
    ]
    html = client.get("/id/person/hadi-al-ameri").text
    assert 'id="conflicts"' in html and "Conflicting accounts" in html
    section = html.split('id="conflicts"', 1)[1].split("</section>", 1)[0]
    assert section.count('class="account"') == 2
    assert "Ameri was absent" in section and "Ameri attended" in section


def test_different_attendees_are_not_a_conflict(scenario: Release) -> None:
    index = claim_index(scenario)
    assert conflict_groups(index, index.about_entity(KHAZALI)) == []


def test_meeting_page_lists_participants_and_absentees_per_source(client: TestClient) -> None:
    r = client.get("/id/meeting/iraqi-session")
    assert r.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", r.text))
    assert "early summer 2023 (season: between 2023-06-01 and 2023-07-31)" in text
    assert "Participants (2)" in text and "Absentees (1)" in text


def test_report_page_lists_its_claims_and_citation_chain(client: TestClient) -> None:
    r = client.get("/id/report/memri-2023-11-10")
    assert r.status_code == 200
    assert "Claims taken from this report" in r.text
    assert r.text.count('class="claim') >= 2
    assert 'href="/id/report/amwaj-2023-11-07"' in r.text.split('id="refs-h"', 1)[1]


def test_unknown_entity_is_404(client: TestClient) -> None:
    assert client.get("/id/person/nobody").status_code == 404


def test_home_counts_and_search_box(client: TestClient) -> None:
    html = client.get("/").text
    assert 'action="/search"' in html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "2 persons" in text and "2 organizations" in text and "1 meeting " in text and "3 claims" in text
    assert "2 reports" in text
    for path in ("/timeline", "/network", "/queries", "/query", "/ontology"):
        assert f'href="{path}"' in html


def test_home_count_cards_link_to_lists_of_that_many(repo_client: TestClient) -> None:
    """A number on the home page links to a list of as many items: "95 actors" (persons and organizations)
    linked to /search?kind=person, which lists 22 persons."""
    html = repo_client.get("/").text
    counts = re.search(r'<ul class="counts">(.*?)</ul>', html, re.S)
    assert counts is not None
    cards = re.findall(
        r'<a href="(/search\?kind=[a-z]+)"><strong>(\d+)</strong> ([a-z]+)</a>', counts.group(1)
    )
    assert {c[2] for c in cards} == {"persons", "organizations"}
    for link, number, _what in cards:
        listed = repo_client.get(link).text
        assert listed.count('<li class="hit">') == int(number), link
    # the claims count leads to the claims per report (it was the one count without a link)
    assert re.search(r'<a href="/queries/claims-per-report"><strong>\d+</strong> claims</a>', counts.group(1))


def test_the_number_of_reports_comes_from_the_data(client: TestClient) -> None:
    """The scenario has two reports: no page says "five reports" (the description, the footer, the home)."""
    for path in ("/", "/timeline", "/search", "/id/person/qais-al-khazali"):
        html = client.get(path).text
        assert "five reports" not in html and "five published" not in html, path
        if not path.startswith("/id/"):  # an entity page describes the entity
            assert re.search(r'<meta name="description" content="[^"]*built from two reports\.">', html), path
        assert "claim of one of two reports" in html, path
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/").text))
    assert "built from two published reports" in text


def test_report_page_shows_its_date_once(client: TestClient) -> None:
    """A report's date is its publication date: "Published 2023-11-10", not also "Date 2023-11-10"."""
    html = client.get("/id/report/memri-2023-11-10").text
    assert re.findall(r"<dt>(Date|Published)</dt><dd>([^<]*)</dd>", html) == [("Published", "2023-11-10")]


def test_ontology_page_anchors_every_term(client: TestClient) -> None:
    html = client.get("/ontology").text
    for anchor in ("Person", "Meeting", "Claim", "absentee", "reportedly"):
        assert f'id="{anchor}"' in html
    assert "Noticeably absent." in html


def test_ontology_iris_render_the_documentation(client: TestClient) -> None:
    for iri in (iris.ONTOLOGY, iris.AXO + "Meeting", iris.HEDGE + "reportedly"):
        r = client.get("/render", params={"iri": iri})
        assert r.status_code == 200 and 'id="Meeting"' in r.text


def test_graph_iri_page(client: TestClient) -> None:
    r = client.get("/graph/scenario")
    assert r.status_code == 200 and "triples" in r.text
    assert client.get("/graph/nothing").status_code == 404


def test_network_and_timeline_json(client: TestClient) -> None:
    net = client.get("/network.json").json()
    ids = {n["id"] for n in net["nodes"]}
    assert {KHAZALI, AMERI, MEETING} <= ids
    edge = next(e for e in net["edges"] if e["target"] == KHAZALI)
    assert edge["source"] == MEETING and edge["reports"] == [MEMRI] and edge["start"] == "2023-06-01"
    tl = client.get("/timeline.json").json()
    item = next(i for i in tl["items"] if i["id"] == MEETING)
    assert item["draw"] == "range" and item["start"] == "2023-06-01" and item["end"] == "2023-08-01"
    assert item["uncertain"] is True and item["type"] == "meeting" and item["kind"] == "meeting"


def test_timeline_shows_one_kind_when_asked(repo_client: TestClient) -> None:
    """The home page's "N meetings" count links to /timeline?kind=meeting, which lists meetings only (it
    showed meetings and events); the JSON follows the same parameter and an unknown kind shows everything."""
    home = repo_client.get("/").text
    count = re.search(r'<a href="/timeline\?kind=meeting"><strong>(\d+)</strong> meetings?</a>', home)
    assert count is not None
    every = repo_client.get("/timeline.json").json()
    kinds = {i["kind"] for i in every["items"] + every["undated"]}
    assert kinds == {"meeting", "event"}
    meetings = repo_client.get("/timeline.json?kind=meeting").json()
    assert meetings["kind"] == "meeting" and meetings["items"]
    assert {i["kind"] for i in meetings["items"] + meetings["undated"]} == {"meeting"}
    assert [i for i in every["items"] if i["kind"] == "meeting"] == meetings["items"]
    typed = [i for i in meetings["items"] + meetings["undated"] if i["type"] == "meeting"]
    assert len(typed) == int(count.group(1))  # and the annual gathering, the series these meetings belong to
    html = repo_client.get("/timeline?kind=meeting").text
    assert "<h1>Timeline: meetings</h1>" in html
    assert '<a href="/timeline?kind=meeting" aria-current="page">Meetings only</a>' in html
    table = re.search(r'<section id="timeline-list".*?</table>', html, re.S)
    assert table is not None and "<td>meeting</td>" in table.group(0)
    events = {i["label"] for i in every["items"] if i["kind"] == "event"}
    assert events and not any(f">{label}</a>" in table.group(0) for label in events)
    assert repo_client.get("/timeline.json?kind=nonsense").json()["items"] == every["items"]


def test_timeline_table_shows_the_kind_not_the_drawing_type(client: TestClient) -> None:
    """The "Kind" column of "In date order" says what an item is (meeting, event...), not how the widget
    draws it ("range" for an uncertain date, "point" for a day)."""
    html = client.get("/timeline").text
    table = re.search(r'<section id="timeline-list".*?</table>', html, re.S)
    assert table is not None
    assert '<th scope="col">Kind</th>' in table.group(0)
    row = re.search(
        r'<tr[^>]*><td>[^<]*</td><td><a href="/id/meeting/iraqi-session">.*?</tr>', table.group(0), re.S
    )
    assert row is not None
    headers = re.findall(r'<th scope="col">(.*?)</th>', table.group(0))
    cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
    assert len(cells) == len(headers) and cells[headers.index("Kind")] == "meeting"
    assert "<td>range</td>" not in table.group(0) and "<td>point</td>" not in table.group(0)


AMWAJ = "https://w3id.org/axiskg/id/report/amwaj-2023-11-07"


def _timeline_ids(client: TestClient, **params: str) -> list[str]:
    data = client.get("/timeline.json", params=params).json()
    return [i["id"] for i in data["items"] + data["undated"]]


def test_timeline_shows_one_actors_meetings_as_each_report_tells_them(client: TestClient) -> None:
    """/timeline?actor= lists the meetings and events a claim names the actor in; ?report= those a report's
    claims concern; both: a claim of that report names the actor (Amwaj names Ameri at the session, never
    Khazali, whom only MEMRI places there)."""
    every = client.get("/timeline.json").json()
    assert [i["id"] for i in every["items"]] == [MEETING]
    assert every["items"][0]["reports"] == [AMWAJ, MEMRI]
    assert {a["id"] for a in every["actors"]} == {KHAZALI, AMERI}
    assert [(r["id"], r["short"]) for r in every["reports"]] == [
        (AMWAJ, "Amwaj Media, 2023-11-07"),
        (MEMRI, "MEMRI, 2023-11-10"),
    ]
    assert "accounts" not in every["items"][0]  # the filter's own index stays inside
    assert _timeline_ids(client, actor=KHAZALI) == [MEETING]
    assert _timeline_ids(client, actor=KHAZALI, report=MEMRI) == [MEETING]
    assert _timeline_ids(client, actor=KHAZALI, report=AMWAJ) == []
    assert _timeline_ids(client, actor=AMERI, report=AMWAJ) == [MEETING]
    assert _timeline_ids(client, report=AMWAJ) == [MEETING]
    data = client.get("/timeline.json", params={"actor": KHAZALI, "report": AMWAJ}).json()
    assert data["actor"]["id"] == KHAZALI and data["report"]["id"] == AMWAJ and data["ignored"] == {}
    assert "roles" not in every["items"][0]  # only with an actor


def test_timeline_of_an_actor_says_how_each_report_names_them(client: TestClient) -> None:
    """Amwaj has Ameri attending the session, MEMRI has him absent: his timeline lists the session with both
    roles and their reports, so a meeting someone was absent from never reads as one they attended."""
    item = client.get("/timeline.json", params={"actor": AMERI}).json()["items"][0]
    assert item["roles"] == [
        {"role": "absentee", "report": MEMRI, "hedge": None},
        {"role": "attendee", "report": AMWAJ, "hedge": None},
    ]
    khazali = client.get("/timeline.json", params={"actor": KHAZALI}).json()["items"][0]
    assert khazali["roles"] == [{"role": "attendee", "report": MEMRI, "hedge": "reportedly"}]
    html = client.get("/timeline", params={"actor": AMERI}).text
    table = re.search(r'<section id="timeline-list".*?</table>', html, re.S)
    assert table is not None and '<th scope="col">How Hadi al-Ameri is named</th>' in table.group(0)
    cell = re.search(r'<ul class="roles">(.*?)</ul>', table.group(0), re.S)
    assert cell is not None
    assert re.sub(r"<[^>]+>", "", cell.group(1)) == (
        "absentee, according to MEMRI, 2023-11-10attendee, according to Amwaj Media, 2023-11-07"
    )


def test_the_whole_timeline_keeps_an_event_no_claim_concerns(tmp_path: Path) -> None:
    """A curator's dated event without a claim (events.ttl) is on the unfiltered timeline, and on no
    actor's or report's: the filters must not hide it from the whole view. Its label, which a spreadsheet
    would run as a formula, is quoted in timeline.csv."""
    store = ox.Store()
    extra = SCENARIO + (
        '<https://w3id.org/axiskg/id/event/a-flood> a axo:Meeting ; skos:prefLabel "=1+1 A flood"@en ;\n'
        "  time:hasTime <https://w3id.org/axiskg/id/time/early-summer-2023> .\n"
    )
    store.load(extra.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(iris.GRAPH + "scenario"))
    derive(store)
    meta = {"id": "test-claimless-0001", "created": "2026-11-22T00:00:00+00:00", "triples": len(store)}
    release = Release(tmp_path, meta | {"graphs": {iris.GRAPH + "scenario": len(store)}}, store)
    flood = "https://w3id.org/axiskg/id/event/a-flood"
    with _client(release) as c:
        every = c.get("/timeline.json").json()
        assert flood in [i["id"] for i in every["items"]]
        assert flood in [i["id"] for i in c.get("/timeline.json", params={"kind": "event"}).json()["items"]]
        assert flood not in [
            i["id"] for i in c.get("/timeline.json", params={"report": MEMRI}).json()["items"]
        ]
        rows = list(csv.DictReader(io.StringIO(c.get("/timeline.csv").text)))
        # a label a spreadsheet would run as a formula is quoted
        assert next(r for r in rows if r["id"] == flood)["label"] == "'=1+1 A flood"


def test_timeline_does_not_apply_a_filter_it_cannot_offer(client: TestClient) -> None:
    """An IRI that names no actor (or report) of the timeline is not applied and the page says so, rather
    than an empty timeline that reads as "nothing happened"."""
    meeting_as_actor = client.get("/timeline.json", params={"actor": MEETING, "report": KHAZALI}).json()
    assert meeting_as_actor["ignored"] == {"actor": MEETING, "report": KHAZALI}
    assert [i["id"] for i in meeting_as_actor["items"]] == [MEETING]
    assert meeting_as_actor["actor"] is None and meeting_as_actor["report"] is None
    html = client.get("/timeline", params={"actor": "nobody"}).text
    notice = re.search(r'<p class="notice" role="alert">(.*?)</p>', html, re.S)
    assert notice is not None and "<code>nobody</code> is not on the timeline" in notice.group(1)
    assert "that filter is not applied" in notice.group(1)
    assert "<h1>Timeline</h1>" in html


def test_timeline_page_filters_by_actor_and_report(client: TestClient) -> None:
    html = client.get("/timeline", params={"actor": KHAZALI, "kind": "meeting"}).text
    assert "<h1>Timeline: meetings, Qais al-Khazali</h1>" in html
    form = re.search(r'<form class="filters" method="get" action="/timeline".*?</form>', html, re.S)
    assert form is not None
    assert '<input type="hidden" name="kind" value="meeting">' in form.group(0)
    assert f'<option value="{KHAZALI}" selected>Qais al-Khazali</option>' in form.group(0)
    assert f'<option value="{MEMRI}">MEMRI report</option>' in form.group(0)
    # the kind links keep the actor
    actor_q = "actor=https%3A%2F%2Fw3id.org%2Faxiskg%2Fid%2Fperson%2Fqais-al-khazali"
    assert f'<a href="/timeline?{actor_q}">Meetings and events</a>' in html
    assert f'<a href="/timeline?kind=meeting&amp;{actor_q}" aria-current="page">Meetings only</a>' in html
    filtered = re.search(r'<p class="filtered">(.*?)</p>', html, re.S)
    assert filtered is not None
    assert (
        'in which a report names <a href="/id/person/qais-al-khazali">Qais al-Khazali</a>'
        in filtered.group(1)
    )
    assert '<a href="/timeline?kind=meeting">Show all meetings</a>' in filtered.group(1)
    table = re.search(r'<section id="timeline-list".*?</table>', html, re.S)
    assert table is not None and '<th scope="col">According to</th>' in table.group(0)
    assert ">Amwaj Media, 2023-11-07</a>; <a" in table.group(0) and ">MEMRI, 2023-11-10</a>" in table.group(0)
    html = client.get("/timeline", params={"actor": KHAZALI, "report": AMWAJ}).text
    assert "<h1>Timeline: Qais al-Khazali, according to Amwaj Media, 2023-11-07</h1>" in html
    assert '<span class="count">(0)</span>' in html


def test_entity_and_report_pages_link_their_timeline(client: TestClient) -> None:
    khazali = client.get("/id/person/qais-al-khazali").text
    link = re.search(r"<dt>Timeline</dt><dd><a href=\"([^\"]+)\">([^<]+)</a>", khazali)
    assert link is not None
    assert link.group(1) == "/timeline?actor=https%3A%2F%2Fw3id.org%2Faxiskg%2Fid%2Fperson%2Fqais-al-khazali"
    assert link.group(2) == "1 meeting or event in which a report names Qais al-Khazali"
    report = client.get("/id/report/amwaj-2023-11-07").text
    link = re.search(r"<dt>Timeline</dt><dd><a href=\"([^\"]+)\">([^<]+)</a>", report)
    assert link is not None and link.group(2) == "1 meeting or event this report tells of"
    assert "<dt>Timeline</dt>" not in client.get("/id/meeting/iraqi-session").text


def test_timeline_credits_a_disputed_speaker_to_the_report_that_names_him(release: Release) -> None:
    """The reports dispute who proposed ending the US presence (000: Al-Hamidawi; 001: Muhammadawi): each
    report's claim of the act names its own speaker only, so `?actor=&report=` never mixes the accounts."""
    snap = snapshot(release)
    index = claim_index(release)
    claim = "https://w3id.org/axiskg/id/claim/{}-proposal-end-us-presence"
    hamidawi = "https://w3id.org/axiskg/id/person/ahmad-al-hamidawi"
    muhammadawi = "https://w3id.org/axiskg/id/person/abdulaziz-al-muhammadawi"
    per_000 = claim_actors(snap, index.claims[claim.format("000")])
    per_001 = claim_actors(snap, index.claims[claim.format("001")])
    assert hamidawi in per_000 and muhammadawi not in per_000
    assert muhammadawi in per_001 and hamidawi not in per_001


def test_who_met_whom_says_when_no_one_report_puts_the_two_together(scenario: Release) -> None:
    """MEMRI places Khazali at the session, Amwaj places Ameri there and MEMRI says Ameri was absent: each
    report's account is its own row, and neither report places the two together."""
    named = {q.name: q for q in load_queries(Path(__file__).resolve().parents[2] / "queries")}
    q = named["who-met-whom"]
    columns, rows = query(scenario, q.text, q.bindings({"actor": KHAZALI})).table()
    got = {
        (row["report"], row["otherRole"]): row
        for row in (
            {c: (t.value if t is not None else None) for c, t in zip(columns, r, strict=True)} for r in rows
        )
    }
    assert set(got) == {
        (AMWAJ, "https://schema.org/attendee"),
        (MEMRI, "https://w3id.org/axiskg/ontology#absentee"),
    }
    for row in got.values():
        assert (row["meeting"], row["other"], row["when"], row["actorPlacedBy"]) == (
            MEETING,
            AMERI,
            "early summer 2023",
            MEMRI,
        )
    assert got[(AMWAJ, "https://schema.org/attendee")]["actorHedgeInReport"] is None  # Amwaj: not Khazali
    assert got[(MEMRI, "https://w3id.org/axiskg/ontology#absentee")]["actorHedgeInReport"] == (
        "https://w3id.org/axiskg/ontology/hedge#reportedly"
    )


def test_pages_link_only_local_static_files(client: TestClient) -> None:
    for path in ("/", "/query", "/network", "/timeline", "/id/person/qais-al-khazali"):
        html = client.get(path).text
        for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
            assert src.startswith(("/", "data:")), f"{path} loads {src}"


# ---------------------------------------------------------------- the repository's release


def test_every_page_type_answers_on_the_repository(repo_client: TestClient, release: Release) -> None:
    snap = snapshot(release)
    for path in (
        "/",
        "/search?q=khazali",
        "/search.json?q=khazali",
        "/query",
        "/queries",
        "/network",
        "/network.json",
        "/timeline",
        "/timeline.json",
        "/disagreements",
        "/ontology",
    ):
        r = repo_client.get(path)
        assert r.status_code == 200, path
    seen: set[str] = set()
    for s in sorted(snap.out):
        kind = kind_of(s)
        if kind and kind not in seen and kind not in ("time",):
            seen.add(kind)
            r = repo_client.get(href(s))
            assert r.status_code == 200, s


def test_every_named_query_page_runs(repo_client: TestClient) -> None:
    from axiskg.queries import load_queries
    from axiskg.web.views.named_queries import queries_dir

    queries = load_queries(queries_dir(object()))
    if not queries:
        pytest.skip("no named queries yet")
    for q in queries:
        if "SERVICE" in q.text.upper():
            continue  # federated queries need the network
        r = repo_client.get(f"/queries/{q.name}")
        assert r.status_code == 200, f"{q.name}: {r.text[:500]}"
        assert "Open in editor" in r.text


def test_static_vendor_files_are_bundled() -> None:
    vendor = Path(pages.STATIC_DIR) / "vendor"
    if not vendor.is_dir():
        pytest.skip("run `npm ci` first (it bundles the front-end packages into static/vendor)")
    for name in ("yasgui.min.js", "yasgui.min.css", "cytoscape.min.js", "vis-timeline-graph2d.min.js"):
        assert (vendor / name).stat().st_size > 10_000


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=ameri",
        "/query",
        "/queries",
        "/network",
        "/timeline",
        "/disagreements",
        "/ontology",
        "/id/person/qais-al-khazali",
        "/id/meeting/iraqi-session",
        "/id/report/memri-2023-11-10",
    ],
)
def test_pages_are_accessible_html(client: TestClient, path: str) -> None:
    """Semantic basics: language, viewport, one h1, a main landmark, a skip link, labelled form fields."""
    html = client.get(path).text
    assert '<html lang="en">' in html and 'name="viewport"' in html
    assert html.count("<h1") == 1 and '<main id="main"' in html and 'href="#main"' in html
    for field_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
        assert f'for="{field_id}"' in html, f"{path}: #{field_id} has no label"
    assert not re.search(
        r"<(?:input|select|textarea)(?![^>]*\bid=)(?![^>]*type=\"(?:hidden|checkbox|number)\")[^>]*>", html
    )


def test_the_editor_page_falls_back_to_a_plain_form_without_its_packages(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain `pip install` has no static/vendor (npm bundles it): the editor page then says so and offers
    a form that works, instead of loading scripts that are not there."""
    monkeypatch.setattr(pages, "STATIC_DIR", tmp_path)
    assert pages.missing_vendor_files() == list(pages.VENDOR_FILES)
    html = client.get("/query").text
    assert "yasgui.min.js" not in html and "yasgui.min.css" not in html
    assert "<noscript>" not in html and 'action="/sparql"' in html and "npm ci" in html
    (tmp_path / "vendor").mkdir()
    for name in pages.VENDOR_FILES:
        (tmp_path / "vendor" / name).write_text("/* bundled */")
    assert pages.missing_vendor_files() == []
    html = client.get("/query").text
    assert '<script src="/static/vendor/yasgui.min.js">' in html and "<noscript>" in html
    assert "npm ci" not in html


def test_an_open_ended_date_says_so_once() -> None:
    from axiskg.web.views.dates import DateInfo

    since = DateInfo(None, "since 2020", "2020-01-01", None, "open-ended", True)
    assert str(since) == "since 2020 (open-ended: from 2020-01-01, inferred)"
    assert str(DateInfo(None, None, "2020-01-01", None, None, False)) == "from 2020-01-01"
