"""Interactive HTML: one self-contained file that works offline.

pyvis 0.3.2 ships vis-network, which is inlined; everything else is ours, because pyvis's
templates load vis-network and bootstrap from a CDN (blank page offline), do not escape the
heading, its ``Network.show()`` crashes, and importing it imports networkx and IPython (0.1 s).
The nodes and edges are the dictionaries pyvis would build. Data travels as
escaped JSON in a non-executing ``<script type="application/json">``, and the page builds every
tooltip and legend entry with ``textContent``, so a label such as ``<img src=x onerror=...>``
stays text. The layout is seeded and physics stops once it settles, so every run looks the same.

:func:`graph_data` is the drawing's data; the page's drawing code is ``templates/graph.js``. The
file of ``exograph viz`` inlines both; the explorer of ``exograph serve`` fetches the same data
from its API and serves the same script.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exograph import vocab
from exograph.errors import MissingDependencyError
from exograph.model import Relation
from exograph.paths import Path as GraphPath
from exograph.paths import RoleRelation

if TYPE_CHECKING:
    from exograph.index import Index

#: colour and vis-network shape per entity type
STYLE: dict[str, tuple[str, str]] = {
    "MicroRNA": ("#e6194b", "dot"),
    "LncRNA": ("#f58231", "diamond"),
    "CircRNA": ("#ffe119", "diamond"),
    "MessengerRNA": ("#bfef45", "diamond"),
    "DNA": ("#808000", "diamond"),
    "GeneOrProtein": ("#4363d8", "square"),
    "Lipid": ("#9a6324", "triangleDown"),
    "SignallingPathway": ("#911eb4", "hexagon"),
    "BiologicalProcess": ("#a9a9a9", "ellipse"),
    "CancerPhenotype": ("#800000", "star"),
    "DrugResistance": ("#b8860b", "star"),
    "Drug": ("#3cb44b", "triangle"),
    "CancerType": ("#000075", "box"),
    "CellType": ("#42d4f4", "dot"),
    "Biofluid": ("#469990", "triangle"),
    "Exosome": ("#f032e6", "dot"),
    "ExtracellularVesicle": ("#f032e6", "dot"),
    "MicroRNACluster": ("#e6194b", "diamond"),
    "SiRNA": ("#fabed4", "dot"),
    "CellularComponent": ("#aaffc3", "square"),
    "MolecularFunction": ("#dcbeff", "ellipse"),
    "AnatomicalSite": ("#ffd8b1", "box"),
}
_DEFAULT_STYLE = ("#777777", "dot")

OPTIONS: dict[str, Any] = {
    "layout": {"randomSeed": 42, "improvedLayout": True},
    "physics": {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.4},
        "stabilization": {"enabled": True, "iterations": 400, "fit": True},
    },
    "interaction": {"hover": True, "tooltipDelay": 150, "navigationButtons": False},
    "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}}, "font": {"size": 10, "align": "middle"}, "smooth": {"type": "continuous"}},
    "nodes": {"font": {"size": 14}},
}


def graph_data(
    index: Index,
    edges: Sequence[Relation],
    *,
    highlight: Sequence[GraphPath] = (),
    focus: str | None = None,
    roles: Sequence[RoleRelation] = (),
) -> dict[str, Any]:
    """What ``graph.js`` draws: vis-network nodes and edges (with exograph's context, evidence and
    style), options, the legend, and the highlighted paths as labels (with ``path_info``: whether
    each is cross-cancer, and its cancers). ``focus`` is drawn even when no relation joins it;
    each relation of ``roles`` (whose context names the focus) gets a dashed *context link* from
    the focus to its subject and to its object, one per entity and role, listing the relations."""
    path_edges = {h.edge.key for p in highlight for h in p.hops}
    path_nodes = {n for p in highlight for n in p.nodes}
    links = _context_links(index, focus, roles)
    nodes = sorted({e.subject for e in edges} | {e.object for e in edges} | path_nodes | ({focus} if focus else set()))
    nodes_data = []
    for iri in nodes:
        entity = index.entity(iri)
        kind = index.type(iri)
        colour, shape = STYLE.get(kind, _DEFAULT_STYLE)
        nodes_data.append(
            {
                "id": iri,
                "label": index.label(iri),
                "color": colour,
                "shape": shape,
                "font": {"color": "#ffffff"} if shape == "box" else {"color": "#222222"},
                "borderWidth": 4 if iri in path_nodes or iri == focus else 1,
                "exo_type": kind,
                "exo_synonyms": list(entity.synonyms) if entity else [],
                "exo_xrefs": list(entity.xrefs) if entity else [],
                "exo_on_path": iri in path_nodes,
                "exo_generic": bool(entity and entity.generic),
                "exo_focus": iri == focus,
            }
        )
    edges_data = []
    for e in sorted(edges, key=lambda e: e.key):
        on_path = e.key in path_edges
        hedged = e.context.hedged
        edges_data.append(
            {
                "from": e.subject,
                "to": e.object,
                "arrows": "to",
                "id": e.key,
                "label": e.predicate_label,
                "color": "#d62728" if on_path else "#888888",
                "width": 4 if on_path else 1,
                "dashes": hedged,
                "exo_kind": "relation",
                "exo_context": _context(index, e),
                "exo_evidence": [{"refs": ev.refs_printed, "author": ev.first_author or "", "section": ev.section, "quote": ev.quote} for ev in e.evidences],
                "exo_notes": list(e.notes),
                "exo_on_path": on_path,
                "exo_hedged": hedged,
                "exo_relations": [],
            }
        )
    edges_data.extend(links)
    legend = sorted({index.type(n) for n in nodes})
    return {
        "nodes": nodes_data,
        "edges": edges_data,
        "options": OPTIONS,
        "legend": [{"type": t, "color": STYLE.get(t, _DEFAULT_STYLE)[0], "shape": STYLE.get(t, _DEFAULT_STYLE)[1]} for t in legend],
        "paths": [[index.label(n) for n in p.nodes] for p in highlight],
        "path_info": [{"cross_cancer": p.cross_cancer, "cancers": [index.label(c) for c in p.cancers]} for p in highlight],
    }


def _context_links(index: Index, focus: str | None, roles: Sequence[RoleRelation]) -> list[dict[str, Any]]:
    """Dashed links from ``focus`` to the subject and the object of every relation whose context
    names it, one per (entity, role), each listing its relations (as text)."""
    if focus is None:
        return []
    joined: dict[tuple[str, str], list[str]] = {}
    for r in roles:
        hedged = " (hedged)" if r.edge.context.hedged else ""
        line = f"{index.label(r.edge.subject)} \u2014{r.edge.predicate_label}\u2192 {index.label(r.edge.object)}{hedged}"
        for role in r.roles:
            for end in dict.fromkeys((r.edge.subject, r.edge.object)):
                if end != focus:
                    joined.setdefault((end, role), []).append(line)
    out = []
    for (end, role), lines in sorted(joined.items()):
        label = role.replace("_", " ")
        out.append(
            {
                "from": focus,
                "to": end,
                "arrows": "",
                "id": f"context|{role}|{end}",
                "label": f"as {label}",
                "color": "#4a90c2",
                "width": 1,
                "dashes": [6, 6],
                "exo_kind": "context",
                "exo_role": label,
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
) -> str:
    """The page for ``edges`` (and the entities they join); hops of ``highlight`` paths are marked,
    and the relations of ``roles`` joined to ``focus`` by context links (:func:`graph_data`)."""
    try:
        import jinja2
    except ImportError as exc:  # pragma: no cover - a dependency
        raise MissingDependencyError(f"{exc.name} is needed for HTML output; pip install jinja2") from None

    data = graph_data(index, edges, highlight=highlight, focus=focus, roles=roles)
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(template_text("graph.html"))
    return template.render(
        title=title,
        summary=f"{len(data['nodes'])} entities, {len(edges)} relations" + (f" ({len(roles)} with the focus in their context)" if focus and roles else ""),
        data_json=_json_for_script(data),
        vis_js=_raw_for_element(vis_asset("vis-network.min.js"), "script"),
        vis_css=_raw_for_element(vis_asset("vis-network.css"), "style"),
        graph_js=_raw_for_element(template_text("graph.js"), "script"),
    )


def template_text(name: str) -> str:
    """A file of ``exograph/templates`` (pages, scripts, style sheets)."""
    return resources.files("exograph.templates").joinpath(name).read_text(encoding="utf-8")


def vis_asset(name: str) -> str:
    """``vis-network.min.js`` or ``vis-network.css``, as pyvis ships them (read without importing
    pyvis, which would import networkx and IPython)."""
    import importlib.util

    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependencyError("pyvis (which ships vis-network) is needed for HTML output; pip install pyvis")
    return (Path(next(iter(spec.submodule_search_locations))) / "lib" / "vis-9.1.2" / name).read_text(encoding="utf-8")


def _context(index: Index, e: Relation) -> list[list[str]]:
    out = []
    for spec in vocab.CONTEXT:
        value = getattr(e.context, spec.name)
        if not value:
            continue
        values = list(value) if spec.many else [value]
        text = ", ".join(index.label(v) if spec.kind == "entity" else "yes" if v is True else str(v) for v in values)
        out.append([spec.label, text])
    return out


def _json_for_script(data: Any) -> Any:
    """JSON that cannot close or comment out its ``<script>`` element: every '<', '>', '&' escaped."""
    from markupsafe import Markup

    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _raw_for_element(text: str, tag: str) -> Any:
    """A bundled asset inlined in a ``<tag>`` element, with any closing ``</tag`` defused."""
    from markupsafe import Markup

    return Markup(re.sub(f"</(?={tag})", "<\\\\/", text, flags=re.IGNORECASE))
