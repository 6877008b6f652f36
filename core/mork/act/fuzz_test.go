package act

import (
	"os"
	"path/filepath"
	"testing"
)

// fuzzLimits keep one input's work small.
var fuzzLimits = &Limits{MaxDepth: 1 << 10, MaxPathLen: 1 << 12, MaxVisits: 1 << 14}

// FuzzNewTree: any bytes either fail to open or open into a tree that
// Get, Walk (also under prefixes), Count and Verify read without a panic,
// with errors of the format, unsupported or limit kind only; every path a
// successful Walk yields is what Get returns; and a tree that verifies,
// written again in either layout, reads back as the same paths.
func FuzzNewTree(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(vectorDir, "*.act"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, c := range hostileCases() {
		f.Add(c.data)
	}
	for _, layout := range layouts {
		for _, c := range roundTripCases[:10] {
			f.Add(build(f, layout, c.recs))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opened, verified := checkNoPanic(t, data, fuzzLimits)
		if !opened || !verified {
			return
		}
		tr, _ := NewTree(data, fuzzLimits)
		rs := walkAll(t, tr, nil)
		total := 0
		for _, r := range rs {
			total += len(r.Path)
		}
		if total > 1<<16 {
			return // the seed layout spends 24 bytes per path byte: keep rewrites small
		}
		for _, layout := range layouts {
			again, err := NewTree(build(t, layout, rs), nil)
			if err != nil {
				t.Fatal(err)
			}
			sameRecs(t, "rewritten as "+layout.String(), walkAll(t, again, nil), rs)
			if err := again.Verify(); err != nil {
				t.Fatalf("rewritten as %v: Verify: %v", layout, err)
			}
		}
	})
}
