"""benchmarks/bench_scale.py runs end to end at a tiny size and reports every measure with a numeric ratio."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "bench_scale.py"
COLUMNS = ["measure", "exograph", "anchor", "anchor name", "ratio", "peak MB (exograph / anchor)", "target"]
MEASURES = [
    "load",
    "resolve miR-21",
    "stats",
    "path miR-21 metastasis (hub pair)",
    "(mid pair)",
    "neighbors miR-21 --limit 100",
    "neighbors miR-21 --depth 2 --limit 100",
    "query COUNT targets",
    "query 3-way join LIMIT 1000",
    "viz --focus miR-21 --depth 1",
    "kg.paths miR-21 metastasis (best 5",
    "kg.paths miR-21 metastasis (all",
    "kg.sparql COUNT targets",
    "kg.sparql 3-way join LIMIT 1000",
]


def table(markdown: str) -> list[dict[str, str]]:
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    assert header == COLUMNS
    return [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")), strict=True)) for line in lines[2:]]


def test_tiny_run_reports_every_measure(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--sizes", "20k", "--runs", "1", "--load-runs", "1", "--workdir", str(tmp_path / "work"), "--json", str(out), "-q"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "### 20k triples" in text
    assert "pyoxigraph" in text and "CPUs" in text
    assert "peak memory of any command after loading" in text

    rows = table(text)
    names = [r["measure"] for r in rows]
    for measure in MEASURES:
        assert any(measure in name for name in names), f"no row for {measure!r} in {names}"
    assert sum(name.startswith("kg.paths") for name in names) == 4
    for r in rows:
        ratio = float(r["ratio"])
        assert math.isfinite(ratio) and ratio > 0, r
        assert r["exograph"].endswith((" s", " ms")) and r["anchor"].endswith((" s", " ms")), r
        exo_mb, anchor_mb = (float(x) for x in r["peak MB (exograph / anchor)"].split("/"))
        assert exo_mb > 0 and anchor_mb > 0, r
        assert r["target"] == "—" or r["target"].endswith((" PASS", " FAIL")), r

    report = json.loads(out.read_text())
    assert report["machine"]["cpus"] >= 1 and report["machine"]["pyoxigraph"]
    (size,) = report["sizes"]
    assert size["graph"]["triples"] > 20_000 and size["graph"]["entities"] > 0 and size["graph"]["relations"] > 0
    assert [r["measure"] for r in size["rows"]] == names
    assert all(r["value"] > 0 and r["anchor"] > 0 for r in size["rows"])
