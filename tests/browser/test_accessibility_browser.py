"""Every kind of page of the site checked by axe-core (WCAG 2.0 and 2.1, levels A and AA, then axe's best
practices) in a real browser (Debian's chromium driven by Playwright, as test_pages_browser), plus what axe
cannot see: a skip link first in the tab order, a visible focus indicator (the editor's too) and the language
of the Arabic spellings of names.

axe-core is the npm package pinned in package.json (devDependencies), read from node_modules at run time,
never copied into the repository. Injected with evaluate(), which the browser's debugging protocol runs
outside the site's Content-Security-Policy (no inline scripts there)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from tests.browser.test_pages_browser import Page, browser  # noqa: F401 (the fixture)

from axiskg.release import Release
from axiskg.web.views.claims import claim_index
from axiskg.web.views.links import href

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

if not AXE.exists() and not os.environ.get("CI"):
    pytest.skip(
        f"{AXE} is missing (npm ci installs axe-core, a devDependency); required when CI is set",
        allow_module_level=True,
    )

# The inner DOM of third-party widgets, built by their code, is left out of the page's check: only what the
# widget draws inside our container; the container (its role and name) and everything around it are checked.
WIDGETS = {
    # YASGUI (@zazuko/yasgui): the tabs, the query editor (CodeMirror) and the results viewer; checked on its
    # own below (test_the_editor_widget_...), without the two rules its markup breaks
    "/query": ["#yasgui > *"],
    # vis-timeline (/timeline) and cytoscape (/network) pass as they are: their inner DOM stays checked
}

# Rules YASGUI's own markup breaks, which no stylesheet or label of ours can mend:
YASGUI_RULES_OFF = {
    # its tab bar (role=tablist) holds its "+" (add a tab) button beside the tabs
    "aria-required-children",
    # CodeMirror's scroller is not focusable; the keyboard scrolls it through CodeMirror's own text field
    "scrollable-region-focusable",
}

# Paths of the pages; a value starting with "report:" is filled in from the release.
PAGES = {
    "home": "/",
    "search": "/search?q=khazali",
    "person": "/id/person/qais-al-khazali",
    "organization": "/id/org/kataib-hezbollah",
    "meeting": "/id/meeting/khamenei-iraqi-session-2023",
    "claim": "/id/claim/000-proposal-speaker-hamidawi",
    "report": "report:",
    "graph": "/graph/derived",
    "network": "/network",
    "timeline": "/timeline",
    # one actor's meetings and events, and a filter the timeline ignores (its notice)
    "timeline-filtered": "/timeline?"
    + urlencode({"actor": "https://w3id.org/axiskg/id/person/qais-al-khazali", "report": "nobody"}),
    "disagreements": "/disagreements",
    "queries": "/queries",
    "named-query": "/queries/events-in-range?" + urlencode({"start": "2023-11-01", "end": "2023-12-31"}),
    # a query whose cells are lists of IRIs, each a link
    "who-met-whom": "/queries/who-met-whom?"
    + urlencode({"actor": "https://w3id.org/axiskg/id/person/hadi-al-ameri"}),
    "editor": "/query",
    "sparql": "/sparql",
    "ontology": "/ontology",
    "downloads": "/downloads",
    "not-found": "/nonexistent",
}

# What a page draws after its load event, before it is checked (window globals set by our scripts).
READY = {
    "/network": "window.axiskgNetwork && window.axiskgNetwork.nodes().length > 0",
    "/timeline": "window.axiskgTimeline && document.querySelector('#timeline .vis-item')",
    "/query": "window.axiskgYasgui && document.querySelector('#yasgui .yasqe')",
}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (axe-core is a devDependency in package.json)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def page(browser: Any, server_url: str) -> Iterator[Page]:  # noqa: F811
    p = Page(browser, server_url, viewport={"width": 1280, "height": 900})
    try:
        yield p
    finally:
        p.context.close()


def run_axe(
    page: Page,
    source: str,
    *,
    include: str = "html",
    exclude: list[str] | None = None,
    tags: list[str] = TAGS,
    rules_off: set[str] | frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """axe's violations in `include` (a selector), the inner DOM of the `exclude` selectors left out."""
    if not page.page.evaluate("typeof window.axe !== 'undefined'"):
        page.page.evaluate(f"() => {{ {source}\n;window.axe = axe; }}")
    context = {"include": [[include]], "exclude": [[s] for s in exclude or []]}
    options = {
        "runOnly": {"type": "tag", "values": tags},
        "rules": {r: {"enabled": False} for r in rules_off},
        "resultTypes": ["violations"],
    }
    result = page.page.evaluate("([context, options]) => axe.run(context, options)", [context, options])
    return list(result["violations"])


def report(violations: list[dict[str, Any]]) -> str:
    """One block per rule: its id, impact and help, then the selectors of the failing elements."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])}] {v['helpUrl']}")
        for n in v["nodes"][:10]:
            target = " ".join(t if isinstance(t, str) else " >>> ".join(t) for t in n["target"])
            summary = " ".join((n.get("failureSummary") or "").split())
            lines.append(f"    {target}: {summary[:200]}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def page_path(name: str, release: Release) -> str:
    path = PAGES[name]
    if path == "report:":
        reports = sorted(claim_index(release).by_report)
        if not reports:
            pytest.skip("the release has no report with claims yet")
        return href(reports[0])
    return path


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_wcag_a_or_aa_violation(page: Page, release: Release, axe_source: str, name: str) -> None:
    path = page_path(name, release)
    response = page.page.goto(page.base + path, wait_until="load")
    expected = 404 if name == "not-found" else 200
    assert response is not None and response.status == expected, (
        f"{path}: HTTP {response and response.status}"
    )
    if name == "not-found":
        page.errors.clear()  # chromium logs the 404 of the page itself as a console error
    bare = path.split("?", 1)[0]
    if bare in READY:
        page.wait_until(READY[bare])
    violations = run_axe(page, axe_source, exclude=WIDGETS.get(bare))
    assert not violations, f"{path}: {len(violations)} WCAG A/AA rule(s) violated:\n" + report(violations)
    # axe's best practices beyond WCAG: landmarks (one main, unique names), heading order, a level-one heading
    practice = run_axe(page, axe_source, exclude=WIDGETS.get(bare), tags=["best-practice"])
    assert not practice, f"{path}: {len(practice)} best practice(s) not followed:\n" + report(practice)
    page.check_clean()


def test_the_editor_widget_has_no_wcag_violation_but_its_own_markup(page: Page, axe_source: str) -> None:
    """Inside YASGUI: our labels for its fields and our colours for its syntax highlighting and tabs, before
    and after a query runs (the results table); only the rules its own markup breaks are off."""
    page.goto("/query")
    page.wait_until(READY["/query"])
    loaded = run_axe(page, axe_source, include="#yasgui", rules_off=YASGUI_RULES_OFF)
    assert not loaded, "/query, the editor: WCAG A/AA rule(s) violated:\n" + report(loaded)
    examples = page.page.locator('button.example[data-name="claims-per-report"]')
    if examples.count() == 0:
        pytest.skip("no claims-per-report query in queries/")
    examples.click()
    page.page.locator(".yasqe_queryButton").last.click()
    page.page.locator(".yasr table tbody tr").first.wait_for(state="visible", timeout=30_000)
    ran = run_axe(page, axe_source, include="#yasgui", rules_off=YASGUI_RULES_OFF)
    assert not ran, "/query, the editor with results: WCAG A/AA rule(s) violated:\n" + report(ran)
    page.check_clean()


def test_the_skip_link_comes_first_and_shows_on_focus(page: Page) -> None:
    page.goto("/id/person/qais-al-khazali")
    page.page.keyboard.press("Tab")
    focused = page.page.evaluate(
        "(() => { const a = document.activeElement; const r = a.getBoundingClientRect();"
        " return [a.className, a.getAttribute('href'), a.textContent, r.left >= 0 && r.top >= 0"
        " && r.right <= innerWidth && r.width > 1]; })()"
    )
    assert focused[:3] == ["skip", "#main", "Skip to content"], focused
    assert focused[3], "the skip link stays off screen when focused"
    page.page.keyboard.press("Enter")
    assert page.page.evaluate("document.activeElement.id") == "main"
    page.check_clean()


FOCUS_STYLE = """el => { const s = getComputedStyle(el);
  return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2, shadow: s.boxShadow}; }"""


def test_links_and_buttons_show_where_the_keyboard_focus_is(page: Page) -> None:
    """Tab through the home page: every link, button and field reached shows an outline of 2 px or more."""
    page.goto("/")
    seen = 0
    for _ in range(30):
        page.page.keyboard.press("Tab")
        el = page.page.evaluate_handle("document.activeElement")
        tag = el.evaluate(
            "e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + e.textContent.trim()"
        )
        if tag.startswith("body"):
            break
        style = el.evaluate(FOCUS_STYLE)
        assert style["outline"], f"no visible focus indicator on {tag[:80]}: {style}"
        seen += 1
    assert seen >= 10
    page.check_clean()


def test_the_editor_shows_the_keyboard_focus_in_its_fields(page: Page) -> None:
    """YASGUI takes the outline off its fields and CodeMirror types into a hidden textarea: our sheet puts the
    ring back on YASGUI's fields and buttons, and around the editor box while its text field has the focus."""
    page.goto("/query")
    page.wait_until(READY["/query"])
    page.page.locator("a.example-page").last.focus()
    reached = []
    for _ in range(12):
        page.page.keyboard.press("Tab")
        where = page.page.evaluate(
            "(() => { const e = document.activeElement; if (!e.closest('#yasgui')) return '';"
            " return e.matches('.CodeMirror textarea') ? 'editor' : e.className || e.tagName; })()"
        )
        if not where:
            continue
        shown = "document.activeElement"
        if where == "editor":
            shown += ".closest('.CodeMirror')"
        style = page.page.evaluate_handle(shown).evaluate(FOCUS_STYLE)
        assert style["outline"], f"no visible focus indicator on {where}: {style}"
        reached.append(where)
        if where == "editor":
            page.page.keyboard.press("Escape")  # then Tab leaves the editor instead of indenting
    assert "autocomplete" in reached and "editor" in reached, reached
    page.check_clean()


def test_names_in_another_language_are_marked_with_it(page: Page) -> None:
    """An Arabic spelling such as "قيس الخزعلي" is read as Arabic (lang="ar"): on the entity page, and as
    the spelling a search matched."""
    arabic = "/[\\u0600-\\u06ff]/"
    script = (
        f"sel => Array.from(document.querySelectorAll(sel)).filter(e => {arabic}.test(e.textContent))"
        ".map(e => e.closest('[lang]').getAttribute('lang'))"
    )
    page.goto("/id/person/qais-al-khazali")
    langs = page.page.evaluate(f"({script})('.names li')")
    assert langs and set(langs) == {"ar"}, langs
    page.goto("/search?" + urlencode({"q": "قيس الخزعلي"}))
    langs = page.page.evaluate(f"({script})('.matched span')")
    assert langs == ["ar"], langs
    page.check_clean()
