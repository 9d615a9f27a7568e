#!/usr/bin/env bash
# Set up everything `make book` and `make test` need, on a fresh machine, idempotently:
#   1. Debian packages that are missing: graphviz (call-graph rendering), golang-go and
#      golang-golang-x-tools (x/tools `callgraph`, static analysis that compiles and runs
#      nothing: the ground truth of the indexer-accuracy tests), etcd-server and etcd-client
#      (the operator's real-etcd world), chromium (the book's browser tests; Playwright drives
#      this system browser and never downloads one);
#   2. a virtual environment in .venv with the locked development environment
#      (requirements/dev.txt: every package pinned with its hashes, `make lock` regenerates it
#      from pyproject.toml) and this project installed editable on top, without dependencies.
# Without root (or apt), missing Debian packages are listed; the tests that need them skip.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

want_debs=()
command -v dot >/dev/null || want_debs+=(graphviz)
command -v go >/dev/null || want_debs+=(golang-go)
command -v callgraph >/dev/null || want_debs+=(golang-golang-x-tools)
command -v etcd >/dev/null || want_debs+=(etcd-server)
command -v etcdctl >/dev/null || want_debs+=(etcd-client)
command -v chromium >/dev/null || want_debs+=(chromium)
if ((${#want_debs[@]})); then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing Debian packages: ${want_debs[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want_debs[@]}" >/dev/null
  elif command -v apt-get >/dev/null && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    echo "bootstrap: installing Debian packages with sudo: ${want_debs[*]}"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want_debs[@]}" >/dev/null
  else
    echo "bootstrap: missing system packages (tests that need them will skip): ${want_debs[*]}" >&2
  fi
fi

stamp="$VENV/.installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements/dev.txt -nt "$stamp" ]; then
  echo "bootstrap: creating $VENV and installing the locked environment (pip; first time takes a few minutes)"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q --require-hashes -r requirements/dev.txt
  "$VENV/bin/python" -m pip install -q --no-deps -e .
  "$VENV/bin/python" -m ipykernel install --sys-prefix --name python3 >/dev/null
  touch "$stamp"
fi
