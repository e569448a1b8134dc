"""What a notebook shows (exograph.display): the HTML of a graph, its paths and query results,
every value from the data escaped; QueryResult.to_dataframe; a page shown inline."""

from __future__ import annotations

import sys
from collections import Counter
from html.parser import HTMLParser

import pytest

from exograph import resources
from exograph.display import Frame, describe_store, graph_card, result_html
from exograph.errors import MissingDependencyError
from exograph.paths import Path, Paths
from exograph.store import QueryResult, python_value
from exograph.store.endpoint import EndpointStore
from exograph.store.oxigraph import OxigraphStore
from exograph.store.rdflib import RdflibStore
from exograph.terms import IRI, XSD, BNode, Literal

from .conftest import FIXTURES, iri

HOSTILE = "<img src=x onerror=alert(1)>"
QUOTE = "</script><script>alert('quote')</script>"
#: the only elements the HTML of exograph.display is made of
OURS = {"div", "p", "b", "i", "span", "small", "br", "code", "table", "caption", "thead", "tbody", "tr", "th", "td"}
#: elements that do not break the text they are in
INLINE = {"b", "i", "span", "small", "code"}


class Parsed(HTMLParser):
    """The elements (name, attributes) and the text of an HTML fragment, as a browser reads them."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.pieces: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag not in INLINE:
            self.pieces.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag not in INLINE:
            self.pieces.append(" ")

    def handle_data(self, data: str) -> None:
        self.pieces.append(data)

    @property
    def tags(self) -> set[str]:
        return {tag for tag, _ in self.elements}

    @property
    def text(self) -> str:
        return " ".join("".join(self.pieces).split())


def shown(fragment: str) -> Parsed:
    """``fragment`` parsed, after checking it holds only exograph's own elements and attributes."""
    parsed = Parsed(fragment)
    assert parsed.tags <= OURS, parsed.tags - OURS
    assert all(name in ("class", "style", "title") for _, attrs in parsed.elements for name in attrs)
    return parsed


# --------------------------------------------------------------------------- escaping


def test_a_hostile_label_and_quote_stay_text_in_every_view(tiny):
    card = shown(tiny._repr_html_())
    assert "MicroRNA" in card.text
    paths = tiny.paths("evil-mir", "GENE2")
    for fragment in (paths._repr_html_(), paths[0]._repr_html_()):
        parsed = shown(fragment)
        assert f"{HOSTILE} → GENE1 → GENE2" in parsed.text
        assert QUOTE in parsed.text  # the quote of the first hop, as text
    result = tiny.sparql("SELECT ?label ?quote WHERE { ent:evil rdfs:label ?label . ?ev exo:quote ?quote }")
    assert shown(result._repr_html_()).text.startswith(f"?label ?quote {HOSTILE} {QUOTE}")


def test_an_iri_cannot_leave_its_attribute():
    evil = IRI('http://example.org/x"><img src=x onerror=alert(1)>')
    result = QueryResult("SELECT", variables=["x"], rows=[(evil,)])
    parsed = shown(result_html(result))
    assert ("td", {"title": evil}) in [(tag, {k: v for k, v in attrs.items() if k == "title"}) for tag, attrs in parsed.elements]
    assert evil in parsed.text


def test_a_frame_holds_the_page_in_its_srcdoc_and_nothing_else():
    page = f'<!DOCTYPE html><p title="a&b">{HOSTILE}</p></iframe><script>alert(1)</script>'
    frame = Frame(page, height=321, title='"the" graph')
    parsed = Parsed(frame._repr_html_())
    ((tag, attrs),) = parsed.elements  # one element: the iframe, whatever the page holds
    assert tag == "iframe" and attrs["srcdoc"] == page and attrs["sandbox"] == "allow-scripts" and attrs["title"] == '"the" graph'
    assert "height: 321px" in (attrs["style"] or "") and parsed.text == ""
    assert repr(frame) == f"Frame(<a page of {len(page)} characters>, height=321, title='\"the\" graph')"


# --------------------------------------------------------------------------- the graph


def test_the_card_counts_what_stats_counts(kg):
    stats = kg.stats()
    card = shown(graph_card(kg))
    assert card.text.startswith(f"exograph knowledge graph: {stats['entities']} entities, {stats['relations']} relations, {stats['evidences']} evidences")
    assert "source: the packaged graph (in memory)" in card.text and "named graph" not in card.text
    for kind, n in [*stats["entities_by_type"].items(), *stats["relations_by_predicate"].items()]:
        assert f" {kind} {n:,} " in f" {card.text} "
    assert repr(kg) == "KnowledgeGraph(OxigraphStore(memory, 2 file(s)))"


def test_the_card_says_where_the_triples_come_from(both, tmp_path):
    assert describe_store(OxigraphStore.memory([FIXTURES / "tiny.ttl", resources.ontology_file()])) == "2 files in memory: tiny.ttl, exograph.ttl"
    assert describe_store(OxigraphStore.memory([resources.packaged_triples()])) == "the packaged graph without the ontology (in memory)"
    assert describe_store(RdflibStore()) == "RdflibStore"
    assert (
        describe_store(EndpointStore("http://someone:secret@localhost:7878/query", graph="urn:g"))
        == "the SPARQL endpoint http://localhost:7878/query, graph <urn:g>"
    )
    assert describe_store(OxigraphStore(None, path=tmp_path / "store", read_only=True)) == f"the on-disk store {tmp_path / 'store'}"
    card = shown(graph_card(both))
    assert "database evidence in 1 named graph: <https://w3id.org/exograph/graph/mirtarbase>" in card.text


# --------------------------------------------------------------------------- paths


def test_a_path_shows_its_hops_with_context_support_and_evidence(kg):
    paths = kg.paths("miR-21", "paclitaxel resistance")
    via_apaf1 = next(p for p in paths if len(p.hops) == 2)
    assert via_apaf1.labels[iri("APAF1")] == "APAF1" and via_apaf1.labels[iri("ovarian-cancer")] == "ovarian cancer"
    parsed = shown(via_apaf1._repr_html_())
    assert parsed.text.startswith(f"Path (2 hops, support {via_apaf1.belief:.2f}): miRNA-21 → APAF1 → paclitaxel resistance")
    assert "miRNA-21 targets APAF1 cancer: ovarian cancer" in parsed.text
    assert "support 0.85 (1 curated)" in parsed.text
    assert "ref 49 (Au Yeung et al, 4. Drug resistance): “exosomal transportation of CAF-derived miRNA-21" in parsed.text
    assert ("span", {"title": iri("APAF1")}) in parsed.elements  # the IRI, as a tooltip
    whole = shown(paths._repr_html_())
    assert whole.text.startswith("Path 1 (1 hop") and "Path 2 (2 hops" in whole.text and "more exist" not in whole.text


def test_cross_cancer_backward_and_hedged_hops_say_so(ctx):
    cross = shown(ctx.paths("miR-A", "phenotype P")[-1]._repr_html_())
    assert "cross-cancer: its hops are stated for different cancers (cancer X, <i>cancer Y</i>)" in cross.text  # the label's tags as text
    backward = ctx.paths("fibroblast F", "angiogenesis", undirected=True, through_generic=True)[0]
    assert not backward.hops[0].forward
    assert "microRNA released by fibroblast F (walked backwards)" in shown(backward._repr_html_()).text
    assert "miRNA-H targets GENE-I (hedged)" in shown(ctx.paths("miR-H", "GENE-I")._repr_html_()).text


def test_a_slice_of_paths_is_paths_and_says_what_it_leaves_out(kg):
    paths = kg.paths("miR-21", "paclitaxel resistance")
    assert len(paths) == 2 and not paths.truncated
    first = paths[:1]
    assert isinstance(first, Paths) and first.truncated and first.found == paths.found and list(first) == [paths[0]]
    assert isinstance(paths[-1], Path) and not paths[0:2].truncated
    assert "1 path shown; more exist (at least 2 found)" in shown(first._repr_html_()).text
    assert shown(Paths()._repr_html_()).text == "no path"


def test_labels_are_for_display_and_leave_a_path_s_identity_alone(kg):
    path = kg.paths("miR-21", "APAF1")[0]
    bare = Path(path.nodes, path.hops)
    assert bare == path and hash(bare) == hash(path) and "labels" not in repr(path)
    assert shown(bare._repr_html_()).text.startswith("Path (1 hop, support 0.85): miRNA-21 → APAF1")  # curated ids without labels


# --------------------------------------------------------------------------- query results


def test_a_select_result_is_a_table_with_its_variables_and_terms(kg):
    result = kg.sparql("SELECT ?s ?n WHERE { ?s exo:targets ent:APAF1 . BIND(7 AS ?n) }")
    parsed = shown(result._repr_html_())
    assert parsed.text == "?s ?n ent:miRNA-21 7 (1 row)"
    assert any(tag == "td" and attrs.get("title") == iri("miRNA-21") for tag, attrs in parsed.elements)  # the IRI, as a tooltip
    number = next(attrs for tag, attrs in parsed.elements if tag == "td" and attrs.get("title") == "xsd:integer")
    assert "text-align: right" in (number["style"] or "")


def test_ask_construct_and_long_results(kg):
    assert shown(kg.sparql("ASK { ent:miRNA-21 exo:targets ent:APAF1 }")._repr_html_()).text == "ASK: true"
    graph = shown(kg.sparql("CONSTRUCT { ent:miRNA-21 exo:targets ?g } WHERE { ent:miRNA-21 exo:targets ?g } ORDER BY ?g")._repr_html_())
    assert graph.text.startswith("subject predicate object ent:miRNA-21 exo:targets ent:APAF1")
    many = kg.sparql("SELECT ?e WHERE { ?e a exo:MicroRNA } ORDER BY ?e")
    text = shown(result_html(many, max_rows=3)).text
    assert text.endswith(f"(the first 3 of {len(many.rows)} rows; result.rows (or result.to_dataframe()) holds them all)")
    assert text.count("ent:") == 3


def test_to_dataframe_gives_plain_values_and_numbers(kg):
    pandas = pytest.importorskip("pandas")
    frame = kg.sparql(
        "SELECT ?cancer (COUNT(?st) AS ?relations) WHERE { ?st exo:cancerType/rdfs:label ?cancer } GROUP BY ?cancer ORDER BY DESC(?relations) ?cancer"
    ).to_dataframe()
    assert isinstance(frame, pandas.DataFrame) and list(frame.columns) == ["cancer", "relations"] and frame["relations"].dtype.kind == "i"
    assert dict(zip(frame["cancer"], frame["relations"], strict=True)) == Counter(kg.index.label(r.context.cancer) for r in kg.relations() if r.context.cancer)
    mixed = kg.sparql("SELECT ?s ?none (1.5 AS ?x) WHERE { ?s exo:targets ent:APAF1 OPTIONAL { ?s exo:nothing ?none } }").to_dataframe()
    assert mixed.to_dict("records") == [{"s": iri("miRNA-21"), "none": None, "x": 1.5}] and mixed["x"].dtype.kind == "f"
    triples = kg.sparql("CONSTRUCT { ent:miRNA-21 exo:targets ?g } WHERE { ent:miRNA-21 exo:targets ?g }").to_dataframe()
    assert list(triples.columns) == ["subject", "predicate", "object"] and (iri("miRNA-21"), iri("APAF1")) in set(
        zip(triples.subject, triples.object, strict=True)
    )
    with pytest.raises(ValueError, match="ASK result is one boolean"):
        kg.sparql("ASK { ?s ?p ?o }").to_dataframe()


def test_python_values_of_terms():
    assert python_value(None) is None and python_value(IRI("urn:x")) == "urn:x" and type(python_value(IRI("urn:x"))) is str
    assert python_value(BNode("b0")) == "_:b0"
    assert python_value(Literal("3", XSD + "integer")) == 3 and python_value(Literal("true", XSD + "boolean")) is True
    assert python_value(Literal("2.50", XSD + "decimal")) == 2.5 and python_value(Literal("NaN?", XSD + "double")) == "NaN?"
    assert python_value(Literal("chat", language="fr")) == "chat"


def test_to_dataframe_without_pandas_says_how_to_get_it(kg, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    result = kg.sparql("SELECT ?s WHERE { ?s exo:targets ent:APAF1 }")
    with pytest.raises(MissingDependencyError, match=r"^pandas is needed for to_dataframe\(\); pip install pandas") as caught:
        result.to_dataframe()
    assert isinstance(caught.value, ImportError)
    assert shown(result._repr_html_()).text.startswith("?s ent:miRNA-21")  # the table needs no pandas
