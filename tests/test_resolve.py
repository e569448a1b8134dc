"""Names people write resolve to entities; misses suggest the nearest names."""

import pytest

from exograph.errors import UnknownEntityError
from exograph.resolve import family, normalise

from .conftest import iri


@pytest.mark.parametrize(
    "name, expected",
    [
        ("miRNA-21", "miRNA-21"),
        ("miR-21", "miRNA-21"),
        ("MIR-21", "miRNA-21"),
        ("microRNA-21", "miRNA-21"),
        ("microRNA 21", "miRNA-21"),
        ("mir21", "miRNA-21"),
        ("hsa-miR-21-5p", "miRNA-21-5p"),
        ("miR-21-5p", "miRNA-21-5p"),
        ("HCC", "HCC"),
        ("hepatocellular carcinoma", "HCC"),
        ("Hepatocellular Carcinoma", "HCC"),
        ("CAF", "CAF"),
        ("cancer-associated fibroblast", "CAF"),
        ("cancer associated fibroblasts", "CAF"),
        ("taxol", "paclitaxel"),
        ("taxol resistance", "paclitaxel-resistance"),
        ("c-Met", "MET"),
        ("let-7b", "let-7b"),
        ("hsa-let-7b", "let-7b"),
        ("NSCLC", "NSCLC"),
    ],
)
def test_forms_people_write(kg, name, expected):
    assert kg.entity(name).id == iri(expected)


def test_mir21_finds_precursor_and_mature_forms(kg):
    ids = [m.id for m in kg.resolve("miR-21")]
    assert ids[:2] == [iri("miRNA-21"), iri("miRNA-21-5p")]
    scores = [m.score for m in kg.resolve("miR-21")]
    assert scores[0] > scores[1]
    assert [m.id for m in kg.resolve("hsa-miR-21-5p")][:2] == [iri("miRNA-21-5p"), iri("miRNA-21")]


def test_case_tells_the_mature_strand_from_the_precursor(kg):
    """hsa-miR-21 (capital R) is the old name of the mature strand, hsa-mir-21 the precursor's:
    the name written exactly so wins over the one equal but for case."""
    assert kg.entity("hsa-miR-21").id == iri("miRNA-21-5p")
    assert kg.entity("hsa-mir-21").id == iri("miRNA-21")


@pytest.mark.parametrize("name", ["CRNDE", "NF-κB", "ERK", "RIG-1", "TSPAN", "tumor-derived", "cytotoxic cells"])
def test_names_of_something_else_resolve_to_nothing_wrong(kg, name):
    """A gene is not its isoform (CRNDE, CRNDE-h), a protein not its pathway (NF-κB, ERK, RIG-1), a
    symbol prefix not a family (TSPAN), an adjective not a cell."""
    with pytest.raises(UnknownEntityError):
        kg.entity(name)


def test_miss_suggests_nearest_names(kg):
    with pytest.raises(UnknownEntityError) as info:
        kg.entity("miR-2l")
    assert "miRNA-21" in info.value.suggestions
    assert str(info.value).startswith("unknown entity 'miR-2l'; did you mean 'miRNA-21'")


def test_miss_with_nothing_near(kg):
    assert kg.resolve("zzzzqqqq") == []
    with pytest.raises(UnknownEntityError) as info:
        kg.entity("zzzzqqqq")
    assert info.value.suggestions == []


def test_normalise_and_family():
    assert normalise("hsa-miR-21-5p") == "mir-21-5p"
    assert normalise("microRNA-21") == normalise("miRNA-21") == "mir-21"
    assert normalise("NF-κB") == "nfkappab"
    assert family("mir-21-5p") == "mir-21"
    assert family("mir-19a-3p") == "mir-19a"
    assert family("mir-17-92a") is None
