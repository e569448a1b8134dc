"""Plain-text renderings of the JSON contracts, for people at a terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from exograph.support import shown

if TYPE_CHECKING:
    from exograph.ground import GroundReport
    from exograph.validate import Report


def _shown(lines: list[str]) -> str:
    """Lines for the terminal, each made :func:`safe`: every renderer ends here, so no value read
    from a graph (a label, a quote, a note) can drive the terminal."""
    return "\n".join(safe(line) for line in lines)


def safe(text: str) -> str:
    """``text`` with control characters (escape sequences, carriage returns...) written as
    ``\\xNN`` / ``\\uNNNN``, so data cannot drive the terminal."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def stats(data: dict[str, Any]) -> str:
    width = max((len(k) for k in data["relations_by_section"]), default=0)
    lines = [
        f"triples      {data['triples']}",
        f"entities     {data['entities']}",
        f"relations    {data['relations']}",
        f"evidences    {data['evidences']}",
        "",
        "entities by type:",
        *(f"  {k:<22} {v}" for k, v in data["entities_by_type"].items()),
        "",
        "relations by predicate:",
        *(f"  {k:<22} {v}" for k, v in data["relations_by_predicate"].items()),
        "",
        "relations (evidences) by review section:",
        *(f"  {k:<{width}} {v:>4} ({data['evidences_by_section'][k]})" for k, v in data["relations_by_section"].items()),
        "",
        f"references cited ({len(data['references_cited'])} of {len(data['references_cited']) + len(data['references_not_cited'])}): "
        + _ranges(data["references_cited"]),
        "references not cited by any relation: " + (_ranges(data["references_not_cited"]) or "none"),
    ]
    return _shown(lines)


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 5 -> '1-3, 5'."""
    out: list[str] = []
    for n in numbers:
        if out and n == int(out[-1].split("-")[-1]) + 1:
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


def _context(ctx: dict[str, Any]) -> str:
    parts = []
    for key, value in ctx.items():
        if key == "hedged":  # shown beside the relation
            continue
        if isinstance(value, dict):
            value = value["label"]
        elif isinstance(value, list):
            value = ", ".join(v["label"] if isinstance(v, dict) else str(v) for v in value)
        parts.append(f"{key.replace('_', ' ')}: {value}")
    return "; ".join(parts)


def edge(e: dict[str, Any], indent: str = "  ") -> list[str]:
    """A relation as a few lines: the triple, its context, its evidence."""
    ctx = e["context"]
    subject = e["subject"]["label"] + (f" [{ctx['subject_state']}]" if ctx.get("subject_state") else "")
    obj = e["object"]["label"] + (f" [{ctx['object_state']}]" if ctx.get("object_state") else "")
    arrow = f"--NOT {e['label']}-->" if ctx.get("negated") else f"--{e['label']}-->"
    lines = [f"{indent}{subject} {arrow} {obj}" + (f" {HEDGED}" if ctx.get("hedged") else "")]
    shown = _context(ctx)
    if shown:
        lines.append(f"{indent}    context: {shown}")
    for ev in e["evidence"]:
        author = f"{ev['first_author']} et al, " if ev["first_author"] else ""
        lines.append(f'{indent}    ref {ev["refs_printed"]} ({author}{ev["section"]}): "{ev["quote"]}"')
    for note in e.get("notes", []):
        lines.append(f"{indent}    note: {note}")
    if "support" in e:
        lines.append(f"{indent}    {_support(e['support'])}")
    return lines


#: the mark of a hedged statement ("may", "might", "could" in the text), beside the relation
HEDGED = "(hedged)"


def _support(s: dict[str, Any]) -> str:
    parts = [f"{s[kind]} {kind}" for kind in ("curated", "strong", "weak") if s[kind]]
    negative = f"; {s['negative']} found no interaction" if s["negative"] else ""
    return f"support {shown(s['belief'])} ({', '.join(parts) or 'no evidence'}{negative})"


def paths(data: dict[str, Any]) -> str:
    out = []
    for i, p in enumerate(data["paths"], 1):
        chain = " -> ".join(n["label"] for n in p["nodes"])
        belief = f", support {shown(p['belief'])}" if "belief" in p else ""
        cross = ", cross-cancer" if p.get("cross_cancer") else ""
        out.append(f"Path {i} ({len(p['edges'])} hop{'s' if len(p['edges']) != 1 else ''}{belief}{cross}): {chain}")
        if p.get("cross_cancer"):
            cancers = ", ".join(c["label"] for c in p["cancers"])
            out.append(f"  warning: cross-cancer path: its hops are stated for different cancers ({cancers}), no one study shows the whole chain")
        for j, e in enumerate(p["edges"], 1):
            lines = edge(e, indent="  ")
            lines[0] = f"  {j}. " + lines[0].lstrip() + ("" if e["forward"] else "   (walked backwards)")
            out.extend(lines)
        out.append("")
    return _shown(out).rstrip()


def neighbors(data: dict[str, Any]) -> str:
    centre = data["entity"]
    in_context = data.get("total_through_context", 0)
    also = f"; named in the context of {in_context} relation(s), below" if in_context else ""
    out = [f"{centre['label']} ({centre['type']}): {data.get('total_neighbors', len(data['neighbors']))} neighbours within {data['depth']} hop(s){also}"]
    for n in data["neighbors"]:
        out.append(f"  [{n['distance']}] {n['label']} ({n['type']})")
    total = data.get("total_neighbors", len(data["neighbors"]))
    if total > len(data["neighbors"]):
        out.append(f"  ... {total - len(data['neighbors'])} more (showing {len(data['neighbors'])} of {total}; use --limit)")
    out.append("")
    edges_total = data.get("total_edges", len(data["edges"]))
    shown = f"{len(data['edges'])} of {edges_total}" if edges_total > len(data["edges"]) else str(len(data["edges"]))
    out.append(f"relations ({shown}):")
    for e in data["edges"]:
        out.extend(edge(e))
    roles_total = data.get("total_through_context", len(data.get("through_context", [])))
    if roles_total:
        listed = data["through_context"]
        by_role = ", ".join(f"{role.replace('_', ' ')} {n}" for role, n in data.get("through_context_by_role", {}).items())
        count = f"{len(listed)} of {roles_total}" if roles_total > len(listed) else str(roles_total)
        out.append("")
        out.append(f"through context: {centre['label']} is named in the context of {count} relation(s) ({by_role}):")
        for e in listed:
            lines = edge(e)
            lines[0] = f"  [{', '.join(r.replace('_', ' ') for r in e['roles'])}] " + lines[0].lstrip()
            out.extend(lines)
        if roles_total > len(listed):
            out.append(f"  ... {roles_total - len(listed)} more (use --limit)")
    return _shown(out)


def validation(report: Report) -> str:
    if not report.problems:
        return f"valid: no problems in {', '.join(report.checked)}"
    out = [f"{len(report.problems)} problem(s) in {', '.join(report.checked)}:"]
    by_kind: dict[str, list[str]] = {}
    for p in report.problems:
        # a message that already starts with its file:line is not prefixed with the file again
        item = p.message if p.message.startswith(p.subject) else f"{p.subject}: {p.message}"
        by_kind.setdefault(f"{p.level} {p.code}", []).append(item)
    for kind, items in by_kind.items():
        out.append(f"{kind} ({len(items)})")
        out.extend(f"  {item}" for item in items[:20])
        if len(items) > 20:
            out.append(f"  ... and {len(items) - 20} more")
    verdict = "invalid" if report.errors else "valid (no errors)"
    out.append(verdict)
    return _shown(out)


def grounding(report: GroundReport) -> str:
    """Problems grouped by kind, then the figures."""
    out = []
    by_kind: dict[str, list[str]] = {}
    for p in report.problems:
        by_kind.setdefault(f"{p.level} {p.code}", []).append(f"{p.subject}: {p.message}")
    for kind, items in by_kind.items():
        out.append(f"{kind} ({len(items)})")
        out.extend(f"  {item}" for item in items[:20])
        if len(items) > 20:
            out.append(f"  ... and {len(items) - 20} more")
    resources = ", ".join(sorted(report.resources)) or "none"
    out.append(
        f"{report.entities} entities; {report.verified} cross-reference(s) verified against {resources}; "
        f"{len(report.candidates)} candidate(s); {len(report.errors)} error(s)"
    )
    return _shown(out)


def evidence(data: dict[str, Any]) -> str:
    """The links between two entities, strongest first, each with its evidence."""
    out = [f"{len(data['links'])} link(s) between {data['a']['label']} and {data['b']['label']}, strongest first:"]
    for link in data["links"]:
        where = f" [{link['graph']}]" if link["graph"] else " [curated]"
        hedged = f" {HEDGED}" if link.get("hedged") else ""
        out.append(f"- {link['subject']['label']} --{link['label']}--> {link['object']['label']}{hedged}{where}: {_support(link['support'])}")
        for ev in link["evidence"]:
            if "record" in ev:
                experiments = "; ".join(ev["experiments"])
                out.append(f"    {ev['record']} PMID {ev['pmid']} ({ev['support_type']}): {experiments}")
            else:
                author = f"{ev['first_author']} et al, " if ev["first_author"] else ""
                out.append(f'    ref {ev["refs_printed"] or "-"} ({author}{ev["section"]}): "{ev["quote"]}"')
    return _shown(out)
