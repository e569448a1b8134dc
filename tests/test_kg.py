"""The Python API: load, store behind an interface, cached projection, networkx export."""

from pathlib import Path

import networkx as nx
from rdflib import Graph

import exograph
from exograph import resources
from exograph.kg import KnowledgeGraph
from exograph.store import MemoryStore, Store

from .conftest import FIXTURES, iri


def test_load_answers_the_headline_question():
    kg = exograph.load()
    best = kg.paths("miR-21", "paclitaxel resistance")
    assert any([kg.projection.label(n) for n in p.nodes] == ["miRNA-21", "APAF1", "paclitaxel resistance"] for p in best)


def test_any_store_with_the_interface_slots_in():
    """A store is anything with triples(), query() and len(): here a bare rdflib graph wrapper."""

    class BareStore:
        def __init__(self, graph: Graph) -> None:
            self.graph = graph

        def triples(self, pattern):
            return self.graph.triples(pattern)

        def query(self, sparql):
            return self.graph.query(sparql)

        def __len__(self):
            return len(self.graph)

    graph = Graph().parse(resources.packaged_triples())
    store = BareStore(graph)
    assert isinstance(store, Store)
    kg = KnowledgeGraph(store=store)
    assert kg.entity("miR-21").id == iri("miRNA-21")
    assert len(kg.paths("miR-21", "APAF1")) == 1
    assert "miRNA-21" in kg.to_html(focus="APAF1")
    assert kg.sparql("ASK { ent:miRNA-21 exo:targets ent:APAF1 }").askAnswer is True


def test_projection_cache_is_used_and_refreshed(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("EXOGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "g.ttl"
    data.write_text((FIXTURES / "tiny.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    first = exograph.load([data])
    assert len(first.projection.edges) == 2
    assert len(list((tmp_path / "cache").glob("projection-*.pickle"))) == 1
    second = exograph.load([data])
    assert second.projection.edges == first.projection.edges
    assert second._store is None  # answered from the cache without parsing
    data.write_text(data.read_text(encoding="utf-8") + "\nent:GENE2 exo:upregulates ent:GENE1 .\n", encoding="utf-8")
    third = exograph.load([data])
    assert len(third.projection.edges) == 3


def test_parsed_graph_cache_answers_sparql_like_the_source(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("EXOGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "g.ttl"
    data.write_text((FIXTURES / "tiny.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    ask = "ASK { ent:GENE2 exo:upregulates ent:GENE1 }"
    first = exograph.load([data], ontology=False)
    assert first.sparql(ask).askAnswer is False
    assert len(list((tmp_path / "cache").glob("graph-*.pickle"))) == 1
    cached = exograph.load([data], ontology=False)
    assert len(cached.store) == len(first.store) and cached.store.sources == (data,)
    data.write_text(data.read_text(encoding="utf-8") + "\nent:GENE2 exo:upregulates ent:GENE1 .\n", encoding="utf-8")
    assert exograph.load([data], ontology=False).sparql(ask).askAnswer is True  # the source changed: parsed again
    for path in (tmp_path / "cache").glob("graph-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert exograph.load([data], ontology=False).sparql(ask).askAnswer is True  # a corrupt cache is ignored


def test_corrupt_cache_is_rebuilt(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("EXOGRAPH_CACHE_DIR", str(tmp_path))
    kg = exograph.load([FIXTURES / "tiny.ttl"])
    _ = kg.projection
    for path in tmp_path.glob("projection-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert len(exograph.load([FIXTURES / "tiny.ttl"]).projection.edges) == 2


def test_to_networkx(kg):
    g = kg.to_networkx()
    assert isinstance(g, nx.MultiDiGraph)
    assert g.nodes[iri("APAF1")]["label"] == "APAF1"
    edges = g.get_edge_data(iri("miRNA-21"), iri("APAF1"))
    ((key, attrs),) = edges.items()
    assert key.startswith("https://w3id.org/exograph/statement/miRNA-21--targets--APAF1--")
    assert attrs["label"] == "targets" and attrs["edge"].refs == [49]
    assert nx.has_path(g, iri("miRNA-21"), iri("paclitaxel-resistance"))


def test_statement_ids_are_stable_and_readable(kg):
    keys = [e.key for e in kg.projection.edges]
    assert len(keys) == len(set(keys))
    assert all("--" in k for k in keys if k.startswith("https://w3id.org/exograph/statement/"))


def test_memory_store_reports_bad_files_with_line(tmp_path: Path):
    import pytest

    from exograph.errors import DataError

    with pytest.raises(DataError, match=r"malformed\.ttl:3: malformed turtle"):
        MemoryStore([FIXTURES / "malformed.ttl"])
    truncated = tmp_path / "truncated.ttl"  # the fault is at the very end: rdflib alone says line 6
    truncated.write_text("@prefix x: <http://example.org/> .\nx:a x:b x:c .\nx:a x:b\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"truncated\.ttl:3: malformed turtle: objectList expected"):
        MemoryStore([truncated])


def test_stats(kg):
    stats = kg.stats()
    assert stats["relations"] == len(kg.projection.edges)
    assert stats["evidences_by_section"]["Table I"] >= 35
    assert stats["evidences_by_section"]["4. Drug resistance"] >= 20
    assert stats["relations_by_section"]["Table I"] <= stats["evidences_by_section"]["Table I"]
    cited, not_cited = set(stats["references_cited"]), set(stats["references_not_cited"])
    assert cited | not_cited == set(range(1, 139)) and not cited & not_cited
    assert 49 in cited
