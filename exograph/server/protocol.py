"""The SPARQL 1.1 Protocol: requests read, result formats negotiated, the service described.

Pure functions over the pieces of an HTTP request (method, query string, Content-Type, body,
Accept), so they are tested without a socket. Queries arrive by GET, by POST of a form, or by POST
of the query itself (``application/sparql-query``); ``default-graph-uri`` / ``named-graph-uri``
choose the dataset. Updates are refused whichever way they come: the endpoint is read-only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs

from exograph import vocab
from exograph.errors import ProtocolError, QueryRefusedError
from exograph.terms import IRI, BNode, Literal, Triple

UPDATES_REFUSED = "this SPARQL endpoint is read-only: updates are refused (exograph never changes the graph it serves)"

#: result formats of SELECT, by media type, in the server's order of preference
SELECT_FORMATS: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
}
#: ASK has a boolean, which only the JSON and XML formats can carry
ASK_FORMATS: dict[str, str] = {k: v for k, v in SELECT_FORMATS.items() if v in ("json", "xml")}
#: graph formats of CONSTRUCT, DESCRIBE and the service description
GRAPH_FORMATS: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
FORMATS_OF_FORM: dict[str, dict[str, str]] = {
    "SELECT": SELECT_FORMATS,
    "ASK": ASK_FORMATS,
    "CONSTRUCT": GRAPH_FORMATS,
    "DESCRIBE": GRAPH_FORMATS,
}


@dataclass(frozen=True)
class QueryRequest:
    """A query and the dataset the protocol names (``None``: it names none; the query's own, or the server's)."""

    query: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None

    @property
    def names_dataset(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None


def read_request(method: str, query_string: str, content_type: str | None, body: bytes) -> QueryRequest | None:
    """The query of a request to the endpoint, or ``None`` for a request of the service description.

    Raises :class:`ProtocolError` (with its HTTP status) for a request the protocol does not allow,
    and :class:`QueryRefusedError` for an update.
    """
    params = _form(query_string, "the URL's query string")
    if method == "GET":
        if "update" in params:
            raise QueryRefusedError(UPDATES_REFUSED)
        if "query" not in params:
            return None
        queries = params["query"]
    elif method == "POST":
        media, charset = _media_type(content_type)
        if media == "application/sparql-update":
            raise QueryRefusedError(UPDATES_REFUSED)
        if media == "application/x-www-form-urlencoded":
            fields = _form(_decode(body, "utf-8"), "the form")
            if "update" in fields or "update" in params:
                raise QueryRefusedError(UPDATES_REFUSED)
            for name, values in fields.items():
                params.setdefault(name, []).extend(values)
            if "query" not in params:
                raise ProtocolError("the form has no 'query' field; send query=SPARQL", 400)
            queries = params["query"]
        elif media == "application/sparql-query":
            if "update" in params:
                raise QueryRefusedError(UPDATES_REFUSED)
            if "query" in params:
                raise ProtocolError("a query sent as application/sparql-query goes in the body, not also in the URL", 400)
            if charset not in (None, "utf-8"):
                raise ProtocolError(f"the query is sent as {charset}; send it as UTF-8 (charset=utf-8)", 415)
            queries = [_decode(body, "utf-8")]
        elif media is None:
            raise ProtocolError("a POST to the endpoint needs a Content-Type: application/x-www-form-urlencoded or application/sparql-query", 415)
        else:
            raise ProtocolError(f"cannot read a POST of {media}; send application/x-www-form-urlencoded or application/sparql-query", 415)
    else:
        raise ProtocolError(f"{method} is not a SPARQL Protocol method; query with GET or POST", 405)
    if len(queries) != 1:
        raise ProtocolError(f"give exactly one query (the request has {len(queries)})", 400)
    defaults, named = params.get("default-graph-uri"), params.get("named-graph-uri")
    if defaults is None and named is None:
        return QueryRequest(queries[0])
    return QueryRequest(queries[0], tuple(defaults or ()), tuple(named or ()))


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The media type of ``offered`` (best first) that ``accept`` prefers; ``None`` if it accepts none.

    Each offered type takes the quality of the most specific range it matches (``a/b``, ``a/*``,
    ``*/*``); ties go to the earlier offered type. No Accept header accepts anything.
    """
    if not accept or not accept.strip():
        return offered[0] if offered else None
    ranges: list[tuple[str, str, float]] = []
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        kind, _, sub = media.partition("/")
        ranges.append((kind, sub, quality))
    best, best_quality = None, 0.0
    for media in offered:
        kind, _, sub = media.partition("/")
        specificity, quality = -1, 0.0
        for range_kind, range_sub, range_quality in ranges:
            if (range_kind, range_sub) == (kind, sub):
                level = 2
            elif (range_kind, range_sub) == (kind, "*"):
                level = 1
            elif (range_kind, range_sub) == ("*", "*"):
                level = 0
            else:
                continue
            if level > specificity:
                specificity, quality = level, range_quality
        if quality > best_quality:
            best, best_quality = media, quality
    return best


def choose_format(form: str, accept: str | None) -> tuple[str, str]:
    """(media type to answer, serializer name) for a query form; :class:`ProtocolError` 406 if none fits."""
    formats = FORMATS_OF_FORM[form]
    media = negotiate(accept, list(formats))
    if media is None:
        raise ProtocolError(f"cannot answer {form} as {accept}; accept one of: {', '.join(formats)}", 406)
    return media, formats[media]


def service_description(endpoint: str, default_triples: int, named: Mapping[str, int], limits: Mapping[str, float | int]) -> list[Triple]:
    """The SPARQL 1.1 Service Description of the endpoint, as triples."""
    sd = "http://www.w3.org/ns/sparql-service-description#"
    formats = "http://www.w3.org/ns/formats/"
    void = "http://rdfs.org/ns/void#"
    a, comment = IRI(vocab.RDF + "type"), IRI(vocab.RDFS + "comment")
    service = IRI(endpoint)
    g: list[Triple] = [
        (service, a, IRI(sd + "Service")),
        (service, IRI(sd + "endpoint"), service),
        (service, IRI(sd + "supportedLanguage"), IRI(sd + "SPARQL11Query")),
        (service, IRI(sd + "feature"), IRI(sd + "EmptyGraphs")),
    ]
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD", "RDF_XML"):
        g.append((service, IRI(sd + "resultFormat"), IRI(formats + name)))
    limit_text = ", ".join(f"{k} {v}" for k, v in limits.items())
    g.append((service, comment, Literal(f"exograph, read-only: updates, SERVICE and graphs not held locally are refused; limits: {limit_text}")))
    dataset, default = BNode("dataset"), BNode("default")
    g += [
        (service, IRI(sd + "defaultDataset"), dataset),
        (dataset, a, IRI(sd + "Dataset")),
        (dataset, IRI(sd + "defaultGraph"), default),
        (default, a, IRI(sd + "Graph")),
        (default, IRI(void + "triples"), Literal.of(default_triples)),
    ]
    for number, (iri, triples) in enumerate(sorted(named.items())):
        entry, graph = BNode(f"named{number}"), BNode(f"graph{number}")
        g += [
            (dataset, IRI(sd + "namedGraph"), entry),
            (entry, a, IRI(sd + "NamedGraph")),
            (entry, IRI(sd + "name"), IRI(iri)),
            (entry, IRI(sd + "graph"), graph),
            (graph, a, IRI(sd + "Graph")),
            (graph, IRI(void + "triples"), Literal.of(triples)),
        ]
    return g


def _form(text: str, where: str) -> dict[str, list[str]]:
    try:
        return parse_qs(text, keep_blank_values=True, errors="strict", max_num_fields=200)
    except UnicodeDecodeError:
        raise ProtocolError(f"{where} is not UTF-8 once percent-decoded; encode the query as UTF-8", 400) from None
    except ValueError as exc:
        raise ProtocolError(f"cannot read {where}: {exc}", 400) from None


def _decode(body: bytes, charset: str) -> str:
    try:
        return body.decode(charset)
    except UnicodeDecodeError:
        raise ProtocolError("the request body is not UTF-8; send the query as UTF-8", 400) from None


def _media_type(header: str | None) -> tuple[str | None, str | None]:
    """(media type, charset) of a Content-Type header, both lower case."""
    if not header or not header.strip():
        return None, None
    pieces = [p.strip() for p in header.split(";")]
    charset = None
    for param in pieces[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower().replace("utf8", "utf-8")
    return pieces[0].lower(), charset
