"""Compile the curation tables into ``data/triples.ttl``, deterministically."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from exograph import resources
from exograph.errors import CurationError
from exograph.io.curation import Curation, read_curation
from exograph.io.review import ReviewText, check_quotes, default_review_path
from exograph.model import Problem


@dataclass
class BuildReport:
    """What ``build`` did."""

    output: Path
    entities: int
    relations: int
    evidences: int
    changed: bool
    quotes_checked: bool
    review_path: Path
    problems: list[Problem] = field(default_factory=list)


def compile_text(curation: Curation) -> str:
    """The Turtle text of a curation (the same input always gives the same bytes)."""
    from exograph.io.compile import compile_graph
    from exograph.io.turtle import rdflib_triples, turtle_text

    entities = sorted(curation.entities.values(), key=lambda e: e.id)
    return turtle_text(rdflib_triples(compile_graph(entities, curation.relations, curation.broader)))


def curation_problems(curation_dir: Path, review_path: Path | None = None) -> tuple[Curation, list[Problem], bool]:
    """Read and check a curation: its own problems plus quotes missing from the review.

    Returns the curation, the problems and whether the quotes could be checked (the review's
    text was found).
    """
    curation = read_curation(curation_dir)
    problems = list(curation.problems)
    review_path = review_path or default_review_path(resources.repo_root())
    checked = review_path.is_file()
    if checked:
        problems += check_quotes(curation.relations, ReviewText.read(review_path))
    return curation, problems, checked


def build(curation_dir: Path | None = None, output: Path | None = None, review_path: Path | None = None) -> BuildReport:
    """Compile ``curation_dir`` into ``output``; raises CurationError and writes nothing on errors."""
    curation_dir = curation_dir or resources.curation_dir()
    output = output or resources.packaged_triples()
    review_path = review_path or default_review_path(resources.repo_root())
    curation, problems, checked = curation_problems(curation_dir, review_path)
    errors = [p for p in problems if p.level == "ERROR"]
    if errors:
        more = f" (and {len(errors) - 1} more; run 'exograph validate --curation')" if len(errors) > 1 else ""
        first = errors[0]
        raise CurationError(f"{first.subject}: {first.message}{more}")
    text = compile_text(curation)
    old = output.read_text(encoding="utf-8") if output.is_file() else None
    if old != text:
        from exograph.io.turtle import write_text_atomic

        write_text_atomic(output, text)
    return BuildReport(
        output=output,
        entities=len(curation.entities),
        relations=len(curation.relations),
        evidences=sum(len(r.evidences) for r in curation.relations),
        changed=old != text,
        quotes_checked=checked,
        review_path=review_path,
        problems=problems,
    )
