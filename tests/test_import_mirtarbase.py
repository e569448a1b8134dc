"""exograph import mirtarbase: the release's CSV -> one statement per MIRT id and one evidence per
PMID, in a named graph of its own, linked to the curated entities by cross-reference."""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from exograph import resources, vocab
from exograph.cli import cli
from exograph.errors import DataError, ExographError, StoreError
from exograph.reference import ReferenceData
from exograph.sources import GRAPH, ImportReport, import_file
from exograph.sources.mirtarbase import COLUMNS, DATABASE, SUPPORT_TYPES, read_interactions
from exograph.store.oxigraph import OxigraphStore, database_fingerprint, load_files
from exograph.validate import validate

from .conftest import FIXTURES, on_a_terminal

HERE = FIXTURES / "mirtarbase"
CSV = HERE / "hsa_MTI.csv"
ROOT = Path(__file__).resolve().parent.parent
#: the real releases (../shared/datasets beside the checkout, or $EXOGRAPH_DATASETS)
DATASETS = Path(os.environ["EXOGRAPH_DATASETS"]) if os.environ.get("EXOGRAPH_DATASETS") else ROOT.parent / "shared" / "datasets"

EXO = vocab.EXO
G = GRAPH + "mirtarbase"
STMT = vocab.STATEMENT + "mirtarbase/"
EV = vocab.EVIDENCE + "mirtarbase/"


def rows(path: Path = CSV) -> list[list[str]]:
    """The fixture's rows as the csv module reads them (header dropped)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def reference(directory: Path = HERE) -> ReferenceData:
    return ReferenceData(directory)


def run(tmp_path: Path, source: Path = CSV, **options) -> tuple[ImportReport, list[ox.Quad]]:
    """Import to N-Quads in tmp_path; the report and the quads."""
    out = tmp_path / "out.nq"
    options.setdefault("reference", reference())
    options.setdefault("link_to", OxigraphStore.memory([]))  # link to nothing unless a test says so
    report = import_file(DATABASE, source, output=out, **options)
    return report, list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))


def objects(quads: list[ox.Quad], subject: str, predicate: str) -> set[str]:
    return {q.object.value for q in quads if q.subject.value == subject and q.predicate.value == predicate}


def subjects(quads: list[ox.Quad], predicate: str, obj: str) -> set[str]:
    return {q.subject.value for q in quads if q.predicate.value == predicate and q.object.value == obj}


def copy(tmp_path: Path, lines: list[bytes], name: str = "hsa_MTI.csv") -> Path:
    """A copy of the fixture's header followed by ``lines`` (raw bytes, CRLF)."""
    header = CSV.read_bytes().splitlines(keepends=True)[0]
    path = tmp_path / name
    path.write_bytes(header + b"".join(lines))
    return path


def fixture_lines() -> list[bytes]:
    return CSV.read_bytes().splitlines(keepends=True)[1:]


# --------------------------------------------------------------------------- the fixture


def test_the_fixture_is_the_release_s_own_layout_cut_from_the_real_file():
    raw = CSV.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n") == 46
    with open(CSV, encoding="utf-8-sig", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == COLUMNS
    found = rows()
    assert {r[7] for r in found} == set(SUPPORT_TYPES)
    by_id = Counter(r[0] for r in found)
    assert by_id["MIRT000002"] == 3 and by_id["MIRT002410"] == 3  # several PMIDs; hsa-miR-21-5p -> APAF1
    assert any("//" in r[6] for r in found) and any(";" in r[6] for r in found)
    real = DATASETS / "mirtarbase" / "hsa_MTI.csv"
    if real.is_file():  # every row is a real row, byte for byte
        whole = set(real.read_bytes().splitlines(keepends=True))
        assert all(line in whole for line in fixture_lines())
        for name, where in (("miRNA.csv", "mirbase"), ("mature.fa", "mirbase"), ("hgnc_complete_set.txt", "hgnc")):
            original = set((DATASETS / where / name).read_bytes().splitlines(keepends=True))
            assert all(line in original for line in (HERE / name).read_bytes().splitlines(keepends=True)), name


# --------------------------------------------------------------------------- counts and RDF


def test_counts_reconcile_with_the_fixture(tmp_path: Path):
    report, quads = run(tmp_path)
    found = rows()
    unlinked = [r for r in found if r[1] == "hsa-miR-128b"]  # miRBase gives the name to nothing any more
    imported = [r for r in found if r not in unlinked]
    assert report.rows_read == len(found) == 45
    assert report.rows_imported == len(imported) == report.evidences == 44
    assert report.rows_read == report.rows_imported + sum(report.skipped.values())
    assert report.skipped == {"unknown-mirna": len(unlinked)} and report.unlinked == {"hsa-miR-128b": 1}
    assert report.interactions == len({r[0] for r in imported}) == 11 and report.interactions_unlinked == 1
    assert report.triples == len(quads) and report.problems == []
    # ten HGNC genes and Cux1; eleven mature microRNAs and their fourteen precursors (hsa-miR-9-5p has three, hsa-miR-101-3p two)
    assert report.created == {"HGNC": 10, "NCBIGene": 1, "mirbase.mature": 11, "mirbase": 14}
    statements = subjects(quads, vocab.RDF + "type", EXO + "Statement")
    assert statements == {STMT + mirt for mirt in {r[0] for r in imported}}
    evidences = subjects(quads, vocab.RDF + "type", EXO + "DatabaseEvidence")
    assert evidences == {f"{EV}{r[0]}-{r[8]}" for r in imported}


def test_one_statement_per_mirt_id_with_one_evidence_per_pmid(tmp_path: Path):
    _, quads = run(tmp_path)
    assert {q.graph_name.value for q in quads} == {G}  # everything in the named graph
    st = STMT + "MIRT000002"
    mirna, gene = "https://identifiers.org/mirbase.mature:MIMAT0000075", "https://identifiers.org/hgnc:4910"
    assert objects(quads, st, vocab.RDF + "subject") == {mirna} and objects(quads, st, vocab.RDF + "object") == {gene}
    assert objects(quads, st, vocab.RDF + "predicate") == {EXO + "targets"} and objects(quads, st, EXO + "negated") == {"false"}
    assert objects(quads, mirna, EXO + "targets") == {gene}  # the plain triple
    assert objects(quads, st, EXO + "evidence") == {EV + p for p in ("MIRT000002-18632605", "MIRT000002-22473208", "MIRT000002-23911400")}
    ev = EV + "MIRT000002-18632605"
    assert objects(quads, ev, EXO + "experiment") == {"Luciferase reporter assay", "Western blot", "Northern blot", "qRT-PCR"}
    assert objects(quads, ev, EXO + "supportType") == {"Functional MTI"}
    assert objects(quads, EV + "MIRT000002-22473208", EXO + "supportType") == {"Functional MTI (Weak)"}
    assert objects(quads, ev, EXO + "databaseId") == {"MIRT000002"} and objects(quads, ev, EXO + "pmid") == {"18632605"}
    publication = "https://pubmed.ncbi.nlm.nih.gov/18632605/"
    assert objects(quads, ev, EXO + "curatedFrom") == {publication}
    assert objects(quads, publication, vocab.RDF + "type") == {EXO + "Publication"}
    assert objects(quads, publication, vocab.DCTERMS + "identifier") == {"pmid:18632605"}
    source = DATABASE.iri
    assert objects(quads, ev, EXO + "source") == {source}
    assert objects(quads, source, vocab.RDFS + "label") == {"miRTarBase"} and objects(quads, source, EXO + "sourceFile") == {"hsa_MTI.csv"}
    (digest,) = objects(quads, source, EXO + "sha256")
    assert objects(quads, source, EXO + "release") == {f"hsa_MTI.csv sha256:{digest}"} and len(digest) == 64
    # experiments split at // and at ;, but not inside free text (a URL's //, a sentence's "; ")
    assert objects(quads, EV + "MIRT000029-20173740", EXO + "experiment") == {"Reporter assay", "Western blot"}
    assert objects(quads, EV + "MIRT054727-24582497", EXO + "experiment") >= {'5"RACE', "ChIP-seq"}
    free = objects(quads, EV + "MIRT731072-25241899", EXO + "experiment")
    assert len(free) == 2 and "HITS-CLIP" in free and any("(http://www.targetscan.org/)" in e and "(Figure 4c); three" in e for e in free)
    assert objects(quads, EV + "MIRT000057-19823043", EXO + "supportType") == {"Non-Functional MTI"}
    assert objects(quads, EV + "MIRT000381-19818710", EXO + "supportType") == {"Non-Functional MTI (Weak)"}


def test_created_entities_are_described_once_with_their_identifiers(tmp_path: Path):
    _, quads = run(tmp_path)
    typed = Counter(q.subject.value for q in quads if q.predicate.value == vocab.RDF + "type" and q.object.value in (EXO + "MicroRNA", EXO + "GeneOrProtein"))
    labels = Counter(q.subject.value for q in quads if q.predicate.value == vocab.RDFS + "label")
    assert set(typed.values()) == {1} and all(labels[e] == 1 for e in typed)  # no duplicates
    mature = "https://identifiers.org/mirbase.mature:MIMAT0000075"
    assert objects(quads, mature, vocab.RDFS + "label") == {"hsa-miR-20a-5p"}
    assert objects(quads, mature, vocab.OBOINOWL + "hasDbXref") == {"mirbase.mature:MIMAT0000075"}
    assert objects(quads, mature, vocab.SKOS + "broader") == {"https://identifiers.org/mirbase:MI0000076"}
    assert objects(quads, "https://identifiers.org/mirbase:MI0000076", vocab.RDFS + "label") == {"hsa-mir-20a"}
    # hsa-miR-101-3p comes from two precursors
    assert objects(quads, "https://identifiers.org/mirbase.mature:MIMAT0000099", vocab.SKOS + "broader") == {
        "https://identifiers.org/mirbase:MI0000103",
        "https://identifiers.org/mirbase:MI0000739",
    }
    # the newer release's name labels it (mature.fa), the older one is a synonym (miRNA.csv)
    let7c = "https://identifiers.org/mirbase.mature:MIMAT0000064"
    assert objects(quads, let7c, vocab.RDFS + "label") == {"hsa-let-7c-5p"} and objects(quads, let7c, vocab.SKOS + "altLabel") == {"hsa-let-7c"}
    # hsa-miR-375, an old name without its arm that miRNA.csv still gives the mature microRNA
    assert subjects(quads, vocab.RDF + "subject", "https://identifiers.org/mirbase.mature:MIMAT0000728") == {STMT + "MIRT000054"}
    apaf1 = "https://identifiers.org/hgnc:576"
    assert objects(quads, apaf1, vocab.RDFS + "label") == {"APAF1"} and objects(quads, apaf1, vocab.OBOINOWL + "hasDbXref") == {"HGNC:576", "NCBIGene:317"}
    cux1 = "https://identifiers.org/ncbigene:13047"  # an Entrez id HGNC lacks (a mouse gene in a human file)
    assert objects(quads, cux1, vocab.RDFS + "label") == {"Cux1"} and objects(quads, cux1, vocab.OBOINOWL + "hasDbXref") == {"NCBIGene:13047"}


def test_an_entity_links_to_the_curated_one_that_carries_its_identifier(tmp_path: Path):
    report, quads = run(tmp_path, link_to=OxigraphStore.memory([HERE / "curated.ttl"]))
    ent = vocab.ENTITY
    assert objects(quads, STMT + "MIRT002410", vocab.RDF + "subject") == {ent + "miRNA-21-5p"}
    assert objects(quads, ent + "miRNA-21-5p", EXO + "targets") == {"https://identifiers.org/hgnc:576"}
    assert objects(quads, STMT + "MIRT000381", vocab.RDF + "object") == {ent + "EZH2"}
    # a created mature microRNA's precursor is the curated entity that carries the precursor's id
    assert objects(quads, "https://identifiers.org/mirbase.mature:MIMAT0000099", vocab.SKOS + "broader") == {
        ent + "miRNA-101",
        "https://identifiers.org/mirbase:MI0000739",
    }
    assert not [q for q in quads if q.subject.value.startswith(ent) and q.predicate.value != EXO + "targets"]  # the curation describes its own
    assert not [q for q in quads if "MIMAT0000076" in q.subject.value or "hgnc:3527" in q.subject.value]
    # a curated entity of another class (a lncRNA) carrying a gene's identifier is not linked to
    assert ent + "lncRNA-APAF1" not in {q.object.value for q in quads}
    assert report.linked == 3


def test_the_packaged_curation_is_linked_to_by_default(tmp_path: Path):
    report = import_file(DATABASE, CSV, reference=reference(), output=tmp_path / "out.nq")
    quads = list(ox.parse(path=str(tmp_path / "out.nq"), format=ox.RdfFormat.N_QUADS))
    assert objects(quads, STMT + "MIRT002410", vocab.RDF + "subject") == {vocab.ENTITY + "miRNA-21-5p"}
    assert objects(quads, STMT + "MIRT002410", vocab.RDF + "object") == {vocab.ENTITY + "APAF1"}
    assert report.linked >= 2
    assert import_file(DATABASE, CSV, reference=reference(), output=tmp_path / "bare.nq", curated=False).linked == 0


def test_an_old_name_without_its_arm_is_the_precursor_miRBase_names_so(tmp_path: Path):
    line = next(x for x in fixture_lines() if x.startswith(b"MIRT002410,")).replace(b"hsa-miR-21-5p", b"hsa-miR-21")
    report, quads = run(tmp_path, copy(tmp_path, [line]))
    precursor = "https://identifiers.org/mirbase:MI0000077"
    assert objects(quads, STMT + "MIRT002410", vocab.RDF + "subject") == {precursor} and report.skipped == {}
    assert objects(quads, precursor, vocab.RDFS + "label") == {"hsa-mir-21"} and objects(quads, precursor, vocab.RDF + "type") == {EXO + "MicroRNA"}


def test_a_name_only_numbered_precursors_carry_is_ambiguous(tmp_path: Path):
    refs = tmp_path / "reference"
    refs.mkdir()
    (refs / "hgnc_complete_set.txt").write_bytes((HERE / "hgnc_complete_set.txt").read_bytes())
    head = (HERE / "miRNA.csv").read_bytes().splitlines(keepends=True)[0]
    (refs / "miRNA.csv").write_bytes(  # as miRBase 22 names them: the arm-less hsa-miR-128 is gone
        head + b"MI0000447\thsa-mir-128-1\t\t\tMIMAT0000424\thsa-miR-128-3p\t\r\nMI0000727\thsa-mir-128-2\t\t\tMIMAT0000424\thsa-miR-128-3p\t\r\n"
    )
    line = next(x for x in fixture_lines() if x.startswith(b"MIRT002410,")).replace(b"hsa-miR-21-5p", b"hsa-miR-128")
    report, quads = run(tmp_path, copy(tmp_path, [line]), reference=ReferenceData(refs))
    assert report.skipped == {"ambiguous-mirna": 1} and report.interactions == 0 and report.unlinked == {"hsa-miR-128": 1}
    assert not subjects(quads, vocab.RDF + "type", EXO + "Statement")


def test_without_mature_fa_the_newer_names_are_not_found(tmp_path: Path):
    refs = tmp_path / "reference"
    refs.mkdir()
    for name in ("miRNA.csv", "hgnc_complete_set.txt"):
        (refs / name).write_bytes((HERE / name).read_bytes())
    report, _ = run(tmp_path, reference=ReferenceData(refs))
    assert report.unlinked == {"hsa-miR-128b": 1, "hsa-miR-504-5p": 1, "hsa-miR-372-3p": 2, "hsa-let-7c-5p": 8}
    assert report.rows_read == report.rows_imported + sum(report.skipped.values())


# --------------------------------------------------------------------------- malformed rows

BAD = {  # reason -> how a good row is broken
    "columns": lambda line: line.replace(b",Homo sapiens,", b",", 1),
    "id": lambda line: b"," + line.split(b",", 1)[1],
    "entrez": lambda line: line.replace(b",317,", b",APAF1,"),
    "pmid": lambda line: line.replace(b",18829576\r\n", b",PMC123\r\n"),
    "support-type": lambda line: line.replace(b"Functional MTI,", b"Functional,"),
    "species": lambda line: line.replace(b"Homo sapiens", b"Mus musculus", 1),
    "name": lambda line: line.replace(b"hsa-miR-21-5p", b""),
}


@pytest.mark.parametrize("reason", sorted(BAD))
def test_a_malformed_row_is_skipped_counted_and_named_by_file_and_line(tmp_path: Path, reason: str):
    lines = fixture_lines()
    at = next(i for i, x in enumerate(lines) if x.startswith(b"MIRT002410,"))
    lines[at] = BAD[reason](lines[at])
    source = copy(tmp_path, lines)
    report, quads = run(tmp_path, source)
    assert report.skipped == {reason: 1, "unknown-mirna": 1} and report.rows_read == 45
    assert report.rows_read == report.rows_imported + sum(report.skipped.values())
    (problem,) = report.problems
    assert problem.startswith(f"{source}:{at + 2}: ")
    assert objects(quads, STMT + "MIRT002410", EXO + "evidence") == {EV + "MIRT002410-18591254", EV + "MIRT002410-27021436"}  # its other rows stay
    with pytest.raises(DataError, match=rf"^{source}:{at + 2}: .*; fix the row, or give --on-error skip"):
        run(tmp_path, source, on_error="stop")


def test_rows_that_contradict_their_interaction_are_skipped(tmp_path: Path):
    lines = fixture_lines()
    first = next(i for i, x in enumerate(lines) if x.startswith(b"MIRT002410,"))
    conflict = lines[first + 1].replace(b"hsa-miR-21-5p", b"hsa-miR-21-3p")
    duplicate = lines[first + 2].replace(b"27021436", b"18829576")
    source = copy(tmp_path, [lines[first], conflict, duplicate, lines[0], lines[first + 2]])  # then MIRT002410 again, after MIRT000002
    report, _ = run(tmp_path, source)
    assert report.skipped == {"conflict": 1, "duplicate": 1, "repeated-id": 1}
    assert [p.split(": ", 1)[0] for p in report.problems] == [f"{source}:{n}" for n in (3, 4, 6)]
    assert "on line 2" in report.problems[0] and "first on line 2" in report.problems[1] and "start on line 2" in report.problems[2]
    assert report.interactions == 2 and report.evidences == 2


def test_a_file_that_is_not_mirtarbase_s_csv_is_one_error(tmp_path: Path):
    other = tmp_path / "other.csv"
    other.write_text("id,name\n1,x\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"other.csv:1: not miRTarBase's CSV \(no column 'miRTarBase ID'"):
        run(tmp_path, other)
    binary = tmp_path / "hsa_MTI.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00")  # read as a workbook, since it starts as one
    with pytest.raises(ExographError, match=r"hsa_MTI.xlsx: (not a readable Excel workbook \(.+\)|reading an Excel workbook needs python-calamine)"):
        run(tmp_path, binary)
    binary.write_bytes(b"miRTarBase ID\xff\xfe\x00")
    with pytest.raises(DataError, match="not UTF-8 text"):
        run(tmp_path, binary)
    with pytest.raises(DataError, match="no such file"):
        run(tmp_path, tmp_path / "absent.csv")


# --------------------------------------------------------------------------- determinism


def test_output_is_sorted_and_the_same_whatever_the_order_of_the_interactions(tmp_path: Path):
    first = tmp_path / "a"
    first.mkdir()
    run(first)
    text = (first / "out.nq").read_bytes()
    lines = text.decode("utf-8").splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines))
    blocks: dict[bytes, list[bytes]] = {}
    for line in fixture_lines():
        blocks.setdefault(line.split(b",", 1)[0], []).append(line)
    shuffled = list(blocks.values())
    random.Random(7).shuffle(shuffled)
    second = tmp_path / "b"
    second.mkdir()
    source = copy(second, [line for block in shuffled for line in block])
    run(second, source)

    def content(path: Path) -> list[str]:  # but the file's digest, which the shuffle changes
        return [line for line in path.read_text(encoding="utf-8").splitlines() if "ontology#sha256>" not in line and "ontology#release>" not in line]

    assert content(second / "out.nq") == content(first / "out.nq") and len(content(first / "out.nq")) == len(lines) - 2


def test_progress_counts_every_byte_of_the_csv(tmp_path: Path):
    seen: list[int] = []
    run(tmp_path, progress=seen.append)
    assert sum(seen) == CSV.stat().st_size


def test_the_reader_streams_interactions_in_the_file_s_order():
    report = ImportReport("miRTarBase", CSV, G)
    found = read_interactions(CSV, report)
    first = next(found)
    assert first.id == "MIRT000002" and report.rows_read == 4  # the first interaction is out once the next one starts
    assert [e.pmid for e in first.evidences] == ["18632605", "22473208", "23911400"]
    assert first.subject.name == "hsa-miR-20a-5p" and first.object.id == "NCBIGene:3091"


# --------------------------------------------------------------------------- the Excel workbook


def workbook(tmp_path: Path, csv_path: Path = CSV, name: str = "hsa_MTI.xlsx") -> Path:
    """The CSV's rows as miRTarBase's xlsx holds them: one sheet, the header first, Entrez ids and PMIDs as numbers."""
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl (a test extra) writes the workbook")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("hsa_MTI")
    with open(csv_path, encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle)):
            sheet.append([int(c) if number and i in (4, 8) and c.isdigit() else c for i, c in enumerate(row)])
    out = tmp_path / name
    book.save(out)
    return out


def test_the_excel_workbook_imports_as_the_csv_does(tmp_path: Path):
    pytest.importorskip("python_calamine", reason="python-calamine (the xlsx extra) reads workbooks")
    (tmp_path / "csv").mkdir()
    (tmp_path / "xlsx").mkdir()
    from_csv, csv_quads = run(tmp_path / "csv")
    seen: list[int] = []
    book = workbook(tmp_path, name="renamed.bin")  # told by its content, not its name
    from_xlsx, xlsx_quads = run(tmp_path / "xlsx", book, progress=seen.append)
    source = (vocab.BASE + "source/mirtarbase", {EXO + "release", EXO + "sha256", EXO + "sourceFile"})

    def data(quads: list[ox.Quad]) -> set[ox.Quad]:  # all but which file it came from
        return {q for q in quads if (q.subject.value, q.predicate.value in source[1]) != (source[0], True)}

    assert data(xlsx_quads) == data(csv_quads) and len(xlsx_quads) == len(csv_quads) > 100
    assert objects(xlsx_quads, source[0], EXO + "sourceFile") == {"renamed.bin"}
    assert (from_xlsx.rows_read, from_xlsx.interactions, from_xlsx.skipped) == (from_csv.rows_read, from_csv.interactions, from_csv.skipped)
    assert sum(seen) == book.stat().st_size  # the progress bar reaches its end


def test_a_malformed_workbook_row_is_named_by_its_sheet_row(tmp_path: Path):
    pytest.importorskip("python_calamine", reason="python-calamine (the xlsx extra) reads workbooks")
    lines = fixture_lines()
    lines[4] = lines[4].rsplit(b",", 1)[0] + b",PMC123\r\n"
    book = workbook(tmp_path, copy(tmp_path, lines))
    report, _ = run(tmp_path, book)
    assert report.skipped["pmid"] == 1 and report.problems[0].startswith(f"{book}:6: ")  # sheet row 6: the header is row 1
    with pytest.raises(DataError, match=rf"^{book}:6: .*PMID 'PMC123' is not a number; fix the row"):
        run(tmp_path, book, on_error="stop")


def test_a_workbook_without_its_reader_or_that_is_no_workbook_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    pytest.importorskip("python_calamine", reason="python-calamine (the xlsx extra) reads workbooks")
    import zipfile

    broken = tmp_path / "hsa_MTI.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(DataError, match=r"hsa_MTI.xlsx: not a readable Excel workbook \(.+\); give the CSV or xlsx"):
        run(tmp_path, broken)
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # as if the extra were not installed
    result = CliRunner().invoke(cli, ["import", "mirtarbase", str(workbook(tmp_path)), "--reference", str(HERE), "-o", str(tmp_path / "x.nq")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        f"Error: {tmp_path / 'hsa_MTI.xlsx'}: reading an Excel workbook needs python-calamine; pip install 'exograph[xlsx]', or give the CSV"
    ]


# --------------------------------------------------------------------------- stores


def test_a_new_store_holds_the_curation_in_the_default_graph_and_the_import_beside_it(tmp_path: Path):
    directory = tmp_path / "store"
    report = import_file(DATABASE, CSV, reference=reference(), store=directory)
    assert report.store == directory and report.store_created
    store = OxigraphStore.open(directory)
    assert store.graphs() == [G]
    packaged = OxigraphStore.memory([resources.packaged_triples(), resources.ontology_file()])
    assert len(store) == len(packaged)  # the default graph: the curated graph and the ontology, nothing else
    count = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}").rows[0][0]
    assert int(count.value) == report.triples  # type: ignore[union-attr]
    linked = store.query(f"SELECT ?s WHERE {{ GRAPH <{G}> {{ ?s exo:targets ent:APAF1 }} }}").rows
    assert linked == [(vocab.ENTITY + "miRNA-21-5p",)]
    assert validate(store=store).errors == []
    manifest = json.loads((directory / "exograph-store.json").read_text(encoding="utf-8"))
    assert manifest["sources"][-1] == str(CSV.resolve())  # the CSV, not the temporary RDF
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # nothing left beside the store


def test_an_existing_store_is_extended_and_linked_to_its_own_curation(tmp_path: Path):
    directory = tmp_path / "store"
    load_files(directory, [HERE / "curated.ttl"])
    report = import_file(DATABASE, CSV, reference=reference(), store=directory, graph="http://example.org/mtb")
    assert not report.store_created and report.linked == 3
    store = OxigraphStore.open(directory)
    assert store.graphs() == ["http://example.org/mtb"]
    rows = store.query("SELECT ?o WHERE { GRAPH <http://example.org/mtb> { ent:miRNA-21-5p exo:targets ?o } }").rows
    assert rows == [("https://identifiers.org/hgnc:576",)]
    with pytest.raises(StoreError, match="already holds the graph <http://example.org/mtb>"):
        import_file(DATABASE, CSV, reference=reference(), store=directory, graph="http://example.org/mtb")


def test_a_stopped_import_leaves_the_store_as_it_was(tmp_path: Path):
    directory = tmp_path / "store"
    load_files(directory, [HERE / "curated.ttl"])
    before = database_fingerprint(directory / "oxigraph")
    lines = fixture_lines()
    lines[-1] = BAD["pmid"](lines[-1]).replace(b",25241899\r\n", b",x\r\n")
    source = copy(tmp_path, lines)
    with pytest.raises(DataError, match=rf"{source}:46: MIRT731072: the PMID 'x' is not a number"):
        import_file(DATABASE, source, reference=reference(), store=directory, on_error="stop")
    assert database_fingerprint(directory / "oxigraph") == before and OxigraphStore.open(directory).graphs() == []
    with pytest.raises(DataError):
        import_file(DATABASE, source, reference=reference(), store=tmp_path / "new", on_error="stop")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hsa_MTI.csv", "store"]  # no store made, nothing left


def test_validation_checks_the_imported_graph_too(tmp_path: Path):
    """A broken import is caught in its named graph, by both engines alike."""
    out = tmp_path / "import.nq"
    import_file(DATABASE, CSV, reference=reference(), output=out, link_to=OxigraphStore.memory([]))
    release = f"<{DATABASE.iri}> <{EXO}release> "
    broken = [line for line in out.read_text(encoding="utf-8").splitlines(keepends=True) if not line.startswith(release)]
    ev = f"<{EV}MIRT000002-18632605>"
    broken += [f'{ev} <{EXO}quote> "a quote no database evidence has" <{G}> .\n', f'{ev} <{EXO}pmid> "PMC1" <{G}> .\n']
    bad = tmp_path / "broken.nq"
    bad.write_text("".join(broken), encoding="utf-8")
    directory = tmp_path / "store"
    load_files(directory, [resources.packaged_triples(), resources.ontology_file()])
    load_files(directory, [bad])
    report = validate(store=OxigraphStore.open(directory))
    assert report.counts() == {"ERROR shacl-pmid": 2, "ERROR shacl-quote": 1, "ERROR shacl-release": 1}  # pmid: two values, one malformed
    assert report.checked[-1] == f"{directory} graph <{G}> (with the default graph)"
    assert Counter(validate(store=OxigraphStore.open(directory), engine="pyshacl").problems) == Counter(report.problems)


# --------------------------------------------------------------------------- the command


def exograph(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exograph.cli", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def test_the_command_imports_into_a_store_that_validates(tmp_path: Path):
    directory = tmp_path / "s"
    proc = exograph("import", "mirtarbase", str(CSV), "--reference", str(HERE), "--store", str(directory))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("imported 11 miRTarBase interactions (44 evidences, ") and f"into <{G}> of {directory} (created)" in proc.stdout
    assert "rows: 45 read, 44 imported, 1 skipped (unknown-mirna 1)" in proc.stdout and len(proc.stdout.splitlines()) == 1
    checked = exograph("--store", str(directory), "validate", "--format", "json")
    assert checked.returncode == 0 and json.loads(checked.stdout)["valid"] is True
    stats = json.loads(exograph("--store", str(directory), "stats", "--format", "json").stdout)
    from exograph.io.curation import read_curation

    assert stats["relations"] == len(read_curation(resources.curation_dir()).relations)  # the index is the curation's: the import sits beside it


def test_the_command_writes_n_quads_to_stdout_and_its_report_as_json(tmp_path: Path):
    runner = CliRunner()
    result = runner.invoke(cli, ["import", "mirtarbase", str(CSV), "--reference", str(HERE), "-o", "-", "--no-curated"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines == sorted(lines) and all(line.endswith(f"<{G}> .") for line in lines)
    assert result.stderr.startswith("imported 11 miRTarBase interactions") and "on stdout" in result.stderr
    out = tmp_path / "m.nq"
    result = runner.invoke(cli, ["import", "mirtarbase", str(CSV), "--reference", str(HERE), "-o", str(out), "--format", "json", "--release", "7.0"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["rows_read"] == 45 and data["rows_skipped"] == {"unknown-mirna": 1} and data["interactions"] == 11 and data["release"] == "7.0"
    assert data["entities"]["created"] + data["entities"]["linked"] > 0 and data["output"] == str(out) and out.is_file()


def test_the_command_s_errors_are_one_line_with_the_right_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("EXOGRAPH_REFERENCE", raising=False)
    monkeypatch.delenv("EXOGRAPH_STORE", raising=False)
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(cli, ["import", "mirtarbase", *args])

    usage = invoke(str(CSV), "--reference", str(HERE))
    assert usage.exit_code == 2 and "--store DIR" in usage.stderr and "-o FILE" in usage.stderr
    both = invoke(str(CSV), "--reference", str(HERE), "--store", str(tmp_path / "s"), "-o", "x.nq")
    assert both.exit_code == 2 and "not both" in both.stderr
    graph = invoke(str(CSV), "--reference", str(HERE), "-o", "-", "--graph", "mirtarbase")
    assert graph.exit_code == 2 and "'mirtarbase' is not an absolute IRI" in graph.stderr
    no_reference = invoke(str(CSV), "-o", "-")
    assert no_reference.exit_code == 1 and no_reference.stderr.startswith("Error: no reference data: give --reference DIR")
    missing = invoke(str(tmp_path / "absent.csv"), "--reference", str(HERE), "-o", "-")
    assert missing.exit_code == 1 and missing.stderr == f"Error: {tmp_path / 'absent.csv'}: no such file; give the miRTarBase file to import\n"
    lines = fixture_lines()
    lines[0] = lines[0].replace(b",3091,", b",HIF1A,")
    source = copy(tmp_path, lines)
    skipped = invoke(str(source), "--reference", str(HERE), "-o", str(tmp_path / "o.nq"))
    assert skipped.exit_code == 0 and skipped.stderr.startswith(f"warning: {source}:2: MIRT000002: the Entrez gene id 'HIF1A' is not a number; row skipped")
    stopped = invoke(str(source), "--reference", str(HERE), "--store", str(tmp_path / "new"), "--on-error", "stop")
    assert stopped.exit_code == 1 and stopped.stderr.startswith(f"Error: {source}:2: ") and "Traceback" not in stopped.output
    assert len(stopped.stderr.splitlines()) == 1 and not (tmp_path / "new").exists()


def test_a_progress_bar_on_a_terminal(tmp_path: Path):
    proc, shown = on_a_terminal(
        [sys.executable, "-m", "exograph.cli", "import", "mirtarbase", str(CSV), "--reference", str(HERE), "--store", str(tmp_path / "s")], ROOT
    )
    assert proc.returncode == 0
    assert b"reading hsa_MTI.csv" in shown and b"loading" in shown and b"100%" in shown
    assert proc.stdout.decode().startswith("imported 11 miRTarBase interactions")


# --------------------------------------------------------------------------- the real release


@pytest.mark.slow
def test_the_whole_release_reconciles_with_the_published_counts(tmp_path: Path):
    real = DATASETS / "mirtarbase" / "hsa_MTI.csv"
    if not real.is_file() or not (DATASETS / "mirbase" / "miRNA.csv").is_file():
        pytest.skip(f"the real miRTarBase release is not at {real} (set EXOGRAPH_DATASETS to the datasets folder)")
    report = import_file(DATABASE, real, reference=ReferenceData(DATASETS), output=tmp_path / "all.nq")
    assert report.rows_read == 502_652  # the datasets' README
    assert report.interactions + report.interactions_unlinked == 380_639
    assert report.rows_read == report.rows_imported + sum(report.skipped.values()) and report.evidences == report.rows_imported
    assert report.malformed == 0 and set(report.skipped) <= {"unknown-mirna", "ambiguous-mirna"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for figure in (report.rows_read, report.interactions, report.evidences, sum(report.skipped.values())):  # not linking's: the curation grows
        assert f"{figure:,}" in readme, f"the README's counts on the full file are out of date: {figure:,} is not in it"
    with open(tmp_path / "all.nq", "rb") as handle:
        assert sum(1 for _ in handle) == report.triples
