"""An rdflib ``Graph`` as a store, for API users who already hold one.

Slower than Oxigraph, and with no named graphs: the graph is the default graph, and a query (or a
protocol request) naming any other graph is refused, since rdflib would fetch it. A query with a
``GRAPH`` pattern (the named queries over imported databases) is refused with a clear message:
rdflib cannot evaluate it on a plain ``Graph``, and there is no imported graph to match anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exograph.errors import DataError, QueryError
from exograph.store import QueryResult, check_dataset, one_line
from exograph.terms import IRI, RDF_LANG_STRING, XSD_STRING, BNode, Literal, Term, Triple

if TYPE_CHECKING:
    from rdflib import Graph

_GRAPH = re.compile(r"\bGRAPH\s*[?$<{a-zA-Z_]", re.IGNORECASE)


def _without_comments(sparql: str) -> str:
    return "\n".join(line for line in sparql.splitlines() if not line.lstrip().startswith("#"))


class RdflibStore:
    """A :class:`~exograph.store.Store` on an rdflib ``Graph``."""

    def __init__(self, graph: Graph | None = None) -> None:
        from rdflib import Graph

        self.graph = graph if graph is not None else Graph()

    @classmethod
    def parse(cls, sources: Sequence[Path]) -> RdflibStore:
        """A store of RDF files parsed by rdflib."""
        store = cls()
        for path in sources:
            _parse(store.graph, Path(path))
        return store

    def triples(self, subject: Term | None = None, predicate: Term | None = None, object: Term | None = None, *, graph: str | None = None) -> Iterator[Triple]:
        if graph is not None:
            return
        for s, p, o in self.graph.triples((to_rdflib(subject), to_rdflib(predicate), to_rdflib(object))):
            yield from_rdflib(s), from_rdflib(p), from_rdflib(o)

    def query(
        self,
        sparql: str,
        *,
        base: str | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        from exograph.query import with_prefixes

        form = check_dataset(sparql, (), base=base, default_graphs=default_graphs, named_graphs=named_graphs)
        if _GRAPH.search(_without_comments(sparql)):
            raise QueryError("this store (an rdflib Graph) holds no named graphs, so GRAPH matches nothing here; query imported databases on an Oxigraph store")
        try:
            result = self.graph.query(with_prefixes(sparql), base=base)
            if form == "ASK":
                return QueryResult("ASK", boolean=bool(result.askAnswer))
            if form in ("CONSTRUCT", "DESCRIBE"):
                assert result.graph is not None
                return QueryResult(form, triples=[(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in result.graph])
            variables = [str(v) for v in result.vars or []]
            rows = [tuple(None if t is None else from_rdflib(t) for t in row) for row in result]  # type: ignore[union-attr]
            return QueryResult("SELECT", variables=variables, rows=rows)
        except QueryError:
            raise
        except Exception as exc:  # rdflib raises many types, for malformed queries and failures alike
            if type(exc).__module__.startswith("pyparsing"):
                raise QueryError(f"malformed SPARQL: {one_line(exc)}; check the query near that position") from None
            raise QueryError(f"query failed: {one_line(exc)}") from None

    def graphs(self) -> list[IRI]:
        return []

    def __len__(self) -> int:
        return len(self.graph)

    @property
    def fingerprint(self) -> str | None:
        return None

    @property
    def concurrent(self) -> bool:
        """rdflib's evaluator is not safe to run in several threads (nor faster: it holds the interpreter)."""
        return False


def from_rdflib(node: Any) -> Term:
    from rdflib import BNode as RBNode
    from rdflib import Literal as RLiteral

    if isinstance(node, RLiteral):
        if node.language:
            return Literal(str(node), RDF_LANG_STRING, node.language)
        return Literal(str(node), str(node.datatype) if node.datatype else XSD_STRING)
    if isinstance(node, RBNode):
        return BNode(str(node))
    return IRI(str(node))


def to_rdflib(term: Term | None) -> Any:
    from rdflib import BNode as RBNode
    from rdflib import Literal as RLiteral
    from rdflib import URIRef

    if term is None:
        return None
    if isinstance(term, Literal):
        if term.language:
            return RLiteral(term.value, lang=term.language)
        return RLiteral(term.value, datatype=None if term.datatype == XSD_STRING else URIRef(term.datatype))
    if isinstance(term, BNode):
        return RBNode(str(term))
    return URIRef(str(term))


def _parse(graph: Graph, path: Path) -> None:
    from exograph.io.turtle import parse_into

    if not path.is_file():
        raise DataError(f"{path}: no such file; give an existing RDF file")
    parse_into(graph, path)
