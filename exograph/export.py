"""The graph in the formats people move graphs between tools with: ``exograph export``.

* ``graphml``, ``gexf``: networkx's writers over :meth:`KnowledgeGraph.to_networkx` (entities as
  nodes with label and type, one keyed edge per relation with predicate, context and references as
  plain values), read back by networkx (and Gephi, Cytoscape, igraph).
* ``cyjs``: Cytoscape.js JSON (``networkx.cytoscape_data``), a multigraph: the relations that join
  the same two entities are distinct edges with their statement as key, so none vanishes.
* ``nt``, ``ttl``, ``jsonld`` (compact, the exograph prefixes as its inline ``@context``): the
  store's default graph (the curated data and the ontology beside it, as loaded), N-Triples sorted
  line by line; ``nq``: the default graph and every named graph (imported database evidence), as
  sorted N-Quads.

The graph formats carry the entities and relations only; the RDF formats carry every triple.
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

from exograph.errors import ExographError
from exograph.terms import iri_ref, n_triples

if TYPE_CHECKING:
    from exograph.kg import KnowledgeGraph

#: format -> what it is (for --help and errors)
FORMATS: dict[str, str] = {
    "graphml": "GraphML (networkx, Gephi, Cytoscape, igraph)",
    "gexf": "GEXF (Gephi)",
    "cyjs": "Cytoscape.js JSON (Cytoscape, cytoscape.js), a multigraph",
    "nt": "N-Triples, sorted: the default graph (data and ontology)",
    "nq": "N-Quads, sorted: the default graph and every named graph",
    "ttl": "Turtle: the default graph (data and ontology)",
    "jsonld": "JSON-LD, compact, its @context inline: the default graph (data and ontology)",
}


def export(kg: KnowledgeGraph, fmt: str) -> bytes:
    """The graph of ``kg`` in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ExographError(f"no export format '{fmt}'; use one of: {', '.join(FORMATS)}")
    if fmt in ("graphml", "gexf", "cyjs"):
        import networkx as nx

        graph = kg.to_networkx()
        if fmt == "cyjs":
            return (json.dumps(nx.cytoscape_data(graph), indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
        out = io.BytesIO()
        (nx.write_graphml if fmt == "graphml" else nx.write_gexf)(graph, out)
        return out.getvalue()
    triples = kg.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").triples
    if fmt == "ttl":
        from exograph.io.turtle import turtle_text

        return turtle_text(triples).encode("utf-8")
    if fmt == "jsonld":
        from exograph.io.jsonld import jsonld_text

        return (jsonld_text(triples) + "\n").encode("utf-8")
    lines = [_line(t) for t in triples]
    if fmt == "nq":
        for graph_iri in kg.store.graphs():
            named = kg.store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri_ref(graph_iri)} {{ ?s ?p ?o }} }}").triples
            lines += [_line(t, graph_iri) for t in named]
    return "".join(f"{line}\n" for line in sorted(set(lines))).encode("utf-8")


def _line(triple: tuple[object, ...], graph: str | None = None) -> str:
    """One N-Triples (or, with ``graph``, N-Quads) line."""
    terms = " ".join(n_triples(t) for t in triple)  # type: ignore[arg-type]
    return f"{terms} {iri_ref(graph)} ." if graph else f"{terms} ."
