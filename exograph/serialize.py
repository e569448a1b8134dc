"""The JSON contracts of exograph (CLI ``--format json`` and, later, the HTTP API).

Scripts depend on these shapes; add keys, never rename or remove them.

- resolve: ``{"query", "matches": [{"id", "label", "type", "score"}]}``, best first.
- path: ``{"source": E, "target": E, "paths": [{"nodes": [E], "edges": [{"predicate", "label",
  "context", "refs", "quotes", ...}]}]}`` with E = ``{"id", "label", "type"}``.
- neighbors: ``{"entity": E, "depth", "neighbors": [E + {"distance"}], "edges": [edge]}``.
- entity (HTTP API): ``{"entity": E + {"synonyms", "xrefs"}, "relations": [edge]}``, each relation
  ``forward`` when the entity is its subject.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from exograph.graph import Edge, Projection
from exograph.model import Entity
from exograph.paths import Neighbourhood, Path
from exograph.resolve import Match


def resolve_json(query: str, matches: list[Match]) -> dict[str, Any]:
    return {"query": query, "matches": [m.as_dict() for m in matches]}


def edge_json(projection: Projection, edge: Edge, forward: bool = True) -> dict[str, Any]:
    """One relation with its context (entities as E objects) and evidence."""
    context: dict[str, Any] = {}
    for name, value in edge.context.as_dict().items():
        if name in ("cancer", "donor", "recipient"):
            context[name] = projection.describe(str(value))
        elif name == "biofluid":
            context[name] = [projection.describe(v) for v in value]
        else:
            context[name] = value
    return {
        "statement": edge.key,
        "subject": projection.describe(edge.subject),
        "predicate": edge.predicate,
        "label": edge.predicate_label,
        "object": projection.describe(edge.object),
        "forward": forward,
        "context": context,
        "refs": edge.refs,
        "quotes": [ev.quote for ev in edge.evidences],
        "evidence": [
            {
                "refs": list(ev.refs),
                "refs_printed": ev.refs_printed,
                "first_author": ev.first_author,
                "section": ev.section,
                "quote": ev.quote,
                "publication": ev.publication,
            }
            for ev in edge.evidences
        ],
        "notes": list(edge.notes),
    }


def paths_json(projection: Projection, paths: list[Path]) -> dict[str, Any]:
    """Ranked paths (never empty: no path is a NoPathError); source and target are their ends."""
    return {
        "source": projection.describe(paths[0].nodes[0]),
        "target": projection.describe(paths[0].nodes[-1]),
        "paths": [
            {
                "nodes": [projection.describe(n) for n in p.nodes],
                "edges": [edge_json(projection, h.edge, h.forward) for h in p.hops],
            }
            for p in paths
        ],
    }


def neighbors_json(projection: Projection, hood: Neighbourhood, depth: int) -> dict[str, Any]:
    others = sorted((d, projection.label(n).lower(), n) for n, d in hood.distances.items() if n != hood.centre)
    return {
        "entity": projection.describe(hood.centre),
        "depth": depth,
        "neighbors": [{**projection.describe(n), "distance": d} for d, _, n in others],
        "edges": [edge_json(projection, e) for e in hood.edges],
    }


def entity_json(projection: Projection, entity: Entity, edges: Iterable[Edge]) -> dict[str, Any]:
    """An entity with its names, cross-references and relations (as in neighbors)."""
    return {
        "entity": {
            **projection.describe(entity.id),
            "synonyms": list(entity.synonyms),
            "xrefs": list(entity.xrefs),
        },
        "relations": [edge_json(projection, e, forward=e.subject == entity.id) for e in edges],
    }
