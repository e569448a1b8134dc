"""exograph export: each format read back by a tool exograph did not write, with every relation."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from exograph import ontology, resources, vocab
from exograph.errors import DataError, ExographError
from exograph.export import FORMATS, export, export_files, write_files


def test_graphml_and_gexf_read_back_by_networkx_with_every_relation(kg):
    """411 relations join fewer node pairs (several pairs carry more than one): a multigraph, keyed
    by statement, so none vanishes; attributes are plain values."""
    stats = kg.stats()
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        graph = read(io.BytesIO(export(kg, fmt)))
        assert graph.is_multigraph() and graph.number_of_nodes() == stats["entities"] and graph.number_of_edges() == stats["relations"], fmt
        assert len({(u, v) for u, v in graph.edges()}) < graph.number_of_edges()  # pairs joined by several relations are kept apart
        apaf1 = "https://w3id.org/exograph/entity/APAF1"
        assert graph.nodes[apaf1]["label"] == "APAF1" and graph.nodes[apaf1]["type"] == "GeneOrProtein"
        edge = next(d for _, v, d in graph.edges(data=True) if v == apaf1 and d["label"] == "targets")
        assert edge["refs"] == "49" and edge["cancer"] == "https://w3id.org/exograph/entity/ovarian-cancer"


def test_cytoscape_json_is_a_multigraph_read_back_by_networkx(kg):
    data = json.loads(export(kg, "cyjs"))
    assert data["multigraph"] is True and data["directed"] is True
    keys = [e["data"]["key"] for e in data["elements"]["edges"]]
    assert len(keys) == len(set(keys)) == kg.stats()["relations"]  # distinct keys: the statements
    graph = nx.cytoscape_graph(data)
    assert graph.number_of_edges() == kg.stats()["relations"] and graph.number_of_nodes() == kg.stats()["entities"]


def test_rdf_exports_are_isomorphic_to_what_was_loaded(kg):
    source = Graph()
    for path in (resources.packaged_triples(), resources.ontology_file()):
        source.parse(path)
    for fmt, syntax in (("nt", "nt"), ("ttl", "turtle")):
        assert isomorphic(Graph().parse(data=export(kg, fmt).decode(), format=syntax), source), fmt
    lines = export(kg, "nt").decode().splitlines()
    assert lines == sorted(lines)  # sorted, so diffs of exports are readable


def test_nquads_carry_the_named_graphs(both):
    """Curated data in the default graph, imported database evidence in its named graph: N-Quads,
    read back by Oxigraph's parser, keep each triple where it is."""
    import pyoxigraph as ox

    from exograph.store.oxigraph import from_ox

    quads = list(ox.parse(export(both, "nq"), format=ox.RdfFormat.N_QUADS))
    by_graph: dict[str, set[tuple[object, ...]]] = {}
    for q in quads:
        where = "" if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
        by_graph.setdefault(where, set()).add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    assert set(by_graph) == {"", *both.store.graphs()} and len(by_graph) > 1
    assert by_graph[""] == set(both.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").triples)
    for g in both.store.graphs():
        assert by_graph[g] == set(both.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}").triples)


def test_the_command_writes_a_file_or_standard_output(tmp_path: Path):
    out = tmp_path / "graph.graphml"
    proc = subprocess.run([sys.executable, "-m", "exograph", "export", "--format", "graphml", "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stderr.startswith(f"wrote {out} (graphml, ")
    assert nx.read_graphml(out).number_of_edges() > 400
    piped = subprocess.run([sys.executable, "-m", "exograph", "export", "--format", "nt"], capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stdout.count(b"\n") > 9000
    bad = subprocess.run([sys.executable, "-m", "exograph", "export", "--format", "xlsx"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "'xlsx' is not one of" in bad.stderr
    with pytest.raises(ExographError, match="no export format 'xlsx'"):
        export(None, "xlsx")  # type: ignore[arg-type]
    assert set(FORMATS) == {"graphml", "gexf", "cyjs", "kgx", "neo4j", "nt", "nq", "ttl", "jsonld"}


def test_jsonld_expands_with_pyld_to_the_same_triples_and_fetches_nothing(kg):
    """pyld, a JSON-LD processor exograph did not write, expands the compact document (its context
    inline) to exactly the triples exported as N-Triples; a document loader that refuses every URL
    proves nothing is fetched."""
    from pyld import jsonld

    def refuse(url, options=None):  # pragma: no cover - called only if something tried to fetch
        raise AssertionError(f"pyld tried to fetch {url}")

    document = json.loads(export(kg, "jsonld"))
    assert isinstance(document["@context"], dict) and "ent" in document["@context"]
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": refuse})
    assert isomorphic(Graph().parse(data=nquads, format="nt"), Graph().parse(data=export(kg, "nt").decode(), format="nt"))


def test_graphml_read_back_by_igraph_with_the_counts_and_attributes_of_stats(kg, tmp_path: Path):
    """python-igraph, a second GraphML reader exograph did not write, sees every entity (type,
    label) and every relation (predicate) that ``exograph stats`` counts. (igraph reads no GEXF.)"""
    import igraph

    stats = kg.stats()
    path = tmp_path / "exo.graphml"
    path.write_bytes(export(kg, "graphml"))
    graph = igraph.Graph.Read_GraphML(str(path))
    assert graph.is_directed() and graph.vcount() == stats["entities"] and graph.ecount() == stats["relations"]
    assert len({(e.source, e.target) for e in graph.es}) < graph.ecount()  # relations sharing their ends are distinct edges
    assert sorted(graph.es["statement"]) == sorted(r.key for r in kg.relations())  # each edge names its statement
    assert Counter(graph.vs["type"]) == Counter(stats["entities_by_type"])
    assert Counter(vocab.local_name(p) for p in graph.es["predicate"]) == Counter(stats["relations_by_predicate"])
    assert all(graph.vs["label"]) and set(graph.es["label"]) == {ontology.label(vocab.EXO + p) for p in stats["relations_by_predicate"]}
    apaf1 = graph.vs.find(id=vocab.entity_iri("APAF1"))
    assert (apaf1["label"], apaf1["type"]) == ("APAF1", "GeneOrProtein")
    edge = next(e for e in graph.es.select(_target=apaf1.index) if e["label"] == "targets" and e["cancer"])
    assert edge["refs"] == "49" and edge["cancer"] == vocab.entity_iri("ovarian-cancer")


def test_kgx_and_neo4j_go_to_a_directory_an_archive_or_a_tar_on_standard_output(tmp_path: Path):
    import tarfile

    def run(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "exograph", "export", *args], capture_output=True, timeout=120)

    folder = tmp_path / "kgx"
    proc = run("--format", "kgx", "-o", str(folder))
    assert proc.returncode == 0 and proc.stderr.decode().startswith(f"wrote {folder / 'nodes.tsv'}, {folder / 'edges.tsv'} (kgx, ")
    assert sorted(p.name for p in folder.iterdir()) == ["edges.tsv", "nodes.tsv"]  # no temporary left behind
    assert (folder / "edges.tsv").read_bytes().count(b"\n") == 412  # the header and 411 relations

    piped = run("--format", "neo4j")
    assert piped.returncode == 0
    with tarfile.open(fileobj=io.BytesIO(piped.stdout)) as tar:
        assert tar.getnames() == ["nodes.csv", "relationships.csv"]
        members = {name: tar.extractfile(name).read() for name in tar.getnames()}  # type: ignore[union-attr]
    assert run("--format", "neo4j").stdout == piped.stdout  # deterministic, to the byte

    archive = tmp_path / "exo.tar.gz"
    assert run("--format", "neo4j", "-o", str(archive)).returncode == 0
    with tarfile.open(archive) as tar:
        assert {name: tar.extractfile(name).read() for name in tar.getnames()} == members  # type: ignore[union-attr]

    (tmp_path / "taken").write_text("a file", encoding="utf-8")
    bad = run("--format", "kgx", "-o", str(tmp_path / "taken"))
    assert bad.returncode == 1 and bad.stderr.decode().count("\n") == 1 and "not a directory" in bad.stderr.decode() and b"Traceback" not in bad.stderr
    without = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['yaml'] = None; from exograph.cli import main; main()", "export", "--format", "kgx"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        without.returncode == 1
        and without.stderr == "Error: the KGX export needs the biolink-model package (Biolink 4.4.6) to check its terms: pip install 'exograph[kgx]'\n"
    )


def test_several_files_are_written_together_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A failure while the files are written leaves the directory as it was: the old files whole,
    no temporary behind."""
    import os

    import exograph.export

    write_files(tmp_path, {"nodes.tsv": b"old nodes", "edges.tsv": b"old edges"})
    calls = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        os.fsync(fd)

    monkeypatch.setattr(exograph.export.os, "fsync", failing_fsync)
    with pytest.raises(DataError, match=r"cannot write nodes.tsv, edges.tsv there \(No space left on device\)"):
        write_files(tmp_path, {"nodes.tsv": b"new nodes", "edges.tsv": b"new edges"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edges.tsv", "nodes.tsv"]
    assert (tmp_path / "nodes.tsv").read_bytes() == b"old nodes" and (tmp_path / "edges.tsv").read_bytes() == b"old edges"


def test_export_of_the_multi_file_formats_is_their_files_in_a_tar(kg):
    import tarfile

    for fmt in ("kgx", "neo4j"):
        with tarfile.open(fileobj=io.BytesIO(export(kg, fmt))) as tar:
            assert {name: tar.extractfile(name).read() for name in tar.getnames()} == export_files(kg, fmt)  # type: ignore[union-attr]
    with pytest.raises(ExographError, match="'graphml' is one file"):
        export_files(kg, "graphml")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_exports_the_same_from_files_and_from_an_on_disk_store(fmt: str, kg, tmp_path_factory: pytest.TempPathFactory):
    """The packaged graph in memory, the same files given as --data, and an on-disk store made by
    exograph load give the same export (the RDF formats the same triples: blank nodes are named by
    each store); the endpoint's are tested in test_endpoint.py and test_kgx.py."""
    import exograph
    from exograph.store.oxigraph import load_files

    place = tmp_path_factory.getbasetemp() / "export-store"
    if not place.exists():
        load_files(place, [resources.packaged_triples(), resources.ontology_file()])
    files = exograph.load([resources.packaged_triples()])
    stored = exograph.load(store=place)
    ours = export(kg, fmt)
    for other in (files, stored):
        theirs = export(other, fmt)
        if fmt in ("nt", "nq", "ttl", "jsonld"):
            syntax = {"nt": "nt", "nq": "nt", "ttl": "turtle", "jsonld": "json-ld"}[fmt]  # no named graph here: N-Quads lines are N-Triples
            assert isomorphic(Graph().parse(data=ours.decode(), format=syntax), Graph().parse(data=theirs.decode(), format=syntax)), fmt
        else:
            assert theirs == ours, fmt


def test_n_triples_and_n_quads_written_by_oxigraph_are_the_lines_exograph_writes(kg, monkeypatch):
    """An Oxigraph store writes `nt` and `nq` itself, then the lines are sorted: the same bytes as
    exograph writing each triple of a CONSTRUCT (ten times slower, five times the memory), on the
    packaged graph, on hostile text (escapes, controls, bidi, blank nodes), and with named graphs.
    One thing differs, in Oxigraph's favour: a literal's base direction (``@ar--rtl``, RDF 1.2),
    which exograph's own terms do not carry."""
    import exograph
    from exograph.kg import KnowledgeGraph
    from exograph.store.oxigraph import OxigraphStore

    fixtures = Path(__file__).parent / "fixtures"
    database = {"https://example.org/db": fixtures / "support" / "database.ttl"}
    graphs = KnowledgeGraph(OxigraphStore.memory([fixtures / "support" / "curated.ttl"], graphs=database))
    cases = [(kg, "nt"), (kg, "nq"), (exograph.load([fixtures / "tricky.nt"]), "nt"), (graphs, "nq"), (graphs, "nt")]
    native = [export(g, fmt) for g, fmt in cases]
    monkeypatch.setattr(OxigraphStore, "sorted_lines", lambda self, **_: None)
    written = [export(g, fmt) for g, fmt in cases]
    assert all(n.endswith(b" .\n") for n in native) and b"<https://example.org/db> .\n" in native[3]
    assert [n.count(b"@ar--rtl") for n in native] == [0, 0, 1, 0, 0]
    for (_, fmt), n, w in zip(cases, native, written, strict=True):
        assert sorted(n.replace(b"@ar--rtl", b"@ar").splitlines()) == w.splitlines(), fmt
    assert native[0] == written[0] and native[3] == written[3]
