"""Turtle in and out: the curated graph compiled to triples, written deterministically.

The writer sorts subjects, predicates and objects and uses prefixed names where they are
valid, so a diff of ``data/triples.ttl`` shows exactly which records changed.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from exograph import vocab
from exograph.errors import DataError
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


def publication_iri(curie: str) -> URIRef:
    """The resolvable IRI of a publication CURIE: pmid:N -> PubMed, doi:X -> doi.org."""
    prefix, _, local = curie.partition(":")
    if prefix == "pmid":
        return URIRef(f"https://pubmed.ncbi.nlm.nih.gov/{local}/")
    return URIRef(f"https://doi.org/{local}")


def compile_graph(entities: Iterable[Entity], relations: Iterable[Relation]) -> Graph:
    """The RDF graph of curated entities and relations: plain triples plus statement nodes."""
    g = Graph()
    for prefix, namespace in vocab.PREFIXES.items():
        g.bind(prefix, namespace)
    review = review_iri()
    g.add((review, RDF.type, EXO.Review))
    g.add((review, RDFS.label, Literal(f"Review, {REVIEW_CITATION}")))
    g.add((review, DCTERMS.bibliographicCitation, Literal(REVIEW_CITATION)))
    for number in range(1, REVIEW_REFERENCES + 1):  # all of them, so coverage can be counted
        ref = reference_iri(number)
        g.add((ref, RDF.type, EXO.Reference))
        g.add((ref, RDFS.label, Literal(f"Reference {number} of {REVIEW_CITATION}")))
        g.add((ref, EXO.referenceNumber, Literal(number)))
        g.add((ref, EXO.citedIn, review))
    for entity in entities:
        _add_entity(g, entity)
    for rel in relations:
        _add_relation(g, rel, review)
    return g


def _ent(entity_id: str) -> URIRef:
    return URIRef(vocab.entity_iri(entity_id))


def _add_entity(g: Graph, e: Entity) -> None:
    node = _ent(e.id)
    g.add((node, RDF.type, URIRef(vocab.exo(vocab.CLASSES[e.type]))))
    g.add((node, RDFS.label, Literal(e.label)))
    for synonym in e.synonyms:
        g.add((node, SKOS.altLabel, Literal(synonym)))
    for xref in e.xrefs:
        g.add((node, OBOINOWL.hasDbXref, Literal(xref)))
    if e.resistance_to:
        g.add((node, EXO.resistanceTo, _ent(e.resistance_to)))
    if e.comment:
        g.add((node, RDFS.comment, Literal(e.comment)))


def _add_relation(g: Graph, rel: Relation, review: URIRef) -> None:
    s, p, o = _ent(rel.subject), URIRef(vocab.exo(rel.predicate)), _ent(rel.object)
    g.add((s, p, o))
    stmt = URIRef(vocab.STATEMENT + rel.id)
    g.add((stmt, RDF.type, EXO.Statement))
    g.add((stmt, RDF.subject, s))
    g.add((stmt, RDF.predicate, p))
    g.add((stmt, RDF.object, o))
    c = rel.context
    for column, (prop, _) in vocab.CONTEXT_FIELDS.items():
        value = getattr(c, column)
        for v in value if isinstance(value, tuple) else (value,) if value else ():
            g.add((stmt, EXO[prop], _ent(v)))
    if c.subject_state:
        g.add((stmt, EXO.subjectState, Literal(c.subject_state)))
    if c.object_state:
        g.add((stmt, EXO.objectState, Literal(c.object_state)))
    g.add((stmt, EXO.negated, Literal(c.negated)))
    for value in c.clinical_value:
        g.add((stmt, EXO.clinicalValue, Literal(value)))
    for note in rel.notes:
        g.add((stmt, EXO.note, Literal(note)))
    for ev in rel.evidences:
        node = URIRef(f"{vocab.EVIDENCE}{rel.id}--{ev.key}")
        g.add((stmt, EXO.evidence, node))
        g.add((node, RDF.type, EXO.Evidence))
        if ev.publication:
            source = publication_iri(ev.publication)
            g.add((node, EXO.curatedFrom, source))
            g.add((source, RDF.type, EXO.Publication))
            g.add((source, RDFS.label, Literal(ev.publication)))
            g.add((source, DCTERMS.identifier, Literal(ev.publication)))
        else:
            g.add((node, EXO.curatedFrom, review))
        if ev.refs_printed:
            g.add((node, EXO.refsAsPrinted, Literal(ev.refs_printed)))
        g.add((node, EXO.section, Literal(ev.section)))
        g.add((node, EXO.quote, Literal(ev.quote)))
        if ev.first_author:
            g.add((node, EXO.firstAuthor, Literal(ev.first_author)))
        for number in ev.refs:
            g.add((node, EXO.reference, reference_iri(number)))


# --------------------------------------------------------------------------- writing

_PN_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def turtle_text(g: Graph, prefixes: dict[str, str] | None = None) -> str:
    """Deterministic Turtle for ``g``: sorted, one subject block each, prefixed names where valid."""
    prefixes = dict(vocab.PREFIXES if prefixes is None else prefixes)
    used: set[str] = set()

    def term(node: Node) -> str:
        if isinstance(node, URIRef):
            if node == RDF.type:
                return "a"
            iri = str(node)
            for prefix, namespace in prefixes.items():
                if iri.startswith(namespace) and _PN_LOCAL.fullmatch(iri[len(namespace) :]):
                    used.add(prefix)
                    return f"{prefix}:{iri[len(namespace) :]}"
            return f"<{iri}>"
        if isinstance(node, Literal):
            if node.datatype in (XSD.boolean, XSD.integer) and not node.language:
                return str(node).lower() if node.datatype == XSD.boolean else str(node)
            return node.n3()
        if isinstance(node, BNode):
            return f"_:{node}"
        raise DataError(f"cannot write term {node!r} as Turtle")

    def sort_key(node: Node) -> tuple[int, str]:
        if node == RDF.type:
            return (0, "")
        return (1 if isinstance(node, URIRef) else 2, str(node))

    blocks = []
    for subject in sorted(set(g.subjects()), key=sort_key):
        lines = []
        for predicate in sorted(set(g.predicates(subject)), key=sort_key):
            objects = sorted(g.objects(subject, predicate), key=sort_key)
            lines.append(f"    {term(predicate)} " + " ,\n        ".join(term(o) for o in objects))
        blocks.append(term(subject) + "\n" + " ;\n".join(lines) + " .\n")
    header = "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in sorted(used))
    return header + "\n" + "\n".join(blocks)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file and a rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- reading

_FORMATS = {".ttl": "turtle", ".nt": "nt", ".n3": "n3", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld", ".rdf": "xml", ".owl": "xml", ".xml": "xml"}


def parse_into(g: Graph, path: Path) -> None:
    """Parse an RDF file into ``g``; a syntax error becomes a one-line DataError with file:line."""
    if not path.is_file():
        raise DataError(f"{path}: no such file; pass an existing Turtle file to --data")
    fmt = _FORMATS.get(path.suffix.lower(), "turtle")
    try:
        g.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many types; all mean the file is malformed
        raise DataError(f"{path}:{_line_of(exc)}: malformed {fmt}: {_first_line(exc)}; fix the syntax there") from None


def _line_of(exc: Exception) -> str:
    # rdflib's Turtle errors keep the text and the offset of the fault; their "line N" runs past
    # the end of the file when the fault is at the end, so count the lines ourselves
    text, offset = getattr(exc, "_str", None), getattr(exc, "_i", None)
    if isinstance(text, bytes | str) and isinstance(offset, int):
        newline = b"\n" if isinstance(text, bytes) else "\n"
        return str(text[:offset].count(newline) + 1)  # type: ignore[arg-type]
    match = re.search(r"line (\d+)", str(exc))
    return match.group(1) if match else "?"


def _first_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    match = re.search(r"Bad syntax \(([^)]*)\)", text)
    if match:
        return match.group(1)
    return text[:160] if text else type(exc).__name__
