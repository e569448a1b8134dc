"""Checks of a graph against the ontology and the SHACL shapes, and of curation tables.

Every check collects :class:`~exograph.model.Problem` records (ERROR / WARNING / INFO) and goes
on; nothing stops at the first problem. The checks are SPARQL queries on a
:class:`~exograph.store.Store` (a handful per graph, whatever its size), so they run on any store:
the ontology checks here, the shapes through :mod:`exograph.shacl`. A shapes file that uses a
SHACL feature :mod:`exograph.shacl` does not implement is checked with pyshacl instead, and
``engine="pyshacl"`` runs every check the old way, on an rdflib graph with pyshacl (a cross-check).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exograph import resources, vocab
from exograph.errors import DataError, ExographError, UnsupportedShapeError
from exograph.model import Findings, Level, Problem, closure
from exograph.store import Store, select_values

if TYPE_CHECKING:
    from rdflib import Graph

ENGINES = ("native", "pyshacl")


@dataclass
class Report(Findings):
    """The problems found, sorted; ``errors`` decides the exit code."""

    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "valid": not self.errors,
            "counts": self.counts(),
            "problems": [p.as_dict() for p in self.problems],
        }


def validate(
    paths: Sequence[Path] | None = None,
    *,
    curation_dir: Path | None = None,
    review_path: Path | None = None,
    shacl: bool = True,
    store: Store | None = None,
    engine: str = "native",
    shapes: Path | None = None,
) -> Report:
    """Validate RDF files (default: the packaged graph), or ``store``, and, optionally, a curation
    directory. A store is checked as its default graph, then each of its named graphs merged with
    the default graph (an import, such as ``exograph import``'s, beside the curation it links to),
    when the store can merge them (:meth:`~exograph.store.oxigraph.OxigraphStore.with_graphs`); a
    problem of the default graph is reported once.

    ``engine`` "native" (the default) runs the checks as SPARQL on the store (the files are loaded
    into an in-memory Oxigraph store); "pyshacl" loads the graph into rdflib and runs pyshacl.
    ``shapes`` is the SHACL shapes file (default: the packaged ``ontology/shapes.ttl``).
    """
    if engine not in ENGINES:
        raise ExographError(f"unknown validation engine '{engine}'; use one of: {', '.join(ENGINES)}")
    shapes_path = Path(shapes) if shapes is not None else resources.shapes_file()
    report = Report()
    files = [] if store is not None else [Path(p) for p in paths] if paths else [resources.packaged_triples()]
    views: list[tuple[str, Store]] = []
    if store is not None:
        where = str(getattr(store, "path", None) or store)
        report.checked.append(where)
        views = _named_views(store)
        report.checked += [f"{where} graph <{g}> (with the default graph)" for g, _ in views]
    report.checked += [str(path) for path in files]
    if engine == "pyshacl":
        graph = _rdflib_graph(store, files, report)
        if not report.errors:
            report.problems += check_graph(graph, shacl=shacl, shapes=shapes_path)
            base = list(report.problems)
            for _, view in views:
                report.problems += _beyond(base, check_graph(_rdflib_graph(view, [], report), shacl=shacl, shapes=shapes_path))
    else:
        if store is None:
            store = _memory_store(files, report)
        if store is not None:
            report.problems += check_store(store, shacl=shacl, shapes=shapes_path)
            base = list(report.problems)
            for _, view in views:
                report.problems += _beyond(base, check_store(view, shacl=shacl, shapes=shapes_path))
    if curation_dir is not None:
        from exograph.build import curation_problems

        report.checked.append(str(curation_dir))
        _, problems, checked = curation_problems(curation_dir, review_path)
        report.problems += problems
        if not checked:
            report.problems.append(
                Problem("INFO", "quote-check-skipped", str(curation_dir), "the review's text was not found; set EXOGRAPH_REVIEW or --review to check quotes")
            )
    report.problems.sort()
    return report


def _named_views(store: Store) -> list[tuple[str, Store]]:
    """(graph, view) for each named graph of ``store``: the graph merged with the default graph,
    for a store that offers such views; none for any other."""
    merged = getattr(store, "with_graphs", None)
    if not callable(merged):
        return []
    return [(str(g), merged([g])) for g in store.graphs()]


def _beyond(base: Sequence[Problem], more: Iterable[Problem]) -> list[Problem]:
    """The problems of ``more`` that ``base`` does not already report (as many times)."""
    return list((Counter(more) - Counter(base)).elements())


def _memory_store(files: Sequence[Path], report: Report) -> Store | None:
    """The files in an in-memory Oxigraph store; None, with one syntax problem per bad file, when any is malformed."""
    from exograph.store.oxigraph import OxigraphStore

    try:
        return OxigraphStore.memory(files)
    except DataError:
        for path in files:  # only after a failure: name every bad file, not just the first
            try:
                OxigraphStore.memory([path])
            except DataError as exc:
                report.problems.append(Problem("ERROR", "syntax", str(path), str(exc)))
        return None


# --------------------------------------------------------------------------- the native checks (SPARQL on a store)


def check_store(store: Store, *, shacl: bool = True, shapes: Path | None = None) -> list[Problem]:
    """Ontology checks (declared terms, domains and ranges, reification) and SHACL shapes, as SPARQL on ``store``."""
    ontology = Ontology.read(resources.ontology_file())
    names = _Names(lambda: select_values(store, _INCOMING))
    problems = _ontology_checks(store, ontology, names)
    if shacl:
        problems += _shacl_on_store(store, ontology, shapes or resources.shapes_file(), names)
    return problems


@dataclass(frozen=True)
class Ontology:
    """What the checks need of the exograph ontology, read with pyoxigraph."""

    declared: frozenset[str]  #: every exograph term the ontology describes
    subclasses: tuple[tuple[str, str], ...]  #: (subclass, superclass) IRI pairs
    domains: dict[str, frozenset[str]]  #: predicate -> the classes its subject may have (any of)
    ranges: dict[str, frozenset[str]]
    #: (subproperty, superproperty) IRI pairs: a relation must also meet its super-properties' domains and ranges
    subproperties: tuple[tuple[str, str], ...] = ()

    @classmethod
    def read(cls, path: Path) -> Ontology:
        import pyoxigraph as ox

        from exograph.store.oxigraph import rdf_format

        out: dict[Any, dict[str, list[Any]]] = {}
        for t in ox.parse(path=str(path), format=rdf_format(path)):
            out.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)

        def union(node: Any) -> frozenset[str] | None:
            members = out.get(node, {}).get(vocab.OWL + "unionOf")
            if not members:
                return frozenset({node.value}) if isinstance(node, ox.NamedNode) else None
            found, head = [], members[0]
            while head in out:
                found.append(out[head][vocab.RDF + "first"][0].value)
                head = out[head][vocab.RDF + "rest"][0]
            return frozenset(found)

        def allowed(which: str) -> dict[str, frozenset[str]]:
            table = {}
            for local in vocab.PREDICATES:
                values = out.get(ox.NamedNode(vocab.EXO + local), {}).get(which)
                classes = union(values[0]) if values else None
                if classes:
                    table[vocab.EXO + local] = classes
            return table

        pairs = ((s, o) for s, props in out.items() for o in props.get(vocab.RDFS + "subClassOf", []))
        subclasses = tuple(sorted((s.value, o.value) for s, o in pairs if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)))
        declared = frozenset(s.value for s in out if isinstance(s, ox.NamedNode) and s.value.startswith(vocab.EXO))
        specialised = ((s, o) for s, props in out.items() for o in props.get(vocab.RDFS + "subPropertyOf", []))
        subproperties = tuple(sorted((s.value, o.value) for s, o in specialised if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode)))
        return cls(declared, subclasses, allowed(vocab.RDFS + "domain"), allowed(vocab.RDFS + "range"), subproperties)

    def lineage(self, prop: str) -> list[str]:
        """``prop`` and the properties it specialises (rdfs:subPropertyOf, transitively), itself first."""
        parents: dict[str, set[str]] = {}
        for sub, sup in self.subproperties:
            parents.setdefault(sub, set()).add(sup)
        return [prop, *sorted(closure([prop], parents) - {prop})]

    def ancestors(self, cls: str) -> set[str]:
        parents: dict[str, set[str]] = {}
        for sub, sup in self.subclasses:
            parents.setdefault(sub, set()).add(sup)
        return closure([cls], parents)


_TYPE = f"<{vocab.RDF}type>"
_STATEMENT = f"<{vocab.EXO}Statement>"
_RELATIONS = " ".join(f"<{vocab.EXO}{local}>" for local in vocab.PREDICATES)
_INCOMING = "SELECT ?b ?s ?p WHERE { ?s ?p ?b FILTER(isBlank(?b)) }"
_STATEMENTS = f"""SELECT DISTINCT ?st WHERE {{
  ?st {_TYPE} {_STATEMENT} ; <{vocab.RDF}subject> ?s ; <{vocab.RDF}predicate> ?p ; <{vocab.RDF}object> ?o .
  FILTER NOT EXISTS {{ ?s ?p ?o }}
}}"""


def _types(var: str) -> str:
    # a type as text for GROUP_CONCAT ("" when there is none; a blank node as "_:", which is no class)
    return f'(GROUP_CONCAT(DISTINCT IF(BOUND(?{var}), IF(isBlank(?{var}), "_:", STR(?{var})), ""); separator=" ") AS ?{var}s)'


_RELATION_TRIPLES = f"""SELECT ?s ?p ?o (COUNT(?x) AS ?statements) {_types("st")} {_types("ot")} WHERE {{
  VALUES ?p {{ {_RELATIONS} }}
  ?s ?p ?o .
  OPTIONAL {{ ?x <{vocab.RDF}subject> ?s ; <{vocab.RDF}object> ?o ; <{vocab.RDF}predicate> ?p ; {_TYPE} {_STATEMENT} }}
  OPTIONAL {{ ?s {_TYPE} ?st }}
  OPTIONAL {{ ?o {_TYPE} ?ot }}
}} GROUP BY ?s ?p ?o"""


def _undeclared(declared: Iterable[str]) -> str:
    iris = ", ".join(f"<{iri}>" for iri in sorted(declared))
    texts = ", ".join(f'"{iri}"' for iri in sorted(declared))
    return f"""SELECT DISTINCT ?s ?term WHERE {{
  {{ ?s ?term ?o }} UNION {{ ?s {_TYPE} ?term }}
  FILTER(STRSTARTS(STR(?term), "{vocab.EXO}") && ?term NOT IN ({iris}) && (isIRI(?term) || STR(?term) NOT IN ({texts})))
}}"""


def _mistyped(statement: str, role: str, classes: Iterable[str], local: str, prop: str) -> Problem:
    """The error of a subject (or object) outside the domain (or range) of ``prop``: the relation's own, or one it inherits."""
    expected = " or ".join(sorted(vocab.shorten(c) for c in classes))
    kind = "domain" if role == "subject" else "range"
    inherited = "" if vocab.local_name(prop) == local else f" (the {kind} of {vocab.local_name(prop)}, which {local} specialises)"
    return Problem("ERROR", f"bad-{kind}", statement, f"the {role} must be an instance of {expected}{inherited}")


def _ontology_checks(store: Store, ontology: Ontology, names: _Names) -> list[Problem]:
    problems: list[Problem] = []
    for s, term in select_values(store, _undeclared(ontology.declared)):
        message = f"'{vocab.shorten(term)}' is not declared in the exograph ontology; fix the spelling"
        problems.append(Problem("ERROR", "undeclared-term", names(s), message))

    cache: dict[str, set[str]] = {}

    def ancestors(cls: str) -> set[str]:
        if cls not in cache:
            cache[cls] = ontology.ancestors(cls)
        return cache[cls]

    for s, p, o, statements, stypes, otypes in select_values(store, _RELATION_TRIPLES):
        local = vocab.local_name(p)
        statement = f"{names(s)} {local} {names(o)}"
        for node, text, role in ((s, stypes, "subject"), (o, otypes, "object")):
            types = set(text.split()) - {""}
            if not types:
                problems.append(Problem("WARNING", "untyped-entity", names(node), "has no rdf:type; give it an exograph class"))
                continue
            for prop in ontology.lineage(p):  # its own domain and range, then those it inherits
                classes = (ontology.domains if role == "subject" else ontology.ranges).get(prop)
                if classes and not any(ancestors(t) & classes for t in types):
                    problems.append(_mistyped(statement, role, classes, local, prop))
        if statements == "0":
            problems.append(Problem("INFO", "no-evidence", statement, "a plain triple without a statement carries no evidence"))

    for (st,) in select_values(store, _STATEMENTS):
        message = "the statement's plain triple is not in the graph; add it so simple queries find the relation"
        problems.append(Problem("ERROR", "missing-plain-triple", names(st), message))
    return sorted(set(problems))  # an untyped entity is reported once, however often it is used


def _shacl_on_store(store: Store, ontology: Ontology, shapes: Path, names: _Names) -> list[Problem]:
    from exograph import shacl

    try:
        compiled = shacl.read_shapes(shapes)
    except UnsupportedShapeError as exc:
        # never skip a constraint: the whole file goes to pyshacl, on an rdflib copy of the store
        note = Problem("INFO", "shacl-pyshacl", str(shapes), f"{exc.feature}: the native checker does not support it, so pyshacl checked these shapes")
        return [note, *_shacl(_rdflib_graph(store, [], Report()), _rdflib_ontology(), shapes, names)]
    return [_problem(r.focus, r.path, r.severity, r.message, names) for r in shacl.check(store, compiled, subclasses=ontology.subclasses)]


def _problem(focus: str, path: str | None, severity: str, message: str, names: Callable[[str], str]) -> Problem:
    """A SHACL result as a Problem (the same for either engine)."""
    levels: dict[str, Level] = {"Violation": "ERROR", "Warning": "WARNING"}
    level = levels.get(severity.rsplit("#", 1)[-1], "INFO")
    code = f"shacl-{vocab.local_name(path)}" if path is not None else "shacl"
    return Problem(level, code, names(focus), message)


class _Names:
    """How a problem names a node: an IRI as a CURIE where a prefix covers it; a blank node, whose
    label is the parser's own, by the triples that lead to it (``stmt:x exo:evidence []``), the
    same whichever engine read the file."""

    def __init__(self, incoming: Callable[[], Iterable[tuple[str, ...]]]) -> None:
        self._load = incoming
        self._incoming: dict[str, list[tuple[str, str]]] | None = None

    def __call__(self, term: str) -> str:
        return self._describe(term, ()) if term.startswith("_:") else vocab.shorten(term)

    def _describe(self, blank: str, seen: tuple[str, ...]) -> str:
        if self._incoming is None:
            self._incoming = {}
            for b, s, p in self._load():
                self._incoming.setdefault(b, []).append((s, p))
        if blank in seen:
            return "[]"
        options = []
        for s, p in self._incoming.get(blank, []):
            where = self._describe(s, (*seen, blank)) if s.startswith("_:") else vocab.shorten(s)
            options.append(f"{where} {vocab.shorten(p)} []")
        return min(options) if options else "[]"


# --------------------------------------------------------------------------- the pyshacl engine (rdflib)


def _rdflib_graph(store: Store | None, files: Sequence[Path], report: Report) -> Graph:
    from rdflib import Graph

    from exograph.io.turtle import parse_into
    from exograph.store.rdflib import to_rdflib

    g = Graph()
    if store is not None:
        for triple in store.triples():
            g.add(tuple(to_rdflib(t) for t in triple))  # type: ignore[arg-type]
    for path in files:
        try:
            parse_into(g, path)
        except DataError as exc:
            report.problems.append(Problem("ERROR", "syntax", str(path), str(exc)))
    return g


def check_graph(g: Graph, *, shacl: bool = True, shapes: Path | None = None) -> list[Problem]:
    """Ontology checks and SHACL shapes on an rdflib graph, with pyshacl (the cross-check of :func:`check_store`)."""
    ontology = _rdflib_ontology()
    names = _graph_names(g)
    problems = _rdflib_ontology_checks(g, ontology, names)
    if shacl:
        problems += _shacl(g, ontology, shapes or resources.shapes_file(), names)
    return problems


def _rdflib_ontology() -> Graph:
    from rdflib import Graph

    return Graph().parse(resources.ontology_file())


def _graph_names(g: Graph) -> _Names:
    from rdflib import BNode

    def incoming() -> Iterable[tuple[str, ...]]:
        for s, p, o in g:
            if isinstance(o, BNode):
                yield f"_:{o}", _lexical(s), str(p)

    return _Names(incoming)


def _lexical(term: Any) -> str:
    from rdflib import BNode

    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _rdflib_ontology_checks(g: Graph, ontology: Graph, names: _Names) -> list[Problem]:
    from rdflib import OWL, RDF, RDFS, URIRef
    from rdflib.collection import Collection

    def name(term: Any) -> str:
        return names(_lexical(term))

    problems: list[Problem] = []
    declared = {str(s) for s in ontology.subjects() if str(s).startswith(vocab.EXO)}
    for s, p, o in g:
        for term in (p, o if p == RDF.type else None):
            if term is not None and str(term).startswith(vocab.EXO) and str(term) not in declared:
                problems.append(
                    Problem(
                        "ERROR",
                        "undeclared-term",
                        name(s),
                        f"'{vocab.shorten(str(term))}' is not declared in the exograph ontology; fix the spelling",
                    )
                )

    parents: dict[str, set[str]] = {}
    for sub, _, sup in ontology.triples((None, RDFS.subClassOf, None)):
        parents.setdefault(str(sub), set()).add(str(sup))

    def ancestors(cls: str) -> set[str]:
        return closure([cls], parents)

    def allowed(prop: URIRef, which: URIRef) -> set[str] | None:
        value = ontology.value(prop, which)
        if value is None:
            return None
        union = ontology.value(value, OWL.unionOf)
        return {str(c) for c in Collection(ontology, union)} if union is not None else {str(value)}

    supers: dict[str, set[str]] = {}
    for sub, _, sup in ontology.triples((None, RDFS.subPropertyOf, None)):
        supers.setdefault(str(sub), set()).add(str(sup))

    for local in vocab.PREDICATES:
        prop = URIRef(vocab.EXO + local)
        lineage = [str(prop), *sorted(closure([str(prop)], supers) - {str(prop)})]  # its own domain and range, then those it inherits
        for s, _, o in g.triples((None, prop, None)):
            for node, role in ((s, "subject"), (o, "object")):
                types = {str(t) for t in g.objects(node, RDF.type)}
                if not types:
                    problems.append(Problem("WARNING", "untyped-entity", name(node), "has no rdf:type; give it an exograph class"))
                    continue
                for each in lineage:
                    classes = allowed(URIRef(each), RDFS.domain if role == "subject" else RDFS.range)
                    if classes and not any(ancestors(t) & classes for t in types):
                        problems.append(_mistyped(f"{name(s)} {local} {name(o)}", role, classes, local, each))

    statement = URIRef(vocab.EXO + "Statement")
    reified = set()
    for st in g.subjects(RDF.type, statement):
        triple = (g.value(st, RDF.subject), g.value(st, RDF.predicate), g.value(st, RDF.object))
        if None not in triple:
            reified.add(triple)
            if triple not in g:
                problems.append(
                    Problem(
                        "ERROR",
                        "missing-plain-triple",
                        name(st),
                        "the statement's plain triple is not in the graph; add it so simple queries find the relation",
                    )
                )
    for local in vocab.PREDICATES:
        for triple in g.triples((None, URIRef(vocab.EXO + local), None)):
            if triple not in reified:
                problems.append(
                    Problem(
                        "INFO",
                        "no-evidence",
                        f"{name(triple[0])} {local} {name(triple[2])}",
                        "a plain triple without a statement carries no evidence",
                    )
                )
    return sorted(set(problems))  # an untyped entity is reported once, however often it is used


def _shacl(g: Graph, ontology: Graph, shapes: Path, names: Callable[[str], str]) -> list[Problem]:
    from pyshacl import validate as shacl_validate
    from rdflib import RDF, Graph, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    shapes_graph = Graph().parse(shapes)
    _, results, _ = shacl_validate(g, shacl_graph=shapes_graph, ont_graph=ontology, inference="none", abort_on_first=False, allow_warnings=True)
    problems = []
    for result in results.subjects(RDF.type, sh.ValidationResult):
        focus = results.value(result, sh.focusNode)
        path = results.value(result, sh.resultPath)
        message = results.value(result, sh.resultMessage)
        severity = str(results.value(result, sh.resultSeverity))
        problems.append(_problem(_lexical(focus), None if path is None else str(path), severity, str(message), names))
    return problems
