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
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exograph.errors import ExographError, ProtocolError, ResultTooLargeError, ServerError
from exograph.server import api
from exograph.server.protocol import GRAPH_FORMATS, SELECT_FORMATS, QueryRequest, choose_format, negotiate, service_description
from exograph.server.response import Response, error_response, json_bytes
from exograph.store import QueryResult
from exograph.terms import Triple, iri_ref, n_triples

if TYPE_CHECKING:
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
    """The loaded store and the handlers of every job; built once, before the workers fork."""

    def __init__(self, kg: KnowledgeGraph, graphs: Mapping[str, Path] | None = None, limits: Limits | None = None) -> None:
        from exograph.store.oxigraph import OxigraphStore, parse_into

        self.kg = kg
        self.limits = limits or Limits()
        self.store = kg.store
        if graphs:
            if not isinstance(self.store, OxigraphStore) or self.store.path is not None:
                raise ServerError(
                    "--graph IRI=PATH holds files beside a graph in memory; with --store, load them into the store (exograph load FILE --graph IRI --store DIR)"
                )
            for iri, path in sorted(graphs.items()):
                parse_into(self.store.inner, Path(path), graph=iri)
        #: the named graphs the store holds, with their sizes (for the service description)
        self.held: dict[str, int] = {}
        for iri in self.store.graphs():
            count = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {iri_ref(iri)} {{ ?s ?p ?o }} }}").rows[0][0]
            self.held[iri] = int(str(count))
        self.default_size = len(self.store)

    # ------------------------------------------------------------------ life

    def warm_up(self) -> None:
        """Load and import, once and before the fork, what every worker would otherwise do itself."""
        index = self.kg.index
        _ = index.arrays, index.stats, index.predicate_labels
        self.kg.suggest("warm up")
        jobs = [("SELECT ?s WHERE { ?s a ?type } LIMIT 1", accept) for accept in SELECT_FORMATS]
        jobs += [("CONSTRUCT { ?s a ?type } WHERE { ?s a ?type } LIMIT 1", accept) for accept in GRAPH_FORMATS]
        jobs.append(("ASK { GRAPH ?g { ?s ?p ?o } }", "application/sparql-results+json"))
        for query, accept in jobs:
            response = self.sparql(SparqlJob(QueryRequest(query), accept, "http://localhost/sparql"))
            if response.status not in (200, 422):  # 422: a --max-bytes smaller than these answers
                raise ServerError(f"the SPARQL engine fails a simple query: {response.body.decode().strip()}")

    def enter_worker(self) -> None:
        """Run first in each worker: its own handles on an on-disk store and index (a database's
        threads and locks do not survive a fork), no network, at most ``limits.max_memory`` more memory."""
        reopen = getattr(self.store, "reopened", None)
        if callable(reopen):
            fresh = reopen()
            if fresh is not self.store:
                from exograph.index import Index

                self.store = self.kg.store = fresh
                kept = self.kg.index.path
                if kept is not None:
                    index = Index.open(kept)
                    if index is not None:
                        self.kg.__dict__["index"] = index
        self.forbid_network(getattr(self.store, "address", None))
        if self.limits.max_memory:
            _limit_memory(self.limits.max_memory)

    @staticmethod
    def forbid_network(endpoint: tuple[str, int] | None = None) -> None:
        """No network from Python code in this process, whatever a query tries (the engine's own
        network use, SERVICE, is refused before any query reaches it); when the store is a remote
        endpoint (host, port), connections to it alone are let through."""
        allowed: set[tuple[str, int]] = set()
        if endpoint is not None:
            host, port = endpoint
            allowed = {(host, port)} | {(str(info[4][0]), port) for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
        sys.addaudithook(functools.partial(_refuse_network, frozenset(allowed)))

    # ------------------------------------------------------------------ jobs

    def handle(self, job: Job) -> Response:
        """Any job's answer; never raises."""
        try:
            if isinstance(job, SparqlJob):
                return self.sparql(job)
            if isinstance(job, ServiceJob):
                return self.describe_service(job)
            answer = api.handle(self.kg, job.name, dict(job.params))
            if len(answer.body) > self.limits.max_bytes:  # the explorer's calls obey --max-bytes as queries do
                refusal = ResultTooLargeError(
                    f"the answer is {len(answer.body)} bytes, more than the limit of {self.limits.max_bytes} (--max-bytes);"
                    " ask for less (a smaller limit, fewer hops, no 'all')"
                )
                return error_response(refusal, as_json=True)
            return answer
        except MemoryError:  # reading a huge query, or answering, ran into --max-memory: say so, never "malformed"
            megabytes = self.limits.max_memory // 1_000_000
            limit = f"more than {megabytes} MB of memory (the --max-memory limit)" if self.limits.max_memory else "more memory than is free"
            refusal = ResultTooLargeError(f"the request needed {limit} and was stopped; send a smaller query, or narrow it")
            return error_response(refusal, as_json=isinstance(job, ApiJob))
        except Exception as exc:  # a bug, not bad input: answer 500 and keep the worker alive
            return error_response(ServerError(f"internal error: {type(exc).__name__}: {exc}"), as_json=isinstance(job, ApiJob))

    def sparql(self, job: SparqlJob) -> Response:
        """A query's answer, or the error that refuses it, as text."""
        from exograph.sparql import analyse

        try:
            request = job.request
            form = analyse(request.query, base=job.endpoint).form
            media, fmt = choose_format(form, job.accept)
            result = self.store.query(request.query, base=job.endpoint, default_graphs=request.default_graphs, named_graphs=request.named_graphs)
            try:
                body = self._serialize(result, fmt)
            except ExographError:
                raise
            except MemoryError:
                raise ResultTooLargeError(
                    f"the query needed more than {self.limits.max_memory // 1_000_000} MB of memory (the --max-memory limit) and was stopped; "
                    "narrow it, or drop the ORDER BY / DISTINCT over a large result"
                ) from None
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
        triples = service_description(job.endpoint, self.default_size, self.held, self.limits.as_dict())
        return Response(200, media + "; charset=utf-8", graph_bytes(triples, GRAPH_FORMATS[media], SD_PREFIXES))

    # ------------------------------------------------------------------ helpers

    def _serialize(self, result: QueryResult, fmt: str) -> bytes:
        limit = self.limits.max_results
        if result.is_graph:
            triples = list(islice(result.iter_rows(), limit + 1))
            if len(triples) > limit:
                raise ResultTooLargeError(f"the result has more than {limit} triples, the limit (--max-results); narrow the query")
            return graph_bytes(triples, fmt)
        if result.form == "SELECT":
            rows = list(islice(result.iter_rows(), limit + 1))
            if len(rows) > limit:
                raise ResultTooLargeError(f"the result has more than {limit} rows, the limit (--max-results); add a LIMIT or narrow the query")
            result = QueryResult("SELECT", variables=result.variables, rows=rows)
        return table_bytes(result, fmt)


def table_bytes(result: QueryResult, fmt: str) -> bytes:
    """A SELECT or ASK result in a W3C results format: json, xml, csv or tsv."""
    from exograph.query import csv_text, tsv_text, xml_text

    if fmt == "json":
        return json_bytes(result.to_json())
    if fmt == "xml":
        return xml_text(result).encode("utf-8")
    if fmt == "csv":
        return csv_text(result, newline="\r\n").encode("utf-8")
    return tsv_text(result).encode("utf-8")


def graph_bytes(triples: list[Triple], fmt: str, prefixes: Mapping[str, str] | None = None) -> bytes:
    """Triples in Turtle (sorted; the exograph prefixes, or ``prefixes``), N-Triples (sorted lines),
    JSON-LD or RDF/XML."""
    if fmt == "turtle":
        from exograph.io.turtle import turtle_text

        return turtle_text(triples, dict(prefixes) if prefixes is not None else None).encode("utf-8")
    if fmt == "json-ld":
        from exograph.io.jsonld import jsonld_text

        return jsonld_text(triples, dict(prefixes) if prefixes is not None else None).encode("utf-8")
    if fmt == "nt":
        return "".join(sorted({" ".join(n_triples(t) for t in triple) + " .\n" for triple in triples})).encode("utf-8")
    import pyoxigraph as ox

    from exograph.store.oxigraph import to_ox

    data = ox.serialize([ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples], format=ox.RdfFormat.RDF_XML)
    assert isinstance(data, bytes)
    return data


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


def _refuse_network(allowed: frozenset[tuple[str, int]], event: str, args: tuple[Any, ...]) -> None:
    if event not in _NETWORK_EVENTS:
        return
    if allowed and event in ("socket.getaddrinfo", "socket.connect"):
        host, port = (args[0], args[1]) if event == "socket.getaddrinfo" else (tuple(args[1])[:2] if isinstance(args[1], tuple) else (None, None))
        if (str(host), int(port or 0)) in allowed:
            return  # the store's own endpoint
    raise PermissionError(f"exograph's query workers never use the network ({event} refused)")
