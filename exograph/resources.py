"""Where the packaged files are: the curated graph, the ontology, the shapes, the curation tables.

In a source checkout they are the repository's own ``data/`` and ``ontology/``; in an installed
wheel the same files ship as the ``exograph._data`` and ``exograph._ontology`` packages.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def _dir(checkout_name: str, installed_name: str) -> Path:
    local = _CHECKOUT / checkout_name
    if (_CHECKOUT / "pyproject.toml").is_file() and local.is_dir():
        return local
    return _PACKAGE / installed_name  # where the wheel puts data/ and ontology/


def data_dir() -> Path:
    return _dir("data", "_data")


def ontology_dir() -> Path:
    return _dir("ontology", "_ontology")


def packaged_triples() -> Path:
    """The curated graph that ships with exograph."""
    return data_dir() / "triples.ttl"


def curation_dir() -> Path:
    return data_dir() / "curation"


def ontology_file() -> Path:
    return ontology_dir() / "exograph.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def repo_root() -> Path | None:
    """The source checkout, when exograph runs from one."""
    return _CHECKOUT if (_CHECKOUT / "pyproject.toml").is_file() else None
