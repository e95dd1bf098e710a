"""Run a query on a store and serialize at most `max_rows` results (runs inside a query worker).

SELECT results are written here (JSON, XML, CSV, TSV) because pyoxigraph's serializers take the whole
iterator and the row cap must cut it; graphs (CONSTRUCT/DESCRIBE) are cut here and written by pyoxigraph.
The terms are the ones pyoxigraph's writers give (a query proved small may be written by pyoxigraph: the
same answer either way), a literal's base direction included; an answer XML 1.0 cannot carry (a C0 control
character, U+FFFE, U+FFFF) is refused in XML (406) rather than sent ill-formed.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from json.encoder import encode_basestring as _q  # json.dumps(ensure_ascii=False)'s string encoder (C)
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from axiskg.iris import ID, PREFIXES
from axiskg.web.bounded import RDF_TYPE
from axiskg.web.limits import IRIREF, QueryRefusedError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIRLANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"

NAME_TO_RDF_FORMAT = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}
DATASET_FORMATS = {"trig", "nq"}
# `ax:` would print every entity as ax:person\/slug (Turtle escapes the slash): entities stay full IRIs
OUTPUT_PREFIXES = {k: v for k, v in PREFIXES.items() if k != "ax"}
# A literal's base direction (RDF 1.2, "..."@ar--rtl) in SPARQL XML results, as pyoxigraph writes it (and
# the SPARQL 1.2 results format says): the ITS 2.0 `dir` attribute, its namespace declared on the element
_ITS_DIR = ' its:dir="{}" xmlns:its="http://www.w3.org/2005/11/its" its:version="2.0"'
# What XML 1.0 cannot hold at all, not even as a character reference (&#1; is ill-formed too): C0 controls
# other than tab, LF and CR, U+FFFE, U+FFFF (and lone surrogates, which pyoxigraph's strings never hold)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_XML_UTF8 = re.compile(b"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
NAME_TO_RESULTS_FORMAT = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def _json_term(t: Any) -> dict[str, Any]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d: dict[str, Any] = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
            if t.direction is not None:
                d["its:dir"] = t.direction.value
        elif t.datatype.value != XSD_STRING:
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(t.subject),
                "predicate": _json_term(t.predicate),
                "object": _json_term(t.object),
            },
        }
    return {"type": "literal", "value": str(t)}


_NAMED, _BLANK, _LITERAL = ox.NamedNode, ox.BlankNode, ox.Literal


def _json_text(t: Any) -> str:
    """json.dumps(_json_term(t), ensure_ascii=False, separators=(",", ":")), without the dict."""
    cls = type(t)
    if cls is _NAMED:
        return '{"type":"uri","value":' + _q(t.value) + "}"
    if cls is _LITERAL:
        lang = t.language
        if lang:
            direction = t.direction
            if direction is None:
                return '{"type":"literal","value":' + _q(t.value) + ',"xml:lang":' + _q(lang) + "}"
            return (
                '{"type":"literal","value":'
                + _q(t.value)
                + ',"xml:lang":'
                + _q(lang)
                + ',"its:dir":'
                + _q(direction.value)
                + "}"
            )
        dt = t.datatype.value
        if dt != XSD_STRING:
            return '{"type":"literal","value":' + _q(t.value) + ',"datatype":' + _q(dt) + "}"
        return '{"type":"literal","value":' + _q(t.value) + "}"
    if cls is _BLANK:
        return '{"type":"bnode","value":' + _q(t.value) + "}"
    return json.dumps(_json_term(t), ensure_ascii=False, separators=(",", ":"))


def _xml_term(t: Any) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            direction = "" if t.direction is None else _ITS_DIR.format(t.direction.value)
            return f"<literal xml:lang={quoteattr(t.language)}{direction}>{escape(t.value)}</literal>"
        if t.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    if isinstance(t, ox.Triple):
        return (
            f"<triple><subject>{_xml_term(t.subject)}</subject><predicate>{_xml_term(t.predicate)}</predicate>"
            f"<object>{_xml_term(t.object)}</object></triple>"
        )
    return f"<literal>{escape(str(t))}</literal>"


def _csv_term(t: Any) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    if isinstance(t, ox.NamedNode | ox.Literal):
        return t.value
    return str(t)


def _tsv_term(t: Any) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.Literal):
        v = (
            t.value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\r", "\\r")
            .replace("\t", "\\t")
        )
        if t.language:
            if t.direction is not None:
                return f'"{v}"@{t.language}--{t.direction.value}'
            return f'"{v}"@{t.language}'
        if t.datatype.value != XSD_STRING:
            return f'"{v}"^^<{t.datatype.value}>'
        return f'"{v}"'
    if isinstance(t, ox.Triple):  # a triple term, as Turtle 1.2 writes one (its literals escaped as above)
        return f"<<( {_tsv_term(t.subject)} {_tsv_term(t.predicate)} {_tsv_term(t.object)} )>>"
    return str(t)


def serialize_solutions(variables: list[str], rows: list[list[Any]], fmt: str) -> bytes:
    if fmt == "json":  # the bytes json.dumps(..., ensure_ascii=False, separators=(",", ":")) writes
        keys = [_q(v) + ":" for v in variables]
        bindings = [
            "{" + ",".join([k + _json_text(t) for k, t in zip(keys, row, strict=True) if t is not None]) + "}"
            for row in rows
        ]
        head = json.dumps(variables, ensure_ascii=False, separators=(",", ":"))
        return ('{"head":{"vars":' + head + '},"results":{"bindings":[' + ",".join(bindings) + "]}}").encode()
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head><results>")
        for row in rows:
            out.append("<result>")
            out += [
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            ]
            out.append("</result>")
        out.append("</results></sparql>\n")
        text = "".join(out)
        if _NOT_XML.search(text):
            raise _not_xml(text, _unwritable_binding(variables, rows), "SPARQL JSON, CSV or TSV")
        # a CR (only ever in a literal's text: quoteattr writes one in an attribute as &#13;) would be read
        # back as LF (XML's end-of-line handling); a tab or LF in element content is read as written
        return text.replace("\r", "&#13;").encode()
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        for row in rows:
            w.writerow([_csv_term(t) for t in row])
        return buf.getvalue().encode()
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"unknown results format {fmt!r}")


def _not_xml(text: str, where: str, others: str) -> QueryRefusedError:
    """The refusal of an answer XML 1.0 cannot carry: 406, naming the first such character and where it is."""
    m = _NOT_XML.search(text)
    code = f"U+{ord(m.group()):04X}" if m else "a character"
    return QueryRefusedError(
        406,
        "not_acceptable",
        f"the answer holds {code}{where}, which XML 1.0 cannot carry (not even as a character "
        f"reference): ask for it in {others} instead",
    )


def _unwritable_binding(variables: list[str], rows: list[list[Any]]) -> str:
    for i, row in enumerate(rows, 1):
        for v, t in zip(variables, row, strict=True):
            if t is not None and _NOT_XML.search(_xml_term(t)):
                return f" (?{v} of row {i})"
    return ""


def serialize_triples(triples: list[ox.Triple], fmt: str, prefixes: dict[str, str] | None) -> bytes:
    rdf_format = NAME_TO_RDF_FORMAT[fmt]
    items: list[Any] = triples
    if fmt in DATASET_FORMATS:
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    kwargs: dict[str, Any] = {}
    if prefixes and fmt in ("ttl", "trig", "rdf", "jsonld"):
        kwargs["prefixes"] = prefixes
    body = ox.serialize(items, format=rdf_format, **kwargs) or b""
    if fmt == "rdf":  # pyoxigraph's RDF/XML writes a literal's text as it is (escaping only & < > " ')
        if _NOT_XML_UTF8.search(body):
            where = next(
                (
                    f" (the object of {t.subject} {t.predicate})"
                    for t in triples
                    if isinstance(t.object, ox.Literal) and _NOT_XML.search(t.object.value)
                ),
                "",
            )
            raise _not_xml(body.decode(), where, "Turtle, N-Triples or JSON-LD")
        # its own line breaks are LF: a CR is in a literal's text, which XML would read back as LF
        body = body.replace(b"\r", b"&#13;")
    return body


def reading_order(triples: list[ox.Triple], first: str | None = None) -> list[ox.Triple]:
    """`triples` in the order a person reads a document: the subject `first` (the IRI described), then the
    others' IRIs, then blank nodes, each subject's triples together with rdf:type first and the rest by
    predicate (the objects of a predicate as the query gave them: sorting them too cost 40% more). The
    serializers abbreviate consecutive triples (Turtle's `;` and `,`, one node object in JSON-LD, one
    rdf:Description in RDF/XML), so each subject is written once."""

    def key(t: ox.Triple) -> tuple[int, str, bool, str]:
        s, p = t.subject, t.predicate
        if isinstance(s, ox.NamedNode):
            return (0 if s.value == first else 1), s.value, p != RDF_TYPE, p.value
        return 2, str(s), p != RDF_TYPE, p.value  # a blank node (or an RDF-star triple)

    return sorted(triples, key=key)


_UNWRITTEN_DATATYPES = {XSD_STRING, RDF_LANGSTRING, RDF_DIRLANGSTRING}
# the namespace an IRI is in (the longest of PREFIXES' that it starts with)
_NAMESPACE = re.compile("|".join(re.escape(ns) for ns in sorted(PREFIXES.values(), key=len, reverse=True)))


def used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    """The entries of `prefixes` whose namespace holds an IRI that `triples` are written with (a term, a
    predicate other than rdf:type, a datatype other than a string's): a document declares the prefixes it
    uses, not every one the project knows (sh:, void:, sd:...)."""
    used: set[str] = set()
    for t in triples:
        # rdf:type is written `a` (Turtle) or @type (JSON-LD; a literal object stays rdf:type); a string's
        # datatype is not written at all
        if t.predicate != RDF_TYPE or isinstance(t.object, ox.Literal):
            used.add(t.predicate.value)
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode):
                used.add(term.value)
            elif isinstance(term, ox.Literal) and term.datatype.value not in _UNWRITTEN_DATATYPES:
                used.add(term.datatype.value)
    namespaces = {m.group() for iri in used if (m := _NAMESPACE.match(iri))}
    return {k: ns for k, ns in prefixes.items() if ns in namespaces}


def _pyld_term(term: Any) -> dict[str, str]:
    """A term as PyLD's RDF dataset holds it (what its N-Quads parser makes)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "IRI", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "blank node", "value": "_:" + term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "datatype": RDF_LANGSTRING, "language": term.language}
    return {"type": "literal", "value": term.value, "datatype": term.datatype.value}


_fallbacks: list[str] = []


def _warn_once(exc: Exception) -> None:
    """Log the first fallback to expanded JSON-LD in this process (a query worker's log is the server's)."""
    if not _fallbacks:
        _fallbacks.append(str(exc))
        logging.getLogger("axiskg.worker").warning("a JSON-LD document is served expanded: %s", exc)


def compactable(triples: list[ox.Triple]) -> bool:
    """Whether `jsonld_document` can write `triples` without losing anything: no RDF-star triple term, no
    literal with a base direction (`"..."@ar--rtl`: PyLD's fromRdf would drop the direction)."""
    return not any(
        isinstance(t.object, ox.Triple)
        or (isinstance(t.object, ox.Literal) and t.object.direction is not None)
        for t in triples
    )


def rdf_document(triples: list[ox.Triple], fmt: str, prefixes: dict[str, str]) -> bytes:
    """`triples`, in the order given, as a document (a Linked Data description, VoID, the service
    description), not a query's answer: declaring only the `prefixes` it uses, and JSON-LD compacted
    (`jsonld_document`, with `ax:` too) unless that would lose something or PyLD refuses it (then pyoxigraph's
    expanded JSON-LD, the same triples)."""
    if fmt == "jsonld" and compactable(triples):
        try:
            return jsonld_document(triples, {**prefixes, "ax": ID})
        except ValueError as exc:
            _warn_once(exc)
    return serialize_triples(triples, fmt, used_prefixes(triples, prefixes))


def jsonld_document(triples: list[ox.Triple], prefixes: dict[str, str] = PREFIXES) -> bytes:
    """`triples` (`compactable` ones) as a Linked Data document in compacted JSON-LD, as people and
    programs read one: an inline @context of the prefixes it uses (and "@language": "en"), compact IRIs
    (`axo:Person`, `ax:person/ali-khamenei`), rdf:type as @type, RDF lists (attribution chains) as @list,
    the nodes in the order of `triples` (give them in `reading_order`: the IRI described first). PyLD, the
    JSON-LD reference implementation, converts (its fromRdf, then compaction); pyoxigraph writes expanded
    JSON-LD only. In the query worker, once a release when the response cache is on: ~0.4 ms for a
    document of 20 triples, 17 ms for the largest entity of the repository's release (965 triples), ~170 ms
    for 10,000 (--max-rows). Raises ValueError for what PyLD cannot convert (a literal it rejects)."""
    from pyld import jsonld  # only query workers that write JSON-LD pay its import (~80 ms)

    statements = [
        {
            "subject": _pyld_term(t.subject),
            "predicate": _pyld_term(t.predicate),
            "object": _pyld_term(t.object),
        }
        for t in triples
    ]
    order: dict[str, int] = {}
    for st in statements:
        order.setdefault(st["subject"]["value"], len(order))
    dataset = {"@default": statements}
    context: dict[str, str] = used_prefixes(triples, prefixes)
    if any(isinstance(t.object, ox.Literal) and t.object.language == "en" for t in triples):
        # the reports' language: "Ali Khamenei", not {"@value": "Ali Khamenei", "@language": "en"}
        context["@language"] = "en"
    try:
        nodes = jsonld.from_rdf(dataset, {})  # rdf:type as @type, well-formed lists as @list
        nodes.sort(key=lambda n: order.get(n["@id"], len(order)))  # fromRdf sorts subjects by IRI
        # fromRdf gives expanded JSON-LD: compacting it without expanding it again takes half the time; a
        # @graph however many nodes, one shape for every document
        options = {"skipExpansion": True, "graph": True}
        document = jsonld.compact(nodes, {"@context": context}, options) if nodes else []
    except (jsonld.JsonLdError, KeyError, TypeError, ValueError) as exc:  # e.g. an rdf:JSON literal, not JSON
        raise ValueError(f"not convertible to compacted JSON-LD: {exc}") from exc
    return (json.dumps(document, ensure_ascii=False) + "\n").encode()  # indented: 40% slower (pure Python)


def count_json_rows(body: bytes) -> int | None:
    """The rows of a SPARQL JSON answer as pyoxigraph writes it (compact), when none is `{}`: rows are
    separated by `},{"` (the next row's first key), which occurs nowhere else: between the terms of a row
    a key follows `},` without a brace, and a quote inside a JSON string is escaped. None when the text holds
    RDF-star triple terms (or a "triple" key): count those by parsing."""
    if b'"triple"' in body:
        return None
    if body.endswith(b'"bindings":[]}}'):
        return 0
    return body.count(b'},{"') + 1


def has_prefixed_names(query: str) -> bool:
    """Whether `query` may use a prefixed name (a colon outside its <IRIs>): the same for every query of a
    check_query template (they differ only inside <IRIs>)."""
    return ":" in IRIREF.sub("", query)


def run_query(store: ox.Store, req: dict[str, Any]) -> tuple[bytes, int, bool]:
    """Execute req["query"]; return (body, rows, truncated). Raises SyntaxError for a bad query."""
    kwargs: dict[str, Any] = {}
    if req.get("default_graphs") or req.get("named_graphs"):
        # SPARQL 1.1 Protocol s. 2.1.4: the dataset is the graphs listed, so a default graph alone leaves no
        # named graph (as FROM without FROM NAMED), and named graphs alone an empty default graph
        kwargs["default_graph"] = [ox.NamedNode(g) for g in req.get("default_graphs") or ()]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in req.get("named_graphs") or ()]
    elif req.get("union", True):
        kwargs["use_default_graph_as_union"] = True
    # The data model's prefixes (axo:, skos:, schema:, org:...) are predeclared, as on Wikidata's endpoint
    # and in `axiskg query`; a query's own PREFIX declarations take precedence. Handing them over costs ~6 us,
    # so a query with no colon outside its <IRIs> (no prefixed name) goes without; should that guess ever be
    # wrong, the parser's error sends it round again with them.
    query = req["query"]
    prefixed = req.get("prefixed")  # has_prefixed_names(query), when the web process knew it
    if prefixed is None:
        prefixed = has_prefixed_names(query)
    if prefixed:
        result = store.query(query, prefixes=PREFIXES, **kwargs)
    else:
        try:
            result = store.query(query, **kwargs)
        except SyntaxError:
            result = store.query(query, prefixes=PREFIXES, **kwargs)
    max_rows: int = req["max_rows"]
    fmt: str = req["format"]
    if isinstance(result, ox.QueryBoolean):
        if fmt not in ("json", "xml", "csv", "tsv"):
            raise ValueError("an ASK query answers with a SPARQL results format, not an RDF one")
        return result.serialize(format=NAME_TO_RESULTS_FORMAT[fmt]) or b"", 1, False
    if isinstance(result, ox.QuerySolutions):
        if fmt not in ("json", "xml", "csv", "tsv"):
            raise ValueError("a SELECT query answers with a SPARQL results format, not an RDF one")
        if req.get("count_json") and fmt == "json":  # no row cap to apply (bounded.py): pyoxigraph writes it
            body = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
            n = count_json_rows(body)
            return body, len(json.loads(body)["results"]["bindings"]) if n is None else n, False
        variables = [v.value for v in result.variables]
        rows: list[list[Any]] = []
        truncated = False
        for sol in result:
            if len(rows) >= max_rows:
                truncated = True
                break
            rows.append(list(sol))
        return serialize_solutions(variables, rows, fmt), len(rows), truncated
    if fmt not in NAME_TO_RDF_FORMAT:
        raise ValueError("a CONSTRUCT or DESCRIBE query answers with an RDF format, not a results one")
    triples: list[ox.Triple] = []
    truncated = False
    for t in result:
        if len(triples) >= max_rows:
            truncated = True
            break
        triples.append(t)
    if req.get("require_some") and not triples:
        return b"", 0, False
    if "reading_order" in req:  # a Linked Data document
        triples = reading_order(triples, req["reading_order"])
        return rdf_document(triples, fmt, OUTPUT_PREFIXES), len(triples), truncated
    prefixes = (
        OUTPUT_PREFIXES if req.get("prefixes") else None
    )  # all: finding the used ones costs 3x the writer
    return serialize_triples(triples, fmt, prefixes), len(triples), truncated
