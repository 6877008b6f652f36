package act

// Interop with the Rust crate pathmap 0.3.5 (core/mork/internal/pathmap
// builds it with cargo): what pathmap writes, polyfmt reads; what polyfmt
// writes in the PathMap layout is byte for byte what pathmap writes, and
// pathmap reads it back.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/mork/internal/pathmap"
)

func writeFile(tb testing.TB, dir, name string, data []byte) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func readFile(tb testing.TB, p string) []byte {
	tb.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// interopSets are the path sets every interop test runs on.
func interopSets() map[string][]rec {
	sets := map[string][]rec{}
	for _, c := range roundTripCases {
		sets["case "+c.name] = c.recs
	}
	for seed := uint64(1); seed <= 6; seed++ {
		sets[fmt.Sprintf("generated %d", seed)] = genPaths(seed, 150*int(seed))
	}
	return sets
}

// probeKeys are the members of rs and near misses.
func probeKeys(rs []rec) [][]byte {
	var keys [][]byte
	for _, r := range rs {
		keys = append(keys, r.Path, append(bytes.Clone(r.Path), 0x00), append(bytes.Clone(r.Path), 0xC4))
		if len(r.Path) > 0 {
			keys = append(keys, r.Path[:len(r.Path)-1])
		}
	}
	return append(keys, nil, []byte{0xFF, 0xFF})
}

func TestInteropPathMapWrites(t *testing.T) {
	for name, rs := range interopSets() {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			in := writeFile(t, dir, "in.rec", encodeRecs(rs))
			actFile := filepath.Join(dir, "pm.act")
			pathmap.Run(t, "write-act", in, actFile)

			// polyfmt reads pathmap's file: every path, value, prefix walk,
			// near miss; Verify accepts it.
			tr, err := Open(actFile, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close()
			if tr.Layout() != LayoutPathMap {
				t.Fatalf("layout %v", tr.Layout())
			}
			checkTree(t, tr, rs)

			// polyfmt writes the same bytes.
			pm := readFile(t, actFile)
			if ours := build(t, LayoutPathMap, rs); !bytes.Equal(ours, pm) {
				i := 0
				for i < len(ours) && i < len(pm) && ours[i] == pm[i] {
					i++
				}
				t.Fatalf("polyfmt's PathMap layout differs from pathmap's at byte %d (sizes %d, %d)", i, len(ours), len(pm))
			}

			// Gets agree with pathmap's get_val_at, near misses included.
			keys := probeKeys(rs)
			var kb []byte
			for _, k := range keys {
				kb = pathmap.AppendRecord(kb, k, 0)
			}
			out := filepath.Join(dir, "get.bin")
			pathmap.Run(t, "get-act", actFile, writeFile(t, dir, "keys.rec", kb), out)
			res := readFile(t, out)
			if len(res) != 9*len(keys) {
				t.Fatalf("get-act gave %d bytes for %d keys", len(res), len(keys))
			}
			for i, k := range keys {
				wantOK, want := res[9*i] == 1, binary.LittleEndian.Uint64(res[9*i+1:])
				v, ok, err := tr.Get(k)
				if err != nil || ok != wantOK || v != want {
					t.Errorf("Get(%x) = %d, %v, %v; pathmap says %d, %v", k, v, ok, err, want, wantOK)
				}
			}
		})
	}
}

func TestInteropPathMapReads(t *testing.T) {
	for name, rs := range interopSets() {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			ours := writeFile(t, dir, "ours.act", build(t, LayoutPathMap, rs))
			out := filepath.Join(dir, "back.rec")
			pathmap.Run(t, "read-act", ours, out)
			got := decodeRecs(t, readFile(t, out))
			sameRecs(t, "pathmap read-act of polyfmt's file", got, rs)
		})
	}
}

// TestInteropEmptyTree: the 25-byte empty tree, from pathmap and from us.
func TestInteropEmptyTree(t *testing.T) {
	want := readFile(t, filepath.Join(vectorDir, "pathmap_empty.act"))
	if len(want) != 25 {
		t.Fatalf("vector has %d bytes", len(want))
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "e.act")
	pathmap.Run(t, "write-act", writeFile(t, dir, "e.rec", nil), out)
	if got := readFile(t, out); !bytes.Equal(got, want) {
		t.Errorf("pathmap's empty tree: % x", got)
	}
	if got := build(t, LayoutPathMap, nil); !bytes.Equal(got, want) {
		t.Errorf("polyfmt's empty tree: % x", got)
	}
	tr, err := NewTree(want, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkTree(t, tr, nil)
}
