"""The HGNC complete set (``hgnc_complete_set.txt``, tab-separated, multi-valued fields joined by ``|``)."""

from __future__ import annotations

from pathlib import Path

from exograph.errors import DataError
from exograph.reference import ALIAS, PREVIOUS, Term, Vocabulary, read_lines

REQUIRED = ("hgnc_id", "symbol", "name", "status")


def read(path: Path) -> Vocabulary:
    """Every HGNC gene: ``HGNC:5`` named by its approved symbol, with its full name, aliases and
    previous symbols, and cross-references ``NCBIGene:…`` (Entrez), ``UniProt:…``, ``ensembl:…``."""
    terms: dict[str, Term] = {}
    lines = iter(read_lines(path))
    try:
        _, head = next(lines)
    except StopIteration:
        raise DataError(f"{path}: empty; give the HGNC complete set (hgnc_complete_set.txt)") from None
    columns = head.split("\t")
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise DataError(f"{path}:1: not the HGNC complete set (no column {', '.join(missing)}); download hgnc_complete_set.txt from genenames.org")
    at = {c: i for i, c in enumerate(columns)}

    def field(cells: list[str], name: str) -> list[str]:
        i = at.get(name)
        value = cells[i].strip().strip('"') if i is not None and i < len(cells) else ""
        return [v.strip() for v in value.split("|") if v.strip()]

    for number, line in lines:
        if not line.strip():
            continue
        cells = line.split("\t")
        (curie,) = field(cells, "hgnc_id") or [""]
        symbols = field(cells, "symbol")
        if not curie.startswith("HGNC:") or not symbols:
            raise DataError(f"{path}:{number}: no HGNC id or symbol in this row; is the file cut short or edited?")
        xrefs = [f"NCBIGene:{e}" for e in field(cells, "entrez_id")]
        xrefs += [f"UniProt:{u}" for u in field(cells, "uniprot_ids")] + [f"ensembl:{e}" for e in field(cells, "ensembl_gene_id")]
        terms[curie] = Term(
            curie,
            symbols[0],
            tuple([(ALIAS, a) for a in field(cells, "alias_symbol")] + [(PREVIOUS, p) for p in field(cells, "prev_symbol")]),
            xrefs=tuple(xrefs),
            namespace=(field(cells, "locus_group") or [""])[0],
            status=(field(cells, "status") or [""])[0],
            description=(field(cells, "name") or [""])[0],
            where=f"{path.name}:{number}",
        )
    return Vocabulary("HGNC", path, terms)


def by_entrez(vocabulary: Vocabulary) -> dict[str, str]:
    """Entrez gene id -> HGNC CURIE."""
    out: dict[str, str] = {}
    for term in vocabulary.terms.values():
        for xref in term.xrefs:
            if xref.startswith("NCBIGene:"):
                out.setdefault(xref[len("NCBIGene:") :], term.id)
    return out
