"""The exograph error hierarchy.

Every error the library raises on bad input is an :class:`ExographError`; each also subclasses
the matching built-in so callers can catch ``ValueError`` or ``LookupError`` as usual. Messages
are one line and name the culprit and the fix; the CLI prints them as they are.
"""

from __future__ import annotations


class ExographError(Exception):
    """Base class of all exograph errors."""

    exit_code = 1


class DataError(ExographError, ValueError):
    """A data file (Turtle, curation table) cannot be read; the message gives file:line."""


class CurationError(DataError):
    """A curation record is invalid."""


class StoreError(ExographError, OSError):
    """A store cannot be opened, created or extended (missing, locked, not a store)."""


class UnknownEntityError(ExographError, LookupError):
    """A name resolves to no entity; ``suggestions`` holds the nearest names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = "did you mean " + ", ".join(f"'{s}'" for s in suggestions) + "?" if suggestions else "try 'exograph resolve' with another spelling"
        shown = name if len(name) <= 80 else name[:77] + "..."  # a 100,000-character argument is not echoed back
        super().__init__(f"unknown entity '{shown}'; {hint}")


class UnknownPredicateError(ExographError, LookupError):
    """A predicate name is not in the ontology."""


class QueryError(ExographError, ValueError):
    """A SPARQL query is malformed or not allowed."""


class QueryRefusedError(QueryError):
    """A well-formed request exograph will not run: an update, SERVICE, or a graph it does not hold."""


class QueryTimeoutError(QueryError, TimeoutError):
    """A query ran past the server's time limit (or waited that long for a free worker)."""


class ResultTooLargeError(QueryError):
    """A query's result is larger than the server's row or byte limit."""


class ProtocolError(ExographError, ValueError):
    """An HTTP request does not follow the SPARQL 1.1 Protocol; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class ServerError(ExographError, OSError):
    """The server cannot start (the port is taken) or a worker process died."""


class WorkerDiedError(ServerError):
    """A query worker ended while it ran a job (killed by the memory limit, or a crash); it has been replaced."""


class NoPathError(ExographError, LookupError):
    """No path joins two entities within the hop limit (not a failure of the tool); ``on_the_web``
    says the same in the explorer's words (its form's options, not the command line's flags)."""

    exit_code = 3

    def __init__(self, message: str, on_the_web: str | None = None) -> None:
        super().__init__(message)
        self.on_the_web = on_the_web or message


class NothingToDrawError(ExographError, LookupError):
    """A drawing would be empty: the entity to focus on takes part in no relation (as subject,
    object or context), or none that the filters keep."""


class MissingDependencyError(ExographError, ImportError):
    """An optional dependency is not installed."""


class UnsupportedShapeError(ExographError, ValueError):
    """A shapes file uses a SHACL feature exograph's native checker does not implement (``feature``
    names it); validation then checks that file with pyshacl."""

    def __init__(self, message: str, feature: str = "") -> None:
        super().__init__(message)
        self.feature = feature
