"""The JSON contracts of exograph (CLI ``--format json`` and, later, the HTTP API).

Scripts depend on these shapes; add keys, never rename or remove them.

- resolve: ``{"query", "matches": [{"id", "label", "type", "score"}]}``, best first.
- path: ``{"source": E, "target": E, "paths": [{"nodes": [E], "edges": [{"predicate", "label",
  "context", "refs", "quotes", "evidence": [{..., "source", "pmid"}], "support": {"belief",
  "curated", "strong", "weak", "negative"}, ...}], "belief", "cross_cancer", "cancers": [E]}]}``
  with E = ``{"id", "label", "type"}``; ``cross_cancer`` when the hops state different cancers
  (``cancers``, in the order the path meets them). A hedged statement's context holds ``"hedged": true``.
- neighbors: ``{"entity": E, "depth", "neighbors": [E + {"distance"}], "edges": [edge],
  "through_context": [edge + {"roles"}], "total_through_context", "through_context_by_role"}``:
  the relations whose context names the entity, with its roles in each (cancer, donor...).
- entity (HTTP API): ``{"entity": E + {"synonyms", "xrefs", "generic"}, "relations": [edge], "through_context": [edge + {"roles"}],
  "total_relations", "total_through_context"}``, each relation ``forward`` when the entity is its subject.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from exograph import vocab
from exograph.model import Entity, Relation
from exograph.paths import Neighbourhood, Path, RoleRelation
from exograph.resolve import Match

if TYPE_CHECKING:
    from exograph.evidence import Link
    from exograph.index import Index


def resolve_json(query: str, matches: list[Match]) -> dict[str, Any]:
    return {"query": query, "matches": [m.as_dict() for m in matches]}


def edge_json(index: Index, edge: Relation, forward: bool = True) -> dict[str, Any]:
    """One relation with its context (entities as E objects) and evidence."""
    context: dict[str, Any] = {}
    kinds = {spec.name: spec for spec in vocab.CONTEXT}
    for name, value in edge.context.as_dict().items():
        spec = kinds[name]
        if spec.kind == "entity":
            context[name] = [index.describe(v) for v in value] if spec.many else index.describe(value)
        else:
            context[name] = value
    return {
        "statement": edge.key,
        "subject": index.describe(edge.subject),
        "predicate": edge.predicate,
        "label": edge.predicate_label,
        "object": index.describe(edge.object),
        "forward": forward,
        "context": context,
        "refs": edge.refs,
        "quotes": [ev.quote for ev in edge.evidences],
        "evidence": [
            {
                "refs": list(ev.refs),
                "refs_printed": ev.refs_printed,
                "first_author": ev.first_author,
                "section": ev.section,
                "quote": ev.quote,
                "publication": ev.publication,
                "source": ev.publication or "review",
                "pmid": _pmid(ev.publication),
            }
            for ev in edge.evidences
        ],
        "notes": list(edge.notes),
        "support": index.support(edge.key).as_dict(),
    }


def _pmid(publication: str | None) -> str | None:
    """The PubMed id of a publication IRI (pubmed.ncbi.nlm.nih.gov/N, identifiers.org/pubmed:N), else None."""
    import re

    match = re.search(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|pubmed[:/])([0-9]+)/?$", publication or "")
    return match.group(1) if match else None


def paths_json(index: Index, paths: list[Path]) -> dict[str, Any]:
    """Ranked paths (never empty: no path is a NoPathError); source and target are their ends."""
    return {
        "source": index.describe(paths[0].nodes[0]),
        "target": index.describe(paths[0].nodes[-1]),
        "paths": [
            {
                "nodes": [index.describe(n) for n in p.nodes],
                "edges": [edge_json(index, h.edge, h.forward) for h in p.hops],
                "belief": p.belief,
                "cross_cancer": p.cross_cancer,
                "cancers": [index.describe(c) for c in p.cancers],
            }
            for p in paths
        ],
    }


def neighbors_json(index: Index, hood: Neighbourhood, depth: int) -> dict[str, Any]:
    """The neighbourhood (one page of it); ``total_neighbors`` and ``total_edges`` count them all."""
    others = sorted((d, index.label(n).lower(), n) for n, d in hood.distances.items() if n != hood.centre)
    return {
        "entity": index.describe(hood.centre),
        "depth": depth,
        "neighbors": [{**index.describe(n), "distance": d} for d, _, n in others],
        "edges": [edge_json(index, e) for e in hood.edges],
        "total_neighbors": hood.total_neighbours,
        "total_edges": hood.total_edges,
        "through_context": [role_json(index, r) for r in hood.roles],
        "total_through_context": hood.total_roles,
        "through_context_by_role": dict(hood.role_counts),
    }


def role_json(index: Index, role: RoleRelation) -> dict[str, Any]:
    """A relation an entity takes part in through its context: the relation, and its ``roles`` in it."""
    return {**edge_json(index, role.edge), "roles": list(role.roles)}


def entity_json(
    index: Index, entity: Entity, edges: Iterable[Relation], roles: Iterable[RoleRelation] = (), *, totals: tuple[int, int] | None = None
) -> dict[str, Any]:
    """An entity with its names, cross-references and relations (as in neighbors), and the
    relations whose context names it; ``totals`` (relations, context relations) when those are one page."""
    edges, roles = list(edges), list(roles)
    total_relations, total_roles = totals or (len(edges), len(roles))
    return {
        "entity": {
            **index.describe(entity.id),
            "synonyms": list(entity.synonyms),
            "xrefs": list(entity.xrefs),
            "generic": entity.generic,
        },
        "relations": [edge_json(index, e, forward=e.subject == entity.id) for e in edges],
        "through_context": [role_json(index, r) for r in roles],
        "total_relations": total_relations,
        "total_through_context": total_roles,
    }


def evidence_json(index: Index, a: Entity, b: Entity, links: list[Link]) -> dict[str, Any]:
    """``{"a": E, "b": E, "links": [{"statement", "subject", "predicate", "object", "graph",
    "support", "evidence": [{"source", "pmid", ...}]}]}``, strongest first: curated evidence
    (``source`` "review" or the paper) and database records (``source`` the database)."""
    out = []
    for link in links:
        evidence: list[dict[str, Any]] = []
        for fields in link.curated:
            publication = next((p for p in fields.get(vocab.EXO + "curatedFrom", []) if "/review/" not in p), None)
            evidence.append(
                {
                    "source": publication or "review",
                    "pmid": _pmid(publication),
                    "refs_printed": _first(fields, "refsAsPrinted"),
                    "section": _first(fields, "section"),
                    "quote": _first(fields, "quote"),
                    "first_author": _first(fields, "firstAuthor"),
                }
            )
        for r in link.records:
            evidence.append(
                {
                    "source": r.source,
                    "pmid": r.pmid,
                    "record": r.database_id,
                    "support_type": r.support_type,
                    "tier": r.tier,
                    "experiments": list(r.experiments),
                    "publication": r.publication,
                }
            )
        out.append(
            {
                "statement": link.key,
                "subject": index.describe(link.subject),
                "predicate": link.predicate,
                "label": index.predicate_labels.get(link.predicate, vocab.local_name(link.predicate)),
                "object": index.describe(link.object),
                "graph": link.graph,
                "hedged": link.hedged,
                "support": link.support.as_dict(),
                "evidence": evidence,
            }
        )
    return {"a": index.describe(a.id), "b": index.describe(b.id), "links": out}


def _first(fields: dict[str, list[str]], local: str) -> str | None:
    values = fields.get(vocab.EXO + local, [])
    return values[0] if values else None
