"""What every handler returns: status, media type and bytes, and the mapping from errors to statuses.

A :class:`Response` is built where the work is done (often in a worker process) and crosses the
process boundary as it is, so the HTTP process only writes bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from exograph.errors import (
    ExographError,
    NoPathError,
    NothingToDrawError,
    ProtocolError,
    QueryRefusedError,
    QueryTimeoutError,
    ResultTooLargeError,
    ServerError,
    UnknownEntityError,
    WorkerDiedError,
)

JSON = "application/json"
TEXT = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def json_bytes(data: Any) -> bytes:
    """``data`` as JSON in which '<', '>' and '&' are escaped, so no browser can read it as markup."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")


def json_response(data: Any, status: int = 200) -> Response:
    return Response(status, JSON, json_bytes(data))


def text_response(message: str, status: int) -> Response:
    return Response(status, TEXT, (message + "\n").encode("utf-8"))


def status_of(exc: ExographError) -> int:
    """The HTTP status that answers an error."""
    if isinstance(exc, ProtocolError):
        return exc.status
    if isinstance(exc, UnknownEntityError | NoPathError | NothingToDrawError):
        return 404
    if isinstance(exc, QueryRefusedError):
        return 403
    if isinstance(exc, ResultTooLargeError):
        return 422
    if isinstance(exc, QueryTimeoutError | WorkerDiedError):
        return 503
    if isinstance(exc, ServerError):
        return 500
    return 400


def error_response(exc: ExographError, *, as_json: bool) -> Response:
    """The error as ``{"error": message}`` (the API; unknown entities add ``suggestions``) or as text (SPARQL)."""
    status = status_of(exc)
    if not as_json:
        return text_response(str(exc), status)
    data: dict[str, Any] = {"error": str(exc)}
    if isinstance(exc, UnknownEntityError):
        data["suggestions"] = exc.suggestions
    return json_response(data, status)
