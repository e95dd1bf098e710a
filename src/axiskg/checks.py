"""Checks beyond SHACL, run on every validation (full or incremental) over the whole of data/.

SHACL says what a node must look like; it cannot see that a term is misspelled, that a literal is not what its
datatype says (pyshacl even crashes comparing such literals), that a node is described in two files, or that a
quote is not in the report's text. These checks can:

- RDF 1.2 triple terms (`<<( s p o )>>`, `<< s p o >>`...), which neither rdflib nor pyshacl read;
- files: an empty data file (its graph would silently vanish), and files of ontology/, shapes/ and data/ that
  look like RDF but are not read (only <folder>/*.ttl are);
- data outside data/: claims and entities (IRIs under https://w3id.org/axiskg/id/) in ontology/ (published
  unchecked in graph/ontology; what describes the ontology, e.g. its creator, is not data) or shapes/
  (dropped; there, any person, meeting... too), and the other triples of a shapes file that are not shapes
  (dropped: a warning);
- derived edges written by hand: an edge the build derives from claims (org:memberOf, schema:attendee,
  axo:spokeAt...) stated directly, and a claim of an edge the build derives only from other claims
  (axo:spokeAt, axo:citesSource...);
- entity IRIs: every IRI under https://w3id.org/axiskg/id/ is `<kind>/<lower-case-kebab-slug>`;
- unknown terms: every IRI used as a predicate, as the object of rdf:type or as the object of rdf:predicate,
  in a namespace whose terms are known (the project's own namespaces: the terms the ontology declares;
  standard vocabularies: rdflib's term lists), must be one of them;
- ill-typed literals ("early summer 2023"^^xsd:date, "2023-13-01"^^xsd:date): errors, kept away from pyshacl;
- report-local IRIs (claims, speech acts, meetings, events, memberships, DateSpecs, reports, sources)
  described in more than one file;
- quotes: each claim's axo:quote must occur in its report's source text (axo:sourceFile), up to whitespace,
  typographic quotes and dashes; a source text that is not on disk is skipped with a note.

Each finding is a `Violation` located at `file:line` (check: which check found it).
"""

from __future__ import annotations

import contextlib
import datetime
import difflib
import functools
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib import namespace as rdflib_ns
from rdflib.namespace import DefinedNamespace

from axiskg import iris
from axiskg.load import ParsedFile
from axiskg.locate import SourceLocator
from axiskg.project import Project
from axiskg.violation import Violation, compact, literal_text

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
_RDF_TYPE = ox.NamedNode(RDF + "type")
_RDF_PREDICATE = ox.NamedNode(RDF + "predicate")
_REIFIES = ox.NamedNode(RDF + "reifies")
_CLAIM = ox.NamedNode(iris.AXO + "Claim")
_STATED_IN = ox.NamedNode(iris.AXO + "statedIn")
_QUOTE = ox.NamedNode(iris.AXO + "quote")
_SOURCE_FILE = ox.NamedNode(iris.AXO + "sourceFile")

SOURCES_ENV = "AXISKG_SOURCES"
"""Folders (separated by os.pathsep) where the reports' source texts (axo:sourceFile) are looked for first;
then the project's ../shared/sources/."""

STANDARD_VOCABULARIES: tuple[type[DefinedNamespace], ...] = (
    rdflib_ns.RDF,
    rdflib_ns.RDFS,
    rdflib_ns.OWL,
    rdflib_ns.XSD,
    rdflib_ns.SKOS,
    rdflib_ns.DCTERMS,
    rdflib_ns.DC,
    rdflib_ns.PROV,
    rdflib_ns.ORG,
    rdflib_ns.TIME,
    rdflib_ns.SDO,
    rdflib_ns.FOAF,
    rdflib_ns.DCAT,
    rdflib_ns.VOID,
)
"""Vocabularies whose terms are known from rdflib's term lists (an IRI of another namespace is left alone)."""

SINGLE_FILE_KINDS: dict[str, str] = {
    "claim": "claim",
    "act": "speech act",
    "meeting": "meeting",
    "event": "event",
    "membership": "membership",
    "time": "DateSpec",
    "report": "report",
    "source": "source",
}
"""Kinds of ax: IRIs (`ax:<kind>/<slug>`) that one file describes; persons, organizations and places are
shared entities that several files may add to."""


@dataclass
class Findings:
    violations: list[Violation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ill_typed: set[ox.Quad] = field(default_factory=set)  # triples to keep away from pyshacl
    duplicated: set[str] = field(default_factory=set)  # IRIs described in several files


@contextlib.contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's "Failed to convert Literal lexical form" tracebacks: ill-typed literals are reported
    by `ill_typed_literals`, once and with their line."""
    log = logging.getLogger("rdflib.term")
    disabled, log.disabled = log.disabled, True
    try:
        yield
    finally:
        log.disabled = disabled


def run(
    parsed: Sequence[ParsedFile], locator: Callable[[], SourceLocator], root: Path | None = None
) -> Findings:
    """Every check over the parsed files (`locator`: the data files' SourceLocator, made when needed)."""
    ok = [p for p in parsed if p.error is None]
    data = [p for p in ok if p.source.folder == "data"]
    ontology = [p for p in ok if p.source.folder == "ontology"]
    found = Findings()
    found.violations += empty_files(data)
    if root is not None:
        found.violations += ignored_files(Project(root))
    found.violations += data_outside_data(ok, locator)
    found.violations += triple_terms(ok, locator)
    found.violations += unknown_terms(data, ontology, locator)
    found.violations += stated_derived_edges(data, locator)
    found.violations += entity_iris(data, locator)
    bad, violations = ill_typed_literals(data, locator)
    found.ill_typed, found.violations = bad, found.violations + violations
    found.violations += date_precision(data, locator, bad)
    found.violations += shared_labels(data, locator)
    found.violations += empty_texts(data, locator)
    found.violations += claim_directions(data, ontology, locator)
    found.violations += hedges_in_quotes(data, locator)
    found.duplicated, violations = duplicates(data, locator)
    found.violations += violations
    violations, notes = quotes(data, locator, root)
    found.violations += violations
    found.notes += notes
    return found


# --- files --------------------------------------------------------------------------------------------------


def empty_files(data: Sequence[ParsedFile]) -> list[Violation]:
    """An empty data file (an editor or a redirect that failed, a graph that would silently vanish) is an
    error; a file of only comments and prefixes was written on purpose: a warning."""
    out = []
    for p in data:
        if p.quads:
            continue
        text = p.source.path.read_text(encoding="utf-8-sig", errors="replace")
        empty = not text.strip()
        what = "file is empty" if empty else "file has no triples (only comments or prefixes)"
        out.append(
            Violation.in_file(
                file=p.source.display,
                line=None,
                message=f"{what}: nothing of it would be published; add the report's triples "
                "(`axiskg scaffold report SLUG` writes a start) or delete the file",
                check="empty-file",
                severity="Violation" if empty else "Warning",
            )
        )
    return out


def ignored_files(project: Project) -> list[Violation]:
    return [
        Violation.in_file(
            file=display,
            line=None,
            message=f"ignored: only {folder}/*.ttl are read (not other extensions, not subfolders); "
            f"if it holds data, move or rename it to {folder}/<name>.ttl",
            check="ignored-file",
            severity="Warning",
        )
        for folder, display in project.ignored_files()
    ]


# --- unknown terms ------------------------------------------------------------------------------------------


def namespace_of(iri: str) -> str:
    """`https://w3id.org/axiskg/ontology#Claim` -> `https://w3id.org/axiskg/ontology#`."""
    return iri[: max(iri.rfind("#"), iri.rfind("/")) + 1]


@functools.cache
def standard_terms() -> dict[str, frozenset[str]]:
    """Namespace IRI -> local names of its terms (rdflib's DefinedNamespace classes), for suggestions."""
    return {
        str(v._NS): frozenset(str(term)[len(str(v._NS)) :] for term in dir(v)) for v in STANDARD_VOCABULARIES
    }


_STANDARD = {str(v._NS): v for v in STANDARD_VOCABULARIES}


class Vocabulary:
    """The terms known in each namespace: the project's own namespaces (the IRIs under
    https://w3id.org/axiskg/ontology that the ontology declares) and the standard ones."""

    def __init__(self, ontology: Sequence[ParsedFile]) -> None:
        declared = {q.subject.value for p in ontology for q in p.quads if isinstance(q.subject, ox.NamedNode)}
        self.terms: dict[str, set[str]] = {ns: set(names) for ns, names in standard_terms().items()}
        self.home = {namespace_of(t) for t in declared if t.startswith(iris.ONTOLOGY)} - {""}
        for t in declared:
            ns = namespace_of(t)
            if ns in self.home or ns in self.terms:
                self.terms.setdefault(ns, set()).add(t[len(ns) :])

    def known(self, iri: str) -> bool:
        """False only for an IRI of a known namespace that is none of its terms."""
        ns = namespace_of(iri)
        vocabulary = _STANDARD.get(ns)
        if vocabulary is not None and iri in vocabulary:  # rdflib's own test (rdf:_1... included)
            return True
        names = self.terms.get(ns)
        return names is None or iri[len(ns) :] in names

    def suggest(self, iri: str, used: Iterable[str] = ()) -> str | None:
        """The known term nearest to `iri`: of its own namespace, unless a term of another vocabulary that the
        data uses (`used`) is nearer (`axo:attendedBy`: schema:attendee, not axo:plannedBy)."""
        ns = namespace_of(iri)
        local = iri[len(ns) :]
        names = sorted(self.terms.get(ns, ()))
        same_case = [n for n in names if n.lower() == local.lower()]
        if same_case:
            return ns + same_case[0]
        close = difflib.get_close_matches(local, names, n=1, cutoff=0.6)
        best, score = (ns + close[0], _likeness(local, close[0])) if close else (None, 0.0)
        for term in sorted(set(used)):
            other = namespace_of(term)
            if other != ns and _likeness(local, term[len(other) :]) > max(score, 0.7):
                best, score = term, _likeness(local, term[len(other) :])
        return best

    def source(self, iri: str) -> str:
        ns = namespace_of(iri)
        return "the ontology (ontology/)" if ns in self.home else f"the vocabulary <{ns}>"


def _likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio()


def _terms_used(p: ParsedFile) -> set[ox.NamedNode]:
    """The classes and properties a file uses: predicates, rdf:type objects, claims' rdf:predicate."""
    # rdf:reifies, the RDF 1.2 reifier of << s p o >>, is RDF's own but not in rdflib's list: triple_terms
    used = {q.predicate for q in p.quads if not (q.predicate == _REIFIES and isinstance(q.object, ox.Triple))}
    used |= {
        q.object
        for q in p.quads
        if q.predicate in (_RDF_TYPE, _RDF_PREDICATE) and isinstance(q.object, ox.NamedNode)
    }
    return used


def unknown_terms(
    data: Sequence[ParsedFile], ontology: Sequence[ParsedFile], locator: Callable[[], SourceLocator]
) -> list[Violation]:
    vocabulary = Vocabulary(ontology)
    per_file = [(p, _terms_used(p)) for p in data]
    known_used = {t.value for _p, used in per_file for t in used if vocabulary.known(t.value)}
    out = []
    for p, used in per_file:
        unknown = sorted(t.value for t in used if not vocabulary.known(t.value))
        for term in unknown:
            short = compact(term) if compact(term) != term else f"<{term}>"
            suggestion = vocabulary.suggest(term, known_used)
            hint = (
                f" (did you mean {compact(suggestion)}?)"
                if suggestion
                else f": not a term of {vocabulary.source(term)}; check its spelling"
            )
            out.append(
                Violation.in_file(
                    file=p.source.display,
                    line=locator().term_line(p.source.display, term),
                    message=f"unknown term {short}{hint}",
                    check="unknown-term",
                )
            )
    return out


# --- ill-typed literals -------------------------------------------------------------------------------------

_FORMS = {
    "date": "YYYY-MM-DD",
    "dateTime": "YYYY-MM-DDThh:mm:ss",
    "gYear": "YYYY",
    "gYearMonth": "YYYY-MM",
    "boolean": "true or false",
    "integer": "a whole number",
    "nonNegativeInteger": "a whole number, 0 or more",
    "positiveInteger": "a whole number, 1 or more",
    "decimal": "a number such as 2.5",
    "anyURI": "an IRI",
}
_DATE_HINT = (
    '; for a vague date use a DateSpec: the text\'s own words in rdfs:label ("early summer 2023"@en), '
    'the earliest and latest possible days in axo:notBefore / axo:notAfter ("2023-06-01"^^xsd:date), '
    "how precise it is in axo:precision (axo:PrecisionMonth, axo:PrecisionSeason, axo:PrecisionYear, "
    "axo:PrecisionRange, axo:PrecisionRelative...), and axo:inferred true when the bounds are your reading "
    '(docs/data-model.md, "Dates")'
)
_DATE_PARTS = re.compile(r"^-?(\d{4,})-(\d{2})-(\d{2})")


_TZ = r"(?:Z|[+-]\d{2}:\d{2})?"
# The lexical forms of XML Schema's dates (rdflib's parser also takes "2024-03-01T10:00:00" as an xsd:date,
# which pyoxigraph and every SPARQL store refuse)
_LEXICAL = {
    "date": re.compile(rf"-?\d{{4,}}-\d{{2}}-\d{{2}}{_TZ}"),
    "dateTime": re.compile(rf"-?\d{{4,}}-\d{{2}}-\d{{2}}T\d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)?{_TZ}"),
    "gYear": re.compile(rf"-?\d{{4,}}{_TZ}"),
    "gYearMonth": re.compile(rf"-?\d{{4,}}-\d{{2}}{_TZ}"),
}
_DAY_IN_ANOTHER_FORM = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?")


def _ill_typed(literal: ox.Literal) -> bool:
    dt = literal.datatype.value
    if not dt.startswith(XSD) or dt == XSD + "string" or literal.language:
        return False
    lexical = _LEXICAL.get(dt[len(XSD) :])
    if lexical is not None and not lexical.fullmatch(literal.value.strip()):
        return True
    with quiet_rdflib():
        return Literal(literal.value, datatype=URIRef(dt)).ill_typed is True


def _as_xsd_date(text: str) -> str | None:
    """The xsd:date of a day written in another form (2024-3-1, 2024/03/01, 2024-03-01T10:00), if valid."""
    m = _DAY_IN_ANOTHER_FORM.fullmatch(text.strip())
    if m is None:
        return None
    try:
        return datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def _ill_typed_message(literal: ox.Literal) -> str:
    local = literal.datatype.value[len(XSD) :]
    form = _FORMS.get(local)
    reason = ""
    m = _DATE_PARTS.match(literal.value) if local in ("date", "dateTime") else None
    if m:
        try:
            datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError as exc:
            reason = f": {exc}"
    detail = f" ({form}{reason})" if form else ""
    day = _as_xsd_date(literal.value) if local == "date" and not reason else None
    if reason:
        hint = "; check the month and day"
    elif day is not None:
        hint = (
            f': write it "{day}"^^xsd:date (four-digit year, two-digit month and day, no time of day; '
            "a DateSpec's axo:precision says how precise the text is)"
        )
    elif local in ("date", "dateTime", "gYear", "gYearMonth"):
        hint = _DATE_HINT
    else:
        hint = f"; write a valid xsd:{local} or use another datatype"
    return f"{literal_text(literal.value)} is not a valid xsd:{local}{detail}{hint}"


def ill_typed_literals(
    data: Sequence[ParsedFile], locator: Callable[[], SourceLocator]
) -> tuple[set[ox.Quad], list[Violation]]:
    verdicts: dict[ox.Literal, bool] = {}
    bad: set[ox.Quad] = set()
    out: list[Violation] = []
    for p in data:
        seen: dict[str, int] = {}  # lexical form -> occurrences reported so far in this file
        for q in p.quads:
            o = q.object
            if not isinstance(o, ox.Literal):
                continue
            verdict = verdicts.get(o)
            if verdict is None:
                verdict = verdicts[o] = _ill_typed(o)
            if not verdict:
                continue
            bad.add(q)
            lines = locator().literal_lines(p.source.display, o.value)
            k = seen[o.value] = seen.get(o.value, -1) + 1
            line = lines[min(k, len(lines) - 1)] if lines else None
            subject = q.subject
            if isinstance(subject, ox.Triple):  # RDF-star: not used by this project
                continue
            blank = isinstance(subject, ox.BlankNode)
            where = locator().locate(subject.value, is_blank=blank)
            out.append(
                Violation(
                    focus=f"_:{subject.value}" if blank else subject.value,
                    path=q.predicate.value,
                    message=_ill_typed_message(o),
                    severity="Violation",
                    shape=None,
                    file=p.source.display,
                    line=line or (where.line if where else None),
                    anchor=where.anchor if where and blank else None,
                    check="ill-typed-literal",
                )
            )
    return bad, out


# --- a DateSpec's precision and its bounds -----------------------------------------------------------------

TIME = "http://www.w3.org/2006/time#"
_DATE_PROPERTIES = {iris.AXO + "notBefore": "notBefore", iris.AXO + "notAfter": "notAfter"}
_DATE_PROPERTIES[TIME + "inXSDDate"] = "inXSDDate"
_PRECISION = iris.AXO + "precision"
_SPANS = {  # precision -> (what one period is, the part of the date that is the same across it)
    "PrecisionDay": ("one day", 10),
    "PrecisionMonth": ("one month", 7),
    "PrecisionYear": ("one year", 4),
}
_ALTERNATIVES = (
    "axo:PrecisionMonth, axo:PrecisionSeason, axo:PrecisionYear or axo:PrecisionRange (docs/data-model.md, "
    '"Dates")'
)


def date_precision(
    data: Sequence[ParsedFile], locator: Callable[[], SourceLocator], ill_typed: Collection[ox.Quad] = ()
) -> list[Violation]:
    """A DateSpec that claims more precision than its bounds: an exact day (time:inXSDDate) on a date the
    text gives only to the season, month or year; axo:PrecisionDay with bounds that are not one day;
    axo:PrecisionMonth or axo:PrecisionYear with bounds in two months or years (a warning: the bounds
    may be our reading)."""
    out: list[Violation] = []
    for p in data:
        dates: dict[str, dict[str, str]] = {}
        for q in p.quads:
            if not isinstance(q.subject, ox.NamedNode | ox.BlankNode) or q in ill_typed:
                continue
            key = _DATE_PROPERTIES.get(q.predicate.value)
            if key is not None and isinstance(q.object, ox.Literal):
                dates.setdefault(q.subject.value, {})[key] = q.object.value
            elif q.predicate.value == _PRECISION and isinstance(q.object, ox.NamedNode):
                dates.setdefault(q.subject.value, {})["precision"] = q.object.value.removeprefix(iris.AXO)
        for node, d in dates.items():
            problem = _precision_problem(d)
            if problem is None:
                continue
            message, severity, on_day = problem
            blank = node not in {q.subject.value for q in p.quads if isinstance(q.subject, ox.NamedNode)}
            subject = None if blank else node
            if on_day:  # where the exact day is written: the line to remove
                line = locator().value_line(
                    p.source.display, subject, lexical=d["inXSDDate"], datatype=XSD + "date"
                )
            else:
                line = locator().value_line(p.source.display, subject, iri=iris.AXO + d["precision"])
            where = locator().locate(node, is_blank=blank)
            out.append(
                Violation(
                    focus=f"_:{node}" if blank else node,
                    path=TIME + "inXSDDate" if on_day else _PRECISION,
                    message=message,
                    severity=severity,
                    shape=None,
                    file=p.source.display,
                    line=line or (where.line if where else None),
                    anchor=where.anchor if where and blank else None,
                    check="date-precision",
                )
            )
    return out


def _precision_problem(d: dict[str, str]) -> tuple[str, str, bool] | None:
    """(message, severity, whether the exact day is at fault) for a DateSpec's dates and precision, None if
    they agree."""
    precision = d.get("precision")
    if precision is None:
        return None
    day, first, last = d.get("inXSDDate"), d.get("notBefore"), d.get("notAfter")
    if day is not None and precision != "PrecisionDay":
        return (
            f'time:inXSDDate "{day}" makes this DateSpec an exact day, but its axo:precision is '
            f"axo:{precision}: remove time:inXSDDate (a date known only to the season, month or year has "
            "only axo:notBefore and axo:notAfter), or, if the text gives the day, set axo:precision "
            "axo:PrecisionDay with both bounds on that day",
            "Violation",
            True,
        )
    span = _SPANS.get(precision)
    if day is not None:  # an exact day: the shape axsh:ExactDay holds its bounds to that day
        return None
    if span is None or first is None or last is None or first[: span[1]] == last[: span[1]]:
        return None
    what, _ = span
    message = (
        f"axo:{precision} says the date is known to {what}, but its bounds run from {first} to {last}: "
        f"say how precise the text is with {_ALTERNATIVES}, or narrow the bounds"
    )
    return message, ("Violation" if precision == "PrecisionDay" else "Warning"), False


# --- triple claims written the wrong way round -------------------------------------------------------------

# predicates that go from a meeting or event to a participant: `meeting schema:attendee person`
_FROM_EVENT = {
    iris.PREFIXES["schema"] + "attendee": "schema:attendee",
    iris.AXO + "absentee": "axo:absentee",
    iris.AXO + "invitee": "axo:invitee",
}
_EVENT_ROOTS = frozenset({iris.PREFIXES["schema"] + "Event", iris.AXO + "Meeting", iris.AXO + "Event"})
_SUBJECT = ox.NamedNode(RDF + "subject")
_OBJECT = ox.NamedNode(RDF + "object")


def claim_directions(
    data: Sequence[ParsedFile], ontology: Sequence[ParsedFile], locator: Callable[[], SourceLocator]
) -> list[Violation]:
    """A triple claim of attendance (absence, invitation) whose rdf:subject is not a meeting or event while
    its rdf:object is one: written the wrong way round, the build would derive `person schema:attendee
    meeting`."""
    parents: dict[str, set[str]] = {}
    for p in ontology:
        for q in p.quads:
            sub, sup = q.subject, q.object
            if (
                q.predicate == _SUBCLASS_OF
                and isinstance(sub, ox.NamedNode)
                and isinstance(sup, ox.NamedNode)
            ):
                parents.setdefault(sub.value, set()).add(sup.value)

    def is_event(cls: str, seen: frozenset[str] = frozenset()) -> bool:
        if cls in _EVENT_ROOTS:
            return True
        return any(is_event(up, seen | {cls}) for up in parents.get(cls, ()) if up not in seen)

    types: dict[str, set[str]] = {}
    parts: dict[str, dict[str, str]] = {}  # claim -> subject / predicate / object
    where: dict[str, str] = {}
    for p in data:
        for q in p.quads:
            if not isinstance(q.subject, ox.NamedNode) or not isinstance(q.object, ox.NamedNode):
                continue
            if q.predicate == _RDF_TYPE:
                types.setdefault(q.subject.value, set()).add(q.object.value)
            elif q.predicate in (_SUBJECT, _RDF_PREDICATE, _OBJECT):
                parts.setdefault(q.subject.value, {})[q.predicate.value] = q.object.value
                where[q.subject.value] = p.source.display
    out: list[Violation] = []
    for claim, triple in sorted(parts.items()):
        name = _FROM_EVENT.get(triple.get(RDF + "predicate", ""))
        subject, obj = triple.get(RDF + "subject"), triple.get(RDF + "object")
        if name is None or subject is None or obj is None:
            continue
        events = [any(is_event(c) for c in types.get(node, ())) for node in (subject, obj)]
        if events != [False, True]:
            continue
        file = where[claim]
        out.append(
            Violation(
                focus=claim,
                path=RDF + "subject",
                message=f"{name} goes from the meeting to the participant (rdf:subject <meeting> ; "
                f"rdf:predicate {name} ; rdf:object <participant>), but this claim's rdf:subject <{subject}> "
                f"is not a meeting or event and its rdf:object <{obj}> is: swap rdf:subject and rdf:object",
                severity="Violation",
                shape=None,
                file=file,
                line=locator().value_line(file, claim, iri=subject),
                check="claim-direction",
            )
        )
    return out


# --- a hedged quote on a claim stated as fact ---------------------------------------------------------------

_HEDGE = ox.NamedNode(iris.AXO + "hedge")
_HEDGE_NONE = iris.HEDGE + "none"
_HEDGING_WORDS = (  # the words of a quote that name the hedge the report puts on it
    (re.compile(r"\breportedly\b", re.IGNORECASE), "reportedly"),
    (re.compile(r"\b(?:is|are|was|were)\s+said\s+to\b", re.IGNORECASE), "said-to"),
    (re.compile(r"\ballegedly\b", re.IGNORECASE), "alleged"),
    (re.compile(r"\bapparently\b", re.IGNORECASE), "apparently"),
    (re.compile(r"\baccording\s+to\s+(?:the\s+)?leaks\b", re.IGNORECASE), "according-to-leaks"),
)


def hedges_in_quotes(data: Sequence[ParsedFile], locator: Callable[[], SourceLocator]) -> list[Violation]:
    """A claim stated as fact (hedge:none) whose quote hedges it ("reportedly", "is said to"...): advice, at
    the hedge's line, to check that the report does not hedge it."""
    hedge: dict[str, str] = {}
    quotes_of: dict[str, list[str]] = {}
    where: dict[str, str] = {}
    for p in data:
        for q in p.quads:
            if not isinstance(q.subject, ox.NamedNode):
                continue
            if q.predicate == _HEDGE and isinstance(q.object, ox.NamedNode):
                hedge[q.subject.value] = q.object.value
                where[q.subject.value] = p.source.display
            elif q.predicate == _QUOTE and isinstance(q.object, ox.Literal):
                quotes_of.setdefault(q.subject.value, []).append(q.object.value)
    out: list[Violation] = []
    for claim, value in sorted(hedge.items()):
        if value != _HEDGE_NONE:
            continue
        found = next(
            ((m.group(0), name) for text in quotes_of.get(claim, ()) for rx, name in _HEDGING_WORDS
             if (m := rx.search(text))),
            None,
        )  # fmt: skip
        if found is None:
            continue
        words, name = found
        file = where[claim]
        out.append(
            Violation(
                focus=claim,
                path=_HEDGE.value,
                message=f'the quote says "{words}" but the claim is stated as fact (hedge:none): if the '
                f"report hedges it, write axo:hedge hedge:{name}",
                severity="Warning",
                shape=None,
                file=file,
                line=locator().value_line(file, claim, iri=_HEDGE_NONE),
                check="hedge-in-quote",
            )
        )
    return out


# --- empty texts --------------------------------------------------------------------------------------------

_TEXTS = {
    iris.AXO + "quote": "copy the report's words",
    iris.AXO + "content": "write what was said or decided",
    "http://www.w3.org/2004/02/skos/core#prefLabel": "write the name",
    "http://www.w3.org/2004/02/skos/core#altLabel": "write the spelling, or remove it",
    "http://www.w3.org/2000/01/rdf-schema#label": "write the text's words",
    "http://purl.org/dc/terms/title": "write the title",
}


def empty_texts(data: Sequence[ParsedFile], locator: Callable[[], SourceLocator]) -> list[Violation]:
    """A quote, label, title or content that is empty or only spaces: an empty quote is "in" every source
    text, and an empty label names nothing."""
    out: list[Violation] = []
    for p in data:
        for q in p.quads:
            mend = _TEXTS.get(q.predicate.value)
            if mend is None or not isinstance(q.object, ox.Literal) or q.object.value.strip():
                continue
            if not isinstance(q.subject, ox.NamedNode | ox.BlankNode):
                continue
            blank = isinstance(q.subject, ox.BlankNode)
            where = locator().locate(q.subject.value, is_blank=blank)
            line = locator().value_line(
                p.source.display,
                None if blank else q.subject.value,
                lexical=q.object.value,
                language=q.object.language,
                datatype=q.object.datatype.value,
            )
            out.append(
                Violation(
                    focus=f"_:{q.subject.value}" if blank else q.subject.value,
                    path=q.predicate.value,
                    message=f"{compact(q.predicate.value)} is empty: {mend}",
                    severity="Violation",
                    shape=None,
                    file=p.source.display,
                    line=line or (where.line if where else None),
                    anchor=where.anchor if where and blank else None,
                    check="empty-text",
                )
            )
    return out


# --- two entities of one name -------------------------------------------------------------------------------

_LABELS = (
    ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
    ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
)
_NAMED_KINDS = {"person": "person", "org": "organization", "place": "place"}
_CLAIM_ENDS = (ox.NamedNode(RDF + "subject"), ox.NamedNode(RDF + "object"))


def shared_labels(data: Sequence[ParsedFile], locator: Callable[[], SourceLocator]) -> list[Violation]:
    """A person, organization or place with a label (case, apostrophes and spacing aside) that another one of
    the same kind has: likely one entity under two IRIs (a new spelling declared as a new entity). A warning,
    at the later label; entities that a claim relates to each other ("possibly the same as") are let be."""
    named: dict[tuple[str, str], list[tuple[int, str, ox.Literal, str]]] = {}  # (kind, label) -> uses
    ends: dict[str, set[str]] = {}  # claim -> its rdf:subject and rdf:object
    for order, p in enumerate(data):
        for q in p.quads:
            if not isinstance(q.subject, ox.NamedNode):
                continue
            if q.predicate in _CLAIM_ENDS and isinstance(q.object, ox.NamedNode):
                ends.setdefault(q.subject.value, set()).add(q.object.value)
            elif q.predicate in _LABELS and isinstance(q.object, ox.Literal):
                kind = q.subject.value.removeprefix(iris.ID).partition("/")[0]
                if q.subject.value.startswith(iris.ID) and kind in _NAMED_KINDS:
                    key = (kind, normalise(q.object.value).casefold())
                    named.setdefault(key, []).append((order, q.subject.value, q.object, p.source.display))
    related = {frozenset(pair) for pair in ends.values() if len(pair) == 2}
    out: list[Violation] = []
    said: set[frozenset[str]] = set()
    for (kind, _label), uses in sorted(named.items()):
        if len({iri for _o, iri, _l, _f in uses}) < 2:
            continue
        placed = [
            (
                order,
                locator().value_line(file, iri, lexical=lit.value, language=lit.language) or 0,
                iri,
                lit,
                file,
            )
            for order, iri, lit, file in uses
        ]
        placed.sort(key=lambda use: use[:3])
        first = placed[0]
        for _order, line, iri, lit, file in placed[1:]:
            pair = frozenset((first[2], iri))
            if iri == first[2] or pair in related or pair in said:
                continue
            said.add(pair)
            what = _NAMED_KINDS[kind]
            out.append(
                Violation(
                    focus=iri,
                    path=None,
                    message=f"the label {literal_text(lit.value, language=lit.language)} is also a label of "
                    f"<{first[2]}> ({first[4]}:{first[1]}): if they are the same {what}, use that IRI and "
                    "add this spelling as its skos:altLabel; if they are two that share a name, the warning "
                    "may stay (a claim relating them, as axo:possiblySameAs where the text says so, ends it)",
                    severity="Warning",
                    shape=None,
                    file=file,
                    line=line or None,
                    check="shared-label",
                )
            )
    return out


# --- RDF 1.2 triple terms -----------------------------------------------------------------------------------

_AS_A_CLAIM = (
    "write the statement as a claim (rdf:subject, rdf:predicate, rdf:object) with its report, hedge and "
    "quote (docs/data-model.md)"
)


def triple_terms(ok: Sequence[ParsedFile], locator: Callable[[], SourceLocator]) -> list[Violation]:
    """A triple that holds an RDF 1.2 triple term (`<<( s p o )>>`, or the rdf:reifies that `<< s p o >>`,
    `{| ... |}` and `~` write): pyoxigraph reads them, but neither rdflib nor pyshacl can, the build does not
    expect them, and a statement about a statement is a claim here. Errors; the triple is kept from pyshacl
    (`axiskg.validate.rdflib_graph`)."""
    out: list[Violation] = []
    for p in ok:
        held = [q for q in p.quads if isinstance(q.subject, ox.Triple) or isinstance(q.object, ox.Triple)]
        if not held:
            continue
        lines = locator().triple_term_lines(p.source.display)
        for k, q in enumerate(held):
            if q.predicate == _REIFIES:
                what = f"a statement about {_show(q.object)} (written << ... >>, {{| ... |}} or ~)"
            else:
                what = f"{_show(q.subject)} {_show(q.predicate)} {_show(q.object)}"
            out.append(
                Violation.in_file(
                    file=p.source.display,
                    line=lines[min(k, len(lines) - 1)] if lines else None,
                    message=f"RDF 1.2 triple terms are not supported in {p.source.folder}/: {what}; "
                    + _AS_A_CLAIM,
                    check="triple-term",
                )
            )
    return out


# --- IRIs described in two files ----------------------------------------------------------------------------


def _kind(iri: str) -> str | None:
    if not iri.startswith(iris.ID):
        return None
    kind = iri[len(iris.ID) :].split("/", 1)[0]
    return kind if kind in SINGLE_FILE_KINDS else None


def duplicates(
    data: Sequence[ParsedFile], locator: Callable[[], SourceLocator]
) -> tuple[set[str], list[Violation]]:
    files: dict[str, int] = {}
    for p in data:
        for s in {q.subject for q in p.quads if isinstance(q.subject, ox.NamedNode)}:
            if _kind(s.value) is not None:
                files[s.value] = files.get(s.value, 0) + 1
    twice = sorted(iri for iri, n in files.items() if n > 1)
    out = []
    for iri in twice:
        places = locator().describing(iri)
        where = [f"{loc.file}:{loc.line}" if loc.line else loc.file for loc in places]
        listed = ", ".join(where[:-1]) + " and " + where[-1]
        kind = SINGLE_FILE_KINDS[_kind(iri) or ""]
        out.append(
            Violation.in_file(
                file=places[-1].file,
                line=places[-1].line,
                message=f"IRI <{iri}> is described in {listed}; each {kind} must be described in one file: "
                f"give the new one its own IRI, or merge the two descriptions",
                check="duplicate-description",
            )
        )
    return set(twice), out


# --- quotes -------------------------------------------------------------------------------------------------

_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
    }
)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text compared for quotes: NFC, straight quotes and apostrophes, plain hyphens, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_TYPOGRAPHIC).replace("\u2026", "...")
    return _SPACE.sub(" ", text).strip()


def source_dirs(root: Path | None) -> list[Path]:
    dirs = [Path(d) for d in os.environ.get(SOURCES_ENV, "").split(os.pathsep) if d]
    if root is not None:
        dirs.append(root.parent / "shared" / "sources")
    return dirs


def source_path(name: str, root: Path | None) -> Path | None:
    """The source text named `name` (a bare file name) in the sources folders, or None."""
    candidates = [d / name for d in source_dirs(root)]
    if root is not None:
        candidates.append(root / name)
    for c in candidates:
        with contextlib.suppress(OSError):  # a name too long, a folder that cannot be searched: not there
            if c.is_file():
                return c
    return None


def bare_name(name: str) -> bool:
    """Whether axo:sourceFile names a file of the sources folder (not a path: the check prints passages of
    the file, which must not be any file the validating machine can read)."""
    return bool(name) and Path(name).name == name and name not in (".", "..") and "\\" not in name


def _closest(quote: str, text: str) -> str | None:
    """The passage of `text` (normalised) that shares the longest run of words with `quote`, as many words
    long as the quote; None when they share less than a quarter of the quote (and at least two words)."""
    words, text_words = quote.split(" "), text.split(" ")
    matcher = difflib.SequenceMatcher(None, words, text_words, autojunk=False)
    m = matcher.find_longest_match(0, len(words), 0, len(text_words))
    if m.size < max(2, len(words) // 4):
        return None
    start = max(0, m.b - m.a)
    return " ".join(text_words[start : start + len(words)])


def quotes(
    data: Sequence[ParsedFile], locator: Callable[[], SourceLocator], root: Path | None
) -> tuple[list[Violation], list[str]]:
    claims: set[ox.NamedNode] = set()
    stated: dict[ox.NamedNode, ox.NamedNode] = {}
    several: set[ox.NamedNode] = set()  # claims with more than one report: the shapes say so
    source_file: dict[ox.NamedNode, str] = {}
    said: list[tuple[ParsedFile, ox.NamedNode, ox.Literal]] = []
    read = {_QUOTE, _STATED_IN, _RDF_TYPE, _SOURCE_FILE}
    for p in data:
        for q in p.quads:
            s, pred, o = q.subject, q.predicate, q.object
            if pred not in read or not isinstance(s, ox.NamedNode):
                continue
            if pred == _QUOTE and isinstance(o, ox.Literal) and o.language:  # others: axsh:ClaimQuoteText
                said.append((p, s, o))
            elif pred == _STATED_IN and isinstance(o, ox.NamedNode):
                if stated.setdefault(s, o) != o:
                    several.add(s)
            elif pred == _RDF_TYPE and o == _CLAIM:
                claims.add(s)
            elif pred == _SOURCE_FILE and isinstance(o, ox.Literal):
                source_file[s] = o.value
    texts: dict[str, str | None] = {}
    unnamed: set[str] = set()  # reports without axo:sourceFile
    absent: set[str] = set()  # source files not found
    out: list[Violation] = []
    for p, claim, quote in said:
        report = stated.get(claim)
        if claim not in claims or report is None or claim in several:
            continue  # the shapes report a claim without a report, or with several (one IRI in two files)
        name = source_file.get(report)
        if name is None:
            unnamed.add(report.value)
            continue
        if not bare_name(name):
            if name not in texts:  # once per report
                texts[name] = None
                at = locator().locate(report.value)
                out.append(
                    Violation(
                        focus=report.value,
                        path=_SOURCE_FILE.value,
                        message=f"axo:sourceFile {literal_text(name)} is a path: give the bare name of the "
                        f'report\'s text in the sources folder (axo:sourceFile "NNN_....txt"; {SOURCES_ENV} '
                        "or ../shared/sources)",
                        severity="Violation",
                        shape=None,
                        file=at.file if at else p.source.display,
                        line=at.line if at else None,
                        check="source-file-path",
                    )
                )
            continue
        if name not in texts:
            path = source_path(name, root)
            texts[name] = normalise(path.read_text(encoding="utf-8-sig", errors="replace")) if path else None
        text = texts[name]
        if text is None:
            absent.add(name)
            continue
        wanted = normalise(quote.value)
        if wanted in text:
            continue
        if wanted.casefold() in text.casefold():
            hint = "it differs from the text only in upper/lower case: copy the text's capitals"
        else:
            closest = _closest(wanted, text)
            hint = f"the closest passage is {literal_text(closest)}" if closest else "no similar passage"
        where = locator().literal_lines(p.source.display, quote.value)
        claim_at = locator().locate(claim.value)
        line = next((n for n in where if claim_at is None or (claim_at.line or 0) <= n), None)
        out.append(
            Violation(
                focus=claim.value,
                path=_QUOTE.value,
                message=f"the quote is not in the report's source text ({name}): {hint}; "
                "a quote is copied verbatim (only spacing, typographic quotes and dashes may differ)",
                severity="Violation",
                shape=None,
                file=p.source.display,
                line=line or (claim_at.line if claim_at else None),
                check="quote-not-in-source",
            )
        )
    notes = []
    if absent:
        looked = ", ".join(str(d) for d in source_dirs(root)) or "nowhere"
        there = sorted({f.name for d in source_dirs(root) if d.is_dir() for f in d.iterdir() if f.is_file()})
        near = {  # a name misspelt in axo:sourceFile, next to a text that is there
            name: close[0]
            for name in sorted(absent)
            if (close := difflib.get_close_matches(name, there, n=1, cutoff=0.8))
        }
        hints = "".join(f"; {name}: did you mean {close}?" for name, close in near.items())
        notes.append(
            f"quotes not checked against the source texts {', '.join(sorted(absent))}: not found in {looked} "
            f"(set {SOURCES_ENV} to the folder that holds them){hints}"
        )
    if unnamed:
        notes.append(
            "quotes not checked against the source text of "
            + ", ".join(f"<{r}>" for r in sorted(unnamed))
            + ': no axo:sourceFile (add axo:sourceFile "NNN_....txt" to the report)'
        )
    return out, notes


# --- terms in the files' text -------------------------------------------------------------------------------


class _Lines:
    """Which line of a file each statement of a term is given: the locator (axiskg.locate) finds the lines
    where a term is written; a term stated several times gets each of its lines, in turn."""

    def __init__(self, locator: SourceLocator, p: ParsedFile) -> None:
        self.locator, self.file = locator, p.source.display
        self.used: set[tuple[str, int]] = set()

    def next_line(self, iri: str, start: int, after: str | None = None, not_after: str | None = None) -> int:
        """The first line at or after `start` where `iri` is written (right after the term `after`; not right
        after the term `not_after`) and that no earlier call returned for it (each statement of a term gets
        its own line); `start` if there is none."""
        lines = self.locator.term_lines(self.file, iri, after)
        if not_after is not None:
            claimed = set(self.locator.term_lines(self.file, iri, not_after))
            lines = [n for n in lines if n not in claimed]
        later = [n for n in lines if n >= start] or lines
        fresh = [n for n in later if (iri, n) not in self.used]
        line = (fresh or later or [start])[0]
        self.used.add((iri, line))
        return line


def _show(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    """A term for a message: a prefixed name where the contract has one, else <IRI>; [] for a blank node."""
    if isinstance(term, ox.NamedNode):
        short = compact(term.value)
        return short if short != term.value and ":" in short and "/" not in short else f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return literal_text(term.value, term.datatype.value, term.language)
    if isinstance(term, ox.Triple):
        return f"<<( {_show(term.subject)} {_show(term.predicate)} {_show(term.object)} )>>"
    return "[]"


def _start(locator: SourceLocator, p: ParsedFile, node: ox.NamedNode | ox.BlankNode | ox.Triple) -> int:
    """The line where `node`'s description starts in `p` (1 if unknown)."""
    if isinstance(node, ox.Triple):
        return 1
    return locator.start_line(p.source.display, node.value, is_blank=isinstance(node, ox.BlankNode)) or 1


# --- edges the build derives, stated by hand ----------------------------------------------------------------

ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "https://schema.org/"

_AS_CLAIM = (
    "write it as a claim (rdf:subject/rdf:predicate/rdf:object, or axo:asserts) with its report, hedge and "
    "quote; the build derives the edge"
)
_SPEECH_ACT = (
    "write the axo:SpeechAct (axo:speaker, axo:addressee, axo:atEvent) and a claim that asserts it "
    "(axo:asserts) with its report, hedge and quote; the build derives the edge"
)
_CHAIN = "put the source in the claim's axo:attributionChain; the build derives the edge"
_MEMBERSHIP = (
    "write the org:Membership (org:member, org:organization, org:role) and a claim that asserts it "
    "(axo:asserts), or a claim <member> org:memberOf <organization>, with its report, hedge and quote; "
    "the build derives the edge"
)

DERIVED_ONLY: dict[str, str] = {
    ORG + "hasMember": _MEMBERSHIP,
    ORG + "hasMembership": _MEMBERSHIP,
    iris.AXO + "spokeTo": _SPEECH_ACT,
    iris.AXO + "spokeAt": _SPEECH_ACT,
    iris.AXO + "citesSource": _CHAIN,
    PROV + "hadPrimarySource": _CHAIN,
    iris.AXO + "claimAbout": (
        "the build derives it from each claim's rdf:subject, rdf:object and axo:asserts: remove it"
    ),
}
"""Edges the build derives (axiskg.derive) only from the structure of other claims: memberships, speech acts,
attribution chains. Neither stated directly nor claimed (a claim of one would be an edge with no membership,
speech act or chain behind it); the mend for each."""

CLAIMED_ONLY: frozenset[str] = frozenset(
    [ORG + "memberOf", ORG + "headOf", SCHEMA + "attendee"]
    + [iris.AXO + name for name in ("absentee", "excludedFrom", "invitee")]
)
"""Edges carried only by (T) claims, which the build derives into graph/derived (docs/data-model.md):
org:memberOf and org:headOf (also derived from asserted memberships), and who attended, was absent from,
excluded from or invited to a meeting. Never stated directly, where they would be published without a
report, hedge or quote. The other relations between actors (axo:basedIn, axo:nationality...) are left
alone: a shared entity's description may state them (the seat of an institution)."""


def stated_derived_edges(data: Sequence[ParsedFile], locator: Callable[[], SourceLocator]) -> list[Violation]:
    """A derived edge stated directly in a data file, and a claim whose rdf:predicate is an edge the build
    derives only from other claims (axo:spokeAt...)."""
    out: list[Violation] = []
    for p in data:
        text: _Lines | None = None
        for q in p.quads:
            s, pred, o = q.subject, q.predicate.value, q.object
            if pred in DERIVED_ONLY or pred in CLAIMED_ONLY:
                text = text or _Lines(locator(), p)
                mend = DERIVED_ONLY.get(pred, _AS_CLAIM)
                message = f"{_show(s)} {_show(q.predicate)} {_show(o)} is stated directly: {mend}"
                check = "stated-derived-edge"
                line = text.next_line(pred, _start(locator(), p, s), not_after=_RDF_PREDICATE.value)
            elif q.predicate == _RDF_PREDICATE and isinstance(o, ox.NamedNode) and o.value in DERIVED_ONLY:
                text = text or _Lines(locator(), p)
                message = (
                    f"{_show(s)} claims rdf:predicate {_show(o)}, an edge the build derives from other "
                    f"claims (never written by hand): {DERIVED_ONLY[o.value]}"
                )
                check = "claimed-derived-edge"
                line = text.next_line(o.value, _start(locator(), p, s), after=_RDF_PREDICATE.value)
            else:
                continue
            out.append(Violation.in_file(file=p.source.display, line=line, message=message, check=check))
    return out


# --- entity IRIs --------------------------------------------------------------------------------------------


def entity_iris(data: Sequence[ParsedFile], locator: Callable[[], SourceLocator]) -> list[Violation]:
    """Every IRI under https://w3id.org/axiskg/id/ that a data file uses (as a subject or an object) must
    be `<kind>/<slug>`: a known kind, a lower-case kebab slug (docs/data-model.md). An @prefix without its
    final '/' (`.../id/personkarim-al-saadi`), capitals or '_' (`person/Karim_Al-Saadi`), an encoded space
    or an unknown kind (`meetings/baghdad%202023`) would be published and served as they are."""
    out = []
    for p in data:
        used = {
            t.value
            for q in p.quads
            for t in (q.subject, q.object)
            if isinstance(t, ox.NamedNode) and t.value.startswith(iris.ID)
        }
        for iri in sorted(used):
            problem = iris.entity_iri_problem(iri)
            if problem is None:
                continue
            reason, fixed = problem
            mend = (
                f"write {fixed[len(iris.ID) :]} (<{fixed}>)"
                if fixed
                else f'write {iris.ID}<kind>/<slug> (docs/data-model.md, "Namespaces and IRIs")'
            )
            out.append(
                Violation.in_file(
                    file=p.source.display,
                    line=locator().term_line(p.source.display, iri),
                    message=f"<{iri}> is not an entity IRI ({iris.ID}<kind>/<slug>): {reason}; {mend}",
                    check="entity-iri",
                )
            )
    return out


# --- data outside data/ -------------------------------------------------------------------------------------

_DATA_ROOTS = frozenset(
    [PROV + c for c in ("Entity", "Activity", "Agent", "Plan", "Location")]
    + [SCHEMA + c for c in ("Place", "Event", "CreativeWork", "Person", "Organization")]
    + [ORG + c for c in ("Membership", "Organization", "ChangeEvent")]
    + [
        "http://www.w3.org/2006/time#TemporalEntity",
        "http://www.w3.org/2006/time#Duration",
        "http://xmlns.com/foaf/0.1/Agent",
        "http://xmlns.com/foaf/0.1/Person",
        RDF + "Statement",
    ]
)
"""Classes whose instances are data (with their subclasses in the ontology: axo:Claim, axo:Report,
axo:Meeting, axo:Person, axo:DateSpec...); the controlled values (hedges, roles, precisions: skos:Concept)
are the ontology's own."""

_CLAIM_PREDICATES = frozenset(
    [iris.AXO + p for p in ("statedIn", "quote", "asserts", "attributionChain", "hedge")]
    + [RDF + "subject", RDF + "object"]
)
_SUBCLASS_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
SH = "http://www.w3.org/ns/shacl#"

_KIND_NAMES = {
    "act": "speech act",
    "time": "DateSpec",
    "org": "organization",
}


def _data_classes(ontology: Sequence[ParsedFile]) -> set[str]:
    """_DATA_ROOTS and every class the ontology puts under one of them."""
    sub: dict[str, set[str]] = {}
    for p in ontology:
        for q in p.quads:
            s, o = q.subject, q.object
            if q.predicate == _SUBCLASS_OF and isinstance(o, ox.NamedNode) and isinstance(s, ox.NamedNode):
                sub.setdefault(o.value, set()).add(s.value)
    found, todo = set(_DATA_ROOTS), list(_DATA_ROOTS)
    while todo:
        for c in sub.get(todo.pop(), ()):
            if c not in found:
                found.add(c)
                todo.append(c)
    return found


def _what(node: ox.NamedNode | ox.BlankNode, types: set[str], is_claim: bool) -> str:
    """What a data node is, in words: "claim", "report", "speech act"..."""
    if is_claim:
        return "claim"
    if isinstance(node, ox.NamedNode) and node.value.startswith(iris.ID):
        kind = node.value[len(iris.ID) :].split("/", 1)[0]
        if kind in iris.KINDS:
            return _KIND_NAMES.get(kind, kind)
    for t in sorted(types):
        local = t[len(namespace_of(t)) :]
        if local:
            return local if local == "DateSpec" else re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()
    return "data node"


def _counted(names: list[str]) -> str:
    """["claim", "claim", "report"] -> "2 claims and a report"."""
    counts: dict[str, int] = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    parts = [
        (f"{k} {n}s" if k > 1 else ("an " if n[0] in "aeiou" else "a ") + n)
        for n, k in sorted(counts.items(), key=lambda nk: -nk[1])  # the most numerous first
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _data_nodes(p: ParsedFile, classes: set[str] | None) -> list[tuple[ox.NamedNode | ox.BlankNode, str]]:
    """The data nodes a file describes (in order of first mention), with what each is: the claims (typed
    axo:Claim, or with a claim's properties) and the nodes under https://w3id.org/axiskg/id/; with `classes`,
    the instances of those classes too. (Not for ontology/: its header may well name a foaf:Person as its
    creator.)"""
    types: dict[ox.NamedNode | ox.BlankNode, set[str]] = {}
    claims: set[ox.NamedNode | ox.BlankNode] = set()
    order: dict[ox.NamedNode | ox.BlankNode, None] = {}
    for q in p.quads:
        s = q.subject
        if isinstance(s, ox.Triple):
            continue
        order.setdefault(s, None)
        if q.predicate == _RDF_TYPE and isinstance(q.object, ox.NamedNode):
            types.setdefault(s, set()).add(q.object.value)
            if q.object == _CLAIM:
                claims.add(s)
        elif q.predicate.value in _CLAIM_PREDICATES:
            claims.add(s)
    out = []
    for s in order:
        typed = types.get(s, set()) & classes if classes is not None else set()
        ours = isinstance(s, ox.NamedNode) and s.value.startswith(iris.ID)
        if s in claims or typed or ours:
            out.append((s, _what(s, typed, s in claims)))
    return out


def data_outside_data(
    ok: Sequence[ParsedFile], locator: Callable[[], SourceLocator] | None = None
) -> list[Violation]:
    """Data in ontology/ or shapes/: an ontology file is published in graph/ontology without the checks data/
    gets (terms, quotes, duplicates), a shapes file is not published at all. Errors. What is data: claims
    (axo:Claim, or a claim's properties: axo:statedIn, axo:quote, rdf:subject...) and nodes under
    https://w3id.org/axiskg/id/; in shapes/, instances of the data classes too (persons, meetings...: a
    shapes file describes only shapes), not in ontology/, where they describe the ontology (its creator, a
    foaf:Person). The other triples of a shapes file that are not shapes: a warning naming them.

    `locator`: a SourceLocator of the data and ontology files that also indexes the shapes (`also`), made
    when needed; by default, one of `ok`."""
    if locator is None:
        located = [p for p in ok if p.source.folder in ("data", "ontology")]
        shapes = [p for p in ok if p.source.folder == "shapes"]
        locator = functools.cache(lambda: SourceLocator(located, also=shapes))
    ontology = [p for p in ok if p.source.folder == "ontology"]
    classes = _data_classes(ontology)
    out: list[Violation] = []
    for p in ok:
        if p.source.folder not in ("ontology", "shapes"):
            continue
        nodes = _data_nodes(p, classes if p.source.folder == "shapes" else None)
        if nodes:
            first, _ = nodes[0]
            shown = f"<{first.value}>" if isinstance(first, ox.NamedNode) else "[]"
            line = locator().start_line(
                p.source.display, first.value, is_blank=isinstance(first, ox.BlankNode)
            )
            if p.source.folder == "ontology":
                fate = (
                    "an ontology file is published in graph/ontology without the checks of data/ "
                    "(terms, quotes, duplicates)"
                )
            else:
                fate = "shapes/ is read as SHACL shapes only, none of it is published"
            what = _counted([n for _, n in nodes])
            out.append(
                Violation.in_file(
                    file=p.source.display,
                    line=line,
                    message=f"{what} outside data/ ({'the first: ' if len(nodes) > 1 else ''}{shown}): "
                    f"{fate}: move the file to data/",
                    check="data-outside-data",
                )
            )
        if p.source.folder == "shapes":
            out += _not_shapes(p, {n for n, _ in nodes}, locator)
    return out


def _not_shapes(
    p: ParsedFile, data_nodes: set[ox.NamedNode | ox.BlankNode], locator: Callable[[], SourceLocator]
) -> list[Violation]:
    """The triples of a shapes file that belong to no shape (nor to a data node, reported as an error)."""
    kept: set[ox.NamedNode | ox.BlankNode] = set(data_nodes)
    for q in p.quads:
        if isinstance(q.subject, ox.Triple):
            continue
        if q.predicate.value.startswith(SH) or (
            q.predicate == _RDF_TYPE and isinstance(q.object, ox.NamedNode) and q.object.value.startswith(SH)
        ):
            kept.add(q.subject)
    blank: dict[ox.NamedNode | ox.BlankNode, list[ox.BlankNode]] = {}
    for q in p.quads:
        if isinstance(q.object, ox.BlankNode) and not isinstance(q.subject, ox.Triple):
            blank.setdefault(q.subject, []).append(q.object)
    todo = list(kept)  # the blank nodes (nested shapes, lists) hanging from the shapes and data nodes
    while todo:
        for o in blank.get(todo.pop(), ()):
            if o not in kept:
                kept.add(o)
                todo.append(o)
    dropped = [q for q in p.quads if not isinstance(q.subject, ox.Triple) and q.subject not in kept]
    if not dropped:
        return []
    subjects = list(dict.fromkeys(q.subject for q in dropped))
    named = [_show(s) for s in subjects if isinstance(s, ox.NamedNode)]
    about = ", ".join(named[:3]) + (f" and {len(subjects) - 3} more" if len(subjects) > 3 else "")
    first = next((s for s in subjects if isinstance(s, ox.NamedNode)), None)
    line = locator().start_line(p.source.display, first.value) if first is not None else None
    return [
        Violation.in_file(
            file=p.source.display,
            line=line,
            message=f"{len(dropped)} triple(s) that are not shapes are dropped (not published)"
            f"{' about ' + about if about else ''}: shapes/ is read as SHACL shapes only; move data to "
            "data/ and terms to ontology/",
            check="not-a-shape",
            severity="Warning",
        )
    ]
