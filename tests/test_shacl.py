"""The native SHACL checker: SPARQL compiled from the shapes, in agreement with pyshacl."""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import pytest

import exograph
from exograph import resources, shacl, vocab
from exograph.errors import UnsupportedShapeError
from exograph.store.oxigraph import OxigraphStore
from exograph.validate import validate

from .conftest import FIXTURES

BROKEN = FIXTURES / "shacl-broken.ttl"
EXTRA = FIXTURES / "shapes-extra.ttl"


def both(paths: list[Path] | None, **options) -> tuple[Counter, Counter]:
    """The problems the native checker and pyshacl find."""
    native = validate(paths, **options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdflib warns about the ill-typed literals the fixtures hold on purpose
        reference = validate(paths, engine="pyshacl", **options)
    return Counter(native.problems), Counter(reference.problems)


@pytest.mark.parametrize("name", [None, "shacl-broken.ttl", "ontology-broken.ttl", "invalid.ttl", "tiny.ttl"])
def test_native_checks_agree_with_pyshacl(name: str | None):
    native, reference = both([FIXTURES / name] if name else None)
    assert native == reference
    assert bool(native) == (name is not None)  # the packaged graph is clean; every fixture breaks something


def test_every_constraint_of_the_shapes_is_broken_and_caught():
    counts = validate([BROKEN]).counts()
    assert counts == {
        "ERROR missing-plain-triple": 1,  # stmt:d, whose subject is a literal
        "ERROR shacl": 2,  # sh:or / sh:not: evidence from the review without a reference (one a blank node)
        "ERROR shacl-biofluid": 1,  # sh:class: the untyped urine; serum and plasma are Biofluids by the data's own subclass
        "ERROR shacl-cancerType": 2,  # sh:maxCount, sh:class
        "ERROR shacl-clinicalValue": 1,  # sh:in
        "ERROR shacl-curatedFrom": 2,  # sh:maxCount, sh:class (a Review passes as a Publication)
        "ERROR shacl-donorCell": 1,
        "ERROR shacl-evidence": 1,  # sh:class
        "ERROR shacl-firstAuthor": 1,
        "ERROR shacl-hasDbXref": 3,  # sh:pattern: one per value, a blank node included
        "ERROR shacl-label": 3,  # sh:minCount (two: one is labelled through the data's subclass), sh:maxCount
        "ERROR shacl-negated": 3,  # sh:datatype: a string, an ill-typed boolean; sh:maxCount
        "ERROR shacl-object": 1,
        "ERROR shacl-objectState": 1,  # sh:in: a language-tagged state is not the plain one
        "ERROR shacl-predicate": 1,  # sh:nodeKind
        "ERROR shacl-quote": 3,  # sh:minLength, sh:maxCount, sh:datatype (a tagged quote is no xsd:string)
        "ERROR shacl-recipientCell": 1,
        "ERROR shacl-reference": 1,
        "ERROR shacl-referenceNumber": 3,  # sh:datatype, sh:maxCount, sh:minCount
        "ERROR shacl-refsAsPrinted": 2,  # sh:pattern, sh:maxCount
        "ERROR shacl-resistanceTo": 2,
        "ERROR shacl-section": 3,  # sh:minCount (one on a blank node), sh:maxCount, sh:datatype
        "ERROR shacl-subject": 2,  # sh:minCount on a statement typed by the data's subclass; sh:nodeKind
        "ERROR shacl-subjectState": 2,  # sh:in, sh:maxCount
    }


def test_a_blank_focus_node_is_named_by_the_triple_that_leads_to_it():
    problems = [p for p in validate([BROKEN]).problems if p.subject.endswith("[]")]
    assert {(p.code, p.subject) for p in problems} == {("shacl", "stmt:c exo:evidence []"), ("shacl-section", "stmt:c exo:evidence []")}


def test_shapes_beyond_the_packaged_ones_agree_with_pyshacl():
    """Every node kind, severities, flags, maxLength, counts above one, sh:or / sh:not at both levels."""
    for paths in ([BROKEN], None):
        native, reference = both(paths, shapes=EXTRA)
        assert native == reference
    levels = Counter(p.level for p in validate([BROKEN], shapes=EXTRA).problems)
    assert levels["WARNING"] and levels["INFO"] and levels["ERROR"]


def test_the_ontology_beside_the_data_changes_nothing():
    """kg.load() puts the ontology in the store: its own triples are no problems, its subclasses count."""
    for paths in (None, [BROKEN]):
        store = exograph.load(paths).store
        alone = Counter(validate(paths).problems)
        assert Counter(validate(store=store).problems) == alone
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert Counter(validate(store=store, engine="pyshacl").problems) == alone


def test_without_messages_results_count_the_same_and_say_what_failed(tmp_path: Path):
    from rdflib import Graph, Namespace

    g = Graph().parse(EXTRA)
    g.remove((None, Namespace(shacl.SH).message, None))
    bare = tmp_path / "bare.ttl"
    g.serialize(bare, format="turtle")
    native, reference = both([BROKEN], shapes=bare)
    assert Counter((p.level, p.code, p.subject) for p in native.elements()) == Counter((p.level, p.code, p.subject) for p in reference.elements())
    messages = {p.message for p in native}
    assert "more than 2 value(s) of exo:biofluid" in messages and "a value of rdf:predicate is not of node kind sh:Literal" in messages


def test_one_query_checks_every_shape():
    shapes = shacl.read_shapes(resources.shapes_file())
    query, components = shacl.compile_query(shapes, [])
    # one branch per constraint parameter: 26 on statements, 17 on evidence, 18 on database evidence, 10 on databases,
    # 3 on references, 3 on labels, 2 on drug resistance
    assert query.startswith("SELECT DISTINCT ?k ?focus ?value") and query.count(" UNION ") == 87 and len(components) == 88
    assert sum(len(s.properties) for s in shapes) + 1 == len({c.holder for c in components})  # every property shape, and the sh:or


SHAPES_HEAD = """@prefix exo: <https://w3id.org/exograph/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""

UNSUPPORTED = {
    "sh:hasValue": "[] a sh:NodeShape ; sh:targetClass exo:Statement ; sh:property [ sh:path exo:negated ; sh:hasValue false ; sh:message 'not negated' ] .",
    "a sequence path": "[] a sh:NodeShape ; sh:targetClass exo:Statement ; sh:property [ sh:path ( rdf:subject rdf:type ) ; sh:minCount 1 ] .",
    "sh:inversePath": "[] a sh:NodeShape ; sh:targetClass exo:Statement ; sh:property [ sh:path [ sh:inversePath exo:evidence ] ; sh:maxCount 0 ] .",
    "sh:targetNode": "[] a sh:NodeShape ; sh:targetNode exo:x ; sh:property [ sh:path exo:negated ; sh:minCount 1 ] .",
    "an implicit class target": "exo:Statement a sh:NodeShape , owl:Class ; sh:property [ sh:path exo:negated ; sh:minCount 1 ] .",
    "sh:datatype xsd:dateTime": "[] a sh:NodeShape ; sh:targetClass exo:Statement ; sh:property [ sh:path exo:negated ; sh:datatype xsd:dateTime ] .",
}


@pytest.mark.parametrize("feature", sorted(UNSUPPORTED))
def test_an_unsupported_feature_is_refused_by_name(tmp_path: Path, feature: str):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES_HEAD + UNSUPPORTED[feature], encoding="utf-8")
    with pytest.raises(UnsupportedShapeError, match="not supported by exograph's native SHACL checker") as info:
        shacl.read_shapes(shapes)
    assert feature.split(" (")[0] in str(info.value) and isinstance(info.value, ValueError)


@pytest.mark.parametrize("feature", ["sh:hasValue", "a sequence path"])
def test_validate_falls_back_to_pyshacl_for_a_shapes_file_it_cannot_compile(tmp_path: Path, feature: str):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES_HEAD + UNSUPPORTED[feature], encoding="utf-8")
    report = validate([FIXTURES / "invalid.ttl"], shapes=shapes)
    shacl_problems = [(p.level, p.code, p.subject) for p in report.problems if p.code.startswith("shacl")]
    if feature == "sh:hasValue":  # stmt:x states no exo:negated; stmt:y states false
        assert shacl_problems == [("ERROR", "shacl-negated", "stmt:x"), ("INFO", "shacl-pyshacl", str(shapes))]
    else:  # the subjects of both statements are typed
        assert shacl_problems == [("INFO", "shacl-pyshacl", str(shapes))]
    (note,) = [p for p in report.problems if p.code == "shacl-pyshacl"]
    assert note.message.startswith(feature) and "pyshacl checked these shapes" in note.message
    assert [p.code for p in report.problems if not p.code.startswith("shacl")] == ["bad-range", "missing-plain-triple", "undeclared-term"]


def test_the_checker_runs_on_any_store():
    """The same answers from rdflib's SPARQL engine as from Oxigraph's."""
    from exograph.store.rdflib import RdflibStore

    for name in ("ontology-broken.ttl", "invalid.ttl"):
        path = FIXTURES / name
        assert Counter(validate(store=RdflibStore.parse([path])).problems) == Counter(validate([path]).problems)


def test_results_are_focus_nodes_with_their_shapes_path_severity_and_message():
    results = shacl.check(OxigraphStore.memory([FIXTURES / "invalid.ttl"]), shacl.read_shapes(resources.shapes_file()))
    assert sorted((r.focus, r.path, r.severity, r.message) for r in results) == [
        (vocab.STATEMENT + "x", vocab.EXO + "evidence", shacl.SH + "Violation", "a statement needs at least one exo:Evidence"),
        (vocab.STATEMENT + "x", vocab.EXO + "negated", shacl.SH + "Violation", "a statement states exo:negated true or false exactly once"),
        (vocab.STATEMENT + "y", vocab.EXO + "evidence", shacl.SH + "Violation", "a statement needs at least one exo:Evidence"),
    ]
