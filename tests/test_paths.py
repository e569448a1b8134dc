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


def test_unknown_predicate(kg):
    from exograph.errors import UnknownPredicateError

    with pytest.raises(UnknownPredicateError, match="tragets"):
        kg.neighbors("miR-21", predicate="tragets")
