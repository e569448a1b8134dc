"""Grounding: the shipped cross-references check out against the reference releases (slices of
them in tests/fixtures/reference, and the whole files from ../shared when present); wrong,
secondary and mismatched identifiers are errors; candidates go to a review sheet that only an
explicit --accept writes into the curation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exograph import resources
from exograph.cli import cli
from exograph.errors import CurationError, DataError
from exograph.ground import accept_sheet, ground, read_decisions, read_rejected, record_rejected, write_sheet
from exograph.io.curation import read_curation
from exograph.model import Entity
from exograph.reference import ReferenceData, hgnc, mirbase, obo

from .conftest import FIXTURES

SLICES = FIXTURES / "reference"
DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.fixture(scope="module")
def reference() -> ReferenceData:
    return ReferenceData(SLICES)


@pytest.fixture(scope="module")
def full_reference() -> ReferenceData:
    if not (DATASETS / "hgnc" / "hgnc_complete_set.txt").is_file():
        pytest.skip(f"the reference releases are not at {DATASETS}: the whole-file checks need them")
    return ReferenceData(DATASETS)


def entity(local: str, type_: str, label: str, *synonyms: str, xrefs: tuple[str, ...] = (), no_xref: str | None = None) -> Entity:
    return Entity(f"https://w3id.org/exograph/entity/{local}", type_, label, synonyms, xrefs, no_xref=no_xref)


def shipped_report(reference: ReferenceData):
    rejected = read_rejected(resources.curation_dir() / "rejected-xrefs.tsv")
    return ground(read_curation(resources.curation_dir()).entities.values(), reference, rejected=rejected)


@pytest.mark.parametrize("which", ["slices", "full"])
def test_every_shipped_cross_reference_checks_out(which: str, request):
    reference = request.getfixturevalue("reference" if which == "slices" else "full_reference")
    report = shipped_report(reference)
    assert report.errors == [], [f"{p.subject}: {p.message}" for p in report.errors]
    shipped = [x for e in read_curation(resources.curation_dir()).entities.values() for x in e.xrefs]
    unverifiable = [p for p in report.problems if p.code == "unverifiable"]
    assert report.verified == len(shipped) - len(unverifiable) > 100
    assert all("UBERON" in p.message for p in unverifiable)  # no UBERON release is at hand


def test_every_shipped_entity_is_grounded_or_says_why(reference: ReferenceData):
    report = shipped_report(reference)
    assert [p.subject for p in report.problems if p.code in ("ungrounded", "candidates-exist")] == []


def test_the_slices_answer_as_the_whole_releases_do(reference: ReferenceData, full_reference: ReferenceData):
    """Regenerate the slices with scripts/slice_reference.py when this fails."""

    def answer(reference: ReferenceData) -> dict:
        data = shipped_report(reference).as_dict()
        for candidate in data["candidates"]:
            candidate.pop("source")  # lines of the slice, not of the release
        return data | {"resources": None}

    assert answer(reference) == answer(full_reference)


def test_wrong_secondary_and_mismatched_ids_are_errors(reference: ReferenceData):
    report = ground(
        [
            entity("TP53", "GeneOrProtein", "TP53", xrefs=("HGNC:576",)),  # APAF1's id
            entity("nothing", "GeneOrProtein", "nothing", xrefs=("HGNC:999999",)),
            entity("old", "CancerType", "urinary system disease", xrefs=("DOID:579",)),  # an alt id of DOID:18
            entity("mixed", "CancerType", "lung cancer", xrefs=("HGNC:576",)),
            entity("APAF1", "GeneOrProtein", "APAF1", xrefs=("HGNC:576",)),
        ],
        reference,
    )
    by_subject = {p.subject: p for p in report.problems}
    assert by_subject["TP53"].code == "name-mismatch" and "'APAF1' (apoptotic peptidase activating factor 1)" in by_subject["TP53"].message
    assert by_subject["nothing"].code == "unknown-id"
    assert by_subject["old"].code == "secondary-id" and "DOID:18" in by_subject["old"].message
    assert by_subject["mixed"].code == "wrong-resource"
    assert "APAF1" not in by_subject and report.verified == 1


def test_names_match_ignoring_case_punctuation_and_british_spelling(reference: ReferenceData):
    named = [entity("mir21", "MicroRNA", "miRNA-21", xrefs=("mirbase:MI0000077",)), entity("lc", "CancerType", "Lung Cancer", xrefs=("DOID:1324",))]
    report = ground(named, reference)
    assert report.errors == [] and report.verified == 2


def test_candidates_carry_their_evidence_and_a_recorded_reason_silences_them(reference: ReferenceData):
    report = ground([entity("APAF1", "GeneOrProtein", "APAF1"), entity("miRNA-34", "MicroRNA", "miRNA-34", no_xref="group")], reference)
    (candidate,) = report.candidates
    assert (candidate.entity, candidate.curie, candidate.match) == ("APAF1", "HGNC:576", "label")
    assert "'APAF1' = HGNC label 'APAF1'" == candidate.evidence and candidate.source.startswith("hgnc_complete_set.txt:")
    assert {p.code for p in report.problems} == {"ungrounded", "no-xref-group"}
    wrong = ground([entity("APAF1", "GeneOrProtein", "APAF1", no_xref="not-in-reference")], reference)
    assert [p.code for p in wrong.problems] == ["candidates-exist"]


def test_a_reviewed_sheet_writes_only_what_it_accepts(tmp_path: Path, reference: ReferenceData):
    curation = tmp_path / "curation"
    curation.mkdir()
    table = curation / "entities.tsv"
    header = (FIXTURES / "curation-paper" / "entities.tsv").read_text(encoding="utf-8").splitlines()[0]
    table.write_text(header + "\nAPAF1\tGeneOrProtein\tAPAF1\t\t\tnot-in-reference\t\t\t\nCEA\tGeneOrProtein\tCEA\t\t\t\t\t\t\n", encoding="utf-8")
    before = table.read_text(encoding="utf-8")
    report = ground(read_curation(curation).entities.values(), reference)
    sheet = tmp_path / "sheet.tsv"
    rows = write_sheet([c for c in report.candidates if c.entity in ("APAF1", "CEA")]).splitlines()
    decided = [rows[0]] + [r + ("accept" if "\tHGNC:576\t" in r or "\tCEACAM5\t" in r else "reject") for r in rows[1:]]
    sheet.write_text("\n".join(decided) + "\n", encoding="utf-8")
    accepted, rejected = read_decisions(sheet)
    assert sorted(accepted) == [("APAF1", "HGNC:576"), ("CEA", "HGNC:1817")] and {c.curie for c in rejected} == {"HGNC:1819", "HGNC:9519"}
    assert accept_sheet(table, accepted) == [("APAF1", "HGNC:576"), ("CEA", "HGNC:1817")]
    after = table.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [
        ("APAF1\tGeneOrProtein\tAPAF1\t\t\tnot-in-reference\t\t\t", "APAF1\tGeneOrProtein\tAPAF1\t\tHGNC:576\t\t\t\t"),
        ("CEA\tGeneOrProtein\tCEA\t\t\t\t\t\t", "CEA\tGeneOrProtein\tCEA\t\tHGNC:1817\t\t\t\t"),
    ]
    assert accept_sheet(table, accepted) == []  # already there: nothing written twice
    regrounded = ground(read_curation(curation).entities.values(), reference)
    assert regrounded.errors == [] and {"APAF1", "CEA"} & {p.subject for p in regrounded.problems} == set()
    # rejections are kept, and never proposed again
    rejections = curation / "rejected-xrefs.tsv"
    assert record_rejected(rejections, rejected) == 2 and record_rejected(rejections, rejected) == 0
    assert read_rejected(rejections) == {("CEA", "HGNC:1819"), ("CEA", "HGNC:9519")}
    fresh = [entity("CEA", "GeneOrProtein", "CEA")]
    assert {c.curie for c in ground(fresh, reference).candidates} == {"HGNC:1817", "HGNC:1819", "HGNC:9519"}
    assert {c.curie for c in ground(fresh, reference, rejected=read_rejected(rejections)).candidates} == {"HGNC:1817"}


def test_a_bad_sheet_is_refused_and_the_table_untouched(tmp_path: Path):
    table = tmp_path / "entities.tsv"
    shutil.copy(FIXTURES / "curation-paper" / "entities.tsv", table)
    before = table.read_bytes()
    sheet = tmp_path / "sheet.tsv"
    sheet.write_text("entity\tcandidate\nAPAF1\tHGNC:576\n", encoding="utf-8")
    with pytest.raises(CurationError, match="sheet.tsv:1: not an exograph review sheet"):
        read_decisions(sheet)
    good = write_sheet([]).rstrip("\n")
    sheet.write_text(good + "\nAPAF1\tGeneOrProtein\tAPAF1\tHGNC:576\tAPAF1\tlabel\tx\ty\tmaybe\n", encoding="utf-8")
    with pytest.raises(CurationError, match="sheet.tsv:2: decision 'maybe'"):
        read_decisions(sheet)
    with pytest.raises(CurationError, match="'nobody', which is not in it"):
        accept_sheet(table, [("nobody", "HGNC:576")])
    with pytest.raises(CurationError, match="'HGNC:x'"):
        accept_sheet(table, [(table.read_text(encoding="utf-8").splitlines()[1].split("\t")[0], "HGNC:x")])
    assert table.read_bytes() == before


def test_readers_name_the_file_and_line_of_a_bad_row(tmp_path: Path):
    bad = tmp_path / "hgnc_complete_set.txt"
    bad.write_text("symbol\tname\nTP53\tx\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"hgnc_complete_set.txt:1: not the HGNC complete set \(no column hgnc_id, status\)"):
        hgnc.read(bad)
    header = (SLICES / "hgnc" / "hgnc_complete_set.txt").read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(header + "\n\tTP53\n", encoding="utf-8")
    with pytest.raises(DataError, match="hgnc_complete_set.txt:2: no HGNC id"):
        hgnc.read(bad)
    mi = tmp_path / "miRNA.csv"
    mi.write_text((SLICES / "mirbase" / "miRNA.csv").read_text(encoding="utf-8").splitlines()[0] + "\nnot-an-accession\thsa-mir-1\n", encoding="utf-8")
    with pytest.raises(DataError, match="miRNA.csv:2: no precursor accession"):
        mirbase.read(mi)
    js = tmp_path / "doid.json"
    js.write_text('[{"id": "DOID:1", "name": "x"}, {"name": "no id"}]', encoding="utf-8")
    with pytest.raises(DataError, match="doid.json: term 2 has no id"):
        obo.read_json(js, "DOID", "Disease Ontology")
    cl = tmp_path / "cl.jsonl"
    cl.write_text('{"norm_concept_id": "CL:0000001", "norm_preferred_label": "x"}\n{"oops": 1}\n', encoding="utf-8")
    with pytest.raises(DataError, match="cl.jsonl:2: not a Cell Ontology record"):
        obo.read_cell_ontology(cl)


def test_readers_take_the_releases_as_published(reference: ReferenceData):
    mature = reference.lookup("mirbase.mature:MIMAT0000076")
    assert mature is not None and mature.name == "hsa-miR-21-5p" and mature.parents == ("mirbase:MI0000077",)
    assert reference.lookup("HGNC:576").xrefs[0] == "NCBIGene:317"  # type: ignore[union-attr]
    assert hgnc.by_entrez(reference.vocabulary("hgnc"))["317"] == "HGNC:576"  # type: ignore[arg-type]
    mondo = reference.vocabulary("mondo")
    assert mondo is not None and all(t.startswith("MONDO:") for t in mondo.terms)  # the export drops the prefix; we restore it
    doid = reference.vocabulary("doid")
    assert doid is not None and doid.chain("DOID:1324", "DOID:162") is not None  # lung cancer is a cancer


def test_mature_fa_beside_mirna_csv_names_the_mature_micrornas(tmp_path: Path):
    # the shared miRNA.csv is older than its mature.fa: MIMAT0000064 is hsa-let-7c in one, hsa-let-7c-5p in the other
    both = ReferenceData(FIXTURES / "mirtarbase")
    let7c = both.lookup("mirbase.mature:MIMAT0000064")
    assert let7c is not None and let7c.name == "hsa-let-7c-5p" and ("previous symbol", "hsa-let-7c") in let7c.synonyms
    assert let7c.parents == ("mirbase:MI0000064",)  # the table's precursor is kept
    vocabulary = both.vocabulary("mirbase")
    assert vocabulary is not None and [(t.id, how) for t, how in vocabulary.named("hsa-let-7c")] == [
        ("mirbase:MI0000064", "label"),  # the precursor
        ("mirbase.mature:MIMAT0000064", "previous symbol"),
    ]
    table_only = tmp_path / "mirbase"
    table_only.mkdir()
    (table_only / "miRNA.csv").write_bytes((FIXTURES / "mirtarbase" / "miRNA.csv").read_bytes())
    assert ReferenceData(table_only).lookup("mirbase.mature:MIMAT0000064").name == "hsa-let-7c"  # type: ignore[union-attr]


def test_cli_ground(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    runner = CliRunner()
    monkeypatch.delenv("EXOGRAPH_REFERENCE", raising=False)
    missing = runner.invoke(cli, ["ground"])
    assert missing.exit_code == 1 and missing.output.startswith("Error: no reference data: give --reference DIR") and "Traceback" not in missing.output
    sheet = tmp_path / "sheet.tsv"
    ok = runner.invoke(cli, ["ground", "--reference", str(SLICES), "--format", "json", "--sheet", str(sheet)])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.output)
    assert data["valid"] is True and data["verified"] > 100 and sorted(data["resources"]) == ["chebi", "cl", "doid", "go", "hgnc", "mirbase", "mondo"]
    assert sheet.read_text(encoding="utf-8").splitlines()[0].split("\t")[-1] == "decision"
    curation = tmp_path / "curation"
    shutil.copytree(FIXTURES / "curation-paper", curation)
    table = curation / "entities.tsv"
    table.write_text(table.read_text(encoding="utf-8") + "TP53\tGeneOrProtein\tTP53\t\tHGNC:576\t\t\t\t\n", encoding="utf-8")
    bad = runner.invoke(cli, ["ground", "--curation", str(curation), "--reference", str(SLICES)])
    assert bad.exit_code == 1 and "ERROR name-mismatch (1)" in bad.output and "TP53: HGNC:576 is 'APAF1'" in bad.output


def test_text_output_escapes_control_characters():
    from exograph import text
    from exograph.ground import GroundReport
    from exograph.model import Problem

    report = GroundReport(problems=[Problem("ERROR", "name-mismatch", "evil\x1b[2J", "is '\x1b[31mred\r'")])
    shown = text.grounding(report)
    assert "\x1b" not in shown and "\r" not in shown
    assert "evil\\x1b[2J: is '\\x1b[31mred\\r'" in shown
