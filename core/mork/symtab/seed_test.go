package symtab

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// The seed's record: variable-length id (one byte to 254, else 0xFF and
// u64 LE), u32 LE length, bytes.
func TestSeedRecordBytes(t *testing.T) {
	for _, c := range []struct {
		name string
		id   uint64
		sym  string
		want string
	}{
		{"id 1", 1, "foo", "01 03000000 666F6F"},
		{"id 254, the last one-byte id", 254, "", "FE 00000000"},
		{"id 255, the first wide id", 255, "x", "FF FF00000000000000 01000000 78"},
		{"slot-1 id", 1 << 40, "y", "FF 0000000000010000 01000000 79"},
	} {
		if got := seedRec(c.id, c.sym); !bytes.Equal(got, unhex(t, c.want)) {
			t.Errorf("%s: % X", c.name, got)
		}
	}
}

// What Write stores in the seed layout: the five entries in the seed's
// order, deflated; short strings (≤ 7 bytes) in the short pair, long in
// the long pair; sym_to_* by id, str_to_* by string; honest metadata.
func TestSeedEntries(t *testing.T) {
	tb := New()
	tb.Add(300, []byte("zz-long-symbol")) // long, wide id
	tb.Intern([]byte("seven77"))          // 301, short (7 bytes)
	tb.Intern([]byte("eight888"))         // 302, long (8 bytes)
	tb.Add(5, []byte("b"))
	tb.Add(6, []byte("a"))
	b, err := tb.AppendZip(nil, LayoutSeed)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	strToSym := seedMap(2, seedRec(302, "eight888"), seedRec(300, "zz-long-symbol"))
	symToStr := seedMap(2, seedRec(300, "zz-long-symbol"), seedRec(302, "eight888"))
	shortToSym := seedMap(3, seedRec(6, "a"), seedRec(5, "b"), seedRec(301, "seven77"))
	symToShort := seedMap(3, seedRec(5, "b"), seedRec(6, "a"), seedRec(301, "seven77"))
	var m seedMeta
	for i, f := range [][]byte{strToSym, symToStr, shortToSym, symToShort} {
		m.setSize(i, uint64(len(f)))
	}
	m.setMaxID(302)
	m.setTotal(5)
	want := [][]byte{m[:], strToSym, symToStr, shortToSym, symToShort}
	if len(zr.File) != len(seedNames) {
		t.Fatalf("%d entries", len(zr.File))
	}
	for i, f := range zr.File {
		if f.Name != seedNames[i] || f.Method != zip.Deflate || f.Modified.Year() != 1980 {
			t.Fatalf("entry %d: %q method %d %v", i, f.Name, f.Method, f.Modified)
		}
		rc, _ := f.Open()
		var got bytes.Buffer
		if _, err := got.ReadFrom(rc); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want[i]) {
			t.Fatalf("%s:\n% X\nwant\n% X", f.Name, got.Bytes(), want[i])
		}
	}
}

func TestReadSeedAccepts(t *testing.T) {
	long := seedMap(1, seedRec(9, "a-long-one"))
	wideNine := append([]byte{0xFF, 9, 0, 0, 0, 0, 0, 0, 0}, unhex(t, "0A000000")...)
	wideNine = append(wideNine, "a-long-one"...)
	for _, c := range []struct {
		name                 string
		s2s, y2s, ss2s, sy2s []byte
		maxID, total         uint64
		want                 map[uint64]string
	}{
		{"empty table", seedMap(0), seedMap(0), seedMap(0), seedMap(0), 0, 0, map[uint64]string{}},
		{"one long symbol", long, long, seedMap(0), seedMap(0), 9, 1, map[uint64]string{9: "a-long-one"}},
		{"records in any order", seedMap(0), seedMap(0),
			seedMap(3, seedRec(3, "c"), seedRec(1, "a"), seedRec(2, "b")), seedMap(3, seedRec(2, "b"), seedRec(3, "c"), seedRec(1, "a")),
			3, 3, map[uint64]string{1: "a", 2: "b", 3: "c"}},
		{"a small id in the wide form", seedMap(1, wideNine), long, seedMap(0), seedMap(0), 9, 1, map[uint64]string{9: "a-long-one"}},
		{"non-UTF-8 bytes", seedMap(0), seedMap(0), seedMap(1, seedRec(4, "\xff\x00")), seedMap(1, seedRec(4, "\xff\x00")), 4, 1, map[uint64]string{4: "\xff\x00"}},
		{"an id of 2^64-1", seedMap(0), seedMap(0), seedMap(1, seedRec(1<<64-1, "m")), seedMap(1, seedRec(1<<64-1, "m")), 1<<64 - 1, 1, map[uint64]string{1<<64 - 1: "m"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb, layout, err := ReadBytes(seedArchive(t, c.s2s, c.y2s, c.ss2s, c.sy2s, c.maxID, c.total, nil), nil)
			if err != nil || layout != LayoutSeed {
				t.Fatalf("%v %v", err, layout)
			}
			want := New()
			for id, s := range c.want {
				want.Add(id, []byte(s))
			}
			sameTable(t, c.name, tb, want)
		})
	}
}

func TestReadSeedRejects(t *testing.T) {
	L := func(id uint64, s string) []byte { return seedRec(id, s) }
	long := seedMap(1, L(9, "a-long-one"))
	short := seedMap(1, L(3, "abc"))
	type files struct{ s2s, y2s, ss2s, sy2s []byte }
	ok := files{long, long, short, short}
	two := seedMap(2, L(9, "a-long-one"), L(10, "b-long-one"))
	for _, c := range []struct {
		name         string
		f            files
		maxID, total uint64
		edit         func(m *seedMeta)
		lim          *Limits
		kind         error
		msg          string
	}{
		{"metadata size lies", ok, 9, 2, func(m *seedMeta) { m.setSize(1, 1<<60) }, nil, errcode.ErrFormat, "sym_to_str.bin is 1152921504606846976"},
		{"metadata size one short", ok, 9, 2, func(m *seedMeta) { m.setSize(3, m.size(3)-1) }, nil, errcode.ErrFormat, "sym_to_short_str.bin"},
		{"metadata total lies", ok, 9, 3, nil, nil, errcode.ErrFormat, "says 3 symbols"},
		{"metadata total 2^60", ok, 9, 1 << 60, nil, nil, errcode.ErrFormat, "symbols"},
		{"metadata max id lies", ok, 10, 2, nil, nil, errcode.ErrFormat, "max id"},
		{"a count of 2^60", files{long, seedMap(1<<60, L(9, "a-long-one")), short, short}, 9, 2, nil, nil, errcode.ErrLimit, "MaxSymbols"},
		{"a count the bytes cannot hold", files{long, seedMap(1000, L(9, "a-long-one")), short, short}, 9, 2, nil, nil, errcode.ErrFormat, "hold at most"},
		{"a count one too many", files{seedMap(2, L(9, "a-long-one")), seedMap(2, L(9, "a-long-one")), short, short}, 9, 3, nil, nil, errcode.ErrFormat, "ends before record 2"},
		{"a count one too few", files{seedMap(0, L(9, "a-long-one")), seedMap(0, L(9, "a-long-one")), short, short}, 3, 1, nil, nil, errcode.ErrFormat, "follow the last"},
		{"pair counts differ", files{seedMap(0), long, short, short}, 9, 2, nil, nil, errcode.ErrFormat, "0 entries; sym_to_str.bin has 1"},
		{"a short string in a long file", files{short, short, seedMap(0), seedMap(0)}, 3, 1, nil, nil, errcode.ErrFormat, "longer than 7"},
		{"a long string in a short file", files{seedMap(0), seedMap(0), long, long}, 9, 1, nil, nil, errcode.ErrFormat, "at most 7"},
		{"id 0", files{seedMap(1, L(0, "a-long-one")), seedMap(1, L(0, "a-long-one")), short, short}, 3, 2, nil, nil, errcode.ErrFormat, "id 0"},
		{"an id twice", files{long, long, seedMap(1, L(9, "abc")), seedMap(1, L(9, "abc"))}, 9, 2, nil, nil, errcode.ErrFormat, "id 0x9 again"},
		{"a string twice", files{seedMap(2, L(9, "a-long-one"), L(10, "a-long-one")), seedMap(2, L(9, "a-long-one"), L(10, "a-long-one")), short, short}, 10, 3, nil, nil, errcode.ErrFormat, "again"},
		{"str_to_sym disagrees on the id", files{seedMap(1, L(8, "a-long-one")), long, short, short}, 9, 2, nil, nil, errcode.ErrFormat, "maps \"a-long-one\" to 0x8"},
		{"str_to_sym names an absent string", files{seedMap(1, L(9, "b-long-one")), long, short, short}, 9, 2, nil, nil, errcode.ErrFormat, "lacks"},
		{"str_to_sym repeats one pair, misses another", files{seedMap(2, L(9, "a-long-one"), L(9, "a-long-one")),
			seedMap(2, L(9, "a-long-one"), L(12, "c-long-one")), short, short}, 12, 3, nil, nil, errcode.ErrFormat, "again"},
		{"short_str_to_sym disagrees", files{long, long, seedMap(1, L(4, "abc")), short}, 9, 2, nil, nil, errcode.ErrFormat, "short_str_to_sym.bin"},
		{"trailing bytes", files{long, append(bytes.Clone(long), 0), short, short}, 9, 2, nil, nil, errcode.ErrFormat, "1 bytes follow"},
		{"a wide id cut short", files{two, seedMap(2, L(9, "a-long-one"), []byte{0xFF, 1, 2, 3}), short, short}, 9, 3, nil, nil, errcode.ErrFormat, "8-byte id"},
		{"a length cut short", files{two, seedMap(2, L(9, "a-long-one"), []byte{10, 1, 0}), short, short}, 9, 3, nil, nil, errcode.ErrFormat, "string length"},
		{"a length past the data", files{long, seedMap(1, append(unhex(t, "09 FFFFFF00"), "a-long-one"...)), short, short}, 9, 2, nil, nil, errcode.ErrFormat, "remain"},
		{"a symbol beyond MaxSymbolLen", ok, 9, 2, nil, &Limits{MaxSymbolLen: 9}, errcode.ErrLimit, "MaxSymbolLen"},
		{"more symbols than MaxSymbols", ok, 9, 2, nil, &Limits{MaxSymbols: 1}, errcode.ErrLimit, "MaxSymbols"},
		{"a map file shorter than its count", files{long, []byte{1, 0, 0}, short, short}, 9, 2, nil, nil, errcode.ErrFormat, "shorter than the u64"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := seedArchive(t, c.f.s2s, c.f.y2s, c.f.ss2s, c.f.sy2s, c.maxID, c.total, c.edit)
			_, _, err := ReadBytes(data, c.lim)
			isErr(t, c.name, err, c.kind)
			if !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("%q does not say %q", err, c.msg)
			}
		})
	}
}

func TestReadSeedEntrySet(t *testing.T) {
	m := seedMap(0)
	var meta seedMeta
	for i := range 4 {
		meta.setSize(i, 8)
	}
	all := []testEntry{{name: seedMetaName, data: meta[:]}, {name: seedStrToSymName, data: m}, {name: seedSymToStrName, data: m},
		{name: seedShortStrToSymName, data: m}, {name: seedSymToShortStrName, data: m}}
	if _, _, err := ReadBytes(makeZip(t, all...), nil); err != nil {
		t.Fatalf("the five entries: %v", err)
	}
	for i := range all {
		missing := append(append([]testEntry(nil), all[:i]...), all[i+1:]...)
		_, _, err := ReadBytes(makeZip(t, missing...), nil)
		isErr(t, "without "+all[i].name, err, errcode.ErrFormat)
		if !strings.Contains(err.Error(), "no "+all[i].name) {
			t.Fatalf("without %s: %v", all[i].name, err)
		}
	}
	_, _, err := ReadBytes(makeZip(t, append(all[1:], testEntry{name: seedMetaName, data: meta[:47]})...), nil)
	isErr(t, "47-byte metadata", err, errcode.ErrFormat)
	_, _, err = ReadBytes(makeZip(t, append(all, testEntry{name: "extra.bin"})...), nil)
	isErr(t, "an extra entry", err, errcode.ErrFormat)
	_, _, err = ReadBytes(makeZip(t, append(all, testEntry{name: morkMetaName})...), nil)
	isErr(t, "seed and MORK entries", err, errcode.ErrFormat)
}
