"""The fast derivation path (CONSTRUCT over the union, used for a build's fresh store) gives exactly the
triples of the rules run one by one as SPARQL updates with USING (the path kept for other stores)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from axiskg import iris
from axiskg.derive import _DROP_STATED, RULES, _with_dataset, derive
from axiskg.load import parse_project
from axiskg.project import Project

REPO = Path(__file__).resolve().parent.parent


def test_fast_derivation_equals_the_update_rules() -> None:
    parsed = parse_project(Project.at(REPO))
    quads = [q for p in parsed if p.source.folder in ("ontology", "data") for q in p.quads]
    derived = ox.NamedNode(iris.GRAPH_DERIVED)
    fast = ox.Store()
    fast.bulk_extend(quads)
    n = derive(fast)
    slow = ox.Store()
    slow.bulk_extend(quads)
    graphs = sorted(g.value for g in slow.named_graphs() if isinstance(g, ox.NamedNode))
    for rule in RULES.values():
        slow.update(iris.sparql_prefixes() + _with_dataset(rule, graphs))
    slow.update(_DROP_STATED)
    expected = set(slow.quads_for_pattern(None, None, None, derived))
    assert n == len(expected) > 1000
    assert set(fast.quads_for_pattern(None, None, None, derived)) == expected
