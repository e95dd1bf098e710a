"""Push a release to any SPARQL 1.1 Graph Store HTTP Protocol endpoint, graph by graph, and check the counts.

Works with Oxigraph server (`/store` + `/query`), Apache Jena Fuseki (`/ds/data` + `/ds/query`), Virtuoso,
GraphDB... Each named graph is replaced with `PUT <url>?graph=<iri>` (N-Triples); then a SPARQL
`COUNT` per graph on the query endpoint must give the release's count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pyoxigraph as ox

from axiskg.errors import PublishError
from axiskg.release import Release, open_release

N_TRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"


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

    @property
    def ok(self) -> bool:
        return all(g.ok for g in self.graphs)

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


def _count(client: httpx.Client, query_url: str, graph: str) -> int:
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    r = client.post(query_url, data={"query": q}, headers={"Accept": SPARQL_JSON})
    if r.status_code >= 400:
        raise PublishError(f"the query endpoint {query_url} answered {r.status_code}: {r.text[:200].strip()}")
    bindings = r.json()["results"]["bindings"]
    return int(bindings[0]["n"]["value"]) if bindings else 0


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


def publish(
    release: str | Path | Release,
    url: str,
    *,
    query_url: str | None = None,
    timeout: float = 60.0,
    progress: Callable[[str], None] | None = None,
) -> PublishResult:
    """Replace each named graph of the release at the Graph Store endpoint `url`, then verify the counts.

    Raises PublishError when the target cannot be reached (then nothing is sent), refuses a graph,
    or holds different counts afterwards.
    """
    rel = release if isinstance(release, Release) else open_release(release)
    qurl = query_url or default_query_url(url)
    step = progress or (lambda _g: None)
    graphs = sorted(rel.graphs.items())
    result = PublishResult(url, qurl, rel.id)
    with httpx.Client(timeout=timeout) as client:
        _check_reachable(client, url, qurl)
        for graph, _n in graphs:
            step(graph)
            body = rel.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""
            try:
                r = client.put(
                    url, params={"graph": graph}, content=body, headers={"Content-Type": N_TRIPLES}
                )
            except httpx.HTTPError as exc:
                raise PublishError(f"sending graph <{graph}> to {url} failed: {exc}") from exc
            if r.status_code >= 400:
                raise PublishError(
                    f"{url} refused graph <{graph}> (HTTP {r.status_code}): {r.text[:200].strip()}; "
                    "is it a Graph Store Protocol endpoint that accepts writes?"
                )
        for graph, expected in graphs:
            result.graphs.append(GraphCount(graph, expected, _count(client, qurl, graph)))
    if not result.ok:
        wrong = ", ".join(f"<{g.graph}> {g.found} != {g.expected}" for g in result.graphs if not g.ok)
        raise PublishError(f"published, but the counts at {qurl} differ from the release: {wrong}")
    return result
