"""The Python API: load, any store behind the interface, the index, networkx export."""

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

import exograph
from exograph import resources
from exograph.errors import DataError
from exograph.kg import KnowledgeGraph
from exograph.store import Store
from exograph.store.oxigraph import OxigraphStore
from exograph.store.rdflib import RdflibStore

from .conftest import FIXTURES, iri


def test_load_answers_the_headline_question():
    kg = exograph.load()
    assert isinstance(kg.store, OxigraphStore) and kg.store.path is None
    best = kg.paths("miR-21", "paclitaxel resistance")
    assert any([kg.index.label(n) for n in p.nodes] == ["miRNA-21", "APAF1", "paclitaxel resistance"] for p in best)


def test_an_rdflib_graph_slots_in_and_answers_as_oxigraph_does(kg):
    graph = Graph().parse(resources.packaged_triples())
    graph.parse(resources.ontology_file())
    store = RdflibStore(graph)
    assert isinstance(store, Store)
    other = KnowledgeGraph(store)
    assert other.entity("miR-21").id == iri("miRNA-21")
    assert [[h.edge.key for h in p.hops] for p in other.paths("miR-21", "APAF1")] == [[h.edge.key for h in p.hops] for p in kg.paths("miR-21", "APAF1")]
    assert other.stats() == kg.stats()
    assert "miRNA-21" in other.to_html(focus="APAF1")
    assert other.sparql("ASK { ent:miRNA-21 exo:targets ent:APAF1 }").boolean is True


def test_a_file_changed_in_place_is_read_again(tmp_path: Path):
    """No cache to go stale: a file rewritten with the same size and modification time is read anew."""
    import os

    data = tmp_path / "g.ttl"
    text = (FIXTURES / "tiny.ttl").read_text(encoding="utf-8")
    data.write_text(text, encoding="utf-8")
    stamp = data.stat().st_mtime_ns
    assert exograph.load([data]).entity("GENE2").label == "GENE2"
    data.write_text(text.replace('"GENE2"', '"GENEX"'), encoding="utf-8")  # same size
    os.utime(data, ns=(stamp, stamp))
    assert exograph.load([data]).entity("GENEX").label == "GENEX"


def test_nothing_is_pickled_or_cached_for_files(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("EXOGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    kg = exograph.load([FIXTURES / "tiny.ttl"])
    assert len(kg.relations()) == 2 and kg.resolve("evil-mir")
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_to_networkx_has_plain_attributes_that_graphml_takes(kg, tmp_path: Path):
    g = kg.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_edges() == kg.stats()["relations"]
    assert g.nodes[iri("APAF1")]["label"] == "APAF1"
    edges = g.get_edge_data(iri("miRNA-21"), iri("APAF1"))
    ((key, attrs),) = edges.items()
    assert key.startswith("https://w3id.org/exograph/statement/miRNA-21--targets--APAF1--")
    assert attrs["label"] == "targets" and attrs["refs"] == "49" and attrs["cancer"] == iri("ovarian-cancer")
    assert nx.has_path(g, iri("miRNA-21"), iri("paclitaxel-resistance"))
    nx.write_graphml(g, tmp_path / "g.graphml")  # every attribute is a plain value
    again = nx.read_graphml(tmp_path / "g.graphml", force_multigraph=True)
    assert again.number_of_edges() == g.number_of_edges()


def test_statement_ids_are_stable_and_readable(kg):
    keys = [e.key for e in kg.relations()]
    assert len(keys) == len(set(keys)) == kg.stats()["relations"]
    assert all("--" in k for k in keys if k.startswith("https://w3id.org/exograph/statement/"))


def test_bad_files_are_reported_with_their_line(tmp_path: Path):
    with pytest.raises(DataError, match=r"malformed\.ttl:3: malformed Turtle"):
        exograph.load([FIXTURES / "malformed.ttl"])
    truncated = tmp_path / "truncated.ttl"  # the fault is at the very end: the parser says line 4
    truncated.write_text("@prefix x: <http://example.org/> .\nx:a x:b x:c .\nx:a x:b\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"truncated\.ttl:3: malformed Turtle: "):
        exograph.load([truncated])
    with pytest.raises(DataError, match=r"missing\.ttl: no such file"):
        exograph.load([tmp_path / "missing.ttl"])


def test_stats(kg):
    stats = kg.stats()
    assert stats["relations"] == len(kg.relations())
    assert stats["triples"] == len(kg.store)
    assert stats["evidences_by_section"]["Table I"] >= 35
    assert stats["evidences_by_section"]["4. Drug resistance"] >= 20
    assert stats["relations_by_section"]["Table I"] <= stats["evidences_by_section"]["Table I"]
    cited, not_cited = set(stats["references_cited"]), set(stats["references_not_cited"])
    assert cited | not_cited == set(range(1, 139)) and not cited & not_cited
    assert 49 in cited


def test_evidence_reads_its_reference_numbers_and_publication_however_they_are_named(tmp_path: Path):
    """References and publications named by IRI are asked once each; a blank-node reference (no
    IRI to name it by) is read with its evidence: both give the same numbers and publication."""
    tiny = (FIXTURES / "tiny.ttl").read_text(encoding="utf-8")
    blank = tmp_path / "blank.ttl"
    blank.write_text(tiny.replace("exo:reference ref:r-7 ;", "exo:reference [ a exo:Reference ; exo:referenceNumber 7 ] ;"), encoding="utf-8")
    paper = tmp_path / "paper.ttl"
    paper.write_text(tiny.replace("review:r a exo:Review", "review:r a exo:Publication"), encoding="utf-8")
    for path in (FIXTURES / "tiny.ttl", blank):
        (rel,) = [r for r in exograph.load([path]).relations() if r.evidences]
        assert list(rel.refs) == [7] and rel.evidences[0].publication is None, path  # a review is not the paper itself
    (rel,) = [r for r in exograph.load([paper]).relations() if r.evidences]
    assert rel.evidences[0].publication == "https://w3id.org/exograph/review/r"


def test_evidences_that_differ_only_by_a_missing_author_sort():
    from exograph.model import Evidence

    named, anonymous = Evidence((49,), "49", "4. Drug resistance", "a quote", "Au Yeung"), Evidence((49,), "49", "4. Drug resistance", "a quote")
    assert sorted([named, anonymous]) == [anonymous, named] and sorted([anonymous, named]) == [anonymous, named]
    assert sorted([Evidence((50,), "50", "s", "q"), named]) == [named, Evidence((50,), "50", "s", "q")]  # the references first


def test_relations_read_a_few_thousand_at_a_time_are_the_same(kg, monkeypatch):
    """Read in rounds (an export of a large store would otherwise hold every answer at once), the
    relations are the same, in the same order, as read in one round."""
    import exograph.graph as graph_module

    whole = kg.relations()
    monkeypatch.setattr(graph_module, "STATEMENTS_AT_ONCE", 7)
    assert len(whole) > 7 * 10 and kg.relations() == whole
    edges = [5, 3, 200, 3, 17]
    assert [r.key for r in kg._relations_of(edges)] == [whole[e].key for e in edges]
