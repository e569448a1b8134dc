"""SPARQL: named queries, execution with a time limit, and the result formats.

Every store checks a query before its engine sees it (:func:`exograph.sparql.analyse`): updates
and SERVICE are refused, and FROM / FROM NAMED may name only graphs the store holds. The standard
exograph prefixes are declared for every query. Named queries ship as ``.rq`` files in
``exograph/queries/``.

A query given a time limit (:func:`run_query`, the API's) runs in a forked child process that
shares the loaded store, sends its answer back as W3C JSON through a pipe, and is killed when it
runs too long: Oxigraph, like rdflib, cannot be interrupted inside the process, and the caller's
process must live on. (``exograph query``, whose process ends with the query, runs it in its own
thread and ends itself from a timer instead: no fork, no second opening of the store.)
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import select
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exograph import vocab
from exograph.errors import QueryError, QueryTimeoutError
from exograph.store import QueryResult, one_line
from exograph.terms import BNode, Literal, Term, Triple, n_triples, term_from_json, term_json

if TYPE_CHECKING:
    from exograph.store import Store


@dataclass(frozen=True)
class NamedQuery:
    """A competency question shipped with exograph."""

    name: str
    title: str
    text: str


_QUERIES = Path(__file__).resolve().parent / "queries"  #: the shipped queries, NAME.rq (a package directory, in a wheel too)


def named_queries() -> dict[str, NamedQuery]:
    """The shipped queries by name; a query's title is its first ``# title:`` comment line."""
    return {path.stem: _named(path) for path in sorted(_QUERIES.glob("*.rq"))}


def _named(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    title = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("# title:")), path.name)
    return NamedQuery(path.stem, title, text)


def query_text(arg: str) -> str:
    """The SPARQL behind a command-line argument: a named query, a file, or the query itself."""
    if re.fullmatch(r"[A-Za-z0-9_-]+", arg) and (_QUERIES / f"{arg}.rq").is_file():  # a name, never a path
        return _named(_QUERIES / f"{arg}.rq").text
    if "\n" not in arg and len(arg) < 4096 and arg.strip().endswith((".rq", ".sparql")):
        path = Path(arg)
        if not path.is_file():
            raise QueryError(f"{arg}: no such query file; give a file path, a named query (exograph query --list) or SPARQL text")
        return path.read_text(encoding="utf-8")
    if not any(word in arg.upper() for word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE")):
        raise QueryError(f"'{arg}' is neither a named query nor SPARQL; run 'exograph query --list' for the named queries")
    return arg


def bind(sparql: str, bindings: dict[str, str]) -> str:
    """``sparql`` with each variable of ``bindings`` fixed to an IRI (a ``VALUES`` block opening its
    first ``WHERE`` group): how a named query answers for one entity (``--bind cancer="lung cancer"``)."""
    from exograph.terms import iri_ref

    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or not re.search(rf"[?$]{name}\b", sparql):
            raise QueryError(f'the query has no variable ?{name} to bind; bind one of its variables (e.g. --bind cancer="lung cancer")')
    where = re.search(r"\bWHERE\s*\{", sparql, re.IGNORECASE)
    if where is None:
        raise QueryError("the query has no WHERE {...} group to bind variables in")
    values = "".join(f" VALUES ?{name} {{ {iri_ref(iri)} }}" for name, iri in sorted(bindings.items()))
    return sparql[: where.end()] + values + sparql[where.end() :]


def with_prefixes(sparql: str) -> str:
    """``sparql`` with the standard exograph PREFIX declarations it does not declare itself
    (for engines that take no default prefixes, such as rdflib)."""
    lowered = sparql.lower()
    missing = [p for p in vocab.PREFIXES if f"prefix {p}:" not in lowered]
    return "".join(f"PREFIX {p}: <{vocab.PREFIXES[p]}>\n" for p in missing) + sparql


def run_query(store: Store, sparql: str, *, timeout: float | None = None) -> QueryResult:
    """Check and run ``sparql`` on ``store``; with ``timeout``, in a child process killed after
    that many seconds (:class:`QueryTimeoutError`)."""
    if timeout is None:
        result = store.query(sparql)
        result.rows  # noqa: B018 - read now, so that failures surface here
        return result
    return _run_in_child(store, sparql, timeout)


def timed_out(timeout: float) -> str:
    """What is said of a query stopped after ``timeout`` seconds."""
    return f"the query ran longer than {timeout:g} s (--timeout) and was stopped; narrow it, add a LIMIT or give a larger --timeout"


def _run_in_child(store: Store, sparql: str, timeout: float) -> QueryResult:
    from exograph.sparql import analyse

    analyse(sparql)  # refusals and lexical errors are answered at once, without a fork
    from exograph.process import die_with_parent

    reopen = getattr(store, "reopened", None)
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: run the query, write the answer, exit without cleanup
        code = 0
        try:
            die_with_parent(parent)
            signal.signal(signal.SIGALRM, signal.SIG_DFL)  # a backstop: ends the child even inside the engine
            signal.setitimer(signal.ITIMER_REAL, timeout + max(1.0, timeout / 2))
            os.close(read_fd)
            mine = reopen() if callable(reopen) else store
            try:
                payload: dict[str, Any] = {"result": result_payload(run_query(mine, sparql))}
            except QueryError as exc:
                payload = {"error": str(exc), "kind": type(exc).__name__}
            data = json.dumps(payload).encode("utf-8")
            view = memoryview(data)
            while view:
                view = view[os.write(write_fd, view) :]
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise QueryTimeoutError(timed_out(timeout))
            ready, _, _ = select.select([read_fd], [], [], left)
            if ready:
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        os.close(read_fd)
        _end(pid)
    if not chunks:
        raise QueryError("the query failed: its process ended without an answer (out of memory?)")
    payload = json.loads(b"".join(chunks))
    if "error" in payload:
        from exograph import errors

        kind = getattr(errors, payload.get("kind", ""), QueryError)
        raise (kind if isinstance(kind, type) and issubclass(kind, QueryError) else QueryError)(payload["error"])
    return result_from_payload(payload["result"])


def _end(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def result_payload(result: QueryResult) -> dict[str, Any]:
    """A result as JSON data: W3C JSON for tables, a list of triples of W3C terms for graphs."""
    if result.is_graph:
        return {"form": result.form, "triples": [[term_json(t) for t in triple] for triple in result.triples]}
    return result.to_json()


def result_from_payload(data: dict[str, Any]) -> QueryResult:
    if "triples" in data:
        triples: list[Triple] = [tuple(term_from_json(t) for t in triple) for triple in data["triples"]]  # type: ignore[misc]
        return QueryResult(data["form"], triples=triples)
    return QueryResult.from_json(data)


# --------------------------------------------------------------------------- output


def result_json(result: QueryResult) -> dict[str, Any]:
    """SELECT and ASK results in the W3C SPARQL 1.1 Query Results JSON format."""
    return result.to_json()


def format_result(result: QueryResult, fmt: str) -> str:
    """Render a result: ``table`` (readable), ``json`` (W3C; JSON-LD for graphs) or ``csv``."""
    if result.is_graph:
        if fmt == "json":
            from exograph.io.jsonld import jsonld_text

            return jsonld_text(result.triples)
        from exograph.io.turtle import turtle_text

        return turtle_text(result.triples)
    if fmt == "json":
        return json.dumps(result.to_json(), indent=2, ensure_ascii=False)
    if result.form == "ASK":
        return "true" if result.boolean else "false"
    if fmt == "csv":
        return csv_text(result).rstrip("\n")
    rows = [["" if t is None else _cell(t) for t in row] for row in result.rows]
    return _table(list(result.variables), rows)


def csv_text(result: QueryResult, *, newline: str = "\n") -> str:
    """SPARQL 1.1 CSV: a header of variables, one line per row, terms as plain strings (the
    standard ends lines with CRLF: ``newline="\\r\\n"``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(result.variables)
    for row in result.iter_rows():
        writer.writerow(["" if t is None else f"_:{t}" if isinstance(t, BNode) else str(t) for t in row])
    return buffer.getvalue()


def tsv_text(result: QueryResult) -> str:
    """SPARQL 1.1 TSV: a header of ?variables, one line per row, terms in Turtle syntax."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.iter_rows():
        lines.append("\t".join("" if t is None else n_triples(t) for t in row))
    return "\n".join(lines) + "\n"


def xml_text(result: QueryResult) -> str:
    """The SPARQL Query Results XML Format; a value XML 1.0 cannot carry is a QueryError."""
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>\n']
    out += [f"<variable name={quoteattr(v)}/>\n" for v in result.variables]
    out.append("</head>\n")
    if result.form == "ASK":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>\n</sparql>\n")
        return "".join(out)
    out.append("<results>\n")
    for row in result.iter_rows():
        out.append("<result>")
        for variable, term in zip(result.variables, row, strict=True):
            if term is not None:
                out.append(f"<binding name={quoteattr(variable)}>{_xml_term(term)}</binding>")
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out)


def escape(text: str) -> str:
    """Text as XML character data (``&``, ``<`` and ``>`` escaped)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """Text as a double-quoted XML attribute value (white space other than spaces kept by character references)."""
    escaped = escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    return f'"{escaped}"'


def _xml_term(term: Term) -> str:
    text = _xml_safe(str(term))
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(text)}</literal>"
        if term.datatype != vocab.XSD + "string":
            return f"<literal datatype={quoteattr(term.datatype)}>{escape(text)}</literal>"
        return f"<literal>{escape(text)}</literal>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(text)}</bnode>"
    return f"<uri>{escape(text)}</uri>"


def _xml_safe(text: str) -> str:
    for c in text:
        code = ord(c)
        if (code < 0x20 and c not in "\t\n\r") or code in (0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"the result holds the character U+{code:04X}, which XML cannot carry; ask for JSON (application/sparql-results+json) instead")
    return text


def _cell(term: Term) -> str:
    """A term as a table shows it, terminal-safe (no escape sequences, no bidi overrides)."""
    from exograph.text import safe

    return safe(_plain(term))


def _plain(term: Term) -> str:
    if isinstance(term, Literal):
        return term.value
    if isinstance(term, BNode):
        return f"_:{term}"
    return vocab.shorten(str(term))


def _table(header: list[str], rows: list[list[str]], width: int = 60) -> str:
    clipped = [[c if len(c) <= width else c[: width - 1] + "…" for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in clipped]) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in clipped]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


__all__ = [
    "NamedQuery",
    "QueryResult",
    "csv_text",
    "format_result",
    "named_queries",
    "one_line",
    "query_text",
    "run_query",
    "tsv_text",
    "with_prefixes",
    "xml_text",
]
