#!/usr/bin/env bash
# Install exograph into .venv and run the main job on the packaged graph: answer
# "how does exosomal miR-21 lead to paclitaxel resistance?" with its evidence and write the
# interactive, offline HTML view of that answer.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install -q -e .
.venv/bin/exograph path miR-21 "paclitaxel resistance"
.venv/bin/exograph viz --path miR-21 "paclitaxel resistance" -o mir21-paclitaxel.html
