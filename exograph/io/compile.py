"""The curated entities and relations compiled to an rdflib graph: plain triples plus statement
nodes (the RDF reification vocabulary), as :mod:`exograph.build` writes ``data/triples.ttl``."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib import Literal as RLiteral

from exograph import vocab
from exograph.model import Entity, Relation

EXO = Namespace(vocab.EXO)
SKOS = Namespace(vocab.SKOS)
OBOINOWL = Namespace(vocab.OBOINOWL)
DCTERMS = Namespace(vocab.DCTERMS)

#: the review the packaged graph is curated from
REVIEW_ID = "oncolrep-38-665"
REVIEW_CITATION = "Oncology Reports 38:665-675, 2017"
#: the review's reference list is numbered 1 to this (the highest number its text prints)
REVIEW_REFERENCES = 138


def review_iri(review_id: str = REVIEW_ID) -> URIRef:
    return URIRef(vocab.REVIEW + review_id)


def reference_iri(number: int, review_id: str = REVIEW_ID) -> URIRef:
    return URIRef(f"{vocab.REFERENCE}{review_id}-{number}")


def compile_graph(entities: Iterable[Entity], relations: Iterable[Relation], broader: Iterable[tuple[str, str]] = ()) -> Graph:
    """The RDF graph of curated entities and relations: plain triples plus statement nodes."""
    g = Graph()
    for prefix, namespace in vocab.PREFIXES.items():
        g.bind(prefix, namespace)
    review = review_iri()
    g.add((review, RDF.type, EXO.Review))
    g.add((review, RDFS.label, RLiteral(f"Review, {REVIEW_CITATION}")))
    g.add((review, DCTERMS.bibliographicCitation, RLiteral(REVIEW_CITATION)))
    for number in range(1, REVIEW_REFERENCES + 1):  # all of them, so coverage can be counted
        ref = reference_iri(number)
        g.add((ref, RDF.type, EXO.Reference))
        g.add((ref, RDFS.label, RLiteral(f"Reference {number} of {REVIEW_CITATION}")))
        g.add((ref, EXO.referenceNumber, RLiteral(number)))
        g.add((ref, EXO.citedIn, review))
    for entity in entities:
        _add_entity(g, entity)
    for rel in relations:
        _add_relation(g, rel, review)
    for narrower, wider in broader:
        g.add((URIRef(narrower), SKOS.broader, URIRef(wider)))
    return g


def _add_entity(g: Graph, e: Entity) -> None:
    node = URIRef(e.id)
    g.add((node, RDF.type, URIRef(vocab.exo(vocab.CLASSES[e.type]))))
    g.add((node, RDFS.label, RLiteral(e.label)))
    for synonym in e.synonyms:
        g.add((node, SKOS.altLabel, RLiteral(synonym)))
    for xref in e.xrefs:
        g.add((node, OBOINOWL.hasDbXref, RLiteral(xref)))
    if e.generic:
        g.add((node, EXO.generic, RLiteral(True)))
    if e.resistance_to:
        g.add((node, EXO.resistanceTo, URIRef(e.resistance_to)))
    if e.comment:
        g.add((node, RDFS.comment, RLiteral(e.comment)))


def _add_relation(g: Graph, rel: Relation, review: URIRef) -> None:
    s, p, o = URIRef(rel.subject), URIRef(rel.predicate), URIRef(rel.object)
    g.add((s, p, o))
    stmt = URIRef(rel.key)
    g.add((stmt, RDF.type, EXO.Statement))
    g.add((stmt, RDF.subject, s))
    g.add((stmt, RDF.predicate, p))
    g.add((stmt, RDF.object, o))
    for spec in vocab.CONTEXT:
        value = getattr(rel.context, spec.name)
        if spec.kind == "flag" and (value or not spec.omitted_when_empty):
            g.add((stmt, EXO[spec.rdf_property], RLiteral(bool(value))))
            continue
        for v in value if spec.many else (value,) if value else ():
            g.add((stmt, EXO[spec.rdf_property], URIRef(v) if spec.kind == "entity" else RLiteral(v)))
    for note in rel.notes:
        g.add((stmt, EXO.note, RLiteral(note)))
    for ev in rel.evidences:
        node = URIRef(f"{vocab.EVIDENCE}{rel.local_id}--{ev.key}")
        g.add((stmt, EXO.evidence, node))
        g.add((node, RDF.type, EXO.Evidence))
        if ev.publication:
            source = URIRef(ev.publication)
            curie = vocab.publication_curie(ev.publication)
            g.add((node, EXO.curatedFrom, source))
            g.add((source, RDF.type, EXO.Publication))
            g.add((source, RDFS.label, RLiteral(curie)))
            g.add((source, DCTERMS.identifier, RLiteral(curie)))
        else:
            g.add((node, EXO.curatedFrom, review))
        if ev.refs_printed:
            g.add((node, EXO.refsAsPrinted, RLiteral(ev.refs_printed)))
        g.add((node, EXO.section, RLiteral(ev.section)))
        g.add((node, EXO.quote, RLiteral(ev.quote)))
        if ev.first_author:
            g.add((node, EXO.firstAuthor, RLiteral(ev.first_author)))
        for number in ev.refs:
            g.add((node, EXO.reference, reference_iri(number)))
