package mork

// Interop with PathMap itself (the pathmap crate 0.3.5, built by
// core/mork/internal/pathmap at test time): a space imported from MeTTa
// text goes to PathMap as .paths and as an ACT, and comes back from it,
// every path and value compared.

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/mork/internal/pathmap"
)

// interopText is a space of generated facts: shared prefixes, nesting,
// variables, quoted strings, symbols of every length class.
func interopText(n int) string {
	var b strings.Builder
	for i := range n {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "(edge n%d n%d)\n", i, (i*7919)%n)
		case 1:
			fmt.Fprintf(&b, "(person (name \"p %d\") (age %d))\n", i, i%97)
		case 2:
			fmt.Fprintf(&b, "(rule $x (implies (p%d $x) (q $x $y)))\n", i)
		case 3:
			fmt.Fprintf(&b, "(%s %d)\n", strings.Repeat("s", 1+i%63), i)
		default:
			fmt.Fprintf(&b, "sym%d\n", i)
		}
	}
	return b.String()
}

func inflate(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := zlib.NewReader(bytes.NewReader(b))
	noErr(t, err)
	out, err := io.ReadAll(r)
	noErr(t, err)
	return out
}

func TestPathMapInterop(t *testing.T) {
	dir := t.TempDir()
	f := must(Create("", &Options{Kind: KindACT}))
	must(f.ImportText(strings.NewReader(interopText(3000)), &ImportOptions{Value: 7}))
	want := f.set
	var recs []pathmap.Record
	for i := 0; i < want.Len(); i++ {
		recs = append(recs, pathmap.Record{Path: want.Path(i), Value: uint64(i) * 3})
		noErr(t, f.Add(want.Path(i), uint64(i)*3))
	}
	in := filepath.Join(dir, "in.rec")
	noErr(t, os.WriteFile(in, pathmap.EncodeRecords(recs), 0o644))

	// PathMap writes; polyfmt reads.
	pathmap.Run(t, "write-paths", in, filepath.Join(dir, "pm.paths"))
	pathmap.Run(t, "write-act", in, filepath.Join(dir, "pm.act"))
	for _, name := range []string{"pm.paths", "pm.act"} {
		g := must(Open(filepath.Join(dir, name)))
		n := 0
		noErr(t, g.Walk(nil, func(p []byte, v uint64) error {
			if !bytes.Equal(p, recs[n].Path) || (name == "pm.act" && v != recs[n].Value) {
				t.Fatalf("%s: path %d is %x=%d, want %x=%d", name, n, p, v, recs[n].Path, recs[n].Value)
			}
			n++
			return nil
		}))
		if n != len(recs) {
			t.Fatalf("%s: %d paths, want %d", name, n, len(recs))
		}
		noErr(t, g.Verify())
		g.Close()
	}

	// polyfmt writes; PathMap reads.
	for _, c := range []struct {
		name, cmd string
		kind      Kind
	}{{"pf.paths", "read-paths", KindPaths}, {"pf.act", "read-act", KindACT}} {
		var buf bytes.Buffer
		noErr(t, f.Export(&buf, c.kind, nil))
		noErr(t, os.WriteFile(filepath.Join(dir, c.name), buf.Bytes(), 0o644))
		out := filepath.Join(dir, c.name+".rec")
		pathmap.Run(t, c.cmd, filepath.Join(dir, c.name), out)
		got, err := pathmap.ParseRecords(must(os.ReadFile(out)))
		noErr(t, err)
		if len(got) != len(recs) {
			t.Fatalf("%s: PathMap reads %d paths, want %d", c.name, len(got), len(recs))
		}
		for i := range got {
			if !bytes.Equal(got[i].Path, recs[i].Path) || (c.kind == KindACT && got[i].Value != recs[i].Value) {
				t.Fatalf("%s: PathMap's path %d is %x=%d, want %x=%d", c.name, i, got[i].Path, got[i].Value, recs[i].Path, recs[i].Value)
			}
		}
	}
	// The compressed bytes of a .paths depend on the zlib build; what they
	// inflate to must not.
	pm, pf := must(os.ReadFile(filepath.Join(dir, "pm.paths"))), must(os.ReadFile(filepath.Join(dir, "pf.paths")))
	if !bytes.Equal(inflate(t, pm), inflate(t, pf)) {
		t.Fatal(".paths: polyfmt's and PathMap's inflate to different records")
	}
	if !bytes.Equal(pm[:2], pf[:2]) {
		t.Fatalf(".paths zlib headers differ: % x vs % x", pm[:2], pf[:2])
	}
	if pa, fa := must(os.ReadFile(filepath.Join(dir, "pm.act"))), must(os.ReadFile(filepath.Join(dir, "pf.act"))); !bytes.Equal(pa, fa) {
		t.Fatalf("ACT: polyfmt's file (%d bytes) differs from PathMap's (%d bytes)", len(fa), len(pa))
	}
}
