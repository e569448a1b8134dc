"""Copy the slices of the reference releases the tests need into tests/fixtures/reference/.

The slices hold, exactly as the releases print them (header and byte-order mark kept; JSON
records unchanged): every term a shipped cross-reference names, every candidate grounding
proposes for a shipped entity as if it had no cross-reference, and their is_a ancestors, so that `exograph ground` on the
shipped curation gives the same answer on the slices as on the whole releases.

    python scripts/slice_reference.py [--datasets ../shared/datasets]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exograph.ground import candidates, ground  # noqa: E402
from exograph.io.curation import read_curation  # noqa: E402
from exograph.reference import ReferenceData  # noqa: E402

TARGET = ROOT / "tests" / "fixtures" / "reference"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    args = parser.parse_args()
    reference = ReferenceData(args.datasets)
    cur = read_curation(ROOT / "data" / "curation")
    report = ground(cur.entities.values(), reference)
    # every term a shipped xref names, and every candidate of every entity as if it had none
    # (what grounding proposed before the curator decided, rejected candidates included)
    proposed = {c.curie for e in cur.entities.values() for c in candidates(replace(e, xrefs=(), no_xref=None), reference)}
    wanted = {x for e in cur.entities.values() for x in e.xrefs} | {c.curie for c in report.candidates} | proposed
    for key, path in sorted(reference.available().items()):
        vocabulary = reference.vocabulary(key)
        assert vocabulary is not None
        keep = {c for c in wanted if c in vocabulary}
        for curie in list(keep):
            keep |= set(vocabulary.ancestors(curie))
            keep |= set(vocabulary.get(curie).parents)  # type: ignore[union-attr]
        for curie in list(keep):  # a mature miRNA's precursors and the precursors' matures
            keep |= {c for c in vocabulary.children(curie) if c.startswith("mirbase.mature:")}
        out = TARGET / path.relative_to(args.datasets)
        out.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".json":
            records = json.loads(path.read_text(encoding="utf-8"))
            chosen = [r for r in records if _curie(r["id"], key) in keep]
            out.write_text(json.dumps(chosen, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        else:  # a table (its header kept), or a FASTA file beside it (miRBase's mature.fa: each record whole)
            lines: dict[str, set[int]] = {}
            for c in keep:
                name, _, number = vocabulary.terms[c].where.rpartition(":")
                lines.setdefault(name, set()).add(int(number))
            for name, numbers in sorted(lines.items()):
                raw = (path.parent / name).read_bytes().splitlines(keepends=True)
                if name.endswith(".fa"):
                    chosen_lines = [line for n in sorted(numbers) for line in _record(raw, n)]
                else:
                    chosen_lines = [raw[0]] + [raw[n - 1] for n in sorted(numbers) if n > 1]
                (out.parent / name).write_bytes(b"".join(chosen_lines))
        print(f"{out.relative_to(ROOT)}: {len(keep)} terms of {vocabulary.name}")
    metadata = args.datasets / "ontologies" / "cell_ontology_v2025-12-17.metadata.json"
    if metadata.is_file():
        (TARGET / "ontologies" / metadata.name).write_bytes(metadata.read_bytes())


def _record(raw: list[bytes], number: int) -> list[bytes]:
    """The FASTA record whose header is line ``number`` (1-based): the header and its sequence lines."""
    end = number
    while end < len(raw) and not raw[end].startswith(b">"):
        end += 1
    return raw[number - 1 : end]


def _curie(identifier: str, key: str) -> str:
    from exograph.reference.obo import curie

    return curie({"doid": "DOID", "mondo": "MONDO", "go": "GO", "chebi": "CHEBI"}[key], identifier)


if __name__ == "__main__":
    main()
