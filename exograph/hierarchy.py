"""The hierarchy between curated entities, taken from the reference releases, not typed by hand.

:func:`derive` reads the verified cross-references of the curated entities and gives the
``skos:broader`` links that matter, each with its provenance (:class:`Broader`):

- a cancer to its parents in the Disease Ontology, up to "cancer" (DOID:162): the ancestors on
  the way that the review does not name become entities of their own (:data:`ANCESTOR_COMMENT`),
  so that "lung cancer" exists and holds lung adenocarcinoma and non-small cell lung cancer;
- a mature microRNA to its precursor in miRBase (miRNA-21-5p to miRNA-21), the precursor
  becoming an entity when the review does not name it;
- a drug resistance (paclitaxel resistance) to "drug resistance" (the curation's own entity).

The links live in ``data/curation/broader.tsv`` (written by ``exograph hierarchy``, checked by the
tests against the releases) and compile to ``skos:broader`` triples, so SPARQL can walk them
(``?c skos:broader* ent:lung-cancer``) and the library widens ``--cancer`` to subtypes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from exograph import vocab
from exograph.errors import CurationError
from exograph.model import Entity
from exograph.reference import ReferenceData

CANCER = "DOID:162"
DRUG_RESISTANCE = "drug-resistance"  #: the curated entity every DrugResistance is a kind of
ANCESTOR_COMMENT = "Added from the {source} hierarchy ({via}); the review does not name it."
COLUMNS = ("entity", "broader", "kind", "via")
IS_A, MATURE_OF, RESISTANCE = "is_a", "mature-of", "resistance"


@dataclass(frozen=True, order=True)
class Broader:
    """``entity`` skos:broader ``broader`` (curated ids), why (kind), and the reference's own words."""

    entity: str
    broader: str
    kind: str  #: is_a (an ontology's is_a), mature-of (miRBase), resistance
    via: str  #: e.g. "DOID:3910 is_a DOID:3908 (doid.json)"


@dataclass
class Hierarchy:
    links: list[Broader] = field(default_factory=list)
    added: list[Entity] = field(default_factory=list)  #: entities the hierarchy needs that the curation lacks


def derive(entities: Iterable[Entity], reference: ReferenceData) -> Hierarchy:
    """The hierarchy of ``entities`` (the curated ones, by their verified cross-references)."""
    curated = sorted(entities, key=lambda e: e.local_id)
    by_xref: dict[str, str] = {}
    for e in curated:
        for xref in e.xrefs:
            by_xref.setdefault(xref, e.local_id)
    taken = {e.local_id for e in curated}
    out = Hierarchy()
    links: set[Broader] = set()

    def entity_for(curie: str, type_: str, name: str, synonyms: tuple[str, ...], source: str, via: str) -> str:
        if curie in by_xref:
            return by_xref[curie]
        local = _slug(name, taken)
        taken.add(local)
        by_xref[curie] = local
        out.added.append(Entity(vocab.entity_iri(local), type_, name, synonyms, (curie,), comment=ANCESTOR_COMMENT.format(source=source, via=via)))
        return local

    doid = reference.vocabulary("doid")
    if doid is not None:
        in_cancer = {CANCER} | {c for c in doid.terms if CANCER in doid.ancestors(c)}
        frontier = sorted({x for e in curated if e.type == "CancerType" for x in e.xrefs if x in in_cancer})
        seen: set[str] = set()
        while frontier:
            curie = frontier.pop(0)
            if curie in seen or curie == CANCER:
                continue
            seen.add(curie)
            term = doid.terms[curie]
            child = by_xref.get(curie)
            assert child is not None
            for parent in sorted(p for p in term.parents if p in in_cancer):
                parent_term = doid.terms[parent]
                parent_id = entity_for(parent, "CancerType", parent_term.name, (), "Disease Ontology", f"{parent}, an is_a ancestor of {curie}")
                links.add(Broader(child, parent_id, IS_A, f"{curie} is_a {parent} ({doid.source.name})"))
                frontier.append(parent)
    mirbase = reference.vocabulary("mirbase")
    if mirbase is not None:
        for e in curated:
            if e.type != "MicroRNA":
                continue
            own = set(e.xrefs)
            for xref in e.xrefs:
                mature = mirbase.get(xref) if xref.startswith("mirbase.mature:") else None
                for precursor in mature.parents if mature else ():
                    if precursor in own:
                        continue  # the entity names both (a precursor with one mature product)
                    pre = mirbase.terms[precursor]
                    label = re.sub(r"^[a-z]{3}-mir-", "miRNA-", pre.name)
                    parent_id = entity_for(precursor, "MicroRNA", label, (pre.name,), "miRBase", f"precursor of {xref}")
                    links.add(Broader(e.local_id, parent_id, MATURE_OF, f"{xref} is a mature product of {precursor} ({mirbase.source.name})"))
    if DRUG_RESISTANCE in taken:
        for e in curated:
            if e.type == "DrugResistance" and e.local_id != DRUG_RESISTANCE:
                links.add(Broader(e.local_id, DRUG_RESISTANCE, RESISTANCE, "a resistance to one drug is a drug resistance (curation)"))
    out.links = sorted(links)
    out.added.sort(key=lambda e: e.local_id)
    return out


def _slug(name: str, taken: set[str]) -> str:
    """A curated-style id: 'lung cancer' -> lung-cancer; microRNA names keep their case (miRNA-19a)."""
    base = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-") or "term"
    base = base if base.startswith("miRNA-") else base.lower()
    local, n = base, 2
    while local in taken:
        local, n = f"{base}-{n}", n + 1
    return local


def write_table(links: Sequence[Broader]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
    writer.writerow(COLUMNS)
    for link in sorted(links):
        writer.writerow([link.entity, link.broader, link.kind, link.via])
    return out.getvalue()


def read_table(path: Path) -> list[Broader]:
    """The links of a broader.tsv (none when the file does not exist); a bad row raises CurationError."""
    if not path.is_file():
        return []
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise CurationError(f"{path}:1: the header must be the columns {', '.join(COLUMNS)} separated by tabs")
    links = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS) or row[2] not in (IS_A, MATURE_OF, RESISTANCE):
            raise CurationError(f"{path}:{number}: a row is entity, broader, kind ({IS_A}, {MATURE_OF} or {RESISTANCE}) and via, separated by tabs")
        links.append(Broader(*row))
    return links


def update_curation(directory: Path, reference: ReferenceData) -> Hierarchy:
    """Derive the hierarchy of the curation in ``directory``: write ``broader.tsv`` and add the
    entities it needs to ``entities.tsv`` (rows appended; nothing else changed), atomically each."""
    from exograph.io.curation import read_curation
    from exograph.io.turtle import write_text_atomic

    cur = read_curation(directory)
    if cur.errors:
        first = cur.errors[0]
        raise CurationError(f"{first.subject}: {first.message}; fix the curation first ('exograph validate --curation {directory}')")
    found = derive(cur.entities.values(), reference)
    table = directory / "entities.tsv"
    if found.added:
        text = table.read_text(encoding="utf-8")
        rows = [_entity_row(e) for e in found.added]
        write_text_atomic(table, text.rstrip("\n") + "\n" + "\n".join(rows) + "\n")
    write_text_atomic(directory / "broader.tsv", write_table(found.links))
    return found


def _entity_row(e: Entity) -> str:
    from exograph.io.curation import entity_row

    return entity_row(e)
