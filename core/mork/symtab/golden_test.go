package symtab

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in core/testdata/mork/symtab")

// vectorDir holds the golden files, one per layout.
const vectorDir = "../../testdata/mork/symtab"

// goldenFiles names each layout's golden file.
var goldenFiles = map[Layout]string{LayoutSeed: "golden_seed.zip", LayoutMORK: "golden_mork.zip"}

// goldenTable is the golden files' table: symbols on both sides of each
// boundary (7/8 bytes between the seed's short and long files, 127/128
// bytes between MORK's two length forms, ids 254/255 between the seed's
// one- and nine-byte ids), the empty symbol, non-UTF-8 bytes, ids in
// other slots, and an Intern after explicit ids.
func goldenTable(t testing.TB) *Table {
	t.Helper()
	tb := New()
	for _, s := range []string{"foo", "bar", "(", "", "=", "a-longer-symbol", "seven77", "eight888",
		"\xff\x00\xfe", strings.Repeat("7", 127), strings.Repeat("8", 128), "café"} {
		if _, err := tb.Intern([]byte(s)); err != nil { // ids 1..12
			t.Fatal(err)
		}
	}
	for _, p := range []struct {
		id  uint64
		sym string
	}{{254, "id-254"}, {255, "id-255"}, {1 << 40, "slot 1, counter 0"}, {1<<40 | 1, "s1"},
		{0x7F<<40 | counterMax, "the last slot's last id"}} {
		if err := tb.Add(p.id, []byte(p.sym)); err != nil {
			t.Fatal(err)
		}
	}
	if id, err := tb.Intern([]byte("after")); err != nil || id != 256 {
		t.Fatalf("Intern after Add(255) = %d, %v", id, err)
	}
	return tb
}

// TestGolden checks (or with -update rewrites) the golden files: exactly
// the bytes Write produces for goldenTable, read back as the same table in
// the same layout, and written again byte for byte from what was read.
func TestGolden(t *testing.T) {
	want := goldenTable(t)
	if *update {
		for layout, file := range goldenFiles {
			got, err := want.AppendZip(nil, layout)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(vectorDir, file), got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, layout := range []Layout{LayoutSeed, LayoutMORK} {
		file := goldenFiles[layout]
		t.Run(layout.String(), func(t *testing.T) {
			got, err := want.AppendZip(nil, layout)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(vectorDir, file)
			golden, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if string(golden) != string(got) {
				t.Fatalf("%s differs from what Write produces (run go test -run Golden -update and review the diff)", file)
			}
			read, l, err := Open(p, nil)
			if err != nil || l != layout {
				t.Fatalf("Open: %v, layout %v", err, l)
			}
			sameTable(t, file, read, want)
			again, err := read.AppendZip(nil, layout)
			if err != nil || string(again) != string(golden) {
				t.Fatalf("Write(Read(golden)) differs from golden: %v", err)
			}
			// Each layout's file converts to the other's exactly.
			other := LayoutSeed + LayoutMORK - layout
			conv, _ := read.AppendZip(nil, other)
			og, err := os.ReadFile(filepath.Join(vectorDir, goldenFiles[other]))
			if err != nil || string(conv) != string(og) {
				t.Fatalf("converted to %s, it differs from %s: %v", other, goldenFiles[other], err)
			}
		})
	}
}

// Writing is deterministic: the same table, built in another order, writes
// the same bytes.
func TestWriteDeterministic(t *testing.T) {
	a := goldenTable(t)
	b := New()
	var pairs []struct {
		id  uint64
		sym string
	}
	a.All(func(id uint64, sym []byte) bool {
		pairs = append(pairs, struct {
			id  uint64
			sym string
		}{id, string(sym)})
		return true
	})
	for i := len(pairs) - 1; i >= 0; i-- {
		if err := b.Add(pairs[i].id, []byte(pairs[i].sym)); err != nil {
			t.Fatal(err)
		}
	}
	for _, layout := range []Layout{LayoutSeed, LayoutMORK} {
		x, _ := a.AppendZip(nil, layout)
		y, _ := b.AppendZip(nil, layout)
		if string(x) != string(y) {
			t.Fatalf("%s: the same table built backwards writes other bytes", layout)
		}
		var w strings.Builder
		if err := a.Write(&w, layout); err != nil || w.String() != string(x) {
			t.Fatalf("%s: Write and AppendZip differ: %v", layout, err)
		}
		pre, _ := a.AppendZip([]byte("prefix"), layout)
		if string(pre) != "prefix"+string(x) {
			t.Fatalf("%s: AppendZip does not append", layout)
		}
		if string(x[:4]) != string(Magic) {
			t.Fatalf("%s: starts % X, not Magic", layout, x[:4])
		}
	}
}
