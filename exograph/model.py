"""Frozen records: entities, evidence, relations, and validation problems.

A :class:`Relation` is one claim (subject, predicate, object and the context it holds in, all by
IRI) with every :class:`Evidence` for it. Its identity is hashed apart from its evidence, so the
same claim read in two places is one relation with two evidences. The same record travels from
the curation reader through the Turtle writer and the store reader to the JSON contracts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from exograph import vocab

Level = Literal["ERROR", "WARNING", "INFO"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding of a validator: where, what, and how to fix it."""

    level: Level
    code: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.level} {self.code} {self.subject}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"level": self.level, "code": self.code, "subject": self.subject, "message": self.message}


def closure(starts: Iterable[str], links: Mapping[str, Iterable[str]]) -> set[str]:
    """``starts`` and everything reachable from them along ``links`` (node -> next nodes): the
    ancestors of a class along rdfs:subClassOf, the broader entities along skos:broader, ..."""
    seen = set(starts)
    stack = list(seen)
    while stack:
        for nxt in links.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


class Findings:
    """What a report of problems offers (validation, grounding): its errors, which decide the exit
    code, and the problems counted by kind. A subclass holds ``problems``."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "ERROR"]

    def counts(self) -> dict[str, int]:
        from collections import Counter

        return dict(sorted(Counter(f"{p.level} {p.code}" for p in self.problems).items()))


@dataclass(frozen=True)
class Entity:
    """An entity: a cargo, gene, pathway, phenotype, drug, cancer, cell type or biofluid.

    ``id`` is the entity's IRI; ``type`` the local name of its exograph class.
    """

    id: str
    type: str
    label: str
    synonyms: tuple[str, ...] = ()
    xrefs: tuple[str, ...] = ()
    resistance_to: str | None = None  #: the IRI of the drug a DrugResistance is resistance to
    comment: str | None = None
    no_xref: str | None = None  #: why a curated entity has no cross-reference (one of vocab.NO_XREF_REASONS)
    generic: bool = False  #: names a class of things (microRNA, tumour cell): paths do not walk through it

    @property
    def local_id(self) -> str:
        """The curated id ('miRNA-21')."""
        return vocab.entity_id(self.id)


@dataclass(frozen=True)
class Evidence:
    """Where a relation is stated: the review's references, section and a verbatim quote.
    Evidences sort by their fields in order, a missing author or publication first."""

    refs: tuple[int, ...]
    refs_printed: str
    section: str
    quote: str
    first_author: str | None = None
    publication: str | None = None  #: None: the review; else the IRI of another publication (PubMed, doi.org)
    where: str = field(default="", compare=False)  #: file:line of the curation record

    def __lt__(self, other: Evidence) -> bool:
        return self._order() < other._order()

    def _order(self) -> tuple[tuple[int, ...], str, str, str, str, str]:
        return (self.refs, self.refs_printed, self.section, self.quote, self.first_author or "", self.publication or "")

    @property
    def key(self) -> str:
        """A stable hash of what this evidence says (not where it was curated)."""
        parts = [self.refs_printed, self.section, self.quote, self.first_author or ""]
        if self.publication:
            parts.append(self.publication)
        return _digest(*parts)


@dataclass(frozen=True)
class Context:
    """Where and in which state a relation holds, exactly as the text states it.

    The fields are those of :data:`exograph.vocab.CONTEXT`, in its order; entity fields hold IRIs.
    """

    cancer: str | None = None
    donor: str | None = None
    recipient: str | None = None
    biofluid: tuple[str, ...] = ()
    subject_state: str | None = None
    object_state: str | None = None
    negated: bool = False
    clinical_value: tuple[str, ...] = ()
    hedged: bool = False
    site: str | None = None
    donor_condition: str | None = None
    clinical_endpoint: tuple[str, ...] = ()

    @classmethod
    def of(cls, values: dict[str, Any]) -> Context:
        """A context from {field name: value or list of values}; many-valued fields are sorted."""
        kwargs: dict[str, Any] = {}
        for spec in vocab.CONTEXT:
            value = values.get(spec.name)
            if spec.many:
                kwargs[spec.name] = tuple(sorted(value or ()))
            elif spec.kind == "flag":
                kwargs[spec.name] = bool(value)
            else:
                kwargs[spec.name] = value or None
        return cls(**kwargs)

    def as_dict(self) -> dict[str, Any]:
        """The fields that are set (a flag only when true), for JSON output."""
        out: dict[str, Any] = {}
        for spec in vocab.CONTEXT:
            value = getattr(self, spec.name)
            if value:
                out[spec.name] = list(value) if spec.many else value
        return out


@dataclass(frozen=True)
class Relation:
    """A claim with all the evidence for it.

    ``key`` is the statement's IRI; when not given it is derived from the claim
    (:func:`statement_iri`), as the curation compiler writes it.
    """

    subject: str
    predicate: str
    object: str
    context: Context = Context()
    evidences: tuple[Evidence, ...] = ()
    notes: tuple[str, ...] = ()
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", statement_iri(self.subject, self.predicate, self.object, self.context))

    @property
    def claim(self) -> tuple[str, str, str, Context]:
        """What identifies the claim: everything but its evidence and notes."""
        return (self.subject, self.predicate, self.object, self.context)

    @property
    def local_id(self) -> str:
        """The statement's local name: subject--predicate--object--hash."""
        return self.key[len(vocab.STATEMENT) :] if self.key.startswith(vocab.STATEMENT) else self.key

    @property
    def predicate_label(self) -> str:
        from exograph import ontology

        return ontology.label(self.predicate)

    @property
    def refs(self) -> list[int]:
        return sorted({n for ev in self.evidences for n in ev.refs})


def statement_iri(subject: str, predicate: str, obj: str, context: Context) -> str:
    """The stable, readable IRI of a claim: its entities' curated ids, the predicate's local name
    and a hash of the claim with its context (entity fields by curated id)."""
    parts = [vocab.entity_id(subject), vocab.local_name(predicate), vocab.entity_id(obj)]
    for spec in vocab.CONTEXT:
        value = getattr(context, spec.name)
        if spec.omitted_when_empty and not value:
            continue
        if spec.kind == "entity":
            value = [vocab.entity_id(v) for v in value] if spec.many else vocab.entity_id(value) if value else ""
        if spec.many:
            parts.append("|".join(value))
        elif spec.kind == "flag":
            parts.append(str(bool(value)))
        else:
            parts.append(value or "")
    digest = _digest(*parts)
    return f"{vocab.STATEMENT}{_slug(parts[0])}--{parts[1]}--{_slug(parts[2])}--{digest}"


def merge_relations(relations: list[Relation]) -> list[Relation]:
    """Merge relations that make the same claim; evidence and notes are pooled and sorted."""
    merged: dict[tuple[object, ...], Relation] = {}
    for rel in relations:
        seen = merged.get(rel.claim)
        if seen is None:
            merged[rel.claim] = rel
            continue
        evidences = {e.key: e for e in seen.evidences + rel.evidences}
        merged[rel.claim] = Relation(
            rel.subject,
            rel.predicate,
            rel.object,
            rel.context,
            tuple(sorted(evidences.values())),
            tuple(sorted(set(seen.notes + rel.notes))),
            key=seen.key,
        )
    return sorted(merged.values(), key=lambda r: r.key)


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]


def _slug(entity_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", entity_id)
