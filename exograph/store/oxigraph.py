"""Oxigraph as exograph's store: in memory (files parsed at start) or on disk (a directory).

An on-disk exograph store is a directory holding ``oxigraph/`` (the RocksDB database), the
manifest ``exograph-store.json`` and the derived index ``index.sqlite`` (see :mod:`exograph.index`).
``exograph load`` creates or extends one (:func:`load_files`); every other command opens it
read-only. A bare Oxigraph database directory (made by ``oxigraph load``, say) opens read-only too.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from exograph import vocab
from exograph.errors import DataError, QueryError, StoreError
from exograph.store import QueryResult, check_dataset, gist, one_line
from exograph.terms import IRI, RDF_LANG_STRING, XSD_STRING, BNode, Literal, Term, Triple

log = logging.getLogger("exograph.store")

MANIFEST = "exograph-store.json"
DATABASE = "oxigraph"
STORE_FORMAT = "exograph-store"
STORE_VERSION = 1

#: RDF formats by file suffix
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".n3": ox.RdfFormat.N3,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


class OxigraphStore:
    """A :class:`~exograph.store.Store` on a pyoxigraph ``Store``.

    Build one with :meth:`memory` (RDF files parsed into memory) or :meth:`open` (a directory).
    """

    def __init__(self, inner: ox.Store | None, *, path: Path | None = None, read_only: bool = False, sources: Sequence[Path] = ()) -> None:
        self._inner = inner  #: None: an on-disk store not opened yet (it opens on first use)
        self.path = path  #: the store directory (None: in memory)
        self.read_only = read_only
        self.sources = tuple(sources)  #: the files parsed into an in-memory store
        self._length: int | None = None
        self._fingerprint: str | None = None
        self._dataset: tuple[Any, ...] | None = None  #: a view's default graph: the store's and some named graphs (see with_graphs)
        self.notes: list[str] = []  #: what a user should know about the files loaded (one line each)

    # ------------------------------------------------------------------ construction

    @classmethod
    def memory(cls, sources: Iterable[Path] = (), *, graphs: Mapping[str, Path] | None = None) -> OxigraphStore:
        """An in-memory store of RDF files (into the default graph) and of ``graphs`` (IRI -> file)."""
        started = time.perf_counter()
        store = cls(ox.Store(), sources=[Path(p) for p in sources])
        for path in store.sources:
            small = path.is_file() and path.stat().st_size < 10_000_000  # counting a small store is cheap
            before = len(store.inner) if small else 0
            graphs_before = set(store.inner.named_graphs())
            parse_into(store.inner, path)
            if small and len(store.inner) == before:
                store.notes.append(f"{path} added nothing: it holds no RDF triples (is it empty, or not an RDF file?)")
            added = set(store.inner.named_graphs()) - graphs_before
            if added:
                store.notes.append(
                    f"{path} put quads in {len(added)} named graph(s): exograph reads entities and relations from the default graph, and"
                    " named graphs as imported database evidence; give curated data as triples (Turtle, N-Triples), or load it into a store"
                )
        for iri, path in sorted((graphs or {}).items()):
            parse_into(store.inner, Path(path), graph=iri)
        log.info("read %d file(s) into an in-memory store in %.2f s", len(store.sources) + len(graphs or {}), time.perf_counter() - started)
        return store

    @classmethod
    def open(cls, directory: Path) -> OxigraphStore:
        """The store in ``directory`` (an exograph store, or a bare Oxigraph database), read-only;
        the database opens on first use (a command that hands its query to a child never opens it)."""
        directory = Path(directory)
        if not is_store(directory):
            raise StoreError(f"{directory}: no exograph store there; create it with 'exograph load FILE... --store {directory}'")
        return cls(None, path=directory, read_only=True)

    @property
    def inner(self) -> ox.Store:
        """The pyoxigraph store."""
        if self._inner is None:
            assert self.path is not None
            started = time.perf_counter()
            try:
                self._inner = ox.Store.read_only(str(database_dir(self.path)))
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot open the store ({one_line(exc)})") from None
            log.info("opened the store %s read-only in %.2f s", self.path, time.perf_counter() - started)
        return self._inner

    def reopened(self) -> OxigraphStore:
        """This store for a forked child process: an on-disk store opened anew if this process has
        opened it (a database's threads and locks do not survive a fork); an in-memory one as it is."""
        if self.path is None or self._inner is None:
            return self
        fresh = OxigraphStore.open(self.path)
        fresh._dataset = self._dataset
        return fresh

    def with_graphs(self, graphs: Sequence[str]) -> OxigraphStore:
        """A view of this store whose default graph is its own merged with the named ``graphs``
        (nothing is copied): what a check of an imported graph sees beside the curation it links to."""
        view = OxigraphStore(self._inner, path=self.path, read_only=self.read_only, sources=self.sources)
        view._dataset = (ox.DefaultGraph(), *(ox.NamedNode(g) for g in graphs))
        return view

    # ------------------------------------------------------------------ the Store interface

    def triples(self, subject: Term | None = None, predicate: Term | None = None, object: Term | None = None, *, graph: str | None = None) -> Iterator[Triple]:
        if isinstance(subject, Literal) or (predicate is not None and not isinstance(predicate, IRI)):
            return  # no triple has a literal subject or a predicate that is not an IRI
        contexts = [ox.NamedNode(graph)] if graph else list(self._dataset or [ox.DefaultGraph()])
        for context in contexts:
            for quad in self.inner.quads_for_pattern(to_ox(subject), to_ox(predicate), to_ox(object), context):
                yield from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)

    def query(
        self,
        sparql: str,
        *,
        base: str | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        form = check_dataset(sparql, self.graphs(), base=base, default_graphs=default_graphs, named_graphs=named_graphs)
        return self._run(sparql, form, base=base, default_graphs=default_graphs, named_graphs=named_graphs)

    def _run(
        self, sparql: str, form: str, *, base: str | None = None, default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None
    ) -> QueryResult:
        options: dict[str, Any] = {"prefixes": vocab.PREFIXES, "base_iri": base}
        if default_graphs is not None or named_graphs is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs or ()]
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or ()]
        elif self._dataset is not None:
            options["default_graph"] = list(self._dataset)
        started = time.perf_counter()
        try:
            answer = self.inner.query(sparql, **options)
        except SyntaxError as exc:
            message = re.sub(r"^error at (\d+):(\d+): ", r"line \1, column \2: ", one_line(exc))
            raise QueryError(f"malformed SPARQL: {message}; check the query near that position") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {one_line(exc)}") from None
        log.debug("query evaluated in %.3f s: %s", time.perf_counter() - started, gist(sparql))
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            return QueryResult("SELECT", variables=variables, rows=_rows(answer))
        return QueryResult(form if form in ("CONSTRUCT", "DESCRIBE") else "CONSTRUCT", triples=_triples(answer))

    def _select_values(self, sparql: str) -> list[tuple[str, ...]]:
        """One of exograph's own SELECTs as lexical values (see :func:`exograph.store.select_values`),
        read as CSV that Oxigraph writes without holding the interpreter, so several can run at once."""
        import csv
        import io

        started = time.perf_counter()
        try:
            answer = self.inner.query(sparql, prefixes=vocab.PREFIXES, default_graph=list(self._dataset) if self._dataset else None)
            if not isinstance(answer, ox.QuerySolutions):
                raise QueryError("select_values needs a SELECT query")
            data = answer.serialize(format=ox.QueryResultsFormat.CSV)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {one_line(exc)}") from None
        except (OSError, ValueError, RuntimeError) as exc:
            raise QueryError(f"query failed: {one_line(exc)}") from None
        assert isinstance(data, bytes)
        reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
        next(reader, None)  # the header
        rows = [tuple(row) for row in reader]
        log.debug("%d row(s) in %.3f s: %s", len(rows), time.perf_counter() - started, gist(sparql))
        return rows

    def sorted_lines(self, *, named_graphs: bool = False) -> bytes | None:
        """The default graph as sorted N-Triples (with ``named_graphs``, the named graphs' quads
        too, as N-Quads), written by Oxigraph: ten times faster than a CONSTRUCT written line by
        line in Python, and a fifth of the memory (22 s and 1.7 GB for a million triples). None
        for a view merging named graphs into the default graph (see :meth:`with_graphs`)."""
        if self._dataset is not None:
            return None
        if named_graphs:
            data = self.inner.dump(format=ox.RdfFormat.N_QUADS)
        else:
            data = self.inner.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        assert isinstance(data, bytes)
        lines = data.split(b"\n")
        del data
        lines.sort()
        if lines and not lines[0]:  # what follows the last newline, sorted first
            del lines[0]
        return b"\n".join(lines) + b"\n" if lines else b""

    def graphs(self) -> list[IRI]:
        return sorted(IRI(g.value) for g in self.inner.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        if self._length is None:
            self._length = _count(self.inner, self._dataset)
        return self._length

    @property
    def concurrent(self) -> bool:
        """Oxigraph evaluates queries without holding the interpreter: threads run side by side."""
        return True

    @property
    def fingerprint(self) -> str | None:
        """For an on-disk store, a hash of its database files (see :func:`database_fingerprint`);
        None for a view (:meth:`with_graphs`), whose content is not the store's default graph."""
        if self.path is None or self._dataset is not None:
            return None
        if self._fingerprint is None:
            self._fingerprint = database_fingerprint(database_dir(self.path))
        return self._fingerprint

    def __repr__(self) -> str:
        where = str(self.path) if self.path else f"memory, {len(self.sources)} file(s)"
        if self._dataset is not None:
            where += ", with " + ", ".join(f"<{g.value}>" for g in self._dataset if isinstance(g, ox.NamedNode))
        return f"OxigraphStore({where})"


def _rows(solutions: ox.QuerySolutions) -> Iterator[tuple[Term | None, ...]]:
    for solution in solutions:
        yield tuple(None if t is None else from_ox(t) for t in solution)


def _triples(triples: Iterable[ox.Triple]) -> Iterator[Triple]:
    for t in triples:
        yield from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)


# --------------------------------------------------------------------------- terms


def from_ox(term: Any) -> Term:
    """An exograph term of a pyoxigraph term."""
    kind = type(term)
    if kind is ox.NamedNode:
        return IRI(term.value)
    if kind is ox.Literal:
        language = term.language
        if language:
            return Literal(term.value, RDF_LANG_STRING, language)
        return Literal(term.value, term.datatype.value)
    if kind is ox.BlankNode:
        return BNode(term.value)
    raise QueryError("RDF-star triple terms are not supported by exograph; select their parts instead")


def to_ox(term: Term | None) -> Any:
    """The pyoxigraph term of an exograph term (None stays None: a wildcard)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(term.value, language=term.language)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype)) if term.datatype != XSD_STRING else ox.Literal(term.value)
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    return ox.NamedNode(str(term))


# --------------------------------------------------------------------------- files


def parse_into(inner: ox.Store, path: Path, *, graph: str | None = None) -> None:
    """Parse an RDF file into a pyoxigraph store (its default graph, or ``graph``); a syntax error
    is a one-line DataError naming the file and the line."""
    if not Path(path).is_file():
        raise DataError(f"{path}: no such file; give an existing RDF file (Turtle, N-Triples, RDF/XML, JSON-LD...)")
    fmt = rdf_format(path)
    refuse_unsafe(path)
    try:
        if graph:
            inner.add_graph(ox.NamedNode(graph))  # held even when the file is empty
        inner.bulk_load(path=str(path), format=fmt, to_graph=ox.NamedNode(graph) if graph else ox.DefaultGraph())
    except SyntaxError as exc:
        raise syntax_error(path, fmt, exc) from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({one_line(exc)})") from None


def refuse_unsafe(path: Path) -> None:
    """Refuse, before any parser sees it, a file that is not text (binary data), and an RDF/XML
    file declaring a DTD or XML entities (an entity bomb: a kilobyte can expand to gigabytes)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(65_536)  # a DOCTYPE comes before the root element, at the start
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({one_line(exc)})") from None
    if b"\x00" in head:
        raise DataError(f"{path} is not a text RDF file (it holds binary data); give Turtle, N-Triples, N-Quads, TriG, RDF/XML or JSON-LD")
    if rdf_format(path) == ox.RdfFormat.RDF_XML and re.search(rb"<!\s*(DOCTYPE|ENTITY)", head, re.IGNORECASE):
        raise DataError(
            f"{path} declares a DTD or XML entities (<!DOCTYPE ...>), which exograph refuses: a few nested entities can expand to"
            " gigabytes; remove the DOCTYPE (RDF/XML needs none)"
        )


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, by its suffix (Turtle when the suffix says nothing)."""
    return FORMATS.get(Path(path).suffix.lower(), ox.RdfFormat.TURTLE)


def syntax_error(path: Path, fmt: ox.RdfFormat, exc: BaseException) -> DataError:
    """The one-line error for a malformed RDF file: file:line, what is wrong, how to fix it."""
    message = one_line(exc)
    match = re.search(r"line (\d+)", message)
    line = int(match.group(1)) if match else None
    if line is not None:
        line = min(line, _line_count(path))  # a fault at the very end is reported on the line after the last
        message = re.sub(r"^(Parser error )?(at|between) line \d+ column \d+( and line \d+ column \d+)?: ", "", message)
        message = re.sub(r" \((?:[^()]*, )?line \d+\)$", "", message)
    where = f"{path}:{line}" if line is not None else f"{path}"
    return DataError(f"{where}: malformed {fmt.name}: {message}; fix the syntax there")


def _line_count(path: Path) -> int:
    lines, last = 0, b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return max(1, lines + (last != b"\n"))


# --------------------------------------------------------------------------- on disk


def database_dir(directory: Path) -> Path:
    """Where the Oxigraph database of a store directory is: ``oxigraph/`` in an exograph store,
    the directory itself for a bare Oxigraph database."""
    directory = Path(directory)
    return directory / DATABASE if (directory / MANIFEST).is_file() else directory


def is_store(directory: Path) -> bool:
    """Whether ``directory`` holds an exograph store or a bare Oxigraph database."""
    directory = Path(directory)
    return (directory / MANIFEST).is_file() or (directory / "CURRENT").is_file()


def database_fingerprint(database: Path) -> str:
    """A hash of a RocksDB database's state: the names and sizes of its immutable table files and
    the contents of the files that change with every write (CURRENT, MANIFEST, write-ahead logs).
    Opening the database read-only changes none of them; any write changes at least one."""
    import hashlib

    digest = hashlib.sha256()
    try:
        names = sorted(os.listdir(database))
    except OSError as exc:
        raise StoreError(f"{database}: cannot read the store ({one_line(exc)})") from None
    for name in names:
        if name == "LOCK" or name.startswith("LOG"):
            continue  # RocksDB's own lock and diagnostic log, rewritten without any change of content
        path = database / name
        if not path.is_file():
            continue
        digest.update(name.encode() + b"\0" + str(path.stat().st_size).encode() + b"\0")
        if not name.endswith(".sst") and not name.endswith(".blob"):
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class LoadReport:
    """What ``exograph load`` did."""

    store: Path
    files: list[Path]
    created: bool
    triples_before: int
    triples_after: int
    graphs: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return self.triples_after - self.triples_before


Progress = Callable[[int], None]  #: called with the number of bytes read since the last call


def load_files(
    directory: Path,
    files: Sequence[Path],
    *,
    graph: str | None = None,
    progress: Progress | None = None,
    record: Sequence[str] | None = None,
) -> LoadReport:
    """Bulk-load RDF ``files`` into the on-disk store ``directory`` (created if absent; extended if
    present), then rebuild its index. Atomic: the files are loaded into a copy (a RocksDB
    checkpoint: hard links, nothing copied) that replaces the store only when every file loaded,
    so a malformed file (named with its line) leaves the store exactly as it was. ``record`` is what
    the store's manifest lists as loaded (default: the files' paths; an importer names the database
    file it converted, not its temporary RDF)."""
    import shutil
    import tempfile

    from exograph.index import build_index

    directory = Path(directory)
    files = [Path(f) for f in files]
    for path in files:
        if not path.is_file():
            what = "not a regular file (a directory, a pipe...)" if path.exists() else "no such file"
            raise DataError(f"{path}: {what}; give the RDF files to load")
    created = not directory.exists()
    if not created and not (directory / MANIFEST).is_file():
        what = "a bare Oxigraph database" if (directory / "CURRENT").is_file() else "not an exograph store"
        raise StoreError(f"{directory}: {what}; give a new directory (or an exograph store) to --store")
    parent = directory.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=parent, prefix=f".{directory.name}.loading-"))
    try:
        before = 0
        if created:
            inner = ox.Store(str(work / DATABASE))
        else:
            current = ox.Store.read_only(str(directory / DATABASE))
            before = _count(current)
            del current
            _checkpoint(directory / DATABASE, work / DATABASE)
            inner = ox.Store(str(work / DATABASE))
        watcher, facts = _watch(files) if created and graph is None else (None, None)
        for path in files:
            fmt = rdf_format(path)
            refuse_unsafe(path)
            target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
            try:
                if progress is None or _ReadPosition.available():  # Oxigraph reads the file itself: fastest
                    with _ReadPosition(path, progress) if progress is not None else nullcontext():
                        inner.bulk_load(path=str(path), format=fmt, to_graph=target)
                else:  # no way to see how far it read: through Python, to count the bytes (slower)
                    with open(path, "rb") as raw:
                        inner.bulk_load(_Counting(raw, progress), fmt, to_graph=target)  # type: ignore[arg-type]
            except SyntaxError as exc:
                raise syntax_error(path, fmt, exc) from None
            except OSError as exc:
                raise DataError(f"{path}: cannot load it ({one_line(exc)})") from None
        inner.flush()
        after = _count(inner, busy=watcher is not None and watcher.is_alive())
        graphs = sorted(g.value for g in inner.named_graphs() if isinstance(g, ox.NamedNode))
        del inner
        sources = [str(p.resolve()) for p in files] if record is None else list(record)
        if not created:
            sources = json.loads((directory / MANIFEST).read_text(encoding="utf-8")).get("sources", []) + sources
        (work / MANIFEST).write_text(json.dumps({"format": STORE_FORMAT, "version": STORE_VERSION, "sources": sources}, indent=2) + "\n", encoding="utf-8")
        if watcher is not None:
            watcher.join()
        if facts is not None and facts.usable and facts.index is not None:  # built while Oxigraph loaded
            from exograph.index import INDEX_FILE, save, stamp

            stamp(facts.index, triples=after, fingerprint=database_fingerprint(work / DATABASE))
            save(facts.index, work / INDEX_FILE)
        else:
            build_index(OxigraphStore(ox.Store.read_only(str(work / DATABASE)), path=work, read_only=True), work, triples=after)
        _swap(work, directory)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return LoadReport(directory, files, created, before, after, graphs)


def _watch(files: Sequence[Path]) -> tuple[Any, Any]:
    """A thread that reads ``files`` into the index's facts, then builds the index from them, while
    Oxigraph bulk-loads them (it releases the interpreter, so both run at once); a file it cannot
    read makes the facts unusable. The index waits for the triple count and the fingerprint."""
    import threading

    from exograph.index import Facts, watch_files

    facts = Facts()

    def run() -> None:
        try:
            watch_files([(path, rdf_format(path)) for path in files], facts)
        except Exception:  # the load reports a malformed file itself
            facts.refused = True

    thread = threading.Thread(target=run, name="exograph-index-facts", daemon=True)
    thread.start()
    return thread, facts


def _count(inner: ox.Store, dataset: Sequence[Any] | None = None, *, busy: bool = True) -> int:
    """Triples in the default graph, or in the graphs of ``dataset`` merged (counted by the engine:
    iterating them costs 15 times more). Unless the interpreter is ``busy`` (another thread runs
    Python), a store without named graphs counts its quads instead: 1.4 s for 10M, where the
    query takes 2.5 s (but lets other threads run meanwhile)."""
    if not busy and not dataset and next(iter(inner.named_graphs()), None) is None:
        return len(inner)
    answer = inner.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=list(dataset) if dataset else None)
    assert isinstance(answer, ox.QuerySolutions)
    (solution,) = answer
    return int(solution[0].value)


def _checkpoint(database: Path, target: Path) -> None:
    """A copy of the closed database at ``target`` that shares its immutable table files (hard
    links; copies across file systems) and copies the few small files that change with writes.
    The original is only read, so a load that fails leaves it exactly as it was."""
    import shutil

    try:
        target.mkdir()
        for name in sorted(os.listdir(database)):
            source = database / name
            if name == "LOCK" or name.startswith("LOG") or not source.is_file():
                continue
            if name.endswith((".sst", ".blob")):
                try:
                    os.link(source, target / name)
                    continue
                except OSError:
                    pass
            shutil.copy2(source, target / name)
    except OSError as exc:
        raise StoreError(f"{database.parent}: cannot copy the store to extend it ({one_line(exc)})") from None


def _swap(work: Path, directory: Path) -> None:
    """Put the loaded copy ``work`` in the place of ``directory`` (two renames)."""
    import shutil

    if not directory.exists():
        os.replace(work, directory)
        return
    old = directory.with_name(f".{directory.name}.old-{os.getpid()}")
    os.replace(directory, old)
    os.replace(work, directory)
    shutil.rmtree(old, ignore_errors=True)


class _ReadPosition:
    """Reports how far a file has been read by whoever opened it after this started (Oxigraph,
    reading it itself): a thread polls the position of the new descriptors open on it, in Linux's
    ``/proc/self/fdinfo``, and reports the bytes gained (the slowest reader's, when the index's
    reader has it open too), then the rest of the file when the block ends without an error.
    Nothing slows the load: reading the file through Python instead, to count its bytes (2 KB a
    call, each waiting for the interpreter), made a load of 10M triples take 2.2 times as long."""

    INTERVAL = 0.1  #: seconds between polls

    def __init__(self, path: Path, progress: Progress) -> None:
        import threading

        self.path = os.path.realpath(path)
        self.size = os.path.getsize(path)
        self.progress = progress
        self.told = 0
        self.before = frozenset(self._descriptors(frozenset()))  #: the descriptors open on the file already (not Oxigraph's)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="exograph-load-progress", daemon=True)

    @staticmethod
    def available() -> bool:
        return os.path.isdir("/proc/self/fdinfo")

    def __enter__(self) -> _ReadPosition:
        self._thread.start()
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        if kind is None:
            self._tell(self.size)

    def _run(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            positions = [p for p in map(self._position, self._descriptors(self.before)) if p is not None]
            if positions:
                self._tell(min(positions))

    def _descriptors(self, other_than: frozenset[str]) -> list[str]:
        """This process's descriptors open on the file, but those ``other_than``."""
        found: list[str] = []
        try:
            names = os.listdir("/proc/self/fd")
        except OSError:
            return found
        for fd in names:
            if fd not in other_than:
                try:
                    if os.readlink(f"/proc/self/fd/{fd}") == self.path:
                        found.append(fd)
                except OSError:  # closed meanwhile
                    continue
        return found

    def _position(self, fd: str) -> int | None:
        try:
            with open(f"/proc/self/fdinfo/{fd}", encoding="ascii") as info:
                first = info.readline()  # "pos:\t<offset>"
        except OSError:
            return None
        return int(first.split()[1]) if first.startswith("pos:") else None

    def _tell(self, position: int) -> None:
        position = min(position, self.size)
        if position > self.told:
            self.progress(position - self.told)
            self.told = position


class _Counting:
    """A binary file that reports how many bytes were read (for a progress bar)."""

    def __init__(self, raw: IO[bytes], progress: Progress) -> None:
        self._raw = raw
        self._progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._progress(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        self._progress(n or 0)
        return n or 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)
