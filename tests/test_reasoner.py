"""The ontology, and the data beside it, are consistent under an OWL 2 DL reasoner: HermiT, which
owlready2 bundles (it runs on a Java runtime). owlrl is not enough: the domains and ranges are
owl:unionOf, outside OWL 2 RL, and owlrl called the ontology consistent while "HER2 inhibits
trastuzumab" forced a drug out of exo:Drug. owlready2 reads no Turtle, so each graph is merged with
rdflib and written as N-Triples into tmp_path first."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection

from exograph import resources, vocab

EXO = vocab.EXO

#: sibling classes (the same exograph parent, or none) that can share a member, so no axiom makes them disjoint; the
#: comments of ontology/exograph.ttl say why (GO files vesicles and complexes under cellular component, a pathway is a
#: process, UBERON files body fluids under anatomical entity, a long non-coding or a translated RNA can be circular, a
#: gene is DNA, a cited work can be a review)
OVERLAPS = {
    frozenset({"ExtracellularVesicle", "CellularComponent"}),
    frozenset({"MolecularEntity", "CellularComponent"}),
    frozenset({"SignallingPathway", "BiologicalProcess"}),
    frozenset({"Biofluid", "AnatomicalSite"}),
    frozenset({"LncRNA", "CircRNA"}),
    frozenset({"MessengerRNA", "CircRNA"}),
    frozenset({"GeneOrProtein", "DNA"}),
    frozenset({"Review", "Reference"}),
}

PREFIXES = f"""@prefix exo: <{EXO}> . @prefix ent: <{vocab.ENTITY}> . @prefix stmt: <{vocab.STATEMENT}> .
@prefix ev: <{vocab.EVIDENCE}> . @prefix ref: <{vocab.REFERENCE}> . @prefix review: <{vocab.REVIEW}> .
@prefix rdf: <{vocab.RDF}> . @prefix rdfs: <{vocab.RDFS}> . @prefix xsd: <{vocab.XSD}> .
"""

#: a small ABox that uses each kind of term the cases below misuse, correctly
VALID = """
ent:miR-21 a exo:MicroRNA . ent:HER2 a exo:GeneOrProtein . ent:trastuzumab a exo:Drug . ent:plasma a exo:Biofluid .
ent:breast-cancer a exo:CancerType . ent:exosome a exo:Exosome . ent:resistance a exo:DrugResistance .
ent:miR-21 exo:targets ent:HER2 . ent:exosome exo:carries ent:miR-21 , ent:trastuzumab . ent:resistance exo:resistanceTo ent:trastuzumab .
ent:miR-21 exo:biomarkerFor ent:breast-cancer .
stmt:s a exo:Statement ; rdf:subject ent:miR-21 ; rdf:predicate exo:biomarkerFor ; rdf:object ent:breast-cancer ;
    exo:cancerType ent:breast-cancer ; exo:biofluid ent:plasma ; exo:negated false ; exo:evidence ev:e .
ev:e a exo:Evidence ; exo:curatedFrom review:r ; exo:reference ref:r-49 ; exo:quote "exosomal miR-21 in plasma of patients" .
review:r a exo:Review . ref:r-49 a exo:Reference ; exo:referenceNumber 49 ; exo:citedIn review:r .
"""

#: what HermiT must refuse, each added to VALID: the regressions that prove the consistency tests can fail
FORBIDDEN = {
    "a microRNA that is a drug": "ent:miR-21 a exo:Drug .",
    # the issue's case: inhibits' own range names no drug, and the range of regulates, which it specialises, neither
    "HER2 inhibits trastuzumab": "ent:HER2 exo:inhibits ent:trastuzumab .",
    "a drug as the target of a microRNA": "ent:miR-21 exo:targets ent:trastuzumab .",
    "a cancer as the biofluid of a statement": "stmt:s exo:biofluid ent:breast-cancer .",
    "curated evidence that names a database": "ev:e exo:source ent:miRTarBase .",
    "a reference number that is no integer": 'ref:r-49 exo:referenceNumber "forty-nine" .',
}


@dataclass(frozen=True)
class Verdict:
    consistent: bool
    unsatisfiable: tuple[str, ...] = ()  #: the IRIs of the classes no individual can belong to (when consistent)


Reasoner = Callable[..., Verdict]


@pytest.fixture
def hermit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Reasoner:
    """HermiT on the union of the sources given (RDF files, rdflib graphs, or Turtle text after PREFIXES)."""
    owlready2 = pytest.importorskip("owlready2", reason="pip install owlready2 (a test extra) to check consistency with HermiT")
    if shutil.which("java") is None:
        pytest.skip("HermiT needs a Java runtime: apt-get install default-jre-headless (scripts/test.sh does)")
    # owlready2 writes HermiT's input with tempfile, and leaves it behind when HermiT finds an inconsistency
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def run(*sources: Path | Graph | str) -> Verdict:
        graph = Graph()
        for source in sources:
            if isinstance(source, Graph):
                graph += source
            elif isinstance(source, Path):
                graph.parse(source)
            else:
                graph.parse(data=PREFIXES + source, format="turtle")
        path = tmp_path / f"input-{len(list(tmp_path.glob('input-*.nt')))}.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            return Verdict(False)
        return Verdict(True, tuple(sorted(c.iri for c in world.inconsistent_classes() if c.iri != str(OWL.Nothing))))

    return run


@pytest.mark.reasoner
def test_the_ontology_is_consistent_and_every_class_can_have_members(hermit: Reasoner):
    assert hermit(resources.ontology_file()) == Verdict(True)


@pytest.mark.reasoner
def test_a_class_under_two_disjoint_classes_is_found_unsatisfiable(hermit: Reasoner):
    chimera = "<http://example.org/Chimera> a <http://www.w3.org/2002/07/owl#Class> ; rdfs:subClassOf exo:MicroRNA , exo:Drug ."
    assert hermit(resources.ontology_file(), chimera) == Verdict(True, ("http://example.org/Chimera",))


@pytest.mark.reasoner
def test_the_packaged_data_is_consistent_with_the_ontology(hermit: Reasoner):
    """The ABox: every entity's, statement's and evidence's asserted types against the domains and
    ranges of the properties it is used with (their owl:unionOf included) and the disjoint classes."""
    assert hermit(resources.ontology_file(), resources.packaged_triples()) == Verdict(True)


@pytest.mark.reasoner
def test_an_imported_database_graph_is_consistent_beside_the_curation(hermit: Reasoner, tmp_path: Path):
    """What exograph import writes (database evidence, the database, the cited papers, new entities
    linked to the curated ones) is consistent with the curated graph it sits beside."""
    from exograph.reference import ReferenceData
    from exograph.sources import import_file
    from exograph.sources.mirtarbase import DATABASE
    from exograph.store.oxigraph import OxigraphStore

    here = Path(__file__).parent / "fixtures" / "mirtarbase"
    out, triples = tmp_path / "import.nq", tmp_path / "import.nt"
    curated = OxigraphStore.memory([resources.packaged_triples()])
    report = import_file(DATABASE, here / "hsa_MTI.csv", output=out, reference=ReferenceData(here), link_to=curated)
    assert report.interactions > 0 and report.evidences > 0
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))  # in the database's named graph: its triples, beside the curation
    assert any(q.predicate.value == vocab.RDF + "type" and q.object.value == EXO + "DatabaseEvidence" for q in quads)
    ox.serialize([q.triple for q in quads], output=str(triples), format=ox.RdfFormat.N_TRIPLES)
    assert hermit(resources.ontology_file(), resources.packaged_triples(), triples) == Verdict(True)


@pytest.mark.reasoner
def test_the_reasoner_refuses_what_the_ontology_forbids(hermit: Reasoner):
    assert hermit(resources.ontology_file(), VALID) == Verdict(True)
    for case, triple in FORBIDDEN.items():
        assert hermit(resources.ontology_file(), VALID + triple) == Verdict(False), f"HermiT accepted {case}: {triple}"


def _siblings(ontology: Graph) -> list[frozenset[str]]:
    """Every pair of exograph classes with the same exograph parent (or none), as local names."""
    parents: dict[str, frozenset[str]] = {}
    for cls in ontology.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef) and str(cls).startswith(EXO):
            supers = {str(s)[len(EXO) :] for s in ontology.objects(cls, RDFS.subClassOf) if str(s).startswith(EXO)}
            parents[str(cls)[len(EXO) :]] = frozenset(supers)
    by_parent: dict[frozenset[str], list[str]] = {}
    for cls, supers in sorted(parents.items()):
        by_parent.setdefault(supers, []).append(cls)
    return [frozenset(pair) for group in by_parent.values() for pair in itertools.combinations(group, 2)]


@pytest.mark.reasoner
def test_every_pair_of_siblings_is_disjoint_but_the_overlaps_named(hermit: Reasoner):
    """HermiT, not a reading of the axioms, decides which sibling pairs are disjoint: one class per
    pair, the intersection of the two, is unsatisfiable exactly when they are. A new class must be
    declared disjoint with its siblings, or its overlap named here with the reason in the ontology."""
    ontology = Graph().parse(resources.ontology_file())
    pairs = _siblings(ontology)
    assert OVERLAPS <= set(pairs) and len(pairs) > 100
    probes = Graph()
    for pair in pairs:
        probe, both = URIRef("http://example.org/both#" + "--".join(sorted(pair))), BNode()
        probes.add((probe, RDF.type, OWL.Class))
        probes.add((probe, OWL.equivalentClass, both))
        members = BNode()
        Collection(probes, members, [URIRef(EXO + c) for c in sorted(pair)])
        probes.add((both, RDF.type, OWL.Class))
        probes.add((both, OWL.intersectionOf, members))
    verdict = hermit(ontology, probes)
    assert verdict.consistent
    disjoint = {frozenset(iri.rsplit("#", 1)[1].split("--")) for iri in verdict.unsatisfiable}
    assert disjoint == set(pairs) - OVERLAPS, {"not disjoint": set(pairs) - OVERLAPS - disjoint, "disjoint but named as overlapping": disjoint & OVERLAPS}
