"""The JSON API behind the explorer: the CLI's questions over HTTP, with the CLI's JSON.

``/api/resolve``, ``/api/neighbors`` and ``/api/path`` answer exactly what ``exograph resolve``,
``neighbors`` and ``path`` print with ``--format json`` for the same arguments
(:mod:`exograph.serialize`); the flags ``through_generic`` and ``no_hedged`` are the options
``--through-generic`` and ``--no-hedged``. ``/api/entity`` (an entity and its relations), ``/api/graph`` (what
``exograph viz`` draws) and ``/api/queries`` (the named SPARQL queries) serve the explorer.

Errors are ``{"error": message}`` with the CLI's one-line message: 404 for an unknown entity (with
``suggestions``: the nearest names), for no path within the hop limit and for nothing to draw;
400 for a bad parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from exograph.errors import ExographError, ProtocolError, UnknownEntityError
from exograph.server.response import Response, error_response, json_response

if TYPE_CHECKING:
    from exograph.kg import KnowledgeGraph

Params = Mapping[str, str]
#: most relations (and, apart, most relations naming it in their context) /api/entity lists for one entity
ENTITY_LIMIT = 1000
#: most neighbours (and relations) /api/neighbors lists (by default, as many as ``exograph neighbors``)
NEIGHBOURS_MAX = 10_000
#: relations drawn around an entity (as ``viz --limit``: a browser draws a few thousand at most)
GRAPH_LIMIT = 500


def handle(kg: KnowledgeGraph, name: str, params: Params) -> Response:
    """The answer of API call ``name`` (``/api/<name>``) with query parameters ``params``."""
    endpoint = ENDPOINTS.get(name)
    if endpoint is None:
        return error_response(ProtocolError(f"no API call '{name}'; use one of: {', '.join(sorted(ENDPOINTS))}", 404), as_json=True)
    allowed, answer = endpoint
    try:
        unknown = sorted(set(params) - set(allowed))
        if unknown:
            raise ProtocolError(f"unknown parameter '{unknown[0]}' for /api/{name}; use: {', '.join(allowed) or 'none'}")
        return json_response(answer(kg, params))
    except ExographError as exc:
        return error_response(exc, as_json=True)


def resolve(kg: KnowledgeGraph, params: Params) -> dict[str, Any]:
    from exograph.serialize import resolve_json

    query = _required(params, "q")
    matches = kg.resolve(query, _integer(params, "limit", 10, 1, 100))
    if not matches:
        raise UnknownEntityError(query, kg.suggest(query))
    return resolve_json(query, matches)


def neighbors(kg: KnowledgeGraph, params: Params) -> dict[str, Any]:
    from exograph.kg import NEIGHBOURS_LIMIT
    from exograph.serialize import neighbors_json

    depth = _integer(params, "depth", 1, 1, 6)
    hood = kg.neighbors(
        _required(params, "name"),
        depth=depth,
        predicate=params.get("predicate") or None,
        cancer=params.get("cancer") or None,
        limit=_integer(params, "limit", NEIGHBOURS_LIMIT, 1, NEIGHBOURS_MAX),
        hedged=not _flag(params, "no_hedged"),
    )
    return neighbors_json(kg.index, hood, depth)


def path(kg: KnowledgeGraph, params: Params) -> dict[str, Any]:
    from exograph.errors import NoPathError
    from exograph.serialize import paths_json

    try:
        found = kg.paths(
            _required(params, "source"),
            _required(params, "target"),
            max_hops=_integer(params, "max_hops", 4, 1, 8),
            cancer=params.get("cancer") or None,
            all_paths=_flag(params, "all"),
            undirected=_flag(params, "undirected"),
            through_generic=_flag(params, "through_generic"),
            hedged=not _flag(params, "no_hedged"),
        )
    except NoPathError as exc:  # said with the explorer's options, not the command line's flags
        raise NoPathError(exc.on_the_web) from None
    return paths_json(kg.index, found)


def entity(kg: KnowledgeGraph, params: Params) -> dict[str, Any]:
    from exograph.serialize import entity_json

    found = kg.entity(_required(params, "name"))
    offset = _integer(params, "offset", 0, 0, 1_000_000_000)
    hood = kg.neighbors(found.id, depth=1, limit=_integer(params, "limit", ENTITY_LIMIT, 1, ENTITY_LIMIT), offset=offset)
    data = entity_json(kg.index, found, hood.edges, hood.roles, totals=(hood.total_edges, hood.total_roles))
    return {**data, "offset": offset}


def graph(kg: KnowledgeGraph, params: Params) -> dict[str, Any]:
    """What ``exograph viz`` draws: around ``name`` and/or on the paths ``source`` to ``target``."""
    from exograph.viz import graph_data

    source, target = params.get("source") or None, params.get("target") or None
    if (source is None) != (target is None):
        raise ProtocolError("give both source and target (or neither)")
    drawing = kg.subgraph(
        focus=params.get("name") or None,
        depth=_integer(params, "depth", 1, 1, 6),
        path=(source, target) if source and target else None,
        max_hops=_integer(params, "max_hops", 4, 1, 8),
        cancer=params.get("cancer") or None,
        limit=_integer(params, "limit", GRAPH_LIMIT, 1, 5 * GRAPH_LIMIT),
        through_generic=_flag(params, "through_generic"),
        hedged=not _flag(params, "no_hedged"),
    )
    data = graph_data(kg.index, drawing.edges, highlight=drawing.highlight, focus=drawing.focus, roles=drawing.roles)
    return {**data, "drawn": len(drawing.edges), "total": max(drawing.total, len(drawing.edges))}


def queries(kg: KnowledgeGraph, params: Params) -> list[dict[str, str]]:
    from exograph.query import named_queries

    return [{"name": q.name, "title": q.title, "text": q.text} for q in named_queries().values()]


ENDPOINTS: dict[str, tuple[tuple[str, ...], Callable[[KnowledgeGraph, Params], Any]]] = {
    "resolve": (("q", "limit"), resolve),
    "neighbors": (("name", "depth", "predicate", "cancer", "limit", "no_hedged"), neighbors),
    "path": (("source", "target", "max_hops", "cancer", "all", "undirected", "through_generic", "no_hedged"), path),
    "entity": (("name", "offset", "limit"), entity),
    "graph": (("name", "depth", "source", "target", "max_hops", "cancer", "through_generic", "no_hedged", "limit"), graph),
    "queries": ((), queries),
}


def _required(params: Params, name: str) -> str:
    value = params.get(name, "").strip()
    if not value:
        raise ProtocolError(f"parameter '{name}' is required")
    return value


def _integer(params: Params, name: str, default: int, low: int, high: int) -> int:
    text = params.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ProtocolError(f"parameter '{name}' must be a whole number from {low} to {high}, not '{text}'")
    return value


def _flag(params: Params, name: str) -> bool:
    text = params.get(name)
    if text is None:
        return False
    value = text.strip().lower()
    if value in ("", "1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ProtocolError(f"parameter '{name}' must be true or false, not '{text}'")
