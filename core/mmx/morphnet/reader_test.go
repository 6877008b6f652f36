package morphnet

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// TestReferenceExample reproduces the reference's example bytes with the
// test encoder and reads them back with Parse and DecodeTensor.
func TestReferenceExample(t *testing.T) {
	abc := sha256.Sum256([]byte("abc"))
	want := Entry{Key: "/t", Name: "/t", Type: ChunkTensor, Offset: 4096, Size: 40, Compression: CompressionLz4, Checksum: &abc}
	got := encEntry(&want)
	if len(got) != 70 || hex.EncodeToString(got) != refEntryHex {
		t.Fatalf("entry: %d bytes %x, want 70 bytes %s", len(got), got, refEntryHex)
	}
	tb := encTensor(tensorShape, tensorData)
	if len(tb) != 56 || hex.EncodeToString(tb) != refTensorHex {
		t.Fatalf("tensor: %d bytes %x, want 56 bytes %s", len(tb), tb, refTensorHex)
	}

	file := refEntryFile(t)
	f, err := ParseBytes(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != 1 || !reflect.DeepEqual(f.Entries[0], want) {
		t.Fatalf("parsed %+v, want %+v", f.Entries, want)
	}
	if f.Header["creator"] != "sustilliano" || f.Header["model_uuid"] != nil {
		t.Errorf("header %v", f.Header)
	}
	e := &f.Entries[0]
	off, n := e.StoredRange()
	stored := file[off : off+n]
	if err := e.VerifyChecksum(stored); !errors.Is(err, errcode.ErrChecksum) {
		t.Errorf("VerifyChecksum of the placeholder checksum: %v", err)
	}
	if err := e.VerifyChecksum([]byte("abc")); !errors.Is(err, errcode.ErrBadArg) {
		t.Errorf("VerifyChecksum of 3 bytes for a 40-byte entry: %v", err)
	}
	p, err := decompress(e.Compression, stored, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	shape, data, err := DecodeTensor(p, nil)
	if err != nil || !slices.Equal(shape, []uint64{10}) || !slices.Equal(data, slices.Repeat([]float32{1}, 10)) {
		t.Fatalf("DecodeTensor of the chunk: %v %v %v", shape, data, err)
	}
	shape, data, err = DecodeTensor(tb, nil)
	if err != nil || !slices.Equal(shape, tensorShape) || !slices.Equal(data, tensorData) {
		t.Fatalf("DecodeTensor of the reference payload: %v %v %v", shape, data, err)
	}
}

func TestEmptyFile(t *testing.T) {
	b := loadVector(t, "empty.mmx")
	if len(b) != 4112 {
		t.Fatalf("empty.mmx is %d bytes", len(b))
	}
	if !bytes.Equal(b[4096:4104], make([]byte, 8)) || binary.LittleEndian.Uint64(b[4104:]) != 8 {
		t.Fatalf("tail %x", b[4096:])
	}
	f, err := ParseBytes(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != 0 || f.DirectoryOffset != 4096 || f.Version != 1 {
		t.Fatalf("%+v", f)
	}
	if f.Header["version"] != json.Number("1") || f.Header["file_size"] != json.Number("4112") {
		t.Errorf("header numbers %v", f.Header)
	}
	if !Detect(bytes.NewReader(b), int64(len(b))) {
		t.Error("Detect(empty.mmx) = false")
	}
}

// TestVectorValues checks every value the valid vectors hold.
func TestVectorValues(t *testing.T) {
	tv := func(s []uint64, d []float32) tensorValue { return tensorValue{s, d} }
	cases := []struct {
		file string
		want map[string]any
	}{
		{"empty.mmx", map[string]any{}},
		{"tensor_none.mmx", map[string]any{"/t": tv(tensorShape, tensorData)}},
		{"tensor_lz4.mmx", map[string]any{"/t": tv(tensorShape, tensorData)}},
		{"tensor_zlib.mmx", map[string]any{"/t": tv(tensorShape, tensorData)}},
		{"text.mmx", map[string]any{"text/full": textFull, "text/bare": textBare}},
		{"sequence.mmx", map[string]any{"frames/00000": tv([]uint64{2, 2}, frame0), "frames/00001": tv([]uint64{2, 2}, frame1), "video/clip": seq}},
		{"mesh_full.mmx", map[string]any{"mesh/tetra": meshFull}},
		{"mesh_bare.mmx", map[string]any{"mesh/tri": meshBare}},
		{"embedding.mmx", map[string]any{"emb/pca": emb}},
		{"meta_empty.mmx", map[string]any{"meta": metaEnv}},
		{"mixed.mmx", map[string]any{"a": tv(tensorShape, tensorData), "notes": textFull, "emb": emb, "mesh": meshBare,
			"special": tv([]uint64{0, 3}, []float32{}), "meta": Meta{Data: map[string]any{}}}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			b := loadVector(t, c.file)
			f, err := ParseBytes(b, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := readChunks(f, b, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got  %#v\nwant %#v", got, c.want)
			}
			for _, e := range f.Entries {
				if e.Key != e.Name {
					t.Errorf("key %q name %q", e.Key, e.Name)
				}
			}
		})
	}
}

func TestMixedLayout(t *testing.T) {
	b := loadVector(t, "mixed.mmx")
	f, err := ParseBytes(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range f.Entries {
		keys = append(keys, e.Key)
	}
	if want := []string{"special", "notes", "a", "meta", "emb", "mesh"}; !slices.Equal(keys, want) {
		t.Fatalf("order %v, want %v", keys, want)
	}
	sp := f.Entries[0]
	if !sp.HasShape || !slices.Equal(sp.Shape, []uint64{0, 3}) || *sp.Dtype != "float32" || *sp.LogicalRegion != "video_segment_A" || sp.Checksum != nil {
		t.Errorf("special: %+v", sp)
	}
	// "a" was written first and again third: its entry points past the
	// text chunk, and the first copy's bytes are dead space at 4096.
	a, notes := f.Entries[2], f.Entries[1]
	if notes.Offset <= HeaderSize || a.Offset != notes.Offset+notes.Size {
		t.Errorf("a at %d, notes at %d+%d", a.Offset, notes.Offset, notes.Size)
	}
	if f.Header["total_chunks"] != json.Number("7") {
		t.Errorf("total_chunks %v", f.Header["total_chunks"])
	}
	for _, e := range f.Entries {
		if e.Compression.String() == "" || strings.HasPrefix(e.Type.String(), "ChunkType(") {
			t.Errorf("names %v %v", e.Type, e.Compression)
		}
	}
}

func TestNames(t *testing.T) {
	want := []string{"Tensor", "Sequence", "Text", "Mesh", "Embedding", "Meta", "GeometricTemplate", "ChunkType(7)"}
	for i, w := range want {
		if got := ChunkType(i).String(); got != w {
			t.Errorf("ChunkType(%d) = %q, want %q", i, got, w)
		}
	}
	for i, w := range []string{"None", "Lz4", "Zlib", "Compression(3)"} {
		if got := Compression(i).String(); got != w {
			t.Errorf("Compression(%d) = %q, want %q", i, got, w)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, v := range vectors {
		b := loadVector(t, v.file)
		want := true
		switch v.file {
		case "bad_magic.mmx", "bad_version.mmx", "no_directory.mmx", "dir_len_too_big.mmx":
			want = false
		}
		if got := Detect(bytes.NewReader(b), int64(len(b))); got != want {
			t.Errorf("Detect(%s) = %v, want %v", v.file, got, want)
		}
		// Parse accepting a file implies Detect does.
		if _, err := ParseBytes(b, nil); err == nil && !Detect(bytes.NewReader(b), int64(len(b))) {
			t.Errorf("%s parses but is not detected", v.file)
		}
	}
	b := loadVector(t, "empty.mmx")
	if Detect(nil, 4112) || Detect(bytes.NewReader(b[:4111]), 4111) || Detect(bytes.NewReader(b), 5000) {
		t.Error("Detect accepted a nil reader, a short file or a wrong size")
	}
	tr := slices.Clone(b)
	binary.LittleEndian.PutUint64(tr[len(tr)-8:], 0)
	if Detect(bytes.NewReader(tr), int64(len(tr))) {
		t.Error("Detect accepted D = 0")
	}
}

// TestParseErrors covers what the vectors do not: limits, strings, header
// JSON, and error offsets.
func TestParseErrors(t *testing.T) {
	tensor := tensorFile(CompressionNone)(t)
	d := dirStart(tensor)
	withJSON := func(js string) []byte {
		return assemble(js, nil, make([]byte, 8))
	}
	withDir := func(fn func(dir []byte) []byte) []byte {
		dir := fn(slices.Clone(tensor[d : len(tensor)-8]))
		return assemble(string(tensor[fixedHeader:fixedHeader+binary.LittleEndian.Uint32(tensor[8:])]), tensor[HeaderSize:d], dir)
	}
	cases := []struct {
		name string
		b    []byte
		lim  *Limits
		kind error
		off  int64 // expected error offset, or -2 to skip
	}{
		{"ok", tensor, nil, nil, -2},
		{"short", tensor[:4111], nil, errcode.ErrFormat, 0},
		{"MaxEntries", tensor, &Limits{MaxEntries: 1}, nil, -2},
		{"MaxEntries exceeded", loadVector(t, "text.mmx"), &Limits{MaxEntries: 1}, errcode.ErrLimit, -2},
		{"MaxNameLen exceeded", tensor, &Limits{MaxNameLen: 1}, errcode.ErrLimit, int64(d + 8)},
		{"MaxDirectoryBytes exceeded", tensor, &Limits{MaxDirectoryBytes: 87}, errcode.ErrLimit, int64(len(tensor) - 8)},
		{"MaxDims exceeded", loadVector(t, "mixed.mmx"), &Limits{MaxDims: 1}, errcode.ErrLimit, -2},
		{"key not UTF-8", withDir(func(b []byte) []byte { b[17] = 0xff; return b }), nil, errcode.ErrFormat, int64(d + 16)},
		{"name not UTF-8", withDir(func(b []byte) []byte { b[27] = 0xc0; return b }), nil, errcode.ErrFormat, int64(d + 26)},
		{"compression 3", withDir(func(b []byte) []byte { b[48] = 3; return b }), nil, errcode.ErrFormat, int64(d + 48)},
		{"chunk type 7", withDir(func(b []byte) []byte { b[28] = 7; return b }), nil, errcode.ErrFormat, int64(d + 28)},
		{"offset+size overflows", withDir(func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b[32:], 1<<63)
			binary.LittleEndian.PutUint64(b[40:], 1<<63)
			return b
		}), nil, errcode.ErrFormat, int64(d + 8)},
		{"checksum cut short", withDir(func(b []byte) []byte { return b[:len(b)-1] }), nil, errcode.ErrFormat, -2},
		{"key length huge", withDir(func(b []byte) []byte { binary.LittleEndian.PutUint64(b[8:], ^uint64(0)); return b }), nil, errcode.ErrFormat, int64(d + 8)},
		{"D = 0", func() []byte { b := slices.Clone(tensor); binary.LittleEndian.PutUint64(b[len(b)-8:], 0); return b }(), nil, errcode.ErrFormat, int64(len(tensor) - 8)},
		{"D = 2^64-1", func() []byte {
			b := slices.Clone(tensor)
			binary.LittleEndian.PutUint64(b[len(b)-8:], ^uint64(0))
			return b
		}(), nil, errcode.ErrFormat, int64(len(tensor) - 8)},
		{"json_len 2^32-1", func() []byte { b := slices.Clone(tensor); binary.LittleEndian.PutUint32(b[8:], ^uint32(0)); return b }(), nil, errcode.ErrFormat, 8},
		{"json empty", withJSON(""), nil, errcode.ErrFormat, 12},
		{"json array", withJSON(`[1]`), nil, errcode.ErrFormat, 12},
		{"json null", withJSON(`null`), nil, errcode.ErrFormat, 12},
		{"json trailing", withJSON(`{} {}`), nil, errcode.ErrFormat, 12},
		{"json duplicate key", withJSON(`{"version":1,"version":1}`), nil, errcode.ErrFormat, 12},
		{"json nested duplicate key", withJSON(`{"m":{"a":1,"b":[{"a":1}],"a":2}}`), nil, errcode.ErrFormat, 12},
		{"json same key at two depths", withJSON(`{"a":{"a":{"a":[]}},"b":[{"a":1},{"a":2}]}`), nil, nil, -2},
		{"json not UTF-8", withJSON("{\"creator\":\"\xff\"}"), nil, errcode.ErrFormat, 12},
		{"json minimal", withJSON(`{}`), nil, nil, -2},
		{"version 0", func() []byte { b := slices.Clone(tensor); b[4] = 0; return b }(), nil, errcode.ErrUnsupported, 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseBytes(c.b, c.lim)
			if !sameKind(err, c.kind) {
				t.Fatalf("got %v, want %v", err, c.kind)
			}
			if err == nil || c.off == -2 {
				return
			}
			var e *errcode.Error
			if !errors.As(err, &e) || e.Offset != c.off || !strings.HasPrefix(err.Error(), "morphnet: ") {
				t.Fatalf("%v: offset %d, want %d", err, e.Offset, c.off)
			}
		})
	}
}

// failingReader returns an I/O error that is not EOF.
type failingReader struct{ err error }

func (r failingReader) ReadAt([]byte, int64) (int, error) { return 0, r.err }

func TestParseReadErrors(t *testing.T) {
	if _, err := Parse(nil, 5000, nil); !errors.Is(err, errcode.ErrBadArg) {
		t.Errorf("nil reader: %v", err)
	}
	ioErr := errors.New("disk on fire")
	_, err := Parse(failingReader{ioErr}, 5000, nil)
	if !errors.Is(err, ioErr) || errors.Is(err, errcode.ErrFormat) {
		t.Errorf("I/O error: %v", err)
	}
	// A size larger than the data is a truncated file.
	b := loadVector(t, "tensor_none.mmx")
	if _, err := Parse(bytes.NewReader(b), int64(len(b))+100, nil); !errors.Is(err, errcode.ErrFormat) {
		t.Errorf("size past EOF: %v", err)
	}
	var _ io.ReaderAt = failingReader{}
}

// TestTruncation: every proper prefix of every vector fails to parse.
func TestTruncation(t *testing.T) {
	for _, v := range vectors {
		b := loadVector(t, v.file)
		for n := range len(b) {
			if _, err := ParseBytes(b[:n], nil); err == nil {
				t.Fatalf("%s cut to %d bytes parses", v.file, n)
			}
		}
	}
}

// TestMutation flips every byte that Parse reads (header fields, header
// JSON, chunks, directory, trailer) in two ways; nothing may panic, and a
// mutated file that still parses must still read or fail cleanly.
func TestMutation(t *testing.T) {
	for _, v := range vectors {
		orig := loadVector(t, v.file)
		jl := int(min(binary.LittleEndian.Uint32(orig[8:]), MaxHeaderJSON))
		for i := range orig {
			if i >= fixedHeader+jl && i < HeaderSize {
				continue // padding: never read
			}
			for _, x := range []byte{0xff, 0x01} {
				b := slices.Clone(orig)
				b[i] ^= x
				f, err := ParseBytes(b, nil)
				if err != nil {
					if errcode.Of(err) == errcode.Internal {
						t.Fatalf("%s byte %d ^%#x: unclassified error %v", v.file, i, x, err)
					}
					continue
				}
				checkParsed(t, f, b)
				_, _ = readChunks(f, b, &Limits{MaxPayloadBytes: 1 << 20})
			}
		}
	}
}

// checkParsed asserts the guarantees Parse makes about a file it accepted.
func checkParsed(t testing.TB, f *File, b []byte) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range f.Entries {
		off, n := e.StoredRange()
		if off < HeaderSize || n < 0 || off+n > f.DirectoryOffset || seen[e.Key] {
			t.Fatalf("entry %q out of range or repeated: [%d,+%d) dir at %d", e.Key, off, n, f.DirectoryOffset)
		}
		seen[e.Key] = true
		if e.HasShape != (e.Shape != nil) || e.Type >= numChunkTypes || e.Compression >= numCompressions {
			t.Fatalf("entry %+v", e)
		}
	}
	if f.DirectoryOffset < HeaderSize || f.DirectoryOffset > int64(len(b))-16 || f.Header == nil {
		t.Fatalf("directory at %d of %d", f.DirectoryOffset, len(b))
	}
}

var allocSink []byte

// allocBytes reports how many bytes fn allocates (TotalAlloc is cumulative,
// so no GC is needed; other goroutines' allocations only add noise upward).
func allocBytes(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestHugeDirectoryLengths puts 2^64-1 (and 2^63) in every u64 of the
// tensor vector's directory: each must fail without allocating for it.
func TestHugeDirectoryLengths(t *testing.T) {
	if n := allocBytes(func() { allocSink = make([]byte, 2<<20) }); n < 2<<20 {
		t.Fatalf("allocBytes measured %d bytes for a 2 MiB allocation", n)
	}
	b := loadVector(t, "tensor_none.mmx")
	d := dirStart(b)
	for _, at := range []int{d, d + 8, d + 18, d + 32, d + 40} { // n, key len, name len, offset, size
		for _, v := range []uint64{^uint64(0), 1 << 63, 1 << 40} {
			m := slices.Clone(b)
			binary.LittleEndian.PutUint64(m[at:], v)
			var err error
			if n := allocBytes(func() { _, err = ParseBytes(m, nil) }); n > 1<<20 {
				t.Errorf("u64 %#x at %d: allocated %d bytes", v, at, n)
			}
			if err == nil {
				t.Errorf("u64 %#x at %d parses", v, at)
			}
		}
	}
}
