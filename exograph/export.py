"""The graph in the formats people move graphs between tools with: ``exograph export``.

* ``graphml``, ``gexf``: networkx's writers over :meth:`KnowledgeGraph.to_networkx` (entities as
  nodes with label and type, one keyed edge per relation with predicate, context and references as
  plain values), read back by networkx (and Gephi, Cytoscape, igraph).
* ``cyjs``: Cytoscape.js JSON (``networkx.cytoscape_data``), a multigraph: the relations that join
  the same two entities are distinct edges with their statement as key, so none vanishes.
* ``kgx``: KGX TSV in the Biolink model (``nodes.tsv``, ``edges.tsv``; :mod:`exograph.io.kgx`),
  categories and predicates from the ontology's mappings, checked against the pinned Biolink release.
* ``neo4j``: the CSVs ``neo4j-admin database import`` reads (``nodes.csv``, ``relationships.csv``;
  :mod:`exograph.io.neo4j`).
* ``nt``, ``ttl``, ``jsonld`` (compact, the exograph prefixes as its inline ``@context``): the
  store's default graph (the curated data and the ontology beside it, as loaded), N-Triples sorted
  line by line; ``nq``: the default graph and every named graph (imported database evidence), as
  sorted N-Quads.

The graph formats carry the entities and relations of the default graph (the relations imported
into a named graph are not among them); the RDF formats carry every triple. ``kgx`` and ``neo4j``
are two files each: written to a directory, or packed in one tar archive (standard output, or a
file named ``.tar`` / ``.tar.gz``).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from exograph.errors import DataError, ExographError
from exograph.terms import iri_ref, n_triples

if TYPE_CHECKING:
    from exograph.kg import KnowledgeGraph

#: format -> what it is (for --help and errors)
FORMATS: dict[str, str] = {
    "graphml": "GraphML (networkx, Gephi, Cytoscape, igraph)",
    "gexf": "GEXF (Gephi)",
    "cyjs": "Cytoscape.js JSON (Cytoscape, cytoscape.js), a multigraph",
    "kgx": "KGX TSV in the Biolink model (nodes.tsv, edges.tsv): KGX, KG-Hub",
    "neo4j": "Neo4j import CSVs (nodes.csv, relationships.csv): neo4j-admin database import",
    "nt": "N-Triples, sorted: the default graph (data and ontology)",
    "nq": "N-Quads, sorted: the default graph and every named graph",
    "ttl": "Turtle: the default graph (data and ontology)",
    "jsonld": "JSON-LD, compact, its @context inline: the default graph (data and ontology)",
}

#: the formats that are several files: a directory of them, or one tar archive
MULTI_FILE: tuple[str, ...] = ("kgx", "neo4j")
#: the endings of a path that asks for the files of a multi-file format as an archive
ARCHIVES: tuple[str, ...] = (".tar", ".tar.gz", ".tgz")


def export(kg: KnowledgeGraph, fmt: str) -> bytes:
    """The graph of ``kg`` in format ``fmt`` (one of :data:`FORMATS`); for a format of several
    files (:data:`MULTI_FILE`), an uncompressed tar archive of them."""
    if fmt not in FORMATS:
        raise ExographError(f"no export format '{fmt}'; use one of: {', '.join(FORMATS)}")
    if fmt in MULTI_FILE:
        return tar_archive(export_files(kg, fmt))
    if fmt in ("graphml", "gexf", "cyjs"):
        import networkx as nx

        graph = kg.to_networkx()
        if fmt == "cyjs":
            return (json.dumps(nx.cytoscape_data(graph), indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        out = io.BytesIO()
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(graph, out)
        return out.getvalue()
    if fmt in ("nt", "nq"):
        native = getattr(kg.store, "sorted_lines", None)
        data = native(named_graphs=fmt == "nq") if native is not None else None
        if data is not None:
            return data
    triples = kg.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").triples
    if fmt == "ttl":
        from exograph.io.turtle import turtle_text

        return turtle_text(triples).encode("utf-8")
    if fmt == "jsonld":
        from exograph.io.jsonld import jsonld_text

        return (jsonld_text(triples) + "\n").encode("utf-8")
    lines = [_line(t) for t in triples]
    if fmt == "nq":
        for graph_iri in kg.store.graphs():
            named = kg.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri_ref(graph_iri)} {{ ?s ?p ?o }} }}").triples
            lines += [_line(t, graph_iri) for t in named]
    return "".join(f"{line}\n" for line in sorted(set(lines))).encode("utf-8")


def export_files(kg: KnowledgeGraph, fmt: str) -> dict[str, bytes]:
    """The files of a multi-file format (``kgx``: nodes.tsv and edges.tsv; ``neo4j``: nodes.csv
    and relationships.csv), by name, nodes first."""
    if fmt == "kgx":
        from exograph.io.kgx import to_kgx

        return to_kgx(kg)
    if fmt == "neo4j":
        from exograph.io.neo4j import to_neo4j

        return to_neo4j(kg)
    raise ExographError(f"'{fmt}' is one file, not several; use one of: {', '.join(MULTI_FILE)}")


def write_export(kg: KnowledgeGraph, fmt: str, target: Path) -> dict[Path, int]:
    """Write the export of ``kg`` to ``target``, never half-written; returns the size of each file
    written. A one-file format is the file ``target``; a multi-file format is the directory
    ``target`` holding its files (created if need be; the files replaced together), or, when
    ``target`` ends with .tar, .tar.gz or .tgz, an archive of them."""
    target = Path(target)
    if fmt in MULTI_FILE and not target.name.endswith(ARCHIVES):
        if target.exists() and not target.is_dir():
            raise DataError(f"{target}: not a directory; {fmt} is several files: give a directory for them, or a name ending in .tar or .tar.gz")
        return write_files(target, export_files(kg, fmt))
    data = export(kg, fmt)
    if fmt in MULTI_FILE:
        archive = gzip_bytes(data) if target.name.endswith((".gz", ".tgz")) else data
        return write_files(target.parent, {target.name: archive})
    from exograph.io.turtle import write_text_atomic

    write_text_atomic(target, data)
    return {target: len(data)}


def tar_archive(files: Mapping[str, bytes]) -> bytes:
    """An uncompressed tar archive of ``files`` (name -> content), in their order, with no dates,
    owners or other traces of the machine: the same files make the same bytes."""
    import tarfile

    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def gzip_bytes(data: bytes) -> bytes:
    """``data`` gzip-compressed with no timestamp (deterministic)."""
    import gzip

    return gzip.compress(data, mtime=0)


def write_files(directory: Path, files: Mapping[str, bytes]) -> dict[Path, int]:
    """Write ``files`` (name -> content) into ``directory`` (created if need be), never half-written:
    each goes to a temporary file beside its place, flushed to disk, and only when every one is
    written are they renamed into place, one after the other; a failure before that leaves the
    directory as it was. Any failure is a one-line DataError naming the directory."""
    directory = Path(directory)
    temporaries: dict[str, str] = {}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        umask = os.umask(0)
        os.umask(umask)
        try:
            for name, data in files.items():
                fd, temporaries[name] = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.chmod(temporaries[name], 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual mode
            for name, tmp in temporaries.items():
                os.replace(tmp, directory / name)
        finally:
            for tmp in temporaries.values():
                Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DataError(f"{directory}: cannot write {', '.join(files)} there ({reason}); give a directory you can write") from None
    return {directory / name: len(data) for name, data in files.items()}


def _line(triple: tuple[object, ...], graph: str | None = None) -> str:
    """One N-Triples (or, with ``graph``, N-Quads) line."""
    terms = " ".join(n_triples(t) for t in triple)  # type: ignore[arg-type]
    return f"{terms} {iri_ref(graph)} ." if graph else f"{terms} ."
