#!/usr/bin/env bash
# Installs what `make demo` (deps.sh demo) or `make test` (deps.sh test) needs
# and the machine lacks. Idempotent: a machine that has everything installs nothing.
set -euo pipefail
mode=${1:-test}
root=$(cd "$(dirname "$0")/.." && pwd)

apt_updated=""
apt_install() {
  if ! command -v apt-get >/dev/null; then
    echo "deps: need $* but there is no apt-get; install it by hand" >&2
    exit 1
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if [ -z "$apt_updated" ]; then
    echo "deps: apt-get update" >&2
    $sudo apt-get update -qq
    apt_updated=1
  fi
  echo "deps: apt-get install $*" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

gover=$(sed -n 's/^go //p' "$root/go.mod")
command -v go >/dev/null || { echo "deps: Go ≥ $gover is required, as go.mod says (https://go.dev/dl)" >&2; exit 1; }
command -v cc >/dev/null && command -v c++ >/dev/null || apt_install build-essential
command -v python3 >/dev/null || apt_install python3 python3-pip
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm

pip_install() { python3 -m pip install -q --disable-pip-version-check "$@"; }
python3 -c 'import numpy' 2>/dev/null || pip_install numpy
if [ "$mode" = test ]; then
  python3 -c 'import pytest' 2>/dev/null || pip_install pytest
  # ruff is pinned: another version may format or flag the tree differently.
  ruff_version=0.17.6
  [ "$(python3 -m ruff --version 2>/dev/null)" = "ruff $ruff_version" ] || pip_install "ruff==$ruff_version"
  command -v cargo >/dev/null || apt_install cargo
  [ -x /usr/bin/chromium ] || apt_install chromium
  missing=""
  for p in playwright-core typescript eslint @eslint/js globals; do
    [ -d "$root/bindings/js/node_modules/$p" ] || missing=1
  done
  if [ -n "$missing" ]; then
    echo "deps: npm install (bindings/js, test-only packages)" >&2
    (cd "$root/bindings/js" && npm install --no-audit --no-fund --loglevel=error)
  fi
fi
exit 0
