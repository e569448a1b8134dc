"""Namespaces and the closed exograph vocabulary (mirrors ``ontology/exograph.ttl``).

This module imports nothing heavy: the CLI's fast paths read these strings without rdflib.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    "MicroRNACluster": "MicroRNACluster",
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
    "AnatomicalSite": "AnatomicalSite",
    "CellularComponent": "CellularComponent",
    "MolecularFunction": "MolecularFunction",
    "SiRNA": "SiRNA",
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
    "hasActivity",
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
    "hedged",
    "site",
    "donorCondition",
    "clinicalEndpoint",
    "generic",
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
    # database evidence (exograph.sources)
    "EvidenceItem",
    "DatabaseEvidence",
    "Database",
    "source",
    "databaseId",
    "pmid",
    "experiment",
    "supportType",
    "release",
    "sourceFile",
    "sha256",
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

#: what a biomarker finding predicts or tracks, beyond its clinical value (as the text words it)
CLINICAL_ENDPOINTS: tuple[str, ...] = (
    "clinical stage",  # "linked with clinical stages of melanoma patients"
    "early detection",  # "a reliable biomarker for early detection of pancreatic cancer"
    "progression",  # "higher levels may predict poorer progress"
    "recurrence",  # "predict tumor recurrence", "recurrence after liver transplantation"
    "survival",  # "improved survival prediction"
    "treatment response",  # "biomarker of chemotherapy response", "predictor of TKI treatment response"
)

#: the condition of the donor cells or donors the exosomes came from, as the text states it
DONOR_CONDITIONS: tuple[str, ...] = (
    "activated",  # "exosomes from activated CD8+ T cells"
    "engineered",  # "exosomes from MSCs expressing miRNA-146b", "exosomes modified by targeting ligands"
    "from healthy donors",  # "BM-MSCs of normal individuals"
    "from patients",  # "BM-MSCs from patients with MM", "sera of patients with breast cancer" (the cancer column names the disease)
    "HER2-overexpressing",  # "HER2-overexpressing breast cancer cells"
    "malignant",  # "exosomes released by malignant breast cancer cells"
    "undergoing EMT",  # "oncogenic cells undergoing epithelial-mesenchymal transition (EMT)"
)

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


@dataclass(frozen=True)
class ContextField:
    """One field of a relation's context: how every layer (model, curation tables, Turtle, the
    store reader, JSON, text, HTML) names, stores and checks it."""

    name: str  #: the Context attribute, the curation column and the JSON key
    rdf_property: str  #: the ontology property on the statement node (local name)
    kind: str  #: "entity" (an entity IRI), "text" (a string from ``values``) or "flag" (a boolean)
    many: bool = False  #: several values (sorted), or at most one
    entity_type: str | None = None  #: the class an entity value must have
    values: tuple[str, ...] = ()  #: the allowed strings of a text field
    #: added after 0.1: when empty (or false) it is left out of the statement's digest and of the
    #: triples, so the statements that do not use it keep their published IRIs
    omitted_when_empty: bool = False

    @property
    def label(self) -> str:
        return self.name.replace("_", " ")


#: the context of a statement, in the order of the statement digest and of every output
CONTEXT: tuple[ContextField, ...] = (
    ContextField("cancer", "cancerType", "entity", entity_type="CancerType"),
    ContextField("donor", "donorCell", "entity", entity_type="CellType"),
    ContextField("recipient", "recipientCell", "entity", entity_type="CellType"),
    ContextField("biofluid", "biofluid", "entity", many=True, entity_type="Biofluid"),
    ContextField("subject_state", "subjectState", "text", values=STATES),
    ContextField("object_state", "objectState", "text", values=STATES),
    ContextField("negated", "negated", "flag"),
    ContextField("clinical_value", "clinicalValue", "text", many=True, values=CLINICAL_VALUES),
    ContextField("hedged", "hedged", "flag", omitted_when_empty=True),
    ContextField("site", "site", "entity", entity_type="AnatomicalSite", omitted_when_empty=True),
    ContextField("donor_condition", "donorCondition", "text", values=DONOR_CONDITIONS, omitted_when_empty=True),
    ContextField("clinical_endpoint", "clinicalEndpoint", "text", many=True, values=CLINICAL_ENDPOINTS, omitted_when_empty=True),
)

#: the context fields that name an entity: the roles an entity can take in a relation besides subject and object
CONTEXT_ROLES: tuple[ContextField, ...] = tuple(spec for spec in CONTEXT if spec.kind == "entity")


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


def entity_id(iri: str) -> str:
    """The curated id of an entity IRI ('miRNA-21'); an IRI outside the entity namespace as it is."""
    return iri[len(ENTITY) :] if iri.startswith(ENTITY) else iri


def publication_iri(curie: str) -> str:
    """The resolvable IRI of a publication CURIE: pmid:N -> PubMed, doi:X -> doi.org."""
    prefix, _, local = curie.partition(":")
    if prefix == "pmid":
        return f"https://pubmed.ncbi.nlm.nih.gov/{local}/"
    return f"https://doi.org/{local}"


def publication_curie(iri: str) -> str:
    """The CURIE of a publication IRI made by :func:`publication_iri`."""
    pubmed, doi = "https://pubmed.ncbi.nlm.nih.gov/", "https://doi.org/"
    if iri.startswith(pubmed):
        return "pmid:" + iri[len(pubmed) :].rstrip("/")
    return "doi:" + iri[len(doi) :] if iri.startswith(doi) else iri


def shorten(iri: str) -> str:
    """A CURIE for ``iri`` when a known prefix covers it, else the IRI."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


_DECLARED = frozenset(CLASSES.values()) | frozenset(PREDICATES) | frozenset(OTHER_TERMS)


#: why a curated entity carries no cross-reference (the ``no_xref`` column of entities.tsv)
NO_XREF_REASONS: dict[str, str] = {
    "class": "names a class of things (microRNA, tumour cell), not one entity",
    "group": "names several members (a family, a cluster, miRNAs the review does not name)",
    "placeholder": "stands for something the review leaves unnamed",
    "not-in-reference": "looked up: the reference release has no term for it",
    "no-reference-data": "no reference release for its kind is at hand to verify an identifier (UBERON)",
}
