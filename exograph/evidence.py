"""Everything that links two entities, curated and imported, strongest first.

:func:`read_links` asks the store, in one query over the default graph and every named graph, for
the statements between two sets of entities (each entity with its subtypes: miRNA-21 with
miRNA-21-5p), in either direction, with their evidence: curated evidence (the review's references
and quotes) and database evidence (a database record: its id, the PMID it cites, the experiments
and the database's rating), each kept in the graph it came from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from exograph import vocab
from exograph.store import select_many
from exograph.support import Support, by_tier, tier
from exograph.terms import iri_ref

if TYPE_CHECKING:
    from exograph.store import Store

#: the statements of one direction and their evidence; the statements of the subjects and those of
#: the objects are each a subquery, which the engine joins by hashing: asked as one pattern, Oxigraph
#: looked up the object of each of a hub's statements (11 s for miRNA-21 and metastasis at 10M
#: triples, 0.09 s so)
_STATEMENTS = (
    "{{ SELECT ?st ?s WHERE {{ VALUES ?s {{ {subjects} }} ?st rdf:subject ?s }} }} {{ SELECT ?st ?o WHERE {{ VALUES ?o {{ {objects} }} ?st rdf:object ?o }} }}"
    " ?st rdf:predicate ?p . OPTIONAL {{ ?st exo:hedged ?hedged }} OPTIONAL {{ ?st exo:evidence ?ev . ?ev ?prop ?value }}"
)
_LINKS = """
SELECT ?g ?st ?s ?p ?o ?hedged ?ev ?prop ?value WHERE {{
  {{ {statements} }}
  {graphs}
}}
"""
#: the same in every named graph (asked only of a store that holds some)
_IN_GRAPHS = "UNION {{ GRAPH ?g {{ {statements} }} }}"
_DATABASE_EVIDENCE = vocab.EXO + "DatabaseEvidence"


@dataclass(frozen=True, order=True)
class Record:
    """One database record supporting (or refuting) a statement."""

    database_id: str
    pmid: str
    support_type: str
    experiments: tuple[str, ...] = ()
    source: str = ""  #: the database's IRI
    publication: str = ""

    @property
    def tier(self) -> str:
        return tier(self.support_type) or "unknown"


@dataclass
class Link:
    """A statement between the two entities: its triple, the graph it is in (None: the curated
    default graph), its curated evidence (quotes, references) and database records, and support."""

    key: str
    subject: str
    predicate: str
    object: str
    graph: str | None
    hedged: bool = False  #: the statement is hedged (exo:hedged true)
    records: list[Record] = field(default_factory=list)
    curated: list[dict[str, list[str]]] = field(default_factory=list)  #: each curated evidence's properties (IRI -> values)
    support: Support = Support()


def read_links(store: Store, subjects: Iterable[str], objects: Iterable[str], *, curated_support: Callable[[str], Support] | None = None) -> list[Link]:
    """The statements from any of ``subjects`` to any of ``objects`` and back, strongest first
    (by belief, then curated before imported, then by key). ``curated_support`` gives the support
    of curated statements (the index's, which counts the database evidence they gather too)."""
    a, b = sorted(set(subjects)), sorted(set(objects))
    both = []
    for x, y in ((a, b), (b, a)):
        statements = _STATEMENTS.format(subjects=_values(x), objects=_values(y))
        both.append(_LINKS.format(statements=statements, graphs=_IN_GRAPHS.format(statements=statements) if store.graphs() else ""))
    links: dict[tuple[str | None, str], Link] = {}
    fields: dict[tuple[str | None, str], dict[str, dict[str, list[str]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for rows in select_many(store, both):
        for g, st, s, p, o, hedged, ev, prop, value in rows:
            graph = g or None
            link = links.setdefault((graph, st), Link(st, s, p, o, graph))
            link.hedged = link.hedged or (hedged or "").strip() in ("true", "1")
            if ev:
                fields[(graph, st)][ev][prop].append(value)
    out = []
    for where, link in links.items():
        for props in fields.get(where, {}).values():
            if _DATABASE_EVIDENCE in props.get(vocab.RDF + "type", []):
                link.records.append(
                    Record(
                        _one(props, "databaseId"),
                        _one(props, "pmid"),
                        _one(props, "supportType"),
                        tuple(sorted(props.get(vocab.EXO + "experiment", []))),
                        _one(props, "source"),
                        _one(props, "curatedFrom"),
                    )
                )
            else:
                link.curated.append({k: sorted(v) for k, v in props.items()})
        link.records.sort()
        link.curated.sort(key=lambda f: (f.get(vocab.EXO + "section", [""]), f.get(vocab.EXO + "quote", [""])))
        if link.graph is None and curated_support is not None:
            link.support = curated_support(link.key)
        else:
            tiers: dict[str, set[str]] = defaultdict(set)
            for record in link.records:
                if record.tier != "unknown":
                    tiers[record.pmid].add(record.tier)
            strong, weak, negative = by_tier(tiers)
            link.support = Support(len(link.curated), strong, weak, negative)
        out.append(link)
    out.sort(key=lambda link: (-link.support.belief, link.graph is not None, link.graph or "", link.key))
    return out


def _values(iris: Iterable[str]) -> str:
    return " ".join(iri_ref(i) for i in iris)


def _one(props: dict[str, list[str]], local: str) -> str:
    values = sorted(props.get(vocab.EXO + local, []))
    return values[0] if values else ""
