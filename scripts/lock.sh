#!/usr/bin/env bash
# Write constraints.txt: the exact versions in .venv (installed with `pip install -e ".[test]"`),
# which the README's commands, CI and the Dockerfile install from, so what was tested is what ships.
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo "# The versions CI tested. Made by scripts/lock.sh from a venv with \".[test]\" installed;"
  echo "# pyproject.toml keeps the lower bounds. Install with: pip install -c constraints.txt -e ."
  .venv/bin/pip list --format=freeze --exclude-editable 2>/dev/null \
    | grep -viE '^(pip|setuptools|wheel)==' | LC_ALL=C sort -f
} > constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages"
