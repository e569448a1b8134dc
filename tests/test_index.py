"""The index: who takes part in a relation through its context, generic entities, hedged statements."""

from __future__ import annotations

from pathlib import Path

from exograph import resources, vocab
from exograph.index import ROLES, Facts, build_database, watch
from exograph.kg import KnowledgeGraph
from exograph.store.oxigraph import OxigraphStore, rdf_format

from .context_graph import iri
from .test_store import dump


def roles_of(kg: KnowledgeGraph, local: str) -> list[tuple[str, str]]:
    """(role, statement key) of every relation whose context names the entity, as the index holds them."""
    index = kg.index
    a = index.arrays
    node = index.node_id(iri(local))
    assert node is not None
    slots = range(a.role_start[node], a.role_start[node + 1])
    keys = index.edge_keys(a.role_edges[i] for i in slots)
    return [(ROLES[a.role_kinds[i]], keys[a.role_edges[i]]) for i in slots]


def test_the_roles_follow_the_context_spec(ctx):
    assert ROLES == ctx.index.roles == tuple(spec.name for spec in vocab.CONTEXT_ROLES)
    assert {"cancer", "donor", "recipient", "biofluid", "site"} <= set(ROLES)


def test_every_role_an_entity_takes_is_indexed(ctx):
    nk = roles_of(ctx, "NK-cell")
    assert sorted(role for role, _ in nk) == ["donor", "recipient", "recipient"]
    assert all(key.startswith(vocab.STATEMENT) for _, key in nk)
    assert [role for role, _ in roles_of(ctx, "bone")] == ["site"]
    assert [role for role, _ in roles_of(ctx, "serum")] == ["biofluid"]
    assert len(roles_of(ctx, "X")) == 6 and {role for role, _ in roles_of(ctx, "X")} == {"cancer"}
    assert roles_of(ctx, "GENE-B") == []  # a subject and an object, never context
    a = ctx.index.arrays
    assert len(a.role_edges) == len(a.role_kinds) == a.role_start[-1]
    assert list(a.role_start) == sorted(a.role_start)


def test_an_entity_only_a_context_names_is_a_node(ctx, context_file: Path, tmp_path: Path):
    """Typed or not: an IRI named only as a statement's site is a node (with its IRI's last segment as label)."""
    assert ctx.index.node_id(iri("bone")) is not None and ctx.index.node_id(iri("NK-cell")) is not None
    key = next(r.key for r in ctx.relations() if r.context.recipient and r.context.site)
    extra = tmp_path / "extra.ttl"
    extra.write_text(f"<{key}> <{vocab.EXO}site> <{iri('untyped-place')}> .\n", encoding="utf-8")
    kg = KnowledgeGraph(OxigraphStore.memory([context_file, extra]))
    assert kg.index.node_id(iri("untyped-place")) is not None
    assert kg.index.label(iri("untyped-place")) == "untyped-place"
    assert ("site", key) in roles_of(kg, "untyped-place")


def test_generic_entities_and_hedged_statements_are_indexed(ctx):
    index = ctx.index
    assert {index.entity_of(n).label for n in index.generic} == {"microRNA"}
    assert ctx.entity("microRNA").generic is True and ctx.entity("miRNA-A").generic is False
    hedged = {r.key for r in ctx.relations() if r.context.hedged}
    assert len(hedged) == index.hedged_count == 2
    a = index.arrays
    keys = index.edge_keys(range(index.edge_count))
    assert {keys[e] for e in range(index.edge_count) if a.hedged[e]} == hedged


def test_the_watched_facts_give_the_same_index_for_roles_generic_and_hedged(context_file: Path):
    """exograph load's watcher (Facts) mirrors the index's queries for the new rows too."""
    sources = [context_file, resources.ontology_file()]
    store = OxigraphStore.memory(sources)
    facts = Facts()
    for number, path in enumerate(sources):
        watch(path, rdf_format(path), facts, prefix=f"f{number}-")
    assert facts.usable
    assert dump(build_database(store, facts=facts)) == dump(build_database(store))
    assert {name for name, rows in facts.answers().items() if rows} >= {"roles", "hedged", "generic"}
