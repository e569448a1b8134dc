"""The explorer of ``exograph serve`` in headless Chromium, with every request but the server's blocked."""

from __future__ import annotations

import pytest

from .conftest import FIXTURES
from .serving import Served, serving
from .test_browser import browser  # noqa: F401 - the shared headless-Chromium fixture

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Served:
    with serving(cache_dir=tmp_path_factory.mktemp("cache")) as served:
        yield served


@pytest.fixture(scope="module")
def tiny_server(tmp_path_factory: pytest.TempPathFactory) -> Served:
    with serving(data=[FIXTURES / "tiny.ttl"], cache_dir=tmp_path_factory.mktemp("cache")) as served:
        yield served


def open_explorer(browser, served: Served, fragment: str = ""):  # noqa: F811 - the fixture, passed on
    """A page on the explorer; ``events`` collects blocked requests, errors, console errors and dialogs."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    events: dict[str, list[str]] = {"blocked": [], "errors": [], "console": [], "dialogs": []}

    def only_the_server(route) -> None:
        if route.request.url.startswith(served.url):
            route.continue_()
        else:
            events["blocked"].append(route.request.url)
            route.abort()

    context.route("**/*", only_the_server)
    page = context.new_page()
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("console", lambda m: events["console"].append(m.text) if m.type == "error" else None)
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.goto(served.url + fragment)
    return page, events


def drawn_pixels(page, selector: str) -> int:
    return page.evaluate(
        f"""() => {{ const c = document.querySelector('{selector} canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) {{ if (d[i] > 0) n++; }} return n; }}"""
    )


def test_search_entity_and_path_finder(browser, server, artifacts):  # noqa: F811
    page, events = open_explorer(browser, server)
    page.locator("#search").press_sequentially("miR-21", delay=20)
    # the suggestions of the whole name, not of the half-typed "miR-2" still on screen a moment before
    page.wait_for_function(
        "() => [...document.querySelectorAll('#search-suggestions li.option .label')].map(e => e.textContent).join('|') === 'miRNA-21|miRNA-21-5p'",
        timeout=10_000,
    )
    assert page.locator("#search-suggestions li.option .label").all_text_contents() == ["miRNA-21", "miRNA-21-5p"]
    page.click("#search-suggestions li.option >> nth=0")

    page.wait_for_selector("body[data-view=entity][data-graph=stable]", timeout=60_000)
    assert page.url.endswith("#view=entity&name=miRNA-21")
    assert page.text_content("#entity-label") == "miRNA-21"
    assert page.text_content("#entity-type") == "MicroRNA"
    assert "hsa-mir-21" in page.text_content("#entity-synonyms")
    quotes = page.locator("#entity-relations blockquote.quote").all_text_contents()
    assert any("through targeting APAF1" in q for q in quotes)
    headings = page.locator("#entity-relations h3").all_text_contents()
    assert any(h.startswith("miRNA-21 targets … (") for h in headings)  # relations from miRNA-21, by predicate
    assert any(h.startswith("… carries miRNA-21 (") for h in headings)  # and to it
    assert drawn_pixels(page, "#entity-graph") > 5000
    page.screenshot(path=str(artifacts / "explorer-entity.png"))

    page.click("#entity-paths")
    page.wait_for_selector("body[data-view=path]")
    assert page.input_value("#path-source") == "miRNA-21"
    page.locator("#path-target").press_sequentially("paclitaxel resistance", delay=10)
    page.click("#path-submit")
    page.wait_for_selector("body[data-view=path][data-graph=stable]", timeout=60_000)
    headings = page.locator("li.path h3").all_text_contents()
    assert headings[:2] == ["Path 1 (1 hop): miRNA-21 → paclitaxel resistance", "Path 2 (2 hops): miRNA-21 → APAF1 → paclitaxel resistance"]
    second = page.locator("li.path >> nth=1")
    assert second.locator(".hop .line").all_text_contents() == ["miRNA-21 —targets→ APAF1", "APAF1 —mediates→ paclitaxel resistance"]
    assert "ref. 49 (Au Yeung et al, 4. Drug resistance)" in second.locator(".ref").all_text_contents()
    on_path = page.evaluate("explorer.graph.edges.get().filter(e => e.exo_on_path).map(e => e.label).sort()")
    assert on_path == ["confers resistance to", "mediates", "targets"]
    assert "https://w3id.org/exograph/entity/APAF1" in page.evaluate("explorer.graph.nodes.getIds()")
    assert drawn_pixels(page, "#path-graph") > 1000
    page.screenshot(path=str(artifacts / "explorer.png"))

    # the address is the view: opened afresh, it shows the same paths
    shared = page.url
    assert "view=path" in shared and "target=paclitaxel+resistance" in shared
    again, again_events = open_explorer(browser, server, shared[len(server.url) :])
    again.wait_for_selector("body[data-view=path][data-graph=stable]", timeout=60_000)
    assert again.locator("li.path h3").all_text_contents() == headings
    for e in (events, again_events):
        assert e == {"blocked": [], "errors": [], "console": [], "dialogs": []}


def test_suggestions_when_nothing_matches(browser, server, kg):  # noqa: F811
    page, events = open_explorer(browser, server)
    page.locator("#search").press_sequentially("miR-2l", delay=20)
    page.wait_for_selector("#search-suggestions li.hint")
    assert page.text_content("#search-suggestions li.hint") == "no exact match; did you mean:"
    assert page.locator("#search-suggestions li.option .label").all_text_contents() == ["miRNA-21", "miRNA-21-5p", "miRNA-221-3p"]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-view=entity][data-graph=stable]", timeout=60_000)
    assert page.text_content("#entity-label") == "miRNA-21"
    page.locator("#search").press_sequentially("ovarian cancer", delay=10)
    page.wait_for_selector("#search-suggestions li.option")
    page.keyboard.press("Enter")  # nothing highlighted: what was typed
    page.wait_for_selector("#entity-label:text-is('ovarian cancer')")
    page.wait_for_selector("body[data-view=entity][data-graph=stable]", timeout=60_000)
    assert page.url.endswith("name=ovarian+cancer")
    page.goto(server.url + "#view=entity&name=no-such-thing")  # from ovarian cancer's page: nothing of it may stay
    page.wait_for_selector("#entity-type:text-is('not found')")
    from exograph.errors import UnknownEntityError

    near = kg.suggest("no-such-thing")
    assert page.text_content("#entity-label") == "no-such-thing" and page.text_content("#entity-id") == "\u2014"
    assert page.text_content("#entity-relations .not-found") == str(UnknownEntityError("no-such-thing", near))
    assert page.locator("#entity-relations .near-names a").all_text_contents() == near
    assert page.locator("#entity-relations li.relation").count() == 0 and page.locator("#entity-graph canvas").count() == 0  # no stale drawing
    page.click("#entity-relations .near-names a >> nth=0")
    page.wait_for_selector(f"#entity-label:text-is('{near[0]}')")
    page.wait_for_selector("body[data-view=entity][data-graph=stable]", timeout=60_000)
    page.goto(server.url + "#view=entity&name=no-such-thing")  # and a fresh load of that URL shows the same view
    page.reload()
    page.wait_for_selector("#entity-type:text-is('not found')")
    assert page.locator("#entity-relations .near-names a").all_text_contents() == near
    assert events["errors"] == [] and events["blocked"] == []


def test_sparql_box_runs_the_named_queries(browser, server, artifacts):  # noqa: F811
    page, events = open_explorer(browser, server, "#view=sparql")
    page.wait_for_selector("#sparql-examples option[value=resistance-via-gene]", state="attached")
    page.select_option("#sparql-examples", "resistance-via-gene")
    page.wait_for_selector("table.results")
    assert page.url.endswith("#view=sparql&named=resistance-via-gene")
    assert page.locator("table.results th").all_text_contents() == ["cargo", "cargo_state", "link", "gene", "drug", "cancer"]
    assert "APAF1" in page.locator("table.results td").all_text_contents()
    page.fill("#sparql-query", "SELECT ?gene WHERE { ent:miRNA-21 exo:targets ?gene }")
    page.click("#sparql-run")
    page.wait_for_selector("table.results a")
    assert page.locator("table.results a").all_text_contents() == ["ent:APAF1"]
    assert "query=SELECT" in page.url
    page.fill("#sparql-query", "SELECT ?x WHERE { ?x }")
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-results p.error")
    assert page.text_content("#sparql-results p.error").startswith("malformed SPARQL:")
    page.fill("#sparql-query", "CLEAR ALL")
    page.click("#sparql-run")
    page.wait_for_selector("#sparql-results p.error:has-text('SPARQL updates')")
    assert page.text_content("#sparql-results p.error") == "SPARQL updates are not allowed: exograph queries are read-only"
    page.screenshot(path=str(artifacts / "explorer-sparql.png"))
    assert events["errors"] == [] and events["blocked"] == []
    assert events["console"] == [f"Failed to load resource: the server responded with a status of {s}" for s in ("400 (Bad Request)", "403 (Forbidden)")]


def test_injected_label_stays_text(browser, tiny_server):  # noqa: F811
    page, events = open_explorer(browser, tiny_server, "#view=entity&name=evil-mir")
    page.wait_for_selector("body[data-view=entity][data-graph=stable]", timeout=60_000)
    assert page.text_content("#entity-label") == "<img src=x onerror=alert(1)>"
    assert page.text_content("#entity-relations blockquote.quote") == "</script><script>alert('quote')</script>"
    page.locator("#search").press_sequentially("evil-mir", delay=20)
    page.wait_for_selector("#search-suggestions li.option")
    assert page.locator("#search-suggestions li.option .label").all_text_contents() == ["<img src=x onerror=alert(1)>"]
    page.mouse.move(1000, 400)
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 3
    assert events == {"blocked": [], "errors": [], "console": [], "dialogs": []}


@pytest.fixture(scope="module")
def context_server(tmp_path_factory: pytest.TempPathFactory, context_file) -> Served:
    with serving(["--workers", "1"], data=[context_file], cache_dir=tmp_path_factory.mktemp("cache")) as served:
        yield served


def test_an_entity_only_in_context_shows_its_relations_and_graph(browser, context_server, artifacts):  # noqa: F811
    page, events = open_explorer(browser, context_server, "#view=entity&name=NK+cell")
    page.wait_for_selector("body[data-view=entity][data-graph=stable]", timeout=60_000)
    assert page.text_content("#entity-label") == "NK cell"
    assert page.locator(".through-context h3").all_text_contents() == ["In the context, as recipient (2)", "In the context, as donor (1)"]
    lines = page.locator(".through-context[data-role=recipient] .line").all_text_contents()
    assert lines == ["GENE-B —suppresses→ NK cell cytotoxicity hedged", "GENE-C —inhibits→ NK cell cytotoxicity"]
    assert "no relation has this entity as subject or object" in page.text_content("#entity-relations").lower()
    kinds = page.evaluate("explorer.graph.edges.get().map(e => e.exo_kind).sort()")
    assert kinds.count("context") == 5 and kinds.count("relation") == 3
    tip = page.evaluate("explorer.graph.edges.get().filter(e => e.exo_kind === 'context' && e.to.endsWith('/GENE-B'))[0].title.textContent")
    assert tip == "NK cell as recipient ofGENE-B —suppresses→ NK cell cytotoxicity (hedged)"
    assert drawn_pixels(page, "#entity-graph") > 1000
    page.screenshot(path=str(artifacts / "explorer-context.png"))

    page.goto(context_server.url + "#view=entity&name=LONELY")
    page.wait_for_selector("#entity-label:text-is('LONELY')")
    page.wait_for_selector("body[data-view=entity][data-graph=stable]", timeout=60_000)
    assert page.text_content("#entity-relations") == "No relations are curated for this entity."
    assert page.evaluate("explorer.graph.nodes.length") == 0  # an empty drawing, asked of no one
    assert events == {"blocked": [], "errors": [], "console": [], "dialogs": []}


def test_a_hub_entity_pages_its_relations(browser, server):  # noqa: F811
    """exosome takes part in 190 relations: a hundred at a time, with next and previous."""
    page, events = open_explorer(browser, server, "#view=entity&name=exosome")
    page.wait_for_selector("body[data-view=entity][data-graph=stable]", timeout=60_000)
    assert page.text_content(".pager").startswith("Relations 1\u2013100: 190 relations")
    assert page.locator("#entity-relations li.relation").count() == 100 and page.locator(".previous-page").count() == 0
    page.click(".next-page")
    page.wait_for_selector(".pager:has-text('Relations 101')")
    assert "offset=100" in page.url and page.locator("#entity-relations li.relation").count() == 90
    assert page.locator(".next-page").count() == 0
    page.click(".previous-page")
    page.wait_for_selector(".pager:has-text('Relations 1\u2013100')")
    assert events == {"blocked": [], "errors": [], "console": [], "dialogs": []}


def test_path_finder_flags_cross_cancer_paths_and_takes_the_options(browser, context_server):  # noqa: F811
    page, events = open_explorer(browser, context_server, "#view=path&source=miR-A&target=phenotype+P")
    page.wait_for_selector("body[data-view=path][data-graph=stable]", timeout=60_000)
    assert page.locator("li.path h3").all_text_contents() == [
        "Path 1 (3 hops): miRNA-A → GENE-C → GENE-D → phenotype P",
        "Path 2 (2 hops): miRNA-A → GENE-B → phenotype P",
    ]
    assert page.locator("li.path.cross-cancer p.warning").all_text_contents() == [
        "Cross-cancer path: its hops are stated for different cancers (cancer X, <i>cancer Y</i>); no one study shows the whole chain."
    ]
    assert page.locator("i").count() == 0

    page.fill("#path-source", "GENE-D")
    page.fill("#path-target", "angiogenesis")
    page.click("#path-submit")
    page.wait_for_selector("#status.shown")
    assert "tick 'through generic entities'" in page.text_content("#status span")  # the form's option, not a CLI flag
    page.check("#path-through-generic")
    page.click("#path-submit")
    page.wait_for_selector("body[data-view=path][data-graph=stable]", timeout=60_000)
    assert "through_generic=1" in page.url
    assert page.locator("li.path h3").all_text_contents() == ["Path 1 (2 hops): GENE-D → microRNA → angiogenesis"]

    page.goto(context_server.url + "#view=path&source=miR-H&target=phenotype+P")
    page.wait_for_selector("li.path .hedged-mark")
    assert page.locator("li.path .hop .line").all_text_contents()[0] == "miRNA-H —targets→ GENE-I hedged"
    page.check("#path-no-hedged")
    page.click("#path-submit")
    page.wait_for_selector("#status.shown")
    assert "no-hedged=1" not in page.url and "no_hedged=1" in page.url
    assert "without hedged statements" in page.text_content("#status span")
    assert events["errors"] == [] and events["blocked"] == []


def test_the_entity_graph_has_a_switch_for_generic_entities(browser, server, artifacts):  # noqa: F811
    page, events = open_explorer(browser, server, "#view=entity&name=miRNA-21&depth=2")
    page.wait_for_selector("body[data-view=entity][data-graph=stable]", timeout=60_000)
    exosome, mir21 = "https://w3id.org/exograph/entity/exosome", "https://w3id.org/exograph/entity/miRNA-21"
    every = set(page.evaluate("explorer.graph.nodes.getIds()"))
    shown = set(page.evaluate("explorer.graph.shown.nodes.getIds()"))
    assert exosome in every and exosome not in shown and mir21 in shown and len(shown) < len(every) / 3
    note = page.text_content("#entity-generic .generic-note")
    assert note.startswith("12 generic entities (exosome, tumour cell, cancer and 9 more), with the ") and note.endswith(" hidden")
    page.check("#entity-generic input")
    page.wait_for_selector("body[data-view=entity][data-graph=stable]", timeout=60_000)
    assert set(page.evaluate("explorer.graph.shown.nodes.getIds()")) == every
    page.screenshot(path=str(artifacts / "explorer-entity-generic.png"))

    page.goto(server.url + "#view=path&source=miR-21&target=paclitaxel+resistance")  # a path draws no generic entity: no switch
    page.wait_for_selector("body[data-view=path][data-graph=stable]", timeout=60_000)
    assert page.locator("#path-generic").is_hidden()
    assert events == {"blocked": [], "errors": [], "console": [], "dialogs": []}
