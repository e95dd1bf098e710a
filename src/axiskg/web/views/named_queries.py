"""Canned queries from the repository's `queries/` folder: listing, running with parameters, editor text."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from axiskg import iris
from axiskg.query import query as run_query
from axiskg.release import Release
from axiskg.web import search
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


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_KIND_WORDS = {
    "person": "person",
    "organization": "org",
    "meeting": "meeting",
    "event": "event",
    "place": "place",
}


def param_kinds(param: Any, index: search.SearchIndex) -> set[str]:
    """The kinds of entity an IRI parameter takes, of those search knows: its default's, and those its label
    names as words ("The person or organization (IRI)": persons and organizations; "The entity": any)."""
    known = {e.kind for e in index.entries}
    words = set(re.findall(r"[a-z]+", (param.label or "").lower()))
    if "entity" in words:
        return known
    kinds = {k for k in [links.kind_of(param.default)] if k}
    kinds |= {kind for word, kind in _KIND_WORDS.items() if word in words}
    return kinds & known


def resolve_names(
    release: Release, params: list[Any], values: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """IRI parameters given as a prefixed name (`person:qais-al-khazali`, expanded) or, for a parameter of
    entities search knows (`param_kinds`), as a name ("Khazali"): the one entity of its kinds that search
    ranks first, said in a note ("Khazali" read as Qais Al-Khazali). A name that picks out no entity, or
    several equally well, raises NameNotFoundError with the candidates; any other value is left to the
    binding (which refuses what is not an IRI)."""
    resolved = dict(values)
    notes: list[str] = []
    index = search.search_index(release)
    for p in params:
        value = values.get(p.name, "").strip()
        if p.kind != "iri" or not value:
            continue
        if _SCHEME.match(value):
            prefix, _, local = value.partition(":")
            if prefix in _PREFIXED and not local.startswith("//"):
                resolved[p.name] = _PREFIXED[prefix] + local
                notes.append(f"{value} read as {resolved[p.name]}.")
            continue
        kinds = param_kinds(p, index)
        if not kinds:
            continue
        hits = [h for h in index.search(value, limit=len(index.entries)) if h.entry.kind in kinds]
        if not hits:
            raise NameNotFoundError(
                p.name, f"parameter '{p.name}': no {_kinds_text(kinds)} is named '{value}'"
            )
        best = [h for h in hits if h.score == hits[0].score]
        if len(best) > 1:
            names = "; ".join(f"{h.entry.label} ({h.entry.iri})" for h in best[:8])
            raise NameNotFoundError(p.name, f"parameter '{p.name}': '{value}' names several: {names}")
        resolved[p.name] = best[0].entry.iri
        notes.append(f"“{value}” read as {best[0].entry.label} ({best[0].entry.iri}).")
    return resolved, notes


# prefixed names a researcher may type: the data model's prefixes and the entity prefixes (person:, actor:...)
_PREFIXED = {**iris.PREFIXES, **iris.ENTITY_PREFIXES}


def _kinds_text(kinds: set[str]) -> str:
    words = {v: k for k, v in _KIND_WORDS.items()}
    return " or ".join(words.get(k, k) for k in sorted(kinds)) if len(kinds) <= 3 else "entity"


class NameNotFoundError(ValueError):
    """A name given for an IRI parameter that picks out no one entity; `param` names the field."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


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
