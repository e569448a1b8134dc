"""Support: curated and database evidence by tier, each reference once, one belief; paths rank by
it after hop count; `exograph evidence` shows both side by side, strongest first."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from exograph.cli import cli
from exograph.kg import KnowledgeGraph
from exograph.store.oxigraph import OxigraphStore, load_files
from exograph.support import Support, by_tier, shown, tier

from .conftest import FIXTURES

HERE = FIXTURES / "support"
GRAPH = "https://w3id.org/exograph/graph/mirtarbase"
ENT = "https://w3id.org/exograph/entity/"


def test_the_formula():
    assert Support().belief == 0.0
    assert Support(curated=1).belief == 0.85
    assert Support(curated=1, strong=1, weak=1).belief == round(1 - 0.15 * 0.2 * 0.7, 6)
    assert Support(negative=5).belief == 0.0  # no interaction found is never support
    assert by_tier({"100": {"strong", "weak"}, "200": {"weak"}, "300": {"negative"}}) == (1, 1, 1)
    assert by_tier({"400": {"negative", "weak"}}) == (0, 1, 0)
    assert [tier(t) for t in ("Functional MTI", "Functional MTI (Weak)", "Non-Functional MTI", "Non-Functional MTI (Weak)", "other")] == [
        "strong",
        "weak",
        "negative",
        "negative",
        None,
    ]


def test_database_evidence_of_a_mature_form_supports_the_curated_relation(both: KnowledgeGraph):
    apaf1 = both.index.support("https://w3id.org/exograph/statement/a")
    assert apaf1 == Support(curated=1, strong=1, weak=1, negative=1)  # PMID 100 once, as strong
    assert both.index.support("https://w3id.org/exograph/statement/b") == Support(curated=2)
    alone = KnowledgeGraph(OxigraphStore.memory([HERE / "curated.ttl"]))
    assert alone.index.support("https://w3id.org/exograph/statement/a") == Support(curated=1)


def test_paths_rank_by_support_after_hop_count(both: KnowledgeGraph):
    alone = KnowledgeGraph(OxigraphStore.memory([HERE / "curated.ttl"]))
    # without the database, GENEX's two references outrank APAF1's one; with it, APAF1 comes first
    assert [p.nodes[1] for p in alone.paths("miRNA-21", "drug resistance")] == [ENT + "GENEX", ENT + "APAF1"]
    ranked = both.paths("miRNA-21", "drug resistance")
    assert [p.nodes[1] for p in ranked] == [ENT + "APAF1", ENT + "GENEX"]
    assert ranked[0].belief == round(Support(1, 1, 1).belief * Support(1).belief, 6) > ranked[1].belief


def test_evidence_lists_curated_and_database_support_side_by_side(both: KnowledgeGraph):
    links = both.evidence("miRNA-21", "APAF1")
    assert [(link.graph, link.subject.removeprefix(ENT)) for link in links] == [(None, "miRNA-21"), (GRAPH, "miRNA-21-5p")]
    curated, imported = links
    assert curated.support == Support(1, 1, 1, 1) and len(curated.curated) == 1
    assert [(r.database_id, r.pmid, r.tier) for r in imported.records] == [
        ("MIRT002410", "100", "strong"),
        ("MIRT002410", "100", "weak"),
        ("MIRT002410", "200", "weak"),
        ("MIRT002410", "300", "negative"),
    ]
    assert imported.records[0].experiments == ("Luciferase reporter assay", "Western blot")
    assert imported.support == Support(0, 1, 1, 1)


def test_json_contracts_gain_support_source_and_pmid(tmp_path: Path):
    store = tmp_path / "store"
    load_files(store, [HERE / "curated.ttl"])
    load_files(store, [HERE / "database.ttl"], graph=GRAPH)
    runner = CliRunner()
    path = json.loads(runner.invoke(cli, ["--store", str(store), "path", "miRNA-21", "drug resistance", "--format", "json"]).output)
    first = path["paths"][0]
    assert first["edges"][0]["support"] == {"belief": Support(1, 1, 1, 1).belief, "curated": 1, "strong": 1, "weak": 1, "negative": 1}
    assert first["edges"][0]["evidence"][0]["source"] == "review" and first["edges"][0]["evidence"][0]["pmid"] is None
    assert first["belief"] == round(Support(1, 1, 1, 1).belief * 0.85, 6)
    result = runner.invoke(cli, ["--store", str(store), "evidence", "miR-21", "APAF1", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [link["graph"] for link in data["links"]] == [None, GRAPH]
    record = data["links"][1]["evidence"][0]
    assert record["record"] == "MIRT002410" and record["pmid"] == "100" and record["source"] == "https://w3id.org/exograph/source/mirtarbase"
    shown = runner.invoke(cli, ["--store", str(store), "evidence", "miR-21", "APAF1"]).output
    assert "MIRT002410 PMID 300 (Non-Functional MTI)" in shown and "1 found no interaction" in shown


def test_a_belief_short_of_one_is_never_shown_as_one():
    assert [shown(b) for b in (0.85, 0.72, 0.9958, 0.9996, 1.0)] == ["0.85", "0.72", "0.996", "> 0.999", "1.00"]
    assert str(Support(curated=1, strong=2, weak=1)) == "support 0.996 (1 curated, 2 strong, 1 weak)"  # miR-21 -> APAF1 with miRTarBase
