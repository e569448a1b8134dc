"""The ``exograph`` command: a thin shell over the library.

Each command parses its options, makes one library call and prints the result as text or, with
``--format json``, as the stable JSON contracts of :mod:`exograph.serialize`. Errors are one line
on stderr and a non-zero exit: 1 for bad input, 2 for bad usage, 3 when no path exists.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from exograph.errors import ExographError
from exograph.kg import NEIGHBOURS_LIMIT

FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
HEDGED = click.option(
    "--hedged/--no-hedged", "hedged", default=True, show_default=True, help="Keep or leave out hedged statements (the text says 'may', 'might'...)."
)
THROUGH_GENERIC = click.option(
    "--through-generic", is_flag=True, help="Let paths walk through generic entities (microRNA, tumour cell, exosome...), which join unrelated studies."
)


class _Group(click.Group):
    """Turns every ExographError into a one-line message and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ExographError as exc:
            from exograph.text import safe

            click.echo(safe(f"Error: {exc}"), err=True)  # names from the data may hold escapes or bidi overrides
            ctx.exit(exc.exit_code)
        except BrokenPipeError:
            ctx.exit(0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="RDF file to load instead of the packaged graph (repeatable).",
)
@click.option(
    "--store",
    "store",
    envvar="EXOGRAPH_STORE",
    type=click.Path(file_okay=False, path_type=Path),
    help="On-disk store to read (made by 'exograph load'; also $EXOGRAPH_STORE), opened read-only.",
)
@click.option(
    "--endpoint",
    "endpoint",
    envvar="EXOGRAPH_ENDPOINT",
    metavar="URL",
    help="A remote SPARQL 1.1 endpoint to read instead (also $EXOGRAPH_ENDPOINT), read-only; HTTP Basic credentials from"
    " $EXOGRAPH_ENDPOINT_USER / $EXOGRAPH_ENDPOINT_PASSWORD.",
)
@click.option(
    "--endpoint-graph",
    "endpoint_graph",
    envvar="EXOGRAPH_ENDPOINT_GRAPH",
    metavar="IRI",
    help="The named graph that holds the data on --endpoint (default: its default graph).",
)
@click.option("-q", "--quiet", is_flag=True, help="No notes, progress bars or 'wrote' lines on stderr: the answer, warnings and errors only.")
@click.option(
    "-v", "--verbose", count=True, help="Say on stderr what happens: the store opened, the index read or built, and how long each took (-vv: every query too)."
)
@click.version_option(package_name="exograph")
@click.pass_context
def cli(ctx: click.Context, data: tuple[Path, ...], store: Path | None, endpoint: str | None, endpoint_graph: str | None, quiet: bool, verbose: int) -> None:
    """exograph: how exosomal cargo drives cancer, as an evidence-first knowledge graph."""
    if quiet and verbose:
        raise click.UsageError("give --quiet or --verbose, not both")
    if verbose:
        import logging

        logging.basicConfig(level=logging.DEBUG if verbose > 1 else logging.INFO, format="exograph: %(message)s")
    if data and store is not None:
        raise click.UsageError("give --data or --store, not both: load the files into the store with 'exograph load FILE... --store DIR'")
    if endpoint and (data or store is not None):
        raise click.UsageError("give --endpoint, --data or --store, not several: --endpoint reads a remote store instead of files or a local one")
    if endpoint_graph and not endpoint:
        raise click.UsageError("--endpoint-graph names a graph on --endpoint; give --endpoint URL too")
    ctx.obj = {"data": list(data), "store": store, "endpoint": endpoint or None, "endpoint_graph": endpoint_graph or None, "quiet": quiet, "verbose": verbose}


def _note(message: str) -> None:
    """A note on stderr (terminal-safe), unless --quiet."""
    from exograph.text import safe

    ctx = click.get_current_context(silent=True)
    if ctx is None or not (ctx.find_root().obj or {}).get("quiet"):
        click.echo(safe(message), err=True)


def _progress() -> bool:
    """Whether to draw progress bars: on a terminal, unless --quiet."""
    import sys

    ctx = click.get_current_context(silent=True)
    return sys.stderr.isatty() and not (ctx is not None and (ctx.find_root().obj or {}).get("quiet"))


def _kg(ctx: click.Context):  # type: ignore[no-untyped-def]
    from exograph.kg import load

    options = ctx.find_root().obj
    kg = load(options["data"] or None, store=options["store"], endpoint=options.get("endpoint"), endpoint_graph=options.get("endpoint_graph"))
    for note in getattr(kg.store, "notes", ()):
        _note(f"note: {note}")
    return kg


@contextmanager
def _deadline(seconds: float, message: str, code: int) -> Iterator[None]:
    """End this process, saying ``message`` on stderr, if the block still runs after ``seconds``.

    The command is the process, so ending it is what stops a runaway query: the engine answers in
    this thread, and a timer thread can still run beside it, because Oxigraph lets go of the
    interpreter while it evaluates (rdflib is Python, and an endpoint waits on its socket). This
    saves the fork and second opening of the store that :func:`exograph.kg.KnowledgeGraph.sparql`
    needs to keep a caller's process alive."""
    import os
    import threading

    from exograph.text import safe

    def expire() -> None:
        os.write(2, safe(f"Error: {message}").encode("utf-8") + b"\n")
        os._exit(code)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _say_subtypes(kg: Any, cancer: str | None) -> None:
    """Say on stderr which subtypes a --cancer takes in."""
    if cancer is None:
        return

    subtypes = kg.subtypes(cancer)
    if subtypes:
        names = ", ".join(e.label for e in subtypes[:8]) + (f" and {len(subtypes) - 8} more" if len(subtypes) > 8 else "")
        _note(f"note: --cancer '{cancer}' includes its {len(subtypes)} subtype(s): {names}")


def _emit(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@cli.command()
@FORMAT
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Triples, entities by type, relations by predicate, references covered."""
    data = _kg(ctx).stats()
    if fmt == "json":
        return _emit(data)
    from exograph import text

    click.echo(text.stats(data))


@cli.command()
@click.argument("name")
@click.option("--limit", default=10, show_default=True, help="Most matches to list.")
@FORMAT
@click.pass_context
def resolve(ctx: click.Context, name: str, limit: int, fmt: str) -> None:
    """Entities a NAME may mean (labels, synonyms, miRNA spellings), best first."""
    from exograph import text
    from exograph.errors import UnknownEntityError
    from exograph.serialize import resolve_json

    kg = _kg(ctx)
    matches = kg.resolve(name, limit)
    if fmt == "json":
        _emit(resolve_json(name, matches))
    else:
        for m in matches:
            click.echo(text.safe(m.label) + f"\t{m.type}\t{m.score:.2f}\t" + text.safe(m.id))
    if not matches:
        raise UnknownEntityError(name, kg.suggest(name))


@cli.command()
@click.argument("name")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 6), help="Hops from NAME.")
@click.option("--predicate", help="Only relations with this predicate (e.g. targets, 'biomarker for').")
@click.option("--cancer", help="Only relations stated for this cancer or a subtype of it (or for none).")
@click.option(
    "--limit", default=NEIGHBOURS_LIMIT, show_default=True, type=click.IntRange(1), help="Most neighbours and relations to list (the totals are reported)."
)
@HEDGED
@FORMAT
@click.pass_context
def neighbors(ctx: click.Context, name: str, depth: int, predicate: str | None, cancer: str | None, limit: int, hedged: bool, fmt: str) -> None:
    """Entities and relations around NAME (the nearest first; relations in statement order), and the relations whose context names it."""
    from exograph import text
    from exograph.serialize import neighbors_json

    kg = _kg(ctx)
    hood = kg.neighbors(name, depth=depth, predicate=predicate, cancer=cancer, limit=limit, hedged=hedged)
    _say_subtypes(kg, cancer)
    data = neighbors_json(kg.index, hood, depth)
    click.echo(json.dumps(data, indent=2, ensure_ascii=False) if fmt == "json" else text.neighbors(data))


@cli.command()
@click.argument("source")
@click.argument("target")
@click.option("--max-hops", default=4, show_default=True, type=click.IntRange(1, 8), help="Longest path considered.")
@click.option("--cancer", help="Walk only relations stated for this cancer or a subtype of it (or for none).")
@click.option("--all", "all_paths", is_flag=True, help="Every path up to --max-hops (at most 1000, best first), not only the best five.")
@click.option("--undirected", is_flag=True, help="Also walk relations backwards (object to subject).")
@THROUGH_GENERIC
@HEDGED
@FORMAT
@click.pass_context
def path(
    ctx: click.Context,
    source: str,
    target: str,
    max_hops: int,
    cancer: str | None,
    all_paths: bool,
    undirected: bool,
    through_generic: bool,
    hedged: bool,
    fmt: str,
) -> None:
    """Ranked paths from SOURCE to TARGET, each hop with its context and references (paths that stay within one cancer first)."""
    from exograph import text
    from exograph.serialize import paths_json

    kg = _kg(ctx)
    _say_subtypes(kg, cancer)
    found = kg.paths(
        source, target, max_hops=max_hops, cancer=cancer, all_paths=all_paths, undirected=undirected, through_generic=through_generic, hedged=hedged
    )
    data = paths_json(kg.index, found)
    click.echo(json.dumps(data, indent=2, ensure_ascii=False) if fmt == "json" else text.paths(data))
    if found.truncated and all_paths:
        from exograph.paths import PATH_CAP

        _note(f"note: more paths exist: showing the best {len(found)} of at least {found.found} (the cap of --all is {PATH_CAP})")


@cli.command()
@click.argument("a")
@click.argument("b")
@FORMAT
@click.pass_context
def evidence(ctx: click.Context, a: str, b: str, fmt: str) -> None:
    """Everything that links A and B (and their subtypes), curated and imported, strongest first."""
    from exograph import text
    from exograph.serialize import evidence_json

    kg = _kg(ctx)
    data = evidence_json(kg.index, kg.entity(a), kg.entity(b), kg.evidence(a, b))
    click.echo(json.dumps(data, indent=2, ensure_ascii=False) if fmt == "json" else text.evidence(data))


@cli.command()
@click.argument("query", required=False)
@click.option("--list", "list_", is_flag=True, help="List the named queries.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0.1, 86400), help="Seconds the query may run before it is stopped.")
@click.option("--bind", "binds", multiple=True, metavar="VAR=ENTITY", help="Fix a variable of the query to an entity, by name (repeatable).")
@click.pass_context
def query(ctx: click.Context, query: str | None, list_: bool, fmt: str, timeout: float, binds: tuple[str, ...]) -> None:
    """Run SPARQL: a QUERY string, a .rq FILE, or the NAME of a shipped query."""
    from exograph.errors import QueryTimeoutError
    from exograph.query import format_result, named_queries, query_text, run_query, timed_out

    if list_:
        named = named_queries()
        if fmt == "json":
            return _emit([{"name": q.name, "title": q.title} for q in named.values()])
        for q in named.values():
            click.echo(f"{q.name}\t{q.title}")
        return
    if not query:
        raise click.UsageError("give a SPARQL query, a .rq file or a query name (see --list)")
    kg = _kg(ctx)
    sparql = query_text(query)
    if binds:
        from exograph.query import bind

        pairs = [b.partition("=") for b in binds]
        if any(not sep or not name or not value for name, sep, value in pairs):
            raise click.BadParameter('give VAR=ENTITY, e.g. --bind cancer="lung cancer"', param_hint="--bind")
        sparql = bind(sparql, {name.strip().lstrip("?"): kg.entity(value).id for name, _, value in pairs})
    with _deadline(timeout, timed_out(timeout), QueryTimeoutError.exit_code):
        result = run_query(kg.store, sparql)
    click.echo(format_result(result, fmt))


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("exograph.html"), show_default=True)
@click.option("--focus", help="Draw only the neighbourhood of this entity.")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(1, 6), help="Hops around --focus.")
@click.option("--path", "path_", nargs=2, metavar="SOURCE TARGET", help="Draw (and highlight) the paths between two entities.")
@click.option("--max-hops", default=4, show_default=True, type=click.IntRange(1, 8), help="Longest path for --path.")
@click.option(
    "--limit",
    default=500,
    show_default=True,
    type=click.IntRange(1),
    help="Most relations drawn around --focus, or of a whole graph that has more (its best supported); browsers draw a few thousand.",
)
@click.option(
    "--show-generic",
    is_flag=True,
    help="Show generic entities (exosome, tumour cell...) and what only they join to the drawing at first; the page has a switch for them either way.",
)
@THROUGH_GENERIC
@HEDGED
@FORMAT
@click.pass_context
def viz(
    ctx: click.Context,
    output: Path,
    focus: str | None,
    depth: int,
    path_: tuple[str, str] | None,
    max_hops: int,
    limit: int,
    show_generic: bool,
    through_generic: bool,
    hedged: bool,
    fmt: str,
) -> None:
    """Write the graph as one self-contained, offline, interactive HTML file."""
    from exograph.io.turtle import write_text_atomic
    from exograph.viz import render_html

    kg = _kg(ctx)
    drawing = kg.subgraph(
        focus=focus,
        depth=depth,
        path=(path_[0], path_[1]) if path_ else None,
        max_hops=max_hops,
        limit=limit,
        through_generic=through_generic,
        hedged=hedged,
    )
    html = render_html(kg.index, drawing.edges, highlight=drawing.highlight, focus=drawing.focus, roles=drawing.roles, show_generic=show_generic)
    write_text_atomic(output, html)
    if drawing.total > len(drawing.edges):
        shown = len(drawing.edges)
        if focus is None and path_ is None:
            note = (
                f"note: drew the {shown} best-supported of the graph's {drawing.total} relations; give --focus ENTITY or --path SOURCE TARGET"
                " to draw a part of it whole, or a larger --limit"
            )
        else:
            context = " or naming it in their context" if drawing.roles else ""
            note = f"note: drew {shown} of the {drawing.total} relations within {depth} hop(s) of '{focus}'{context}; give a larger --limit to draw more"
        _note(note)
    if fmt == "json":
        return _emit({"output": str(output), "bytes": len(html.encode("utf-8"))})
    click.echo(f"wrote {output}")


@cli.command()
@click.option(
    "--curation",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="The curation directory whose entities.tsv is checked (default: the packaged curation).",
)
@click.option(
    "--reference",
    envvar="EXOGRAPH_REFERENCE",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the reference releases (HGNC, miRBase miRNA.csv, doid/mondo/go/chebi JSON, Cell Ontology JSONL); also $EXOGRAPH_REFERENCE.",
)
@click.option("--sheet", type=click.Path(dir_okay=False, path_type=Path), help="Write the candidates as a TSV review sheet (decision column: accept / reject).")
@click.option(
    "--accept", "accept", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="Add the cross-references a reviewed sheet accepts to entities.tsv"
)
@FORMAT
def ground(curation: Path | None, reference: Path | None, sheet: Path | None, accept: Path | None, fmt: str) -> None:
    """Check every curated entity's cross-references against the reference releases; propose candidates."""
    from exograph import ground as grounding
    from exograph import resources, text
    from exograph.errors import CurationError
    from exograph.io.curation import read_curation
    from exograph.io.turtle import write_text_atomic
    from exograph.reference import ReferenceData

    directory = curation or resources.curation_dir()
    rejected_file = directory / grounding.REJECTED_FILE
    if accept is not None:
        accepted, rejected = grounding.read_decisions(accept)
        added = grounding.accept_sheet(directory / "entities.tsv", accepted)
        turned_down = grounding.record_rejected(rejected_file, rejected)
        click.echo(
            f"added {len(added)} cross-reference(s) to {directory / 'entities.tsv'} and {turned_down} rejection(s) to {rejected_file}; "
            "run 'exograph ground' to check them and 'exograph build'"
        )
        return
    cur = read_curation(directory)
    if cur.errors:
        first = cur.errors[0]
        raise CurationError(f"{first.subject}: {first.message} ({len(cur.errors)} curation error(s); see 'exograph validate --curation {directory}')")
    report = grounding.ground(cur.entities.values(), ReferenceData.from_environment(reference), rejected=grounding.read_rejected(rejected_file))
    if sheet is not None:
        write_text_atomic(sheet, grounding.write_sheet(report.candidates))
    if fmt == "json":
        _emit(report.as_dict())
    else:
        click.echo(text.grounding(report))
    if report.errors:
        raise SystemExit(1)


@cli.command()
@click.option("--curation", type=click.Path(file_okay=False, exists=True, path_type=Path), help="The curation directory (default: the packaged curation).")
@click.option(
    "--reference",
    envvar="EXOGRAPH_REFERENCE",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the reference releases (as for 'exograph ground'); also $EXOGRAPH_REFERENCE.",
)
def hierarchy(curation: Path | None, reference: Path | None) -> None:
    """Write broader.tsv: cancers to their Disease Ontology parents, mature miRNAs to precursors, resistances to drug resistance."""
    from exograph import hierarchy as tree
    from exograph import resources
    from exograph.reference import ReferenceData

    directory = curation or resources.curation_dir()
    found = tree.update_curation(directory, ReferenceData.from_environment(reference))
    click.echo(f"wrote {directory / 'broader.tsv'}: {len(found.links)} link(s); {len(found.added)} entit(ies) added to entities.tsv; run 'exograph build'")


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["graphml", "gexf", "cyjs", "kgx", "neo4j", "nt", "nq", "ttl", "jsonld"]), required=True, help="The format to write."
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    metavar="PATH",
    help="Where to write it ('-': standard output), atomically; kgx and neo4j (two files each): a directory, or a .tar / .tar.gz archive (a tar on stdout).",
)
@click.pass_context
def export(ctx: click.Context, fmt: str, output: str) -> None:
    """The graph as GraphML, GEXF, Cytoscape.js JSON, KGX TSV (Biolink), Neo4j import CSVs (entities
    and relations) or N-Triples, N-Quads, Turtle, JSON-LD (every triple), from the packaged graph,
    --data, --store or --endpoint."""
    import sys

    from exograph.export import export as exported
    from exograph.export import write_export

    if output == "-":
        sys.stdout.buffer.write(exported(_kg(ctx), fmt))
        sys.stdout.buffer.flush()
        return
    written = write_export(_kg(ctx), fmt, Path(output))
    _note(f"wrote {', '.join(map(str, written))} ({fmt}, {sum(written.values())} bytes)")


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--curation", type=click.Path(file_okay=False, path_type=Path), help="Also check a curation directory (tables and quotes).")
@click.option("--review", type=click.Path(dir_okay=False, path_type=Path), help="The review's text, for the quote check.")
@click.option(
    "--engine",
    type=click.Choice(["native", "pyshacl"]),
    default="native",
    show_default=True,
    help="native: the checks as SPARQL on the store; pyshacl: rdflib and pyshacl (a slower cross-check).",
)
@FORMAT
@click.pass_context
def validate(ctx: click.Context, files: tuple[Path, ...], curation: Path | None, review: Path | None, engine: str, fmt: str) -> None:
    """SHACL and ontology checks of FILES (default: the loaded graph), run as SPARQL on the store; problems grouped by kind."""
    from exograph import text
    from exograph.validate import validate

    options = ctx.find_root().obj
    if files or (options["store"] is None and options.get("endpoint") is None):
        report = validate(list(files) or options["data"] or None, curation_dir=curation, review_path=review, engine=engine)
    else:
        report = validate(store=_kg(ctx).store, curation_dir=curation, review_path=review, engine=engine)
    if fmt == "json":
        _emit(report.as_dict())
    else:
        click.echo(text.validation(report))
    if report.errors:
        ctx.exit(1)


@cli.command()
@click.option("--curation", type=click.Path(file_okay=False, path_type=Path), help="Curation directory (default: data/curation).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Turtle to write (default: data/triples.ttl).")
@click.option(
    "--review",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The review's text, for the quote check (default: $EXOGRAPH_REVIEW or ../shared/sources/...).",
)
@FORMAT
def build(curation: Path | None, output: Path | None, review: Path | None, fmt: str) -> None:
    """Compile the curation tables into data/triples.ttl (deterministic)."""
    from exograph.build import build as run_build

    report = run_build(curation, output, review)
    if fmt == "json":
        return _emit(
            {
                "output": str(report.output),
                "entities": report.entities,
                "relations": report.relations,
                "evidences": report.evidences,
                "changed": report.changed,
                "quotes_checked": report.quotes_checked,
            }
        )
    state = "wrote" if report.changed else "up to date:"
    click.echo(f"{state} {report.output}: {report.entities} entities, {report.relations} relations, {report.evidences} evidences")
    if not report.quotes_checked:
        _note(f"quote check skipped: review text not found at {report.review_path} (set EXOGRAPH_REVIEW or --review)")


@cli.command(name="load")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--store", "target", type=click.Path(file_okay=False, path_type=Path), help="The store directory to create or extend (default: the global --store)."
)
@click.option("--graph", "graph", metavar="IRI", help="Load the files into this named graph (default: the default graph).")
@click.option(
    "--ontology/--no-ontology", default=True, show_default=True, help="Also load the exograph ontology (labels of classes and predicates) into a new store."
)
@FORMAT
@click.pass_context
def load_command(ctx: click.Context, files: tuple[Path, ...], target: Path | None, graph: str | None, ontology: bool, fmt: str) -> None:
    """Bulk-load RDF FILES into an on-disk store (created, or extended), atomically."""
    import sys

    from exograph import resources
    from exograph.store.oxigraph import load_files

    target = target or ctx.find_root().obj["store"]
    if target is None:
        raise click.UsageError("name the store directory: exograph load FILE... --store DIR")
    sources = list(files)
    if ontology and not (target / "exograph-store.json").is_file() and graph is None:
        sources.append(resources.ontology_file())
    total = sum(f.stat().st_size for f in sources if f.is_file())
    if _progress() and fmt == "text":
        with click.progressbar(length=total, label="loading", file=sys.stderr, show_eta=True) as bar:
            report = load_files(target, sources, graph=graph, progress=bar.update)
    else:
        report = load_files(target, sources, graph=graph)
    if fmt == "json":
        return _emit(
            {
                "store": str(report.store),
                "created": report.created,
                "files": [str(f) for f in report.files],
                "triples": report.triples_after,
                "added": report.added,
            }
        )
    verb = "created" if report.created else "extended"
    click.echo(f"{verb} {report.store}: {report.added} triples added from {len(report.files)} file(s); {report.triples_after} triples in all")


def _absolute_iri(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from urllib.parse import urlsplit

    if value is not None and (not urlsplit(value).scheme or any(c in value for c in ' <>"{}|^`\\')):
        raise click.BadParameter(f"'{value}' is not an absolute IRI (such as https://example.org/graph)")
    return value


class _Bars:
    """Progress bars on stderr, one after the other (reading a file, then loading its RDF)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._bar: Any = None

    def start(self, label: str, length: int) -> Any:
        """A new bar (the previous one finished); its update callback, or None when bars are off."""
        import sys

        self.close()
        if not self.enabled:
            return None
        self._bar = click.progressbar(length=max(length, 1), label=label, file=sys.stderr, show_eta=True)
        self._bar.__enter__()
        return self._bar.update

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def _import_options(function: Any) -> Any:
    """The options every 'exograph import DATABASE FILE' command takes."""
    from collections.abc import Callable

    options: list[Callable[[Any], Any]] = [
        click.argument("file", type=click.Path(dir_okay=False, path_type=Path)),
        click.option(
            "--store",
            "target",
            type=click.Path(file_okay=False, path_type=Path),
            help="The store directory to create (with the curated graph and the ontology) or extend (default: the global --store).",
        ),
        click.option("-o", "--output", metavar="FILE", help="Write sorted N-Quads to FILE ('-': stdout) instead of a store."),
        click.option(
            "--reference",
            envvar="EXOGRAPH_REFERENCE",
            type=click.Path(file_okay=False, path_type=Path),
            help="Folder holding miRBase's miRNA.csv (and mature.fa) and HGNC's hgnc_complete_set.txt; also $EXOGRAPH_REFERENCE.",
        ),
        click.option(
            "--graph", metavar="IRI", callback=_absolute_iri, help="The named graph to import into (default: https://w3id.org/exograph/graph/DATABASE)."
        ),
        click.option("--release", help="The database release imported (default: the file's name and SHA-256)."),
        click.option(
            "--on-error",
            type=click.Choice(["skip", "stop"]),
            default="skip",
            show_default=True,
            help="A malformed row: skipped and counted, or the import stops (nothing written).",
        ),
        click.option(
            "--curated/--no-curated",
            default=True,
            show_default=True,
            help="Link to the curated entities (by cross-reference) and put the curated graph and the ontology into a new store.",
        ),
        FORMAT,
        click.pass_context,
    ]
    for option in reversed(options):
        function = option(function)
    return function


@cli.group(name="import")
def import_group() -> None:
    """Import an external database into a named graph of its own, linked to the curated entities."""


def _run_import(ctx: click.Context, database: Any, file: Path, target: Path | None, output: str | None, fmt: str, **options: Any) -> None:
    import sys

    from exograph.reference import ReferenceData
    from exograph.sources import import_file

    if output is None:
        target = target or ctx.find_root().obj["store"]
    if target is not None and output is not None:
        raise click.UsageError("give --store DIR or -o FILE, not both")
    if target is None and output is None:
        raise click.UsageError("say where the import goes: --store DIR (a new or an existing store) or -o FILE.nq ('-' for stdout)")
    reference = ReferenceData.from_environment(options.pop("reference"))
    sink: Any = None if output is None else sys.stdout.buffer if output == "-" else Path(output)
    bars = _Bars(_progress() and fmt == "text")
    try:
        report = import_file(
            database,
            file,
            reference=reference,
            store=target,
            output=sink,
            progress=bars.start(f"reading {file.name}", file.stat().st_size) if file.is_file() else None,
            load_progress=lambda total: bars.start("loading", total),
            **options,
        )
    finally:
        bars.close()
    shown = 10
    for problem in report.problems[:shown]:
        click.echo(f"warning: {problem}; row skipped", err=True)
    if report.malformed > shown:
        click.echo(f"warning: {report.malformed - shown} more malformed rows skipped (--format json lists the first {len(report.problems)})", err=True)
    to_stderr = output == "-"
    if fmt == "json":
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False), err=to_stderr)
    else:
        click.echo(report.summary(), err=to_stderr)


@import_group.command(name="mirtarbase", short_help="miRTarBase's CSV or xlsx: one 'targets' relation per MIRT id, one evidence per PMID.")
@_import_options
def import_mirtarbase(ctx: click.Context, file: Path, target: Path | None, output: str | None, fmt: str, **options: Any) -> None:
    """Import miRTarBase's CSV (hsa_MTI.csv) or its Excel workbook (hsa_MTI.xlsx; the xlsx extra):
    each MIRT interaction one 'targets' relation, one evidence per PMID."""
    from exograph.sources.mirtarbase import DATABASE

    _run_import(ctx, DATABASE, file, target, output, fmt, **options)


def _graph_options(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, Path]:
    """``IRI=PATH`` options as {IRI: PATH} (split at the last '=', since an IRI may hold one)."""
    from urllib.parse import urlsplit

    graphs: dict[str, Path] = {}
    for value in values:
        iri, sep, path = value.rpartition("=")
        if not sep or not iri or not path:
            raise click.BadParameter(f"'{value}' is not IRI=PATH, e.g. http://example.org/g=data.nt")
        if not urlsplit(iri).scheme:
            raise click.BadParameter(f"'{iri}' is not an absolute IRI (such as http://example.org/g)")
        if iri in graphs:
            raise click.BadParameter(f"the graph {iri} is given twice")
        if not Path(path).is_file():
            raise click.BadParameter(f"{path}: no such file")
        graphs[iri] = Path(path)
    return graphs


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (127.0.0.1: this machine only).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on (0: any free port).")
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="IRI=PATH",
    callback=_graph_options,
    help="Also hold an RDF file as the named graph IRI (repeatable); FROM and default-graph-uri may name only these.",
)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes: queries run at once.")
@click.option("--timeout", default=5.0, show_default=True, type=click.FloatRange(0.1, 3600), help="Seconds a query (or API call) may run.")
@click.option("--max-results", default=10_000, show_default=True, type=click.IntRange(1), help="Most rows (or triples) a result may have.")
@click.option("--max-bytes", default=10_000_000, show_default=True, type=click.IntRange(1), help="Most bytes a result may have.")
@click.option(
    "--max-memory", default=2000, show_default=True, type=click.IntRange(0), help="MB of memory a query may take beyond the loaded graph (0: no limit)."
)
@click.option("-v", "--verbose", is_flag=True, help="Log every request on stderr.")
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    graphs: dict[str, Path],
    workers: int,
    timeout: float,
    max_results: int,
    max_bytes: int,
    max_memory: int,
    verbose: bool,
) -> None:
    """Serve a read-only SPARQL 1.1 endpoint (/sparql) and the explorer (/) until Ctrl-C."""
    from exograph.server import Limits, Server

    if verbose and not ctx.find_root().obj["verbose"]:
        import logging

        logging.basicConfig(level=logging.INFO, format="%(message)s")
    limits = Limits(timeout=timeout, max_results=max_results, max_bytes=max_bytes, max_memory=max_memory * 1_000_000)
    if graphs and ctx.find_root().obj["store"] is not None:
        raise click.UsageError(
            "--graph holds files in memory beside the packaged graph or --data; with --store, load them into the store: "
            "exograph load FILE --graph IRI --store DIR"
        )
    server = Server(_kg(ctx), graphs=graphs, host=host, port=port, workers=workers, limits=limits)
    click.echo(f"Serving on {server.url} (SPARQL endpoint {server.endpoint}); Ctrl-C to stop")
    server.run()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="exograph")


if __name__ == "__main__":  # pragma: no cover
    main()
