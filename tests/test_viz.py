"""The HTML file: self-contained, offline, escaped, deterministic."""

import re

from .conftest import FIXTURES


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
