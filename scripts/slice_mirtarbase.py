"""Copy the slices of miRTarBase, miRBase and HGNC that tests/test_import_mirtarbase.py reads into
tests/fixtures/mirtarbase/, byte for byte (header, byte-order mark and line ends kept).

The miRTarBase rows are chosen by their MIRT ids (every row of each); the miRBase rows are those of
the precursors that name the rows' microRNAs (``miRNA.csv``) and the FASTA records of those
microRNAs and their sisters (``mature.fa``); the HGNC rows those of the rows' Entrez ids.

    python scripts/slice_mirtarbase.py [--datasets ../shared/datasets]
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "tests" / "fixtures" / "mirtarbase"

#: the interactions, and what each stands for in the tests
INTERACTIONS = {
    "MIRT000002": "three PMIDs for one interaction; Functional MTI and Functional MTI (Weak)",
    "MIRT000029": "five PMIDs; experiments joined by ';' (Reporter assay;Western blot)",
    "MIRT000044": "hsa-miR-504-5p, a name only the newer mature.fa gives (miRNA.csv: hsa-miR-504)",
    "MIRT000054": "hsa-miR-375, an old name without its arm that miRNA.csv still gives the mature microRNA",
    "MIRT000057": "Non-Functional MTI",
    "MIRT000381": "Non-Functional MTI (Weak)",
    "MIRT002322": "hsa-let-7c-5p (miRNA.csv: hsa-let-7c)",
    "MIRT002410": "hsa-miR-21-5p -> APAF1 (the curated miRNA-21 -> APAF1)",
    "MIRT006585": "hsa-miR-128b, a name miRBase no longer gives: not linked",
    "MIRT054362": "Cux1, Entrez 13047 (a mouse gene id) that HGNC lacks: an NCBI Gene entity",
    "MIRT054727": 'quoting: 5""RACE inside a quoted field',
    "MIRT731072": "free text with commas, a URL's // and a sentence's '; '",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    args = parser.parse_args()
    TARGET.mkdir(parents=True, exist_ok=True)

    source = args.datasets / "mirtarbase" / "hsa_MTI.csv"
    raw = source.read_bytes().splitlines(keepends=True)
    kept = [raw[0]] + [line for line in raw[1:] if line.split(b",", 1)[0].decode() in INTERACTIONS]
    (TARGET / "hsa_MTI.csv").write_bytes(b"".join(kept))
    rows = list(csv.reader(io.StringIO(b"".join(kept).decode("utf-8-sig"), newline="")))[1:]
    names = {row[1] for row in rows}
    entrez = {row[4] for row in rows}

    table = (args.datasets / "mirbase" / "miRNA.csv").read_bytes().splitlines(keepends=True)
    chosen, accessions = [table[0]], set()
    for line in table[1:]:
        cells = line.decode("utf-8").rstrip("\r\n").split("\t")
        matures = {cells[i] for i in (5, 8) if len(cells) > i}
        stems = {n.rsplit("-", 1)[0] if n.endswith(("-5p", "-3p")) else n for n in names}
        if cells[1].startswith("hsa-") and (matures & names or cells[1].lower() in {s.lower() for s in stems}):
            chosen.append(line)
            accessions |= {cells[i] for i in (4, 7) if len(cells) > i and cells[i]}
    (TARGET / "miRNA.csv").write_bytes(b"".join(chosen))

    fasta = (args.datasets / "mirbase" / "mature.fa").read_bytes().splitlines(keepends=True)
    records = []
    for i in range(0, len(fasta) - 1):
        header = fasta[i].decode("utf-8")
        if header.startswith(">hsa-") and (header.split()[1] in accessions or header[1:].split()[0] in names):
            records += [fasta[i], fasta[i + 1]]
    (TARGET / "mature.fa").write_bytes(b"".join(records))

    genes = (args.datasets / "hgnc" / "hgnc_complete_set.txt").read_bytes().splitlines(keepends=True)
    head = genes[0].decode("utf-8-sig").rstrip("\r\n").split("\t")
    column = head.index("entrez_id")
    picked = [genes[0]] + [g for g in genes[1:] if g.decode("utf-8").rstrip("\r\n").split("\t")[column].strip('"') in entrez]
    (TARGET / "hgnc_complete_set.txt").write_bytes(b"".join(picked))
    for name in ("hsa_MTI.csv", "miRNA.csv", "mature.fa", "hgnc_complete_set.txt"):
        print(f"{(TARGET / name).relative_to(ROOT)}: {len((TARGET / name).read_bytes().splitlines()) - (name != 'mature.fa')} records")


if __name__ == "__main__":
    main()
