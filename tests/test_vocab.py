"""The closed vocabulary mirrors the ontology, and the ontology is complete."""

from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

from exograph import resources, vocab

SKOS = Namespace(vocab.SKOS)


def ontology() -> Graph:
    return Graph().parse(resources.ontology_file())


def test_every_vocab_term_is_declared_in_the_ontology_and_back():
    g = ontology()
    declared = {str(s)[len(vocab.EXO) :] for s in g.subjects() if isinstance(s, URIRef) and str(s).startswith(vocab.EXO)}
    in_code = set(vocab.CLASSES.values()) | set(vocab.PREDICATES) | set(vocab.OTHER_TERMS)
    assert declared == in_code


def test_relation_predicates_have_domain_range_label_and_definition():
    g = ontology()
    for local in vocab.PREDICATES:
        prop = URIRef(vocab.EXO + local)
        assert (prop, RDF.type, OWL.ObjectProperty) in g, local
        for needed in (RDFS.domain, RDFS.range, RDFS.label, SKOS.definition):
            assert g.value(prop, needed) is not None, f"{local} lacks {needed}"


def test_every_class_has_label_and_definition():
    g = ontology()
    for cls in g.subjects(RDF.type, OWL.Class):
        if isinstance(cls, URIRef):
            assert g.value(cls, RDFS.label) is not None, cls
            assert g.value(cls, SKOS.definition) is not None, cls


def test_exo_refuses_a_misspelt_term():
    assert vocab.exo("targets") == vocab.EXO + "targets"
    try:
        vocab.exo("tragets")
    except KeyError as exc:
        assert "tragets" in str(exc)
    else:
        raise AssertionError("a misspelt term was accepted")


def test_shorten_uses_prefixes():
    assert vocab.shorten(vocab.ENTITY + "miRNA-21") == "ent:miRNA-21"
    assert vocab.shorten("http://example.org/x") == "http://example.org/x"


def test_one_context_spec_drives_every_layer():
    """The Context record, the curation columns, the ontology and the JSON all follow vocab.CONTEXT."""
    from dataclasses import fields

    from exograph import ontology, vocab
    from exograph.io.curation import RELATION_COLUMNS
    from exograph.model import Context

    names = [spec.name for spec in vocab.CONTEXT]
    assert [f.name for f in fields(Context)] == names
    assert set(names) <= set(RELATION_COLUMNS)
    for spec in vocab.CONTEXT:
        assert vocab.exo(spec.rdf_property)  # declared in the closed vocabulary
        assert ontology.labels().get(vocab.EXO + spec.rdf_property), f"the ontology gives {spec.rdf_property} no label"
    full = Context.of(
        {
            "cancer": "c",
            "donor": "d",
            "recipient": "r",
            "biofluid": ["b2", "b1"],
            "subject_state": "lost",
            "object_state": "elevated",
            "negated": True,
            "clinical_value": ["prognostic"],
        }
    )
    assert list(full.as_dict()) == names and full.biofluid == ("b1", "b2")
