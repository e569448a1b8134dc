"""Throughput and latency of ``exograph serve``'s SPARQL endpoint under concurrent clients.

Starts the server (``exograph serve --port 0``), then for each query has N clients (threads, each
on its own keep-alive connection) send it over and over for a while, and reports queries per
second and the median (p50) and 99th-percentile (p99) latency. Each query is sent twice over:
"repeated" (the same text every time, which each worker parses once and keeps) and "distinct"
(a comment numbering each request makes every text new, so every request is parsed).

The baseline, measured in the same run, is the same query answered in this process without HTTP
or workers (``kg.sparql``, then serialized as JSON, one at a time), so the ratios say what the
endpoint gives and costs on this machine.

With ``--store DIR`` (an on-disk store, e.g. a million triples) the server serves that store, and
the run also reports what the issue asks of it at scale:

* **ready**: seconds from starting ``exograph --store DIR serve`` to its first answer;
* **under a runaway**: the simple query driven by the clients while one more client keeps sending
  a runaway query (a cross product the server stops at ``--timeout``); queries per second and p99;
* **memory**: the resident memory of the server and its workers before and after 10,000 requests;
* the baseline is then raw pyoxigraph on the same store, opened read-only in this process, the same
  query serialized as JSON.

    python benchmarks/bench_server.py [--clients 8] [--seconds 5] [--workers 2] [--store DIR] [--json]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

SIMPLE = "SELECT ?label WHERE { ent:miRNA-21 rdfs:label ?label }"
NAMED = "mirna-21-findings"


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def start_server(workers: int, cache: str, store: Path | None = None) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "exograph", *(["--store", str(store)] if store else []), "serve", "--port", "0", "--workers", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env={**os.environ, "EXOGRAPH_CACHE_DIR": cache})
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("Serving on "):
        process.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return process, line.split()[2]


def drive(url: str, query: str, clients: int, seconds: float, *, distinct: bool = False, requests: int | None = None) -> dict[str, float]:
    """``clients`` threads sending ``query`` for ``seconds`` (each text new if ``distinct``), or
    until ``requests`` in all have been answered; throughput and latency percentiles."""
    parts = urlsplit(url)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    deadline = 0.0

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine: list[float] = []
        start_gate.wait()
        while time.perf_counter() < deadline and (requests is None or len(mine) < -(-requests // clients)):
            text = f"{query}\n# client {number} request {len(mine)}" if distinct else query
            path = "/sparql?" + urlencode({"query": text})
            began = time.perf_counter()
            connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"status {response.status}")
            mine.append(time.perf_counter() - began)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    deadline = time.perf_counter() + seconds
    began = time.perf_counter()
    start_gate.wait()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    if errors:
        raise SystemExit(f"{len(errors)} requests failed, e.g. {errors[0]}")
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "queries_per_s": len(ordered) / wall,
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
    }


def in_process(query: str, seconds: float, store: Path | None = None) -> dict[str, float]:
    """The same query evaluated and serialized as JSON here, one at a time: the baseline (raw
    pyoxigraph on ``store``, opened read-only, when given)."""
    from exograph.query import result_json, with_prefixes

    if store is not None:
        import pyoxigraph as ox

        from exograph.store.oxigraph import database_dir

        raw = ox.Store.read_only(str(database_dir(store)))
        text = with_prefixes(query)

        def answer() -> bytes:
            return raw.query(text).serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr, no-any-return]

    else:
        import exograph

        kg = exograph.load()

        def answer() -> bytes:
            return json.dumps(result_json(kg.sparql(query))).encode()

    answer()  # warm up: open the graph, import the SPARQL machinery
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        began = time.perf_counter()
        answer()
        times.append(time.perf_counter() - began)
    return {"queries_per_s": len(times) / sum(times), "p50_ms": 1000 * statistics.median(times)}


def resident_mb(pid: int) -> float:
    """Resident memory of a process and every process below it, in MB (from /proc)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from serving import descendants  # type: ignore[import-not-found]

    total = 0
    for p in {pid, *descendants(pid)}:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def at_scale(url: str, process: subprocess.Popen[str], args: argparse.Namespace) -> dict[str, object]:
    """The simple query under a runaway, and memory over 10,000 requests."""
    stop = threading.Event()
    killed: list[int] = []

    def runaway() -> None:
        parts = urlsplit(url)
        while not stop.is_set():
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
            connection.request("GET", "/sparql?" + urlencode({"query": RUNAWAY}), headers={"Accept": "application/sparql-results+json"})
            killed.append(connection.getresponse().status)
            connection.close()

    thread = threading.Thread(target=runaway, daemon=True)
    thread.start()
    time.sleep(0.5)
    try:
        under = drive(url, SIMPLE, args.clients, args.seconds)
    finally:
        stop.set()
    thread.join(timeout=60)
    before = resident_mb(process.pid)
    drive(url, SIMPLE, args.clients, 600.0, distinct=True, requests=10_000)
    after = resident_mb(process.pid)
    return {
        "under_runaway": {k: round(v, 1) for k, v in under.items()},
        "runaway_answers": sorted(set(killed)),
        "memory_mb": {"before": round(before, 1), "after_10000_requests": round(after, 1), "growth": round(after - before, 1)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=5.0, help="how long each query is driven")
    parser.add_argument("--workers", type=int, default=2, help="the server's --workers")
    parser.add_argument("--store", type=Path, help="serve this on-disk store (made by 'exograph load'), and measure it at scale")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    from exograph.query import named_queries

    queries = {"simple": SIMPLE, f"named ({NAMED})": named_queries()[NAMED].text}
    if args.store:  # a named query scans the whole graph: at a million triples it is not a simple query
        queries = {"simple": SIMPLE}
    report: dict[str, object] = {"clients": args.clients, "workers": args.workers, "cpus": os.cpu_count(), "seconds": args.seconds, "queries": {}}
    with tempfile.TemporaryDirectory() as cache:
        began = time.perf_counter()
        process, url = start_server(args.workers, cache, args.store)
        ready = time.perf_counter() - began
        try:
            drive(url, SIMPLE, 1, 60.0, requests=1)  # the first answer
            report["ready_s"] = round(time.perf_counter() - began, 2)
            report["serving_line_s"] = round(ready, 2)
            for name, query in queries.items():
                baseline = in_process(query, min(args.seconds, 3.0), args.store)
                drive(url, query, args.clients, 0.5)  # warm up the workers
                for mode in ("repeated", "distinct"):
                    served = drive(url, query, args.clients, args.seconds, distinct=mode == "distinct")
                    report["queries"][f"{name}, {mode}"] = {  # type: ignore[index]
                        "server": {k: round(v, 1) for k, v in served.items()},
                        "in_process": {k: round(v, 1) for k, v in baseline.items()},
                        "throughput_ratio": round(served["queries_per_s"] / baseline["queries_per_s"], 2),
                        "p50_ratio": round(served["p50_ms"] / baseline["p50_ms"], 2),
                    }
            if args.store:
                report["at_scale"] = at_scale(url, process, args)
        finally:
            process.terminate()
            process.wait(15)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{args.clients} clients, {args.workers} workers, {os.cpu_count()} CPUs, {args.seconds:g} s per query; baseline: the query in-process, no HTTP")
    print(f"{'query':<36} {'q/s':>7} {'p50 ms':>7} {'p99 ms':>7} | {'in-proc q/s':>11} {'p50 ms':>7} | {'q/s ratio':>9} {'p50 ratio':>9}")
    for name, r in report["queries"].items():  # type: ignore[attr-defined]
        s, b = r["server"], r["in_process"]
        print(
            f"{name:<36} {s['queries_per_s']:>7.1f} {s['p50_ms']:>7.1f} {s['p99_ms']:>7.1f} | {b['queries_per_s']:>11.1f} {b['p50_ms']:>7.1f} |"
            f" {r['throughput_ratio']:>9.2f} {r['p50_ratio']:>9.2f}"
        )
    print(f"ready to answer {report['ready_s']} s after start")
    scale = report.get("at_scale")
    if scale:
        u, m = scale["under_runaway"], scale["memory_mb"]  # type: ignore[index]
        print(f"under a runaway query (answered {scale['runaway_answers']}): {u['queries_per_s']} q/s, p50 {u['p50_ms']} ms, p99 {u['p99_ms']} ms")  # type: ignore[index]
        print(f"memory: {m['before']} MB before, {m['after_10000_requests']} MB after 10,000 requests ({m['growth']:+} MB)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
