# polyfmt — see README.md. `make demo` is the main job, `make test` runs everything.
SHELL  := /bin/bash
# A pipe fails when any of its commands does (go test -json | summarizer, ...).
.SHELLFLAGS := -o pipefail -c
GO     ?= go
PY     ?= python3
BUILD  := build
ABS    := $(abspath $(BUILD))
LIB    := $(BUILD)/libpolyfmt.so
WASM   := $(BUILD)/polyfmt.wasm
CLI    := $(BUILD)/polyfmt
GOSRC  := $(shell find core capi wasm cmd -name '*.go' -not -name '*_test.go' 2>/dev/null) go.mod
# Fuzzing in `make test` has a fixed budget: this many inputs per target.
FUZZ_EXECS ?= 50000

CC  ?= cc
CXX ?= c++
EX_CFLAGS   := -std=c11 -O2 -g -Wall -Wextra -Werror -pedantic -I $(BUILD)
EX_CXXFLAGS := -std=c++17 -O2 -g -Wall -Wextra -Werror -pedantic -I $(BUILD)
EX_LDFLAGS  := -L $(BUILD) -lpolyfmt -Wl,-rpath,'$$ORIGIN'
SANITIZE    := -fsanitize=address,undefined -fno-omit-frame-pointer
ASAN_ENV    := ASAN_OPTIONS=abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
TSAN_ENV    := TSAN_OPTIONS=halt_on_error=1

.PHONY: all lib wasm cli examples ctests demo test deps-demo deps-test lint \
        test-go test-fuzz test-c test-python test-js bench clean

all: lib wasm cli

lib: $(LIB)
$(LIB): $(GOSRC) capi/include/polyfmt.h
	@mkdir -p $(BUILD)
	@echo "build $@"
	@$(GO) build -buildmode=c-shared -o $@ ./capi
	@cp capi/include/polyfmt.h $(BUILD)/polyfmt.h
	@rm -f $(BUILD)/libpolyfmt.h

# The module is served compressed to browsers, so its size is budgeted (issue 10;
# `make bench` measures it with core/internal/wasmsize, which builds a copy with
# names with the same WASM_GCFLAGS). -s drops the name section (function names for
# debuggers; panics keep theirs, from pclntab); -trimpath shortens file names.
# WASM_NOINLINE are packages no hot path runs through, compiled without inlining
# (-l): their inlined copies and inline tables cost 51 KB of brotli. A package
# whose small functions our loops call (encoding/binary, math/bits, sync, the
# hashes, the codecs, runtime) must not be listed: -l also stops exporting its
# bodies for inlining into callers (VSF unpack ran 4x slower with all=-l).
WASM_NOINLINE := fmt encoding/json reflect internal/reflectlite internal/fmtsort time \
  math/big archive/zip compress/flate os syscall internal/poll internal/syscall/... \
  io/fs path/filepath log flag context encoding/base64 internal/godebug internal/bisect \
  crypto/ed25519 crypto/internal/fips140/ed25519 crypto/internal/fips140/edwards25519/... \
  crypto/internal/fips140/aes/... crypto/internal/fips140/drbg crypto/internal/fips140/sha3 \
  crypto/internal/fips140/hmac crypto/rand crypto/internal/sysrand slices sort
WASM_GCFLAGS := $(foreach p,$(WASM_NOINLINE),-gcflags=$(p)=-l)
WASM_FLAGS   := -trimpath -ldflags=-s $(WASM_GCFLAGS)
wasm: $(WASM)
$(WASM): $(GOSRC)
	@mkdir -p $(BUILD)
	@echo "build $@"
	@GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared $(WASM_FLAGS) -o $@ ./wasm
	@cp $@ bindings/js/polyfmt.wasm

cli: $(CLI)
$(CLI): $(GOSRC)
	@mkdir -p $(BUILD)
	@echo "build $@"
	@$(GO) build -o $@ ./cmd/polyfmt

# ---- C and C++ examples (binaries sit beside the library: rpath $ORIGIN) ----
EX_BINS := $(BUILD)/mem8_c $(BUILD)/mem8_cpp $(BUILD)/mem8_c_asan $(BUILD)/mem8_cpp_asan $(BUILD)/abi_c \
           $(BUILD)/mmx_c $(BUILD)/mmx_cpp $(BUILD)/mmx_c_asan $(BUILD)/mmx_cpp_asan $(BUILD)/open_c $(BUILD)/open_c_asan \
           $(BUILD)/vsf_c $(BUILD)/vsf_cpp $(BUILD)/vsf_c_asan $(BUILD)/vsf_cpp_asan \
           $(BUILD)/mork_c $(BUILD)/mork_cpp $(BUILD)/mork_c_asan $(BUILD)/mork_cpp_asan
examples: $(EX_BINS)

# One pattern per kind of binary: NAME_c from NAME.c (the examples, the
# ABI's C tests, bench/abi_c.c), NAME_cpp from NAME.cpp, and _asan/_tsan
# builds of each under the sanitizers.
CC_BUILD  = @echo "build $@" && $(CC) $(EX_CFLAGS)
CXX_BUILD = @echo "build $@" && $(CXX) $(EX_CXXFLAGS)
$(BUILD)/%_c: examples/c/%.c examples/c/example.h $(LIB)
	$(CC_BUILD) $< $(EX_LDFLAGS) -o $@
$(BUILD)/%_c_asan: examples/c/%.c examples/c/example.h $(LIB)
	$(CC_BUILD) $(SANITIZE) $< $(EX_LDFLAGS) -o $@
$(BUILD)/%_cpp: examples/cpp/%.cpp examples/cpp/polyfmt.hpp examples/cpp/example.hpp $(LIB)
	$(CXX_BUILD) $< $(EX_LDFLAGS) -o $@
$(BUILD)/%_cpp_asan: examples/cpp/%.cpp examples/cpp/polyfmt.hpp examples/cpp/example.hpp $(LIB)
	$(CXX_BUILD) $(SANITIZE) $< $(EX_LDFLAGS) -o $@
$(BUILD)/%_c: capi/ctest/%.c $(LIB)
	$(CC_BUILD) $< $(EX_LDFLAGS) -o $@
$(BUILD)/%_c_asan: capi/ctest/%.c $(LIB)
	$(CC_BUILD) $(SANITIZE) $< $(EX_LDFLAGS) -o $@
$(BUILD)/%_c_tsan: capi/ctest/%.c $(LIB)
	$(CC_BUILD) -O1 -fsanitize=thread $< $(EX_LDFLAGS) -o $@
$(BUILD)/%: bench/%.c $(LIB)
	$(CC_BUILD) $< $(EX_LDFLAGS) -o $@

# ---- C tests of the ABI's promises (capi/ctest): close racing with reads,
# plain, under ASan + UBSan and under TSan; allocation failure under RLIMIT_AS
# (not under a sanitizer: their shadow memory does not fit such a limit).
CTEST_BINS := $(BUILD)/threads_c $(BUILD)/threads_c_asan $(BUILD)/threads_c_tsan $(BUILD)/nomem_c
ctests: $(CTEST_BINS)

# ---- the main job -----------------------------------------------------------
# The demo's Python and Node programs run on the package in the tree and the
# library just built.
PY_EX   = PYTHONPATH=bindings/python/src POLYFMT_LIB=$(abspath $(LIB)) $(PY)
NODE_EX = node --disable-warning=ExperimentalWarning
DEMO := $(BUILD)/demo/demo.m8
DEMO_MMX := $(BUILD)/demo/demo.mmx
DEMO_VSF := $(BUILD)/demo/demo.vsf
DEMO_MORK := $(BUILD)/demo/demo.mtts
DEMO_MORK_PY := $(BUILD)/demo/family.mtts
demo: deps-demo all examples
	@mkdir -p $(BUILD)/demo && rm -f $(DEMO) $(DEMO_MMX) $(DEMO_VSF) $(DEMO_MORK) $(DEMO_MORK_PY) $(DEMO_MORK_PY:.mtts=.act)
	@echo "== Go writes $(DEMO)"
	$(GO) run ./examples/go/mem8 $(DEMO)
	@echo "== C reads it"
	$(BUILD)/mem8_c read $(DEMO)
	@echo "== C++ reads it"
	$(BUILD)/mem8_cpp read $(DEMO)
	@echo "== Python reads it"
	$(PY_EX) examples/python/mem8_read.py $(DEMO) Important
	@echo "== Node reads it"
	$(NODE_EX) examples/js/mem8_read.mjs $(DEMO) Important
	@echo "== the CLI inspects and verifies it"
	$(CLI) inspect $(DEMO)
	$(CLI) verify $(DEMO)
	@echo
	@echo "== MMX: Go writes $(DEMO_MMX) (frames streamed in commits, a mesh, text, a sequence, an embedding, metadata)"
	$(GO) run ./examples/go/mmx $(DEMO_MMX)
	@echo "== C reads it"
	$(BUILD)/mmx_c read $(DEMO_MMX)
	@echo "== C++ reads it"
	$(BUILD)/mmx_cpp read $(DEMO_MMX)
	@echo "== Python reads it (numpy)"
	$(PY_EX) examples/python/mmx_read.py $(DEMO_MMX)
	@echo "== Node reads it"
	$(NODE_EX) examples/js/mmx_read.mjs $(DEMO_MMX)
	@echo "== the CLI lists and verifies it"
	$(CLI) ls -l $(DEMO_MMX)
	$(CLI) verify $(DEMO_MMX)
	@echo
	@echo
	@echo "== VSF: Go writes $(DEMO_VSF) (camera metadata through the registry, a 12-bit frame, an Eagle Time, an unboxed blob, a signed section)"
	$(GO) run ./examples/go/vsf $(DEMO_VSF)
	@echo "== C reads it (pf_open detects VSF; pf_info, pf_verify, then from memory)"
	$(BUILD)/open_c $(DEMO_VSF)
	@echo "== Python opens it (polyfmt.open, info)"
	$(PY_EX) examples/python/vsf_read.py $(DEMO_VSF)
	@echo "== Node opens it (pf.open, info)"
	$(NODE_EX) examples/js/vsf_read.mjs $(DEMO_VSF)
	@echo "== the CLI inspects and verifies it"
	$(CLI) inspect $(DEMO_VSF)
	$(CLI) verify $(DEMO_VSF)
	@echo
	@echo "== MORK: Go writes $(DEMO_MORK) (MeTTa text imported into a space file, symbols interned, one expression added as its path)"
	@rm -f $(DEMO_MORK) $(BUILD)/demo/demo.metta $(BUILD)/demo/demo.act $(BUILD)/demo/demo_again.mtts
	$(GO) run ./examples/go/mork $(DEMO_MORK)
	@echo "== C reads it (pf_open detects MORK; info, a query, lookups, paths, exports as text and as an ACT, symbols, verify)"
	$(BUILD)/mork_c read $(DEMO_MORK)
	@echo "== C++ reads it (polyfmt::open gives a MorkFile)"
	$(BUILD)/mork_cpp read $(DEMO_MORK)
	@echo "== Python reads it (polyfmt.open, a query)"
	$(PY_EX) examples/python/mork_read.py $(DEMO_MORK) '(parent $$x $$y)'
	@echo "== Python writes $(DEMO_MORK_PY) (MeTTa text, symbols interned) and an ACT beside it, then reads both"
	$(PY_EX) examples/python/mork_write.py $(DEMO_MORK_PY)
	$(PY_EX) examples/python/mork_read.py $(DEMO_MORK_PY) '(parent $$x Bob)'
	$(PY_EX) examples/python/mork_read.py $(DEMO_MORK_PY:.mtts=.act) '(born $$x)'
	@echo "== Node reads it (pf.open)"
	$(NODE_EX) examples/js/mork_read.mjs $(DEMO_MORK) 10
	@echo "== the CLI inspects, verifies and queries it, exports it as MeTTa text, imports that again (not interned) and makes an ACT of it"
	$(CLI) inspect $(DEMO_MORK)
	$(CLI) verify $(DEMO_MORK)
	$(CLI) query $(DEMO_MORK) '(parent Bob $$c)'
	$(CLI) export $(DEMO_MORK) -o $(BUILD)/demo/demo.metta
	$(CLI) convert $(BUILD)/demo/demo.metta $(BUILD)/demo/demo_again.mtts
	$(CLI) convert $(BUILD)/demo/demo_again.mtts $(BUILD)/demo/demo.act
	$(CLI) query $(BUILD)/demo/demo.act '($$rel Ann $$v)'
	$(CLI) verify $(BUILD)/demo/demo.act
	@echo
	@echo "== one entry point for any format: C's pf_open detects each file's format (Python: polyfmt.open, JS: pf.open)"
	$(BUILD)/open_c $(DEMO) $(DEMO_MMX) $(DEMO_VSF) $(DEMO_MORK)

deps-demo:
	@bash .ci/deps.sh demo

deps-test:
	@bash .ci/deps.sh test

# ---- everything ---------------------------------------------------------------
test: deps-test lint all examples test-go test-fuzz test-c test-python test-js
	@echo "make test: all suites passed"

# Linters, each with its configuration in the tree: ruff (bindings/python/pyproject.toml)
# over all Python, ESLint (bindings/js/eslint.config.js, run from the root) over all
# JS, gofmt and go vet over all Go. Generated files (_generated*, *.gen.py, *.gen.js)
# are excluded by those configurations.
RUFF       := $(PY) -m ruff
RUFF_CFG   := --config bindings/python/pyproject.toml
LINT_PY    := bindings/python examples/python $(wildcard bench/*.py) $(wildcard .ci/*.py)
ESLINT     := bindings/js/node_modules/.bin/eslint -c bindings/js/eslint.config.js
LINT_JS    := bindings/js/src bindings/js/test bindings/js/scripts examples/js $(wildcard bench/*.mjs)
GOFILES_ALL = $$(find . -name '*.go' -not -path '*/node_modules/*' -not -path './.cache/*' -not -path './$(BUILD)/*')
lint:
	@$(RUFF) check -q $(RUFF_CFG) $(LINT_PY) && $(RUFF) format -q --diff $(RUFF_CFG) $(LINT_PY) && echo "lint: ruff check, ruff format: clean"
	@$(ESLINT) $(LINT_JS) && echo "lint: eslint: clean"
	@out=$$(gofmt -l $(GOFILES_ALL)) && [ -z "$$out" ] || { echo "lint: gofmt -l: these need gofmt -w:"; echo "$$out"; exit 1; }
	@$(GO) vet ./... && echo "lint: gofmt, go vet: clean"

# -race where it finds something (the core, ffi, capi: our Go and cgo), not on
# ./wasm, whose tests run polyfmt.wasm compiled by wazero: there the detector
# instruments wazero's compiler and runtime, not our code, at several times the
# cost. One line per package with its counts (.ci/gotest-summary.py); a failed
# package prints its failed tests' full output.
GO_TEST_ENV := POLYFMT_LIB=$(abspath $(LIB)) POLYFMT_WASM=$(abspath $(WASM))
test-go: lib wasm
	@$(GO) run ./core/ffi/gen -check
	@[ -n "$$POLYFMT_SEEDS" ] || [ -d ../shared/seeds ] || echo "note: ../shared/seeds is absent (a plain clone): the MEM8 seed interop tests skip; CI runs them (or set POLYFMT_SEEDS)"
	@set -o pipefail; pkgs=$$($(GO) list ./... | grep -v '/wasm$$') && \
	$(GO_TEST_ENV) $(GO) test -json -race -count=1 $$pkgs | $(PY) .ci/gotest-summary.py "(-race)"
	@set -o pipefail; $(GO_TEST_ENV) $(GO) test -json -count=1 ./wasm | $(PY) .ci/gotest-summary.py "(no -race)"

# Every decoder's fuzz target, each with the same fixed budget of inputs.
FUZZ_TARGETS := \
	core/mem8:FuzzOpen core/mem8:FuzzImportJSON \
	core/mmx:FuzzOpen core/mmx:FuzzPayloads core/mmx:FuzzDecodeDirectory \
	core/vsf:FuzzOpen core/vsf:FuzzHeader \
	core/mmx/morphnet:FuzzParse core/mmx/morphnet:FuzzDecodePayloads \
	core/internal/codec:FuzzDecompressLZ4 core/internal/codec:FuzzDecompressZlib \
	core/internal/codec:FuzzDecompressZstd core/internal/codec:FuzzDecompressNone \
	core/internal/jsonx:FuzzValid \
	core/vsf:FuzzDecodeValue \
	core/mork:FuzzOpen core/mork/expr:FuzzValidate core/mork/expr:FuzzParse core/mork/expr:FuzzMatch \
	core/mork/paths:FuzzReadPathMap1 core/mork/paths:FuzzReadPaths core/mork/paths:FuzzReadRecords \
	core/mork/act:FuzzNewTree core/mork/symtab:FuzzNewReader core/mork/symtab:FuzzEntries

# One line per target; a failure prints go test's whole output (the failing input's file).
test-fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; fn=$${t##*:}; \
	  out=$$($(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZ_EXECS)x ./$$pkg 2>&1) || \
	    { echo "fuzz: FAIL $$pkg $$fn"; echo "$$out"; exit 1; }; \
	  echo "fuzz: ok   $$pkg $$fn: $(FUZZ_EXECS) inputs in $$(echo "$$out" | tail -1 | awk '{print $$NF}')"; \
	done

# The C and C++ round trips, each reading the other's file, then again under
# AddressSanitizer + UBSan with leak checking on; then the ABI's C tests. One
# line per step; a failing step prints the command that failed and its output.
test-c: $(EX_BINS) $(CTEST_BINS)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	run() { out=$$("$$@" 2>&1) || { echo "c: FAILED: $$*"; echo "$$out"; exit 1; }; } && \
	run $(BUILD)/mem8_c "$$tmp/c.m8" && run $(BUILD)/mem8_cpp "$$tmp/cpp.m8" && \
	run $(BUILD)/mem8_c read "$$tmp/cpp.m8" && run $(BUILD)/mem8_cpp read "$$tmp/c.m8" && \
	echo "c: mem8 round trip (C and C++ write, each reads the other's file) ok" && \
	run env $(ASAN_ENV) $(BUILD)/mem8_c_asan "$$tmp/c_asan.m8" && \
	run env $(ASAN_ENV) $(BUILD)/mem8_cpp_asan "$$tmp/cpp_asan.m8" && \
	run env $(ASAN_ENV) $(BUILD)/mem8_c_asan read core/testdata/mem8/torn_tail.m8 && \
	echo "c: mem8 under ASan+UBSan (C, C++, a torn tail) ok" && \
	run $(BUILD)/mmx_c "$$tmp/c.mmx" && run $(BUILD)/mmx_cpp "$$tmp/cpp.mmx" && \
	run $(BUILD)/mmx_c read "$$tmp/cpp.mmx" && run $(BUILD)/mmx_cpp read "$$tmp/c.mmx" && \
	echo "c: mmx round trip (C and C++ write, each reads the other's file) ok" && \
	run env $(ASAN_ENV) $(BUILD)/mmx_c_asan "$$tmp/c_asan.mmx" && \
	run env $(ASAN_ENV) $(BUILD)/mmx_cpp_asan "$$tmp/cpp_asan.mmx" && \
	run env $(ASAN_ENV) $(BUILD)/mmx_c_asan read core/testdata/mmx/torn_commit.mmx && \
	run env $(ASAN_ENV) $(BUILD)/mmx_cpp_asan read core/testdata/mmx/morphnet/mixed.mmx && \
	echo "c: mmx under ASan+UBSan (C, C++, a torn commit, a MorphNet file) ok" && \
	run $(BUILD)/vsf_c "$$tmp/c.vsf" && run $(BUILD)/vsf_cpp "$$tmp/cpp.vsf" && \
	run $(BUILD)/vsf_c read "$$tmp/cpp.vsf" && run $(BUILD)/vsf_cpp read "$$tmp/c.vsf" && \
	echo "c: vsf round trip (C and C++ write, each reads the other's file) ok" && \
	run env $(ASAN_ENV) $(BUILD)/vsf_c_asan "$$tmp/c_asan.vsf" && \
	run env $(ASAN_ENV) $(BUILD)/vsf_cpp_asan "$$tmp/cpp_asan.vsf" && \
	run env $(ASAN_ENV) $(BUILD)/vsf_c_asan read "$$tmp/cpp_asan.vsf" && \
	echo "c: vsf under ASan+UBSan (C, C++, each reading the other's file) ok" && \
	run env $(ASAN_ENV) $(BUILD)/open_c_asan "$$tmp/c.m8" "$$tmp/c.mmx" core/testdata/mmx/morphnet/mixed.mmx "$$tmp/c.vsf" && \
	echo "c: pf_open of any format, format detected (MEM8, MMX, MorphNet, VSF) under ASan+UBSan ok" && \
	run $(BUILD)/mork_c "$$tmp/c.mtts" && run $(BUILD)/mork_cpp "$$tmp/cpp.mtts" && \
	run $(BUILD)/mork_c read "$$tmp/cpp.mtts" && run $(BUILD)/mork_cpp read "$$tmp/c.mtts" && \
	echo "c: mork round trip (C and C++ write, each reads the other's file) ok" && \
	run env $(ASAN_ENV) $(BUILD)/mork_c_asan "$$tmp/c_asan.mtts" && \
	run env $(ASAN_ENV) $(BUILD)/mork_cpp_asan "$$tmp/cpp_asan.mtts" && \
	run env $(ASAN_ENV) $(BUILD)/mork_c_asan read "$$tmp/cpp_asan.mtts" && \
	run env $(ASAN_ENV) $(BUILD)/open_c_asan "$$tmp/c.mtts" core/testdata/mork/containers/sample_pathmap.act \
	  core/testdata/mork/containers/sample_seed.act core/testdata/mork/containers/sample_zstd.pathmap \
	  core/testdata/mork/containers/sample.paths core/testdata/mork/containers/symbols_mork.zip \
	  core/testdata/mork/containers/counts.mttm && \
	echo "c: mork under ASan+UBSan (C, C++, each reading the other's file; pf_open of every container kind) ok" && \
	run $(BUILD)/abi_c 100000 && echo "c: abi_c, 100000 calls through the ABI ok" && \
	run $(BUILD)/threads_c "$$tmp" && run env $(ASAN_ENV) $(BUILD)/threads_c_asan "$$tmp" && \
	run env $(TSAN_ENV) $(BUILD)/threads_c_tsan "$$tmp" && \
	echo "c: close racing reads (plain, ASan+UBSan, TSan) ok" && \
	run $(BUILD)/nomem_c "$$tmp" && echo "c: allocation failure under RLIMIT_AS ok"

# pytest against the installed package: its summary line, or everything on failure.
test-python: lib
	@out=$$(POLYFMT_LIB=$(abspath $(LIB)) PIP_ROOT_USER_ACTION=ignore \
	  $(PY) -m pip install -q --disable-pip-version-check ./bindings/python 2>&1) || \
	  { echo "python: FAILED: pip install ./bindings/python"; echo "$$out"; exit 1; }
	@cd bindings/python && out=$$($(PY) -m pytest -q -p no:cacheprovider tests 2>&1) && \
	  echo "python: $$(echo "$$out" | tail -1)" || { echo "$$out"; echo "python: FAILED"; exit 1; }

# node --test with a reporter that prints the counts, and failures in full.
# --disable-warning reaches the test files' processes (node --test passes its
# flags on); the tests' own node children pass it or --no-warnings themselves.
test-js: wasm lib
	@cd bindings/js && node scripts/copy-wasm.mjs && \
	  node --disable-warning=ExperimentalWarning --test --test-reporter=./scripts/summary-reporter.mjs test/*.test.js

# ---- benchmarks (not part of test) ----------------------------------------------
# Every benchmark that compares polyfmt with a peer or a floor in the same run
# appends a line to $(RATIOS) (internal/benchratio); the last step prints
# them as one table.
RATIOS := $(abspath $(BUILD))/ratios.jsonl
bench: export POLYFMT_RATIOS = $(RATIOS)
# -bench . in ./core/mmx includes BenchmarkPeerSafetensors: MMX beside the Rust
# safetensors crate (its harness is built with cargo on first use, ~30 s, then
# cached); at 1x it runs its 3 alternating rounds, 15 – 25 s.
bench: all $(BUILD)/abi_c
	@rm -f $(RATIOS)
	POLYFMT_WASM=$(abspath $(WASM)) $(GO) test -run '^$$' -bench . -skip SeedAppend -benchtime 2s ./core/mem8 ./wasm
	$(GO) test -run '^$$' -bench SeedAppend -benchtime 1x ./core/mem8
	$(GO) test -run '^$$' -bench . -skip Compressed -benchtime 1x ./core/mmx
	$(GO) test -run '^$$' -bench Compressed -benchtime 3x ./core/mmx
	$(GO) test -run '^$$' -bench . -benchtime 3x ./core/mork
	$(GO) test -run '^$$' -bench Ratios -benchtime 0.5s ./core/vsf
	$(GO) test -run '^$$' -bench 'Open|Get' -benchtime 100000x ./core/mork/act
	$(PY) -m pip install -q safetensors h5py && $(PY_EX) bench/mmx_python.py
	$(PY) -m pip install -q lz4 zstandard && $(PY_EX) bench/mmx_compressed.py
	$(BUILD)/abi_c
	POLYFMT_LIB=$(abspath $(LIB)) $(PY) bench/abi_python.py
	node bench/abi_node.mjs
	node --no-warnings bench/mmx_node.mjs
	$(GO) run ./core/internal/wasmsize -wasm $(WASM) -buildflags '$(WASM_GCFLAGS)'
	@echo; echo '## polyfmt beside its peers, this run'; $(PY) bench/table.py $(RATIOS)

clean:
	rm -rf $(BUILD) bindings/js/polyfmt.wasm bindings/python/build
