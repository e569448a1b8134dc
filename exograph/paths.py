"""Walking the graph: ranked paths between two entities and the neighbourhood of one.

Both work on the index's integer adjacency (:class:`~exograph.index.Index`), so they stay fast at
millions of relations, and return edge ids; :class:`~exograph.kg.KnowledgeGraph` then reads the
few relations on the answer (context, evidence) from the store.

Paths are searched level by level (1 hop, then 2, ...) after one breadth-first search backwards
from the target has measured how far every node is from it: the forward search never steps onto
a node that cannot reach the target in the hops left, so it explores only what can become a path.
Within the hop limit, fewer hops rank first, then better-supported paths (the product of each hop's
belief, :mod:`exograph.support`: curated and database evidence), then paths walked only forwards,
then paths that stay within one cancer, then those with more evidences, then by the entities' IRIs. Without ``all_paths``
the search stops after the first level that yields ``limit`` paths: nothing longer can outrank them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from exograph import vocab
from exograph.errors import NoPathError
from exograph.model import Relation
from exograph.support import Support

if TYPE_CHECKING:
    from exograph.index import EdgeArrays, Index

#: at most this many paths are returned with ``all_paths`` (a truncated answer says so)
PATH_CAP = 1000
#: at most this many candidate paths are enumerated in one search
SEARCH_BUDGET = 200_000


@dataclass(frozen=True)
class Hop:
    """One step of a path: the relation, walked forward (subject to object) or backward."""

    edge: Relation
    forward: bool = True
    support: Support = Support()


@dataclass(frozen=True)
class Path:
    """A path: the entities it visits and the hop between each pair."""

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]

    @property
    def evidence_count(self) -> int:
        return sum(len(h.edge.evidences) for h in self.hops)

    @property
    def belief(self) -> float:
        """How well the whole path is supported: the product of its hops' beliefs."""
        return _product(h.support.belief for h in self.hops)

    @property
    def rank_key(self) -> tuple[int, float, int, int, int, tuple[str, ...]]:
        """Fewer hops first; then more belief, fewer backward hops, fewer cancers mixed, more evidence; then by IRI."""
        backward = sum(not h.forward for h in self.hops)
        cancers = {h.edge.context.cancer for h in self.hops if h.edge.context.cancer}
        return (len(self.hops), -self.belief, backward, len(cancers), -self.evidence_count, self.nodes)


class Paths(list[Path]):
    """Ranked paths; ``truncated`` when more paths exist than were returned, ``found`` how many
    candidate paths the search enumerated (at least that many exist)."""

    truncated: bool = False
    found: int = 0


@dataclass(frozen=True)
class IdPath:
    """A path over the index: node ids and, per hop, (edge id, forward)."""

    nodes: tuple[int, ...]
    hops: tuple[tuple[int, bool], ...]


@dataclass
class Search:
    """The outcome of :func:`search_paths`: id paths, best first, and whether the answer was cut short."""

    paths: list[IdPath] = field(default_factory=list)
    truncated: bool = False
    found: int = 0  #: candidate paths enumerated


def search_paths(
    index: Index,
    source: int,
    target: int,
    *,
    max_hops: int = 4,
    cancer: Collection[int] | None = None,
    all_paths: bool = False,
    limit: int = 5,
    undirected: bool = False,
    cap: int | None = None,
    budget: int = SEARCH_BUDGET,
) -> Search:
    """Ranked id paths from ``source`` to ``target`` of at most ``max_hops`` hops (see the module)."""
    if max_hops < 1:
        raise ValueError("max_hops must be at least 1")
    a = index.arrays
    wanted = (PATH_CAP if cap is None else cap) if all_paths else limit
    result = Search()
    if source == target:
        return result
    distance = _distances_to(a, target, max_hops, cancer, undirected)
    if source not in distance:
        return result
    steps: dict[int, list[tuple[int, int, bool]]] = {}
    found: list[IdPath] = []
    explored = 0
    for length in range(distance[source], max_hops + 1):
        level: list[IdPath] = []
        stack: list[tuple[int, int]] = [(source, 0)]  # (node, index of the next step to try)
        nodes = [source]
        hops: list[tuple[int, bool]] = []
        on_path = {source}
        while stack:
            node, i = stack[-1]
            options = steps.get(node)
            if options is None:
                options = steps[node] = _steps(a, node, cancer, undirected)
            if i >= len(options):
                stack.pop()
                if hops:
                    hops.pop()
                    on_path.discard(nodes.pop())
                continue
            stack[-1] = (node, i + 1)
            nxt, edge, forward = options[i]
            left = length - len(hops) - 1
            if nxt in on_path or distance.get(nxt, max_hops + 1) > left:
                continue
            if nxt == target:
                if left == 0:
                    level.append(IdPath((*nodes, nxt), (*hops, (edge, forward))))
                    explored += 1
                    if explored >= budget:
                        break
                continue
            if left == 0:
                continue
            nodes.append(nxt)
            hops.append((edge, forward))
            on_path.add(nxt)
            stack.append((nxt, 0))
        found.extend(level)
        if explored >= budget:
            result.truncated = True
            break
        if not all_paths and len(found) >= limit:
            break
    index.preload({n for p in found for n in p.nodes})
    found.sort(key=lambda p: _rank(index, a, p))
    result.found = len(found)
    result.truncated = result.truncated or len(found) > wanted
    result.paths = found[:wanted]
    return result


def _rank(index: Index, a: EdgeArrays, path: IdPath) -> tuple[int, float, int, int, int, tuple[str, ...]]:
    """:attr:`Path.rank_key`, from the index's arrays."""
    backward = sum(not forward for _, forward in path.hops)
    cancers = {a.cancer[e] for e, _ in path.hops if a.cancer[e] >= 0}
    evidence = sum(a.evidence[e] for e, _ in path.hops)
    belief = _product(support_of(a, e).belief for e, _ in path.hops)
    return (len(path.hops), -belief, backward, len(cancers), -evidence, tuple(index.iri(n) for n in path.nodes))


def support_of(a: EdgeArrays, edge: int) -> Support:
    """The support of one relation, from the index's arrays."""
    return Support(a.curated[edge], a.strong[edge], a.weak[edge], a.negative[edge])


def _product(values: Iterable[float]) -> float:
    out = 1.0
    for v in values:
        out *= v
    return round(out, 6)


def _allowed(a: EdgeArrays, edge: int, cancer: Collection[int] | None) -> bool:
    return cancer is None or a.cancer[edge] < 0 or a.cancer[edge] in cancer


def _steps(a: EdgeArrays, node: int, cancer: Collection[int] | None, undirected: bool) -> list[tuple[int, int, bool]]:
    """(next node, edge, forward) from ``node``: per next node, the best-supported edge (most
    belief, then most evidence, then forward, then the greater key, as in the ranking of paths)."""
    best: dict[int, tuple[float, int, bool, int]] = {}
    for i in range(a.out_start[node], a.out_start[node + 1]):
        edge, other = a.out_edges[i], a.out_ends[i]
        if other != node and _allowed(a, edge, cancer):
            _offer(best, other, (support_of(a, edge).belief, a.evidence[edge], True, edge))
    if undirected:
        for i in range(a.in_start[node], a.in_start[node + 1]):
            edge, other = a.in_edges[i], a.in_ends[i]
            if other != node and _allowed(a, edge, cancer):
                _offer(best, other, (support_of(a, edge).belief, a.evidence[edge], False, edge))
    return [(other, edge, forward) for other, (_, _, forward, edge) in sorted(best.items())]


def _offer(best: dict[int, tuple[float, int, bool, int]], other: int, candidate: tuple[float, int, bool, int]) -> None:
    seen = best.get(other)
    if seen is None or candidate > seen:
        best[other] = candidate


def _distances_to(a: EdgeArrays, target: int, max_hops: int, cancer: Collection[int] | None, undirected: bool) -> dict[int, int]:
    """How many hops every node within ``max_hops`` needs to reach ``target`` (a backward BFS)."""
    sides = [(a.in_start, a.in_edges, a.in_ends)] + ([(a.out_start, a.out_edges, a.out_ends)] if undirected else [])
    distance = {target: 0}
    frontier = {target}
    for d in range(1, max_hops + 1):
        frontier = {n for n in _expand(a, frontier, sides, cancer, None, None) if n not in distance}
        if not frontier:
            break
        distance.update(dict.fromkeys(frontier, d))
    return distance


def _expand(
    a: EdgeArrays,
    frontier: Iterable[int],
    sides: Sequence[tuple[Any, Any, Any]],
    cancer: Collection[int] | None,
    wanted: set[int] | None,
    used: set[int] | None,
) -> set[int]:
    """The nodes one relation away from ``frontier`` along ``sides`` ((start, edges, ends) of an
    adjacency), adding the relations crossed to ``used`` (unless None). Unfiltered, a node's
    neighbours are one slice of each adjacency: no Python loop over a hub's edges."""
    found: set[int] = set()
    if cancer is None and wanted is None:
        for node in frontier:
            for start, edges, ends in sides:
                low, high = start[node], start[node + 1]
                found.update(ends[low:high])
                if used is not None:
                    used.update(edges[low:high])
        return found
    for node in frontier:
        for start, edges, ends in sides:
            for i in range(start[node], start[node + 1]):
                edge = edges[i]
                if _allowed(a, edge, cancer) and (wanted is None or a.predicate[edge] in wanted):
                    found.add(ends[i])
                    if used is not None:
                        used.add(edge)
    return found


def no_path(index: Index, source: str, target: str, max_hops: int, cancer: str | None) -> NoPathError:
    where = f" in {index.label(cancer)}" if cancer else ""
    return NoPathError(
        f"no path from '{index.label(source)}' to '{index.label(target)}' within {max_hops} hops{where}; try a larger --max-hops, --undirected, or no --cancer"
    )


# --------------------------------------------------------------------------- neighbourhoods


@dataclass(frozen=True)
class Neighbourhood:
    """The entities within ``depth`` hops of a centre and the relations between them.

    ``distances`` and ``edges`` hold one page (at most ``limit`` of each, nearest and in key
    order); ``total_neighbours`` and ``total_edges`` count them all.
    """

    centre: str
    distances: dict[str, int]
    edges: tuple[Relation, ...]
    total_neighbours: int = 0
    total_edges: int = 0


@dataclass(frozen=True)
class IdNeighbourhood:
    distances: dict[int, int]  #: node id -> hops from the centre (the centre included, at 0)
    edges: set[int]  #: edge ids


def search_neighbourhood(
    index: Index,
    centre: int,
    *,
    depth: int = 1,
    cancer: Collection[int] | None = None,
    predicates: Iterable[int] | None = None,
) -> IdNeighbourhood:
    """Nodes joined to ``centre`` by at most ``depth`` relations (either direction), and the
    relations touching every node nearer than ``depth``."""
    if depth < 1:
        raise ValueError("depth must be at least 1")
    a = index.arrays
    wanted = set(predicates) if predicates is not None else None
    sides = ((a.out_start, a.out_edges, a.out_ends), (a.in_start, a.in_edges, a.in_ends))
    distances = {centre: 0}
    frontier = {centre}
    used: set[int] = set()
    for d in range(1, depth + 1):
        frontier = {n for n in _expand(a, frontier, sides, cancer, wanted, used) if n not in distances}
        distances.update(dict.fromkeys(frontier, d))
    return IdNeighbourhood(distances, used)


def predicate_iri(name: str, labels: dict[str, str] | None = None) -> str | None:
    """The IRI of a relation predicate given as local name, label, CURIE or IRI; None if unknown."""
    from exograph import ontology

    wanted = name.strip()
    for local in vocab.PREDICATES:
        iri = vocab.EXO + local
        label = (labels or {}).get(iri) or ontology.label(iri)
        if wanted in (local, iri, f"exo:{local}") or wanted.lower() in (local.lower(), label.lower()):
            return iri
    return None
