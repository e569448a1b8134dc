"""exograph: a curated, evidence-first knowledge graph of how exosomal cargo drives cancer.

>>> import exograph
>>> kg = exograph.load()
>>> [m.label for m in kg.resolve("miR-21")][:1]
['miRNA-21']
"""

from exograph.errors import ExographError, NoPathError, QueryError, UnknownEntityError
from exograph.kg import KnowledgeGraph, load

__version__ = "0.1.0"
__all__ = ["ExographError", "KnowledgeGraph", "NoPathError", "QueryError", "UnknownEntityError", "load", "__version__"]
