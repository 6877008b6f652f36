package mem8

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpen feeds arbitrary bytes to the reader: it must never panic, and a
// file it accepts must read back every block, answer a query, verify without
// panicking, and survive a read-write open (repair) that it still accepts.
func FuzzOpen(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(vectorDir, "*.m8"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := OpenBytes(data, &Limits{MaxBlocks: 64})
		if err != nil {
			return
		}
		n := r.Count()
		for i := uint64(0); i < n; i++ {
			b, err := r.Block(i)
			if err != nil {
				t.Fatalf("block %d of %d: %v", i, n, err)
			}
			if len(b.Content) > MaxContent || b.Index != i {
				t.Fatalf("block %d: bad decode", i)
			}
		}
		if _, err := r.QueryIndices(&Query{Keywords: []string{"a"}}); err != nil {
			t.Fatal(err)
		}
		_ = r.Verify()
		w, err := NewMem(data, &Options{Limits: &Limits{MaxBlocks: 64}})
		if err != nil {
			t.Fatalf("read-only open accepted what read-write refused: %v", err)
		}
		if w.Count() != n {
			t.Fatalf("read-write count %d, read-only %d", w.Count(), n)
		}
		again, err := OpenBytes(w.Bytes(), nil)
		if err != nil || !again.Recovery().Clean() || again.Count() != n {
			t.Fatalf("repaired file: %v %+v", err, again.Recovery())
		}
	})
}

// FuzzImportJSON: conversion input never panics.
func FuzzImportJSON(f *testing.F) {
	f.Add([]byte(contextsJSON))
	f.Add([]byte(`{"format":"polyfmt.mem8.v1","blocks":[{"content":"a","importance":5,"token":"t"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _ := NewMem(nil, &Options{NoSync: true})
		n, _ := ImportJSON(m, data, &Limits{MaxJSONBytes: 1 << 16}, nil)
		if uint64(n) > m.Count() {
			t.Fatalf("reported %d blocks, file has %d", n, m.Count())
		}
	})
}
