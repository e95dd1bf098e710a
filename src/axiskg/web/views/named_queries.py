"""Canned queries from the repository's `queries/` folder: listing, running with parameters, editor text."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from axiskg.query import query as run_query
from axiskg.release import Release
from axiskg.web.limits import calls_service, check_query
from axiskg.web.sparql import run_in_worker
from axiskg.web.views import links
from axiskg.web.views.claims import PREDICATE_WORDS, claim_title, index_of, report_short
from axiskg.web.views.snapshot import snapshot

MAX_ROWS = 1000


def queries_dir(state: Any) -> Path:
    """Where the named queries are: the release's queries/ (a release carries the queries it was built with),
    else $AXISKG_QUERIES, else the checkout's queries/ (for releases built before they carried them)."""
    release = getattr(state, "release", None)
    shipped = getattr(release, "path", None)
    if isinstance(shipped, Path) and (shipped / "queries").is_dir():
        return shipped / "queries"
    env = os.environ.get("AXISKG_QUERIES")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[4] / "queries"
    if checkout.is_dir():
        return checkout
    return Path.cwd() / "queries"


def cell(release: Release, term: Any) -> dict[str, Any]:
    if term is None:
        return {"text": "", "href": None, "title": None}
    if isinstance(term, ox.NamedNode):
        snap = snapshot(release)
        label = snap.label(term.value) if snap.has(term.value) else links.curie(term.value)
        if term.value in PREDICATE_WORDS:  # a property as a value (who-met-whom's ?otherRole): its words
            label = PREDICATE_WORDS[term.value]
        if links.kind_of(term.value) == "report" and snap.has(term.value):
            label = report_short(snap, term.value)  # a column of reports stays narrow; the page has the title
        elif links.kind_of(term.value) == "claim" and term.value in (claims := index_of(snap).claims):
            label = claim_title(snap, claims[term.value])  # its statement in words, never the slug
        linked = links.is_local(term.value) or links.linkable(term.value)
        return {"text": label, "href": links.href(term.value) if linked else None, "title": term.value}
    if isinstance(term, ox.Literal):
        parts = _iri_parts(release, term)
        if parts:
            return {"text": term.value, "href": None, "title": None, "parts": parts}
        return {
            "text": term.value,
            "href": None,
            "title": links.curie(term.datatype.value) if term.datatype else None,
        }
    return {"text": str(term), "href": None, "title": None}


_IRI_TEXT = re.compile(r"https?://\S+")
_SEPARATORS = {">": " > "}  # meeting-attendees' ?chain: "report > source1 > source2"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _iri_parts(release: Release, term: ox.Literal) -> list[dict[str, Any]] | None:
    """A plain string of IRIs as GROUP_CONCAT or CONCAT writes them ("iri1 iri2", "iri1 > iri2"): each IRI
    its own cell (label and link), "; " or the separator between; None for any other string."""
    if term.datatype.value != XSD_STRING or term.language:
        return None
    tokens = term.value.split(" ")
    if not any(_IRI_TEXT.fullmatch(t) for t in tokens):
        return None
    parts: list[dict[str, Any]] = []
    after_iri = False
    for t in tokens:
        if t in _SEPARATORS:
            parts.append({"text": _SEPARATORS[t], "href": None, "title": None})
            after_iri = False
            continue
        if not _IRI_TEXT.fullmatch(t):
            return None
        try:
            node = ox.NamedNode(t)
        except ValueError:
            return None
        if after_iri:
            parts.append({"text": "; ", "href": None, "title": None})
        parts.append(cell(release, node))
        after_iri = True
    return parts


async def run_guarded(request: Any, release: Release, text: str) -> dict[str, Any]:
    """Run a named query's text, its parameters bound (`NamedQuery.with_values`, as `axiskg query --name`
    binds them: the page runs the very text that "Open in editor" carries), as the SPARQL endpoint runs any
    query: in a killable worker, under the deadline, the row cap, the client's fairness budget and the
    SERVICE policy. Falls back to `run` in an app that has no query server (the pages' own unit tests)."""
    server = getattr(request.app.state, "server", None)
    if server is None:
        return run(release, text)
    info = check_query(text, server.limits)
    req = {  # the worker's defaults apply: the union default graph, no dataset parameters
        "query": text,
        "format": "json",
        "max_rows": min(MAX_ROWS, server.settings.max_rows),
        "service": calls_service(text, info, server.limits),
    }
    body, _rows, truncated = await run_in_worker(request.scope, server, req, receive=request.receive)
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    out = _table(release, parsed)
    out["truncated"] = truncated or out["truncated"]
    return out


def run(release: Release, text: str) -> dict[str, Any]:
    """Run a named query's text on the release as `axiskg query` does (the union default graph, the
    contract's prefixes); a table for SELECT, a boolean for ASK, triples for CONSTRUCT."""
    return _table(release, run_query(release, text).raw)


def _table(release: Release, result: Any) -> dict[str, Any]:
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = []
        for i, sol in enumerate(result):
            if i >= MAX_ROWS:
                break
            rows.append([cell(release, sol[v]) for v in variables])
        return {"kind": "select", "variables": variables, "rows": rows, "truncated": len(rows) >= MAX_ROWS}
    if isinstance(result, ox.QueryBoolean):
        return {"kind": "ask", "value": bool(result)}
    rows = []
    for i, t in enumerate(result):
        if i >= MAX_ROWS:
            break
        rows.append([cell(release, t.subject), cell(release, t.predicate), cell(release, t.object)])
    return {
        "kind": "select",
        "variables": ["subject", "predicate", "object"],
        "rows": rows,
        "truncated": len(rows) >= MAX_ROWS,
    }
