"""The SPARQL 1.1 Protocol (query operation only) at /sparql, and its service description.

The endpoint works on the ASGI scope, a dict of the request's headers and its body, and answers with
(status, raw headers, body): app.App calls it that way for GET and POST /sparql without building a
starlette Request or Response (~25 us of a ~80 us lookup); `sparql_endpoint` is the same for starlette's
router (HEAD, an app mounted under a root path)."""

from __future__ import annotations

import asyncio
import codecs
import re
import time
from typing import Any, NamedTuple

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope

from axiskg.iris import PREFIXES
from axiskg.web.bounded import inline_estimate
from axiskg.web.http import (
    PRECONDITION_FAILED,
    VARY_ACCEPT,
    HTTPError,
    client_id,
    conditional,
    error_response,
    etag,
    header_map,
    not_modified,
    precondition,
    remember_raw,
)
from axiskg.web.limits import ABSOLUTE_IRI, QueryRefusedError, calls_service, check_query
from axiskg.web.negotiation import ASK_OFFERS, GRAPH_OFFERS, RESULTS_OFFERS, SD_OFFERS, Offer, negotiate
from axiskg.web.results import has_prefixed_names
from axiskg.web.workers import (
    NoWorkerFreeError,
    PoolClosedError,
    QueryTimeoutError,
    WorkerCrashedError,
    execute,
)

RawHeaders = list[tuple[bytes, bytes]]
Answer = tuple[int, RawHeaders, bytes]

_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
FORMAT_ALIASES = {
    "turtle": "ttl",
    "n-triples": "nt",
    "ntriples": "nt",
    "json-ld": "jsonld",
    "rdfxml": "rdf",
    "rdf+xml": "rdf",
    "xml-rdf": "rdf",
    "n-quads": "nq",
    "nquads": "nq",
    "sparql-results+json": "json",
    "sparql-results+xml": "xml",
}
SD_DESCRIPTION = (
    "Read-only SPARQL 1.1 endpoint of the axiskg knowledge graph. The default graph is the union of all "
    "the release's named graphs; each named graph stays addressable with GRAPH, FROM / FROM NAMED and the "
    "default-graph-uri / named-graph-uri parameters (which never fetch remote data). SPARQL Update is "
    "refused. SERVICE is refused unless the endpoint is on the server's allowlist. Every query runs under "
    "a deadline and results are capped (X-SPARQL-Truncated header)."
)
ROW_CAP_NOTE = (
    "Every answer holds at most {max_rows} results (rows of a SELECT, triples of a CONSTRUCT or DESCRIBE). "
    "An answer cut at that cap says so only in its HTTP headers (X-SPARQL-Truncated: true, and a Warning), "
    "which a SERVICE call from another endpoint does not pass on: such a caller gets at most {max_rows} "
    "results without notice. Page with ORDER BY, LIMIT and OFFSET, or use the downloads, to get them all."
)
NO_QUERY = "no query given: send it as the `query` parameter or a POST body (SPARQL 1.1 Protocol §2.1)"
UPDATE_REFUSED = "SPARQL Update is refused: this endpoint is read-only and never executes updates"
_VARY_ACCEPT = (b"vary", VARY_ACCEPT)
_NO_STORE = (b"cache-control", b"no-store")
_UPDATE_PARAMS = frozenset(("update", "using-graph-uri", "using-named-graph-uri"))


def _unquote(raw: bytes) -> bytes:
    """unquote_to_bytes(raw with + as space) for input whose every % starts a valid escape (parse_form checks
    that first): each %XX becomes \\xXX for the C escape decoder (backslashes doubled), ~9x faster."""
    raw = raw.replace(b"+", b" ")
    if b"%" not in raw:
        return raw
    if b"\\" in raw:
        raw = raw.replace(b"\\", b"\\\\")
    return codecs.escape_decode(raw.replace(b"%", b"\\x"))[0]


def parse_form(raw: bytes, where: str) -> list[tuple[str, str]]:
    """application/x-www-form-urlencoded pairs, strictly: malformed %-escapes and invalid UTF-8 are errors."""
    if _BAD_PERCENT.search(raw):
        raise HTTPError(400, f"malformed percent-encoding in the {where}", reason="encoding")
    pairs: list[tuple[str, str]] = []
    for part in raw.split(b"&"):
        if not part:
            continue
        k, _, v = part.partition(b"=")
        try:
            key = _unquote(k).decode("utf-8")
            value = _unquote(v).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HTTPError(400, f"the {where} is not valid UTF-8: {exc}", reason="encoding") from exc
        pairs.append((key, value))
    return pairs


def _charset_ok(content_type: str) -> bool:
    for param in content_type.split(";")[1:]:
        k, _, v = param.strip().partition("=")
        if k.strip().lower() == "charset" and v.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
            "us-ascii",
        ):
            return False
    return True


def post_media_type(headers: dict[bytes, bytes]) -> str:
    """The media type of a protocol POST, checked before its body is read; HTTPError for what the protocol
    forbids (no Content-Type, another charset than UTF-8, an update, an unknown media type)."""
    content_type = headers.get(b"content-type", b"").decode("latin-1")
    media = content_type.split(";")[0].strip().lower()
    if not media:
        raise HTTPError(
            400,
            "POST without Content-Type: send application/x-www-form-urlencoded or application/sparql-query",
            reason="media_type",
        )
    if not _charset_ok(content_type):
        raise HTTPError(
            400, f"unsupported charset in {content_type!r}: SPARQL requests are UTF-8", reason="encoding"
        )
    if media == "application/sparql-update":
        raise HTTPError(403, UPDATE_REFUSED, reason="update")
    if media not in ("application/x-www-form-urlencoded", "application/sparql-query"):
        raise HTTPError(
            400,  # the protocol's "400 for a wrong media type" (415 would also be fair HTTP)
            f"unsupported media type {media!r}: send application/x-www-form-urlencoded or "
            "application/sparql-query",
            reason="media_type",
        )
    return media


def protocol_params(
    query_string: bytes, media: str | None, body: bytes
) -> tuple[list[tuple[str, str]], list[str]]:
    """(parameters, queries) of a protocol request: its query string and, for a POST of `media` (checked by
    post_media_type), its body; raises HTTPError for what the protocol forbids."""
    params = parse_form(query_string, "query string") if query_string else []
    queries = [v for k, v in params if k == "query"]
    if media == "application/x-www-form-urlencoded":
        form = parse_form(body, "request body")
        params += form
        queries += [v for k, v in form if k == "query"]
    elif media == "application/sparql-query":
        try:
            queries.append(body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise HTTPError(400, f"the query is not valid UTF-8: {exc}", reason="encoding") from exc
    for k, _ in params:
        if k in _UPDATE_PARAMS:
            raise HTTPError(403, UPDATE_REFUSED, reason="update")
    return params, queries


def _graph_params(params: list[tuple[str, str]], name: str) -> list[str]:
    values = [v.strip() for k, v in params if k == name]
    for v in values:
        if not ABSOLUTE_IRI.match(v):
            raise HTTPError(400, f"{name} must be an absolute IRI, got {v!r}", reason="syntax")
    return values


def choose_offer(accept: str | None, params: list[tuple[str, str]], form: str | None) -> Offer:
    if form == "ASK":
        offers = ASK_OFFERS
    else:
        offers = GRAPH_OFFERS if form in ("CONSTRUCT", "DESCRIBE") else RESULTS_OFFERS
    for k, v in params:  # non-standard but common (?format=json, SPARQLWrapper's &output=turtle): honoured
        if k in ("format", "output"):  # when it names an offer, else Accept decides
            name = FORMAT_ALIASES.get(v.strip().lower(), v.strip().lower())
            for o in offers:
                if name in (o.name, o.media_type):
                    return o
    offer = negotiate(accept, offers)
    if offer is None:
        raise HTTPError(
            406,
            f"none of the accepted media types ({accept}) is offered for this query; offered: "
            + ", ".join(dict.fromkeys(o.media_type for o in offers)),
            reason="not_acceptable",
        )
    return offer


def _raw(response: Response) -> Answer:
    return response.status_code, response.raw_headers, bytes(response.body)


async def sparql_endpoint(request: Request) -> Response:
    """/sparql for starlette's router (HEAD, or an app mounted under a root path): `answer` in a Response."""
    headers = header_map(request.scope["headers"])
    media = None
    if request.method == "POST":
        try:
            media = post_media_type(headers)
        except HTTPError as exc:
            return _response(refused(request.app.state.server, exc, headers))
    body = await request.body() if media else b""
    return _response(await answer(request.app.state.server, request.scope, headers, media, body))


def _response(ans: Answer) -> Response:
    response = Response(status_code=ans[0])
    response.body = ans[2]
    response.raw_headers = ans[1]
    return response


def refused(server: Any, exc: HTTPError | QueryRefusedError, headers: dict[bytes, bytes]) -> Answer:
    """The error answer of a refused request, counted by reason."""
    if exc.reason:
        server.metrics.refuse(exc.reason)
    accept = headers.get(b"accept")
    extra = exc.headers if isinstance(exc, HTTPError) else None
    return _raw(error_response(exc.status, exc.message, accept.decode("latin-1") if accept else None, extra))


async def answer(
    server: Any,
    scope: Scope,
    headers: dict[bytes, bytes],
    media: str | None,
    body: bytes,
    receive: Receive | None = None,
) -> Answer:
    """The answer to a protocol request: `headers` as header_map gives them, `media` the POST's checked media
    type (post_media_type; None for a GET) and `body` its body; with `receive`, a query that goes to a worker
    is stopped when the client disconnects (ClientGoneError, see run_in_worker)."""
    prepared = answer_now(server, scope, headers, media, body)
    if isinstance(prepared, Work):
        return await answer_later(server, scope, headers, prepared, receive)
    return prepared


def answer_now(
    server: Any, scope: Scope, headers: dict[bytes, bytes], media: str | None = None, body: bytes = b""
) -> Answer | Work:
    """`answer`'s work but a worker's: the answer when it needs no waiting (an error, a cached answer, a 304,
    a query proved small and run inline), else the Work for a worker, which `answer_later` finishes."""
    try:
        return _prepare(server, scope, headers, media, body)
    except (HTTPError, QueryRefusedError) as exc:
        return refused(server, exc, headers)


async def answer_later(
    server: Any, scope: Scope, headers: dict[bytes, bytes], work: Work, receive: Receive | None = None
) -> Answer:
    """The answer to the Work of answer_now, run in a worker (see `answer` for `receive`)."""
    try:
        body, rows, truncated = await run_in_worker(scope, server, work.req, headers, receive)
    except (HTTPError, QueryRefusedError) as exc:
        return refused(server, exc, headers)
    return _complete(server, scope, headers, work, body, rows, truncated)


class Work(NamedTuple):
    """A query that runs in a worker, and what its answer needs afterwards."""

    req: dict[str, Any]
    state: Any
    key: tuple[Any, ...]
    cacheable: bool
    out: RawHeaders
    offer: Offer
    tag: str | None  # the answer's ETag (None: a new answer every time)


def _prepare(
    server: Any, scope: Scope, headers: dict[bytes, bytes], media: str | None, body: bytes
) -> Answer | Work:
    """Everything of a protocol request but running a query in a worker: the answer, or the work left."""
    settings = server.settings
    state = server.require()
    params, queries = protocol_params(scope.get("query_string", b""), media, body)
    if len(queries) > 1:
        raise HTTPError(
            400, f"{len(queries)} queries in one request: send exactly one 'query'", reason="syntax"
        )
    if not queries:
        if media is None and not params:
            return _raw(service_description(Request(scope), server, state))
        raise HTTPError(400, NO_QUERY, reason="syntax")
    query = queries[0]
    if not query or query.isspace():
        raise HTTPError(400, NO_QUERY, reason="syntax")
    default_graphs = named_graphs = None
    # parameters besides the query: the dataset's (a direct POST's query is its body, not a parameter)
    if len(params) > (0 if media == "application/sparql-query" else 1):
        default_graphs = _graph_params(params, "default-graph-uri")
        named_graphs = _graph_params(params, "named-graph-uri")
    info = check_query(query, server.limits)
    service = calls_service(query, info, server.limits)
    cacheable = info.cacheable and not service
    accept = headers.get(b"accept")
    offer = choose_offer(accept.decode("latin-1") if accept else None, params, info.form)
    key = (
        "sparql",
        query,
        tuple(default_graphs or ()),
        tuple(named_graphs or ()),
        offer.name,
        settings.max_rows,
    )
    if cacheable:
        tag = etag(state.id, *key, offer.media_type)  # one tag per Content-Type (RFC 9110 8.8.3)
        out = [
            (b"etag", tag.encode()),
            server.cache_control_header,
            _VARY_ACCEPT,
        ]
        if b"if-none-match" in headers:
            status = not_modified(headers, scope["method"], tag)
            if status == 304:
                return 304, out, b""
            if status == 412:
                raise HTTPError(412, PRECONDITION_FAILED)
        cached = state.cache.get(key)
    else:  # NOW(), RAND(), UUID(), SERVICE...: a new answer every time
        tag = None
        out = [_NO_STORE, _VARY_ACCEPT]
        cached = None
    if cached is not None:
        server.metrics.cache_hits += 1
        body, rows, truncated = cached
        work = Work({}, state, key, True, out, offer, tag)
        return _complete(server, scope, headers, work, body, rows, truncated, from_cache=True)
    req = {
        "query": query,
        "format": offer.name,
        "max_rows": settings.max_rows,
        "default_graphs": default_graphs or [],
        "named_graphs": named_graphs or [],
        "union": not info.has_dataset,
        "service": service,
        "prefixes": True,
    }
    memo = info.memo
    if memo is not None:  # the same for every query of its template
        prefixed = memo.get("prefixed")
        if prefixed is None:
            prefixed = memo["prefixed"] = has_prefixed_names(query)
        req["prefixed"] = prefixed
    work = Work(req, state, key, cacheable, out, offer, tag)
    bound = None
    if (
        state.store is not None
        and not info.has_dataset
        and not default_graphs
        and not named_graphs
        and not info.mentions_service
    ):
        bound = inline_estimate(query, info.tokens, state.store, settings.inline_bound, state.hubs, info.memo)
    if bound is None:
        return work
    if bound.rows_never_empty and bound.rows <= settings.max_rows:
        req["count_json"] = True  # no row cap can apply: pyoxigraph may write SPARQL JSON itself
    body, rows, truncated = run_inline(scope, headers, server, state.store, req)
    return _complete(server, scope, headers, work, body, rows, truncated)


def _complete(
    server: Any,
    scope: Scope,
    headers: dict[bytes, bytes],
    work: Work,
    body: bytes,
    rows: int,
    truncated: bool,
    from_cache: bool = False,
) -> Answer:
    """The answer to a query that ran, or whose result was in the cache."""
    settings = server.settings
    state = work.state
    out = work.out
    if work.cacheable and not from_cache:
        server.metrics.cache_misses += 1
        state.cache.put(work.key, (body, rows, truncated), len(body))
    if conditional(headers):  # conditions not decided before the answer
        status = precondition(headers, scope["method"], work.tag)
        if status == 304:
            return 304, out, b""
        if status == 412:
            return refused(server, HTTPError(412, PRECONDITION_FAILED), headers)
    out.append((b"x-sparql-rows", str(rows).encode()))
    out.append((b"x-sparql-max-rows", str(settings.max_rows).encode()))
    if truncated:
        server.metrics.truncated += 1
        out.append((b"x-sparql-truncated", b"true"))
        warning = f'199 axiskg "results truncated at {settings.max_rows} rows (--max-rows)"'
        out.append((b"warning", warning.encode()))
    out.append((b"content-length", str(len(body)).encode()))
    out.append((b"content-type", work.offer.content_type.encode("latin-1")))
    if work.cacheable and scope["method"] == "GET":
        remember_raw(state, scope, headers, out, body, vary_accept=True)
    return 200, out, body


def run_inline(
    scope: Scope, headers: dict[bytes, bytes], server: Any, store: ox.Store, req: dict[str, Any]
) -> tuple[bytes, int, bool]:
    """Run a query that bounded.inline_estimate proved small, here and now, as a worker would run it; its
    time counts against the client's budget like a worker's."""
    fairness = server.fairness
    client = None
    if fairness.budget > 0:
        client = client_id(scope, server.settings.client_header, headers)
        fairness.check_budget(client)
    start = time.perf_counter()
    status, rows, truncated, body, error = execute(store, req)
    if client is not None:
        fairness.charge(client, time.perf_counter() - start)
    server.metrics.inline_queries += 1
    if error is not None:
        raise HTTPError(status, error[0], reason=error[1] or ("syntax" if status == 400 else ""))
    return body, rows, truncated


class ClientGoneError(Exception):
    """The client closed its connection before its query's answer was ready: there is nobody to answer."""


async def _client_gone(receive: Receive) -> None:
    """Returns when the client disconnects (the request's body has been read: receive() waits for that)."""
    for _ in range(2):
        if (await receive())["type"] == "http.disconnect":
            return
    await asyncio.Future()  # a server that never says: wait until cancelled


async def run_in_worker(
    scope: Scope,
    server: Any,
    req: dict[str, Any],
    headers: dict[bytes, bytes] | None = None,
    receive: Receive | None = None,
) -> tuple[bytes, int, bool]:
    """Run `req` in a query worker under the deadline and the client's fairness limits. With `receive`
    (the request's, its body already read), a client that disconnects stops its query: taken out of the
    queue, or left to finish within workers.ABANDON_GRACE, else its worker is killed (ClientGoneError)."""
    if receive is None:
        return await _run_in_worker(scope, server, req, headers)
    work = asyncio.ensure_future(_run_in_worker(scope, server, req, headers))
    gone = asyncio.ensure_future(_client_gone(receive))
    try:
        await asyncio.wait((work, gone), return_when=asyncio.FIRST_COMPLETED)
    except BaseException:  # this request was cancelled: so is its query
        work.cancel()
        raise
    finally:
        gone.cancel()
    if not work.done():
        work.cancel()
        await asyncio.wait((work,))  # its cleanup done (the queue left, the worker let finish or killed)
        server.metrics.client_gone += 1
        raise ClientGoneError
    return work.result()


async def _run_in_worker(
    scope: Scope, server: Any, req: dict[str, Any], headers: dict[bytes, bytes] | None
) -> tuple[bytes, int, bool]:
    settings = server.settings
    timeout = settings.timeout
    if req.get("service"):  # calls an allowlisted endpoint: the outbound call gets its own timeout
        timeout = min(timeout, settings.service_timeout)
    client = client_id(scope, settings.client_header, headers)
    server.fairness.check_budget(client)
    sem = server.fairness.slot(client)
    start = time.perf_counter()
    # the waits before the query runs (for this client's turn, then for a query worker) share one bound,
    # --timeout; the run has a deadline of its own
    wait_until = time.monotonic() + settings.timeout
    try:
        if sem is not None:
            try:
                await asyncio.wait_for(sem.acquire(), settings.timeout)
            except TimeoutError:
                raise HTTPError(
                    429,
                    f"too many queries at once from this client (at most {server.fairness.concurrency} run "
                    f"together, the others wait up to {settings.timeout:g} s); retry later",
                    {"Retry-After": str(max(1, int(settings.timeout)))},
                    reason="concurrency",
                ) from None
        try:
            for attempt in (1, 2):
                state = server.require()
                try:
                    answer = await state.pool.run(req, timeout, wait=wait_until - time.monotonic())
                    break
                except PoolClosedError:  # a new release replaced the pool while we waited: go again
                    if attempt == 2:
                        raise HTTPError(
                            503,
                            "the release changed twice while the query waited; retry",
                            {"Retry-After": "1"},
                        ) from None
        finally:
            if sem is not None:
                sem.release()
    except NoWorkerFreeError as exc:  # the others' queries held every worker: this one did not run
        raise HTTPError(
            503,
            f"the endpoint is busy: the query waited {settings.timeout:g} s, the longest a query waits for "
            "its turn and a free query worker, and did not run; retry later",
            {"Retry-After": str(max(1, int(timeout)))},
            reason="busy",
        ) from exc
    except QueryTimeoutError as exc:
        server.metrics.timeouts += 1
        server.fairness.charge(client, timeout)
        what = "every query" if timeout == settings.timeout else "queries that may call SERVICE"
        raise HTTPError(
            504,
            f"query timed out: {exc} (this endpoint stops {what} after {timeout:g} s; "
            "simplify it or add a LIMIT)",
        ) from exc
    except asyncio.CancelledError:  # the client went away: the time its query ran still counts
        server.fairness.charge(client, time.perf_counter() - start)
        raise
    except WorkerCrashedError as exc:
        raise HTTPError(
            500, f"{exc}; it was replaced, the server is fine. The query may be too complex."
        ) from exc
    server.fairness.charge(client, answer.elapsed)
    if not answer.ok:
        reason = answer.reason or ("syntax" if answer.status == 400 else "")
        raise HTTPError(answer.status, answer.message, reason=reason)
    return answer.body, answer.rows, answer.truncated


# ---------------------------------------------------------------- service description


def service_description(request: Request, server: Any, state: Any) -> Response:
    offer = negotiate(request.headers.get("accept"), SD_OFFERS)
    if offer is None:
        raise HTTPError(
            406,
            "the service description is offered as "
            + ", ".join(dict.fromkeys(o.media_type for o in SD_OFFERS)),
            reason="not_acceptable",
        )
    if offer.name == "html":  # a page of the site (its header, navigation and security headers)
        from axiskg.web.pages import render  # circular: pages imports the endpoint's helpers

        context = {"title": "SPARQL endpoint", "endpoint": str(request.url_for("sparql"))}
        return render(request, "sparql.html", context, headers={"Vary": "Accept"})
    settings = server.settings
    base = str(request.base_url)
    tag = etag(state.id, "sd", offer.media_type, base, settings.max_rows, server.limits.allow_service)
    headers = {"ETag": tag, "Cache-Control": settings.cache_control, "Vary": "Accept"}
    status = precondition(header_map(request.scope["headers"]), request.method, tag)
    if status == 304:
        return Response(status_code=304, headers=headers)
    if status == 412:
        raise HTTPError(412, PRECONDITION_FAILED)
    triples = service_description_triples(request, server, state)
    from axiskg.web.results import rdf_document

    body = rdf_document(  # in the order made: the service first
        triples,
        offer.name,
        {"sd": SD, "void": PREFIXES["void"], "dcterms": PREFIXES["dcterms"], "rdfs": PREFIXES["rdfs"]},
    )
    return Response(body, 200, headers, media_type=offer.content_type)


def service_description_triples(request: Request, server: Any, state: Any) -> list[ox.Triple]:
    n, lit = ox.NamedNode, ox.Literal
    endpoint = n(str(request.url_for("sparql")))
    void_url = n(str(request.base_url) + ".well-known/void")
    svc = ox.BlankNode("service")
    ds = ox.BlankNode("dataset")
    dg = ox.BlankNode("defaultGraph")
    t: list[ox.Triple] = [
        ox.Triple(svc, n(RDF_TYPE), n(SD + "Service")),
        ox.Triple(svc, n(SD + "endpoint"), endpoint),
        ox.Triple(svc, n(SD + "supportedLanguage"), n(SD + "SPARQL11Query")),
        ox.Triple(svc, n(SD + "feature"), n(SD + "UnionDefaultGraph")),
        ox.Triple(
            svc,
            n(PREFIXES["dcterms"] + "description"),
            lit(SD_DESCRIPTION, language="en"),
        ),
        ox.Triple(
            svc,
            n(PREFIXES["rdfs"] + "comment"),
            lit(ROW_CAP_NOTE.format(max_rows=server.settings.max_rows), language="en"),
        ),
        ox.Triple(svc, n(PREFIXES["rdfs"] + "seeAlso"), void_url),
        ox.Triple(svc, n(SD + "defaultDataset"), ds),
        ox.Triple(ds, n(RDF_TYPE), n(SD + "Dataset")),
        ox.Triple(ds, n(PREFIXES["rdfs"] + "seeAlso"), void_url),
        ox.Triple(ds, n(SD + "defaultGraph"), dg),
        ox.Triple(dg, n(RDF_TYPE), n(SD + "Graph")),
        ox.Triple(dg, n(PREFIXES["rdfs"] + "comment"), lit("union of all named graphs", language="en")),
    ]
    if server.limits.allow_service:  # else every SERVICE is refused
        t.append(ox.Triple(svc, n(SD + "feature"), n(SD + "BasicFederatedQuery")))
    triples_total = state.release.metadata.get("triples")
    if isinstance(triples_total, int):
        t.append(
            ox.Triple(
                dg,
                n(PREFIXES["void"] + "triples"),
                lit(str(triples_total), datatype=n(PREFIXES["xsd"] + "integer")),
            )
        )
    for o in RESULTS_OFFERS[:4] + GRAPH_OFFERS[:6]:
        fmt_iri = {
            "json": "SPARQL_Results_JSON",
            "xml": "SPARQL_Results_XML",
            "csv": "SPARQL_Results_CSV",
            "tsv": "SPARQL_Results_TSV",
            "ttl": "Turtle",
            "nt": "N-Triples",
            "jsonld": "JSON-LD",
            "rdf": "RDF_XML",
            "trig": "TriG",
            "nq": "N-Quads",
        }[o.name]
        t.append(ox.Triple(svc, n(SD + "resultFormat"), n("http://www.w3.org/ns/formats/" + fmt_iri)))
    for i, (g, count) in enumerate(sorted(state.release.metadata.get("graphs", {}).items())):
        if not g:
            continue
        ng, gn = ox.BlankNode(f"ng{i}"), ox.BlankNode(f"g{i}")
        t += [
            ox.Triple(ds, n(SD + "namedGraph"), ng),
            ox.Triple(ng, n(RDF_TYPE), n(SD + "NamedGraph")),
            ox.Triple(ng, n(SD + "name"), n(g)),
            ox.Triple(ng, n(SD + "graph"), gn),
            ox.Triple(gn, n(RDF_TYPE), n(SD + "Graph")),
            ox.Triple(
                gn, n(PREFIXES["void"] + "triples"), lit(str(count), datatype=n(PREFIXES["xsd"] + "integer"))
            ),
        ]
    return t
