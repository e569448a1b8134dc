"""The Store seam: one contract, run against every implementation (Oxigraph in memory and on
disk, rdflib), and the on-disk store's life: load, extend, refuse a bad file, reopen, index."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import pytest

from exograph import resources
from exograph.errors import DataError, QueryError, QueryRefusedError, StoreError
from exograph.store import QueryResult, Store
from exograph.store.endpoint import EndpointStore
from exograph.store.oxigraph import MANIFEST, OxigraphStore, load_files
from exograph.store.rdflib import RdflibStore
from exograph.terms import IRI, XSD_INTEGER, BNode, Literal

from .conftest import FIXTURES, iri, synthetic
from .endpoints import oxigraph_server, virtuoso_server

EX = "http://example.org/"
DATA = """@prefix ex: <http://example.org/> .
ex:a ex:p ex:b ; ex:label "A"@en , "a plain" ; ex:n 7 .
ex:b ex:p ex:c .
ex:c ex:q [ ex:r "blank" ] .
"""
G1 = EX + "g1"


def oxigraph_memory(path: Path, tmp: Path, stack: ExitStack) -> Store:
    return OxigraphStore.memory([path])


def oxigraph_disk(path: Path, tmp: Path, stack: ExitStack) -> Store:
    load_files(tmp / "store", [path])
    return OxigraphStore.open(tmp / "store")


def rdflib_graph(path: Path, tmp: Path, stack: ExitStack) -> Store:
    return RdflibStore.parse([path])


def oxigraph_endpoint(path: Path, tmp: Path, stack: ExitStack) -> Store:
    """The Oxigraph server (a real one, on loopback) read through the SPARQL protocol."""
    store = EndpointStore(stack.enter_context(oxigraph_server([path], tmp / "server")))
    stack.callback(store.close)
    return store


FACTORIES: dict[str, Callable[[Path, Path, ExitStack], Store]] = {
    "oxigraph-memory": oxigraph_memory,
    "oxigraph-disk": oxigraph_disk,
    "rdflib": rdflib_graph,
    "oxigraph-endpoint": oxigraph_endpoint,
}


CONTRACT_GRAPH = EX + "contract"


@pytest.fixture(scope="module")
def virtuoso_contract(tmp_path_factory):
    """One Virtuoso for the contract suite of this module (it takes seconds to start; stopped with
    the module, so no later test finds it running), DATA in a named graph."""
    directory = tmp_path_factory.mktemp("virtuoso-contract")
    data = directory / "data.ttl"
    data.write_text(DATA, encoding="utf-8")
    with virtuoso_server([data], directory / "server", graph=CONTRACT_GRAPH) as url:
        yield url


@pytest.fixture(params=[*sorted(FACTORIES), "virtuoso-endpoint"])
def store(request, tmp_path: Path):
    if request.param == "virtuoso-endpoint":  # read-only, so one server serves every test
        endpoint = EndpointStore(request.getfixturevalue("virtuoso_contract"), graph=CONTRACT_GRAPH)
        yield endpoint
        endpoint.close()
        return
    data = tmp_path / "data.ttl"
    data.write_text(DATA, encoding="utf-8")
    with ExitStack() as stack:
        yield FACTORIES[request.param](data, tmp_path, stack)


def test_triple_patterns_speak_plain_terms(store: Store):
    assert isinstance(store, Store)
    assert len(store) == 7
    assert sorted(store.triples(IRI(EX + "a"), IRI(EX + "p"), None)) == [(IRI(EX + "a"), IRI(EX + "p"), IRI(EX + "b"))]
    labels = sorted(o for _, _, o in store.triples(IRI(EX + "a"), IRI(EX + "label")))
    assert labels == [Literal("A", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "en"), Literal("a plain")]
    ((_, _, n),) = store.triples(None, IRI(EX + "n"), None)
    assert n == Literal("7", XSD_INTEGER) and isinstance(n, Literal) and n.to_python() == 7
    ((_, _, blank),) = store.triples(IRI(EX + "c"), IRI(EX + "q"))
    assert isinstance(blank, BNode)
    assert list(store.triples(Literal("nothing"), None, None)) == []
    assert all(type(t) in (IRI, BNode, Literal) for triple in store.triples() for t in triple)


def test_select_ask_construct_describe_in_one_neutral_shape(store: Store):
    result = store.query("PREFIX ex: <http://example.org/> SELECT ?s ?o WHERE { ?s ex:p ?o } ORDER BY ?s")
    assert isinstance(result, QueryResult) and result.form == "SELECT" and result.variables == ("s", "o")
    assert result.rows == [(IRI(EX + "a"), IRI(EX + "b")), (IRI(EX + "b"), IRI(EX + "c"))]
    assert result.to_json() == {
        "head": {"vars": ["s", "o"]},
        "results": {
            "bindings": [
                {"s": {"type": "uri", "value": EX + "a"}, "o": {"type": "uri", "value": EX + "b"}},
                {"s": {"type": "uri", "value": EX + "b"}, "o": {"type": "uri", "value": EX + "c"}},
            ]
        },
    }
    assert QueryResult.from_json(result.to_json()).rows == result.rows
    optional = store.query("PREFIX ex: <http://example.org/> SELECT ?s ?n WHERE { ?s ex:p ?o OPTIONAL { ?s ex:n ?n } } ORDER BY ?s")
    assert optional.rows == [(IRI(EX + "a"), Literal("7", XSD_INTEGER)), (IRI(EX + "b"), None)]
    assert store.query("ASK { <http://example.org/a> <http://example.org/p> ?o }").boolean is True
    assert store.query("ASK { <http://example.org/a> <http://example.org/p> <http://example.org/zzz> }").boolean is False
    graph = store.query("CONSTRUCT { ?o <http://example.org/inverse> ?s } WHERE { ?s <http://example.org/p> ?o }")
    assert graph.form == "CONSTRUCT" and sorted(graph.triples) == [
        (IRI(EX + "b"), IRI(EX + "inverse"), IRI(EX + "a")),
        (IRI(EX + "c"), IRI(EX + "inverse"), IRI(EX + "b")),
    ]
    described = store.query("DESCRIBE <http://example.org/b>")
    assert described.form == "DESCRIBE" and (IRI(EX + "b"), IRI(EX + "p"), IRI(EX + "c")) in described.triples


def test_exograph_prefixes_are_declared_and_a_query_may_redeclare_them(store: Store):
    row = store.query("SELECT (exo:targets AS ?x) WHERE {}").rows
    assert row == [(IRI("https://w3id.org/exograph/ontology#targets"),)]
    assert store.query("PREFIX exo: <http://example.org/> SELECT (exo:p AS ?x) WHERE {}").rows == [(IRI(EX + "p"),)]


@pytest.mark.parametrize(
    "query, message",
    [
        ("SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }", "SERVICE is not allowed"),
        ("SELECT * WHERE { ?s ?p ?o OPTIONAL { service silent <{url}> { ?s ?p ?x } } }", "SERVICE is not allowed"),
        ("LOAD <{url}>", "updates are not allowed"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "updates are not allowed"),
        ("DROP ALL", "updates are not allowed"),
        ("SELECT * FROM <{url}> WHERE { ?s ?p ?o }", "is not a graph this store holds"),
        ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", "is not a graph this store holds"),
    ],
)
def test_nothing_is_fetched_or_changed(store: Store, query: str, message: str):
    """Refused before the engine sees it: a listener on loopback sees no connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.5)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
    connections: list[object] = []

    def accept() -> None:
        try:
            connections.append(listener.accept())
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    before = len(store)
    with pytest.raises(QueryRefusedError, match=message):
        store.query(query.replace("{url}", url))
    thread.join()
    listener.close()
    assert connections == [] and len(store) == before


def test_malformed_queries_are_one_line_errors(store: Store):
    with pytest.raises(QueryError, match="malformed SPARQL") as info:
        store.query("SELECT * WHERE { ?s ?p }")
    assert "\n" not in str(info.value)


def test_every_store_gives_the_packaged_graph_the_same_answers(tmp_path: Path, kg):
    from exograph.kg import KnowledgeGraph

    sources = [resources.packaged_triples(), resources.ontology_file()]
    load_files(tmp_path / "store", sources)
    from rdflib import Graph

    graph = Graph()
    for path in sources:
        graph.parse(path)
    others = [KnowledgeGraph(OxigraphStore.open(tmp_path / "store")), KnowledgeGraph(RdflibStore(graph))]
    expected_paths = [[h.edge for h in p.hops] for p in kg.paths("miR-21", "paclitaxel resistance")]
    expected_hood = kg.neighbors("APAF1", depth=2)
    query = "SELECT ?cargo ?gene WHERE { ?cargo exo:targets ?gene } ORDER BY ?cargo ?gene"
    for other in others:
        assert other.stats() == kg.stats()
        assert other.resolve("mir-21") == kg.resolve("mir-21")
        assert [[h.edge for h in p.hops] for p in other.paths("miR-21", "paclitaxel resistance")] == expected_paths
        assert other.neighbors("APAF1", depth=2) == expected_hood
        assert other.sparql(query).rows == kg.sparql(query).rows
        assert other.relations() == kg.relations()


# --------------------------------------------------------------------------- Oxigraph only


def test_default_graph_is_not_the_union_and_from_names_held_graphs(tmp_path: Path):
    data, named = tmp_path / "d.ttl", tmp_path / "g.ttl"
    data.write_text('<http://example.org/d> <http://example.org/p> "d" .\n', encoding="utf-8")
    named.write_text('<http://example.org/g> <http://example.org/p> "g1" .\n', encoding="utf-8")
    store = OxigraphStore.memory([data], graphs={G1: named})
    assert store.graphs() == [G1] and len(store) == 1
    assert store.query("SELECT ?o WHERE { ?s ?p ?o }").rows == [(Literal("d"),)]
    assert store.query("SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }").rows == [(IRI(G1), Literal("g1"))]
    assert store.query(f"SELECT ?o FROM <{G1}> WHERE {{ ?s ?p ?o }}").rows == [(Literal("g1"),)]
    assert store.query("SELECT ?o FROM <g1> WHERE { ?s ?p ?o }", base=EX).rows == [(Literal("g1"),)]
    # the protocol's dataset wins over the query's
    assert store.query(f"SELECT ?o FROM <{G1}> WHERE {{ ?s ?p ?o }}", default_graphs=[], named_graphs=[G1]).rows == []
    assert store.query("SELECT ?o WHERE { ?s ?p ?o }", default_graphs=[G1]).rows == [(Literal("g1"),)]
    with pytest.raises(
        QueryRefusedError, match=r"default-graph-uri <http://example.org/other> is not a graph this store holds \(it holds: <http://example.org/g1>\)"
    ):
        store.query("SELECT * WHERE { ?s ?p ?o }", default_graphs=[EX + "other"])


def test_exists_in_a_select_expression_and_negated_inverse_property_sets(kg):
    """Two queries rdflib fails (a traceback, and no answer); Oxigraph answers both."""
    exists = kg.sparql("SELECT ?gene (EXISTS { ?gene exo:mediates ?x } AS ?mediates) WHERE { ent:miRNA-21 exo:targets ?gene }")
    assert exists.rows == [(IRI(iri("APAF1")), Literal("true", "http://www.w3.org/2001/XMLSchema#boolean"))]
    negated = kg.sparql("SELECT DISTINCT ?x WHERE { ent:APAF1 !(rdfs:label|^exo:targets|a|skos:altLabel|oboInOwl:hasDbXref|rdf:object|rdf:subject) ?x }")
    assert negated.rows and all(isinstance(x, IRI) for (x,) in negated.rows)
    inverse = {str(x) for (x,) in kg.sparql("SELECT ?x WHERE { ent:APAF1 ^exo:targets ?x }").rows}
    assert iri("miRNA-21") in inverse
    both = kg.sparql("SELECT ?x WHERE { ent:APAF1 !(exo:mediates|^exo:mediates) ?x . FILTER(?x = ent:miRNA-21) }")
    assert both.rows == [(IRI(iri("miRNA-21")),)]  # reached only through ^exo:targets, which the set does not exclude


def test_a_malformed_file_names_file_and_line():
    with pytest.raises(DataError, match=r"malformed\.ttl:3: malformed Turtle: .*; fix the syntax there"):
        OxigraphStore.memory([FIXTURES / "malformed.ttl"])


def test_jsonld_with_a_remote_context_is_not_fetched(tmp_path: Path):
    document = tmp_path / "remote.jsonld"
    document.write_text(json.dumps({"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://example.org/a", "p": "x"}), encoding="utf-8")
    with pytest.raises(DataError, match=r"remote\.jsonld"):
        OxigraphStore.memory([document])


# --------------------------------------------------------------------------- on disk


def count(directory: Path) -> int:
    return len(OxigraphStore.open(directory))


def test_load_creates_extends_and_refuses_a_bad_file_leaving_the_store_as_it_was(tmp_path: Path):
    directory = tmp_path / "store"
    first = load_files(directory, [FIXTURES / "tiny.ttl"])
    assert first.created and first.added == count(directory) > 0
    assert json.loads((directory / MANIFEST).read_text())["format"] == "exograph-store"
    fingerprint = OxigraphStore.open(directory).fingerprint
    listing = sorted(os.listdir(directory / "oxigraph"))
    with pytest.raises(DataError, match=r"malformed\.ttl:3: malformed Turtle"):
        load_files(directory, [resources.packaged_triples(), FIXTURES / "malformed.ttl"])
    assert count(directory) == first.triples_after
    assert OxigraphStore.open(directory).fingerprint == fingerprint and sorted(os.listdir(directory / "oxigraph")) == listing
    assert not [p for p in tmp_path.iterdir() if p.name != "store"]  # no leftovers
    second = load_files(directory, [resources.packaged_triples()])
    assert not second.created and second.triples_before == first.triples_after and second.added > 8000
    store = OxigraphStore.open(directory)
    assert store.read_only and store.fingerprint != fingerprint


def test_the_index_lives_in_the_store_and_follows_its_content(tmp_path: Path):
    from exograph.index import INDEX_FILE, Index
    from exograph.kg import KnowledgeGraph

    directory = tmp_path / "store"
    load_files(directory, [FIXTURES / "tiny.ttl"])
    assert (directory / INDEX_FILE).is_file()
    kept = Index.open(directory / INDEX_FILE, OxigraphStore.open(directory).fingerprint)
    assert kept is not None and kept.stats["relations"] == 2
    kg = KnowledgeGraph(OxigraphStore.open(directory))
    assert kg.index.path == directory / INDEX_FILE and kg.resolve("evil-mir")
    # a change made behind exograph's back (pyoxigraph directly) makes the kept index stale
    import pyoxigraph as ox

    raw = ox.Store(str(directory / "oxigraph"))
    raw.add(ox.Quad(ox.NamedNode(iri("GENE3")), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("GENE3")))
    raw.add(
        ox.Quad(
            ox.NamedNode(iri("GENE3")),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://w3id.org/exograph/ontology#GeneOrProtein"),
        )
    )
    del raw
    assert Index.open(directory / INDEX_FILE, OxigraphStore.open(directory).fingerprint) is None
    assert KnowledgeGraph(OxigraphStore.open(directory)).entity("GENE3").label == "GENE3"  # rebuilt, and kept
    assert Index.open(directory / INDEX_FILE, OxigraphStore.open(directory).fingerprint) is not None


def test_a_bare_oxigraph_directory_opens_with_its_index_in_a_private_cache(tmp_path: Path, monkeypatch):
    import stat

    import pyoxigraph as ox

    from exograph.kg import KnowledgeGraph

    cache = tmp_path / "cache"
    monkeypatch.setenv("EXOGRAPH_CACHE_DIR", str(cache))
    raw = ox.Store(str(tmp_path / "bare"))
    raw.bulk_load(path=str(FIXTURES / "tiny.ttl"), format=ox.RdfFormat.TURTLE)
    del raw
    kg = KnowledgeGraph(OxigraphStore.open(tmp_path / "bare"))
    assert kg.entity("evil-mir").label.startswith("<img")
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    (kept,) = cache.glob("index-*.sqlite")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kg.index.path == kept
    # a kept index someone else could have written is never read: it is rebuilt
    os.chmod(kept, 0o666)
    again = KnowledgeGraph(OxigraphStore.open(tmp_path / "bare"))
    assert again.entity("GENE1").label == "GENE1" and stat.S_IMODE(kept.stat().st_mode) == 0o600
    os.chmod(cache, 0o755)  # an older cache directory with the default mode is made private
    assert KnowledgeGraph(OxigraphStore.open(tmp_path / "bare")).index.path == kept and stat.S_IMODE(cache.stat().st_mode) == 0o700
    os.chmod(cache, 0o777)  # a cache directory others can write is not used at all
    assert KnowledgeGraph(OxigraphStore.open(tmp_path / "bare")).index.path is None


def test_a_store_whose_index_cannot_be_rewritten_keeps_a_new_one_in_the_private_cache(tmp_path: Path, monkeypatch):
    """A store whose index is stale (made by another version of exograph) and cannot be rewritten
    by this user (a lab's shared store): the index is built once and kept in the cache, not built
    again by every command. (The index's place is made a directory: nothing can be written there
    nor read from it, even by root.)"""
    from exograph.index import INDEX_FILE, Index
    from exograph.kg import KnowledgeGraph

    monkeypatch.setenv("EXOGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    directory = tmp_path / "store"
    load_files(directory, [FIXTURES / "tiny.ttl"])
    (directory / INDEX_FILE).unlink()
    (directory / INDEX_FILE).mkdir()
    first = KnowledgeGraph(OxigraphStore.open(directory))
    assert first.entity("GENE1").label == "GENE1"
    (cached,) = (tmp_path / "cache").glob("index-*.sqlite")
    assert first.index.path == cached and Index.open(cached) is not None
    built: list[object] = []
    monkeypatch.setattr("exograph.index.build_database", lambda *a, **k: built.append(a))
    again = KnowledgeGraph(OxigraphStore.open(directory))
    assert again.entity("GENE1").label == "GENE1" and again.index.path == cached and built == []


def test_opening_what_is_not_a_store_is_a_clear_error(tmp_path: Path):
    with pytest.raises(StoreError, match="no exograph store there; create it with 'exograph load FILE... --store"):
        OxigraphStore.open(tmp_path / "nowhere")
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "notes.txt").write_text("x")
    with pytest.raises(StoreError, match="not an exograph store"):
        load_files(tmp_path / "plain", [FIXTURES / "tiny.ttl"])
    with pytest.raises(DataError, match="nowhere.ttl: no such file; give the RDF files to load"):
        load_files(tmp_path / "new", [tmp_path / "nowhere.ttl"])
    os.mkfifo(tmp_path / "pipe.nt")
    with pytest.raises(DataError, match=r"pipe.nt: not a regular file \(a directory, a pipe...\); give the RDF files to load"):
        load_files(tmp_path / "new", [tmp_path / "pipe.nt"])
    assert not (tmp_path / "new").exists()


def test_load_reports_progress_in_bytes(tmp_path: Path):
    """What the progress bar of ``exograph load`` counts on a terminal: every byte of every file."""
    seen: list[int] = []
    report = load_files(tmp_path / "s", [FIXTURES / "tiny.ttl", resources.packaged_triples()], progress=seen.append)
    assert sum(seen) == (FIXTURES / "tiny.ttl").stat().st_size + resources.packaged_triples().stat().st_size
    assert report.triples_after == count(tmp_path / "s") > 8000


def dump(db) -> dict[str, list[tuple]]:
    """Every table of an index database, sorted (the fingerprint aside)."""
    tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    out = {table: sorted(db.execute(f"SELECT * FROM {table}").fetchall()) for table in tables}
    out["meta"] = [row for row in out["meta"] if row[0] != "fingerprint"]
    return out


@pytest.mark.parametrize("size", ["packaged", "synthetic"])
def test_the_index_watched_during_a_load_equals_the_one_asked_of_the_store(tmp_path: Path, size: str):
    """exograph load gathers the index's facts from the files as Oxigraph loads them; the index
    must be exactly the one the store's own queries give."""

    from exograph.index import Facts, build_database, watch
    from exograph.store.oxigraph import rdf_format

    if size == "packaged":
        sources = [resources.packaged_triples(), resources.ontology_file(), FIXTURES / "tiny.ttl"]
    else:
        synthetic().generate(tmp_path / "g.nt", 20_000)
        sources = [tmp_path / "g.nt", resources.ontology_file()]
    store = OxigraphStore.memory(sources)
    facts = Facts()
    for number, path in enumerate(sources):
        watch(path, rdf_format(path), facts, prefix=f"f{number}-")
    assert facts.usable
    assert dump(build_database(store, facts=facts)) == dump(build_database(store))
    load_files(tmp_path / "s", sources)  # the real load takes the watched facts
    assert dump(sqlite3_open(tmp_path / "s" / "index.sqlite")) == dump(build_database(store))


def sqlite3_open(path: Path):
    import sqlite3

    return sqlite3.connect(path)


def test_a_new_store_is_indexed_from_the_watched_files_not_by_asking_it(tmp_path: Path, monkeypatch):
    """Reading a large store back out of RocksDB is what made loading slow: a fresh load must not."""
    import exograph.index

    def refuse(*args, **kwargs):
        raise AssertionError("the store was asked for its index facts")

    monkeypatch.setattr(exograph.index, "build_index", refuse)
    load_files(tmp_path / "s", [resources.packaged_triples(), resources.ontology_file()])
    from exograph.kg import KnowledgeGraph

    kg = KnowledgeGraph(OxigraphStore.open(tmp_path / "s"))
    from exograph.io.curation import read_curation

    assert kg.index.path == tmp_path / "s" / "index.sqlite" and kg.stats()["relations"] == len(read_curation(resources.curation_dir()).relations)


def test_a_blank_node_statement_is_indexed_by_asking_the_store(tmp_path: Path):
    """A blank node's label does not survive loading, so a file with one as a statement is
    indexed from the store's own answers: the relation is still found, by the store's label."""
    data = tmp_path / "b.ttl"
    data.write_text(
        (FIXTURES / "tiny.ttl").read_text(encoding="utf-8")
        + "\n[] a exo:Statement ; rdf:subject ent:GENE2 ; rdf:predicate exo:upregulates ; rdf:object ent:GENE1 ; exo:negated false .\n"
        + "ent:GENE2 exo:upregulates ent:GENE1 .\n",
        encoding="utf-8",
    )
    load_files(tmp_path / "s", [data])
    from exograph.kg import KnowledgeGraph

    kg = KnowledgeGraph(OxigraphStore.open(tmp_path / "s"))
    assert kg.stats() == KnowledgeGraph(OxigraphStore.memory([data])).stats()
    assert [h.edge.predicate for p in kg.paths("GENE2", "GENE1") for h in p.hops] == ["https://w3id.org/exograph/ontology#upregulates"]
    assert len(kg.relations()) == kg.stats()["relations"] == 3


@pytest.mark.skipif(not os.path.isdir("/proc/self/fdinfo"), reason="needs Linux's /proc/self/fdinfo")
def test_a_load_reports_how_far_the_file_was_read_by_whoever_opened_it_after_the_start(tmp_path: Path):
    """The progress of a load: the position of the descriptors opened on the file after the
    watch began (Oxigraph's), never of one open before (the index's reader), then the rest."""
    import time

    from exograph.store.oxigraph import _ReadPosition

    path = tmp_path / "g.nt"
    path.write_bytes(b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n" * 20_000)
    size = path.stat().st_size
    reported: list[int] = []
    with open(path, "rb", buffering=0):  # still at the start: counted, it would hold the bar at 0
        with _ReadPosition(path, reported.append) as watch, open(path, "rb", buffering=0) as reader:
            for _ in range(4):
                reader.read(size // 5)
                deadline = time.monotonic() + 5
                while watch.told < reader.tell() and time.monotonic() < deadline:
                    time.sleep(0.02)
            assert 0 < sum(reported) == reader.tell() < size
    assert sum(reported) == size and len(reported) >= 5 and all(n > 0 for n in reported)
    failed: list[int] = []
    with pytest.raises(RuntimeError), _ReadPosition(path, failed.append):
        raise RuntimeError("the load failed")
    assert failed == []  # nothing claimed for a load that did not finish
