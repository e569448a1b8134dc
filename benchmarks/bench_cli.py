"""Whole-process time of the commands a researcher runs dozens of times a day.

Each command runs N times as a fresh process (cold interpreter, with exograph's bytecode compiled
first, as ``pip install`` leaves it; the packaged graph is parsed into an in-memory Oxigraph store
and indexed on every run: there is no cache). Medians are reported in seconds and as a ratio to a
baseline measured in the same run: a bare Python start-up (``python -c pass``), so machines of
different speeds give comparable ratios.

    python benchmarks/bench_cli.py [--runs 15] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

COMMANDS = {
    "--help": ["--help"],
    "resolve": ["resolve", "miR-21"],
    "path": ["path", "miR-21", "paclitaxel resistance"],
    "query": ["query", "mirna-21-findings"],
    "neighbors": ["neighbors", "miR-21"],
    "stats": ["stats"],
    "viz": ["viz", "--path", "miR-21", "paclitaxel resistance", "-o", os.path.join(tempfile.gettempdir(), "exograph-bench-viz.html")],
}


def compile_bytecode() -> bool:
    """Compile exograph's modules to bytecode, as ``pip install`` does, so that no command is timed
    compiling them (an editable install under ``PYTHONDONTWRITEBYTECODE=1`` would compile ~20
    modules, ~25 ms, on every start). Returns whether every module compiled."""
    import compileall

    import exograph

    return bool(compileall.compile_dir(str(Path(exograph.__file__).parent), quiet=1))


def exograph_command() -> list[str]:
    script = Path(sysconfig.get_path("scripts")) / "exograph"
    if script.is_file():
        return [str(script)]
    found = shutil.which("exograph")
    return [found] if found else [sys.executable, "-m", "exograph"]


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    compile_bytecode()
    exo = exograph_command()
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "EXOGRAPH_CACHE_DIR": cache}
        baseline = statistics.median(timed([sys.executable, "-c", "pass"], env) for _ in range(args.runs))
        results = {}
        for name, argv in COMMANDS.items():
            times = [timed([*exo, *argv], env) for _ in range(args.runs)]
            results[name] = {"median_s": round(statistics.median(times), 3), "ratio_to_python_startup": round(statistics.median(times) / baseline, 1)}
    report = {
        "baseline_python_startup_s": round(baseline, 3),
        "runs": args.runs,
        "commands": results,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"baseline: python -c pass = {baseline:.3f} s (median of {args.runs})")
    print(f"{'command':<10} {'median (s)':>10} {'x baseline':>11}")
    for name, r in results.items():
        print(f"{name:<10} {r['median_s']:>10.3f} {r['ratio_to_python_startup']:>11.1f}")


if __name__ == "__main__":
    main()
