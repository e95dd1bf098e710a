"""dumps: the union Turtle file holds each distinct triple of the store's graphs exactly once."""

from __future__ import annotations

import itertools
from pathlib import Path

import pyoxigraph as ox

from axiskg.dumps import DUMP_FILES, DUMPS_DIR, union_triples, write_dumps

EX = "http://example.org/"
A, B, C = (ox.NamedNode(EX + n) for n in "abc")
P, Q = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q")
G1, G2, G3 = (ox.NamedNode(EX + f"graph/{n}") for n in (1, 2, 3))
X = ox.BlankNode("x")


def _store() -> ox.Store:
    """Triples stated in several graphs (with IRIs, a blank node, a literal), and some in one graph only."""
    store = ox.Store()
    store.extend(
        [
            ox.Quad(A, P, B, G1),
            ox.Quad(A, P, B, G2),  # the same triple in two graphs
            ox.Quad(A, P, B, G3),
            ox.Quad(A, Q, ox.Literal("one", language="en"), G1),
            ox.Quad(A, Q, ox.Literal("one", language="en"), G2),
            ox.Quad(A, Q, ox.Literal("one"), G2),  # another literal: another triple
            ox.Quad(X, P, C, G1),
            ox.Quad(X, P, C, G3),  # a blank node subject in two graphs
            ox.Quad(C, Q, X, G2),
            ox.Quad(C, Q, X, G3),  # a blank node object in two graphs
            ox.Quad(B, P, A, G3),
            ox.Quad(C, P, A, G1),
        ]
    )
    return store


def _union(store: ox.Store) -> set[ox.Triple]:
    return {ox.Triple(q.subject, q.predicate, q.object) for q in store}


def test_union_triples_gives_each_distinct_triple_once() -> None:
    store = _store()
    triples = list(union_triples(store))
    assert len(triples) == len(set(triples)) == 7
    assert set(triples) == _union(store)


def test_union_triples_are_grouped_by_subject_in_order() -> None:
    triples = list(union_triples(_store()))
    runs = [s for s, _ in itertools.groupby(t.subject for t in triples)]
    assert runs == [X, A, B, C]  # each subject once: blank nodes first, then IRIs in order
    a = [(t.predicate, t.object) for t in triples if t.subject == A]
    assert a == sorted(a, key=lambda po: (po[0].value, str(po[1])))


def test_turtle_dump_parses_to_exactly_the_union_of_the_nquads_dump(tmp_path: Path) -> None:
    store = _store()
    write_dumps(store, tmp_path)
    dumps = tmp_path / DUMPS_DIR
    assert {p.name for p in dumps.iterdir()} == set(DUMP_FILES)
    nquads = set(ox.parse(path=dumps / "axiskg.nq", format=ox.RdfFormat.N_QUADS))
    assert nquads == set(store)
    # ox.parse keeps blank node labels: the comparison is exact, blank nodes included
    turtle = [
        ox.Triple(t.subject, t.predicate, t.object)
        for t in ox.parse(path=dumps / "axiskg.ttl", format=ox.RdfFormat.TURTLE)
    ]
    assert len(turtle) == len(set(turtle)) == 7
    assert set(turtle) == {ox.Triple(q.subject, q.predicate, q.object) for q in nquads}


def test_turtle_dump_written_by_a_thread_is_the_same(tmp_path: Path) -> None:
    store = _store()
    write_dumps(store, tmp_path / "one")
    write_dumps(store, tmp_path / "two", threads=True)
    one, two = (tmp_path / d / DUMPS_DIR / "axiskg.ttl" for d in ("one", "two"))
    assert one.read_bytes() == two.read_bytes()
