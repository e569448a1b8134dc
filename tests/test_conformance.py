"""The W3C SPARQL 1.1 Protocol test suite, run against ``exograph serve``.

The suite (``manifest.ttl``, ``data1.nt``...``data3.nt``; W3C licence) is read from
``../shared/conformance/w3c-sparql11-protocol/`` beside the repository and never copied into it;
without it these tests are skipped, saying where they looked.

The server holds ``data1.nt``...``data3.nt`` as named graphs under the IRIs the manifest gives them
(``ut:graphData``). Six cases name ``.../data0.rdf`` in ``default-graph-uri`` although the suite
ships no such file; their queries (``ASK {}``, ``SELECT (1 AS ?value) {}``...) do not depend on
its content, so the server holds it as an empty graph: it must hold every graph a request names.

Every case runs, its requests in order. Query cases must pass as the manifest says. Update cases
must be refused, because the endpoint is read-only: the manifest expects seven of them to succeed,
and those get 403 instead, after which the ASK each case sends must find that nothing changed.
A summary is written to ``conformance.txt`` in the artifacts folder (``--artifacts DIR``; scripts/test.sh gives test-artifacts/).
"""

from __future__ import annotations

import http.client
import io
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from rdflib import RDFS, Graph, Namespace
from rdflib.collection import Collection
from rdflib.query import Result

from exograph.server.protocol import ASK_FORMATS, GRAPH_FORMATS, SELECT_FORMATS

from .serving import Served, serving

SUITE = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "w3c-sparql11-protocol"

if not (SUITE / "manifest.ttl").is_file():
    pytest.skip(f"W3C SPARQL 1.1 Protocol suite not found at {SUITE}", allow_module_level=True)

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS_CLASS = "http://www.w3.org/2011/http-statusCodes#StatusCode"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]
    statuses: frozenset[str]  #: status classes: "2xx", "4xx"...
    boolean: bool | None
    format: str | None  #: "boolean", "tabular" or "RDF"


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    graphs: dict[str, Path]
    requests: tuple[Request, ...]

    @property
    def kind(self) -> str:
        return "update" if "update" in self.name else "query"


def read_manifest(path: Path) -> list[Case]:
    g = Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(g.subjects(MF.entries, None))
    cases = []
    for entry in Collection(g, g.value(manifest, MF.entries)):
        graphs = {str(g.value(d, RDFS.label)): Path(unquote(urlsplit(str(g.value(d, UT.graph))).path)) for d in g.objects(entry, UT.graphData)}
        requests = []
        for node in Collection(g, g.value(g.value(entry, MF.action), HT.requests)):
            body = g.value(node, HT.body)
            encoding = str(g.value(body, CNT.characterEncoding) or "UTF-8") if body else "UTF-8"
            headers = {}
            if g.value(node, HT.headers) is not None:
                for header in Collection(g, g.value(node, HT.headers)):
                    headers[str(g.value(header, HT.fieldName))] = str(g.value(header, HT.fieldValue))
            response = g.value(node, HT.resp)
            boolean = g.value(response, MF.expectedBoolean)
            fmt = g.value(response, MF.expectedFormat)
            requests.append(
                Request(
                    method=str(g.value(node, HT.methodName)),
                    path=str(g.value(node, HT.absolutePath)),
                    body=str(g.value(body, CNT.chars)).encode(encoding.lower()) if body else None,
                    headers=headers,
                    statuses=frozenset(str(s).removeprefix(STATUS_CLASS) for s in g.objects(response, MF.expectedStatus)),
                    boolean=boolean.toPython() if boolean is not None else None,
                    format=str(fmt) if fmt is not None else None,
                )
            )
        name = str(entry).rsplit("#", 1)[1]
        cases.append(Case(name, str(g.value(entry, MF.name)), graphs, tuple(requests)))
    return cases


CASES = read_manifest(SUITE / "manifest.ttl")


def graphs_named(cases: list[Case]) -> set[str]:
    """Every graph IRI a query case's protocol parameters name."""
    named = set()
    for case in cases:
        for request in case.requests:
            params = parse_qs(urlsplit(request.path).query)
            named |= set(params.get("default-graph-uri", [])) | set(params.get("named-graph-uri", []))
    return named


@dataclass
class Outcome:
    replies: list[tuple[int, str, bytes]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    as_manifest_says: bool = True  #: every reply's status is one the manifest expects


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def check_result(request: Request, status: int, content_type: str, body: bytes) -> list[str]:
    """What is wrong with a reply to a query request, against the manifest's expectations."""
    problems = []
    if status_class(status) not in request.statuses:
        problems.append(f"status {status}, expected {'/'.join(sorted(request.statuses))}: {body[:200]!r}")
        return problems
    if request.format == "boolean":
        if content_type not in ASK_FORMATS:
            problems.append(f"a boolean result as {content_type}")
        elif request.boolean is not None and Result.parse(io.BytesIO(body), content_type=content_type).askAnswer is not request.boolean:
            problems.append(f"answer is not {request.boolean}")
    elif request.format == "tabular":
        if content_type not in SELECT_FORMATS:
            problems.append(f"a table as {content_type}")
        elif not list(Result.parse(io.BytesIO(body), content_type=content_type)):
            problems.append("no rows")
    elif request.format == "RDF":
        if content_type not in GRAPH_FORMATS:
            problems.append(f"a graph as {content_type}")
        else:
            Graph().parse(data=body, format=GRAPH_FORMATS[content_type])
    return problems


def send(served: Served, request: Request) -> tuple[int, str, bytes]:
    url = urlsplit(served.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request(request.method, request.path, body=request.body, headers=request.headers)
        response = connection.getresponse()
        return response.status, (response.getheader("Content-Type") or "").split(";")[0].strip(), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every case run against one server, in the manifest's order."""
    graphs: dict[str, Path] = {}
    for case in CASES:
        graphs.update(case.graphs)
    empty = tmp_path_factory.mktemp("graphs") / "empty.nt"
    empty.write_text("")
    for iri in sorted(graphs_named(CASES) - set(graphs)):
        graphs[iri] = empty  # named by the suite, shipped by none (data0.rdf)
    args = [arg for iri, path in sorted(graphs.items()) for arg in ("--graph", f"{iri}={path}")]
    results = {}
    with serving(args, cache_dir=tmp_path_factory.mktemp("cache")) as served:
        for case in CASES:
            outcome = Outcome()
            for number, request in enumerate(case.requests):
                status, content_type, body = send(served, request)
                outcome.replies.append((status, content_type, body))
                outcome.as_manifest_says &= status_class(status) in request.statuses
                if case.kind == "query":
                    outcome.problems += [f"request {number + 1}: {p}" for p in check_result(request, status, content_type, body)]
                elif number == 0:
                    if status_class(status) != "4xx":
                        outcome.problems.append(f"the update was not refused: status {status}")
                else:  # the case's check that the update took effect: it must find that nothing changed
                    check = Request(request.method, request.path, request.body, request.headers, frozenset({"2xx"}), False, "boolean")
                    outcome.problems += [f"request {number + 1}: {p}" for p in check_result(check, status, content_type, body)]
            results[case.name] = outcome
    return results


@pytest.mark.parametrize("case", [c for c in CASES if c.kind == "query"], ids=lambda c: f"query-passes-{c.name}")
def test_query_case_passes(outcomes, case):
    assert outcomes[case.name].problems == [], case.title


@pytest.mark.parametrize("case", [c for c in CASES if c.kind == "update"], ids=lambda c: f"update-refused-{c.name}")
def test_update_case_is_refused(outcomes, case):
    assert outcomes[case.name].problems == [], case.title
    first_status, _, message = outcomes[case.name].replies[0]
    assert 400 <= first_status < 500
    if case.requests[0].headers.get("content-type", "").startswith("application/sparql-update"):
        assert first_status == 403 and b"read-only" in message


def test_conformance_summary(outcomes, artifacts):
    queries = [c for c in CASES if c.kind == "query"]
    updates = [c for c in CASES if c.kind == "update"]
    passed = sum(not outcomes[c.name].problems for c in queries)
    refused = sum(not outcomes[c.name].problems for c in updates)
    verbatim = sum(outcomes[c.name].as_manifest_says for c in CASES)
    lines = [
        f"W3C SPARQL 1.1 Protocol suite ({SUITE}): {len(CASES)} cases",
        f"query cases passed: {passed}/{len(queries)}",
        f"update cases refused (read-only endpoint): {refused}/{len(updates)}",
        f"cases whose every status is the one the manifest expects: {verbatim}/{len(CASES)}"
        f" (the others: {', '.join(c.name for c in CASES if not outcomes[c.name].as_manifest_says)})",
    ]
    (artifacts / "conformance.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    assert (passed, refused) == (len(queries), len(updates))
    assert {c.name for c in CASES if not outcomes[c.name].as_manifest_says} <= {c.name for c in updates}
