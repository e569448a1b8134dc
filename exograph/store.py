"""Where the triples live, behind one small interface.

Everything above this module (projection, paths, viz, CLI) talks to a :class:`Store`: triple
patterns, SPARQL and a size. :class:`MemoryStore` holds Turtle files in an rdflib graph; an
on-disk store or a remote SPARQL endpoint is another class with the same three methods.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.query import Result
    from rdflib.term import Node

Pattern = tuple["Node | None", "Node | None", "Node | None"]


@runtime_checkable
class Store(Protocol):
    """The interface every triple store offers exograph."""

    def triples(self, pattern: Pattern) -> Iterator[tuple[Node, Node, Node]]:
        """Triples matching a (subject, predicate, object) pattern; None matches anything."""
        ...

    def query(self, sparql: str) -> Result:
        """Run a SPARQL query that :mod:`exograph.query` has already checked is safe."""
        ...

    def __len__(self) -> int: ...


class MemoryStore:
    """Triples parsed from RDF files into an in-memory rdflib graph."""

    def __init__(self, sources: Sequence[Path] = (), graph: Graph | None = None) -> None:
        from rdflib import Graph

        from exograph.io.turtle import parse_into

        self.graph = graph if graph is not None else Graph()
        self.sources = tuple(sources)
        for path in self.sources:
            parse_into(self.graph, path)

    @classmethod
    def parsed(cls, graph: Graph, sources: Sequence[Path]) -> MemoryStore:
        """A store of ``graph``, already parsed from ``sources`` (e.g. unpickled from a cache)."""
        store = cls(graph=graph)
        store.sources = tuple(sources)
        return store

    def triples(self, pattern: Pattern) -> Iterator[tuple[Node, Node, Node]]:
        return self.graph.triples(pattern)

    def query(self, sparql: str) -> Result:
        return self.graph.query(sparql)

    def __len__(self) -> int:
        return len(self.graph)

    def add_all(self, triples: Iterable[tuple[Node, Node, Node]]) -> None:
        for triple in triples:
            self.graph.add(triple)
