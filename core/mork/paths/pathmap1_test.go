package paths

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"testing"

	"golang.org/x/crypto/blake2b"

	"github.com/polyfmt/polyfmt/core/errcode"
)

var compressions = []Compression{None, Zlib, LZ4, Zstd}

// pm1 builds a PATHMAP1 file around payload, with a correct checksum.
func pm1(major, minor uint8, c Compression, reserved [4]byte, payload []byte) []byte {
	b := []byte(Magic)
	b = append(b, major, minor)
	b = binary.LittleEndian.AppendUint16(b, uint16(c))
	b = append(b, reserved[:]...)
	b = append(b, payload...)
	sum := blake2b.Sum256(b)
	return append(b, sum[:]...)
}

// reseal recomputes a file's checksum after a change.
func reseal(b []byte) []byte {
	b = bytes.Clone(b)
	sum := blake2b.Sum256(b[:len(b)-ChecksumSize])
	copy(b[len(b)-ChecksumSize:], sum[:])
	return b
}

func writePM1(t testing.TB, s *Set, c Compression) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePathMap1(&buf, s, c); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zlibOf(level int, data []byte) []byte {
	var b bytes.Buffer
	w, _ := zlib.NewWriterLevel(&b, level)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func TestCompressionString(t *testing.T) {
	for c, want := range map[Compression]string{None: "none", Zlib: "zlib", LZ4: "lz4", Zstd: "zstd", 4: "Compression(4)", 0xffff: "Compression(65535)"} {
		if c.String() != want {
			t.Errorf("%d: %q, want %q", uint16(c), c.String(), want)
		}
	}
}

func TestPathMap1RoundTrip(t *testing.T) {
	sets := map[string]*Set{
		"empty":      NewSet(),
		"small":      setOf(exprVars, symFoo, exprFooBar, exprUnit),
		"empty path": setOf(nil, symFoo),
		"many":       setOf(genPaths(30000)...),
		"long path":  setOf(bytes.Repeat([]byte{0xC1, 'a'}, 200000), symFoo),
	}
	for name, s := range sets {
		for _, c := range compressions {
			t.Run(name+"/"+c.String(), func(t *testing.T) {
				data := writePM1(t, s, c)
				if string(data[:8]) != Magic || data[8] != 1 || data[9] != 0 || binary.LittleEndian.Uint16(data[10:]) != uint16(c) || !bytes.Equal(data[12:16], []byte{0, 0, 0, 0}) {
					t.Fatalf("header % x", data[:16])
				}
				got, h, err := ReadPathMap1(data, nil)
				if err != nil {
					t.Fatal(err)
				}
				if h.Major != 1 || h.Minor != 0 || h.Compression != c || h.Reserved != [4]byte{} {
					t.Fatalf("header %+v", h)
				}
				if sum := blake2b.Sum256(data[:len(data)-32]); h.Checksum != sum {
					t.Fatal("Header.Checksum is not the file's")
				}
				wantPaths(t, got, pathsOf(s))
				// Canonical: writing what was read gives the same bytes.
				if again := writePM1(t, got, c); !bytes.Equal(again, data) {
					t.Fatal("Write(Read(x)) != x")
				}
				// Values are record indices; the file's records are sorted.
				for i := range got.Len() {
					if got.Value(i) != uint64(i) {
						t.Fatalf("value %d is %d", i, got.Value(i))
					}
				}
			})
		}
	}
}

func TestPathMap1PayloadIsRecords(t *testing.T) {
	s := setOf(smallPaths...)
	data := writePM1(t, s, None)
	if want := AppendRecords(nil, s); !bytes.Equal(data[HeaderSize:len(data)-ChecksumSize], want) {
		t.Fatalf("stored payload %x, want %x", data[HeaderSize:len(data)-ChecksumSize], want)
	}
	// zlib at the default level: 78 9C.
	z := writePM1(t, s, Zlib)
	if z[16] != 0x78 || z[17] != 0x9C {
		t.Fatalf("zlib payload starts % x", z[16:18])
	}
	if l := writePM1(t, s, LZ4); !bytes.Equal(l[16:20], []byte{0x04, 0x22, 0x4D, 0x18}) {
		t.Fatalf("lz4 payload starts % x, want an LZ4 frame", l[16:20])
	}
	if zs := writePM1(t, s, Zstd); !bytes.Equal(zs[16:20], []byte{0x28, 0xB5, 0x2F, 0xFD}) {
		t.Fatalf("zstd payload starts % x, want a zstd frame", zs[16:20])
	}
}

func TestPathMap1Table(t *testing.T) {
	small := AppendRecords(nil, setOf(smallPaths...))
	var zero [4]byte
	for _, tc := range []struct {
		name string
		data []byte
		lim  *Limits
		want [][]byte
		kind error
	}{
		{name: "stored", data: pm1(1, 0, None, zero, small), want: smallPaths},
		{name: "minor 7 read", data: pm1(1, 7, None, zero, small), want: smallPaths},
		{name: "reserved bytes ignored", data: pm1(1, 0, None, [4]byte{1, 2, 3, 4}, small), want: smallPaths},
		{name: "unsorted duplicates", data: pm1(1, 0, None, zero, rec(5, symFoo, exprUnit, symFoo, exprVars, exprFooBar)), want: smallPaths},
		{name: "zlib at another level", data: pm1(1, 0, Zlib, zero, zlibOf(1, small)), want: smallPaths},
		{name: "empty", data: nil, kind: errcode.ErrFormat},
		{name: "bad magic", data: append([]byte("PATHMAP2"), pm1(1, 0, None, zero, small)[8:]...), kind: errcode.ErrFormat},
		{name: "short header", data: []byte("PATHMAP1\x01\x00"), kind: errcode.ErrFormat},
		{name: "major 2", data: pm1(2, 0, None, zero, small), kind: errcode.ErrUnsupported},
		{name: "major 0", data: pm1(0, 1, None, zero, small), kind: errcode.ErrUnsupported},
		{name: "shorter than header and checksum", data: pm1(1, 0, None, zero, small)[:HeaderSize+ChecksumSize-1], kind: errcode.ErrFormat},
		{name: "checksum cut off", data: pm1(1, 0, None, zero, small)[:HeaderSize+len(small)], kind: errcode.ErrChecksum},
		{name: "header only", data: pm1(1, 0, None, zero, small)[:HeaderSize], kind: errcode.ErrFormat},
		{name: "unknown compression", data: pm1(1, 0, 4, zero, small), kind: errcode.ErrUnsupported},
		{name: "empty payload", data: pm1(1, 0, None, zero, nil), kind: errcode.ErrFormat},
		{name: "empty zlib payload", data: pm1(1, 0, Zlib, zero, nil), kind: errcode.ErrFormat},
		{name: "empty lz4 payload", data: pm1(1, 0, LZ4, zero, nil), kind: errcode.ErrFormat},
		{name: "empty zstd payload", data: pm1(1, 0, Zstd, zero, nil), kind: errcode.ErrFormat},
		{name: "stored bytes after records", data: pm1(1, 0, None, zero, append(bytes.Clone(small), 0)), kind: errcode.ErrFormat},
		{name: "zlib bytes after records", data: pm1(1, 0, Zlib, zero, zlibOf(6, append(bytes.Clone(small), 0))), kind: errcode.ErrFormat},
		{name: "bytes after the zlib stream", data: pm1(1, 0, Zlib, zero, append(zlibOf(6, small), 0)), kind: errcode.ErrFormat},
		{name: "zlib with a preset dictionary", data: pm1(1, 0, Zlib, zero, []byte{0x78, 0xBB, 0x12, 0x34, 0x56, 0x78, 3, 0, 0, 0, 0, 1}), kind: errcode.ErrUnsupported},
		{name: "count beyond payload", data: pm1(1, 0, None, zero, rec(5, symFoo)), kind: errcode.ErrFormat},
		{name: "count above MaxPaths", data: pm1(1, 0, None, zero, small), lim: &Limits{MaxPaths: 3}, kind: errcode.ErrLimit},
		{name: "path above MaxPathLen", data: pm1(1, 0, None, zero, small), lim: &Limits{MaxPathLen: 11}, kind: errcode.ErrLimit},
		{name: "stored above MaxDecompressed", data: pm1(1, 0, None, zero, small), lim: &Limits{MaxDecompressed: int64(len(small)) - 1}, kind: errcode.ErrLimit},
		{name: "stored at MaxDecompressed", data: pm1(1, 0, None, zero, small), lim: &Limits{MaxDecompressed: int64(len(small))}, want: smallPaths},
		{name: "zlib above MaxDecompressed", data: pm1(1, 0, Zlib, zero, zlibOf(6, small)), lim: &Limits{MaxDecompressed: int64(len(small)) - 1}, kind: errcode.ErrLimit},
		{name: "zlib at MaxDecompressed", data: pm1(1, 0, Zlib, zero, zlibOf(6, small)), lim: &Limits{MaxDecompressed: int64(len(small))}, want: smallPaths},
		{name: "bad limits", data: pm1(1, 0, None, zero, small), lim: &Limits{MaxPaths: -1}, kind: errcode.ErrBadArg},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, err := ReadPathMap1(tc.data, tc.lim)
			if tc.kind != nil {
				wantKind(t, err, tc.kind)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			wantPaths(t, s, tc.want)
		})
	}
}

func TestPathMap1HeaderReported(t *testing.T) {
	data := pm1(1, 9, None, [4]byte{9, 8, 7, 6}, rec(0))
	_, h, err := ReadPathMap1(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if h.Major != 1 || h.Minor != 9 || h.Reserved != [4]byte{9, 8, 7, 6} || h.Compression != None {
		t.Fatalf("%+v", h)
	}
	_, h, err = ReadPathMap1(pm1(3, 2, None, [4]byte{}, rec(0)), nil)
	wantKind(t, err, errcode.ErrUnsupported)
	if h.Major != 3 || h.Minor != 2 {
		t.Fatalf("unsupported version's header: %+v", h)
	}
	for _, want := range []string{"3.2", "1.x"} {
		if !bytes.Contains([]byte(err.Error()), []byte(want)) {
			t.Fatalf("error %q does not name version %s", err, want)
		}
	}
}

func TestPathMap1WriteBadCompression(t *testing.T) {
	err := WritePathMap1(&bytes.Buffer{}, NewSet(), 4)
	wantKind(t, err, errcode.ErrBadArg)
}

// TestPathMap1BitFlips flips every bit of a file of each compression: the
// magic gives ErrFormat, the major ErrUnsupported, every other bit
// (including the minor, reserved and compression fields, the payload and
// the checksum itself) ErrChecksum.
func TestPathMap1BitFlips(t *testing.T) {
	s := setOf(smallPaths...)
	for _, c := range compressions {
		data := writePM1(t, s, c)
		for i := range data {
			for bit := range 8 {
				m := bytes.Clone(data)
				m[i] ^= 1 << bit
				_, _, err := ReadPathMap1(m, nil)
				switch {
				case i < 8:
					wantKind(t, err, errcode.ErrFormat)
				case i == 8:
					wantKind(t, err, errcode.ErrUnsupported)
				default:
					wantKind(t, err, errcode.ErrChecksum)
				}
			}
		}
	}
}

// TestPathMap1Truncation reads every prefix of a file of each compression:
// none is accepted.
func TestPathMap1Truncation(t *testing.T) {
	s := setOf(genPaths(300)...)
	for _, c := range compressions {
		data := writePM1(t, s, c)
		for n := 0; n < len(data); n++ {
			_, _, err := ReadPathMap1(data[:n], nil)
			if err == nil {
				t.Fatalf("%s: prefix of %d of %d bytes accepted", c, n, len(data))
			}
			if !errors.Is(err, errcode.ErrFormat) && !errors.Is(err, errcode.ErrChecksum) {
				t.Fatalf("%s: prefix of %d bytes: %v", c, n, err)
			}
			// With its checksum made right, a cut payload is still refused.
			if n >= HeaderSize+ChecksumSize {
				cut := append(bytes.Clone(data[:n-ChecksumSize]), data[len(data)-ChecksumSize:]...)
				if n < len(data) {
					if _, _, err := ReadPathMap1(reseal(cut), nil); err == nil {
						t.Fatalf("%s: payload cut to %d bytes and resealed accepted", c, n-HeaderSize-ChecksumSize)
					} else if !errors.Is(err, errcode.ErrFormat) && !errors.Is(err, errcode.ErrChecksum) {
						t.Fatalf("%s: resealed cut payload: %v", c, err)
					}
				}
			}
		}
	}
}

// TestPathMap1CorruptPayload corrupts payload bytes under a correct Blake2b:
// the decompressor or parser refuses them, or they decode to other paths;
// nothing panics and each error has a kind.
func TestPathMap1CorruptPayload(t *testing.T) {
	s := setOf(genPaths(200)...)
	for _, c := range compressions {
		data := writePM1(t, s, c)
		for i := HeaderSize; i < len(data)-ChecksumSize; i++ {
			m := bytes.Clone(data)
			m[i] ^= 0x55
			_, _, err := ReadPathMap1(reseal(m), nil)
			if err != nil && errcode.Of(err) == errcode.Internal {
				t.Fatalf("%s: byte %d: unclassified error %v", c, i, err)
			}
		}
	}
}

// TestConcurrentReaders reads and writes files of every kind from several
// goroutines at once: the pooled codecs share nothing between calls.
func TestConcurrentReaders(t *testing.T) {
	s := setOf(genPaths(3000)...)
	files := map[Compression][]byte{}
	for _, c := range compressions {
		files[c] = writePM1(t, s, c)
	}
	pathsFile := writePaths(t, s)
	done := make(chan error)
	for g := range 4 {
		go func() {
			var err error
			for i := range 8 {
				c := compressions[(g+i)%len(compressions)]
				var got *Set
				if got, _, err = ReadPathMap1(files[c], nil); err == nil && got.Len() != s.Len() {
					err = errors.New("wrong length")
				}
				if err == nil {
					_, err = ReadPaths(bytes.NewReader(pathsFile), nil)
				}
				if err == nil {
					var buf bytes.Buffer
					if err = WritePathMap1(&buf, s, c); err == nil && !bytes.Equal(buf.Bytes(), files[c]) {
						err = errors.New("output differs")
					}
				}
				if err != nil {
					break
				}
			}
			done <- err
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}
