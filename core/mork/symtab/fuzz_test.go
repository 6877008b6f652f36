package symtab

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzNewReader feeds arbitrary bytes to the reader: it must never panic,
// and a table it accepts must write in the layout it was read from (and in
// the other, when its ids allow), read back as the same table, and write
// the same bytes again.
func FuzzNewReader(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join(vectorDir, "*.zip"))
	if len(paths) == 0 {
		f.Fatal("no golden files")
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// Small hand-made shapes: an empty MORK table, a deflated MORK entry,
	// a seed table with a short and a long symbol.
	empty, _ := New().AppendZip(nil, LayoutMORK)
	f.Add(empty)
	a := morkRec(1, "alpha")
	f.Add(makeZip(f, testEntry{name: "SharedMapping_0x00.binary_data", data: a, deflate: true}, testEntry{name: morkMetaName, data: morkMeta(0, uint64(len(a)))}))
	long, short := seedMap(1, seedRec(300, "a-long-one")), seedMap(1, seedRec(2, "ab"))
	f.Add(seedArchive(f, long, long, short, short, 300, 2, nil))
	lim := &Limits{MaxSymbols: 1 << 12, MaxSymbolLen: 1 << 12, MaxUncompressed: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, layout, err := ReadBytes(data, lim)
		if err != nil {
			return
		}
		if layout != LayoutSeed && layout != LayoutMORK {
			t.Fatalf("layout %v", layout)
		}
		n := 0
		var last uint64
		tb.All(func(id uint64, sym []byte) bool {
			if n > 0 && id <= last {
				t.Fatalf("All: %#x after %#x", id, last)
			}
			if got, ok := tb.ID(sym); !ok || got != id {
				t.Fatalf("ID(Symbol(%#x)) = %#x %v", id, got, ok)
			}
			last, n = id, n+1
			return true
		})
		if n != tb.Len() || (n > 0 && last != tb.MaxID()) {
			t.Fatalf("All saw %d symbols up to %#x; Len %d MaxID %#x", n, last, tb.Len(), tb.MaxID())
		}
		for _, l := range []Layout{layout, LayoutSeed + LayoutMORK - layout} {
			out, err := tb.AppendZip(nil, l)
			if err != nil {
				if l == layout {
					t.Fatalf("a table read as %s does not write as %s: %v", layout, l, err)
				}
				continue
			}
			back, bl, err := ReadBytes(out, nil)
			if err != nil || bl != l || !back.Equal(tb) {
				t.Fatalf("%s round trip: %v (layout %v)", l, err, bl)
			}
			again, _ := back.AppendZip(nil, l)
			if string(again) != string(out) {
				t.Fatalf("%s: writing what was read back gives other bytes", l)
			}
		}
	})
}

// FuzzEntries fuzzes the entries' contents rather than the archive, so
// that mutations get past the CRC-32s: kind's low bit picks the layout,
// the next bit whether the sizes in metadata are made honest.
func FuzzEntries(f *testing.F) {
	a := append(morkRec(1, "alpha"), morkRec(300, "a-long-"+string(make([]byte, 130)))...)
	f.Add(uint8(1), a, morkMeta(0, uint64(len(a))), []byte(nil), []byte(nil), []byte(nil))
	f.Add(uint8(3), a, []byte(nil), morkRec(1<<40, "s1"), []byte(nil), []byte(nil))
	long := seedMap(2, seedRec(300, "a-long-one"), seedRec(9, "nine-long"))
	short := seedMap(2, seedRec(2, "ab"), seedRec(7, ""))
	f.Add(uint8(2), []byte(nil), long, long, short, short)
	lim := &Limits{MaxSymbols: 1 << 12, MaxSymbolLen: 1 << 12}
	f.Fuzz(func(t *testing.T, kind uint8, e0, e1, e2, e3, e4 []byte) {
		var entries []testEntry
		if kind&1 == 1 {
			meta := e1
			if kind&2 != 0 {
				meta = morkMeta(0, uint64(len(e0)), 1, uint64(len(e2)))
			}
			entries = []testEntry{{name: morkDataName(0), data: e0}, {name: morkDataName(1), data: e2}, {name: morkMetaName, data: meta}}
		} else {
			var m seedMeta
			copy(m[:], e0)
			if kind&2 != 0 {
				for i, b := range [][]byte{e1, e2, e3, e4} {
					m.setSize(i, uint64(len(b)))
				}
			}
			entries = []testEntry{{name: seedMetaName, data: m[:]}, {name: seedStrToSymName, data: e1}, {name: seedSymToStrName, data: e2},
				{name: seedShortStrToSymName, data: e3}, {name: seedSymToShortStrName, data: e4}}
		}
		tb, layout, err := ReadBytes(makeZip(t, entries...), lim)
		if err != nil {
			return
		}
		out, err := tb.AppendZip(nil, layout)
		if err != nil {
			t.Fatalf("a table read as %s does not write back: %v", layout, err)
		}
		back, _, err := ReadBytes(out, nil)
		if err != nil || !back.Equal(tb) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
