"""What a worker does with a job: SPARQL on the right dataset, serialized under the limits.

A :class:`Backend` holds everything loaded before the workers fork: the knowledge graph (whose
store is the default graph) and the named graphs held locally (``--graph IRI=PATH``). A query's
dataset is the server's (that default graph; the held graphs as named graphs) unless the protocol
(``default-graph-uri`` / ``named-graph-uri``) or the query (FROM / FROM NAMED) names one, and
then it may only name held graphs: nothing is ever fetched. Results are serialized here, in the
worker, and refused when they pass the row or byte limit, so a huge result never reaches the HTTP
process.
"""

from __future__ import annotations

import functools
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exograph.errors import ExographError, ProtocolError, QueryError, ResultTooLargeError, ServerError
from exograph.query import PreparedQuery, check_graphs, evaluate, prepare_query, result_json
from exograph.server import api
from exograph.server.protocol import GRAPH_FORMATS, SELECT_FORMATS, QueryRequest, choose_format, negotiate, service_description
from exograph.server.response import Response, error_response, json_bytes

if TYPE_CHECKING:
    from rdflib import Dataset, Graph
    from rdflib.query import Result
    from rdflib.term import Node

    from exograph.kg import KnowledgeGraph


@dataclass(frozen=True)
class Limits:
    """What one request may cost: seconds of work, rows (or triples), bytes of the answer."""

    timeout: float = 5.0
    max_results: int = 10_000
    max_bytes: int = 10_000_000
    #: memory a worker may take on top of the loaded graph it shares (0: no limit)
    max_memory: int = 2_000_000_000

    def as_dict(self) -> dict[str, float | int]:
        return {"timeout_s": self.timeout, "max_results": self.max_results, "max_bytes": self.max_bytes, "max_memory": self.max_memory}


@dataclass(frozen=True)
class SparqlJob:
    request: QueryRequest
    accept: str | None
    endpoint: str  #: the endpoint's URL: the base of relative IRIs


@dataclass(frozen=True)
class ServiceJob:
    accept: str | None
    endpoint: str


@dataclass(frozen=True)
class ApiJob:
    name: str
    params: tuple[tuple[str, str], ...]


Job = SparqlJob | ServiceJob | ApiJob


class Backend:
    """The loaded graphs and the handlers of every job; built once, before the workers fork."""

    def __init__(self, kg: KnowledgeGraph, graphs: Mapping[str, Path] | None = None, limits: Limits | None = None) -> None:
        from rdflib import Dataset, Graph, URIRef

        from exograph.io.turtle import parse_into

        self.kg = kg
        self.limits = limits or Limits()
        default = getattr(kg.store, "graph", None)
        if not isinstance(default, Graph):
            raise ServerError("the SPARQL endpoint needs the graph in memory (a MemoryStore); load it with exograph.load()")
        self.default_graph: Graph = default
        #: the named graphs held locally, in one dataset (whose default graph stays empty)
        self.named: Dataset = Dataset()
        self.held: dict[str, Graph] = {}
        for iri, path in sorted((graphs or {}).items()):
            graph = self.named.graph(URIRef(iri))
            parse_into(graph, Path(path))
            self.held[iri] = graph

    # ------------------------------------------------------------------ life

    def warm_up(self) -> None:
        """Load and import, once and before the fork, what every worker would otherwise do itself."""
        _ = self.kg.projection, self.kg.names
        self.kg.suggest("warm up")
        jobs = [("SELECT ?s WHERE { ?s a ?type } LIMIT 1", accept) for accept in SELECT_FORMATS]
        jobs += [("CONSTRUCT { ?s a ?type } WHERE { ?s a ?type } LIMIT 1", accept) for accept in GRAPH_FORMATS]
        jobs.append(("ASK { GRAPH ?g { ?s ?p ?o } }", "application/sparql-results+json"))
        for query, accept in jobs:
            response = self.sparql(SparqlJob(QueryRequest(query), accept, "http://localhost/sparql"))
            if response.status not in (200, 422):  # 422: a --max-bytes smaller than these answers
                raise ServerError(f"the SPARQL engine fails a simple query: {response.body.decode().strip()}")

    def enter_worker(self) -> None:
        """Run first in each worker: no network, and at most ``limits.max_memory`` more memory."""
        self.forbid_network()
        if self.limits.max_memory:
            _limit_memory(self.limits.max_memory)

    @staticmethod
    def forbid_network() -> None:
        """No network in this process, whatever a query (or a future rdflib) tries."""
        sys.addaudithook(_refuse_network)
        # rdflib's own GRAPH evaluation calls its deprecated Dataset methods
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\.plugins\.sparql\.evaluate")

    # ------------------------------------------------------------------ jobs

    def handle(self, job: Job) -> Response:
        """Any job's answer; never raises."""
        try:
            if isinstance(job, SparqlJob):
                return self.sparql(job)
            if isinstance(job, ServiceJob):
                return self.describe_service(job)
            return api.handle(self.kg, job.name, dict(job.params))
        except Exception as exc:  # a bug, not bad input: answer 500 and keep the worker alive
            return error_response(ServerError(f"internal error: {type(exc).__name__}: {exc}"), as_json=isinstance(job, ApiJob))

    def sparql(self, job: SparqlJob) -> Response:
        """A query's answer, or the error that refuses it, as text."""
        try:
            request = job.request
            if request.names_dataset:
                check_graphs(request.default_graphs or (), self.held, "default-graph-uri")
                check_graphs(request.named_graphs or (), self.held, "named-graph-uri")
            prepared = self._prepare(request.query, job.endpoint)
            media, fmt = choose_format(prepared.form, job.accept)
            default_graph, dataset = self._dataset(request, prepared)
            try:  # rdflib evaluates lazily: its errors can surface while the rows are read
                body = self._serialize(evaluate(prepared, default_graph, dataset), fmt)
            except ExographError:
                raise
            except MemoryError:
                raise ResultTooLargeError(
                    f"the query needed more than {self.limits.max_memory // 1_000_000} MB of memory (the --max-memory limit) and was stopped; "
                    "narrow it, or drop the ORDER BY / DISTINCT over a large result"
                ) from None
            except Exception as exc:
                raise QueryError(f"query failed: {' '.join(str(exc).split())[:300] or type(exc).__name__}") from None
            if len(body) > self.limits.max_bytes:
                raise ResultTooLargeError(
                    f"the result is {len(body)} bytes, more than the limit of {self.limits.max_bytes} (--max-bytes); add a LIMIT or select fewer variables"
                )
            charset = "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else ""
            return Response(200, media + charset, body)
        except ExographError as exc:
            return error_response(exc, as_json=False)

    def describe_service(self, job: ServiceJob) -> Response:
        """The SPARQL 1.1 Service Description, in the graph format the client accepts."""
        media = negotiate(job.accept, list(GRAPH_FORMATS))
        if media is None:
            refusal = ProtocolError(f"cannot describe the service as {job.accept}; accept one of: {', '.join(GRAPH_FORMATS)}", 406)
            return error_response(refusal, as_json=False)
        counts = {iri: len(g) for iri, g in self.held.items()}
        graph = service_description(job.endpoint, len(self.default_graph), counts, self.limits.as_dict())
        return Response(200, media + "; charset=utf-8", _graph_bytes(graph, GRAPH_FORMATS[media], SD_PREFIXES))

    # ------------------------------------------------------------------ helpers

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one Backend per process, alive as long as it
    def _prepare(self, query: str, base: str) -> PreparedQuery:
        """The checked, translated query; parsing costs more than answering a small query, and
        clients repeat theirs (the named queries, a polling dashboard), so each worker keeps the
        last 256. Refusals and syntax errors are raised again each time, never cached."""
        return prepare_query(query, graphs=self.held, base=base)

    def _dataset(self, request: QueryRequest, prepared: PreparedQuery) -> tuple[Graph, Dataset]:
        """(default graph, dataset of named graphs): the protocol's dataset wins over the query's."""
        from rdflib import Dataset, Graph, URIRef

        if request.names_dataset:
            defaults, named = request.default_graphs or (), request.named_graphs or ()
        elif prepared.names_dataset:
            defaults, named = prepared.default_graphs, prepared.named_graphs
        else:
            return self.default_graph, self.named
        dataset = Dataset()
        for iri in dict.fromkeys(named):
            graph = dataset.graph(URIRef(iri))
            graph += self.held[iri]
        unique = list(dict.fromkeys(defaults))
        if len(unique) == 1:
            return self.held[unique[0]], dataset
        merged = Graph()
        for iri in unique:
            merged += self.held[iri]
        return merged, dataset

    def _serialize(self, result: Result, fmt: str) -> bytes:
        limit = self.limits.max_results
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            graph = result.graph
            assert graph is not None
            if len(graph) > limit:
                raise ResultTooLargeError(f"the result has {len(graph)} triples, more than the limit of {limit} (--max-results); narrow the query")
            return _graph_bytes(graph, fmt)
        if result.type == "ASK":
            return _table_bytes(result, fmt)
        rows = list(islice(iter(result), limit + 1))
        if len(rows) > limit:
            raise ResultTooLargeError(f"the result has more than {limit} rows, the limit (--max-results); add a LIMIT or narrow the query")
        return _table_bytes(_select_result(result, rows), fmt)


def _select_result(result: Result, rows: list[Any]) -> Result:
    """A SELECT result holding exactly ``rows`` (the ones read within the limit)."""
    from rdflib.query import Result

    variables = list(result.vars or [])
    out = Result("SELECT")
    out.vars = variables
    out.bindings = [{v: value for v, value in zip(variables, row, strict=True) if value is not None} for row in rows]
    return out


def _table_bytes(result: Result, fmt: str) -> bytes:
    if fmt == "json":
        return json_bytes(result_json(result))
    if fmt == "tsv":
        return _tsv(result).encode("utf-8")
    data = result.serialize(format=fmt)  # xml, csv
    assert isinstance(data, bytes)
    return data


def _tsv(result: Result) -> str:
    """SPARQL 1.1 TSV: a header of ?variables, then one line per row, terms in Turtle syntax."""
    variables = list(result.vars or [])
    lines = ["\t".join(f"?{v}" for v in variables)]
    for binding in result.bindings:
        lines.append("\t".join(_tsv_term(binding.get(v)) for v in variables))
    return "\n".join(lines) + "\n"


def _tsv_term(term: Node | None) -> str:
    from rdflib import BNode, Literal

    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    return f"<{term}>"


def _graph_bytes(graph: Graph, fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
    """A graph in Turtle (sorted; the exograph prefixes, or ``prefixes``), N-Triples (sorted lines), JSON-LD or RDF/XML."""
    if fmt == "turtle":
        from exograph.io.turtle import turtle_text

        return turtle_text(graph, dict(prefixes) if prefixes is not None else None).encode("utf-8")
    text = graph.serialize(format=fmt)
    if fmt == "nt":
        text = "".join(sorted(line + "\n" for line in text.splitlines() if line.strip()))
    return text.encode("utf-8")


#: the prefixes of the service description's Turtle
SD_PREFIXES = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "formats": "http://www.w3.org/ns/formats/",
    "void": "http://rdfs.org/ns/void#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}

_NETWORK_EVENTS = frozenset({"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr", "urllib.Request"})


def _limit_memory(extra: int) -> None:
    """Cap this process's address space at its present size plus ``extra`` bytes (Linux): a query
    that would take more gets MemoryError instead of pushing the machine into the OOM killer."""
    import resource

    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            present = int(handle.read().split()[0]) * resource.getpagesize()
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = present + extra
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    except (OSError, ValueError):
        pass  # not Linux: the time limit still applies


def _refuse_network(event: str, args: tuple[Any, ...]) -> None:
    if event in _NETWORK_EVENTS:
        raise PermissionError(f"exograph's query workers never use the network ({event} refused)")
