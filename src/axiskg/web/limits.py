"""Check a SPARQL request before any store sees it: length, nesting, form, updates, SERVICE, dataset clauses.

A small lexer classifies the query (form, update or not, FROM clauses, nesting depth); its tokens also let
bounded.py prove some queries small enough to run in the web process. The web process hands pyoxigraph only
those (never one that mentions SERVICE); every other query goes to a killable worker. The SERVICE clauses
of a query that mentions the word are read off the same tokens (service_endpoints) and refused unless their
endpoint is on the allowlist, before any store sees the query; only then does pyoxigraph parse and run it
(its syntax errors come back as 400 with pyoxigraph's message in words, syntax_message: `axiskg query` words
them alike, and its updates as check_query does). Why not pyoxigraph's parser in the web process:
pyoxigraph exposes no parser, only `query()`, which would also evaluate (and call SERVICE endpoints).

Measured: the lexer takes ~25 us on a typical query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from axiskg.iris import PREFIXES

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
# An absolute IRI (scheme, then IRIREF's characters): dataset parameters, and IRIs a query may run inline with
ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*$")
# Functions whose value changes from one execution to the next: such queries are never cached.
NONDETERMINISTIC = re.compile(r"\b(NOW|RAND|UUID|STRUUID|BNODE)\s*\(", re.IGNORECASE)
# check_query searches for it only in a query whose lower-cased text holds now, rand, uu or bnode.

# One match a token: its text in the group, whitespace before it skipped. Its kind (comment, string, iri, var,
# num, word, punct) follows from its first character and length, see _tokens.
_TOKEN = re.compile(
    r"""
    \s*
    (\#[^\n\r]*  # comment
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''  # string
  | "(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'
  | <(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>  # iri, \u escapes (UCHAR) included
  | [?$][A-Za-z0-9_\u00B7-\uFFFF]+  # var
  | [0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?  # num
  | [A-Za-z_\u00C0-\uFFFF](?:[A-Za-z0-9_\-.\u00B7-\uFFFF]*[A-Za-z0-9_\-\u00B7-\uFFFF])?  # word
            (?::(?:(?:[^\s{}()\[\];,<>"'\\]|\\.)*(?:[^\s{}()\[\];,<>"'.\\]|\\.))?)?
            |:(?:(?:[^\s{}()\[\];,<>"'\\]|\\.)*(?:[^\s{}()\[\];,<>"'.\\]|\\.))?
            # a local name has \-escapes (`ex:a\'b`, PN_LOCAL_ESC) and never ends with '.' (`ex:Person.`)
  | \S)  # punct
    """,
    re.VERBOSE | re.DOTALL,
)
_KIND = {
    c: "comment" if c == "#" else "string" if c in "\"'" else "num" if c.isdigit() else "word"
    for c in map(chr, range(128))
    if c in "#\"'_:" or c.isalnum()
}


class QueryRefusedError(Exception):
    """A request refused before execution: HTTP status, reason label (for metrics), message."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class QueryLimits:
    max_length: int = 100_000
    max_depth: int = 100
    allow_service: tuple[str, ...] = ()
    max_tokens: int = 12_000  # pyoxigraph's parser overflows its stack on longer chains (_check)


@dataclass(slots=True)
class QueryInfo:
    """What the lexer learnt about a query."""

    form: (
        str | None
    )  # SELECT / CONSTRUCT / DESCRIBE / ASK, or None if the lexer cannot tell (let the parser say)
    has_dataset: bool  # FROM / FROM NAMED in the query
    depth: int  # -1: not counted, the text has too few brackets to nest beyond the limit
    mentions_service: bool  # the word appears: the query worker checks its SERVICE clauses before running it
    cacheable: bool = True
    tokens: list[tuple[str, str]] = field(default_factory=list)  # the lexer's (kind, text), comments dropped
    # shared by every query with the same template (check_query): later stages keep there what depends only
    # on the template (bounded.inline_estimate its plan); None for a query without one
    memo: dict[str, Any] | None = None


def _tokens(query: str) -> list[tuple[str, str]]:
    """(kind, text) of each token, comments dropped. A token's first character tells its kind, but for a lone
    `<`, `?`, `$` or quote, which are punctuation (`<` as an operator, a path's `?`, an unclosed string)."""
    out: list[tuple[str, str]] = []
    append = out.append
    kind_of = _KIND.get
    for text in _TOKEN.findall(query):
        c = text[0]
        kind = kind_of(c)
        if kind is None:
            if c == "<":
                kind = "iri" if len(text) > 1 else "punct"
            elif c == "?" or c == "$":
                kind = "var" if len(text) > 1 else "punct"
            else:
                kind = "word" if "\u00c0" <= c <= "\uffff" else "punct"
        elif kind == "comment":
            continue
        elif kind == "string" and len(text) == 1:
            kind = "punct"
        append((kind, text))
    return out


def nesting_depth(tokens: list[tuple[str, str]]) -> int:
    depth = best = 0
    for kind, text in tokens:
        if kind != "punct":
            continue
        if text in "{([":
            depth += 1
            best = max(best, depth)
        elif text in "})]":
            depth = max(0, depth - 1)
    return best


def _form(tokens: list[tuple[str, str]]) -> str | None:
    i = 0
    while i < len(tokens):
        kind, text = tokens[i]
        up = text.upper()
        if kind == "word" and up == "BASE":
            i += 2
            continue
        if kind == "word" and up == "PREFIX":
            i += 3
            continue
        if kind == "word" and (up in QUERY_FORMS or up in UPDATE_KEYWORDS):
            return up
        return None
    return None


def service_endpoints(query: str, predeclared: dict[str, str] | None = None) -> list[str]:
    """The endpoint of every SERVICE clause of `query`: an absolute IRI, or a prefixed name expanded by the
    query's PREFIX declarations, else by `predeclared` (the prefixes the endpoint declares for every query);
    anything else (a variable, a relative IRI, an unknown prefix) as written.

    Read off the lexer's tokens (the keyword, not the word in a string, a comment or a name), lexed as
    pyoxigraph lexes: \\u escapes count inside IRIs and strings only (pyoxigraph does not decode them
    elsewhere; decoding the whole text first made `'a\\u0027'` end a string early and hid a SERVICE), and a
    local name may hold \\-escapes (`ex:a\\'`). tests/web/test_service_lexer.py checks this against what
    pyoxigraph really calls. What comes back as written matches no allowlist entry (an absolute URL), so the
    check fails closed; relative IRIs are not resolved against BASE here, so that no difference between two
    resolvers can let one through."""
    tokens = _tokens(query)
    prefixes = dict(predeclared or {})
    found: list[str] = []
    end = ("", "")

    def absolute(token: str) -> str | None:
        value = _unescape(token[1:-1])
        return value if ABSOLUTE_IRI.match(value) else None

    for i, (kind, word) in enumerate(tokens):
        if kind != "word":
            continue
        up = word.upper()
        nxt = tokens[i + 1] if i + 1 < len(tokens) else end
        if up == "PREFIX" and _PREFIX_DECL.match(nxt[1]):
            after = tokens[i + 2] if i + 2 < len(tokens) else end
            iri = absolute(after[1]) if after[0] == "iri" else None
            prefixes[nxt[1][:-1]] = iri if iri is not None else "\0"  # relative: resolves to nothing here
        elif up == "SERVICE":
            if nxt[0] == "word" and nxt[1].upper() == "SILENT":
                nxt = tokens[i + 2] if i + 2 < len(tokens) else end
            term_kind, term = nxt
            iri = absolute(term) if term_kind == "iri" else None
            if iri is not None:
                found.append(iri)
            elif term_kind == "word" and ":" in term and prefixes.get(term.split(":", 1)[0], "\0") != "\0":
                prefix, local = term.split(":", 1)
                found.append(prefixes[prefix] + re.sub(r"\\(.)", r"\1", local))  # PN_LOCAL_ESC: \- is -
            else:
                found.append(term or "(nothing)")
    return found


def _unescape(query: str) -> str:
    return re.sub(
        r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
        lambda m: (
            chr(int(m.group(1) or m.group(2), 16)) if int(m.group(1) or m.group(2), 16) < 0x110000 else ""
        ),
        query,
    )


# Queries that differ only in their IRIs (a lookup of each entity) are classified once: check_query keeps
# the QueryInfo of the query with every IRI emptied (`<>`), its template, and gives each such query that
# QueryInfo with its own IRIs put back in the tokens. Only for text without comments, strings or escapes
# (no #, quotes or backslashes), where every match of IRIREF is an IRI token of the lexer and nothing else is.
IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_NOT_TEMPLATED = re.compile(r"[#\"'\\]")
_TEMPLATES_MAX = 4096
_templates: dict[tuple[str, QueryLimits], tuple[QueryInfo, list[int], dict[str, Any]]] = {}


def check_query(query: str, limits: QueryLimits) -> QueryInfo:
    """Classify `query` and enforce the limits; raise QueryRefusedError with the right status."""
    if len(query) > limits.max_length:
        raise QueryRefusedError(
            400,
            "too_long",
            f"query is {len(query)} characters long; this endpoint accepts at most {limits.max_length}",
        )
    if _NOT_TEMPLATED.search(query):
        return _check(query, limits)
    iris = IRIREF.findall(query)
    key = (IRIREF.sub("<>", query) if iris else query, limits)
    hit = _templates.get(key)
    if hit is None:
        info = _check(key[0], limits)  # refusals (depth, update) never depend on the IRIs
        positions = [i for i, (kind, _) in enumerate(info.tokens) if kind == "iri"]
        if len(positions) != len(iris):  # cannot happen (see above); if it did, no template
            return _check(query, limits)
        if len(_templates) >= _TEMPLATES_MAX:
            _templates.clear()
        _templates[key] = hit = (info, positions, {})
    info, positions, memo = hit
    tokens = info.tokens
    if positions:
        tokens = tokens.copy()
        for i, iri in zip(positions, iris, strict=True):
            tokens[i] = ("iri", iri)
    return QueryInfo(
        info.form, info.has_dataset, info.depth, info.mentions_service, info.cacheable, tokens, memo
    )


# pyoxigraph's parser recurses on long chains and lists and overflows its stack, killing the process that
# parses it (the query worker: a 500). Measured, tokens of the crashing query: 8,000 `+` 16,000; 16,000 `!`
# 16,000; 8,000 `UNION {}` 24,000; 8,000 `OPTIONAL {}` 24,000; half of each parses. The lexer's token count
# bounds all of them at once (comments are not tokens): QueryLimits.max_tokens, `axiskg serve --max-tokens`.


def _check(query: str, limits: QueryLimits) -> QueryInfo:
    tokens = _tokens(query)
    # every bracket token is a bracket of the text: when the text has few, there is no need to count
    few = query.count("{") + query.count("(") + query.count("[") <= limits.max_depth
    depth = -1 if few else nesting_depth(tokens)
    if depth > limits.max_depth:
        raise QueryRefusedError(
            400,
            "too_deep",
            f"query nests groups {depth} levels deep; this endpoint accepts at most {limits.max_depth}",
        )
    if len(tokens) > limits.max_tokens:
        raise QueryRefusedError(
            400,
            "too_complex",
            f"query has {len(tokens)} tokens (names, terms, operators, brackets); this endpoint accepts at "
            f"most {limits.max_tokens}: split it, or send long lists of values in several queries",
        )
    form = _form(tokens)
    if form in UPDATE_KEYWORDS:
        raise QueryRefusedError(403, "update", update_refusal(form))
    lowered = query.lower()
    has_dataset = "from" in lowered and any(
        kind == "word" and text.upper() == "FROM" for kind, text in tokens
    )
    mentions_service = "service" in lowered or ("\\u" in lowered and "service" in _unescape(query).lower())
    if "\\u" in lowered:  # SPARQL 1.1 s. 19.2: \u escapes may stand anywhere, so N\u004FW() may be NOW()
        cacheable = not NONDETERMINISTIC.search(_unescape(query))
    else:
        cacheable = not (
            "now" in lowered or "rand" in lowered or "uu" in lowered or "bnode" in lowered
        ) or not NONDETERMINISTIC.search(query)
    return QueryInfo(form, has_dataset, depth, mentions_service, cacheable, tokens)


def update_form(query: str) -> str | None:
    """The keyword of a SPARQL Update request (INSERT, DELETE, LOAD, CLEAR...), None for a query."""
    form = _form(_tokens(query))
    return form if form in UPDATE_KEYWORDS else None


def update_refusal(form: str, where: str = "this endpoint") -> str:
    """Why an update is refused, in the same words by the server (403) and `axiskg query`."""
    return f"SPARQL Update ({form}) is refused: {where} is read-only and never executes updates"


# pyoxigraph's parser lists what it expected, character classes included (`['A' ..= 'Z' | '\u{00C0}'..=...]`,
# hundreds of characters for a name); an undeclared prefix is one alternative, "Prefix not found".
_SYNTAX_POSITION = re.compile(r"^(error at \d+:\d+): ", re.DOTALL)
_CHAR_CLASS = re.compile(r"\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]")
_ALTERNATIVE = re.compile(r'"(?:[^"\\]|\\.)*"|' + _CHAR_CLASS.pattern + r"|[^,\s][^,]*")
_PREFIX_DECL = re.compile(r"^([A-Za-z][\w\-.]*)?:$")


def _undeclared_prefixes(query: str, predeclared: set[str]) -> list[str]:
    """Prefixes of the query's prefixed names that neither a PREFIX clause nor `predeclared` declares."""
    tokens = _tokens(query)
    declared = set(predeclared)
    for i, (kind, text) in enumerate(tokens[:-1]):
        if kind == "word" and text.upper() == "PREFIX" and _PREFIX_DECL.match(tokens[i + 1][1]):
            declared.add(tokens[i + 1][1][:-1])
    found: list[str] = []
    for kind, text in tokens:
        if kind == "word" and ":" in text and not text.startswith("_:"):
            prefix = text.split(":", 1)[0]
            if prefix not in declared and prefix not in found:
                found.append(prefix)
    return found


def syntax_message(query: str, message: str, predeclared: Iterable[str] = ()) -> str:
    """pyoxigraph's syntax error in words for people, in the same words by the server (400) and
    `axiskg query`: an undeclared prefix is named, with the PREFIX clause to add; the character classes the
    parser expected are left out (a list of Unicode ranges helps nobody)."""
    m = _SYNTAX_POSITION.match(message)
    where, detail = (m.group(1), message[m.end() :]) if m else ("", message)
    lead = f"{where}: " if where else ""
    if detail.startswith("expected ") and _form(_tokens(query)) is None:  # pyoxigraph: "expected CONSTRUCT"
        forms = ", ".join(QUERY_FORMS)
        return f"{lead}a query starts with one of {forms} (after its BASE and PREFIX declarations)"
    if "Prefix not found" in detail:
        missing = _undeclared_prefixes(query, set(predeclared))
        if missing:
            p = missing[0]
            return f"{lead}unknown prefix {p}: declare it with PREFIX {p}: <...>"
        return f"{lead}a prefixed name uses an undeclared prefix: declare it with PREFIX name: <...>"
    if detail.startswith("expected ") and _CHAR_CLASS.search(detail):
        listed = detail[len("expected ") :].removeprefix("one of ")
        kept = [a for a in _ALTERNATIVE.findall(listed) if not _CHAR_CLASS.fullmatch(a)]
        if not kept:
            return f"{lead}unexpected end of the query or unexpected character here"
        return f"{lead}expected {'one of ' if len(kept) > 1 else ''}{', '.join(kept)} or another character"
    return message


def check_services(
    query: str, allow_service: list[str] | tuple[str, ...], predeclared: dict[str, str] | None = None
) -> list[str]:
    """The SERVICE endpoints of `query`; QueryRefusedError (400) when one is not allowlisted."""
    endpoints = service_endpoints(query, predeclared)
    refused = [s for s in endpoints if s not in allow_service]
    if refused:
        allowed = ", ".join(allow_service) or "none"
        raise QueryRefusedError(
            400,
            "service",
            f"SERVICE <{refused[0]}> is refused: federated queries may only call allowlisted endpoints "
            f"(allowed: {allowed})",
        )
    return endpoints


def calls_service(query: str, info: QueryInfo, limits: QueryLimits) -> bool:
    """Whether `query` calls a SERVICE (all of them allowlisted, else QueryRefusedError 400): its answer then
    depends on another endpoint, so it is never cached, and it runs under --service-timeout. Checked on the
    query itself, not on check_query's template (whose IRIs are emptied)."""
    return info.mentions_service and bool(check_services(query, limits.allow_service, PREFIXES))
