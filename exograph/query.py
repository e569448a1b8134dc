"""SPARQL: safety checks, execution against a store, named queries and result formats.

Queries are read-only: updates are refused, and so is anything that would make the process fetch
a URL (SERVICE, FROM / FROM NAMED, which rdflib dereferences). A server that holds named graphs
locally may let FROM / FROM NAMED (and the protocol's default-graph-uri / named-graph-uri) name
those graphs, and no others: :func:`prepare_query` checks them and :func:`evaluate` runs the query
on a dataset the caller assembles, so rdflib never loads a graph itself. The standard exograph
prefixes are declared for every query. Named queries ship as ``.rq`` files in ``exograph/queries/``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exograph import vocab
from exograph.errors import QueryError, QueryRefusedError

if TYPE_CHECKING:
    from rdflib import Dataset, Graph
    from rdflib.plugins.sparql.sparql import Query
    from rdflib.query import Result

    from exograph.store import Store


@dataclass(frozen=True)
class NamedQuery:
    """A competency question shipped with exograph."""

    name: str
    title: str
    text: str


def named_queries() -> dict[str, NamedQuery]:
    """The shipped queries by name; a query's title is its first ``# title:`` comment line."""
    found = {}
    for entry in sorted(resources.files("exograph.queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            text = entry.read_text(encoding="utf-8")
            title = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("# title:")), entry.name)
            found[entry.name[:-3]] = NamedQuery(entry.name[:-3], title, text)
    return found


def query_text(arg: str) -> str:
    """The SPARQL behind a command-line argument: a named query, a file, or the query itself."""
    named = named_queries()
    if arg in named:
        return named[arg].text
    if "\n" not in arg and len(arg) < 4096 and arg.strip().endswith((".rq", ".sparql")):
        path = Path(arg)
        if not path.is_file():
            raise QueryError(f"{arg}: no such query file; give a file path, a named query (exograph query --list) or SPARQL text")
        return path.read_text(encoding="utf-8")
    if not any(word in arg.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE")):
        raise QueryError(f"'{arg}' is neither a named query nor SPARQL; run 'exograph query --list' for the named queries")
    return arg


def with_prefixes(sparql: str) -> str:
    """``sparql`` with the standard exograph PREFIX declarations it does not declare itself."""
    lowered = sparql.lower()
    missing = [p for p in vocab.PREFIXES if f"prefix {p}:" not in lowered]
    return "".join(f"PREFIX {p}: <{vocab.PREFIXES[p]}>\n" for p in missing) + sparql


def check_query(sparql: str, *, graphs: Collection[str] | None = None) -> str:
    """Parse ``sparql`` and refuse updates and anything that fetches a URL; returns the query form.

    FROM / FROM NAMED are refused outright unless ``graphs`` (the IRIs of graphs held locally) is
    given; :func:`prepare_query` then checks that they name only those graphs.
    """
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(sparql)
    except Exception as exc:
        try:
            parseUpdate(sparql)
        except Exception:
            raise QueryError(f"malformed SPARQL: {_one_line(exc)}; check the query near that position") from None
        raise QueryRefusedError("SPARQL updates are not allowed: exograph queries are read-only") from None
    form = parsed[1].name  # SelectQuery, AskQuery, ConstructQuery, DescribeQuery
    for name in _node_names(parsed):
        if name == "ServiceGraphPattern":
            raise QueryRefusedError("SERVICE is not allowed: exograph never fetches a URL a query names")
    if graphs is None and _has_dataset_clause(parsed[1]):
        raise QueryRefusedError("FROM / FROM NAMED is not allowed: exograph never fetches a URL a query names; query the loaded graph")
    return form


def check_graphs(iris: Iterable[str], graphs: Collection[str], where: str) -> None:
    """Refuse any of ``iris`` (named by ``where``: FROM, default-graph-uri...) that is not held locally."""
    for iri in iris:
        if iri not in graphs:
            held = ", ".join(f"<{g}>" for g in sorted(graphs)) or "none"
            raise QueryRefusedError(f"{where} <{iri}> is not a graph this server holds (it holds: {held}); exograph never fetches a URL a query names")


@dataclass(frozen=True)
class PreparedQuery:
    """A checked, translated query, and the dataset its FROM / FROM NAMED clauses ask for."""

    form: str  #: SelectQuery, AskQuery, ConstructQuery or DescribeQuery
    query: Query  #: translated, with its dataset clause removed (see :func:`evaluate`)
    default_graphs: tuple[str, ...]  #: FROM
    named_graphs: tuple[str, ...]  #: FROM NAMED

    @property
    def names_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def prepare_query(sparql: str, *, graphs: Collection[str] = (), base: str | None = None) -> PreparedQuery:
    """Check ``sparql`` (see :func:`check_query`), declare the exograph prefixes and translate it;
    FROM / FROM NAMED may name only ``graphs``. Relative IRIs resolve against ``base``."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    form = check_query(sparql, graphs=graphs or None)  # before the prefixes, so error positions match the user's text
    try:
        query = translateQuery(parseQuery(with_prefixes(sparql)), base=base)
    except Exception as exc:  # an undeclared prefix, a variable bound twice...
        raise QueryError(f"malformed SPARQL: {_one_line(exc)}") from None
    clauses = query.algebra.datasetClause or []
    default = tuple(str(c.default) for c in clauses if c.default is not None)
    named = tuple(str(c.named) for c in clauses if c.named is not None)
    check_graphs(default, graphs, "FROM")
    check_graphs(named, graphs, "FROM NAMED")
    # rdflib would load (fetch) the graphs of a dataset clause itself: the caller assembles them
    query.algebra["datasetClause"] = None
    return PreparedQuery(form, query, default, named)


def evaluate(prepared: PreparedQuery, default_graph: Graph, dataset: Dataset) -> Result:
    """Run a prepared query: ``default_graph`` is the default graph, ``dataset``'s graphs the named ones."""
    from rdflib.plugins.sparql.evaluate import evalPart
    from rdflib.plugins.sparql.processor import SPARQLResult
    from rdflib.plugins.sparql.sparql import QueryContext

    context = QueryContext(dataset, initBindings={})
    # rdflib would make the union of all graphs the default graph; SPARQL says it is its own graph
    context.graph = default_graph
    context.prologue = prepared.query.prologue
    try:
        return SPARQLResult(evalPart(context, prepared.query.algebra))
    except (QueryError, MemoryError):  # the caller knows the memory limit it set
        raise
    except Exception as exc:
        raise QueryError(f"query failed: {_one_line(exc)}") from None


def run_query(store: Store, sparql: str) -> Result:
    """Check and run ``sparql`` against ``store``."""
    check_query(sparql)  # before the prefixes are added, so error positions match the user's text
    full = with_prefixes(sparql)
    try:
        return store.query(full)
    except QueryError:
        raise
    except Exception as exc:
        raise QueryError(f"query failed: {_one_line(exc)}") from None


def _node_names(node: Any) -> list[str]:
    names = []
    stack = [node]
    while stack:
        item = stack.pop()
        name = getattr(item, "name", None)
        if isinstance(name, str):
            names.append(name)
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple) or type(item).__name__ == "ParseResults":
            stack.extend(list(item))
    return names


def _has_dataset_clause(query: Any) -> bool:
    # CompValue.get() echoes the key back when it is absent, so test membership
    return "datasetClause" in query and bool(query["datasetClause"])


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


# --------------------------------------------------------------------------- output


def result_json(result: Result) -> dict[str, Any]:
    """SELECT and ASK results in the W3C SPARQL 1.1 Query Results JSON format."""
    if result.type == "ASK":
        return {"head": {}, "boolean": bool(result.askAnswer)}
    variables = [str(v) for v in result.vars or []]
    bindings = []
    for row in result:
        binding = {}
        for var in variables:
            value = row[var]  # type: ignore[index,call-overload]
            if value is not None:
                binding[var] = _term_json(value)
        bindings.append(binding)
    return {"head": {"vars": variables}, "results": {"bindings": bindings}}


def _term_json(term: Any) -> dict[str, str]:
    from rdflib import BNode, Literal

    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype:
            out["datatype"] = str(term.datatype)
        return out
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    return {"type": "uri", "value": str(term)}


def format_result(result: Result, fmt: str) -> str:
    """Render a result: ``table`` (readable), ``json`` (W3C; JSON-LD for graphs) or ``csv``."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = result.graph
        assert graph is not None
        if fmt == "json":
            return graph.serialize(format="json-ld", indent=2)
        from exograph.io.turtle import turtle_text

        return turtle_text(graph)
    if fmt == "json":
        return json.dumps(result_json(result), indent=2, ensure_ascii=False)
    data = result_json(result)
    if result.type == "ASK":
        return "true" if data["boolean"] else "false"
    variables = data["head"]["vars"]
    rows = [[_cell(b.get(v), fmt) for v in variables] for b in data["results"]["bindings"]]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(variables)
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    return _table(variables, rows)


def _cell(term: dict[str, str] | None, fmt: str) -> str:
    if term is None:
        return ""
    if term["type"] == "uri" and fmt == "table":
        return vocab.shorten(term["value"])
    return term["value"]


def _table(header: list[str], rows: list[list[str]], width: int = 60) -> str:
    clipped = [[c if len(c) <= width else c[: width - 1] + "…" for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in clipped]) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in clipped]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
