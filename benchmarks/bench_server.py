"""Throughput and latency of ``exograph serve``'s SPARQL endpoint under concurrent clients.

Starts the server (``exograph serve --port 0``), then for each query has N clients (threads, each
on its own keep-alive connection) send it over and over for a while, and reports queries per
second and the median (p50) and 99th-percentile (p99) latency. Each query is sent twice over:
"repeated" (the same text every time, which each worker parses once and keeps) and "distinct"
(a comment numbering each request makes every text new, so every request is parsed).

The baseline, measured in the same run, is the same query answered in this process without HTTP
or workers (``kg.sparql``, then serialized as JSON, one at a time), so the ratios say what the
endpoint gives and costs on this machine.

    python benchmarks/bench_server.py [--clients 8] [--seconds 5] [--workers 2] [--json]
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


def start_server(workers: int, cache: str) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "exograph", "serve", "--port", "0", "--workers", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env={**os.environ, "EXOGRAPH_CACHE_DIR": cache})
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("Serving on "):
        process.kill()
        raise SystemExit(f"the server did not start: {line!r}")
    return process, line.split()[2]


def drive(url: str, query: str, clients: int, seconds: float, *, distinct: bool = False) -> dict[str, float]:
    """``clients`` threads sending ``query`` for ``seconds`` (each text new if ``distinct``);
    throughput and latency percentiles."""
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
        while time.perf_counter() < deadline:
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


def in_process(query: str, seconds: float) -> dict[str, float]:
    """The same query evaluated and serialized as JSON here, one at a time: the baseline."""
    import exograph
    from exograph.query import result_json

    kg = exograph.load()
    kg.sparql(query)  # warm up: parse the graph, import the SPARQL machinery
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        began = time.perf_counter()
        json.dumps(result_json(kg.sparql(query)))
        times.append(time.perf_counter() - began)
    return {"queries_per_s": len(times) / sum(times), "p50_ms": 1000 * statistics.median(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=5.0, help="how long each query is driven")
    parser.add_argument("--workers", type=int, default=2, help="the server's --workers")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    from exograph.query import named_queries

    queries = {"simple": SIMPLE, f"named ({NAMED})": named_queries()[NAMED].text}
    report: dict[str, object] = {"clients": args.clients, "workers": args.workers, "cpus": os.cpu_count(), "seconds": args.seconds, "queries": {}}
    with tempfile.TemporaryDirectory() as cache:
        process, url = start_server(args.workers, cache)
        try:
            for name, query in queries.items():
                baseline = in_process(query, min(args.seconds, 3.0))
                drive(url, query, args.clients, 0.5)  # warm up the workers
                for mode in ("repeated", "distinct"):
                    served = drive(url, query, args.clients, args.seconds, distinct=mode == "distinct")
                    report["queries"][f"{name}, {mode}"] = {  # type: ignore[index]
                        "server": {k: round(v, 1) for k, v in served.items()},
                        "in_process": {k: round(v, 1) for k, v in baseline.items()},
                        "throughput_ratio": round(served["queries_per_s"] / baseline["queries_per_s"], 2),
                        "p50_ratio": round(served["p50_ms"] / baseline["p50_ms"], 2),
                    }
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


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
