"""Validation collects every problem, grouped by kind, and never stops at the first."""

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from exograph import resources
from exograph.cli import cli
from exograph.errors import ExographError
from exograph.store.oxigraph import OxigraphStore
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


def test_every_malformed_file_is_one_syntax_problem(tmp_path):
    other = tmp_path / "other.ttl"
    other.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    report = validate([FIXTURES / "malformed.ttl", FIXTURES / "tiny.ttl", other])
    messages = {p.subject: p.message for p in report.problems if p.code == "syntax"}
    assert len(report.problems) == 2 and set(messages) == {str(FIXTURES / "malformed.ttl"), str(other)}
    assert messages[str(other)].startswith(f"{other}:2: ")


class CountingStore:
    """A store that answers through Store.query only (as an endpoint would), counting the queries."""

    concurrent = False  # one query at a time, as an endpoint store asks

    def __init__(self, inner):
        self.inner, self.queries = inner, 0

    def query(self, sparql, **options):
        self.queries += 1
        return self.inner.query(sparql, **options)

    def triples(self, *pattern, **options):
        return self.inner.triples(*pattern, **options)

    def graphs(self):
        return self.inner.graphs()

    def __len__(self):
        return len(self.inner)

    @property
    def fingerprint(self):
        return None


@pytest.mark.parametrize("path", [resources.packaged_triples(), FIXTURES / "ontology-broken.ttl", FIXTURES / "shacl-broken.ttl"])
def test_the_checks_are_a_handful_of_queries_whatever_the_graph(path):
    store = CountingStore(OxigraphStore.memory([path]))
    assert validate(store=store).problems == validate([path]).problems
    assert store.queries <= 6  # undeclared terms, relation triples, statements, subclasses, the shapes, blank nodes


def test_an_unknown_engine_is_refused():
    with pytest.raises(ExographError, match="unknown validation engine 'shacl'; use one of: native, pyshacl"):
        validate(engine="shacl")


def validate_in_a_fresh_interpreter(*options: str) -> tuple[dict, list[str]]:
    """The JSON report of 'exograph validate' run in a new interpreter, and which of rdflib and pyshacl it imported."""
    probe = (
        "import json, sys\n"
        "from exograph.cli import cli\n"
        f"cli.main(['validate', '--format', 'json', *{list(options)!r}], standalone_mode=False)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'rdflib', 'pyshacl'})))\n"
    )
    proc = subprocess.run([sys.executable, "-W", "ignore", "-c", probe], capture_output=True, text=True, check=True)
    report, _, loaded = proc.stdout.rstrip("\n").rpartition("\n")
    return json.loads(report), json.loads(loaded)


def test_the_cli_validates_without_rdflib_or_pyshacl():
    report, loaded = validate_in_a_fresh_interpreter()
    assert report["valid"] is True and report["problems"] == [] and loaded == []


def test_the_cli_engine_pyshacl_runs_the_old_checks_and_agrees():
    report, loaded = validate_in_a_fresh_interpreter("--engine", "pyshacl")
    assert report["valid"] is True and loaded == ["pyshacl", "rdflib"]
    native = CliRunner().invoke(cli, ["validate", str(FIXTURES / "invalid.ttl")])
    reference = CliRunner().invoke(cli, ["validate", "--engine", "pyshacl", str(FIXTURES / "invalid.ttl")])
    assert native.exit_code == reference.exit_code == 1 and native.stdout == reference.stdout
    assert "ERROR shacl-evidence (2)" in reference.stdout


def test_a_relation_meets_the_domain_and_range_it_inherits(tmp_path):
    """exo:inhibits specialises exo:regulates: a subject or object outside regulates' domain or
    range is an error for inhibits too (both engines), and the ontology's own subproperties stay
    within their parents' domains and ranges (once, inhibits admitted a Drug regulates does not)."""
    from exograph import resources
    from exograph.validate import Ontology, validate

    ontology = Ontology.read(resources.ontology_file())
    for sub, sup in ontology.subproperties:
        for table in (ontology.domains, ontology.ranges):
            own, inherited = table.get(sub), table.get(sup)
            if own and inherited:
                assert all(ontology.ancestors(c) & inherited for c in own), (sub, sup)
    data = tmp_path / "inherited.ttl"
    data.write_text(
        "@prefix exo: <https://w3id.org/exograph/ontology#> . @prefix ent: <https://w3id.org/exograph/entity/> .\n"
        "ent:m a exo:MicroRNA . ent:c a exo:CancerType .\n"
        "ent:m exo:inhibits ent:c .\n",
        encoding="utf-8",
    )
    for engine in ("native", "pyshacl"):
        problems = sorted(p.message for p in validate([data], engine=engine).problems if p.code == "bad-range")
        assert problems == [
            "the object must be an instance of exo:BiologicalProcess or exo:MolecularEntity or exo:SignallingPathway"
            " (the range of regulates, which inhibits specialises)",
            "the object must be an instance of exo:MolecularEntity or exo:SignallingPathway",
        ], engine
    assert ontology.lineage(vocab_iri("inhibits")) == [vocab_iri("inhibits"), vocab_iri("regulates")]


def vocab_iri(local: str) -> str:
    from exograph import vocab

    return vocab.EXO + local
