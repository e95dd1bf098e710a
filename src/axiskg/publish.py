"""Push a release to any SPARQL 1.1 Graph Store HTTP Protocol endpoint, graph by graph, and check the counts.

Works with Oxigraph server (`/store` + `/query`), Apache Jena Fuseki (`/ds/data` + `/ds/query`), Virtuoso,
GraphDB... Steps:

1. the query endpoint must answer (else nothing is sent), and the endpoint must accept a write: a probe graph
   is put and deleted, so that a read-only or unauthorised endpoint is found before any graph is replaced;
2. each named graph is replaced with `PUT <url>?graph=<iri>` (N-Triples): the source graphs first, then
   `graph/derived` and `graph/void`, which describe them;
3. the graphs under the project's namespace (`https://w3id.org/axiskg/graph/`) that the endpoint holds
   (`SELECT DISTINCT ?g` on the query endpoint) but the release lacks are removed (`DELETE ?graph=<iri>`);
   graphs outside the namespace are never touched;
4. a SPARQL `COUNT` per graph on the query endpoint must give the release's count (0 for a removed graph).

The Graph Store Protocol has no transactions: a failure in step 2 or 3 leaves some graphs replaced and others
not. The error says which; publishing again replaces every graph, so running it again once the cause is fixed
brings the endpoint to the release.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from axiskg import iris
from axiskg.errors import PublishError
from axiskg.release import Release, open_release

N_TRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"
PROBE_GRAPH = iris.GRAPH + "axiskg-publish-probe"
"""Put and deleted before anything else: the endpoint accepts writes. Under the namespace, so that a probe
left behind by a killed run is removed by the next publish like any graph the release lacks."""
LAST_GRAPHS = (iris.GRAPH_DERIVED, iris.GRAPH_VOID)
"""Sent after the source graphs: they are computed from them and describe them."""
NOT_ATOMIC = (
    "The Graph Store Protocol has no transactions, so the endpoint now mixes the two releases; "
    "fix the cause and run `axiskg publish` again: it replaces every graph, so running it again is safe"
)


@dataclass(frozen=True)
class GraphCount:
    graph: str
    expected: int
    found: int

    @property
    def ok(self) -> bool:
        return self.expected == self.found


@dataclass
class PublishResult:
    url: str
    query_url: str
    release_id: str
    graphs: list[GraphCount] = field(default_factory=list)
    removed: list[GraphCount] = field(default_factory=list)  # graphs the release lacks: expected 0

    @property
    def ok(self) -> bool:
        return all(g.ok for g in self.graphs) and all(g.ok for g in self.removed)

    @property
    def triples(self) -> int:
        return sum(g.found for g in self.graphs)


def default_query_url(store_url: str) -> str:
    """The query endpoint next to a Graph Store endpoint: `.../store` or `.../data` -> `.../query`."""
    parts = urlsplit(store_url)
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    path = f"{head}/query" if last in ("store", "data", "rdf-graphs", "") else f"{path}/query"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def upload_order(graphs: list[str]) -> list[str]:
    """The source graphs in name order, then graph/derived and graph/void (computed from them)."""
    return sorted(graphs, key=lambda g: (LAST_GRAPHS.index(g) if g in LAST_GRAPHS else -1, g))


def _select(client: httpx.Client, query_url: str, query: str) -> list[dict[str, dict[str, str]]]:
    try:
        r = client.post(query_url, data={"query": query}, headers={"Accept": SPARQL_JSON})
    except httpx.HTTPError as exc:
        raise PublishError(f"the query endpoint {query_url} failed: {exc}") from exc
    if r.status_code >= 400:
        raise PublishError(f"the query endpoint {query_url} answered {r.status_code}: {r.text[:200].strip()}")
    bindings: list[dict[str, dict[str, str]]] = r.json()["results"]["bindings"]
    return bindings


def _count(client: httpx.Client, query_url: str, graph: str) -> int:
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    bindings = _select(client, query_url, q)
    return int(bindings[0]["n"]["value"]) if bindings else 0


def held_graphs(client: httpx.Client, query_url: str, namespace: str = iris.GRAPH) -> list[str]:
    """The non-empty named graphs under `namespace` that the endpoint holds (SPARQL, so any store)."""
    q = f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{namespace}")) }}'
    found = [b["g"]["value"] for b in _select(client, query_url, q) if b.get("g", {}).get("type") == "uri"]
    return sorted(g for g in found if g.startswith(namespace))  # a store that ignored the FILTER


def _check_reachable(client: httpx.Client, url: str, query_url: str) -> None:
    try:
        r = client.post(query_url, data={"query": "ASK { }"}, headers={"Accept": SPARQL_JSON})
    except httpx.HTTPError as exc:
        raise PublishError(
            f"cannot reach {query_url} ({exc.__class__.__name__}: {exc}); check the URL and that the server "
            f"is running (give --query-url if it is not next to {url}). Nothing was published"
        ) from exc
    if r.status_code >= 400:
        raise PublishError(
            f"{query_url} is not a SPARQL query endpoint (HTTP {r.status_code}); give the right one with "
            "--query-url. Nothing was published"
        )


def _remove(client: httpx.Client, url: str, graph: str) -> httpx.Response:
    """DELETE the graph; an endpoint that does not offer DELETE (405, 501) gets it emptied by a PUT of no
    triples instead (an empty graph is no graph to a SPARQL query)."""
    r = client.delete(url, params={"graph": graph})
    if r.status_code in (405, 501):
        r = client.put(url, params={"graph": graph}, content=b"", headers={"Content-Type": N_TRIPLES})
    return r


def _check_writable(client: httpx.Client, url: str) -> None:
    """Put and delete a one-triple probe graph: a read-only or unauthorised endpoint fails here, before
    any graph of the release is replaced."""
    probe = ox.NamedNode(PROBE_GRAPH)
    body = f"{probe} {probe} {ox.Literal('axiskg publish probe')} .\n".encode()
    try:
        r = client.put(url, params={"graph": PROBE_GRAPH}, content=body, headers={"Content-Type": N_TRIPLES})
        if r.status_code < 400:
            r = _remove(client, url, PROBE_GRAPH)
    except httpx.HTTPError as exc:
        raise PublishError(f"cannot write to {url} ({exc}). Nothing was published") from exc
    if r.status_code >= 400:
        raise PublishError(
            f"{url} refused a write (HTTP {r.status_code} for {r.request.method} of the probe graph "
            f"<{PROBE_GRAPH}>): {r.text[:200].strip()}; is it a Graph Store Protocol endpoint that accepts "
            "writes (the Fuseki dataset's /data, Oxigraph's /store)? Nothing was published"
        )


def _graph_list(graphs: list[str]) -> str:
    return ", ".join(f"<{g}>" for g in graphs) if graphs else "none"


def _partial(
    what: str, done: list[str], pending: list[str], removals: list[str] | None = None
) -> PublishError:
    """The error of a publish that failed part-way: what was replaced, what was not, how to recover."""
    message = f"{what}. Already replaced ({len(done)}): {_graph_list(done)}; not replaced ({len(pending)}): "
    message += _graph_list(pending)
    if removals:
        message += f"; not yet removed ({len(removals)}): {_graph_list(removals)}"
    return PublishError(f"{message}. {NOT_ATOMIC}")


def publish(
    release: str | Path | Release,
    url: str,
    *,
    query_url: str | None = None,
    timeout: float = 60.0,
    progress: Callable[[str], None] | None = None,
) -> PublishResult:
    """Replace each named graph of the release at the Graph Store endpoint `url`, remove the graphs under
    the project's namespace that the release lacks, then verify the counts.

    Raises PublishError when the target cannot be reached or refuses writes (then nothing is sent), refuses
    a graph part-way (the message lists the graphs already replaced and the others), or holds different
    counts afterwards.
    """
    rel = release if isinstance(release, Release) else open_release(release)
    qurl = query_url or default_query_url(url)
    step = progress or (lambda _g: None)
    order = upload_order(list(rel.graphs))
    result = PublishResult(url, qurl, rel.id)
    with httpx.Client(timeout=timeout) as client:
        _check_reachable(client, url, qurl)
        _check_writable(client, url)
        stale = [g for g in held_graphs(client, qurl) if g not in rel.graphs]
        done: list[str] = []
        for i, graph in enumerate(order):
            step(graph)
            pending = order[i:]
            body = rel.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""
            try:  # one graph's body in memory at a time
                r = client.put(
                    url, params={"graph": graph}, content=body, headers={"Content-Type": N_TRIPLES}
                )
            except httpx.HTTPError as exc:
                raise _partial(f"sending graph <{graph}> to {url} failed: {exc}", done, pending) from exc
            if r.status_code >= 400:
                raise _partial(
                    f"{url} refused graph <{graph}> (HTTP {r.status_code}): {r.text[:200].strip()}",
                    done,
                    pending,
                )
            done.append(graph)
        for i, graph in enumerate(stale):
            try:
                r = _remove(client, url, graph)
            except httpx.HTTPError as exc:
                what = f"removing graph <{graph}> (not in the release) from {url} failed: {exc}"
                raise _partial(what, done, [], stale[i:]) from exc
            if r.status_code >= 400 and r.status_code != 404:  # 404: already gone
                raise _partial(
                    f"{url} refused to remove graph <{graph}> (not in the release; HTTP {r.status_code}): "
                    f"{r.text[:200].strip()}",
                    done,
                    [],
                    stale[i:],
                )
        for graph in order:
            result.graphs.append(GraphCount(graph, rel.graphs[graph], _count(client, qurl, graph)))
        for graph in stale:
            result.removed.append(GraphCount(graph, 0, _count(client, qurl, graph)))
    if not result.ok:
        wrong = ", ".join(
            f"<{g.graph}> {g.found} != {g.expected}" for g in result.graphs + result.removed if not g.ok
        )
        raise PublishError(f"published, but the counts at {qurl} differ from the release: {wrong}")
    return result
