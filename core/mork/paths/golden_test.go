package paths

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zlib"
	"golang.org/x/crypto/blake2b"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/hostile"
)

var update = flag.Bool("update", false, "rewrite the vectors and manifest.json in core/testdata/mork/paths")

// vector is one golden file: how it is made, and what reading it gives.
type vector struct {
	file, desc string
	format     string // "pathmap1", "paths" or "records"
	// make makes the file; nil for a file made outside polyfmt (by the
	// reference C libraries), which is never regenerated.
	make  func(t testing.TB) []byte
	paths [][]byte // the Set read back, in order (when no error)
	err   error    // the error kind, or nil
}

// extNote says how the ext_ vectors were made. Their payload is the record
// section of sortedUnique(genPaths(5000)): 5000 paths, 95008 bytes.
const extNote = "made outside polyfmt from the record section of 5000 paths (95008 bytes): "

func vectors() []vector {
	var zero [4]byte
	small := AppendRecords(nil, setOf(smallPaths...))
	pm := func(c Compression, s *Set) func(t testing.TB) []byte {
		return func(t testing.TB) []byte { return writePM1(t, s, c) }
	}
	fixed := func(b []byte) func(testing.TB) []byte { return func(testing.TB) []byte { return b } }
	kz := func(level int, data []byte) []byte {
		var b bytes.Buffer
		w, _ := zlib.NewWriterLevel(&b, level)
		w.Write(data)
		w.Close()
		return b.Bytes()
	}
	smallSet := setOf(exprVars, symFoo, exprFooBar, exprUnit)
	big := sortedUnique(genPaths(5000))
	return []vector{
		{"pathmap1_none.pathmap1", "PATHMAP1 1.0, stored: the four reference paths", "pathmap1", pm(None, smallSet), smallPaths, nil},
		{"pathmap1_zlib.pathmap1", "PATHMAP1 1.0, zlib level 6 (78 9C)", "pathmap1", pm(Zlib, smallSet), smallPaths, nil},
		{"pathmap1_lz4.pathmap1", "PATHMAP1 1.0, one LZ4 frame (64 KiB independent blocks, content checksum)", "pathmap1", pm(LZ4, smallSet), smallPaths, nil},
		{"pathmap1_zstd.pathmap1", "PATHMAP1 1.0, one zstd frame at level 6 with a checksum", "pathmap1", pm(Zstd, smallSet), smallPaths, nil},
		{"pathmap1_empty_none.pathmap1", "PATHMAP1, stored, no paths: header, a zero count, checksum (56 bytes)", "pathmap1", pm(None, NewSet()), nil, nil},
		{"pathmap1_empty_zstd.pathmap1", "PATHMAP1, zstd, no paths", "pathmap1", pm(Zstd, NewSet()), nil, nil},
		{"pathmap1_minor_reserved.pathmap1", "version 1.3 with reserved bytes 01 02 03 04: read as 1.x", "pathmap1", fixed(pm1(1, 3, None, [4]byte{1, 2, 3, 4}, small)), smallPaths, nil},
		{"pathmap1_unsorted_dups.pathmap1", "stored records out of order with repeats: read sorted and deduplicated", "pathmap1",
			fixed(pm1(1, 0, None, zero, rec(6, symFoo, exprVars, exprUnit, symFoo, exprFooBar, exprUnit))), smallPaths, nil},
		{"pathmap1_bad_checksum.pathmap1", "pathmap1_zlib with one payload bit flipped", "pathmap1", func(t testing.TB) []byte {
			b := writePM1(t, smallSet, Zlib)
			b[HeaderSize+3] ^= 0x10
			return b
		}, nil, errcode.ErrChecksum},
		{"pathmap1_version_2.pathmap1", "version 2.0: another major", "pathmap1", fixed(pm1(2, 0, None, zero, small)), nil, errcode.ErrUnsupported},
		{"pathmap1_compression_9.pathmap1", "compression 9: unknown", "pathmap1", fixed(pm1(1, 0, 9, zero, small)), nil, errcode.ErrUnsupported},
		{"pathmap1_trailing_bytes.pathmap1", "stored payload with one byte after the last record", "pathmap1", fixed(pm1(1, 0, None, zero, append(bytes.Clone(small), 0))), nil, errcode.ErrFormat},
		{"pathmap1_count_2p60.pathmap1", "stored count of 2^60 paths", "pathmap1", fixed(pm1(1, 0, None, zero, rec(1<<60, symFoo))), nil, errcode.ErrLimit},
		{"pathmap1_len_4gib.pathmap1", "stored record of length 2^32-1 with 3 bytes behind it", "pathmap1", fixed(pm1(1, 0, None, zero, append(rec(1), 0xff, 0xff, 0xff, 0xff, 1, 2, 3))), nil, errcode.ErrLimit},
		{"pathmap1_zstd_bomb_1gib.pathmap1", "zstd frame of RLE blocks: 1024 paths of 1 MiB of zeros (1 GiB) in 40 KiB", "pathmap1", fixed(pm1(1, 0, Zstd, zero, hostile.ZstdZeroRecords(1024, 1<<20))), nil, errcode.ErrLimit},
		{"empty.paths", "PathMap .paths of no paths: exactly 78 DA 03 00 00 00 00 01", "paths", func(t testing.TB) []byte { return writePaths(t, NewSet()) }, nil, nil},
		{"single.paths", "(foo $x (bar $x)): inflates to 0C 00 00 00 03 C3 66 6F 6F C0 02 C3 62 61 72 80", "paths", func(t testing.TB) []byte { return writePaths(t, setOf(exprFooBar)) }, [][]byte{exprFooBar}, nil},
		{"small.paths", "the four reference paths, zlib level 7", "paths", func(t testing.TB) []byte { return writePaths(t, smallSet) }, smallPaths, nil},
		{"unsorted.upaths", "MORK .upaths: records out of order with repeats, zlib level 6", "paths", fixed(kz(6, body(symFoo, exprVars, exprUnit, symFoo, exprFooBar, exprUnit))), smallPaths, nil},
		{"bad_adler.paths", "small.paths with its Adler-32 wrong", "paths", func(t testing.TB) []byte {
			b := writePaths(t, smallSet)
			b[len(b)-1] ^= 1
			return b
		}, nil, errcode.ErrChecksum},
		{"truncated.paths", "small.paths without its last 6 bytes", "paths", func(t testing.TB) []byte {
			b := writePaths(t, smallSet)
			return b[:len(b)-6]
		}, nil, errcode.ErrFormat},
		{"zlib_bomb_16mib.paths", "deflate segments repeated: 16 MiB of zero bytes (empty paths) in 17 KiB", "paths", fixed(hostile.ZlibZeros(16)), nil, errcode.ErrLimit},
		{"records_small.bin", "a record section (as in MTTS): the four reference paths", "records", fixed(small), smallPaths, nil},
		{"ext_pathmap1_lz4_linked.pathmap1", extNote + "lz4 CLI 1.9.4 -B4 -BD (liblz4: linked 64 KiB blocks, content checksum, as lz4::EncoderBuilder's defaults)", "pathmap1", nil, big, nil},
		{"ext_pathmap1_lz4_two_frames.pathmap1", extNote + "two LZ4 frames by the lz4 CLI (linked 64 KiB blocks with checksum; independent 256 KiB blocks without)", "pathmap1", nil, big, nil},
		{"ext_pathmap1_zstd_stream.pathmap1", extNote + "zstd CLI 1.5.4 -6 --no-check from a pipe (libzstd: no content size, no checksum, as zstd::Encoder writes)", "pathmap1", nil, big, nil},
		{"ext_pathmap1_zstd_two_frames.pathmap1", extNote + "two zstd frames by the zstd CLI (-3 with checksum; -19 without)", "pathmap1", nil, big, nil},
		{"ext_pathmap1_zlib.pathmap1", extNote + "C zlib (Python zlib.compress) level 6", "pathmap1", nil, big, nil},
		{"ext_libz_level7.paths", extNote + "C zlib (Python zlib.compress) level 7, as PathMap writes .paths (78 DA)", "paths", nil, big, nil},
		{"records_count_2p60.bin", "a record section claiming 2^60 paths", "records", fixed(rec(1 << 60)), nil, errcode.ErrLimit},
	}
}

// readVector reads a vector's bytes with the reader of its format.
func readVector(format string, data []byte) (*Set, error) {
	switch format {
	case "pathmap1":
		s, _, err := ReadPathMap1(data, nil)
		return s, err
	case "paths":
		return ReadPaths(bytes.NewReader(data), nil)
	}
	s := NewSet()
	_, err := ReadRecords(bytes.NewReader(data), nil, func(p []byte) error { s.Add(p, 0); return nil })
	return s, err
}

// manifestCase is one vector in manifest.json. A file read without error
// gives count paths whose record section (AppendRecords) has the Blake2b-256
// records_blake2b256; paths lists them in hex when there are at most 16.
type manifestCase struct {
	File        string   `json:"file"`
	Description string   `json:"description"`
	Format      string   `json:"format"`
	Error       string   `json:"error,omitempty"`
	Count       *int     `json:"count,omitempty"`
	Records     string   `json:"records_blake2b256,omitempty"`
	Paths       []string `json:"paths,omitempty"`
}

// TestGolden checks every vector byte for byte against what this code
// makes (or with -update rewrites them), then reads each and checks the
// result, and checks manifest.json, which lists them for the other surfaces.
func TestGolden(t *testing.T) {
	var manifest struct {
		Cases []manifestCase `json:"cases"`
	}
	for _, v := range vectors() {
		p := filepath.Join(vectorDir, v.file)
		if v.make != nil {
			want := v.make(t)
			if *update {
				if err := os.WriteFile(p, want, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := os.ReadFile(p)
			if err != nil {
				t.Fatalf("%v (run with -update to make the vectors)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: the file differs from what this code makes", v.file)
				continue
			}
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s, err := readVector(v.format, got)
		mc := manifestCase{File: v.file, Description: v.desc, Format: v.format}
		if v.err != nil {
			wantKind(t, err, v.err)
			mc.Error = errcode.Of(v.err).Name()
		} else {
			if err != nil {
				t.Fatalf("%s: %v", v.file, err)
			}
			wantPaths(t, s, v.paths)
			n := len(v.paths)
			sum := blake2b.Sum256(AppendRecords(nil, s))
			mc.Count, mc.Records = &n, hex.EncodeToString(sum[:])
			if n <= 16 {
				mc.Paths = []string{}
				for _, p := range v.paths {
					mc.Paths = append(mc.Paths, hex.EncodeToString(p))
				}
			}
		}
		manifest.Cases = append(manifest.Cases, mc)
	}
	js, _ := json.MarshalIndent(manifest, "", " ")
	js = append(js, '\n')
	mp := filepath.Join(vectorDir, "manifest.json")
	if *update {
		if err := os.WriteFile(mp, js, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(mp)
	if err != nil || !bytes.Equal(got, js) {
		t.Fatalf("manifest.json is not what the vectors give (%v); run with -update", err)
	}
}

// TestGoldenFixedBytes pins the bytes the reference gives, independent of
// any writer.
func TestGoldenFixedBytes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(vectorDir, "empty.paths"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, []byte{0x78, 0xDA, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}) {
		t.Fatalf("empty.paths is % x", b)
	}
	b, err = os.ReadFile(filepath.Join(vectorDir, "single.paths"))
	if err != nil {
		t.Fatal(err)
	}
	if d := inflate(t, b); !bytes.Equal(d, []byte{0x0C, 0, 0, 0, 0x03, 0xC3, 0x66, 0x6F, 0x6F, 0xC0, 0x02, 0xC3, 0x62, 0x61, 0x72, 0x80}) {
		t.Fatalf("single.paths inflates to % x", d)
	}
	b, err = os.ReadFile(filepath.Join(vectorDir, "pathmap1_empty_none.pathmap1"))
	if err != nil {
		t.Fatal(err)
	}
	// Magic, version 01 00, compression 00 00, reserved, a zero count, 32 bytes of Blake2b.
	if len(b) != 56 || hex.EncodeToString(b[:24]) != "504154484d41503101000000000000000000000000000000" {
		t.Fatalf("empty PATHMAP1 is % x", b)
	}
}
