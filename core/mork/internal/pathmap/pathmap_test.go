package pathmap

import (
	"bytes"
	"compress/zlib"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestRecords(t *testing.T) {
	recs := []Record{{Path: nil, Value: 7}, {Path: []byte("ab"), Value: 1<<64 - 1}, {Path: bytes.Repeat([]byte{0xC4}, 300), Value: 0}}
	enc := EncodeRecords(recs)
	if len(enc) != 3*12+2+300 {
		t.Fatalf("encoded %d bytes", len(enc))
	}
	got, err := ParseRecords(enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(recs) {
		t.Fatalf("got %d records", len(got))
	}
	for i := range recs {
		if !bytes.Equal(got[i].Path, recs[i].Path) || got[i].Value != recs[i].Value {
			t.Errorf("record %d: got %x=%d, want %x=%d", i, got[i].Path, got[i].Value, recs[i].Path, recs[i].Value)
		}
	}
	for n := 1; n < len(enc); n++ {
		if r, err := ParseRecords(enc[:n]); err == nil && n != 12 && n != 26 {
			t.Errorf("prefix of %d bytes parsed into %d records", n, len(r))
		}
	}
}

// TestHarnessEmptyTree builds the harness and checks the smallest fact
// about pathmap it relies on: the 25-byte empty tree, and its .paths form.
func TestHarnessEmptyTree(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "empty.rec")
	if err := os.WriteFile(in, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	act := filepath.Join(dir, "empty.act")
	Run(t, "write-act", in, act)
	got, err := os.ReadFile(act)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte("ACTree03\x10\x00\x00\x00\x00\x00\x00\x00\x00"), make([]byte, 8)...)
	if !bytes.Equal(got, want) {
		t.Errorf("empty tree:\n got % x\nwant % x", got, want)
	}
	paths := filepath.Join(dir, "empty.paths")
	Run(t, "write-paths", in, paths)
	if got, _ := os.ReadFile(paths); !bytes.Equal(got, []byte{0x78, 0xDA, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}) {
		t.Errorf("empty .paths: % x", got)
	}
	back := filepath.Join(dir, "back.rec")
	Run(t, "read-act", act, back)
	if b, _ := os.ReadFile(back); len(b) != 0 {
		t.Errorf("read-act of the empty tree gave %d bytes", len(b))
	}
}

// TestHarnessSubcommands runs every subcommand once on a known path.
func TestHarnessSubcommands(t *testing.T) {
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }
	expr := []byte{0x03, 0xC3, 'f', 'o', 'o', 0xC0, 0x02, 0xC3, 'b', 'a', 'r', 0x80} // (foo $x (bar $x))
	recs := []Record{{Path: expr, Value: 1<<64 - 1}, {Path: []byte{0x00}, Value: 0}}
	if err := os.WriteFile(file("in.rec"), EncodeRecords(recs), 0o644); err != nil {
		t.Fatal(err)
	}

	Run(t, "write-paths", file("in.rec"), file("x.paths"))
	z, err := os.ReadFile(file("x.paths"))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte{1, 0, 0, 0, 0x00}, append([]byte{12, 0, 0, 0}, expr...)...)
	if !bytes.Equal(raw, want) || !bytes.HasPrefix(z, []byte{0x78, 0xDA}) {
		t.Errorf(".paths inflates to % x (stream starts % x), want % x", raw, z[:2], want)
	}
	Run(t, "read-paths", file("x.paths"), file("back.rec"))
	back, _ := os.ReadFile(file("back.rec"))
	if got, _ := ParseRecords(back); len(got) != 2 || !bytes.Equal(got[0].Path, []byte{0}) || !bytes.Equal(got[1].Path, expr) || got[1].Value != 0 {
		t.Errorf("read-paths gave %v", got)
	}

	Run(t, "write-act", file("in.rec"), file("x.act"))
	Run(t, "read-act", file("x.act"), file("act.rec"))
	b, _ := os.ReadFile(file("act.rec"))
	if got, _ := ParseRecords(b); len(got) != 2 || got[1].Value != 1<<64-1 || !bytes.Equal(got[1].Path, expr) {
		t.Errorf("read-act gave %v", got)
	}
	keys := EncodeRecords([]Record{{Path: expr}, {Path: []byte("nope")}})
	os.WriteFile(file("keys.rec"), keys, 0o644)
	Run(t, "get-act", file("x.act"), file("keys.rec"), file("get.bin"))
	g, _ := os.ReadFile(file("get.bin"))
	wantGet := []byte{1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if !bytes.Equal(g, wantGet) {
		t.Errorf("get-act gave % x", g)
	}

	for _, c := range []struct {
		args []string
		keys []string
	}{
		{[]string{"bench", file("x.act"), file("keys.rec")}, []string{"open_mmap_ns", "lookups", "found", "lookup_total_ns", "lookup_ns"}},
		{[]string{"bench-paths", file("in.rec")}, []string{"paths", "raw_bytes", "paths_bytes", "serialize_ns", "serialize_mb_s", "deserialize_ns", "deserialize_mb_s"}},
		{[]string{"bench-write", file("in.rec")}, []string{"paths", "act_bytes", "build_map_ns", "from_zipper_ns"}},
	} {
		var m map[string]float64
		if err := json.Unmarshal(Run(t, c.args...), &m); err != nil {
			t.Fatalf("%s: %v", c.args[0], err)
		}
		for _, k := range c.keys {
			if _, ok := m[k]; !ok {
				t.Errorf("%s: no %q in %v", c.args[0], k, m)
			}
		}
	}
}
