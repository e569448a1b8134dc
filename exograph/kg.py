"""The Python API: ``kg = exograph.load()`` and what a researcher asks of it.

A :class:`KnowledgeGraph` sits on a :class:`~exograph.store.Store` (Oxigraph by default: the
packaged graph or your files in memory, or an on-disk store) and its
:class:`~exograph.index.Index` (entities, names and the relation adjacency, derived from the store).
Resolution, paths and neighbourhoods run on the index; the relations they return, with context
and evidence, are read from the store with a few queries.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exograph import resources, vocab
from exograph.errors import ExographError, NothingToDrawError, UnknownPredicateError

if TYPE_CHECKING:  # (imported where used: a query or stats command needs none of them)
    import networkx as nx

    from exograph.evidence import Link
    from exograph.index import Index
    from exograph.model import Entity, Relation
    from exograph.paths import IdNeighbourhood, Neighbourhood, Paths, RoleRelation
    from exograph.paths import Path as GraphPath
    from exograph.resolve import Match
    from exograph.store import QueryResult, Store


NEIGHBOURS_LIMIT = 200  #: neighbours (and relations) listed when no limit is given: ``exograph neighbors`` and /api/neighbors


def load(
    paths: Iterable[str | os.PathLike[str]] | None = None,
    *,
    store: str | os.PathLike[str] | None = None,
    ontology: bool = True,
    endpoint: str | None = None,
    endpoint_graph: str | None = None,
) -> KnowledgeGraph:
    """The packaged graph, or the RDF files in ``paths`` instead (in memory, with the exograph
    ontology unless ``ontology=False``), or the on-disk store ``store`` (opened read-only), or the
    remote SPARQL endpoint ``endpoint`` (read-only; the data in its default graph, or in the named
    graph ``endpoint_graph``; credentials from ``$EXOGRAPH_ENDPOINT_USER`` / ``..._PASSWORD``).

    Examples
    --------
    >>> kg = load()
    >>> kg.resolve("miR-21")[0].label
    'miRNA-21'
    """
    from exograph.store.oxigraph import OxigraphStore

    if endpoint is not None:
        if paths or store is not None:
            raise ExographError("give RDF files, a store or an endpoint, not several: put the files on the endpoint's server, or drop --endpoint")
        from exograph.store.endpoint import EndpointStore

        return KnowledgeGraph(EndpointStore.from_environment(endpoint, graph=endpoint_graph))
    if store is not None:
        if paths:
            raise ExographError("give RDF files or a store, not both: load the files into the store with 'exograph load FILE... --store DIR'")
        return KnowledgeGraph(OxigraphStore.open(Path(store)))
    sources = [Path(p) for p in paths] if paths else [resources.packaged_triples()]
    if ontology:
        sources.append(resources.ontology_file())
    return KnowledgeGraph(OxigraphStore.memory(sources))


class KnowledgeGraph:
    """An exograph knowledge graph: a store and the index derived from it."""

    def __init__(self, store: Store, *, index: Index | None = None) -> None:
        self.store = store
        if index is not None:
            self.__dict__["index"] = index

    @cached_property
    def index(self) -> Index:
        """Entities, names and adjacency: kept with an on-disk store, built for one in memory."""
        from exograph.index import Index

        return Index.for_store(self.store)

    # ------------------------------------------------------------------ entities

    def resolve(self, name: str, limit: int = 10) -> list[Match]:
        """Entities ``name`` may mean, best first (empty when none)."""
        from exograph.resolve import resolve

        return resolve(self.index, name, limit)

    def entity(self, name: str) -> Entity:
        """The entity ``name`` means; raises UnknownEntityError with suggestions."""
        from exograph.resolve import best

        return best(self.index, name)

    def suggest(self, name: str) -> list[str]:
        from exograph.resolve import suggest

        return suggest(self.index, name)

    # ------------------------------------------------------------------ relations

    def relations(self, keys: Iterable[str] | None = None) -> list[Relation]:
        """The relations with these keys (statement IRIs), in key order; all of them without keys."""
        from exograph.graph import read_relations

        if keys is None:  # edge ids are in key order
            return self._relations_of(list(range(self.index.edge_count)))
        found = read_relations(self.store, keys)
        return [found[k] for k in sorted(found)]

    def neighbors(
        self,
        name: str,
        *,
        depth: int = 1,
        predicate: str | None = None,
        cancer: str | None = None,
        limit: int | None = None,
        hedged: bool = True,
        offset: int = 0,
    ) -> Neighbourhood:
        """Entities within ``depth`` relations of ``name`` (either direction), and the relations
        whose context names it (as cancer, donor, recipient, biofluid or site: its roles); with
        ``limit``, the nearest ``limit`` entities, the first ``limit`` relations and the first
        ``limit`` role relations (the totals are counted). ``hedged=False`` leaves out hedged
        statements. With ``offset``, the relations (and role relations) from that place on: the
        next page of a hub's."""
        from collections import Counter

        from exograph.paths import Neighbourhood, RoleRelation

        index = self.index
        roles_by_number = index.roles
        centre, found = self._neighbourhood(name, depth=depth, predicate=predicate, cancer=cancer, hedged=hedged)
        total = len(found.distances) - 1
        if limit is None:  # everything, in order
            page = sorted((d, n) for n, d in found.distances.items() if d > 0)
            edges = sorted(found.edges)[offset:]
            role_edges = sorted(found.roles)[offset:]
        else:  # the first page only: no need to sort a hub's whole neighbourhood
            page = heapq.nsmallest(limit, ((d, n) for n, d in found.distances.items() if d > 0))
            edges = heapq.nsmallest(offset + limit, found.edges)[offset:]  # a page of the relations further on
            role_edges = heapq.nsmallest(offset + limit, found.roles)[offset:]
        index.preload([n for _, n in page])
        wanted = sorted(set(edges) | set(role_edges))
        by_edge = dict(zip(wanted, self._relations_of(wanted), strict=True))
        distances = {centre: 0} | {index.iri(n): d for d, n in page}
        roles = tuple(RoleRelation(tuple(roles_by_number[r] for r in sorted(found.roles[e])), by_edge[e]) for e in role_edges)
        counts = Counter(roles_by_number[r] for kinds in found.roles.values() for r in set(kinds))
        return Neighbourhood(
            centre,
            distances,
            tuple(by_edge[e] for e in edges),
            total,
            len(found.edges),
            roles,
            len(found.roles),
            {role: counts[role] for role in roles_by_number if counts[role]},
        )

    def _neighbourhood(
        self, name: str, *, depth: int, predicate: str | None = None, cancer: str | None = None, hedged: bool = True, through_generic: bool = True
    ) -> tuple[str, IdNeighbourhood]:
        """The entity ``name`` means and its neighbourhood over the index (ids, unpaged)."""
        from exograph.paths import search_neighbourhood

        index = self.index
        centre = self.entity(name).id
        predicates = None
        if predicate:
            number = index.predicate_number(self._predicate(predicate))
            predicates = [number] if number is not None else []
        found = search_neighbourhood(
            index, _node(index, centre), depth=depth, cancer=self._cancer_node(cancer), predicates=predicates, hedged=hedged, through_generic=through_generic
        )
        return centre, found

    def paths(
        self,
        source: str,
        target: str,
        *,
        max_hops: int = 4,
        cancer: str | None = None,
        all_paths: bool = False,
        limit: int = 5,
        undirected: bool = False,
        through_generic: bool = False,
        hedged: bool = True,
    ) -> Paths:
        """Ranked paths from ``source`` to ``target``; raises NoPathError when there is none.
        The answer's ``truncated`` says whether more paths exist than it holds. A generic entity
        (microRNA, tumour cell...) is never an intermediate node unless ``through_generic``;
        ``hedged=False`` leaves out hedged statements. Paths whose hops are stated for different
        cancers (``Path.cross_cancer``) rank after those that stay within one."""
        from exograph.paths import Hop, Paths, no_path, search_paths, support_of
        from exograph.paths import Path as GraphPath

        index = self.index
        start, end = self.entity(source).id, self.entity(target).id
        cancer_iri = self._cancer(cancer)
        search = search_paths(
            index,
            _node(index, start),
            _node(index, end),
            max_hops=max_hops,
            cancer=self._cancer_node(cancer),
            all_paths=all_paths,
            limit=limit,
            undirected=undirected,
            through_generic=through_generic,
            hedged=hedged,
        )
        if not search.paths:
            raise no_path(index, start, end, max_hops, cancer_iri, [index.iri(n) for n in search.generic], hedged=not search.hedged)
        edges = sorted({e for p in search.paths for e, _ in p.hops})
        by_edge = dict(zip(edges, self._relations_of(edges), strict=True))
        index.preload({n for p in search.paths for n in p.nodes})
        a = index.arrays
        labels = _labels(index, [index.iri(n) for p in search.paths for n in p.nodes], by_edge.values())  # one mapping the paths share
        found = Paths(
            GraphPath(tuple(index.iri(n) for n in p.nodes), tuple(Hop(by_edge[e], forward, support_of(a, e)) for e, forward in p.hops), labels)
            for p in search.paths
        )
        found.truncated, found.found = search.truncated, search.found
        return found

    def _relations_of(self, edges: Sequence[int]) -> list[Relation]:
        """The relations of these edge ids, in the same order."""
        from exograph.graph import read_relations
        from exograph.model import Relation

        index = self.index
        keys = index.edge_keys(edges)
        found = read_relations(self.store, keys.values())
        out = []
        for e in edges:
            relation = found.get(keys[e])
            if relation is None:  # a statement the store cannot be asked about (a blank node): its claim alone
                a = index.arrays
                relation = Relation(index.iri(a.subject[e]), index.predicates[a.predicate[e]], index.iri(a.object[e]), key=keys[e])
            out.append(relation)
        return out

    def evidence(self, a: str, b: str) -> list[Link]:
        """Everything that links ``a`` and ``b`` (each with its subtypes), either way: curated
        statements and imported database records, strongest first."""
        from exograph.evidence import read_links

        index = self.index
        ends = []
        for name in (a, b):
            iri = self.entity(name).id
            ends.append({iri} | {index.iri(n) for n in index.descendants(_node(index, iri))})
        return read_links(self.store, ends[0], ends[1], curated_support=index.support)

    # ------------------------------------------------------------------ SPARQL and exports

    def sparql(self, query: str, *, timeout: float | None = None) -> QueryResult:
        """Run a read-only SPARQL query (the exograph prefixes are declared for you); with
        ``timeout`` (seconds) it runs in a child process that is ended if it takes longer."""
        from exograph.query import run_query

        return run_query(self.store, query, timeout=timeout)

    def to_networkx(self) -> nx.MultiDiGraph:
        """Entities as nodes, one keyed edge per relation, attributes as plain values."""
        from exograph.graph import to_networkx

        return to_networkx(self.index.entities(), self.relations())

    def subgraph(
        self,
        *,
        focus: str | None = None,
        depth: int = 1,
        path: tuple[str, str] | None = None,
        max_hops: int = 4,
        cancer: str | None = None,
        limit: int | None = None,
        through_generic: bool = False,
        hedged: bool = True,
    ) -> Drawing:
        """What a drawing shows: the relations around ``focus`` and those whose context names it
        (at most ``limit`` in all, in statement order) and/or on the paths between ``path``'s two
        entities, and those paths; without either, every relation, or the ``limit`` best supported
        (most belief, then most evidence) of a graph that has more. The paths do not walk through
        a generic entity unless ``through_generic``; the neighbourhood does (the page hides what
        lies behind one at first), but when ``limit`` cuts it, what the focus reaches without
        walking through one is kept first. Raises NothingToDrawError when ``focus`` takes part in
        no relation the filters keep."""
        from exograph.paths import RoleRelation

        highlight: list[GraphPath] = []
        chosen: dict[str, Relation] = {}
        total = 0
        roles: list[RoleRelation] = []
        centre = None
        if path is not None:
            highlight = list(self.paths(path[0], path[1], max_hops=max_hops, cancer=cancer, through_generic=through_generic, hedged=hedged))
            chosen.update((h.edge.key, h.edge) for p in highlight for h in p.hops)
        if focus is not None:
            centre, found = self._neighbourhood(focus, depth=depth, cancer=cancer, hedged=hedged)
            every = found.edges | found.roles.keys()
            if not every and not chosen:
                raise NothingToDrawError(
                    f"nothing to draw around '{self.index.label(centre)}': it is not the subject, object or context of any relation"
                    + (" the filters keep" if cancer is not None or not hedged else "")
                )
            if limit is None or len(every) <= limit:
                page = sorted(every)
            else:  # what the focus reaches without walking through a generic entity comes first, then the rest
                near = self._neighbourhood(focus, depth=depth, cancer=cancer, hedged=hedged, through_generic=through_generic)[1]
                first = near.edges | near.roles.keys()
                page = sorted(heapq.nsmallest(limit, every, key=lambda e: (e not in first, e)))
            relations = self._relations_of(page)
            chosen.update((r.key, r) for r in relations)
            names = self.index.roles
            roles = [RoleRelation(tuple(names[k] for k in sorted(found.roles[e])), r) for e, r in zip(page, relations, strict=True) if e in found.roles]
            total = len(every)
        if focus is None and path is None:
            count = self.index.edge_count
            if limit is None or count <= limit:
                everything = self.relations()
                return Drawing(everything, [], len(everything))
            return Drawing(self._relations_of(_best_supported(self.index, limit)), [], count)
        return Drawing([chosen[k] for k in sorted(chosen)], highlight, max(total, len(chosen)), centre, tuple(roles))

    def to_html(
        self,
        *,
        focus: str | None = None,
        depth: int = 1,
        path: tuple[str, str] | None = None,
        max_hops: int = 4,
        title: str = "exograph",
        limit: int | None = None,
        through_generic: bool = False,
        hedged: bool = True,
    ) -> str:
        """A self-contained interactive HTML page of the graph, a neighbourhood (at most ``limit``
        of its relations, in statement order; the relations whose context names the focus are
        drawn too, joined to it by dashed links), or a path."""
        from exograph.viz import render_html

        drawing = self.subgraph(focus=focus, depth=depth, path=path, max_hops=max_hops, limit=limit, through_generic=through_generic, hedged=hedged)
        return render_html(self.index, drawing.edges, highlight=drawing.highlight, title=title, focus=drawing.focus, roles=drawing.roles)

    def stats(self) -> dict[str, Any]:
        """Counts: triples, entities by type, relations by predicate, evidences, references."""
        return self.index.stats

    def __repr__(self) -> str:
        return f"KnowledgeGraph({self.store!r})"

    def _repr_html_(self) -> str:
        """The graph as Jupyter shows it: a card with its source and counts (:func:`exograph.display.graph_card`)."""
        from exograph.display import graph_card

        return graph_card(self)

    # ------------------------------------------------------------------ helpers

    def _predicate(self, name: str) -> str:
        from exograph.paths import predicate_iri

        iri = predicate_iri(name, self.index.predicate_labels)
        if iri is None:
            raise UnknownPredicateError(f"unknown predicate '{name}'; use one of: {', '.join(vocab.PREDICATES)}")
        return iri

    def _cancer(self, name: str | None) -> str | None:
        if name is None:
            return None
        entity = self.entity(name)
        if entity.type != "CancerType":
            raise ExographError(f"'{name}' is a {entity.type}, not a cancer type; give a cancer such as 'ovarian cancer'")
        return entity.id

    def _cancer_node(self, name: str | None) -> frozenset[int] | None:
        """The cancer ``name`` and every subtype of it (skos:broader), as node ids."""
        iri = self._cancer(name)
        if iri is None:
            return None
        node = _node(self.index, iri)
        return frozenset({node} | self.index.descendants(node))

    def subtypes(self, name: str) -> list[Entity]:
        """Every entity below ``name`` along skos:broader (the subtypes of a cancer, the mature
        forms of a microRNA...), by label; what ``--cancer`` widens to."""
        index = self.index
        node = _node(index, self.entity(name).id)
        found = [index.entity_of(n) for n in index.descendants(node)]
        return sorted(found, key=lambda e: (e.label.lower(), e.id))


@dataclass(frozen=True)
class Drawing:
    """What a drawing shows: relations, the paths to highlight, how many relations there were to
    draw (more than ``edges`` when a limit cut them), and the focus with its context roles."""

    edges: list[Relation]
    highlight: list[GraphPath]
    total: int
    focus: str | None = None  #: the IRI of the entity the drawing is around
    roles: tuple[RoleRelation, ...] = ()  #: the relations drawn whose context names the focus, with its roles in them


def _best_supported(index: Index, limit: int) -> list[int]:
    """The ``limit`` best-supported relations (most belief, then most evidence), in edge order: what
    a drawing of a graph too large to draw whole shows of it."""
    from exograph.paths import supported

    a = index.arrays
    return sorted(heapq.nlargest(limit, range(index.edge_count), key=lambda e: (*supported(a, e), -e)))


def _labels(index: Index, nodes: Iterable[str], relations: Iterable[Relation]) -> dict[str, str]:
    """The labels of ``nodes`` and of the entities the contexts of ``relations`` name."""
    wanted = dict.fromkeys(nodes)
    for r in relations:
        wanted.update(dict.fromkeys((r.subject, r.object)))
        for spec in vocab.CONTEXT_ROLES:
            value = getattr(r.context, spec.name)
            wanted.update(dict.fromkeys(value if spec.many else [value] if value else []))
    return {iri: index.label(iri) for iri in wanted}


def _node(index: Index, iri: str) -> int:
    node = index.node_id(iri)
    assert node is not None, iri  # resolved names are nodes of the index
    return node
