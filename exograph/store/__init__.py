"""Where the triples live, behind one small interface typed with exograph's own terms.

Everything above this package (the index, paths, viz, the CLI, the server) talks to a
:class:`Store`: triple patterns, SPARQL with results in one neutral shape (:class:`QueryResult`,
the structure of the W3C SPARQL 1.1 Query Results JSON format), named graphs and a size. No
engine's classes cross it: :class:`~exograph.store.oxigraph.OxigraphStore` (Oxigraph, in memory
or on disk; the default) and :class:`~exograph.store.rdflib.RdflibStore` (an rdflib ``Graph`` an
API user already holds) both speak :mod:`exograph.terms`, and pass the same contract tests.

Every store checks a query before its engine sees it (:func:`exograph.sparql.analyse`): updates and
SERVICE are refused, and FROM / FROM NAMED (or the protocol's dataset) may name only graphs the
store holds, so nothing is ever fetched.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from exograph.errors import MissingDependencyError, QueryRefusedError
from exograph.terms import IRI, XSD, BNode, Literal, Term, Triple, term_from_json, term_json

if TYPE_CHECKING:
    import pandas

Row = tuple[Term | None, ...]


class QueryResult:
    """The answer to a query: SELECT rows, an ASK boolean, or CONSTRUCT / DESCRIBE triples.

    Rows (or triples) may stream from the engine: :meth:`iter_rows` reads them once, as they
    come; :attr:`rows` (and :attr:`triples`) read them all and keep them.
    """

    def __init__(
        self,
        form: str,
        *,
        variables: Sequence[str] = (),
        rows: Iterable[Row] = (),
        boolean: bool | None = None,
        triples: Iterable[Triple] = (),
    ) -> None:
        self.form = form  #: SELECT, ASK, CONSTRUCT or DESCRIBE
        self.variables = tuple(variables)
        self.boolean = boolean
        self._source: Iterator[Any] = iter(triples if self.is_graph else rows)
        self._read: list[Any] | None = None

    @property
    def is_graph(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")

    def iter_rows(self) -> Iterator[Any]:
        """The rows (or triples), read as they come; once, unless :attr:`rows` has read them."""
        if self._read is not None:
            return iter(self._read)
        return self._source

    @property
    def rows(self) -> list[Row]:
        """Every SELECT row, each a tuple aligned with :attr:`variables` (None: unbound)."""
        if self._read is None:
            self._read = list(self._source)
        return self._read

    @property
    def triples(self) -> list[Triple]:
        """Every triple of a CONSTRUCT or DESCRIBE answer."""
        return self.rows  # type: ignore[return-value]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def bindings(self) -> list[dict[str, Term]]:
        """The rows as {variable: term}, unbound variables left out."""
        return [{v: t for v, t in zip(self.variables, row, strict=True) if t is not None} for row in self.rows]

    def to_json(self) -> dict[str, Any]:
        """SELECT and ASK results in the W3C SPARQL 1.1 Query Results JSON format."""
        if self.form == "ASK":
            return {"head": {}, "boolean": bool(self.boolean)}
        if self.is_graph:
            raise ValueError("a CONSTRUCT or DESCRIBE result is a graph, not a table; serialize its triples")
        variables = list(self.variables)
        return {"head": {"vars": variables}, "results": {"bindings": [{v: term_json(t) for v, t in b.items()} for b in self.bindings()]}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> QueryResult:
        """A result read back from the W3C JSON format."""
        if "boolean" in data:
            return cls("ASK", boolean=bool(data["boolean"]))
        variables = list(data.get("head", {}).get("vars", []))
        rows = [tuple(term_from_json(b[v]) if v in b else None for v in variables) for b in data.get("results", {}).get("bindings", [])]
        return cls("SELECT", variables=variables, rows=rows)

    def to_dataframe(self) -> pandas.DataFrame:
        """A SELECT result as a pandas DataFrame, one column per variable (CONSTRUCT / DESCRIBE
        triples: columns subject, predicate, object), each term as :func:`python_value` (numbers
        as numbers; unbound: None). Needs pandas; raises MissingDependencyError without it."""
        if self.form == "ASK":
            raise ValueError("an ASK result is one boolean (result.boolean), not a table")
        try:
            import pandas
        except ImportError:
            raise MissingDependencyError("pandas is needed for to_dataframe(); pip install pandas (or pip install 'exograph[notebook]')") from None
        columns = ["subject", "predicate", "object"] if self.is_graph else list(self.variables)
        return pandas.DataFrame.from_records([tuple(python_value(t) for t in row) for row in self.rows], columns=columns)

    def _repr_html_(self) -> str:
        """The result as Jupyter shows it: a table (:func:`exograph.display.result_html`)."""
        from exograph.display import result_html

        return result_html(self)

    def __repr__(self) -> str:
        return f"QueryResult({self.form}, variables={list(self.variables)})"


#: the XML Schema datatypes of literals :func:`python_value` makes a float
_FLOATS = frozenset(XSD + t for t in ("decimal", "double", "float"))


def python_value(term: Term | None) -> str | bool | int | float | None:
    """A term as a plain Python value: an IRI as its text, a blank node as ``_:label``, a literal
    as :meth:`~exograph.terms.Literal.to_python` gives it (booleans and integers converted) or,
    for a decimal, double or float, a float; None stays None (an unbound variable)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype in _FLOATS:
            try:
                return float(term.value)
            except ValueError:
                return term.value
        return term.to_python()
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


@runtime_checkable
class Store(Protocol):
    """The interface every triple store offers exograph."""

    def triples(self, subject: Term | None = None, predicate: Term | None = None, object: Term | None = None, *, graph: str | None = None) -> Iterator[Triple]:
        """Triples matching a pattern (None matches anything) in the default graph, or in ``graph``."""
        ...

    def query(
        self,
        sparql: str,
        *,
        base: str | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a read-only SPARQL query (the exograph prefixes are declared for it); the dataset is
        the store's (its default graph; its named graphs) unless ``default_graphs`` /
        ``named_graphs`` (the protocol's) or the query's FROM / FROM NAMED name graphs it holds."""
        ...

    def graphs(self) -> list[IRI]:
        """The named graphs the store holds, sorted."""
        ...

    def __len__(self) -> int:
        """Triples in the default graph."""
        ...

    @property
    def fingerprint(self) -> str | None:
        """A key of the store's content (changes whenever the content does), or None when the
        store cannot tell cheaply; what is derived from a store is kept only under this key."""
        ...

    @property
    def concurrent(self) -> bool:
        """Whether queries may run from several threads at once (and then do run side by side:
        an engine that works outside the interpreter, or a server)."""
        ...


def select_values(store: Store, sparql: str) -> list[tuple[str, ...]]:
    """The rows of one of exograph's own SELECT queries as lexical values only (IRIs and literals
    as their text, blank nodes as ``_:label``, unbound as ""): the fast way to read many rows whose
    kinds are known. A store may answer it natively (Oxigraph serializes CSV without holding the
    interpreter; an endpoint answers CSV); any other store answers through :meth:`Store.query`.
    Never pass a user's text: a native answer skips the safety check of user queries."""
    native = getattr(store, "_select_values", None)
    if callable(native):
        return native(sparql)  # type: ignore[no-any-return]
    out = []
    for row in store.query(sparql).iter_rows():
        out.append(tuple("" if t is None else f"_:{t}" if isinstance(t, BNode) else str(t) for t in row))
    return out


def side_by_side(store: Store, tasks: int) -> int:
    """How many of ``tasks`` queries ``store`` answers at once: one per processor when it is
    :attr:`~Store.concurrent`, else one."""
    return max(1, min(tasks, os.cpu_count() or 1)) if store.concurrent else 1


def select_many(store: Store, queries: Sequence[str]) -> list[list[tuple[str, ...]]]:
    """The :func:`select_values` rows of several queries, in order; run side by side (a thread
    each, up to the number of processors) when the store is :attr:`~Store.concurrent`."""
    workers = side_by_side(store, len(queries))
    if workers <= 1:
        return [select_values(store, q) for q in queries]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda q: select_values(store, q), queries))


def gist(sparql: str, width: int = 100) -> str:
    """A query on one line, cut to ``width`` characters (for the log of ``exograph -vv``)."""
    text = " ".join(sparql.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def check_dataset(sparql: str, held: Iterable[str], *, base: str | None, default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None) -> str:
    """Check ``sparql`` before an engine sees it; returns its form (SELECT, ASK, CONSTRUCT, DESCRIBE).

    Raises QueryRefusedError for updates, SERVICE, and a dataset (FROM / FROM NAMED, or the
    protocol's default-graph-uri / named-graph-uri) naming a graph the store does not hold.
    """
    from exograph.sparql import analyse

    shape = analyse(sparql, base=base)
    graphs = set(held)
    if default_graphs is not None or named_graphs is not None:
        _check_graphs(default_graphs or (), graphs, "default-graph-uri")
        _check_graphs(named_graphs or (), graphs, "named-graph-uri")
    else:
        _check_graphs(shape.default_graphs, graphs, "FROM")
        _check_graphs(shape.named_graphs, graphs, "FROM NAMED")
    return shape.form


def _check_graphs(iris: Iterable[str], graphs: set[str], where: str) -> None:
    for iri in iris:
        if iri not in graphs:
            held = ", ".join(f"<{g}>" for g in sorted(graphs)) or "none"
            raise QueryRefusedError(f"{where} <{iri}> is not a graph this store holds (it holds: {held}); exograph never fetches a URL a query names")


def one_line(exc: BaseException) -> str:
    """An exception's message on one line, at most 300 characters."""
    return " ".join(str(exc).split())[:300] or type(exc).__name__


__all__ = ["QueryResult", "Row", "Store", "check_dataset", "one_line", "python_value", "select_values"]
