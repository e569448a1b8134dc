"""Deterministic synthetic graphs in exograph's own RDF model, for scale benchmarks.

The graph looks like ``data/triples.ttl`` to every reader of the model: typed, labelled entities
with synonyms and cross-references; every relation written twice, as the plain triple and as an
``exo:Statement`` (rdf:subject / rdf:predicate / rdf:object, context, ``exo:negated``) with one to
three ``exo:Evidence`` records (review, numbered reference, references as printed, first author,
section, quote); reviews and their numbered references. Predicates keep to the ontology's domains
and ranges, IRIs follow the compiler's scheme (``subject--predicate--object--hash``).

Degrees are Zipf-distributed: a few hubs with very many relations, a long tail. These labels are
always present, whatever the size, so benchmarks can ask about them:

* hubs: ``miRNA-21`` (synonyms ``miR-21``, ``hsa-miR-21``, ``microRNA-21``; the most relations of
  any entity), ``metastasis`` and ``angiogenesis`` (cancer phenotypes; the next two);
* a mid-degree pair: ``miRNA-100`` and ``GENE100`` (the 100th of their class: far from the hubs,
  well above the median of 2 from 1M triples up: about 10 and 20 relations at 1M, 60 and 90 at 10M;
  only 1-4 at 20k).

Measured on 2 cores: 1M triples in about 2 s, 10M in about 20 s, under 60 MB of memory.

The same arguments give byte-identical output (everything is drawn from ``random.Random`` seeded
from ``--seed``). The output is streamed: memory stays flat whatever the size. The triple count
stops within one relation (at most a few dozen triples) below the target.

    python benchmarks/synthetic.py --triples 1000000 [--seed 7] [--format nt|ttl] -o OUT

Also importable: ``generate(path, triples, seed=7, fmt="nt") -> dict`` of the counts and hub labels.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import math
import random
import sys
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import TextIO


def _load_vocab() -> ModuleType:
    """exograph/vocab.py, read by path: it imports nothing, and the package's __init__ need not import at all."""
    path = Path(__file__).resolve().parents[1] / "exograph" / "vocab.py"
    spec = importlib.util.spec_from_file_location("_exograph_vocab", path)
    if not path.is_file() or spec is None or spec.loader is None:
        from exograph import vocab as installed

        return installed
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


vocab = _load_vocab()

HUBS = ("miRNA-21", "metastasis", "angiogenesis")
MID_PAIR = ("miRNA-100", "GENE100")
MIN_TRIPLES = 5000
TRIPLES_PER_ENTITY = 40  #: data/triples.ttl has 34 (8214 triples, 244 entities), with fewer evidences per relation
REFS_PER_REVIEW = 150
ENTITIES_PER_REVIEW = 2000
MIRNA_21_SHARE = 0.2  #: the share of all relations that have miRNA-21 as subject
PHENOTYPE_HUB_SHARES = (0.5, 0.35)  #: the shares of metastasis and angiogenesis among the phenotypes relations point to
FLOOR_SHARE = 0.3  #: the share of relations spread evenly over all subjects (the tail's out-degree)
UNIFORM_SHARE = 0.4  #: the share of object draws that pick any entity of the pool alike (the tail's in-degree)

# ---------------------------------------------------------------------------------------------
# Entity pools: (id, label, synonyms, xref) heads with real names, then a numbered synthetic tail
# ---------------------------------------------------------------------------------------------

Head = tuple[str, str, tuple[str, ...], str | None]

PHENOTYPES: tuple[Head, ...] = (
    ("metastasis", "metastasis", ("metastatic potential", "tumour metastasis", "tumor metastasis"), None),
    ("angiogenesis", "angiogenesis", ("tumour angiogenesis", "tumor angiogenesis", "pro-angiogenic effect"), "GO:0001525"),
    ("tumorigenesis", "tumorigenesis", ("tumour initiation", "carcinogenesis"), None),
    ("tumour-growth", "tumour growth", ("tumor growth",), None),
    ("immune-escape", "tumour immune escape", ("immune evasion", "immune escape"), None),
    ("EMT", "epithelial-mesenchymal transition", ("EMT", "epithelial to mesenchymal transition"), "GO:0001837"),
    ("pre-metastatic-niche", "pre-metastatic niche formation", ("pre-metastatic niche",), None),
    ("drug-resistance", "drug resistance", ("chemoresistance",), None),
    ("cancer-progression", "cancer progression", ("tumour progression", "tumor progression"), None),
    ("invasion", "invasion", ("cell invasion", "tumour invasion"), None),
)
PROCESSES: tuple[Head, ...] = (
    ("apoptosis", "apoptosis", ("apoptotic process", "programmed cell death"), "GO:0006915"),
    ("cell-proliferation", "cell proliferation", ("proliferation",), "GO:0008283"),
    ("cell-migration", "cell migration", ("migration",), "GO:0016477"),
    ("exosome-secretion", "exosome secretion", ("exosome release",), "GO:1990182"),
    ("ECM-degradation", "extracellular matrix degradation", ("ECM degradation",), "GO:0022617"),
    ("endocytosis", "endocytosis", (), "GO:0006897"),
    ("drug-efflux", "drug efflux", ("efflux of drugs",), None),
    ("miRNA-biogenesis", "miRNA biogenesis", ("microRNA biogenesis",), None),
)
PATHWAYS: tuple[Head, ...] = (
    ("PI3K-AKT-signalling", "PI3K/AKT signalling", ("PI3K/AKT pathway", "PI3K-Akt signaling"), None),
    ("NF-kB-signalling", "NF-κB signalling", ("NF-kB", "NF-κB pathway", "NF-kappaB"), None),
    ("Wnt-signalling", "Wnt/β-catenin signalling", ("Wnt pathway", "Wnt signaling"), None),
    ("MAPK-signalling", "MAPK signalling", ("MAPK pathway",), None),
    ("ERK-signalling", "ERK signalling", ("ERK pathway",), None),
    ("JAK-STAT-signalling", "JAK/STAT signalling", ("JAK-STAT pathway",), None),
    ("TGF-beta-signalling", "TGF-β signalling", ("TGF-beta pathway",), None),
    ("Notch-signalling", "Notch signalling", (), None),
)
DRUGS: tuple[Head, ...] = (
    ("paclitaxel", "paclitaxel", ("PTX", "taxol"), "CHEBI:45863"),
    ("doxorubicin", "doxorubicin", ("adriamycin",), "CHEBI:28748"),
    ("cisplatin", "cisplatin", ("CDDP",), None),
    ("gemcitabine", "gemcitabine", (), None),
    ("5-fluorouracil", "5-fluorouracil", ("5-FU",), None),
    ("sunitinib", "sunitinib", (), None),
    ("trastuzumab", "trastuzumab", ("Herceptin",), None),
    ("tamoxifen", "tamoxifen", (), None),
)
CANCERS: tuple[Head, ...] = (
    ("breast-cancer", "breast cancer", ("breast carcinoma",), "DOID:1612"),
    ("HCC", "hepatocellular carcinoma", ("HCC",), "DOID:684"),
    ("colorectal-cancer", "colorectal cancer", ("CRC",), "DOID:9256"),
    ("NSCLC", "non-small cell lung cancer", ("NSCLC",), "DOID:3908"),
    ("ovarian-cancer", "ovarian cancer", (), "DOID:2394"),
    ("pancreatic-cancer", "pancreatic cancer", ("PDAC",), "DOID:1793"),
    ("prostate-cancer", "prostate cancer", (), "DOID:10283"),
    ("glioblastoma", "glioblastoma", ("GBM",), "DOID:3068"),
    ("melanoma", "melanoma", (), "DOID:1909"),
    ("multiple-myeloma", "multiple myeloma", ("MM",), "DOID:9538"),
    ("AML", "acute myeloid leukemia", ("AML", "acute myeloid leukaemia"), "DOID:9119"),
    ("renal-cancer", "renal cancer", ("RCC",), "DOID:263"),
)
CELLS: tuple[Head, ...] = (
    ("tumour-cell", "tumour cell", ("tumor cell", "cancer cell"), None),
    ("CAF", "cancer-associated fibroblast", ("CAF", "CAFs"), None),
    ("TAM", "tumour-associated macrophage", ("TAM", "TAMs"), None),
    ("MSC", "mesenchymal stem cell", ("MSC", "MSCs"), None),
    ("endothelial-cell", "endothelial cell", ("endothelial cells",), "CL:0000115"),
    ("dendritic-cell", "dendritic cell", ("DC", "DCs"), "CL:0000451"),
    ("NK-cell", "natural killer cell", ("NK cell", "NK cells"), "CL:0000623"),
    ("regulatory-T-cell", "regulatory T cell", ("Treg", "Tregs"), "CL:0000815"),
    ("macrophage", "macrophage", ("macrophages",), "CL:0000235"),
    ("M2-macrophage", "M2 macrophage", ("M2 macrophages",), "CL:0000890"),
)
BIOFLUIDS: tuple[Head, ...] = (
    ("plasma", "plasma", ("blood plasma",), "UBERON:0001969"),
    ("serum", "serum", ("blood serum",), "UBERON:0001977"),
    ("urine", "urine", (), "UBERON:0001088"),
    ("saliva", "saliva", (), "UBERON:0001836"),
    ("ascites", "ascites", ("ascitic fluid",), "UBERON:0007795"),
    ("cerebrospinal-fluid", "cerebrospinal fluid", ("CSF",), "UBERON:0001359"),
    ("bile", "bile", (), "UBERON:0001970"),
    ("breast-milk", "breast milk", ("milk",), "UBERON:0001913"),
)

AUTHORS = (
    "Au Yeung", "Qu", "Zhang", "Wang", "Li", "Chen", "Liu", "Peinado", "Melo", "Kosaka", "Hoshino", "Skog",
    "Valadi", "Théry", "Müller", "O'Brien", "Fabbri", "Costa-Silva", "Zhou", "Kim", "Taylor", "Yang", "Huang", "Zhao",
)  # fmt: skip
NOTES = (
    "Hedged: the clause is governed by 'may'.",
    "No author is named in this sentence; the finding is the one cited just before.",
    'Printed as "{s}" in Table I.',
    "The cancer is named only in the preceding sentence.",
    "Direction not stated in the text; the context follows the paragraph's frame.",
    "The review names the donor cells in the next sentence.",
)

VERBS: dict[str, tuple[str, ...]] = {
    "carries": ("carried", "contained", "were loaded with"),
    "releasedBy": ("was released by", "was secreted by", "was shed by"),
    "takenUpBy": ("was taken up by", "was internalised by", "was transferred to"),
    "targets": ("targeted", "directly targeted", "bound the 3' UTR of"),
    "regulates": ("regulated", "affected", "modulated"),
    "upregulates": ("upregulated", "increased the expression of", "induced"),
    "downregulates": ("downregulated", "reduced the expression of", "silenced"),
    "activates": ("activated", "switched on", "triggered"),
    "inhibits": ("inhibited", "blocked", "attenuated"),
    "promotes": ("promoted", "enhanced", "facilitated"),
    "suppresses": ("suppressed", "impaired", "reduced"),
    "confersDrugResistance": ("conferred", "induced", "promoted"),
    "mediates": ("mediated", "was required for", "contributed to"),
    "actsAsCeRNAFor": ("acted as a competing endogenous RNA for", "sponged", "sequestered"),
    "biomarkerFor": ("was a potential biomarker for", "distinguished patients with", "was elevated in patients with"),
    "detectedIn": ("was detected in", "was found in", "was enriched in"),
    "binds": ("bound", "interacted with", "associated with"),
    "recruits": ("recruited", "attracted", "mobilised"),
    "delivers": ("delivered", "transported", "carried"),
    "therapyFor": ("was tested as a therapy for", "improved outcome in", "was used to treat"),
}
PREFERRED_SECTION: dict[str, str] = {
    "carries": "3. Contents of exosomes",
    "releasedBy": "2. Biogenesis, secretion, and uptake of exosomes",
    "takenUpBy": "2. Biogenesis, secretion, and uptake of exosomes",
    "confersDrugResistance": "4. Drug resistance",
    "biomarkerFor": "5. Exosomes as cancer biomarkers",
    "detectedIn": "5. Exosomes as cancer biomarkers",
    "delivers": "6. Exosomes as cancer therapeutic targets",
    "therapyFor": "6. Exosomes as cancer therapeutic targets",
    "recruits": "4. Tumor immune escape",
    "targets": "4. Tumor growth",
    "actsAsCeRNAFor": "4. Drug resistance",
}
OBJECT_SECTION = {"metastasis": "4. Metastasis", "angiogenesis": "4. Angiogenesis", "tumorigenesis": "4. Tumorigenesis"}


class Pool:
    """The entities of one class, by rank (0 is the hub); ids and labels are computed, never stored."""

    def __init__(self, key: str, cls: str, n: int, zipf_s: float, heads: tuple[Head, ...] = ()) -> None:
        self.key, self.cls, self.n, self.heads = key, cls, max(n, len(heads), 1), heads
        self.index = 0  # set by the generator
        self.set_draw(zipf_s)

    def set_draw(self, zipf_s: float, hubs: tuple[float, ...] = (), uniform: float = 0.0) -> None:
        """How objects are drawn: ranks 0..len(hubs)-1 with the given probabilities, then with probability
        ``uniform`` any other rank alike, else a Zipf law with exponent ``zipf_s`` over the other ranks."""
        self.s, self.first = zipf_s, len(hubs)
        self.hub_cum = [math.fsum(hubs[: i + 1]) for i in range(len(hubs))]
        self.uniform_below = math.fsum(hubs) + uniform
        m = self.n - self.first
        if zipf_s == 1.0:
            self._a, self._inv = math.log(m + 1), 0.0
        else:
            self._a, self._inv = (m + 1) ** (1.0 - zipf_s) - 1.0, 1.0 / (1.0 - zipf_s)

    def draw(self, rng: random.Random) -> int:
        """A rank: a hub's, a uniform one, or one from a (continuous) Zipf law over the rest."""
        first = self.first
        if first or self.uniform_below:
            u = rng.random()
            for k, cum in enumerate(self.hub_cum):
                if u < cum:
                    return k
            if u < self.uniform_below:
                return first + int(rng.random() * (self.n - first))
        if self.s == 1.0:
            x = math.exp(rng.random() * self._a)
        else:
            x = (1.0 + rng.random() * self._a) ** self._inv
        k = first + int(x) - 1
        return k if k < self.n else self.n - 1

    # -- names ------------------------------------------------------------------------------
    def ident(self, r: int) -> str:
        h = self.heads
        return h[r][0] if r < len(h) else self._tail_id(r + 1)

    def label(self, r: int) -> str:
        h = self.heads
        return h[r][1] if r < len(h) else self._tail_label(r + 1)

    def describe(self, r: int, rng: random.Random) -> tuple[str, str, list[str], list[str]]:
        """(id, label, synonyms, xrefs) of the entity of rank r; 0-3 synonyms, 0-2 xrefs."""
        if r < len(self.heads):
            ident, label, alts, xref = self.heads[r]
            return ident, label, list(alts[:3]), [xref] if xref else []
        n = r + 1
        alts = self._tail_alts(n)
        k = min(len(alts), _pick_count(rng, (0.2, 0.35, 0.3, 0.15)))
        xrefs = self._tail_xrefs(n)
        x = min(len(xrefs), _pick_count(rng, (0.35, 0.5, 0.15)))
        return self._tail_id(n), self._tail_label(n), rng.sample(alts, k) if k else [], xrefs[:x]

    def _tail_id(self, n: int) -> str:
        return f"{self.key}-{n}"

    def _tail_label(self, n: int) -> str:
        return f"{self.key} {n}"

    def _tail_alts(self, n: int) -> list[str]:
        return [f"{self.key.upper()}{n}"]

    def _tail_xrefs(self, n: int) -> list[str]:
        return []


class MicroRNAs(Pool):
    """miRNA-21 is rank 0; the others are numbered 1, 2, ... skipping 21 (so miRNA-100 is rank 99)."""

    @staticmethod
    def number(r: int) -> int:
        return 21 if r == 0 else (r if r < 21 else r + 1)

    def ident(self, r: int) -> str:
        return f"miRNA-{self.number(r)}"

    label = ident

    def describe(self, r: int, rng: random.Random) -> tuple[str, str, list[str], list[str]]:
        if r == 0:
            return "miRNA-21", "miRNA-21", ["miR-21", "hsa-miR-21", "microRNA-21"], ["mirbase:MI0000077"]
        n = self.number(r)
        alts = [f"miR-{n}", f"hsa-miR-{n}", f"microRNA-{n}", f"hsa-mir-{n}"]
        k = _pick_count(rng, (0.15, 0.35, 0.3, 0.2))
        x = _pick_count(rng, (0.3, 0.55, 0.15))
        xrefs = [f"mirbase:MI{9000000 + n:07d}", f"mirbase.mature:MIMAT{9000000 + n:07d}"][:x]
        return f"miRNA-{n}", f"miRNA-{n}", rng.sample(alts, k) if k else [], xrefs


class Genes(Pool):
    def _tail_id(self, n: int) -> str:
        return f"GENE{n}"

    _tail_label = _tail_id

    def _tail_alts(self, n: int) -> list[str]:
        return [f"GENE-{n}", f"GENE{n} protein", f"gene {n} product"]

    def _tail_xrefs(self, n: int) -> list[str]:
        return [f"HGNC:{n}"]


class LncRNAs(Pool):
    def _tail_id(self, n: int) -> str:
        return f"LINC{n:05d}"

    _tail_label = _tail_id

    def _tail_alts(self, n: int) -> list[str]:
        return [f"lncRNA LINC{n:05d}", f"long intergenic non-protein coding RNA {n}", f"LINC-{n}"]

    def _tail_xrefs(self, n: int) -> list[str]:
        return [f"HGNC:{500000 + n}"]


class Pathways(Pool):
    def _tail_id(self, n: int) -> str:
        return f"PW{n}-signalling"

    def _tail_label(self, n: int) -> str:
        return f"PW{n} signalling"

    def _tail_alts(self, n: int) -> list[str]:
        return [f"PW{n} pathway", f"PW{n} signaling", f"PW{n} signalling pathway"]


class Processes(Pool):
    def _tail_id(self, n: int) -> str:
        return f"process-{n}"

    def _tail_label(self, n: int) -> str:
        return f"biological process {n}"

    def _tail_alts(self, n: int) -> list[str]:
        return [f"process {n}", f"BP{n}"]

    def _tail_xrefs(self, n: int) -> list[str]:
        return [f"GO:{9000000 + n:07d}"]


class Phenotypes(Pool):
    def _tail_id(self, n: int) -> str:
        return f"phenotype-{n}"

    def _tail_label(self, n: int) -> str:
        return f"cancer phenotype {n}"

    def _tail_alts(self, n: int) -> list[str]:
        return [f"phenotype {n}", f"hallmark {n}"]


class Drugs(Pool):
    def _tail_id(self, n: int) -> str:
        return f"DRUG{n}"

    _tail_label = _tail_id

    def _tail_alts(self, n: int) -> list[str]:
        return [f"drug {n}", f"compound {n}"]

    def _tail_xrefs(self, n: int) -> list[str]:
        return [f"CHEBI:{9000000 + n}"]


class Resistances(Pool):
    """One drug-resistance phenotype per drug (rank r is resistance to the drug of rank r)."""

    def __init__(self, drugs: Drugs, zipf_s: float) -> None:
        super().__init__("resistance", "DrugResistance", drugs.n, zipf_s)
        self.drugs = drugs

    def ident(self, r: int) -> str:
        return f"{self.drugs.ident(r)}-resistance"

    def label(self, r: int) -> str:
        return f"{self.drugs.label(r)} resistance"

    def describe(self, r: int, rng: random.Random) -> tuple[str, str, list[str], list[str]]:
        drug = self.drugs.label(r)
        alts = [f"resistance to {drug}", f"{drug}-resistance", f"{drug} chemoresistance"]
        k = _pick_count(rng, (0.2, 0.4, 0.3, 0.1))
        return self.ident(r), self.label(r), alts[:k], []


class Cancers(Pool):
    def _tail_id(self, n: int) -> str:
        return f"cancer-{n}"

    def _tail_label(self, n: int) -> str:
        return f"carcinoma type {n}"

    def _tail_alts(self, n: int) -> list[str]:
        return [f"carcinoma {n}", f"CA{n}", f"type {n} carcinoma"]

    def _tail_xrefs(self, n: int) -> list[str]:
        return [f"DOID:{9000000 + n}", f"MONDO:{9000000 + n:07d}"]


class Cells(Pool):
    def _tail_id(self, n: int) -> str:
        return f"cell-type-{n}"

    def _tail_label(self, n: int) -> str:
        return f"cell type {n}"

    def _tail_alts(self, n: int) -> list[str]:
        return [f"cell type {n} cells", f"CT{n} cell"]

    def _tail_xrefs(self, n: int) -> list[str]:
        return [f"CL:{9000000 + n:07d}"]


class Biofluids(Pool):
    def _tail_id(self, n: int) -> str:
        return f"biofluid-{n}"

    def _tail_label(self, n: int) -> str:
        return f"body fluid {n}"

    def _tail_alts(self, n: int) -> list[str]:
        return [f"fluid {n}"]

    def _tail_xrefs(self, n: int) -> list[str]:
        return [f"UBERON:{9000000 + n:07d}"]


class Exosomes(Pool):
    """``exosome`` (rank 0), then the exosomes of each cell type (rank r: of the cell type of rank r-1)."""

    def __init__(self, n: int, cells: Cells, zipf_s: float) -> None:
        super().__init__("exosome", "Exosome", min(max(n, 2), cells.n + 1), zipf_s)
        self.cells = cells

    def ident(self, r: int) -> str:
        return "exosome" if r == 0 else f"{self.cells.ident(r - 1)}-exosome"

    def label(self, r: int) -> str:
        return "exosome" if r == 0 else f"{self.cells.label(r - 1)}-derived exosome"

    def describe(self, r: int, rng: random.Random) -> tuple[str, str, list[str], list[str]]:
        if r == 0:
            return "exosome", "exosome", ["exosomal vesicle", "exosomes"], ["GO:0070062"]
        cell = self.cells.label(r - 1)
        alts = [f"{cell}-derived exosomes", f"{cell} exosome", f"exosomes from {cell}s"]
        k = _pick_count(rng, (0.3, 0.4, 0.2, 0.1))
        return self.ident(r), self.label(r), alts[:k], []


def _pick_count(rng: random.Random, probs: tuple[float, ...]) -> int:
    u = rng.random()
    for k, p in enumerate(probs):
        u -= p
        if u < 0:
            return k
    return len(probs) - 1


def _digest(*parts: str) -> str:
    """As exograph.model: sha1 of the parts joined by U+001F, first 10 hex digits."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def literal(text: str) -> str:
    """A plain string literal, valid in N-Triples and Turtle."""
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:
        text = text.translate(_ESCAPES)
    return f'"{text}"'


PREFIXES = {
    "exo": vocab.EXO,
    "ent": vocab.ENTITY,
    "stmt": vocab.STATEMENT,
    "ev": vocab.EVIDENCE,
    "ref": vocab.REFERENCE,
    "review": vocab.REVIEW,
    "rdf": vocab.RDF,
    "rdfs": vocab.RDFS,
    "skos": vocab.SKOS,
    "dcterms": vocab.DCTERMS,
    "oboInOwl": vocab.OBOINOWL,
}


class Terms:
    """How IRIs and typed literals are written: full IRIs for N-Triples, prefixed names for Turtle."""

    def __init__(self, fmt: str) -> None:
        self.ttl = fmt == "ttl"
        self.ns: dict[str, tuple[str, str]] = {}
        for prefix, ns in PREFIXES.items():
            self.ns[prefix] = (prefix + ":", "") if self.ttl else ("<" + ns, ">")
        self.rdf_type = "a" if self.ttl else f"<{vocab.RDF}type>"

    def iri(self, prefix: str, local: str) -> str:
        pre, post = self.ns[prefix]
        return pre + local + post

    def maker(self, prefix: str) -> Callable[[str], str]:
        pre, post = self.ns[prefix]
        return lambda local: pre + local + post

    def boolean(self, value: bool) -> str:
        text = "true" if value else "false"
        return text if self.ttl else f'"{text}"^^<{vocab.XSD}boolean>'

    def integer(self, value: int) -> str:
        return str(value) if self.ttl else f'"{value}"^^<{vocab.XSD}integer>'

    def header(self) -> str:
        if not self.ttl:
            return ""
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"


Block = tuple[str, list[tuple[str, str]]]  #: a subject and its (predicate, object) pairs


class Writer:
    """Streams subject blocks to a file, as N-Triples lines or Turtle blocks; counts triples."""

    def __init__(self, fh: TextIO, ttl: bool) -> None:
        self.fh, self.ttl, self.count = fh, ttl, 0
        self.buf: list[str] = []

    def write(self, blocks: list[Block]) -> None:
        buf = self.buf
        for s, pos in blocks:
            self.count += len(pos)
            if not self.ttl:
                buf.extend([f"{s} {p} {o} .\n" for p, o in pos])
                continue
            if len(pos) == 1:
                buf.append(f"{s} {pos[0][0]} {pos[0][1]} .\n\n")
                continue
            parts: list[str] = []
            last = None
            for p, o in pos:
                if p == last:
                    parts.append(f" ,\n        {o}")
                else:
                    parts.append(f" ;\n    {p} {o}" if last is not None else f"\n    {p} {o}")
                    last = p
            buf.append(s + "".join(parts) + " .\n\n")
        if len(buf) > 20000:
            self.flush()

    def flush(self) -> None:
        self.fh.write("".join(self.buf))
        self.buf = []


class Template:
    """One kind of relation a subject class makes: predicate, object pool, weight."""

    __slots__ = ("index", "pred", "pool", "weight")

    def __init__(self, index: int, pred: str, pool: Pool, weight: float) -> None:
        self.index, self.pred, self.pool, self.weight = index, pred, pool, weight


class Generator:
    """One synthetic graph: the entity pools, the relation plan, and the writing of it all."""

    def __init__(self, triples: int, seed: int, fmt: str) -> None:
        if triples < MIN_TRIPLES:
            raise ValueError(f"--triples must be at least {MIN_TRIPLES}")
        if fmt not in ("nt", "ttl"):
            raise ValueError("format is nt or ttl")
        self.target, self.seed, self.fmt = triples, seed, fmt
        self.rng = random.Random(seed)
        self.t = Terms(fmt)
        e = max(triples // TRIPLES_PER_ENTITY, 400)

        def size(share: float, least: int) -> int:
            return max(int(e * share), least)

        # pools, with how they are drawn as objects and as context (Zipf exponent; uniform share for the tail)
        self.mirna = MicroRNAs("miRNA", "MicroRNA", size(0.26, 120), 1.0)
        self.gene = Genes("gene", "GeneOrProtein", size(0.42, 150), 0.8)
        self.lnc = LncRNAs("lncRNA", "LncRNA", size(0.07, 10), 0.9)
        self.pathway = Pathways("pathway", "SignallingPathway", size(0.04, 10), 1.0, PATHWAYS)
        self.process = Processes("process", "BiologicalProcess", size(0.05, 10), 1.0, PROCESSES)
        self.phenotype = Phenotypes("phenotype", "CancerPhenotype", size(0.01, 10), 1.0, PHENOTYPES)
        self.drug = Drugs("drug", "Drug", size(0.03, 8), 1.0, DRUGS)
        self.resistance = Resistances(self.drug, 1.0)
        self.cancer = Cancers("cancer", "CancerType", size(0.03, 12), 0.8, CANCERS)
        self.cell = Cells("cell", "CellType", size(0.03, 10), 0.9, CELLS)
        self.biofluid = Biofluids("biofluid", "Biofluid", size(0.005, 8), 0.9, BIOFLUIDS)
        self.exosome = Exosomes(size(0.005, 2), self.cell, 0.9)
        self.phenotype.set_draw(1.0, hubs=PHENOTYPE_HUB_SHARES, uniform=0.1)
        for pool in (self.mirna, self.gene, self.lnc, self.process, self.pathway, self.resistance, self.cancer, self.cell):
            pool.set_draw(pool.s, uniform=UNIFORM_SHARE)
        self.pools: list[Pool] = [
            self.mirna, self.gene, self.lnc, self.pathway, self.process, self.phenotype,
            self.drug, self.resistance, self.cancer, self.cell, self.biofluid, self.exosome,
        ]  # fmt: skip
        for i, pool in enumerate(self.pools):
            pool.index = i
        self.n_reviews = max(1, round(e / ENTITIES_PER_REVIEW))
        self.reviews = Pool("review", "Review", self.n_reviews, 0.8)
        self._templates()
        self.relations = self.evidences = 0

    # -- what each subject class relates to, and how much of the graph it makes -------------
    def _templates(self) -> None:
        mi, ge, ln, pw, pr, ph = self.mirna, self.gene, self.lnc, self.pathway, self.process, self.phenotype
        dr, rs, ca, ce, bf, ex = self.drug, self.resistance, self.cancer, self.cell, self.biofluid, self.exosome
        # (subject pool, share of all relations, out-degree exponent, [(predicate, object pool, weight)])
        spec: list[tuple[Pool, float, float, list[tuple[str, Pool, float]]]] = [
            (mi, 0.48, 0.9, [
                ("targets", ge, 30), ("downregulates", ge, 10), ("upregulates", ge, 3), ("binds", ge, 2),
                ("activates", pw, 5), ("inhibits", pw, 4), ("promotes", ph, 18), ("promotes", pr, 4),
                ("suppresses", pr, 4), ("suppresses", ph, 4), ("regulates", pr, 1), ("confersDrugResistance", rs, 5),
                ("biomarkerFor", ca, 10), ("detectedIn", bf, 3), ("releasedBy", ce, 4), ("takenUpBy", ce, 3),
            ]),
            (ge, 0.26, 0.9, [
                ("mediates", ph, 18), ("mediates", pr, 8), ("mediates", rs, 5), ("upregulates", ge, 7),
                ("downregulates", ge, 5), ("activates", pw, 12), ("inhibits", ge, 3), ("inhibits", pw, 3),
                ("promotes", ph, 14), ("promotes", pr, 5), ("suppresses", pr, 4), ("biomarkerFor", ca, 10),
                ("binds", ge, 5), ("recruits", ce, 3), ("confersDrugResistance", rs, 4), ("releasedBy", ce, 2),
                ("detectedIn", bf, 2),
            ]),
            (ln, 0.07, 0.9, [
                ("actsAsCeRNAFor", mi, 35), ("biomarkerFor", ca, 20), ("promotes", ph, 20),
                ("confersDrugResistance", rs, 10), ("upregulates", ge, 10), ("detectedIn", bf, 5),
            ]),
            (pw, 0.05, 1.0, [("promotes", ph, 40), ("mediates", pr, 20), ("mediates", ph, 10), ("activates", pw, 15), ("regulates", pr, 15)]),
            (ce, 0.05, 1.0, [
                ("promotes", ph, 40), ("regulates", pr, 20), ("recruits", ce, 10), ("suppresses", ph, 10), ("activates", pw, 20),
            ]),
            (ex, 0.07, 1.0, [
                ("carries", mi, 25), ("carries", ge, 15), ("carries", ln, 5), ("biomarkerFor", ca, 12), ("detectedIn", bf, 8),
                ("releasedBy", ce, 10), ("takenUpBy", ce, 8), ("promotes", ph, 10), ("delivers", dr, 4), ("therapyFor", ca, 3),
            ]),
            (dr, 0.02, 0.9, [("therapyFor", ca, 1)]),
        ]  # fmt: skip
        self.subjects: list[tuple[Pool, Callable[[int], float], list[Template], list[float]]] = []
        n_subjects = sum(pool.n for pool, *_ in spec)
        floor = FLOOR_SHARE / n_subjects
        index = 0
        for pool, share, alpha, rows in spec:
            templates, cum, total = [], [], 0.0
            for pred, obj, weight in rows:
                assert pred in vocab.PREDICATES, pred
                templates.append(Template(index, pred, obj, weight))
                index += 1
                total += weight
                cum.append(total)
            cum = [c / total for c in cum]
            self.subjects.append((pool, self._out_degree(pool, share * (1 - FLOOR_SHARE), alpha, floor), templates, cum))

    @staticmethod
    def _out_degree(pool: Pool, share: float, alpha: float, floor: float) -> Callable[[int], float]:
        """The share of all relations the subject of rank r makes: a Zipf law over the class (miRNA-21 set apart)."""
        hub = MIRNA_21_SHARE if isinstance(pool, MicroRNAs) else 0.0
        first = 1 if hub else 0
        rest = (share - hub) / math.fsum((r + 1) ** -alpha for r in range(pool.n - first))
        if hub:
            return lambda r: floor + (hub if r == 0 else rest * r**-alpha)
        return lambda r: floor + rest * (r + 1) ** -alpha

    def _objects(self, pool: Pool, r: int, templates: list[Template], cum: list[float]) -> Iterator[tuple[Template, int]]:
        """The distinct (template, object rank) pairs of a subject, in a stream seeded by the subject alone."""
        rng = random.Random(((self.seed * 1_000_003 + pool.index) << 32) + r)
        seen: set[tuple[int, int]] = set()
        misses, last = 0, len(cum) - 1
        while misses < 64:
            i = bisect_right(cum, rng.random())
            t = templates[i if i <= last else last]
            obj = t.pool
            o = obj.draw(rng) if misses < 16 else int(rng.random() * obj.n)  # near saturation, any object
            key = (t.index, o)
            if key in seen or (obj is pool and o == r):
                misses += 1
                continue
            seen.add(key)
            misses = 0
            yield t, o

    # -- output -----------------------------------------------------------------------------
    def run(self, path: Path) -> dict:
        start = time.perf_counter()
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(self.t.header())
            w = Writer(fh, self.t.ttl)
            self._write_reviews(w)
            self._write_entities(w)
            self._write_relations(w)
            w.flush()
        return {
            "path": str(path),
            "format": self.fmt,
            "seed": self.seed,
            "target": self.target,
            "triples": w.count,
            "entities": sum(p.n for p in self.pools),
            "relations": self.relations,
            "evidences": self.evidences,
            "reviews": self.n_reviews,
            "references": self.n_reviews * REFS_PER_REVIEW,
            "hubs": list(HUBS),
            "mid_pair": list(MID_PAIR),
            "seconds": round(time.perf_counter() - start, 2),
        }

    def review_id(self, k: int) -> str:
        return f"synthonc-{1 + k // 12}-{101 + (k % 12) * 11}"

    def _citation(self, k: int) -> str:
        page = 101 + (k % 12) * 11
        return f"Synthetic Oncology Reviews {1 + k // 12}:{page}-{page + 10}, {2010 + k % 15}"

    def _write_reviews(self, w: Writer) -> None:
        t, iri = self.t, self.t.iri
        exo, rdfs, dct = t.maker("exo"), t.maker("rdfs"), t.maker("dcterms")
        for k in range(self.n_reviews):
            rid, cite = self.review_id(k), self._citation(k)
            review = iri("review", rid)
            blocks: list[Block] = [
                (review, [(t.rdf_type, exo("Review")), (dct("bibliographicCitation"), literal(cite)), (rdfs("label"), literal(f"Review, {cite}"))])
            ]
            for n in range(1, REFS_PER_REVIEW + 1):
                pos = [(t.rdf_type, exo("Reference")), (rdfs("label"), literal(f"Reference {n} of {cite}"))]
                pos += [(exo("citedIn"), review), (exo("referenceNumber"), t.integer(n))]
                blocks.append((iri("ref", f"{rid}-{n}"), pos))
            w.write(blocks)

    def _write_entities(self, w: Writer) -> None:
        t, rng = self.t, self.rng
        exo, ent, rdfs = t.maker("exo"), t.maker("ent"), t.maker("rdfs")
        p_label, p_alt, p_xref = rdfs("label"), t.iri("skos", "altLabel"), t.iri("oboInOwl", "hasDbXref")
        p_res = exo("resistanceTo")
        for pool in self.pools:
            cls = exo(pool.cls)
            blocks: list[Block] = []
            for r in range(pool.n):
                ident, label, alts, xrefs = pool.describe(r, rng)
                pos = [(t.rdf_type, cls), (p_label, literal(label))]
                pos += [(p_alt, literal(a)) for a in alts]
                pos += [(p_xref, literal(x)) for x in xrefs]
                if pool is self.resistance:
                    pos.append((p_res, ent(self.drug.ident(r))))
                blocks.append((ent(ident), pos))
                if len(blocks) >= 1000:
                    w.write(blocks)
                    blocks = []
            w.write(blocks)

    def _write_relations(self, w: Writer) -> None:
        """Subjects in rank order, interleaving the classes (hubs first); passes top up until the target."""
        remaining = self.target - w.count
        per_relation = 20.0  # triples a relation writes, on average (measured: 19-21)
        scale = 1.03 * remaining / per_relation
        done_scale = 0.0
        longest = max(p.n for p, *_ in self.subjects)
        for _ in range(20):
            before = self.relations
            for r in range(longest):
                for k, (pool, share, templates, cum) in enumerate(self.subjects):
                    if r >= pool.n:
                        continue
                    weight = share(r)
                    # Weyl sequence for the rounding: the degrees add up to the plan with no drift
                    u = ((r + 1) * 0.6180339887498949 + k * 0.7548776662466927) % 1.0
                    have, want = int(done_scale * weight + u), int(scale * weight + u)
                    if want <= have:
                        continue
                    stream = self._objects(pool, r, templates, cum)
                    for _ in range(have):  # replay what earlier passes wrote
                        if next(stream, None) is None:
                            break
                    for _ in range(want - have):
                        pair = next(stream, None)
                        if pair is None:
                            break
                        blocks = self._relation(pool, r, *pair)
                        size = sum(len(pos) for _, pos in blocks)
                        if w.count + size > self.target:
                            return
                        w.write(blocks)
                        self.relations += 1
                        self.evidences += len(blocks) - 2  # the plain triple, the statement, its evidences
            made = self.relations - before
            if made == 0:
                return
            left = self.target - w.count
            done_scale, scale = scale, scale + 1.1 * (scale - done_scale) * left / (made * per_relation) + 1.0

    def _relation(self, pool: Pool, r: int, tmpl: Template, o: int) -> list[Block]:
        t, rng, rnd = self.t, self.rng, self.rng.random
        exo, ent = t.maker("exo"), t.maker("ent")
        pred, obj = tmpl.pred, tmpl.pool
        s_id, o_id = pool.ident(r), obj.ident(o)
        s_term, o_term, p_term = ent(s_id), ent(o_id), exo(pred)

        # context, as the curation would state it
        cancer = donor = recipient = s_state = o_state = None
        biofluids: list[int] = []
        clinical: list[str] = []
        if obj is not self.cancer and rnd() < 0.55:
            cancer = self.cancer.draw(rng)
        if pred != "releasedBy" and rnd() < 0.3:
            donor = self.cell.draw(rng)
        if pred != "takenUpBy" and rnd() < 0.22:
            recipient = self.cell.draw(rng)
        if pred == "biomarkerFor":
            if rnd() < 0.6:
                biofluids = sorted({self.biofluid.draw(rng) for _ in range(1 + (rnd() < 0.2))})
            if rnd() < 0.8:
                clinical = sorted(rng.sample(vocab.CLINICAL_VALUES, 1 + (rnd() < 0.25)))
        elif pred != "detectedIn" and rnd() < 0.03:
            biofluids = [self.biofluid.draw(rng)]
        if rnd() < 0.25:
            s_state = rng.choice(vocab.STATES)
        if rnd() < 0.15:
            o_state = "targeted" if pred == "targets" and rnd() < 0.5 else rng.choice(vocab.STATES)
        negated = rnd() < 0.03
        note = rng.choice(NOTES) if rnd() < 0.08 else None

        cancer_id = self.cancer.ident(cancer) if cancer is not None else ""
        donor_id = self.cell.ident(donor) if donor is not None else ""
        recipient_id = self.cell.ident(recipient) if recipient is not None else ""
        fluid_ids = [self.biofluid.ident(b) for b in biofluids]
        claim = (s_id, pred, o_id, cancer_id, donor_id, recipient_id, "|".join(fluid_ids), s_state or "", o_state or "", str(negated))
        digest = _digest(*claim, "|".join(clinical))  # the claim and its context, in vocab.CONTEXT's order
        local = f"{s_id}--{pred}--{o_id}--{digest}"
        stmt = t.iri("stmt", local)

        pos = [
            (t.rdf_type, exo("Statement")),
            (t.iri("rdf", "subject"), s_term),
            (t.iri("rdf", "predicate"), p_term),
            (t.iri("rdf", "object"), o_term),
        ]
        if cancer_id:
            pos.append((exo("cancerType"), ent(cancer_id)))
        if donor_id:
            pos.append((exo("donorCell"), ent(donor_id)))
        if recipient_id:
            pos.append((exo("recipientCell"), ent(recipient_id)))
        pos += [(exo("biofluid"), ent(b)) for b in fluid_ids]
        if s_state:
            pos.append((exo("subjectState"), literal(s_state)))
        if o_state:
            pos.append((exo("objectState"), literal(o_state)))
        pos += [(exo("clinicalValue"), literal(c)) for c in clinical]
        if note:
            pos.append((exo("note"), literal(note.format(s=pool.label(r)))))
        pos.append((exo("negated"), t.boolean(negated)))

        # evidence: one to three readings of the claim
        s_label, o_label = pool.label(r), obj.label(o)
        where = {
            "cancer": self.cancer.label(cancer) if cancer is not None else None,
            "donor": self.cell.label(donor) if donor is not None else None,
            "recipient": self.cell.label(recipient) if recipient is not None else None,
        }
        evidences: list[Block] = []
        keys: set[str] = set()
        for _ in range(1 + _pick_count(rng, (0.6, 0.28, 0.12))):
            ev = self._evidence(pred, o_id, s_label, o_label, negated, where)
            key = _digest(ev["refs"], ev["section"], ev["quote"], ev["author"] or "")
            if key in keys:
                continue
            keys.add(key)
            e_term = t.iri("ev", f"{local}--{key}")
            review = ev["review"]
            e_pos = [(t.rdf_type, exo("Evidence")), (exo("curatedFrom"), t.iri("review", self.review_id(review)))]
            e_pos += [(exo("reference"), t.iri("ref", f"{self.review_id(review)}-{n}")) for n in ev["numbers"]]
            e_pos.append((exo("refsAsPrinted"), literal(ev["refs"])))
            if ev["author"]:
                e_pos.append((exo("firstAuthor"), literal(ev["author"])))
            e_pos += [(exo("section"), literal(ev["section"])), (exo("quote"), literal(ev["quote"]))]
            evidences.append((e_term, e_pos))
            pos.append((exo("evidence"), e_term))
        return [(s_term, [(p_term, o_term)]), (stmt, pos), *evidences]

    def _evidence(self, pred: str, o_id: str, s_label: str, o_label: str, negated: bool, where: dict[str, str | None]) -> dict:
        rng, rnd = self.rng, self.rng.random
        review = self.reviews.draw(rng)
        first = 1 + int(rnd() * REFS_PER_REVIEW)
        shape = rnd()
        if shape < 0.8 or first >= REFS_PER_REVIEW - 4:
            numbers, refs = [first], str(first)
        elif shape < 0.9:
            last = first + 1 + int(rnd() * 3)
            numbers, refs = list(range(first, last + 1)), f"{first}-{last}"
        else:
            second = first + 1 + int(rnd() * 3)
            numbers, refs = [first, second], f"{first},{second}"
        author = rng.choice(AUTHORS) if rnd() < 0.6 else None
        preferred = OBJECT_SECTION.get(o_id) or PREFERRED_SECTION.get(pred)
        section = preferred if preferred and rnd() < 0.6 else rng.choice(vocab.SECTIONS)

        verb = rng.choice(VERBS[pred])
        if negated:
            verb = "did not affect" if rnd() < 0.5 else f"was not found to have {verb}"
        lead = rnd()
        if where["donor"] and lead < 0.5:
            subject = f"{where['donor']}-derived exosomal {s_label}"
        elif lead < 0.3:
            subject = f"exosomal {s_label}"
        elif lead < 0.4:
            subject = f'{s_label}, a so-called "oncomiR",' if s_label.startswith("miRNA") else f"circulating {s_label}"
        else:
            subject = s_label
        tail = rnd()
        if where["cancer"] and tail < 0.6:
            place = f" in {where['cancer']}"
        elif where["recipient"] and tail < 0.8:
            place = f" in {where['recipient']}s"
        elif tail < 0.9:
            place = " in vitro and in vivo"
        else:
            place = ""
        quote = f"{subject} {verb} {o_label}{place}"
        frame = rnd()
        if author and frame < 0.3:
            quote = f"{author} et al found that {quote}"
        elif frame < 0.45:
            quote = f"Furthermore, {quote}"
        return {"review": review, "numbers": numbers, "refs": refs, "author": author, "section": section, "quote": quote}


def generate(path: str | Path, triples: int, seed: int = 7, fmt: str = "nt") -> dict:
    """Write a synthetic graph of about ``triples`` triples to ``path``; return the counts and hub labels."""
    return Generator(triples, seed, fmt).run(Path(path))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, required=True, help="target number of triples (reached within 1%%)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", choices=("nt", "ttl"), default="nt", help="N-Triples (default) or Turtle")
    parser.add_argument("-o", "--output", required=True, help="file to write")
    args = parser.parse_args(argv)
    try:
        out = generate(args.output, args.triples, seed=args.seed, fmt=args.format)
    except ValueError as exc:
        parser.error(str(exc))
    print(
        f"{out['triples']} triples, {out['entities']} entities, {out['relations']} relations, {out['evidences']} evidences; "
        f"hubs {', '.join(out['hubs'])}; mid pair {', '.join(out['mid_pair'])}; {out['path']} in {out['seconds']} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
