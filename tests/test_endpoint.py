"""A remote SPARQL endpoint as the store: every command over a real Oxigraph server gives the
local answer, in a bounded number of requests; every failure is one line and leaves nothing half-done."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from exograph import resources
from exograph.errors import QueryError, StoreError
from exograph.index import QUERIES
from exograph.kg import KnowledgeGraph
from exograph.store.endpoint import EndpointStore, projected

from .endpoints import oxigraph_server, virtuoso_server

PACKAGED = [resources.packaged_triples(), resources.ontology_file()]
GRAPH = "https://example.org/graph/exograph"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    with oxigraph_server(PACKAGED, tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="module")
def in_graph(tmp_path_factory) -> Iterator[str]:
    """The packaged graph in a named graph of its server (the default graph left empty)."""
    with oxigraph_server(PACKAGED, tmp_path_factory.mktemp("oxigraph-graph"), graph=GRAPH) as url:
        yield url


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory) -> Iterator[str]:
    """Virtuoso with the packaged graph in a named graph (Virtuoso keeps its own graphs beside it)."""
    with virtuoso_server(PACKAGED, tmp_path_factory.mktemp("virtuoso"), graph=GRAPH) as url:
        yield url


def exograph(*args: str, env: dict[str, str] | None = None, cache: Path) -> subprocess.CompletedProcess[str]:
    import os

    environment = {**os.environ, "EXOGRAPH_CACHE_DIR": str(cache), **(env or {})}
    return subprocess.run([sys.executable, "-m", "exograph", *args], capture_output=True, text=True, timeout=300, env=environment)


def test_every_command_answers_over_the_endpoint_as_it_does_locally(server: str, kg):
    remote = KnowledgeGraph(EndpointStore(server))
    assert remote.stats() == kg.stats()
    assert remote.resolve("mir-21") == kg.resolve("mir-21")
    assert [[h.edge for h in p.hops] for p in remote.paths("miR-21", "paclitaxel resistance")] == [
        [h.edge for h in p.hops] for p in kg.paths("miR-21", "paclitaxel resistance")
    ]
    assert remote.neighbors("APAF1", depth=2) == kg.neighbors("APAF1", depth=2)
    assert remote.neighbors("NK cell") == kg.neighbors("NK cell")
    assert remote.relations() == kg.relations()
    assert remote.evidence("miR-21", "APAF1") == kg.evidence("miR-21", "APAF1")
    query = "SELECT ?cargo ?gene WHERE { ?cargo exo:targets ?gene } ORDER BY ?cargo ?gene"
    assert remote.sparql(query).rows == kg.sparql(query).rows
    described = "CONSTRUCT { ent:APAF1 ?p ?o } WHERE { ent:APAF1 ?p ?o }"
    assert sorted(remote.sparql(described).triples) == sorted(kg.sparql(described).triples)
    assert remote.sparql("ASK { ent:miRNA-21 exo:targets ent:APAF1 }").boolean is True


@pytest.mark.slow
def test_virtuoso_gives_the_local_answers(virtuoso: str, kg, tmp_path: Path):
    """Virtuoso, loaded with ld_dir / rdf_loader_run: the same answers, the native validation too
    (its plain strings need sh:in spelt out), and its own system graphs are not taken for data."""
    store = EndpointStore(virtuoso, graph=GRAPH)
    remote = KnowledgeGraph(store)
    assert store.graphs() == [] and remote.stats() == kg.stats()
    assert [[h.edge for h in p.hops] for p in remote.paths("miR-122", "taxol resistance")] == [
        [h.edge for h in p.hops] for p in kg.paths("miR-122", "taxol resistance")
    ]
    assert remote.neighbors("breast cancer") == kg.neighbors("breast cancer")
    assert remote.relations() == kg.relations()
    query = """SELECT ?cargo ?fluid WHERE { ?s rdf:predicate exo:biomarkerFor ; rdf:object ent:HCC ;
               rdf:subject/rdfs:label ?cargo ; exo:biofluid/rdfs:label ?fluid } ORDER BY ?cargo"""
    assert remote.sparql(query).rows == kg.sparql(query).rows
    paged = KnowledgeGraph(EndpointStore(virtuoso, graph=GRAPH, page=2_000))
    assert paged.stats() == kg.stats()
    checked = exograph("--endpoint", virtuoso, "--endpoint-graph", GRAPH, "validate", "--format", "json", cache=tmp_path / "cache")
    assert checked.returncode == 0 and json.loads(checked.stdout)["valid"] is True


def test_the_data_may_sit_in_a_named_graph(in_graph: str, kg):
    assert len(EndpointStore(in_graph)) == 0  # the server's default graph is empty
    remote = KnowledgeGraph(EndpointStore(in_graph, graph=GRAPH))
    assert remote.stats() == kg.stats() and remote.store.graphs() == []
    assert [m.id for m in remote.resolve("APAF1")] == [m.id for m in kg.resolve("APAF1")]


def test_requests_per_command_are_few_and_counted(server: str):
    store = EndpointStore(server)
    remote = KnowledgeGraph(store)
    remote.index  # noqa: B018 - building the index is the expensive part
    built = store.requests
    assert built <= 2 * len(QUERIES) + 4  # each index query: its count and its rows (one page here)
    for ask in (lambda: remote.paths("miR-21", "paclitaxel resistance"), lambda: remote.neighbors("APAF1", depth=2), lambda: remote.relations()):
        before = store.requests
        ask()
        assert store.requests - before <= 12  # the relations on the answer, read with a few queries (each counted, then read)


def test_large_answers_are_read_in_pages(server: str, kg):
    """With pages of 50 rows the index needs many requests, and comes out the same."""
    store = EndpointStore(server, page=50)
    remote = KnowledgeGraph(store)
    assert remote.stats() == kg.stats() and store.requests > 100


def test_the_cli_reads_the_endpoint_and_keeps_its_index_in_the_private_cache(server: str, tmp_path: Path):
    local = exograph("stats", "--format", "json", cache=tmp_path / "cache")
    first = exograph("--endpoint", server, "stats", "--format", "json", cache=tmp_path / "cache")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == json.loads(local.stdout)
    kept = list((tmp_path / "cache").glob("index-*.sqlite"))
    assert len(kept) == 1 and kept[0].stat().st_mode & 0o077 == 0
    again = exograph("path", "miR-21", "APAF1", "--format", "json", env={"EXOGRAPH_ENDPOINT": server}, cache=tmp_path / "cache")
    assert again.returncode == 0 and json.loads(again.stdout)["paths"][0]["nodes"][-1]["label"] == "APAF1"
    checked = exograph("--endpoint", server, "validate", cache=tmp_path / "cache")
    assert checked.returncode == 0 and checked.stdout.startswith("valid: no problems in EndpointStore(")


def test_projected_variables_of_every_index_query():
    assert projected(QUERIES["sections"]) == ["section", "evidences", "relations"]
    assert projected(QUERIES["evidence_counts"]) == ["st", "n"]
    assert all(projected(q) for q in QUERIES.values())


# --------------------------------------------------------------------------- failures


@contextmanager
def fake_endpoint(answer: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[str]:
    """A loopback HTTP server answering every request with ``answer`` (the request's body read into ``handler.body``)."""

    class Handler(BaseHTTPRequestHandler):
        body = b""

        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            self.body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            answer(self)

        do_GET = do_POST  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
    finally:
        httpd.shutdown()
        httpd.server_close()


def reply(status: int, body: bytes, kind: str, delay: float = 0.0, headers: dict[str, str] | None = None) -> Callable[[BaseHTTPRequestHandler], None]:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(delay)
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


@pytest.mark.parametrize(
    "answer, error, message",
    [
        (reply(200, b"<html><body>Welcome to our triple store</body></html>", "text/html"), StoreError, "answered an HTML page, not SPARQL results"),
        (reply(200, b'{"head": {"vars": ["n"]}, "results": ', "application/sparql-results+json"), StoreError, "answered malformed JSON"),
        (reply(200, b'{"hello": "world"}', "application/sparql-results+json"), StoreError, "JSON that is not SPARQL results"),
        (reply(401, b"Unauthorized", "text/plain", headers={"WWW-Authenticate": 'Basic realm="sparql"'}), StoreError, "set \\$EXOGRAPH_ENDPOINT_USER"),
        (reply(500, b"Internal error: out of memory\nat line 2", "text/plain"), StoreError, "failed \\(HTTP 500\\): Internal error: out of memory"),
        (reply(302, b"", "text/plain", headers={"Location": "https://elsewhere.example/sparql"}), StoreError, "redirects \\(HTTP 302\\) to https://elsewhere"),
        (reply(200, b"n\n", "text/csv", delay=2.0), StoreError, "did not answer within 0.5 s"),
    ],
)
def test_a_broken_endpoint_is_one_clear_line(answer, error, message):
    with fake_endpoint(answer) as url:
        store = EndpointStore(url, timeout=0.5)
        with pytest.raises(error, match=message) as info:
            store.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1") if "csv" not in str(answer) else len(store)
        assert "\n" not in str(info.value) and url in str(info.value)


def test_an_unreachable_endpoint_and_a_server_that_caps_its_answers(tmp_path: Path):
    from .endpoints import free_port

    with pytest.raises(StoreError, match="cannot reach the SPARQL endpoint .*check the URL and that the server is running"):
        len(EndpointStore(f"http://127.0.0.1:{free_port()}/sparql"))

    def capped(rows_held: int) -> Callable[[BaseHTTPRequestHandler], None]:
        """Counts 30 rows, holds ``rows_held`` of them, sends at most 10 a request, in order (a result cap)."""

        def answer(handler: BaseHTTPRequestHandler) -> None:
            body = handler.body.decode()  # type: ignore[attr-defined]
            if "COUNT" in body:
                reply(200, b"n\n30\n", "text/csv")(handler)
                return
            offset = int(body.rsplit("OFFSET+", 1)[1].split("&")[0]) if "OFFSET" in body else 0
            rows = b"".join(b"urn:x%02d\n" % i for i in range(offset, min(offset + 10, rows_held)))
            reply(200, b"s\n" + rows, "text/csv")(handler)

        return answer

    with fake_endpoint(capped(30)) as url:
        store = EndpointStore(url, page=100)
        rows = store._select_values("SELECT ?s WHERE { ?s ?p ?o }")
        assert rows == [(f"urn:x{i:02d}",) for i in range(30)] and store.requests == 5  # count, the cut answer, three pages of its cap
    with fake_endpoint(capped(25)) as url, pytest.raises(StoreError, match="returned 25 of 30 rows"):
        EndpointStore(url, page=100)._select_values("SELECT ?s WHERE { ?s ?p ?o }")


def test_bad_settings_and_a_bad_url_are_refused_in_one_line(tmp_path: Path, monkeypatch):
    with pytest.raises(StoreError, match="is not an http\\(s\\) URL"):
        EndpointStore("ftp://example.org/sparql")
    monkeypatch.setenv("EXOGRAPH_ENDPOINT_TIMEOUT", "soon")
    with pytest.raises(StoreError, match="EXOGRAPH_ENDPOINT_TIMEOUT is 'soon', not a number"):
        EndpointStore.from_environment("http://127.0.0.1:1/sparql")
    monkeypatch.delenv("EXOGRAPH_ENDPOINT_TIMEOUT")
    proc = exograph("--endpoint", "http://127.0.0.1:1/sparql", "stats", cache=tmp_path / "cache")
    assert proc.returncode == 1 and proc.stderr.startswith("Error: cannot reach the SPARQL endpoint") and proc.stderr.count("\n") == 1
    both = exograph("--endpoint", "http://127.0.0.1:1/sparql", "--store", str(tmp_path), "stats", cache=tmp_path / "cache")
    assert both.returncode == 2 and "give --endpoint, --data or --store, not several" in both.stderr
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("index-*"))


def test_queries_are_checked_before_they_are_sent(server: str):
    store = EndpointStore(server)
    before = store.requests
    with pytest.raises(QueryError, match="updates are not allowed"):
        store.query("DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        store.query("SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }")
    assert store.requests - before <= 1  # at most the list of graphs, never the refused query


# --------------------------------------------------------------------------- serve on an endpoint


def test_serve_on_an_endpoint_answers_as_on_the_local_graph(server: str, tmp_path: Path):
    """exograph serve proxies the endpoint: its SPARQL and its API answer as on the packaged graph,
    with the same refusals (SERVICE never reaches the endpoint)."""
    import urllib.parse
    import urllib.request

    from .serving import serving

    def get(base: str, path: str, accept: str = "application/json") -> tuple[int, bytes]:
        request = urllib.request.Request(base + path, headers={"Accept": accept})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    count = "sparql?" + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    service = "sparql?" + urllib.parse.urlencode({"query": f"SELECT * WHERE {{ SERVICE <{server}> {{ ?s ?p ?o }} }}"})
    answers = []
    for options in ((), ("--endpoint", server)):
        with serving(cache_dir=tmp_path / "cache", options=options) as served:
            answers.append(
                (
                    get(served.url, count, "text/csv"),
                    json.loads(get(served.url, "api/path?source=miR-21&target=paclitaxel%20resistance")[1])["paths"],
                    json.loads(get(served.url, "api/neighbors?name=NK%20cell")[1])["through_context"],
                )
            )
            status, body = get(served.url, service, "text/csv")
            assert status == 403 and b"SERVICE is not allowed" in body
    assert answers[0] == answers[1]
    triples = str(len(KnowledgeGraph(EndpointStore(server)).store)).encode()
    assert answers[0][0][0] == 200 and answers[0][0][1].split() == [b"n", triples] and len(answers[0][2]) == 3


def test_the_workers_of_a_server_on_an_endpoint_may_reach_it_and_nothing_else():
    import socket

    from exograph.server.engine import Backend
    from exograph.server.workers import WorkerPool

    from .endpoints import free_port

    listener, other = socket.socket(), free_port()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    try:
        with WorkerPool(connect, 1, on_start=lambda: Backend.forbid_network(("127.0.0.1", port))) as pool:
            assert pool.run(("127.0.0.1", port), 5) == "connected"
            assert pool.run(("127.0.0.1", other), 5).startswith("PermissionError: exograph's query workers never use the network")
            assert pool.run(("localhost", port), 5).startswith("PermissionError")  # another name for it is another place
    finally:
        listener.close()


def connect(address: tuple[str, int]) -> str:
    import socket

    try:
        with socket.create_connection(address, timeout=2):
            return "connected"
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def test_export_over_the_endpoint_equals_the_local_export(server: str, kg):
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from exograph.export import export

    remote = KnowledgeGraph(EndpointStore(server))
    ours, theirs = (Graph().parse(data=export(k, "nt").decode(), format="nt") for k in (kg, remote))
    assert isomorphic(ours, theirs)  # the same triples (the ontology's blank nodes named by each store)
    assert json.loads(export(remote, "cyjs")) == json.loads(export(kg, "cyjs"))


def test_credentials_come_from_the_environment_as_http_basic(monkeypatch):
    """$EXOGRAPH_ENDPOINT_USER / _PASSWORD are sent as HTTP Basic on every request; without them the server's 401 is one line."""
    import base64

    wanted = "Basic " + base64.b64encode(b"lab:s3cret").decode()

    def guarded(handler: BaseHTTPRequestHandler) -> None:
        if handler.headers.get("Authorization") != wanted:
            reply(401, b"Unauthorized", "text/plain", headers={"WWW-Authenticate": 'Basic realm="sparql"'})(handler)
        else:
            reply(200, b"n\n7\n", "text/csv")(handler)

    with fake_endpoint(guarded) as url:
        with pytest.raises(StoreError, match="refused access \\(HTTP 401\\)"):
            len(EndpointStore.from_environment(url))
        monkeypatch.setenv("EXOGRAPH_ENDPOINT_USER", "lab")
        monkeypatch.setenv("EXOGRAPH_ENDPOINT_PASSWORD", "s3cret")
        store = EndpointStore.from_environment(url)
        assert len(store) == 7
        fresh = store.reopened()  # a worker's own client after the fork keeps the credentials
        fresh._size = None  # ask again, through the new client
        assert len(fresh) == 7
