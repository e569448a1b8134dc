"""miRBase precursors and their mature microRNAs (``miRNA.csv`` of a miRBase release: tab-separated
despite its name; ``Accession, ID, Status, Sequence, Mature1_Acc, Mature1_ID, Mature1_Seq,
Mature2_Acc, Mature2_ID, Mature2_Seq``), with the mature names of ``mature.fa`` when it is given.

A ``miRNA.csv`` may be older than the ``mature.fa`` beside it: the one in the reference folder
names MIMAT0000064 ``hsa-let-7c`` where miRBase 22's ``mature.fa`` names it ``hsa-let-7c-5p``.
The FASTA file's name is then the label, and the table's kept as a previous name, so that both
grounding and import read the newer names and still know the old ones."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from exograph.errors import DataError
from exograph.reference import PREVIOUS, SYNONYM, Term, Vocabulary, read_lines

PRECURSOR, MATURE = "mirbase", "mirbase.mature"
REQUIRED = ("Accession", "ID", "Mature1_Acc", "Mature1_ID")


def read(path: Path, species: str | None = "hsa", *, fasta: Path | None = None) -> Vocabulary:
    """Precursors (``mirbase:MI0000077`` hsa-mir-21) and mature microRNAs
    (``mirbase.mature:MIMAT0000076`` hsa-miR-21-5p, whose parents are the precursors it comes
    from), of one species (its miRBase code; None: every species). With ``fasta`` (a
    ``mature.fa``), each mature microRNA is named as that file names it, the table's other name
    kept as a :data:`~exograph.reference.PREVIOUS` one, and a mature microRNA only the FASTA file
    has is added (with no precursor: the FASTA file names none)."""
    lines = iter(read_lines(path))
    try:
        _, head = next(lines)
    except StopIteration:
        raise DataError(f"{path}: empty; give miRBase's miRNA.csv") from None
    columns = [c.strip() for c in head.split("\t")]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise DataError(f"{path}:1: not miRBase's miRNA.csv (no column {', '.join(missing)}); download it from mirbase.org")
    at = {c: i for i, c in enumerate(columns)}
    terms: dict[str, Term] = {}
    mature: dict[str, tuple[str, str]] = {}  # accession -> (name, where)
    parents: dict[str, list[str]] = defaultdict(list)
    for number, line in lines:
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split("\t")]

        def cell(name: str, cells: list[str] = cells) -> str:
            i = at[name]
            return cells[i] if i < len(cells) else ""

        accession, name = cell("Accession"), cell("ID")
        if not accession.startswith("MI") or not name:
            raise DataError(f"{path}:{number}: no precursor accession (MI…) or ID in this row; is the file cut short or edited?")
        if species and not name.startswith(species + "-"):
            continue
        curie = f"{PRECURSOR}:{accession}"
        terms[curie] = Term(curie, name, _unprefixed(name), status=cell("Status"), where=f"{path.name}:{number}")
        for arm in ("Mature1", "Mature2"):
            acc, mature_name = cell(f"{arm}_Acc"), cell(f"{arm}_ID")
            if acc.startswith("MIMAT") and mature_name:
                mature.setdefault(acc, (mature_name, f"{path.name}:{number}"))
                parents[acc].append(curie)
    for acc, (name, where) in mature.items():
        curie = f"{MATURE}:{acc}"
        terms[curie] = Term(curie, name, _unprefixed(name), parents=tuple(sorted(set(parents[acc]))), where=where)
    if fasta is not None:
        for curie, newer in read_mature(fasta, species).terms.items():
            older = terms.get(curie)
            if older is None:
                terms[curie] = newer
            elif older.name != newer.name:
                previous = ((PREVIOUS, older.name), *((k, t) for k, t in older.synonyms if t != newer.name))
                terms[curie] = Term(curie, newer.name, (*newer.synonyms, *previous), parents=older.parents, where=newer.where)
    return Vocabulary("miRBase", path, terms)


def _unprefixed(name: str) -> tuple[tuple[str, str], ...]:
    """The name without its species code (``let-7b`` for hsa-let-7b), as papers write it."""
    head, dash, rest = name.partition("-")
    return ((SYNONYM, rest),) if dash and len(head) == 3 and rest else ()


def read_mature(path: Path, species: str | None = "hsa") -> Vocabulary:
    """Mature microRNAs of miRBase's ``mature.fa`` (FASTA; headers such as ``>hsa-miR-21-5p
    MIMAT0000076 Homo sapiens miR-21-5p``), as ``mirbase.mature:MIMAT…`` terms named as that release
    names them, of one species (its miRBase code; None: every species). The FASTA file names no
    precursors: :func:`read` (``miRNA.csv``) gives them."""
    terms: dict[str, Term] = {}
    for number, line in read_lines(path):
        if not line.startswith(">"):
            continue  # a sequence line
        fields = line[1:].split()
        if len(fields) < 2 or not fields[1].startswith("MIMAT"):
            raise DataError(f"{path}:{number}: not a miRBase FASTA header (>name MIMAT… species); give miRBase's mature.fa as distributed")
        name, accession = fields[0], fields[1]
        if species and not name.startswith(species + "-"):
            continue
        curie = f"{MATURE}:{accession}"
        terms.setdefault(curie, Term(curie, name, _unprefixed(name), where=f"{path.name}:{number}"))
    return Vocabulary("miRBase (mature.fa)", path, terms)
