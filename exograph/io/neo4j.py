"""Neo4j's bulk-import CSVs (``nodes.csv``, ``relationships.csv``): ``exograph export --format neo4j``.

The header row of each file is what ``neo4j-admin database import`` reads: ``id:ID`` (the entity
IRI, kept as the ``id`` property), ``:LABEL`` (``Entity``, the entity's exograph class and the
classes above it in the ontology of the store), ``:START_ID`` / ``:END_ID`` / ``:TYPE`` (the
predicate's local name in upper snake case: ``TARGETS``, ``RELEASED_BY``), and typed properties
(``refs:int[]``, ``negated:boolean``, ``biofluid:string[]``) with arrays split at ``;``, Neo4j's
default array delimiter. Every relation is one relationship row keyed by its statement (``key``),
so the relations that join the same two entities stay apart. Values are quoted as CSV quotes them
(Neo4j's default ``"``); a line break inside a value becomes a space (the importer reads one
record per line unless told ``--multiline-fields``), a ``;`` inside an array item a comma.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from exograph import vocab
from exograph.model import Entity, Relation, closure
from exograph.store import select_values

if TYPE_CHECKING:
    from exograph.kg import KnowledgeGraph

#: the label every entity node has, beside its classes
ENTITY_LABEL = "Entity"
ARRAY_DELIMITER = ";"

NODE_HEADER: tuple[str, ...] = ("id:ID", ":LABEL", "label", "type", "synonyms:string[]", "xrefs:string[]", "generic:boolean")


def _context_header() -> tuple[str, ...]:
    kinds = {"flag": "boolean", "entity": "string", "text": "string"}
    return tuple(f"{spec.name}:{kinds[spec.kind]}{'[]' if spec.many else ''}" for spec in vocab.CONTEXT)


RELATIONSHIP_HEADER: tuple[str, ...] = (":START_ID", ":END_ID", ":TYPE", "key", "predicate", "label", "refs:int[]", "evidences:int", *_context_header())

_SUPERCLASSES = f"""SELECT ?class ?parent WHERE {{
  ?class rdfs:subClassOf ?parent .
  FILTER(isIRI(?class) && isIRI(?parent) && STRSTARTS(STR(?class), "{vocab.EXO}") && STRSTARTS(STR(?parent), "{vocab.EXO}"))
}}"""


def to_neo4j(kg: KnowledgeGraph) -> dict[str, bytes]:
    """The graph of ``kg`` as Neo4j import CSVs: ``{"nodes.csv": ..., "relationships.csv": ...}``,
    nodes sorted by id and relationships by key."""
    parents: dict[str, list[str]] = defaultdict(list)
    for cls, parent in select_values(kg.store, _SUPERCLASSES):
        parents[vocab.local_name(cls)].append(vocab.local_name(parent))
    relations = kg.relations()
    entities = list(kg.index.entities())
    known = {e.id for e in entities}
    ends = {iri for r in relations for iri in (r.subject, r.object)}
    entities += [Entity(iri, "", kg.index.label(iri)) for iri in sorted(ends - known)]  # an untyped end: a node with no class
    nodes = [_node(e, parents) for e in sorted(entities, key=lambda e: e.id)]
    rows = [_relationship(r) for r in sorted(relations, key=lambda r: r.key)]
    return {"nodes.csv": _csv(NODE_HEADER, nodes), "relationships.csv": _csv(RELATIONSHIP_HEADER, rows)}


def relationship_type(predicate: str) -> str:
    """A predicate's relationship type: its local name in upper snake case (actsAsCeRNAFor -> ACTS_AS_CE_RNA_FOR)."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[A-Z]", vocab.local_name(predicate))
    return "_".join(w.upper() for w in words) or "RELATED_TO"


def _node(entity: Entity, parents: dict[str, list[str]]) -> list[str]:
    classes = sorted(closure([entity.type], parents)) if entity.type else []
    return [
        entity.id,
        _array([ENTITY_LABEL, *classes]),
        entity.label,
        entity.type,
        _array(sorted(entity.synonyms)),
        _array(sorted(entity.xrefs)),
        "true" if entity.generic else "false",
    ]


def _relationship(rel: Relation) -> list[str]:
    row = [
        rel.subject,
        rel.object,
        relationship_type(rel.predicate),
        rel.key,
        rel.predicate,
        rel.predicate_label,
        _array(map(str, rel.refs)),
        str(len(rel.evidences)),
    ]
    for spec in vocab.CONTEXT:
        value = getattr(rel.context, spec.name)
        if spec.kind == "flag":
            row.append("true" if value else "false")
        else:
            row.append(_array(value) if spec.many else value or "")
    return row


def _array(items: Iterable[str]) -> str:
    return ARRAY_DELIMITER.join(item.replace(ARRAY_DELIMITER, ",") for item in items if item)


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([" ".join(v.splitlines()) if ("\n" in v or "\r" in v) else v for v in row] for row in rows)
    return out.getvalue().encode("utf-8")
