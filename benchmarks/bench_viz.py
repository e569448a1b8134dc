"""The page of ``exograph viz``: written for 10,000 nodes, and interactive in a real browser at 2,000.

Both graphs are synthetic (:mod:`synthetic`: exograph's own model, Zipf-distributed degrees with
the hubs miRNA-21, metastasis and angiogenesis), loaded into memory; the page drawn is the whole
graph, as ``exograph viz`` draws it. Every figure is a median of ``--runs`` and is reported beside
a baseline measured in the same run, with the ratio, so machines of different speeds compare:

* **write** (in process, after one warm-up): :func:`exograph.viz.render_html` of every relation
  (the drawing's data, its JSON and the page), and the same written to a file. Baseline:
  ``json.dumps`` of the same node and edge dictionaries (what :func:`exograph.viz.graph_data`
  returns), the least any page carrying them must do. Target: at most 1 s at 10,000 nodes.
* **browser** (headless Chromium, Debian's, with the network off; a fresh page each run): from the
  start of the navigation to the page's ready signal (``data-ready-ms``, set once the seeded layout
  has settled, physics is off and the page answers clicks), as the page itself measures it.
  Baseline: a page of vis-network alone drawing the same node and edge dictionaries at the
  positions the page settled on, physics off, up to its first frame: showing the data without
  laying it out. Target: interactive within 3 s at 2,000 nodes. Skipped (and said so) without
  Playwright or Chromium.

Targets are printed PASS or FAIL, never asserted.

    python benchmarks/bench_viz.py [--nodes 10000] [--browser-nodes 2000] [--runs 5] [--no-browser] [--chromium PATH] [--json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import generate  # noqa: E402

#: triples of a synthetic graph per entity drawn (about 41 per entity, 95% of them in a relation)
TRIPLES_PER_NODE = 43
WRITE_TARGET_S = 1.0
BROWSER_TARGET_S = 3.0
VIEWPORT = {"width": 1280, "height": 800}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

BASELINE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>baseline</title><style>{css}</style>
<style>html, body {{ margin: 0; height: 100%; }} #graph {{ height: 100%; }}</style></head>
<body><div id="graph"></div>
<script type="application/json" id="data">{data}</script>
<script>{js}</script>
<script>
var d = JSON.parse(document.getElementById("data").textContent);
var network = new vis.Network(document.getElementById("graph"), {{ nodes: new vis.DataSet(d.nodes), edges: new vis.DataSet(d.edges) }}, d.options);
network.once("afterDrawing", function () {{ document.body.setAttribute("data-ready-ms", String(Math.round(performance.now()))); }});
</script></body></html>
"""


def synthetic_graph(nodes: int, workdir: Path) -> Any:
    """A synthetic graph of about ``nodes`` entities in relations, loaded into memory."""
    import exograph

    path = workdir / f"synthetic-{nodes}.nt"
    generate(path, max(nodes * TRIPLES_PER_NODE, 5000))
    return exograph.load([path])


def median_of(runs: int, call: Any) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_write(nodes: int, runs: int, workdir: Path) -> dict[str, Any]:
    from exograph.io.turtle import write_text_atomic
    from exograph.viz import graph_data, render_html

    kg = synthetic_graph(nodes, workdir)
    relations = kg.relations()
    drawn = len({r.subject for r in relations} | {r.object for r in relations})
    render_html(kg.index, relations)  # warm-up: the templates and vis-network read once, as in any process
    out = workdir / "page.html"
    page = median_of(runs, lambda: render_html(kg.index, relations))
    written = median_of(runs, lambda: write_text_atomic(out, render_html(kg.index, relations)))
    data = graph_data(kg.index, relations)
    baseline = median_of(runs, lambda: (json.dumps(data["nodes"]), json.dumps(data["edges"])))
    return {
        "nodes": drawn,
        "relations": len(relations),
        "page_mb": round(out.stat().st_size / 1e6, 1),
        "render_s": round(page, 3),
        "render_and_write_s": round(written, 3),
        "baseline_json_dumps_s": round(baseline, 3),
        "ratio": round(written / baseline, 1),
        "target_s": WRITE_TARGET_S,
        "passed": written <= WRITE_TARGET_S,
    }


def bench_browser(nodes: int, runs: int, workdir: Path, chromium: str) -> dict[str, Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "pip install playwright to measure the page in a browser"}
    if not shutil.which(chromium) and not Path(chromium).is_file():
        return {"skipped": f"no Chromium at {chromium}: apt-get install chromium (or give --chromium)"}
    from exograph.viz import graph_data, json_for_script, raw_for_element, vis_asset

    kg = synthetic_graph(nodes, workdir)
    relations = kg.relations()
    page_file = workdir / "browser.html"
    page_file.write_text(kg.to_html(), encoding="utf-8")
    data = graph_data(kg.index, relations)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            ours, walls, positions, shown = [], [], None, 0
            for _ in range(runs):
                context = browser.new_context(offline=True, viewport=VIEWPORT)
                page = context.new_page()
                start = time.perf_counter()
                page.goto(page_file.as_uri())
                page.wait_for_selector("body[data-stabilized=true]", timeout=120_000)
                walls.append(time.perf_counter() - start)
                ours.append(int(page.get_attribute("body", "data-ready-ms") or 0) / 1000)
                if positions is None:
                    positions = page.evaluate("exograph.network.getPositions()")
                    shown = page.evaluate("exograph.shown.nodes.length")
                context.close()
            assert positions is not None
            placed = [{**n, "x": positions[n["id"]]["x"], "y": positions[n["id"]]["y"]} for n in data["nodes"] if n["id"] in positions]
            baseline_data = {"nodes": placed, "edges": data["edges"], "options": {**data["options"], "physics": {"enabled": False}}}
            baseline_file = workdir / "baseline.html"
            baseline_file.write_text(
                BASELINE_PAGE.format(
                    css=raw_for_element(vis_asset("vis-network.css"), "style"),
                    js=raw_for_element(vis_asset("vis-network.min.js"), "script"),
                    data=json_for_script(baseline_data),
                ),
                encoding="utf-8",
            )
            floor = []
            for _ in range(runs):
                context = browser.new_context(offline=True, viewport=VIEWPORT)
                page = context.new_page()
                page.goto(baseline_file.as_uri())
                page.wait_for_selector("body[data-ready-ms]", timeout=120_000)
                floor.append(int(page.get_attribute("body", "data-ready-ms") or 0) / 1000)
                context.close()
        finally:
            browser.close()
    ready, baseline = statistics.median(ours), statistics.median(floor)
    return {
        "nodes": shown,
        "relations": len(relations),
        "iterations": data["options"]["physics"]["stabilization"]["iterations"],
        "interactive_s": round(ready, 3),
        "wall_s": round(statistics.median(walls), 3),
        "baseline_drawn_without_layout_s": round(baseline, 3),
        "ratio": round(ready / baseline, 1),
        "target_s": BROWSER_TARGET_S,
        "passed": ready <= BROWSER_TARGET_S,
    }


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=10_000, help="entities of the page written (default 10,000)")
    parser.add_argument("--browser-nodes", type=int, default=2_000, help="entities of the page opened in the browser (default 2,000)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true", help="measure the writing only")
    parser.add_argument("--chromium", default=os.environ.get("EXOGRAPH_CHROMIUM", "/usr/bin/chromium"))
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("EXOGRAPH_CACHE_DIR", tmp)
        workdir = Path(tmp)
        report: dict[str, Any] = {"runs": args.runs, "write": bench_write(args.nodes, args.runs, workdir)}
        report["browser"] = {"skipped": "--no-browser"} if args.no_browser else bench_browser(args.browser_nodes, args.runs, workdir, args.chromium)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    w = report["write"]
    print(f"write: {w['nodes']} nodes, {w['relations']} relations, a page of {w['page_mb']} MB (medians of {args.runs})")
    print(f"  render_html {w['render_s']:.3f} s; render and write the file {w['render_and_write_s']:.3f} s")
    print(f"  baseline json.dumps of the same nodes and edges {w['baseline_json_dumps_s']:.3f} s; ratio {w['ratio']}")
    print(f"  target <= {w['target_s']:.0f} s: {verdict(w['passed'])}")
    b = report["browser"]
    if "skipped" in b:
        print(f"browser: skipped ({b['skipped']})")
        return
    print(f"browser: {b['nodes']} nodes, {b['relations']} relations, {b['iterations']} layout iterations (medians of {args.runs})")
    print(f"  interactive {b['interactive_s']:.3f} s from the start of navigation (wall clock, with Playwright: {b['wall_s']:.3f} s)")
    print(f"  baseline vis-network drawing the same data already laid out {b['baseline_drawn_without_layout_s']:.3f} s; ratio {b['ratio']}")
    print(f"  target <= {b['target_s']:.0f} s: {verdict(b['passed'])}")


if __name__ == "__main__":
    main()
