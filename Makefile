# polyfmt — see README.md. `make demo` is the main job, `make test` runs everything.
SHELL := /bin/bash
GO    ?= go
BUILD := build
LIB   := $(BUILD)/libpolyfmt.so
WASM  := $(BUILD)/polyfmt.wasm
CLI   := $(BUILD)/polyfmt
GOSRC := $(shell find core capi wasm cmd -name '*.go' -not -name '*_test.go' 2>/dev/null) go.mod

.PHONY: all lib wasm cli demo test deps

all: lib wasm cli

lib: $(LIB)
$(LIB): $(GOSRC) capi/include/polyfmt.h
	@mkdir -p $(BUILD)
	$(GO) build -buildmode=c-shared -o $@ ./capi
	cp capi/include/polyfmt.h $(BUILD)/polyfmt.h
	rm -f $(BUILD)/libpolyfmt.h

wasm: $(WASM)
$(WASM): $(GOSRC)
	@mkdir -p $(BUILD)
	GOOS=wasip1 GOARCH=wasm $(GO) build -buildmode=c-shared -o $@ ./wasm

cli: $(CLI)
$(CLI): $(GOSRC)
	@mkdir -p $(BUILD)
	$(GO) build -o $@ ./cmd/polyfmt
