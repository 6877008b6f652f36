package mork

import (
	"bytes"
	"testing"

	"github.com/polyfmt/polyfmt/core/mork/paths"
)

// FuzzOpen opens arbitrary bytes as any MORK container and reads
// everything: no panic, no hang; what opens verifies or fails cleanly,
// and what verifies exports to every kind and reads back the same.
func FuzzOpen(f *testing.F) {
	s := &Space{Paths: set(f, facts...)}
	for _, o := range []*SpaceOptions{nil, {Compress: true}, {V10: true, NoChecksum: true}} {
		f.Add(must(AppendSpace(nil, s, o)))
	}
	m := paths.NewSet()
	m.Add([]byte("(edge a b)"), 3)
	m.Add([]byte("key"), 1<<40)
	f.Add(must(AppendMult(nil, m, nil)))
	file := must(NewMem(must(AppendSpace(nil, s, nil)), nil))
	for _, k := range []Kind{KindPathMap1, KindPaths, KindACT, KindSymbols} {
		var buf bytes.Buffer
		if err := file.Export(&buf, k, nil); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := OpenBytes(data, nil)
		if err != nil {
			return
		}
		defer g.Close()
		_ = g.Walk(nil, func([]byte, uint64) error { return nil })
		if g.Verify() != nil {
			return
		}
		n, err := g.Len()
		if err != nil {
			t.Fatalf("verified, but Len fails: %v", err)
		}
		var buf bytes.Buffer
		if err := g.Export(&buf, KindPathMap1, nil); err != nil {
			t.Fatalf("verified, but export fails: %v", err)
		}
		h, err := OpenBytes(buf.Bytes(), nil)
		if err != nil {
			t.Fatalf("re-open: %v", err)
		}
		if m, _ := h.Len(); m != n {
			t.Fatalf("%d paths, %d after export", n, m)
		}
	})
}
