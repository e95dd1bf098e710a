"""Search by any name variant: case-, accent-, apostrophe- and hyphen-insensitive, with kind filters.

The index (every skos:prefLabel, skos:altLabel, rdfs:label and dcterms:title, normalised) is built once per
release. `/search` renders HTML; `/search.json?q=&kind=` answers scripts. Below the spellings the reports
print, a name is also found by a transliteration the reports do not use (Hizballah, Suleimani, Ghaani,
Kataeb): words compared by their consonants (`skeleton`), ranked last and marked as a similar spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from axiskg import iris
from axiskg.errors import AxiskgError
from axiskg.release import Release
from axiskg.web.views import links
from axiskg.web.views.claims import other_language, type_label
from axiskg.web.views.snapshot import DCTERMS, RDFS, SKOS, per_release, snapshot

NAME_PREDICATES = (SKOS + "prefLabel", SKOS + "altLabel", RDFS + "label", DCTERMS + "title")
# Kinds offered as filters (IRI kind segments), in display order.
KINDS: dict[str, str] = {
    "person": "Persons",
    "org": "Organizations and states",
    "meeting": "Meetings",
    "event": "Events",
    "place": "Places",
    "report": "Reports and publications",
    "source": "Sources",
    "act": "Statements and decisions",
    "membership": "Memberships",
    "topic": "Topics",
}
_KIND_RANK = {k: i for i, k in enumerate(KINDS)}
DEFAULT_LIMIT = 50
_DROP = dict.fromkeys(map(ord, "'\u2019\u2018`\u02bc\u02bb\u00b4\u2032\"\u201c\u201d"), None)
_SPACE = re.compile(r"[\s\-\u2010-\u2015_.,;:/()\[\]]+")


def normalize(text: str) -> str:
    """`Kata’ib Hezbollah` -> `kataib hezbollah`: casefold, strip accents, drop apostrophes and quotes,
    hyphens and punctuation to spaces."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_DROP)
    return _SPACE.sub(" ", text).strip()


_VOWELS = re.compile(r"[aeiouyw]+")
_DOUBLE = re.compile(r"(.)\1+")
# Arabic letters written differently for one sound (the hamza seats were decomposed by normalize)
_ARABIC = str.maketrans({"\u0629": "\u0647", "\u0649": "\u064a", "\u0640": None})


def skeleton(word: str) -> str:
    """A normalised word's consonants, as Arabic and Persian names are transliterated differently mostly in
    their vowels: `hizballah`, `hezbollah`, `hizbullah` -> `hzblh`; `ghaani`, `qaani` -> `qn`; `kataeb`,
    `kataib` -> `ktb`. gh (Persian for qaf) is q; doubled letters count once."""
    word = word.translate(_ARABIC).replace("gh", "q").replace("ph", "f")
    return _DOUBLE.sub(r"\1", _VOWELS.sub("", word)) if not word[:1].isdigit() else word


# The Arabic article as transliterations write it, assimilated or not ("Deir Al-Zour", "Deir ez-Zor"), and
# left out of `joined_skeleton`, which also ignores where the words break ("Al-Bukamal", "Abu Kamal").
_ARTICLES = frozenset(
    ["al", "el", "il", "ul", "ad", "ed", "adh", "ar", "er", "as", "es", "ash", "esh", "at", "et", "ath"]
    + ["az", "ez", "an", "en"]
)
MIN_JOINED = 4  # consonants: a shorter whole name ("Ali", "Amal") would match too much


def joined_skeleton(key: str) -> str:
    """A normalised name's consonants, its words run together and its articles left out: `deir ez zor`,
    `deir al zour` -> `drzr`; `abu kamal`, `al bukamal` -> `bkml`."""
    return _DOUBLE.sub(r"\1", "".join(skeleton(w) for w in key.split() if w not in _ARTICLES))


@dataclass(frozen=True)
class Entry:
    iri: str
    label: str
    kind: str
    type_label: str
    names: tuple[str, ...]  # original spellings
    keys: tuple[str, ...]  # normalised spellings, one per name (keys[i] is names[i] normalised)
    skeletons: tuple[tuple[str, ...], ...]  # the words of each key as `skeleton`s
    languages: tuple[str | None, ...] = ()  # of each name, when not English (`other_language`)
    joined: tuple[str, ...] = ()  # each key as `joined_skeleton`


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: int
    matched: str

    @property
    def matched_lang(self) -> str | None:
        """The language of the matched spelling when it is not English (for its `lang` attribute)."""
        for name, lang in zip(self.entry.names, self.entry.languages, strict=False):
            if name == self.matched:
                return lang
        return None

    @property
    def similar(self) -> bool:
        """Found by a similar spelling only (`skeleton`), not by one the reports print."""
        return self.score == SIMILAR

    def as_json(self) -> dict[str, Any]:
        e = self.entry
        return {
            "iri": e.iri,
            "label": e.label,
            "kind": e.kind,
            "type": e.type_label,
            "url": links.href(e.iri),
            "matched": self.matched,
            "similar": self.similar,
            "names": list(e.names),
        }


class SearchIndex:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries

    @classmethod
    def build(cls, release: Release) -> SearchIndex:
        snap = snapshot(release)
        entries = []
        for s, props in snap.out.items():
            kind = links.kind_of(s)
            if kind is None or kind in ("claim", "time"):
                continue
            spellings: list[str] = []
            languages: list[str | None] = []
            for p in NAME_PREDICATES:
                for o in props.get(p, []):
                    if o.value not in spellings:
                        spellings.append(o.value)
                        languages.append(other_language(o) if isinstance(o, ox.Literal) else None)
            if not spellings:
                continue
            # one key per spelling, duplicates kept: search() reports the spelling whose key matched
            keys = tuple(normalize(n) for n in spellings)
            skeletons = tuple(tuple(skeleton(w) for w in k.split()) for k in keys)
            names, langs = tuple(spellings), tuple(languages)
            joined = tuple(joined_skeleton(k) for k in keys)
            entries.append(
                Entry(s, snap.label(s), kind, type_label(snap, s), names, keys, skeletons, langs, joined)
            )
        entries.sort(key=lambda e: e.label.casefold())
        return cls(entries)

    def search(self, query: str, kind: str | None = None, limit: int = DEFAULT_LIMIT) -> list[Hit]:
        """Entries whose names match `query` (its first MAX_QUERY_CHARS characters), best first."""
        q = normalize(query[:MAX_QUERY_CHARS])
        if not q:
            # No name: every entry of the kind (a browsable list), nothing without a kind.
            return [Hit(e, 1, e.label) for e in self.entries if kind and e.kind == kind][:limit]
        tokens = list(dict.fromkeys(q.split()))  # a word repeated is matched once
        shapes = [skeleton(t) for t in tokens]
        whole = joined_skeleton(q)
        whole = whole if len(whole) >= MIN_JOINED else ""
        hits = []
        for e in self.entries:
            if kind and e.kind != kind:
                continue
            best = 0
            matched = ""
            for name, k, sk, j in zip(e.names, e.keys, e.skeletons, e.joined, strict=True):
                score = (
                    _score(q, tokens, k) or _similar(shapes, sk) or (SIMILAR if whole and j == whole else 0)
                )
                if score > best:
                    best, matched = score, name
            if best:
                hits.append(Hit(e, best, matched))
        hits.sort(key=lambda h: (-h.score, _KIND_RANK.get(h.entry.kind, 99), h.entry.label.casefold()))
        return hits[:limit]


# Longer search text is cut here: every word is matched against every spelling of every entry, in the web
# process (a 300 KB `q` of 150,000 words held an HTTP worker for 24 s); no name of the graph is this long.
MAX_QUERY_CHARS = 200


def _score(q: str, tokens: list[str], key: str) -> int:
    if not key:
        return 0
    if key == q:
        return 100
    if key.startswith(q):
        return 80
    words = key.split()
    if all(any(w.startswith(t) for w in words) for t in tokens):
        return 60
    if q.replace(" ", "") in key.replace(" ", ""):
        return 40
    return 0


SIMILAR = 20  # the score of a match by `skeleton` only, below every match of a printed spelling


def _similar(shapes: list[str], words: tuple[str, ...]) -> int:
    """SIMILAR when every word of the query has the consonants of a word of the name (or begins them, for a
    query word of three consonants or more: `suleim` finds Soleimani), a shorter one must equal one (`ghaani`
    is `qn`, `abu` is `b`); a query of one consonant (`ali`) finds nothing this way."""
    if not words or not any(len(s) >= 2 for s in shapes):
        return 0
    for s in shapes:
        if not s:  # a word of vowels only ("a", "eu") says nothing of the consonants: it is left out
            continue
        if not any(w == s or (len(s) >= 3 and w.startswith(s)) for w in words):
            return 0
    return SIMILAR


# ---------------------------------------------------------------- names for IRI parameters (named queries)

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_KIND_WORDS = {
    "person": "person",
    "organization": "org",
    "meeting": "meeting",
    "event": "event",
    "place": "place",
}


def param_kinds(param: Any, index: SearchIndex) -> set[str]:
    """The kinds of entity an IRI parameter takes, of those search knows: its default's, and those its label
    names as words ("The person or organization (IRI)": persons and organizations; "The entity": any)."""
    known = {e.kind for e in index.entries}
    words = set(re.findall(r"[a-z]+", (param.label or "").lower()))
    if "entity" in words:
        return known
    kinds = {k for k in [links.kind_of(param.default)] if k}
    kinds |= {kind for word, kind in _KIND_WORDS.items() if word in words}
    return kinds & known


def resolve_names(
    release: Release, params: Sequence[Any], values: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """IRI parameters given as a prefixed name (`person:qais-al-khazali`, expanded) or, for a parameter of
    entities search knows (`param_kinds`), as a name ("Khazali"): the one entity of its kinds that search
    ranks first, said in a note ("Khazali" read as Qais Al-Khazali). A name that picks out no entity, or
    several equally well, raises NameNotFoundError with the candidates; any other value is left to the
    binding (which refuses what is not an IRI)."""
    resolved = dict(values)
    notes: list[str] = []
    index = search_index(release)
    for p in params:
        value = values.get(p.name, "").strip()
        if p.kind != "iri" or not value:
            continue
        if _SCHEME.match(value):
            prefix, _, local = value.partition(":")
            if prefix in _PREFIXED and not local.startswith("//"):
                resolved[p.name] = _PREFIXED[prefix] + local
                notes.append(f"{value} read as {resolved[p.name]}.")
            continue
        kinds = param_kinds(p, index)
        if not kinds:
            continue
        hits = [h for h in index.search(value, limit=len(index.entries)) if h.entry.kind in kinds]
        if not hits:
            raise NameNotFoundError(
                p.name, f"parameter '{p.name}': no {_kinds_text(kinds)} is named '{value}'"
            )
        best = [h for h in hits if h.score == hits[0].score]
        if len(best) > 1:
            names = "; ".join(f"{h.entry.label} ({h.entry.iri})" for h in best[:8])
            raise NameNotFoundError(p.name, f"parameter '{p.name}': '{value}' names several: {names}")
        resolved[p.name] = best[0].entry.iri
        notes.append(f"“{value}” read as {best[0].entry.label} ({best[0].entry.iri}).")
    return resolved, notes


# prefixed names a researcher may type: the data model's prefixes and the entity prefixes (person:, actor:...)
_PREFIXED = {**iris.PREFIXES, **iris.ENTITY_PREFIXES}


def _kinds_text(kinds: set[str]) -> str:
    words = {v: k for k, v in _KIND_WORDS.items()}
    return " or ".join(words.get(k, k) for k in sorted(kinds)) if len(kinds) <= 3 else "entity"


class NameNotFoundError(AxiskgError):
    """A name given for an IRI parameter that picks out no one entity; `param` names the field."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(message)
        self.param = param


def search_index(release: Release) -> SearchIndex:
    return per_release("search", release, lambda: SearchIndex.build(release))


def _kind_param(request: Request) -> str | None:
    kind = request.query_params.get("kind", "").strip()
    return kind if kind in KINDS else None


def _limit(request: Request) -> int:
    try:
        return max(1, min(500, int(request.query_params.get("limit", DEFAULT_LIMIT))))
    except ValueError:
        return DEFAULT_LIMIT


async def search_json(request: Request) -> Response:
    q = request.query_params.get("q", "")
    kind = _kind_param(request)
    hits = search_index(request.app.state.release).search(q, kind, _limit(request))
    cut = {"cut": True} if len(q) > MAX_QUERY_CHARS else {}  # the query echoed is the text searched
    return JSONResponse(
        {
            "query": q[:MAX_QUERY_CHARS],
            **cut,
            "kind": kind,
            "count": len(hits),
            "results": [h.as_json() for h in hits],
        },
        headers={"Access-Control-Allow-Origin": "*"},
    )


async def search_page(request: Request) -> Response:
    from axiskg.web.pages import render  # circular: pages imports this module for its routes

    q = request.query_params.get("q", "")
    kind = _kind_param(request)
    limit = _limit(request) if q.strip() else 500
    hits = search_index(request.app.state.release).search(q, kind, limit) if q.strip() or kind else []
    return render(
        request,
        "search.html",
        {
            "q": q[:MAX_QUERY_CHARS],  # echoed as searched (a 300 KB q made a 1 MB page)
            "cut": MAX_QUERY_CHARS if len(q) > MAX_QUERY_CHARS else None,
            "kind": kind or "",
            "kinds": KINDS,
            "hits": hits,
            "title": f"Search: {q[:MAX_QUERY_CHARS]}" if q else "Search",
        },
    )
