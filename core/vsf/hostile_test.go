package vsf

import (
	"bytes"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
)

// Hand-made hostile files. craft writes a seed-form header whose length
// field is right (found by fixed point, as the Builder finds it) around
// whatever body says, so that a case's lie is the only thing wrong.

// craft returns RÅ< b(header bits) body(hlen) rest, where hlen is the
// header's final length in bytes (body ends with '>').
func craft(body func(hlen uint64) []byte, rest []byte) []byte {
	var hlen uint64
	for {
		out := AppendUint(append([]byte(Magic), markHeaderLen), hlen*8)
		out = append(out, body(hlen)...)
		if uint64(len(out)) == hlen {
			return append(out, rest...)
		}
		hlen = uint64(len(out))
	}
}

// labelsBody is z 2 y 1 n(len) labels '>', each label's offset made by
// its function of the header's length.
func labelsBody(labels func(hlen uint64) []Label) func(uint64) []byte {
	return func(hlen uint64) []byte {
		ls := labels(hlen)
		out := AppendUint(append(AppendUint(append(AppendUint([]byte{markVersion}, 2), markBackward), 1), markCount), uint64(len(ls)))
		for i := range ls {
			out = appendLabel(out, &ls[i])
		}
		return append(out, markHeaderEnd)
	}
}

// oneSection is a file with one structured section: its label says count
// fields and wrap (if any); its stored bytes are sec.
func oneSection(name string, count uint64, wrap *Wrap, sec []byte) []byte {
	return craft(labelsBody(func(h uint64) []Label {
		return []Label{{Name: name, Offset: h, Size: uint64(len(sec)), Count: count, Wrap: wrap}}
	}), sec)
}

// secBytes is [ d name fields ].
func secBytes(name string, fields []byte) []byte {
	out := appendValue([]byte{markSecOpen}, Name(name))
	return append(append(out, fields...), markSecEnd)
}

// field is ( d name : value ), value given encoded.
func field(name string, value []byte) []byte {
	out := appendValue([]byte{markLabelOpen}, Name(name))
	return append(append(append(out, markColon), value...), markLabelEnd)
}

// wide128 is a 128-bit integer 37 + 16 bytes, 2^64 + 1.
var wide128 = unhexQuiet("37 0000000000000001 0000000000000001")

// headerWith replaces, in a valid one-label header, the bytes of the part
// named by at with repl, keeping the rest: a lie in one place.
func headerWith(t testing.TB, at string, repl []byte) []byte {
	t.Helper()
	sec := secBytes("a", field("x", []byte{markUint, '3', 1}))
	good := oneSection("a", 1, nil, sec)
	var i, n int
	switch at {
	case "b":
		i, n = 5, 2
	case "z", "y", "n":
		i = bytes.IndexByte(good[4:], at[0]) + 5
		n = 2
	case "name":
		i = bytes.Index(good, []byte("(d")) + 2
		n = 2
	case "o", "count":
		m := map[string]byte{"o": 'o', "count": 'n'}[at]
		i = bytes.LastIndex(good[:bytes.IndexByte(good, '>')], []byte{m}) + 1
		n = 2
	case "size":
		i = bytes.LastIndex(good[:bytes.IndexByte(good, '>')], []byte{'b'}) + 1
		n = 2
	default:
		t.Fatalf("no part %q", at)
	}
	return append(append(bytes.Clone(good[:i]), repl...), good[i+n:]...)
}

func TestHostileHeaders(t *testing.T) {
	ten := make([]byte, 10)
	sec := secBytes("a", field("x", []byte{markUint, '3', 1}))
	zeros := make([]byte, 8<<20)
	bomb, err := codec.Compress(codec.Zstd, nil, zeros, 0)
	if err != nil {
		t.Fatal(err)
	}
	unboxed := func(ls func(h uint64) []Label, rest []byte) []byte { return craft(labelsBody(ls), rest) }
	deep := secBytes("a", append(bytes.Repeat(field("x", []byte{markSecOpen})[:7], 100), bytes.Repeat([]byte{markSecEnd, markLabelEnd}, 100)...))
	// field("x", "[")[:7] is "( d 33 01 x : [": each opens a field and a structure.
	for _, c := range []struct {
		name string
		data []byte
		kind error  // at open; nil: it opens
		read error  // reading section "a" (Section or Raw), when it opens
		msg  string // in the error's text
	}{
		{"empty", nil, errcode.ErrFormat, nil, "magic"},
		{"magic only", []byte(Magic), errcode.ErrFormat, nil, ""},
		{"not vsf", []byte("PK\x03\x04 not a vsf file"), errcode.ErrFormat, nil, "magic"},
		{"offset past the end", unboxed(func(h uint64) []Label { return []Label{{Name: "a", Offset: h + 100, Size: 10}} }, ten), errcode.ErrFormat, nil, "within"},
		{"size past the end", unboxed(func(h uint64) []Label { return []Label{{Name: "a", Offset: h, Size: 11}} }, ten), errcode.ErrFormat, nil, ""},
		{"offset+size overflows", unboxed(func(h uint64) []Label { return []Label{{Name: "a", Offset: h, Size: 1<<64 - 1}} }, ten), errcode.ErrFormat, nil, ""},
		{"offset near 2^64", unboxed(func(h uint64) []Label { return []Label{{Name: "a", Offset: 1<<64 - 4, Size: 8}} }, ten), errcode.ErrFormat, nil, ""},
		{"overlapping sections", unboxed(func(h uint64) []Label {
			return []Label{{Name: "a", Offset: h, Size: 6}, {Name: "b", Offset: h + 5, Size: 5}}
		}, ten), errcode.ErrFormat, nil, "overlap"},
		{"overlapping, listed backwards", unboxed(func(h uint64) []Label {
			return []Label{{Name: "b", Offset: h + 4, Size: 6}, {Name: "a", Offset: h, Size: 5}}
		}, ten), errcode.ErrFormat, nil, "overlap"},
		{"the same section twice", unboxed(func(h uint64) []Label {
			return []Label{{Name: "a", Offset: h, Size: 5}, {Name: "b", Offset: h, Size: 5}}
		}, ten), errcode.ErrFormat, nil, "overlap"},
		{"a section inside the header", unboxed(func(h uint64) []Label { return []Label{{Name: "a", Offset: 0, Size: 4}} }, ten), errcode.ErrFormat, nil, ""},
		{"a section across the header's end", unboxed(func(h uint64) []Label { return []Label{{Name: "a", Offset: h - 1, Size: 4}} }, ten), errcode.ErrFormat, nil, ""},
		{"duplicate label names", unboxed(func(h uint64) []Label {
			return []Label{{Name: "a", Offset: h, Size: 5}, {Name: "a", Offset: h + 5, Size: 5}}
		}, ten), errcode.ErrFormat, nil, "two labels"},
		{"label count 2^64-1", craft(func(uint64) []byte { return unhexQuiet("7A 33 02 79 33 01 6E 36 FFFFFFFFFFFFFFFF 3E") }, nil), errcode.ErrLimit, nil, "MaxLabels"},
		{"label count beyond the bytes", craft(func(uint64) []byte { return unhexQuiet("7A 33 02 79 33 01 6E 35 00100000 3E") }, nil), errcode.ErrFormat, nil, "cannot fit"},
		{"label count short by one", craft(func(h uint64) []byte {
			return append(unhexQuiet("7A 33 02 79 33 01 6E 33 02"), appendLabel(nil, &Label{Name: "a", Offset: h, Size: 0})...)
		}, nil), errcode.ErrFormat, nil, ""},
		{"header length in neither bits nor bytes", append(unhexQuiet("52C3853C 62 33 21 7A 33 02 79 33 01 6E 33 00 3E"), ten...), errcode.ErrFormat, nil, "states a length"},
		{"header length one byte long", unhexQuiet("52C3853C 62 33 12 7A 33 02 79 33 01 6E 33 00 3E"), errcode.ErrFormat, nil, ""},
		{"backward version 3", craft(func(uint64) []byte { return unhexQuiet("7A 33 03 79 33 03 6E 33 00 3E") }, nil), errcode.ErrUnsupported, nil, "version 3"},
		{"backward version 2^64-1", craft(func(uint64) []byte { return unhexQuiet("7A 36 FFFFFFFFFFFFFFFF 79 36 FFFFFFFFFFFFFFFF 6E 33 00 3E") }, nil), errcode.ErrUnsupported, nil, "18446744073709551615"},
		{"z < y", craft(func(uint64) []byte { return unhexQuiet("7A 33 01 79 33 02 6E 33 00 3E") }, nil), errcode.ErrFormat, nil, "older"},
		{"no header end", unhexQuiet("52C3853C 62 33 68 7A 33 02 79 33 01 6E 33 00 00"), errcode.ErrFormat, nil, ""},
		{"trailing garbage", append(oneSection("a", 1, nil, sec), "garbage"...), errcode.ErrFormat, nil, ""},
		{"trailing field that is not hash, signature, key", append(oneSection("a", 1, nil, sec), field("hash", []byte{markUint, '3', 1})...), errcode.ErrFormat, nil, "trailer"},
		{"a field count beyond the bytes", oneSection("a", 1000, nil, sec), errcode.ErrFormat, nil, "claims"},
		{"a field count larger than present", oneSection("a", 2, nil, sec), nil, errcode.ErrFormat, ""},
		{"a field count smaller than present", oneSection("a", 1, nil, secBytes("a", append(field("x", []byte{markUint, '3', 1}), field("y", []byte{markUint, '3', 2})...))), nil, errcode.ErrFormat, ""},
		{"a section's own name differs from its label", oneSection("a", 1, nil, secBytes("b", field("x", []byte{markUint, '3', 1}))), nil, errcode.ErrFormat, "calls itself"},
		{"bytes after a section's end", oneSection("a", 1, nil, append(bytes.Clone(sec), 0)), nil, errcode.ErrFormat, "follow"},
		{"a text length of 128 bits", oneSection("a", 1, nil, secBytes("a", field("x", append([]byte{markText}, wide128...)))), nil, errcode.ErrLimit, ""},
		{"a tensor rank of 128 bits", oneSection("a", 1, nil, secBytes("a", field("x", append([]byte{markTensor}, wide128...)))), nil, errcode.ErrLimit, ""},
		{"a tensor of 2^40 elements", oneSection("a", 1, nil, secBytes("a", field("x", unhexQuiet("74 33 02 75 33 35 00100000 35 00100000")))), nil, errcode.ErrFormat, "needs"},
		{"a wrapped section claiming 2^40 bytes", oneSection("a", 0, &Wrap{Alg: WrapZstd, RawSize: 1 << 40}, bomb), nil, errcode.ErrLimit, "MaxDecompressed"},
		{"a zstd bomb beyond MaxRatio", oneSection("a", 0, &Wrap{Alg: WrapZstd, RawSize: uint64(len(zeros))}, bomb), nil, errcode.ErrLimit, "MaxRatio"},
		{"a zstd frame larger than its label says", oneSection("a", 0, &Wrap{Alg: WrapZstd, RawSize: 1000}, bomb), nil, errcode.ErrFormat, ""},
		{"a wrap that is not zstd", craft(labelsBody(func(h uint64) []Label {
			return []Label{{Name: "a", Offset: h, Size: 10, Wrap: &Wrap{Alg: 'q', RawSize: 10}}}
		}), ten), errcode.ErrUnsupported, nil, ""},
		{"a wrapped size not in whole bytes", bytes.Replace(oneSection("a", 0, &Wrap{Alg: WrapZstd, RawSize: 10}, ten), []byte{markWrap, WrapZstd, '3', 80}, []byte{markWrap, WrapZstd, '3', 81}, 1), errcode.ErrFormat, nil, "whole bytes"},
		{"nesting beyond MaxDepth", oneSection("a", 1, nil, deep), nil, errcode.ErrLimit, "MaxDepth"},
		{"a label name of 128 bits", headerWith(t, "name", wide128), errcode.ErrLimit, nil, ""},
		{"a header length of 128 bits", headerWith(t, "b", wide128), errcode.ErrLimit, nil, ""},
		{"a version of 128 bits", headerWith(t, "z", wide128), errcode.ErrLimit, nil, ""},
		{"a backward version of 128 bits", headerWith(t, "y", wide128), errcode.ErrLimit, nil, ""},
		{"a label count of 128 bits", headerWith(t, "n", wide128), errcode.ErrLimit, nil, ""},
		{"an offset of 128 bits", headerWith(t, "o", wide128), errcode.ErrLimit, nil, ""},
		{"a size of 128 bits", headerWith(t, "size", wide128), errcode.ErrLimit, nil, ""},
		{"a field count of 128 bits", headerWith(t, "count", wide128), errcode.ErrLimit, nil, ""},
		{"a hash length of 128 bits", craft(func(uint64) []byte {
			return append(append(unhexQuiet("7A 33 02 79 33 01 6E 33 01 28 64 33 01 61 68 62"), wide128...), unhexQuiet("6F 33 00 62 33 00 6E 33 00 29 3E")...)
		}, nil), errcode.ErrLimit, nil, ""},
		{"a hash of 2^64 bytes", craft(func(uint64) []byte {
			return unhexQuiet("7A 33 02 79 33 01 6E 33 01 28 64 33 01 61 68 62 36 FFFFFFFFFFFFFFFF 29 3E")
		}, nil), errcode.ErrFormat, nil, ""},
		{"a crate file hash of 128 bits", append(unhexQuiet("52C3853C 62 33 30 7A 33 02 79 33 02 68 62"), append(wide128, unhexQuiet("6E 33 00 3E")...)...), errcode.ErrLimit, nil, ""},
		{"a size digit that is not one", unhexQuiet("52C3853C 62 38 00"), errcode.ErrFormat, nil, "size digit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := OpenBytes(c.data, nil)
			if c.kind != nil {
				isErr(t, "open", err, c.kind)
				if !strings.Contains(err.Error(), c.msg) {
					t.Fatalf("open: %q does not say %q", err, c.msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			l := f.Labels()[0]
			if l.Unboxed() {
				_, err = f.Raw("a")
			} else {
				_, err = f.Section("a")
			}
			isErr(t, "read", err, c.read)
			if !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("read: %q does not say %q", err, c.msg)
			}
			_, lerr := f.Lookup("a.x")
			if lerr == nil {
				t.Fatal("Lookup succeeded")
			}
			if verr := f.Verify(); !errors.Is(verr, c.read) {
				t.Fatalf("verify: %v, want %v", verr, c.read)
			}
		})
	}
}

// A header that claims 2^64−1 labels, or as many as MaxLabels allows,
// allocates nothing by that count: it is checked against the bytes that
// remain first.
func TestHostileLabelCountAllocs(t *testing.T) {
	huge := craft(func(uint64) []byte { return unhexQuiet("7A 33 02 79 33 01 6E 36 FFFFFFFFFFFFFFFF 3E") }, nil)
	many := craft(func(uint64) []byte { return unhexQuiet("7A 33 02 79 33 01 6E 36 3FFFFFFFFFFFFFFF 3E") }, nil)
	big := &Options{Limits: &Limits{MaxLabels: 1 << 62}}
	for _, c := range []struct {
		name string
		data []byte
		opt  *Options
		kind error
	}{{"2^64-1", huge, nil, errcode.ErrLimit}, {"2^62-1 under a limit of 2^62", many, big, errcode.ErrFormat}} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range 20 {
			_, err := OpenBytes(c.data, c.opt)
			isErr(t, c.name, err, c.kind)
		}
		runtime.ReadMemStats(&after)
		if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
			t.Fatalf("%s: 20 opens allocated %d bytes", c.name, d)
		}
		if n := testing.AllocsPerRun(10, func() { OpenBytes(c.data, c.opt) }); n > 64 {
			t.Fatalf("%s: %v allocations per open", c.name, n)
		}
	}
	// A section that claims a tensor of 2^40 elements: reading it allocates
	// nothing of that size either.
	data := oneSection("a", 1, nil, secBytes("a", field("x", unhexQuiet("74 33 02 75 33 35 00100000 35 00100000"))))
	f, err := OpenBytes(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = f.Section("a")
	runtime.ReadMemStats(&after)
	isErr(t, "a tensor of 2^40 elements", err, errcode.ErrFormat)
	if d := after.TotalAlloc - before.TotalAlloc; d > 1<<20 {
		t.Fatalf("reading a tensor that claims 2^40 bytes allocated %d bytes", d)
	}
}

// Limits bound what open accepts: small limits refuse what defaults allow.
func TestHostileLimits(t *testing.T) {
	data := sampleBytes(t, FormSeed)
	for _, c := range []struct {
		name string
		lim  Limits
		kind error
	}{
		{"MaxLabels", Limits{MaxLabels: 3}, errcode.ErrLimit},
		{"MaxNameLen", Limits{MaxNameLen: 5}, errcode.ErrLimit},
	} {
		_, err := OpenBytes(data, &Options{Limits: &c.lim})
		isErr(t, c.name, err, c.kind)
	}
	for _, c := range []struct {
		name    string
		lim     Limits
		section string
	}{
		{"MaxDepth", Limits{MaxDepth: 1}, "imaging.raw"},
		{"MaxFields", Limits{MaxFields: 3}, "imaging.raw"},
		{"MaxDims", Limits{MaxDims: 1}, "imaging.raw"},
		{"MaxElements", Limits{MaxElements: 10}, "imaging.raw"},
		{"MaxDecompressed", Limits{MaxDecompressed: 100}, "blob.z"},
		{"MaxRatio", Limits{MaxRatio: 1}, "notes"},
	} {
		f, err := OpenBytes(data, &Options{Limits: &c.lim})
		if err != nil {
			t.Fatalf("%s: open: %v", c.name, err)
		}
		_, err = f.Raw(c.section)
		if c.name != "MaxDecompressed" && c.name != "MaxRatio" {
			_, err = f.Section(c.section)
		}
		if c.name == "MaxRatio" {
			// 64 KiB of slack: the ratio bounds large sections only.
			if err != nil {
				t.Fatalf("MaxRatio 1 with 64 KiB slack: %v", err)
			}
			continue
		}
		isErr(t, c.name, err, errcode.ErrLimit)
	}
	_, err := OpenBytes(data, &Options{Limits: &Limits{MaxDepth: -1}})
	isErr(t, "a negative limit", err, errcode.ErrBadArg)
	_, err = NewReader(bytes.NewReader(data), int64(len(data)), &Options{Limits: &Limits{MaxDecompressed: 100}})
	isErr(t, "a reader larger than MaxDecompressed", err, errcode.ErrLimit)
}

// Every prefix of a valid file either fails to open or opens and reads
// without panicking; a prefix shorter than the header never opens.
func TestTruncatedEveryPrefix(t *testing.T) {
	for _, data := range [][]byte{signedFile(t, true), smallCrate(t)} {
		full, err := OpenBytes(data, nil)
		if err != nil {
			t.Fatal(err)
		}
		hlen := full.Header().Len
		for n := range len(data) {
			f, err := OpenBytes(data[:n], nil)
			if err != nil {
				if errors.Is(err, errcode.ErrInternal) || errcode.Of(err) == errcode.Internal {
					t.Fatalf("prefix %d: %v", n, err)
				}
				continue
			}
			if uint64(n) < hlen {
				t.Fatalf("a prefix of %d bytes, shorter than the %d-byte header, opened", n, hlen)
			}
			readAll(f)
		}
	}
}

// smallCrate is a small crate-form file with a structured and an unboxed
// section.
func smallCrate(t testing.TB) []byte {
	b := NewBuilder(FormCrate)
	s, _ := b.Section("a")
	s.Add("grid", u16Tensor(3, 2, 2))
	s.Add("raw12", packed12())
	s.Add("when", Time{W: '5', Sec: I64(7)})
	b.Unboxed("blob", ramp(20, 0))
	data, err := b.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// readAll reads everything an opened file offers, ignoring errors: the
// fuzz targets' and the truncation sweep's check that nothing panics.
func readAll(f *File) {
	for _, l := range f.Labels() {
		f.Stored(l.Name)
		f.Raw(l.Name)
		if s, err := f.Section(l.Name); err == nil {
			for _, fl := range s.Fields {
				f.Lookup(l.Name + "." + fl.Name)
				MarshalValue(fl.Value)
			}
			MarshalSection(s)
		}
		f.Lookup(l.Name)
	}
	f.Trailer()
	f.Summary()
	f.VerifyReport(nil)
	pub, _ := PublicKey(testKey(1))
	f.VerifyWith(&pub)
}
