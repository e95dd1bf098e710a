"""In a real browser: the network's time filter, pages that fit a 375 px phone, the search landmarks' names
and the styled 404 page (Debian's chromium driven by Playwright, as test_pages_browser)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from tests.browser.test_pages_browser import Page, browser  # noqa: F401 (the fixture)

from axiskg.release import Release
from axiskg.web.views.network import network

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Any, server_url: str) -> Iterator[Page]:  # noqa: F811
    p = Page(browser, server_url, viewport={"width": 1280, "height": 900})
    try:
        yield p
    finally:
        p.context.close()


@pytest.fixture
def phone(browser: Any, server_url: str) -> Iterator[Page]:  # noqa: F811
    p = Page(browser, server_url, viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    try:
        yield p
    finally:
        p.context.close()


def _edge_ids(release: Release) -> tuple[str, str, str]:
    """A link that ended before 2024 (an end, no start), one that holds in 2024, and an undated one."""
    edges = network(release)["edges"]
    ended = next((e for e in edges if not e["start"] and e["end"] and e["end"][:4] < "2024"), None)
    during = next(
        (e for e in edges if e["start"] and e["start"][:4] <= "2024" <= (e["end"] or "9999")[:4]), None
    )
    undated = next((e for e in edges if not e["start"] and not e["end"]), None)
    if not (ended and during and undated):
        pytest.skip("the release lacks an ended, a current or an undated link")
    return ended["id"], during["id"], undated["id"]


def _shown(p: Page, edge_id: str) -> bool:
    return bool(p.page.evaluate(f"!window.axiskgNetwork.getElementById({edge_id!r}).hasClass('hidden')"))


def test_network_time_filter_hides_links_that_ended_before_the_period(page: Page, release: Release) -> None:
    ended, during, undated = _edge_ids(release)
    page.goto("/network")
    page.wait_until("window.axiskgNetwork && window.axiskgNetwork.edges().length > 0")
    assert _shown(page, ended) and _shown(page, during) and _shown(page, undated)
    page.page.fill('#network-filters input[name="from"]', "2024")
    page.page.fill('#network-filters input[name="to"]', "2024")
    page.page.locator('#network-filters input[name="to"]').dispatch_event("change")
    assert not _shown(page, ended), "a relation that ended before 2024 is still shown"
    assert _shown(page, during)
    assert _shown(page, undated)  # undated links are shown, and the form says so
    assert "without a date" in page.page.locator("#network-filters").inner_text()
    page.page.locator('#network-filters input[name="undated"]').uncheck()
    assert not _shown(page, undated)
    assert _shown(page, during)
    # the table of links, which keyboard and screen-reader users read, follows the filters too
    for edge, shown in ((ended, False), (during, True), (undated, False)):
        assert page.page.locator(f'#network-table tr[data-edge="{edge}"]').is_visible() == shown, edge
    visible = page.page.locator("#network-table tr[data-edge]:visible").count()
    drawn = page.page.evaluate("window.axiskgNetwork.edges(':visible').length")
    assert visible == drawn
    assert f"({drawn} of " in page.page.locator("#links-count").inner_text()
    page.shot("network-2024")
    # the filters are in the address: a reload (or a shared link) shows the same filtered view
    assert page.page.evaluate("location.search") == "?from=2024&to=2024&undated=0"
    page.page.reload(wait_until="load")
    page.wait_until("window.axiskgNetwork && window.axiskgNetwork.edges().length > 0")
    assert page.page.input_value('#network-filters input[name="from"]') == "2024"
    assert not page.page.locator('#network-filters input[name="undated"]').is_checked()
    assert not _shown(page, ended) and not _shown(page, undated) and _shown(page, during)
    page.check_clean()


def test_a_network_link_with_filters_opens_filtered(page: Page, release: Release) -> None:
    data = network(release)
    report = data["reports"][0]["id"]
    page.goto("/network?" + urlencode({"kind": "person", "report": report}))
    page.wait_until("window.axiskgNetwork && window.axiskgNetwork.edges().length > 0")
    assert page.page.locator("#nf-report").input_value() == report
    assert not page.page.locator('#network-filters input[value="meeting"]').is_checked()
    kinds = page.page.evaluate(
        "window.axiskgNetwork.nodes(':visible').map(function (n) { return n.data('kind'); })"
    )
    assert kinds and set(kinds) == {"person"}
    page.check_clean()


def test_the_network_centres_on_an_actor_from_its_page(page: Page, release: Release) -> None:
    """An actor's page links to the network centred on it: the actor, its links, the nodes at their ends."""
    khazali = "https://w3id.org/axiskg/id/person/qais-al-khazali"
    page.goto("/id/person/qais-al-khazali")
    page.page.locator('a[href^="/network?focus="]').click()
    page.page.wait_for_url(re.compile(r".*/network\?focus="))
    page.wait_until("window.axiskgNetwork && window.axiskgNetwork.edges().length > 0")
    assert page.page.locator("#nf-focus").input_value() == khazali
    shown = page.page.evaluate(
        "window.axiskgNetwork.edges(':visible')"
        ".map(function (e) { return [e.data('source'), e.data('target')]; })"
    )
    assert shown and all(khazali in pair for pair in shown)
    every = [e for e in network(release)["edges"] if khazali in (e["source"], e["target"])]
    assert len(shown) == len(every)
    # the table of links follows, and "Everyone" brings the whole network back
    assert page.page.locator("#network-table tr[data-edge]:visible").count() == len(shown)
    page.page.select_option("#nf-focus", "")
    assert page.page.evaluate("window.axiskgNetwork.edges(':visible').length") == len(
        network(release)["edges"]
    )
    assert "focus" not in page.page.evaluate("location.search")
    page.check_clean()


@pytest.mark.parametrize(
    "path",
    [
        "/network",
        "/ontology",
        "/graph/derived",
        "/downloads",
        "/disagreements",
        "/nonexistent",
        # the filter forms and the roles column
        "/timeline?actor=https%3A%2F%2Fw3id.org%2Faxiskg%2Fid%2Forg%2Fasaib-ahl-al-haq",
        "/disagreements?report=https%3A%2F%2Fw3id.org%2Faxiskg%2Fid%2Freport%2Famwaj-2023-11-07",
        "/queries/who-met-whom?actor=Khazali",
    ],
)
def test_pages_fit_a_375px_phone(phone: Page, path: str) -> None:
    response = phone.page.goto(phone.base + path, wait_until="load")
    assert response is not None and response.status in (200, 404)
    phone.page.wait_for_timeout(300)  # the network draws after its fetch
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{path} is {width} px wide at a 375 px viewport"
    phone.shot("phone" + path.split("?", 1)[0].replace("/", "-") + ("-filtered" if "?" in path else ""))


def test_a_report_page_fits_320px(phone: Page, release: Release) -> None:
    """400% zoom of a 1280 px window: the facts table's file names (003_fd42aa78df15322b.txt) made the page
    368 px wide."""
    phone.page.set_viewport_size({"width": 320, "height": 640})
    phone.goto("/search?kind=report")
    reports = phone.page.eval_on_selector_all("ol.hits a", "links => links.map(a => a.getAttribute('href'))")
    assert reports
    for path in reports:
        phone.goto(path)
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} is {width} px wide at 320 px"


@pytest.mark.parametrize("path", ["/", "/network", "/downloads"])
def test_search_landmarks_are_distinct(page: Page, path: str) -> None:
    page.goto(path)
    names = page.page.evaluate(
        "Array.from(document.querySelectorAll('[role=search], search'))"
        ".map(e => e.getAttribute('aria-label'))"
    )
    assert names and len(set(names)) == len(names), names


@pytest.mark.parametrize("path", ["/id/person/nobody", "/nonexistent"])
def test_a_404_is_a_page_of_the_site(page: Page, path: str) -> None:
    response = page.page.goto(page.base + path, wait_until="load")
    assert response is not None and response.status == 404
    page.errors.clear()  # chromium logs the 404 of the page itself as a console error
    assert page.page.locator("html").get_attribute("lang") == "en"
    assert page.page.get_by_role("navigation", name="Main").is_visible()
    assert page.page.locator("main h1").inner_text() == "Not found"
    page.page.get_by_role("link", name="Home", exact=True).first.wait_for()
    box = page.page.get_by_role("search", name="Search the graph")
    box.get_by_role("searchbox").fill("khazali")
    box.get_by_role("button").click()
    page.page.wait_for_url("**/search?q=khazali*")
    page.check_clean()
