"""Linked Data: /id/ IRIs by content negotiation and extension, 404 in the requested format, the ontology,
VoID + DCAT, downloads with checksums; and the HTTP behaviour around them (CORS, ETag/304, gzip, HEAD,
/health, /metrics, pick-up of a new release)."""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
import time
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
import rdflib
import rdflib.compare
from servers import AX, AXO, BASE, TINY_TURTLE, G, make_release, server_log, start_server, stop_server
from typer.testing import CliRunner

from axiskg.cli import app
from axiskg.serve import public_origin

ALICE = AX + "person/alice"
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
AXO_NS = rdflib.Namespace(AXO)


@pytest.mark.parametrize(
    "accept, media, fmt",
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("*/*", "text/turtle", "turtle"),
        ("application/rdf+xml;q=0.5, application/ld+json;q=0.9", "application/ld+json", "json-ld"),
    ],
)
def test_entity_by_content_negotiation(tiny_url: str, accept: str, media: str, fmt: str) -> None:
    r = httpx.get(tiny_url + "/id/person/alice", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert "Accept" in r.headers["vary"]
    assert r.headers["content-location"] == "/id/person/alice." + {
        "turtle": "ttl",
        "json-ld": "jsonld",
        "xml": "rdf",
    }.get(fmt, fmt)
    g = rdflib.Graph().parse(data=r.text, format=fmt)
    assert (rdflib.URIRef(ALICE), rdflib.RDFS.label, rdflib.Literal("Alice", lang="en")) in g
    doc = httpx.get(tiny_url + r.headers["content-location"])
    assert doc.status_code == 200 and doc.headers["content-type"] == r.headers["content-type"]


@pytest.mark.parametrize(
    "ext, media, fmt",
    [
        (".ttl", "text/turtle", "turtle"),
        (".jsonld", "application/ld+json", "json-ld"),
        (".nt", "application/n-triples", "nt"),
        (".rdf", "application/rdf+xml", "xml"),
    ],
)
def test_entity_by_extension(tiny_url: str, ext: str, media: str, fmt: str) -> None:
    r = httpx.get(tiny_url + "/id/person/alice" + ext, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    g = rdflib.Graph().parse(data=r.text, format=fmt)
    assert (rdflib.URIRef(ALICE), ORG.memberOf, rdflib.URIRef(AX + "org/acme")) in g


def test_entity_html_for_browsers(tiny_url: str) -> None:
    r = httpx.get(
        tiny_url + "/id/person/alice",
        headers={"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Accept" in r.headers["vary"]


def test_entity_description_is_self_contained(tiny_url: str) -> None:
    """Own triples, claims about it with provenance (hedge, quote, report, chain), labels, incoming links."""
    g = rdflib.Graph().parse(data=httpx.get(tiny_url + "/id/person/alice.ttl").text, format="turtle")
    alice, claim, acme = (
        rdflib.URIRef(ALICE),
        rdflib.URIRef(AX + "claim/000-alice-member"),
        rdflib.URIRef(AX + "org/acme"),
    )
    assert (alice, rdflib.RDF.type, AXO_NS.Person) in g
    assert (claim, AXO_NS.claimAbout, alice) in g
    assert (claim, AXO_NS.hedge, rdflib.URIRef(BASE + "ontology/hedge#reportedly")) in g
    assert (claim, AXO_NS.statedIn, rdflib.URIRef(AX + "report/r0")) in g
    assert (claim, AXO_NS.quote, rdflib.Literal("Alice is reportedly a member of Acme", lang="en")) in g
    chain = g.value(claim, AXO_NS.attributionChain)
    assert list(rdflib.collection.Collection(g, chain)) == [rdflib.URIRef(AX + "source/insider")]
    assert (acme, rdflib.RDFS.label, rdflib.Literal("Acme", lang="en")) in g  # label of a linked thing
    g2 = rdflib.Graph().parse(data=httpx.get(tiny_url + "/id/org/acme.ttl").text, format="turtle")
    assert (rdflib.URIRef(AX + "person/bob"), ORG.memberOf, acme) in g2  # incoming link
    assert (rdflib.URIRef(AX + "person/bob"), rdflib.RDFS.label, rdflib.Literal("Bob", lang="en")) in g2


def test_a_claims_own_document_holds_its_attribution_chain(tiny_url: str) -> None:
    """A blank node means something only inside one document: the claim's page carries its chain's list cells
    (it pointed at a list whose rdf:first/rdf:rest were on other pages only)."""
    claim = rdflib.URIRef(AX + "claim/000-alice-member")
    for ext, fmt in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("rdf", "xml")):
        text = httpx.get(tiny_url + "/id/claim/000-alice-member." + ext).text
        g = rdflib.Graph().parse(data=text, format=fmt)
        chain = g.value(claim, AXO_NS.attributionChain)
        assert list(rdflib.collection.Collection(g, chain)) == [rdflib.URIRef(AX + "source/insider")], ext


def test_a_sources_incoming_links_have_no_stray_list_cells(tiny_url: str) -> None:
    """A source cited in chains is linked from the claims that cite it (axo:citesSource, which the build
    derives), not by the bare `_:x rdf:first <source>` cells of lists nothing else in the document names."""
    g = rdflib.Graph().parse(data=httpx.get(tiny_url + "/id/source/insider.ttl").text, format="turtle")
    assert (rdflib.URIRef(AX + "source/insider"), rdflib.RDF.type, AXO_NS.Source) in g
    objects = set(g.objects())
    assert not [s for s in g.subjects() if isinstance(s, rdflib.BNode) and s not in objects]


def test_an_entity_json_ld_document_is_compacted_with_a_context(tiny_url: str) -> None:
    """JSON-LD as people and plain-JSON programs read it: an inline @context of the prefixes used, compact
    IRIs, @type, English strings as plain strings, the attribution chain as a @list; the same triples as
    the Turtle document (was expanded JSON-LD: full IRIs, rdf:type a property, lists as rdf:first/rest)."""
    r = httpx.get(tiny_url + "/id/person/alice", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    doc = r.json()
    context = doc["@context"]
    assert context["axo"] == AXO and context["ax"] == AX and context["@language"] == "en"
    assert "sh" not in context and "void" not in context  # only the prefixes the document uses
    alice = doc["@graph"][0]
    assert alice["@id"] == "ax:person/alice" and alice["@type"] == "axo:Person"
    assert alice["org:memberOf"] == {"@id": "ax:org/acme"}
    claim = next(n for n in doc["@graph"] if n["@id"] == "ax:claim/000-alice-member")
    assert claim["axo:quote"] == "Alice is reportedly a member of Acme"
    assert claim["axo:attributionChain"] == {"@list": [{"@id": "ax:source/insider"}]}
    assert not any("rdf:first" in n for n in doc["@graph"])
    turtle = httpx.get(tiny_url + "/id/person/alice.ttl").text
    assert rdflib.compare.isomorphic(
        rdflib.Graph().parse(data=r.text, format="json-ld"),
        rdflib.Graph().parse(data=turtle, format="turtle"),
    )


def test_an_entity_document_declares_the_prefixes_it_uses(tiny_url: str) -> None:
    """Turtle and RDF/XML documents declare the prefixes their triples use, not all the project knows."""
    ttl = httpx.get(tiny_url + "/id/person/alice.ttl").text
    declared = set(re.findall(r"^@prefix (\w*):", ttl, re.M))
    assert {"axo", "org", "rdfs", "hedge"} <= declared
    assert not declared & {"sh", "void", "sd", "dcat", "owl"}  # were all declared
    for prefix in declared:
        assert re.search(rf"[\s(]{prefix}:", ttl.split("\n", len(declared))[-1]), prefix  # used in the body
    rdf = httpx.get(tiny_url + "/id/person/alice.rdf").text
    assert "xmlns:axo=" in rdf and "xmlns:sh=" not in rdf


def test_an_entity_document_reads_one_subject_at_a_time(tiny_url: str) -> None:
    """The described entity first, then each other subject once with all its triples (Turtle's `;` and `,`,
    one node object in JSON-LD, one rdf:Description in RDF/XML), rdf:type first: not the query's order."""
    ttl = httpx.get(tiny_url + "/id/org/acme.ttl").text
    statements = [
        line for line in ttl.splitlines() if line and not line[0].isspace() and not line.startswith("@")
    ]
    heads = [line.split()[0] for line in statements]
    assert heads[0] == f"<{AX}org/acme>" and statements[0].split()[1] == "a"
    assert len(heads) == len(set(heads)) > 3  # acme, bob and alice (incoming links), a claim...
    g = rdflib.Graph().parse(data=ttl, format="turtle")
    assert len(heads) == len(set(g.subjects()))
    nodes = httpx.get(tiny_url + "/id/org/acme.jsonld").json()["@graph"]
    assert nodes[0]["@id"] == "ax:org/acme"
    lists = {h for h in heads if h.startswith("_:")}  # an attribution chain's node: a @list in JSON-LD
    assert len(lists) == 1
    assert len({n["@id"] for n in nodes}) == len(nodes) == len(heads) - len(lists)
    rdf = ElementTree.fromstring(httpx.get(tiny_url + "/id/org/acme.rdf").content)
    assert len(rdf) == len(heads)  # a node element a subject


@pytest.mark.parametrize(
    "accept, media",
    [
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/html", "text/html"),
    ],
)
def test_unknown_iri_is_404_in_the_requested_format(tiny_url: str, accept: str, media: str) -> None:
    r = httpx.get(tiny_url + "/id/person/nobody", headers={"Accept": accept})
    assert r.status_code == 404
    assert r.headers["content-type"].split(";")[0] == media
    if media == "application/ld+json":
        assert r.json() == []
    elif media == "text/turtle":
        assert len(rdflib.Graph().parse(data=r.text, format="turtle")) == 0


@pytest.mark.parametrize("path", ["/id/x.xyz", "/id/person/nobody"])
def test_a_404_has_no_validator_and_no_content_location(tiny_url: str, path: str) -> None:
    """There is no representation: no ETag, and no Content-Location naming a document that does not exist."""
    r = httpx.get(tiny_url + path, headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/turtle")
    assert "etag" not in r.headers and "content-location" not in r.headers


@pytest.mark.parametrize(
    "path", ["/id/person/alice", "/id/person/nobody", "/ontology", "/ontology/hedge", "/.well-known/void"]
)
@pytest.mark.parametrize("accept", ["image/png", "application/xhtml+xml"])  # (the pages are not XHTML)
def test_unacceptable_entity_format(tiny_url: str, path: str, accept: str) -> None:
    r = httpx.get(tiny_url + path, headers={"Accept": accept})
    assert r.status_code == 406 and "Accept" in r.headers["vary"]


@pytest.mark.parametrize("accept", ["text/turtle", "text/html"])
@pytest.mark.parametrize(
    "path",
    [
        "/id/person/a%ZZ",  # a malformed escape: the internal query's syntax error leaked, a 400
        "/id/person/%FF",  # not UTF-8
        "/id/person/alice%20",  # an IRI with a space: no such IRI (a text/plain 404 came back)
        "/id/person%2Falice",  # an encoded slash is no separator (it answered 200: a second URL)
        "/id/person/alice%2Ettl%2F",
    ],
)
def test_a_path_that_names_no_iri_of_ours_is_a_404_in_the_format_asked(
    tiny_url: str, path: str, accept: str
) -> None:
    r = httpx.get(tiny_url + path, headers={"Accept": accept})
    assert r.status_code == 404 and r.headers["content-type"].startswith(accept), r.text
    assert "syntax" not in r.text.lower()


def test_an_equivalent_spelling_of_an_iri_is_that_iri(tiny_url: str) -> None:
    r = httpx.get(tiny_url + "/id/person/%61lice.ttl")  # %61 is "a", an unreserved character
    assert r.status_code == 200 and "Alice" in r.text


@pytest.mark.parametrize(
    "path",
    ["/ontology/anything", "/ontology/foo/bar/baz", "/ontology.xyz", "/ontology/hedge.xyz", "/dataset.xyz"],
)
@pytest.mark.parametrize("accept", ["text/turtle", "text/html"])
def test_only_the_ontologys_documents_are_found(tiny_url: str, path: str, accept: str) -> None:
    r = httpx.get(tiny_url + path, headers={"Accept": accept})
    assert r.status_code == 404 and r.headers["content-type"].startswith(accept)


def test_negotiated_html_names_its_document_and_links_every_rdf_format(tiny_url: str) -> None:
    r = httpx.get(tiny_url + "/id/person/alice", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-location"] == "/id/person/alice.html"
    page = httpx.get(tiny_url + "/id/person/alice.html")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    alternates = set(re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)"', r.text))
    assert alternates == {
        ("text/turtle", "/id/person/alice.ttl"),
        ("application/ld+json", "/id/person/alice.jsonld"),
        ("application/n-triples", "/id/person/alice.nt"),
        ("application/rdf+xml", "/id/person/alice.rdf"),
    }
    for media, href in alternates:
        doc = httpx.get(tiny_url + href)
        assert doc.status_code == 200 and doc.headers["content-type"].startswith(media)


def test_ontology_terms_dereference_to_the_ontology(tiny_url: str) -> None:
    r = httpx.get(tiny_url + "/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert (AXO_NS.Person, rdflib.RDFS.label, rdflib.Literal("Person", lang="en")) in g
    r = httpx.get(tiny_url + "/ontology.jsonld")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    r = httpx.get(tiny_url + "/ontology/hedge", headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/n-triples")
    r = httpx.get(tiny_url + "/ontology/hedge.ttl")  # hedge:reportedly's document, an ontology document
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")


def test_named_graph_dereferences(tiny_url: str) -> None:
    r = httpx.get(tiny_url + "/graph/actors", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert len(g) == 9
    assert httpx.get(tiny_url + "/graph/nope", headers={"Accept": "text/turtle"}).status_code == 404


def test_void_and_dcat(tiny_url: str) -> None:
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    r = httpx.get(tiny_url + "/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    ds = g.value(None, void.sparqlEndpoint, rdflib.URIRef(tiny_url + "/sparql"))
    assert ds is not None
    assert (ds, rdflib.RDF.type, dcat.Dataset) in g
    dump = rdflib.URIRef(tiny_url + "/downloads/dumps/axiskg.nq")
    assert (ds, void.dataDump, dump) in g
    dist = g.value(None, dcat.downloadURL, dump)
    checksum = g.value(g.value(dist, spdx.checksum), spdx.checksumValue)
    body = httpx.get(str(dump)).content
    assert str(checksum) == hashlib.sha256(body).hexdigest()
    assert (ds, void.subset, rdflib.URIRef(G + "actors")) in g
    r = httpx.get(tiny_url + "/.well-known/void", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")


def test_the_served_void_describes_each_download_once(tiny_release_out: Path) -> None:
    """A built release served: each file of /downloads is one dcat:Distribution (the build's named ones for
    the dumps) with this server's URL, its size, its SHA-256 and a media type IRI (DCAT 3: dct:MediaType);
    it listed each dump twice, once with a literal media type. void:triples is what the endpoint holds."""
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    proc, url = start_server(tiny_release_out)
    try:
        void_ttl = httpx.get(url + "/.well-known/void", headers={"Accept": "text/turtle"}).text
        g = rdflib.Graph().parse(data=void_ttl, format="turtle")
        listing = httpx.get(url + "/downloads", headers={"Accept": "application/json"}).json()
        count = httpx.get(
            url + "/sparql",
            params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"},
        ).json()["results"]["bindings"][0]["n"]["value"]
    finally:
        stop_server(proc)
    ds = rdflib.URIRef(BASE + "dataset")
    dists = set(g.objects(ds, dcat.distribution))
    files = {url + "/downloads/" + f["name"]: f for f in listing["files"]}
    assert {str(g.value(d, dcat.downloadURL)) for d in dists} == set(files)
    assert len(dists) == len(files)
    assert all(isinstance(d, rdflib.URIRef) for d in dists)
    for d in dists:
        f = files[str(g.value(d, dcat.downloadURL))]
        assert int(g.value(d, dcat.byteSize)) == f["bytes"]  # type: ignore[arg-type]
        assert str(g.value(g.value(d, spdx.checksum), spdx.checksumValue)) == f["sha256"]
        assert [str(m) for m in g.objects(d, dcat.mediaType)] == [
            "https://www.iana.org/assignments/media-types/" + f["media_type"]
        ]
    assert (ds, dcat.distribution, rdflib.URIRef(BASE + "dataset#dump-axiskg-nq")) in g
    # the data dumps the build names, at this server's URLs (the ontology's own files are not data dumps)
    dumps = {str(u) for u in g.objects(ds, void.dataDump)}
    assert dumps == {url + "/downloads/dumps/axiskg." + ext for ext in ("nq", "trig", "ttl", "jsonld")}
    assert int(g.value(ds, void.triples)) == int(count)  # type: ignore[arg-type]


def test_downloads_with_checksums(tiny_url: str) -> None:
    listing = httpx.get(tiny_url + "/downloads", headers={"Accept": "application/json"}).json()
    files = {f["name"]: f for f in listing["files"]}
    assert "dumps/axiskg.nq" in files
    r = httpx.get(files["dumps/axiskg.nq"]["url"])
    assert (
        r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == files["dumps/axiskg.nq"]["sha256"]
    )
    sums = httpx.get(tiny_url + "/downloads", headers={"Accept": "text/plain"}).text
    assert f"{files['dumps/axiskg.nq']['sha256']}  dumps/axiskg.nq" in sums
    html = httpx.get(tiny_url + "/downloads", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html") and "axiskg.nq" in html.text
    assert httpx.get(tiny_url + "/downloads/../release.json").status_code == 404
    assert httpx.get(tiny_url + "/downloads/store/CURRENT").status_code == 404


def _preflight(url: str, request_headers: str) -> httpx.Response:
    """A browser's CORS preflight of a POST to /sparql from another origin, asking for `request_headers`."""
    return httpx.options(
        url + "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": request_headers,
        },
    )


def test_cors_preflight_and_simple(tiny_url: str) -> None:
    r = _preflight(tiny_url, "Content-Type")
    assert r.status_code == 200
    assert "POST" in r.headers["access-control-allow-methods"]
    assert r.headers["access-control-allow-origin"] in ("*", "https://example.org")
    for _ in range(2):  # the second answer comes from the cache
        r = httpx.get(
            tiny_url + "/sparql",
            params={"query": "ASK { ?s ?p ?o } # cors"},
            headers={"Origin": "https://example.org"},
        )
        assert r.headers["access-control-allow-origin"] == "*"
        assert "X-SPARQL-Truncated" in r.headers["access-control-expose-headers"]
        exposed = {h.strip() for h in r.headers["access-control-expose-headers"].split(",")}
        assert {"Link", "Warning"} <= exposed
    # headers that clients add (basic auth set up in YASGUI, jQuery, no-cache): a 400 made browsers refuse
    r = _preflight(tiny_url, "content-type, authorization, x-requested-with, pragma")
    assert r.status_code == 200
    allowed = {h.strip().lower() for h in r.headers["access-control-allow-headers"].split(",")}
    assert {"content-type", "authorization", "x-requested-with", "pragma"} <= allowed
    assert "access-control-allow-credentials" not in r.headers


def test_etag_and_304(tiny_url: str) -> None:
    for path, params in (
        ("/id/person/alice", {}),
        ("/sparql", {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}),
        ("/.well-known/void", {}),
    ):
        r = httpx.get(tiny_url + path, params=params)
        assert r.status_code == 200 and "max-age" in r.headers["cache-control"]
        tag = r.headers["etag"]
        r2 = httpx.get(tiny_url + path, params=params, headers={"If-None-Match": tag})
        assert r2.status_code == 304 and r2.content == b""
        r3 = httpx.get(tiny_url + path, params=params, headers={"If-None-Match": 'W/"other"'})
        assert r3.status_code == 200


@pytest.mark.parametrize(
    ("path", "accepts"),
    [
        ("/id/person/alice", ("application/n-triples", "text/plain")),
        ("/id/person/alice", ("application/ld+json", "application/json")),
        ("/sparql?query=ASK%7B%7D%23etag", ("application/sparql-results+xml", "application/xml", "text/xml")),
        ("/sparql?query=ASK%7B%7D%23etag", ("application/sparql-results+json", "application/json")),
        ("/.well-known/void", ("application/n-triples", "text/plain")),
    ],
)
def test_representations_of_one_format_under_two_media_types_have_two_etags(
    tiny_url: str, path: str, accepts: tuple[str, ...]
) -> None:
    """RFC 9110 8.8.3: an entity tag tells representations apart, and a cache refreshing a stored variant by
    its ETag (RFC 9111 4.3.4) would hand out the other Content-Type; each tag revalidates only itself."""
    answers = [httpx.get(tiny_url + path, headers={"Accept": a}) for a in accepts]
    assert len({r.headers["content-type"] for r in answers}) == len(accepts)
    assert len({r.headers["etag"] for r in answers}) == len(accepts)
    for a, r in zip(accepts, answers, strict=True):
        for other in answers:
            status = httpx.get(tiny_url + path, headers={"Accept": a, "If-None-Match": other.headers["etag"]})
            assert status.status_code == (304 if other is r else 200), (a, other.headers["content-type"])


def test_gzip(tiny_url: str) -> None:
    q = "SELECT * WHERE { ?s ?p ?o } # gzip"
    for _ in range(2):  # computed, then cached
        r = httpx.get(tiny_url + "/sparql", params={"query": q}, headers={"Accept-Encoding": "gzip"})
        assert r.headers["content-encoding"] == "gzip"
        assert len(r.json()["results"]["bindings"]) > 10
    with httpx.stream(
        "GET", tiny_url + "/sparql", params={"query": q}, headers={"Accept-Encoding": "gzip"}
    ) as r:
        raw = b"".join(r.iter_raw())
    assert gzip.decompress(raw).startswith(b'{"head"')


def test_head(tiny_url: str) -> None:
    for path in ("/sparql?query=ASK%7B%7D", "/id/person/alice", "/.well-known/void", "/health"):
        r = httpx.head(tiny_url + path)
        assert r.status_code == 200, path
        assert r.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/sparql?query=SELECT%20*%20WHERE%20%7B%20?s%20?p%20?o%20%7D%20%23%20head-length",  # the direct path
        "/id/person/alice.ttl",
        "/.well-known/void",
    ],
)
def test_head_announces_the_content_length_get_sends_gzipped(tiny_url: str, path: str) -> None:
    """RFC 9110 section 8.6: a HEAD's Content-Length is the one GET would send. The HEAD went through
    GZipMiddleware (level 9), a GET through the direct path (6) or the answer cache (5): three lengths."""
    h = {"Accept-Encoding": "gzip"}
    head = httpx.head(tiny_url + path, headers=h)
    gets = [httpx.get(tiny_url + path, headers=h) for _ in range(2)]  # computed, then from the cache
    assert head.headers["content-encoding"] == "gzip"
    lengths = {r.headers["content-length"] for r in (head, *gets)}
    assert len(lengths) == 1, lengths


def test_health_and_metrics(tiny_url: str) -> None:
    h = httpx.get(tiny_url + "/health").json()
    assert h["status"] == "ready" and h["release"] == "20261122T000000Z-00000001"
    httpx.get(tiny_url + "/sparql", params={"query": "SELECT"})
    m = httpx.get(tiny_url + "/metrics")
    assert m.headers["content-type"].startswith("text/plain")
    for name in (
        "axiskg_requests_total",
        "axiskg_request_duration_seconds_bucket",
        "axiskg_query_timeouts_total",
        "axiskg_refusals_total",
        "axiskg_worker_restarts_total",
    ):
        assert name in m.text
    assert 'reason="syntax"' in m.text


def test_new_release_is_picked_up_without_dropping_requests(tmp_path: Path) -> None:
    """Two HTTP worker processes under steady load; a new build swaps `current`; every request is answered."""
    make_release(tmp_path, "20261122T000000Z-0000000a", TINY_TURTLE)
    proc, url = start_server(tmp_path, "--workers", "2")
    q = f"ASK {{ <{AX}person/carol> ?p ?o }}"
    statuses: list[int] = []
    answers: list[bool] = []
    stop = threading.Event()

    def load(i: int) -> None:
        with httpx.Client() as client:
            while not stop.is_set():
                r = client.get(url + "/sparql", params={"query": q + f" # {i}"})
                statuses.append(r.status_code)
                if r.status_code == 200:
                    answers.append(r.json()["boolean"])

    try:
        assert httpx.get(url + "/sparql", params={"query": q}).json()["boolean"] is False
        threads = [threading.Thread(target=load, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        time.sleep(1)
        turtle = dict(TINY_TURTLE)
        turtle["actors"] += f'<{AX}person/carol> <http://www.w3.org/2000/01/rdf-schema#label> "Carol"@en .\n'
        make_release(tmp_path, "20261122T000000Z-0000000b", turtle)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (answers and answers[-1]):
            time.sleep(0.1)
        time.sleep(1)
        stop.set()
        for t in threads:
            t.join()
        assert set(statuses) == {200}, sorted(set(statuses))
        assert answers[-1] is True and False in answers
        # each HTTP worker loads the new release on its own (within a second or so of its next request)
        fresh = 0
        while time.monotonic() < deadline and fresh < 8:
            new = httpx.get(url + "/health").json()["release"] == "20261122T000000Z-0000000b"
            fresh = fresh + 1 if new else 0
            time.sleep(0.05)
        assert fresh == 8
        for _ in range(6):
            assert httpx.get(url + "/sparql", params={"query": q}).json()["boolean"] is True
        assert "GET /sparql?query=" in server_log(proc, lambda text: "GET /sparql?query=" in text)
    finally:
        stop.set()
        stop_server(proc)


def test_an_idle_server_loads_a_new_release_before_the_next_request(tmp_path: Path) -> None:
    """The release is swapped while nobody asks anything: the first request afterwards gets the new one (it
    used to start the reload and be answered from the old release)."""
    make_release(tmp_path, "20261122T000000Z-0000000a", TINY_TURTLE)
    proc, url = start_server(tmp_path, "--workers", "1")
    try:
        assert httpx.get(url + "/health").json()["release"] == "20261122T000000Z-0000000a"
        make_release(tmp_path, "20261122T000000Z-0000000b", TINY_TURTLE)
        log = server_log(proc, lambda text: "now serving release 20261122T000000Z-0000000b" in text)
        assert "now serving release 20261122T000000Z-0000000b" in log  # unasked
        for _ in range(6):
            assert httpx.get(url + "/health").json()["release"] == "20261122T000000Z-0000000b"
    finally:
        stop_server(proc)


def test_health_not_ready_without_release(tmp_path: Path) -> None:
    import subprocess
    import sys

    from servers import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "axiskg", "serve", "--release", str(tmp_path), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                status = httpx.get(f"http://127.0.0.1:{port}/health").status_code
            except httpx.HTTPError:
                time.sleep(0.2)
        assert status == 503
        make_release(tmp_path, "20261122T000000Z-0000000c", TINY_TURTLE)
        while time.monotonic() < deadline and status != 200:
            time.sleep(0.2)
            status = httpx.get(f"http://127.0.0.1:{port}/health").status_code
        assert status == 200
    finally:
        stop_server(proc)


def test_repeated_answers_are_identical(tiny_url: str) -> None:
    """The second answer comes from the per-release cache without routing: same body and headers."""
    for path, headers in (
        ("/id/org/acme", {"Accept": "application/ld+json"}),
        ("/id/org/acme.nt", {}),
        ("/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%204", {}),
    ):
        first, second = (httpx.get(tiny_url + path, headers=headers) for _ in range(2))
        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        for h in ("content-type", "etag", "cache-control", "content-location", "x-sparql-rows"):
            assert first.headers.get(h) == second.headers.get(h), h
        assert ("Accept" in first.headers.get("vary", "")) == ("Accept" in second.headers.get("vary", ""))


@pytest.mark.parametrize(
    "path, first, kind",
    [
        ("/.well-known/void", BASE + "dataset", "void:Dataset"),
        ("/sparql", None, "sd:Service"),
        ("/ontology", None, None),
    ],
)
def test_every_json_ld_document_is_compacted(
    tiny_url: str, path: str, first: str | None, kind: str | None
) -> None:
    """VoID, the service description and the ontology in JSON-LD read like the entity documents: an inline
    @context, compact IRIs, @type, the main node first; the same triples as their Turtle (were expanded)."""
    r = httpx.get(tiny_url + path, headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    doc = r.json()
    assert "@context" in doc and isinstance(doc["@graph"], list)
    if kind is not None:
        main = doc["@graph"][0]
        assert kind in ([main["@type"]] if isinstance(main["@type"], str) else main["@type"])
        assert first is None or main["@id"] == first
    turtle = httpx.get(tiny_url + path, headers={"Accept": "text/turtle"}).text
    assert rdflib.compare.isomorphic(
        rdflib.Graph().parse(data=r.text, format="json-ld"),
        rdflib.Graph().parse(data=turtle, format="turtle"),
    )


@pytest.mark.parametrize(
    "path", ["/id/person/alice", "/id/person/alice.jsonld", "/ontology", "/graph/actors"]
)
def test_a_document_links_its_other_representations(tiny_url: str, path: str) -> None:
    """A Link header (RFC 8288) names the other formats of the document; each one is there, in its type."""
    r = httpx.get(tiny_url + path, headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    served = r.headers["content-type"].split(";")[0]
    links = re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', r.headers["link"])
    assert {t for _, t in links} == {
        "text/turtle",
        "text/html",
        "application/ld+json",
        "application/n-triples",
        "application/rdf+xml",
    } - {served}
    for href, media in links:
        other = httpx.get(tiny_url + href)
        assert other.status_code == 200 and other.headers["content-type"].startswith(media), href
    assert "link" not in httpx.get(tiny_url + "/id/person/nobody").headers  # no representations: no links


def test_absolute_links_follow_the_host_or_the_public_url(tiny_url: str, tiny_out: Path) -> None:
    """Answers that name the server (downloads, VoID, the service description) are built from the request's
    Host header, and their ETags say which host: a proxy or cache in front that does not key on Host would
    otherwise keep revalidating one client's host for everybody (the downloads' ETag ignored it). With
    --public-url they name that origin whatever Host a client sends."""

    def ask(url: str, path: str, host: str, accept: str = "application/json") -> httpx.Response:
        return httpx.get(url + path, headers={"Host": host, "Accept": accept})

    mine, theirs = ask(tiny_url, "/downloads", "a.example"), ask(tiny_url, "/downloads", "attacker.example")
    assert mine.json()["files"][0]["url"].startswith("http://a.example/downloads/")
    assert theirs.json()["files"][0]["url"].startswith("http://attacker.example/downloads/")
    assert mine.headers["etag"] != theirs.headers["etag"]
    again = httpx.get(
        tiny_url + "/downloads",
        headers={"Host": "a.example", "Accept": "application/json", "If-None-Match": theirs.headers["etag"]},
    )
    assert again.status_code == 200

    proc, url = start_server(tiny_out, "--public-url", "https://axiskg.example.org")
    try:
        for host in ("attacker.example", "127.0.0.1"):
            files = ask(url, "/downloads", host).json()["files"]
            assert files[0]["url"].startswith("https://axiskg.example.org/downloads/")
            void = ask(url, "/.well-known/void", host, "text/turtle").text
            assert "<https://axiskg.example.org/sparql>" in void and host not in void
            sd = ask(url, "/sparql", host, "text/turtle").text
            assert "<https://axiskg.example.org/sparql>" in sd and host not in sd
            page = ask(url, "/downloads", host, "text/html").text
            assert "https://axiskg.example.org/downloads" in page and host not in page
    finally:
        stop_server(proc)


@pytest.mark.parametrize(
    "bad",
    ["ftp://x.org", "https://x.org/sub", "x.org", "https://x.org/?a=1", "https://a..b", "http://x.org:0"],
)
def test_a_public_url_that_is_not_an_origin_is_refused(bad: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_serve(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"--public-url {bad} was accepted")

    monkeypatch.setattr("axiskg.serve.run", must_not_serve)
    result = CliRunner().invoke(app, ["serve", "--public-url", bad])
    assert result.exit_code == 2 and "--public-url" in result.output, result.output


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://axiskg.example.org", ("https", b"axiskg.example.org", ("axiskg.example.org", 443))),
        ("https://AxisKG.example.org:443/", ("https", b"axiskg.example.org", ("axiskg.example.org", 443))),
        ("http://localhost:8080", ("http", b"localhost:8080", ("localhost", 8080))),
        ("http://[::1]:8080", ("http", b"[::1]:8080", ("::1", 8080))),
        ("https://bücher.example", ("https", b"xn--bcher-kva.example", ("bücher.example", 443))),
    ],
)
def test_a_public_url_gives_the_scheme_host_and_port(url: str, expected: tuple[object, ...]) -> None:
    assert public_origin(url) == expected
