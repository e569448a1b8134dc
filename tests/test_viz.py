"""The HTML file: self-contained, offline, escaped, deterministic."""

import re

from .conftest import FIXTURES, iri


def test_html_is_self_contained(kg):
    html = kg.to_html()
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html, re.IGNORECASE)
    assert "vis.Network" in html
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html, re.IGNORECASE)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//|@import", html, re.IGNORECASE)
    assert "default-src 'none'" in html


def test_html_is_deterministic(kg):
    assert kg.to_html() == kg.to_html()
    assert kg.to_html(path=("miR-21", "paclitaxel resistance")) == kg.to_html(path=("miR-21", "paclitaxel resistance"))


def test_data_strings_are_escaped(tiny):
    html = tiny.to_html(title="<b>title</b>")
    assert "<img src=x" not in html
    assert "</script><script>alert" not in html
    assert "&lt;b&gt;title&lt;/b&gt;" in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html


def test_focus_and_path_views(kg):
    focus = kg.to_html(focus="APAF1")
    assert "APAF1" in focus and "miRNA-1246" not in focus
    path = kg.to_html(path=("miR-21", "paclitaxel resistance"))
    assert '"exo_on_path": true' in path
    assert "miRNA-21 \\u003e" not in path


def test_fixture_graph_renders(tiny):
    assert "GENE2" in tiny.to_html()
    assert FIXTURES.is_dir()


def test_a_focus_only_in_context_is_drawn_with_its_relations(ctx):
    from exograph.viz import graph_data

    drawing = ctx.subgraph(focus="NK cell")
    assert drawing.focus == iri("NK-cell") and len(drawing.edges) == drawing.total == 3
    data = graph_data(ctx.index, drawing.edges, focus=drawing.focus, roles=drawing.roles)
    (focus,) = [n for n in data["nodes"] if n["exo_focus"]]
    assert focus["id"] == iri("NK-cell") and focus["borderWidth"] == 4
    links = [e for e in data["edges"] if e["exo_kind"] == "context"]
    assert sorted((e["to"].rsplit("/", 1)[1], e["label"]) for e in links) == [
        ("GENE-B", "as recipient"),
        ("GENE-C", "as recipient"),
        ("NK-cytotoxicity", "as recipient"),
        ("P", "as donor"),
        ("miR-G", "as donor"),
    ]
    assert all(e["from"] == iri("NK-cell") and e["dashes"] for e in links)
    (cytotoxicity,) = [e for e in links if e["to"] == iri("NK-cytotoxicity")]
    assert cytotoxicity["exo_relations"] == ["GENE-B —suppresses→ NK cell cytotoxicity (hedged)", "GENE-C —inhibits→ NK cell cytotoxicity"]
    assert len({e["id"] for e in data["edges"]}) == len(data["edges"])  # vis-network needs unique ids


def test_hedged_edges_are_marked(ctx):
    from exograph.viz import graph_data

    drawing = ctx.subgraph(focus="GENE-B")
    (hedged,) = [e for e in graph_data(ctx.index, drawing.edges)["edges"] if e["exo_hedged"]]
    assert hedged["label"] == "suppresses" and hedged["dashes"] is True and ["hedged", "yes"] in hedged["exo_context"]
    plain = [e for e in graph_data(ctx.index, drawing.edges)["edges"] if not e["exo_hedged"]]
    assert plain and all(e["dashes"] is False for e in plain)


def test_context_labels_are_escaped_in_the_page(ctx):
    def data_of(html: str) -> str:
        return html.split('<script type="application/json" id="exo-data">', 1)[1].split("</script>", 1)[0]

    assert "6 with the focus in their context" in ctx.to_html(focus="cancer X")
    data = data_of(ctx.to_html(focus="GENE-B"))
    assert "<i>" not in data and "\\u003ci\\u003ecancer Y\\u003c/i\\u003e" in data
    bone = ctx.to_html(focus="bone")
    assert "\x1b" not in bone and "bone\\u001b[2J" in data_of(bone)


def _hidden_at_first(data: dict) -> set[str]:
    """The nodes the page hides until generic entities are shown (graph.js: hideable)."""
    return {n["id"] for n in data["nodes"] if (n["exo_generic"] or n["exo_behind_generic"]) and not n["exo_focus"] and not n["exo_on_path"]}


def test_generic_entities_and_what_only_they_join_are_hidden_at_first(ctx):
    from exograph.viz import graph_data

    whole = ctx.subgraph()
    data = graph_data(ctx.index, whole.edges)
    flags = {n["label"]: (n["exo_generic"], n["exo_behind_generic"]) for n in data["nodes"] if n["exo_generic"] or n["exo_behind_generic"]}
    # microRNA is generic; angiogenesis and fibroblast F are joined to nothing else
    assert flags == {"microRNA": (True, False), "angiogenesis": (False, True), "fibroblast F": (False, True)}
    assert data["show_generic"] is False
    assert graph_data(ctx.index, whole.edges, show_generic=True)["show_generic"] is True

    around = ctx.subgraph(focus="GENE-D", depth=2)  # GENE-D reaches angiogenesis and fibroblast F only through microRNA
    data = graph_data(ctx.index, around.edges, focus=around.focus, roles=around.roles)
    hidden = {n["label"] for n in data["nodes"] if n["id"] in _hidden_at_first(data)}
    assert hidden == {"microRNA", "angiogenesis", "fibroblast F"}
    assert {n["label"] for n in data["nodes"]} - hidden >= {"GENE-D", "GENE-C", "miRNA-A", "phenotype P"}

    path = ctx.subgraph(path=("GENE-D", "angiogenesis"), through_generic=True)  # a path through a generic entity shows it
    data = graph_data(ctx.index, path.edges, highlight=path.highlight)
    assert [n["label"] for n in data["nodes"] if n["exo_generic"]] == ["microRNA"] and _hidden_at_first(data) == set()


def test_a_focus_view_does_not_expand_through_generic_entities(kg):
    """miR-21 at depth 2 reaches 156 entities, most of them through exosome and tumour cell: a
    reader sees those joined to miR-21 by specific entities only, until asking for the rest."""
    from collections import defaultdict

    from exograph.viz import graph_data

    drawing = kg.subgraph(focus="miR-21", depth=2)
    data = graph_data(kg.index, drawing.edges, focus=drawing.focus, roles=drawing.roles)
    hidden = _hidden_at_first(data)
    shown = {n["id"] for n in data["nodes"]} - hidden
    generic = {n["id"] for n in data["nodes"] if n["exo_generic"]}
    assert iri("exosome") in hidden and iri("tumour-cell") in hidden and iri("miRNA-21") in shown
    assert len(data["nodes"]) > 100 and 10 < len(shown) < 60
    # exactly what a walk from miR-21 reaches without passing through a generic entity
    joined = defaultdict(set)
    for e in data["edges"]:
        joined[e["from"]].add(e["to"])
        joined[e["to"]].add(e["from"])
    reached, frontier = {iri("miRNA-21")}, [iri("miRNA-21")]
    while frontier:
        for other in joined[frontier.pop()] - reached - generic:
            reached.add(other)
            frontier.append(other)
    assert shown == reached


def test_the_whole_graph_hides_its_hubs_at_first(kg):
    from exograph.viz import graph_data

    data = graph_data(kg.index, kg.relations())
    by_label = {n["label"]: n for n in data["nodes"]}
    assert by_label["exosome"]["exo_generic"] and by_label["tumour cell"]["exo_generic"]
    assert not by_label["miRNA-21"]["exo_generic"] and not by_label["miRNA-21"]["exo_behind_generic"]
    hidden = _hidden_at_first(data)
    generic = {n["id"] for n in data["nodes"] if n["exo_generic"]}
    for n in data["nodes"]:  # an entity hidden for being behind them has no neighbour but generic ones
        if n["exo_behind_generic"]:
            ends = {e["to"] if e["from"] == n["id"] else e["from"] for e in data["edges"] if n["id"] in (e["from"], e["to"])}
            assert ends and ends <= generic, n["label"]
    assert len(hidden) < len(data["nodes"]) / 2
    # nodes are sized by their relations with specific entities (the square root: hubs do not swamp the rest)
    assert by_label["miRNA-21"]["value"] == max(n["value"] for n in data["nodes"] if n["id"] not in generic)


def test_nothing_is_hidden_when_hiding_would_leave_nothing(ctx):
    from exograph.viz import graph_data

    drawing = ctx.subgraph(focus="microRNA")  # the focus is never hidden; its neighbours are reached from it
    data = graph_data(ctx.index, drawing.edges, focus=drawing.focus)
    assert _hidden_at_first(data) == set()
    only_generic = [e for e in ctx.relations() if ctx.index.label(e.subject) == "microRNA" or ctx.index.label(e.object) == "microRNA"]
    data = graph_data(ctx.index, only_generic)
    assert len(_hidden_at_first(data)) == len(data["nodes"]) and data["show_generic"] is True


def test_exosome_and_extracellular_vesicle_look_different():
    from exograph.viz import STYLE

    (exosome_colour, exosome_shape), (ev_colour, ev_shape) = STYLE["Exosome"], STYLE["ExtracellularVesicle"]
    assert exosome_colour != ev_colour and exosome_shape != ev_shape
    assert len(set(STYLE.values())) == len(STYLE)  # no two types drawn alike
    # shapes that draw the label below, so that a node's size can say how many relations it has
    assert {shape for _, shape in STYLE.values()} <= {"dot", "diamond", "square", "triangle", "triangleDown", "hexagon", "star"}


def test_large_drawings_are_laid_out_for_speed():
    from exograph.viz import options

    small, large = options(40), options(2000)
    assert small["layout"] == {"randomSeed": 42, "improvedLayout": True} and large["layout"] == {"randomSeed": 42, "improvedLayout": False}
    assert large["physics"]["stabilization"]["iterations"] <= 60 and small["physics"]["stabilization"]["iterations"] == 400
    assert large["edges"]["smooth"] is False and large["interaction"]["hideEdgesOnDrag"] is True
    # labels of a large drawing grow with the node's relations more, as it is shrunk more to fit
    assert large["nodes"]["scaling"]["label"]["max"] > small["nodes"]["scaling"]["label"]["max"]
    assert options(10)["nodes"] == options(15)["nodes"] and options(3000)["nodes"] == options(2000)["nodes"]  # the ends of the scale
    assert options(10_000)["physics"]["stabilization"]["iterations"] == 40  # a floor: even a huge drawing gets some layout


def test_the_page_fills_only_known_slots_and_escapes_text():
    import pytest

    from exograph.viz import fill

    page = fill("<h1>{{ title }}</h1><script>{{ code }}</script>", text={"title": "<b>&"}, raw={"code": "a < b"})
    assert page == "<h1>&lt;b&gt;&amp;</h1><script>a < b</script>"
    with pytest.raises(KeyError):
        fill("{{ missing }}", text={}, raw={})


def test_vis_network_is_vendored_as_its_readme_says():
    import hashlib
    from importlib import resources

    vendor = resources.files("exograph.templates") / "vendor"
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    assert "vis-network 9.1.2" in readme and "https://registry.npmjs.org/vis-network/-/vis-network-9.1.2.tgz" in readme
    for name in ("vis-network.min.js", "vis-network.min.css"):
        digest = hashlib.sha256((vendor / name).read_bytes()).hexdigest()
        assert f"`{name}` | " in readme and f"`{digest}`" in readme, f"update the SHA-256 of {name} in exograph/templates/vendor/README.md"
    assert "MIT License" in (vendor / "LICENSE-MIT").read_text(encoding="utf-8")
    assert "Apache License" in (vendor / "LICENSE-APACHE-2.0").read_text(encoding="utf-8")
    assert "@version 9.1.2" in (vendor / "vis-network.min.js").read_text(encoding="utf-8")[:400]


def test_writing_the_page_imports_neither_pyvis_nor_a_template_engine():
    import subprocess
    import sys

    code = (
        "import sys, exograph\n"
        f"kg = exograph.load([{str(FIXTURES / 'tiny.ttl')!r}])\n"
        "assert 'vis.Network' in kg.to_html()\n"
        "print(sorted(m for m in ('pyvis', 'jinja2', 'markupsafe', 'IPython') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_viz_show_generic_draws_them_at_first(tmp_path):
    import json

    from click.testing import CliRunner

    from exograph.cli import cli

    def data_of(path) -> dict:
        html = path.read_text(encoding="utf-8")
        return json.loads(html.split('<script type="application/json" id="exo-data">', 1)[1].split("</script>", 1)[0])

    runner = CliRunner()
    hidden, shown = tmp_path / "hidden.html", tmp_path / "shown.html"
    assert runner.invoke(cli, ["viz", "--focus", "miR-21", "-o", str(hidden)]).exit_code == 0
    assert runner.invoke(cli, ["viz", "--focus", "miR-21", "--show-generic", "-o", str(shown)]).exit_code == 0
    assert data_of(hidden)["show_generic"] is False and data_of(shown)["show_generic"] is True
    assert data_of(hidden)["nodes"] == data_of(shown)["nodes"]  # the same data: only what is drawn at first differs


def test_a_whole_graph_larger_than_the_limit_is_drawn_by_its_best_supported_relations(kg, tmp_path):
    """A store of millions of relations cannot be drawn whole (nor read whole in a command's time):
    `viz` without --focus or --path draws the --limit best-supported ones (most belief, then most
    evidence) and says so; a graph within the limit is drawn whole, as before."""
    import subprocess
    import sys

    drawing = kg.subgraph(limit=100)
    every = kg.relations()
    assert len(drawing.edges) == 100 and drawing.total == len(every) == 411
    rank = {r.key: (kg.index.support(r.key).belief, len(r.evidences)) for r in every}
    drawn = {r.key for r in drawing.edges}
    assert min(rank[k] for k in drawn) >= max(rank[r.key] for r in every if r.key not in drawn)
    assert [r.key for r in drawing.edges] == sorted(drawn)
    assert len(kg.subgraph(limit=500).edges) == 411 == len(kg.subgraph().edges)
    proc = subprocess.run([sys.executable, "-m", "exograph.cli", "viz", "--limit", "100", "-o", str(tmp_path / "g.html")], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == (
        "note: drew the 100 best-supported of the graph's 411 relations; give --focus ENTITY or --path SOURCE TARGET to draw a part of it whole,"
        " or a larger --limit\n"
    )
