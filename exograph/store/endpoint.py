"""A remote SPARQL 1.1 endpoint as a read-only store (Virtuoso, an Oxigraph server, QLever...).

Everything exograph does runs on the endpoint through the same :class:`~exograph.store.Store`
seam as on a local store: the index is built from a few SELECT queries (each answer paged, so a
server's result cap cannot silently cut it), the relations on an answer are read with a few more,
and user queries are checked (no update, no SERVICE, no graph the endpoint does not hold) before
they are sent. Only this module talks HTTP, with ``httpx``; nothing but the named endpoint is
ever contacted.

Credentials come from the environment (``$EXOGRAPH_ENDPOINT_USER`` and
``$EXOGRAPH_ENDPOINT_PASSWORD``, HTTP Basic), never from the command line. Every failure is one
line naming the endpoint and the fix: unreachable, refused, slow (``$EXOGRAPH_ENDPOINT_TIMEOUT``
seconds, 60 by default), an HTML page where results were expected, malformed results, a 401.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from exograph.errors import QueryError, StoreError
from exograph.store import QueryResult, check_dataset, gist, one_line
from exograph.terms import IRI, BNode, Literal, Term, Triple

log = logging.getLogger("exograph.store")

if TYPE_CHECKING:
    import httpx

#: rows asked for in one request; a server that caps its answers lower (Virtuoso: 10,000 by
#: default) is read in pages of its cap
PAGE = 50_000
TIMEOUT = 60.0  #: seconds to wait for an answer

_JSON = "application/sparql-results+json"
_CSV = "text/csv"
_NTRIPLES = "application/n-triples"
#: graphs a server keeps for itself, never data (Virtuoso's configuration and its LDP and DAV graphs)
_SYSTEM_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#", "http://localuriqaserver/", "http://localhost:8890/DAV")
_PROJECTION = re.compile(r"\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?(.*?)\s*WHERE\b", re.IGNORECASE | re.DOTALL)
_VARIABLE = re.compile(r"\bAS\s+[?$](\w+)\s*\)|(?<![\w(])[?$](\w+)", re.IGNORECASE)


class EndpointStore:
    """A :class:`~exograph.store.Store` on a remote SPARQL endpoint, read-only.

    ``graph``: the named graph holding the data (sent as the protocol's ``default-graph-uri``),
    or None for the endpoint's default graph. ``requests`` counts the HTTP requests made.
    """

    def __init__(
        self,
        url: str,
        *,
        graph: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = TIMEOUT,
        page: int = PAGE,
    ) -> None:
        import httpx

        if not re.match(r"https?://[^\s/]+", url):
            raise StoreError(f"endpoint '{url}' is not an http(s) URL; give the SPARQL endpoint's address, e.g. http://localhost:7878/query")
        self.url = url
        self.graph = graph
        self.timeout = timeout
        self.page = max(1, page)
        self.requests = 0
        self._lock = threading.Lock()
        self._graphs: list[IRI] | None = None
        self._size: int | None = None
        self._auth = httpx.BasicAuth(user, password or "") if user else None
        self._client = self._fresh_client()

    def _fresh_client(self) -> httpx.Client:
        import httpx

        return httpx.Client(auth=self._auth, timeout=httpx.Timeout(self.timeout), follow_redirects=False, trust_env=False)

    @classmethod
    def from_environment(cls, url: str, *, graph: str | None = None) -> EndpointStore:
        """A store on ``url`` with the credentials, timeout and page size of the environment."""
        return cls(
            url,
            graph=graph,
            user=os.environ.get("EXOGRAPH_ENDPOINT_USER") or None,
            password=os.environ.get("EXOGRAPH_ENDPOINT_PASSWORD") or None,
            timeout=_number("EXOGRAPH_ENDPOINT_TIMEOUT", TIMEOUT),
            page=int(_number("EXOGRAPH_ENDPOINT_PAGE", PAGE)),
        )

    # ------------------------------------------------------------------ the Store interface

    def query(
        self,
        sparql: str,
        *,
        base: str | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        from exograph.query import with_prefixes

        form = check_dataset(sparql, self.graphs(), base=base, default_graphs=default_graphs, named_graphs=named_graphs)
        text = with_prefixes(sparql if base is None else f"BASE <{base}>\n{sparql}")
        graph = form in ("CONSTRUCT", "DESCRIBE")
        body = self._ask(text, _NTRIPLES if graph else _JSON, default_graphs=default_graphs, named_graphs=named_graphs)
        if graph:
            return QueryResult(form, triples=_ntriples(body, self.url))
        data = _results_json(body, self.url)
        if form == "ASK":
            return QueryResult("ASK", boolean=_boolean(data, self.url))
        try:
            return QueryResult.from_json(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise StoreError(f"the SPARQL endpoint {self.url} answered malformed SPARQL JSON results ({one_line(exc)})") from None

    def _select_values(self, sparql: str) -> list[tuple[str, ...]]:
        """One of exograph's own SELECT queries, as lexical values (see :func:`exograph.store.select_values`).

        The rows are counted first, then read as CSV: whole when they fit in a page of
        :attr:`page` rows, else in pages in a stable order. A server that returns fewer rows
        than asked for (a result cap, such as Virtuoso's ResultSetMaxRows) is read in pages of
        what it returns; an answer that still falls short of the count is an error, never a
        silent loss."""
        from exograph.query import with_prefixes

        inner = _strip_prologue(sparql)
        total = int(self._csv(with_prefixes(f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ {inner} }} }}"))[0][0] or 0)
        rows: list[tuple[str, ...]] = []
        page = self.page
        if total <= page:
            rows = self._csv(with_prefixes(sparql))
            if len(rows) == total:
                return rows
            page, rows = max(len(rows), 1), []  # cut short: the server's cap, in pages of it
        variables = " ".join(f"?{v}" for v in projected(inner))  # the columns in the query's order, and the sort key
        while len(rows) < total:
            ordered = f"SELECT {variables} WHERE {{ {{ {inner} }} }} ORDER BY {variables} LIMIT {page} OFFSET {len(rows)}"
            got = self._csv(with_prefixes(ordered))
            if not got:
                break
            if len(got) < min(page, total - len(rows)):
                page = len(got)  # the server's cap: ask for no more than it gives
            rows.extend(got)
        if len(rows) != total:
            raise StoreError(
                f"the SPARQL endpoint {self.url} returned {len(rows)} of {total} rows; its results changed while being read,"
                f" or it caps them below {page} (set $EXOGRAPH_ENDPOINT_PAGE to at most its limit)"
            )
        return rows

    def triples(self, subject: Term | None = None, predicate: Term | None = None, object: Term | None = None, *, graph: str | None = None) -> Iterator[Triple]:
        bound = (subject, predicate, object)
        parts = [_pattern(t, v) for t, v in zip(bound, "spo", strict=True)]
        pattern = " ".join(parts) + " ."
        where = f"GRAPH <{graph}> {{ {pattern} }}" if graph else pattern
        free = [f"?{v}" for t, v in zip(bound, "spo", strict=True) if t is None]
        if not free:
            if self.query(f"ASK {{ {where} }}").boolean:
                yield subject, predicate, object  # type: ignore[misc]
            return
        for row in self.query(f"SELECT {' '.join(free)} WHERE {{ {where} }}").iter_rows():
            values = iter(row)
            yield tuple(t if t is not None else next(values) for t in bound)  # type: ignore[misc]

    def graphs(self) -> list[IRI]:
        """The endpoint's named graphs but the one holding the data, and the server's own
        (Virtuoso keeps its configuration in graphs of its own)."""
        if self._graphs is None:
            rows = self._csv("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
            if rows and not any(row[0] for row in rows):  # an engine that does not bind ?g on an empty pattern (Virtuoso)
                rows = self._csv("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            found = {row[0] for row in rows if row and row[0] and not row[0].startswith("_:")}
            self._graphs = sorted(IRI(g) for g in found if g != self.graph and not g.startswith(_SYSTEM_GRAPHS))
        return list(self._graphs)

    def __len__(self) -> int:
        if self._size is None:
            self._size = int(self._csv("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0][0] or 0)
        return self._size

    @property
    def fingerprint(self) -> str | None:
        """The endpoint, its graph, its size and its named graphs: what the kept index is keyed by
        (data rewritten to the same size is not seen: clear the cache, or set $EXOGRAPH_NO_CACHE)."""
        key = json.dumps([self.url, self.graph, len(self), self.graphs()])
        return "endpoint-" + hashlib.sha256(key.encode()).hexdigest()[:32]

    @property
    def address(self) -> tuple[str, int]:
        """The endpoint's host and port: the one place a server's sandboxed query workers may connect to."""
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        return parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)

    def reopened(self) -> EndpointStore:
        """The same endpoint with a client of its own (after a fork: a connection pool is not shared)."""
        fresh = EndpointStore(self.url, graph=self.graph, timeout=self.timeout, page=self.page)
        fresh._auth = self._auth
        fresh._client = fresh._fresh_client()
        fresh._graphs, fresh._size = self._graphs, self._size
        return fresh

    @property
    def location(self) -> str:
        """Where the store is, for keeping what is derived from it (the index) in the cache."""
        return f"{self.url}#{self.graph or ''}"

    @property
    def concurrent(self) -> bool:
        """A server answers requests side by side."""
        return True

    def close(self) -> None:
        self._client.close()

    def __repr__(self) -> str:
        graph = f", graph <{self.graph}>" if self.graph else ""
        return f"EndpointStore({self.url}{graph})"

    # ------------------------------------------------------------------ HTTP

    def _csv(self, text: str) -> list[tuple[str, ...]]:
        body = self._ask(text, _CSV)
        try:
            reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
            header = next(reader, None)
            if header is None:
                return []
            width = len(header)
            rows = [tuple(row) if row else ("",) * width for row in reader]  # a blank line: one unbound value
        except (UnicodeDecodeError, csv.Error) as exc:
            raise StoreError(f"the SPARQL endpoint {self.url} answered malformed CSV results ({one_line(exc)})") from None
        if any(len(row) != width for row in rows):
            raise StoreError(f"the SPARQL endpoint {self.url} answered CSV rows of another width than its header ({width} columns)")
        return rows

    def _ask(self, text: str, accept: str, *, default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None) -> bytes:
        """POST one query (the SPARQL 1.1 protocol, form-encoded); the body of a successful answer."""
        import httpx

        form: list[tuple[str, str]] = [("query", text)]
        defaults = list(default_graphs) if default_graphs is not None else [self.graph] if self.graph else []
        form += [("default-graph-uri", g) for g in defaults] + [("named-graph-uri", g) for g in named_graphs or ()]
        with self._lock:
            self.requests += 1
        started = time.perf_counter()
        try:
            response = self._client.post(self.url, data=dict(_merge(form)), headers={"Accept": accept})  # type: ignore[arg-type]
        except httpx.TimeoutException:
            raise StoreError(
                f"the SPARQL endpoint {self.url} did not answer within {self.timeout:g} s; ask a smaller question or raise $EXOGRAPH_ENDPOINT_TIMEOUT"
            ) from None
        except httpx.HTTPError as exc:
            raise StoreError(f"cannot reach the SPARQL endpoint {self.url} ({one_line(exc)}); check the URL and that the server is running") from None
        log.debug("%s answered %d (%d bytes) in %.3f s: %s", self.url, response.status_code, len(response.content), time.perf_counter() - started, gist(text))
        return _body(response, self.url, accept)


def _body(response: httpx.Response, url: str, accept: str) -> bytes:
    status = response.status_code
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if status in (401, 403):
        raise StoreError(
            f"the SPARQL endpoint {url} refused access (HTTP {status}); set $EXOGRAPH_ENDPOINT_USER and $EXOGRAPH_ENDPOINT_PASSWORD to credentials it accepts"
        )
    if 300 <= status < 400:
        raise StoreError(f"the SPARQL endpoint {url} redirects (HTTP {status}) to {response.headers.get('location', '?')}; give that address instead")
    if status >= 400:
        reason = _first_line(response)
        if status in (400, 422):  # the protocol's answer to a query it cannot parse or run
            raise QueryError(f"malformed SPARQL, says the endpoint {url} (HTTP {status}): {reason}; check the query near that position")
        raise StoreError(f"the SPARQL endpoint {url} failed (HTTP {status}): {reason}")
    if kind in ("text/html", "application/xhtml+xml"):
        raise StoreError(f"{url} answered an HTML page, not SPARQL results; give the SPARQL endpoint itself (often ending /sparql or /query)")
    return response.content


def _first_line(response: httpx.Response) -> str:
    text = response.text.strip()
    if response.headers.get("content-type", "").startswith("text/html"):
        text = re.sub(r"<[^>]+>", " ", text)
    return one_line(Exception(text.splitlines()[0] if text else response.reason_phrase))[:200]


def _results_json(body: bytes, url: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise StoreError(f"the SPARQL endpoint {url} answered malformed JSON where SPARQL results were expected") from None
    if not isinstance(data, dict) or not ("boolean" in data or isinstance(data.get("results"), dict)):
        raise StoreError(f"the SPARQL endpoint {url} answered JSON that is not SPARQL results")
    return data


def _boolean(data: dict[str, Any], url: str) -> bool:
    """The answer to an ASK query; Virtuoso 7 answers it as a one-column table (``__ASK_RETVAL``:
    a row holding 1 when true, no row when false)."""
    if isinstance(data.get("boolean"), bool):
        return bool(data["boolean"])
    if data.get("head", {}).get("vars") == ["__ASK_RETVAL"]:
        rows = data["results"].get("bindings", [])
        return any(str(row.get("__ASK_RETVAL", {}).get("value", "0")) not in ("0", "false") for row in rows)
    raise StoreError(f"the SPARQL endpoint {url} answered an ASK query without a boolean; is it a SPARQL 1.1 endpoint?")


def _ntriples(body: bytes, url: str) -> list[Triple]:
    import pyoxigraph as ox

    from exograph.store.oxigraph import from_ox

    try:
        return [(from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]  # type: ignore[misc]
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"the SPARQL endpoint {url} answered malformed N-Triples ({one_line(exc)})") from None


def _merge(form: list[tuple[str, str]]) -> dict[str, Any]:
    """Form fields, a repeated name as a list (httpx sends each value)."""
    out: dict[str, Any] = {}
    for name, value in form:
        if name in out:
            out[name] = [*([out[name]] if isinstance(out[name], str) else out[name]), value]
        else:
            out[name] = value
    return out


def _pattern(term: Term | None, variable: str) -> str:
    if term is None:
        return f"?{variable}"
    if isinstance(term, Literal):
        return json.dumps(term.value) + (f"@{term.language}" if term.language else f"^^<{term.datatype}>")
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be asked about over an endpoint")
    return f"<{term}>"


def _strip_prologue(sparql: str) -> str:
    """A query without its PREFIX / BASE lines (they go before the wrapping query)."""
    return re.sub(r"^\s*(PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*", "", sparql, flags=re.IGNORECASE | re.MULTILINE).strip()


def projected(select: str) -> list[str]:
    """The variables one of exograph's SELECT queries projects, in order (``?x`` or ``(... AS ?x)``)."""
    found = _PROJECTION.search(select)
    if found is None or found.group(1).strip() == "*":
        raise ValueError(f"not a SELECT query with named variables: {select[:60]}")
    clause, names, depth, start = found.group(1), [], 0, 0
    for i, char in enumerate(clause):
        if char == "(":
            depth += 1
            start = i if depth == 1 else start
        elif char == ")":
            depth -= 1
            if depth == 0:
                alias = re.search(r"\bAS\s+[?$](\w+)\s*$", clause[start + 1 : i], re.IGNORECASE)
                if alias:
                    names.append(alias.group(1))
        elif char in "?$" and depth == 0:
            names.append(re.match(r"\w*", clause[i + 1 :]).group(0))  # type: ignore[union-attr]
    return list(dict.fromkeys(n for n in names if n))


def _number(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise StoreError(f"${name} is '{value}', not a number; give a positive number") from None
    if number <= 0:
        raise StoreError(f"${name} is {value}; give a positive number")
    return number
