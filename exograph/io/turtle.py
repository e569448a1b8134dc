"""Turtle out and RDF in: a deterministic writer over exograph's terms, atomic writes, and the
rdflib parser (for :class:`~exograph.store.rdflib.RdflibStore` and SHACL validation).

The writer sorts subjects, predicates and objects and uses prefixed names where they are
valid, so a diff of ``data/triples.ttl`` shows exactly which records changed.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from exograph import vocab
from exograph.errors import DataError
from exograph.terms import IRI, XSD_BOOLEAN, XSD_INTEGER, Literal, Term, Triple, iri_ref, n_triples

if TYPE_CHECKING:
    from rdflib import Graph


# --------------------------------------------------------------------------- writing

_PN_LOCAL = re.compile(r"[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def turtle_text(triples: Iterable[Triple], prefixes: dict[str, str] | None = None) -> str:
    """Deterministic Turtle: sorted, one subject block each, prefixed names where valid, every
    other IRI and literal escaped so that re-parsing gives exactly these triples."""
    prefixes = dict(vocab.PREFIXES if prefixes is None else prefixes)
    used: set[str] = set()

    def term(node: Term) -> str:
        if isinstance(node, IRI):
            if node == _RDF_TYPE:
                return "a"
            for prefix, namespace in prefixes.items():
                if node.startswith(namespace) and _PN_LOCAL.fullmatch(node[len(namespace) :]):
                    used.add(prefix)
                    return f"{prefix}:{node[len(namespace) :]}"
            return iri_ref(node)
        if isinstance(node, Literal) and node.datatype == XSD_BOOLEAN and node.value in ("true", "false"):
            return node.value
        if isinstance(node, Literal) and node.datatype == XSD_INTEGER and re.fullmatch(r"[+-]?[0-9]+", node.value):
            return node.value
        return n_triples(node)

    def sort_key(node: Term) -> tuple[int, str]:
        if node == _RDF_TYPE and isinstance(node, IRI):
            return (0, "")
        return (1 if isinstance(node, IRI) else 3 if isinstance(node, Literal) else 2, str(node))

    by_subject: dict[Term, dict[Term, set[Term]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, {}).setdefault(p, set()).add(o)
    blocks = []
    for subject in sorted(by_subject, key=sort_key):
        predicates = by_subject[subject]
        lines = []
        for predicate in sorted(predicates, key=sort_key):
            objects = sorted(predicates[predicate], key=sort_key)
            lines.append(f"    {term(predicate)} " + " ,\n        ".join(term(o) for o in objects))
        blocks.append(term(subject) + "\n" + " ;\n".join(lines) + " .\n")
    header = "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in sorted(used))
    return header + "\n" + "\n".join(blocks)


def rdflib_triples(g: Graph) -> Iterator[Triple]:
    """The triples of an rdflib graph as exograph terms."""
    from exograph.store.rdflib import from_rdflib

    for s, p, o in g:
        yield from_rdflib(s), from_rdflib(p), from_rdflib(o)


_RDF_TYPE = IRI(vocab.RDF + "type")


#: a temporary left this long beside its file was left by a process that was killed: removed
STALE_SECONDS = 600


def remove_stale_temporaries(path: Path) -> None:
    """Remove the temporaries (``.NAME.*.tmp``) killed writers left beside ``path``; a recent one
    may be another writer's at work, and is kept."""
    import time

    now = time.time()
    try:
        for tmp in path.parent.glob(f".{path.name}.*.tmp"):
            try:
                if now - tmp.stat().st_mtime > STALE_SECONDS:
                    tmp.unlink()
            except OSError:
                pass
    except OSError:
        pass


def write_text_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` (a string, or its UTF-8 bytes as they are) to ``path`` via a temporary file,
    flushed to disk, and a rename: never half-written. A symbolic link is written through (the file it names is replaced, the link
    kept); a path that is not a regular file (``/dev/stdout``, a pipe) is written to as it is,
    never replaced. Any failure is a one-line DataError naming the path, and leaves no temporary."""
    import stat

    from exograph.errors import DataError

    path = Path(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        if path.is_symlink():
            path = path.resolve()
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                with open(path, "wb") as handle:
                    handle.write(data)
                return
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual mode
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DataError(f"{path}: cannot write it ({reason}); give a path in a directory you can write") from None


# --------------------------------------------------------------------------- reading

_FORMATS = {".ttl": "turtle", ".nt": "nt", ".n3": "n3", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld", ".rdf": "xml", ".owl": "xml", ".xml": "xml"}


def parse_into(g: Graph, path: Path) -> None:
    """Parse an RDF file into ``g``; a syntax error becomes a one-line DataError with file:line."""
    if not path.is_file():
        raise DataError(f"{path}: no such file; pass an existing Turtle file to --data")
    from exograph.store.oxigraph import refuse_unsafe

    fmt = _FORMATS.get(path.suffix.lower(), "turtle")
    refuse_unsafe(path)
    try:
        g.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many types; all mean the file is malformed
        raise DataError(f"{path}:{_line_of(exc)}: malformed {fmt}: {_first_line(exc)}; fix the syntax there") from None


def _line_of(exc: Exception) -> str:
    # rdflib's Turtle errors keep the text and the offset of the fault; their "line N" runs past
    # the end of the file when the fault is at the end, so count the lines ourselves
    text, offset = getattr(exc, "_str", None), getattr(exc, "_i", None)
    if isinstance(text, bytes | str) and isinstance(offset, int):
        newline = b"\n" if isinstance(text, bytes) else "\n"
        return str(text[:offset].count(newline) + 1)  # type: ignore[arg-type]
    match = re.search(r"line (\d+)", str(exc))
    return match.group(1) if match else "?"


def _first_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    match = re.search(r"Bad syntax \(([^)]*)\)", text)
    if match:
        return match.group(1)
    return text[:160] if text else type(exc).__name__
