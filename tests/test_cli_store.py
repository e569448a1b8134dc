"""The command line on an on-disk store: load, --store for every command, timeouts, paging."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exograph import resources

from .conftest import FIXTURES, on_a_terminal

ROOT = Path(__file__).resolve().parent.parent


def exograph(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exograph.cli", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packaged graph loaded into an on-disk store (with the ontology), as a user would."""
    directory = tmp_path_factory.mktemp("stores") / "review"
    proc = exograph("load", str(resources.packaged_triples()), "--store", str(directory))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"created {directory}: ") and "triples in all" in proc.stdout
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal
    return directory


def test_every_command_answers_on_the_store_as_on_the_packaged_graph(store: Path):
    for args in (
        ["stats", "--format", "json"],
        ["resolve", "miR-21", "--format", "json"],
        ["path", "miR-21", "paclitaxel resistance", "--format", "json"],
        ["neighbors", "APAF1", "--depth", "2", "--format", "json"],
        ["query", "mirna-21-findings", "--format", "json"],
    ):
        local, on_disk = exograph(*args), exograph("--store", str(store), *args)
        assert on_disk.returncode == local.returncode == 0, on_disk.stderr
        assert json.loads(on_disk.stdout) == json.loads(local.stdout), args


def test_the_store_comes_from_the_environment_too(store: Path):
    env = {**os.environ, "EXOGRAPH_STORE": str(store)}
    proc = exograph("resolve", "mir-21", env=env)
    assert proc.returncode == 0 and proc.stdout.splitlines()[0].startswith("miRNA-21\tMicroRNA")


def test_validate_and_viz_on_the_store(store: Path, tmp_path: Path):
    proc = exograph("--store", str(store), "validate")
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.startswith(f"valid: no problems in {store}")
    out = tmp_path / "v.html"
    proc = exograph("--store", str(store), "viz", "--focus", "miR-21", "-o", str(out))
    assert proc.returncode == 0 and "miRNA-21" in out.read_text(encoding="utf-8")


def test_data_and_store_together_are_refused(store: Path):
    proc = exograph("--data", str(FIXTURES / "tiny.ttl"), "--store", str(store), "stats")
    assert proc.returncode == 2 and "give --data or --store, not both" in proc.stderr and "Traceback" not in proc.stderr


def test_a_missing_store_is_one_line(tmp_path: Path):
    proc = exograph("--store", str(tmp_path / "none"), "stats")
    assert proc.returncode == 1
    assert proc.stderr == f"Error: {tmp_path / 'none'}: no exograph store there; create it with 'exograph load FILE... --store {tmp_path / 'none'}'\n"


def test_load_extends_and_a_malformed_file_changes_nothing(tmp_path: Path):
    directory = tmp_path / "s"
    assert exograph("load", str(FIXTURES / "tiny.ttl"), "--store", str(directory)).returncode == 0
    before = json.loads(exograph("--store", str(directory), "stats", "--format", "json").stdout)
    proc = exograph("load", str(resources.packaged_triples()), str(FIXTURES / "malformed.ttl"), "--store", str(directory))
    assert proc.returncode == 1 and proc.stderr.startswith("Error: ") and "malformed.ttl:3: malformed Turtle" in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert json.loads(exograph("--store", str(directory), "stats", "--format", "json").stdout) == before
    proc = exograph("load", str(resources.packaged_triples()), "--store", str(directory), "--format", "json")
    report = json.loads(proc.stdout)
    assert report["created"] is False and report["added"] > 8000
    after = json.loads(exograph("--store", str(directory), "stats", "--format", "json").stdout)
    from exograph.io.curation import read_curation

    assert after["relations"] == before["relations"] + len(read_curation(resources.curation_dir()).relations)  # the index follows the store


def test_load_into_a_named_graph_then_serve_it(tmp_path: Path):
    directory = tmp_path / "g"
    assert exograph("load", str(FIXTURES / "tiny.ttl"), "--store", str(directory)).returncode == 0
    proc = exograph("load", str(FIXTURES / "tiny.ttl"), "--graph", "http://example.org/tiny", "--store", str(directory))
    assert proc.returncode == 0, proc.stderr
    rows = exograph("--store", str(directory), "query", "SELECT (COUNT(*) AS ?n) FROM <http://example.org/tiny> WHERE { ?s ?p ?o }", "--format", "csv")
    import pyoxigraph

    triples = sum(1 for _ in pyoxigraph.parse(path=str(FIXTURES / "tiny.ttl"), format=pyoxigraph.RdfFormat.TURTLE))
    assert rows.stdout.splitlines() == ["n", str(triples)]
    refused = exograph("--store", str(directory), "query", "SELECT * FROM <http://example.org/other> WHERE { ?s ?p ?o }")
    assert refused.returncode == 1 and "is not a graph this store holds (it holds: <http://example.org/tiny>)" in refused.stderr


def test_a_runaway_query_is_stopped_by_its_timeout():
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    start = time.monotonic()
    proc = exograph("query", runaway, "--timeout", "1")
    assert time.monotonic() - start < 30
    assert proc.returncode == 1
    assert proc.stderr == "Error: the query ran longer than 1 s (--timeout) and was stopped; narrow it, add a LIMIT or give a larger --timeout\n"


def _children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


def test_the_query_command_stops_a_runaway_in_its_own_process(tmp_path: Path):
    """The command is the process: no fork, no second opening of the store; its timer ends it."""
    directory = tmp_path / "store"
    assert exograph("load", str(FIXTURES / "tiny.ttl"), "--store", str(directory)).returncode == 0
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    process = subprocess.Popen(
        [sys.executable, "-m", "exograph.cli", "--store", str(directory), "query", runaway, "--timeout", "3"], cwd=ROOT, stderr=subprocess.PIPE, text=True
    )
    time.sleep(1.5)
    assert process.poll() is None, "the runaway query ended before its timeout"
    assert _children(process.pid) == []
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stderr == "Error: the query ran longer than 3 s (--timeout) and was stopped; narrow it, add a LIMIT or give a larger --timeout\n"


def test_a_query_with_a_timeout_through_the_api_is_stopped_and_leaves_no_child_behind():
    """``kg.sparql(timeout=)`` must keep its caller alive, so it runs the query in a child process,
    which is ended at the timeout, and killed with its parent when that is killed first."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    script = f"""
import exograph, sys
from exograph.errors import QueryTimeoutError
kg = exograph.load()
try:
    kg.sparql({runaway!r}, timeout=float(sys.argv[1]))
except QueryTimeoutError as exc:
    print(exc)
"""
    stopped = subprocess.run([sys.executable, "-c", script, "1"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert stopped.stdout == "the query ran longer than 1 s (--timeout) and was stopped; narrow it, add a LIMIT or give a larger --timeout\n"
    process = subprocess.Popen([sys.executable, "-c", script, "600"], cwd=ROOT, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    children: list[int] = []
    while time.monotonic() < deadline and not children:
        time.sleep(0.2)
        children = _children(process.pid)
    assert children, "the query never started in a child process"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{children[0]}").exists():
        status = Path(f"/proc/{children[0]}/stat").read_text().split()[2] if Path(f"/proc/{children[0]}/stat").exists() else "X"
        if status == "Z":
            break
        time.sleep(0.1)
    alive = Path(f"/proc/{children[0]}/stat").exists() and Path(f"/proc/{children[0]}/stat").read_text().split()[2] != "Z"
    assert not alive, "the query's child outlived the killed command"


def test_neighbors_pages_and_reports_the_totals():
    proc = exograph("neighbors", "exosome", "--limit", "3", "--format", "json")
    data = json.loads(proc.stdout)
    assert len(data["neighbors"]) == 3 and len(data["edges"]) == 3
    assert data["total_neighbors"] > 3 and data["total_edges"] > 3
    full = json.loads(exograph("neighbors", "exosome", "--format", "json", "--limit", "100000").stdout)
    assert full["neighbors"][:3] == data["neighbors"] and full["edges"][:3] == data["edges"]
    assert len(full["edges"]) == full["total_edges"] == data["total_edges"]
    text = exograph("neighbors", "exosome", "--limit", "3").stdout
    assert f"showing 3 of {data['total_neighbors']}; use --limit" in text and f"relations (3 of {data['total_edges']})" in text


def test_path_all_says_when_it_was_capped(monkeypatch):
    from click.testing import CliRunner

    import exograph.paths
    from exograph.cli import cli

    monkeypatch.setattr(exograph.paths, "PATH_CAP", 3)
    result = CliRunner().invoke(cli, ["path", "exosome", "angiogenesis", "--all", "--undirected", "--max-hops", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["paths"]) == 3
    assert result.stderr.startswith("note: more paths exist: showing the best 3 of at least ")


HEAVY = ("rdflib", "pyoxigraph", "networkx", "pyshacl", "pyvis", "rapidfuzz", "sqlite3")
HELP = """
import runpy, sys
sys.argv = ["exograph", "--help"]
try:
    runpy.run_module("exograph.cli", run_name="__main__")
except SystemExit:
    pass
print(sorted(m for m in sys.modules if m.split(".")[0] in HEAVY))
"""


def test_help_and_version_import_nothing_heavy():
    proc = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{HELP}"], capture_output=True, text=True, cwd=ROOT)
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout
    proc = exograph("--version")
    assert proc.returncode == 0 and "version" in proc.stdout


def test_viz_draws_at_most_limit_relations_and_says_so(tmp_path: Path):
    out = tmp_path / "v.html"
    proc = exograph("viz", "--focus", "exosome", "--limit", "5", "-o", str(out))
    assert proc.returncode == 0 and "5 relations" in out.read_text(encoding="utf-8")
    assert proc.stderr.startswith("note: drew 5 of the ")
    assert proc.stderr.endswith("relations within 1 hop(s) of 'exosome'; give a larger --limit to draw more\n")


def test_load_shows_a_progress_bar_on_a_terminal(tmp_path: Path):
    proc, shown = on_a_terminal([sys.executable, "-m", "exograph.cli", "load", str(resources.packaged_triples()), "--store", str(tmp_path / "s")], ROOT)
    assert proc.returncode == 0
    assert b"loading" in shown and b"100%" in shown
    assert proc.stdout.decode().startswith(f"created {tmp_path / 's'}: ")


def test_quiet_keeps_the_answer_and_drops_notes_and_progress(tmp_path: Path):
    loud = exograph("viz", "--focus", "exosome", "--limit", "5", "-o", str(tmp_path / "a.html"))
    quiet = exograph("-q", "viz", "--focus", "exosome", "--limit", "5", "-o", str(tmp_path / "b.html"))
    assert loud.returncode == quiet.returncode == 0 and loud.stderr.startswith("note: drew 5 of the ") and quiet.stderr == ""
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    proc, shown = on_a_terminal([sys.executable, "-m", "exograph.cli", "-q", "load", str(resources.packaged_triples()), "--store", str(tmp_path / "s")], ROOT)
    assert proc.returncode == 0 and b"loading" not in shown and proc.stdout.decode().startswith(f"created {tmp_path / 's'}: ")  # the summary is the answer
    (tmp_path / "empty.ttl").write_text("", encoding="utf-8")
    noted = exograph("--data", str(FIXTURES / "tiny.ttl"), "--data", str(tmp_path / "empty.ttl"), "stats")
    quieted = exograph("-q", "--data", str(FIXTURES / "tiny.ttl"), "--data", str(tmp_path / "empty.ttl"), "stats")
    assert "empty.ttl added nothing" in noted.stderr and quieted.stderr == "" and quieted.stdout == noted.stdout
    both = exograph("-q", "-v", "stats")
    assert both.returncode == 2 and both.stderr.strip().endswith("Error: give --quiet or --verbose, not both")


def test_verbose_says_what_happens_and_twice_verbose_every_query(tmp_path: Path):
    built = exograph("-v", "resolve", "miR-21", "--limit", "1")
    assert built.returncode == 0 and built.stdout.startswith("miRNA-21\t")
    lines = built.stderr.splitlines()
    assert lines[0].startswith("exograph: read 2 file(s) into an in-memory store in ") and lines[1].startswith("exograph: index built in ")
    assert lines[1].endswith("(411 relations)") and len(lines) == 2
    exograph("load", str(resources.packaged_triples()), "--store", str(tmp_path / "s"))
    again = exograph("-v", "--store", str(tmp_path / "s"), "resolve", "miR-21")
    assert again.stderr == f"exograph: index read from {tmp_path / 's' / 'index.sqlite'}\n"  # the index the load kept
    queries = exograph("-vv", "stats").stderr.splitlines()
    assert len(queries) > 10 and any(" row(s) in " in q and "SELECT ?st WHERE { ?st a exo:Statement }" in q for q in queries)


def test_shell_completion_works_as_the_readme_says():
    import os

    env = {**os.environ, "COMP_WORDS": "exograph export --format ", "COMP_CWORD": "3", "_EXOGRAPH_COMPLETE": "bash_complete"}
    proc = subprocess.run([sys.executable, "-m", "exograph.cli"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and {"plain,kgx", "plain,neo4j", "plain,graphml"} <= set(proc.stdout.split())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for shell in ("bash", "zsh", "fish"):
        assert f"_EXOGRAPH_COMPLETE={shell}_source exograph" in readme
        sourced = {**os.environ, "_EXOGRAPH_COMPLETE": f"{shell}_source"}
        script = subprocess.run([sys.executable, "-m", "exograph.cli"], env=sourced, capture_output=True, text=True, timeout=60)
        assert script.returncode == 0 and "_EXOGRAPH_COMPLETE" in script.stdout, shell
