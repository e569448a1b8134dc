"""SHACL Core shapes checked as SPARQL on any :class:`~exograph.store.Store`.

:func:`read_shapes` reads a shapes file (with pyoxigraph) into :class:`Shape` records;
:func:`check` compiles them into one SPARQL SELECT whose rows are the violations, and runs it on
the store. Results are counted as the SHACL specification (and pyshacl) counts them: one per focus
node and value node for a value constraint, one per focus node for sh:minCount, sh:maxCount and a
node-level sh:or or sh:not.

The checker implements the part of SHACL Core that exograph's shapes use: sh:targetClass; property
shapes whose sh:path is an IRI; sh:minCount, sh:maxCount, sh:nodeKind, sh:class, sh:datatype, sh:in,
sh:pattern (with sh:flags), sh:minLength, sh:maxLength, and sh:or / sh:not of such shapes; sh:message
and sh:severity. Any other constraint, target or path form is refused with an
:class:`~exograph.errors.UnsupportedShapeError` naming it, never skipped. sh:targetClass and
sh:class follow rdfs:subClassOf as given (the ontology's, say) plus the store's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from exograph import vocab
from exograph.errors import UnsupportedShapeError
from exograph.model import closure
from exograph.store import Store, select_many, select_values, side_by_side

SH = "http://www.w3.org/ns/shacl#"
_TYPE = vocab.RDF + "type"
_SUBCLASS = vocab.RDFS + "subClassOf"
_FIRST, _REST, _NIL = vocab.RDF + "first", vocab.RDF + "rest", vocab.RDF + "nil"

#: constraint parameters, in the order a shape's constraints are compiled
PARAMETERS: tuple[str, ...] = ("minCount", "maxCount", "nodeKind", "class", "datatype", "in", "pattern", "minLength", "maxLength", "or", "not")
_COUNTS = ("minCount", "maxCount")
_MAX_COUNT = 16  #: counts are matched with that many distinct variables (see _at_least)
_STRUCTURE = frozenset({"targetClass", "property", "path", "flags", "message", "severity"})
_NON_VALIDATING = frozenset({"name", "description", "order", "group", "defaultValue"})  #: SHACL 2.3.2: ignored by validation
_SHAPE_TYPES = frozenset({SH + "NodeShape", SH + "PropertyShape"})

#: sh:nodeKind values -> the SPARQL test a value node passes
NODE_KINDS: dict[str, str] = {
    "IRI": "isIRI({v})",
    "Literal": "isLiteral({v})",
    "BlankNode": "isBlank({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
}

#: sh:datatype values whose literals the checker tests for well-formedness: the XSD lexical space
#: as a regular expression (not a cast, whose leniency differs between engines)
_LEXICAL = {
    "boolean": "true|false|1|0",
    "integer": "[+-]?[0-9]+",
    "decimal": "[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)",
    "double": "[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN",
}
DATATYPES: dict[str, str | None] = {
    vocab.XSD + "string": None,
    vocab.RDF + "langString": None,
    **{vocab.XSD + name: f"^({_LEXICAL[name]})$" for name in _LEXICAL},
    vocab.XSD + "float": f"^({_LEXICAL['double']})$",
}


@dataclass(frozen=True)
class Constraint:
    """One constraint parameter of a shape and its value (an int, an IRI, SPARQL terms, shapes...)."""

    kind: str  #: the parameter's local name: minCount, class, or, ...
    value: Any


@dataclass(frozen=True)
class Shape:
    """A node shape (``path`` None) or a property shape, as the checker reads it."""

    name: str  #: the shape's CURIE or IRI, or "the shape of <its path>"
    path: str | None
    targets: tuple[str, ...]  #: sh:targetClass
    constraints: tuple[Constraint, ...]
    properties: tuple[Shape, ...]  #: sh:property
    message: str | None
    severity: str


@dataclass(frozen=True)
class Result:
    """One violation: the focus node (its lexical form; a blank node as ``_:label``), the shape's
    path (None for a node-level constraint), severity IRI and message."""

    focus: str
    path: str | None
    severity: str
    message: str


# --------------------------------------------------------------------------- reading


def read_shapes(path: Path) -> list[Shape]:
    """The shapes of a shapes file that have targets; raises UnsupportedShapeError for any SHACL
    feature the checker does not implement, and DataError for a malformed file."""
    from exograph.store.oxigraph import rdf_format, syntax_error

    path = Path(path)
    fmt = rdf_format(path)
    try:
        triples = list(ox.parse(path=str(path), format=fmt))
    except SyntaxError as exc:
        raise syntax_error(path, fmt, exc) from None
    return _Reader(path, triples).shapes()


class _Reader:
    def __init__(self, path: Path, triples: Iterable[ox.Triple]) -> None:
        self.path = path
        self.out: dict[Any, dict[str, list[Any]]] = {}
        for t in triples:
            self.out.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)

    def refuse(self, what: str, node: Any) -> UnsupportedShapeError:
        supported = ", ".join("sh:" + p for p in ("targetClass", "path", *PARAMETERS, "flags", "message", "severity"))
        return UnsupportedShapeError(
            f"{self.path}: {what} (in {self.name(node)}) is not supported by exograph's native SHACL checker, which implements {supported};"
            " check this shapes file with pyshacl (engine 'pyshacl')",
            what,
        )

    def name(self, node: Any) -> str:
        """How a message names a shape: its CURIE or IRI, or the path of a blank-node property shape."""
        if isinstance(node, ox.NamedNode):
            return vocab.shorten(node.value)
        paths = [p for p in self.values(node, "path") if isinstance(p, ox.NamedNode)]
        return f"the shape of {vocab.shorten(paths[0].value)}" if paths else "a blank-node shape"

    def values(self, node: Any, local: str) -> list[Any]:
        return self.out.get(node, {}).get(SH + local, [])

    def shapes(self) -> list[Shape]:
        known = {*PARAMETERS, *_STRUCTURE, *_NON_VALIDATING}
        for node, props in self.out.items():
            for predicate in props:
                if predicate.startswith(SH) and predicate[len(SH) :] not in known:
                    raise self.refuse(f"sh:{predicate[len(SH) :]}", node)
            types = {t.value for t in props.get(_TYPE, []) if isinstance(t, ox.NamedNode)}
            if types & _SHAPE_TYPES and types & {vocab.RDFS + "Class", vocab.OWL + "Class"}:
                raise self.refuse("a shape that is also a class (an implicit class target)", node)
        targeted = [node for node in self.out if self.values(node, "targetClass")]
        return [self.shape(node, ()) for node in sorted(targeted, key=str)]

    def shape(self, node: Any, stack: tuple[Any, ...]) -> Shape:
        if node in stack:
            raise self.refuse("a recursive shape", node)
        stack = (*stack, node)
        paths = self.values(node, "path")
        if len(paths) > 1:
            raise self.refuse("a shape with several sh:path values", node)
        path = paths[0] if paths else None
        if path is not None and not isinstance(path, ox.NamedNode):
            raise self.refuse("a sequence path (an RDF list)" if _FIRST in self.out.get(path, {}) else "a path that is not an IRI", node)
        targets = []
        for target in self.values(node, "targetClass"):
            if not isinstance(target, ox.NamedNode):
                raise self.refuse("a sh:targetClass that is not an IRI", node)
            targets.append(target.value)
        constraints = [Constraint(kind, self.parameter(node, kind, value, stack, path is not None)) for kind in PARAMETERS for value in self.values(node, kind)]
        properties = []
        for prop in self.values(node, "property"):
            if path is not None:
                raise self.refuse("sh:property on a property shape", node)
            if not self.values(prop, "path"):
                raise self.refuse("a sh:property shape without sh:path", prop)
            properties.append(self.shape(prop, stack))
        messages = sorted(self.values(node, "message"), key=lambda m: (bool(getattr(m, "language", None)), str(m)))
        severities = self.values(node, "severity")
        if len(severities) > 1 or any(not isinstance(s, ox.NamedNode) for s in severities):
            raise self.refuse("a sh:severity that is not one IRI", node)
        return Shape(
            name=self.name(node),
            path=path.value if path is not None else None,
            targets=tuple(sorted(targets)),
            constraints=tuple(sorted(constraints, key=lambda c: (PARAMETERS.index(c.kind), str(c.value)))),
            properties=tuple(sorted(properties, key=lambda p: (p.path or "", p.name, str(p.constraints)))),
            message=messages[0].value if messages else None,
            severity=severities[0].value if severities else SH + "Violation",
        )

    def parameter(self, node: Any, kind: str, value: Any, stack: tuple[Any, ...], has_path: bool) -> Any:
        if kind in ("minCount", "maxCount", "minLength", "maxLength"):
            if not (isinstance(value, ox.Literal) and value.datatype.value == vocab.XSD + "integer" and value.value.isdigit()):
                raise self.refuse(f"sh:{kind} {value} (not a non-negative integer)", node)
            n = int(value.value)
            if kind in _COUNTS and not has_path:
                raise self.refuse(f"sh:{kind} on a node shape", node)
            if kind in _COUNTS and n + (kind == "maxCount") > _MAX_COUNT:
                raise self.refuse(f"sh:{kind} {n} (at most {_MAX_COUNT - 1})", node)
            return n
        if kind == "nodeKind":
            local = value.value[len(SH) :] if isinstance(value, ox.NamedNode) and value.value.startswith(SH) else None
            if local not in NODE_KINDS:
                raise self.refuse(f"sh:nodeKind {value}", node)
            return local
        if kind in ("class", "datatype"):
            if not isinstance(value, ox.NamedNode):
                raise self.refuse(f"a sh:{kind} that is not an IRI", node)
            if kind == "datatype" and value.value not in DATATYPES:
                raise self.refuse(f"sh:datatype {vocab.shorten(value.value)} (its literals' well-formedness cannot be tested)", node)
            return value.value
        if kind == "in":
            members = self.members(node, value)
            if any(isinstance(m, ox.BlankNode) for m in members):
                raise self.refuse("a blank node in sh:in", node)
            return tuple(_sparql_term(m) for m in members)
        if kind == "pattern":
            flags = self.values(node, "flags")
            if not isinstance(value, ox.Literal) or len(flags) > 1 or any(not isinstance(f, ox.Literal) for f in flags):
                raise self.refuse("a sh:pattern that is not one string (with at most one sh:flags string)", node)
            return (value.value, flags[0].value if flags else "")
        if kind == "or":
            return tuple(self.shape(member, stack) for member in self.members(node, value))
        return self.shape(value, stack)  # not

    def members(self, node: Any, head: Any) -> list[Any]:
        out, seen = [], set()
        while not (isinstance(head, ox.NamedNode) and head.value == _NIL):
            props = self.out.get(head, {})
            if head in seen or len(props.get(_FIRST, [])) != 1 or len(props.get(_REST, [])) != 1:
                raise self.refuse("a malformed RDF list", node)
            seen.add(head)
            out.append(props[_FIRST][0])
            head = props[_REST][0]
        return out


def _sparql_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if term.language:
        return f"{_string(term.value)}@{term.language}"
    if term.datatype.value == vocab.XSD + "string":
        return _string(term.value)  # plain: some engines (rdflib) tell "a" and "a"^^xsd:string apart
    return f"{_string(term.value)}^^<{term.datatype.value}>"


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


# --------------------------------------------------------------------------- compiling and checking

SUBCLASSES = f"SELECT ?sub ?sup WHERE {{ ?sub <{_SUBCLASS}> ?sup }}"


@dataclass(frozen=True)
class _Component:
    """What a row of the compiled query reports: the shape holding the constraint, and the constraint."""

    holder: Shape
    constraint: Constraint


def check(store: Store, shapes: Sequence[Shape], *, subclasses: Iterable[tuple[str, str]] = ()) -> list[Result]:
    """Every violation of ``shapes`` in the default graph of ``store``; ``subclasses`` are
    (subclass, superclass) IRI pairs (the ontology's) added to the store's own rdfs:subClassOf."""
    pairs = set(subclasses) | {(sub, sup) for sub, sup in select_values(store, SUBCLASSES)}
    branches, components = _Compiler(pairs).branches(shapes)
    if not components:
        return []
    # a store that answers queries side by side gets the branches in as many queries as it has processors
    parts = side_by_side(store, len(branches))
    queries = [_union(branches[i::parts]) for i in range(parts)]
    results = []
    for k, focus, _ in (row for rows in select_many(store, queries) for row in rows):
        component = components[int(k)]
        holder = component.holder
        message = holder.message if holder.message is not None else default_message(holder, component.constraint)
        results.append(Result(focus, holder.path, holder.severity, message))
    return results


def compile_query(shapes: Sequence[Shape], subclasses: Iterable[tuple[str, str]]) -> tuple[str, list[_Component]]:
    """One SELECT ?k ?focus ?value whose rows are the violations of ``shapes``; ``?k`` indexes the list returned."""
    branches, components = _Compiler(subclasses).branches(shapes)
    return _union(branches), components


def _union(branches: Sequence[str]) -> str:
    """One SELECT ?k ?focus ?value of the union of ``branches``."""
    return "SELECT DISTINCT ?k ?focus ?value WHERE {\n  " + "\n  UNION ".join(branches) + "\n}"


class _Compiler:
    def __init__(self, subclasses: Iterable[tuple[str, str]]) -> None:
        self.children: dict[str, set[str]] = {}
        for sub, sup in subclasses:
            self.children.setdefault(sup, set()).add(sub)
        self.n = 0

    def fresh(self) -> str:
        self.n += 1
        return f"?x{self.n}"

    def descendants(self, classes: Iterable[str]) -> list[str]:
        """The classes and their subclasses (through blank nodes too), as IRIs."""
        return sorted(c for c in closure(classes, self.children) if not c.startswith("_:"))

    def instance(self, v: str, cls: str) -> str:
        """A pattern matching when ``v`` is a SHACL instance of ``cls``."""
        t = self.fresh()
        classes = ", ".join(f"<{c}>" for c in self.descendants([cls]))
        return f"{v} <{_TYPE}> {t} . FILTER({t} IN ({classes}))"

    def branches(self, shapes: Sequence[Shape]) -> tuple[list[str], list[_Component]]:
        """One union branch per constraint (its rows: ?k, the constraint's number, and the violating ?focus and ?value)."""
        components: list[_Component] = []
        branches = []
        for shape in shapes:
            classes = " ".join(f"<{c}>" for c in self.descendants(shape.targets))
            focus = f"{{ SELECT DISTINCT ?focus WHERE {{ VALUES ?class {{ {classes} }} ?focus <{_TYPE}> ?class }} }}"
            for holder in (shape, *shape.properties):
                for constraint in holder.constraints:
                    branches.append(f"{{ {focus} {self.branch(holder, constraint)} BIND({len(components)} AS ?k) }}")
                    components.append(_Component(holder, constraint))
        return branches, components

    def branch(self, holder: Shape, c: Constraint) -> str:
        """What follows the focus nodes in the branch of constraint ``c`` of ``holder``: the
        ?focus (and ?value) rows that violate it.

        A property's values are asked for in a subquery of their own, and a count or a class
        checked with GROUP BY or MINUS, not per focus node with (NOT) EXISTS: the engine then
        joins two answers (a hash join) instead of looking each focus node up, which at a
        miRTarBase import's 501,115 evidences is about 1.5 s a constraint instead of 8."""
        path = holder.path
        if path is None:
            return f"BIND(?focus AS ?value) FILTER({self.condition(c, '?value')})"
        v = self.fresh()
        if c.kind == "minCount":
            if not c.value:
                return "FILTER(false)"
            if c.value == 1:
                return f"MINUS {{ ?focus <{path}> {v} }}"
            return f"MINUS {{ SELECT ?focus WHERE {{ ?focus <{path}> {v} }} GROUP BY ?focus HAVING (COUNT(DISTINCT {v}) >= {c.value}) }}"
        if c.kind == "maxCount":
            return f"{{ SELECT ?focus WHERE {{ ?focus <{path}> {v} }} GROUP BY ?focus HAVING (COUNT(DISTINCT {v}) > {c.value}) }}"
        if c.kind == "class":
            t = self.fresh()
            classes = ", ".join(f"<{k}>" for k in self.descendants([c.value]))
            return f"{{ SELECT ?focus ?value WHERE {{ ?focus <{path}> ?value }} }} MINUS {{ ?value <{_TYPE}> {t} . FILTER({t} IN ({classes})) }}"
        return f"{{ SELECT ?focus ?value WHERE {{ ?focus <{path}> ?value . FILTER({self.condition(c, '?value')}) }} }}"

    def violates(self, shape: Shape, x: str) -> str:
        """An expression true when the node ``x`` does not conform to ``shape``."""
        parts = [self.component(shape, c, x) for c in shape.constraints] + [self.violates(p, x) for p in shape.properties]
        return "(" + " || ".join(parts) + ")" if parts else "false"

    def component(self, shape: Shape, c: Constraint, x: str) -> str:
        """An expression true when the focus node ``x`` violates the constraint ``c`` of ``shape``."""
        if c.kind == "minCount":
            return f"NOT EXISTS {{ {self.at_least(shape.path, x, c.value)} }}" if c.value else "false"
        if c.kind == "maxCount":
            return f"EXISTS {{ {self.at_least(shape.path, x, c.value + 1)} }}"
        if shape.path is None:
            return self.condition(c, x)
        v = self.fresh()
        return f"EXISTS {{ {x} <{shape.path}> {v} . FILTER({self.condition(c, v)}) }}"

    def at_least(self, path: str | None, x: str, n: int) -> str:
        """A pattern matching when ``x`` has at least ``n`` distinct values of ``path``."""
        names = [self.fresh() for _ in range(n)]
        triples = " ".join(f"{x} <{path}> {a} ." for a in names)
        distinct = " && ".join(f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :])
        return f"{triples} FILTER({distinct})" if distinct else triples

    def condition(self, c: Constraint, v: str) -> str:
        """An expression true when the value node ``v`` violates the value constraint ``c``."""
        kind, value = c.kind, c.value
        if kind == "nodeKind":
            return "!" + NODE_KINDS[value].format(v=v)
        if kind == "class":
            return f"NOT EXISTS {{ {self.instance(v, value)} }}"
        if kind == "datatype":
            lexical = DATATYPES[value]
            well_formed = f" && REGEX(STR({v}), {_string(lexical)})" if lexical else ""
            return f"!COALESCE(isLiteral({v}) && sameTerm(DATATYPE({v}), <{value}>){well_formed}, false)"
        if kind == "in":
            return "!(" + " || ".join(_same(v, t) for t in value) + ")" if value else "true"
        if kind == "pattern":
            pattern, flags = value
            args = _string(pattern) + (f", {_string(flags)}" if flags else "")
            return f"(isBlank({v}) || COALESCE(!REGEX(STR({v}), {args}), true))"  # a pattern the engine cannot read fails every value
        if kind == "minLength":
            return f"(isBlank({v}) || STRLEN(STR({v})) < {value})"
        if kind == "maxLength":
            return f"(isBlank({v}) || STRLEN(STR({v})) > {value})"
        if kind == "or":
            return "(" + " && ".join(self.violates(m, v) for m in value) + ")" if value else "true"
        if kind == "not":
            return f"!{self.violates(value, v)}"
        raise AssertionError(kind)  # the reader admits no other parameter


def default_message(shape: Shape, c: Constraint) -> str:
    """The message of a result whose shape has no sh:message."""
    where = f" of {vocab.shorten(shape.path)}" if shape.path else ""
    kind, value = c.kind, c.value
    if kind in _COUNTS:
        return f"{'fewer' if kind == 'minCount' else 'more'} than {value} value(s){where}"
    if kind == "nodeKind":
        return f"a value{where} is not of node kind sh:{value}"
    if kind in ("class", "datatype"):
        return f"a value{where} is not {'an instance of' if kind == 'class' else 'a well-formed literal of'} {vocab.shorten(value)}"
    if kind == "in":
        return f"a value{where} is not one of the sh:in values"
    if kind == "pattern":
        return f"a value{where} does not match the pattern {value[0]!r}"
    if kind in ("minLength", "maxLength"):
        return f"a value{where} is {'shorter' if kind == 'minLength' else 'longer'} than {value} characters"
    return f"a value{where} conforms to {'none of the sh:or shapes' if kind == 'or' else 'the sh:not shape'}"


__all__ = ["DATATYPES", "NODE_KINDS", "PARAMETERS", "SH", "Constraint", "Result", "Shape", "check", "compile_query", "default_message", "read_shapes"]


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _same(v: str, term: str) -> str:
    """``sameTerm(v, term)``; for a literal, spelt out as the same lexical form, datatype and
    language, each compared with constants (the same test), since some engines (Virtuoso) keep
    plain strings in a form their sameTerm does not match, and give a constant string no datatype."""
    literal = re.fullmatch(r'("(?:[^"\\]|\\.)*")(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?', term)
    if literal is None:
        return f"sameTerm({v}, {term})"
    lexical, language, datatype = literal.groups()
    if language:
        return f"(isLiteral({v}) && STR({v}) = {lexical} && LCASE(LANG({v})) = {json.dumps(language.lower())})"
    return f'(isLiteral({v}) && STR({v}) = {lexical} && LANG({v}) = "" && sameTerm(DATATYPE({v}), <{datatype or XSD_STRING}>))'
