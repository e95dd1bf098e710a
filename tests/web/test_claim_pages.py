"""What a claim says, and how hedged and disputed claims read, on the repository's release: the claim's own
page, the accounts of an act whose speaker two reports dispute, hedged meeting summaries, and the count
sentence of entity pages."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from axiskg import iris
from axiskg.derive import derive
from axiskg.release import Release
from axiskg.web import pages
from axiskg.web.views.claims import claim_index, hedge_label, provenance, situation
from axiskg.web.views.links import href
from axiskg.web.views.snapshot import local_name, snapshot

ID = iris.ID
HAMIDAWI_CLAIM = ID + "claim/000-proposal-speaker-hamidawi"
MUHAMMADAWI_CLAIM = ID + "claim/001-proposal-speaker-muhammadawi"
PROPOSAL = ID + "act/kataib-hezbollah-proposal-end-us-presence"
SESSION = ID + "meeting/khamenei-iraqi-session-2023"
MEMRI_000 = ID + "report/memri-2023-11-10"
AMWAJ_001 = ID + "report/amwaj-2023-11-07"
HAMIDAWI = ID + "person/ahmad-al-hamidawi"
MUHAMMADAWI = ID + "person/abdulaziz-al-muhammadawi"


def _client(release: Release) -> Iterator[TestClient]:
    """The site's pages and entity pages of `release` (no query server: named queries run in-process)."""

    async def entity(request: Request) -> Response:
        return await pages.render_entity(request, iris.path_to_iri(request.url.path))

    app = Starlette(routes=[*pages.ROUTES, Route("/id/{path:path}", entity)])
    app.state.release = release
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def repo_client(release: Release) -> Iterator[TestClient]:
    yield from _client(release)


def _text(fragment: str) -> str:
    """The words a reader sees: tags removed, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()).replace(" ,", ",")


def _section(page: str, start: str, end: str = "</section>") -> str:
    i = page.index(start)
    i = page.rindex("<", 0, i + 1)  # from the start of the tag holding `start`
    return page[i : page.index(end, i)]


def _h1(page: str) -> str:
    return _text(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1))  # type: ignore[union-attr]


# ---------------------------------------------------------------- the claim's own page


def test_claim_page_says_what_who_citing_whom_how_hedged(repo_client: TestClient) -> None:
    page = repo_client.get(href(HAMIDAWI_CLAIM)).text
    title = _h1(page)
    assert title != local_name(HAMIDAWI_CLAIM)
    assert "speaker" in title and "Ahmad Al-Hamidawi" in title
    claim = _section(page, 'id="claim"')
    words = _text(claim)
    # what it states, with links to subject and object
    assert f'href="{href(PROPOSAL)}"' in claim and f'href="{href(HAMIDAWI)}"' in claim
    # which report (linked), citing whom, in order
    assert f'href="{href(MEMRI_000)}"' in claim
    assert re.search(r"Citing Amwaj Media \(2023-11-07\), citing informed sources", words)
    assert re.search(
        r"According to MEMRI[^.]* \(2023-11-10\), citing Amwaj Media \(2023-11-07\), citing informed sources",
        words,
    )
    # the hedge in words: a claimed statement never reads as plain fact
    assert words.startswith("What the claim states Claimed:")
    assert "does not state this as plain fact" in words and "Hedge claimed" in words
    assert "Inferred no" in words
    assert "told Khamenei that his group" in words  # the verbatim quote
    assert "Curator's note 001 (the Amwaj article that 000 summarises)" in words
    # the curator's note is not the unlabelled lead of the page
    assert '<p class="lead">' not in page
    # the claim it disagrees with, linked, with its report
    conflicts = _section(page, 'id="conflicts"')
    assert f'href="{href(MUHAMMADAWI_CLAIM)}"' in conflicts and f'href="{href(AMWAJ_001)}"' in conflicts
    assert "Abdulaziz Al-Muhammadawi" in _text(conflicts)
    # the claim machinery is in the claim section, not a lone "quote" fact
    assert 'id="facts"' not in page


def test_every_claim_page_has_a_title_its_report_chain_and_hedge(
    repo_client: TestClient, release: Release
) -> None:
    snap = snapshot(release)
    index = claim_index(release)
    assert len(index.claims) > 100
    for iri, claim in index.claims.items():
        page = repo_client.get(href(iri)).text
        assert _h1(page) != local_name(iri), iri
        section = _text(_section(page, 'id="claim"'))
        steps = provenance(snap, claim)
        assert f"According to {steps[0]}" in section, iri
        for st in steps[1:]:
            assert f"citing {st}" in section, iri
        assert f"Hedge {hedge_label(snap, claim.hedge)}" in section, iri
        if claim.hedge and not claim.hedge.endswith("#none"):
            assert "not state this as plain fact" in section, iri
        assert ("Inferred yes" if claim.inferred else "Inferred no") in section, iri
        if claim.comment:
            assert "Curator's note " + " ".join(claim.comment.split()) in section, iri
        for other in claim.disagrees:
            assert f'href="{href(other)}"' in page, iri


def test_asserting_claim_page_gives_its_own_report_s_speaker(repo_client: TestClient) -> None:
    memri = _section(repo_client.get(href(ID + "claim/000-proposal-end-us-presence")).text, 'id="claim"')
    amwaj = _section(repo_client.get(href(ID + "claim/001-proposal-end-us-presence")).text, 'id="claim"')
    assert href(HAMIDAWI) in memri and href(MUHAMMADAWI) not in memri
    assert href(MUHAMMADAWI) in amwaj and href(HAMIDAWI) not in amwaj
    assert "the reports disagree about its speaker" in _text(memri)


# ---------------------------------------------------------------- a disputed speaker


def test_summary_of_a_disputed_act_names_no_speaker_and_each_account_its_own(release: Release) -> None:
    snap = snapshot(release)
    summary = situation(snap, PROPOSAL)
    hrefs = {s.href for s in summary}
    assert href(HAMIDAWI) not in hrefs and href(MUHAMMADAWI) not in hrefs
    assert "speaker is disputed" in "".join(s.text for s in summary)
    assert href(HAMIDAWI) in {s.href for s in situation(snap, PROPOSAL, MEMRI_000)}
    assert href(MUHAMMADAWI) not in {s.href for s in situation(snap, PROPOSAL, MEMRI_000)}
    assert href(MUHAMMADAWI) in {s.href for s in situation(snap, PROPOSAL, AMWAJ_001)}
    assert href(HAMIDAWI) not in {s.href for s in situation(snap, PROPOSAL, AMWAJ_001)}


def _act_item(page: str, marker: str) -> str:
    acts = _section(page, '<ol class="acts">', "</ol>")
    for item in acts.split("<li")[1:]:
        if marker in item:
            return item
    raise AssertionError(f"no act with {marker}")


def test_meeting_shows_each_account_with_the_speaker_its_report_gives(repo_client: TestClient) -> None:
    page = repo_client.get(href(SESSION)).text
    item = _act_item(page, "plans to end the US presence")
    summary = item[: item.index("</p>")]
    # the line above both accounts names neither: no report appears to name both
    assert href(HAMIDAWI) not in summary and href(MUHAMMADAWI) not in summary
    assert "speaker is disputed" in _text(summary)
    assert 'href="#conflicts"' in item
    # each account: its own speaker, then its own provenance
    accounts = item.split('class="statement account-statement"')[1:]
    assert len(accounts) == 2
    by_report = {}
    for a in accounts:
        own, prov = a.split('class="provenance"', 1)
        report = MEMRI_000 if "MEMRI" in _text(prov.split("citing")[0]) else AMWAJ_001
        by_report[report] = own
    assert href(HAMIDAWI) in by_report[MEMRI_000] and href(MUHAMMADAWI) not in by_report[MEMRI_000]
    assert href(MUHAMMADAWI) in by_report[AMWAJ_001] and href(HAMIDAWI) not in by_report[AMWAJ_001]
    # the page's conflicting accounts include the two speaker claims
    conflicts = _section(page, 'id="conflicts"')
    assert href(HAMIDAWI_CLAIM) in conflicts and href(MUHAMMADAWI_CLAIM) in conflicts


def test_act_page_accounts_do_not_merge_the_speakers(repo_client: TestClient) -> None:
    page = repo_client.get(href(PROPOSAL)).text
    statements = _section(page, 'id="statements-and-decisions"')
    for item in statements.split('<li class="claim')[1:]:
        if "plans to end the US presence" not in item:
            continue
        named = {p for p in (HAMIDAWI, MUHAMMADAWI) if href(p) in item.split('class="provenance"')[0]}
        assert len(named) == 1, _text(item)
        assert "conflicting accounts" in item


# ---------------------------------------------------------------- hedged meeting summaries


def _summary_row(page: str, term: str) -> str:
    facts = _section(page, '<dl class="summary meeting-facts">', "</dl>")
    m = re.search(rf"<dt>{term}</dt><dd>(.*?)</dd>", facts, re.S)
    assert m, f"no {term} in the meeting summary"
    return m.group(1)


@pytest.mark.parametrize(
    ("meeting", "term", "value"),
    [
        ("pmu-urgent-meeting-2023-11-02", "Host", "org/popular-mobilization-units"),
        ("iranian-officials-iraq-meetings-2023-10", "Where", "org/iraq"),
    ],
)
def test_meeting_summary_shows_the_hedge_of_a_hedged_value(
    repo_client: TestClient, meeting: str, term: str, value: str
) -> None:
    row = _summary_row(repo_client.get(href(ID + "meeting/" + meeting)).text, term)
    assert href(ID + value) in row
    words = _text(row)
    assert "implied" in words and "inferred" in words
    assert "according to MEMRI Jihad and Terrorism Threat Monitor (2024-02-14)" in words
    assert href(ID + "report/memri-2024-02-14") in row


def test_a_meeting_page_does_not_title_the_claims_about_itself_meetings(repo_client: TestClient) -> None:
    page = repo_client.get("/id/meeting/khamenei-iraqi-session-2023").text
    assert ">The meeting: when, where, who attended <" in page
    assert not re.search(r'<h2 id="meetings-h">Meetings ', page)
    person = repo_client.get("/id/person/qais-al-khazali").text
    assert re.search(r'<h2 id="meetings-h">Meetings ', person)  # an actor's meetings keep the title


def test_a_report_page_says_its_source_text_is_not_published_here(repo_client: TestClient) -> None:
    page = repo_client.get("/id/report/amwaj-2023-11-07").text
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert re.search(r"Source text \S+\.txt \(the curators' copy of the report, not published here", text)


def test_an_acts_order_is_not_shown_as_a_bare_position(repo_client: TestClient) -> None:
    page = repo_client.get("/id/act/khamenei-key-priorities-and-challenges").text
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "place in the order of what was said" in text and not re.search(r"\bposition \d", text)


def test_meeting_summary_value_stated_as_fact_stays_plain(repo_client: TestClient) -> None:
    row = _summary_row(
        repo_client.get(href(ID + "meeting/iranian-officials-iraq-meetings-2023-10")).text, "Host"
    )
    assert href(ID + "org/iran") in row
    assert "hedge" not in row and "according to" not in row


# ---------------------------------------------------------------- the count sentence


def test_claim_count_sentence_agrees_in_number(repo_client: TestClient, release: Release) -> None:
    index = claim_index(release)
    one = ID + "place/damascus"
    assert len(index.about_entity(one)) == 1
    assert "1 claim from the reports mentions Damascus." in _text(repo_client.get(href(one)).text)
    many = ID + "person/qais-al-khazali"
    n = len(index.about_entity(many))
    assert n > 1
    assert f"{n} claims from the reports mention Qais Al-Khazali." in _text(repo_client.get(href(many)).text)


# ---------------------------------------------------------------- one rule for "disputed"

# A tiny release: at one session, report A names X and Y as the speakers of the first proposal and report B
# names X (more than one report, more than one speaker, but no two accounts that conflict); of the second
# proposal, A names X and B names Z (a conflict).
DISPUTE = f"""
@prefix ax: <{ID}> .
@prefix axo: <{iris.AXO}> .
@prefix hedge: <{iris.HEDGE}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

axo:Meeting a owl:Class ; rdfs:label "meeting"@en .
axo:SpeechAct a owl:Class ; rdfs:label "speech act"@en .
axo:Claim a owl:Class ; rdfs:label "claim"@en .
axo:Report a owl:Class ; rdfs:label "report"@en .
hedge:none skos:prefLabel "stated as fact"@en .
ax:person\\/x skos:prefLabel "Speaker X"@en .
ax:person\\/y skos:prefLabel "Speaker Y"@en .
ax:person\\/z skos:prefLabel "Speaker Z"@en .
ax:org\\/pub-a skos:prefLabel "Publisher A"@en .
ax:org\\/pub-b skos:prefLabel "Publisher B"@en .
ax:report\\/a a axo:Report ; skos:prefLabel "Report A"@en ; dcterms:publisher ax:org\\/pub-a ;
  dcterms:issued "2023-11-07"^^xsd:date .
ax:report\\/b a axo:Report ; skos:prefLabel "Report B"@en ; dcterms:publisher ax:org\\/pub-b ;
  dcterms:issued "2023-11-10"^^xsd:date .
ax:meeting\\/session a axo:Meeting ; skos:prefLabel "The session"@en .
ax:act\\/first a axo:SpeechAct ; axo:atEvent ax:meeting\\/session ; axo:content "the first proposal"@en .
ax:act\\/second a axo:SpeechAct ; axo:atEvent ax:meeting\\/session ; axo:content "the second proposal"@en .
"""
for _act, _names in (("first", {"a": "xy", "b": "x"}), ("second", {"a": "x", "b": "z"})):
    for _report, _people in _names.items():
        DISPUTE += (
            f"ax:claim\\/{_report}-{_act} a axo:Claim ; axo:asserts ax:act\\/{_act} ; "
            f"axo:statedIn ax:report\\/{_report} ; axo:hedge hedge:none .\n"
        )
        for _p in _people:
            DISPUTE += (
                f"ax:claim\\/{_report}-{_act}-{_p} a axo:Claim ; rdf:subject ax:act\\/{_act} ; "
                f"rdf:predicate axo:speaker ; rdf:object ax:person\\/{_p} ; "
                f"axo:statedIn ax:report\\/{_report} ; axo:hedge hedge:none .\n"
            )


@pytest.fixture(scope="module")
def dispute(tmp_path_factory: pytest.TempPathFactory) -> Release:
    store = ox.Store()
    graph = ox.NamedNode(iris.GRAPH + "dispute")
    store.load(DISPUTE.encode(), format=ox.RdfFormat.TURTLE, to_graph=graph)
    derive(store)
    meta = {
        "id": "test-dispute-0001",
        "created": "2026-11-22T00:00:00+00:00",
        "triples": len(store),
        "graphs": {graph.value: len(store)},
    }
    return Release(tmp_path_factory.mktemp("dispute"), meta, store)


@pytest.fixture(scope="module")
def dispute_client(dispute: Release) -> Iterator[TestClient]:
    yield from _client(dispute)


def test_disputed_is_what_the_page_shows_as_conflicting_accounts(
    dispute: Release, dispute_client: TestClient
) -> None:
    """Report A names X and Y as speakers and report B names X: no two accounts conflict, so the summary
    names both speakers and the page shows no conflicting accounts. A naming X and B naming Z do conflict:
    the summary names neither and says so, and the page shows both accounts as conflicting."""
    snap = snapshot(dispute)
    first, second = ID + "act/first", ID + "act/second"
    x, y, z = (href(ID + f"person/{p}") for p in "xyz")
    assert snap.is_derived(first, iris.AXO + "speaker", ox.NamedNode(ID + "person/y"))  # derived, not written

    summary = situation(snap, first)
    assert {x, y} <= {s.href for s in summary}
    assert "disputed" not in "".join(s.text for s in summary)
    summary = situation(snap, second)
    assert not {x, z} & {s.href for s in summary}
    assert "speaker is disputed" in "".join(s.text for s in summary)

    page = dispute_client.get(href(ID + "meeting/session")).text
    item = _act_item(page, "the first proposal")
    line = item[: item.index("</p>")]
    assert x in line and y in line and "disputed" not in _text(line)
    assert "is-conflicting" not in item and 'href="#conflicts"' not in item
    item = _act_item(page, "the second proposal")
    line = item[: item.index("</p>")]
    assert x not in line and z not in line and "speaker is disputed" in _text(line)
    assert 'href="#conflicts"' in item
    conflicts = _section(page, 'id="conflicts"')
    assert href(ID + "claim/a-second-x") in conflicts and href(ID + "claim/b-second-z") in conflicts
    assert "first" not in conflicts

    # the page of an account says the reports disagree only where they do
    assert "the reports disagree" not in _text(dispute_client.get(href(ID + "claim/a-first")).text)
    assert "the reports disagree about its speaker" in _text(
        dispute_client.get(href(ID + "claim/a-second")).text
    )
