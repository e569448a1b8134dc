"""The source review's text: where to find it and whether a quote occurs in it.

The article is not part of the repository; it is read from ``EXOGRAPH_REVIEW`` or the default
``../shared/sources/review-exosomes-in-cancer.txt`` beside the checkout.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from exograph.model import Problem, Relation

ENV_VAR = "EXOGRAPH_REVIEW"
DEFAULT_RELATIVE = Path("..") / "shared" / "sources" / "review-exosomes-in-cancer.txt"

_BREAK = "\u00ad"  # marks a hyphen at a line break: the word may or may not keep it


def default_review_path(repo_root: Path | None = None) -> Path:
    """``$EXOGRAPH_REVIEW`` if set, else ../shared/sources/... next to the repository."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    root = repo_root or Path.cwd()
    return (root / DEFAULT_RELATIVE).resolve()


def normalise(text: str) -> str:
    """Collapse white space; a hyphen that ends a line becomes an optional-hyphen marker."""
    text = re.sub(r"-[ \t]*\r?\n\s*", _BREAK, text)
    return " ".join(text.split())


class ReviewText:
    """The review's text, searchable for verbatim quotes."""

    def __init__(self, text: str) -> None:
        self.text = normalise(text)

    @classmethod
    def read(cls, path: Path) -> ReviewText:
        return cls(path.read_text(encoding="utf-8"))

    def contains(self, quote: str) -> bool:
        """True when ``quote`` occurs verbatim, allowing words broken across lines to be joined."""
        pattern = _quote_pattern(" ".join(quote.split()))
        return pattern.search(self.text) is not None


def _quote_pattern(quote: str) -> re.Pattern[str]:
    parts = []
    for char in quote:
        if char == "-":
            parts.append(f"(?:-|{_BREAK})")
        else:
            parts.append(re.escape(char) + f"{_BREAK}?")
    return re.compile("".join(parts))


def check_quotes(relations: Iterable[Relation], review: ReviewText) -> list[Problem]:
    """One ERROR for every evidence whose quote is not in the review."""
    problems = []
    for rel in relations:
        for ev in rel.evidences:
            if ev.publication is not None:
                problems.append(
                    Problem(
                        "INFO",
                        "quote-not-checked",
                        ev.where or rel.local_id,
                        f"the quote is from {ev.publication}, whose text exograph does not hold; check it against the paper",
                    )
                )
            elif not review.contains(ev.quote):
                problems.append(
                    Problem(
                        "ERROR",
                        "quote-not-found",
                        ev.where or rel.local_id,
                        f"quote not found in the review: '{ev.quote[:60]}...'; copy it verbatim from the text",
                    )
                )
    return problems
