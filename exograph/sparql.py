"""SPARQL query text checked without a SPARQL engine: its form, the dataset it names, and no updates or SERVICE.

The text is read with the terminals of the SPARQL 1.1 grammar (section 19.8), so no keyword hides in an
IRI, a string, a comment or a prefixed name, and nothing inside those reads as a keyword. Where engines
read the same text in more than one way, every reading is checked and a refusal in any of them wins:

- ``<`` inside an expression, after an operand, is less-than for the engines even where an IRI could
  start (``FILTER(?a<'>') SERVICE <x> {} #'``);
- ``\\uXXXX`` escapes are expanded before reading (SPARQL 1.1; rdflib also takes 8 hex digits after
  ``\\u``) or only inside IRIs and strings (Oxigraph, SPARQL 1.2);
- Oxigraph 0.5 matches keywords, ``true`` and ``false`` without a word boundary, so ``SERVICEex:s {}``,
  ``?s ?p trueSERVICE <x> {}`` and ``FILTERex:f(...)`` read there as SERVICE and FILTER.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

from exograph import vocab
from exograph.errors import QueryError, QueryRefusedError

__all__ = ["QueryShape", "analyse"]

_UPDATES_REFUSED = "SPARQL updates are not allowed: exograph queries are read-only"
_SERVICE_REFUSED = "SERVICE is not allowed: exograph never fetches a URL a query names"
_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
_UPDATES = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING", "DATA"})


@dataclass(frozen=True)
class QueryShape:
    """What a query asks for: its form and the graphs its FROM / FROM NAMED clauses name."""

    form: str  #: SELECT, ASK, CONSTRUCT or DESCRIBE
    default_graphs: tuple[str, ...]  #: FROM, absolute IRIs in the order written
    named_graphs: tuple[str, ...]  #: FROM NAMED, absolute IRIs in the order written

    @property
    def names_dataset(self) -> bool:
        """Whether the query names its own dataset (FROM or FROM NAMED)."""
        return bool(self.default_graphs or self.named_graphs)


def analyse(sparql: str, *, prefixes: Mapping[str, str] | None = None, base: str | None = None) -> QueryShape:
    """The form and dataset of ``sparql``, once it is known to be a query an engine may run.

    ``prefixes`` are declared for every query (default: the exograph prefixes); the text's own PREFIX
    declarations override them. Relative IRIs in FROM resolve against the text's BASE, else ``base``.

    Raises :class:`QueryRefusedError` for an update (any keyword of an update form) and for SERVICE,
    and :class:`QueryError` (``malformed SPARQL: line L, column C: ...``) for text that cannot be read
    as SPARQL tokens, that has no SELECT / ASK / CONSTRUCT / DESCRIBE form, or whose dataset cannot be
    told: an undeclared prefix, a relative IRI with no base, a FROM that engines read differently.
    """
    readings = [_Reading(source, sparql) for source in _sources(sparql)]
    complete = [r for r in readings if r.complete]
    if not complete:
        raise readings[0].error or QueryError("malformed SPARQL: line 1, column 1: cannot be read")  # the first reading is the text as written
    if any(r.update for r in complete):
        raise QueryRefusedError(_UPDATES_REFUSED)
    if any(r.service for r in complete):
        raise QueryRefusedError(_SERVICE_REFUSED)
    declared = dict(vocab.PREFIXES if prefixes is None else prefixes)
    shapes = [r.shape(declared, base) for r in complete]
    if any(shape != shapes[0] for shape in shapes):
        escape = _ESCAPE_SPEC.search(sparql) or _ESCAPE_RDFLIB.search(sparql)
        raise _malformed(sparql, escape.start() if escape else 0, "a \\u escape makes engines read this query differently; write the character itself")
    return shapes[0]


# -- terminals of the SPARQL 1.1 grammar (19.8) --------------------------------------------------

_PN_CHARS_BASE = (
    r"A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff"
    r"\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_EXTRA = r"\u00b7\u0300-\u036f\u203f-\u2040"  # beside the base characters, digits, '_' and '-'
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"


class _Names(NamedTuple):
    """The name terminals of the grammar (19.8), for any text or, compiled in a fraction of the time,
    for a text with no character beyond ASCII (where the two read alike): a class of Python's re
    that spans the non-ASCII ranges takes milliseconds to compile, a dozen of them most of a command's start."""

    chars_u: str
    chars: str
    prefix: str
    local: str
    varname: str


@functools.cache
def _names(ascii: bool) -> _Names:
    base = "A-Za-z" if ascii else _PN_CHARS_BASE
    extra = "" if ascii else _PN_CHARS_EXTRA
    chars_u = base + "_"
    chars = chars_u + r"\-0-9" + extra
    prefix = f"[{base}](?:[{chars}.]*[{chars}])?"
    local = f"(?:[{chars_u}:0-9]|{_PLX})(?:(?:[{chars}.:]|{_PLX})*(?:[{chars}:]|{_PLX}))?"
    varname = f"[{chars_u}0-9][{chars_u}0-9{extra}]*"
    return _Names(chars_u, chars, prefix, local, varname)


_ECHAR = r"\\[tbnrf\\\"']"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_EXPONENT = r"[eE][+-]?[0-9]+"
_SKIP = r"(?:[ \t\r\n]+|\#[^\r\n]*)*+"  # WS and comments


@functools.cache
def _terminals(uchar: bool, names: bool = True, ascii: bool = False) -> re.Pattern[str]:
    """One match: white space and comments, then one token (its kind is the group's name) or the end; not
    ``names``: no prefixed name; ``ascii``: for a text with no character beyond ASCII."""
    n = _names(ascii)
    esc = f"{_ECHAR}|{_UCHAR}" if uchar else _ECHAR
    in_iri = f"|{_UCHAR}" if uchar else ""
    return re.compile(
        _SKIP
        + "(?:"
        + f'(?P<iri><(?:[^<>"{{}}|^`\\\\\\x00-\\x20]{in_iri})*+>)'
        + f"|(?P<string>'''(?:(?:''|')?+(?:[^'\\\\]|{esc}))*+'''"
        + f'|"""(?:(?:""|")?+(?:[^"\\\\]|{esc}))*+"""'
        + f"|'(?:[^'\\\\\\n\\r]|{esc})*+'"
        + f'|"(?:[^"\\\\\\n\\r]|{esc})*+")'
        + (f"|(?P<pname>(?:{n.prefix})?:(?:{n.local})?)" if names else "")
        + f"|(?P<bnode>_:[{n.chars_u}0-9](?:[{n.chars}.]*[{n.chars}])?)"
        + f"|(?P<var>[?$]{n.varname})"
        + "|(?P<lang>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)"
        + f"|(?P<number>[+-]?(?:[0-9]+\\.[0-9]*{_EXPONENT}|\\.?[0-9]+{_EXPONENT}|[0-9]*\\.[0-9]+|[0-9]+))"
        + "|(?P<word>[A-Za-z][A-Za-z0-9_]*)"  # keywords, function names, a, true, false
        + "|(?P<nil>\\([ \\t\\r\\n]*\\))|(?P<anon>\\[[ \\t\\r\\n]*\\])"
        + "|(?P<punct>\\^\\^|&&|\\|\\||!=|<=|>=|[{}()\\[\\];,.=<>!+\\-*/^|?])"
        + "|(?P<end>\\Z))"
    )


# Compiling one of these takes ~15 ms (~1 ms for ASCII text): each is compiled on first use (the
# expanded reading only for a text with \u escapes), not at import.
_RAW = True  # the text as written: \u escapes only inside IRIs and strings (uchar=True)
_EXPANDED = False  # the text with its \u escapes expanded


@functools.cache
def _prefix_run(ascii: bool) -> re.Pattern[str]:
    """The characters a prefix may hold from a word on: where a word is no prefix, no prefix starts before their end
    (so a.a.a.a... is read in one pass, not one per a)."""
    return re.compile(f"[{_names(ascii).chars}.]*+")


_SKIP_RE = re.compile(_SKIP)
_ESCAPE_SPEC = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ESCAPE_RDFLIB = re.compile(r"\\u([0-9a-f]{4}(?:[0-9a-f]{4})?)", re.IGNORECASE)
_UCHAR_RE = re.compile(_UCHAR)
_LOCAL_ESCAPE = re.compile(r"\\(.)")  # PN_LOCAL_ESC: the character, without its backslash


@functools.cache
def _oxigraph_local(ascii: bool) -> re.Pattern[str]:
    """A local name as Oxigraph 0.5 reads one: it ends a local name at its second run of dots (it reads
    ex:a.b.SERVICE as ex:a.b . SERVICE)."""
    n = _names(ascii)
    return re.compile(f"(?:[{n.chars_u}:0-9]|{_PLX})(?:[{n.chars}:]|{_PLX})*+(?:\\.++(?:[{n.chars}:]|{_PLX})++)?+")


_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_IRI_PARTS = re.compile(r"(?:([A-Za-z][A-Za-z0-9+.\-]*):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?", re.DOTALL)


class _Source(NamedTuple):
    """A text the terminals read: the query as written, or with its \\u escapes expanded."""

    text: str
    uchar: bool  #: read \u escapes inside IRIs and strings (the text as written), or not (expanded)
    starts: tuple[int, ...] = ()  #: positions in ``text`` just after an expanded escape
    shifts: tuple[int, ...] = ()  #: how many characters the escapes up to there removed

    @property
    def terminals(self) -> re.Pattern[str]:
        return _terminals(self.uchar, ascii=self.text.isascii())

    def original(self, pos: int) -> int:
        """The position in the query of position ``pos`` of ``text``."""
        at = bisect_right(self.starts, pos)
        return pos + (self.shifts[at - 1] if at else 0)


def _sources(sparql: str) -> list[_Source]:
    """The query as written, then each other text its \\u escapes expand to (not one with a code point out of range)."""
    sources = [_Source(sparql, _RAW)]
    if "\\u" in sparql or "\\U" in sparql:
        for escape in (_ESCAPE_SPEC, _ESCAPE_RDFLIB):
            parts: list[str] = []
            starts: list[int] = []
            shifts: list[int] = []
            last = size = shift = 0
            for m in escape.finditer(sparql):
                code = int(m.group(1) or m.group(2), 16)
                if code > 0x10FFFF:
                    break
                parts += [sparql[last : m.start()], chr(code)]
                size += m.start() - last + 1
                shift += m.end() - m.start() - 1
                starts.append(size)
                shifts.append(shift)
                last = m.end()
            else:
                text = "".join(parts) + sparql[last:]
                if all(text != s.text for s in sources):
                    sources.append(_Source(text, _EXPANDED, tuple(starts), tuple(shifts)))
    return sources


# -- reading the tokens ----------------------------------------------------------------------------

# The reader's state between tokens: the open brackets (the number of a stack, see _Reading.push), what
# the previous token was, and whether VALUES waits for its data block. Bracket kinds: "e" parentheses
# of an expression, "p" other parentheses (collections, paths, VALUES), "{" a group, "s" a group that
# holds a subquery, "d" a VALUES data block, "[" a blank node. Previous token: "." punctuation, "{" an
# opening brace, "a" the verb a, "V" VALUES, "F" FILTER, "f" an IRI after FILTER, "w" another word,
# "o" another operand.
_OPERAND = frozenset("oawVFf")  # after one of these, inside an expression, '<' may be less-than


_Token = tuple[str, int, int]  # kind (the name of the terminal's group), start, end
_State = tuple[int, str, bool]  # open brackets, previous token, VALUES waits for its data block
_START: _State = (0, ".", False)  # stack 0 is the empty one


class _Walk(NamedTuple):
    tokens: list[_Token]
    forks: list[tuple[int, _State]]  #: IRIs an engine may read as '<' instead: where, and the state before
    complete: bool  #: the walk reached the end of the text
    error: tuple[int, str] | None  #: where and why the text cannot be read this way


class _TooAmbiguous(Exception):
    """The text has too many ways to read its '<'."""


def _paren(top: str, prev: str) -> str:
    """The kind of a '(' opened inside a ``top`` bracket ('' for none) after a ``prev`` token."""
    if top == "e":
        return "e"
    if prev == "V" or top == "d":
        return "p"
    if top in ("", "s") or prev in "wFf":  # the query's head and solution modifiers; a call
        return "e"
    return "p"


class _Reading:
    """One source read to its tokens, each other way an engine may read its '<', and what they hold."""

    def __init__(self, source: _Source, query: str) -> None:
        self.source, self.query = source, query
        # stacks of open brackets, each a number: the innermost bracket's kind and the stack around it
        self.kinds, self.outer = [""], [0]
        self.stacks: dict[tuple[int, str], int] = {}
        states: dict[int, _State] = {}
        main = self._walk(0, _START, record=states)
        self.tokens = main.tokens
        self.complete = main.complete
        self.update = self.service = False
        text = source.text
        for i, (kind, start, end) in enumerate(main.tokens):
            if kind == "word" and not self.update and text[start:end].upper() in _UPDATES:
                self.update = True
            elif kind in ("word", "pname") and not self.service and self._service(main.tokens, i, strict=True):
                self.service = True
        self.dataset_fork: int | None = None  #: where another reading of a '<' holds FROM or NAMED
        self.error = _malformed(query, source.original(main.error[0]), main.error[1]) if main.error else None
        if main.forks:
            self._explore(main, states)

    def _walk(
        self,
        pos: int,
        state: _State,
        *,
        less: bool = False,
        record: dict[int, _State] | None = None,
        main: Mapping[int, _State] | None = None,
        seen: set[tuple[int, _State]] | None = None,
        limit: int = 0,
    ) -> _Walk:
        """The tokens from ``pos`` to the end of the text or to the first that cannot be read; ``less``: the
        first is the operator '<' (or '<='). With ``record``, the state after each token from the first fork
        on goes there; with ``main`` and ``seen``, the walk stops at a state either holds (adding its own to
        ``seen``), and raises :class:`_TooAmbiguous` after ``limit`` tokens."""
        text, match = self.source.text, self.source.terminals.match
        no_names = _terminals(self.source.uchar, names=False, ascii=text.isascii()).match
        kinds, outer, push = self.kinds, self.outer, self.push
        plain = 0  # no prefixed name starts before this position
        stack, prev, values = state
        tokens: list[_Token] = []
        forks: list[tuple[int, _State]] = []
        while True:
            if less:
                kind, start, end, less = "punct", pos, pos + (2 if text.startswith("<=", pos) else 1), False
            else:
                m = match(text, pos) if pos >= plain else no_names(text, pos)
                if m is None:
                    at = _SKIP_RE.match(text, pos).end()  # type: ignore[union-attr]  # it matches the empty string
                    return _Walk(tokens, forks, False, (at, _what_fails(text, at)))
                kind = m.lastgroup or ""
                if kind == "end":
                    return _Walk(tokens, forks, True, None)
                start, end = m.start(kind), m.end()
                if kind == "iri" or (kind == "punct" and text[start] == "<"):
                    less_than = kinds[stack] == "e" and prev in _OPERAND
                    if kind == "iri" and less_than:
                        forks.append((start, (stack, prev, values)))
                    elif kind == "punct" and not less_than:
                        return _Walk(tokens, forks, False, (start, "an IRI with no closing '>', or with a space, quote, brace, |, ^, ` or \\ in it"))
            tokens.append((kind, start, end))
            if kind == "punct":
                c = text[start]
                if c == "{":
                    stack, prev, values = push(stack, "d" if values else "{"), "{", False
                elif c == "(":
                    stack, prev = push(stack, _paren(kinds[stack], prev)), "."
                elif c == "[":
                    stack, prev = push(stack, "["), "."
                elif c in ")]}":
                    stack, prev = outer[stack], "o"
                else:
                    prev = "."
            elif kind == "word":
                word = text[start:end]
                upper = word.upper()
                if end >= plain and end < len(text) and (text[end] in ".-" or text[end] >= "\x80"):
                    plain = _prefix_run(text.isascii()).match(text, end).end()  # type: ignore[union-attr]  # it matches the empty string
                if upper == "SELECT" and prev == "{" and kinds[stack] == "{":
                    stack = push(outer[stack], "s")
                values = values or upper == "VALUES"
                prev = "a" if word == "a" else "V" if upper == "VALUES" else "F" if upper == "FILTER" else "w"
            elif kind == "pname":
                prev = "f" if prev == "F" or _call_like(text[start:end]) else "o"
            elif kind == "iri":
                prev = "f" if prev == "F" else "o"
            else:
                prev = "o"
            pos = end
            if record is not None:
                if forks:
                    record[pos] = (stack, prev, values)
            elif seen is not None:
                after = (stack, prev, values)
                if (main is not None and main.get(pos) == after) or (pos, after) in seen:
                    return _Walk(tokens, forks, False, None)
                seen.add((pos, after))
                if len(tokens) > limit:
                    raise _TooAmbiguous

    def push(self, stack: int, kind: str) -> int:
        """The stack of a ``kind`` bracket opened inside ``stack``."""
        found = self.stacks.get((stack, kind))
        if found is None:
            found = self.stacks[(stack, kind)] = len(self.kinds)
            self.kinds.append(kind)
            self.outer.append(stack)
        return found

    def _explore(self, main: _Walk, states: Mapping[int, _State]) -> None:
        """Follow each fork of the main reading (whose ``states`` they may join), and theirs, until each joins a
        reading already followed."""
        work = list(main.forks)
        seen: set[tuple[int, _State]] = set()
        budget = 2 * len(main.tokens) + 10_000
        text = self.source.text
        while work:
            pos, state = work.pop()
            try:
                alt = self._walk(pos, state, less=True, main=states, seen=seen, limit=budget)
            except _TooAmbiguous:
                what = "too many '<' that read both as an IRI and as less-than; put spaces around comparisons"
                self.complete, self.error = False, _malformed(self.query, self.source.original(pos), what)
                return
            budget -= len(alt.tokens)
            work.extend(alt.forks)
            self.complete = self.complete or alt.complete
            for i, (kind, start, end) in enumerate(alt.tokens):
                if kind in ("word", "pname"):
                    self.service = self.service or self._service(alt.tokens, i, strict=False)
                    if self.dataset_fork is None and _dataset_word(text[start:end]):
                        self.dataset_fork = start

    def _peek(self, pos: int, count: int) -> list[tuple[str, str]]:
        """The kind and text of up to ``count`` tokens from ``pos``."""
        found: list[tuple[str, str]] = []
        match = self.source.terminals.match
        while len(found) < count and (m := match(self.source.text, pos)) is not None and m.lastgroup != "end":
            kind = m.lastgroup or ""
            found.append((kind, m.group(kind)))
            pos = m.end()
        return found

    def _service(self, tokens: list[_Token], i: int, *, strict: bool) -> bool:
        """Whether token ``i`` (a word or prefixed name) is SERVICE for some engine; not ``strict``: only if
        a service and a group follow it."""
        kind, start, end = tokens[i]
        value = self.source.text[start:end]
        if kind == "word":
            upper = value.upper()
            at = upper.find("SERVICE")
            if at < 0:
                return False
            if strict:
                return True
            rest = upper[at + len("SERVICE") :]
            ahead = self._peek(end, 3)
            if rest == "" and ahead and ahead[0][0] == "word" and ahead[0][1].upper() == "SILENT":
                ahead = ahead[1:]
            elif rest not in ("", "SILENT"):
                return False
            return len(ahead) >= 2 and ahead[0][0] in ("var", "iri", "pname") and ahead[1] == ("punct", "{")
        prefix, _, local = value.partition(":")
        if "service" in _oxigraph_rest(local).lower():
            return True
        if "service" not in prefix.lower():
            return False
        # Oxigraph reads SERVICE, then a prefixed name from the rest of the prefix, as in SERVICEex:s { }
        before = ""
        if i > 0 and tokens[i - 1][0] == "word":
            before = self.source.text[tokens[i - 1][1] : tokens[i - 1][2]].upper()
        return before not in ("GRAPH", "FROM", "NAMED") and self._peek(end, 1) == [("punct", "{")]

    def shape(self, prefixes: dict[str, str], base: str | None) -> QueryShape:
        """The form and dataset the tokens name (declared ``prefixes`` and ``base``)."""
        if self.dataset_fork is not None:
            raise self._error(self.dataset_fork, "FROM here depends on whether a '<' is an IRI or less-than; put spaces around comparisons")
        tokens, text, prefixes = self.tokens, self.source.text, dict(prefixes)
        form: str | None = None
        prologue_end: int | None = None
        graphs: dict[str, list[str]] = {"FROM": [], "FROM NAMED": []}
        depth = i = 0
        while i < len(tokens):
            kind, start, end = tokens[i]
            if kind == "punct":
                c = text[start]
                depth += 1 if c in "{([" else -1 if c in "})]" else 0
            elif kind == "word" or (kind == "pname" and depth == 0):
                value = text[start:end]
                upper = value.upper()
                if form is None and upper in ("PREFIX", "BASE"):
                    i, base = self._declare(i, prefixes, base)
                    continue
                if form is None and kind == "pname" and upper.startswith("PREFIX") and value.endswith(":") and self._kind(i + 1) == "iri":
                    # Oxigraph reads PREFIXex: <...> as PREFIX ex: <...>; both engines read PREFIX:<...> as PREFIX : <...>
                    prefixes[value[len("PREFIX") : -1]] = self._declared(tokens[i + 1], base)
                    i += 2
                    continue
                if form is None and upper in _FORMS:
                    form = upper
                elif upper == "FROM":
                    clause = "FROM NAMED" if self._word(i + 1) == "NAMED" else "FROM"
                    i += 1 if clause == "FROM" else 2
                    if self._kind(i) not in ("iri", "pname"):
                        raise self._error(start, f"{clause} needs an IRI or a prefixed name")
                    target = text[tokens[i][1] : tokens[i][2]]
                    if tokens[i][0] == "pname" and _dataset_word(target):
                        raise self._error(tokens[i][1], f"engines read '{target}' differently; put a space after NAMED")
                    graphs[clause].append(self._graph(tokens[i], prefixes, base))
                elif _dataset_word(value) and upper not in ("FROM", "NAMED"):
                    raise self._error(start, f"engines read '{value}' differently; put a space after FROM or NAMED")
            if prologue_end is None:
                prologue_end = start
            i += 1
        if form is None:
            raise self._error(prologue_end if prologue_end is not None else len(text), "expected a SELECT, ASK, CONSTRUCT or DESCRIBE query")
        return QueryShape(form, tuple(graphs["FROM"]), tuple(graphs["FROM NAMED"]))

    def _declare(self, i: int, prefixes: dict[str, str], base: str | None) -> tuple[int, str | None]:
        """Read the PREFIX (into ``prefixes``) or BASE declaration at token ``i``: the index after it, and the base."""
        start = self.tokens[i][1]
        if self._word(i) == "BASE":
            if self._kind(i + 1) != "iri":
                raise self._error(start, "BASE needs an IRI, as in BASE <http://example.org/>")
            return i + 2, self._declared(self.tokens[i + 1], base)
        name = self.source.text[self.tokens[i + 1][1] : self.tokens[i + 1][2]] if self._kind(i + 1) == "pname" else ""
        if not name.endswith(":") or ":" in name[:-1] or self._kind(i + 2) != "iri":
            raise self._error(start, "PREFIX needs a prefix and an IRI, as in PREFIX ex: <http://example.org/>")
        prefixes[name[:-1]] = self._declared(self.tokens[i + 2], base)
        return i + 3, base

    def _declared(self, token: _Token, base: str | None) -> str:
        """The IRI a PREFIX or BASE declares: absolute if it can be, else as written."""
        written = self._iri(token)
        return _resolve(written, base) or written

    def _kind(self, i: int) -> str:
        """The kind of token ``i``, or '' past the last."""
        return self.tokens[i][0] if i < len(self.tokens) else ""

    def _word(self, i: int) -> str:
        """Token ``i`` in upper case if it is a word, else ''."""
        return self.source.text[self.tokens[i][1] : self.tokens[i][2]].upper() if self._kind(i) == "word" else ""

    def _iri(self, token: _Token) -> str:
        """The IRI an IRIREF token (``<...>``) writes, its \\u escapes expanded."""
        written = self.source.text[token[1] + 1 : token[2] - 1]
        codes = [int(m.group()[2:], 16) for m in _UCHAR_RE.finditer(written)]
        if any(code > 0x10FFFF for code in codes):
            raise self._error(token[1], "an IRI with an escape beyond \\U0010FFFF")
        return _UCHAR_RE.sub(lambda m: chr(int(m.group()[2:], 16)), written)

    def _graph(self, token: _Token, prefixes: dict[str, str], base: str | None) -> str:
        """The absolute IRI an IRI or prefixed name names."""
        kind, start, end = token
        value = self.source.text[start:end]
        if kind == "iri":
            iri = _resolve(self._iri(token), base)
            if iri is None:
                raise self._error(start, f"the relative IRI {value} has no base to resolve against; write it in full or add BASE <...>")
            return iri
        prefix, _, local = value.partition(":")
        if prefix not in prefixes:
            raise self._error(start, f"the prefix '{prefix}:' is not declared; add PREFIX {prefix}: <...>")
        iri = prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)
        if not _ABSOLUTE.match(iri):
            raise self._error(start, f"{value} names the relative IRI <{iri}>; declare {prefix}: with an absolute IRI or add BASE <...>")
        return iri

    def _error(self, pos: int, what: str) -> QueryError:
        return _malformed(self.query, self.source.original(pos), what)


def _oxigraph_rest(local: str) -> str:
    """What follows the local name Oxigraph 0.5 reads at the start of ``local`` (a local name by the grammar)."""
    m = _oxigraph_local(local.isascii()).match(local)
    return local[m.end() if m else 0 :]


def _call_like(pname: str) -> bool:
    """Whether a '(' after this prefixed name may open an expression in Oxigraph: it reads FILTERex:f( as
    FILTER ex:f(, and ex:a.b.FILTER( as ex:a.b . FILTER(."""
    prefix, _, local = pname.partition(":")
    return "filter" in prefix.lower() or _oxigraph_rest(local) != ""


def _dataset_word(value: str) -> bool:
    """Whether a word or prefixed name starts as FROM or NAMED does (Oxigraph reads FROMex:g as FROM ex:g, rdflib FROM:g as FROM :g)."""
    return value[:4].upper() == "FROM" or value[:5].upper() == "NAMED"


def _what_fails(text: str, at: int) -> str:
    """Why no token starts at ``at``."""
    c = text[at]
    if c in "'\"":
        return "a string with no closing quote, or with an escape other than \\t \\b \\n \\r \\f \\\" \\' \\\\"
    return f"unexpected character {c!r}"


def _malformed(query: str, pos: int, what: str) -> QueryError:
    """The error for ``what`` is wrong at position ``pos`` of ``query``."""
    line = query.count("\n", 0, pos) + 1
    column = pos - (query.rfind("\n", 0, pos) + 1) + 1
    return QueryError(f"malformed SPARQL: line {line}, column {column}: {what}")


# -- IRIs ----------------------------------------------------------------------------------------


def _resolve(ref: str, base: str | None) -> str | None:
    """``ref`` made absolute against ``base`` (RFC 3986, 5.2); ``None`` if neither is absolute."""
    if _ABSOLUTE.match(ref):
        return ref
    if base is None or not _ABSOLUTE.match(base):
        return None
    scheme, authority, path, query, fragment = _IRI_PARTS.fullmatch(ref).groups()  # type: ignore[union-attr]  # every text matches
    b_scheme, b_authority, b_path, b_query, _ = _IRI_PARTS.fullmatch(base).groups()  # type: ignore[union-attr]
    del scheme
    if authority is not None:
        path = _remove_dots(path)
    else:
        authority = b_authority
        if path == "":
            path = b_path
            query = b_query if query is None else query
        elif path.startswith("/"):
            path = _remove_dots(path)
        else:
            merged = "/" + path if b_authority is not None and b_path == "" else b_path[: b_path.rfind("/") + 1] + path
            path = _remove_dots(merged)
    return (
        f"{b_scheme}:"
        + ("" if authority is None else f"//{authority}")
        + path
        + ("" if query is None else f"?{query}")
        + ("" if fragment is None else f"#{fragment}")
    )


def _remove_dots(path: str) -> str:
    """``path`` without its ``.`` and ``..`` segments (RFC 3986, 5.2.4)."""
    out: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./") or path == "/.":
            path = "/" + path[3:]
        elif path.startswith("/../") or path == "/..":
            path = "/" + path[4:]
            if out:
                out.pop()
        elif path in (".", ".."):
            path = ""
        else:
            cut = path.find("/", 1)
            segment = path if cut < 0 else path[:cut]
            out.append(segment)
            path = path[len(segment) :]
    return "".join(out)
