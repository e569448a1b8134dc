"""Names and synonyms to entities: "miR-21", "hsa-miR-21-5p", "microRNA-21", "HCC", "CAF".

Matching ignores case, white space and punctuation, reads the many ways people write microRNA
names, offers the direct subtypes of what a name means (skos:broader: "lung cancer" offers
non-small cell lung cancer and lung carcinoma), and on a miss suggests the nearest names (rapidfuzz).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exograph import vocab
from exograph.errors import UnknownEntityError
from exograph.model import Entity

if TYPE_CHECKING:
    from exograph.index import Index

#: scores of the kinds of match, best first
EXACT_LABEL, EXACT_SYNONYM, NORMALISED, FAMILY_SCORE, NARROWER = 1.0, 0.95, 0.9, 0.75, 0.6
EXACT, NORMAL, FAMILY = 0, 1, 2  #: kinds of name key (as the index keeps them)

_GREEK = {"α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "κ": "kappa"}
_MIRNA = re.compile(r"^(?:[a-z]{3}-)?(?:micro\s*rna|mircrorna|mirna|mir)[\s_-]*(?=[0-9])")
_ARM = re.compile(r"^(mir-[0-9]+[a-z]?)(?:-[0-9]+)?-(?:[35]p|\*)$")
_NOT_MIRNA_NAME = re.compile(r"[^a-z0-9-]+")
_NOT_KEY = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Match:
    """An entity a name resolves to, with how well it matched (1.0 = its preferred label)."""

    id: str
    label: str
    type: str
    score: float

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "label": self.label, "type": self.type, "score": self.score}


#: dashes people paste (from PDFs: U+2010 hyphen, en and em dashes, the minus sign, full-width and small forms) -> '-'
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")


def folded(name: str) -> str:
    """A name as typed, in one form: Unicode NFKC (full-width letters as ASCII), every dash a
    hyphen, surrounding space gone; case kept."""
    return unicodedata.normalize("NFKC", name).translate(_DASHES).strip()


def normalise(name: str) -> str:
    """A canonical key: lower case, Greek spelt out, microRNA prefixes as 'mir-', no punctuation
    except the hyphens of microRNA names, no plural 's'."""
    text = folded(name).lower()
    for letter, spelt in _GREEK.items():
        text = text.replace(letter, spelt)
    return _normalised(text)


def _normalised(text: str) -> str:
    """:func:`normalise` of a name folded, lower-cased and with Greek spelt out."""
    if text.startswith("mi") or text.startswith("mi", 4):  # where a microRNA prefix can start (see _MIRNA)
        text = _MIRNA.sub("mir-", text)
        if text.startswith("mir-"):
            return _NOT_MIRNA_NAME.sub("", text)
    key = text if text.isalnum() and text.isascii() else _NOT_KEY.sub("", text)
    # a plain plural ("fibroblasts", "CAFs") means the same entity
    return key[:-1] if len(key) > 3 and key.endswith("s") and not key.endswith("ss") else key


def family(key: str) -> str | None:
    """The precursor key of a mature microRNA key: 'mir-21-5p' -> 'mir-21'."""
    match = _ARM.match(key) if key.startswith("mir-") else None
    return match.group(1) if match else None


def name_keys(entity: Entity) -> list[tuple[int, str, float]]:
    """The (kind, key, score) of every name of ``entity``, as the index keeps them: its label and
    curated id (exact), its synonyms (exact), their normalised keys and their microRNA family."""
    return keys_of_names(entity.id, entity.label, entity.synonyms)


def keys_of_names(iri: str, label: str, synonyms: Iterable[str]) -> list[tuple[int, str, float]]:
    """:func:`name_keys` of an entity's IRI, label and synonyms (a key may come twice)."""
    keys: list[tuple[int, str, float]] = []
    local = vocab.local_name(iri)
    names = [(label, EXACT_LABEL)] if local == label else [(label, EXACT_LABEL), (local, EXACT_LABEL)]  # the curated id is often the label
    names += [(s, EXACT_SYNONYM) for s in synonyms]
    for name, score in names:
        if name.isascii():  # folded is strip() (NFKC keeps ASCII as it is; no dash to replace), and there is no Greek
            exact = name.strip().lower()
            key = _normalised(exact)
        else:
            exact = folded(name).lower()
            key = normalise(name)
        keys.append((EXACT, exact, score))
        if key:
            keys.append((NORMAL, key, NORMALISED))
            if key.startswith("mir-"):
                base = family(key)
                if base:
                    keys.append((FAMILY, base, FAMILY_SCORE))
    return keys


def resolve(index: Index, name: str, limit: int = 10) -> list[Match]:
    """Entities ``name`` may mean, best first; an empty list when nothing matches."""
    scores: dict[int, float] = {}
    direct = index.node_id(name)
    if direct is not None:  # a full IRI
        scores[direct] = EXACT_LABEL
    for node, score in index.lookup(EXACT, folded(name).lower()):
        scores[node] = max(scores.get(node, 0.0), score)
    key = normalise(name)
    for node, _ in index.lookup(NORMAL, key):
        scores.setdefault(node, NORMALISED)
    base = family(key)
    related = index.lookup(FAMILY, key) + (index.lookup(NORMAL, base) if base else [])
    for node, _ in related:
        scores.setdefault(node, FAMILY_SCORE)
    for node in [n for n, score in scores.items() if score >= NORMALISED]:  # a parent offers its subtypes
        for child in index.narrower(node):
            scores.setdefault(child, NARROWER)
    index.preload(scores)
    asked = folded(name)
    cased = {n for n in scores if asked in (index.entity_of(n).label, *index.entity_of(n).synonyms)}
    matches = [Match(index.iri(n), index.entity_of(n).label, index.entity_of(n).type, score) for n, score in scores.items()]
    # names that differ only in case can mean different things (hsa-miR-21 the mature strand,
    # hsa-mir-21 the precursor): among equal scores, the name written exactly so comes first
    exact = {index.iri(n) for n in cased}
    matches.sort(key=lambda m: (-m.score, m.id not in exact, m.label.lower(), m.id))
    return matches[:limit]


def best(index: Index, name: str) -> Entity:
    """The one entity ``name`` means; :class:`UnknownEntityError` with suggestions if none."""
    matches = [m for m in resolve(index, name) if m.score >= NORMALISED]
    if not matches:
        raise UnknownEntityError(name, suggest(index, name))
    found = index.entity(matches[0].id)
    assert found is not None
    return found


def suggest(index: Index, name: str, limit: int = 3) -> list[str]:
    """The labels nearest to ``name``, for a did-you-mean message."""
    from rapidfuzz import fuzz, process

    family_hits = resolve(index, name)
    if family_hits:
        return [m.label for m in family_hits[:limit]]
    choices, nodes = index.suggestions()
    found = process.extract(name.lower(), choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=60)
    labels: list[str] = []
    for _, _, position in found:
        label = index.entity_of(nodes[position]).label
        if label not in labels:
            labels.append(label)
    return labels[:limit]
