"""Neo4j export: headers in the grammar ``neo4j-admin database import`` documents, every relation a row.

Neo4j itself cannot be installed here (no registry this project may use ships it), and no tool on
PyPI or npm reads this format without a Neo4j server, so the headers are checked against the
documented grammar (Operations Manual, "CSV header format": ``<name>:<field_type>``; ``:ID``,
``:LABEL``, ``:START_ID``, ``:END_ID``, ``:TYPE``, ``:IGNORE``; the types int, long, float,
double, boolean, byte, short, char, string, point and the temporal ones, ``[]`` for an array whose
items are split at ``;``) and the files are read back with Python's csv module, as the importer's
defaults read them (``,`` between fields, ``"`` quotes, one record per line).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from typing import Any

from exograph import vocab
from exograph.export import export_files
from exograph.io.neo4j import relationship_type

TYPES = "int|long|float|double|boolean|byte|short|char|string|point|date|localtime|time|localdatetime|datetime|duration"
FIELD = re.compile(rf"^(?P<name>[^:]*)(?::(?P<kind>ID(?:\(\w+\))?|LABEL|START_ID(?:\(\w+\))?|END_ID(?:\(\w+\))?|TYPE|IGNORE|(?:{TYPES})(?:\[\])?))?$")


def fields(header: list[str]) -> list[tuple[str, str]]:
    """(name, kind) of each header field, in the documented grammar (a field with no type is a string)."""
    out = []
    for field in header:
        match = FIELD.match(field)
        assert match, f"'{field}' is not a field of the import tool's header format"
        out.append((match["name"], match["kind"] or "string"))
    names = [name for name, kind in out if name and kind not in ("LABEL", "TYPE", "START_ID", "END_ID", "IGNORE")]
    assert len(names) == len(set(names)), "a property named twice"
    return out


def typed(value: str, kind: str) -> Any:
    """A field's value as the importer reads it (arrays split at ';'; an empty field is no property)."""
    if kind.endswith("[]"):
        return [typed(v, kind[:-2]) for v in value.split(";")] if value else []
    if kind in ("int", "long"):
        return int(value)
    if kind == "boolean":
        assert value in ("true", "false"), value
        return value == "true"
    return value


def read(data: bytes) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    header = fields(rows[0])
    records = []
    for row in rows[1:]:
        assert len(row) == len(header)
        records.append({(name or kind): typed(v, kind) for (name, kind), v in zip(header, row, strict=True) if v != "" or kind.endswith("[]")})
    return header, records


def test_neo4j_csvs_follow_the_import_header_grammar_and_carry_every_relation(kg):
    stats = kg.stats()
    out = export_files(kg, "neo4j")
    assert list(out) == ["nodes.csv", "relationships.csv"]
    node_header, nodes = read(out["nodes.csv"])
    rel_header, rels = read(out["relationships.csv"])
    assert [k for _, k in node_header].count("ID") == 1 and ("", "LABEL") in node_header
    kinds = [k for _, k in rel_header]
    assert all(kinds.count(k) == 1 for k in ("START_ID", "END_ID", "TYPE")) and "ID" not in kinds
    assert dict(rel_header)["refs"] == "int[]" and dict(rel_header)["negated"] == "boolean" and dict(rel_header)["biofluid"] == "string[]"

    assert len(nodes) == stats["entities"] and len({n["id"] for n in nodes}) == len(nodes)
    assert len(rels) == stats["relations"] and len({r["key"] for r in rels}) == len(rels)  # one row per relation
    assert len({(r["START_ID"], r["END_ID"]) for r in rels}) < len(rels)  # though fewer pairs of entities: none merged
    ids = {n["id"] for n in nodes}
    assert all(r["START_ID"] in ids and r["END_ID"] in ids for r in rels)
    assert Counter(n["type"] for n in nodes) == Counter(stats["entities_by_type"])
    assert Counter(r["TYPE"] for r in rels) == Counter({relationship_type(vocab.EXO + p): n for p, n in stats["relations_by_predicate"].items()})
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", r["TYPE"]) for r in rels)

    apaf1 = next(n for n in nodes if n["id"] == vocab.entity_iri("APAF1"))
    assert apaf1["LABEL"] == "Entity;GeneOrProtein;MolecularEntity" and apaf1["label"] == "APAF1" and apaf1["xrefs"] == ["HGNC:576"]
    edge = next(r for r in rels if r["END_ID"] == vocab.entity_iri("APAF1") and r["TYPE"] == "TARGETS" and r.get("cancer"))
    assert edge["refs"] == [49] and edge["cancer"] == vocab.entity_iri("ovarian-cancer") and edge["negated"] is False and edge["evidences"] == 2


def test_relationship_types_are_upper_snake_case():
    assert [relationship_type(vocab.EXO + p) for p in ("targets", "releasedBy", "actsAsCeRNAFor", "confersDrugResistance")] == [
        "TARGETS",
        "RELEASED_BY",
        "ACTS_AS_CE_RNA_FOR",
        "CONFERS_DRUG_RESISTANCE",
    ]
