"""Validation: the syntax of every file, then the data (with the ontology) against the SHACL shapes.

Non-conformance is a result (`ValidationReport`), not an exception: every problem of the tree is in it.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import json
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from axiskg import __version__, checks, iris
from axiskg.errors import ParseError
from axiskg.load import ParsedFile, parse_project
from axiskg.locate import Location, SourceLocator, mentioned_iris
from axiskg.project import Project
from axiskg.violation import Violation as Violation
from axiskg.violation import compact, literal_text

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass
class ValidationReport:
    conforms: bool
    parse_errors: list[ParseError] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    results_graph: Graph | None = None
    files: int = 0
    # how the SHACL check ran: "full", or "incremental" (only the focus nodes that changed since `since`, and
    # their neighbours, were validated: see validate_parsed); `index` is the snapshot a later build compares
    # to
    mode: str = "full"
    since: str | None = None
    changed: int | None = None
    validated: int | None = None
    full_reason: str | None = None
    index: ValidationIndex | None = None
    notes: list[str] = field(default_factory=list)  # what was not checked and why (a missing source text)

    @property
    def errors(self) -> list[Violation]:
        """The results that make the data invalid (sh:Violation), in report order."""
        return [v for v in self.violations if v.severity == "Violation"]

    @property
    def warnings(self) -> list[Violation]:
        """Advice (sh:Warning, sh:Info): reported, but the data still conforms."""
        return [v for v in self.violations if v.severity != "Violation"]

    @property
    def problems(self) -> int:
        """Syntax errors plus errors: what must be fixed before anything is published."""
        return len(self.parse_errors) + len(self.errors)

    @property
    def first_problem(self) -> ParseError | Violation | None:
        """The first thing to fix: a syntax error, else the first error (never a warning)."""
        return (self.parse_errors or self.errors or [None])[0]

    def to_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "files": self.files,
            "parse_errors": [
                {"file": e.file, "line": e.line, "column": e.column, "message": e.message}
                for e in self.parse_errors
            ],
            "violations": [asdict(v) for v in self.violations],
            "notes": self.notes,
        }


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph) -> Node:
    """Convert a pyoxigraph term to the equivalent rdflib term (blank node ids are kept)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def rdflib_graph(parsed: Iterable[ParsedFile], skip: Collection[ox.Quad] = ()) -> Graph:
    """One rdflib Graph with the triples of the given parsed files, but those in `skip` and those that hold an
    RDF 1.2 triple term (rdflib has none; `checks.triple_terms` reports them)."""
    g = Graph()
    cache: dict[Any, Node] = {}

    def conv(t: Any) -> Node:
        n = cache.get(t)
        if n is None:
            n = cache[t] = to_rdflib(t)
        return n

    add = g.add
    with checks.quiet_rdflib():
        for p in parsed:
            for q in p.quads:
                if (not skip or q not in skip) and not (
                    isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple)
                ):
                    add((conv(q.subject), conv(q.predicate), conv(q.object)))
    return g


def _term_text(g: Graph, node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, BNode):
        # a SHACL path given as a blank node (sequence / inverse path): show it in Turtle-like form
        first = g.value(node, RDF.first)
        if first is not None:
            items: list[str] = []
            cur: Node | None = node
            while cur is not None and cur != RDF.nil and len(items) < 10:
                items.append(_term_text(g, g.value(cur, RDF.first)) or "?")
                cur = g.value(cur, RDF.rest)
            return "(" + " / ".join(items) + ")"
        for p, o in g.predicate_objects(node):
            return f"{str(p).rsplit('#', 1)[-1]} {_term_text(g, o)}"
    return str(node)


def _shacl_run(data: Graph, shapes: Graph, keep: Callable[[Node], bool] | None) -> tuple[bool, Graph]:
    """pyshacl over `data`; with `keep`, only the TARGETED focus nodes for which keep(node) is true are
    checked.

    The restriction is applied where pyshacl computes each shape's targets (Shape.focus_nodes, called only for
    top-level target resolution); nested evaluation (sh:property, sh:or, sh:node, sh:class on value nodes) is
    untouched and sees the whole data graph. (pyshacl's own `focus_nodes` option is not used: it also filters
    the value nodes handed to nested shapes, which would let an sh:or on a value node pass unchecked.)"""
    options = {"inference": "none", "allow_warnings": True, "inplace": True}
    if keep is None:
        conforms, results, _text = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", allow_warnings=True, inplace=True
        )
        return bool(conforms), results

    from pyshacl.shape import Shape

    restrict: Callable[[Node], bool] = keep

    class RestrictedShape(Shape):
        __slots__ = ()

        def focus_nodes(self, data_graph: Any, debug: bool = False) -> set[Node]:
            targets = super().focus_nodes(data_graph, debug=debug)  # type: ignore[no-untyped-call]
            return {n for n in targets if restrict(n)}

    class FocusedValidator(pyshacl.Validator):
        def make_executor(self) -> Any:
            for shape in self.shacl_graph.shapes:
                if type(shape) is not Shape:
                    raise TypeError(f"unexpected pyshacl shape class {type(shape)!r}")
                shape.__class__ = RestrictedShape
            return super().make_executor()

    from pyshacl.graph_abstraction import DataGraph

    validator = FocusedValidator(DataGraph.from_rdflib(data), shacl_graph=shapes, options=options)
    conforms, results, _text = validator.run()  # type: ignore[no-untyped-call]
    return bool(conforms), results


def validate_parsed(
    parsed: Sequence[ParsedFile],
    *,
    baseline: Baseline | None = None,
    index: bool = False,
    root: Path | None = None,
) -> ValidationReport:
    """Validate already parsed files: their syntax errors, the checks beyond SHACL (axiskg.checks: unknown
    terms, ill-typed literals, nodes described twice, quotes not in the source text, empty or ignored files)
    and SHACL over every file that parsed.

    With `baseline` (the snapshot of an earlier release that passed a validation, see `load_baseline`), only
    the focus nodes whose neighbourhood changed since that release are checked by SHACL (`incremental`);
    anything that makes that unsafe (other shapes or ontology, a shape that looks further than one hop, a
    class changed in data/, more than half the graph changed) falls back to the full check, as does no
    baseline. The checks beyond SHACL always look at everything. With `index` (or a baseline), the report
    carries the snapshot of this data for the next build. `root` is the project's folder (by default, the
    one the files are in)."""
    parse_errors = [e for p in parsed for e in p.errors]
    ok = [p for p in parsed if p.error is None]
    data_files = [p for p in ok if p.source.folder == "data"]
    located = data_files + [p for p in ok if p.source.folder == "ontology"]
    found_locator: list[SourceLocator] = []  # indexing every file takes seconds at 1M triples: only if needed

    def locator() -> SourceLocator:
        if not found_locator:
            found_locator.append(SourceLocator(located, also=[p for p in ok if p.source.folder == "shapes"]))
        return found_locator[0]

    if root is None and parsed:
        root = parsed[0].source.path.parent.parent
    found = checks.run(parsed, locator, root)
    notes = list(found.notes)
    shapes = rdflib_graph(p for p in ok if p.source.folder == "shapes")
    violations: list[Violation] = list(found.violations)
    results: Graph | None = None
    mode, since, changed_n, validated_n, reason = "full", None, None, None, None
    snapshot: ValidationIndex | None = None
    if len(shapes) > 0:
        data_and_ontology = [p for p in ok if p.source.folder in ("data", "ontology")]
        keep: Callable[[Node], bool] | None = None
        if index or baseline is not None:
            structure = _Structure([q for p in data_files for q in p.quads])
            schema = schema_key(ok)
            reach = shapes_reach(shapes)
            if baseline is None:
                reason = "no earlier validated release"
            elif baseline.index.schema != schema:
                reason = "the shapes, the ontology or the validator changed since " + baseline.release_id
            elif reach > 1:
                reason = f"a shape looks {reach} hops away from its focus node (incremental handles 1)"
            else:
                plan = structure.plan(baseline, [p for p in ok if p.source.folder == "ontology"])
                if isinstance(plan, str):
                    reason = plan
                else:
                    keep, changed_n, validated_n = plan
                    mode, since = "incremental", baseline.release_id
        # The ontology is added to the data graph here rather than given as pyshacl's `ont_graph`: that is
        # what pyshacl does with it too (it mixes it into the data graph), but its mixing clones every
        # blank-node structure recursively and takes minutes on our ontology; a union takes milliseconds.
        # Ill-typed literals are left out: they are reported by the checks, and pyshacl cannot compare them.
        if keep is None:
            data_graph = rdflib_graph(data_and_ontology, skip=found.ill_typed)
        else:  # only what the checked focus nodes' shapes read (see _Structure.subgraph)
            inverse = {
                ox.NamedNode(str(p)) for p in shapes.objects(None, SH.inversePath) if isinstance(p, URIRef)
            }
            part = ParsedFile(data_files[0].source, quads=structure.subgraph(inverse)) if data_files else None
            data_graph = rdflib_graph(
                [p for p in ok if p.source.folder == "ontology"] + ([part] if part else []),
                skip=found.ill_typed,
            )
        _shacl_conforms, results = _shacl_run(data_graph, shapes, keep)
        unreliable = _Unreliable(found, shapes, data_graph)
        flagged: set[str] = set()
        kept: list[tuple[Node, Node | None, Node | None, Location | None]] = []
        for r in results.subjects(RDF.type, SH.ValidationResult):
            focus = results.value(r, SH.focusNode)
            shape = results.value(r, SH.sourceShape)
            if (index or baseline is not None) and focus is not None:
                flagged.update(structure.anchors_of(focus))
            if isinstance(focus, Literal):  # a target by objects: on the triples of the target's predicates
                targets = {str(t) for t in shapes.objects(shape, SH.targetObjectsOf)}
                loc = _locate_literal(focus, targets, data_files, locator())
            elif focus is not None:
                loc = locator().locate(str(focus), is_blank=isinstance(focus, BNode))
            else:
                loc = None
            if unreliable.hides(results, r, loc.anchor if loc else None):
                continue
            path = results.value(r, SH.resultPath)
            kept.append((r, focus, path if isinstance(path, URIRef) else None, loc))
        # where the mistake is written: the triple (focus, path, value) when the result names a value (or the
        # values a uniqueLang / maxCount result is about), rather than the focus node's first description
        values = _ValueSites(
            data_files, {(f, p) for _r, f, p, _loc in kept if f is not None and p is not None}
        )
        for r, focus, path, loc in kept:
            where, declared = loc, None
            site = (
                values.site(results, r, focus, path, loc) if focus is not None and path is not None else None
            )
            if site is not None:
                file, subject, value = site
                if isinstance(value, Literal):
                    datatype = str(value.datatype) if value.datatype else None
                    line = locator().value_line(
                        file, subject, lexical=str(value), language=value.language, datatype=datatype
                    )
                else:
                    line = locator().value_line(file, subject, iri=str(value))
                where = Location(file, line, loc.anchor if loc else None)
                if loc is not None and loc.file != file:
                    declared = f"{loc.file}:{loc.line}" if loc.line else loc.file
            shape = results.value(r, SH.sourceShape)
            violations.append(
                Violation(
                    focus=_focus_text(focus),
                    path=_term_text(results, results.value(r, SH.resultPath)),
                    message=str(results.value(r, SH.resultMessage) or ""),
                    severity=str(results.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
                    shape=str(shape) if isinstance(shape, URIRef) else None,
                    value=_term_text(results, results.value(r, SH.value)),
                    file=where.file if where else None,
                    line=where.line if where else None,
                    anchor=where.anchor if where else None,
                    declared=declared,
                )
            )
        violations, held_back = _without_consequences(violations, parsed)
        violations = _with_hints(
            violations, data_files, shapes, locator, [p for p in ok if p.source.folder == "ontology"]
        )
        notes = [*notes, *held_back]
    violations.sort(key=lambda v: (v.file or "~", v.line or 0, v.focus, v.path or "", v.message))
    conforms = not parse_errors and not any(v.severity == "Violation" for v in violations)
    if len(shapes) > 0 and (index or baseline is not None) and conforms:
        snapshot = ValidationIndex(schema=schema, digests=structure.digests, flagged=sorted(flagged))
    return ValidationReport(
        conforms=conforms,
        parse_errors=parse_errors,
        violations=violations,
        results_graph=results,
        files=len(parsed),
        mode=mode,
        since=since,
        changed=changed_n,
        validated=validated_n,
        full_reason=reason,
        index=snapshot,
        notes=notes,
    )


class _ValueSites:
    """The values of the (focus, path) pairs of SHACL results, with the data file each is written in."""

    def __init__(self, data_files: Sequence[ParsedFile], pairs: set[tuple[Node, Node]]) -> None:
        wanted = {(isinstance(f, BNode), str(f), str(p)) for f, p in pairs if isinstance(f, URIRef | BNode)}
        self.holders: dict[
            tuple[bool, str, str], list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal]]
        ] = {}
        if not wanted:
            return
        for p in data_files:
            for q in p.quads:
                s, o = q.subject, q.object
                if isinstance(s, ox.Triple) or isinstance(o, ox.Triple):
                    continue
                key = (isinstance(s, ox.BlankNode), s.value, q.predicate.value)
                if key in wanted:
                    self.holders.setdefault(key, []).append((p.source.display, o))

    def site(
        self, results: Graph, r: Node, focus: Node, path: Node, loc: Location | None
    ) -> tuple[str, str | None, Node] | None:
        """(file, subject, value) of the triple a result is about: the one with its sh:value, else one of the
        values a uniqueLang or maxCount result counts, if it is written in another file than the focus node's
        description. The subject is the named node whose statement holds the triple (a blank node's
        ancestor). None when the result names no such triple (a missing value, a path of several steps)."""
        blank = isinstance(focus, BNode)
        holders = self.holders.get((blank, str(focus), str(path)), [])
        subject = (loc.anchor if loc else None) if blank else str(focus)
        value = results.value(r, SH.value)
        if value is not None:
            matches = [(f, o) for f, o in holders if to_rdflib(o) == value]
            if not matches:
                return None
            file = next((f for f, _o in matches if loc is not None and f == loc.file), matches[0][0])
            return file, subject, value
        component = results.value(r, SH.sourceConstraintComponent)
        if component == SH.UniqueLangConstraintComponent:
            langs = [
                o.language.lower() if isinstance(o, ox.Literal) and o.language else None for _f, o in holders
            ]
            candidates = [h for h, lang in zip(holders, langs, strict=True) if lang and langs.count(lang) > 1]
        elif component == SH.MaxCountConstraintComponent:
            candidates = holders
        else:
            return None
        elsewhere = [(f, o) for f, o in candidates if loc is None or f != loc.file]
        if not elsewhere:
            return None
        file, o = elsewhere[0]
        return file, subject, to_rdflib(o)


def _without_consequences(
    violations: list[Violation], parsed: Sequence[ParsedFile]
) -> tuple[list[Violation], list[str]]:
    """The SHACL results left once those that only repeat or follow from another problem are taken out, and a
    note for each file whose syntax error held results back.

    - a literal focus node (a literal where an entity is expected) on the line where another error already
      names that literal as its value (`time:hasTime "June 2023"`: the time:hasTime shape says what to write);
    - a result about a node (focus, anchor or value) that a data or ontology file which did not parse
      mentions: what that file declares is missing from the check (a place of places.ttl would be
      "declared nowhere")."""
    named = {
        (v.file, v.line, literal_text(v.value))
        for v in violations
        if v.check is None and v.severity == "Violation" and v.value and not v.focus.startswith('"')
    }

    def repeated(v: Violation) -> bool:
        if not v.focus.startswith('"') or v.check is not None:
            return False
        return any(
            v.focus == text or v.focus.startswith((text + "@", text + "^^"))
            for file, line, text in named
            if file == v.file and line == v.line
        )

    kept = [v for v in violations if not repeated(v)]
    broken = [p for p in parsed if p.error is not None and p.source.folder in ("data", "ontology")]
    if not broken:
        return kept, []
    mentions = [(p.source.display, mentioned_iris(p.source.path)) for p in broken]
    held: dict[str, int] = {}
    out = []
    for v in kept:
        nodes = {v.anchor if v.focus.startswith("_:") else v.focus, v.value}
        by = next((file for file, named in mentions if v.check is None and nodes & named), None)
        if by is None:
            out.append(v)
        else:
            held[by] = held.get(by, 0) + 1
    notes = [
        f"{n} shape result(s) about entities that {file} mentions are not reported: {file} did not parse, so "
        'what it declares is missing from the check (an entity it declares would be "declared nowhere"); '
        "fix its syntax error and run `axiskg validate` again"
        for file, n in held.items()
    ]
    return out, notes


AXSH = "https://w3id.org/axiskg/shapes#"
_REFERENCE_SHAPES = frozenset({AXSH + "DeclaredReference", AXSH + "DeclaredReferenceLoose"})


def _with_hints(
    violations: list[Violation],
    data_files: Sequence[ParsedFile],
    shapes: Graph,
    locator: Callable[[], SourceLocator],
    ontology: Sequence[ParsedFile] = (),
) -> list[Violation]:
    """The results made easier to mend: an entity declared nowhere is reported once per place it is written
    (the shapes of object properties and of the looser properties may both find it), with the declared
    entity of the same kind it is nearest to (a typo: `person:qais-al-khazaly`); a value outside a shape's
    list (`sh:in`: hedges, precisions) with the listed value nearest to it (`hedge:saidTo`, `"said to"`)."""
    declared: dict[str, list[str]] = {}  # <kind>/ -> declared slugs
    for p in data_files:
        for q in p.quads:
            if q.predicate == _RDF_TYPE and isinstance(q.subject, ox.NamedNode):
                kind, sep, slug = q.subject.value.removeprefix(iris.ID).partition("/")
                if sep and q.subject.value.startswith(iris.ID):
                    declared.setdefault(kind, []).append(slug)
    terms: dict[str, list[str]] = {}  # namespace under the ontology's IRI -> the terms declared in it
    for p in ontology:
        for q in p.quads:
            subject = q.subject
            if (
                q.predicate == _RDF_TYPE
                and isinstance(subject, ox.NamedNode)
                and subject.value.startswith(iris.ONTOLOGY)
            ):
                terms.setdefault(checks.namespace_of(subject.value), []).append(subject.value)
    seen: set[tuple[str, str | None, int | None]] = set()
    # an exact day on a DateSpec of another precision is said once, by the check beyond SHACL, not also as
    # every bound that differs from the day
    imprecise = {v.focus for v in violations if v.check == "date-precision" and v.path == _IN_XSD_DATE}
    # a claim with no attribution chain (or several) is told so by axsh:ClaimChain, not also that its chain
    # is not a well-formed list
    no_chain = {v.focus for v in violations if v.shape == AXSH + "ClaimChain"}
    # an entity described without a type (axsh:TypedEntity) is not offered a look-alike to use instead
    untyped = {v.focus for v in violations if v.shape == AXSH + "TypedEntity"}
    out: list[Violation] = []
    for v in violations:
        if v.shape == AXSH + "ExactDay" and v.focus in imprecise:
            continue
        if v.shape == AXSH + "ClaimChainList" and v.focus in no_chain:
            continue
        if v.shape in _REFERENCE_SHAPES and v.focus.startswith(iris.ID):
            if (v.focus, v.file, v.line) in seen or iris.entity_iri_problem(v.focus) is not None:
                continue  # said once; an IRI that is not <kind>/<slug> is told its form (checks.entity_iris)
            seen.add((v.focus, v.file, v.line))
            kind, _, slug = v.focus.removeprefix(iris.ID).partition("/")
            close = difflib.get_close_matches(slug, sorted(set(declared.get(kind, []))), n=1, cutoff=0.85)
            if close and v.focus not in untyped:
                v = replace(v, message=f"{v.message} (did you mean <{iris.ID}{kind}/{close[0]}>?)")
        elif v.shape in (AXSH + "WikidataEvidence", AXSH + "ClaimChainList") and v.file is not None:
            # the line to mend: the Wikidata link (to add its evidence to, or to remove), the chain that is a
            # bare IRI or a literal rather than a list
            prop = _EXACT_MATCH if v.shape == AXSH + "WikidataEvidence" else _CHAIN
            values = [
                q.object
                for p in data_files
                if p.source.display == v.file
                for q in p.quads
                if q.predicate == prop and isinstance(q.subject, ox.NamedNode) and q.subject.value == v.focus
            ]
            line = None
            if values and isinstance(values[0], ox.NamedNode):
                line = locator().value_line(v.file, v.focus, iri=values[0].value)
            elif values and isinstance(values[0], ox.Literal):
                line = locator().value_line(
                    v.file,
                    v.focus,
                    lexical=values[0].value,
                    language=values[0].language,
                    datatype=values[0].datatype.value,
                )
            v = replace(v, line=line or v.line)
        elif v.shape is not None and v.value:
            # the values a shape lists (hedges, precisions), else the ontology's terms of the value's
            # namespace (a role: misspelt)
            listed = _listed_values(shapes, URIRef(v.shape)) or terms.get(checks.namespace_of(v.value), [])
            near = _nearest_listed(v.value, listed) if listed else None
            if near is not None:
                v = replace(v, message=f"{v.message} (did you mean {compact(near)}?)")
        out.append(v)
    return out


def _listed_values(shapes: Graph, shape: URIRef) -> list[str]:
    """The IRIs of a shape's `sh:in` list."""
    head = shapes.value(shape, SH["in"])
    out: list[str] = []
    while isinstance(head, BNode) and len(out) < 100:
        item = shapes.value(head, RDF.first)
        if isinstance(item, URIRef):
            out.append(str(item))
        head = shapes.value(head, RDF.rest)
    return out


def _key(text: str) -> str:
    """A value's local name, lower-case, its words joined by '-' (`hedge:saidTo`, `"said to"`: said-to)."""
    local = text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    local = re.sub(r"(?<=[a-z])(?=[A-Z])", "-", local)
    return re.sub(r"[^a-z0-9]+", "-", local.lower()).strip("-")


def _nearest_listed(value: str, listed: list[str]) -> str | None:
    """The listed IRI whose local name is nearest to `value` (an IRI or a literal's text), None if none is."""
    if value in listed:
        return None
    keys = {_key(item): item for item in listed}
    close = difflib.get_close_matches(_key(value), list(keys), n=1, cutoff=0.6)
    return keys[close[0]] if close else None


def _focus_text(focus: Node | None) -> str:
    if isinstance(focus, BNode):
        return f"_:{focus}"
    if isinstance(focus, Literal):
        return literal_text(str(focus), str(focus.datatype) if focus.datatype else None, focus.language)
    return str(focus) if focus is not None else ""


def _locate_literal(
    focus: Literal, predicates: set[str], data_files: Sequence[ParsedFile], locator: SourceLocator
) -> Location | None:
    """Where a literal focus node (the value of a target by objects) is written: the line of the literal
    after the line of a node that holds it through one of `predicates` (any, if none does)."""
    lexical = str(focus)
    datatype = str(focus.datatype) if focus.datatype else None
    for any_predicate in (False, True):
        found = _literal_holder(lexical, datatype, focus.language, predicates, any_predicate, data_files)
        if found is None:
            continue
        p, holder = found
        at = locator.locate(holder.value, is_blank=isinstance(holder, ox.BlankNode))
        lines = locator.literal_lines(p.source.display, lexical)
        start = at.line if at is not None and at.file == p.source.display and at.line else 0
        line = next((n for n in lines if n >= start), lines[0] if lines else None)
        return Location(p.source.display, line or (at.line if at else None), at.anchor if at else None)
    return None


def _literal_holder(
    lexical: str,
    datatype: str | None,
    language: str | None,
    predicates: set[str],
    any_predicate: bool,
    data_files: Sequence[ParsedFile],
) -> tuple[ParsedFile, ox.NamedNode | ox.BlankNode] | None:
    for p in data_files:
        for q in p.quads:
            o = q.object
            if not isinstance(o, ox.Literal) or o.value != lexical:
                continue
            if not any_predicate and q.predicate.value not in predicates:
                continue
            if (o.language or None) != (language or None):
                continue
            if not o.language and datatype is not None and o.datatype.value != datatype:
                continue
            if not isinstance(q.subject, ox.Triple):
                return p, q.subject
    return None


class _Unreliable:
    """SHACL results that say nothing true about the data, left out of the report:

    - results on a node described in several files (their union breaks cardinalities): the duplicate is
      reported instead;
    - results of a shape that reads a property whose ill-typed value was kept from pyshacl, on that node
      (a "no lower bound" when the lower bound is "early summer 2023"^^xsd:date): the literal is reported
      instead;
    - sh:lessThan / sh:lessThanOrEquals between values of different datatypes (an xsd:dateTime or a plain
      string against an xsd:date is not "after" it): the datatype shapes report the wrong value."""

    def __init__(self, found: checks.Findings, shapes: Graph, data: Graph) -> None:
        self.duplicated = found.duplicated
        self.shapes, self.data = shapes, data
        self.dropped: dict[Node, set[Node]] = {}
        for q in found.ill_typed:
            self.dropped.setdefault(to_rdflib(q.subject), set()).add(URIRef(q.predicate.value))
        self._reads: dict[Node, set[Node]] = {}

    def reads(self, shape: Node) -> set[Node]:
        """The properties a shape reads (paths and compared properties, through nested shapes)."""
        got = self._reads.get(shape)
        if got is None:
            got = self._reads[shape] = set()
            todo, seen = [shape], {shape}
            while todo:
                node = todo.pop()
                for p, o in self.shapes.predicate_objects(node):
                    if p in (SH.path, SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
                        got.add(o)
                    nested: list[Node] = []
                    if p in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
                        nested = [o]
                    elif p in (SH["or"], SH["and"], SH.xone):
                        nested = list(self.shapes.items(o))
                    for n in nested:
                        if n not in seen:
                            seen.add(n)
                            todo.append(n)
        return got

    def hides(self, results: Graph, r: Node, anchor: str | None) -> bool:
        focus = results.value(r, SH.focusNode)
        if str(focus) in self.duplicated or (anchor is not None and anchor in self.duplicated):
            return True
        shape = results.value(r, SH.sourceShape)
        dropped = self.dropped.get(focus) if focus is not None else None
        if dropped and shape is not None and dropped & self.reads(shape):
            return True
        component = results.value(r, SH.sourceConstraintComponent)
        if component in (SH.LessThanConstraintComponent, SH.LessThanOrEqualsConstraintComponent):
            other = self.shapes.value(shape, SH.lessThanOrEquals) or self.shapes.value(shape, SH.lessThan)
            value = results.value(r, SH.value)
            if not isinstance(value, Literal) or other is None:
                return True
            return any(
                not isinstance(o, Literal) or o.datatype != value.datatype
                for o in self.data.objects(focus, other)
            )
        return False


def validate(root: str | Path = ".") -> ValidationReport:
    """Validate the project at `root`: every syntax error, every finding of the checks beyond SHACL, and every
    SHACL result of the files that parse."""
    project = Project.at(root)
    return validate_parsed(parse_project(project), root=project.root)


# --- incremental validation ---------------------------------------------------------------------------------
#
# A release that passed validation keeps a snapshot of its data (INDEX_FILE): one digest per "anchor" (every
# subject that is an IRI and not a list node, described by its triples together with the blank nodes and RDF
# list nodes hanging from it), the key of the shapes + ontology + validator it was checked with, and the
# anchors that had any SHACL result (warnings). The next build validates only the focus nodes that may have a
# different result: the anchors whose digest changed (added, edited or removed), their neighbours (anchors one
# edge away, in either direction, in the new data and, for the changed anchors' old edges, in the earlier
# release's store),
# the anchors that had results, and every blank-node or literal focus node outside an anchor.
#
# Why one hop is enough: a focus node's result depends on the descriptions of the nodes its shapes read.
# `shapes_reach` computes, from the shapes graph, how many hops away from the focus node any shape reads
# (targets by objects read the in-edge: 1; a property path step: +1, except rdf:rest, which stays inside
# the list, i.e. inside the anchor; sh:class / nested shapes on a value read the value's description).
# Our shapes read at most one hop away, so a node none of whose neighbours changed has the result it had in
# the earlier release, which conformed. Everything else falls back to the full check: another key, a shape
# that reaches further (SPARQL constraints, long paths), a changed node that is used as a class in data/
# (its rdfs:subClassOf would change other nodes' targets), more than half the anchors changed.

INDEX_FILE = "validation-index.json.gz"
INDEX_FORMAT = 1

_RDF_FIRST = ox.NamedNode(str(RDF.first))
_RDF_REST = ox.NamedNode(str(RDF.rest))
_RDF_TYPE = ox.NamedNode(str(RDF.type))
_IN_XSD_DATE = "http://www.w3.org/2006/time#inXSDDate"
_EXACT_MATCH = ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")
_CHAIN = ox.NamedNode(iris.AXO + "attributionChain")
_SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
UNBOUNDED = 99


@dataclass
class ValidationIndex:
    schema: str
    digests: dict[str, str]
    flagged: list[str]

    def to_bytes(self) -> bytes:
        doc = {
            "format": INDEX_FORMAT,
            "schema": self.schema,
            "flagged": self.flagged,
            "digests": self.digests,
        }
        return gzip.compress(json.dumps(doc, separators=(",", ":")).encode(), compresslevel=3, mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> ValidationIndex:
        doc = json.loads(gzip.decompress(data))
        if doc.get("format") != INDEX_FORMAT:
            raise ValueError("unknown validation index format")
        return cls(schema=doc["schema"], digests=doc["digests"], flagged=doc["flagged"])


@dataclass
class Baseline:
    """An earlier release that passed validation: its snapshot, and its store (for the old edges)."""

    release_id: str
    release_dir: Path
    index: ValidationIndex
    data_graphs: list[str]

    def old_out_neighbours(self, anchors: Iterable[str]) -> set[str]:
        """IRIs one edge away from `anchors` in the earlier release's data (through its blank/list nodes)."""
        from axiskg.release import STORE_DIR

        store = ox.Store.read_only(str(self.release_dir / STORE_DIR))
        graphs = [ox.NamedNode(g) for g in self.data_graphs]

        def triples(s: Any, p: Any = None, o: Any = None) -> Iterable[ox.Quad]:
            for g in graphs:
                yield from store.quads_for_pattern(s, p, o, g)

        def folded(node: Any) -> bool:
            if isinstance(node, ox.BlankNode):
                return True
            if not isinstance(node, ox.NamedNode):
                return False
            return any(
                True
                for _ in (
                    *triples(node, _RDF_FIRST),
                    *triples(node, _RDF_REST),
                    *triples(None, _RDF_REST, node),
                )
            )

        out: set[str] = set()
        for a in anchors:
            todo: list[Any] = [ox.NamedNode(a)]
            seen: set[Any] = set()
            while todo:
                node = todo.pop()
                for q in triples(node):
                    o = q.object
                    if q.predicate == _RDF_TYPE or o in seen:
                        continue
                    if folded(o):
                        seen.add(o)
                        todo.append(o)
                    elif isinstance(o, ox.NamedNode):
                        out.add(o.value)
        return out


def load_baseline(out: str | Path) -> Baseline | None:
    """The snapshot of `out`'s current release, if it passed validation and kept one; else None."""
    from axiskg.release import CURRENT, METADATA_FILE

    try:
        rdir = (Path(out) / CURRENT).resolve(strict=True)
        meta = json.loads((rdir / METADATA_FILE).read_text(encoding="utf-8"))
        if meta.get("conforms") is not True:
            return None
        index = ValidationIndex.from_bytes((rdir / INDEX_FILE).read_bytes())
        graphs = [g for name, g in dict(meta.get("sources", {})).items() if str(name).startswith("data/")]
        return Baseline(str(meta["id"]), rdir, index, graphs)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def schema_key(parsed: Iterable[ParsedFile]) -> str:
    """What a snapshot is only valid with: the ontology and shapes files, this code and pyshacl's version."""
    h = hashlib.sha256(f"{INDEX_FORMAT}\0{__version__}\0{pyshacl.__version__}\0".encode())
    for p in sorted(parsed, key=lambda p: p.source.display):
        if p.source.folder in ("ontology", "shapes"):
            h.update(p.source.display.encode() + b"\0" + p.sha256.encode() + b"\0")
    return h.hexdigest()


_SH_TERM_ONLY = {
    SH[n]
    for n in [
        "datatype",
        "nodeKind",
        "pattern",
        "flags",
        "in",
        "hasValue",
        "minLength",
        "maxLength",
        "languageIn",
        "minCount",
        "maxCount",
        "uniqueLang",
        "minInclusive",
        "maxInclusive",
        "minExclusive",
        "maxExclusive",
        "equals",
        "disjoint",
        "lessThan",
        "lessThanOrEquals",
        "closed",
        "ignoredProperties",
        "qualifiedMinCount",
        "qualifiedMaxCount",
        "qualifiedValueShapesDisjoint",
        "message",
        "severity",
        "name",
        "description",
        "deactivated",
        "order",
        "group",
        "defaultValue",
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
        "path",
        "property",
        "node",
        "and",
        "or",
        "xone",
        "not",
        "class",
        "qualifiedValueShape",
    ]
}


def shapes_reach(shapes: Graph) -> int:
    """How many hops (edges between anchors) from its focus node any shape reads; UNBOUNDED if unknown."""

    def path_reach(path: Node, k: int) -> tuple[int, int]:  # (hop of the value nodes, farthest hop read)
        if isinstance(path, URIRef):
            return (k, k) if path == RDF.rest else (k + 1, k)
        if shapes.value(path, RDF.first) is not None:  # sequence
            cur, read = k, k
            for step in shapes.items(path):
                cur, r = path_reach(step, cur)
                read = max(read, r)
            return cur, read
        alt = shapes.value(path, SH.alternativePath)
        if alt is not None:
            reaches = [path_reach(step, k) for step in shapes.items(alt)]
            return max(h for h, _ in reaches), max(r for _, r in reaches)
        inv = shapes.value(path, SH.inversePath)
        if isinstance(inv, URIRef):
            return k + 1, k + 1
        for rep in (SH.zeroOrMorePath, SH.oneOrMorePath):
            sub = shapes.value(path, rep)
            if sub is not None:
                return (k, k) if sub == RDF.rest else (UNBOUNDED, UNBOUNDED)
        sub = shapes.value(path, SH.zeroOrOnePath)
        if sub is not None:
            return path_reach(sub, k)
        return UNBOUNDED, UNBOUNDED

    def node_reach(shape: Node, k: int, stack: frozenset[Node]) -> int:
        if shape in stack:
            return UNBOUNDED
        stack = stack | {shape}
        read, values = k, k
        for p in set(shapes.predicates(shape)):
            if str(p).startswith(str(SH)) and p not in _SH_TERM_ONLY:
                return UNBOUNDED  # sh:sparql, sh:rule, sh:target...: not analysed
        path = shapes.value(shape, SH.path)
        if path is not None:
            values, r = path_reach(path, k)
            read = max(read, r)
        if shapes.value(shape, SH["class"]) is not None:
            read = max(read, values)
        for p in (SH.property,):
            for sub in shapes.objects(shape, p):
                read = max(read, node_reach(sub, values, stack))
        for p in (SH.node, SH["not"], SH.qualifiedValueShape):
            for sub in shapes.objects(shape, p):
                read = max(read, node_reach(sub, values, stack))
        for p in (SH["and"], SH["or"], SH.xone):
            for lst in shapes.objects(shape, p):
                for sub in shapes.items(lst):
                    read = max(read, node_reach(sub, values, stack))
        return min(read, UNBOUNDED)

    reach = 0
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    shape_nodes = {s for t in targets for s in shapes.subjects(t, None)}
    shape_nodes |= set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    if any(True for _ in shapes.subjects(SH.target, None)) or any(
        True for _ in shapes.subjects(SH.sparql, None)
    ):
        return UNBOUNDED
    for s in shape_nodes:
        if (s, SH.targetObjectsOf, None) in shapes:
            reach = max(reach, 1)
        reach = max(reach, node_reach(s, 0, frozenset()))
    return reach


class _Cycle(Exception):
    pass


class _Structure:
    """The data's anchors (IRI subjects outside lists), their digests, and the blank/list nodes they hold.

    Kept small: only the blank and list nodes' own triples are held; everything else is read again from the
    parsed quads when needed. An anchor's digest is the sum (mod 2**128) of a hash of each of its triples,
    a blank/list object standing for the digest of its own triples (recursively): equal digests mean equal
    descriptions (a triple given in two files counts twice, which can only make a node look changed)."""

    def __init__(self, quads: Sequence[ox.Quad]) -> None:
        self.quads = quads
        folded: set[Any] = set()
        for q in quads:
            s, p, o = q.subject, q.predicate, q.object
            if isinstance(o, ox.BlankNode):
                folded.add(o)
            if p == _RDF_REST:
                folded.add(s)
                folded.add(o)
            elif p == _RDF_FIRST or isinstance(s, ox.BlankNode):
                folded.add(s)
        inner: dict[Any, list[tuple[Any, Any]]] = {}  # the folded nodes' own triples
        parents: dict[Any, list[Any]] = {}
        for q in quads:
            s, o = q.subject, q.object
            if s in folded:
                inner.setdefault(s, []).append((q.predicate, o))
            if o in folded:
                parents.setdefault(o, []).append(s)
        self.folded, self.inner, self.parents = folded, inner, parents
        memo: dict[Any, str] = {}

        def text(node: Any, stack: frozenset[Any]) -> str:
            lines = []
            for p, o in set(inner.get(node, ())):
                if o in folded:
                    if o in stack:
                        raise _Cycle
                    sub = memo.get(o)
                    if sub is None:
                        sub = memo[o] = text(o, stack | {o})
                    lines.append(f"{p} [{'' if isinstance(o, ox.BlankNode) else o} {sub}]")
                else:
                    lines.append(f"{p} {o}")
            lines.sort()
            return hashlib.blake2b("\n".join(lines).encode(), digest_size=16).hexdigest()

        sums: dict[str, int] = {}
        unstable: set[str] = set()
        mask = (1 << 128) - 1
        for q in quads:
            s = q.subject
            if s in folded or not isinstance(s, ox.NamedNode):
                continue
            p, o = q.predicate, q.object
            key = s.value
            if o in folded:
                try:
                    sub = memo.get(o)
                    if sub is None:
                        sub = memo[o] = text(o, frozenset([o]))
                except (_Cycle, RecursionError):
                    unstable.add(key)
                    sub = "cycle"
                line = f"{p} [{'' if isinstance(o, ox.BlankNode) else o} {sub}]"
            else:
                line = f"{p} {o}"
            h = int.from_bytes(hashlib.blake2b(line.encode(), digest_size=16).digest(), "big")
            sums[key] = (sums.get(key, 0) + h) & mask
        # a digest that contains a cycle of blank nodes is never equal to a stored one: always validated again
        self.digests = {k: ("cycle" if k in unstable else f"{v:032x}") for k, v in sums.items()}
        self._unstable = unstable

    def _anchors(self, node: Any) -> set[str]:
        """The anchors holding `node` (itself for an anchor); '' for a blank/list node that nobody holds."""
        if node not in self.folded:
            return {node.value} if isinstance(node, ox.NamedNode) else {""}
        out: set[str] = set()
        todo, seen = [node], {node}
        while todo:
            n = todo.pop()
            ps = self.parents.get(n)
            if not ps:
                out.add("")
                continue
            for p in ps:
                if p in self.folded:
                    if p not in seen:
                        seen.add(p)
                        todo.append(p)
                elif isinstance(p, ox.NamedNode):
                    out.add(p.value)
        return out

    def anchors_of(self, node: Node) -> set[str]:
        if isinstance(node, URIRef):
            return self._anchors(ox.NamedNode(str(node)))
        if isinstance(node, BNode):
            return self._anchors(ox.BlankNode(str(node)))
        # a literal: every node that holds a literal of that lexical form
        text = str(node)
        out: set[str] = set()
        for q in self.quads:
            if isinstance(q.object, ox.Literal) and q.object.value == text:
                out |= self._anchors(q.subject)
        return out

    def _folded_objects(self, node: Any, into: set[str]) -> None:
        """IRIs the blank/list node `node` leads to (through further blank/list nodes), rdf:type aside."""
        todo, seen = [node], {node}
        while todo:
            for p, o in self.inner.get(todo.pop(), ()):
                if p == _RDF_TYPE or o in seen:
                    continue
                if o in self.folded:
                    seen.add(o)
                    todo.append(o)
                elif isinstance(o, ox.NamedNode):
                    into.add(o.value)

    def plan(
        self, baseline: Baseline, ontology: Sequence[ParsedFile]
    ) -> tuple[Callable[[Node], bool], int, int] | str:
        """The focus-node filter for an incremental check against `baseline`, or why a full one is needed."""
        old = baseline.index.digests
        changed = {a for a, d in self.digests.items() if old.get(a) != d} | (set(old) - set(self.digests))
        if len(changed) * 2 > max(len(self.digests), 1):
            return f"{len(changed)} of {len(self.digests)} described nodes changed"
        classes = {q.object for p in ontology for q in p.quads if q.predicate == _RDF_TYPE}
        affected = set(changed) | set(baseline.index.flagged) | self._unstable
        folded = self.folded
        for q in self.quads:  # one pass: classes, and the changed anchors' neighbours in both directions
            s, p, o = q.subject, q.predicate, q.object
            if p == _RDF_TYPE:
                classes.add(o)
                continue
            if p == _SUBCLASS:
                classes.add(o)
                classes.add(s)
            if isinstance(s, ox.NamedNode) and s.value in changed and s not in folded:
                if o in folded:
                    self._folded_objects(o, affected)
                elif isinstance(o, ox.NamedNode):
                    affected.add(o.value)
            if isinstance(o, ox.NamedNode) and o.value in changed:
                affected |= self._anchors(s)
        used_as_class = sorted(c.value for c in classes if isinstance(c, ox.NamedNode) and c.value in changed)
        if used_as_class:
            return f"{used_as_class[0]} is used as a class and changed in data/"
        try:
            affected |= baseline.old_out_neighbours(sorted(changed))
        except (OSError, ValueError) as exc:
            return f"the earlier release's store could not be read ({exc})"
        affected.add("")  # blank/list nodes that no anchor holds: always checked

        def keep(node: Node) -> bool:
            if isinstance(node, URIRef):
                key = str(node)
                if key in affected:
                    return True
                return ox.NamedNode(key) in self.folded and bool(self._anchors(ox.NamedNode(key)) & affected)
            if isinstance(node, BNode):
                return bool(self.anchors_of(node) & affected)
            # a literal: checked when an affected node holds it (matched on its lexical form: rdflib may
            # normalise it; matching more literals than needed only checks more)
            return str(node) in self.literal_values

        self.affected = affected
        self.literal_values = {q.object.value for q in self.quads if isinstance(q.object, ox.Literal)}
        return keep, len(changed), len(affected & set(self.digests))

    def subgraph(self, inverse: set[Any]) -> list[ox.Quad]:
        """The data an incremental check reads (after `plan`): every triple of the affected anchors and of
        their out-neighbours (values whose type or own triples a shape reads), every triple pointing to an
        affected node (targets by objects), and the triples of its in-neighbours along the predicates used
        in inverse paths. Hubs (a hedge, a role) thus bring their in-edges, not their in-neighbours."""
        affected, folded = self.affected, self.folded
        memo: dict[Any, set[str]] = {}

        def anchors(node: Any) -> set[str]:
            got = memo.get(node)
            if got is None:
                got = memo[node] = self._anchors(node)
            return got

        def held(
            s: Any,
        ) -> bool:  # is this subject (an anchor, or a blank/list node) part of an affected anchor
            if s in folded:
                return bool(anchors(s) & affected)
            return isinstance(s, ox.NamedNode) and s.value in affected

        # literal values of the affected nodes are focus nodes too (targets by objects): with their in-edges
        literals = {q.object for q in self.quads if isinstance(q.object, ox.Literal) and held(q.subject)}
        self.literal_values = {lit.value for lit in literals}

        def pointed(o: Any) -> bool:  # an in-edge to an affected node
            return (isinstance(o, ox.NamedNode) and o.value in affected) or o in literals

        keep_anchor = set(affected)
        for q in self.quads:
            s, p, o = q.subject, q.predicate, q.object
            if p == _RDF_TYPE:
                continue
            if p in inverse and pointed(o):
                keep_anchor |= anchors(s)
            if s in folded:
                if anchors(s) & affected and isinstance(o, ox.NamedNode) and o not in folded:
                    keep_anchor.add(o.value)
            elif isinstance(s, ox.NamedNode) and s.value in affected and isinstance(o, ox.NamedNode):
                keep_anchor.add(o.value)
        out = []
        for q in self.quads:
            s, p, o = q.subject, q.predicate, q.object
            if s in folded:
                if anchors(s) & keep_anchor:
                    out.append(q)
            elif (isinstance(s, ox.NamedNode) and s.value in keep_anchor) or pointed(o) or p == _SUBCLASS:
                out.append(
                    q
                )  # (every rdfs:subClassOf of data/: sh:class and class targets read the hierarchy)
        return out
