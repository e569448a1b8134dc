"""Walking the graph: ranked paths between two entities and the neighbourhood of one.

Both work on the index's integer adjacency (:class:`~exograph.index.Index`), so they stay fast at
millions of relations, and return edge ids; :class:`~exograph.kg.KnowledgeGraph` then reads the
few relations on the answer (context, evidence) from the store.

Paths are searched level by level (1 hop, then 2, ...) after one breadth-first search backwards
from the target has measured how far every node is from it: the forward search never steps onto
a node that cannot reach the target in the hops left, so it explores only what can become a path.
A generic entity (``exo:generic true``: microRNA, tumour cell, exosome...) is never an
intermediate node unless ``through_generic`` is given: a path through "microRNA" joins unrelated
studies. It may still be the source or the target. Hedged statements ("may", "might") are walked
unless ``hedged=False``.

The ranking, best first:

1. paths that stay within one cancer before *cross-cancer* paths, whose hops are stated for
   different cancers (a hop stating no cancer does not count); where two entities are joined by
   several relations, a hop takes one stated for the path's cancer when there is one;
2. fewer hops;
3. better-supported paths: the product of each hop's belief (:mod:`exograph.support`: curated and
   database evidence);
4. paths walked only forwards (fewer hops walked backwards);
5. fewer cancers stated (none before one);
6. more evidences;
7. the entities' IRIs (so the order is deterministic).

Without ``all_paths`` the search stops after the first level at which ``limit`` single-cancer paths
have been found (nothing longer can outrank them); cross-cancer paths found on the way are kept
and ranked after them. ``budget`` bounds the candidate paths enumerated in any case.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, SupportsIndex, overload

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

#: what paths are sorted by (:attr:`Path.rank_key`; the search's own ranking gives the same)
RankKey = tuple[int, int, float, int, int, int, tuple[str, ...]]
#: which relations a walk may cross (None: every one), given an edge id
Keep = Callable[[int], bool] | None


@dataclass(frozen=True)
class Hop:
    """One step of a path: the relation, walked forward (subject to object) or backward."""

    edge: Relation
    forward: bool = True
    support: Support = Support()


@dataclass(frozen=True)
class Path:
    """A path: the entities it visits and the hop between each pair; ``labels`` names the
    entities it mentions (its nodes, the entities of its hops' contexts), for display."""

    nodes: tuple[str, ...]
    hops: tuple[Hop, ...]
    labels: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)  #: IRI -> label (read-only)

    @property
    def evidence_count(self) -> int:
        return sum(len(h.edge.evidences) for h in self.hops)

    @property
    def belief(self) -> float:
        """How well the whole path is supported: the product of its hops' beliefs."""
        return _product(h.support.belief for h in self.hops)

    @property
    def cancers(self) -> tuple[str, ...]:
        """The cancers the hops state, in the order the path meets them (hops stating none aside)."""
        return tuple(dict.fromkeys(h.edge.context.cancer for h in self.hops if h.edge.context.cancer))

    @property
    def cross_cancer(self) -> bool:
        """Whether the hops are stated for different cancers (a finding in one joined to a finding in another)."""
        return len(self.cancers) > 1

    @property
    def rank_key(self) -> RankKey:
        """Single-cancer first; then fewer hops, more belief, fewer backward hops, fewer cancers, more evidence; then by IRI (see the module)."""
        backward = sum(not h.forward for h in self.hops)
        return (int(self.cross_cancer), len(self.hops), -self.belief, backward, len(self.cancers), -self.evidence_count, self.nodes)

    def _repr_html_(self) -> str:
        """The path as Jupyter shows it: its hops with context, support and evidence."""
        from exograph.display import path_html

        return path_html(self)


class Paths(list[Path]):
    """Ranked paths; ``truncated`` when more paths exist than were returned, ``found`` how many
    candidate paths the search enumerated (at least that many exist). A slice is Paths too
    (``truncated`` when it leaves paths out)."""

    truncated: bool = False
    found: int = 0

    @overload
    def __getitem__(self, i: SupportsIndex) -> Path: ...

    @overload
    def __getitem__(self, i: slice) -> Paths: ...

    def __getitem__(self, i: SupportsIndex | slice) -> Path | Paths:
        if not isinstance(i, slice):
            return super().__getitem__(i)
        part = Paths(super().__getitem__(i))
        part.truncated = self.truncated or len(part) < len(self)
        part.found = self.found
        return part

    def _repr_html_(self) -> str:
        """The paths as Jupyter shows them, best first, each with its hops."""
        from exograph.display import paths_html

        return paths_html(self, truncated=self.truncated, found=self.found)


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
    #: when no path was found: generic nodes a path could have walked through (with ``through_generic``), nearest first
    generic: list[int] = field(default_factory=list)
    #: when no path was found with ``hedged=False``: whether a walk through hedged statements joins the two
    hedged: bool = False


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
    through_generic: bool = False,
    hedged: bool = True,
) -> Search:
    """Ranked id paths from ``source`` to ``target`` of at most ``max_hops`` hops (see the module)."""
    if max_hops < 1:
        raise ValueError("max_hops must be at least 1")
    a = index.arrays
    wanted = (PATH_CAP if cap is None else cap) if all_paths else limit
    result = Search()
    if source == target:
        return result
    keep = edge_filter(index, cancer, hedged)
    avoid = frozenset() if through_generic else index.generic - {source, target}
    backwards = _sides(a, forward=False, undirected=undirected)
    distance = _distances(a, target, max_hops, keep, backwards, avoid)
    if source not in distance:
        if avoid:
            result.generic = _generic_between(index, source, target, max_hops, keep, undirected, avoid)
        if not hedged and not result.generic and index.hedged_count:
            result.hedged = source in _distances(a, target, max_hops, edge_filter(index, cancer), backwards, avoid)
        return result
    steps: dict[int, list[tuple[int, int, int, bool]]] = {}
    parallel: dict[tuple[int, int], list[tuple[int, bool]]] = {}  #: (node, next node) -> every edge joining them, where there are several
    by_cancer: dict[tuple[int, int], _ByCancer] = {}
    found: list[IdPath] = []
    single = 0  #: paths found that stay within one cancer
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
                options = steps[node] = _steps(a, node, keep, undirected, parallel, distance, avoid)
            left = length - len(hops) - 1
            if i >= len(options) or options[i][0] > left:  # the steps left are all too far from the target
                stack.pop()
                if hops:
                    hops.pop()
                    on_path.discard(nodes.pop())
                continue
            stack[-1] = (node, i + 1)
            _, nxt, edge, forward = options[i]
            if nxt in on_path:
                continue
            if nxt == target:
                if left == 0:
                    path = IdPath((*nodes, nxt), (*hops, (edge, forward)))
                    if _mixes_cancers(a, path.hops):
                        path = _within_one_cancer(a, path, parallel, by_cancer)
                        single += not _mixes_cancers(a, path.hops)
                    else:
                        single += 1
                    level.append(path)
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
        if not all_paths and single >= limit:
            break
    result.found = len(found)
    result.truncated = result.truncated or len(found) > wanted
    result.paths = _best(index, a, found, wanted)
    return result


def _best(index: Index, a: EdgeArrays, found: list[IdPath], wanted: int) -> list[IdPath]:
    """The ``wanted`` best of ``found``, in the order of :attr:`Path.rank_key`. Its last part (the
    entities' IRIs, read from the index) is asked only of the paths that tie on the rest with one
    of the best: a hub pair finds thousands of paths of which five are shown."""
    keys = [(_rank(a, p), n) for n, p in enumerate(found)]
    if len(keys) > wanted:
        cut = heapq.nsmallest(wanted, keys)[-1][0]
        keys = [k for k in keys if k[0] <= cut]
    index.preload({node for _, n in keys for node in found[n].nodes})
    keys.sort(key=lambda k: (k[0], tuple(index.iri(node) for node in found[k[1]].nodes)))
    return [found[n] for _, n in keys[:wanted]]


def _rank(a: EdgeArrays, path: IdPath) -> tuple[int, int, float, int, int, int]:
    """:attr:`Path.rank_key` but its last part (the IRIs), from the index's arrays."""
    backward = sum(not forward for _, forward in path.hops)
    cancers = {a.cancer[e] for e, _ in path.hops if a.cancer[e] >= 0}
    evidence = sum(a.evidence[e] for e, _ in path.hops)
    belief = _product(belief_of(a, e) for e, _ in path.hops)
    return (int(len(cancers) > 1), len(path.hops), -belief, backward, len(cancers), -evidence)


def _mixes_cancers(a: EdgeArrays, hops: Iterable[tuple[int, bool]]) -> bool:
    return len({a.cancer[e] for e, _ in hops if a.cancer[e] >= 0}) > 1


#: per cancer (node id, -1 for none), the best relation joining two entities: (belief, evidences, forward, edge)
_ByCancer = dict[int, tuple[float, int, bool, int]]


def _within_one_cancer(a: EdgeArrays, path: IdPath, parallel: dict[tuple[int, int], list[tuple[int, bool]]], best: dict[tuple[int, int], _ByCancer]) -> IdPath:
    """``path`` (whose hops mix cancers) itself, or, when some pair of its entities is joined by
    several relations, the same entities joined by relations of one cancer (the best supported
    such choice), when there is one. ``best`` caches each pair's best relation per cancer."""
    pairs = list(zip(path.nodes[:-1], path.nodes[1:], strict=True))
    if not any(pair in parallel for pair in pairs):
        return path
    choices = []
    for pair, hop in zip(pairs, path.hops, strict=True):
        found = best.get(pair)
        if found is None:
            found = best[pair] = _best_by_cancer(a, parallel.get(pair, [hop]))
        choices.append(found)
    chosen: tuple[tuple[float, int, int], tuple[tuple[int, bool], ...]] | None = None
    for c in sorted({c for by_cancer in choices for c in by_cancer if c >= 0}):
        picked = []
        for by_cancer in choices:
            fitting = [key for key in (by_cancer.get(c), by_cancer.get(-1)) if key is not None]
            if not fitting:
                break
            _, _, forward, edge = max(fitting)
            picked.append((edge, forward))
        else:
            score = (_product(belief_of(a, e) for e, _ in picked), sum(a.evidence[e] for e, _ in picked), -c)
            if chosen is None or score > chosen[0]:
                chosen = (score, tuple(picked))
    return IdPath(path.nodes, chosen[1]) if chosen is not None else path


def _best_by_cancer(a: EdgeArrays, options: Iterable[tuple[int, bool]]) -> _ByCancer:
    out: _ByCancer = {}
    for edge, forward in options:
        key = (*supported(a, edge), forward, edge)
        c = a.cancer[edge]
        if c not in out or key > out[c]:
            out[c] = key
    return out


def support_of(a: EdgeArrays, edge: int) -> Support:
    """The support of one relation, from the index's arrays."""
    return Support(a.curated[edge], a.strong[edge], a.weak[edge], a.negative[edge])


def supported(a: EdgeArrays, edge: int) -> tuple[float, int]:
    """How well a relation is supported, to compare with another's: its belief, then its evidences."""
    return belief_of(a, edge), a.evidence[edge]


def belief_of(a: EdgeArrays, edge: int) -> float:
    """``support_of(a, edge).belief``, computed once for each count of references."""
    return _belief(a.curated[edge], a.strong[edge], a.weak[edge])


@lru_cache(maxsize=4096)
def _belief(curated: int, strong: int, weak: int) -> float:
    return Support(curated, strong, weak).belief


def _product(values: Iterable[float]) -> float:
    out = 1.0
    for v in values:
        out *= v
    return round(out, 6)


def edge_filter(index: Index, cancer: Collection[int] | None, hedged: bool = True) -> Keep:
    """Whether a walk may cross an edge: stated for one of ``cancer`` (or for none), and not hedged
    unless ``hedged``; None when every edge may be crossed (the fast paths need no test)."""
    a = index.arrays
    cancers, hedges = a.cancer, a.hedged
    skip_hedged = not hedged and index.hedged_count > 0
    if cancer is None:
        return (lambda e: not hedges[e]) if skip_hedged else None
    if skip_hedged:
        return lambda e: not hedges[e] and (cancers[e] < 0 or cancers[e] in cancer)
    return lambda e: cancers[e] < 0 or cancers[e] in cancer


def _steps(
    a: EdgeArrays,
    node: int,
    keep: Keep,
    undirected: bool,
    parallel: dict[tuple[int, int], list[tuple[int, bool]]],
    distance: Mapping[int, int],
    avoid: Collection[int],
) -> list[tuple[int, int, int, bool]]:
    """(hops from the next node to the target, next node, edge, forward) from ``node``, nearest
    the target first: per next node that can reach the target (in ``distance``) and is not to be
    walked through (``avoid``), the best-supported edge (most belief, then most evidence, then
    forward, then the greater key, as in the ranking of paths). Every edge to a next node joined by
    several goes to ``parallel``. (Support is weighed only where a next node is joined by several:
    a hub has thousands of edges, most to a node of their own.)"""
    best: dict[int, tuple[int, bool]] = {}
    for (start, edges, ends), forward in zip(_sides(a, forward=True, undirected=undirected), (True, False), strict=False):
        for i in range(start[node], start[node + 1]):
            edge, other = edges[i], ends[i]
            if other != node and other in distance and (keep is None or keep(edge)) and other not in avoid:
                seen = best.get(other)
                best[other] = (edge, forward) if seen is None else _joined(a, parallel, (node, other), seen, (edge, forward))
    return sorted([(distance[other], other, edge, forward) for other, (edge, forward) in best.items()])


def _joined(
    a: EdgeArrays, parallel: dict[tuple[int, int], list[tuple[int, bool]]], pair: tuple[int, int], seen: tuple[int, bool], hop: tuple[int, bool]
) -> tuple[int, bool]:
    """Record that ``pair`` is joined by ``hop`` as well as by ``seen`` (the best so far); the better of the two."""
    joined = parallel.get(pair)
    if joined is None:
        joined = parallel[pair] = [seen]
    joined.append(hop)
    return max(seen, hop, key=lambda h: (*supported(a, h[0]), h[1], h[0]))


def _sides(a: EdgeArrays, *, forward: bool, undirected: bool) -> list[tuple[Any, Any, Any]]:
    """The adjacency a search walks: (start, edges, ends) of the relations leaving a node (forward)
    or entering it, and of the other direction too when undirected."""
    out, into = (a.out_start, a.out_edges, a.out_ends), (a.in_start, a.in_edges, a.in_ends)
    first, second = (out, into) if forward else (into, out)
    return [first, second] if undirected else [first]


def _distances(a: EdgeArrays, start: int, max_hops: int, keep: Keep, sides: Sequence[tuple[Any, Any, Any]], stop: Collection[int]) -> dict[int, int]:
    """How many hops every node within ``max_hops`` is from ``start`` along ``sides`` (a BFS); the
    nodes in ``stop`` are reached but never walked through."""
    distance = {start: 0}
    frontier = {start}
    for d in range(1, max_hops + 1):
        frontier = {n for n in _expand(a, frontier, sides, keep, None, None) if n not in distance}
        if not frontier:
            break
        distance.update(dict.fromkeys(frontier, d))
        if stop:
            frontier.difference_update(stop)
    return distance


def _generic_between(index: Index, source: int, target: int, max_hops: int, keep: Keep, undirected: bool, avoid: frozenset[int]) -> list[int]:
    """The generic nodes a walk from ``source`` to ``target`` within ``max_hops`` could pass
    through (what ``through_generic`` would open), nearest first, then by label."""
    a = index.arrays
    to_target = _distances(a, target, max_hops, keep, _sides(a, forward=False, undirected=undirected), ())
    if source not in to_target:
        return []
    from_source = _distances(a, source, max_hops, keep, _sides(a, forward=True, undirected=undirected), ())
    found = [(from_source[g] + to_target[g], g) for g in avoid if g in from_source and g in to_target and from_source[g] + to_target[g] <= max_hops]
    index.preload(g for _, g in found)
    return [g for _, g in sorted(found, key=lambda x: (x[0], index.label(index.iri(x[1])).lower(), x[1]))]


def _expand(
    a: EdgeArrays,
    frontier: Iterable[int],
    sides: Sequence[tuple[Any, Any, Any]],
    keep: Keep,
    wanted: set[int] | None,
    used: set[int] | None,
) -> set[int]:
    """The nodes one relation away from ``frontier`` along ``sides`` ((start, edges, ends) of an
    adjacency), adding the relations crossed to ``used`` (unless None). Unfiltered, a node's
    neighbours are one slice of each adjacency: no Python loop over a hub's edges."""
    found: set[int] = set()
    if keep is None and wanted is None:
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
                if (keep is None or keep(edge)) and (wanted is None or a.predicate[edge] in wanted):
                    found.add(ends[i])
                    if used is not None:
                        used.add(edge)
    return found


def no_path(index: Index, source: str, target: str, max_hops: int, cancer: str | None, generic: Sequence[str] = (), *, hedged: bool = True) -> NoPathError:
    """The error of no path; ``generic`` names the generic entities a path could have walked
    through, ``hedged=False`` says hedged statements were left out."""
    where = f" in {index.label(cancer)}" if cancer else ""
    ends = f"no path from '{index.label(source)}' to '{index.label(target)}' within {max_hops} hops{where}"
    if generic:
        shown = ", ".join(f"'{index.label(g)}'" for g in generic[:3]) + (f" and {len(generic) - 3} more" if len(generic) > 3 else "")
        return NoPathError(
            f"{ends} but through generic entities ({shown}); give --through-generic to walk through them",
            f"{ends} but through generic entities ({shown}); tick 'through generic entities' to walk through them",
        )
    if not hedged:
        return NoPathError(
            f"{ends} without hedged statements; try without --no-hedged, a larger --max-hops, --undirected, or no --cancer",
            f"{ends} without hedged statements; untick 'leave out hedged statements', or allow more hops or no cancer",
        )
    return NoPathError(f"{ends}; try a larger --max-hops, --undirected, or no --cancer", f"{ends}; allow more hops (up to 8), or give no cancer")


# --------------------------------------------------------------------------- neighbourhoods


@dataclass(frozen=True)
class RoleRelation:
    """A relation an entity takes part in through its context (it may be its subject or object
    too: a biomarker for breast cancer stated for breast cancer): the relation, and the roles
    (cancer, donor, recipient, biofluid, site) in which its context names the entity."""

    roles: tuple[str, ...]
    edge: Relation


@dataclass(frozen=True)
class Neighbourhood:
    """The entities within ``depth`` hops of a centre and the relations between them, and the
    relations whose context names the centre (its roles).

    ``distances``, ``edges`` and ``roles`` hold one page (at most ``limit`` of each, nearest and
    in key order); ``total_neighbours``, ``total_edges`` and ``total_roles`` count them all, and
    ``role_counts`` counts the relations by role (a relation naming the centre in two roles counts
    in both).
    """

    centre: str
    distances: dict[str, int]
    edges: tuple[Relation, ...]
    total_neighbours: int = 0
    total_edges: int = 0
    roles: tuple[RoleRelation, ...] = ()
    total_roles: int = 0
    role_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class IdNeighbourhood:
    distances: dict[int, int]  #: node id -> hops from the centre (the centre included, at 0)
    edges: set[int]  #: edge ids
    roles: dict[int, list[int]] = field(default_factory=dict)  #: edge id -> the roles (numbers into index.ROLES) the centre takes in it


def search_neighbourhood(
    index: Index,
    centre: int,
    *,
    depth: int = 1,
    cancer: Collection[int] | None = None,
    predicates: Iterable[int] | None = None,
    hedged: bool = True,
    through_generic: bool = True,
) -> IdNeighbourhood:
    """Nodes joined to ``centre`` by at most ``depth`` relations (either direction), the relations
    touching every node nearer than ``depth``, and the relations whose context names ``centre``
    (the same filters apply to all of them). Without ``through_generic``, a generic entity other
    than ``centre`` is reached but not walked through, as in a path: what only "exosome" joins to
    the centre's neighbours is not its neighbourhood."""
    if depth < 1:
        raise ValueError("depth must be at least 1")
    a = index.arrays
    keep = edge_filter(index, cancer, hedged)
    wanted = set(predicates) if predicates is not None else None
    sides = _sides(a, forward=True, undirected=True)
    avoid = frozenset() if through_generic else index.generic - {centre}
    distances = {centre: 0}
    frontier = {centre}
    used: set[int] = set()
    for d in range(1, depth + 1):
        frontier = {n for n in _expand(a, frontier - avoid, sides, keep, wanted, used) if n not in distances}
        distances.update(dict.fromkeys(frontier, d))
    roles: dict[int, list[int]] = {}
    for i in range(a.role_start[centre], a.role_start[centre + 1]):
        edge = a.role_edges[i]
        if (keep is None or keep(edge)) and (wanted is None or a.predicate[edge] in wanted):
            roles.setdefault(edge, []).append(a.role_kinds[i])
    return IdNeighbourhood(distances, used, roles)


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
