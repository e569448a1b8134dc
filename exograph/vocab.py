"""Namespaces and the closed exograph vocabulary (mirrors ``ontology/exograph.ttl``).

This module imports nothing heavy: the CLI's fast paths read these strings without rdflib.
"""

from __future__ import annotations

BASE = "https://w3id.org/exograph/"
EXO = BASE + "ontology#"  #: classes and properties
ENTITY = BASE + "entity/"  #: curated entities (miRNA-21, APAF1, ...)
STATEMENT = BASE + "statement/"  #: reified relations
EVIDENCE = BASE + "evidence/"  #: evidence records
REFERENCE = BASE + "reference/"  #: numbered references of the review
REVIEW = BASE + "review/"  #: the reviews relations are curated from

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
OBOINOWL = "http://www.geneontology.org/formats/oboInOwl#"

#: prefix -> namespace, used for Turtle output and SPARQL queries
PREFIXES: dict[str, str] = {
    "exo": EXO,
    "ent": ENTITY,
    "stmt": STATEMENT,
    "ev": EVIDENCE,
    "ref": REFERENCE,
    "review": REVIEW,
    "rdf": RDF,
    "rdfs": RDFS,
    "skos": SKOS,
    "owl": OWL,
    "xsd": XSD,
    "dcterms": DCTERMS,
    "oboInOwl": OBOINOWL,
}

#: entity classes: curation name -> local name in the ontology
CLASSES: dict[str, str] = {
    "Exosome": "Exosome",
    "ExtracellularVesicle": "ExtracellularVesicle",
    "MicroRNA": "MicroRNA",
    "LncRNA": "LncRNA",
    "CircRNA": "CircRNA",
    "MessengerRNA": "MessengerRNA",
    "DNA": "DNA",
    "GeneOrProtein": "GeneOrProtein",
    "Lipid": "Lipid",
    "SignallingPathway": "SignallingPathway",
    "BiologicalProcess": "BiologicalProcess",
    "CancerPhenotype": "CancerPhenotype",
    "DrugResistance": "DrugResistance",
    "Drug": "Drug",
    "CancerType": "CancerType",
    "CellType": "CellType",
    "Biofluid": "Biofluid",
}

#: relation predicates usable in curation rows (local names in the ontology)
PREDICATES: tuple[str, ...] = (
    "carries",
    "releasedBy",
    "takenUpBy",
    "targets",
    "regulates",
    "upregulates",
    "downregulates",
    "activates",
    "inhibits",
    "promotes",
    "suppresses",
    "confersDrugResistance",
    "mediates",
    "actsAsCeRNAFor",
    "biomarkerFor",
    "detectedIn",
    "binds",
    "recruits",
    "delivers",
    "therapyFor",
)

#: everything else the ontology declares and the compiler writes
OTHER_TERMS: tuple[str, ...] = (
    "CancerType",
    "MolecularEntity",
    "Publication",
    "Review",
    "Reference",
    "Statement",
    "Evidence",
    "resistanceTo",
    "cancerType",
    "donorCell",
    "recipientCell",
    "biofluid",
    "subjectState",
    "objectState",
    "negated",
    "clinicalValue",
    "note",
    "evidence",
    "curatedFrom",
    "reference",
    "refsAsPrinted",
    "firstAuthor",
    "section",
    "quote",
    "referenceNumber",
    "citedIn",
)

#: states of a subject or object, as the review words them
STATES: tuple[str, ...] = (
    "activated",
    "depleted",
    "detected",
    "downregulated",
    "elevated",
    "enriched",
    "expressed",
    "high expression",
    "lost",
    "lowered",
    "positive",
    "silenced",
    "suppressed",
    "targeted",
    "upregulated",
)

CLINICAL_VALUES: tuple[str, ...] = ("diagnostic", "predictive", "prognostic")

#: the review's sections and subsections, as printed (evidence must name one)
SECTIONS: tuple[str, ...] = (
    "Abstract",
    "1. Introduction",
    "2. Biogenesis, secretion, and uptake of exosomes",
    "3. Contents of exosomes",
    "4. Biological function of exosomes in cancer",
    "4. Tumorigenesis",
    "4. Tumor growth",
    "4. Angiogenesis",
    "4. Tumor immune escape",
    "4. Drug resistance",
    "4. Metastasis",
    "5. Exosomes as cancer biomarkers",
    "6. Exosomes as cancer therapeutic targets",
    "Table I",
    "7. Conclusion",
)

#: the context fields of a statement: curation column -> (ontology property, entity class)
CONTEXT_FIELDS: dict[str, tuple[str, str]] = {
    "cancer": ("cancerType", "CancerType"),
    "donor": ("donorCell", "CellType"),
    "recipient": ("recipientCell", "CellType"),
    "biofluid": ("biofluid", "Biofluid"),
}


def exo(local: str) -> str:
    """The IRI of an ontology term; raises KeyError for a term the ontology does not declare."""
    if local not in _DECLARED:
        raise KeyError(f"'{local}' is not an exograph ontology term")
    return EXO + local


def entity_iri(entity_id: str) -> str:
    """The IRI of a curated entity."""
    return ENTITY + entity_id


def local_name(iri: str) -> str:
    """The last segment of an IRI (after '#' or '/')."""
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def shorten(iri: str) -> str:
    """A CURIE for ``iri`` when a known prefix covers it, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


_DECLARED = frozenset(CLASSES.values()) | frozenset(PREDICATES) | frozenset(OTHER_TERMS)
