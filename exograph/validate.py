"""Checks of a graph against the ontology and the SHACL shapes, and of curation tables.

Every check collects :class:`~exograph.model.Problem` records (ERROR / WARNING / INFO) and goes
on; nothing stops at the first problem.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exograph import resources, vocab
from exograph.errors import DataError
from exograph.model import Problem

if TYPE_CHECKING:
    from rdflib import Graph

    from exograph.store import Store


@dataclass
class Report:
    """The problems found, sorted; ``errors`` decides the exit code."""

    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "ERROR"]

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(f"{p.level} {p.code}" for p in self.problems).items()))

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "valid": not self.errors,
            "counts": self.counts(),
            "problems": [{"level": p.level, "code": p.code, "subject": p.subject, "message": p.message} for p in self.problems],
        }


def validate(
    paths: Sequence[Path] | None = None,
    *,
    curation_dir: Path | None = None,
    review_path: Path | None = None,
    shacl: bool = True,
    store: Store | None = None,
) -> Report:
    """Validate RDF files (default: the packaged graph), or the default graph of ``store``, and,
    optionally, a curation directory."""
    from rdflib import Graph

    from exograph.io.turtle import parse_into
    from exograph.store.rdflib import to_rdflib

    report = Report()
    g = Graph()
    if store is not None:
        report.checked.append(str(getattr(store, "path", None) or store))
        for triple in store.triples():
            g.add(tuple(to_rdflib(t) for t in triple))  # type: ignore[arg-type]
    for path in [] if store is not None else list(paths) if paths else [resources.packaged_triples()]:
        report.checked.append(str(path))
        try:
            parse_into(g, path)
        except DataError as exc:
            report.problems.append(Problem("ERROR", "syntax", str(path), str(exc)))
    if not report.errors:
        report.problems += check_graph(g, shacl=shacl)
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


def check_graph(g: Graph, *, shacl: bool = True) -> list[Problem]:
    """Ontology checks (declared terms, domains and ranges, reification) and SHACL shapes."""
    ontology = _ontology()
    problems = _ontology_checks(g, ontology)
    if shacl:
        problems += _shacl(g, ontology)
    return problems


def _ontology() -> Graph:
    from rdflib import Graph

    return Graph().parse(resources.ontology_file())


def _ontology_checks(g: Graph, ontology: Graph) -> list[Problem]:
    from rdflib import OWL, RDF, RDFS, URIRef
    from rdflib.collection import Collection

    problems: list[Problem] = []
    declared = {str(s) for s in ontology.subjects() if str(s).startswith(vocab.EXO)}
    for s, p, o in g:
        for term in (p, o if p == RDF.type else None):
            if term is not None and str(term).startswith(vocab.EXO) and str(term) not in declared:
                problems.append(
                    Problem(
                        "ERROR",
                        "undeclared-term",
                        vocab.shorten(str(s)),
                        f"'{vocab.shorten(str(term))}' is not declared in the exograph ontology; fix the spelling",
                    )
                )

    parents: dict[str, set[str]] = {}
    for sub, _, sup in ontology.triples((None, RDFS.subClassOf, None)):
        parents.setdefault(str(sub), set()).add(str(sup))

    def ancestors(cls: str) -> set[str]:
        seen, stack = {cls}, [cls]
        while stack:
            for sup in parents.get(stack.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    stack.append(sup)
        return seen

    def allowed(prop: URIRef, which: URIRef) -> set[str] | None:
        value = ontology.value(prop, which)
        if value is None:
            return None
        union = ontology.value(value, OWL.unionOf)
        return {str(c) for c in Collection(ontology, union)} if union is not None else {str(value)}

    for local in vocab.PREDICATES:
        prop = URIRef(vocab.EXO + local)
        domain, rng = allowed(prop, RDFS.domain), allowed(prop, RDFS.range)
        for s, _, o in g.triples((None, prop, None)):
            for node, classes, role in ((s, domain, "subject"), (o, rng, "object")):
                types = {str(t) for t in g.objects(node, RDF.type)}
                if not types:
                    problems.append(Problem("WARNING", "untyped-entity", vocab.shorten(str(node)), "has no rdf:type; give it an exograph class"))
                    continue
                if classes and not any(ancestors(t) & classes for t in types):
                    expected = " or ".join(sorted(vocab.shorten(c) for c in classes))
                    problems.append(
                        Problem(
                            "ERROR",
                            f"bad-{'domain' if role == 'subject' else 'range'}",
                            f"{vocab.shorten(str(s))} {local} {vocab.shorten(str(o))}",
                            f"the {role} must be an instance of {expected}",
                        )
                    )

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
                        vocab.shorten(str(st)),
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
                        f"{vocab.shorten(str(triple[0]))} {local} {vocab.shorten(str(triple[2]))}",
                        "a plain triple without a statement carries no evidence",
                    )
                )
    return sorted(set(problems))  # an untyped entity is reported once, however often it is used


def _shacl(g: Graph, ontology: Graph) -> list[Problem]:
    from pyshacl import validate as shacl_validate
    from rdflib import RDF, Graph, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    shapes = Graph().parse(resources.shapes_file())
    _, results, _ = shacl_validate(g, shacl_graph=shapes, ont_graph=ontology, inference="none", abort_on_first=False, allow_warnings=True)
    problems = []
    for result in results.subjects(RDF.type, sh.ValidationResult):
        focus = results.value(result, sh.focusNode)
        path = results.value(result, sh.resultPath)
        message = results.value(result, sh.resultMessage)
        severity = str(results.value(result, sh.resultSeverity)).rsplit("#", 1)[-1]
        level = {"Violation": "ERROR", "Warning": "WARNING"}.get(severity, "INFO")
        code = f"shacl-{vocab.local_name(str(path))}" if path is not None else "shacl"
        problems.append(Problem(level, code, vocab.shorten(str(focus)), str(message)))  # type: ignore[arg-type]
    return problems
