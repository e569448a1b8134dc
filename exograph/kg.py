"""The Python API: ``kg = exograph.load()`` and what a researcher asks of it.

A :class:`KnowledgeGraph` sits on a :class:`~exograph.store.Store`. Paths, neighbours, resolution
and HTML work on a :class:`~exograph.graph.Projection` of it. Both the projection and the parsed
graph are cached on disk between runs (keyed by the source files' paths, sizes and modification
times) so a command starts quickly.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from exograph import resources, vocab
from exograph.errors import ExographError, UnknownPredicateError
from exograph.graph import Edge, Projection, project
from exograph.model import Entity
from exograph.paths import Neighbourhood, find_paths, neighbourhood, predicate_iri
from exograph.paths import Path as GraphPath
from exograph.resolve import Match, NameIndex

if TYPE_CHECKING:
    import networkx as nx
    from rdflib.query import Result

    from exograph.store import Store

#: bump when the pickled projection's shape changes
_CACHE_VERSION = "3"

_T = TypeVar("_T")


def load(paths: Iterable[str | Path] | None = None, *, cache: bool = True, ontology: bool = True) -> KnowledgeGraph:
    """The packaged graph, or the RDF files in ``paths`` instead, with the exograph ontology.

    The ontology is loaded beside the data (unless ``ontology=False``) so that SPARQL can use
    class hierarchies and the labels of predicates.

    Examples
    --------
    >>> kg = load()
    >>> kg.resolve("miR-21")[0].label
    'miRNA-21'
    """
    sources = [Path(p) for p in paths] if paths else [resources.packaged_triples()]
    if ontology:
        sources.append(resources.ontology_file())
    return KnowledgeGraph(sources=sources, cache=cache)


class KnowledgeGraph:
    """An exograph knowledge graph: a store and its entity/relation projection."""

    def __init__(self, sources: Sequence[Path] = (), store: Store | None = None, *, cache: bool = True) -> None:
        self.sources = tuple(sources)
        self._store = store
        self._use_cache = cache and store is None

    # ------------------------------------------------------------------ layers

    @property
    def store(self) -> Store:
        """The triples: parsed on first use, or unpickled from the cache when the sources are
        unchanged (several times faster than parsing Turtle)."""
        if self._store is None:
            from rdflib import Graph

            from exograph.store import MemoryStore

            path = self._cache_path("graph") if self._use_cache else None
            cached = _read_cache(path, Graph)
            if cached is not None:
                self._store = MemoryStore.parsed(cached, self.sources)
            else:
                store = MemoryStore(self.sources)
                _write_cache(path, store.graph)
                self._store = store
        return self._store

    @cached_property
    def projection(self) -> Projection:
        """Entities and relation edges, from the cache when the sources are unchanged."""
        path = self._cache_path("projection") if self._use_cache else None
        cached = _read_cache(path, Projection)
        if cached is not None:
            return cached
        built = project(self.store)
        _write_cache(path, built)
        return built

    @cached_property
    def names(self) -> NameIndex:
        return NameIndex(self.projection.entities.values())

    def _cache_path(self, kind: str) -> Path | None:
        """Where the cached ``kind`` ("projection" or "graph") of these sources lives, or None."""
        if os.environ.get("EXOGRAPH_NO_CACHE"):
            return None
        parts = [_CACHE_VERSION]
        for source in self.sources:
            try:
                stat = source.stat()
            except OSError:
                return None  # a missing file: let the store report it
            parts.append(f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}")
        key = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]
        return _cache_dir() / f"{kind}-{key}.pickle"

    # ------------------------------------------------------------------ questions

    def resolve(self, name: str, limit: int = 10) -> list[Match]:
        """Entities ``name`` may mean, best first (empty when none)."""
        return self.names.resolve(name, limit)

    def entity(self, name: str) -> Entity:
        """The entity ``name`` means; raises UnknownEntityError with suggestions."""
        return self.names.best(name)

    def suggest(self, name: str) -> list[str]:
        return self.names.suggest(name)

    def neighbors(self, name: str, *, depth: int = 1, predicate: str | None = None, cancer: str | None = None) -> Neighbourhood:
        """Entities within ``depth`` relations of ``name`` (either direction)."""
        centre = self.entity(name).id
        predicates = [self._predicate(predicate)] if predicate else None
        return neighbourhood(self.projection, centre, depth=depth, cancer=self._cancer(cancer), predicates=predicates)

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
    ) -> list[GraphPath]:
        """Ranked paths from ``source`` to ``target``; raises NoPathError when there is none."""
        return find_paths(
            self.projection,
            self.entity(source).id,
            self.entity(target).id,
            max_hops=max_hops,
            cancer=self._cancer(cancer),
            all_paths=all_paths,
            limit=limit,
            undirected=undirected,
        )

    def sparql(self, query: str) -> Result:
        """Run a read-only SPARQL query (the exograph prefixes are declared for you)."""
        from exograph.query import run_query

        return run_query(self.store, query)

    def to_networkx(self) -> nx.MultiDiGraph:
        """Entities as nodes, one keyed edge per relation (``edge`` attribute holds the Edge)."""
        from exograph.graph import to_networkx

        return to_networkx(self.projection)

    def subgraph(
        self,
        *,
        focus: str | None = None,
        depth: int = 1,
        path: tuple[str, str] | None = None,
        max_hops: int = 4,
        cancer: str | None = None,
    ) -> tuple[list[Edge], list[GraphPath]]:
        """What a drawing shows: the relations around ``focus`` and/or on the paths between
        ``path``'s two entities (all relations without either), and those paths to highlight."""
        edges: Sequence[Edge] = self.projection.edges
        highlight: list[GraphPath] = []
        if path is not None:
            highlight = self.paths(path[0], path[1], max_hops=max_hops, cancer=cancer)
            keys = {h.edge.key for p in highlight for h in p.hops}
            if focus is None:
                edges = [e for e in edges if e.key in keys]
        if focus is not None:
            hood = self.neighbors(focus, depth=depth, cancer=cancer)
            keys = {e.key for e in hood.edges} | {h.edge.key for p in highlight for h in p.hops}
            edges = [e for e in self.projection.edges if e.key in keys]
        return list(edges), highlight

    def to_html(
        self,
        *,
        focus: str | None = None,
        depth: int = 1,
        path: tuple[str, str] | None = None,
        max_hops: int = 4,
        title: str = "exograph",
    ) -> str:
        """A self-contained interactive HTML page of the graph, a neighbourhood, or a path."""
        from exograph.viz import render_html

        edges, highlight = self.subgraph(focus=focus, depth=depth, path=path, max_hops=max_hops)
        return render_html(self.projection, edges, highlight=highlight, title=title)

    def stats(self) -> dict[str, Any]:
        """Counts: triples, entities by type, relations by predicate, evidences, references."""
        p = self.projection
        refs = sorted({n for e in p.edges for ev in e.evidences for n in ev.refs})
        sections = Counter(ev.section for e in p.edges for ev in e.evidences)
        relation_sections = Counter(s for e in p.edges for s in sorted({ev.section for ev in e.evidences}))
        return {
            "triples": p.triple_count,
            "entities": len(p.entities),
            "entities_by_type": dict(sorted(Counter(e.type for e in p.entities.values()).items())),
            "relations": len(p.edges),
            "relations_by_predicate": dict(sorted(Counter(vocab.local_name(e.predicate) for e in p.edges).items())),
            "evidences": sum(len(e.evidences) for e in p.edges),
            "evidences_by_section": dict(sorted(sections.items())),
            "relations_by_section": dict(sorted(relation_sections.items())),
            "references_cited": refs,
            "references_not_cited": sorted(set(p.reference_numbers) - set(refs)),
        }

    # ------------------------------------------------------------------ helpers

    def _predicate(self, name: str) -> str:
        iri = predicate_iri(name)
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


def _cache_dir() -> Path:
    env = os.environ.get("EXOGRAPH_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exograph"


def _read_cache(path: Path | None, kind: type[_T]) -> _T | None:
    """The object cached at ``path`` if it is a ``kind``; a stale or corrupt cache is never trusted."""
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            cached = pickle.load(handle)
    except Exception:
        return None
    return cached if isinstance(cached, kind) else None


def _write_cache(path: Path | None, value: object) -> None:
    """Best effort, atomically: a cache that cannot be written is simply not used."""
    import tempfile

    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
