"""exograph over a remote SPARQL endpoint against the same commands on a local on-disk store.

One synthetic graph (``--triples``, 1M by default) is loaded twice: into an Oxigraph server's
directory (``oxigraph load``, the way a lab bulk-loads its server) and into an exograph store
(``exograph load``), both timed. The server is started on loopback (``oxigraph serve-read-only``);
then each command runs as a whole process (cold interpreter, warm page cache, the median of
``--runs`` after one unmeasured warm-up) with ``--endpoint URL`` and with ``--store DIR``, and the
ratio endpoint / local is reported. The first command over the endpoint builds the index from it
(timed on its own, and the HTTP requests it made counted); later ones read the index kept in the
private cache, as a user's would.

    python benchmarks/bench_endpoint.py [--triples 1M] [--runs 3] [--workdir DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_cli import exograph_command  # noqa: E402
from bench_scale import parse_size, size_name  # noqa: E402
from synthetic import generate  # noqa: E402

#: the commands compared (the synthetic graph's hub pair miR-21 -> metastasis and its entities)
COMMANDS: dict[str, list[str]] = {
    "resolve miR-21": ["resolve", "miR-21"],
    "stats": ["stats"],
    "path miR-21 metastasis": ["path", "miR-21", "metastasis", "--max-hops", "3"],
    "neighbors miR-21": ["neighbors", "miR-21"],
    "query COUNT targets": ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s exo:targets ?o }"],
}


def oxigraph_binary() -> str:
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.is_file() else shutil.which("oxigraph")
    if found is None:
        raise SystemExit("the 'oxigraph' server binary is not installed: pip install oxigraph")
    return found


def seconds(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def wait(url: str, timeout: float = 120.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within {timeout:g} s")


def bench(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from exograph import resources

    graph = workdir / f"g{size_name(args.triples)}.nt"
    if not graph.is_file():
        generate(graph, args.triples)
    binary = oxigraph_binary()
    exo = exograph_command()
    env = {**os.environ, "EXOGRAPH_CACHE_DIR": str(workdir / "cache")}
    shutil.rmtree(workdir / "cache", ignore_errors=True)
    shutil.rmtree(workdir / "server", ignore_errors=True)
    shutil.rmtree(workdir / "store", ignore_errors=True)
    server_load = seconds([binary, "load", "--location", str(workdir / "server"), "--file", str(graph), str(resources.ontology_file())], env)
    local_load = seconds([*exo, "load", str(graph), "--store", str(workdir / "store")], env)
    port = 7000 + os.getpid() % 2000
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(workdir / "server"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait(url)
        index = seconds([*exo, "--endpoint", url, "stats"], env)
        requests = index_requests(url)
        rows = []
        for name, command in COMMANDS.items():
            remote = [*exo, "--endpoint", url, *command]
            local = [*exo, "--store", str(workdir / "store"), *command]
            seconds(remote, env), seconds(local, env)  # warm-up
            r = statistics.median(seconds(remote, env) for _ in range(args.runs))
            s = statistics.median(seconds(local, env) for _ in range(args.runs))
            rows.append({"command": name, "endpoint_s": round(r, 3), "local_s": round(s, 3), "ratio": round(r / s, 2)})
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {
        "triples": args.triples,
        "server_load_s": round(server_load, 2),
        "local_load_s": round(local_load, 2),
        "endpoint_index_s": round(index, 2),
        "endpoint_index_requests": requests,
        "commands": rows,
    }


def index_requests(url: str) -> int:
    """The requests building the index from the endpoint takes (in this process, not kept)."""
    from exograph.index import build_database
    from exograph.store.endpoint import EndpointStore

    store = EndpointStore(url)
    build_database(store, store.fingerprint)
    return store.requests


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"{result['triples']:,} triples: loaded into the Oxigraph server's directory in {result['server_load_s']} s (`oxigraph load`),"
        f" into an exograph store in {result['local_load_s']} s (`exograph load`); the first command over the endpoint builds the index"
        f" in {result['endpoint_index_s']} s ({result['endpoint_index_requests']} requests), kept in the cache for the next.",
        "",
        "| command (whole process) | over the endpoint | local on-disk store | ratio |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{r['command']}` | {r['endpoint_s']} s | {r['local_s']} s | {r['ratio']} |" for r in result["commands"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=parse_size, default=parse_size("1M"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, help="where the graph, the server's directory and the store go (default: a temporary directory)")
    parser.add_argument("--json", dest="json_out", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        result = bench(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = bench(args, Path(tmp))
    print(markdown(result))
    if args.json_out:
        args.json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
