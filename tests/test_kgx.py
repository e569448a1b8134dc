"""KGX export and the ontology's Biolink mappings, checked against the pinned Biolink release's YAML.

The checks read ``biolink_model.yaml`` (the biolink-model package, offline) here, with their own
few lines, not through exograph.io.kgx: a category is a class that is neither a mixin nor
abstract nor deprecated; a predicate is a slot descended from ``related to``, neither mixin,
abstract nor deprecated; knowledge level and agent type are values of their enumerations.
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

import exograph
from exograph import resources, vocab
from exograph.errors import ExographError
from exograph.export import export_files
from exograph.io import kgx

SKOS = Namespace(vocab.SKOS)
BIOLINK = "https://w3id.org/biolink/vocab/"
REQUIRED_NODE_COLUMNS = {"id", "category", "name", "xref", "synonym"}
REQUIRED_EDGE_COLUMNS = {"id", "subject", "predicate", "object", "knowledge_level", "agent_type", "primary_knowledge_source", "publications"}


@lru_cache(maxsize=1)
def biolink() -> dict[str, Any]:
    import yaml

    text = (files("biolink_model") / "schema" / "biolink_model.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # type: ignore[no-any-return]


def biolink_class(curie: str) -> dict[str, Any] | None:
    """The YAML of the class a CURIE names (biolink:NoncodingRNAProduct -> 'noncoding RNA product')."""
    local = curie.removeprefix("biolink:")
    for name, spec in biolink()["classes"].items():
        if "".join(w[:1].upper() + w[1:] for w in name.split()) == local:
            return spec or {}
    return None


def biolink_slot(curie: str) -> tuple[str, dict[str, Any]] | None:
    name = curie.removeprefix("biolink:").replace("_", " ")
    spec = biolink()["slots"].get(name)
    return None if spec is None and name not in biolink()["slots"] else (name, spec or {})


def concrete(spec: dict[str, Any]) -> bool:
    return not any(spec.get(flag) for flag in ("mixin", "abstract", "deprecated"))


def is_category(curie: str) -> bool:
    spec = biolink_class(curie)
    return spec is not None and concrete(spec)


def is_predicate(curie: str) -> bool:
    found = biolink_slot(curie)
    if found is None or not concrete(found[1]):
        return False
    name, spec = found
    while name != "related to":
        parent = spec.get("is_a")
        if not parent:
            return False
        name, spec = parent, biolink()["slots"].get(parent) or {}
    return True


def read_tsv(data: bytes) -> list[dict[str, str]]:
    """Rows as KGX reads them: tab-separated, unquoted."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE))


def test_the_pinned_release_is_the_one_installed():
    assert biolink()["version"] == kgx.BIOLINK_RELEASE == "4.4.6"
    pinned = Path(__file__).parent.parent / "pyproject.toml"
    assert f'"biolink-model=={kgx.BIOLINK_RELEASE}"' in pinned.read_text(encoding="utf-8")


def test_kgx_nodes_and_edges_are_valid_biolink_with_every_relation(kg):
    """One node per entity, one edge per relation (a multigraph: edge ids are the statements),
    each category a concrete Biolink class and each predicate a Biolink predicate."""
    stats = kg.stats()
    out = export_files(kg, "kgx")
    assert list(out) == ["nodes.tsv", "edges.tsv"]
    nodes, edges = read_tsv(out["nodes.tsv"]), read_tsv(out["edges.tsv"])
    assert REQUIRED_NODE_COLUMNS <= set(nodes[0]) and REQUIRED_EDGE_COLUMNS <= set(edges[0])
    assert len(nodes) == stats["entities"] and len({n["id"] for n in nodes}) == len(nodes)
    assert len(edges) == stats["relations"] and len({e["id"] for e in edges}) == len(edges)
    assert len({(e["subject"], e["predicate"], e["object"]) for e in edges}) < len(edges)  # relations sharing ends and predicate stay apart
    ids = {n["id"] for n in nodes}
    assert all(e["subject"] in ids and e["object"] in ids for e in edges)
    enums = biolink()["enums"]
    for n in nodes:
        assert is_category(n["category"]), n
        assert n["id"] and n["name"] and n["provided_by"] == "infores:exograph"
    for e in edges:
        assert is_predicate(e["predicate"]), e
        assert e["knowledge_level"] in enums["KnowledgeLevelEnum"]["permissible_values"]
        assert e["agent_type"] in enums["AgentTypeEnum"]["permissible_values"]
        assert e["primary_knowledge_source"] == "infores:exograph"
        assert all(re.fullmatch(r"PMID:\d+|doi:\S+", p) for p in e["publications"].split("|") if p)
        for spec in vocab.CONTEXT_ROLES:
            assert all(v in ids for v in e[spec.name].split("|") if v), (spec.name, e)
    assert {n["category"] for n in nodes} >= {"biolink:Gene", "biolink:MicroRNA", "biolink:CellularComponent", "biolink:NoncodingRNAProduct"}
    assert "biolink:GeneOrGeneProduct" not in {n["category"] for n in nodes}  # a mixin in Biolink 4.x
    # every curated relation was read by a curator in the review: its evidence quotes the text
    assert {(e["knowledge_level"], e["agent_type"]) for e in edges} == {("knowledge_assertion", "manual_agent")}
    assert all(e["supporting_text"] and e["refs"] for e in edges)


def test_kgx_identifies_nodes_by_their_cross_references_and_keeps_the_context(kg):
    out = export_files(kg, "kgx")
    nodes = {n["iri"]: n for n in read_tsv(out["nodes.tsv"])}
    apaf1, exosome, mir21 = (nodes[vocab.entity_iri(x)] for x in ("APAF1", "exosome", "miRNA-21"))
    assert (apaf1["id"], apaf1["category"], apaf1["type"], apaf1["xref"]) == ("HGNC:576", "biolink:Gene", "exo:GeneOrProtein", "HGNC:576")
    assert (exosome["id"], exosome["category"]) == ("GO:0070062", "biolink:CellularComponent")
    assert mir21["id"].startswith("mirbase:MI") and mir21["category"] == "biolink:MicroRNA"
    assert nodes[vocab.entity_iri("circRNA")]["id"] == "ent:circRNA"  # no cross-reference: the exograph CURIE
    edge = next(
        e for e in read_tsv(out["edges.tsv"]) if e["subject"] == mir21["id"] and e["object"] == "HGNC:576" and "through targeting APAF1" in e["supporting_text"]
    )
    assert (edge["predicate"], edge["original_predicate"], edge["refs"]) == ("biolink:regulates", "exo:targets", "49")
    assert edge["cancer"] == nodes[vocab.entity_iri("ovarian-cancer")]["id"] == "DOID:2394"
    assert edge["id"].startswith("stmt:miRNA-21--targets--APAF1--")


def test_kgx_takes_categories_from_the_ontology_in_the_store(tmp_path: Path):
    """The mappings are the store's: change one in the ontology and the export follows; a mapping
    to a mixin alone, or a store without the ontology, is a one-line error naming the fix."""
    text = resources.ontology_file().read_text(encoding="utf-8")
    assert text.count("biolink:SmallMolecule") == 1
    changed = tmp_path / "ontology.ttl"
    changed.write_text(text.replace("biolink:SmallMolecule", "biolink:ChemicalEntity"), encoding="utf-8")
    nodes = read_tsv(export_files(exograph.load([resources.packaged_triples(), changed], ontology=False), "kgx")["nodes.tsv"])
    assert {n["category"] for n in nodes if n["type"] == "exo:Lipid"} == {"biolink:ChemicalEntity"}
    mixin = tmp_path / "mixin.ttl"
    mixin.write_text(text.replace("biolink:GeneOrGeneProduct , biolink:Gene", "biolink:GeneOrGeneProduct"), encoding="utf-8")
    with pytest.raises(ExographError, match=r"^exo:GeneOrProtein maps to biolink:GeneOrGeneProduct, which is a mixin in Biolink 4\.4\.6 and so no category"):
        export_files(exograph.load([resources.packaged_triples(), mixin], ontology=False), "kgx")
    with pytest.raises(ExographError, match="no mappings to Biolink .* load ontology/exograph.ttl beside the data"):
        export_files(exograph.load([resources.packaged_triples()], ontology=False), "kgx")


def ontology() -> Graph:
    return Graph().parse(resources.ontology_file())


def biolink_mappings(g: Graph) -> dict[str, dict[str, str]]:
    """exo term (CURIE) -> {biolink CURIE: 'exact' or 'close'}."""
    out: dict[str, dict[str, str]] = {}
    for strength, prop in (("exact", SKOS.exactMatch), ("close", SKOS.closeMatch)):
        for term, target in g.subject_objects(prop):
            if str(term).startswith(vocab.EXO) and str(target).startswith(BIOLINK):
                out.setdefault(vocab.shorten(str(term)), {})["biolink:" + str(target)[len(BIOLINK) :]] = strength
    return out


def entity_properties(g: Graph) -> set[str]:
    """The object properties between entities: the relation predicates and exo:resistanceTo (not
    the context, evidence and provenance properties, whose domain is a record)."""
    records = {URIRef(vocab.EXO + c) for c in ("Statement", "EvidenceItem", "Evidence", "DatabaseEvidence", "Reference", "Database")}
    return {vocab.shorten(str(p)) for p in g.subjects(RDF.type, OWL.ObjectProperty) if str(p).startswith(vocab.EXO) and g.value(p, RDFS.domain) not in records}


def test_every_class_and_predicate_maps_to_a_term_of_the_pinned_biolink_release():
    g = ontology()
    mappings = biolink_mappings(g)
    classes = {vocab.shorten(str(c)) for c in g.subjects(RDF.type, OWL.Class) if str(c).startswith(vocab.EXO)}
    predicates = entity_properties(g)
    assert predicates == {f"exo:{p}" for p in vocab.PREDICATES} | {"exo:resistanceTo"}
    assert classes - set(mappings) == set(), "map these classes to Biolink (skos:exactMatch or skos:closeMatch)"
    assert predicates - set(mappings) == set(), "map these predicates to Biolink (skos:exactMatch or skos:closeMatch)"
    for term, targets in mappings.items():
        for target in targets:
            kind = biolink_class(target) if term[len("exo:") :][:1].isupper() else biolink_slot(target)
            assert kind is not None, f"{term} maps to {target}, which Biolink {kgx.BIOLINK_RELEASE} does not define"
    # an entity class has exactly one Biolink category among its mappings, a predicate one predicate
    for cls in vocab.CLASSES.values():
        assert len([t for t in mappings[f"exo:{cls}"] if is_category(t)]) == 1, cls
    for prop in predicates:
        assert len([t for t in mappings[prop] if is_predicate(t)]) == 1, prop


def test_the_readme_table_is_the_ontology_s_biolink_mappings():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(exo:\w+)` \| (.+?) \| (exact|close) \|", readme, flags=re.M)
    table: dict[str, dict[str, str]] = {}
    for term, targets, strength in rows:
        for target in re.findall(r"`(biolink:\w+)`", targets):
            table.setdefault(term, {})[target] = strength
    assert table == biolink_mappings(ontology()), "the README's mapping table and ontology/exograph.ttl differ: update the table"


def test_kgx_and_neo4j_over_an_endpoint_equal_the_local_export(kg, tmp_path: Path):
    """Exports go through the KnowledgeGraph, so a remote SPARQL endpoint (a real Oxigraph server
    holding the packaged graph and the ontology) gives the same files, byte for byte."""
    from exograph.kg import KnowledgeGraph
    from exograph.store.endpoint import EndpointStore

    from .endpoints import oxigraph_server

    with oxigraph_server([resources.packaged_triples(), resources.ontology_file()], tmp_path / "oxigraph") as url:
        remote = KnowledgeGraph(EndpointStore(url))
        for fmt in ("kgx", "neo4j"):
            assert export_files(remote, fmt) == export_files(kg, fmt), fmt


def test_kgx_carries_the_curated_relations_not_those_imported_into_a_named_graph(both):
    """As the other graph exports: the relations of the default graph (those stats counts); an
    import's named graph is carried by the nq export."""
    edges = read_tsv(export_files(both, "kgx")["edges.tsv"])
    assert len(edges) == both.stats()["relations"] and not any("mirtarbase" in e["id"] for e in edges)
