"""Where the packaged files are: the curated graph, the ontology, the shapes, the curation tables.

In a source checkout they are the repository's own ``data/`` and ``ontology/``; in an installed
wheel the same files ship as the ``exograph._data`` and ``exograph._ontology`` packages.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parent.parent


def _dir(checkout_name: str, package: str) -> Path:
    local = _CHECKOUT / checkout_name
    if (_CHECKOUT / "pyproject.toml").is_file() and local.is_dir():
        return local
    return Path(str(resources.files(package)))


def data_dir() -> Path:
    return _dir("data", "exograph._data")


def ontology_dir() -> Path:
    return _dir("ontology", "exograph._ontology")


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
