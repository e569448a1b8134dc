"""miRTarBase: experimentally validated microRNA-target interactions (https://mirtarbase.cuhk.edu.cn/).

:func:`read_interactions` reads a release's CSV as miRTarBase distributes it (``hsa_MTI.csv``: a
UTF-8 byte-order mark, CRLF line ends, fields quoted where they hold a comma; columns
:data:`COLUMNS`), streaming, or the Excel workbook the site also publishes (``hsa_MTI.xlsx``),
one row per interaction and publication: the rows of one interaction (one ``MIRT`` id) are
consecutive in a release. Each interaction is one :class:`Interaction`,
``<microRNA> targets <gene>``, with one :class:`DatabaseEvidence` per PMID carrying the
experiments (split at ``//`` and at ``;``) and the support type. miRTarBase's own terms: free
for academic use; exograph reads the file a user downloads and redistributes none of it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from exograph.errors import DataError, MissingDependencyError
from exograph.sources import Database, DatabaseEvidence, ImportReport, Interaction, Mention, Progress

COLUMNS = (
    "miRTarBase ID",
    "miRNA",
    "Species (miRNA)",
    "Target Gene",
    "Target Gene (Entrez Gene ID)",
    "Species (Target Gene)",
    "Experiments",
    "Support Type",
    "References (PMID)",
)
SUPPORT_TYPES = ("Functional MTI", "Functional MTI (Weak)", "Non-Functional MTI", "Non-Functional MTI (Weak)")
SPECIES = "Homo sapiens"

_ID = re.compile(r"MIRT[0-9]+")
_ENTREZ = re.compile(r"[1-9][0-9]*")
_PMID = re.compile(r"[1-9][0-9]{0,8}")
#: experiments are joined by // (and within one by ;), but a free-text one may hold a URL's // or a sentence's "; "
_EXPERIMENTS = re.compile(r"(?<!:)//|;(?!\s)")


def read_interactions(
    path: Path, report: ImportReport, *, on_error: str = "skip", progress: Progress | None = None, species: str = SPECIES
) -> Iterator[Interaction]:
    """The interactions of a miRTarBase release, in the file's order, each once its last row is read.

    The file is the CSV miRTarBase distributes, or its Excel workbook (``hsa_MTI.xlsx``, told by
    its content, not its name; read with python-calamine, the ``xlsx`` extra: the same columns on
    the first sheet, numbers as numbers), whose rows are then named by their sheet row number.
    Every row read is counted in ``report``; a malformed row (wrong column count, no or a malformed
    MIRT id, no miRNA, a species other than ``species``, an Entrez id or PMID that is not a
    number, an unknown support type, a row naming another miRNA or gene than its interaction's
    first row, an interaction's row apart from its others, a PMID twice for one interaction) is
    skipped and counted by reason (``on_error`` "skip"), or raises a DataError naming file:line
    ("stop"). A file that is not miRTarBase's (its header), or not UTF-8, raises a DataError.
    """
    path = Path(path)
    try:
        raw = open(path, "rb")  # noqa: SIM115 (closed below; the text layer reads from it)
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({exc.strerror}); give the miRTarBase CSV (hsa_MTI.csv)") from None
    with raw:
        if raw.peek(8)[:8].startswith(_WORKBOOKS):
            yield from _interactions(path, _sheet_rows(path), report, on_error, progress, species)
            return
        with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
            try:
                yield from _interactions(path, _csv_rows(csv.reader(text), raw), report, on_error, progress, species)
            except UnicodeDecodeError as exc:
                raise DataError(f"{path}: not UTF-8 text ({exc.reason}); give the CSV as miRTarBase distributes it") from None
            except csv.Error as exc:
                raise DataError(f"{path}: not a readable CSV file ({exc}); give the CSV as miRTarBase distributes it") from None


#: how an Excel workbook starts: xlsx (a zip archive), xls (an OLE2 compound file)
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")

#: (line, cells, bytes read so far) of a release's rows, its header first
Rows = Iterator[tuple[int, list[str], int]]


def _csv_rows(reader: Iterator[list[str]], raw: io.BufferedReader) -> Rows:
    """The rows of a CSV file, each with the line it starts on (a quoted field may span lines)."""
    last = 0
    for row in reader:
        yield last + 1, row, raw.tell()
        last = reader.line_num  # type: ignore[attr-defined]


def _sheet_rows(path: Path) -> Rows:
    """The rows of a workbook's first sheet as text (a whole number written without ".0", as the
    CSV writes it), each with its sheet row number; bytes read are counted in proportion to the rows."""
    try:
        from python_calamine import CalamineError, CalamineWorkbook
    except ImportError:
        raise MissingDependencyError(f"{path}: reading an Excel workbook needs python-calamine; pip install 'exograph[xlsx]', or give the CSV") from None
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        size, height = path.stat().st_size, max(sheet.height, 1)
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            row = [_cell(c) for c in cells]
            yield number, row if any(row) else [], size * number // height  # an empty row is no row, as a blank line
    except CalamineError as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{path}: not a readable Excel workbook ({why}); give the CSV or xlsx as miRTarBase distributes it") from None


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _interactions(path: Path, rows: Rows, report: ImportReport, on_error: str, progress: Progress | None, species: str) -> Iterator[Interaction]:
    _, header, _ = next(rows, (0, None, 0))
    columns = [c.strip() for c in header or ()]
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        found = "an empty file" if header is None else f"no column {', '.join(repr(c) for c in missing)}"
        raise DataError(f"{path}:1: not miRTarBase's CSV ({found}); give the release's CSV, such as hsa_MTI.csv (columns {', '.join(COLUMNS)})")
    at = [columns.index(c) for c in COLUMNS]
    width = len(columns)
    experiments: dict[str, tuple[str, ...]] = {}
    done: dict[str, int] = {}  #: interactions yielded -> the line of their first row
    current: _Building | None = None
    read_to = position = 0

    def bad(where: str, reason: str, message: str) -> None:
        if on_error == "stop":
            raise DataError(f"{where}: {message}; fix the row, or give --on-error skip to skip malformed rows")
        report.skip(reason, where, message)

    for number, (line, row, position) in enumerate(rows):
        if progress is not None and number % 4096 == 0:
            progress(position - read_to)
            read_to = position
        if not row:
            continue  # a blank line is no row
        report.rows_read += 1
        where = f"{path}:{line}"
        if len(row) != width:
            bad(where, "columns", f"{len(row)} columns, not {width}; is a field's quoting broken?")
            continue
        mirt, mirna, mirna_species, gene, entrez, gene_species, methods, support, pmid = (row[i].strip() for i in at)
        if not _ID.fullmatch(mirt):
            bad(where, "id", f"'{mirt}' is not a miRTarBase ID (MIRT and digits)" if mirt else "no miRTarBase ID")
            continue
        if not mirna:
            bad(where, "name", f"{mirt} names no miRNA")
            continue
        other = next((s for s in (mirna_species, gene_species) if s != species), None)
        if other is not None:
            bad(where, "species", f"{mirt}: the species is '{other}', not {species}")
            continue
        if not _ENTREZ.fullmatch(entrez):
            bad(where, "entrez", f"{mirt}: the Entrez gene id '{entrez}' is not a number")
            continue
        if support not in SUPPORT_TYPES:
            bad(where, "support-type", f"{mirt}: unknown support type '{support}' (miRTarBase's are {', '.join(SUPPORT_TYPES)})")
            continue
        if not _PMID.fullmatch(pmid):
            bad(where, "pmid", f"{mirt}: the PMID '{pmid}' is not a number")
            continue
        if current is not None and current.id == mirt:
            if (mirna, entrez) != (current.mirna, current.entrez):
                first = f"{current.mirna} -> {current.gene} ({current.entrez}) on line {current.line}"
                bad(where, "conflict", f"{mirt} is {mirna} -> {gene} ({entrez}) here but {first}")
                continue
            if pmid in current.pmids:
                bad(where, "duplicate", f"{mirt} cites PMID {pmid} a second time (first on line {current.pmids[pmid]})")
                continue
        elif mirt in done:
            message = f"{mirt} appears again after other interactions (its rows start on line {done[mirt]}); a release lists an interaction's rows together"
            bad(where, "repeated-id", message)
            continue
        else:
            if current is not None:
                yield current.interaction()
                done[current.id] = current.line
            current = _Building(mirt, mirna, gene, entrez, line)
        split = experiments.get(methods)
        if split is None:
            split = experiments[methods] = tuple(dict.fromkeys(m.strip() for m in _EXPERIMENTS.split(methods) if m.strip()))
        current.pmids[pmid] = line
        current.evidences.append(DatabaseEvidence(mirt, pmid, split, support, where))
    if current is not None:
        yield current.interaction()
    if progress is not None:
        progress(position - read_to)


class _Building:
    """The interaction whose rows are being read."""

    __slots__ = ("id", "mirna", "gene", "entrez", "line", "pmids", "evidences")

    def __init__(self, mirt: str, mirna: str, gene: str, entrez: str, line: int) -> None:
        self.id, self.mirna, self.gene, self.entrez, self.line = mirt, mirna, gene, entrez, line
        self.pmids: dict[str, int] = {}
        self.evidences: list[DatabaseEvidence] = []

    def interaction(self) -> Interaction:
        return Interaction(
            self.id,
            Mention("MicroRNA", self.mirna),
            "targets",
            Mention("GeneOrProtein", self.gene, f"NCBIGene:{self.entrez}"),
            tuple(self.evidences),
        )


DATABASE = Database("mirtarbase", "miRTarBase", "https://mirtarbase.cuhk.edu.cn/", read_interactions)
