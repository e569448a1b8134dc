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


def _keys_as_defined(iri: str, label: str, synonyms: tuple[str, ...]) -> set[tuple[int, str, float]]:
    """The index's name keys computed straight from their definition, step by step (no shortcut)."""
    import re
    import unicodedata

    from exograph import vocab
    from exograph.resolve import _DASHES, _GREEK, _MIRNA, EXACT, EXACT_LABEL, EXACT_SYNONYM, FAMILY, FAMILY_SCORE, NORMAL, NORMALISED

    def fold(name: str) -> str:
        return unicodedata.normalize("NFKC", name).translate(_DASHES).strip()

    def normal(name: str) -> str:
        text = fold(name).lower()
        for letter, spelt in _GREEK.items():
            text = text.replace(letter, spelt)
        text = _MIRNA.sub("mir-", text)
        if text.startswith("mir-"):
            return re.sub(r"[^a-z0-9-]+", "", text)
        key = re.sub(r"[^a-z0-9]+", "", text)
        return key[:-1] if len(key) > 3 and key.endswith("s") and not key.endswith("ss") else key

    keys = set()
    for name, score in [(label, EXACT_LABEL), (vocab.local_name(iri), EXACT_LABEL), *((s, EXACT_SYNONYM) for s in synonyms)]:
        keys.add((EXACT, fold(name).lower(), score))
        key = normal(name)
        if key:
            keys.add((NORMAL, key, NORMALISED))
            match = re.match(r"^(mir-[0-9]+[a-z]?)(?:-[0-9]+)?-(?:[35]p|\*)$", key)
            if match:
                keys.add((FAMILY, match.group(1), FAMILY_SCORE))
    return keys


NAMES = [
    "miRNA-21", "hsa-miR-21-5p", "  miR-21  ", "MICRORNA 21", "micro RNA-155", "mircrorna-7", "mmu-mir-9-3p", "miR-21*", "mir_21",
    "Fibroblasts", "CAFs", "glass", "ss", "Mss", "c-Met", "let-7b", "", " ", "a.b/c", "MIR", "mi", "xyz-mi", "abc-miR-1-2-5p",
    "TGF-β", "NF-κB", "Ｍｉｒ－２１", "miR‐21", "miR–21", "naïve T cell", "İstanbul", "ǅ", "Müller cells", "ﬁbroblast",
]  # fmt: skip


@pytest.mark.parametrize("label", NAMES)
def test_name_keys_equal_their_definition(label):
    """The index's name keys take shortcuts for ASCII names; they must give what the definition gives."""
    from exograph.model import Entity
    from exograph.resolve import keys_of_names, name_keys

    synonyms = tuple(n for n in NAMES if n != label)[:5]
    expected = _keys_as_defined("https://w3id.org/exograph/entity/" + label.strip().replace(" ", "_"), label, synonyms)
    entity = Entity("https://w3id.org/exograph/entity/" + label.strip().replace(" ", "_"), "Entity", label, synonyms)
    assert set(name_keys(entity)) == set(keys_of_names(entity.id, label, synonyms)) == expected


def test_the_choices_of_a_suggestion_are_every_exact_name_once_with_its_first_entity(kg):
    """Read in one piece from the index (its rows took 0.4 s at 10M triples): each lower-cased name
    once, in order, with the entity of lowest id that has it, as the names table gives them."""
    from exograph.resolve import EXACT

    keys, nodes = kg.index.suggestions()
    rows = kg.index.db.execute("SELECT key, MIN(node) FROM names WHERE kind = ? GROUP BY key ORDER BY key", (EXACT,)).fetchall()
    assert len(keys) > 1000 and list(zip(keys, nodes, strict=True)) == rows
    assert "mirna-21" in keys and kg.index.entity_of(nodes[keys.index("mirna-21")]).label == "miRNA-21"
