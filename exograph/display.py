"""What a Jupyter notebook shows of exograph: the HTML behind ``_repr_html_``.

A :class:`~exograph.kg.KnowledgeGraph` shows as a summary card (its source, entities by type,
relations by predicate), a :class:`~exograph.paths.Path` or :class:`~exograph.paths.Paths` as
its hops with context, support and evidence, and a :class:`~exograph.store.QueryResult` as a
table. :class:`Frame` shows a page of :meth:`KnowledgeGraph.to_html` inline, in a sandboxed
``<iframe srcdoc>``, so the interactive graph works in a notebook with no network and no file.

Every value read from a graph (labels, quotes, IRIs, literals) is written with
:func:`html.escape`; no link is made from data (an IRI is shown as text, the full IRI in a
tooltip), so nothing in a graph can run in the notebook or send it anywhere.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from exograph import vocab
from exograph.store import python_value
from exograph.support import shown
from exograph.terms import BNode, Literal, Term

if TYPE_CHECKING:
    from exograph.kg import KnowledgeGraph
    from exograph.model import Relation
    from exograph.paths import Path
    from exograph.store import QueryResult, Store

#: at most this many rows of a query result are shown (``to_dataframe()`` or ``rows`` hold them all)
MAX_ROWS = 100

_TABLE = 'style="border-collapse: collapse; margin: 0.3em 0; font-size: 0.9em"'
_CELL = 'style="text-align: left; vertical-align: top; padding: 2px 8px; border-bottom: 1px solid #ddd"'
_NUMBER = 'style="text-align: right; vertical-align: top; padding: 2px 8px; border-bottom: 1px solid #ddd"'


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# --------------------------------------------------------------------------- the knowledge graph


def graph_card(kg: KnowledgeGraph) -> str:
    """A summary card: the source, the counts, entities by type and relations by predicate."""
    stats = kg.stats()
    graphs = kg.store.graphs()
    counts = ", ".join(f"{stats[k]:,} {k}" for k in ("entities", "relations", "evidences", "triples") if k in stats)
    out = [
        '<div class="exograph-graph">',
        f"<p><b>exograph knowledge graph</b>: {_e(counts)}<br>",
        f"<small>source: {_e(describe_store(kg.store))}</small>",
    ]
    if graphs:
        shown = ", ".join(f"&lt;{_e(g)}&gt;" for g in graphs)
        out.append(f"<br><small>database evidence in {len(graphs)} named graph{'s' if len(graphs) != 1 else ''}: {shown}</small>")
    out.append("</p>")
    out.append('<div style="display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start">')
    out.append(_counts("entities by type", "type", stats.get("entities_by_type", {})))
    out.append(_counts("relations by predicate", "predicate", stats.get("relations_by_predicate", {})))
    out.append("</div></div>")
    return "".join(out)


def _counts(title: str, kind: str, counts: Mapping[str, int]) -> str:
    rows = "".join(f"<tr><td {_CELL}>{_e(name)}</td><td {_NUMBER}>{n:,}</td></tr>" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return (
        f'<table class="exograph-counts" {_TABLE}><caption style="text-align: left"><b>{_e(title)}</b></caption>'
        f"<thead><tr><th {_CELL}>{_e(kind)}</th><th {_NUMBER}>count</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def describe_store(store: Store) -> str:
    """Where a store's triples come from, in a few words."""
    from exograph import resources
    from exograph.store.oxigraph import OxigraphStore

    if isinstance(store, OxigraphStore):
        if store.path is not None:
            return f"the on-disk store {store.path}"
        if list(store.sources) == [resources.packaged_triples(), resources.ontology_file()]:
            return "the packaged graph (in memory)"
        if list(store.sources) == [resources.packaged_triples()]:
            return "the packaged graph without the ontology (in memory)"
        names = ", ".join(p.name for p in store.sources) or "no file"
        return f"{len(store.sources)} file{'s' if len(store.sources) != 1 else ''} in memory: {names}"
    from exograph.store.endpoint import EndpointStore

    if isinstance(store, EndpointStore):
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(store.url)
        url = urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))  # never a password written into the URL
        return f"the SPARQL endpoint {url}" + (f", graph <{store.graph}>" if store.graph else "")
    return type(store).__name__


# --------------------------------------------------------------------------- paths


def paths_html(paths: Sequence[Path], *, truncated: bool = False, found: int = 0) -> str:
    """Ranked paths, each with its hops; says when more paths exist than are shown."""
    if not paths:
        return '<div class="exograph-paths"><p>no path</p></div>'
    out = ['<div class="exograph-paths">']
    out.extend(path_html(p, number=i) for i, p in enumerate(paths, 1))
    if truncated:
        more = f" (at least {found:,} found)" if found > len(paths) else ""
        count = f"{len(paths)} path{'s' if len(paths) != 1 else ''} shown"
        out.append(f"<p><small>{count}; more exist{more}: ask for more with <code>limit=</code> or <code>all_paths=True</code></small></p>")
    out.append("</div>")
    return "".join(out)


def path_html(path: Path, *, number: int | None = None) -> str:
    """One path: the entities it walks through, then per hop the relation, its context, support
    and evidence (labels as the path's ``labels`` give them, else the entities' curated ids)."""
    labels = path.labels
    chain = " → ".join(f"<b {_tip(n)}>{_e(_label(labels, n))}</b>" for n in path.nodes)
    hops = len(path.hops)
    facts = [f"{hops} hop{'s' if hops != 1 else ''}", f"support {shown(path.belief)}"]
    heading = f"Path {number}" if number is not None else "Path"
    out = [f'<div class="exograph-path"><p><b>{heading}</b> ({", ".join(facts)}): {chain}</p>']
    if path.cross_cancer:
        cancers = ", ".join(_e(_label(labels, c)) for c in path.cancers)
        out.append(f"<p><small><b>cross-cancer</b>: its hops are stated for different cancers ({cancers}); no one study shows the whole chain</small></p>")
    out.append(f"<table {_TABLE}><thead><tr><th {_CELL}>#</th><th {_CELL}>relation</th><th {_CELL}>context</th><th {_CELL}>support</th>")
    out.append(f"<th {_CELL}>evidence</th></tr></thead><tbody>")
    for i, hop in enumerate(path.hops, 1):
        relation = _relation(hop.edge, labels) + ("" if hop.forward else " <small>(walked backwards)</small>")
        out.append(
            f"<tr><td {_CELL}>{i}</td><td {_CELL}>{relation}</td><td {_CELL}>{_context(hop.edge, labels)}</td>"
            f"<td {_CELL}>{_e(hop.support)}</td><td {_CELL}>{_evidence(hop.edge)}</td></tr>"
        )
    out.append("</tbody></table></div>")
    return "".join(out)


def _relation(edge: Relation, labels: Mapping[str, str]) -> str:
    ctx = edge.context
    subject = _e(_label(labels, edge.subject)) + (f" [{_e(ctx.subject_state)}]" if ctx.subject_state else "")
    obj = _e(_label(labels, edge.object)) + (f" [{_e(ctx.object_state)}]" if ctx.object_state else "")
    verb = ("NOT " if ctx.negated else "") + edge.predicate_label
    hedged = " <small>(hedged)</small>" if ctx.hedged else ""
    return f"<span {_tip(edge.subject)}>{subject}</span> <i {_tip(edge.predicate)}>{_e(verb)}</i> <span {_tip(edge.object)}>{obj}</span>{hedged}"


def _context(edge: Relation, labels: Mapping[str, str]) -> str:
    parts = []
    for spec in vocab.CONTEXT:
        if spec.name in ("subject_state", "object_state", "negated", "hedged"):  # shown in the relation
            continue
        value = getattr(edge.context, spec.name)
        if not value:
            continue
        values: Iterable[Any] = value if spec.many else [value]
        shown = ", ".join(_label(labels, v) if spec.kind == "entity" else "yes" if v is True else str(v) for v in values)
        parts.append(f"{_e(spec.label)}: {_e(shown)}")
    return "<br>".join(parts)


def _evidence(edge: Relation) -> str:
    items = []
    for ev in edge.evidences:
        author = f"{ev.first_author} et al, " if ev.first_author else ""
        where = f"ref {ev.refs_printed} ({author}{ev.section})" if ev.refs_printed else f"{author}{ev.section}"
        items.append(f"{_e(where)}: “{_e(ev.quote)}”")
    items.extend(f"note: {_e(note)}" for note in edge.notes)
    return "<br>".join(items)


def _label(labels: Mapping[str, str], iri: str) -> str:
    return labels.get(iri) or vocab.entity_id(iri)


def _tip(iri: str) -> str:
    return f'title="{_e(iri)}"'


# --------------------------------------------------------------------------- query results


def result_html(result: QueryResult, *, max_rows: int = MAX_ROWS) -> str:
    """A SELECT result as a table (its first ``max_rows`` rows), CONSTRUCT / DESCRIBE triples as a
    table of subject, predicate and object, an ASK answer as true or false."""
    if result.form == "ASK":
        return f'<div class="exograph-result"><p>ASK: <b>{"true" if result.boolean else "false"}</b></p></div>'
    header = ("subject", "predicate", "object") if result.is_graph else result.variables
    rows = result.rows
    head = "".join(f"<th {_CELL}>{_e(v if result.is_graph else '?' + v)}</th>" for v in header)
    body = "".join("<tr>" + "".join(_cell(t) for t in row) + "</tr>" for row in rows[:max_rows])
    what = "triple" if result.is_graph else "row"
    count = f"{len(rows):,} {what}{'s' if len(rows) != 1 else ''}"
    if len(rows) > max_rows:
        count = f"the first {max_rows:,} of {count}; result.rows (or result.to_dataframe()) holds them all"
    return f'<div class="exograph-result"><table {_TABLE}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p><small>({_e(count)})</small></p></div>'


def _cell(term: Term | None) -> str:
    if term is None:
        return f"<td {_CELL}></td>"
    if isinstance(term, Literal):
        if term.language:
            return f'<td {_CELL} title="@{_e(term.language)}">{_e(term.value)}</td>'
        value = python_value(term)
        style = _NUMBER if isinstance(value, int | float) and not isinstance(value, bool) else _CELL
        return f'<td {style} title="{_e(vocab.shorten(term.datatype))}">{_e(term.value)}</td>'
    if isinstance(term, BNode):
        return f"<td {_CELL}>_:{_e(term)}</td>"
    return f"<td {_CELL} {_tip(term)}>{_e(vocab.shorten(term))}</td>"


# --------------------------------------------------------------------------- pages inline


@dataclass(frozen=True, repr=False)
class Frame:
    """A page of :meth:`~exograph.kg.KnowledgeGraph.to_html` shown inline in a notebook: the page
    itself (not a file or a URL) in a sandboxed ``<iframe srcdoc>``, which may run the page's
    scripts but not reach the notebook; the page is self-contained, so nothing is fetched.

    Examples
    --------
    >>> Frame(kg.to_html(path=("miR-21", "paclitaxel resistance")), height=450)
    """

    page: str
    height: int = 600
    title: str = "exograph graph"

    def __repr__(self) -> str:
        return f"Frame(<a page of {len(self.page):,} characters>, height={self.height}, title={self.title!r})"

    def _repr_html_(self) -> str:
        return (
            f'<iframe class="exograph-frame" srcdoc="{_e(self.page)}" sandbox="allow-scripts" title="{_e(self.title)}" '
            f'style="width: 100%; height: {int(self.height)}px; border: 1px solid #ccc"></iframe>'
        )


__all__ = ["MAX_ROWS", "Frame", "describe_store", "graph_card", "path_html", "paths_html", "result_html"]
