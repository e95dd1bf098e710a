"""The pages in a real browser (Debian's chromium driven by Playwright) against a real `axiskg serve`.

Each test keeps a screenshot in tests/artifacts/, fails on console errors, and fails on any request that
leaves the server (no CDN at run time)."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import pytest

from axiskg.release import Release
from axiskg.web.views.claims import claim_index, provenance
from axiskg.web.views.links import href, kind_of
from axiskg.web.views.snapshot import snapshot

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip(
        f"{CHROMIUM} is missing (apt-get install chromium); required when CI is set", allow_module_level=True
    )

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class Page:
    """A browser page that records console errors, page errors and requests to other hosts."""

    def __init__(self, browser: Any, server_url: str, **context: Any) -> None:
        self.base = server_url
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.external: list[str] = []
        host = urlparse(server_url).netloc
        self.page.on(
            "console",
            lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

        def guard(route: Any) -> None:
            url = route.request.url
            if url.startswith(("data:", "blob:", "about:")) or urlparse(url).netloc == host:
                route.continue_()
            else:
                self.external.append(url)
                route.abort()

        self.page.route("**/*", guard)

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
        return response

    def wait_until(self, expression: str, timeout: float = 30.0) -> None:
        """Poll a JavaScript expression until it is true. Not Page.wait_for_function: that evaluates its text
        with eval() inside the page, which the site's Content-Security-Policy (no 'unsafe-eval') refuses,
        while evaluate() comes from the browser's debugging protocol, which the policy does not govern."""
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(f"Boolean({expression})"):
            assert time.monotonic() < deadline, f"not true within {timeout:g} s: {expression}"
            self.page.wait_for_timeout(100)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def check_clean(self) -> None:
        assert not self.errors, "console errors:\n" + "\n".join(self.errors)
        assert not self.external, "requests to other hosts (CDN?):\n" + "\n".join(self.external)


@pytest.fixture
def page(browser: Any, server_url: str) -> Iterator[Page]:
    p = Page(browser, server_url, viewport={"width": 1280, "height": 900})
    try:
        yield p
    finally:
        p.context.close()


def _claim_with_chain(release: Release) -> tuple[str, Any]:
    """An actor with a claim whose attribution chain cites at least one voice, and that claim."""
    index = claim_index(release)
    for c in sorted(index.claims.values(), key=lambda c: (-len(c.chain), c.iri)):
        if not c.chain or not c.report:
            continue
        for x in sorted(c.about):
            if kind_of(x) == "person":
                return x, c
    pytest.skip("the release has no claim about a person with an attribution chain yet")


def test_home_links_every_entry_point(page: Page) -> None:
    page.goto("/")
    for name in ("Meetings timeline", "Network", "Canned queries", "SPARQL editor", "Ontology"):
        assert page.page.get_by_role("link", name=re.compile(name)).first.is_visible()
    page.shot("home")
    page.check_clean()


@pytest.mark.parametrize("variant", ["hizbullah brigades", "Kata'ib", "kataib hezbollah"])
def test_search_finds_an_entity_by_a_variant_spelling(page: Page, release: Release, variant: str) -> None:
    snap = snapshot(release)
    iri = "https://w3id.org/axiskg/id/org/kataib-hezbollah"
    if not snap.has(iri):
        pytest.skip("Kata'ib Hezbollah is not in the data yet")
    page.goto("/")
    page.page.fill("#home-q", variant)
    page.page.press("#home-q", "Enter")
    page.page.wait_for_url(re.compile(r"/search\?"))
    link = page.page.locator(f'ol.hits a[href="{href(iri)}"]')
    assert link.count() == 1
    if variant == "Kata'ib":
        page.shot("search")
    link.click()
    page.page.wait_for_url(re.compile(re.escape(href(iri)) + "$"))
    assert page.page.locator("h1").inner_text() == snap.label(iri)
    page.check_clean()


def test_entity_page_shows_a_claim_with_its_provenance_chain(page: Page, release: Release) -> None:
    snap = snapshot(release)
    entity, claim = _claim_with_chain(release)
    page.goto(href(entity))
    item = page.page.locator(
        "li.claim", has=page.page.locator(f'a.claim-link[href="{href(claim.iri)}"]')
    ).first
    text = " ".join(item.locator(".provenance").inner_text().split())
    steps = provenance(snap, claim)
    assert text.startswith("according to " + steps[0].label)
    for st in steps[1:]:
        assert f"citing {st.label}" in text
    if claim.quote:
        assert " ".join(claim.quote.split()) in text
    for fmt in ("Turtle", "JSON-LD", "N-Triples"):
        assert page.page.get_by_role("link", name=fmt, exact=True).count() == 1
    page.shot("entity")
    page.check_clean()


def test_entity_page_works_without_javascript(browser: Any, server_url: str, release: Release) -> None:
    entity, claim = _claim_with_chain(release)
    p = Page(browser, server_url, java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        p.goto(href(entity))
        assert "according to" in p.page.locator(".provenance").first.inner_text()
        p.shot("entity-phone-nojs")
    finally:
        p.context.close()


def test_meeting_and_report_pages_render(page: Page, release: Release) -> None:
    snap = snapshot(release)
    index = claim_index(release)
    meetings = sorted(s for s in snap.out if kind_of(s) == "meeting" and index.about.get(s))
    reports = sorted(r for r in index.by_report)
    if not meetings or not reports:
        pytest.skip("no meeting or report with claims yet")
    page.goto(href(max(meetings, key=lambda m: len(index.about[m]))))
    assert page.page.locator("h1").is_visible()
    page.shot("meeting")
    page.goto(href(reports[0]))
    assert page.page.locator("#report-claims li.claim").count() == len(index.by_report[reports[0]])
    page.shot("report")
    page.check_clean()


def test_editor_runs_a_canned_query_and_shows_rows(page: Page) -> None:
    page.goto("/query")
    examples = page.page.locator("button.example")
    if examples.count() == 0:
        pytest.skip("no named queries in queries/")
    # A query without parameters that returns rows on any non-empty release.
    target = page.page.locator('button.example[data-name="claims-per-report"]')
    (target if target.count() else examples.first).click()
    page.page.locator(".yasqe_queryButton").last.click()
    rows = page.page.locator(".tab-pane.active .yasr table tbody tr, .yasr .dataTable tbody tr")
    rows.first.wait_for(state="visible", timeout=30_000)
    assert rows.count() > 0
    page.shot("editor")
    page.check_clean()


def test_a_linked_query_with_markup_opens_in_the_editor(page: Page) -> None:
    """/query?query=... puts the query into the page's JSON config: `<!--<script>` in it made the browser read
    the config's closing tag as data, swallowing the editor's script (a blank editor for whoever followed the
    link)."""
    text = "# <!--<script> &\nSELECT * WHERE { ?s ?p ?o } LIMIT 1"
    page.goto("/query?" + urlencode({"query": text}))
    page.wait_until("window.axiskgYasgui !== undefined")
    shown = page.page.evaluate("window.axiskgYasgui.getTab().getYasqe().getValue()")
    assert shown == text
    page.check_clean()


def test_the_address_follows_the_edited_query_and_a_reload_keeps_it(page: Page) -> None:
    """A hand-written query was lost on reload, and no address led to it."""
    page.goto("/query")
    page.wait_until("window.axiskgYasgui !== undefined")
    text = "SELECT ?s WHERE { ?s a axo:Meeting } LIMIT 3"
    page.page.evaluate(f"window.axiskgYasgui.getTab().getYasqe().setValue({json.dumps(text)})")
    page.wait_until(f"new URL(location.href).searchParams.get('query') === {json.dumps(text)}")
    page.page.reload(wait_until="load")
    page.wait_until("window.axiskgYasgui !== undefined")
    assert page.page.evaluate("window.axiskgYasgui.getTab().getYasqe().getValue()") == text
    # a query too long for an address a proxy passes leaves the address bare (not an older, shorter text)
    long = text + " #" + "x" * 9000
    page.page.evaluate(f"window.axiskgYasgui.getTab().getYasqe().setValue({json.dumps(long)})")
    page.wait_until("new URL(location.href).searchParams.get('query') === null")
    page.check_clean()


def test_a_link_with_the_query_after_the_hash_opens_it(page: Page) -> None:
    """YASGUI's share links put the query after "#": the editor opened its default query instead."""
    text = "SELECT ?m WHERE { ?m a axo:Meeting } LIMIT 2"
    page.goto("/query#" + urlencode({"query": text}))
    page.wait_until("window.axiskgYasgui !== undefined")
    assert page.page.evaluate("window.axiskgYasgui.getTab().getYasqe().getValue()") == text
    page.wait_until(f"new URL(location.href).searchParams.get('query') === {json.dumps(text)}")
    page.check_clean()


def test_a_query_with_an_undeclared_usual_prefix_runs_in_the_editor(page: Page) -> None:
    """The editor marks axo: without a PREFIX line as undefined; the endpoint predeclares it: it runs."""
    page.goto("/query?" + urlencode({"query": "SELECT ?m WHERE { ?m a axo:Meeting } LIMIT 2"}))
    page.wait_until("window.axiskgYasgui !== undefined")
    page.page.locator(".yasqe_queryButton").last.click()
    rows = page.page.locator(".yasr table tbody tr")
    rows.first.wait_for(state="visible", timeout=30_000)
    assert rows.count() == 2
    # a result IRI of ours opens this server's page (it linked to w3id.org, off a local install)
    links = page.page.locator(".yasr table tbody a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    meetings = [h for h in links if "meeting/" in h]
    assert meetings and all(h.startswith("/id/meeting/") for h in meetings), links
    page.check_clean()


def test_a_result_iri_that_only_looks_like_ours_is_not_made_a_local_link(page: Page) -> None:
    """`<base>/` + `/other.host/x` must not become `//other.host/x`, a link to another host shown as ours."""
    odd = "https://w3id.org/axiskg//example.org/x"
    page.goto("/query?" + urlencode({"query": f"SELECT ?x WHERE {{ BIND(IRI('{odd}') AS ?x) }}"}))
    page.wait_until("window.axiskgYasgui !== undefined")
    page.page.locator(".yasqe_queryButton").last.click()
    cell = page.page.locator(".yasr table tbody a")
    cell.first.wait_for(state="visible", timeout=30_000)
    assert cell.first.get_attribute("href") == odd
    page.check_clean()


def test_canned_query_page_runs_with_its_form(page: Page, release: Release) -> None:
    page.goto("/queries")
    first = page.page.locator("ul.query-list a").first
    if first.count() == 0:
        pytest.skip("no named queries in queries/")
    first.click()
    page.page.get_by_role("button", name="Run").click()
    page.page.wait_for_load_state("load")
    assert page.page.get_by_role("link", name="Open in editor").is_visible()
    page.shot("canned-query")
    rows = page.page.locator("table.results tbody tr").count()
    # "Open in editor" carries the query with its parameters bound; run there, it gives the same rows.
    page.page.get_by_role("link", name="Open in editor").click()
    page.page.wait_for_url(re.compile(r"/query\?query="))
    page.wait_until("window.axiskgYasgui !== undefined")
    page.page.locator(".yasqe_queryButton").last.click()
    if rows:
        page.page.locator(".yasr table tbody tr").first.wait_for(state="visible", timeout=30_000)
        assert page.page.locator(".yasr table tbody tr").count() > 0
    page.check_clean()


def test_network_renders_and_opens_a_node(page: Page) -> None:
    page.goto("/network")
    page.wait_until("window.axiskgNetwork && window.axiskgNetwork.nodes().length > 0")
    assert page.page.locator("#network canvas").first.is_visible()
    # Filter by kind: untick persons, and no person node stays visible.
    page.page.locator('#network-filters input[value="person"]').uncheck()
    visible_persons = page.page.evaluate(
        "window.axiskgNetwork.nodes('[kind = \"person\"]').filter(n => !n.hasClass('hidden')).length"
    )
    assert visible_persons == 0
    page.page.locator('#network-filters input[value="person"]').check()
    page.shot("network")
    # Selecting a node opens its page.
    url = page.page.evaluate("window.axiskgNetwork.nodes('[kind = \"person\"]')[0].data('url')")
    page.page.evaluate("window.axiskgNetwork.nodes('[kind = \"person\"]')[0].emit('tap')")
    page.page.wait_for_url(page.base + url)
    assert page.page.locator("h1").is_visible()
    page.check_clean()


def test_timeline_renders_items(page: Page) -> None:
    page.goto("/timeline")
    page.wait_until("window.axiskgTimeline !== undefined")
    items = page.page.locator("#timeline .vis-item")
    if page.page.locator("#timeline-list tbody tr").count():
        items.first.wait_for(state="visible", timeout=30_000)
        assert items.count() > 0
    page.shot("timeline")
    page.check_clean()


def test_timeline_of_one_kind_draws_that_kind_only(page: Page) -> None:
    """/timeline?kind=meeting: the widget draws what the table lists (it fetched every item before)."""
    page.goto("/timeline?kind=meeting")
    page.wait_until("window.axiskgTimeline !== undefined")
    drawn = page.page.evaluate("window.axiskgTimeline.itemsData.get().map(function (i) { return i.group; })")
    rows = page.page.locator("#timeline-list tbody tr").count()
    assert rows > 0 and len(drawn) == rows and set(drawn) == {"meeting"}
    page.check_clean()


def test_timeline_filters_by_actor_from_the_form(page: Page) -> None:
    """Choosing an actor and "Show" lists and draws that actor's meetings and events only (the widget fetches
    the same filters as the table)."""
    khazali = "https://w3id.org/axiskg/id/person/qais-al-khazali"
    page.goto("/timeline")
    page.page.select_option("#tf-actor", khazali)
    page.page.click("form.filters button[type=submit]")
    page.page.wait_for_url(re.compile(r".*/timeline\?actor=https%3A%2F%2Fw3id\.org.*qais-al-khazali$"))
    page.wait_until("window.axiskgTimeline !== undefined")
    drawn = page.page.evaluate("window.axiskgTimeline.itemsData.get().map(function (i) { return i.id; })")
    rows = page.page.locator("#timeline-list tbody tr td:nth-child(2) > a")
    listed = [rows.nth(i).get_attribute("href") for i in range(rows.count())]
    assert drawn and sorted(href(i) for i in drawn) == sorted(listed)
    every = page.page.evaluate("fetch('/timeline.json').then(function (r) { return r.json(); })")
    assert len(drawn) < len(every["items"])
    assert page.page.locator("#tf-actor").input_value() == khazali
    page.check_clean()


def test_timeline_draws_an_uncertain_date_dashed_and_a_known_day_solid(page: Page) -> None:
    """A range that only bounds an uncertain date (the Deir Al-Zour meeting: "recently", October 2023 to
    September 2024) must not look like a known span: vis-timeline's solid border overrode the dashed one."""
    page.goto("/timeline")
    page.wait_until("window.axiskgTimeline !== undefined")
    page.page.locator("#timeline .vis-item.uncertain").first.wait_for(state="attached", timeout=30_000)
    style = "function (el) { var s = getComputedStyle(el); return [s.borderTopStyle, s.backgroundColor]; }"
    uncertain = page.page.locator("#timeline .vis-item.uncertain")
    certain = page.page.locator("#timeline .vis-item:not(.uncertain)")
    assert uncertain.count() and certain.count()
    for i in range(uncertain.count()):
        assert uncertain.nth(i).evaluate(style)[0] == "dashed"
    assert all(certain.nth(i).evaluate(style)[0] != "dashed" for i in range(certain.count()))
    page.check_clean()


def test_ontology_term_anchor(page: Page) -> None:
    page.goto("/ontology#Claim")
    assert page.page.locator("article#Claim").count() == 1
    page.shot("ontology")
    page.check_clean()


def test_claim_page_reads_as_a_hedged_sourced_claim(page: Page) -> None:
    """A claimed statement's own page: a readable title, the hedge before the statement, the report and whom
    it cites in order, the labelled curator's note and the claim it disagrees with."""
    page.goto("/id/claim/000-proposal-speaker-hamidawi")
    h1 = page.page.locator("h1").inner_text()
    assert "000-proposal-speaker-hamidawi" not in h1 and "Ahmad Al-Hamidawi" in h1
    section = page.page.locator("#claim")
    statement = section.locator(".claim-statement").inner_text()
    assert statement.startswith("Claimed:")
    text = " ".join(section.inner_text().split())
    assert "citing Amwaj Media (2023-11-07), citing informed sources" in text
    assert "does not state this as plain fact" in text
    assert section.get_by_text("Curator's note").is_visible()
    other = page.page.locator("#conflicts a.claim-link")
    assert other.get_attribute("href") == "/id/claim/001-proposal-speaker-muhammadawi"
    page.shot("claim")
    page.check_clean()


def test_meeting_keeps_a_disputed_speaker_per_account(page: Page) -> None:
    page.goto("/id/meeting/khamenei-iraqi-session-2023")
    act = page.page.locator("ol.acts > li", has_text="plans to end the US presence").first
    summary = act.locator("p.statement").first.inner_text()
    assert "Hamidawi" not in summary and "Muhammadawi" not in summary
    accounts = [" ".join(t.split()) for t in act.locator(".account-statement").all_inner_texts()]
    assert len(accounts) == 2
    assert any("Al-Hamidawi" in a and "Muhammadawi" not in a for a in accounts)
    assert any("Muhammadawi" in a and "Hamidawi" not in a for a in accounts)
    assert act.locator("a.badge.conflict").first.is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    act.screenshot(path=str(ARTIFACTS / "meeting-disputed-speaker.png"))
    page.check_clean()


def test_timeline_says_how_many_items_lie_before_its_opening_window(page: Page) -> None:
    """It opens on the recent years: the 2003 invasion, the 2020 killings... were off screen with no cue."""
    page.goto("/timeline")
    page.wait_until("window.axiskgTimeline !== undefined")
    status = page.page.locator("#timeline-status").inner_text()
    start = page.page.evaluate("window.axiskgTimeline.getWindow().start.toISOString()")
    items = page.page.evaluate("fetch('/timeline.json').then(function (r) { return r.json(); })")["items"]
    before = [i for i in items if (i.get("end") or i["start"]) < start[:10]]
    assert before, "every item is in the opening window: nothing to say"
    assert f"({len(before)} of them before the part shown: drag right or zoom out to see them)" in status
    page.check_clean()
