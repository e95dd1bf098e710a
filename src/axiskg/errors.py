"""Domain errors. Messages are fit for a user and carry a location when one is known."""

from __future__ import annotations


class AxiskgError(Exception):
    """Base class of every error the library raises on purpose."""


class ParseError(AxiskgError):
    """A syntax error in a Turtle file, with its position (1-based line and column)."""

    def __init__(self, file: str, line: int | None, column: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        where = file
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class ShapeViolationError(AxiskgError):
    """The data does not conform to the shapes; carries the validation report."""

    def __init__(self, report: object, message: str) -> None:
        self.report = report
        super().__init__(message)


class ReleaseNotFoundError(AxiskgError):
    """No built release where one was expected."""


class QueryError(AxiskgError):
    """A SPARQL query that does not parse or cannot run; `param`: the named query's parameter at fault."""

    def __init__(self, message: str, param: str | None = None) -> None:
        self.param = param
        super().__init__(message)


class NotFoundError(AxiskgError):
    """A named thing (query, entity, file) that does not exist."""


class PublishError(AxiskgError):
    """Pushing a release to a remote store failed."""


class BuildError(AxiskgError):
    """A release could not be written (disk full, permissions...); the current release is unchanged."""


class ScaffoldError(AxiskgError):
    """A scaffolded file would overwrite an existing one, or its arguments are malformed."""
