"""KGX TSV in the Biolink model (``nodes.tsv`` and ``edges.tsv``): ``exograph export --format kgx``.

The two files KGX reads (``kgx transform --input-format tsv``) and KG-Hub publishes, one row per
entity and one per relation (a multigraph: the relations that join the same two entities are
distinct rows, keyed by statement). Each node's ``category`` and each edge's ``predicate`` come
from the ontology's ``skos:exactMatch`` / ``skos:closeMatch`` mappings to Biolink, read from the
store beside the data, and are checked against the Biolink release the ``biolink-model`` package
ships (:data:`BIOLINK_RELEASE`, read offline): a category is a Biolink class that is neither a
mixin nor abstract nor deprecated, a predicate a slot descended from ``related_to``. A term without a mapping
takes its nearest mapped ancestor's (``rdfs:subClassOf``, ``rdfs:subPropertyOf``).

A node's ``id`` is its cross-reference in the first of its category's preferred prefixes
(Biolink's ``id_prefixes``: ``HGNC:576``, ``DOID:9119``), so the graph merges with others by
identifier, unless another entity carries the same one; else its exograph CURIE (``ent:circRNA``).
A relation a curator read (its evidence quotes the text) is a ``knowledge_assertion`` by a
``manual_agent``, one without such evidence ``not_provided``; the primary knowledge source is
``infores:exograph`` (:data:`INFORES`: exograph's own id, not registered in the infores
catalogue). ``publications`` holds the PubMed or DOI CURIE of a paper an evidence was read in
(the review itself carries no identifier in the data: its numbered references are in ``refs``),
``supporting_text`` the verbatim quotes, ``original_predicate`` the exograph predicate; the
context fields of :data:`exograph.vocab.CONTEXT` follow under their own names, entities by node id.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from exograph import vocab
from exograph.errors import ExographError, MissingDependencyError
from exograph.model import Entity, Relation, statement_iri
from exograph.store import select_values

if TYPE_CHECKING:
    from exograph.kg import KnowledgeGraph
    from exograph.store import Store

BIOLINK = "https://w3id.org/biolink/vocab/"
#: the Biolink release categories and predicates are checked against (pyproject pins biolink-model to it)
BIOLINK_RELEASE = "4.4.6"
#: exograph's information-resource id: primary knowledge source of its curated relations (not registered)
INFORES = "infores:exograph"
#: knowledge level and agent type of a relation a curator read in a publication, and of one with no evidence
CURATED = ("knowledge_assertion", "manual_agent")
NOT_PROVIDED = ("not_provided", "not_provided")
#: what a term defaults to when neither it nor an ancestor maps to Biolink
DEFAULTS = {"category": "biolink:NamedThing", "predicate": "biolink:related_to"}

NODE_COLUMNS: tuple[str, ...] = ("id", "category", "name", "xref", "synonym", "iri", "type", "provided_by")
EDGE_COLUMNS: tuple[str, ...] = (
    "id",
    "subject",
    "predicate",
    "object",
    "original_predicate",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "publications",
    "supporting_text",
    "refs",
    *(spec.name for spec in vocab.CONTEXT),
)

_MAPPINGS = f"""SELECT ?term ?strength ?target WHERE {{
  VALUES ?strength {{ skos:exactMatch skos:closeMatch }}
  ?term ?strength ?target .
  FILTER(isIRI(?term) && isIRI(?target) && STRSTARTS(STR(?term), "{vocab.EXO}") && STRSTARTS(STR(?target), "{BIOLINK}"))
}}"""
_PARENTS = f"""SELECT ?term ?parent WHERE {{
  VALUES ?link {{ rdfs:subClassOf rdfs:subPropertyOf }}
  ?term ?link ?parent .
  FILTER(isIRI(?term) && isIRI(?parent) && STRSTARTS(STR(?term), "{vocab.EXO}") && STRSTARTS(STR(?parent), "{vocab.EXO}"))
}}"""


class BiolinkRelease:
    """The classes, slots and enumerations of one Biolink release, by CURIE (``biolink:Gene``,
    ``biolink:regulates``), from its ``biolink_model.yaml``."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.version = str(schema.get("version", ""))
        self._classes = {"biolink:" + _camel(name): (name, spec or {}) for name, spec in (schema.get("classes") or {}).items()}
        self._slots = {"biolink:" + name.replace(" ", "_"): (name, spec or {}) for name, spec in (schema.get("slots") or {}).items()}
        self._slot_names = {name: spec for name, spec in self._slots.values()}
        self._enums = {name: frozenset((spec or {}).get("permissible_values") or ()) for name, spec in (schema.get("enums") or {}).items()}

    def category_problem(self, curie: str) -> str | None:
        """Why ``curie`` is not a category a node may have (a concrete class), or None when it is one."""
        found = self._classes.get(curie)
        if found is None:
            return f"is no class of Biolink {self.version}"
        return self._flags(found[1])

    def predicate_problem(self, curie: str) -> str | None:
        """Why ``curie`` is not a predicate an edge may have (a concrete slot below ``related_to``), or None."""
        found = self._slots.get(curie)
        if found is None:
            return f"is no slot of Biolink {self.version}"
        name, spec = found
        seen = [name]
        while spec.get("is_a") and spec["is_a"] not in seen:
            seen.append(spec["is_a"])
            spec = self._slot_names.get(spec["is_a"]) or {}
        if "related to" not in seen:
            return f"is no predicate (not a descendant of related_to) in Biolink {self.version}"
        return self._flags(found[1])

    def id_prefixes(self, category: str) -> tuple[str, ...]:
        """The identifier prefixes Biolink prefers for ``category``, best first."""
        found = self._classes.get(category)
        return tuple(found[1].get("id_prefixes") or ()) if found else ()

    def enum_values(self, enum: str) -> frozenset[str]:
        """The permissible values of an enumeration (``KnowledgeLevelEnum``)."""
        return self._enums.get(enum, frozenset())

    def _flags(self, spec: Mapping[str, Any]) -> str | None:
        for flag, said in (("mixin", "a mixin"), ("abstract", "abstract"), ("deprecated", "deprecated")):
            if spec.get(flag):
                return f"is {said} in Biolink {self.version}"
        return None


@lru_cache(maxsize=1)
def pinned_release() -> BiolinkRelease:
    """The Biolink release the ``biolink-model`` package ships, which must be :data:`BIOLINK_RELEASE`."""
    try:
        from importlib.resources import files

        import yaml

        text = (files("biolink_model") / "schema" / "biolink_model.yaml").read_text(encoding="utf-8")
    except (ImportError, FileNotFoundError):
        raise MissingDependencyError(
            f"the KGX export needs the biolink-model package (Biolink {BIOLINK_RELEASE}) to check its terms: pip install 'exograph[kgx]'"
        ) from None
    release = BiolinkRelease(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    if release.version != BIOLINK_RELEASE:
        raise MissingDependencyError(
            f"biolink-model {release.version} is installed, but the KGX export is checked against Biolink {BIOLINK_RELEASE}: "
            f"pip install 'biolink-model=={BIOLINK_RELEASE}'"
        )
    return release


class BiolinkTerms:
    """The ontology's mappings to Biolink, as the store holds them: the category of an exograph
    class and the predicate of a relation predicate, each checked against ``release``."""

    def __init__(self, store: Store, release: BiolinkRelease) -> None:
        self.release = release
        self._targets: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for term, strength, target in select_values(store, _MAPPINGS):
            self._targets[term][vocab.local_name(strength)].append("biolink:" + target[len(BIOLINK) :])
        if not self._targets:
            raise ExographError("the store holds no mappings to Biolink (the exograph ontology is not in it): load ontology/exograph.ttl beside the data")
        self._parents: dict[str, list[str]] = defaultdict(list)
        for term, parent in select_values(store, _PARENTS):
            self._parents[term].append(parent)
        self._cache: dict[tuple[str, str], str] = {}

    def category(self, cls: str) -> str:
        """The Biolink category of the exograph class with IRI ``cls``."""
        return self._resolve(cls, "category", self.release.category_problem)

    def predicate(self, prop: str) -> str:
        """The Biolink predicate of the relation predicate with IRI ``prop``."""
        return self._resolve(prop, "predicate", self.release.predicate_problem)

    def _resolve(self, term: str, kind: str, problem: Callable[[str], str | None]) -> str:
        key = (term, kind)
        if key not in self._cache:
            self._cache[key] = self._nearest(term, kind, problem)
        return self._cache[key]

    def _nearest(self, term: str, kind: str, problem: Callable[[str], str | None]) -> str:
        # the term's own mappings, else its parents', nearest first (breadth first, in IRI order)
        level, seen = [term], {term}
        while level:
            for candidate in level:
                chosen = self._usable(candidate, kind, problem)
                if chosen:
                    return chosen
            level = sorted({p for t in level for p in self._parents.get(t, ()) if p not in seen})
            seen.update(level)
        return DEFAULTS[kind]

    def _usable(self, term: str, kind: str, problem: Callable[[str], str | None]) -> str | None:
        targets = self._targets.get(term)
        if not targets:
            return None
        name = vocab.shorten(term)
        for strength in ("exactMatch", "closeMatch"):
            usable = sorted({t for t in targets.get(strength, ()) if problem(t) is None})
            if len(usable) > 1:
                raise ExographError(f"{name} has skos:{strength} {' and '.join(usable)}, each a Biolink {kind}: keep one in the ontology")
            if usable:
                return usable[0]
        first = sorted(t for ts in targets.values() for t in ts)[0]
        raise ExographError(f"{name} maps to {first}, which {problem(first)} and so no {kind}: map it to one in the ontology")


def to_kgx(kg: KnowledgeGraph) -> dict[str, bytes]:
    """The graph of ``kg`` as KGX TSV: ``{"nodes.tsv": ..., "edges.tsv": ...}``, rows sorted by id."""
    release = pinned_release()
    terms = BiolinkTerms(kg.store, release)
    for level, agent in (CURATED, NOT_PROVIDED):
        _check_enum(release, "KnowledgeLevelEnum", level)
        _check_enum(release, "AgentTypeEnum", agent)
    relations = kg.relations()
    entities = _with_ends(list(kg.index.entities()), relations, kg)
    category = {e.id: terms.category(vocab.EXO + e.type) if e.type else DEFAULTS["category"] for e in entities}
    ids = node_ids(entities, category, release)
    nodes = [
        {
            "id": ids[e.id],
            "category": category[e.id],
            "name": e.label,
            "xref": sorted(e.xrefs),
            "synonym": sorted(e.synonyms),
            "iri": e.id,
            "type": vocab.shorten(vocab.EXO + e.type) if e.type else "",
            "provided_by": INFORES,
        }
        for e in entities
    ]
    edges = [_edge(r, ids, terms) for r in relations]
    return {"nodes.tsv": _tsv(NODE_COLUMNS, nodes), "edges.tsv": _tsv(EDGE_COLUMNS, edges)}


def node_ids(entities: Sequence[Entity], category: Mapping[str, str], release: BiolinkRelease) -> dict[str, str]:
    """Each entity's KGX id by IRI: its cross-reference in the first of its category's preferred
    prefixes that no other entity carries, else its exograph CURIE (or its IRI)."""
    owners = Counter(x for e in entities for x in set(e.xrefs))
    ids: dict[str, str] = {}
    for e in entities:
        by_prefix: dict[str, str] = {}
        for xref in sorted(e.xrefs):
            if owners[xref] == 1 and ":" in xref:
                by_prefix.setdefault(xref.partition(":")[0], xref)
        preferred = next((by_prefix[p] for p in release.id_prefixes(category[e.id]) if p in by_prefix), None)
        ids[e.id] = preferred or vocab.shorten(e.id)
    taken = Counter(ids.values())
    return {iri: node if taken[node] == 1 else iri for iri, node in ids.items()}


def _with_ends(entities: list[Entity], relations: Iterable[Relation], kg: KnowledgeGraph) -> list[Entity]:
    """The entities, and a bare node for any IRI a relation joins or names in its context that no
    entity has (an untyped end): KGX edges join nodes of the file."""
    known = {e.id for e in entities}
    ends = {iri for r in relations for iri in (r.subject, r.object, *_context_entities(r))}
    extra = [Entity(iri, "", kg.index.label(iri)) for iri in sorted(ends - known)]
    return entities + extra


def _context_entities(rel: Relation) -> list[str]:
    out: list[str] = []
    for spec in vocab.CONTEXT_ROLES:
        value = getattr(rel.context, spec.name)
        out += list(value) if spec.many else [value] if value else []
    return out


def _edge(rel: Relation, ids: Mapping[str, str], terms: BiolinkTerms) -> dict[str, Any]:
    key = statement_iri(rel.subject, rel.predicate, rel.object, rel.context) if "|" in rel.key else rel.key  # a plain triple has no statement IRI
    # curated evidence always holds a quote (its shape demands one); a relation without any was not read by a curator
    level, agent = CURATED if any(ev.quote for ev in rel.evidences) else NOT_PROVIDED
    row: dict[str, Any] = {
        "id": vocab.shorten(key),
        "subject": ids[rel.subject],
        "predicate": terms.predicate(rel.predicate),
        "object": ids[rel.object],
        "original_predicate": vocab.shorten(rel.predicate),
        "knowledge_level": level,
        "agent_type": agent,
        "primary_knowledge_source": INFORES,
        "publications": sorted({_publication(ev.publication) for ev in rel.evidences if ev.publication}),
        "supporting_text": sorted({ev.quote for ev in rel.evidences if ev.quote}),
        "refs": [str(n) for n in rel.refs],
    }
    for spec in vocab.CONTEXT:
        value = getattr(rel.context, spec.name)
        if spec.kind == "flag":
            row[spec.name] = "true" if value else ""  # KGX reads any non-empty text as true: false is left empty
        elif spec.kind == "entity":
            row[spec.name] = [ids[v] for v in value] if spec.many else ids[value] if value else ""
        else:
            row[spec.name] = list(value) if spec.many else value or ""
    return row


def _publication(iri: str) -> str:
    """A publication's CURIE as Biolink writes it: ``PMID:n``, ``doi:x``; another IRI as it is."""
    curie = vocab.publication_curie(iri)
    return "PMID:" + curie[len("pmid:") :] if curie.startswith("pmid:") else curie


def _check_enum(release: BiolinkRelease, enum: str, value: str) -> None:
    if value not in release.enum_values(enum):
        raise ExographError(f"'{value}' is no value of {enum} in Biolink {release.version}")  # pragma: no cover - a release without it is refused above


def _tsv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    """Tab-separated rows under a header, sorted by their first column; lists joined with ``|``."""
    lines = ["\t".join(_cell(row[c]) for c in columns) for row in rows]
    return ("\t".join(columns) + "\n" + "".join(f"{line}\n" for line in sorted(lines))).encode("utf-8")


def _cell(value: Any) -> str:
    # KGX reads TSV unquoted and splits on "|": a tab or line break in a value becomes a space and a
    # "|" inside one a broken bar (the packaged graph has neither)
    items = value if isinstance(value, list) else [value]
    return "|".join(str(v).translate(_UNSAFE) for v in items if v not in ("", None))


_UNSAFE = str.maketrans({"\t": " ", "\r": " ", "\n": " ", "|": "¦"})


def _camel(name: str) -> str:
    """A Biolink class name as its CURIE writes it: 'noncoding RNA product' -> 'NoncodingRNAProduct'."""
    return "".join(word[:1].upper() + word[1:] for word in name.split())
