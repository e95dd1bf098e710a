"""Dates with their precision (`axo:DateSpec`): bounds, the text's own words, and a readable line."""

from __future__ import annotations

from dataclasses import dataclass

from axiskg.web.views.snapshot import AXO, DCTERMS, RDFS, TIME, Snapshot, local_name

PRECISION_WORDS: dict[str, str] = {
    "PrecisionDay": "exact day",
    "PrecisionMonth": "month",
    "PrecisionSeason": "season",
    "PrecisionYear": "year",
    "PrecisionRange": "range",
    "PrecisionRelative": "relative date",
    "PrecisionOpen": "open-ended",
}


@dataclass(frozen=True)
class DateInfo:
    iri: str | None
    label: str | None  # the text's own words ("early summer 2023")
    not_before: str | None  # xsd:date lexical form
    not_after: str | None
    precision: str | None  # "season", "exact day"...
    inferred: bool

    @property
    def is_day(self) -> bool:
        return self.not_before is not None and self.not_before == self.not_after

    @property
    def sort_key(self) -> str:
        return self.not_before or self.not_after or "9999"

    @property
    def bounds(self) -> str:
        if self.is_day:
            return str(self.not_before)
        if self.not_before and self.not_after:
            return f"between {self.not_before} and {self.not_after}"
        if self.not_before:
            return f"from {self.not_before}"  # open-ended: the precision says so
        if self.not_after:
            return f"by {self.not_after}"
        return "date unknown"

    def __str__(self) -> str:
        words = self.label or ""
        detail = self.bounds if not (self.is_day and words == self.not_before) else ""
        if self.precision and not self.is_day:
            detail = f"{self.precision}: {detail}" if detail else self.precision
        if self.inferred:
            detail += ", inferred" if detail else "inferred"
        if words and detail:
            return f"{words} ({detail})"
        return words or detail


def date_spec(snap: Snapshot, spec: str) -> DateInfo:
    precision = snap.value(spec, AXO + "precision")
    day = snap.value(spec, TIME + "inXSDDate")
    nb = snap.value(spec, AXO + "notBefore") or day
    na = snap.value(spec, AXO + "notAfter") or day
    label = snap.literal(spec, RDFS + "label")
    return DateInfo(
        iri=spec,
        label=label,
        not_before=nb,
        not_after=na,
        precision=PRECISION_WORDS.get(local_name(precision), local_name(precision)) if precision else None,
        inferred=snap.value(spec, AXO + "inferred") in ("true", "1"),
    )


def date_of(snap: Snapshot, thing: str) -> DateInfo | None:
    """The date of a meeting, event, act or publication: time:hasTime, else dcterms:issued."""
    spec = snap.one(thing, TIME + "hasTime")
    if spec is not None:
        return date_spec(snap, spec.value)
    issued = snap.value(thing, DCTERMS + "issued")
    if issued:
        return DateInfo(None, None, issued[:10], issued[:10], "exact day", False)
    during = snap.one(thing, "http://www.w3.org/ns/org#memberDuring")
    if during is not None:
        return date_spec(snap, during.value)
    return None
