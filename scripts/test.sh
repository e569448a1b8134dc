#!/usr/bin/env bash
# Set up everything the tests need on a fresh Debian machine with Python 3.11, then lint,
# type-check and run the test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# the browser tests drive Debian's Chromium headless (never a downloaded browser); the endpoint
# tests start a real Virtuoso (its server binary alone: no service, no password prompt); the
# reasoner tests run HermiT, which owlready2 bundles, on a Java runtime
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource-7-bin)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  else
    echo "${missing[*]} not installed and cannot be installed here: the tests that need them will be skipped" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q -e '.[test]'
# bytecode as a non-editable install has it: the hundreds of tests that start exograph as a process
# then do not compile its modules on every start (where $PYTHONDONTWRITEBYTECODE is set)
.venv/bin/python -m compileall -q exograph >/dev/null
.venv/bin/ruff check exograph tests benchmarks
.venv/bin/ruff format --check exograph tests benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest --artifacts test-artifacts "$@"
