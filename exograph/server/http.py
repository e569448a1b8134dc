"""The HTTP process: routes requests, serves the explorer's files, and lives and dies cleanly.

Routes: ``/sparql`` (SPARQL 1.1 Protocol), ``/api/<call>`` (JSON, :mod:`exograph.server.api`),
``/`` (the explorer page) and ``/static/<file>`` (its scripts and style sheets, from the package).
Every answer that needs the graph is computed by a worker (:mod:`exograph.server.workers`) under
the time limit; threads here only read requests and write bytes. Bound to a loopback address,
the server answers only requests addressed to a loopback name (no DNS rebinding).
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import re
import signal
import socket
import threading
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from exograph.errors import ExographError, ProtocolError, ResultTooLargeError, ServerError, WorkerDiedError
from exograph.server.engine import ApiJob, Backend, Job, Limits, ServiceJob, SparqlJob
from exograph.server.protocol import read_request
from exograph.server.response import Response, error_response, text_response
from exograph.server.workers import WorkerPool

if TYPE_CHECKING:
    from exograph.kg import KnowledgeGraph

log = logging.getLogger("exograph.server")

#: the largest request body read (a query, a form)
MAX_BODY = 1_000_000
#: the most bytes of headers read from one request (a request line and headers of a few KB is usual)
MAX_HEADER_BYTES = 32_768
#: the most connections served at once; one more is answered 503 and closed
MAX_CONNECTIONS = 64
#: a Host header: a name or an IPv4 address, or an IPv6 address in brackets, and maybe a port
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")

PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"

_ASSETS = {
    "explorer.js": ("template", "text/javascript; charset=utf-8"),
    "explorer.css": ("template", "text/css; charset=utf-8"),
    "graph.js": ("template", "text/javascript; charset=utf-8"),
    "vis-network.min.js": ("vis", "text/javascript; charset=utf-8"),
    "vis-network.css": ("vis", "text/css; charset=utf-8"),
}


class Server:
    """``exograph serve``: the SPARQL endpoint and the explorer of ``kg`` on ``host:port``.

    The port is bound first (port 0 picks a free one; see :attr:`url`), then the graph and the
    named ``graphs`` (IRI -> RDF file) are loaded and ``workers`` worker processes forked.
    Build it before starting any thread. :meth:`run` serves until Ctrl-C or SIGTERM.
    """

    def __init__(
        self,
        kg: KnowledgeGraph,
        *,
        graphs: Mapping[str, Path] | None = None,
        host: str = "127.0.0.1",
        port: int = 8000,
        workers: int = 2,
        limits: Limits | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self._assets = _load_assets()
        self._httpd = _bind(host, port)
        self._httpd.app = self
        try:
            self.backend = Backend(kg, graphs, self.limits)
            self.backend.warm_up()
            self.pool = WorkerPool(self.backend.handle, workers, close_fds=[self._httpd.fileno()], on_start=self.backend.enter_worker)
        except BaseException:
            self._httpd.server_close()
            raise
        bound_host, bound_port = self._httpd.server_address[:2]
        self.host, self.port = str(bound_host), int(bound_port)
        self._loopback = _is_loopback(self.host)

    @property
    def url(self) -> str:
        """The explorer's address; the SPARQL endpoint is ``url + "sparql"``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def endpoint(self) -> str:
        return self.url + "sparql"

    def run(self) -> None:
        """Serve until Ctrl-C or SIGTERM (when run in the main thread) or :meth:`shutdown`, then
        stop the workers."""
        previous = {}
        if threading.current_thread() is threading.main_thread():
            # SIGINT too: a shell starting the server in the background leaves SIGINT ignored
            for signum in (signal.SIGINT, signal.SIGTERM):
                previous[signum] = signal.signal(signum, _interrupt)
        try:
            self._httpd.serve_forever(poll_interval=0.25)
        except KeyboardInterrupt:
            pass
        finally:
            self.close()
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def shutdown(self) -> None:
        """Make :meth:`run` return (from another thread)."""
        self._httpd.shutdown()

    def close(self) -> None:
        """Stop listening and end the worker processes."""
        self._httpd.server_close()
        self.pool.close()

    # ------------------------------------------------------------------ answers

    def answer(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Response:
        """The response to one request (``target`` is the request line's path and query)."""
        url = urlsplit(target)
        path = url.path
        try:
            if not target.startswith("/"):
                raise ProtocolError("the request target must be a path (/sparql?...), not an absolute URI", 400)
            if not self._host_allowed(headers.get("host")):
                raise ProtocolError(f"this server answers requests for {self.url} only (Host: {headers.get('host')})", 403)
            self._refuse_cross_site(headers)
            if path in ("/sparql", "/sparql/"):
                return self._sparql(method, url.query, headers, body)
            if method != "GET":
                raise ProtocolError(f"{method} is not allowed here; use GET", 405)
            if path.startswith("/api/"):
                params = _single_values(url.query)
                return self._run(ApiJob(path[len("/api/") :], tuple(sorted(params.items()))))
            if path in ("/", "/index.html"):
                return self._asset_response("explorer.html")
            if path.startswith("/static/") and path[len("/static/") :] in _ASSETS:
                return self._asset_response(path[len("/static/") :])
            raise ProtocolError(f"nothing at {path}; the explorer is at /, the SPARQL endpoint at /sparql", 404)
        except ExographError as exc:
            return error_response(exc, as_json=path.startswith("/api/"))

    def _sparql(self, method: str, query_string: str, headers: Mapping[str, str], body: bytes) -> Response:
        request = read_request(method, query_string, headers.get("content-type"), body)
        accept = headers.get("accept")
        job = ServiceJob(accept, self.endpoint) if request is None else SparqlJob(request, accept, self.endpoint)
        return self._run(job)

    def _run(self, job: Job) -> Response:
        """A job's answer from a worker; a worker that dies on it (under a memory limit, the
        engine aborts when an allocation fails) is answered as the limit it most likely hit."""
        try:
            return self.pool.run(job, self.limits.timeout)  # type: ignore[no-any-return]
        except WorkerDiedError:
            if not self.limits.max_memory:
                raise
            raise ResultTooLargeError(
                f"the query needed more than {self.limits.max_memory // 1_000_000} MB of memory (the --max-memory limit) and was stopped "
                "(its worker ended, and has been replaced); narrow it, or drop the ORDER BY / DISTINCT over a large result"
            ) from None

    def _asset_response(self, name: str) -> Response:
        content_type, data = self._assets[name]
        return Response(200, content_type, data, (("Cache-Control", "no-cache"),))

    def _host_allowed(self, host_header: str | None) -> bool:
        if host_header is None:
            return True
        if not _HOST.fullmatch(host_header.strip()):  # no user info (evil.com@127.0.0.1), no path, no spaces
            return False
        if not self._loopback:
            return True
        name = urlsplit(f"//{host_header.strip()}").hostname or ""
        return name in ("localhost", self.host) or _is_loopback(name)

    def _refuse_cross_site(self, headers: Mapping[str, str]) -> None:
        """Refuse what a page of another origin makes a browser send: its ``Sec-Fetch-Site``
        (cross-site, or same-site: another port of this machine), or an ``Origin`` that is not
        this server's. A no-cors GET carries no Origin, so only Sec-Fetch-Site stops that route;
        clients that are not browsers send neither, and are served."""
        site = headers.get("sec-fetch-site", "").strip().lower()
        if site in ("cross-site", "same-site"):
            raise ProtocolError(f"a request from another site's page is refused (Sec-Fetch-Site: {site}); open the explorer at {self.url}", 403)
        origin = headers.get("origin")
        if origin is not None and origin.strip().lower() != f"http://{headers.get('host', '').strip().lower()}":
            raise ProtocolError(f"a request from another origin is refused (Origin: {origin.strip()[:100]}); open the explorer at {self.url}", 403)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    app: Server
    _active = 0
    _count = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread per connection, at most :data:`MAX_CONNECTIONS` at once: one more is told so and closed."""
        with self._count:
            busy = self._active >= MAX_CONNECTIONS
            if not busy:
                self._active += 1
        if busy:
            body = b"the server is serving as many connections as it takes; try again shortly\n"
            try:
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\n"
                    + b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body)
                    + body
                )
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._count:
                self._active -= 1


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "exograph"
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a connection may stay silent
    # headers and body go out as two writes: without TCP_NODELAY a keep-alive client waits for
    # the delayed ACK (40 ms) before the body
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_OPTIONS(self) -> None:
        self._handle("OPTIONS")

    def do_HEAD(self) -> None:
        self._handle("GET")  # the GET's headers; _send leaves the body out

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (a malformed request line, a URL too long, an unknown method) as text."""
        self.close_connection = True
        if code == HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE:
            message = f"the request's headers are too large (at most {MAX_HEADER_BYTES} bytes, 100 headers); send fewer or smaller headers"
        self._send(text_response(message or HTTPStatus(code).phrase, code))

    def parse_request(self) -> bool:
        """http.server's parsing, with the headers read against a budget of :data:`MAX_HEADER_BYTES`
        and exactly one Host header."""
        raw = self.rfile
        self.rfile = _Budget(raw, MAX_HEADER_BYTES)  # type: ignore[assignment]
        try:
            parsed = super().parse_request()
        finally:
            self.rfile = raw
        if parsed and len(self.headers.get_all("Host") or ()) > 1:
            self.send_error(HTTPStatus.BAD_REQUEST, "give one Host header")
            return False
        return parsed

    def _handle(self, method: str) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            body = self._read_body(headers)
        except ProtocolError as exc:
            self.close_connection = True
            self._send(error_response(exc, as_json=self.path.startswith("/api/")))
            return
        self._send(self.server.app.answer(method, self.path, headers, body))

    def _read_body(self, headers: Mapping[str, str]) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            raise ProtocolError("send the body with a Content-Length, not chunked", 411)
        text = headers.get("content-length", "").strip()
        if not text:
            return b""
        if not text.isdigit():
            raise ProtocolError(f"Content-Length '{text}' is not a number", 400)
        length = int(text)
        if length > MAX_BODY:
            raise ProtocolError(f"the request body is {length} bytes, more than the limit of {MAX_BODY}", 413)
        return self.rfile.read(length)

    def _send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Content-Security-Policy", PAGE_POLICY if response.content_type.startswith("text/html") else DATA_POLICY)
            if response.status == 405:
                self.send_header("Allow", "GET, POST" if urlsplit(getattr(self, "path", "")).path.startswith("/sparql") else "GET")
            for name, value in response.headers:
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if getattr(self, "command", None) != "HEAD":
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away; nothing to tell it

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        log.info("%s %s", self.address_string(), (format % args).translate(_CONTROL))


#: control characters as escapes, so a request line cannot drive the terminal of whoever reads the log
_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))}


class _Budget:
    """A request's input, read line by line against a budget of bytes (for the headers)."""

    def __init__(self, raw: Any, budget: int) -> None:
        self.raw, self.left = raw, budget

    def readline(self, limit: int = -1) -> bytes:
        line = self.raw.readline(min(limit, self.left + 1) if limit >= 0 else self.left + 1)
        self.left -= len(line)
        if self.left < 0:
            raise http.client.LineTooLong("headers")
        return bytes(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def _bind(host: str, port: int) -> _HTTPServer:
    cls = _HTTPServer6 if ":" in host else _HTTPServer
    try:
        return cls((host, port), _Handler)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ServerError(f"cannot listen on {host}:{port}: {reason}; pass another --port (or --host)") from None


def _load_assets() -> dict[str, tuple[str, bytes]]:
    from exograph.viz import template_text, vis_asset

    assets = {"explorer.html": ("text/html; charset=utf-8", template_text("explorer.html").encode("utf-8"))}
    for name, (where, content_type) in _ASSETS.items():
        text = template_text(name) if where == "template" else vis_asset(name)
        assets[name] = (content_type, text.encode("utf-8"))
    return assets


def _single_values(query_string: str) -> dict[str, str]:
    if query_string.count("&") + query_string.count(";") >= 50:
        raise ProtocolError("more than 50 parameters in the URL; an API call takes a few")
    try:
        params = parse_qs(query_string, keep_blank_values=True, errors="strict", max_num_fields=50)
    except (UnicodeDecodeError, ValueError):
        raise ProtocolError("cannot read the URL's parameters; percent-encode them as UTF-8") from None
    repeated = sorted(name for name, values in params.items() if len(values) > 1)
    if repeated:
        raise ProtocolError(f"give parameter '{repeated[0]}' once")
    return {name: values[0] for name, values in params.items()}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


__all__ = ["Server", "ServerError"]
