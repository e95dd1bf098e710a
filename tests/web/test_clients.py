"""Real SPARQL clients against a real server: SPARQLWrapper and rdflib's SPARQL store, over the tiny release
and over the repository's own release."""

from __future__ import annotations

import httpx
import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from servers import AX
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
