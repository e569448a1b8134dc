"""What the exograph ontology (``ontology/exograph.ttl``) says about its own terms: their labels."""

from __future__ import annotations

from functools import lru_cache

from exograph import resources, vocab


@lru_cache(maxsize=1)
def labels() -> dict[str, str]:
    """The ``rdfs:label`` of every term the ontology declares, by IRI."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(resources.ontology_file()), format=ox.RdfFormat.TURTLE)
    label = ox.NamedNode(vocab.RDFS + "label")
    return {
        q.subject.value: q.object.value
        for q in store.quads_for_pattern(None, label, None)
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal)
    }


def label(iri: str) -> str:
    """The ontology's label of a term, or its local name when the ontology does not declare it."""
    return labels().get(iri) or vocab.local_name(iri)
