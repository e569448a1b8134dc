"""Relations and entities read out of any store by a few SPARQL queries, and the networkx view.

A statement node carries a relation's claim and context; its evidence nodes the references,
section and quote. :func:`read_relations` turns the statements it is given (by IRI) into
:class:`~exograph.model.Relation` records with a handful of queries, however many there are (the
IRIs travel in VALUES blocks), so it works as well over a remote endpoint as in memory. A plain
relation triple with no statement (``ent:a exo:targets ent:b``) is a relation with no context and
no evidence; its key is ``subject|predicate|object``.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from exograph import vocab
from exograph.model import Context, Entity, Evidence, Relation
from exograph.store import select_many
from exograph.terms import iri_ref

if TYPE_CHECKING:
    import networkx as nx

    from exograph.store import Store

#: IRIs per VALUES block: one query carries this many statements
BATCH = 400
#: statements read in one round of queries: what the store answers for a statement (its triples and
#: its evidence's, as strings) takes ten times the memory of the relation made of it, so all of a
#: large store's at once (an export) would hold several gigabytes
STATEMENTS_AT_ONCE = 5000

_STATEMENT_QUERY = """
SELECT ?st ?p ?o WHERE {{ VALUES ?st {{ {values} }} ?st ?p ?o }}
"""
_EVIDENCE_QUERY = """
SELECT ?st ?ev ?p ?o WHERE {{ VALUES ?st {{ {values} }} ?st exo:evidence ?ev . ?ev ?p ?o }}
"""
#: what the evidence points to (references, publications): asked once per distinct node, not per
#: evidence (two OPTIONALs in the evidence query cost more than the rest of it)
_SOURCES_QUERY = """
SELECT ?x ?n ?review WHERE {{
  VALUES ?x {{ {values} }}
  {{ ?x exo:referenceNumber ?n }} UNION {{ ?x a ?review FILTER(?review = exo:Review) }}
}}
"""
_SOURCE_PROPERTIES = (vocab.EXO + "reference", vocab.EXO + "curatedFrom")
#: the same in one query, for evidence pointing to blank nodes (which a VALUES block cannot name)
_EVIDENCE_SOURCES_QUERY = """
SELECT ?st ?ev ?p ?o ?n ?review WHERE {{
  VALUES ?st {{ {values} }}
  ?st exo:evidence ?ev . ?ev ?p ?o .
  OPTIONAL {{ ?o exo:referenceNumber ?n }}
  OPTIONAL {{ ?o a exo:Review . BIND(true AS ?review) }}
}}
"""


def plain_key(subject: str, predicate: str, obj: str) -> str:
    """The key of a relation stated only as a plain triple."""
    return f"{subject}|{predicate}|{obj}"


def read_relations(store: Store, keys: Iterable[str]) -> dict[str, Relation]:
    """The relations with these keys (statement IRIs, or plain-triple keys), by key.

    A statement that is malformed (not exactly one subject, predicate and object) is left out:
    ``exograph validate`` reports it.
    """
    wanted = sorted(set(keys))
    found: dict[str, Relation] = {}
    statements = []
    for key in wanted:
        parts = key.split("|")
        if len(parts) == 3 and all(parts):
            found[key] = Relation(parts[0], parts[1], parts[2], key=key)
        elif _queryable(key):
            statements.append(key)
    for start in range(0, len(statements), STATEMENTS_AT_ONCE):
        found.update(_read_statements(store, statements[start : start + STATEMENTS_AT_ONCE]))
    return found


def _chunks(iris: Sequence[str], size: int) -> list[str]:
    """VALUES blocks of at most ``size`` IRIs each."""
    return [" ".join(iri_ref(i) for i in iris[start : start + size]) for start in range(0, len(iris), size)]


def _read_statements(store: Store, keys: Sequence[str]) -> dict[str, Relation]:
    """Statements (queryable IRIs) as relations: their properties and their evidence in one round
    of queries (every batch at once, side by side on a concurrent store), then what the evidence
    points to in a second."""
    if not keys:
        return {}
    size = min(BATCH, -(-len(keys) // (os.cpu_count() or 1))) if store.concurrent else BATCH  # one batch per processor, at least
    blocks = _chunks(keys, max(size, 1))
    answers = select_many(store, [_STATEMENT_QUERY.format(values=v) for v in blocks] + [_EVIDENCE_QUERY.format(values=v) for v in blocks])
    parts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for rows in answers[: len(blocks)]:
        for st, p, o in rows:
            parts[st][p].append(o)
    evidence: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    sources: set[str] = set()
    for rows in answers[len(blocks) :]:
        for st, ev, p, o in rows:
            evidence[st][ev][p].append(o)
            if p in _SOURCE_PROPERTIES:
                sources.add(o)
    if all(_queryable(x) for x in sources):
        numbers, reviews = _read_sources(store, evidence, sorted(sources))
    else:  # a blank node, which no VALUES block can name: ask with the evidence
        numbers, reviews = defaultdict(set), set()
        for rows in select_many(store, [_EVIDENCE_SOURCES_QUERY.format(values=v) for v in blocks]):
            for _, ev, p, o, n, review in rows:
                if n and p == vocab.EXO + "reference" and n.lstrip("-").isdigit():
                    numbers[ev].add(int(n))
                if review:
                    reviews.add(o)
    out = {}
    for key in keys:
        fields = parts.get(key)
        if not fields:
            continue
        try:
            (s,), (p,), (o,) = fields[vocab.RDF + "subject"], fields[vocab.RDF + "predicate"], fields[vocab.RDF + "object"]
        except ValueError:
            continue
        evidences = tuple(sorted(_evidence(ev_fields, numbers.get(ev, set()), reviews) for ev, ev_fields in evidence.get(key, {}).items()))
        notes = tuple(sorted(fields.get(vocab.EXO + "note", [])))
        out[key] = Relation(s, p, o, context_of(fields), evidences, notes, key=key)
    return out


def _read_sources(store: Store, evidence: dict[str, dict[str, dict[str, list[str]]]], sources: Sequence[str]) -> tuple[dict[str, set[int]], set[str]]:
    """The reference numbers each evidence cites and which publications are reviews, asking about
    each reference and publication once."""
    reference_numbers: dict[str, set[int]] = defaultdict(set)
    reviews: set[str] = set()
    for rows in select_many(store, [_SOURCES_QUERY.format(values=v) for v in _chunks(sources, BATCH)]):
        for x, n, review in rows:
            if n and n.lstrip("-").isdigit():
                reference_numbers[x].add(int(n))
            if review:
                reviews.add(x)
    numbers: dict[str, set[int]] = defaultdict(set)
    for by_evidence in evidence.values():
        for ev, fields in by_evidence.items():
            for ref in fields.get(vocab.EXO + "reference", ()):
                numbers[ev] |= reference_numbers.get(ref, set())
    return numbers, reviews


def context_of(fields: dict[str, list[str]]) -> Context:
    """The context of a statement from its properties (IRI -> lexical values), as :data:`vocab.CONTEXT` says."""
    values: dict[str, object] = {}
    for spec in vocab.CONTEXT:
        found = sorted(fields.get(vocab.EXO + spec.rdf_property, []))
        if spec.kind == "flag":
            values[spec.name] = any(v.strip() in ("true", "1") for v in found)
        else:
            values[spec.name] = found if spec.many else (found[0] if found else None)
    return Context.of(values)


def _first(fields: dict[str, list[str]], prop: str) -> str | None:
    values = sorted(fields.get(vocab.EXO + prop, []))
    return values[0] if values else None


def _evidence(fields: dict[str, list[str]], numbers: set[int], reviews: set[str]) -> Evidence:
    refs = tuple(sorted(numbers))
    sources = sorted(s for s in fields.get(vocab.EXO + "curatedFrom", []) if s not in reviews)
    return Evidence(
        refs=refs,
        refs_printed=_first(fields, "refsAsPrinted") or ",".join(map(str, refs)),
        section=_first(fields, "section") or "",
        quote=_first(fields, "quote") or "",
        first_author=_first(fields, "firstAuthor"),
        publication=sources[0] if sources else None,
    )


def _queryable(iri: str) -> bool:
    """Whether an IRI can be written in a query as it is (a blank node, or an IRI with characters
    a query cannot hold, cannot be asked about)."""
    scheme, colon, _ = iri.partition(":")
    return bool(colon and scheme and scheme != "_") and not any(c in iri for c in '<>"{}|^`\\ ') and all(ord(c) > 0x20 for c in iri)


def to_networkx(entities: Iterable[Entity], relations: Iterable[Relation]) -> nx.MultiDiGraph:
    """A MultiDiGraph: entity IRIs as nodes (label, type), one edge per relation keyed by its
    statement IRI (also its ``statement`` attribute), with plain attribute values (predicate IRI and label, context fields,
    references, evidence count), so that networkx's writers (GraphML, GEXF...) take it as it is."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for entity in entities:
        g.add_node(entity.id, label=entity.label, type=entity.type)
    for rel in relations:
        attrs: dict[str, object] = {
            "statement": rel.key,  # the key again, as an attribute: a reader that drops edge keys (igraph) keeps it
            "predicate": rel.predicate,
            "label": rel.predicate_label,
            "refs": ",".join(map(str, rel.refs)),
            "evidences": len(rel.evidences),
        }
        for spec in vocab.CONTEXT:
            value = getattr(rel.context, spec.name)
            if value:
                attrs[spec.name] = "|".join(value) if spec.many else value
        g.add_edge(rel.subject, rel.object, key=rel.key, **attrs)
    return g
