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
