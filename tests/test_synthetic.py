"""The synthetic benchmark graphs (benchmarks/synthetic.py) are valid exograph graphs, deterministic and heavy-tailed."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection

from .conftest import synthetic as load_synthetic

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "synthetic.py"
TARGET = 20_000
EXO = "https://w3id.org/exograph/ontology#"
ENT = "https://w3id.org/exograph/entity/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PREFIXES = f"PREFIX exo: <{EXO}> PREFIX rdf: <{RDF_NS}> PREFIX rdfs: <{RDFS}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "


synthetic = load_synthetic()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    path = tmp_path_factory.mktemp("synthetic") / "graph.nt"
    return path, synthetic.generate(path, TARGET, seed=7)


@pytest.fixture(scope="module")
def store(generated: tuple[Path, dict]) -> ox.Store:
    st = ox.Store()
    st.bulk_load(path=str(generated[0]), format=ox.RdfFormat.N_TRIPLES)
    return st


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ROOT / "ontology" / "exograph.ttl")


def ask(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(term.value if term is not None else "" for term in row) for row in store.query(PREFIXES + query)]


def count(store: ox.Store, where: str) -> int:
    return int(ask(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0][0])


def degrees(store: ox.Store) -> Counter[str]:
    ends: Counter[str] = Counter()
    for (entity,) in ask(store, "SELECT ?e WHERE { ?st a exo:Statement . { ?st rdf:subject ?e } UNION { ?st rdf:object ?e } }"):
        ends[entity[len(ENT) :]] += 1
    return ends


def test_loads_and_hits_the_target(generated: tuple[Path, dict], store: ox.Store) -> None:
    path, info = generated
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(store) == info["triples"] == len(lines)  # no triple written twice
    assert abs(info["triples"] - TARGET) <= TARGET / 100
    assert info["relations"] == count(store, "?s a exo:Statement")
    assert info["evidences"] == count(store, "?s a exo:Evidence")
    assert info["entities"] == len(ask(store, f'SELECT DISTINCT ?e WHERE {{ ?e rdfs:label ?l FILTER(STRSTARTS(STR(?e), "{ENT}")) }}'))
    assert info["hubs"] == ["miRNA-21", "metastasis", "angiogenesis"] and info["mid_pair"] == ["miRNA-100", "GENE100"]


def test_same_arguments_same_bytes(generated: tuple[Path, dict], tmp_path: Path) -> None:
    again, other = tmp_path / "again.nt", tmp_path / "other.nt"
    synthetic.generate(again, TARGET, seed=7)
    synthetic.generate(other, TARGET, seed=8)
    assert again.read_bytes() == generated[0].read_bytes()
    assert other.read_bytes() != again.read_bytes()


def test_statements_are_reified_plain_triples(store: ox.Store) -> None:
    for prop in ("rdf:subject", "rdf:predicate", "rdf:object", "exo:negated"):
        assert count(store, f"?st a exo:Statement . FILTER NOT EXISTS {{ ?st {prop} ?x }}") == 0, prop
        assert count(store, f"?st a exo:Statement ; {prop} ?x, ?y . FILTER(?x != ?y)") == 0, prop
    assert count(store, "?st a exo:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . FILTER NOT EXISTS { ?s ?p ?o }") == 0
    assert count(store, "?st a exo:Statement . FILTER NOT EXISTS { ?st exo:evidence ?ev }") == 0
    assert count(store, "?st a exo:Statement ; exo:evidence ?ev . FILTER NOT EXISTS { ?ev a exo:Evidence }") == 0
    # every exo: relation between entities (but exo:resistanceTo, an entity's own property) is one statement
    plain = f'?s ?p ?o . FILTER(STRSTARTS(STR(?s), "{ENT}") && STRSTARTS(STR(?p), STR(exo:)) && ?p != exo:resistanceTo)'
    assert count(store, plain) == count(store, "?st a exo:Statement")
    per_statement = count(store, "?st exo:evidence ?ev") / count(store, "?st a exo:Statement")
    assert 1.2 < per_statement < 2.0  # 1-3 evidences a statement
    assert count(store, "?st a exo:Statement ; exo:negated true") > 0


def test_iris_follow_the_compilers_scheme(store: ox.Store) -> None:
    rows = ask(store, "SELECT ?st ?s ?p ?o WHERE { ?st a exo:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }")
    for st, s, p, o in rows:
        expected = f"https://w3id.org/exograph/statement/{s[len(ENT) :]}--{p[len(EXO) :]}--{o[len(ENT) :]}--"
        assert st.startswith(expected) and re.fullmatch(r"[0-9a-f]{10}", st[len(expected) :]), st
    for st, ev in ask(store, "SELECT ?st ?ev WHERE { ?st exo:evidence ?ev }"):
        local = st.rsplit("/", 1)[1]
        assert re.fullmatch(re.escape(f"https://w3id.org/exograph/evidence/{local}--") + "[0-9a-f]{10}", ev), ev


def test_evidence_is_complete(store: ox.Store) -> None:
    sections = set(synthetic.vocab.SECTIONS)
    rows = ask(store, "SELECT ?ev ?section ?quote ?printed WHERE { ?ev a exo:Evidence ; exo:section ?section ; exo:quote ?quote ; exo:refsAsPrinted ?printed }")
    assert len(rows) == count(store, "?ev a exo:Evidence")
    for _, section, quote, printed in rows:
        assert section in sections and len(quote) >= 10
        assert re.fullmatch(r"[0-9]+(-[0-9]+)?(, ?[0-9]+(-[0-9]+)?)*", printed)
    for prop in ("exo:section", "exo:quote", "exo:curatedFrom"):
        assert count(store, f"?ev a exo:Evidence ; {prop} ?x, ?y . FILTER(?x != ?y)") == 0, prop
    # the reference is a numbered reference of the review the evidence was curated from
    assert count(store, "?ev a exo:Evidence . FILTER NOT EXISTS { ?ev exo:curatedFrom ?r . ?r a exo:Review }") == 0
    assert count(store, "?ev a exo:Evidence . FILTER NOT EXISTS { ?ev exo:reference ?ref }") == 0
    numbered = "?ref a exo:Reference ; exo:citedIn ?r ; exo:referenceNumber ?n"
    assert count(store, f"?ev exo:curatedFrom ?r ; exo:reference ?ref . FILTER NOT EXISTS {{ {numbered} }}") == 0
    assert count(store, "?ev exo:firstAuthor ?a") > 0


def test_context_values_are_the_vocabularys(store: ox.Store) -> None:
    states = set(synthetic.vocab.STATES)
    for prop in ("exo:subjectState", "exo:objectState"):
        values = {v for (v,) in ask(store, f"SELECT DISTINCT ?v WHERE {{ ?st {prop} ?v }}")}
        assert values and values <= states, prop
    assert {v for (v,) in ask(store, "SELECT DISTINCT ?v WHERE { ?st exo:clinicalValue ?v }")} <= set(synthetic.vocab.CLINICAL_VALUES)
    for prop, cls in (("cancerType", "CancerType"), ("donorCell", "CellType"), ("recipientCell", "CellType"), ("biofluid", "Biofluid")):
        assert count(store, f"?st exo:{prop} ?x") > 0, prop
        assert count(store, f"?st exo:{prop} ?x . FILTER NOT EXISTS {{ ?x a exo:{cls} }}") == 0, prop
    assert count(store, "?st exo:note ?n") > 0


def test_entities_are_labelled_with_synonyms_and_xrefs(store: ox.Store) -> None:
    assert count(store, f'?e ?p ?o . FILTER(STRSTARTS(STR(?e), "{ENT}")) FILTER NOT EXISTS {{ ?e rdfs:label ?l }}') == 0
    assert count(store, "?e rdfs:label ?a, ?b . FILTER(?a != ?b)") == 0
    per_entity = Counter(e for (e,) in ask(store, "SELECT ?e WHERE { ?e skos:altLabel ?a }"))
    assert max(per_entity.values()) == 3 and count(store, "?e a exo:MicroRNA . FILTER NOT EXISTS { ?e skos:altLabel ?a }") > 0
    xref = re.compile(  # as ontology/shapes.ttl
        r"(mirbase:MI[0-9]{7}|mirbase\.mature:MIMAT[0-9]{7}|HGNC:[0-9]{1,6}|CHEBI:[0-9]{1,7}|MONDO:[0-9]{7}"
        r"|DOID:[0-9]{1,7}|UBERON:[0-9]{7}|CL:[0-9]{7}|GO:[0-9]{7})"
    )
    xrefs = ask(store, "SELECT ?e ?x WHERE { ?e <http://www.geneontology.org/formats/oboInOwl#hasDbXref> ?x }")
    assert xrefs and all(xref.fullmatch(x) for _, x in xrefs)
    assert max(Counter(e for e, _ in xrefs).values()) == 2
    assert count(store, "?r a exo:DrugResistance . FILTER NOT EXISTS { ?r exo:resistanceTo ?d . ?d a exo:Drug }") == 0
    labels = {v for (v,) in ask(store, "SELECT ?l WHERE { ?e a exo:MicroRNA ; rdfs:label ?l }")}
    assert all(re.fullmatch(r"miRNA-[0-9]+", label) for label in labels)
    assert all(re.fullmatch(r"GENE[0-9]+", g) for (g,) in ask(store, "SELECT ?l WHERE { ?e a exo:GeneOrProtein ; rdfs:label ?l }"))


def test_every_exo_term_is_declared(store: ox.Store, ontology: Graph) -> None:
    declared = {str(s) for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty) for s in ontology.subjects(RDF.type, kind)}
    used = {p for (p,) in ask(store, "SELECT DISTINCT ?p WHERE { ?s ?p ?o }") if p.startswith(EXO)}
    used |= {c for (c,) in ask(store, "SELECT DISTINCT ?c WHERE { ?s a ?c }")}
    used |= {p for (p,) in ask(store, "SELECT DISTINCT ?p WHERE { ?s rdf:predicate ?p }")}
    assert all(term.startswith(EXO) for term in used)
    assert used <= declared, used - declared
    unused = {"ExtracellularVesicle", "CircRNA", "MessengerRNA", "DNA", "Lipid"}  # the generator makes none of these
    unused |= {"AnatomicalSite", "CellularComponent", "MolecularFunction", "SiRNA", "MicroRNACluster"}
    classes = {local for local in synthetic.vocab.CLASSES if local not in unused}
    assert {EXO + c for c in classes} <= used


def _members(ontology: Graph, node: URIRef | BNode) -> set[str]:
    union = ontology.value(node, OWL.unionOf)
    return {str(c) for c in Collection(ontology, union)} if union is not None else {str(node)}


def test_relations_keep_to_domains_and_ranges(store: ox.Store, ontology: Graph) -> None:
    def supers(cls: str) -> set[str]:
        return {str(c) for c in ontology.transitive_objects(URIRef(cls), RDFS.subClassOf)}

    combos = ask(store, "SELECT DISTINCT ?p ?sc ?oc WHERE { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o . ?s a ?sc . ?o a ?oc }")
    assert len({p for p, _, _ in combos}) >= 18  # nearly every relation predicate is exercised
    for p, sc, oc in combos:
        domain, rng = ontology.value(URIRef(p), RDFS.domain), ontology.value(URIRef(p), RDFS.range)
        assert supers(sc) & _members(ontology, domain), (p, sc)
        assert supers(oc) & _members(ontology, rng), (p, oc)


def test_hubs_have_the_highest_degrees(store: ox.Store) -> None:
    named = (
        ("miRNA-21", "MicroRNA"),
        ("metastasis", "CancerPhenotype"),
        ("angiogenesis", "CancerPhenotype"),
        ("miRNA-100", "MicroRNA"),
        ("GENE100", "GeneOrProtein"),
    )
    for label, cls in named:  # the entity's id is its label
        assert count(store, f'<{ENT}{label}> a exo:{cls} ; rdfs:label "{label}"') == 1, label
    assert count(store, f'<{ENT}miRNA-21> skos:altLabel "miR-21"') == 1
    ends = degrees(store)
    top = [entity for entity, _ in ends.most_common(3)]
    assert top == ["miRNA-21", "metastasis", "angiogenesis"]
    assert ends["miRNA-100"] >= 1 and ends["GENE100"] >= 1


def test_degrees_are_heavy_tailed(store: ox.Store, generated: tuple[Path, dict]) -> None:
    ends = degrees(store)
    entities = generated[1]["entities"]
    top = sum(n for _, n in ends.most_common(entities // 100))
    assert top > 0.2 * sum(ends.values())
    values = sorted(ends.values())
    assert values[len(values) // 2] <= 3  # a long tail of entities with few relations
    assert len(ends) > 0.85 * entities  # but few with none


def test_turtle_has_the_same_triples(generated: tuple[Path, dict], tmp_path: Path) -> None:
    ttl = tmp_path / "graph.ttl"
    info = synthetic.generate(ttl, TARGET, seed=7, fmt="ttl")
    assert info["triples"] == generated[1]["triples"]
    from_ttl = Graph().parse(ttl, format="turtle")
    from_nt = Graph().parse(generated[0], format="nt")
    assert len(from_ttl) == info["triples"]
    assert set(from_ttl) == set(from_nt)


def test_literals_are_escaped() -> None:
    text = 'a "quoted" back\\slash\nnew line\r and NF-κB'
    line = f"<{ENT}x> <{RDFS}label> {synthetic.literal(text)} .\n"
    st = ox.Store()
    st.load(line, format=ox.RdfFormat.N_TRIPLES)
    assert [q.object.value for q in st] == [text]


def test_cli_prints_one_summary_line(tmp_path: Path) -> None:
    out = tmp_path / "cli.nt"
    run = subprocess.run([sys.executable, str(SCRIPT), "--triples", "5000", "--seed", "3", "-o", str(out)], capture_output=True, text=True, check=True)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and run.stdout == ""
    assert re.match(r"\d+ triples, \d+ entities, \d+ relations, \d+ evidences; hubs miRNA-21, metastasis, angiogenesis; mid pair miRNA-100, GENE100", lines[0])
    assert int(lines[0].split()[0]) == len(out.read_text(encoding="utf-8").splitlines())
    bad = subprocess.run([sys.executable, str(SCRIPT), "--triples", "10", "-o", str(out)], capture_output=True, text=True)
    assert bad.returncode == 2 and "at least" in bad.stderr
