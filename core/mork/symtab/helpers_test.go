package symtab

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"runtime"
	"strings"
	"testing"

	"github.com/klauspost/compress/flate"
)

// testEntry is one entry of a hand-made archive. Zero fields take the
// honest value; the others let a case lie.
type testEntry struct {
	name     string
	data     []byte
	deflate  bool
	declared int64  // uncompressed size to declare; 0: len(data) (-1: declare 0)
	method   uint16 // raw method to declare; 0: from deflate
	flags    uint16
	crc      uint32 // CRC to declare; 0: the real one
	zeroCRC  bool   // declare a CRC of 0
	compSize int64  // compressed size to declare; 0: the real one
}

// makeZip writes a ZIP of the entries, exactly as given (duplicates,
// unsafe names and lies included).
func makeZip(t testing.TB, entries ...testEntry) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range entries {
		body := e.data
		h := &zip.FileHeader{Name: e.name, Method: zip.Store, Flags: e.flags, CRC32: crc32.ChecksumIEEE(e.data),
			UncompressedSize64: uint64(len(e.data))}
		if e.deflate {
			var c bytes.Buffer
			fw, _ := flate.NewWriter(&c, 9)
			fw.Write(e.data)
			fw.Close()
			body = c.Bytes()
			h.Method = zip.Deflate
		}
		h.CompressedSize64 = uint64(len(body))
		switch {
		case e.declared > 0:
			h.UncompressedSize64 = uint64(e.declared)
		case e.declared < 0:
			h.UncompressedSize64 = 0
		}
		if e.method != 0 {
			h.Method = e.method
		}
		if e.crc != 0 {
			h.CRC32 = e.crc
		}
		if e.zeroCRC {
			h.CRC32 = 0
		}
		if e.compSize != 0 {
			h.CompressedSize64 = uint64(e.compSize)
		}
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// seedRec is one seed map record.
func seedRec(id uint64, s string) []byte { return appendSeedRecord(nil, id, s) }

// seedMap is a seed map file: the count, then the records as given.
func seedMap(count uint64, recs ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, count)
	for _, r := range recs {
		b = append(b, r...)
	}
	return b
}

// seedArchive builds a seed-layout archive from the four map files, with
// honest metadata for the given max id and total; edit changes the
// metadata before it is stored.
func seedArchive(t testing.TB, strToSym, symToStr, shortToSym, symToShort []byte, maxID, total uint64, edit func(m *seedMeta)) []byte {
	t.Helper()
	var m seedMeta
	for i, b := range [][]byte{strToSym, symToStr, shortToSym, symToShort} {
		m.setSize(i, uint64(len(b)))
	}
	m.setMaxID(maxID)
	m.setTotal(total)
	if edit != nil {
		edit(&m)
	}
	return makeZip(t, testEntry{name: seedMetaName, data: m[:]}, testEntry{name: seedStrToSymName, data: strToSym},
		testEntry{name: seedSymToStrName, data: symToStr}, testEntry{name: seedShortStrToSymName, data: shortToSym},
		testEntry{name: seedSymToShortStrName, data: symToShort})
}

// morkRec is one MORK record with the canonical length.
func morkRec(id uint64, s string) []byte { return appendMORKRecord(nil, id, s) }

// morkMeta is FileSizes.meta listing (slot, size) pairs in order.
func morkMeta(pairs ...uint64) []byte {
	var b []byte
	for i := 0; i+1 < len(pairs); i += 2 {
		var r morkSize
		r.set(pairs[i], pairs[i+1])
		b = append(b, r[:]...)
	}
	return b
}

// isErr fails unless err is of kind (nil: no error).
func isErr(t testing.TB, what string, err, kind error) {
	t.Helper()
	if kind == nil {
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return
	}
	if !errors.Is(err, kind) {
		t.Fatalf("%s: got %v, want %v", what, err, kind)
	}
	if !strings.HasPrefix(err.Error(), "mork: symtab: ") {
		t.Fatalf("%s: %q lacks the package prefix", what, err)
	}
}

// allocated returns the bytes fn allocates.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// sameTable fails unless got holds exactly want's pairs.
func sameTable(t testing.TB, what string, got, want *Table) {
	t.Helper()
	if !got.Equal(want) || got.MaxID() != want.MaxID() {
		t.Fatalf("%s: tables differ: %d symbols (max %#x), want %d (max %#x)", what, got.Len(), got.MaxID(), want.Len(), want.MaxID())
	}
}
