"""Importers of external databases, and what they share.

Each database is one module of the same shape (:mod:`~exograph.sources.mirtarbase`; next ExoCarta,
Vesiclepedia, exoRBase, TarBase): it reads the database's file as the publisher distributes it,
streaming, and yields :class:`Interaction` records (one per database record, with one
:class:`DatabaseEvidence` per publication), counting every row it cannot use in the
:class:`ImportReport` by reason. Everything else is here:

- :class:`EntityLinker`: the names and identifiers a database gives -> entity IRIs, through miRBase
  and HGNC; the curated entity that carries the same cross-reference when there is one, else an
  entity created with the identifier's standard IRI (``https://identifiers.org/hgnc:576``);
- :func:`to_triples`: interactions -> RDF (the plain triple, an ``exo:Statement``, one
  ``exo:DatabaseEvidence`` per publication, the publications, the database and the entities
  created), as N-Triples terms;
- :func:`import_file`: the glue: read, link, then write sorted N-Quads to a file, or load the
  RDF into a named graph of an on-disk store atomically (never half-written).

The import goes into a named graph of its own (``https://w3id.org/exograph/graph/<database>``):
it links to the curated entities in the default graph and never merges into the curated evidence.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

from exograph import resources, vocab
from exograph.errors import DataError, StoreError
from exograph.model import Entity
from exograph.terms import XSD_BOOLEAN, Literal, iri_ref, n_triples

if TYPE_CHECKING:
    from exograph.reference import ReferenceData, Vocabulary
    from exograph.store import Store

SOURCE = vocab.BASE + "source/"  #: the databases imported from
GRAPH = vocab.BASE + "graph/"  #: the named graph of each database's import
IDENTIFIERS = "https://identifiers.org/"  #: where an entity created for an identifier lives

ON_ERROR = ("skip", "stop")  #: what a malformed row does: skipped and counted, or stops the import
MAX_PROBLEMS = 100  #: malformed rows an ImportReport lists (all are counted)

#: why a row was not imported: reason -> what it means. Malformed rows obey ``on_error``; rows
#: whose entity cannot be linked are always skipped (the file is fine, the reference lacks a name)
REASONS: dict[str, str] = {
    "columns": "a row with the wrong number of columns",
    "id": "no database identifier, or a malformed one",
    "name": "no microRNA name",
    "entrez": "an Entrez gene id that is not a number",
    "pmid": "a PMID that is not a number",
    "support-type": "a support type the database does not define",
    "species": "a species other than the one imported",
    "conflict": "a row of an interaction that names another microRNA or gene than its first row",
    "repeated-id": "a row of an interaction listed apart from the interaction's other rows",
    "duplicate": "a second row for the same interaction and publication",
    "unknown-mirna": "a microRNA name that miRBase gives to no mature microRNA or precursor",
    "ambiguous-mirna": "a microRNA name without its arm that could be several precursors",
}
UNLINKED = frozenset({"unknown-mirna", "ambiguous-mirna"})

Progress = Callable[[int], None]  #: called with the number of bytes read since the last call


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity as a database names it, before it is linked: its exograph class (local name),
    the database's name for it and, when it gives one, an identifier (a CURIE: ``NCBIGene:317``)."""

    type: str
    name: str
    id: str = ""


@dataclass(frozen=True, slots=True)
class DatabaseEvidence:
    """One publication a database cites for an interaction (one row of the database's file)."""

    record: str  #: the database's id of the interaction (MIRT000002)
    pmid: str  #: digits
    experiments: tuple[str, ...]  #: the methods, one each, in the file's order
    support_type: str  #: the database's rating, in its words
    where: str  #: file:line

    @property
    def key(self) -> str:
        """The evidence's local name: record-pmid."""
        return f"{self.record}-{self.pmid}"


@dataclass(frozen=True, slots=True)
class Interaction:
    """One record of a database: subject, predicate (an exograph relation's local name) and
    object as the database names them, with every publication it cites."""

    id: str  #: the database's id (MIRT000002): the statement's local name
    subject: Mention
    predicate: str
    object: Mention
    evidences: tuple[DatabaseEvidence, ...]

    @property
    def where(self) -> str:
        return self.evidences[0].where if self.evidences else ""


class Reader(Protocol):
    """A source module's reader: its file -> interactions, counting what it skips in ``report``."""

    def __call__(self, path: Path, report: ImportReport, *, on_error: str = "skip", progress: Progress | None = None) -> Iterator[Interaction]: ...


@dataclass(frozen=True)
class Database:
    """An external database exograph imports: how it is named, and its module's reader."""

    key: str  #: mirtarbase: its IRIs (source, graph, statements, evidence)
    label: str  #: miRTarBase
    homepage: str
    read: Reader

    @property
    def iri(self) -> str:
        return SOURCE + self.key

    @property
    def graph(self) -> str:
        """The named graph its import goes into by default."""
        return GRAPH + self.key

    def statement_iri(self, interaction: Interaction) -> str:
        return f"{vocab.STATEMENT}{self.key}/{interaction.id}"

    def evidence_iri(self, evidence: DatabaseEvidence) -> str:
        return f"{vocab.EVIDENCE}{self.key}/{evidence.key}"


# --------------------------------------------------------------------------- the report


@dataclass
class ImportReport:
    """What an import read, imported and skipped: ``rows_read == rows_imported + sum(skipped)``."""

    source: str  #: the database's label
    file: Path
    graph: str
    release: str = ""
    sha256: str = ""  #: of the file read
    rows_read: int = 0
    interactions: int = 0  #: records imported: one statement each
    interactions_unlinked: int = 0  #: records not imported because an entity could not be linked (all their rows skipped)
    evidences: int = 0  #: publications cited by them: one exo:DatabaseEvidence each (one per row imported)
    skipped: Counter[str] = field(default_factory=Counter)  #: rows not imported, by reason (see REASONS)
    problems: list[str] = field(default_factory=list)  #: the first MAX_PROBLEMS malformed rows, as file:line: message
    unlinked: Counter[str] = field(default_factory=Counter)  #: names no entity was found for -> rows skipped
    created: Counter[str] = field(default_factory=Counter)  #: entities created, by identifier prefix (HGNC, mirbase.mature...)
    linked: int = 0  #: curated entities the imported relations use (found by cross-reference)
    triples: int = 0  #: triples written into the graph
    store: Path | None = None
    store_created: bool = False
    output: str | None = None  #: the N-Quads file written, when not a store

    @property
    def rows_imported(self) -> int:
        return self.rows_read - sum(self.skipped.values())

    @property
    def malformed(self) -> int:
        """Rows skipped because they are malformed (not because an entity could not be linked)."""
        return sum(n for reason, n in self.skipped.items() if reason not in UNLINKED)

    @property
    def entities_created(self) -> int:
        return sum(self.created.values())

    def skip(self, reason: str, where: str, message: str, rows: int = 1) -> None:
        """Count ``rows`` skipped for ``reason``; a malformed row is also listed (the first ones)."""
        self.skipped[reason] += rows
        if reason not in UNLINKED and len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"{where}: {message}")

    def summary(self) -> str:
        """One line: what was imported where, the rows (read = imported + skipped) and the entities."""
        if self.store is not None:
            where = f"of {self.store} ({'created' if self.store_created else 'extended'})"
        else:
            where = "on stdout" if self.output in (None, "-") else f"in {self.output}"
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.skipped.items()))
        return (
            f"imported {self.interactions} {self.source} interactions ({self.evidences} evidences, {self.triples} triples) into <{self.graph}> {where}; "
            f"rows: {self.rows_read} read, {self.rows_imported} imported, {skipped} skipped{f' ({reasons})' if reasons else ''}; "
            f"entities: {self.entities_created} created, {self.linked} curated linked"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "file": str(self.file),
            "release": self.release,
            "sha256": self.sha256,
            "graph": self.graph,
            "store": str(self.store) if self.store is not None else None,
            "store_created": self.store_created,
            "output": self.output,
            "rows_read": self.rows_read,
            "rows_imported": self.rows_imported,
            "rows_skipped": dict(sorted(self.skipped.items())),
            "interactions": self.interactions,
            "interactions_unlinked": self.interactions_unlinked,
            "evidences": self.evidences,
            "triples": self.triples,
            "entities": {"created": self.entities_created, "linked": self.linked, "created_by_prefix": dict(sorted(self.created.items()))},
            "unlinked_names": dict(sorted(self.unlinked.items())),
            "problems": list(self.problems),
        }


# --------------------------------------------------------------------------- entity linking


def curated_xrefs(store: Store) -> dict[str, list[tuple[str, frozenset[str]]]]:
    """CURIE -> the entities of the default graph of ``store`` that carry it in ``oboInOwl:hasDbXref``,
    each as (IRI, its rdf:types), sorted by IRI."""
    from exograph.store import select_values

    query = f"""SELECT ?s ?x ?t WHERE {{
  ?s <{vocab.OBOINOWL}hasDbXref> ?x . FILTER(isIRI(?s) && isLiteral(?x))
  OPTIONAL {{ ?s a ?t }}
}}"""
    types: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s, x, t in select_values(store, query):
        types[(x, s)].update({t} if t else set())
    out: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
    for (x, s), found in sorted(types.items()):
        out[x].append((s, frozenset(found)))
    return dict(out)


def identifiers_iri(curie: str) -> str:
    """The identifiers.org IRI of a CURIE (prefix in lower case): ``HGNC:576`` -> ``https://identifiers.org/hgnc:576``."""
    prefix, _, local = curie.partition(":")
    return f"{IDENTIFIERS}{prefix.lower()}:{local}"


@dataclass(frozen=True, slots=True)
class Link:
    """Where a mention links: an entity IRI (a curated one, or one created), or none and why."""

    iri: str | None
    curated: bool = False
    reason: str = ""
    message: str = ""


_PARALOG = re.compile(r"^(.*)-[0-9]+$")


class EntityLinker:
    """Names and identifiers -> entity IRIs.

    - A microRNA name: a mature microRNA of miRBase of that name (``hsa-miR-21-5p`` ->
      ``mirbase.mature:MIMAT0000076``; names from ``mature.fa`` beside ``miRNA.csv`` when it is
      there, the newer release, then ``miRNA.csv``'s own); else, an old name without its arm
      (``hsa-miR-21``), the precursor miRBase names so, ignoring case (``mirbase:MI0000077``
      hsa-mir-21); a name that only numbered precursors carry (``hsa-miR-128``: hsa-mir-128-1 and
      -2) is ambiguous, any other unknown: neither links.
    - A gene's Entrez id (``NCBIGene:317``): its HGNC gene (``HGNC:576``), else the NCBI Gene id itself.
    - Then the identifier -> the curated entity that carries it in ``oboInOwl:hasDbXref`` and has
      the class the relation needs (the first by IRI when several do); else a new entity at the
      identifier's identifiers.org IRI, described by :meth:`description` (label, cross-references,
      and for a mature microRNA its precursors).
    """

    def __init__(self, reference: ReferenceData, curated: Mapping[str, list[tuple[str, frozenset[str]]]] | None = None) -> None:
        self.reference = reference
        self.curated = dict(curated or {})
        self._cache: dict[Mention, Link] = {}
        self._entities: dict[str, tuple[Entity, tuple[str, ...]]] = {}  #: created IRI -> (entity, broader IRIs)
        self._mirbase: _MiRBase | None = None
        self._genes: tuple[dict[str, str], Vocabulary] | None = None

    def link(self, mention: Mention) -> Link:
        found = self._cache.get(mention)
        if found is None:
            found = self._cache[mention] = self._link(mention)
        return found

    def description(self, iri: str) -> tuple[Entity, tuple[str, ...]] | None:
        """A created entity (label, synonyms, cross-references) and its broader entities' IRIs;
        None for a curated one (the curation describes it)."""
        return self._entities.get(iri)

    @staticmethod
    def prefix(entity: Entity) -> str:
        """The identifier prefix an entity was created for (HGNC, NCBIGene, mirbase, mirbase.mature)."""
        return entity.xrefs[0].split(":", 1)[0]

    def _link(self, mention: Mention) -> Link:
        if mention.type == "MicroRNA":
            return self._microrna(mention.name)
        if mention.type == "GeneOrProtein":
            return self._gene(mention)
        raise ValueError(f"no linking rule for entities of class {mention.type}")

    # ------------------------------------------------------------------ microRNAs

    def _microrna(self, name: str) -> Link:
        mirbase = self._load_mirbase()
        curie = mirbase.mature.get(name) or mirbase.precursors.get(name.lower())
        if curie is not None:
            return self._entity(curie, "MicroRNA")
        paralogs = mirbase.paralogs.get(name.lower())
        if paralogs:
            names = ", ".join(mirbase.names[c] for c in paralogs)
            return Link(None, reason="ambiguous-mirna", message=f"'{name}' is no mature microRNA of miRBase and could be any of the precursors {names}")
        return Link(None, reason="unknown-mirna", message=f"miRBase gives the name '{name}' to no mature microRNA or precursor")

    def _load_mirbase(self) -> _MiRBase:
        if self._mirbase is None:
            vocabulary = self.reference.vocabulary("mirbase")
            if vocabulary is None:
                raise DataError(f"{self.reference.directory}: no miRBase miRNA.csv under it; give --reference the folder holding miRNA.csv")
            self._mirbase = _MiRBase(vocabulary)
        return self._mirbase

    # ------------------------------------------------------------------ genes

    def _gene(self, mention: Mention) -> Link:
        by_entrez, hgnc = self._load_genes()
        prefix, _, entrez = mention.id.partition(":")
        if prefix != "NCBIGene" or not entrez:
            raise ValueError(f"a gene is linked by its Entrez id (NCBIGene:…), not '{mention.id}'")
        curie = by_entrez.get(entrez)
        if curie is not None:
            term = hgnc.terms[curie]
            return self._entity(curie, "GeneOrProtein", label=term.name, xrefs=(curie, mention.id))
        return self._entity(mention.id, "GeneOrProtein", label=mention.name or mention.id, xrefs=(mention.id,))

    def _load_genes(self) -> tuple[dict[str, str], Vocabulary]:
        if self._genes is None:
            from exograph.reference import hgnc

            vocabulary = self.reference.vocabulary("hgnc")
            if vocabulary is None:
                raise DataError(f"{self.reference.directory}: no HGNC complete set under it; give --reference the folder holding hgnc_complete_set.txt")
            self._genes = (hgnc.by_entrez(vocabulary), vocabulary)
        return self._genes

    # ------------------------------------------------------------------ either

    def _curated(self, curies: Iterable[str], cls: str) -> str | None:
        wanted = vocab.EXO + cls
        for curie in curies:
            for iri, types in self.curated.get(curie, ()):
                if wanted in types:
                    return iri
        return None

    def _entity(self, curie: str, cls: str, *, label: str = "", xrefs: tuple[str, ...] = ()) -> Link:
        """The curated entity carrying ``curie`` (or one of ``xrefs``), else the entity created for it."""
        xrefs = xrefs or (curie,)
        curated = self._curated(xrefs, cls)
        if curated is not None:
            return Link(curated, curated=True)
        iri = identifiers_iri(curie)
        if iri not in self._entities:
            broader: tuple[str, ...] = ()
            synonyms: tuple[str, ...] = ()
            if cls == "MicroRNA":
                mirbase = self._load_mirbase()
                label = mirbase.names[curie]
                synonyms = tuple(n for n in mirbase.other_names.get(curie, ()) if n != label)
                broader = tuple(str(self._entity(parent, "MicroRNA").iri) for parent in mirbase.parents.get(curie, ()))
            self._entities[iri] = (Entity(iri, cls, label, synonyms, xrefs), broader)
        return Link(iri)


class _MiRBase:
    """The names miRBase gives (human) microRNAs: each mature one's label (``mature.fa``'s name when
    that file is beside ``miRNA.csv``) and its previous names, and the precursors' names."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        from exograph.reference import PREVIOUS

        self.mature: dict[str, str] = {}  #: mature name -> CURIE (exact; a current name before a previous one)
        self.precursors: dict[str, str] = {}  #: precursor name, lower case -> CURIE
        self.paralogs: dict[str, list[str]] = defaultdict(list)  #: hsa-mir-128 -> hsa-mir-128-1, -2 (lower case)
        self.names: dict[str, str] = {}  #: CURIE -> the name it is labelled with
        self.other_names: dict[str, list[str]] = defaultdict(list)  #: mature CURIE -> its previous names
        self.parents: dict[str, tuple[str, ...]] = {}  #: mature CURIE -> precursor CURIEs
        terms = sorted(vocabulary.terms.values(), key=lambda t: t.id)
        for term in terms:
            self.names[term.id] = term.name
            if term.id.startswith("mirbase.mature:"):
                self.mature.setdefault(term.name, term.id)
                self.parents[term.id] = term.parents
            else:
                self.precursors[term.name.lower()] = term.id
                match = _PARALOG.match(term.name.lower())
                if match:
                    self.paralogs[match.group(1)].append(term.id)
        for term in terms:
            if term.id.startswith("mirbase.mature:"):
                for kind, text in term.synonyms:
                    if kind == PREVIOUS:
                        self.mature.setdefault(text, term.id)
                        self.other_names[term.id].append(text)


# --------------------------------------------------------------------------- RDF


_TYPE = iri_ref(vocab.RDF + "type")
_LABEL = iri_ref(vocab.RDFS + "label")
_ALT_LABEL = iri_ref(vocab.SKOS + "altLabel")
_BROADER = iri_ref(vocab.SKOS + "broader")
_XREF = iri_ref(vocab.OBOINOWL + "hasDbXref")
_IDENTIFIER = iri_ref(vocab.DCTERMS + "identifier")
_SUBJECT, _PREDICATE, _OBJECT = (iri_ref(vocab.RDF + p) for p in ("subject", "predicate", "object"))
_FALSE = n_triples(Literal("false", XSD_BOOLEAN))


def _exo(local: str) -> str:
    return iri_ref(vocab.exo(local))


class _Literals(dict[str, str]):
    """Plain literals in N-Triples, each escaped once (a database repeats a few thousand strings)."""

    def __missing__(self, text: str) -> str:
        self[text] = encoded = n_triples(Literal(text))
        return encoded


def to_triples(interactions: Iterable[Interaction], database: Database, linker: EntityLinker, report: ImportReport) -> Iterator[str]:
    """The RDF of the interactions, as N-Triples statements without their final `` .``, each once.

    Per interaction: the plain triple ``<subject> exo:<predicate> <object>``; the statement
    ``<statement/<key>/<id>>`` (``exo:Statement``, rdf:subject / predicate / object, ``exo:negated
    false``, ``exo:evidence``); and per publication an ``exo:DatabaseEvidence``
    ``<evidence/<key>/<id>-<pmid>>`` (``exo:source``, ``exo:databaseId``, ``exo:supportType``, one
    ``exo:experiment`` per method, ``exo:pmid``, ``exo:curatedFrom`` the PubMed IRI). Once each: the
    database (``exo:Database``, label, release, file, SHA-256), the publications (``exo:Publication``)
    and the entities created. An interaction whose subject or object links to nothing is skipped,
    with all its rows, under the linker's reason."""
    literal = _Literals()
    source = iri_ref(database.iri)
    yield f"{source} {_TYPE} {_exo('Database')}"
    yield f"{source} {_LABEL} {literal[database.label]}"
    yield f"{source} {_exo('release')} {literal[report.release]}"
    yield f"{source} {_exo('sourceFile')} {literal[report.file.name]}"
    yield f"{source} {_exo('sha256')} {literal[report.sha256 or _sha256(report.file)]}"
    yield f"{source} {iri_ref(vocab.RDFS + 'seeAlso')} {iri_ref(database.homepage)}"
    statement_type, evidence_type, publication_type = _exo("Statement"), _exo("DatabaseEvidence"), _exo("Publication")
    p_evidence, p_negated, p_source, p_id = _exo("evidence"), _exo("negated"), _exo("source"), _exo("databaseId")
    p_support, p_experiment, p_pmid, p_from = _exo("supportType"), _exo("experiment"), _exo("pmid"), _exo("curatedFrom")
    predicates: dict[str, str] = {}
    written: set[str] = set()  #: entities described
    linked: set[str] = set()
    publications: set[str] = set()
    plain: set[tuple[str, str, str]] = set()

    def describe(iri: str) -> Iterator[str]:
        if iri in written:
            return
        written.add(iri)
        found = linker.description(iri)
        if found is None:
            linked.add(iri)
            return
        entity, broader = found
        node = iri_ref(iri)
        yield f"{node} {_TYPE} {_exo(entity.type)}"
        yield f"{node} {_LABEL} {literal[entity.label]}"
        for synonym in entity.synonyms:
            yield f"{node} {_ALT_LABEL} {literal[synonym]}"
        for xref in entity.xrefs:
            yield f"{node} {_XREF} {literal[xref]}"
        for parent in broader:
            yield f"{node} {_BROADER} {iri_ref(parent)}"
            yield from describe(parent)
        report.created[linker.prefix(entity)] += 1

    for interaction in interactions:
        subject, obj = linker.link(interaction.subject), linker.link(interaction.object)
        if subject.iri is None or obj.iri is None:
            failed, mention = (subject, interaction.subject) if subject.iri is None else (obj, interaction.object)
            report.skip(failed.reason, interaction.where, failed.message, rows=len(interaction.evidences))
            report.unlinked[mention.name] += len(interaction.evidences)
            report.interactions_unlinked += 1
            continue
        yield from describe(subject.iri)
        yield from describe(obj.iri)
        s, o = iri_ref(subject.iri), iri_ref(obj.iri)
        p = predicates.get(interaction.predicate) or predicates.setdefault(interaction.predicate, _exo(interaction.predicate))
        if (s, p, o) not in plain:
            plain.add((s, p, o))
            yield f"{s} {p} {o}"
        st = iri_ref(database.statement_iri(interaction))
        yield f"{st} {_TYPE} {statement_type}"
        yield f"{st} {_SUBJECT} {s}"
        yield f"{st} {_PREDICATE} {p}"
        yield f"{st} {_OBJECT} {o}"
        yield f"{st} {p_negated} {_FALSE}"
        for evidence in interaction.evidences:
            ev = iri_ref(database.evidence_iri(evidence))
            publication = iri_ref(vocab.publication_iri(f"pmid:{evidence.pmid}"))
            yield f"{st} {p_evidence} {ev}"
            yield f"{ev} {_TYPE} {evidence_type}"
            yield f"{ev} {p_source} {source}"
            yield f"{ev} {p_id} {literal[evidence.record]}"
            yield f"{ev} {p_support} {literal[evidence.support_type]}"
            for experiment in evidence.experiments:
                yield f"{ev} {p_experiment} {literal[experiment]}"
            yield f"{ev} {p_pmid} {literal[evidence.pmid]}"
            yield f"{ev} {p_from} {publication}"
            if publication not in publications:
                publications.add(publication)
                curie = literal[f"pmid:{evidence.pmid}"]
                yield f"{publication} {_TYPE} {publication_type}"
                yield f"{publication} {_LABEL} {curie}"
                yield f"{publication} {_IDENTIFIER} {curie}"
        report.interactions += 1
        report.evidences += len(interaction.evidences)
    report.linked = len(linked)


def _sha256(path: Path) -> str:
    from exograph.reference import sha256

    return sha256(path)


# --------------------------------------------------------------------------- the glue


def import_file(
    database: Database,
    path: Path,
    *,
    reference: ReferenceData,
    store: Path | None = None,
    output: Path | IO[bytes] | None = None,
    graph: str | None = None,
    release: str | None = None,
    on_error: str = "skip",
    curated: bool = True,
    link_to: Store | None = None,
    progress: Progress | None = None,
    load_progress: Callable[[int], Progress | None] | None = None,
) -> ImportReport:
    """Import a database file: into the on-disk ``store`` (created holding the packaged curated
    graph and the ontology in its default graph, unless ``curated`` is false; or extended), or as
    N-Quads to ``output`` (a path, or a binary file such as stdout), sorted.

    The import goes into the named graph ``graph`` (default: the database's own). Entities link to
    ``link_to`` (a store whose default graph holds the curated entities), by default the curated
    graph the import will sit beside: the store's default graph when it exists, else the packaged
    graph; none when ``curated`` is false. ``release`` names the database release (default: the
    file's name and SHA-256). A malformed row is skipped and counted (``on_error`` "skip") or stops
    the import with a :class:`~exograph.errors.DataError` naming file:line ("stop"); either way the
    store is loaded atomically, all or nothing (:func:`~exograph.store.oxigraph.load_files`), from a
    temporary N-Triples file beside it. ``progress`` gets the bytes of the database file read;
    ``load_progress`` is called with the size of that RDF when loading starts and returns the
    callback for the bytes loaded.
    """
    path = Path(path)
    if (store is None) == (output is None):
        raise ValueError("give a store directory or an output, not both or neither")
    if on_error not in ON_ERROR:
        raise ValueError(f"on_error is one of {', '.join(ON_ERROR)}, not '{on_error}'")
    if not path.is_file():
        raise DataError(f"{path}: no such file; give the {database.label} file to import")
    graph = graph or database.graph
    target = Path(store) if store is not None else None
    existing = target if target is not None and target.exists() else None
    if existing is not None:
        _check_target(existing, graph)
    digest = _sha256(path)
    report = ImportReport(database.label, path, graph, release=release or f"{path.name} sha256:{digest}", sha256=digest)
    if link_to is None and curated:
        link_to = _curated_graph(existing)
    linker = EntityLinker(reference, curated_xrefs(link_to) if link_to is not None else None)
    triples = to_triples(database.read(path, report, on_error=on_error, progress=progress), database, linker, report)
    if target is None:
        assert output is not None
        _write_nquads(triples, output, graph, report)
    else:
        _load(triples, target, graph, report, curated=curated, created=existing is None, progress=load_progress)
    return report


def _check_target(store: Path, graph: str) -> None:
    """An existing store to extend: an exograph store that does not hold ``graph`` yet."""
    from exograph.store.oxigraph import MANIFEST, OxigraphStore

    if not (store / MANIFEST).is_file():
        raise StoreError(f"{store}: not an exograph store; give a new directory (or a store made by exograph) to --store")
    held = OxigraphStore.open(store).graphs()
    if graph in held:
        raise StoreError(
            f"{store} already holds the graph <{graph}>; import into another --graph IRI, or build a new store to import again"
            " (a graph is never replaced in place)"
        )


def _curated_graph(store: Path | None) -> Store:
    """The curated graph to link to: the default graph of an existing store, else the packaged graph."""
    from exograph.store.oxigraph import OxigraphStore

    if store is not None:
        return OxigraphStore.open(store)
    return OxigraphStore.memory([resources.packaged_triples()])


def _write_nquads(triples: Iterable[str], output: Path | IO[bytes], graph: str, report: ImportReport) -> None:
    """Sorted N-Quads (every triple in ``graph``), written only once every row has been read: to a
    path atomically (a temporary file renamed), or to an open binary file."""
    lines = sorted(triples)  # sorting reads every row first: a row that stops the import stops it before any output
    report.triples = len(lines)
    suffix = f" {iri_ref(graph)} .\n"
    if not isinstance(output, Path):
        report.output = "-"
        _write_lines(output, lines, suffix)
        return
    report.output = str(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            _write_lines(handle, lines, suffix)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_lines(handle: IO[bytes], lines: Iterable[str], suffix: str, batch: int = 4096) -> int:
    """Write ``line + suffix`` for every line, encoded in batches; returns how many."""
    count, chunk = 0, []
    for line in lines:
        chunk.append(line)
        if len(chunk) == batch:
            handle.write((suffix.join(chunk) + suffix).encode("utf-8"))
            count += batch
            chunk = []
    if chunk:
        handle.write((suffix.join(chunk) + suffix).encode("utf-8"))
        count += len(chunk)
    return count


def _load(
    triples: Iterable[str], store: Path, graph: str, report: ImportReport, *, curated: bool, created: bool, progress: Callable[[int], Progress | None] | None
) -> None:
    """Write the triples to a temporary N-Triples file beside ``store``, then load them into ``graph``
    of it: a new store is built aside (curated graph and ontology first) and moved into place; an
    existing one is extended by :func:`~exograph.store.oxigraph.load_files`, which is atomic."""
    from exograph.store.oxigraph import load_files

    parent = store.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=parent, prefix=f".{store.name}.import-"))
    try:
        rdf = work / f"{report.file.stem}.nt"
        with open(rdf, "wb") as handle:
            report.triples = _write_lines(handle, triples, " .\n")
        record = [str(report.file.resolve())]
        loading = progress(rdf.stat().st_size) if progress is not None else None
        if created:
            target = work / "store"
            base = [resources.packaged_triples(), resources.ontology_file()] if curated else []
            load_files(target, base)
            load_files(target, [rdf], graph=graph, progress=loading, record=record)
            try:
                os.rename(target, store)
            except OSError as exc:
                raise StoreError(f"{store}: cannot create the store there ({exc.strerror}); give a new directory to --store") from None
        else:
            load_files(store, [rdf], graph=graph, progress=loading, record=record)
        report.store, report.store_created = store, created
    finally:
        shutil.rmtree(work, ignore_errors=True)


__all__ = [
    "GRAPH",
    "ON_ERROR",
    "REASONS",
    "SOURCE",
    "Database",
    "DatabaseEvidence",
    "EntityLinker",
    "ImportReport",
    "Interaction",
    "Link",
    "Mention",
    "curated_xrefs",
    "identifiers_iri",
    "import_file",
    "to_triples",
]
