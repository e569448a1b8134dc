"""exograph: a curated, evidence-first knowledge graph of how exosomal cargo drives cancer.

>>> import exograph
>>> kg = exograph.load()
>>> [m.label for m in kg.resolve("miR-21")][:1]
['miRNA-21']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from exograph.errors import ExographError, NoPathError, QueryError, UnknownEntityError

if TYPE_CHECKING:
    from exograph.kg import KnowledgeGraph, load

__version__ = "0.1.0"
__all__ = ["ExographError", "KnowledgeGraph", "NoPathError", "QueryError", "UnknownEntityError", "load", "__version__"]


def __getattr__(name: str) -> Any:
    """``KnowledgeGraph`` and ``load``, imported on first use: importing any part of exograph (the
    command line's start, a store of its own) does not import the whole API."""
    if name in ("KnowledgeGraph", "load"):
        from exograph import kg

        return getattr(kg, name)
    raise AttributeError(f"module 'exograph' has no attribute '{name}'")
