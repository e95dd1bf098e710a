"""Dereferenceable IRIs (/id/..., /ontology, /graph/...), VoID + DCAT at /.well-known/void, and /downloads."""

from __future__ import annotations

import atexit
import base64
import functools
import hashlib
import html
import json
import os
import re
import shutil
import string
import tempfile
import threading
import zlib
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from axiskg import iris
from axiskg.iris import PREFIXES
from axiskg.void import IANA_MEDIA_TYPES
from axiskg.web import pages
from axiskg.web.http import (
    GZIP_LEVEL,
    PRECONDITION_FAILED,
    HTTPError,
    accepts_gzip,
    error_response,
    etag,
    header_map,
    not_modified,
    precondition,
    remember,
)
from axiskg.web.negotiation import EXTENSION_TO_OFFER, GRAPH_OFFERS, LD_OFFERS, Offer, negotiate
from axiskg.web.results import rdf_document, reading_order
from axiskg.web.sparql import run_in_worker
from axiskg.web.views.snapshot import per_release, snapshot

AXO = iris.AXO
# What a consumer needs in one request: the entity's own triples, the claims about it with their provenance
# (hedge, quote, report, attribution chain, asserted situation), labels of everything linked, incoming links.
DESCRIBE_ENTITY = """
PREFIX axo: <{axo}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
CONSTRUCT {{
  <{iri}> ?p ?o . ?o rdfs:label ?ol .
  ?c ?cp ?co . ?co rdfs:label ?col .
  ?n ?np ?no . ?no rdfs:label ?nol .
  ?l rdf:first ?f ; rdf:rest ?r . ?f rdfs:label ?fl .
  ?in ?ip <{iri}> . ?in rdfs:label ?inl .
}} WHERE {{
  {{ <{iri}> ?p ?o . OPTIONAL {{ ?o rdfs:label ?ol }} }}
  UNION {{ <{iri}> ?p ?chain . FILTER(isBlank(?chain)) ?chain rdf:rest* ?l .
           ?l rdf:first ?f ; rdf:rest ?r . OPTIONAL {{ ?f rdfs:label ?fl }} }}
  UNION {{ ?c axo:claimAbout <{iri}> ; ?cp ?co . OPTIONAL {{ ?co rdfs:label ?col }} }}
  UNION {{ ?c axo:claimAbout <{iri}> ; axo:asserts ?n . ?n ?np ?no . OPTIONAL {{ ?no rdfs:label ?nol }} }}
  UNION {{ ?c axo:claimAbout <{iri}> ; axo:attributionChain ?chain . ?chain rdf:rest* ?l .
           ?l rdf:first ?f ; rdf:rest ?r . OPTIONAL {{ ?f rdfs:label ?fl }} }}
  UNION {{ ?in ?ip <{iri}> . FILTER(?ip != axo:claimAbout && !isBlank(?in))
           OPTIONAL {{ ?in rdfs:label ?inl }} }}
}}
"""
DESCRIBE_GRAPH = "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
_NOT_FOUND_BODY = {
    "ttl": "# no description of <{iri}> in this release\n",
    "nt": "# no description of <{iri}> in this release\n",
    "jsonld": "[]\n",
    "rdf": '<?xml version="1.0"?>\n<!-- no description of {iri} in this release -->\n'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
}


_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")


def _decode_run(match: re.Match[str]) -> str:
    run = match.group()
    try:
        text = bytes.fromhex(run.replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return run.upper()
    return "".join(c if ord(c) > 127 or c in _UNRESERVED else f"%{ord(c):02X}" for c in text)


def iri_path(raw: str) -> str | None:
    """The IRI form of a URL path (RFC 3987 section 3.2): the percent-encoded UTF-8 of non-ASCII and of
    unreserved characters decoded, every other escape kept (an encoded slash or space is neither a separator
    nor a space: /id/person%2Fx is not /id/person/x); None when a % begins no escape."""
    if "%" not in raw:
        return raw
    if _BAD_PERCENT.search(raw):
        return None
    return _PERCENT_RUN.sub(_decode_run, raw)


def _is_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def _raw_path(request: Request) -> str:
    """The request's path as sent (percent-encoded), without the app's root path."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else str(request.scope["path"])
    return path.removeprefix(request.scope.get("root_path", ""))


def _split_extension(path: str) -> tuple[str, Offer | None]:
    for ext, offer in EXTENSION_TO_OFFER.items():
        if path.endswith(ext):
            return path[: -len(ext)], offer
    return path, None


def _choose(request: Request, forced: Offer | None) -> Offer:
    if forced is not None:
        return forced
    offer = negotiate(request.headers.get("accept"), LD_OFFERS)
    if offer is None:
        raise HTTPError(
            406,
            "offered: " + ", ".join(dict.fromkeys(o.media_type for o in LD_OFFERS)),
            reason="not_acceptable",
        )
    return offer


def _refused(request: Request, exc: HTTPError) -> Response:
    """The error answer of a refused request, counted by reason in /metrics (as sparql.refused)."""
    if exc.reason:
        request.app.state.server.metrics.refuse(exc.reason)
    return error_response(exc.status, exc.message, request.headers.get("accept"), exc.headers)


def _not_found(request: Request, offer: Offer, iri: str, headers: dict[str, str]) -> Response:
    """404 in the format asked for (for a browser, the site's error page); of `headers`, what an error
    carries (no validator, no Content-Location: there is no representation)."""
    kept = {k: v for k, v in headers.items() if k not in ("ETag", "Content-Location", "Link")}
    kept["Cache-Control"] = "no-cache"
    if offer.name == "html":
        return pages.not_found_page(request, f"Nothing is known about {iri} in this release.", kept)
    body = _NOT_FOUND_BODY.get(offer.name, "").format(iri=html.escape(iri))
    return Response(body, 404, kept, media_type=offer.content_type)


def _alternates(path: str, served: Offer) -> str:
    """The Link header (RFC 8288) naming a document's other representations, by their extensions: a client
    finds the Turtle or JSON-LD of a page, and the page of a Turtle document, without knowing the scheme."""
    return ", ".join(
        f'<{path}{ext}>; rel="alternate"; type="{offer.media_type}"'
        for ext, offer in EXTENSION_TO_OFFER.items()
        if offer.name != served.name
    )


def _precondition_failed(status: int, headers: dict[str, str], accept: str | None) -> Response:
    """The answer to a request whose precondition is false (http.precondition): 304 or 412."""
    if status == 304:
        return Response(status_code=304, headers=headers)
    return error_response(412, PRECONDITION_FAILED, accept)


async def _describe(
    request: Request, iri: str, query: str, forced: Offer | None, html_iri: str | None = None
) -> Response:
    server = request.app.state.server
    state = server.require()
    offer = _choose(request, forced)
    headers = {"Cache-Control": server.settings.cache_control}
    path = _raw_path(request)
    if forced is None:
        headers["Vary"] = "Accept"
        headers["Content-Location"] = f"{path}.{offer.name}"  # the format-specific document
    else:
        path = path.removesuffix("." + forced.name)
    headers["Link"] = _alternates(path, offer)
    tag = etag(state.id, "ld", iri, offer.media_type)  # one tag per Content-Type (RFC 9110 8.8.3)
    headers["ETag"] = tag
    conditions = header_map(request.scope["headers"])
    status = not_modified(conditions, request.method, tag)
    if status is not None:
        return _precondition_failed(status, headers, request.headers.get("accept"))
    if offer.name == "html":
        ask = f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}"
        if html_iri is None:
            found = state.cache.get(("exists", iri))
            if found is None:
                body, _, _ = await run_in_worker(
                    request.scope,
                    server,
                    {"query": ask, "format": "json", "max_rows": 1},
                    receive=request.receive,
                )
                found = json.loads(body)["boolean"]
                state.cache.put(("exists", iri), found, 10)
            if not found:
                return _not_found(request, offer, iri, headers)
        response = await pages.render_entity(request, html_iri or iri)
        if response.status_code != 200:  # nothing known of it
            return _not_found(request, offer, iri, headers) if html_iri is None else response
        status = precondition(conditions, request.method, tag)
        if status is not None:
            return _precondition_failed(status, headers, request.headers.get("accept"))
        for k, v in headers.items():
            response.headers.setdefault(k, v)
        return response
    key = ("ld", iri, offer.name, server.settings.max_rows)
    answer = state.cache.get(key)
    if answer is None:
        req = {
            "query": query,
            "format": offer.name,
            "max_rows": server.settings.max_rows,
            "prefixes": True,
            "require_some": True,
            "reading_order": iri,  # the IRI described (an entity, a graph) first, each subject written once
        }
        answer = await run_in_worker(request.scope, server, req, receive=request.receive)
        state.cache.put(key, answer, len(answer[0]))
    body, rows, truncated = answer
    if rows == 0:
        return _not_found(request, offer, iri, headers)
    status = precondition(conditions, request.method, tag)
    if status is not None:
        return _precondition_failed(status, headers, request.headers.get("accept"))
    if truncated:
        headers["X-SPARQL-Truncated"] = "true"
    response = Response(body, 200, headers, media_type=offer.content_type)
    remember(state, request, response, vary_accept=forced is None)
    return response


async def entity(request: Request) -> Response:
    try:
        server = request.app.state.server
        path, forced = _split_extension(_raw_path(request).removeprefix("/id/"))
        decoded = iri_path(path)
        iri = server.settings.base_iri + "id/" + (path if decoded is None else decoded)
        if decoded is None or not _is_iri(iri):  # a malformed escape, a space...: nothing of ours is named so
            return _not_found(request, _choose(request, forced), iri, {} if forced else {"Vary": "Accept"})
        return await _describe(request, iri, DESCRIBE_ENTITY.format(axo=AXO, iri=iri), forced)
    except HTTPError as exc:
        return _refused(request, exc)


def _ontology_documents(state: Any, base: str) -> frozenset[str]:
    """The IRIs under <base>ontology/ that name something of the release, without their fragments: the
    documents of the hash namespaces (hedge: and role: terms are <base>ontology/hedge#..., whose document
    is <base>ontology/hedge), the version IRI..."""
    prefix = base + "ontology/"
    release = state.release

    def make() -> frozenset[str]:  # hedge: and role: terms may be declared by data/ files too
        snap = snapshot(release)
        named = {*snap.out, *snap.inc, *(p for po in snap.out.values() for p in po)}
        return frozenset(i.partition("#")[0] for i in named if i.startswith(prefix))

    return per_release("ontology_documents", release, make)


async def ontology(request: Request) -> Response:
    """/ontology and the documents under it (/ontology/hedge...): the ontology graph; 404 for any other."""
    try:
        server = request.app.state.server
        params = request.path_params
        name = "ontology"
        if "ext" in params:
            name += "." + params["ext"]
        elif "rest" in params:
            name += "/" + params["rest"]
        name, forced = _split_extension(name)
        base = server.settings.base_iri
        doc = base + "ontology"
        # the release's snapshot, built on first use off the event loop (the pages share it)
        documents = await run_in_threadpool(_ontology_documents, server.require(), base)
        if name != "ontology" and base + name not in documents:
            return _not_found(
                request, _choose(request, forced), base + name, {} if forced else {"Vary": "Accept"}
            )
        graph = iris.GRAPH_ONTOLOGY.replace(iris.BASE, base, 1)
        return await _describe(request, doc, DESCRIBE_GRAPH.format(graph=graph), forced, html_iri=doc)
    except HTTPError as exc:
        return _refused(request, exc)


async def graph(request: Request) -> Response:
    try:
        server = request.app.state.server
        name, forced = _split_extension(request.path_params["name"])
        g = server.settings.base_iri + "graph/" + name
        if g not in server.require().release.metadata.get("graphs", {}):
            offer = _choose(request, forced)
            return _not_found(request, offer, g, {"Vary": "Accept"})
        return await _describe(request, g, DESCRIBE_GRAPH.format(graph=g), forced, html_iri=g)
    except HTTPError as exc:
        return _refused(request, exc)


# ---------------------------------------------------------------- downloads and VoID

OCTET = "application/octet-stream"  # a file of no known text type: served as is, never compressed
MEDIA_TYPES = {
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".nt": "application/n-triples",
    ".json": "application/json",
    ".html": "text/html",
    "": "text/plain",
}


def download_files(state: Any) -> list[dict[str, Any]]:
    """Files of the release offered for download, with size and sha256 (from release.json when listed)."""
    cached = state.cache.get(("downloads",))
    if cached is not None:
        return list(cached)
    root: Path = state.release.path
    listed: dict[str, Any] = state.release.metadata.get("files", {}) or {}
    sums: dict[str, str] = {}
    sums_file = root / "SHA256SUMS"
    if sums_file.is_file():
        for line in sums_file.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2:
                sums[parts[1].lstrip("*").removeprefix("./")] = parts[0]
    out = []
    candidates = (
        sorted(p for p in (root / "dumps").glob("*") if p.is_file()) if (root / "dumps").is_dir() else []
    )
    candidates += [
        root / n
        for n in ("void.ttl", "validation.ttl", "validation.html", "release.json", "SHA256SUMS")
        if (root / n).is_file()
    ]
    for p in candidates:
        rel = p.relative_to(root).as_posix()
        meta = listed.get(rel) or listed.get(p.name) or {}
        sha = meta.get("sha256") or sums.get(rel) or sums.get(p.name)
        if not sha:
            h = hashlib.sha256()
            with p.open("rb") as f:
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    h.update(chunk)
            sha = h.hexdigest()
        out.append(
            {
                "name": rel,
                "bytes": p.stat().st_size,
                "sha256": sha,
                "media_type": MEDIA_TYPES.get(p.suffix, OCTET),
            }
        )
    state.cache.put(("downloads",), out, 100 * len(out))
    return out


async def downloads(request: Request) -> Response:
    server = request.app.state.server
    state = server.require()
    files = download_files(state)
    accept = request.headers.get("accept", "")
    headers = {
        "Vary": "Accept",
        "Cache-Control": server.settings.cache_control,
        "ETag": etag(state.id, "dl", accept, str(request.base_url)),  # its links name the host
    }
    status = precondition(header_map(request.scope["headers"]), request.method, headers["ETag"])
    if status is not None:
        return _precondition_failed(status, headers, accept)
    if "application/json" in accept and "text/html" not in accept:
        return Response(
            json.dumps(
                {
                    "release": state.id,
                    "files": [{**f, "url": str(request.url_for("download", name=f["name"]))} for f in files],
                },
                indent=2,
            ),
            headers=headers,
            media_type="application/json",
        )
    if "text/plain" in accept and "text/html" not in accept:
        return Response(
            "".join(f"{f['sha256']}  {f['name']}\n" for f in files), headers=headers, media_type="text/plain"
        )
    names = {f["name"] for f in files}
    return pages.render(
        request,
        "downloads.html",
        {
            "title": "Downloads",
            "files": files,
            "meta": state.release.metadata,
            "has": {n: n in names for n in ("SHA256SUMS", "void.ttl", "validation.html", "validation.ttl")},
            "url": lambda name: request.url_for("download", name=name).path,
            "base_url": str(request.base_url),
        },
        headers=headers,
    )


GZIP_CHUNK = 256 * 1024


_gzip_lock = threading.Lock()


@functools.cache
def _own_gzip_dir() -> Path:
    made = Path(tempfile.mkdtemp(prefix="axiskg-gzip-"))
    atexit.register(shutil.rmtree, made, True)
    return made


def _gzip_dir(run_dir: str) -> Path:
    """Where this server keeps the gzip of its downloads: the run directory its HTTP workers share (removed
    when it stops), or a directory of this process's (removed at exit)."""
    return Path(run_dir) if run_dir else _own_gzip_dir()


def _gzip_file(path: Path, sha256: str, folder: Path) -> Path:
    """The gzip of a release file, compressed once (named by the sha-256 of the file, so a file of any
    release, in any HTTP worker, is compressed once) and then served as a file by every request."""
    target = folder / f"gzip-{sha256}.gz"
    with _gzip_lock:  # requests that come while it is being made wait for it instead of compressing too
        if not target.is_file():
            part = target.with_name(f"{target.name}.{os.getpid()}.part")
            compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            with path.open("rb") as src, part.open("wb") as out:
                while chunk := src.read(GZIP_CHUNK):
                    out.write(compressor.compress(chunk))
                out.write(compressor.flush())
            os.replace(part, target)  # another HTTP worker sees the whole file or none
    return target


async def download(request: Request) -> Response:
    """A file of the release: gzipped for a client that accepts it (its own ETag, `"<sha-256>-gzip"`, and no
    Digest, which is of the identity bytes; compressed once, _gzip_file), except a Range request, which gets
    the identity bytes."""
    server = request.app.state.server
    state = server.require()
    name = request.path_params["name"]
    for f in download_files(state):
        if f["name"] == name:
            path = state.release.path / name
            stat = path.stat()
            conditions = header_map(request.scope["headers"])
            gzipped = (
                f["media_type"] != OCTET  # text: worth compressing
                and b"range" not in conditions
                and accepts_gzip(conditions.get(b"accept-encoding"))
            )
            headers = {
                "ETag": f'"{f["sha256"]}-gzip"' if gzipped else f'"{f["sha256"]}"',
                "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
                "Cache-Control": server.settings.cache_control,
                "Vary": "Accept-Encoding",
            }
            status = precondition(conditions, request.method, headers["ETag"], stat.st_mtime)
            if status is not None:
                return _precondition_failed(status, headers, request.headers.get("accept"))
            if gzipped:
                headers["Content-Encoding"] = "gzip"
                folder = _gzip_dir(server.settings.run_dir)
                gz = await run_in_threadpool(_gzip_file, path, f["sha256"], folder)
                return FileResponse(gz, headers=headers, media_type=f["media_type"])
            headers["Digest"] = "sha-256=" + base64.b64encode(bytes.fromhex(f["sha256"])).decode()
            return FileResponse(path, headers=headers, media_type=f["media_type"], stat_result=stat)
    if pages.wants_html(request):
        return pages.not_found_page(request, f"There is no file {name} in release {state.id}.")
    return error_response(404, f"no file {name!r} in release {state.id}; see /downloads")


def void_triples(request: Request, state: Any) -> list[ox.Triple]:
    n, lit = ox.NamedNode, ox.Literal
    rdf_type = n(PREFIXES["rdf"] + "type")
    void, dcat, dct, xsd = PREFIXES["void"], PREFIXES["dcat"], PREFIXES["dcterms"], PREFIXES["xsd"]
    spdx = "http://spdx.org/rdf/terms#"
    base_url = str(request.base_url)
    triples: list[ox.Triple] = []
    void_file = state.release.path / "void.ttl"
    datasets: list[Any] = []
    # the build's distributions by file name: this server gives them its own URLs, size and checksum
    described: dict[str, Any] = {}
    dumps: set[str] = set()  # the files the build names as data dumps (not the ontology's)
    if void_file.is_file():
        for q in ox.parse(path=str(void_file), format=ox.RdfFormat.TURTLE):
            if q.predicate == n(dcat + "downloadURL") and "/downloads/" in q.object.value:
                described[q.object.value.partition("/downloads/")[2]] = q.subject
                continue
            if q.predicate == n(void + "dataDump"):
                dumps.add(q.object.value.partition("/downloads/")[2])
                continue
            triples.append(ox.Triple(q.subject, q.predicate, q.object))
            if q.predicate == rdf_type and q.object == n(void + "Dataset"):
                datasets.append(q.subject)
    meta = state.release.metadata
    if not datasets:
        ds = n(request.app.state.server.settings.base_iri + "dataset")
        datasets = [ds]
        triples += [
            ox.Triple(ds, rdf_type, n(void + "Dataset")),
            ox.Triple(ds, rdf_type, n(dcat + "Dataset")),
            ox.Triple(
                ds,
                n(dct + "title"),
                lit("axiskg: a provenance-rich knowledge graph of the Axis of Resistance", language="en"),
            ),
            ox.Triple(ds, n(PREFIXES["owl"] + "versionInfo"), lit(state.id)),
            ox.Triple(ds, n(void + "uriSpace"), lit(request.app.state.server.settings.base_iri + "id/")),
        ]
        if meta.get("created"):
            triples.append(
                ox.Triple(ds, n(dct + "created"), lit(str(meta["created"]), datatype=n(xsd + "dateTime")))
            )
        if isinstance(meta.get("triples"), int):
            triples.append(
                ox.Triple(ds, n(void + "triples"), lit(str(meta["triples"]), datatype=n(xsd + "integer")))
            )
        for g, count in sorted(meta.get("graphs", {}).items()):
            if g:
                sub = n(g)
                triples += [
                    ox.Triple(ds, n(void + "subset"), sub),
                    ox.Triple(sub, rdf_type, n(void + "Dataset")),
                    ox.Triple(sub, n(void + "triples"), lit(str(count), datatype=n(xsd + "integer"))),
                ]
    ds = datasets[0]
    triples += [
        ox.Triple(ds, n(void + "sparqlEndpoint"), n(base_url + "sparql")),
        ox.Triple(ds, n(PREFIXES["rdfs"] + "seeAlso"), n(base_url + "sparql")),
    ]
    files = download_files(state)
    if not void_file.is_file():  # a release without the build's description: every RDF file of dumps/
        dumps = {f["name"] for f in files if f["name"].startswith("dumps/") and f["media_type"] != OCTET}
    for i, f in enumerate(files):
        url = n(base_url + "downloads/" + f["name"])
        dist, cs = described.get(f["name"]), ox.BlankNode(f"sum{i}")
        if dist is None:  # a file the build's description does not list (validation report, SHA256SUMS...)
            dist = n(f"{ds.value}#file-{re.sub(r'[^A-Za-z0-9]+', '-', f['name']).strip('-')}")
            triples += [
                ox.Triple(ds, n(dcat + "distribution"), dist),
                ox.Triple(dist, rdf_type, n(dcat + "Distribution")),
                ox.Triple(dist, n(dct + "title"), lit(f["name"])),
                ox.Triple(dist, n(dcat + "mediaType"), n(IANA_MEDIA_TYPES + f["media_type"])),
            ]
        triples += [
            ox.Triple(dist, n(dcat + "downloadURL"), url),
            ox.Triple(dist, n(dcat + "byteSize"), lit(str(f["bytes"]), datatype=n(xsd + "integer"))),
            ox.Triple(dist, n(spdx + "checksum"), cs),
            ox.Triple(cs, rdf_type, n(spdx + "Checksum")),
            ox.Triple(cs, n(spdx + "algorithm"), n(spdx + "checksumAlgorithm_sha256")),
            ox.Triple(cs, n(spdx + "checksumValue"), lit(f["sha256"], datatype=n(xsd + "hexBinary"))),
        ]
        if f["name"] in dumps:
            triples.append(ox.Triple(ds, n(void + "dataDump"), url))
    return triples


async def well_known_void(request: Request) -> Response:
    offer = negotiate(
        request.headers.get("accept"), [o for o in GRAPH_OFFERS if o.name not in ("trig", "nq")]
    )
    if offer is None:
        return error_response(
            406,
            "VoID is offered as Turtle, N-Triples, JSON-LD or RDF/XML",
            request.headers.get("accept"),
        )
    return _void(request, offer, {"Vary": "Accept"})


async def dataset(request: Request) -> Response:
    """The dataset's own IRI (<BASE>dataset, the subject of the VoID description): its VoID + DCAT
    description in the format asked for (by extension or Accept); a browser is sent to the home page,
    which describes the dataset for people."""
    try:
        _, forced = _split_extension(request.url.path)
        offer = _choose(request, forced)
    except HTTPError as exc:
        return _refused(request, exc)
    headers = {} if forced else {"Vary": "Accept"}
    if forced is None and "ext" in request.path_params:  # /dataset.xyz: no such document
        iri = request.app.state.server.settings.base_iri + "dataset." + request.path_params["ext"]
        return _not_found(request, offer, iri, headers)
    if offer.name == "html":
        return RedirectResponse("/", 303, headers)
    return _void(request, offer, headers)


def _void(request: Request, offer: Offer, headers: dict[str, str]) -> Response:
    server = request.app.state.server
    state = server.require()
    tag = etag(state.id, "void", offer.media_type, str(request.base_url))
    headers = {**headers, "ETag": tag, "Cache-Control": server.settings.cache_control}
    status = precondition(header_map(request.scope["headers"]), request.method, tag)
    if status is not None:
        return _precondition_failed(status, headers, request.headers.get("accept"))
    key = ("void", offer.name, str(request.base_url))
    body = state.cache.get(key)
    if body is None:  # the same for the whole release (a compacted JSON-LD document takes ~4 ms)
        triples = void_triples(request, state)
        first = triples[0].subject.value if triples and isinstance(triples[0].subject, ox.NamedNode) else None
        prefixes = {**PREFIXES, "spdx": "http://spdx.org/rdf/terms#"}
        body = rdf_document(reading_order(triples, first), offer.name, prefixes)
        state.cache.put(key, body, len(body))
    return Response(body, 200, headers, media_type=offer.content_type)
