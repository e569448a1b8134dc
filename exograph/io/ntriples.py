"""N-Triples in, fast: the triples of a few predicates picked out of a file of millions of lines.

``exograph load`` gathers what the index needs while Oxigraph bulk-loads the same file, on the
processor time Oxigraph leaves. A parser that makes a Python object of every term costs more than
the load itself at 10M triples; this reader finds the lines whose predicate is wanted with one
regular expression over each block of the file, and takes their terms' lexical forms as slices of
it. A line it does not read itself (an escape, a blank node, a triple term, a comment, white space
other than one space between the terms) is handed to pyoxigraph, a few thousand at a time, so that
it gives exactly what pyoxigraph's parser gives for any valid N-Triples. What it gives for a file
that is not valid N-Triples is unspecified (Oxigraph refuses to load that file).

Both readers add to the same shape, :data:`Triples`: (predicate, subject kind, object kind) -> the
(subject, object) lexical forms, the keys of a dict (each once) or a list (as often as they come), as the
mapping makes them for a key it lacks. A blank node's lexical form is ``_:`` + a prefix + its label
(the prefix keeps one file's blank nodes apart from another's); a literal's is its text (its
language tag or datatype is left out). A subject, or an IRI object, is one string however many
lines name it (interned): less memory, and dictionaries keyed by them compare by identity.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from sys import intern
from typing import Any

IRI, BNODE, LITERAL = 0, 1, 2  #: kinds of term

Pairs = dict[tuple[str, str], None] | list[tuple[str, str]]  #: a dict (its keys): each pair once, in the order they came
Triples = dict[tuple[str, int, int], Pairs]  #: a mapping that makes the container of a key it lacks (a defaultdict)

_BLOCK = 1 << 16  #: bytes read at a time (a block and what the expression makes of it stay in the cache: 4 MB blocks take 1.6 times longer)
_ODD_BATCH = 5000  #: lines handed to pyoxigraph at a time


class TripleTermError(ValueError):
    """A wanted triple has a triple term (RDF 1.2) for subject or object, which has no lexical form here."""


def read_into(path: Path, predicates: Collection[str], into: Triples, *, blank_prefix: str = "") -> None:
    """Add the triples of the N-Triples file ``path`` whose predicate is one of ``predicates``
    (IRIs) to ``into``. ``blank_prefix`` goes before every blank node label. Raises what pyoxigraph
    raises for a line it is handed and cannot parse (SyntaxError), UnicodeDecodeError for a file
    that is not UTF-8, and :class:`TripleTermError`."""
    plain = {f"<{p}>": _adder(into[p, IRI, IRI]) for p in predicates}  #: <s> <p> <o> .
    literal = {f"<{p}>": _adder(into[p, IRI, LITERAL]) for p in predicates}  #: <s> <p> "o" .
    matches = _pattern(plain).findall
    odd: list[str] = []
    subject = ""
    with open(path, "rb") as handle:
        pending = b""  # the line the last block ended in, as far as it went
        while True:
            data = handle.read(_BLOCK)
            last = not data
            if b"\r" in data:  # a carriage return ends a line as a newline does, and is nowhere else in valid N-Triples
                data = data.replace(b"\r", b"\n")
            data = pending + data
            cut = len(data) if last else data.rfind(b"\n") + 1
            pending = data[cut:]
            if not cut and not last:  # no line ends in this block: read on
                continue
            # whole lines (so whole UTF-8 sequences), each after a newline and before one
            block = "\n" + data[:cut].decode() + ("\n" if last else "")
            if "\\" in block:  # an escape: every line with a backslash goes to pyoxigraph, once
                block, escaped = _without_escapes(block)
                odd += escaped
            for s, p, o_iri, o_literal, other in matches(block):
                if other:
                    odd.append(other)
                    continue
                if s != subject:  # a subject's triples mostly follow one another: one string for all
                    subject = intern(s)
                if o_iri:
                    plain[p]((subject, intern(o_iri)))
                else:
                    literal[p]((subject, o_literal))
            if len(odd) >= _ODD_BATCH or last:
                parse_lines_into(odd, predicates, into, blank_prefix=blank_prefix)
                odd.clear()
            if last:
                return


def _without_escapes(block: str) -> tuple[str, list[str]]:
    """``block`` without the lines that hold a backslash, and those lines."""
    pieces, escaped = [], []
    start, at = 0, block.find("\\")
    while at != -1:
        begin, end = block.rfind("\n", 0, at), block.find("\n", at)  # the newlines around its line
        pieces.append(block[start:begin])
        escaped.append(block[begin + 1 : end])
        start, at = end, block.find("\\", end)
    pieces.append(block[start:])
    return "".join(pieces), escaped


def parse_lines_into(lines: list[str], predicates: Collection[str], into: Triples, *, blank_prefix: str = "") -> None:
    """Add the triples of whole N-Triples lines, parsed by pyoxigraph, to ``into``."""
    if lines:
        import pyoxigraph as ox

        add_into(ox.parse(input="\n".join(lines).encode() + b"\n", format=ox.RdfFormat.N_TRIPLES), predicates, into, blank_prefix=blank_prefix)


def add_into(triples: Iterable[Any], predicates: Collection[str], into: Triples, *, blank_prefix: str = "") -> None:
    """Add pyoxigraph triples or quads (their graph is not looked at) whose predicate is one of
    ``predicates`` to ``into``; raises :class:`TripleTermError`."""
    import pyoxigraph as ox

    kinds = {ox.NamedNode: IRI, ox.BlankNode: BNODE, ox.Literal: LITERAL}
    prefix = "_:" + blank_prefix
    found: dict[tuple[str, int, int], list[tuple[str, str]]] = defaultdict(list)
    for triple in triples:
        p = triple.predicate.value
        if p not in predicates:
            continue
        s, o = triple.subject, triple.object
        s_kind, o_kind = kinds.get(type(s)), kinds.get(type(o))
        if s_kind is None or o_kind is None:
            raise TripleTermError(f"a triple term in a triple of <{p}>; exograph reads such files from the store instead")
        subject = prefix + s.value if s_kind == BNODE else s.value
        found[p, s_kind, o_kind].append((intern(subject), intern(prefix + o.value) if o_kind == BNODE else o.value if o_kind == LITERAL else intern(o.value)))
    for key, pairs in found.items():
        container = into[key]
        if isinstance(container, dict):
            container.update(dict.fromkeys(pairs))
        else:
            container.extend(pairs)


def _adder(container: Pairs) -> Callable[[tuple[str, str]], None]:
    return container.setdefault if isinstance(container, dict) else container.append


def _pattern(wanted: Collection[str]) -> re.Pattern[str]:
    """The regular expression of a line with a wanted predicate (``<iri>``; the lines with a
    backslash are taken out before): subject, predicate, and object IRI or literal when the line
    is written plainly (``<s> <p> <o> .``, or ``<s> <p> "literal" .`` with or without a language tag
    or datatype), else the whole line. (Character classes that leave out one character each, and
    possessive repeats, are what Python's engine runs fastest.)"""
    predicate = "<" + _trie(sorted(w[1:] for w in wanted))
    literal_end = r'"(?:@[a-zA-Z]++(?:-[a-zA-Z0-9]++)*+(?:--[a-zA-Z]++)?|\^\^<[^>]*+>)?'
    return re.compile(
        r"\n(?:<([^>]*+)> (" + predicate + r') (?:<([^>]*+)>|"([^"]*+)' + literal_end + r") \.(?=\n)"
        r"|([ \t]*+(?:<[^>]*+>|_:[^\s<]++)[ \t]*+" + predicate + r"[^\n]*+))"
    )


def _trie(words: list[str]) -> str:
    """An alternation of ``words`` (none a prefix of another) as a trie, which a regular expression
    matches in one pass instead of trying each word in turn."""
    heads: dict[str, list[str]] = defaultdict(list)
    for word in words:
        heads[word[0]].append(word[1:])
    branches = []
    for head, tails in sorted(heads.items()):
        stem = head
        while len(tails) > 1 and all(t and t[0] == tails[0][0] for t in tails):  # a shared stem: one literal
            stem += tails[0][0]
            tails = [t[1:] for t in tails]
        branches.append(re.escape(stem + tails[0]) if len(tails) == 1 else re.escape(stem) + _trie(tails))
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
