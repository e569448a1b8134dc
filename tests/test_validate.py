"""Validation collects every problem, grouped by kind, and never stops at the first."""

from exograph.validate import validate

from .conftest import FIXTURES


def test_packaged_graph_is_valid():
    report = validate()
    assert report.errors == [] and report.as_dict()["valid"] is True


def test_invalid_graph_problems_are_all_collected():
    report = validate([FIXTURES / "invalid.ttl"])
    assert report.counts() == {
        "ERROR bad-range": 1,
        "ERROR missing-plain-triple": 1,
        "ERROR shacl-evidence": 2,
        "ERROR shacl-negated": 1,
        "ERROR undeclared-term": 1,
    }
    by_code = {p.code: p for p in report.problems}
    assert by_code["undeclared-term"].message.startswith("'exo:tragets' is not declared")
    assert "exo:GeneOrProtein" in by_code["bad-range"].message


def test_plain_triples_without_evidence_are_info_only():
    report = validate([FIXTURES / "tiny.ttl"])
    assert [p.code for p in report.problems if p.level != "INFO"] == []
    assert [p.code for p in report.problems] == ["no-evidence"]


def test_malformed_file_is_one_syntax_problem():
    report = validate([FIXTURES / "malformed.ttl"])
    assert [(p.level, p.code) for p in report.problems] == [("ERROR", "syntax")]
    assert ":3:" in report.problems[0].message


def test_curation_problems_name_file_and_line():
    report = validate(curation_dir=FIXTURES / "curation-bad")
    subjects = {p.code: p.subject for p in report.problems}
    assert subjects["unknown-predicate"].endswith("relations/bad.tsv:3")
    assert subjects["bad-xref"].endswith("entities.tsv:4")
    assert subjects["unknown-type"].endswith("entities.tsv:6")
