"""The closed vocabulary mirrors the ontology, and the ontology is complete."""

from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

from exograph import resources, vocab

SKOS = Namespace(vocab.SKOS)
DCTERMS = Namespace(vocab.DCTERMS)


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


def terms(g: Graph) -> list[URIRef]:
    """Every class and property the ontology declares (named, in the exograph namespace)."""
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
    found = {s for kind in kinds for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(vocab.EXO)}
    return sorted(found)


def test_every_class_and_property_has_one_label_and_one_definition():
    g = ontology()
    declared = terms(g)
    assert {str(t)[len(vocab.EXO) :] for t in declared} == set(vocab.CLASSES.values()) | set(vocab.PREDICATES) | set(vocab.OTHER_TERMS)
    for term in declared:
        assert len(list(g.objects(term, RDFS.label))) == 1, f"{vocab.shorten(term)} needs exactly one rdfs:label"
        assert len(list(g.objects(term, SKOS.definition))) == 1, f"{vocab.shorten(term)} needs exactly one skos:definition"


def test_no_two_terms_share_a_label():
    """Case aside: a class and the property that takes it are told apart (exo:Biofluid "biofluid",
    exo:biofluid "has biofluid"), so a label names one term wherever it is shown."""
    g = ontology()
    by_label: dict[str, list[str]] = {}
    for term in terms(g):
        by_label.setdefault(str(g.value(term, RDFS.label)).casefold(), []).append(vocab.shorten(term))
    assert not {label: names for label, names in by_label.items() if len(names) > 1}


def test_the_ontology_names_its_title_licence_creator_and_version():
    import exograph

    g = ontology()
    (node,) = g.subjects(RDF.type, OWL.Ontology)
    assert str(node) == vocab.BASE + "ontology"
    for needed in (DCTERMS.title, DCTERMS.description, DCTERMS.creator):
        assert str(g.value(node, needed) or "").strip(), f"the ontology lacks {needed}"
    assert g.value(node, DCTERMS.license) == URIRef("https://spdx.org/licenses/MIT")  # as pyproject.toml and LICENSE
    assert str(g.value(node, OWL.versionInfo)) == exograph.__version__
    assert g.value(node, OWL.versionIRI) == URIRef(f"{node}/{exograph.__version__}/exograph.ttl")


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
            "hedged": True,
            "site": "s",
            "donor_condition": "from patients",
            "clinical_endpoint": ["survival", "recurrence"],
        }
    )
    assert list(full.as_dict()) == names and full.biofluid == ("b1", "b2") and full.clinical_endpoint == ("recurrence", "survival")


def test_fields_added_after_0_1_leave_published_statement_iris_alone():
    """A statement that uses none of the later fields (hedged, site, donor condition, clinical
    endpoint) keeps the IRI 0.1 published; one that uses them gets a new one."""
    import hashlib

    from exograph import vocab
    from exograph.model import Context, statement_iri

    s, p, o = vocab.entity_iri("miRNA-21"), vocab.exo("targets"), vocab.entity_iri("APAF1")
    context = Context.of({"cancer": vocab.entity_iri("ovarian-cancer"), "donor": vocab.entity_iri("CAF")})
    parts = ["miRNA-21", "targets", "APAF1", "ovarian-cancer", "CAF", "", "", "", "", "False", ""]  # the 0.1 digest
    published = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]
    assert statement_iri(s, p, o, context) == f"{vocab.STATEMENT}miRNA-21--targets--APAF1--{published}"
    hedged = Context.of({**{f: getattr(context, f) for f in ("cancer", "donor")}, "hedged": True})
    assert statement_iri(s, p, o, hedged) != statement_iri(s, p, o, context)


def test_the_shapes_allow_exactly_the_values_the_context_spec_lists():
    """The closed lists (states, clinical values, donor conditions, clinical endpoints) are written in
    vocab.CONTEXT and again as sh:in in ontology/shapes.ttl: they must not drift apart."""
    import pyoxigraph as ox

    from exograph import resources, vocab

    shapes = ox.Store()
    shapes.load(path=str(resources.ontology_dir() / "shapes.ttl"), format=ox.RdfFormat.TURTLE)
    query = """PREFIX sh: <http://www.w3.org/ns/shacl#>
               SELECT ?path ?value WHERE { ?p sh:path ?path ; sh:in ?list . ?list rdf:rest*/rdf:first ?value }"""
    allowed: dict[str, set[str]] = {}
    for row in shapes.query(query, prefixes={"rdf": vocab.RDF}):
        allowed.setdefault(row["path"].value, set()).add(row["value"].value)
    closed = [spec for spec in vocab.CONTEXT if spec.kind == "text"]
    assert closed and all(allowed.get(vocab.EXO + spec.rdf_property) == set(spec.values) for spec in closed), {
        spec.name: set(spec.values) ^ allowed.get(vocab.EXO + spec.rdf_property, set()) for spec in closed
    }
