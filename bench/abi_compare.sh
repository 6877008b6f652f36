#!/usr/bin/env bash
# abi_compare.sh OLD NEW [ROUNDS] — the per-call figures of two builds in one run.
#
# OLD and NEW are two checkouts of polyfmt, each built (`make lib wasm`, and
# `make build/abi_c` for the C program). Their C, ctypes, wazero and Node
# per-call benchmarks run alternately, ROUNDS times (default 3), each from its
# own tree against its own library and module, so both see the same machine
# state. Prints every run's lines, prefixed with the build's name; compare the
# ranges by eye or with grep.
set -euo pipefail
old=$(cd "$1" && pwd)
new=$(cd "$2" && pwd)
rounds=${3:-3}
for tree in "$old" "$new"; do
  for f in build/libpolyfmt.so build/polyfmt.wasm build/abi_c bindings/js/polyfmt.wasm; do
    [ -e "$tree/$f" ] || { echo "abi_compare: $tree/$f is missing: build it first" >&2; exit 2; }
  done
done
run() {
  local name=$1 tree=$2
  (cd "$tree" &&
    ./build/abi_c 2000000 | sed "s/^/$name c:      /" &&
    PYTHONPATH=bindings/python/src POLYFMT_LIB=$tree/build/libpolyfmt.so python3 bench/abi_python.py 300000 | sed "s/^/$name python: /" &&
    POLYFMT_WASM=$tree/build/polyfmt.wasm go test -run '^$' -bench 'Call' -benchtime 2s ./wasm | grep '^Benchmark' | sed "s/^/$name wazero: /" &&
    node --disable-warning=ExperimentalWarning bench/abi_node.mjs 1000000 | sed "s/^/$name node:   /")
}
for r in $(seq "$rounds"); do
  echo "== round $r"
  run old "$old"
  run new "$new"
done
