"""The HTML opened in headless Chromium with the network off."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import iri, synthetic

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("EXOGRAPH_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright to run browser tests")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (or set EXOGRAPH_CHROMIUM)")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


def open_page(browser, html: str, tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    events: dict[str, list[str]] = {"requests": [], "errors": [], "dialogs": []}
    page.on("request", lambda r: events["requests"].append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-stabilized=true]", timeout=60_000)
    return page, events


def drawn_pixels(page) -> int:
    return page.evaluate(
        """() => { const c = document.querySelector('#graph canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }"""
    )


def test_graph_is_drawn_offline(browser, kg, tmp_path, artifacts):
    page, events = open_page(browser, kg.to_html(), tmp_path, "graph.html")
    assert page.evaluate("exograph.nodes.length") == len({e.subject for e in kg.relations()} | {e.object for e in kg.relations()})
    assert page.evaluate("exograph.edges.length") == len(kg.relations())
    assert drawn_pixels(page) > 5000
    assert page.locator("#legend .legend-item").count() >= 10
    assert page.locator("#paths-box").is_hidden()  # no "Highlighted paths: none" without paths
    page.screenshot(path=str(artifacts / "graph.png"))
    assert events == {"requests": [], "errors": [], "dialogs": []}


def hidden_at_first(data: dict) -> set[str]:
    """What the page hides until generic entities are shown (graph.js: hideable)."""
    return {n["id"] for n in data["nodes"] if (n["exo_generic"] or n["exo_behind_generic"]) and not n["exo_focus"] and not n["exo_on_path"]}


def shown_nodes(page) -> set[str]:
    return set(page.evaluate("exograph.shown.nodes.getIds()"))


def readable_labels(page) -> int:
    """How many of the nodes drawn have a label of at least 10 px on the screen (vis-network draws
    smaller ones not at all, or fading)."""
    return page.evaluate(
        """() => { const net = exograph.network, scale = net.getScale();
                   return exograph.shown.nodes.getIds().filter(id => net.body.nodes[id].labelModule.fontOptions.size * scale >= 10).length; }"""
    )


def click_node(page, node: str) -> None:
    """A real click on the node, where the page draws it."""
    x, y = page.evaluate(f"(() => {{ const p = exograph.network.canvasToDOM(exograph.network.getPositions(['{node}'])['{node}']); return [p.x, p.y]; }})()")
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_the_whole_graph_hides_generic_hubs_behind_a_switch(browser, kg, tmp_path, artifacts):
    from exograph.viz import graph_data

    data = graph_data(kg.index, kg.relations())
    hidden = hidden_at_first(data)
    page, events = open_page(browser, kg.to_html(), tmp_path, "whole.html")
    assert shown_nodes(page) == {n["id"] for n in data["nodes"]} - hidden
    assert iri("exosome") in hidden and iri("miRNA-21") not in hidden
    generic = len([n for n in data["nodes"] if n["exo_generic"]])
    behind = len(hidden) - generic
    assert page.text_content("#generic .generic-note") == (
        f"{generic} generic entities (exosome, tumour cell, cancer and {generic - 3} more), with the {behind} entities joined only through them hidden"
    )
    assert readable_labels(page) >= 15  # the busiest entities are named at first; the rest as one zooms in
    click_node(page, iri("miRNA-21"))  # interactive: a click selects
    assert page.evaluate("exograph.network.getSelectedNodes()") == [iri("miRNA-21")]

    page.check("#generic input")
    page.wait_for_selector("body[data-stabilized=true]", timeout=60_000)
    assert shown_nodes(page) == {n["id"] for n in data["nodes"]}
    assert page.text_content("#generic .generic-note").endswith(" shown")
    page.screenshot(path=str(artifacts / "graph-generic.png"))
    page.uncheck("#generic input")
    page.wait_for_selector("body[data-stabilized=true]", timeout=60_000)
    assert shown_nodes(page) == {n["id"] for n in data["nodes"]} - hidden

    page.fill("#search", "exosome")  # finding a hidden entity shows the generic entities first
    page.click("#search-form button")
    page.wait_for_selector("#status:text-is('found exosome (generic entities shown)')")
    assert page.is_checked("#generic input") and page.evaluate("exograph.network.getSelectedNodes()") == [iri("exosome")]
    assert events == {"requests": [], "errors": [], "dialogs": []}


def test_the_focus_view_of_mir21_is_readable(browser, kg, tmp_path, artifacts):
    from exograph.viz import graph_data

    drawing = kg.subgraph(focus="miR-21", depth=2)
    data = graph_data(kg.index, drawing.edges, focus=drawing.focus, roles=drawing.roles)
    page, events = open_page(browser, kg.to_html(focus="miR-21", depth=2), tmp_path, "mir21.html")
    shown = shown_nodes(page)
    assert shown == {n["id"] for n in data["nodes"]} - hidden_at_first(data) and len(shown) < len(data["nodes"]) / 3
    assert readable_labels(page) == len(shown)  # every entity drawn is named legibly
    page.screenshot(path=str(artifacts / "graph-mir21.png"))
    page.check("#generic input")
    page.wait_for_selector("body[data-stabilized=true]", timeout=60_000)
    assert len(shown_nodes(page)) == len(data["nodes"])
    page.screenshot(path=str(artifacts / "graph-mir21-generic.png"))
    assert events == {"requests": [], "errors": [], "dialogs": []}


def test_a_graph_of_2000_entities_becomes_interactive(browser, tmp_path, artifacts):
    """How fast is measured by benchmarks/bench_viz.py; here: that it settles, draws every node and answers a click."""
    import exograph

    graph = tmp_path / "synthetic.nt"
    synthetic().generate(graph, 86_000)
    big = exograph.load([graph])
    relations = big.relations()
    nodes = {e.subject for e in relations} | {e.object for e in relations}
    assert 1900 <= len(nodes) <= 2200
    page, events = open_page(browser, big.to_html(), tmp_path, "big.html")
    assert shown_nodes(page) == nodes and page.evaluate("exograph.shown.edges.length") == len(relations)
    assert page.evaluate("exograph.network.physics.physicsEnabled") is False  # settled: physics off
    assert drawn_pixels(page) > 20_000
    hub = iri("miRNA-21")
    assert readable_labels(page) >= 3  # the hubs (miRNA-21, metastasis, angiogenesis) are named
    click_node(page, hub)
    assert page.evaluate("exograph.network.getSelectedNodes()") == [hub]
    page.screenshot(path=str(artifacts / "graph-2000.png"))
    assert int(page.get_attribute("body", "data-ready-ms")) > 0
    assert events == {"requests": [], "errors": [], "dialogs": []}


def test_layout_is_the_same_on_every_run(browser, kg, tmp_path):
    html = kg.to_html(focus="miR-21")
    positions = []
    for run in range(2):
        page, _ = open_page(browser, html, tmp_path, f"run{run}.html")
        positions.append(page.evaluate("JSON.stringify(exograph.network.getPositions())"))
    assert positions[0] == positions[1]


def test_search_box_focuses_an_entity(browser, kg, tmp_path):
    page, _ = open_page(browser, kg.to_html(), tmp_path, "search.html")
    page.fill("#search", "apaf1")
    page.click("#search-form button")
    assert page.text_content("#status") == "found APAF1"
    assert page.evaluate("exograph.network.getSelectedNodes()") == ["https://w3id.org/exograph/entity/APAF1"]
    page.fill("#search", "no-such-thing")
    page.click("#search-form button")
    assert page.text_content("#status").startswith("no entity matches")


def test_path_is_highlighted(browser, kg, tmp_path, artifacts):
    page, _ = open_page(browser, kg.to_html(path=("miR-21", "paclitaxel resistance")), tmp_path, "path.html")
    on_path = page.evaluate("exograph.edges.get().filter(e => e.exo_on_path).map(e => e.label).sort()")
    assert on_path == ["confers resistance to", "mediates", "targets"]
    assert page.locator("#paths li").all_text_contents() == ["miRNA-21 → paclitaxel resistance", "miRNA-21 → APAF1 → paclitaxel resistance"]
    page.screenshot(path=str(artifacts / "path.png"))


def test_injected_label_stays_text(browser, tiny, tmp_path):
    page, events = open_page(browser, tiny.to_html(), tmp_path, "evil.html")
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 3  # data, vis-network, ours: nothing injected
    node = "https://w3id.org/exograph/entity/evil"
    assert page.evaluate(f"exograph.nodes.get('{node}').title.textContent").startswith("<img src=x onerror=alert(1)>")
    quote = page.evaluate("exograph.edges.get().map(e => e.title.textContent).join(' ')")
    assert "</script><script>alert('quote')</script>" in quote
    page.fill("#search", "evil-mir")
    page.click("#search-form button")
    assert page.text_content("#status") == "found <img src=x onerror=alert(1)>"
    page.mouse.move(640, 400)
    assert page.locator("img").count() == 0
    assert events["dialogs"] == [] and events["errors"] == []


def test_a_focus_only_in_context_is_drawn_with_dashed_context_links(browser, ctx, tmp_path, artifacts):
    page, events = open_page(browser, ctx.to_html(focus="NK cell"), tmp_path, "nk.html")
    assert page.evaluate("exograph.nodes.length") == 6  # NK cell, and the subjects and objects of its three relations
    assert page.evaluate("exograph.edges.get().filter(e => e.exo_kind === 'context').length") == 5
    tips = page.evaluate("exograph.edges.get().map(e => e.title.textContent)")
    assert "NK cell as donor ofmiRNA-G —promotes→ phenotype P" in tips
    assert any(t.startswith("GENE-B —suppresses→ NK cell cytotoxicityhedged: the text states it with reservation") for t in tips)
    assert drawn_pixels(page) > 2000
    page.screenshot(path=str(artifacts / "graph-context.png"))
    assert events == {"requests": [], "errors": [], "dialogs": []}


def test_a_cross_cancer_path_is_flagged_in_the_page(browser, ctx, tmp_path):
    page, _ = open_page(browser, ctx.to_html(path=("miR-A", "phenotype P")), tmp_path, "cross.html")
    assert page.locator("#paths li").all_text_contents() == [
        "miRNA-A → GENE-C → GENE-D → phenotype P",
        "miRNA-A → GENE-B → phenotype Pcross-cancer: the hops are stated for cancer X, <i>cancer Y</i>",
    ]
    assert page.locator("#paths i").count() == 0
