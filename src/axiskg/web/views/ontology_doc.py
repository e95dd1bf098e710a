"""Ontology documentation: every class, property and controlled term, from the ontology's own labels and
comments, one section per term with the term's fragment as anchor (so `axo:X` lands on `/ontology#X`)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from axiskg import iris
from axiskg.release import Release
from axiskg.web.views import links
from axiskg.web.views.snapshot import OWL, RDF, RDF_TYPE, RDFS, SKOS, Snapshot, per_release, snapshot

CLASS_TYPES = frozenset({OWL + "Class", RDFS + "Class"})
PROPERTY_TYPES = frozenset(
    {
        OWL + "ObjectProperty",
        OWL + "DatatypeProperty",
        OWL + "AnnotationProperty",
        RDF + "Property",
        OWL + "SymmetricProperty",
        OWL + "TransitiveProperty",
        OWL + "FunctionalProperty",
        OWL + "InverseFunctionalProperty",
        OWL + "AsymmetricProperty",
        OWL + "IrreflexiveProperty",
    }
)
SECTIONS: tuple[tuple[str, str], ...] = (
    ("classes", "Classes"),
    ("properties", "Properties"),
    ("hedges", "Hedges"),
    ("roles", "Roles"),
    ("individuals", "Other terms (precisions, response types, schemes)"),
)


def _refs(snap: Snapshot, xs: list[str]) -> list[dict[str, str]]:
    return [{"label": links.curie(x), "href": links.href(x), "title": snap.label(x)} for x in xs]


def _section(snap: Snapshot, t: str) -> str:
    if t.startswith(iris.HEDGE):
        return "hedges"
    if t.startswith(iris.ROLE):
        return "roles"
    types = set(snap.types(t))
    if types & CLASS_TYPES:
        return "classes"
    if types & PROPERTY_TYPES:
        return "properties"
    return "individuals"


def build_ontology(release: Release) -> dict[str, Any]:
    snap = snapshot(release)
    terms: dict[str, list[dict[str, Any]]] = {k: [] for k, _ in SECTIONS}
    for t in snap.out:
        if not t.startswith((iris.AXO, iris.HEDGE, iris.ROLE)) or t in (iris.AXO, iris.HEDGE, iris.ROLE):
            continue
        section = _section(snap, t)
        types = [x for x in snap.types(t)]
        entry = {
            "iri": t,
            "curie": links.curie(t),
            "anchor": links.anchor(t),
            "label": snap.literal(t, RDFS + "label")
            or snap.literal(t, SKOS + "prefLabel")
            or links.anchor(t),
            "comment": snap.literal(t, RDFS + "comment") or snap.literal(t, SKOS + "definition"),
            "notes": [
                o.value
                for o in snap.objects(t, SKOS + "scopeNote") + snap.objects(t, SKOS + "altLabel")
                if isinstance(o, ox.Literal)
            ],
            "types": _refs(snap, types),
            "super": _refs(
                snap,
                snap.iris(t, RDFS + "subClassOf")
                + snap.iris(t, RDFS + "subPropertyOf")
                + snap.iris(t, SKOS + "broader"),
            ),
            "sub": _refs(
                snap, sorted(snap.subjects(RDFS + "subClassOf", t) + snap.subjects(RDFS + "subPropertyOf", t))
            ),
            "domain": _refs(snap, snap.iris(t, RDFS + "domain")),
            "range": _refs(snap, snap.iris(t, RDFS + "range")),
            "equivalent": _refs(
                snap,
                snap.iris(t, OWL + "equivalentClass")
                + snap.iris(t, OWL + "equivalentProperty")
                + snap.iris(t, SKOS + "exactMatch"),
            ),
            "instances": len(snap.instances(t)) if section == "classes" else None,
        }
        terms[section].append(entry)
    for entries in terms.values():
        entries.sort(key=lambda e: e["anchor"].casefold())
    onto = iris.ONTOLOGY
    return {
        "ontology": {
            "iri": onto,
            "label": snap.literal(onto, RDFS + "label")
            or snap.literal(onto, "http://purl.org/dc/terms/title")
            or "axiskg ontology",
            "comment": snap.literal(onto, RDFS + "comment")
            or snap.literal(onto, "http://purl.org/dc/terms/description"),
            "version": snap.value(onto, OWL + "versionInfo"),
        },
        "sections": [{"id": k, "title": title, "terms": terms[k]} for k, title in SECTIONS if terms[k]],
        "term_count": sum(len(v) for v in terms.values()),
        "_rdf_type": RDF_TYPE,
    }


def ontology(release: Release) -> dict[str, Any]:
    return per_release("ontology", release, lambda: build_ontology(release))
