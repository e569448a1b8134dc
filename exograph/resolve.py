"""Names and synonyms to entities: "miR-21", "hsa-miR-21-5p", "microRNA-21", "HCC", "CAF".

Matching ignores case, white space and punctuation, reads the many ways people write microRNA
names, and on a miss suggests the nearest names (rapidfuzz).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from exograph import vocab
from exograph.errors import UnknownEntityError
from exograph.model import Entity

#: scores of the kinds of match, best first
EXACT_LABEL, EXACT_SYNONYM, NORMALISED, FAMILY = 1.0, 0.95, 0.9, 0.75

_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa"}
_MIRNA = re.compile(r"^(?:[a-z]{3}-)?(?:micro\s*rna|mircrorna|mirna|mir)[\s_-]*(?=[0-9])")
_ARM = re.compile(r"^(mir-[0-9]+[a-z]?)(?:-[0-9]+)?-(?:[35]p|\*)$")


@dataclass(frozen=True)
class Match:
    """An entity a name resolves to, with how well it matched (1.0 = its preferred label)."""

    id: str
    label: str
    type: str
    score: float

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "label": self.label, "type": self.type, "score": self.score}


def normalise(name: str) -> str:
    """A canonical key: lower case, Greek spelt out, microRNA prefixes as 'mir-', no punctuation
    except the hyphens of microRNA names, no plural 's'."""
    text = name.strip().lower()
    for letter, spelt in _GREEK.items():
        text = text.replace(letter, spelt)
    text = _MIRNA.sub("mir-", text)
    if text.startswith("mir-"):
        return re.sub(r"[^a-z0-9-]+", "", text)
    key = re.sub(r"[^a-z0-9]+", "", text)
    # a plain plural ("fibroblasts", "CAFs") means the same entity
    return key[:-1] if len(key) > 3 and key.endswith("s") and not key.endswith("ss") else key


def family(key: str) -> str | None:
    """The precursor key of a mature microRNA key: 'mir-21-5p' -> 'mir-21'."""
    match = _ARM.match(key)
    return match.group(1) if match else None


class NameIndex:
    """Every label and synonym of every entity, by exact and normalised form."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities: dict[str, Entity] = {}
        self._exact: dict[str, dict[str, float]] = defaultdict(dict)
        self._normal: dict[str, set[str]] = defaultdict(set)
        self._family: dict[str, set[str]] = defaultdict(set)
        for entity in entities:
            self.entities[entity.id] = entity
            self._add(entity.label, entity.id, EXACT_LABEL)
            self._add(vocab.local_name(entity.id), entity.id, EXACT_LABEL)
            for synonym in entity.synonyms:
                self._add(synonym, entity.id, EXACT_SYNONYM)

    def _add(self, name: str, iri: str, score: float) -> None:
        exact = self._exact[name.strip().lower()]
        exact[iri] = max(exact.get(iri, 0.0), score)
        key = normalise(name)
        if key:
            self._normal[key].add(iri)
            base = family(key)
            if base:
                self._family[base].add(iri)

    def resolve(self, name: str, limit: int = 10) -> list[Match]:
        """Entities ``name`` may mean, best first; an empty list when nothing matches."""
        scores: dict[str, float] = {}
        if name in self.entities:  # a full IRI
            scores[name] = EXACT_LABEL
        for iri, score in self._exact.get(name.strip().lower(), {}).items():
            scores[iri] = max(scores.get(iri, 0.0), score)
        key = normalise(name)
        for iri in self._normal.get(key, ()):
            scores.setdefault(iri, NORMALISED)
        for related in self._family.get(key, set()) | self._normal.get(family(key) or "", set()):
            scores.setdefault(related, FAMILY)
        matches = [Match(iri, self.entities[iri].label, self.entities[iri].type, score) for iri, score in scores.items()]
        matches.sort(key=lambda m: (-m.score, m.label.lower(), m.id))
        return matches[:limit]

    def best(self, name: str) -> Entity:
        """The one entity ``name`` means; :class:`UnknownEntityError` with suggestions if none."""
        matches = [m for m in self.resolve(name) if m.score >= NORMALISED]
        if not matches:
            raise UnknownEntityError(name, self.suggest(name))
        return self.entities[matches[0].id]

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The labels nearest to ``name``, for a did-you-mean message."""
        from rapidfuzz import fuzz, process

        family_hits = self.resolve(name)
        if family_hits:
            return [m.label for m in family_hits[:limit]]
        choices: dict[str, str] = {}
        for text, iris in self._exact.items():
            for iri in iris:
                choices.setdefault(text, self.entities[iri].label)
        found = process.extract(name.lower(), list(choices), scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=60)
        labels: list[str] = []
        for text, _, _ in found:
            label = choices[text]
            if label not in labels:
                labels.append(label)
        return labels[:limit]
