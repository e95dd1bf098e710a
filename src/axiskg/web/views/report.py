"""Report pages: a source report (or a publication it cites) with its citation chain and its claims."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyoxigraph as ox

from axiskg.web.views import links
from axiskg.web.views.claims import ClaimIndex, claim_view
from axiskg.web.views.dates import date_of
from axiskg.web.views.snapshot import AXO, DCTERMS, SCHEMA, Snapshot


def _ref(snap: Snapshot, x: str) -> dict[str, Any]:
    publisher = snap.value(x, DCTERMS + "publisher")
    return {
        "label": snap.label(x),
        "href": links.href(x),
        "date": date_of(snap, x),
        "publisher": snap.label(publisher) if publisher else None,
    }


def citation_tree(
    snap: Snapshot, pub: str, depth: int = 0, seen: frozenset[str] = frozenset()
) -> list[dict[str, Any]]:
    """Publications `pub` references, each with what it references in turn."""
    if depth > 5:
        return []
    out = []
    for ref in snap.iris(pub, DCTERMS + "references"):
        if ref in seen:
            continue
        node = _ref(snap, ref)
        node["children"] = citation_tree(snap, ref, depth + 1, seen | {pub})
        out.append(node)
    return out


def report_context(snap: Snapshot, index: ClaimIndex, r: str) -> dict[str, Any]:
    claim_iris = index.by_report.get(r, [])
    claims = [claim_view(snap, index.claims[c]) for c in claim_iris]
    claims.sort(key=lambda v: (v["sort"], v["iri"]))
    cited: Counter[str] = Counter()
    for c in claim_iris:
        for el in index.claims[c].chain:
            if isinstance(el, ox.NamedNode):
                cited[el.value] += 1
    publisher = snap.value(r, DCTERMS + "publisher")
    return {
        "report": {
            "title": snap.literal(r, DCTERMS + "title"),
            "publisher": {"label": snap.label(publisher), "href": links.href(publisher)}
            if publisher
            else None,
            "date": date_of(snap, r),
            "url": _linkable_or_none(snap.value(r, SCHEMA + "url")),
            "source_file": snap.value(r, AXO + "sourceFile"),
            "references": citation_tree(snap, r),
            "cited_by": [_ref(snap, x) for x in snap.subjects(DCTERMS + "references", r)],
            "voices": [
                {"label": snap.label(x), "href": links.href(x), "count": n, "kind": links.kind_of(x) or ""}
                for x, n in cited.most_common()
            ],
            "claims": claims,
        }
    }


def _linkable_or_none(url: str | None) -> str | None:
    return url if url is not None and links.linkable(url) else None
