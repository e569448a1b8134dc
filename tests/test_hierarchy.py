"""The hierarchy comes from the reference releases (the shipped broader.tsv is what they give), is
in the graph as skos:broader for SPARQL, widens --cancer to subtypes (and says so), and makes a
parent's resolution offer its subtypes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exograph import resources
from exograph.cli import cli
from exograph.errors import CurationError
from exograph.hierarchy import derive, read_table, write_table
from exograph.io.curation import read_curation
from exograph.reference import ReferenceData

from .conftest import FIXTURES
from .test_ground import DATASETS, SLICES

ENT = "https://w3id.org/exograph/entity/"


@pytest.mark.parametrize("where", [SLICES, DATASETS], ids=["slices", "full"])
def test_the_shipped_hierarchy_is_what_the_releases_give(where: Path):
    if not (where / "ontologies" / "doid.json").is_file():
        pytest.skip(f"the reference releases are not at {where}")
    curation = resources.curation_dir()
    shipped = (curation / "broader.tsv").read_text(encoding="utf-8")
    found = derive(read_curation(curation).entities.values(), ReferenceData(where))
    assert found.added == []  # every entity the hierarchy needs is already in entities.tsv
    assert write_table(found.links) == shipped, "run 'exograph hierarchy --reference DIR' and 'exograph build'"


def test_lung_cancer_holds_its_subtypes_in_sparql(kg):
    rows = kg.sparql("SELECT ?c WHERE { ?c skos:broader* ent:lung-cancer } ORDER BY ?c").rows
    assert [str(r[0]).removeprefix(ENT) for r in rows] == ["NSCLC", "lung-adenocarcinoma", "lung-cancer", "lung-carcinoma"]
    chain = kg.sparql("ASK { ent:lung-adenocarcinoma skos:broader+ ent:cancer }")
    assert chain.boolean is True
    mature = kg.sparql("ASK { ent:miRNA-21-5p skos:broader ent:miRNA-21 . ent:paclitaxel-resistance skos:broader ent:drug-resistance }")
    assert mature.boolean is True


def test_cancer_filter_takes_in_subtypes(kg):
    wide = kg.neighbors("miRNA-21-5p", cancer="lung cancer")
    narrow = kg.neighbors("miRNA-21-5p", cancer="ovarian cancer")
    wide_cancers = {r.context.cancer for r in wide.edges}
    assert ENT + "lung-adenocarcinoma" in wide_cancers and ENT + "ovarian-cancer" not in wide_cancers
    assert ENT + "lung-adenocarcinoma" not in {r.context.cancer for r in narrow.edges}
    assert [e.label for e in kg.subtypes("lung cancer")] == ["lung adenocarcinoma", "lung carcinoma", "non-small cell lung cancer"]


def test_resolving_a_parent_offers_its_subtypes(kg):
    matches = kg.resolve("lung cancer")
    assert [(m.label, m.score) for m in matches[:2]] == [("lung cancer", 1.0), ("lung carcinoma", 0.6)]
    assert kg.entity("lung cancer").id == ENT + "lung-cancer"  # the parent itself, not a subtype


def test_cli_says_which_subtypes_a_cancer_takes_in():
    result = CliRunner().invoke(cli, ["neighbors", "miRNA-21-5p", "--cancer", "lung cancer", "--format", "json"])
    assert result.exit_code == 0
    assert "note: --cancer 'lung cancer' includes its 3 subtype(s): lung adenocarcinoma, lung carcinoma, non-small cell lung cancer" in result.stderr


def test_a_bad_hierarchy_table_names_its_line(tmp_path: Path):
    table = tmp_path / "broader.tsv"
    table.write_text("entity\tbroader\tkind\tvia\nNSCLC\tlung-cancer\tpart_of\tx\n", encoding="utf-8")
    with pytest.raises(CurationError, match="broader.tsv:2: a row is entity, broader, kind"):
        read_table(table)
    curation = tmp_path / "curation"
    shutil.copytree(FIXTURES / "curation-paper", curation)
    (curation / "broader.tsv").write_text("entity\tbroader\tkind\tvia\nAPAF1\tnobody\tis_a\tx\n", encoding="utf-8")
    problems = read_curation(curation).problems
    assert [(p.code, p.message) for p in problems] == [("unknown-entity", "'nobody' is not in entities.tsv; run 'exograph hierarchy'")]


def test_hierarchy_command_adds_what_it_needs(tmp_path: Path):
    curation = tmp_path / "curation"
    shutil.copytree(FIXTURES / "curation-paper", curation)
    table = curation / "entities.tsv"
    table.write_text(
        table.read_text(encoding="utf-8").replace("ovarian-cancer\tCancerType\tovarian cancer\t\t", "ovarian-cancer\tCancerType\tovarian cancer\t\tDOID:2394"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["hierarchy", "--curation", str(curation), "--reference", str(SLICES)])
    assert result.exit_code == 0, result.output
    links = read_table(curation / "broader.tsv")
    assert ("ovarian-cancer", "female-reproductive-organ-cancer") in {(link.entity, link.broader) for link in links}
    added = read_curation(curation)
    assert added.errors == [] and added.entities["female-reproductive-organ-cancer"].xrefs == ("DOID:120",)
    assert added.entities["cancer"].label == "cancer"  # the chain goes up to DOID:162
