"""Researchers' pages (HTML): home, search, query editor, canned queries, entity/meeting/report pages,
network, timeline and ontology. The server part mounts `ROUTES` and calls `render_entity` for entity IRIs.

Every page is server-rendered and works without JavaScript; the editor, network and timeline widgets
enhance a server-rendered fallback. All scripts and styles come from our own /static (no CDN)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin

import jinja2
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from axiskg import __version__, iris
from axiskg import queries as nq
from axiskg.dumps import DUMPS_DIR
from axiskg.errors import AxiskgError
from axiskg.release import Release
from axiskg.web import search
from axiskg.web.http import PAGE_SECURITY_HEADERS, HTTPError
from axiskg.web.limits import QueryRefusedError
from axiskg.web.views import links
from axiskg.web.views.claims import claim_index
from axiskg.web.views.disagreements import for_report
from axiskg.web.views.entity import entity_context
from axiskg.web.views.meeting import meeting_context, met_at_meetings
from axiskg.web.views.named_queries import queries_dir, run_guarded
from axiskg.web.views.network import in_network, network
from axiskg.web.views.ontology_doc import ontology
from axiskg.web.views.report import report_context
from axiskg.web.views.snapshot import AXO, RDFS, per_release, snapshot
from axiskg.web.views.timeline import TIMELINE_KINDS, on_timeline, timeline

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=jinja2.select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.globals.update(href=links.href, curie=links.curie, version=__version__, base=iris.BASE)

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def spell(n: int) -> str:
    """A count as prose writes it: `five` up to ten, digits from 11."""
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else f"{n:,}"


def reports_phrase(n: int | None, adjective: str = "") -> str:
    """`five reports`, `one report` (`five published reports` with an adjective): how many reports the graph
    is built from, in words (`published reports` when no release is loaded)."""
    if n is None:
        return "published reports"
    return " ".join(filter(None, (spell(n), adjective, "report" if n == 1 else "reports")))


# Kind segment -> template of its entity page.
TEMPLATE_BY_KIND: dict[str, str] = {"meeting": "meeting.html", "report": "report.html"}


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    release: Release | None = getattr(request.app.state, "release", None)
    ctx = {
        "request": request,
        "release_id": release.id if release else None,
        "path": request.url.path,
        # "built from five reports" in every page's description and footer: the release's count
        "reports_phrase": reports_phrase(counts(release)["reports"] if release else None),
    }
    ctx.update(context)
    return HTMLResponse(
        ENV.get_template(template).render(ctx),
        status_code=status_code,
        headers={**PAGE_SECURITY_HEADERS, **(headers or {})},
    )


def not_found_page(request: Request, message: str, headers: dict[str, str] | None = None) -> HTMLResponse:
    """The site's 404 page: what was not found, a search box and the ways on."""
    return render(
        request, "error.html", {"status": 404, "title": "Not found", "message": message}, 404, headers
    )


def wants_html(request: Request) -> bool:
    """Whether the client asks for a page (a browser's navigation names text/html; scripts send */*)."""
    return "text/html" in request.headers.get("accept", "")


async def not_found(request: Request, exc: Exception) -> Response:
    """A path the site does not have: the error page for a browser, else the plain text 404 it always was."""
    detail = getattr(exc, "detail", "Not Found")
    headers = dict(getattr(exc, "headers", None) or {})
    if wants_html(request):
        return not_found_page(request, f"There is no page at {request.url.path}.", headers)
    return PlainTextResponse(str(detail), 404, headers)


def _release(request: Request) -> Release:
    release: Release | None = getattr(request.app.state, "release", None)
    if release is None:
        raise HTTPException(503, "no release loaded")
    return release


# ---------------------------------------------------------------- home


def _closure(release: Release, roots: tuple[str, ...]) -> set[str]:
    snap = snapshot(release)
    out = set(roots)
    frontier = list(roots)
    while frontier:
        c = frontier.pop()
        for sub in snap.subjects(RDFS + "subClassOf", c):
            if sub not in out:
                out.add(sub)
                frontier.append(sub)
    return out


def _count(release: Release, roots: tuple[str, ...]) -> int:
    snap = snapshot(release)
    return len({s for c in _closure(release, roots) for s in snap.instances(c)})


def _listed(release: Release, kind: str) -> int:
    """How many entries `/search?kind=KIND` lists."""
    return sum(1 for e in search.search_index(release).entries if e.kind == kind)


def counts(release: Release) -> dict[str, int]:
    def make() -> dict[str, int]:
        return {
            "meetings": _count(release, (AXO + "Meeting",)),
            "claims": _count(release, (AXO + "Claim",)),
            "reports": _count(release, (AXO + "Report",)),
            # what the home page's cards link to lists: /search?kind=person, /search?kind=org
            **{
                name: _listed(release, kind)
                for name, kind in (("persons", "person"), ("organizations", "org"))
            },
        }

    return per_release("counts", release, make)


def downloads(release: Release) -> list[dict[str, Any]]:
    d = release.dumps_dir
    files = sorted(p for p in d.iterdir() if p.is_file()) if d.is_dir() else []
    return [
        {"name": p.name, "href": links.download(f"{DUMPS_DIR}/{p.name}"), "bytes": p.stat().st_size}
        for p in files
    ]


def _reports(release: Release) -> list[dict[str, Any]]:
    snap = snapshot(release)
    idx = claim_index(release)
    out = []
    for r in snap.instances(AXO + "Report"):
        issued = snap.value(r, "http://purl.org/dc/terms/issued")
        out.append(
            {
                "label": snap.label(r),
                "href": links.href(r),
                "issued": issued,
                "claims": len(idx.by_report.get(r, [])),
            }
        )
    out.sort(key=lambda x: (x["issued"] or "9999", x["label"]))
    return out


async def home(request: Request) -> Response:
    release = _release(request)
    meta = release.metadata
    n_reports = counts(release)["reports"]
    dataset = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": "axiskg: a provenance-rich knowledge graph of the Axis of Resistance",
        "description": "Actors, meetings, statements and events of the Iran-led 'Axis of Resistance' as "
        f"{reports_phrase(n_reports)} describe them, every claim with its source, "
        "attribution chain and hedge.",
        "url": iris.BASE,
        "version": meta.get("id"),
        "dateModified": meta.get("created"),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f["name"],
                "contentUrl": urljoin(str(request.base_url), f["href"]),
            }
            for f in downloads(release)
        ],
    }
    return render(
        request,
        "home.html",
        {
            "counts": counts(release),
            "published_reports": reports_phrase(n_reports, "published"),
            "meta": meta,
            "downloads": downloads(release),
            "reports": _reports(release),
            "kinds": search.KINDS,
            "json_ld": links.script_json(dataset, indent=1),
        },
    )


# ---------------------------------------------------------------- entity pages


async def render_entity(request: Request, iri: str) -> Response:
    """HTML face of an entity IRI: a kind-specific page for meetings and reports, else the entity page."""
    release = _release(request)
    if iri.rstrip("/#") == iris.ONTOLOGY or iri.startswith((iris.AXO, iris.HEDGE, iris.ROLE)):
        return await ontology_page(request)
    if iri.startswith(iris.GRAPH):
        return _graph_page(request, release, iri)
    snap = snapshot(release)
    if not snap.has(iri) and iri not in snap.inc:
        return not_found_page(request, f"Nothing is known about {iri} in this release.")
    index = claim_index(release)
    ctx = entity_context(snap, index, iri)
    ctx["in_network"] = in_network(release, iri)
    ctx["on_timeline"] = on_timeline(release, iri)
    if ctx["kind"] == "report":
        mine = next((r for r in for_report(release, None)["reports"] if r["id"] == iri), None)
        ctx["disagrees"] = (
            {"href": "/disagreements?" + urlencode({"report": iri}), "count": mine["count"]} if mine else None
        )
    has_query = (queries_dir(request.app.state) / "who-met-whom.rq").is_file()  # in the served release
    ctx["who_met"] = (
        links.query_page("who-met-whom", actor=iri) if has_query and met_at_meetings(snap, iri) else None
    )
    kind = ctx["kind"]
    if kind == "meeting":
        ctx.update(meeting_context(snap, index, iri))
    elif kind == "report":
        ctx.update(report_context(snap, index, iri))
    ctx["title"] = ctx["label"]
    return render(request, TEMPLATE_BY_KIND.get(kind, "entity.html"), ctx)


def _graph_page(request: Request, release: Release, iri: str) -> Response:
    graphs: dict[str, int] = release.metadata.get("graphs", {})
    if iri not in graphs:
        return not_found_page(request, f"No graph {iri} in this release.")
    name = iri[len(iris.GRAPH) :]
    return render(
        request,
        "graph.html",
        {
            "title": f"Graph {name}",
            "iri": iri,
            "name": name,
            "triples": graphs[iri],
            "formats": links.formats(iri),
            "graphs": sorted(graphs.items()),
        },
    )


# ---------------------------------------------------------------- queries


def _load_queries(request: Request) -> list[nq.NamedQuery]:
    return nq.load_queries(queries_dir(request.app.state))


def _query_json(q: nq.NamedQuery) -> dict[str, Any]:
    return {
        "name": q.name,
        "title": q.title,
        "description": q.description,
        "query": q.with_values({}),
        "params": [
            {"name": p.name, "kind": p.kind, "default": p.default, "label": p.label} for p in q.params
        ],
    }


VENDOR_FILES = ("yasgui.min.js", "yasgui.min.css", "cytoscape.min.js", "vis-timeline-graph2d.min.js")


def missing_vendor_files() -> list[str]:
    """Front-end packages the pages load that are not bundled into static/vendor (`npm ci` bundles them)."""
    return [name for name in VENDOR_FILES if not (STATIC_DIR / "vendor" / name).is_file()]


async def query_editor(request: Request) -> Response:
    queries = _load_queries(request)
    default = (
        iris.sparql_prefixes()
        + "\nSELECT ?entity ?label WHERE {\n  ?entity skos:prefLabel ?label .\n} LIMIT 25\n"
    )
    initial = request.query_params.get("query") or default
    return render(
        request,
        "query.html",
        {
            "title": "SPARQL query editor",
            "queries": queries,
            "config": links.script_json(
                {
                    "endpoint": "/sparql",
                    "initial": initial,
                    "default": default,
                    "base": iris.BASE,  # result links to our IRIs open this server's pages
                    "fromLink": "query" in request.query_params,
                    "prefixes": iris.PREFIXES,
                    "examples": [_query_json(q) for q in queries],
                }
            ),
            "initial": initial,
            "editor_bundled": "yasgui.min.js" not in missing_vendor_files(),
        },
    )


async def queries_list(request: Request) -> Response:
    return render(request, "queries.html", {"title": "Canned queries", "queries": _load_queries(request)})


async def named_query(request: Request) -> Response:
    release = _release(request)
    name = request.path_params["name"]
    try:
        query = nq.get_query(queries_dir(request.app.state), name)
    except AxiskgError as exc:
        return render(
            request, "error.html", {"status": 404, "title": "No such query", "message": str(exc)}, 404
        )
    values = {p.name: request.query_params[p.name] for p in query.params if request.query_params.get(p.name)}
    result: dict[str, Any] | None = None
    error = notice = error_param = None
    resolved: list[str] = []
    status = 200
    try:
        values, resolved = search.resolve_names(release, query.params, values)  # "Khazali" for a person's IRI
        # The text the page runs and "Open in editor" carries: the parameters bound once.
        editor_text = query.with_values(values)
        result = await run_guarded(request, release, editor_text)
    except (AxiskgError, SyntaxError, ValueError) as exc:
        error, status = str(exc), 400
        error_param = getattr(exc, "param", None)  # the field at fault, marked invalid on the form
        editor_text = query.text
    except (HTTPError, QueryRefusedError) as exc:  # deadline, fairness, SERVICE policy: as on /sparql
        if exc.reason == "service":  # the page is fine; this server does not federate with that endpoint
            notice = (
                f"{exc.message}. This server does not run it here: its operator may allow the endpoint "
                "with `axiskg serve --allow-service URL`; meanwhile, run it on an endpoint that federates "
                "(this site's editor sends it to this server, which refuses it too)."
            )
        else:
            error, status = exc.message, exc.status
    # IRI parameters get a pick list of the entities of their kinds (param_kinds), and take a name too.
    index = search.search_index(release)
    choices = {
        p.name: [(e.iri, e.label) for e in index.entries if e.kind in kinds]
        for p in query.params
        if p.kind == "iri" and (kinds := search.param_kinds(p, index))
    }
    return render(
        request,
        "named_query.html",
        {
            "title": query.title,
            "query": query,
            "values": {p.name: values.get(p.name, p.default) for p in query.params},
            "choices": choices,
            "result": result,
            "error": error,
            "error_param": error_param,
            "notice": notice,
            "resolved": resolved,
            "editor_href": "/query?" + urlencode({"query": editor_text}),
            # the same rows as files: /sparql honours ?format= (csv, tsv, json)
            "downloads": [
                (fmt, "/sparql?" + urlencode({"query": editor_text, "format": fmt}), f"{query.name}.{fmt}")
                for fmt in ("csv", "tsv", "json")
            ]
            if result and result.get("kind") != "ask"
            else [],
        },
        status,
    )


# ---------------------------------------------------------------- network, timeline, ontology


async def network_page(request: Request) -> Response:
    data = network(_release(request))
    snap = snapshot(_release(request))
    labels = {n["id"]: n for n in data["nodes"]}
    return render(request, "network.html", {"title": "Network", "data": data, "nodes": labels, "snap": snap})


async def network_json(request: Request) -> Response:
    return JSONResponse(network(_release(request)))


def _timeline(request: Request) -> dict[str, Any]:
    q = request.query_params
    return timeline(_release(request), q.get("kind"), q.get("actor"), q.get("report"))


async def timeline_page(request: Request) -> Response:
    data = _timeline(request)
    what = TIMELINE_KINDS[data["kind"]].lower() if data["kind"] else "meetings and events"
    parts = [what] if data["kind"] else []
    if data["actor"]:
        parts.append(data["actor"]["label"])
    if data["report"]:
        parts.append("according to " + data["report"]["short"])
    title = "Timeline: " + ", ".join(parts) if parts else "Timeline"
    # the kind links keep the other filters; the actor and report forms keep the kind
    keep = {k: data[k]["id"] for k in ("actor", "report") if data[k]}
    choices = [(None, "Meetings and events"), *((k, v + " only") for k, v in TIMELINE_KINDS.items())]
    kind_links = [
        {
            "label": label,
            "href": "/timeline" + ("?" + urlencode(q) if (q := ({"kind": k} if k else {}) | keep) else ""),
            "current": data["kind"] == k,
        }
        for k, label in choices
    ]
    applied = {k: v for k, v in (("kind", data["kind"]), *keep.items()) if v}
    query_string = "?" + urlencode(applied) if applied else ""
    ctx = {"title": title, "data": data, "what": what, "kind_links": kind_links, "query_string": query_string}
    return render(request, "timeline.html", ctx | {"reports": {r["id"]: r for r in data["reports"]}})


async def timeline_json(request: Request) -> Response:
    return JSONResponse(_timeline(request))


TIMELINE_CSV = ("id", "label", "kind", "type", "when", "not_before", "not_after", "precision", "inferred")


def _csv_cell(value: Any) -> str:
    text = "" if value is None else ("true" if value else "false") if isinstance(value, bool) else str(value)
    # a spreadsheet runs a cell that begins with = + - @ as a formula: such text is quoted (OWASP's advice)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


async def timeline_csv(request: Request) -> Response:
    """The page's rows for a spreadsheet: dated items in order, then the undated ones; the reports as IRIs
    and by publisher and date, and, with an actor, how each report names them, as `; `-separated text."""
    data = _timeline(request)
    short = {r["id"]: r["short"] for r in data["reports"]}
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    w.writerow([*TIMELINE_CSV, "reports", "according_to", *(["roles"] if data["actor"] else [])])
    for item in data["items"] + data["undated"]:
        row = [_csv_cell(item.get(k)) for k in TIMELINE_CSV]
        row += ["; ".join(item["reports"]), _csv_cell("; ".join(short[r] for r in item["reports"]))]
        if data["actor"]:
            hedged = [
                (r["role"], short[r["report"]], f" [{r['hedge']}]" if r["hedge"] else "")
                for r in item["roles"]
            ]
            row.append(_csv_cell("; ".join(f"{role}, according to {by}{h}" for role, by, h in hedged)))
        w.writerow(row)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="timeline.csv"'},
    )


async def disagreements_page(request: Request) -> Response:
    data = for_report(_release(request), request.query_params.get("report"))
    title = "Where the reports disagree" + (f": {data['report']['short']}" if data["report"] else "")
    return render(request, "disagreements.html", {"title": title, "data": data})


async def ontology_page(request: Request) -> Response:
    return render(request, "ontology.html", {"title": "Ontology", **ontology(_release(request))})


ROUTES: list[BaseRoute] = [
    Route("/", home, name="home"),
    Route("/search", search.search_page, name="search"),
    Route("/search.json", search.search_json, name="search_json"),
    Route("/query", query_editor, name="query"),
    Route("/queries", queries_list, name="queries"),
    Route("/queries/{name}", named_query, name="named_query"),
    Route("/network", network_page, name="network"),
    Route("/network.json", network_json, name="network_json"),
    Route("/timeline", timeline_page, name="timeline"),
    Route("/timeline.json", timeline_json, name="timeline_json"),
    Route("/timeline.csv", timeline_csv, name="timeline_csv"),
    Route("/disagreements", disagreements_page, name="disagreements"),
    Route("/ontology", ontology_page, name="ontology"),
    Mount("/static", app=StaticFiles(directory=str(STATIC_DIR), check_dir=False), name="static"),
]
