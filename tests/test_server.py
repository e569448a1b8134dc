"""``exograph serve`` over HTTP: the SPARQL 1.1 Protocol, refusals and limits, real clients, the API.

The servers run as child processes (``exograph serve --port 0``), as a user would start them.
"""

from __future__ import annotations

import io
import json
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote, urlencode

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from exograph import resources
from exograph.cli import cli

from .conftest import FIXTURES, iri
from .serving import Served, fetch, serving, stop, wait_until_gone

TINY = "http://example.org/tiny"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
SELECT = "SELECT ?label WHERE { ent:miRNA-21 exo:targets ?gene . ?gene rdfs:label ?label } ORDER BY ?label"
CONSTRUCT = "CONSTRUCT { ent:miRNA-21 exo:targets ?gene . ?gene rdfs:label ?label } WHERE { ent:miRNA-21 exo:targets ?gene . ?gene rdfs:label ?label }"
#: a cross product far too large to finish: a runaway query
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Served:
    """The packaged graph, with tiny.ttl held as a named graph."""
    with serving(["--graph", f"{TINY}={FIXTURES / 'tiny.ttl'}"], cache_dir=tmp_path_factory.mktemp("cache")) as served:
        yield served


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Served:
    """tiny.ttl as the default graph, with small limits."""
    args = ["--timeout", "1.5", "--max-results", "20", "--max-bytes", "4000", "--workers", "2"]
    with serving(args, data=[FIXTURES / "tiny.ttl"], cache_dir=tmp_path_factory.mktemp("cache")) as served:
        yield served


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Served:
    """tiny.ttl as the default graph, with the default limits (a drawing's answer, options included, is larger than limited's bytes)."""
    with serving(["--workers", "1"], data=[FIXTURES / "tiny.ttl"], cache_dir=tmp_path_factory.mktemp("cache")) as served:
        yield served


def sparql(served: Served, query: str, *, accept: str | None = None, how: str = "get", **protocol: str) -> tuple[int, str, bytes]:
    headers = {"Accept": accept} if accept else {}
    if how == "get":
        reply = fetch(served.endpoint + "?" + urlencode({"query": query, **protocol}), headers=headers)
    elif how == "form":
        reply = fetch(served.endpoint, data=urlencode({"query": query, **protocol}).encode(), headers={**headers, **FORM})
    else:
        reply = fetch(served.endpoint + "?" + urlencode(protocol), data=query.encode(), headers={**headers, **DIRECT})
    return reply.status, reply.content_type, reply.body


def rows_of(body: bytes, content_type: str) -> list[tuple[str, ...]]:
    result = Result.parse(io.BytesIO(body), content_type=content_type)
    return [tuple(str(v) if v is not None else "" for v in row) for row in result]


def rdflib_graph(result) -> Graph:
    """A CONSTRUCT result as an rdflib graph, to compare with what a client parsed."""
    from exograph.store.rdflib import to_rdflib

    g = Graph()
    for triple in result.triples:
        g.add(tuple(to_rdflib(t) for t in triple))
    return g


def expected_rows(kg, query: str) -> list[tuple[str, ...]]:
    return [tuple(str(v) if v is not None else "" for v in row) for row in kg.sparql(query)]


# --------------------------------------------------------------------------- the protocol


@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_query_by_get_form_and_direct_post(server, kg, how):
    status, content_type, body = sparql(server, SELECT, how=how)
    assert (status, content_type) == (200, "application/sparql-results+json")
    assert rows_of(body, content_type) == expected_rows(kg, SELECT)
    assert ("APAF1",) in rows_of(body, content_type)


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"])
def test_select_in_every_results_format_parses_back(server, kg, accept):
    query = "SELECT ?s ?label ?n WHERE { ?s exo:referenceNumber ?n ; rdfs:label ?label } ORDER BY ?n LIMIT 12"
    status, content_type, body = sparql(server, query, accept=accept)
    assert (status, content_type) == (200, accept)
    got = rows_of(body, content_type)
    assert len(got) == 12
    assert got == expected_rows(kg, query)


def test_tsv_writes_terms_in_turtle_syntax(server):
    status, _, body = sparql(server, 'SELECT ?s ?l ?n WHERE { VALUES (?s ?l ?n) { (<http://x.org/a> "tab\\there"@en 7) } }', accept="text/tab-separated-values")
    assert status == 200
    assert body.decode() == '?s\t?l\t?n\n<http://x.org/a>\t"tab\\there"@en\t"7"^^<http://www.w3.org/2001/XMLSchema#integer>\n'


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask_as_json_and_xml(server, accept):
    for query, answer in (("ASK { ent:miRNA-21 exo:targets ent:APAF1 }", True), ("ASK { ent:APAF1 exo:targets ent:miRNA-21 }", False)):
        status, content_type, body = sparql(server, query, accept=accept)
        assert status == 200 and content_type == accept
        assert Result.parse(io.BytesIO(body), content_type=content_type).askAnswer is answer


@pytest.mark.parametrize(
    "accept, fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")]
)
def test_construct_and_describe_in_every_graph_format_parse_back(server, kg, accept, fmt):
    status, content_type, body = sparql(server, CONSTRUCT, accept=accept)
    assert (status, content_type) == (200, accept)
    got = Graph().parse(data=body, format=fmt)
    assert len(got) > 1 and isomorphic(got, rdflib_graph(kg.sparql(CONSTRUCT)))
    status, content_type, body = sparql(server, "DESCRIBE ent:APAF1", accept=accept, how="form")
    assert (status, content_type) == (200, accept)
    assert (URIRef(iri("APAF1")), None, None) in Graph().parse(data=body, format=fmt)


def test_content_negotiation_defaults_and_preferences(server):
    assert sparql(server, SELECT)[1] == "application/sparql-results+json"
    assert sparql(server, SELECT, accept="*/*")[1] == "application/sparql-results+json"
    assert sparql(server, SELECT, accept="text/csv;q=0.5, application/sparql-results+xml")[1] == "application/sparql-results+xml"
    assert sparql(server, CONSTRUCT)[1] == "text/turtle"
    assert sparql(server, CONSTRUCT, accept="application/sparql-results+json, application/n-triples;q=0.5")[1] == "application/n-triples"
    status, content_type, body = sparql(server, "ASK {}", accept="text/csv")
    assert status == 406 and body.decode().startswith("cannot answer ASK as text/csv; accept one of:")


def test_service_description(server, kg):
    sd = "http://www.w3.org/ns/sparql-service-description#"
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld"), (None, "turtle")):
        reply = fetch(server.endpoint, headers={"Accept": accept} if accept else {})
        assert reply.status == 200 and reply.content_type == (accept or "text/turtle")
        g = Graph().parse(data=reply.body, format=fmt)
        service = URIRef(server.endpoint)
        assert (service, URIRef(sd + "endpoint"), service) in g
        assert (service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in g
        assert URIRef(TINY) in set(g.objects(None, URIRef(sd + "name")))
        triples = {int(o) for o in g.objects(None, URIRef("http://rdfs.org/ns/void#triples"))}
        assert len(kg.store) in triples
    assert "@prefix sd:" in fetch(server.endpoint).text


def test_the_packaged_graph_stays_the_default_graph(server):
    evil = "ASK { <https://w3id.org/exograph/entity/evil> ?p ?o }"
    assert json.loads(sparql(server, evil)[2])["boolean"] is False  # not in the default graph
    assert json.loads(sparql(server, "ASK { ent:miRNA-21 ?p ?o }")[2])["boolean"] is True
    in_graph = f"ASK {{ GRAPH <{TINY}> {{ <https://w3id.org/exograph/entity/evil> ?p ?o }} }}"
    assert json.loads(sparql(server, in_graph)[2])["boolean"] is True
    assert json.loads(sparql(server, evil.replace("ASK", f"ASK FROM <{TINY}>"))[2])["boolean"] is True
    assert json.loads(sparql(server, evil, how="direct", **{"default-graph-uri": TINY})[2])["boolean"] is True
    # a dataset named by the protocol holds only what it names: here, no default graph
    assert json.loads(sparql(server, "ASK { ent:miRNA-21 ?p ?o }", **{"named-graph-uri": TINY})[2])["boolean"] is False


# --------------------------------------------------------------------------- refusals


def test_updates_are_refused_by_every_route(server):
    update = "INSERT DATA { <http://x.org/s> <http://x.org/p> 1 }"
    replies = [
        fetch(server.endpoint, data=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        fetch(server.endpoint, data=urlencode({"update": update}).encode(), headers=FORM),
        fetch(server.endpoint + "?" + urlencode({"update": update})),
    ]
    for reply in replies:
        assert reply.status == 403
        assert reply.text == "this SPARQL endpoint is read-only: updates are refused (exograph never changes the graph it serves)\n"
    status, _, body = sparql(server, update)  # an update sent as a query
    assert (status, body.decode()) == (403, "SPARQL updates are not allowed: exograph queries are read-only\n")
    assert json.loads(sparql(server, "ASK { <http://x.org/s> ?p ?o }")[2])["boolean"] is False


class Listener:
    """A socket that counts the connections made to it: proof that nothing is fetched."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/data.ttl"
        self.connections = 0

    def drain(self) -> int:
        try:
            while True:
                conn, _ = self.sock.accept()
                conn.close()
                self.connections += 1
        except OSError:
            return self.connections


@pytest.mark.parametrize(
    "query, protocol, message",
    [
        ("SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }", {}, "SERVICE is not allowed: exograph never fetches a URL a query names"),
        ("LOAD <{url}>", {}, "SPARQL updates are not allowed"),
        ("SELECT * FROM <{url}> WHERE { ?s ?p ?o }", {}, "FROM <{url}> is not a graph this store holds (it holds: <http://example.org/tiny>)"),
        ("SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }", {}, "FROM NAMED <{url}> is not a graph this store holds"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", {}, "FROM <file:///etc/passwd> is not a graph this store holds"),
        ("ASK { ?s ?p ?o }", {"default-graph-uri": "{url}"}, "default-graph-uri <{url}> is not a graph this store holds"),
        ("ASK { ?s ?p ?o }", {"named-graph-uri": "{url}"}, "named-graph-uri <{url}> is not a graph this store holds"),
    ],
)
def test_nothing_is_ever_fetched(server, query, protocol, message):
    listener = Listener()
    params = {k: v.replace("{url}", listener.url) for k, v in protocol.items()}
    status, content_type, body = sparql(server, query.replace("{url}", listener.url), how="direct", **params)
    assert (status, content_type) == (403, "text/plain")
    assert body.decode().startswith(message.replace("{url}", listener.url))
    assert listener.drain() == 0
    listener.sock.close()


def test_malformed_query_is_400_with_the_parsers_message(server):
    for _ in range(3):  # and again: what a worker keeps of a query it has parsed is never an error
        status, content_type, body = sparql(server, "SELECT ?x WHERE { ?x ?y }")
        assert (status, content_type) == (400, "text/plain")
        assert re.fullmatch(r"malformed SPARQL: line 1, column \d+: .*; check the query near that position\n", body.decode())


def test_keep_alive_answers_do_not_wait_for_delayed_acks(server):
    import http.client
    from urllib.parse import urlsplit

    url = urlsplit(server.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    start = time.monotonic()
    for _ in range(20):
        connection.request("GET", "/sparql?query=ASK%7B%7D")
        response = connection.getresponse()
        assert response.status == 200 and response.getheader("Connection") != "close"
        response.read()
    connection.close()
    assert time.monotonic() - start < 0.8  # 20 x 40 ms if headers and body waited on Nagle's algorithm


@pytest.mark.parametrize(
    "method, path, data, headers, status, message",
    [
        ("PUT", "sparql?query=ASK%7B%7D", b"", {}, 405, "PUT is not a SPARQL Protocol method"),
        ("DELETE", "sparql", None, {}, 405, "DELETE is not a SPARQL Protocol method"),
        ("OPTIONS", "sparql", None, {}, 405, "OPTIONS is not a SPARQL Protocol method"),
        ("FOO", "sparql", None, {}, 501, "Unsupported method ('FOO')"),
        ("GET", "sparql?query=" + "x" * 70_000, None, {}, 414, "Request-URI Too Long"),
        ("POST", "sparql", b"ASK {}", {"Content-Type": "text/plain"}, 415, "cannot read a POST of text/plain"),
        ("POST", "sparql", "ASK {}".encode("utf-16"), {"Content-Type": "application/sparql-query; charset=UTF-16"}, 415, "send it as UTF-8"),
        ("GET", "sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400, "give exactly one query (the request has 2)"),
        ("POST", "api/resolve?q=x", b"", {}, 405, "POST is not allowed here"),
        ("GET", "nowhere", None, {}, 404, "nothing at /nowhere"),
        ("GET", "static/../pyproject.toml", None, {}, 404, "nothing at"),
    ],
)
def test_requests_outside_the_protocol(server, method, path, data, headers, status, message):
    reply = fetch(server.url + path, method=method, data=data, headers=headers)
    assert reply.status == status
    assert message in reply.text
    if status == 405:
        assert reply.headers["allow"] in ("GET, POST", "GET")


def test_head_gives_the_headers_of_get(server):
    head, get = fetch(server.url, method="HEAD"), fetch(server.url)
    assert head.status == 200 and head.body == b""
    assert head.headers["content-length"] == get.headers["content-length"] == str(len(get.body))
    assert head.headers["content-security-policy"] == get.headers["content-security-policy"]


def test_requests_for_another_host_are_refused(server):
    reply = fetch(server.endpoint + "?query=ASK%7B%7D", headers={"Host": "attacker.example"})
    assert reply.status == 403 and "answers requests for" in reply.text
    assert fetch(server.endpoint.replace("127.0.0.1", "localhost") + "?query=ASK%7B%7D").status == 200


def test_a_runaway_query_is_stopped_and_other_clients_are_served_meanwhile(limited):
    workers_before = limited.processes()
    outcome: dict[str, object] = {}

    def runaway() -> None:
        start = time.monotonic()
        outcome["reply"] = sparql(limited, RUNAWAY)
        outcome["seconds"] = time.monotonic() - start

    slow = threading.Thread(target=runaway)
    slow.start()
    time.sleep(0.3)
    start = time.monotonic()
    status, _, body = sparql(limited, "SELECT ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label LIMIT 3")
    fast_seconds = time.monotonic() - start
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 3
    assert slow.is_alive() and fast_seconds < 1.4  # answered while the runaway query still ran (it is stopped at 1.5 s)
    slow.join()
    status, content_type, body = outcome["reply"]  # type: ignore[misc]
    assert (status, content_type) == (503, "text/plain")
    assert body.decode() == "the query ran longer than 1.5 s (the --timeout limit) and was stopped; narrow it or add a LIMIT\n"
    assert 1.4 < outcome["seconds"] < 4  # type: ignore[operator]
    # its worker was killed and replaced: as many processes, one of them new (the killed one may
    # take a moment to be reaped, so the count is awaited, not read once)
    deadline = time.monotonic() + 10
    workers_after = limited.processes()
    while (len(workers_after) != 3 or len(workers_before - workers_after) != 1) and time.monotonic() < deadline:
        time.sleep(0.05)
        workers_after = limited.processes()
    assert len(workers_after) == len(workers_before) == 3 and len(workers_before - workers_after) == 1
    assert wait_until_gone(workers_before - workers_after) == set()
    assert sparql(limited, "ASK { ?s ?p ?o }")[0] == 200


def test_result_size_limits(limited):
    status, content_type, body = sparql(limited, "SELECT * WHERE { ?s ?p ?o }")
    assert (status, content_type) == (422, "text/plain")
    assert body.decode() == "the result has more than 20 rows, the limit (--max-results); add a LIMIT or narrow the query\n"
    assert sparql(limited, "SELECT * WHERE { ?s ?p ?o } LIMIT 20", accept="text/csv")[0] == 200
    assert sparql(limited, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 20")[0] == 200
    # the byte limit applies to the answer as serialized: the same rows fit as CSV, not as JSON
    status, _, body = sparql(limited, "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 20")
    assert status == 422 and re.fullmatch(r"the result is \d+ bytes, more than the limit of 4000 \(--max-bytes\); .*\n", body.decode())
    status, _, body = sparql(limited, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 21")
    assert status == 422 and body.decode().startswith("the result has more than 20 triples, the limit (--max-results)")


def test_memory_limit_stops_a_query_before_it_takes_the_machine(tmp_path_factory):
    hungry = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d LIMIT 1"  # sorts ~75 million rows
    with serving(["--max-memory", "150", "--timeout", "60", "--workers", "1"], cache_dir=tmp_path_factory.mktemp("cache")) as served:
        workers_before = served.processes()
        start = time.monotonic()
        status, content_type, body = sparql(served, hungry)
        assert (status, content_type) == (422, "text/plain")
        assert body.decode().startswith("the query needed more than 150 MB of memory (the --max-memory limit) and was stopped")
        assert time.monotonic() - start < 30  # stopped by the memory limit, not the time limit
        # the engine aborts when an allocation fails: the worker is replaced and the next query answered
        status, _, body = sparql(served, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 8000
        assert len(served.processes()) == len(workers_before)


def test_concurrent_clients_all_get_their_answer(server, kg):
    queries = [SELECT, "SELECT ?n WHERE { ?r exo:referenceNumber ?n } ORDER BY ?n", "SELECT ?l WHERE { ?e a exo:Drug ; rdfs:label ?l } ORDER BY ?l"]
    expected = {q: expected_rows(kg, q) for q in queries}

    def client(n: int) -> bool:
        query = queries[n % len(queries)]
        status, content_type, body = sparql(server, query, how=("get", "form", "direct")[n % 3])
        return status == 200 and rows_of(body, content_type) == expected[query]

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert all(pool.map(client, range(48)))


# --------------------------------------------------------------------------- real clients


def test_sparqlwrapper(server, kg):
    from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    client = SPARQLWrapper(server.endpoint)
    client.setQuery(SELECT)
    client.setReturnFormat(JSON)
    data = client.query().convert()
    assert [(b["label"]["value"],) for b in data["results"]["bindings"]] == expected_rows(kg, SELECT)
    client.setReturnFormat(XML)
    client.setMethod(POST)
    assert len(client.query().convert().getElementsByTagName("result")) == len(expected_rows(kg, SELECT))
    client.setQuery("ASK { ent:miRNA-21 exo:targets ent:APAF1 }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True
    client.setQuery(CONSTRUCT)
    client.setReturnFormat(TURTLE)
    assert isomorphic(Graph().parse(data=client.query().convert(), format="turtle"), rdflib_graph(kg.sparql(CONSTRUCT)))
    client.setQuery("SELECT * WHERE { ?s ?p }")
    client.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="malformed SPARQL"):
        client.query()


def test_sparqlwrapper_update_is_refused(server):
    from urllib.error import HTTPError

    from SPARQLWrapper import POST, SPARQLWrapper

    client = SPARQLWrapper(server.endpoint)
    client.setMethod(POST)
    client.setQuery("CLEAR ALL")
    with pytest.raises(HTTPError) as caught:
        client.query()
    assert caught.value.code == 403 and b"read-only" in caught.value.read()


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(server, kg, method):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    remote = Graph(store=SPARQLStore(server.endpoint, method=method))
    assert [tuple(str(v) for v in row) for row in remote.query(SELECT)] == expected_rows(kg, SELECT)
    assert remote.query("ASK { ent:miRNA-21 exo:targets ent:APAF1 }").askAnswer is True
    assert isomorphic(remote.query(CONSTRUCT).graph, rdflib_graph(kg.sparql(CONSTRUCT)))
    assert (URIRef(iri("miRNA-21")), None, None) in remote


# --------------------------------------------------------------------------- the JSON API


def cli_json(*args: str) -> object:
    result = CliRunner().invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def cli_error(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code != 0
    return result.stderr.strip().removeprefix("Error: ")


@pytest.mark.parametrize(
    "call, params, command",
    [
        ("resolve", {"q": "miR-21"}, ["resolve", "miR-21"]),
        ("resolve", {"q": "hsa-miR-21-5p", "limit": "1"}, ["resolve", "hsa-miR-21-5p", "--limit", "1"]),
        ("neighbors", {"name": "miR-21"}, ["neighbors", "miR-21"]),
        ("neighbors", {"name": "APAF1", "depth": "2", "cancer": "ovarian cancer"}, ["neighbors", "APAF1", "--depth", "2", "--cancer", "ovarian cancer"]),
        ("neighbors", {"name": "miR-21", "predicate": "targets"}, ["neighbors", "miR-21", "--predicate", "targets"]),
        ("neighbors", {"name": "exosome", "limit": "3"}, ["neighbors", "exosome", "--limit", "3"]),
        ("path", {"source": "miR-21", "target": "paclitaxel resistance"}, ["path", "miR-21", "paclitaxel resistance"]),
        (
            "path",
            {"source": "miR-122", "target": "taxol resistance", "cancer": "HCC", "max_hops": "3", "all": "true"},
            ["path", "miR-122", "taxol resistance", "--cancer", "HCC", "--max-hops", "3", "--all"],
        ),
        ("path", {"source": "APAF1", "target": "miR-21", "undirected": "1"}, ["path", "APAF1", "miR-21", "--undirected"]),
    ],
)
def test_api_answers_exactly_what_the_cli_prints(server, call, params, command):
    reply = fetch(server.url + f"api/{call}?" + urlencode(params))
    assert (reply.status, reply.content_type) == (200, "application/json")
    assert json.loads(reply.body) == cli_json(*command)


@pytest.mark.parametrize(
    "call, params, command, status",
    [
        ("resolve", {"q": "miR-2l"}, ["resolve", "miR-2l"], 404),
        ("path", {"source": "miR-2l", "target": "APAF1"}, ["path", "miR-2l", "APAF1"], 404),
        ("path", {"source": "paclitaxel resistance", "target": "miR-21"}, ["path", "paclitaxel resistance", "miR-21"], 404),
        ("neighbors", {"name": "miR-21", "predicate": "likes"}, ["neighbors", "miR-21", "--predicate", "likes"], 400),
        ("neighbors", {"name": "miR-21", "cancer": "APAF1"}, ["neighbors", "miR-21", "--cancer", "APAF1"], 400),
    ],
)
def test_api_errors_carry_the_cli_message(server, call, params, command, status):
    reply = fetch(server.url + f"api/{call}?" + urlencode(params))
    assert (reply.status, reply.content_type) == (status, "application/json")
    data = json.loads(reply.body)
    if data["error"].startswith("no path"):  # the same finding, offered with the web form's options
        assert data["error"].split(";")[0] == cli_error(*command).split(";")[0] and "--" not in data["error"]
    else:
        assert data["error"] == cli_error(*command)
    if "miR-2l" in params.values():
        assert data["suggestions"] == ["miRNA-21", "miRNA-21-5p", "miRNA-221-3p"]


@pytest.mark.parametrize(
    "path, status, message",
    [
        ("api/neighbors?name=miR-21&depth=9", 400, "parameter 'depth' must be a whole number from 1 to 6, not '9'"),
        ("api/neighbors?name=miR-21&limit=0", 400, "parameter 'limit' must be a whole number from 1 to 10000, not '0'"),
        ("api/path?source=miR-21&target=APAF1&max_hops=x", 400, "parameter 'max_hops' must be a whole number from 1 to 8, not 'x'"),
        ("api/path?source=miR-21&target=APAF1&all=maybe", 400, "parameter 'all' must be true or false, not 'maybe'"),
        ("api/path?source=miR-21", 400, "parameter 'target' is required"),
        ("api/resolve?q=x&q=y", 400, "give parameter 'q' once"),
        ("api/neighbors?name=miR-21&dept=2", 400, "unknown parameter 'dept' for /api/neighbors; use: name, depth, predicate, cancer, limit, no_hedged"),
        ("api/path?source=miR-21&target=APAF1&through_generic=2", 400, "parameter 'through_generic' must be true or false, not '2'"),
        ("api/graph?source=miR-21", 400, "give both source and target (or neither)"),
        ("api/nothing", 404, "no API call 'nothing'; use one of: entity, graph, neighbors, path, queries, resolve"),
    ],
)
def test_api_bad_parameters(server, path, status, message):
    reply = fetch(server.url + path)
    assert (reply.status, reply.content_type) == (status, "application/json")
    assert json.loads(reply.body) == {"error": message}


def test_api_for_the_explorer(server, kg):
    entity = json.loads(fetch(server.url + "api/entity?name=mir-21").body)
    assert entity["entity"]["label"] == "miRNA-21" and "hsa-mir-21" in entity["entity"]["synonyms"]
    assert entity["entity"]["xrefs"] == ["mirbase:MI0000077"]
    hood = cli_json("neighbors", "miR-21")
    assert sorted(r["statement"] for r in entity["relations"]) == sorted(e["statement"] for e in hood["edges"])
    assert all(r["forward"] == (r["subject"]["id"] == iri("miRNA-21")) for r in entity["relations"])
    drawing = json.loads(fetch(server.url + "api/graph?" + urlencode({"source": "miR-21", "target": "paclitaxel resistance"})).body)
    assert drawing["paths"] == [["miRNA-21", "paclitaxel resistance"], ["miRNA-21", "APAF1", "paclitaxel resistance"]]
    assert sorted(e["label"] for e in drawing["edges"] if e["exo_on_path"]) == ["confers resistance to", "mediates", "targets"]
    from exograph.viz import graph_data

    drawing = kg.subgraph(focus="APAF1", depth=2)
    edges, highlight = drawing.edges, drawing.highlight
    expected = graph_data(kg.index, edges, highlight=highlight, focus=drawing.focus, roles=drawing.roles)
    answer = json.loads(fetch(server.url + "api/graph?name=APAF1&depth=2").body)
    assert (answer.pop("drawn"), answer.pop("total")) == (len(edges), drawing.total) and answer == json.loads(json.dumps(expected))
    from exograph.query import named_queries

    listed = json.loads(fetch(server.url + "api/queries").body)
    assert [q["name"] for q in listed] == list(named_queries()) and all(q["title"] and q["text"] for q in listed)


@pytest.fixture(scope="module")
def context_server(tmp_path_factory: pytest.TempPathFactory, context_file) -> Served:
    """The graph of tests/context_graph.py (context roles, generic, hedged, cross-cancer)."""
    with serving(["--workers", "1"], data=[context_file], cache_dir=tmp_path_factory.mktemp("cache")) as served:
        yield served


@pytest.mark.parametrize(
    "call, params, command",
    [
        ("neighbors", {"name": "NK cell"}, ["neighbors", "NK cell"]),
        ("neighbors", {"name": "NK cell", "no_hedged": "1"}, ["neighbors", "NK cell", "--no-hedged"]),
        ("path", {"source": "miR-A", "target": "phenotype P"}, ["path", "miR-A", "phenotype P"]),
        (
            "path",
            {"source": "fibroblast F", "target": "angiogenesis", "undirected": "1", "through_generic": "true"},
            ["path", "fibroblast F", "angiogenesis", "--undirected", "--through-generic"],
        ),
        ("path", {"source": "miR-A", "target": "phenotype P", "no_hedged": "yes", "all": "1"}, ["path", "miR-A", "phenotype P", "--no-hedged", "--all"]),
    ],
)
def test_api_takes_the_new_options_as_the_cli_does(context_server, context_file, call, params, command):
    reply = fetch(context_server.url + f"api/{call}?" + urlencode(params))
    assert reply.status == 200
    assert json.loads(reply.body) == cli_json("--data", str(context_file), *command)


def test_api_errors_for_generic_hedged_and_nothing_to_draw(context_server, context_file):
    cases = [
        ("path", {"source": "fibroblast F", "target": "angiogenesis", "undirected": "1"}, ["path", "fibroblast F", "angiogenesis", "--undirected"]),
        ("path", {"source": "miR-H", "target": "phenotype P", "no_hedged": "1"}, ["path", "miR-H", "phenotype P", "--no-hedged"]),
    ]
    words = {"--through-generic": "tick 'through generic entities'", "--no-hedged": "untick 'leave out hedged statements'"}
    for call, params, command in cases:
        reply = fetch(context_server.url + f"api/{call}?" + urlencode(params))
        said, on_the_command_line = json.loads(reply.body)["error"], cli_error("--data", str(context_file), *command)
        assert reply.status == 404 and said.split(";")[0] == on_the_command_line.split(";")[0]  # the same finding,
        assert "--" not in said and any(w in said for w in words.values())  # in the web form's words, not the CLI's flags
        assert any(flag in on_the_command_line for flag in words)
    reply = fetch(context_server.url + "api/graph?name=LONELY")
    assert reply.status == 404 and json.loads(reply.body)["error"].startswith("nothing to draw around 'LONELY'")


def test_api_entity_and_graph_show_the_context_roles(context_server, ctx):
    entity = json.loads(fetch(context_server.url + "api/entity?name=NK+cell").body)
    assert entity["relations"] == [] and entity["entity"]["generic"] is False
    assert (entity["total_relations"], entity["total_through_context"]) == (0, 3)
    assert sorted((r["roles"], r["subject"]["label"]) for r in entity["through_context"]) == [
        (["donor"], "miRNA-G"),
        (["recipient"], "GENE-B"),
        (["recipient"], "GENE-C"),
    ]
    assert json.loads(fetch(context_server.url + "api/entity?name=microRNA").body)["entity"]["generic"] is True
    drawing = json.loads(fetch(context_server.url + "api/graph?name=NK+cell").body)
    assert len([e for e in drawing["edges"] if e["exo_kind"] == "context"]) == 5
    paths = json.loads(fetch(context_server.url + "api/graph?" + urlencode({"source": "GENE-D", "target": "angiogenesis", "through_generic": "1"})).body)
    assert paths["paths"] == [["GENE-D", "microRNA", "angiogenesis"]]
    crossing = json.loads(fetch(context_server.url + "api/graph?" + urlencode({"source": "miR-A", "target": "phenotype P"})).body)
    assert [info["cross_cancer"] for info in crossing["path_info"]] == [False, True]


# --------------------------------------------------------------------------- the page


def test_explorer_page_is_served_with_a_strict_policy(server):
    reply = fetch(server.url)
    assert (reply.status, reply.content_type) == (200, "text/html")
    policy = reply.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "unsafe" not in policy
    assert reply.headers["x-content-type-options"] == "nosniff"
    html = reply.text
    assert re.findall(r"<script\b[^>]*>", html) == [f'<script src="/static/{n}">' for n in ("vis-network.min.js", "graph.js", "explorer.js")]
    assert "<style" not in html and not re.search(r"<[^>]+\s(style|on[a-z]+)\s*=", html)  # no inline style or handler
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", html)
    for name, kind in (
        ("vis-network.min.js", "text/javascript"),
        ("graph.js", "text/javascript"),
        ("explorer.js", "text/javascript"),
        ("explorer.css", "text/css"),
    ):
        asset = fetch(server.url + "static/" + name)
        assert (asset.status, asset.content_type) == (200, kind) and len(asset.body) > 1000
    # the explorer's script names no other site (the entity namespace is an identifier, never fetched)
    assert "//" not in re.sub(r"https://w3id\.org/exograph/entity/|/\*.*?\*/|//[^\n]*", "", fetch(server.url + "static/explorer.js").text, flags=re.S)


def test_labels_from_the_data_reach_the_page_as_data_only(limited, tiny):
    page = fetch(limited.url).text
    assert "evil" not in page and "<img" not in page
    reply = fetch(limited.url + "api/entity?name=evil-mir")
    assert reply.status == 200 and b"<img" not in reply.body and b"\\u003cimg src=x onerror=alert(1)\\u003e" in reply.body
    assert json.loads(reply.body)["entity"]["label"] == "<img src=x onerror=alert(1)>"
    graph = fetch(tiny.url + "api/graph?name=evil-mir")
    assert graph.status == 200 and b"</script>" not in graph.body and b"<img" not in graph.body
    assert "</script><script>alert('quote')</script>" in json.dumps(json.loads(graph.body), ensure_ascii=False)
    status, _, body = sparql(limited, "SELECT ?l WHERE { ?s a exo:MicroRNA ; rdfs:label ?l }")
    assert status == 200 and b"<img" not in body
    assert ("<img src=x onerror=alert(1)>",) in rows_of(body, "application/sparql-results+json")


# --------------------------------------------------------------------------- the command


def test_ctrl_c_stops_the_server_and_its_workers(tmp_path):
    with serving(["--workers", "3"], data=[FIXTURES / "tiny.ttl"], cache_dir=tmp_path) as served:
        processes = served.processes()
        assert len(processes) == 4  # the zygote and three workers
        assert fetch(served.endpoint + "?query=" + quote("ASK {}")).status == 200
        code, err = stop(served.process)
        assert (code, err) == (0, "")
        assert wait_until_gone(processes) == set()


def test_bad_options_are_one_line_errors(tmp_path):
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = str(busy.getsockname()[1])
    runner = CliRunner()
    result = runner.invoke(cli, ["--data", str(FIXTURES / "tiny.ttl"), "serve", "--port", port])
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; pass another --port (or --host)\n"
    busy.close()
    for args, message in (
        (["--graph", "nothing-here"], "'nothing-here' is not IRI=PATH"),
        (["--graph", "g=x.ttl"], "'g' is not an absolute IRI"),
        (["--graph", f"http://example.org/g={tmp_path / 'missing.nt'}"], "missing.nt: no such file"),
        (["--timeout", "0"], "0.0 is not in the range"),
    ):
        result = runner.invoke(cli, ["serve", *args])
        assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_serve_an_on_disk_store(tmp_path_factory, kg):
    """``exograph --store DIR serve``: the workers open the store and its index themselves."""
    from exograph.store.oxigraph import load_files

    directory = tmp_path_factory.mktemp("served") / "store"
    load_files(directory, [resources.packaged_triples(), resources.ontology_file()])
    load_files(directory, [FIXTURES / "tiny.ttl"], graph="http://example.org/tiny")
    with serving(["--workers", "2"], cache_dir=tmp_path_factory.mktemp("cache"), store=directory) as served:
        for _ in range(4):  # every worker answers
            status, content_type, body = sparql(served, SELECT)
            assert status == 200 and rows_of(body, content_type) == expected_rows(kg, SELECT)
        status, _, body = sparql(served, "ASK { GRAPH <http://example.org/tiny> { ent:evil exo:targets ent:GENE1 } }")
        assert status == 200 and json.loads(body)["boolean"] is True
        status, _, body = sparql(served, "SELECT * FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }")
        assert status == 403 and "it holds: <http://example.org/tiny>" in body.decode()
        reply = fetch(served.url + "api/path?" + urlencode({"source": "miR-21", "target": "paclitaxel resistance"}))
        assert reply.status == 200 and json.loads(reply.body)["paths"][1]["nodes"][1]["label"] == "APAF1"


def test_a_hub_entity_is_listed_a_page_at_a_time(server, kg):
    """/api/entity?offset=&limit= pages a hub's relations (in statement order), with the totals."""
    whole = json.loads(fetch(server.url + "api/entity?name=exosome").body)
    total = whole["total_relations"]
    assert total > 40 and whole["offset"] == 0
    first = json.loads(fetch(server.url + "api/entity?name=exosome&limit=20").body)
    second = json.loads(fetch(server.url + "api/entity?name=exosome&limit=20&offset=20").body)
    assert [r["statement"] for r in first["relations"] + second["relations"]] == [r["statement"] for r in whole["relations"]][:40]
    assert second["offset"] == 20 and second["total_relations"] == total
    last = json.loads(fetch(server.url + f"api/entity?name=exosome&limit=20&offset={total}").body)
    assert last["relations"] == [] and last["total_relations"] == total
    assert fetch(server.url + "api/entity?name=exosome&offset=-1").status == 400


def test_the_drawing_around_a_hub_is_capped_and_says_so(server):
    """/api/graph draws at most `limit` relations (500 by default, as viz --limit) and gives the total."""
    small = json.loads(fetch(server.url + "api/graph?name=exosome&limit=10").body)
    assert small["drawn"] == 10 and small["total"] == 190 and len([e for e in small["edges"] if e.get("exo_kind") != "context"]) <= 10
    whole = json.loads(fetch(server.url + "api/graph?name=exosome").body)
    assert whole["drawn"] == whole["total"] == 190
    assert fetch(server.url + "api/graph?name=exosome&limit=0").status == 400


def test_api_answers_obey_max_bytes(tmp_path):
    """--max-bytes bounds the explorer's calls as it bounds queries: a large answer is refused in one line."""
    with serving(["--max-bytes", "20000"], cache_dir=tmp_path / "cache") as served:
        small = fetch(served.url + "api/resolve?q=APAF1")
        assert small.status == 200 and len(small.body) <= 20000
        reply = fetch(served.url + "api/entity?name=exosome")  # 190 relations with their evidence: far more
        error = json.loads(reply.body)["error"]
        assert reply.status == 422 and "more than the limit of 20000 (--max-bytes)" in error and "\n" not in error
