"""One problem found by `axiskg validate`: a SHACL result, or a finding of the checks beyond SHACL."""

from __future__ import annotations

from dataclasses import dataclass

from axiskg import iris


@dataclass(frozen=True)
class Violation:
    focus: str  # the node concerned ("" for a problem of a whole file or of a term)
    path: str | None
    message: str
    severity: str  # "Violation" (an error: nothing is published), "Warning" or "Info"
    shape: str | None
    value: str | None = None
    file: str | None = None
    line: int | None = None
    anchor: str | None = None  # for a blank-node focus: its nearest named ancestor
    check: str | None = None  # for the checks beyond SHACL (axiskg.checks): which one, e.g. "unknown-term"
    declared: str | None = None  # `file:line` of the focus node's description, when `file` is another file

    @classmethod
    def in_file(
        cls, *, file: str | None, line: int | None, message: str, check: str, severity: str = "Violation"
    ) -> Violation:
        """A finding of the checks beyond SHACL about a file or a term, not a node."""
        return cls("", None, message, severity, None, file=file, line=line, check=check)

    def __str__(self) -> str:
        where = f"{self.file or '?'}:{self.line}" if self.line else (self.file or "?")
        path = f" {compact(self.path)}" if self.path else ""
        # the value at fault, unless it is the focus node itself (an entity declared nowhere); IRIs of the
        # contract's namespaces as prefixed names (hedge:saidTo)
        value = f" (value: {compact(self.value)})" if self.value and self.value != self.focus else ""
        if self.declared:
            value += f" (the node is described at {self.declared})"
        if not self.focus:
            return f"{where}: {self.severity}: {self.message}"
        if self.focus.startswith("_:"):
            focus = f"[] in <{self.anchor or '?'}>"
        elif self.focus.startswith('"'):  # a literal, written as in Turtle (see `literal_text`)
            focus = self.focus
        else:
            focus = f"<{self.focus}>"
        return f"{where}: {self.severity}: {focus}{path}: {self.message}{value}"


def compact(text: str) -> str:
    """IRIs of the contract's namespaces written as prefixed names, for messages (`rdfs:label`)."""
    for prefix, ns in sorted(iris.PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if prefix != "ax":
            text = text.replace(ns, prefix + ":")
    return text


def literal_text(value: str, datatype: str | None = None, language: str | None = None) -> str:
    """A literal as written in Turtle, for messages: `"2024-01-15"^^xsd:date`, `"early summer"@en`."""
    text = '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    if language:
        return f"{text}@{language}"
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        short = compact(datatype)
        return f"{text}^^{short if short != datatype else '<' + datatype + '>'}"
    return text
