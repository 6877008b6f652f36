package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/ffi"
)

// Every status export's shim, in both libraries, defers the panic guard
// (ffi.Running, ffi.Recovered(…, recover())) as its first deferred call,
// and only the exports that take a Held release one in it: the ffi
// functions no longer recover panics themselves.
func TestEveryStatusShimHasTheGuard(t *testing.T) {
	for name, src := range map[string][]byte{"capi": capiGo(), "wasm": wasmGo()} {
		f, err := parser.ParseFile(token.NewFileSet(), name+".go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		seen := 0
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			e := ffi.Lookup(fn.Name.Name)
			if e == nil || e.Result != ffi.Status {
				continue
			}
			seen++
			var guard *ast.DeferStmt
			for _, s := range fn.Body.List {
				if ds, ok := s.(*ast.DeferStmt); ok {
					if guard != nil {
						t.Errorf("%s %s: two defers", name, e.Name)
					}
					guard = ds
				}
			}
			if guard == nil {
				t.Errorf("%s %s: no deferred guard", name, e.Name)
				continue
			}
			body := string(src[guard.Pos()-1 : guard.End()-1])
			if !strings.Contains(body, "code == ffi.Running") || !strings.Contains(body, "ffi.Recovered(abi, ") || !strings.Contains(body, "recover()") {
				t.Errorf("%s %s: the deferred call is not the guard:\n%s", name, e.Name, body)
			}
			if strings.Contains(body, "held.Release()") != e.Held {
				t.Errorf("%s %s: releases held %v, Held %v", name, e.Name, !e.Held, e.Held)
			}
		}
		if seen < 50 {
			t.Fatalf("%s: only %d status shims found", name, seen)
		}
	}
}
