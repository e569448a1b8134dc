"""The named queries print their rows in one order, whatever the engine: each ORDER BY is total.

A tie (two rows equal on every ORDER BY key but different elsewhere) lets Oxigraph, rdflib or two
runs of one engine print the same answer in different orders. So every named query orders by its
projected columns until they determine the row, and its answer, rows and order alike, is the same
on Oxigraph and on rdflib.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from rdflib import Graph

from exograph import resources
from exograph.errors import QueryError
from exograph.query import NamedQuery, named_queries
from exograph.store import QueryResult
from exograph.store.rdflib import RdflibStore
from exograph.terms import BNode, Literal, Term

NAMED = named_queries()


@pytest.fixture(scope="module")
def rdflib_store() -> RdflibStore:
    graph = Graph().parse(resources.packaged_triples())
    graph.parse(resources.ontology_file())
    return RdflibStore(graph)


def clause(text: str, keyword: str, ends: str) -> str:
    """The text of a solution modifier (``ORDER BY``, ``GROUP BY``), up to the next one or the end."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    found = re.search(rf"\b{keyword}\s+BY\s+(.*?)(?:\b(?:{ends})\b|$)", body, re.IGNORECASE | re.DOTALL)
    return found.group(1) if found else ""


def order_keys(text: str) -> list[tuple[str, bool]]:
    """The ORDER BY keys as (variable, descending): ``?x``, ``ASC(?x)``, ``DESC(?x)``, ``STR(?x)``."""
    order = clause(text, "ORDER", "LIMIT|OFFSET")
    return [(m.group(2), (m.group(1) or "").upper() == "DESC") for m in re.finditer(r"(?:(ASC|DESC)\s*\(\s*)?(?:STR\s*\(\s*)?\?(\w+)", order, re.IGNORECASE)]


def group_variables(text: str) -> set[str]:
    return set(re.findall(r"\?(\w+)", clause(text, "GROUP", "HAVING|ORDER|LIMIT|OFFSET")))


def sparql_order(term: Term | None) -> tuple:
    """A Python sort key following SPARQL's ORDER BY: unbound, blank nodes, IRIs, then literals;
    numbers by value, booleans false before true, strings by code point (all these queries project)."""
    if term is None:
        return (0,)
    if isinstance(term, BNode):
        return (1, str(term))
    if not isinstance(term, Literal):
        return (2, str(term))
    value = term.to_python()
    if isinstance(value, bool):
        return (3, 1, value)
    if isinstance(value, int):
        return (3, 0, value)
    return (3, 2, term.value, term.language or "", term.datatype)


def run(kg, query: NamedQuery) -> QueryResult:
    result = kg.sparql(query.text)
    assert result.form == "SELECT", f"{query.name} is not a SELECT query"
    return result


@pytest.mark.parametrize("name", NAMED)
def test_the_order_by_keys_determine_the_row(kg, name):
    """Structurally (on any data): every projected column is an ORDER BY key, or is an aggregate
    of a GROUP BY whose variables are all keys; and on the packaged graph no two rows tie."""
    query = NAMED[name]
    result = run(kg, query)
    keys = [v for v, _ in order_keys(query.text)]
    projected = set(result.variables)
    assert keys, f"{name} has no ORDER BY"
    assert set(keys) <= projected, f"{name} orders by {set(keys) - projected}, which it does not project: order by projected columns"
    group = group_variables(query.text)
    determined = projected if group and group <= set(keys) else set(keys)
    assert projected <= determined, f"{name}: ORDER BY leaves ties; append {[v for v in result.variables if v not in determined]}"
    at = [result.variables.index(v) for v in keys]
    by_key: dict[tuple, set] = {}
    for row in result.rows:
        by_key.setdefault(tuple(row[i] for i in at), set()).add(row)
    assert [rows for rows in by_key.values() if len(rows) > 1] == [], f"{name}: rows tie on the ORDER BY keys"


@pytest.mark.parametrize("name", NAMED)
def test_the_engine_order_is_the_sort_by_the_keys_then_every_column(kg, name):
    query = NAMED[name]
    result = run(kg, query)
    keys = order_keys(query.text)
    keys += [(v, False) for v in result.variables if v not in {k for k, _ in keys}]
    expected = list(result.rows)
    for variable, descending in reversed(keys):  # stable sorts, last key first
        i = result.variables.index(variable)
        expected.sort(key=lambda row, i=i: sparql_order(row[i]), reverse=descending)
    assert result.rows == expected


@pytest.mark.parametrize("name", NAMED)
def test_two_runs_give_the_same_rows_in_the_same_order(kg, name):
    assert run(kg, NAMED[name]).rows == run(kg, NAMED[name]).rows


@pytest.mark.parametrize("name", NAMED)
def test_rdflib_gives_the_same_answer_in_the_same_order(kg, rdflib_store, name):
    """No normalising is needed: COUNT gives xsd:integer on both engines, both sort unbound values
    first, and the columns hold only plain strings, integers and booleans. The queries of imported
    databases (GRAPH) are refused by an rdflib Graph, which holds no named graphs."""
    if "GRAPH ?" in NAMED[name].text:
        with pytest.raises(QueryError, match="holds no named graphs"):
            rdflib_store.query(NAMED[name].text)
        return
    mine = run(kg, NAMED[name])
    theirs = rdflib_store.query(NAMED[name].text)
    assert theirs.variables == mine.variables
    assert Counter(theirs.rows) == Counter(mine.rows)
    assert theirs.rows == mine.rows
