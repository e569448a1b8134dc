"""How well a relation is supported: curated evidence and database evidence, by tier, each
independent reference counted once, summed up in one belief score.

Tiers of database evidence (miRTarBase's own, Huang et al., Nucleic Acids Res 2020):

- **strong**: "Functional MTI", an interaction shown by a low-throughput functional experiment
  (reporter assay, western blot, qPCR...);
- **weak**: "Functional MTI (Weak)", an interaction seen by a high-throughput or indirect method
  (CLIP-seq, microarray, sequencing...);
- **negative**: "Non-Functional MTI" (and its weak form), a test that found *no* interaction. It is
  shown as negative evidence, never counted as support.

The score follows INDRA's belief model (Gyori et al., Mol Syst Biol 2017): each independent
reference is a noisy witness that is right with a probability set by its kind, and a relation holds
unless every witness is wrong::

    belief = 1 - (1 - 0.85) ** curated * (1 - 0.80) ** strong * (1 - 0.30) ** weak

``curated`` counts the distinct references of the relation's curated evidence (the review's
numbered references; another paper a row cites), ``strong`` and ``weak`` the distinct PubMed ids of
its database evidence, each PMID in its strongest tier only. The review's references carry no
PMIDs, so a paper both cited by the review and in miRTarBase counts once in each. A relation with
no evidence at all (a plain triple) has belief 0.
"""

from __future__ import annotations

from dataclasses import dataclass

#: probability that one independent reference of each kind is right
RELIABILITY = {"curated": 0.85, "strong": 0.80, "weak": 0.30}
STRONG, WEAK, NEGATIVE = "strong", "weak", "negative"

#: database support types -> tier
TIERS = {
    "Functional MTI": STRONG,
    "Functional MTI (Weak)": WEAK,
    "Non-Functional MTI": NEGATIVE,
    "Non-Functional MTI (Weak)": NEGATIVE,
}
_ORDER = {STRONG: 0, WEAK: 1, NEGATIVE: 2}


def tier(support_type: str) -> str | None:
    """The tier of a database's support type (None when exograph does not know it)."""
    return TIERS.get(support_type.strip())


@dataclass(frozen=True)
class Support:
    """A relation's support: independent references by kind, and the belief they give."""

    curated: int = 0
    strong: int = 0
    weak: int = 0
    negative: int = 0

    @property
    def belief(self) -> float:
        doubt = (1 - RELIABILITY["curated"]) ** self.curated * (1 - RELIABILITY["strong"]) ** self.strong * (1 - RELIABILITY["weak"]) ** self.weak
        return round(1 - doubt, 6)

    def as_dict(self) -> dict[str, object]:
        return {"belief": self.belief, "curated": self.curated, "strong": self.strong, "weak": self.weak, "negative": self.negative}

    def __str__(self) -> str:
        parts = [f"{n} {kind}" for kind, n in (("curated", self.curated), ("strong", self.strong), ("weak", self.weak)) if n]
        negative = f"; {self.negative} negative" if self.negative else ""
        return f"support {shown(self.belief)} ({', '.join(parts) or 'no evidence'}{negative})"


def shown(belief: float) -> str:
    """A belief as text: two decimals, or three where two would round a belief short of 1 up to
    1.00 (0.996), or "> 0.999" where three would too; never 1.00 unless it is 1."""
    if belief >= 1:
        return "1.00"
    for places in (2, 3):
        text = f"{belief:.{places}f}"
        if not text.startswith("1"):
            return text
    return "> 0.999"


def by_tier(pmid_tiers: dict[str, set[str]]) -> tuple[int, int, int]:
    """(strong, weak, negative) counts of PMIDs, each PMID counted once, in its strongest tier;
    a PMID reporting both support and no interaction counts as support."""
    counts = {STRONG: 0, WEAK: 0, NEGATIVE: 0}
    for tiers in pmid_tiers.values():
        if tiers:
            counts[min(tiers, key=_ORDER.__getitem__)] += 1
    return counts[STRONG], counts[WEAK], counts[NEGATIVE]
