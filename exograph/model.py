"""Frozen records: entities, evidence, relations, and validation problems.

A :class:`Relation` is one claim (subject, predicate, object and the context it holds in); its
identity is hashed apart from its evidence, so the same claim read in two places is one relation
with two :class:`Evidence` records.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

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


@dataclass(frozen=True)
class Entity:
    """A curated entity: a cargo, gene, pathway, phenotype, drug, cancer, cell type or biofluid."""

    id: str
    type: str
    label: str
    synonyms: tuple[str, ...] = ()
    xrefs: tuple[str, ...] = ()
    resistance_to: str | None = None
    comment: str | None = None


@dataclass(frozen=True, order=True)
class Evidence:
    """Where a relation is stated in the review."""

    refs: tuple[int, ...]
    refs_printed: str
    section: str
    quote: str
    first_author: str | None = None
    publication: str | None = None  #: None: the review; else the CURIE (pmid:, doi:) of another source
    where: str = field(default="", compare=False)  #: file:line of the curation record

    @property
    def key(self) -> str:
        """A stable hash of what this evidence says (not where it was curated)."""
        parts = [self.refs_printed, self.section, self.quote, self.first_author or ""]
        if self.publication:
            parts.append(self.publication)
        return _digest(*parts)


@dataclass(frozen=True)
class Context:
    """Where and in which state a relation holds, exactly as the text states it."""

    cancer: str | None = None
    donor: str | None = None
    recipient: str | None = None
    biofluid: tuple[str, ...] = ()
    subject_state: str | None = None
    object_state: str | None = None
    negated: bool = False
    clinical_value: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The fields that are set (negated only when true), for JSON output."""
        out: dict[str, Any] = {}
        for name in _CONTEXT_ORDER:
            value = getattr(self, name)
            if value:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out


_CONTEXT_ORDER = (
    "cancer",
    "donor",
    "recipient",
    "biofluid",
    "subject_state",
    "object_state",
    "negated",
    "clinical_value",
)


@dataclass(frozen=True)
class Relation:
    """A curated claim with all the evidence for it."""

    subject: str
    predicate: str
    object: str
    context: Context = Context()
    evidences: tuple[Evidence, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def claim(self) -> tuple[str, str, str, Context]:
        """What identifies the claim: everything but its evidence and notes."""
        return (self.subject, self.predicate, self.object, self.context)

    @property
    def id(self) -> str:
        """A stable, readable identifier: subject--predicate--object--hash of the claim."""
        c = self.context
        digest = _digest(
            self.subject,
            self.predicate,
            self.object,
            c.cancer or "",
            c.donor or "",
            c.recipient or "",
            "|".join(c.biofluid),
            c.subject_state or "",
            c.object_state or "",
            str(c.negated),
            "|".join(c.clinical_value),
        )
        return f"{_slug(self.subject)}--{self.predicate}--{_slug(self.object)}--{digest}"


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
        )
    return sorted(merged.values(), key=lambda r: r.id)


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]


def _slug(entity_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", entity_id)
