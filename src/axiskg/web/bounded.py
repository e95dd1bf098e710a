"""Which queries may run in the web process itself: those whose work is bounded, proved before they run.

pyoxigraph cannot interrupt a query, so a query normally runs in a killable worker process (workers.py) and
pays two process hops. A one-entity lookup does not need that guard: when every triple pattern of a query
is anchored on a constant subject or object, no evaluation order can do more than join those patterns'
matches, and the store itself says how many each has. `inline_estimate` proves that from the query text
(the lexer's tokens, limits.py) and the store, or gives up; only then does the web process run the query,
synchronously, with the same serializers, row cap and error handling as a worker.

Accepted, and nothing else (anything outside this grammar goes to a worker as before):

    PREFIX declarations (no BASE, no \\u escapes, no FROM, no dataset parameters)
    SELECT [DISTINCT|REDUCED] (?vars | *) [WHERE] group [ORDER BY ...] [LIMIT n] [OFFSET n]
    ASK [WHERE] group
    DESCRIBE <iri>+ (no WHERE)
    group := { triples | OPTIONAL group | FILTER (...) | FILTER fn(...) | BIND (...) }
    triples: subjects and objects are variables, IRIs, prefixed names or literals, predicates a variable,
    an IRI, a prefixed name or `a` (no property paths, blank nodes, collections, VALUES, subqueries,
    UNION, MINUS, GRAPH, SERVICE, EXISTS, aggregates, REGEX/REPLACE).

Bound: each pattern must have a constant subject or object; its matches are counted in the store (stopping at
the bound) and the product of the counts, an upper bound of every join's size, must stay under the bound.
Queries are also short (INLINE_MAX_LENGTH), the rows times the size of the expressions evaluated on each row
(FILTER, BIND, ORDER BY) must stay under EXPRESSION_WORK times the bound, and an ORDER BY may sort at most
bound / ORDER_COST rows. Measured at 1M triples: ~4 us a row, ~25 us a sorted row, so with the default bound
(1000) an inline query holds the web process for at most a few milliseconds. What this leaves out is served
by the workers exactly as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pyoxigraph as ox

from axiskg.iris import PREFIXES
from axiskg.web.limits import ABSOLUTE_IRI

INLINE_MAX_LENGTH = 1000
# rows x (1 + expression tokens) may reach EXPRESSION_WORK x the bound: a lookup with a short FILTER
# (~10 tokens) may still have ~2,000 rows; CONCAT(?o, ?o, ...) over 5,000 rows may not
EXPRESSION_WORK = 4
ORDER_COST = 10  # an ORDER BY may sort at most bound / ORDER_COST rows here
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# PN_LOCAL without escapes (the lexer's words run on over `/`, `|`, `*`... which SPARQL reads as paths)
_PN_LOCAL = re.compile(
    r"(?:[A-Za-z0-9_:\u00C0-\uFFFF](?:[A-Za-z0-9_\-.:\u00B7-\uFFFF]*[A-Za-z0-9_\-:\u00B7-\uFFFF])?)?"
)
_LANG = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")
# words that may start a filter/bind call; REGEX and REPLACE compile a pattern per row: not inline
_UNSAFE_CALLS = frozenset({"EXISTS", "NOT", "REGEX", "REPLACE", "SERVICE", "SELECT"})
_CONSTANT_KINDS = frozenset({"iri", "string", "num"})
_PLANS_MAX = 2000

Token = tuple[str, str]
Term = ox.NamedNode | ox.Literal
# A pattern position in a plan: VAR, A (the keyword `a`), or the index of its constant's first token, or for
# a literal (string index, language index, datatype index), -1 where absent.
VAR = -1
A = -2
Slot = int | tuple[int, int, int]


class _NotBounded(Exception):
    pass


@dataclass
class Plan:
    """The shape of an accepted query, its constants left as token indices: one plan serves every query that
    differs only in its IRIs, prefixed names, literals and numbers (say, a lookup of each entity)."""

    form: str
    prefix_decls: list[tuple[int, int]] = field(default_factory=list)  # (name token, IRI token)
    patterns: list[tuple[Slot, Slot, Slot]] = field(default_factory=list)
    described: list[int] = field(default_factory=list)
    # every row of a SELECT binds a projected variable (one occurs in a pattern outside OPTIONAL): no row of
    # its SPARQL JSON answer is `{}`, so count_json_rows can count them
    rows_never_empty: bool = False
    expression_tokens: int = 0  # in FILTER, BIND and ORDER BY: evaluated for each row
    ordered: bool = False  # ORDER BY: ~25 us a row at 1M triples (the sort decodes terms), 5x a plain row


def _shape(tokens: list[Token]) -> tuple[str, ...]:
    """The tokens with every constant replaced by a marker of its kind (no token text starts with NUL)."""
    return tuple(
        "\0" + kind if kind in _CONSTANT_KINDS else ("\0name" if kind == "word" and ":" in text else text)
        for kind, text in tokens
    )


class _Parser:
    """Checks a query against the accepted grammar (module docstring) and records its plan."""

    def __init__(self, tokens: list[Token]) -> None:
        self.t = tokens
        self.i = 0
        self.depth = 0
        self.required: set[str] = set()  # variables of the patterns outside OPTIONAL
        self.expression_tokens = 0

    # -- token helpers
    def peek(self) -> Token:
        return self.t[self.i] if self.i < len(self.t) else ("", "")

    def take(self) -> Token:
        tok = self.peek()
        if not tok[0]:
            raise _NotBounded
        self.i += 1
        return tok

    def keyword(self, *words: str) -> str | None:
        kind, text = self.peek()
        if kind == "word" and text.upper() in words:
            self.i += 1
            return text.upper()
        return None

    def punct(self, ch: str) -> bool:
        if self.peek() == ("punct", ch):
            self.i += 1
            return True
        return False

    def expect(self, ch: str) -> None:
        if not self.punct(ch):
            raise _NotBounded

    def balanced(self) -> None:
        """Skip a parenthesised expression; braces (subqueries, EXISTS) and unsafe calls are refused. Its
        tokens are counted: evaluated on every row, an expression's size multiplies the work."""
        start = self.i
        self.expect("(")
        depth = 1
        while depth:
            kind, text = self.take()
            if kind == "punct":
                if text == "(":
                    depth += 1
                elif text == ")":
                    depth -= 1
                elif text in "{}[":
                    raise _NotBounded
            elif kind == "word" and text.upper() in _UNSAFE_CALLS:
                raise _NotBounded
        self.expression_tokens += self.i - start

    # -- terms
    def term(self, *, verb: bool = False, subject: bool = False) -> Slot:
        at = self.i
        kind, text = self.take()
        if kind == "var":
            if self.depth == 0:
                self.required.add(text[1:])
            return VAR
        if kind == "iri":
            return at
        if kind == "word":
            if verb and text == "a":
                return A
            if ":" in text:
                return at
            if not verb and not subject and text in ("true", "false"):
                return at
            raise _NotBounded
        if verb or subject:
            raise _NotBounded
        if kind == "num":
            return at
        if kind == "string":
            lang = dt = VAR
            if self.punct("@"):
                lang = self.i
                if self.take()[0] != "word":
                    raise _NotBounded
            elif self.peek() == ("punct", "^"):
                self.take()
                self.expect("^")
                dt = self.i
                kind, name = self.take()
                if kind != "iri" and not (kind == "word" and ":" in name):
                    raise _NotBounded
            return (at, lang, dt)
        raise _NotBounded

    # -- structure
    def plan(self) -> Plan:
        decls: list[tuple[int, int]] = []
        while self.keyword("PREFIX"):
            name = self.i
            kind, text = self.take()
            if kind != "word" or not text.endswith(":") or self.take()[0] != "iri":
                raise _NotBounded
            decls.append((name, name + 1))
        if self.keyword("BASE"):
            raise _NotBounded
        form = self.keyword("SELECT", "ASK", "DESCRIBE")
        plan = Plan(form or "", decls)
        if form == "SELECT":
            self.keyword("DISTINCT", "REDUCED")
            projected: set[str] | None = None
            if not self.punct("*"):
                projected = set()
                while self.peek()[0] == "var":
                    projected.add(self.take()[1][1:])
                if not projected:
                    raise _NotBounded
            self.keyword("WHERE")
            self.group(plan.patterns)
            plan.ordered = self.modifiers()
            plan.rows_never_empty = bool(self.required if projected is None else projected & self.required)
        elif form == "ASK":
            self.keyword("WHERE")
            self.group(plan.patterns)
        elif form == "DESCRIBE":
            while self.peek()[0] in ("iri", "word") and self.peek()[1].upper() != "WHERE":
                plan.described.append(self.i)
                self.take()
            if not plan.described:
                raise _NotBounded
        else:
            raise _NotBounded
        if self.i != len(self.t) or (form != "DESCRIBE" and not plan.patterns):
            raise _NotBounded
        plan.expression_tokens = self.expression_tokens
        return plan

    def group(self, patterns: list[tuple[Slot, Slot, Slot]]) -> None:
        if self.depth > 3:
            raise _NotBounded
        self.expect("{")
        while not self.punct("}"):
            if self.punct("."):
                continue
            if self.keyword("OPTIONAL"):
                self.depth += 1
                self.group(patterns)
                self.depth -= 1
            elif self.keyword("FILTER"):
                if self.peek()[0] == "word" and self.take()[1].upper() in _UNSAFE_CALLS:
                    raise _NotBounded
                self.balanced()
            elif self.keyword("BIND"):
                self.balanced()
            else:
                self.triples(patterns)

    def triples(self, patterns: list[tuple[Slot, Slot, Slot]]) -> None:
        subject = self.term(subject=True)
        while True:
            verb = self.term(verb=True)
            while True:
                patterns.append((subject, verb, self.term()))
                if not self.punct(","):
                    break
            if not self.punct(";"):
                return
            while self.punct(";"):
                pass
            if self.peek() in (("punct", "."), ("punct", "}")):
                return

    def modifiers(self) -> bool:
        """ORDER BY, LIMIT, OFFSET; whether there was an ORDER BY."""
        ordered = bool(self.keyword("ORDER"))
        if ordered:
            if not self.keyword("BY"):
                raise _NotBounded
            n = 0
            while True:
                kind, text = self.peek()
                if kind == "var":
                    self.take()
                elif kind == "word" and text.upper() in ("ASC", "DESC"):
                    self.take()
                    self.balanced()
                elif (kind, text) == ("punct", "("):
                    self.balanced()
                else:
                    break
                n += 1
            if not n:
                raise _NotBounded
        for _ in range(2):
            if self.keyword("LIMIT", "OFFSET") and self.take()[0] != "num":
                raise _NotBounded
        return ordered


class _Resolver:
    """Builds the constant terms of one query from its tokens and its plan."""

    def __init__(self, tokens: list[Token], plan: Plan) -> None:
        self.t = tokens
        self.prefixes = PREFIXES
        if plan.prefix_decls:
            self.prefixes = dict(PREFIXES)
            for name, iri in plan.prefix_decls:
                if not tokens[name][1].endswith(":"):
                    raise _NotBounded
                self.prefixes[tokens[name][1][:-1]] = self.iri(tokens[iri][1]).value

    @staticmethod
    def iri(text: str) -> ox.NamedNode:
        if not ABSOLUTE_IRI.match(text[1:-1]):
            raise _NotBounded  # relative IRIs need a base: leave them to the worker
        return ox.NamedNode(text[1:-1])

    def named(self, i: int) -> ox.NamedNode:
        kind, text = self.t[i]
        if kind == "iri":
            return self.iri(text)
        prefix, _, local = text.partition(":")
        if prefix.startswith("_") or prefix not in self.prefixes or not _PN_LOCAL.fullmatch(local):
            raise _NotBounded  # blank node labels, unknown prefixes (a 400 the worker reports), paths
        return ox.NamedNode(self.prefixes[prefix] + local)

    def term(self, slot: Slot) -> Term | None:
        """The constant at `slot`; None for a variable or for a constant that cannot anchor a pattern
        (numbers, booleans, typed or language-tagged literals, which the store may match by value or
        normalise, long or escaped strings)."""
        if slot == VAR:
            return None
        if slot == A:
            return RDF_TYPE
        if isinstance(slot, tuple):
            at, lang, dt = slot
            if lang != VAR:
                if not _LANG.fullmatch(self.t[lang][1]):
                    raise _NotBounded
                return None
            if dt != VAR and self.named(dt).value != XSD_STRING:
                return None
            text = self.t[at][1]
            if text.startswith(('"""', "'''")) or "\\" in text:
                return None
            return ox.Literal(text[1:-1])
        kind, text = self.t[slot]
        if kind == "num" or (kind == "word" and ":" not in text):
            return None
        return self.named(slot)

    def anchor(self, slot: Slot) -> str | None:
        """str(self.term(slot)), the constant's N-Triples form (as hubs() lists them), or None; an <IRI>
        is checked and given back as written, without building its term."""
        if isinstance(slot, int) and slot >= 0:
            kind, text = self.t[slot]
            if kind == "iri":
                if not ABSOLUTE_IRI.match(text[1:-1]):
                    raise _NotBounded
                return text
        term = self.term(slot)
        return None if term is None else str(term)


_plans: dict[tuple[str, ...], Plan | None] = {}


def plan_of(tokens: list[Token]) -> Plan | None:
    """The plan of a query (cached by shape), or None when it is outside the accepted grammar."""
    key = _shape(tokens)
    try:
        return _plans[key]
    except KeyError:
        pass
    try:
        plan: Plan | None = _Parser(tokens).plan()
    except _NotBounded:
        plan = None
    if len(_plans) >= _PLANS_MAX:
        _plans.clear()
    _plans[key] = plan
    return plan


def _count(store: ox.Store, s: Term | None, p: Term | None, o: Term | None, bound: int) -> int:
    """Matches of one pattern in every graph (at least the union's), counted up to bound + 1 by the store
    (~30 us; iterating quads_for_pattern from Python costs ~4 us a match)."""
    pattern = f"{s or '?s'} {p or '?p'} {o or '?o'}"
    count = store.query(
        f"SELECT (COUNT(*) AS ?n) {{ SELECT * {{ {{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} }} }} "
        f"LIMIT {bound + 1} }}"
    )
    assert isinstance(count, ox.QuerySolutions)
    return int(next(count)[0].value)


def hubs(store: ox.Store, bound: int) -> frozenset[tuple[bool, str]]:
    """(is_subject, N-Triples form) of every term that is the subject, or the object, of more than `bound`
    triples: the only constants whose single pattern can match more than `bound` (~1 s a million triples,
    in the store, with the GIL released: the web process computes it once per release in a thread)."""
    found: set[tuple[bool, str]] = set()
    for is_subject, pattern in ((True, "?t ?p ?o"), (False, "?s ?p ?t")):
        result = store.query(
            f"SELECT ?t WHERE {{ {{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} }} }} "
            f"GROUP BY ?t HAVING (COUNT(*) > {bound})"
        )
        assert isinstance(result, ox.QuerySolutions)
        found.update((is_subject, str(row[0])) for row in result)
    return frozenset(found)


class Bound(NamedTuple):
    rows: int  # an upper bound of the rows any evaluation of the query builds
    rows_never_empty: bool  # see Plan


def inline_estimate(
    query: str,
    tokens: list[Token],
    store: ox.Store,
    bound: int,
    hub_terms: frozenset[tuple[bool, str]] | None = None,
    memo: dict[str, Any] | None = None,
) -> Bound | None:
    """An upper bound of the rows any evaluation of `query` can build, when at most `bound`; else None.

    With `hub_terms` (see hubs()), a query of one pattern, or a DESCRIBE of one IRI, whose constant is not
    a hub needs no count: its one index scan matches at most `bound` triples. `memo`, the QueryInfo's of
    check_query (shared by the queries of one template), keeps the plan."""
    if bound <= 0 or len(query) > INLINE_MAX_LENGTH or "\\" in query:
        return None
    if memo is None:
        plan = plan_of(tokens)
    else:
        try:
            plan = memo["plan"]
        except KeyError:
            plan = memo["plan"] = plan_of(tokens)
    if plan is None:
        return None
    try:
        r = _Resolver(tokens, plan)
        if plan.form == "DESCRIBE":
            nodes = [r.named(i) for i in plan.described]
            if hub_terms is not None and len(nodes) == 1:
                return None if (True, str(nodes[0])) in hub_terms else Bound(bound, False)
            total = 0
            for node in nodes:
                total += _count(store, node, None, None, bound)
                if total > bound:
                    return None
            return Bound(total, False)
        if (
            hub_terms is not None
            and len(plan.patterns) == 1
            and not plan.expression_tokens
            and not plan.ordered
        ):
            s, p, o = plan.patterns[0]
            subject_nt, object_nt = r.anchor(s), r.anchor(o)
            if p not in (VAR, A):
                r.anchor(p)  # a predicate that does not resolve (say, an unknown prefix) is the worker's 400
            if subject_nt is not None:
                return None if (True, subject_nt) in hub_terms else Bound(bound, plan.rows_never_empty)
            if object_nt is not None:
                return None if (False, object_nt) in hub_terms else Bound(bound, plan.rows_never_empty)
            return None
        estimate = 1
        for s, p, o in plan.patterns:
            subject, obj = r.term(s), r.term(o)
            if subject is None and obj is None:
                return None  # no constant subject or object: it could match the whole store
            estimate *= max(1, _count(store, subject, r.term(p), obj, bound))
            if estimate > bound:
                return None
        if estimate * (1 + plan.expression_tokens) > EXPRESSION_WORK * bound:
            return None  # expressions on every row of a large answer: a worker's job
        if plan.ordered and estimate * ORDER_COST > bound:
            return None  # sorting many rows: a worker's job
        return Bound(estimate, plan.rows_never_empty)
    except (_NotBounded, ValueError):  # ValueError: an IRI pyoxigraph refuses (its parser's 400, in a worker)
        return None
