"""The curated data: valid records, an up-to-date triples.ttl, quotes found in the review."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from exograph import resources
from exograph.build import build, compile_text
from exograph.io.curation import read_curation
from exograph.io.review import ReviewText, check_quotes
from exograph.model import merge_relations
from exograph.validate import validate
from exograph.vocab import entity_id as eid
from exograph.vocab import local_name


@pytest.fixture(scope="module")
def curation():
    return read_curation(resources.curation_dir())


def test_every_curation_record_is_valid(curation):
    problems = "\n".join(str(p) for p in curation.problems)
    assert not curation.problems, f"fix these curation records:\n{problems}"


def test_triples_ttl_is_up_to_date(curation):
    committed = resources.packaged_triples().read_text(encoding="utf-8")
    assert committed == compile_text(curation), "data/triples.ttl is out of date: run 'exograph build' and commit it"


def test_every_quote_occurs_in_the_review(curation, review_path: Path):
    problems = check_quotes(curation.relations, ReviewText.read(review_path))
    assert not problems, "\n".join(str(p) for p in problems)


def test_a_quote_not_in_the_review_is_reported_with_its_record(curation, review_path: Path):
    rel = curation.relations[0]
    ev = rel.evidences[0]
    from dataclasses import replace

    forged = replace(rel, evidences=(replace(ev, quote="exosomes cure every cancer overnight"),))
    problems = check_quotes([forged], ReviewText.read(review_path))
    assert [p.code for p in problems] == ["quote-not-found"]
    assert problems[0].subject == ev.where and ".tsv:" in ev.where


def test_quotes_match_across_line_breaks():
    text = ReviewText("exosomal transportation of CAF-derived miRNA-\n122 and multi-\nvesicular bodies")
    assert text.contains("CAF-derived miRNA-122 and multivesicular bodies")
    assert text.contains("multi-vesicular bodies")
    assert not text.contains("miRNA-123")


def test_compilation_is_deterministic_whatever_the_row_order(curation):
    shuffled = list(curation.relations)
    random.Random(7).shuffle(shuffled)
    from exograph.io.curation import Curation

    again = Curation(dict(reversed(list(curation.entities.items()))), merge_relations(shuffled), broader=list(reversed(curation.broader)))
    assert compile_text(again) == compile_text(curation)


def test_turtle_round_trip(tmp_path: Path):
    original = Graph().parse(resources.packaged_triples())
    out = tmp_path / "again.ttl"
    from exograph.io.turtle import rdflib_triples, turtle_text

    out.write_text(turtle_text(rdflib_triples(original)), encoding="utf-8")
    assert isomorphic(original, Graph().parse(out))


def test_packaged_graph_passes_shacl_and_ontology_checks():
    report = validate()
    assert not report.problems, "\n".join(map(str, report.problems))


TABLE_I = {
    # (cargo, cancer, biofluid, reference) for every cargo of every row of Table I
    ("phosphatidylserine", "ovarian-cancer", "plasma", 108),
    ("TRPC5", "breast-cancer", "plasma", 124),
    ("miRNA-1246", "breast-cancer", "plasma", 125),
    ("miRNA-21", "breast-cancer", "plasma", 125),
    ("CRNDE-h", "colorectal-cancer", "serum", 110),
    ("miRNA-4772-3p", "colon-cancer", "serum", 126),
    ("miRNA-19a-3p", "colorectal-cancer", "serum", 100),
    ("miRNA-21-5p", "colorectal-cancer", "serum", 100),
    ("miRNA-425-5p", "colorectal-cancer", "serum", 100),
    ("miRNA-17-92a", "colorectal-cancer", "serum", 127),
    ("miRNA-19-3p", "lung-adenocarcinoma", "plasma", 128),
    ("miRNA-21-5p", "lung-adenocarcinoma", "plasma", 128),
    ("miRNA-221-3p", "lung-adenocarcinoma", "plasma", 128),
    ("miRNA-302a", "NSCLC", "plasma", 129),
    ("miRNA-302c", "NSCLC", "plasma", 129),
    ("miRNA-126", "NSCLC", "plasma", 129),
    ("EML4-ALK", "NSCLC", "plasma", 130),
    ("Glypican-1", "pancreatic-cancer", "serum", 107),
    ("miRNA-1246", "pancreatic-cancer", "serum", 131),
    ("miRNA-4644", "pancreatic-cancer", "serum", 131),
    ("miRNA-3976", "pancreatic-cancer", "serum", 131),
    ("miRNA-4306", "pancreatic-cancer", "serum", 131),
    ("lncRNA-p21", "prostate-cancer", "plasma", 132),
    ("miRNA-21", "prostate-cancer", "urine", 133),
    ("miRNA-375", "prostate-cancer", "urine", 133),
    ("miRNA-375", "castration-resistant-prostate-cancer", "serum", 134),  # "Castration-resident prostate cancer patients"
    ("miRNA-1290", "castration-resistant-prostate-cancer", "serum", 134),
    ("miRNA-718", "HCC", "serum", 135),
    ("miRNA-21", "HCC", "serum", 136),
    ("miRNA-211", "HCC", "serum", 137),
    ("miRNA-222", "HCC", "serum", 137),
    ("miRNA-224", "HCC", "serum", 137),
    ("CD34", "AML", "plasma", 138),
    ("let-7b", "multiple-myeloma", "serum", 106),
    ("miRNA-18a", "multiple-myeloma", "serum", 106),
}


def test_every_cargo_of_table_i_is_a_separate_biomarker_relation(curation):
    found = {
        (eid(r.subject), eid(r.object), eid(fluid), n)
        for r in curation.relations
        if local_name(r.predicate) == "biomarkerFor"
        for ev in r.evidences
        if ev.section == "Table I"
        for fluid in r.context.biofluid
        for n in ev.refs
    }
    missing = TABLE_I - found
    assert not missing, f"Table I rows not curated: {sorted(missing)}"


def test_every_section_of_the_review_is_curated(curation):
    from exograph.vocab import SECTIONS

    sections = {ev.section for r in curation.relations for ev in r.evidences}
    body = [s for s in SECTIONS if (s[0] in "23456" or s == "Table I") and s != "4. Biological function of exosomes in cancer"]
    assert set(body) <= sections, f"sections with no relation: {sorted(set(body) - sections)}"
    assert len(curation.relations) > 300
    cells = {eid(c) for r in curation.relations for c in (r.context.donor, r.context.recipient) if c}
    assert {"CAF", "MSC", "TAM", "dendritic-cell", "NK-cell", "T-cell", "endothelial-cell", "astrocyte", "adipocyte"} <= cells


def test_direction_is_kept_as_stated(curation):
    states = {claim(r): r.context.subject_state for r in curation.relations}
    assert states[("miRNA-4772-3p", "biomarkerFor", "colon-cancer")] == "lowered"
    assert states[("miRNA-718", "biomarkerFor", "HCC")] == "lowered"
    # "suppression of miRNA-122 resulted in taxol resistance": not "miRNA-122 confers resistance"
    assert states[("miRNA-122", "confersDrugResistance", "paclitaxel-resistance")] == "suppressed"
    assert all(not r.context.negated for r in curation.relations)


def test_same_claim_from_two_places_is_one_relation_with_two_evidences(curation):
    targets = [r for r in curation.relations if claim(r) == ("miRNA-21", "targets", "APAF1")]
    assert len(targets) == 1
    assert sorted(ev.section for ev in targets[0].evidences) == ["4. Drug resistance", "4. Tumor growth"]


def test_citation_discrepancies_are_recorded(curation):
    notes = {eid(r.subject): " ".join(r.notes) for r in curation.relations if r.notes}
    assert "105" in notes["phosphatidylserine"] and "108" in notes["phosphatidylserine"]
    assert "104" in notes["Glypican-1"] and "107" in notes["Glypican-1"]


def test_build_writes_nothing_when_a_record_is_invalid(tmp_path: Path):
    out = tmp_path / "triples.ttl"
    out.write_text("keep me", encoding="utf-8")
    from exograph.errors import CurationError

    with pytest.raises(CurationError) as info:
        build(Path(__file__).parent / "fixtures" / "curation-bad", out)
    assert "bad.tsv:" in str(info.value) or "entities.tsv:" in str(info.value)
    assert "\n" not in str(info.value)
    assert out.read_text(encoding="utf-8") == "keep me"


def test_build_is_idempotent(tmp_path: Path):
    out = tmp_path / "triples.ttl"
    first = build(output=out)
    second = build(output=out)
    assert first.changed and not second.changed
    assert out.read_text(encoding="utf-8") == resources.packaged_triples().read_text(encoding="utf-8")


def test_reference_count_matches_the_review(review_path: Path):
    import re

    from exograph.io.compile import REVIEW_REFERENCES

    text = review_path.read_text(encoding="utf-8")
    printed = {int(n) for group in re.findall(r"\(([0-9][0-9,\- ]*)\)", text) for n in re.findall(r"\d+", group)}
    assert max(printed) == REVIEW_REFERENCES


def test_evidence_from_another_paper(tmp_path: Path, review_path: Path):
    """A relation can cite a paper other than the review (optional 'source' column)."""
    fixture = Path(__file__).parent / "fixtures" / "curation-paper"
    report = build(fixture, tmp_path / "t.ttl", review_path)
    assert report.relations == 1 and report.evidences == 2
    assert [p.code for p in report.problems] == ["quote-not-checked"]
    assert validate([tmp_path / "t.ttl"]).problems == []
    import exograph

    kg = exograph.load([tmp_path / "t.ttl"])
    (edge,) = kg.relations()
    assert sorted(str(ev.publication) for ev in edge.evidences) == ["None", "https://doi.org/10.0000/exograph-example"]


def test_source_column_rules(tmp_path: Path):
    directory = tmp_path / "cur"
    (directory / "relations").mkdir(parents=True)
    fixture = Path(__file__).parent / "fixtures" / "curation-paper"
    (directory / "entities.tsv").write_text((fixture / "entities.tsv").read_text(encoding="utf-8"), encoding="utf-8")
    lines = (fixture / "relations" / "new-paper.tsv").read_text(encoding="utf-8").splitlines()
    bad = lines[2].replace("\t\tExample\tResults", "\t12\tExample\tResults").replace("doi:10.0000/exograph-example", "PMID 123")
    (directory / "relations" / "r.tsv").write_text("\n".join([lines[0], bad]) + "\n", encoding="utf-8")
    codes = sorted(p.code for p in read_curation(directory).problems)
    assert codes == ["bad-refs", "bad-source"]
    injected = lines[2].replace("doi:10.0000/exograph-example", "doi:10.1234/x>a<b")  # would write an unparseable IRI
    (directory / "relations" / "r.tsv").write_text("\n".join([lines[0], injected]) + "\n", encoding="utf-8")
    assert [p.code for p in read_curation(directory).problems] == ["bad-source"]


def claim(relation) -> tuple[str, str, str]:
    """A relation's subject, predicate and object as the curation tables name them."""
    return eid(relation.subject), local_name(relation.predicate), eid(relation.object)


def _curation(tmp_path: Path, entities: list[str], rows: list[dict[str, str]]) -> Path:
    """A small curation directory: entity rows 'id<TAB>Type<TAB>label' and relation rows by column."""
    from exograph.io.curation import ENTITY_COLUMNS, RELATION_COLUMNS

    directory = tmp_path / "cur"
    (directory / "relations").mkdir(parents=True)
    padded = [e + "\t" * (len(ENTITY_COLUMNS) - 1 - e.count("\t")) for e in entities]
    (directory / "entities.tsv").write_text("\n".join(["\t".join(ENTITY_COLUMNS), *padded]) + "\n", encoding="utf-8")
    base = {"refs": "81", "section": "4. Drug resistance", "quote": "CAF-derived exosomes were shown to contribute to proliferation"}
    lines = ["\t".join(RELATION_COLUMNS)] + ["\t".join({**base, **row}.get(c, "") for c in RELATION_COLUMNS) for row in rows]
    (directory / "relations" / "r.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


CELLS = ["CAF\tCellType\tcancer-associated fibroblast", "exosome\tExosome\texosome", "cell-proliferation\tBiologicalProcess\tcell proliferation"]


def test_the_exosome_not_its_donor_cell_is_the_agent(tmp_path: Path):
    """'CAF-derived exosomes promote proliferation' is exosome promotes proliferation, donor CAF: a
    cell as subject is refused unless a note says the text makes the cell itself act."""
    rows = [
        {"subject": "CAF", "predicate": "promotes", "object": "cell-proliferation", "donor": "CAF"},
        {"subject": "CAF", "predicate": "promotes", "object": "cell-proliferation"},
        {"subject": "CAF", "predicate": "promotes", "object": "cell-proliferation", "note": "Cell as agent: the fibroblasts themselves proliferate."},
        {"subject": "exosome", "predicate": "promotes", "object": "cell-proliferation", "donor": "CAF"},
    ]
    problems = read_curation(_curation(tmp_path, CELLS, rows)).problems
    assert [(p.code, p.subject.rsplit(":", 1)[1]) for p in problems] == [("cell-as-agent", "2"), ("cell-as-agent", "3")]
    assert "make the subject 'exosome' or the cargo" in problems[0].message and "'Cell as agent:'" in problems[1].message


def test_a_hedge_word_needs_a_decision_and_hedged_is_data(tmp_path: Path, review_path: Path):
    may = "CAF secreted exosomes to regulate survival and proliferation of pancreatic cancer cells, thus may serve as a potential target"
    rows = [
        {"subject": "exosome", "predicate": "promotes", "object": "cell-proliferation", "donor": "CAF", "quote": may},
        {"subject": "exosome", "predicate": "promotes", "object": "cell-proliferation", "donor": "CAF", "quote": may, "hedged": "true"},
        {"subject": "exosome", "predicate": "promotes", "object": "cell-proliferation", "donor": "CAF", "quote": may, "hedged": "false"},
    ]
    directory = _curation(tmp_path, CELLS, rows)
    cur = read_curation(directory)
    assert [(p.code, p.subject.rsplit(":", 1)[1]) for p in cur.problems] == [("undecided-hedge", "2")]
    assert "the quote says 'may'" in cur.problems[0].message
    assert sorted(r.context.hedged for r in cur.relations) == [False, True]
    table = directory / "relations" / "r.tsv"
    lines = table.read_text(encoding="utf-8").splitlines()
    table.write_text("\n".join(lines[:1] + lines[2:]) + "\n", encoding="utf-8")  # the undecided row decided
    report = build(directory, tmp_path / "t.ttl", review_path)
    assert report.relations == 2
    hedged = Graph().parse(tmp_path / "t.ttl").query("ASK { ?st <https://w3id.org/exograph/ontology#hedged> true }")
    assert hedged.askAnswer
    plain = Graph().parse(tmp_path / "t.ttl").query("SELECT (COUNT(*) AS ?n) WHERE { ?st <https://w3id.org/exograph/ontology#hedged> false }")
    assert int(next(iter(plain))[0]) == 0  # false is left out: a statement without a hedge keeps its published IRI


def test_the_curation_says_what_the_text_says(curation):
    """Curation 2's fixes, kept fixed: the exosome (or its cargo) is the agent, entity kinds are
    what the things are, generic classes are marked, and no hop the text does not state."""
    by_id = {vocab_id: e for vocab_id, e in curation.entities.items()}
    cells_as_subject = [r for r in curation.relations if by_id[eid(r.subject)].type == "CellType"]
    assert all(all(n.startswith("Cell as agent:") for n in r.notes) and r.context.donor is None for r in cells_as_subject)
    assert len(cells_as_subject) <= 2  # only where the text makes the cell itself act ("recruits myeloid cells to ... promote")
    assert {e: by_id[e].type for e in ("lipid-raft", "siRNA", "5-nucleotidase", "liver")} == {
        "lipid-raft": "CellularComponent",
        "siRNA": "SiRNA",
        "5-nucleotidase": "MolecularFunction",
        "liver": "AnatomicalSite",
    }
    assert {"miRNA", "mRNA", "lncRNA", "DNA", "cancer", "tumour-cell", "stromal-cell", "exosome"} <= {e for e, x in by_id.items() if x.generic}
    claims = {claim(r) for r in curation.relations}
    assert ("NF-kB-signalling", "promotes", "IL-6-secretion") not in claims  # listed side by side, not caused
    assert ("HER2", "inhibits", "trastuzumab") not in claims and ("HER2", "suppresses", "trastuzumab-activity") in claims
    assert ("miRNA-320a", "releasedBy", "CAF") in claims  # "the loss of exosomal miRNA-320a from CAFs"
    # the ceRNA mechanism of ref 79 hop by hop, the inferred hops saying so
    assert {("lncRNA-ref79", "actsAsCeRNAFor", "miRNA-34"), ("miRNA-34", "targets", "AXL"), ("AXL", "mediates", "sunitinib-resistance")} <= claims
    implied = [r for r in curation.relations if claim(r) == ("miRNA-34", "targets", "AXL")]
    assert implied and all(n.startswith("Implied:") for r in implied for n in r.notes)
    # context from the notes into fields: the liver of ref 86, the donors of ref 51
    assert any(r.context.site == "https://w3id.org/exograph/entity/liver" and 86 in r.refs for r in curation.relations)
    assert {r.context.donor_condition for r in curation.relations if eid(r.object) == "miRNA-15a" and eid(r.subject) == "exosome"} == {"from healthy donors"}


def test_the_packaged_ceRNA_chain_is_walkable():
    import exograph

    kg = exograph.load()
    chains = [[eid(n) for n in p.nodes] for p in kg.paths("lncRNA-ref79", "sunitinib resistance", all_paths=True)]
    assert ["lncRNA-ref79", "miRNA-34", "AXL", "sunitinib-resistance"] in chains
    assert ["lncRNA-ref79", "AXL", "sunitinib-resistance"] in chains


def test_a_cargo_taken_up_names_the_donor_its_exosomes_came_from(curation):
    """'Transfer of miRNA-125a from MSC-derived exosomes to ECs': the uptake row names the donor
    its carries row names (audit round 2), so donor -> cargo -> recipient reads from one statement."""
    donors = {(eid(r.object), n): r.context.donor for r in curation.relations if local_name(r.predicate) == "carries" and r.context.donor for n in r.refs}
    missing = [
        (claim(r), n)
        for r in curation.relations
        if local_name(r.predicate) == "takenUpBy" and r.context.donor is None
        for n in r.refs
        if (eid(r.subject), n) in donors
    ]
    assert not missing, missing
