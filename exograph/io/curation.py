"""Read the curator-friendly tables under ``data/curation/``.

``entities.tsv`` holds one entity a row; ``relations/*.tsv`` one claim-with-evidence a row. Rows
that make the same claim merge into one relation with several evidences. Every problem is
collected with its file:line and a fix, never only the first.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from exograph import vocab
from exograph.model import Context, Entity, Evidence, Problem, Relation, merge_relations

ENTITY_COLUMNS = ("id", "type", "label", "synonyms", "xrefs", "no_xref", "generic", "resistance_to", "comment")
RELATION_COLUMNS = (
    "subject",
    "subject_state",
    "predicate",
    "object",
    "object_state",
    "negated",
    "hedged",
    "cancer",
    "donor",
    "donor_condition",
    "recipient",
    "biofluid",
    "site",
    "clinical_value",
    "clinical_endpoint",
    "refs",
    "first_author",
    "section",
    "quote",
    "note",
)
#: an optional last column: where the evidence comes from when it is not the review
SOURCE_COLUMN = "source"
#: a PubMed id, or a DOI whose suffix holds only characters an IRI can carry as they are
_SOURCE = re.compile(r"pmid:[1-9][0-9]{0,8}|doi:10\.[0-9]{4,9}/[^\s<>\"{}|\\^`]+")

#: syntax of cross-reference CURIEs by prefix (bioregistry prefixes)
XREF_PATTERNS: dict[str, str] = {
    "mirbase": r"MI\d{7}",
    "mirbase.mature": r"MIMAT\d{7}",
    "HGNC": r"\d{1,6}",
    "CHEBI": r"\d{1,7}",
    "MONDO": r"\d{7}",
    "DOID": r"\d{1,7}",
    "UBERON": r"\d{7}",
    "CL": r"\d{7}",
    "GO": r"\d{7}",
}

#: a note that starts so keeps a cell type as the subject: the text makes the cell itself act
CELL_AGENT_NOTE = "Cell as agent:"
#: words that hedge a finding: a row whose quote has one must say whether its relation is hedged
HEDGE_WORDS = re.compile(
    r"\b(may|might|could|suggest\w*|potential\w*|possibl\w*|likely|probabl\w*|appear\w*|thought to|envisage\w*|implicat\w*|promising)\b", re.I
)

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_REFS = re.compile(r"\d+(-\d+)?(,\s*\d+(-\d+)?)*")


@dataclass
class Curation:
    """The curated entities (by curated id) and relations, and the problems found reading them."""

    entities: dict[str, Entity] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    broader: list[tuple[str, str]] = field(default_factory=list)  #: (entity IRI, broader entity IRI), from broader.tsv

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "ERROR"]


def read_curation(directory: Path) -> Curation:
    """Read ``entities.tsv`` and every ``relations/*.tsv`` below ``directory``."""
    cur = Curation()
    entities_file = directory / "entities.tsv"
    relation_files = sorted((directory / "relations").glob("*.tsv"))
    if not entities_file.is_file():
        cur.problems.append(Problem("ERROR", "missing-file", str(entities_file), "no entities table; create it with the header: " + "\t".join(ENTITY_COLUMNS)))
        return cur
    for where, row in _rows(entities_file, ENTITY_COLUMNS, cur.problems):
        entity = _entity(where, row, cur.problems)
        if entity is None:
            continue
        if entity.local_id in cur.entities:
            cur.problems.append(Problem("ERROR", "duplicate-entity", where, f"entity '{entity.local_id}' is defined twice; keep one row"))
            continue
        cur.entities[entity.local_id] = entity
    _check_entity_links(cur)
    _read_broader(directory / "broader.tsv", cur)
    relations = []
    for path in relation_files:
        for where, row in _rows(path, RELATION_COLUMNS, cur.problems, optional=SOURCE_COLUMN):
            rel = _relation(where, row, cur.entities, cur.problems)
            if rel is not None:
                relations.append(rel)
    cur.relations = merge_relations(relations)
    return cur


def entity_row(e: Entity) -> str:
    """The row of ``entities.tsv`` that reads back as ``e`` (tabs in values become spaces)."""
    cells = {
        "id": e.local_id,
        "type": e.type,
        "label": e.label,
        "synonyms": "|".join(e.synonyms),
        "xrefs": "|".join(e.xrefs),
        "no_xref": e.no_xref or "",
        "generic": "true" if e.generic else "",
        "resistance_to": vocab.entity_id(e.resistance_to) if e.resistance_to else "",
        "comment": e.comment or "",
    }
    return "\t".join(cells[c].replace("\t", " ") for c in ENTITY_COLUMNS)


def parse_refs(printed: str) -> tuple[int, ...]:
    """Reference numbers from a citation as printed: ``"77-80"`` -> (77, 78, 79, 80)."""
    if not _REFS.fullmatch(printed.strip()):
        raise ValueError(printed)
    numbers: set[int] = set()
    for part in printed.split(","):
        lo, _, hi = part.strip().partition("-")
        start, end = int(lo), int(hi or lo)
        if end < start:
            raise ValueError(printed)
        numbers.update(range(start, end + 1))
    return tuple(sorted(numbers))


def _rows(path: Path, columns: tuple[str, ...], problems: list[Problem], optional: str | None = None):
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = tuple(h.strip() for h in next(reader, None) or ())
        if optional and header == (*columns, optional):
            columns = header
        elif header != columns:
            extra = f" (and optionally {optional})" if optional else ""
            problems.append(Problem("ERROR", "bad-header", f"{path}:1", "the header must be the columns " + ", ".join(columns) + extra + " separated by tabs"))
            return
        for number, cells in enumerate(reader, start=2):
            where = f"{path}:{number}"
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(columns):
                problems.append(
                    Problem("ERROR", "bad-row", where, f"{len(cells)} tab-separated cells where {len(columns)} are expected; check for a missing or extra tab")
                )
                continue
            yield where, {k: v.strip() for k, v in zip(columns, cells, strict=True)}


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _entity(where: str, row: dict[str, str], problems: list[Problem]) -> Entity | None:
    ok = True
    if not _ID.fullmatch(row["id"]):
        problems.append(Problem("ERROR", "bad-id", where, f"entity id '{row['id']}' must be letters, digits, '-', '_' or '.'"))
        ok = False
    if row["type"] not in vocab.CLASSES:
        problems.append(Problem("ERROR", "unknown-type", where, f"type '{row['type']}' is not one of: {', '.join(sorted(vocab.CLASSES))}"))
        ok = False
    if not row["label"]:
        problems.append(Problem("ERROR", "missing-label", where, f"entity '{row['id']}' needs a label"))
        ok = False
    xrefs = _split(row["xrefs"])
    for xref in xrefs:
        prefix, _, local = xref.partition(":")
        pattern = XREF_PATTERNS.get(prefix)
        if pattern is None or not re.fullmatch(pattern, local):
            known = ", ".join(sorted(XREF_PATTERNS))
            problems.append(
                Problem(
                    "ERROR",
                    "bad-xref",
                    where,
                    f"cross-reference '{xref}' is not PREFIX:ID with a known prefix ({known}) and a valid ID; leave it out if unsure",
                )
            )
            ok = False
    if row["no_xref"] and row["no_xref"] not in vocab.NO_XREF_REASONS:
        problems.append(Problem("ERROR", "bad-no-xref", where, f"no_xref '{row['no_xref']}' is not one of: {', '.join(vocab.NO_XREF_REASONS)}"))
        ok = False
    if row["no_xref"] and xrefs:
        problems.append(Problem("ERROR", "bad-no-xref", where, "no_xref says why there is no cross-reference; leave it empty when xrefs has one"))
        ok = False
    if row["generic"] not in ("", "true"):
        problems.append(Problem("ERROR", "bad-generic", where, f"generic '{row['generic']}' must be true or empty"))
        ok = False
    if row["resistance_to"] and row["type"] != "DrugResistance":
        problems.append(Problem("ERROR", "bad-resistance-to", where, "resistance_to is only for entities of type DrugResistance"))
        ok = False
    if not ok:
        return None
    return Entity(
        id=vocab.entity_iri(row["id"]),
        type=row["type"],
        label=row["label"],
        synonyms=_split(row["synonyms"]),
        xrefs=xrefs,
        resistance_to=vocab.entity_iri(row["resistance_to"]) if row["resistance_to"] else None,
        comment=row["comment"] or None,
        no_xref=row["no_xref"] or None,
        generic=row["generic"] == "true",
    )


def _read_broader(path: Path, cur: Curation) -> None:
    """The hierarchy table (optional): each link between two entities of the table."""
    from exograph.errors import CurationError
    from exograph.hierarchy import read_table

    try:
        links = read_table(path)
    except CurationError as exc:
        cur.problems.append(Problem("ERROR", "bad-broader", str(path), str(exc)))
        return
    for number, link in enumerate(links, start=2):
        missing = [x for x in (link.entity, link.broader) if x not in cur.entities]
        if missing:
            cur.problems.append(Problem("ERROR", "unknown-entity", f"{path}:{number}", f"'{missing[0]}' is not in entities.tsv; run 'exograph hierarchy'"))
            continue
        cur.broader.append((vocab.entity_iri(link.entity), vocab.entity_iri(link.broader)))


def _check_entity_links(cur: Curation) -> None:
    for entity in list(cur.entities.values()):
        drug = vocab.entity_id(entity.resistance_to) if entity.resistance_to else None
        if drug and (drug not in cur.entities or cur.entities[drug].type != "Drug"):
            cur.problems.append(
                Problem("ERROR", "unknown-entity", entity.local_id, f"resistance_to '{drug}' is not an entity of type Drug; add it to entities.tsv")
            )


def _relation(where: str, row: dict[str, str], entities: dict[str, Entity], problems: list[Problem]) -> Relation | None:
    errors: list[Problem] = []

    def error(code: str, message: str) -> None:
        errors.append(Problem("ERROR", code, where, message))

    def known(column: str, value: str, expected: str | None = None) -> None:
        entity = entities.get(value)
        if entity is None:
            error("unknown-entity", f"{column} '{value}' is not in entities.tsv; add it there or fix the spelling")
        elif expected and entity.type != expected:
            error("wrong-type", f"{column} '{value}' is a {entity.type}, not a {expected}")

    for column in ("subject", "object"):
        if not row[column]:
            error("missing-field", f"the {column} column is empty")
        else:
            known(column, row[column])
    subject = entities.get(row["subject"])
    if subject is not None and subject.type == "CellType":
        if row["donor"]:
            error(
                "cell-as-agent",
                f"the subject '{row['subject']}' is a cell type and '{row['donor']}' the donor: the exosomes (or the cargo the text names) act;"
                f" make the subject 'exosome' or the cargo and keep the donor column",
            )
        elif not row["note"].startswith(CELL_AGENT_NOTE):
            error(
                "cell-as-agent",
                f"the subject '{row['subject']}' is a cell type: the agent is the exosome (or the cargo named) and the cell its donor;"
                f" keep a cell as subject only where the text makes the cell itself act, with a note starting '{CELL_AGENT_NOTE}'",
            )
    hedge = HEDGE_WORDS.search(row["quote"])
    if hedge and not row["hedged"]:
        error(
            "undecided-hedge",
            f"the quote says '{hedge.group(0)}': set hedged to true if that word hedges this relation,"
            " or to false if it does not (another clause, a plain ability)",
        )
    if row["predicate"] not in vocab.PREDICATES:
        error("unknown-predicate", f"predicate '{row['predicate']}' is not one of: {', '.join(vocab.PREDICATES)}")
    for spec in vocab.CONTEXT:
        if spec.kind == "entity":
            for value in _split(row[spec.name]):
                known(spec.name, value, spec.entity_type)
        elif spec.kind == "text" and spec.many is False:
            if row[spec.name] and row[spec.name] not in spec.values:
                error("bad-state", f"{spec.name} '{row[spec.name]}' is not one of: {', '.join(spec.values)}")
        elif spec.kind == "text":
            for value in _split(row[spec.name]):
                if value not in spec.values:
                    error(f"bad-{spec.name.replace('_', '-')}", f"{spec.name} '{value}' is not one of: {', '.join(spec.values)}")
        elif row[spec.name] not in ("", "true", "false"):
            error(f"bad-{spec.name}", f"{spec.name} '{row[spec.name]}' must be true, false or empty")
    publication = row.get(SOURCE_COLUMN) or None
    refs: tuple[int, ...] = ()
    if publication is None:
        try:
            refs = parse_refs(row["refs"])
        except ValueError:
            error("bad-refs", f"refs '{row['refs']}' must be reference numbers as printed, e.g. 49, 13,15 or 77-80")
        if row["section"] not in vocab.SECTIONS:
            error("bad-section", f"section '{row['section']}' is not one of: {'; '.join(vocab.SECTIONS)}")
    else:
        if not _SOURCE.fullmatch(publication):
            error("bad-source", f"source '{publication}' must be pmid:NUMBER or doi:10.PREFIX/SUFFIX (empty for the review)")
        if row["refs"]:
            error("bad-refs", "refs are reference numbers of the review; leave them empty when the source is another publication")
        if not row["section"]:
            error("missing-field", "name the section of the source the quote is from (e.g. Results)")
    if not row["quote"]:
        error("missing-quote", "every relation needs a verbatim quote from the review")
    for spec in vocab.CONTEXT:
        if not spec.many and "|" in row[spec.name]:
            error("multiple-values", f"{spec.name} takes one value; write one row per {spec.name}")
    if errors:
        problems.extend(errors)
        return None
    context = Context.of({spec.name: _context_value(spec, row[spec.name]) for spec in vocab.CONTEXT})
    evidence = Evidence(
        refs=refs,
        refs_printed=row["refs"],
        section=row["section"],
        quote=row["quote"],
        first_author=row["first_author"] or None,
        publication=vocab.publication_iri(publication) if publication else None,
        where=where,
    )
    notes = (row["note"],) if row["note"] else ()
    return Relation(vocab.entity_iri(row["subject"]), vocab.exo(row["predicate"]), vocab.entity_iri(row["object"]), context, (evidence,), notes)


def _context_value(spec: vocab.ContextField, cell: str) -> object:
    """The value of one context cell: entity IRIs, strings or a flag, as the field's kind says."""
    if spec.kind == "flag":
        return cell == "true"
    values = [vocab.entity_iri(v) if spec.kind == "entity" else v for v in _split(cell)]
    return values if spec.many else (values[0] if values else None)
