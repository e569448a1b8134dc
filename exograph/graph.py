"""The RDF graph projected onto entities and relation edges, and from there onto networkx.

A :class:`Projection` holds what paths, neighbours, resolution and viz need: each entity with its
label, type, synonyms and cross-references, and each relation as an :class:`Edge` carrying its
context and evidence. It is built from any :class:`~exograph.store.Store` by triple patterns and
is plain data, so it can be cached between runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from exograph import vocab
from exograph.model import Context, Entity, Evidence

if TYPE_CHECKING:
    import networkx as nx

    from exograph.store import Store

#: more specific classes first: an entity typed with several shows the first one found
_CLASS_PRIORITY = (
    "DrugResistance",
    "CancerPhenotype",
    "BiologicalProcess",
    "Exosome",
    "ExtracellularVesicle",
    "MicroRNA",
    "LncRNA",
    "CircRNA",
    "MessengerRNA",
    "DNA",
    "Lipid",
    "GeneOrProtein",
    "SignallingPathway",
    "Drug",
    "CancerType",
    "CellType",
    "Biofluid",
)
_NOT_ENTITIES = {vocab.EXO + c for c in ("Statement", "Evidence", "Reference", "Review")} | {
    vocab.OWL + c for c in ("Class", "ObjectProperty", "DatatypeProperty", "Ontology", "AnnotationProperty")
}


@dataclass(frozen=True)
class Edge:
    """One relation between two entities: its statement (if reified), context and evidence."""

    key: str  #: the statement IRI, or subject|predicate|object for a plain triple
    subject: str
    predicate: str
    object: str
    context: Context = Context()
    evidences: tuple[Evidence, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def predicate_label(self) -> str:
        return _PREDICATE_LABELS.get(vocab.local_name(self.predicate), vocab.local_name(self.predicate))

    @property
    def refs(self) -> list[int]:
        return sorted({n for ev in self.evidences for n in ev.refs})


_PREDICATE_LABELS = {
    "releasedBy": "released by",
    "takenUpBy": "taken up by",
    "confersDrugResistance": "confers resistance to",
    "actsAsCeRNAFor": "acts as ceRNA for",
    "biomarkerFor": "biomarker for",
    "detectedIn": "detected in",
    "therapyFor": "therapy for",
}


@dataclass
class Projection:
    """Entities by IRI and relation edges, sorted by key."""

    entities: dict[str, Entity] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    triple_count: int = 0
    reference_numbers: tuple[int, ...] = ()  #: every numbered reference the graph knows of

    def label(self, iri: str) -> str:
        entity = self.entities.get(iri)
        return entity.label if entity else vocab.local_name(iri)

    def type(self, iri: str) -> str:
        entity = self.entities.get(iri)
        return entity.type if entity else "Entity"

    def describe(self, iri: str) -> dict[str, str]:
        """The JSON form of an entity: id, label, type."""
        return {"id": iri, "label": self.label(iri), "type": self.type(iri)}


def project(store: Store) -> Projection:
    """Read entities, statements and plain relation triples out of ``store``."""
    from rdflib import RDF, RDFS, Literal, URIRef

    relation_predicates = {URIRef(vocab.EXO + p) for p in vocab.PREDICATES}
    labels: dict[str, str] = {}
    synonyms: dict[str, set[str]] = defaultdict(set)
    xrefs: dict[str, set[str]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    for s, _, o in store.triples((None, RDF.type, None)):
        types[str(s)].add(str(o))
    for s, _, o in store.triples((None, RDFS.label, None)):
        labels.setdefault(str(s), str(o))
    for predicate in (vocab.SKOS + "prefLabel",):
        for s, _, o in store.triples((None, URIRef(predicate), None)):
            labels[str(s)] = str(o)
    for predicate in (vocab.SKOS + "altLabel", vocab.OBOINOWL + "hasExactSynonym"):
        for s, _, o in store.triples((None, URIRef(predicate), None)):
            synonyms[str(s)].add(str(o))
    for s, _, o in store.triples((None, URIRef(vocab.OBOINOWL + "hasDbXref"), None)):
        xrefs[str(s)].add(str(o))

    # statements and their context
    stmt_parts: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    for s, _, _ in store.triples((None, RDF.type, URIRef(vocab.EXO + "Statement"))):
        for _, p, o in store.triples((s, None, None)):
            stmt_parts[str(s)][str(p)].append(o.toPython() if isinstance(o, Literal) else str(o))
    evidence_parts: dict[str, dict[str, list[object]]] = {}
    for parts in stmt_parts.values():
        for ev in parts.get(vocab.EXO + "evidence", []):
            fields: dict[str, list[object]] = defaultdict(list)
            for _, p, o in store.triples((URIRef(str(ev)), None, None)):
                fields[str(p)].append(o.toPython() if isinstance(o, Literal) else str(o))
            evidence_parts[str(ev)] = fields

    reviews = {str(s) for s, _, _ in store.triples((None, RDF.type, URIRef(vocab.EXO + "Review")))}
    ref_numbers = {str(s): int(str(o)) for s, _, o in store.triples((None, URIRef(vocab.EXO + "referenceNumber"), None))}
    edges: dict[str, Edge] = {}
    reified: set[tuple[str, str, str]] = set()
    for key, parts in stmt_parts.items():
        try:
            (subj,), (pred,), (obj,) = parts[vocab.RDF + "subject"], parts[vocab.RDF + "predicate"], parts[vocab.RDF + "object"]
        except ValueError:
            continue  # a malformed statement: exograph validate reports it
        triple = (str(subj), str(pred), str(obj))
        reified.add(triple)
        edges[key] = Edge(
            key,
            *triple,
            context=_context(parts),
            evidences=tuple(sorted(_evidence(evidence_parts[str(e)], ref_numbers, reviews) for e in parts.get(vocab.EXO + "evidence", []))),
            notes=tuple(sorted(str(n) for n in parts.get(vocab.EXO + "note", []))),
        )
    for predicate in relation_predicates:
        for s, p, o in store.triples((None, predicate, None)):
            triple = (str(s), str(p), str(o))
            if triple not in reified and isinstance(o, URIRef):
                key = "|".join(triple)
                edges[key] = Edge(key, *triple)

    entity_iris = {i for i, t in types.items() if not (t & _NOT_ENTITIES) and any(x.startswith(vocab.EXO) for x in t)}
    entity_iris |= {e.subject for e in edges.values()} | {e.object for e in edges.values()}
    entities = {
        iri: Entity(
            id=iri,
            type=_pick_type(types.get(iri, set())),
            label=labels.get(iri, vocab.local_name(iri)),
            synonyms=tuple(sorted(synonyms.get(iri, ()))),
            xrefs=tuple(sorted(xrefs.get(iri, ()))),
        )
        for iri in sorted(entity_iris)
    }
    return Projection(entities, sorted(edges.values(), key=lambda e: e.key), len(store), tuple(sorted(set(ref_numbers.values()))))


def _pick_type(types: set[str]) -> str:
    local = {t[len(vocab.EXO) :] for t in types if t.startswith(vocab.EXO)}
    for name in _CLASS_PRIORITY:
        if name in local:
            return name
    return sorted(vocab.local_name(t) for t in types)[0] if types else "Entity"


def _one(parts: dict[str, list[object]], prop: str) -> object | None:
    values = parts.get(vocab.EXO + prop)
    return sorted(values, key=str)[0] if values else None


def _context(parts: dict[str, list[object]]) -> Context:
    def many(prop: str) -> tuple[str, ...]:
        return tuple(sorted(str(v) for v in parts.get(vocab.EXO + prop, [])))

    def one(prop: str) -> str | None:
        value = _one(parts, prop)
        return None if value is None else str(value)

    return Context(
        cancer=one("cancerType"),
        donor=one("donorCell"),
        recipient=one("recipientCell"),
        biofluid=many("biofluid"),
        subject_state=one("subjectState"),
        object_state=one("objectState"),
        negated=bool(_one(parts, "negated")),
        clinical_value=many("clinicalValue"),
    )


def _evidence(parts: dict[str, list[object]], ref_numbers: dict[str, int], reviews: set[str]) -> Evidence:
    refs = parts.get(vocab.EXO + "reference", [])
    numbers = tuple(sorted(ref_numbers[str(r)] for r in refs if str(r) in ref_numbers))
    return Evidence(
        refs=numbers,
        refs_printed=str(_one(parts, "refsAsPrinted") or ",".join(map(str, numbers))),
        section=str(_one(parts, "section") or ""),
        quote=str(_one(parts, "quote") or ""),
        first_author=str(_one(parts, "firstAuthor")) if _one(parts, "firstAuthor") else None,
        publication=next((str(s) for s in parts.get(vocab.EXO + "curatedFrom", []) if str(s) not in reviews), None),
    )


def to_networkx(projection: Projection, edges: Iterable[Edge] | None = None) -> nx.MultiDiGraph:
    """A MultiDiGraph: entity IRIs as nodes (label, type), one keyed edge per relation."""
    import networkx as nx

    g = nx.MultiDiGraph()
    chosen = projection.edges if edges is None else list(edges)
    for iri, entity in projection.entities.items():
        g.add_node(iri, label=entity.label, type=entity.type)
    for e in chosen:
        g.add_edge(e.subject, e.object, key=e.key, predicate=e.predicate, label=e.predicate_label, edge=e)
    return g
