"""exograph's N-Triples reader gives what pyoxigraph's parser gives, triple for triple, for any valid N-Triples."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest

from exograph import resources, vocab
from exograph.index import WATCHED, Facts, build_database, watch
from exograph.io import ntriples
from exograph.io.ntriples import BNODE, IRI, LITERAL, TripleTermError, add_into, read_into
from exograph.store.oxigraph import OxigraphStore, rdf_format

from .conftest import FIXTURES
from .test_store import dump

TRICKY = FIXTURES / "tricky.nt"
ENT = vocab.ENTITY


def read_both(path: Path, predicates=WATCHED, prefix: str = "f0-") -> tuple[dict, dict]:
    """The triples of ``predicates`` in ``path`` as exograph's reader gives them and as pyoxigraph's
    parser does, every occurrence kept (a list each), in a comparable order."""
    fast: dict = defaultdict(list)
    slow: dict = defaultdict(list)
    read_into(path, predicates, fast, blank_prefix=prefix)
    add_into(ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES), predicates, slow, blank_prefix=prefix)
    return _sorted(fast), _sorted(slow)


def _sorted(triples: dict) -> dict:
    return {key: sorted(pairs) for key, pairs in triples.items() if pairs}


def as_ntriples(sources: list[Path], target: Path) -> Path:
    """The triples of ``sources`` written as N-Triples by pyoxigraph."""
    store = ox.Store()
    for source in sources:
        store.load(path=str(source), format=rdf_format(source))
    store.dump(str(target), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return target


def facts_of(paths: list[Path]) -> Facts:
    facts = Facts()
    for number, path in enumerate(paths):
        watch(path, rdf_format(path), facts, prefix=f"f{number}-")
    return facts


def test_the_tricky_fixture_reads_as_pyoxigraph_reads_it(monkeypatch):
    """Escapes in literals and IRIs (a predicate's too), language tags (upper case, a direction),
    datatypes, blank nodes (a label with a dot, one right before the final dot), comments, blank
    lines, tabs, runs of spaces, no spaces, CRLF and a bare CR, raw UTF-8, a triple twice."""
    handed: list[str] = []
    parse = ntriples.parse_lines_into

    def counting(lines, *args, **kwargs):
        handed.extend(lines)
        return parse(lines, *args, **kwargs)

    monkeypatch.setattr(ntriples, "parse_lines_into", counting)
    fast, slow = read_both(TRICKY)
    assert fast == slow
    label, alt, targets = vocab.RDFS + "label", vocab.SKOS + "altLabel", vocab.EXO + "targets"
    names = dict(fast)[alt, IRI, LITERAL]
    assert (ENT + "miRNA-21", 'oncomiR "21", a back\\slash, a\ttab and a\nnewline') in names
    assert (ENT + "miRNA-21", "café 😀 κ") in names and (ENT + "miRNA-21", "Müller κB 😀") in names
    assert (ENT + "GENE1", "GENE one") in names and (ENT + "GENE1", "g-one") in names and (ENT + "miRNA-21", "") in names
    assert fast[targets, IRI, IRI] == [(ENT + "miRNA-21", ENT + "GENE1")] * 2 + [(ENT + "miRNA-21", ENT + "GENE2")]  # the escaped predicate too
    assert (ENT + "GENE2", "the last line") in names  # the last line has no line end
    s1, s2 = "https://w3id.org/exograph/statement/s1", "https://w3id.org/exograph/statement/s2"
    assert fast[vocab.EXO + "evidence", IRI, BNODE] == [(s1, "_:f0-e.2"), (s1, "_:f0-e1"), (s2, "_:f0-e1")]  # an evidence of two statements
    assert ("_:f0-b1", "a blank node's label") in fast[label, BNODE, LITERAL]
    # exograph reads the lines written plainly itself (one space between terms, no escape, no
    # blank node), and hands the others that hold a triple to pyoxigraph
    import re

    plain = re.compile(r'<[^<>"\s\\]*> <[^<>"\s\\]*> (?:<[^<>"\s\\]*>|"[^"\\]*"(?:@[\w-]+|\^\^<[^>]*>)?) \.')
    lines = [line for line in TRICKY.read_text(encoding="utf-8").replace("\r", "\n").splitlines() if line.strip() and not line.startswith("#")]
    assert sorted(line.strip() for line in handed) == sorted(line.strip() for line in lines if not plain.fullmatch(line)) and len(handed) == 21


@pytest.mark.parametrize("block", [1, 7, 64, 1000])
def test_lines_cut_by_the_blocks_read_are_read_whole(monkeypatch, block: int):
    """A line, a UTF-8 character or a CRLF pair cut between two blocks of the file."""
    monkeypatch.setattr(ntriples, "_BLOCK", block)
    monkeypatch.setattr(ntriples, "_ODD_BATCH", 3)
    fast, slow = read_both(TRICKY)
    assert fast == slow


def test_the_packaged_graph_as_ntriples_reads_as_pyoxigraph_reads_it(tmp_path: Path):
    """The packaged graph and ontology written as N-Triples by pyoxigraph, and by rdflib; the
    index from the facts equals the store's own."""
    from rdflib import Graph

    sources = [resources.packaged_triples(), resources.ontology_file()]
    by_pyoxigraph = as_ntriples(sources, tmp_path / "packaged.nt")
    graph = Graph()
    for source in sources:
        graph.parse(source, format="turtle")
    by_rdflib = tmp_path / "packaged-rdflib.nt"
    graph.serialize(by_rdflib, format="nt", encoding="utf-8")
    for path in (by_pyoxigraph, by_rdflib):
        fast, slow = read_both(path)
        assert fast == slow and len(fast) > 20
        facts = facts_of([path])
        assert facts.usable
        assert dump(build_database(None, facts=facts, triples=0)) == dump(build_database(OxigraphStore.memory([path]), triples=0))


def test_a_synthetic_graph_of_100k_triples_reads_as_pyoxigraph_reads_it(tmp_path: Path):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    from synthetic import generate

    generate(tmp_path / "g.nt", 100_000)
    fast, slow = read_both(tmp_path / "g.nt")
    assert fast == slow
    assert sum(map(len, fast.values())) > 70_000


def test_the_facts_of_both_readers_give_the_same_index():
    """The facts as exograph's reader gathers them, and as pyoxigraph's parser gives them, make
    the same index, which is the one the store's own queries give."""
    by_reader = facts_of([TRICKY])
    by_pyoxigraph = Facts()
    add_into(ox.parse(path=str(TRICKY), format=ox.RdfFormat.N_TRIPLES), WATCHED, by_pyoxigraph.triples, blank_prefix="f0-")
    assert by_reader.usable and by_pyoxigraph.usable
    assert _sorted(by_reader.triples) == _sorted(by_pyoxigraph.triples)
    index = dump(build_database(None, facts=by_reader, triples=0))
    assert index == dump(build_database(None, facts=by_pyoxigraph, triples=0)) == dump(build_database(OxigraphStore.memory([TRICKY]), triples=0))
    relations = {key for _, key in index["edges"]}
    assert {"https://w3id.org/exograph/statement/s1", "https://w3id.org/exograph/statement/s2", f"{ENT}miRNA-21|{vocab.EXO}targets|{ENT}GENE1"} == relations


def test_a_triple_term_in_a_triple_the_index_reads_refuses_the_facts(tmp_path: Path):
    """A triple term (RDF 1.2) has no lexical form: the index is then asked of the store. In a
    triple of a predicate the index does not read, it changes nothing."""
    unread = tmp_path / "unread.nt"
    unread.write_text(f"<{ENT}a> <http://example.org/said> <<( <{ENT}a> <{vocab.EXO}targets> <{ENT}b> )>> .\n", encoding="utf-8")
    read = tmp_path / "read.nt"
    read.write_text(f"<{ENT}a> <{vocab.RDFS}label> <<( <{ENT}a> <{vocab.EXO}targets> <{ENT}b> )>> .\n", encoding="utf-8")
    assert facts_of([unread]).usable
    with pytest.raises(TripleTermError):
        read_into(read, WATCHED, defaultdict(list))
    facts = facts_of([read])
    assert facts.refused and not facts.usable


def test_a_blank_node_statement_makes_the_facts_unusable(tmp_path: Path):
    """A blank node's label does not survive loading; a statement that is one, or whose subject is
    one, is indexed from the store instead."""
    statement = tmp_path / "statement.nt"
    statement.write_text(f"_:s <{vocab.RDF}type> <{vocab.EXO}Statement> .\n", encoding="utf-8")
    subject = tmp_path / "subject.nt"
    subject.write_text(f"<{ENT}st> <{vocab.RDF}subject> _:x .\n", encoding="utf-8")
    assert not facts_of([statement]).usable and not facts_of([subject]).usable
    assert not facts_of([statement]).refused


def test_a_file_that_is_not_utf8_is_not_read(tmp_path: Path):
    path = tmp_path / "latin1.nt"
    path.write_bytes(f'<{ENT}a> <{vocab.RDFS}label> "M'.encode() + b'\xfcller" .\n')
    with pytest.raises(UnicodeDecodeError):
        read_into(path, WATCHED, defaultdict(list))


def test_only_the_predicates_asked_for_are_read():
    fast, slow = read_both(TRICKY, predicates={vocab.RDFS + "label"})
    assert fast == slow and {p for p, _, _ in fast} == {vocab.RDFS + "label"}
