"""Real SPARQL clients against a real server: SPARQLWrapper and rdflib's SPARQL store, other SPARQL engines
calling it in a federated query (SERVICE), over the tiny release and over the repository's own release."""

from __future__ import annotations

from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from servers import AX, ORG, native_oxigraph
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper


@pytest.mark.parametrize("method", ["GET", POST])
@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_select(tiny_url: str, method: str, fmt: str) -> None:
    sw = SPARQLWrapper(tiny_url + "/sparql")
    sw.setMethod(method)
    sw.setReturnFormat(fmt)
    sw.setQuery(f"SELECT ?l WHERE {{ <{AX}person/alice> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}")
    result = sw.query().convert()
    if fmt == JSON:
        assert [b["l"]["value"] for b in result["results"]["bindings"]] == ["Alice"]
    else:
        assert "Alice" in result.toxml()


def test_sparqlwrapper_construct_and_ask(tiny_url: str) -> None:
    sw = SPARQLWrapper(tiny_url + "/sparql")
    sw.setQuery(f"CONSTRUCT WHERE {{ <{AX}person/alice> ?p ?o }}")
    sw.setReturnFormat(TURTLE)
    g = rdflib.Graph().parse(data=sw.query().convert(), format="turtle")
    assert (rdflib.URIRef(AX + "person/alice"), rdflib.RDFS.label, rdflib.Literal("Alice", lang="en")) in g
    sw.setQuery("ASK { ?s ?p ?o }")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True


def test_sparqlwrapper_sees_errors(tiny_url: str) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sw = SPARQLWrapper(tiny_url + "/sparql")
    sw.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        sw.query()


def test_rdflib_sparql_store(tiny_url: str) -> None:
    store = SPARQLStore(tiny_url + "/sparql", returnFormat="json")
    g = rdflib.Graph(store)
    rows = list(g.query(f"SELECT ?o WHERE {{ <{AX}person/alice> <http://www.w3.org/ns/org#memberOf> ?o }}"))
    assert [str(r[0]) for r in rows] == [AX + "org/acme"]
    assert (rdflib.URIRef(AX + "person/bob"), rdflib.RDFS.label, rdflib.Literal("Bob", lang="en")) in g


def _federated(endpoint: str) -> str:
    """A query another endpoint runs: its own data joined with ours through SERVICE."""
    return f"""PREFIX org: <{ORG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?who ?name ?note WHERE {{
  ?who <http://example.org/note> ?note .
  SERVICE <{endpoint}/sparql> {{ ?who org:memberOf <{AX}org/acme> ; rdfs:label ?name }}
}} ORDER BY ?name"""


def test_another_oxigraph_server_federates_with_it(tiny_url: str, tmp_path: Path) -> None:
    """A native `oxigraph serve` (its own HTTP client) runs SERVICE against this endpoint and joins the
    answer with its own data."""
    with native_oxigraph(tmp_path) as other:
        r = httpx.post(
            other + "/update",
            data={"update": f'INSERT DATA {{ <{AX}person/alice> <http://example.org/note> "local note" }}'},
        )
        assert r.status_code == 204, r.text
        r = httpx.post(
            other + "/query",
            data={"query": _federated(tiny_url)},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
    assert r.status_code == 200, r.text
    rows = [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]
    assert rows == [{"who": AX + "person/alice", "name": "Alice", "note": "local note"}]


def test_sparql_engines_in_process_federate_with_it(tiny_url: str) -> None:
    """pyoxigraph's and rdflib's SPARQL engines send their SERVICE calls here and get the rows back."""
    local = ox.Store()
    local.add(
        ox.Quad(ox.NamedNode(AX + "person/alice"), ox.NamedNode("http://example.org/note"), ox.Literal("n"))
    )
    rows = [(s["who"].value, s["name"].value) for s in local.query(_federated(tiny_url))]
    assert rows == [(AX + "person/alice", "Alice")]

    g = rdflib.Graph()
    g.add((rdflib.URIRef(AX + "person/alice"), rdflib.URIRef("http://example.org/note"), rdflib.Literal("n")))
    rows = [(str(r[0]), str(r[1])) for r in g.query(_federated(tiny_url))]
    assert rows == [(AX + "person/alice", "Alice")]


def test_repository_release_is_served(server_url: str) -> None:
    """The shared server over the repository's release answers SPARQL and dereferences its entities."""
    r = httpx.get(server_url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert r.status_code == 200 and int(r.json()["results"]["bindings"][0]["n"]["value"]) > 0
    r = httpx.get(
        server_url + "/sparql",
        params={
            "query": "SELECT ?s { ?s a ?t FILTER(STRSTARTS(STR(?s), 'https://w3id.org/axiskg/id/')) } LIMIT 1"
        },
    )
    iri = r.json()["results"]["bindings"][0]["s"]["value"]
    path = iri.removeprefix("https://w3id.org/axiskg")
    r = httpx.get(server_url + path, headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert (rdflib.URIRef(iri), None, None) in g
