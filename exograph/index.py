"""The index derived from a store: entities by id, their names, and the relation adjacency.

Resolution, paths, neighbourhoods and statistics need more than SPARQL answers quickly: every name
of every entity in normalised forms, and an adjacency list over integer ids. The index holds them,
built from the store by a few SELECT queries (:func:`build_index`), never one per statement:

- ``nodes``: every entity (and every IRI a relation joins or a context names), numbered in label
  order, with its label, type, synonyms, cross-references and whether it is generic (names a class
  of things: microRNA, tumour cell; paths do not walk through it);
- ``names``: exact (lower-cased), normalised and microRNA-family keys of every label and synonym;
- ``suggest``: the distinct exact keys in one text (and the first node of each in one array), the
  choices of a did-you-mean: read at once, where the rows of ``names`` took 0.4 s at 10M triples;
- ``edges``: every relation (statement IRI, or ``s|p|o`` for a plain triple) numbered in key order,
  with integer arrays of subject, object, predicate, cancer, hedged and evidence count, and forward
  and reverse adjacency in compressed sparse row form;
- ``roles``: per node, the relations whose context names it and in which role (cancer, donor,
  recipient, biofluid, site: :data:`exograph.vocab.CONTEXT_ROLES`), also in compressed sparse rows;
- the figures of ``exograph stats`` and the labels of the predicates.

It lives in one SQLite database (data only; never pickle): in memory for an in-memory store, or
``index.sqlite`` inside an on-disk store's directory, keyed by the store's fingerprint and rebuilt
when the store changes. A bare Oxigraph directory's index goes to the user's cache directory
(created 0700; a file not owned by the user or writable by others is never read).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sqlite3
import stat
import tempfile
import time
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exograph import vocab
from exograph.io.ntriples import BNODE, IRI, LITERAL, Pairs, Triples
from exograph.model import Entity, closure
from exograph.resolve import EXACT, FAMILY, NORMAL  # noqa: F401 (the kinds of the names table)
from exograph.support import Support

if TYPE_CHECKING:
    from exograph.store import Store

log = logging.getLogger("exograph.index")

INDEX_VERSION = "7"  #: bump when the index's tables change
INDEX_FILE = "index.sqlite"


#: more specific classes first: an entity typed with several shows the first one found
CLASS_PRIORITY = (
    "DrugResistance",
    "CancerPhenotype",
    "BiologicalProcess",
    "Exosome",
    "ExtracellularVesicle",
    "MicroRNA",
    "MicroRNACluster",
    "LncRNA",
    "CircRNA",
    "MessengerRNA",
    "DNA",
    "Lipid",
    "GeneOrProtein",
    "SignallingPathway",
    "Drug",
    "CancerType",
    "CellType",
    "Biofluid",
    "AnatomicalSite",
    "CellularComponent",
    "MolecularFunction",
    "SiRNA",
)
#: exograph classes whose instances are records, not entities
NOT_ENTITIES = ("Statement", "Evidence", "Reference", "Review", "Publication")

_ARRAYS = (
    "e_subject",
    "e_object",
    "e_predicate",
    "e_cancer",
    "e_hedged",
    "e_evidence",
    "e_curated",
    "e_strong",
    "e_weak",
    "e_negative",
    "out_start",
    "out_edges",
    "out_ends",
    "in_start",
    "in_edges",
    "in_ends",
    "role_start",
    "role_edges",
    "role_kinds",
)

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE nodes (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, label TEXT NOT NULL, type TEXT NOT NULL,
                    synonyms TEXT NOT NULL, xrefs TEXT NOT NULL, entity INTEGER NOT NULL, generic INTEGER NOT NULL);
CREATE TABLE names (kind INTEGER NOT NULL, key TEXT NOT NULL, node INTEGER NOT NULL, score REAL NOT NULL);
CREATE TABLE edges (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
CREATE TABLE arrays (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE broader (child INTEGER NOT NULL, parent INTEGER NOT NULL, PRIMARY KEY (child, parent));
CREATE TABLE suggest (keys BLOB NOT NULL, nodes BLOB NOT NULL);
"""
_INDEXES = "CREATE INDEX names_key ON names (kind, key);"

_GRAPH_QUERIES = ("graph_broader",)  #: the queries of named graphs (with _DATABASE_SUPPORT, asked once they are answered)

#: database evidence (an import's named graph) on the statements whose object is ``{objects}``
#: (SPARQL terms): the objects of the curated relations and their narrower entities, which alone
#: can support a curated relation. Asked for those objects, Oxigraph answers in 0.4 s what takes it
#: 110 s for all 501,115 evidences of miRTarBase (whose index build it then was most of).
_DATABASE_SUPPORT = """SELECT ?s ?p ?o ?pmid ?type WHERE { VALUES ?o { {objects} }
    GRAPH ?g { ?st rdf:object ?o ; rdf:subject ?s ; rdf:predicate ?p ; exo:evidence ?ev .
               ?ev a exo:DatabaseEvidence ; exo:supportType ?type ; exo:pmid ?pmid } }"""
_SUPPORT_BATCH = 2000  #: objects per _DATABASE_SUPPORT query (its text stays small enough for an endpoint's GET)
_CLASSES = " ".join(f"exo:{c}" for c in vocab.CLASSES.values())
_RELATIONS = " ".join(f"exo:{p}" for p in vocab.PREDICATES)
_ROLES = " ".join(f"exo:{spec.rdf_property}" for spec in vocab.CONTEXT_ROLES)
#: the context roles by number (as in the role_kinds array), and by the property that states them
ROLES: tuple[str, ...] = tuple(spec.name for spec in vocab.CONTEXT_ROLES)
_ROLE_NUMBERS = {vocab.EXO + spec.rdf_property: n for n, spec in enumerate(vocab.CONTEXT_ROLES)}
_CANCER_ROLE = vocab.EXO + "cancerType"

#: what the index is built from: each a single pattern (or a small join) the engine answers fast,
#: all run at once; their rows are read as lexical values
QUERIES = {
    "types": f"SELECT ?s ?t WHERE {{ VALUES ?t {{ {_CLASSES} }} ?s a ?t . FILTER(isIRI(?s)) }}",
    "names": """SELECT ?s ?p ?o WHERE { VALUES ?p { rdfs:label skos:prefLabel skos:altLabel oboInOwl:hasExactSynonym oboInOwl:hasDbXref }
                ?s ?p ?o . FILTER(isIRI(?s) && isLiteral(?o)) }""",
    "statements": "SELECT ?st WHERE { ?st a exo:Statement }",
    "subjects": "SELECT ?st ?s WHERE { ?st rdf:subject ?s }",
    "predicates": "SELECT ?st ?p WHERE { ?st rdf:predicate ?p }",
    "objects": "SELECT ?st ?o WHERE { ?st rdf:object ?o }",
    # the entities a statement's context names (cancer, donor, recipient, biofluid, site)
    "roles": f"SELECT ?st ?p ?e WHERE {{ VALUES ?p {{ {_ROLES} }} ?st ?p ?e . FILTER(isIRI(?e)) }}",
    "hedged": "SELECT ?st ?v WHERE { ?st exo:hedged ?v }",
    "generic": "SELECT ?s ?v WHERE { ?s exo:generic ?v . FILTER(isIRI(?s)) }",
    "evidence_counts": "SELECT ?st (COUNT(DISTINCT ?ev) AS ?n) WHERE { ?st exo:evidence ?ev } GROUP BY ?st",
    "plain": f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {_RELATIONS} }} ?s ?p ?o . FILTER(isIRI(?s) && isIRI(?o)) }}",
    "sections": """SELECT ?section (COUNT(DISTINCT ?ev) AS ?evidences) (COUNT(DISTINCT ?st) AS ?relations)
                   WHERE { ?st exo:evidence ?ev . ?ev exo:section ?section } GROUP BY ?section""",
    "cited": "SELECT ?n (COUNT(*) AS ?uses) WHERE { ?st exo:evidence/exo:reference/exo:referenceNumber ?n } GROUP BY ?n",
    "references": "SELECT DISTINCT ?n WHERE { ?r exo:referenceNumber ?n }",
    "predicate_labels": "SELECT ?p ?l WHERE { VALUES ?kind { owl:ObjectProperty rdf:Property } ?p a ?kind ; rdfs:label ?l . FILTER(isIRI(?p)) }",
    "broader": "SELECT ?s ?o WHERE { ?s skos:broader ?o . FILTER(isIRI(?s) && isIRI(?o)) }",
    # independent sources of each statement's curated evidence: its numbered references, and a paper
    # (not the review) it was read in
    "curated_sources": """SELECT ?st (COUNT(DISTINCT ?src) AS ?n) WHERE { ?st exo:evidence ?ev .
                          { ?ev exo:reference ?src } UNION { ?ev exo:curatedFrom ?src FILTER NOT EXISTS { ?src a exo:Review } } } GROUP BY ?st""",
    # the links of the entities an import made (a mature miRNA to its precursor): with "broader",
    # what matches database evidence to the curated relations it supports (_DATABASE_SUPPORT)
    "graph_broader": "SELECT ?s ?o WHERE { GRAPH ?g { ?s skos:broader ?o } FILTER(isIRI(?s) && isIRI(?o)) }",
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
}


@dataclass(frozen=True)
class EdgeArrays:
    """The relations as integer arrays (one slot per edge id) and both adjacency lists."""

    subject: Any
    object: Any
    predicate: Any
    cancer: Any  #: node id of the relation's cancer, or -1
    hedged: Any  #: 1 where the statement is hedged (exo:hedged true: "may", "might"...), else 0
    evidence: Any  #: number of evidences
    curated: Any  #: independent references of the curated evidence
    strong: Any  #: PMIDs of strong database evidence (exograph.support)
    weak: Any
    negative: Any  #: PMIDs of database evidence that found no interaction
    out_start: Any  #: edges leaving node n: out_edges[out_start[n]:out_start[n + 1]]
    out_edges: Any
    out_ends: Any  #: the object of each edge in out_edges, slot for slot (a node's successors are one slice)
    in_start: Any
    in_edges: Any
    in_ends: Any  #: the subject of each edge in in_edges, slot for slot
    role_start: Any  #: relations whose context names node n: role_edges[role_start[n]:role_start[n + 1]], in edge order
    role_edges: Any
    role_kinds: Any  #: the role of each slot of role_edges, a number into :attr:`Index.roles`


class Index:
    """The derived index of one store (see the module's documentation)."""

    def __init__(self, db: sqlite3.Connection, path: Path | None = None) -> None:
        self.db = db
        self.path = path
        self._meta = {k: v for k, v in db.execute("SELECT key, value FROM meta")}
        self._by_iri: dict[str, int] = {}
        self._nodes: dict[int, tuple[str, str, str, str, str, int, int]] = {}

    # ------------------------------------------------------------------ opening

    @classmethod
    def for_store(cls, store: Store) -> Index:
        """The index of ``store``: read from where it is kept when it matches the store's content,
        else built (and kept, where the store has a place for it)."""
        from exograph.store.oxigraph import MANIFEST, OxigraphStore

        fingerprint = store.fingerprint
        location = getattr(store, "location", None)  # a remote store: its index is kept in the cache
        if fingerprint is None or (location is None and (not isinstance(store, OxigraphStore) or store.path is None)):
            return cls(_built(store))
        if location is not None:
            places = [_cache_file(str(location), fingerprint)]
        else:
            assert isinstance(store, OxigraphStore) and store.path is not None
            directory = store.path
            cached = _cache_file(str(directory.resolve()), fingerprint)
            # an exograph store keeps its index inside; the cache holds it when the store is read-only to
            # this user and its index is stale (made by another version of exograph)
            places = [directory / INDEX_FILE, cached] if (directory / MANIFEST).is_file() else [cached]
        for place in places:
            found = cls.open(place, fingerprint) if place is not None else None
            if found is not None:
                log.info("index read from %s", place)
                return found
        db = _built(store, fingerprint)
        for place in places:
            if place is not None and save(db, place):
                log.info("index kept at %s", place)
                return cls(db, place)
        return cls(db)

    @classmethod
    def open(cls, path: Path, fingerprint: str | None = None) -> Index | None:
        """The index kept at ``path`` if it is of this version and (when given) of this store
        content; None when it is missing, stale, unreadable or not safe to read."""
        if not path.is_file() or not _safe_to_read(path):
            return None
        try:
            db = _connect(f"file:{path}?mode=ro&immutable=1", uri=True)
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error:
            return None
        if meta.get("version") != INDEX_VERSION or (fingerprint is not None and meta.get("fingerprint") != fingerprint):
            db.close()
            return None
        return cls(db, path)

    # ------------------------------------------------------------------ nodes

    def node_id(self, iri: str) -> int | None:
        found = self._by_iri.get(iri)
        if found is None:
            row = self.db.execute("SELECT id FROM nodes WHERE iri = ?", (iri,)).fetchone()
            if row is None:
                return None
            found = self._by_iri[iri] = row[0]
        return found

    def _node(self, node: int) -> tuple[str, str, str, str, str, int, int]:
        row = self._nodes.get(node)
        if row is None:
            found = self.db.execute("SELECT iri, label, type, synonyms, xrefs, entity, generic FROM nodes WHERE id = ?", (node,)).fetchone()
            if found is None:
                raise KeyError(node)
            row = self._nodes[node] = found
        return row

    def preload(self, nodes: Iterable[int]) -> None:
        """Read these nodes at once (a few queries instead of one per node)."""
        missing = sorted({n for n in nodes if n not in self._nodes})
        for start in range(0, len(missing), 900):
            chunk = missing[start : start + 900]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT id, iri, label, type, synonyms, xrefs, entity, generic FROM nodes WHERE id IN ({marks})", chunk):
                self._nodes[row[0]] = row[1:]

    def iri(self, node: int) -> str:
        return self._node(node)[0]

    def entity(self, iri: str) -> Entity | None:
        """The entity with this IRI, or None when the graph has no such entity."""
        node = self.node_id(iri)
        return None if node is None else self.entity_of(node)

    def entity_of(self, node: int) -> Entity:
        iri, label, kind, synonyms, xrefs, _, generic = self._node(node)
        return Entity(iri, kind, label, tuple(json.loads(synonyms)), tuple(json.loads(xrefs)), generic=bool(generic))

    def label(self, iri: str) -> str:
        node = self.node_id(iri)
        return self._node(node)[1] if node is not None else vocab.local_name(iri)

    def type(self, iri: str) -> str:
        node = self.node_id(iri)
        return self._node(node)[2] if node is not None else "Entity"

    def describe(self, iri: str) -> dict[str, str]:
        """The JSON form of an entity: id, label, type."""
        return {"id": iri, "label": self.label(iri), "type": self.type(iri)}

    def entities(self) -> Iterator[Entity]:
        """Every entity, in label order."""
        query = "SELECT iri, label, type, synonyms, xrefs, generic FROM nodes WHERE entity = 1 ORDER BY id"
        for iri, label, kind, synonyms, xrefs, generic in self.db.execute(query):
            yield Entity(iri, kind, label, tuple(json.loads(synonyms)), tuple(json.loads(xrefs)), generic=bool(generic))

    @cached_property
    def generic(self) -> frozenset[int]:
        """The generic nodes (exo:generic true: microRNA, tumour cell...), which paths do not walk through."""
        return frozenset(row[0] for row in self.db.execute("SELECT id FROM nodes WHERE generic = 1"))

    # ------------------------------------------------------------------ names

    def lookup(self, kind: int, key: str) -> list[tuple[int, float]]:
        """(node, score) of every name of this kind with this key."""
        return self.db.execute("SELECT node, score FROM names WHERE kind = ? AND key = ?", (kind, key)).fetchall()

    def suggestions(self) -> tuple[list[str], array[int]]:
        """Every distinct lower-cased name, in order, and the first node (by id) that has it: the
        choices of a did-you-mean suggestion."""
        keys, nodes = self.db.execute("SELECT keys, nodes FROM suggest").fetchone()
        found = array("i")
        found.frombytes(nodes)
        return (keys.decode("utf-8").split(_KEY_SEPARATOR) if keys else []), found

    def narrower(self, node: int) -> list[int]:
        """The entities whose skos:broader is ``node`` (its direct subtypes), by id."""
        return [row[0] for row in self.db.execute("SELECT child FROM broader WHERE parent = ? ORDER BY child", (node,))]

    def descendants(self, node: int) -> set[int]:
        """Every entity below ``node`` along skos:broader (not ``node`` itself)."""
        found: set[int] = set()
        frontier = [node]
        while frontier:
            frontier = [c for n in frontier for c in self.narrower(n) if c not in found and c != node]
            found.update(frontier)
        return found

    # ------------------------------------------------------------------ edges

    @cached_property
    def arrays(self) -> EdgeArrays:
        blobs = dict(self.db.execute("SELECT name, data FROM arrays").fetchall())
        out = {}
        for name in _ARRAYS:
            values = array("i")
            values.frombytes(blobs[name])
            out[name] = values
        return EdgeArrays(
            out["e_subject"],
            out["e_object"],
            out["e_predicate"],
            out["e_cancer"],
            out["e_hedged"],
            out["e_evidence"],
            out["e_curated"],
            out["e_strong"],
            out["e_weak"],
            out["e_negative"],
            out["out_start"],
            out["out_edges"],
            out["out_ends"],
            out["in_start"],
            out["in_edges"],
            out["in_ends"],
            out["role_start"],
            out["role_edges"],
            out["role_kinds"],
        )

    @property
    def edge_count(self) -> int:
        return int(self._meta["edges"])

    def edge_keys(self, edges: Iterable[int]) -> dict[int, str]:
        """The key (statement IRI) of each edge id."""
        wanted = sorted(set(edges))
        out: dict[int, str] = {}
        for start in range(0, len(wanted), 900):
            chunk = wanted[start : start + 900]
            out.update(self.db.execute(f"SELECT id, key FROM edges WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        return out

    def support(self, key: str) -> Support:
        """The support of the relation with this key (no evidence: an unknown key)."""
        from exograph.paths import support_of

        row = self.db.execute("SELECT id FROM edges WHERE key = ?", (key,)).fetchone()
        return support_of(self.arrays, row[0]) if row else Support()

    @cached_property
    def predicates(self) -> list[str]:
        """Predicate IRIs by predicate number (as in the predicate array)."""
        return list(json.loads(self._meta["predicates"]))

    def predicate_number(self, iri: str) -> int | None:
        try:
            return self.predicates.index(iri)
        except ValueError:
            return None

    @cached_property
    def predicate_labels(self) -> dict[str, str]:
        """Labels of predicates as the store (its ontology) gives them."""
        return dict(json.loads(self._meta["predicate_labels"]))

    @cached_property
    def roles(self) -> tuple[str, ...]:
        """The context roles by number, as the role_kinds array numbers them (:data:`ROLES` when built)."""
        return tuple(json.loads(self._meta["roles"]))

    @property
    def hedged_count(self) -> int:
        """How many relations are hedged (none: filtering them out costs nothing)."""
        return int(self._meta.get("hedged", "0"))

    @property
    def stats(self) -> dict[str, Any]:
        """The figures of ``exograph stats``."""
        return dict(json.loads(self._meta["stats"]))

    @property
    def fingerprint(self) -> str | None:
        return self._meta.get("fingerprint") or None


# --------------------------------------------------------------------------- building


def build_index(store: Store, directory: Path, *, triples: int | None = None, facts: Facts | None = None) -> Path:
    """Build the index of ``store`` and keep it in ``directory`` (an exograph store's directory)."""
    place = directory / INDEX_FILE
    save(build_database(store, store.fingerprint, triples=triples, facts=facts), place)
    return place


def _built(store: Store, fingerprint: str | None = None) -> sqlite3.Connection:
    """:func:`build_database`, logged."""
    started = time.perf_counter()
    db = build_database(store, fingerprint)
    log.info("index built in %.2f s (%s relations)", time.perf_counter() - started, db.execute("SELECT COUNT(*) FROM edges").fetchone()[0])
    return db


def build_database(store: Store | None, fingerprint: str | None = None, *, triples: int | None = None, facts: Facts | None = None) -> sqlite3.Connection:
    """The index of ``store`` as an in-memory SQLite database (see the module's documentation);
    ``triples``, when known, saves counting them again; ``facts``, when the store's triples were
    watched as they were loaded (:class:`Facts`), save asking the store for them (``store`` may
    then be None, and the count and fingerprint set later with :func:`stamp`)."""
    from exograph.store import select_many

    queries = {k: q for k, q in QUERIES.items() if not (k == "triples" and triples is not None)}
    if store is not None and not store.graphs():  # no named graph: no database evidence to ask for
        queries = {k: q for k, q in queries.items() if k not in _GRAPH_QUERIES}
    with _collector_paused():
        if facts is not None:
            answers = facts.answers()
        elif store is None:
            raise ValueError("build_database needs a store or the facts of one")
        else:
            answers = dict(zip(queries, select_many(store, list(queries.values())), strict=True))
            answers.update({k: [] for k in _GRAPH_QUERIES if k not in answers})
        if triples is not None or "triples" not in answers:
            if triples is None:
                assert store is not None, "give the triple count when there is no store"
                triples = len(store)
            answers["triples"] = [(str(triples),)]
        return _database(answers, store if "graph_broader" in queries else None, fingerprint)


def _database(answers: dict[str, list[tuple[str, ...]]], store: Store | None, fingerprint: str | None) -> sqlite3.Connection:
    """The index database of the answers to :data:`QUERIES` (``store``: where to ask for database evidence)."""
    from exograph.graph import plain_key
    from exograph.resolve import keys_of_names

    # entities: typed with an exograph class
    types: dict[str, set[str]] = defaultdict(set)
    for s, t in answers["types"]:
        types[s].add(t)
    # relations: statements with exactly one subject, predicate and object, then plain triples
    # with no statement (a statement's parts missing or doubled: malformed, left out; validate says so)
    subjects, predicates, objects = (_single(answers[name]) for name in ("subjects", "predicates", "objects"))
    statements = {st: (subjects[st], predicates[st], objects[st]) for (st,) in answers["statements"] if st in subjects and st in predicates and st in objects}
    reified = set(statements.values())
    cancers: dict[str, str] = {}
    named: dict[str, set[tuple[int, str]]] = defaultdict(set)  #: statement -> (role number, entity) its context names
    for st, prop, value in answers["roles"]:
        named[st].add((_ROLE_NUMBERS[prop], value))
        if prop == _CANCER_ROLE:
            cancers[st] = min(cancers.get(st, value), value)
    hedged = {st for st, value in answers["hedged"] if value.strip() in ("true", "1")}
    generic = {s for s, value in answers["generic"] if value.strip() in ("true", "1")}
    evidence = {st: int(n) for st, n in answers["evidence_counts"]}
    curated = {st: int(n) for st, n in answers["curated_sources"]}
    relations: list[tuple[str, str, str, str]] = [(key, *triple) for key, triple in statements.items()]
    relations += [(plain_key(s, p, o), s, p, o) for s, p, o in answers["plain"] if (s, p, o) not in reified]
    relations.sort()

    # names of every entity and of every IRI a relation joins or a context names
    labels: dict[str, str] = {}
    pref: dict[str, str] = {}
    synonyms: dict[str, set[str]] = defaultdict(set)
    xrefs: dict[str, set[str]] = defaultdict(set)
    label_property, pref_property, xref_property = vocab.RDFS + "label", vocab.SKOS + "prefLabel", vocab.OBOINOWL + "hasDbXref"
    for iri, prop, text in answers["names"]:
        if prop == label_property:
            labels[iri] = min(labels.get(iri, text), text)
        elif prop == pref_property:
            pref[iri] = min(pref.get(iri, text), text)
        elif prop == xref_property:
            xrefs[iri].add(text)
        else:
            synonyms[iri].add(text)
    labels.update(pref)
    entity_iris = set(types) | {r[1] for r in relations} | {r[3] for r in relations}
    broader = [(s, o) for s, o in answers["broader"] if s in types and o in types]  # between entities only
    node_iris = entity_iris | {e for pairs in named.values() for _, e in pairs}
    local_name = vocab.local_name
    ordered = [iri for _, iri in sorted([((labels[i] if i in labels else local_name(i)).lower(), i) for i in node_iris])]
    ids = {iri: n for n, iri in enumerate(ordered)}

    db = _connect(":memory:")
    db.execute("PRAGMA journal_mode = OFF")  # built in one go: nothing to roll back
    db.executescript(_SCHEMA)
    rows = []
    names_by_kind: tuple[list[tuple[str, int, float]], ...] = ([], [], [])  # EXACT, NORMAL, FAMILY
    by_type: Counter[str] = Counter()
    picked: dict[frozenset[str], str] = {}
    dumps = json.dumps
    for node, iri in enumerate(ordered):
        label = labels.get(iri) or local_name(iri)
        classes = frozenset(types.get(iri, ()))
        kind = picked.get(classes) or picked.setdefault(classes, _pick_type(classes))
        names = tuple(sorted(synonyms[iri])) if iri in synonyms else ()
        refs = tuple(sorted(xrefs[iri])) if iri in xrefs else ()
        entity = iri in entity_iris
        if entity:
            by_type[kind] += 1
        rows.append((node, iri, label, kind, dumps(names) if names else "[]", dumps(refs) if refs else "[]", int(entity), int(iri in generic)))
        for k, key, score in set(keys_of_names(iri, label, names)):
            names_by_kind[k].append((key, node, score))
    db.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    for k, found in enumerate(names_by_kind):  # in (kind, key, node, score) order
        found.sort()
        db.executemany(f"INSERT INTO names VALUES ({k}, ?, ?, ?)", found)
    db.execute("INSERT INTO suggest VALUES (?, ?)", _suggestions(names_by_kind[EXACT]))
    db.executemany("INSERT INTO edges VALUES (?, ?)", enumerate(map(itemgetter(0), relations)))
    db.executemany("INSERT INTO broader VALUES (?, ?)", sorted({(ids[s], ids[o]) for s, o in broader}))

    predicate_iris = sorted({r[2] for r in relations})
    numbers = {p: n for n, p in enumerate(predicate_iris)}
    count = len(ordered)
    e_subject = array("i", [ids[r[1]] for r in relations])
    e_object = array("i", [ids[r[3]] for r in relations])
    e_evidence = array("i", [evidence.get(r[0], 0) for r in relations])
    arrays = {
        "e_subject": e_subject,
        "e_object": e_object,
        "e_predicate": array("i", [numbers[r[2]] for r in relations]),
        "e_cancer": array("i", [ids[cancers[r[0]]] if r[0] in cancers else -1 for r in relations]),
        "e_hedged": array("i", [r[0] in hedged for r in relations]),
        "e_evidence": e_evidence,
        # an evidence with neither a reference nor a paper of its own still counts once
        "e_curated": array("i", [curated.get(r[0]) or min(n, 1) for r, n in zip(relations, e_evidence, strict=True)]),
    }
    if store is not None:
        answers["database_support"] = _ask_database_support(store, answers, relations)
    arrays["e_strong"], arrays["e_weak"], arrays["e_negative"] = _database_support(answers, relations)
    arrays["out_start"], arrays["out_edges"] = _csr(e_subject, count)
    arrays["in_start"], arrays["in_edges"] = _csr(e_object, count)
    arrays["out_ends"] = array("i", map(e_object.__getitem__, arrays["out_edges"]))
    arrays["in_ends"] = array("i", map(e_subject.__getitem__, arrays["in_edges"]))
    # who takes part through the context: (node, edge, role), grouped by node, in edge order then role order
    slot_nodes, slot_edges, slot_roles = array("i"), array("i"), array("i")
    for n, r in enumerate(relations):
        if r[0] in named:
            for role, e in sorted(named[r[0]]):
                slot_nodes.append(ids[e])
                slot_edges.append(n)
                slot_roles.append(role)
    arrays["role_start"], by_node = _csr(slot_nodes, count)
    arrays["role_edges"] = array("i", map(slot_edges.__getitem__, by_node))
    arrays["role_kinds"] = array("i", map(slot_roles.__getitem__, by_node))
    db.executemany("INSERT INTO arrays VALUES (?, ?)", [(name, values.tobytes()) for name, values in arrays.items()])

    predicate_labels = {row[0]: row[1] for row in answers["predicate_labels"]}
    stats = _stats(answers, by_type, relations, sum(e_evidence), len(entity_iris))
    meta = {
        "version": INDEX_VERSION,
        "fingerprint": fingerprint or "",
        "nodes": str(count),
        "edges": str(len(relations)),
        "hedged": str(sum(arrays["e_hedged"])),
        "roles": json.dumps(ROLES),
        "predicates": json.dumps(predicate_iris),
        "predicate_labels": json.dumps(predicate_labels, sort_keys=True),
        "stats": json.dumps(stats, sort_keys=True),
    }
    db.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
    db.executescript(_INDEXES)
    db.commit()
    return db


_KEY_SEPARATOR = "\x00"  #: between the keys of the suggest table (a name holding one is left out of suggestions)


def _suggestions(exact: list[tuple[str, int, float]]) -> tuple[bytes, bytes]:
    """The row of the suggest table from the sorted (key, node, score) of the exact names."""
    keys: list[str] = []
    nodes = array("i")
    for key, node, _ in exact:
        if (not keys or key != keys[-1]) and _KEY_SEPARATOR not in key:
            keys.append(key)
            nodes.append(node)
    return _KEY_SEPARATOR.join(keys).encode("utf-8"), nodes.tobytes()


def _single(rows: list[tuple[str, ...]]) -> dict[str, str]:
    """The value of each statement that has exactly one in ``rows`` of (statement, value)."""
    found: dict[str, str] = dict(rows)  # type: ignore[arg-type]
    if len(found) < len(rows):  # some statement has two (or the same row twice): it has none
        for st, n in Counter(st for st, _ in rows).items():
            if n > 1:
                del found[st]
    return found


_RDF_TYPE = vocab.RDF + "type"
_BROADER = vocab.SKOS + "broader"
_NAME_PROPERTIES = frozenset(
    {vocab.RDFS + "label", vocab.SKOS + "prefLabel", vocab.SKOS + "altLabel", vocab.OBOINOWL + "hasExactSynonym", vocab.OBOINOWL + "hasDbXref"}
)
_CLASS_IRIS = frozenset(vocab.EXO + c for c in vocab.CLASSES.values())
_RELATION_IRIS = frozenset(vocab.EXO + p for p in vocab.PREDICATES)
_PROPERTY_KINDS = frozenset({vocab.OWL + "ObjectProperty", vocab.RDF + "Property"})
_STATEMENT_PARTS = frozenset({vocab.RDF + "subject", vocab.RDF + "object", vocab.EXO + "cancerType"})
_HEDGED = vocab.EXO + "hedged"
_GENERIC = vocab.EXO + "generic"
_LABEL = vocab.RDFS + "label"
_EVIDENCE, _SECTION, _REFERENCE = vocab.EXO + "evidence", vocab.EXO + "section", vocab.EXO + "reference"
_CURATED_FROM, _REFERENCE_NUMBER = vocab.EXO + "curatedFrom", vocab.EXO + "referenceNumber"
#: predicates whose (subject, object) pairs are one query's rows as they are
_PAIRS = {vocab.RDF + "subject": "subjects", vocab.RDF + "predicate": "predicates", vocab.RDF + "object": "objects", _HEDGED: "hedged"}
_GROUPS = (_EVIDENCE, _SECTION, _REFERENCE, _CURATED_FROM, _REFERENCE_NUMBER)  #: predicates read per subject
#: every predicate whose triples :class:`Facts` reads
WATCHED = frozenset({_RDF_TYPE, *_NAME_PROPERTIES, *_PAIRS, *_ROLE_NUMBERS, _GENERIC, *_GROUPS, *_RELATION_IRIS, _BROADER})
_STATEMENT, _REVIEW = vocab.EXO + "Statement", vocab.EXO + "Review"
_NODES, _ANY = (IRI, BNODE), (IRI, BNODE, LITERAL)  #: kinds of term
#: the predicates whose triples Facts keeps once each: a statement's parts (two of one part is no
#: part), its plain triples and evidence (each a relation or an evidence) and sections (counted)
_DEDUPLICATED = frozenset({vocab.RDF + "subject", vocab.RDF + "predicate", vocab.RDF + "object", *_RELATION_IRIS, _EVIDENCE, _SECTION})


class Facts:
    """What the index needs, gathered from triples as they stream past (while ``exograph load``
    bulk-loads them), instead of asked of the store afterwards: the rows the index's SELECT queries
    give (:data:`QUERIES`). Reading a million triples back out of RocksDB costs several times more
    than watching them go in.

    The triples of :data:`WATCHED` are kept as the readers of :mod:`exograph.io.ntriples` give
    them (lexical forms by predicate and kinds of term) and read into rows once, at the end; each
    once where a triple twice would change the index (a store keeps a triple once), else as they
    come (a list costs less to fill and to read)."""

    def __init__(self) -> None:
        self.triples: Triples = _Triples()
        self.refused = False  #: a file held what the index cannot be built from (named graphs, triple terms)
        self.index: sqlite3.Connection | None = None  #: the index built from these facts, once they are all in

    @property
    def usable(self) -> bool:
        """Whether the index can be built from these facts: no file was refused, and no blank node
        is a statement or a statement's subject, object or cancer (a blank node's label does not
        survive loading, so the index is then asked of the store)."""
        if self.refused or any(o == _STATEMENT for _, o in self._pairs(_RDF_TYPE, (BNODE,), (IRI,))):
            return False
        return not any(self._containers(p, _NODES, (BNODE,)) for p in _STATEMENT_PARTS)

    def _containers(self, predicate: str, s_kinds: tuple[int, ...], o_kinds: tuple[int, ...]) -> list[Pairs]:
        found = (self.triples.get((predicate, s_kind, o_kind)) for s_kind in s_kinds for o_kind in o_kinds)
        return [pairs for pairs in found if pairs]

    def _pairs(self, predicate: str, s_kinds: tuple[int, ...] = (IRI, BNODE), o_kinds: tuple[int, ...] = (IRI, BNODE, LITERAL)) -> Iterator[tuple[str, str]]:
        """The (subject, object) of every triple of ``predicate`` whose terms are of these kinds."""
        return chain.from_iterable(self._containers(predicate, s_kinds, o_kinds))

    def answers(self) -> dict[str, list[tuple[str, ...]]]:
        """The rows each of :data:`QUERIES` would give (but the triple count); a row may come twice
        where that changes nothing."""
        pairs = self._pairs
        types: list[tuple[str, str]] = []
        statements: list[tuple[str, ...]] = []
        reviews: set[str] = set()
        properties: set[str] = set()
        for s, o in pairs(_RDF_TYPE, _NODES, (IRI,)):  # one pass over each large list: each costs a cache miss a row
            if o in _CLASS_IRIS:
                if s[:2] != "_:":
                    types.append((s, o))
            elif o == _STATEMENT:
                statements.append((s,))
            elif o == _REVIEW:
                reviews.add(s)
            elif o in _PROPERTY_KINDS and s[:2] != "_:":
                properties.add(s)
        out: dict[str, list[tuple[str, ...]]] = {
            "types": types,  # type: ignore[dict-item]
            "statements": statements,
            "names": [(s, p, o) for p in _NAME_PROPERTIES for s, o in pairs(p, (IRI,), (LITERAL,))],
            "roles": [(s, p, o) for p in _ROLE_NUMBERS for s, o in pairs(p, _NODES, (IRI,))],
            "generic": list(pairs(_GENERIC, (IRI,))),  # type: ignore[dict-item]
            "plain": [(s, p, o) for p in _RELATION_IRIS for s, o in pairs(p, (IRI,), (IRI,))],
            "broader": list(pairs(_BROADER, (IRI,), (IRI,))),  # type: ignore[dict-item]
            "predicate_labels": [(s, o) for s, o in pairs(_LABEL, (IRI,), (LITERAL,)) if s in properties],  # type: ignore[dict-item]
            "database_support": [],  # the watcher reads the default graph only
            "graph_broader": [],
        }
        for p, name in _PAIRS.items():
            out[name] = list(pairs(p))  # type: ignore[arg-type]
        out.update(self._aggregates(reviews))
        return out

    def _aggregates(self, reviews: set[str]) -> dict[str, list[tuple[str, ...]]]:
        """The rows of the queries that count evidences, their sources and sections (joined
        through the statement of each evidence; one pass over each predicate's triples)."""
        pairs = self._pairs
        owner = {ev: st for st, ev in pairs(_EVIDENCE)}  # the statement of each evidence (one, as a rule)
        several = len(owner) < sum(map(len, self._containers(_EVIDENCE, _NODES, _ANY)))
        statements_of = _grouped((ev, st) for st, ev in pairs(_EVIDENCE)) if several else {}  # of those with more
        numbers = _grouped(pairs(_REFERENCE_NUMBER))
        sources: dict[tuple[str, str], None] = {}  # (statement, reference or paper), each once
        cited: set[str] = set()
        for ev, ref in pairs(_REFERENCE):
            if ev in owner:
                for st in statements_of.get(ev) or (owner[ev],):
                    sources[st, ref] = None
                if ref in numbers:
                    cited |= numbers[ref]
        for ev, pub in pairs(_CURATED_FROM):
            if ev in owner and pub not in reviews:
                for st in statements_of.get(ev) or (owner[ev],):
                    sources[st, pub] = None
        evidences_in: Counter[str] = Counter()
        statements_in: dict[str, set[str]] = defaultdict(set)
        for ev, section in pairs(_SECTION):
            if ev in owner:
                evidences_in[section] += 1
                statements_in[section].update(statements_of.get(ev) or (owner[ev],))
        return {
            "evidence_counts": [(st, str(n)) for st, n in Counter(map(itemgetter(0), pairs(_EVIDENCE))).items()],
            "curated_sources": [(st, str(n)) for st, n in Counter(map(itemgetter(0), sources)).items()],
            "sections": [(section, str(n), str(len(statements_in[section]))) for section, n in evidences_in.items()],
            "cited": [(n, "1") for n in cited],
            "references": [(n,) for n in set().union(*numbers.values())],
        }


class _Triples(dict[tuple[str, int, int], Pairs]):
    """Triples by (predicate, subject kind, object kind): the keys of a dict for those whose doubles
    the index must not count twice (see :data:`_DEDUPLICATED`), a list for the others. (A dict
    rather than a set: it is read in the order it was filled, which is the order of the pairs in
    memory, where a set's order sends every read to another place, several times slower at 10M.)"""

    def __missing__(self, key: tuple[str, int, int]) -> Pairs:
        pairs: Pairs = {} if key[0] in _DEDUPLICATED else []
        self[key] = pairs
        return pairs


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """The objects of each subject."""
    groups: dict[str, set[str]] = defaultdict(set)
    for s, o in pairs:
        groups[s].add(o)
    return groups


def watch(path: Path, fmt: object, facts: Facts, prefix: str) -> None:
    """Parse an RDF file (its default-graph triples) into ``facts``; ``prefix`` keeps its blank
    nodes apart from other files'. N-Triples is read by exograph's own reader of the few
    predicates the index needs (:mod:`exograph.io.ntriples`), every other format by pyoxigraph. A
    file with named graphs (N-Quads, TriG) may hold database evidence, which the index reads from
    the store's graphs, and a triple term has no place in the index: the facts are then refused."""
    import pyoxigraph as ox

    from exograph.io.ntriples import TripleTermError, add_into, read_into

    try:
        with _collector_paused():
            if fmt == ox.RdfFormat.N_TRIPLES:
                read_into(path, WATCHED, facts.triples, blank_prefix=prefix)
                return
            batch: list[Any] = []
            for quad in ox.parse(path=str(path), format=fmt):  # type: ignore[arg-type]
                if not isinstance(quad.graph_name, ox.DefaultGraph):
                    facts.refused = True
                    return
                batch.append(quad)
                if len(batch) == 10_000:
                    add_into(batch, WATCHED, facts.triples, blank_prefix=prefix)
                    batch.clear()
            add_into(batch, WATCHED, facts.triples, blank_prefix=prefix)
    except TripleTermError:
        facts.refused = True


def watch_files(files: Sequence[tuple[Path, object]], facts: Facts) -> None:
    """Read RDF ``files`` (path, pyoxigraph format) into ``facts`` (see :func:`watch`), then build
    their index into ``facts.index`` unless the facts cannot be used; what was read is let go
    once the index is built."""
    with _collector_paused():
        for number, (path, fmt) in enumerate(files):
            watch(path, fmt, facts, prefix=f"f{number}-")
            if facts.refused:
                break
        if facts.usable:
            facts.index = build_database(None, facts=facts, triples=0)
        facts.triples = _Triples()  # freed with the collector still off (else it would walk every row once more)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while millions of tuples and sets are made that all stay alive
    (each collection would walk every one of them, for nothing: it costs a third of the time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def stamp(db: sqlite3.Connection, *, triples: int, fingerprint: str | None) -> None:
    """Set the triple count and the store's fingerprint of an index built before they were known."""
    (stats,) = db.execute("SELECT value FROM meta WHERE key = 'stats'").fetchone()
    figures = json.loads(stats)
    figures["triples"] = triples
    db.execute("UPDATE meta SET value = ? WHERE key = 'stats'", (json.dumps(figures, sort_keys=True),))
    db.execute("UPDATE meta SET value = ? WHERE key = 'fingerprint'", (fingerprint or "",))
    db.commit()


def _broader_links(answers: dict[str, list[tuple[str, ...]]], *, downwards: bool = False) -> dict[str, set[str]]:
    """The skos:broader links of the default graph and of the named graphs (an import's mature
    miRNAs to their precursors): each entity's broader ones, or with ``downwards`` its narrower ones."""
    links: dict[str, set[str]] = defaultdict(set)
    for child, parent in [*answers.get("broader", []), *answers.get("graph_broader", [])]:
        if downwards:
            links[parent].add(child)
        else:
            links[child].add(parent)
    return links


def _ask_database_support(store: Store, answers: dict[str, list[tuple[str, ...]]], relations: list[tuple[str, str, str, str]]) -> list[tuple[str, ...]]:
    """The rows of database evidence that can support one of ``relations`` (see :data:`_DATABASE_SUPPORT`)."""
    from exograph.store import select_many
    from exograph.terms import iri_ref

    objects = sorted(o for o in closure({r[3] for r in relations}, _broader_links(answers, downwards=True)) if not o.startswith("_:"))
    batches = [objects[i : i + _SUPPORT_BATCH] for i in range(0, len(objects), _SUPPORT_BATCH)]
    queries = [_DATABASE_SUPPORT.replace("{objects}", " ".join(iri_ref(o) for o in batch)) for batch in batches]
    return [row for rows in select_many(store, queries) for row in rows]


def _database_support(answers: dict[str, list[tuple[str, ...]]], relations: list[tuple[str, str, str, str]]) -> tuple[array, array, array]:
    """Per relation, the PMIDs of database evidence by tier (strong, weak, negative; each PMID once,
    in its strongest tier). A database statement supports a curated relation with the same
    predicate whose subject and object are its own or broader (miRTarBase's hsa-miR-21-5p -> APAF1
    supports the curated miRNA-21 -> APAF1, miRNA-21-5p being a mature form of miRNA-21)."""
    from exograph.support import by_tier, tier

    count = len(relations)
    strong, weak, negative = array("i", bytes(4 * count)), array("i", bytes(4 * count)), array("i", bytes(4 * count))
    if not answers.get("database_support"):
        return strong, weak, negative
    up = _broader_links(answers)

    by_triple: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for number, (_, s, p, o) in enumerate(relations):
        by_triple[(s, p, o)].append(number)
    pmids: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    lineages: dict[str, set[str]] = {}
    for s, p, o, pmid, support_type in answers["database_support"]:
        level = tier(support_type)
        if level is None:
            continue
        subjects = lineages.get(s) or lineages.setdefault(s, closure([s], up))
        objects = lineages.get(o) or lineages.setdefault(o, closure([o], up))
        for a in subjects:
            for b in objects:
                for edge in by_triple.get((a, p, b), ()):
                    pmids[edge][pmid].add(level)
    for edge, tiers in pmids.items():
        strong[edge], weak[edge], negative[edge] = by_tier(tiers)
    return strong, weak, negative


def _csr(ends: array, count: int) -> tuple[array, array]:
    """Edges grouped by one end (node): (start offsets, edge ids), each group in edge order."""
    degree = [0] * (count + 1)
    for node in ends:
        degree[node + 1] += 1
    for n in range(count):
        degree[n + 1] += degree[n]
    start = array("i", degree)
    slots = list(degree[:-1])
    edges = array("i", bytes(4 * len(ends)))
    for edge, node in enumerate(ends):
        edges[slots[node]] = edge
        slots[node] += 1
    return start, edges


def _pick_type(types: Iterable[str]) -> str:
    local = {t[len(vocab.EXO) :] for t in types if t.startswith(vocab.EXO)}
    for name in CLASS_PRIORITY:
        if name in local:
            return name
    return min(vocab.local_name(t) for t in types) if types else "Entity"


def _stats(
    answers: dict[str, list[tuple[str, ...]]], by_type: Counter[str], relations: list[tuple[str, str, str, str]], evidences: int, entities: int
) -> dict[str, Any]:
    cited = sorted({int(n) for n, _ in answers["cited"] if n.lstrip("-").isdigit()})
    known = sorted({int(n) for (n,) in answers["references"] if n.lstrip("-").isdigit()})
    by_predicate: Counter[str] = Counter()
    for predicate, n in Counter(r[2] for r in relations).items():
        by_predicate[vocab.local_name(predicate)] += n
    return {
        "triples": int(answers["triples"][0][0]),
        "entities": entities,
        "entities_by_type": dict(sorted(by_type.items())),
        "relations": len(relations),
        "relations_by_predicate": dict(sorted(by_predicate.items())),
        "evidences": evidences,
        "evidences_by_section": dict(sorted((section, int(n)) for section, n, _ in answers["sections"])),
        "relations_by_section": dict(sorted((section, int(n)) for section, _, n in answers["sections"])),
        "references_cited": cited,
        "references_not_cited": sorted(set(known) - set(cited)),
    }


# --------------------------------------------------------------------------- keeping


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    db = sqlite3.connect(target, uri=uri, check_same_thread=False)
    db.execute("PRAGMA trusted_schema = OFF")  # a database file is data: no triggers or views run from it
    return db


def save(db: sqlite3.Connection, place: Path) -> bool:
    """Write the index to ``place`` atomically; whether it was written (best effort: a place that
    cannot be written is simply not used)."""
    from exograph.io.turtle import remove_stale_temporaries

    try:
        place.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(place)
        fd, tmp = tempfile.mkstemp(dir=place.parent, prefix=f".{place.name}.", suffix=".tmp")
        os.close(fd)
        try:
            target = sqlite3.connect(tmp)
            with target:
                db.backup(target)
            target.close()
            with open(tmp, "rb+") as handle:  # on disk before the rename
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644 if place.name == INDEX_FILE else 0o600)
            os.replace(tmp, place)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except (OSError, sqlite3.Error):
        return False
    return True


def cache_dir() -> Path:
    """Where exograph keeps what it derives from stores it may not write into."""
    env = os.environ.get("EXOGRAPH_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "exograph"


def _cache_file(where: str, fingerprint: str) -> Path | None:
    """The cached index of a store at ``where`` (a bare Oxigraph directory, or an endpoint's
    URL and graph), in a cache directory only the user can write (created 0700); None when there
    is no such directory."""
    import hashlib

    if os.environ.get("EXOGRAPH_NO_CACHE"):
        return None
    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = root.stat()
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077 and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            os.chmod(root, 0o700)  # made by an older exograph with the default mode: make it private
            info = root.stat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return None  # a directory someone else may write: nothing is kept or read there
    key = hashlib.sha256(f"{INDEX_VERSION}\n{where}\n{fingerprint}".encode()).hexdigest()[:32]
    return root / f"index-{key}.sqlite"


def _safe_to_read(path: Path) -> bool:
    """A kept index is read only if this user owns it and no one else can write it (or, inside a
    store directory, if it is not writable by others: the store's owner built it)."""
    try:
        info = path.stat()
    except OSError:
        return False
    if info.st_mode & stat.S_IWOTH:
        return False
    if path.name == INDEX_FILE:
        return not info.st_mode & stat.S_IWGRP or info.st_uid == os.getuid()
    return info.st_uid == os.getuid() and not info.st_mode & stat.S_IWGRP
