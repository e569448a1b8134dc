"""Reference data: the releases exograph checks identifiers against and takes hierarchies from.

Each reader takes a file exactly as its publisher distributes it and returns a
:class:`Vocabulary` of :class:`Term` records keyed by CURIE:

- :mod:`~exograph.reference.hgnc`: the HGNC complete set (``hgnc_complete_set.txt``): approved
  symbols, names, aliases, previous symbols, Entrez and UniProt;
- :mod:`~exograph.reference.mirbase`: miRBase precursors and their mature products (``miRNA.csv``,
  and the mature names of the ``mature.fa`` beside it), ``mirbase:MI…`` and ``mirbase.mature:MIMAT…``,
  each mature one a child of its precursors;
- :mod:`~exograph.reference.obo`: ontologies as OBO-graph-style JSON (``doid.json``,
  ``mondo.json``, ``go.json``, ``chebi.json``: id, name, synonyms, xrefs, alt_ids, is_a) and the
  Cell Ontology as JSON lines (``cell_ontology_*.jsonl``).

:class:`ReferenceData` finds those files in a directory (``--reference DIR``, or
``$EXOGRAPH_REFERENCE``) and reads each only when it is first needed: GO and ChEBI are large.
These files are inputs a user downloads; none ships with exograph.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from exograph.errors import DataError

#: how a name matched a term, best first
LABEL, SYNONYM, ALIAS, PREVIOUS = "label", "synonym", "alias", "previous symbol"
_RANK = {LABEL: 0, SYNONYM: 1, ALIAS: 2, PREVIOUS: 3}


@dataclass(frozen=True)
class Term:
    """One identifier of a reference resource, with what it names."""

    id: str  #: CURIE: HGNC:11998, mirbase:MI0000077, mirbase.mature:MIMAT0000076, DOID:1324, ...
    name: str  #: the resource's own name (HGNC's approved symbol, miRBase's ID, an ontology's label)
    synonyms: tuple[tuple[str, str], ...] = ()  #: (kind, text): synonym, alias, previous symbol
    parents: tuple[str, ...] = ()  #: is_a parents (a mature miRNA's: its precursors)
    xrefs: tuple[str, ...] = ()  #: CURIEs in other resources (NCBIGene:…, DOID:…, UniProt:…)
    namespace: str = ""  #: GO's namespace; HGNC's locus group
    status: str = ""  #: the resource's status of the entry, when it gives one
    description: str = ""  #: a longer name (HGNC's gene name)
    where: str = ""  #: file:line (or file and record number) it was read from

    def names(self) -> Iterator[tuple[str, str]]:
        """(kind, text) of every name: the label first."""
        yield LABEL, self.name
        if self.description:
            yield SYNONYM, self.description
        yield from self.synonyms


@dataclass
class Vocabulary:
    """The terms of one resource (one or more CURIE prefixes), looked up by id or by name."""

    name: str  #: "HGNC", "miRBase", "Disease Ontology", ...
    source: Path
    terms: dict[str, Term]
    secondary: dict[str, str] = field(default_factory=dict)  #: alternative (merged, obsolete) id -> current id
    _names: dict[str, list[tuple[str, str]]] | None = field(default=None, repr=False)
    _children: dict[str, list[str]] | None = field(default=None, repr=False)

    def __contains__(self, curie: object) -> bool:
        return curie in self.terms

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, curie: str) -> Term | None:
        return self.terms.get(curie)

    def named(self, name: str) -> list[tuple[Term, str]]:
        """Terms one of whose names is ``name`` (compared by :func:`name_key`: case, spacing and
        punctuation ignored), with how it matched (:data:`LABEL`, :data:`SYNONYM`, ...), best first."""
        if self._names is None:
            index: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for term in self.terms.values():
                for kind, text in term.names():
                    key = name_key(text)
                    if key and (term.id, kind) not in index[key]:
                        index[key].append((term.id, kind))
            self._names = dict(index)
        found: dict[str, str] = {}
        for curie, kind in self._names.get(name_key(name), []):
            if curie not in found or _RANK[kind] < _RANK[found[curie]]:
                found[curie] = kind
        return sorted(((self.terms[c], k) for c, k in found.items()), key=lambda tk: (_RANK[tk[1]], tk[0].id))

    def children(self, curie: str) -> list[str]:
        """The terms whose is_a parents include ``curie``, sorted."""
        if self._children is None:
            index: dict[str, list[str]] = defaultdict(list)
            for term in self.terms.values():
                for parent in term.parents:
                    index[parent].append(term.id)
            self._children = {k: sorted(v) for k, v in index.items()}
        return self._children.get(curie, [])

    def ancestors(self, curie: str) -> list[str]:
        """Every is_a ancestor of ``curie`` (nearest first, each once)."""
        seen: list[str] = []
        frontier = [curie]
        while frontier:
            nxt = []
            for node in frontier:
                term = self.terms.get(node)
                for parent in term.parents if term else ():
                    if parent not in seen and parent != curie:
                        seen.append(parent)
                        nxt.append(parent)
            frontier = nxt
        return seen

    def chain(self, curie: str, stop: str) -> list[str] | None:
        """The shortest is_a chain from ``curie`` up to ``stop`` (both included), or None."""
        back: dict[str, str | None] = {curie: None}
        frontier = [curie]
        while frontier:
            nxt = []
            for node in sorted(frontier):
                if node == stop:
                    out = [node]
                    while back[out[-1]] is not None:
                        out.append(back[out[-1]])  # type: ignore[arg-type]
                    return out[::-1]
                term = self.terms.get(node)
                for parent in sorted(term.parents) if term else ():
                    if parent not in back:
                        back[parent] = node
                        nxt.append(parent)
            frontier = nxt
        return None


#: British spellings folded into the American ones the reference releases use
_SPELLING = (
    ("tumour", "tumor"),
    ("signalling", "signaling"),
    ("haem", "hem"),
    ("oesophag", "esophag"),
    ("leukaem", "leukem"),
    ("oestr", "estr"),
    ("anaem", "anem"),
)


def name_key(text: str) -> str:
    """Names compared ignoring case, white space, punctuation and British spelling (Greek letters
    spelt out; microRNA prefixes read as :func:`exograph.resolve.normalise` reads them)."""
    from exograph.resolve import normalise

    key = normalise(text)
    for british, american in _SPELLING:
        key = key.replace(british, american)
    return key


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


#: the resources ReferenceData knows: key -> (file name patterns, reader)
def _readers() -> dict[str, tuple[tuple[str, ...], Callable[[Path], Vocabulary]]]:
    from exograph.reference import hgnc, mirbase, obo

    return {
        "hgnc": (("hgnc_complete_set.txt", "hgnc_complete_set.tsv"), hgnc.read),
        "mirbase": (("miRNA.csv", "miRNA.tsv"), lambda p: mirbase.read(p, fasta=_beside(p, "mature.fa"))),
        "doid": (("doid.json",), lambda p: obo.read_json(p, "DOID", "Disease Ontology")),
        "mondo": (("mondo.json",), lambda p: obo.read_json(p, "MONDO", "MONDO")),
        "go": (("go.json",), lambda p: obo.read_json(p, "GO", "Gene Ontology")),
        "chebi": (("chebi.json",), lambda p: obo.read_json(p, "CHEBI", "ChEBI")),
        "cl": (("cell_ontology*.jsonl", "cl.jsonl"), obo.read_cell_ontology),
    }


def _beside(path: Path, name: str) -> Path | None:
    """The file ``name`` in ``path``'s folder, if there is one."""
    other = path.parent / name
    return other if other.is_file() else None


#: which resource holds each CURIE prefix
PREFIXES = {
    "HGNC": "hgnc",
    "mirbase": "mirbase",
    "mirbase.mature": "mirbase",
    "DOID": "doid",
    "MONDO": "mondo",
    "GO": "go",
    "CHEBI": "chebi",
    "CL": "cl",
}


class ReferenceData:
    """The reference files found under a directory (searched recursively), each read on first use."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise DataError(f"{directory}: no such directory; give --reference the folder holding the reference files (HGNC, miRBase, ontologies)")
        self._found: dict[str, Path] = {}
        readers = _readers()
        for key, (patterns, _) in readers.items():
            for pattern in patterns:
                hits = sorted(p for p in self.directory.rglob(pattern) if p.is_file())
                if hits:
                    self._found[key] = hits[0]
                    break
        self._read: dict[str, Vocabulary] = {}

    @classmethod
    def from_environment(cls, directory: Path | None = None) -> ReferenceData:
        """``directory``, else ``$EXOGRAPH_REFERENCE``; a clear error when neither is given."""
        chosen = directory or os.environ.get("EXOGRAPH_REFERENCE")
        if not chosen:
            raise DataError("no reference data: give --reference DIR (or set EXOGRAPH_REFERENCE) to the folder holding HGNC, miRBase and the ontologies")
        return cls(Path(chosen))

    def available(self) -> dict[str, Path]:
        """The resources found, by key (hgnc, mirbase, doid, mondo, go, chebi, cl), and their files."""
        return dict(self._found)

    def has(self, key: str) -> bool:
        return key in self._found

    def vocabulary(self, key: str) -> Vocabulary | None:
        """The resource ``key`` (read now if not yet), or None when its file was not found."""
        if key not in self._found:
            return None
        if key not in self._read:
            self._read[key] = _readers()[key][1](self._found[key])
        return self._read[key]

    def for_curie(self, curie: str) -> Vocabulary | None:
        prefix = curie.split(":", 1)[0]
        key = PREFIXES.get(prefix)
        return self.vocabulary(key) if key else None

    def lookup(self, curie: str) -> Term | None:
        vocabulary = self.for_curie(curie)
        return vocabulary.get(curie) if vocabulary else None


def read_lines(path: Path) -> Iterable[tuple[int, str]]:
    """(line number, text) of a UTF-8 text file, byte-order mark and line ends removed."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line.rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); give the file as its publisher distributes it") from None
