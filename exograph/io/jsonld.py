"""JSON-LD out: triples as a compact document with the exograph prefixes as its ``@context``.

The document uses prefixed names (``ent:miRNA-21``) where a prefix covers an IRI, ``@type`` for
``rdf:type``, and ``@value`` / ``@type`` / ``@language`` objects for literals, so a JSON-LD
processor (pyld, rdflib) expands it to exactly the triples written. Nothing is fetched: the
context is inline.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from exograph import vocab
from exograph.terms import XSD_STRING, BNode, Literal, Term, Triple

_RDF_TYPE = vocab.RDF + "type"


def jsonld_text(triples: Iterable[Triple], prefixes: dict[str, str] | None = None) -> str:
    """Deterministic JSON-LD for ``triples``: one node object per subject, sorted."""
    prefixes = dict(vocab.PREFIXES if prefixes is None else prefixes)
    used: set[str] = set()

    def compact(iri: str) -> str:
        for prefix, namespace in prefixes.items():
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and local and not local.startswith("//") and ":" not in local:
                used.add(prefix)
                return f"{prefix}:{local}"
        return iri

    def node_id(term: Term) -> str:
        return f"_:{term}" if isinstance(term, BNode) else compact(str(term))

    def value(term: Term) -> dict[str, str]:
        if isinstance(term, Literal):
            out = {"@value": term.value}
            if term.language:
                out["@language"] = term.language
            elif term.datatype != XSD_STRING:
                out["@type"] = compact(term.datatype)
            return out
        return {"@id": node_id(term)}

    nodes: dict[str, dict[str, Any]] = {}
    for s, p, o in sorted(triples, key=lambda t: tuple((type(x).__name__, str(x)) for x in t)):
        node = nodes.setdefault(node_id(s), {"@id": node_id(s)})
        if str(p) == _RDF_TYPE and not isinstance(o, Literal):
            node.setdefault("@type", []).append(node_id(o))
        else:
            node.setdefault(compact(str(p)), []).append(value(o))
    context = {p: prefixes[p] for p in sorted(used)}
    return json.dumps({"@context": context, "@graph": [nodes[k] for k in sorted(nodes)]}, indent=2, ensure_ascii=False)
