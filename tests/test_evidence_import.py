"""Curated and database support side by side, end to end: the real miRTarBase rows of
tests/fixtures/mirtarbase imported beside the packaged curation, then path and evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exograph.cli import cli
from exograph.support import Support

from .conftest import FIXTURES

ROWS = FIXTURES / "mirtarbase"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("imported") / "store"
    result = CliRunner().invoke(cli, ["import", "mirtarbase", str(ROWS / "hsa_MTI.csv"), "--store", str(target), "--reference", str(ROWS)])
    assert result.exit_code == 0, result.output
    return target


def test_mir21_apaf1_shows_review_ref_49_beside_mirt002410(store: Path):
    result = CliRunner().invoke(cli, ["--store", str(store), "evidence", "miR-21", "APAF1", "--format", "json"])
    assert result.exit_code == 0, result.output
    curated, imported = json.loads(result.output)["links"]
    assert curated["graph"] is None and [e["refs_printed"] for e in curated["evidence"]] == ["49", "49"]
    assert curated["support"] == {"belief": Support(1, 2, 1).belief, "curated": 1, "strong": 2, "weak": 1, "negative": 0}
    assert imported["graph"] == "https://w3id.org/exograph/graph/mirtarbase" and imported["subject"]["label"] == "miRNA-21-5p"
    assert {(e["record"], e["pmid"], e["tier"]) for e in imported["evidence"]} == {
        ("MIRT002410", "18829576", "strong"),
        ("MIRT002410", "27021436", "strong"),
        ("MIRT002410", "18591254", "weak"),
    }


def test_paths_carry_the_database_support(store: Path):
    result = CliRunner().invoke(cli, ["--store", str(store), "path", "miR-21", "paclitaxel resistance", "--format", "json"])
    assert result.exit_code == 0, result.output
    via_apaf1 = next(p for p in json.loads(result.output)["paths"] if [n["label"] for n in p["nodes"]][1:2] == ["APAF1"])
    assert via_apaf1["edges"][0]["support"]["strong"] == 2
    assert via_apaf1["belief"] == round(Support(1, 2, 1).belief * Support(1).belief, 6)
    shown = CliRunner().invoke(cli, ["--store", str(store), "path", "miR-21", "paclitaxel resistance"]).output
    assert "support 0.996 (1 curated, 2 strong, 1 weak)" in shown
