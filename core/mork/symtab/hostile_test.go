package symtab

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// validMORK is a small, valid MORK-layout archive's entries.
func validMORK() []testEntry {
	a := morkRec(1, "alpha")
	return []testEntry{{name: "SharedMapping_0x00.binary_data", data: a}, {name: morkMetaName, data: morkMeta(0, uint64(len(a)))}}
}

// with returns entries with e appended.
func with(entries []testEntry, e ...testEntry) []testEntry {
	return append(append([]testEntry(nil), entries...), e...)
}

// The archive itself: names, duplicates, methods, sizes, CRCs.
func TestHostileArchive(t *testing.T) {
	meta := morkMeta(0, 12)
	a := morkRec(1, "alpha")
	for _, c := range []struct {
		name    string
		entries []testEntry
		lim     *Limits
		kind    error
		msg     string
	}{
		{"../evil", with(validMORK(), testEntry{name: "../evil", data: []byte("x")}), nil, errcode.ErrFormat, `contains ".."`},
		{"a/../../evil", with(validMORK(), testEntry{name: "a/../../evil"}), nil, errcode.ErrFormat, `contains ".."`},
		{"an absolute name", with(validMORK(), testEntry{name: "/etc/passwd"}), nil, errcode.ErrFormat, "absolute"},
		{"a backslash", with(validMORK(), testEntry{name: `..\evil`}), nil, errcode.ErrFormat, ""},
		{"a backslash alone", with(validMORK(), testEntry{name: `dir\evil`}), nil, errcode.ErrFormat, "backslash"},
		{"a drive letter", with(validMORK(), testEntry{name: "C:evil"}), nil, errcode.ErrFormat, "drive letter"},
		{"an empty name", with(validMORK(), testEntry{name: ""}), nil, errcode.ErrFormat, "empty"},
		{"a NUL in a name", with(validMORK(), testEntry{name: "FileSizes.meta\x00x"}), nil, errcode.ErrFormat, "NUL"},
		{"a duplicated data entry", with(validMORK(), testEntry{name: "SharedMapping_0x00.binary_data", data: a}), nil, errcode.ErrFormat, "twice"},
		{"a duplicated meta entry", with(validMORK(), testEntry{name: morkMetaName, data: meta}), nil, errcode.ErrFormat, "twice"},
		{"neither layout", []testEntry{{name: "hello.txt", data: []byte("hi")}}, nil, errcode.ErrFormat, "neither layout"},
		{"no entries", nil, nil, errcode.ErrFormat, "neither layout"},
		{"encrypted", []testEntry{validMORK()[0], {name: morkMetaName, data: meta, flags: 1}}, nil, errcode.ErrUnsupported, "encrypted"},
		{"method 99", []testEntry{validMORK()[0], {name: morkMetaName, data: meta, method: 99}}, nil, errcode.ErrUnsupported, "method 99"},
		{"method bzip2", []testEntry{validMORK()[0], {name: morkMetaName, data: meta, method: 12}}, nil, errcode.ErrUnsupported, "method 12"},
		{"a bad CRC", []testEntry{{name: "SharedMapping_0x00.binary_data", data: a, crc: 0xDEADBEEF}, {name: morkMetaName, data: meta}}, nil, errcode.ErrChecksum, "CRC-32"},
		{"a bad CRC, deflated", []testEntry{{name: "SharedMapping_0x00.binary_data", data: a, crc: 0xDEADBEEF, deflate: true}, {name: morkMetaName, data: meta}}, nil, errcode.ErrChecksum, "CRC-32"},
		{"a zeroed CRC", []testEntry{{name: "SharedMapping_0x00.binary_data", data: a, crc: 0}, {name: morkMetaName, data: meta, zeroCRC: true}}, nil, errcode.ErrChecksum, "gives 0"},
		{"stored sizes disagree", []testEntry{{name: "SharedMapping_0x00.binary_data", data: a, declared: 13}, {name: morkMetaName, data: meta}}, nil, errcode.ErrFormat, "stored entry"},
		{"a compressed size past the archive", []testEntry{{name: "SharedMapping_0x00.binary_data", data: a, deflate: true, compSize: 1 << 40}, {name: morkMetaName, data: meta}}, nil, errcode.ErrFormat, "compressed bytes in an archive"},
		{"deflated data shorter than declared", []testEntry{{name: "SharedMapping_0x00.binary_data", data: a, deflate: true, declared: 20}, {name: morkMetaName, data: meta}}, nil, errcode.ErrFormat, ""},
		{"deflated data longer than declared", []testEntry{{name: "SharedMapping_0x00.binary_data", data: a, deflate: true, declared: 5}, {name: morkMetaName, data: meta}}, nil, errcode.ErrFormat, ""},
		{"deflated data declared empty", []testEntry{{name: "SharedMapping_0x00.binary_data", data: a, deflate: true, declared: -1}, {name: morkMetaName, data: meta}}, nil, errcode.ErrFormat, ""},
		{"corrupt deflate data", []testEntry{{name: "SharedMapping_0x00.binary_data", data: a, method: zip.Deflate}, {name: morkMetaName, data: meta}}, nil, errcode.ErrFormat, ""},
		{"more entries than MaxEntries", validMORK(), &Limits{MaxEntries: 1}, errcode.ErrLimit, "MaxEntries"},
		{"more bytes than MaxUncompressed", validMORK(), &Limits{MaxUncompressed: 20}, errcode.ErrLimit, "MaxUncompressed"},
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

// A zip bomb: an entry declaring 1 GiB whose deflate data are KBs. The
// ratio refuses it before anything is read; with the ratio lifted, the
// reader stops where the data end, having allocated about what arrived.
func TestHostileZipBomb(t *testing.T) {
	zeros := make([]byte, 1<<20)
	bomb := makeZip(t, testEntry{name: "SharedMapping_0x00.binary_data", data: zeros, deflate: true, declared: 1 << 30},
		testEntry{name: morkMetaName, data: morkMeta(0, 1<<30)})
	if len(bomb) > 8<<10 {
		t.Fatalf("the bomb is %d bytes; it should be KBs", len(bomb))
	}
	big := &Limits{MaxRatio: 1 << 40, MaxUncompressed: 4 << 30}
	for _, c := range []struct {
		name  string
		data  []byte
		lim   *Limits
		kind  error
		bound uint64
	}{
		{"1 GiB declared, default limits", bomb, nil, errcode.ErrLimit, 1 << 20},
		{"1 GiB declared, ratio lifted", bomb, big, errcode.ErrFormat, 8 << 20},
		{"1 GiB declared, beyond MaxUncompressed", bomb, &Limits{MaxRatio: 1 << 40}, errcode.ErrLimit, 1 << 20},
		{"1 MiB of zeros declared as 1000 bytes", makeZip(t, testEntry{name: "SharedMapping_0x00.binary_data", data: zeros, deflate: true, declared: 1000},
			testEntry{name: morkMetaName, data: morkMeta(0, 1000)}), nil, errcode.ErrFormat, 1 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, _, err = ReadBytes(c.data, c.lim) })
			isErr(t, c.name, err, c.kind)
			if n > c.bound {
				t.Fatalf("allocated %d bytes (bound %d)", n, c.bound)
			}
		})
	}
}

// Counts and sizes that lie allocate nothing by what they claim.
func TestHostileAllocation(t *testing.T) {
	long := seedMap(1, seedRec(9, "a-long-one"))
	short := seedMap(0)
	huge := seedArchive(t, long, seedMap(1<<60, seedRec(9, "a-long-one")), short, short, 9, 1, nil)
	many := seedArchive(t, long, seedMap(1<<30, seedRec(9, "a-long-one")), short, short, 9, 1, nil)
	metaLie := seedArchive(t, long, long, short, short, 9, 1<<60, nil)
	morkLie := makeZip(t, testEntry{name: "SharedMapping_0x00.binary_data", data: morkRec(1, "alpha")}, testEntry{name: morkMetaName, data: morkMeta(0, 1<<60)})
	longLen := makeZip(t, testEntry{name: "SharedMapping_0x00.binary_data", data: unhex(t, "00 0000000001 00FFFFFFFFFFFFFF")}, testEntry{name: morkMetaName, data: morkMeta(0, 14)})
	for _, c := range []struct {
		name string
		data []byte
		lim  *Limits
		kind error
	}{
		{"a count of 2^60", huge, nil, errcode.ErrLimit},
		{"a count of 2^30 under MaxSymbols 2^31", many, &Limits{MaxSymbols: 1 << 31}, errcode.ErrFormat},
		{"metadata total of 2^60", metaLie, nil, errcode.ErrFormat},
		{"FileSizes.meta size of 2^60", morkLie, nil, errcode.ErrFormat},
		{"a symbol length of 2^56", longLen, &Limits{MaxSymbolLen: 1 << 62}, errcode.ErrFormat},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, _, err = ReadBytes(c.data, c.lim) })
			isErr(t, c.name, err, c.kind)
			if n > 1<<20 {
				t.Fatalf("allocated %d bytes", n)
			}
			if a := testing.AllocsPerRun(5, func() { ReadBytes(c.data, c.lim) }); a > 200 {
				t.Fatalf("%v allocations per read", a)
			}
		})
	}
}

// Every prefix of a valid archive is refused as malformed (the ZIP's
// directory is at its end), never with a panic or an internal error.
func TestTruncatedEveryPrefix(t *testing.T) {
	for _, layout := range []Layout{LayoutSeed, LayoutMORK} {
		data, err := goldenTable(t).AppendZip(nil, layout)
		if err != nil {
			t.Fatal(err)
		}
		for n := range len(data) {
			_, _, err := ReadBytes(data[:n], nil)
			if errcode.Of(err) != errcode.Format {
				t.Fatalf("%s: prefix of %d bytes: %v", layout, n, err)
			}
		}
	}
}

// Corrupting any single byte of a valid archive never panics; it is
// refused, or it changed nothing the table depends on (a timestamp, a
// version field, the local copy of a name): every entry's bytes are
// covered by its CRC-32 and every name is checked.
func TestCorruptEveryByte(t *testing.T) {
	want := goldenTable(t)
	for _, layout := range []Layout{LayoutSeed, LayoutMORK} {
		data, _ := want.AppendZip(nil, layout)
		for i := range data {
			mut := bytes.Clone(data)
			mut[i] ^= 0x55
			tb, _, err := ReadBytes(mut, nil)
			if code := errcode.Of(err); code == errcode.Internal {
				t.Fatalf("%s: byte %d: %v", layout, i, err)
			}
			if err == nil && !tb.Equal(want) {
				t.Fatalf("%s: byte %d changed the table without an error", layout, i)
			}
		}
	}
}

func TestBadArguments(t *testing.T) {
	data, _ := New().AppendZip(nil, LayoutMORK)
	_, _, err := NewReader(bytes.NewReader(data), -1, nil)
	isErr(t, "negative size", err, errcode.ErrBadArg)
	for _, lim := range []Limits{{MaxEntries: -1}, {MaxSymbols: -1}, {MaxSymbolLen: -1}, {MaxUncompressed: -1}, {MaxRatio: -1}} {
		_, _, err := ReadBytes(data, &lim)
		isErr(t, "negative limit", err, errcode.ErrBadArg)
	}
	_, err = New().AppendZip(nil, Layout(9))
	isErr(t, "unknown layout", err, errcode.ErrBadArg)
	_, _, err = ReadBytes(nil, nil)
	isErr(t, "no bytes", err, errcode.ErrFormat)
	_, _, err = ReadBytes([]byte("PK\x03\x04 not really a zip"), nil)
	isErr(t, "not a zip", err, errcode.ErrFormat)
	if _, _, err := Open(filepath.Join(t.TempDir(), "absent.zip"), nil); errcode.Of(err) != errcode.NotFound {
		t.Fatalf("Open of an absent file: %v", err)
	}
	// MaxSymbols beyond what a Table holds means that much.
	if l, err := (&Limits{MaxSymbols: 1 << 40}).resolve(); err != nil || l.MaxSymbols != maxEntries {
		t.Fatalf("MaxSymbols 2^40 resolves to %d, %v", l.MaxSymbols, err)
	}
}

// errReaderAt fails every read past off.
type errReaderAt struct {
	r   io.ReaderAt
	off int64
}

var errDisk = errors.New("disk on fire")

func (e errReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > e.off {
		return 0, errDisk
	}
	return e.r.ReadAt(p, off)
}

// An error of the io.ReaderAt comes back as itself, not as malformed input.
func TestReaderAtError(t *testing.T) {
	data, _ := goldenTable(t).AppendZip(nil, LayoutMORK)
	for _, off := range []int64{0, 40, int64(len(data)) - 30} {
		_, _, err := NewReader(errReaderAt{bytes.NewReader(data), off}, int64(len(data)), nil)
		if !errors.Is(err, errDisk) || errors.Is(err, errcode.ErrFormat) {
			t.Fatalf("failing at %d: %v", off, err)
		}
	}
}
