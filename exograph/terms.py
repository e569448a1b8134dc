"""Plain RDF terms: what goes into and comes out of every store, whatever the engine.

An :class:`IRI` and a :class:`BNode` are strings (so they compare, hash and sort as their text);
a :class:`Literal` is its lexical value with a datatype or a language. No engine's classes cross
the :class:`~exograph.store.Store` seam: Oxigraph, rdflib and a remote endpoint all speak these.
"""

from __future__ import annotations

from dataclasses import dataclass

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_BOOLEAN = XSD + "boolean"
XSD_INTEGER = XSD + "integer"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_NUMERIC = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger")}


class IRI(str):
    """An IRI."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str(self)!r})"


class BNode(str):
    """A blank node, by its label (local to one store or one result)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"BNode({str(self)!r})"


@dataclass(frozen=True, slots=True, order=True)
class Literal:
    """A literal: its lexical form, and its datatype or (for a language-tagged string) its language."""

    value: str
    datatype: str = XSD_STRING
    language: str | None = None

    @classmethod
    def of(cls, value: str | bool | int) -> Literal:
        """The literal of a Python string, boolean or integer."""
        if isinstance(value, bool):
            return cls("true" if value else "false", XSD_BOOLEAN)
        if isinstance(value, int):
            return cls(str(value), XSD_INTEGER)
        return cls(value)

    def to_python(self) -> str | bool | int:
        """The value as Python: booleans and integers converted, anything else its lexical form."""
        if self.datatype == XSD_BOOLEAN:
            return self.value.strip() in ("true", "1")
        if self.datatype in _NUMERIC:
            try:
                return int(self.value)
            except ValueError:
                return self.value
        return self.value

    def __str__(self) -> str:
        return self.value


Term = IRI | BNode | Literal
Triple = tuple[Term, Term, Term]


def term_json(term: Term) -> dict[str, str]:
    """A term in the W3C SPARQL 1.1 Query Results JSON form."""
    if isinstance(term, Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype != XSD_STRING:
            out["datatype"] = term.datatype
        return out
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    return {"type": "uri", "value": str(term)}


def term_from_json(data: dict[str, str]) -> Term:
    """The term of a W3C SPARQL 1.1 Query Results JSON binding."""
    kind, value = data.get("type"), data.get("value", "")
    if kind == "uri":
        return IRI(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        language = data.get("xml:lang")
        if language:
            return Literal(value, RDF_LANG_STRING, language)
        return Literal(value, data.get("datatype") or XSD_STRING)
    raise ValueError(f"not a SPARQL JSON term: {data!r}")


def n_triples(term: Term) -> str:
    """A term in N-Triples (and Turtle) syntax, escaped so that re-parsing gives the same term."""
    if isinstance(term, Literal):
        text = '"' + escape_string(term.value) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype != XSD_STRING:
            return f"{text}^^{iri_ref(term.datatype)}"
        return text
    if isinstance(term, BNode):
        return f"_:{term}"
    return iri_ref(term)


def iri_ref(iri: str) -> str:
    """``<iri>`` with the characters N-Triples forbids in an IRI written as \\u escapes."""
    return "<" + "".join(c if c not in _IRI_FORBIDDEN and ord(c) > 0x20 else f"\\u{ord(c):04X}" for c in iri) + ">"


_IRI_FORBIDDEN = frozenset('<>"{}|^`\\')
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def escape_string(text: str) -> str:
    """The body of a double-quoted N-Triples / Turtle string."""
    out = []
    for c in text:
        escaped = _STRING_ESCAPES.get(c)
        if escaped is not None:
            out.append(escaped)
        elif ord(c) < 0x20 or c == "\x7f":
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return "".join(out)
