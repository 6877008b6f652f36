package symtab

import (
	"archive/zip"
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The record bytes MORK's SharedMapping::serialize writes, worked out by
// hand from interning/src/serialization.rs: id bytes 2–7, ^len or u64 BE
// len, the bytes.
func TestMORKRecordBytes(t *testing.T) {
	long := strings.Repeat("x", 128)
	for _, c := range []struct {
		name string
		id   uint64
		sym  string
		want string
	}{
		{"first slot-0 id", 1, "alpha", "00 00000000 01 FA 616C706861"},
		{"empty symbol", 2, "", "00 00000000 02 FF"},
		{"127 bytes, one length byte", 3, strings.Repeat("x", 127), "00 00000000 03 80" + strings.Repeat("78", 127)},
		{"128 bytes, eight length bytes", 4, long, "00 00000000 04 0000000000000080" + strings.Repeat("78", 128)},
		{"slot 1, counter 0", 1 << 40, "s", "01 00000000 00 FE 73"},
		{"slot 127, last counter", 0x7F<<40 | counterMax, "z", "7F FFFFFFFFFF FE 7A"},
	} {
		if got := morkRec(c.id, c.sym); !bytes.Equal(got, unhex(t, c.want)) {
			t.Errorf("%s: % X", c.name, got)
		}
	}
}

// What Write stores in the MORK layout: one stored entry per slot in use,
// slots ascending, FileSizes.meta last with (slot, size) pairs.
func TestMORKEntries(t *testing.T) {
	tb := New()
	tb.Intern([]byte("alpha"))
	tb.Add(3<<40|2, []byte("c"))
	tb.Add(3<<40, []byte("b"))
	tb.Intern([]byte("beta"))
	b, err := tb.AppendZip(nil, LayoutMORK)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		data string
	}{
		{"SharedMapping_0x00.binary_data", "00 00000000 01 FA 616C706861  00 00000000 02 FB 62657461"},
		{"SharedMapping_0x03.binary_data", "03 00000000 00 FE 62  03 00000000 02 FE 63"},
		{"FileSizes.meta", "0000000000000000 0000000000000017  0000000000000003 0000000000000010"},
	}
	if len(zr.File) != len(want) {
		t.Fatalf("%d entries, want %d", len(zr.File), len(want))
	}
	for i, f := range zr.File {
		if f.Name != want[i].name || f.Method != zip.Store || f.Modified.Year() != 1980 {
			t.Fatalf("entry %d: %q method %d modified %v", i, f.Name, f.Method, f.Modified)
		}
		rc, _ := f.Open()
		var got bytes.Buffer
		got.ReadFrom(rc)
		if !bytes.Equal(got.Bytes(), unhex(t, want[i].data)) {
			t.Fatalf("%s: % X", f.Name, got.Bytes())
		}
	}
}

func TestMORKEmptyTable(t *testing.T) {
	b, err := New().AppendZip(nil, LayoutMORK)
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if len(zr.File) != 1 || zr.File[0].Name != morkMetaName || zr.File[0].UncompressedSize64 != 0 {
		t.Fatalf("empty table: %d entries", len(zr.File))
	}
	got, layout, err := ReadBytes(b, nil)
	if err != nil || layout != LayoutMORK || got.Len() != 0 {
		t.Fatalf("%v %v %d", err, layout, got.Len())
	}
}

func TestMORKWriteRefusesForeignIDs(t *testing.T) {
	for _, id := range []uint64{1 << 47, 1 << 48, 1 << 63} {
		tb := New()
		tb.Add(id, []byte("x"))
		_, err := tb.AppendZip(nil, LayoutMORK)
		isErr(t, "id outside MORK's scheme", err, errcode.ErrUnsupported)
		if _, err := tb.AppendZip(nil, LayoutSeed); err != nil {
			t.Fatalf("the seed layout holds id %#x: %v", id, err)
		}
	}
}

// Archives as MORK's own code would make them, and lenient reads of
// well-formed variants polyfmt does not write.
func TestReadMORKAccepts(t *testing.T) {
	a := morkRec(1, "alpha")
	nonCanonical := append(unhex(t, "00 00000000 02 0000000000000003"), "abc"...)
	s1 := morkRec(1<<40, "in slot 1")
	for _, c := range []struct {
		name    string
		entries []testEntry
		want    map[uint64]string
	}{
		{"one slot", []testEntry{{name: "SharedMapping_0x00.binary_data", data: a}, {name: morkMetaName, data: morkMeta(0, uint64(len(a)))}},
			map[uint64]string{1: "alpha"}},
		{"meta first, slots listed out of order", []testEntry{{name: morkMetaName, data: morkMeta(1, uint64(len(s1)), 0, uint64(len(a)))},
			{name: "SharedMapping_0x01.binary_data", data: s1}, {name: "SharedMapping_0x00.binary_data", data: a}},
			map[uint64]string{1: "alpha", 1 << 40: "in slot 1"}},
		{"deflated entries", []testEntry{{name: "SharedMapping_0x00.binary_data", data: a, deflate: true}, {name: morkMetaName, data: morkMeta(0, uint64(len(a))), deflate: true}},
			map[uint64]string{1: "alpha"}},
		{"a short length in the 8-byte form", []testEntry{{name: "SharedMapping_0x00.binary_data", data: nonCanonical}, {name: morkMetaName, data: morkMeta(0, uint64(len(nonCanonical)))}},
			map[uint64]string{2: "abc"}},
		{"records out of id order", []testEntry{{name: "SharedMapping_0x00.binary_data", data: append(morkRec(9, "nine"), a...)}, {name: morkMetaName, data: morkMeta(0, uint64(len(a)+len(morkRec(9, "nine"))))}},
			map[uint64]string{1: "alpha", 9: "nine"}},
		{"an empty listed slot", []testEntry{{name: "SharedMapping_0x05.binary_data"}, {name: morkMetaName, data: morkMeta(5, 0)}}, map[uint64]string{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb, layout, err := ReadBytes(makeZip(t, c.entries...), nil)
			if err != nil || layout != LayoutMORK {
				t.Fatalf("%v %v", err, layout)
			}
			want := New()
			for id, s := range c.want {
				want.Add(id, []byte(s))
			}
			sameTable(t, c.name, tb, want)
			// Interning goes on after the largest slot-0 id read, as MORK's
			// deserialize sets next_symbol to max+1.
			var next uint64 = 1
			for id := range c.want {
				if idSlot(id) == 0 {
					next = max(next, id+1)
				}
			}
			if got, err := tb.Intern([]byte("next")); err != nil || got != next {
				t.Fatalf("Intern after reading = %d, %v; want %d", got, err, next)
			}
		})
	}
}

func TestReadMORKRejects(t *testing.T) {
	a := morkRec(1, "alpha")
	data := func(b []byte) testEntry { return testEntry{name: "SharedMapping_0x00.binary_data", data: b} }
	meta := func(b []byte) testEntry { return testEntry{name: morkMetaName, data: b} }
	one := func(b []byte) []testEntry { return []testEntry{data(b), meta(morkMeta(0, uint64(len(b))))} }
	for _, c := range []struct {
		name    string
		entries []testEntry
		lim     *Limits
		kind    error
		msg     string
	}{
		{"no FileSizes.meta", []testEntry{data(a)}, nil, errcode.ErrFormat, "no FileSizes.meta"},
		{"meta not whole records", []testEntry{data(a), meta(morkMeta(0, uint64(len(a)))[:15])}, nil, errcode.ErrFormat, "multiple of 16"},
		{"meta slot 200", []testEntry{data(a), meta(append(morkMeta(0, uint64(len(a))), morkMeta(200, 1)...))}, nil, errcode.ErrFormat, "slot 200"},
		{"meta slot twice", []testEntry{data(a), meta(morkMeta(0, uint64(len(a)), 0, uint64(len(a))))}, nil, errcode.ErrFormat, "again"},
		{"meta lists an absent entry", []testEntry{data(a), meta(morkMeta(0, uint64(len(a)), 4, 7))}, nil, errcode.ErrFormat, "lacks"},
		{"meta says 2^60 bytes", []testEntry{data(a), meta(morkMeta(0, 1<<60))}, nil, errcode.ErrFormat, "1152921504606846976"},
		{"meta size one short", []testEntry{data(a), meta(morkMeta(0, uint64(len(a))-1))}, nil, errcode.ErrFormat, "it is 12"},
		{"an unlisted entry", []testEntry{data(a), {name: "SharedMapping_0x01.binary_data", data: morkRec(1<<40, "b")}, meta(morkMeta(0, uint64(len(a))))}, nil, errcode.ErrFormat, "does not list"},
		{"a record cut in its id", one(a[:4]), nil, errcode.ErrFormat, "ends inside a record"},
		{"a record cut in its string", one(a[:10]), nil, errcode.ErrFormat, "5 bytes; 3 remain"},
		{"a record cut in its long length", one(unhex(t, "00 00000000 01 00000000")), nil, errcode.ErrFormat, "8-byte length"},
		{"a length of 2^60", one(unhex(t, "00 00000000 01 1000000000000000 61")), nil, errcode.ErrLimit, "MaxSymbolLen"},
		{"a length past the data", one(unhex(t, "00 00000000 01 0000000000001000 61")), nil, errcode.ErrFormat, "4096 bytes; 1 remain"},
		{"id 0 (MORK's slab padding)", one(append(bytes.Clone(a), 0, 0, 0, 0, 0, 0, 0xFF)), nil, errcode.ErrFormat, "id 0"},
		{"an id of another slot", one(morkRec(2<<40, "b")), nil, errcode.ErrFormat, "slot 2, not 0"},
		{"an id twice", one(append(bytes.Clone(a), morkRec(1, "beta")...)), nil, errcode.ErrFormat, "id 0x1 again"},
		{"a symbol twice", []testEntry{data(a), {name: "SharedMapping_0x01.binary_data", data: morkRec(1<<40, "alpha")},
			meta(morkMeta(0, uint64(len(a)), 1, 12))}, nil, errcode.ErrFormat, `"alpha" again`},
		{"lower-case hex slot", []testEntry{{name: "SharedMapping_0x0a.binary_data", data: morkRec(10<<40, "x")}, meta(morkMeta(10, 8))}, nil, errcode.ErrFormat, "unknown entry"},
		{"slot 0x80", []testEntry{{name: "SharedMapping_0x80.binary_data", data: a}, meta(nil)}, nil, errcode.ErrFormat, "unknown entry"},
		{"a stray file", []testEntry{data(a), meta(morkMeta(0, uint64(len(a)))), {name: "README", data: []byte("hi")}}, nil, errcode.ErrFormat, `unknown entry "README"`},
		{"a directory", []testEntry{{name: "dir/"}, data(a), meta(morkMeta(0, uint64(len(a))))}, nil, errcode.ErrFormat, "unknown entry"},
		{"more symbols than MaxSymbols", one(append(bytes.Clone(a), morkRec(2, "beta")...)), &Limits{MaxSymbols: 1}, errcode.ErrLimit, "MaxSymbols"},
		{"a symbol beyond MaxSymbolLen", one(a), &Limits{MaxSymbolLen: 4}, errcode.ErrLimit, "MaxSymbolLen"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := ReadBytes(makeZip(t, c.entries...), c.lim)
			isErr(t, c.name, err, c.kind)
			if !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("%q does not say %q", err, c.msg)
			}
		})
	}
}
