"""The standing probe suite: hostile requests, files and inputs, each refused cleanly, so that no
later change reopens them (issue #11).

Here: a page of another origin, forged or doubled Host headers, absolute-form targets, oversized
headers, a flood of connections, control characters in the log, too many parameters; outputs onto
symlinks and unwritable places, temporaries of killed writers, files that add nothing or only named
graphs, entity bombs, binary files, huge names, pasted dashes; answers that could inject triples or
break XML.

The probes that already held live beside the code they guard and run in the same suite:
``test_server.py`` (updates by every route, SERVICE in every form, FROM / FROM NAMED to a trap
server on loopback, traversal, DNS-rebinding Hosts, slowloris, a runaway query, --max-* limits,
XSS in API answers), ``test_store.py`` (nothing fetched by any store), ``test_sparql.py`` (deep
nesting read without recursion), ``test_browser.py`` and ``test_explorer_browser.py`` (XSS payloads
in every field, in Chromium), ``test_workers.py`` (workers die with the server, no network in a
worker), ``test_cli.py`` (one-line errors, terminal-safe output)."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .serving import Served, serving, stop
from .test_browser import browser  # noqa: F401 - the Chromium fixture


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with serving(["-v"], cache_dir=tmp_path_factory.mktemp("cache")) as served:
        yield served


def raw(served: Served, request: bytes, timeout: float = 10.0) -> tuple[int, bytes]:
    """Send ``request`` as it is; the status and the body of the answer."""
    parts = urlsplit(served.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as conn:
        conn.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + _length(data):
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 0


def get(served: Served, target: str, *headers: str) -> tuple[int, bytes]:
    host = urlsplit(served.url).netloc
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}", *headers, "Connection: close", "", ""]
    return raw(served, "\r\n".join(lines).encode("latin-1"))


def test_a_page_of_another_origin_is_refused_but_the_explorer_and_plain_clients_are_served(server: Served):
    host = urlsplit(server.url).netloc
    api = "/api/resolve?q=miR-21"
    assert get(server, api)[0] == 200  # curl, a notebook: no browser headers
    assert get(server, api, "Sec-Fetch-Site: same-origin", f"Origin: http://{host}")[0] == 200  # the explorer itself
    assert get(server, api, "Sec-Fetch-Site: none")[0] == 200  # a URL typed or bookmarked
    status, body = get(server, api, "Sec-Fetch-Site: cross-site")  # a no-cors GET from another site: no Origin sent
    assert status == 403 and b"another site's page is refused (Sec-Fetch-Site: cross-site)" in body
    assert get(server, api, "Sec-Fetch-Site: same-site")[0] == 403  # another port of this machine
    status, body = get(server, "/sparql?query=ASK%7B%7D", "Origin: http://evil.example")
    assert status == 403 and b"another origin is refused (Origin: http://evil.example)" in body
    assert get(server, api, "Origin: null")[0] == 403


def test_one_host_header_exactly_checked(server: Served):
    port = urlsplit(server.url).port
    two = f"GET /api/resolve?q=x HTTP/1.1\r\nHost: evil.com\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    status, body = raw(server, two)
    assert status == 400 and b"one Host header" in body
    for host in (f"evil.com@127.0.0.1:{port}", "evil.com", f"127.0.0.1:{port}/x", ""):
        sent = f"GET /api/resolve?q=x HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        assert raw(server, sent)[0] == 403, host
    absolute = f"GET http://evil.com/api/resolve?q=x HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    status, body = raw(server, absolute)
    assert status == 400 and b"must be a path" in body


def test_oversized_headers_are_refused_with_431(server: Served):
    many = [f"X-Pad-{i}: {'a' * 4000}" for i in range(10)]  # 40 KB of headers
    status, body = get(server, "/api/resolve?q=x", *many)
    assert status == 431 and b"headers are too large (at most 32768 bytes" in body
    assert get(server, "/api/resolve?q=x", *[f"X-Pad-{i}: {'a' * 60_000}" for i in range(2)])[0] == 431
    assert get(server, "/api/resolve?q=miR-21")[0] == 200  # and the server goes on


def test_a_flood_of_connections_is_told_to_wait_and_the_server_recovers(server: Served):
    parts = urlsplit(server.url)
    idle = []
    try:
        for _ in range(80):  # more than the server takes at once, each sending nothing
            idle.append(socket.create_connection((parts.hostname, parts.port), timeout=10))
        status, body = get(server, "/api/resolve?q=miR-21")
        assert status == 503 and b"as many connections as it takes" in body
    finally:
        for conn in idle:
            conn.close()
    import time

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and get(server, "/api/resolve?q=miR-21")[0] != 200:
        time.sleep(0.2)
    assert get(server, "/api/resolve?q=miR-21")[0] == 200


def test_too_many_parameters_say_so(server: Served):
    target = "/api/resolve?" + "&".join(f"p{i}=1" for i in range(60))
    status, body = get(server, target)
    assert status == 400 and b"more than 50 parameters" in body and b"percent-encode" not in body


def test_the_request_log_escapes_control_characters(tmp_path: Path):
    with serving(["-v"], cache_dir=tmp_path / "cache") as served:
        get(served, "/api/resolve?q=%1b[2J\x1b]0;owned\x07")
        code, err = stop(served.process)
    assert "\x1b" not in err and "\x07" not in err and "\\x1b]0;owned\\x07" in err


# --------------------------------------------------------------------------- files and inputs


def exograph(*args: str, cwd: Path | None = None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "exograph", *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_output_onto_a_symlink_writes_through_it_and_an_unwritable_place_is_one_line(tmp_path: Path):
    target = tmp_path / "real.html"
    link = tmp_path / "link.html"
    link.symlink_to(target)
    assert exograph("viz", "-o", str(link)).returncode == 0
    assert link.is_symlink() and target.is_file() and target.stat().st_size > 10_000  # the link kept, its file written
    for command in (["viz", "-o", "/proc/x.html"], ["build", "-o", "/proc/t.ttl"]):
        proc = exograph(*command)
        assert proc.returncode == 1 and proc.stderr.startswith("Error: /proc/") and "cannot write it" in proc.stderr
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_file_that_adds_nothing_or_only_named_graphs_is_said(tmp_path: Path):
    empty = tmp_path / "empty.ttl"
    empty.write_text("# nothing here\n", encoding="utf-8")
    proc = exograph("--data", str(empty), "stats")
    assert proc.returncode == 0 and f"note: {empty} added nothing" in proc.stderr
    quads = tmp_path / "g.nq"
    quads.write_text("<urn:a> <urn:b> <urn:c> <urn:g> .\n", encoding="utf-8")
    proc = exograph("--data", str(quads), "stats")
    assert proc.returncode == 0 and "put quads in 1 named graph(s): exograph reads entities and relations from the default graph" in proc.stderr


@pytest.mark.parametrize("name", ["miR\u201021", "miR\u201321", "\uff4d\uff49\uff32\uff0d\uff12\uff11", "MIR\u221221"])
def test_pasted_dashes_and_full_width_forms_resolve(kg, name: str):
    """What a PDF pastes (U+2010, an en dash, the minus sign) and full-width forms: NFKC and one dash."""
    assert kg.entity(name).label == "miRNA-21"


def test_an_entity_bomb_and_a_binary_file_are_refused_before_parsing(tmp_path: Path):
    """A 1 KB RDF/XML file with nine levels of nested entities took 18 s and 9 GB to parse: any DTD
    is refused up front; a binary file is said to be one; nothing is created."""
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    bomb = tmp_path / "lol.rdf"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [' + "".join(entities) + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a"><ex:p>&lol9;</ex:p></rdf:Description></rdf:RDF>\n',
        encoding="utf-8",
    )
    for args in (["--data", str(bomb), "stats"], ["load", str(bomb), "--store", str(tmp_path / "store")]):
        proc = exograph(*args)
        assert proc.returncode == 1 and "declares a DTD or XML entities" in proc.stderr and proc.stderr.count("\n") == 1
    assert not (tmp_path / "store").exists()
    binary = tmp_path / "bin.ttl"
    binary.write_bytes(b"\x00\x01\x02 not rdf")
    proc = exograph("--data", str(binary), "stats")
    assert proc.returncode == 1 and "is not a text RDF file (it holds binary data)" in proc.stderr
    turtle = tmp_path / "html.ttl"  # a DOCTYPE inside a Turtle string is just text
    turtle.write_text('<urn:a> <urn:b> "<!DOCTYPE html>" .\n', encoding="utf-8")
    assert exograph("--data", str(turtle), "stats").returncode == 0


def test_a_huge_name_is_not_echoed_back():
    proc = exograph("resolve", "x" * 100_000)
    assert proc.returncode == 1 and len(proc.stderr) < 400 and "..." in proc.stderr


def test_temporaries_left_by_killed_writers_are_cleaned_up(tmp_path: Path):
    """A writer killed between its temporary and the rename leaves ``.NAME.*.tmp``: the next write
    removes an old one, and keeps a fresh one (another writer may be at work)."""
    import os
    import time

    from exograph.io.turtle import STALE_SECONDS, write_text_atomic

    out = tmp_path / "graph.html"
    old, fresh = tmp_path / ".graph.html.dead1.tmp", tmp_path / ".graph.html.busy2.tmp"
    old.write_text("half", encoding="utf-8")
    fresh.write_text("half", encoding="utf-8")
    past = time.time() - STALE_SECONDS - 60
    os.utime(old, (past, past))
    write_text_atomic(out, "whole")
    assert out.read_text(encoding="utf-8") == "whole" and not old.exists() and fresh.exists()


# --------------------------------------------------------------------------- answers


def test_an_iri_holding_angle_brackets_cannot_inject_triples_into_an_answer():
    """Turtle and TSV answers escape '>' in an IRI (re-parsed, one triple is one triple); the
    formats that cannot escape it refuse it."""
    import pyoxigraph as ox

    from exograph.server.engine import graph_bytes, table_bytes
    from exograph.store import QueryResult
    from exograph.terms import IRI

    evil = IRI("urn:x> <urn:evil> <urn:y")
    from rdflib import Graph

    turtle = graph_bytes([(IRI("urn:a"), IRI("urn:b"), evil)], "turtle")
    parsed = list(Graph().parse(data=turtle.decode(), format="turtle"))
    assert len(parsed) == 1 and str(parsed[0][2]) == str(evil)  # one triple, its IRI whole: nothing injected
    with pytest.raises(SyntaxError):  # Oxigraph refuses such an IRI outright, which injects nothing either
        list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    tsv = table_bytes(QueryResult("SELECT", variables=["x"], rows=[(evil,)]), "tsv").decode()
    assert tsv.splitlines() == ["?x", "<urn:x\\u003E\\u0020\\u003Curn:evil\\u003E\\u0020\\u003Curn:y>"]
    with pytest.raises((ValueError, SyntaxError), match="Invalid IRI"):
        graph_bytes([(IRI("urn:a"), IRI("urn:b"), evil)], "ntriples")


def test_an_escaped_angle_bracket_in_a_data_iri_is_refused_in_one_line(tmp_path: Path):
    data = tmp_path / "evil.ttl"
    data.write_text("<urn:a> <urn:b> <urn:x\\u003E\\u0020\\u003Curn:evil\\u003E> .\n", encoding="utf-8")
    proc = exograph("--data", str(data), "stats")
    assert proc.returncode == 1 and f"{data}:1: malformed Turtle" in proc.stderr and "Invalid IRI code point '>'" in proc.stderr


def test_xml_results_never_carry_what_xml_cannot():
    from exograph.errors import ExographError
    from exograph.server.engine import table_bytes
    from exograph.store import QueryResult
    from exograph.terms import XSD_STRING, Literal

    with pytest.raises(ExographError, match="U\\+0001, which XML cannot carry"):
        table_bytes(QueryResult("SELECT", variables=["x"], rows=[(Literal("a\x01b", XSD_STRING),)]), "xml")


BIDI = "abc\u202eevil\x1b]0;owned\x07"


def test_bidi_overrides_and_escapes_in_labels_are_neutralised_everywhere(tmp_path: Path, browser):  # noqa: F811
    """A label holding U+202E (which shows 'abc' + 'live' reversed) and an OSC escape: escaped in
    the CLI's tables and did-you-mean messages, and shown as \\uNNNN in the offline page and the explorer."""
    data = tmp_path / "bidi.ttl"
    data.write_text(
        f'<urn:x:a> <http://www.w3.org/2000/01/rdf-schema#label> "{BIDI}" .\n'
        "<urn:x:a> a <https://w3id.org/exograph/ontology#MicroRNA> .\n"
        "<urn:x:a> <https://w3id.org/exograph/ontology#targets> <urn:x:b> .\n",
        encoding="utf-8",
    )
    for args in (["resolve", "abd"], ["query", "SELECT ?l WHERE { ?s rdfs:label ?l }"], ["neighbors", "urn:x:a"]):
        proc = exograph("--data", str(data), *args)
        shown = proc.stdout + proc.stderr
        assert "\u202e" not in shown and "\x1b" not in shown and "\x07" not in shown, args
        assert "\\u202e" in shown, args
    page_file = tmp_path / "page.html"
    assert exograph("--data", str(data), "viz", "-o", str(page_file)).returncode == 0
    page = browser.new_page()
    try:
        page.goto(page_file.as_uri())
        page.wait_for_function("() => window.exograph && exograph.nodes.length > 0")
        labels = page.evaluate("exograph.nodes.get().map(n => n.label)")
        assert any(label.startswith("abc\\u202eevil\\u001b]0;owned\\u0007") for label in labels) and not any("\u202e" in label for label in labels)
    finally:
        page.close()


def test_a_memory_error_in_a_worker_is_said_as_what_it_is(tiny, monkeypatch):
    """A query that runs into --max-memory while being read or answered gets a true message (422),
    never "malformed SPARQL: MemoryError" or an internal error."""
    from exograph.server.engine import Backend, Limits, SparqlJob
    from exograph.server.protocol import QueryRequest

    backend = Backend(tiny, limits=Limits(max_memory=300_000_000))

    def exhausted(job):
        raise MemoryError

    monkeypatch.setattr(backend, "sparql", exhausted)
    response = backend.handle(SparqlJob(QueryRequest("SELECT * WHERE { ?s ?p ?o }"), None, "http://localhost/sparql"))
    assert response.status == 422 and b"more than 300 MB of memory (the --max-memory limit)" in response.body and b"malformed" not in response.body


def test_every_path_between_hubs_is_capped(server: Served):
    """/api/path?all=1&undirected=1&max_hops=8 once returned 13.5 MB: now at most PATH_CAP paths,
    and an answer past --max-bytes (10 MB) is refused in one line instead of sent."""
    import json

    from exograph.paths import PATH_CAP

    status, body = get(server, "/api/path?source=miR-21&target=metastasis&all=1&undirected=1&max_hops=8")
    assert status == 200 and len(json.loads(body.decode())["paths"]) <= PATH_CAP and len(body) < 10_000_000
    status, body = get(server, "/api/path?source=miR-21&target=metastasis&all=1&undirected=1&max_hops=8&through_generic=1")
    assert status == 422 and b"(--max-bytes)" in body and len(body) < 1000
