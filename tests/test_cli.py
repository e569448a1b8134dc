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
