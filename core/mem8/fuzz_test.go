package mem8

import (
	"os"
	"path/filepath"
	"testing"
)

// hostileDir is the hostile corpus (core/testdata/hostile), whose shapes seed both targets.
const hostileDir = "../testdata/hostile"

// FuzzOpen feeds arbitrary bytes to the reader: it must never panic, and a
// file it accepts must read back every block, answer a query, verify without
// panicking, and survive a read-write open (repair) that it still accepts.
func FuzzOpen(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(vectorDir, "*.m8"))
	hostile, _ := filepath.Glob(filepath.Join(hostileDir, "*.m8"))
	for _, p := range append(paths, hostile...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := OpenBytes(data, &Options{Limits: &Limits{MaxBlocks: 64}})
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
	// The hostile shapes: the corpus's inputs and their small plain forms.
	hostile, _ := filepath.Glob(filepath.Join(hostileDir, "*.json.z"))
	for _, p := range hostile {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"contexts":[0,0,0,0]}`, `{"contexts":[{},{},{}]}`, `{"contexts":[{"a":1},0]}`,
		`{"contexts":[[[[[[[[]]]]]]]]}`, `{"contexts":[{"a":1}],"contexts":[]}`, `{"x":[1,[2,{"y":3}]],"contexts":null}`,
		`{"blocks":[{"content":"a"}],"format":"polyfmt.mem8.v1"}`, `{"contexts":[{"score":1e400}]} `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _ := NewMem(nil, &Options{NoSync: true})
		n, err := ImportJSON(m, data, &Limits{MaxJSONBytes: 1 << 16, MaxImportBlocks: 64}, nil)
		if uint64(n) != m.Count() {
			t.Fatalf("reported %d blocks, file has %d", n, m.Count())
		}
		if err != nil && n != 0 {
			t.Fatalf("a refused document appended %d blocks: %v", n, err)
		}
		if err == nil {
			if info, serr := ScanJSON(data, DefaultFlags, &Limits{MaxJSONBytes: 1 << 16, MaxImportBlocks: 64}); serr != nil || info.Blocks != n {
				t.Fatalf("imported %d blocks, ScanJSON says %+v, %v", n, info, serr)
			}
		}
	})
}
