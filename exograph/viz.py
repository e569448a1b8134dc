"""Interactive HTML: one self-contained file that works offline.

The drawing library is vis-network 9.1.2, vendored in ``templates/vendor/`` (its README says
where from) and inlined; the page, its data and its drawing code are ours. Data travels as
escaped JSON in a non-executing ``<script type="application/json">``, and the page builds every
tooltip and legend entry with ``textContent``, so a label such as ``<img src=x onerror=...>``
stays text. The layout is seeded and physics stops once it settles, so every run looks the same.

Generic entities (``exo:generic``: exosome, tumour cell, microRNA...) join unrelated studies, as
they would join unrelated paths: a drawing hides them by default, with the entities only they
join to the rest (in a focus view: those reached from the focus only through them), and a
control on the page shows them. Nodes are sized by their relations, and the labels with them.

:func:`graph_data` is the drawing's data; the page's drawing code is ``templates/graph.js``. The
file of ``exograph viz`` inlines both; the explorer of ``exograph serve`` fetches the same data
from its API and serves the same script.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from exograph import ontology, vocab
from exograph.model import Context, Relation
from exograph.paths import Path as GraphPath
from exograph.paths import RoleRelation

if TYPE_CHECKING:
    from exograph.index import Index

#: colour and vis-network shape per entity type; every shape draws its label below it, so a node's
#: size can say how many relations it has (shapes such as box draw the label inside, sized by it)
STYLE: dict[str, tuple[str, str]] = {
    "MicroRNA": ("#e6194b", "dot"),
    "LncRNA": ("#f58231", "diamond"),
    "CircRNA": ("#ffe119", "diamond"),
    "MessengerRNA": ("#bfef45", "diamond"),
    "DNA": ("#808000", "diamond"),
    "GeneOrProtein": ("#4363d8", "square"),
    "Lipid": ("#9a6324", "triangleDown"),
    "SignallingPathway": ("#911eb4", "hexagon"),
    "BiologicalProcess": ("#a9a9a9", "dot"),
    "CancerPhenotype": ("#800000", "star"),
    "DrugResistance": ("#b8860b", "star"),
    "Drug": ("#3cb44b", "triangle"),
    "CancerType": ("#000075", "hexagon"),
    "CellType": ("#42d4f4", "dot"),
    "Biofluid": ("#469990", "triangle"),
    "Exosome": ("#f032e6", "dot"),
    "ExtracellularVesicle": ("#a3007d", "diamond"),  # the broader class: another shape and a darker shade than Exosome
    "MicroRNACluster": ("#e6194b", "diamond"),
    "SiRNA": ("#fabed4", "dot"),
    "CellularComponent": ("#aaffc3", "square"),
    "MolecularFunction": ("#dcbeff", "dot"),
    "AnatomicalSite": ("#ffd8b1", "square"),
}
_DEFAULT_STYLE = ("#777777", "dot")

#: above this many nodes drawn at first the layout is made for speed: no Kamada-Kawai start
#: (vis-network's improvedLayout clusters and lays out every node: seconds at 2,000), fewer
#: physics iterations, straight edges, and edges hidden while dragging or zooming
LARGE = 500


#: the layout and the sizes of a small drawing (up to 15 nodes), a large one (200) and a huge one
#: (from 2,000), and between them in proportion to the logarithm of the number of nodes
SMALL = {"gravity": -100.0, "central": 0.01, "spring": 170.0, "label_min": 15.0, "label_max": 22.0, "node_max": 30.0}
BIG = {"gravity": -50.0, "central": 0.02, "spring": 70.0, "label_min": 16.0, "label_max": 40.0, "node_max": 34.0}
HUGE = {"gravity": -40.0, "central": 0.03, "spring": 60.0, "label_min": 16.0, "label_max": 90.0, "node_max": 80.0}


def _sized(nodes: int) -> dict[str, float]:
    """The parameters of SMALL, BIG and HUGE for a drawing of ``nodes`` nodes."""
    n = max(nodes, 1)
    low, high, a, b = (SMALL, BIG, 15, 200) if n < 200 else (BIG, HUGE, 200, 2000)
    t = min(1.0, max(0.0, math.log(n / a) / math.log(b / a)))
    return {key: round(low[key] + t * (high[key] - low[key]), 3) for key in low}


def options(nodes: int, kinds: Sequence[str] = ()) -> dict[str, Any]:
    """vis-network's options for a drawing of ``nodes`` nodes (those shown at first), with the
    style of each entity type of ``kinds`` (a group).

    A small drawing is shown at full size, so it gets long springs and modest labels; a larger one
    is shrunk to fit, so it is drawn tighter and its labels grow with the node's relations: at
    first only the labels of the busiest nodes can be read (the rest appear as one zooms in),
    and edge labels appear only once they can be read. Above :data:`LARGE` nodes the layout is
    made for speed (see there), with a coarser Barnes-Hut approximation of the repulsion."""
    large = nodes > LARGE
    p = _sized(nodes)
    return {
        "layout": {"randomSeed": 42, "improvedLayout": not large},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": p["gravity"],
                "centralGravity": p["central"],
                "springLength": p["spring"],
                "springConstant": 0.08,
                "avoidOverlap": 0.6,
                "theta": 1.0 if large else 0.5,
            },
            # an iteration costs about 1 ms per 150 nodes: under a second of layout at 2,000 nodes (60 iterations), and no more above
            "stabilization": {"enabled": True, "iterations": max(40, min(400, 120_000 // max(nodes, 1))), "updateInterval": 50, "fit": True},
            "minVelocity": 1.0,
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "hideEdgesOnDrag": large, "hideEdgesOnZoom": large},
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#9a9a9a", "highlight": "#d62728", "hover": "#555555"},
            "font": {"size": 11, "align": "middle", "color": "#555555", "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"label": {"drawThreshold": 9}},
            "smooth": False if large else {"type": "continuous"},
            "width": 1,
        },
        "nodes": {
            "font": {"size": 16, "strokeWidth": 4, "strokeColor": "#ffffff", "color": "#222222"},
            "scaling": {
                "min": 10,
                "max": p["node_max"],
                "label": {"enabled": True, "min": p["label_min"], "max": p["label_max"], "maxVisible": 30, "drawThreshold": 10},
            },
        },
        "groups": {kind: {"color": colour, "shape": shape} for kind in sorted(kinds) for colour, shape in [STYLE.get(kind, _DEFAULT_STYLE)]},
    }


def graph_data(
    index: Index,
    edges: Sequence[Relation],
    *,
    highlight: Sequence[GraphPath] = (),
    focus: str | None = None,
    roles: Sequence[RoleRelation] = (),
    show_generic: bool = False,
) -> dict[str, Any]:
    """What ``graph.js`` draws: vis-network nodes and edges (with exograph's context, evidence and
    style), options, the legend, and the highlighted paths as labels (with ``path_info``: whether
    each is cross-cancer, and its cancers). ``focus`` is drawn even when no relation joins it;
    each relation of ``roles`` (whose context names the focus) gets a dashed *context link* from
    the focus to its subject and to its object, one per entity and role, listing the relations.

    Each node says whether it is generic (``exo_generic``) and whether it is *behind* generic
    entities (``exo_behind_generic``): joined to the rest only through them (in a focus view:
    reached from the focus only through them). The page hides both unless ``show_generic`` (it
    is also set when hiding them would leave nothing to draw); the focus and the entities on a
    highlighted path are never hidden. ``options_for`` holds the options of the drawing with
    them hidden and shown (``options`` is one of them: the drawing at first). A node's ``value``,
    by which vis-network sizes it and its label, is the square root of the number of its relations
    with entities that are not generic (so that hubs do not dwarf everything else)."""
    label = _labels(index)
    path_edges = {h.edge.key for p in highlight for h in p.hops}
    path_nodes = {n for p in highlight for n in p.nodes}
    links = _context_links(label, focus, roles)
    ordered = sorted(edges, key=lambda e: e.key)
    pairs = [(e.subject, e.object) for e in ordered] + [(link["from"], link["to"]) for link in links]
    nodes = sorted({n for pair in pairs for n in pair} | path_nodes | ({focus} if focus else set()))
    entities = {iri: index.entity(iri) for iri in nodes}
    generic = {iri for iri, entity in entities.items() if entity is not None and entity.generic}
    kept = path_nodes | ({focus} if focus else set())
    behind = _behind_generic(nodes, pairs, generic, kept, anchored=bool(kept))
    hidden = (generic | behind) - kept
    degree: dict[str, int] = defaultdict(int)
    for a, b in pairs:
        if a not in generic:
            degree[b] += 1
        if b not in generic:
            degree[a] += 1
    nodes_data: list[dict[str, Any]] = []
    for iri in nodes:
        entity = entities[iri]
        nodes_data.append(
            {
                "id": iri,
                "label": label(iri),
                "group": index.type(iri),
                "value": round(math.sqrt(degree[iri]), 3),
                "borderWidth": 4 if iri in kept else 1,
                "exo_type": index.type(iri),
                "exo_synonyms": list(entity.synonyms) if entity else [],
                "exo_xrefs": list(entity.xrefs) if entity else [],
                "exo_on_path": iri in path_nodes,
                "exo_generic": iri in generic,
                "exo_behind_generic": iri in behind,
                "exo_focus": iri == focus,
            }
        )
    predicate_label = cache(ontology.label)
    context = _context_writer(label)
    edges_data: list[dict[str, Any]] = []
    for e in ordered:
        on_path = e.key in path_edges
        hedged = e.context.hedged
        edges_data.append(
            {
                "from": e.subject,
                "to": e.object,
                "arrows": "to",
                "id": e.key,
                "label": predicate_label(e.predicate),
                **({"color": {"color": "#d62728", "highlight": "#d62728", "hover": "#d62728"}} if on_path else {}),
                "width": 4 if on_path else 1,
                "dashes": hedged,
                "exo_kind": "relation",
                "exo_context": context(e),
                "exo_evidence": [{"refs": ev.refs_printed, "author": ev.first_author or "", "section": ev.section, "quote": ev.quote} for ev in e.evidences],
                "exo_notes": list(e.notes),
                "exo_on_path": on_path,
                "exo_hedged": hedged,
                "exo_relations": [],
            }
        )
    edges_data.extend(links)
    kinds = sorted({n["exo_type"] for n in nodes_data})
    first_shown = show_generic or (bool(hidden) and len(hidden) == len(nodes))
    layouts = {"hidden": options(len(nodes) - len(hidden), kinds), "shown": options(len(nodes), kinds)}  # by the state of the switch
    return {
        "nodes": nodes_data,
        "edges": edges_data,
        "options": layouts["shown" if first_shown else "hidden"],
        "options_for": layouts,
        "show_generic": first_shown,
        "legend": [{"type": t, "color": STYLE.get(t, _DEFAULT_STYLE)[0], "shape": STYLE.get(t, _DEFAULT_STYLE)[1]} for t in kinds],
        "paths": [[label(n) for n in p.nodes] for p in highlight],
        "path_info": [{"cross_cancer": p.cross_cancer, "cancers": [label(c) for c in p.cancers]} for p in highlight],
    }


def _behind_generic(nodes: Sequence[str], pairs: Sequence[tuple[str, str]], generic: set[str], kept: set[str], *, anchored: bool) -> set[str]:
    """The entities (not generic) joined to the drawing only through generic ones.

    ``anchored`` (a focus or paths, ``kept``): those not reached from ``kept`` without passing
    through a generic entity. Otherwise (the whole graph): those whose every neighbour is generic."""
    joined: dict[str, set[str]] = defaultdict(set)
    for a, b in pairs:
        joined[a].add(b)
        joined[b].add(a)
    if anchored:
        seen = set(kept)
        frontier = list(kept)
        while frontier:
            node = frontier.pop()
            if node in generic and node not in kept:
                continue  # reached, but not walked through
            for other in joined[node]:
                if other not in seen:
                    seen.add(other)
                    frontier.append(other)
        return {n for n in nodes if n not in seen and n not in generic}
    return {n for n in nodes if n not in generic and joined[n] and joined[n] <= generic}


def _labels(index: Index) -> Callable[[str], str]:
    """``index.label``, remembered: a drawing asks for the same few labels thousands of times."""
    return cache(index.label)


def _context_writer(label: Callable[[str], str]) -> Callable[[Relation], list[list[str]]]:
    """A function from a relation to its context as (label, text) pairs, with entity labels from
    ``label``; relations with the same context share one answer."""
    specs = [(spec.name, spec.label, spec.kind == "entity", spec.many) for spec in vocab.CONTEXT]

    @cache
    def of(context: Context) -> list[list[str]]:
        out = []
        for name, title, is_entity, many in specs:
            value = getattr(context, name)
            if not value:
                continue
            values = value if many else (value,)
            text = ", ".join([label(v) if is_entity else "yes" if v is True else str(v) for v in values])
            out.append([title, text])
        return out

    return lambda e: of(e.context)


def _context_links(label: Callable[[str], str], focus: str | None, roles: Sequence[RoleRelation]) -> list[dict[str, Any]]:
    """Dashed links from ``focus`` to the subject and the object of every relation whose context
    names it, one per (entity, role), each listing its relations (as text)."""
    if focus is None:
        return []
    joined: dict[tuple[str, str], list[str]] = {}
    for r in roles:
        hedged = " (hedged)" if r.edge.context.hedged else ""
        line = f"{label(r.edge.subject)} \u2014{r.edge.predicate_label}\u2192 {label(r.edge.object)}{hedged}"
        for role in r.roles:
            for end in dict.fromkeys((r.edge.subject, r.edge.object)):
                if end != focus:
                    joined.setdefault((end, role), []).append(line)
    out = []
    for (end, role), lines in sorted(joined.items()):
        name = role.replace("_", " ")
        out.append(
            {
                "from": focus,
                "to": end,
                "arrows": "",
                "id": f"context|{role}|{end}",
                "label": f"as {name}",
                "color": "#4a90c2",
                "width": 1,
                "dashes": [6, 6],
                "exo_kind": "context",
                "exo_role": name,
                "exo_context": [],
                "exo_evidence": [],
                "exo_notes": [],
                "exo_on_path": False,
                "exo_hedged": False,
                "exo_relations": sorted(set(lines)),
            }
        )
    return out


def render_html(
    index: Index,
    edges: Sequence[Relation],
    *,
    highlight: Sequence[GraphPath] = (),
    title: str = "exograph",
    focus: str | None = None,
    roles: Sequence[RoleRelation] = (),
    show_generic: bool = False,
) -> str:
    """The page for ``edges`` (and the entities they join); hops of ``highlight`` paths are marked,
    and the relations of ``roles`` joined to ``focus`` by context links (:func:`graph_data`).
    Generic entities are hidden at first unless ``show_generic``."""
    data = graph_data(index, edges, highlight=highlight, focus=focus, roles=roles, show_generic=show_generic)
    summary = f"{len(data['nodes'])} entities, {len(edges)} relations" + (f" ({len(roles)} with the focus in their context)" if focus and roles else "")
    assets = _page_assets()
    return fill(assets["page"], text={"title": title, "summary": summary}, raw={"data_json": json_for_script(data), **assets["raw"]})


_SLOT = re.compile(r"\{\{ (\w+) \}\}")


def fill(template: str, *, text: Mapping[str, str], raw: Mapping[str, str]) -> str:
    """``template`` with every ``{{ name }}`` replaced: a ``text`` value HTML-escaped, a ``raw``
    one as it is (it must already be safe where it goes). A slot neither fills is a KeyError."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in text:
            return html.escape(text[name])
        return raw[name]

    return _SLOT.sub(value, template)


@cache
def _page_assets() -> dict[str, Any]:
    """The page template and the scripts and styles it inlines, each defused for its element (read once)."""
    return {
        "page": template_text("graph.html"),
        "raw": {
            "vis_js": raw_for_element(vis_asset("vis-network.min.js"), "script"),
            "vis_css": raw_for_element(vis_asset("vis-network.css"), "style"),
            "graph_js": raw_for_element(template_text("graph.js"), "script"),
        },
    }


def template_text(name: str) -> str:
    """A file of ``exograph/templates`` (pages, scripts, style sheets)."""
    return resources.files("exograph.templates").joinpath(name).read_text(encoding="utf-8")


#: the files of vis-network, by the names the pages use, in ``templates/vendor/``
VIS_FILES = {"vis-network.min.js": "vis-network.min.js", "vis-network.css": "vis-network.min.css"}


def vis_asset(name: str) -> str:
    """``vis-network.min.js`` or ``vis-network.css``: vis-network's script and style sheet, vendored."""
    return template_text(f"vendor/{VIS_FILES[name]}")


def json_for_script(data: Any) -> str:
    """JSON that cannot close or comment out its ``<script>`` element: every '<', '>', '&' escaped."""
    text = json.dumps(data, ensure_ascii=False)  # the data's dictionaries are built in a fixed order: no need to sort
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def raw_for_element(text: str, tag: str) -> str:
    """A bundled asset inlined in a ``<tag>`` element, with any closing ``</tag`` defused."""
    return re.sub(f"</(?={tag})", "<\\\\/", text, flags=re.IGNORECASE)
