"""A small curated graph for context roles, generic entities, hedged statements and cross-cancer
paths, compiled by exograph's own compiler (:func:`exograph.io.compile.compile_graph`), as the
packaged graph is.

- context: ``NK cell`` is the subject or object of no relation, but the recipient of two and the
  donor of one; ``bone`` (a site), ``serum`` (a biofluid) and the cancers are named only in contexts;
- generic: ``microRNA`` (generic) joins ``fibroblast F`` (backwards) and ``GENE-D`` to
  ``angiogenesis``, nothing else does;
- hedged: ``miRNA-H -> GENE-I -> phenotype P`` holds only through a hedged hop; the NK relation
  from GENE-B is hedged;
- cross-cancer: ``miRNA-A -> GENE-B -> phenotype P`` (cancer X, then cancer Y: 2 hops) and
  ``miRNA-A -> GENE-C -> GENE-D -> phenotype P`` (cancer X, X, none: 3 hops);
  ``miRNA-E -> GENE-F -> phenotype Q``: GENE-F is joined to Q in cancer Y (better supported) and
  in cancer X, so the path can stay within cancer X;
- ``LONELY`` takes part in nothing.
"""

from __future__ import annotations

from pathlib import Path

from exograph import vocab
from exograph.model import Context, Entity, Evidence, Relation

E = vocab.ENTITY

ENTITIES = [
    ("miR-A", "MicroRNA", "miRNA-A"),
    ("miR-E", "MicroRNA", "miRNA-E"),
    ("miR-G", "MicroRNA", "miRNA-G"),
    ("miR-H", "MicroRNA", "miRNA-H"),
    ("GENE-B", "GeneOrProtein", "GENE-B"),
    ("GENE-C", "GeneOrProtein", "GENE-C"),
    ("GENE-D", "GeneOrProtein", "GENE-D"),
    ("GENE-F", "GeneOrProtein", "GENE-F"),
    ("GENE-I", "GeneOrProtein", "GENE-I"),
    ("LONELY", "GeneOrProtein", "LONELY"),
    ("P", "CancerPhenotype", "phenotype P"),
    ("Q", "CancerPhenotype", "phenotype Q"),
    ("angiogenesis", "CancerPhenotype", "angiogenesis"),
    ("NK-cytotoxicity", "BiologicalProcess", "NK cell cytotoxicity"),
    ("fibroblast", "CellType", "fibroblast F"),
    ("NK-cell", "CellType", "NK cell"),
    ("X", "CancerType", "cancer X"),
    ("Y", "CancerType", "<i>cancer Y</i>"),
    ("Z", "CancerType", "cancer Z"),
    ("serum", "Biofluid", "serum"),
    ("bone", "AnatomicalSite", "bone\x1b[2J"),
]
GENERIC = ("microRNA", "MicroRNA", "microRNA")


def _relation(s: str, p: str, o: str, ref: int, refs: int = 1, **context: object) -> Relation:
    values = {k: (E + v if k in ("cancer", "donor", "recipient", "site") and isinstance(v, str) else v) for k, v in context.items()}
    if "biofluid" in values:
        values["biofluid"] = [E + b for b in context["biofluid"]]  # type: ignore[union-attr]
    evidences = tuple(Evidence((ref + i,), str(ref + i), "Table I", f"quote {ref + i}: {s} {p} {o}", first_author="Author") for i in range(refs))
    return Relation(E + s, vocab.EXO + p, E + o, Context.of(values), evidences)


RELATIONS = [
    _relation("miR-A", "targets", "GENE-B", 1, cancer="X"),
    _relation("GENE-B", "promotes", "P", 2, cancer="Y"),
    _relation("miR-A", "targets", "GENE-C", 3, cancer="X"),
    _relation("GENE-C", "activates", "GENE-D", 4, cancer="X"),
    _relation("GENE-D", "promotes", "P", 5),
    _relation("miR-E", "targets", "GENE-F", 6, cancer="X"),
    _relation("GENE-F", "promotes", "Q", 7, refs=2, cancer="Y"),
    _relation("GENE-F", "promotes", "Q", 9, cancer="X"),
    _relation("microRNA", "releasedBy", "fibroblast", 10, cancer="Z"),
    _relation("microRNA", "promotes", "angiogenesis", 11),
    _relation("GENE-D", "upregulates", "microRNA", 17),
    _relation("GENE-B", "suppresses", "NK-cytotoxicity", 12, cancer="X", recipient="NK-cell", biofluid=["serum"], hedged=True),
    _relation("GENE-C", "inhibits", "NK-cytotoxicity", 13, recipient="NK-cell", site="bone"),
    _relation("miR-G", "promotes", "P", 14, donor="NK-cell"),
    _relation("miR-H", "targets", "GENE-I", 15, hedged=True),
    _relation("GENE-I", "promotes", "P", 16),
]


def entities() -> list[Entity]:
    out = [Entity(E + local, kind, label) for local, kind, label in ENTITIES]
    local, kind, label = GENERIC
    return [*out, Entity(E + local, kind, label, generic=True)]


def write(path: Path) -> Path:
    """The graph as Turtle at ``path``."""
    from exograph.io.compile import compile_graph
    from exograph.io.turtle import rdflib_triples, turtle_text

    path.write_text(turtle_text(rdflib_triples(compile_graph(entities(), RELATIONS))), encoding="utf-8")
    return path


def iri(local: str) -> str:
    return E + local
