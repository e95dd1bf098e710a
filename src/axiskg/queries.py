"""Named queries: `queries/NAME.rq`, a header of `# key: value` comment lines, then the SPARQL text.

```
# title: Who attended a meeting
# description: Every attendee of a meeting, with the claim and its hedge.
# param: meeting iri https://w3id.org/axiskg/id/meeting/tehran-session  The meeting (IRI)
SELECT ...
```
`# param: <variable> <iri|literal|date|integer> <default> <label...>`: `?variable` is bound before execution.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from axiskg.errors import NotFoundError, QueryError

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_KINDS = ("iri", "literal", "date", "integer")
_HEADER = re.compile(r"^#\s*([A-Za-z][\w-]*)\s*:\s*(.*?)\s*$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")  # \Z: `$` let a value end with a newline
_INTEGER = re.compile(r"[+-]?\d+\Z")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # one of PARAM_KINDS
    default: str
    label: str = ""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: list[Param]
    text: str
    path: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def bindings(self, values: dict[str, str] | None = None) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
        """Terms for every parameter: the given value, else the default. Unknown names raise QueryError."""
        values = dict(values or {})
        known = {p.name for p in self.params}
        unknown = sorted(set(values) - known)
        if unknown:
            listed = ", ".join(sorted(known)) or "none"
            raise QueryError(
                f"query '{self.name}' has no parameter {', '.join(unknown)} (parameters: {listed})"
            )
        return {
            ox.Variable(p.name): term_for(p.kind, values.get(p.name, p.default), p.name) for p in self.params
        }

    def with_values(self, values: dict[str, str] | None = None) -> str:
        """The query text with its parameters bound (the given values, else the defaults) by `inject_values`:
        what `axiskg query --name` runs, what the canned-query page runs and what it opens in the editor."""
        return inject_values(self.text, self.bindings(values)) if self.params else self.text


def inject_values(text: str, bindings: dict[ox.Variable, ox.NamedNode | ox.Literal]) -> str:
    """The query with `VALUES ?v { term }` for each binding at the start of its outermost group.

    This works on any SPARQL engine, and (unlike pyoxigraph's `substitutions=`) also for variables
    that the query does not project. A VALUES block binds the variable inside the WHERE clause (its
    FILTERs, BINDs, OPTIONALs); after GROUP BY only the group keys and aggregates are left, so where the
    outermost HAVING uses the variable (`HAVING (COUNT(?x) >= ?min)`) the term is also written there in its
    place, as pyoxigraph's `substitutions=` would. The VALUES go on the line of the group's `{`, so that
    the line numbers of a syntax error still match the text as written.

    This is the one way parameters are bound: `axiskg query` (--name, --param), the canned-query pages,
    their "Open in editor" text and the editor's examples (`NamedQuery.with_values`).
    """
    if not bindings:
        return text
    values = " ".join(f"VALUES ?{var.value} {{ {term} }}" for var, term in bindings.items())
    masked = _mask(text)
    start = _outermost_group(masked)
    if start is None:
        raise QueryError("cannot place the parameters: the query has no WHERE { ... } group")
    close = _group_end(masked, start)
    if close is not None:
        text = _substitute_in_having(text, masked, close, bindings)
    return text[: start + 1] + f" {values} " + text[start + 1 :]


def _outermost_group(masked: str) -> int | None:
    """The offset of the `{` that opens the outermost query's WHERE group (the `WHERE` keyword is optional,
    a CONSTRUCT template comes before it, a subquery's WHERE comes after it)."""
    form = re.search(r"(?<![\w?$:])(SELECT|ASK|CONSTRUCT|DESCRIBE)\b(?![:-])", masked, re.IGNORECASE)
    if form is None:
        return None
    at = form.end()
    if form.group(1).upper() == "CONSTRUCT":
        template = re.compile(r"\s*\{").match(masked, at)
        if template is None:  # CONSTRUCT WHERE { ... }
            where = re.compile(r"\s*WHERE\s*\{", re.IGNORECASE).match(masked, at)
            return where.end() - 1 if where else None
        end = _group_end(masked, template.end() - 1)
        if end is None:
            return None
        at = end + 1
    brace = masked.find("{", at)
    return brace if brace >= 0 else None


def _group_end(masked: str, start: int) -> int | None:
    """The offset of the `}` that closes the `{` at `start`."""
    depth = 0
    for i in range(start, len(masked)):
        if masked[i] == "{":
            depth += 1
        elif masked[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    return None


def _substitute_in_having(
    text: str, masked: str, close: int, bindings: dict[ox.Variable, ox.NamedNode | ox.Literal]
) -> str:
    """The text with each bound variable of the outermost HAVING clause (after the WHERE group that ends at
    `close`) replaced by its term."""
    having = re.compile(r"\bHAVING\b", re.IGNORECASE).search(masked, close)
    if having is None:
        return text
    after = re.compile(r"\b(?:ORDER\s+BY|LIMIT|OFFSET|VALUES)\b", re.IGNORECASE).search(masked, having.end())
    end = after.start() if after else len(masked)
    terms = {var.value: str(term) for var, term in bindings.items()}
    names = "|".join(re.escape(name) for name in terms)
    pattern = re.compile(rf"[?$]({names})(?![\w\u00b7\u0300-\u036f\u203f-\u2040])")
    found = list(pattern.finditer(masked, having.end(), end))
    for m in reversed(found):
        text = text[: m.start()] + terms[m.group(1)] + text[m.end() :]
    return text


def _mask(text: str) -> str:
    """The text with comments, strings and IRIs blanked out (same length), so braces in them are not seen."""
    pattern = re.compile(
        r'#[^\n]*|"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>'
    )
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def term_for(kind: str, value: str, name: str = "") -> ox.NamedNode | ox.Literal:
    """The RDF term of a parameter value of the given kind (`iri`, `literal`, `date`, `integer`)."""
    what = f"parameter {name!r}" if name else "parameter"
    if kind == "iri":
        iri = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        try:
            return ox.NamedNode(iri)
        except ValueError as exc:
            raise QueryError(f"{what}: {value!r} is not an IRI ({exc})", name or None) from exc
    if kind == "date":
        if not _DATE.match(value):
            raise QueryError(f"{what}: {value!r} is not a date (YYYY-MM-DD)", name or None)
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if kind == "integer":
        if not _INTEGER.match(value):
            raise QueryError(f"{what}: {value!r} is not an integer", name or None)
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "integer"))
    if kind == "literal":
        return ox.Literal(value)
    raise QueryError(f"{what}: unknown kind {kind!r} (one of {', '.join(PARAM_KINDS)})")


def guess_term(value: str) -> ox.NamedNode | ox.Literal:
    """The term of a `--param` value for a query without declared parameters: IRI, date, integer or string."""
    if (value.startswith("<") and value.endswith(">")) or re.match(r"^(https?|urn):", value):
        return term_for("iri", value)
    if _DATE.match(value):
        return term_for("date", value)
    if _INTEGER.match(value):
        return term_for("integer", value)
    return ox.Literal(value)


def parse_query_text(name: str, text: str, path: Path | None = None) -> NamedQuery:
    """Read the header of a named query's text."""
    title = description = ""
    params: list[Param] = []
    extra: dict[str, str] = {}
    where = str(path) if path else name
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _HEADER.match(stripped)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2)
        if key == "title":
            title = value
        elif key == "description":
            description = (description + " " + value).strip()
        elif key == "param":
            parts = value.split(maxsplit=3)
            if len(parts) < 3 or parts[1] not in PARAM_KINDS:
                raise QueryError(
                    f"{where}:{number}: malformed param line; expected "
                    f"'# param: <variable> <{'|'.join(PARAM_KINDS)}> <default> <label>'"
                )
            params.append(
                Param(parts[0].lstrip("?$"), parts[1], parts[2], parts[3] if len(parts) > 3 else "")
            )
        else:
            extra[key] = value
    return NamedQuery(name, title or name, description, params, text, path, extra)


def load_queries(directory: str | Path) -> list[NamedQuery]:
    """Every `*.rq` file of a directory, sorted by name."""
    d = Path(directory)
    if not d.is_dir():
        return []
    return [parse_query_text(p.stem, p.read_text(encoding="utf-8"), p) for p in sorted(d.glob("*.rq"))]


def _plain_name(name: str) -> bool:
    """Whether `name` can be the stem of a file directly in the queries folder: no separator, NUL or leading
    dot, and short enough (a 300-letter name raised ENAMETOOLONG: a 500 and a traceback per request)."""
    return (
        bool(name)
        and not name.startswith(".")
        and not ({"/", "\\", "\0"} & set(name))
        and (len(name.encode("utf-8", "surrogatepass")) <= 200)
    )


def get_query(directory: str | Path, name: str) -> NamedQuery:
    """The named query `name`; NotFoundError (listing the available names) when there is none."""
    path = Path(directory) / f"{name}.rq"
    if _plain_name(name) and path.is_file():  # a name no file of the folder can have is not looked up
        return parse_query_text(name, path.read_text(encoding="utf-8"), path)
    known = [q.name for q in load_queries(directory)]
    names = ", ".join(known) or f"none (no *.rq files in {directory})"
    close = [k for k in known if name.lower() in k] or difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close[:3])}? " if close else ""
    raise NotFoundError(f"no named query '{name}'; {hint}available: {names} (see `axiskg query --list`)")
