"""Walking the graph: ranked paths between two entities and the neighbourhood of one.

Functions take the :class:`~exograph.graph.Projection` first, then entity IRIs and filters.
Edges stated for another cancer than ``cancer`` are left out; edges with no cancer stated are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from exograph import vocab
from exograph.errors import NoPathError
from exograph.graph import Edge, Projection

#: at most this many paths are enumerated, even with ``all_paths``
PATH_CAP = 1000


@dataclass(frozen=True)
class Hop:
    """One step of a path: the edge, walked forward (subject to object) or backward."""

    edge: Edge
    forward: bool = True


@dataclass(frozen=True)
class Path:
    """A path: the entities it visits and the hop between each pair."""

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]

    @property
    def evidence_count(self) -> int:
        return sum(len(h.edge.evidences) for h in self.hops)

    @property
    def rank_key(self) -> tuple[int, int, int, int, tuple[str, ...]]:
        """Fewer hops first; then fewer backward hops, fewer cancers mixed, more evidence; then by IRI."""
        backward = sum(not h.forward for h in self.hops)
        cancers = {h.edge.context.cancer for h in self.hops if h.edge.context.cancer}
        return (len(self.hops), backward, len(cancers), -self.evidence_count, self.nodes)


def keep_edges(edges: Iterable[Edge], *, cancer: str | None = None, predicates: Iterable[str] | None = None) -> list[Edge]:
    """Edges that hold in ``cancer`` (or state no cancer) and use one of ``predicates`` (IRIs)."""
    wanted = set(predicates) if predicates is not None else None
    return [e for e in edges if (cancer is None or e.context.cancer in (None, cancer)) and (wanted is None or e.predicate in wanted)]


def find_paths(
    projection: Projection,
    source: str,
    target: str,
    *,
    max_hops: int = 4,
    cancer: str | None = None,
    all_paths: bool = False,
    limit: int = 5,
    undirected: bool = False,
) -> list[Path]:
    """Ranked paths from ``source`` to ``target`` of at most ``max_hops`` hops.

    Parameters
    ----------
    max_hops: the longest path considered.
    cancer: an entity IRI; edges stated for another cancer are not walked.
    all_paths: every path up to ``max_hops`` (at most PATH_CAP) instead of the best ``limit``.
    undirected: also walk edges from object to subject.

    Raises
    ------
    NoPathError: when no path of at most ``max_hops`` joins the two.
    """
    import networkx as nx

    if max_hops < 1:
        raise ValueError("max_hops must be at least 1")
    best: dict[tuple[str, str], Hop] = {}
    for e in keep_edges(projection.edges, cancer=cancer):
        _offer(best, (e.subject, e.object), Hop(e, True))
        if undirected:
            _offer(best, (e.object, e.subject), Hop(e, False))
    g = nx.DiGraph()
    g.add_nodes_from([source, target])
    g.add_edges_from(best)
    found: list[Path] = []
    try:
        for nodes in islice(nx.shortest_simple_paths(g, source, target), PATH_CAP):
            if len(nodes) - 1 > max_hops:
                break
            found.append(Path(tuple(nodes), tuple(best[(a, b)] for a, b in zip(nodes, nodes[1:], strict=False))))
    except nx.NetworkXNoPath:
        pass
    if not found or source == target:
        where = f" in {projection.label(cancer)}" if cancer else ""
        raise NoPathError(
            f"no path from '{projection.label(source)}' to '{projection.label(target)}' within {max_hops} hops{where}; "
            "try a larger --max-hops, --undirected, or no --cancer"
        )
    found.sort(key=lambda p: p.rank_key)
    return found if all_paths else found[:limit]


def _offer(best: dict[tuple[str, str], Hop], pair: tuple[str, str], hop: Hop) -> None:
    """Keep the better-supported of two parallel edges for one step."""
    seen = best.get(pair)
    if seen is None or (len(hop.edge.evidences), hop.forward, hop.edge.key) > (len(seen.edge.evidences), seen.forward, seen.edge.key):
        best[pair] = hop


@dataclass(frozen=True)
class Neighbourhood:
    """The entities within ``depth`` hops of a centre and the edges between them."""

    centre: str
    distances: dict[str, int]
    edges: tuple[Edge, ...]


def neighbourhood(
    projection: Projection,
    centre: str,
    *,
    depth: int = 1,
    cancer: str | None = None,
    predicates: Iterable[str] | None = None,
) -> Neighbourhood:
    """Entities joined to ``centre`` by at most ``depth`` edges, in either direction."""
    if depth < 1:
        raise ValueError("depth must be at least 1")
    edges = keep_edges(projection.edges, cancer=cancer, predicates=predicates)
    touching: dict[str, list[Edge]] = {}
    for e in edges:
        touching.setdefault(e.subject, []).append(e)
        touching.setdefault(e.object, []).append(e)
    distances = {centre: 0}
    frontier = [centre]
    used: dict[str, Edge] = {}
    for d in range(1, depth + 1):
        nxt = []
        for node in frontier:
            for e in touching.get(node, ()):
                used[e.key] = e
                other = e.object if e.subject == node else e.subject
                if other not in distances:
                    distances[other] = d
                    nxt.append(other)
        frontier = nxt
    return Neighbourhood(centre, distances, tuple(sorted(used.values(), key=lambda e: e.key)))


def predicate_iri(name: str) -> str | None:
    """The IRI of a relation predicate given as local name, label, CURIE or IRI; None if unknown."""
    wanted = name.strip()
    for local in vocab.PREDICATES:
        iri = vocab.EXO + local
        label = Edge("", "", iri, "").predicate_label
        if wanted in (local, iri, f"exo:{local}") or wanted.lower() in (local.lower(), label.lower()):
            return iri
    return None
