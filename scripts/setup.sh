#!/usr/bin/env bash
# Create .venv and install bt with its test tools. Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.bt-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  # compat: a plain path in a .pth file, instead of setuptools' import hook that every Python start-up
  # in the venv would run (~15 ms of each `bt` command); the hook only if a setuptools lacks compat
  .venv/bin/python -m pip install -q --config-settings editable_mode=compat -e '.[dev]' 2>/dev/null ||
    .venv/bin/python -m pip install -q -e '.[dev]'
  touch "$stamp"
fi
