#!/usr/bin/env bash
# Set up everything the tests need on a fresh Debian machine with Python 3.11, then lint,
# type-check and run the test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  # the browser tests drive Debian's Chromium headless (never a downloaded browser)
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "chromium is not installed and cannot be installed here: the browser tests will be skipped" >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/ruff check exograph tests benchmarks
.venv/bin/ruff format --check exograph tests benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
