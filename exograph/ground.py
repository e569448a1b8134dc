"""Grounding: every curated entity checked against the reference releases.

For each entity (of the curation tables, or of any graph), :func:`ground`

- verifies each cross-reference: its resource suits the entity's kind, the identifier exists (an
  alternative id of a merged or obsolete term is an error naming the current one), and the term
  names the same thing (its label or a synonym equals one of the entity's names, compared as
  :func:`exograph.reference.name_key` compares them: case, spacing, punctuation and British
  spelling ignored);
- for an entity with no cross-reference, proposes candidates (terms of the resources for its kind
  one of whose names equals one of the entity's), each with the evidence of the match, unless the
  curation records why it has none (``no_xref``; a recorded ``not-in-reference`` with candidates
  is flagged).

Candidates go into a review sheet (:func:`write_sheet`, TSV) that a curator marks ``accept`` or
``reject``; :func:`accept_sheet` writes the accepted ones into ``entities.tsv``. Nothing is ever
written into the curation otherwise.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exograph import vocab
from exograph.errors import CurationError
from exograph.io.curation import ENTITY_COLUMNS, XREF_PATTERNS
from exograph.model import Entity, Findings, Problem
from exograph.reference import PREFIXES, ReferenceData, Term, name_key

#: the resources (keys of ReferenceData) an entity of each kind is grounded in, and the CURIE
#: prefixes its cross-references may use
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "MicroRNA": (("mirbase",), ("mirbase", "mirbase.mature")),
    "LncRNA": (("hgnc",), ("HGNC",)),
    "CircRNA": (("hgnc",), ("HGNC",)),
    "MessengerRNA": (("hgnc",), ("HGNC",)),
    "GeneOrProtein": (("hgnc",), ("HGNC",)),
    "DNA": (("chebi",), ("CHEBI", "HGNC")),
    "CancerType": (("doid", "mondo"), ("DOID", "MONDO")),
    "CellType": (("cl",), ("CL",)),
    "Drug": (("chebi",), ("CHEBI",)),
    "Lipid": (("chebi",), ("CHEBI",)),
    "BiologicalProcess": (("go",), ("GO",)),
    "CancerPhenotype": (("go",), ("GO", "DOID", "MONDO")),
    "SignallingPathway": (("go",), ("GO",)),
    "DrugResistance": ((), ("GO",)),
    "Exosome": (("go",), ("GO",)),
    "ExtracellularVesicle": (("go",), ("GO",)),
    "Biofluid": ((), ("UBERON",)),
    "AnatomicalSite": ((), ("UBERON",)),
    "CellularComponent": (("go",), ("GO",)),
    "MolecularFunction": (("go",), ("GO",)),
    "SiRNA": ((), ()),
    "MicroRNACluster": ((), ()),
}
#: GO namespaces a kind's candidates may come from
GO_NAMESPACES = {
    "BiologicalProcess": ("biological_process",),
    "CancerPhenotype": ("biological_process",),
    "SignallingPathway": ("biological_process",),
    "Exosome": ("cellular_component",),
    "CellularComponent": ("cellular_component",),
    "MolecularFunction": ("molecular_function",),
    "ExtracellularVesicle": ("cellular_component",),
}
SHEET_COLUMNS = ("entity", "type", "label", "candidate", "candidate_name", "match", "evidence", "source", "decision")
#: candidates a curator rejected (data/curation/rejected-xrefs.tsv): never proposed again
REJECTED_COLUMNS = ("entity", "xref", "name", "reason")
REJECTED_FILE = "rejected-xrefs.tsv"


@dataclass(frozen=True, order=True)
class Candidate:
    """A term that may be what an ungrounded entity names, and why."""

    entity: str  #: the curated id
    type: str
    label: str
    curie: str
    name: str  #: the term's own name
    match: str  #: how: label, synonym, alias, previous symbol (of the term)
    evidence: str  #: which of the entity's names equals which of the term's
    source: str  #: file:line of the term


@dataclass
class GroundReport(Findings):
    """What grounding found: problems (ERROR / WARNING / INFO), candidates, and what was checked."""

    problems: list[Problem] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    entities: int = 0
    verified: int = 0  #: cross-references that checked out
    resources: dict[str, str] = field(default_factory=dict)  #: resource key -> file read

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": not self.errors,
            "entities": self.entities,
            "verified": self.verified,
            "resources": self.resources,
            "counts": self.counts(),
            "problems": [p.as_dict() for p in self.problems],
            "candidates": [c.__dict__ for c in self.candidates],
        }


def ground(entities: Iterable[Entity], reference: ReferenceData, *, rejected: Iterable[tuple[str, str]] = ()) -> GroundReport:
    """Check every entity's cross-references and propose candidates for those without (but the
    ``rejected`` (entity, CURIE) pairs a curator has turned down)."""
    report = GroundReport()
    turned_down = set(rejected)
    for entity in sorted(entities, key=lambda e: e.local_id):
        report.entities += 1
        if entity.xrefs:
            for xref in entity.xrefs:
                problem = check_xref(entity, xref, reference)
                if problem is None:
                    report.verified += 1
                else:
                    report.problems.append(problem)
            continue
        found = [c for c in candidates(entity, reference) if (c.entity, c.curie) not in turned_down]
        reason = entity.no_xref
        if reason is None:
            report.candidates += found
            what = f"{len(found)} candidate(s) in the review sheet" if found else "no candidate found; record why in no_xref"
            report.problems.append(Problem("WARNING", "ungrounded", entity.local_id, f"no cross-reference and no no_xref reason; {what}"))
        elif reason == "not-in-reference" and found:
            report.candidates += found
            report.problems.append(
                Problem(
                    "WARNING",
                    "candidates-exist",
                    entity.local_id,
                    f"no_xref says not-in-reference, but {', '.join(c.curie for c in found)} match its names; check them",
                )
            )
        else:
            report.problems.append(Problem("INFO", f"no-xref-{reason}", entity.local_id, vocab.NO_XREF_REASONS.get(reason, reason)))
    report.resources = {k: str(p) for k, p in sorted(reference.available().items())}
    report.problems.sort()
    report.candidates.sort()
    return report


def check_xref(entity: Entity, xref: str, reference: ReferenceData) -> Problem | None:
    """None when ``xref`` checks out for ``entity``; else the problem."""
    subject = entity.local_id
    prefix = xref.split(":", 1)[0]
    allowed = KINDS.get(entity.type, ((), ()))[1]
    if prefix not in allowed:
        kinds = ", ".join(allowed) or "none"
        return Problem("ERROR", "wrong-resource", subject, f"{xref} is not a kind of identifier a {entity.type} takes ({kinds}); remove it or fix the type")
    key = PREFIXES.get(prefix)
    vocabulary = reference.vocabulary(key) if key else None
    if vocabulary is None:
        where = f"no {prefix} release under {reference.directory}" if key else f"exograph has no reader for {prefix}"
        return Problem("WARNING", "unverifiable", subject, f"{xref} cannot be checked: {where}")
    term = vocabulary.get(xref)
    if term is None:
        current = vocabulary.secondary.get(xref)
        if current is not None:
            name = vocabulary.terms[current].name if current in vocabulary.terms else "?"
            return Problem("ERROR", "secondary-id", subject, f"{xref} is an alternative id; {vocabulary.name} now names it {current} ({name}): use that")
        return Problem("ERROR", "unknown-id", subject, f"{xref} is not in {vocabulary.name} ({vocabulary.source.name}); check the identifier")
    if not _names_match(entity, term):
        return Problem(
            "ERROR",
            "name-mismatch",
            subject,
            f"{xref} is '{term.name}'{_aka(term)} in {vocabulary.name}, none of the entity's names; fix the id, or add that name as a synonym if the same",
        )
    return None


def candidates(entity: Entity, reference: ReferenceData) -> list[Candidate]:
    """Terms of the resources for ``entity``'s kind one of whose names is one of the entity's."""
    found: dict[str, Candidate] = {}
    names = [entity.label, *entity.synonyms]
    for key in KINDS.get(entity.type, ((), ()))[0]:
        vocabulary = reference.vocabulary(key)
        if vocabulary is None:
            continue
        for name in names:
            for term, how in vocabulary.named(name):
                if not _suits(entity, term):
                    continue
                text = next((t for k, t in term.names() if k == how and name_key(t) == name_key(name)), term.name)
                candidate = Candidate(
                    entity.local_id,
                    entity.type,
                    entity.label,
                    term.id,
                    term.name,
                    how,
                    f"'{name}' = {vocabulary.name} {how} '{text}'",
                    term.where,
                )
                if term.id not in found or _better(candidate, found[term.id], entity):
                    found[term.id] = candidate
    return sorted(found.values())


def _better(new: Candidate, old: Candidate, entity: Entity) -> bool:
    rank = {"label": 0, "synonym": 1, "alias": 2, "previous symbol": 3}
    return (new.label != entity.label, rank.get(new.match, 9)) < (old.label != entity.label, rank.get(old.match, 9))


def _suits(entity: Entity, term: Term) -> bool:
    spaces = GO_NAMESPACES.get(entity.type)
    if spaces is not None and term.id.startswith("GO:"):
        return term.namespace in spaces
    return True


def _names_match(entity: Entity, term: Term) -> bool:
    mine = {name_key(n) for n in (entity.label, *entity.synonyms, entity.local_id)} - {""}
    return any(name_key(text) in mine for _, text in term.names())


def _aka(term: Term) -> str:
    return f" ({term.description})" if term.description else ""


# --------------------------------------------------------------------------- the review sheet


def write_sheet(found: Sequence[Candidate]) -> str:
    """The candidates as a TSV review sheet: a curator writes ``accept`` or ``reject`` in ``decision``."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(SHEET_COLUMNS)
    for c in found:
        writer.writerow([c.entity, c.type, c.label, c.curie, c.name, c.match, c.evidence, c.source, ""])
    return out.getvalue()


def read_decisions(sheet: Path) -> tuple[list[tuple[str, str]], list[Candidate]]:
    """What a review sheet decides: the (entity, CURIE) pairs it accepts and the candidates it
    rejects; a malformed sheet raises CurationError."""
    with open(sheet, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    if not rows or tuple(rows[0]) != SHEET_COLUMNS:
        raise CurationError(f"{sheet}:1: not an exograph review sheet (its header is {', '.join(SHEET_COLUMNS)}); write one with 'exograph ground --sheet'")
    accepted, rejected = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(SHEET_COLUMNS):
            raise CurationError(f"{sheet}:{number}: {len(row)} cells where {len(SHEET_COLUMNS)} are expected")
        decision = row[-1].strip().lower()
        if decision not in ("", "accept", "reject"):
            raise CurationError(f"{sheet}:{number}: decision '{row[-1]}' must be accept, reject or empty")
        if decision == "accept":
            accepted.append((row[0].strip(), row[3].strip()))
        elif decision == "reject":
            rejected.append(Candidate(*(cell.strip() for cell in row[:-1])))
    return accepted, rejected


def read_rejected(path: Path) -> set[tuple[str, str]]:
    """The (entity, CURIE) pairs of a rejected-xrefs table (none when it does not exist)."""
    if not path.is_file():
        return set()
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or tuple(rows[0]) != REJECTED_COLUMNS:
        raise CurationError(f"{path}:1: the header must be the columns {', '.join(REJECTED_COLUMNS)} separated by tabs")
    return {(row[0], row[1]) for row in rows[1:] if len(row) >= 2 and row[0]}


def record_rejected(path: Path, rejected: Sequence[Candidate]) -> int:
    """Add rejected candidates to the rejected-xrefs table (created if absent), sorted; returns how many were new."""
    from exograph.io.turtle import write_text_atomic

    known = read_rejected(path)
    rows = []
    if path.is_file():
        rows = [line for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    new = [c for c in rejected if (c.entity, c.curie) not in known]
    rows += [f"{c.entity}\t{c.curie}\t{c.name}\t{c.evidence}; rejected in review" for c in new]
    if new:
        write_text_atomic(path, "\t".join(REJECTED_COLUMNS) + "\n" + "".join(f"{r}\n" for r in sorted(set(rows))))
    return len(new)


def accept_sheet(entities_file: Path, accepted: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Add the accepted cross-references to ``entities_file`` (the ``xrefs`` cell of each entity's
    row, nothing else changed; an accepted entity's ``no_xref`` is cleared), atomically. Returns
    the pairs added (those already present are skipped)."""
    from exograph.io.turtle import write_text_atomic

    text = entities_file.read_text(encoding="utf-8")
    lines = text.split("\n")
    header = lines[0].split("\t")
    if tuple(h.strip() for h in header) != ENTITY_COLUMNS:
        raise CurationError(f"{entities_file}:1: the header must be the columns {', '.join(ENTITY_COLUMNS)}")
    xrefs_at, reason_at = header.index("xrefs"), header.index("no_xref")
    rows = {line.split("\t", 1)[0]: n for n, line in enumerate(lines) if n and line.strip()}
    added = []
    for entity, curie in accepted:
        if entity not in rows:
            raise CurationError(f"{entities_file}: the sheet accepts {curie} for '{entity}', which is not in it")
        prefix, _, local = curie.partition(":")
        pattern = XREF_PATTERNS.get(prefix)
        if pattern is None or not re.fullmatch(pattern, local):
            raise CurationError(f"the sheet accepts '{curie}' for '{entity}', which is not a CURIE exograph takes")
        cells = lines[rows[entity]].split("\t")
        current = [x for x in cells[xrefs_at].split("|") if x]
        if curie in current:
            continue
        cells[xrefs_at] = "|".join([*current, curie])
        cells[reason_at] = ""
        lines[rows[entity]] = "\t".join(cells)
        added.append((entity, curie))
    if added:
        write_text_atomic(entities_file, "\n".join(lines))
    return added
