"""Run a SPARQL query against a built release (the default graph is the union of all graphs)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from axiskg import iris
from axiskg.errors import QueryError
from axiskg.queries import inject_values
from axiskg.release import Release, open_release
from axiskg.web.limits import syntax_message, update_form, update_refusal

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}
FORMATS = ("table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld")


@dataclass
class Answer:
    """The result of one query: `kind` is "select", "ask" or "graph". Single use: read it once."""

    kind: str
    raw: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

    def serialize(self, fmt: str) -> bytes:
        """The result in a standard format (SPARQL results for SELECT/ASK, RDF for CONSTRUCT/DESCRIBE)."""
        if isinstance(self.raw, ox.QueryTriples):
            rdf_format = GRAPH_FORMATS.get(fmt)
            if rdf_format is None:
                raise QueryError(
                    f"--format {fmt} does not apply to a {self.kind.upper()} result; "
                    f"use one of {', '.join(GRAPH_FORMATS)}"
                )
            return ox.serialize(self.raw, None, rdf_format, prefixes=_graph_prefixes()) or b""
        results_format = RESULTS_FORMATS.get(fmt)
        if results_format is None:
            raise QueryError(
                f"--format {fmt} does not apply to a {self.kind.upper()} result; "
                f"use one of {', '.join(RESULTS_FORMATS)}"
            )
        return self.raw.serialize(format=results_format) or b""

    def table(self) -> tuple[list[str], list[list[Term | None]]]:
        """Column names and rows: the variables for SELECT, `s p o` for graphs, `result` for ASK."""
        if isinstance(self.raw, ox.QueryBoolean):
            return ["result"], [[ox.Literal("true" if bool(self.raw) else "false")]]
        if isinstance(self.raw, ox.QueryTriples):
            return ["subject", "predicate", "object"], [[t.subject, t.predicate, t.object] for t in self.raw]
        names = [v.value for v in self.raw.variables]
        return names, [[row[n] for n in names] for row in self.raw]


def _graph_prefixes() -> dict[str, str]:
    return {p: iri for p, iri in iris.PREFIXES.items() if p != "ax"}


def compact(term: Term | None) -> str:
    """A short readable form of a term for tables: prefixed IRIs, bare literal values."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        best = ""
        for prefix, ns in iris.PREFIXES.items():
            if term.value.startswith(ns) and len(ns) > len(best):
                best = ns
                short = f"{prefix}:{term.value[len(ns) :]}"
        return short if best else term.value
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def query(
    release: str | Path | Release,
    text: str,
    bindings: dict[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
) -> Answer:
    """Run `text` on the release (an output dir, a release dir or an open Release).

    The default graph is the union of every named graph, and the contract's prefixes (`axo:`, `skos:`...)
    need no declaration. Raises QueryError for an update (refused: a release is read-only) and, with the
    parser's message in the server's words (axiskg.web.limits.syntax_message), for a query that does not
    parse; ReleaseNotFoundError when there is no release.
    """
    form = update_form(text)
    if form is not None:  # worded as the server words it (axiskg.web.limits), not as "expected CONSTRUCT"
        raise QueryError(
            update_refusal(form, "`axiskg query`") + "; change the files of data/ and run `axiskg build`"
        )
    rel = release if isinstance(release, Release) else open_release(release)
    try:
        raw = rel.store.query(
            inject_values(text, bindings or {}), use_default_graph_as_union=True, prefixes=dict(iris.PREFIXES)
        )
    except SyntaxError as exc:
        message = syntax_message(text, str(exc.msg or exc), iris.PREFIXES)
        raise QueryError(f"the query does not parse: {message}") from exc
    except OSError as exc:
        raise QueryError(f"the query failed: {exc}") from exc
    if isinstance(raw, ox.QueryBoolean):
        return Answer("ask", raw)
    if isinstance(raw, ox.QueryTriples):
        return Answer("graph", raw)
    return Answer("select", raw)
