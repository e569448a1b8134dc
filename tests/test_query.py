"""SPARQL: named competency queries, read-only safety, W3C result formats."""

import json

import pytest

from exograph.errors import QueryError
from exograph.query import format_result, named_queries, query_text, result_json


def rows(kg, name):
    return [{k: v["value"] for k, v in b.items()} for b in result_json(kg.sparql(query_text(name)))["results"]["bindings"]]


def test_named_queries_ship_with_titles():
    named = named_queries()
    assert len(named) >= 8
    assert all(q.title and q.title != q.name for q in named.values())


def test_resistance_via_gene(kg):
    found = {(r["cargo"], r["gene"], r["drug"], r["cancer"]) for r in rows(kg, "resistance-via-gene")}
    assert ("miRNA-21", "APAF1", "paclitaxel", "ovarian cancer") in found
    assert ("miRNA-122", "Septin-9", "paclitaxel", "hepatocellular carcinoma") in found
    assert ("exosome-transmitted lncRNA (ref. 79)", "AXL", "sunitinib", "renal cancer") in found


def test_mirna21_findings_name_au_yeung(kg):
    found = rows(kg, "mirna-21-findings")
    assert {"predicate": "targets", "object": "APAF1", "cancer": "ovarian cancer", "refs": "49", "author": "Au Yeung", "section": "4. Drug resistance"} in found
    assert {r["object"] for r in found if r["predicate"] == "biomarker for"} == {"breast cancer", "prostate cancer", "hepatocellular carcinoma"}


def test_biomarkers_by_cancer(kg):
    found = rows(kg, "biomarkers-by-cancer")
    hcc_serum = {r["cargo"] for r in found if r["cancer"] == "hepatocellular carcinoma" and r.get("biofluid") == "serum"}
    assert hcc_serum == {"miRNA-21", "miRNA-211", "miRNA-222", "miRNA-224", "miRNA-718"}
    nsclc = [r for r in found if r["cargo"] == "miRNA-302a"]
    assert {r["biofluid"] for r in nsclc} == {"plasma", "bronchoalveolar lavage fluid"}


def test_lowered_biomarkers(kg):
    assert {r["cargo"] for r in rows(kg, "lowered-biomarkers")} == {"miRNA-4772-3p", "miRNA-718"}


def test_caf_cargo_and_transfers(kg):
    caf = {(r["subject"], r["predicate"], r["object"]) for r in rows(kg, "caf-cargo-phenotypes")}
    assert ("miRNA-21", "confers resistance to", "paclitaxel resistance") in caf
    assert ("cancer-associated fibroblast", "promotes", "drug resistance") in caf
    transfers = {(r["donor"], r["subject"], r["recipient"]) for r in rows(kg, "transfers")}
    assert ("cancer-associated fibroblast", "miRNA-21", "ovarian cancer cell") in transfers


def test_findings_by_reference_and_discrepancies(kg):
    by_ref = rows(kg, "findings-by-reference")
    assert {r["subject"] for r in by_ref if r["ref"] == "83"} == {"exosome"}
    assert {r["subject"] for r in rows(kg, "citation-discrepancies")} == {"phosphatidylserine", "Glypican-1"}


@pytest.mark.parametrize(
    "query, message",
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE is not allowed"),
        ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM / FROM NAMED is not allowed"),
        ("SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }", "FROM / FROM NAMED is not allowed"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "updates are not allowed"),
        ("LOAD <http://example.org/data.ttl>", "updates are not allowed"),
        ("DROP ALL", "updates are not allowed"),
        ("SELECT ?s WHERE { ?s ?p }", "malformed SPARQL"),
    ],
)
def test_unsafe_or_malformed_queries_are_refused(kg, query, message):
    before = len(kg.store)
    with pytest.raises(QueryError, match=message):
        kg.sparql(query)
    assert len(kg.store) == before


def test_malformed_position_refers_to_the_users_text(kg):
    with pytest.raises(QueryError, match=r"line:1, col:19"):
        kg.sparql("SELECT ?x WHERE { ?x ?p }")


def test_formats(kg):
    select = kg.sparql("SELECT ?label WHERE { ent:APAF1 rdfs:label ?label }")
    data = json.loads(format_result(select, "json"))
    assert data == {"head": {"vars": ["label"]}, "results": {"bindings": [{"label": {"type": "literal", "value": "APAF1"}}]}}
    assert format_result(kg.sparql("SELECT ?label WHERE { ent:APAF1 rdfs:label ?label }"), "csv") == "label\nAPAF1"
    ask = kg.sparql("ASK { ent:miRNA-21 exo:targets ent:APAF1 }")
    assert json.loads(format_result(ask, "json")) == {"head": {}, "boolean": True}
    construct = kg.sparql("CONSTRUCT { ?s exo:targets ?o } WHERE { ?s exo:targets ?o }")
    assert "ent:miRNA-21\n    exo:targets ent:APAF1 ." in format_result(construct, "table")


def test_query_text_sources(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    assert query_text(str(path)) == "ASK { ?s ?p ?o }"
    assert "resistanceTo" in query_text("resistance-via-gene")
    with pytest.raises(QueryError, match="no such query file"):
        query_text(str(tmp_path / "missing.rq"))
    with pytest.raises(QueryError, match="neither a named query nor SPARQL"):
        query_text("resistance-via-gen")
