"""The command line: exit codes, one-line errors, and the JSON contracts scripts rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from exograph.cli import cli

from .conftest import FIXTURES, iri

E_KEYS = {"id", "label", "type"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_resolve_json_contract():
    code, out, _ = run("resolve", "miR-21", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "miR-21"
    assert [m["id"] for m in data["matches"]][:2] == [iri("miRNA-21"), iri("miRNA-21-5p")]
    for m in data["matches"]:
        assert set(m) == {"id", "label", "type", "score"} and isinstance(m["score"], float)
    assert data["matches"] == sorted(data["matches"], key=lambda m: -m["score"])


def test_resolve_miss_exits_1_with_suggestion():
    code, out, err = run("resolve", "miR-2l", "--format", "json")
    assert code == 1
    assert json.loads(out)["matches"] == []
    assert err.strip() == "Error: unknown entity 'miR-2l'; did you mean 'miRNA-21', 'miRNA-21-5p', 'miRNA-221-3p'?"


def test_path_json_contract():
    code, out, _ = run("path", "miR-21", "paclitaxel resistance", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["source"] == {"id": iri("miRNA-21"), "label": "miRNA-21", "type": "MicroRNA"}
    assert data["target"]["label"] == "paclitaxel resistance"
    via = data["paths"][1]
    assert [n["label"] for n in via["nodes"]] == ["miRNA-21", "APAF1", "paclitaxel resistance"]
    for node in via["nodes"]:
        assert set(node) == E_KEYS
    hop = via["edges"][0]
    assert hop["predicate"] == "https://w3id.org/exograph/ontology#targets"
    assert hop["label"] == "targets"
    assert hop["refs"] == [49]
    assert hop["context"]["cancer"]["label"] == "ovarian cancer"
    assert hop["context"]["donor"]["id"] == iri("CAF")
    assert any("through targeting APAF1" in q for q in hop["quotes"])


def test_path_text_shows_hops_with_context_and_refs():
    code, out, _ = run("path", "miR-21", "paclitaxel resistance")
    assert code == 0
    assert "Path 2 (2 hops, support 0.72): miRNA-21 -> APAF1 -> paclitaxel resistance" in out and "support 0.85 (1 curated)" in out
    assert "miRNA-21 --targets--> APAF1" in out
    assert "ref 49 (Au Yeung et al, 4. Drug resistance)" in out


def test_no_path_exits_3():
    code, _, err = run("path", "paclitaxel resistance", "miR-21")
    assert code == 3
    assert err.startswith("Error: no path from 'paclitaxel resistance' to 'miRNA-21' within 4 hops")


def test_unknown_entity_exits_1():
    code, _, err = run("path", "miR-2l", "APAF1")
    assert code == 1 and err.count("\n") == 1 and "did you mean 'miRNA-21'" in err


def test_neighbors_json_and_filters():
    code, out, _ = run("neighbors", "APAF1", "--depth", "2", "--predicate", "targets", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["entity"]["label"] == "APAF1"
    assert [(n["label"], n["distance"]) for n in data["neighbors"]] == [("miRNA-21", 1)]
    code, out, _ = run("neighbors", "miR-21", "--cancer", "HCC", "--format", "json")
    objects = {e["object"]["label"] for e in json.loads(out)["edges"]}
    assert "hepatocellular carcinoma" in objects and "APAF1" not in objects


def test_query_formats_and_list():
    code, out, _ = run("query", "--list")
    assert code == 0 and "resistance-via-gene" in out
    code, out, _ = run("query", "ASK { ent:miRNA-21 exo:targets ent:APAF1 }", "--format", "json")
    assert json.loads(out) == {"head": {}, "boolean": True}
    code, out, _ = run("query", "lowered-biomarkers", "--format", "csv")
    assert out.splitlines()[0] == "cargo,cancer,biofluid,clinical_value,refs"
    code, out, _ = run("query", "SELECT ?s WHERE { ?s ?p }")
    assert code == 1


def test_stats_json():
    code, out, _ = run("stats", "--format", "json")
    data = json.loads(out)
    assert data["relations"] >= 60 and data["entities_by_type"]["MicroRNA"] >= 20
    assert {49, 79, 83, 84, 100, 138} <= set(data["references_cited"])
    assert data["relations_by_predicate"]["biomarkerFor"] >= 30


def test_data_option_loads_user_files():
    code, out, _ = run("--data", str(FIXTURES / "tiny.ttl"), "stats", "--format", "json")
    assert json.loads(out)["relations"] == 2
    code, out, _ = run("--data", str(FIXTURES / "tiny.ttl"), "path", "evil-mir", "GENE2", "--format", "json")
    assert code == 0 and len(json.loads(out)["paths"][0]["edges"]) == 2


def test_validate_exit_codes():
    assert run("validate")[0] == 0
    code, out, _ = run("validate", str(FIXTURES / "invalid.ttl"))
    assert code == 1 and "ERROR undeclared-term (1)" in out and "ERROR bad-range (1)" in out
    code, out, _ = run("validate", "--curation", str(FIXTURES / "curation-bad"), "--format", "json")
    counts = json.loads(out)["counts"]
    assert code == 1 and counts["ERROR unknown-predicate"] == 1 and counts["ERROR bad-row"] == 1


def test_build_to_a_file(tmp_path: Path):
    out = tmp_path / "t.ttl"
    code, stdout, _ = run("build", "-o", str(out), "--format", "json")
    assert code == 0 and json.loads(stdout)["changed"] is True
    code, stdout, _ = run("build", "-o", str(out))
    assert stdout.startswith("up to date:")


def test_build_reports_skipped_quote_check(tmp_path: Path):
    code, _, err = run("build", "-o", str(tmp_path / "t.ttl"), "--review", str(tmp_path / "absent.txt"))
    assert code == 0 and "quote check skipped: review text not found at" in err


def test_viz_writes_a_file(tmp_path: Path):
    out = tmp_path / "g.html"
    code, stdout, _ = run("viz", "-o", str(out), "--focus", "APAF1", "--depth", "1")
    assert code == 0 and out.is_file() and "wrote" in stdout
    code, stdout, _ = run("viz", "-o", str(out), "--path", "miR-21", "APAF1", "--format", "json")
    assert json.loads(stdout) == {"output": str(out), "bytes": out.stat().st_size}


@pytest.mark.parametrize(
    "args, code, start",
    [
        (["--data", str(FIXTURES / "malformed.ttl"), "stats"], 1, "Error: "),
        (["--data", "no/such/file.ttl", "stats"], 1, "Error: no/such/file.ttl: no such file"),
        (["path", "miR-21", "zzzzqqqq"], 1, "Error: unknown entity 'zzzzqqqq'"),
        (["path", "paclitaxel resistance", "miR-21"], 3, "Error: no path"),
        (["query", "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }"], 1, "Error: SERVICE is not allowed"),
        (["build", "--curation", str(FIXTURES / "curation-bad"), "-o", "/nonexistent-dir/x.ttl"], 1, "Error: "),
    ],
)
def test_real_process_bad_input_one_line_no_traceback(args, code, start):
    proc = subprocess.run([sys.executable, "-m", "exograph.cli", *args], capture_output=True, text=True)
    assert proc.returncode == code, proc.stderr
    assert proc.stderr.startswith(start), proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_malformed_turtle_names_file_and_line():
    proc = subprocess.run([sys.executable, "-m", "exograph.cli", "--data", str(FIXTURES / "malformed.ttl"), "stats"], capture_output=True, text=True)
    assert "malformed.ttl:3: malformed Turtle: Unexpected end of file; fix the syntax there" in proc.stderr


def test_text_keeps_state_and_negation_visible():
    from exograph import text

    e = {
        "subject": {"label": "miRNA-X"},
        "object": {"label": "GENE"},
        "label": "targets",
        "context": {"subject_state": "lost", "negated": True},
        "evidence": [],
    }
    assert text.edge(e)[0] == "  miRNA-X [lost] --NOT targets--> GENE"


def test_output_to_a_pipe_is_written_not_replaced(tmp_path: Path):
    """``-o`` naming a FIFO (or /dev/stdout) writes into it; the atomic rename is for regular files only."""
    import os
    import stat
    import threading

    fifo = tmp_path / "out.html"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, _ = run("viz", "-o", str(fifo), "--focus", "APAF1")
    reader.join(timeout=30)
    assert code == 0 and b"APAF1" in received[0]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_text_output_never_passes_control_characters_from_the_data(tmp_path):
    """A label, quote or note carrying escape sequences is shown escaped by every text renderer."""
    tiny = (FIXTURES / "tiny.ttl").read_text(encoding="utf-8")
    data = tmp_path / "evil.ttl"
    data.write_text(tiny.replace('rdfs:label "GENE1"', 'rdfs:label "GENE1\\u001b[2J\\u001b]0;owned\\u0007"'), encoding="utf-8")
    runner = CliRunner()
    for args in (["resolve", "GENE1"], ["neighbors", "GENE1"], ["path", "evil-mir", "GENE2"], ["evidence", "evil-mir", "GENE1"], ["stats"]):
        result = runner.invoke(cli, ["--data", str(data), *args])
        assert result.exit_code == 0, (args, result.output)
        assert "\x1b" not in result.output and "\x07" not in result.output, args
        if args[0] != "stats":
            assert "GENE1\\x1b[2J" in result.output, args


# --------------------------------------------------------------------------- context, generic, hedged, cross-cancer


def test_neighbors_of_an_entity_only_in_context(context_file):
    code, out, _ = run("--data", str(context_file), "neighbors", "NK cell")
    assert code == 0
    head, _, section = out.partition("\nthrough context: ")
    assert "0 neighbours within 1 hop(s)" in head and "relations (0):" in head
    lines = section.splitlines()
    assert lines[0] == "NK cell is named in the context of 3 relation(s) (donor 1, recipient 2):"
    assert "  [recipient] GENE-B --suppresses--> NK cell cytotoxicity (hedged)" in lines
    assert "  [donor] miRNA-G --promotes--> phenotype P" in lines
    code, out, _ = run("--data", str(context_file), "neighbors", "NK cell", "--limit", "1", "--no-hedged", "--format", "json")
    data = json.loads(out)
    assert data["total_through_context"] == 2 and len(data["through_context"]) == 1
    assert data["through_context_by_role"] == {"donor": 1, "recipient": 1}
    (relation,) = data["through_context"]
    assert relation["roles"] == ["recipient"] and relation["context"]["recipient"]["label"] == "NK cell"
    code, out, _ = run("--data", str(context_file), "neighbors", "NK cell", "--limit", "1")
    assert "NK cell is named in the context of 1 of 3 relation(s) (donor 1, recipient 2):" in out and "  ... 2 more (use --limit)" in out


def test_neighbors_of_a_cancer_lists_the_relations_stated_for_it():
    code, out, _ = run("neighbors", "breast cancer", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["total_through_context"] >= 35 and data["through_context_by_role"]["cancer"] >= 35
    assert all(e["context"]["cancer"]["label"] == "breast cancer" for e in data["through_context"] if "cancer" in e["roles"])


def test_path_through_generic_option_and_its_hint(context_file):
    code, _, err = run("--data", str(context_file), "path", "fibroblast F", "angiogenesis", "--undirected")
    assert code == 3 and err.count("\n") == 1
    expected = (
        "no path from 'fibroblast F' to 'angiogenesis' within 4 hops but through generic entities ('microRNA'); give --through-generic to walk through them"
    )
    assert err == f"Error: {expected}\n"
    code, out, _ = run("--data", str(context_file), "path", "fibroblast F", "angiogenesis", "--undirected", "--through-generic")
    assert code == 0 and out.startswith("Path 1 (2 hops, support 0.72): fibroblast F -> microRNA -> angiogenesis")


def test_hedged_is_shown_and_no_hedged_leaves_it_out(context_file):
    code, out, _ = run("--data", str(context_file), "path", "miR-H", "phenotype P")
    assert code == 0 and "  1. miRNA-H --targets--> GENE-I (hedged)" in out and "hedged: " not in out
    code, out, _ = run("--data", str(context_file), "path", "miR-H", "phenotype P", "--format", "json")
    assert [e["context"].get("hedged", False) for e in json.loads(out)["paths"][0]["edges"]] == [True, False]
    code, _, err = run("--data", str(context_file), "path", "miR-H", "phenotype P", "--no-hedged")
    assert code == 3 and "without hedged statements; try without --no-hedged" in err
    code, out, _ = run("--data", str(context_file), "evidence", "miR-H", "GENE-I")
    assert "- miRNA-H --targets--> GENE-I (hedged) [curated]" in out
    code, out, _ = run("--data", str(context_file), "evidence", "miR-H", "GENE-I", "--format", "json")
    assert [link["hedged"] for link in json.loads(out)["links"]] == [True]


def test_cross_cancer_paths_are_flagged_and_ranked_last(context_file):
    code, out, _ = run("--data", str(context_file), "path", "miR-A", "phenotype P")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Path 1 (3 hops, support 0.61): miRNA-A -> GENE-C -> GENE-D -> phenotype P")
    second = lines.index("Path 2 (2 hops, support 0.72, cross-cancer): miRNA-A -> GENE-B -> phenotype P")
    assert (
        lines[second + 1]
        == "  warning: cross-cancer path: its hops are stated for different cancers (cancer X, <i>cancer Y</i>), no one study shows the whole chain"
    )
    code, out, _ = run("--data", str(context_file), "path", "miR-A", "phenotype P", "--format", "json")
    data = json.loads(out)
    assert [p["cross_cancer"] for p in data["paths"]] == [False, True]
    assert [c["label"] for c in data["paths"][1]["cancers"]] == ["cancer X", "<i>cancer Y</i>"]
    assert [c["id"] for c in data["paths"][0]["cancers"]] == [iri("X")]


def test_viz_focus_on_an_entity_only_in_context_draws_its_relations(context_file, tmp_path: Path):
    out = tmp_path / "nk.html"
    code, stdout, err = run("--data", str(context_file), "viz", "--focus", "NK cell", "-o", str(out))
    assert code == 0 and err == "" and stdout == f"wrote {out}\n"
    html = out.read_text(encoding="utf-8")
    assert "3 relations (3 with the focus in their context)" in html
    assert html.count('"exo_kind": "context"') == 5  # NK cell to each subject and object, once per role and entity
    code, _, err = run("--data", str(context_file), "viz", "--focus", "NK cell", "--limit", "1", "-o", str(out))
    assert code == 0 and err.startswith("note: drew 1 of the 3 relations within 1 hop(s) of 'NK cell' or naming it in their context")


def test_viz_focus_on_nothing_drawable_exits_1_in_one_line(context_file, tmp_path: Path):
    out = tmp_path / "lonely.html"
    code, _, err = run("--data", str(context_file), "viz", "--focus", "LONELY", "-o", str(out))
    assert code == 1 and err == "Error: nothing to draw around 'LONELY': it is not the subject, object or context of any relation\n"
    assert not out.exists()
    code, _, err = run("--data", str(context_file), "viz", "--path", "GENE-D", "angiogenesis", "-o", str(out))
    assert code == 3 and "give --through-generic" in err and not out.exists()
    code, _, _ = run("--data", str(context_file), "viz", "--path", "miR-H", "phenotype P", "--no-hedged", "-o", str(out))
    assert code == 3 and not out.exists()


def test_viz_path_options(context_file, tmp_path: Path):
    out = tmp_path / "path.html"
    code, _, _ = run("--data", str(context_file), "viz", "--path", "GENE-D", "angiogenesis", "--through-generic", "-o", str(out))
    assert code == 0 and '"exo_on_path": true' in out.read_text(encoding="utf-8")
    code, _, _ = run("--data", str(context_file), "viz", "--path", "miR-A", "phenotype P", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    data = html.split('<script type="application/json" id="exo-data">', 1)[1].split("</script>", 1)[0]
    assert code == 0 and "<i>" not in data and "\\u003ci\\u003ecancer Y\\u003c/i\\u003e" in data
    assert json.loads(data)["path_info"] == [
        {"cancers": ["cancer X"], "cross_cancer": False},
        {"cancers": ["cancer X", "<i>cancer Y</i>"], "cross_cancer": True},
    ]


def test_the_new_sections_are_terminal_safe_too(context_file):
    """The site's label carries an escape sequence: the through-context section shows it escaped."""
    code, out, _ = run("--data", str(context_file), "neighbors", "bone")
    assert code == 0 and "\x1b" not in out
    assert out.splitlines()[0].startswith("bone\\x1b[2J (AnatomicalSite): 0 neighbours within 1 hop(s); named in the context of 1 relation(s)")
    assert "through context: bone\\x1b[2J is named in the context of 1 relation(s) (site 1):" in out
