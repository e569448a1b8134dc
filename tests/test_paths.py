"""Paths from a cargo to a phenotype, hop by hop with evidence; neighbourhoods."""

import pytest

from exograph.errors import ExographError, NoPathError

from .conftest import iri


def labels(kg, path):
    return [kg.index.label(n) for n in path.nodes]


def test_mir21_to_paclitaxel_resistance_through_apaf1(kg):
    paths = kg.paths("miR-21", "paclitaxel resistance")
    assert [labels(kg, p) for p in paths][:2] == [
        ["miRNA-21", "paclitaxel resistance"],
        ["miRNA-21", "APAF1", "paclitaxel resistance"],
    ]
    via = paths[1]
    first, second = (h.edge for h in via.hops)
    assert first.predicate.endswith("#targets") and second.predicate.endswith("#mediates")
    assert first.refs == [49] and second.refs == [49]
    assert first.context.cancer == iri("ovarian-cancer")
    assert first.context.donor == iri("CAF")
    assert second.context.recipient == iri("ovarian-cancer-cell")
    assert second.context.subject_state == "targeted"
    assert all(ev.first_author == "Au Yeung" for ev in first.evidences)
    assert len(first.evidences) == 2


def test_mir9_to_angiogenesis_through_socs5_in_endothelial_cells(kg):
    paths = kg.paths("miR-9", "angiogenesis", cancer="colorectal cancer", all_paths=True)
    via = next(p for p in paths if labels(kg, p) == ["miRNA-9", "SOCS5", "angiogenesis"])
    first, second = (h.edge for h in via.hops)
    assert first.predicate.endswith("#downregulates") and second.predicate.endswith("#mediates")
    assert second.context.subject_state == "downregulated"  # SOCS5 is inhibited, not active
    assert first.context.recipient == second.context.recipient == iri("endothelial-cell")
    assert all(h.edge.refs == [59] and h.edge.evidences[0].quote for h in via.hops)


def test_mir21_and_mir29a_to_il6_through_tlr8_not_nf_kb(kg):
    """The text says TLR8 binding triggers 'the NF-κB pathway and the secretion of IL-6' side by
    side: IL-6 is reached through TLR8, never through NF-κB, which the text does not make its cause."""
    for cargo in ("miR-21", "miR-29a"):
        paths = kg.paths(cargo, "IL-6 secretion", all_paths=True)
        chain = [labels(kg, p) for p in paths]
        assert [kg.index.label(iri(cargo.replace("miR", "miRNA"))), "Toll-like receptor 8", "interleukin-6 secretion"] in chain
        assert not any("NF-κB signalling" in c for c in chain)
        via = next(p for p in paths if len(p.hops) == 2)
        assert [h.edge.predicate.rsplit("#", 1)[1] for h in via.hops] == ["binds", "promotes"]
        assert all(h.edge.context.recipient == iri("TAM") and h.edge.refs == [73] for h in via.hops)
        assert all(ev.first_author == "Fabbri" for h in via.hops for ev in h.edge.evidences)


def test_cancer_filter_keeps_only_that_cancer(kg):
    ovarian = kg.paths("miR-21", "paclitaxel resistance", cancer="ovarian cancer", all_paths=True)
    assert all(h.edge.context.cancer in (None, iri("ovarian-cancer")) for p in ovarian for h in p.hops)
    hcc = kg.paths("miR-122", "taxol resistance", cancer="HCC", all_paths=True)
    assert ["miRNA-122", "Septin-9", "paclitaxel resistance"] in [labels(kg, p) for p in hcc]
    with pytest.raises(NoPathError):
        kg.paths("miR-122", "taxol resistance", cancer="ovarian cancer")


def test_cancer_filter_must_name_a_cancer(kg):
    with pytest.raises(ExographError, match="not a cancer type"):
        kg.paths("miR-21", "APAF1", cancer="CAF")


def test_no_path_is_its_own_error(kg):
    with pytest.raises(NoPathError) as info:
        kg.paths("paclitaxel resistance", "miR-21")
    assert "try a larger --max-hops, --undirected" in str(info.value)
    backwards = kg.paths("paclitaxel resistance", "miR-21", undirected=True)
    assert backwards and not backwards[0].hops[0].forward


def test_max_hops_and_all(kg):
    with pytest.raises(NoPathError):
        kg.paths("lncRNA-ref79", "sunitinib resistance", max_hops=0 + 1, cancer="HCC")
    every = kg.paths("exosome-transmitted lncRNA (ref. 79)", "sunitinib resistance", all_paths=True)
    assert {tuple(labels(kg, p)) for p in every} >= {
        ("exosome-transmitted lncRNA (ref. 79)", "sunitinib resistance"),
        ("exosome-transmitted lncRNA (ref. 79)", "AXL", "sunitinib resistance"),
        ("exosome-transmitted lncRNA (ref. 79)", "c-MET", "sunitinib resistance"),
    }
    assert [len(p.hops) for p in every] == sorted(len(p.hops) for p in every)


def test_neighbours_with_filters(kg):
    hood = kg.neighbors("miR-21")
    assert {kg.index.label(n) for n in hood.distances} >= {"APAF1", "paclitaxel resistance", "cancer-associated fibroblast", "breast cancer"}
    only_targets = kg.neighbors("miR-21", predicate="targets")
    assert [kg.index.label(n) for n, d in only_targets.distances.items() if d] == ["APAF1"]
    hcc = kg.neighbors("miR-21", cancer="HCC")
    assert all(e.context.cancer in (None, iri("HCC")) for e in hcc.edges)
    deeper = kg.neighbors("APAF1", depth=2)
    assert max(deeper.distances.values()) == 2


def test_a_neighbourhood_can_stop_at_generic_entities(kg):
    from exograph.paths import search_neighbourhood

    index, a = kg.index, kg.index.arrays
    centre = index.node_id(iri("miRNA-21"))
    every = search_neighbourhood(index, centre, depth=2)
    near = search_neighbourhood(index, centre, depth=2, through_generic=False)
    assert index.node_id(iri("exosome")) in near.distances  # reached, not walked through
    assert near.distances.keys() < every.distances.keys() and near.edges < every.edges
    assert all(every.distances[n] == 2 for n in every.distances.keys() - near.distances.keys())
    for edge in every.edges - near.edges:  # what is left out, only a generic entity joins
        ends = {a.subject[edge], a.object[edge]}
        assert ends & index.generic and centre not in ends


def test_a_drawing_cut_by_its_limit_keeps_what_the_focus_reaches_without_generic_entities(kg):
    from exograph.paths import search_neighbourhood

    near = search_neighbourhood(kg.index, kg.index.node_id(iri("miRNA-21")), depth=2, through_generic=False)
    specific = set(kg.index.edge_keys(near.edges | near.roles.keys()).values())
    cut = kg.subgraph(focus="miR-21", depth=2, limit=len(specific))
    assert cut.total > len(cut.edges) == len(specific)
    assert {r.key for r in cut.edges} == specific  # not the first relations by statement order, which run through exosome
    assert {r.key for r in kg.subgraph(focus="miR-21", depth=2, limit=len(specific), through_generic=True).edges} != specific


def test_unknown_predicate(kg):
    from exograph.errors import UnknownPredicateError

    with pytest.raises(UnknownPredicateError, match="tragets"):
        kg.neighbors("miR-21", predicate="tragets")


# --------------------------------------------------------------------------- context roles


def test_an_entity_only_in_context_has_its_relations_through_context(ctx):
    hood = ctx.neighbors("NK cell")
    assert hood.distances == {iri("NK-cell"): 0} and hood.edges == () and hood.total_edges == 0
    assert hood.total_roles == 3 and hood.role_counts == {"donor": 1, "recipient": 2}
    assert sorted((r.roles, ctx.index.label(r.edge.subject), ctx.index.label(r.edge.object)) for r in hood.roles) == [
        (("donor",), "miRNA-G", "phenotype P"),
        (("recipient",), "GENE-B", "NK cell cytotoxicity"),
        (("recipient",), "GENE-C", "NK cell cytotoxicity"),
    ]
    assert [r.edge.key for r in hood.roles] == sorted(r.edge.key for r in hood.roles)  # statement order


def test_context_relations_are_paged_and_filtered_like_the_others(ctx):
    page = ctx.neighbors("NK cell", limit=1)
    assert len(page.roles) == 1 and page.total_roles == 3 and sum(page.role_counts.values()) == 3
    assert ctx.neighbors("NK cell", hedged=False).total_roles == 2
    assert ctx.neighbors("NK cell", predicate="promotes").role_counts == {"donor": 1}
    assert ctx.neighbors("NK cell", cancer="cancer Z").total_roles == 2  # the one stated for cancer X is left out
    cancer = ctx.neighbors("cancer X")
    assert cancer.role_counts == {"cancer": 6} and all(r.edge.context.cancer == iri("X") for r in cancer.roles)


def test_packaged_context_only_entities_are_seen(kg):
    nk = kg.neighbors("NK cell")
    assert nk.role_counts.get("recipient", 0) >= 3 and len(nk.roles) == nk.total_roles
    breast = kg.neighbors("breast cancer")
    assert breast.role_counts["cancer"] >= 35
    assert {r.edge.context.cancer for r in breast.roles if "cancer" in r.roles} == {iri("breast-cancer")}


# --------------------------------------------------------------------------- generic entities


def test_paths_never_walk_through_a_generic_entity_unless_asked(ctx):
    with pytest.raises(NoPathError) as info:
        ctx.paths("fibroblast F", "angiogenesis", undirected=True)
    message = str(info.value)
    assert "--through-generic" in message and "'microRNA'" in message and "\n" not in message
    (through,) = ctx.paths("fibroblast F", "angiogenesis", undirected=True, through_generic=True)
    assert labels(ctx, through) == ["fibroblast F", "microRNA", "angiogenesis"]
    # a generic entity may be the source or the target the user asked for
    assert labels(ctx, ctx.paths("microRNA", "angiogenesis")[0]) == ["microRNA", "angiogenesis"]
    assert labels(ctx, ctx.paths("fibroblast F", "microRNA", undirected=True)[0]) == ["fibroblast F", "microRNA"]


def test_packaged_generic_entities_are_no_intermediate_hop(kg):
    generic = {kg.index.iri(n) for n in kg.index.generic}
    try:
        found = kg.paths("CAF", "angiogenesis", undirected=True, all_paths=True)
    except NoPathError as exc:
        found = []
        assert not generic or "--through-generic" in str(exc)
    assert all(not set(p.nodes[1:-1]) & generic for p in found)
    if generic & {iri("microRNA")}:
        through = kg.paths("CAF", "angiogenesis", undirected=True, through_generic=True, all_paths=True)
        assert any(set(p.nodes[1:-1]) & generic for p in through)


# --------------------------------------------------------------------------- hedged statements


def test_hedged_statements_are_walked_unless_left_out(ctx):
    (path,) = ctx.paths("miR-H", "phenotype P")
    assert [h.edge.context.hedged for h in path.hops] == [True, False]
    with pytest.raises(NoPathError, match="without hedged statements; try without --no-hedged"):
        ctx.paths("miR-H", "phenotype P", hedged=False)
    assert all(not h.edge.context.hedged for p in ctx.paths("miR-A", "phenotype P", hedged=False, all_paths=True) for h in p.hops)


# --------------------------------------------------------------------------- cross-cancer paths


def test_cross_cancer_paths_rank_after_single_cancer_ones(ctx):
    paths = ctx.paths("miR-A", "phenotype P")
    assert [(labels(ctx, p), p.cross_cancer) for p in paths] == [
        (["miRNA-A", "GENE-C", "GENE-D", "phenotype P"], False),  # longer, within cancer X
        (["miRNA-A", "GENE-B", "phenotype P"], True),  # shorter, cancer X then cancer Y
    ]
    assert paths[1].cancers == (iri("X"), iri("Y")) and paths[0].cancers == (iri("X"),)
    assert [p.rank_key for p in paths] == sorted(p.rank_key for p in paths) and paths[1].rank_key[0] == 1


def test_the_early_stop_counts_single_cancer_paths_only(ctx):
    """With room for one path, the 2-hop level yields only a cross-cancer one: the search goes on to 3 hops."""
    (best,) = ctx.paths("miR-A", "phenotype P", limit=1)
    assert labels(ctx, best) == ["miRNA-A", "GENE-C", "GENE-D", "phenotype P"] and not best.cross_cancer
    from exograph.paths import search_paths

    index = ctx.index
    source, target = index.node_id(iri("miR-A")), index.node_id(iri("P"))
    cut = search_paths(index, source, target, limit=1, budget=1)  # the budget still bounds the search
    assert cut.truncated and cut.found == 1


def test_a_hop_takes_the_relation_of_the_paths_cancer_when_two_join_the_same_entities(ctx):
    (path,) = ctx.paths("miR-E", "phenotype Q")
    assert not path.cross_cancer and [h.edge.context.cancer for h in path.hops] == [iri("X"), iri("X")]
    assert ctx.index.support(path.hops[1].edge.key).curated == 1  # not the better-supported one stated for cancer Y


def test_packaged_paths_rank_single_cancer_first(kg):
    """On the packaged graph (in curation): every cross-cancer path states two cancers or more and ranks after the others."""
    for source, target in [("miR-21", "drug resistance"), ("miR-21", "paclitaxel resistance"), ("exosome", "angiogenesis"), ("exosome", "metastasis")]:
        try:
            found = kg.paths(source, target, all_paths=True, undirected=True)
        except NoPathError:
            continue
        assert all((len(p.cancers) > 1) == p.cross_cancer for p in found)
        assert [p.cross_cancer for p in found] == sorted(p.cross_cancer for p in found), (source, target)


def test_the_best_paths_are_the_first_of_all_of_them_in_rank_order(kg, tmp_path):
    """The search weighs only the paths that can be among the best (their IRIs are read only for
    ties): the best five of each pair are the first five of all its paths sorted by rank_key, on
    a synthetic graph with hubs (hundreds of paths) and on the packaged graph (where paths equal
    in all but their IRIs compete for the fifth place)."""
    import exograph

    from .conftest import synthetic

    graph = tmp_path / "g.nt"
    synthetic().generate(graph, 30_000)
    cases = [(exograph.load([graph]), source, target, False) for source in ("miRNA-21", "miRNA-1", "GENE1") for target in ("metastasis", "angiogenesis")]
    cases += [(kg, "exosome", target, True) for target in ("angiogenesis", "metastasis", "tumor growth")]
    tied = 0
    for graph_kg, source, target, through_generic in cases:
        every = graph_kg.paths(source, target, all_paths=True, through_generic=through_generic)
        assert len(every) > 5, (source, target)
        ranked = sorted(every, key=lambda p: p.rank_key)
        best = graph_kg.paths(source, target, limit=5, through_generic=through_generic)
        assert [p.nodes for p in best] == [p.nodes for p in ranked[:5]] == [p.nodes for p in every[:5]], (source, target)
        tied += sum(p.rank_key[:-1] == ranked[4].rank_key[:-1] for p in every) > 1
    assert tied >= 2, "no pair where IRIs decide the fifth place"
