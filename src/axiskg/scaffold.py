"""Scaffolding for curators: a new report file with the report node and a commented example claim."""

from __future__ import annotations

import datetime
import difflib
import re
from pathlib import Path

import pyoxigraph as ox

from axiskg import iris
from axiskg.errors import ScaffoldError
from axiskg.load import parse_files
from axiskg.project import Project

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _check_date(date: str) -> None:
    if not _DATE.match(date):
        raise ScaffoldError(f"--date {date!r} must be YYYY-MM-DD")
    try:
        datetime.date.fromisoformat(date)
    except ValueError as exc:
        raise ScaffoldError(f"--date {date!r} is not a calendar date ({exc}); give YYYY-MM-DD") from exc


def _publisher_iri(publisher: str) -> str:
    if re.match(r"^https?://", publisher):
        return publisher
    if not _SLUG.match(publisher):
        raise ScaffoldError(
            f"--publisher {publisher!r} is neither an IRI nor an organization slug "
            "like 'memri' (lower-case, hyphens)"
        )
    return f"{iris.ID}org/{publisher}"


_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_PUBLISHER = ox.NamedNode("http://purl.org/dc/terms/publisher")
_MEDIA_OUTLET = ox.NamedNode(iris.AXO + "MediaOutlet")
_ORGS = iris.ID + "org/"


class _Data:
    """What the project's data/ files already declare: typed subjects (with their file), and outlets."""

    def __init__(self, project: Project, skip: Path | None) -> None:
        self.defined: dict[str, str] = {}  # IRI -> data/<file>.ttl where it is typed
        self.outlets: set[str] = set()  # media outlets, and whatever is some report's dcterms:publisher
        for parsed in parse_files(f for f in project.data_files if f.path != skip):
            for q in parsed.quads:  # a file that does not parse is for `axiskg validate` to report
                if isinstance(q.subject, ox.NamedNode) and q.predicate == _RDF_TYPE:
                    self.defined.setdefault(q.subject.value, parsed.source.display)
                    if q.object == _MEDIA_OUTLET:
                        self.outlets.add(q.subject.value)
                elif q.predicate == _PUBLISHER and isinstance(q.object, ox.NamedNode):
                    self.outlets.add(q.object.value)

    def check_publisher(self, publisher: str, iri: str) -> None:
        if iri in self.defined:
            return
        known = sorted(
            o[len(_ORGS) :] if o.startswith(_ORGS) else o for o in self.outlets if o in self.defined
        )
        close = difflib.get_close_matches(publisher, known, n=3, cutoff=0.6)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        listed = ", ".join(known) if known else "none"
        raise ScaffoldError(
            f"--publisher {publisher!r}: <{iri}> is not declared in data/; {hint}"
            f"known publishers: {listed} (declare a new outlet in data/actors.ttl first)"
        )


REPORT_ID_HELP = "--report-id"
"""The option that gives a report an IRI of its own when two reports share a publisher and a date."""


# The vocabularies a report file may use (docs/data-model.md): rdfs:comment, time:hasTime, prov:, foaf:knows,
# skos:exactMatch wd:Q... are all in the data model, and an undeclared prefix stops the whole file.
_DATA_PREFIXES = (
    "axo", "hedge", "role", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "org", "time", "schema",
    "foaf", "wd",
)  # fmt: skip

REPORT_TEMPLATE = """\
{data_prefixes}
# entity IRIs: https://w3id.org/axiskg/id/<kind>/<slug>, one prefix per kind (as in the report files)
{entity_prefixes}
# Report {slug}: {title_comment}
# Every statement of the report is an axo:Claim (docs/data-model.md, "The claim model").
# Then: axiskg validate && axiskg build

<{report}> a axo:Report ;
    skos:prefLabel {title}@en ;
    dcterms:title {title}@en ;
    dcterms:publisher <{publisher}> ;
    dcterms:issued "{date}"^^xsd:date{source_file} .

# An example (T) claim: copy it, fill it in and remove the leading '# '.
#
# <{claim}> a axo:Claim ;
#     rdf:subject meeting:SLUG ;
#     rdf:predicate schema:attendee ;
#     rdf:object person:SLUG ;
#     axo:statedIn <{report}> ;
#     axo:attributionChain ( ) ;          # whom the report cites, outermost first; ( ) = its own voice,
#                                         # ( report:amwaj-2023-11-07 source:amwaj-informed-sources ) = the
#                                         # report relays Amwaj Media, which relays "informed sources"
#     axo:hedge hedge:reportedly ;        # none, reportedly, said-to, claimed, alleged, ...
#     axo:quote "The exact words of the report."@en .
"""


def scaffold_report(
    root: str | Path,
    slug: str,
    *,
    title: str,
    publisher: str,
    date: str,
    source_file: str | None = None,
    force: bool = False,
    report_id: str | None = None,
) -> Path:
    """Write `data/report-<slug>.ttl` with the report node and a commented example claim; return its path.

    The report's IRI follows the data model: `ax:report/<publisher>-<date>` (`ax:report/memri-2024-02-01`),
    or `ax:report/<report_id>` when given; claims are `ax:claim/<slug>-<short-slug>`.
    Raises ScaffoldError, writing nothing, when the slug or date is malformed, the publisher is not an
    organization declared in data/, or the report IRI is already used by another file of data/.
    """
    if not _SLUG.match(slug):
        raise ScaffoldError(
            f"report slug {slug!r} must be lower-case ASCII words joined by hyphens, like '005'"
        )
    _check_date(date)
    if report_id is not None and not _SLUG.match(report_id):
        raise ScaffoldError(
            f"{REPORT_ID_HELP} {report_id!r} must be lower-case ASCII words joined by hyphens, "
            "like 'memri-2024-02-01-gaza'"
        )
    project = Project.at(root)
    path = project.root / "data" / f"report-{slug}.ttl"
    if path.exists() and not force:
        raise ScaffoldError(f"{path} already exists; edit it, or pass --force to overwrite it")
    publisher_iri = _publisher_iri(publisher)
    publisher_slug = publisher_iri.rstrip("/").rsplit("/", 1)[-1]
    report = f"{iris.ID}report/{report_id or f'{publisher_slug}-{date}'}"
    data = _Data(project, skip=path)
    data.check_publisher(publisher, publisher_iri)
    if report in data.defined:
        suggestion = f"{publisher_slug}-{date}-{slug}"
        raise ScaffoldError(
            f"the report IRI <{report}> is already used in {data.defined[report]}; if this is another "
            f"report, give it an IRI of its own with {REPORT_ID_HELP} (e.g. {REPORT_ID_HELP} {suggestion}), "
            f"else edit {data.defined[report]}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        REPORT_TEMPLATE.format(
            slug=slug,
            title_comment=title.replace("\n", " "),
            title=_turtle_string(title),
            report=report,
            publisher=publisher_iri,
            source_file=f" ;\n    axo:sourceFile {_turtle_string(source_file)}" if source_file else "",
            date=date,
            claim=f"{iris.ID}claim/{slug}-example",
            entity_prefixes=iris.turtle_prefixes(iris.ENTITY_PREFIXES),
            data_prefixes=iris.turtle_prefixes({p: iris.PREFIXES[p] for p in _DATA_PREFIXES}),
        ),
        encoding="utf-8",
    )
    return path
