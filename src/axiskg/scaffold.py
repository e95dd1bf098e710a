"""Scaffolding for curators: a new report file with the report node and a commented example claim."""

from __future__ import annotations

import re
from pathlib import Path

from axiskg import iris
from axiskg.errors import ScaffoldError
from axiskg.project import Project

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _publisher_iri(publisher: str) -> str:
    if re.match(r"^https?://", publisher):
        return publisher
    if not _SLUG.match(publisher):
        raise ScaffoldError(
            f"--publisher {publisher!r} is neither an IRI nor an organization slug "
            "like 'memri' (lower-case, hyphens)"
        )
    return f"{iris.ID}org/{publisher}"


REPORT_TEMPLATE = """\
@prefix axo: <https://w3id.org/axiskg/ontology#> .
@prefix hedge: <https://w3id.org/axiskg/ontology/hedge#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

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
#     rdf:subject <https://w3id.org/axiskg/id/meeting/SLUG> ;
#     rdf:predicate schema:attendee ;
#     rdf:object <https://w3id.org/axiskg/id/person/SLUG> ;
#     axo:statedIn <{report}> ;
#     axo:attributionChain ( ) ;          # whom the report cites, outermost first; ( ) = its own voice
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
) -> Path:
    """Write `data/report-<slug>.ttl` with the report node and a commented example claim; return its path.

    The report's IRI follows the data model: `ax:report/<publisher>-<date>` (`ax:report/memri-2024-02-01`);
    claims are `ax:claim/<slug>-<short-slug>`.
    """
    if not _SLUG.match(slug):
        raise ScaffoldError(
            f"report slug {slug!r} must be lower-case ASCII words joined by hyphens, like '005'"
        )
    if not _DATE.match(date):
        raise ScaffoldError(f"--date {date!r} must be YYYY-MM-DD")
    project = Project.at(root)
    path = project.root / "data" / f"report-{slug}.ttl"
    if path.exists() and not force:
        raise ScaffoldError(f"{path} already exists; edit it, or pass --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        REPORT_TEMPLATE.format(
            slug=slug,
            title_comment=title.replace("\n", " "),
            title=_turtle_string(title),
            report=f"{iris.ID}report/{_publisher_iri(publisher).rstrip('/').rsplit('/', 1)[-1]}-{date}",
            publisher=_publisher_iri(publisher),
            source_file=f" ;\n    axo:sourceFile {_turtle_string(source_file)}" if source_file else "",
            date=date,
            claim=f"{iris.ID}claim/{slug}-example",
        ),
        encoding="utf-8",
    )
    return path
